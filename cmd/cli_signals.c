/* SPDX-License-Identifier: MIT */
#include "cli_signals.h"

#include <signal.h>
#include <string.h>

static const int ending[] = {SIGINT, SIGTERM, SIGHUP};
#define ENDING_COUNT (sizeof(ending) / sizeof(ending[0]))

static sigset_t signals_held;

void cli_signals_block(void)
{
	size_t i;

	sigemptyset(&signals_held);
	for (i = 0; i < ENDING_COUNT; i++)
		sigaddset(&signals_held, ending[i]);
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
	size_t i;

	(void)unused;
	if (sigpending(&pending) != 0)
		return false;
	for (i = 0; i < ENDING_COUNT; i++)
		if (sigismember(&pending, ending[i]))
			return true;
	return false;
}

static volatile sig_atomic_t caught;
static struct sigaction saved[ENDING_COUNT];

static void on_signal(int sig)
{
	caught = sig;
}

void cli_signals_catch(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ENDING_COUNT; i++)
		sigaction(ending[i], &sa, &saved[i]);
}

void cli_signals_release(void)
{
	size_t i;

	for (i = 0; i < ENDING_COUNT; i++)
		sigaction(ending[i], &saved[i], NULL);
}

bool cli_signal_caught(void *unused)
{
	(void)unused;
	return caught != 0;
}

int cli_signals_reraise(void)
{
	int sig = caught;

	if (!sig)
		return 0;
	signal(sig, SIG_DFL);
	raise(sig);
	return 128 + sig;
}
