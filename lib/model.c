/*
 * model.c: what coach(5)'s records mean (see model.h).
 */
#include <math.h>
#include <string.h>

#include "date.h"
#include "model.h"

const char *const coach_entry_kinds[] = {
	"meeting", "observation", "practice", "reflection", "evidence", "cpd",
	"note", NULL,
};

const char *const coach_goal_statuses[] = {
	"active", "achieved", "paused", "dropped", NULL,
};

const char *const coach_cycle_outcomes[] = { "met", "partly", "not-yet",
	NULL };

int
coach_str_in(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

/* A number that is really one: .inf and .nan are no measurement. */
static int
finite_number(const struct coach_fm_node *n, double *out)
{
	return n && coach_fm_node_number(n, out) == 0 && isfinite(*out) ? 0 :
	    -1;
}

int
coach_goal_latest(const struct coach_fm *fm, const char **latest_date,
	const struct coach_fm_node **latest_value)
{
	const struct coach_fm_node *ms = coach_fm_get(fm, "measurements");
	const struct coach_fm_node *best = NULL;
	const char *best_date = NULL;
	if (ms == NULL || coach_fm_node_type(ms) != COACH_FM_SEQ)
		return -1;
	for (size_t i = 0; i < coach_fm_node_len(ms); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(ms, i);
		const struct coach_fm_node *d = coach_fm_node_lookup(it, "date");
		const struct coach_fm_node *val = coach_fm_node_lookup(it,
		    "value");
		const char *ds = d ? coach_fm_node_str(d) : NULL;
		coach_day day;
		double v;
		if (ds == NULL || coach_date_parse(ds, &day) != 0 ||
		    finite_number(val, &v) != 0)
			continue;
		/* Dates compare as text: the later item wins a tie. */
		if (best == NULL || strcmp(ds, best_date) >= 0) {
			best = val;
			best_date = ds;
		}
	}
	if (best == NULL)
		return -1;
	if (latest_date)
		*latest_date = best_date;
	if (latest_value)
		*latest_value = best;
	return 0;
}

int
coach_goal_progress(const struct coach_fm *fm, double *progress,
	const char **latest_date, const struct coach_fm_node **latest_value)
{
	const struct coach_fm_node *m = coach_fm_get(fm, "measure");
	const struct coach_fm_node *best;
	const char *best_date;
	double base, target, v;
	if (m == NULL ||
	    finite_number(coach_fm_node_lookup(m, "baseline"), &base) ||
	    finite_number(coach_fm_node_lookup(m, "target"), &target) ||
	    base == target ||
	    coach_goal_latest(fm, &best_date, &best) != 0)
		return -1;
	coach_fm_node_number(best, &v);
	*progress = (v - base) / (target - base);
	if (latest_date)
		*latest_date = best_date;
	if (latest_value)
		*latest_value = best;
	return 0;
}

int
coach_cycle_open(const struct coach_record *cycle)
{
	const char *closed = coach_record_str(cycle, "closed");
	return closed == NULL || *closed == '\0';
}

int
coach_cycle_overdue(const struct coach_record *cycle)
{
	coach_day review;
	return coach_cycle_open(cycle) &&
	    coach_date_parse(coach_record_str(cycle, "review"), &review) == 0 &&
	    review < coach_date_today();
}

int
coach_agreement_ended(const struct coach_record *agreement)
{
	const char *status = coach_record_str(agreement, "status");
	const char *ended = coach_record_str(agreement, "ended");
	if (status)
		return strcmp(status, "ended") == 0;
	/* As with a cycle's closed date, an empty one is none. */
	return ended != NULL && *ended != '\0';
}

void
coach_agreement_coaches(const struct coach_record *agreement,
	struct coach_strlist *out)
{
	const struct coach_fm_node *n = coach_fm_get(
	    coach_record_fm_const(agreement), "coach");
	if (n == NULL)
		return;
	if (coach_fm_node_type(n) == COACH_FM_SCALAR) {
		coach_strlist_add(out, coach_fm_node_str(n));
		return;
	}
	if (coach_fm_node_type(n) != COACH_FM_SEQ)
		return;
	for (size_t i = 0; i < coach_fm_node_len(n); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(n, i);
		if (coach_fm_node_type(it) == COACH_FM_SCALAR)
			coach_strlist_add(out, coach_fm_node_str(it));
	}
}
