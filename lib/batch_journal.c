/* SPDX-License-Identifier: MIT */
/* The journal file: one JSON line per bundle of the group in hand. */
#include "batch_journal.h"
#include "input.h"
#include "output.h"
#include "strbuf.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int journal_write(int dirfd, const char *name, const journal_entry *entries,
		  size_t n, const char **why)
{
	strbuf sb = STRBUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++)
		strbuf_printf(&sb,
			      "{\"seq\":%llu,\"account_id\":\"%s\","
			      "\"sha256\":\"%s\"}\n",
			      (unsigned long long)entries[i].seq,
			      entries[i].account_id, entries[i].sha256);
	if (sb.failed) {
		strbuf_release(&sb);
		return DYD_ENOMEM;
	}
	if (output_file_overwrite(dirfd, name, sb.data ? sb.data : "", sb.len,
				  why) != 0)
		rc = DYD_EIO;
	strbuf_release(&sb);
	return rc;
}

/* Adds the entry of one line to j; false when the line is not one. */
static bool parse_line(batch_journal *j, const char *line, size_t len)
{
	cJSON *o = cJSON_ParseWithLength(line, len);
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(o, "seq");
	const char *id = cJSON_GetStringValue(
		       cJSON_GetObjectItemCaseSensitive(o, "account_id")),
		   *sha = cJSON_GetStringValue(
		       cJSON_GetObjectItemCaseSensitive(o, "sha256"));
	journal_entry *grown = NULL;
	bool ok = cJSON_IsNumber(seq) && id && sha &&
		  strlen(sha) == SHA256_HEX_SIZE - 1;

	if (ok)
		grown =
		    realloc(j->entries, (j->count + 1) * sizeof(*j->entries));
	if (grown) {
		j->entries = grown;
		grown[j->count].seq = (uint64_t)seq->valuedouble;
		grown[j->count].account_id = strdup(id);
		memcpy(grown[j->count].sha256, sha, SHA256_HEX_SIZE);
		if (grown[j->count].account_id)
			j->count++;
	}
	cJSON_Delete(o);
	return ok;
}

int journal_read(int dirfd, const char *name, batch_journal *j,
		 dyd_diags *diags)
{
	char *data = NULL, *line, *nl;
	struct stat st;
	size_t len;
	int rc;

	memset(j, 0, sizeof(*j));
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 &&
	    errno == ENOENT)
		return 0;
	/* A group's lines: far less than this. */
	rc = input_read_at(dirfd, name, NULL, INPUT_NOFOLLOW | INPUT_REGULAR,
			   1024 * 1024, &data, &len, diags);
	if (rc)
		return rc;
	for (line = data; line < data + len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(data + len - line));
		if (!nl)
			break; /* torn */
		parse_line(j, line, (size_t)(nl - line));
	}
	free(data);
	return 0;
}

const journal_entry *journal_find(const batch_journal *j, uint64_t seq)
{
	size_t i;

	for (i = 0; i < j->count; i++)
		if (j->entries[i].seq == seq)
			return &j->entries[i];
	return NULL;
}

void journal_release(batch_journal *j)
{
	size_t i;

	for (i = 0; i < j->count; i++)
		free(j->entries[i].account_id);
	free(j->entries);
	memset(j, 0, sizeof(*j));
}
