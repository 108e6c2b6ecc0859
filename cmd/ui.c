/*
 * ui.c: what commands share for the terminal: pager, colour, editor.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"

static pid_t pager_pid = -1;

void
coach_pager_start(struct coach_ctx *ctx)
{
	if (ctx->no_pager || pager_pid != -1 || !isatty(STDOUT_FILENO))
		return;
	const char *pager = getenv("COACH_PAGER");
	if (pager == NULL)
		pager = getenv("PAGER");
	if (pager == NULL)
		pager = "less";
	if (*pager == '\0' || strcmp(pager, "cat") == 0)
		return;
	int fds[2];
	if (pipe(fds) == -1)
		return;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == -1) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		setenv("LESS", getenv("LESS") ? getenv("LESS") : "FRX", 1);
		execl("/bin/sh", "sh", "-c", pager, (char *)NULL);
		_exit(127);
	}
	dup2(fds[1], STDOUT_FILENO);
	close(fds[0]);
	close(fds[1]);
	signal(SIGPIPE, SIG_IGN);
	pager_pid = pid;
}

void coach_pager_finish(void);

void
coach_pager_finish(void)
{
	if (pager_pid == -1)
		return;
	fflush(stdout);
	fclose(stdout);
	close(STDOUT_FILENO);
	int status;
	while (waitpid(pager_pid, &status, 0) == -1 && errno == EINTR)
		;
	pager_pid = -1;
}

#define SGR(fn, code) \
	const char *fn(const struct coach_ctx *ctx) \
	{ return ctx->color ? code : ""; }
SGR(coach_sgr_bold, "\033[1m")
SGR(coach_sgr_dim, "\033[2m")
SGR(coach_sgr_red, "\033[31m")
SGR(coach_sgr_green, "\033[32m")
SGR(coach_sgr_yellow, "\033[33m")
SGR(coach_sgr_blue, "\033[34m")
SGR(coach_sgr_reset, "\033[m")

struct coach_error *
coach_format_arg(const struct coach_ctx *ctx, const char *value, int *json)
{
	if (strcmp(value, "text") == 0)
		*json = 0;
	else if (strcmp(value, "json") == 0)
		*json = 1;
	else
		return coach_usage(ctx, "--format takes text or json, not '%s'",
		    value);
	return NULL;
}

void
coach_out(const char *s, size_t len)
{
	fwrite(s, 1, len, stdout);
}

struct coach_error *
coach_run_editor(const char *path)
{
	const char *editor = getenv("VISUAL");
	if (editor == NULL || *editor == '\0')
		editor = getenv("EDITOR");
	if (editor == NULL || *editor == '\0')
		editor = "vi";
	/*
	 * Like git: the editor is shell text, the file its argument, so that
	 * "vim -u NONE" and "'/opt/my editor/ed' --wait" both work.  The
	 * editor is also $0, which the shell names in its own errors.
	 */
	char *script = coach_xasprintf("%s \"$@\"", editor);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == -1) {
		free(script);
		return coach_error_errno("fork", editor);
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", script, editor, path,
		    (char *)NULL);
		_exit(127);
	}
	free(script);
	int status;
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			return coach_error_errno("wait for", editor);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return coach_error_new(COACH_FAIL,
		    "the editor '%s' failed (exit status %d)", editor,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return NULL;
}

int
coach_term_width(void)
{
	const char *cols = getenv("COLUMNS");
	if (cols && *cols) {
		char *end;
		long n = strtol(cols, &end, 10);
		if (*end == '\0' && n >= 20 && n <= 1000)
			return (int)n;
	}
	struct winsize ws;
	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 0;
}
