/* SPDX-License-Identifier: MIT */
/* What tzdiff compares with the C library: one time zone implementation,
 * behind three calls, so that the same driver can check dyd's lib/tz.c
 * (backend_dyd.c) or a candidate library. */
#ifndef TZDIFF_BACKEND_H
#define TZDIFF_BACKEND_H

#include <stddef.h>
#include <stdint.h>

struct tzd_local {
	int year, month, day, hour, minute, second;
	int32_t offset; /* seconds east of UTC */
	char abbr[16];
};

/* The zone NAME of the database in $TZDIR, or NULL with a message in err. */
void *backend_load(const char *name, char *err, size_t errlen);
/* The civil time of the POSIX instant t (seconds) in the zone. */
void backend_localize(void *zone, int64_t t, struct tzd_local *out);
void backend_free(void *zone);
extern const char backend_name[];

#endif
