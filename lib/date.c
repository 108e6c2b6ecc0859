#include "date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int
is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(long y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Howard Hinnant's days_from_civil. */
static coach_day
from_civil(long y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
to_civil(coach_day z, long *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int
coach_date_parse(const char *s, coach_day *out)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	/* Not strtol: this runs for every dated record of a school. */
	long y = (s[0] - '0') * 1000L + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*out = from_civil(y, m, d);
	return 0;
}

coach_day
coach_date_today(void)
{
	coach_day d;
	const char *fixed = getenv("COACH_TODAY");
	if (fixed && coach_date_parse(fixed, &d) == 0)
		return d;
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return from_civil(tm.tm_year + 1900L, tm.tm_mon + 1, tm.tm_mday);
}

/* 0 Sunday .. 6 Saturday; 1970-01-01 was a Thursday. */
static int
weekday(coach_day d)
{
	return (int)(((d + 4) % 7 + 7) % 7);
}

static const char *const weekdays[] = { "sunday", "monday", "tuesday",
	"wednesday", "thursday", "friday", "saturday" };

/* The weekday w names ("monday", "mon", "tues", "thurs"...), or -1. */
static int
weekday_named(const char *w)
{
	size_t n = strlen(w);
	for (int i = 0; i < 7; i++) {
		if (strcmp(w, weekdays[i]) == 0)
			return i;
		if (n >= 3 && n < strlen(weekdays[i]) &&
		    strncmp(w, weekdays[i], n) == 0 &&
		    (n == 3 || (i == 2 && n == 4) || (i == 4 && n <= 5)))
			return i;
	}
	return -1;
}

/* Digits only, 1 to max of them: their value, else -1. */
static long
digits(const char *s, size_t n, size_t max)
{
	if (n == 0 || n > max)
		return -1;
	long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
civil_ok(long y, long m, long d)
{
	return y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= days_in_month(y, (int)m);
}

/*
 * Splits s at its separators ('-', '/' or '.', the same one twice) into
 * three numbers a, b and c with their lengths; -1 when s is not shaped so.
 */
static int
three_numbers(const char *s, long v[3], size_t len[3])
{
	char sep = 0;
	const char *p = s;
	for (int i = 0; i < 3; i++) {
		size_t n = strspn(p, "0123456789");
		len[i] = n;
		if ((v[i] = digits(p, n, 4)) < 0)
			return -1;
		p += n;
		if (i == 2)
			break;
		if (*p != '-' && *p != '/' && *p != '.')
			return -1;
		if (sep && *p != sep)
			return -1;
		sep = *p++;
	}
	return *p == '\0' ? 0 : -1;
}

/* The phrase in s into buf, lower case, runs of blanks made one space,
 * trimmed; -1 when s is too long to be a date. */
static int
phrase_clean(const char *s, char buf[64])
{
	size_t o = 0;
	int space = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == ' ' || c == '\t') {
			space = o > 0;
			continue;
		}
		if (o + 3 >= 64)
			return -1;
		if (space)
			buf[o++] = ' ';
		space = 0;
		buf[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	buf[o] = '\0';
	return 0;
}

/* "N days ago", "N weeks ago", "in N days", "in N weeks": 0 with the
 * offset from today in *delta, else -1. */
static int
count_phrase(const char *s, long *delta)
{
	char w1[16], w2[16], w3[16];
	int ago = 0;
	if (sscanf(s, "%15s %15s %15s", w1, w2, w3) != 3)
		return -1;
	const char *num = w1, *unit = w2;
	if (strcmp(w3, "ago") == 0) {
		ago = 1;
	} else if (strcmp(w1, "in") == 0) {
		num = w2;
		unit = w3;
	} else {
		return -1;
	}
	/* Exactly three words. */
	size_t words = 1;
	for (const char *p = s; *p; p++)
		words += *p == ' ';
	long n = digits(num, strlen(num), 4);
	if (words != 3 || n < 0)
		return -1;
	long mult;
	if (strcmp(unit, "day") == 0 || strcmp(unit, "days") == 0)
		mult = 1;
	else if (strcmp(unit, "week") == 0 || strcmp(unit, "weeks") == 0)
		mult = 7;
	else
		return -1;
	*delta = (ago ? -1 : 1) * n * mult;
	return 0;
}

/* The words coach reads as days, each relative to today. 0 when s is one
 * of them, its day in *out. */
static int
relative_day(const char *s, enum coach_date_use use, coach_day today,
	coach_day *out)
{
	long delta;
	int wd;
	if (strcmp(s, "today") == 0)
		*out = today;
	else if (strcmp(s, "yesterday") == 0)
		*out = today - 1;
	else if (strcmp(s, "tomorrow") == 0)
		*out = today + 1;
	else if (count_phrase(s, &delta) == 0)
		*out = today + delta;
	else if (strncmp(s, "last ", 5) == 0 &&
	    (wd = weekday_named(s + 5)) >= 0)
		*out = today - 1 - (weekday(today - 1) - wd + 7) % 7;
	else if (strncmp(s, "next ", 5) == 0 &&
	    (wd = weekday_named(s + 5)) >= 0)
		*out = today + 1 + (wd - weekday(today + 1) + 7) % 7;
	else if ((wd = weekday_named(s)) >= 0 && use == COACH_DATE_PLAN)
		*out = today + (wd - weekday(today) + 7) % 7;
	else if (wd >= 0)
		*out = today - (weekday(today) - wd + 7) % 7;
	else
		return -1;
	return 0;
}

/* A calendar date in numbers: 0 with *out set; else -1 with *err set when
 * s is a date coach will not guess at (day and month in either order). */
static int
numeric_day(const char *what, const char *orig, const char *s,
	coach_day *out, struct coach_error **err)
{
	long v[3];
	size_t len[3];
	*err = NULL;
	if (three_numbers(s, v, len) != 0)
		return -1;
	if (len[0] == 4 && len[1] <= 2 && len[2] <= 2) {
		if (!civil_ok(v[0], v[1], v[2]))
			return -1;
		*out = from_civil(v[0], (int)v[1], (int)v[2]);
		return 0;
	}
	if (len[2] != 4 || len[0] > 2 || len[1] > 2)
		return -1;
	/* 30/11/2026 or 11/30/2026: schools write both. */
	int dm = civil_ok(v[2], v[1], v[0]), md = civil_ok(v[2], v[0], v[1]);
	char a[11], b[11];
	if (dm)
		coach_date_format(from_civil(v[2], (int)v[1], (int)v[0]), a);
	if (md)
		coach_date_format(from_civil(v[2], (int)v[0], (int)v[1]), b);
	static const char *const months[] = { "January", "February", "March",
		"April", "May", "June", "July", "August", "September",
		"October", "November", "December" };
	if (dm && md && strcmp(a, b) != 0)
		*err = coach_error_coded(COACH_E_INVALID, "%s: '%s' could be "
		    "day/month or month/day; use %s (%ld %s) or %s (%ld %s)",
		    what, orig, a, v[0], months[v[1] - 1], b, v[1],
		    months[v[0] - 1]);
	else if (dm || md)
		*err = coach_error_coded(COACH_E_INVALID, "%s: '%s' could be "
		    "misread; use %s (YYYY-MM-DD)", what, orig, dm ? a : b);
	return -1;
}

struct coach_error *
coach_date_read(const char *what, const char *s, enum coach_date_use use,
	coach_day today, coach_day *out)
{
	struct coach_error *err = NULL;
	char p[64];
	if (phrase_clean(s, p) == 0 && (relative_day(p, use, today, out) == 0 ||
	    numeric_day(what, s, p, out, &err) == 0) &&
	    *out >= from_civil(1900, 1, 1) && *out <= from_civil(9999, 12, 31)) {
		if (use == COACH_DATE_PAST && *out > today) {
			char d[11];
			coach_date_format(*out, d);
			return coach_error_coded(COACH_E_INVALID, "%s: %s is "
			    "in the future; give the day it happened", what,
			    d);
		}
		return NULL;
	}
	if (err)
		return err;
	return coach_error_coded(COACH_E_INVALID, "%s: '%s' is not a date; "
	    "write YYYY-MM-DD (e.g. 2026-2-3), today, yesterday, %sa weekday "
	    "(monday), 'last monday', %s'3 days ago'", what, s,
	    use == COACH_DATE_PAST ? "" : "tomorrow, ",
	    use == COACH_DATE_PAST ? "" : "'next monday', 'in 2 weeks', ");
}

struct coach_error *
coach_date_arg(const char *what, const char *s, coach_day *out)
{
	return coach_date_read(what, s, COACH_DATE_ANY, coach_date_today(),
	    out);
}

void
coach_date_format(coach_day day, char out[11])
{
	long y;
	int m, d;
	to_civil(day, &y, &m, &d);
	/* Years are 1900..9999 for parsed dates; clamp anything else. */
	int yy = (int)(y < 0 ? 0 : y > 9999 ? 9999 : y);
	out[0] = (char)('0' + yy / 1000);
	out[1] = (char)('0' + yy / 100 % 10);
	out[2] = (char)('0' + yy / 10 % 10);
	out[3] = (char)('0' + yy % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}
