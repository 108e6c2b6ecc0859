/*
 * schema.h: the rules for values of coach(5) that both sides apply.
 *
 * A command that writes a value and coach check, which reads it back,
 * must agree on what is valid: a value a writer refuses is one check
 * reports, and the other way round.  Each rule that is more than a type
 * lives here once; lib/check.c and the commands call it.
 */
#ifndef COACH_SCHEMA_H
#define COACH_SCHEMA_H

/* Whether s is a URL ("scheme://rest", a scheme as RFC 3986 spells it):
 * evidence that is linked, not a path in the repository. */
int coach_schema_is_url(const char *s);

/* A day of the year "MM-DD" (02-29 included), as coach.yml's year_start;
 * 0 and *month, *day (either may be NULL) when it is one, else -1. */
int coach_schema_month_day(const char *s, int *month, int *day);

/* A school year "YYYY-YY" whose second year follows the first (2026-27,
 * 2099-00), as a priority's year: 0 when it is one, else -1. */
int coach_schema_school_year(const char *s);

/* An email address as coach compares it with git's: one '@' with text on
 * both sides, valid UTF-8, no white space or control characters. */
int coach_schema_email_ok(const char *s);

/* Most hours one CPD entry may count. */
#define COACH_HOURS_MAX 1000
/* NULL when hours may be an entry's CPD hours (0 to COACH_HOURS_MAX);
 * else what is wrong, to put in a message. */
const char *coach_schema_hours_problem(double hours);

/* NULL when a goal's measure may go from baseline to target; else what is
 * wrong, to put in a message. */
const char *coach_schema_measure_problem(double baseline, double target);

#endif
