/* SPDX-License-Identifier: MIT */
/* Deciding a group of a batch's commit: for each record, the status of
 * its results line, whether it gets one, and which bundles go into place.
 * Pure: what is on disk is handed in, and nothing is written; the disk
 * step (batch_commit.c) carries the plan out. */
#ifndef DYD_BATCH_PLAN_H
#define DYD_BATCH_PLAN_H

#include "batch_journal.h"
#include "batch_results.h"
#include "stream.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define GROUP_MAX 64

enum outcome {
	OUT_ERROR,    /* the record is bad */
	OUT_NOT_MINE, /* another shard's */
	OUT_BUNDLE,   /* a new bundle in a temporary file */
	OUT_EXISTS,   /* OUTDIR already has a bundle that verifies */
};

/* One record on its way through the batch. */
typedef struct batch_item {
	stream_item in;
	size_t held; /* record text counted in the ring's bytes */
	bool done;
	enum outcome outcome;
	char *account_id;
	char *tmp;    /* OUT_BUNDLE: its name in the batch's tmpdir */
	bool replace; /* the existing bundle failed verification */
	char sha256[SHA256_HEX_SIZE];
	uint64_t bytes;
	char *answer; /* answer_members() of its decision, for its line */
	char *error;
} batch_item;

/* What on disk and in the earlier run bears on one record of a group. */
typedef struct plan_input {
	/* --resume: the earlier run's line for this record, which stands;
	 * NULL when the record is past the earlier run. A line whose
	 * status is NULL could not be read. */
	old_line *old;
	/* OUT_BUNDLE: OUTDIR already has a file by its bundle's name. */
	bool on_disk;
	/* --encrypt: no bundle comes out the same twice (the salt of each
	 * entry is random), so one of the size the line records, made
	 * again or found instead, stands for the line's. */
	bool encrypted;
} plan_input;

enum plan_mismatch {
	PLAN_MATCHES,
	PLAN_OTHER_INPUT,  /* the earlier line is of another record */
	PLAN_OTHER_BUNDLE, /* the bundle differs from the one recorded */
};

typedef struct group_plan {
	const char *status[GROUP_MAX]; /* "ok", "error" or "skipped" */
	bool line[GROUP_MAX];	       /* gets a new results line */
	bool drop[GROUP_MAX];	       /* its temporary bundle goes */
	size_t moving[GROUP_MAX];      /* group indices put into place */
	size_t moving_count;
	/* Where in the results file an earlier line's sha256 is to be made
	 * the one of the bundle that stands for its own now; 0: none. */
	off_t fix_sha256_at[GROUP_MAX];
	enum plan_mismatch mismatch;
	size_t mismatch_at; /* the group index it was found at */
} group_plan;

/*
 * Decides the group of n records whose first has input position first.
 * A duplicate account id (of an earlier record of the group, or a bundle
 * already on disk that the journal does not give to this record) turns
 * the record into a failed one; a failed earlier line gives its error to
 * the record (taken from in[i].old). Returns 0, DYD_EUSAGE when the
 * earlier run does not match (plan->mismatch says how and where), or
 * DYD_ENOMEM.
 */
int batch_plan_group(group_plan *plan, batch_item *const *group, size_t n,
		     uint64_t first, const plan_input *in,
		     const batch_journal *journal);

/* Makes the item a failed one: its account id already has a bundle.
 * DYD_ENOMEM when the message could not be made. */
int batch_set_duplicate(batch_item *it);

#endif
