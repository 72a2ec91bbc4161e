/* SPDX-License-Identifier: MIT */
/* Time zones: a reader for TZif files (RFC 8536), version 2 and later,
 * with the POSIX TZ rule of the file's footer for instants after the last
 * transition, and fixed UTC offsets.
 *
 * Hand-written rather than a library because none of the candidates on
 * Debian 12 agreed with the C library on the system's own files: GLib
 * 2.74's GTimeZone gets Europe/Dublin's negative DST wrong in its footer
 * (every date since 1996 with slim files), ICU 72 carries its own tz data
 * (2022e: DST in Mexico City in 2023) and CLDR names instead of the zone
 * abbreviations, and libical gives no abbreviation per instant. The
 * footer rule is computed as glibc computes it (tzset.c): the year is the
 * UTC year of the instant, so tests/tz/tzdiff agrees with localtime_r. */
#include "tz.h"
#include "diag.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZ_MAX_FILE (256 * 1024)
#define NS INT64_C(1000000000)
#define ACCEPTED                                                               \
	"an IANA name such as 'Asia/Jakarta', 'UTC', or an offset from "       \
	"UTC such as '+07:00' or '-03:30'"

struct tz_type {
	int32_t offset;
	bool dst;
	char abbreviation[16];
};

/* A date of a POSIX TZ rule: Jn (1..365, February 29 never counted), n
 * (0..365) or Mm.w.d (day d of week w of month m, week 5 the last), and
 * the local time of the change, in seconds after midnight. */
struct tz_date {
	char kind; /* 'J', 'n', 'M' */
	int month, week, day;
	int32_t time;
};

struct tz_rule {
	struct tz_type std, dst;
	bool has_dst;
	struct tz_date start, end; /* of DST */
};

struct tz {
	char name[128];
	size_t transition_count;
	int64_t *transitions; /* seconds, ascending */
	unsigned char *transition_types;
	size_t type_count;
	struct tz_type *types;
	bool has_rule; /* the footer's rule, after the last transition */
	struct tz_rule rule;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Names come from the command line and become a path under the zoneinfo
 * directory: no absolute paths, no "..", no characters that tz names do
 * not use. */
static bool name_is_safe(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len >= 100 || name[0] == '/' || strstr(name, ".."))
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];
		if (!(is_alpha(c) || is_digit(c) || c == '/' || c == '_' ||
		      c == '-' || c == '+'))
			return false;
	}
	return true;
}

/* [+-]hh[:mm[:ss]] with hh up to max_hours, as seconds. */
static const char *parse_hms(const char *p, int max_hours, int32_t *out)
{
	int sign = 1, part[3] = {0, 0, 0}, i;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	for (i = 0; i < 3; i++) {
		if (i > 0 && *p != ':')
			break;
		if (i > 0)
			p++;
		if (!is_digit(*p))
			return NULL;
		part[i] = *p++ - '0';
		if (is_digit(*p))
			part[i] = part[i] * 10 + (*p++ - '0');
		if (i == 0 && is_digit(*p))
			part[i] = part[i] * 10 + (*p++ - '0');
	}
	if (part[0] > max_hours || part[1] > 59 || part[2] > 59)
		return NULL;
	*out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	return p;
}

/* A zone abbreviation: three or more letters, or <...> of letters,
 * digits, '+' and '-'. */
static const char *parse_abbreviation(const char *p, char *out, size_t size)
{
	const char *start = p, *end;

	if (*p == '<') {
		start = ++p;
		while (is_alpha(*p) || is_digit(*p) || *p == '+' || *p == '-')
			p++;
		if (*p != '>')
			return NULL;
		end = p++;
	} else {
		while (is_alpha(*p))
			p++;
		end = p;
	}
	if (end - start < 3 || (size_t)(end - start) >= size)
		return NULL;
	memcpy(out, start, (size_t)(end - start));
	out[end - start] = '\0';
	return p;
}

static const char *parse_date(const char *p, struct tz_date *d)
{
	int32_t n = 0;

	d->time = 2 * 3600;
	if (*p == 'M') {
		d->kind = 'M';
		if (sscanf(p + 1, "%2d.%1d.%1d", &d->month, &d->week,
			   &d->day) != 3 ||
		    d->month < 1 || d->month > 12 || d->week < 1 ||
		    d->week > 5 || d->day < 0 || d->day > 6)
			return NULL;
		p++;
		while (is_digit(*p) || *p == '.')
			p++;
	} else {
		d->kind = *p == 'J' ? 'J' : 'n';
		if (*p == 'J')
			p++;
		if (!is_digit(*p))
			return NULL;
		while (is_digit(*p) && n < 1000)
			n = n * 10 + (*p++ - '0');
		if (n > 365 || (d->kind == 'J' && n < 1))
			return NULL;
		d->day = (int)n;
	}
	/* RFC 8536 extends the time of a change to -167..167 hours. */
	if (*p == '/')
		p = parse_hms(p + 1, 167, &d->time);
	return p;
}

/* The footer's TZ string, such as "CET-1CEST,M3.5.0,M10.5.0/3". An empty
 * one leaves the last type in force after the last transition. */
static int parse_rule(struct tz_rule *r, const char *s, bool *has_rule)
{
	const char *p = s;
	int32_t off;

	*has_rule = false;
	if (*p == '\0')
		return 0;
	memset(r, 0, sizeof(*r));
	p = parse_abbreviation(p, r->std.abbreviation,
			       sizeof(r->std.abbreviation));
	if (!p || !(p = parse_hms(p, 24, &off)))
		return DYD_EINVALID;
	r->std.offset = -off; /* POSIX counts hours west of UTC */
	if (*p) {
		p = parse_abbreviation(p, r->dst.abbreviation,
				       sizeof(r->dst.abbreviation));
		if (!p)
			return DYD_EINVALID;
		r->dst.offset = r->std.offset + 3600;
		r->dst.dst = r->has_dst = true;
		if (*p && *p != ',') {
			if (!(p = parse_hms(p, 24, &off)))
				return DYD_EINVALID;
			r->dst.offset = -off;
		}
		/* zic always writes the dates; without them, glibc would
		 * take the rules of another file (posixrules). */
		if (*p++ != ',' || !(p = parse_date(p, &r->start)) ||
		    *p++ != ',' || !(p = parse_date(p, &r->end)))
			return DYD_EINVALID;
	}
	if (*p)
		return DYD_EINVALID;
	*has_rule = true;
	return 0;
}

/* The day (since the epoch) a rule date falls on in a year. */
static int64_t rule_day(const struct tz_date *d, int year)
{
	static const unsigned short first[12] = {0,   31,  59,	90,  120, 151,
						 181, 212, 243, 273, 304, 334};
	static const unsigned char length[12] = {31, 28, 31, 30, 31, 30,
						 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	int64_t jan1 = time_days_from_civil(year, 1, 1), day;
	int mlen;

	if (d->kind == 'J')
		return jan1 + d->day - 1 + (leap && d->day >= 60);
	if (d->kind == 'n')
		return jan1 + d->day;
	day = jan1 + first[d->month - 1] + (leap && d->month > 2);
	mlen = length[d->month - 1] + (leap && d->month == 2);
	/* 1970-01-01 was a Thursday (4); days before it are negative. */
	day += ((d->day - (day + 4) % 7) % 7 + 14) % 7;
	day += 7 * (d->week - 1);
	while (day >=
	       jan1 + first[d->month - 1] + (leap && d->month > 2) + mlen)
		day -= 7;
	return day;
}

/* The type of an instant under the footer's rule. As glibc does, the
 * changes are those of the UTC year of the instant; DST starts at a time
 * of standard time and ends at a time of DST. */
static const struct tz_type *rule_type(const struct tz_rule *r, dyd_time t,
				       int64_t secs)
{
	tz_local utc;
	int64_t start, end;
	bool dst;

	if (!r->has_dst)
		return &r->std;
	time_civil(t, &utc);
	start = rule_day(&r->start, utc.year) * 86400 + r->start.time -
		r->std.offset;
	end = rule_day(&r->end, utc.year) * 86400 + r->end.time - r->dst.offset;
	if (start > end)
		dst = secs < end || secs >= start;
	else
		dst = secs >= start && secs < end;
	return dst ? &r->dst : &r->std;
}

struct tzif_counts {
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static void read_counts(const unsigned char *h, struct tzif_counts *c)
{
	c->isutcnt = be32(h + 20), c->isstdcnt = be32(h + 24);
	c->leapcnt = be32(h + 28), c->timecnt = be32(h + 32);
	c->typecnt = be32(h + 36), c->charcnt = be32(h + 40);
}

static int read_types(tz *z, const unsigned char *d, uint32_t typecnt,
		      uint32_t charcnt)
{
	uint32_t i;

	z->types = calloc(typecnt, sizeof(*z->types));
	if (!z->types)
		return DYD_ENOMEM;
	for (i = 0; i < typecnt; i++) {
		const unsigned char *t = d + i * 6;
		unsigned idx = t[5];
		z->types[i].offset = (int32_t)be32(t);
		z->types[i].dst = t[4] != 0;
		if (idx < charcnt) {
			const char *abbr = (const char *)d + typecnt * 6 + idx;
			size_t n = strnlen(abbr, charcnt - idx);
			if (n >= sizeof(z->types[i].abbreviation))
				n = sizeof(z->types[i].abbreviation) - 1;
			memcpy(z->types[i].abbreviation, abbr, n);
		}
	}
	z->type_count = typecnt;
	return 0;
}

/* Parses the 64-bit data block of a TZif file and its footer. Returns 0,
 * DYD_ENOMEM, or DYD_EINVALID with why in *why. */
static int parse_tzif(tz *z, const unsigned char *d, size_t len,
		      const char **why)
{
	struct tzif_counts c;
	size_t off, need, i;
	const char *footer, *nl;
	char rule[128];
	int rc;

	*why = "it is not a TZif file";
	if (len < 44 || memcmp(d, "TZif", 4) != 0)
		return DYD_EINVALID;
	*why = "it is a version 1 TZif file, without 64-bit data";
	if (d[4] < '2')
		return DYD_EINVALID;
	read_counts(d, &c);
	off = 44 + (size_t)c.timecnt * 5 + (size_t)c.typecnt * 6 + c.charcnt +
	      (size_t)c.leapcnt * 8 + c.isstdcnt + c.isutcnt;
	*why = "the TZif file is damaged";
	if (off > len || len - off < 44 || memcmp(d + off, "TZif", 4) != 0)
		return DYD_EINVALID;
	read_counts(d + off, &c);
	off += 44;
	need = (size_t)c.timecnt * 9 + (size_t)c.typecnt * 6 + c.charcnt +
	       (size_t)c.leapcnt * 12 + c.isstdcnt + c.isutcnt;
	if (c.typecnt == 0 || c.typecnt > 256 || c.timecnt > 100000 ||
	    c.charcnt > 256 || c.leapcnt > 1000 || c.isstdcnt > 256 ||
	    c.isutcnt > 256 || need > len - off)
		return DYD_EINVALID;
	/* Such files ("right/...") time a clock that counts leap seconds;
	 * dyd's instants are UTC as POSIX counts it, without them. */
	*why = "it counts leap seconds, and dyd's times do not";
	if (c.leapcnt)
		return DYD_EINVALID;
	z->transitions = calloc(c.timecnt ? c.timecnt : 1, sizeof(int64_t));
	z->transition_types = calloc(c.timecnt ? c.timecnt : 1, 1);
	if (!z->transitions || !z->transition_types)
		return DYD_ENOMEM;
	*why = "the TZif file is damaged";
	for (i = 0; i < c.timecnt; i++) {
		z->transitions[i] = be64(d + off + i * 8);
		if (i > 0 && z->transitions[i] <= z->transitions[i - 1])
			return DYD_EINVALID;
		if (d[off + c.timecnt * 8 + i] >= c.typecnt)
			return DYD_EINVALID;
		z->transition_types[i] = d[off + c.timecnt * 8 + i];
	}
	z->transition_count = c.timecnt;
	rc = read_types(z, d + off + (size_t)c.timecnt * 9, c.typecnt,
			c.charcnt);
	if (rc)
		return rc;
	off += need;
	/* The footer: "\nTZ string\n". */
	*why = "the TZif file has no footer";
	footer = (const char *)d + off;
	if (off >= len || *footer != '\n')
		return DYD_EINVALID;
	nl = memchr(footer + 1, '\n', len - off - 1);
	*why = "the rule in the TZif file's footer is not a POSIX TZ string "
	       "dyd reads";
	if (!nl || (size_t)(nl - footer - 1) >= sizeof(rule))
		return DYD_EINVALID;
	memcpy(rule, footer + 1, (size_t)(nl - footer - 1));
	rule[nl - footer - 1] = '\0';
	return parse_rule(&z->rule, rule, &z->has_rule);
}

/* "+07:00", "+0700", "+07": a fixed offset from UTC, named and shown as
 * "+07:00". Returns 1 when name is one, 0 when it does not look like one,
 * DYD_EINVALID when it looks like one but is not, DYD_ENOMEM. */
static int fixed_offset(tz *z, const char *name)
{
	size_t len = strlen(name);
	char text[8];
	int32_t off;
	unsigned hh, mm;
	const char *end;

	if ((name[0] != '+' && name[0] != '-') || !is_digit(name[1]))
		return 0;
	if (len == 5 && strspn(name + 1, "0123456789") == 4)
		snprintf(text, sizeof(text), "%.3s:%.2s", name, name + 3);
	else if ((len == 3 && is_digit(name[2])) ||
		 (len == 6 && is_digit(name[2]) && name[3] == ':'))
		snprintf(text, sizeof(text), "%s", name);
	else
		return DYD_EINVALID;
	end = parse_hms(text, 23, &off);
	if (!end || *end)
		return DYD_EINVALID;
	hh = (unsigned)(off < 0 ? -off : off) / 3600;
	mm = (unsigned)(off < 0 ? -off : off) / 60 % 60;
	z->types = calloc(1, sizeof(*z->types));
	if (!z->types)
		return DYD_ENOMEM;
	z->type_count = 1;
	z->types[0].offset = off;
	snprintf(z->types[0].abbreviation, sizeof(z->types[0].abbreviation),
		 "%c%02u:%02u", off < 0 ? '-' : '+', hh, mm);
	snprintf(z->name, sizeof(z->name), "%s", z->types[0].abbreviation);
	return 1;
}

static int load_file(tz *z, const char *name, dyd_diags *diags)
{
	const char *dir = getenv("TZDIR"), *why;
	char path[512];
	unsigned char *data = NULL;
	size_t len = 0;
	FILE *f;
	int rc = DYD_EINVALID;

	snprintf(path, sizeof(path), "%s/%s",
		 dir && *dir ? dir : "/usr/share/zoneinfo", name);
	f = fopen(path, "rb");
	if (!f) {
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "unknown time zone '%s' (no zone file %s): give "
			 "" ACCEPTED,
			 name, path);
		return DYD_EINVALID;
	}
	data = malloc(TZ_MAX_FILE);
	if (!data) {
		fclose(f);
		return DYD_ENOMEM;
	}
	len = fread(data, 1, TZ_MAX_FILE, f);
	fclose(f);
	why = "it is too big for a TZif file";
	if (len < TZ_MAX_FILE)
		rc = parse_tzif(z, data, len, &why);
	free(data);
	if (rc == DYD_EINVALID) {
		bool right = strncmp(name, "right/", 6) == 0;
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "'%s' is not a time zone dyd can use: %s (%s)%s%s%s",
			 name, why, path, right ? "; use '" : "",
			 right ? name + 6 : "", right ? "'" : "");
		rc = DYD_EINVALID;
	}
	return rc;
}

int tz_load(tz **out, const char *name, dyd_diags *diags)
{
	tz *z;
	int rc = 0;

	*out = NULL;
	z = calloc(1, sizeof(*z));
	if (!z)
		return DYD_ENOMEM;
	snprintf(z->name, sizeof(z->name), "%s", name);
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0 ||
	    strcmp(name, "Z") == 0) {
		/* Built in, for systems without a zoneinfo database. */
		z->types = calloc(1, sizeof(*z->types));
		if (!z->types) {
			rc = DYD_ENOMEM;
			goto out;
		}
		strcpy(z->types[0].abbreviation, "UTC");
		if (strcmp(name, "Z") == 0)
			strcpy(z->name, "UTC");
		z->type_count = 1;
		goto out;
	}
	rc = fixed_offset(z, name);
	if (rc == 1) {
		rc = 0;
		goto out;
	}
	if (rc == DYD_EINVALID)
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "'%s' is not a time zone: an offset from UTC is "
			 "written '+07:00', '+0700' or '+07', from -23:59 "
			 "to +23:59",
			 name);
	if (rc)
		goto out;
	if (!name_is_safe(name)) {
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "'%s' is not a time zone: give " ACCEPTED, name);
		rc = DYD_EINVALID;
		goto out;
	}
	rc = load_file(z, name, diags);
out:
	if (rc) {
		tz_free(z);
		return rc;
	}
	*out = z;
	return 0;
}

void tz_free(tz *z)
{
	if (!z)
		return;
	free(z->transitions);
	free(z->transition_types);
	free(z->types);
	free(z);
}

const char *tz_name(const tz *z)
{
	return z->name;
}

void tz_localize(const tz *z, dyd_time t, tz_local *out)
{
	int64_t secs = t / NS - (t % NS < 0);
	const struct tz_type *type = &z->types[0];
	size_t lo = 0, hi = z->transition_count;

	if (z->has_rule && (hi == 0 || secs >= z->transitions[hi - 1])) {
		type = rule_type(&z->rule, t, secs);
	} else {
		/* The last transition at or before secs; before the first,
		 * type 0 (RFC 8536, 3.2). */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (z->transitions[mid] <= secs)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo > 0)
			type = &z->types[z->transition_types[lo - 1]];
	}
	time_civil(t + (dyd_time)type->offset * NS, out);
	out->utc_offset = type->offset;
	out->abbreviation = type->abbreviation;
}

/* "YYYY-MM-DD" into buf; snprintf for years outside 0000-9999 only.
 * Reports format thousands of times, and printf showed in the profile. */
static char *put_date(char *buf, const tz_local *l)
{
	char *p = buf;

	if (l->year < 0 || l->year > 9999 || l->month > 99 || l->day > 99)
		return buf + snprintf(buf, TZ_FORMAT_BUFSIZE, "%04d-%02u-%02u",
				      l->year, l->month, l->day);
	p = format_digits(p, (unsigned long)l->year, 4);
	*p++ = '-';
	p = format_digits(p, l->month, 2);
	*p++ = '-';
	return format_digits(p, l->day, 2);
}

void tz_civil_date(const tz_local *l, char *buf)
{
	*put_date(buf, l) = '\0';
}

void tz_format(const tz *z, dyd_time t, char *buf)
{
	tz_local l;
	char *p;
	size_t n;

	tz_localize(z, t, &l);
	p = put_date(buf, &l);
	*p++ = ' ';
	p = format_digits(p, l.hour, 2);
	*p++ = ':';
	p = format_digits(p, l.minute, 2);
	if (l.second) {
		*p++ = ':';
		p = format_digits(p, l.second, 2);
	}
	*p++ = ' ';
	n = strlen(l.abbreviation);
	if (n > (size_t)(buf + TZ_FORMAT_BUFSIZE - 1 - p))
		n = (size_t)(buf + TZ_FORMAT_BUFSIZE - 1 - p);
	memcpy(p, l.abbreviation, n);
	p[n] = '\0';
}

void tz_format_date(const tz *z, dyd_time t, char *buf)
{
	tz_local l;

	tz_localize(z, t, &l);
	tz_civil_date(&l, buf);
}

int dyd_tz_check(const char *name, dyd_diags *diags)
{
	tz *zone = NULL;
	int rc = tz_load(&zone, name, diags);

	tz_free(zone);
	return rc;
}
