/*
 * cycle.c: coach cycle start|phase|close|list: coaching cycles on a goal,
 * each with one action step in the coachee's words, in
 * coaching/<coachee>/cycles/<id>.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "../lib/ids.h"

/* "plan, model, practise, apply or review" */
static char *
phase_names(const struct coach_strlist *phases)
{
	struct coach_buf b = COACH_BUF_INIT;
	for (size_t i = 0; i < phases->n; i++) {
		if (i > 0)
			coach_buf_puts(&b, i + 1 == phases->n ? " or " : ", ");
		coach_buf_puts(&b, phases->v[i]);
	}
	coach_buf_putc(&b, '\0');
	char *s = coach_xstrdup(b.ptr);
	coach_buf_free(&b);
	return s;
}

/* The open cycle on goal_id (other than none), or NULL. */
static const struct coach_loaded *
open_cycle_on(const struct coach_loaded_list *cycles, const char *goal_id)
{
	for (size_t i = 0; i < cycles->n; i++) {
		const char *g = coach_record_str(cycles->v[i].rec, "goal");
		if (g && strcmp(g, goal_id) == 0 &&
		    coach_cycle_open(cycles->v[i].rec))
			return &cycles->v[i];
	}
	return NULL;
}

/* ---- cycle start ---- */

static struct coach_error *
check_goal_for_cycle(struct coach_repo *r, const char *gid,
	const char *coachee, const struct coach_record *goal, int force)
{
	struct coach_loaded_list cycles = { 0 };
	struct coach_error *err;
	const char *status = coach_record_str(goal, "status");
	if (status == NULL || strcmp(status, "active") != 0)
		return coach_error_new(COACH_FAIL, "goal %s is %s: cycles are "
		    "for active goals (reopen it with 'coach goal status %s "
		    "active')", gid, status ? status : "without a status", gid);
	if (force)
		return NULL;
	if ((err = coach_load_all(r, COACH_KIND_CYCLE, coachee, "started",
	    &cycles)))
		return err;
	const struct coach_loaded *open = open_cycle_on(&cycles, gid);
	if (open)
		err = coach_error_new(COACH_FAIL, "goal %s already has an open "
		    "cycle, %s (started %s); close it first with 'coach cycle "
		    "close %s --outcome met|partly|not-yet', or start another "
		    "alongside it with --force", gid, open->id,
		    coach_record_str(open->rec, "started") ?
		    coach_record_str(open->rec, "started") : "?", open->id);
	coach_loaded_list_free(&cycles);
	return err;
}

/* A new cycle on a goal, both read under the writer's lock. */
struct start_change {
	const char *goal_prefix;
	int force;
	const char *started; /* the day it started, and as a day */
	coach_day sday;
	struct coach_loaded *goal;
	struct new_record nr;
};

static struct coach_error *
start_apply(struct coach_change *ch, void *arg)
{
	struct start_change *sc = arg;
	struct coach_repo *r = coach_change_repo(ch);
	struct coach_error *err;
	if ((err = coach_load_by_id(r, sc->goal_prefix, COACH_KIND_GOAL,
	    sc->goal)) ||
	    (err = check_goal_for_cycle(r, sc->goal->id, sc->goal->coachee,
	    sc->goal->rec, sc->force)))
		return err;
	coach_day opened;
	if (coach_date_parse(coach_record_str(sc->goal->rec, "opened"),
	    &opened) == 0 && sc->sday < opened)
		return coach_error_new(COACH_FAIL, "--date: %s is before goal "
		    "%s was opened (%s)", sc->started, sc->goal->id,
		    coach_record_str(sc->goal->rec, "opened"));
	coach_fm_set(coach_record_fm(sc->nr.rec), "goal",
	    coach_fmv_str(sc->goal->id));
	sc->nr.coachee = sc->goal->coachee;
	return coach_new_record_apply(ch, &sc->nr);
}

static struct coach_error *
cycle_start(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_error *err = NULL;
	struct coach_loaded goal = { 0 };
	struct coach_record *rec = NULL;
	const char *step = NULL, *review_arg = NULL, *date_arg = NULL;
	char today[11], review[11], id[COACH_ID_LEN + 1];
	coach_day rday, sday;
	int force = coach_opt_given(ctx, "force") > 0;

	step = coach_opt_value(ctx, "step");
	review_arg = coach_opt_value(ctx, "review");
	date_arg = coach_opt_value(ctx, "date");
	if (step == NULL) {
		err = coach_usage(ctx, "start needs --step TEXT: the action "
		    "step, in the coachee's words");
		goto done;
	}
	if (coach_is_blank(step, strlen(step))) {
		err = coach_error_new(COACH_FAIL, "--step is empty: write the "
		    "action step the coachee will practise");
		goto done;
	}
	/* The day the cycle started, when it is recorded later. */
	if ((err = coach_date_past_arg("--date", date_arg ? date_arg :
	    "today", today, &sday)))
		goto done;
	if (review_arg) {
		if ((err = coach_date_text_arg("--review", review_arg, review,
		    &rday)))
			goto done;
		if (rday < coach_date_today()) {
			err = coach_error_new(COACH_FAIL, "--review: %s is in "
			    "the past; give the date of the meeting that will "
			    "review this step", review);
			goto done;
		}
	}
	const struct coach_strlist *phases = coach_repo_phases(ctx->repo);
	if (phases == NULL || phases->n == 0) {
		err = coach_error_new(COACH_FAIL, "%s lists no cycle_phases; "
		    "add them or set cycle_model", COACH_CONFIG_FILE);
		goto done;
	}

	rec = coach_record_new();
	struct coach_fm *fm = coach_record_fm(rec);
	/* The id is allocated under the writer's lock; first in the file. */
	coach_fm_set(fm, "id", coach_fmv_str(""));
	coach_fm_set(fm, "goal", coach_fmv_str(""));
	coach_fm_set(fm, "step", coach_fmv_str(step));
	coach_fm_set(fm, "phase", coach_fmv_str(phases->v[0]));
	coach_fm_set(fm, "started", coach_fmv_plain(today));
	if (review_arg)
		coach_fm_set(fm, "review", coach_fmv_plain(review));

	struct start_change sc = { argv[1], force, today, sday, &goal,
	    { rec, 'c', NULL, coach_path_cycle, "cycle start", id } };
	if ((err = coach_write(ctx->repo, start_apply, &sc)))
		goto done;
	const char *gid = goal.id, *coachee = goal.coachee;
	if (isatty(STDOUT_FILENO))
		printf("cycle %s%s%s started on goal %s for %s (phase: %s)\n",
		    coach_sgr_bold(ctx), id, coach_sgr_reset(ctx), gid,
		    coachee, phases->v[0]);
	else
		printf("%s\n", id);
done:
	coach_loaded_free(&goal);
	coach_record_free(rec);
	return err;
}

/* ---- loading a cycle that is still open ---- */

static struct coach_error *
load_open_cycle(struct coach_repo *r, const char *prefix,
	struct coach_loaded *a)
{
	struct coach_error *err = coach_load_by_id(r, prefix, COACH_KIND_CYCLE,
	    a);
	if (err)
		return err;
	if (!coach_cycle_open(a->rec)) {
		const char *o = coach_record_str(a->rec, "outcome");
		return coach_error_new(COACH_FAIL, "cycle %s was closed on %s%s"
		    "%s; start a new one with 'coach cycle start %s --step "
		    "TEXT'", a->id, coach_record_str(a->rec, "closed"),
		    o ? ", outcome " : "", o ? o : "",
		    coach_record_str(a->rec, "goal") ?
		    coach_record_str(a->rec, "goal") : "GOAL-ID");
	}
	return NULL;
}

/* ---- cycle phase ---- */

/* A cycle's new phase or its close, applied under the writer's lock. */
struct cycle_change {
	const char *prefix;
	const char *phase;                 /* phase: the new phase */
	const char *outcome, *next;        /* close */
	char date[11];
	coach_day day;
	struct coach_loaded a;             /* the cycle as changed */
	char *old;                         /* phase: the phase before */
};

static struct coach_error *
phase_apply(struct coach_change *ch, void *arg)
{
	struct cycle_change *cc = arg;
	struct coach_error *err;
	if ((err = load_open_cycle(coach_change_repo(ch), cc->prefix, &cc->a)))
		return err;
	/* A copy: setting the key frees the parsed value. */
	cc->old = coach_record_str(cc->a.rec, "phase") ?
	    coach_xstrdup(coach_record_str(cc->a.rec, "phase")) : NULL;
	if (cc->old && strcmp(cc->old, cc->phase) == 0)
		return coach_error_new(COACH_FAIL, "cycle %s is already in "
		    "phase %s", cc->a.id, cc->phase);
	coach_fm_set(coach_record_fm(cc->a.rec), "phase",
	    coach_fmv_str(cc->phase));
	coach_change_save(ch, cc->a.path, cc->a.rec);
	coach_change_message(ch, "cycle phase: %s %s %s", cc->a.coachee,
	    cc->a.id, cc->phase);
	return NULL;
}

static struct coach_error *
cycle_phase(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_error *err = NULL;
	struct cycle_change cc = { 0 };
	char *names = NULL;

	const char *phase = argv[2];
	const struct coach_strlist *phases = coach_repo_phases(ctx->repo);
	if (!coach_strlist_has(phases, phase)) {
		names = phase_names(phases);
		const char *guess = coach_suggest(phase,
		    (const char *const *)phases->v, phases->n);
		err = coach_error_new(COACH_FAIL, "PHASE: '%s' is not a phase "
		    "of this school's cycle; %s%s%suse %s (%s: cycle_phases)",
		    phase, guess ? "did you mean '" : "", guess ? guess : "",
		    guess ? "'? Or " : "", names, COACH_CONFIG_FILE);
		goto done;
	}
	cc.prefix = argv[1];
	cc.phase = phase;
	if ((err = coach_write(ctx->repo, phase_apply, &cc)))
		goto done;
	printf("cycle %s: %s → %s\n", cc.a.id, cc.old ? cc.old :
	    "(no phase)", phase);
done:
	coach_loaded_free(&cc.a);
	free(names);
	free(cc.old);
	return err;
}

/* ---- cycle close ---- */

static struct coach_error *
close_apply(struct coach_change *ch, void *arg)
{
	struct cycle_change *cc = arg;
	struct coach_error *err;
	coach_day started;
	if ((err = load_open_cycle(coach_change_repo(ch), cc->prefix, &cc->a)))
		return err;
	if (coach_date_parse(coach_record_str(cc->a.rec, "started"),
	    &started) == 0 && cc->day < started)
		return coach_error_new(COACH_FAIL, "--date: %s is before cycle "
		    "%s started (%s)", cc->date, cc->a.id,
		    coach_record_str(cc->a.rec, "started"));
	struct coach_fm *fm = coach_record_fm(cc->a.rec);
	coach_fm_set(fm, "closed", coach_fmv_plain(cc->date));
	coach_fm_set(fm, "outcome", coach_fmv_str(cc->outcome));
	if (cc->next)
		coach_fm_set(fm, "next", coach_fmv_str(cc->next));
	coach_change_save(ch, cc->a.path, cc->a.rec);
	coach_change_message(ch, "cycle close: %s %s %s", cc->a.coachee,
	    cc->a.id, cc->outcome);
	return NULL;
}

static struct coach_error *
cycle_close(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_error *err = NULL;
	struct cycle_change cc = { 0 };
	const char *outcome = NULL, *next = NULL, *date_arg = "today";
	char date[11];
	coach_day day;

	outcome = coach_opt_value(ctx, "outcome");
	next = coach_opt_value(ctx, "message");
	if (coach_opt_value(ctx, "date"))
		date_arg = coach_opt_value(ctx, "date");
	if (outcome == NULL) {
		err = coach_usage(ctx, "close needs --outcome met, partly or "
		    "not-yet");
		goto done;
	}
	if (!coach_str_in(coach_cycle_outcomes, outcome)) {
		err = coach_error_new(COACH_FAIL, "--outcome: '%s' is not an "
		    "outcome; use met, partly or not-yet", outcome);
		goto done;
	}
	if (next && coach_is_blank(next, strlen(next))) {
		err = coach_error_new(COACH_FAIL, "-m is empty: say what will "
		    "be tried next, or leave -m out");
		goto done;
	}
	if ((err = coach_date_past_arg("--date", date_arg, date, &day)))
		goto done;
	cc.prefix = argv[1];
	cc.outcome = outcome;
	cc.next = next;
	memcpy(cc.date, date, sizeof(cc.date));
	cc.day = day;
	if ((err = coach_write(ctx->repo, close_apply, &cc)))
		goto done;
	printf("cycle %s closed on %s: %s\n", cc.a.id, date, outcome);
done:
	coach_loaded_free(&cc.a);
	return err;
}

/* ---- cycle list ---- */

static void
cycle_json(struct coach_json *j, const struct coach_loaded *c)
{
	const struct coach_fm *fm = coach_record_fm_const(c->rec);
	coach_json_obj_begin(j);
	coach_json_key(j, "id");
	coach_json_str(j, c->id);
	coach_json_key(j, "coachee");
	coach_json_str(j, c->coachee);
	static const char *const keys[] = { "goal", "step", "phase",
	    "started", "review", "closed", "outcome", "next", NULL };
	for (size_t i = 0; keys[i]; i++) {
		coach_json_key(j, keys[i]);
		coach_json_fm_key(j, fm, keys[i]);
	}
	coach_json_key(j, "open");
	coach_json_bool(j, coach_cycle_open(c->rec));
	coach_json_key(j, "overdue");
	coach_json_bool(j, coach_cycle_overdue(c->rec));
	coach_json_key(j, "path");
	coach_json_str(j, c->path);
	coach_json_obj_end(j);
}

static void
cycle_list_text(struct coach_ctx *ctx, struct coach_loaded **rows, size_t n,
	int all)
{
	/* At least as wide as the headers; ids as short as they stay
	 * unique. */
	size_t wc = 7, wp = 5, wo = 7, wi = COACH_ID_ABBREV, wg = 4;
	for (size_t i = 0; i < n; i++) {
		const char *gid = coach_repo_abbrev(ctx->repo,
		    coach_dash(coach_record_str(rows[i]->rec, "goal")));
		if (strlen(coach_repo_abbrev(ctx->repo, rows[i]->id)) > wi)
			wi = strlen(coach_repo_abbrev(ctx->repo, rows[i]->id));
		if (coach_text_width(gid) > wg)
			wg = coach_text_width(gid);
		size_t w = coach_text_width(coach_dash(coach_record_str(rows[i]->rec,
		    "phase")));
		if (w > wp)
			wp = w;
		if (coach_text_width(rows[i]->coachee) > wc)
			wc = coach_text_width(rows[i]->coachee);
	}
	/* id, goal, phase, started, review (+ " overdue"), outcome, then
	 * the step takes what is left of a terminal line. */
	int cols = coach_term_width();
	size_t fixed = wi + 2 + wg + 2 + wp + 2 + 12 + 20 + wo + 2 +
	    (all ? wc + 2 : 0);
	size_t room = cols > 0 ? (size_t)cols > fixed + 12 ?
	    (size_t)cols - fixed : 12 : 0;
	fputs(coach_sgr_bold(ctx), stdout);
	if (all) {
		coach_put_padded("COACHEE", wc);
		fputs("  ", stdout);
	}
	coach_put_padded("ID", wi);
	fputs("  ", stdout);
	coach_put_padded("GOAL", wg);
	fputs("  ", stdout);
	coach_put_padded("PHASE", wp);
	fputs("  STARTED     ", stdout);
	coach_put_padded("REVIEW", 18);
	fputs("  ", stdout);
	coach_put_padded("OUTCOME", wo);
	printf("  STEP%s\n", coach_sgr_reset(ctx));
	for (size_t i = 0; i < n; i++) {
		const struct coach_record *c = rows[i]->rec;
		int open = coach_cycle_open(c), late = coach_cycle_overdue(c);
		const char *goal = coach_repo_abbrev(ctx->repo,
		    coach_dash(coach_record_str(c, "goal")));
		char review[32];
		snprintf(review, sizeof(review), "%s%s",
		    coach_dash(coach_record_str(c, "review")), late ? " overdue" : "");
		char *step = coach_text_cut(coach_dash(coach_record_str(c, "step")),
		    room);
		if (all) {
			coach_put_padded(rows[i]->coachee, wc);
			fputs("  ", stdout);
		}
		fputs(coach_sgr_yellow(ctx), stdout);
		coach_put_padded(coach_repo_abbrev(ctx->repo, rows[i]->id), wi);
		fputs(coach_sgr_reset(ctx), stdout);
		fputs("  ", stdout);
		coach_put_padded(goal, wg);
		fputs("  ", stdout);
		coach_put_padded(coach_dash(coach_record_str(c, "phase")), wp);
		printf("  %-10s  %s", coach_dash(coach_record_str(c, "started")),
		    late ? coach_sgr_red(ctx) : "");
		coach_put_padded(review, 18);
		printf("%s  ", late ? coach_sgr_reset(ctx) : "");
		coach_put_padded(open ? "open" :
		    coach_dash(coach_record_str(c, "outcome")), wo);
		printf("  %s\n", step);
		free(step);
	}
}

static struct coach_error *
cycle_list(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_error *err = NULL;
	struct coach_loaded_list cycles = { 0 };
	struct coach_loaded **rows = NULL;
	char *coachee = NULL;
	int only_open = coach_opt_given(ctx, "open") > 0;
	int all = coach_opt_given(ctx, "all") > 0, json = 0;
	const char *format = coach_opt_value(ctx, "format");

	if (format && (err = coach_format_arg(ctx, format, &json)))
		goto done;
	if (all && argc > 1) {
		err = coach_usage(ctx, "--all lists every coachee's cycles: "
		    "leave out COACHEE");
		goto done;
	}
	if (!all && (err = coach_repo_coachee(ctx->repo,
	    argc > 1 ? argv[1] : NULL, &coachee)))
		goto done;
	if ((err = coach_load_all(ctx->repo, COACH_KIND_CYCLE, coachee,
	    "started", &cycles)))
		goto done;
	rows = coach_xcalloc(cycles.n + 1, sizeof(*rows));
	size_t n = 0;
	for (size_t i = 0; i < cycles.n; i++)
		if (!only_open || coach_cycle_open(cycles.v[i].rec))
			rows[n++] = &cycles.v[i];
	/* --all: by person, then (as loaded) by the day started. */
	if (all)
		coach_rows_by_coachee(rows, n);
	if (json) {
		coach_json_rows(rows, n, cycle_json);
	} else if (n == 0) {
		coach_list_empty("no %scycles%s%s; start one with 'coach cycle "
		    "start GOAL-ID --step TEXT'", only_open ? "open " : "",
		    coachee ? " for " : "", coachee ? coachee : "");
	} else {
		cycle_list_text(ctx, rows, n, all);
	}
done:
	free(rows);
	coach_loaded_list_free(&cycles);
	free(coachee);
	return err;
}

/* ---- the table ---- */

static const struct coach_opt cycle_start_opts[] = {
	{ "step", 0, COACH_OPT_VALUE, "TEXT", "the action step, in the "
	    "coachee's words (required)" },
	{ "review", 0, COACH_OPT_VALUE, "DATE", "the meeting that will "
	    "review the step" },
	{ "date", 0, COACH_OPT_VALUE, "DATE", "the day it started (default "
	    "today)" },
	{ "force", 0, 0, NULL, "start one though the goal has an open "
	    "cycle" },
	{ 0 },
};

static const struct coach_opt cycle_close_opts[] = {
	{ "outcome", 0, COACH_OPT_VALUE, "met|partly|not-yet", "how the step "
	    "went (required)" },
	{ "message", 'm', COACH_OPT_VALUE, "NEXT", "what will be tried next" },
	{ "date", 0, COACH_OPT_VALUE, "DATE", "the day it closed (default "
	    "today)" },
	{ 0 },
};

static const struct coach_opt cycle_list_opts[] = {
	{ "all", 0, 0, NULL, "every coachee's cycles" },
	{ "open", 0, 0, NULL, "only cycles not yet closed" },
	{ "format", 0, COACH_OPT_VALUE, "text|json", "text for people "
	    "(default) or JSON for programs" },
	{ 0 },
};

static const struct coach_form cycle_forms[] = {
	{ .name = "start", .usage = "GOAL-ID --step TEXT [--review DATE] "
	    "[--date DATE] [--force]",
	  .opts = cycle_start_opts, .min = 1, .max = 1, .need = "one GOAL-ID",
	  .extra = "start takes one GOAL-ID", .exec = cycle_start },
	{ .name = "phase", .usage = "ID PHASE", .min = 2, .max = 2,
	  .need = "a cycle ID and a PHASE", .exec = cycle_phase },
	{ .name = "close", .usage = "ID --outcome met|partly|not-yet "
	    "[-m NEXT] [--date DATE]",
	  .opts = cycle_close_opts, .min = 1, .max = 1,
	  .need = "one cycle ID", .extra = "close takes one cycle ID",
	  .exec = cycle_close },
	{ .name = "list", .usage = "[COACHEE | --all] [--open] "
	    "[--format text|json]",
	  .opts = cycle_list_opts, .max = 1,
	  .extra = "list takes one COACHEE", .exec = cycle_list },
	{ 0 },
};

/* "coach cycle" and "coach cycle --open" list. */
const struct coach_cmd coach_cmd_cycle = {
	.name = "cycle",
	.summary = "coaching cycles: an action step on a goal, phase by phase",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = cycle_forms,
	.dflt = "list",
	.noun = "cycle",
};
