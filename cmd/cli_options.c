/* SPDX-License-Identifier: MIT */
#include "cli_options.h"
#include "cli.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* --help lines stay within a terminal of 80 columns. */
#define HELP_WIDTH 79

/* getopt_long reports a long option by val; short ones by their letter,
 * which never reaches 256. */
#define LONG_VAL(k) (256 + (int)(k))

/* The spec's options, its groups joined, in order. */
struct flat {
	const struct cli_opt **opts;
	size_t *at;
	size_t count;
};

static int flatten(const struct cli_spec *spec, struct flat *f)
{
	const struct cli_group *g;
	const struct cli_opt *o;
	size_t n = 0;

	for (g = spec->groups; g->opts; g++)
		for (o = g->opts; o->name; o++)
			n++;
	f->opts = calloc(n ? n : 1, sizeof(*f->opts));
	f->at = calloc(n ? n : 1, sizeof(*f->at));
	f->count = 0;
	if (!f->opts || !f->at) {
		free(f->opts);
		free(f->at);
		return -1;
	}
	for (g = spec->groups; g->opts; g++) {
		for (o = g->opts; o->name; o++) {
			f->opts[f->count] = o;
			f->at[f->count++] = g->at + o->offset;
		}
	}
	return 0;
}

static void flat_release(struct flat *f)
{
	free(f->opts);
	free(f->at);
}

/* Edit distance with adjacent transpositions (optimal string alignment):
 * "--verison" is one step from "--version". */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, best;
	size_t *row[3], *cells;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	cells = calloc(3 * (lb + 1), sizeof(*cells));
	if (!cells)
		return (size_t)-1;
	row[0] = cells;		       /* i - 2 */
	row[1] = cells + lb + 1;       /* i - 1 */
	row[2] = cells + 2 * (lb + 1); /* i */
	for (j = 0; j <= lb; j++)
		row[1][j] = j;
	for (i = 1; i <= la; i++) {
		size_t *t = row[0];
		row[0] = row[1];
		row[1] = row[2];
		row[2] = t;
		row[2][0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			best = row[1][j] + 1;
			if (row[2][j - 1] + 1 < best)
				best = row[2][j - 1] + 1;
			if (row[1][j - 1] + cost < best)
				best = row[1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && row[0][j - 2] + 1 < best)
				best = row[0][j - 2] + 1;
			row[2][j] = best;
		}
	}
	best = row[2][lb];
	free(cells);
	return best;
}

const char *cli_nearest(const char *word, const char *const *candidates)
{
	const char *best = NULL, *prefixed = NULL;
	size_t best_d = (size_t)-1, d, i, prefixes = 0;

	for (i = 0; candidates[i]; i++) {
		const char *c = candidates[i];
		/* Two slips in a long word, one in a short one: more, and the
		 * hint is a guess. */
		size_t near = strlen(c) >= 6 ? 2 : 1;
		d = distance(word, c);
		if (d <= near && d < best_d) {
			best = c;
			best_d = d;
		}
		if (*word && strncmp(word, c, strlen(word)) == 0) {
			prefixed = c;
			prefixes++;
		}
	}
	if (best)
		return best;
	/* "valid" for "validate"; only when it can mean one word. */
	return prefixes == 1 && strlen(word) >= 2 ? prefixed : NULL;
}

/* The long names of f, NULL-terminated; NULL when memory ran out. */
static const char **long_names(const struct flat *f)
{
	const char **names = calloc(f->count + 1, sizeof(*names));
	size_t i;

	for (i = 0; names && i < f->count; i++)
		names[i] = f->opts[i]->name;
	return names;
}

static const char *spec_prefix(const struct cli_spec *spec)
{
	return strcmp(spec->name, "dyd") == 0 ? NULL : spec->name;
}

/* An unknown long option, one that is ambiguous, or a flag given a
 * value ("--force=yes"). word is the argument as typed. */
static int long_option_error(const struct cli_spec *spec, const struct flat *f,
			     const char *word, int optopt_val)
{
	const char *cmd = spec_prefix(spec), *nearest, **names;
	size_t len = strcspn(word + 2, "="), i, matches = 0;
	char list[512] = "";
	int status;

	if (optopt_val >= LONG_VAL(0) &&
	    (size_t)(optopt_val - LONG_VAL(0)) < f->count)
		return cli_usage_error(cmd, "option '--%s' takes no value",
				       f->opts[optopt_val - LONG_VAL(0)]->name);
	for (i = 0; i < f->count; i++) {
		if (strncmp(f->opts[i]->name, word + 2, len) != 0)
			continue;
		matches++;
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s--%s", matches > 1 ? ", " : "", f->opts[i]->name);
	}
	if (matches > 1)
		return cli_usage_error(cmd, "option '%.*s' is ambiguous (%s)",
				       (int)len + 2, word, list);
	names = long_names(f);
	if (!names) {
		cli_error("out of memory");
		return EXIT_IO;
	}
	{
		char typed[128];
		snprintf(typed, sizeof(typed), "%.*s", (int)len, word + 2);
		nearest = cli_nearest(typed, names);
	}
	if (nearest)
		status = cli_usage_error(
		    cmd, "unknown option '%.*s'; did you mean '--%s'?",
		    (int)len + 2, word, nearest);
	else
		status = cli_usage_error(cmd, "unknown option '%.*s'",
					 (int)len + 2, word);
	free(names);
	return status;
}

/* An unknown short option c. getopt_long does not say which word of
 * argv it was in; a single-dash word spelling a long option ("-force")
 * is the likely slip, so look for one. */
static int short_option_error(const struct cli_spec *spec, const struct flat *f,
			      int c, int argc, char **argv)
{
	const char *cmd = spec_prefix(spec), *nearest = NULL, **names;
	int i;

	names = long_names(f);
	for (i = 1; names && !nearest && i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1] == c && argv[i][2] &&
		    argv[i][1] != '-')
			nearest = cli_nearest(argv[i] + 1, names);
	free(names);
	if (nearest)
		return cli_usage_error(
		    cmd, "unknown option '-%c'; did you mean '--%s'?", c,
		    nearest);
	return cli_usage_error(cmd, "unknown option '-%c'", c);
}

static int option_error(const struct cli_spec *spec, const struct flat *f,
			int c, int argc, char **argv)
{
	const char *word = argv[optind - 1];

	if (c == ':' && optopt > 0 && optopt < LONG_VAL(0))
		return cli_usage_error(spec_prefix(spec),
				       "option '-%c' needs a value", optopt);
	if (c == ':')
		return cli_usage_error(spec_prefix(spec),
				       "option '%s' needs a value", word);
	if (optopt > 0 && optopt < LONG_VAL(0))
		return short_option_error(spec, f, optopt, argc, argv);
	if (strncmp(word, "--", 2) == 0)
		return long_option_error(spec, f, word, optopt);
	return cli_usage_error(spec_prefix(spec), "unknown option '%s'", word);
}

/* The getopt_long array and option string for f. */
static int getopt_tables(const struct flat *f, bool stop_at_operand,
			 struct option **longopts, char **shortopts)
{
	size_t i, n = 0;
	char *s;

	*longopts = calloc(f->count + 1, sizeof(**longopts));
	*shortopts = s = malloc(3 * f->count + 3);
	if (!*longopts || !s) {
		free(*longopts);
		free(s);
		return -1;
	}
	if (stop_at_operand)
		s[n++] = '+';
	s[n++] = ':'; /* a missing value is ':', not '?' */
	for (i = 0; i < f->count; i++) {
		const struct cli_opt *o = f->opts[i];
		(*longopts)[i].name = o->name;
		(*longopts)[i].has_arg =
		    o->value_name ? required_argument : no_argument;
		(*longopts)[i].val = LONG_VAL(i);
		if (o->short_name) {
			s[n++] = (char)o->short_name;
			if (o->value_name)
				s[n++] = ':';
		}
	}
	s[n] = '\0';
	return 0;
}

static size_t find_short(const struct flat *f, int c)
{
	size_t i;

	for (i = 0; i < f->count; i++)
		if (f->opts[i]->short_name == c)
			return i;
	return f->count;
}

int cli_parse(const struct cli_spec *spec, void *args, int argc, char **argv,
	      int *operands)
{
	struct option *longopts = NULL;
	char *shortopts = NULL;
	struct flat f;
	struct cli_arg arg;
	size_t k;
	int c, status = CLI_CONTINUE;

	if (flatten(spec, &f) != 0) {
		cli_error("out of memory");
		return EXIT_IO;
	}
	if (getopt_tables(&f, spec->stop_at_operand, &longopts, &shortopts)) {
		flat_release(&f);
		cli_error("out of memory");
		return EXIT_IO;
	}
	opterr = 0;
	optind = 0; /* glibc: start afresh, as for a new argv */
	while (status == CLI_CONTINUE &&
	       (c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			status = option_error(spec, &f, c, argc, argv);
			break;
		}
		k = c >= LONG_VAL(0) ? (size_t)(c - LONG_VAL(0))
				     : find_short(&f, c);
		arg.cmd = spec_prefix(spec);
		arg.spec = spec;
		arg.opt = f.opts[k];
		arg.value = f.opts[k]->value_name ? optarg : NULL;
		arg.dest = args ? (char *)args + f.at[k] : NULL;
		status = f.opts[k]->parse(&arg);
	}
	*operands = optind;
	free(longopts);
	free(shortopts);
	flat_release(&f);
	return status;
}

/* "  -o, --output FILE" */
static int option_label(const struct cli_opt *o, char *buf, size_t size)
{
	char shortpart[8] = "";

	if (o->short_name)
		snprintf(shortpart, sizeof(shortpart), "-%c, ", o->short_name);
	return snprintf(buf, size, "  %s--%s%s%s", shortpart, o->name,
			o->value_name ? " " : "",
			o->value_name ? o->value_name : "");
}

/* Prints text from column col, breaking lines at spaces before width. */
static void print_wrapped(FILE *out, const char *text, size_t col)
{
	size_t at = col, len;

	while (*text) {
		len = strcspn(text, " ");
		if (at > col && at + 1 + len > HELP_WIDTH) {
			fprintf(out, "\n%*s", (int)col, "");
			at = col;
		} else if (at > col) {
			fputc(' ', out);
			at++;
		}
		fprintf(out, "%.*s", (int)len, text);
		at += len;
		text += len;
		text += strspn(text, " ");
	}
	fputc('\n', out);
}

void cli_help_usage(const struct cli_spec *spec, FILE *out)
{
	const char *form = spec->usage;
	bool first = true;
	size_t n;

	while (*form) {
		n = strcspn(form, "\n");
		fprintf(out, "%s dyd%s%s %.*s\n", first ? "usage:" : "      ",
			strcmp(spec->name, "dyd") ? " " : "",
			strcmp(spec->name, "dyd") ? spec->name : "", (int)n,
			form);
		form += n + (form[n] == '\n');
		first = false;
	}
}

void cli_help_table(const struct cli_spec *spec, FILE *out)
{
	const struct cli_group *g;
	const struct cli_opt *o;
	char label[128];
	size_t col = 0, n;

	for (g = spec->groups; g->opts; g++) {
		for (o = g->opts; o->name; o++) {
			n = (size_t)option_label(o, label, sizeof(label));
			if (n + 2 > col)
				col = n + 2;
		}
	}
	fprintf(out, "\nOptions:\n");
	for (g = spec->groups; g->opts; g++) {
		for (o = g->opts; o->name; o++) {
			n = (size_t)option_label(o, label, sizeof(label));
			fprintf(out, "%s%*s", label, (int)(col - n), "");
			print_wrapped(out, o->help, col);
		}
	}
}

void cli_help(const struct cli_spec *spec, FILE *out)
{
	cli_help_usage(spec, out);
	if (spec->about)
		fprintf(out, "\n%s", spec->about);
	cli_help_table(spec, out);
}

void cli_dump_options(const struct cli_spec *const *specs, size_t count)
{
	const struct cli_group *g;
	const struct cli_opt *o;
	char shortname[2] = "";
	size_t i;

	for (i = 0; i < count; i++) {
		for (g = specs[i]->groups; g->opts; g++) {
			for (o = g->opts; o->name; o++) {
				shortname[0] = (char)o->short_name;
				printf("option\t%s\t%s\t%s\t%s\t%s\n",
				       specs[i]->name,
				       o->short_name ? shortname : "-", o->name,
				       o->value_name ? o->value_name : "-",
				       o->help);
			}
		}
	}
}

int cli_set_true(const struct cli_arg *arg)
{
	*(bool *)arg->dest = true;
	return CLI_CONTINUE;
}

int cli_set_string(const struct cli_arg *arg)
{
	*(const char **)arg->dest = arg->value;
	return CLI_CONTINUE;
}

int cli_show_help(const struct cli_arg *arg)
{
	cli_help(arg->spec, stdout);
	return EXIT_ALL_OK;
}

const struct cli_opt cli_help_options[] = {
    {'h', "help", NULL, "show this help", cli_show_help, 0},
    CLI_OPT_END,
};
