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
	size_t n = strlen(s);
	if (n < 1 + COACH_ID_HEX_MIN || n > COACH_ID_LEN)
		return 0;
	if (kind ? s[0] != kind : (s[0] != 'g' && s[0] != 'c' && s[0] != 'e'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

void
coach_id_new(char kind, char out[COACH_ID_LEN + 1])
{
	unsigned char r[COACH_ID_HEX / 2];
	size_t got = 0;
	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < sizeof(r)) {
		/* No entropy source: time and pid, mixed.  Weaker, but the
		 * writer still refuses a path that is taken. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		unsigned long long v = (unsigned long long)ts.tv_nsec ^
		    ((unsigned long long)ts.tv_sec << 30) ^
		    ((unsigned long long)getpid() << 20);
		for (size_t i = 0; i < sizeof(r); i++) {
			v = v * 6364136223846793005ULL + 1442695040888963407ULL;
			r[i] = (unsigned char)(v >> 56);
		}
	}
	out[0] = kind;
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(out + 1 + 2 * i, 3, "%02x", r[i]);
}

/* Length of the common prefix of a and b. */
static size_t
common(const char *a, const char *b)
{
	size_t n = 0;
	while (a[n] != '\0' && a[n] == b[n])
		n++;
	return n;
}

size_t
coach_id_abbrev_len(const char *id, const char *prev, const char *next)
{
	size_t n = strlen(id), want = COACH_ID_ABBREV;
	if (prev != NULL && common(id, prev) + 1 > want)
		want = common(id, prev) + 1;
	if (next != NULL && common(id, next) + 1 > want)
		want = common(id, next) + 1;
	return want < n ? want : n;
}
