/* SPDX-License-Identifier: MIT */
/* The page kit (report_page.h). */
#include "report_page.h"

#include <stdlib.h>
#include <string.h>

static void put_escaped(strbuf *sb, const char *value)
{
	html_text_str(sb, value);
}

static void put_nowrap(strbuf *sb, const char *value)
{
	strbuf_puts(sb, "<span class=\"nw\">");
	html_text_str(sb, value);
	strbuf_puts(sb, "</span>");
}

static void put_plain(strbuf *sb, const char *value)
{
	strbuf_puts(sb, value);
}

static void prepare_purposes(page *pg)
{
	size_t i, n = pg->p->purpose_count;

	pg->purposes = malloc((n ? n : 1) * sizeof(*pg->purposes));
	for (i = 0; pg->purposes && i < n; i++) {
		struct page_purpose *t = &pg->purposes[i];
		t->label = text_get(&pg->p->purposes[i].label, pg->lang);
		t->at = pg->escaped.len;
		html_text_str(&pg->escaped, t->label);
		t->len = pg->escaped.len - t->at;
	}
	if (pg->escaped.failed) {
		free(pg->purposes);
		pg->purposes = NULL;
	}
}

void page_init(page *pg, const report_view *v)
{
	memset(pg, 0, sizeof(*pg));
	pg->v = v;
	pg->d = v->d;
	pg->p = v->p;
	pg->rec = v->rec;
	pg->lang = v->lang;
	view_notes_init(&pg->notes, v->p);
	prepare_purposes(pg);
	pg->cell_of = calloc(v->p->purpose_count ? v->p->purpose_count : 1,
			     sizeof(*pg->cell_of));
	if (!pg->cell_of)
		pg->sb.failed = true;
}

bool page_cells(page *pg, const decision_category *dc)
{
	size_t k;

	if (!pg->cell_of)
		return false;
	for (k = 0; pg->cells_for && k < pg->cells_for->cell_count; k++)
		pg->cell_of[pg->cells_for->cells[k].purpose] = NULL;
	for (k = 0; k < dc->cell_count; k++)
		pg->cell_of[dc->cells[k].purpose] = &dc->cells[k];
	pg->cells_for = dc;
	return true;
}

void page_release(page *pg)
{
	strbuf_release(&pg->sb);
	strbuf_release(&pg->escaped);
	strbuf_release(&pg->scratch);
	view_notes_release(&pg->notes);
	free(pg->purposes);
	free(pg->cell_of);
}

/* Values this short (ids, numbers, names) are broken inside a word only
 * where the page has no room at all; longer ones anywhere. */
#define PAGE_SHORT_VALUE 24

void page_value(page *pg, const char *s, size_t len)
{
	if (len <= PAGE_SHORT_VALUE)
		strbuf_puts(&pg->sb, "<bdi class=\"w\">");
	else
		strbuf_append(&pg->sb, "<bdi>", 5);
	html_text(&pg->sb, s, len);
	strbuf_append(&pg->sb, "</bdi>", 6);
}

void page_say(page *pg, const char *key, const char *const *vars)
{
	i18n_format(&pg->sb, pg->lang, key, put_escaped, vars);
}

void page_say_nowrap(page *pg, const char *key, const char *const *vars)
{
	i18n_format(&pg->sb, pg->lang, key, put_nowrap, vars);
}

void page_expand(page *pg, const char *t, const char *const *vars)
{
	i18n_expand(&pg->sb, t, put_escaped, vars);
}

void page_tag_say(page *pg, const char *open, const char *key,
		  const char *const *vars, const char *close)
{
	page_raw(pg, open);
	page_say(pg, key, vars);
	page_raw(pg, close);
}

const char *page_find_msg(const page *pg, const char *key)
{
	const char *t = i18n_get(pg->lang, key);

	return strcmp(t, key) != 0 ? t : NULL;
}

void page_say_plain(const page *pg, strbuf *sb, const char *key,
		    const char *const *vars)
{
	i18n_format(sb, pg->lang, key, put_plain, vars);
}

void page_key(char *buf, size_t size, const char *a, const char *b,
	      const char *c)
{
	const char *parts[3] = {a, b, c};
	size_t len = 0, i, n;

	for (i = 0; i < 3; i++) {
		n = strlen(parts[i]);
		if (n > size - 1 - len)
			n = size - 1 - len;
		memcpy(buf + len, parts[i], n);
		len += n;
	}
	buf[len] = '\0';
}

/* Times */

static void memo_format(page *pg, dyd_time t, bool date, char *buf)
{
	uint64_t mix = (uint64_t)t * UINT64_C(0x9E3779B97F4A7C15);
	struct page_time *m = &pg->memo[(mix >> 59 ^ date) % PAGE_TIME_MEMO];

	if (!m->used || m->t != t || m->date != date) {
		if (date)
			tz_format_date(pg->v->zone, t, m->text);
		else
			tz_format(pg->v->zone, t, m->text);
		m->t = t;
		m->date = date;
		m->used = true;
	}
	memcpy(buf, m->text, strlen(m->text) + 1);
}

void page_local_time(page *pg, dyd_time t, char *buf)
{
	memo_format(pg, t, false, buf);
}

void page_local_date(page *pg, dyd_time t, char *buf)
{
	memo_format(pg, t, true, buf);
}

void page_policy_date(dyd_time t, char *buf)
{
	tz_local l;

	time_civil(t, &l);
	tz_civil_date(&l, buf);
}

/* "2016-09-03T12:42:10Z", for datetime attributes (whole seconds). */
static void iso_seconds(dyd_time t, char *buf)
{
	dyd_time_format(t - ((t % 1000000000 + 1000000000) % 1000000000), buf);
}

void page_put_time(page *pg, dyd_time t)
{
	char iso[TZ_FORMAT_BUFSIZE], local[TZ_FORMAT_BUFSIZE];

	iso_seconds(t, iso);
	page_local_time(pg, t, local);
	page_raw(pg, "<time datetime=\"");
	page_raw(pg, iso);
	page_raw(pg, "\">");
	page_esc(pg, local);
	page_raw(pg, "</time>");
}

void page_put_date(page *pg, dyd_time t)
{
	char iso[TZ_FORMAT_BUFSIZE];

	page_policy_date(t, iso);
	page_raw(pg, "<time class=\"nw\" datetime=\"");
	page_raw(pg, iso);
	page_raw(pg, "\">");
	page_raw(pg, iso);
	page_raw(pg, "</time>");
}

const char *page_purpose_label(const page *pg, size_t purpose)
{
	if (pg->purposes)
		return pg->purposes[purpose].label;
	return text_get(&pg->p->purposes[purpose].label, pg->lang);
}

void page_esc_purpose(page *pg, size_t purpose)
{
	const struct page_purpose *t;

	if (!pg->purposes) {
		page_esc(pg, page_purpose_label(pg, purpose));
		return;
	}
	t = &pg->purposes[purpose];
	if (t->len)
		strbuf_append(&pg->sb, pg->escaped.data + t->at, t->len);
}

/* Footnote marks */

static void mark(page *pg, size_t n)
{
	html_printf(&pg->sb, "<a href=\"#fn-%zu\">%zu</a>", n, n);
}

void page_marks_of(page *pg, const policy_cite *const *groups, size_t count)
{
	size_t *n, k, i, first, last;

	k = view_notes_marks(&pg->notes, groups, count, &n);
	pg->sb.failed |= pg->notes.failed;
	/* Runs of three or more consecutive numbers as ranges (2–6): an
	 * answer can rest on a dozen quotes. */
	for (i = 0; i < k; i = last + 1) {
		first = last = i;
		while (last + 1 < k && n[last + 1] == n[last] + 1)
			last++;
		page_raw(pg, i ? "," : "<sup class=\"fn\">");
		if (last - first >= 2) {
			mark(pg, n[first]);
			page_raw(pg, "\xE2\x80\x93");
			mark(pg, n[last]);
			continue;
		}
		for (; first <= last; first++) {
			if (first > i)
				page_raw(pg, ",");
			mark(pg, n[first]);
		}
	}
	if (k)
		page_raw(pg, "</sup>");
	free(n);
}

void page_marks(page *pg, const decision_cites *c)
{
	page_marks_of(pg, c->group, c->count);
}

void page_marks_one(page *pg, const policy_cite *c)
{
	page_marks_of(pg, &c, 1);
}
