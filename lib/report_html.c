/* SPDX-License-Identifier: MIT */
/* report.html: the one page a person reads. Self-contained (inline CSS, no
 * script, nothing fetched), localized through messages.yaml, and strict
 * about escaping: every string that comes from the record or the policy
 * goes through html_escape, and record text is isolated in <bdi> so bidi
 * controls cannot reorder the page around it. The output depends only on
 * the context: no clock, no randomness, no locale. */
#include "i18n.h"
#include "report.h"
#include "strbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Instants shown as text, remembered for the page: the as-of instant,
 * the registration and every acceptance date recur, some in every cell
 * of the sharing matrix. Direct-mapped on the instant. */
#define TIME_MEMO_SIZE 16

struct time_memo {
	dyd_time t;
	bool used, date; /* date: tz_format_date, else tz_format */
	char text[TZ_FORMAT_BUFSIZE];
};

/* A purpose's label, looked up and escaped once per page: the sharing
 * matrix repeats it in every row. */
struct purpose_text {
	const char *label;
	size_t at, len; /* the escaped label, in struct html's escaped */
};

struct html {
	strbuf sb;
	const dyd_decision *d;
	const dyd_policy *p;
	const dyd_record *rec;
	const char *lang;
	const tz *zone;
	const report_context *ctx;
	/* Per purpose; NULL when there was no memory for it, and then each
	 * use looks the label up again. */
	struct purpose_text *purposes;
	strbuf escaped;
	/* For a piece of text made before it is written, such as a cell's
	 * reason: reused, where a strbuf of its own cost an allocation. */
	strbuf scratch;
	struct time_memo memo[TIME_MEMO_SIZE];
	/* "Where these answers come from": each quote and note an answer
	 * rests on, numbered in the order the page first cites it. */
	struct footnote *fn;
	size_t fn_count, fn_cap;
};

struct footnote {
	const policy_cite *cite;
	size_t quote; /* index into cite->quotes; NO_INDEX: the cite's note */
};

/* Escaping */

static bool is_bidi_control(unsigned cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Bytes html_escape_n must look at: the five HTML specials, C0 controls
 * but tab, newline and return, DEL, and the lead bytes of U+0080-U+009F
 * (0xC2), U+061C (0xD8) and U+2000-U+2FFF (0xE2), where the C1 and bidi
 * controls live. Every other byte is copied as it is, in runs. */
static const unsigned char escape_lead[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, /* 0x00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10 */
    0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, /* 0x30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x50 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* 0x70 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x80 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x90 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xA0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xB0 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xC0 */
    0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, /* 0xD0 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xE0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xF0 */
};

/* "&#xHEX;" for cp, in upper case as the page has always had it. */
static size_t hex_ref(char *buf, unsigned cp)
{
	static const char digits[] = "0123456789ABCDEF";
	char tmp[8];
	size_t n = 0, len = 0;

	do {
		tmp[n++] = digits[cp & 0xF];
		cp >>= 4;
	} while (cp);
	memcpy(buf, "&#x", 3);
	len = 3;
	while (n)
		buf[len++] = tmp[--n];
	buf[len++] = ';';
	return len;
}

/* Text and attribute context alike. Bidi controls become numeric
 * references (visible in the source, and the value is wrapped in <bdi>
 * where it is shown); C0 and C1 controls, which HTML calls parse errors,
 * are shown as their Control Pictures or U+FFFD. */
static void html_escape_n(strbuf *sb, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0;
	char ref[16];

	for (;;) {
		const char *rep = NULL;
		size_t rep_len = 0, skip = 1;
		unsigned char c;

		/* Most text has nothing to escape: look at 8 bytes a turn. */
		while (i + 8 <= len &&
		       !(escape_lead[u[i]] | escape_lead[u[i + 1]] |
			 escape_lead[u[i + 2]] | escape_lead[u[i + 3]] |
			 escape_lead[u[i + 4]] | escape_lead[u[i + 5]] |
			 escape_lead[u[i + 6]] | escape_lead[u[i + 7]]))
			i += 8;
		while (i < len && !escape_lead[u[i]])
			i++;
		if (i == len)
			break;
		c = u[i];
		switch (c) {
		case '&':
			rep = "&amp;";
			rep_len = 5;
			break;
		case '<':
			rep = "&lt;";
			rep_len = 4;
			break;
		case '>':
			rep = "&gt;";
			rep_len = 4;
			break;
		case '"':
			rep = "&quot;";
			rep_len = 6;
			break;
		case '\'':
			rep = "&#39;";
			rep_len = 5;
			break;
		case 0xC2:
			if (i + 1 < len && u[i + 1] >= 0x80 &&
			    u[i + 1] <= 0x9F) {
				rep = "&#xFFFD;";
				rep_len = 8;
				skip = 2;
			}
			break;
		case 0xD8:
			if (i + 1 < len && u[i + 1] == 0x9C) {
				rep = "&#x61C;";
				rep_len = 7;
				skip = 2;
			}
			break;
		case 0xE2:
			if (i + 2 < len && (u[i + 1] & 0xC0) == 0x80 &&
			    (u[i + 2] & 0xC0) == 0x80) {
				unsigned cp = (c & 0x0Fu) << 12 |
					      (u[i + 1] & 0x3Fu) << 6 |
					      (u[i + 2] & 0x3Fu);
				if (is_bidi_control(cp)) {
					rep_len = hex_ref(ref, cp);
					rep = ref;
					skip = 3;
				}
			}
			break;
		default: /* C0 controls and DEL */
			rep_len =
			    hex_ref(ref, c == 0x7f ? 0x2421u : 0x2400u + c);
			rep = ref;
			break;
		}
		if (rep) {
			strbuf_append(sb, s + start, i - start);
			strbuf_append(sb, rep, rep_len);
			i += skip;
			start = i;
		} else {
			i++;
		}
	}
	strbuf_append(sb, s + start, len - start);
}

static void html_escape(strbuf *sb, const char *s)
{
	html_escape_n(sb, s, strlen(s));
}

/* i18n_format's put: every placeholder value is escaped. */
static void put_escaped(strbuf *sb, const char *value)
{
	html_escape(sb, value);
}

/* The same, kept on one line: dates in narrow table cells. */
static void put_nowrap(strbuf *sb, const char *value)
{
	strbuf_puts(sb, "<span class=\"nw\">");
	html_escape(sb, value);
	strbuf_puts(sb, "</span>");
}

static void put_plain(strbuf *sb, const char *value)
{
	strbuf_puts(sb, value);
}

/* Writing */

static void raw(struct html *h, const char *s)
{
	strbuf_puts(&h->sb, s);
}

static void esc(struct html *h, const char *s)
{
	html_escape(&h->sb, s);
}

/* Room for a decimal integer (format_signed) and its NUL. */
#define NUMBER_BUFSIZE 24

static void put_long(strbuf *sb, long v)
{
	char buf[NUMBER_BUFSIZE];

	strbuf_append(sb, buf, format_signed(v, buf));
}

static void put_unsigned(strbuf *sb, unsigned long long v)
{
	char buf[NUMBER_BUFSIZE];

	strbuf_append(sb, buf, format_unsigned(v, buf));
}

/* strbuf_printf for the markup of this file, which only needs %s, %d,
 * %ld, %u, %zu and %%: formatting those here costs a fraction of
 * vsnprintf, and the page is made of hundreds of such pieces. Any other
 * conversion is handed to strbuf_vprintf, so the output never differs. */
static void html_printf(struct html *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void html_printf(struct html *h, const char *fmt, ...)
{
	strbuf *sb = &h->sb;
	size_t start = sb->len;
	const char *run = fmt, *pct;
	va_list ap, again;

	va_start(ap, fmt);
	va_copy(again, ap);
	while ((pct = strchr(run, '%'))) {
		strbuf_append(sb, run, (size_t)(pct - run));
		if (pct[1] == 's') {
			strbuf_puts(sb, va_arg(ap, const char *));
			run = pct + 2;
		} else if (pct[1] == 'd') {
			put_long(sb, va_arg(ap, int));
			run = pct + 2;
		} else if (pct[1] == 'u') {
			put_unsigned(sb, va_arg(ap, unsigned));
			run = pct + 2;
		} else if (pct[1] == 'l' && pct[2] == 'd') {
			put_long(sb, va_arg(ap, long));
			run = pct + 3;
		} else if (pct[1] == 'z' && pct[2] == 'u') {
			put_unsigned(sb, va_arg(ap, size_t));
			run = pct + 3;
		} else if (pct[1] == '%') {
			strbuf_putc(sb, '%');
			run = pct + 2;
		} else {
			strbuf_truncate(sb, start);
			strbuf_vprintf(sb, fmt, again);
			goto done;
		}
	}
	strbuf_puts(sb, run);
done:
	va_end(again);
	va_end(ap);
}

/* snprintf(buf, size, "%s%s%s%s", a, b, c, d) without the formatting:
 * keys of the catalog are made this way per table cell. */
static void make_key(char *buf, size_t size, const char *a, const char *b,
		     const char *c, const char *d)
{
	const char *parts[4] = {a, b, c, d};
	size_t len = 0, i, n;

	for (i = 0; i < 4; i++) {
		n = strlen(parts[i]);
		if (n > size - 1 - len)
			n = size - 1 - len;
		memcpy(buf + len, parts[i], n);
		len += n;
	}
	buf[len] = '\0';
}

/* A value from the record: escaped and bidi-isolated. */
static void value(struct html *h, const char *s, size_t len)
{
	raw(h, "<bdi>");
	html_escape_n(&h->sb, s, len);
	raw(h, "</bdi>");
}

static void say(struct html *h, const char *key, const char *const *vars)
{
	i18n_format(&h->sb, h->lang, key, put_escaped, vars);
}

/* A translation as plain text, for building labels; escape when output. */
static void say_plain(struct html *h, strbuf *sb, const char *key,
		      const char *const *vars)
{
	i18n_format(sb, h->lang, key, put_plain, vars);
}

static const char *msg(struct html *h, const char *key)
{
	return i18n_get(h->lang, key);
}

/* The translation of key, or NULL where the catalog has none (i18n_get
 * then answers the key itself). */
static const char *find_msg(struct html *h, const char *key)
{
	const char *t = i18n_get(h->lang, key);

	return strcmp(t, key) != 0 ? t : NULL;
}

/* say() of a template already found. */
static void say_text(struct html *h, const char *t, const char *const *vars)
{
	i18n_expand(&h->sb, t, put_escaped, vars);
}

static void tag_say(struct html *h, const char *open, const char *key,
		    const char *const *vars, const char *close)
{
	raw(h, open);
	say(h, key, vars);
	raw(h, close);
}

/* Times */

static void memo_format(struct html *h, dyd_time t, bool date, char *buf)
{
	uint64_t mix = (uint64_t)t * UINT64_C(0x9E3779B97F4A7C15);
	struct time_memo *m = &h->memo[(mix >> 59 ^ date) % TIME_MEMO_SIZE];

	if (!m->used || m->t != t || m->date != date) {
		if (date)
			tz_format_date(h->zone, t, m->text);
		else
			tz_format(h->zone, t, m->text);
		m->t = t;
		m->date = date;
		m->used = true;
	}
	memcpy(buf, m->text, strlen(m->text) + 1);
}

/* tz_format in the reader's zone. */
static void local_time(struct html *h, dyd_time t, char *buf)
{
	memo_format(h, t, false, buf);
}

/* tz_format_date in the reader's zone. */
static void local_date(struct html *h, dyd_time t, char *buf)
{
	memo_format(h, t, true, buf);
}

/* "2016-09-03T12:42:10Z", for datetime attributes (whole seconds). */
static void iso_seconds(dyd_time t, char *buf)
{
	dyd_time_format(t - ((t % 1000000000 + 1000000000) % 1000000000), buf);
}

/* A policy date is a date, not an instant: shown as the policy says. */
static void policy_date(dyd_time t, char *buf)
{
	tz_local l;

	time_civil(t, &l);
	tz_civil_date(&l, buf);
}

static void put_time(struct html *h, dyd_time t)
{
	char iso[TZ_FORMAT_BUFSIZE], local[TZ_FORMAT_BUFSIZE];

	iso_seconds(t, iso);
	local_time(h, t, local);
	raw(h, "<time datetime=\"");
	raw(h, iso);
	raw(h, "\">");
	esc(h, local);
	raw(h, "</time>");
}

static void put_date(struct html *h, dyd_time t)
{
	char iso[TZ_FORMAT_BUFSIZE];

	policy_date(t, iso);
	raw(h, "<time class=\"nw\" datetime=\"");
	raw(h, iso);
	raw(h, "\">");
	raw(h, iso);
	raw(h, "</time>");
}

/* The date a cell is shared since: the policy date when that is what
 * decided it, else the acceptance date in the reader's zone. */
static void since_text(struct html *h, const decision_cell *c,
		       const policy_category *cat, char *buf)
{
	const policy_terms *t = &h->p->terms[cat->rules[c->rule].since];

	if (c->since == t->effective)
		policy_date(c->since, buf);
	else
		local_date(h, c->since, buf);
}

/* Record values */

static const char *purpose_label(struct html *h, size_t purpose)
{
	if (h->purposes)
		return h->purposes[purpose].label;
	return text_get(&h->p->purposes[purpose].label, h->lang);
}

/* esc(h, purpose_label(h, purpose)). */
static void esc_purpose(struct html *h, size_t purpose)
{
	const struct purpose_text *t;

	if (!h->purposes) {
		esc(h, purpose_label(h, purpose));
		return;
	}
	t = &h->purposes[purpose];
	if (t->len)
		strbuf_append(&h->sb, h->escaped.data + t->at, t->len);
}

static void prepare_purposes(struct html *h)
{
	size_t i, n = h->p->purpose_count;

	h->purposes = malloc((n ? n : 1) * sizeof(*h->purposes));
	for (i = 0; h->purposes && i < n; i++) {
		struct purpose_text *t = &h->purposes[i];
		t->label = text_get(&h->p->purposes[i].label, h->lang);
		t->at = h->escaped.len;
		html_escape(&h->escaped, t->label);
		t->len = h->escaped.len - t->at;
	}
	if (h->escaped.failed) {
		free(h->purposes);
		h->purposes = NULL;
	}
}

/* A number as the record wrote it where known; independent of locale. */
static void number_text(const doc_node *n, char *buf, size_t size)
{
	char *comma;

	if (n->text && n->plain) {
		snprintf(buf, size, "%s", n->text);
		return;
	}
	/* Counts are whole numbers, and below 10^15 "%.15g" writes one as
	 * its plain digits ("-0" aside), which format_signed does faster. */
	if (size >= NUMBER_BUFSIZE && n->number > -1e15 && n->number < 1e15) {
		long long whole = (long long)n->number;
		if ((double)whole == n->number &&
		    !(whole == 0 && signbit(n->number))) {
			format_signed(whole, buf);
			return;
		}
	}
	snprintf(buf, size, "%.15g", n->number);
	comma = strchr(buf, ',');
	if (comma)
		*comma = '.';
}

/* The translation of an enumerated value, or the value itself. */
static void enum_value(struct html *h, const char *v)
{
	size_t len = strlen(v);
	const char *t = NULL;
	char key[96];

	if (len < 64) {
		make_key(key, sizeof(key), "html.value.", v, "", "");
		t = find_msg(h, key);
	}
	if (t)
		say_text(h, t, NULL);
	else
		value(h, v, len);
}

/* One field of a record object, by its kind. */
static void field_value(struct html *h, const field_spec *f, const doc_node *n)
{
	char buf[64];
	dyd_time t;

	switch (f->kind) {
	case FIELD_TIME:
		if (doc_is_text(n) &&
		    dyd_time_parse(n->text, n->len, false, &t) == 0) {
			put_time(h, t);
			return;
		}
		break;
	case FIELD_ENUM:
		if (doc_is_text(n)) {
			enum_value(h, n->text);
			return;
		}
		break;
	case FIELD_BOOL:
		if (n->type == DOC_BOOL) {
			say(h,
			    n->boolean ? "html.value.true" : "html.value.false",
			    NULL);
			return;
		}
		break;
	case FIELD_COUNT:
	case FIELD_NUMBER:
		if (doc_is_number(n)) {
			number_text(n, buf, sizeof(buf));
			value(h, buf, strlen(buf));
			return;
		}
		break;
	default:
		break;
	}
	if (doc_is_text(n))
		value(h, n->text, n->len);
}

static const field_spec *top_field(const char *name)
{
	return record_field_find(name, NULL);
}

static void field_label(struct html *h, const char *section, const char *name)
{
	const char *t;
	char key[128];

	make_key(key, sizeof(key), "html.field.", section ? section : "",
		 section ? "." : "", name);
	t = find_msg(h, key);
	if (t)
		say_text(h, t, NULL);
	else
		esc(h, name);
}

/* The head: CSP first, then everything inline. */

static const char stylesheet[] =
    ":root{color-scheme:light dark;--bg:#fbfbf9;--fg:#1d232a;"
    "--muted:#5b6570;--line:#d5d9de;--card:#fff;--accent:#0b6e4f;"
    "--accent-bg:#e6f3ee;--warn:#8a4b00;--warn-bg:#fdf1e1;"
    "--shared:#8a4b00;--shared-bg:#fdf1e1;--kept:#0b6e4f;"
    "--kept-bg:#e6f3ee;--band:#cfe6dc;--future:#eceef1}\n"
    "@media (prefers-color-scheme:dark){:root{--bg:#14181c;--fg:#e4e7ea;"
    "--muted:#a2acb6;--line:#38414a;--card:#1b2026;--accent:#6fd1a9;"
    "--accent-bg:#18352b;--warn:#f2b86b;--warn-bg:#3a2a14;"
    "--shared:#f2b86b;--shared-bg:#3a2a14;--kept:#6fd1a9;"
    "--kept-bg:#18352b;--band:#24473a;--future:#232a31}}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
    "body{margin:0;background:var(--bg);color:var(--fg);"
    "font:16px/1.55 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "\"Noto Sans\",\"Liberation Sans\",\"DejaVu Sans\",sans-serif}\n"
    "main,header{max-width:60rem;margin:0 auto;padding:0 1rem}\n"
    "header{padding-top:2rem}\n"
    "h1{font-size:1.75rem;line-height:1.25;margin:0 0 .5rem}\n"
    "h2{font-size:1.35rem;line-height:1.3;margin:2.5rem 0 .75rem;"
    "padding-top:1rem;border-top:1px solid var(--line)}\n"
    "h3{font-size:1.05rem;margin:1.5rem 0 .5rem}\n"
    "p{margin:.5rem 0}\n"
    ".meta,.note,.desc,caption{color:var(--muted)}\n"
    "nav ol{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;"
    "padding:0;margin:.75rem 0 0;list-style:none;font-size:.95rem}\n"
    "nav h2{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0);margin:0;padding:0;border:0}\n"
    "a{color:var(--accent)}\n"
    "sup.fn{line-height:0;font-size:.7em}"
    "sup.fn a{text-decoration:none}"
    "ol.sources li{margin:.35rem 0;overflow-wrap:anywhere}\n"
    ".vh{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0);white-space:nowrap}\n"
    ".answer{background:var(--card);border:1px solid var(--line);"
    "border-left:.5rem solid var(--accent);border-radius:.5rem;"
    "padding:1rem 1.25rem;margin:1rem 0}\n"
    ".answer.no,.answer.na{border-left-color:var(--warn)}\n"
    ".verdict{font-size:1.4rem;font-weight:700;line-height:1.3;"
    "margin:0 0 .5rem}\n"
    ".sym{display:inline-block;min-width:1.2em;font-weight:700}\n"
    ".yes .verdict .sym{color:var(--accent)}\n"
    ".no .verdict .sym,.na .verdict .sym{color:var(--warn)}\n"
    ".open{background:var(--warn-bg);color:var(--fg);"
    "border-radius:.35rem;padding:.5rem .75rem}\n"
    "ul,ol{padding-left:1.4rem}\n"
    "li{margin:.25rem 0}\n"
    ".scroll{overflow-x:auto;margin:.75rem 0}\n"
    "table{border-collapse:collapse;width:100%;background:var(--card);"
    "font-size:.92rem}\n"
    "caption{text-align:left;font-size:.9rem;padding:.25rem 0 .5rem}\n"
    "caption.vh{position:static;width:auto;height:1px;padding:0;"
    "clip-path:inset(50%)}\n"
    "th,td{border:1px solid var(--line);padding:.45rem .6rem;"
    "text-align:left;vertical-align:top}\n"
    "thead th{background:var(--bg);font-weight:600}\n"
    "tbody th{font-weight:600}\n"
    "th .desc{display:block;font-weight:400;font-size:.9em}\n"
    ".matrix table{font-size:.85rem}\n"
    ".matrix tbody th{min-width:11rem}\n"
    ".nw{white-space:nowrap}\n"
    "td.shared{background:var(--shared-bg);color:var(--fg)}\n"
    "td.shared .sym{color:var(--shared)}\n"
    "td.kept{background:var(--kept-bg);color:var(--fg)}\n"
    "td.kept .sym{color:var(--kept)}\n"
    "td.none{color:var(--muted);text-align:center}\n"
    ".legend{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;"
    "font-size:.9rem;padding:0;list-style:none}\n"
    ".items{margin:.35rem 0 0;padding-left:1.1rem;font-weight:400}\n"
    "dl{display:grid;grid-template-columns:minmax(9rem,16rem) 1fr;"
    "gap:.35rem 1rem;margin:.5rem 0}\n"
    "dt{font-weight:600}\n"
    "dd{margin:0;overflow-wrap:anywhere}\n"
    "dl.plain{display:block}\n"
    "dl.plain dd{margin:0 0 .6rem}\n"
    ".host{display:block}\n"
    ".host-parent{border-left:.25rem solid var(--warn);padding-left:.5rem}\n"
    ".host-partner{border-left:.25rem dashed var(--muted);"
    "padding-left:.5rem}\n"
    ".host-self{border-left:.25rem solid var(--accent);padding-left:.5rem}\n"
    ".cols{columns:14rem;column-gap:2rem;list-style:none;padding:0}\n"
    ".cols li{margin:0 0 .25rem;break-inside:avoid}\n"
    "code,.mono{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;"
    "font-size:.9em;overflow-wrap:anywhere}\n"
    "pre{background:var(--card);border:1px solid var(--line);"
    "border-radius:.35rem;padding:.6rem .8rem;overflow-x:auto}\n"
    "svg{display:block;width:100%;min-width:42rem;height:auto;"
    "font-family:inherit}\n"
    ".tl text{fill:var(--fg);font-size:12px;paint-order:stroke;"
    "stroke:var(--bg);stroke-width:4px;stroke-linejoin:round}\n"
    ".tl .year{fill:var(--muted);font-size:11px}\n"
    ".tl .axis{stroke:var(--muted);stroke-width:1}\n"
    ".tl .grid{stroke:var(--line);stroke-width:1}\n"
    ".tl .lead{stroke:var(--line);stroke-width:1;stroke-dasharray:2 3}\n"
    ".tl .band{fill:var(--band)}\n"
    ".tl .future{fill:var(--future)}\n"
    ".tl .span{stroke:var(--accent);stroke-width:3}\n"
    ".tl .mark{fill:var(--accent);stroke:var(--accent);stroke-width:1.5}\n"
    ".tl .mark.policy{fill:var(--muted);stroke:var(--muted)}\n"
    ".tl .mark.ignored{fill:var(--card);stroke:var(--warn)}\n"
    ".tl .asof{stroke:var(--fg);stroke-width:1.5;stroke-dasharray:5 3}\n"
    "@media (max-width:40rem){body{font-size:15px}"
    "h1{font-size:1.45rem}.verdict{font-size:1.2rem}"
    "dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:.5rem}"
    ".stack caption{display:block}"
    ".stack table,.stack tbody,.stack tr,.stack th,.stack td"
    "{display:block;width:100%}"
    ".stack thead{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0)}"
    ".stack tr{margin:0 0 .75rem;border:1px solid var(--line);"
    "border-radius:.35rem;overflow:hidden}"
    ".stack th,.stack td{border:0;border-top:1px solid var(--line)}"
    ".stack tr>:first-child{border-top:0}"
    ".stack tbody th{background:var(--bg)}"
    ".stack td[data-label]::before{content:attr(data-label);display:block;"
    "font-size:.8rem;font-weight:600;color:var(--muted)}"
    ".stack td.none{display:none}"
    ".stack table{background:none}"
    ".matrix tbody th{min-width:0}}\n"
    "@media print{:root{--bg:#fff;--fg:#000;--muted:#333;--line:#999;"
    "--card:#fff;--accent:#000;--warn:#000;--shared:#000;--kept:#000;"
    "--band:#ddd;--future:#f4f4f4}"
    "body{background:#fff;color:#000;font-size:10.5pt}"
    "nav{display:none}"
    "main,header{max-width:none;padding:0}"
    ".answer,.open,td.shared,td.kept,thead th,table,pre{background:none}"
    ".answer{border:2px solid #000}"
    ".scroll{overflow:visible}"
    "svg{min-width:0}"
    "table,.matrix table{font-size:8pt}"
    "th,td{padding:.2rem .35rem}"
    ".matrix tbody th{min-width:0;width:18%}"
    "h2,h3{break-after:avoid}"
    "section,.answer,tr,dt,dd,svg,li{break-inside:avoid}"
    "dt{break-after:avoid}"
    "a{color:#000;text-decoration:none}}\n";

static void render_head(struct html *h)
{
	const char *title_vars[] = {"service", h->p->service, "account",
				    h->rec->account_id, NULL};

	raw(h, "<!DOCTYPE html>\n<html lang=\"");
	esc(h, h->lang);
	raw(h, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	       "<meta http-equiv=\"Content-Security-Policy\" "
	       "content=\"default-src 'none'; style-src 'unsafe-inline'; "
	       "img-src data:; base-uri 'none'; form-action 'none'\">\n"
	       "<meta name=\"viewport\" "
	       "content=\"width=device-width, initial-scale=1\">\n"
	       "<meta name=\"color-scheme\" content=\"light dark\">\n"
	       "<meta name=\"referrer\" content=\"no-referrer\">\n"
	       "<meta name=\"generator\" content=\"dyd " DYD_VERSION "\">\n");
	tag_say(h, "<title>", "html.title", title_vars, "</title>\n");
	raw(h, "<style>\n");
	strbuf_append(&h->sb, stylesheet, sizeof(stylesheet) - 1);
	raw(h, "</style>\n</head>\n<body>\n");
}

static const char *const section_ids[] = {
    "optout", "terms",	  "sharing", "business",
    "data",   "timeline", "sources", "about",
};

static const char *const section_keys[] = {
    "html.optout.heading",   "html.terms.heading", "html.sharing.heading",
    "html.business.heading", "html.data.heading",  "html.timeline.heading",
    "html.sources.heading",  "html.about.heading",
};

static void render_header(struct html *h)
{
	const char *v[] = {"service", h->p->service, "parent",
			   h->p->parent_company, NULL};
	char as_of[TZ_FORMAT_BUFSIZE];
	size_t i;

	local_time(h, h->d->as_of, as_of);
	{
		const char *iv[] = {"account", h->rec->account_id,
				    "phone",   h->rec->phone,
				    "as_of",   as_of,
				    NULL};
		raw(h, "<header>\n");
		tag_say(h, "<h1>", "html.heading", v, "</h1>\n");
		tag_say(h, "<p class=\"meta\">", "html.intro", iv, "</p>\n");
	}
	raw(h, "<nav aria-labelledby=\"nav-h\">");
	tag_say(h, "<h2 id=\"nav-h\">", "html.nav", NULL, "</h2>");
	raw(h, "<ol>");
	for (i = 0; i < sizeof(section_ids) / sizeof(*section_ids); i++) {
		html_printf(h, "<li><a href=\"#%s\">", section_ids[i]);
		say(h, section_keys[i], v);
		raw(h, "</a></li>");
	}
	raw(h, "</ol></nav>\n</header>\n<main>\n");
}

static void open_section(struct html *h, size_t i)
{
	const char *v[] = {"service", h->p->service, "parent",
			   h->p->parent_company, NULL};
	html_printf(h,
		    "<section id=\"%s\" aria-labelledby=\"%s-h\">\n"
		    "<h2 id=\"%s-h\">",
		    section_ids[i], section_ids[i], section_ids[i]);
	say(h, section_keys[i], v);
	raw(h, "</h2>\n");
}

static void close_section(struct html *h)
{
	raw(h, "</section>\n");
}

/* Footnotes */

/* The number of a footnote, given it on first use; 0 without memory. */
static size_t footnote_number(struct html *h, const policy_cite *c,
			      size_t quote)
{
	size_t i;

	for (i = 0; i < h->fn_count; i++)
		if (h->fn[i].cite == c && h->fn[i].quote == quote)
			return i + 1;
	if (h->fn_count == h->fn_cap) {
		size_t cap = h->fn_cap ? h->fn_cap * 2 : 64;
		struct footnote *grown = realloc(h->fn, cap * sizeof(*grown));
		if (!grown) {
			h->sb.failed = true;
			return 0;
		}
		h->fn = grown;
		h->fn_cap = cap;
	}
	h->fn[h->fn_count].cite = c;
	h->fn[h->fn_count].quote = quote;
	return ++h->fn_count;
}

/* One footnote mark, linking to its footnote. */
static void mark(struct html *h, size_t n)
{
	html_printf(h, "<a href=\"#fn-%zu\">%zu</a>", n, n);
}

/* The numbers first..last, opening the marks when first is. */
static void marks_run(struct html *h, size_t first, size_t last, bool opening)
{
	size_t n;

	raw(h, opening ? "<sup class=\"fn\">" : ",");
	if (last - first >= 2) {
		mark(h, first);
		raw(h, "\xE2\x80\x93");
		mark(h, last);
		return;
	}
	for (n = first; n <= last; n++) {
		if (n > first)
			raw(h, ",");
		mark(h, n);
	}
}

/* The marks of what an answer rests on: each element's quotes, then its
 * note; an element named twice is marked once. A run of three or more
 * consecutive numbers is written as a range (2\xE2\x80\x936), which keeps a
 * cell readable when an answer rests on a dozen quotes. */
static void marks_of(struct html *h, const policy_cite *const *groups,
		     size_t count)
{
	size_t g, k, i, n, run = 0, first = 0, last = 0;

	for (g = 0; g < count; g++) {
		const policy_cite *c = groups[g];
		for (k = 0; k < g && groups[k] != c; k++)
			;
		if (k < g)
			continue;
		for (i = 0; i < c->count + (c->note.count ? 1 : 0); i++) {
			n = footnote_number(h, c, i < c->count ? i : NO_INDEX);
			if (!n)
				return;
			if (run && n == last + 1) {
				last = n;
				continue;
			}
			if (run)
				marks_run(h, first, last, run == 1);
			first = last = n;
			run++;
		}
	}
	if (run) {
		marks_run(h, first, last, run == 1);
		raw(h, "</sup>");
	}
}

static void marks(struct html *h, const decision_cites *c)
{
	marks_of(h, c->group, c->count);
}

static void marks_one(struct html *h, const policy_cite *c)
{
	marks_of(h, &c, 1);
}

/* 1. The opt-out answer */

static char *join_covers(struct html *h)
{
	const policy_optout *o = h->p->terms[h->d->optout.terms].optout;
	strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < o->cover_count; i++) {
		if (i)
			strbuf_puts(&sb, ", ");
		strbuf_puts(&sb, purpose_label(h, o->covers[i]));
	}
	if (!sb.data && !sb.failed)
		strbuf_puts(&sb, "");
	return strbuf_detach(&sb);
}

static void withheld_reason(struct html *h, withheld_by by, size_t region,
			    size_t terms, strbuf *out)
{
	const dyd_policy *p = h->p;
	const char *region_name = "";
	const char *key = "withheld_by.condition_false";

	if (by == WITHHELD_REGION) {
		region_name = p->regions[region].label.count
				  ? text_get(&p->regions[region].label, h->lang)
				  : p->regions[region].id;
		key = "withheld_by.region";
	} else if (by == WITHHELD_OPT_OUT) {
		key = "withheld_by.opt_out";
	} else if (by == WITHHELD_TERMS_NOT_ACCEPTED) {
		key = "withheld_by.terms_not_accepted";
	}
	{
		const char *v[] = {"region", region_name, "terms",
				   terms == NO_INDEX ? "" : p->terms[terms].id,
				   NULL};
		say_plain(h, out, key, v);
	}
}

static void render_meaning(struct html *h)
{
	const dyd_decision *d = h->d;
	const dyd_policy *p = h->p;
	strbuf shared = STRBUF_INIT, kept = STRBUF_INIT;
	size_t i, c, k;

	for (i = 0; i < p->purpose_count; i++) {
		bool any = false;
		for (c = 0; c < d->category_count && !any; c++)
			for (k = 0; k < d->categories[c].cell_count; k++)
				if (d->categories[c].cells[k].purpose == i &&
				    d->categories[c].cells[k].shared)
					any = true;
		if (!any)
			continue;
		if (shared.len)
			strbuf_puts(&shared, ", ");
		strbuf_puts(&shared, purpose_label(h, i));
	}
	for (i = 0; i < d->withheld_count; i++) {
		const withheld_purpose *w = &d->withheld[i];
		if (kept.len)
			strbuf_puts(&kept, ", ");
		strbuf_puts(&kept, purpose_label(h, w->purpose));
		strbuf_puts(&kept, " (");
		withheld_reason(h, w->by, w->region, NO_INDEX, &kept);
		strbuf_puts(&kept, ")");
	}
	h->sb.failed |= shared.failed || kept.failed;

	tag_say(h, "<h3>", "html.meaning.heading", NULL, "</h3>\n<ul>\n");
	{
		const char *v[] = {"parent",   p->parent_company,
				   "service",  p->service,
				   "purposes", shared.data ? shared.data : "",
				   NULL};
		tag_say(h, "<li>",
			shared.len ? "html.meaning.shared_for"
				   : "html.meaning.shared_none",
			v, "</li>\n");
	}
	if (kept.len) {
		const char *v[] = {"parent", p->parent_company, "purposes",
				   kept.data, NULL};
		const policy_cite *why[DECISION_CITES_MAX * 8];
		size_t n = 0, g;
		raw(h, "<li>");
		say(h, "html.meaning.not_used_for", v);
		for (i = 0; i < d->withheld_count; i++)
			for (g = 0; g < d->withheld[i].cites.count &&
				    n < sizeof(why) / sizeof(*why);
			     g++)
				why[n++] = d->withheld[i].cites.group[g];
		marks_of(h, why, n);
		raw(h, "</li>\n");
	}
	if (d->has_optout && d->optout.has_window && !d->optout.window_open &&
	    d->as_of >= d->optout.window_end &&
	    d->optout.status != OPTOUT_OPTED_OUT)
		tag_say(h, "<li>", "html.meaning.closed", NULL, "</li>\n");
	{
		const char *v[] = {"parent", p->parent_company, "service",
				   p->service, NULL};
		tag_say(h, "<li>", "html.meaning.e2e", v, "</li>\n");
	}
	tag_say(h, "<li>", "html.meaning.details", NULL, "</li>\n");
	raw(h, "</ul>\n");
	strbuf_release(&shared);
	strbuf_release(&kept);
}

static void render_ignored(struct html *h)
{
	const decision_optout *o = &h->d->optout;
	char at[TZ_FORMAT_BUFSIZE];
	size_t i;

	if (!o->ignored_count)
		return;
	tag_say(h, "<h3>", "html.ignored.heading", NULL, "</h3>\n<ul>\n");
	for (i = 0; i < o->ignored_count; i++) {
		const record_event *ev = o->ignored[i].event;
		char key[64], ckey[64], wkey[64];
		make_key(key, sizeof(key), "event.", event_type_name(ev->type),
			 "", "");
		make_key(ckey, sizeof(ckey), "channel.",
			 ev->channel ? ev->channel : "", "", "");
		make_key(wkey, sizeof(wkey), "ignored.",
			 ignored_why_name(o->ignored[i].why), "", "");
		local_time(h, ev->at, at);
		{
			const char *v[] = {"type", msg(h, key),	 "at",
					   at,	   "channel",	 msg(h, ckey),
					   "why",  msg(h, wkey), NULL};
			tag_say(h, "<li>", "optout.ignored.item", v, "</li>\n");
		}
	}
	raw(h, "</ul>\n");
}

static void render_optout(struct html *h)
{
	const dyd_decision *d = h->d;
	const dyd_policy *p = h->p;
	const decision_optout *o = &d->optout;
	const policy_terms *t;
	char at[TZ_FORMAT_BUFSIZE] = "", start[TZ_FORMAT_BUFSIZE] = "";
	char end[TZ_FORMAT_BUFSIZE] = "", eff[TZ_FORMAT_BUFSIZE] = "";
	char reg[TZ_FORMAT_BUFSIZE] = "", days[16], ckey[64];
	const char *verdict, *cls, *sym, *reason_key = NULL;
	const char *channel = "";
	char *covers;

	open_section(h, 0);
	if (!d->has_optout) {
		raw(h, "<div class=\"answer na\">\n<p class=\"verdict\">"
		       "<span class=\"sym\" aria-hidden=\"true\">&#x2013;"
		       "</span> ");
		say(h, "html.verdict.none", NULL);
		raw(h, "</p>\n");
		tag_say(h, "<p>", "optout.none", NULL, "</p>\n</div>\n");
		render_meaning(h);
		close_section(h);
		return;
	}
	t = &p->terms[o->terms];
	snprintf(days, sizeof(days), "%u", t->optout->window_days);
	policy_date(t->effective, eff);
	local_time(h, d->record->registered_at, reg);
	if (o->has_window) {
		local_time(h, o->window_start, start);
		local_time(h, o->window_end, end);
	}
	if (o->choice) {
		local_time(h, o->choice->at, at);
		make_key(ckey, sizeof(ckey), "channel.",
			 o->choice->channel ? o->choice->channel : "", "", "");
		channel = msg(h, ckey);
	}
	switch (o->status) {
	case OPTOUT_OPTED_OUT:
		verdict = "html.verdict.opted_out";
		cls = "yes";
		sym = "&#x2713;";
		break;
	case OPTOUT_NOT_OPTED_OUT:
		verdict = "html.verdict.not_opted_out";
		cls = "no";
		sym = "&#x2715;";
		break;
	default:
		verdict = o->reason == REASON_BEFORE_OFFER
			      ? "html.verdict.before_offer"
			      : "html.verdict.registered_after_offer";
		cls = "na";
		sym = "&#x2013;";
		break;
	}
	switch (o->reason) {
	case REASON_OPTOUT_IN_WINDOW:
		reason_key = "html.reason.opted_out";
		break;
	case REASON_OPTIN_IN_WINDOW:
		reason_key = "html.reason.optin_in_window";
		break;
	case REASON_NO_CHOICE_IN_WINDOW:
		reason_key = "html.reason.no_choice_in_window";
		break;
	case REASON_TERMS_NOT_ACCEPTED:
		reason_key = "html.reason.terms_not_accepted";
		break;
	case REASON_BEFORE_OFFER:
		reason_key = "html.reason.before_offer";
		break;
	case REASON_REGISTERED_AFTER_OFFER:
		reason_key = "html.reason.registered_after_offer";
		break;
	}
	covers = join_covers(h);
	if (!covers)
		h->sb.failed = true;
	{
		const char *v[] = {"parent",	 p->parent_company,
				   "service",	 p->service,
				   "covers",	 covers ? covers : "",
				   "terms",	 t->id,
				   "days",	 days,
				   "at",	 at,
				   "channel",	 channel,
				   "start",	 start,
				   "end",	 end,
				   "effective",	 eff,
				   "registered", reg,
				   NULL};
		html_printf(h,
			    "<div class=\"answer %s\">\n<p class=\"verdict\">"
			    "<span class=\"sym\" aria-hidden=\"true\">%s"
			    "</span> ",
			    cls, sym);
		say(h, verdict, v);
		marks(h, &o->cites);
		raw(h, "</p>\n");
		tag_say(h, "<p>", reason_key, v, "</p>\n");
		if (o->reason == REASON_OPTOUT_IN_WINDOW)
			tag_say(h, "<p>", "optout.opted_out.detail", v,
				"</p>\n");
		if (o->reason == REASON_OPTOUT_IN_WINDOW && t->optout->final)
			tag_say(h, "<p>", "optout.final", v, "</p>\n");
		if (o->window_open)
			tag_say(h, "<p class=\"open\">", "optout.window_open",
				v, "</p>\n");
		raw(h, "</div>\n");
	}
	free(covers);
	render_meaning(h);
	render_ignored(h);
	close_section(h);
}

/* 2. Terms */

/* What an overdue account faces at the as-of instant, in plain words: the
 * policy's label, else the catalog's words for the keyword, else it. */
static void render_effect(struct html *h, const policy_effect *e, char *key,
			  size_t size)
{
	const char *text = text_get(&e->label, h->lang);
	char from[TZ_FORMAT_BUFSIZE];

	if (!*text && strlen(e->effect) < 64) {
		make_key(key, size, "html.overdue.", e->effect, "", "");
		text = find_msg(h, key);
	}
	policy_date(e->from, from);
	{
		const char *v[] = {"from", from, "effect",
				   text ? text : e->effect, NULL};
		raw(h, "<br>");
		say(h, "html.terms.effect", v);
	}
	marks_one(h, &e->cite);
}

static void render_terms(struct html *h)
{
	const dyd_decision *d = h->d;
	const dyd_policy *p = h->p;
	char as_of[TZ_FORMAT_BUFSIZE], at[TZ_FORMAT_BUFSIZE];
	char deadline[TZ_FORMAT_BUFSIZE], key[96];
	size_t i;

	open_section(h, 1);
	local_time(h, d->as_of, as_of);
	{
		const char *v[] = {"as_of", as_of, NULL};
		raw(h, "<div class=\"scroll stack\"><table>");
		tag_say(h, "<caption>", "html.terms.caption", v,
			"</caption>\n");
	}
	raw(h, "<thead><tr>");
	tag_say(h, "<th scope=\"col\">", "html.terms.col.terms", NULL, "</th>");
	tag_say(h, "<th scope=\"col\">", "html.terms.col.effective", NULL,
		"</th>");
	tag_say(h, "<th scope=\"col\">", "html.terms.col.status", NULL,
		"</th>");
	raw(h, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < p->terms_count; i++) {
		const policy_terms *t = &p->terms[i];
		const decision_terms *dt = &d->terms[i];
		const char *status_key = "", *detail_key = NULL, *sym = "";
		const char *cls = "";

		local_time(h, dt->accepted_at, at);
		policy_date(t->deadline, deadline);
		switch (dt->status) {
		case TERMS_ACCEPTED:
			status_key = dt->at_registration
					 ? "html.terms.status.at_registration"
					 : "html.terms.status.accepted";
			sym = "&#x2713;";
			cls = "kept";
			break;
		case TERMS_PENDING:
			status_key = "html.terms.status.pending";
			if (t->has_deadline)
				detail_key = "html.terms.deadline";
			sym = "&#x25CB;";
			break;
		case TERMS_OVERDUE:
			status_key = "html.terms.status.overdue";
			sym = "&#x26A0;";
			cls = "shared";
			break;
		case TERMS_NOT_YET_EFFECTIVE:
			status_key = "html.terms.status.not_yet_effective";
			sym = "&#x2013;";
			break;
		}
		raw(h, "<tr><th scope=\"row\">");
		esc(h, text_get(&t->title, h->lang));
		marks_one(h, &t->cite);
		raw(h, "<span class=\"desc mono\">");
		esc(h, t->id);
		raw(h, "</span></th><td data-label=\"");
		esc(h, msg(h, "html.terms.col.effective"));
		raw(h, "\">");
		put_date(h, t->effective);
		html_printf(h, "</td><td class=\"%s\" data-label=\"", cls);
		esc(h, msg(h, "html.terms.col.status"));
		html_printf(h,
			    "\"><strong><span class=\"sym\" "
			    "aria-hidden=\"true\">%s</span> ",
			    sym);
		{
			const char *v[] = {"at", at, "deadline", deadline,
					   NULL};
			say(h, status_key, v);
			raw(h, "</strong>");
			if (detail_key) {
				raw(h, "<br>");
				say(h, detail_key, v);
			}
		}
		if (dt->effect)
			render_effect(h, dt->effect, key, sizeof(key));
		raw(h, "</td></tr>\n");
	}
	raw(h, "</tbody></table></div>\n");
	close_section(h);
}

/* 3. The sharing matrix */

static const doc_node *item_label(const doc_node *item)
{
	const doc_node *n = doc_get(item, "name");
	size_t i;

	if (doc_is_text(n))
		return n;
	for (i = 0; item && item->type == DOC_OBJECT && i < item->count; i++)
		if (doc_is_text(item->members[i].value))
			return item->members[i].value;
	return NULL;
}

static void render_items(struct html *h, const decision_category *dc)
{
	const doc_node *arr = record_array(h->rec, dc->category->items_field);
	size_t i;

	if (!arr || !dc->item_count)
		return;
	raw(h, "<span class=\"desc\">");
	say(h, "html.sharing.items", NULL);
	raw(h, "</span><ul class=\"items\">");
	for (i = 0; i < dc->item_count; i++) {
		const doc_node *label;
		if (dc->items[i] >= arr->count)
			continue;
		label = item_label(arr->items[dc->items[i]]);
		raw(h, "<li>");
		if (label)
			value(h, label->text, label->len);
		raw(h, "</li>");
	}
	raw(h, "</ul>");
}

/* A row's marks: the sources of its sharing rules. */
static void category_marks(struct html *h, const decision_category *dc)
{
	const policy_cite *rules[64];
	size_t k, n = 0;

	for (k = 0; k < dc->cell_count && n < 64; k++)
		if (dc->cells[k].cites.count)
			rules[n++] = dc->cells[k].cites.group[0];
	marks_of(h, rules, n);
}

static void render_cell(struct html *h, const decision_category *dc,
			size_t purpose)
{
	const decision_cell *c = NULL;
	char since[TZ_FORMAT_BUFSIZE];
	size_t k;

	for (k = 0; k < dc->cell_count; k++)
		if (dc->cells[k].purpose == purpose)
			c = &dc->cells[k];
	if (!c) {
		raw(h, "<td class=\"none\"><span aria-hidden=\"true\">"
		       "&#x2014;</span><span class=\"vh\">");
		say(h, "html.cell.none", NULL);
		raw(h, "</span></td>");
		return;
	}
	html_printf(h, "<td class=\"%s\" data-label=\"",
		    c->shared ? "shared" : "kept");
	esc_purpose(h, purpose);
	raw(h, "\">");
	if (c->shared) {
		since_text(h, c, dc->category, since);
		const char *v[] = {"since", since, NULL};
		raw(h, "<span class=\"sym\" aria-hidden=\"true\">&#x25CF;"
		       "</span> ");
		i18n_format(&h->sb, h->lang, "html.cell.shared", put_nowrap, v);
	} else {
		strbuf *reason = &h->scratch;
		strbuf_truncate(reason, 0);
		withheld_reason(h, c->by, c->region,
				dc->category->rules[c->rule].since, reason);
		h->sb.failed |= reason->failed;
		const char *v[] = {"reason", reason->data ? reason->data : "",
				   NULL};
		raw(h, "<span class=\"sym\" aria-hidden=\"true\">&#x25CB;"
		       "</span> ");
		say(h, "html.cell.withheld", v);
		/* What withheld it (the opt-out, a region); the rule's own
		 * sources mark the row. */
		if (c->cites.count > 1)
			marks_of(h, c->cites.group + 1, c->cites.count - 1);
	}
	raw(h, "</td>");
}

static void render_sharing(struct html *h)
{
	const dyd_decision *d = h->d;
	const dyd_policy *p = h->p;
	const char *pv[] = {"parent", p->parent_company, NULL};
	char as_of[TZ_FORMAT_BUFSIZE];
	size_t i, j;
	bool any_never = false;

	open_section(h, 2);
	tag_say(h, "<p>", "html.sharing.intro", pv, "</p>\n");
	raw(h, "<ul class=\"legend\"><li><span class=\"sym\" "
	       "aria-hidden=\"true\">&#x25CF;</span> ");
	say(h, "html.legend.shared", NULL);
	raw(h, "</li><li><span class=\"sym\" aria-hidden=\"true\">&#x25CB;"
	       "</span> ");
	say(h, "html.legend.withheld", NULL);
	raw(h, "</li><li><span class=\"sym\" aria-hidden=\"true\">&#x2014;"
	       "</span> ");
	say(h, "html.legend.none", NULL);
	raw(h, "</li></ul>\n");

	local_time(h, d->as_of, as_of);
	{
		const char *v[] = {"parent", p->parent_company, "as_of", as_of,
				   NULL};
		raw(h, "<div class=\"scroll stack matrix\"><table>");
		tag_say(h, "<caption>", "html.sharing.caption", v,
			"</caption>\n");
	}
	raw(h, "<thead><tr>");
	tag_say(h, "<th scope=\"col\">", "html.sharing.col.category", NULL,
		"</th>");
	for (j = 0; j < p->purpose_count; j++) {
		raw(h, "<th scope=\"col\">");
		esc_purpose(h, j);
		raw(h, "</th>");
	}
	raw(h, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < d->category_count; i++) {
		const decision_category *dc = &d->categories[i];
		if (dc->category->never) {
			any_never = true;
			continue;
		}
		raw(h, "<tr><th scope=\"row\">");
		esc(h, text_get(&dc->category->label, h->lang));
		category_marks(h, dc);
		if (dc->category->has_items && dc->shared)
			render_items(h, dc);
		raw(h, "</th>");
		for (j = 0; j < p->purpose_count; j++)
			render_cell(h, dc, j);
		raw(h, "</tr>\n");
	}
	raw(h, "</tbody></table></div>\n");

	if (any_never) {
		tag_say(h, "<h3>", "html.never.heading", pv,
			"</h3>\n<dl class=\"plain\">\n");
		for (i = 0; i < d->category_count; i++) {
			const policy_category *cat = d->categories[i].category;
			if (!cat->never)
				continue;
			raw(h, "<dt><span class=\"sym\" aria-hidden=\"true\">"
			       "&#x25CB;</span> ");
			esc(h, text_get(&cat->label, h->lang));
			raw(h, "</dt><dd>");
			esc(h, text_get(&cat->never_reason, h->lang));
			marks(h, &d->categories[i].cites);
			raw(h, "</dd>\n");
		}
		raw(h, "</dl>\n");
	}
	tag_say(h, "<h3>", "html.categories.heading", NULL,
		"</h3>\n<dl class=\"plain\">\n");
	for (i = 0; i < d->category_count; i++) {
		const policy_category *cat = d->categories[i].category;
		raw(h, "<dt>");
		esc(h, text_get(&cat->label, h->lang));
		raw(h, "</dt><dd>");
		esc(h, text_get(&cat->description, h->lang));
		raw(h, "</dd>\n");
	}
	raw(h, "</dl>\n");
	tag_say(h, "<h3>", "html.purposes.heading", NULL,
		"</h3>\n<dl class=\"plain\">\n");
	for (j = 0; j < p->purpose_count; j++) {
		raw(h, "<dt>");
		esc_purpose(h, j);
		raw(h, "</dt><dd>");
		esc(h, text_get(&p->purposes[j].description, h->lang));
		marks_one(h, &p->purposes[j].cite);
		raw(h, "</dd>\n");
	}
	raw(h, "</dl>\n");
	close_section(h);
}

/* Record tables: one column per field of the section's spec. */

/* The text of a cell's data-label, which narrow screens show. */
static const char *data_label(struct html *h, const char *section,
			      const char *name)
{
	const char *t;
	char key[128];

	make_key(key, sizeof(key), "html.field.", section, ".", name);
	t = find_msg(h, key);
	return t ? t : name;
}

static void hosting_label(struct html *h, const doc_node *n)
{
	const char *t = NULL;
	char key[64];

	if (doc_is_text(n) && n->len < 32) {
		make_key(key, sizeof(key), "html.hosting.", n->text, "", "");
		t = find_msg(h, key);
	}
	if (t) {
		const char *v[] = {"parent", h->p->parent_company, NULL};
		raw(h, "<span class=\"host host-");
		esc(h, n->text);
		raw(h, "\">");
		say_text(h, t, v);
		raw(h, "</span>");
		return;
	}
	if (doc_is_text(n))
		value(h, n->text, n->len);
}

/* What is the same in every row of a column, found once per table. */
struct table_column {
	const field_spec *spec;
	const char *label; /* of its cells */
	bool hosting;
};

/* A table of an array of objects; the first field heads the row. */
static void object_table(struct html *h, const char *section,
			 const char *caption_key, bool caption_shown,
			 const char *const *order)
{
	const field_spec *f = top_field(section);
	const doc_node *arr = record_array(h->rec, section);
	struct table_column *cols;
	size_t i, k, count;

	if (!f || !f->sub)
		return;
	if (!arr || !arr->count) {
		tag_say(h, "<p class=\"note\">", "html.data.empty", NULL,
			"</p>\n");
		return;
	}
	for (count = 0; order[count]; count++)
		;
	cols = calloc(count ? count : 1, sizeof(*cols));
	if (!cols) {
		h->sb.failed = true;
		return;
	}
	for (k = 0; k < count; k++) {
		size_t s;
		for (s = 0; f->sub[s].name; s++)
			if (strcmp(f->sub[s].name, order[k]) == 0)
				cols[k].spec = &f->sub[s];
		cols[k].label = data_label(h, section, order[k]);
		cols[k].hosting = strcmp(order[k], "hosting") == 0;
	}
	raw(h, "<div class=\"scroll stack\"><table>");
	tag_say(h, caption_shown ? "<caption>" : "<caption class=\"vh\">",
		caption_key, NULL, "</caption>\n<thead><tr>");
	for (k = 0; order[k]; k++) {
		raw(h, "<th scope=\"col\">");
		field_label(h, section, order[k]);
		raw(h, "</th>");
	}
	raw(h, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < arr->count; i++) {
		const doc_node *item = arr->items[i];
		raw(h, "<tr>");
		for (k = 0; k < count; k++) {
			const doc_node *n = doc_get(item, order[k]);
			if (k == 0) {
				raw(h, "<th scope=\"row\">");
			} else {
				raw(h, "<td data-label=\"");
				esc(h, cols[k].label);
				raw(h, "\">");
			}
			if (n && cols[k].hosting)
				hosting_label(h, n);
			else if (n && cols[k].spec)
				field_value(h, cols[k].spec, n);
			raw(h, k == 0 ? "</th>" : "</td>");
		}
		raw(h, "</tr>\n");
	}
	raw(h, "</tbody></table></div>\n");
	free(cols);
}

/* 4. Business chats */

static void render_business(struct html *h)
{
	static const char *const order[] = {
	    "name",
	    "hosting",
	    "business_id",
	    "first_contact_at",
	    "last_contact_at",
	    "message_count",
	    NULL,
	};
	const char *v[] = {"parent", h->p->parent_company, NULL};
	const doc_node *arr = record_array(h->rec, "business_chats");

	open_section(h, 3);
	tag_say(h, "<p>", "html.business.intro", v, "</p>\n");
	if (!arr || !arr->count)
		tag_say(h, "<p class=\"note\">", "html.business.none", NULL,
			"</p>\n");
	else
		object_table(h, "business_chats", "html.business.caption", true,
			     order);
	close_section(h);
}

/* 5. The account's own data */

static void object_dl(struct html *h, const char *section)
{
	const field_spec *f = top_field(section);
	const doc_node *obj = doc_get(h->rec->doc->root, section);
	size_t k;
	bool any = false;

	if (f && f->sub && obj && obj->type == DOC_OBJECT) {
		for (k = 0; f->sub[k].name; k++) {
			const doc_node *n = doc_get(obj, f->sub[k].name);
			if (!n)
				continue;
			if (!any)
				raw(h, "<dl>\n");
			any = true;
			raw(h, "<dt>");
			field_label(h, section, f->sub[k].name);
			raw(h, "</dt><dd>");
			field_value(h, &f->sub[k], n);
			raw(h, "</dd>\n");
		}
	}
	if (any)
		raw(h, "</dl>\n");
	else
		tag_say(h, "<p class=\"note\">", "html.data.empty", NULL,
			"</p>\n");
}

static void render_registration(struct html *h)
{
	const dyd_record *rec = h->rec;
	size_t i;

	raw(h, "<dl>\n<dt>");
	field_label(h, NULL, "account_id");
	raw(h, "</dt><dd>");
	value(h, rec->account_id, strlen(rec->account_id));
	raw(h, "</dd>\n<dt>");
	field_label(h, NULL, "phone");
	raw(h, "</dt><dd>");
	value(h, rec->phone, strlen(rec->phone));
	raw(h, "</dd>\n<dt>");
	field_label(h, NULL, "registered_at");
	raw(h, "</dt><dd>");
	put_time(h, rec->registered_at);
	raw(h, "</dd>\n");
	if (rec->region) {
		raw(h, "<dt>");
		field_label(h, NULL, "region");
		raw(h, "</dt><dd>");
		value(h, rec->region, strlen(rec->region));
		for (i = 0; i < h->d->region_count; i++) {
			const policy_region *r =
			    &h->p->regions[h->d->regions[i]];
			raw(h, i ? ", " : " (");
			esc(h, r->label.count ? text_get(&r->label, h->lang)
					      : r->id);
			marks_one(h, &r->cite);
		}
		if (h->d->region_count)
			raw(h, ")");
		raw(h, "</dd>\n");
	}
	if (rec->language) {
		raw(h, "<dt>");
		field_label(h, NULL, "language");
		raw(h, "</dt><dd>");
		value(h, rec->language, strlen(rec->language));
		raw(h, "</dd>\n");
	}
	raw(h, "</dl>\n");
}

static bool event_ignored(struct html *h, const record_event *ev)
{
	size_t i;

	for (i = 0; h->d->has_optout && i < h->d->optout.ignored_count; i++)
		if (h->d->optout.ignored[i].event == ev)
			return true;
	return false;
}

static void event_text(struct html *h, strbuf *sb, const record_event *ev)
{
	char ckey[64];

	make_key(ckey, sizeof(ckey), "channel.", ev->channel ? ev->channel : "",
		 "", "");
	{
		const char *v[] = {"terms",
				   ev->type == EVENT_TERMS_ACCEPTED
				       ? h->p->terms[ev->terms].id
				       : "",
				   "channel", msg(h, ckey), NULL};
		say_plain(h, sb,
			  ev->type == EVENT_TERMS_ACCEPTED
			      ? "html.event.terms_accepted"
			  : ev->type == EVENT_OPTOUT ? "html.event.optout"
						     : "html.event.optin",
			  v);
	}
}

static void render_events(struct html *h)
{
	const dyd_record *rec = h->rec;
	size_t i;

	if (!rec->event_count) {
		tag_say(h, "<p class=\"note\">", "html.data.empty", NULL,
			"</p>\n");
		return;
	}
	raw(h, "<div class=\"scroll stack\"><table>");
	tag_say(h, "<caption class=\"vh\">", "html.data.events", NULL,
		"</caption>\n<thead><tr>");
	tag_say(h, "<th scope=\"col\">", "html.event.col.at", NULL, "</th>");
	tag_say(h, "<th scope=\"col\">", "html.event.col.what", NULL,
		"</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < rec->event_count; i++) {
		const record_event *ev = &rec->events[i];
		strbuf *text = &h->scratch;
		strbuf_truncate(text, 0);
		event_text(h, text, ev);
		h->sb.failed |= text->failed;
		raw(h, "<tr><th scope=\"row\">");
		put_time(h, ev->at);
		raw(h, "</th><td data-label=\"");
		esc(h, msg(h, "html.event.col.what"));
		raw(h, "\">");
		esc(h, text->data ? text->data : "");
		if (ev->at > h->d->as_of) {
			raw(h, "<br><span class=\"note\">");
			say(h, "html.data.after_as_of", NULL);
			raw(h, "</span>");
		} else if (h->d->has_optout && ev == h->d->optout.choice) {
			raw(h, "<br><strong>");
			say(h, "html.event.counted", NULL);
			raw(h, "</strong>");
		} else if (event_ignored(h, ev)) {
			size_t k;
			for (k = 0; k < h->d->optout.ignored_count; k++) {
				char wkey[64];
				if (h->d->optout.ignored[k].event != ev)
					continue;
				make_key(wkey, sizeof(wkey), "ignored.",
					 ignored_why_name(
					     h->d->optout.ignored[k].why),
					 "", "");
				raw(h, "<br><span class=\"note\">");
				say(h, "html.tl.not_counted", NULL);
				raw(h, ": ");
				say(h, wkey, NULL);
				raw(h, "</span>");
			}
		}
		raw(h, "</td></tr>\n");
	}
	raw(h, "</tbody></table></div>\n");
}

static void phone_list(struct html *h, const char *field)
{
	const doc_node *arr = record_array(h->rec, field);
	size_t i;

	if (!arr || !arr->count) {
		tag_say(h, "<p class=\"note\">", "html.data.empty", NULL,
			"</p>\n");
		return;
	}
	raw(h, "<ul class=\"cols mono\">\n");
	for (i = 0; i < arr->count; i++) {
		if (!doc_is_text(arr->items[i]))
			continue;
		raw(h, "<li>");
		value(h, arr->items[i]->text, arr->items[i]->len);
		raw(h, "</li>\n");
	}
	raw(h, "</ul>\n");
}

static void render_devices(struct html *h)
{
	const field_spec *f = top_field("devices");
	const doc_node *arr = record_array(h->rec, "devices");
	size_t i, k;

	if (!f || !arr || !arr->count) {
		tag_say(h, "<p class=\"note\">", "html.data.empty", NULL,
			"</p>\n");
		return;
	}
	for (i = 0; i < arr->count; i++) {
		char n[24];
		format_unsigned(i + 1, n);
		const char *v[] = {"n", n, NULL};
		if (arr->count > 1)
			tag_say(h, "<p><strong>", "html.data.device", v,
				"</strong></p>\n");
		raw(h, "<dl>\n");
		for (k = 0; f->sub[k].name; k++) {
			const doc_node *nd =
			    doc_get(arr->items[i], f->sub[k].name);
			if (!nd)
				continue;
			raw(h, "<dt>");
			field_label(h, "devices", f->sub[k].name);
			raw(h, "</dt><dd>");
			field_value(h, &f->sub[k], nd);
			raw(h, "</dd>\n");
		}
		raw(h, "</dl>\n");
	}
}

static void render_data(struct html *h)
{
	static const char *const groups[] = {"name", "role", "joined_at", "id",
					     NULL};
	static const char *const transactions[] = {
	    "at", "amount", "currency", "merchant", "id", NULL};

	open_section(h, 4);
	tag_say(h, "<p>", "html.data.intro", NULL, "</p>\n");
	tag_say(h, "<h3>", "html.data.profile", NULL, "</h3>\n");
	object_dl(h, "profile");
	tag_say(h, "<h3>", "html.data.registration", NULL, "</h3>\n");
	render_registration(h);
	tag_say(h, "<h3>", "html.data.events", NULL, "</h3>\n");
	render_events(h);
	tag_say(h, "<h3>", "html.data.devices", NULL, "</h3>\n");
	render_devices(h);
	tag_say(h, "<h3>", "html.data.settings", NULL, "</h3>\n");
	object_dl(h, "settings");
	tag_say(h, "<h3>", "html.data.groups", NULL, "</h3>\n");
	object_table(h, "groups", "html.data.groups", false, groups);
	tag_say(h, "<h3>", "html.data.contacts", NULL, "</h3>\n");
	phone_list(h, "contacts");
	tag_say(h, "<h3>", "html.data.blocked", NULL, "</h3>\n");
	phone_list(h, "blocked");
	tag_say(h, "<h3>", "html.data.transactions", NULL, "</h3>\n");
	object_table(h, "transactions", "html.data.transactions", false,
		     transactions);
	close_section(h);
}

/* 6. The timeline */

enum tl_kind { TL_REG, TL_POLICY, TL_WINDOW, TL_ACCEPT, TL_CHOICE, TL_ASOF };

typedef struct tl_item {
	dyd_time at, until; /* until: end of the window */
	enum tl_kind kind;
	size_t seq; /* order of collection, for ties */
	bool ignored;
	bool policy_date;
	char *label; /* plain text */
	char *note;  /* plain text, or NULL */
} tl_item;

#define TL_WIDTH 720
#define TL_LEFT 12
#define TL_RIGHT 12
#define TL_AXIS 30
#define TL_TOP 52
#define TL_ROW 26

static int tl_add(tl_item **items, size_t *count, size_t *cap, dyd_time at,
		  enum tl_kind kind, strbuf *label)
{
	tl_item *it;

	if (*count == *cap) {
		size_t n = *cap ? *cap * 2 : 16;
		tl_item *grown = realloc(*items, n * sizeof(**items));
		if (!grown)
			return DYD_ENOMEM;
		*items = grown;
		*cap = n;
	}
	it = &(*items)[(*count)++];
	memset(it, 0, sizeof(*it));
	it->at = at;
	it->until = at;
	it->kind = kind;
	it->seq = *count - 1;
	it->label = strbuf_detach(label);
	return it->label ? 0 : DYD_ENOMEM;
}

static int tl_cmp(const void *a, const void *b)
{
	const tl_item *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void tl_free(tl_item *items, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		free(items[i].label);
		free(items[i].note);
	}
	free(items);
}

static int tl_collect(struct html *h, tl_item **out, size_t *count)
{
	const dyd_decision *d = h->d;
	const dyd_policy *p = h->p;
	tl_item *items = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	*out = NULL;
	*count = 0;
#define TL_ADD(at, kind, key, vars)                                            \
	do {                                                                   \
		strbuf lb = STRBUF_INIT;                                       \
		say_plain(h, &lb, key, vars);                                  \
		rc = lb.failed ? DYD_ENOMEM                                    \
			       : tl_add(&items, &n, &cap, at, kind, &lb);      \
		strbuf_release(&lb);                                           \
		if (rc)                                                        \
			goto fail;                                             \
	} while (0)

	TL_ADD(d->record->registered_at, TL_REG, "html.tl.registered", NULL);
	for (i = 0; i < p->terms_count; i++) {
		const char *v[] = {"terms", p->terms[i].id, NULL};
		TL_ADD(p->terms[i].effective, TL_POLICY, "html.tl.effective",
		       v);
		items[n - 1].policy_date = true;
		if (p->terms[i].has_deadline) {
			TL_ADD(p->terms[i].deadline, TL_POLICY,
			       "html.tl.deadline", v);
			items[n - 1].policy_date = true;
		}
	}
	if (d->has_optout && d->optout.has_window) {
		char days[16], end[TZ_FORMAT_BUFSIZE];
		snprintf(days, sizeof(days), "%u",
			 p->terms[d->optout.terms].optout->window_days);
		local_date(h, d->optout.window_end, end);
		const char *v[] = {"days", days, "end", end, NULL};
		TL_ADD(d->optout.window_start, TL_WINDOW, "html.tl.window", v);
		items[n - 1].until = d->optout.window_end;
	}
	for (i = 0; i < d->record->event_count; i++) {
		const record_event *ev = &d->record->events[i];
		if (ev->at > d->as_of)
			continue;
		if (ev->type == EVENT_TERMS_ACCEPTED) {
			const char *v[] = {"terms", p->terms[ev->terms].id,
					   NULL};
			TL_ADD(ev->at, TL_ACCEPT, "html.tl.accepted", v);
		} else {
			TL_ADD(ev->at, TL_CHOICE,
			       ev->type == EVENT_OPTOUT ? "html.tl.optout"
							: "html.tl.optin",
			       NULL);
			if (event_ignored(h, ev) || ev == d->optout.choice) {
				strbuf note = STRBUF_INIT;
				items[n - 1].ignored = ev != d->optout.choice;
				say_plain(h, &note,
					  items[n - 1].ignored
					      ? "html.tl.not_counted"
					      : "html.tl.counted",
					  NULL);
				items[n - 1].note = strbuf_detach(&note);
				if (!items[n - 1].note) {
					rc = DYD_ENOMEM;
					goto fail;
				}
			}
		}
	}
	TL_ADD(d->as_of, TL_ASOF, "html.tl.as_of", NULL);
#undef TL_ADD
	qsort(items, n, sizeof(*items), tl_cmp);
	*out = items;
	*count = n;
	return 0;
fail:
	tl_free(items, n);
	return rc;
}

static long tl_x(dyd_time t, dyd_time lo, dyd_time hi)
{
	double span = (double)(hi - lo);
	double x =
	    TL_LEFT + (double)(t - lo) / span * (TL_WIDTH - TL_LEFT - TL_RIGHT);
	return (long)(x + 0.5);
}

/* The date of an item as shown in its label. */
static void tl_date(struct html *h, const tl_item *it, char *buf)
{
	if (it->policy_date)
		policy_date(it->at, buf);
	else
		local_date(h, it->at, buf);
}

static void tl_svg(struct html *h, const tl_item *items, size_t n, dyd_time lo,
		   dyd_time hi)
{
	const dyd_decision *d = h->d;
	long height = TL_TOP + (long)n * TL_ROW + 6, x, x2, y;
	char start[TZ_FORMAT_BUFSIZE], end[TZ_FORMAT_BUFSIZE], count[24];
	char date[TZ_FORMAT_BUFSIZE];
	tz_local first, last;
	int year, step;
	size_t i;

	local_date(h, items[0].at, start);
	local_date(h, items[n - 1].at, end);
	snprintf(count, sizeof(count), "%zu", n);
	html_printf(h,
		    "<div class=\"scroll\"><svg class=\"tl\" role=\"img\" "
		    "aria-labelledby=\"tl-title tl-desc\" "
		    "viewBox=\"0 0 %d %ld\" width=\"%d\" height=\"%ld\" "
		    "xmlns=\"http://www.w3.org/2000/svg\">\n",
		    TL_WIDTH, height, TL_WIDTH, height);
	{
		const char *v[] = {"service", h->p->service, "start",
				   start,     "end",	     end,
				   "count",   count,	     NULL};
		tag_say(h, "<title id=\"tl-title\">", "html.timeline.title", v,
			"</title>\n");
		tag_say(h, "<desc id=\"tl-desc\">", "html.timeline.desc", v,
			"</desc>\n");
	}
	/* After the as-of instant: the future, as the report sees it. */
	if (d->as_of < hi) {
		x = tl_x(d->as_of, lo, hi);
		html_printf(h,
			    "<rect class=\"future\" x=\"%ld\" y=\"%d\" "
			    "width=\"%ld\" height=\"%ld\"/>\n",
			    x, TL_AXIS, TL_WIDTH - TL_RIGHT - x,
			    height - TL_AXIS);
	}
	for (i = 0; i < n; i++) {
		if (items[i].kind != TL_WINDOW)
			continue;
		x = tl_x(items[i].at, lo, hi);
		x2 = tl_x(items[i].until, lo, hi);
		html_printf(h,
			    "<rect class=\"band\" x=\"%ld\" y=\"%d\" "
			    "width=\"%ld\" height=\"%ld\"/>\n",
			    x, TL_AXIS, x2 - x < 3 ? 3 : x2 - x,
			    height - TL_AXIS);
	}
	/* Year ticks: at most about a dozen. */
	time_civil(lo, &first);
	time_civil(hi, &last);
	step = (last.year - first.year) / 12 + 1;
	for (year = first.year + 1; year <= last.year; year += step) {
		dyd_time jan1;
		char text[16];
		snprintf(text, sizeof(text), "%04d-01-01", year);
		if (dyd_time_parse(text, 10, true, &jan1))
			continue;
		x = tl_x(jan1, lo, hi);
		html_printf(h,
			    "<line class=\"grid\" x1=\"%ld\" y1=\"%d\" "
			    "x2=\"%ld\" y2=\"%ld\"/>"
			    "<text class=\"year\" x=\"%ld\" y=\"%d\" "
			    "text-anchor=\"middle\">%d</text>\n",
			    x, TL_AXIS - 4, x, height, x, TL_AXIS - 10, year);
	}
	html_printf(h,
		    "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
		    "y2=\"%d\"/>\n",
		    TL_LEFT, TL_AXIS, TL_WIDTH - TL_RIGHT, TL_AXIS);
	for (i = 0; i < n; i++) {
		const tl_item *it = &items[i];
		size_t chars;
		bool right;

		x = tl_x(it->at, lo, hi);
		y = TL_TOP + (long)i * TL_ROW;
		html_printf(h,
			    "<line class=\"lead\" x1=\"%ld\" y1=\"%d\" "
			    "x2=\"%ld\" y2=\"%ld\"/>",
			    x, TL_AXIS, x, y);
		switch (it->kind) {
		case TL_REG:
			html_printf(h,
				    "<circle class=\"mark\" cx=\"%ld\" "
				    "cy=\"%ld\" r=\"6\"/>",
				    x, y);
			break;
		case TL_POLICY:
			html_printf(h,
				    "<rect class=\"mark policy\" x=\"%ld\" "
				    "y=\"%ld\" width=\"9\" height=\"9\" "
				    "transform=\"rotate(45 %ld %ld)\"/>",
				    x - 4, y - 4, x, y);
			break;
		case TL_WINDOW:
			x2 = tl_x(it->until, lo, hi);
			html_printf(h,
				    "<line class=\"span\" x1=\"%ld\" "
				    "y1=\"%ld\" x2=\"%ld\" y2=\"%ld\"/>",
				    x, y, x2 < x + 3 ? x + 3 : x2, y);
			break;
		case TL_ACCEPT:
			html_printf(h,
				    "<rect class=\"mark\" x=\"%ld\" y=\"%ld\" "
				    "width=\"10\" height=\"10\"/>",
				    x - 5, y - 5);
			break;
		case TL_CHOICE:
			html_printf(h,
				    "<path class=\"mark%s\" d=\"M%ld %ldl6 "
				    "10h-12z\"/>",
				    it->ignored ? " ignored" : "", x, y - 6);
			break;
		case TL_ASOF:
			html_printf(h,
				    "<line class=\"asof\" x1=\"%ld\" y1=\"%d\" "
				    "x2=\"%ld\" y2=\"%ld\"/>",
				    x, TL_AXIS - 6, x, height);
			break;
		}
		/* Labels go right of the mark, or left when they would not
		 * fit; the width is estimated at 6.6 units a character. */
		tl_date(h, it, date);
		chars = strlen(date) + 3 + strlen(it->label) +
			(it->note ? strlen(it->note) + 3 : 0);
		x2 = it->kind == TL_WINDOW ? tl_x(it->until, lo, hi) : x;
		if (x2 < x)
			x2 = x;
		right = x2 + 12 + (long)(chars * 66 / 10) <= TL_WIDTH - 2;
		if (right)
			html_printf(h, "<text x=\"%ld\" y=\"%ld\">", x2 + 12,
				    y + 4);
		else
			html_printf(h,
				    "<text x=\"%ld\" y=\"%ld\" "
				    "text-anchor=\"end\">",
				    x - 12, y + 4);
		esc(h, date);
		raw(h, " \xC2\xB7 ");
		esc(h, it->label);
		if (it->note) {
			raw(h, " (");
			esc(h, it->note);
			raw(h, ")");
		}
		raw(h, "</text>\n");
	}
	raw(h, "</svg></div>\n");
}

static int render_timeline(struct html *h)
{
	const dyd_decision *d = h->d;
	tl_item *items;
	size_t n, i;
	dyd_time lo, hi, pad;
	char start[TZ_FORMAT_BUFSIZE], end[TZ_FORMAT_BUFSIZE];
	char days[16];
	int rc;

	rc = tl_collect(h, &items, &n);
	if (rc)
		return rc;
	open_section(h, 5);
	lo = items[0].at;
	hi = items[n - 1].at;
	for (i = 0; i < n; i++)
		if (items[i].until > hi)
			hi = items[i].until;
	pad = (hi - lo) / 50;
	if (pad <= 0)
		pad = (dyd_time)86400 * 1000000000;
	tl_svg(h, items, n, lo - pad, hi + pad);

	tag_say(h, "<p>", "html.timeline.list", NULL, "</p>\n<ol>\n");
	for (i = 0; i < n; i++) {
		const tl_item *it = &items[i];
		raw(h, "<li>");
		if (it->policy_date)
			put_date(h, it->at);
		else
			put_time(h, it->at);
		raw(h, " \xE2\x80\x94 ");
		if (it->kind == TL_WINDOW) {
			local_time(h, it->at, start);
			local_time(h, it->until, end);
			snprintf(
			    days, sizeof(days), "%u",
			    h->p->terms[d->optout.terms].optout->window_days);
			const char *v[] = {"days", days, "start", start,
					   "end",  end,	 NULL};
			say(h, "html.tl.window.long", v);
		} else {
			esc(h, it->label);
		}
		if (it->note) {
			raw(h, " (");
			esc(h, it->note);
			raw(h, ")");
		}
		raw(h, "</li>\n");
	}
	raw(h, "</ol>\n");
	close_section(h);
	tl_free(items, n);
	return 0;
}

/* 7. Where these answers come from */

static void render_footnote(struct html *h, const struct footnote *f,
			    bool *noted)
{
	const policy_quote *q;
	const policy_source *s;
	char key[32];

	if (f->quote == NO_INDEX) {
		const char *v[] = {"note", text_get(&f->cite->note, h->lang),
				   NULL};
		say(h, "html.footnote.note", v);
		return;
	}
	q = &f->cite->quotes[f->quote];
	s = &h->p->sources[q->source];
	if (s->language) {
		raw(h, "<q lang=\"");
		esc(h, s->language);
		raw(h, "\">");
	} else {
		raw(h, "<q>");
	}
	esc(h, q->quote);
	raw(h, "</q>");
	if (s->language && strcmp(s->language, "en") != 0) {
		const char *name;
		make_key(key, sizeof(key), "language.", s->language, "", "");
		name = find_msg(h, key);
		const char *v[] = {"language", name ? name : s->language, NULL};
		say(h, "source.in_language", v);
	}
	raw(h, " \xE2\x80\x94 <cite>");
	esc(h, s->title);
	raw(h, "</cite>, ");
	esc(h, s->publisher);
	raw(h, ", ");
	esc(h, s->date);
	raw(h, ". <a href=\"");
	esc(h, s->url);
	raw(h, "\" rel=\"noreferrer\">");
	esc(h, s->url);
	raw(h, "</a>");
	/* A document's note once, at its first footnote. */
	if (s->note.count && !noted[q->source]) {
		const char *v[] = {"note", text_get(&s->note, h->lang), NULL};
		noted[q->source] = true;
		raw(h, "<br><span class=\"note\">");
		say(h, "html.source.note", v);
		raw(h, "</span>");
	}
}

static void render_sources(struct html *h)
{
	bool *noted;
	size_t i;

	open_section(h, 6);
	if (!h->fn_count) {
		tag_say(h, "<p class=\"note\">", "html.sources.none", NULL,
			"</p>\n");
		close_section(h);
		return;
	}
	noted = calloc(h->p->source_count + 1, sizeof(bool));
	if (!noted) {
		h->sb.failed = true;
		return;
	}
	tag_say(h, "<p>", "html.sources.intro", NULL, "</p>\n");
	raw(h, "<ol class=\"sources\">\n");
	for (i = 0; i < h->fn_count; i++) {
		html_printf(h, "<li id=\"fn-%zu\">", i + 1);
		render_footnote(h, &h->fn[i], noted);
		raw(h, "</li>\n");
	}
	raw(h, "</ol>\n");
	free(noted);
	close_section(h);
}

/* 8. About this report */

static void render_about(struct html *h)
{
	const report_context *ctx = h->ctx;
	char as_of[TZ_FORMAT_BUFSIZE], iso[DYD_TIME_BUFSIZE];
	size_t i;

	open_section(h, 7);
	local_time(h, h->d->as_of, as_of);
	dyd_time_format(h->d->as_of, iso);
	raw(h, "<dl>\n<dt>");
	say(h, "html.about.as_of", NULL);
	raw(h, "</dt><dd>");
	esc(h, as_of);
	raw(h, " (<time class=\"mono\">");
	esc(h, iso);
	raw(h, "</time>)</dd>\n<dt>");
	say(h, "html.about.policy", NULL);
	raw(h, "</dt><dd class=\"mono\">");
	esc(h, h->p->id ? h->p->id : "");
	raw(h, "</dd>\n<dt>");
	say(h, "html.about.sha256", NULL);
	raw(h, "</dt><dd class=\"mono\">");
	esc(h, h->p->sha256);
	raw(h, "</dd>\n<dt>");
	say(h, "html.about.tool", NULL);
	raw(h, "</dt><dd>dyd " DYD_VERSION "</dd>\n<dt>");
	say(h, "html.about.zone", NULL);
	raw(h, "</dt><dd class=\"mono\">");
	esc(h, tz_name(h->zone));
	raw(h, "</dd>\n</dl>\n");
	tag_say(h, "<p>", "html.about.verify", NULL, "</p>\n");
	raw(h, "<pre><code>dyd verify FILE.zip</code></pre>\n");
	tag_say(h, "<p>", "html.about.json", NULL, "</p>\n");
	if (ctx->omitted_count) {
		tag_say(h, "<h3>", "html.about.omitted", NULL, "</h3>\n");
		tag_say(h, "<p>", "html.about.omitted.intro", NULL,
			"</p>\n<ul>\n");
		for (i = 0; i < ctx->omitted_count; i++) {
			const char *reason = ctx->omitted[i].reason;
			raw(h, "<li><code>");
			value(h, ctx->omitted[i].pointer,
			      strlen(ctx->omitted[i].pointer));
			raw(h, "</code>: ");
			if (reason && strncmp(reason, "unknown field", 13) == 0)
				say(h, "html.omitted.unknown_field", NULL);
			else if (reason)
				esc(h, reason);
			raw(h, "</li>\n");
		}
		raw(h, "</ul>\n");
	}
	close_section(h);
}

int report_html_render(char **out, size_t *len, const report_context *ctx)
{
	struct html h;
	tz *utc = NULL;
	int rc;

	*out = NULL;
	*len = 0;
	if (i18n_load())
		return DYD_ENOMEM;
	memset(&h, 0, sizeof(h));
	h.d = ctx->decision;
	h.p = h.d->policy;
	h.rec = h.d->record;
	h.ctx = ctx;
	h.zone = ctx->zone;
	if (!h.zone) {
		dyd_diags diags = DYD_DIAGS_INIT;
		rc = tz_load(&utc, "UTC", &diags);
		dyd_diags_release(&diags);
		if (rc)
			return DYD_ENOMEM;
		h.zone = utc;
	}
	h.lang = ctx->lang;
	if (!dyd_language_supported(h.lang))
		h.lang = i18n_language_for(h.rec->language);
	prepare_purposes(&h);
	/* A typical page is some 40 kB; growing to that from nothing took
	 * a dozen reallocations, each copying what was written so far. */
	(void)strbuf_grow(&h.sb, sizeof(stylesheet) + 32768);

	render_head(&h);
	render_header(&h);
	render_optout(&h);
	render_terms(&h);
	render_sharing(&h);
	render_business(&h);
	render_data(&h);
	rc = render_timeline(&h);
	if (rc)
		goto out;
	render_sources(&h);
	render_about(&h);
	raw(&h, "</main>\n</body>\n</html>\n");
	rc = DYD_ENOMEM;
	if (h.sb.failed)
		goto out;
	*len = h.sb.len;
	*out = strbuf_detach(&h.sb);
	rc = *out ? 0 : DYD_ENOMEM;
out:
	if (rc)
		*len = 0;
	strbuf_release(&h.sb);
	free(h.purposes);
	free(h.fn);
	strbuf_release(&h.escaped);
	strbuf_release(&h.scratch);
	tz_free(utc);
	return rc;
}
