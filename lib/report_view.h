/* SPDX-License-Identifier: MIT */
/* The report view: what the decision means for the reader, worked out
 * once after evaluation, so that report.json, report.html, the manifest
 * and `dyd status` say the same thing. They read it; none of them decides
 * or matches message text. */
#ifndef DYD_REPORT_VIEW_H
#define DYD_REPORT_VIEW_H

#include "evaluate.h"
#include "tz.h"

/* Something of the record that the report does not carry, and why. */
typedef struct report_omission {
	char *pointer;		/* JSON pointer into the record */
	const char *reason;	/* in English, for the manifest */
	const char *reason_key; /* the catalog's words for people */
} report_omission;

/* The answer to "did I opt out?", as the reader gets it. */
typedef enum {
	VERDICT_NO_OPTOUT, /* the policy has no opt-out */
	VERDICT_OPTED_OUT,
	VERDICT_NOT_OPTED_OUT,
	VERDICT_BEFORE_OFFER,
	VERDICT_REGISTERED_AFTER_OFFER,
} view_verdict;

/* How the answer is to be taken: good news, a warning, or neither. */
typedef enum { TONE_GOOD, TONE_WARN, TONE_NEUTRAL } view_tone;

/* The opt-out window as of the report. */
typedef enum {
	WINDOW_NONE,   /* the account never had one */
	WINDOW_OPEN,   /* the choice can still be made */
	WINDOW_CLOSED, /* it is over */
} view_window;

/* What became of one record event as of the report. */
typedef enum {
	FATE_ACCEPTANCE,     /* the acceptance of a terms version that counts */
	FATE_ACCEPTED_AGAIN, /* a later acceptance of the same terms */
	FATE_COUNTED,	     /* the choice that decides the opt-out */
	FATE_OVERRIDDEN,     /* an in-window choice a later one replaced */
	FATE_IGNORED,	     /* a request that did not count: see why */
	FATE_AFTER_AS_OF,    /* after the report's instant: not counted */
} event_fate;

typedef struct view_event {
	event_fate fate;
	ignored_why why; /* for FATE_IGNORED */
} view_event;

/* A purpose withheld from the account, and the catalog key of why. */
typedef struct view_withheld {
	size_t purpose;
	withheld_by by;
	size_t region;
	const char *reason_key; /* "withheld_by.opt_out", ... */
	const decision_cites *cites;
} view_withheld;

/* The items of one dated array field (transactions, business_chats,
 * groups) that are after the as-of instant and so not counted. */
typedef struct view_items {
	const char *field;
	bool *future; /* one per item; NULL when the record has none */
	size_t count;
	size_t future_count;
} view_items;

#define VIEW_ITEM_FIELDS 3

typedef struct report_view_options {
	const char *lang; /* a supported language */
	const tz *zone;	  /* for times shown to people; NULL: UTC */
	/* The fingerprint of the key that signs the bundle, or NULL. */
	const char *key_sha256;
} report_view_options;

typedef struct report_view {
	const dyd_decision *d;
	const dyd_policy *p;
	const dyd_record *rec;
	const char *lang;
	const tz *zone;
	const char *key_sha256;

	view_verdict verdict;
	view_tone tone;
	view_window window;
	/* Every purpose the opt-out covers is withheld by a region anyway:
	 * opting out would have withheld nothing more. moot is then the
	 * withheld entry that names the region, else NULL. */
	bool optout_moot;
	const struct view_withheld *moot;
	/* Purposes shared in some category, in policy order. */
	size_t *shared;
	size_t shared_count;
	view_withheld *withheld;
	size_t withheld_count;
	/* Per record event, in the order of d->record->events. */
	view_event *events;
	size_t event_count;
	size_t events_after_as_of;
	view_items items[VIEW_ITEM_FIELDS];
	/* What report.json leaves out of the record, in record order. */
	report_omission *omitted;
	size_t omitted_count;
	/* What the policy's latest terms update changed for the account. */
	decision_change change;

	tz *own_zone; /* UTC, when no zone was given */
} report_view;

/* Works the view out. 0, or DYD_ENOMEM; release it in either case. */
int report_view_init(report_view *v, const dyd_decision *d,
		     const report_view_options *options);
void report_view_release(report_view *v);

/* The catalog key of why a purpose is withheld: "withheld_by.opt_out",
 * "withheld_by.region", "withheld_by.terms_not_accepted" or
 * "withheld_by.condition_false". */
const char *view_reason_key(withheld_by by);

/* The fate of event i of d->record->events. */
static inline const view_event *view_event_at(const report_view *v, size_t i)
{
	return &v->events[i];
}

/* Whether item i of an array field is after the as-of instant. */
bool view_item_future(const report_view *v, const char *field, size_t i);

/* The region's name for people: its label in the view's language, else
 * its id. */
const char *view_region_name(const report_view *v, size_t region);

/* Footnotes: each quote or note an answer rests on gets a number in the
 * order a renderer first cites it. The same words of the same document
 * cited by several rules are one footnote. Numbering is constant time
 * per use, so a page stays linear in what it cites. */
typedef struct view_note {
	const policy_cite *cite;
	size_t quote; /* index into cite->quotes; NO_INDEX: the cite's note */
} view_note;

typedef struct view_notes {
	const dyd_policy *p;
	view_note *list; /* by number - 1 */
	size_t count, cap;
	size_t *slots; /* open addressing: number, 0 empty */
	size_t slot_mask;
	bool failed;
} view_notes;

void view_notes_init(view_notes *n, const dyd_policy *p);
void view_notes_release(view_notes *n);
/* The number of a quote (quote < cite->count) or of the cite's note
 * (NO_INDEX), given on first use; 0 when memory ran out. */
size_t view_notes_number(view_notes *n, const policy_cite *cite, size_t quote);

/* The footnote numbers of what an answer rests on, the elements of
 * groups (each element's quotes, then its note; an element named twice
 * counts once), sorted and each once, into *out (freed by the caller):
 * their count, or 0 (n->failed set when memory ran out). */
size_t view_notes_marks(view_notes *n, const policy_cite *const *groups,
			size_t count, size_t **out);

#endif
