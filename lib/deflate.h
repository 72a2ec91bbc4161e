/* SPDX-License-Identifier: MIT */
/* Bundle entries deflated whole with libdeflate, and handed to libzip as
 * they are: libzip writes the ZIP, libdeflate the deflate streams. */
#ifndef DYD_DEFLATE_H
#define DYD_DEFLATE_H

#include <stddef.h>
#include <stdint.h>
#include <zip.h>

/* One entry's bytes as a raw DEFLATE stream (RFC 1951), with what its ZIP
 * headers say of them. pos and error belong to deflated_source(). */
typedef struct {
	unsigned char *data; /* the deflated bytes, owned */
	size_t size;
	size_t raw_size; /* bytes before deflating */
	uint32_t crc;	 /* CRC-32 of those bytes */
	int level;	 /* dyd's level they were deflated at, 1..9 */
	zip_uint64_t pos;
	zip_error_t error;
} deflated;

typedef struct deflater deflater;

/* A compressor for dyd's level 1..9, for one thread at a time. 0, or
 * DYD_ENOMEM. */
int deflater_new(deflater **out, int level);
void deflater_free(deflater *d);

/* The libdeflate level that dyd's level (1..9) is compressed at. */
int deflater_libdeflate_level(int level);

/* Deflates len bytes at in into *out, released with deflated_release()
 * even on failure. 0, DYD_ENOMEM, or DYD_EIO if libdeflate wrote no
 * stream (it always can: the buffer is its own bound). */
int deflater_run(deflater *d, const void *in, size_t len, deflated *out);
void deflated_release(deflated *e);

/* A libzip source of e's bytes whose stat says ZIP_CM_DEFLATE, with e's
 * CRC-32 and both sizes: zip_close() then copies them as they are (and
 * encrypts them, for an entry to be encrypted) instead of compressing
 * again. Borrows e, which must outlive the archive. NULL, with za's error
 * set, when out of memory. */
zip_source_t *deflated_source(zip_t *za, deflated *e);

#endif
