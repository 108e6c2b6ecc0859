/* PLACEHOLDER: replaced by the real command. */
#include "cmd.h"

static struct coach_error *
entries_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	(void)argc; (void)argv;
	return coach_error_new(COACH_FAIL, "%s: not built yet", ctx->cmd->name);
}

const struct coach_cmd coach_cmd_entries = {
	.name = "entries",
	.usage = "",
	.summary = "entries",
	.exec = entries_exec,
};
