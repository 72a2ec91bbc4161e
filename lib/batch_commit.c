/* SPDX-License-Identifier: MIT */
/* The batch's committer: a group of done records at a time, in input
 * order, decided by batch_plan_group() and then carried out on disk. */
#include "batch.h"
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Whether OUTDIR has anything by the bundle name of id: a link that
 * leads nowhere takes the name as well as a file does. */
static bool bundle_exists(const struct batch *b, const char *id)
{
	char *name = batch_bundle_name(id);
	struct stat st;
	bool there =
	    name && fstatat(b->outdir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;

	free(name);
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
		in[i].encrypted = b->opt->bundle.password != NULL;
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
	const char *why = NULL;
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
		rc = journal_write(b->outdir_fd, b->journal_name, entries, m,
				   &why);
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
		batch_set_fatal(b, rc, "cannot put bundles in place: %s%s",
				why ? "the journal is " : "",
				why ? why : strerror(errno));
	return rc;
}

/* Step 4: the results, in input order, in one write. The records are
 * counted and reported once their lines are on disk: a line that could
 * not be written is no record done. */
static int append_results(struct batch *b, batch_item *const *group, size_t n,
			  const group_plan *plan)
{
	strbuf lines = STRBUF_INIT;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		const batch_item *it = group[i];
		results_entry e = {
		    plan->status[i], it->account_id, it->in.where, it->bytes,
		    it->sha256,	     b->key_sha256,  it->answer,   it->error};
		if (it->outcome != OUT_NOT_MINE && plan->line[i])
			results_line(&lines, &e);
	}
	if (lines.failed) {
		strbuf_release(&lines);
		batch_set_fatal(b, DYD_ENOMEM, "out of memory");
		return DYD_ENOMEM;
	}
	rc =
	    lines.len ? output_append(b->results_fd, lines.data, lines.len) : 0;
	strbuf_release(&lines);
	if (rc) {
		batch_set_fatal(b, DYD_EIO,
				"cannot write the results file '%s': %s%s",
				b->results_path, strerror(errno),
				rc == -2 ? "; it now ends in a part of a line, "
					   "which --resume removes"
					 : "");
		return DYD_EIO;
	}
	for (i = 0; i < n; i++)
		if (group[i]->outcome != OUT_NOT_MINE)
			report(b, group[i], plan->status[i]);
	return 0;
}

/* The earlier lines whose bundle was made again with another sha256
 * (--encrypt) get the new one, once it is in place: the line is then
 * true of the file again. */
static int fix_sha256s(struct batch *b, batch_item *const *group, size_t n,
		       const group_plan *plan)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!plan->fix_sha256_at[i])
			continue;
		if (output_fd_patch(b->results_fd, plan->fix_sha256_at[i],
				    group[i]->sha256,
				    SHA256_HEX_SIZE - 1) != 0) {
			batch_set_fatal(b, DYD_EIO,
					"cannot write the results file '%s': "
					"%s",
					b->results_path, strerror(errno));
			return DYD_EIO;
		}
	}
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
	rc = fix_sha256s(b, group, n, &plan);
	return rc ? rc : append_results(b, group, n, &plan);
}

/* How often a wait of the committer looks whether the caller asked to
 * stop: a signal must end a batch that waits for input within a second. */
#define CANCEL_POLL_NS (100 * 1000000L)

static struct timespec after(long ns)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += ns;
	while (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static bool earlier(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Waits on commit_cv (b->mu held) until woken, until deadline (may be
 * NULL), or until it is time to poll the caller; true once the caller
 * has asked to stop. */
static bool wait_commit(struct batch *b, const struct timespec *deadline)
{
	struct timespec poll = after(CANCEL_POLL_NS);

	pthread_cond_timedwait(&b->commit_cv, &b->mu,
			       deadline && earlier(deadline, &poll) ? deadline
								    : &poll);
	if (!b->cancelled && batch_cancel_asked(b))
		b->cancelled = true;
	return b->cancelled;
}

/* With the next record done, waits (b->mu held) until a full group is
 * done, or every record read is done and there are no more, or
 * GROUP_WAIT_NS have passed, or the caller asks to stop. */
static void group_wait(struct batch *b)
{
	struct timespec deadline = after(GROUP_WAIT_NS), now;

	while (!b->stop && !batch_group_ready(b) &&
	       !wait_commit(b, &deadline)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!earlier(&now, &deadline))
			break;
	}
}

/* The next run of done records to commit, waited for (b->mu held): 0
 * when there is none, because the input is all committed, the run
 * stopped or the caller asked to stop. */
static uint64_t next_run(struct batch *b)
{
	/* Until the next record is done, or there is none. */
	while (!b->stop && !b->cancelled &&
	       (b->committed < b->filled ? !b->ring[b->committed % b->cap].done
					 : !b->input_done))
		wait_commit(b, NULL);
	if (b->stop || b->committed == b->filled)
		return 0;
	/* Asked to stop: what is done goes in as it is. */
	if (!b->cancelled)
		group_wait(b);
	return b->stop ? 0 : batch_ready_run(b);
}

void batch_committer(struct batch *b)
{
	const dyd_batch_options *o = b->opt;

	for (;;) {
		uint64_t first, n;

		pthread_mutex_lock(&b->mu);
		n = next_run(b);
		first = b->committed;
		b->progress.seconds = batch_elapsed(b);
		pthread_mutex_unlock(&b->mu);
		if (!n || commit_group(b, first, (size_t)n))
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
		if (b->cancelled || batch_cancel_asked(b)) {
			b->cancelled = true;
			break;
		}
	}
	pthread_mutex_lock(&b->mu);
	if (b->cancelled) {
		b->stop = true;
		if (!b->fatal)
			b->fatal = DYD_ECANCELED;
		batch_wake_all(b);
	}
	pthread_mutex_unlock(&b->mu);
}
