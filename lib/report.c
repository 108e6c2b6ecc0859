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

#include "fmcache.h"
#include "fmpack.h"
#include "model.h"
#include "util.h"

const char *const coach_report_bys[] = {
	"school", "person", "coach", "subject", "phase", "priority",
	"strategy", NULL,
};

const char *const coach_report_outcomes[] = {
	"met", "partly", "not-yet", "none",
};

/* Strings to indexes: lists and groups are looked up by key. */
struct smap {
	char **keys;
	size_t *vals;
	size_t cap, n;
};

static size_t
smap_slot(const struct smap *m, const char *key)
{
	size_t h = (size_t)coach_fmcache_hash(key, strlen(key), 0);
	size_t i = h & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* The value of key, or NULL. */
static const size_t *
smap_get(const struct smap *m, const char *key)
{
	if (m->cap == 0)
		return NULL;
	size_t i = smap_slot(m, key);
	return m->keys[i] ? &m->vals[i] : NULL;
}

/* Adds key with val unless key is there (the first one counts). */
static void
smap_add(struct smap *m, const char *key, size_t val)
{
	if (2 * (m->n + 1) > m->cap) {
		struct smap old = *m;
		m->cap = m->cap ? 2 * m->cap : 64;
		m->keys = coach_xcalloc(m->cap, sizeof(*m->keys));
		m->vals = coach_xcalloc(m->cap, sizeof(*m->vals));
		for (size_t i = 0; i < old.cap; i++) {
			if (old.keys[i] == NULL)
				continue;
			size_t j = smap_slot(m, old.keys[i]);
			m->keys[j] = old.keys[i];
			m->vals[j] = old.vals[i];
		}
		free(old.keys);
		free(old.vals);
	}
	size_t i = smap_slot(m, key);
	if (m->keys[i])
		return;
	m->keys[i] = coach_xstrdup(key);
	m->vals[i] = val;
	m->n++;
}

static void
smap_free(struct smap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* When a coachee last met (entries of kind meeting up to as-of). */
struct met {
	int has_met;
	coach_day last;
};

/* One school's records as reports read them (packed, whether they came
 * from the work tree through the cache or from a tree a trust fetched),
 * looked up by key. */
struct school {
	const char *name;  /* a trust's name for it; NULL: coach.yml's */
	const struct coach_fm *config;
	const struct coach_strlist *phases;
	struct coach_packed_list staff, agreements, goals, cycles, entries;
	struct smap staff_by, agreement_by, goal_by, cycle_by;
	struct smap met_by;
	struct met *met;
	size_t nmet;
};

/* The school being counted, and where the figures go. */
struct build {
	const struct coach_report_opts *o;
	struct coach_report *rep;
	coach_day asof;
	struct school *sc;
	int trust; /* a trust's report: keys of people name their school */
	struct smap group_by;
	size_t school; /* by school: the group of b->sc */
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

/* A value's scalar text, as coach_fmp_keystr() gives it. */
static const char *
scalar(const struct coach_fmp *v)
{
	return coach_fmp_type(v) == COACH_FM_SCALAR ? coach_fmp_str(v) : NULL;
}

static int
day_of(const struct coach_fmp *rec, const char *key, coach_day *out)
{
	const char *s = coach_fmp_keystr(rec, key);
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
	const size_t *i = smap_get(&b->group_by, key);
	if (i)
		return &rep->groups[*i];
	/* Doubling: --by person makes a group per teacher. */
	if ((rep->ngroups & (rep->ngroups - 1)) == 0)
		rep->groups = coach_xrealloc(rep->groups,
		    (rep->ngroups ? 2 * rep->ngroups : 1) *
		    sizeof(*rep->groups));
	smap_add(&b->group_by, key, rep->ngroups);
	struct coach_report_group *g = &rep->groups[rep->ngroups++];
	memset(g, 0, sizeof(*g));
	g->key = coach_xstrdup(key);
	g->phases = coach_xcalloc(rep->nphases, sizeof(*g->phases));
	return g;
}

/* Adds the scalar texts of n (a scalar or a list) to out. */
static void
add_texts(const struct coach_fmp *n, struct coach_strlist *out)
{
	if (coach_fmp_type(n) == COACH_FM_SCALAR) {
		if (*coach_fmp_str(n))
			coach_strlist_add(out, coach_fmp_str(n));
		return;
	}
	if (coach_fmp_type(n) != COACH_FM_SEQ)
		return;
	for (size_t i = 0; i < coach_fmp_len(n); i++) {
		struct coach_fmp it = coach_fmp_item(n, i);
		if (coach_fmp_type(&it) == COACH_FM_SCALAR &&
		    *coach_fmp_str(&it))
			coach_strlist_add(out, coach_fmp_str(&it));
	}
}

/* "coachee/id", the key of a goal or cycle of one coachee, in buf when
 * it fits (freed by the caller when it is not buf). */
static char *
owned_key(char *buf, size_t size, const char *coachee, const char *id)
{
	size_t c = strlen(coachee), i = strlen(id);
	char *k = c + i + 2 <= size ? buf : coach_xmalloc(c + i + 2);
	memcpy(k, coachee, c);
	k[c] = '/';
	memcpy(k + c + 1, id, i + 1);
	return k;
}

/* Indexes the records of l by coachee and id (the first of equal ones,
 * as a search from the start would find). */
static void
index_ids(const struct coach_packed_list *l, struct smap *m)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *rid = coach_fmp_keystr(&l->v[i].fm, "id");
		if (l->v[i].coachee == NULL || rid == NULL)
			continue;
		char buf[128];
		char *k = owned_key(buf, sizeof(buf), l->v[i].coachee, rid);
		smap_add(m, k, i);
		if (k != buf)
			free(k);
	}
}

static const struct coach_fmp *
find_in(const struct coach_packed_list *l, const struct smap *m,
	const char *coachee, const char *id)
{
	if (id == NULL || coachee == NULL)
		return NULL;
	char buf[128];
	char *k = owned_key(buf, sizeof(buf), coachee, id);
	const size_t *i = smap_get(m, k);
	if (k != buf)
		free(k);
	return i ? &l->v[*i].fm : NULL;
}

static const struct coach_fmp *
staff_of(const struct build *b, const char *handle)
{
	const size_t *i = handle ? smap_get(&b->sc->staff_by, handle) : NULL;
	return i ? &b->sc->staff.v[*i].fm : NULL;
}

static const struct coach_fmp *
agreement_of(const struct build *b, const char *coachee)
{
	const size_t *i = coachee ? smap_get(&b->sc->agreement_by, coachee) :
	    NULL;
	return i ? &b->sc->agreements.v[*i].fm : NULL;
}

/* The handles an agreement names as coaches (coach_agreement_coaches()
 * of a packed record). */
static void
coaches_of(const struct coach_fmp *ag, struct coach_strlist *out)
{
	struct coach_fmp n = coach_fmp_get(ag, "coach");
	if (coach_fmp_type(&n) == COACH_FM_SCALAR) {
		coach_strlist_add(out, coach_fmp_str(&n));
		return;
	}
	for (size_t i = 0; i < coach_fmp_len(&n) &&
	    coach_fmp_type(&n) == COACH_FM_SEQ; i++) {
		struct coach_fmp it = coach_fmp_item(&n, i);
		if (coach_fmp_type(&it) == COACH_FM_SCALAR)
			coach_strlist_add(out, coach_fmp_str(&it));
	}
}

/* coach_agreement_ended() of a packed record. */
static int
agreement_ended(const struct coach_fmp *ag)
{
	const char *status = coach_fmp_keystr(ag, "status");
	const char *ended = coach_fmp_keystr(ag, "ended");
	if (status)
		return strcmp(status, "ended") == 0;
	return ended != NULL && *ended != '\0';
}

/* coach_cycle_open() of a packed record. */
static int
cycle_open(const struct coach_fmp *c)
{
	const char *closed = coach_fmp_keystr(c, "closed");
	return closed == NULL || *closed == '\0';
}

/* The school's key: the trust's name for it, else coach.yml's. */
static const char *
school_key(const struct build *b)
{
	if (b->sc->name)
		return b->sc->name;
	const char *s = coach_fm_str(b->sc->config, "school");
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
	const struct coach_fmp *goal, struct coach_strlist *out)
{
	struct coach_strlist k = COACH_STRLIST_INIT;
	/* Looked up only by the groupings that need them: this runs for
	 * every record of the school. */
	const struct coach_fmp *st, *ag;
	struct coach_fmp v;
	switch (b->o->by) {
	case COACH_BY_SCHOOL:
		coach_strlist_add(out, school_key(b));
		return;
	case COACH_BY_PERSON:
		if (coachee)
			add_person(b, coachee, &k);
		break;
	case COACH_BY_COACH:
		if ((ag = agreement_of(b, coachee))) {
			struct coach_strlist c = COACH_STRLIST_INIT;
			coaches_of(ag, &c);
			for (size_t i = 0; i < c.n; i++)
				add_person(b, c.v[i], &k);
			coach_strlist_free(&c);
		}
		break;
	case COACH_BY_SUBJECT:
		if ((st = staff_of(b, coachee)))
			v = coach_fmp_get(st, "subjects"), add_texts(&v, &k);
		break;
	case COACH_BY_PHASE:
		if ((st = staff_of(b, coachee)))
			v = coach_fmp_get(st, "phase"), add_texts(&v, &k);
		break;
	case COACH_BY_PRIORITY:
		if (goal)
			v = coach_fmp_get(goal, "priority"), add_texts(&v, &k);
		break;
	case COACH_BY_STRATEGY:
		if (goal) {
			v = coach_fmp_get(goal, "strategies");
			add_texts(&v, &k);
		}
		break;
	}
	for (size_t i = 0; i < k.n; i++)
		if (*k.v[i] && !coach_strlist_has(out, k.v[i]))
			coach_strlist_add(out, k.v[i]);
	if (out->n == 0)
		coach_strlist_add(out, COACH_REPORT_NONE);
	coach_strlist_free(&k);
}

/* Whether the groups are the goal's (keys_of() reads its goal). */
static int
by_goal(const struct build *b)
{
	return b->o->by == COACH_BY_PRIORITY || b->o->by == COACH_BY_STRATEGY;
}

/* By school, every record's one group (no keys to make and look up for
 * each record); else NULL. */
static struct coach_report_group *
one_group(const struct build *b)
{
	return b->o->by == COACH_BY_SCHOOL ? &b->rep->groups[b->school] :
	    NULL;
}

/*
 * Goals
 */

static int
num(const struct coach_fmp *n, double *out)
{
	return coach_fmp_number(n, out) == 0 && isfinite(*out) ? 0 : -1;
}

static int
num_at(const struct coach_fmp *map, const char *key, double *out)
{
	struct coach_fmp v = coach_fmp_get(map, key);
	return num(&v, out);
}

/* The goal's progress from its latest measurement in the window; -1 when
 * it has no usable measure or no measurement there. */
static int
goal_progress(const struct build *b, const struct coach_fmp *goal,
	double *out)
{
	struct coach_fmp m = coach_fmp_get(goal, "measure");
	struct coach_fmp ms = coach_fmp_get(goal, "measurements");
	double base, target, value = 0, v;
	coach_day best = 0, d;
	int found = 0;
	if (coach_fmp_type(&m) != COACH_FM_MAP ||
	    num_at(&m, "baseline", &base) || num_at(&m, "target", &target) ||
	    base == target || coach_fmp_type(&ms) != COACH_FM_SEQ)
		return -1;
	for (size_t i = 0; i < coach_fmp_len(&ms); i++) {
		struct coach_fmp it = coach_fmp_item(&ms, i);
		struct coach_fmp dn = coach_fmp_get(&it, "date");
		if (coach_fmp_type(&it) != COACH_FM_MAP ||
		    coach_fmp_type(&dn) != COACH_FM_SCALAR ||
		    coach_date_parse(coach_fmp_str(&dn), &d) != 0 ||
		    num_at(&it, "value", &v) || !in_window(b, d))
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
goal_status(const struct build *b, const struct coach_fmp *goal)
{
	coach_day closed;
	if (b->o->has_until && day_of(goal, "closed", &closed) == 0 &&
	    closed > b->o->until)
		return 0;
	return index_in(coach_goal_statuses, coach_fmp_keystr(goal, "status"),
	    COACH_REPORT_NSTATUS - 1);
}

static void
add_goal(struct coach_report_group *g, size_t st, int measured, double p)
{
	g->goals[st]++;
	g->goals_total++;
	if (measured) {
		g->measured++;
		g->progress_sum += p;
	}
}

static void
count_goal(struct build *b, const struct coach_packed *l)
{
	coach_day opened;
	if (b->o->has_until && day_of(&l->fm, "opened", &opened) == 0 &&
	    opened > b->o->until)
		return;
	size_t st = goal_status(b, &l->fm);
	double p;
	int measured = goal_progress(b, &l->fm, &p) == 0;
	struct coach_report_group *one = one_group(b);
	if (one) {
		add_goal(one, st, measured, p);
		return;
	}
	struct coach_strlist keys = COACH_STRLIST_INIT;
	keys_of(b, l->coachee, &l->fm, &keys);
	for (size_t i = 0; i < keys.n; i++)
		add_goal(group_get(b, keys.v[i]), st, measured, p);
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
cycle_figures(const struct build *b, const struct coach_fmp *c,
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
	f->open = cycle_open(c) ||
	    (b->o->has_until && has_closed && closed > b->o->until);
	if (f->open) {
		/* A phase of this school's cycle, at its place in the
		 * report's (a trust's schools may have different cycles). */
		const char *ph = coach_fmp_keystr(c, "phase");
		f->phase = rep->nphases - 1;
		for (size_t i = 0; ph && i + 1 < rep->nphases; i++)
			if (strcmp(ph, rep->phases[i]) == 0 && b->sc->phases &&
			    coach_strlist_has(b->sc->phases, ph))
				f->phase = i;
		f->overdue = day_of(c, "review", &review) == 0 &&
		    review < b->asof;
		return 0;
	}
	if (!has_closed || !in_window(b, closed))
		return 0;
	f->completed = 1;
	f->outcome = index_in(coach_cycle_outcomes,
	    coach_fmp_keystr(c, "outcome"), COACH_REPORT_NOUTCOME - 1);
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
add_cycle(struct coach_report_group *g, const struct cycle_fig *f)
{
	if (f->open) {
		g->cycles_open++;
		g->phases[f->phase]++;
		g->overdue += (size_t)f->overdue;
	}
	if (f->completed) {
		g->completed++;
		g->outcomes[f->outcome]++;
	}
	if (f->has_days)
		add_day(g, f->days);
}

static void
count_cycle(struct build *b, const struct coach_packed *l)
{
	struct cycle_fig f;
	if (cycle_figures(b, &l->fm, b->rep, &f) != 0)
		return;
	struct coach_report_group *one = one_group(b);
	if (one) {
		add_cycle(one, &f);
		return;
	}
	const struct coach_fmp *goal = by_goal(b) ? find_in(&b->sc->goals,
	    &b->sc->goal_by, l->coachee, coach_fmp_keystr(&l->fm, "goal")) :
	    NULL;
	struct coach_strlist keys = COACH_STRLIST_INIT;
	keys_of(b, l->coachee, goal, &keys);
	for (size_t i = 0; i < keys.n; i++)
		add_cycle(group_get(b, keys.v[i]), &f);
	coach_strlist_free(&keys);
}

/*
 * Entries
 */

static const struct coach_fmp *
goal_of_entry(const struct build *b, const struct coach_packed *l)
{
	const char *gid = coach_fmp_keystr(&l->fm, "goal");
	if (gid == NULL) {
		const struct coach_fmp *c = find_in(&b->sc->cycles, &b->sc->cycle_by,
		    l->coachee, coach_fmp_keystr(&l->fm, "cycle"));
		gid = c ? coach_fmp_keystr(c, "goal") : NULL;
	}
	return find_in(&b->sc->goals, &b->sc->goal_by, l->coachee, gid);
}

/* Remembers when the coachee of a meeting entry last met; kind and d
 * (when dated) are the entry's. */
static void
note_meeting(struct build *b, const struct coach_packed *l, const char *kind,
	int dated, coach_day d)
{
	if (l->coachee == NULL || kind == NULL || strcmp(kind, "meeting") ||
	    !dated || d > b->asof)
		return;
	const size_t *i = smap_get(&b->sc->met_by, l->coachee);
	if (i == NULL) {
		if ((b->sc->nmet & (b->sc->nmet - 1)) == 0)
			b->sc->met = coach_xrealloc(b->sc->met, (b->sc->nmet ?
			    2 * b->sc->nmet : 1) * sizeof(*b->sc->met));
		smap_add(&b->sc->met_by, l->coachee, b->sc->nmet);
		b->sc->met[b->sc->nmet].has_met = 0;
		i = &b->sc->nmet;
		b->sc->nmet++;
		i = smap_get(&b->sc->met_by, l->coachee);
	}
	struct met *m = &b->sc->met[*i];
	if (!m->has_met || d > m->last)
		m->last = d;
	m->has_met = 1;
}

static void
add_entry(struct coach_report_group *g, size_t kind, double hours)
{
	g->entries[kind]++;
	g->entries_total++;
	if (kind == 0)
		g->meetings++;
	g->cpd_hours += hours;
}

static void
count_entry(struct build *b, const struct coach_packed *l)
{
	static const char *const wanted[] = { "kind", "date", "hours" };
	struct coach_fmp v[3];
	coach_day d;
	double hours = 0;
	/* In one walk through the record: this runs for every entry of the
	 * school. */
	coach_fmp_get_many(&l->fm, wanted, 3, v);
	const char *kindstr = scalar(&v[0]), *date = scalar(&v[1]);
	int dated = date && coach_date_parse(date, &d) == 0;
	note_meeting(b, l, kindstr, dated, d);
	if (!dated) {
		if (b->o->has_since || b->o->has_until)
			return;
	} else if (!in_window(b, d)) {
		return;
	}
	size_t kind = index_in(coach_entry_kinds, kindstr,
	    COACH_REPORT_NKIND - 1);
	int cpd = kind < COACH_REPORT_NKIND - 1 &&
	    strcmp(coach_entry_kinds[kind], "cpd") == 0;
	if (cpd && (num(&v[2], &hours) || hours < 0))
		hours = 0;
	struct coach_report_group *one = one_group(b);
	if (one) {
		add_entry(one, kind, hours);
		return;
	}
	struct coach_strlist keys = COACH_STRLIST_INIT;
	keys_of(b, l->coachee, by_goal(b) ? goal_of_entry(b, l) : NULL, &keys);
	for (size_t i = 0; i < keys.n; i++)
		add_entry(group_get(b, keys.v[i]), kind, hours);
	coach_strlist_free(&keys);
}

/*
 * Relationships (by person and by coach)
 */

static void
fill_rel(const struct build *b, const struct coach_packed *ag,
	struct coach_report_rel *rel)
{
	struct coach_strlist coaches = COACH_STRLIST_INIT;
	struct coach_buf buf = COACH_BUF_INIT;
	coaches_of(&ag->fm, &coaches);
	for (size_t i = 0; i < coaches.n; i++)
		coach_buf_printf(&buf, "%s%s", i ? ", " : "", coaches.v[i]);
	coach_strlist_free(&coaches);
	rel->coachee = b->trust ? coach_xasprintf("%s/%s", school_key(b),
	    ag->coachee) : coach_xstrdup(ag->coachee);
	rel->coaches = coach_buf_detach(&buf);
	const char *cad = coach_fmp_keystr(&ag->fm, "cadence");
	rel->cadence = cad ? coach_xstrdup(cad) : NULL;
	rel->cadence_days = coach_report_cadence_days(cad);
	const size_t *i = smap_get(&b->sc->met_by, ag->coachee);
	if (i) {
		rel->has_met = b->sc->met[*i].has_met;
		rel->last_met = b->sc->met[*i].last;
	}
	rel->days = rel->has_met ? (long)(b->asof - rel->last_met) : -1;
	rel->late = rel->cadence_days >= 0 &&
	    (!rel->has_met || rel->days > rel->cadence_days);
}

static void
add_rels(struct build *b)
{
	for (size_t i = 0; i < b->sc->agreements.n; i++) {
		const struct coach_packed *ag = &b->sc->agreements.v[i];
		if (ag->coachee == NULL || agreement_ended(&ag->fm))
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
set_phases(const struct school *sc, size_t n, struct coach_report *rep)
{
	struct coach_strlist all = COACH_STRLIST_INIT;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; sc[i].phases && k < sc[i].phases->n; k++)
			if (!coach_strlist_has(&all, sc[i].phases->v[k]))
				coach_strlist_add(&all, sc[i].phases->v[k]);
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
move_problems(struct coach_problems *to, struct coach_problems *from,
	struct smap *seen)
{
	for (size_t i = 0; i < from->n; i++) {
		if (smap_get(seen, from->v[i].path))
			continue;
		smap_add(seen, from->v[i].path, 0);
		coach_problems_add(to, from->v[i].path, "%s",
		    from->v[i].message);
	}
	coach_problems_free(from);
}

/* The lists of sc by kind, in the order they are counted. */
#define SCHOOL_LISTS(sc) { \
		{ COACH_KIND_STAFF, &(sc)->staff }, \
		{ COACH_KIND_AGREEMENT, &(sc)->agreements }, \
		{ COACH_KIND_GOAL, &(sc)->goals }, \
		{ COACH_KIND_CYCLE, &(sc)->cycles }, \
		{ COACH_KIND_ENTRY, &(sc)->entries }, \
	}

/* Indexes the records of sc by the keys reports look them up by;
 * goals and cycles only for the groupings by goal (by_goal()). */
static void
index_school(struct school *sc, enum coach_report_by by)
{
	for (size_t i = 0; i < sc->staff.n; i++)
		if (sc->staff.v[i].id)
			smap_add(&sc->staff_by, sc->staff.v[i].id, i);
	for (size_t i = 0; i < sc->agreements.n; i++)
		if (sc->agreements.v[i].coachee)
			smap_add(&sc->agreement_by,
			    sc->agreements.v[i].coachee, i);
	if (by != COACH_BY_PRIORITY && by != COACH_BY_STRATEGY)
		return;
	index_ids(&sc->goals, &sc->goal_by);
	index_ids(&sc->cycles, &sc->cycle_by);
}

static void
school_free(struct school *sc)
{
	coach_packed_list_free(&sc->staff);
	coach_packed_list_free(&sc->agreements);
	coach_packed_list_free(&sc->goals);
	coach_packed_list_free(&sc->cycles);
	coach_packed_list_free(&sc->entries);
	struct smap *maps[] = { &sc->staff_by, &sc->agreement_by,
		&sc->goal_by, &sc->cycle_by, &sc->met_by };
	for (size_t i = 0; i < sizeof(maps) / sizeof(*maps); i++)
		smap_free(maps[i]);
	free(sc->met);
	memset(sc, 0, sizeof(*sc));
}

/* The work tree's records, through the front-matter cache when it is
 * on; their problems go to problems. */
static struct coach_error *
load_all(struct coach_repo *r, struct school *sc, enum coach_report_by by,
	struct coach_problems *problems)
{
	struct coach_error *err = NULL;
	struct smap seen = { 0 };
	struct { enum coach_kind kind; struct coach_packed_list *l; } k[] =
	    SCHOOL_LISTS(sc);
	for (size_t i = 0; i < sizeof(k) / sizeof(*k); i++) {
		if ((err = coach_load_packed(r, k[i].kind, k[i].l)))
			break;
		move_problems(problems, &k[i].l->problems, &seen);
	}
	smap_free(&seen);
	if (err == NULL)
		index_school(sc, by);
	return err;
}

/* A school a trust read from a tree, packed as the work tree's are. */
static void
pack_school(const struct coach_report_school *in, struct school *sc,
	enum coach_report_by by)
{
	struct { enum coach_kind kind; struct coach_packed_list *l; } k[] =
	    SCHOOL_LISTS(sc);
	const struct coach_loaded_list *from[] = { &in->staff,
		&in->agreements, &in->goals, &in->cycles, &in->entries };
	memset(sc, 0, sizeof(*sc));
	sc->name = in->name;
	sc->config = in->config;
	sc->phases = &in->phases;
	for (size_t i = 0; i < sizeof(k) / sizeof(*k); i++)
		coach_packed_from_loaded(from[i], k[i].kind, k[i].l);
	index_school(sc, by);
}

/* Counts every record of b->sc. */
static void
count_school(struct build *b)
{
	const struct school *sc = b->sc;
	if (b->o->by == COACH_BY_SCHOOL)
		b->school = (size_t)(group_get(b, school_key(b)) -
		    b->rep->groups);
	for (size_t i = 0; i < sc->goals.n; i++)
		count_goal(b, &sc->goals.v[i]);
	for (size_t i = 0; i < sc->cycles.n; i++)
		count_cycle(b, &sc->cycles.v[i]);
	for (size_t i = 0; i < sc->entries.n; i++)
		count_entry(b, &sc->entries.v[i]);
	if (b->o->by == COACH_BY_PERSON || b->o->by == COACH_BY_COACH)
		add_rels(b);
}

/* Counts schools sc[0..n) into out (whose problems are already set). */
static void
build_schools(struct school *sc, size_t n, int trust,
	const struct coach_report_opts *o, struct coach_report *out)
{
	struct build b;
	memset(&b, 0, sizeof(b));
	b.o = o;
	b.rep = out;
	b.trust = trust;
	b.asof = o->has_until ? o->until : o->today;
	out->by = o->by;
	set_phases(sc, n, out);
	for (size_t i = 0; i < n; i++) {
		b.sc = &sc[i];
		count_school(&b);
	}
	finish_groups(out);
	smap_free(&b.group_by);
}

/* The report of the work tree's records into out. */
static struct coach_error *
build_work_tree(struct coach_repo *r, const struct coach_report_opts *o,
	struct coach_report *out)
{
	struct coach_error *err;
	struct school sc;
	memset(&sc, 0, sizeof(sc));
	memset(out, 0, sizeof(*out));
	sc.config = coach_repo_config(r);
	sc.phases = coach_repo_phases(r);
	if ((err = load_all(r, &sc, o->by, &out->problems)) == NULL)
		build_schools(&sc, 1, 0, o, out);
	school_free(&sc);
	return err;
}

struct coach_error *
coach_report_build(struct coach_repo *r, const struct coach_report_opts *o,
	struct coach_report *out)
{
	struct coach_error *err;
	coach_repo_cache_begin(r, COACH_FMCACHE_FILE);
	struct coach_fmcache *c = coach_repo_cache(r);
	/*
	 * Every record is read: their files are looked at all at once, in
	 * threads, while this one makes the report from what the cache
	 * holds.  When anything it used changed, the report is made again,
	 * reading only what changed.
	 */
	if (c) {
		coach_fmcache_preload_start(c);
		coach_fmcache_offline_begin(c);
		err = build_work_tree(r, o, out);
		int held = coach_fmcache_offline_end(c);
		if (err == NULL && held)
			goto done;
		coach_error_free(err);
		coach_report_free(out);
	}
	err = build_work_tree(r, o, out);
done:
	coach_repo_cache_end(r);
	return err;
}

void
coach_report_build_trust(const struct coach_report_school *schools,
	size_t n, const struct coach_report_opts *o, struct coach_report *out)
{
	struct school *sc = coach_xcalloc(n + 1, sizeof(*sc));
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		pack_school(&schools[i], &sc[i], o->by);
	build_schools(sc, n, 1, o, out);
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < schools[i].problems.n; k++)
			coach_problems_add(&out->problems,
			    schools[i].problems.v[k].path, "%s",
			    schools[i].problems.v[k].message);
		school_free(&sc[i]);
	}
	free(sc);
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
