/* SPDX-License-Identifier: MIT */
/* The batch's worker threads: each takes the next record of the ring and
 * exports it (dyd_export_record) into a temporary bundle, or finds why
 * not. */
#include "account.h"
#include "batch.h"
#include "input.h"
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* Whether OUTDIR has a sound bundle for the id; fills sha256 and bytes.
 * Only a regular file is read: a FIFO or a link planted under the name
 * is not sound, and is replaced. Sound is as dyd verify has it, with the
 * run's password, and when the run signs, with a valid signature by its
 * key: a bundle signed by another key, or unsigned, is made again. */
static bool existing_bundle(struct batch *b, const char *id, batch_item *it)
{
	dyd_verify_options vopt = DYD_VERIFY_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;
	char *name = batch_bundle_name(id), *data = NULL;
	size_t len = 0;
	bool ok = false;
	struct stat st;

	vopt.password = b->opt->bundle.password;
	vopt.trust = b->trust;
	if (!name)
		return false;
	if (fstatat(b->outdir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		free(name);
		return false;
	}
	it->replace = true; /* there, but maybe not sound */
	if (input_read_at(b->outdir_fd, name, NULL,
			  INPUT_NOFOLLOW | INPUT_REGULAR, DYD_MAX_BUNDLE_BYTES,
			  &data, &len, &diags) == 0 &&
	    dyd_bundle_verify_ext(data, len, &vopt, NULL, &diags) == 0 &&
	    sha256_hex(data, len, it->sha256) == 0) {
		it->bytes = len;
		ok = true;
	}
	free(data);
	free(name);
	dyd_diags_release(&diags);
	return ok;
}

/* The export asks, once it knows the account id, whether to build. */
struct wanted_arg {
	struct batch *b;
	batch_item *it;
};

static bool wanted(const char *account_id, void *arg)
{
	struct wanted_arg *w = arg;
	const dyd_batch_options *o = w->b->opt;

	if (o->shard_count > 1 &&
	    dyd_shard_of(account_id, o->shard_count) != o->shard_index) {
		w->it->outcome = OUT_NOT_MINE;
		return false;
	}
	/* A fresh run starts with no bundle in OUTDIR (it refuses one that
	 * has some), so only a resumed run can find one it need not make
	 * again; a duplicate id of this run is caught at commit. */
	if (o->resume && existing_bundle(w->b, account_id, w->it)) {
		w->it->outcome = OUT_EXISTS;
		return false;
	}
	return true;
}

static void work(struct batch *b, batch_item *it)
{
	const dyd_batch_options *o = b->opt;
	dyd_export_options eopt = DYD_EXPORT_OPTIONS_INIT;
	struct wanted_arg warg = {b, it};
	dyd_export_result res = {0};
	dyd_diags diags = DYD_DIAGS_INIT;
	int rc;

	it->outcome = OUT_ERROR;
	if (it->in.error) {
		strbuf msg = STRBUF_INIT;
		strbuf_printf(&msg, "%s: %s", it->in.where, it->in.error);
		it->error = strbuf_detach(&msg);
		goto shard;
	}
	eopt.record = o->record;
	eopt.record.format = it->in.format;
	eopt.bundle = o->bundle;
	eopt.as_of = o->as_of;
	eopt.wanted = wanted;
	eopt.arg = &warg;
	eopt.answer = true;
	/* Diagnostics name the file; lines are shifted to the file's. */
	rc = dyd_export_record(&res, it->in.data, it->in.len, it->in.file,
			       o->policy, &eopt, &diags);
	if (rc == DYD_ENOMEM)
		goto nomem;
	it->account_id = res.account_id;
	res.account_id = NULL;
	it->answer = res.answer;
	res.answer = NULL;
	if (rc) {
		it->error = describe(&it->in, &diags);
		if (!it->account_id)
			it->account_id = peek_account_id(&it->in);
		goto shard;
	}
	if (!res.zip)
		goto out; /* not this shard's, or already there */
	/* Flushed with the rest of its group, by one syncfs. */
	if (output_temp_write(b->tmpdir_fd, BATCH_TMP_PREFIX, res.zip,
			      res.zip_len, false, &it->tmp) != 0) {
		if (errno == ENOMEM)
			goto nomem;
		batch_set_fatal(b, DYD_EIO, "cannot write a bundle in '%s': %s",
				b->outdir, strerror(errno));
		goto out;
	}
	it->bytes = res.zip_len;
	if (sha256_hex(res.zip, res.zip_len, it->sha256))
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
	batch_set_fatal(b, DYD_ENOMEM, "out of memory");
out:
	dyd_export_result_release(&res);
	dyd_diags_release(&diags);
	free(it->in.data);
	it->in.data = NULL;
}

/* How many records from the next to commit on are done, up to a group. */
uint64_t batch_ready_run(const struct batch *b)
{
	uint64_t n = 0;

	while (n < GROUP_MAX && b->committed + n < b->filled &&
	       b->ring[(b->committed + n) % b->cap].done)
		n++;
	return n;
}

/* Whether the committer, waiting for a group to fill up, can go. */
bool batch_group_ready(const struct batch *b)
{
	uint64_t n = batch_ready_run(b);

	return n >= GROUP_MAX ||
	       (b->input_done && b->committed + n == b->filled);
}

void *batch_worker_main(void *arg)
{
	struct batch *b = arg;
	batch_item *it;

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
		/* The record's text is gone: room for the reader. */
		b->ahead_bytes -= it->held;
		it->held = 0;
		pthread_cond_signal(&b->room_cv);
		if (it == &b->ring[b->committed % b->cap] ||
		    batch_group_ready(b))
			pthread_cond_signal(&b->commit_cv);
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}
