/*
 * schema.c: value rules shared by the writers and coach check.
 */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "util.h"

static int
alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

int
coach_schema_is_url(const char *s)
{
	if (!alpha(*s))
		return 0;
	while (alpha(*s) || digit(*s) || *s == '+' || *s == '-' || *s == '.')
		s++;
	return strncmp(s, "://", 3) == 0 && s[3] != '\0';
}

int
coach_schema_month_day(const char *s, int *month, int *day)
{
	char date[16];
	coach_day d;
	if (s == NULL || strlen(s) != 5)
		return -1;
	/* 2000 is a leap year, so 02-29 is a day of the year. */
	snprintf(date, sizeof(date), "2000-%s", s);
	if (coach_date_parse(date, &d) != 0)
		return -1;
	if (month)
		*month = (s[0] - '0') * 10 + (s[1] - '0');
	if (day)
		*day = (s[3] - '0') * 10 + (s[4] - '0');
	return 0;
}

int
coach_schema_school_year(const char *s)
{
	int ok = s && strlen(s) == 7 && s[4] == '-';
	for (int i = 0; ok && i < 7; i++)
		ok = i == 4 || digit(s[i]);
	if (!ok)
		return -1;
	long y = strtol(s, NULL, 10);
	return strtol(s + 5, NULL, 10) == (y + 1) % 100 ? 0 : -1;
}

int
coach_schema_email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') ||
	    coach_utf8_check(s, strlen(s)) != strlen(s))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

const char *
coach_schema_hours_problem(double hours)
{
	if (hours < 0)
		return "hours are the time spent, 0 or more";
	if (hours > COACH_HOURS_MAX)
		return "more hours than one entry may count (1000); split the "
		    "CPD into entries";
	return NULL;
}

const char *
coach_schema_measure_problem(double baseline, double target)
{
	if (baseline == target)
		return "the target is where the measure should get to, so it "
		    "must differ from the baseline";
	return NULL;
}
