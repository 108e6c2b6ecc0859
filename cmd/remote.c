/*
 * remote.c: "coach remote add NAME URL", "remote list", "remote remove
 * NAME": the repositories coach sync talks to, kept in git's config as
 * git remote keeps them.  A URL is never shown with its password.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "../lib/store_remote.h"

static struct coach_error *
remote_add(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_store *s = coach_repo_store(ctx->repo);
	struct coach_error *err;
	(void)argc;
	if ((err = coach_store_remote_add(s, argv[1], argv[2])) != NULL)
		return err;
	char *shown = coach_url_mask(argv[2]);
	printf("added remote %s: %s\n", argv[1], shown);
	if (strcmp(shown, argv[2]) != 0)
		printf("note: the password is kept in .git/config; COACH_TOKEN "
		    "keeps it out of files (see coach-sync(1), SECURITY)\n");
	free(shown);
	return NULL;
}

static struct coach_error *
remote_list(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_strlist names = COACH_STRLIST_INIT;
	struct coach_strlist urls = COACH_STRLIST_INIT;
	struct coach_error *err;
	(void)argc;
	(void)argv;
	err = coach_store_remote_list(coach_repo_store(ctx->repo), &names,
		&urls);
	for (size_t i = 0; err == NULL && i < names.n; i++) {
		char *shown = coach_url_mask(urls.v[i]);
		printf("%s\t%s\n", names.v[i], shown);
		free(shown);
	}
	coach_strlist_free(&names);
	coach_strlist_free(&urls);
	return err;
}

static struct coach_error *
remote_remove(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_error *err;
	(void)argc;
	err = coach_store_remote_remove(coach_repo_store(ctx->repo), argv[1]);
	if (err == NULL)
		printf("removed remote %s\n", argv[1]);
	return err;
}

static const struct coach_form remote_forms[] = {
	{ .name = "add", .usage = "NAME URL", .min = 2, .max = 2,
	  .need = "a NAME and a URL", .exec = remote_add },
	{ .name = "list", .usage = "", .exec = remote_list },
	{ .name = "remove", .usage = "NAME", .min = 1, .max = 1,
	  .need = "a NAME", .exec = remote_remove },
	{ 0 },
};

const struct coach_cmd coach_cmd_remote = {
	.name = "remote",
	.summary = "the repositories sync talks to: add, list, remove",
	.flags = COACH_CMD_REPO,
	.forms = remote_forms,
	.dflt = "list",
};
