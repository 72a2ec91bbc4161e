#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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

	fprintf(stderr, "dyd %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'dyd %s --help'.\n", cmd);
	return EXIT_USAGE;
}

int cli_option_error(const char *cmd, int c, const char *arg)
{
	if (c == ':')
		return cli_usage_error(cmd, "option '%s' needs a value", arg);
	return cli_usage_error(cmd, "unknown option '%s'", arg);
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

int cli_write_stdout(const char *data, size_t len)
{
	if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
		cli_error("cannot write to standard output: %s",
			  strerror(errno));
		return EXIT_IO;
	}
	return EXIT_ALL_OK;
}

#define PASSWORD_MAX 1024

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

int cli_password(const char *cmd, const char *file, bool confirm, char **out)
{
	char buf[PASSWORD_MAX + 2], again[PASSWORD_MAX + 2];
	const char *env = getenv("DYD_PASSWORD");
	size_t n;

	*out = NULL;
	buf[0] = '\0';
	if (file) {
		FILE *f = fopen(file, "r");
		if (!f) {
			cli_error("%s: cannot open the password file: %s", file,
				  strerror(errno));
			return EXIT_IO;
		}
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
		buf[strcspn(buf, "\r\n")] = '\0';
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
	/* From here the password is in memory: no core dump may carry it,
	 * and no debugger of the same user may attach to read it. */
	{
		struct rlimit none = {0, 0};
		setrlimit(RLIMIT_CORE, &none);
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	}
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

static sigset_t signals_held;

void cli_signals_block(void)
{
	sigemptyset(&signals_held);
	sigaddset(&signals_held, SIGINT);
	sigaddset(&signals_held, SIGTERM);
	sigaddset(&signals_held, SIGHUP);
	sigprocmask(SIG_BLOCK, &signals_held, NULL);
}

void cli_signals_unblock(void)
{
	/* A signal that arrived meanwhile is delivered now, with its
	 * default action: the process ends as the user asked. */
	sigprocmask(SIG_UNBLOCK, &signals_held, NULL);
}

bool cli_signal_pending(void *unused)
{
	sigset_t pending;

	(void)unused;
	if (sigpending(&pending) != 0)
		return false;
	return sigismember(&pending, SIGINT) ||
	       sigismember(&pending, SIGTERM) || sigismember(&pending, SIGHUP);
}
