/* SPDX-License-Identifier: MIT */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

int cli_exit_code(int rc)
{
	switch (rc) {
	case DYD_OK:
		return EXIT_ALL_OK;
	case DYD_EINVALID:
		return EXIT_INVALID;
	case DYD_EVERIFY:
		return EXIT_VERIFY;
	case DYD_EUSAGE:
		return EXIT_USAGE;
	default:
		return EXIT_IO;
	}
}

int cli_diags_done(dyd_diags *diags, int rc)
{
	cli_print_diags(diags);
	dyd_diags_release(diags);
	if (rc == DYD_ENOMEM)
		cli_error("out of memory");
	return cli_exit_code(rc);
}

void cli_print_diags(const dyd_diags *diags)
{
	size_t i;
	char *line;

	for (i = 0; i < diags->count; i++) {
		line = dyd_diag_format(&diags->items[i]);
		if (line)
			fprintf(stderr, "%s\n", line);
		free(line);
	}
	if (diags->count < diags->errors)
		fprintf(stderr, "dyd: %zu more errors not shown\n",
			diags->errors - diags->count);
	if (diags->out_of_memory)
		fprintf(stderr, "dyd: out of memory; some diagnostics were "
				"lost\n");
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dyd%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'dyd%s%s --help'.\n", cmd ? " " : "",
		cmd ? cmd : "");
	return EXIT_USAGE;
}

int cli_usage_diags(const char *cmd, const dyd_diags *diags)
{
	size_t i;
	char *line;

	for (i = 0; i < diags->count; i++) {
		if (diags->items[i].severity == DYD_ERROR) {
			fprintf(stderr, "dyd %s: %s\n", cmd,
				diags->items[i].message);
			continue;
		}
		line = dyd_diag_format(&diags->items[i]);
		if (line)
			fprintf(stderr, "%s\n", line);
		free(line);
	}
	fprintf(stderr, "Try 'dyd %s --help'.\n", cmd);
	return EXIT_USAGE;
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dyd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_load_policy(const char *path, dyd_policy **out)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char *data = NULL;
	size_t len;
	int rc;

	if (!path) {
		rc = dyd_policy_load_default(out, &diags);
	} else {
		rc = dyd_file_read(path, 1024 * 1024, &data, &len, &diags);
		if (rc == 0)
			rc = dyd_policy_load(out, data, len, path, &diags);
	}
	cli_print_diags(&diags);
	if (rc == DYD_ENOMEM)
		cli_error("out of memory");
	dyd_diags_release(&diags);
	free(data);
	return cli_exit_code(rc);
}

int cli_as_of(const char *cmd, const char *text, dyd_time *out)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long secs;

	if (text) {
		if (dyd_time_parse(text, strlen(text), true, out))
			return cli_usage_error(
			    cmd,
			    "--as-of '%s' is not an RFC 3339 timestamp or "
			    "a YYYY-MM-DD date (years 1970 to 2200)",
			    text);
		return EXIT_ALL_OK;
	}
	if (epoch && *epoch) {
		errno = 0;
		secs = strtoll(epoch, &end, 10);
		if (errno || *end || secs < 0 || secs > 7258118400LL)
			return cli_usage_error(
			    cmd,
			    "SOURCE_DATE_EPOCH '%s' is not a number of "
			    "seconds since 1970 (up to year 2200)",
			    epoch);
		*out = (dyd_time)secs * 1000000000;
		return EXIT_ALL_OK;
	}
	{
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		*out = (dyd_time)ts.tv_sec * 1000000000 + ts.tv_nsec;
	}
	return EXIT_ALL_OK;
}

int cli_evaluate_file(const char *path, const dyd_policy *policy,
		      const dyd_record_options *options, dyd_time as_of,
		      dyd_record **record, dyd_decision **decision,
		      dyd_diags *diags)
{
	char *data = NULL;
	size_t len;
	int rc;

	*record = NULL;
	*decision = NULL;
	rc = dyd_file_read(path, DYD_MAX_INPUT_BYTES, &data, &len, diags);
	if (rc == 0)
		rc = dyd_record_load(record, data, len,
				     strcmp(path, "-") == 0 ? "<stdin>" : path,
				     policy, options, diags);
	free(data); /* the record keeps copies of what it needs */
	if (rc == 0)
		rc = dyd_evaluate(decision, *record, policy, as_of, diags);
	return rc;
}

bool cli_stdin_twice(const char *const *files, int count)
{
	int i, seen = 0;

	for (i = 0; i < count; i++)
		if (strcmp(files[i], "-") == 0 && seen++)
			return true;
	return false;
}

void cli_files_json_begin(void)
{
	printf("{\"files\": [\n    ");
}

int cli_files_json_item(bool first, const char *file, bool valid,
			const char *id_key, const char *id,
			const dyd_diags *diags)
{
	return cli_files_json_line(
	    first, file, dyd_file_result_json(file, valid, id_key, id, diags));
}

int cli_files_json_line(bool first, const char *file, char *line)
{
	if (!line) {
		cli_error("%s: out of memory", file);
		return EXIT_IO;
	}
	printf("%s%s", first ? "" : ",\n    ", line);
	free(line);
	return EXIT_ALL_OK;
}

void cli_files_json_end(void)
{
	printf("\n]}\n");
}

/* Set once a failed write to stdout has been reported. */
static bool stdout_reported;

int cli_write_stdout(const char *data, size_t len)
{
	if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
		cli_error("cannot write to standard output: %s",
			  strerror(errno));
		stdout_reported = true;
		return EXIT_IO;
	}
	return EXIT_ALL_OK;
}

int cli_close_stdout(int status)
{
	bool failed = false;
	int err = 0;

	/* As gnulib's close_stdout: an error flag from an earlier write,
	 * or a failed flush or close; EBADF from a stdout that was closed
	 * before dyd ran and never written to is no error. */
	if (fflush(stdout) != 0) {
		failed = true;
		err = errno;
	}
	if (ferror(stdout))
		failed = true;
	if (fclose(stdout) != 0 && errno != EBADF && !failed) {
		failed = true;
		err = errno;
	}
	if (!failed)
		return status;
	if (!stdout_reported) {
		if (err)
			cli_error("cannot write to standard output: %s",
				  strerror(err));
		else
			cli_error("cannot write to standard output");
	}
	return EXIT_IO;
}

#define PASSWORD_MAX 1024

void cli_no_core_dumps(void)
{
	struct rlimit none = {0, 0};

	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static void wipe(char *s, size_t len)
{
	volatile char *p = s;

	while (len--)
		*p++ = 0;
}

void cli_password_free(char *password)
{
	if (password) {
		wipe(password, strlen(password));
		free(password);
	}
}

/* Reads one line without echo from the controlling terminal. */
static int prompt(FILE *tty, const char *question, char *buf, size_t size)
{
	struct termios old, quiet;
	size_t n;
	int ok;

	fputs(question, stderr);
	fflush(stderr);
	if (tcgetattr(fileno(tty), &old) != 0)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fileno(tty), TCSAFLUSH, &quiet) != 0)
		return -1;
	ok = fgets(buf, (int)size, tty) != NULL;
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', stderr);
	if (!ok)
		return -1;
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return 0;
}

/* How long a password file that is a FIFO or a pipe (--password-file
 * <(pass show dyd)) may take to say its first line: a FIFO nobody opens
 * for writing would otherwise wait for ever. */
#define PASSWORD_WAIT_MS 10000

/* Reads from fd, waiting at most until deadline (a CLOCK_MONOTONIC time
 * in ms) for it to have something: the bytes read, or -1 with errno
 * (ETIMEDOUT when the time ran out). */
static ssize_t read_by(int fd, char *buf, size_t size, long long deadline)
{
	struct timespec now;
	struct pollfd p = {fd, POLLIN, 0};
	long long left;
	int r;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = deadline - (now.tv_sec * 1000LL + now.tv_nsec / 1000000);
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r <= 0)
			continue;
		ssize_t n = read(fd, buf, size);
		if (n >= 0 || (errno != EINTR && errno != EAGAIN))
			return n;
	}
}

/* The first line of a password file into buf (NUL-terminated, without
 * its line end): a regular file, or a FIFO or pipe that says it within
 * PASSWORD_WAIT_MS. Never a directory, and never a line with a NUL byte,
 * which would cut the password short without a word. */
static int password_from_file(const char *file, char *buf, size_t size)
{
	int fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct timespec start;
	struct stat st;
	size_t used = 0;
	ssize_t n = 0;
	long long deadline;

	if (fd < 0) {
		cli_error("%s: cannot open the password file: %s", file,
			  strerror(errno));
		return EXIT_IO;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		cli_error("%s: is a directory, not a password file: give the "
			  "file that holds the password",
			  file);
		return EXIT_USAGE;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	deadline =
	    start.tv_sec * 1000LL + start.tv_nsec / 1000000 + PASSWORD_WAIT_MS;
	while (used + 1 < size && !memchr(buf, '\n', used) &&
	       (n = read_by(fd, buf + used, size - 1 - used, deadline)) > 0)
		used += (size_t)n;
	close(fd);
	buf[used] = '\0';
	if (n < 0) {
		wipe(buf, size);
		if (errno == ETIMEDOUT)
			cli_error("%s: no password came from it in %d seconds: "
				  "is anything writing to it?",
				  file, PASSWORD_WAIT_MS / 1000);
		else
			cli_error("%s: cannot read the password file: %s", file,
				  strerror(errno));
		return errno == ETIMEDOUT ? EXIT_USAGE : EXIT_IO;
	}
	/* The line's end among the bytes read: strcspn() would stop at a
	 * NUL byte, the very thing to find. */
	for (n = 0; (size_t)n < used && buf[n] != '\n' && buf[n] != '\r'; n++)
		;
	used = (size_t)n;
	if (memchr(buf, '\0', used)) {
		wipe(buf, size);
		cli_error(
		    "%s: the password holds a NUL byte, which would cut it "
		    "short: a password is text",
		    file);
		return EXIT_USAGE;
	}
	buf[used] = '\0';
	return EXIT_ALL_OK;
}

int cli_password(const char *cmd, const char *file, bool confirm, char **out)
{
	char buf[PASSWORD_MAX + 2], again[PASSWORD_MAX + 2];
	const char *env = getenv("DYD_PASSWORD");
	size_t n;

	*out = NULL;
	buf[0] = '\0';
	if (file) {
		int status = password_from_file(file, buf, sizeof(buf));
		if (status)
			return status;
	} else if (env) {
		snprintf(buf, sizeof(buf), "%s", env);
	} else {
		FILE *tty = fopen("/dev/tty", "r+");
		if (!tty)
			return cli_usage_error(
			    cmd, "a password is needed: give --password-file "
				 "FILE or set DYD_PASSWORD (no terminal to "
				 "ask on)");
		if (prompt(tty, "Bundle password: ", buf, sizeof(buf)) ||
		    (confirm && prompt(tty, "Same password again: ", again,
				       sizeof(again)))) {
			fclose(tty);
			wipe(buf, sizeof(buf));
			cli_error("no password read from the terminal");
			return EXIT_USAGE;
		}
		fclose(tty);
		if (confirm && strcmp(buf, again) != 0) {
			wipe(buf, sizeof(buf));
			wipe(again, sizeof(again));
			cli_error("the two passwords differ");
			return EXIT_USAGE;
		}
		wipe(again, sizeof(again));
	}
	cli_no_core_dumps(); /* the password is in memory from here */
	n = strlen(buf);
	if (n == 0 || n > PASSWORD_MAX) {
		wipe(buf, sizeof(buf));
		return cli_usage_error(
		    cmd, "the password must be 1 to %d bytes", PASSWORD_MAX);
	}
	*out = strdup(buf);
	wipe(buf, sizeof(buf));
	if (!*out) {
		cli_error("out of memory");
		return EXIT_IO;
	}
	return EXIT_ALL_OK;
}

int cli_parse_number(const struct cli_arg *arg, long min, long max, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg->value, &end, 10);
	if (errno || *end || end == arg->value || n < min || n > max)
		return cli_usage_error(arg->cmd,
				       "--%s '%s' is not a number from %ld to "
				       "%ld",
				       arg->opt->name, arg->value, min, max);
	*out = n;
	return CLI_CONTINUE;
}

int cli_parse_lang(const struct cli_arg *arg)
{
	if (!dyd_language_supported(arg->value))
		return cli_usage_error(arg->cmd,
				       "--lang '%s' is not supported (en, id)",
				       arg->value);
	*(const char **)arg->dest = arg->value;
	return CLI_CONTINUE;
}

int cli_parse_level(const struct cli_arg *arg)
{
	long level;
	int status = cli_parse_number(arg, 1, 9, &level);

	if (status == CLI_CONTINUE)
		*(int *)arg->dest = (int)level;
	return status;
}

/*
 * The zone is checked while the options are read: a batch would otherwise
 * fail every record with it, write their error lines and its options, and
 * then refuse a --resume with the zone put right.
 */
int cli_parse_tz(const struct cli_arg *arg)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	int rc = dyd_tz_check(arg->value, &diags);

	if (rc == 0)
		*(const char **)arg->dest = arg->value;
	else if (rc == DYD_ENOMEM || diags.count == 0)
		cli_usage_error(arg->cmd, "--tz '%s': out of memory",
				arg->value);
	else
		cli_usage_error(arg->cmd, "--tz: %s", diags.items[0].message);
	dyd_diags_release(&diags);
	return rc == 0 ? CLI_CONTINUE : EXIT_USAGE;
}

const struct cli_opt cli_eval_options[] = {
    {0, "policy", "FILE", "evaluate with this policy instead of the default",
     cli_set_string, offsetof(struct cli_eval, policy)},
    {0, "as-of", "TIME",
     "evaluate as of TIME (RFC 3339 or YYYY-MM-DD); default: "
     "SOURCE_DATE_EPOCH, else now",
     cli_set_string, offsetof(struct cli_eval, as_of)},
    {0, "strict", NULL, "treat unknown record fields as errors", cli_set_true,
     offsetof(struct cli_eval, record.strict)},
    CLI_OPT_END,
};

const struct cli_opt cli_bundle_options[] = {
    {0, "lang", "LANG",
     "language of report.html: en or id (default: the record's language, "
     "else en)",
     cli_parse_lang, offsetof(struct cli_bundle, options.lang)},
    {0, "tz", "ZONE",
     "time zone for times in report.html: an IANA name such as "
     "Asia/Jakarta, or an offset such as +07:00 (default: UTC)",
     cli_parse_tz, offsetof(struct cli_bundle, options.tz)},
    {0, "level", "N", "deflate compression level, 1 to 9 (default: 6)",
     cli_parse_level, offsetof(struct cli_bundle, options.level)},
    {0, "encrypt", NULL, "encrypt every entry with AES-256", cli_set_true,
     offsetof(struct cli_bundle, encrypt)},
    {0, "password-file", "FILE",
     "read the password from FILE's first line (else DYD_PASSWORD, else a "
     "prompt)",
     cli_set_string, offsetof(struct cli_bundle, password_file)},
    {0, "sign-key", "FILE",
     "sign the bundle with the Ed25519 private key in FILE (else "
     "DYD_SIGN_KEY_FILE); see dyd key generate",
     cli_set_string, offsetof(struct cli_bundle, sign_key_file)},
    CLI_OPT_END,
};

int cli_bundle_check(const char *cmd, const struct cli_bundle *bundle)
{
	if (bundle->password_file && !bundle->encrypt)
		return cli_usage_error(cmd,
				       "--password-file goes with --encrypt");
	return EXIT_ALL_OK;
}

int cli_bundle_password(const char *cmd, struct cli_bundle *bundle,
			char **password)
{
	int status;

	*password = NULL;
	if (!bundle->encrypt)
		return EXIT_ALL_OK;
	status = cli_password(cmd, bundle->password_file, true, password);
	bundle->options.password = *password;
	return status;
}
