/* pool.c: items of a list done by a few threads (see pool.h). */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "util.h"

struct worker {
	struct coach_pool *pool;
	int no;
};

struct coach_pool {
	coach_pool_fn *fn;
	void *arg;
	size_t n;
	atomic_size_t next;
	pthread_t tid[COACH_POOL_MAX];
	struct worker workers[COACH_POOL_MAX];
	int started;
};

/* The number of this thread in the pool it works for (0: the waiter). */
static _Thread_local int worker_no;

int
coach_pool_worker(void)
{
	return worker_no;
}

static void *
work(void *arg)
{
	struct worker *me = arg;
	struct coach_pool *p = me->pool;
	worker_no = me->no;
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->n)
			return NULL;
		p->fn(p->arg, i);
	}
}

struct coach_pool *
coach_pool_start(size_t n, int threads, coach_pool_fn *fn, void *arg)
{
	struct coach_pool *p = coach_xcalloc(1, sizeof(*p));
	p->fn = fn;
	p->arg = arg;
	p->n = n;
	atomic_init(&p->next, 0);
	if (threads > COACH_POOL_MAX)
		threads = COACH_POOL_MAX;
	if ((size_t)threads > n)
		threads = (int)n;
	for (; p->started < threads; p->started++) {
		struct worker *w = &p->workers[p->started];
		w->pool = p;
		w->no = p->started + 1;
		if (pthread_create(&p->tid[p->started], NULL, work, w) != 0)
			break;
	}
	return p;
}

void
coach_pool_wait(struct coach_pool *p)
{
	if (p == NULL)
		return;
	struct worker me = { p, 0 };
	work(&me);
	for (int i = 0; i < p->started; i++)
		pthread_join(p->tid[i], NULL);
	free(p);
}

void
coach_pool_run(size_t n, int threads, coach_pool_fn *fn, void *arg)
{
	coach_pool_wait(coach_pool_start(n, threads - 1, fn, arg));
}
