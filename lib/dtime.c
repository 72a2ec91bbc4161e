/* SPDX-License-Identifier: MIT */
/* RFC 3339 instants as nanoseconds since the epoch, computed with plain
 * integer calendar arithmetic so neither TZ nor the C library's time zone
 * tables can change a result. */
#include "dyd.h"
#include "strbuf.h"
#include "tz.h"

#include <stdio.h>
#include <string.h>

#define NS_PER_SEC INT64_C(1000000000)

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static unsigned days_in_month(int y, unsigned m)
{
	static const unsigned days[] = {31, 28, 31, 30, 31, 30,
					31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

static bool digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

int dyd_time_parse(const char *s, size_t len, bool allow_date, dyd_time *out)
{
	unsigned year, month, day, hour = 0, minute = 0, second = 0;
	unsigned oh, om;
	int64_t nanos = 0, offset = 0, days, secs;
	size_t i;

	if (len < 10 || !digits(s, 4, &year) || s[4] != '-' ||
	    !digits(s + 5, 2, &month) || s[7] != '-' || !digits(s + 8, 2, &day))
		return DYD_EINVALID;
	if (year < 1970 || year > 2200 || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month((int)year, month))
		return DYD_EINVALID;
	if (len == 10) {
		if (!allow_date)
			return DYD_EINVALID;
		goto done;
	}
	if (len < 20 || (s[10] != 'T' && s[10] != 't') ||
	    !digits(s + 11, 2, &hour) || s[13] != ':' ||
	    !digits(s + 14, 2, &minute) || s[16] != ':' ||
	    !digits(s + 17, 2, &second))
		return DYD_EINVALID;
	/* A leap second (:60) cannot be placed on this time line. */
	if (hour > 23 || minute > 59 || second > 59)
		return DYD_EINVALID;
	i = 19;
	if (s[i] == '.') {
		int64_t scale = NS_PER_SEC / 10;
		size_t start = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (i - start >= 9)
				return DYD_EINVALID;
			nanos += (s[i] - '0') * scale;
			scale /= 10;
			i++;
		}
		if (i == start)
			return DYD_EINVALID;
	}
	if (i == len - 1 && (s[i] == 'Z' || s[i] == 'z')) {
		offset = 0;
	} else if (i + 6 == len && (s[i] == '+' || s[i] == '-') &&
		   digits(s + i + 1, 2, &oh) && s[i + 3] == ':' &&
		   digits(s + i + 4, 2, &om) && oh <= 23 && om <= 59) {
		offset =
		    ((int64_t)oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
	} else {
		return DYD_EINVALID;
	}
done:
	days = time_days_from_civil(year, month, day);
	secs = days * 86400 + hour * 3600 + minute * 60 + second - offset;
	/* The range holds for the instant, not just the local date. */
	if (secs < 0 || secs >= time_days_from_civil(2201, 1, 1) * 86400)
		return DYD_EINVALID;
	*out = secs * NS_PER_SEC + nanos;
	return 0;
}

/* The civil fields of an instant in UTC, and its nanoseconds. */
static void civil_split(dyd_time t, tz_local *out, int64_t *nanos_out)
{
	int64_t secs = t / NS_PER_SEC, nanos = t % NS_PER_SEC, days, rem;

	if (nanos < 0) {
		nanos += NS_PER_SEC;
		secs--;
	}
	days = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	memset(out, 0, sizeof(*out));
	civil_from_days(days, &out->year, &out->month, &out->day);
	out->hour = (unsigned)(rem / 3600);
	out->minute = (unsigned)(rem / 60 % 60);
	out->second = (unsigned)(rem % 60);
	out->abbreviation = "UTC";
	*nanos_out = nanos;
}

void time_civil(dyd_time t, tz_local *out)
{
	int64_t nanos;

	civil_split(t, out, &nanos);
}

void dyd_time_format(dyd_time t, char *buf)
{
	tz_local c;
	int64_t nanos;
	char *p = buf;

	civil_split(t, &c, &nanos);
	if (c.year < 0 || c.year > 9999) {
		/* Beyond four digits; parse never yields such a year, but
		 * arithmetic on a parsed instant could. */
		p += snprintf(buf, DYD_TIME_BUFSIZE,
			      "%04d-%02u-%02uT%02u:%02u:%02u", c.year, c.month,
			      c.day, c.hour, c.minute, c.second);
	} else {
		/* Digits by hand: this runs for every timestamp of every
		 * report, and snprintf showed in the profile. */
		p = format_digits(p, (unsigned long)c.year, 4);
		*p++ = '-';
		p = format_digits(p, c.month, 2);
		*p++ = '-';
		p = format_digits(p, c.day, 2);
		*p++ = 'T';
		p = format_digits(p, c.hour, 2);
		*p++ = ':';
		p = format_digits(p, c.minute, 2);
		*p++ = ':';
		p = format_digits(p, c.second, 2);
	}
	if (nanos) {
		/* Trailing zeros dropped, as RFC 3339 writers commonly do. */
		int width = 9;
		while (nanos % 10 == 0) {
			nanos /= 10;
			width--;
		}
		*p++ = '.';
		p = format_digits(p, (unsigned long)nanos, width);
	}
	*p++ = 'Z';
	*p = '\0';
}
