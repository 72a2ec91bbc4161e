/* SPDX-License-Identifier: MIT */
/*
 * Looking a record up by account id or phone number in the inputs a batch
 * reads, for the support desk (dyd status --in). The inputs are streamed
 * one record at a time (stream.c), so memory stays that of a record or
 * two; and a record is parsed only when its raw bytes can hold the value,
 * since parsing every one of a million records is what makes a lookup too
 * slow to wait for.
 *
 * Why the raw-byte tests never turn the record sought away. Let v be the
 * value of the record's field once parsed (its account_id, or its phone,
 * which matches when its normal form is the one sought). Every character
 * of v comes from the raw bytes in one of three ways:
 *
 *  1. written as itself (JSON strings; YAML plain, quoted and block
 *     scalars): its UTF-8 bytes, in order;
 *  2. written as an escape sequence, which starts with a backslash (JSON
 *     strings, YAML double-quoted scalars);
 *  3. made by YAML's line folding: a line break inside a scalar, with the
 *     spaces and tabs around it, becomes one space (or, for an empty line,
 *     a newline); a backslash before the break (an escaped line break)
 *     joins the lines with nothing between.
 *
 * Records are UTF-8 (doc.c refuses anything else), YAML anchors and
 * aliases are refused (a value cannot come from elsewhere in the text),
 * and the parser turns only those three forms into characters. So:
 *
 *  - if no backslash of the record can start an escape that stands for a
 *    character v may hold (or for a line break), v is made of ways 1 and 3
 *    alone (find_escape_for_*);
 *  - an account id is 1 to 128 of A-Z a-z 0-9 . _ -: no space or newline,
 *    so way 3 cannot have made any of it, and the id is in the raw bytes
 *    exactly as given (find_literal_id);
 *  - a phone field with the normal form "+D1...Dn" holds '+', D1 to Dn in
 *    that order, and separators alone between them (normal_phone); in the
 *    raw bytes, between the '+' and D1 and between each Di and the next,
 *    there are only the bytes of separators (ASCII ones, or bytes of 0x80
 *    and up for the others), and the spaces, tabs, CRs and LFs of folding
 *    and of the indentation it strips. find_literal_phone looks for
 *    exactly that shape, skipping all of those bytes and no others.
 *
 * A backslash that is no escape (one in a YAML plain scalar, the second
 * of an escaped backslash) is treated as one all the same: that costs a
 * parse, never a match.
 */
#define _GNU_SOURCE /* memmem() */
#include "find.h"
#include "account.h"
#include "diag.h"
#include "doc.h"
#include "record.h"
#include "stream.h"
#include "strbuf.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Besides the ASCII separators " \t-.()/": the spaces and dashes that
 * numbers copied from documents and web pages carry. */
static const uint32_t wide_separators[] = {
    0x00A0, /* no-break space */
    0x2007, /* figure space */
    0x2009, /* thin space */
    0x202F, /* narrow no-break space */
    0x2010, /* hyphen */
    0x2011, /* non-breaking hyphen */
    0x2012, /* figure dash */
    0x2013, /* en dash */
    0x2014, /* em dash */
    0x2212, /* minus sign */
};

static bool ascii_separator(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '-' || c == '.' || c == '(' ||
	       c == ')' || c == '/';
}

static bool separator(uint32_t c)
{
	size_t i;

	if (ascii_separator(c))
		return true;
	for (i = 0; i < sizeof(wide_separators) / sizeof(*wide_separators); i++)
		if (c == wide_separators[i])
			return true;
	return false;
}

/* The length of the separator at s (left bytes), or 0 when there is none:
 * one ASCII byte, or the two or three bytes of a wide one in UTF-8. */
static size_t separator_len(const unsigned char *s, size_t left)
{
	uint32_t c;

	if (ascii_separator(s[0]))
		return 1;
	if (left >= 2 && (s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
		c = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
		return separator(c) ? 2 : 0;
	}
	if (left >= 3 && (s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80) {
		c = (uint32_t)(s[0] & 0x0F) << 12 |
		    (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		return separator(c) ? 3 : 0;
	}
	return 0;
}

/* The normal form of a phone number: 0, or -1 with *bad at the offending
 * byte (len when the number is too short or has no '+'). */
static int normal_phone(const char *s, size_t len, char out[DYD_PHONE_SIZE],
			size_t *bad)
{
	size_t i = 0, n = 0, k;

	while (i < len) {
		k = separator_len((const unsigned char *)s + i, len - i);
		if (k) {
			i += k;
		} else if (s[i] == '+' && n == 0) {
			out[n++] = s[i++];
		} else if (n > 0 && s[i] >= '0' && s[i] <= '9' &&
			   n < DYD_PHONE_SIZE - 1 && !(n == 1 && s[i] == '0')) {
			out[n++] = s[i++];
		} else {
			*bad = i;
			return -1;
		}
	}
	out[n] = '\0';
	*bad = len;
	return n >= 3 ? 0 : -1;
}

int dyd_phone_normalize(const char *typed, char out[DYD_PHONE_SIZE],
			dyd_diags *diags)
{
	size_t len = strlen(typed), bad, digits = 0, before = 0, chars = 1, i;
	const char *plus = strchr(typed, '+');

	if (normal_phone(typed, len, out, &bad) == 0)
		return 0;
	out[0] = '\0';
	for (i = 0; i < len; i++) {
		digits += typed[i] >= '0' && typed[i] <= '9';
		before += i < bad && typed[i] >= '0' && typed[i] <= '9';
		/* Characters, not bytes: UTF-8 continuation bytes are not. */
		chars += i < bad && ((unsigned char)typed[i] & 0xC0) != 0x80;
	}
	if (!plus || (bad < len && typed + bad < plus))
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "a phone number starts with '+' and the country code "
			 "(such as '+62 812-3456-7890' for 0812-3456-7890 in "
			 "Indonesia)");
	else if (bad < len && typed[bad] == '+')
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "a phone number has one '+', before the country "
			 "code (such as '+62 812-3456-7890')");
	else if (bad < len && (typed[bad] < '0' || typed[bad] > '9'))
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "character %zu of the phone number is neither a digit "
			 "nor a space, '-', '.', '/' or a bracket",
			 chars);
	else if (bad < len && before == 0)
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "no country code starts with 0: give the number with "
			 "its country code after the '+'");
	else
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "an E.164 phone number has 2 to 15 digits, not %zu",
			 digits);
	return DYD_EINVALID;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static long hex_escape(const char *p, const char *end, int digits)
{
	long v = 0;
	int i, h;

	if (end - p < digits)
		return -1;
	for (i = 0; i < digits; i++) {
		h = hex_digit(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* The character that the escape sequence after a backslash at p stands
 * for, in JSON or in a YAML double-quoted scalar; -1 when it may stand for
 * anything: an escaped line break (it joins two lines), or a sequence
 * that neither knows. */
static long escaped(const char *p, const char *end)
{
	static const char singles[] = "t\t /_0abnvfre\"\\";
	static const long meaning[] = {'\t', '\t', ' ', '/', 0xA0, 0,	7,   8,
				       10,   11,   12,	13,  27,   '"', '\\'};
	const char *at;

	if (p == end)
		return -1;
	switch (*p) {
	case 'u':
		return hex_escape(p + 1, end, 4);
	case 'U':
		return hex_escape(p + 1, end, 8);
	case 'x':
		return hex_escape(p + 1, end, 2);
	case 'N':
		return 0x85;
	case 'L':
		return 0x2028;
	case 'P':
		return 0x2029;
	}
	at = *p ? strchr(singles, *p) : NULL;
	return at ? meaning[at - singles] : -1;
}

static bool id_char(long c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static bool phone_char(long c)
{
	return (c >= '0' && c <= '9') || c == '+' ||
	       (c >= 0 && separator((uint32_t)c));
}

/* Whether some backslash of data may start an escape that stands for a
 * character wanted accepts. */
static bool escape_for(const char *data, size_t len, bool (*wanted)(long))
{
	const char *p = data, *end = data + len;
	long c;

	while ((p = memchr(p, '\\', (size_t)(end - p)))) {
		p++;
		c = escaped(p, end);
		if (c < 0 || wanted(c))
			return true;
	}
	return false;
}

bool find_escape_for_id(const char *data, size_t len)
{
	return escape_for(data, len, id_char);
}

bool find_escape_for_phone(const char *data, size_t len)
{
	return escape_for(data, len, phone_char);
}

bool find_literal_id(const char *data, size_t len, const char *id,
		     size_t id_len)
{
	return id_len && memmem(data, len, id, id_len) != NULL;
}

/* A byte that may stand between two characters of a phone field's value
 * in its raw form: an ASCII separator, a byte of a wide one, or the
 * whitespace of YAML's folding. */
static bool gap_byte(unsigned char b)
{
	return ascii_separator(b) || b == '\r' || b == '\n' || b >= 0x80;
}

bool find_literal_phone(const char *data, size_t len, const char *e164)
{
	const char *p = data, *end = data + len, *q, *d;

	while ((p = memchr(p, '+', (size_t)(end - p)))) {
		q = ++p;
		for (d = e164 + 1; *d; d++, q++) {
			while (q < end && gap_byte((unsigned char)*q))
				q++;
			if (q == end || *q != *d)
				break;
		}
		if (!*d)
			return true;
	}
	return false;
}

bool find_may_have_id(const char *data, size_t len, const char *id,
		      size_t id_len)
{
	return find_literal_id(data, len, id, id_len) ||
	       find_escape_for_id(data, len);
}

bool find_may_have_phone(const char *data, size_t len, const char *e164)
{
	return find_literal_phone(data, len, e164) ||
	       find_escape_for_phone(data, len);
}

/* One lookup: what is sought, and what was found so far. */
struct lookup {
	const dyd_find_options *opt;
	const dyd_policy *policy;
	char phone[DYD_PHONE_SIZE]; /* the normal form sought */
	size_t id_len;
	dyd_find_result *res;
	dyd_record *record; /* the first match, when it loaded */
	int record_rc;	    /* how loading it went */
	dyd_diags record_diags;
	dyd_diags *diags;
};

static bool may_have(const struct lookup *l, const stream_item *in)
{
	if (l->opt->key == DYD_FIND_PHONE)
		return find_may_have_phone(in->data, in->len, l->phone);
	return find_may_have_id(in->data, in->len, l->opt->value, l->id_len);
}

static bool literal(const struct lookup *l, const stream_item *in)
{
	if (l->opt->key == DYD_FIND_PHONE)
		return find_literal_phone(in->data, in->len, l->phone);
	return find_literal_id(in->data, in->len, l->opt->value, l->id_len);
}

/* Whether the parsed record has the value sought. */
static bool matches(const struct lookup *l, const doc_node *root)
{
	char phone[DYD_PHONE_SIZE];
	const doc_node *n;
	size_t bad;

	if (l->opt->key == DYD_FIND_PHONE) {
		n = doc_get(root, "phone");
		return doc_is_text(n) &&
		       normal_phone(n->text, n->len, phone, &bad) == 0 &&
		       strcmp(phone, l->phone) == 0;
	}
	n = doc_get(root, "account_id");
	return doc_is_text(n) && n->len == l->id_len &&
	       memcmp(n->text, l->opt->value, n->len) == 0;
}

/* Copies diagnostics into to. For those of a record of a stream, file
 * and lines are its file's: offset is the number of lines before the
 * record, and a problem without a line (cJSON knows none) gets line0, the
 * record's own (0 for a record that is a whole file). file NULL: as they
 * are. */
static void add_shifted(dyd_diags *to, const dyd_diags *from, const char *file,
			unsigned offset, unsigned line0)
{
	const dyd_diag *d;
	size_t i, kept_errors = 0;

	for (i = 0; i < from->count; i++) {
		d = &from->items[i];
		kept_errors += d->severity == DYD_ERROR;
		diag_add(to, d->severity, file ? file : d->file,
			 d->line ? d->line + offset : line0, d->column,
			 d->pointer, "%s", d->message);
	}
	/* Counted but not kept, as diag_add does past its limit. */
	to->errors += from->errors - kept_errors;
	to->out_of_memory |= from->out_of_memory;
}

/* A match: its place, and the record itself when it is the first. */
static int found(struct lookup *l, const stream_item *in, const doc_node *root)
{
	dyd_find_result *res = l->res;
	dyd_record_options ropt = l->opt->record;
	const doc_node *id = doc_get(root, "account_id");
	dyd_diags local = DYD_DIAGS_INIT;
	size_t k = res->matches++;

	if (k < DYD_FIND_PLACES) {
		res->where[k] = strdup(in->where);
		if (!res->where[k])
			return DYD_ENOMEM;
		if (doc_is_text(id) && account_id_valid(id->text, id->len)) {
			res->account_id[k] = strdup(id->text);
			if (!res->account_id[k])
				return DYD_ENOMEM;
		}
	}
	if (k > 0) {
		/* Found twice: the answer is the places, not the record. */
		dyd_record_free(l->record);
		l->record = NULL;
		return 0;
	}
	ropt.format = in->format;
	l->record_rc = dyd_record_load(&l->record, in->data, in->len, in->file,
				       l->policy, &ropt, &local);
	add_shifted(&l->record_diags, &local, in->file, in->line_offset,
		    strcmp(in->where, in->file) ? in->line_offset + 1 : 0);
	dyd_diags_release(&local);
	return l->record_rc == DYD_ENOMEM ? DYD_ENOMEM : 0;
}

/* Whether one record of the stream is the one sought, and what follows. */
static int look_at(struct lookup *l, const stream_item *in)
{
	const doc_limits limits = DOC_LIMITS_RECORD;
	dyd_diags local = DYD_DIAGS_INIT;
	doc *d = NULL;
	int rc = 0;

	l->res->records++;
	if (in->error) {
		l->res->unreadable++;
		diag_add(l->diags, DYD_WARNING, in->where, 0, 0, NULL,
			 "%s; the record sought may be there", in->error);
		return 0;
	}
	if (!may_have(l, in))
		return 0;
	if (in->format == DYD_FORMAT_JSON
		? doc_parse_json(&d, in->data, in->len, in->file, &limits,
				 &local)
		: doc_parse_yaml(&d, in->data, in->len, in->file, &limits,
				 &local)) {
		if (local.out_of_memory) {
			rc = DYD_ENOMEM;
		} else if (literal(l, in)) {
			/* It names the value: most likely the one. */
			l->res->unreadable++;
			diag_add(l->diags, DYD_WARNING, in->where, 0, 0, NULL,
				 "a record here holds the %s sought but "
				 "cannot be parsed: %s",
				 l->opt->key == DYD_FIND_PHONE ? "phone number"
							       : "account id",
				 local.count ? local.items[0].message
					     : "invalid");
		}
	} else if (matches(l, d->root)) {
		rc = found(l, in, d->root);
	}
	doc_free(d);
	dyd_diags_release(&local);
	return rc;
}

/* Every input is there before the first is read: a mistyped name should
 * not wait for a million records of the others. */
static int check_inputs(const char *const *inputs, size_t count,
			dyd_diags *diags)
{
	struct stat st;
	size_t i;

	for (i = 0; i < count; i++) {
		if (strcmp(inputs[i], "-") == 0 || stat(inputs[i], &st) == 0)
			continue;
		diag_add(diags, DYD_ERROR, inputs[i], 0, 0, NULL,
			 "cannot open: %s", strerror(errno));
		return DYD_EIO;
	}
	return 0;
}

static int look_in(struct lookup *l, const char *path)
{
	record_stream *s = NULL;
	stream_item in;
	int r, rc;

	rc = record_stream_open(&s, path, l->diags);
	if (rc)
		return rc;
	while ((r = record_stream_next(s, &in, l->diags)) > 0) {
		rc = look_at(l, &in);
		stream_item_release(&in);
		if (rc)
			break;
	}
	if (!rc && r < 0)
		rc = r == DYD_ENOMEM ? DYD_ENOMEM : DYD_EIO;
	record_stream_close(s);
	return rc;
}

static int check_value(struct lookup *l)
{
	const char *v = l->opt->value;

	if (!v) {
		diag_add(l->diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "no account id or phone number to look for");
		return DYD_EUSAGE;
	}
	if (l->opt->key == DYD_FIND_PHONE)
		return dyd_phone_normalize(v, l->phone, l->diags) ? DYD_EUSAGE
								  : 0;
	l->id_len = strlen(v);
	if (account_id_valid(v, l->id_len))
		return 0;
	if (l->id_len <= 128)
		diag_add(l->diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "'%s' is not an account id (1 to 128 of A-Z a-z 0-9 "
			 ". _ -, not '.' or '..')",
			 v);
	else
		diag_add(l->diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "an account id has at most 128 characters");
	return DYD_EUSAGE;
}

int dyd_record_find(dyd_record **out, dyd_find_result *result,
		    const char *const *inputs, size_t input_count,
		    const dyd_policy *policy, const dyd_find_options *options,
		    dyd_diags *diags)
{
	struct lookup l = {0};
	size_t i;
	int rc;

	*out = NULL;
	memset(result, 0, sizeof(*result));
	l.opt = options;
	l.policy = policy;
	l.res = result;
	l.diags = diags;
	dyd_diags_init(&l.record_diags);
	rc = check_value(&l);
	if (!rc)
		rc = check_inputs(inputs, input_count, diags);
	for (i = 0; !rc && i < input_count; i++)
		rc = look_in(&l, inputs[i]);
	if (!rc && result->matches == 1) {
		/* The problems of the one match are the answer's. */
		add_shifted(diags, &l.record_diags, NULL, 0, 0);
		rc = l.record_rc;
	} else if (!rc) {
		rc = DYD_EINVALID;
	}
	if (!rc)
		*out = l.record;
	else
		dyd_record_free(l.record);
	dyd_diags_release(&l.record_diags);
	return rc;
}

void dyd_find_result_release(dyd_find_result *result)
{
	size_t i;

	for (i = 0; i < DYD_FIND_PLACES; i++) {
		free(result->where[i]);
		free(result->account_id[i]);
	}
	memset(result, 0, sizeof(result[0]));
}
