/* The account record model (dyd.account/v1). */
#ifndef DYD_RECORD_H
#define DYD_RECORD_H

#include "doc.h"
#include "dyd.h"

typedef enum {
	FIELD_TEXT,
	FIELD_TIME,
	FIELD_PHONE,
	FIELD_ENUM,
	FIELD_BOOL,
	FIELD_COUNT,  /* integer >= 0 */
	FIELD_NUMBER, /* a number, or a decimal string kept as written */
	FIELD_IP,
	FIELD_CURRENCY,
	FIELD_ACCOUNT_ID,
	FIELD_COUNTRY,
	FIELD_LANGUAGE,
	FIELD_OBJECT,	   /* members described by sub */
	FIELD_OBJECT_LIST, /* array of objects described by sub */
	FIELD_PHONE_LIST,  /* array of E.164 numbers */
	FIELD_EVENT_LIST,  /* events: validated by their own rules */
} field_kind;

typedef struct field_spec {
	const char *name;
	field_kind kind;
	bool required;
	const char *const *values;    /* FIELD_ENUM */
	const struct field_spec *sub; /* NULL-name terminated */
} field_spec;

/* The top-level fields of a record, NULL-name terminated. */
extern const field_spec record_fields[];

/* Finds "name" or "name.sub" among the record fields; NULL if unknown. */
const field_spec *record_field_find(const char *path,
				    const field_spec **parent);

/* The fields of one event of a valid record, by its type. */
const field_spec *record_event_fields(const doc_node *event);

/* Whether code is an assigned ISO 3166-1 alpha-2 code. */
bool iso3166_alpha2_known(const char *code, size_t len);

typedef enum { EVENT_TERMS_ACCEPTED, EVENT_OPTOUT, EVENT_OPTIN } event_type;

typedef struct record_event {
	event_type type;
	size_t index; /* position in the record's events array */
	dyd_time at;
	size_t terms;	     /* policy terms index, for EVENT_TERMS_ACCEPTED */
	const char *channel; /* for optout/optin */
} record_event;

struct dyd_record {
	doc *doc;
	const char *name;
	const char *account_id;
	const char *phone;
	dyd_time registered_at;
	const char *region;   /* upper-case alpha-2, or NULL */
	const char *language; /* or NULL */
	record_event *events; /* in time order; ties keep record order */
	size_t event_count;
};

/* The array named field of the record ("business_chats"), or NULL. */
const doc_node *record_array(const dyd_record *record, const char *field);

#endif
