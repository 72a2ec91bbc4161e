/* SPDX-License-Identifier: MIT */
/* The timeline (report_timeline.h): which items it shows, where they go,
 * and how they are drawn and listed. Linear in the record's events: runs
 * of requests that did not count become one item each, so the picture and
 * the list stay short however many there are. */
#include "report_timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TL_ROW 24.0  /* the least height of a row */
#define TL_LINE 15.0 /* between the lines of a label */
#define TL_MARK 6.0  /* half a marker's size */
#define TL_GAP 8.0   /* between a marker and its label */
#define TL_HEAD 46.0 /* a panel's heading, ticks and axis */
#define TL_PANEL_GAP 18.0
/* Runs of more requests that did not count than this are one item. */
#define TL_RUN_MIN 6

/* Layout */

static const double tl_left = TL_MARGIN + TL_MARK;
static const double tl_right = TL_WIDTH - TL_MARGIN - TL_MARK;

double tl_x(const tl_panel *p, dyd_time t)
{
	if (p->hi <= p->lo || t <= p->lo)
		return tl_left;
	if (t >= p->hi)
		return tl_right;
	return tl_left + (double)(t - p->lo) / (double)(p->hi - p->lo) *
			     (tl_right - tl_left);
}

/* East Asian wide and fullwidth code points take two widths. */
static bool wide(unsigned cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) ||
	       (cp >= 0x2E80 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) ||
	       (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x1F300;
}

/* The code point at s[*i] (valid UTF-8, as every string here is), and
 * *i moved past it. */
static unsigned next_cp(const char *s, size_t len, size_t *i)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned cp = u[*i];
	size_t n = cp < 0x80 ? 0 : cp < 0xE0 ? 1 : cp < 0xF0 ? 2 : 3;

	if (n)
		cp &= 0x3Fu >> n;
	for ((*i)++; n && *i < len && (u[*i] & 0xC0) == 0x80; n--, (*i)++)
		cp = cp << 6 | (u[*i] & 0x3Fu);
	return cp;
}

size_t tl_text_chars(const char *s, size_t len)
{
	size_t i = 0, chars = 0;

	while (i < len)
		chars += wide(next_cp(s, len, &i)) ? 2 : 1;
	return chars;
}

/* The longest start of s[0, len) that takes at most room widths. */
static size_t fit(const char *s, size_t len, size_t room)
{
	size_t i = 0, chars = 0, end = 0;

	while (i < len) {
		chars += wide(next_cp(s, len, &i)) ? 2 : 1;
		if (chars > room)
			break;
		end = i;
	}
	return end;
}

size_t tl_wrap(const char *s, size_t line_chars, tl_line out[TL_MAX_LINES])
{
	size_t len = strlen(s), at = 0, n = 0;

	if (!line_chars)
		line_chars = 1;
	while (at < len && s[at] == ' ')
		at++;
	while (at < len && n < TL_MAX_LINES) {
		size_t end = at + fit(s + at, len - at, line_chars), brk;
		if (end == at) /* a character wider than the line */
			next_cp(s, len, &end);
		brk = end;
		if (end < len && s[end] != ' ') {
			/* Back to the last space, unless the word is longer
			 * than a line: then it is broken where it must be. */
			while (brk > at && s[brk - 1] != ' ')
				brk--;
			if (brk == at)
				brk = end;
		}
		out[n].start = at;
		out[n].len = brk - at;
		while (out[n].len && s[at + out[n].len - 1] == ' ')
			out[n].len--;
		out[n].ellipsis = false;
		n++;
		for (at = brk; at < len && s[at] == ' '; at++)
			;
	}
	if (at < len && n) {
		/* Room for the ellipsis on the last line. */
		tl_line *last = &out[n - 1];
		last->len = fit(s + last->start, last->len,
				line_chars > 1 ? line_chars - 1 : 0);
		last->ellipsis = true;
	}
	return n;
}

/* Rows: one an item, or neighbours together when there are too many. */
static size_t make_rows(tl_panel *p, const tl_span *s, size_t n)
{
	double gap =
	    n > TL_MAX_ROWS ? (tl_right - tl_left) / (TL_MAX_ROWS - 1) : -1;
	size_t r = 0, i;

	for (i = 0; i < n; i++) {
		double x = tl_x(p, s[i].at), x2 = tl_x(p, s[i].until);
		tl_row *row = r ? &p->rows[r - 1] : NULL;
		if (row && gap >= 0 && x - row->x <= gap) {
			row->count++;
			if (x2 > row->x2)
				row->x2 = x2;
			continue;
		}
		row = &p->rows[r++];
		memset(row, 0, sizeof(*row));
		row->first = i;
		row->count = 1;
		row->x = x;
		row->x2 = x2 > x ? x2 : x;
	}
	return r;
}

/* Beside the marker where the label fits on one line, to the right by
 * preference; else under it, across the panel, wrapped as it must be. */
static void place_label(tl_row *row, const char *text)
{
	size_t chars = tl_text_chars(text, strlen(text)), k, widest = 0;
	double need = chars * TL_CHAR_WIDTH, room;
	double room_right = TL_WIDTH - TL_MARGIN - (row->x2 + TL_MARK + TL_GAP);
	double room_left = row->x - TL_MARK - TL_GAP - TL_MARGIN;
	tl_line lines[TL_MAX_LINES];

	row->anchor_end = row->below = false;
	if (need <= room_right) {
		room = room_right;
	} else if (need <= room_left) {
		row->anchor_end = true;
		room = room_left;
	} else {
		row->below = true;
		room = TL_WIDTH - 2 * TL_MARGIN;
	}
	row->line_chars = (size_t)(room / TL_CHAR_WIDTH);
	row->lines = (unsigned)tl_wrap(text, row->line_chars, lines);
	if (!row->lines)
		row->lines = 1;
	for (k = 0; k < row->lines; k++) {
		size_t c = tl_text_chars(text + lines[k].start, lines[k].len) +
			   lines[k].ellipsis;
		if (c > widest)
			widest = c;
	}
	if (row->anchor_end)
		row->label_x = row->x - TL_MARK - TL_GAP;
	else if (!row->below)
		row->label_x = row->x2 + TL_MARK + TL_GAP;
	else if (row->x - TL_MARK + widest * TL_CHAR_WIDTH <=
		 TL_WIDTH - TL_MARGIN)
		row->label_x = row->x - TL_MARK; /* under the marker's start */
	else
		row->label_x = TL_WIDTH - TL_MARGIN - widest * TL_CHAR_WIDTH;
	row->height = (row->lines + row->below) * TL_LINE + 9 > TL_ROW
			  ? (row->lines + row->below) * TL_LINE + 9
			  : TL_ROW;
	row->cy = row->top + 12;
	row->marker.x0 = row->x - TL_MARK;
	row->marker.x1 = row->x2 + TL_MARK;
	row->marker.y0 = row->cy - TL_MARK;
	row->marker.y1 = row->cy + TL_MARK;
	row->label.x0 = row->anchor_end ? row->label_x - widest * TL_CHAR_WIDTH
					: row->label_x;
	row->label.x1 = row->label.x0 + widest * TL_CHAR_WIDTH;
	row->label.y0 = row->top + 4 + row->below * TL_LINE;
	row->label.y1 = row->label.y0 + row->lines * TL_LINE;
}

int tl_layout(tl_panel *p, const tl_span *spans, size_t n, dyd_time lo,
	      dyd_time hi, double top, tl_label_fn label, void *arg)
{
	double y;
	size_t r;

	memset(p, 0, sizeof(*p));
	p->lo = lo;
	p->hi = hi;
	p->top = top;
	p->axis_y = top + 38;
	p->rows = calloc(n ? n : 1, sizeof(*p->rows));
	if (!p->rows)
		return DYD_ENOMEM;
	p->row_count = make_rows(p, spans, n);
	y = top + TL_HEAD;
	for (r = 0; r < p->row_count; r++) {
		tl_row *row = &p->rows[r];
		const char *text = label(row->first, row->count, arg);
		if (!text)
			return DYD_ENOMEM;
		row->top = y;
		place_label(row, text);
		y += row->height;
	}
	p->height = y + 6 - top;
	return 0;
}

void tl_panel_release(tl_panel *p)
{
	free(p->rows);
	memset(p, 0, sizeof(*p));
}

/* What the timeline shows */

enum tl_kind {
	K_REG,
	K_POLICY,
	K_WINDOW,
	K_ACCEPT,
	K_CHOICE,
	K_RUN,
	K_ASOF,
	K_ZOOM
};

typedef struct tl_item {
	dyd_time at, until;
	enum tl_kind kind;
	bool zoom;	     /* in the close-up */
	bool deadline;	     /* K_POLICY: the deadline, else in effect */
	size_t terms;	     /* K_POLICY */
	size_t event, count; /* K_ACCEPT, K_CHOICE: the event; K_RUN: first */
	size_t seq;
} tl_item;

struct timeline {
	page *pg;
	const report_view *v;
	tl_item *items;
	size_t count, cap;
	bool has_zoom;
	dyd_time zoom_lo, zoom_hi;   /* the close-up, with room around */
	dyd_time zoom_from, zoom_to; /* what it is about */
	/* The panel being laid out or drawn: items by index, in order. */
	const size_t *order;
	bool zoom_panel;
	strbuf label;
	bool failed;
};

static tl_item *add(struct timeline *t, enum tl_kind kind, dyd_time at)
{
	tl_item *it;

	if (t->count == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		tl_item *grown = realloc(t->items, cap * sizeof(*grown));
		if (!grown) {
			t->failed = true;
			return NULL;
		}
		t->items = grown;
		t->cap = cap;
	}
	it = &t->items[t->count];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->at = it->until = at;
	it->seq = t->count++;
	return it;
}

static bool counts(event_fate f)
{
	return f == FATE_ACCEPTANCE || f == FATE_COUNTED;
}

static bool in_zoom(const struct timeline *t, dyd_time at)
{
	return t->has_zoom && at >= t->zoom_lo && at <= t->zoom_hi;
}

/* A run of events that did not count, [first, first + count): one item
 * when long, else each of its events. */
static void add_run(struct timeline *t, size_t first, size_t count)
{
	const record_event *ev = t->v->rec->events;
	tl_item *it;
	size_t i;

	if (count >= TL_RUN_MIN) {
		it = add(t, K_RUN, ev[first].at);
		if (it) {
			it->until = ev[first + count - 1].at;
			it->event = first;
			it->count = count;
		}
		return;
	}
	for (i = first; i < first + count; i++) {
		it = add(
		    t, ev[i].type == EVENT_TERMS_ACCEPTED ? K_ACCEPT : K_CHOICE,
		    ev[i].at);
		if (it)
			it->event = i;
	}
}

static void add_events(struct timeline *t)
{
	const report_view *v = t->v;
	size_t i, run = 0, run_count = 0;
	bool run_zoom = false;
	tl_item *it;

	for (i = 0; i < v->event_count; i++) {
		const record_event *ev = &v->rec->events[i];
		event_fate f = v->events[i].fate;
		if (f == FATE_AFTER_AS_OF)
			continue;
		if (!counts(f)) {
			if (run_count && run_zoom == in_zoom(t, ev->at)) {
				run_count++;
				continue;
			}
			if (run_count)
				add_run(t, run, run_count);
			run = i;
			run_count = 1;
			run_zoom = in_zoom(t, ev->at);
			continue;
		}
		if (run_count)
			add_run(t, run, run_count);
		run_count = 0;
		it = add(t,
			 ev->type == EVENT_TERMS_ACCEPTED ? K_ACCEPT : K_CHOICE,
			 ev->at);
		if (it)
			it->event = i;
	}
	if (run_count)
		add_run(t, run, run_count);
}

/* The close-up: the opt-out window with a little room on each side, and
 * the day its terms came into effect when that was shortly before. */
static void choose_zoom(struct timeline *t)
{
	const dyd_decision *d = t->v->d;
	const policy_terms *o;
	dyd_time lo, hi, pad;

	if (!d->has_optout || !d->optout.has_window)
		return;
	o = &t->v->p->terms[d->optout.terms];
	lo = d->optout.window_start;
	hi = d->optout.window_end;
	if (o->effective <= lo && lo - o->effective <= 2 * (hi - lo))
		lo = o->effective;
	pad = (hi - lo) / 10;
	t->has_zoom = true;
	t->zoom_from = lo;
	t->zoom_to = hi;
	t->zoom_lo = lo - pad;
	t->zoom_hi = hi + pad;
}

static int by_time(const void *a, const void *b)
{
	const tl_item *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int collect(struct timeline *t)
{
	const report_view *v = t->v;
	const dyd_policy *p = v->p;
	tl_item *it;
	size_t i;

	choose_zoom(t);
	add(t, K_REG, v->rec->registered_at);
	for (i = 0; i < p->terms_count; i++) {
		if ((it = add(t, K_POLICY, p->terms[i].effective)))
			it->terms = i;
		if (p->terms[i].has_deadline &&
		    (it = add(t, K_POLICY, p->terms[i].deadline))) {
			it->terms = i;
			it->deadline = true;
		}
	}
	if (t->has_zoom && (it = add(t, K_WINDOW, v->d->optout.window_start)))
		it->until = v->d->optout.window_end;
	add_events(t);
	add(t, K_ASOF, v->d->as_of);
	if (t->failed)
		return DYD_ENOMEM;
	for (i = 0; i < t->count; i++)
		t->items[i].zoom =
		    t->items[i].kind == K_WINDOW || in_zoom(t, t->items[i].at);
	/* In the whole picture, the close-up stands for what it shows. */
	if (t->has_zoom && (it = add(t, K_ZOOM, t->zoom_from)))
		it->until = t->zoom_to;
	if (t->failed)
		return DYD_ENOMEM;
	qsort(t->items, t->count, sizeof(*t->items), by_time);
	return 0;
}

/* Words */

static void say_plain(struct timeline *t, strbuf *sb, const char *key,
		      const char *const *vars)
{
	page_say_plain(t->pg, sb, key, vars);
}

/* An item's date as its label shows it: a policy date as written, an
 * instant in the reader's zone, to the minute in the close-up. */
static void item_date(struct timeline *t, const tl_item *it, dyd_time at,
		      char *buf)
{
	if (it->kind == K_POLICY)
		page_policy_date(at, buf);
	else if (t->zoom_panel)
		page_local_time(t->pg, at, buf);
	else
		page_local_date(t->pg, at, buf);
}

static void choice_text(struct timeline *t, const tl_item *it, strbuf *sb)
{
	const record_event *ev = &t->v->rec->events[it->event];
	const view_event *ve = view_event_at(t->v, it->event);
	char key[64];

	say_plain(t, sb,
		  ev->type == EVENT_OPTOUT ? "html.tl.optout" : "html.tl.optin",
		  NULL);
	strbuf_puts(sb, " (");
	if (ve->fate == FATE_COUNTED) {
		say_plain(t, sb, "html.tl.counted", NULL);
	} else if (ve->fate == FATE_OVERRIDDEN) {
		say_plain(t, sb, "html.tl.overridden", NULL);
	} else {
		say_plain(t, sb, "html.tl.not_counted", NULL);
		strbuf_puts(sb, ": ");
		page_key(key, sizeof(key), "ignored.",
			 ignored_why_name(ve->why), "");
		say_plain(t, sb, key, NULL);
	}
	strbuf_puts(sb, ")");
}

/* What an item is, in words, without its date. */
static void item_text(struct timeline *t, const tl_item *it, strbuf *sb)
{
	const report_view *v = t->v;
	const dyd_policy *p = v->p;
	char a[TZ_FORMAT_BUFSIZE], b[TZ_FORMAT_BUFSIZE], n[PAGE_NUMBER_BUFSIZE];
	char key[48];
	const char *terms = "";

	if (it->kind == K_POLICY)
		terms = p->terms[it->terms].id;
	else if (it->kind == K_ACCEPT)
		terms = p->terms[v->rec->events[it->event].terms].id;
	else if (it->kind == K_ZOOM || it->kind == K_WINDOW)
		terms = p->terms[v->d->optout.terms].id;
	switch (it->kind) {
	case K_CHOICE:
		choice_text(t, it, sb);
		return;
	case K_WINDOW:
		format_unsigned(
		    p->terms[v->d->optout.terms].optout->window_days, n);
		page_local_time(t->pg, it->at, a);
		page_local_time(t->pg, it->until, b);
		break;
	case K_RUN:
		format_unsigned(it->count, n);
		page_key(key, sizeof(key), "html.tl.run.",
			 i18n_plural(t->pg->lang, it->count), "");
		break;
	default:
		break;
	}
	{
		static const char *const keys[] = {
		    [K_REG] = "html.tl.registered",
		    [K_POLICY] = "html.tl.effective",
		    [K_WINDOW] = "html.tl.window.long",
		    [K_ACCEPT] = "html.tl.accepted",
		    [K_ASOF] = "html.tl.as_of",
		    [K_ZOOM] = "html.tl.zoom",
		};
		const char *vars[] = {"terms", terms, "days", n, "count", n,
				      "start", a,     "end",  b, NULL};
		const char *k = it->kind == K_RUN ? key : keys[it->kind];
		if (it->kind == K_POLICY && it->deadline)
			k = "html.tl.deadline";
		if (it->kind == K_ACCEPT &&
		    view_event_at(v, it->event)->fate != FATE_ACCEPTANCE)
			k = "html.tl.accepted_again";
		say_plain(t, sb, k, vars);
	}
}

/* The label of a row of the panel being laid out: the date or dates,
 * then what is there. */
static const char *row_label(size_t first, size_t count, void *arg)
{
	struct timeline *t = arg;
	const tl_item *a = &t->items[t->order[first]];
	const tl_item *z = &t->items[t->order[first + count - 1]];
	strbuf *sb = &t->label;
	char date[TZ_FORMAT_BUFSIZE];
	size_t i;

	strbuf_truncate(sb, 0);
	if (count == 1 && a->kind == K_WINDOW) {
		item_text(t, a, sb);
		return sb->failed ? NULL : sb->data;
	}
	item_date(t, a, a->at, date);
	strbuf_puts(sb, date);
	if (count > 1 || a->until != a->at) {
		item_date(t, z, z->until, date);
		strbuf_puts(sb, " \xE2\x80\x93 ");
		strbuf_puts(sb, date);
	}
	strbuf_puts(sb, " \xC2\xB7 ");
	/* Several items in a row: as many of their words as a label can
	 * show; the list below the picture has them all. */
	for (i = 0; i < count && sb->len < 400; i++) {
		if (i)
			strbuf_puts(sb, "; ");
		item_text(t, &t->items[t->order[first + i]], sb);
	}
	return sb->failed ? NULL : sb->data;
}

/* Drawing */

#define DAY_NS (INT64_C(86400) * INT64_C(1000000000))

/* x rounded to a whole unit (without libm, which the library does not
 * link). */
static long px(double x)
{
	return (long)(x < 0 ? x - 0.5 : x + 0.5);
}

/* A tick and its label, where the label fits inside the picture. */
static void tick(struct timeline *t, const tl_panel *pn, dyd_time at,
		 const char *text, double bottom)
{
	double x = tl_x(pn, at), half = strlen(text) * 3.2;

	if (at < pn->lo || at > pn->hi || x - half < 0 || x + half > TL_WIDTH)
		return;
	html_printf(&t->pg->sb,
		    "<line class=\"grid\" x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" "
		    "y2=\"%ld\"/><text class=\"tick\" x=\"%ld\" y=\"%ld\" "
		    "text-anchor=\"middle\">%s</text>\n",
		    px(x), px(pn->axis_y - 4), px(x), px(bottom), px(x),
		    px(pn->axis_y - 9), text);
}

/* Years on the whole picture, at most a dozen. */
static void year_ticks(struct timeline *t, const tl_panel *pn, double bottom)
{
	tz_local first, last;
	int year, step;
	char text[16];
	dyd_time jan1;

	time_civil(pn->lo, &first);
	time_civil(pn->hi, &last);
	step = (last.year - first.year) / 12 + 1;
	for (year = first.year + 1; year <= last.year; year += step) {
		if (year < 1 || year > 9999)
			continue;
		jan1 = time_days_from_civil(year, 1, 1) * DAY_NS;
		snprintf(text, sizeof(text), "%04d", year);
		tick(t, pn, jan1, text, bottom);
	}
}

/* Days on the close-up, at most six: local midnights in the reader's
 * zone. */
static void day_ticks(struct timeline *t, const tl_panel *pn, double bottom)
{
	static const int steps[] = {1, 2, 3, 7, 14, 28, 56, 91, 182, 364};
	int64_t days = (pn->hi - pn->lo) / DAY_NS, step = 728;
	dyd_time at;
	tz_local l;
	char text[TZ_FORMAT_BUFSIZE];
	size_t i, n;

	for (i = 0; i < sizeof(steps) / sizeof(*steps); i++)
		if (days / steps[i] <= 6) {
			step = steps[i];
			break;
		}
	tz_localize(t->v->zone, pn->lo, &l);
	at = (time_days_from_civil(l.year, l.month, l.day) + 1) * DAY_NS -
	     (dyd_time)l.utc_offset * 1000000000;
	for (n = 0; at <= pn->hi && n < 16; at += step * DAY_NS, n++) {
		tz_format_date(t->v->zone, at, text);
		tick(t, pn, at, text, bottom);
	}
}

static void draw_marker(struct timeline *t, const tl_row *row)
{
	strbuf *sb = &t->pg->sb;
	const tl_item *it = &t->items[t->order[row->first]];
	long x = px(row->x), x2 = px(row->x2), cy = px(row->cy);
	const view_event *ve =
	    it->kind == K_CHOICE ? view_event_at(t->v, it->event) : NULL;

	if (row->count > 1 || it->kind == K_RUN || it->kind == K_ZOOM) {
		html_printf(sb,
			    "<rect class=\"mark %s\" x=\"%ld\" y=\"%ld\" "
			    "width=\"%ld\" height=\"10\" rx=\"2\"/>",
			    it->kind == K_RUN	 ? "ignored"
			    : it->kind == K_ZOOM ? "zoom"
						 : "group",
			    x - 5, cy - 5, x2 - x + 10);
		return;
	}
	switch (it->kind) {
	case K_REG:
		html_printf(sb,
			    "<circle class=\"mark\" cx=\"%ld\" cy=\"%ld\" "
			    "r=\"6\"/>",
			    x, cy);
		break;
	case K_POLICY:
		html_printf(sb,
			    "<path class=\"mark policy\" d=\"M%ld %ldl6 6l-6 "
			    "6l-6-6z\"/>",
			    x, cy - 6);
		break;
	case K_WINDOW:
		html_printf(sb,
			    "<line class=\"span\" x1=\"%ld\" y1=\"%ld\" "
			    "x2=\"%ld\" y2=\"%ld\"/>",
			    x, cy, x2 > x + 4 ? x2 : x + 4, cy);
		break;
	case K_ACCEPT:
		html_printf(sb,
			    "<rect class=\"mark\" x=\"%ld\" y=\"%ld\" "
			    "width=\"10\" height=\"10\"/>",
			    x - 5, cy - 5);
		break;
	case K_CHOICE:
		html_printf(
		    sb, "<path class=\"mark%s\" d=\"M%ld %ldl6 11h-12z\"/>",
		    ve->fate == FATE_COUNTED ? "" : " ignored", x, cy - 6);
		break;
	default: /* K_ASOF */
		html_printf(sb,
			    "<line class=\"asof\" x1=\"%ld\" y1=\"%ld\" "
			    "x2=\"%ld\" y2=\"%ld\"/>",
			    x, cy - 6, x, cy + 6);
		break;
	}
}

static void draw_label(struct timeline *t, const tl_row *row, const char *s)
{
	strbuf *sb = &t->pg->sb;
	tl_line lines[TL_MAX_LINES];
	size_t n = tl_wrap(s, row->line_chars, lines), k;

	for (k = 0; k < n; k++) {
		html_printf(sb, "<text x=\"%ld\" y=\"%ld\"%s>",
			    px(row->label_x),
			    px(row->top + 16 + (k + row->below) * TL_LINE),
			    row->anchor_end ? " text-anchor=\"end\"" : "");
		html_attr(sb, s + lines[k].start, lines[k].len);
		if (lines[k].ellipsis)
			strbuf_puts(sb, "\xE2\x80\xA6");
		strbuf_puts(sb, "</text>");
	}
	strbuf_putc(sb, '\n');
}

/* The shaded spans behind the rows: what is after the report's date, the
 * opt-out window, and on the whole picture where the close-up is. */
static void draw_spans(struct timeline *t, const tl_panel *pn, double bottom)
{
	strbuf *sb = &t->pg->sb;
	const dyd_decision *d = t->v->d;
	long axis = px(pn->axis_y), x, x2;

	if (d->as_of < pn->hi) {
		x = px(tl_x(pn, d->as_of));
		html_printf(sb,
			    "<rect class=\"future\" x=\"%ld\" y=\"%ld\" "
			    "width=\"%ld\" height=\"%ld\"/>\n",
			    x, axis, px(tl_right) - x, px(bottom) - axis);
	}
	if (t->zoom_panel) {
		x = px(tl_x(pn, d->optout.window_start));
		x2 = px(tl_x(pn, d->optout.window_end));
		html_printf(sb,
			    "<rect class=\"band\" x=\"%ld\" y=\"%ld\" "
			    "width=\"%ld\" height=\"%ld\"/>\n",
			    x, axis, x2 - x < 3 ? 3 : x2 - x,
			    px(bottom) - axis);
	} else if (t->has_zoom) {
		x = px(tl_x(pn, t->zoom_lo));
		x2 = px(tl_x(pn, t->zoom_hi));
		html_printf(sb,
			    "<rect class=\"zoom\" x=\"%ld\" y=\"%ld\" "
			    "width=\"%ld\" height=\"10\"/>\n",
			    x - 3, axis - 5, x2 - x + 6);
	}
	/* The report's date on the axis; a line down the rows would cross
	 * their labels. */
	if (d->as_of >= pn->lo && d->as_of <= pn->hi) {
		x = px(tl_x(pn, d->as_of));
		html_printf(sb,
			    "<line class=\"asof\" x1=\"%ld\" y1=\"%ld\" "
			    "x2=\"%ld\" y2=\"%ld\"/>\n",
			    x, axis - 7, x, axis + 7);
	}
}

static void draw_panel(struct timeline *t, const tl_panel *pn)
{
	strbuf *sb = &t->pg->sb;
	double bottom = pn->top + pn->height;
	char a[TZ_FORMAT_BUFSIZE], b[TZ_FORMAT_BUFSIZE];
	size_t r;

	page_local_date(
	    t->pg, t->zoom_panel ? t->zoom_from : t->v->rec->registered_at, a);
	page_local_date(t->pg, t->zoom_panel ? t->zoom_to : t->v->d->as_of, b);
	html_printf(sb, "<text class=\"sub\" x=\"%d\" y=\"%ld\">", TL_MARGIN,
		    px(pn->top + 14));
	{
		const char *v[] = {"start", a, "end", b, NULL};
		strbuf_truncate(&t->label, 0);
		say_plain(t, &t->label,
			  t->zoom_panel ? "html.tl.closeup" : "html.tl.whole",
			  v);
		html_attr(sb, t->label.data ? t->label.data : "", t->label.len);
	}
	strbuf_puts(sb, "</text>\n");
	draw_spans(t, pn, bottom);
	if (t->zoom_panel)
		day_ticks(t, pn, bottom);
	else
		year_ticks(t, pn, bottom);
	html_printf(sb,
		    "<line class=\"axis\" x1=\"%d\" y1=\"%ld\" x2=\"%d\" "
		    "y2=\"%ld\"/>\n",
		    TL_MARGIN, px(pn->axis_y), TL_WIDTH - TL_MARGIN,
		    px(pn->axis_y));
	for (r = 0; r < pn->row_count; r++) {
		const tl_row *row = &pn->rows[r];
		const char *text = row_label(row->first, row->count, t);
		draw_marker(t, row);
		draw_label(t, row, text ? text : "");
	}
}

/* The list: every item in order, the picture's text alternative. */
static void list_item(struct timeline *t, const tl_item *it)
{
	page *pg = t->pg;
	const view_event *ve = NULL;
	const char *cls = "";

	if (it->kind == K_CHOICE || it->kind == K_ACCEPT)
		ve = view_event_at(t->v, it->event);
	if (it->kind == K_POLICY)
		cls = " class=\"policy\"";
	else if (it->kind == K_RUN || (ve && ve->fate != FATE_COUNTED &&
				       ve->fate != FATE_ACCEPTANCE))
		cls = " class=\"ignored\"";
	html_printf(&pg->sb, "<li%s><span class=\"when\">", cls);
	if (it->kind == K_POLICY)
		page_put_date(pg, it->at);
	else
		page_put_time(pg, it->at);
	if (it->until != it->at) {
		page_raw(pg, " \xE2\x80\x93 ");
		page_put_time(pg, it->until);
	}
	page_raw(pg, "</span> ");
	strbuf_truncate(&t->label, 0);
	if (it->kind == K_WINDOW) {
		/* Its dates are the entry's: the words need not repeat them. */
		char days[PAGE_NUMBER_BUFSIZE];
		const char *v[] = {"days", days, NULL};
		format_unsigned(
		    t->v->p->terms[t->v->d->optout.terms].optout->window_days,
		    days);
		say_plain(t, &t->label, "html.tl.window.short", v);
	} else {
		item_text(t, it, &t->label);
	}
	page_esc(pg, t->label.data ? t->label.data : "");
	pg->sb.failed |= t->label.failed;
	page_raw(pg, "</li>\n");
}

/* The items of one panel, by index: the close-up's, or the others'. */
static size_t panel_order(const struct timeline *t, bool zoom, size_t *out,
			  dyd_time *lo, dyd_time *hi)
{
	size_t i, n = 0;

	for (i = 0; i < t->count; i++) {
		const tl_item *it = &t->items[i];
		dyd_time end = it->until > it->at ? it->until : it->at;
		if (it->zoom != zoom)
			continue;
		if (!n || it->at < *lo)
			*lo = it->at;
		if (!n || end > *hi)
			*hi = end;
		out[n++] = i;
	}
	return n;
}

static int lay_out(struct timeline *t, tl_panel *pn, bool zoom, size_t *order,
		   double top)
{
	tl_span *spans;
	dyd_time lo = 0, hi = 0, pad;
	size_t i, n = panel_order(t, zoom, order, &lo, &hi);
	int rc;

	if (zoom) {
		lo = t->zoom_lo;
		hi = t->zoom_hi;
	} else {
		pad = (hi - lo) / 40;
		if (pad < DAY_NS)
			pad = DAY_NS;
		lo -= pad;
		hi += pad;
	}
	spans = malloc((n ? n : 1) * sizeof(*spans));
	if (!spans)
		return DYD_ENOMEM;
	for (i = 0; i < n; i++) {
		spans[i].at = t->items[order[i]].at;
		spans[i].until = t->items[order[i]].until;
	}
	t->order = order;
	t->zoom_panel = zoom;
	rc = tl_layout(pn, spans, n, lo, hi, top, row_label, t);
	free(spans);
	return rc;
}

static void write_svg(struct timeline *t, const tl_panel *whole,
		      size_t *whole_order, const tl_panel *zoom,
		      size_t *zoom_order)
{
	page *pg = t->pg;
	double height =
	    whole->height + (t->has_zoom ? TL_PANEL_GAP + zoom->height : 0);
	char start[TZ_FORMAT_BUFSIZE], end[TZ_FORMAT_BUFSIZE];
	const char *v[] = {
	    "service", pg->p->service, "start", start, "end", end, NULL};

	page_local_date(pg, t->items[0].at, start);
	page_local_date(pg, pg->d->as_of, end);
	html_printf(&pg->sb,
		    "<div class=\"tl-pic\"><svg class=\"tl\" role=\"img\" "
		    "aria-labelledby=\"tl-title tl-desc\" "
		    "viewBox=\"0 0 %d %ld\" width=\"%d\" height=\"%ld\" "
		    "xmlns=\"http://www.w3.org/2000/svg\">\n",
		    TL_WIDTH, px(height), TL_WIDTH, px(height));
	page_tag_say(pg, "<title id=\"tl-title\">", "html.timeline.title", v,
		     "</title>\n");
	page_tag_say(pg, "<desc id=\"tl-desc\">",
		     t->has_zoom ? "html.timeline.desc"
				 : "html.timeline.desc.whole",
		     v, "</desc>\n");
	t->order = whole_order;
	t->zoom_panel = false;
	draw_panel(t, whole);
	if (t->has_zoom) {
		t->order = zoom_order;
		t->zoom_panel = true;
		draw_panel(t, zoom);
	}
	page_raw(pg, "</svg></div>\n");
}

int timeline_render(page *pg)
{
	struct timeline t;
	tl_panel whole, zoom;
	size_t *order = NULL, i;
	int rc;

	memset(&t, 0, sizeof(t));
	memset(&whole, 0, sizeof(whole));
	memset(&zoom, 0, sizeof(zoom));
	t.pg = pg;
	t.v = pg->v;
	rc = collect(&t);
	if (!rc && !(order = malloc(2 * t.count * sizeof(*order))))
		rc = DYD_ENOMEM;
	if (!rc)
		rc = lay_out(&t, &whole, false, order, 0);
	if (!rc && t.has_zoom)
		rc = lay_out(&t, &zoom, true, order + t.count,
			     whole.height + TL_PANEL_GAP);
	if (rc)
		goto out;
	write_svg(&t, &whole, order, &zoom, order + t.count);
	page_tag_say(
	    pg, "<p id=\"tl-list\">", "html.timeline.list", NULL,
	    "</p>\n<ol class=\"tl-list\" aria-labelledby=\"tl-list\">\n");
	for (i = 0; i < t.count; i++)
		if (t.items[i].kind != K_ZOOM)
			list_item(&t, &t.items[i]);
	page_raw(pg, "</ol>\n");
	rc = t.label.failed ? DYD_ENOMEM : 0;
out:
	tl_panel_release(&whole);
	tl_panel_release(&zoom);
	free(order);
	free(t.items);
	strbuf_release(&t.label);
	return rc;
}
