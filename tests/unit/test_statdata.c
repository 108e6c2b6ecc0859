#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "statdata.h"

static struct stat
st_at(long mt_s, long mt_ns, long ct_s, long ct_ns)
{
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_mtim.tv_sec = mt_s;
	st.st_mtim.tv_nsec = mt_ns;
	st.st_ctim.tv_sec = ct_s;
	st.st_ctim.tv_nsec = ct_ns;
	st.st_ino = 42;
	st.st_size = 100;
	st.st_mode = S_IFREG | 0644;
	return st;
}

static void
test_statdata_eq_sees_every_field(void **state)
{
	(void)state;
	struct stat st = st_at(1000, 5, 1000, 6);
	struct coach_statdata a, b;
	coach_statdata_of(&a, &st);
	coach_statdata_of(&b, &st);
	assert_true(coach_statdata_eq(&a, &b));
	assert_int_equal(a.size, 100);
	assert_int_equal(a.ino, 42);
	assert_int_equal(a.mt_ns, 5);
	assert_int_equal(a.ct_ns, 6);

	struct stat changed[6];
	for (int i = 0; i < 6; i++)
		changed[i] = st;
	changed[0].st_mtim.tv_nsec = 7;   /* same second, same size */
	changed[1].st_ctim.tv_sec = 1001;
	changed[2].st_ino = 43;
	changed[3].st_size = 101;
	changed[4].st_mode = S_IFREG | 0755;
	changed[5].st_mtim.tv_sec = 999;
	for (int i = 0; i < 6; i++) {
		coach_statdata_of(&b, &changed[i]);
		assert_false(coach_statdata_eq(&a, &b));
	}
}

static void
test_statdata_racy(void **state)
{
	(void)state;
	struct timespec start = { .tv_sec = 2000, .tv_nsec = 500 };
	struct coach_statdata f;
	struct stat st = st_at(1999, 999999999, 1999, 999999999);
	coach_statdata_of(&f, &st);
	assert_false(coach_statdata_racy(&f, &start));
	st = st_at(2000, 500, 1999, 0);   /* mtime in the same tick */
	coach_statdata_of(&f, &st);
	assert_true(coach_statdata_racy(&f, &start));
	st = st_at(1999, 0, 2000, 499);   /* ctime just before */
	coach_statdata_of(&f, &st);
	assert_false(coach_statdata_racy(&f, &start));
	st = st_at(1999, 0, 2001, 0);     /* ctime later */
	coach_statdata_of(&f, &st);
	assert_true(coach_statdata_racy(&f, &start));
}

static void
test_statdata_start_is_now(void **state)
{
	(void)state;
	struct timespec a, b;
	coach_statdata_start(&a);
	assert_int_equal(clock_gettime(CLOCK_REALTIME, &b), 0);
	/* The coarse clock lags the fine one by at most a tick. */
	assert_true(a.tv_sec <= b.tv_sec && b.tv_sec - a.tv_sec <= 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_statdata_eq_sees_every_field),
		cmocka_unit_test(test_statdata_racy),
		cmocka_unit_test(test_statdata_start_is_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
