/* SPDX-License-Identifier: MIT */
/* Batch exports: setting up, the threads, and what is left at the end.
 * How a batch works is told in batch.h. */
#include "batch.h"
#include "diag.h"
#include "input.h"
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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

char *batch_bundle_name(const char *id)
{
	strbuf sb = STRBUF_INIT;

	strbuf_printf(&sb, "%s.zip", id);
	return strbuf_detach(&sb);
}

bool batch_cancel_asked(const struct batch *b)
{
	const dyd_batch_options *o = b->opt;

	return o->cancelled && o->cancelled(o->arg);
}

void batch_item_release(struct batch *b, batch_item *it)
{
	if (it->tmp) {
		output_remove(b->tmpdir_fd, it->tmp);
		free(it->tmp);
	}
	free(it->account_id);
	free(it->answer);
	free(it->error);
	stream_item_release(&it->in);
	memset(it, 0, sizeof(*it));
}

/* --- setting up --------------------------------------------------------- */

/* What name in dirfd is, for a message about a name that was refused. */
static const char *kind_of(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return strerror(errno);
	return input_file_kind(st.st_mode);
}

/* Without a results file, OUTDIR must not hold bundles of this shard:
 * any bundle found during the run is then a duplicate of this run's. */
static int scan_outdir(struct batch *b)
{
	int fd = dup(b->outdir_fd);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	int rc = 0;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		diag_add(b->diags, DYD_ERROR, b->outdir, 0, 0, NULL,
			 "cannot read the directory: %s", strerror(errno));
		return DYD_EIO;
	}
	rewinddir(dir);
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

/* Removes the bundles an interrupted run left in the temporary
 * directory: they were never committed. Only names dyd gives them. */
static int empty_tmpdir(struct batch *b)
{
	int fd = dup(b->tmpdir_fd);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((e = readdir(dir)))
		if (strncmp(e->d_name, BATCH_TMP_PREFIX,
			    strlen(BATCH_TMP_PREFIX)) == 0)
			output_remove_own(b->tmpdir_fd, e->d_name, NULL);
	closedir(dir);
	return 0;
}

/* Creates the directory of temporary bundles, or empties the one an
 * interrupted run left. A name there that is not such a directory of
 * this user's was not made by dyd, and is left alone. */
static int open_tmpdir(struct batch *b)
{
	strbuf sb = STRBUF_INIT;
	const char *why = NULL;

	snprintf(b->tmpdir_name, sizeof(b->tmpdir_name), "%s-tmp", b->prefix);
	strbuf_printf(&sb, "%s/%s", b->outdir, b->tmpdir_name);
	b->tmpdir = strbuf_detach(&sb);
	if (!b->tmpdir)
		return DYD_ENOMEM;
	if (output_dir_create(b->outdir_fd, b->tmpdir_name) != 0)
		goto fail;
	b->tmpdir_fd = output_dir_open(b->outdir_fd, b->tmpdir_name);
	if (b->tmpdir_fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			why = kind_of(b->outdir_fd, b->tmpdir_name);
		goto fail;
	}
	if (output_dir_private(b->tmpdir_fd, &why) != 0) {
		close(b->tmpdir_fd);
		b->tmpdir_fd = -1;
		goto fail;
	}
	if (empty_tmpdir(b) == 0)
		return 0;
fail:
	if (why)
		diag_add(b->diags, DYD_ERROR, b->tmpdir, 0, 0, NULL,
			 "is %s, not the directory of bundles being written "
			 "that dyd makes: remove it",
			 why);
	else
		diag_add(b->diags, DYD_ERROR, b->tmpdir, 0, 0, NULL,
			 "cannot set up the directory of bundles being "
			 "written: %s",
			 strerror(errno));
	return DYD_EIO;
}

/* Opens OUTDIR, creating it, and checks that it is private. */
static int open_dir(struct batch *b)
{
	const dyd_batch_options *o = b->opt;
	const char *why;

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
	if (b->outdir_fd < 0 && (errno == ELOOP || errno == ENOTDIR)) {
		diag_add(b->diags, DYD_ERROR, b->outdir, 0, 0, NULL,
			 "is %s: the output directory must be a directory "
			 "itself, not a link to one; give the directory it "
			 "leads to",
			 kind_of(AT_FDCWD, b->outdir));
		return DYD_EUSAGE;
	}
	if (b->outdir_fd < 0) {
		diag_add(b->diags, DYD_ERROR, b->outdir, 0, 0, NULL,
			 "cannot open the output directory: %s",
			 strerror(errno));
		return DYD_EIO;
	}
	if (!o->allow_shared_outdir &&
	    output_dir_private(b->outdir_fd, &why) != 0) {
		diag_add(b->diags, DYD_ERROR, b->outdir, 0, 0, NULL,
			 "is %s: others could replace or read what dyd "
			 "writes there; use a directory of your own, or "
			 "--allow-shared-outdir if it is meant to be shared",
			 why ? why : strerror(errno));
		return DYD_EUSAGE;
	}
	return 0;
}

/* One run of a shard (or of an unsharded batch) in OUTDIR at a time:
 * a second would empty the first's temporary directory and write the
 * shard's lines again. Other shards take other locks. */
static int take_lock(struct batch *b)
{
	const dyd_batch_options *o = b->opt;
	const char *why;

	snprintf(b->lock_name, sizeof(b->lock_name), "%s.lock", b->prefix);
	b->lock_fd = output_lock(b->outdir_fd, b->lock_name, &why);
	if (b->lock_fd >= 0)
		return 0;
	if (errno == EWOULDBLOCK) {
		if (o->shard_count > 1)
			diag_add(b->diags, DYD_ERROR, b->outdir, 0, 0, NULL,
				 "another dyd batch is running shard %u/%u "
				 "in this directory (it holds '%s'): wait "
				 "until it has ended",
				 o->shard_index, o->shard_count, b->lock_name);
		else
			diag_add(b->diags, DYD_ERROR, b->outdir, 0, 0, NULL,
				 "another dyd batch is running in this "
				 "directory (it holds '%s'): wait until it has "
				 "ended, or use another directory",
				 b->lock_name);
		return DYD_EUSAGE;
	}
	diag_add(b->diags, DYD_ERROR, b->outdir, 0, 0, NULL,
		 "cannot take the lock '%s': %s", b->lock_name,
		 why ? why : strerror(errno));
	return DYD_EIO;
}

/* The results file's name and where it is. */
static int name_results(struct batch *b)
{
	const dyd_batch_options *o = b->opt;
	strbuf name = STRBUF_INIT, path = STRBUF_INIT;

	if (o->results) {
		b->results_dirfd = AT_FDCWD;
		strbuf_puts(&name, o->results);
		strbuf_puts(&path, o->results);
	} else {
		b->results_dirfd = b->outdir_fd;
		if (o->shard_count > 1)
			strbuf_printf(&name, "results-%u-of-%u.jsonl",
				      o->shard_index, o->shard_count);
		else
			strbuf_puts(&name, "results.jsonl");
		strbuf_printf(&path, "%s/%s", b->outdir,
			      name.data ? name.data : "");
	}
	b->results_name = strbuf_detach(&name);
	b->results_path = strbuf_detach(&path);
	return b->results_name && b->results_path ? 0 : DYD_ENOMEM;
}

/* The output directory, the run's own file names, and whether an earlier
 * run is being resumed. */
static int open_outdir(struct batch *b, bool *have_results)
{
	const dyd_batch_options *o = b->opt;
	struct stat st;
	int rc;

	if (o->shard_count > 1)
		snprintf(b->prefix, sizeof(b->prefix), ".dyd-%u-of-%u",
			 o->shard_index, o->shard_count);
	else
		snprintf(b->prefix, sizeof(b->prefix), ".dyd");
	snprintf(b->journal_name, sizeof(b->journal_name), "%s-journal.jsonl",
		 b->prefix);
	rc = open_dir(b);
	if (!rc)
		rc = take_lock(b);
	if (!rc)
		rc = name_results(b);
	if (rc)
		return rc;
	if (o->resume) {
		rc = batch_open_resume(b);
		if (rc < 0)
			return rc;
		*have_results = rc == 0;
	} else if (fstatat(b->results_dirfd, b->results_name, &st,
			   AT_SYMLINK_NOFOLLOW) == 0) {
		diag_add(b->diags, DYD_ERROR, b->results_path, 0, 0, NULL,
			 "exists: add --resume to continue that run, or "
			 "remove it to start again");
		return DYD_EUSAGE;
	}
	return 0;
}

/* A new run's results file, which must be new. */
static int create_results(struct batch *b)
{
	const char *why;

	b->results_fd =
	    output_file_open(b->results_dirfd, b->results_name,
			     OUTPUT_CREATE | OUTPUT_EXCL | OUTPUT_APPEND, &why);
	if (b->results_fd >= 0)
		return 0;
	diag_add(b->diags, DYD_ERROR, b->results_path, 0, 0, NULL,
		 "cannot create the results file: %s",
		 why ? why : strerror(errno));
	return errno == EEXIST ? DYD_EUSAGE : DYD_EIO;
}

/* Signing: the key's fingerprint goes on the results lines, and the key
 * is the one an existing bundle must be signed by to be kept. */
static int set_up_signing(struct batch *b)
{
	const dyd_signing_key *key = b->opt->bundle.sign_key;
	int rc;

	if (!key)
		return 0;
	b->key_sha256 = dyd_signing_key_fingerprint(key);
	rc = dyd_trust_new(&b->trust);
	if (!rc)
		rc = dyd_trust_add_key(b->trust, key);
	return rc;
}

/* Everything before the threads start: on failure, diagnostics say why
 * and release_batch() undoes what was done. */
static int setup(struct batch *b)
{
	bool have_results = false;
	int rc = set_up_signing(b);

	if (!rc)
		rc = open_outdir(b, &have_results);

	if (!rc && !have_results)
		rc = scan_outdir(b);
	if (!rc)
		rc = batch_check_signature(b, have_results);
	if (!rc)
		rc = open_tmpdir(b);
	if (!rc && !have_results)
		rc = create_results(b);
	return rc;
}

/* --- running ------------------------------------------------------------ */

/* Starts the reader and jobs workers, commits on this thread, and joins
 * them all. DYD_ENOMEM when not even the reader could start. The threads
 * start with every signal blocked, so that a signal is taken by the
 * calling thread, which asks the caller's cancelled(), and no system call
 * of theirs is cut short by it. */
static int run_threads(struct batch *b, unsigned jobs)
{
	pthread_t reader, *workers = calloc(jobs, sizeof(*workers));
	sigset_t all, before;
	unsigned started, i;
	int rc;

	if (!workers)
		return DYD_ENOMEM;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &before);
	rc = pthread_create(&reader, NULL, batch_reader_main, b);
	for (started = 0; rc == 0 && started < jobs; started++)
		if (pthread_create(&workers[started], NULL, batch_worker_main,
				   b) != 0)
			break;
	pthread_sigmask(SIG_SETMASK, &before, NULL);
	if (rc != 0) {
		free(workers);
		return DYD_ENOMEM;
	}
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
		output_remove_own(b->outdir_fd, b->journal_name, NULL);
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
	dyd_trust_free(b->trust);
	if (b->results_fd >= 0)
		close(b->results_fd);
	free(b->old.buf);
	journal_release(&b->journal);
	free(b->ring);
	free(b->results_path);
	free(b->results_name);
	if (b->tmpdir_fd >= 0) {
		close(b->tmpdir_fd);
		/* Empty unless a bundle could not be removed. */
		output_dir_remove(b->outdir_fd, b->tmpdir_name);
	}
	free(b->tmpdir);
	/* Last: everything of the run is settled. */
	output_unlock(b->outdir_fd, b->lock_name, b->lock_fd);
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
	b.lock_fd = -1;
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
