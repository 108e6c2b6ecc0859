/*
 * store_publish.h: a branch rewritten from HEAD's tree, file by file,
 * without touching the work tree or the index: what "sync --publish"
 * sends to the trust (lib/publish.h decides what each file becomes).
 *
 * The branch's history is its own: each commit's only parent is the
 * branch's previous commit, never one of HEAD's, so nothing that HEAD's
 * history holds can be reached from it.
 */
#ifndef COACH_STORE_PUBLISH_H
#define COACH_STORE_PUBLISH_H

#include <stddef.h>

#include "error.h"
#include "store.h"
#include "util.h"

/* What becomes of one file of HEAD's tree. */
struct coach_rewrite {
	/* 0: leave path out without reading it; 1: read it and ask
	 * rewrite.  Only regular files are offered: symbolic links and
	 * submodules never travel. */
	int (*wants)(void *arg, const char *path);
	/* Sets *keep and, when kept, fills out with the bytes that travel. */
	struct coach_error *(*rewrite)(void *arg, const char *path,
	    const char *data, size_t len, struct coach_buf *out, int *keep);
	void *arg;
};

struct coach_rewrite_result {
	char oid[41];    /* the branch's commit after the call ("" if none) */
	int committed;   /* 1 when a new commit was made */
	size_t kept;     /* files in the rewritten tree */
	size_t left_out; /* files of HEAD's tree left out */
};

/*
 * Rewrites HEAD's tree through rw into a new tree and, when it differs
 * from the tree of ref's commit (or ref does not exist yet), commits it on
 * ref (a full name, e.g. "refs/coach/summary") with ref's commit as the
 * only parent, as the committer git finds, with message.  Errors:
 * COACH_E_NOTFOUND when HEAD has no commit, COACH_E_CONFLICT when ref moved
 * meanwhile, COACH_E_IO for libgit2's failures, and rw's own.
 */
struct coach_error *coach_store_rewrite_head(struct coach_store *s,
	const char *ref, const char *message, const struct coach_rewrite *rw,
	struct coach_rewrite_result *out);

/* Deletes ref; nothing happens when it does not exist. */
struct coach_error *coach_store_ref_delete(struct coach_store *s,
	const char *ref);

#endif
