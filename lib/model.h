/*
 * model.h: what coach(5)'s records mean, read from their front-matter.
 *
 * The closed lists of values the format allows, a goal's progress, whether
 * a cycle is open or overdue, an agreement's coaches.  Pure data: nothing
 * here reads files, prints or fails; values that do not fit the format
 * (a hand edit) read as "not there", and coach check says what is wrong.
 */
#ifndef COACH_MODEL_H
#define COACH_MODEL_H

#include "frontmatter.h"
#include "record.h"
#include "util.h"

/* The values coach(5) allows, NULL-terminated, in the manual's order. */
extern const char *const coach_entry_kinds[];    /* an entry's kind */
extern const char *const coach_goal_statuses[];  /* a goal's status */
extern const char *const coach_cycle_outcomes[]; /* a closed cycle's */

/* Whether s is one of list (NULL-terminated). */
int coach_str_in(const char *const *list, const char *s);

/*
 * A goal's latest measurement: the latest date; the later item when two
 * share it.  A measurement counts when its date is a date and its value a
 * finite number (not .inf or .nan).  Returns 0 when there is one, -1
 * otherwise.  latest_date and latest_value may be NULL; what they receive
 * belongs to fm.
 */
int coach_goal_latest(const struct coach_fm *fm, const char **latest_date,
	const struct coach_fm_node **latest_value);

/*
 * A goal's latest measurement (as coach_goal_latest) and its progress from
 * baseline to target: 0 at the baseline, 1 at the target, below 0 or above
 * 1 past either.  Returns 0 when the goal has a measure with finite,
 * different baseline and target and at least one valid measurement, -1
 * otherwise.  latest_date and latest_value may be NULL; what they receive
 * belongs to fm.
 */
int coach_goal_progress(const struct coach_fm *fm, double *progress,
	const char **latest_date, const struct coach_fm_node **latest_value);

/* Whether the cycle is open: no closed date (an empty one is none). */
int coach_cycle_open(const struct coach_record *cycle);
/* Whether an open cycle's review date is before today (lib/date.h's). */
int coach_cycle_overdue(const struct coach_record *cycle);

/* Whether an agreement has ended: status ended, or, with no status at
 * all, an ended date (an empty one is none). */
int coach_agreement_ended(const struct coach_record *agreement);
/*
 * Appends the agreement's coaches to out: its coach key, one handle or a
 * list of them (items that are not text are left out).
 */
void coach_agreement_coaches(const struct coach_record *agreement,
	struct coach_strlist *out);

#endif
