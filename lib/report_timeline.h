/* SPDX-License-Identifier: MIT */
/* The timeline of report.html: a picture (inline SVG) of the whole life
 * of the account with a close-up of the opt-out choice, and the same
 * events as an ordered list, which is the picture's text alternative and,
 * on a phone, the timeline itself.
 *
 * The layout is pure and apart from the drawing, so that its promise can
 * be tested: no two markers or labels of a picture overlap, and every one
 * is inside it, whatever the events. Each row of a panel holds one marker
 * and its label; rows are stacked, so nothing can meet across rows, and a
 * label goes beside its marker where it fits on one line, else on the
 * lines under it.
 * A panel has at most TL_MAX_ROWS rows: past that, neighbouring items
 * share a row. */
#ifndef DYD_REPORT_TIMELINE_H
#define DYD_REPORT_TIMELINE_H

#include "report_page.h"

/* The picture's coordinates (the SVG viewBox is TL_WIDTH wide). */
#define TL_WIDTH 720
#define TL_MARGIN 12
#define TL_MAX_ROWS 24
#define TL_MAX_LINES 3
/* Estimated advance of one character of a 12-unit label. */
#define TL_CHAR_WIDTH 7.0

typedef struct tl_box {
	double x0, y0, x1, y1;
} tl_box;

/* The row of a panel: items [first, first + count) of the panel's list,
 * one marker from x to x2 and a label of `lines` lines, each at most
 * line_chars characters. */
typedef struct tl_row {
	size_t first, count;
	double x, x2, cy; /* the marker's extent and centre line */
	double top, height;
	double label_x; /* where the label starts, or ends (anchor_end) */
	bool anchor_end;
	bool below; /* on the lines under the marker, as it fits beside it
		       on neither side */
	unsigned lines;
	size_t line_chars;
	tl_box marker, label;
} tl_row;

typedef struct tl_panel {
	dyd_time lo, hi; /* the span of time drawn */
	double top, axis_y, height;
	tl_row *rows;
	size_t row_count;
} tl_panel;

/* An instant or a span to place: [at, until], until >= at. */
typedef struct tl_span {
	dyd_time at, until;
} tl_span;

/* The label of items [first, first + count), as plain text; the pointer
 * needs to live until the next call. */
typedef const char *(*tl_label_fn)(size_t first, size_t count, void *arg);

/* Lays out n spans sorted by `at` in [lo, hi] in a panel whose heading
 * starts at y = top. 0 or DYD_ENOMEM. */
int tl_layout(tl_panel *out, const tl_span *spans, size_t n, dyd_time lo,
	      dyd_time hi, double top, tl_label_fn label, void *arg);
void tl_panel_release(tl_panel *panel);

/* The x of instant t in the panel (clamped to the drawing area). */
double tl_x(const tl_panel *panel, dyd_time t);

/* One line of a wrapped label: s[start, start + len), and an ellipsis
 * after it where the label was cut short. */
typedef struct tl_line {
	size_t start, len;
	bool ellipsis;
} tl_line;

/* Wraps s into at most TL_MAX_LINES lines of at most line_chars character
 * widths each, at spaces where it can and inside a word where it must;
 * what does not fit is cut, with an ellipsis. Returns the line count. */
size_t tl_wrap(const char *s, size_t line_chars, tl_line out[TL_MAX_LINES]);

/* How many character widths s[0, len) takes: one a code point, two for the wide
 * ones of East Asian scripts. */
size_t tl_text_chars(const char *s, size_t len);

/* Writes the timeline section's content: picture and list. */
int timeline_render(page *pg);

#endif
