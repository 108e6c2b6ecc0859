/*
 * statdata.h: a file's stat data as the caches of the git directory keep
 * them, and the rule for trusting them.
 *
 * As in git's index, a file whose stat data (mtime and ctime to the
 * nanosecond, inode, size, mode) are the same as when it was read is
 * taken to hold what it held then, unless it was "racy": changed within
 * the clock tick the reading run started in, or later, when the same
 * stat data may hide a change.  Racy readings are never kept.
 */
#ifndef COACH_STATDATA_H
#define COACH_STATDATA_H

#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

struct coach_statdata {
	int64_t mt_s, mt_ns, ct_s, ct_ns;
	uint64_t ino, size, mode;
};

void coach_statdata_of(struct coach_statdata *out, const struct stat *st);
int coach_statdata_eq(const struct coach_statdata *a,
	const struct coach_statdata *b);
/* The time a run starts, on the clock file times are taken from. */
void coach_statdata_start(struct timespec *out);
/* Whether f's mtime or ctime is not older than start. */
int coach_statdata_racy(const struct coach_statdata *f,
	const struct timespec *start);

#endif
