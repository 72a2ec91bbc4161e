/* SPDX-License-Identifier: MIT */
/* deflate.c: bundle entries deflated by libdeflate and handed to libzip as
 * they are. What must hold for every input and level: the stream is raw
 * DEFLATE that zlib inflates back to the same bytes, ending exactly at its
 * size; the CRC-32 and sizes are those of the bytes; libzip copies the
 * stream into the ZIP unchanged (encrypted or not) with the headers of a
 * deflated entry, and reads it back; running out of memory is
 * DYD_ENOMEM with nothing held. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libdeflate.h>
#include <zlib.h>

#include "deflate.h"
#include "dyd.h"
#include "failalloc.h"
#include "testutil.h"
#include "zipmem.h"

#define LEVELS 9

/* Inputs of each kind a bundle holds or could: none, tiny, text that
 * repeats (HTML), bytes that do not compress, and one larger than
 * libdeflate's block size. */
struct input {
	const char *what;
	unsigned char *data;
	size_t len;
	bool random; /* does not compress */
};

static struct input inputs[5];

static unsigned char *filled(size_t len, int kind)
{
	unsigned char *p = malloc(len ? len : 1);
	uint32_t x = 2463534242u;
	size_t i;

	if (!p)
		fail_msg("out of memory");
	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = kind ? (unsigned char)x
			    : (unsigned char)("<td>account</td>\n"[i % 17]);
	}
	return p;
}

static int setup(void **state)
{
	(void)state;
	inputs[0] = (struct input){"empty", filled(0, 0), 0, false};
	inputs[1] = (struct input){"one byte", filled(1, 0), 1, false};
	inputs[2] = (struct input){"markup", filled(100000, 0), 100000, false};
	inputs[3] = (struct input){"random", filled(70000, 1), 70000, true};
	inputs[4] =
	    (struct input){"large", filled(3u << 20, 0), 3u << 20, false};
	return 0;
}

static int teardown(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
		free(inputs[i].data);
	return 0;
}

/* zlib's raw inflate of e: the same bytes as in, and the stream ends at
 * exactly e->size (a reader that trusts the header's compressed size
 * must find the end there). */
static void assert_inflates_to(const deflated *e, const struct input *in)
{
	unsigned char *out = malloc(in->len + 1);
	z_stream z;
	int rc;

	assert_non_null(out);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, -15), Z_OK);
	z.next_in = e->data;
	z.avail_in = (uInt)e->size;
	z.next_out = out;
	z.avail_out = (uInt)in->len + 1;
	rc = inflate(&z, Z_FINISH);
	if (rc != Z_STREAM_END)
		fail_msg("%s at level %d: inflate says %d", in->what, e->level,
			 rc);
	assert_int_equal(z.avail_in, 0);
	assert_int_equal(z.total_out, in->len);
	if (in->len)
		assert_memory_equal(out, in->data, in->len);
	inflateEnd(&z);
	free(out);
}

static void test_streams_inflate_back_at_every_level(void **state)
{
	deflater *d;
	deflated e;
	size_t i;
	int level;

	(void)state;
	for (level = 1; level <= LEVELS; level++) {
		assert_int_equal(deflater_new(&d, level), 0);
		for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
			const struct input *in = &inputs[i];
			assert_int_equal(deflater_run(d, in->data, in->len, &e),
					 0);
			assert_int_equal(e.raw_size, in->len);
			assert_int_equal(e.level, level);
			assert_int_equal(e.crc,
					 crc32(0, in->data, (uInt)in->len));
			assert_inflates_to(&e, in);
			/* Markup shrinks; random bytes grow by a few
			 * stored-block headers at most. */
			if (in->len >= 100000 && !in->random)
				assert_true(e.size < in->len / 10);
			assert_true(e.size <= in->len + in->len / 1000 + 16);
			deflated_release(&e);
		}
		deflater_free(d);
	}
	deflater_free(NULL);
}

/* The same bytes at the same level give the same stream, whichever
 * compressor of that level makes it: bundles are reproducible. */
static void test_streams_are_deterministic(void **state)
{
	deflater *a, *b;
	deflated x, y;
	int level;

	(void)state;
	for (level = 1; level <= LEVELS; level++) {
		assert_int_equal(deflater_new(&a, level), 0);
		assert_int_equal(deflater_new(&b, level), 0);
		assert_int_equal(
		    deflater_run(a, inputs[2].data, inputs[2].len, &x), 0);
		deflated_release(&x);
		assert_int_equal(
		    deflater_run(a, inputs[2].data, inputs[2].len, &x), 0);
		assert_int_equal(
		    deflater_run(b, inputs[2].data, inputs[2].len, &y), 0);
		assert_int_equal(x.size, y.size);
		assert_memory_equal(x.data, y.data, x.size);
		deflated_release(&x);
		deflated_release(&y);
		deflater_free(a);
		deflater_free(b);
	}
}

/* dyd's levels keep their order in libdeflate's, stay in its range, and
 * a higher level never gives a larger stream for markup; a level out of
 * dyd's range (which bundle.c refuses first) still names one of
 * libdeflate's. */
static void test_levels_keep_their_order(void **state)
{
	static const int outside[] = {-1, 0, LEVELS + 1, 100};
	size_t last_size = SIZE_MAX, k;
	deflater *d;
	deflated e;
	int level, prev = 0, l;

	(void)state;
	for (level = 1; level <= LEVELS; level++) {
		l = deflater_libdeflate_level(level);
		assert_true(l >= 1 && l <= 12);
		assert_true(l >= prev);
		prev = l;
		assert_int_equal(deflater_new(&d, level), 0);
		assert_int_equal(
		    deflater_run(d, inputs[2].data, inputs[2].len, &e), 0);
		assert_true(e.size <= last_size);
		last_size = e.size;
		deflated_release(&e);
		deflater_free(d);
	}
	for (k = 0; k < sizeof(outside) / sizeof(outside[0]); k++) {
		l = deflater_libdeflate_level(outside[k]);
		assert_true(l >= 1 && l <= 12);
	}
}

/* The general purpose bits 1-2 of the local header (APPNOTE 4.4.4) that
 * libzip's own deflate would write for the level. */
static unsigned expected_bits(int level)
{
	return level < 3 ? 4u : level > 7 ? 2u : 0u;
}

/* A ZIP of one entry, name "e", made from the deflated source. */
static void *zip_one(deflated *e, const char *password, size_t *len)
{
	zip_error_t ze;
	zip_source_t *buf, *src;
	zip_stat_t st;
	zip_t *za;
	zip_int64_t idx;
	void *out;

	zip_error_init(&ze);
	buf = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(buf);
	zip_source_keep(buf);
	za = zip_open_memory(buf, ZIP_TRUNCATE, &ze);
	assert_non_null(za);
	src = deflated_source(za, e);
	assert_non_null(src);
	idx = zip_file_add(za, "e", src, 0);
	assert_true(idx >= 0);
	if (password)
		assert_int_equal(zip_file_set_encryption(za, (zip_uint64_t)idx,
							 ZIP_EM_AES_256,
							 password),
				 0);
	assert_int_equal(zip_close(za), 0);
	assert_int_equal(zip_source_stat(buf, &st), 0);
	*len = (size_t)st.size;
	out = malloc(*len);
	assert_non_null(out);
	assert_int_equal(zip_source_open(buf), 0);
	assert_int_equal(zip_source_read(buf, out, *len), (zip_int64_t)*len);
	zip_source_close(buf);
	zip_source_free(buf);
	zip_error_fini(&ze);
	return out;
}

/* What libzip reads back from the ZIP: the entry's bytes, its method,
 * CRC-32 and sizes. */
static void assert_reads_back(void *zip, size_t len, const deflated *e,
			      const struct input *in, const char *password)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_stat_t st;
	zip_file_t *f;
	zip_t *za;
	unsigned char *got = malloc(in->len + 1);

	assert_non_null(got);
	zip_error_init(&ze);
	src = zip_source_buffer_create(zip, len, 0, &ze);
	za = zip_open_memory(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	assert_non_null(za);
	assert_int_equal(zip_stat(za, "e", 0, &st), 0);
	assert_int_equal(st.comp_method, ZIP_CM_DEFLATE);
	assert_int_equal(st.size, in->len);
	/* AE-2 entries carry a CRC of 0 (the AES MAC stands for it), and
	 * their compressed size counts the salt and the MAC. */
	if (!password) {
		assert_int_equal(st.crc, e->crc);
		assert_int_equal(st.comp_size, e->size);
	}
	f = password ? zip_fopen_encrypted(za, "e", 0, password)
		     : zip_fopen(za, "e", 0);
	assert_non_null(f);
	assert_int_equal(zip_fread(f, got, in->len + 1), (zip_int64_t)in->len);
	assert_memory_equal(got, in->data, in->len);
	zip_fclose(f);
	zip_discard(za);
	zip_error_fini(&ze);
	free(got);
}

static void test_libzip_copies_the_stream(void **state)
{
	static const int levels[] = {1, 2, 3, 6, 7, 8, 9};
	const struct input *in = &inputs[2];
	unsigned char *zip, *local;
	deflater *d;
	deflated e;
	size_t len, k;

	(void)state;
	for (k = 0; k < sizeof(levels) / sizeof(levels[0]); k++) {
		assert_int_equal(deflater_new(&d, levels[k]), 0);
		assert_int_equal(deflater_run(d, in->data, in->len, &e), 0);
		zip = zip_one(&e, NULL, &len);
		/* The local header comes first: signature, version needed
		 * (20: deflate), flags, method 8, ..., then the name and
		 * the stream exactly as libdeflate made it. */
		local = zip;
		assert_memory_equal(local, "PK\3\4", 4);
		assert_int_equal(local[4] | local[5] << 8, 20);
		assert_int_equal((local[6] | local[7] << 8) & 0x0006u,
				 expected_bits(levels[k]));
		assert_int_equal(local[8] | local[9] << 8, 8);
		assert_true(len > 30 + 1 + e.size);
		assert_memory_equal(local + 30 + 1, e.data, e.size);
		assert_reads_back(zip, len, &e, in, NULL);
		free(zip);
		deflated_release(&e);
		deflater_free(d);
	}
}

/* An encrypted entry: AES over the same deflated stream, read back with
 * the password. */
static void test_encrypted_entries_read_back(void **state)
{
	deflater *d;
	deflated e;
	void *zip;
	size_t len, i;

	(void)state;
	assert_true(dyd_bundle_encryption_supported());
	assert_int_equal(deflater_new(&d, 6), 0);
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		if (inputs[i].len > 200000)
			continue;
		assert_int_equal(
		    deflater_run(d, inputs[i].data, inputs[i].len, &e), 0);
		zip = zip_one(&e, "correct horse", &len);
		assert_reads_back(zip, len, &e, &inputs[i], "correct horse");
		free(zip);
		deflated_release(&e);
	}
	deflater_free(d);
}

/* The source libzip is given: it reads as the stream, says what its
 * stat must say, and refuses what it does not support. */
static void test_the_source_alone(void **state)
{
	const struct input *in = &inputs[2];
	unsigned char buf[4096], *all;
	zip_error_t ze;
	zip_source_t *mem, *src;
	zip_stat_t st;
	zip_t *za;
	deflater *d;
	deflated e;
	zip_int64_t n;
	size_t got = 0;

	(void)state;
	assert_int_equal(deflater_new(&d, 9), 0);
	assert_int_equal(deflater_run(d, in->data, in->len, &e), 0);
	zip_error_init(&ze);
	mem = zip_source_buffer_create(NULL, 0, 0, &ze);
	za = zip_open_memory(mem, ZIP_TRUNCATE, &ze);
	assert_non_null(za);
	src = deflated_source(za, &e);
	assert_non_null(src);
	zip_stat_init(&st);
	assert_int_equal(zip_source_stat(src, &st), 0);
	assert_int_equal(st.comp_method, ZIP_CM_DEFLATE);
	assert_int_equal(st.encryption_method, ZIP_EM_NONE);
	assert_int_equal(st.size, in->len);
	assert_int_equal(st.comp_size, e.size);
	assert_int_equal(st.crc, e.crc);
	all = malloc(e.size);
	assert_non_null(all);
	/* Read twice: each open starts again from the first byte. */
	for (int round = 0; round < 2; round++) {
		got = 0;
		assert_int_equal(zip_source_open(src), 0);
		while ((n = zip_source_read(src, buf, sizeof(buf))) > 0) {
			assert_true(got + (size_t)n <= e.size);
			memcpy(all + got, buf, (size_t)n);
			got += (size_t)n;
		}
		assert_int_equal(n, 0);
		assert_int_equal(zip_source_close(src), 0);
		assert_int_equal(got, e.size);
		assert_memory_equal(all, e.data, e.size);
	}
	free(all);
	zip_source_free(src);
	zip_discard(za);
	zip_error_fini(&ze);
	deflated_release(&e);
	deflater_free(d);
}

static long lib_countdown = -1;

static void *lib_malloc(size_t size)
{
	if (lib_countdown >= 0 && lib_countdown-- == 0)
		return NULL;
	return __real_malloc(size);
}

static void lib_free(void *p)
{
	free(p);
}

/* Every allocation, dyd's and libdeflate's, failing in turn: DYD_ENOMEM
 * each time, nothing held (the leak checks of the asan and valgrind
 * runs), and a stream that inflates back whenever it succeeds. */
static void test_out_of_memory(void **state)
{
	const struct input *in = &inputs[2];
	deflater *d;
	deflated e;
	long i;
	int rc;

	(void)state;
	libdeflate_set_memory_allocator(lib_malloc, lib_free);
	for (i = 0;; i++) {
		fail_after(i);
		rc = deflater_new(&d, 6);
		fail_never();
		if (rc == 0)
			break;
		assert_int_equal(rc, DYD_ENOMEM);
		assert_null(d);
	}
	assert_true(i >= 1); /* the deflater itself */
	deflater_free(d);
	for (i = 0;; i++) {
		lib_countdown = i;
		rc = deflater_new(&d, 6);
		lib_countdown = -1;
		if (rc == 0)
			break;
		assert_int_equal(rc, DYD_ENOMEM);
		assert_null(d);
	}
	assert_true(i >= 1); /* libdeflate's compressor */
	for (i = 0;; i++) {
		fail_after(i);
		rc = deflater_run(d, in->data, in->len, &e);
		fail_never();
		if (rc == 0)
			break;
		assert_int_equal(rc, DYD_ENOMEM);
		assert_null(e.data);
		deflated_release(&e);
	}
	assert_true(i >= 1); /* the output buffer */
	assert_inflates_to(&e, in);
	deflated_release(&e);
	deflater_free(d);
	libdeflate_set_memory_allocator(malloc, free);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_streams_inflate_back_at_every_level),
	    cmocka_unit_test(test_streams_are_deterministic),
	    cmocka_unit_test(test_levels_keep_their_order),
	    cmocka_unit_test(test_libzip_copies_the_stream),
	    cmocka_unit_test(test_encrypted_entries_read_back),
	    cmocka_unit_test(test_the_source_alone),
	    cmocka_unit_test(test_out_of_memory),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
