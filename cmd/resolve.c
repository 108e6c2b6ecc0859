/*
 * resolve.c: "coach resolve ID|PATH KEY VALUE|--keep|--other", one
 * conflict a merge left in a record settled in one commit.
 *
 * A merge that found both sides changing a key keeps one value and puts
 * the other under the record's conflicts: key (coach(5), MERGING); check
 * reports it until this command (or coach edit) settles it.  The record is
 * read, changed and written under the writer's lock, so two resolves at
 * once each see the other's commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "common.h"
#include "../lib/change.h"
#include "../lib/merge.h"

struct resolve_change {
	const char *arg, *key, *value;
	enum coach_resolve_how how;
	char *path;
};

/*
 * coach.yml is a mapping without fences: it is resolved as the record
 * "---", its text, "---", and written back without the fences.
 */
static struct coach_error *
resolve_config(struct coach_change *ch, struct resolve_change *rc)
{
	struct coach_buf text = COACH_BUF_INIT, out = COACH_BUF_INIT;
	struct coach_record *rec = NULL;
	struct coach_error *err;
	int exists;
	if ((err = coach_change_read(ch, rc->path, &text, &exists)))
		goto done;
	coach_buf_puts(&out, "---\n");
	coach_buf_add(&out, text.ptr ? text.ptr : "", text.len);
	if (text.len > 0 && text.ptr[text.len - 1] != '\n')
		coach_buf_putc(&out, '\n');
	coach_buf_puts(&out, "---\n");
	if ((err = coach_record_parse(&rec, rc->path, out.ptr, out.len)) ||
	    (err = coach_merge_resolve(rec, rc->key, rc->how, rc->value)))
		goto done;
	coach_buf_clear(&out);
	coach_record_render(rec, &out);
	coach_change_write(ch, rc->path, out.ptr + 4, out.len - 8);
	coach_change_message(ch, "resolve: %s %s", rc->path, rc->key);
done:
	coach_record_free(rec);
	coach_buf_free(&text);
	coach_buf_free(&out);
	return err;
}

static struct coach_error *
resolve_apply(struct coach_change *ch, void *arg)
{
	struct resolve_change *rc = arg;
	struct coach_record *rec = NULL;
	struct coach_error *err;
	if ((err = coach_repo_find(coach_change_repo(ch), rc->arg,
	    &rc->path)))
		return err;
	if (strcmp(rc->path, COACH_CONFIG_FILE) == 0)
		return resolve_config(ch, rc);
	if ((err = coach_change_load(ch, rc->path, &rec)))
		return err;
	if ((err = coach_merge_resolve(rec, rc->key, rc->how, rc->value)))
		goto done;
	coach_change_save(ch, rc->path, rec);
	coach_change_message(ch, "resolve: %s %s", rc->path, rc->key);
done:
	coach_record_free(rec);
	return err;
}

static struct coach_error *
resolve_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	struct resolve_change rc = { .arg = argv[1], .key = argv[2] };
	int keep = coach_opt_given(ctx, "keep") > 0;
	int other = coach_opt_given(ctx, "other") > 0;
	struct coach_error *err;
	if (keep + other + (argc > 3) != 1)
		return coach_usage(ctx, "give the VALUE to keep, --keep (the "
		    "value the record has) or --other (the one under "
		    "conflicts:)");
	rc.how = keep ? COACH_RESOLVE_KEEP : other ? COACH_RESOLVE_OTHER :
	    COACH_RESOLVE_SET;
	if (argc > 3) {
		rc.value = argv[3];
		if ((err = coach_text_arg_check(ctx, "VALUE", rc.value, 0)))
			return err;
	}
	if ((err = coach_write(ctx->repo, resolve_apply, &rc)) == NULL)
		printf("resolved %s of %s\n", rc.key, rc.path);
	free(rc.path);
	return err;
}

static const struct coach_opt resolve_opts[] = {
	{ "keep", 0, 0, NULL, "keep the value (or text) the record has" },
	{ "other", 0, 0, NULL, "take the value kept under conflicts:" },
	{ 0 },
};

static const struct coach_form resolve_forms[] = {
	{ .usage = "ID|PATH KEY VALUE\nID|PATH KEY --keep|--other",
	  .opts = resolve_opts, .min = 2, .max = 3,
	  .need = "a record and a KEY: coach check lists the conflicts",
	  .extra = "quote a VALUE with spaces", .exec = resolve_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_resolve = {
	.name = "resolve",
	.summary = "settle a conflict a merge left in a record",
	.flags = COACH_CMD_REPO,
	.forms = resolve_forms,
};
