/* SPDX-License-Identifier: MIT */
/* Record streams for batch exports: JSON Lines (plain or gzip), YAML
 * multi-document streams, and directories of record files, read one
 * record at a time so memory does not grow with the input. */
#ifndef DYD_STREAM_H
#define DYD_STREAM_H

#include "dyd.h"

#include <stdint.h>

typedef struct stream_item {
	char *data; /* one record's bytes (malloc'd), or NULL with error */
	size_t len;
	dyd_format format;
	char *where; /* "file:line" or the file's path (malloc'd) */
	char *file;  /* the file alone, for positions inside the record */
	unsigned line_offset; /* lines before the record in its file */
	char *error;	      /* a problem of the input at this place */
} stream_item;

void stream_item_release(stream_item *item);

typedef struct record_stream record_stream;

/* Opens path ("-": standard input). */
int record_stream_open(record_stream **out, const char *path, dyd_diags *diags);

/* 1 with an item, 0 at the end. An item with .error set reports a
 * problem of the input there (a line over the limit, a truncated gzip
 * member); the stream goes on after it when it can. Negative on a
 * failure to read at all, with a diagnostic. */
int record_stream_next(record_stream *s, stream_item *item, dyd_diags *diags);

/* Progress: bytes consumed of the underlying file and its size (0 when
 * unknown). */
void record_stream_progress(const record_stream *s, uint64_t *done,
			    uint64_t *total);

void record_stream_close(record_stream *s);

#endif
