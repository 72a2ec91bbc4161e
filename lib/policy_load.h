/* SPDX-License-Identifier: MIT */
/* The policy loader's state and helpers, shared by the modules that read
 * parts of a policy document (policy.c, policy_source.c). Every helper
 * reports with the file, line, column and the JSON pointer in `path`. */
#ifndef DYD_POLICY_LOAD_H
#define DYD_POLICY_LOAD_H

#include "policy.h"
#include "strbuf.h"

struct loader {
	dyd_policy *p;
	struct arena *arena;
	const char *name;
	dyd_diags *diags;
	strbuf path;
	size_t conditions; /* loaded so far, against POLICY_MAX_CONDITIONS */
	size_t item_lists; /* categories with items, POLICY_MAX_ITEM_LISTS */
	bool oom;
};

/* An error at node n (NULL: no position) under the current path. */
void loader_error(struct loader *L, const doc_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends /seg (or /i) to the path; returns what loader_pop restores. */
size_t loader_push(struct loader *L, const char *seg);
size_t loader_push_index(struct loader *L, size_t i);
void loader_pop(struct loader *L, size_t saved);
/* The current path, copied into the policy's arena. */
const char *loader_pointer(struct loader *L);
/* count zeroed elements of size bytes from the arena (NULL for 0). */
void *loader_alloc(struct loader *L, size_t count, size_t size);
/* Reports each member of obj that allowed[] (NULL-terminated) lacks. */
void loader_check_keys(struct loader *L, const doc_node *obj,
		       const char *const *allowed);
/* Whether n has the type, with an error when it has not. */
bool loader_expect(struct loader *L, const doc_node *n, doc_type type);
/* The member key of obj as a non-empty string, or NULL (with an error
 * when required or when it is not one). */
const char *loader_get_text(struct loader *L, const doc_node *obj,
			    const char *key, bool required);
/* A string or a map of language to string. */
void loader_text(struct loader *L, const doc_node *obj, const char *key,
		 bool required, ltext *out);
/* A YYYY-MM-DD date; false (with an error) when absent or not one. */
bool loader_date(struct loader *L, const doc_node *obj, const char *key,
		 bool required, dyd_time *out);
bool loader_is_identifier(const char *s, size_t len);
bool loader_is_language(const char *s, size_t len);

/* The second reading of a policy (policy_source.c): `sources`, every
 * element's `source` and `note`, optout `final` and the dated
 * `when_overdue` lists. Runs after the model is built. */
void policy_cites_load(struct loader *L);

#endif
