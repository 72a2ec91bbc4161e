/* SPDX-License-Identifier: MIT */
/* Record streams: JSON Lines (plain or gzip, by content), YAML streams
 * split on their markers, one-record .json files and directories, one
 * record at a time with its place, and the problems of the input as
 * items of their own so that the batch goes on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <zlib.h>

#include "stream.h"
#include "testutil.h"

struct got {
	int count;
	char where[8][64];
	char data[8][256];
	char error[8][128];
	unsigned offset[8];
	dyd_format format[8];
};

/* Reads the whole stream of path into g; returns the last result. */
static int read_all(const char *path, struct got *g)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	record_stream *s = NULL;
	stream_item it;
	int r;

	memset(g, 0, sizeof(*g));
	r = record_stream_open(&s, path, &diags);
	if (r) {
		dyd_diags_release(&diags);
		return r;
	}
	while ((r = record_stream_next(s, &it, &diags)) > 0) {
		int i = g->count++;
		const char *base = strrchr(it.where, '/');
		assert_true(i < 8);
		snprintf(g->where[i], 64, "%s", base ? base + 1 : it.where);
		snprintf(g->data[i], 256, "%s", it.data ? it.data : "");
		snprintf(g->error[i], 128, "%s", it.error ? it.error : "");
		g->offset[i] = it.line_offset;
		g->format[i] = it.format;
		assert_non_null(it.file);
		stream_item_release(&it);
	}
	record_stream_close(s);
	dyd_diags_release(&diags);
	return r;
}

static void test_jsonl_skips_blank_lines_and_keeps_places(void **state)
{
	const char text[] = "{\"a\":1}\n\n   \n{\"b\":2}\r\n{\"c\":3}";
	char *dir = make_tmpdir();
	struct got g;

	(void)state;
	write_file(join(dir, "in.jsonl"), text, sizeof(text) - 1);
	assert_int_equal(read_all(join(dir, "in.jsonl"), &g), 0);
	assert_int_equal(g.count, 3);
	assert_string_equal(g.where[0], "in.jsonl:1");
	assert_string_equal(g.where[1], "in.jsonl:4");
	assert_string_equal(g.where[2], "in.jsonl:5"); /* no final newline */
	assert_string_equal(g.data[0], "{\"a\":1}");
	assert_int_equal(g.offset[1], 3); /* lines before it, for positions */
	assert_int_equal(g.format[0], DYD_FORMAT_JSON);
	rm_tree(dir);
	free(dir);
}

static void test_gzip_by_content_and_truncation(void **state)
{
	char *dir = make_tmpdir(), *gz, *cut, *data;
	gzFile f;
	size_t len = 0;
	struct got g;

	(void)state;
	gz = join(dir, "records"); /* no extension: sniffed */
	f = gzopen(gz, "wb");
	assert_non_null(f);
	for (int i = 0; i < 3; i++)
		gzprintf(f, "{\"n\":%d}\n", i);
	gzclose(f);
	assert_int_equal(read_all(gz, &g), 0);
	assert_int_equal(g.count, 3);
	assert_string_equal(g.data[2], "{\"n\":2}");
	assert_string_equal(g.where[2], "records:3");
	/* The same file cut short: the records read, then one error item
	 * where the input ends. */
	data = slurp(gz, &len);
	cut = join(dir, "cut.jsonl.gz");
	write_file(cut, data, len - 6);
	free(data);
	assert_int_equal(read_all(cut, &g), 0);
	assert_true(g.count >= 2);
	assert_non_null(strstr(g.error[g.count - 1],
			       "ends in the middle of a gzip stream"));
	for (int i = 0; i + 1 < g.count; i++)
		assert_string_equal(g.error[i], "");
	rm_tree(dir);
	free(dir);
}

static void test_yaml_documents(void **state)
{
	const char text[] = "# a comment alone is no document\n"
			    "---\n"
			    "account_id: a\n"
			    "---\n"
			    "# nor is this\n"
			    "---\n"
			    "account_id: b\n"
			    "...\n"
			    "--- {account_id: c}\n";
	char *dir = make_tmpdir();
	struct got g;

	(void)state;
	write_file(join(dir, "s.yaml"), text, sizeof(text) - 1);
	assert_int_equal(read_all(join(dir, "s.yaml"), &g), 0);
	assert_int_equal(g.count, 3);
	assert_string_equal(g.where[0], "s.yaml:2");
	assert_string_equal(g.data[0], "---\naccount_id: a\n");
	assert_string_equal(g.where[1], "s.yaml:6");
	assert_string_equal(g.where[2], "s.yaml:9");
	assert_string_equal(g.data[2], "--- {account_id: c}\n");
	assert_int_equal(g.offset[2], 8);
	assert_int_equal(g.format[0], DYD_FORMAT_YAML);
	rm_tree(dir);
	free(dir);
}

static void test_directory_in_name_order(void **state)
{
	char *dir = make_tmpdir(), sub[4096];
	struct got g;

	(void)state;
	snprintf(sub, sizeof(sub), "%s/d", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(join(sub, "b.yaml"), "x: 1\n", 5);
	write_file(join(sub, "a.json"), "{}", 2);
	write_file(join(sub, "c.yml"), "y: 2\n", 5);
	write_file(join(sub, ".hidden.json"), "{}", 2);
	write_file(join(sub, "notes.txt"), "no", 2);
	assert_int_equal(read_all(sub, &g), 0);
	assert_int_equal(g.count, 3);
	assert_string_equal(g.where[0], "a.json");
	assert_string_equal(g.where[1], "b.yaml");
	assert_string_equal(g.where[2], "c.yml");
	assert_int_equal(g.format[0], DYD_FORMAT_JSON);
	assert_int_equal(g.format[1], DYD_FORMAT_YAML);
	rm_tree(dir);
	free(dir);
}

static void test_one_json_record_and_missing_file(void **state)
{
	const char text[] = "{\n  \"account_id\": \"a\"\n}\n";
	char *dir = make_tmpdir();
	dyd_diags diags = DYD_DIAGS_INIT;
	record_stream *s = NULL;
	struct got g;

	(void)state;
	write_file(join(dir, "r.json"), text, sizeof(text) - 1);
	assert_int_equal(read_all(join(dir, "r.json"), &g), 0);
	assert_int_equal(g.count, 1);
	assert_string_equal(g.where[0], "r.json"); /* the file, no line */
	assert_string_equal(g.data[0], text);
	assert_int_equal(
	    record_stream_open(&s, join(dir, "none.jsonl"), &diags), DYD_EIO);
	assert_null(s);
	assert_int_equal(diags.count, 1);
	assert_non_null(strstr(diags.items[0].message, "cannot open"));
	dyd_diags_release(&diags);
	rm_tree(dir);
	free(dir);
}

static void test_overlong_line_is_an_item_and_the_rest_is_read(void **state)
{
	char *dir = make_tmpdir(), *path = join(dir, "big.jsonl");
	FILE *f = fopen(path, "wb");
	size_t i;
	struct got g;

	(void)state;
	assert_non_null(f);
	fputs("{\"first\":1}\n{\"x\":\"", f);
	for (i = 0; i < DYD_MAX_INPUT_BYTES / 64 + 1; i++)
		fputs("0123456789012345678901234567890123456789012345678901"
		      "234567890123",
		      f);
	fputs("\"}\n{\"last\":1}\n", f);
	fclose(f);
	assert_int_equal(read_all(path, &g), 0);
	assert_int_equal(g.count, 3);
	assert_string_equal(g.where[1], "big.jsonl:2");
	assert_non_null(strstr(g.error[1], "longer than the record limit"));
	assert_string_equal(g.data[2], "{\"last\":1}");
	assert_string_equal(g.where[2], "big.jsonl:3");
	rm_tree(dir);
	free(dir);
}

static void test_progress(void **state)
{
	const char text[] = "{\"a\":1}\n{\"b\":2}\n";
	char *dir = make_tmpdir();
	dyd_diags diags = DYD_DIAGS_INIT;
	record_stream *s = NULL;
	stream_item it;
	uint64_t done, total;

	(void)state;
	write_file(join(dir, "p.jsonl"), text, sizeof(text) - 1);
	assert_int_equal(record_stream_open(&s, join(dir, "p.jsonl"), &diags),
			 0);
	while (record_stream_next(s, &it, &diags) > 0)
		stream_item_release(&it);
	record_stream_progress(s, &done, &total);
	assert_int_equal(total, sizeof(text) - 1);
	assert_int_equal(done, total);
	record_stream_close(s);
	rm_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_jsonl_skips_blank_lines_and_keeps_places),
	    cmocka_unit_test(test_gzip_by_content_and_truncation),
	    cmocka_unit_test(test_yaml_documents),
	    cmocka_unit_test(test_directory_in_name_order),
	    cmocka_unit_test(test_one_json_record_and_missing_file),
	    cmocka_unit_test(
		test_overlong_line_is_an_item_and_the_rest_is_read),
	    cmocka_unit_test(test_progress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
