/*
 * publish.h: the summary a school sends its trust.
 *
 * The summary is HEAD's tree with every record's body removed and every
 * private entry left out, committed on COACH_SUMMARY_REF in a history of
 * its own (store_publish.h), so that no body can reach the trust through
 * an ancestor.  What travels, by path:
 *
 *   coach.yml                         byte for byte
 *   staff/, priorities/, framework/,  the front-matter, byte for byte up to
 *   coaching/C/agreement.md,          and including its closing "---" line;
 *   coaching/C/goals/, cycles/, log/  the body is dropped
 *
 * Left out: private entries (anything but a clear "private: false" or no
 * key at all counts as private), records that do not parse (coach cannot
 * tell whether they are private), evidence files, symbolic links and every
 * other file.  With "privacy: {trust: full}" in coach.yml the same records
 * travel whole, private entries included (evidence stays out).
 */
#ifndef COACH_PUBLISH_H
#define COACH_PUBLISH_H

#include <stddef.h>

#include "error.h"
#include "repo.h"
#include "util.h"

/* The local branch the summary is built on. */
#define COACH_SUMMARY_REF "refs/coach/summary"
/* The trust's branches: COACH_SUMMARY_PREFIX followed by the school's id. */
#define COACH_SUMMARY_PREFIX "refs/heads/summary/"

struct coach_publish {
	char oid[41];    /* the summary's commit */
	int committed;   /* a new summary commit was made */
	int full;        /* coach.yml says privacy: {trust: full} */
	size_t kept, left_out;
	char *school_id; /* the id the summary goes under on the trust */
};

/*
 * What path, with the bytes data[0..len), becomes in the summary: *keep 0
 * when it is left out, else out holds what travels.  full: privacy
 * {trust: full}.
 */
void coach_publish_strip(const char *path, const char *data, size_t len,
	int full, struct coach_buf *out, int *keep);

/* Whether coach.yml says privacy: {trust: full}. */
int coach_publish_full(const struct coach_repo *r);

/*
 * The school's id on the trust: coach.yml's school_id, else the school's
 * name in lower case with runs of other characters as '-' ("St Mary's
 * C of E" gives "st-mary-s-c-of-e").  Fails (COACH_E_INVALID) when neither
 * gives a valid id.  The caller frees *out.
 */
struct coach_error *coach_publish_school_id(const struct coach_repo *r,
	char **out);

/*
 * Builds the summary of HEAD on COACH_SUMMARY_REF (a new commit only when
 * it changed).  The caller frees out->school_id.
 */
struct coach_error *coach_publish_build(struct coach_repo *r,
	struct coach_publish *out);

struct coach_net_opts;

/*
 * Publishes to remote (a remote's name or a URL): fetches the trust's
 * branch COACH_SUMMARY_PREFIX + school id onto COACH_SUMMARY_REF in place
 * of what it held (so that the new summary follows the last one published,
 * from any clone, and never a local commit),
 * builds the summary on it and pushes it there, as a fast-forward.  When
 * someone publishes in between, it starts again, COACH_PUBLISH_TRIES
 * times in all.  The caller frees out->school_id.
 */
#define COACH_PUBLISH_TRIES 3
struct coach_error *coach_publish_push(struct coach_repo *r,
	const char *remote, const struct coach_net_opts *net,
	struct coach_publish *out);

#endif
