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

/* Like coach_date_parse() but also takes "today" and "yesterday" (in local
 * time; COACH_TODAY=YYYY-MM-DD in the environment fixes "today" for
 * reproducible scripts and tests).  The error names what (e.g. "--date")
 * and the expected form. */
struct coach_error *coach_date_arg(const char *what, const char *s,
	coach_day *out);

coach_day coach_date_today(void);

/* Writes "YYYY-MM-DD" (11 bytes with the NUL) into out. */
void coach_date_format(coach_day d, char out[11]);

#endif
