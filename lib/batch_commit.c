/* SPDX-License-Identifier: MIT */
/* The batch's committer: a group of done records at a time, in input
 * order, decided by batch_plan_group() and then carried out on disk. */
#include "batch.h"
#include "output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How long the committer waits for a group to fill up once its first
 * record is ready: each group costs a syncfs and three fsyncs, so a group
 * per record (as one worker would give) cost more than the bundle's
 * deflate; results lines come at most this much later. */
#define GROUP_WAIT_NS (200 * 1000000L)

static void count(struct batch *b, const char *status)
{
	b->progress.records++;
	if (strcmp(status, "ok") == 0)
		b->progress.ok++;
	else if (strcmp(status, "skipped") == 0)
		b->progress.skipped++;
	else
		b->progress.failed++;
}

static void report(struct batch *b, const batch_item *it, const char *status)
{
	dyd_batch_record r = {status, it->in.where, it->account_id, it->error};

	count(b, status);
	if (b->opt->on_record)
		b->opt->on_record(&r, b->opt->arg);
}

/* Whether OUTDIR has a file by the bundle name of id. */
static bool bundle_exists(const struct batch *b, const char *id)
{
	char *path = batch_bundle_path(b, id);
	bool there = path && access(path, F_OK) == 0;

	free(path);
	return there;
}

/* What the plan needs from disk and from the earlier run: the earlier
 * lines of the records it replays (read in step with the input), and for
 * each new bundle whether its name is taken. */
static void gather(struct batch *b, batch_item *const *group, size_t n,
		   plan_input *in, old_line *old)
{
	size_t i;

	for (i = 0; i < n; i++) {
		batch_item *it = group[i];
		memset(&in[i], 0, sizeof(in[i]));
		memset(&old[i], 0, sizeof(old[i]));
		if (it->outcome == OUT_NOT_MINE)
			continue;
		if (b->old_remaining) {
			b->old_remaining--;
			batch_read_old_line(b, &old[i]);
			in[i].old = &old[i];
		} else if (it->outcome == OUT_BUNDLE) {
			in[i].on_disk = bundle_exists(b, it->account_id);
		}
	}
}

/* Steps 1 to 3 for the plan's bundles: on disk, journaled, in place. */
static int put_in_place(struct batch *b, batch_item *const *group,
			uint64_t first, const group_plan *plan)
{
	journal_entry entries[GROUP_MAX];
	size_t k, m = plan->moving_count;
	int rc = 0;

	/* 1-2: the new bundles are on disk, and so is the journal saying
	 * whose they are. */
	if (output_fs_sync(b->outdir_fd) != 0) {
		for (k = 0; k < m; k++)
			if (output_file_sync(b->tmpdir_fd,
					     group[plan->moving[k]]->tmp) != 0)
				rc = DYD_EIO;
	}
	for (k = 0; k < m; k++) {
		const batch_item *it = group[plan->moving[k]];
		entries[k].seq = first + plan->moving[k];
		entries[k].account_id = it->account_id;
		memcpy(entries[k].sha256, it->sha256, SHA256_HEX_SIZE);
	}
	if (!rc)
		rc = journal_write(b->outdir_fd, b->journal_name, entries, m);
	/* 3: into place. */
	for (k = 0; !rc && k < m; k++) {
		batch_item *it = group[plan->moving[k]];
		char *name = batch_bundle_name(it->account_id);
		if (!name) {
			rc = DYD_ENOMEM;
			break;
		}
		if (output_rename(b->tmpdir_fd, it->tmp, b->outdir_fd, name,
				  it->replace) != 0)
			rc = DYD_EIO;
		else {
			free(it->tmp);
			it->tmp = NULL;
		}
		free(name);
	}
	/* The temporary names' removal first: a power cut between the two
	 * then loses a bundle (remade on --resume) rather than leaving two
	 * names for one inode that counts one link. */
	if (!rc && (output_dir_sync(b->tmpdir_fd) != 0 ||
		    output_dir_sync(b->outdir_fd) != 0))
		rc = DYD_EIO;
	if (rc)
		batch_set_fatal(b, rc, "cannot put bundles in place: %s",
				strerror(errno));
	return rc;
}

/* Step 4: the results, in input order. */
static int append_results(struct batch *b, batch_item *const *group, size_t n,
			  const group_plan *plan)
{
	strbuf lines = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		const batch_item *it = group[i];
		results_entry e = {plan->status[i], it->account_id,
				   it->in.where,    it->bytes,
				   it->sha256,	    it->error};
		if (it->outcome == OUT_NOT_MINE)
			continue;
		if (plan->line[i])
			results_line(&lines, &e);
		report(b, it, plan->status[i]);
	}
	if (lines.failed) {
		strbuf_release(&lines);
		batch_set_fatal(b, DYD_ENOMEM, "out of memory");
		return DYD_ENOMEM;
	}
	if (lines.len &&
	    output_append(b->results_fd, lines.data, lines.len) != 0) {
		strbuf_release(&lines);
		batch_set_fatal(b, DYD_EIO,
				"cannot write the results file '%s': %s",
				b->results_path, strerror(errno));
		return DYD_EIO;
	}
	strbuf_release(&lines);
	return 0;
}

/* Commits items [first, first + n) of the ring. */
static int commit_group(struct batch *b, uint64_t first, size_t n)
{
	batch_item *group[GROUP_MAX] = {0};
	plan_input in[GROUP_MAX] = {{0}};
	old_line old[GROUP_MAX];
	group_plan plan;
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		group[i] = &b->ring[(first + i) % b->cap];
	gather(b, group, n, in, old);
	rc = batch_plan_group(&plan, group, n, first, in, &b->journal);
	for (i = 0; i < n; i++)
		old_line_release(&old[i]);
	if (rc == DYD_EUSAGE) {
		const char *where = group[plan.mismatch_at]->in.where;
		if (plan.mismatch == PLAN_OTHER_INPUT)
			batch_set_fatal(b, rc,
					"the results file does not match the "
					"input at %s: resume with the same "
					"inputs and options, or start a new "
					"run",
					where);
		else
			batch_set_fatal(b, rc,
					"the bundle for %s differs from the "
					"one the results file records: resume "
					"with the same options",
					where);
		return rc;
	}
	if (rc) {
		batch_set_fatal(b, rc, "out of memory");
		return rc;
	}
	for (i = 0; i < n; i++)
		if (plan.drop[i])
			output_remove(b->tmpdir_fd, group[i]->tmp);
	if (plan.moving_count) {
		rc = put_in_place(b, group, first, &plan);
		if (rc)
			return rc;
	}
	return append_results(b, group, n, &plan);
}

/* With the next record done, waits (b->mu held) until a full group is
 * done, or every record read is done and there are no more, or
 * GROUP_WAIT_NS have passed. */
static void group_wait(struct batch *b)
{
	struct timespec deadline;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_nsec += GROUP_WAIT_NS;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	while (!b->stop && !batch_group_ready(b))
		if (pthread_cond_timedwait(&b->commit_cv, &b->mu, &deadline) ==
		    ETIMEDOUT)
			break;
}

void batch_committer(struct batch *b)
{
	const dyd_batch_options *o = b->opt;

	for (;;) {
		uint64_t first, n = 0;

		pthread_mutex_lock(&b->mu);
		/* Until the next record is done, or there is none. */
		while (!b->stop && (b->committed < b->filled
					? !b->ring[b->committed % b->cap].done
					: !b->input_done))
			pthread_cond_wait(&b->commit_cv, &b->mu);
		if (b->stop || b->committed == b->filled) {
			pthread_mutex_unlock(&b->mu);
			break;
		}
		group_wait(b);
		if (b->stop) {
			pthread_mutex_unlock(&b->mu);
			break;
		}
		first = b->committed;
		n = batch_ready_run(b);
		b->progress.seconds = batch_elapsed(b);
		pthread_mutex_unlock(&b->mu);

		if (commit_group(b, first, (size_t)n))
			break;

		pthread_mutex_lock(&b->mu);
		for (uint64_t i = 0; i < n; i++)
			batch_item_release(b, &b->ring[(first + i) % b->cap]);
		b->committed += n;
		pthread_cond_broadcast(&b->room_cv);
		dyd_batch_progress p = b->progress;
		pthread_mutex_unlock(&b->mu);

		if (o->progress && p.seconds - b->last_progress >= 0.2) {
			b->last_progress = p.seconds;
			o->progress(&p, o->arg);
		}
		if (o->cancelled && o->cancelled(o->arg)) {
			pthread_mutex_lock(&b->mu);
			b->stop = true;
			if (!b->fatal)
				b->fatal = DYD_ECANCELED;
			batch_wake_all(b);
			pthread_mutex_unlock(&b->mu);
			break;
		}
	}
}
