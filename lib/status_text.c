/* SPDX-License-Identifier: MIT */
/* The short plain-language answer of `dyd status`: opt-out first, then the
 * terms, then what is shared; with explain, the rule behind every line. */
#include "evaluate.h"
#include "i18n.h"
#include "strbuf.h"
#include "tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct render {
	strbuf sb;
	const dyd_decision *d;
	const char *lang;
	const dyd_status_options *opt;
	bool *source_noted; /* per policy source: its note was shown */
	const tz *zone;	    /* of the times shown (--tz) */
};

static void put_plain(strbuf *sb, const char *value)
{
	strbuf_puts(sb, value);
}

/* "2016-09-10 14:00:00 UTC", or in the zone asked for: "2016-09-10
 * 21:00:00 WIB", "2016-09-10 21:00:00 +07:00". */
static void human_time(const struct render *r, dyd_time t, char *buf,
		       size_t size)
{
	char iso[DYD_TIME_BUFSIZE];
	tz_local l;

	/* Zones are whole seconds away from UTC: the fraction stays. */
	dyd_time_format(t, iso);
	tz_localize(r->zone, t, &l);
	snprintf(buf, size, "%04d-%02u-%02u %02u:%02u:%02u%.*s %s", l.year,
		 l.month, l.day, l.hour, l.minute, l.second,
		 (int)(strlen(iso) - 20), iso + 19, l.abbreviation);
}

static void say(struct render *r, unsigned indent, const char *key,
		const char *const *vars)
{
	unsigned i;

	for (i = 0; i < indent; i++)
		strbuf_puts(&r->sb, "  ");
	i18n_format(&r->sb, r->lang, key, put_plain, vars);
	strbuf_putc(&r->sb, '\n');
}

static const char *msg(struct render *r, const char *key)
{
	return i18n_get(r->lang, key);
}

/* Keeps the country code's first digits and the last two when enough
 * digits stay hidden; a short number is hidden whole. */
static void masked_phone(const char *phone, bool verbose, char *buf,
			 size_t size)
{
	size_t len = strlen(phone), i, keep_head = 3, keep_tail = 2;

	if (verbose || size < len + 1) {
		snprintf(buf, size, "%s", phone);
		return;
	}
	if (len < 1 + 2 + 4 + 2)
		keep_head = 1, keep_tail = 0;
	for (i = 0; i < len; i++)
		buf[i] = i < keep_head || i >= len - keep_tail ? phone[i] : '*';
	buf[len] = '\0';
}

static const char *purpose_label(struct render *r, size_t purpose)
{
	return text_get(&r->d->policy->purposes[purpose].label, r->lang);
}

static char *join_covers(struct render *r)
{
	const policy_optout *o = r->d->policy->terms[r->d->optout.terms].optout;
	strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < o->cover_count; i++) {
		if (i)
			strbuf_puts(&sb, ", ");
		strbuf_puts(&sb, purpose_label(r, o->covers[i]));
	}
	return strbuf_detach(&sb);
}

static void render_optout(struct render *r)
{
	const dyd_decision *d = r->d;
	const dyd_policy *p = d->policy;
	const decision_optout *o = &d->optout;
	const policy_terms *t;
	char at[48], start[48], end[48], eff[48], reg[48], days[16];
	char *covers;
	const char *channel = "";
	size_t i;

	{
		const char *v[] = {"parent", p->parent_company, NULL};
		say(r, 0, "optout.title", v);
	}
	if (!d->has_optout) {
		say(r, 1, "optout.none", NULL);
		return;
	}
	t = &p->terms[o->terms];
	snprintf(days, sizeof(days), "%u", t->optout->window_days);
	human_time(r, t->effective, eff, sizeof(eff));
	human_time(r, d->record->registered_at, reg, sizeof(reg));
	if (o->has_window) {
		human_time(r, o->window_start, start, sizeof(start));
		human_time(r, o->window_end, end, sizeof(end));
	}
	if (o->choice) {
		char key[48];
		human_time(r, o->choice->at, at, sizeof(at));
		snprintf(key, sizeof(key), "channel.%s", o->choice->channel);
		channel = msg(r, key);
	}
	covers = join_covers(r);
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
		switch (o->reason) {
		case REASON_OPTOUT_IN_WINDOW:
			say(r, 1, "optout.opted_out", v);
			say(r, 1, "optout.opted_out.detail", v);
			if (t->optout->final)
				say(r, 1, "optout.final", v);
			break;
		case REASON_OPTIN_IN_WINDOW:
			say(r, 1, "optout.optin_in_window", v);
			break;
		case REASON_NO_CHOICE_IN_WINDOW:
			say(r, 1, "optout.no_choice_in_window", v);
			break;
		case REASON_TERMS_NOT_ACCEPTED:
			say(r, 1, "optout.terms_not_accepted", v);
			break;
		case REASON_BEFORE_OFFER:
			say(r, 1, "optout.before_offer", v);
			break;
		case REASON_REGISTERED_AFTER_OFFER:
			say(r, 1, "optout.registered_after_offer", v);
			break;
		}
		if (o->window_open)
			say(r, 1, "optout.window_open", v);
	}
	free(covers);
	if (o->ignored_count)
		say(r, 1, "optout.ignored", NULL);
	for (i = 0; i < o->ignored_count; i++) {
		const record_event *ev = o->ignored[i].event;
		char key[48], ckey[48], wkey[48];
		snprintf(key, sizeof(key), "event.%s",
			 event_type_name(ev->type));
		snprintf(ckey, sizeof(ckey), "channel.%s", ev->channel);
		snprintf(wkey, sizeof(wkey), "ignored.%s",
			 ignored_why_name(o->ignored[i].why));
		human_time(r, ev->at, at, sizeof(at));
		const char *v[] = {"type", msg(r, key),	 "at",
				   at,	   "channel",	 msg(r, ckey),
				   "why",  msg(r, wkey), NULL};
		strbuf_puts(&r->sb, "    - ");
		i18n_format(&r->sb, r->lang, "optout.ignored.item", put_plain,
			    v);
		strbuf_putc(&r->sb, '\n');
	}
}

/* The consequence in force for overdue terms, in plain words: the
 * policy's label, else the catalog's words for the keyword, else the
 * keyword. */
static void render_effect(struct render *r, const policy_effect *e)
{
	char key[96], from[DYD_TIME_BUFSIZE];
	const char *text = text_get(&e->label, r->lang);

	if (!*text && strlen(e->effect) < 64) {
		snprintf(key, sizeof(key), "overdue.%s", e->effect);
		text = strcmp(msg(r, key), key) == 0 ? e->effect : msg(r, key);
	}
	dyd_time_format(e->from, from);
	from[10] = '\0';
	{
		const char *v[] = {"from", from, "effect", text, NULL};
		say(r, 3, "terms.effect", v);
	}
}

static void render_terms(struct render *r)
{
	const dyd_decision *d = r->d;
	size_t i;
	char at[48], deadline[48], eff[48];

	strbuf_putc(&r->sb, '\n');
	say(r, 0, "terms.title", NULL);
	for (i = 0; i < d->policy->terms_count; i++) {
		const policy_terms *t = &d->policy->terms[i];
		const decision_terms *dt = &d->terms[i];
		const char *k = "";
		human_time(r, dt->accepted_at, at, sizeof(at));
		human_time(r, t->deadline, deadline, sizeof(deadline));
		human_time(r, t->effective, eff, sizeof(eff));
		const char *v[] = {"at",	at,  "deadline", deadline,
				   "effective", eff, NULL};
		switch (dt->status) {
		case TERMS_ACCEPTED:
			k = dt->at_registration
				? "terms.accepted.at_registration"
				: "terms.accepted.explicit";
			break;
		case TERMS_PENDING:
			k = t->has_deadline ? "terms.pending.deadline"
					    : "terms.pending";
			break;
		case TERMS_OVERDUE:
			k = "terms.overdue";
			break;
		case TERMS_NOT_YET_EFFECTIVE:
			k = "terms.not_yet_effective";
			break;
		}
		strbuf_printf(&r->sb, "  %s  ", t->id);
		i18n_format(&r->sb, r->lang, k, put_plain, v);
		strbuf_putc(&r->sb, '\n');
		if (dt->effect)
			render_effect(r, dt->effect);
	}
}

static void withheld_reason(struct render *r, const decision_cell *c,
			    const policy_category *cat, strbuf *out)
{
	const dyd_policy *p = r->d->policy;
	char key[64];
	const char *v[] = {"region",
			   c->by == WITHHELD_REGION
			       ? text_get(&p->regions[c->region].label, r->lang)
			       : "",
			   "terms", p->terms[cat->rules[c->rule].since].id,
			   NULL};

	if (c->by == WITHHELD_REGION && !p->regions[c->region].label.count)
		v[1] = p->regions[c->region].id;
	snprintf(key, sizeof(key), "withheld_by.%s",
		 c->by == WITHHELD_REGION		? "region"
		 : c->by == WITHHELD_OPT_OUT		? "opt_out"
		 : c->by == WITHHELD_TERMS_NOT_ACCEPTED ? "terms_not_accepted"
							: "condition_false");
	i18n_format(out, r->lang, key, put_plain, v);
}

static void render_items(struct render *r, const decision_category *dc)
{
	const doc_node *arr =
	    record_array(r->d->record, dc->category->items_field);
	char count[24];
	size_t i;

	if (!r->opt->verbose) {
		snprintf(count, sizeof(count), "%zu", dc->item_count);
		const char *v[] = {"count", count, NULL};
		say(r, 2, "shared.items", v);
		return;
	}
	for (i = 0; arr && i < dc->item_count; i++) {
		const doc_node *item = arr->items[dc->items[i]];
		const doc_node *name = doc_get(item, "name");
		const doc_node *id = doc_get(item, "business_id");
		strbuf_printf(&r->sb, "    - %s%s%s%s\n",
			      doc_is_text(name) ? name->text : "",
			      doc_is_text(name) && doc_is_text(id) ? " (" : "",
			      doc_is_text(id) ? id->text : "",
			      doc_is_text(name) && doc_is_text(id) ? ")" : "");
	}
}

static void render_sharing(struct render *r)
{
	const dyd_decision *d = r->d;
	const dyd_policy *p = d->policy;
	const char *v[] = {"parent", p->parent_company, NULL};
	size_t i, k;
	bool any = false;

	strbuf_putc(&r->sb, '\n');
	say(r, 0, "shared.title", v);
	for (i = 0; i < d->category_count; i++) {
		const decision_category *dc = &d->categories[i];
		strbuf shared = STRBUF_INIT, withheld = STRBUF_INIT;
		if (!dc->shared)
			continue;
		any = true;
		strbuf_printf(&r->sb, "  %s\n",
			      text_get(&dc->category->label, r->lang));
		for (k = 0; k < dc->cell_count; k++) {
			const decision_cell *c = &dc->cells[k];
			strbuf *sb = c->shared ? &shared : &withheld;
			if (sb->len)
				strbuf_puts(sb, ", ");
			strbuf_puts(sb, purpose_label(r, c->purpose));
			if (!c->shared) {
				strbuf_puts(sb, " (");
				withheld_reason(r, c, dc->category, sb);
				strbuf_puts(sb, ")");
			}
		}
		{
			const char *sv[] = {
			    "purposes", shared.data ? shared.data : "", NULL};
			const char *wv[] = {"purposes",
					    withheld.data ? withheld.data : "",
					    NULL};
			say(r, 2, "shared.for", sv);
			if (withheld.len)
				say(r, 2, "shared.withheld", wv);
		}
		if (dc->category->has_items)
			render_items(r, dc);
		r->sb.failed |= shared.failed || withheld.failed;
		strbuf_release(&shared);
		strbuf_release(&withheld);
	}
	if (!any)
		say(r, 1, "shared.none", NULL);

	strbuf_putc(&r->sb, '\n');
	say(r, 0, "notshared.title", v);
	for (i = 0; i < d->category_count; i++) {
		const decision_category *dc = &d->categories[i];
		if (dc->shared)
			continue;
		strbuf_printf(
		    &r->sb, "  %s: ", text_get(&dc->category->label, r->lang));
		if (dc->category->never) {
			strbuf_puts(
			    &r->sb,
			    text_get(&dc->category->never_reason, r->lang));
		} else {
			/* Every purpose is withheld; say why once per
			 * distinct reason. */
			strbuf reasons = STRBUF_INIT;
			for (k = 0; k < dc->cell_count; k++) {
				strbuf one = STRBUF_INIT;
				withheld_reason(r, &dc->cells[k], dc->category,
						&one);
				if (one.data &&
				    (!reasons.data ||
				     !strstr(reasons.data, one.data))) {
					if (reasons.len)
						strbuf_puts(&reasons, "; ");
					strbuf_puts(&reasons, one.data);
				}
				strbuf_release(&one);
			}
			strbuf_puts(&r->sb, reasons.data ? reasons.data : "");
			strbuf_release(&reasons);
		}
		strbuf_putc(&r->sb, '\n');
	}
}

static void describe_cond(strbuf *sb, const dyd_policy *p, const policy_cond *c)
{
	size_t i;

	switch (c->kind) {
	case COND_HAS:
		strbuf_printf(sb, "has %s", c->field);
		for (i = 0; i < c->where.count; i++)
			strbuf_printf(sb, "%s%s=%s", i ? "," : " where ",
				      c->where.keys[i], c->where.values[i]);
		break;
	case COND_REGION:
		strbuf_printf(sb, "region %s", p->regions[c->region].id);
		break;
	case COND_ALL:
	case COND_ANY:
		strbuf_puts(sb, c->kind == COND_ALL ? "all(" : "any(");
		for (i = 0; i < c->child_count; i++) {
			if (i)
				strbuf_puts(sb, ", ");
			describe_cond(sb, p, &c->children[i]);
		}
		strbuf_putc(sb, ')');
		break;
	case COND_NOT:
		strbuf_puts(sb, "not(");
		describe_cond(sb, p, &c->children[0]);
		strbuf_putc(sb, ')');
		break;
	}
}

/* " (in Indonesian)" for a quote not in English, else "". */
static void quote_language(struct render *r, const policy_source *s,
			   strbuf *out)
{
	char key[32];
	const char *name;

	if (!s->language || strcmp(s->language, "en") == 0)
		return;
	snprintf(key, sizeof(key), "language.%s", s->language);
	name = strcmp(msg(r, key), key) == 0 ? s->language : msg(r, key);
	{
		const char *v[] = {"language", name, NULL};
		i18n_format(out, r->lang, "source.in_language", put_plain, v);
	}
}

/* The documents and words a policy element rests on, and its note. */
static void explain_cite(struct render *r, const policy_cite *c)
{
	const dyd_policy *p = r->d->policy;
	size_t i;

	for (i = 0; i < c->count; i++) {
		const policy_source *s = &p->sources[c->quotes[i].source];
		strbuf lang = STRBUF_INIT;
		quote_language(r, s, &lang);
		const char *v[] = {"quote",	c->quotes[i].quote,
				   "language",	lang.data ? lang.data : "",
				   "title",	s->title,
				   "publisher", s->publisher,
				   "date",	s->date,
				   "url",	s->url,
				   NULL};
		say(r, 2, "explain.source", v);
		r->sb.failed |= lang.failed;
		strbuf_release(&lang);
		/* A document's note once, where it is first cited. */
		if (s->note.count && r->source_noted &&
		    !r->source_noted[c->quotes[i].source]) {
			const char *nv[] = {"note", text_get(&s->note, r->lang),
					    NULL};
			r->source_noted[c->quotes[i].source] = true;
			say(r, 3, "explain.source_note", nv);
		}
	}
	if (c->note.count) {
		const char *v[] = {"note", text_get(&c->note, r->lang), NULL};
		say(r, 2, "explain.note", v);
	}
}

static void explain_cites(struct render *r, const decision_cites *c)
{
	size_t g;

	for (g = 0; g < c->count; g++)
		explain_cite(r, c->group[g]);
}

static void explain_terms(struct render *r)
{
	const dyd_decision *d = r->d;
	char from[DYD_TIME_BUFSIZE];
	size_t i;

	for (i = 0; i < d->policy->terms_count; i++) {
		const decision_terms *dt = &d->terms[i];
		const char *v[] = {"terms",  d->policy->terms[i].id,
				   "status", terms_status_name(dt->status),
				   "rule",   d->policy->terms[i].cite.pointer,
				   NULL};
		say(r, 1, "explain.terms", v);
		if (dt->effect) {
			dyd_time_format(dt->effect->from, from);
			from[10] = '\0';
			const char *ev[] = {
			    "effect", dt->effect->effect,	"from", from,
			    "rule",   dt->effect->cite.pointer, NULL};
			say(r, 1, "explain.effect", ev);
		}
		explain_cites(r, &dt->cites);
	}
}

static void render_explain(struct render *r)
{
	const dyd_decision *d = r->d;
	const dyd_policy *p = d->policy;
	size_t i, k;
	char since[48], line[16], by[80], start[48], end[48];

	strbuf_putc(&r->sb, '\n');
	say(r, 0, "explain.title", NULL);
	if (d->record->region) {
		strbuf regions = STRBUF_INIT;
		for (i = 0; i < d->region_count; i++)
			strbuf_printf(&regions, "%s%s", i ? ", " : "",
				      p->regions[d->regions[i]].id);
		const char *v[] = {"country", d->record->region, "regions",
				   regions.data ? regions.data : "-", NULL};
		say(r, 1, "explain.region", v);
		strbuf_release(&regions);
		for (i = 0; i < d->region_count; i++)
			explain_cite(r, &p->regions[d->regions[i]].cite);
	}
	if (d->has_optout) {
		const char *v[] = {
		    "status", optout_status_name(d->optout.status),
		    "reason", optout_reason_name(d->optout.reason),
		    "terms",  p->terms[d->optout.terms].id,
		    NULL};
		say(r, 1, "explain.optout", v);
		if (d->optout.has_window) {
			human_time(r, d->optout.window_start, start,
				   sizeof(start));
			human_time(r, d->optout.window_end, end, sizeof(end));
			const char *w[] = {"start", start, "end", end, NULL};
			say(r, 1, "explain.window", w);
		}
		explain_cites(r, &d->optout.cites);
	}
	explain_terms(r);
	for (i = 0; i < d->category_count; i++) {
		const decision_category *dc = &d->categories[i];
		const policy_category *cat = dc->category;
		if (cat->never) {
			const char *v[] = {"category", cat->id, "rule",
					   cat->never_pointer, NULL};
			say(r, 1, "explain.never", v);
			explain_cites(r, &dc->cites);
			continue;
		}
		for (k = 0; k < dc->cell_count; k++) {
			const decision_cell *c = &dc->cells[k];
			const policy_rule *rule = &cat->rules[c->rule];
			strbuf cond = STRBUF_INIT;
			if (rule->when) {
				describe_cond(&cond, p, rule->when);
				strbuf_printf(
				    &cond, " %s",
				    msg(r, c->condition_holds
					       ? "explain.condition.true"
					       : "explain.condition.false"));
			} else {
				strbuf_puts(&cond,
					    msg(r, "explain.condition.none"));
			}
			human_time(r, c->since, since, sizeof(since));
			snprintf(line, sizeof(line), "%u", rule->line);
			const char *v[] = {
			    "category",
			    cat->id,
			    "purpose",
			    p->purposes[c->purpose].id,
			    "since",
			    since,
			    "why",
			    withheld_by_name(d, c->by, c->region, by,
					     sizeof(by)),
			    "rule",
			    rule->pointer,
			    "policy",
			    p->name,
			    "line",
			    line,
			    "terms",
			    p->terms[rule->since].id,
			    "terms_status",
			    terms_status_name(d->terms[rule->since].status),
			    "condition",
			    cond.data ? cond.data : "",
			    NULL};
			say(r, 1,
			    c->shared ? "explain.cell.shared"
				      : "explain.cell.withheld",
			    v);
			r->sb.failed |= cond.failed;
			strbuf_release(&cond);
			/* A rule's sources once, after its last purpose. */
			if (k + 1 == dc->cell_count ||
			    dc->cells[k + 1].rule != c->rule)
				explain_cite(r, &rule->cite);
		}
	}
}

/* The zone of --tz (a name the caller has checked); UTC when none. */
static int load_zone(const char *name, tz **out)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	int rc = tz_load(out, name ? name : "UTC", &diags);

	dyd_diags_release(&diags);
	return rc == DYD_EINVALID ? DYD_EUSAGE : rc;
}

int dyd_status_render(char **out, const dyd_decision *d,
		      const dyd_status_options *options)
{
	dyd_status_options defaults = DYD_STATUS_OPTIONS_INIT;
	struct render r = {STRBUF_INIT, d, NULL, NULL, NULL, NULL};
	char as_of[48], phone[64];
	tz *zone = NULL;
	int rc;

	*out = NULL;
	if (!options)
		options = &defaults;
	if (i18n_load())
		return DYD_ENOMEM;
	r.opt = options;
	r.lang = options->lang ? options->lang
			       : i18n_language_for(d->record->language);
	if (!dyd_language_supported(r.lang))
		return DYD_EUSAGE;
	rc = load_zone(options->tz, &zone);
	if (rc)
		return rc;
	r.zone = zone;
	human_time(&r, d->as_of, as_of, sizeof(as_of));
	masked_phone(d->record->phone, options->verbose, phone, sizeof(phone));
	{
		const char *v[] = {"account", d->record->account_id,
				   "phone",   phone,
				   "as_of",   as_of,
				   NULL};
		say(&r, 0, "status.heading", v);
	}
	strbuf_putc(&r.sb, '\n');
	render_optout(&r);
	render_terms(&r);
	render_sharing(&r);
	if (options->explain) {
		r.source_noted =
		    calloc(d->policy->source_count + 1, sizeof(bool));
		if (!r.source_noted)
			r.sb.failed = true;
		render_explain(&r);
		free(r.source_noted);
	}
	strbuf_putc(&r.sb, '\n');
	{
		const char *v[] = {"policy", d->policy->id, "sha256",
				   d->policy->sha256, NULL};
		say(&r, 0, "status.policy", v);
	}
	tz_free(zone);
	*out = strbuf_detach(&r.sb);
	return *out ? 0 : DYD_ENOMEM;
}
