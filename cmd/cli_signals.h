/* SPDX-License-Identifier: MIT */
/* The signals that end dyd (SIGINT, SIGTERM, SIGHUP): held off while a
 * file is put in place, or caught so that a batch stops cleanly and then
 * ends by the same signal. */
#ifndef DYD_CLI_SIGNALS_H
#define DYD_CLI_SIGNALS_H

#include <stdbool.h>

/* Blocks the signals while a file is put in place; the write is abandoned
 * when one arrived (see dyd_write_options: cli_signal_pending is its
 * cancelled callback). Unblocking delivers it. */
void cli_signals_block(void);
void cli_signals_unblock(void);
bool cli_signal_pending(void *unused);

/* Catches the signals until cli_signals_release(); cli_signal_caught is
 * a cancelled callback for dyd_batch_options. */
void cli_signals_catch(void);
void cli_signals_release(void);
bool cli_signal_caught(void *unused);

/* Ends the process by the signal that was caught, as the user asked; a
 * shell sees 128 + its number. Returns that status if the process goes
 * on, and 0 when no signal was caught. */
int cli_signals_reraise(void);

#endif
