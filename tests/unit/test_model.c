/*
 * Tests of lib/model.c: a goal's progress, open and overdue cycles, an
 * agreement's coaches and end, the value lists; hand edits that do not
 * fit the format read as "not there".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model.h"

static struct coach_record *
rec(const char *text)
{
	struct coach_record *r = NULL;
	struct coach_error *err = coach_record_parse(&r, "x.md", text,
	    strlen(text));
	if (err) {
		print_error("unexpected error: %s\n", coach_error_msg(err));
		coach_error_free(err);
		fail();
	}
	return r;
}

static void
test_progress(void **state)
{
	(void)state;
	struct coach_record *g = rec("---\n"
	    "measure: {name: errors, baseline: 10, target: 0}\n"
	    "measurements:\n"
	    "  - {date: 2026-10-05, value: 8}\n"
	    "  - {date: 2026-10-09, value: lots}\n"
	    "  - {date: not-a-date, value: 1}\n"
	    "  - {date: 2026-10-07, value: 5}\n"
	    "  - {date: 2026-10-07, value: 4}\n"
	    "---\n");
	double p = -1;
	const char *date = NULL;
	const struct coach_fm_node *v = NULL;
	assert_int_equal(coach_goal_progress(coach_record_fm_const(g), &p,
	    &date, &v), 0);
	/* The latest valid date; of two on that day, the later item. */
	assert_string_equal(date, "2026-10-07");
	assert_string_equal(coach_fm_node_str(v), "4");
	assert_true(p > 0.599 && p < 0.601);
	assert_int_equal(coach_goal_progress(coach_record_fm_const(g), &p,
	    NULL, NULL), 0);
	coach_record_free(g);
}

static void
test_no_progress(void **state)
{
	(void)state;
	const char *bad[] = {
		"---\ntitle: no measure\n---\n",
		"---\nmeasure: {baseline: 1, target: 5}\n---\n",
		"---\nmeasure: {baseline: 1, target: 5}\nmeasurements: []\n---\n",
		"---\nmeasure: {baseline: 3, target: 3}\n"
		    "measurements: [{date: 2026-10-01, value: 3}]\n---\n",
		"---\nmeasure: {baseline: low, target: 5}\n"
		    "measurements: [{date: 2026-10-01, value: 3}]\n---\n",
		"---\nmeasure: {baseline: 1, target: 5}\n"
		    "measurements: [{date: 2026-10-01, value: '3'}]\n---\n",
		"---\nmeasure: {baseline: 1, target: 5}\n"
		    "measurements: {date: 2026-10-01, value: 3}\n---\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct coach_record *g = rec(bad[i]);
		double p;
		assert_int_equal(coach_goal_progress(coach_record_fm_const(g),
		    &p, NULL, NULL), -1);
		coach_record_free(g);
	}
}

/* .inf and .nan are numbers to YAML but no measurement to coach. */
static void
test_progress_finite(void **state)
{
	(void)state;
	const char *bad[] = {
		"---\nmeasure: {baseline: .inf, target: 5}\n"
		    "measurements: [{date: 2026-10-01, value: 3}]\n---\n",
		"---\nmeasure: {baseline: 1, target: -.inf}\n"
		    "measurements: [{date: 2026-10-01, value: 3}]\n---\n",
		"---\nmeasure: {baseline: .nan, target: 5}\n"
		    "measurements: [{date: 2026-10-01, value: 3}]\n---\n",
		"---\nmeasure: {baseline: 1, target: 5}\n"
		    "measurements: [{date: 2026-10-01, value: .NaN}]\n---\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct coach_record *g = rec(bad[i]);
		double p;
		assert_int_equal(coach_goal_progress(coach_record_fm_const(g),
		    &p, NULL, NULL), -1);
		coach_record_free(g);
	}
	/* A later value that is not finite does not hide an earlier one. */
	struct coach_record *g = rec("---\n"
	    "measure: {baseline: 0, target: 4}\n"
	    "measurements:\n"
	    "  - {date: 2026-10-01, value: 1}\n"
	    "  - {date: 2026-10-02, value: .inf}\n"
	    "---\n");
	double p = -1;
	const char *date = NULL;
	assert_int_equal(coach_goal_progress(coach_record_fm_const(g), &p,
	    &date, NULL), 0);
	assert_string_equal(date, "2026-10-01");
	assert_true(p > 0.249 && p < 0.251);
	coach_record_free(g);
}

/* The latest measurement needs no usable measure: a goal whose baseline
 * is its target still has one. */
static void
test_latest(void **state)
{
	(void)state;
	struct coach_record *g = rec("---\n"
	    "measure: {baseline: 3, target: 3}\n"
	    "measurements:\n"
	    "  - {date: 2026-10-03, value: 2}\n"
	    "  - {date: 2026-10-01, value: 1}\n"
	    "---\n");
	const char *date = NULL;
	const struct coach_fm_node *v = NULL;
	double p;
	assert_int_equal(coach_goal_latest(coach_record_fm_const(g), &date,
	    &v), 0);
	assert_string_equal(date, "2026-10-03");
	assert_string_equal(coach_fm_node_str(v), "2");
	assert_int_equal(coach_goal_progress(coach_record_fm_const(g), &p,
	    NULL, NULL), -1);
	coach_record_free(g);
	g = rec("---\nmeasurements: [{date: 2026-10-01, value: x}]\n---\n");
	assert_int_equal(coach_goal_latest(coach_record_fm_const(g), NULL,
	    NULL), -1);
	coach_record_free(g);
}

static void
test_cycles(void **state)
{
	(void)state;
	setenv("COACH_TODAY", "2026-11-26", 1);
	struct coach_record *open = rec("---\nreview: 2026-11-26\n---\n");
	struct coach_record *late = rec("---\nreview: 2026-11-25\n---\n");
	struct coach_record *shut = rec("---\nreview: 2026-11-01\n"
	    "closed: 2026-11-20\n---\n");
	struct coach_record *empty = rec("---\nclosed: ''\n---\n");
	assert_true(coach_cycle_open(open));
	assert_false(coach_cycle_overdue(open));
	assert_true(coach_cycle_overdue(late));
	assert_false(coach_cycle_open(shut));
	assert_false(coach_cycle_overdue(shut));
	assert_true(coach_cycle_open(empty));
	assert_false(coach_cycle_overdue(empty));
	coach_record_free(open);
	coach_record_free(late);
	coach_record_free(shut);
	coach_record_free(empty);
}

static void
test_agreements(void **state)
{
	(void)state;
	struct coach_record *one = rec("---\ncoach: ada\nstatus: active\n"
	    "ended: 2026-01-01\n---\n");
	struct coach_record *two = rec("---\ncoach: [ada, [x], cy]\n"
	    "ended: 2026-01-01\n---\n");
	struct coach_record *odd = rec("---\ncoach: {ada: cy}\n"
	    "status: ended\n---\n");
	struct coach_strlist l = COACH_STRLIST_INIT;
	coach_agreement_coaches(one, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], "ada");
	coach_agreement_coaches(two, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[1], "ada");
	assert_string_equal(l.v[2], "cy");
	coach_agreement_coaches(odd, &l);
	assert_int_equal(l.n, 3);
	/* A status says it all; an ended date counts only without one. */
	assert_false(coach_agreement_ended(one));
	assert_true(coach_agreement_ended(two));
	assert_true(coach_agreement_ended(odd));
	coach_strlist_free(&l);
	coach_record_free(one);
	coach_record_free(two);
	coach_record_free(odd);
}

/* An ended date ends an agreement that has no status; an empty one, as
 * a cycle's empty closed date, is no date. */
static void
test_agreement_ended_date(void **state)
{
	(void)state;
	struct coach_record *dated = rec("---\ncoach: ada\n"
	    "ended: 2026-01-01\n---\n");
	struct coach_record *blank = rec("---\ncoach: ada\nended: ''\n---\n");
	struct coach_record *none = rec("---\ncoach: ada\n---\n");
	assert_true(coach_agreement_ended(dated));
	assert_false(coach_agreement_ended(blank));
	assert_false(coach_agreement_ended(none));
	coach_record_free(dated);
	coach_record_free(blank);
	coach_record_free(none);
}

static void
test_lists(void **state)
{
	(void)state;
	assert_true(coach_str_in(coach_entry_kinds, "cpd"));
	assert_false(coach_str_in(coach_entry_kinds, "CPD"));
	assert_true(coach_str_in(coach_goal_statuses, "dropped"));
	assert_true(coach_str_in(coach_cycle_outcomes, "not-yet"));
	assert_false(coach_str_in(coach_cycle_outcomes, ""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_no_progress),
		cmocka_unit_test(test_progress_finite),
		cmocka_unit_test(test_latest),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_agreements),
		cmocka_unit_test(test_agreement_ended_date),
		cmocka_unit_test(test_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
