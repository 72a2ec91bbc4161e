/* SPDX-License-Identifier: MIT */
/* The record's own data on the page (report_data.h). Every value goes
 * through page_value: escaped, controls visible, isolated in <bdi>. */
#include "report_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	if (size >= PAGE_NUMBER_BUFSIZE && n->number > -1e15 &&
	    n->number < 1e15) {
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
static void enum_value(page *pg, const char *v)
{
	size_t len = strlen(v);
	const char *t = NULL;
	char key[96];

	if (len < 64) {
		page_key(key, sizeof(key), "html.value.", v, "");
		t = page_find_msg(pg, key);
	}
	if (t)
		page_esc(pg, t);
	else
		page_value(pg, v, len);
}

/* One field of a record object, by its kind. */
static void field_value(page *pg, const field_spec *f, const doc_node *n)
{
	char buf[64];
	dyd_time t;

	switch (f->kind) {
	case FIELD_TIME:
		if (doc_is_text(n) &&
		    dyd_time_parse(n->text, n->len, false, &t) == 0) {
			page_put_time(pg, t);
			return;
		}
		break;
	case FIELD_ENUM:
		if (doc_is_text(n)) {
			enum_value(pg, n->text);
			return;
		}
		break;
	case FIELD_BOOL:
		if (n->type == DOC_BOOL) {
			page_say(pg,
				 n->boolean ? "html.value.true"
					    : "html.value.false",
				 NULL);
			return;
		}
		break;
	case FIELD_COUNT:
	case FIELD_NUMBER:
		if (doc_is_number(n)) {
			number_text(n, buf, sizeof(buf));
			page_value(pg, buf, strlen(buf));
			return;
		}
		break;
	default:
		break;
	}
	if (doc_is_text(n))
		page_value(pg, n->text, n->len);
}

static void field_label(page *pg, const char *section, const char *name)
{
	const char *t;
	char key[128];

	page_key(key, sizeof(key), "html.field.", section ? section : "",
		 section ? "." : "");
	if (strlen(key) + strlen(name) < sizeof(key))
		strcat(key, name);
	t = page_find_msg(pg, key);
	page_esc(pg, t ? t : name);
}

/* The text of a cell's data-label, which narrow screens show. */
static const char *data_label(const page *pg, const char *section,
			      const char *name)
{
	const char *t;
	char key[128];

	page_key(key, sizeof(key), "html.field.", section, ".");
	if (strlen(key) + strlen(name) < sizeof(key))
		strcat(key, name);
	t = page_find_msg(pg, key);
	return t ? t : name;
}

static void hosting_label(page *pg, const doc_node *n)
{
	const char *t = NULL;
	char key[64];

	if (doc_is_text(n) && n->len < 32) {
		page_key(key, sizeof(key), "html.hosting.", n->text, "");
		t = page_find_msg(pg, key);
	}
	if (t) {
		const char *v[] = {"parent", pg->p->parent_company, NULL};
		page_raw(pg, "<span class=\"host host-");
		page_esc(pg, n->text);
		page_raw(pg, "\">");
		page_expand(pg, t, v);
		page_raw(pg, "</span>");
		return;
	}
	if (doc_is_text(n))
		page_value(pg, n->text, n->len);
}

const doc_node *data_item_label(const doc_node *item)
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

/* What is the same in every row of a column, found once per table. */
struct table_column {
	const field_spec *spec;
	const char *label; /* of its cells */
	bool hosting;
};

static struct table_column *table_columns(page *pg, const char *section,
					  const field_spec *f,
					  const char *const *order,
					  size_t count)
{
	struct table_column *cols = calloc(count ? count : 1, sizeof(*cols));
	size_t k, s;

	for (k = 0; cols && k < count; k++) {
		for (s = 0; f->sub[s].name; s++)
			if (strcmp(f->sub[s].name, order[k]) == 0)
				cols[k].spec = &f->sub[s];
		cols[k].label = data_label(pg, section, order[k]);
		cols[k].hosting = strcmp(order[k], "hosting") == 0;
	}
	return cols;
}

static void table_row(page *pg, const doc_node *item,
		      const struct table_column *cols, const char *const *order,
		      size_t count, bool future)
{
	size_t k;

	page_raw(pg, "<tr>");
	for (k = 0; k < count; k++) {
		const doc_node *n = doc_get(item, order[k]);
		if (k == 0) {
			page_raw(pg, "<th scope=\"row\">");
		} else {
			page_raw(pg, "<td data-label=\"");
			html_attr_str(&pg->sb, cols[k].label);
			page_raw(pg, "\">");
		}
		if (!n)
			page_tag_say(
			    pg,
			    "<span aria-hidden=\"true\">&#x2014;</span>"
			    "<span class=\"vh\">",
			    "html.data.missing", NULL, "</span>");
		else if (cols[k].hosting)
			hosting_label(pg, n);
		else if (cols[k].spec)
			field_value(pg, cols[k].spec, n);
		/* As of the report, a dated item after it does not exist:
		 * shown, and said not to count. */
		if (k == 0 && future)
			page_tag_say(pg, "<br><span class=\"note\">",
				     "html.data.after_as_of", NULL, "</span>");
		page_raw(pg, k == 0 ? "</th>" : "</td>");
	}
	page_raw(pg, "</tr>\n");
}

/* A table of an array of objects; the first field heads the row. */
static void object_table(page *pg, const char *section, const char *caption_key,
			 bool caption_shown, const char *const *order)
{
	const field_spec *f = record_field_find(section, NULL);
	const doc_node *arr = record_array(pg->rec, section);
	struct table_column *cols;
	size_t i, k, count;

	if (!f || !f->sub)
		return;
	if (!arr || !arr->count) {
		page_tag_say(pg, "<p class=\"note\">", "html.data.empty", NULL,
			     "</p>\n");
		return;
	}
	for (count = 0; order[count]; count++)
		;
	cols = table_columns(pg, section, f, order, count);
	if (!cols) {
		pg->sb.failed = true;
		return;
	}
	page_raw(pg, "<div class=\"tbl stack\"><table>");
	page_tag_say(pg, caption_shown ? "<caption>" : "<caption class=\"vh\">",
		     caption_key, NULL, "</caption>\n<thead><tr>");
	for (k = 0; k < count; k++) {
		page_raw(pg, "<th scope=\"col\">");
		field_label(pg, section, order[k]);
		page_raw(pg, "</th>");
	}
	page_raw(pg, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < arr->count; i++)
		table_row(pg, arr->items[i], cols, order, count,
			  view_item_future(pg->v, section, i));
	page_raw(pg, "</tbody></table></div>\n");
	free(cols);
}

void data_render_business(page *pg)
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
	const char *v[] = {"parent", pg->p->parent_company, NULL};
	const doc_node *arr = record_array(pg->rec, "business_chats");

	page_tag_say(pg, "<p>", "html.business.intro", v, "</p>\n");
	if (!arr || !arr->count)
		page_tag_say(pg, "<p class=\"note\">", "html.business.none",
			     NULL, "</p>\n");
	else
		object_table(pg, "business_chats", "html.business.caption",
			     true, order);
}

/* Your account data */

static void object_dl(page *pg, const char *section)
{
	const field_spec *f = record_field_find(section, NULL);
	const doc_node *obj = doc_get(pg->rec->doc->root, section);
	size_t k;
	bool any = false;

	for (k = 0;
	     f && f->sub && obj && obj->type == DOC_OBJECT && f->sub[k].name;
	     k++) {
		const doc_node *n = doc_get(obj, f->sub[k].name);
		if (!n)
			continue;
		if (!any)
			page_raw(pg, "<dl>\n");
		any = true;
		page_raw(pg, "<div><dt>");
		field_label(pg, section, f->sub[k].name);
		page_raw(pg, "</dt><dd>");
		field_value(pg, &f->sub[k], n);
		page_raw(pg, "</dd></div>\n");
	}
	if (any)
		page_raw(pg, "</dl>\n");
	else
		page_tag_say(pg, "<p class=\"note\">", "html.data.empty", NULL,
			     "</p>\n");
}

/* A term of a list and the start of its value; the caller ends it with
 * "</dd></div>": each pair is a <div>, which keeps it on one page. */
static void dl_value(page *pg, const char *field, const char *value)
{
	page_raw(pg, "<div><dt>");
	field_label(pg, NULL, field);
	page_raw(pg, "</dt><dd>");
	page_value(pg, value, strlen(value));
}

static void render_registration(page *pg)
{
	const dyd_record *rec = pg->rec;
	const report_view *v = pg->v;
	size_t i;

	page_raw(pg, "<dl>\n");
	dl_value(pg, "account_id", rec->account_id);
	page_raw(pg, "</dd></div>\n");
	dl_value(pg, "phone", rec->phone);
	page_raw(pg, "</dd></div>\n<div><dt>");
	field_label(pg, NULL, "registered_at");
	page_raw(pg, "</dt><dd>");
	page_put_time(pg, rec->registered_at);
	page_raw(pg, "</dd></div>\n");
	if (rec->region) {
		dl_value(pg, "region", rec->region);
		for (i = 0; i < v->d->region_count; i++) {
			size_t r = v->d->regions[i];
			page_raw(pg, i ? ", " : " (");
			page_esc(pg, view_region_name(v, r));
			page_marks_one(pg, &pg->p->regions[r].cite);
		}
		if (v->d->region_count)
			page_raw(pg, ")");
		page_raw(pg, "</dd></div>\n");
	}
	if (rec->language) {
		dl_value(pg, "language", rec->language);
		page_raw(pg, "</dd></div>\n");
	}
	page_raw(pg, "</dl>\n");
}

static void event_text(page *pg, strbuf *sb, const record_event *ev)
{
	char ckey[64];
	const char *v[] = {
	    "terms",
	    ev->type == EVENT_TERMS_ACCEPTED ? pg->p->terms[ev->terms].id : "",
	    "channel", NULL, NULL};

	page_key(ckey, sizeof(ckey), "channel.", ev->channel ? ev->channel : "",
		 "");
	v[3] = page_msg(pg, ckey);
	page_say_plain(pg, sb,
		       ev->type == EVENT_TERMS_ACCEPTED
			   ? "html.event.terms_accepted"
		       : ev->type == EVENT_OPTOUT ? "html.event.optout"
						  : "html.event.optin",
		       v);
}

/* What became of an event, as the view says. */
static void event_fate_note(page *pg, const view_event *ve)
{
	char key[64];

	switch (ve->fate) {
	case FATE_AFTER_AS_OF:
		page_tag_say(pg, "<br><span class=\"note\">",
			     "html.data.after_as_of", NULL, "</span>");
		break;
	case FATE_COUNTED:
		page_tag_say(pg, "<br><strong>", "html.event.counted", NULL,
			     "</strong>");
		break;
	case FATE_IGNORED:
		page_key(key, sizeof(key), "ignored.",
			 ignored_why_name(ve->why), "");
		page_raw(pg, "<br><span class=\"note\">");
		page_say(pg, "html.tl.not_counted", NULL);
		page_raw(pg, ": ");
		page_say(pg, key, NULL);
		page_raw(pg, "</span>");
		break;
	case FATE_OVERRIDDEN:
		page_tag_say(pg, "<br><span class=\"note\">",
			     "html.tl.overridden", NULL, "</span>");
		break;
	case FATE_ACCEPTED_AGAIN:
		page_tag_say(pg, "<br><span class=\"note\">",
			     "html.event.accepted_again", NULL, "</span>");
		break;
	case FATE_ACCEPTANCE:
		break;
	}
}

static void render_events(page *pg)
{
	const dyd_record *rec = pg->rec;
	const char *what = page_msg(pg, "html.event.col.what");
	size_t i;

	if (!rec->event_count) {
		page_tag_say(pg, "<p class=\"note\">", "html.data.empty", NULL,
			     "</p>\n");
		return;
	}
	page_raw(pg, "<div class=\"tbl stack\"><table>");
	page_tag_say(pg, "<caption class=\"vh\">", "html.data.events", NULL,
		     "</caption>\n<thead><tr>");
	page_tag_say(pg, "<th scope=\"col\">", "html.event.col.at", NULL,
		     "</th>");
	page_tag_say(pg, "<th scope=\"col\">", "html.event.col.what", NULL,
		     "</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < rec->event_count; i++) {
		const record_event *ev = &rec->events[i];
		strbuf *text = &pg->scratch;
		strbuf_truncate(text, 0);
		event_text(pg, text, ev);
		pg->sb.failed |= text->failed;
		page_raw(pg, "<tr><th scope=\"row\">");
		page_put_time(pg, ev->at);
		page_raw(pg, "</th><td data-label=\"");
		html_attr_str(&pg->sb, what);
		page_raw(pg, "\">");
		page_esc(pg, text->data ? text->data : "");
		event_fate_note(pg, view_event_at(pg->v, i));
		page_raw(pg, "</td></tr>\n");
	}
	page_raw(pg, "</tbody></table></div>\n");
}

static void phone_list(page *pg, const char *field)
{
	const doc_node *arr = record_array(pg->rec, field);
	size_t i;

	if (!arr || !arr->count) {
		page_tag_say(pg, "<p class=\"note\">", "html.data.empty", NULL,
			     "</p>\n");
		return;
	}
	page_raw(pg, "<ul class=\"cols mono\">\n");
	for (i = 0; i < arr->count; i++) {
		if (!doc_is_text(arr->items[i]))
			continue;
		page_raw(pg, "<li>");
		page_value(pg, arr->items[i]->text, arr->items[i]->len);
		page_raw(pg, "</li>\n");
	}
	page_raw(pg, "</ul>\n");
}

static void render_devices(page *pg)
{
	const field_spec *f = record_field_find("devices", NULL);
	const doc_node *arr = record_array(pg->rec, "devices");
	size_t i, k;

	if (!f || !arr || !arr->count) {
		page_tag_say(pg, "<p class=\"note\">", "html.data.empty", NULL,
			     "</p>\n");
		return;
	}
	for (i = 0; i < arr->count; i++) {
		char n[PAGE_NUMBER_BUFSIZE];
		const char *v[] = {"n", n, NULL};
		format_unsigned(i + 1, n);
		if (arr->count > 1)
			page_tag_say(pg, "<p><strong>", "html.data.device", v,
				     "</strong></p>\n");
		page_raw(pg, "<dl>\n");
		for (k = 0; f->sub[k].name; k++) {
			const doc_node *nd =
			    doc_get(arr->items[i], f->sub[k].name);
			if (!nd)
				continue;
			page_raw(pg, "<div><dt>");
			field_label(pg, "devices", f->sub[k].name);
			page_raw(pg, "</dt><dd>");
			field_value(pg, &f->sub[k], nd);
			page_raw(pg, "</dd></div>\n");
		}
		page_raw(pg, "</dl>\n");
	}
}

void data_render_account(page *pg)
{
	static const char *const groups[] = {"name", "role", "joined_at", "id",
					     NULL};
	static const char *const transactions[] = {
	    "at", "amount", "currency", "merchant", "id", NULL};

	page_tag_say(pg, "<p>", "html.data.intro", NULL, "</p>\n");
	page_tag_say(pg, "<h3>", "html.data.profile", NULL, "</h3>\n");
	object_dl(pg, "profile");
	page_tag_say(pg, "<h3>", "html.data.registration", NULL, "</h3>\n");
	render_registration(pg);
	page_tag_say(pg, "<h3>", "html.data.events", NULL, "</h3>\n");
	render_events(pg);
	page_tag_say(pg, "<h3>", "html.data.devices", NULL, "</h3>\n");
	render_devices(pg);
	page_tag_say(pg, "<h3>", "html.data.settings", NULL, "</h3>\n");
	object_dl(pg, "settings");
	page_tag_say(pg, "<h3>", "html.data.groups", NULL, "</h3>\n");
	object_table(pg, "groups", "html.data.groups", false, groups);
	page_tag_say(pg, "<h3>", "html.data.contacts", NULL, "</h3>\n");
	phone_list(pg, "contacts");
	page_tag_say(pg, "<h3>", "html.data.blocked", NULL, "</h3>\n");
	phone_list(pg, "blocked");
	page_tag_say(pg, "<h3>", "html.data.transactions", NULL, "</h3>\n");
	object_table(pg, "transactions", "html.data.transactions", false,
		     transactions);
}
