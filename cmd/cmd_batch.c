/* SPDX-License-Identifier: MIT */
/* dyd batch: bundles for many accounts, resumable and shardable. */
#include "cli.h"
#include "cli_progress.h"
#include "cli_signals.h"
#include "commands.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>

struct batch_args {
	dyd_batch_options batch; /* -d, -j, --resume, --shard, --results */
	struct cli_eval eval;
	struct cli_bundle bundle;
	bool quiet, json;
};

static int parse_jobs(const struct cli_arg *arg)
{
	long n;
	int status = cli_parse_number(arg, 1, 256, &n);

	if (status == CLI_CONTINUE)
		*(unsigned *)arg->dest = (unsigned)n;
	return status;
}

static int parse_shard(const struct cli_arg *arg)
{
	dyd_batch_options *batch = arg->dest;
	const char *text = arg->value;
	unsigned long k, n;
	char *end;

	k = strtoul(text, &end, 10);
	if (end == text || *end != '/')
		goto bad;
	text = end + 1;
	n = strtoul(text, &end, 10);
	if (end == text || *end || n < 1 || n > 100000 || k >= n)
		goto bad;
	batch->shard_index = (unsigned)k;
	batch->shard_count = (unsigned)n;
	return CLI_CONTINUE;
bad:
	return cli_usage_error(
	    arg->cmd, "--shard '%s' is not K/N with 0 <= K < N", arg->value);
}

#define AT(field) offsetof(struct batch_args, field)

static const struct cli_opt batch_options[] = {
    {'d', "outdir", "DIR", "where the bundles and results go (created)",
     cli_set_string, AT(batch.outdir)},
    {'j', "jobs", "N", "worker threads (default: number of processors)",
     parse_jobs, AT(batch.jobs)},
    {0, "resume", NULL, "continue an interrupted run of the same input",
     cli_set_true, AT(batch.resume)},
    {0, "shard", "K/N", "only the records of shard K of N (K from 0)",
     parse_shard, AT(batch)},
    {0, "results", "FILE",
     "the results file (default: OUTDIR/results.jsonl, or "
     "OUTDIR/results-K-of-N.jsonl with --shard)",
     cli_set_string, AT(batch.results)},
    {0, "allow-shared-outdir", NULL,
     "write into an OUTDIR of another user, or that others may write to",
     cli_set_true, AT(batch.allow_shared_outdir)},
    {0, "verbose", NULL, "let messages quote personal values", cli_set_true,
     AT(eval.record.verbose)},
    {0, "quiet", NULL, "no progress and no per-record messages", cli_set_true,
     AT(quiet)},
    {0, "json", NULL, "print the summary as JSON on standard output",
     cli_set_true, AT(json)},
    CLI_OPT_END,
};

static const struct cli_group batch_groups[] = {
    {batch_options, 0},
    {cli_eval_options, AT(eval)},
    {cli_bundle_options, AT(bundle)},
    {cli_help_options, 0},
    {NULL, 0},
};

const struct cli_spec cmd_batch_spec = {
    .name = "batch",
    .usage = "[options] -d OUTDIR INPUT...",
    .about =
	"Writes OUTDIR/ACCOUNT_ID.zip for every record of the inputs, and one\n"
	"line per record to OUTDIR/results.jsonl, in input order. INPUT is a\n"
	"JSON Lines file (plain or gzip), a YAML multi-document stream, a\n"
	"directory of record files, or '-' for standard input.\n",
    .groups = batch_groups,
};

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

/* What batch_run() returns when a signal stopped the run: the process
 * is to end by that signal. */
#define ENDED_BY_SIGNAL (-2)

/* The run itself, once the options are known to be sound. */
static int batch_run(char **inputs, size_t count, struct batch_args *a,
		     const dyd_policy *policy)
{
	dyd_batch_options *opt = &a->batch;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_batch_progress summary;
	struct cli_progress ui;
	int rc, status;

	cli_progress_init(&ui, a->quiet);
	opt->policy = policy;
	opt->record = a->eval.record;
	opt->bundle = a->bundle.options;
	opt->progress = cli_progress_update;
	opt->on_record = cli_progress_record;
	opt->cancelled = cli_signal_caught;
	opt->arg = &ui;
	cli_signals_catch();
	keep_freed_memory();
	rc = dyd_batch_run((const char *const *)inputs, count, opt, &summary,
			   &diags);
	cli_signals_release();
	cli_progress_clear(&ui);
	cli_print_diags(&diags);
	dyd_diags_release(&diags);
	/* A run that never started (a refusal, an unusable OUTDIR) has no
	 * summary to give. */
	if (rc == 0 || rc == DYD_ECANCELED || summary.records > 0)
		cli_progress_summary(&ui, &summary, rc, a->json);
	if (rc == DYD_ECANCELED && cli_signal_caught(NULL))
		return ENDED_BY_SIGNAL;
	if (rc)
		status = cli_exit_code(rc);
	else
		status = summary.failed ? EXIT_PARTIAL : EXIT_ALL_OK;
	return status;
}

int cmd_batch(int argc, char **argv)
{
	struct batch_args a = {DYD_BATCH_OPTIONS_INIT, CLI_EVAL_INIT,
			       CLI_BUNDLE_INIT, false, false};
	dyd_signing_key *key = NULL;
	dyd_policy *policy = NULL;
	char *password = NULL;
	int first, status;

	status = cli_parse(&cmd_batch_spec, &a, argc, argv, &first);
	if (status != CLI_CONTINUE)
		return status;
	if (!a.batch.outdir)
		return cli_usage_error("batch", "no output directory: give -d "
						"OUTDIR");
	if (first == argc)
		return cli_usage_error("batch", "no INPUT given");
	status = cli_bundle_check("batch", &a.bundle);
	if (!status)
		status = cli_as_of("batch", a.eval.as_of, &a.batch.as_of);
	if (!status)
		status = cli_bundle_password("batch", &a.bundle, &password);
	if (!status)
		status = cli_bundle_sign_key(&a.bundle, &key);
	if (!status)
		status = cli_load_policy(a.eval.policy, &policy);
	if (!status)
		status =
		    batch_run(argv + first, (size_t)(argc - first), &a, policy);
	cli_password_free(password);
	dyd_signing_key_free(key);
	dyd_policy_free(policy);
	if (status == ENDED_BY_SIGNAL) {
		fflush(stdout);
		status = cli_signals_reraise();
	}
	return status;
}
