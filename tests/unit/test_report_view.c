/* SPDX-License-Identifier: MIT */
/* The report view (report_view.c): what the decision means for the
 * reader, worked out once for every renderer, and the footnote numbering
 * they share. Each property is checked against the decision itself, on
 * every sample record and at several instants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>

#include "render_util.h"
#include "report_view.h"

static void view_of(report_view *v, const struct rendered *r)
{
	report_view_options o = {"en", NULL, NULL};

	assert_int_equal(report_view_init(v, r->decision, &o), 0);
}

/* The answer and its tone: good news when opted out; a warning when not,
 * unless the region withholds everything the opt-out covers anyway. */
static void test_verdict_and_tone(void **state)
{
	static const struct {
		const char *record, *as_of;
		view_verdict verdict;
		view_tone tone;
		bool moot;
	} cases[] = {
	    {"budi-santoso.json", "2026-11-29", VERDICT_OPTED_OUT, TONE_GOOD,
	     false},
	    {"wulan-anggraini.yaml", "2026-11-29", VERDICT_NOT_OPTED_OUT,
	     TONE_WARN, false},
	    {"lukas-becker.json", "2026-11-29", VERDICT_NOT_OPTED_OUT,
	     TONE_NEUTRAL, true},
	    {"sophie-dubois.json", "2026-11-29", VERDICT_REGISTERED_AFTER_OFFER,
	     TONE_NEUTRAL, true},
	    {"putri-maharani.yaml", "2026-11-29",
	     VERDICT_REGISTERED_AFTER_OFFER, TONE_WARN, false},
	    {"budi-santoso.json", "2016-01-01", VERDICT_BEFORE_OFFER, TONE_WARN,
	     false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct rendered r;
		report_view v;
		decide_file(&r, cases[i].record, cases[i].as_of);
		view_of(&v, &r);
		if (v.verdict != cases[i].verdict || v.tone != cases[i].tone ||
		    v.optout_moot != cases[i].moot)
			fail_msg("%s as of %s: verdict %d tone %d moot %d",
				 cases[i].record, cases[i].as_of, v.verdict,
				 v.tone, v.optout_moot);
		report_view_release(&v);
		undecide(&r);
	}
}

/* The window: open while the as-of instant is in it, closed after. */
static void test_window(void **state)
{
	struct rendered r;
	report_view v;

	(void)state;
	decide_file(&r, "budi-santoso.json", "2016-09-10");
	view_of(&v, &r);
	assert_int_equal(v.window, WINDOW_OPEN);
	report_view_release(&v);
	undecide(&r);
	decide_file(&r, "budi-santoso.json", "2016-10-10");
	view_of(&v, &r);
	assert_int_equal(v.window, WINDOW_CLOSED);
	report_view_release(&v);
	undecide(&r);
	decide_file(&r, "putri-maharani.yaml", "2026-11-29");
	view_of(&v, &r);
	assert_int_equal(v.window, WINDOW_NONE);
	report_view_release(&v);
	undecide(&r);
}

/* Checks of one record at one instant against its decision. */
static void check_view(const struct rendered *r, const report_view *v,
		       const char *name)
{
	const dyd_decision *d = r->decision;
	size_t i, k, c;

	/* Shared purposes: exactly those with a shared cell, in order. */
	for (i = 0, k = 0; i < r->policy->purpose_count; i++) {
		bool any = false;
		for (c = 0; c < d->category_count; c++)
			for (size_t j = 0; j < d->categories[c].cell_count; j++)
				any |= d->categories[c].cells[j].purpose == i &&
				       d->categories[c].cells[j].shared;
		if (any) {
			if (k >= v->shared_count || v->shared[k] != i)
				fail_msg("%s: purpose %zu shared, not listed",
					 name, i);
			k++;
		}
	}
	assert_int_equal(k, v->shared_count);
	/* Withheld purposes carry the key of their reason. */
	assert_int_equal(v->withheld_count, d->withheld_count);
	for (i = 0; i < v->withheld_count; i++)
		assert_string_equal(v->withheld[i].reason_key,
				    d->withheld[i].by == WITHHELD_OPT_OUT
					? "withheld_by.opt_out"
					: "withheld_by.region");
	/* Every event has one fate, and it agrees with the decision. */
	assert_int_equal(v->event_count, r->record->event_count);
	for (i = 0; i < v->event_count; i++) {
		const record_event *ev = &r->record->events[i];
		const view_event *ve = view_event_at(v, i);
		bool ignored = false;
		for (k = 0; d->has_optout && k < d->optout.ignored_count; k++)
			ignored |= d->optout.ignored[k].event == ev;
		if (ev->at > d->as_of)
			assert_int_equal(ve->fate, FATE_AFTER_AS_OF);
		else if (ignored)
			assert_int_equal(ve->fate, FATE_IGNORED);
		else if (d->has_optout && d->optout.choice == ev)
			assert_int_equal(ve->fate, FATE_COUNTED);
		else if (ev->type == EVENT_TERMS_ACCEPTED)
			assert_true(ve->fate == FATE_ACCEPTANCE ||
				    ve->fate == FATE_ACCEPTED_AGAIN);
		else
			assert_int_equal(ve->fate, FATE_OVERRIDDEN);
	}
	/* Dated items after the as-of instant are marked, and only they. */
	for (i = 0; i < VIEW_ITEM_FIELDS; i++) {
		const doc_node *arr =
		    record_array(r->record, v->items[i].field);
		for (k = 0; arr && k < arr->count; k++)
			assert_int_equal(
			    view_item_future(v, v->items[i].field, k),
			    !decision_item_exists(d, v->items[i].field, k));
	}
}

static void test_every_record_at_every_instant(void **state)
{
	static const char *const instants[] = {"2016-08-26", "2016-09-10",
					       "2021-02-01", "2021-06-01",
					       "2026-11-29"};
	char dir[4096];
	struct dirent *e;
	DIR *d;
	size_t n = 0, i;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/testdata/records", DYD_SOURCE_DIR);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		for (i = 0; i < sizeof(instants) / sizeof(*instants); i++) {
			struct rendered r;
			report_view v;
			dyd_diags diags = DYD_DIAGS_INIT;
			char *text, path[8192];
			size_t len = 0;
			dyd_time t;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			text = slurp(path, &len);
			memset(&r, 0, sizeof(r));
			assert_int_equal(
			    dyd_policy_load_default(&r.policy, &diags), 0);
			assert_int_equal(dyd_time_parse(instants[i],
							strlen(instants[i]),
							true, &t),
					 0);
			if (dyd_record_load(&r.record, text, len, e->d_name,
					    r.policy, NULL, &diags) ||
			    dyd_evaluate(&r.decision, r.record, r.policy, t,
					 &diags)) {
				/* registered after that instant */
				free(text);
				undecide(&r);
				dyd_diags_release(&diags);
				continue;
			}
			view_of(&v, &r);
			check_view(&r, &v, e->d_name);
			report_view_release(&v);
			undecide(&r);
			free(text);
			dyd_diags_release(&diags);
			n++;
		}
	}
	closedir(d);
	assert_true(n > 50);
}

/* What report.json leaves out: unknown members with their pointer
 * (escaped as RFC 6901 says), the reason for the manifest and the key of
 * its words for people. */
static void test_omissions(void **state)
{
	struct rendered r;
	report_view v;
	size_t i;
	bool found = false;

	(void)state;
	decide_file(&r, "odd-fields.json", "2021-06-01");
	view_of(&v, &r);
	assert_true(v.omitted_count >= 5);
	for (i = 0; i < v.omitted_count; i++) {
		found |= strcmp(v.omitted[i].pointer, "/profile/a~1b~0c") == 0;
		assert_string_equal(v.omitted[i].reason_key,
				    "html.omitted.unknown_field");
		assert_non_null(strstr(v.omitted[i].reason, "unknown field"));
	}
	assert_true(found);
	report_view_release(&v);
	undecide(&r);
}

/* Footnotes: numbered in the order of first use; the same words of the
 * same document are one footnote whichever rule cites them; a note is
 * its own; numbers stay what they were as the table grows. */
static void test_footnotes(void **state)
{
	dyd_policy *p;
	dyd_diags diags = DYD_DIAGS_INIT;
	view_notes n;
	size_t i, k, first_seen = 0, total = 0;
	const policy_cite *all[512];
	size_t count = 0, *given;

	(void)state;
	assert_int_equal(dyd_policy_load_default(&p, &diags), 0);
	/* Every cite of the policy. */
	for (i = 0; i < p->terms_count && count < 500; i++) {
		all[count++] = &p->terms[i].cite;
		if (p->terms[i].optout)
			all[count++] = &p->terms[i].optout->cite;
		for (k = 0; k < p->terms[i].effect_count && count < 500; k++)
			all[count++] = &p->terms[i].effects[k].cite;
	}
	for (i = 0; i < p->region_count && count < 500; i++)
		all[count++] = &p->regions[i].cite;
	for (i = 0; i < p->category_count && count < 500; i++) {
		all[count++] = &p->categories[i].never_cite;
		for (k = 0; k < p->categories[i].rule_count && count < 500; k++)
			all[count++] = &p->categories[i].rules[k].cite;
	}
	for (i = 0; i < p->purpose_count && count < 500; i++)
		all[count++] = &p->purposes[i].cite;
	view_notes_init(&n, p);
	given = calloc(count * 16, sizeof(size_t));
	assert_non_null(given);
	for (i = 0; i < count; i++)
		for (k = 0; k < all[i]->count && k < 16; k++) {
			size_t num = view_notes_number(&n, all[i], k);
			assert_true(num >= 1 && num <= n.count);
			if (num == n.count && num > first_seen) {
				first_seen = num; /* a new one: the next */
			} else {
				const view_note *e = &n.list[num - 1];
				/* Reused: the same document and words. */
				assert_int_equal(
				    e->cite->quotes[e->quote].source,
				    all[i]->quotes[k].source);
				assert_string_equal(
				    e->cite->quotes[e->quote].quote,
				    all[i]->quotes[k].quote);
			}
			given[i * 16 + k] = num;
			total++;
		}
	assert_true(n.count > 32);    /* the table grew */
	assert_true(n.count < total); /* some quotes are shared */
	for (i = 0; i < count; i++)
		for (k = 0; k < all[i]->count && k < 16; k++)
			assert_int_equal(view_notes_number(&n, all[i], k),
					 given[i * 16 + k]);
	/* A group's marks: each element once, its quotes and its note,
	 * sorted, every number once. */
	{
		const policy_cite *c = &p->terms[p->optout_terms].optout->cite;
		const policy_cite *twice[] = {c, c};
		size_t *m, mk = view_notes_marks(&n, twice, 2, &m), q;
		assert_true(mk >= 1 && mk <= c->count + (c->note.count != 0));
		for (q = 1; q < mk; q++)
			assert_true(m[q - 1] < m[q]);
		for (q = 0; q < c->count; q++) {
			size_t num = view_notes_number(&n, c, q), z;
			for (z = 0; z < mk && m[z] != num; z++)
				;
			assert_true(z < mk);
		}
		free(m);
	}
	free(given);
	view_notes_release(&n);
	dyd_policy_free(p);
	dyd_diags_release(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_verdict_and_tone),
	    cmocka_unit_test(test_window),
	    cmocka_unit_test(test_every_record_at_every_instant),
	    cmocka_unit_test(test_omissions),
	    cmocka_unit_test(test_footnotes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
