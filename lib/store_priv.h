/*
 * store_priv.h: what lib/store*.c share, and nobody else: the handle's
 * insides and the libgit2 helpers.  The only header that includes
 * <git2.h>; only lib/store*.c include it.
 *
 *   store.c       opening a repository, configuration and identity
 *   store_txn.c   the writer's lock and the write transaction
 *   store_read.c  the work tree's state and small reads of HEAD
 *   store_walk.c  walking history: commits, diffs, files at a commit
 *   store_publish.c  HEAD's tree rewritten onto a branch of its own
 *   store_trust.c    a trust's bare repositories, files read from a tree
 */
#ifndef COACH_STORE_PRIV_H
#define COACH_STORE_PRIV_H

#include <git2.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>

#include "store.h"

struct store_objects;

struct coach_store {
	git_repository *repo;
	char *root;	/* work tree, no trailing '/' */
	struct store_objects *objects;	/* store_objects.c; the odb owns it */
	/* git's index as store_clean.c last mapped it (NULL: not yet). */
	struct store_ix *ix;
	/* The index being read ahead (coach_store_write_ahead() for the
	 * next transaction, coach_store_index_ahead() for store_clean.c). */
	struct store_index_pre *index_early;
	/* The thread committing the file system's journal ahead
	 * (store_flush_ahead()). */
	pthread_t flush_th;
	int flush_on;
};

/* git_libgit2_init() and coach's settings (fsync, where git's config
 * files are); every open handle calls it once, git_libgit2_shutdown()
 * on close. */
void store_lib_init(void);
/* libgit2's message for its last failure. */
const char *store_git_msg(void);
/* An error from the last libgit2 call: "<what>: <libgit2's message>",
 * code COACH_E_IO. */
struct coach_error *store_git_fail(const char *what);
/* p without trailing '/' (but "/" stays); the caller frees it. */
char *store_strip_slash(const char *p);
/* A string from cfg; *out is NULL when key is unset. */
struct coach_error *store_config_string(git_config *cfg, const char *key,
	char **out);
/*
 * Holding the writer's lock: undoes what a writer killed half way through
 * a commit left (it kept a journal in .git), clears the git locks and
 * temporary files it made.  Locks made by git itself are left alone.
 */
struct coach_error *store_recover(struct coach_store *s);
/* COACH_E_CONFLICT when a merge, rebase, cherry-pick, revert or git am is
 * unfinished, saying how to finish or abort it. */
struct coach_error *store_check_state(struct coach_store *s);
/* The committer as git finds it (GIT_COMMITTER_NAME/EMAIL, then
 * committer.name/email, then user.name/email, then EMAIL). */
struct coach_error *store_committer(struct coach_store *s, char **name,
	char **email);

/* One path of git's index to change (store_index.c). */
struct store_index_edit {
	const char *path;
	int remove;
	git_oid id;		/* the blob, unless remove */
	uint32_t mode;		/* 0100644 or 0100755 */
	struct stat st;		/* of the file just written */
};
/*
 * Starts reading .git/index in a thread of its own, for the
 * store_index_splice() to come; NULL when there is nothing to read ahead
 * (a bare repository, COACH_INDEX_SPLICE=0) or no thread can be started.
 * What it read is used only when the index is still the same file once
 * index.lock is held.
 */
struct store_index_pre;
struct store_index_pre *store_index_prefetch(git_repository *repo);
/* Waits for the reading and forgets it (NULL: nothing). */
void store_index_prefetch_drop(struct store_index_pre *pre);
/*
 * Starts changing only the edited entries of .git/index (v sorted by
 * path, each path once, their files written) and the TREE extension's
 * nodes above them: takes git's index.lock, then a thread of its own
 * reads the index (from what pre read ahead when it may; pre, which may
 * be NULL, is dropped either way) and writes the new index into the lock,
 * while the caller goes on.  A held index.lock gives COACH_E_LOCKED and
 * *job NULL, as does COACH_INDEX_SPLICE=0 in the environment (with no
 * error: libgit2 is then to write the index).
 */
struct store_index_job;
struct coach_error *store_index_start(git_repository *repo,
	struct store_index_pre *pre, const struct store_index_edit *v,
	size_t nv, struct store_index_job **job);
/*
 * Waits for job and renames index.lock over the index (*done 1).  An
 * index that is one to leave to libgit2 (missing, version 3 or 4,
 * conflicts, split or sparse, not whole, a directory/file collision)
 * gives *done 0 and no error, the lock removed and nothing written; so
 * does a failure, with its error.  job is freed either way.
 */
struct coach_error *store_index_finish(struct store_index_job *job,
	int *done);
/* Waits for job and removes index.lock, leaving the index as it was
 * (NULL: nothing). */
void store_index_cancel(struct store_index_job *job);

/*
 * git's index file (store_index.c), mapped read only: version 2, no
 * entries in conflict, no required extension (split or sparse index).
 */
struct store_ix {
	unsigned char *data;
	size_t size;
	struct stat st;
	uint32_t count;
	size_t *off;		/* offset of each entry */
	size_t off_mapped;	/* its size when mapped, else 0 (malloc) */
	/* The entries to smudge when the index is written again (racy,
	 * their size not yet 0: see store_index.c), in order. */
	uint32_t *racy;
	size_t nracy;
	size_t ext;		/* where the extensions start */
	size_t tree_off, tree_len;	/* the TREE extension's data, if any */
	/* Optional extensions kept as they are (REUC, NAME): ranges. */
	size_t keep_off[8], keep_len[8];
	size_t nkeep;
};
/*
 * Maps the index open on fd (in the git directory gitdir) and steps over
 * its entries: 1 when it is one store_ix handles and is whole (its
 * checksum is not computed, as git does not: see old_parse()).  *err on
 * a read failure; o is freed with store_ix_free() either way.
 */
int store_ix_read(struct store_ix *o, int fd, const char *gitdir,
	struct coach_error **err);
/* The same for gitdir/index, failures being 0. */
int store_ix_open(struct store_ix *o, const char *gitdir);
void store_ix_free(struct store_ix *o);
/* Has the file system commit what others left for it to write (its
 * journal) in a thread of its own, so that the first fsync of the write
 * that follows does not wait for it; joined by store_flush_join() and
 * when the store closes. */
void store_flush_ahead(struct coach_store *s);
void store_flush_join(struct coach_store *s);
/* Frees *o, itself too, and sets it NULL. */
void store_ix_drop(struct store_ix **o);
/* What was read ahead into s->index_early, once its thread is done: the
 * index mapped (the caller frees it with store_ix_drop()), or NULL when
 * nothing was or it could not be read.  s->index_early is then NULL. */
struct store_ix *store_index_early_take(struct coach_store *s);
/* Whether a and b are the stat data of the same unchanged file. */
int store_same_file(const struct stat *a, const struct stat *b);
/* The big-endian 32-bit number at p, as git's index stores them. */
static inline uint32_t
store_get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | (uint32_t)p[3];
}
/* Whether index entry e's mtime is not older than its index o's (racy
 * git: its stat data cannot vouch for its content). */
static inline int
store_ix_racy(const unsigned char *e, const struct store_ix *o)
{
	uint32_t s = store_get32(e + 8), ns = store_get32(e + 12);
	uint32_t is = (uint32_t)o->st.st_mtim.tv_sec;
	return s > is || (s == is && ns >= (uint32_t)o->st.st_mtim.tv_nsec);
}
/* Entry i's path (not NUL-terminated: *len bytes). */
const char *store_ix_path(const struct store_ix *o, uint32_t i, size_t *len);
/* The first entry whose path is not before path (n bytes). */
uint32_t store_ix_lower_bound(const struct store_ix *o, const char *path,
	size_t n);
/* Whether p (len bytes) starts with prefix (n bytes). */
int store_ix_starts(const char *p, size_t len, const char *prefix, size_t n);

/*
 * store_clean.c: coach_store_folder_clean() of prefix (a folder, with its
 * trailing '/'), the index mapped once.  When it is not clean, *folder is
 * a second handle on s's repository whose index holds only git's index
 * entries under prefix, for libgit2's status of that folder to read
 * instead of the whole index; NULL when the index is not one store_ix
 * handles (libgit2 then reads the whole index).
 */
int store_folder_check(struct coach_store *s, const char *prefix,
	git_repository **folder);

/* The SHA-1 of p (store_index.c). */
void store_sha1(unsigned char out[20], const void *p, size_t n);

/* fsyncs the directory dir. */
struct coach_error *store_fsync_dir(const char *dir);

/*
 * store_objects.c: from store_objects_collect() on, the objects libgit2
 * writes are kept in memory; store_objects_flush() writes them as one
 * pack and index in objects/pack, durable before it returns, and stops
 * collecting; store_objects_drop() stops and forgets them.
 */
struct coach_error *store_objects_collect(struct coach_store *s);
struct coach_error *store_objects_flush(struct coach_store *s);
void store_objects_drop(struct coach_store *s);
/* How the temporary files of those packs start (in objects/pack): what a
 * killed writer left is removed by the next one. */
#define STORE_PACK_TEMP "tmp_coach_"
/* With COACH_TEST_DIE_AT=point in the environment, the process kills
 * itself (SIGKILL) here: how tests stand in for a crash at that point. */
void store_die_at(const char *point);

/* What to tell a user git does not know. */
extern const char store_identity_help[];

#endif
