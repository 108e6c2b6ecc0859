/*
 * main.c: global options, the command table and dispatch: coach's main(),
 * which the coach executable (launch.c) calls once it has loaded this
 * module.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "core.h"

#ifndef COACH_VERSION
#define COACH_VERSION "unknown"
#endif

extern const struct coach_cmd coach_cmd_init, coach_cmd_staff,
	coach_cmd_priority, coach_cmd_framework, coach_cmd_agree,
	coach_cmd_goal, coach_cmd_cycle, coach_cmd_log, coach_cmd_entries,
	coach_cmd_show, coach_cmd_edit, coach_cmd_rm, coach_cmd_status, coach_cmd_history, coach_cmd_diff, coach_cmd_agenda,
	coach_cmd_report, coach_cmd_check, coach_cmd_remote, coach_cmd_sync,
	coach_cmd_trust, coach_cmd_key, coach_cmd_resolve,
	coach_cmd_merge_driver, coach_cmd_monitor,
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
	&coach_cmd_report,
	&coach_cmd_check,
	&coach_cmd_remote,
	&coach_cmd_sync,
	&coach_cmd_trust,
	&coach_cmd_key,
	&coach_cmd_resolve,
	&coach_cmd_monitor,
	&coach_cmd_merge_driver,
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
print_main_usage(FILE *f)
{
	fputs("usage: coach [-C DIR] [--no-pager] [--color=auto|always|never] "
	    "COMMAND [ARGS]\n"
	    "       coach --version | --help | help [COMMAND]\n\n"
	    "commands:\n", f);
	for (size_t i = 0; coach_commands[i]; i++)
		if (!(coach_commands[i]->flags & COACH_CMD_HIDDEN))
			fprintf(f, "   %-10s %s\n", coach_commands[i]->name,
			    coach_commands[i]->summary);
	fputs("\nSee 'coach help COMMAND' for a command's manual, "
	    "coach(5) for the file format.\n", f);
}

/* coach(1) through man(1), else the list of commands. */
static void
show_main_manual(void)
{
	if (getenv("COACH_NO_MAN") == NULL) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			FILE *null = fopen("/dev/null", "w");
			if (null == NULL || dup2(fileno(null), 2) == -1)
				_exit(127);
			execlp("man", "man", "coach", (char *)NULL);
			_exit(127);
		}
		int status;
		if (pid > 0 && waitpid(pid, &status, 0) == pid &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			return;
	}
	print_main_usage(stdout);
}

/* The command name is closest to, for "did you mean"; NULL if none is
 * close. */
static const char *
command_guess(const char *name)
{
	const char *names[64];
	size_t n = 0;
	for (size_t i = 0; coach_commands[i] && n < 64; i++)
		if (!(coach_commands[i]->flags & COACH_CMD_HIDDEN))
			names[n++] = coach_commands[i]->name;
	return coach_suggest(name, names, n);
}

static struct coach_error *
help_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	if (argc == 1) {
		print_main_usage(stdout);
		return NULL;
	}
	const struct coach_cmd *cmd = coach_cmd_find(argv[1]);
	if (cmd == NULL) {
		const char *guess = command_guess(argv[1]);
		return coach_error_new(COACH_USAGE, "'%s' is not a coach "
		    "command; %s%s%see 'coach help'", argv[1],
		    guess ? "did you mean '" : "", guess ? guess : "",
		    guess ? "'? S" : "s");
	}
	coach_cmd_manual(cmd);
	return NULL;
}

static const struct coach_form help_forms[] = {
	{ .usage = "[COMMAND]", .max = 1, .exec = help_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_help = {
	.name = "help",
	.summary = "show the manual of coach or of a command",
	.forms = help_forms,
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

static const char *const global_options[] = { "-C", "--no-pager",
	"--color", "--version", "--help", NULL };

/* Whether colour goes to stdout: --color=always and never as asked; auto
 * on a terminal unless NO_COLOR is set to something (no-color.org). */
static int
color_wanted(const char *color, int *on)
{
	const char *no = getenv("NO_COLOR");
	if (strcmp(color, "always") == 0)
		*on = 1;
	else if (strcmp(color, "never") == 0)
		*on = 0;
	else if (strcmp(color, "auto") == 0)
		*on = isatty(STDOUT_FILENO) && !(no && *no);
	else
		return -1;
	return 0;
}

static int
unknown_global(const char *a)
{
	char word[64];
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(a, "="), a);
	const char *guess = coach_suggest(word, global_options, SIZE_MAX);
	fprintf(stderr, "coach: unknown option '%s'", word);
	if (guess)
		fprintf(stderr, "; did you mean '%s'?", guess);
	fputc('\n', stderr);
	print_main_usage(stderr);
	return COACH_USAGE;
}

static int
coach_main(int argc, char **argv)
{
	struct coach_ctx ctx = { 0 };
	const char *color = "auto";
	int i = 1;

	coach_sink_install();

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-C") == 0) {
			if (++i == argc) {
				fputs("coach: option '-C' needs a directory\n",
				    stderr);
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
		} else if (strcmp(a, "--help") == 0) {
			show_main_manual();
			return finish(0);
		} else if (strcmp(a, "-h") == 0) {
			print_main_usage(stdout);
			return finish(0);
		} else {
			return unknown_global(a);
		}
	}
	if (color_wanted(color, &ctx.color) != 0) {
		fprintf(stderr, "coach: --color takes auto, always or never, "
		    "not '%s'\n", color);
		return COACH_USAGE;
	}

	if (i == argc) {
		print_main_usage(stderr);
		return COACH_USAGE;
	}
	const struct coach_cmd *cmd = coach_cmd_find(argv[i]);
	if (cmd == NULL) {
		const char *guess = command_guess(argv[i]);
		fprintf(stderr, "coach: '%s' is not a coach command; ", argv[i]);
		if (guess)
			fprintf(stderr, "did you mean '%s'? S", guess);
		else
			fputc('s', stderr);
		fputs("ee 'coach help'\n", stderr);
		return COACH_USAGE;
	}
	ctx.cmd = cmd;

	struct coach_error *err = coach_cmd_run(&ctx, argc - i, argv + i);
	int status = 0;
	if (err) {
		status = coach_error_status(err);
		fflush(stdout);
		fprintf(stderr, "coach: %s\n", coach_error_msg(err));
		if (status == COACH_USAGE)
			coach_print_usage(stderr, cmd, ctx.form);
		coach_error_free(err);
	}
	coach_args_free(&ctx.args);
	coach_repo_free(ctx.repo);
	return finish(status);
}

/* The one symbol the module exports (core.map). */
const struct coach_core coach_core = {
	.version = COACH_VERSION,
	.main = coach_main,
};
