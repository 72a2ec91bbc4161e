/* SPDX-License-Identifier: MIT */
/* Time zones by IANA name, for showing instants to people. Each zone is an
 * object of its own, so reports for different zones can be rendered at
 * once on several threads: the C library's localtime() reads one
 * process-wide TZ and cannot do that. */
#ifndef DYD_TZ_H
#define DYD_TZ_H

#include "dyd.h"

typedef struct tz tz;

/* Loads "UTC" or "Z" (built in), a fixed offset ("+07:00", "+0700",
 * "+07", from -23:59 to +23:59; named and shown as "+07:00"), or a zone
 * of the system zoneinfo database ($TZDIR or /usr/share/zoneinfo), a
 * TZif file of version 2 or later whose footer rule carries it past its
 * last transition. Zones that count leap seconds ("right/...") are
 * refused. DYD_EINVALID with a diagnostic naming the zone and what is
 * accepted, or DYD_ENOMEM. The zone is immutable: any number of threads
 * may use it at once. */
int tz_load(tz **out, const char *name, dyd_diags *diags);
void tz_free(tz *zone);
const char *tz_name(const tz *zone);

typedef struct tz_local {
	int year;
	unsigned month, day, hour, minute, second;
	int32_t utc_offset;	  /* seconds east of UTC */
	const char *abbreviation; /* "WIB", "CET", "+07", "+07:00": borrowed */
} tz_local;

void tz_localize(const tz *zone, dyd_time t, tz_local *out);

#define TZ_FORMAT_BUFSIZE 64

/* "2016-09-10 14:00 WIB" (seconds shown when not zero). */
void tz_format(const tz *zone, dyd_time t, char *buf);

/* "2016-09-10" in the zone. */
void tz_format_date(const tz *zone, dyd_time t, char *buf);

/* "2016-09-10" of civil fields, as "%04d-%02u-%02u" writes them. */
void tz_civil_date(const tz_local *l, char *buf);

/* The UTC date and time fields of an instant. */
void time_civil(dyd_time t, tz_local *out);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
