/* SPDX-License-Identifier: MIT */
/* What the parts of report.html share while they write one page: the
 * output, the view it shows, translations, times in the reader's zone,
 * and the footnote marks. The parts only present what the view says. */
#ifndef DYD_REPORT_PAGE_H
#define DYD_REPORT_PAGE_H

#include "html_text.h"
#include "i18n.h"
#include "report_view.h"

#include <stdint.h>

/* Instants shown as text, remembered for the page: the as-of instant,
 * the registration and every acceptance recur, some in every cell of the
 * sharing matrix. Direct-mapped on the instant. */
#define PAGE_TIME_MEMO 16

struct page_time {
	dyd_time t;
	bool used, date; /* date: tz_format_date, else tz_format */
	char text[TZ_FORMAT_BUFSIZE];
};

/* A purpose's label, looked up and escaped once per page: the sharing
 * matrix repeats it in every row. */
struct page_purpose {
	const char *label;
	size_t at, len; /* the escaped label, in page.escaped */
};

typedef struct page {
	strbuf sb;
	const report_view *v;
	const dyd_decision *d;
	const dyd_policy *p;
	const dyd_record *rec;
	const char *lang;
	view_notes notes;
	struct page_purpose *purposes; /* NULL: look each label up */
	strbuf escaped;
	/* For a piece of text made before it is written, such as a cell's
	 * reason: reused, where a strbuf of its own cost an allocation. */
	strbuf scratch;
	struct page_time memo[PAGE_TIME_MEMO];
	/* Per purpose, the cell of the category page_cells() was last given,
	 * or NULL: a row of the matrix finds its cells in constant time. */
	const decision_cell **cell_of;
	const decision_category *cells_for;
} page;

void page_init(page *pg, const report_view *v);
void page_release(page *pg);

static inline void page_raw(page *pg, const char *s)
{
	strbuf_puts(&pg->sb, s);
}

/* Text of the policy or the catalog, escaped. */
static inline void page_esc(page *pg, const char *s)
{
	html_text_str(&pg->sb, s);
}

/* A value of the record: escaped, controls made visible, and isolated
 * in <bdi> so it cannot reorder the text around it. */
void page_value(page *pg, const char *s, size_t len);

/* The catalog's text for key in the page's language, every placeholder
 * value escaped. */
void page_say(page *pg, const char *key, const char *const *vars);
/* The same, each value kept on one line (dates in narrow cells). */
void page_say_nowrap(page *pg, const char *key, const char *const *vars);
/* The same, wrapped in open and close markup. */
void page_tag_say(page *pg, const char *open, const char *key,
		  const char *const *vars, const char *close);
/* page_say of a template already found. */
void page_expand(page *pg, const char *t, const char *const *vars);
/* The template for key, or NULL where the catalog has none. */
const char *page_find_msg(const page *pg, const char *key);
static inline const char *page_msg(const page *pg, const char *key)
{
	return i18n_get(pg->lang, key);
}
/* The catalog's text into sb without escaping, for building labels:
 * escape them when they are written. */
void page_say_plain(const page *pg, strbuf *sb, const char *key,
		    const char *const *vars);

/* "prefix" "a" "b" into buf, cut to size: catalog keys made per cell. */
void page_key(char *buf, size_t size, const char *a, const char *b,
	      const char *c);

/* Times: an instant in the reader's zone (memoized), a policy date as
 * the policy writes it, and both as <time> elements. */
void page_local_time(page *pg, dyd_time t, char *buf);
void page_local_date(page *pg, dyd_time t, char *buf);
void page_policy_date(dyd_time t, char *buf);
void page_put_time(page *pg, dyd_time t);
void page_put_date(page *pg, dyd_time t);

/* Points pg->cell_of at the cells of dc; false without memory. Costs
 * the cells of dc and of the category before. */
bool page_cells(page *pg, const decision_category *dc);

const char *page_purpose_label(const page *pg, size_t purpose);
/* The escaped label of a purpose. */
void page_esc_purpose(page *pg, size_t purpose);

/* Footnote marks: the numbers of what an answer rests on, as a run of
 * links to the sources section; consecutive numbers as a range. */
void page_marks_of(page *pg, const policy_cite *const *groups, size_t count);
void page_marks(page *pg, const decision_cites *c);
void page_marks_one(page *pg, const policy_cite *c);

/* A number as text, in decimal. */
#define PAGE_NUMBER_BUFSIZE 24

#endif
