/* Account records: the field table, validation with a location for every
 * problem, and the model the evaluator reads. */
#include "record.h"
#include "diag.h"
#include "policy.h"
#include "strbuf.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define RECORD_FORMAT "dyd.account/v1"

static const char *const audiences[] = {"everyone", "contacts",
					"contacts_except", "nobody", NULL};
static const char *const disappearing[] = {"off", "24h", "7d", "90d", NULL};
static const char *const hostings[] = {"parent", "partner", "self", NULL};
static const char *const roles[] = {"member", "admin", "creator", NULL};

static const field_spec profile_fields[] = {
    {"display_name", FIELD_TEXT, false, NULL, NULL},
    {"about", FIELD_TEXT, false, NULL, NULL},
    {"photo", FIELD_TEXT, false, NULL, NULL},
    {NULL, 0, false, NULL, NULL},
};

static const field_spec device_fields[] = {
    {"model", FIELD_TEXT, false, NULL, NULL},
    {"os", FIELD_TEXT, false, NULL, NULL},
    {"app_version", FIELD_TEXT, false, NULL, NULL},
    {"carrier", FIELD_TEXT, false, NULL, NULL},
    {"last_ip", FIELD_IP, false, NULL, NULL},
    {"last_seen", FIELD_TIME, false, NULL, NULL},
    {NULL, 0, false, NULL, NULL},
};

static const field_spec settings_fields[] = {
    {"last_seen", FIELD_ENUM, false, audiences, NULL},
    {"profile_photo", FIELD_ENUM, false, audiences, NULL},
    {"about", FIELD_ENUM, false, audiences, NULL},
    {"groups", FIELD_ENUM, false, audiences, NULL},
    {"status", FIELD_ENUM, false, audiences, NULL},
    {"read_receipts", FIELD_BOOL, false, NULL, NULL},
    {"disappearing_messages", FIELD_ENUM, false, disappearing, NULL},
    {NULL, 0, false, NULL, NULL},
};

static const field_spec group_fields[] = {
    {"id", FIELD_TEXT, true, NULL, NULL},
    {"name", FIELD_TEXT, false, NULL, NULL},
    {"role", FIELD_ENUM, false, roles, NULL},
    {"joined_at", FIELD_TIME, false, NULL, NULL},
    {NULL, 0, false, NULL, NULL},
};

static const field_spec business_chat_fields[] = {
    {"business_id", FIELD_TEXT, true, NULL, NULL},
    {"name", FIELD_TEXT, false, NULL, NULL},
    {"hosting", FIELD_ENUM, true, hostings, NULL},
    {"first_contact_at", FIELD_TIME, false, NULL, NULL},
    {"last_contact_at", FIELD_TIME, false, NULL, NULL},
    {"message_count", FIELD_COUNT, false, NULL, NULL},
    {NULL, 0, false, NULL, NULL},
};

static const field_spec transaction_fields[] = {
    {"id", FIELD_TEXT, true, NULL, NULL},
    {"at", FIELD_TIME, true, NULL, NULL},
    {"amount", FIELD_NUMBER, false, NULL, NULL},
    {"currency", FIELD_CURRENCY, false, NULL, NULL},
    {"merchant", FIELD_TEXT, false, NULL, NULL},
    {NULL, 0, false, NULL, NULL},
};

static const char *const event_types[] = {"terms_accepted", "optout", "optin",
					  NULL};
static const char *const channels[] = {"checkbox", "settings", "support", NULL};

static const field_spec event_fields[] = {
    {"type", FIELD_ENUM, true, event_types, NULL},
    {"at", FIELD_TIME, true, NULL, NULL},
    {"terms", FIELD_TEXT, false, NULL, NULL},
    {"channel", FIELD_ENUM, false, channels, NULL},
    {NULL, 0, false, NULL, NULL},
};

/* What each kind of event carries, for the normalised account data. */
static const field_spec terms_event_fields[] = {
    {"type", FIELD_ENUM, true, event_types, NULL},
    {"at", FIELD_TIME, true, NULL, NULL},
    {"terms", FIELD_TEXT, true, NULL, NULL},
    {NULL, 0, false, NULL, NULL},
};

static const field_spec choice_event_fields[] = {
    {"type", FIELD_ENUM, true, event_types, NULL},
    {"at", FIELD_TIME, true, NULL, NULL},
    {"channel", FIELD_ENUM, true, channels, NULL},
    {NULL, 0, false, NULL, NULL},
};

const field_spec *record_event_fields(const doc_node *event)
{
	const doc_node *type = doc_get(event, "type");

	if (doc_is_text(type) && strcmp(type->text, "terms_accepted") == 0)
		return terms_event_fields;
	return choice_event_fields;
}

const field_spec record_fields[] = {
    {"format", FIELD_TEXT, false, NULL, NULL},
    {"account_id", FIELD_ACCOUNT_ID, true, NULL, NULL},
    {"phone", FIELD_PHONE, true, NULL, NULL},
    {"registered_at", FIELD_TIME, true, NULL, NULL},
    {"region", FIELD_COUNTRY, false, NULL, NULL},
    {"language", FIELD_LANGUAGE, false, NULL, NULL},
    {"events", FIELD_EVENT_LIST, false, NULL, event_fields},
    {"profile", FIELD_OBJECT, false, NULL, profile_fields},
    {"devices", FIELD_OBJECT_LIST, false, NULL, device_fields},
    {"settings", FIELD_OBJECT, false, NULL, settings_fields},
    {"contacts", FIELD_PHONE_LIST, false, NULL, NULL},
    {"blocked", FIELD_PHONE_LIST, false, NULL, NULL},
    {"groups", FIELD_OBJECT_LIST, false, NULL, group_fields},
    {"business_chats", FIELD_OBJECT_LIST, false, NULL, business_chat_fields},
    {"transactions", FIELD_OBJECT_LIST, false, NULL, transaction_fields},
    {NULL, 0, false, NULL, NULL},
};

static const field_spec *find_in(const field_spec *table, const char *name,
				 size_t len)
{
	for (; table && table->name; table++)
		if (strlen(table->name) == len &&
		    memcmp(table->name, name, len) == 0)
			return table;
	return NULL;
}

const field_spec *record_field_find(const char *path, const field_spec **parent)
{
	const char *dot = strchr(path, '.');
	const field_spec *top;

	if (parent)
		*parent = NULL;
	if (!dot)
		return find_in(record_fields, path, strlen(path));
	top = find_in(record_fields, path, (size_t)(dot - path));
	if (!top || !top->sub || top->kind == FIELD_EVENT_LIST)
		return NULL;
	if (parent)
		*parent = top;
	return find_in(top->sub, dot + 1, strlen(dot + 1));
}

static const char iso3166[] =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBV"
    "BWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERES"
    "ETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIE"
    "ILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLY"
    "MAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNU"
    "NZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSM"
    "SNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVE"
    "VGVIVNVUWFWSYEYTZAZMZW";

bool iso3166_alpha2_known(const char *code, size_t len)
{
	size_t i;

	if (len != 2)
		return false;
	for (i = 0; i + 1 < sizeof(iso3166); i += 2)
		if (iso3166[i] == code[0] && iso3166[i + 1] == code[1])
			return true;
	return false;
}

struct validator {
	dyd_record *rec;
	const dyd_policy *policy;
	const char *name;
	dyd_diags *diags;
	bool strict;
	bool verbose;
	strbuf path;
	size_t errors;
};

static void problem(struct validator *V, dyd_severity sev, const doc_node *n,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(struct validator *V, dyd_severity sev, const doc_node *n,
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

static size_t push(struct validator *V, const char *seg, size_t len)
{
	size_t saved = V->path.len, i;

	strbuf_putc(&V->path, '/');
	for (i = 0; i < len; i++) {
		if (seg[i] == '~')
			strbuf_puts(&V->path, "~0");
		else if (seg[i] == '/')
			strbuf_puts(&V->path, "~1");
		else
			strbuf_putc(&V->path, seg[i]);
	}
	return saved;
}

static size_t push_index(struct validator *V, size_t i)
{
	size_t saved = V->path.len;
	char digits[24];

	strbuf_putc(&V->path, '/');
	strbuf_append(&V->path, digits, format_unsigned(i, digits));
	return saved;
}

static void pop(struct validator *V, size_t saved)
{
	strbuf_truncate(&V->path, saved);
}

static bool is_phone(const char *s, size_t len)
{
	size_t i;

	if (len < 3 || len > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return false;
	for (i = 2; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool is_account_id(const char *s, size_t len)
{
	size_t i;

	if (len < 1 || len > 128)
		return false;
	if ((len == 1 && s[0] == '.') ||
	    (len == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

static bool is_language_tag(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len && s[i] >= 'a' && s[i] <= 'z')
		i++;
	if (i < 2 || i > 3)
		return false;
	while (i < len) {
		if (s[i++] != '-')
			return false;
		n = 0;
		while (i < len && ((s[i] >= 'a' && s[i] <= 'z') ||
				   (s[i] >= 'A' && s[i] <= 'Z') ||
				   (s[i] >= '0' && s[i] <= '9')))
			i++, n++;
		if (n < 2 || n > 8)
			return false;
	}
	return true;
}

static bool is_ip(const char *s, size_t len)
{
	unsigned char buf[16];
	char buf_text[64];

	if (len >= sizeof(buf_text))
		return false;
	memcpy(buf_text, s, len);
	buf_text[len] = 0;
	return inet_pton(AF_INET, buf_text, buf) == 1 ||
	       inet_pton(AF_INET6, buf_text, buf) == 1;
}

/* Money is often exported as text: "-12.50", "100.00", "0.5". Digits as
 * JSON writes a number's, without an exponent, so the text can be kept
 * exactly as given. */
static bool is_decimal(const char *s, size_t len)
{
	size_t i = s[0] == '-' ? 1 : 0, start = i;

	if (len > 64 || i >= len)
		return false;
	if (s[i] == '0' && i + 1 < len && s[i + 1] != '.')
		return false;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == start)
		return false;
	if (i == len)
		return true;
	if (s[i++] != '.' || i == len)
		return false;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	return i == len;
}

/* An amount: a number, or a decimal string kept as written. */
static void check_number(struct validator *V, const doc_node *n)
{
	char q[DIAG_QUOTE_MAX + 8];

	if (n->type == DOC_STRING) {
		if (!is_decimal(n->text, n->len)) {
			diag_quote(q, sizeof(q), n->text, n->len);
			problem(V, DYD_ERROR, n,
				"'%s' is not a decimal number (such as "
				"\"100.00\" or \"-5\")",
				q);
		}
	} else if (!doc_is_number(n)) {
		problem(V, DYD_ERROR, n,
			"expected a number or a decimal string, not %s",
			doc_type_name(n));
	}
}

static void list_values(strbuf *sb, const char *const *values)
{
	size_t i;

	for (i = 0; values[i]; i++)
		strbuf_printf(sb, "%s'%s'", i ? ", " : "", values[i]);
}

static void check_object(struct validator *V, const doc_node *obj,
			 const field_spec *table);

static bool check_text(struct validator *V, const doc_node *n, char *q,
		       size_t qsize)
{
	if (!doc_is_text(n)) {
		problem(V, DYD_ERROR, n, "expected a string, not %s",
			doc_type_name(n));
		return false;
	}
	diag_quote(q, qsize, n->text, n->len);
	return true;
}

/* Checks one value against its field spec. */
static void check_value(struct validator *V, const doc_node *n,
			const field_spec *f)
{
	char q[DIAG_QUOTE_MAX + 8];
	dyd_time t;
	size_t i, saved;

	switch (f->kind) {
	case FIELD_TEXT:
		check_text(V, n, q, sizeof(q));
		break;
	case FIELD_TIME:
		if (check_text(V, n, q, sizeof(q)) &&
		    dyd_time_parse(n->text, n->len, false, &t))
			problem(V, DYD_ERROR, n,
				"'%s' is not an RFC 3339 timestamp (such as "
				"'2016-09-01T10:00:00+07:00', years 1970 to "
				"2200)",
				q);
		break;
	case FIELD_PHONE:
		if (check_text(V, n, q, sizeof(q)) &&
		    !is_phone(n->text, n->len))
			/* Phone numbers are personal: quoted only when asked.
			 */
			problem(V, DYD_ERROR, n,
				"%s%s%snot an E.164 phone number (such as "
				"'+6281234567890')",
				V->verbose ? "'" : "", V->verbose ? q : "",
				V->verbose ? "' is " : "");
		break;
	case FIELD_ENUM:
		if (check_text(V, n, q, sizeof(q))) {
			for (i = 0; f->values[i]; i++)
				if (strcmp(f->values[i], n->text) == 0)
					break;
			if (!f->values[i]) {
				strbuf sb = STRBUF_INIT;
				list_values(&sb, f->values);
				problem(V, DYD_ERROR, n,
					"'%s' is not one of %s", q,
					sb.data ? sb.data : "");
				strbuf_release(&sb);
			}
		}
		break;
	case FIELD_BOOL:
		if (n->type != DOC_BOOL)
			problem(V, DYD_ERROR, n,
				"expected true or false, not %s",
				doc_type_name(n));
		break;
	case FIELD_COUNT:
		if (!doc_is_number(n) || n->number < 0 ||
		    n->number > 9007199254740992.0 ||
		    n->number != (double)(int64_t)n->number) {
			if (doc_is_number(n))
				problem(V, DYD_ERROR, n,
					"expected a whole number of at least "
					"0, not %g",
					n->number);
			else
				problem(V, DYD_ERROR, n,
					"expected a whole number of at least "
					"0, not %s",
					doc_type_name(n));
		}
		break;
	case FIELD_NUMBER:
		check_number(V, n);
		break;
	case FIELD_IP:
		if (check_text(V, n, q, sizeof(q)) && !is_ip(n->text, n->len))
			problem(V, DYD_ERROR, n,
				"%s%s%snot an IPv4 or IPv6 address",
				V->verbose ? "'" : "", V->verbose ? q : "",
				V->verbose ? "' is " : "");
		break;
	case FIELD_CURRENCY:
		if (check_text(V, n, q, sizeof(q)) &&
		    !(n->len == 3 && n->text[0] >= 'A' && n->text[0] <= 'Z' &&
		      n->text[1] >= 'A' && n->text[1] <= 'Z' &&
		      n->text[2] >= 'A' && n->text[2] <= 'Z'))
			problem(V, DYD_ERROR, n,
				"'%s' is not an ISO 4217 currency code (such "
				"as 'IDR')",
				q);
		break;
	case FIELD_ACCOUNT_ID:
		if (check_text(V, n, q, sizeof(q)) &&
		    !is_account_id(n->text, n->len))
			problem(V, DYD_ERROR, n,
				"'%s' is not a valid account id (1 to 128 of "
				"A-Z a-z 0-9 . _ -, not '.' or '..')",
				q);
		break;
	case FIELD_COUNTRY:
		if (check_text(V, n, q, sizeof(q)) &&
		    !iso3166_alpha2_known(n->text, n->len)) {
			if (n->len == 2 &&
			    iso3166_alpha2_known(
				(char[]){(char)(n->text[0] & ~0x20),
					 (char)(n->text[1] & ~0x20)},
				2))
				problem(V, DYD_ERROR, n,
					"'%s' is not an ISO 3166-1 alpha-2 "
					"code; write it in upper case",
					q);
			else
				problem(V, DYD_ERROR, n,
					"'%s' is not an ISO 3166-1 alpha-2 "
					"country code (such as 'ID' or 'DE')",
					q);
		}
		break;
	case FIELD_LANGUAGE:
		if (check_text(V, n, q, sizeof(q)) &&
		    !is_language_tag(n->text, n->len))
			problem(V, DYD_ERROR, n,
				"'%s' is not a language tag (such as 'en' or "
				"'id')",
				q);
		break;
	case FIELD_OBJECT:
		if (n->type != DOC_OBJECT)
			problem(V, DYD_ERROR, n, "expected an object, not %s",
				doc_type_name(n));
		else
			check_object(V, n, f->sub);
		break;
	case FIELD_OBJECT_LIST:
	case FIELD_PHONE_LIST:
	case FIELD_EVENT_LIST:
		if (n->type != DOC_ARRAY) {
			problem(V, DYD_ERROR, n, "expected an array, not %s",
				doc_type_name(n));
			break;
		}
		for (i = 0; i < n->count; i++) {
			const doc_node *item = n->items[i];
			saved = push_index(V, i);
			if (f->kind == FIELD_PHONE_LIST) {
				static const field_spec phone = {
				    "phone", FIELD_PHONE, true, NULL, NULL};
				check_value(V, item, &phone);
			} else if (item->type != DOC_OBJECT) {
				problem(V, DYD_ERROR, item,
					"expected an object, not %s",
					doc_type_name(item));
			} else {
				check_object(V, item, f->sub);
			}
			pop(V, saved);
		}
		break;
	}
}

static void check_object(struct validator *V, const doc_node *obj,
			 const field_spec *table)
{
	const field_spec *f;
	size_t i, saved;
	char q[DIAG_QUOTE_MAX + 8];

	for (i = 0; i < obj->count; i++) {
		const doc_member *m = &obj->members[i];
		saved = push(V, m->key, m->key_len);
		f = find_in(table, m->key, m->key_len);
		if (!f) {
			diag_quote(q, sizeof(q), m->key, m->key_len);
			/* Point at the key itself. */
			doc_node at = {.line = m->line, .column = m->column};
			problem(V, V->strict ? DYD_ERROR : DYD_WARNING, &at,
				"unknown field '%s'%s", q,
				V->strict ? "" : " (ignored)");
		} else {
			check_value(V, m->value, f);
		}
		pop(V, saved);
	}
	for (f = table; f->name; f++) {
		if (f->required && !doc_get(obj, f->name)) {
			saved = push(V, f->name, strlen(f->name));
			problem(V, DYD_ERROR, obj, "missing required field");
			pop(V, saved);
		}
	}
}

static int compare_events(const void *a, const void *b)
{
	const record_event *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The rules that tie events to each other, to registration and to the
 * policy; run after the shape is known to be right. */
static int collect_events(struct validator *V, const doc_node *events)
{
	dyd_record *rec = V->rec;
	size_t i, saved, s2;
	char q[DIAG_QUOTE_MAX + 8], when[DYD_TIME_BUFSIZE],
	    reg[DYD_TIME_BUFSIZE];

	if (!events || events->type != DOC_ARRAY || events->count == 0)
		return 0;
	rec->events = calloc(events->count, sizeof(*rec->events));
	if (!rec->events)
		return DYD_ENOMEM;
	saved = push(V, "events", 6);
	for (i = 0; i < events->count; i++) {
		const doc_node *e = events->items[i];
		const doc_node *type = doc_get(e, "type"),
			       *at = doc_get(e, "at");
		const doc_node *terms = doc_get(e, "terms"),
			       *channel = doc_get(e, "channel");
		record_event ev = {0};
		s2 = push_index(V, i);
		if (e->type != DOC_OBJECT || !doc_is_text(type) ||
		    !doc_is_text(at) ||
		    dyd_time_parse(at->text, at->len, false, &ev.at)) {
			pop(V, s2);
			continue; /* already reported */
		}
		ev.index = i;
		if (strcmp(type->text, "terms_accepted") == 0) {
			ev.type = EVENT_TERMS_ACCEPTED;
			if (channel) {
				size_t s3 = push(V, "channel", 7);
				problem(V, V->strict ? DYD_ERROR : DYD_WARNING,
					channel,
					"a terms_accepted event has no "
					"channel%s",
					V->strict ? "" : " (ignored)");
				pop(V, s3);
			}
			if (!terms) {
				size_t s3 = push(V, "terms", 5);
				problem(V, DYD_ERROR, e,
					"missing required field (the terms "
					"id that was accepted)");
				pop(V, s3);
				pop(V, s2);
				continue;
			}
			if (!doc_is_text(terms)) {
				pop(V, s2);
				continue;
			}
			ev.terms = policy_terms_find(V->policy, terms->text,
						     terms->len);
			if (ev.terms == NO_INDEX) {
				size_t s3 = push(V, "terms", 5);
				diag_quote(q, sizeof(q), terms->text,
					   terms->len);
				problem(V, DYD_ERROR, terms,
					"unknown terms id '%s' (policy '%s' "
					"knows %zu terms versions)",
					q, V->policy->id,
					V->policy->terms_count);
				pop(V, s3);
				pop(V, s2);
				continue;
			}
			if (ev.at < V->policy->terms[ev.terms].effective) {
				size_t s3 = push(V, "at", 2);
				dyd_time_format(
				    V->policy->terms[ev.terms].effective, when);
				problem(V, DYD_ERROR, at,
					"terms '%s' accepted before they took "
					"effect at %s",
					V->policy->terms[ev.terms].id, when);
				pop(V, s3);
			}
		} else if (doc_is_text(channel)) {
			ev.type = strcmp(type->text, "optout") == 0
				      ? EVENT_OPTOUT
				      : EVENT_OPTIN;
			ev.channel = channel->text;
			if (terms) {
				size_t s3 = push(V, "terms", 5);
				problem(V, V->strict ? DYD_ERROR : DYD_WARNING,
					terms, "an %s event names no terms%s",
					type->text,
					V->strict ? "" : " (ignored)");
				pop(V, s3);
			}
		} else {
			if (!channel) {
				size_t s3 = push(V, "channel", 7);
				problem(V, DYD_ERROR, e,
					"missing required field (how the "
					"choice was made: 'checkbox', "
					"'settings' or 'support')");
				pop(V, s3);
			}
			pop(V, s2);
			continue;
		}
		if (rec->registered_at != INT64_MIN &&
		    ev.at < rec->registered_at) {
			size_t s3 = push(V, "at", 2);
			dyd_time_format(ev.at, when);
			dyd_time_format(rec->registered_at, reg);
			problem(V, DYD_ERROR, at,
				"event at %s precedes registered_at %s", when,
				reg);
			pop(V, s3);
		}
		rec->events[rec->event_count++] = ev;
		pop(V, s2);
	}
	pop(V, saved);
	qsort(rec->events, rec->event_count, sizeof(*rec->events),
	      compare_events);
	return 0;
}

static bool has_extension(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);

	return n > e && strcmp(name + n - e, ext) == 0;
}

int dyd_record_load(dyd_record **out, const char *data, size_t len,
		    const char *name, const dyd_policy *policy,
		    const dyd_record_options *options, dyd_diags *diags)
{
	const doc_limits limits = DOC_LIMITS_RECORD;
	dyd_record_options defaults = DYD_RECORD_OPTIONS_INIT;
	struct validator V = {0};
	dyd_record *rec;
	const doc_node *root, *n;
	dyd_format format;
	int rc;

	*out = NULL;
	if (!options)
		options = &defaults;
	if (len > DYD_MAX_INPUT_BYTES) {
		diag_add(diags, DYD_ERROR, name, 0, 0, NULL,
			 "record of %zu bytes is larger than the limit of %u",
			 len, DYD_MAX_INPUT_BYTES);
		return DYD_EINVALID;
	}
	format = options->format;
	if (format == DYD_FORMAT_AUTO) {
		if (has_extension(name, ".json") ||
		    has_extension(name, ".jsonl"))
			format = DYD_FORMAT_JSON;
		else if (has_extension(name, ".yaml") ||
			 has_extension(name, ".yml"))
			format = DYD_FORMAT_YAML;
		else
			format = doc_looks_like_json(data, len)
				     ? DYD_FORMAT_JSON
				     : DYD_FORMAT_YAML;
	}
	rec = calloc(1, sizeof(*rec));
	if (!rec)
		return DYD_ENOMEM;
	rec->registered_at = INT64_MIN;
	rc = format == DYD_FORMAT_JSON
		 ? doc_parse_json(&rec->doc, data, len, name, &limits, diags)
		 : doc_parse_yaml(&rec->doc, data, len, name, &limits, diags);
	if (rc)
		goto out;
	rec->name = arena_strndup(rec->doc->arena, name, strlen(name));
	if (!rec->name) {
		rc = DYD_ENOMEM;
		goto out;
	}
	root = rec->doc->root;
	V.rec = rec;
	V.policy = policy;
	V.name = name;
	V.diags = diags;
	V.strict = options->strict;
	V.verbose = options->verbose;
	if (root->type != DOC_OBJECT) {
		problem(&V, DYD_ERROR, root, "a record is an object, not %s",
			doc_type_name(root));
		rc = DYD_EINVALID;
		goto out;
	}
	check_object(&V, root, record_fields);
	n = doc_get(root, "format");
	if (doc_is_text(n) && strcmp(n->text, RECORD_FORMAT) != 0) {
		size_t saved = push(&V, "format", 6);
		problem(&V, DYD_ERROR, n,
			"unsupported format (this dyd reads '%s')",
			RECORD_FORMAT);
		pop(&V, saved);
	}
	n = doc_get(root, "account_id");
	if (doc_is_text(n) && is_account_id(n->text, n->len))
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
	if (doc_is_text(n) && is_language_tag(n->text, n->len))
		rec->language = n->text;
	rc = collect_events(&V, doc_get(root, "events"));
	if (rc)
		goto out;
	if (V.path.failed || diags->out_of_memory)
		rc = DYD_ENOMEM;
	else if (V.errors)
		rc = DYD_EINVALID;
out:
	strbuf_release(&V.path);
	if (rc) {
		dyd_record_free(rec);
		return rc;
	}
	*out = rec;
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
