/*
 * goal.c: coach goal add|list|show|status|measure: the goals a coachee
 * owns, in coaching/<coachee>/goals/<id>.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "../lib/ids.h"
#include "../lib/markdown.h"
#include "../lib/schema.h"

static struct coach_error *
check_goal_status(const char *what, const char *s)
{
	if (coach_str_in(coach_goal_statuses, s))
		return NULL;
	return coach_error_new(COACH_FAIL, "%s: '%s' is not a goal status; "
	    "use active, achieved, paused or dropped", what, s);
}

/*
 * A reference to a school-wide record (priority or framework strategy)
 * must name a record that exists.
 */
static struct coach_error *
check_reference(struct coach_repo *r, const char *what, const char *id,
	char *(*path_of)(const char *), const char *add_hint)
{
	struct coach_error *err = coach_handle_check(what, id);
	if (err)
		return err;
	char *path = path_of(id);
	int ok = coach_repo_exists(r, path);
	if (!ok)
		err = coach_error_new(COACH_FAIL, "%s '%s' not found (no %s); "
		    "%s", what, id, path, add_hint);
	free(path);
	return err;
}

/* ---- goal add ---- */

/* Whether s is the handle of a member of staff. */
static int
is_staff(struct coach_repo *r, const char *s)
{
	struct coach_error *err = coach_handle_check("handle", s);
	if (err) {
		coach_error_free(err);
		return 0;
	}
	char *path = coach_path_staff(s);
	int found = coach_repo_exists(r, path);
	free(path);
	return found;
}

struct measure_args {
	const char *name, *unit, *baseline, *target;
};

static struct coach_error *
check_measure(struct measure_args *m, char **base_norm, char **target_norm)
{
	double base, target;
	struct coach_error *err;
	if (coach_is_blank(m->name, strlen(m->name)))
		return coach_error_new(COACH_FAIL, "--measure: give the measure "
		    "a name, e.g. --measure \"pupils answering in full "
		    "sentences\"");
	if (strchr(m->name, '\n') || (m->unit && strchr(m->unit, '\n')))
		return coach_error_new(COACH_FAIL, "--measure and --unit are "
		    "one line each");
	if ((err = coach_number_arg("--baseline", m->baseline, base_norm,
	    &base)))
		return err;
	if ((err = coach_number_arg("--target", m->target, target_norm,
	    &target)))
		return err;
	const char *why = coach_schema_measure_problem(base, target);
	if (why)
		return coach_error_coded(COACH_E_INVALID, "--baseline and "
		    "--target are both %s: %s", *base_norm, why);
	return NULL;
}

static struct coach_fmv *
measure_value(const struct measure_args *m, const char *base,
	const char *target)
{
	struct coach_fmv *v = coach_fmv_map();
	coach_fmv_put(v, "name", coach_fmv_str(m->name));
	if (m->unit)
		coach_fmv_put(v, "unit", coach_fmv_str(m->unit));
	coach_fmv_put(v, "baseline", coach_fmv_plain(base));
	coach_fmv_put(v, "target", coach_fmv_plain(target));
	return v;
}

static struct coach_error *
goal_add(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_error *err = NULL;
	struct coach_strlist strategies = COACH_STRLIST_INIT;
	struct measure_args m = { 0 };
	const char *priority = NULL, *due_arg = NULL, *date_arg = NULL, *title;
	char *coachee = NULL, *base = NULL, *target = NULL;
	char due[11], today[11], id[COACH_ID_LEN + 1];
	struct coach_record *rec = NULL;
	coach_day day;
	const struct coach_strlist *given = coach_opt_values(ctx,
	    "strategy");

	priority = coach_opt_value(ctx, "priority");
	for (size_t i = 0; i < given->n; i++)
		if (!coach_strlist_has(&strategies, given->v[i]))
			coach_strlist_add(&strategies, given->v[i]);
	m.name = coach_opt_value(ctx, "measure");
	m.baseline = coach_opt_value(ctx, "baseline");
	m.target = coach_opt_value(ctx, "target");
	m.unit = coach_opt_value(ctx, "unit");
	due_arg = coach_opt_value(ctx, "due");
	date_arg = coach_opt_value(ctx, "date");
	int npos = argc - 1;
	if (m.name == NULL && (m.baseline || m.target || m.unit)) {
		err = coach_usage(ctx, "--baseline, --target and --unit "
		    "describe a --measure NAME: add one");
		goto done;
	}
	if (m.name && (m.baseline == NULL || m.target == NULL)) {
		err = coach_usage(ctx, "--measure needs --baseline N and "
		    "--target N (where the measure is now and where it should "
		    "get to)");
		goto done;
	}
	title = argv[argc - 1];
	if (npos == 1 && is_staff(ctx->repo, title)) {
		/* "coach goal add bob" is far likelier a forgotten title than
		 * a goal called "bob". */
		err = coach_usage(ctx, "add needs a TITLE after the coachee "
		    "'%s'", title);
		goto done;
	}

	err = coach_repo_coachee(ctx->repo, npos == 2 ? argv[1] : NULL,
	    &coachee);
	if (err)
		goto done;
	if (coach_is_blank(title, strlen(title))) {
		err = coach_error_new(COACH_FAIL, "TITLE is empty: say in a "
		    "few words what the goal is");
		goto done;
	}
	if (strchr(title, '\n')) {
		err = coach_error_new(COACH_FAIL, "TITLE is one line; write "
		    "the details in the goal's body with 'coach edit'");
		goto done;
	}
	if (priority && (err = check_reference(ctx->repo, "priority",
	    priority, coach_path_priority, "see 'coach priority list', or "
	    "add it with 'coach priority add ID TITLE'")))
		goto done;
	for (size_t i = 0; i < strategies.n; i++)
		if ((err = check_reference(ctx->repo, "strategy",
		    strategies.v[i], coach_path_framework, "see 'coach "
		    "framework list', or add it with 'coach framework add ID "
		    "TITLE'")))
			goto done;
	if (m.name && (err = check_measure(&m, &base, &target)))
		goto done;
	if (due_arg && (err = coach_date_text_arg("--due", due_arg, due,
	    &day)))
		goto done;
	/* The day the work started, when it is recorded later. */
	if ((err = coach_date_past_arg("--date", date_arg ? date_arg :
	    "today", today, &day)))
		goto done;

	rec = coach_record_new();
	struct coach_fm *fm = coach_record_fm(rec);
	/* The id is allocated under the writer's lock; first in the file. */
	coach_fm_set(fm, "id", coach_fmv_str(""));
	coach_fm_set(fm, "title", coach_fmv_str(title));
	coach_fm_set(fm, "status", coach_fmv_plain("active"));
	coach_fm_set(fm, "opened", coach_fmv_plain(today));
	if (due_arg)
		coach_fm_set(fm, "due", coach_fmv_plain(due));
	if (priority)
		coach_fm_set(fm, "priority", coach_fmv_str(priority));
	if (strategies.n) {
		struct coach_fmv *seq = coach_fmv_seq();
		for (size_t i = 0; i < strategies.n; i++)
			coach_fmv_push(seq, coach_fmv_str(strategies.v[i]));
		coach_fm_set(fm, "strategies", seq);
	}
	if (m.name)
		coach_fm_set(fm, "measure", measure_value(&m, base, target));

	struct new_record nr = { rec, 'g', coachee, coach_path_goal, "goal add",
	    id };
	if ((err = coach_write(ctx->repo, coach_new_record_apply, &nr)))
		goto done;
	/* Like git: scripts get just the id. */
	if (isatty(STDOUT_FILENO))
		printf("goal %s%s%s added for %s\n", coach_sgr_bold(ctx), id,
		    coach_sgr_reset(ctx), coachee);
	else
		printf("%s\n", id);
done:
	coach_record_free(rec);
	coach_strlist_free(&strategies);
	free(coachee);
	free(base);
	free(target);
	return err;
}

/* ---- goal list ---- */

static const char *
status_color(const struct coach_ctx *ctx, const char *status)
{
	if (status == NULL)
		return "";
	if (strcmp(status, "active") == 0)
		return coach_sgr_green(ctx);
	if (strcmp(status, "achieved") == 0)
		return coach_sgr_blue(ctx);
	if (strcmp(status, "paused") == 0)
		return coach_sgr_yellow(ctx);
	return coach_sgr_dim(ctx);
}

/* "40%" or "-" into out. */
static void
progress_text(const struct coach_fm *fm, char out[16])
{
	double p;
	if (coach_goal_progress(fm, &p, NULL, NULL) == 0)
		snprintf(out, 16, "%ld%%", lround(p * 100));
	else
		snprintf(out, 16, "-");
}

/* "latest": {date, value} and "progress" (0 at the baseline, 1 at the
 * target), both null when the goal has no measurement yet. */
static void
json_progress(struct coach_json *j, const struct coach_fm *fm)
{
	double p;
	const char *date;
	const struct coach_fm_node *value;
	int measured = coach_goal_progress(fm, &p, &date, &value) == 0;
	coach_json_key(j, "latest");
	if (measured) {
		coach_json_obj_begin(j);
		coach_json_key(j, "date");
		coach_json_str(j, date);
		coach_json_key(j, "value");
		coach_json_fm_node(j, value);
		coach_json_obj_end(j);
	} else {
		coach_json_null(j);
	}
	coach_json_key(j, "progress");
	if (measured)
		coach_json_num(j, round(p * 1000) / 1000);
	else
		coach_json_null(j);
}

static void
goal_json(struct coach_json *j, const struct coach_loaded *g)
{
	const struct coach_fm *fm = coach_record_fm_const(g->rec);
	coach_json_obj_begin(j);
	coach_json_key(j, "id");
	coach_json_str(j, g->id);
	coach_json_key(j, "coachee");
	coach_json_str(j, g->coachee);
	static const char *const keys[] = { "status", "title", "opened",
	    "due", "closed", "priority", "strategies", "measure", NULL };
	for (size_t i = 0; keys[i]; i++) {
		coach_json_key(j, keys[i]);
		coach_json_fm_key(j, fm, keys[i]);
	}
	json_progress(j, fm);
	coach_json_key(j, "path");
	coach_json_str(j, g->path);
	coach_json_obj_end(j);
}

static void
goal_list_text(struct coach_ctx *ctx, struct coach_loaded **rows, size_t n,
	int all)
{
	/* At least as wide as the headers. */
	size_t wc = 7, wt = 5, ws = 6, wi = COACH_ID_ABBREV;
	for (size_t i = 0; i < n; i++) {
		size_t w = strlen(coach_repo_abbrev(ctx->repo, rows[i]->id));
		if (w > wi)
			wi = w;
		const char *t = coach_dash(coach_record_str(rows[i]->rec, "title"));
		const char *s = coach_dash(coach_record_str(rows[i]->rec, "status"));
		if (coach_text_width(t) > wt)
			wt = coach_text_width(t);
		if (coach_text_width(s) > ws)
			ws = coach_text_width(s);
		if (coach_text_width(rows[i]->coachee) > wc)
			wc = coach_text_width(rows[i]->coachee);
	}
	/* On a terminal, titles give way so that each goal is one line:
	 * id, status, progress (8) and due (10) take the rest. */
	int cols = coach_term_width();
	if (cols > 0) {
		long room = cols - (long)(wi + 2 + ws + 2 + 2 + 8 +
		    2 + 10) - (all ? (long)wc + 2 : 0);
		if (room < 12)
			room = 12;
		if ((size_t)room < wt)
			wt = (size_t)room;
	}
	fputs(coach_sgr_bold(ctx), stdout);
	if (all) {
		coach_put_padded("COACHEE", wc);
		fputs("  ", stdout);
	}
	coach_put_padded("ID", wi);
	fputs("  ", stdout);
	coach_put_padded("STATUS", ws);
	fputs("  ", stdout);
	coach_put_padded("TITLE", wt);
	printf("  PROGRESS  DUE%s\n", coach_sgr_reset(ctx));
	for (size_t i = 0; i < n; i++) {
		const struct coach_record *g = rows[i]->rec;
		const char *status = coach_dash(coach_record_str(g, "status"));
		char prog[16];
		progress_text(coach_record_fm_const(g), prog);
		char *title = coach_text_cut(coach_dash(coach_record_str(g,
		    "title")), wt);
		if (all) {
			coach_put_padded(rows[i]->coachee, wc);
			fputs("  ", stdout);
		}
		fputs(coach_sgr_yellow(ctx), stdout);
		coach_put_padded(coach_repo_abbrev(ctx->repo, rows[i]->id), wi);
		printf("%s  %s", coach_sgr_reset(ctx), status_color(ctx, status));
		coach_put_padded(status, ws);
		printf("%s  ", coach_sgr_reset(ctx));
		coach_put_padded(title, wt);
		printf("  %-8s  %s\n", prog, coach_dash(coach_record_str(g, "due")));
		free(title);
	}
}

static struct coach_error *
goal_list(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_error *err = NULL;
	struct coach_loaded_list goals = { 0 };
	struct coach_loaded **rows = NULL;
	const char *status = NULL;
	char *coachee = NULL;
	int all = coach_opt_given(ctx, "all") > 0, json = 0;
	const char *format = coach_opt_value(ctx, "format");

	status = coach_opt_value(ctx, "status");
	if (format && (err = coach_format_arg(ctx, format, &json)))
		goto done;
	if (all && argc > 1) {
		err = coach_usage(ctx, "--all lists every coachee's goals: "
		    "leave out COACHEE");
		goto done;
	}
	if (status && strcmp(status, "any") != 0 &&
	    (err = check_goal_status("--status", status)))
		goto done;
	/* One coachee's goals: the active ones unless asked; --all: every
	 * goal of every coachee. */
	if (status == NULL)
		status = all ? "any" : "active";
	if (!all && (err = coach_repo_coachee(ctx->repo,
	    argc > 1 ? argv[1] : NULL, &coachee)))
		goto done;
	if ((err = coach_load_all(ctx->repo, COACH_KIND_GOAL, coachee,
	    "opened", &goals)))
		goto done;

	rows = coach_xcalloc(goals.n + 1, sizeof(*rows));
	size_t n = 0;
	for (size_t i = 0; i < goals.n; i++) {
		const char *s = coach_record_str(goals.v[i].rec, "status");
		if (strcmp(status, "any") == 0 || (s && strcmp(s, status) == 0))
			rows[n++] = &goals.v[i];
	}
	/* --all: by person, then (as loaded) by the day opened. */
	if (all)
		coach_rows_by_coachee(rows, n);
	if (json) {
		coach_json_rows(rows, n, goal_json);
	} else if (n == 0) {
		coach_list_empty("no %s%sgoals%s%s; add one with 'coach goal "
		    "add %s%sTITLE'", strcmp(status, "any") ? status : "",
		    strcmp(status, "any") ? " " : "", coachee ? " for " : "",
		    coachee ? coachee : "", coachee ? coachee : "COACHEE",
		    " ");
	} else {
		goal_list_text(ctx, rows, n, all);
	}
done:
	free(rows);
	coach_loaded_list_free(&goals);
	free(coachee);
	return err;
}

/* ---- goal show ---- */

/* "id: title" of a priority or strategy, or a note that it is missing. */
static char *
reference_text(struct coach_repo *r, const char *id,
	char *(*path_of)(const char *))
{
	char *path = path_of(id);
	struct coach_record *ref = NULL;
	char *s;
	struct coach_error *err = coach_repo_exists(r, path) ?
	    coach_repo_load(r, path, &ref) : coach_error_new(COACH_FAIL, "x");
	if (err) {
		s = coach_xasprintf("%s (no %s: see 'coach check')", id, path);
		coach_error_free(err);
	} else {
		const char *t = coach_record_str(ref, "title");
		s = t ? coach_xasprintf("%s: %s", id, t) : coach_xstrdup(id);
	}
	coach_record_free(ref);
	free(path);
	return s;
}

/* Keys goal show lays out itself; any other key is listed as it is. */
static const char *const goal_keys_shown[] = {
	"id", "title", "status", "opened", "due", "closed", "priority",
	"strategies", "measure", "measurements", NULL,
};

static void
show_label(const struct coach_ctx *ctx, const char *label)
{
	printf("%s%-11s%s ", coach_sgr_bold(ctx), label, coach_sgr_reset(ctx));
}

static void
show_measure(const struct coach_ctx *ctx, const struct coach_fm *fm)
{
	const struct coach_fm_node *m = coach_fm_get(fm, "measure");
	if (m && coach_fm_node_type(m) == COACH_FM_MAP) {
		const struct coach_fm_node *n = coach_fm_node_lookup(m, "name");
		const struct coach_fm_node *u = coach_fm_node_lookup(m, "unit");
		const struct coach_fm_node *b = coach_fm_node_lookup(m,
		    "baseline");
		const struct coach_fm_node *t = coach_fm_node_lookup(m,
		    "target");
		const char *us = u ? coach_fm_node_str(u) : NULL;
		show_label(ctx, "measure");
		printf("%s", n && coach_fm_node_str(n) ?
		    coach_fm_node_str(n) : "(no name)");
		if (us && *us)
			printf(" (%s)", us);
		printf(": %s → %s\n",
		    b && coach_fm_node_str(b) ? coach_fm_node_str(b) : "?",
		    t && coach_fm_node_str(t) ? coach_fm_node_str(t) : "?");
	}
	double p;
	const char *ld;
	const struct coach_fm_node *lv;
	if (coach_goal_progress(fm, &p, &ld, &lv) == 0) {
		show_label(ctx, "progress");
		printf("%ld%% of the way (%s on %s)\n", lround(p * 100),
		    coach_fm_node_str(lv), ld);
	}
	const struct coach_fm_node *ms = coach_fm_get(fm, "measurements");
	if (ms == NULL || coach_fm_node_type(ms) != COACH_FM_SEQ)
		return;
	show_label(ctx, "measured");
	for (size_t i = 0; i < coach_fm_node_len(ms); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(ms, i);
		const struct coach_fm_node *d = coach_fm_node_lookup(it, "date");
		const struct coach_fm_node *v = coach_fm_node_lookup(it,
		    "value");
		printf("%s%s  %s\n", i ? "            " : "",
		    d && coach_fm_node_str(d) ? coach_fm_node_str(d) : "?",
		    v && coach_fm_node_str(v) ? coach_fm_node_str(v) : "?");
	}
	if (coach_fm_node_len(ms) == 0)
		printf("-\n");
}

static void
show_cycles_text(struct coach_ctx *ctx, struct coach_loaded **cy,
	size_t n)
{
	if (n == 0)
		return;
	int cols = coach_term_width();
	printf("\n%scycles%s\n", coach_sgr_bold(ctx), coach_sgr_reset(ctx));
	for (size_t i = 0; i < n; i++) {
		const struct coach_record *c = cy[i]->rec;
		printf("  %s%s%s  %-10s  started %s", coach_sgr_yellow(ctx),
		    coach_repo_abbrev(ctx->repo, cy[i]->id), coach_sgr_reset(ctx),
		    coach_dash(coach_record_str(c, "phase")),
		    coach_dash(coach_record_str(c, "started")));
		if (!coach_cycle_open(c))
			printf("  closed %s  %s", coach_record_str(c, "closed"),
			    coach_dash(coach_record_str(c, "outcome")));
		else if (coach_record_str(c, "review"))
			printf("  review %s%s%s%s", coach_cycle_overdue(c) ?
			    coach_sgr_red(ctx) : "",
			    coach_record_str(c, "review"),
			    coach_cycle_overdue(c) ? " (overdue)" : "",
			    coach_sgr_reset(ctx));
		char *step = coach_text_cut(coach_dash(coach_record_str(c, "step")),
		    cols > 20 ? (size_t)cols - 11 : 0);
		printf("\n           %s\n", step);
		free(step);
	}
}

/* Keys of the front-matter not laid out above, as compact JSON or text. */
static void
show_other_keys(const struct coach_ctx *ctx, const struct coach_fm *fm)
{
	for (size_t i = 0; i < coach_fm_count(fm); i++) {
		const char *k = coach_fm_key_at(fm, i);
		if (coach_str_in(goal_keys_shown, k))
			continue;
		const struct coach_fm_node *n = coach_fm_get(fm, k);
		show_label(ctx, k);
		if (coach_fm_node_type(n) == COACH_FM_SCALAR) {
			printf("%s\n", coach_fm_node_str(n));
		} else {
			struct coach_buf b = COACH_BUF_INIT;
			struct coach_json j;
			coach_json_init(&j, &b, 0);
			coach_json_fm_node(&j, n);
			printf("%s\n", coach_buf_str(&b));
			coach_buf_free(&b);
		}
	}
}

static void
show_body(const struct coach_ctx *ctx, const char *body)
{
	if (coach_is_blank(body, strlen(body)))
		return;
	struct coach_buf b = COACH_BUF_INIT;
	int cols = coach_term_width();
	putchar('\n');
	struct coach_error *err = coach_md_terminal(&b, body, strlen(body),
	    cols > 0 ? cols : 0, ctx->color);
	if (err) {
		/* Too big or unreadable for the renderer: show it as is. */
		coach_error_free(err);
		fputs(body, stdout);
	} else {
		coach_sgr_own(&b, 0);
		coach_out(b.ptr, b.len);
	}
	coach_buf_free(&b);
}

static void
goal_show_text(struct coach_ctx *ctx, const struct coach_loaded *g,
	struct coach_loaded **cy, size_t ncy)
{
	const struct coach_fm *fm = coach_record_fm_const(g->rec);
	const char *status = coach_record_str(g->rec, "status");
	printf("%sgoal %s%s  %s%s%s\n", coach_sgr_yellow(ctx), g->id,
	    coach_sgr_reset(ctx), coach_sgr_bold(ctx),
	    coach_dash(coach_record_str(g->rec, "title")), coach_sgr_reset(ctx));
	show_label(ctx, "coachee");
	printf("%s\n", g->coachee);
	show_label(ctx, "status");
	printf("%s%s%s\n", status_color(ctx, status), coach_dash(status),
	    coach_sgr_reset(ctx));
	static const char *const dates[] = { "opened", "due", "closed", NULL };
	for (size_t i = 0; dates[i]; i++) {
		if (coach_record_str(g->rec, dates[i]) == NULL)
			continue;
		show_label(ctx, dates[i]);
		printf("%s\n", coach_record_str(g->rec, dates[i]));
	}
	const char *prio = coach_record_str(g->rec, "priority");
	if (prio) {
		char *t = reference_text(ctx->repo, prio, coach_path_priority);
		show_label(ctx, "priority");
		printf("%s\n", t);
		free(t);
	}
	const struct coach_fm_node *st = coach_fm_get(fm, "strategies");
	for (size_t i = 0; st && i < coach_fm_node_len(st); i++) {
		const char *s = coach_fm_node_str(coach_fm_node_item(st, i));
		if (s == NULL)
			continue;
		char *t = reference_text(ctx->repo, s, coach_path_framework);
		if (i == 0)
			show_label(ctx, "strategies");
		else
			fputs("            ", stdout);
		printf("%s\n", t);
		free(t);
	}
	show_measure(ctx, fm);
	show_other_keys(ctx, fm);
	show_cycles_text(ctx, cy, ncy);
	show_body(ctx, coach_record_body(g->rec));
}

static void
cycle_json_brief(struct coach_json *j, const struct coach_loaded *c)
{
	const struct coach_fm *fm = coach_record_fm_const(c->rec);
	coach_json_obj_begin(j);
	coach_json_key(j, "id");
	coach_json_str(j, c->id);
	coach_json_key(j, "coachee");
	coach_json_str(j, c->coachee);
	static const char *const keys[] = { "step", "phase", "started",
	    "review", "closed", "outcome", "next", NULL };
	for (size_t i = 0; keys[i]; i++) {
		coach_json_key(j, keys[i]);
		coach_json_fm_key(j, fm, keys[i]);
	}
	coach_json_key(j, "overdue");
	coach_json_bool(j, coach_cycle_overdue(c->rec));
	coach_json_key(j, "path");
	coach_json_str(j, c->path);
	coach_json_obj_end(j);
}

/* Keys goal show --format json adds itself; front-matter keys of the same
 * name are left out rather than written twice. */
static const char *const goal_json_extra[] = {
	"id", "coachee", "path", "latest", "progress", "cycles", "body", NULL,
};

static void
goal_show_json(const struct coach_loaded *g, struct coach_loaded **cy,
	size_t ncy)
{
	const struct coach_fm *fm = coach_record_fm_const(g->rec);
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_json j;
	coach_json_init(&j, &b, 1);
	coach_json_obj_begin(&j);
	coach_json_key(&j, "id");
	coach_json_str(&j, g->id);
	coach_json_key(&j, "coachee");
	coach_json_str(&j, g->coachee);
	coach_json_key(&j, "path");
	coach_json_str(&j, g->path);
	coach_json_fm_members(&j, fm, goal_json_extra);
	json_progress(&j, fm);
	coach_json_key(&j, "cycles");
	coach_json_arr_begin(&j);
	for (size_t i = 0; i < ncy; i++)
		cycle_json_brief(&j, cy[i]);
	coach_json_arr_end(&j);
	coach_json_key(&j, "body");
	coach_json_str(&j, coach_record_body(g->rec));
	coach_json_obj_end(&j);
	coach_out(b.ptr, b.len);
	coach_buf_free(&b);
}

static struct coach_error *
goal_show(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_error *err = NULL;
	struct coach_loaded g = { 0 };
	struct coach_loaded_list cycles = { 0 };
	struct coach_loaded **mine = NULL;
	int json = 0;
	const char *format = coach_opt_value(ctx, "format");

	if (format && (err = coach_format_arg(ctx, format, &json)))
		goto done;
	if ((err = coach_load_by_id(ctx->repo, argv[1], COACH_KIND_GOAL,
	    &g)))
		goto done;
	/* Cycles on this goal, wherever they are filed. */
	if ((err = coach_load_all(ctx->repo, COACH_KIND_CYCLE, NULL, "started",
	    &cycles)))
		goto done;
	mine = coach_xcalloc(cycles.n + 1, sizeof(*mine));
	size_t n = 0;
	for (size_t i = 0; i < cycles.n; i++) {
		const char *gid = coach_record_str(cycles.v[i].rec, "goal");
		if (gid && strcmp(gid, g.id) == 0)
			mine[n++] = &cycles.v[i];
	}
	if (json) {
		goal_show_json(&g, mine, n);
	} else {
		coach_pager_start(ctx);
		goal_show_text(ctx, &g, mine, n);
	}
done:
	free(mine);
	coach_loaded_list_free(&cycles);
	coach_loaded_free(&g);
	return err;
}

/* ---- goal status ---- */

/* A goal that stops being active may still have an open cycle: say so,
 * since every cycle should end with what will be tried next. */
static void
note_open_cycles(struct coach_repo *r, const char *coachee, const char *id)
{
	struct coach_loaded_list cycles = { 0 };
	struct coach_error *err = coach_load_all(r, COACH_KIND_CYCLE, coachee,
	    "started", &cycles);
	coach_error_free(err);
	for (size_t i = 0; i < cycles.n; i++) {
		const char *g = coach_record_str(cycles.v[i].rec, "goal");
		if (g && strcmp(g, id) == 0 && coach_cycle_open(cycles.v[i].rec))
			printf("cycle %s on this goal is still open: close it "
			    "with 'coach cycle close %s --outcome "
			    "met|partly|not-yet -m NEXT'\n", cycles.v[i].id,
			    cycles.v[i].id);
	}
	coach_loaded_list_free(&cycles);
}

static int
is_closing(const char *status)
{
	return strcmp(status, "achieved") == 0 ||
	    strcmp(status, "dropped") == 0;
}

/* A goal's new status, applied under the writer's lock. */
struct status_change {
	const char *prefix, *status;
	char date[11];
	coach_day day;
	struct coach_loaded g; /* the goal as changed */
	char *old;             /* its status before */
};

static struct coach_error *
status_apply(struct coach_change *ch, void *arg)
{
	struct status_change *a = arg;
	struct coach_error *err;
	coach_day opened;

	if ((err = coach_load_by_id(coach_change_repo(ch), a->prefix,
	    COACH_KIND_GOAL, &a->g)))
		return err;
	/* A copy: setting the key frees the parsed value. */
	a->old = coach_record_str(a->g.rec, "status") ?
	    coach_xstrdup(coach_record_str(a->g.rec, "status")) : NULL;
	if (a->old && strcmp(a->old, a->status) == 0)
		return coach_error_new(COACH_FAIL, "goal %s is already %s",
		    a->g.id, a->status);
	if (is_closing(a->status) && coach_date_parse(coach_record_str(
	    a->g.rec, "opened"), &opened) == 0 && a->day < opened)
		return coach_error_new(COACH_FAIL, "--date: %s is before the "
		    "goal was opened (%s)", a->date,
		    coach_record_str(a->g.rec, "opened"));
	struct coach_fm *fm = coach_record_fm(a->g.rec);
	coach_fm_set(fm, "status", coach_fmv_plain(a->status));
	if (is_closing(a->status))
		coach_fm_set(fm, "closed", coach_fmv_plain(a->date));
	else
		coach_fm_remove(fm, "closed");
	coach_change_save(ch, a->g.path, a->g.rec);
	coach_change_message(ch, "goal status: %s %s %s", a->g.coachee,
	    a->g.id, a->status);
	return NULL;
}

static struct coach_error *
goal_status(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_error *err = NULL;
	struct status_change a = { 0 };
	const char *date_arg = NULL, *status;

	date_arg = coach_opt_value(ctx, "date");
	status = argv[2];
	if ((err = check_goal_status("STATUS", status)))
		goto done;
	if (date_arg && !is_closing(status)) {
		err = coach_usage(ctx, "--date is the day a goal was achieved "
		    "or dropped; %s goals have no such date", status);
		goto done;
	}
	if ((err = coach_date_past_arg("--date", date_arg ? date_arg :
	    "today", a.date, &a.day)))
		goto done;
	a.prefix = argv[1];
	a.status = status;
	if ((err = coach_write(ctx->repo, status_apply, &a)))
		goto done;
	printf("goal %s: %s → %s%s%s\n", a.g.id, a.old ? a.old :
	    "(no status)", status, is_closing(status) ? " on " : "",
	    is_closing(status) ? a.date : "");
	if (strcmp(status, "active") != 0)
		note_open_cycles(ctx->repo, a.g.coachee, a.g.id);
done:
	coach_loaded_free(&a.g);
	free(a.old);
	return err;
}

/* ---- goal measure ---- */

/* A measurement, added under the writer's lock. */
struct measure_change {
	const char *prefix, *value;
	char date[11];
	struct coach_loaded g;
	double base, target;
	const char *base_text, *target_text; /* owned by g */
};

static struct coach_error *
measure_apply(struct coach_change *ch, void *arg)
{
	struct measure_change *a = arg;
	struct coach_error *err;

	if ((err = coach_load_by_id(coach_change_repo(ch), a->prefix,
	    COACH_KIND_GOAL, &a->g)))
		return err;
	const struct coach_fm *cfm = coach_record_fm_const(a->g.rec);
	const struct coach_fm_node *m = coach_fm_get(cfm, "measure");
	const struct coach_fm_node *b = m ? coach_fm_node_lookup(m,
	    "baseline") : NULL;
	const struct coach_fm_node *t = m ? coach_fm_node_lookup(m,
	    "target") : NULL;
	if (b == NULL || t == NULL || coach_fm_node_number(b, &a->base) ||
	    coach_fm_node_number(t, &a->target))
		return coach_error_new(COACH_FAIL, "goal %s has no measure "
		    "with a numeric baseline and target (%s); add one with "
		    "'coach edit %s', e.g.\n"
		    "  measure:\n"
		    "    name: pupils answering in full sentences\n"
		    "    unit: '%%'\n"
		    "    baseline: 20\n"
		    "    target: 80", a->g.id, a->g.path, a->g.id);
	a->base_text = coach_fm_node_str(b);
	a->target_text = coach_fm_node_str(t);
	struct coach_fmv *item = coach_fmv_map();
	coach_fmv_put(item, "date", coach_fmv_plain(a->date));
	coach_fmv_put(item, "value", coach_fmv_plain(a->value));
	if ((err = coach_fm_append(coach_record_fm(a->g.rec), "measurements",
	    item)))
		return coach_error_prefix(err, "%s", a->g.path);
	coach_change_save(ch, a->g.path, a->g.rec);
	coach_change_message(ch, "goal measure: %s %s %s", a->g.coachee,
	    a->g.id, a->value);
	return NULL;
}

static struct coach_error *
goal_measure(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_error *err = NULL;
	struct measure_change a = { 0 };
	char *value = NULL;
	const char *date_arg = "today";
	coach_day day;
	double v;

	if (coach_opt_value(ctx, "date"))
		date_arg = coach_opt_value(ctx, "date");
	if ((err = coach_number_arg("VALUE", argv[2], &value, &v)))
		goto done;
	if ((err = coach_date_past_arg("--date", date_arg, a.date, &day)))
		goto done;
	a.prefix = argv[1];
	a.value = value;
	if ((err = coach_write(ctx->repo, measure_apply, &a)))
		goto done;
	printf("goal %s: %s on %s", a.g.id, value, a.date);
	if (a.base != a.target)
		printf(" (%ld%% of the way from %s to %s)",
		    lround((v - a.base) / (a.target - a.base) * 100),
		    a.base_text, a.target_text);
	putchar('\n');
done:
	coach_loaded_free(&a.g);
	free(value);
	return err;
}

/* ---- the table ---- */

static const struct coach_opt goal_add_opts[] = {
	{ "priority", 0, COACH_OPT_VALUE, "ID", "the school priority it "
	    "serves" },
	{ "strategy", 0, COACH_OPT_VALUE | COACH_OPT_REPEAT, "ID", "a "
	    "framework strategy it uses" },
	{ "measure", 0, COACH_OPT_VALUE, "NAME", "what is measured to see "
	    "progress" },
	{ "baseline", 0, COACH_OPT_VALUE, "N", "where the measure is now" },
	{ "target", 0, COACH_OPT_VALUE, "N", "where it should get to" },
	{ "unit", 0, COACH_OPT_VALUE, "U", "the measure's unit, e.g. %" },
	{ "due", 0, COACH_OPT_VALUE, "DATE", "when it should be reached" },
	{ "date", 0, COACH_OPT_VALUE, "DATE", "the day it was opened "
	    "(default today)" },
	{ 0 },
};

static const struct coach_opt goal_list_opts[] = {
	{ "status", 0, COACH_OPT_VALUE, "STATUS|any", "goals of this status "
	    "(default active; with --all, any)" },
	{ "all", 0, 0, NULL, "every coachee's goals" },
	{ "format", 0, COACH_OPT_VALUE, "text|json", "text for people "
	    "(default) or JSON for programs" },
	{ 0 },
};

static const struct coach_opt goal_show_opts[] = {
	{ "format", 0, COACH_OPT_VALUE, "text|json", "text for people "
	    "(default) or JSON for programs" },
	{ 0 },
};

static const struct coach_opt goal_status_opts[] = {
	{ "date", 0, COACH_OPT_VALUE, "DATE", "the day it was achieved or "
	    "dropped (default today)" },
	{ 0 },
};

static const struct coach_opt goal_measure_opts[] = {
	{ "date", 0, COACH_OPT_VALUE, "DATE", "the day it was measured "
	    "(default today)" },
	{ 0 },
};

static const struct coach_form goal_forms[] = {
	{ .name = "add", .usage = "[COACHEE] TITLE [--priority ID] "
	    "[--strategy ID]... [--measure NAME --baseline N --target N "
	    "[--unit U]] [--due DATE] [--date DATE]",
	  .opts = goal_add_opts, .min = 1, .max = 2, .need = "a TITLE",
	  .extra = "add takes COACHEE and TITLE (quote a title of several "
	    "words)", .exec = goal_add },
	{ .name = "list", .usage = "[COACHEE | --all] [--status STATUS|any] "
	    "[--format text|json]",
	  .opts = goal_list_opts, .max = 1,
	  .extra = "list takes one COACHEE", .exec = goal_list },
	{ .name = "show", .usage = "ID [--format text|json]",
	  .opts = goal_show_opts, .min = 1, .max = 1, .need = "one goal ID",
	  .extra = "show takes one goal ID", .exec = goal_show },
	{ .name = "status", .usage = "ID active|achieved|paused|dropped "
	    "[--date DATE]",
	  .opts = goal_status_opts, .min = 2, .max = 2,
	  .need = "a goal ID and a STATUS (active, achieved, paused or "
	    "dropped)", .exec = goal_status },
	{ .name = "measure", .usage = "ID VALUE [--date DATE]",
	  .opts = goal_measure_opts, .min = 2, .max = 2,
	  .need = "a goal ID and a VALUE", .exec = goal_measure },
	{ 0 },
};

/* "coach goal" and "coach goal --all" list, like "git branch". */
const struct coach_cmd coach_cmd_goal = {
	.name = "goal",
	.summary = "set goals a coachee owns, review them, record progress",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = goal_forms,
	.dflt = "list",
	.noun = "goal",
};
