/* A few threads taking the items of a list: each item done once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

struct count {
	atomic_int *hits;
	size_t n;
};

static void
hit(void *arg, size_t i)
{
	struct count *c = arg;
	assert_true(i < c->n);
	atomic_fetch_add(&c->hits[i], 1);
}

static struct count
count_new(size_t n)
{
	struct count c = { calloc(n + 1, sizeof(atomic_int)), n };
	for (size_t i = 0; i <= n; i++)
		atomic_init(&c.hits[i], 0);
	return c;
}

static void
assert_each_once(struct count *c)
{
	for (size_t i = 0; i < c->n; i++)
		assert_int_equal(atomic_load(&c->hits[i]), 1);
	assert_int_equal(atomic_load(&c->hits[c->n]), 0);
	free(c->hits);
}

static void
test_pool_run_does_each_item_once(void **state)
{
	(void)state;
	static const size_t sizes[] = { 0, 1, 2, 7, 1000, 20000 };
	static const int threads[] = { 1, 2, 3, 8, 100 };
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++) {
		for (size_t t = 0; t < sizeof(threads) / sizeof(*threads);
		    t++) {
			struct count c = count_new(sizes[s]);
			coach_pool_run(sizes[s], threads[t], hit, &c);
			assert_each_once(&c);
		}
	}
}

static void
test_pool_start_lets_the_caller_work(void **state)
{
	(void)state;
	struct count c = count_new(5000);
	struct coach_pool *p = coach_pool_start(c.n, 2, hit, &c);
	/* Other work here; the waiter does what is left. */
	volatile size_t sum = 0;
	for (size_t i = 0; i < 100000; i++)
		sum += i;
	coach_pool_wait(p);
	assert_each_once(&c);
	/* With no thread at all, the waiter does every item. */
	c = count_new(300);
	coach_pool_wait(coach_pool_start(c.n, 0, hit, &c));
	assert_each_once(&c);
	coach_pool_wait(NULL);
}

/* Which worker did each item, and which thread each worker was. */
struct owners {
	int *worker;
	pthread_t *thread;
	size_t n;
};

static void
note_worker(void *arg, size_t i)
{
	struct owners *o = arg;
	o->worker[i] = coach_pool_worker();
	o->thread[i] = pthread_self();
	/* Long enough for every thread to take some items. */
	volatile size_t sum = 0;
	for (size_t k = 0; k < 20000; k++)
		sum += k;
}

static void
test_pool_worker_numbers_are_one_thread_each(void **state)
{
	(void)state;
	for (int threads = 1; threads <= 4; threads++) {
		struct owners o = { calloc(400, sizeof(int)),
			calloc(400, sizeof(pthread_t)), 400 };
		pthread_t me = pthread_self();
		coach_pool_run(o.n, threads, note_worker, &o);
		for (size_t i = 0; i < o.n; i++) {
			/* 0 is the waiter; the others 1..threads-1. */
			assert_in_range(o.worker[i], 0, threads - 1);
			assert_true((o.worker[i] == 0) ==
			    pthread_equal(o.thread[i], me));
			/* Never two threads under one number. */
			for (size_t k = 0; k < i; k++)
				if (o.worker[k] == o.worker[i])
					assert_true(pthread_equal(o.thread[k],
					    o.thread[i]));
		}
		free(o.worker);
		free(o.thread);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_run_does_each_item_once),
		cmocka_unit_test(test_pool_start_lets_the_caller_work),
		cmocka_unit_test(test_pool_worker_numbers_are_one_thread_each),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
