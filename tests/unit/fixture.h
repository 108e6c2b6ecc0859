/*
 * fixture.h: what the unit tests that judge coach with the git command
 * line share: a scratch directory with its own HOME and git configuration,
 * and running a shell command to read what it prints.
 */
#ifndef COACH_TEST_FIXTURE_H
#define COACH_TEST_FIXTURE_H

#include <stddef.h>

/*
 * Makes a scratch directory /tmp/coach-TAG-XXXXXX, writes its path into buf
 * and points HOME and XDG_CONFIG_HOME at a home/ inside it, so that no git
 * configuration of the machine or of the user leaks into a test.  Returns 0,
 * or -1 when the directory cannot be made.
 */
int fx_scratch(char *buf, size_t size, const char *tag);

/* Removes path and everything under it; 0 on success. */
int fx_remove(const char *path);

/*
 * Runs the shell command fmt in dir (the current directory when dir is
 * NULL) and returns what it printed on stdout (caller frees).  *status, when
 * not NULL, gets its exit status, or 128 when it was killed.
 */
char *fx_capture(int *status, const char *dir, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like fx_capture, but fails the test, naming file and line, when the
 * command fails. */
#define fx_capture_ok(dir, ...) \
	fx_capture_ok_(__FILE__, __LINE__, (dir), __VA_ARGS__)
char *fx_capture_ok_(const char *file, int line, const char *dir,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
