#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int cli_write_stdout(const char *data, size_t len)
{
	if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
		cli_error("cannot write to standard output: %s",
			  strerror(errno));
		return EXIT_IO;
	}
	return EXIT_ALL_OK;
}
