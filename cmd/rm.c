/*
 * rm.c: "coach rm ID|PATH [--force]", a record removed in one commit.
 *
 * A record that others refer to (a goal with cycles or entries, a cycle
 * with entries, a member of staff with an agreement, goals or entries, a
 * priority or strategy a goal names) is kept unless --force is given, so
 * that a slip of the keyboard cannot leave references to nothing.  The
 * referrers are looked for under the writer's lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "common.h"
#include "../lib/change.h"
#include "../lib/repo.h"

/* The keys that refer to a record of kind k. */
static const char *const *
ref_keys(enum coach_kind k)
{
	static const char *const goal[] = { "goal", NULL };
	static const char *const cycle[] = { "cycle", NULL };
	static const char *const staff[] = { "coach", "coachee", "author",
		NULL };
	static const char *const priority[] = { "priority", NULL };
	static const char *const framework[] = { "strategies", "strategy",
		NULL };
	switch (k) {
	case COACH_KIND_GOAL: return goal;
	case COACH_KIND_CYCLE: return cycle;
	case COACH_KIND_STAFF: return staff;
	case COACH_KIND_PRIORITY: return priority;
	case COACH_KIND_FRAMEWORK: return framework;
	default: return NULL;
	}
}

/* Whether n is id or a list holding it. */
static int
names(const struct coach_fm_node *n, const char *id)
{
	if (n == NULL)
		return 0;
	if (coach_fm_node_type(n) == COACH_FM_SCALAR)
		return strcmp(coach_fm_node_str(n), id) == 0;
	for (size_t i = 0; coach_fm_node_type(n) == COACH_FM_SEQ &&
	    i < coach_fm_node_len(n); i++)
		if (names(coach_fm_node_item(n, i), id))
			return 1;
	return 0;
}

/* Adds to out the records of kind whose keys name id. */
static void
referrers_of_kind(struct coach_repo *r, enum coach_kind kind,
	const char *const *keys, const char *id, const char *self,
	struct coach_strlist *out)
{
	struct coach_strlist paths = COACH_STRLIST_INIT;
	struct coach_error *err = coach_repo_list(r, kind, NULL, &paths);
	coach_error_free(err); /* a listing error leaves the list short */
	for (size_t i = 0; i < paths.n; i++) {
		struct coach_record *rec = NULL;
		if (strcmp(paths.v[i], self) == 0 ||
		    coach_repo_load(r, paths.v[i], &rec) != NULL) {
			coach_record_free(rec);
			continue; /* check reports broken records */
		}
		const struct coach_fm *fm = coach_record_fm_const(rec);
		for (size_t k = 0; keys[k]; k++)
			if (names(coach_fm_get(fm, keys[k]), id)) {
				coach_strlist_add(out, paths.v[i]);
				break;
			}
		coach_record_free(rec);
	}
	coach_strlist_free(&paths);
}

/* The records that refer to the one at path (of kind k, id id). */
static void
referrers(struct coach_repo *r, const char *path, enum coach_kind k,
	const char *id, struct coach_strlist *out)
{
	static const enum coach_kind kinds[] = { COACH_KIND_AGREEMENT,
		COACH_KIND_GOAL, COACH_KIND_CYCLE, COACH_KIND_ENTRY };
	const char *const *keys = ref_keys(k);
	if (keys == NULL || id == NULL)
		return;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		referrers_of_kind(r, kinds[i], keys, id, path, out);
	if (k == COACH_KIND_STAFF) {
		/* Their own coaching folder refers to them too. */
		struct coach_strlist mine = COACH_STRLIST_INIT;
		for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
			coach_error_free(coach_repo_list(r, kinds[i], id,
			    &mine));
		for (size_t i = 0; i < mine.n; i++)
			if (!coach_strlist_has(out, mine.v[i]))
				coach_strlist_add(out, mine.v[i]);
		coach_strlist_free(&mine);
	}
}

struct rm_change {
	const char *arg;
	int force;
	char *path; /* the record removed */
};

static struct coach_error *
rm_apply(struct coach_change *ch, void *arg)
{
	struct rm_change *rc = arg;
	struct coach_repo *r = coach_change_repo(ch);
	struct coach_strlist refs = COACH_STRLIST_INIT;
	struct coach_buf list = COACH_BUF_INIT;
	struct coach_error *err;
	char *id = NULL;

	if ((err = coach_repo_find(r, rc->arg, &rc->path)))
		return err;
	enum coach_kind k = coach_path_kind(rc->path, NULL, &id);
	if (k == COACH_KIND_NONE || k == COACH_KIND_CONFIG ||
	    k == COACH_KIND_EVIDENCE) {
		err = coach_error_new(COACH_FAIL, "%s is not a record coach "
		    "removes (goals, cycles, entries, agreements, staff, "
		    "priorities, strategies); remove it with git rm",
		    rc->path);
		goto done;
	}
	if (!rc->force)
		referrers(r, rc->path, k, id, &refs);
	if (refs.n > 0) {
		for (size_t i = 0; i < refs.n && i < 10; i++)
			coach_buf_printf(&list, "\n  %s", refs.v[i]);
		if (refs.n > 10)
			coach_buf_printf(&list, "\n  ... and %zu more",
			    refs.n - 10);
		err = coach_error_coded(COACH_E_CONFLICT, "%s is still "
		    "referred to by %zu record%s:%s\nremove or change "
		    "those first, or give --force to remove it anyway "
		    "(coach check will then report what refers to nothing)",
		    rc->path, refs.n, refs.n == 1 ? "" : "s",
		    coach_buf_str(&list));
		goto done;
	}
	coach_change_remove(ch, rc->path);
	coach_change_message(ch, "rm: %s", rc->path);
done:
	coach_buf_free(&list);
	coach_strlist_free(&refs);
	free(id);
	return err;
}

static struct coach_error *
rm_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	struct rm_change rc = { 0 };
	struct coach_error *err;

	rc.force = coach_opt_given(ctx, "force") > 0;
	rc.arg = argv[1];
	if ((err = coach_write(ctx->repo, rm_apply, &rc)) == NULL)
		printf("removed %s\n", rc.path);
	free(rc.path);
	return err;
}

static const struct coach_opt rm_opts[] = {
	{ "force", 'f', 0, NULL, "remove it though other records refer to "
	    "it" },
	{ 0 },
};

static const struct coach_form rm_forms[] = {
	{ .usage = "ID|PATH [--force]", .opts = rm_opts, .min = 1, .max = 1,
	  .need = "a record: give an id or a path",
	  .extra = "give one record", .exec = rm_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_rm = {
	.name = "rm",
	.summary = "remove a record that nothing refers to",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = rm_forms,
};
