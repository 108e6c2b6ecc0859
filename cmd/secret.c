/*
 * secret.c: the one private draft of a sealed entry (secret.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret.h"
#include "../lib/util.h"

/* Fixed buffers: the signal handler may only use what is already there. */
static char draft_dir[PATH_MAX];
static char draft_file[PATH_MAX];
static volatile sig_atomic_t armed;

static void
remove_now(void)
{
	if (draft_file[0])
		unlink(draft_file);
	if (draft_dir[0])
		rmdir(draft_dir);
}

static void
on_signal(int sig)
{
	if (armed)
		remove_now();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* A folder of the user's own: $XDG_RUNTIME_DIR when it is one, else
 * /tmp. */
static const char *
base_dir(void)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	if (run && run[0] == '/' && stat(run, &st) == 0 &&
	    S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	    (st.st_mode & 077) == 0)
		return run;
	return "/tmp";
}

struct coach_error *
coach_secret_draft_new(const char *name, char **path)
{
	*path = NULL;
	if (armed)
		coach_secret_draft_remove();
	int n = snprintf(draft_dir, sizeof(draft_dir), "%s/coach-XXXXXX",
	    base_dir());
	if (n < 0 || (size_t)n >= sizeof(draft_dir) - strlen(name) - 2)
		return coach_error_coded(COACH_E_IO, "the runtime folder's "
		    "path is too long");
	/* mkdtemp makes it 0700 and never reuses a folder that exists. */
	if (mkdtemp(draft_dir) == NULL) {
		struct coach_error *err = coach_error_errno("mkdtemp",
		    draft_dir);
		draft_dir[0] = '\0';
		return err;
	}
	size_t dl = strlen(draft_dir);
	memcpy(draft_file, draft_dir, dl);
	draft_file[dl] = '/';
	memcpy(draft_file + dl + 1, name, strlen(name) + 1);
	catch_signals();
	armed = 1;
	int fd = open(draft_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd == -1) {
		struct coach_error *err = coach_error_errno("open", draft_file);
		coach_secret_draft_remove();
		return err;
	}
	close(fd);
	*path = coach_xstrdup(draft_file);
	return NULL;
}

/* Removes the files in dir (an editor's swap or backup files beside the
 * draft), then dir. */
static void
empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = coach_path_join(dir, e->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

void
coach_secret_draft_remove(void)
{
	if (draft_file[0])
		unlink(draft_file);
	if (draft_dir[0] && rmdir(draft_dir) == -1 && errno == ENOTEMPTY)
		empty_dir(draft_dir);
	armed = 0;
	draft_file[0] = '\0';
	draft_dir[0] = '\0';
}
