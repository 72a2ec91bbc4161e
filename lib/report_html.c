/* SPDX-License-Identifier: MIT */
/* report.html: the one page a person reads. Self-contained (the embedded
 * report.css, no script, nothing fetched), localized through
 * messages.yaml, and strict about escaping (report_page.h). The page is
 * the table of sections below, each a function that writes what the
 * report view says. The output depends only on the view: no clock, no
 * randomness, no locale. */
#include "report.h"
#include "report_data.h"
#include "report_page.h"
#include "report_timeline.h"

#include <stdlib.h>
#include <string.h>

extern const unsigned char embedded_report_css[];
extern const size_t embedded_report_css_size;

/* Ignored requests listed in the answer; the account data has them all. */
#define IGNORED_SHOWN 10

static void render_optout(page *pg);
static void render_change(page *pg);
static void render_terms(page *pg);
static void render_sharing(page *pg);
static void render_timeline(page *pg);
static void render_sources(page *pg);
static void render_about(page *pg);
static bool has_change(const report_view *v);

/* The sections, in page order. A section is one row here and one
 * function; shown (may be NULL) says whether the page has it. */
static const struct section {
	const char *id;
	const char *title_key;
	void (*render)(page *pg);
	bool (*shown)(const report_view *v);
} sections[] = {
    {"optout", "html.optout.heading", render_optout, NULL},
    {"update", "html.change.heading", render_change, has_change},
    {"terms", "html.terms.heading", render_terms, NULL},
    {"sharing", "html.sharing.heading", render_sharing, NULL},
    {"business", "html.business.heading", data_render_business, NULL},
    {"data", "html.data.heading", data_render_account, NULL},
    {"timeline", "html.timeline.heading", render_timeline, NULL},
    {"sources", "html.sources.heading", render_sources, NULL},
    {"about", "html.about.heading", render_about, NULL},
};

#define SECTION_COUNT (sizeof(sections) / sizeof(*sections))

static bool has_change(const report_view *v)
{
	return v->change.state != CHANGE_NONE;
}

/* The year of the update, for "the 2021 update". */
static void update_year(const report_view *v, char *buf)
{
	tz_local l;

	buf[0] = '\0';
	if (v->change.terms == NO_INDEX)
		return;
	time_civil(v->p->terms[v->change.terms].effective, &l);
	format_signed(l.year, buf);
}

static void heading(page *pg, const struct section *s)
{
	char year[PAGE_NUMBER_BUFSIZE];
	const char *v[] = {
	    "service", pg->p->service, "parent", pg->p->parent_company,
	    "year",    year,	       NULL};

	update_year(pg->v, year);
	page_say(pg, s->title_key, v);
}

/* The head: the CSP first, then everything inline. */
static void render_head(page *pg)
{
	const char *title_vars[] = {"service", pg->p->service, "account",
				    pg->rec->account_id, NULL};

	page_raw(pg, "<!DOCTYPE html>\n<html lang=\"");
	page_esc(pg, pg->lang);
	page_raw(pg,
		 "\">\n<head>\n<meta charset=\"utf-8\">\n"
		 "<meta http-equiv=\"Content-Security-Policy\" "
		 "content=\"default-src 'none'; style-src 'unsafe-inline'; "
		 "img-src data:; base-uri 'none'; form-action 'none'\">\n"
		 "<meta name=\"viewport\" "
		 "content=\"width=device-width, initial-scale=1\">\n"
		 "<meta name=\"color-scheme\" content=\"light dark\">\n"
		 "<meta name=\"referrer\" content=\"no-referrer\">\n"
		 "<meta name=\"generator\" content=\"dyd " DYD_VERSION "\">\n");
	page_tag_say(pg, "<title>", "html.title", title_vars, "</title>\n");
	page_raw(pg, "<style>\n");
	strbuf_append(&pg->sb, (const char *)embedded_report_css,
		      embedded_report_css_size);
	page_raw(pg, "</style>\n</head>\n<body>\n");
}

static void render_header(page *pg)
{
	const char *v[] = {"service", pg->p->service, "parent",
			   pg->p->parent_company, NULL};
	char as_of[TZ_FORMAT_BUFSIZE];
	const char *iv[] = {"account", pg->rec->account_id,
			    "phone",   pg->rec->phone,
			    "as_of",   as_of,
			    NULL};
	size_t i;

	page_local_time(pg, pg->d->as_of, as_of);
	page_raw(pg, "<header>\n");
	page_tag_say(pg, "<h1>", "html.heading", v, "</h1>\n");
	page_tag_say(pg, "<p class=\"meta\">", "html.intro", iv, "</p>\n");
	page_raw(pg, "<nav aria-labelledby=\"nav-h\">");
	page_tag_say(pg, "<h2 id=\"nav-h\">", "html.nav", NULL, "</h2>");
	page_raw(pg, "<ol>");
	for (i = 0; i < SECTION_COUNT; i++) {
		if (sections[i].shown && !sections[i].shown(pg->v))
			continue;
		html_printf(&pg->sb, "<li><a href=\"#%s\">", sections[i].id);
		heading(pg, &sections[i]);
		page_raw(pg, "</a></li>");
	}
	page_raw(pg, "</ol></nav>\n</header>\n<main>\n");
}

/* 1. The opt-out answer */

static char *join_covers(page *pg)
{
	const policy_optout *o = pg->p->terms[pg->d->optout.terms].optout;
	strbuf sb = STRBUF_INIT;
	size_t i;

	strbuf_puts(&sb, "");
	for (i = 0; i < o->cover_count; i++) {
		if (i)
			strbuf_puts(&sb, ", ");
		strbuf_puts(&sb, page_purpose_label(pg, o->covers[i]));
	}
	return strbuf_detach(&sb);
}

/* Why a purpose is withheld, in words (the view names the key). */
static void reason_text(page *pg, const char *key, withheld_by by,
			size_t region, size_t terms, strbuf *out)
{
	const char *v[] = {
	    "region",
	    by == WITHHELD_REGION ? view_region_name(pg->v, region) : "",
	    "terms", terms == NO_INDEX ? "" : pg->p->terms[terms].id, NULL};

	page_say_plain(pg, out, key, v);
}

static void render_meaning(page *pg)
{
	const report_view *v = pg->v;
	const dyd_policy *p = pg->p;
	strbuf shared = STRBUF_INIT, kept = STRBUF_INIT;
	const policy_cite *why[DECISION_CITES_MAX * 8];
	size_t i, g, n = 0;

	strbuf_puts(&shared, "");
	strbuf_puts(&kept, "");
	for (i = 0; i < v->shared_count; i++) {
		if (i)
			strbuf_puts(&shared, ", ");
		strbuf_puts(&shared, page_purpose_label(pg, v->shared[i]));
	}
	for (i = 0; i < v->withheld_count; i++) {
		const view_withheld *w = &v->withheld[i];
		if (i)
			strbuf_puts(&kept, ", ");
		strbuf_puts(&kept, page_purpose_label(pg, w->purpose));
		strbuf_puts(&kept, " (");
		reason_text(pg, w->reason_key, w->by, w->region, NO_INDEX,
			    &kept);
		strbuf_puts(&kept, ")");
		for (g = 0;
		     g < w->cites->count && n < sizeof(why) / sizeof(*why); g++)
			why[n++] = w->cites->group[g];
	}
	pg->sb.failed |= shared.failed || kept.failed;
	page_tag_say(pg, "<h3>", "html.meaning.heading", NULL, "</h3>\n<ul>\n");
	{
		const char *sv[] = {"parent",	p->parent_company,
				    "service",	p->service,
				    "purposes", shared.data ? shared.data : "",
				    NULL};
		const char *kv[] = {"parent", p->parent_company, "purposes",
				    kept.data ? kept.data : "", NULL};
		page_tag_say(pg, "<li>",
			     v->shared_count ? "html.meaning.shared_for"
					     : "html.meaning.shared_none",
			     sv, "</li>\n");
		if (v->withheld_count) {
			page_tag_say(pg, "<li>", "html.meaning.not_used_for",
				     kv, "");
			page_marks_of(pg, why, n);
			page_raw(pg, "</li>\n");
		}
		if (v->window == WINDOW_CLOSED &&
		    v->verdict != VERDICT_OPTED_OUT)
			page_tag_say(pg, "<li>", "html.meaning.closed", NULL,
				     "</li>\n");
		page_tag_say(pg, "<li>", "html.meaning.e2e", sv, "</li>\n");
	}
	page_tag_say(pg, "<li>", "html.meaning.details", NULL, "</li>\n");
	page_raw(pg, "</ul>\n");
	strbuf_release(&shared);
	strbuf_release(&kept);
}

static void render_ignored(page *pg)
{
	const decision_optout *o = &pg->d->optout;
	char at[TZ_FORMAT_BUFSIZE], more[PAGE_NUMBER_BUFSIZE];
	size_t i;

	if (!o->ignored_count)
		return;
	page_tag_say(pg, "<h3>", "html.ignored.heading", NULL, "</h3>\n<ul>\n");
	for (i = 0; i < o->ignored_count && i < IGNORED_SHOWN; i++) {
		const record_event *ev = o->ignored[i].event;
		char key[64], ckey[64], wkey[64];
		const char *v[] = {"type", NULL,  "at", at,  "channel",
				   NULL,   "why", NULL, NULL};
		page_key(key, sizeof(key), "event.", event_type_name(ev->type),
			 "");
		page_key(ckey, sizeof(ckey), "channel.",
			 ev->channel ? ev->channel : "", "");
		page_key(wkey, sizeof(wkey), "ignored.",
			 ignored_why_name(o->ignored[i].why), "");
		page_local_time(pg, ev->at, at);
		v[1] = page_msg(pg, key);
		v[5] = page_msg(pg, ckey);
		v[7] = page_msg(pg, wkey);
		page_tag_say(pg, "<li>", "optout.ignored.item", v, "</li>\n");
	}
	if (o->ignored_count > IGNORED_SHOWN) {
		const char *v[] = {"count", more, NULL};
		char key[48];
		format_unsigned(o->ignored_count - IGNORED_SHOWN, more);
		page_key(
		    key, sizeof(key), "html.ignored.more.",
		    i18n_plural(pg->lang, o->ignored_count - IGNORED_SHOWN),
		    "");
		page_tag_say(pg, "<li>", key, v, "</li>\n");
	}
	page_raw(pg, "</ul>\n");
}

static const char *const verdict_keys[] = {
    [VERDICT_NO_OPTOUT] = "html.verdict.none",
    [VERDICT_OPTED_OUT] = "html.verdict.opted_out",
    [VERDICT_NOT_OPTED_OUT] = "html.verdict.not_opted_out",
    [VERDICT_BEFORE_OFFER] = "html.verdict.before_offer",
    [VERDICT_REGISTERED_AFTER_OFFER] = "html.verdict.registered_after_offer",
};

static const char *const tone_class[] = {"good", "warn", "neutral"};
static const char *const tone_sym[] = {"&#x2713;", "&#x2715;", "&#x2013;"};

/* The answer's words, from the values of vars. */
static void answer_lines(page *pg, const char *const *vars)
{
	const report_view *v = pg->v;
	const decision_optout *o = &pg->d->optout;
	const view_withheld *moot = v->moot;
	char key[64];

	page_key(key, sizeof(key), "html.reason.",
		 optout_reason_name(o->reason), "");
	page_tag_say(pg, "<p>", key, vars, "</p>\n");
	if (o->reason == REASON_OPTOUT_IN_WINDOW) {
		page_tag_say(pg, "<p>", "optout.opted_out.detail", vars,
			     "</p>\n");
		if (pg->p->terms[o->terms].optout->final)
			page_tag_say(pg, "<p>", "optout.final", vars, "</p>\n");
	}
	if (moot && v->verdict != VERDICT_OPTED_OUT) {
		page_tag_say(pg, "<p>", "html.reason.moot", vars, "");
		page_marks(pg, moot->cites);
		page_raw(pg, "</p>\n");
	}
	if (v->window == WINDOW_OPEN)
		page_tag_say(pg, "<p class=\"open\">", "optout.window_open",
			     vars, "</p>\n");
}

static void render_answer(page *pg)
{
	const report_view *v = pg->v;
	const dyd_policy *p = pg->p;
	const decision_optout *o = &pg->d->optout;
	const policy_terms *t = &p->terms[o->terms];
	char at[TZ_FORMAT_BUFSIZE] = "", start[TZ_FORMAT_BUFSIZE] = "";
	char end[TZ_FORMAT_BUFSIZE] = "", eff[TZ_FORMAT_BUFSIZE] = "";
	char reg[TZ_FORMAT_BUFSIZE] = "", days[PAGE_NUMBER_BUFSIZE], ckey[64];
	const view_withheld *moot = v->moot;
	char *covers = join_covers(pg);
	const char *vars[] = {
	    "parent",	  p->parent_company,
	    "service",	  p->service,
	    "covers",	  covers ? covers : "",
	    "terms",	  t->id,
	    "days",	  days,
	    "at",	  at,
	    "channel",	  "",
	    "start",	  start,
	    "end",	  end,
	    "effective",  eff,
	    "registered", reg,
	    "region",	  moot ? view_region_name(v, moot->region) : "",
	    NULL};

	pg->sb.failed |= !covers;
	format_unsigned(t->optout->window_days, days);
	page_policy_date(t->effective, eff);
	page_local_time(pg, pg->rec->registered_at, reg);
	if (o->has_window) {
		page_local_time(pg, o->window_start, start);
		page_local_time(pg, o->window_end, end);
	}
	if (o->choice) {
		page_local_time(pg, o->choice->at, at);
		page_key(ckey, sizeof(ckey), "channel.",
			 o->choice->channel ? o->choice->channel : "", "");
		vars[13] = page_msg(pg, ckey);
	}
	html_printf(&pg->sb,
		    "<div class=\"answer %s\">\n<p class=\"verdict\"><span "
		    "class=\"sym\" aria-hidden=\"true\">%s</span> ",
		    tone_class[v->tone], tone_sym[v->tone]);
	page_say(pg, verdict_keys[v->verdict], vars);
	page_marks(pg, &o->cites);
	page_raw(pg, "</p>\n");
	answer_lines(pg, vars);
	page_raw(pg, "</div>\n");
	free(covers);
}

static void render_optout(page *pg)
{
	if (pg->v->verdict == VERDICT_NO_OPTOUT) {
		html_printf(&pg->sb,
			    "<div class=\"answer %s\">\n<p class=\"verdict\">"
			    "<span class=\"sym\" aria-hidden=\"true\">%s"
			    "</span> ",
			    tone_class[TONE_NEUTRAL], tone_sym[TONE_NEUTRAL]);
		page_say(pg, "html.verdict.none", NULL);
		page_raw(pg, "</p>\n");
		page_tag_say(pg, "<p>", "optout.none", NULL, "</p>\n</div>\n");
		render_meaning(pg);
		return;
	}
	render_answer(pg);
	render_meaning(pg);
	render_ignored(pg);
}

/* 2. What changed with the update */

/* "Category: for A, B (since D)" of each category in list, where a
 * purpose is named when its cell is in gained (or, for lost ones, in the
 * prior decision). */
static void change_item(page *pg, const change_category *c, bool gained)
{
	const decision_category *dc =
	    &(gained ? pg->d : pg->v->change.prior)->categories[c->category];
	const size_t *list = gained ? c->gained : c->lost;
	size_t n = gained ? c->gained_count : c->lost_count, i;
	char since[TZ_FORMAT_BUFSIZE] = "";

	page_raw(pg, "<li><strong>");
	page_esc(pg, text_get(&dc->category->label, pg->lang));
	page_raw(pg, "</strong>: ");
	if (!page_cells(pg, dc)) {
		pg->sb.failed = true;
		return;
	}
	for (i = 0; i < n; i++) {
		const decision_cell *cell = pg->cell_of[list[i]];
		if (i)
			page_raw(pg, ", ");
		page_esc_purpose(pg, list[i]);
		if (gained && cell && !since[0])
			page_local_date(pg, cell->since, since);
	}
	if (gained && since[0]) {
		const char *v[] = {"since", since, NULL};
		page_raw(pg, " ");
		page_say(pg, "html.change.since", v);
	}
	page_raw(pg, "</li>\n");
}

static void change_lists(page *pg)
{
	const decision_change *ch = &pg->v->change;
	const decision_terms *dt = &pg->d->terms[ch->terms];
	const char *v[] = {"terms", pg->p->terms[ch->terms].id, "parent",
			   pg->p->parent_company, NULL};
	size_t i, gained = 0, lost = 0;

	for (i = 0; i < ch->changed_count; i++) {
		gained += ch->changed[i].gained_count != 0;
		lost += ch->changed[i].lost_count != 0;
	}
	page_tag_say(pg, "<h3>", "html.change.gained", v, "</h3>\n");
	if (!gained)
		page_tag_say(pg, "<p>",
			     dt->status == TERMS_ACCEPTED
				 ? "html.change.gained.none"
				 : "html.change.gained.not_accepted",
			     v, "</p>\n");
	else
		page_raw(pg, "<ul>\n");
	for (i = 0; i < ch->changed_count; i++)
		if (ch->changed[i].gained_count)
			change_item(pg, &ch->changed[i], true);
	if (gained)
		page_raw(pg, "</ul>\n");
	if (lost) {
		page_tag_say(pg, "<h3>", "html.change.lost", v,
			     "</h3>\n<ul>\n");
		for (i = 0; i < ch->changed_count; i++)
			if (ch->changed[i].lost_count)
				change_item(pg, &ch->changed[i], false);
		page_raw(pg, "</ul>\n");
	}
}

/* What the update left as it was: the opt-out, personal chats and what
 * is never shared, and what is shared as before. */
static void change_same(page *pg)
{
	const report_view *v = pg->v;
	const decision_change *ch = &v->change;
	strbuf *list = &pg->scratch;
	char *covers = pg->d->has_optout ? join_covers(pg) : NULL;
	const char *key = "html.change.optout.none";
	const char *vars[] = {
	    "parent", pg->p->parent_company, "service", pg->p->service,
	    "covers", covers ? covers : "",  "list",	NULL,
	    NULL};
	size_t i;

	if (v->verdict == VERDICT_OPTED_OUT)
		key = "html.change.optout.kept";
	else if (v->verdict == VERDICT_NOT_OPTED_OUT)
		key = "html.change.optout.not_opted_out";
	else if (v->verdict == VERDICT_REGISTERED_AFTER_OFFER ||
		 v->verdict == VERDICT_BEFORE_OFFER)
		key = "html.change.optout.not_offered";
	if (!ch->optout_same)
		key = "html.change.optout.changed";
	page_tag_say(pg, "<h3>", "html.change.same", NULL, "</h3>\n<ul>\n");
	page_tag_say(pg, "<li>", key, vars, "</li>\n");
	strbuf_truncate(list, 0);
	for (i = 0; i < pg->d->category_count; i++) {
		const policy_category *cat = pg->d->categories[i].category;
		if (!cat->never)
			continue;
		if (list->len)
			strbuf_puts(list, ", ");
		strbuf_puts(list, text_get(&cat->label, pg->lang));
	}
	vars[7] = list->data ? list->data : "";
	page_tag_say(pg, "<li>",
		     list->len ? "html.change.never" : "html.meaning.e2e", vars,
		     "</li>\n");
	strbuf_truncate(list, 0);
	for (i = 0; i < ch->same_count; i++) {
		if (i)
			strbuf_puts(list, ", ");
		strbuf_puts(
		    list,
		    text_get(&pg->d->categories[ch->same[i]].category->label,
			     pg->lang));
	}
	vars[7] = list->data ? list->data : "";
	if (ch->same_count)
		page_tag_say(pg, "<li>", "html.change.same_shared", vars,
			     "</li>\n");
	page_raw(pg, "</ul>\n");
	pg->sb.failed |= list->failed || (pg->d->has_optout && !covers);
	free(covers);
}

static void render_change(page *pg)
{
	const report_view *v = pg->v;
	const decision_change *ch = &v->change;
	const policy_terms *t = &pg->p->terms[ch->terms];
	char eff[TZ_FORMAT_BUFSIZE], before[TZ_FORMAT_BUFSIZE];
	char as_of[TZ_FORMAT_BUFSIZE], reg[TZ_FORMAT_BUFSIZE];
	const char *vars[] = {"terms",	    t->id,  "effective", eff,
			      "before",	    before, "as_of",	 as_of,
			      "registered", reg,    NULL};

	page_policy_date(t->effective, eff);
	page_local_time(pg, ch->before + 1, before);
	page_local_time(pg, pg->d->as_of, as_of);
	page_local_time(pg, pg->rec->registered_at, reg);
	page_raw(pg, "<div class=\"change\">\n");
	if (ch->state == CHANGE_NOT_YET) {
		page_tag_say(pg, "<p>", "html.change.not_yet", vars, "</p>\n");
	} else if (ch->state == CHANGE_REGISTERED_AFTER) {
		page_tag_say(pg, "<p>", "html.change.registered_after", vars,
			     "</p>\n");
	} else {
		page_tag_say(pg, "<p>", "html.change.intro", vars, "");
		page_marks_one(pg, &t->cite);
		page_raw(pg, "</p>\n");
		change_lists(pg);
		change_same(pg);
	}
	page_raw(pg, "</div>\n");
}

/* 3. Terms */

/* What an overdue account faces at the as-of instant, in plain words: the
 * policy's label, else the catalog's words for the keyword, else it. */
static void render_effect(page *pg, const policy_effect *e)
{
	const char *text = text_get(&e->label, pg->lang);
	char from[TZ_FORMAT_BUFSIZE], key[96];
	const char *v[] = {"from", from, "effect", NULL, NULL};

	if (!*text && strlen(e->effect) < 64) {
		page_key(key, sizeof(key), "html.overdue.", e->effect, "");
		text = page_find_msg(pg, key);
	}
	page_policy_date(e->from, from);
	v[3] = text ? text : e->effect;
	page_raw(pg, "<br>");
	page_say(pg, "html.terms.effect", v);
	page_marks_one(pg, &e->cite);
}

static void terms_words(const decision_terms *dt, const policy_terms *t,
			const char **key, const char **detail, const char **sym,
			const char **cls)
{
	*detail = NULL;
	*cls = "";
	switch (dt->status) {
	case TERMS_ACCEPTED:
		*key = dt->at_registration ? "html.terms.status.at_registration"
					   : "html.terms.status.accepted";
		*sym = "&#x2713;";
		*cls = "kept";
		break;
	case TERMS_PENDING:
		*key = "html.terms.status.pending";
		if (t->has_deadline)
			*detail = "html.terms.deadline";
		*sym = "&#x25CB;";
		break;
	case TERMS_OVERDUE:
		*key = "html.terms.status.overdue";
		*sym = "&#x26A0;";
		*cls = "shared";
		break;
	default:
		*key = "html.terms.status.not_yet_effective";
		*sym = "&#x2013;";
		break;
	}
}

static void terms_row(page *pg, size_t i)
{
	const policy_terms *t = &pg->p->terms[i];
	const decision_terms *dt = &pg->d->terms[i];
	const char *key, *detail, *sym, *cls;
	char at[TZ_FORMAT_BUFSIZE], deadline[TZ_FORMAT_BUFSIZE];
	const char *v[] = {"at", at, "deadline", deadline, NULL};

	page_local_time(pg, dt->accepted_at, at);
	page_policy_date(t->deadline, deadline);
	terms_words(dt, t, &key, &detail, &sym, &cls);
	page_raw(pg, "<tr><th scope=\"row\">");
	page_esc(pg, text_get(&t->title, pg->lang));
	page_marks_one(pg, &t->cite);
	page_raw(pg, "<span class=\"desc mono\">");
	page_esc(pg, t->id);
	page_raw(pg, "</span></th><td data-label=\"");
	html_attr_str(&pg->sb, page_msg(pg, "html.terms.col.effective"));
	page_raw(pg, "\">");
	page_put_date(pg, t->effective);
	html_printf(&pg->sb, "</td><td class=\"%s\" data-label=\"", cls);
	html_attr_str(&pg->sb, page_msg(pg, "html.terms.col.status"));
	html_printf(&pg->sb,
		    "\"><strong><span class=\"sym\" aria-hidden=\"true\">%s"
		    "</span> ",
		    sym);
	page_say(pg, key, v);
	page_raw(pg, "</strong>");
	if (detail) {
		page_raw(pg, "<br>");
		page_say(pg, detail, v);
	}
	if (dt->effect)
		render_effect(pg, dt->effect);
	page_raw(pg, "</td></tr>\n");
}

static void render_terms(page *pg)
{
	char as_of[TZ_FORMAT_BUFSIZE];
	const char *v[] = {"as_of", as_of, NULL};
	size_t i;

	page_local_time(pg, pg->d->as_of, as_of);
	page_raw(pg, "<div class=\"tbl stack\"><table>");
	page_tag_say(pg, "<caption>", "html.terms.caption", v, "</caption>\n");
	page_raw(pg, "<thead><tr>");
	page_tag_say(pg, "<th scope=\"col\">", "html.terms.col.terms", NULL,
		     "</th>");
	page_tag_say(pg, "<th scope=\"col\">", "html.terms.col.effective", NULL,
		     "</th>");
	page_tag_say(pg, "<th scope=\"col\">", "html.terms.col.status", NULL,
		     "</th>");
	page_raw(pg, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < pg->p->terms_count; i++)
		terms_row(pg, i);
	page_raw(pg, "</tbody></table></div>\n");
}

/* 4. The sharing matrix */

static void render_items(page *pg, const decision_category *dc)
{
	const doc_node *arr = record_array(pg->rec, dc->category->items_field);
	size_t i;

	if (!arr || !dc->item_count)
		return;
	page_tag_say(pg, "<span class=\"desc\">", "html.sharing.items", NULL,
		     "</span><ul class=\"items\">");
	for (i = 0; i < dc->item_count; i++) {
		const doc_node *label;
		if (dc->items[i] >= arr->count)
			continue;
		label = data_item_label(arr->items[dc->items[i]]);
		page_raw(pg, "<li>");
		if (label)
			page_value(pg, label->text, label->len);
		page_raw(pg, "</li>");
	}
	page_raw(pg, "</ul>");
}

/* A row's marks: the sources of its sharing rules, each rule once. */
static void category_marks(page *pg, const decision_category *dc)
{
	const policy_cite *rules[64];
	size_t r, n = 0;

	for (r = 0; r < dc->category->rule_count && n < 64; r++)
		rules[n++] = &dc->category->rules[r].cite;
	page_marks_of(pg, rules, n);
}

static void render_cell(page *pg, const decision_category *dc,
			const decision_cell *c, size_t purpose)
{
	char since[TZ_FORMAT_BUFSIZE];
	const policy_terms *t;

	if (!c) {
		page_raw(pg, "<td class=\"none\"><span aria-hidden=\"true\">"
			     "&#x2014;</span><span class=\"vh\">");
		page_say(pg, "html.cell.none", NULL);
		page_raw(pg, "</span></td>");
		return;
	}
	html_printf(&pg->sb, "<td class=\"%s\" data-label=\"",
		    c->shared ? "shared" : "kept");
	if (pg->purposes)
		html_attr_str(&pg->sb, pg->purposes[purpose].label);
	else
		html_attr_str(&pg->sb, page_purpose_label(pg, purpose));
	page_raw(pg, "\">");
	if (c->shared) {
		const char *v[] = {"since", since, NULL};
		/* The policy date where that is what decided it, else the
		 * acceptance date in the reader's zone. */
		t = &pg->p->terms[dc->category->rules[c->rule].since];
		if (c->since == t->effective)
			page_policy_date(c->since, since);
		else
			page_local_date(pg, c->since, since);
		page_raw(pg, "<span class=\"sym\" aria-hidden=\"true\">&#x25CF;"
			     "</span> ");
		page_say_nowrap(pg, "html.cell.shared", v);
	} else {
		strbuf *reason = &pg->scratch;
		const char *v[] = {"reason", NULL, NULL};
		strbuf_truncate(reason, 0);
		reason_text(pg, view_reason_key(c->by), c->by, c->region,
			    dc->category->rules[c->rule].since, reason);
		pg->sb.failed |= reason->failed;
		v[1] = reason->data ? reason->data : "";
		page_raw(pg, "<span class=\"sym\" aria-hidden=\"true\">&#x25CB;"
			     "</span> ");
		page_say(pg, "html.cell.withheld", v);
		/* What withheld it (the opt-out, a region); the rule's own
		 * sources mark the row. */
		if (c->cites.count > 1)
			page_marks_of(pg, c->cites.group + 1,
				      c->cites.count - 1);
	}
	page_raw(pg, "</td>");
}

static void matrix_head(page *pg)
{
	char as_of[TZ_FORMAT_BUFSIZE];
	const char *v[] = {"parent", pg->p->parent_company, "as_of", as_of,
			   NULL};
	size_t j;

	page_local_time(pg, pg->d->as_of, as_of);
	/* Past seven purposes a row of cells no longer fits a screen: each
	 * category is a card then, as on a phone. */
	page_raw(pg, pg->p->purpose_count > 7
			 ? "<div class=\"tbl stack matrix wide\"><table>"
			 : "<div class=\"tbl stack matrix\"><table>");
	page_tag_say(pg, "<caption>", "html.sharing.caption", v,
		     "</caption>\n");
	page_raw(pg, "<thead><tr>");
	page_tag_say(pg, "<th scope=\"col\">", "html.sharing.col.category",
		     NULL, "</th>");
	for (j = 0; j < pg->p->purpose_count; j++) {
		page_raw(pg, "<th scope=\"col\">");
		page_esc_purpose(pg, j);
		page_raw(pg, "</th>");
	}
	page_raw(pg, "</tr></thead>\n<tbody>\n");
}

static bool render_matrix(page *pg)
{
	bool any_never = false;
	size_t i, j;

	matrix_head(pg);
	for (i = 0; i < pg->d->category_count; i++) {
		const decision_category *dc = &pg->d->categories[i];
		if (dc->category->never) {
			any_never = true;
			continue;
		}
		if (!page_cells(pg, dc)) {
			pg->sb.failed = true;
			break;
		}
		page_raw(pg, "<tr><th scope=\"row\">");
		page_esc(pg, text_get(&dc->category->label, pg->lang));
		category_marks(pg, dc);
		if (dc->category->has_items && dc->shared)
			render_items(pg, dc);
		page_raw(pg, "</th>");
		for (j = 0; j < pg->p->purpose_count; j++)
			render_cell(pg, dc, pg->cell_of[j], j);
		page_raw(pg, "</tr>\n");
	}
	page_raw(pg, "</tbody></table></div>\n");
	return any_never;
}

static void render_legend(page *pg)
{
	page_raw(pg, "<ul class=\"legend\"><li><span class=\"sym\" "
		     "aria-hidden=\"true\">&#x25CF;</span> ");
	page_say(pg, "html.legend.shared", NULL);
	page_raw(pg, "</li><li><span class=\"sym\" aria-hidden=\"true\">"
		     "&#x25CB;</span> ");
	page_say(pg, "html.legend.withheld", NULL);
	page_raw(pg, "</li><li><span class=\"sym\" aria-hidden=\"true\">"
		     "&#x2014;</span> ");
	page_say(pg, "html.legend.none", NULL);
	page_raw(pg, "</li></ul>\n");
}

static void render_definitions(page *pg, bool any_never)
{
	const char *pv[] = {"parent", pg->p->parent_company, NULL};
	size_t i;

	if (any_never) {
		page_tag_say(pg, "<h3>", "html.never.heading", pv,
			     "</h3>\n<dl class=\"plain\">\n");
		for (i = 0; i < pg->d->category_count; i++) {
			const policy_category *cat =
			    pg->d->categories[i].category;
			if (!cat->never)
				continue;
			page_raw(pg, "<dt><span class=\"sym\" "
				     "aria-hidden=\"true\">&#x25CB;</span> ");
			page_esc(pg, text_get(&cat->label, pg->lang));
			page_raw(pg, "</dt><dd>");
			page_esc(pg, text_get(&cat->never_reason, pg->lang));
			page_marks(pg, &pg->d->categories[i].cites);
			page_raw(pg, "</dd>\n");
		}
		page_raw(pg, "</dl>\n");
	}
	page_tag_say(pg, "<h3>", "html.categories.heading", NULL,
		     "</h3>\n<dl class=\"plain\">\n");
	for (i = 0; i < pg->d->category_count; i++) {
		const policy_category *cat = pg->d->categories[i].category;
		page_raw(pg, "<dt>");
		page_esc(pg, text_get(&cat->label, pg->lang));
		page_raw(pg, "</dt><dd>");
		page_esc(pg, text_get(&cat->description, pg->lang));
		page_raw(pg, "</dd>\n");
	}
	page_raw(pg, "</dl>\n");
	page_tag_say(pg, "<h3>", "html.purposes.heading", NULL,
		     "</h3>\n<dl class=\"plain\">\n");
	for (i = 0; i < pg->p->purpose_count; i++) {
		page_raw(pg, "<dt>");
		page_esc_purpose(pg, i);
		page_raw(pg, "</dt><dd>");
		page_esc(pg,
			 text_get(&pg->p->purposes[i].description, pg->lang));
		page_marks_one(pg, &pg->p->purposes[i].cite);
		page_raw(pg, "</dd>\n");
	}
	page_raw(pg, "</dl>\n");
}

static void render_sharing(page *pg)
{
	const char *pv[] = {"parent", pg->p->parent_company, NULL};

	page_tag_say(pg, "<p>", "html.sharing.intro", pv, "</p>\n");
	render_legend(pg);
	render_definitions(pg, render_matrix(pg));
}

static void render_timeline(page *pg)
{
	if (timeline_render(pg))
		pg->sb.failed = true;
}

/* 8. Where these answers come from */

/* Only a web address the reader may follow is a link; anything else the
 * policy calls an address is shown as text. */
static bool followable(const char *url)
{
	return strncmp(url, "https://", 8) == 0 ||
	       strncmp(url, "http://", 7) == 0;
}

static void render_quote(page *pg, const policy_quote *q, bool *noted)
{
	const policy_source *s = &pg->p->sources[q->source];
	char key[32];

	if (s->language) {
		page_raw(pg, "<q lang=\"");
		html_attr_str(&pg->sb, s->language);
		page_raw(pg, "\">");
	} else {
		page_raw(pg, "<q>");
	}
	page_esc(pg, q->quote);
	page_raw(pg, "</q>");
	if (s->language && strcmp(s->language, "en") != 0) {
		const char *name, *v[] = {"language", NULL, NULL};
		page_key(key, sizeof(key), "language.", s->language, "");
		name = page_find_msg(pg, key);
		v[1] = name ? name : s->language;
		page_say(pg, "source.in_language", v);
	}
	page_raw(pg, " \xE2\x80\x94 <cite>");
	page_esc(pg, s->title);
	page_raw(pg, "</cite>, ");
	page_esc(pg, s->publisher);
	page_raw(pg, ", ");
	page_esc(pg, s->date);
	page_raw(pg, ". ");
	/* A link the reader chooses to follow, which tells the site
	 * nothing of this page (no referrer, no window.opener). */
	if (followable(s->url)) {
		page_raw(pg, "<a href=\"");
		html_attr_str(&pg->sb, s->url);
		page_raw(pg, "\" rel=\"noreferrer noopener\">");
		page_esc(pg, s->url);
		page_raw(pg, "</a>");
	} else {
		page_raw(pg, "<span class=\"mono\">");
		page_esc(pg, s->url);
		page_raw(pg, "</span>");
	}
	/* A document's note once, at its first footnote. */
	if (s->note.count && !noted[q->source]) {
		const char *v[] = {"note", text_get(&s->note, pg->lang), NULL};
		noted[q->source] = true;
		page_tag_say(pg, "<br><span class=\"note\">",
			     "html.source.note", v, "</span>");
	}
}

static void render_sources(page *pg)
{
	const view_notes *n = &pg->notes;
	bool *noted;
	size_t i;

	if (!n->count) {
		page_tag_say(pg, "<p class=\"note\">", "html.sources.none",
			     NULL, "</p>\n");
		return;
	}
	noted = calloc(pg->p->source_count + 1, sizeof(bool));
	if (!noted) {
		pg->sb.failed = true;
		return;
	}
	page_tag_say(pg, "<p>", "html.sources.intro", NULL, "</p>\n");
	page_raw(pg, "<ol class=\"sources\">\n");
	for (i = 0; i < n->count; i++) {
		const view_note *e = &n->list[i];
		html_printf(&pg->sb, "<li id=\"fn-%zu\">", i + 1);
		if (e->quote == NO_INDEX) {
			const char *v[] = {
			    "note", text_get(&e->cite->note, pg->lang), NULL};
			page_say(pg, "html.footnote.note", v);
		} else {
			render_quote(pg, &e->cite->quotes[e->quote], noted);
		}
		page_raw(pg, "</li>\n");
	}
	page_raw(pg, "</ol>\n");
	free(noted);
}

/* 9. About this report */

static void about_row(page *pg, const char *key, const char *cls,
		      const char *value)
{
	page_tag_say(pg, "<div><dt>", key, NULL, "</dt>");
	html_printf(&pg->sb, "<dd%s>", cls);
	page_esc(pg, value);
	page_raw(pg, "</dd></div>\n");
}

/* How to check the bundle, and who signed it when it is signed. */
static void render_checks(page *pg)
{
	page_tag_say(pg, "<p>", "html.about.verify", NULL, "</p>\n");
	page_raw(pg, "<pre><code>dyd verify FILE.zip</code></pre>\n");
	if (!pg->v->key_sha256)
		return;
	page_tag_say(pg, "<h3>", "html.about.signed", NULL, "</h3>\n");
	page_tag_say(pg, "<p>", "html.about.check_signature", NULL, "</p>\n");
	page_raw(pg, "<pre><code>unzip FILE.zip manifest.json manifest.sig\n"
		     "openssl pkeyutl -verify -pubin -inkey PUB.pem -rawin "
		     "-in manifest.json -sigfile manifest.sig</code></pre>\n");
	page_tag_say(pg, "<p>", "html.about.check_key", NULL, "</p>\n");
	page_raw(pg, "<pre><code>openssl pkey -pubin -in PUB.pem -outform DER "
		     "| sha256sum</code></pre>\n");
}

static void render_omitted(page *pg)
{
	const report_view *v = pg->v;
	size_t i;

	if (!v->omitted_count)
		return;
	page_tag_say(pg, "<h3>", "html.about.omitted", NULL, "</h3>\n");
	page_tag_say(pg, "<p>", "html.about.omitted.intro", NULL,
		     "</p>\n<ul>\n");
	for (i = 0; i < v->omitted_count; i++) {
		page_raw(pg, "<li><code>");
		page_value(pg, v->omitted[i].pointer,
			   strlen(v->omitted[i].pointer));
		page_raw(pg, "</code>: ");
		page_say(pg, v->omitted[i].reason_key, NULL);
		page_raw(pg, "</li>\n");
	}
	page_raw(pg, "</ul>\n");
}

static void render_about(page *pg)
{
	const report_view *v = pg->v;
	char as_of[TZ_FORMAT_BUFSIZE], iso[DYD_TIME_BUFSIZE];

	page_local_time(pg, pg->d->as_of, as_of);
	dyd_time_format(pg->d->as_of, iso);
	page_raw(pg, "<dl>\n");
	page_tag_say(pg, "<div><dt>", "html.about.as_of", NULL, "</dt><dd>");
	page_esc(pg, as_of);
	page_raw(pg, " (<time class=\"mono\">");
	page_esc(pg, iso);
	page_raw(pg, "</time>)</dd></div>\n");
	about_row(pg, "html.about.policy", " class=\"mono\"",
		  pg->p->id ? pg->p->id : "");
	about_row(pg, "html.about.sha256", " class=\"mono\"", pg->p->sha256);
	about_row(pg, "html.about.tool", "", "dyd " DYD_VERSION);
	about_row(pg, "html.about.zone", " class=\"mono\"", tz_name(v->zone));
	if (v->key_sha256)
		about_row(pg, "html.about.signed_by", " class=\"mono\"",
			  v->key_sha256);
	page_raw(pg, "</dl>\n");
	render_checks(pg);
	page_tag_say(pg, "<p>", "html.about.json", NULL, "</p>\n");
	render_omitted(pg);
}

int report_html_render(char **out, size_t *len, const report_view *v)
{
	page pg;
	size_t i;
	int rc = DYD_ENOMEM;

	*out = NULL;
	*len = 0;
	if (i18n_load())
		return DYD_ENOMEM;
	page_init(&pg, v);
	/* A typical page is some 60 kB; growing to that from nothing took
	 * a dozen reallocations, each copying what was written so far. */
	(void)strbuf_grow(&pg.sb, embedded_report_css_size + 65536);
	render_head(&pg);
	render_header(&pg);
	for (i = 0; i < SECTION_COUNT && !pg.sb.failed; i++) {
		const struct section *s = &sections[i];
		if (s->shown && !s->shown(v))
			continue;
		html_printf(&pg.sb,
			    "<section id=\"%s\" aria-labelledby=\"%s-h\">\n"
			    "<h2 id=\"%s-h\">",
			    s->id, s->id, s->id);
		heading(&pg, s);
		page_raw(&pg, "</h2>\n");
		s->render(&pg);
		page_raw(&pg, "</section>\n");
	}
	page_raw(&pg, "</main>\n</body>\n</html>\n");
	if (!pg.sb.failed) {
		*len = pg.sb.len;
		*out = strbuf_detach(&pg.sb);
		rc = *out ? 0 : DYD_ENOMEM;
	}
	if (rc)
		*len = 0;
	page_release(&pg);
	return rc;
}
