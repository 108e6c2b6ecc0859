/* PLACEHOLDER: replaced by the real command. */
#include "cmd.h"

static struct coach_error *
init_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	(void)argc; (void)argv;
	return coach_error_new(COACH_FAIL, "%s: not built yet", ctx->cmd->name);
}

const struct coach_cmd coach_cmd_init = {
	.name = "init",
	.usage = "",
	.summary = "init",
	.exec = init_exec,
};
