/*
 * report.c: the figures of "coach report" (see report.h).
 */
#include "report.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model.h"
#include "record.h"
#include "util.h"

const char *const coach_report_bys[] = {
	"school", "person", "coach", "subject", "phase", "priority",
	"strategy", NULL,
};

const char *const coach_report_outcomes[] = {
	"met", "partly", "not-yet", "none",
};

/* The school being counted, and where the figures go. */
struct build {
	const struct coach_report_opts *o;
	struct coach_report *rep;
	coach_day asof;
	const struct coach_report_school *sc;
	int trust; /* a trust's report: keys of people name their school */
};

double
coach_report_clamp(double p)
{
	if (isnan(p))
		return p;
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double
coach_report_median(double *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

long
coach_report_cadence_days(const char *c)
{
	static const struct { const char *word; long days; } words[] = {
		{ "daily", 1 }, { "weekly", 7 }, { "fortnightly", 14 },
		{ "monthly", 30 }, { "half-termly", 42 }, { "termly", 91 },
		{ "every week", 7 }, { "every fortnight", 14 },
		{ "every month", 30 },
	};
	if (c == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strcasecmp(c, words[i].word) == 0)
			return words[i].days;
	long n;
	char unit[16];
	if (sscanf(c, "every %ld %15s", &n, unit) == 2 && n > 0 && n < 1000) {
		if (strncasecmp(unit, "day", 3) == 0)
			return n;
		if (strncasecmp(unit, "week", 4) == 0)
			return n * 7;
		if (strncasecmp(unit, "month", 5) == 0)
			return n * 30;
	}
	return -1;
}

int
coach_report_individual_allowed(struct coach_repo *r)
{
	return coach_report_config_individual(coach_repo_config(r));
}

int
coach_report_config_individual(const struct coach_fm *cfg)
{
	const struct coach_fm_node *p = coach_fm_get(cfg, "privacy");
	int b;
	if (p == NULL || coach_fm_node_type(p) != COACH_FM_MAP)
		return 1;
	const struct coach_fm_node *n = coach_fm_node_lookup(p, "individual");
	return !(n && coach_fm_node_bool(n, &b) == 0 && b == 0);
}

static int
day_of(const struct coach_record *rec, const char *key, coach_day *out)
{
	const char *s = coach_record_str(rec, key);
	return s && coach_date_parse(s, out) == 0 ? 0 : -1;
}

static int
in_window(const struct build *b, coach_day d)
{
	return !(b->o->has_since && d < b->o->since) &&
	    !(b->o->has_until && d > b->o->until);
}

static size_t
index_in(const char *const *list, const char *s, size_t other)
{
	for (size_t i = 0; s && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return other;
}

/*
 * Groups
 */

static struct coach_report_group *
group_get(struct build *b, const char *key)
{
	struct coach_report *rep = b->rep;
	for (size_t i = 0; i < rep->ngroups; i++)
		if (strcmp(rep->groups[i].key, key) == 0)
			return &rep->groups[i];
	rep->groups = coach_xrealloc(rep->groups,
	    (rep->ngroups + 1) * sizeof(*rep->groups));
	struct coach_report_group *g = &rep->groups[rep->ngroups++];
	memset(g, 0, sizeof(*g));
	g->key = coach_xstrdup(key);
	g->phases = coach_xcalloc(rep->nphases, sizeof(*g->phases));
	return g;
}

/* Adds the scalar texts of n (a scalar or a list) to out. */
static void
add_texts(const struct coach_fm_node *n, struct coach_strlist *out)
{
	if (n == NULL)
		return;
	if (coach_fm_node_type(n) == COACH_FM_SCALAR) {
		if (*coach_fm_node_str(n))
			coach_strlist_add(out, coach_fm_node_str(n));
		return;
	}
	if (coach_fm_node_type(n) != COACH_FM_SEQ)
		return;
	for (size_t i = 0; i < coach_fm_node_len(n); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(n, i);
		if (coach_fm_node_type(it) == COACH_FM_SCALAR &&
		    *coach_fm_node_str(it))
			coach_strlist_add(out, coach_fm_node_str(it));
	}
}

static const struct coach_record *
find_in(const struct coach_loaded_list *l, const char *coachee,
	const char *id)
{
	if (id == NULL || coachee == NULL)
		return NULL;
	for (size_t i = 0; i < l->n; i++) {
		const char *rid = coach_record_str(l->v[i].rec, "id");
		if (l->v[i].coachee && strcmp(l->v[i].coachee, coachee) == 0 &&
		    rid && strcmp(rid, id) == 0)
			return l->v[i].rec;
	}
	return NULL;
}

static const struct coach_record *
staff_of(const struct build *b, const char *handle)
{
	const struct coach_loaded_list *l = &b->sc->staff;
	for (size_t i = 0; handle && i < l->n; i++)
		if (l->v[i].id && strcmp(l->v[i].id, handle) == 0)
			return l->v[i].rec;
	return NULL;
}

static const struct coach_record *
agreement_of(const struct build *b, const char *coachee)
{
	const struct coach_loaded_list *l = &b->sc->agreements;
	for (size_t i = 0; coachee && i < l->n; i++)
		if (l->v[i].coachee && strcmp(l->v[i].coachee, coachee) == 0)
			return l->v[i].rec;
	return NULL;
}

/* The school's key: the trust's name for it, else coach.yml's. */
static const char *
school_key(const struct build *b)
{
	const char *s = coach_fm_str(b->sc->config, "school");
	if (b->sc->name)
		return b->sc->name;
	return s && *s ? s : "school";
}

/* A trust's keys of people say whose school they are in: "school/bob". */
static void
add_person(const struct build *b, const char *handle,
	struct coach_strlist *out)
{
	if (b->trust)
		coach_strlist_add_owned(out, coach_xasprintf("%s/%s",
		    school_key(b), handle));
	else
		coach_strlist_add(out, handle);
}

/*
 * The keys of the groups a record of coachee counts in; goal is the goal
 * it is about (the goal itself, a cycle's, an entry's), or NULL.
 * Without a value the record is in COACH_REPORT_NONE; each key once.
 */
static void
keys_of(const struct build *b, const char *coachee,
	const struct coach_record *goal, struct coach_strlist *out)
{
	struct coach_strlist k = COACH_STRLIST_INIT;
	const struct coach_record *st = staff_of(b, coachee);
	const struct coach_record *ag = agreement_of(b, coachee);
	switch (b->o->by) {
	case COACH_BY_SCHOOL:
		coach_strlist_add(&k, school_key(b));
		break;
	case COACH_BY_PERSON:
		if (coachee)
			add_person(b, coachee, &k);
		break;
	case COACH_BY_COACH:
		if (ag) {
			struct coach_strlist c = COACH_STRLIST_INIT;
			coach_agreement_coaches(ag, &c);
			for (size_t i = 0; i < c.n; i++)
				add_person(b, c.v[i], &k);
			coach_strlist_free(&c);
		}
		break;
	case COACH_BY_SUBJECT:
		if (st)
			add_texts(coach_fm_get(coach_record_fm_const(st),
			    "subjects"), &k);
		break;
	case COACH_BY_PHASE:
		if (st)
			add_texts(coach_fm_get(coach_record_fm_const(st),
			    "phase"), &k);
		break;
	case COACH_BY_PRIORITY:
		if (goal)
			add_texts(coach_fm_get(coach_record_fm_const(goal),
			    "priority"), &k);
		break;
	case COACH_BY_STRATEGY:
		if (goal)
			add_texts(coach_fm_get(coach_record_fm_const(goal),
			    "strategies"), &k);
		break;
	}
	for (size_t i = 0; i < k.n; i++)
		if (*k.v[i] && !coach_strlist_has(out, k.v[i]))
			coach_strlist_add(out, k.v[i]);
	if (out->n == 0)
		coach_strlist_add(out, COACH_REPORT_NONE);
	coach_strlist_free(&k);
}

/*
 * Goals
 */

static int
num(const struct coach_fm_node *n, double *out)
{
	return n && coach_fm_node_number(n, out) == 0 && isfinite(*out) ? 0 :
	    -1;
}

/* The goal's progress from its latest measurement in the window; -1 when
 * it has no usable measure or no measurement there. */
static int
goal_progress(const struct build *b, const struct coach_record *goal,
	double *out)
{
	const struct coach_fm *fm = coach_record_fm_const(goal);
	const struct coach_fm_node *m = coach_fm_get(fm, "measure");
	const struct coach_fm_node *ms = coach_fm_get(fm, "measurements");
	double base, target, value = 0, v;
	coach_day best = 0, d;
	int found = 0;
	if (m == NULL || coach_fm_node_type(m) != COACH_FM_MAP ||
	    num(coach_fm_node_lookup(m, "baseline"), &base) ||
	    num(coach_fm_node_lookup(m, "target"), &target) ||
	    base == target || ms == NULL ||
	    coach_fm_node_type(ms) != COACH_FM_SEQ)
		return -1;
	for (size_t i = 0; i < coach_fm_node_len(ms); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(ms, i);
		const struct coach_fm_node *dn = coach_fm_node_lookup(it,
		    "date");
		if (coach_fm_node_type(it) != COACH_FM_MAP || dn == NULL ||
		    coach_fm_node_type(dn) != COACH_FM_SCALAR ||
		    coach_date_parse(coach_fm_node_str(dn), &d) != 0 ||
		    num(coach_fm_node_lookup(it, "value"), &v) ||
		    !in_window(b, d))
			continue;
		/* The latest date; the later item when two share it. */
		if (!found || d >= best) {
			best = d;
			value = v;
			found = 1;
		}
	}
	if (!found)
		return -1;
	*out = coach_report_clamp((value - base) / (target - base));
	return isnan(*out) ? -1 : 0;
}

/* The goal's status on the day of the report: active when it closed
 * after until. */
static size_t
goal_status(const struct build *b, const struct coach_record *goal)
{
	coach_day closed;
	if (b->o->has_until && day_of(goal, "closed", &closed) == 0 &&
	    closed > b->o->until)
		return 0;
	return index_in(coach_goal_statuses, coach_record_str(goal, "status"),
	    COACH_REPORT_NSTATUS - 1);
}

static void
count_goal(struct build *b, const struct coach_loaded *l)
{
	coach_day opened;
	if (b->o->has_until && day_of(l->rec, "opened", &opened) == 0 &&
	    opened > b->o->until)
		return;
	size_t st = goal_status(b, l->rec);
	double p;
	int measured = goal_progress(b, l->rec, &p) == 0;
	struct coach_strlist keys = COACH_STRLIST_INIT;
	keys_of(b, l->coachee, l->rec, &keys);
	for (size_t i = 0; i < keys.n; i++) {
		struct coach_report_group *g = group_get(b, keys.v[i]);
		g->goals[st]++;
		g->goals_total++;
		if (measured) {
			g->measured++;
			g->progress_sum += p;
		}
	}
	coach_strlist_free(&keys);
}

/*
 * Cycles
 */

struct cycle_fig {
	int open, completed, overdue, has_days;
	size_t phase, outcome;
	double days;
};

/* What the cycle adds; -1 when it did not run during the window. */
static int
cycle_figures(const struct build *b, const struct coach_record *c,
	const struct coach_report *rep, struct cycle_fig *f)
{
	coach_day started, closed, review;
	int has_started = day_of(c, "started", &started) == 0;
	int has_closed = day_of(c, "closed", &closed) == 0;
	memset(f, 0, sizeof(*f));
	if (b->o->has_until && has_started && started > b->o->until)
		return -1;
	if (b->o->has_since && has_closed && closed < b->o->since)
		return -1;
	f->open = coach_cycle_open(c) ||
	    (b->o->has_until && has_closed && closed > b->o->until);
	if (f->open) {
		/* A phase of this school's cycle, at its place in the
		 * report's (a trust's schools may have different cycles). */
		const char *ph = coach_record_str(c, "phase");
		f->phase = rep->nphases - 1;
		for (size_t i = 0; ph && i + 1 < rep->nphases; i++)
			if (strcmp(ph, rep->phases[i]) == 0 &&
			    coach_strlist_has(&b->sc->phases, ph))
				f->phase = i;
		f->overdue = day_of(c, "review", &review) == 0 &&
		    review < b->asof;
		return 0;
	}
	if (!has_closed || !in_window(b, closed))
		return 0;
	f->completed = 1;
	f->outcome = index_in(coach_cycle_outcomes,
	    coach_record_str(c, "outcome"), COACH_REPORT_NOUTCOME - 1);
	if (has_started && closed >= started) {
		f->has_days = 1;
		f->days = (double)(closed - started);
	}
	return 0;
}

static void
add_day(struct coach_report_group *g, double d)
{
	if (g->days_n == g->days_cap) {
		g->days_cap = g->days_cap ? 2 * g->days_cap : 8;
		g->days_v = coach_xrealloc(g->days_v,
		    g->days_cap * sizeof(*g->days_v));
	}
	g->days_v[g->days_n++] = d;
}

static void
count_cycle(struct build *b, const struct coach_loaded *l)
{
	struct cycle_fig f;
	if (cycle_figures(b, l->rec, b->rep, &f) != 0)
		return;
	const struct coach_record *goal = find_in(&b->sc->goals, l->coachee,
	    coach_record_str(l->rec, "goal"));
	struct coach_strlist keys = COACH_STRLIST_INIT;
	keys_of(b, l->coachee, goal, &keys);
	for (size_t i = 0; i < keys.n; i++) {
		struct coach_report_group *g = group_get(b, keys.v[i]);
		if (f.open) {
			g->cycles_open++;
			g->phases[f.phase]++;
			g->overdue += (size_t)f.overdue;
		}
		if (f.completed) {
			g->completed++;
			g->outcomes[f.outcome]++;
		}
		if (f.has_days)
			add_day(g, f.days);
	}
	coach_strlist_free(&keys);
}

/*
 * Entries
 */

static const struct coach_record *
goal_of_entry(const struct build *b, const struct coach_loaded *l)
{
	const char *gid = coach_record_str(l->rec, "goal");
	if (gid == NULL) {
		const struct coach_record *c = find_in(&b->sc->cycles,
		    l->coachee, coach_record_str(l->rec, "cycle"));
		gid = c ? coach_record_str(c, "goal") : NULL;
	}
	return find_in(&b->sc->goals, l->coachee, gid);
}

static void
count_entry(struct build *b, const struct coach_loaded *l)
{
	coach_day d;
	double hours = 0;
	if (day_of(l->rec, "date", &d) != 0) {
		if (b->o->has_since || b->o->has_until)
			return;
	} else if (!in_window(b, d)) {
		return;
	}
	size_t kind = index_in(coach_entry_kinds,
	    coach_record_str(l->rec, "kind"), COACH_REPORT_NKIND - 1);
	int cpd = kind < COACH_REPORT_NKIND - 1 &&
	    strcmp(coach_entry_kinds[kind], "cpd") == 0;
	if (cpd && (num(coach_fm_get(coach_record_fm_const(l->rec), "hours"),
	    &hours) || hours < 0))
		hours = 0;
	struct coach_strlist keys = COACH_STRLIST_INIT;
	keys_of(b, l->coachee, goal_of_entry(b, l), &keys);
	for (size_t i = 0; i < keys.n; i++) {
		struct coach_report_group *g = group_get(b, keys.v[i]);
		g->entries[kind]++;
		g->entries_total++;
		if (kind == 0)
			g->meetings++;
		g->cpd_hours += hours;
	}
	coach_strlist_free(&keys);
}

/*
 * Relationships (by person and by coach)
 */

static void
fill_rel(const struct build *b, const struct coach_loaded *ag,
	struct coach_report_rel *rel)
{
	struct coach_strlist coaches = COACH_STRLIST_INIT;
	struct coach_buf buf = COACH_BUF_INIT;
	coach_agreement_coaches(ag->rec, &coaches);
	for (size_t i = 0; i < coaches.n; i++)
		coach_buf_printf(&buf, "%s%s", i ? ", " : "", coaches.v[i]);
	coach_strlist_free(&coaches);
	rel->coachee = b->trust ? coach_xasprintf("%s/%s", school_key(b),
	    ag->coachee) : coach_xstrdup(ag->coachee);
	rel->coaches = coach_buf_detach(&buf);
	const char *cad = coach_record_str(ag->rec, "cadence");
	rel->cadence = cad ? coach_xstrdup(cad) : NULL;
	rel->cadence_days = coach_report_cadence_days(cad);
	for (size_t i = 0; i < b->sc->entries.n; i++) {
		const struct coach_loaded *e = &b->sc->entries.v[i];
		const char *kind = coach_record_str(e->rec, "kind");
		coach_day d;
		if (e->coachee == NULL || strcmp(e->coachee, ag->coachee) ||
		    kind == NULL || strcmp(kind, "meeting") ||
		    day_of(e->rec, "date", &d) || d > b->asof)
			continue;
		if (!rel->has_met || d > rel->last_met)
			rel->last_met = d;
		rel->has_met = 1;
	}
	rel->days = rel->has_met ? (long)(b->asof - rel->last_met) : -1;
	rel->late = rel->cadence_days >= 0 &&
	    (!rel->has_met || rel->days > rel->cadence_days);
}

static void
add_rels(struct build *b)
{
	for (size_t i = 0; i < b->sc->agreements.n; i++) {
		const struct coach_loaded *ag = &b->sc->agreements.v[i];
		if (ag->coachee == NULL || coach_agreement_ended(ag->rec))
			continue;
		struct coach_strlist keys = COACH_STRLIST_INIT;
		keys_of(b, ag->coachee, NULL, &keys);
		for (size_t k = 0; k < keys.n; k++) {
			struct coach_report_group *g = group_get(b, keys.v[k]);
			g->rels = coach_xrealloc(g->rels,
			    (g->nrels + 1) * sizeof(*g->rels));
			memset(&g->rels[g->nrels], 0, sizeof(*g->rels));
			fill_rel(b, ag, &g->rels[g->nrels++]);
		}
		coach_strlist_free(&keys);
	}
}

/*
 * The report
 */

static int
cmp_group(const void *a, const void *b)
{
	const struct coach_report_group *x = a, *y = b;
	int xn = strcmp(x->key, COACH_REPORT_NONE) == 0;
	int yn = strcmp(y->key, COACH_REPORT_NONE) == 0;
	if (xn != yn)
		return xn - yn; /* "(none)" last */
	return strcmp(x->key, y->key);
}

static void
finish_groups(struct coach_report *rep)
{
	for (size_t i = 0; i < rep->ngroups; i++) {
		struct coach_report_group *g = &rep->groups[i];
		g->has_median = g->days_n > 0;
		g->median_days = coach_report_median(g->days_v, g->days_n);
		g->progress = g->measured ?
		    g->progress_sum / (double)g->measured : 0;
	}
	if (rep->ngroups > 1)
		qsort(rep->groups, rep->ngroups, sizeof(*rep->groups),
		    cmp_group);
}

/* The phases of every school, each once, in the order first met; then
 * "other". */
static void
set_phases(const struct coach_report_school *sc, size_t n,
	struct coach_report *rep)
{
	struct coach_strlist all = COACH_STRLIST_INIT;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < sc[i].phases.n; k++)
			if (!coach_strlist_has(&all, sc[i].phases.v[k]))
				coach_strlist_add(&all, sc[i].phases.v[k]);
	rep->phases = coach_xcalloc(all.n + 1, sizeof(*rep->phases));
	for (size_t i = 0; i < all.n; i++)
		rep->phases[i] = coach_xstrdup(all.v[i]);
	rep->phases[all.n] = coach_xstrdup("other");
	rep->nphases = all.n + 1;
	coach_strlist_free(&all);
}

/* Moves the problems of from to rep, each path once: a linked coachee
 * folder is left out by every kind's listing. */
static void
move_problems(struct coach_problems *to, struct coach_problems *from)
{
	struct coach_problems keep = COACH_PROBLEMS_INIT;
	for (size_t i = 0; i < from->n; i++) {
		int seen = 0;
		for (size_t k = 0; k < to->n && !seen; k++)
			seen = strcmp(to->v[k].path, from->v[i].path) == 0;
		for (size_t k = 0; k < keep.n && !seen; k++)
			seen = strcmp(keep.v[k].path, from->v[i].path) == 0;
		if (!seen)
			coach_problems_add(&keep, from->v[i].path, "%s",
			    from->v[i].message);
	}
	coach_problems_free(from);
	coach_problems_move(to, &keep);
}

static struct coach_error *
load_all(struct coach_repo *r, struct coach_report_school *sc)
{
	struct coach_error *err;
	struct { enum coach_kind kind; struct coach_loaded_list *l; } k[] = {
		{ COACH_KIND_STAFF, &sc->staff },
		{ COACH_KIND_AGREEMENT, &sc->agreements },
		{ COACH_KIND_GOAL, &sc->goals },
		{ COACH_KIND_CYCLE, &sc->cycles },
		{ COACH_KIND_ENTRY, &sc->entries },
	};
	for (size_t i = 0; i < sizeof(k) / sizeof(*k); i++) {
		if ((err = coach_load_records(r, k[i].kind, NULL, NULL,
		    k[i].l)))
			return err;
		move_problems(&sc->problems, &k[i].l->problems);
	}
	return NULL;
}

/* Counts every record of b->sc. */
static void
count_school(struct build *b)
{
	const struct coach_report_school *sc = b->sc;
	if (b->o->by == COACH_BY_SCHOOL)
		group_get(b, school_key(b));
	for (size_t i = 0; i < sc->goals.n; i++)
		count_goal(b, &sc->goals.v[i]);
	for (size_t i = 0; i < sc->cycles.n; i++)
		count_cycle(b, &sc->cycles.v[i]);
	for (size_t i = 0; i < sc->entries.n; i++)
		count_entry(b, &sc->entries.v[i]);
	if (b->o->by == COACH_BY_PERSON || b->o->by == COACH_BY_COACH)
		add_rels(b);
}

static void
build_schools(const struct coach_report_school *sc, size_t n, int trust,
	const struct coach_report_opts *o, struct coach_report *out)
{
	struct build b;
	memset(&b, 0, sizeof(b));
	memset(out, 0, sizeof(*out));
	b.o = o;
	b.rep = out;
	b.trust = trust;
	b.asof = o->has_until ? o->until : o->today;
	out->by = o->by;
	set_phases(sc, n, out);
	for (size_t i = 0; i < n; i++) {
		b.sc = &sc[i];
		count_school(&b);
		for (size_t k = 0; k < sc[i].problems.n; k++)
			coach_problems_add(&out->problems,
			    sc[i].problems.v[k].path, "%s",
			    sc[i].problems.v[k].message);
	}
	finish_groups(out);
}

struct coach_error *
coach_report_build(struct coach_repo *r, const struct coach_report_opts *o,
	struct coach_report *out)
{
	struct coach_error *err;
	struct coach_report_school sc;
	memset(&sc, 0, sizeof(sc));
	memset(out, 0, sizeof(*out));
	sc.config = coach_repo_config(r);
	const struct coach_strlist *ph = coach_repo_phases(r);
	for (size_t i = 0; ph && i < ph->n; i++)
		coach_strlist_add(&sc.phases, ph->v[i]);
	if ((err = load_all(r, &sc)) == NULL)
		build_schools(&sc, 1, 0, o, out);
	coach_report_school_free(&sc);
	return err;
}

void
coach_report_build_trust(const struct coach_report_school *schools,
	size_t n, const struct coach_report_opts *o, struct coach_report *out)
{
	build_schools(schools, n, 1, o, out);
}

void
coach_report_school_free(struct coach_report_school *sc)
{
	free(sc->name);
	coach_fm_free(sc->own_config);
	coach_strlist_free(&sc->phases);
	coach_loaded_list_free(&sc->staff);
	coach_loaded_list_free(&sc->agreements);
	coach_loaded_list_free(&sc->goals);
	coach_loaded_list_free(&sc->cycles);
	coach_loaded_list_free(&sc->entries);
	coach_problems_free(&sc->problems);
	memset(sc, 0, sizeof(*sc));
}

void
coach_report_free(struct coach_report *rep)
{
	for (size_t i = 0; i < rep->ngroups; i++) {
		struct coach_report_group *g = &rep->groups[i];
		for (size_t k = 0; k < g->nrels; k++) {
			free(g->rels[k].coachee);
			free(g->rels[k].coaches);
			free(g->rels[k].cadence);
		}
		free(g->rels);
		free(g->key);
		free(g->phases);
		free(g->days_v);
	}
	free(rep->groups);
	for (size_t i = 0; i < rep->nphases; i++)
		free(rep->phases[i]);
	free(rep->phases);
	coach_problems_free(&rep->problems);
	memset(rep, 0, sizeof(*rep));
}
