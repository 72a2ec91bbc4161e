/* SPDX-License-Identifier: MIT */
/* The report view (report_view.h): one pass over the decision and the
 * record for everything the renderers would otherwise each work out, and
 * the footnote numbering they share. Linear in the record and the
 * decision. */
#include "report_view.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *view_reason_key(withheld_by by)
{
	switch (by) {
	case WITHHELD_OPT_OUT:
		return "withheld_by.opt_out";
	case WITHHELD_REGION:
		return "withheld_by.region";
	case WITHHELD_TERMS_NOT_ACCEPTED:
		return "withheld_by.terms_not_accepted";
	case WITHHELD_CONDITION_FALSE:
	case WITHHELD_NONE:
		break;
	}
	return "withheld_by.condition_false";
}

const char *view_region_name(const report_view *v, size_t region)
{
	const policy_region *r = &v->p->regions[region];

	return r->label.count ? text_get(&r->label, v->lang) : r->id;
}

/* Whether the account's regions withhold every purpose the opt-out
 * covers, so that opting out would withhold nothing more. */
static bool optout_moot(const report_view *v)
{
	const policy_optout *o = v->p->terms[v->d->optout.terms].optout;
	size_t i, k;

	if (!o->cover_count)
		return false;
	for (i = 0; i < o->cover_count; i++) {
		bool withheld = false;
		for (k = 0; k < v->withheld_count && !withheld; k++)
			withheld = v->withheld[k].purpose == o->covers[i] &&
				   v->withheld[k].by == WITHHELD_REGION;
		if (!withheld)
			return false;
	}
	return true;
}

static void answer(report_view *v)
{
	const decision_optout *o = &v->d->optout;

	v->window = WINDOW_NONE;
	if (!v->d->has_optout) {
		v->verdict = VERDICT_NO_OPTOUT;
		v->tone = TONE_NEUTRAL;
		return;
	}
	if (o->has_window)
		v->window = o->window_open ? WINDOW_OPEN : WINDOW_CLOSED;
	v->optout_moot = optout_moot(v);
	for (size_t i = 0; v->optout_moot && i < v->withheld_count; i++)
		if (v->withheld[i].by == WITHHELD_REGION && !v->moot)
			v->moot = &v->withheld[i];
	switch (o->status) {
	case OPTOUT_OPTED_OUT:
		v->verdict = VERDICT_OPTED_OUT;
		v->tone = TONE_GOOD;
		return;
	case OPTOUT_NOT_OPTED_OUT:
		v->verdict = VERDICT_NOT_OPTED_OUT;
		break;
	case OPTOUT_NOT_OFFERED:
		v->verdict = o->reason == REASON_BEFORE_OFFER
				 ? VERDICT_BEFORE_OFFER
				 : VERDICT_REGISTERED_AFTER_OFFER;
		break;
	}
	/* A "no" is a warning only when an opt-out would have withheld
	 * something the region does not withhold anyway. */
	v->tone = v->optout_moot ? TONE_NEUTRAL : TONE_WARN;
}

/* The purposes shared somewhere, and the purposes withheld from the
 * account with their reason keys. */
static int purposes(report_view *v)
{
	const dyd_decision *d = v->d;
	size_t n = v->p->purpose_count, c, k, i;
	bool *any = calloc(n ? n : 1, sizeof(bool));

	v->shared = malloc((n ? n : 1) * sizeof(size_t));
	v->withheld = calloc(d->withheld_count ? d->withheld_count : 1,
			     sizeof(*v->withheld));
	if (!any || !v->shared || !v->withheld) {
		free(any);
		return DYD_ENOMEM;
	}
	for (c = 0; c < d->category_count; c++)
		for (k = 0; k < d->categories[c].cell_count; k++)
			if (d->categories[c].cells[k].shared)
				any[d->categories[c].cells[k].purpose] = true;
	for (i = 0; i < n; i++)
		if (any[i])
			v->shared[v->shared_count++] = i;
	free(any);
	for (i = 0; i < d->withheld_count; i++) {
		view_withheld *w = &v->withheld[v->withheld_count++];
		w->purpose = d->withheld[i].purpose;
		w->by = d->withheld[i].by;
		w->region = d->withheld[i].region;
		w->reason_key = view_reason_key(w->by);
		w->cites = &d->withheld[i].cites;
	}
	return 0;
}

static int event_fates(report_view *v)
{
	const dyd_decision *d = v->d;
	const dyd_record *rec = v->rec;
	size_t i;

	v->event_count = rec->event_count;
	v->events =
	    calloc(rec->event_count ? rec->event_count : 1, sizeof(*v->events));
	if (!v->events)
		return DYD_ENOMEM;
	for (i = 0; i < rec->event_count; i++) {
		const record_event *ev = &rec->events[i];
		view_event *ve = &v->events[i];
		if (ev->at > d->as_of) {
			ve->fate = FATE_AFTER_AS_OF;
			v->events_after_as_of++;
		} else if (ev->type == EVENT_TERMS_ACCEPTED) {
			ve->fate = d->terms[ev->terms].event == ev
				       ? FATE_ACCEPTANCE
				       : FATE_ACCEPTED_AGAIN;
		} else if (!d->has_optout) {
			ve->fate = FATE_IGNORED;
			ve->why = IGNORED_NOT_OFFERED;
		} else {
			ve->fate = ev == d->optout.choice ? FATE_COUNTED
							  : FATE_OVERRIDDEN;
		}
	}
	/* The evaluator lists what did not count; each entry points into
	 * the record's events. */
	for (i = 0; d->has_optout && i < d->optout.ignored_count; i++) {
		size_t at = (size_t)(d->optout.ignored[i].event - rec->events);
		if (at < rec->event_count) {
			v->events[at].fate = FATE_IGNORED;
			v->events[at].why = d->optout.ignored[i].why;
		}
	}
	return 0;
}

static int item_fates(report_view *v)
{
	static const char *const fields[VIEW_ITEM_FIELDS] = {
	    "transactions", "business_chats", "groups"};
	size_t f, i;

	for (f = 0; f < VIEW_ITEM_FIELDS; f++) {
		view_items *it = &v->items[f];
		const doc_node *arr = record_array(v->rec, fields[f]);
		it->field = fields[f];
		if (!arr || !arr->count)
			continue;
		it->future = calloc(arr->count, sizeof(bool));
		if (!it->future)
			return DYD_ENOMEM;
		it->count = arr->count;
		for (i = 0; i < arr->count; i++) {
			it->future[i] =
			    !decision_item_exists(v->d, fields[f], i);
			it->future_count += it->future[i];
		}
	}
	return 0;
}

bool view_item_future(const report_view *v, const char *field, size_t i)
{
	size_t f;

	for (f = 0; f < VIEW_ITEM_FIELDS; f++)
		if (strcmp(v->items[f].field, field) == 0)
			return v->items[f].future && i < v->items[f].count &&
			       v->items[f].future[i];
	return false;
}

/* Omissions: the members of the record that dyd.account/v1 does not
 * define, found by one walk down the field tables. */

struct omit_walk {
	report_view *v;
	strbuf path;
	size_t cap;
	bool failed;
};

static void omit(struct omit_walk *w, const char *reason, const char *key)
{
	report_view *v = w->v;
	report_omission *o;

	if (w->path.failed || w->failed) {
		w->failed = true;
		return;
	}
	if (v->omitted_count == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 8;
		report_omission *grown =
		    realloc(v->omitted, cap * sizeof(*grown));
		if (!grown) {
			w->failed = true;
			return;
		}
		v->omitted = grown;
		w->cap = cap;
	}
	o = &v->omitted[v->omitted_count];
	o->pointer = strdup(w->path.data ? w->path.data : "");
	o->reason = reason;
	o->reason_key = key;
	if (!o->pointer)
		w->failed = true;
	else
		v->omitted_count++;
}

static void walk_value(struct omit_walk *w, const doc_node *n,
		       const field_spec *f);

/* The known fields first, in field-table order, then the unknown members
 * of the object: the order report.json has always listed them in. */
static void walk_object(struct omit_walk *w, const doc_node *obj,
			const field_spec *table)
{
	const field_spec *f;
	size_t i, saved;

	if (!obj || obj->type != DOC_OBJECT)
		return;
	for (f = table; f->name; f++) {
		const doc_node *n = doc_get(obj, f->name);
		if (!n)
			continue;
		saved = strbuf_pointer_push(&w->path, f->name, strlen(f->name));
		walk_value(w, n, f);
		strbuf_truncate(&w->path, saved);
	}
	for (i = 0; i < obj->count; i++) {
		const doc_member *m = &obj->members[i];
		if (account_field_in(table, m->key, m->key_len))
			continue;
		saved = strbuf_pointer_push(&w->path, m->key, m->key_len);
		omit(w, "unknown field: dyd.account/v1 does not define it",
		     "html.omitted.unknown_field");
		strbuf_truncate(&w->path, saved);
	}
}

static void walk_value(struct omit_walk *w, const doc_node *n,
		       const field_spec *f)
{
	size_t i, saved;

	if (f->kind == FIELD_OBJECT) {
		walk_object(w, n, f->sub);
		return;
	}
	if (f->kind != FIELD_OBJECT_LIST && f->kind != FIELD_EVENT_LIST)
		return;
	for (i = 0; n && n->type == DOC_ARRAY && i < n->count; i++) {
		saved = strbuf_pointer_index(&w->path, i);
		walk_object(w, n->items[i],
			    f->kind == FIELD_EVENT_LIST
				? record_event_fields(n->items[i])
				: f->sub);
		strbuf_truncate(&w->path, saved);
	}
}

static int omissions(report_view *v)
{
	struct omit_walk w = {v, STRBUF_INIT, 0, false};

	strbuf_puts(&w.path, "");
	walk_object(&w, v->rec->doc->root, record_fields);
	strbuf_release(&w.path);
	return w.failed ? DYD_ENOMEM : 0;
}

int report_view_init(report_view *v, const dyd_decision *d,
		     const report_view_options *options)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	int rc = 0;

	memset(v, 0, sizeof(*v));
	v->change.terms = NO_INDEX;
	v->d = d;
	v->p = d->policy;
	v->rec = d->record;
	v->lang = options->lang;
	v->zone = options->zone;
	v->key_sha256 = options->key_sha256;
	if (!v->zone) {
		rc = tz_load(&v->own_zone, "UTC", &diags);
		dyd_diags_release(&diags);
		if (rc)
			return DYD_ENOMEM; /* UTC is built in */
		v->zone = v->own_zone;
	}
	rc = purposes(v);
	if (!rc) {
		answer(v);
		rc = event_fates(v);
	}
	if (!rc)
		rc = item_fates(v);
	if (!rc)
		rc = omissions(v);
	if (!rc)
		rc = decision_change_init(&v->change, d);
	return rc;
}

void report_view_release(report_view *v)
{
	size_t i;

	for (i = 0; i < v->omitted_count; i++)
		free(v->omitted[i].pointer);
	free(v->omitted);
	for (i = 0; i < VIEW_ITEM_FIELDS; i++)
		free(v->items[i].future);
	free(v->shared);
	free(v->withheld);
	free(v->events);
	decision_change_release(&v->change);
	tz_free(v->own_zone);
	memset(v, 0, sizeof(*v));
}

/* Footnotes */

void view_notes_init(view_notes *n, const dyd_policy *p)
{
	memset(n, 0, sizeof(*n));
	n->p = p;
}

void view_notes_release(view_notes *n)
{
	free(n->list);
	free(n->slots);
	memset(n, 0, sizeof(*n));
}

/* FNV-1a over bytes, for the footnote table. */
static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *b = data;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * UINT64_C(0x100000001b3);
	return h;
}

/* A quote is known by its document and its words; a note by its cite. */
static uint64_t note_hash(const view_note *e)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	if (e->quote == NO_INDEX)
		return fnv(h, &e->cite, sizeof(e->cite));
	h = fnv(h, &e->cite->quotes[e->quote].source, sizeof(size_t));
	return fnv(h, e->cite->quotes[e->quote].quote,
		   strlen(e->cite->quotes[e->quote].quote));
}

static bool note_same(const view_note *a, const view_note *b)
{
	const policy_quote *x, *y;

	if (a->quote == NO_INDEX || b->quote == NO_INDEX)
		return a->quote == b->quote && a->cite == b->cite;
	x = &a->cite->quotes[a->quote];
	y = &b->cite->quotes[b->quote];
	return x->source == y->source && strcmp(x->quote, y->quote) == 0;
}

static bool notes_grow(view_notes *n)
{
	size_t cap = n->cap ? 2 * n->cap : 32, mask = 2 * cap - 1, i, j;
	view_note *list = realloc(n->list, cap * sizeof(*list));
	size_t *slots;

	if (!list)
		return false;
	n->list = list;
	slots = calloc(mask + 1, sizeof(*slots));
	if (!slots)
		return false;
	for (i = 0; i < n->count; i++) {
		for (j = note_hash(&n->list[i]) & mask; slots[j];
		     j = (j + 1) & mask)
			;
		slots[j] = i + 1;
	}
	free(n->slots);
	n->slots = slots;
	n->slot_mask = mask;
	n->cap = cap;
	return true;
}

size_t view_notes_number(view_notes *n, const policy_cite *cite, size_t quote)
{
	view_note e = {cite, quote};
	size_t j;

	if (n->failed)
		return 0;
	if (n->count == n->cap && !notes_grow(n)) {
		n->failed = true;
		return 0;
	}
	for (j = note_hash(&e) & n->slot_mask; n->slots[j];
	     j = (j + 1) & n->slot_mask)
		if (note_same(&n->list[n->slots[j] - 1], &e))
			return n->slots[j];
	n->list[n->count++] = e;
	n->slots[j] = n->count;
	return n->count;
}

static int by_number(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

size_t view_notes_marks(view_notes *n, const policy_cite *const *groups,
			size_t count, size_t **out)
{
	size_t g, k, i, num, total = 0, used = 0;
	size_t *list;

	*out = NULL;
	for (g = 0; g < count; g++)
		total += groups[g]->count + 1;
	if (!total || !(list = malloc(total * sizeof(*list)))) {
		n->failed |= total != 0;
		return 0;
	}
	for (g = 0; g < count; g++) {
		const policy_cite *c = groups[g];
		for (k = 0; k < g && groups[k] != c; k++)
			;
		if (k < g)
			continue;
		for (i = 0; i < c->count + (c->note.count ? 1 : 0); i++) {
			num = view_notes_number(n, c,
						i < c->count ? i : NO_INDEX);
			if (!num) {
				free(list);
				return 0;
			}
			list[used++] = num;
		}
	}
	qsort(list, used, sizeof(*list), by_number);
	for (i = 0, k = 0; i < used; i++)
		if (!k || list[i] != list[k - 1])
			list[k++] = list[i];
	if (!k) {
		free(list);
		return 0;
	}
	*out = list;
	return k;
}
