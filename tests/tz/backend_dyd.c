/* SPDX-License-Identifier: MIT */
/* tzdiff's backend: dyd's own time zones (lib/tz.c). */
#include "backend.h"
#include "tz.h"

#include <stdio.h>
#include <string.h>

const char backend_name[] = "dyd";

void *backend_load(const char *name, char *err, size_t errlen)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	tz *zone = NULL;

	if (tz_load(&zone, name, &diags) != 0)
		snprintf(err, errlen, "%s",
			 diags.count ? diags.items[0].message : "failed");
	dyd_diags_release(&diags);
	return zone;
}

void backend_localize(void *zone, int64_t t, struct tzd_local *out)
{
	tz_local l;

	tz_localize(zone, (dyd_time)t * 1000000000, &l);
	out->year = l.year;
	out->month = (int)l.month;
	out->day = (int)l.day;
	out->hour = (int)l.hour;
	out->minute = (int)l.minute;
	out->second = (int)l.second;
	out->offset = l.utc_offset;
	snprintf(out->abbr, sizeof(out->abbr), "%s", l.abbreviation);
}

void backend_free(void *zone)
{
	tz_free(zone);
}
