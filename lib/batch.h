/* SPDX-License-Identifier: MIT */
/* The batch's shared state, private to the batch_*.c files that run it.
 *
 * A reader thread (batch_reader.c) splits the inputs into records, worker
 * threads (batch_worker.c) turn records into bundles in temporary files,
 * and the calling thread (batch_commit.c) commits them in input order, a
 * group at a time:
 *
 *   1. flush the group's temporary files to disk (one syncfs);
 *   2. write the journal: which records are about to get which bundle;
 *   3. rename each temporary file to OUTDIR/<account_id>.zip, never
 *      replacing one (an existing name is a duplicate account id);
 *   4. flush the directory, append the group's results lines, flush them.
 *
 * So a results line says ok only once its bundle is durable, and after a
 * kill at any point the results file is a prefix of the clean run's, with
 * at most the journal's group renamed beyond it. --resume
 * (batch_resume.c) replays that prefix (checking each bundle), settles the
 * journal's group, and carries on: the bundles and results end as those
 * of an uninterrupted run. Committing in input order also makes the
 * outcome independent of the number of workers and of the order in which
 * they finish. What each record of a group comes to is decided apart from
 * the disk, in batch_plan.c. */
#ifndef DYD_BATCH_H
#define DYD_BATCH_H

#include "batch_journal.h"
#include "batch_plan.h"
#include "dyd.h"

#include <pthread.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

/* At most this much record text is held at once: read ahead of the
 * workers, or being exported by them. With the largest records (16 MiB)
 * that is four at a time, whatever -j; small records are bounded by the
 * ring's count of items first. */
#define BATCH_AHEAD_BYTES (64u * 1024u * 1024u)

/* The names of temporary bundles: this and six characters. */
#define BATCH_TMP_PREFIX "bundle-"

/* The earlier run's results lines, read back in step with the input. */
typedef struct old_reader {
	char *buf;
	size_t have, at;
	off_t pos;
} old_reader;

struct batch {
	const dyd_batch_options *opt;
	const char *const *inputs;
	size_t input_count;
	dyd_diags *diags;
	char *outdir;
	int outdir_fd;
	char prefix[64]; /* ".dyd" or ".dyd-K-of-N": the run's own files */
	/* One run of a shard at a time: flock(2) on this file in OUTDIR. */
	char lock_name[80];
	int lock_fd;
	/* Bundles are written here, then renamed into OUTDIR: creating and
	 * removing their temporary names in a directory of a few entries
	 * leaves OUTDIR's (large) directory blocks to the final names, so
	 * each group writes back fewer of them. */
	char *tmpdir; /* its path, for messages */
	char tmpdir_name[80];
	int tmpdir_fd;
	char *results_path; /* for messages */
	/* The results file is results_name in results_dirfd: OUTDIR, or
	 * the current directory for --results. */
	int results_dirfd;
	char *results_name;
	int results_fd;
	char journal_name[80]; /* in OUTDIR */
	/* Signing: the key's fingerprint for the results lines, and the key
	 * as the one trusted key an existing bundle must be signed by. */
	const char *key_sha256;
	dyd_trust *trust;
	/* --resume: the earlier run's lines, and how many are left. */
	old_reader old;
	uint64_t old_remaining;
	batch_journal journal;

	pthread_mutex_t mu;
	/* Each thread waits on its own condition, so a record done does not
	 * wake the reader, nor a record read the committer. */
	pthread_cond_t work_cv;	  /* workers: a record to do, or the end */
	pthread_cond_t room_cv;	  /* reader: room in the ring */
	pthread_cond_t commit_cv; /* committer: something to commit */
	batch_item *ring;
	uint64_t cap, filled, claimed, committed;
	uint64_t
	    ahead_bytes; /* record text in the ring, <= BATCH_AHEAD_BYTES */
	bool input_done, stop;
	bool cancelled;	       /* the caller asked to stop (the committer's) */
	int fatal;	       /* first output failure */
	dyd_diags fatal_diags; /* its diagnostics, from any thread */

	dyd_batch_progress progress;
	struct timespec start;
	double last_progress;
};

/* batch.c */
double batch_elapsed(const struct batch *b);
/* For a change every thread must see: stop, or the end of the input.
 * With b->mu held. */
void batch_wake_all(struct batch *b);
/* Records the first output failure and stops every thread. */
void batch_set_fatal(struct batch *b, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* ID.zip (malloc'd; NULL when out of memory). */
char *batch_bundle_name(const char *id);
/* Whether the caller asked to stop (polled from the calling thread). */
bool batch_cancel_asked(const struct batch *b);
/* Frees what the item holds and removes its temporary bundle. */
void batch_item_release(struct batch *b, batch_item *it);

/* batch_reader.c: the reader thread. */
void *batch_reader_main(void *arg);

/* batch_worker.c: the worker threads, and what they tell the committer
 * (with b->mu held): how many records from the next to commit on are
 * done, up to a group, and whether a full group is ready. */
void *batch_worker_main(void *arg);
uint64_t batch_ready_run(const struct batch *b);
bool batch_group_ready(const struct batch *b);

/* batch_commit.c: the committer, on the calling thread, until the input
 * ends, a failure or the caller stops it. */
void batch_committer(struct batch *b);

/* batch_resume.c */
/* --resume: opens the results file, cuts a torn last line, counts the
 * complete ones and reads the journal. 1 when there is no results file,
 * 0, or a negative DYD_E* code with a diagnostic. */
int batch_open_resume(struct batch *b);
/* The earlier run's next line; its status is NULL when it does not read. */
void batch_read_old_line(struct batch *b, old_line *l);
/* Writes the run's signature, or on --resume checks it against the one
 * the first run wrote. */
int batch_check_signature(struct batch *b, bool resuming);

#endif
