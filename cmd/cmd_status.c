/* SPDX-License-Identifier: MIT */
/* dyd status: the support desk's answer for one account, from its record
 * file or looked up in the inputs of a batch. */
#include "cli.h"
#include "commands.h"

#include <stdlib.h>
#include <string.h>

/* The inputs of --in, and the operands that follow it. */
struct input_list {
	const char **paths; /* borrowed from argv */
	size_t count;
};

struct status_args {
	struct cli_eval eval;
	dyd_status_options status; /* --lang, --explain, --verbose, --tz,
				      --short */
	bool json;
	struct input_list in;
	const char *account; /* --account */
	const char *phone;   /* --phone, as typed */
};

#define AT(field) offsetof(struct status_args, field)

static int add_input(const struct cli_arg *arg)
{
	struct input_list *l = arg->dest;
	const char **grown = realloc(l->paths, (l->count + 1) * sizeof(*grown));

	if (!grown) {
		cli_error("out of memory");
		return EXIT_IO;
	}
	grown[l->count++] = arg->value;
	l->paths = grown;
	return CLI_CONTINUE;
}

/* A mistyped number is a usage error before any input is read. */
static int parse_phone(const struct cli_arg *arg)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char e164[DYD_PHONE_SIZE];
	int status = CLI_CONTINUE;

	if (dyd_phone_normalize(arg->value, e164, &diags) == 0)
		*(const char **)arg->dest = arg->value;
	else
		status = cli_usage_error(arg->cmd, "--phone: %s",
					 diags.count ? diags.items[0].message
						     : "out of memory");
	dyd_diags_release(&diags);
	return status;
}

static const struct cli_opt status_options[] = {
    {0, "in", "PATH",
     "look the record up in PATH and the operands that follow: JSON Lines "
     "(plain or gzip), YAML streams, directories, as dyd batch reads",
     add_input, AT(in)},
    {0, "account", "ID", "with --in: the record with this account id",
     cli_set_string, AT(account)},
    {0, "phone", "NUMBER",
     "with --in: the record with this phone number, with its country "
     "code; spaces and punctuation do not count",
     parse_phone, AT(phone)},
    {0, "lang", "LANG",
     "language of the answer: en or id (default: DYD_LANG, else the "
     "locale's language, else en)",
     cli_parse_lang, AT(status.lang)},
    {0, "tz", "ZONE",
     "time zone of the times shown: an IANA name such as Asia/Jakarta, or "
     "an offset such as +07:00 (default: UTC)",
     cli_parse_tz, AT(status.tz)},
    {0, "explain", NULL, "add the rule trace behind every line", cli_set_true,
     AT(status.explain)},
    {0, "json", NULL, "print the decision object as JSON", cli_set_true,
     AT(json)},
    {0, "verbose", NULL, "show the full phone number and listed items",
     cli_set_true, AT(status.verbose)},
    {0, "short", NULL,
     "one line for a ticket: account, masked phone, opt-out, what is "
     "withheld, as-of",
     cli_set_true, AT(status.brief)},
    CLI_OPT_END,
};

static const struct cli_group status_groups[] = {
    {cli_eval_options, AT(eval)},
    {status_options, 0},
    {cli_help_options, 0},
    {NULL, 0},
};

const struct cli_spec cmd_status_spec = {
    .name = "status",
    .usage = "[options] ACCOUNT\n"
	     "[options] --in PATH... --account ID\n"
	     "[options] --in PATH... --phone NUMBER",
    .about =
	"Says whether the account holder opted out of sharing with the parent\n"
	"company, the state of each terms version, and which categories of\n"
	"data are shared for which purposes. ACCOUNT is a record file (JSON "
	"or\n"
	"YAML) or '-' for standard input; with --in, the record is looked up\n"
	"by its account id or phone number in the inputs a batch reads.\n",
    .groups = status_groups,
};

/*
 * The desk's language, not the record's: --lang, else DYD_LANG (what
 * --lang takes), else the locale's language (POSIX: the first of LC_ALL,
 * LC_MESSAGES and LANG that is set and not empty is the locale; "C" and
 * "POSIX" are English, one dyd cannot speak falls back to English), else
 * English. Returns an exit status.
 */
static int status_language(const char *option, const char **out)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	const char *env = getenv("DYD_LANG"), *v, *lang;
	char tag[16];
	size_t i, n;

	*out = option;
	if (option)
		return EXIT_ALL_OK;
	if (env && *env) {
		if (!dyd_language_supported(env))
			return cli_usage_error(
			    "status", "DYD_LANG '%s' is not supported (en, id)",
			    env);
		*out = env;
		return EXIT_ALL_OK;
	}
	*out = "en";
	for (i = 0; i < sizeof(vars) / sizeof(*vars); i++) {
		v = getenv(vars[i]);
		if (!v || !*v)
			continue;
		/* "id_ID.UTF-8@variant": the language comes first. */
		n = strcspn(v, "_.@");
		if (n < sizeof(tag)) {
			memcpy(tag, v, n);
			tag[n] = '\0';
			lang = dyd_language_pick(tag);
			if (lang)
				*out = lang;
		}
		break;
	}
	return EXIT_ALL_OK;
}

/* Prints the answer for a decision: text or JSON. */
static int status_print(const dyd_decision *decision,
			const struct status_args *a)
{
	char *text = NULL;
	int rc = 0, status;

	if (a->json) {
		text = dyd_decision_to_json(decision);
		if (!text)
			rc = DYD_ENOMEM;
	} else {
		rc = dyd_status_render(&text, decision, &a->status);
	}
	if (rc == DYD_ENOMEM)
		cli_error("out of memory");
	status = cli_exit_code(rc);
	if (rc == 0)
		status = cli_write_stdout(text, strlen(text));
	free(text);
	return status;
}

/* Evaluates the record at path and prints the answer. */
static int status_file(const char *path, const struct status_args *a,
		       const dyd_policy *policy, dyd_time as_of)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *record = NULL;
	dyd_decision *decision = NULL;
	int rc, status;

	rc = cli_evaluate_file(path, policy, &a->eval.record, as_of, &record,
			       &decision, &diags);
	cli_print_diags(&diags);
	if (rc == DYD_ENOMEM)
		cli_error("out of memory");
	status = rc ? cli_exit_code(rc) : status_print(decision, a);
	dyd_decision_free(decision);
	dyd_record_free(record);
	dyd_diags_release(&diags);
	return status;
}

/* "the account id 'x'", or "the phone number +62*********90": the number
 * is masked as in the answer, unless --verbose. */
static void sought(const struct status_args *a, char *buf, size_t size)
{
	char e164[DYD_PHONE_SIZE];
	size_t i, n, head, tail;

	if (!a->phone) {
		snprintf(buf, size, "the account id '%s'", a->account);
		return;
	}
	dyd_phone_normalize(a->phone, e164, NULL); /* parse_phone checked it */
	n = strlen(e164);
	/* As the answer's heading: a short number is hidden whole. */
	head = n >= 9 ? 3 : 1;
	tail = n >= 9 ? 2 : 0;
	for (i = head; !a->status.verbose && i + tail < n; i++)
		e164[i] = '*';
	snprintf(buf, size, "the phone number %s", e164);
}

/* Why there is no answer: no record, more than one, or an invalid one
 * (whose problems are printed already). Returns EXIT_INVALID. */
static int lookup_failed(const dyd_find_result *res,
			 const struct status_args *a)
{
	char what[160], inputs[32];
	size_t i;

	sought(a, what, sizeof(what));
	snprintf(inputs, sizeof(inputs), "%zu inputs", a->in.count);
	if (res->matches == 0) {
		cli_error("no record has %s in %s (%llu records read)%s", what,
			  a->in.count == 1 ? a->in.paths[0] : inputs,
			  (unsigned long long)res->records,
			  res->unreadable ? "; some of the input could not be "
					    "read (see above): it may be there"
					  : "; check it, or look in other "
					    "inputs");
		return EXIT_INVALID;
	}
	if (res->matches == 1) {
		cli_error("the record with %s, at %s, is invalid: fix the "
			  "problems above",
			  what, res->where[0]);
		return EXIT_INVALID;
	}
	fprintf(stderr, "dyd: %zu records have %s:", res->matches, what);
	for (i = 0; i < res->matches && i < DYD_FIND_PLACES; i++)
		fprintf(stderr, "%s %s%s%s%s", i ? "," : "", res->where[i],
			a->phone ? " (" : "",
			a->phone ? (res->account_id[i] ? res->account_id[i]
						       : "no valid id")
				 : "",
			a->phone ? ")" : "");
	if (res->matches > DYD_FIND_PLACES)
		fprintf(stderr, " and %zu more",
			res->matches - DYD_FIND_PLACES);
	fprintf(stderr, "\n%s\n",
		a->phone ? "dyd: look the account up with --account ID"
			 : "dyd: an account is one record: remove the copies "
			   "that are wrong");
	return EXIT_INVALID;
}

/* Looks the record up in the inputs, evaluates it and prints the answer. */
static int status_lookup(const struct status_args *a, const dyd_policy *policy,
			 dyd_time as_of)
{
	dyd_find_options fopt = DYD_FIND_OPTIONS_INIT;
	dyd_find_result res;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *record = NULL;
	dyd_decision *decision = NULL;
	int rc, status;

	fopt.key = a->phone ? DYD_FIND_PHONE : DYD_FIND_ACCOUNT_ID;
	fopt.value = a->phone ? a->phone : a->account;
	fopt.record = a->eval.record;
	rc = dyd_record_find(&record, &res, a->in.paths, a->in.count, policy,
			     &fopt, &diags);
	if (rc == DYD_EUSAGE) {
		status = cli_usage_diags("status", &diags);
		goto out;
	}
	if (rc == 0)
		rc = dyd_evaluate(&decision, record, policy, as_of, &diags);
	cli_print_diags(&diags);
	if (rc == DYD_ENOMEM)
		cli_error("out of memory");
	if (rc == DYD_EINVALID && !record) {
		status = lookup_failed(&res, a);
	} else if (rc == DYD_EINVALID) {
		/* The evaluation's message names the file, not the line. */
		cli_error("(the record is at %s)", res.where[0]);
		status = EXIT_INVALID;
	} else {
		status = rc ? cli_exit_code(rc) : status_print(decision, a);
	}
out:
	dyd_decision_free(decision);
	dyd_record_free(record);
	dyd_find_result_release(&res);
	dyd_diags_release(&diags);
	return status;
}

/* What the operands are: the one ACCOUNT file, or with --account or
 * --phone more inputs for --in. Returns an exit status. */
static int status_operands(struct status_args *a, int count, char **words)
{
	struct cli_arg arg = {.dest = &a->in};
	size_t i, j;
	int k;

	if (!a->account && !a->phone) {
		if (a->in.count)
			return cli_usage_error(
			    "status", "--in needs --account ID or --phone "
				      "NUMBER: what to look for");
		if (count != 1)
			return cli_usage_error(
			    "status", count == 0
					  ? "no ACCOUNT record given"
					  : "one ACCOUNT record at a time");
		return EXIT_ALL_OK;
	}
	if (a->account && a->phone)
		return cli_usage_error("status",
				       "--account or --phone, not both");
	if (!a->in.count)
		return cli_usage_error("status",
				       "--%s needs --in PATH: where to look",
				       a->account ? "account" : "phone");
	for (k = 0; k < count; k++) {
		arg.value = words[k];
		if (add_input(&arg) != CLI_CONTINUE)
			return EXIT_IO;
	}
	for (i = 0; i < a->in.count; i++)
		for (j = 0; j < i; j++)
			if (strcmp(a->in.paths[i], a->in.paths[j]) == 0)
				return cli_usage_error(
				    "status",
				    "'%s' is given twice: each "
				    "record would be found twice",
				    a->in.paths[i]);
	return EXIT_ALL_OK;
}

int cmd_status(int argc, char **argv)
{
	struct status_args a = {CLI_EVAL_INIT, DYD_STATUS_OPTIONS_INIT,
				false,	       {NULL, 0},
				NULL,	       NULL};
	dyd_policy *policy = NULL;
	dyd_time as_of;
	int first, status;

	status = cli_parse(&cmd_status_spec, &a, argc, argv, &first);
	if (status != CLI_CONTINUE)
		goto out;
	/* Showing personal data in the answer, messages may too. */
	a.eval.record.verbose = a.status.verbose;
	status = status_operands(&a, argc - first, argv + first);
	if (!status)
		status = status_language(a.status.lang, &a.status.lang);
	if (!status)
		status = cli_as_of("status", a.eval.as_of, &as_of);
	if (!status)
		status = cli_load_policy(a.eval.policy, &policy);
	if (!status)
		status = a.in.count
			     ? status_lookup(&a, policy, as_of)
			     : status_file(argv[first], &a, policy, as_of);
	dyd_policy_free(policy);
out:
	free(a.in.paths);
	return status;
}
