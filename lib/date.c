#include "date.h"

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
	long y = strtol(s, NULL, 10);
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

struct coach_error *
coach_date_arg(const char *what, const char *s, coach_day *out)
{
	if (strcmp(s, "today") == 0) {
		*out = coach_date_today();
		return NULL;
	}
	if (strcmp(s, "yesterday") == 0) {
		*out = coach_date_today() - 1;
		return NULL;
	}
	if (coach_date_parse(s, out) == 0)
		return NULL;
	return coach_error_new(COACH_FAIL,
	    "%s: '%s' is not a date; write YYYY-MM-DD (a real calendar date), "
	    "'today' or 'yesterday'", what, s);
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
