/*
 * monitor.c: coach monitor start | stop | status, the file-system monitor
 * that lets reads skip the stat of folders nothing happened in.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "../lib/monitor.h"

static struct coach_error *
monitor_start(struct coach_ctx *ctx, int argc, char **argv)
{
	char *gitdir = coach_repo_gitdir(ctx->repo);
	const char *root = coach_repo_root(ctx->repo);
	struct coach_monitor_status st;
	int already = 0;
	struct coach_error *err = coach_monitor_start(gitdir, root, &already);
	if (err == NULL) {
		coach_monitor_get_status(gitdir, root, &st);
		if (already)
			printf("monitor already running (pid %ld)\n",
			    (long)st.pid);
		else
			printf("monitor started (pid %ld, %zu folders "
			    "watched)\n", (long)st.pid, st.dirs);
	}
	free(gitdir);
	return err;
}

static struct coach_error *
monitor_stop(struct coach_ctx *ctx, int argc, char **argv)
{
	char *gitdir = coach_repo_gitdir(ctx->repo);
	int was = 0;
	struct coach_error *err = coach_monitor_stop(gitdir,
	    coach_repo_root(ctx->repo), &was);
	if (err == NULL)
		puts(was ? "monitor stopped" : "monitor not running");
	free(gitdir);
	return err;
}

static struct coach_error *
monitor_status(struct coach_ctx *ctx, int argc, char **argv)
{
	char *gitdir = coach_repo_gitdir(ctx->repo);
	struct coach_monitor_status st;
	coach_monitor_get_status(gitdir, coach_repo_root(ctx->repo), &st);
	if (st.running)
		printf("monitor running (pid %ld, %zu folders watched)\n",
		    (long)st.pid, st.dirs);
	else if (!coach_monitor_supported())
		puts("monitor not available on this system (it needs Linux)");
	else
		puts("monitor not running");
	free(gitdir);
	return NULL;
}

static const struct coach_form monitor_forms[] = {
	{ .name = "start", .usage = "", .exec = monitor_start },
	{ .name = "stop", .usage = "", .exec = monitor_stop },
	{ .name = "status", .usage = "", .exec = monitor_status },
	{ 0 },
};

const struct coach_cmd coach_cmd_monitor = {
	.name = "monitor",
	.summary = "the file-system monitor fast reads use: start, stop, "
	    "status",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = monitor_forms,
	.dflt = "status",
};
