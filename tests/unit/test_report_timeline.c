/* SPDX-License-Identifier: MIT */
/* The timeline (report_timeline.c): its layout keeps every marker and
 * label apart and inside the picture for any set of events, its labels
 * wrap within their room, and a record with thousands of requests still
 * makes a short picture and list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "render_util.h"
#include "report.h"
#include "report_timeline.h"

#define DAY (INT64_C(86400) * INT64_C(1000000000))

struct labels {
	char **text;
	size_t n;
	strbuf joined;
};

/* A row's label as a renderer would make it: its items' texts joined. */
static const char *label_of(size_t first, size_t count, void *arg)
{
	struct labels *l = arg;
	size_t i;

	strbuf_truncate(&l->joined, 0);
	for (i = first; i < first + count; i++) {
		if (i > first)
			strbuf_puts(&l->joined, "; ");
		strbuf_puts(&l->joined, l->text[i]);
	}
	return l->joined.data;
}

static bool meet(const tl_box *a, const tl_box *b)
{
	return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

static void inside(const tl_box *b, const tl_panel *p, const char *what,
		   size_t r)
{
	if (b->x0 < 0 || b->x1 > TL_WIDTH || b->y0 < p->top ||
	    b->y1 > p->top + p->height || b->x1 < b->x0 || b->y1 < b->y0)
		fail_msg("%s of row %zu outside the picture: %.1f..%.1f x "
			 "%.1f..%.1f",
			 what, r, b->x0, b->x1, b->y0, b->y1);
}

/* The promises of a layout of n spans. */
static void check_layout(const tl_panel *p, size_t n)
{
	size_t r, s, next = 0;

	assert_true(p->row_count <= TL_MAX_ROWS || p->row_count <= n);
	if (n > TL_MAX_ROWS)
		assert_true(p->row_count <= TL_MAX_ROWS);
	for (r = 0; r < p->row_count; r++) {
		const tl_row *a = &p->rows[r];
		/* The rows cover the items once each, in order. */
		assert_int_equal(a->first, next);
		assert_true(a->count >= 1);
		next += a->count;
		inside(&a->marker, p, "marker", r);
		inside(&a->label, p, "label", r);
		if (meet(&a->marker, &a->label))
			fail_msg("row %zu: label on its marker", r);
		assert_true(a->lines >= 1 && a->lines <= TL_MAX_LINES);
		for (s = r + 1; s < p->row_count; s++) {
			const tl_row *b = &p->rows[s];
			if (meet(&a->marker, &b->marker) ||
			    meet(&a->marker, &b->label) ||
			    meet(&a->label, &b->marker) ||
			    meet(&a->label, &b->label))
				fail_msg("rows %zu and %zu overlap", r, s);
		}
	}
	assert_int_equal(next, n);
}

static uint64_t seed = 88172645463325252u;

static uint64_t next_random(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static char *random_label(size_t words, bool wide)
{
	strbuf sb = STRBUF_INIT;
	size_t w, k, len;

	strbuf_puts(&sb, "");
	for (w = 0; w < words; w++) {
		if (w)
			strbuf_putc(&sb, ' ');
		len = 1 + next_random() % (w % 7 == 6 ? 90 : 12);
		for (k = 0; k < len; k++)
			strbuf_puts(&sb,
				    wide && k % 3 == 0 ? "\xE6\x97\xA5" : "m");
	}
	return strbuf_detach(&sb);
}

/* Lays out spans with labels, checks and frees. */
static void layout_case(tl_span *spans, size_t n, dyd_time lo, dyd_time hi,
			size_t words, bool wide)
{
	struct labels l = {NULL, n, STRBUF_INIT};
	tl_panel p;
	size_t i;

	l.text = calloc(n ? n : 1, sizeof(char *));
	assert_non_null(l.text);
	for (i = 0; i < n; i++)
		l.text[i] =
		    random_label(1 + (words ? next_random() % words : 0), wide);
	assert_int_equal(tl_layout(&p, spans, n, lo, hi, 100, label_of, &l), 0);
	check_layout(&p, n);
	tl_panel_release(&p);
	for (i = 0; i < n; i++)
		free(l.text[i]);
	free(l.text);
	strbuf_release(&l.joined);
}

static void test_same_instant(void **state)
{
	tl_span s[20];
	size_t i;

	(void)state;
	for (i = 0; i < 20; i++)
		s[i].at = s[i].until = 1000 * DAY;
	layout_case(s, 20, 900 * DAY, 1100 * DAY, 8, false);
	/* All at the very start, and all at the very end, of the range. */
	layout_case(s, 20, 1000 * DAY, 1100 * DAY, 8, false);
	layout_case(s, 20, 900 * DAY, 1000 * DAY, 8, false);
}

static void test_edges_and_spans(void **state)
{
	tl_span s[6] = {
	    {0, 0},		    /* at lo */
	    {0, 4000 * DAY},	    /* the whole range */
	    {10 * DAY, 9000 * DAY}, /* past hi */
	    {3999 * DAY, 3999 * DAY},
	    {4000 * DAY, 4000 * DAY}, /* at hi */
	    {5000 * DAY, 5000 * DAY}, /* past hi */
	};

	(void)state;
	layout_case(s, 6, 0, 4000 * DAY, 12, false);
	layout_case(s, 6, 0, 4000 * DAY, 12, true);
	/* An empty range: lo == hi. */
	layout_case(s, 1, 0, 0, 12, false);
}

static void test_many_random(void **state)
{
	size_t n, i, round;

	(void)state;
	for (round = 0; round < 20; round++) {
		tl_span *s;
		n = 1 + next_random() % (round < 10 ? TL_MAX_ROWS : 1000);
		s = calloc(n, sizeof(*s));
		assert_non_null(s);
		for (i = 0; i < n; i++)
			s[i].at = (dyd_time)(next_random() % 5000) * DAY;
		/* Sorted by at, as the layout takes them. */
		for (i = 1; i < n; i++)
			for (size_t k = i; k && s[k - 1].at > s[k].at; k--) {
				tl_span t = s[k];
				s[k] = s[k - 1];
				s[k - 1] = t;
			}
		for (i = 0; i < n; i++)
			s[i].until = s[i].at + (i % 9 == 0 ? 30 * DAY : 0);
		layout_case(s, n, 0, 5000 * DAY, round % 5 ? 6 : 40,
			    round % 3 == 0);
		free(s);
	}
}

/* Wrapping: each line fits its room, at spaces where it can, and what
 * is shown is the start of the text, cut with an ellipsis. */
static void test_wrap(void **state)
{
	static const char *const texts[] = {
	    "short",
	    "2016-09-03 19:42:10 WIB · Opt-out request (this choice counts)",
	    "KomunitasPenggemarBatikTulisDanKerajinanTanganTradisionalNusantara"
	    "DariSabangSampaiMeraukeUntukPelestarianBudaya",
	    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xE3\x81\xAE "
	    "\xE3\x83\x86\xE3\x82\xAD\xE3\x82\xB9\xE3\x83\x88 mixed text",
	    "  leading and trailing spaces  ",
	};
	size_t t, width, k;

	(void)state;
	for (t = 0; t < sizeof(texts) / sizeof(*texts); t++)
		for (width = 1; width < 70; width += 3) {
			tl_line lines[TL_MAX_LINES];
			size_t n = tl_wrap(texts[t], width, lines), at = 0;
			assert_true(n >= 1 && n <= TL_MAX_LINES);
			for (k = 0; k < n; k++) {
				const char *s = texts[t] + lines[k].start;
				size_t w = tl_text_chars(s, lines[k].len) +
					   lines[k].ellipsis;
				/* A character wider than the room is alone. */
				if (w > width && lines[k].len > 4)
					fail_msg("'%s' at %zu: line %zu is %zu "
						 "wide",
						 texts[t], width, k, w);
				assert_true(lines[k].start >= at);
				if (lines[k].len)
					assert_true(s[0] != ' ' &&
						    s[lines[k].len - 1] != ' ');
				assert_false(lines[k].ellipsis && k + 1 < n);
				at = lines[k].start + lines[k].len;
			}
		}
}

/* A record of 3000 requests after a final opt-out: the runs of those
 * that did not count are one entry each, so the list and the picture
 * stay short; the page says how many there were. */
static void test_many_requests_stay_short(void **state)
{
	strbuf rec = STRBUF_INIT;
	struct rendered r;
	report_view v;
	report_view_options o = {"en", NULL, NULL};
	char *html = NULL;
	const char *list;
	size_t len, i, items = 0;

	(void)state;
	strbuf_puts(&rec, "{\"account_id\": \"many\", \"phone\": "
			  "\"+6281234567890\", \"registered_at\": "
			  "\"2014-01-01T00:00:00Z\", \"events\": ["
			  "{\"type\": \"terms_accepted\", \"terms\": "
			  "\"2016-08-25\", \"at\": \"2016-09-01T00:00:00Z\"}");
	for (i = 0; i < 3000; i++)
		strbuf_printf(&rec,
			      ", {\"type\": \"%s\", \"at\": "
			      "\"2016-09-%02zuT%02zu:%02zu:00Z\", \"channel\": "
			      "\"settings\"}",
			      i % 2 ? "optin" : "optout", 2 + i / 1440,
			      i / 60 % 24, i % 60);
	strbuf_puts(&rec, "]}");
	decide(&r, rec.data, rec.len, "many.json", "2026-11-29");
	assert_int_equal(report_view_init(&v, r.decision, &o), 0);
	assert_int_equal(report_html_render(&html, &len, &v), 0);
	list = strstr(html, "<ol class=\"tl-list\"");
	assert_non_null(list);
	for (const char *at = list;
	     (at = strstr(at, "<li")) && at < strstr(list, "</ol>"); at++)
		items++;
	assert_true(items < 20);
	assert_non_null(strstr(list, "2999 events that did not count"));
	/* The account data lists them all. */
	assert_non_null(strstr(html, "id=\"data\""));
	free(html);
	report_view_release(&v);
	undecide(&r);
	strbuf_release(&rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_instant),
	    cmocka_unit_test(test_edges_and_spans),
	    cmocka_unit_test(test_many_random),
	    cmocka_unit_test(test_wrap),
	    cmocka_unit_test(test_many_requests_stay_short),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
