/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the batch readers (JSON Lines, gzip, YAML streams).
 * The input becomes a file the reader opens by name, so gzip and format
 * sniffing run as they do on real inputs. */
#define _GNU_SOURCE
#include "stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	record_stream *s = NULL;
	stream_item item;
	char path[64];
	int fd = memfd_create("fuzz", 0), r;
	size_t records = 0;

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (record_stream_open(&s, path, &diags) == 0) {
		while ((r = record_stream_next(s, &item, &diags)) > 0) {
			/* Every item is a record or a located problem. */
			if ((!item.data) == (!item.error) || !item.where)
				abort();
			if (item.len > DYD_MAX_INPUT_BYTES)
				abort();
			stream_item_release(&item);
			records++;
		}
		/* Plain input cannot hold more records than lines; gzip can
		 * (a small input may inflate to many lines). */
		if (size >= 2 && !(data[0] == 0x1f && data[1] == 0x8b) &&
		    records > size + 1)
			abort();
	}
	record_stream_close(s);
	dyd_diags_release(&diags);
	close(fd);
	return 0;
}
