/* Time zones by IANA name, for showing instants to people. Each zone is an
 * object of its own, so reports for different zones can be rendered at
 * once on several threads: the C library's localtime() reads one
 * process-wide TZ and cannot do that. */
#ifndef DYD_TZ_H
#define DYD_TZ_H

#include "dyd.h"

typedef struct tz tz;

/* Loads "UTC" (built in) or a zone from the system zoneinfo database
 * ($TZDIR or /usr/share/zoneinfo). */
int tz_load(tz **out, const char *name, dyd_diags *diags);
void tz_free(tz *zone);
const char *tz_name(const tz *zone);

typedef struct tz_local {
	int year;
	unsigned month, day, hour, minute, second;
	int32_t utc_offset;	  /* seconds east of UTC */
	const char *abbreviation; /* "WIB", "CET", "+07": borrowed */
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

#endif
