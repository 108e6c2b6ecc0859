/*
 * store_remote.h: remotes, fetch and push over any transport libgit2
 * speaks (a path, file://, git://, ssh://, http:// and https://).
 *
 * A remote's URL is rewritten by url.BASE.insteadOf and, for a push,
 * url.BASE.pushInsteadOf, as git does.
 *
 * Credentials, asked for only when the server wants them:
 *   - ssh: the ssh-agent ($SSH_AUTH_SOCK), then ~/.ssh/id_ed25519,
 *     ~/.ssh/id_ecdsa and ~/.ssh/id_rsa (keys without a passphrase; a key
 *     with one is used through the agent).  The host key is checked
 *     against ~/.ssh/known_hosts by libgit2.
 *   - http(s): the user and password in the URL, else $COACH_TOKEN (with
 *     the URL's user name, else $COACH_USER, else "coach"), else git's
 *     credential helpers (credential.h), else the entry for the host in
 *     ~/.git-credentials (git's "store" helper).
 *   Each is tried once: a refused password fails at once (COACH_E_AUTH is
 *   not a code: COACH_E_FAIL) saying where the password came from.
 * No message ever holds a URL's password: URLs are shown through
 * coach_url_mask(), and libgit2's messages are scrubbed of it.
 *
 * Threads: transfers may run in several threads at once, each with its
 * own store (libgit2's objects are not to be shared between threads).
 *
 * Timeouts: an operation that makes no progress (no bytes, no objects, no
 * answer) for opts->timeout seconds is interrupted (a watchdog thread
 * sends SIGALRM to the thread doing the transfer, which makes the blocked
 * system call fail) and fails with COACH_E_BUSY.
 */
#ifndef COACH_STORE_REMOTE_H
#define COACH_STORE_REMOTE_H

#include <stddef.h>

#include "error.h"
#include "store.h"
#include "util.h"

/* Seconds without progress before a transfer is given up
 * (COACH_NET_TIMEOUT in the environment overrides it). */
#define COACH_NET_TIMEOUT 30

/* Where a transfer is, for a progress display. */
struct coach_net_progress {
	int pushing;		/* 0 receiving (fetch), 1 sending (push) */
	size_t objects, total;	/* objects received/sent of total */
	size_t bytes;		/* bytes received/sent so far */
	double seconds;		/* since the transfer began */
};
typedef void (*coach_net_progress_fn)(const struct coach_net_progress *p,
	void *arg);

struct coach_net_opts {
	unsigned timeout;	/* seconds; 0: $COACH_NET_TIMEOUT or 30 */
	coach_net_progress_fn progress;	/* may be NULL */
	void *progress_arg;
};

/* Remotes in the repository's config (.git/config), as git keeps them. */

/* Adds remote name with url and git's default fetch refspec (every
 * branch into refs/remotes/NAME/).  COACH_E_CONFLICT when it exists,
 * COACH_E_INVALID for a name git refuses. */
struct coach_error *coach_store_remote_add(struct coach_store *s,
	const char *name, const char *url);
/* Removes remote name, its config and its remote-tracking refs;
 * COACH_E_NOTFOUND when there is none. */
struct coach_error *coach_store_remote_remove(struct coach_store *s,
	const char *name);
/* The remotes' names, sorted, and their URLs (as configured: mask them
 * before showing them) at the same index. */
struct coach_error *coach_store_remote_list(struct coach_store *s,
	struct coach_strlist *names, struct coach_strlist *urls);
/* url with its password (if any) replaced by "***": the only form in
 * which coach shows a URL.  The caller frees it. */
char *coach_url_mask(const char *url);

/*
 * Fetches from remote (a configured remote's name, or a URL) with the
 * given refspecs ("+refs/heads/main:refs/remotes/origin/main"), or the
 * remote's configured ones when nrefspecs is 0.  Refs are updated as the
 * refspecs say; nothing else in the repository changes.
 */
struct coach_error *coach_store_fetch(struct coach_store *s,
	const char *remote, const char *const *refspecs, size_t nrefspecs,
	const struct coach_net_opts *opts);

/*
 * Pushes refspec ("refs/heads/main:refs/heads/main") to remote (a name
 * or a URL).  A refusal is a failure even when libgit2 reports success:
 * COACH_E_CONFLICT when the remote branch has commits we do not have
 * (fetch and merge, then push again), COACH_E_FAIL with the server's
 * reason otherwise.  For a configured remote, its remote-tracking ref
 * follows the push.
 */
struct coach_error *coach_store_push(struct coach_store *s,
	const char *remote, const char *refspec,
	const struct coach_net_opts *opts);

/* The commit refname points at, as 40 hex digits and a NUL; *found is 0
 * when there is no such ref. */
struct coach_error *coach_store_ref_get(struct coach_store *s,
	const char *refname, char hex[41], int *found);

/* ------------------------------------------------------------------ */
/* Bringing fetched commits in (the caller holds the writer's lock,
 * coach_store_begin()) */

/* The current branch's short name ("main"); COACH_E_CONFLICT when HEAD
 * is detached.  The caller frees *out. */
struct coach_error *coach_store_head_branch(struct coach_store *s,
	char **out);

/* Commits of ref local not in ref remote (*ahead) and the reverse; when
 * remote does not exist, every commit of local is ahead. */
struct coach_error *coach_store_count_ahead(struct coach_store *s,
	const char *local, const char *remote, size_t *ahead, size_t *behind);

enum coach_sync_how {
	COACH_SYNC_NOTHING,	/* the fetched commit is in the branch already */
	COACH_SYNC_FAST_FORWARD,
	COACH_SYNC_MERGED,	/* one merge commit with both parents */
};

struct coach_integrate {
	enum coach_sync_how how;
	size_t commits;		/* commits brought in */
	size_t files;		/* files the work tree changed */
	size_t conflicts;	/* values kept under conflicts: or markers */
	struct coach_strlist notes;	/* the record merge's, for the user */
};

/*
 * Brings the commit refname points at (e.g. refs/remotes/origin/main)
 * into the current branch: nothing when it is there already, a
 * fast-forward, or a merge commit "sync: merge LABEL" with both parents
 * where every file changed on both sides in ways git cannot merge is
 * merged by coach_merge_record().  The work tree and index follow, with
 * a safe checkout.  A refname that does not exist is nothing to do.  The
 * caller frees out->notes, also on error.
 */
struct coach_error *coach_store_integrate(struct coach_store *s,
	const char *refname, const char *label, struct coach_integrate *out);

#endif
