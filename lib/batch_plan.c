/* SPDX-License-Identifier: MIT */
/* The commit's decisions, apart from the disk so that they can be tested
 * on their own: the same inputs always give the same plan. */
#include "batch_plan.h"
#include "dyd.h"

#include <stdlib.h>
#include <string.h>

int batch_set_duplicate(batch_item *it)
{
	strbuf sb = STRBUF_INIT;

	strbuf_printf(&sb,
		      "%s: duplicate account id '%s': its bundle was already "
		      "written for an earlier record",
		      it->in.where, it->account_id);
	free(it->error);
	it->error = strbuf_detach(&sb);
	it->outcome = OUT_ERROR;
	return it->error ? 0 : DYD_ENOMEM;
}

/* Whether the record's bundle, made now or found in OUTDIR, is the one
 * the earlier line records: the same bytes, or with --encrypt, the same
 * size (then the line is to get its sha256). */
static bool same_bundle(group_plan *plan, size_t i, const batch_item *it,
			const plan_input *in)
{
	const old_line *old = in->old;

	if (!old->sha256)
		return false;
	if (strcmp(old->sha256, it->sha256) == 0)
		return true;
	if (!in->encrypted || !old->sha256_at || old->bytes != it->bytes)
		return false;
	plan->fix_sha256_at[i] = old->at + (off_t)old->sha256_at;
	return true;
}

/* A record of the earlier run: its line stands, and says what the record
 * must be now. */
static int replay(group_plan *plan, size_t i, batch_item *it,
		  const plan_input *in)
{
	old_line *old = in->old;

	plan->status[i] = "error";
	if (!old->status || strcmp(old->source, it->in.where) != 0 ||
	    (old->account_id && it->account_id &&
	     strcmp(old->account_id, it->account_id) != 0)) {
		plan->mismatch = PLAN_OTHER_INPUT;
		return DYD_EUSAGE;
	}
	if (strcmp(old->status, "ok") != 0) {
		/* Failed then: it fails the same way now. */
		free(it->error);
		it->error = old->error;
		old->error = NULL;
	} else if ((it->outcome == OUT_EXISTS || it->outcome == OUT_BUNDLE) &&
		   same_bundle(plan, i, it, in)) {
		plan->status[i] = "skipped";
		/* Lost or damaged since: made again. */
		if (it->outcome == OUT_BUNDLE)
			plan->moving[plan->moving_count++] = i;
	} else {
		plan->mismatch = PLAN_OTHER_BUNDLE;
		return DYD_EUSAGE;
	}
	return 0;
}

/* Whether an earlier record of the group puts a bundle of this id. */
static bool moving_already(const group_plan *plan, batch_item *const *group,
			   const char *id)
{
	size_t k;

	for (k = 0; k < plan->moving_count; k++)
		if (strcmp(group[plan->moving[k]]->account_id, id) == 0)
			return true;
	return false;
}

int batch_plan_group(group_plan *plan, batch_item *const *group, size_t n,
		     uint64_t first, const plan_input *in,
		     const batch_journal *journal)
{
	size_t i;
	int rc;

	memset(plan, 0, sizeof(*plan));
	for (i = 0; i < n; i++) {
		batch_item *it = group[i];
		plan->status[i] = "error";
		if (it->outcome == OUT_NOT_MINE)
			continue;
		if (in[i].old) {
			rc = replay(plan, i, it, &in[i]);
			if (rc) {
				plan->mismatch_at = i;
				return rc;
			}
			continue;
		}
		plan->line[i] = true;
		if (it->outcome == OUT_ERROR)
			continue;
		if (it->outcome == OUT_EXISTS) {
			const journal_entry *j =
			    journal_find(journal, first + i);
			if (j && strcmp(j->account_id, it->account_id) == 0 &&
			    strcmp(j->sha256, it->sha256) == 0) {
				plan->status[i] =
				    "ok"; /* renamed before a crash */
				continue;
			}
			if (batch_set_duplicate(it))
				return DYD_ENOMEM;
			continue;
		}
		/* OUT_BUNDLE: a duplicate of an earlier record in this group
		 * or of one committed before (the worker may have looked
		 * before that commit). A bundle there that failed
		 * verification is replaced only when the journal says it is
		 * this record's. */
		if (moving_already(plan, group, it->account_id) ||
		    (in[i].on_disk &&
		     !(it->replace && journal_find(journal, first + i)))) {
			plan->drop[i] = true;
			if (batch_set_duplicate(it))
				return DYD_ENOMEM;
			continue;
		}
		plan->status[i] = "ok";
		plan->moving[plan->moving_count++] = i;
	}
	return 0;
}
