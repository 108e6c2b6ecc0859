/*
 * sync.h: coach sync, as one call.
 *
 *     lock → commit hand edits → fetch → merge → push (→ fetch, merge,
 *     push again while someone else pushed meanwhile) → unlock
 *
 * All of it holds the writer's lock, so no other coach command writes
 * in between.  Each step leaves the repository consistent when the next
 * one fails: the hand edits are committed, a fetch only adds objects and
 * remote-tracking refs, a merge moves the branch only once the files are
 * written, and a failed push changes nothing here.
 */
#ifndef COACH_SYNC_H
#define COACH_SYNC_H

#include <stddef.h>

#include "error.h"
#include "repo.h"
#include "store_remote.h"
#include "util.h"

/* How often a push refused because the remote moved is tried again
 * after fetching and merging. */
#define COACH_SYNC_TRIES 5

struct coach_sync_result {
	char *remote;		/* the remote synced with */
	char *branch;		/* the branch ("main") */
	char *hand_edits;	/* the hand edits' commit message, or NULL */
	size_t pulled;		/* commits brought in */
	size_t files;		/* files changed by what was brought in */
	int merged;		/* a merge commit was made */
	size_t conflicts;	/* values kept under conflicts: */
	size_t pushed;		/* commits pushed */
	int first_push;		/* the remote had no such branch before */
	size_t retries;		/* pushes refused because the remote moved */
	struct coach_strlist notes;	/* for the user */
};

/*
 * Syncs the current branch with remote (NULL: the only remote, else
 * "origin").  Sets the branch's upstream (branch.NAME.remote and .merge)
 * when it has none, so that git pull, git push and coach status know it.
 * The caller frees out with coach_sync_result_free(), also on error.
 */
struct coach_error *coach_sync_run(struct coach_repo *r, const char *remote,
	const struct coach_net_opts *opts, struct coach_sync_result *out);
void coach_sync_result_free(struct coach_sync_result *res);

/* The remote coach sync uses when none is named; the caller frees it. */
struct coach_error *coach_sync_default_remote(struct coach_store *s,
	char **out);

#endif
