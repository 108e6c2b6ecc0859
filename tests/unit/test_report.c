#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report.h"

static void
test_clamp(void **state)
{
	(void)state;
	assert_true(coach_report_clamp(-0.5) == 0.0);
	assert_true(coach_report_clamp(1.5) == 1.0);
	assert_true(coach_report_clamp(0.25) == 0.25);
	assert_true(isnan(coach_report_clamp(NAN)));
	/* Lower is better: baseline 10, target 4, latest 7: half way. */
	assert_true(coach_report_clamp((7.0 - 10) / (4 - 10)) == 0.5);
}

static void
test_median(void **state)
{
	(void)state;
	double odd[] = { 9, 1, 5 };
	double even[] = { 8, 2, 4, 6 };
	assert_true(coach_report_median(odd, 3) == 5);
	assert_true(coach_report_median(even, 4) == 5);
	assert_true(coach_report_median(NULL, 0) == 0);
}

static void
test_cadence(void **state)
{
	(void)state;
	assert_int_equal(coach_report_cadence_days("weekly"), 7);
	assert_int_equal(coach_report_cadence_days("Fortnightly"), 14);
	assert_int_equal(coach_report_cadence_days("every 3 weeks"), 21);
	assert_int_equal(coach_report_cadence_days("every 10 days"), 10);
	assert_int_equal(coach_report_cadence_days("when we can"), -1);
	assert_int_equal(coach_report_cadence_days("every -2 weeks"), -1);
	assert_int_equal(coach_report_cadence_days(NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_cadence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
