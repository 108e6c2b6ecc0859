/*
 * change.h: every write to a coach repository, as one call.
 *
 *     lock → load → change → render → re-parse → check → commit
 *
 * coach_change_run() takes the writer's lock, then runs the command's
 * function, which loads the records it changes from the work tree
 * (coach_change_load), changes them and stages them (coach_change_save,
 * _write, _remove), allocates new ids (coach_change_new_id) and names the
 * commit (coach_change_message).  Nothing a command read before the lock
 * is written back: a writer that ran first is always seen.
 *
 * Then every staged record is rendered, parsed again and checked with the
 * rules of coach check (lib/check.h) where it will be, with the other
 * staged files in place; an error refuses the whole change, naming the
 * file and line.  A staged path that has uncommitted changes in the work
 * tree (it differs from HEAD, or is untracked) is committed first, as it
 * is, in its own commit "hand edits to PATH", when it passes check; when
 * it does not, the change is refused (COACH_E_CONFLICT) saying what to do.
 * Finally one commit holds the change, and the lock is released.
 */
#ifndef COACH_CHANGE_H
#define COACH_CHANGE_H

#include <stddef.h>

#include "error.h"
#include "record.h"
#include "repo.h"
#include "store.h"
#include "util.h"

struct coach_change;

/* The command's part: load, change, stage.  An error ends the change with
 * nothing written. */
typedef struct coach_error *(*coach_change_fn)(struct coach_change *ch,
	void *arg);

/*
 * Runs fn under the writer's lock and commits what it staged.  notes, when
 * not NULL, receives what the user should be told besides the result
 * (e.g. that hand edits were committed first).  *oid_out (41 bytes), when
 * oid_out is not NULL, receives the commit's id.  When fn stages nothing,
 * nothing is committed and NULL is returned.
 */
struct coach_error *coach_change_run(struct coach_repo *r,
	coach_change_fn fn, void *arg, struct coach_strlist *notes,
	char *oid_out);

/*
 * The same in a transaction the caller began (coach_store_begin()) and
 * still holds afterwards, for a command that does more under one lock
 * (sync).  What fn staged is committed with coach_txn_commit_step().
 */
struct coach_error *coach_change_run_locked(struct coach_repo *r,
	struct coach_txn *t, coach_change_fn fn, void *arg,
	struct coach_strlist *notes, char *oid_out);

/*
 * The same for coach init, in a store that is not a coach repository yet:
 * coach_change_repo() is NULL and nothing is checked, as there is no
 * coach.yml to check against.
 */
struct coach_error *coach_change_run_new(struct coach_store *s,
	coach_change_fn fn, void *arg);

struct coach_repo *coach_change_repo(struct coach_change *ch);

/* Loads the record at relpath from the work tree; the caller frees *out. */
struct coach_error *coach_change_load(struct coach_change *ch,
	const char *relpath, struct coach_record **out);
/* The file at relpath as it is now; *exists is 0 (and out empty) when
 * there is none. */
struct coach_error *coach_change_read(struct coach_change *ch,
	const char *relpath, struct coach_buf *out, int *exists);
/* Stages rec, rendered now, to be written at relpath. */
void coach_change_save(struct coach_change *ch, const char *relpath,
	const struct coach_record *rec);
/* Stages bytes to be written at relpath (evidence, coach.yml). */
void coach_change_write(struct coach_change *ch, const char *relpath,
	const void *data, size_t len);
/* Stages the removal of relpath. */
void coach_change_remove(struct coach_change *ch, const char *relpath);
/* A new id of kind ('g', 'c', 'e') that this change has not handed out
 * (see coach_repo_new_id). */
struct coach_error *coach_change_new_id(struct coach_change *ch, char kind,
	char out[COACH_ID_LEN + 1]);
/* A new id as coach_change_new_id() whose record path, path_of(arg, id)
 * (malloc'd into *path), is free in the work tree and HEAD. */
struct coach_error *coach_change_new_path(struct coach_change *ch,
	char kind, char *(*path_of)(const void *arg, const char *id),
	const void *arg, char out[COACH_ID_LEN + 1], char **path);
/* The commit message (printf-style); required. */
void coach_change_message(struct coach_change *ch, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
