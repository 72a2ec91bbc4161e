/* SPDX-License-Identifier: MIT */
/* The answer of a results line (answer.c): for every case worked out by
 * hand in testdata/decisions, the opt-out status and reason, the purposes
 * withheld and why, the categories shared and the terms statuses are
 * those of the expected decision, in its order and with its values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "answer.h"
#include "render_util.h"

static const char *string_of(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));

	assert_non_null(s);
	return s;
}

/* The answer as the expected decision (testdata/decisions/NAME.json)
 * has it: one JSON object, compact. */
static char *answer_of_expected(const char *name)
{
	char path[4096], *text, *out;
	cJSON *d, *a, *o, *m;

	snprintf(path, sizeof(path), "%s/testdata/decisions/%s.json",
		 DYD_SOURCE_DIR, name);
	text = slurp(path, NULL);
	assert_non_null(text);
	d = cJSON_Parse(text);
	assert_non_null(d);
	a = cJSON_CreateObject();
	m = cJSON_GetObjectItem(d, "optout");
	if (cJSON_IsNull(m)) {
		cJSON_AddNullToObject(a, "optout");
	} else {
		o = cJSON_AddObjectToObject(a, "optout");
		cJSON_AddStringToObject(o, "status", string_of(m, "status"));
		cJSON_AddStringToObject(o, "reason", string_of(m, "reason"));
	}
	o = cJSON_AddObjectToObject(a, "withheld");
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(d, "withheld_purposes"))
	{
		cJSON_AddStringToObject(o, string_of(m, "purpose"),
					string_of(m, "withheld_by"));
	}
	o = cJSON_AddArrayToObject(a, "shared");
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(d, "categories"))
	{
		if (cJSON_IsTrue(cJSON_GetObjectItem(m, "shared")))
			cJSON_AddItemToArray(
			    o, cJSON_CreateString(string_of(m, "id")));
	}
	o = cJSON_AddObjectToObject(a, "terms");
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(d, "terms"))
	{
		cJSON_AddStringToObject(o, string_of(m, "id"),
					string_of(m, "status"));
	}
	out = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	cJSON_Delete(d);
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
		strbuf sb = STRBUF_INIT;
		char *want;
		if (name[0] == '#') {
			if (fscanf(cases, "%*[^\n]") < 0)
				break;
			continue;
		}
		decide_file(&r, record, as_of);
		strbuf_putc(&sb, '{');
		answer_members(&sb, r.decision);
		strbuf_putc(&sb, '}');
		assert_false(sb.failed);
		want = answer_of_expected(name);
		if (strcmp(sb.data, want) != 0)
			fail_msg("%s: answer %s, the decision says %s", name,
				 sb.data, want);
		cJSON_free(want);
		strbuf_release(&sb);
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
