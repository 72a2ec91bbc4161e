/* SPDX-License-Identifier: MIT */
/* The evaluator (SPEC 3.3) with the default policy: small records, chosen
 * as-of instants, and the decision read back through its JSON form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"

/* Default policy indices. */
enum { CAT_BUSINESS_MESSAGES = 7 };

static dyd_decision sentinel;

static int setup(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;
	int rc = dyd_policy_load_default(&p, &diags);

	dyd_diags_release(&diags);
	*state = p;
	return rc;
}

static int teardown(void **state)
{
	dyd_policy_free(*state);
	return 0;
}

struct eval {
	dyd_record *rec;
	dyd_decision *dec;
	char *text;
	cJSON *json;
};

static dyd_time instant(const char *text)
{
	dyd_time t;

	if (dyd_time_parse(text, strlen(text), true, &t))
		fail_msg("bad instant '%s'", text);
	return t;
}

static void print_diags(const dyd_diags *diags)
{
	size_t i;

	for (i = 0; i < diags->count; i++) {
		char *line = dyd_diag_format(&diags->items[i]);
		print_message("  %s\n", line ? line : "?");
		free(line);
	}
}

static dyd_record *load(const dyd_policy *p, const char *yaml)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *rec = NULL;

	if (dyd_record_load(&rec, yaml, strlen(yaml), "rec.yaml", p, NULL,
			    &diags)) {
		print_diags(&diags);
		fail_msg("record rejected");
	}
	dyd_diags_release(&diags);
	return rec;
}

static void eval(struct eval *e, const dyd_policy *p, const char *yaml,
		 const char *as_of)
{
	dyd_diags diags = DYD_DIAGS_INIT;

	memset(e, 0, sizeof(*e));
	e->rec = load(p, yaml);
	if (dyd_evaluate(&e->dec, e->rec, p, instant(as_of), &diags)) {
		print_diags(&diags);
		fail_msg("evaluation failed");
	}
	assert_int_equal(diags.count, 0);
	e->text = dyd_decision_to_json(e->dec);
	assert_non_null(e->text);
	e->json = cJSON_Parse(e->text);
	assert_non_null(e->json);
	dyd_diags_release(&diags);
}

static void eval_free(struct eval *e)
{
	cJSON_Delete(e->json);
	free(e->text);
	dyd_decision_free(e->dec);
	dyd_record_free(e->rec);
}

/* A JSON pointer into a cJSON tree; NULL when it leads nowhere. */
static const cJSON *jp(const cJSON *node, const char *ptr)
{
	char seg[64];
	size_t n;

	while (node && *ptr == '/') {
		n = strcspn(ptr + 1, "/");
		assert_true(n < sizeof(seg));
		memcpy(seg, ptr + 1, n);
		seg[n] = '\0';
		ptr += 1 + n;
		if (cJSON_IsArray(node))
			node = cJSON_GetArrayItem(node, atoi(seg));
		else
			node = cJSON_GetObjectItemCaseSensitive(node, seg);
	}
	return node;
}

static void check_str(const cJSON *root, const char *ptr, const char *want)
{
	const cJSON *n = jp(root, ptr);

	if (!cJSON_IsString(n))
		fail_msg("%s is not a string", ptr);
	if (strcmp(n->valuestring, want) != 0)
		fail_msg("%s is '%s', not '%s'", ptr, n->valuestring, want);
}

static void check_bool(const cJSON *root, const char *ptr, bool want)
{
	const cJSON *n = jp(root, ptr);

	if (!cJSON_IsBool(n))
		fail_msg("%s is not a boolean", ptr);
	if (cJSON_IsTrue(n) != want)
		fail_msg("%s is %s", ptr, want ? "false" : "true");
}

static void check_absent(const cJSON *root, const char *ptr)
{
	if (jp(root, ptr))
		fail_msg("%s is present", ptr);
}

static void check_count(const cJSON *root, const char *ptr, int want)
{
	const cJSON *n = jp(root, ptr);

	if (!cJSON_IsArray(n))
		fail_msg("%s is not an array", ptr);
	if (cJSON_GetArraySize(n) != want)
		fail_msg("%s has %d items, not %d", ptr, cJSON_GetArraySize(n),
			 want);
}

/* The category with id, in the decision's categories. */
static const cJSON *category(const struct eval *e, const char *id)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, jp(e->json, "/categories"))
	{
		if (strcmp(cJSON_GetObjectItem(c, "id")->valuestring, id) == 0)
			return c;
	}
	fail_msg("no category '%s'", id);
	return NULL;
}

/* The cell of purpose in category id. */
static const cJSON *cell(const struct eval *e, const char *id,
			 const char *purpose)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, jp(category(e, id), "/purposes"))
	{
		if (strcmp(cJSON_GetObjectItem(c, "purpose")->valuestring,
			   purpose) == 0)
			return c;
	}
	fail_msg("no purpose '%s' in category '%s'", purpose, id);
	return NULL;
}

static void check_shared(const struct eval *e, const char *id,
			 const char *purpose, const char *since)
{
	const cJSON *c = cell(e, id, purpose);

	check_str(c, "/status", "shared");
	check_str(c, "/since", since);
	check_absent(c, "/withheld_by");
}

static void check_withheld(const struct eval *e, const char *id,
			   const char *purpose, const char *by)
{
	const cJSON *c = cell(e, id, purpose);

	check_str(c, "/status", "withheld");
	check_str(c, "/withheld_by", by);
	check_absent(c, "/since");
}

#define HEAD(registered)                                                       \
	"account_id: alice\n"                                                  \
	"phone: '+6281234567890'\n"                                            \
	"registered_at: " registered "\n"

/* An existing user who accepted the 2016 terms at this instant. */
#define ACCEPTED "2016-09-01T10:00:00Z"
#define EXISTING                                                               \
	HEAD("2015-01-01T00:00:00Z")                                           \
	"events:\n"                                                            \
	"  - {type: terms_accepted, terms: '2016-08-25', at: " ACCEPTED "}\n"

static void test_opted_out_in_window(void **state)
{
	const dyd_policy *p = *state;
	struct eval e;
	const cJSON *j;

	eval(&e, p,
	     EXISTING "  - {type: optout, at: 2016-09-10T00:00:00+07:00, "
		      "channel: settings}\n",
	     "2021-06-01");
	j = e.json;
	check_str(j, "/format", "dyd.decision/v1");
	check_str(j, "/account_id", "alice");
	check_str(j, "/as_of", "2021-06-01T00:00:00Z");
	check_str(j, "/policy/id", "whatsapp-facebook-2021");
	check_str(j, "/policy/sha256", dyd_policy_sha256(p));
	check_str(j, "/optout/terms", "2016-08-25");
	check_count(j, "/optout/covers", 1);
	check_str(j, "/optout/covers/0", "ads_and_products");
	check_str(j, "/optout/status", "opted_out");
	check_str(j, "/optout/reason", "optout_in_window");
	check_str(j, "/optout/window/start", "2016-09-01T10:00:00Z");
	check_str(j, "/optout/window/end", "2016-10-01T10:00:00Z");
	check_bool(j, "/optout/window_open", false);
	check_str(j, "/optout/choice/type", "optout");
	check_str(j, "/optout/choice/at", "2016-09-09T17:00:00Z");
	check_str(j, "/optout/choice/channel", "settings");
	check_str(j, "/optout/choice/event", "/events/1");
	check_count(j, "/optout/ignored_requests", 0);

	check_str(j, "/terms/0/status", "accepted");
	check_str(j, "/terms/0/how", "explicit");
	check_str(j, "/terms/0/accepted_at", ACCEPTED);
	check_str(j, "/terms/0/event", "/events/0");

	check_count(j, "/withheld_purposes", 1);
	check_str(j, "/withheld_purposes/0/purpose", "ads_and_products");
	check_str(j, "/withheld_purposes/0/withheld_by", "opt_out");

	check_shared(&e, "phone_number", "infrastructure", ACCEPTED);
	check_shared(&e, "phone_number", "analytics", ACCEPTED);
	check_withheld(&e, "phone_number", "ads_and_products", "opt_out");
	check_str(cell(&e, "phone_number", "infrastructure"), "/rule",
		  "/categories/0/shares/0");
	check_bool(category(&e, "phone_number"), "/shared", true);

	/* The struct says the same. */
	assert_int_equal(e.dec->optout.status, OPTOUT_OPTED_OUT);
	assert_int_equal(e.dec->optout.reason, REASON_OPTOUT_IN_WINDOW);
	assert_non_null(e.dec->optout.choice);
	assert_int_equal(e.dec->optout.choice->index, 1);
	assert_int_equal(e.dec->withheld_count, 1);
	assert_int_equal(e.dec->withheld[0].by, WITHHELD_OPT_OUT);
	eval_free(&e);
}

static void test_first_optout_is_final(void **state)
{
	const dyd_policy *p = *state;
	struct eval e;

	/* Opt-out, then opt-in in the window: the opt-out was final. */
	eval(&e, p,
	     EXISTING "  - {type: optout, at: 2016-09-05T00:00:00Z, channel: "
		      "settings}\n"
		      "  - {type: optin, at: 2016-09-20T00:00:00Z, channel: "
		      "settings}\n",
	     "2021-06-01");
	check_bool(e.json, "/optout/final", true);
	check_str(e.json, "/optout/status", "opted_out");
	check_str(e.json, "/optout/reason", "optout_in_window");
	check_str(e.json, "/optout/choice/type", "optout");
	check_str(e.json, "/optout/choice/event", "/events/1");
	check_count(e.json, "/optout/ignored_requests", 1);
	check_str(e.json, "/optout/ignored_requests/0/event", "/events/2");
	check_str(e.json, "/optout/ignored_requests/0/why",
		  "already_opted_out");
	check_withheld(&e, "phone_number", "ads_and_products", "opt_out");
	eval_free(&e);

	/* Opt-out twice: the first decides, the second is ignored; a later
	 * request after the window is after_window, not already_opted_out. */
	eval(&e, p,
	     EXISTING "  - {type: optout, at: 2016-09-20T00:00:00Z, channel: "
		      "support}\n"
		      "  - {type: optout, at: 2016-09-05T00:00:00Z, channel: "
		      "settings}\n"
		      "  - {type: optin, at: 2016-10-01T10:00:00Z, channel: "
		      "settings}\n",
	     "2021-06-01");
	check_str(e.json, "/optout/choice/event", "/events/2");
	check_str(e.json, "/optout/choice/channel", "settings");
	check_count(e.json, "/optout/ignored_requests", 2);
	check_str(e.json, "/optout/ignored_requests/0/event", "/events/1");
	check_str(e.json, "/optout/ignored_requests/0/why",
		  "already_opted_out");
	check_str(e.json, "/optout/ignored_requests/1/event", "/events/3");
	check_str(e.json, "/optout/ignored_requests/1/why", "after_window");
	eval_free(&e);

	/* Opt-in, then opt-out: the opt-out decides; the opt-in it
	 * overrode is not listed. */
	eval(&e, p,
	     EXISTING "  - {type: optin, at: 2016-09-05T00:00:00Z, channel: "
		      "settings}\n"
		      "  - {type: optout, at: 2016-09-20T00:00:00Z, channel: "
		      "support}\n",
	     "2021-06-01");
	check_str(e.json, "/optout/status", "opted_out");
	check_str(e.json, "/optout/choice/event", "/events/2");
	check_count(e.json, "/optout/ignored_requests", 0);
	eval_free(&e);

	/* Opt-ins only: the last decides, not_opted_out. */
	eval(&e, p,
	     EXISTING "  - {type: optin, at: 2016-09-05T00:00:00Z, channel: "
		      "settings}\n"
		      "  - {type: optin, at: 2016-09-06T00:00:00Z, channel: "
		      "support}\n",
	     "2021-06-01");
	check_str(e.json, "/optout/status", "not_opted_out");
	check_str(e.json, "/optout/reason", "optin_in_window");
	check_str(e.json, "/optout/choice/event", "/events/2");
	check_count(e.json, "/optout/ignored_requests", 0);
	check_shared(&e, "phone_number", "ads_and_products", ACCEPTED);
	eval_free(&e);

	/* As of a day after the first opt-out, the later opt-in does not
	 * exist yet. */
	eval(&e, p,
	     EXISTING "  - {type: optout, at: 2016-09-05T00:00:00Z, channel: "
		      "settings}\n"
		      "  - {type: optin, at: 2016-09-20T00:00:00Z, channel: "
		      "settings}\n",
	     "2016-09-06");
	check_str(e.json, "/optout/status", "opted_out");
	check_count(e.json, "/optout/ignored_requests", 0);
	eval_free(&e);
}

/* The default policy with a different opt-out: final and offered_to
 * replaced by the given lines. */
static dyd_policy *policy_variant(const char *final, const char *offered)
{
	size_t len;
	const char *src = dyd_default_policy_source(&len);
	const char *a = strstr(src, "      final: true\n");
	const char *b = strstr(src, "      offered_to: existing_users\n");
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;
	char *text;
	size_t n = 0;

	assert_non_null(a);
	assert_non_null(b);
	assert_true(b < a);
	text = malloc(len + strlen(final) + strlen(offered) + 1);
	assert_non_null(text);
	memcpy(text, src, (size_t)(b - src));
	n = (size_t)(b - src);
	memcpy(text + n, offered, strlen(offered));
	n += strlen(offered);
	b += strlen("      offered_to: existing_users\n");
	memcpy(text + n, b, (size_t)(a - b));
	n += (size_t)(a - b);
	memcpy(text + n, final, strlen(final));
	n += strlen(final);
	a += strlen("      final: true\n");
	memcpy(text + n, a, len - (size_t)(a - src));
	n += len - (size_t)(a - src);
	if (dyd_policy_load(&p, text, n, "variant.yaml", &diags)) {
		print_diags(&diags);
		fail_msg("policy variant rejected");
	}
	free(text);
	dyd_diags_release(&diags);
	return p;
}

static void test_last_choice_when_not_final(void **state)
{
	static const char *const finals[] = {"      final: false\n", ""};
	struct eval e;
	size_t i;

	(void)state;
	/* final: false, and no final at all: the last in-window request
	 * decides and the ones it overrode are not listed. */
	for (i = 0; i < 2; i++) {
		dyd_policy *p = policy_variant(
		    finals[i], "      offered_to: existing_users\n");
		eval(&e, p,
		     EXISTING "  - {type: optout, at: 2016-09-05T00:00:00Z, "
			      "channel: settings}\n"
			      "  - {type: optin, at: 2016-09-20T00:00:00Z, "
			      "channel: settings}\n",
		     "2021-06-01");
		check_bool(e.json, "/optout/final", false);
		check_str(e.json, "/optout/status", "not_opted_out");
		check_str(e.json, "/optout/reason", "optin_in_window");
		check_str(e.json, "/optout/choice/event", "/events/2");
		check_count(e.json, "/optout/ignored_requests", 0);
		check_shared(&e, "phone_number", "ads_and_products", ACCEPTED);
		eval_free(&e);
		eval(&e, p,
		     EXISTING "  - {type: optout, at: 2016-09-05T00:00:00Z, "
			      "channel: settings}\n"
			      "  - {type: optout, at: 2016-09-20T00:00:00Z, "
			      "channel: support}\n",
		     "2021-06-01");
		check_str(e.json, "/optout/status", "opted_out");
		check_str(e.json, "/optout/choice/event", "/events/2");
		check_count(e.json, "/optout/ignored_requests", 0);
		eval_free(&e);
		dyd_policy_free(p);
	}
}

static void test_offered_to_all_users(void **state)
{
	dyd_policy *p = policy_variant("      final: true\n",
				       "      offered_to: all_users\n");
	struct eval e;

	(void)state;
	/* Registered after the terms took effect: offered anyway, with a
	 * window from the acceptance at registration. */
	eval(&e, p,
	     HEAD("2019-03-10T03:00:00Z") "events:\n"
					  "  - {type: optout, at: "
					  "2019-04-09T02:59:59Z, channel: "
					  "settings}\n",
	     "2021-06-01");
	check_str(e.json, "/optout/offered_to", "all_users");
	check_str(e.json, "/optout/status", "opted_out");
	check_str(e.json, "/optout/window/start", "2019-03-10T03:00:00Z");
	check_str(e.json, "/optout/window/end", "2019-04-09T03:00:00Z");
	check_withheld(&e, "phone_number", "ads_and_products", "opt_out");
	eval_free(&e);
	/* An existing user who never accepted still has no window. */
	eval(&e, p, HEAD("2015-01-01T00:00:00Z"), "2021-06-01");
	check_str(e.json, "/optout/reason", "terms_not_accepted");
	eval_free(&e);
	/* Before the terms took effect, nothing was offered yet. */
	eval(&e, p, HEAD("2015-01-01T00:00:00Z"), "2016-01-01");
	check_str(e.json, "/optout/reason", "before_offer");
	eval_free(&e);
	dyd_policy_free(p);

	/* The default policy offered it to existing users only. */
	eval(&e, *state, HEAD("2019-03-10T03:00:00Z"), "2021-06-01");
	check_str(e.json, "/optout/offered_to", "existing_users");
	check_str(e.json, "/optout/reason", "registered_after_offer");
	eval_free(&e);
}

static void test_no_choice(void **state)
{
	const dyd_policy *p = *state;
	struct eval e;

	eval(&e, p, EXISTING, "2021-06-01");
	check_str(e.json, "/optout/status", "not_opted_out");
	check_str(e.json, "/optout/reason", "no_choice_in_window");
	check_str(e.json, "/optout/window/start", ACCEPTED);
	check_str(e.json, "/optout/window/end", "2016-10-01T10:00:00Z");
	check_absent(e.json, "/optout/choice");
	check_bool(e.json, "/optout/window_open", false);
	check_count(e.json, "/optout/ignored_requests", 0);
	assert_null(e.dec->optout.choice);
	eval_free(&e);
}

static void test_window_boundaries(void **state)
{
	const dyd_policy *p = *state;
	struct eval e;

	/* Exactly at acceptance: inside (start inclusive). */
	eval(&e, p,
	     EXISTING "  - {type: optout, at: " ACCEPTED ", channel: "
		      "checkbox}\n",
	     "2021-06-01");
	check_str(e.json, "/optout/status", "opted_out");
	check_str(e.json, "/optout/choice/channel", "checkbox");
	eval_free(&e);

	/* One nanosecond before the end: inside. */
	eval(&e, p,
	     EXISTING "  - {type: optout, at: 2016-10-01T09:59:59.999999999Z, "
		      "channel: settings}\n",
	     "2021-06-01");
	check_str(e.json, "/optout/status", "opted_out");
	check_str(e.json, "/optout/choice/at",
		  "2016-10-01T09:59:59.999999999Z");
	eval_free(&e);

	/* Exactly at +30 days: after the window, ignored. */
	eval(&e, p,
	     EXISTING "  - {type: optout, at: 2016-10-01T10:00:00Z, channel: "
		      "settings}\n",
	     "2021-06-01");
	check_str(e.json, "/optout/status", "not_opted_out");
	check_str(e.json, "/optout/reason", "no_choice_in_window");
	check_absent(e.json, "/optout/choice");
	check_count(e.json, "/optout/ignored_requests", 1);
	check_str(e.json, "/optout/ignored_requests/0/type", "optout");
	check_str(e.json, "/optout/ignored_requests/0/at",
		  "2016-10-01T10:00:00Z");
	check_str(e.json, "/optout/ignored_requests/0/channel", "settings");
	check_str(e.json, "/optout/ignored_requests/0/event", "/events/1");
	check_str(e.json, "/optout/ignored_requests/0/why", "after_window");
	check_shared(&e, "phone_number", "ads_and_products", ACCEPTED);
	eval_free(&e);

	/* Before acceptance (but after registration): before the window;
	 * ignored requests in time order. */
	eval(&e, p,
	     EXISTING "  - {type: optout, at: 2017-01-01T00:00:00Z, channel: "
		      "support}\n"
		      "  - {type: optout, at: 2016-09-01T09:59:59Z, channel: "
		      "support}\n",
	     "2021-06-01");
	check_str(e.json, "/optout/reason", "no_choice_in_window");
	check_count(e.json, "/optout/ignored_requests", 2);
	check_str(e.json, "/optout/ignored_requests/0/why", "before_window");
	check_str(e.json, "/optout/ignored_requests/0/event", "/events/2");
	check_str(e.json, "/optout/ignored_requests/1/why", "after_window");
	check_str(e.json, "/optout/ignored_requests/1/event", "/events/1");
	eval_free(&e);
}

static void test_window_open_and_as_of(void **state)
{
	const dyd_policy *p = *state;
	struct eval e;

	eval(&e, p, EXISTING, ACCEPTED);
	check_bool(e.json, "/optout/window_open", true);
	eval_free(&e);
	eval(&e, p, EXISTING, "2016-10-01T09:59:59.999999999Z");
	check_bool(e.json, "/optout/window_open", true);
	eval_free(&e);
	eval(&e, p, EXISTING, "2016-10-01T10:00:00Z");
	check_bool(e.json, "/optout/window_open", false);
	eval_free(&e);

	/* Events after the as-of instant do not exist yet. */
	eval(&e, p,
	     EXISTING "  - {type: optout, at: 2016-09-10T00:00:00Z, channel: "
		      "settings}\n",
	     "2016-09-05");
	check_str(e.json, "/optout/reason", "no_choice_in_window");
	check_bool(e.json, "/optout/window_open", true);
	check_count(e.json, "/optout/ignored_requests", 0);
	eval_free(&e);
	eval(&e, p,
	     EXISTING "  - {type: optout, at: 2016-09-10T00:00:00Z, channel: "
		      "settings}\n",
	     "2016-09-10");
	check_str(e.json, "/optout/reason", "optout_in_window");
	eval_free(&e);
	/* Acceptance after the as-of instant: not accepted yet. */
	eval(&e, p, EXISTING, "2016-09-01T09:59:59Z");
	check_str(e.json, "/optout/reason", "terms_not_accepted");
	check_str(e.json, "/terms/0/status", "pending");
	eval_free(&e);
}

static void test_terms_not_accepted(void **state)
{
	const dyd_policy *p = *state;
	struct eval e;

	eval(&e, p,
	     HEAD("2015-01-01T00:00:00Z") "events:\n"
					  "  - {type: optout, at: "
					  "2016-09-02T00:00:00Z, channel: "
					  "support}\n",
	     "2017-01-01");
	check_str(e.json, "/optout/status", "not_opted_out");
	check_str(e.json, "/optout/reason", "terms_not_accepted");
	check_absent(e.json, "/optout/window");
	check_bool(e.json, "/optout/window_open", false);
	check_count(e.json, "/optout/ignored_requests", 1);
	check_str(e.json, "/optout/ignored_requests/0/why",
		  "terms_not_accepted");
	/* No deadline: pending, and no deadline key. */
	check_str(e.json, "/terms/0/status", "pending");
	check_absent(e.json, "/terms/0/deadline");
	check_absent(e.json, "/terms/0/accepted_at");
	check_withheld(&e, "phone_number", "infrastructure",
		       "terms_not_accepted");
	check_bool(category(&e, "phone_number"), "/shared", false);
	check_str(e.json, "/terms/1/status", "not_yet_effective");
	check_str(e.json, "/terms/1/deadline", "2021-05-15T00:00:00Z");
	eval_free(&e);
}

static void test_before_offer(void **state)
{
	const dyd_policy *p = *state;
	struct eval e;
	const char *rec =
	    HEAD("2015-01-01T00:00:00Z") "events:\n"
					 "  - {type: optout, at: "
					 "2016-08-01T00:00:00Z, channel: "
					 "support}\n";

	eval(&e, p, rec, "2016-08-24T23:59:59.999999999Z");
	check_str(e.json, "/optout/status", "not_offered");
	check_str(e.json, "/optout/reason", "before_offer");
	check_absent(e.json, "/optout/window");
	check_count(e.json, "/optout/ignored_requests", 1);
	check_str(e.json, "/optout/ignored_requests/0/why", "not_offered");
	check_str(e.json, "/terms/0/status", "not_yet_effective");
	check_str(e.json, "/terms/0/effective", "2016-08-25T00:00:00Z");
	check_absent(e.json, "/terms/0/deadline");
	check_str(e.json, "/terms/1/status", "not_yet_effective");
	check_str(e.json, "/terms/1/deadline", "2021-05-15T00:00:00Z");
	eval_free(&e);

	/* From the effective instant on, it is offered. */
	eval(&e, p, rec, "2016-08-25");
	check_str(e.json, "/optout/reason", "terms_not_accepted");
	check_str(e.json, "/terms/0/status", "pending");
	check_str(e.json, "/optout/ignored_requests/0/why",
		  "terms_not_accepted");
	eval_free(&e);
}

static void test_registered_after_offer(void **state)
{
	const dyd_policy *p = *state;
	struct eval e;

	eval(&e, p,
	     HEAD("2016-08-25T00:00:00Z") "events:\n"
					  "  - {type: optout, at: "
					  "2016-08-26T00:00:00Z, channel: "
					  "settings}\n",
	     "2021-06-01");
	check_str(e.json, "/optout/status", "not_offered");
	check_str(e.json, "/optout/reason", "registered_after_offer");
	check_absent(e.json, "/optout/window");
	check_str(e.json, "/optout/ignored_requests/0/why", "not_offered");
	check_count(e.json, "/withheld_purposes", 0);
	check_str(e.json, "/terms/0/status", "accepted");
	check_str(e.json, "/terms/0/how", "at_registration");
	check_str(e.json, "/terms/0/accepted_at", "2016-08-25T00:00:00Z");
	check_absent(e.json, "/terms/0/event");
	check_shared(&e, "phone_number", "ads_and_products",
		     "2016-08-25T00:00:00Z");
	eval_free(&e);

	/* One nanosecond earlier: an existing user. */
	eval(&e, p, HEAD("2016-08-24T23:59:59.999999999Z"), "2021-06-01");
	check_str(e.json, "/optout/reason", "terms_not_accepted");
	check_str(e.json, "/terms/0/status", "pending");
	eval_free(&e);
}

static void test_deadline(void **state)
{
	const dyd_policy *p = *state;
	struct eval e;

	eval(&e, p, EXISTING, "2021-01-03T23:59:59Z");
	check_str(e.json, "/terms/1/status", "not_yet_effective");
	eval_free(&e);
	eval(&e, p, EXISTING, "2021-01-04");
	check_str(e.json, "/terms/1/status", "pending");
	check_str(e.json, "/terms/1/deadline", "2021-05-15T00:00:00Z");
	eval_free(&e);
	/* Exactly at the deadline: still pending, no consequence. */
	eval(&e, p, EXISTING, "2021-05-15T00:00:00Z");
	check_str(e.json, "/terms/1/status", "pending");
	check_absent(e.json, "/terms/1/effect");
	assert_int_equal(e.dec->terms[1].status, TERMS_PENDING);
	assert_null(e.dec->terms[1].effect);
	eval_free(&e);
	/* Just past it: overdue. */
	eval(&e, p, EXISTING, "2021-05-15T00:00:00.000000001Z");
	check_str(e.json, "/terms/1/status", "overdue");
	check_str(e.json, "/terms/1/deadline", "2021-05-15T00:00:00Z");
	check_str(e.json, "/terms/1/effect", "limited_functionality");
	check_withheld(&e, "ip_address", "infrastructure",
		       "terms_not_accepted");
	eval_free(&e);
	/* Accepted late: accepted, not overdue. */
	eval(&e, p,
	     EXISTING "  - {type: terms_accepted, terms: '2021-01-04', at: "
		      "2021-06-01T00:00:00Z}\n",
	     "2021-07-01");
	check_str(e.json, "/terms/1/status", "accepted");
	check_str(e.json, "/terms/1/how", "explicit");
	check_str(e.json, "/terms/1/event", "/events/1");
	check_shared(&e, "ip_address", "safety", "2021-06-01T00:00:00Z");
	/* The first acceptance of the 2016 terms still decides since. */
	check_shared(&e, "phone_number", "safety", ACCEPTED);
	eval_free(&e);
}

/* What an overdue account faces depends on the as-of date: each dated
 * consequence is in force from its 'from' instant (inclusive) to the
 * next one's. */
static void test_overdue_effect_by_date(void **state)
{
	static const struct {
		const char *as_of, *effect, *from, *rule;
	} at[] = {
	    {"2021-05-15T00:00:00.000000001Z", "limited_functionality",
	     "2021-05-15T00:00:00Z", "/terms/1/when_overdue/0"},
	    {"2021-05-20", "limited_functionality", "2021-05-15T00:00:00Z",
	     "/terms/1/when_overdue/0"},
	    {"2021-05-27T23:59:59.999999999Z", "limited_functionality",
	     "2021-05-15T00:00:00Z", "/terms/1/when_overdue/0"},
	    {"2021-05-28T00:00:00Z", "reminders_only", "2021-05-28T00:00:00Z",
	     "/terms/1/when_overdue/1"},
	    {"2021-07-01", "reminders_only", "2021-05-28T00:00:00Z",
	     "/terms/1/when_overdue/1"},
	};
	const dyd_policy *p = *state;
	struct eval e;
	size_t i;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		eval(&e, p, EXISTING, at[i].as_of);
		check_str(e.json, "/terms/1/status", "overdue");
		check_str(e.json, "/terms/1/effect", at[i].effect);
		check_str(e.json, "/terms/1/effect_from", at[i].from);
		check_str(e.json, "/terms/1/effect_rule", at[i].rule);
		assert_ptr_equal(
		    e.dec->terms[1].effect,
		    &p->terms[1].effects[e.dec->terms[1].effect_index]);
		eval_free(&e);
	}
}

/* The start of a small policy with one purpose, a. */
#define SMALL_POLICY(id)                                                       \
	"format: dyd.policy/v1\n"                                              \
	"id: " id "\n"                                                         \
	"service: S\n"                                                         \
	"parent_company: P\n"                                                  \
	"purposes: [{id: a, label: A, description: D}]\n"

static void test_overdue_effect_forms(void **state)
{
	static const char head[] =
	    SMALL_POLICY("o") "categories: [{id: c, label: C, description: D, "
			      "fields: [phone],\n"
			      "  shares: [{since: t, purposes: [a]}]}]\n"
			      "terms:\n"
			      "  - {id: t, title: T, effective: 2021-01-04,\n"
			      "     acceptance_deadline: 2021-05-15,\n";
	static const char *const tails[] = {
	    /* The plain form: in force from the deadline. */
	    "     when_overdue: limited_functionality}\n",
	    /* Nothing in force before the first date. */
	    "     when_overdue: [{from: 2021-06-01, effect: blocked}]}\n",
	};
	char text[1024];
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p;
	struct eval e;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		p = NULL;
		snprintf(text, sizeof(text), "%s%s", head, tails[i]);
		if (dyd_policy_load(&p, text, strlen(text), "o.yaml", &diags)) {
			print_diags(&diags);
			fail_msg("policy rejected");
		}
		eval(&e, p, HEAD("2015-01-01T00:00:00Z"), "2021-05-20");
		check_str(e.json, "/terms/0/status", "overdue");
		if (i == 0) {
			check_str(e.json, "/terms/0/effect",
				  "limited_functionality");
			check_str(e.json, "/terms/0/effect_from",
				  "2021-05-15T00:00:00Z");
			check_str(e.json, "/terms/0/effect_rule",
				  "/terms/0/when_overdue");
		} else {
			check_absent(e.json, "/terms/0/effect");
			check_absent(e.json, "/terms/0/effect_from");
			assert_null(e.dec->terms[0].effect);
		}
		eval_free(&e);
		if (i == 1) {
			eval(&e, p, HEAD("2015-01-01T00:00:00Z"), "2021-06-01");
			check_str(e.json, "/terms/0/effect", "blocked");
			eval_free(&e);
		}
		dyd_policy_free(p);
	}
	dyd_diags_release(&diags);
}

static void test_at_registration(void **state)
{
	const dyd_policy *p = *state;
	struct eval e;

	eval(&e, p, HEAD("2021-02-01T08:00:00+07:00"), "2021-06-01");
	check_str(e.json, "/terms/0/status", "accepted");
	check_str(e.json, "/terms/0/how", "at_registration");
	check_str(e.json, "/terms/0/accepted_at", "2021-02-01T01:00:00Z");
	check_str(e.json, "/terms/1/status", "accepted");
	check_str(e.json, "/terms/1/how", "at_registration");
	check_str(e.json, "/terms/1/accepted_at", "2021-02-01T01:00:00Z");
	check_str(e.json, "/optout/reason", "registered_after_offer");
	/* since: the later of effective and acceptance. */
	check_shared(&e, "phone_number", "infrastructure",
		     "2021-02-01T01:00:00Z");
	check_shared(&e, "ip_address", "safety", "2021-02-01T01:00:00Z");
	assert_true(e.dec->terms[1].at_registration);
	assert_null(e.dec->terms[1].event);
	eval_free(&e);

	/* Registered after 2016 but before 2021: only the first at
	 * registration; explicit 2021 acceptance dates the 2021 rules. */
	eval(&e, p,
	     HEAD("2018-03-03T00:00:00Z") "events:\n"
					  "  - {type: terms_accepted, terms: "
					  "'2021-01-04', at: "
					  "2021-02-10T00:00:00Z}\n",
	     "2021-06-01");
	check_str(e.json, "/terms/0/how", "at_registration");
	check_str(e.json, "/terms/0/accepted_at", "2018-03-03T00:00:00Z");
	check_str(e.json, "/terms/1/how", "explicit");
	check_str(e.json, "/terms/1/accepted_at", "2021-02-10T00:00:00Z");
	check_shared(&e, "phone_number", "ads_and_products",
		     "2018-03-03T00:00:00Z");
	check_shared(&e, "ip_address", "infrastructure",
		     "2021-02-10T00:00:00Z");
	eval_free(&e);
}

static void test_accepted_before_effective_rejected(void **state)
{
	const dyd_policy *p = *state;
	const char *yaml = HEAD("2018-03-03T00:00:00Z") "events:\n"
							"  - {type: "
							"terms_accepted, "
							"terms: '2021-01-04', "
							"at: "
							"2021-01-02T00:00:00Z}"
							"\n";
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *rec = NULL;

	/* The record layer refuses it, so the evaluator never sees it. */
	assert_int_equal(dyd_record_load(&rec, yaml, strlen(yaml), "r.yaml", p,
					 NULL, &diags),
			 DYD_EINVALID);
	assert_null(rec);
	dyd_diags_release(&diags);
}

static void test_european_region(void **state)
{
	const dyd_policy *p = *state;
	struct eval e;

	eval(&e, p, EXISTING "region: DE\n", "2021-06-01");
	check_str(e.json, "/region/country", "DE");
	check_count(e.json, "/region/regions", 1);
	check_str(e.json, "/region/regions/0", "european");
	check_str(e.json, "/optout/status", "not_opted_out");
	/* The region withholds the parent's own ads and products only:
	 * analytics is a service on WhatsApp's behalf. */
	check_count(e.json, "/withheld_purposes", 1);
	check_str(e.json, "/withheld_purposes/0/purpose", "ads_and_products");
	check_str(e.json, "/withheld_purposes/0/withheld_by",
		  "region:european");
	check_shared(&e, "phone_number", "infrastructure", ACCEPTED);
	check_shared(&e, "phone_number", "safety", ACCEPTED);
	check_shared(&e, "phone_number", "analytics", ACCEPTED);
	check_withheld(&e, "phone_number", "ads_and_products",
		       "region:european");
	assert_int_equal(e.dec->region_count, 1);
	eval_free(&e);

	eval(&e, p, EXISTING "region: ID\n", "2021-06-01");
	check_str(e.json, "/region/country", "ID");
	check_count(e.json, "/region/regions", 0);
	check_count(e.json, "/withheld_purposes", 0);
	eval_free(&e);
	/* No region: country null. */
	eval(&e, p, EXISTING, "2021-06-01");
	assert_true(cJSON_IsNull(jp(e.json, "/region/country")));
	check_count(e.json, "/region/regions", 0);
	eval_free(&e);
}

/* WhatsApp's own list ("Who is providing your WhatsApp services"): the
 * EU and EEA states, the UK, Switzerland, the micro-states, the Crown
 * dependencies and the French overseas regions and collectivities it
 * names; not other territories. */
static void test_european_region_members(void **state)
{
	static const char *const in[] = {
	    "AT", "DE", "FR", "IE", "PT", "ES", "CY", "IS", "LI",
	    "NO", "GB", "CH", "AD", "MC", "SM", "VA", "GG", "JE",
	    "IM", "GF", "GP", "MQ", "YT", "RE", "BL", "MF", NULL};
	static const char *const out[] = {"GI", "FO", "GL", "AX", "SJ",
					  "PM", "TR", "US", "ID", NULL};
	const dyd_policy *p = *state;
	char yaml[256];
	struct eval e;
	size_t i;

	assert_int_equal(p->regions[0].country_count, 46);
	for (i = 0; in[i]; i++) {
		snprintf(yaml, sizeof(yaml), "%sregion: %s\n", EXISTING, in[i]);
		eval(&e, p, yaml, "2021-06-01");
		if (cJSON_GetArraySize(jp(e.json, "/region/regions")) != 1)
			fail_msg("%s is not in the European Region", in[i]);
		check_withheld(&e, "phone_number", "ads_and_products",
			       "region:european");
		eval_free(&e);
	}
	for (i = 0; out[i]; i++) {
		snprintf(yaml, sizeof(yaml), "%sregion: %s\n", EXISTING,
			 out[i]);
		eval(&e, p, yaml, "2021-06-01");
		if (cJSON_GetArraySize(jp(e.json, "/region/regions")) != 0)
			fail_msg("%s is in the European Region", out[i]);
		eval_free(&e);
	}
}

static void test_opt_out_wins_over_region(void **state)
{
	const dyd_policy *p = *state;
	struct eval e;

	eval(&e, p,
	     EXISTING "  - {type: optout, at: 2016-09-02T00:00:00Z, channel: "
		      "settings}\n"
		      "region: GB\n",
	     "2021-06-01");
	check_str(e.json, "/optout/status", "opted_out");
	check_count(e.json, "/withheld_purposes", 1);
	check_str(e.json, "/withheld_purposes/0/purpose", "ads_and_products");
	check_str(e.json, "/withheld_purposes/0/withheld_by", "opt_out");
	check_withheld(&e, "phone_number", "ads_and_products", "opt_out");
	check_shared(&e, "phone_number", "analytics", ACCEPTED);
	eval_free(&e);
}

#define CHATS                                                                  \
	"business_chats:\n"                                                    \
	"  - {business_id: b0, name: Toko Rahasia, hosting: parent}\n"         \
	"  - {business_id: b1, hosting: self}\n"                               \
	"  - {business_id: b2, hosting: parent, message_count: 3}\n"           \
	"  - {business_id: b3, hosting: partner}\n"

static void test_business_messages_items(void **state)
{
	const dyd_policy *p = *state;
	const cJSON *c;
	struct eval e;

	eval(&e, p, HEAD("2021-02-01T00:00:00Z") CHATS, "2021-06-01");
	c = category(&e, "business_messages");
	check_bool(c, "/shared", true);
	check_count(c, "/items", 2);
	check_str(c, "/items/0", "/business_chats/0");
	check_str(c, "/items/1", "/business_chats/2");
	check_shared(&e, "business_messages", "business_hosting",
		     "2021-02-01T00:00:00Z");
	check_str(cell(&e, "business_messages", "business_hosting"), "/rule",
		  "/categories/7/shares/0");
	check_shared(&e, "interactions", "analytics", "2021-02-01T00:00:00Z");
	/* Categories without items have no items key. */
	check_absent(category(&e, "interactions"), "/items");
	eval_free(&e);

	/* Only partner and self chats: nothing to list, the rule's
	 * condition is false. */
	eval(&e, p,
	     HEAD("2021-02-01T00:00:00Z") "business_chats:\n"
					  "  - {business_id: b1, hosting: "
					  "self}\n"
					  "  - {business_id: b3, hosting: "
					  "partner}\n",
	     "2021-06-01");
	c = category(&e, "business_messages");
	check_bool(c, "/shared", false);
	check_absent(c, "/items");
	check_withheld(&e, "business_messages", "business_hosting",
		       "condition_false");
	check_shared(&e, "interactions", "safety", "2021-02-01T00:00:00Z");
	eval_free(&e);

	/* Terms not accepted come before the condition. */
	eval(&e, p, EXISTING CHATS, "2021-06-01");
	c = category(&e, "business_messages");
	check_bool(c, "/shared", false);
	check_absent(c, "/items");
	check_withheld(&e, "business_messages", "business_hosting",
		       "terms_not_accepted");
	eval_free(&e);
}

/* As of t, items dated after t did not exist yet: transactions (at),
 * business chats (first_contact_at), groups (joined_at). An undated item
 * was always there; one dated exactly t exists. */
static void test_dated_items(void **state)
{
	static const char policy[] = SMALL_POLICY(
	    "dated") "terms: [{id: t, title: T, effective: 2016-01-01}]\n"
		     "categories:\n"
		     "  - {id: g, label: L, description: D, fields: [groups],\n"
		     "     shares: [{since: t, purposes: [a], when: {has: "
		     "groups}}],\n"
		     "     items: {field: groups}}\n";
	const dyd_policy *p = *state;
	dyd_policy *gp = NULL;
	dyd_diags diags = DYD_DIAGS_INIT;
	struct eval e;
	const char *rec = HEAD(
	    "2020-06-01T00:00:00Z") "events:\n"
				    "  - {type: terms_accepted, terms: "
				    "'2021-01-04', at: "
				    "2021-01-10T00:00:00Z}\n"
				    "business_chats:\n"
				    "  - {business_id: b0, hosting: parent, "
				    "first_contact_at: "
				    "2024-02-01T00:00:00Z}\n"
				    "  - {business_id: b1, hosting: parent, "
				    "first_contact_at: "
				    "2021-03-01T00:00:00Z}\n"
				    "transactions:\n"
				    "  - {id: t0, at: 2024-03-01T00:00:00Z, "
				    "amount: '100.00'}\n";

	eval(&e, p, rec, "2021-02-28");
	check_withheld(&e, "business_messages", "business_hosting",
		       "condition_false");
	check_withheld(&e, "transaction_data", "payments", "condition_false");
	eval_free(&e);
	/* b1 exists from its first contact on (the instant included). */
	eval(&e, p, rec, "2021-03-01");
	check_shared(&e, "business_messages", "business_hosting",
		     "2021-01-10T00:00:00Z");
	check_count(category(&e, "business_messages"), "/items", 1);
	check_str(category(&e, "business_messages"), "/items/0",
		  "/business_chats/1");
	check_withheld(&e, "transaction_data", "payments", "condition_false");
	eval_free(&e);
	eval(&e, p, rec, "2024-06-01");
	check_count(category(&e, "business_messages"), "/items", 2);
	check_shared(&e, "transaction_data", "payments",
		     "2021-01-10T00:00:00Z");
	eval_free(&e);
	/* Undated chats were there all along. */
	eval(&e, p,
	     HEAD("2020-06-01T00:00:00Z") "events:\n"
					  "  - {type: terms_accepted, terms: "
					  "'2021-01-04', at: "
					  "2021-01-10T00:00:00Z}\n" CHATS,
	     "2021-01-10");
	check_count(category(&e, "business_messages"), "/items", 2);
	eval_free(&e);

	if (dyd_policy_load(&gp, policy, sizeof(policy) - 1, "g.yaml",
			    &diags)) {
		print_diags(&diags);
		fail_msg("policy rejected");
	}
	rec = HEAD("2017-06-01T00:00:00Z") "groups:\n"
					   "  - {id: g0, joined_at: "
					   "2024-01-15T12:00:00Z}\n"
					   "  - {id: g1}\n"
					   "  - {id: g2, joined_at: "
					   "2019-01-01T00:00:00Z}\n";
	eval(&e, gp, rec, "2018-01-01");
	check_count(category(&e, "g"), "/items", 1);
	check_str(category(&e, "g"), "/items/0", "/groups/1");
	eval_free(&e);
	eval(&e, gp, rec, "2024-01-15T12:00:00Z");
	check_count(category(&e, "g"), "/items", 3);
	eval_free(&e);
	rec = HEAD("2017-06-01T00:00:00Z") "groups:\n"
					   "  - {id: g0, joined_at: "
					   "2024-01-15T12:00:00Z}\n";
	eval(&e, gp, rec, "2021-01-01");
	check_withheld(&e, "g", "a", "condition_false");
	eval_free(&e);
	dyd_policy_free(gp);
	dyd_diags_release(&diags);
}

/* The source ids of entry ptr, joined by spaces. */
static void check_sources(const cJSON *root, const char *ptr, const char *want)
{
	const cJSON *arr = jp(root, ptr), *it;
	char got[1024] = "";

	if (!cJSON_IsArray(arr))
		fail_msg("%s is not an array", ptr);
	cJSON_ArrayForEach(it, arr)
	{
		if (*got)
			strcat(got, " ");
		strcat(got, it->valuestring);
	}
	if (strcmp(got, want) != 0)
		fail_msg("%s is [%s], not [%s]", ptr, got, want);
}

#define OPTOUT_SOURCES                                                         \
	"wa-faq-2016-optout-vowe wa-faq-2016-optout wa-faq-2016-optout-en "    \
	"press-techweez-2016 press-vpncritic-2016 press-imore-2016 "           \
	"kompas-2021-01-13 fb-spokesperson-memeburn-2021"
#define REGION_SOURCES                                                         \
	"wa-faq-who-provides-sw press-irishpost-2018 wa-faq-who-provides-hi "  \
	"wa-statement-2021-01-eu wa-faq-eea-how-we-work"
#define PHONE_SOURCES                                                          \
	"press-macrumors-2016 press-ithinkdiff-2016 wa-faq-2021-share-en"

/* Each answer names the documents it rests on: its rule's, then the
 * opt-out's or the region's when they withhold it; a terms answer the
 * terms' and the consequence in force; each id once. */
static void test_sources_per_entry(void **state)
{
	const dyd_policy *p = *state;
	const cJSON *c;
	struct eval e;

	eval(&e, p,
	     EXISTING "  - {type: optout, at: 2016-09-02T00:00:00Z, channel: "
		      "settings}\n"
		      "region: MC\n",
	     "2021-07-01");
	check_sources(e.json, "/optout/sources", OPTOUT_SOURCES);
	check_str(e.json, "/optout/rule", "/terms/0/optout");
	check_sources(e.json, "/terms/0/sources",
		      "press-hunton-2016 wa-blog-2016-08-25");
	check_str(e.json, "/terms/1/rule", "/terms/1");
	check_sources(e.json, "/terms/1/sources",
		      "wa-pp-2021 wa-faq-2021-update wa-inapp-2021-01 "
		      "wa-blog-2021-01-15 wa-faq-2021-02-effective "
		      "wa-faq-effective-date wa-faq-2021-05-28 "
		      "wa-spokesperson-2021-05-28 press-slashgear-2021-05 "
		      "press-expressvpn-2021-05-31");
	check_sources(e.json, "/withheld_purposes/0/sources", OPTOUT_SOURCES);
	c = cell(&e, "phone_number", "infrastructure");
	check_sources(c, "/sources", PHONE_SOURCES);
	c = cell(&e, "phone_number", "ads_and_products");
	check_sources(c, "/sources", PHONE_SOURCES " " OPTOUT_SOURCES);
	assert_int_equal(e.dec->categories[0].cells[3].cites.count, 2);
	c = category(&e, "contacts");
	check_sources(c, "/sources",
		      "wa-faq-2021-answering wa-faq-privacy-label "
		      "wa-faq-2021-share-sw");
	eval_free(&e);

	/* Withheld by the region: the region's sources follow the rule's. */
	eval(&e, p, EXISTING "region: MC\n", "2021-06-01");
	c = cell(&e, "phone_number", "ads_and_products");
	check_str(c, "/withheld_by", "region:european");
	check_sources(c, "/sources", PHONE_SOURCES " " REGION_SOURCES);
	check_sources(e.json, "/withheld_purposes/0/sources", REGION_SOURCES);
	/* Withheld for other reasons: the rule's alone. */
	c = cell(&e, "ip_address", "safety");
	check_str(c, "/withheld_by", "terms_not_accepted");
	check_sources(c, "/sources", "wa-faq-2021-share-en");
	eval_free(&e);

	/* A policy without sources: every list is empty, never absent. */
	{
		static const char bare[] = SMALL_POLICY(
		    "b") "terms: [{id: t, title: T, effective: 2016-01-01}]\n"
			 "categories: [{id: c, label: C, description: D,\n"
			 "  fields: [phone], shares: [{since: t, purposes: "
			 "[a]}]}]\n";
		dyd_diags diags = DYD_DIAGS_INIT;
		dyd_policy *bp = NULL;
		assert_int_equal(dyd_policy_load(&bp, bare, sizeof(bare) - 1,
						 "b.yaml", &diags),
				 0);
		eval(&e, bp, HEAD("2017-01-01T00:00:00Z"), "2021-06-01");
		check_count(e.json, "/terms/0/sources", 0);
		check_count(cell(&e, "c", "a"), "/sources", 0);
		eval_free(&e);
		dyd_policy_free(bp);
		dyd_diags_release(&diags);
	}
}

static void test_condition_false(void **state)
{
	const dyd_policy *p = *state;
	struct eval e;

	eval(&e, p, HEAD("2021-02-01T00:00:00Z") "business_chats: []\n",
	     "2021-06-01");
	check_withheld(&e, "business_messages", "business_hosting",
		       "condition_false");
	check_withheld(&e, "transaction_data", "payments", "condition_false");
	/* Unconditional rules still share; interactions has no condition
	 * (how you interact with others, including businesses). */
	check_shared(&e, "service_usage", "analytics", "2021-02-01T00:00:00Z");
	check_shared(&e, "interactions", "ads_and_products",
		     "2021-02-01T00:00:00Z");
	assert_false(
	    e.dec->categories[CAT_BUSINESS_MESSAGES].cells[0].condition_holds);
	eval_free(&e);

	/* The condition comes before the opt-out. */
	eval(&e, p,
	     EXISTING "  - {type: optout, at: 2016-09-02T00:00:00Z, channel: "
		      "settings}\n"
		      "  - {type: terms_accepted, terms: '2021-01-04', at: "
		      "2021-02-01T00:00:00Z}\n",
	     "2021-06-01");
	check_withheld(&e, "transaction_data", "ads_and_products",
		       "condition_false");
	check_withheld(&e, "service_usage", "ads_and_products", "opt_out");
	check_shared(&e, "service_usage", "infrastructure",
		     "2021-02-01T00:00:00Z");
	eval_free(&e);
}

static void test_never_categories(void **state)
{
	const dyd_policy *p = *state;
	const cJSON *c;
	struct eval e;

	eval(&e, p, EXISTING, "2021-06-01");
	check_count(e.json, "/categories", 15);
	c = category(&e, "message_content");
	check_bool(c, "/shared", false);
	check_bool(c, "/never", true);
	check_str(c, "/rule", "/categories/9/never");
	check_absent(c, "/purposes");
	assert_non_null(strstr(cJSON_GetObjectItem(c, "reason")->valuestring,
			       "end-to-end encrypted"));
	check_bool(category(&e, "contacts"), "/never", true);
	/* No source excludes the profile or groups: they are not never. */
	check_absent(category(&e, "profile"), "/never");
	check_absent(category(&e, "groups"), "/never");
	eval_free(&e);
	eval(&e, p,
	     EXISTING "  - {type: terms_accepted, terms: '2021-01-04', "
		      "at: 2021-02-01T00:00:00Z}\n",
	     "2021-06-01");
	check_shared(&e, "profile", "ads_and_products", "2021-02-01T00:00:00Z");
	check_shared(&e, "groups", "safety", "2021-02-01T00:00:00Z");
	/* "We don't share this data with Facebook for advertisement
	 * purposes": the groups rule has no ads purpose at all. */
	check_count(category(&e, "groups"), "/purposes", 3);
	eval_free(&e);
}

static void test_json_shape(void **state)
{
	static const char *const top[] = {
	    "format",	  "account_id", "as_of", "policy",
	    "region",	  "optout",	"terms", "withheld_purposes",
	    "categories", NULL};
	static const char *const optout[] = {
	    "terms",  "covers",	 "offered_to",	"final",  "status",
	    "reason", "window",	 "window_open", "choice", "ignored_requests",
	    "rule",   "sources", NULL};
	const dyd_policy *p = *state;
	const cJSON *c;
	struct eval e;
	size_t i;

	eval(&e, p,
	     EXISTING "  - {type: optout, at: 2016-09-02T00:00:00Z, channel: "
		      "settings}\n",
	     "2021-06-01");
	/* Key order as the design notes give it. */
	i = 0;
	cJSON_ArrayForEach(c, e.json)
	{
		assert_non_null(top[i]);
		assert_string_equal(c->string, top[i]);
		i++;
	}
	assert_null(top[i]);
	i = 0;
	cJSON_ArrayForEach(c, jp(e.json, "/optout"))
	{
		assert_non_null(optout[i]);
		assert_string_equal(c->string, optout[i]);
		i++;
	}
	assert_null(optout[i]);
	/* Two-space indents and a final newline. */
	assert_memory_equal(e.text, "{\n  \"format\": \"dyd.decision/v1\",\n",
			    strlen("{\n  \"format\": \"dyd.decision/v1\",\n"));
	assert_int_equal(e.text[strlen(e.text) - 1], '\n');
	assert_int_equal(e.text[strlen(e.text) - 2], '}');
	eval_free(&e);
}

static void test_policy_without_optout(void **state)
{
	static const char policy[] =
	    "format: dyd.policy/v1\n"
	    "id: plain\n"
	    "service: S\n"
	    "parent_company: P\n"
	    "purposes: [{id: a, label: A, description: D}]\n"
	    "terms: [{id: t, title: T, effective: 2016-01-01}]\n"
	    "categories:\n"
	    "  - id: c\n"
	    "    label: C\n"
	    "    description: D\n"
	    "    fields: [phone]\n"
	    "    shares: [{since: t, purposes: [a]}]\n";
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;
	struct eval e;

	(void)state;
	assert_int_equal(dyd_policy_load(&p, policy, sizeof(policy) - 1,
					 "plain.yaml", &diags),
			 0);
	eval(&e, p, HEAD("2015-01-01T00:00:00Z"), "2021-06-01");
	assert_true(cJSON_IsNull(jp(e.json, "/optout")));
	assert_false(e.dec->has_optout);
	check_str(e.json, "/terms/0/status", "pending");
	check_withheld(&e, "c", "a", "terms_not_accepted");
	check_count(e.json, "/withheld_purposes", 0);
	eval_free(&e);
	dyd_policy_free(p);
	dyd_diags_release(&diags);
}

static void test_conditions(void **state)
{
	static const char policy[] =
	    "format: dyd.policy/v1\n"
	    "id: conds\n"
	    "service: S\n"
	    "parent_company: P\n"
	    "purposes: [{id: a, label: A, description: D}]\n"
	    "terms: [{id: t, title: T, effective: 2016-01-01}]\n"
	    "regions:\n"
	    "  eu: {countries: [DE, FR], excludes: []}\n"
	    "categories:\n"
	    "  - {id: c_region, label: L, description: D, fields: [region],\n"
	    "     shares: [{since: t, purposes: [a], when: {region: eu}}]}\n"
	    "  - {id: c_not, label: L, description: D, fields: [region],\n"
	    "     shares: [{since: t, purposes: [a],\n"
	    "               when: {not: {region: eu}}}]}\n"
	    "  - {id: c_all, label: L, description: D, fields: [region],\n"
	    "     shares: [{since: t, purposes: [a], when: {all: [\n"
	    "       {has: business_chats}, {region: eu}]}}]}\n"
	    "  - {id: c_any, label: L, description: D, fields: [region],\n"
	    "     shares: [{since: t, purposes: [a], when: {any: [\n"
	    "       {has: transactions},\n"
	    "       {has: {field: business_chats, where: {hosting: "
	    "self}}}]}}]}\n"
	    "  - {id: c_none, label: L, description: D, fields: [region],\n"
	    "     shares: [{since: t, purposes: [a], when: {any: [\n"
	    "       {has: transactions},\n"
	    "       {has: {field: business_chats, where: {hosting: "
	    "parent}}}]}}]}\n"
	    "  - {id: c_events, label: L, description: D, fields: [events],\n"
	    "     shares: [{since: t, purposes: [a], when: {has: events}}]}\n";
	const char *rec =
	    HEAD("2017-01-01T00:00:00Z") "region: DE\n"
					 "business_chats: "
					 "[{business_id: b, "
					 "hosting: self}]\n"
					 "events: [{type: optout, "
					 "at: "
					 "2020-01-01T00:00:00Z, "
					 "channel: support}]\n";
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;
	struct eval e;

	(void)state;
	if (dyd_policy_load(&p, policy, sizeof(policy) - 1, "conds.yaml",
			    &diags)) {
		print_diags(&diags);
		fail_msg("policy rejected");
	}
	eval(&e, p, rec, "2019-06-01");
	check_str(e.json, "/region/regions/0", "eu");
	check_shared(&e, "c_region", "a", "2017-01-01T00:00:00Z");
	check_withheld(&e, "c_not", "a", "condition_false");
	check_shared(&e, "c_all", "a", "2017-01-01T00:00:00Z");
	check_shared(&e, "c_any", "a", "2017-01-01T00:00:00Z");
	check_withheld(&e, "c_none", "a", "condition_false");
	/* The only event is after the as-of instant. */
	check_withheld(&e, "c_events", "a", "condition_false");
	eval_free(&e);

	eval(&e, p, rec, "2020-01-01");
	check_shared(&e, "c_events", "a", "2017-01-01T00:00:00Z");
	eval_free(&e);
	dyd_policy_free(p);
	dyd_diags_release(&diags);
}

static void test_registered_after_as_of(void **state)
{
	const dyd_policy *p = *state;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_decision *dec = &sentinel;
	dyd_record *rec = load(p, HEAD("2021-02-01T00:00:00Z"));

	assert_int_equal(dyd_evaluate(&dec, rec, p,
				      instant("2021-01-31T23:59:59.999999999Z"),
				      &diags),
			 DYD_EINVALID);
	assert_null(dec);
	assert_int_equal(diags.errors, 1);
	assert_string_equal(diags.items[0].pointer, "/registered_at");
	assert_non_null(strstr(diags.items[0].message, "nothing to report"));
	dyd_diags_clear(&diags);
	/* Registered exactly at the as-of instant: fine. */
	assert_int_equal(
	    dyd_evaluate(&dec, rec, p, instant("2021-02-01T00:00:00Z"), &diags),
	    0);
	assert_non_null(dec);
	assert_int_equal(diags.count, 0);
	dyd_decision_free(dec);
	dyd_record_free(rec);
	dyd_diags_release(&diags);
}

static char *render(const dyd_decision *dec, const char *lang, bool verbose,
		    bool explain)
{
	dyd_status_options opts = DYD_STATUS_OPTIONS_INIT;
	char *out = NULL;

	opts.lang = lang;
	opts.verbose = verbose;
	opts.explain = explain;
	assert_int_equal(dyd_status_render(&out, dec, &opts), 0);
	assert_non_null(out);
	return out;
}

static void test_status_render(void **state)
{
	const dyd_policy *p = *state;
	dyd_status_options opts = DYD_STATUS_OPTIONS_INIT;
	struct eval e;
	char *out;

	eval(&e, p,
	     HEAD("2015-01-01T00:00:00Z") "region: ID\n"
					  "events:\n"
					  "  - {type: terms_accepted, terms: "
					  "'2016-08-25', at: " ACCEPTED "}\n"
					  "  - {type: optout, at: " ACCEPTED
					  ", channel: checkbox}\n"
					  "  - {type: terms_accepted, terms: "
					  "'2021-01-04', at: "
					  "2021-02-01T00:00:00Z}\n" CHATS,
	     "2021-06-01");

	out = render(e.dec, "en", false, false);
	assert_non_null(strstr(out, "Account alice (+62*********90), as of "
				    "2021-06-01 00:00:00 UTC"));
	assert_null(strstr(out, "+6281234567890"));
	assert_non_null(strstr(out, "You opted out."));
	/* Business names are personal data as well. */
	assert_null(strstr(out, "Toko Rahasia"));
	assert_non_null(strstr(out, "2 matching items\n"));
	assert_non_null(strstr(out, dyd_policy_sha256(p)));
	free(out);

	out = render(e.dec, "en", true, false);
	assert_non_null(strstr(out, "(+6281234567890)"));
	assert_null(strstr(out, "*"));
	assert_non_null(strstr(out, "Toko Rahasia (b0)"));
	free(out);

	out = render(e.dec, "id", false, false);
	assert_non_null(strstr(out, "Akun alice (+62*********90), per "
				    "2021-06-01 00:00:00 UTC"));
	assert_null(strstr(out, "+6281234567890"));
	assert_non_null(strstr(out, "Anda memilih opt-out."));
	assert_null(strstr(out, "You opted out"));
	free(out);

	out = render(e.dec, "id", true, false);
	assert_non_null(strstr(out, "Akun alice (+6281234567890)"));
	free(out);

	out = render(e.dec, "en", false, true);
	/* Each line says why, with its rule and the numbers of its
	 * sources, listed once at the end. */
	assert_non_null(strstr(out,
			       "\u2014 shared since 2016-09-01 "
			       "10:00:00 UTC, as the 2016-08-25 terms "
			       "are accepted; rule /categories/0/shares/0 ["));
	assert_non_null(strstr(out, "\nSources\n  [1] "));
	assert_null(strstr(out, "+6281234567890"));
	/* The sources in plain words: the quote, its language, the title,
	 * publisher, date and address. */
	assert_non_null(strstr(
	    out, "] \u201cincluding the phone number a user "
		 "verifies during the registration process and the last time "
		 "a user accessed the service\u201d \u2014 WhatsApp to Share "
		 "User Data With Facebook to Show Targeted Ads (MacRumors, "
		 "2016-08-25) https://www.macrumors.com/"));
	assert_non_null(strstr(out, "\u201d (in Indonesian) \u2014 "));
	assert_non_null(strstr(out, "] note: The 2016 sources name the "
				    "last time"));
	assert_non_null(strstr(out, "      about this source: "));
	assert_non_null(strstr(out, "  2021-01-04  accepted on 2021-02-01 "
				    "00:00:00 UTC \u2014 rule /terms/1 ["));
	free(out);
	out = render(e.dec, "id", false, true);
	assert_non_null(strstr(out, "\nSumber\n  [1] \u201c"));
	assert_non_null(strstr(out, "(dalam bahasa Indonesia)"));
	assert_non_null(strstr(out, "] catatan: Sumber 2016 menyebut"));
	free(out);

	/* No such language. */
	opts.lang = "fr";
	out = "not reset"; /* must come back NULL */
	assert_int_equal(dyd_status_render(&out, e.dec, &opts), DYD_EUSAGE);
	assert_null(out);
	eval_free(&e);
}

/* The text says what an overdue account faces, in plain words, as of
 * the date; and why a request after a final opt-out did not count. */
static void test_status_effect_and_final(void **state)
{
	const dyd_policy *p = *state;
	const char *rec =
	    EXISTING "  - {type: optout, at: 2016-09-02T00:00:00Z, channel: "
		     "settings}\n"
		     "  - {type: optin, at: 2016-09-03T00:00:00Z, channel: "
		     "settings}\n";
	struct eval e;
	char *out;

	eval(&e, p, rec, "2021-05-20");
	out = render(e.dec, "en", false, false);
	assert_non_null(strstr(out, "not accepted by the deadline"));
	assert_non_null(strstr(out, "      since 2021-05-15: The account "
				    "stays active. WhatsApp said"));
	assert_non_null(strstr(out, "may face limited functionality"));
	assert_non_null(strstr(out, "The choice was final"));
	assert_non_null(strstr(out, "made after you had opted out"));
	free(out);
	out = render(e.dec, "id", false, false);
	assert_non_null(strstr(out, "sejak 2021-05-15: Akun tetap aktif."));
	free(out);
	eval_free(&e);

	eval(&e, p, rec, "2021-07-01");
	out = render(e.dec, "en", false, false);
	assert_non_null(strstr(out, "since 2021-05-28: The account stays "
				    "active with full functionality."));
	assert_null(strstr(out, "limited functionality"));
	free(out);
	out = render(e.dec, "en", false, true);
	assert_non_null(strstr(out, "nothing is limited; you can accept at "
				    "any time. \u2014 rule "
				    "/terms/1/when_overdue/1 ["));
	assert_non_null(strstr(out, "The date is inferred."));
	free(out);
	eval_free(&e);
}

static void test_status_language_from_record(void **state)
{
	const dyd_policy *p = *state;
	struct eval e;
	char *out = NULL;

	eval(&e, p, EXISTING "language: id-ID\n", "2021-06-01");
	assert_int_equal(dyd_status_render(&out, e.dec, NULL), 0);
	assert_non_null(strstr(out, "Akun alice"));
	assert_non_null(strstr(out, "Anda tidak memilih opt-out."));
	free(out);
	/* The option wins over the record. */
	out = render(e.dec, "en", false, false);
	assert_non_null(strstr(out, "Account alice"));
	free(out);
	eval_free(&e);

	/* A language dyd does not speak falls back to English. */
	eval(&e, p, EXISTING "language: de\n", "2021-06-01");
	assert_int_equal(dyd_status_render(&out, e.dec, NULL), 0);
	assert_non_null(strstr(out, "Account alice"));
	free(out);
	eval_free(&e);
}

/* Short numbers are valid E.164 too ('+' and 2 to 15 digits); without
 * verbose they must not appear in full either. */
static void test_status_short_phone_masked(void **state)
{
	static const char *const phones[] = {"+12", "+1234", NULL};
	const dyd_policy *p = *state;
	char yaml[256], full[32];
	struct eval e;
	char *out;
	size_t i;

	for (i = 0; phones[i]; i++) {
		snprintf(yaml, sizeof(yaml),
			 "account_id: alice\nphone: '%s'\n"
			 "registered_at: 2015-01-01T00:00:00Z\n",
			 phones[i]);
		snprintf(full, sizeof(full), "(%s)", phones[i]);
		eval(&e, p, yaml, "2021-06-01");
		out = render(e.dec, "en", true, false);
		assert_non_null(strstr(out, full));
		free(out);
		out = render(e.dec, "en", false, false);
		if (strstr(out, full)) {
			print_message("%.*s\n", (int)strcspn(out, "\n"), out);
			free(out);
			eval_free(&e);
			fail_msg("phone '%s' shown in full without verbose",
				 phones[i]);
		}
		free(out);
		eval_free(&e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_opted_out_in_window),
	    cmocka_unit_test(test_first_optout_is_final),
	    cmocka_unit_test(test_last_choice_when_not_final),
	    cmocka_unit_test(test_offered_to_all_users),
	    cmocka_unit_test(test_no_choice),
	    cmocka_unit_test(test_window_boundaries),
	    cmocka_unit_test(test_window_open_and_as_of),
	    cmocka_unit_test(test_terms_not_accepted),
	    cmocka_unit_test(test_before_offer),
	    cmocka_unit_test(test_registered_after_offer),
	    cmocka_unit_test(test_deadline),
	    cmocka_unit_test(test_overdue_effect_by_date),
	    cmocka_unit_test(test_overdue_effect_forms),
	    cmocka_unit_test(test_at_registration),
	    cmocka_unit_test(test_accepted_before_effective_rejected),
	    cmocka_unit_test(test_european_region),
	    cmocka_unit_test(test_european_region_members),
	    cmocka_unit_test(test_opt_out_wins_over_region),
	    cmocka_unit_test(test_business_messages_items),
	    cmocka_unit_test(test_dated_items),
	    cmocka_unit_test(test_sources_per_entry),
	    cmocka_unit_test(test_condition_false),
	    cmocka_unit_test(test_never_categories),
	    cmocka_unit_test(test_json_shape),
	    cmocka_unit_test(test_policy_without_optout),
	    cmocka_unit_test(test_conditions),
	    cmocka_unit_test(test_registered_after_as_of),
	    cmocka_unit_test(test_status_render),
	    cmocka_unit_test(test_status_effect_and_final),
	    cmocka_unit_test(test_status_language_from_record),
	    cmocka_unit_test(test_status_short_phone_masked),
	};

	return cmocka_run_group_tests_name("evaluate", tests, setup, teardown);
}
