/*
 * changes.h: what history, diff and agenda share: who wrote a commit,
 * which entries a reader may see quoted, where "since the last meeting"
 * starts, and changes written as text or JSON.
 */
#ifndef COACH_CMD_CHANGES_H
#define COACH_CMD_CHANGES_H

#include "cmd.h"
#include "../lib/recdiff.h"
#include "../lib/date.h"
#include "../lib/json.h"
#include "../lib/privacy.h"

/* Staff by email, and the current user: the reader of private entries. */
struct coach_people {
	struct coach_strlist emails;
	struct coach_strlist handles; /* handles.v[i] has emails.v[i] */
	struct coach_reader reader;   /* the current user */
	struct coach_recdiff_opts opts; /* quotes what the reader may read */
};

void coach_people_load(struct coach_repo *r, struct coach_people *p);
/* coach_repo_abbrev() of repo, for coach_recdiff_opts.abbrev. */
const char *coach_id_abbrev_of(void *repo, const char *id);
/* The handle of the member of staff with that email, or NULL. */
const char *coach_people_handle(const struct coach_people *p,
	const char *email);
void coach_people_free(struct coach_people *p);

/* Local midnight at the start of day d, in seconds since 1970. */
long long coach_day_start(coach_day d);

/* Where a comparison starts and ends. */
struct coach_span {
	int has_from;       /* 0: from nothing, everything is new */
	char from[41];
	char *from_label;   /* "the meeting e5d2c77 of 2026-03-02", ... */
	int has_to;         /* 0: the work tree */
	char to[41];
	char *to_label;
};
void coach_span_free(struct coach_span *s);

/*
 * The span of coachee's diff: since is NULL or "last-meeting" (the commit
 * that added the coachee's latest meeting entry), a date (the last commit
 * before that day) or a revision; until is NULL (the work tree) or a
 * revision.
 */
struct coach_error *coach_span_resolve(struct coach_repo *r,
	const char *coachee, const char *since, const char *until,
	struct coach_span *out);

/* The latest meeting entry of coachee's in the work tree: its path and
 * date (each malloc'd; NULL when there is none). */
struct coach_error *coach_last_meeting(struct coach_repo *r,
	const char *coachee, char **path, char **date);

/*
 * The coachees whose agreement (not ended) names the current user as a
 * coach, sorted; the current user alone when they coach no one.
 */
struct coach_error *coach_my_coachees(struct coach_repo *r,
	struct coach_strlist *out);

/*
 * What changed in coachee's folder over the span since..until (as
 * coach_span_resolve takes them).  The caller frees span and out, also
 * after an error.
 */
struct coach_error *coach_diff_coachee(struct coach_repo *r,
	const char *coachee, const char *since, const char *until,
	const struct coach_recdiff_opts *opts, struct coach_span *span,
	struct coach_recdiffs *out);

/*
 * Appends each line of the changes to out, made safe for a terminal, each
 * after indent and ending in '\n'; changes with uncommitted edits marked.
 * At most max lines (0: all), then how many more there are.
 */
void coach_changes_text(const struct coach_ctx *ctx, struct coach_buf *out,
	const struct coach_recdiffs *c, const char *indent, size_t max);
/* The changes as a JSON array of objects. */
void coach_changes_json(struct coach_json *j, const struct coach_recdiffs *c);
/* Warns on stderr about each record version left out. */
void coach_changes_warn(const struct coach_recdiffs *c);

#endif
