/*
 * store_cache.h: the index of HEAD's history that makes a walk limited to
 * one folder cheap, private to lib/store_walk.c.
 *
 * For every commit reachable from HEAD, newest first (children before
 * parents), it holds the top-level names, and the coachee folders under
 * coaching/, whose content differs from the commit's first parent.  A
 * walk of coaching/bob/ then looks only at the commits whose entry names
 * coaching/bob, instead of reading the trees of every commit.
 *
 * It is kept in the git directory (COACH_HISTORY_CACHE_FILE, never part of
 * a commit).  What it says of a commit depends only on that commit, whose
 * id fixes its content, so an entry can never go stale; only the list of
 * commits can, and it is checked against HEAD every time: extended when
 * HEAD moved forward, rebuilt (reusing what it knows of each commit) when
 * HEAD moved anywhere else, and rebuilt from nothing when the file is
 * missing, damaged (a checksum covers it) or of another version.  Failing
 * to write it only costs the time to rebuild it next time.
 * COACH_HISTORY_CACHE=0 in the environment turns it off.
 */
#ifndef COACH_STORE_CACHE_H
#define COACH_STORE_CACHE_H

#include "error.h"
#include "store_priv.h"

#define COACH_HISTORY_CACHE_FILE "coach-history.cache"

struct store_index {
	size_t n;
	git_oid *oids;
	/* Per commit: "\n"-separated names that changed, with a '\n' before
	 * the first and after the last ("\n" when nothing did). */
	char **changed;
};

/* The index of HEAD's history, brought up to date; empty for a
 * repository without commits.  The caller frees it with
 * store_index_free(). */
struct coach_error *store_index_get(git_repository *repo,
	struct store_index *out);
void store_index_free(struct store_index *idx);

/*
 * The name a walk of tree_path (no trailing '/') looks for: "coaching/bob"
 * for anything under coaching/bob/, else its first component ("staff",
 * "coaching"); NULL for the root, which every commit may touch.  The
 * caller frees it.
 */
char *store_index_key(const char *tree_path);
/* Whether commit i may change what is under key's folder. */
int store_index_touches(const struct store_index *idx, size_t i,
	const char *key);

#endif
