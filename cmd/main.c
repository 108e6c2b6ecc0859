/*
 * main.c: global options, the command table and dispatch.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"

#ifndef COACH_VERSION
#define COACH_VERSION "unknown"
#endif

extern const struct coach_cmd coach_cmd_init, coach_cmd_staff,
	coach_cmd_priority, coach_cmd_framework, coach_cmd_agree,
	coach_cmd_goal, coach_cmd_cycle, coach_cmd_log, coach_cmd_entries,
	coach_cmd_show, coach_cmd_edit, coach_cmd_rm, coach_cmd_status, coach_cmd_history, coach_cmd_diff, coach_cmd_agenda,
	coach_cmd_check,
	coach_cmd_help;

const struct coach_cmd *const coach_commands[] = {
	&coach_cmd_init,
	&coach_cmd_staff,
	&coach_cmd_priority,
	&coach_cmd_framework,
	&coach_cmd_agree,
	&coach_cmd_goal,
	&coach_cmd_cycle,
	&coach_cmd_log,
	&coach_cmd_entries,
	&coach_cmd_show,
	&coach_cmd_edit,
	&coach_cmd_rm,
	&coach_cmd_status,
	&coach_cmd_history,
	&coach_cmd_diff,
	&coach_cmd_agenda,
	&coach_cmd_check,
	&coach_cmd_help,
	NULL,
};

const struct coach_cmd *
coach_cmd_find(const char *name)
{
	for (size_t i = 0; coach_commands[i]; i++)
		if (strcmp(coach_commands[i]->name, name) == 0)
			return coach_commands[i];
	return NULL;
}

static void
print_usage(FILE *f, const struct coach_cmd *cmd)
{
	const char *u = cmd->usage;
	const char *lead = "usage:";
	while (*u) {
		const char *nl = strchr(u, '\n');
		size_t n = nl ? (size_t)(nl - u) : strlen(u);
		fprintf(f, "%s coach %s %.*s\n", lead, cmd->name, (int)n, u);
		lead = "      ";
		u += n;
		if (*u == '\n')
			u++;
	}
	if (*cmd->usage == '\0')
		fprintf(f, "usage: coach %s\n", cmd->name);
}

static void
print_main_usage(FILE *f)
{
	fputs("usage: coach [-C DIR] [--no-pager] [--color=auto|always|never] "
	    "COMMAND [ARGS]\n"
	    "       coach --version | --help | help [COMMAND]\n\n"
	    "commands:\n", f);
	for (size_t i = 0; coach_commands[i]; i++)
		fprintf(f, "   %-10s %s\n", coach_commands[i]->name,
		    coach_commands[i]->summary);
	fputs("\nSee 'coach help COMMAND' for a command's manual, "
	    "coach(5) for the file format.\n", f);
}

/* The command's manual page through man(1); its usage text when man or
 * the page is missing. */
static int
show_help(const struct coach_cmd *cmd)
{
	char page[64];
	if (cmd)
		snprintf(page, sizeof(page), "coach-%s", cmd->name);
	else
		snprintf(page, sizeof(page), "coach");
	if (getenv("COACH_NO_MAN") == NULL) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			/* Keep man's own "No manual entry" quiet: we fall
			 * back below. */
			if (freopen("/dev/null", "w", stderr) == NULL)
				_exit(127);
			execlp("man", "man", page, (char *)NULL);
			_exit(127);
		}
		int status;
		if (pid > 0 && waitpid(pid, &status, 0) == pid &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			return 0;
	}
	if (cmd) {
		printf("coach %s: %s\n\n", cmd->name, cmd->summary);
		print_usage(stdout, cmd);
	} else {
		print_main_usage(stdout);
	}
	return 0;
}

static struct coach_error *
help_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	if (argc > 2)
		return coach_usage(ctx, "too many arguments");
	if (argc == 1) {
		print_main_usage(stdout);
		return NULL;
	}
	const struct coach_cmd *cmd = coach_cmd_find(argv[1]);
	if (cmd == NULL)
		return coach_error_new(COACH_USAGE,
		    "'%s' is not a coach command; see 'coach help'", argv[1]);
	show_help(cmd);
	return NULL;
}

const struct coach_cmd coach_cmd_help = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "show the manual of coach or of a command",
	.exec = help_exec,
};

struct coach_error *
coach_usage(const struct coach_ctx *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return coach_error_new(COACH_USAGE, "%s: %s", ctx->cmd->name, msg);
}

static int
finish(int status)
{
	extern void coach_pager_finish(void);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE) {
			fprintf(stderr, "coach: write error on standard "
			    "output: %s\n", strerror(errno));
			if (status == 0)
				status = COACH_FAIL;
		}
	}
	coach_pager_finish();
	return status;
}

int
main(int argc, char **argv)
{
	struct coach_ctx ctx = { 0 };
	const char *color = "auto";
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-C") == 0) {
			if (++i == argc) {
				fputs("coach: -C needs a directory\n", stderr);
				return COACH_USAGE;
			}
			ctx.dir = argv[i];
		} else if (strncmp(a, "-C", 2) == 0) {
			ctx.dir = a + 2;
		} else if (strcmp(a, "--no-pager") == 0) {
			ctx.no_pager = 1;
		} else if (strncmp(a, "--color=", 8) == 0) {
			color = a + 8;
		} else if (strcmp(a, "--color") == 0) {
			color = "always";
		} else if (strcmp(a, "--version") == 0) {
			printf("coach %s\n", COACH_VERSION);
			return finish(0);
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_main_usage(stdout);
			return finish(0);
		} else {
			fprintf(stderr, "coach: unknown option '%s'\n", a);
			print_main_usage(stderr);
			return COACH_USAGE;
		}
	}
	if (strcmp(color, "always") == 0)
		ctx.color = 1;
	else if (strcmp(color, "never") == 0)
		ctx.color = 0;
	else if (strcmp(color, "auto") == 0)
		ctx.color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	else {
		fprintf(stderr, "coach: --color takes auto, always or never, "
		    "not '%s'\n", color);
		return COACH_USAGE;
	}
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		ctx.color = 0;

	if (i == argc) {
		print_main_usage(stderr);
		return COACH_USAGE;
	}
	const struct coach_cmd *cmd = coach_cmd_find(argv[i]);
	if (cmd == NULL) {
		fprintf(stderr, "coach: '%s' is not a coach command; see "
		    "'coach help'\n", argv[i]);
		return COACH_USAGE;
	}
	ctx.cmd = cmd;
	int cargc = argc - i;
	char **cargv = argv + i;
	for (int k = 1; k < cargc && strcmp(cargv[k], "--") != 0; k++) {
		if (strcmp(cargv[k], "--help") == 0)
			return finish(show_help(cmd));
	}

	struct coach_error *err = NULL;
	if (cmd->flags & COACH_CMD_REPO)
		err = coach_repo_open(&ctx.repo, ctx.dir);
	if (err == NULL)
		err = cmd->exec(&ctx, cargc, cargv);
	int status = 0;
	if (err) {
		status = coach_error_status(err);
		fflush(stdout);
		fprintf(stderr, "coach: %s\n", coach_error_msg(err));
		if (status == COACH_USAGE)
			print_usage(stderr, cmd);
		coach_error_free(err);
	}
	coach_repo_free(ctx.repo);
	return finish(status);
}
