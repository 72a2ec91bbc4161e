/* SPDX-License-Identifier: MIT */
/* The support desk's answer (status_text.c): in the asked language, else
 * the record's, with the phone masked unless --verbose, and the policy's
 * rules behind each line with --explain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "render_util.h"

static char *status(const struct rendered *r, const char *lang, bool explain,
		    bool verbose)
{
	dyd_status_options o = DYD_STATUS_OPTIONS_INIT;
	char *out = NULL;

	o.lang = lang;
	o.explain = explain;
	o.verbose = verbose;
	assert_int_equal(dyd_status_render(&out, r->decision, &o), 0);
	return out;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_languages),
	    cmocka_unit_test(test_personal_data_only_when_asked),
	    cmocka_unit_test(test_explain_adds_the_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
