/* SPDX-License-Identifier: MIT */
/* Rendering a decision into the bundle's documents. Renderers only
 * present what the evaluator decided; they decide nothing. */
#ifndef DYD_REPORT_H
#define DYD_REPORT_H

#include "evaluate.h"
#include "tz.h"

/* Something of the record that the report does not carry, and why. */
typedef struct report_omission {
	char *pointer; /* JSON pointer into the record */
	const char *reason;
} report_omission;

typedef struct report_context {
	const dyd_decision *decision;
	const char *lang; /* "en" or "id" */
	const tz *zone;	  /* for times shown to people */
	report_omission *omitted;
	size_t omitted_count;
} report_context;

/* report.json: metadata, the account data normalised (timestamps in UTC,
 * unknown fields left out), and the decision. What is left out is listed
 * in ctx->omitted, which report.html and the manifest read: render this
 * first. The caller frees *out with free(). */
int report_json_render(char **out, size_t *len, report_context *ctx);

/* report.html: one self-contained page for people. */
int report_html_render(char **out, size_t *len, const report_context *ctx);

void report_context_release(report_context *ctx);

#endif
