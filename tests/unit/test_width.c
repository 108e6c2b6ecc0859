#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "width.h"

static size_t
w(const char *s)
{
	return coach_width(s, strlen(s));
}

static void
test_width_code_points(void **state)
{
	(void)state;
	assert_int_equal(coach_cp_width('a'), 1);
	assert_int_equal(coach_cp_width(0xE9), 1);     /* é */
	assert_int_equal(coach_cp_width(0x301), 0);    /* combining acute */
	assert_int_equal(coach_cp_width(0x200D), 0);   /* zero-width joiner */
	assert_int_equal(coach_cp_width(0xFE0F), 0);   /* variation selector */
	assert_int_equal(coach_cp_width(0x65E5), 2);   /* 日 */
	assert_int_equal(coach_cp_width(0xAC00), 2);   /* 가 */
	assert_int_equal(coach_cp_width(0xFF21), 2);   /* fullwidth A */
	assert_int_equal(coach_cp_width(0x1F600), 2);  /* 😀 */
	assert_int_equal(coach_cp_width(0x1F469), 2);  /* 👩 */
	assert_int_equal(coach_cp_width(0xFF61), 1);   /* halfwidth 。 */
	assert_int_equal(coach_cp_width(0xAD), 1);     /* soft hyphen */
	assert_int_equal(coach_cp_width(0x10FFFF), 1);
}

static void
test_width_text(void **state)
{
	(void)state;
	assert_int_equal(w(""), 0);
	assert_int_equal(w("Bob Baker"), 9);
	assert_int_equal(w("Zoë"), 3);
	assert_int_equal(w("Zoe\xcc\x88"), 3);          /* e + U+0308 */
	assert_int_equal(w("山田花子"), 8);
	assert_int_equal(w("Ana 😀"), 6);
	assert_int_equal(w("👩\xe2\x80\x8d💻"), 4);      /* as wcswidth */
	/* Broken UTF-8: each stray byte is one column, nothing is skipped. */
	assert_int_equal(w("a\xff" "b"), 3);
	assert_int_equal(w("\xe6\x97"), 2);
	uint32_t cp;
	assert_int_equal(coach_utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(coach_utf8_decode("\xf0\x9f\x98\x80", 3, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(coach_utf8_decode("\xed\xa0\x80", 3, &cp), 1);
	assert_int_equal(coach_utf8_decode("\xc0\xaf", 2, &cp), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width_code_points),
		cmocka_unit_test(test_width_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
