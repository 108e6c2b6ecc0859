/*
 * status.c: "coach status", a relationship at a glance, like git status:
 * the agreement, active goals with progress, their open cycles, the last
 * meeting and entry, hand edits not yet committed and commits not yet
 * synced; then one line per coachee the person coaches.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/coached.h"
#include "../lib/date.h"
#include "../lib/json.h"
#include "../lib/load.h"
#include "../lib/markdown.h"
#include "../lib/privacy.h"
#include "../lib/repo.h"
#include "../lib/store.h"
#include "common.h"

#define BAR_WIDTH 10
/* An id as people read it: the shortest unique prefix (ids.h). */
#define ID(id) coach_repo_abbrev(ctx->repo, (id))


struct st_cycle {
	const char *id, *phase, *step, *review;
	int has_review;
	coach_day review_day;
};

struct st_goal {
	const char *id, *title, *status, *due;
	/* measure */
	int measured, has_latest;
	const char *mname, *unit, *latest_date;
	double baseline, target, latest;
	double progress; /* NAN when there is none */
	struct st_cycle *cycles;
	size_t ncycles;
};

struct st_entry {
	const char *id, *date, *kind;
	char *summary; /* NULL for text the reader may not see */
	int private;
	coach_day day;
};

struct status {
	char *coachee;
	const char *name;
	struct coach_record *agreement; /* active or not; NULL when none */
	/* Active goals, then goals that are not active but still have an
	 * open cycle (it stays in view until it is closed). */
	struct st_goal *goals;
	size_t ngoals, nactive;
	/* Open cycles whose goal could not be found or read. */
	struct st_cycle *orphans;
	size_t norphans;
	size_t open_cycles, overdue;
	int has_meeting, has_entry;
	struct st_entry meeting, entry;
	/* The records the model points into. */
	struct coach_loaded staff, agreement_rec;
	struct coach_loaded_list goal_recs, cycle_recs, entry_recs;
	/* What could not be read: goals apart, as status says so where
	 * the goals would be. */
	struct coach_problems goal_problems, problems;
};

static void
status_free(struct status *s)
{
	for (size_t i = 0; i < s->ngoals; i++)
		free(s->goals[i].cycles);
	free(s->goals);
	free(s->orphans);
	free(s->meeting.summary);
	free(s->entry.summary);
	free(s->coachee);
	coach_loaded_free(&s->staff);
	coach_loaded_free(&s->agreement_rec);
	coach_loaded_list_free(&s->goal_recs);
	coach_loaded_list_free(&s->cycle_recs);
	coach_loaded_list_free(&s->entry_recs);
	coach_problems_free(&s->goal_problems);
	coach_problems_free(&s->problems);
}

static const char *
str(const struct coach_record *rec, const char *key)
{
	return rec ? coach_record_str(rec, key) : NULL;
}

static int
num(const struct coach_fm_node *n, double *out)
{
	return n && coach_fm_node_number(n, out) == 0 && isfinite(*out) ? 0 :
	    -1;
}

/* The goal's measure, its latest measurement and progress. */
static void
read_measure(struct st_goal *g, const struct coach_record *rec)
{
	const struct coach_fm *fm = coach_record_fm_const(rec);
	const struct coach_fm_node *m = coach_fm_get(fm, "measure");
	const struct coach_fm_node *latest;
	g->progress = NAN;
	if (m == NULL || coach_fm_node_type(m) != COACH_FM_MAP)
		return;
	if (num(coach_fm_node_lookup(m, "baseline"), &g->baseline) ||
	    num(coach_fm_node_lookup(m, "target"), &g->target))
		return;
	g->measured = 1;
	const struct coach_fm_node *v = coach_fm_node_lookup(m, "name");
	g->mname = v ? coach_fm_node_str(v) : NULL;
	v = coach_fm_node_lookup(m, "unit");
	g->unit = v ? coach_fm_node_str(v) : NULL;
	if (coach_goal_latest(fm, &g->latest_date, &latest) == 0) {
		g->has_latest = 1;
		coach_fm_node_number(latest, &g->latest);
	}
	/* None when the baseline is the target: the bar is left out. */
	if (coach_goal_progress(fm, &g->progress, NULL, NULL) != 0)
		g->progress = NAN;
}

static void
add_goal(struct status *s, const struct coach_record *rec)
{
	struct st_goal *g = &s->goals[s->ngoals++];
	g->id = str(rec, "id");
	g->title = str(rec, "title");
	g->status = str(rec, "status");
	g->due = str(rec, "due");
	read_measure(g, rec);
}

static int
is_active(const struct coach_record *goal)
{
	const char *st = str(goal, "status");
	return st && strcmp(st, "active") == 0;
}

static const struct coach_record *
open_cycle_on(const struct status *s, const char *goal)
{
	for (size_t i = 0; i < s->cycle_recs.n; i++) {
		const struct coach_record *c = s->cycle_recs.v[i].rec;
		const char *g = str(c, "goal");
		if (g && strcmp(g, goal) == 0 && coach_cycle_open(c))
			return c;
	}
	return NULL;
}

/* The goals to show: active ones, then the others with an open cycle. */
static void
read_goals(struct status *s)
{
	const struct coach_loaded_list *l = &s->goal_recs;
	s->goals = coach_xcalloc(l->n ? l->n : 1, sizeof(*s->goals));
	for (size_t i = 0; i < l->n; i++)
		if (str(l->v[i].rec, "id") && is_active(l->v[i].rec))
			add_goal(s, l->v[i].rec);
	s->nactive = s->ngoals;
	for (size_t i = 0; i < l->n; i++) {
		const char *id = str(l->v[i].rec, "id");
		if (id && !is_active(l->v[i].rec) && open_cycle_on(s, id))
			add_goal(s, l->v[i].rec);
	}
}

static void
fill_cycle(struct st_cycle *c, const struct coach_record *rec)
{
	memset(c, 0, sizeof(*c));
	c->id = str(rec, "id");
	c->phase = str(rec, "phase");
	c->step = str(rec, "step");
	c->review = str(rec, "review");
	c->has_review = c->review &&
	    coach_date_parse(c->review, &c->review_day) == 0;
}

/* Every open cycle: under its goal, or with the orphans. */
static void
read_cycles(struct status *s)
{
	const struct coach_loaded_list *l = &s->cycle_recs;
	for (size_t i = 0; i < l->n; i++) {
		const struct coach_record *rec = l->v[i].rec;
		if (!coach_cycle_open(rec))
			continue;
		s->open_cycles++;
		if (coach_cycle_overdue(rec))
			s->overdue++;
		const char *goal = str(rec, "goal");
		struct st_goal *g = NULL;
		for (size_t k = 0; goal && k < s->ngoals && g == NULL; k++)
			if (s->goals[k].id && strcmp(s->goals[k].id, goal) == 0)
				g = &s->goals[k];
		if (g) {
			g->cycles = coach_xrealloc(g->cycles,
			    (g->ncycles + 1) * sizeof(*g->cycles));
			fill_cycle(&g->cycles[g->ncycles++], rec);
		} else {
			s->orphans = coach_xrealloc(s->orphans,
			    (s->norphans + 1) * sizeof(*s->orphans));
			fill_cycle(&s->orphans[s->norphans++], rec);
		}
	}
}

static int
read_entry(struct st_entry *e, const struct coach_record *rec,
    const char *coachee, const struct coach_reader *reader)
{
	e->id = str(rec, "id");
	e->date = str(rec, "date");
	e->kind = str(rec, "kind");
	if (e->date == NULL || coach_date_parse(e->date, &e->day))
		return -1;
	e->private = coach_entry_private(rec);
	/* Private words stay with their author and coachee, here too. */
	const char *body = coach_entry_readable(rec, coachee, reader) ?
	    coach_entry_body_for(rec, coachee, reader) : NULL;
	e->summary = body ? coach_md_first_line(body, strlen(body), SIZE_MAX) :
	    NULL;
	return 0;
}

/* The last entry and the last meeting: entries sort by date, so read
 * from the end and stop at the first meeting. */
static void
read_entries(struct status *s, const struct coach_reader *reader)
{
	const struct coach_loaded_list *l = &s->entry_recs;
	for (size_t i = l->n; i-- > 0 && !s->has_meeting;) {
		const struct coach_record *rec = l->v[i].rec;
		if (!s->has_entry && read_entry(&s->entry, rec, s->coachee,
		    reader) == 0)
			s->has_entry = 1;
		const char *kind = str(rec, "kind");
		if (kind && strcmp(kind, "meeting") == 0 &&
		    read_entry(&s->meeting, rec, s->coachee, reader) == 0)
			s->has_meeting = 1;
	}
}

/* Loads the records of kind into l; what cannot be read goes to
 * problems. */
static void
load_kind(struct coach_repo *r, struct status *s, enum coach_kind kind,
    struct coach_loaded_list *l, struct coach_problems *problems)
{
	struct coach_error *err = coach_load_records(r, kind, s->coachee,
	    NULL, l);
	coach_problems_move(problems, &l->problems);
	if (err) {
		coach_problems_add(problems, "coaching", "%s",
		    coach_error_msg(err));
		coach_error_free(err);
	}
}

/*
 * For a coachee listed under Coaching, only the last meeting counts: the
 * entries are read from the newest back until one is found, not all of
 * them (what cannot be read is only said of the person's own records).
 */
static void
read_last_meeting(struct coach_repo *r, struct status *s,
    const struct coach_reader *reader)
{
	struct coach_strlist paths = COACH_STRLIST_INIT;
	struct coach_problems ignored = COACH_PROBLEMS_INIT;
	struct coach_loaded_list *l = &s->entry_recs;
	coach_error_free(coach_repo_list(r, COACH_KIND_ENTRY, s->coachee,
	    &paths));
	l->v = coach_xcalloc(paths.n + 1, sizeof(*l->v));
	for (size_t i = paths.n; i-- > 0 && !s->has_meeting;) {
		struct coach_loaded *e = &l->v[l->n];
		if (coach_load_one(r, paths.v[i], e, &ignored) != 1) {
			coach_loaded_free(e);
			continue;
		}
		l->n++;
		const char *kind = str(e->rec, "kind");
		if (kind && strcmp(kind, "meeting") == 0 &&
		    read_entry(&s->meeting, e->rec, s->coachee, reader) == 0)
			s->has_meeting = 1;
	}
	coach_problems_free(&ignored);
	coach_strlist_free(&paths);
}

/* What status shows of coachee; all of it when full, else what a line
 * under Coaching says. */
static void
gather(struct coach_repo *r, const char *coachee,
    const struct coach_reader *reader, struct status *s, int full)
{
	memset(s, 0, sizeof(*s));
	s->coachee = coach_xstrdup(coachee);
	char *p = coach_path_staff(coachee);
	if (coach_load_one(r, p, &s->staff, &s->problems) == 1)
		s->name = str(s->staff.rec, "name");
	free(p);
	p = coach_path_agreement(coachee);
	if (coach_load_one(r, p, &s->agreement_rec, &s->problems) == 1)
		s->agreement = s->agreement_rec.rec;
	free(p);
	load_kind(r, s, COACH_KIND_GOAL, &s->goal_recs, &s->goal_problems);
	load_kind(r, s, COACH_KIND_CYCLE, &s->cycle_recs, &s->problems);
	read_goals(s);
	read_cycles(s);
	if (!full) {
		read_last_meeting(r, s, reader);
		return;
	}
	load_kind(r, s, COACH_KIND_ENTRY, &s->entry_recs, &s->problems);
	read_entries(s, reader);
}

static int
agreement_active(const struct coach_record *a)
{
	return a && !coach_agreement_ended(a);
}

/* The agreement's coaches, "ada, bob". */
static void
coaches(struct coach_buf *b, const struct coach_record *a)
{
	struct coach_strlist l = COACH_STRLIST_INIT;
	coach_agreement_coaches(a, &l);
	for (size_t i = 0; i < l.n; i++)
		coach_buf_printf(b, "%s%s", i ? ", " : "", l.v[i]);
	coach_strlist_free(&l);
}

/* ------------------------------------------------------------------ */
/* Text                                                                 */

static void
days_ago(struct coach_buf *b, coach_day d, coach_day today)
{
	long n = today - d;
	if (n == 0)
		coach_buf_puts(b, "today");
	else if (n == 1)
		coach_buf_puts(b, "yesterday");
	else if (n > 0)
		coach_buf_printf(b, "%ld days ago", n);
	else
		coach_buf_printf(b, "in %ld day%s", -n, n == -1 ? "" : "s");
}

static void
text_agreement(struct coach_ctx *ctx, struct coach_buf *b,
    const struct status *s)
{
	const struct coach_record *a = s->agreement;
	coach_buf_printf(b, "%sAgreement:%s ", coach_sgr_bold(ctx),
	    coach_sgr_reset(ctx));
	if (!agreement_active(a)) {
		coach_buf_puts(b, "no coaching agreement");
		if (a && str(a, "ended"))
			coach_buf_printf(b, " (the last one ended %s)",
			    str(a, "ended"));
		coach_buf_printf(b, "; start one with 'coach agree %s "
		    "--coach HANDLE'\n", s->coachee);
		return;
	}
	struct coach_buf who = COACH_BUF_INIT;
	coaches(&who, a);
	coach_buf_printf(b, "coached by %s", who.len ? coach_buf_str(&who) :
	    "?");
	coach_buf_free(&who);
	if (str(a, "started"))
		coach_buf_printf(b, " since %s", str(a, "started"));
	if (str(a, "cadence") && *str(a, "cadence"))
		coach_buf_printf(b, ", %s", str(a, "cadence"));
	coach_buf_putc(b, '\n');
	if (str(a, "focus") && *str(a, "focus"))
		coach_buf_printf(b, "  focus: %s\n", str(a, "focus"));
}

static void
text_progress(struct coach_ctx *ctx, struct coach_buf *b,
    const struct st_goal *g)
{
	const char *unit = g->unit && *g->unit ? g->unit : "";
	const char *sp = *unit ? " " : "";
	coach_buf_printf(b, "      %s: ", g->mname && *g->mname ? g->mname :
	    "measure");
	double p = g->progress;
	if (!g->has_latest) {
		coach_buf_printf(b, "baseline %g%s%s, target %g%s%s, no "
		    "measurement yet (record one with 'coach goal measure "
		    "%s VALUE')\n", g->baseline, sp, unit, g->target, sp, unit,
		    ID(g->id));
		return;
	}
	coach_buf_printf(b, "%g → %g → %g%s%s (%s)", g->baseline, g->latest,
	    g->target, sp, unit, g->latest_date);
	if (!isnan(p)) {
		double c = p < 0 ? 0 : p > 1 ? 1 : p;
		int fill = (int)lround(c * BAR_WIDTH);
		coach_buf_printf(b, "  %s[", coach_sgr_green(ctx));
		for (int i = 0; i < BAR_WIDTH; i++)
			coach_buf_putc(b, i < fill ? '#' : '-');
		coach_buf_printf(b, "]%s %ld%%", coach_sgr_reset(ctx),
		    lround(p * 100));
	}
	coach_buf_putc(b, '\n');
}

static void
text_cycle(struct coach_ctx *ctx, struct coach_buf *b,
    const struct st_cycle *c, coach_day today)
{
	coach_buf_printf(b, "      cycle %s%s%s  %s%s%s: %s\n",
	    coach_sgr_yellow(ctx), c->id ? ID(c->id) : "?", coach_sgr_reset(ctx),
	    coach_sgr_bold(ctx), c->phase ? c->phase : "?",
	    coach_sgr_reset(ctx), c->step ? c->step : "");
	if (!c->has_review) {
		coach_buf_puts(b, "        no review date\n");
		return;
	}
	long late = today - c->review_day;
	if (late > 0)
		coach_buf_printf(b, "        %sreview %s, %ld day%s overdue%s\n",
		    coach_sgr_red(ctx), c->review, late, late == 1 ? "" : "s",
		    coach_sgr_reset(ctx));
	else {
		coach_buf_printf(b, "        review %s (", c->review);
		days_ago(b, c->review_day, today);
		coach_buf_puts(b, ")\n");
	}
}

static void
text_goal(struct coach_ctx *ctx, struct coach_buf *b, const struct st_goal *g,
    coach_day today)
{
	coach_buf_printf(b, "  %s%s%s  %s", coach_sgr_yellow(ctx), ID(g->id),
	    coach_sgr_reset(ctx), g->title ? g->title : "");
	if (g->due)
		coach_buf_printf(b, " (due %s)", g->due);
	coach_buf_putc(b, '\n');
	if (g->measured)
		text_progress(ctx, b, g);
	for (size_t k = 0; k < g->ncycles; k++)
		text_cycle(ctx, b, &g->cycles[k], today);
	if (g->ncycles == 0)
		coach_buf_printf(b, "      no open cycle; start one with 'coach "
		    "cycle start %s --step TEXT'\n", ID(g->id));
}

/* Goals that could not be read, where the goals are listed. */
static void
text_goal_problems(struct coach_ctx *ctx, struct coach_buf *b,
    const struct status *s)
{
	for (size_t i = 0; i < s->goal_problems.n; i++)
		coach_buf_printf(b, "  %swarning:%s a goal could not be read: "
		    "%s (run 'coach check')\n", coach_sgr_yellow(ctx),
		    coach_sgr_reset(ctx), s->goal_problems.v[i].message);
}

static void
text_goals(struct coach_ctx *ctx, struct coach_buf *b,
    const struct status *s, coach_day today)
{
	coach_buf_printf(b, "\n%sActive goals:%s", coach_sgr_bold(ctx),
	    coach_sgr_reset(ctx));
	if (s->nactive == 0 && s->goal_problems.n == 0)
		coach_buf_printf(b, " none; add one with 'coach goal add %s "
		    "TITLE'\n", s->coachee);
	else if (s->nactive == 0)
		coach_buf_puts(b, " none that could be read\n");
	else
		coach_buf_putc(b, '\n');
	text_goal_problems(ctx, b, s);
	for (size_t i = 0; i < s->nactive; i++)
		text_goal(ctx, b, &s->goals[i], today);
	if (s->ngoals == s->nactive && s->norphans == 0)
		return;
	/* A cycle stays in view until it is closed, whatever became of
	 * its goal. */
	coach_buf_printf(b, "\n%sOpen cycles on goals that are not active:%s"
	    "\n", coach_sgr_bold(ctx), coach_sgr_reset(ctx));
	for (size_t i = s->nactive; i < s->ngoals; i++) {
		const struct st_goal *g = &s->goals[i];
		coach_buf_printf(b, "  %s%s%s  %s (%s)\n", coach_sgr_yellow(ctx),
		    ID(g->id), coach_sgr_reset(ctx), g->title ? g->title : "",
		    g->status ? g->status : "?");
		for (size_t k = 0; k < g->ncycles; k++) {
			text_cycle(ctx, b, &g->cycles[k], today);
			coach_buf_printf(b, "        close it with 'coach cycle "
			    "close %s --outcome met|partly|not-yet'\n",
			    g->cycles[k].id ? ID(g->cycles[k].id) : "ID");
		}
	}
	for (size_t k = 0; k < s->norphans; k++) {
		coach_buf_puts(b, "  (goal not found)\n");
		text_cycle(ctx, b, &s->orphans[k], today);
	}
}

/*
 * Appends s, cut with "…" so that the line begun at byte line_start of b
 * fits the terminal; whole when not on a terminal.
 */
static void
cut_to_width(struct coach_buf *b, const char *s, size_t line_start)
{
	int width = coach_term_width();
	size_t used = coach_text_width(coach_buf_str(b) + line_start);
	if (width <= 0) {
		coach_buf_puts(b, s);
		return;
	}
	/* The last column is left free, as a terminal wraps there. */
	char *cut = coach_text_cut(s, (size_t)width > used + 1 ?
	    (size_t)width - used - 1 : 1);
	coach_buf_puts(b, cut);
	free(cut);
}

static void
text_entry(struct coach_ctx *ctx, struct coach_buf *b, const char *label,
    const struct st_entry *e, coach_day today, int with_kind)
{
	size_t line_start = b->len;
	coach_buf_printf(b, "%s %s (", label, e->date);
	days_ago(b, e->day, today);
	coach_buf_putc(b, ')');
	if (with_kind)
		coach_buf_printf(b, "  %s", e->kind ? e->kind : "?");
	coach_buf_printf(b, "  %s", e->id ? ID(e->id) : "?");
	if (e->private)
		coach_buf_puts(b, "  " COACH_PRIVATE_TEXT);
	if (e->summary && *e->summary) {
		coach_buf_puts(b, "  ");
		cut_to_width(b, e->summary, line_start);
	}
	coach_buf_putc(b, '\n');
}

static void
text_log(struct coach_ctx *ctx, struct coach_buf *b, const struct status *s,
    coach_day today)
{
	coach_buf_putc(b, '\n');
	if (s->has_meeting)
		text_entry(ctx, b, "Last meeting:", &s->meeting, today, 0);
	else
		coach_buf_printf(b, "Last meeting: none logged; log one with "
		    "'coach log %s --kind meeting'\n", s->coachee);
	if (s->has_entry)
		text_entry(ctx, b, "Last entry:  ", &s->entry, today, 1);
}

static void
text_changes(struct coach_ctx *ctx, struct coach_buf *b,
    const struct coach_strlist *changes)
{
	if (changes->n == 0)
		return;
	coach_buf_printf(b, "\n%sHand edits not committed:%s\n  ('coach check' "
	    "validates them; commit them with 'git commit')\n",
	    coach_sgr_bold(ctx), coach_sgr_reset(ctx));
	for (size_t i = 0; i < changes->n; i++) {
		const char *c = changes->v[i];
		coach_buf_printf(b, "  %s%c%s %s\n", c[0] == 'D' ?
		    coach_sgr_red(ctx) : coach_sgr_green(ctx), c[0],
		    coach_sgr_reset(ctx), c[0] && c[1] ? c + 2 : "");
	}
}

static void
text_sync(struct coach_buf *b, size_t ahead, size_t behind, int upstream)
{
	if (!upstream)
		return;
	if (ahead == 0 && behind == 0) {
		coach_buf_puts(b, "\nUp to date with the central repository.\n");
		return;
	}
	coach_buf_puts(b, "\nNot synced:");
	if (ahead)
		coach_buf_printf(b, " %zu commit%s to push", ahead,
		    ahead == 1 ? "" : "s");
	if (behind)
		coach_buf_printf(b, "%s %zu commit%s to pull", ahead ? "," : "",
		    behind, behind == 1 ? "" : "s");
	coach_buf_puts(b, " (as of the last fetch); run 'coach sync'\n");
}

static void
text_coached(struct coach_ctx *ctx, struct coach_buf *b,
    const struct status *o, size_t n, coach_day today)
{
	if (n == 0)
		return;
	coach_buf_printf(b, "\n%sCoaching:%s\n", coach_sgr_bold(ctx),
	    coach_sgr_reset(ctx));
	for (size_t i = 0; i < n; i++) {
		const struct status *s = &o[i];
		coach_buf_printf(b, "  %-12s %zu active goal%s, %zu open "
		    "cycle%s", s->coachee, s->nactive, s->nactive == 1 ? "" : "s",
		    s->open_cycles, s->open_cycles == 1 ? "" : "s");
		if (s->overdue)
			coach_buf_printf(b, " (%s%zu review%s overdue%s)",
			    coach_sgr_red(ctx), s->overdue,
			    s->overdue == 1 ? "" : "s", coach_sgr_reset(ctx));
		if (s->has_meeting) {
			coach_buf_printf(b, ", last met %s (",
			    s->meeting.date);
			days_ago(b, s->meeting.day, today);
			coach_buf_putc(b, ')');
		} else {
			coach_buf_puts(b, ", no meeting logged");
		}
		coach_buf_putc(b, '\n');
	}
}

static void
text_problems(struct coach_ctx *ctx, struct coach_buf *b,
    const struct status *s)
{
	for (size_t i = 0; i < s->problems.n; i++)
		coach_buf_printf(b, "%swarning:%s %s (run 'coach check')\n",
		    coach_sgr_yellow(ctx), coach_sgr_reset(ctx),
		    s->problems.v[i].message);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                 */

static void
json_kv(struct coach_json *j, const char *key, const char *value)
{
	coach_json_key(j, key);
	coach_json_str(j, value);
}

static void
json_agreement(struct coach_json *j, const struct coach_record *a)
{
	coach_json_key(j, "agreement");
	if (a == NULL) {
		coach_json_null(j);
		return;
	}
	coach_json_obj_begin(j);
	coach_json_key(j, "coach");
	coach_json_arr_begin(j);
	struct coach_strlist who = COACH_STRLIST_INIT;
	coach_agreement_coaches(a, &who);
	for (size_t i = 0; i < who.n; i++)
		coach_json_str(j, who.v[i]);
	coach_strlist_free(&who);
	coach_json_arr_end(j);
	json_kv(j, "started", str(a, "started"));
	json_kv(j, "cadence", str(a, "cadence"));
	json_kv(j, "focus", str(a, "focus"));
	/* No status: what the ended date says. */
	json_kv(j, "status", str(a, "status") ? str(a, "status") :
	    agreement_active(a) ? "active" : "ended");
	json_kv(j, "ended", str(a, "ended"));
	coach_json_key(j, "active");
	coach_json_bool(j, agreement_active(a));
	coach_json_obj_end(j);
}

static void
json_goal(struct coach_json *j, const struct st_goal *g, coach_day today)
{
	coach_json_obj_begin(j);
	json_kv(j, "id", g->id);
	json_kv(j, "title", g->title);
	json_kv(j, "status", g->status);
	json_kv(j, "due", g->due);
	coach_json_key(j, "measure");
	if (g->measured) {
		coach_json_obj_begin(j);
		json_kv(j, "name", g->mname);
		json_kv(j, "unit", g->unit);
		coach_json_key(j, "baseline");
		coach_json_num(j, g->baseline);
		coach_json_key(j, "target");
		coach_json_num(j, g->target);
		coach_json_key(j, "latest");
		if (g->has_latest)
			coach_json_num(j, g->latest);
		else
			coach_json_null(j);
		json_kv(j, "latest_date", g->has_latest ? g->latest_date :
		    NULL);
		coach_json_key(j, "progress");
		double p = g->progress;
		if (isnan(p))
			coach_json_null(j);
		else
			coach_json_num(j, p);
		coach_json_obj_end(j);
	} else {
		coach_json_null(j);
	}
	coach_json_key(j, "open_cycles");
	coach_json_arr_begin(j);
	for (size_t k = 0; k < g->ncycles; k++) {
		const struct st_cycle *c = &g->cycles[k];
		coach_json_obj_begin(j);
		json_kv(j, "id", c->id);
		json_kv(j, "phase", c->phase);
		json_kv(j, "step", c->step);
		json_kv(j, "review", c->review);
		coach_json_key(j, "overdue");
		coach_json_bool(j, c->has_review && c->review_day < today);
		coach_json_obj_end(j);
	}
	coach_json_arr_end(j);
	coach_json_obj_end(j);
}

static void
json_entry(struct coach_json *j, const char *key, int has,
    const struct st_entry *e, coach_day today)
{
	coach_json_key(j, key);
	if (!has) {
		coach_json_null(j);
		return;
	}
	coach_json_obj_begin(j);
	json_kv(j, "id", e->id);
	json_kv(j, "date", e->date);
	json_kv(j, "kind", e->kind);
	coach_json_key(j, "days_ago");
	coach_json_int(j, today - e->day);
	coach_json_key(j, "private");
	coach_json_bool(j, e->private);
	json_kv(j, "summary", e->summary);
	coach_json_obj_end(j);
}

/* Each problem as {path, kind, message}; kind null when unknown. */
static void
json_problems(struct coach_json *j, const struct coach_problems *p,
    const char *kind)
{
	for (size_t i = 0; i < p->n; i++) {
		coach_json_obj_begin(j);
		json_kv(j, "path", p->v[i].path);
		json_kv(j, "kind", kind);
		json_kv(j, "message", p->v[i].message);
		coach_json_obj_end(j);
	}
}

static void
json_status(struct coach_json *j, const struct status *s,
    const struct coach_strlist *changes, size_t ahead, size_t behind,
    int upstream, const struct status *o, size_t n, coach_day today)
{
	coach_json_obj_begin(j);
	json_kv(j, "coachee", s->coachee);
	json_kv(j, "name", s->name);
	json_agreement(j, s->agreement);
	coach_json_key(j, "goals");
	coach_json_arr_begin(j);
	for (size_t i = 0; i < s->ngoals; i++)
		json_goal(j, &s->goals[i], today);
	coach_json_arr_end(j);
	json_entry(j, "last_meeting", s->has_meeting, &s->meeting, today);
	json_entry(j, "last_entry", s->has_entry, &s->entry, today);
	coach_json_key(j, "changes");
	coach_json_arr_begin(j);
	for (size_t i = 0; i < changes->n; i++) {
		const char *c = changes->v[i];
		char st[2] = { c[0], '\0' };
		coach_json_obj_begin(j);
		json_kv(j, "status", st);
		json_kv(j, "path", c[0] && c[1] ? c + 2 : "");
		coach_json_obj_end(j);
	}
	coach_json_arr_end(j);
	coach_json_key(j, "sync");
	if (upstream) {
		coach_json_obj_begin(j);
		coach_json_key(j, "ahead");
		coach_json_int(j, (long long)ahead);
		coach_json_key(j, "behind");
		coach_json_int(j, (long long)behind);
		coach_json_obj_end(j);
	} else {
		coach_json_null(j);
	}
	coach_json_key(j, "coaching");
	coach_json_arr_begin(j);
	for (size_t i = 0; i < n; i++) {
		coach_json_obj_begin(j);
		json_kv(j, "coachee", o[i].coachee);
		json_kv(j, "name", o[i].name);
		coach_json_key(j, "active_goals");
		coach_json_int(j, (long long)o[i].nactive);
		coach_json_key(j, "open_cycles");
		coach_json_int(j, (long long)o[i].open_cycles);
		coach_json_key(j, "overdue_reviews");
		coach_json_int(j, (long long)o[i].overdue);
		json_entry(j, "last_meeting", o[i].has_meeting,
		    &o[i].meeting, today);
		coach_json_obj_end(j);
	}
	coach_json_arr_end(j);
	coach_json_key(j, "problems");
	coach_json_arr_begin(j);
	json_problems(j, &s->goal_problems, "goal");
	json_problems(j, &s->problems, NULL);
	coach_json_arr_end(j);
	coach_json_obj_end(j);
}

static void
ids_of(const struct status *s, struct coach_strlist *out)
{
	for (size_t i = 0; i < s->ngoals; i++) {
		if (s->goals[i].id)
			coach_strlist_add(out, s->goals[i].id);
		for (size_t k = 0; k < s->goals[i].ncycles; k++)
			if (s->goals[i].cycles[k].id)
				coach_strlist_add(out, s->goals[i].cycles[k].id);
	}
	for (size_t k = 0; k < s->norphans; k++)
		if (s->orphans[k].id)
			coach_strlist_add(out, s->orphans[k].id);
	if (s->has_meeting && s->meeting.id)
		coach_strlist_add(out, s->meeting.id);
	if (s->has_entry && s->entry.id)
		coach_strlist_add(out, s->entry.id);
}

/* The ids shown, abbreviated from git's index rather than from every
 * coachee's folder. */
static void
prepare_ids(struct coach_repo *r, const struct status *s,
    const struct status *others, size_t n)
{
	struct coach_strlist ids = COACH_STRLIST_INIT;
	ids_of(s, &ids);
	for (size_t i = 0; i < n; i++)
		ids_of(&others[i], &ids);
	coach_repo_abbrev_prepare(r, (const char *const *)ids.v, ids.n);
	coach_strlist_free(&ids);
}

/* Uncommitted changes under coaching/COACHEE/, "M path" and so on. */
static struct coach_error *
hand_edits(struct coach_repo *r, const char *coachee,
    struct coach_strlist *out)
{
	char *prefix = coach_xasprintf("coaching/%s/", coachee);
	struct coach_error *err = coach_store_changes(coach_repo_store(r),
	    prefix, out);
	free(prefix);
	return err;
}

/* ------------------------------------------------------------------ */

static struct coach_error *
status_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	int json = 0;
	struct coach_error *err = NULL;
	const char *format = coach_opt_value(ctx, "format");
	if (format && (err = coach_format_arg(ctx, format, &json)))
		return err;

	struct coach_repo *r = ctx->repo;
	char *coachee = NULL;
	struct status s = { 0 }, *others = NULL;
	struct coach_strlist changes = COACH_STRLIST_INIT;
	struct coach_strlist coached_list = COACH_STRLIST_INIT;
	size_t ahead = 0, behind = 0;
	int upstream = 0;
	struct coach_buf b = COACH_BUF_INIT;
	coach_day today = coach_date_today();
	struct coach_reader reader = { 0 };

	err = coach_repo_coachee(r, argc > 1 ? argv[1] : NULL,
	    &coachee);
	if (err)
		goto done;
	/* Mapped while the coachee's records and whom they coach are
	 * read: on a large school, git's index is most of what the
	 * uncommitted changes cost. */
	coach_store_index_ahead(coach_repo_store(r));
	coach_reader_current(r, &reader);
	gather(r, coachee, &reader, &s, 1);
	if ((err = coach_coached_by(r, coachee, &coached_list,
	    &s.problems)))
		goto done;
	others = coach_xcalloc(coached_list.n ? coached_list.n : 1,
	    sizeof(*others));
	for (size_t i = 0; i < coached_list.n; i++)
		gather(r, coached_list.v[i], &reader, &others[i], 0);

	if ((err = hand_edits(r, coachee, &changes)))
		goto done;
	err = coach_store_ahead_behind(coach_repo_store(r), &ahead, &behind,
	    &upstream);
	if (err)
		goto done;

	if (!json)
		prepare_ids(r, &s, others, coached_list.n);
	if (json) {
		struct coach_json j;
		coach_json_init(&j, &b, 1);
		json_status(&j, &s, &changes, ahead, behind, upstream, others,
		    coached_list.n, today);
	} else {
		coach_buf_printf(&b, "%s%s%s", coach_sgr_bold(ctx), coachee,
		    coach_sgr_reset(ctx));
		if (s.name)
			coach_buf_printf(&b, " (%s)", s.name);
		coach_buf_putc(&b, '\n');
		text_agreement(ctx, &b, &s);
		text_goals(ctx, &b, &s, today);
		text_log(ctx, &b, &s, today);
		text_changes(ctx, &b, &changes);
		text_sync(&b, ahead, behind, upstream);
		text_coached(ctx, &b, others, coached_list.n, today);
		if (s.problems.n)
			coach_buf_putc(&b, '\n');
		text_problems(ctx, &b, &s);
	}
	coach_out(coach_buf_str(&b), b.len);
done:
	for (size_t i = 0; others && i < coached_list.n; i++)
		status_free(&others[i]);
	free(others);
	status_free(&s);
	coach_strlist_free(&changes);
	coach_strlist_free(&coached_list);
	coach_buf_free(&b);
	free(coachee);
	coach_reader_free(&reader);
	return err;
}

static const struct coach_opt status_opts[] = {
	{ "format", 0, COACH_OPT_VALUE, "text|json", "text for people "
	    "(default) or JSON for programs" },
	{ 0 },
};

static const struct coach_form status_forms[] = {
	{ .usage = "[COACHEE] [--format text|json]", .opts = status_opts,
	  .max = 1, .extra = "status takes one COACHEE",
	  .exec = status_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_status = {
	.name = "status",
	.summary = "the relationship at a glance: goals, cycles, meetings",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = status_forms,
};
