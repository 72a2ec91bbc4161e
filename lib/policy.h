/* SPDX-License-Identifier: MIT */
/* The policy model (dyd.policy/v1). All strings are borrowed from the
 * policy's document arena. */
#ifndef DYD_POLICY_H
#define DYD_POLICY_H

#include "doc.h"
#include "dyd.h"

#define NO_INDEX ((size_t)-1)

/* A string, or a map of language to string. */
typedef struct text {
	size_t count;
	const char **langs;
	const char **values;
} ltext;

/* The best string for lang: exact, else English, else the first; "" when
 * there is none. */
const char *text_get(const ltext *t, const char *lang);

/* A document the policy cites (`sources:`). */
typedef struct policy_source {
	const char *id;
	const char *title;
	const char *publisher;
	const char *date; /* YYYY, YYYY-MM or YYYY-MM-DD, as written */
	const char *url;
	const char *language; /* of the document and its quotes; NULL: "en" */
	ltext note;
	const doc_node *node;
} policy_source;

/* One `source:` item: a document and the few words a claim rests on. */
typedef struct policy_quote {
	size_t source; /* index into the policy's sources */
	const char *quote;
} policy_quote;

/* What one policy element rests on: its `source:` list and its `note`. */
typedef struct policy_cite {
	const char *pointer; /* the element in the policy, as reports name it */
	const doc_node *node; /* the element, for positions in diagnostics */
	policy_quote *quotes;
	size_t count;
	ltext note;
} policy_cite;

/* Who was offered the opt-out (`offered_to`). */
typedef enum {
	OFFERED_EXISTING_USERS, /* accounts registered before the terms */
	OFFERED_ALL_USERS,	/* also accounts registered later */
} optout_audience;

typedef struct policy_optout {
	unsigned window_days;
	size_t *covers; /* purpose indices */
	size_t cover_count;
	optout_audience offered_to;
	bool final;	  /* the first in-window opt-out decides for good */
	bool final_given; /* `final` was written (lint asks for it) */
	policy_cite cite;
} policy_optout;

/* One dated consequence for accounts overdue on a terms version. */
typedef struct policy_effect {
	dyd_time from; /* in force from this instant until the next entry's */
	const char *effect;
	ltext label; /* may be empty: the renderers' wording for effect */
	policy_cite cite;
} policy_effect;

typedef struct policy_terms {
	const char *id;
	ltext title;
	dyd_time effective;
	bool has_deadline;
	dyd_time deadline;
	const char *when_overdue; /* or NULL */
	policy_optout *optout;	  /* or NULL */
	unsigned line;
	/* when_overdue in time order; the string form is one entry from the
	 * deadline. */
	policy_effect *effects;
	size_t effect_count;
	policy_cite cite;
} policy_terms;

typedef struct policy_region {
	const char *id;
	ltext label;
	const char **countries;
	size_t country_count;
	size_t *excludes; /* purpose indices */
	size_t exclude_count;
	policy_cite cite;
} policy_region;

typedef struct policy_purpose {
	const char *id;
	ltext label;
	ltext description;
	const char *taxonomy;
	policy_cite cite;
} policy_purpose;

/* {key: value} filter on the items of an array field. */
typedef struct policy_where {
	size_t count;
	const char **keys;
	const char **values;
} policy_where;

typedef enum { COND_HAS, COND_REGION, COND_ALL, COND_ANY, COND_NOT } cond_kind;

typedef struct policy_cond {
	cond_kind kind;
	const char *field; /* COND_HAS */
	policy_where where;
	size_t region; /* COND_REGION */
	struct policy_cond *children;
	size_t child_count;
	const char *pointer;
	unsigned line;
} policy_cond;

typedef struct policy_rule {
	size_t since; /* terms index */
	size_t *purposes;
	size_t purpose_count;
	policy_cond *when; /* or NULL */
	const char *pointer;
	unsigned line;
	policy_cite cite;
} policy_rule;

typedef struct policy_category {
	const char *id;
	ltext label;
	ltext description;
	const char *taxonomy;
	const char **fields;
	size_t field_count;
	policy_rule *rules;
	size_t rule_count;
	bool never;
	ltext never_reason;
	const char *never_pointer;
	bool has_items;
	const char *items_field;
	policy_where items_where;
	unsigned line;
	policy_cite never_cite; /* what the `never` rests on */
} policy_category;

struct dyd_policy {
	doc *doc;
	char *source;
	size_t source_len;
	char *name;
	char sha256[65];
	const char *id;
	const char *service;
	const char *parent_company;
	policy_terms *terms;
	size_t terms_count;
	policy_region *regions;
	size_t region_count;
	policy_purpose *purposes;
	size_t purpose_count;
	policy_category *categories;
	size_t category_count;
	size_t
	    optout_terms; /* index of the terms with an optout, or NO_INDEX */
	policy_source *sources;
	size_t source_count;
};

size_t policy_terms_find(const dyd_policy *p, const char *id, size_t len);
size_t policy_purpose_find(const dyd_policy *p, const char *id);

#endif
