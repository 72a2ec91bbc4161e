/* SPDX-License-Identifier: MIT */
/* policy_source.c: what a policy's claims rest on. Sources are checked
 * field by field at their edges (partial dates, web addresses, ids,
 * languages); every element's source and note land on that element, refs
 * resolve or are errors at the ref; the dated when_overdue list and the
 * opt-out's final; dyd_policy_lint's report of what cites nothing, as
 * warnings or, strict, errors; and running out of memory anywhere in the
 * second reading is DYD_ENOMEM with nothing held. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "failalloc.h"
#include "policy_util.h"

static void test_default_policy_cites_everything(void **state)
{
	dyd_policy *p = load_default();
	dyd_diags diags = DYD_DIAGS_INIT;
	const policy_optout *o = p->terms[0].optout;
	size_t i, j;
	bool techweez = false;

	(void)state;
	/* Every claim carries its source: strict lint finds nothing. */
	assert_int_equal(dyd_policy_lint(p, true, &diags), 0);
	assert_int_equal(diags.count, 0);
	assert_true(p->source_count >= 40);
	for (i = 0; i < p->source_count; i++) {
		const policy_source *src = &p->sources[i];
		assert_true(strncmp(src->url, "https://", 8) == 0 ||
			    strncmp(src->url, "http://", 7) == 0);
		for (j = 0; j < i; j++)
			assert_string_not_equal(p->sources[j].id, src->id);
	}
	/* The finality of the opt-out rests on the in-app notice. */
	for (i = 0; i < o->cite.count; i++)
		techweez |= strcmp(p->sources[o->cite.quotes[i].source].id,
				   "press-techweez-2016") == 0;
	assert_true(techweez);
	assert_non_null(strstr(text_get(&o->cite.note, "en"), "final"));
	/* Quotes keep their language: the Indonesian FAQ says so. */
	i = o->cite.quotes[1].source;
	assert_string_equal(p->sources[i].id, "wa-faq-2016-optout");
	assert_string_equal(p->sources[i].language, "id");
	/* Inferred dates and silences are noted. */
	assert_non_null(strstr(
	    text_get(&p->terms[1].effects[1].cite.note, "en"), "inferred"));
	assert_non_null(
	    strstr(text_get(&p->regions[0].cite.note, "en"), "Barth"));
	assert_string_equal(p->categories[9].never_cite.pointer,
			    "/categories/9/never");
	assert_true(p->categories[9].never_cite.count >= 1);
	dyd_diags_release(&diags);
	dyd_policy_free(p);
}

static void test_sources_checks(void **state)
{
	(void)state;
	check_lint("    date: \"2016\"\n", "    date: 2016-13\n",
		   "'2016-13' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", 55,
		   "/sources/0/date");
	check_lint("    date: \"2016\"\n", "    date: 2016-02-30\n",
		   "is not a date", 55, NULL);
	check_lint("    date: \"2016\"\n", "    date: \"16\"\n",
		   "is not a date", 55, NULL);
	check_lint("    url: https://example.invalid/doc\n",
		   "    url: ftp://example.invalid/doc\n",
		   "is not an http:// or https:// address", 56,
		   "/sources/0/url");
	check_lint("    url: https://example.invalid/doc\n",
		   "    url: \"https://a b\"\n", "is not an http", 56, NULL);
	check_lint("    url: https://example.invalid/doc\n",
		   "    url: https://example.invalid/doc\n  - id: doc\n"
		   "    title: T\n    publisher: P\n    date: 2016-08\n"
		   "    url: https://example.invalid/b\n",
		   "duplicate source id 'doc'", 57, "/sources/1");
	check_lint("  - id: doc\n", "  - id: Doc\n", "is not a source id", 52,
		   NULL);
	check_lint("    publisher: P\n", "",
		   "missing required field "
		   "'publisher'",
		   52, "/sources/0");
	check_lint("    publisher: P\n", "    publisher: P\n    kind: x\n",
		   "unknown field 'kind'", 55, NULL);
	check_lint("    publisher: P\n", "    publisher: P\n    language: EN\n",
		   "not a language code", 55, "/sources/0/language");
}

static void test_citation_checks(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;
	char *text;

	(void)state;
	/* An unknown ref names the ref's own position. */
	check_lint("    effective: 2016-08-25\n",
		   "    effective: 2016-08-25\n"
		   "    source: [{ref: dox, quote: \"a few words\"}]\n",
		   "unknown source 'dox'", 16, "/terms/0/source/0/ref");
	check_lint("    effective: 2016-08-25\n",
		   "    effective: 2016-08-25\n    source: [{ref: doc}]\n",
		   "missing required field 'quote'", 16, "/terms/0/source/0");
	check_lint("    effective: 2016-08-25\n",
		   "    effective: 2016-08-25\n    source: {ref: doc}\n",
		   "expected an array", 16, "/terms/0/source");
	check_lint("    effective: 2016-08-25\n",
		   "    effective: 2016-08-25\n"
		   "    source: [{ref: doc, quote: q, page: 3}]\n",
		   "unknown field 'page'", 16, NULL);
	/* A sharing category cites on its rules. */
	check_lint("    fields: [phone]\n",
		   "    fields: [phone]\n    source: [{ref: doc, quote: q}]\n",
		   "carries source and note on each of its rules", 34,
		   "/categories/0/source");

	/* Where each element's source and note land. */
	text = edit(base_policy, "        purposes: [infra, ads]\n",
		    "        purposes: [infra, ads]\n"
		    "        source: [{ref: doc, quote: \"w1 w2\"}]\n"
		    "        note: {en: silent, id: diam}\n");
	{
		char *t2 = edit(text, "    never: not shared\n",
				"    never: not shared\n"
				"    source: [{ref: doc, quote: q}]\n");
		free(text);
		text = t2;
	}
	assert_int_equal(
	    dyd_policy_load(&p, text, strlen(text), "p.yaml", &diags), 0);
	assert_int_equal(p->source_count, 1);
	assert_string_equal(p->sources[0].date, "2016");
	assert_int_equal(p->categories[0].rules[0].cite.count, 1);
	assert_string_equal(p->categories[0].rules[0].cite.quotes[0].quote,
			    "w1 w2");
	assert_string_equal(
	    text_get(&p->categories[0].rules[0].cite.note, "id"), "diam");
	assert_string_equal(p->categories[0].rules[0].cite.pointer,
			    "/categories/0/shares/0");
	assert_int_equal(p->categories[2].never_cite.count, 1);
	assert_string_equal(p->regions[0].cite.pointer, "/regions/eu");
	assert_string_equal(p->terms[0].optout->cite.pointer,
			    "/terms/0/optout");
	dyd_policy_free(p);
	free(text);
	dyd_diags_release(&diags);
}

static void test_when_overdue_list(void **state)
{
	static const char list[] =
	    "    when_overdue:\n"
	    "      - {from: 2021-05-15, effect: limited_functionality,\n"
	    "         label: {en: May be limited, id: Mungkin dibatasi},\n"
	    "         source: [{ref: doc, quote: q}], note: n}\n"
	    "      - {from: 2021-05-28, effect: reminders_only}\n";
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;
	char *text =
	    policy_with("    when_overdue: limited_functionality\n", list);
	const policy_terms *t;

	(void)state;
	assert_int_equal(
	    dyd_policy_load(&p, text, strlen(text), "p.yaml", &diags), 0);
	t = &p->terms[1];
	assert_null(t->when_overdue);
	assert_int_equal(t->effect_count, 2);
	assert_int_equal(t->effects[0].from, INT64_C(1621036800) * NS);
	assert_string_equal(t->effects[1].effect, "reminders_only");
	assert_string_equal(text_get(&t->effects[0].label, "id"),
			    "Mungkin dibatasi");
	assert_int_equal(t->effects[0].cite.count, 1);
	assert_int_equal(t->effects[1].label.count, 0);
	assert_string_equal(t->effects[1].cite.pointer,
			    "/terms/1/when_overdue/1");
	dyd_policy_free(p);
	free(text);

	/* The plain form is one consequence from the deadline. */
	p = NULL;
	assert_int_equal(dyd_policy_load(&p, base_policy,
					 sizeof(base_policy) - 1, "p.yaml",
					 &diags),
			 0);
	t = &p->terms[1];
	assert_int_equal(t->effect_count, 1);
	assert_int_equal(t->effects[0].from, t->deadline);
	assert_string_equal(t->effects[0].effect, "limited_functionality");
	assert_string_equal(t->effects[0].cite.pointer,
			    "/terms/1/when_overdue");
	dyd_policy_free(p);
	dyd_diags_release(&diags);

	/* Out of order, equal dates, before the terms, no deadline. */
	check_lint("    when_overdue: limited_functionality\n",
		   "    when_overdue:\n"
		   "      - {from: 2021-06-01, effect: a}\n"
		   "      - {from: 2021-05-20, effect: b}\n",
		   "'from' 2021-05-20 is not after the entry before it "
		   "(2021-06-01)",
		   26, "/terms/1/when_overdue/1/from");
	check_lint("    when_overdue: limited_functionality\n",
		   "    when_overdue:\n"
		   "      - {from: 2021-06-01, effect: a}\n"
		   "      - {from: 2021-06-01, effect: b}\n",
		   "is not after the entry before it", 26, NULL);
	check_lint("    when_overdue: limited_functionality\n",
		   "    when_overdue: [{from: 2021-01-03, effect: a}]\n",
		   "'from' 2021-01-03 is before the terms take effect on "
		   "2021-01-04",
		   24, "/terms/1/when_overdue/0/from");
	check_lint("    acceptance_deadline: 2021-05-15\n"
		   "    when_overdue: limited_functionality\n",
		   "    when_overdue: [{from: 2021-05-15, effect: a}]\n",
		   "when_overdue needs an acceptance_deadline", 23,
		   "/terms/1/when_overdue");
	check_lint("    when_overdue: limited_functionality\n",
		   "    when_overdue: []\n", "needs at least one entry", 24,
		   NULL);
	check_lint("    when_overdue: limited_functionality\n",
		   "    when_overdue: [{effect: a}]\n",
		   "missing required field 'from'", 24, NULL);
	check_lint("    when_overdue: limited_functionality\n",
		   "    when_overdue: [{from: 2021-05-15, effect: Limits}]\n",
		   "is not an identifier", 24, NULL);
	check_lint("    when_overdue: limited_functionality\n",
		   "    when_overdue: [{from: 2021-05-15, effect: a, by: x}]\n",
		   "unknown field 'by'", 24, NULL);
}

static void test_optout_final_and_audience(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;
	char *text = policy_with("      offered_to: existing_users\n",
				 "      offered_to: all_users\n"
				 "      final: true\n");

	(void)state;
	assert_int_equal(
	    dyd_policy_load(&p, text, strlen(text), "p.yaml", &diags), 0);
	assert_int_equal(p->terms[0].optout->offered_to, OFFERED_ALL_USERS);
	assert_true(p->terms[0].optout->final);
	assert_true(p->terms[0].optout->final_given);
	dyd_policy_free(p);
	free(text);
	/* Without final: the last choice decides, and lint asks. */
	p = NULL;
	assert_int_equal(dyd_policy_load(&p, base_policy,
					 sizeof(base_policy) - 1, "p.yaml",
					 &diags),
			 0);
	assert_false(p->terms[0].optout->final);
	assert_false(p->terms[0].optout->final_given);
	dyd_policy_free(p);
	dyd_diags_release(&diags);
	check_lint("      covers: [ads]\n",
		   "      covers: [ads]\n"
		   "      final: yes\n",
		   "expected true or false, not a string", 20,
		   "/terms/0/optout/final");
}

/* What lint reports of base_policy, which cites nothing. */
static void test_lint_missing_sources(void **state)
{
	static const struct {
		const char *pointer, *phrase;
		unsigned line;
	} want[] = {
	    {"/terms/0", "terms version without a source", 13},
	    {"/terms/0/optout", "opt-out without a source", 17},
	    {"/terms/0/optout", "does not say whether it is final", 17},
	    {"/terms/1", "terms version without a source", 20},
	    {"/terms/1/when_overdue", "consequence without a source", 24},
	    {"/regions/eu", "region without a source", 27},
	    {"/purposes/0", "purpose without a source", 6},
	    {"/purposes/1", "purpose without a source", 9},
	    {"/categories/0/shares/0", "sharing rule without a source", 35},
	    {"/categories/1/shares/0", "sharing rule without a source", 42},
	    {"/categories/2/never", "never entry without a source", 46},
	    {"/sources/0", "source 'doc' is listed but never cited", 52},
	};
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;
	size_t i, k;
	int strict;

	(void)state;
	assert_int_equal(dyd_policy_load(&p, base_policy,
					 sizeof(base_policy) - 1, "p.yaml",
					 &diags),
			 0);
	for (strict = 0; strict < 2; strict++) {
		dyd_diags_clear(&diags);
		assert_int_equal(dyd_policy_lint(p, strict, &diags),
				 strict ? DYD_EINVALID : 0);
		assert_int_equal(diags.count, sizeof(want) / sizeof(want[0]));
		assert_int_equal(diags.errors, strict ? diags.count : 0);
		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			for (k = 0; k < diags.count; k++)
				if (strcmp(diags.items[k].pointer,
					   want[i].pointer) == 0 &&
				    strstr(diags.items[k].message,
					   want[i].phrase))
					break;
			if (k == diags.count)
				fail_msg("no '%s' at %s", want[i].phrase,
					 want[i].pointer);
			assert_int_equal(diags.items[k].line, want[i].line);
			assert_true(diags.items[k].column > 0);
			assert_string_equal(diags.items[k].file, "p.yaml");
			assert_int_equal(diags.items[k].severity,
					 strict ? DYD_ERROR : DYD_WARNING);
		}
	}
	dyd_policy_free(p);
	dyd_diags_release(&diags);
}

/* A quote is a few words; a passage is reported. */
static void test_lint_quote_length(void **state)
{
	char quote[600] = "";
	char repl[800];
	char *text;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;
	size_t i, k;
	int words;

	(void)state;
	for (words = 40; words <= 41; words++) {
		quote[0] = '\0';
		for (i = 0; i < (size_t)words; i++)
			strcat(quote, i ? " word" : "word");
		snprintf(repl, sizeof(repl),
			 "    effective: 2016-08-25\n"
			 "    source: [{ref: doc, quote: \"%s\"}]\n",
			 quote);
		text = policy_with("    effective: 2016-08-25\n", repl);
		p = NULL;
		dyd_diags_clear(&diags);
		assert_int_equal(
		    dyd_policy_load(&p, text, strlen(text), "p.yaml", &diags),
		    0);
		assert_int_equal(dyd_policy_lint(p, false, &diags), 0);
		for (k = 0; k < diags.count; k++)
			if (strstr(diags.items[k].message, "a quote of"))
				break;
		if (words == 40)
			assert_int_equal(k, diags.count);
		else
			assert_non_null(strstr(diags.items[k].message,
					       "a quote of 41 words from "
					       "'doc'"));
		dyd_policy_free(p);
		free(text);
	}
	dyd_diags_release(&diags);
}

/* base_policy with the line find replaced by "    key: VALUE" for each
 * value (in double quotes when quoted): every good one loads, read back
 * as written when it is the url, and every bad one is refused with phrase
 * at line and pointer. */
static void check_values(const char *find, const char *key, bool quoted,
			 const char *const *good, size_t ngood,
			 const char *const *bad, size_t nbad,
			 const char *phrase, unsigned line, const char *pointer)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p;
	char text_line[160], *text;
	size_t i;

	for (i = 0; i < ngood; i++) {
		snprintf(text_line, sizeof(text_line), "    %s: %s%s%s\n", key,
			 quoted ? "\"" : "", good[i], quoted ? "\"" : "");
		text = policy_with(find, text_line);
		p = NULL;
		dyd_diags_clear(&diags);
		if (dyd_policy_load(&p, text, strlen(text), "p.yaml", &diags))
			fail_msg("%s refused: %s", good[i],
				 diags.items[0].message);
		if (strcmp(key, "url") == 0)
			assert_string_equal(p->sources[0].url, good[i]);
		dyd_policy_free(p);
		free(text);
	}
	for (i = 0; i < nbad; i++) {
		snprintf(text_line, sizeof(text_line), "    %s: %s%s%s\n", key,
			 quoted ? "\"" : "", bad[i], quoted ? "\"" : "");
		check_lint(find, text_line, phrase, line, pointer);
	}
	dyd_diags_release(&diags);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A source's date is as precise as the document: a year, a month or a
 * day, each a real one. */
static void test_source_dates_at_their_edges(void **state)
{
	static const char *const good[] = {
	    "\"2016\"",	  "\"0001\"",	"2016-01",    "2016-12",
	    "2016-02-29", "2000-02-29", "2021-12-31",
	};
	static const char *const bad[] = {
	    "\"201\"",
	    "\"20161\"",
	    "2016-00",
	    "2016-13",
	    "2016-1",
	    "2016-001",
	    "2015-02-29",
	    "1900-02-29",
	    "2016-04-31",
	    "2016-02-3",
	    "2016/02",
	    "\"2016-\"",
	    "2016-02-29T00:00:00Z",
	    "\"16-02-29\"",
	    "\"abcd\"",
	};

	(void)state;
	check_values("    date: \"2016\"\n", "date", false, good, COUNT(good),
		     bad, COUNT(bad),
		     "is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", 55,
		     "/sources/0/date");
}

/* An address a reader can follow and that stays one token in text:
 * http or https, something after the scheme, no space, control
 * character, quote or angle bracket. */
static void test_source_addresses(void **state)
{
	static const char *const good[] = {
	    "http://a",
	    "https://example.invalid/a?b=c&d=e#f",
	    "https://example.invalid/%20x",
	};
	static const char *const bad[] = {
	    "http://",	       "https://",	    "ftp://example.invalid",
	    "mailto:a@b.c",    "//example.invalid", "HTTPS://example.invalid",
	    "https://a b",     "https://a\\tb",	    "https://a\\nb",
	    "https://a\\x7fb", "https://a\\\"b",    "https://a<b",
	    "https://a>b",
	};

	(void)state;
	check_values("    url: https://example.invalid/doc\n", "url", true,
		     good, COUNT(good), bad, COUNT(bad),
		     "is not an http:// or https:// address", 56,
		     "/sources/0/url");
}

/* Every field of a source is read as written, and a source's language
 * and note are its own. */
static void test_source_fields_as_written(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;
	char *text = policy_with("    url: https://example.invalid/doc\n",
				 "    url: https://example.invalid/doc\n"
				 "    language: id\n"
				 "    note: {en: undated copy, id: salinan}\n");

	(void)state;
	assert_int_equal(
	    dyd_policy_load(&p, text, strlen(text), "p.yaml", &diags), 0);
	assert_int_equal(diags.count, 0);
	assert_int_equal(p->source_count, 1);
	assert_string_equal(p->sources[0].id, "doc");
	assert_string_equal(p->sources[0].title, "A document");
	assert_string_equal(p->sources[0].publisher, "P");
	assert_string_equal(p->sources[0].date, "2016");
	assert_string_equal(p->sources[0].language, "id");
	assert_string_equal(text_get(&p->sources[0].note, "id"), "salinan");
	assert_string_equal(text_get(&p->sources[0].note, "en"),
			    "undated copy");
	assert_int_equal(p->sources[0].node->line, 52);
	dyd_policy_free(p);
	free(text);
	/* Not a list, or an item that is not an object. */
	check_lint("sources:\n  - id: doc\n", "sources: {}\nx:\n  - id: doc\n",
		   "expected an array", 51, "/sources");
	dyd_diags_release(&diags);
}

/* base_policy with every element citing doc, so that strict lint passes
 * but for what the edit under test breaks. */
static char *cited_policy(void)
{
	static const char *const edits[][2] = {
	    {"    effective: 2016-08-25\n",
	     "    effective: 2016-08-25\n    source: [{ref: doc, quote: a}]\n"},
	    {"      covers: [ads]\n", "      covers: [ads]\n      final: true\n"
				      "      source: [{ref: doc, quote: b}]\n"},
	    {"    effective: 2021-01-04\n",
	     "    effective: 2021-01-04\n    source: [{ref: doc, quote: c}]\n"},
	    {"    when_overdue: limited_functionality\n",
	     "    when_overdue:\n      - {from: 2021-05-15, effect: limited,"
	     " source: [{ref: doc, quote: d}]}\n"},
	    {"    excludes: [ads]\n",
	     "    excludes: [ads]\n    source: [{ref: doc, quote: e}]\n"},
	    {"    description: Infrastructure\n",
	     "    description: Infrastructure\n"
	     "    source: [{ref: doc, quote: f}]\n"},
	    {"    description: Ads\n",
	     "    description: Ads\n    source: [{ref: doc, quote: g}]\n"},
	    {"        purposes: [infra, ads]\n",
	     "        purposes: [infra, ads]\n"
	     "        source: [{ref: doc, quote: h}]\n"},
	    {"        when: {has: business_chats}\n",
	     "        when: {has: business_chats}\n"
	     "        source: [{ref: doc, quote: i}]\n"},
	    {"    never: not shared\n",
	     "    never: not shared\n    source: [{ref: doc, quote: j}]\n"},
	};
	char *text = edit(base_policy, "", ""), *next;
	size_t i;

	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		next = edit(text, edits[i][0], edits[i][1]);
		free(text);
		text = next;
	}
	return text;
}

static dyd_policy *load_text(const char *text)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;

	if (dyd_policy_load(&p, text, strlen(text), "p.yaml", &diags))
		fail_msg("%s", diags.count ? diags.items[0].message : "?");
	dyd_diags_release(&diags);
	return p;
}

/* A policy that cites everything lints clean, strict or not; take one
 * citation away and strict lint names exactly that element. */
static void test_lint_of_a_cited_policy(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char *text = cited_policy(), *less;
	dyd_policy *p = load_text(text);

	(void)state;
	assert_int_equal(dyd_policy_lint(p, true, &diags), 0);
	assert_int_equal(diags.count, 0);
	assert_int_equal(dyd_policy_lint(p, false, &diags), 0);
	assert_int_equal(diags.count, 0);
	assert_int_equal(p->terms[1].effect_count, 1);
	assert_string_equal(p->terms[1].effects[0].cite.pointer,
			    "/terms/1/when_overdue/0");
	dyd_policy_free(p);

	less = edit(text, "    source: [{ref: doc, quote: e}]\n", "");
	p = load_text(less);
	assert_int_equal(dyd_policy_lint(p, true, &diags), DYD_EINVALID);
	assert_int_equal(diags.count, 1);
	assert_int_equal(diags.errors, 1);
	assert_string_equal(diags.items[0].pointer, "/regions/eu");
	assert_non_null(
	    strstr(diags.items[0].message, "region without a source"));
	dyd_policy_free(p);
	free(less);
	dyd_diags_release(&diags);
	free(text);
}

/* Every allocation of a load and of its lint failing in turn: each is
 * DYD_ENOMEM with no policy, never a wrong diagnostic, and nothing is
 * left allocated (the asan and valgrind runs check that); past the last,
 * the policy is whole. */
static void test_out_of_memory(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char *text = cited_policy();
	dyd_policy *p;
	long i;
	int rc;

	(void)state;
	for (i = 0;; i++) {
		p = &sentinel;
		dyd_diags_clear(&diags);
		fail_after(i);
		rc = dyd_policy_load(&p, text, strlen(text), "p.yaml", &diags);
		fail_never();
		if (rc == 0)
			break;
		if (rc != DYD_ENOMEM)
			fail_msg("allocation %ld: result %d, %s", i, rc,
				 diags.count ? diags.items[0].message : "");
		assert_null(p);
	}
	assert_true(i > 10);
	assert_int_equal(diags.count, 0);
	assert_int_equal(p->source_count, 1);
	assert_int_equal(p->terms[0].cite.count, 1);
	for (i = 0;; i++) {
		dyd_diags_clear(&diags);
		fail_after(i);
		rc = dyd_policy_lint(p, true, &diags);
		fail_never();
		if (rc == 0)
			break;
		assert_int_equal(rc, DYD_ENOMEM);
	}
	assert_true(i >= 1); /* the used-source table */
	dyd_policy_free(p);
	free(text);
	dyd_diags_release(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_policy_cites_everything),
	    cmocka_unit_test(test_sources_checks),
	    cmocka_unit_test(test_source_dates_at_their_edges),
	    cmocka_unit_test(test_source_addresses),
	    cmocka_unit_test(test_source_fields_as_written),
	    cmocka_unit_test(test_citation_checks),
	    cmocka_unit_test(test_when_overdue_list),
	    cmocka_unit_test(test_optout_final_and_audience),
	    cmocka_unit_test(test_lint_missing_sources),
	    cmocka_unit_test(test_lint_of_a_cited_policy),
	    cmocka_unit_test(test_lint_quote_length),
	    cmocka_unit_test(test_out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
