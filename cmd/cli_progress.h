/* SPDX-License-Identifier: MIT */
/* What dyd batch shows while it runs: a progress line on a terminal, a
 * message for each failed record, and the summary at the end. */
#ifndef DYD_CLI_PROGRESS_H
#define DYD_CLI_PROGRESS_H

#include "dyd.h"

#include <stdbool.h>

struct cli_progress {
	bool bar;   /* a progress line goes to the terminal */
	bool quiet; /* --quiet: no bar, no per-record messages */
	bool shown; /* something of the bar is on screen */
};

/* The bar is shown only on a terminal, and never with quiet. */
void cli_progress_init(struct cli_progress *ui, bool quiet);

/* The progress and on_record callbacks of dyd_batch_options; arg is the
 * struct cli_progress. */
void cli_progress_update(const dyd_batch_progress *p, void *arg);
void cli_progress_record(const dyd_batch_record *r, void *arg);

/* Takes the bar off the screen before other output. */
void cli_progress_clear(struct cli_progress *ui);

/* The final line on stderr (unless quiet and all went well) and, with
 * json, the counts on stdout. rc is what dyd_batch_run returned. */
void cli_progress_summary(const struct cli_progress *ui,
			  const dyd_batch_progress *summary, int rc, bool json);

#endif
