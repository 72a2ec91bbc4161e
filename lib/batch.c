/* Batch exports. A reader thread splits the inputs into records, worker
 * threads turn records into bundles in temporary files, and the calling
 * thread commits them in input order, a group at a time:
 *
 *   1. flush the group's temporary files to disk (one syncfs);
 *   2. write the journal: which records are about to get which bundle;
 *   3. rename each temporary file to OUTDIR/<account_id>.zip, never
 *      replacing one (an existing name is a duplicate account id);
 *   4. flush the directory, append the group's results lines, flush them.
 *
 * So a results line says ok only once its bundle is durable, and after a
 * kill at any point the results file is a prefix of the clean run's, with
 * at most the journal's group renamed beyond it. --resume replays that
 * prefix (checking each bundle), settles the journal's group, and carries
 * on: the bundles and results end as those of an uninterrupted run.
 * Committing in input order also makes the outcome independent of the
 * number of workers and of the order in which they finish. */
#include "account.h"
#include "diag.h"
#include "digest.h"
#include "doc.h"
#include "json_out.h"
#include "output.h"
#include "stream.h"
#include "strbuf.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define GROUP_MAX 64
/* How long the committer waits for a group to fill up once its first
 * record is ready: each group costs a syncfs and three fsyncs, so a group
 * per record (as one worker would give) cost more than the bundle's
 * deflate; results lines come at most this much later. */
#define GROUP_WAIT_NS (200 * 1000000L)

enum outcome {
	OUT_ERROR,    /* the record is bad */
	OUT_NOT_MINE, /* another shard's */
	OUT_BUNDLE,   /* a new bundle in a temporary file */
	OUT_EXISTS,   /* OUTDIR already has a bundle that verifies */
};

struct item {
	stream_item in;
	bool done;
	enum outcome outcome;
	char *account_id;
	char *tmp;    /* OUT_BUNDLE: its name in the tmpdir */
	bool replace; /* the existing bundle failed verification */
	char sha256[SHA256_HEX_SIZE];
	uint64_t bytes;
	char *error;
};

/* A results line of an earlier run, for --resume. */
struct old_line {
	char *status, *account_id, *source, *sha256, *error;
};

struct journal_entry {
	uint64_t seq;
	char *account_id;
	char sha256[SHA256_HEX_SIZE];
};

struct batch {
	const dyd_batch_options *opt;
	const char *const *inputs;
	size_t input_count;
	dyd_diags *diags;
	char *outdir;
	int outdir_fd;
	char prefix[64]; /* ".dyd" or ".dyd-K-of-N": the run's own files */
	/* Bundles are written here, then renamed into OUTDIR: creating and
	 * removing their temporary names in a directory of a few entries
	 * leaves OUTDIR's (large) directory blocks to the final names, so
	 * each group writes back fewer of them. */
	char *tmpdir; /* its path, for messages */
	char tmpdir_name[80];
	int tmpdir_fd;
	char *results_path;
	char journal_name[80]; /* in OUTDIR */
	int results_fd;
	/* --resume: the earlier run's lines, read in step with the input. */
	FILE *old;
	uint64_t old_remaining;
	struct journal_entry *journal;
	size_t journal_count;

	pthread_mutex_t mu;
	/* Each thread waits on its own condition, so a record done does not
	 * wake the reader, nor a record read the committer. */
	pthread_cond_t work_cv;	  /* workers: a record to do, or the end */
	pthread_cond_t room_cv;	  /* reader: room in the ring */
	pthread_cond_t commit_cv; /* committer: something to commit */
	struct item *ring;
	uint64_t cap, filled, claimed, committed;
	bool input_done, stop;
	int fatal;	       /* first output failure */
	dyd_diags fatal_diags; /* its diagnostics, from any thread */

	dyd_batch_progress progress;
	struct timespec start;
	double last_progress;
};

unsigned dyd_shard_of(const char *account_id, unsigned count)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; *account_id; account_id++) {
		h ^= (unsigned char)*account_id;
		h *= UINT64_C(1099511628211);
	}
	return count ? (unsigned)(h % count) : 0;
}

static double elapsed(const struct batch *b)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - b->start.tv_sec) +
	       (double)(now.tv_nsec - b->start.tv_nsec) / 1e9;
}

/* For a change every thread must see: stop, or the end of the input. */
static void wake_all(struct batch *b)
{
	pthread_cond_broadcast(&b->work_cv);
	pthread_cond_broadcast(&b->room_cv);
	pthread_cond_broadcast(&b->commit_cv);
}

static void set_fatal(struct batch *b, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_fatal(struct batch *b, int rc, const char *fmt, ...)
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
	wake_all(b);
	pthread_mutex_unlock(&b->mu);
}

/* --- reading ------------------------------------------------------------ */

static void *reader_main(void *arg)
{
	struct batch *b = arg;
	size_t i;

	for (i = 0; i < b->input_count; i++) {
		dyd_diags diags = DYD_DIAGS_INIT;
		record_stream *s = NULL;
		stream_item in;
		int r = record_stream_open(&s, b->inputs[i], &diags);

		if (r) {
			/* An unreadable input is one failed "record". */
			memset(&in, 0, sizeof(in));
			in.where = strdup(strcmp(b->inputs[i], "-") == 0
					      ? "<stdin>"
					      : b->inputs[i]);
			in.error = diags.count ? strdup(diags.items[0].message)
					       : strdup("cannot read");
			r = 1;
		} else {
			r = record_stream_next(s, &in, &diags);
		}
		while (r > 0) {
			struct item *it;
			pthread_mutex_lock(&b->mu);
			while (!b->stop && b->filled - b->committed >= b->cap)
				pthread_cond_wait(&b->room_cv, &b->mu);
			if (b->stop) {
				pthread_mutex_unlock(&b->mu);
				stream_item_release(&in);
				break;
			}
			it = &b->ring[b->filled % b->cap];
			memset(it, 0, sizeof(*it));
			it->in = in;
			b->filled++;
			if (s)
				record_stream_progress(
				    s, &b->progress.input_done,
				    &b->progress.input_total);
			pthread_cond_signal(&b->work_cv);
			pthread_mutex_unlock(&b->mu);
			if (!s)
				break;
			r = record_stream_next(s, &in, &diags);
		}
		if (r < 0)
			set_fatal(b, r == DYD_ENOMEM ? DYD_ENOMEM : DYD_EIO,
				  "reading %s failed", b->inputs[i]);
		record_stream_close(s);
		dyd_diags_release(&diags);
		pthread_mutex_lock(&b->mu);
		bool stop = b->stop;
		pthread_mutex_unlock(&b->mu);
		if (stop)
			break;
	}
	pthread_mutex_lock(&b->mu);
	b->input_done = true;
	wake_all(b);
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

/* --- working ------------------------------------------------------------ */

/* The problems of a record as one line: "file:line:col: error: ...; ...".
 * Lines inside a record are counted from its file's start. */
static char *describe(const stream_item *in, const dyd_diags *diags)
{
	strbuf sb = STRBUF_INIT;
	size_t i, n = 0;

	for (i = 0; i < diags->count; i++) {
		const dyd_diag *d = &diags->items[i];
		const char *file = in->file ? in->file : in->where;
		if (d->severity != DYD_ERROR)
			continue;
		if (n++)
			strbuf_puts(&sb, "; ");
		if (d->line) {
			strbuf_printf(&sb, "%s:%u", file,
				      d->line + in->line_offset);
			if (d->column)
				strbuf_printf(&sb, ":%u", d->column);
		} else {
			strbuf_puts(&sb, in->where);
		}
		strbuf_puts(&sb, ": ");
		if (d->pointer)
			strbuf_printf(&sb,
				      "%s: ", d->pointer[0] ? d->pointer : "/");
		strbuf_puts(&sb, d->message);
	}
	if (diags->count < diags->errors)
		strbuf_printf(&sb, "; and %zu more", diags->errors - n);
	if (!n)
		strbuf_printf(&sb, "%s: invalid record", in->where);
	return strbuf_detach(&sb);
}

/* The account id of a record that failed validation, when its
 * account_id field itself is sound: for the results and for sharding. */
static char *peek_account_id(const stream_item *in)
{
	const doc_limits limits = DOC_LIMITS_RECORD;
	dyd_diags diags = DYD_DIAGS_INIT;
	const doc_node *n;
	char *id = NULL;
	doc *d = NULL;

	if (!in->data)
		return NULL;
	if (in->format == DYD_FORMAT_JSON
		? doc_parse_json(&d, in->data, in->len, "", &limits, &diags)
		: doc_parse_yaml(&d, in->data, in->len, "", &limits, &diags))
		goto out;
	n = doc_get(d->root, "account_id");
	if (!doc_is_text(n) || !account_id_valid(n->text, n->len))
		goto out;
	id = strdup(n->text);
out:
	doc_free(d);
	dyd_diags_release(&diags);
	return id;
}

static char *bundle_path(const struct batch *b, const char *id)
{
	strbuf sb = STRBUF_INIT;

	strbuf_printf(&sb, "%s/%s.zip", b->outdir, id);
	return strbuf_detach(&sb);
}

/* The bundle's name in OUTDIR. */
static char *bundle_name(const char *id)
{
	strbuf sb = STRBUF_INIT;

	strbuf_printf(&sb, "%s.zip", id);
	return strbuf_detach(&sb);
}

/* Whether OUTDIR has a sound bundle for the id; fills sha256 and bytes. */
static bool existing_bundle(struct batch *b, const char *id, struct item *it)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char *path = bundle_path(b, id), *data = NULL;
	size_t len = 0;
	bool ok = false;
	struct stat st;

	if (!path)
		return false;
	if (stat(path, &st) != 0) {
		free(path);
		return false;
	}
	it->replace = true; /* there, but maybe not sound */
	if (dyd_file_read(path, DYD_MAX_BUNDLE_BYTES, &data, &len, &diags) ==
		0 &&
	    dyd_bundle_verify(data, len, b->opt->bundle.password, &diags) ==
		0 &&
	    sha256_hex(data, len, it->sha256) == 0) {
		it->bytes = len;
		ok = true;
	}
	free(data);
	free(path);
	dyd_diags_release(&diags);
	return ok;
}

static void work(struct batch *b, struct item *it)
{
	const dyd_batch_options *o = b->opt;
	dyd_record_options ropt = o->record;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *record = NULL;
	dyd_decision *decision = NULL;
	void *zip = NULL;
	size_t ziplen = 0;
	const char *name;
	int rc;

	it->outcome = OUT_ERROR;
	if (it->in.error) {
		strbuf msg = STRBUF_INIT;
		strbuf_printf(&msg, "%s: %s", it->in.where, it->in.error);
		it->error = strbuf_detach(&msg);
		goto shard;
	}
	/* Diagnostics name the file; lines are shifted to the file's. */
	name = it->in.file;
	ropt.format = it->in.format;
	rc = dyd_record_load(&record, it->in.data, it->in.len, name, o->policy,
			     &ropt, &diags);
	if (rc == 0)
		rc = dyd_evaluate(&decision, record, o->policy, o->as_of,
				  &diags);
	if (rc == DYD_ENOMEM)
		goto nomem;
	if (rc) {
		it->error = describe(&it->in, &diags);
		it->account_id = record ? strdup(dyd_record_account_id(record))
					: peek_account_id(&it->in);
		goto shard;
	}
	it->account_id = strdup(dyd_record_account_id(record));
	if (!it->account_id)
		goto nomem;
	if (o->shard_count > 1 &&
	    dyd_shard_of(it->account_id, o->shard_count) != o->shard_index) {
		it->outcome = OUT_NOT_MINE;
		goto out;
	}
	/* A fresh run starts with no bundle in OUTDIR (it refuses one that
	 * has some), so only a resumed run can find one it need not make
	 * again; a duplicate id of this run is caught at commit. */
	if (o->resume && existing_bundle(b, it->account_id, it)) {
		it->outcome = OUT_EXISTS;
		goto out;
	}
	rc = dyd_bundle_build(&zip, &ziplen, decision, &o->bundle, &diags);
	if (rc == DYD_ENOMEM)
		goto nomem;
	if (rc) {
		it->error = describe(&it->in, &diags);
		goto out;
	}
	/* Flushed with the rest of its group, by one syncfs. */
	if (output_temp_write(b->tmpdir_fd, "bundle-", zip, ziplen, false,
			      &it->tmp) != 0) {
		if (errno == ENOMEM)
			goto nomem;
		set_fatal(b, DYD_EIO, "cannot write a bundle in '%s': %s",
			  b->outdir, strerror(errno));
		goto out;
	}
	it->bytes = ziplen;
	if (sha256_hex(zip, ziplen, it->sha256))
		goto nomem;
	it->outcome = OUT_BUNDLE;
	goto out;
shard:
	/* A bad record belongs to the shard of its id, or of its place. */
	if (o->shard_count > 1 &&
	    dyd_shard_of(it->account_id ? it->account_id : it->in.where,
			 o->shard_count) != o->shard_index)
		it->outcome = OUT_NOT_MINE;
	if (!it->error && it->outcome == OUT_ERROR)
		goto nomem;
	goto out;
nomem:
	set_fatal(b, DYD_ENOMEM, "out of memory");
out:
	free(zip);
	dyd_decision_free(decision);
	dyd_record_free(record);
	dyd_diags_release(&diags);
	free(it->in.data);
	it->in.data = NULL;
}

/* How many records from the next to commit on are done, up to a group. */
static uint64_t ready_run(const struct batch *b)
{
	uint64_t n = 0;

	while (n < GROUP_MAX && b->committed + n < b->filled &&
	       b->ring[(b->committed + n) % b->cap].done)
		n++;
	return n;
}

/* Whether the committer, waiting for a group to fill up, can go. */
static bool group_ready(const struct batch *b)
{
	uint64_t n = ready_run(b);

	return n >= GROUP_MAX ||
	       (b->input_done && b->committed + n == b->filled);
}

static void *worker_main(void *arg)
{
	struct batch *b = arg;
	struct item *it;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (!b->stop && b->claimed == b->filled && !b->input_done)
			pthread_cond_wait(&b->work_cv, &b->mu);
		if (b->stop || b->claimed == b->filled)
			break;
		it = &b->ring[b->claimed++ % b->cap];
		pthread_mutex_unlock(&b->mu);
		work(b, it);
		pthread_mutex_lock(&b->mu);
		it->done = true;
		if (it == &b->ring[b->committed % b->cap] || group_ready(b))
			pthread_cond_signal(&b->commit_cv);
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

/* --- committing --------------------------------------------------------- */

static void old_line_release(struct old_line *l)
{
	free(l->status);
	free(l->account_id);
	free(l->source);
	free(l->sha256);
	free(l->error);
	memset(l, 0, sizeof(*l));
}

static char *member_string(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

static int read_old_line(struct batch *b, struct old_line *l)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, b->old);
	cJSON *o;

	memset(l, 0, sizeof(*l));
	if (n <= 0) {
		free(line);
		return -1;
	}
	o = cJSON_ParseWithLength(line, (size_t)n);
	free(line);
	if (!o)
		return -1;
	l->status = member_string(o, "status");
	l->account_id = member_string(o, "account_id");
	l->source = member_string(o, "source");
	l->sha256 = member_string(o, "sha256");
	l->error = member_string(o, "error");
	cJSON_Delete(o);
	return l->status && l->source ? 0 : -1;
}

/* Appends the record's results line: compact JSON, as cJSON prints it. */
static void results_line(strbuf *out, const struct item *it, const char *status)
{
	json_writer w;

	json_writer_init(&w, out, false);
	json_open_object(&w);
	json_key(&w, "status", 6);
	json_cstring(&w, status);
	json_key(&w, "account_id", 10);
	if (it->account_id) {
		json_cstring(&w, it->account_id);
	} else {
		json_null(&w);
	}
	json_key(&w, "source", 6);
	json_cstring(&w, it->in.where);
	if (strcmp(status, "ok") == 0) {
		strbuf name = STRBUF_INIT;
		strbuf_puts(&name, it->account_id);
		strbuf_append(&name, ".zip", 4);
		json_key(&w, "bundle", 6);
		if (name.failed)
			out->failed = true;
		else
			json_string(&w, name.data, name.len);
		strbuf_release(&name);
		json_key(&w, "bytes", 5);
		json_number(&w, (double)it->bytes);
		json_key(&w, "sha256", 6);
		json_cstring(&w, it->sha256);
	} else {
		json_key(&w, "error", 5);
		json_cstring(&w, it->error);
	}
	json_close_object(&w);
	strbuf_putc(out, '\n');
}

static const struct journal_entry *journal_find(const struct batch *b,
						uint64_t seq)
{
	size_t i;

	for (i = 0; i < b->journal_count; i++)
		if (b->journal[i].seq == seq)
			return &b->journal[i];
	return NULL;
}

static bool bundle_exists(const struct batch *b, const char *id)
{
	char *path = bundle_path(b, id);
	bool there = path && access(path, F_OK) == 0;

	free(path);
	return there;
}

static int write_journal(struct batch *b, struct item **group,
			 const uint64_t *seqs, size_t n)
{
	strbuf sb = STRBUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++)
		strbuf_printf(&sb,
			      "{\"seq\":%llu,\"account_id\":\"%s\","
			      "\"sha256\":\"%s\"}\n",
			      (unsigned long long)seqs[i], group[i]->account_id,
			      group[i]->sha256);
	if (sb.failed) {
		strbuf_release(&sb);
		return DYD_ENOMEM;
	}
	if (output_file_overwrite(b->outdir_fd, b->journal_name,
				  sb.data ? sb.data : "", sb.len) != 0)
		rc = DYD_EIO;
	strbuf_release(&sb);
	return rc;
}

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

static void report(struct batch *b, const struct item *it, const char *status)
{
	dyd_batch_record r = {status, it->in.where, it->account_id, it->error};

	count(b, status);
	if (b->opt->on_record)
		b->opt->on_record(&r, b->opt->arg);
}

/* Makes the item a failed one: its account id already has a bundle.
 * DYD_ENOMEM when the message could not be made (a results line says why
 * a record failed). */
static int set_duplicate(struct item *it)
{
	strbuf sb = STRBUF_INIT;

	strbuf_printf(&sb,
		      "%s: duplicate account id '%s': its bundle was already "
		      "written for an earlier record",
		      it->in.where, it->account_id);
	free(it->error);
	it->error = strbuf_detach(&sb);
	it->outcome = OUT_ERROR;
	return it->error ? 0 : DYD_ENOMEM;
}

/* Commits items [first, first + n) of the ring. */
static int commit_group(struct batch *b, uint64_t first, size_t n)
{
	struct item *group[GROUP_MAX], *moving[GROUP_MAX];
	uint64_t seqs[GROUP_MAX];
	const char *status[GROUP_MAX];
	size_t i, k, m = 0;
	bool emit[GROUP_MAX];
	strbuf lines = STRBUF_INIT;
	int rc = 0;

	for (i = 0; i < n; i++) {
		struct item *it = &b->ring[(first + i) % b->cap];
		struct old_line old = {0};
		group[i] = it;
		emit[i] = false;
		status[i] = "error";
		if (it->outcome == OUT_NOT_MINE)
			continue;
		if (b->old_remaining) {
			/* Replaying the earlier run: its line stands. */
			b->old_remaining--;
			if (read_old_line(b, &old) != 0 ||
			    strcmp(old.source, it->in.where) != 0 ||
			    (old.account_id && it->account_id &&
			     strcmp(old.account_id, it->account_id) != 0)) {
				old_line_release(&old);
				set_fatal(b, DYD_EUSAGE,
					  "the results file does not match the "
					  "input at %s: resume with the same "
					  "inputs and options, or start a new "
					  "run",
					  it->in.where);
				return DYD_EUSAGE;
			}
			if (strcmp(old.status, "ok") != 0) {
				/* Failed then: it fails the same way now. */
				free(group[i]->error);
				group[i]->error = old.error;
				old.error = NULL;
				status[i] = "error";
			} else if (it->outcome == OUT_EXISTS && old.sha256 &&
				   strcmp(old.sha256, it->sha256) == 0) {
				status[i] = "skipped";
			} else if (it->outcome == OUT_BUNDLE && old.sha256 &&
				   strcmp(old.sha256, it->sha256) == 0) {
				/* Lost or damaged since: made again. */
				status[i] = "skipped";
				moving[m] = it;
				seqs[m++] = first + i;
			} else {
				old_line_release(&old);
				set_fatal(b, DYD_EUSAGE,
					  "the bundle for %s differs from the "
					  "one the results file records: "
					  "resume with the same options",
					  it->in.where);
				return DYD_EUSAGE;
			}
			old_line_release(&old);
			continue;
		}
		emit[i] = true;
		if (it->outcome == OUT_ERROR)
			continue;
		if (it->outcome == OUT_EXISTS) {
			const struct journal_entry *j =
			    journal_find(b, first + i);
			if (j && strcmp(j->account_id, it->account_id) == 0 &&
			    strcmp(j->sha256, it->sha256) == 0) {
				status[i] = "ok"; /* renamed before a crash */
				continue;
			}
			if (set_duplicate(it))
				goto nomem;
			continue;
		}
		/* OUT_BUNDLE: a duplicate of an earlier record in this group
		 * or of one committed before (the worker may have looked
		 * before that commit). A bundle there that failed
		 * verification is replaced only when the journal says it is
		 * this record's. */
		for (k = 0; k < m; k++)
			if (strcmp(moving[k]->account_id, it->account_id) == 0)
				break;
		if (k < m || (bundle_exists(b, it->account_id) &&
			      !(it->replace && journal_find(b, first + i)))) {
			output_remove(b->tmpdir_fd, it->tmp);
			if (set_duplicate(it))
				goto nomem;
			continue;
		}
		status[i] = "ok";
		moving[m] = it;
		seqs[m++] = first + i;
	}
	if (m) {
		/* 1-2: the new bundles are on disk, and so is the journal
		 * saying whose they are. */
		if (output_fs_sync(b->outdir_fd) != 0) {
			for (k = 0; k < m; k++)
				if (output_file_sync(b->tmpdir_fd,
						     moving[k]->tmp) != 0)
					rc = DYD_EIO;
		}
		if (!rc)
			rc = write_journal(b, moving, seqs, m);
		/* 3: into place. */
		for (k = 0; !rc && k < m; k++) {
			char *name = bundle_name(moving[k]->account_id);
			if (!name) {
				rc = DYD_ENOMEM;
				break;
			}
			if (output_rename(b->tmpdir_fd, moving[k]->tmp,
					  b->outdir_fd, name,
					  moving[k]->replace) != 0)
				rc = DYD_EIO;
			else {
				free(moving[k]->tmp);
				moving[k]->tmp = NULL;
			}
			free(name);
		}
		/* The temporary names' removal first: a power cut between the
		 * two then loses a bundle (remade on --resume) rather than
		 * leaving two names for one inode that counts one link. */
		if (!rc && (output_dir_sync(b->tmpdir_fd) != 0 ||
			    output_dir_sync(b->outdir_fd) != 0))
			rc = DYD_EIO;
		if (rc) {
			set_fatal(b, rc, "cannot put bundles in place: %s",
				  strerror(errno));
			return rc;
		}
	}
	/* 4: the results, in input order. */
	for (i = 0; i < n; i++) {
		if (group[i]->outcome == OUT_NOT_MINE)
			continue;
		if (emit[i])
			results_line(&lines, group[i], status[i]);
		report(b, group[i], status[i]);
	}
	if (lines.failed) {
		strbuf_release(&lines);
		goto nomem;
	}
	if (lines.len &&
	    output_append(b->results_fd, lines.data, lines.len) != 0) {
		strbuf_release(&lines);
		set_fatal(b, DYD_EIO, "cannot write the results file '%s': %s",
			  b->results_path, strerror(errno));
		return DYD_EIO;
	}
	strbuf_release(&lines);
	return 0;
nomem:
	set_fatal(b, DYD_ENOMEM, "out of memory");
	return DYD_ENOMEM;
}

static void item_release(struct batch *b, struct item *it)
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
	while (!b->stop && !group_ready(b))
		if (pthread_cond_timedwait(&b->commit_cv, &b->mu, &deadline) ==
		    ETIMEDOUT)
			break;
}

static void committer(struct batch *b)
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
		n = ready_run(b);
		b->progress.seconds = elapsed(b);
		pthread_mutex_unlock(&b->mu);

		if (commit_group(b, first, (size_t)n))
			break;

		pthread_mutex_lock(&b->mu);
		for (uint64_t i = 0; i < n; i++)
			item_release(b, &b->ring[(first + i) % b->cap]);
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
			wake_all(b);
			pthread_mutex_unlock(&b->mu);
			break;
		}
	}
}

/* --- setting up ------------------------------------------------------------
 */

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

/* What makes the bundles what they are. A resumed run must match the
 * first, or the bundles of the two would differ (the default as-of, now,
 * certainly does). */
static char *run_signature(const struct batch *b)
{
	const dyd_batch_options *o = b->opt;
	cJSON *root = cJSON_CreateObject();
	char as_of[DYD_TIME_BUFSIZE], *text = NULL, *out;
	bool ok;

	if (!root)
		return NULL;
	dyd_time_format(o->as_of, as_of);
	ok = cJSON_AddStringToObject(root, "as_of", as_of) &&
	     cJSON_AddStringToObject(root, "policy_sha256",
				     dyd_policy_sha256(o->policy)) &&
	     cJSON_AddStringToObject(root, "lang",
				     o->bundle.lang ? o->bundle.lang
						    : "(the record's)") &&
	     cJSON_AddStringToObject(root, "tz",
				     o->bundle.tz ? o->bundle.tz : "UTC") &&
	     cJSON_AddNumberToObject(root, "level", o->bundle.level) &&
	     cJSON_AddBoolToObject(root, "encrypt",
				   o->bundle.password != NULL) &&
	     cJSON_AddBoolToObject(root, "strict", o->record.strict);
	if (ok)
		text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!text)
		return NULL;
	out = malloc(strlen(text) + 2);
	if (out)
		sprintf(out, "%s\n", text);
	cJSON_free(text);
	return out;
}

/* Writes the run's signature, or on --resume checks it against the one
 * the first run wrote. */
static int check_signature(struct batch *b, bool resuming)
{
	char *want = run_signature(b), *have = NULL, *path = NULL;
	strbuf sb = STRBUF_INIT;
	char name[80];
	size_t len;
	int rc = 0;

	snprintf(name, sizeof(name), "%s-run.json", b->prefix);
	strbuf_printf(&sb, "%s/%s", b->outdir, name);
	path = strbuf_detach(&sb);
	if (!want || !path) {
		rc = DYD_ENOMEM;
		goto out;
	}
	if (resuming && dyd_file_read(path, 65536, &have, &len, NULL) == 0) {
		if (strcmp(have, want) != 0) {
			have[strcspn(have, "\n")] = '\0';
			want[strcspn(want, "\n")] = '\0';
			diag_add(b->diags, DYD_ERROR, b->outdir, 0, 0, NULL,
				 "--resume needs the options of the first run "
				 "(%s), not %s: give the same --as-of, "
				 "--policy, --lang, --tz, --level, --encrypt "
				 "and --strict",
				 have, want);
			rc = DYD_EUSAGE;
		}
		goto out;
	}
	if (output_file_overwrite(b->outdir_fd, name, want, strlen(want)) !=
	    0) {
		diag_add(b->diags, DYD_ERROR, path, 0, 0, NULL,
			 "cannot write: %s", strerror(errno));
		rc = DYD_EIO;
	}
out:
	free(want);
	free(have);
	free(path);
	return rc;
}

/* --resume: cut a torn last line, count the complete ones, and read the
 * journal of the group that was being committed. */
static int open_resume(struct batch *b)
{
	FILE *j;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	off_t keep = 0, pos = 0;
	int fd;

	fd = open(b->results_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 1 : DYD_EIO;
	b->old = fdopen(fd, "r");
	if (!b->old) {
		close(fd);
		return DYD_ENOMEM;
	}
	while ((n = getline(&line, &cap, b->old)) > 0) {
		pos += n;
		if (line[n - 1] == '\n') {
			keep = pos;
			b->old_remaining++;
		}
	}
	free(line);
	line = NULL;
	if (output_truncate(AT_FDCWD, b->results_path, keep) != 0 ||
	    fseeko(b->old, 0, SEEK_SET) != 0)
		return DYD_EIO;
	fd = openat(b->outdir_fd, b->journal_name, O_RDONLY | O_CLOEXEC);
	j = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (fd >= 0 && !j)
		close(fd);
	while (j && (n = getline(&line, &cap, j)) > 0) {
		cJSON *o = cJSON_ParseWithLength(line, (size_t)n);
		const cJSON *seq = cJSON_GetObjectItemCaseSensitive(o, "seq");
		char *id = member_string(o, "account_id"),
		     *sha = member_string(o, "sha256");
		struct journal_entry *grown = realloc(
		    b->journal, (b->journal_count + 1) * sizeof(*b->journal));
		if (grown && cJSON_IsNumber(seq) && id && sha &&
		    strlen(sha) == SHA256_HEX_SIZE - 1) {
			b->journal = grown;
			grown[b->journal_count].seq =
			    (uint64_t)seq->valuedouble;
			grown[b->journal_count].account_id = id;
			memcpy(grown[b->journal_count].sha256, sha,
			       SHA256_HEX_SIZE);
			b->journal_count++;
			id = NULL;
		} else if (grown) {
			b->journal = grown;
		}
		free(id);
		free(sha);
		cJSON_Delete(o);
	}
	free(line);
	if (j)
		fclose(j);
	return 0;
}

int dyd_batch_run(const char *const *inputs, size_t input_count,
		  const dyd_batch_options *o, dyd_batch_progress *summary,
		  dyd_diags *diags)
{
	struct batch b;
	pthread_t reader, *workers = NULL;
	pthread_condattr_t cattr;
	unsigned jobs = o->jobs, started = 0, i;
	strbuf sb = STRBUF_INIT;
	bool have_results = false;
	int rc = 0;

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
	if (o->shard_count > 1)
		snprintf(b.prefix, sizeof(b.prefix), ".dyd-%u-of-%u",
			 o->shard_index, o->shard_count);
	else
		snprintf(b.prefix, sizeof(b.prefix), ".dyd");
	b.outdir = strdup(o->outdir);
	if (!b.outdir)
		return DYD_ENOMEM;
	if (output_dir_create(AT_FDCWD, b.outdir) != 0) {
		diag_add(diags, DYD_ERROR, b.outdir, 0, 0, NULL,
			 "cannot create the output directory: %s",
			 strerror(errno));
		rc = DYD_EIO;
		goto out;
	}
	b.outdir_fd = output_dir_open(AT_FDCWD, b.outdir);
	if (b.outdir_fd < 0) {
		diag_add(diags, DYD_ERROR, b.outdir, 0, 0, NULL,
			 "cannot open the output directory: %s",
			 strerror(errno));
		rc = DYD_EIO;
		goto out;
	}
	if (o->results)
		strbuf_puts(&sb, o->results);
	else if (o->shard_count > 1)
		strbuf_printf(&sb, "%s/results-%u-of-%u.jsonl", b.outdir,
			      o->shard_index, o->shard_count);
	else
		strbuf_printf(&sb, "%s/results.jsonl", b.outdir);
	b.results_path = strbuf_detach(&sb);
	snprintf(b.journal_name, sizeof(b.journal_name), "%s-journal.jsonl",
		 b.prefix);
	if (!b.results_path) {
		rc = DYD_ENOMEM;
		goto out;
	}
	if (o->resume) {
		rc = open_resume(&b);
		if (rc < 0) {
			diag_add(diags, DYD_ERROR, b.results_path, 0, 0, NULL,
				 "cannot read the results file: %s",
				 strerror(errno));
			goto out;
		}
		have_results = rc == 0;
		rc = 0;
	} else if (access(b.results_path, F_OK) == 0) {
		diag_add(diags, DYD_ERROR, b.results_path, 0, 0, NULL,
			 "exists: add --resume to continue that run, or "
			 "remove it to start again");
		rc = DYD_EUSAGE;
		goto out;
	}
	rc = have_results ? 0 : scan_outdir(&b);
	if (!rc)
		rc = check_signature(&b, have_results);
	if (!rc)
		rc = open_tmpdir(&b);
	if (rc)
		goto out;
	b.results_fd = output_append_open(AT_FDCWD, b.results_path);
	if (b.results_fd < 0) {
		diag_add(diags, DYD_ERROR, b.results_path, 0, 0, NULL,
			 "cannot open the results file: %s", strerror(errno));
		rc = DYD_EIO;
		goto out;
	}
	/* Room for a group being committed and the next being built, so the
	 * workers do not wait on the committer's flushes. A done item holds
	 * no record text, only its names. */
	b.cap = 4 * (uint64_t)jobs + 2 * GROUP_MAX;
	b.ring = calloc(b.cap, sizeof(*b.ring));
	workers = calloc(jobs, sizeof(*workers));
	if (!b.ring || !workers) {
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
	if (pthread_create(&reader, NULL, reader_main, &b) != 0) {
		rc = DYD_ENOMEM;
		goto out_sync;
	}
	for (started = 0; started < jobs; started++)
		if (pthread_create(&workers[started], NULL, worker_main, &b) !=
		    0)
			break;
	if (!started) {
		set_fatal(&b, DYD_ENOMEM, "cannot start worker threads");
	} else {
		committer(&b);
	}
	pthread_mutex_lock(&b.mu);
	b.stop = true;
	wake_all(&b);
	pthread_mutex_unlock(&b.mu);
	pthread_join(reader, NULL);
	for (i = 0; i < started; i++)
		pthread_join(workers[i], NULL);
	for (uint64_t k = b.committed; k < b.filled; k++)
		item_release(&b, &b.ring[k % b.cap]);
	if (b.old_remaining && !b.fatal && o->resume)
		set_fatal(&b, DYD_EUSAGE,
			  "the results file has lines for records the input "
			  "no longer has: resume with the same inputs");
	rc = b.fatal;
	if (!rc)
		/* every group is in the results */
		output_remove(b.outdir_fd, b.journal_name);
	b.progress.seconds = elapsed(&b);
	*summary = b.progress;
	if (o->progress)
		o->progress(summary, o->arg);
	for (i = 0; i < b.fatal_diags.count; i++) {
		const dyd_diag *d = &b.fatal_diags.items[i];
		diag_add(diags, d->severity, d->file, 0, 0, NULL, "%s",
			 d->message);
	}
out_sync:
	pthread_cond_destroy(&b.work_cv);
	pthread_cond_destroy(&b.room_cv);
	pthread_cond_destroy(&b.commit_cv);
	pthread_mutex_destroy(&b.mu);
out:
	dyd_diags_release(&b.fatal_diags);
	if (b.results_fd >= 0)
		close(b.results_fd);
	if (b.old)
		fclose(b.old);
	for (size_t k = 0; k < b.journal_count; k++)
		free(b.journal[k].account_id);
	free(b.journal);
	free(b.ring);
	free(workers);
	free(b.results_path);
	if (b.tmpdir_fd >= 0) {
		close(b.tmpdir_fd);
		/* Empty unless a bundle could not be removed. */
		output_dir_remove(b.outdir_fd, b.tmpdir_name);
	}
	free(b.tmpdir);
	if (b.outdir_fd >= 0)
		close(b.outdir_fd);
	free(b.outdir);
	return rc;
}
