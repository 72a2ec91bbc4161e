/* SPDX-License-Identifier: MIT */
/* Translations: the catalog embedded from lib/messages.yaml, the fallback
 * from a missing language to English and from a missing key to the key,
 * placeholders, and the choice of language for a record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>

#include "doc.h"
#include "i18n.h"
#include "testutil.h"

static void put_upper(strbuf *sb, const char *v)
{
	for (; *v; v++)
		strbuf_putc(sb, (char)(*v >= 'a' && *v <= 'z' ? *v - 32 : *v));
}

static void test_lookup_and_fallbacks(void **state)
{
	(void)state;
	assert_int_equal(i18n_load(), 0);
	assert_string_equal(i18n_get("en", "optout.none"),
			    "This policy offers no opt-out.");
	assert_string_equal(i18n_get("id", "optout.none"),
			    "Kebijakan ini tidak menawarkan opt-out.");
	/* An unknown language reads English; an unknown key reads as
	 * itself, so a missing text shows instead of failing. */
	assert_string_equal(i18n_get("fr", "optout.none"),
			    i18n_get("en", "optout.none"));
	assert_string_equal(i18n_get(NULL, "optout.none"),
			    i18n_get("en", "optout.none"));
	assert_string_equal(i18n_get("en", "no.such.key"), "no.such.key");
	assert_string_equal(i18n_get("en", "optout"), "optout"); /* prefix */
}

static void test_expand(void **state)
{
	const char *const vars[] = {"a", "one", "ab", "two", "n", NULL, NULL};
	strbuf sb = STRBUF_INIT;

	(void)state;
	i18n_expand(&sb, "{a}-{ab}-{n}-{b}-{", put_upper, vars);
	/* Names match whole; NULL is empty; unknown and unclosed stay. */
	assert_string_equal(sb.data, "ONE-TWO--{b}-{");
	strbuf_truncate(&sb, 0);
	i18n_expand(&sb, "no placeholders", put_upper, NULL);
	assert_string_equal(sb.data, "no placeholders");
	strbuf_truncate(&sb, 0);
	i18n_format(&sb, "id", "optout.title", put_upper,
		    (const char *const[]){"parent", "Facebook", NULL});
	assert_string_equal(sb.data,
			    "Opt-out dari berbagi data dengan FACEBOOK");
	strbuf_release(&sb);
}

/* The placeholders of a text, sorted, as one string. */
static void placeholders(const char *t, char *out, size_t size)
{
	char names[32][32];
	int n = 0, i, j;
	const char *o, *c;

	while ((o = strchr(t, '{')) && (c = strchr(o, '}')) && n < 32) {
		snprintf(names[n++], 32, "%.*s", (int)(c - o - 1), o + 1);
		t = c + 1;
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char tmp[32];
			memcpy(tmp, names[j], 32);
			memcpy(names[j], names[j - 1], 32);
			memcpy(names[j - 1], tmp, 32);
		}
	out[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s,",
			 names[i]);
}

/* Every text of messages.yaml is translated, with the same placeholders
 * as the English: a renderer fills in only those. */
static void test_catalog_is_complete(void **state)
{
	char path[4096], pe[1024], pi[1024];
	dyd_diags diags = DYD_DIAGS_INIT;
	const doc_limits limits = {8, 10000, 65536, 0};
	size_t len = 0, i;
	char *text;
	doc *d = NULL;

	(void)state;
	assert_int_equal(i18n_load(), 0);
	snprintf(path, sizeof(path), "%s/lib/messages.yaml", DYD_SOURCE_DIR);
	text = slurp(path, &len);
	assert_non_null(text);
	assert_int_equal(doc_parse_yaml(&d, text, len, path, &limits, &diags),
			 0);
	assert_true(d->root->count > 50);
	for (i = 0; i < d->root->count; i++) {
		const doc_member *m = &d->root->members[i];
		const char *en = i18n_get("en", m->key),
			   *id = i18n_get("id", m->key);
		if (strcmp(en, m->key) == 0)
			fail_msg("'%s' has no English text", m->key);
		if (!doc_get(m->value, "id"))
			fail_msg("'%s' has no Indonesian text", m->key);
		placeholders(en, pe, sizeof(pe));
		placeholders(id, pi, sizeof(pi));
		if (strcmp(pe, pi) != 0)
			fail_msg("'%s': placeholders %s in English, %s in "
				 "Indonesian",
				 m->key, pe, pi);
	}
	doc_free(d);
	free(text);
	dyd_diags_release(&diags);
}

static void test_language_choice(void **state)
{
	(void)state;
	assert_true(dyd_language_supported("en"));
	assert_true(dyd_language_supported("id"));
	assert_false(dyd_language_supported("id-ID"));
	assert_false(dyd_language_supported("EN"));
	assert_false(dyd_language_supported(NULL));
	assert_string_equal(dyd_language_pick("id-ID"), "id");
	assert_string_equal(dyd_language_pick("en"), "en");
	assert_null(dyd_language_pick("ind")); /* not a prefix match */
	assert_null(dyd_language_pick("fr"));
	assert_null(dyd_language_pick(""));
	assert_null(dyd_language_pick(NULL));
	/* A record's language, else English. */
	assert_string_equal(i18n_language_for("id-ID"), "id");
	assert_string_equal(i18n_language_for("de-DE"), "en");
	assert_string_equal(i18n_language_for(NULL), "en");
}

static void *load(void *rc)
{
	*(int *)rc = i18n_load();
	return NULL;
}

/* The catalog is loaded once, whoever asks first. */
static void test_load_from_threads(void **state)
{
	pthread_t t[4];
	int rc[4], i;

	(void)state;
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, load, &rc[i]);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(rc[i], 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_load_from_threads),
	    cmocka_unit_test(test_lookup_and_fallbacks),
	    cmocka_unit_test(test_expand),
	    cmocka_unit_test(test_catalog_is_complete),
	    cmocka_unit_test(test_language_choice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
