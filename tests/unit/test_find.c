/* SPDX-License-Identifier: MIT */
/* Looking a record up (find.c): the phone number's normal form; the tests
 * on raw bytes never miss a record that has the value, however JSON or
 * YAML spells it (escapes, quoting styles, line folding, separators), and
 * do turn the others away; and dyd_record_find's answers: one record, none,
 * two, an invalid one, input it could not read, in every kind of input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <zlib.h>

#include "doc.h"
#include "find.h"
#include "strbuf.h"
#include "testutil.h"

static void normal(const char *typed, const char *want)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char out[DYD_PHONE_SIZE];

	assert_int_equal(dyd_phone_normalize(typed, out, &diags), 0);
	assert_string_equal(out, want);
	assert_int_equal(diags.count, 0);
}

static void not_normal(const char *typed, const char *message)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char out[DYD_PHONE_SIZE];

	assert_int_equal(dyd_phone_normalize(typed, out, &diags), DYD_EINVALID);
	assert_int_equal(diags.count, 1);
	if (!strstr(diags.items[0].message, message))
		fail_msg("'%s': '%s' lacks '%s'", typed, diags.items[0].message,
			 message);
	/* The message says what is wrong without quoting the number. */
	if (*typed && strstr(diags.items[0].message, typed))
		fail_msg("'%s' quotes it", diags.items[0].message);
	dyd_diags_release(&diags);
}

static void test_phone_normalize(void **state)
{
	(void)state;
	normal("+6281234567890", "+6281234567890");
	normal("+62 812-3456-7890", "+6281234567890");
	normal(" +62 (812) 3456.7890 ", "+6281234567890");
	normal("+62/812/3456/7890", "+6281234567890");
	normal("+62\t812 3456 7890", "+6281234567890");
	/* Copied from documents: no-break and thin spaces, dashes, minus. */
	normal("+62\xc2\xa0"
	       "812\xe2\x80\x89"
	       "3456\xe2\x80\x93"
	       "7890",
	       "+6281234567890");
	normal("+41\xe2\x80\xaf"
	       "44\xe2\x88\x92"
	       "668\xe2\x80\x91"
	       "1800",
	       "+41446681800");
	normal("+12", "+12");
	normal("+123456789012345", "+123456789012345");
	not_normal("081234567890", "starts with '+'");
	not_normal("", "starts with '+'");
	not_normal("+", "2 to 15 digits, not 0");
	not_normal("+1", "2 to 15 digits, not 1");
	not_normal("+1234567890123456", "2 to 15 digits, not 16");
	not_normal("+0812 3456", "no country code starts with 0");
	not_normal("+62 812 3456 O890", "character 14 ");
	not_normal("+62 812 3456 7890 ext 5", "character 19 ");
	not_normal("+62\xc2\xa0"
		   "812 x",
		   "character 9 ");
	not_normal("+62 812+3456", "one '+'");
	not_normal("62+8123456", "starts with '+'");
	not_normal("0812 3456", "starts with '+'");
	not_normal("+62_812_3456", "character 4 ");
	/* A byte of UTF-8 that is no separator. */
	not_normal("+62\xc3\xa9"
		   "812",
		   "character 4 ");
}

/* --- the raw-byte tests, against the parser --------------------------- */

static uint64_t rng = 88172645463325252ULL;

static unsigned pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static const char *const separators[] = {
    " ",
    "-",
    ".",
    "(",
    ")",
    "/",
    "\t",
    "\xc2\xa0",
    "\xe2\x80\x89",
    "\xe2\x80\x93",
    "\xe2\x88\x92",
    "\xe2\x80\xaf",
};
#define SEPARATORS (sizeof(separators) / sizeof(*separators))

/* value with separators put in at random after its first character:
 * what a phone field may hold and still have the normal form value. */
static void spaced(strbuf *out, const char *value)
{
	const char *p;

	strbuf_truncate(out, 0);
	for (p = value; *p; p++) {
		strbuf_putc(out, *p);
		while (p > value && p[1] && pick(3) == 0)
			strbuf_puts(out, separators[pick(SEPARATORS)]);
	}
}

/* The code point of the UTF-8 sequence at *p, which it steps past. */
static unsigned next_char(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;

	if (s[0] < 0x80) {
		*p += 1;
		return s[0];
	}
	if ((s[0] & 0xE0) == 0xC0) {
		*p += 2;
		return (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
	}
	*p += 3;
	return (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 |
	       (s[2] & 0x3F);
}

/* A JSON string of v: some characters as \u escapes, '/' sometimes as
 * \/, a tab always escaped (JSON has no raw control characters). */
static void json_string(strbuf *out, const char *v)
{
	const char *p = v, *start;
	unsigned c;

	strbuf_putc(out, '"');
	while (*p) {
		start = p;
		c = next_char(&p);
		if (c == '\t')
			strbuf_puts(out, pick(2) ? "\\t" : "\\u0009");
		else if (c == '/' && pick(2))
			strbuf_puts(out, "\\/");
		else if (pick(3) == 0)
			strbuf_printf(out, "\\u%04X", c);
		else
			strbuf_append(out, start, (size_t)(p - start));
	}
	strbuf_putc(out, '"');
}

/* A YAML double-quoted scalar of v: escapes of every kind YAML has for
 * these characters, folded lines where v has a space, and escaped line
 * breaks anywhere. */
static void yaml_double(strbuf *out, const char *v)
{
	const char *p = v, *start;
	unsigned c;

	strbuf_putc(out, '"');
	while (*p) {
		start = p;
		c = next_char(&p);
		switch (pick(8)) {
		case 0:
			if (c < 0x100) {
				strbuf_printf(out, "\\x%02x", c);
				break;
			}
			/* fall through */
		case 1:
			strbuf_printf(out, "\\u%04x", c);
			break;
		case 2:
			strbuf_printf(out, "\\U%08X", c);
			break;
		case 3:
			if (c == ' ' && p[0] && p[0] != ' ') {
				strbuf_puts(out, "\n     "); /* folds to ' ' */
				break;
			}
			if (c == ' ' || c == '\t' || c == 0xA0 || c == '/') {
				strbuf_puts(out, c == ' '    ? "\\ "
						 : c == '\t' ? "\\t"
						 : c == '/'  ? "\\/"
							     : "\\_");
				break;
			}
			/* fall through */
		default:
			if (c == '\t')
				strbuf_puts(out, "\\t");
			else
				strbuf_append(out, start, (size_t)(p - start));
		}
		if (*p && *p != ' ' && pick(12) == 0)
			strbuf_puts(out, "\\\n    "); /* joins, adds nothing */
	}
	strbuf_putc(out, '"');
}

/* v plain, single-quoted or as a block scalar, with its spaces folded
 * into line breaks now and then. */
static void yaml_other(strbuf *out, const char *v)
{
	unsigned style = pick(4);
	const char *p;

	if (style == 1)
		strbuf_putc(out, '\'');
	if (style >= 2)
		strbuf_puts(out, style == 2 ? "|-\n    " : ">-\n    ");
	for (p = v; *p; p++) {
		/* A literal block keeps its line breaks; the others fold a
		 * single one, with the indentation, into a space. */
		if (*p == ' ' && style != 2 && p[1] && p[1] != ' ' &&
		    p[-1] != ' ' && pick(2))
			strbuf_puts(out, style == 3 ? "\n    " : "\n      ");
		else
			strbuf_putc(out, *p);
	}
	if (style == 1)
		strbuf_putc(out, '\'');
}

/* A record whose field key holds v, written in one of the ways JSON and
 * YAML allow, among other fields. */
static void encode(strbuf *rec, const char *key, const char *v, bool *json)
{
	strbuf_truncate(rec, 0);
	*json = pick(2);
	if (*json) {
		strbuf_printf(rec,
			      "{\"contacts\": [\"+628111\", \"+4930 1\"], "
			      "\"%s\": ",
			      key);
		json_string(rec, v);
		strbuf_puts(rec, ", \"about\": \"\\\\\\n\"}");
		return;
	}
	strbuf_printf(rec, "contacts: [+628111]\n%s: ", key);
	if (pick(2))
		yaml_double(rec, v);
	else
		yaml_other(rec, v);
	strbuf_puts(rec, "\nabout: x\n");
}

/* The parser's view of the field: its text, or NULL. */
static doc *parse(const strbuf *rec, bool json, const char *key,
		  const char **text)
{
	const doc_limits limits = DOC_LIMITS_RECORD;
	dyd_diags diags = DYD_DIAGS_INIT;
	const doc_node *n;
	doc *d = NULL;
	int rc =
	    json
		? doc_parse_json(&d, rec->data, rec->len, "t", &limits, &diags)
		: doc_parse_yaml(&d, rec->data, rec->len, "t", &limits, &diags);

	dyd_diags_release(&diags);
	*text = NULL;
	if (rc)
		return NULL;
	n = doc_get(d->root, key);
	*text = doc_is_text(n) ? n->text : NULL;
	return d;
}

/* Thousands of spellings of one phone field: every one the parser reads
 * as that number passes the raw-byte test. So that this is not vacuous,
 * most of them must parse, and many must pass by the literal test alone
 * (the rest need the escape test). */
static void test_phone_never_missed(void **state)
{
	static const char *const numbers[] = {"+6281234567890", "+12",
					      "+441632960961", "+33612345678"};
	strbuf v = STRBUF_INIT, rec = STRBUF_INIT;
	char e164[DYD_PHONE_SIZE];
	unsigned i, parsed = 0, literal = 0, plain = 0;
	const char *text;
	bool json;
	doc *d;

	(void)state;
	for (i = 0; i < 20000; i++) {
		const char *want = numbers[i % 4];
		spaced(&v, want);
		encode(&rec, "phone", v.data, &json);
		d = parse(&rec, json, "phone", &text);
		/* Only a field that has the number must pass; a spelling
		 * that came out as another value need not. */
		if (d && text && dyd_phone_normalize(text, e164, NULL) == 0 &&
		    strcmp(e164, want) == 0) {
			parsed++;
			if (!find_may_have_phone(rec.data, rec.len, want))
				fail_msg("missed %s in: %s", want, rec.data);
			literal += find_literal_phone(rec.data, rec.len, want);
			plain += !find_escape_for_phone(rec.data, rec.len);
		}
		doc_free(d);
	}
	assert_true(parsed > 19000);
	assert_true(literal > 4000 && plain > 4000);
	strbuf_release(&v);
	strbuf_release(&rec);
}

static void test_id_never_missed(void **state)
{
	static const char *const ids[] = {"acct-00000042", "siti.rahayu", "a",
					  "X_9-y.Z"};
	strbuf rec = STRBUF_INIT;
	unsigned i, parsed = 0, plain = 0;
	const char *text;
	bool json;
	doc *d;

	(void)state;
	for (i = 0; i < 20000; i++) {
		const char *want = ids[i % 4];
		encode(&rec, "account_id", want, &json);
		d = parse(&rec, json, "account_id", &text);
		if (d && text && strcmp(text, want) == 0) {
			parsed++;
			if (!find_may_have_id(rec.data, rec.len, want,
					      strlen(want)))
				fail_msg("missed %s in: %s", want, rec.data);
			plain += !find_escape_for_id(rec.data, rec.len);
		}
		doc_free(d);
	}
	assert_true(parsed > 19000 && plain > 4000);
	strbuf_release(&rec);
}

/* The spellings the desk will meet, one by one. */
static void test_awkward_spellings(void **state)
{
	static const char *const records[] = {
	    "{\"phone\": \"\\u002B6281234567890\"}",
	    "{\"phone\": \"+62\\u0038\\u00312345\\u00367890\"}",
	    "{\"phone\": \"+62812\\/3456\\/7890\"}",
	    "phone: +6281234567890\n",
	    "phone: '+62 812 3456 7890'\n",
	    "phone: \"+62\\x38\\u0031\\U00000032 3456 7890\"\n",
	    "phone: \"+62 812\\\n   34567890\"\n",
	    "phone: +62 812\n  3456 7890\n",
	    "phone: >-\n  +62 812\n  3456-7890\n",
	    "phone: \"+62\\_812\\t3456\\ 7890\"\n",
	    "{phone: \"+62-812-3456-7890\"}\n",
	};
	const char *text;
	size_t i;
	doc *d;
	strbuf rec = STRBUF_INIT;

	(void)state;
	for (i = 0; i < sizeof(records) / sizeof(*records); i++) {
		char e164[DYD_PHONE_SIZE];
		strbuf_truncate(&rec, 0);
		strbuf_puts(&rec, records[i]);
		d = parse(&rec, records[i][0] == '{' && records[i][1] == '"',
			  "phone", &text);
		if (!d || !text)
			fail_msg("does not parse: %s", records[i]);
		assert_int_equal(dyd_phone_normalize(text, e164, NULL), 0);
		assert_string_equal(e164, "+6281234567890");
		assert_true(
		    find_may_have_phone(rec.data, rec.len, "+6281234567890"));
		doc_free(d);
	}
	strbuf_release(&rec);
}

/* The tests do turn records away: other numbers, ids that only start
 * alike, numbers of the contacts that differ, escapes of other letters. */
static void test_others_turned_away(void **state)
{
	static const char rec[] =
	    "{\"account_id\": \"acct-00000043\", \"phone\": "
	    "\"+6281234567891\", "
	    "\"contacts\": [\"+628123456789\", \"+62 812 3456 789 0\", "
	    "\"+6281234567890 1\"], \"about\": \"caf\\u00e9 \\\"\\\\\\n\", "
	    "\"registered_at\": \"2016-01-01T00:00:00+07:00\"}";
	const size_t len = sizeof(rec) - 1;

	(void)state;
	assert_false(find_escape_for_phone(rec, len));
	assert_false(find_escape_for_id(rec, len));
	assert_false(find_may_have_id(rec, len, "acct-00000042", 13));
	assert_false(find_may_have_phone(rec, len, "+6281234567892"));
	assert_false(find_may_have_phone(rec, len, "+4981234567890"));
	/* A contact's number is in the bytes: the parse decides. */
	assert_true(find_may_have_phone(rec, len, "+628123456789"));
	assert_true(find_may_have_id(rec, len, "acct-0000004", 12));
	/* Escapes that may spell a digit, a separator, an id letter, or
	 * join lines, send the record to the parser. */
	assert_true(find_escape_for_phone("\"\\u0035\"", 8));
	assert_true(find_escape_for_phone("\"\\u2013\"", 8));
	assert_true(find_escape_for_phone("\"a\\ b\"", 6));
	assert_true(find_escape_for_phone("\"\\_\"", 4));
	assert_true(find_escape_for_phone("\"a\\\nb\"", 6));
	assert_true(find_escape_for_id("\"\\x41\"", 6));
	assert_true(find_escape_for_id("\"\\U0000005f\"", 12));
	assert_false(find_escape_for_id("\"\\u00e9\\/\\t\\\"\"", 14));
	assert_true(find_escape_for_id("\"\\q\"", 4)); /* unknown: maybe */
}

/* --- dyd_record_find ---------------------------------------------------- */

#define REC(id, phone)                                                         \
	"{\"account_id\": \"" id "\", \"phone\": \"" phone "\", "              \
	"\"registered_at\": \"2015-03-01T00:00:00Z\"}\n"

struct found {
	int rc;
	dyd_find_result res;
	dyd_diags diags;
	dyd_record *rec;
};

static void look(struct found *f, const char *const *inputs, size_t count,
		 dyd_find_key key, const char *value)
{
	dyd_find_options o = DYD_FIND_OPTIONS_INIT;
	dyd_policy *p = NULL;

	assert_int_equal(load_policy(&p), 0);
	o.key = key;
	o.value = value;
	dyd_diags_init(&f->diags);
	f->rc =
	    dyd_record_find(&f->rec, &f->res, inputs, count, p, &o, &f->diags);
	dyd_policy_free(p);
}

static void found_release(struct found *f)
{
	dyd_record_free(f->rec);
	dyd_find_result_release(&f->res);
	dyd_diags_release(&f->diags);
}

/* A diagnostic whose message holds text; its index, or fails. */
static size_t diag_with(const dyd_diags *diags, const char *text)
{
	size_t i;

	for (i = 0; i < diags->count; i++)
		if (strstr(diags->items[i].message, text))
			return i;
	fail_msg("no diagnostic says '%s'", text);
	return 0;
}

static void test_find_in_inputs(void **state)
{
	char *dir = make_tmpdir();
	const char *jsonl = REC("a.one", "+6281111111111")
	    REC("b.two", "+62 811-1111-1112") REC("c.three", "+4915112345678");
	const char *yaml =
	    "---\naccount_id: d.four\nphone: +33612345678\n"
	    "registered_at: 2015-03-01T00:00:00Z\n"
	    "---\naccount_id: e.five\nphone: '+33 6 12 34 56 79'\n"
	    "registered_at: 2015-03-01T00:00:00Z\n";
	char *in[4];
	struct found f;
	gzFile gz;

	(void)state;
	in[0] = strdup(join(dir, "a.jsonl"));
	in[1] = strdup(join(dir, "b.jsonl.gz"));
	in[2] = strdup(join(dir, "c.yaml"));
	in[3] = strdup(join(dir, "d"));
	write_file(in[0], jsonl, strlen(jsonl));
	gz = gzopen(in[1], "wb");
	gzputs(gz, REC("f.six", "+12025550100"));
	gzclose(gz);
	write_file(in[2], yaml, strlen(yaml));
	mkdir(in[3], 0700);
	write_file(join(in[3], "g.json"), REC("g.seven", "+12025550101"),
		   strlen(REC("g.seven", "+12025550101")));

	/* By id and by phone, in each kind of input. */
	look(&f, (const char *const *)in, 4, DYD_FIND_ACCOUNT_ID, "c.three");
	assert_int_equal(f.rc, 0);
	assert_string_equal(dyd_record_account_id(f.rec), "c.three");
	assert_int_equal(f.res.matches, 1);
	assert_int_equal(f.res.records, 7);
	assert_string_equal(f.res.where[0], join(dir, "a.jsonl:3"));
	found_release(&f);
	look(&f, (const char *const *)in, 4, DYD_FIND_PHONE, "+1 202 555 0100");
	assert_int_equal(f.rc, 0);
	assert_string_equal(dyd_record_account_id(f.rec), "f.six");
	assert_string_equal(f.res.where[0], join(dir, "b.jsonl.gz:1"));
	found_release(&f);
	look(&f, (const char *const *)in, 4, DYD_FIND_PHONE, "+33612345678");
	assert_int_equal(f.rc, 0);
	assert_string_equal(f.res.where[0], join(dir, "c.yaml:1"));
	found_release(&f);
	look(&f, (const char *const *)in, 4, DYD_FIND_ACCOUNT_ID, "g.seven");
	assert_int_equal(f.rc, 0);
	assert_string_equal(f.res.where[0], join(in[3], "g.json"));
	found_release(&f);

	/* The record's phone with spaces matches, but is no E.164 number:
	 * its problems, at its line. */
	look(&f, (const char *const *)in, 4, DYD_FIND_PHONE, "+6281111111112");
	assert_int_equal(f.rc, DYD_EINVALID);
	assert_null(f.rec);
	assert_int_equal(f.res.matches, 1);
	assert_string_equal(f.res.account_id[0], "b.two");
	{
		size_t k = diag_with(&f.diags, "not an E.164");
		assert_int_equal(f.diags.items[k].line, 2);
		assert_string_equal(f.diags.items[k].pointer, "/phone");
		assert_string_equal(f.diags.items[k].file, in[0]);
	}
	found_release(&f);
	look(&f, (const char *const *)in, 4, DYD_FIND_PHONE,
	     "+33 6 12 34 56 79");
	assert_int_equal(f.rc, DYD_EINVALID);
	assert_int_equal(f.diags.items[diag_with(&f.diags, "E.164")].line, 7);
	found_release(&f);

	/* None. */
	look(&f, (const char *const *)in, 4, DYD_FIND_ACCOUNT_ID, "a.on");
	assert_int_equal(f.rc, DYD_EINVALID);
	assert_int_equal(f.res.matches, 0);
	assert_int_equal(f.res.records, 7);
	assert_int_equal(f.diags.count, 0);
	found_release(&f);

	/* Twice: both places, and no record. */
	write_file(join(in[3], "h.yaml"),
		   "account_id: h\nphone: +6281111111111\n", 36);
	look(&f, (const char *const *)in, 4, DYD_FIND_PHONE, "+6281111111111");
	assert_int_equal(f.rc, DYD_EINVALID);
	assert_null(f.rec);
	assert_int_equal(f.res.matches, 2);
	assert_string_equal(f.res.where[0], join(dir, "a.jsonl:1"));
	assert_string_equal(f.res.where[1], join(in[3], "h.yaml"));
	assert_string_equal(f.res.account_id[1], "h");
	/* The first one's problems are not the answer: it is not alone. */
	assert_int_equal(f.diags.count, 0);
	found_release(&f);

	/* A value that is no id or phone number; an input not there. */
	look(&f, (const char *const *)in, 4, DYD_FIND_ACCOUNT_ID, "a/b");
	assert_int_equal(f.rc, DYD_EUSAGE);
	diag_with(&f.diags, "is not an account id");
	found_release(&f);
	look(&f, (const char *const *)in, 4, DYD_FIND_PHONE, "0811");
	assert_int_equal(f.rc, DYD_EUSAGE);
	found_release(&f);
	free(in[3]);
	in[3] = strdup(join(dir, "missing.jsonl"));
	look(&f, (const char *const *)in, 4, DYD_FIND_ACCOUNT_ID, "a.one");
	assert_int_equal(f.rc, DYD_EIO);
	assert_int_equal(f.res.records, 0); /* nothing read first */
	diag_with(&f.diags, "cannot open");
	found_release(&f);

	for (int i = 0; i < 4; i++)
		free(in[i]);
	rm_tree(dir);
	free(dir);
}

/* What could not be read is said, and the lookup goes on past it. */
static void test_find_unreadable(void **state)
{
	char *dir = make_tmpdir();
	const char *text = REC(
	    "a.one",
	    "+6281111111111") "{\"account_id\": \"b.two\", \"phone\": \n"
			      "{\"account_id\": \"c.three\", \"phone\": \n" REC(
				  "d.four", "+6281111111114");
	char *path = strdup(join(dir, "in.jsonl"));
	const char *in[1] = {path};
	struct found f;
	size_t k;

	(void)state;
	write_file(path, text, strlen(text));
	look(&f, in, 1, DYD_FIND_ACCOUNT_ID, "b.two");
	assert_int_equal(f.rc, DYD_EINVALID);
	assert_int_equal(f.res.matches, 0);
	assert_int_equal(f.res.unreadable, 1);
	k = diag_with(&f.diags, "cannot be parsed");
	assert_int_equal(f.diags.items[k].severity, DYD_WARNING);
	assert_string_equal(f.diags.items[k].file, join(dir, "in.jsonl:2"));
	found_release(&f);
	/* Found past the broken lines, which do not name it. */
	look(&f, in, 1, DYD_FIND_ACCOUNT_ID, "d.four");
	assert_int_equal(f.rc, 0);
	assert_int_equal(f.res.unreadable, 0);
	assert_string_equal(f.res.where[0], join(dir, "in.jsonl:4"));
	found_release(&f);
	free(path);
	rm_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_phone_normalize),
	    cmocka_unit_test(test_phone_never_missed),
	    cmocka_unit_test(test_id_never_missed),
	    cmocka_unit_test(test_awkward_spellings),
	    cmocka_unit_test(test_others_turned_away),
	    cmocka_unit_test(test_find_in_inputs),
	    cmocka_unit_test(test_find_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
