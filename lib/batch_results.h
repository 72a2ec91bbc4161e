/* SPDX-License-Identifier: MIT */
/* The results file of a batch: one JSON line per record, in input order.
 * Making a line and reading one back; the file itself is written through
 * output.h. */
#ifndef DYD_BATCH_RESULTS_H
#define DYD_BATCH_RESULTS_H

#include "strbuf.h"

#include <stdint.h>
#include <sys/types.h>

/* What a results line says about a record. */
typedef struct results_entry {
	const char *status;	/* "ok" or "error" */
	const char *account_id; /* or NULL */
	const char *source;	/* "file:line", or a file */
	uint64_t bytes;		/* "ok" */
	const char *sha256;	/* "ok" */
	const char *key_sha256; /* "ok": the key it is signed with, or NULL */
	const char *answer;	/* "ok": answer_members() of its decision */
	const char *error;	/* "error" */
} results_entry;

/* Appends the entry's line, newline included: compact JSON, as cJSON
 * prints it (schemas/results.schema.json). "ok" lines name the bundle,
 * ACCOUNT_ID.zip. */
void results_line(strbuf *out, const results_entry *e);

/* A results line of an earlier run, read back for --resume. */
typedef struct old_line {
	char *status, *account_id, *source, *sha256, *error;
	uint64_t bytes;
	/* Where in the file the line starts, and its sha256's 64 digits
	 * within it (0 when it has none). */
	off_t at;
	size_t sha256_at;
} old_line;

/* Parses one line; 0, or -1 when it is not a results line (or memory ran
 * out): l then holds what could be read, for old_line_release(). */
int results_parse(const char *line, size_t len, old_line *l);
void old_line_release(old_line *l);

#endif
