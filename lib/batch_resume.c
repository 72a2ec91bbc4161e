/* SPDX-License-Identifier: MIT */
/* Resuming a batch: the options of the first run (its signature), the
 * results lines it wrote and the journal of the group it was committing. */
#include "batch.h"
#include "diag.h"
#include "input.h"
#include "output.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The size of the reads of the earlier results. */
#define OLD_CHUNK (64 * 1024)

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
	/* The signing key, when there is one: a run signed with another
	 * key (or not at all) would make other bundles. Absent when not
	 * signing, so that unsigned runs keep their signature. */
	if (ok && o->bundle.sign_key)
		ok = cJSON_AddStringToObject(
		    root, "key_sha256",
		    dyd_signing_key_fingerprint(o->bundle.sign_key));
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

/* The option behind each member of the signature. */
static const char *option_of(const char *key)
{
	static const char *const names[][2] = {
	    {"as_of", "--as-of"},   {"policy_sha256", "--policy"},
	    {"lang", "--lang"},	    {"tz", "--tz"},
	    {"level", "--level"},   {"encrypt", "--encrypt"},
	    {"strict", "--strict"}, {"key_sha256", "--sign-key"},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i][0], key) == 0)
			return names[i][1];
	return key;
}

/* A member's value as a message shows it: a string bare, else JSON. */
static void show_value(strbuf *sb, const cJSON *v)
{
	char *text;

	if (!v) {
		strbuf_puts(sb, "(none)");
	} else if (cJSON_IsString(v)) {
		strbuf_puts(sb, v->valuestring);
	} else if ((text = cJSON_PrintUnformatted(v))) {
		strbuf_puts(sb, text);
		cJSON_free(text);
	}
}

/* Adds "OPTION was X, is Y" to sb for key when the two differ. */
static void add_difference(strbuf *sb, const char *key, const cJSON *had,
			   const cJSON *wants)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(had, key),
		    *b = cJSON_GetObjectItemCaseSensitive(wants, key);

	if (a && b && cJSON_Compare(a, b, true))
		return;
	if (sb->len)
		strbuf_puts(sb, "; ");
	strbuf_printf(sb, "%s was ", option_of(key));
	show_value(sb, a);
	strbuf_puts(sb, ", is ");
	show_value(sb, b);
}

/* The one-line refusal of a resume with other options: each option that
 * differs, with the first run's value and this one's. */
static int signature_mismatch(struct batch *b, const char *have,
			      const char *want)
{
	cJSON *had = cJSON_Parse(have), *wants = cJSON_Parse(want);
	const cJSON *m;
	strbuf sb = STRBUF_INIT;

	for (m = had ? had->child : NULL; m; m = m->next)
		add_difference(&sb, m->string, had, wants);
	for (m = wants ? wants->child : NULL; m; m = m->next)
		if (!cJSON_GetObjectItemCaseSensitive(had, m->string))
			add_difference(&sb, m->string, had, wants);
	if (!had)
		strbuf_puts(&sb, "the first run's options do not read");
	cJSON_Delete(had);
	cJSON_Delete(wants);
	if (sb.failed) {
		strbuf_release(&sb);
		return DYD_ENOMEM;
	}
	diag_add(b->diags, DYD_ERROR, b->outdir, 0, 0, NULL,
		 "--resume needs the options of the first run: %s; give the "
		 "first run's",
		 sb.data ? sb.data : "they differ");
	strbuf_release(&sb);
	return DYD_EUSAGE;
}

int batch_check_signature(struct batch *b, bool resuming)
{
	char *want = run_signature(b), *have = NULL, *path = NULL;
	strbuf sb = STRBUF_INIT;
	const char *why;
	char name[80];
	struct stat st;
	size_t len;
	int rc = 0;

	snprintf(name, sizeof(name), "%s-run.json", b->prefix);
	strbuf_printf(&sb, "%s/%s", b->outdir, name);
	path = strbuf_detach(&sb);
	if (!want || !path) {
		rc = DYD_ENOMEM;
		goto out;
	}
	/* An earlier run's, unless there is none (a first run's, stopped
	 * before it was written: this one writes it). */
	if (resuming &&
	    (fstatat(b->outdir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
	     errno != ENOENT)) {
		rc = input_read_at(b->outdir_fd, name, path,
				   INPUT_NOFOLLOW | INPUT_REGULAR, 65536, &have,
				   &len, b->diags);
		if (!rc && strcmp(have, want) != 0)
			rc = signature_mismatch(b, have, want);
		goto out;
	}
	if (output_file_overwrite(b->outdir_fd, name, want, strlen(want),
				  &why) != 0) {
		diag_add(b->diags, DYD_ERROR, path, 0, 0, NULL,
			 "cannot write: %s", why ? why : strerror(errno));
		rc = DYD_EIO;
	}
out:
	free(want);
	free(have);
	free(path);
	return rc;
}

/* Fills the reader's buffer from the file: the bytes after pos. 1, 0 at
 * the end, -1 on a read error. */
static int old_fill(struct batch *b)
{
	old_reader *r = &b->old;
	ssize_t n;

	if (r->at < r->have)
		return 1;
	do
		n = pread(b->results_fd, r->buf, OLD_CHUNK, r->pos);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n < 0 ? -1 : 0;
	r->pos += n;
	r->have = (size_t)n;
	r->at = 0;
	return 1;
}

/* The next line of the earlier run's results, newline included; false
 * at the end of the file (or a line without its newline there). */
static bool old_line_read(struct batch *b, strbuf *line)
{
	old_reader *r = &b->old;
	int got;

	strbuf_truncate(line, 0);
	while ((got = old_fill(b)) > 0) {
		char *nl = memchr(r->buf + r->at, '\n', r->have - r->at);
		size_t n =
		    nl ? (size_t)(nl - (r->buf + r->at)) + 1 : r->have - r->at;
		strbuf_append(line, r->buf + r->at, n);
		r->at += n;
		if (nl)
			return !line->failed;
	}
	return false;
}

/* --resume: open the results file, cut a torn last line, count the
 * complete ones, and read the journal of the group that was being
 * committed. */
int batch_open_resume(struct batch *b)
{
	strbuf line = STRBUF_INIT;
	const char *why;
	off_t keep = 0;

	b->results_fd = output_file_open(b->results_dirfd, b->results_name,
					 OUTPUT_APPEND, &why);
	if (b->results_fd < 0 && errno == ENOENT && !why)
		return 1;
	if (b->results_fd < 0) {
		diag_add(b->diags, DYD_ERROR, b->results_path, 0, 0, NULL,
			 "cannot open the results file: %s",
			 why ? why : strerror(errno));
		return DYD_EIO;
	}
	b->old.buf = malloc(OLD_CHUNK);
	if (!b->old.buf)
		return DYD_ENOMEM;
	while (old_line_read(b, &line)) {
		keep += (off_t)line.len;
		b->old_remaining++;
	}
	strbuf_release(&line);
	if (line.failed)
		return DYD_ENOMEM;
	if (output_fd_truncate(b->results_fd, keep) != 0) {
		diag_add(b->diags, DYD_ERROR, b->results_path, 0, 0, NULL,
			 "cannot cut the results file to its last whole line: "
			 "%s",
			 strerror(errno));
		return DYD_EIO;
	}
	b->old.have = b->old.at = 0;
	b->old.pos = 0;
	return journal_read(b->outdir_fd, b->journal_name, &b->journal,
			    b->diags);
}

void batch_read_old_line(struct batch *b, old_line *l)
{
	strbuf line = STRBUF_INIT;
	off_t at = b->old.pos - (off_t)(b->old.have - b->old.at);

	memset(l, 0, sizeof(*l));
	if (old_line_read(b, &line) &&
	    results_parse(line.data, line.len, l) != 0)
		old_line_release(l);
	l->at = at;
	strbuf_release(&line);
}
