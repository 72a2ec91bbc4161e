/* SPDX-License-Identifier: MIT */
/* The account record model (dyd.account/v1). */
#ifndef DYD_RECORD_H
#define DYD_RECORD_H

#include "account.h"
#include "doc.h"
#include "dyd.h"
#include "strbuf.h"

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

/* Checking one record against the account format, the first half of
 * dyd_record_load() (conform.c does the rest, against a policy). Every
 * problem goes to diags with the file, position and JSON pointer. */
typedef struct record_check {
	dyd_record *rec; /* being checked; owned until record_check_end() */
	const char *name;
	dyd_diags *diags;
	bool strict;
	bool verbose;
	strbuf path; /* JSON pointer of the value being checked */
	size_t errors;
} record_check;

/* Parses data and checks the shape and values of every field. 0 with
 * V->rec set even when problems were found (they are counted in
 * V->errors); otherwise V holds nothing. */
int record_check_begin(record_check *V, const char *data, size_t len,
		       const char *name, const dyd_record_options *options,
		       dyd_diags *diags);
/* Ends the check begun: on rc 0 with no error found and a non-NULL out,
 * hands the record to *out; otherwise frees it and returns the error
 * (rc, or DYD_ENOMEM / DYD_EINVALID for what the check found). */
int record_check_end(record_check *V, int rc, dyd_record **out);

/* A problem at node n (its line and column) and at V->path. */
void record_problem(record_check *V, dyd_severity sev, const doc_node *n,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* V->path += "/seg" (escaped), or "/i"; each returns the length to give
 * back to record_pop(). */
size_t record_push(record_check *V, const char *seg, size_t len);
size_t record_push_index(record_check *V, size_t i);
void record_pop(record_check *V, size_t saved);

/* The array named field of the record ("business_chats"), or NULL. */
const doc_node *record_array(const dyd_record *record, const char *field);

#endif
