/*
 * history.h: what changed in a coach repository, in words, from its git
 * history: the timeline of a folder or of one record, and the changes
 * between two points (two commits, or a commit and the work tree).
 *
 * Each version of a record is read with the parser that reads the work
 * tree (lib/recdiff.h); a version that does not parse is reported with the
 * commit and path and left out, never ending the walk.
 */
#ifndef COACH_HISTORY_H
#define COACH_HISTORY_H

#include <stddef.h>

#include "recdiff.h"
#include "error.h"
#include "store.h"
#include "store_walk.h"

struct coach_history_item {
	struct coach_commit commit;
	struct coach_recdiffs changes; /* its problems are moved to the
				       * history's */
};

/* A version of a record left out: at which commit, and why. */
struct coach_history_problem {
	char commit[41];
	char *path;
	char *message;
};

struct coach_history {
	struct coach_history_item *v; /* newest first */
	size_t n;
	size_t cap;
	struct coach_history_problem *problems;
	size_t nproblems;
	size_t problems_cap;
};
#define COACH_HISTORY_INIT { NULL, 0, 0, NULL, 0, 0 }

/*
 * The commits that changed the files under prefix (a folder ending in
 * '/'), newest first, each with its changes (coach_recdiffs_between, opts
 * as there), from the commits whose author time is not before since (0:
 * all).  With follow (a record's path under prefix), only that record's
 * changes count, and its history goes on at its old path when a commit
 * moved it there.  The caller frees out with coach_history_free(), also
 * after an error.
 */
struct coach_error *coach_history_read(struct coach_store *s,
	const char *prefix, const char *follow, long long since,
	const struct coach_recdiff_opts *opts, struct coach_history *out);
void coach_history_free(struct coach_history *h);

/*
 * The changes to the files under prefix from the commit from (NULL: from
 * nothing, so everything is new) to the commit to (NULL: the work tree).
 * Against the work tree, a change that includes edits not yet committed is
 * marked uncommitted.  out's problems name the versions that did not parse.
 */
struct coach_error *coach_diff_read(struct coach_store *s,
	const char *prefix, const char *from, const char *to,
	const struct coach_recdiff_opts *opts, struct coach_recdiffs *out);

#endif
