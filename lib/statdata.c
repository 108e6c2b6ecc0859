/* statdata.c: stat data and racy readings (see statdata.h). */
#include "statdata.h"

void
coach_statdata_of(struct coach_statdata *out, const struct stat *st)
{
	out->mt_s = st->st_mtim.tv_sec;
	out->mt_ns = st->st_mtim.tv_nsec;
	out->ct_s = st->st_ctim.tv_sec;
	out->ct_ns = st->st_ctim.tv_nsec;
	out->ino = (uint64_t)st->st_ino;
	out->size = (uint64_t)st->st_size;
	out->mode = (uint64_t)st->st_mode;
}

int
coach_statdata_eq(const struct coach_statdata *a,
    const struct coach_statdata *b)
{
	return a->mt_s == b->mt_s && a->mt_ns == b->mt_ns &&
	    a->ct_s == b->ct_s && a->ct_ns == b->ct_ns && a->ino == b->ino &&
	    a->size == b->size && a->mode == b->mode;
}

void
coach_statdata_start(struct timespec *out)
{
	/* The coarse clock is the one the kernel stamps files with. */
	clock_gettime(CLOCK_REALTIME_COARSE, out);
}

static int
not_before(int64_t s, int64_t ns, const struct timespec *t)
{
	return s > t->tv_sec || (s == t->tv_sec && ns >= t->tv_nsec);
}

int
coach_statdata_racy(const struct coach_statdata *f,
    const struct timespec *start)
{
	return not_before(f->mt_s, f->mt_ns, start) ||
	    not_before(f->ct_s, f->ct_ns, start);
}
