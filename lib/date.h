/*
 * date.h: calendar dates as "YYYY-MM-DD".
 */
#ifndef COACH_DATE_H
#define COACH_DATE_H

#include "error.h"

/* Days since 1970-01-01 for a valid date; dates compare as numbers. */
typedef long coach_day;

/* 0 when s is a real calendar date "YYYY-MM-DD" (stores it in *out), -1
 * otherwise (wrong shape, month 13, 30 February...). */
int coach_date_parse(const char *s, coach_day *out);

/*
 * What a date given on the command line is for, which decides how a
 * weekday is read and whether a future day is refused.
 */
enum coach_date_use {
	COACH_DATE_PAST, /* something happened then: a weekday is the latest
			  * such day not after today; after today is refused */
	COACH_DATE_PLAN, /* something is planned: a weekday is the next such
			  * day (today counts) */
	COACH_DATE_ANY,  /* a bound of a search: weekdays as PAST, any day */
};

/*
 * A date as people type it, relative to today: YYYY-MM-DD (month and day
 * may be one digit; '/' may stand for '-'), "today", "yesterday",
 * "tomorrow", a weekday ("monday", "mon"), "last WEEKDAY" (before today),
 * "next WEEKDAY" (after today), "N days ago", "N weeks ago", "in N days",
 * "in N weeks"; case and extra blanks do not matter.  Day and month in
 * either order (30/11/2026, 11/30/2026) are refused with the YYYY-MM-DD
 * form to use.  A day after today is refused for COACH_DATE_PAST.  The
 * error (COACH_E_INVALID) names what, e.g. "--date".
 */
struct coach_error *coach_date_read(const char *what, const char *s,
	enum coach_date_use use, coach_day today, coach_day *out);

/* coach_date_read() as COACH_DATE_ANY for coach_date_today(). */
struct coach_error *coach_date_arg(const char *what, const char *s,
	coach_day *out);

/* Today in local time; COACH_TODAY=YYYY-MM-DD in the environment fixes it
 * for reproducible scripts and tests. */
coach_day coach_date_today(void);

/* Writes "YYYY-MM-DD" (11 bytes with the NUL) into out. */
void coach_date_format(coach_day d, char out[11]);

#endif
