/* SPDX-License-Identifier: MIT */
#include "cli_progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void cli_progress_init(struct cli_progress *ui, bool quiet)
{
	ui->quiet = quiet;
	ui->bar = !quiet && isatty(STDERR_FILENO);
	ui->shown = false;
}

void cli_progress_clear(struct cli_progress *ui)
{
	if (ui->shown) {
		fputs("\r\033[K", stderr);
		ui->shown = false;
	}
}

void cli_progress_update(const dyd_batch_progress *p, void *arg)
{
	struct cli_progress *ui = arg;
	double rate = p->seconds > 0 ? (double)p->records / p->seconds : 0;

	if (!ui->bar)
		return;
	cli_progress_clear(ui);
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

void cli_progress_record(const dyd_batch_record *r, void *arg)
{
	struct cli_progress *ui = arg;

	if (ui->quiet || strcmp(r->status, "error") != 0)
		return;
	cli_progress_clear(ui);
	/* The message starts with the record's place in the input. */
	if (r->account_id)
		fprintf(stderr, "dyd: [%s] %s\n", r->account_id, r->error);
	else
		fprintf(stderr, "dyd: %s\n", r->error);
}

void cli_progress_summary(const struct cli_progress *ui,
			  const dyd_batch_progress *summary, int rc, bool json)
{
	unsigned long long records = summary->records, ok = summary->ok,
			   failed = summary->failed, kept = summary->skipped;
	const char *how = rc == DYD_ECANCELED
			      ? " (interrupted: run again with --resume)"
			  : rc ? " (stopped)"
			       : "";

	if (!ui->quiet || rc)
		fprintf(stderr,
			"dyd batch: %llu records: %llu ok, %llu failed, "
			"%llu kept from an earlier run, in %.1f s%s\n",
			records, ok, failed, kept, summary->seconds, how);
	if (json)
		printf("{\"records\": %llu, \"ok\": %llu, \"failed\": %llu, "
		       "\"skipped\": %llu, \"seconds\": %.3f, \"complete\": "
		       "%s}\n",
		       records, ok, failed, kept, summary->seconds,
		       rc ? "false" : "true");
}
