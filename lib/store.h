/*
 * store.h: the git repository behind a coach repository.  The only module
 * that uses libgit2.
 *
 * Writes go through a transaction: coach_store_begin() takes the writer's
 * lock, coach_txn_write()/coach_txn_remove() stage changes in memory, and
 * coach_txn_commit() writes the files (each to a temporary file, fsynced,
 * then renamed), builds the new tree from HEAD's tree changing only the
 * staged paths (no scan of the work tree, so its cost grows with the files
 * changed and not with the repository), makes one commit on the current
 * branch authored from git config, updates only those index entries and
 * fsyncs the objects and refs.  When any step fails, the files are put back
 * as they were, HEAD does not move and the error says what happened.
 */
#ifndef COACH_STORE_H
#define COACH_STORE_H

#include <stddef.h>
#include <time.h>

#include "error.h"
#include "util.h"

struct coach_store;
struct coach_txn;

/* Seconds coach_store_begin() waits for another writer (COACH_LOCK_TIMEOUT
 * in the environment overrides it). */
#define COACH_STORE_LOCK_WAIT 10

/*
 * Creates a git repository at dir (creating dir and its parents) with
 * branch main, and returns it open.  Fails when dir already holds a git
 * repository with commits.  The first commit is made with a transaction.
 */
struct coach_error *coach_store_init(struct coach_store **out,
	const char *dir);

/*
 * For a command that never uses the network, before it opens a
 * repository: libgit2's start-up then skips loading the system's CA
 * certificates, which only a connection needs (see store.c).
 */
void coach_store_tls_lazy(void);

/*
 * Opens the repository whose work tree contains start_dir, searching
 * upwards like git.  marker, when not NULL, is a file (e.g. "coach.yml")
 * that must exist at the work tree's root: the search goes on upwards past
 * repositories without it.  Fails with COACH_FAIL when none is found, when
 * the repository is bare, or when it belongs to another user (the message
 * says how to mark it safe with git config).
 */
struct coach_error *coach_store_open(struct coach_store **out,
	const char *start_dir, const char *marker);
/*
 * Like coach_store_open(), but finding no repository is not an error:
 * *out is then NULL and NULL is returned.  Errors are kept for what the
 * user must act on (a bare repository, one owned by another user, a
 * start_dir that cannot be read), so that a caller trying several places
 * does not swallow them.
 */
struct coach_error *coach_store_find(struct coach_store **out,
	const char *start_dir, const char *marker);
void coach_store_close(struct coach_store *s);

/* Absolute path of the work tree's root, without a trailing '/'. */
const char *coach_store_root(const struct coach_store *s);
/* The absolute path of name in the git directory (.git/NAME: the
 * worktree's own one for a linked worktree); the caller frees it. */
char *coach_store_git_path(const struct coach_store *s, const char *name);

/*
 * The author as git finds it: GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL, else
 * git config's author.name and author.email, else user.name and
 * user.email, else (for the email) $EMAIL.  When either is missing the
 * error tells the user the two "git config" commands to run.  Commits are
 * authored so, and committed by the committer found the same way
 * (GIT_COMMITTER_NAME, committer.name, ...).  The caller frees *name and
 * *email.
 */
struct coach_error *coach_store_identity(struct coach_store *s, char **name,
	char **email);

/* The author's email as coach_store_identity() finds it, or NULL; the
 * caller frees it. */
char *coach_store_author_email(struct coach_store *s);

/* A string from the repository's config (with global and system config
 * behind it); *out is NULL when unset.  The caller frees *out. */
struct coach_error *coach_store_config_get(struct coach_store *s,
	const char *key, char **out);
/* Sets key in the repository's own config (.git/config). */
struct coach_error *coach_store_config_set(struct coach_store *s,
	const char *key, const char *value);
/*
 * Makes git merge records with coach: sets merge.coach.name and
 * merge.coach.driver ("PROGRAM merge-driver %O %A %B %P", program NULL
 * for "coach" from the PATH) in the repository's own config, which the
 * attributes of COACH_STORE_GITATTRIBUTES (committed as .gitattributes)
 * name.  init calls it, and the first sync in a clone; running it again
 * changes nothing.
 */
struct coach_error *coach_store_merge_driver_setup(struct coach_store *s,
	const char *program);
#define COACH_STORE_GITATTRIBUTES \
	"# git merges coach records key by key with coach: see coach(5)\n" \
	"*.md merge=coach\n" \
	"/coach.yml merge=coach\n"

/* A string from the global/system git config, with no repository;
 * *out is NULL when unset. */
struct coach_error *coach_store_global_config_get(const char *key,
	char **out);

/*
 * Takes the writer's lock and checks the author identity before anything
 * is written.  Holding the lock, it undoes what a coach writer killed half
 * way through a commit left behind (the files it wrote without moving the
 * branch, the index.lock and branch lock it made, its temporary files):
 * a journal in .git says which.  A lock that git itself left is not
 * touched; it fails the commit with COACH_E_LOCKED naming the file.
 * Fails with COACH_E_CONFLICT during an unfinished merge, rebase,
 * cherry-pick, revert or git am, saying how to finish or abort it, and
 * with COACH_E_BUSY when another coach writer holds the lock longer than
 * COACH_STORE_LOCK_WAIT seconds.
 */
struct coach_error *coach_store_begin(struct coach_txn **out,
	struct coach_store *s);
/*
 * Stages path (relative to the root, '/'-separated) with the given bytes.
 * A path that is absolute or has an empty, ".", ".." or ".git" component
 * is refused: coach_txn_commit() then fails naming it, writing nothing.
 * Staging a path again replaces its earlier change.
 */
void coach_txn_write(struct coach_txn *t, const char *path, const void *data,
	size_t len);
/* Stages the removal of path. */
void coach_txn_remove(struct coach_txn *t, const char *path);
/* Number of paths staged so far. */
size_t coach_txn_count(const struct coach_txn *t);
/*
 * Writes, commits with message and releases the lock.  The transaction is
 * freed whether or not it succeeds.  A transaction with nothing staged
 * fails.  *oid_out, when not NULL, receives the new commit's hex id (41
 * bytes).  Nothing is written through a symbolic link; removing a file
 * also removes the directories it leaves empty, as git rm does.  An
 * index.lock or branch lock (e.g. refs/heads/main.lock) that git left
 * fails with COACH_E_LOCKED and a message naming the file (one a killed
 * coach writer left is cleared by coach_store_begin()); another program
 * moving the branch meanwhile gives COACH_E_CONFLICT; failures of the
 * system or of libgit2 give COACH_E_IO.
 */
struct coach_error *coach_txn_commit(struct coach_txn *t, const char *message,
	char *oid_out);
/* Like coach_txn_commit(), but keeps the lock and the transaction (empty
 * afterwards) for another commit; the caller still commits or aborts t. */
struct coach_error *coach_txn_commit_step(struct coach_txn *t,
	const char *message, char *oid_out);
/*
 * fn runs in each commit after the staged files are in the work tree and
 * before the branch moves, e.g. to validate them where they will be; an
 * error from it undoes the commit.
 */
typedef struct coach_error *(*coach_txn_check_fn)(void *arg);
void coach_txn_set_check(struct coach_txn *t, coach_txn_check_fn fn,
	void *arg);
/* Drops the staged changes and releases the lock. */
void coach_txn_abort(struct coach_txn *t);

/*
 * Paths under prefix (relative, e.g. "coaching/alice/"; "" for all) whose
 * work tree content differs from HEAD: modified, added (untracked, not
 * ignored) or deleted.  Each entry of out is "M path", "A path" or
 * "D path", sorted by path.
 */
struct coach_error *coach_store_changes(struct coach_store *s,
	const char *prefix, struct coach_strlist *out);
/*
 * 1 when everything under prefix (a folder, '/'-ended) is the same in
 * HEAD, the index and the work tree, told without reading the whole
 * index into libgit2 (coach_store_changes() then has nothing to say);
 * 0 when it cannot be told so cheaply: something changed, or the index
 * or work tree holds something only libgit2 knows how to judge.
 */
int coach_store_folder_clean(struct coach_store *s, const char *prefix);
/*
 * Adds to out the paths in git's index that start with prefix and that
 * keep (given each path, not NUL-terminated, and its length) keeps, in
 * the index's order, reading the index file as it is (no libgit2).
 * Returns 1, or 0 (nothing added) when the index is missing or not one
 * that can be read so (another version, a split index, a conflict).
 */
int coach_store_index_paths(struct coach_store *s, const char *prefix,
	int (*keep)(void *arg, const char *path, size_t len), void *arg,
	struct coach_strlist *out);

/* Starts reading git's index in a thread of its own for the next
 * transaction (coach_store_begin()), for a command that is about to
 * write and has other work to do first.  The transaction uses what was
 * read only while the index is still that file. */
void coach_store_write_ahead(struct coach_store *s);
/* Starts mapping git's index in a thread of its own, for a reader that
 * will ask about it (coach_store_changes(), coach_store_folder_clean(),
 * coach_store_index_paths()) after other work. */
void coach_store_index_ahead(struct coach_store *s);
/* How many entries git's index has, from its header (0 when there is
 * none): how large the work tree is, cheaply. */
size_t coach_store_index_entries(struct coach_store *s);

/*
 * Commits on the current branch not on its upstream (*ahead) and the
 * reverse (*behind); both 0 and *has_upstream 0 when there is no upstream.
 */
struct coach_error *coach_store_ahead_behind(struct coach_store *s,
	size_t *ahead, size_t *behind, int *has_upstream);

/* How the work tree's path compares with HEAD's. */
enum coach_file_state {
	COACH_FILE_SAME,	/* the same file, or absent from both */
	COACH_FILE_MODIFIED,	/* different content (or not a regular file) */
	COACH_FILE_UNTRACKED,	/* in the work tree only */
	COACH_FILE_DELETED,	/* in HEAD only */
};
struct coach_error *coach_store_file_state(struct coach_store *s,
	const char *path, enum coach_file_state *out);

/*
 * After a write, with the writer's lock released: when the loose objects
 * pass the threshold (coach.autopack or COACH_AUTOPACK, default 6700; 0
 * is never) or the packs pass coach.autopacklimit (COACH_AUTOPACK_LIMIT,
 * default 16), packs the loose objects and merges the packs (into one up
 * to coach.autopackfull objects, else the small ones) in a
 * detached process (COACH_AUTOPACK_DETACH=0: here and now), as git gc
 * --auto does.  Never fails: packing is only an optimisation (see
 * store_pack.c).
 */
void coach_store_autopack(struct coach_store *s);
/* Packs every loose object and merges the small packs past the limit
 * now, unless another process is packing. */
struct coach_error *coach_store_pack(struct coach_store *s);

/* Whether HEAD's tree has path (a file). */
int coach_store_head_has(struct coach_store *s, const char *path);

/*
 * The files directly in HEAD's folder dir (e.g. "staff"), one "BLOB NAME"
 * string each (BLOB: the blob's hex id) in tree order, and the folder's
 * own tree id (41 bytes; "" when HEAD has no such folder).  Reads one tree
 * object: the way to learn what changed in a folder without reading it.
 * With out NULL, only the id: the folder's tree object is not read.
 */
struct coach_error *coach_store_head_dir(struct coach_store *s,
	const char *dir, char tree_id[41], struct coach_strlist *out);
/* Appends the content of the blob with hex id hex (at most max bytes). */
struct coach_error *coach_store_blob(struct coach_store *s, const char *hex,
	size_t max, struct coach_buf *out);

#endif
