/* SPDX-License-Identifier: MIT */
/* The decision: what the evaluator concluded, with references to the
 * policy rules and record events behind each conclusion. Renderers read
 * it; they do not decide anything themselves. */
#ifndef DYD_EVALUATE_H
#define DYD_EVALUATE_H

#include "policy.h"
#include "record.h"

typedef enum {
	OPTOUT_OPTED_OUT,
	OPTOUT_NOT_OPTED_OUT,
	OPTOUT_NOT_OFFERED,
} optout_status;

typedef enum {
	REASON_OPTOUT_IN_WINDOW,
	REASON_OPTIN_IN_WINDOW,
	REASON_NO_CHOICE_IN_WINDOW,
	REASON_TERMS_NOT_ACCEPTED,
	REASON_BEFORE_OFFER,
	REASON_REGISTERED_AFTER_OFFER,
} optout_reason;

typedef enum {
	IGNORED_NOT_OFFERED,
	IGNORED_TERMS_NOT_ACCEPTED,
	IGNORED_BEFORE_WINDOW,
	IGNORED_AFTER_WINDOW,
	IGNORED_ALREADY_OPTED_OUT, /* after a final opt-out in the window */
} ignored_why;

/* The policy elements an answer rests on, in the order their sources are
 * listed: a rule, then what withheld it (the opt-out, a region). */
#define DECISION_CITES_MAX 3
typedef struct decision_cites {
	const policy_cite *group[DECISION_CITES_MAX];
	size_t count;
} decision_cites;

typedef struct ignored_request {
	const record_event *event;
	ignored_why why;
} ignored_request;

typedef struct decision_optout {
	size_t terms; /* policy terms index */
	optout_status status;
	optout_reason reason;
	bool has_window;
	dyd_time window_start, window_end; /* [start, end) */
	bool window_open;
	const record_event *choice; /* the deciding in-window event, or NULL */
	ignored_request *ignored;
	size_t ignored_count;
	decision_cites cites;
} decision_optout;

typedef enum {
	TERMS_NOT_YET_EFFECTIVE,
	TERMS_ACCEPTED,
	TERMS_OVERDUE,
	TERMS_PENDING,
} terms_status;

typedef struct decision_terms {
	terms_status status;
	bool at_registration;
	dyd_time accepted_at;
	const record_event *event; /* explicit acceptance, or NULL */
	/* For overdue terms: the when_overdue consequence in force at the
	 * as-of instant, or NULL when none is yet. */
	const policy_effect *effect;
	size_t effect_index;
	decision_cites cites;
} decision_terms;

typedef enum {
	WITHHELD_NONE,
	WITHHELD_TERMS_NOT_ACCEPTED,
	WITHHELD_CONDITION_FALSE,
	WITHHELD_OPT_OUT,
	WITHHELD_REGION,
} withheld_by;

typedef struct decision_cell {
	size_t purpose;
	size_t rule; /* index into the category's rules */
	bool shared;
	dyd_time since; /* when shared */
	withheld_by by; /* when not shared */
	size_t region;	/* for WITHHELD_REGION */
	bool condition_holds;
	decision_cites cites;
} decision_cell;

typedef struct decision_category {
	const policy_category *category;
	bool shared;
	decision_cell *cells;
	size_t cell_count;
	size_t *items; /* indices into the items field, when listed */
	size_t item_count;
	decision_cites cites; /* of a never category */
} decision_category;

typedef struct withheld_purpose {
	size_t purpose;
	withheld_by by; /* WITHHELD_OPT_OUT or WITHHELD_REGION */
	size_t region;
	decision_cites cites;
} withheld_purpose;

struct dyd_decision {
	const dyd_record *record;
	const dyd_policy *policy;
	dyd_time as_of;
	size_t *regions; /* policy regions the account's country is in */
	size_t region_count;
	bool has_optout;
	decision_optout optout;
	decision_terms *terms; /* one per policy terms version */
	withheld_purpose *withheld;
	size_t withheld_count;
	decision_category *categories;
	size_t category_count;
};

const char *optout_status_name(optout_status s);
const char *optout_reason_name(optout_reason r);
const char *ignored_why_name(ignored_why w);
const char *terms_status_name(terms_status s);
/* "opt_out", "region:european", ... into buf. */
const char *withheld_by_name(const dyd_decision *d, withheld_by by,
			     size_t region, char *buf, size_t size);
const char *event_type_name(event_type t);
const char *optout_audience_name(optout_audience a);

/* Whether item i of the record's array field existed at the as-of
 * instant: its date (transactions.at, business_chats.first_contact_at,
 * groups.joined_at) is not after it; an undated item always existed. */
bool decision_item_exists(const dyd_decision *d, const char *field, size_t i);

/* What a terms update changed for the account: the decision as of just
 * before the update took effect against this one, both made by
 * dyd_evaluate. The update is the policy's latest terms version, when it
 * has more than one. */
typedef enum {
	CHANGE_NONE,		 /* the policy has no update to compare */
	CHANGE_NOT_YET,		 /* the update is not in effect at the as-of */
	CHANGE_REGISTERED_AFTER, /* no account before the update took effect */
	CHANGE_COMPARED,
} change_state;

/* One category whose sharing differs between the two instants. */
typedef struct change_category {
	size_t category; /* index into the policy's categories */
	size_t *gained;	 /* purposes shared now and not before */
	size_t gained_count;
	size_t *lost; /* purposes shared before and not now */
	size_t lost_count;
} change_category;

typedef struct decision_change {
	change_state state;
	size_t terms;	     /* the update: policy terms index, or NO_INDEX */
	dyd_time before;     /* the instant compared with: just before it */
	dyd_decision *prior; /* the decision at before, when compared */
	change_category *changed; /* policy order */
	size_t changed_count;
	/* Categories shared for the same purposes at both instants. */
	size_t *same;
	size_t same_count;
	bool optout_same; /* the opt-out status and reason did not change */
} decision_change;

/* Compares d with the decision of its record and policy just before the
 * policy's update took effect. 0, or DYD_ENOMEM; *out is filled in even
 * when there is nothing to compare (its state says why). */
int decision_change_init(decision_change *out, const dyd_decision *d);
void decision_change_release(decision_change *change);

struct cJSON;
/* The decision object, for embedding in report.json; NULL on ENOMEM. */
struct cJSON *decision_to_cjson(const dyd_decision *d);

#endif
