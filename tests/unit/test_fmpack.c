/* Packed front-matter reads as the parsed document does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fmpack.h"
#include "frontmatter.h"

static const char doc[] =
	"id: g123456\n"
	"status: active\n"
	"title: not packed\n"
	"strategies: [cold-call, 'wait-time']\n"
	"measure: {name: hands, baseline: 10, target: 4.5}\n"
	"measurements:\n"
	"  - {date: 2026-10-01, value: 7}\n"
	"  - {date: 2026-10-02, value: '8'}\n"
	"private: yes\n"
	"hours:\n";

static const char *const keys[] = { "id", "status", "strategies",
	"measure", "measurements", "private", "hours", NULL };

static void
pack(struct coach_buf *b)
{
	struct coach_fm *fm;
	assert_null(coach_fm_parse(&fm, "t.md", doc, strlen(doc), 2));
	coach_fmp_pack(fm, keys, b);
	coach_fm_free(fm);
}

static void
test_values(void **state)
{
	(void)state;
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_fmp root, v, it;
	double d;
	int yes;
	pack(&b);
	assert_int_equal(coach_fmp_root(&root, b.ptr, b.len), 0);
	assert_string_equal(coach_fmp_keystr(&root, "id"), "g123456");
	assert_null(coach_fmp_keystr(&root, "title"));
	v = coach_fmp_get(&root, "strategies");
	assert_int_equal(coach_fmp_type(&v), COACH_FM_SEQ);
	assert_int_equal(coach_fmp_len(&v), 2);
	it = coach_fmp_item(&v, 1);
	assert_string_equal(coach_fmp_str(&it), "wait-time");
	v = coach_fmp_get(&root, "measure");
	it = coach_fmp_get(&v, "target");
	assert_int_equal(coach_fmp_number(&it, &d), 0);
	assert_true(d == 4.5);
	it = coach_fmp_get(&v, "name");
	assert_int_equal(coach_fmp_number(&it, &d), -1);
	v = coach_fmp_get(&root, "measurements");
	it = coach_fmp_item(&v, 1);
	it = coach_fmp_get(&it, "value");
	/* Quoted: text, not a number, as coach_fm_node_number() says. */
	assert_int_equal(coach_fmp_number(&it, &d), -1);
	v = coach_fmp_get(&root, "private");
	assert_int_equal(coach_fmp_bool(&v, &yes), 0);
	assert_int_equal(yes, 1);
	v = coach_fmp_get(&root, "hours");
	assert_int_equal(coach_fmp_type(&v), COACH_FM_NULL);
	assert_true(coach_fmp_found(&v));
	v = coach_fmp_get(&root, "nothere");
	assert_false(coach_fmp_found(&v));
	assert_null(coach_fmp_str(&v));
	coach_buf_free(&b);
}

/* Cut short anywhere: values go missing, nothing is read outside. */
static void
test_truncated(void **state)
{
	(void)state;
	struct coach_buf b = COACH_BUF_INIT;
	pack(&b);
	static const unsigned char bytes[] = { 0x00, 0x7f, 0xff };
	for (size_t n = 0; n < b.len; n++) {
		for (size_t k = 0; k <= sizeof(bytes); k++) {
			/* Cut at n, or one byte at n changed. */
			size_t len = k == 0 ? n : b.len;
			unsigned char *cut = malloc(len ? len : 1);
			memcpy(cut, b.ptr, len);
			if (k > 0)
				cut[n] = bytes[k - 1];
			struct coach_fmp root, v, it;
			double d;
			if (coach_fmp_root(&root, cut, len) == 0) {
				v = coach_fmp_get(&root, "measurements");
				it = coach_fmp_item(&v, 1);
				(void)coach_fmp_keystr(&it, "date");
				it = coach_fmp_get(&it, "value");
				(void)coach_fmp_number(&it, &d);
				(void)coach_fmp_keystr(&root, "hours");
				v = coach_fmp_get(&root, "strategies");
				for (size_t i = 0; i < coach_fmp_len(&v) && i < 8; i++)
					it = coach_fmp_item(&v, i),
					(void)coach_fmp_str(&it);
			}
			free(cut);
		}
	}
	coach_buf_free(&b);
}

/* Several keys in one walk: what coach_fmp_get() gives for each, whole
 * or cut short or damaged anywhere. */
static void
test_get_many(void **state)
{
	(void)state;
	static const char *const want[] = { "hours", "id", "title",
		"measurements", "status", "private", "nope" };
	const size_t n = sizeof(want) / sizeof(*want);
	struct coach_buf b = COACH_BUF_INIT;
	size_t found = 0;
	pack(&b);
	for (size_t at = 0; at <= b.len; at++) {
		for (size_t k = 0; k < 2; k++) {
			size_t len = k == 0 ? at : b.len;
			unsigned char *cut = malloc(b.len);
			memcpy(cut, b.ptr, b.len);
			if (k > 0 && at < b.len)
				cut[at] ^= 0x5a;
			struct coach_fmp root, got[7];
			if (coach_fmp_root(&root, cut, len) == 0) {
				coach_fmp_get_many(&root, want, n, got);
				for (size_t i = 0; i < n; i++) {
					struct coach_fmp one =
					    coach_fmp_get(&root, want[i]);
					assert_ptr_equal(got[i].p, one.p);
					assert_int_equal(got[i].len, one.len);
					found += one.p != NULL;
				}
			}
			free(cut);
		}
	}
	/* The whole string has five of them. */
	assert_true(found >= 5);
	coach_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_get_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
