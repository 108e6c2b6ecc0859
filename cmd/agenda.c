/*
 * agenda.c: "coach agenda", the next meeting's page: the agreement, time
 * since the last meeting against the cadence, open cycles, active goals,
 * what changed since the last meeting, evidence to look at, what the last
 * closed cycle said to try next, and prompts.
 *
 *     coach agenda [COACHEE] [--format text|json|markdown]
 *
 * The markdown form is a meeting note's body: it can be piped into
 * "coach log --kind meeting -F -".  An agenda may be shared with anyone,
 * so it never quotes a private entry, whoever reads it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "cmd.h"
#include "common.h"

/* Lines of "since the last meeting" before "… and N more". */
#define SINCE_MAX 8

enum agenda_format { AGENDA_TEXT, AGENDA_JSON, AGENDA_MARKDOWN };

static const char *const default_prompts[] = {
	"What went well since we last met?",
	"What was hard?",
	"What will you try next?",
	NULL,
};

struct agenda {
	char *coachee;
	struct coach_loaded agreement; /* rec NULL when there is none */
	struct coach_strlist coaches;
	long cadence_days;  /* 0: none, or none coach can count */
	char *meeting_path; /* the last meeting, NULL when none */
	char *meeting_date;
	long days_since;    /* -1 without a meeting */
	struct coach_loaded_list cycles; /* open ones, oldest first */
	struct coach_loaded_list goals;  /* active ones */
	struct coach_span span;
	struct coach_recdiffs since;
	struct coach_strlist evidence;   /* "REF (kind id, date)" */
	struct coach_strlist evidence_refs;
	struct coach_loaded last_closed; /* rec NULL when none */
	struct coach_strlist prompts;
};

static void
agenda_free(struct agenda *a)
{
	free(a->coachee);
	coach_loaded_free(&a->agreement);
	coach_strlist_free(&a->coaches);
	free(a->meeting_path);
	free(a->meeting_date);
	coach_loaded_list_free(&a->cycles);
	coach_loaded_list_free(&a->goals);
	coach_span_free(&a->span);
	coach_recdiffs_free(&a->since);
	coach_strlist_free(&a->evidence);
	coach_strlist_free(&a->evidence_refs);
	coach_loaded_free(&a->last_closed);
	coach_strlist_free(&a->prompts);
}

/*
 * Cadence
 */

static long
number_word(const char *s)
{
	static const char *const words[] = { "one", "two", "three", "four",
		"five", "six", "seven", "eight", NULL };
	if (isdigit((unsigned char)*s))
		return strtol(s, NULL, 10);
	for (long i = 0; words[i]; i++)
		if (strncmp(s, words[i], strlen(words[i])) == 0)
			return i + 1;
	return 0;
}

/* Days between meetings that a cadence says ("weekly", "fortnightly",
 * "every 3 weeks", "monthly"); 0 when coach cannot tell. */
static long
cadence_days(const char *cadence)
{
	char buf[128];
	size_t i = 0;
	for (; cadence && cadence[i] && i < sizeof(buf) - 1; i++)
		buf[i] = (char)tolower((unsigned char)cadence[i]);
	buf[i] = '\0';
	long unit = strstr(buf, "fortnight") ? 14 : strstr(buf, "week") ? 7 :
	    strstr(buf, "month") ? 30 : strstr(buf, "day") || strstr(buf,
	    "daily") ? 1 : 0;
	if (unit == 0)
		return 0;
	const char *every = strstr(buf, "every ");
	long n = every ? number_word(every + 6) : 0;
	if (n == 0) {
		/* "2 weeks", "three-weekly" */
		for (const char *s = buf; *s && n == 0; s++)
			if (s == buf || s[-1] == ' ')
				n = number_word(s);
	}
	return (n > 0 ? n : 1) * unit;
}

/*
 * Gathering
 */

static void
load_agreement(struct coach_repo *r, struct agenda *a)
{
	char *path = coach_path_agreement(a->coachee);
	struct coach_problems problems = COACH_PROBLEMS_INIT;
	if (coach_load_one(r, path, &a->agreement, &problems) == 1) {
		coach_agreement_coaches(a->agreement.rec, &a->coaches);
		a->cadence_days = cadence_days(coach_record_str(
		    a->agreement.rec, "cadence"));
	}
	coach_warn_problems(&problems);
	coach_problems_free(&problems);
	free(path);
}

/* Keeps the items of l that pass keep, in order. */
static void
filter(struct coach_loaded_list *l,
	int (*keep)(const struct coach_record *rec))
{
	size_t k = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (keep(l->v[i].rec))
			l->v[k++] = l->v[i];
		else
			coach_loaded_free(&l->v[i]);
	}
	l->n = k;
}

static int
goal_active(const struct coach_record *rec)
{
	const char *s = coach_record_str(rec, "status");
	return s && strcmp(s, "active") == 0;
}

static int
cycle_open(const struct coach_record *rec)
{
	return coach_cycle_open(rec);
}

/* The closed cycle with the latest closed date. */
static struct coach_error *
load_cycles(struct coach_repo *r, struct agenda *a)
{
	struct coach_loaded_list all = { 0 };
	struct coach_error *err = coach_load_all(r, COACH_KIND_CYCLE,
	    a->coachee, "started", &all);
	if (err)
		return err;
	long best = -1;
	for (size_t i = 0; i < all.n; i++) {
		const char *closed = coach_record_str(all.v[i].rec, "closed");
		coach_day d;
		if (closed && coach_date_parse(closed, &d) == 0 && d >= best) {
			best = d;
			coach_loaded_free(&a->last_closed);
			a->last_closed = all.v[i];
			all.v[i] = (struct coach_loaded){ 0 };
		}
	}
	/* Moved-out slots hold no record: drop them with the closed. */
	size_t k = 0;
	for (size_t i = 0; i < all.n; i++)
		if (all.v[i].rec)
			all.v[k++] = all.v[i];
	all.n = k;
	filter(&all, cycle_open);
	a->cycles = all;
	return NULL;
}

static void
add_evidence(struct agenda *a, const char *ref, const char *from)
{
	if (coach_strlist_has(&a->evidence_refs, ref))
		return;
	coach_strlist_add(&a->evidence_refs, ref);
	coach_strlist_add_owned(&a->evidence, from ?
	    coach_xasprintf("%s (%s)", ref, from) : coach_xstrdup(ref));
}

/* Evidence of the entries after the last meeting, and evidence files
 * added since it. */
static struct coach_error *
gather_evidence(struct coach_repo *r, struct agenda *a)
{
	struct coach_loaded_list entries = { 0 };
	struct coach_error *err = coach_load_all(r, COACH_KIND_ENTRY,
	    a->coachee, "date", &entries);
	if (err)
		return err;
	for (size_t i = 0; i < entries.n; i++) {
		const struct coach_record *rec = entries.v[i].rec;
		const char *date = coach_record_str(rec, "date");
		const struct coach_fm_node *ev = coach_fm_get(
		    coach_record_fm_const(rec), "evidence");
		if (ev == NULL || coach_fm_node_type(ev) != COACH_FM_SEQ ||
		    date == NULL || (a->meeting_date &&
		    strcmp(date, a->meeting_date) < 0) ||
		    (a->meeting_path && strcmp(entries.v[i].path,
		    a->meeting_path) == 0))
			continue;
		char *from = coach_xasprintf("%s %s, %s",
		    coach_dash(coach_record_str(rec, "kind")),
		    coach_dash(coach_repo_abbrev(r, coach_record_str(rec,
		    "id"))), date);
		for (size_t k = 0; k < coach_fm_node_len(ev); k++) {
			const char *ref = coach_fm_node_str(
			    coach_fm_node_item(ev, k));
			if (ref && *ref)
				add_evidence(a, ref, from);
		}
		free(from);
	}
	for (size_t i = 0; i < a->since.n; i++)
		if (a->since.v[i].kind == COACH_KIND_EVIDENCE &&
		    a->since.v[i].what != COACH_CHANGE_REMOVED)
			add_evidence(a, a->since.v[i].path, "new file");
	coach_loaded_list_free(&entries);
	return NULL;
}

static void
load_prompts(struct coach_repo *r, struct agenda *a)
{
	const struct coach_fm_node *n = coach_fm_get(coach_repo_config(r),
	    "agenda_prompts");
	if (n && coach_fm_node_type(n) == COACH_FM_SEQ) {
		for (size_t i = 0; i < coach_fm_node_len(n); i++) {
			const char *s = coach_fm_node_str(
			    coach_fm_node_item(n, i));
			if (s && *s)
				coach_strlist_add(&a->prompts, s);
		}
		return;
	}
	for (size_t i = 0; default_prompts[i]; i++)
		coach_strlist_add(&a->prompts, default_prompts[i]);
}

/* An agenda may be shared: no private entry is ever quoted in it. */
static int
quote_public(void *arg, const char *path, const struct coach_record *entry)
{
	(void)arg;
	(void)path;
	return !coach_entry_private(entry);
}

static struct coach_error *
gather(struct coach_repo *r, const char *coachee, struct agenda *a)
{
	struct coach_recdiff_opts opts = { quote_public, NULL, NULL,
		coach_id_abbrev_of, r };
	struct coach_error *err;
	coach_day day;
	a->coachee = coach_xstrdup(coachee);
	a->days_since = -1;
	load_agreement(r, a);
	if ((err = coach_last_meeting(r, coachee, &a->meeting_path,
	    &a->meeting_date)) ||
	    (err = load_cycles(r, a)) ||
	    (err = coach_load_all(r, COACH_KIND_GOAL, coachee, "opened",
	    &a->goals)))
		return err;
	filter(&a->goals, goal_active);
	if (a->meeting_date && coach_date_parse(a->meeting_date, &day) == 0)
		a->days_since = coach_date_today() - day;
	if ((err = coach_diff_coachee(r, coachee, NULL, NULL, &opts, &a->span,
	    &a->since)))
		return err;
	coach_changes_warn(&a->since);
	if ((err = gather_evidence(r, a)))
		return err;
	load_prompts(r, a);
	return NULL;
}

/*
 * Writing
 */

/* A record's text made safe for a terminal, kept in pool until the page
 * is written. */
static const char *
safe(struct coach_strlist *pool, const char *s)
{
	struct coach_buf b = COACH_BUF_INIT;
	coach_term_line(&b, s ? s : "");
	coach_strlist_add_owned(pool, b.ptr ? coach_buf_detach(&b) :
	    coach_xstrdup(""));
	return pool->v[pool->n - 1];
}

static const char *
agr(const struct agenda *a, const char *key)
{
	return a->agreement.rec ? coach_record_str(a->agreement.rec, key) :
	    NULL;
}

/* "last meeting 2026-11-10, 16 days ago: 2 days past the fortnightly
 * cadence" */
static void
meeting_line(struct coach_buf *b, const struct agenda *a,
	struct coach_strlist *pool)
{
	if (a->meeting_date == NULL) {
		coach_buf_puts(b, "no meeting logged yet");
		return;
	}
	coach_buf_printf(b, "last meeting %s", safe(pool, a->meeting_date));
	if (a->days_since < 0)
		return;
	coach_buf_printf(b, ", %ld day%s ago", a->days_since,
	    a->days_since == 1 ? "" : "s");
	if (a->cadence_days == 0)
		return;
	if (a->days_since > a->cadence_days)
		coach_buf_printf(b, ": %ld day%s past the cadence of %ld days",
		    a->days_since - a->cadence_days,
		    a->days_since - a->cadence_days == 1 ? "" : "s",
		    a->cadence_days);
	else
		coach_buf_printf(b, ": within the cadence of %ld days",
		    a->cadence_days);
}

/* "practise, review 2026-11-28 (overdue)" */
static void
cycle_line(struct coach_buf *b, const struct coach_record *c,
	struct coach_strlist *pool)
{
	const char *review = coach_record_str(c, "review");
	coach_buf_printf(b, "%s", safe(pool, coach_dash(coach_record_str(c,
	    "phase"))));
	if (review && *review)
		coach_buf_printf(b, ", review %s%s", safe(pool, review),
		    coach_cycle_overdue(c) ? ", overdue" : "");
	else
		coach_buf_puts(b, ", no review date");
}

/* "10 → 14 → 24 pupils answering" */
static void
goal_line(struct coach_buf *b, const struct coach_record *g,
	struct coach_strlist *pool)
{
	const struct coach_fm *fm = coach_record_fm_const(g);
	const struct coach_fm_node *m = coach_fm_get(fm, "measure");
	const struct coach_fm_node *latest = NULL;
	double progress;
	if (m == NULL || coach_fm_node_type(m) != COACH_FM_MAP) {
		coach_buf_puts(b, "no measure");
		return;
	}
	const struct coach_fm_node *base = coach_fm_node_lookup(m, "baseline");
	const struct coach_fm_node *target = coach_fm_node_lookup(m, "target");
	const struct coach_fm_node *name = coach_fm_node_lookup(m, "name");
	int has = coach_goal_progress(fm, &progress, NULL, &latest) == 0;
	if (!has)
		coach_goal_latest(fm, NULL, &latest);
	coach_buf_printf(b, "%s → %s → %s",
	    safe(pool, coach_dash(base ? coach_fm_node_str(base) : NULL)),
	    latest ? safe(pool, coach_dash(coach_fm_node_str(latest))) :
	    "(none yet)",
	    safe(pool, coach_dash(target ? coach_fm_node_str(target) : NULL)));
	if (name && coach_fm_node_str(name))
		coach_buf_printf(b, " %s", safe(pool, coach_fm_node_str(name)));
	if (has)
		coach_buf_printf(b, " (%.0f%% of the way)", progress * 100);
}

static void
text_section(const struct coach_ctx *ctx, struct coach_buf *b,
	const char *title)
{
	coach_buf_printf(b, "\n%s%s%s\n", coach_sgr_bold(ctx), title,
	    coach_sgr_reset(ctx));
}

/* Text or markdown: the two differ in headings and bullets only. */
static void
agenda_page(const struct coach_ctx *ctx, struct coach_buf *out,
	const struct agenda *a, int md)
{
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_strlist pool = COACH_STRLIST_INIT;
	const char *bullet = md ? "- " : "  ";
#define S(x) safe(&pool, (x))
#define ID(x) coach_repo_abbrev(ctx->repo, (x))
#define SECTION(t) do { if (md) coach_buf_printf(&b, "\n## %s\n\n", (t)); \
	else text_section(ctx, &b, (t)); } while (0)

	if (md)
		coach_buf_printf(&b, "# Meeting with %s\n\n", a->coachee);
	else
		coach_buf_printf(&b, "%sAgenda for %s%s\n",
		    coach_sgr_bold(ctx), a->coachee, coach_sgr_reset(ctx));
	if (a->agreement.rec == NULL)
		coach_buf_printf(&b, "%sno agreement yet\n", md ? "" : "  ");
	else {
		coach_buf_printf(&b, "%sFocus: %s\n", md ? "" : "  ",
		    S(coach_dash(agr(a, "focus"))));
		if (md)
			coach_buf_puts(&b, "\n");
		coach_buf_printf(&b, "%sCadence: %s; ", md ? "" : "  ",
		    S(coach_dash(agr(a, "cadence"))));
		meeting_line(&b, a, &pool);
		coach_buf_putc(&b, '\n');
	}
	if (a->agreement.rec == NULL) {
		coach_buf_printf(&b, "%s", md ? "\n" : "  ");
		meeting_line(&b, a, &pool);
		coach_buf_putc(&b, '\n');
	}

	SECTION("Open cycles");
	for (size_t i = 0; i < a->cycles.n; i++) {
		const struct coach_record *c = a->cycles.v[i].rec;
		coach_buf_printf(&b, "%s%s%s%s: ", bullet, md ? "**" : "",
		    S(coach_dash(ID(coach_record_str(c, "id")))),
		    md ? "**" : "");
		coach_buf_printf(&b, "%s (", S(coach_dash(coach_record_str(c,
		    "step"))));
		cycle_line(&b, c, &pool);
		coach_buf_puts(&b, ")\n");
	}
	if (a->cycles.n == 0)
		coach_buf_printf(&b, "%snone open\n", bullet);

	SECTION("Active goals");
	for (size_t i = 0; i < a->goals.n; i++) {
		const struct coach_record *g = a->goals.v[i].rec;
		coach_buf_printf(&b, "%s%s%s%s %s: ", bullet, md ? "**" : "",
		    S(coach_dash(ID(coach_record_str(g, "id")))),
		    md ? "**" : "",
		    S(coach_dash(coach_record_str(g, "title"))));
		goal_line(&b, g, &pool);
		coach_buf_putc(&b, '\n');
	}
	if (a->goals.n == 0)
		coach_buf_printf(&b, "%snone active\n", bullet);

	SECTION("Since the last meeting");
	if (a->since.n == 0)
		coach_buf_printf(&b, "%snothing changed\n", bullet);
	coach_changes_text(ctx, &b, &a->since, bullet, SINCE_MAX);

	SECTION("Evidence to look at");
	for (size_t i = 0; i < a->evidence.n; i++)
		coach_buf_printf(&b, "%s%s\n", bullet, S(a->evidence.v[i]));
	if (a->evidence.n == 0)
		coach_buf_printf(&b, "%snone new\n", bullet);

	if (a->last_closed.rec) {
		const struct coach_record *c = a->last_closed.rec;
		const char *next = coach_record_str(c, "next");
		SECTION("To try next, from the last cycle");
		coach_buf_printf(&b, "%s%s closed %s: %s\n", md ? "> " :
		    "  ", S(coach_dash(ID(coach_record_str(c, "id")))),
		    S(coach_dash(coach_record_str(c, "closed"))),
		    next && *next ? S(next) : "(nothing written)");
	}

	for (size_t i = 0; i < a->prompts.n; i++) {
		if (md)
			coach_buf_printf(&b, "\n## %s\n", S(a->prompts.v[i]));
		else {
			if (i == 0)
				text_section(ctx, &b, "Prompts");
			coach_buf_printf(&b, "  %s\n", S(a->prompts.v[i]));
		}
	}
#undef SECTION
#undef S
#undef ID
	coach_buf_add(out, b.ptr ? b.ptr : "", b.len);
	coach_buf_free(&b);
	coach_strlist_free(&pool);
}

static void
json_goal(struct coach_json *j, const struct coach_record *g)
{
	const struct coach_fm *fm = coach_record_fm_const(g);
	const struct coach_fm_node *m = coach_fm_get(fm, "measure");
	const struct coach_fm_node *latest = NULL;
	const char *latest_date = NULL;
	double progress;
	int has = coach_goal_progress(fm, &progress, &latest_date, &latest) ==
	    0;
	if (!has)
		coach_goal_latest(fm, &latest_date, &latest);
	coach_json_obj_begin(j);
	coach_json_key(j, "id");
	coach_json_fm_key(j, fm, "id");
	coach_json_key(j, "title");
	coach_json_fm_key(j, fm, "title");
	coach_json_key(j, "measure");
	coach_json_fm_node(j, m ? coach_fm_node_lookup(m, "name") : NULL);
	coach_json_key(j, "baseline");
	coach_json_fm_node(j, m ? coach_fm_node_lookup(m, "baseline") : NULL);
	coach_json_key(j, "latest");
	coach_json_fm_node(j, latest);
	coach_json_key(j, "latest_date");
	coach_json_str(j, latest_date);
	coach_json_key(j, "target");
	coach_json_fm_node(j, m ? coach_fm_node_lookup(m, "target") : NULL);
	coach_json_key(j, "progress");
	if (has)
		coach_json_num(j, progress);
	else
		coach_json_null(j);
	coach_json_obj_end(j);
}

static void
json_cycle(struct coach_json *j, const struct coach_record *c)
{
	const struct coach_fm *fm = coach_record_fm_const(c);
	coach_json_obj_begin(j);
	coach_json_key(j, "id");
	coach_json_fm_key(j, fm, "id");
	coach_json_key(j, "goal");
	coach_json_fm_key(j, fm, "goal");
	coach_json_key(j, "step");
	coach_json_fm_key(j, fm, "step");
	coach_json_key(j, "phase");
	coach_json_fm_key(j, fm, "phase");
	coach_json_key(j, "review");
	coach_json_fm_key(j, fm, "review");
	coach_json_key(j, "overdue");
	coach_json_bool(j, coach_cycle_overdue(c));
	coach_json_obj_end(j);
}

static void
agenda_json(struct coach_json *j, const struct agenda *a)
{
	coach_json_obj_begin(j);
	coach_json_key(j, "coachee");
	coach_json_str(j, a->coachee);
	coach_json_key(j, "coaches");
	coach_json_arr_begin(j);
	for (size_t i = 0; i < a->coaches.n; i++)
		coach_json_str(j, a->coaches.v[i]);
	coach_json_arr_end(j);
	coach_json_key(j, "focus");
	coach_json_str(j, agr(a, "focus"));
	coach_json_key(j, "cadence");
	coach_json_str(j, agr(a, "cadence"));
	coach_json_key(j, "cadence_days");
	if (a->cadence_days)
		coach_json_int(j, a->cadence_days);
	else
		coach_json_null(j);
	coach_json_key(j, "last_meeting");
	coach_json_str(j, a->meeting_date);
	coach_json_key(j, "days_since_last_meeting");
	if (a->days_since >= 0)
		coach_json_int(j, a->days_since);
	else
		coach_json_null(j);
	coach_json_key(j, "meeting_overdue");
	coach_json_bool(j, a->cadence_days && a->days_since > a->cadence_days);
	coach_json_key(j, "open_cycles");
	coach_json_arr_begin(j);
	for (size_t i = 0; i < a->cycles.n; i++)
		json_cycle(j, a->cycles.v[i].rec);
	coach_json_arr_end(j);
	coach_json_key(j, "active_goals");
	coach_json_arr_begin(j);
	for (size_t i = 0; i < a->goals.n; i++)
		json_goal(j, a->goals.v[i].rec);
	coach_json_arr_end(j);
	coach_json_key(j, "since_last_meeting");
	coach_changes_json(j, &a->since);
	coach_json_key(j, "evidence");
	coach_json_arr_begin(j);
	for (size_t i = 0; i < a->evidence_refs.n; i++)
		coach_json_str(j, a->evidence_refs.v[i]);
	coach_json_arr_end(j);
	coach_json_key(j, "next");
	coach_json_str(j, a->last_closed.rec ? coach_record_str(
	    a->last_closed.rec, "next") : NULL);
	coach_json_key(j, "prompts");
	coach_json_arr_begin(j);
	for (size_t i = 0; i < a->prompts.n; i++)
		coach_json_str(j, a->prompts.v[i]);
	coach_json_arr_end(j);
	coach_json_obj_end(j);
}

static struct coach_error *
parse_args(struct coach_ctx *ctx, int argc, char **argv,
	const char **coachee, enum agenda_format *format)
{
	const char *value = coach_opt_value(ctx, "format");
	if (value == NULL || strcmp(value, "text") == 0)
		*format = AGENDA_TEXT;
	else if (strcmp(value, "json") == 0)
		*format = AGENDA_JSON;
	else if (strcmp(value, "markdown") == 0)
		*format = AGENDA_MARKDOWN;
	else
		return coach_usage(ctx, "--format takes text, json or "
		    "markdown, not '%s'", value);
	*coachee = argc > 1 ? argv[1] : NULL;
	return NULL;
}

static struct coach_error *
agenda_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	const char *arg = NULL;
	enum agenda_format format = AGENDA_TEXT;
	struct coach_strlist who = COACH_STRLIST_INIT;
	struct coach_buf out = COACH_BUF_INIT;
	struct coach_json j;
	struct coach_error *err = parse_args(ctx, argc, argv, &arg, &format);
	if (err)
		return err;
	if (arg) {
		char *c = NULL;
		if ((err = coach_repo_coachee(ctx->repo, arg, &c)))
			goto done;
		coach_strlist_add_owned(&who, c);
	} else if ((err = coach_my_coachees(ctx->repo, &who))) {
		goto done;
	}
	coach_json_init(&j, &out, 1);
	if (format == AGENDA_JSON) {
		coach_json_obj_begin(&j);
		coach_json_key(&j, "coachees");
		coach_json_arr_begin(&j);
	}
	for (size_t i = 0; i < who.n && !err; i++) {
		struct agenda a = { 0 };
		if ((err = gather(ctx->repo, who.v[i], &a)) == NULL) {
			if (format == AGENDA_JSON)
				agenda_json(&j, &a);
			else {
				if (i)
					coach_buf_puts(&out, "\n");
				agenda_page(ctx, &out, &a, format ==
				    AGENDA_MARKDOWN);
			}
		}
		agenda_free(&a);
	}
	if (err)
		goto done;
	if (format == AGENDA_JSON) {
		coach_json_arr_end(&j);
		coach_json_obj_end(&j);
		coach_buf_putc(&out, '\n');
	} else if (format == AGENDA_TEXT) {
		coach_pager_start(ctx);
	}
	coach_out(out.ptr ? out.ptr : "", out.len);
done:
	coach_buf_free(&out);
	coach_strlist_free(&who);
	return err;
}

static const struct coach_opt agenda_opts[] = {
	{ "format", 0, COACH_OPT_VALUE, "text|json|markdown", "text for "
	    "people (default), JSON, or Markdown for a meeting note" },
	{ 0 },
};

static const struct coach_form agenda_forms[] = {
	{ .usage = "[COACHEE] [--format text|json|markdown]",
	  .opts = agenda_opts, .max = 1,
	  .extra = "too many arguments: agenda takes one COACHEE",
	  .exec = agenda_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_agenda = {
	.name = "agenda",
	.summary = "prepare the next meeting: steps, reviews, what changed",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = agenda_forms,
};
