/* A reader for TZif files (RFC 8536), version 2 and later data blocks.
 * Instants after the last transition take the last local time type; the
 * database files Debian ships list transitions up to 2037, well past any
 * report date this tool produces. */
#include "tz.h"
#include "diag.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZ_MAX_FILE (256 * 1024)

struct tz_type {
	int32_t offset;
	char abbreviation[16];
};

struct tz {
	char name[128];
	size_t transition_count;
	int64_t *transitions; /* seconds, ascending */
	unsigned char *transition_types;
	size_t type_count;
	struct tz_type *types;
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

static bool name_is_safe(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len >= 100 || name[0] == '/' || strstr(name, ".."))
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '/' || c == '_' ||
		      c == '-' || c == '+'))
			return false;
	}
	return true;
}

/* Parses the 64-bit data block of a TZif file. */
static int parse_tzif(tz *z, const unsigned char *d, size_t len)
{
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
	size_t off, need, i;

	if (len < 44 || memcmp(d, "TZif", 4) != 0 || d[4] < '2')
		return -1;
	/* Skip the version 1 block. */
	isutcnt = be32(d + 20), isstdcnt = be32(d + 24), leapcnt = be32(d + 28);
	timecnt = be32(d + 32), typecnt = be32(d + 36), charcnt = be32(d + 40);
	off = 44 + (size_t)timecnt * 5 + (size_t)typecnt * 6 + charcnt +
	      (size_t)leapcnt * 8 + isstdcnt + isutcnt;
	if (off + 44 > len || memcmp(d + off, "TZif", 4) != 0)
		return -1;
	isutcnt = be32(d + off + 20), isstdcnt = be32(d + off + 24);
	leapcnt = be32(d + off + 28), timecnt = be32(d + off + 32);
	typecnt = be32(d + off + 36), charcnt = be32(d + off + 40);
	off += 44;
	need = (size_t)timecnt * 9 + (size_t)typecnt * 6 + charcnt;
	if (typecnt == 0 || typecnt > 256 || timecnt > 100000 ||
	    need > len - off)
		return -1;
	z->transitions = calloc(timecnt ? timecnt : 1, sizeof(int64_t));
	z->transition_types = calloc(timecnt ? timecnt : 1, 1);
	z->types = calloc(typecnt, sizeof(*z->types));
	if (!z->transitions || !z->transition_types || !z->types)
		return DYD_ENOMEM;
	for (i = 0; i < timecnt; i++)
		z->transitions[i] = be64(d + off + i * 8);
	off += (size_t)timecnt * 8;
	for (i = 0; i < timecnt; i++) {
		if (d[off + i] >= typecnt)
			return -1;
		z->transition_types[i] = d[off + i];
	}
	off += timecnt;
	for (i = 0; i < typecnt; i++) {
		const unsigned char *t = d + off + i * 6;
		unsigned idx = t[5];
		z->types[i].offset = (int32_t)be32(t);
		if (idx < charcnt) {
			const char *abbr =
			    (const char *)d + off + typecnt * 6 + idx;
			size_t n = strnlen(abbr, charcnt - idx);
			if (n >= sizeof(z->types[i].abbreviation))
				n = sizeof(z->types[i].abbreviation) - 1;
			memcpy(z->types[i].abbreviation, abbr, n);
		}
	}
	z->transition_count = timecnt;
	z->type_count = typecnt;
	(void)isutcnt, (void)isstdcnt, (void)leapcnt;
	return 0;
}

int tz_load(tz **out, const char *name, dyd_diags *diags)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	unsigned char *data = NULL;
	size_t len = 0;
	FILE *f = NULL;
	tz *z;
	int rc;

	*out = NULL;
	z = calloc(1, sizeof(*z));
	if (!z)
		return DYD_ENOMEM;
	snprintf(z->name, sizeof(z->name), "%s", name);
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0) {
		z->types = calloc(1, sizeof(*z->types));
		if (!z->types) {
			free(z);
			return DYD_ENOMEM;
		}
		strcpy(z->types[0].abbreviation, "UTC");
		z->type_count = 1;
		*out = z;
		return 0;
	}
	rc = DYD_EINVALID;
	if (!name_is_safe(name)) {
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "'%s' is not a time zone name (such as "
			 "'Asia/Jakarta' or 'UTC')",
			 name);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s",
		 dir && *dir ? dir : "/usr/share/zoneinfo", name);
	f = fopen(path, "rb");
	data = malloc(TZ_MAX_FILE);
	if (!data) {
		rc = DYD_ENOMEM;
		goto out;
	}
	if (f)
		len = fread(data, 1, TZ_MAX_FILE, f);
	if (!f || len == 0 || len == TZ_MAX_FILE) {
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "unknown time zone '%s' (no zone file %s)", name,
			 path);
		goto out;
	}
	rc = parse_tzif(z, data, len);
	if (rc == -1) {
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "time zone file %s is not a TZif file", path);
		rc = DYD_EINVALID;
	}
out:
	if (f)
		fclose(f);
	free(data);
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
	int64_t secs = t / 1000000000 - (t % 1000000000 < 0);
	const struct tz_type *type = &z->types[0];
	size_t lo = 0, hi = z->transition_count;

	/* The last transition at or before secs. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->transitions[mid] <= secs)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0)
		type = &z->types[z->transition_types[lo - 1]];
	else if (z->transition_count)
		type = &z->types[0];
	time_civil(t + (dyd_time)type->offset * 1000000000, out);
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
