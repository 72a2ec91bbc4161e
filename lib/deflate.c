/* SPDX-License-Identifier: MIT */
#include "deflate.h"

#include "dyd.h"

#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

struct deflater {
	struct libdeflate_compressor *c;
	int level;
};

/* For each of dyd's levels, the fastest libdeflate level whose bundles are
 * no larger, in total, than zlib's at that level were in dyd 0.1 (measured
 * on testdata/records and on generated small, typical and heavy records:
 * bench/compare_sizes.sh). libdeflate's levels 5 and 6 lose a few bytes
 * to zlib's on report.html when the record is small, so 5 and 6 take one
 * level more; every level is still faster than zlib's was. */
int deflater_libdeflate_level(int level)
{
	static const int libdeflate_level[10] = {0, 1, 2, 3, 4, 6, 7, 7, 8, 9};

	return level >= 1 && level <= 9 ? libdeflate_level[level] : 6;
}

int deflater_new(deflater **out, int level)
{
	deflater *d = malloc(sizeof(*d));

	*out = NULL;
	if (!d)
		return DYD_ENOMEM;
	/* libdeflate allocates with malloc(); NULL here is out of memory,
	 * the level being always valid. */
	d->c = libdeflate_alloc_compressor(deflater_libdeflate_level(level));
	if (!d->c) {
		free(d);
		return DYD_ENOMEM;
	}
	d->level = level;
	*out = d;
	return 0;
}

void deflater_free(deflater *d)
{
	if (!d)
		return;
	libdeflate_free_compressor(d->c);
	free(d);
}

int deflater_run(deflater *d, const void *in, size_t len, deflated *out)
{
	size_t bound = libdeflate_deflate_compress_bound(d->c, len);

	memset(out, 0, sizeof(*out));
	zip_error_init(&out->error);
	out->data = malloc(bound);
	if (!out->data)
		return DYD_ENOMEM;
	out->size =
	    libdeflate_deflate_compress(d->c, in, len, out->data, bound);
	if (!out->size)
		return DYD_EIO;
	out->raw_size = len;
	out->crc = (uint32_t)libdeflate_crc32(0, in, len);
	out->level = d->level;
	return 0;
}

void deflated_release(deflated *e)
{
	free(e->data);
	e->data = NULL;
	zip_error_fini(&e->error);
}

/* General purpose bits 1 and 2 of a deflated entry (APPNOTE 4.4.4): the
 * option it was compressed with, set from the level as libzip's own
 * deflate sets them, so that the headers are those of dyd 0.1. */
#define DEFLATE_OPTION_BITS 0x0006u

static zip_uint16_t option_bits(int level)
{
	if (level < 3)
		return 2 << 1; /* fast */
	if (level > 7)
		return 1 << 1; /* maximum */
	return 0;
}

static zip_int64_t source_stat(deflated *e, void *data, zip_uint64_t len)
{
	zip_stat_t *st = data;

	if (len < sizeof(*st)) {
		zip_error_set(&e->error, ZIP_ER_INVAL, 0);
		return -1;
	}
	st->size = e->raw_size;
	st->comp_size = e->size;
	st->crc = e->crc;
	st->comp_method = ZIP_CM_DEFLATE;
	st->encryption_method = ZIP_EM_NONE;
	st->valid |= ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_CRC |
		     ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
	return 0;
}

static zip_int64_t source_attributes(deflated *e, void *data, zip_uint64_t len)
{
	zip_file_attributes_t *a = data;

	if (len < sizeof(*a)) {
		zip_error_set(&e->error, ZIP_ER_INVAL, 0);
		return -1;
	}
	a->valid |= ZIP_FILE_ATTRIBUTES_VERSION_NEEDED |
		    ZIP_FILE_ATTRIBUTES_GENERAL_PURPOSE_BIT_FLAGS;
	a->version_needed = 20; /* deflate (APPNOTE 4.4.3.2) */
	a->general_purpose_bit_mask = DEFLATE_OPTION_BITS;
	a->general_purpose_bit_flags = option_bits(e->level);
	return 0;
}

/* A read-only source (zip_source_function(3)). With no ZIP_SOURCE_SEEK,
 * libzip reads it once from the start, which is all zip_close() needs. */
static zip_int64_t source_callback(void *ud, void *data, zip_uint64_t len,
				   zip_source_cmd_t cmd)
{
	deflated *e = ud;
	zip_uint64_t n;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		e->pos = 0;
		return 0;
	case ZIP_SOURCE_READ:
		n = e->size - e->pos;
		if (n > len)
			n = len;
		memcpy(data, e->data + e->pos, n);
		e->pos += n;
		return (zip_int64_t)n;
	case ZIP_SOURCE_CLOSE:
	case ZIP_SOURCE_FREE: /* e is the caller's */
		return 0;
	case ZIP_SOURCE_STAT:
		return source_stat(e, data, len);
	case ZIP_SOURCE_GET_FILE_ATTRIBUTES:
		return source_attributes(e, data, len);
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&e->error, data, len);
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(
		    ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
		    ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
		    ZIP_SOURCE_GET_FILE_ATTRIBUTES, -1);
	default:
		zip_error_set(&e->error, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

zip_source_t *deflated_source(zip_t *za, deflated *e)
{
	return zip_source_function(za, source_callback, e);
}
