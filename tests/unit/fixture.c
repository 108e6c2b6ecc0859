/*
 * fixture.c: the scratch directory and shell commands the unit tests share.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "util.h"

int
fx_scratch(char *buf, size_t size, const char *tag)
{
	int n = snprintf(buf, size, "/tmp/coach-%s-XXXXXX", tag);
	if (n < 0 || (size_t)n >= size || mkdtemp(buf) == NULL)
		return -1;
	char *home = coach_path_join(buf, "home");
	int rc = mkdir(home, 0700);
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	free(home);
	return rc;
}

int
fx_remove(const char *path)
{
	/* A test may leave files it made unreadable or owned by another
	 * user; take them back first. */
	char *cmd = coach_xasprintf("chown -R %d '%s' 2>/dev/null; "
		"chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", (int)getuid(),
		path, path, path);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static char *
vcapture(int *status, const char *dir, const char *fmt, va_list ap)
{
	char *cmd = NULL;
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	char *full = dir ? coach_xasprintf("cd '%s' && { %s; }", dir, cmd)
		: coach_xstrdup(cmd);
	FILE *f = popen(full, "r");
	assert_non_null(f);
	struct coach_buf b = COACH_BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		coach_buf_add(&b, chunk, n);
	int st = pclose(f);
	if (status != NULL)
		*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	free(cmd);
	free(full);
	coach_buf_puts(&b, "");
	return coach_buf_detach(&b);
}

char *
fx_capture(int *status, const char *dir, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *out = vcapture(status, dir, fmt, ap);
	va_end(ap);
	return out;
}

char *
fx_capture_ok_(const char *file, int line, const char *dir,
	const char *fmt, ...)
{
	va_list ap;
	int st;
	va_start(ap, fmt);
	char *out = vcapture(&st, dir, fmt, ap);
	va_end(ap);
	if (st != 0) {
		va_start(ap, fmt);
		char *cmd = NULL;
		if (vasprintf(&cmd, fmt, ap) < 0)
			abort();
		va_end(ap);
		print_error("%s:%d: command failed (%d): %s\n%s\n", file, line,
			st, cmd, out);
		free(cmd);
		free(out);
		fail();
	}
	return out;
}
