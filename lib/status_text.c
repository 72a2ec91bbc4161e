/* SPDX-License-Identifier: MIT */
/* The answer of `dyd status`, from the report view: the opt-out first,
 * what the latest update changed, the terms, then what is shared. With
 * explain, each line carries why in plain words, the policy rule and the
 * numbers of its sources, listed once at the end; with brief, one line
 * for a ticket. Every string of the record and the policy is escaped for
 * the terminal: a control character is shown, never sent. */
#include "i18n.h"
#include "report_view.h"
#include "strbuf.h"
#include "tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct render {
	strbuf sb;
	const report_view *v;
	const dyd_decision *d;
	const dyd_policy *p;
	const char *lang;
	const dyd_status_options *opt;
	view_notes notes;
	const tz *zone; /* of the times shown (--tz) */
};

/* Terminal escaping: C0 controls (tab and newline too: a value cannot
 * start a line of its own), DEL, C1 controls and the bidi controls as
 * \xHH or \uHHHH; all else as it is. */
static void put_term(strbuf *sb, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0;
	char esc[16];

	while (u[i]) {
		unsigned cp = 0;
		size_t n = 0;
		if (u[i] < 0x20 || u[i] == 0x7f) {
			cp = u[i];
			n = 1;
		} else if (u[i] == 0xC2 && u[i + 1] >= 0x80 &&
			   u[i + 1] <= 0x9F) {
			cp = u[i + 1];
			n = 2;
		} else if (u[i] == 0xD8 && u[i + 1] == 0x9C) {
			cp = 0x061C;
			n = 2;
		} else if (u[i] == 0xE2 && u[i + 1] && u[i + 2]) {
			cp = 0x2000u | (u[i + 1] & 0x3Fu) << 6 |
			     (u[i + 2] & 0x3Fu);
			n = (u[i + 1] & 0xC0) == 0x80 &&
				    (u[i + 2] & 0xC0) == 0x80 &&
				    (cp == 0x200E || cp == 0x200F ||
				     (cp >= 0x202A && cp <= 0x202E) ||
				     (cp >= 0x2066 && cp <= 0x2069))
				? 3
				: 0;
		}
		if (!n) {
			i++;
			continue;
		}
		strbuf_append(sb, s + start, i - start);
		if (cp < 0x80)
			snprintf(esc, sizeof(esc), "\\x%02x", cp);
		else
			snprintf(esc, sizeof(esc), "\\u%04x", cp);
		strbuf_puts(sb, esc);
		i += n;
		start = i;
	}
	strbuf_append(sb, s + start, i - start);
}

/* "2016-09-10 14:00:00 UTC", or in the zone asked for: "2016-09-10
 * 21:00:00 WIB", "2016-09-10 21:00:00 +07:00". To the second, whatever
 * the instant's fraction (a default as-of is now, to the nanosecond). */
static void human_time(const struct render *r, dyd_time t, char *buf,
		       size_t size)
{
	tz_local l;

	tz_localize(r->zone, t - ((t % 1000000000 + 1000000000) % 1000000000),
		    &l);
	snprintf(buf, size, "%04d-%02u-%02u %02u:%02u:%02u %s", l.year, l.month,
		 l.day, l.hour, l.minute, l.second, l.abbreviation);
}

/* A policy date as the policy writes it. */
static void policy_date(dyd_time t, char *buf)
{
	char iso[DYD_TIME_BUFSIZE];

	dyd_time_format(t, iso);
	memcpy(buf, iso, 10);
	buf[10] = '\0';
}

static void indent(struct render *r, unsigned n)
{
	while (n--)
		strbuf_puts(&r->sb, "  ");
}

/* The catalog's text for key, values escaped, with no newline. */
static void text(struct render *r, strbuf *sb, const char *key,
		 const char *const *vars)
{
	i18n_format(sb, r->lang, key, put_term, vars);
}

static void say(struct render *r, unsigned n, const char *key,
		const char *const *vars)
{
	indent(r, n);
	text(r, &r->sb, key, vars);
	strbuf_putc(&r->sb, '\n');
}

static const char *msg(const struct render *r, const char *key)
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

static const char *purpose_label(const struct render *r, size_t purpose)
{
	return text_get(&r->p->purposes[purpose].label, r->lang);
}

static const char *category_label(const struct render *r,
				  const policy_category *c)
{
	return text_get(&c->label, r->lang);
}

static char *join_covers(struct render *r)
{
	const policy_optout *o = r->p->terms[r->d->optout.terms].optout;
	strbuf sb = STRBUF_INIT;
	size_t i;

	strbuf_puts(&sb, "");
	for (i = 0; i < o->cover_count; i++) {
		if (i)
			strbuf_puts(&sb, ", ");
		strbuf_puts(&sb, purpose_label(r, o->covers[i]));
	}
	return strbuf_detach(&sb);
}

/* Why a purpose is withheld, in words. */
static void reason(struct render *r, strbuf *out, withheld_by by, size_t region,
		   size_t terms)
{
	const char *v[] = {
	    "region",
	    by == WITHHELD_REGION ? view_region_name(r->v, region) : "",
	    "terms", terms == NO_INDEX ? "" : r->p->terms[terms].id, NULL};

	text(r, out, view_reason_key(by), v);
}

/* Explanations */

/* " [1-3, 7]": the footnotes of the elements, consecutive ones as a
 * range; nothing when they cite nothing. */
static void marks(struct render *r, const policy_cite *const *groups,
		  size_t count)
{
	size_t *n, k, i, first;

	k = view_notes_marks(&r->notes, groups, count, &n);
	r->sb.failed |= r->notes.failed;
	for (i = 0; i < k; i++) {
		first = i;
		while (i + 1 < k && n[i + 1] == n[i] + 1)
			i++;
		strbuf_printf(&r->sb, first ? ", %zu" : " [%zu", n[first]);
		if (i > first)
			strbuf_printf(&r->sb, "%s%zu",
				      i > first + 1 ? "-" : ", ", n[i]);
	}
	if (k)
		strbuf_putc(&r->sb, ']');
	free(n);
}

/* With explain, " -- why; rule POINTER [marks]" after the line: why is
 * the catalog's text for why_key. */
static void explain(struct render *r, const char *why_key,
		    const char *const *vars, const char *pointer,
		    const policy_cite *const *groups, size_t count)
{
	if (!r->opt->explain)
		return;
	strbuf_puts(&r->sb, " \xE2\x80\x94 ");
	if (why_key) {
		text(r, &r->sb, why_key, vars);
		strbuf_puts(&r->sb, "; ");
	}
	if (pointer) {
		const char *pv[] = {"rule", pointer, NULL};
		text(r, &r->sb, "explain.rule", pv);
	}
	marks(r, groups, count);
}

static void newline(struct render *r)
{
	strbuf_putc(&r->sb, '\n');
}

/* The opt-out */

/* "PREFIX.REASON", the catalog key of an opt-out reason's words. */
static const char *reason_key(char *buf, size_t size, const char *prefix,
			      optout_reason reason)
{
	snprintf(buf, size, "%s.%s", prefix, optout_reason_name(reason));
	return buf;
}

static void optout_lines(struct render *r, const char *const *v)
{
	const decision_optout *o = &r->d->optout;
	const policy_terms *t = &r->p->terms[o->terms];
	const view_withheld *moot = r->v->moot;
	const policy_cite *cite = &t->optout->cite;
	char key[64], why[64];

	indent(r, 1);
	if (moot && r->v->verdict != VERDICT_OPTED_OUT) {
		/* Told at once that the region withholds it anyway. */
		text(r, &r->sb,
		     r->v->verdict == VERDICT_NOT_OPTED_OUT
			 ? "optout.moot.not_opted_out"
			 : "optout.moot.not_offered",
		     v);
		explain(r, "explain.why.region", v,
			r->p->regions[moot->region].cite.pointer,
			moot->cites->group, moot->cites->count);
		newline(r);
		indent(r, 1);
		/* The reason alone: the verdict is said. */
		text(r, &r->sb,
		     reason_key(key, sizeof(key), "html.reason", o->reason), v);
	} else {
		text(r, &r->sb,
		     reason_key(key, sizeof(key), "optout", o->reason), v);
	}
	explain(r, reason_key(why, sizeof(why), "explain.why", o->reason), v,
		cite->pointer, &cite, 1);
	newline(r);
	if (o->reason == REASON_OPTOUT_IN_WINDOW) {
		say(r, 1, "optout.opted_out.detail", v);
		if (t->optout->final)
			say(r, 1, "optout.final", v);
	}
	if (r->v->window == WINDOW_OPEN)
		say(r, 1, "optout.window_open", v);
}

static void render_ignored(struct render *r)
{
	const decision_optout *o = &r->d->optout;
	char at[48], key[48], ckey[48], wkey[48];
	size_t i;

	if (o->ignored_count)
		say(r, 1, "optout.ignored", NULL);
	for (i = 0; i < o->ignored_count; i++) {
		const record_event *ev = o->ignored[i].event;
		const char *v[] = {"type", NULL,  "at", at,  "channel",
				   NULL,   "why", NULL, NULL};
		snprintf(key, sizeof(key), "event.%s",
			 event_type_name(ev->type));
		snprintf(ckey, sizeof(ckey), "channel.%s", ev->channel);
		snprintf(wkey, sizeof(wkey), "ignored.%s",
			 ignored_why_name(o->ignored[i].why));
		human_time(r, ev->at, at, sizeof(at));
		v[1] = msg(r, key);
		v[5] = msg(r, ckey);
		v[7] = msg(r, wkey);
		strbuf_puts(&r->sb, "    - ");
		text(r, &r->sb, "optout.ignored.item", v);
		newline(r);
	}
}

static void render_optout(struct render *r)
{
	const dyd_policy *p = r->p;
	const decision_optout *o = &r->d->optout;
	const policy_terms *t;
	char at[48] = "", start[48] = "", end[48] = "", eff[48], reg[48];
	char days[24], key[48];
	const view_withheld *moot = r->v->moot;
	char *covers;

	{
		const char *v[] = {"parent", p->parent_company, NULL};
		say(r, 0, "optout.title", v);
	}
	if (!r->d->has_optout) {
		say(r, 1, "optout.none", NULL);
		return;
	}
	t = &p->terms[o->terms];
	format_unsigned(t->optout->window_days, days);
	human_time(r, t->effective, eff, sizeof(eff));
	human_time(r, r->d->record->registered_at, reg, sizeof(reg));
	if (o->has_window) {
		human_time(r, o->window_start, start, sizeof(start));
		human_time(r, o->window_end, end, sizeof(end));
	}
	if (o->choice) {
		human_time(r, o->choice->at, at, sizeof(at));
		snprintf(key, sizeof(key), "channel.%s", o->choice->channel);
	}
	covers = join_covers(r);
	r->sb.failed |= !covers;
	{
		const char *v[] = {
		    "parent",
		    p->parent_company,
		    "service",
		    p->service,
		    "covers",
		    covers ? covers : "",
		    "terms",
		    t->id,
		    "days",
		    days,
		    "at",
		    at,
		    "channel",
		    o->choice ? msg(r, key) : "",
		    "start",
		    start,
		    "end",
		    end,
		    "effective",
		    eff,
		    "registered",
		    reg,
		    "region",
		    moot ? view_region_name(r->v, moot->region) : "",
		    NULL};
		optout_lines(r, v);
	}
	free(covers);
	render_ignored(r);
}

/* What the latest update changed */

/* A line a category: "Label: purpose, purpose". */
static void change_lines(struct render *r, bool gained)
{
	const decision_change *ch = &r->v->change;
	size_t i, k;

	for (i = 0; i < ch->changed_count; i++) {
		const change_category *c = &ch->changed[i];
		const size_t *list = gained ? c->gained : c->lost;
		size_t n = gained ? c->gained_count : c->lost_count;
		if (!n)
			continue;
		indent(r, 2);
		put_term(&r->sb,
			 category_label(r, &r->p->categories[c->category]));
		strbuf_puts(&r->sb, ": ");
		for (k = 0; k < n; k++) {
			if (k)
				strbuf_puts(&r->sb, ", ");
			put_term(&r->sb, purpose_label(r, list[k]));
		}
		newline(r);
	}
}

static size_t change_count(const decision_change *ch, bool gained)
{
	size_t i, n = 0;

	for (i = 0; i < ch->changed_count; i++)
		n += (gained ? ch->changed[i].gained_count
			     : ch->changed[i].lost_count) != 0;
	return n;
}

/* "unchanged: the opt-out; never shared, before or after: ..." */
static void change_same(struct render *r, const char *const *v)
{
	const report_view *view = r->v;
	const char *key = NULL;
	strbuf never = STRBUF_INIT;
	size_t i;

	if (!view->change.optout_same)
		key = "status.change.optout.changed";
	else if (view->verdict == VERDICT_OPTED_OUT)
		key = "status.change.optout.kept";
	else if (view->verdict == VERDICT_NOT_OPTED_OUT)
		key = "status.change.optout.not_opted_out";
	else if (view->verdict != VERDICT_NO_OPTOUT)
		key = "status.change.optout.not_offered";
	strbuf_puts(&never, "");
	for (i = 0; i < r->d->category_count; i++) {
		const policy_category *cat = r->d->categories[i].category;
		if (!cat->never)
			continue;
		if (never.len)
			strbuf_puts(&never, ", ");
		strbuf_puts(&never, category_label(r, cat));
	}
	if (key || never.len) {
		const char *nv[] = {"list", never.data, NULL};
		indent(r, 1);
		text(r, &r->sb, "status.change.same", v);
		strbuf_puts(&r->sb, " ");
		if (key)
			text(r, &r->sb, key, v);
		if (key && never.len)
			strbuf_puts(&r->sb, "; ");
		if (never.len)
			text(r, &r->sb, "status.change.never", nv);
		newline(r);
	}
	r->sb.failed |= never.failed;
	strbuf_release(&never);
}

static void render_change(struct render *r)
{
	const decision_change *ch = &r->v->change;
	const policy_terms *t;
	const policy_cite *c;
	char eff[24], before[48];
	const char *v[] = {"terms",  NULL,   "effective", eff,
			   "before", before, NULL};

	if (ch->state == CHANGE_NONE)
		return;
	t = &r->p->terms[ch->terms];
	c = &t->cite;
	v[1] = t->id;
	policy_date(t->effective, eff);
	human_time(r, ch->before, before, sizeof(before));
	newline(r);
	indent(r, 0);
	text(r, &r->sb, "status.change.title", v);
	explain(r, ch->state == CHANGE_COMPARED ? "explain.why.change" : NULL,
		v, c->pointer, &c, 1);
	newline(r);
	if (ch->state != CHANGE_COMPARED) {
		say(r, 1,
		    ch->state == CHANGE_NOT_YET
			? "status.change.not_yet"
			: "status.change.registered_after",
		    v);
		return;
	}
	if (change_count(ch, true)) {
		say(r, 1, "status.change.gained", v);
		change_lines(r, true);
	} else {
		say(r, 1,
		    r->d->terms[ch->terms].status == TERMS_ACCEPTED
			? "status.change.gained.none"
			: "status.change.gained.not_accepted",
		    v);
	}
	if (change_count(ch, false)) {
		say(r, 1, "status.change.lost", v);
		change_lines(r, false);
	}
	change_same(r, v);
}

/* Terms */

/* The consequence in force for overdue terms, in plain words: the
 * policy's label, else the catalog's words for the keyword, else the
 * keyword. */
static void render_effect(struct render *r, const policy_effect *e)
{
	char key[96], from[24];
	const char *label = text_get(&e->label, r->lang);
	const char *v[] = {"from", from, "effect", label, NULL};
	const policy_cite *c = &e->cite;

	if (!*label && strlen(e->effect) < 64) {
		snprintf(key, sizeof(key), "overdue.%s", e->effect);
		v[3] = strcmp(msg(r, key), key) == 0 ? e->effect : msg(r, key);
	}
	policy_date(e->from, from);
	indent(r, 3);
	text(r, &r->sb, "terms.effect", v);
	explain(r, NULL, NULL, c->pointer, &c, 1);
	newline(r);
}

static const char *terms_key(const decision_terms *dt, const policy_terms *t)
{
	switch (dt->status) {
	case TERMS_ACCEPTED:
		return dt->at_registration ? "terms.accepted.at_registration"
					   : "terms.accepted.explicit";
	case TERMS_PENDING:
		return t->has_deadline ? "terms.pending.deadline"
				       : "terms.pending";
	case TERMS_OVERDUE:
		return "terms.overdue";
	default:
		return "terms.not_yet_effective";
	}
}

static void render_terms(struct render *r)
{
	size_t i;
	char at[48], deadline[24], eff[24];

	newline(r);
	say(r, 0, "terms.title", NULL);
	for (i = 0; i < r->p->terms_count; i++) {
		const policy_terms *t = &r->p->terms[i];
		const decision_terms *dt = &r->d->terms[i];
		const char *v[] = {"at",	at,  "deadline", deadline,
				   "effective", eff, NULL};
		const policy_cite *c = &t->cite;
		human_time(r, dt->accepted_at, at, sizeof(at));
		policy_date(t->deadline, deadline);
		policy_date(t->effective, eff);
		strbuf_puts(&r->sb, "  ");
		put_term(&r->sb, t->id);
		strbuf_puts(&r->sb, "  ");
		text(r, &r->sb, terms_key(dt, t), v);
		explain(r, NULL, NULL, c->pointer, &c, 1);
		newline(r);
		if (dt->effect)
			render_effect(r, dt->effect);
	}
}

/* Where the account is, for the explained answer: in plain words. */
static void render_region(struct render *r)
{
	const dyd_decision *d = r->d;
	size_t i;

	if (!r->opt->explain || !d->record->region)
		return;
	if (!d->region_count) {
		const char *v[] = {"country", d->record->region, NULL};
		say(r, 1, "explain.region.none", v);
		return;
	}
	for (i = 0; i < d->region_count; i++) {
		const policy_region *reg = &r->p->regions[d->regions[i]];
		const policy_cite *c = &reg->cite;
		const char *v[] = {"country", d->record->region, "region",
				   view_region_name(r->v, d->regions[i]), NULL};
		indent(r, 1);
		text(r, &r->sb, "explain.region", v);
		explain(r, NULL, NULL, c->pointer, &c, 1);
		newline(r);
	}
}

/* What is shared */

/* A rule's condition in words. */
static void describe_cond(struct render *r, strbuf *sb, const policy_cond *c)
{
	strbuf where = STRBUF_INIT;
	size_t i;

	switch (c->kind) {
	case COND_HAS:
		strbuf_puts(&where, "");
		for (i = 0; i < c->where.count; i++)
			strbuf_printf(&where, "%s%s = %s", i ? ", " : "",
				      c->where.keys[i], c->where.values[i]);
		{
			const char *v[] = {"field", c->field, "where",
					   where.data, NULL};
			text(r, sb,
			     c->where.count ? "explain.cond.has_where"
					    : "explain.cond.has",
			     v);
		}
		break;
	case COND_REGION: {
		const char *v[] = {"region", view_region_name(r->v, c->region),
				   NULL};
		text(r, sb, "explain.cond.region", v);
		break;
	}
	case COND_ALL:
	case COND_ANY:
		for (i = 0; i < c->child_count; i++) {
			if (i)
				text(r, sb,
				     c->kind == COND_ALL ? "explain.cond.and"
							 : "explain.cond.or",
				     NULL);
			describe_cond(r, sb, &c->children[i]);
		}
		break;
	case COND_NOT:
		text(r, sb, "explain.cond.not", NULL);
		strbuf_putc(sb, '(');
		describe_cond(r, sb, &c->children[0]);
		strbuf_putc(sb, ')');
		break;
	}
	sb->failed |= where.failed;
	strbuf_release(&where);
}

/* The pointer of what withheld a cell: the opt-out, the region, or the
 * rule itself. */
static const char *withheld_pointer(const struct render *r,
				    const decision_cell *c,
				    const policy_rule *rule)
{
	if (c->by == WITHHELD_OPT_OUT)
		return r->p->terms[r->d->optout.terms].optout->cite.pointer;
	if (c->by == WITHHELD_REGION)
		return r->p->regions[c->region].cite.pointer;
	return rule->pointer;
}

static const char *const withheld_why[] = {
    [WITHHELD_NONE] = "explain.why.shared",
    [WITHHELD_TERMS_NOT_ACCEPTED] = "explain.why.rule_terms",
    [WITHHELD_CONDITION_FALSE] = "explain.why.condition_false",
    [WITHHELD_OPT_OUT] = "explain.why.opt_out",
    [WITHHELD_REGION] = "explain.why.region",
};

/* Whether cells a and b go on one explained line. */
static bool same_group(const decision_cell *a, const decision_cell *b)
{
	return a->rule == b->rule && a->shared == b->shared && a->by == b->by &&
	       (a->by != WITHHELD_REGION || a->region == b->region);
}

/* One explained line: the cells [k, end) of one rule and one reason. */
static void explained_line(struct render *r, const decision_category *dc,
			   size_t k, size_t end, unsigned level,
			   const char *line_key)
{
	const decision_cell *c = &dc->cells[k];
	const policy_rule *rule = &dc->category->rules[c->rule];
	strbuf list = STRBUF_INIT, cond = STRBUF_INIT;
	char since[48];
	size_t i;

	strbuf_puts(&list, "");
	strbuf_puts(&cond, "");
	for (i = k; i < end; i++) {
		if (i > k)
			strbuf_puts(&list, ", ");
		strbuf_puts(&list, purpose_label(r, dc->cells[i].purpose));
	}
	/* One reason for the line: its cells share it. */
	if (!c->shared) {
		strbuf_puts(&list, " (");
		reason(r, &list, c->by, c->region, rule->since);
		strbuf_puts(&list, ")");
	}
	if (rule->when)
		describe_cond(r, &cond, rule->when);
	human_time(r, c->since, since, sizeof(since));
	{
		const char *v[] = {
		    "purposes",
		    list.data,
		    "since",
		    since,
		    "terms",
		    r->p->terms[rule->since].id,
		    "condition",
		    cond.data,
		    "region",
		    c->by == WITHHELD_REGION ? view_region_name(r->v, c->region) : "",
		    NULL};
		indent(r, level);
		text(r, &r->sb, line_key, v);
		explain(r,
			c->shared && rule->when ? "explain.why.shared_when"
						: withheld_why[c->by],
			v, withheld_pointer(r, c, rule), c->cites.group,
			c->cites.count);
		newline(r);
	}
	r->sb.failed |= list.failed || cond.failed;
	strbuf_release(&list);
	strbuf_release(&cond);
}

/* The shared or the withheld cells of a category, one line a rule and
 * reason. */
static void explained_lines(struct render *r, const decision_category *dc,
			    bool shared, unsigned level, const char *key)
{
	size_t k = 0, end;

	while (k < dc->cell_count) {
		if (dc->cells[k].shared != shared) {
			k++;
			continue;
		}
		for (end = k + 1; end < dc->cell_count &&
				  same_group(&dc->cells[k], &dc->cells[end]);
		     end++)
			;
		explained_line(r, dc, k, end, level, key);
		k = end;
	}
}

/* The plain answer's line: every shared, or every withheld, purpose. */
static void plain_line(struct render *r, const decision_category *dc,
		       bool shared, const char *key)
{
	strbuf list = STRBUF_INIT;
	size_t k;

	for (k = 0; k < dc->cell_count; k++) {
		const decision_cell *c = &dc->cells[k];
		if (c->shared != shared)
			continue;
		if (list.len)
			strbuf_puts(&list, ", ");
		strbuf_puts(&list, purpose_label(r, c->purpose));
		if (!shared) {
			strbuf_puts(&list, " (");
			reason(r, &list, c->by, c->region,
			       dc->category->rules[c->rule].since);
			strbuf_puts(&list, ")");
		}
	}
	if (list.len) {
		const char *v[] = {"purposes", list.data, NULL};
		say(r, 2, key, v);
	}
	r->sb.failed |= list.failed;
	strbuf_release(&list);
}

static void render_items(struct render *r, const decision_category *dc)
{
	const doc_node *arr =
	    record_array(r->d->record, dc->category->items_field);
	char count[24], key[48];
	size_t i;

	if (!r->opt->verbose) {
		const char *v[] = {"count", count, NULL};
		format_unsigned(dc->item_count, count);
		snprintf(key, sizeof(key), "shared.items.%s",
			 i18n_plural(r->lang, dc->item_count));
		say(r, 2, key, v);
		return;
	}
	for (i = 0; arr && i < dc->item_count; i++) {
		const doc_node *item = arr->items[dc->items[i]];
		const doc_node *name = doc_get(item, "name");
		const doc_node *id = doc_get(item, "business_id");
		strbuf_puts(&r->sb, "    - ");
		if (doc_is_text(name))
			put_term(&r->sb, name->text);
		if (doc_is_text(id)) {
			strbuf_puts(&r->sb, doc_is_text(name) ? " (" : "");
			put_term(&r->sb, id->text);
			strbuf_puts(&r->sb, doc_is_text(name) ? ")" : "");
		}
		newline(r);
	}
}

static void render_shared(struct render *r)
{
	const dyd_decision *d = r->d;
	const char *v[] = {"parent", r->p->parent_company, NULL};
	size_t i;
	bool any = false;

	newline(r);
	say(r, 0, "shared.title", v);
	for (i = 0; i < d->category_count; i++) {
		const decision_category *dc = &d->categories[i];
		if (!dc->shared)
			continue;
		any = true;
		strbuf_puts(&r->sb, "  ");
		put_term(&r->sb, category_label(r, dc->category));
		newline(r);
		if (r->opt->explain) {
			explained_lines(r, dc, true, 2, "shared.for");
			explained_lines(r, dc, false, 2, "shared.withheld");
		} else {
			plain_line(r, dc, true, "shared.for");
			plain_line(r, dc, false, "shared.withheld");
		}
		if (dc->category->has_items)
			render_items(r, dc);
	}
	if (!any)
		say(r, 1, "shared.none", NULL);
}

/* A category shared for no purpose: why, once per distinct reason. */
static void not_shared_reasons(struct render *r, const decision_category *dc)
{
	strbuf reasons = STRBUF_INIT, one = STRBUF_INIT;
	size_t k;

	strbuf_puts(&reasons, "");
	for (k = 0; k < dc->cell_count; k++) {
		const decision_cell *c = &dc->cells[k];
		if (k && same_group(c, &dc->cells[k - 1]))
			continue;
		strbuf_truncate(&one, 0);
		reason(r, &one, c->by, c->region,
		       dc->category->rules[c->rule].since);
		if (one.data && !strstr(reasons.data, one.data)) {
			if (reasons.len)
				strbuf_puts(&reasons, "; ");
			strbuf_puts(&reasons, one.data);
		}
	}
	strbuf_puts(&r->sb, reasons.data ? reasons.data : "");
	r->sb.failed |= reasons.failed || one.failed;
	strbuf_release(&reasons);
	strbuf_release(&one);
}

static void render_not_shared(struct render *r)
{
	const dyd_decision *d = r->d;
	const char *v[] = {"parent", r->p->parent_company, NULL};
	size_t i;

	newline(r);
	say(r, 0, "notshared.title", v);
	for (i = 0; i < d->category_count; i++) {
		const decision_category *dc = &d->categories[i];
		const policy_category *cat = dc->category;
		if (dc->shared)
			continue;
		if (cat->never) {
			strbuf_puts(&r->sb, "  ");
			put_term(&r->sb, category_label(r, cat));
			strbuf_puts(&r->sb, ": ");
			put_term(&r->sb, text_get(&cat->never_reason, r->lang));
			explain(r, "explain.why.never", NULL,
				cat->never_pointer, dc->cites.group,
				dc->cites.count);
			newline(r);
		} else if (r->opt->explain) {
			strbuf_puts(&r->sb, "  ");
			put_term(&r->sb, category_label(r, cat));
			newline(r);
			explained_lines(r, dc, false, 2, "shared.withheld");
		} else {
			strbuf_puts(&r->sb, "  ");
			put_term(&r->sb, category_label(r, cat));
			strbuf_puts(&r->sb, ": ");
			not_shared_reasons(r, dc);
			newline(r);
		}
	}
}

/* The sources the explained lines point to, each once. */

static void source_line(struct render *r, const view_note *e, bool *noted)
{
	const policy_quote *q = &e->cite->quotes[e->quote];
	const policy_source *s = &r->p->sources[q->source];
	strbuf lang = STRBUF_INIT;
	char key[32];
	const char *name;

	strbuf_puts(&lang, "");
	if (s->language && strcmp(s->language, "en") != 0) {
		const char *lv[] = {"language", NULL, NULL};
		snprintf(key, sizeof(key), "language.%s", s->language);
		name = msg(r, key);
		lv[1] = strcmp(name, key) == 0 ? s->language : name;
		i18n_format(&lang, r->lang, "source.in_language", put_term, lv);
	}
	{
		const char *v[] = {"quote", q->quote, "language",  lang.data,
				   "title", s->title, "publisher", s->publisher,
				   "date",  s->date,  "url",	   s->url,
				   NULL};
		text(r, &r->sb, "explain.source", v);
	}
	newline(r);
	r->sb.failed |= lang.failed;
	strbuf_release(&lang);
	/* A document's note once, where it is first listed. */
	if (s->note.count && !noted[q->source]) {
		const char *nv[] = {"note", text_get(&s->note, r->lang), NULL};
		noted[q->source] = true;
		indent(r, 3);
		text(r, &r->sb, "explain.source_note", nv);
		newline(r);
	}
}

static void render_sources(struct render *r)
{
	bool *noted;
	size_t i;

	if (!r->opt->explain || !r->notes.count)
		return;
	noted = calloc(r->p->source_count + 1, sizeof(bool));
	if (!noted) {
		r->sb.failed = true;
		return;
	}
	newline(r);
	say(r, 0, "explain.sources", NULL);
	for (i = 0; i < r->notes.count; i++) {
		const view_note *e = &r->notes.list[i];
		strbuf_printf(&r->sb, "  [%zu] ", i + 1);
		if (e->quote == NO_INDEX) {
			const char *v[] = {
			    "note", text_get(&e->cite->note, r->lang), NULL};
			text(r, &r->sb, "explain.note", v);
			newline(r);
		} else {
			source_line(r, e, noted);
		}
	}
	free(noted);
}

/* --short: one line to paste into a ticket. */
static void render_brief(struct render *r, const char *phone, const char *as_of)
{
	static const char *const status_keys[] = {
	    [VERDICT_NO_OPTOUT] = "status.short.no_optout",
	    [VERDICT_OPTED_OUT] = "status.short.opted_out",
	    [VERDICT_NOT_OPTED_OUT] = "status.short.not_opted_out",
	    [VERDICT_BEFORE_OFFER] = "status.short.before_offer",
	    [VERDICT_REGISTERED_AFTER_OFFER] = "status.short.registered_after",
	};
	const report_view *v = r->v;
	strbuf status = STRBUF_INIT, withheld = STRBUF_INIT;
	char at[48] = "";
	size_t i;

	if (v->d->has_optout && v->d->optout.choice)
		human_time(r, v->d->optout.choice->at, at, sizeof(at));
	{
		const char *sv[] = {"at", at, NULL};
		text(r, &status, status_keys[v->verdict], sv);
	}
	for (i = 0; i < v->withheld_count; i++) {
		if (i)
			strbuf_puts(&withheld, ", ");
		strbuf_puts(&withheld,
			    purpose_label(r, v->withheld[i].purpose));
		strbuf_puts(&withheld, " (");
		reason(r, &withheld, v->withheld[i].by, v->withheld[i].region,
		       NO_INDEX);
		strbuf_puts(&withheld, ")");
	}
	if (!withheld.len)
		text(r, &withheld, "status.short.nothing", NULL);
	{
		const char *lv[] = {"account",	r->d->record->account_id,
				    "phone",	phone,
				    "status",	status.data,
				    "withheld", withheld.data,
				    "as_of",	as_of,
				    NULL};
		say(r, 0, "status.short", lv);
	}
	r->sb.failed |= status.failed || withheld.failed;
	strbuf_release(&status);
	strbuf_release(&withheld);
}

static void render_answer(struct render *r, const char *phone,
			  const char *as_of)
{
	const char *v[] = {
	    "account", r->d->record->account_id, "phone", phone, "as_of", as_of,
	    NULL};

	say(r, 0, "status.heading", v);
	render_region(r);
	newline(r);
	render_optout(r);
	render_change(r);
	render_terms(r);
	render_shared(r);
	render_not_shared(r);
	render_sources(r);
	newline(r);
	{
		const char *pv[] = {"policy", r->p->id, "sha256", r->p->sha256,
				    NULL};
		say(r, 0, "status.policy", pv);
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
	report_view_options vo = {NULL, NULL, NULL};
	report_view view;
	struct render r;
	char as_of[48], phone[64];
	tz *zone = NULL;
	int rc;

	*out = NULL;
	if (!options)
		options = &defaults;
	if (i18n_load())
		return DYD_ENOMEM;
	vo.lang = options->lang ? options->lang
				: i18n_language_for(d->record->language);
	if (!dyd_language_supported(vo.lang))
		return DYD_EUSAGE;
	rc = load_zone(options->tz, &zone);
	if (rc)
		return rc;
	vo.zone = zone;
	rc = report_view_init(&view, d, &vo);
	if (rc) {
		report_view_release(&view);
		tz_free(zone);
		return rc;
	}
	memset(&r, 0, sizeof(r));
	r.zone = zone;
	r.v = &view;
	r.d = d;
	r.p = d->policy;
	r.lang = vo.lang;
	r.opt = options;
	view_notes_init(&r.notes, d->policy);
	human_time(&r, d->as_of, as_of, sizeof(as_of));
	masked_phone(d->record->phone, options->verbose, phone, sizeof(phone));
	if (options->brief)
		render_brief(&r, phone, as_of);
	else
		render_answer(&r, phone, as_of);
	view_notes_release(&r.notes);
	report_view_release(&view);
	tz_free(zone);
	*out = strbuf_detach(&r.sb);
	return *out ? 0 : DYD_ENOMEM;
}
