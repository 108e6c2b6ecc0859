/*
 * trust.h: a trust's workspace, which pulls the summary every school
 * publishes (publish.h) and reports across them.
 *
 *     DIR/trust.yml             the trust's name and its schools
 *     DIR/.gitignore            keeps schools/ out of git
 *     DIR/schools/S.git         a bare repository per school: what was
 *                               fetched from it (refs/summary/NAME) and
 *                               refs/coach/pulled, the summary reports read
 *     DIR/schools/S.status      the last pull of S: when, how it went
 *
 * DIR is a git repository whose commits are the changes to trust.yml:
 *
 *     trust: Oak Trust
 *     schools:
 *       - name: stmarys
 *         url: https://git.oak.example/stmarys-summary.git
 *
 * A pull fetches refs/heads/summary/S of the school's URL, S its name in
 * trust.yml (several schools may publish to one repository), and when
 * there is none there every refs/heads/summary/NAME, of which it reads the
 * only one.  A failed pull keeps the school's last good summary.
 */
#ifndef COACH_TRUST_H
#define COACH_TRUST_H

#include <stddef.h>

#include "error.h"
#include "load.h"
#include "report.h"

#define COACH_TRUST_FILE "trust.yml"
/* Schools fetched at once, unless asked otherwise. */
#define COACH_TRUST_JOBS 8
/* Seconds one school's pull may take in all (the network timeout of
 * store_remote.h also stops a transfer that makes no progress). */
#define COACH_TRUST_TIMEOUT 120

struct coach_trust;

struct coach_trust_school {
	char *name; /* a handle: [a-z0-9][a-z0-9._-]* */
	char *url;
};

/* Creates the workspace at dir (a new git repository with trust.yml,
 * committed).  Fails when dir already holds trust.yml or a git
 * repository with commits. */
struct coach_error *coach_trust_init(const char *dir, const char *name);

/* Opens the workspace containing dir (searching upwards). */
struct coach_error *coach_trust_open(struct coach_trust **out,
	const char *dir);
void coach_trust_close(struct coach_trust *t);

const char *coach_trust_root(const struct coach_trust *t);
const char *coach_trust_name(const struct coach_trust *t);
size_t coach_trust_count(const struct coach_trust *t);
const struct coach_trust_school *coach_trust_school(
	const struct coach_trust *t, size_t i);

/*
 * Adds school (a handle) with url to trust.yml and commits it.  Refused:
 * a name already there, an invalid name, and a URL holding a password
 * (it would be committed: credentials come from the environment or git's
 * credential store, see store_remote.h).
 */
struct coach_error *coach_trust_add(struct coach_trust *t, const char *school,
	const char *url);

/* How the last pull of a school went. */
struct coach_trust_status {
	int pulled;        /* 0: never pulled */
	long long time;    /* when it ended, seconds since 1970 */
	int ok;
	double seconds;    /* how long it took */
	char oid[41];      /* the summary's commit after it ("" if none) */
	char *message;     /* what happened, one line */
};
void coach_trust_status_free(struct coach_trust_status *st);
/* The last pull of school; st->pulled 0 when there was none. */
void coach_trust_status_read(const struct coach_trust *t, const char *school,
	struct coach_trust_status *st);

struct coach_trust_pull_opts {
	unsigned jobs;     /* 0: COACH_TRUST_JOBS */
	unsigned timeout;  /* 0: COACH_TRUST_TIMEOUT */
};

/*
 * Pulls every school: each in a child process of its own, at most jobs at
 * once, each killed after timeout seconds.  One school failing does not
 * stop the others.  out[i] (coach_trust_count() of them, the caller frees
 * each with coach_trust_status_free() and then the array) says how each
 * went; *failed counts the failures.  Errors: COACH_E_LOCKED when another
 * pull of this workspace is running; COACH_E_IO when no child can be
 * started.
 */
struct coach_error *coach_trust_pull(struct coach_trust *t,
	const struct coach_trust_pull_opts *opts,
	struct coach_trust_status **out, size_t *failed);

/*
 * Loads the summary each school last pulled, from its tree (nothing is
 * checked out), into schools (*n of them; free each with
 * coach_report_school_free(), then the array).  A school never pulled
 * successfully is left out and named in problems; a record that cannot be
 * read is a problem of its school ("SCHOOL/path").
 */
struct coach_error *coach_trust_load(struct coach_trust *t,
	struct coach_report_school **schools, size_t *n,
	struct coach_problems *problems);

#endif
