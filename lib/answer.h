/* SPDX-License-Identifier: MIT */
/* The answer of a decision in a few words of JSON: what a script that
 * reports on many accounts needs of each, without opening its bundle.
 * It is a part of each ok line of a batch's results file (schemas/
 * results.schema.json): the opt-out status and its reason, the purposes
 * withheld and why, the categories shared, and each terms version's
 * status, with the decision's own names and values. */
#ifndef DYD_ANSWER_H
#define DYD_ANSWER_H

#include "evaluate.h"
#include "strbuf.h"

/* Appends the members, without braces, to out:
 *   "optout":{"status":S,"reason":R},"withheld":{PURPOSE:BY,...},
 *   "shared":[CATEGORY,...],"terms":{TERMS_ID:STATUS,...}
 * ("optout":null when the policy offers none). out->failed on ENOMEM. */
void answer_members(strbuf *out, const dyd_decision *d);

#endif
