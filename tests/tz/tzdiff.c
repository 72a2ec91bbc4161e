/* SPDX-License-Identifier: MIT */
/*
 * Differential test of time zones: for every file of a zoneinfo tree, the
 * C library's localtime_r, run in a child process with TZ set to that
 * zone, against a backend (backend.h; backend_dyd.c is dyd's lib/tz.c),
 * at instants from 1970 to 2200: a scan every day at varying seconds,
 * and each change of offset, DST flag or abbreviation that the scan finds,
 * bisected to the second, with the seconds either side. Offset,
 * abbreviation and civil time must agree at every instant.
 *
 * Files that are not TZif (zone.tab, tzdata.zi, ...) must be refused by
 * the backend. Zones that count leap seconds ("right/...") describe a
 * clock that POSIX time is not; a backend may refuse them, and when it
 * accepts one it is compared at the C library's own time_t for each UTC
 * instant (timegm, which applies the leap seconds in such a zone).
 *
 * Both sides read the same files: point the tree at a copy that nothing
 * updates while the test runs.
 *
 * usage: tzdiff ZONEINFO_DIR [-j JOBS]
 * Exit 0 when nothing differs, 1 when something does, 2 on a usage or
 * system error.
 */
#define _GNU_SOURCE
#include "backend.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STEP 86400
#define FIRST INT64_C(0)	 /* 1970-01-01T00:00:00Z */
#define LAST INT64_C(7289654399) /* 2200-12-31T23:59:59Z */
#define MAX_RECORDS 400000
#define MAX_SHOWN_PER_NAME 3

struct record {
	int64_t t;
	struct tzd_local local;
	bool transition; /* a second either side of a change, or the change */
};

/* What a libc child leaves for its worker, in shared memory. */
struct libc_result {
	int status; /* 0: ok, 1: not TZif, 2: leap-second zone, 3: too many */
	size_t count, transitions;
	struct record records[];
};

struct name {
	char *path;    /* relative to the tree */
	uint64_t hash; /* FNV-1a of the file's bytes */
	off_t size;
	bool tzif;
};

struct totals {
	long names, files, instants, transitions, differences, refused_leap,
	    refused_other, failed;
};

static const char *tree;
static struct name *names;
static size_t name_count, name_cap;

/* The UTC fields of an instant (proleptic Gregorian), written here so
 * that the test does not lean on the code it checks. */
static void utc_fields(int64_t t, struct tm *tm)
{
	int64_t days = t / 86400, rem = t % 86400, z, era, doe, yoe, doy, mp;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	memset(tm, 0, sizeof(*tm));
	tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10);
	tm->tm_year = (int)(yoe + era * 400 + (tm->tm_mon <= 1) - 1900);
	tm->tm_hour = (int)(rem / 3600);
	tm->tm_min = (int)(rem / 60 % 60);
	tm->tm_sec = (int)(rem % 60);
}

/* The libc side of one instant. In a leap-second zone the time_t of a UTC
 * instant is timegm of its UTC fields (glibc's gmtime applies the zone's
 * leap seconds, so timegm inverts it). */
static void libc_local(int64_t t, bool leap, struct tzd_local *out, int *isdst)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (leap) {
		utc_fields(t, &tm);
		tt = timegm(&tm);
	}
	localtime_r(&tt, &tm);
	out->year = tm.tm_year + 1900;
	out->month = tm.tm_mon + 1;
	out->day = tm.tm_mday;
	out->hour = tm.tm_hour;
	out->minute = tm.tm_min;
	out->second = tm.tm_sec;
	out->offset = (int32_t)tm.tm_gmtoff;
	snprintf(out->abbr, sizeof(out->abbr), "%s",
		 tm.tm_zone ? tm.tm_zone : "");
	*isdst = tm.tm_isdst;
}

static bool same_kind(const struct tzd_local *a, int adst,
		      const struct tzd_local *b, int bdst)
{
	return a->offset == b->offset && adst == bdst &&
	       strcmp(a->abbr, b->abbr) == 0;
}

static bool add(struct libc_result *r, int64_t t, bool leap, bool transition)
{
	struct record *rec;
	int isdst;

	if (t < FIRST || t > LAST)
		return true;
	if (r->count == MAX_RECORDS)
		return false;
	rec = &r->records[r->count++];
	rec->t = t;
	rec->transition = transition;
	libc_local(t, leap, &rec->local, &isdst);
	return true;
}

/* The first second in (lo, hi] whose kind differs from lo's. */
static int64_t bisect(int64_t lo, int64_t hi, bool leap)
{
	struct tzd_local a, m;
	int adst, mdst;

	libc_local(lo, leap, &a, &adst);
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		libc_local(mid, leap, &m, &mdst);
		if (same_kind(&a, adst, &m, mdst))
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/* In the child: TZ is the zone; fill r with the scan and its changes, or
 * with whether it counts leap seconds only. */
static void libc_scan(struct libc_result *r, const char *name, bool probe)
{
	struct tzd_local prev, cur;
	int prevdst, curdst;
	int64_t t, prev_t = FIRST;
	struct tm tm;
	uint64_t i;
	bool leap;

	setenv("TZDIR", tree, 1);
	setenv("TZ", name, 1);
	tzset();
	utc_fields(1577836800, &tm); /* 2020-01-01T00:00:00Z */
	leap = timegm(&tm) != 1577836800;
	r->count = r->transitions = 0;
	r->status = leap ? 2 : 0;
	if (probe)
		return;
	libc_local(prev_t, leap, &prev, &prevdst);
	add(r, prev_t, leap, false);
	for (i = 1;; i++) {
		/* Varying seconds of the day, so no field stays at zero. */
		t = FIRST + (int64_t)i * STEP +
		    (int64_t)((i * 2654435761u) % (STEP / 2));
		if (t > LAST)
			t = LAST;
		libc_local(t, leap, &cur, &curdst);
		if (!same_kind(&prev, prevdst, &cur, curdst)) {
			int64_t c = bisect(prev_t, t, leap);
			if (!add(r, c - 1, leap, true) ||
			    !add(r, c, leap, true) ||
			    !add(r, c + 1, leap, true))
				goto full;
			r->transitions++;
		}
		if (!add(r, t, leap, false))
			goto full;
		prev = cur, prevdst = curdst, prev_t = t;
		if (t == LAST)
			break;
	}
	return;
full:
	r->status = 3;
}

/* Whether the file is TZif, and a hash of its bytes: names of one file
 * (links, posix/..., copies) share one libc run. */
static int read_file(const char *path, struct name *n)
{
	unsigned char buf[4096];
	uint64_t h = 14695981039346656037u;
	FILE *f = fopen(path, "rb");
	size_t got, i;
	off_t size = 0;

	if (!f)
		return -1;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (size == 0)
			n->tzif = got >= 4 && !memcmp(buf, "TZif", 4);
		for (i = 0; i < got; i++)
			h = (h ^ buf[i]) * 1099511628211u;
		size += (off_t)got;
	}
	fclose(f);
	n->hash = h;
	n->size = size;
	return 0;
}

static int collect(const char *path, const struct stat *st, int flag,
		   struct FTW *ftw)
{
	struct stat target;
	struct name *n;

	(void)ftw;
	(void)st;
	if (flag == FTW_SL) {
		/* A link names a zone too (US/Eastern); a dangling one or a
		 * link to a directory names none. */
		if (stat(path, &target) != 0 || !S_ISREG(target.st_mode))
			return 0;
	} else if (flag != FTW_F || !S_ISREG(st->st_mode)) {
		return 0;
	}
	if (name_count == name_cap) {
		name_cap = name_cap ? name_cap * 2 : 1024;
		names = realloc(names, name_cap * sizeof(*names));
		if (!names)
			return -1;
	}
	n = &names[name_count++];
	memset(n, 0, sizeof(*n));
	n->path = strdup(path + strlen(tree) + 1);
	return n->path && read_file(path, n) == 0 ? 0 : -1;
}

/* Names of one file side by side, so that one libc run serves them. */
static int by_file(const void *a, const void *b)
{
	const struct name *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return strcmp(x->path, y->path);
}

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line to stderr in one write, so that workers do not interleave. */
static void report(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(2, buf, (size_t)n) < 0)
		return;
}

static void show(const char *name, const struct record *r,
		 const struct tzd_local *b)
{
	struct tm tm;

	utc_fields(r->t, &tm);
	report("%s at %lld (%04d-%02d-%02dT%02d:%02d:%02dZ%s): libc "
	       "%04d-%02d-%02d %02d:%02d:%02d %s %+d, %s "
	       "%04d-%02d-%02d %02d:%02d:%02d %s %+d",
	       name, (long long)r->t, tm.tm_year + 1900, tm.tm_mon + 1,
	       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	       r->transition ? ", at a change" : "", r->local.year,
	       r->local.month, r->local.day, r->local.hour, r->local.minute,
	       r->local.second, r->local.abbr, r->local.offset, backend_name,
	       b->year, b->month, b->day, b->hour, b->minute, b->second,
	       b->abbr, b->offset);
}

static bool same_local(const struct tzd_local *a, const struct tzd_local *b)
{
	return a->offset == b->offset && strcmp(a->abbr, b->abbr) == 0 &&
	       a->year == b->year && a->month == b->month && a->day == b->day &&
	       a->hour == b->hour && a->minute == b->minute &&
	       a->second == b->second;
}

/* The backend against the libc records, for one name. */
static void compare(const struct name *n, const struct libc_result *r,
		    struct totals *tot)
{
	char err[256] = "";
	void *zone = backend_load(n->path, err, sizeof(err));
	struct tzd_local b;
	size_t i;
	long shown = 0;

	tot->names++;
	if (!n->tzif || r->status == 1) {
		if (zone) {
			report("%s: not a TZif file, but %s loaded it", n->path,
			       backend_name);
			tot->differences++;
		}
		tot->refused_other++;
		backend_free(zone);
		return;
	}
	if (!zone) {
		if (r->status == 2) {
			tot->refused_leap++;
			return;
		}
		report("%s: %s refused it: %s", n->path, backend_name, err);
		tot->failed++;
		return;
	}
	for (i = 0; i < r->count; i++) {
		const struct record *rec = &r->records[i];
		memset(&b, 0, sizeof(b));
		backend_localize(zone, rec->t, &b);
		if (same_local(&rec->local, &b))
			continue;
		tot->differences++;
		if (shown++ < MAX_SHOWN_PER_NAME)
			show(n->path, rec, &b);
	}
	tot->instants += (long)r->count;
	tot->transitions += (long)r->transitions;
	backend_free(zone);
}

/* The libc side of one file, in a child: TZ is process-wide. */
static int run_libc(struct libc_result *r, const struct name *n, bool probe)
{
	pid_t pid;
	int status;

	if (!n->tzif) {
		r->status = 1;
		r->count = 0;
		return 0;
	}
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		libc_scan(r, n->path, probe);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	if (r->status == 3)
		report("%s: more than %d instants", n->path, MAX_RECORDS);
	return r->status == 3 ? -1 : 0;
}

/* Worker k of jobs: every jobs-th file, all its names. */
static void work(size_t k, size_t jobs, struct totals *tot)
{
	size_t bytes =
	    sizeof(struct libc_result) + MAX_RECORDS * sizeof(struct record);
	struct libc_result *r = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	size_t i, j, file = 0;
	char err[256];
	void *zone;

	if (r == MAP_FAILED) {
		tot->failed++;
		return;
	}
	for (i = 0; i < name_count; i = j, file++) {
		for (j = i + 1;
		     j < name_count && names[j].hash == names[i].hash &&
		     names[j].size == names[i].size;
		     j++)
			;
		if (file % jobs != k)
			continue;
		tot->files++;
		/* Scanning a zone the backend refuses would be wasted. */
		zone = backend_load(names[i].path, err, sizeof(err));
		backend_free(zone);
		if (run_libc(r, &names[i], zone == NULL) != 0) {
			report("%s: the libc side failed", names[i].path);
			tot->failed++;
			continue;
		}
		for (; i < j; i++)
			compare(&names[i], r, tot);
	}
	munmap(r, bytes);
}

int main(int argc, char **argv)
{
	size_t jobs = 2, k;
	struct totals *tots, sum = {0};
	bool ok = true;

	if (argc == 4 && strcmp(argv[2], "-j") == 0)
		jobs = (size_t)atoi(argv[3]);
	if ((argc != 2 && argc != 4) || jobs < 1 || jobs > 64) {
		fprintf(stderr, "usage: tzdiff ZONEINFO_DIR [-j JOBS]\n");
		return 2;
	}
	tree = argv[1];
	if (nftw(tree, collect, 32, FTW_PHYS) != 0 || name_count == 0) {
		fprintf(stderr, "tzdiff: cannot list %s: %s\n", tree,
			name_count ? strerror(errno) : "no files");
		return 2;
	}
	qsort(names, name_count, sizeof(*names), by_file);
	setenv("TZDIR", tree, 1);
	tots = mmap(NULL, jobs * sizeof(*tots), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tots == MAP_FAILED)
		return 2;
	memset(tots, 0, jobs * sizeof(*tots));
	for (k = 0; k < jobs; k++) {
		pid_t pid = fork();
		if (pid < 0)
			return 2;
		if (pid == 0) {
			work(k, jobs, &tots[k]);
			_exit(0);
		}
	}
	for (k = 0; k < jobs; k++) {
		int status;
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			ok = false;
	}
	for (k = 0; k < jobs; k++) {
		sum.names += tots[k].names;
		sum.files += tots[k].files;
		sum.instants += tots[k].instants;
		sum.transitions += tots[k].transitions;
		sum.differences += tots[k].differences;
		sum.refused_leap += tots[k].refused_leap;
		sum.refused_other += tots[k].refused_other;
		sum.failed += tots[k].failed;
	}
	printf("tzdiff: %s against libc on %s: %ld names (%ld files), "
	       "%ld instants, %ld changes; %ld not TZif, %ld leap-second "
	       "zones refused; %ld differences, %ld failures\n",
	       backend_name, tree, sum.names, sum.files, sum.instants,
	       sum.transitions, sum.refused_other, sum.refused_leap,
	       sum.differences, sum.failed);
	if (!ok || sum.failed || (size_t)sum.names != name_count)
		return 2;
	return sum.differences ? 1 : 0;
}
