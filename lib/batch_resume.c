/* SPDX-License-Identifier: MIT */
/* Resuming a batch: the options of the first run (its signature), the
 * results lines it wrote and the journal of the group it was committing. */
#include "batch.h"
#include "diag.h"
#include "output.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int batch_check_signature(struct batch *b, bool resuming)
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
int batch_open_resume(struct batch *b)
{
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
	if (output_truncate(AT_FDCWD, b->results_path, keep) != 0 ||
	    fseeko(b->old, 0, SEEK_SET) != 0)
		return DYD_EIO;
	journal_read(b->outdir_fd, b->journal_name, &b->journal);
	return 0;
}

void batch_read_old_line(struct batch *b, old_line *l)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, b->old);

	memset(l, 0, sizeof(*l));
	if (n > 0 && results_parse(line, (size_t)n, l) != 0)
		old_line_release(l);
	free(line);
}
