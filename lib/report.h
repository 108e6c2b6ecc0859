/*
 * report.h: the figures of "coach report", computed from the records.
 *
 * Records are grouped by person (the coachee), coach, subject, phase,
 * priority, strategy or school.  A record counts once in each group it
 * belongs to: a person with two subjects counts in both, never twice in
 * one.  Nothing here prints, and no entry's body or title is ever read:
 * private entries count in the totals like any other.
 *
 * Windows: entries and measurements count when their date is within
 * [since, until]; a cycle counts when it ran during the window; goals are
 * counted as they stood on until (a goal closed after until was still
 * active then).  The day the report is "as of" is until, or today.
 */
#ifndef COACH_REPORT_H
#define COACH_REPORT_H

#include <stddef.h>

#include "date.h"
#include "error.h"
#include "load.h"
#include "repo.h"

enum coach_report_by {
	COACH_BY_SCHOOL,
	COACH_BY_PERSON,
	COACH_BY_COACH,
	COACH_BY_SUBJECT,
	COACH_BY_PHASE,
	COACH_BY_PRIORITY,
	COACH_BY_STRATEGY,
};

/* "school", "person", ... ; NULL-terminated, in enum order. */
extern const char *const coach_report_bys[];

/* The key of the group of records that have no value for the grouping. */
#define COACH_REPORT_NONE "(none)"

/* Goal statuses counted: coach_goal_statuses then "other". */
#define COACH_REPORT_NSTATUS 5
/* Entry kinds counted: coach_entry_kinds then "other". */
#define COACH_REPORT_NKIND 8
/* Outcomes of completed cycles: met, partly, not-yet, then "none" (no
 * outcome or one that is not in the list). */
#define COACH_REPORT_NOUTCOME 4
extern const char *const coach_report_outcomes[]; /* the 4 names */

struct coach_report_opts {
	enum coach_report_by by;
	int has_since, has_until;
	coach_day since, until;
	coach_day today;
};

/* A coaching relationship: when it last met, against its cadence. */
struct coach_report_rel {
	char *coachee;
	char *coaches;  /* handles joined by ", " */
	char *cadence;  /* as written, or NULL */
	long cadence_days; /* -1 when the cadence is not understood */
	int has_met;
	coach_day last_met;
	long days;      /* as-of day - last_met */
	int late;       /* days > cadence_days */
};

struct coach_report_group {
	char *key;
	size_t goals[COACH_REPORT_NSTATUS];
	size_t goals_total;
	size_t *phases;  /* open cycles per phase (report's phases) */
	size_t cycles_open;
	size_t completed;
	size_t outcomes[COACH_REPORT_NOUTCOME];
	size_t overdue;
	int has_median;
	double median_days;
	size_t entries[COACH_REPORT_NKIND];
	size_t entries_total;
	size_t meetings;
	double cpd_hours;
	size_t measured;
	double progress; /* mean; meaningful when measured > 0 */
	struct coach_report_rel *rels;
	size_t nrels;
	/* internal */
	double *days_v;
	size_t days_n, days_cap;
	double progress_sum;
};

struct coach_report {
	enum coach_report_by by;
	/* The school's cycle phases then "other". */
	char **phases;
	size_t nphases;
	struct coach_report_group *groups; /* sorted by key */
	size_t ngroups;
	struct coach_problems problems; /* records left out */
};

/* Whether coach.yml lets reports list people ("privacy: {individual:
 * false}" forbids it). */
int coach_report_individual_allowed(struct coach_repo *r);
/* The same, from coach.yml's settings cfg. */
int coach_report_config_individual(const struct coach_fm *cfg);

/* One school's records, however they were read (the work tree, or a
 * tree a trust fetched). */
struct coach_report_school {
	char *name;  /* a trust's name for it; NULL: coach.yml's school */
	const struct coach_fm *config;  /* its coach.yml */
	struct coach_fm *own_config;    /* freed with it, when it owns one */
	struct coach_strlist phases;    /* its cycle phases */
	struct coach_loaded_list staff, agreements, goals, cycles, entries;
	struct coach_problems problems; /* records left out */
};
void coach_report_school_free(struct coach_report_school *sc);

/*
 * Loads every record and computes the report.  Records that cannot be
 * read are left out and listed in out->problems.  The caller frees out
 * with coach_report_free(), also after an error.
 */
struct coach_error *coach_report_build(struct coach_repo *r,
	const struct coach_report_opts *opts, struct coach_report *out);
/*
 * The report of a trust over schools[0..n): as coach_report_build() for
 * each school, counted together.  Groups by school are keyed by the
 * schools' names; by person and by coach "SCHOOL/HANDLE"; the phases are
 * every school's, each once.  The records' problems are copied to
 * out->problems.
 */
void coach_report_build_trust(const struct coach_report_school *schools,
	size_t n, const struct coach_report_opts *opts,
	struct coach_report *out);
void coach_report_free(struct coach_report *rep);

/* A progress clamped to [0, 1] (NaN stays NaN). */
double coach_report_clamp(double p);
/* The median of v[0..n) (sorted here); 0 when n is 0. */
double coach_report_median(double *v, size_t n);
/* Days in a cadence as people write it ("weekly", "fortnightly",
 * "monthly", "every 3 weeks", "half-termly"); -1 when not understood. */
long coach_report_cadence_days(const char *cadence);

#endif
