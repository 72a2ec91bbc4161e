/* SPDX-License-Identifier: MIT */
/* What the latest terms update changed (evaluate_change.c): the evaluator
 * run again just before the update took effect, and the two decisions
 * compared purpose by purpose; never by text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evaluate.h"
#include "render_util.h"

static size_t category_index(const dyd_policy *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->category_count; i++)
		if (strcmp(p->categories[i].id, id) == 0)
			return i;
	fail_msg("no category '%s'", id);
	return 0;
}

static const change_category *changed(const decision_change *ch,
				      const dyd_policy *p, const char *id)
{
	size_t c = category_index(p, id), i;

	for (i = 0; i < ch->changed_count; i++)
		if (ch->changed[i].category == c)
			return &ch->changed[i];
	return NULL;
}

static bool has_purpose(const size_t *list, size_t n, const dyd_policy *p,
			const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(p->purposes[list[i]].id, id) == 0)
			return true;
	return false;
}

static bool same(const decision_change *ch, const dyd_policy *p, const char *id)
{
	size_t c = category_index(p, id), i;

	for (i = 0; i < ch->same_count; i++)
		if (ch->same[i] == c)
			return true;
	return false;
}

/* An opted-out account that accepted the 2021 terms: what the 2021 rules
 * add became shared, for their purposes but ads (the opt-out still
 * covers them); the 2016 sharing is as it was; the opt-out did not
 * change; what is never shared is in neither list. */
static void test_opted_out_and_accepted(void **state)
{
	struct rendered r;
	decision_change ch;
	const change_category *ip, *service;

	(void)state;
	decide_file(&r, "budi-santoso.json", "2026-11-29");
	assert_int_equal(decision_change_init(&ch, r.decision), 0);
	assert_int_equal(ch.state, CHANGE_COMPARED);
	assert_string_equal(r.policy->terms[ch.terms].id, "2021-01-04");
	assert_true(ch.before < r.policy->terms[ch.terms].effective);
	assert_true(ch.before + 1 == r.policy->terms[ch.terms].effective);
	assert_non_null(ch.prior);
	assert_int_equal(ch.prior->as_of, ch.before);
	ip = changed(&ch, r.policy, "ip_address");
	assert_non_null(ip);
	assert_true(has_purpose(ip->gained, ip->gained_count, r.policy,
				"infrastructure"));
	assert_true(
	    has_purpose(ip->gained, ip->gained_count, r.policy, "safety"));
	assert_int_equal(ip->lost_count, 0);
	service = changed(&ch, r.policy, "service_usage");
	assert_non_null(service);
	assert_false(has_purpose(service->gained, service->gained_count,
				 r.policy, "ads_and_products"));
	assert_null(changed(&ch, r.policy, "phone_number"));
	assert_true(same(&ch, r.policy, "phone_number"));
	assert_null(changed(&ch, r.policy, "message_content"));
	assert_false(same(&ch, r.policy, "message_content"));
	assert_true(ch.optout_same);
	decision_change_release(&ch);
	undecide(&r);
}

/* Without the 2021 terms accepted, nothing is gained. */
static void test_update_not_accepted(void **state)
{
	struct rendered r;
	decision_change ch;
	size_t i;

	(void)state;
	decide_file(&r, "lukas-becker.json", "2026-11-29");
	assert_int_equal(decision_change_init(&ch, r.decision), 0);
	assert_int_equal(ch.state, CHANGE_COMPARED);
	for (i = 0; i < ch.changed_count; i++)
		assert_int_equal(ch.changed[i].gained_count, 0);
	assert_true(ch.optout_same);
	decision_change_release(&ch);
	undecide(&r);
}

/* Before the update took effect, and for an account registered after
 * it, there is nothing to compare, and the state says which. */
static void test_nothing_to_compare(void **state)
{
	struct rendered r;
	decision_change ch;

	(void)state;
	decide_file(&r, "budi-santoso.json", "2020-06-01");
	assert_int_equal(decision_change_init(&ch, r.decision), 0);
	assert_int_equal(ch.state, CHANGE_NOT_YET);
	assert_null(ch.prior);
	assert_int_equal(ch.changed_count, 0);
	decision_change_release(&ch);
	undecide(&r);

	decide_file(&r, "putri-maharani.yaml", "2026-11-29");
	assert_int_equal(decision_change_init(&ch, r.decision), 0);
	assert_int_equal(ch.state, CHANGE_REGISTERED_AFTER);
	assert_null(ch.prior);
	decision_change_release(&ch);
	undecide(&r);
}

/* The comparison is the evaluator's at two instants: each of the two
 * decisions, as a whole, is what dyd_evaluate gives at that instant,
 * and gained / lost are exactly the purposes whose cell differs. */
static void test_matches_two_evaluations(void **state)
{
	static const char *const records[] = {
	    "budi-santoso.json",  "siti-rahayu.yaml",	"hans-mueller.yaml",
	    "andi-wijaya.json",	  "nicolas-favre.json", "wulan-anggraini.yaml",
	    "sophie-dubois.json", "dewi-lestari.yaml",
	};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(records) / sizeof(*records); k++) {
		struct rendered r;
		decision_change ch;
		dyd_decision *prior = NULL;
		dyd_diags diags = DYD_DIAGS_INIT;
		size_t c, i, j;

		decide_file(&r, records[k], "2026-11-29");
		assert_int_equal(decision_change_init(&ch, r.decision), 0);
		if (ch.state != CHANGE_COMPARED) {
			decision_change_release(&ch);
			undecide(&r);
			continue;
		}
		assert_int_equal(
		    dyd_evaluate(&prior, r.record, r.policy, ch.before, &diags),
		    0);
		for (c = 0; c < r.decision->category_count; c++)
			for (j = 0; j < r.policy->purpose_count; j++) {
				bool then = false, now = false, g = false,
				     l = false;
				const decision_category *a =
				    &prior->categories[c];
				const decision_category *b =
				    &r.decision->categories[c];
				for (i = 0; i < a->cell_count; i++)
					then |= a->cells[i].purpose == j &&
						a->cells[i].shared;
				for (i = 0; i < b->cell_count; i++)
					now |= b->cells[i].purpose == j &&
					       b->cells[i].shared;
				for (i = 0; i < ch.changed_count; i++) {
					const change_category *x =
					    &ch.changed[i];
					if (x->category != c)
						continue;
					for (size_t q = 0; q < x->gained_count;
					     q++)
						g |= x->gained[q] == j;
					for (size_t q = 0; q < x->lost_count;
					     q++)
						l |= x->lost[q] == j;
				}
				if (g != (now && !then) || l != (then && !now))
					fail_msg(
					    "%s: category %zu purpose %zu "
					    "then %d now %d gained %d lost "
					    "%d",
					    records[k], c, j, then, now, g, l);
			}
		dyd_decision_free(prior);
		dyd_diags_release(&diags);
		decision_change_release(&ch);
		undecide(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_opted_out_and_accepted),
	    cmocka_unit_test(test_update_not_accepted),
	    cmocka_unit_test(test_nothing_to_compare),
	    cmocka_unit_test(test_matches_two_evaluations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
