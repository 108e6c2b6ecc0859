/*
 * store_trust.h: the git side of a trust workspace: one bare repository
 * per school holding the summaries fetched from it, and reading a
 * summary's files straight from its tree (nothing is checked out).
 */
#ifndef COACH_STORE_TRUST_H
#define COACH_STORE_TRUST_H

#include <stddef.h>

#include "error.h"
#include "recdiff.h"
#include "store.h"
#include "util.h"

/*
 * Opens the bare repository at path; with create, makes it first when
 * path does not exist.  COACH_E_NOTFOUND when there is none and create
 * is 0.  Close it with coach_store_close().
 */
struct coach_error *coach_store_open_bare(struct coach_store **out,
	const char *path, int create);

/* The names of the refs under prefix ("refs/summary/"), sorted. */
struct coach_error *coach_store_refs(struct coach_store *s,
	const char *prefix, struct coach_strlist *out);

/* Points ref (a full name) at the commit oid (hex), whatever it pointed
 * at before. */
struct coach_error *coach_store_ref_set(struct coach_store *s,
	const char *ref, const char *oid, const char *why);

/*
 * Every regular file of the tree of ref's commit, with its bytes (files
 * over COACH_RECORD_MAX_BYTES carry none), appended to out and sorted;
 * symbolic links and submodules are left out.  oid receives the commit
 * (hex).  COACH_E_NOTFOUND when ref does not exist.
 */
struct coach_error *coach_store_ref_files(struct coach_store *s,
	const char *ref, struct coach_files *out, char oid[41]);

#endif
