/*
 * store_walk.h: reading a coach repository's git history: commits, the
 * files under a folder at any commit, and the work tree's files in the
 * same form, for lib/recdiff.h to compare.  libgit2 only, no git
 * subprocess.
 *
 * Files are handed over as struct coach_files (recdiff.h): every file under
 * the folder with its blob id, and the bytes of each record (.md file) up
 * to COACH_RECORD_MAX_BYTES; bigger files and other files carry no bytes.
 */
#ifndef COACH_STORE_WALK_H
#define COACH_STORE_WALK_H

#include <stddef.h>

#include "recdiff.h"
#include "error.h"
#include "store.h"

/* A commit as history shows it. */
struct coach_commit {
	char oid[41];
	char *author_name;
	char *author_email;
	long long time; /* the author's time, seconds since 1970 */
	int offset;     /* the author's time zone, minutes east of UTC */
	char *summary;  /* the message's first line */
	size_t parents;
};

void coach_commit_free(struct coach_commit *c);

/*
 * Called for each commit that changes something under the folder, newest
 * first: old holds the changed files as the first parent had them (none
 * for the first commit), new as the commit has them; a path missing from
 * one side was added or removed.  A merge is compared with its first
 * parent: what it brought in.  Setting *stop ends the walk.
 */
typedef struct coach_error *(*coach_walk_fn)(void *arg,
	const struct coach_commit *c, const struct coach_files *old,
	const struct coach_files *new, int *stop);

/*
 * Walks the commits reachable from HEAD, newest first (children before
 * parents), calling fn for those whose author time is not before since
 * (0: all) and that change files under prefix (a folder ending in '/', a
 * file's path, or "" for everything).  A repository without commits has no
 * history: fn is never called.
 */
struct coach_error *coach_store_walk(struct coach_store *s,
	const char *prefix, long long since, coach_walk_fn fn, void *arg);

/*
 * The commit a revision names (a commit id or prefix, a branch, a tag,
 * HEAD~2, ...), as a hex id.  Errors: COACH_E_NOTFOUND when it names
 * nothing or not a commit.
 */
struct coach_error *coach_store_rev(struct coach_store *s, const char *rev,
	char oid[41]);

/*
 * The newest commit on HEAD's first-parent line whose commit time is
 * before the given time: the state of the repository then.  *found is 0
 * when there is none (HEAD's line starts later, or no commits).
 */
struct coach_error *coach_store_rev_before(struct coach_store *s,
	long long before, char oid[41], int *found);

/* The commit at oid; the caller frees *out with coach_commit_free(). */
struct coach_error *coach_store_commit_info(struct coach_store *s,
	const char *oid, struct coach_commit *out);

/*
 * Every file under prefix (a folder ending in '/') at the commit oid, or
 * in the work tree when oid is NULL (untracked files included, ignored
 * ones and symbolic links left out), appended to out and sorted.
 */
struct coach_error *coach_store_files_at(struct coach_store *s,
	const char *oid, const char *prefix, struct coach_files *out);

/*
 * The newest commit reachable from HEAD that added path (created it, or
 * moved a record with the same id there).  *found is 0 when none did (the
 * file is not committed).
 */
struct coach_error *coach_store_added_by(struct coach_store *s,
	const char *path, char oid[41], int *found);

#endif
