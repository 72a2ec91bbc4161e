/* SPDX-License-Identifier: MIT */
/* The bundle's documents, rendered from the report view. Renderers only
 * present what the view and the decision say; they decide nothing. */
#ifndef DYD_REPORT_H
#define DYD_REPORT_H

#include "report_view.h"

/* A renderer of one entry of the bundle: *out (freed by the caller with
 * free()) and its length; 0 or DYD_ENOMEM. */
typedef int (*report_render_fn)(char **out, size_t *len, const report_view *v);

/* report.json: metadata, the account data normalised (timestamps in UTC,
 * unknown fields left out: v->omitted lists them), the decision and what
 * the latest terms update changed. */
int report_json_render(char **out, size_t *len, const report_view *v);

/* report.html: one self-contained page for people. */
int report_html_render(char **out, size_t *len, const report_view *v);

#endif
