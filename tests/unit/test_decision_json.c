/* SPDX-License-Identifier: MIT */
/* The decision as JSON (decision_json.c): for every case worked out by
 * hand in testdata/decisions, the very bytes expected, in dyd's JSON
 * style (2-space indent, keys in a fixed order, a final newline). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "render_util.h"

/* expected with "POLICY_SHA256" replaced by the policy's digest. */
static char *expected_for(const char *name, const char *sha)
{
	char path[4096], *text, *at, *out;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/testdata/decisions/%s.json",
		 DYD_SOURCE_DIR, name);
	text = slurp(path, &len);
	assert_non_null(text);
	at = strstr(text, "POLICY_SHA256");
	assert_non_null(at);
	out = malloc(len + 64);
	snprintf(out, len + 64, "%.*s%s%s", (int)(at - text), text, sha,
		 at + strlen("POLICY_SHA256"));
	free(text);
	return out;
}

static void test_every_hand_worked_case(void **state)
{
	char path[4096], name[128], record[128], as_of[64];
	FILE *cases;
	int n = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/testdata/decisions/cases.txt",
		 DYD_SOURCE_DIR);
	cases = fopen(path, "r");
	assert_non_null(cases);
	while (fscanf(cases, "%127s %127s %63s", name, record, as_of) == 3) {
		struct rendered r;
		char *got, *want;
		if (name[0] == '#') {
			fscanf(cases, "%*[^\n]");
			continue;
		}
		decide_file(&r, record, as_of);
		got = dyd_decision_to_json(r.decision);
		want = expected_for(name, dyd_policy_sha256(r.policy));
		assert_non_null(got);
		if (strcmp(got, want) != 0)
			fail_msg("%s: the decision differs from "
				 "testdata/decisions/%s.json",
				 name, name);
		free(got);
		free(want);
		undecide(&r);
		n++;
	}
	fclose(cases);
	assert_true(n >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_hand_worked_case),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
