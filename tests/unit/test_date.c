#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
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

/* The day s reads as for use, relative to Thursday 2026-11-26, formatted;
 * or "error: " and the message. */
static const char *
read_as(const char *s, enum coach_date_use use)
{
	static char out[512];
	coach_day today, d;
	assert_int_equal(coach_date_parse("2026-11-26", &today), 0);
	struct coach_error *err = coach_date_read("--date", s, use, today, &d);
	if (err) {
		snprintf(out, sizeof(out), "error: %s", coach_error_msg(err));
		assert_int_equal(coach_error_code(err), COACH_E_INVALID);
		coach_error_free(err);
		return out;
	}
	coach_date_format(d, out);
	return out;
}

static void
test_date_read_words(void **state)
{
	(void)state;
	assert_string_equal(read_as("today", COACH_DATE_PAST), "2026-11-26");
	assert_string_equal(read_as(" Yesterday ", COACH_DATE_PAST),
	    "2026-11-25");
	assert_string_equal(read_as("tomorrow", COACH_DATE_PLAN),
	    "2026-11-27");
	assert_string_equal(read_as("tomorrow", COACH_DATE_ANY), "2026-11-27");
	/* A weekday: the latest one for what happened, the next for plans;
	 * today counts for both. */
	assert_string_equal(read_as("monday", COACH_DATE_PAST), "2026-11-23");
	assert_string_equal(read_as("Mon", COACH_DATE_ANY), "2026-11-23");
	assert_string_equal(read_as("friday", COACH_DATE_PAST), "2026-11-20");
	assert_string_equal(read_as("thursday", COACH_DATE_PAST),
	    "2026-11-26");
	assert_string_equal(read_as("monday", COACH_DATE_PLAN), "2026-11-30");
	assert_string_equal(read_as("thurs", COACH_DATE_PLAN), "2026-11-26");
	assert_string_equal(read_as("tues", COACH_DATE_PLAN), "2026-12-01");
	/* last and next never mean today. */
	assert_string_equal(read_as("last thursday", COACH_DATE_PAST),
	    "2026-11-19");
	assert_string_equal(read_as("last  Monday", COACH_DATE_PAST),
	    "2026-11-23");
	assert_string_equal(read_as("next thursday", COACH_DATE_PLAN),
	    "2026-12-03");
	assert_string_equal(read_as("next fri", COACH_DATE_PLAN),
	    "2026-11-27");
	assert_string_equal(read_as("3 days ago", COACH_DATE_PAST),
	    "2026-11-23");
	assert_string_equal(read_as("1 day ago", COACH_DATE_PAST),
	    "2026-11-25");
	assert_string_equal(read_as("0 days ago", COACH_DATE_PAST),
	    "2026-11-26");
	assert_string_equal(read_as("2 weeks ago", COACH_DATE_PAST),
	    "2026-11-12");
	assert_string_equal(read_as("in 2 weeks", COACH_DATE_PLAN),
	    "2026-12-10");
	assert_string_equal(read_as("26 days ago", COACH_DATE_PAST),
	    "2026-10-31");
}

static void
test_date_read_numbers(void **state)
{
	(void)state;
	assert_string_equal(read_as("2026-2-3", COACH_DATE_PAST), "2026-02-03");
	assert_string_equal(read_as("2026-11-3", COACH_DATE_PAST),
	    "2026-11-03");
	assert_string_equal(read_as("2026/02/28", COACH_DATE_PAST),
	    "2026-02-28");
	assert_string_equal(read_as("2024-2-29", COACH_DATE_ANY), "2024-02-29");
	assert_string_equal(read_as("2027-01-01", COACH_DATE_PLAN),
	    "2027-01-01");
	/* Day and month in either order: refused, with the form to use. */
	const char *e = read_as("30/11/2026", COACH_DATE_ANY);
	assert_non_null(strstr(e, "use 2026-11-30"));
	e = read_as("11/30/2026", COACH_DATE_ANY);
	assert_non_null(strstr(e, "use 2026-11-30"));
	e = read_as("3.4.2026", COACH_DATE_ANY);
	assert_non_null(strstr(e, "2026-04-03"));
	assert_non_null(strstr(e, "2026-03-04"));
	assert_non_null(strstr(e, "--date: '3.4.2026'"));
	e = read_as("5-5-2026", COACH_DATE_ANY);
	assert_non_null(strstr(e, "use 2026-05-05"));
}

static void
test_date_read_refused(void **state)
{
	(void)state;
	const char *bad[] = { "", "  ", "2026-2-30", "2025-02-29",
		"2026-13-01", "2026-0-1", "2026-11", "2026-11-26-1",
		"2026/11-26", "32/13/2026", "30/11/26", "26-11-30", "someday",
		"last", "next", "last week", "next tomorrow", "mondays",
		"mo", "3 days", "days ago", "-3 days ago", "3 years ago",
		"in 3", "in three days", "3 days ago now", "12345 days ago",
		"9999 weeks ago",
		"2026-11-26x", "today!", "0x10 days ago",
		"a very long string that is certainly not any kind of date "
		"at all, and goes on" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		const char *e = read_as(bad[i], COACH_DATE_ANY);
		if (strncmp(e, "error: ", 7) != 0)
			fail_msg("'%s' read as %s", bad[i], e);
	}
	/* What happened cannot be after today, however it is written. */
	const char *future[] = { "tomorrow", "next monday", "in 2 days",
		"2026-11-27", "2027-1-1" };
	for (size_t i = 0; i < sizeof(future) / sizeof(*future); i++) {
		const char *e = read_as(future[i], COACH_DATE_PAST);
		if (strstr(e, "is in the future") == NULL)
			fail_msg("'%s' read as %s", future[i], e);
	}
	assert_non_null(strstr(read_as("tomorrow", COACH_DATE_PAST),
	    "--date: 2026-11-27 is in the future"));
	/* The message lists forms that use accepts. */
	assert_null(strstr(read_as("soon", COACH_DATE_PAST), "tomorrow"));
	assert_non_null(strstr(read_as("soon", COACH_DATE_PLAN), "tomorrow"));
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
	char a[COACH_ID_LEN + 1], b[COACH_ID_LEN + 1];
	coach_id_new('g', a);
	coach_id_new('g', b);
	/* A letter and 12 hex digits: 48 random bits. */
	assert_int_equal(strlen(a), 13);
	assert_true(coach_id_valid(a, 'g'));
	assert_false(coach_id_valid(a, 'c'));
	assert_true(coach_id_valid(a, 0));
	/* Ids of 6 hex digits, written before, stay valid. */
	assert_true(coach_id_valid("g3f9a1c", 'g'));
	assert_true(coach_id_valid("e3f9a1c0d2e4b", 'e'));
	assert_false(coach_id_valid("g12345", 'g'));
	assert_false(coach_id_valid("g3f9a1c0d2e4b5", 'g'));
	assert_false(coach_id_valid("gABCDEF", 'g'));
	assert_false(coach_id_valid("x123456", 0));
	/* 2^48 values: two draws collide with probability 4e-15. */
	assert_string_not_equal(a, b);
	/* Every hex digit is used over many draws (not 24 bits padded). */
	unsigned seen[COACH_ID_HEX] = { 0 };
	for (int i = 0; i < 200; i++) {
		coach_id_new('e', a);
		for (int k = 0; k < COACH_ID_HEX; k++)
			seen[k] |= 1u << (a[1 + k] <= '9' ? a[1 + k] - '0' :
			    a[1 + k] - 'a' + 10);
	}
	for (int k = 0; k < COACH_ID_HEX; k++)
		assert_int_equal(seen[k], 0xffff);
}

static void
test_id_abbrev(void **state)
{
	(void)state;
	/* At least 7 characters, as ids were before. */
	assert_int_equal(coach_id_abbrev_len("g3f9a1c0d2e4b", NULL, NULL), 7);
	assert_int_equal(coach_id_abbrev_len("g3f9a1c", "g000000", NULL), 7);
	/* Longer when a neighbour shares the first 7. */
	assert_int_equal(coach_id_abbrev_len("g3f9a1c0d2e4b", "g3f9a1c0a",
	    "g3f9a1d"), 9);
	assert_int_equal(coach_id_abbrev_len("g3f9a1c0d2e4b", NULL,
	    "g3f9a1c0d2e4c"), 13);
	/* Never longer than the id: an old id that prefixes a new one. */
	assert_int_equal(coach_id_abbrev_len("g3f9a1c", NULL,
	    "g3f9a1c0d2e4b"), 7);
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
		cmocka_unit_test(test_date_read_words),
		cmocka_unit_test(test_date_read_numbers),
		cmocka_unit_test(test_date_read_refused),
		cmocka_unit_test(test_handles),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_id_abbrev),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
