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
 * problem of the input at this place (a line over the limit or with a NUL
 * byte, a run of NUL bytes skipped, a truncated gzip member, a read that
 * failed); the stream goes on after it when it can. So every byte of the
 * input is in a record, in a problem item's place, or in a blank line.
 * Negative when memory ran out, or DYD_ECANCELED when the function given
 * to record_stream_set_cancel() asked to stop. */
int record_stream_next(record_stream *s, stream_item *item, dyd_diags *diags);

/* While the stream waits for input (a pipe) and between its reads, it
 * asks cancelled(arg), from the thread that reads, whether to stop. */
void record_stream_set_cancel(record_stream *s, bool (*cancelled)(void *arg),
			      void *arg);

/* Progress: bytes consumed of the underlying file and its size (0 when
 * unknown). */
void record_stream_progress(const record_stream *s, uint64_t *done,
			    uint64_t *total);

void record_stream_close(record_stream *s);

#endif
