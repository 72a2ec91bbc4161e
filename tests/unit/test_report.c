/* SPDX-License-Identifier: MIT */
/* report.json and report.html (report_json.c, report_html.c and the parts
 * of the page): the account data normalised with what is left out listed,
 * what the latest update changed, and one page of sections whose record
 * values can neither run nor load anything nor reorder the text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "policy.h"
#include "render_util.h"
#include "report.h"

struct pages {
	char *json, *html;
	size_t json_len, html_len;
	report_view view;
	tz *zone;
};

static void render(struct pages *p, const struct rendered *r, const char *lang)
{
	dyd_diags diags = DYD_DIAGS_INIT;

	report_view_options o = {lang, NULL, NULL};

	memset(p, 0, sizeof(*p));
	assert_int_equal(tz_load(&p->zone, "UTC", &diags), 0);
	o.zone = p->zone;
	assert_int_equal(report_view_init(&p->view, r->decision, &o), 0);
	assert_int_equal(report_json_render(&p->json, &p->json_len, &p->view),
			 0);
	assert_int_equal(report_html_render(&p->html, &p->html_len, &p->view),
			 0);
	assert_int_equal(strlen(p->json), p->json_len);
	assert_int_equal(strlen(p->html), p->html_len);
	dyd_diags_release(&diags);
}

static void unrender(struct pages *p)
{
	free(p->json);
	free(p->html);
	report_view_release(&p->view);
	tz_free(p->zone);
}

static void test_unknown_fields_left_out_and_listed(void **state)
{
	struct rendered r;
	struct pages p;
	cJSON *root, *account;
	size_t i;
	bool found = false;

	(void)state;
	decide_file(&r, "odd-fields.json", "2021-06-01");
	render(&p, &r, "en");
	root = cJSON_Parse(p.json);
	assert_non_null(root);
	account = cJSON_GetObjectItem(root, "account");
	assert_non_null(account);
	assert_null(cJSON_GetObjectItem(account, "nickname"));
	/* Times in UTC, to the fraction the record gave. */
	assert_string_equal(
	    cJSON_GetStringValue(cJSON_GetObjectItem(account, "registered_at")),
	    "2015-01-10T00:00:00.1Z");
	for (i = 0; i < p.view.omitted_count; i++)
		if (strcmp(p.view.omitted[i].pointer, "/profile/a~1b~0c") == 0)
			found = true;
	assert_true(found); /* a key with '/' and '~', escaped */
	assert_true(p.view.omitted_count >= 5);
	cJSON_Delete(root);
	unrender(&p);
	undecide(&r);
}

/* Whether the policy cites a document at url[0..len), as the page writes
 * it (HTML-escaped: & is &amp;). */
static bool cited_url(const dyd_policy *pol, const char *url, size_t len)
{
	char plain[4096];
	size_t i, n = 0;

	for (i = 0; i < len && n + 1 < sizeof(plain); i++) {
		plain[n++] = url[i];
		if (url[i] == '&' && strncmp(url + i, "&amp;", 5) == 0)
			i += 4;
	}
	plain[n] = 0;
	for (i = 0; i < pol->source_count; i++)
		if (strcmp(pol->sources[i].url, plain) == 0)
			return true;
	return false;
}

/* Every link out of the page is a plain <a> to a document the policy
 * cites, which the browser follows only when the reader clicks it; no
 * other element or value can name an address. */
static size_t assert_links_are_the_sources(const char *html,
					   const dyd_policy *pol)
{
	const char *at = html, *tag, *end;
	size_t links = 0;

	while ((at = strstr(at, "href=\"")) != NULL) {
		at += strlen("href=\"");
		if (*at == '#')
			continue;
		for (tag = at; tag > html && *tag != '<'; tag--)
			;
		assert_int_equal(
		    strncmp(tag, "<a href=\"", strlen("<a href=\"")), 0);
		end = strchr(at, '"');
		assert_non_null(end);
		assert_true(cited_url(pol, at, (size_t)(end - at)));
		assert_int_equal(
		    strncmp(end, "\" rel=\"noreferrer noopener\">",
			    strlen("\" rel=\"noreferrer noopener\">")),
		    0);
		links++;
	}
	return links;
}

static void test_hostile_values_are_inert(void **state)
{
	const char text[] =
	    "{\"account_id\": \"x\", \"phone\": \"+6281234567890\", "
	    "\"registered_at\": \"2015-01-01T00:00:00Z\", \"profile\": "
	    "{\"display_name\": \"<script>alert(1)</script>\\u202Eevil\", "
	    "\"about\": \"\\\" onmouseover=\\\"x\", "
	    "\"photo\": \"https://tracker.example/p.png\"}}";
	struct rendered r;
	struct pages p;

	(void)state;
	decide(&r, text, sizeof(text) - 1, "x.json", "2021-06-01");
	render(&p, &r, "en");
	assert_null(strstr(p.html, "<script"));
	assert_non_null(
	    strstr(p.html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	/* The right-to-left override is shown as what it is, not obeyed:
	 * neither the character nor a reference a browser would turn back
	 * into it is on the page. */
	assert_null(strstr(p.html, "\xe2\x80\xae"));
	assert_null(strstr(p.html, "&#x202E;"));
	assert_non_null(strstr(p.html, "<span class=\"ctl\">U+202E</span>"));
	assert_null(strstr(p.html, "\" onmouseover"));
	assert_non_null(strstr(p.html, "Content-Security-Policy\" "
				       "content=\"default-src 'none';"));
	/* Nothing is fetched: no remote source, link element or style URL
	 * (the SVG namespace names a URL but loads nothing), and the only
	 * addresses are those of the sources' footnotes. */
	assert_null(strstr(p.html, "src=\"http"));
	assert_null(strstr(p.html, "<link"));
	assert_null(strstr(p.html, "url(http"));
	assert_true(assert_links_are_the_sources(p.html, r.policy) > 0);
	unrender(&p);
	undecide(&r);
}

static void test_languages_of_the_page(void **state)
{
	struct rendered r;
	struct pages en, id;

	(void)state;
	decide_file(&r, "siti-rahayu.yaml", "2021-06-01");
	render(&en, &r, "en");
	render(&id, &r, "id");
	assert_non_null(strstr(en.html, "<html lang=\"en\">"));
	assert_non_null(strstr(id.html, "<html lang=\"id\">"));
	/* report.json names the language of report.html beside it. */
	assert_non_null(strstr(en.json, "\n  \"language\": \"en\",\n"));
	assert_non_null(strstr(id.json, "\n  \"language\": \"id\",\n"));
	unrender(&en);
	unrender(&id);
	undecide(&r);
}

/* Every section of the page is in its contents and has its heading, in
 * the order of the contents. */
static void test_sections_and_contents(void **state)
{
	static const char *const ids[] = {"optout",   "update",	  "terms",
					  "sharing",  "business", "data",
					  "timeline", "sources",  "about"};
	struct rendered r;
	struct pages p;
	const char *last = NULL;
	char want[128];
	size_t i;

	(void)state;
	decide_file(&r, "budi-santoso.json", "2026-11-29");
	render(&p, &r, "en");
	for (i = 0; i < sizeof(ids) / sizeof(*ids); i++) {
		const char *at;
		snprintf(want, sizeof(want), "<li><a href=\"#%s\">", ids[i]);
		assert_non_null(strstr(p.html, want));
		snprintf(want, sizeof(want),
			 "<section id=\"%s\" aria-labelledby=\"%s-h\">\n"
			 "<h2 id=\"%s-h\">",
			 ids[i], ids[i], ids[i]);
		at = strstr(p.html, want);
		assert_non_null(at);
		assert_true(!last || at > last);
		last = at;
	}
	assert_non_null(
	    strstr(p.html, "What changed for you with the 2021 update"));
	unrender(&p);
	undecide(&r);
}

/* A "no" is styled as a warning only when an opt-out would have
 * withheld more than the region does anyway. */
static void test_verdict_styles(void **state)
{
	static const struct {
		const char *record, *cls;
	} cases[] = {
	    {"budi-santoso.json", "good"},
	    {"wulan-anggraini.yaml", "warn"},
	    {"lukas-becker.json", "neutral"},
	    {"sophie-dubois.json", "neutral"},
	};
	char want[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct rendered r;
		struct pages p;
		decide_file(&r, cases[i].record, "2026-11-29");
		render(&p, &r, "en");
		snprintf(want, sizeof(want), "<div class=\"answer %s\">",
			 cases[i].cls);
		if (!strstr(p.html, want))
			fail_msg("%s: no %s", cases[i].record, want);
		if (strcmp(cases[i].cls, "neutral") == 0)
			assert_non_null(strstr(p.html, "anyway: opting out "
						       "would not have "
						       "withheld anything "
						       "more."));
		unrender(&p);
		undecide(&r);
	}
}

/* As of a day before some of the record's dated items, each of them is
 * in the account data with a note that it does not count, as events
 * after the as-of instant are. */
static void test_future_items_marked(void **state)
{
	static const char note[] = "after the date of this report; not counted";
	struct rendered r;
	struct pages p;
	const char *at;
	size_t notes = 0;

	(void)state;
	/* budi: two business chats and both transactions are after
	 * 2021-03-01. */
	decide_file(&r, "budi-santoso.json", "2021-03-01");
	render(&p, &r, "en");
	for (at = p.html; (at = strstr(at, note)); at++)
		notes++;
	assert_int_equal(notes, p.view.events_after_as_of +
				    p.view.items[0].future_count +
				    p.view.items[1].future_count +
				    p.view.items[2].future_count);
	assert_true(p.view.items[0].future_count >= 1);
	assert_true(p.view.items[1].future_count >= 1);
	unrender(&p);
	undecide(&r);
}

/* report.json's "update": what the latest terms update changed. */
static void test_update_in_json(void **state)
{
	struct rendered r;
	struct pages p;
	cJSON *root, *u, *gained, *it;
	bool ip = false;

	(void)state;
	decide_file(&r, "budi-santoso.json", "2026-11-29");
	render(&p, &r, "en");
	root = cJSON_Parse(p.json);
	u = cJSON_GetObjectItem(root, "update");
	assert_string_equal(
	    cJSON_GetStringValue(cJSON_GetObjectItem(u, "terms")),
	    "2021-01-04");
	assert_string_equal(
	    cJSON_GetStringValue(cJSON_GetObjectItem(u, "state")), "compared");
	assert_string_equal(
	    cJSON_GetStringValue(cJSON_GetObjectItem(u, "compared_with")),
	    "2021-01-03T23:59:59.999999999Z");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(u, "optout_unchanged")));
	gained = cJSON_GetObjectItem(u, "became_shared");
	cJSON_ArrayForEach(it, gained) ip |=
	    strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(it, "category")),
		   "ip_address") == 0;
	assert_true(ip);
	cJSON_Delete(root);
	unrender(&p);
	undecide(&r);

	decide_file(&r, "putri-maharani.yaml", "2026-11-29");
	render(&p, &r, "en");
	root = cJSON_Parse(p.json);
	u = cJSON_GetObjectItem(root, "update");
	assert_string_equal(
	    cJSON_GetStringValue(cJSON_GetObjectItem(u, "state")),
	    "registered_after");
	assert_null(cJSON_GetObjectItem(u, "became_shared"));
	assert_non_null(strstr(p.html, "there is no earlier state to compare"));
	cJSON_Delete(root);
	unrender(&p);
	undecide(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unknown_fields_left_out_and_listed),
	    cmocka_unit_test(test_hostile_values_are_inert),
	    cmocka_unit_test(test_languages_of_the_page),
	    cmocka_unit_test(test_sections_and_contents),
	    cmocka_unit_test(test_verdict_styles),
	    cmocka_unit_test(test_future_items_marked),
	    cmocka_unit_test(test_update_in_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
