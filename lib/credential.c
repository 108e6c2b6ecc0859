/*
 * credential.c: git's credential helpers, through `git credential`
 * (credential.h says why and how).
 */
#include "credential.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

extern char **environ;

/* What git is asked or told, and what it answers, are small: a URL, a
 * user name, a password. */
#define IO_MAX (64 * 1024)

static long long
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* environ, with prompts turned off (git's own and Git Credential
 * Manager's). */
static char **
quiet_env(void)
{
	size_t n = 0, k = 0;
	while (environ[n] != NULL)
		n++;
	char **env = coach_xcalloc(n + 3, sizeof(*env));
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "GIT_TERMINAL_PROMPT=", 20) != 0 &&
		    strncmp(environ[i], "GCM_INTERACTIVE=", 16) != 0)
			env[k++] = environ[i];
	env[k++] = "GIT_TERMINAL_PROMPT=0";
	env[k++] = "GCM_INTERACTIVE=never";
	env[k] = NULL;
	return env;
}

/* Writes all of data to fd; a reader gone (EPIPE) must not end coach, so
 * SIGPIPE is held back in this thread and a pending one swallowed. */
static int
write_all(int fd, const char *data, size_t len)
{
	sigset_t pipe_set, old;
	int ok = 1;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	while (len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ok = 0;
			break;
		}
		data += w;
		len -= (size_t)w;
	}
	if (!ok && errno == EPIPE) {
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ok;
}

/* Reads fd to its end into out, until deadline (ms); 0 on timeout. */
static int
read_all(int fd, struct coach_buf *out, long long deadline)
{
	char chunk[4096];
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return 0;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int rc = poll(&p, 1, left > 1000 ? 1000 : (int)left);
		if (rc < 0 && errno != EINTR)
			return 0;
		if (rc <= 0)
			continue;
		ssize_t r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0;
		if (out->len + (size_t)r > IO_MAX)
			return 0;
		coach_buf_add(out, chunk, (size_t)r);
	}
}

/* Runs `git credential action` with input on its stdin; its stdout in out
 * (may be NULL).  1 when git ran and exited 0 within timeout seconds, -1
 * when it was still running then, 0 otherwise. */
static int
git_credential(const char *action, const char *input, struct coach_buf *out,
	unsigned timeout)
{
	int in[2] = { -1, -1 }, res[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char *argv[] = { "git", "credential", (char *)action, NULL };
	char **env = quiet_env();
	struct coach_buf sink = COACH_BUF_INIT;
	pid_t pid = -1;
	int ok = 0, late = 0, status;

	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(res, O_CLOEXEC) == -1)
		goto done;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, res[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	/* Its own process group: a helper that hangs is killed with
	 * whatever it started. */
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	if (posix_spawnp(&pid, "git", &fa, &attr, argv, env) != 0)
		pid = -1;
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (pid == -1)
		goto done;
	close(in[0]);
	close(res[1]);
	in[0] = res[1] = -1;
	long long deadline = now_ms() + (long long)timeout * 1000;
	int wrote = write_all(in[1], input, strlen(input));
	close(in[1]);
	in[1] = -1;
	int got = read_all(res[0], out != NULL ? out : &sink, deadline);
	if (!got) {
		kill(-pid, SIGKILL);
		late = now_ms() >= deadline;
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	ok = late ? -1 : wrote && got && WIFEXITED(status) &&
		WEXITSTATUS(status) == 0;
done:
	for (int i = 0; i < 2; i++) {
		if (in[i] != -1)
			close(in[i]);
		if (res[i] != -1)
			close(res[i]);
	}
	coach_buf_free(&sink);
	free(env);
	return ok;
}

/* A value git would refuse or misread: empty, or with a line break or
 * NUL in it. */
static int
plain(const char *s)
{
	return s != NULL && *s != '\0' && strpbrk(s, "\r\n") == NULL;
}

/* The url= line and, for approve/reject, the username= and password=
 * lines, ended by the blank line of git's credential protocol. */
static char *
request(const char *url, const struct coach_credential *c)
{
	if (c == NULL)
		return coach_xasprintf("url=%s\n\n", url);
	return coach_xasprintf("url=%s\nusername=%s\npassword=%s\n\n", url,
		c->user, c->pass);
}

static void
wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

int
coach_credential_fill(const char *url, unsigned timeout,
	struct coach_credential *out)
{
	struct coach_buf b = COACH_BUF_INIT;
	char *req;
	int found = 0;

	out->user = out->pass = NULL;
	if (!plain(url))
		return 0;
	req = request(url, NULL);
	found = git_credential("fill", req, &b, timeout);
	if (found != 1 || b.len == 0) {
		found = found == -1 ? -1 : 0;
		goto done;
	}
	for (char *line = b.ptr; line != NULL && *line != '\0';) {
		char *nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		if (strncmp(line, "username=", 9) == 0 && out->user == NULL)
			out->user = coach_xstrdup(line + 9);
		else if (strncmp(line, "password=", 9) == 0 &&
		    out->pass == NULL)
			out->pass = coach_xstrdup(line + 9);
		line = nl != NULL ? nl + 1 : NULL;
	}
	found = plain(out->user) && plain(out->pass);
	if (!found)
		coach_credential_clear(out);
done:
	if (b.ptr != NULL)
		explicit_bzero(b.ptr, b.len);
	coach_buf_free(&b);
	free(req);
	return found;
}

void
coach_credential_report(const char *url, const struct coach_credential *c,
	int worked, unsigned timeout)
{
	if (!plain(url) || !plain(c->user) || !plain(c->pass))
		return;
	char *req = request(url, c);
	git_credential(worked ? "approve" : "reject", req, NULL, timeout);
	wipe_free(req);
}

void
coach_credential_clear(struct coach_credential *c)
{
	wipe_free(c->user);
	wipe_free(c->pass);
	c->user = c->pass = NULL;
}
