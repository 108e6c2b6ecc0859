/* Errors carry a status for main and a code for callers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "error.h"

static void
test_new_codes_from_status(void **state)
{
	(void)state;
	struct coach_error *e = coach_error_new(COACH_FAIL, "x %d", 1);
	assert_int_equal(coach_error_code(e), COACH_E_FAIL);
	assert_string_equal(coach_error_msg(e), "x 1");
	coach_error_free(e);
	e = coach_error_new(COACH_USAGE, "u");
	assert_int_equal(coach_error_code(e), COACH_E_USAGE);
	assert_int_equal(coach_error_status(e), COACH_USAGE);
	coach_error_free(e);
	assert_int_equal(coach_error_code(NULL), 0);
	assert_int_equal(coach_error_status(NULL), COACH_OK);
}

static void
test_coded(void **state)
{
	(void)state;
	struct coach_error *e = coach_error_coded(COACH_E_LOCKED, "held");
	assert_int_equal(coach_error_code(e), COACH_E_LOCKED);
	assert_int_equal(coach_error_status(e), COACH_FAIL);
	e = coach_error_prefix(e, "p");
	assert_int_equal(coach_error_code(e), COACH_E_LOCKED);
	assert_string_equal(coach_error_msg(e), "p: held");
	assert_ptr_equal(coach_error_set_code(e, COACH_E_CONFLICT), e);
	assert_int_equal(coach_error_code(e), COACH_E_CONFLICT);
	assert_int_equal(coach_error_status(e), COACH_FAIL);
	coach_error_free(e);
	assert_null(coach_error_set_code(NULL, COACH_E_IO));
}

static void
test_errno_codes(void **state)
{
	(void)state;
	errno = ENOENT;
	struct coach_error *e = coach_error_errno("open", "a.md");
	assert_int_equal(coach_error_code(e), COACH_E_NOTFOUND);
	assert_non_null(strstr(coach_error_msg(e), "open a.md: "));
	coach_error_free(e);
	errno = ENOSPC;
	e = coach_error_errno("write", "b.md");
	assert_int_equal(coach_error_code(e), COACH_E_IO);
	coach_error_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_codes_from_status),
		cmocka_unit_test(test_coded),
		cmocka_unit_test(test_errno_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
