/*
 * init.c: coach init, a new coach repository.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "common.h"
#include "../lib/change.h"
#include "../lib/frontmatter.h"
#include "../lib/store.h"

/* A school_id from the school's name: lower case, words joined by '-'. */
static char *
slug(const char *name)
{
	struct coach_buf b = COACH_BUF_INIT;
	int dash = 0;
	for (const char *p = name; *p && b.len < 40; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && b.len)
				coach_buf_putc(&b, '-');
			coach_buf_putc(&b, c);
			dash = 0;
		} else {
			dash = 1;
		}
	}
	return coach_buf_detach(&b);
}

static void
config_text(struct coach_buf *out, const char *school, const char *trust,
    const char *model)
{
	struct coach_fm *fm = coach_fm_new();
	char *id = slug(school);
	coach_fm_set(fm, "school", coach_fmv_str(school));
	if (*id)
		coach_fm_set(fm, "school_id", coach_fmv_str(id));
	if (trust)
		coach_fm_set(fm, "trust", coach_fmv_str(trust));
	coach_fm_set(fm, "year_start", coach_fmv_str("09-01"));
	coach_fm_set(fm, "cycle_model", coach_fmv_str(model));
	struct coach_fmv *phases = coach_fmv_seq();
	for (const char *const *p = coach_cycle_model_phases(model); *p; p++)
		coach_fmv_push(phases, coach_fmv_str(*p));
	coach_fm_set(fm, "cycle_phases", phases);
	struct coach_fmv *privacy = coach_fmv_map();
	coach_fmv_put(privacy, "trust", coach_fmv_str("summary"));
	coach_fmv_put(privacy, "individual", coach_fmv_bool(1));
	coach_fm_set(fm, "privacy", privacy);
	coach_buf_puts(out, "# coach settings: see coach(5)\n");
	coach_fm_render(fm, out);
	coach_fm_free(fm);
	free(id);
}

/*
 * Refuses before anything is created when git cannot name the author (a
 * directory that already holds a git repository may have its own
 * identity: the transaction checks that one).
 */
static struct coach_error *
check_identity(const char *dir)
{
	char *git = coach_path_join(dir, ".git");
	int has_git = access(git, F_OK) == 0;
	free(git);
	if (has_git)
		return NULL;
	char *name = NULL, *email = NULL;
	struct coach_error *err = coach_store_global_config_get("user.name",
	    &name);
	if (err == NULL)
		err = coach_store_global_config_get("user.email", &email);
	if (err == NULL && (name == NULL || *name == '\0' || email == NULL ||
	    *email == '\0'))
		err = coach_error_new(COACH_FAIL,
		    "git does not know who you are, and every change coach "
		    "makes is a commit with an author; tell it with:\n"
		    "  git config --global user.name \"Your Name\"\n"
		    "  git config --global user.email you@school.example");
	free(name);
	free(email);
	return err;
}

/* coach.yml, written under the writer's lock unless another init got
 * there first. */
struct init_change {
	const char *school;
	const struct coach_buf *text;
};

static struct coach_error *
init_apply(struct coach_change *ch, void *arg)
{
	struct init_change *ic = arg;
	struct coach_buf have = COACH_BUF_INIT;
	int exists;
	struct coach_error *err = coach_change_read(ch, COACH_CONFIG_FILE,
	    &have, &exists);
	coach_buf_free(&have);
	if (err == NULL && exists)
		err = coach_error_new(COACH_FAIL, "this is already a coach "
		    "repository (it has %s)", COACH_CONFIG_FILE);
	if (err)
		return err;
	coach_change_write(ch, COACH_CONFIG_FILE, ic->text->ptr,
	    ic->text->len);
	/* Names coach as git's merge driver for records, in every clone. */
	coach_change_write(ch, ".gitattributes", COACH_STORE_GITATTRIBUTES,
	    strlen(COACH_STORE_GITATTRIBUTES));
	coach_change_message(ch, "init: %s", ic->school);
	return NULL;
}

static struct coach_error *
init_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	const char *school = coach_opt_value(ctx, "school");
	const char *trust = coach_opt_value(ctx, "trust");
	const char *model = coach_opt_value(ctx, "cycle");
	if (model == NULL)
		model = "steplab";
	if (school == NULL || *school == '\0')
		return coach_usage(ctx, "--school NAME is required");
	if (coach_cycle_model_phases(model) == NULL)
		return coach_usage(ctx, "--cycle takes steplab, impact or gbf, "
		    "not '%s' (a school's own phases go in coach.yml's "
		    "cycle_phases)", model);
	const char *arg = argc > 1 ? argv[1] : ".";
	char *dir = ctx->dir && arg[0] != '/' ? coach_path_join(ctx->dir, arg)
	    : coach_xstrdup(arg);

	struct coach_error *err = NULL;
	struct coach_store *store = NULL;
	struct coach_buf text = COACH_BUF_INIT;
	char *cfg = coach_path_join(dir, "coach.yml");
	if (access(cfg, F_OK) == 0) {
		err = coach_error_new(COACH_FAIL, "%s is already a coach "
		    "repository (it has coach.yml)", dir);
		goto done;
	}
	if ((err = check_identity(dir)))
		goto done;
	if ((err = coach_store_init(&store, dir)))
		goto done;
	char *program = coach_self_program();
	err = coach_store_merge_driver_setup(store, program);
	free(program);
	if (err)
		goto done;
	config_text(&text, school, trust, model);
	struct init_change ic = { school, &text };
	if ((err = coach_change_run_new(store, init_apply, &ic)))
		goto done;
	printf("Initialised a coach repository for %s in %s\n", school,
	    coach_store_root(store));
done:
	coach_store_close(store);
	coach_buf_free(&text);
	free(cfg);
	free(dir);
	return err;
}

static const struct coach_opt init_opts[] = {
	{ "school", 0, COACH_OPT_VALUE, "NAME", "the school's name "
	    "(required)" },
	{ "trust", 0, COACH_OPT_VALUE, "NAME", "the trust the school belongs "
	    "to" },
	{ "cycle", 0, COACH_OPT_VALUE, "steplab|impact|gbf", "the phases of "
	    "a coaching cycle (default steplab)" },
	{ 0 },
};

static const struct coach_form init_forms[] = {
	{ .usage = "[DIR] --school NAME [--trust NAME] "
	    "[--cycle steplab|impact|gbf]",
	  .opts = init_opts, .max = 1,
	  .extra = "too many arguments: init takes one DIR", .exec = init_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_init = {
	.name = "init",
	.summary = "create a coach repository for a school",
	.flags = COACH_CMD_LOCAL,
	.forms = init_forms,
};
