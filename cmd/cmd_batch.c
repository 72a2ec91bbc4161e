/* dyd batch: bundles for many accounts, resumable and shardable. */
#include "cli.h"
#include "commands.h"

#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char batch_usage[] =
    "usage: dyd batch [options] -d OUTDIR INPUT...\n"
    "\n"
    "Writes OUTDIR/ACCOUNT_ID.zip for every record of the inputs, and one\n"
    "line per record to OUTDIR/results.jsonl, in input order. INPUT is a\n"
    "JSON Lines file (plain or gzip), a YAML multi-document stream, a\n"
    "directory of record files, or '-' for standard input.\n"
    "\n"
    "Options:\n"
    "  -d, --outdir DIR      where the bundles and results go (created)\n"
    "  -j, --jobs N          worker threads (default: number of processors)\n"
    "  --resume              continue an interrupted run of the same input\n"
    "  --shard K/N           only the records of shard K of N (K from 0)\n"
    "  --results FILE        the results file (default: OUTDIR/results.jsonl,\n"
    "                        or OUTDIR/results-K-of-N.jsonl with --shard)\n"
    "  --policy FILE         evaluate with this policy instead of the default\n"
    "  --as-of TIME          evaluate as of TIME (RFC 3339 or YYYY-MM-DD);\n"
    "                        default: SOURCE_DATE_EPOCH, else now\n"
    "  --lang LANG           language of report.html: en or id (default:\n"
    "                        each record's language, else en)\n"
    "  --tz ZONE             time zone for times in report.html (default: "
    "UTC)\n"
    "  --level N             deflate compression level, 1 to 9 (default: 6)\n"
    "  --encrypt             encrypt every entry with AES-256\n"
    "  --password-file FILE  read the password from FILE's first line\n"
    "                        (else DYD_PASSWORD, else a prompt)\n"
    "  --strict              treat unknown record fields as errors\n"
    "  --verbose             let messages quote personal values\n"
    "  --quiet               no progress and no per-record messages\n"
    "  --json                print the summary as JSON on standard output\n"
    "  -h, --help            show this help\n";

struct ui {
	bool bar; /* a progress line is on the terminal */
	bool quiet;
	bool shown; /* something of the bar is on screen */
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static bool batch_cancelled(void *arg)
{
	(void)arg;
	return interrupted != 0;
}

static void clear_bar(struct ui *ui)
{
	if (ui->shown) {
		fputs("\r\033[K", stderr);
		ui->shown = false;
	}
}

static void on_progress(const dyd_batch_progress *p, void *arg)
{
	struct ui *ui = arg;
	double rate = p->seconds > 0 ? (double)p->records / p->seconds : 0;

	if (!ui->bar)
		return;
	clear_bar(ui);
	fprintf(stderr, "%llu records", (unsigned long long)p->records);
	if (p->input_total && p->input_done <= p->input_total) {
		double frac = (double)p->input_done / (double)p->input_total;
		fprintf(stderr, " (%.0f%%)", frac * 100);
		if (frac > 0.01 && frac < 1) {
			long eta = (long)(p->seconds / frac - p->seconds);
			fprintf(stderr, ", ETA %ld:%02ld:%02ld", eta / 3600,
				eta / 60 % 60, eta % 60);
		}
	}
	fprintf(stderr, ", %.0f/s, %llu failed", rate,
		(unsigned long long)p->failed);
	fflush(stderr);
	ui->shown = true;
}

static void on_record(const dyd_batch_record *r, void *arg)
{
	struct ui *ui = arg;

	if (ui->quiet || strcmp(r->status, "error") != 0)
		return;
	clear_bar(ui);
	/* The message starts with the record's place in the input. */
	if (r->account_id)
		fprintf(stderr, "dyd: [%s] %s\n", r->account_id, r->error);
	else
		fprintf(stderr, "dyd: %s\n", r->error);
}

static int parse_shard(const char *text, unsigned *k, unsigned *n)
{
	char *end;
	unsigned long a, b;

	a = strtoul(text, &end, 10);
	if (end == text || *end != '/')
		return -1;
	text = end + 1;
	b = strtoul(text, &end, 10);
	if (end == text || *end || b < 1 || b > 100000 || a >= b)
		return -1;
	*k = (unsigned)a;
	*n = (unsigned)b;
	return 0;
}

/* Each bundle's deflate allocates and frees a few hundred KiB of state
 * per entry. By default glibc gives that memory back to the kernel after
 * every entry and faults it in again for the next: a tenth of the
 * pipeline's CPU. Keeping it is bounded by the peak a single record
 * needs anyway. */
static void keep_freed_memory(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 32 * 1024 * 1024);
#endif
}

int cmd_batch(int argc, char **argv)
{
	enum {
		OPT_RESUME = 256,
		OPT_SHARD,
		OPT_RESULTS,
		OPT_POLICY,
		OPT_AS_OF,
		OPT_LANG,
		OPT_TZ,
		OPT_LEVEL,
		OPT_ENCRYPT,
		OPT_PASSWORD_FILE,
		OPT_STRICT,
		OPT_VERBOSE,
		OPT_QUIET,
		OPT_JSON
	};
	static const struct option options[] = {
	    {"outdir", required_argument, NULL, 'd'},
	    {"jobs", required_argument, NULL, 'j'},
	    {"resume", no_argument, NULL, OPT_RESUME},
	    {"shard", required_argument, NULL, OPT_SHARD},
	    {"results", required_argument, NULL, OPT_RESULTS},
	    {"policy", required_argument, NULL, OPT_POLICY},
	    {"as-of", required_argument, NULL, OPT_AS_OF},
	    {"lang", required_argument, NULL, OPT_LANG},
	    {"tz", required_argument, NULL, OPT_TZ},
	    {"level", required_argument, NULL, OPT_LEVEL},
	    {"encrypt", no_argument, NULL, OPT_ENCRYPT},
	    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
	    {"strict", no_argument, NULL, OPT_STRICT},
	    {"verbose", no_argument, NULL, OPT_VERBOSE},
	    {"quiet", no_argument, NULL, OPT_QUIET},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	dyd_batch_options bopt = DYD_BATCH_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_batch_progress summary;
	dyd_policy *policy = NULL;
	const char *policy_path = NULL, *as_of_text = NULL,
		   *password_file = NULL;
	char *password = NULL, *end;
	struct ui ui = {false, false, false};
	struct sigaction sa, old_int, old_term, old_hup;
	bool encrypt = false, json = false;
	long n;
	int c, rc, status;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":hd:j:", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			bopt.outdir = optarg;
			break;
		case 'j':
			n = strtol(optarg, &end, 10);
			if (*end || end == optarg || n < 1 || n > 256)
				return cli_usage_error(
				    "batch",
				    "--jobs '%s' is not a number from 1 to 256",
				    optarg);
			bopt.jobs = (unsigned)n;
			break;
		case OPT_RESUME:
			bopt.resume = true;
			break;
		case OPT_SHARD:
			if (parse_shard(optarg, &bopt.shard_index,
					&bopt.shard_count))
				return cli_usage_error(
				    "batch",
				    "--shard '%s' is not K/N with 0 <= K < N",
				    optarg);
			break;
		case OPT_RESULTS:
			bopt.results = optarg;
			break;
		case OPT_POLICY:
			policy_path = optarg;
			break;
		case OPT_AS_OF:
			as_of_text = optarg;
			break;
		case OPT_LANG:
			if (!dyd_language_supported(optarg))
				return cli_usage_error(
				    "batch",
				    "--lang '%s' is not supported (en, id)",
				    optarg);
			bopt.bundle.lang = optarg;
			break;
		case OPT_TZ:
			bopt.bundle.tz = optarg;
			break;
		case OPT_LEVEL:
			n = strtol(optarg, &end, 10);
			if (*end || end == optarg || n < 1 || n > 9)
				return cli_usage_error(
				    "batch",
				    "--level '%s' is not a number from 1 to 9",
				    optarg);
			bopt.bundle.level = (int)n;
			break;
		case OPT_ENCRYPT:
			encrypt = true;
			break;
		case OPT_PASSWORD_FILE:
			password_file = optarg;
			break;
		case OPT_STRICT:
			bopt.record.strict = true;
			break;
		case OPT_VERBOSE:
			bopt.record.verbose = true;
			break;
		case OPT_QUIET:
			ui.quiet = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case 'h':
			fputs(batch_usage, stdout);
			return EXIT_ALL_OK;
		default:
			return cli_option_error("batch", c, argv[optind - 1]);
		}
	}
	if (!bopt.outdir)
		return cli_usage_error("batch", "no output directory: give -d "
						"OUTDIR");
	if (optind == argc)
		return cli_usage_error("batch", "no INPUT given");
	if (password_file && !encrypt)
		return cli_usage_error("batch",
				       "--password-file goes with --encrypt");
	status = cli_as_of("batch", as_of_text, &bopt.as_of);
	if (status)
		return status;
	if (encrypt) {
		status = cli_password("batch", password_file, true, &password);
		if (status)
			return status;
		bopt.bundle.password = password;
	}
	status = cli_load_policy(policy_path, &policy);
	if (status)
		goto out;
	bopt.policy = policy;
	ui.bar = !ui.quiet && isatty(STDERR_FILENO);
	bopt.progress = on_progress;
	bopt.on_record = on_record;
	bopt.cancelled = batch_cancelled;
	bopt.arg = &ui;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	keep_freed_memory();
	rc = dyd_batch_run((const char *const *)argv + optind,
			   (size_t)(argc - optind), &bopt, &summary, &diags);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	clear_bar(&ui);
	cli_print_diags(&diags);
	/* A run that never started (a refusal, an unusable OUTDIR) has no
	 * summary to give. */
	if (rc == 0 || rc == DYD_ECANCELED || summary.records > 0) {
		if (!ui.quiet || rc)
			fprintf(
			    stderr,
			    "dyd batch: %llu records: %llu ok, %llu failed, "
			    "%llu kept from an earlier run, in %.1f s%s\n",
			    (unsigned long long)summary.records,
			    (unsigned long long)summary.ok,
			    (unsigned long long)summary.failed,
			    (unsigned long long)summary.skipped,
			    summary.seconds,
			    rc == DYD_ECANCELED ? " (interrupted: run "
						  "again with --resume)"
			    : rc		? " (stopped)"
						: "");
		if (json)
			printf("{\"records\": %llu, \"ok\": %llu, \"failed\": "
			       "%llu, \"skipped\": %llu, \"seconds\": %.3f, "
			       "\"complete\": %s}\n",
			       (unsigned long long)summary.records,
			       (unsigned long long)summary.ok,
			       (unsigned long long)summary.failed,
			       (unsigned long long)summary.skipped,
			       summary.seconds, rc ? "false" : "true");
	}
	if (rc == DYD_ECANCELED && interrupted) {
		int sig = interrupted;
		cli_password_free(password);
		password = NULL;
		dyd_policy_free(policy);
		dyd_diags_release(&diags);
		fflush(stdout);
		signal(sig, SIG_DFL);
		raise(sig); /* end as the signal asked */
		return 128 + sig;
	}
	if (rc)
		status = cli_exit_code(rc);
	else
		status = summary.failed ? EXIT_PARTIAL : EXIT_ALL_OK;
	if (fflush(stdout) != 0)
		status = EXIT_IO;
out:
	cli_password_free(password);
	dyd_policy_free(policy);
	dyd_diags_release(&diags);
	return status;
}
