/* SPDX-License-Identifier: MIT */
/* lib/tz.c: zones by name, fixed offsets, the TZif footer's POSIX TZ rule
 * (checked against glibc's parse of the same string), refusal of unsafe
 * names and of damaged, version 1 and leap-second files, and concurrent
 * use. tests/tz/tzdiff checks every zone of the system's database. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tz.h"

#define NS INT64_C(1000000000)
#define YEAR_2201 INT64_C(7289654400)

static char tzdir[64];

static void put32(FILE *f, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)(v >> 24),
			      (unsigned char)(v >> 16), (unsigned char)(v >> 8),
			      (unsigned char)v};

	fwrite(b, 1, 4, f);
}

/* A TZif version 2 file under tzdir with no transitions, one type (the
 * standard time of rule) and rule as its footer: RFC 8536 says the footer
 * then gives local time for every instant. */
static void write_rule_file(const char *name, const char *rule,
			    int32_t std_offset, const char *std_abbr)
{
	char path[256];
	FILE *f;
	int block;

	snprintf(path, sizeof(path), "%s/%s", tzdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	for (block = 0; block < 2; block++) {
		fwrite("TZif2", 1, 5, f);
		fwrite("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 1, 15, f);
		put32(f, 0), put32(f, 0), put32(f, 0), put32(f, 0);
		put32(f, block ? 1 : 0);
		put32(f, block ? (uint32_t)strlen(std_abbr) + 1 : 0);
	}
	put32(f, (uint32_t)std_offset);
	fwrite("\0\0", 1, 2, f);
	fwrite(std_abbr, 1, strlen(std_abbr) + 1, f);
	fprintf(f, "\n%s\n", rule);
	assert_int_equal(fclose(f), 0);
}

static void copy_file(const char *from, const char *to, size_t limit)
{
	char path[256], buf[4096];
	FILE *in = fopen(from, "rb"), *out;
	size_t n, total = 0;

	assert_non_null(in);
	snprintf(path, sizeof(path), "%s/%s", tzdir, to);
	out = fopen(path, "wb");
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0 && total < limit) {
		if (n > limit - total)
			n = limit - total;
		fwrite(buf, 1, n, out);
		total += n;
	}
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* TZDIR: a directory of made-up files, with the system's zones that the
 * tests name linked in. */
static int setup(void **state)
{
	static const char *linked[] = {"Europe", "Asia", "America", "Australia",
				       "right"};
	char from[128], to[128];
	size_t i;

	(void)state;
	snprintf(tzdir, sizeof(tzdir), "/tmp/dyd-test-tz.XXXXXX");
	if (!mkdtemp(tzdir))
		return -1;
	snprintf(to, sizeof(to), "%s/Rule", tzdir);
	if (mkdir(to, 0700) != 0)
		return -1;
	for (i = 0; i < sizeof(linked) / sizeof(linked[0]); i++) {
		snprintf(from, sizeof(from), "/usr/share/zoneinfo/%s",
			 linked[i]);
		snprintf(to, sizeof(to), "%s/%s", tzdir, linked[i]);
		if (symlink(from, to) != 0)
			return -1;
	}
	return setenv("TZDIR", tzdir, 1);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tzdir);
	return system(cmd) == 0 ? 0 : -1;
}

static tz *load_ok(const char *name)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	tz *zone = NULL;
	int rc = tz_load(&zone, name, &diags);

	if (rc != 0)
		fail_msg("'%s' was refused: %s", name,
			 diags.count ? diags.items[0].message : "?");
	dyd_diags_release(&diags);
	return zone;
}

/* The zone is refused with one error that names it and contains want. */
static void assert_refused(const char *name, const char *want)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	tz *zone = (tz *)&diags;
	int rc = tz_load(&zone, name, &diags);

	if (rc != DYD_EINVALID)
		fail_msg("'%s' gave %d, not DYD_EINVALID", name, rc);
	assert_null(zone);
	assert_int_equal(diags.count, 1);
	if (!strstr(diags.items[0].message, name) ||
	    !strstr(diags.items[0].message, want))
		fail_msg("the error for '%s' does not say '%s': %s", name, want,
			 diags.items[0].message);
	dyd_diags_release(&diags);
}

static void assert_formats(const tz *zone, int64_t secs, const char *want)
{
	char buf[TZ_FORMAT_BUFSIZE];

	tz_format(zone, secs * NS, buf);
	assert_string_equal(buf, want);
}

/* glibc's localtime_r under TZ=rule against dyd on a file whose footer
 * is rule, at every local time type the scan meets. */
static void assert_rule_matches_glibc(const char *rule, int32_t std_offset,
				      const char *std_abbr)
{
	tz *zone;
	int64_t t;
	long checked = 0;

	write_rule_file("Rule/Test", rule, std_offset, std_abbr);
	zone = load_ok("Rule/Test");
	setenv("TZ", rule, 1);
	tzset();
	/* Hourly around now, with 7 s off the hour; every 20 h elsewhere. */
	for (t = 0; t < YEAR_2201;
	     t += t >= 1577836800 && t < 1893456000 ? 3607 : 72007) {
		struct tm tm;
		time_t tt = (time_t)t;
		tz_local l;
		localtime_r(&tt, &tm);
		tz_localize(zone, t * NS, &l);
		if (l.utc_offset != tm.tm_gmtoff ||
		    strcmp(l.abbreviation, tm.tm_zone) != 0 ||
		    l.year != tm.tm_year + 1900 ||
		    l.month != (unsigned)tm.tm_mon + 1 ||
		    l.day != (unsigned)tm.tm_mday ||
		    l.hour != (unsigned)tm.tm_hour ||
		    l.minute != (unsigned)tm.tm_min)
			fail_msg("'%s' at %lld: glibc %s %+ld, dyd %s %+d",
				 rule, (long long)t, tm.tm_zone, tm.tm_gmtoff,
				 l.abbreviation, l.utc_offset);
		checked++;
	}
	assert_true(checked > 100000);
	setenv("TZ", "UTC", 1);
	tzset();
	tz_free(zone);
}

static void test_footer_rule_forms(void **state)
{
	(void)state;
	/* Mm.w.d, the default 02:00 and an explicit time. */
	assert_rule_matches_glibc("CET-1CEST,M3.5.0,M10.5.0/3", 3600, "CET");
	assert_rule_matches_glibc("EST5EDT,M3.2.0,M11.1.0", -18000, "EST");
	/* Southern hemisphere: the start after the end in a year. */
	assert_rule_matches_glibc("AEST-10AEDT,M10.1.0,M4.1.0/3", 36000,
				  "AEST");
	/* Negative DST (Europe/Dublin). */
	assert_rule_matches_glibc("IST-1GMT0,M10.5.0,M3.5.0/1", 3600, "IST");
	/* Times outside 0-24 h, quoted names (America/Nuuk, Asia/Gaza). */
	assert_rule_matches_glibc("<-02>2<-01>,M3.5.0/-1,M10.5.0/0", -7200,
				  "-02");
	assert_rule_matches_glibc("EET-2EEST,M3.4.4/50,M10.4.4/50", 7200,
				  "EET");
	/* Julian days, with and without February 29, and a DST offset
	 * that is not one hour. */
	assert_rule_matches_glibc("<+0330>-3:30<+0430>,J80/0,J264/0", 12600,
				  "+0330");
	assert_rule_matches_glibc("LHST-10:30LHDT-11,59/2,300/2", 37800,
				  "LHST");
	/* No DST; DST all year. */
	assert_rule_matches_glibc("<+07>-7", 25200, "+07");
	assert_rule_matches_glibc("EST5EDT,0/0,J365/25", -18000, "EST");
}

static void test_footer_after_transitions(void **state)
{
	tz *zone;

	(void)state;
	/* The case of the issue: Debian's file lists transitions to 2037. */
	zone = load_ok("Europe/Berlin");
	assert_formats(zone, 2224843200, "2040-07-02 14:00 CEST");
	assert_formats(zone, 2224843200 - 86400 * 180, "2040-01-04 13:00 CET");
	assert_formats(zone, 1473516000, "2016-09-10 16:00 CEST");
	assert_string_equal(tz_name(zone), "Europe/Berlin");
	tz_free(zone);
}

static void test_fixed_offsets(void **state)
{
	static const struct {
		const char *given, *name;
		int32_t offset;
		const char *shown;
	} ok[] = {
	    {"+07:00", "+07:00", 25200, "2016-09-10 21:00 +07:00"},
	    {"-03:30", "-03:30", -12600, "2016-09-10 10:30 -03:30"},
	    {"+0530", "+05:30", 19800, "2016-09-10 19:30 +05:30"},
	    {"+07", "+07:00", 25200, "2016-09-10 21:00 +07:00"},
	    {"-23:59", "-23:59", -86340, "2016-09-09 14:01 -23:59"},
	    {"+00:00", "+00:00", 0, "2016-09-10 14:00 +00:00"},
	    {"-00:00", "+00:00", 0, "2016-09-10 14:00 +00:00"},
	    {"Z", "UTC", 0, "2016-09-10 14:00 UTC"},
	    {"UTC", "UTC", 0, "2016-09-10 14:00 UTC"},
	};
	static const char *bad[] = {"+24:00", "+7",	   "+07:60", "+07:0",
				    "+070",   "+07:00:00", "-1:00",  "+07:00Z",
				    "+0700x", "+-7:00"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		tz *zone = load_ok(ok[i].given);
		tz_local l;
		tz_localize(zone, 1473516000 * NS, &l);
		assert_string_equal(tz_name(zone), ok[i].name);
		assert_int_equal(l.utc_offset, ok[i].offset);
		assert_formats(zone, 1473516000, ok[i].shown);
		/* No DST, no transitions: the same offset in 2200. */
		tz_localize(zone, (YEAR_2201 - 1) * NS, &l);
		assert_int_equal(l.utc_offset, ok[i].offset);
		tz_free(zone);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused(bad[i], "'+07:00'");
}

static void test_unsafe_and_unknown_names(void **state)
{
	static const char *unsafe[] = {"",
				       "/etc/passwd",
				       "../etc/passwd",
				       "Asia/../../etc/passwd",
				       "Asia/Jak arta",
				       "Asia\\Jakarta",
				       "zone.tab",
				       "Europe/Berlin;id"};
	char long_name[160];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++)
		assert_refused(unsafe[i], "not a time zone: give an IANA name");
	memset(long_name, 'A', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_refused(long_name, "not a time zone");
	assert_refused("Mars/Olympus", "unknown time zone");
}

static void test_damaged_files_are_refused(void **state)
{
	const char *real = "/usr/share/zoneinfo/Europe/Berlin";
	FILE *f = fopen(real, "rb");
	long size, cut;
	char path[256];

	(void)state;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/Cut", tzdir);
	mkdir(path, 0700);
	/* Every prefix is refused, not read past its end (ASan). */
	for (cut = 0; cut < size; cut++) {
		copy_file(real, "Cut/Berlin", (size_t)cut);
		assert_refused("Cut/Berlin", "Cut/Berlin");
	}
	copy_file(real, "Cut/Berlin", (size_t)size);
	tz_free(load_ok("Cut/Berlin"));

	snprintf(path, sizeof(path), "%s/Cut/Text", tzdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("Europe/Berlin\n", f);
	fclose(f);
	assert_refused("Cut/Text", "not a TZif file");

	/* Version 1: no 64-bit data and no footer. */
	write_rule_file("Cut/V1", "CET-1", 3600, "CET");
	snprintf(path, sizeof(path), "%s/Cut/V1", tzdir);
	f = fopen(path, "r+b");
	assert_non_null(f);
	fseek(f, 4, SEEK_SET);
	fputc('\0', f);
	fclose(f);
	assert_refused("Cut/V1", "version 1");

	/* A footer that is no POSIX TZ string. */
	write_rule_file("Cut/Footer", "CET-1CEST,M13.5.0,M10.5.0", 3600, "CET");
	assert_refused("Cut/Footer", "footer");
	write_rule_file("Cut/Footer", "CET-1CEST", 3600, "CET");
	assert_refused("Cut/Footer", "footer");
}

static void test_leap_second_zones_are_refused(void **state)
{
	(void)state;
	assert_refused("right/Europe/Berlin", "leap seconds");
	assert_refused("right/Europe/Berlin", "use 'Europe/Berlin'");
}

struct worker {
	const tz *zone;
	const int32_t *want; /* offsets, computed on one thread */
	int64_t from, step;
	size_t count;
	bool ok;
};

static void *localize_all(void *arg)
{
	struct worker *w = arg;
	int round;
	size_t i;

	w->ok = true;
	for (round = 0; round < 20; round++)
		for (i = 0; i < w->count; i++) {
			tz_local l;
			tz_localize(w->zone,
				    (w->from + (int64_t)i * w->step) * NS, &l);
			if (l.utc_offset != w->want[i])
				w->ok = false;
		}
	return NULL;
}

static void test_zones_are_shared_by_threads(void **state)
{
	static const char *names[] = {"Europe/Berlin",	  "Asia/Jakarta",
				      "America/New_York", "+07:00",
				      "Australia/Sydney", "Europe/Dublin"};
	enum { N = 6, COUNT = 20000 };
	struct worker w[N];
	pthread_t th[N];
	tz *zones[N];
	int32_t *want[N];
	size_t i, k;

	(void)state;
	for (k = 0; k < N; k++) {
		zones[k] = load_ok(names[k]);
		want[k] = calloc(COUNT, sizeof(int32_t));
		assert_non_null(want[k]);
		w[k] = (struct worker){zones[k], want[k], 1900000000,
				       40009,	 COUNT,	  false};
		for (i = 0; i < COUNT; i++) {
			tz_local l;
			tz_localize(zones[k],
				    (w[k].from + (int64_t)i * 40009) * NS, &l);
			want[k][i] = l.utc_offset;
		}
	}
	/* One zone on two threads too. */
	w[N - 1].zone = zones[0];
	memcpy(want[N - 1], want[0], COUNT * sizeof(int32_t));
	for (k = 0; k < N; k++)
		assert_int_equal(
		    pthread_create(&th[k], NULL, localize_all, &w[k]), 0);
	for (k = 0; k < N; k++) {
		pthread_join(th[k], NULL);
		assert_true(w[k].ok);
	}
	for (k = 0; k < N; k++) {
		tz_free(zones[k]);
		free(want[k]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_footer_rule_forms),
	    cmocka_unit_test(test_footer_after_transitions),
	    cmocka_unit_test(test_fixed_offsets),
	    cmocka_unit_test(test_unsafe_and_unknown_names),
	    cmocka_unit_test(test_damaged_files_are_refused),
	    cmocka_unit_test(test_leap_second_zones_are_refused),
	    cmocka_unit_test(test_zones_are_shared_by_threads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
