/*
 * agenda.c: "coach agenda", the next meeting's page.
 */
#include "cmd.h"

static struct coach_error *
agenda_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return coach_usage(ctx, "not yet");
}

const struct coach_cmd coach_cmd_agenda = {
	.name = "agenda",
	.usage = "[COACHEE] [--format text|json|markdown]",
	.summary = "prepare the next meeting",
	.flags = COACH_CMD_REPO,
	.exec = agenda_exec,
};
