#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "date.h"
#include "ids.h"
#include "json.h"
#include "util.h"

static void
test_date_valid(void **state)
{
	(void)state;
	coach_day d, e;
	assert_int_equal(coach_date_parse("2026-11-26", &d), 0);
	char s[11];
	coach_date_format(d, s);
	assert_string_equal(s, "2026-11-26");
	assert_int_equal(coach_date_parse("2024-02-29", &e), 0);
	assert_int_equal(coach_date_parse("1970-01-01", &e), 0);
	assert_int_equal(e, 0);
	assert_int_equal(coach_date_parse("2026-11-27", &e), 0);
	assert_int_equal(e - d, 1);
}

static void
test_date_invalid(void **state)
{
	(void)state;
	coach_day d;
	const char *bad[] = { "2025-02-29", "2026-13-01", "2026-00-10",
		"2026-04-31", "26-11-01", "2026-1-01", "2026/11/01",
		"2026-11-01x", "", "today", "1900-02-29", "abcd-ef-gh" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(coach_date_parse(bad[i], &d), -1);
}

static void
test_date_arg(void **state)
{
	(void)state;
	setenv("COACH_TODAY", "2026-03-01", 1);
	coach_day d;
	char s[11];
	assert_null(coach_date_arg("--date", "yesterday", &d));
	coach_date_format(d, s);
	assert_string_equal(s, "2026-02-28");
	struct coach_error *err = coach_date_arg("--date", "2026-02-30", &d);
	assert_non_null(err);
	assert_non_null(strstr(coach_error_msg(err), "--date"));
	coach_error_free(err);
	unsetenv("COACH_TODAY");
}

static void
test_handles(void **state)
{
	(void)state;
	const char *good[] = { "alice", "a", "mr.smith", "j_doe-2", "0x" };
	const char *bad[] = { "", "Alice", "-x", ".hidden", "..", "a/b",
		"a b", "é", "a\nb",
		"a23456789012345678901234567890123456789012" };
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		assert_null(coach_handle_check("handle", good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct coach_error *err = coach_handle_check("handle", bad[i]);
		assert_non_null(err);
		coach_error_free(err);
	}
}

static void
test_ids(void **state)
{
	(void)state;
	char a[8], b[8];
	coach_id_new('g', a);
	coach_id_new('g', b);
	assert_true(coach_id_valid(a, 'g'));
	assert_false(coach_id_valid(a, 'c'));
	assert_true(coach_id_valid(a, 0));
	assert_false(coach_id_valid("g12345", 'g'));
	assert_false(coach_id_valid("gABCDEF", 'g'));
	assert_false(coach_id_valid("x123456", 0));
	/* 2^24 values: two draws collide with probability 6e-8. */
	assert_string_not_equal(a, b);
}

static void
test_json(void **state)
{
	(void)state;
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_json j;
	coach_json_init(&j, &b, 0);
	coach_json_obj_begin(&j);
	coach_json_key(&j, "a\"b");
	coach_json_str(&j, "x\ny\x01");
	coach_json_key(&j, "list");
	coach_json_arr_begin(&j);
	coach_json_int(&j, 1);
	coach_json_num(&j, 0.5);
	coach_json_bool(&j, 1);
	coach_json_null(&j);
	coach_json_arr_end(&j);
	coach_json_key(&j, "empty");
	coach_json_obj_begin(&j);
	coach_json_obj_end(&j);
	coach_json_obj_end(&j);
	assert_string_equal(coach_buf_str(&b),
	    "{\"a\\\"b\":\"x\\ny\\u0001\",\"list\":[1,0.5,true,null],"
	    "\"empty\":{}}");
	coach_buf_free(&b);
}

static void
test_utf8(void **state)
{
	(void)state;
	assert_int_equal(coach_utf8_check("héllo", 6), 6);
	assert_int_equal(coach_utf8_check("a\xffz", 3), 1);
	assert_int_equal(coach_utf8_check("ab\0c", 4), 2);
	assert_int_equal(coach_utf8_check("\xc3", 1), 0);        /* truncated */
	assert_int_equal(coach_utf8_check("\xc0\xaf", 2), 0);    /* overlong */
	assert_int_equal(coach_utf8_check("\xed\xa0\x80", 3), 0); /* surrogate */
	assert_int_equal(coach_utf8_check("\xf0\x9f\x98\x80", 4), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_valid),
		cmocka_unit_test(test_date_invalid),
		cmocka_unit_test(test_date_arg),
		cmocka_unit_test(test_handles),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
