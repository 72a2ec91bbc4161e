/* SPDX-License-Identifier: MIT */
/* Account records: the field table, validation with a location for every
 * problem, and the model the evaluator reads. */
#include "record.h"
#include "diag.h"
#include "strbuf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void record_problem(record_check *V, dyd_severity sev, const doc_node *n,
		    const char *fmt, ...)
{
	strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (sev == DYD_ERROR)
		V->errors++;
	if (msg.failed) {
		V->diags->out_of_memory = true;
		strbuf_release(&msg);
		return;
	}
	diag_add(V->diags, sev, V->name, n ? n->line : 0, n ? n->column : 0,
		 V->path.data ? V->path.data : "", "%s", msg.data);
	strbuf_release(&msg);
}

size_t record_push(record_check *V, const char *seg, size_t len)
{
	return strbuf_pointer_push(&V->path, seg, len);
}

size_t record_push_index(record_check *V, size_t i)
{
	return strbuf_pointer_index(&V->path, i);
}

void record_pop(record_check *V, size_t saved)
{
	strbuf_truncate(&V->path, saved);
}

static void list_values(strbuf *sb, const char *const *values)
{
	size_t i;

	for (i = 0; values[i]; i++)
		strbuf_printf(sb, "%s'%s'", i ? ", " : "", values[i]);
}

static void check_object(record_check *V, const doc_node *obj,
			 const field_spec *table);

static bool check_text(record_check *V, const doc_node *n, char *q,
		       size_t qsize)
{
	if (!doc_is_text(n)) {
		record_problem(V, DYD_ERROR, n, "expected a string, not %s",
			       doc_type_name(n));
		return false;
	}
	diag_quote(q, qsize, n->text, n->len);
	return true;
}

/* Checks one value against its field spec. */
static void check_enum(record_check *V, const doc_node *n, const field_spec *f)
{
	char q[DIAG_QUOTE_MAX + 8];
	strbuf sb = STRBUF_INIT;
	size_t i;

	if (!check_text(V, n, q, sizeof(q)))
		return;
	for (i = 0; f->values[i]; i++)
		if (strcmp(f->values[i], n->text) == 0)
			return;
	list_values(&sb, f->values);
	record_problem(V, DYD_ERROR, n, "'%s' is not one of %s", q,
		       sb.data ? sb.data : "");
	strbuf_release(&sb);
}

static void check_count(record_check *V, const doc_node *n)
{
	if (doc_is_number(n) && n->number >= 0 &&
	    n->number <= 9007199254740992.0 &&
	    n->number == (double)(int64_t)n->number)
		return;
	if (doc_is_number(n))
		record_problem(V, DYD_ERROR, n,
			       "expected a whole number of at least 0, not %g",
			       n->number);
	else
		record_problem(V, DYD_ERROR, n,
			       "expected a whole number of at least 0, not %s",
			       doc_type_name(n));
}

/* An amount: a number, or a decimal string kept as written. */
static void check_number(record_check *V, const doc_node *n)
{
	char q[DIAG_QUOTE_MAX + 8];

	if (n->type == DOC_STRING) {
		if (!account_decimal_valid(n->text, n->len)) {
			diag_quote(q, sizeof(q), n->text, n->len);
			record_problem(V, DYD_ERROR, n,
				       "'%s' is not a decimal number (such as "
				       "\"100.00\" or \"-5\")",
				       q);
		}
	} else if (!doc_is_number(n)) {
		record_problem(V, DYD_ERROR, n,
			       "expected a number or a decimal string, not %s",
			       doc_type_name(n));
	}
}

static void check_country(record_check *V, const doc_node *n)
{
	char q[DIAG_QUOTE_MAX + 8];

	if (!check_text(V, n, q, sizeof(q)) ||
	    iso3166_alpha2_known(n->text, n->len))
		return;
	if (n->len == 2 &&
	    iso3166_alpha2_known((char[]){(char)(n->text[0] & ~0x20),
					  (char)(n->text[1] & ~0x20)},
				 2))
		record_problem(V, DYD_ERROR, n,
			       "'%s' is not an ISO 3166-1 alpha-2 code; write "
			       "it in upper case",
			       q);
	else
		record_problem(V, DYD_ERROR, n,
			       "'%s' is not an ISO 3166-1 alpha-2 country code "
			       "(such as 'ID' or 'DE')",
			       q);
}

static void check_value(record_check *V, const doc_node *n,
			const field_spec *f);

/* An array field: phone numbers, or objects of f->sub. */
static void check_list(record_check *V, const doc_node *n, const field_spec *f)
{
	static const field_spec phone = {"phone", FIELD_PHONE, true, NULL,
					 NULL};
	size_t i, saved;

	if (n->type != DOC_ARRAY) {
		record_problem(V, DYD_ERROR, n, "expected an array, not %s",
			       doc_type_name(n));
		return;
	}
	if (n->count > account_list_limit(f)) {
		/* Its items are not looked at: one message, not thousands. */
		record_problem(V, DYD_ERROR, n,
			       "array of %zu items is longer than the limit "
			       "of %zu",
			       n->count, account_list_limit(f));
		return;
	}
	for (i = 0; i < n->count; i++) {
		const doc_node *item = n->items[i];
		saved = record_push_index(V, i);
		if (f->kind == FIELD_PHONE_LIST)
			check_value(V, item, &phone);
		else if (item->type != DOC_OBJECT)
			record_problem(V, DYD_ERROR, item,
				       "expected an object, not %s",
				       doc_type_name(item));
		else
			check_object(V, item, f->sub);
		record_pop(V, saved);
	}
}

static void check_value(record_check *V, const doc_node *n, const field_spec *f)
{
	char q[DIAG_QUOTE_MAX + 8];
	dyd_time t;

	switch (f->kind) {
	case FIELD_TEXT:
		check_text(V, n, q, sizeof(q));
		break;
	case FIELD_TIME:
		if (check_text(V, n, q, sizeof(q)) &&
		    dyd_time_parse(n->text, n->len, false, &t))
			record_problem(
			    V, DYD_ERROR, n,
			    "'%s' is not an RFC 3339 timestamp (such as "
			    "'2016-09-01T10:00:00+07:00', years 1970 to "
			    "2200)",
			    q);
		break;
	case FIELD_PHONE:
		if (check_text(V, n, q, sizeof(q)) &&
		    !account_phone_valid(n->text, n->len))
			/* Phone numbers are personal: quoted only when asked.
			 */
			record_problem(
			    V, DYD_ERROR, n,
			    "%s%s%snot an E.164 phone number (such as "
			    "'+6281234567890')",
			    V->verbose ? "'" : "", V->verbose ? q : "",
			    V->verbose ? "' is " : "");
		break;
	case FIELD_ENUM:
		check_enum(V, n, f);
		break;
	case FIELD_BOOL:
		if (n->type != DOC_BOOL)
			record_problem(V, DYD_ERROR, n,
				       "expected true or false, not %s",
				       doc_type_name(n));
		break;
	case FIELD_COUNT:
		check_count(V, n);
		break;
	case FIELD_NUMBER:
		check_number(V, n);
		break;
	case FIELD_IP:
		if (check_text(V, n, q, sizeof(q)) &&
		    !account_ip_valid(n->text, n->len))
			record_problem(V, DYD_ERROR, n,
				       "%s%s%snot an IPv4 or IPv6 address",
				       V->verbose ? "'" : "",
				       V->verbose ? q : "",
				       V->verbose ? "' is " : "");
		break;
	case FIELD_CURRENCY:
		if (check_text(V, n, q, sizeof(q)) &&
		    !account_currency_valid(n->text, n->len))
			record_problem(
			    V, DYD_ERROR, n,
			    "'%s' is not an ISO 4217 currency code (such "
			    "as 'IDR')",
			    q);
		break;
	case FIELD_ACCOUNT_ID:
		if (check_text(V, n, q, sizeof(q)) &&
		    !account_id_valid(n->text, n->len))
			record_problem(
			    V, DYD_ERROR, n,
			    "'%s' is not a valid account id (1 to 128 of "
			    "A-Z a-z 0-9 . _ -, not '.' or '..')",
			    q);
		break;
	case FIELD_COUNTRY:
		check_country(V, n);
		break;
	case FIELD_LANGUAGE:
		if (check_text(V, n, q, sizeof(q)) &&
		    !account_language_valid(n->text, n->len))
			record_problem(
			    V, DYD_ERROR, n,
			    "'%s' is not a language tag (such as 'en' or "
			    "'id')",
			    q);
		break;
	case FIELD_OBJECT:
		if (n->type != DOC_OBJECT)
			record_problem(V, DYD_ERROR, n,
				       "expected an object, not %s",
				       doc_type_name(n));
		else
			check_object(V, n, f->sub);
		break;
	case FIELD_OBJECT_LIST:
	case FIELD_PHONE_LIST:
	case FIELD_EVENT_LIST:
		check_list(V, n, f);
		break;
	}
}

static void check_object(record_check *V, const doc_node *obj,
			 const field_spec *table)
{
	const field_spec *f;
	size_t i, saved;
	char q[DIAG_QUOTE_MAX + 8];

	for (i = 0; i < obj->count; i++) {
		const doc_member *m = &obj->members[i];
		saved = record_push(V, m->key, m->key_len);
		f = account_field_in(table, m->key, m->key_len);
		if (!f) {
			diag_quote(q, sizeof(q), m->key, m->key_len);
			/* Point at the key itself. */
			doc_node at = {.line = m->line, .column = m->column};
			record_problem(V, V->strict ? DYD_ERROR : DYD_WARNING,
				       &at, "unknown field '%s'%s", q,
				       V->strict ? "" : " (ignored)");
		} else {
			check_value(V, m->value, f);
		}
		record_pop(V, saved);
	}
	for (f = table; f->name; f++) {
		if (f->required && !doc_get(obj, f->name)) {
			saved = record_push(V, f->name, strlen(f->name));
			record_problem(V, DYD_ERROR, obj,
				       "missing required field");
			record_pop(V, saved);
		}
	}
}

int record_check_begin(record_check *V, const char *data, size_t len,
		       const char *name, const dyd_record_options *options,
		       dyd_diags *diags)
{
	const doc_limits limits = DOC_LIMITS_RECORD;
	dyd_record_options defaults = DYD_RECORD_OPTIONS_INIT;
	dyd_record *rec;
	const doc_node *root, *n;
	dyd_format format;
	int rc;

	memset(V, 0, sizeof(*V));
	if (!options)
		options = &defaults;
	if (len > DYD_MAX_INPUT_BYTES) {
		diag_add(diags, DYD_ERROR, name, 0, 0, NULL,
			 "record of %zu bytes is larger than the limit of %u",
			 len, DYD_MAX_INPUT_BYTES);
		return DYD_EINVALID;
	}
	format = options->format;
	if (format == DYD_FORMAT_AUTO)
		format = doc_format_of(name, data, len);
	rec = calloc(1, sizeof(*rec));
	if (!rec)
		return DYD_ENOMEM;
	rec->registered_at = INT64_MIN;
	V->rec = rec;
	rc = format == DYD_FORMAT_JSON
		 ? doc_parse_json(&rec->doc, data, len, name, &limits, diags)
		 : doc_parse_yaml(&rec->doc, data, len, name, &limits, diags);
	if (rc)
		goto fail;
	rec->name = arena_strndup(rec->doc->arena, name, strlen(name));
	if (!rec->name) {
		rc = DYD_ENOMEM;
		goto fail;
	}
	root = rec->doc->root;
	V->name = name;
	V->diags = diags;
	V->strict = options->strict;
	V->verbose = options->verbose;
	if (root->type != DOC_OBJECT) {
		record_problem(V, DYD_ERROR, root,
			       "a record is an object, not %s",
			       doc_type_name(root));
		rc = DYD_EINVALID;
		goto fail;
	}
	check_object(V, root, record_fields);
	n = doc_get(root, "format");
	if (doc_is_text(n) && strcmp(n->text, ACCOUNT_FORMAT) != 0) {
		size_t saved = record_push(V, "format", 6);
		record_problem(V, DYD_ERROR, n,
			       "unsupported format (this dyd reads '%s')",
			       ACCOUNT_FORMAT);
		record_pop(V, saved);
	}
	n = doc_get(root, "account_id");
	if (doc_is_text(n) && account_id_valid(n->text, n->len))
		rec->account_id = n->text;
	n = doc_get(root, "phone");
	if (doc_is_text(n))
		rec->phone = n->text;
	n = doc_get(root, "registered_at");
	if (doc_is_text(n) &&
	    dyd_time_parse(n->text, n->len, false, &rec->registered_at))
		rec->registered_at = INT64_MIN;
	n = doc_get(root, "region");
	if (doc_is_text(n) && iso3166_alpha2_known(n->text, n->len))
		rec->region = n->text;
	n = doc_get(root, "language");
	if (doc_is_text(n) && account_language_valid(n->text, n->len))
		rec->language = n->text;
	return 0;
fail:
	return record_check_end(V, rc, NULL);
}

int record_check_end(record_check *V, int rc, dyd_record **out)
{
	if (!rc && (V->path.failed || V->diags->out_of_memory))
		rc = DYD_ENOMEM;
	else if (!rc && V->errors)
		rc = DYD_EINVALID;
	strbuf_release(&V->path);
	if (rc || !out) {
		dyd_record_free(V->rec);
		V->rec = NULL;
		return rc;
	}
	*out = V->rec;
	V->rec = NULL;
	return 0;
}

void dyd_record_free(dyd_record *rec)
{
	if (!rec)
		return;
	free(rec->events);
	doc_free(rec->doc);
	free(rec);
}

const char *dyd_record_account_id(const dyd_record *rec)
{
	return rec->account_id;
}

const char *dyd_record_language(const dyd_record *rec)
{
	return rec->language;
}

dyd_time dyd_record_registered_at(const dyd_record *rec)
{
	return rec->registered_at;
}

const doc_node *record_array(const dyd_record *rec, const char *field)
{
	const doc_node *n = doc_get(rec->doc->root, field);

	return n && n->type == DOC_ARRAY ? n : NULL;
}
