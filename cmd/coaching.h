/*
 * coaching.h: what the goal and cycle commands share (defined in goal.c).
 *
 * Subcommand option parsing, numbers and dates given on the command line,
 * loading records by id prefix or by the dozen, saving a record in one
 * commit, a goal's progress, front-matter values as JSON and text cut to
 * the terminal.  Other record commands (status, report, agenda) can use
 * them too; they belong in their own file once meson.build lists one.
 */
#ifndef COACH_COACHING_H
#define COACH_COACHING_H

#include <stddef.h>

#include "cmd.h"
#include "../lib/date.h"
#include "../lib/json.h"

/*
 * Turns getopt_long's '?' (unknown option) and ':' (missing value) into a
 * usage error naming the option.  argv is the vector handed to getopt.
 */
struct coach_error *coach_opt_error(const struct coach_ctx *ctx, int c,
	char **argv);

/*
 * A decimal number from the command line ("12", "-3.5", "+4", "07").
 * *norm (malloc'd) is its canonical YAML text, read back as the same number
 * by every YAML parser; *value its value.  Exponents, hex, inf and nan are
 * refused with an error naming what.
 */
struct coach_error *coach_number_arg(const char *what, const char *s,
	char **norm, double *value);

/* A date argument ("today", "yesterday", YYYY-MM-DD) formatted into out. */
struct coach_error *coach_date_text_arg(const char *what, const char *s,
	char out[11], coach_day *day);
/* The same for the day something happened: refused when after today. */
struct coach_error *coach_date_past_arg(const char *what, const char *s,
	char out[11], coach_day *day);

/*
 * Resolves an id prefix of kind (COACH_KIND_GOAL or _CYCLE) and loads the
 * record.  *path and *coachee are malloc'd; *rec is freed by the caller
 * with coach_record_free().
 */
struct coach_error *coach_load_by_id(struct coach_repo *r, const char *prefix,
	enum coach_kind kind, char **path, char **coachee,
	struct coach_record **rec);

/* Renders rec and commits it at path in one transaction. */
struct coach_error *coach_save_record(struct coach_repo *r, const char *path,
	const struct coach_record *rec, const char *message);

/* Records of one kind, loaded. */
struct coach_loaded {
	char *path;
	char *coachee;
	char *id; /* from the file name */
	struct coach_record *rec;
};

struct coach_loaded_list {
	struct coach_loaded *v;
	size_t n;
};

/*
 * Loads every record of kind for coachee (NULL: every coachee), sorted by
 * the date at sort_key then id.  A record that does not parse is reported
 * on stderr as a warning (pointing at coach check) and skipped, so that
 * one bad hand edit does not hide the rest.
 */
struct coach_error *coach_load_all(struct coach_repo *r, enum coach_kind kind,
	const char *coachee, const char *sort_key,
	struct coach_loaded_list *out);
void coach_loaded_list_free(struct coach_loaded_list *l);

/*
 * A goal's latest measurement (the latest date; the later item when two
 * share it) and its progress from baseline to target: 0 at the baseline,
 * 1 at the target, below 0 or above 1 past either.  Returns 0 when the goal
 * has a numeric measure and at least one valid measurement, -1 otherwise.
 * latest_date and latest_value may be NULL; what they receive belongs to
 * fm.
 */
int coach_goal_progress(const struct coach_fm *fm, double *progress,
	const char **latest_date, const struct coach_fm_node **latest_value);

/* A front-matter value as JSON: plain scalars typed as YAML reads them
 * (null, bool, number), everything else a string. */
void coach_json_fm_node(struct coach_json *j, const struct coach_fm_node *n);
/* The same for a top-level key; null when it is absent. */
void coach_json_fm_key(struct coach_json *j, const struct coach_fm *fm,
	const char *key);

/* Characters (UTF-8 code points) in s. */
size_t coach_text_width(const char *s);
/*
 * The first line of s cut to at most max characters (0: no limit), with
 * "…" where something was cut (also when s has more lines).  The caller
 * frees the result.
 */
char *coach_text_cut(const char *s, size_t max);
/* Writes s then spaces up to width characters. */
void coach_put_padded(const char *s, size_t width);

/* Whether the cycle is open: no closed date. */
int coach_cycle_open(const struct coach_record *cycle);
/* Whether an open cycle's review date has passed. */
int coach_cycle_overdue(const struct coach_record *cycle);

#endif
