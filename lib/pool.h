/*
 * pool.h: a few threads taking the items of one job list in turn.
 *
 * Items 0..n-1 are handed out one at a time, each to one thread, so a
 * slow item never holds up the others.  The function must only touch
 * what belongs to its item (or what it locks itself).  A thread that
 * cannot be started only means fewer threads: every item is still done,
 * at the latest by the thread that waits.
 */
#ifndef COACH_POOL_H
#define COACH_POOL_H

#include <stddef.h>

typedef void coach_pool_fn(void *arg, size_t i);

struct coach_pool;

/*
 * Starts up to threads threads (at most COACH_POOL_MAX) on items 0..n-1
 * and returns at once: the caller does other work meanwhile, then calls
 * coach_pool_wait().  Never fails (with no thread started, the waiter
 * does every item).
 */
struct coach_pool *coach_pool_start(size_t n, int threads, coach_pool_fn *fn,
	void *arg);
/* Does the items no thread took yet, waits for the threads, frees p. */
void coach_pool_wait(struct coach_pool *p);

/* Items 0..n-1 in threads threads, this one among them; returns when
 * every item is done. */
void coach_pool_run(size_t n, int threads, coach_pool_fn *fn, void *arg);

/* Which worker calls, from within an item's function: 1..threads for the
 * threads a pool started, 0 for the thread that waits.  No two threads
 * of one pool have the same number, so an item may use state kept per
 * number (and kept from one pool to the next when only one runs at a
 * time). */
int coach_pool_worker(void);

#define COACH_POOL_MAX 64

#endif
