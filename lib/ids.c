#include "ids.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

struct coach_error *
coach_handle_check(const char *what, const char *s)
{
	size_t n = strlen(s);
	int ok = n >= 1 && n <= 40 &&
	    ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9'));
	for (size_t i = 1; ok && i < n; i++) {
		char c = s[i];
		ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-';
	}
	if (ok)
		return NULL;
	return coach_error_new(COACH_FAIL,
	    "invalid %s '%s': use 1 to 40 characters from a-z, 0-9, '.', '_' "
	    "and '-', starting with a letter or digit", what, s);
}

int
coach_id_valid(const char *s, char kind)
{
	if (strlen(s) != COACH_ID_LEN)
		return 0;
	if (kind ? s[0] != kind : (s[0] != 'g' && s[0] != 'c' && s[0] != 'e'))
		return 0;
	for (int i = 1; i < COACH_ID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

void
coach_id_new(char kind, char out[COACH_ID_LEN + 1])
{
	unsigned char r[3];
	ssize_t n = getrandom(r, sizeof(r), 0);
	if (n != (ssize_t)sizeof(r)) {
		/* No entropy source: fall back to time and pid, still unique
		 * enough with the caller's collision check. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		unsigned long v = (unsigned long)ts.tv_nsec ^
		    ((unsigned long)getpid() << 8);
		r[0] = (unsigned char)v;
		r[1] = (unsigned char)(v >> 8);
		r[2] = (unsigned char)(v >> 16);
	}
	snprintf(out, COACH_ID_LEN + 1, "%c%02x%02x%02x", kind, r[0], r[1], r[2]);
}
