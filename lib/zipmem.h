/* SPDX-License-Identifier: MIT */
/* Opening an in-memory ZIP with libzip from any thread. */
#ifndef DYD_ZIPMEM_H
#define DYD_ZIPMEM_H

#include <zip.h>

/* zip_open_from_source(), made safe to call from several threads at once.
 * libzip before 1.9 fills two static variables on its first open without
 * a lock (libzip issue #289): a thread that sees one filled and not the
 * other takes a writable source for a read-only one, and an archive being
 * created fails with "Read-only archive". The first open is done once,
 * here, before any other. */
zip_t *zip_open_memory(zip_source_t *src, int flags, zip_error_t *error);

#endif
