/*
 * priority.c: coach priority add | list | retire, the school development
 * priorities that goals link to (priorities/<id>.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "../lib/ids.h"
#include "../lib/schema.h"

/*
 * The school year today falls in, e.g. "2026-27": it starts on coach.yml's
 * year_start (MM-DD, default 09-01).
 */
static struct coach_error *
current_school_year(struct coach_repo *repo, char *out, size_t size)
{
	const struct coach_fm *cfg = coach_repo_config(repo);
	const struct coach_fm_node *n = cfg ? coach_fm_get(cfg, "year_start") :
	    NULL;
	int sm = 9, sd = 1;
	char today[11];

	if (n && coach_fm_node_type(n) != COACH_FM_NULL &&
	    coach_schema_month_day(coach_fm_node_str(n), &sm, &sd) != 0)
		return coach_error_new(COACH_FAIL, "%s:%d: year_start is not "
		    "a day of the year as MM-DD (e.g. 09-01); fix %s or give "
		    "--year", COACH_CONFIG_FILE, coach_fm_key_line(cfg,
		    "year_start"), COACH_CONFIG_FILE);
	coach_date_format(coach_date_today(), today);
	long y = strtol(today, NULL, 10);
	int m = (today[5] - '0') * 10 + (today[6] - '0');
	int d = (today[8] - '0') * 10 + (today[9] - '0');
	if (m < sm || (m == sm && d < sd))
		y--;
	snprintf(out, size, "%ld-%02ld", y, (y + 1) % 100);
	return NULL;
}

/* "YYYY-YY", the second year following the first (2026-27, 2099-00). */
static struct coach_error *
year_check(const char *s)
{
	if (coach_schema_school_year(s) == 0)
		return NULL;
	return coach_error_new(COACH_FAIL, "--year: '%s' is not a school "
	    "year; write it as YYYY-YY, e.g. 2026-27", s);
}

/* A priority added or retired, under the writer's lock. */
struct priority_change {
	const char *id;
	const char *path;
	struct coach_record *rec; /* add: the new record */
};

static struct coach_error *
add_apply(struct coach_change *ch, void *arg)
{
	struct priority_change *pc = arg;
	if (coach_repo_exists(coach_change_repo(ch), pc->path))
		return coach_error_new(COACH_FAIL, "priority '%s' already "
		    "exists; edit %s or use coach edit %s", pc->id, pc->path,
		    pc->path);
	coach_change_save(ch, pc->path, pc->rec);
	coach_change_message(ch, "priority add: %s", pc->id);
	return NULL;
}

static int is_retired(const struct coach_record *rec);

static struct coach_error *
retire_apply(struct coach_change *ch, void *arg)
{
	struct priority_change *pc = arg;
	struct coach_record *rec = NULL;
	struct coach_error *err = NULL;
	if (!coach_repo_exists(coach_change_repo(ch), pc->path)) {
		err = coach_error_new(COACH_FAIL, "no priority '%s' (no %s); "
		    "see coach priority list --all", pc->id, pc->path);
		goto done;
	}
	if ((err = coach_change_load(ch, pc->path, &rec)))
		goto done;
	if (is_retired(rec)) {
		err = coach_error_new(COACH_FAIL, "priority '%s' is already "
		    "retired", pc->id);
		goto done;
	}
	coach_fm_set(coach_record_fm(rec), "status", coach_fmv_str("retired"));
	coach_change_save(ch, pc->path, rec);
	coach_change_message(ch, "priority retire: %s", pc->id);
done:
	coach_record_free(rec);
	return err;
}

static struct coach_error *
priority_add(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_record *rec = NULL;
	const char *year = NULL;
	char *path = NULL, yearbuf[32];
	struct coach_error *err = NULL;

	year = coach_opt_value(ctx, "year");
	const char *id = argv[1], *title = argv[2];
	if ((err = coach_handle_check("priority id", id)) ||
	    (err = coach_text_arg_check(ctx, "TITLE", title, 1)))
		return err;
	if (year)
		err = year_check(year);
	else
		err = current_school_year(ctx->repo, yearbuf, sizeof(yearbuf));
	if (err)
		return err;

	path = coach_path_priority(id);
	rec = coach_record_new();
	struct coach_fm *fm = coach_record_fm(rec);
	coach_fm_set(fm, "title", coach_fmv_str(title));
	coach_fm_set(fm, "year", coach_fmv_str(year ? year : yearbuf));
	coach_fm_set(fm, "status", coach_fmv_str("active"));
	struct priority_change pc = { id, path, rec };
	err = coach_write(ctx->repo, add_apply, &pc);
	if (err == NULL)
		printf("Added priority %s (%s) in %s\n", id,
		    year ? year : yearbuf, path);
	coach_record_free(rec);
	free(path);
	return err;
}

static int
is_retired(const struct coach_record *rec)
{
	const char *status = coach_record_str(rec, "status");
	return status && strcmp(status, "retired") == 0;
}

static struct coach_error *
priority_retire(struct coach_ctx *ctx, int argc, char **argv)
{
	char *path = NULL;
	struct coach_error *err;

	const char *id = argv[1];
	if ((err = coach_handle_check("priority id", id)))
		return err;
	path = coach_path_priority(id);
	struct priority_change pc = { id, path, NULL };
	err = coach_write(ctx->repo, retire_apply, &pc);
	if (err == NULL)
		printf("Retired priority %s (%s)\n", id, path);
	free(path);
	return err;
}

/* id first: the file name gives it. */
static const char *const priority_keys[] = { "id", "title", "year",
	"status", NULL };

static void
priority_json(struct coach_json *j, const char *id,
    const struct coach_record *rec)
{
	const struct coach_fm *fm = coach_record_fm_const(rec);
	coach_json_obj_begin(j);
	coach_json_key(j, "id");
	coach_json_str(j, id);
	for (size_t i = 1; priority_keys[i]; i++) {
		const struct coach_fm_node *n = coach_fm_get(fm,
		    priority_keys[i]);
		coach_json_key(j, priority_keys[i]);
		if (n)
			coach_json_fm_node(j, n);
		else if (strcmp(priority_keys[i], "status") == 0)
			coach_json_str(j, "active");
		else
			coach_json_null(j);
	}
	coach_json_fm_members(j, fm, priority_keys);
	coach_json_obj_end(j);
}

static struct coach_error *
priority_list(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_loaded_list l = { 0 };
	struct coach_table t = COACH_TABLE_INIT(4);
	struct coach_buf out = COACH_BUF_INIT;
	struct coach_json j;
	size_t hidden = 0, rows = 0;
	int json = 0, all = coach_opt_given(ctx, "all") > 0;
	const char *format = coach_opt_value(ctx, "format");
	struct coach_error *err;

	if (format && (err = coach_format_arg(ctx, format, &json)))
		return err;
	if ((err = coach_load_all(ctx->repo, COACH_KIND_PRIORITY, NULL, NULL,
	    &l)))
		return err;

	coach_json_init(&j, &out, 1);
	coach_json_arr_begin(&j);
	coach_table_add(&t, "ID");
	coach_table_add(&t, "TITLE");
	coach_table_add(&t, "YEAR");
	coach_table_add(&t, "STATUS");
	for (size_t i = 0; i < l.n; i++) {
		const struct coach_record *rec = l.v[i].rec;
		if (!all && is_retired(rec)) {
			hidden++;
		} else if (json) {
			priority_json(&j, l.v[i].id, rec);
		} else {
			const char *st = coach_record_str(rec, "status");
			coach_table_add(&t, l.v[i].id);
			coach_table_add(&t, coach_record_str(rec, "title"));
			coach_table_add(&t, coach_record_str(rec, "year"));
			coach_table_add(&t, st ? st : "active");
			rows++;
		}
	}
	coach_json_arr_end(&j);

	if (json) {
		coach_out(out.ptr, out.len);
	} else if (rows > 0) {
		coach_pager_start(ctx);
		coach_table_print(ctx, &t);
	} else if (hidden == 0 && l.broken == 0) {
		coach_list_empty("No priorities yet; add one with: coach "
		    "priority add ID TITLE");
	}
	if (!json && hidden > 0)
		coach_list_empty("%s(%zu retired; see them with --all)%s",
		    coach_sgr_dim(ctx), hidden, coach_sgr_reset(ctx));
	if (l.broken)
		err = coach_broken_error(l.broken, "priority");
	coach_buf_free(&out);
	coach_table_free(&t);
	coach_loaded_list_free(&l);
	return err;
}

static const struct coach_opt priority_add_opts[] = {
	{ "year", 0, COACH_OPT_VALUE, "YYYY-YY", "the school year it is for "
	    "(default this one)" },
	{ 0 },
};

static const struct coach_opt priority_list_opts[] = {
	{ "all", 0, 0, NULL, "retired priorities too" },
	{ "format", 0, COACH_OPT_VALUE, "text|json", "text for people "
	    "(default) or JSON for programs" },
	{ 0 },
};

static const struct coach_form priority_forms[] = {
	{ .name = "add", .usage = "ID TITLE [--year YYYY-YY]",
	  .opts = priority_add_opts, .min = 2, .max = 2,
	  .need = "an ID and a TITLE",
	  .extra = "add takes one ID and one TITLE; quote a title with spaces",
	  .exec = priority_add },
	{ .name = "list", .usage = "[--all] [--format json]",
	  .opts = priority_list_opts, .exec = priority_list },
	{ .name = "retire", .usage = "ID", .min = 1, .max = 1,
	  .need = "one ID", .exec = priority_retire },
	{ 0 },
};

/* "coach priority [--all] [--format json]" lists. */
const struct coach_cmd coach_cmd_priority = {
	.name = "priority",
	.summary = "school development priorities: add, list, retire",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = priority_forms,
	.dflt = "list",
};
