/* SPDX-License-Identifier: MIT */
/* The support desk's answer (status_text.c): in the asked language, else
 * the record's, with the phone masked unless --verbose, the reason, rule
 * and sources beside each line with --explain, one line with --short,
 * and nothing of the record or the policy sent to the terminal raw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "render_util.h"

/* Not inlined: GCC 12 then takes the answer for a pointer to the local
 * it was returned through (-Wdangling-pointer). */
static __attribute__((noinline)) char *status_with(const struct rendered *r,
						   const char *lang,
						   bool explain, bool verbose,
						   bool brief)
{
	dyd_status_options o = DYD_STATUS_OPTIONS_INIT;
	char *out = NULL;

	o.lang = lang;
	o.explain = explain;
	o.verbose = verbose;
	o.brief = brief;
	assert_int_equal(dyd_status_render(&out, r->decision, &o), 0);
	return out;
}

static char *status(const struct rendered *r, const char *lang, bool explain,
		    bool verbose)
{
	return status_with(r, lang, explain, verbose, false);
}

static void test_languages(void **state)
{
	struct rendered r;
	char *en, *id, *dflt;
	dyd_status_options o = DYD_STATUS_OPTIONS_INIT;
	char *out = (char *)1;

	(void)state;
	decide_file(&r, "siti-rahayu.yaml", "2021-06-01"); /* language: id */
	en = status(&r, "en", false, false);
	id = status(&r, "id", false, false);
	dflt = status(&r, NULL, false, false);
	assert_int_equal(strncmp(en,
				 "Account siti.rahayu (+62*********78), "
				 "as of 2021-06-01 00:00:00 UTC\n",
				 62),
			 0);
	assert_int_equal(strncmp(id, "Akun siti.rahayu ", 17), 0);
	assert_string_equal(dflt, id); /* the record's language */
	o.lang = "fr";
	assert_int_equal(dyd_status_render(&out, r.decision, &o), DYD_EUSAGE);
	free(en);
	free(id);
	free(dflt);
	undecide(&r);
}

static void test_personal_data_only_when_asked(void **state)
{
	struct rendered r;
	char *masked, *full;

	(void)state;
	decide_file(&r, "siti-rahayu.yaml", "2021-06-01");
	masked = status(&r, "en", false, false);
	full = status(&r, "en", false, true);
	assert_null(strstr(masked, "+6285712345678"));
	assert_non_null(strstr(masked, "+62*********78"));
	assert_non_null(strstr(full, "+6285712345678"));
	free(masked);
	free(full);
	undecide(&r);
}

static void test_explain_adds_the_rules(void **state)
{
	struct rendered r;
	char *plain, *explained;

	(void)state;
	decide_file(&r, "budi-santoso.json", "2021-06-01");
	plain = status(&r, "en", false, false);
	explained = status(&r, "en", true, false);
	/* Every line of the plain answer is in the explained one, which
	 * adds the policy pointers behind them. */
	assert_true(strlen(explained) > strlen(plain));
	assert_null(strstr(plain, "/categories/"));
	assert_non_null(strstr(explained, "/categories/"));
	for (char *line = strtok(plain, "\n"); line; line = strtok(NULL, "\n"))
		if (!strstr(explained, line))
			fail_msg("'%s' is not in the explained answer", line);
	free(plain);
	free(explained);
	undecide(&r);
}

/* --short: one line with the account, the masked phone, the opt-out in
 * words, what is withheld and the as-of instant, in both languages. */
static void test_short_line(void **state)
{
	struct rendered r;
	char *en, *id;

	(void)state;
	decide_file(&r, "budi-santoso.json", "2026-11-29");
	en = status_with(&r, "en", true, false, true);
	id = status_with(&r, "id", false, false, true);
	assert_string_equal(en, "budi.santoso (+62*********90): opted out on "
				"2016-09-03 12:42:10 UTC; withheld: Ads and "
				"product experiences (your opt-out); as of "
				"2026-11-29 00:00:00 UTC\n");
	assert_int_equal(strchr(id, '\n') - id + 1, (long)strlen(id));
	assert_non_null(strstr(id, "memilih opt-out pada"));
	assert_non_null(strstr(id, "ditahan:"));
	free(en);
	free(id);
	undecide(&r);
	decide_file(&r, "wulan-anggraini.yaml", "2026-11-29");
	en = status_with(&r, "en", false, false, true);
	assert_non_null(strstr(en, ": did not opt out; withheld: nothing; "));
	free(en);
	undecide(&r);
}

/* A European account that did not opt out is told in the first line
 * that the region withholds ads use anyway. */
static void test_region_told_first(void **state)
{
	struct rendered r;
	char *out, *line;

	(void)state;
	decide_file(&r, "lukas-becker.json", "2026-11-29");
	out = status(&r, "en", false, false);
	line = strstr(out, "Opt-out of sharing with Facebook\n  ");
	assert_non_null(line);
	line = strchr(line, '\n') + 3;
	assert_int_equal(strncmp(line,
				 "You did not opt out; in the European "
				 "Region, Facebook does not use your "
				 "WhatsApp account information for Ads "
				 "and product experiences anyway.\n",
				 113),
			 0);
	free(out);
	undecide(&r);
}

/* --explain: each line carries why in plain words, its rule and the
 * numbers of its sources, which are listed once at the end; no keyword
 * of the decision stands in for words. */
static void test_explain_beside_each_line(void **state)
{
	static const char *const records[] = {
	    "budi-santoso.json", "lukas-becker.json", "wulan-anggraini.yaml"};
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct rendered r;
		char *out, *line, *sources, *save = NULL;
		size_t explained = 0;
		decide_file(&r, records[i], "2026-11-29");
		out = status(&r, "en", true, false);
		sources = strstr(out, "\nSources\n  [1] ");
		assert_non_null(sources);
		assert_null(strstr(out, "withheld by "));
		assert_null(strstr(out, "opt_out"));
		assert_null(strstr(out, " in -"));
		assert_null(strstr(out, "region:"));
		*sources = '\0';
		for (line = strtok_r(out, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			const char *why = strstr(line, " \xE2\x80\x94 ");
			if (!strstr(line, "rule /"))
				continue;
			explained++;
			/* Why, then the rule, then the source numbers,
			 * all on the line. */
			assert_non_null(why);
			assert_true(strstr(line, "rule /") > why);
			assert_non_null(strstr(line, " ["));
			assert_int_equal(line[strlen(line) - 1], ']');
		}
		assert_true(explained > 15);
		free(out);
		undecide(&r);
	}
}

/* The as-of instant to the second; plurals in both languages. */
static void test_seconds_and_plurals(void **state)
{
	struct rendered r;
	char *out;

	(void)state;
	decide_file(&r, "budi-santoso.json", "2026-11-29T10:00:00.123456789Z");
	out = status(&r, "en", false, false);
	assert_non_null(strstr(out, "as of 2026-11-29 10:00:00 UTC\n"));
	assert_null(strstr(out, ".123"));
	assert_non_null(strstr(out, "2 matching items\n"));
	free(out);
	undecide(&r);
	decide_file(&r, "putri-maharani.yaml", "2026-11-29");
	out = status(&r, "en", false, false);
	assert_non_null(strstr(out, "1 matching item\n"));
	free(out);
	out = status(&r, "id", false, false);
	assert_non_null(strstr(out, "1 item yang cocok\n"));
	free(out);
	undecide(&r);
}

/* What the 2021 update changed, in the answer. */
static void test_update_lines(void **state)
{
	struct rendered r;
	char *out;

	(void)state;
	decide_file(&r, "budi-santoso.json", "2026-11-29");
	out = status(&r, "en", false, false);
	assert_non_null(strstr(out, "\nWhat changed with the 2021-01-04 "
				    "update\n  newly shared:\n    IP address: "
				    "Infrastructure and delivery, Safety, "
				    "security and integrity\n"));
	assert_non_null(strstr(out, "  unchanged: your opt-out still holds; "
				    "never shared, before or after: Message "
				    "content, Call logs, Shared location, "
				    "Contact list\n"));
	free(out);
	undecide(&r);
}

/* Control characters of the record and of the policy reach the terminal
 * as visible escapes, never as themselves. */
static void test_terminal_escapes(void **state)
{
	const char text[] =
	    "{\"account_id\": \"x\", \"phone\": \"+6281234567890\", "
	    "\"registered_at\": \"2015-01-01T00:00:00Z\", "
	    "\"business_chats\": [{\"business_id\": \"b\\u001b]0;t\\u0007\", "
	    "\"name\": \"\\u001b[31mred\\u202e\\u0085\", \"hosting\": "
	    "\"parent\", \"first_contact_at\": \"2021-02-01T00:00:00Z\"}], "
	    "\"events\": [{\"type\": \"terms_accepted\", \"terms\": "
	    "\"2021-01-04\", \"at\": \"2021-02-01T00:00:00Z\"}]}";
	struct rendered r;
	char *out;
	size_t i;

	(void)state;
	decide(&r, text, sizeof(text) - 1, "x.json", "2021-06-01");
	out = status(&r, "en", true, true);
	for (i = 0; out[i]; i++)
		if ((unsigned char)out[i] < 0x20 && out[i] != '\n')
			fail_msg("control 0x%02x at %zu", out[i], i);
	assert_null(strstr(out, "\xE2\x80\xAE"));
	assert_null(strstr(out, "\xC2\x85"));
	assert_non_null(strstr(out, "\\x1b[31mred\\u202e\\u0085 "
				    "(b\\x1b]0;t\\x07)"));
	free(out);
	undecide(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_languages),
	    cmocka_unit_test(test_personal_data_only_when_asked),
	    cmocka_unit_test(test_explain_adds_the_rules),
	    cmocka_unit_test(test_short_line),
	    cmocka_unit_test(test_region_told_first),
	    cmocka_unit_test(test_explain_beside_each_line),
	    cmocka_unit_test(test_seconds_and_plurals),
	    cmocka_unit_test(test_update_lines),
	    cmocka_unit_test(test_terminal_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
