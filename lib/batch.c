/* SPDX-License-Identifier: MIT */
/* Batch exports: setting up, the threads, and what is left at the end.
 * How a batch works is told in batch.h. */
#include "batch.h"
#include "diag.h"
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

unsigned dyd_shard_of(const char *account_id, unsigned count)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; *account_id; account_id++) {
		h ^= (unsigned char)*account_id;
		h *= UINT64_C(1099511628211);
	}
	return count ? (unsigned)(h % count) : 0;
}

double batch_elapsed(const struct batch *b)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - b->start.tv_sec) +
	       (double)(now.tv_nsec - b->start.tv_nsec) / 1e9;
}

void batch_wake_all(struct batch *b)
{
	pthread_cond_broadcast(&b->work_cv);
	pthread_cond_broadcast(&b->room_cv);
	pthread_cond_broadcast(&b->commit_cv);
}

void batch_set_fatal(struct batch *b, int rc, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&b->mu);
	if (!b->fatal) {
		b->fatal = rc;
		diag_add(&b->fatal_diags, DYD_ERROR, b->outdir, 0, 0, NULL,
			 "%s", msg);
	}
	b->stop = true;
	batch_wake_all(b);
	pthread_mutex_unlock(&b->mu);
}

char *batch_bundle_path(const struct batch *b, const char *id)
{
	strbuf sb = STRBUF_INIT;

	strbuf_printf(&sb, "%s/%s.zip", b->outdir, id);
	return strbuf_detach(&sb);
}

char *batch_bundle_name(const char *id)
{
	strbuf sb = STRBUF_INIT;

	strbuf_printf(&sb, "%s.zip", id);
	return strbuf_detach(&sb);
}

void batch_item_release(struct batch *b, batch_item *it)
{
	if (it->tmp) {
		output_remove(b->tmpdir_fd, it->tmp);
		free(it->tmp);
	}
	free(it->account_id);
	free(it->error);
	stream_item_release(&it->in);
	memset(it, 0, sizeof(*it));
}

/* --- setting up --------------------------------------------------------- */

/* Without a results file, OUTDIR must not hold bundles of this shard:
 * any bundle found during the run is then a duplicate of this run's. */
static int scan_outdir(struct batch *b)
{
	DIR *dir = opendir(b->outdir);
	struct dirent *e;
	int rc = 0;

	if (!dir) {
		diag_add(b->diags, DYD_ERROR, b->outdir, 0, 0, NULL,
			 "cannot read the directory: %s", strerror(errno));
		return DYD_EIO;
	}
	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || e->d_name[0] == '.' ||
		    strcmp(e->d_name + len - 4, ".zip") != 0)
			continue;
		e->d_name[len - 4] = '\0';
		if (b->opt->shard_count > 1 &&
		    dyd_shard_of(e->d_name, b->opt->shard_count) !=
			b->opt->shard_index)
			continue;
		diag_add(b->diags, DYD_ERROR, b->outdir, 0, 0, NULL,
			 "already holds bundles (such as '%s.zip') but no "
			 "results file: remove them, or use another directory",
			 e->d_name);
		rc = DYD_EUSAGE;
		break;
	}
	closedir(dir);
	return rc;
}

/* Creates the directory of temporary bundles, or empties the one an
 * interrupted run left: its bundles were never committed. */
static int open_tmpdir(struct batch *b)
{
	strbuf sb = STRBUF_INIT;
	DIR *dir;
	struct dirent *e;
	int fd;

	snprintf(b->tmpdir_name, sizeof(b->tmpdir_name), "%s-tmp", b->prefix);
	strbuf_printf(&sb, "%s/%s", b->outdir, b->tmpdir_name);
	b->tmpdir = strbuf_detach(&sb);
	if (!b->tmpdir)
		return DYD_ENOMEM;
	if (output_dir_create(b->outdir_fd, b->tmpdir_name) != 0)
		goto fail;
	b->tmpdir_fd = output_dir_open(b->outdir_fd, b->tmpdir_name);
	if (b->tmpdir_fd < 0)
		goto fail;
	fd = dup(b->tmpdir_fd);
	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir) {
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.')
			output_remove(b->tmpdir_fd, e->d_name);
	closedir(dir);
	return 0;
fail:
	diag_add(b->diags, DYD_ERROR, b->tmpdir, 0, 0, NULL,
		 "cannot set up the directory of bundles being written: %s",
		 strerror(errno));
	return DYD_EIO;
}

/* The output directory, the run's own file names, and whether an earlier
 * run is being resumed. */
static int open_outdir(struct batch *b, bool *have_results)
{
	const dyd_batch_options *o = b->opt;
	strbuf sb = STRBUF_INIT;
	int rc;

	if (o->shard_count > 1)
		snprintf(b->prefix, sizeof(b->prefix), ".dyd-%u-of-%u",
			 o->shard_index, o->shard_count);
	else
		snprintf(b->prefix, sizeof(b->prefix), ".dyd");
	b->outdir = strdup(o->outdir);
	if (!b->outdir)
		return DYD_ENOMEM;
	if (output_dir_create(AT_FDCWD, b->outdir) != 0) {
		diag_add(b->diags, DYD_ERROR, b->outdir, 0, 0, NULL,
			 "cannot create the output directory: %s",
			 strerror(errno));
		return DYD_EIO;
	}
	b->outdir_fd = output_dir_open(AT_FDCWD, b->outdir);
	if (b->outdir_fd < 0) {
		diag_add(b->diags, DYD_ERROR, b->outdir, 0, 0, NULL,
			 "cannot open the output directory: %s",
			 strerror(errno));
		return DYD_EIO;
	}
	if (o->results)
		strbuf_puts(&sb, o->results);
	else if (o->shard_count > 1)
		strbuf_printf(&sb, "%s/results-%u-of-%u.jsonl", b->outdir,
			      o->shard_index, o->shard_count);
	else
		strbuf_printf(&sb, "%s/results.jsonl", b->outdir);
	b->results_path = strbuf_detach(&sb);
	snprintf(b->journal_name, sizeof(b->journal_name), "%s-journal.jsonl",
		 b->prefix);
	if (!b->results_path)
		return DYD_ENOMEM;
	if (o->resume) {
		rc = batch_open_resume(b);
		if (rc < 0) {
			diag_add(b->diags, DYD_ERROR, b->results_path, 0, 0,
				 NULL, "cannot read the results file: %s",
				 strerror(errno));
			return rc;
		}
		*have_results = rc == 0;
	} else if (access(b->results_path, F_OK) == 0) {
		diag_add(b->diags, DYD_ERROR, b->results_path, 0, 0, NULL,
			 "exists: add --resume to continue that run, or "
			 "remove it to start again");
		return DYD_EUSAGE;
	}
	return 0;
}

/* Everything before the threads start: on failure, diagnostics say why
 * and release_batch() undoes what was done. */
static int setup(struct batch *b)
{
	bool have_results = false;
	int rc = open_outdir(b, &have_results);

	if (!rc && !have_results)
		rc = scan_outdir(b);
	if (!rc)
		rc = batch_check_signature(b, have_results);
	if (!rc)
		rc = open_tmpdir(b);
	if (rc)
		return rc;
	b->results_fd = output_append_open(AT_FDCWD, b->results_path);
	if (b->results_fd < 0) {
		diag_add(b->diags, DYD_ERROR, b->results_path, 0, 0, NULL,
			 "cannot open the results file: %s", strerror(errno));
		return DYD_EIO;
	}
	return 0;
}

/* --- running ------------------------------------------------------------ */

/* Starts the reader and jobs workers, commits on this thread, and joins
 * them all. DYD_ENOMEM when not even the reader could start. */
static int run_threads(struct batch *b, unsigned jobs)
{
	pthread_t reader, *workers = calloc(jobs, sizeof(*workers));
	unsigned started, i;

	if (!workers)
		return DYD_ENOMEM;
	if (pthread_create(&reader, NULL, batch_reader_main, b) != 0) {
		free(workers);
		return DYD_ENOMEM;
	}
	for (started = 0; started < jobs; started++)
		if (pthread_create(&workers[started], NULL, batch_worker_main,
				   b) != 0)
			break;
	if (!started)
		batch_set_fatal(b, DYD_ENOMEM, "cannot start worker threads");
	else
		batch_committer(b);
	pthread_mutex_lock(&b->mu);
	b->stop = true;
	batch_wake_all(b);
	pthread_mutex_unlock(&b->mu);
	pthread_join(reader, NULL);
	for (i = 0; i < started; i++)
		pthread_join(workers[i], NULL);
	free(workers);
	return 0;
}

/* After the threads: what was not committed goes, the journal goes once
 * every group is in the results, and the caller gets the summary and the
 * diagnostics of the failure that stopped the run. */
static int finish(struct batch *b, dyd_batch_progress *summary)
{
	const dyd_batch_options *o = b->opt;
	size_t i;
	int rc;

	for (uint64_t k = b->committed; k < b->filled; k++)
		batch_item_release(b, &b->ring[k % b->cap]);
	if (b->old_remaining && !b->fatal && o->resume)
		batch_set_fatal(b, DYD_EUSAGE,
				"the results file has lines for records the "
				"input no longer has: resume with the same "
				"inputs");
	rc = b->fatal;
	if (!rc)
		/* every group is in the results */
		output_remove(b->outdir_fd, b->journal_name);
	b->progress.seconds = batch_elapsed(b);
	*summary = b->progress;
	if (o->progress)
		o->progress(summary, o->arg);
	for (i = 0; i < b->fatal_diags.count; i++) {
		const dyd_diag *d = &b->fatal_diags.items[i];
		diag_add(b->diags, d->severity, d->file, 0, 0, NULL, "%s",
			 d->message);
	}
	return rc;
}

static void release_batch(struct batch *b)
{
	dyd_diags_release(&b->fatal_diags);
	if (b->results_fd >= 0)
		close(b->results_fd);
	if (b->old)
		fclose(b->old);
	journal_release(&b->journal);
	free(b->ring);
	free(b->results_path);
	if (b->tmpdir_fd >= 0) {
		close(b->tmpdir_fd);
		/* Empty unless a bundle could not be removed. */
		output_dir_remove(b->outdir_fd, b->tmpdir_name);
	}
	free(b->tmpdir);
	if (b->outdir_fd >= 0)
		close(b->outdir_fd);
	free(b->outdir);
}

int dyd_batch_run(const char *const *inputs, size_t input_count,
		  const dyd_batch_options *o, dyd_batch_progress *summary,
		  dyd_diags *diags)
{
	struct batch b;
	pthread_condattr_t cattr;
	unsigned jobs = o->jobs;
	int rc;

	memset(&b, 0, sizeof(b));
	memset(summary, 0, sizeof(*summary));
	b.opt = o;
	b.inputs = inputs;
	b.input_count = input_count;
	b.diags = diags;
	b.outdir_fd = -1;
	b.tmpdir_fd = -1;
	b.results_fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &b.start);
	if (!jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n > 0 ? (unsigned)n : 1;
	}
	if (o->shard_count > 1 && o->shard_index >= o->shard_count) {
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "shard %u/%u: K goes from 0 to N-1", o->shard_index,
			 o->shard_count);
		return DYD_EUSAGE;
	}
	/* A bad --tz is the caller's mistake, not every record's. */
	if (o->bundle.tz) {
		rc = dyd_tz_check(o->bundle.tz, diags);
		if (rc)
			return rc == DYD_EINVALID ? DYD_EUSAGE : rc;
	}
	rc = setup(&b);
	if (rc)
		goto out;
	/* Room for a group being committed and the next being built, so the
	 * workers do not wait on the committer's flushes. A done item holds
	 * no record text, only its names. */
	b.cap = 4 * (uint64_t)jobs + 2 * GROUP_MAX;
	b.ring = calloc(b.cap, sizeof(*b.ring));
	if (!b.ring) {
		rc = DYD_ENOMEM;
		goto out;
	}
	pthread_mutex_init(&b.mu, NULL);
	/* The committer's group deadline is on the monotonic clock. */
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	pthread_cond_init(&b.commit_cv, &cattr);
	pthread_cond_init(&b.work_cv, NULL);
	pthread_cond_init(&b.room_cv, NULL);
	pthread_condattr_destroy(&cattr);
	rc = run_threads(&b, jobs);
	if (!rc)
		rc = finish(&b, summary);
	pthread_cond_destroy(&b.work_cv);
	pthread_cond_destroy(&b.room_cv);
	pthread_cond_destroy(&b.commit_cv);
	pthread_mutex_destroy(&b.mu);
out:
	release_batch(&b);
	return rc;
}
