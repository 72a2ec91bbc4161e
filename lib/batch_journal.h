/* SPDX-License-Identifier: MIT */
/* The journal of a batch: before a group's bundles are renamed into
 * place, which records are about to get which bundle. After a crash it
 * tells a bundle of the group being committed (renamed, but not yet in
 * the results) from a duplicate account id. */
#ifndef DYD_BATCH_JOURNAL_H
#define DYD_BATCH_JOURNAL_H

#include "digest.h"
#include "dyd.h"

#include <stddef.h>
#include <stdint.h>

typedef struct journal_entry {
	uint64_t seq; /* the record's place in the input, from 0 */
	char *account_id;
	char sha256[SHA256_HEX_SIZE];
} journal_entry;

typedef struct batch_journal {
	journal_entry *entries;
	size_t count;
} batch_journal;

/* Replaces the journal file name in dirfd with the n entries, flushed to
 * disk: 0, DYD_ENOMEM or DYD_EIO (errno set, and *why as output.h says). */
int journal_write(int dirfd, const char *name, const journal_entry *entries,
		  size_t n, const char **why);

/* Reads the journal file name in dirfd into j; a missing file is an empty
 * journal, and lines that do not read (a torn last one) are left out.
 * DYD_EIO, with a diagnostic, when name is there but is no file to read
 * (a symbolic link, a FIFO); DYD_ENOMEM. */
int journal_read(int dirfd, const char *name, batch_journal *j,
		 dyd_diags *diags);

/* The entry for seq, or NULL. */
const journal_entry *journal_find(const batch_journal *j, uint64_t seq);

void journal_release(batch_journal *j);

#endif
