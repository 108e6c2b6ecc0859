/*
 * recdiff.c: what changed between two versions, in words (see recdiff.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recdiff.h"
#include "model.h"

/* Ids are shown by their first seven characters, as git shows commits. */
#define SHORT_ID 7
/* Quoted text (an action step, a title, an entry's first line) is cut. */
#define QUOTE_MAX 100

void
coach_files_add(struct coach_files *f, const char *path, const char *oid,
	const char *data, size_t len)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->v = coach_xrealloc(f->v, f->cap * sizeof(*f->v));
	}
	struct coach_file *x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	x->path = coach_xstrdup(path);
	snprintf(x->oid, sizeof(x->oid), "%s", oid ? oid : "");
	if (data) {
		x->data = coach_xmalloc(len + 1);
		memcpy(x->data, data, len);
		x->data[len] = '\0';
		x->len = len;
	}
}

static int
file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct coach_file *)a)->path,
	    ((const struct coach_file *)b)->path);
}

void
coach_files_sort(struct coach_files *f)
{
	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), file_cmp);
}

const struct coach_file *
coach_files_find(const struct coach_files *f, const char *path)
{
	struct coach_file key = { .path = (char *)path };
	if (f->n == 0)
		return NULL;
	return bsearch(&key, f->v, f->n, sizeof(*f->v), file_cmp);
}

void
coach_files_free(struct coach_files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].data);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

void
coach_recdiff_free(struct coach_recdiff *c)
{
	free(c->path);
	free(c->old_path);
	free(c->id);
	free(c->label);
	free(c->date);
	free(c->entry_kind);
	coach_strlist_free(&c->lines);
}

void
coach_recdiffs_free(struct coach_recdiffs *c)
{
	for (size_t i = 0; i < c->n; i++)
		coach_recdiff_free(&c->v[i]);
	for (size_t i = 0; i < c->nproblems; i++) {
		free(c->problems[i].path);
		free(c->problems[i].message);
	}
	free(c->v);
	free(c->problems);
	memset(c, 0, sizeof(*c));
}

/*
 * Values as text
 */

/* The value as one line of text: scalars as written, lists and mappings
 * in YAML's flow style. */
static void
node_text(struct coach_buf *b, const struct coach_fm_node *n)
{
	switch (n ? coach_fm_node_type(n) : COACH_FM_NULL) {
	case COACH_FM_NULL:
		coach_buf_puts(b, "(empty)");
		break;
	case COACH_FM_SCALAR:
		for (const char *s = coach_fm_node_str(n); *s; s++)
			coach_buf_putc(b, *s == '\n' || *s == '\t' ? ' ' : *s);
		break;
	case COACH_FM_SEQ:
		coach_buf_putc(b, '[');
		for (size_t i = 0; i < coach_fm_node_len(n); i++) {
			if (i)
				coach_buf_puts(b, ", ");
			node_text(b, coach_fm_node_item(n, i));
		}
		coach_buf_putc(b, ']');
		break;
	case COACH_FM_MAP:
		coach_buf_putc(b, '{');
		for (size_t i = 0; i < coach_fm_node_len(n); i++) {
			if (i)
				coach_buf_puts(b, ", ");
			coach_buf_printf(b, "%s: ", coach_fm_node_key(n, i));
			node_text(b, coach_fm_node_item(n, i));
		}
		coach_buf_putc(b, '}');
		break;
	}
}

static int
node_equal(const struct coach_fm_node *a, const struct coach_fm_node *b)
{
	enum coach_fm_type t = coach_fm_node_type(a);
	if (t != coach_fm_node_type(b))
		return 0;
	if (t == COACH_FM_NULL)
		return 1;
	if (t == COACH_FM_SCALAR)
		return strcmp(coach_fm_node_str(a), coach_fm_node_str(b)) == 0;
	size_t n = coach_fm_node_len(a);
	if (n != coach_fm_node_len(b))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (t == COACH_FM_MAP && strcmp(coach_fm_node_key(a, i),
		    coach_fm_node_key(b, i)) != 0)
			return 0;
		if (!node_equal(coach_fm_node_item(a, i),
		    coach_fm_node_item(b, i)))
			return 0;
	}
	return 1;
}

/* Whether seq holds an item equal to n. */
static int
seq_has(const struct coach_fm_node *seq, const struct coach_fm_node *n)
{
	if (seq == NULL || coach_fm_node_type(seq) != COACH_FM_SEQ)
		return 0;
	for (size_t i = 0; i < coach_fm_node_len(seq); i++)
		if (node_equal(coach_fm_node_item(seq, i), n))
			return 1;
	return 0;
}

/* Appends text quoted and cut to QUOTE_MAX characters, on one line. */
static void
quote(struct coach_buf *b, const char *text)
{
	size_t chars = 0;
	coach_buf_puts(b, "\"");
	for (const char *s = text; *s; s++) {
		/* Count code points: continuation bytes do not start one. */
		if (((unsigned char)*s & 0xc0) != 0x80 && ++chars > QUOTE_MAX) {
			coach_buf_puts(b, "…");
			break;
		}
		coach_buf_putc(b, *s == '\n' || *s == '\t' ? ' ' : *s);
	}
	coach_buf_puts(b, "\"");
}

/* The first line of a body with text, without a heading's '#'s. */
static char *
first_line(const char *body)
{
	const char *s = body;
	while (*s) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		const char *t = s;
		while (t < s + n && (*t == ' ' || *t == '#' || *t == '\t' ||
		    *t == '\r'))
			t++;
		if (t < s + n) {
			const char *end = s + n;
			while (end > t && (end[-1] == ' ' || end[-1] == '\r'))
				end--;
			return coach_xstrndup(t, (size_t)(end - t));
		}
		s += n;
		if (*s == '\n')
			s++;
	}
	return NULL;
}

static char *
short_id(const struct coach_recdiff_opts *opts, const char *id)
{
	if (opts && opts->abbrev)
		return coach_xstrdup(opts->abbrev(opts->abbrev_arg, id));
	return coach_xstrndup(id, SHORT_ID);
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* "goal g3f9a1c", "meeting e5d2c77", "agreement", "staff bob" */
static char *
make_label(enum coach_kind kind, const char *id, const char *path,
	const struct coach_record *rec, const struct coach_recdiff_opts *opts)
{
	char *sid = id ? short_id(opts, id) : NULL;
	char *l;
	const char *ek = rec ? coach_record_str(rec, "kind") : NULL;
	switch (kind) {
	case COACH_KIND_ENTRY:
		l = coach_xasprintf("%s %s", ek && *ek ? ek : "entry",
		    sid ? sid : base_name(path));
		break;
	case COACH_KIND_AGREEMENT:
		l = coach_xstrdup("agreement");
		break;
	case COACH_KIND_EVIDENCE:
		l = coach_xasprintf("evidence file %s", base_name(path));
		break;
	case COACH_KIND_CONFIG:
	case COACH_KIND_NONE:
		l = coach_xasprintf("file %s", path);
		break;
	default:
		l = coach_xasprintf("%s %s", coach_kind_name(kind),
		    sid ? sid : base_name(path));
		break;
	}
	free(sid);
	return l;
}

/*
 * Key by key
 */

struct describe {
	enum coach_kind kind;
	const char *label;
	const struct coach_fm *ofm, *nfm;
	struct coach_strlist *lines;
};

static void
say(struct describe *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
say(struct describe *d, const char *fmt, ...)
{
	struct coach_buf b = COACH_BUF_INIT;
	va_list ap;
	char *msg;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	coach_buf_printf(&b, "%s: %s", d->label, msg);
	free(msg);
	coach_strlist_add_owned(d->lines, coach_buf_detach(&b));
}

/* A value on one line, for "a → b"; the caller frees it. */
static char *
value_text(const struct coach_fm_node *n)
{
	struct coach_buf b = COACH_BUF_INIT;
	node_text(&b, n);
	return coach_buf_detach(&b);
}

static char *
quoted(const struct coach_fm_node *n)
{
	struct coach_buf b = COACH_BUF_INIT;
	char *t = value_text(n);
	quote(&b, t);
	free(t);
	return coach_buf_detach(&b);
}

/* A scalar key that moved from o to n (either NULL: set or removed). */
static void
scalar_change(struct describe *d, const char *key,
	const struct coach_fm_node *o, const struct coach_fm_node *n)
{
	char *ot = o ? value_text(o) : NULL, *nt = n ? value_text(n) : NULL;
	int words = strcmp(key, "step") == 0 || strcmp(key, "title") == 0 ||
	    strcmp(key, "focus") == 0 || strcmp(key, "next") == 0;

	if (words && o && n) {
		char *oq = quoted(o), *nq = quoted(n);
		say(d, "%s reworded: %s → %s", strcmp(key, "step") == 0 ?
		    "action step" : key, oq, nq);
		free(oq);
		free(nq);
	} else if (words && n) {
		char *nq = quoted(n);
		say(d, "%s %s", strcmp(key, "next") == 0 ? "to try next:" : key,
		    nq);
		free(nq);
	} else if (d->kind == COACH_KIND_CYCLE && strcmp(key, "phase") == 0 &&
	    o && n) {
		say(d, "%s → %s", ot, nt);
	} else if (strcmp(key, "private") == 0 && n) {
		int b = 0;
		say(d, "%s", coach_fm_node_bool(n, &b) == 0 && !b ?
		    "no longer private" : "marked private");
	} else if ((strcmp(key, "review") == 0 || strcmp(key, "due") == 0) &&
	    o && n) {
		say(d, "%s moved %s → %s", key, ot, nt);
	} else if ((strcmp(key, "closed") == 0 || strcmp(key, "ended") == 0 ||
	    strcmp(key, "outcome") == 0) && n && !o) {
		say(d, "%s %s", key, nt);
	} else if (o && n) {
		say(d, "%s %s → %s", key, ot, nt);
	} else if (n) {
		say(d, "%s set to %s", key, nt);
	} else {
		say(d, "%s removed (was %s)", key, ot);
	}
	free(ot);
	free(nt);
}

/* Items added to and removed from a list. */
static void
list_change(struct describe *d, const char *key,
	const struct coach_fm_node *o, const struct coach_fm_node *n)
{
	struct coach_buf add = COACH_BUF_INIT, rm = COACH_BUF_INIT;
	for (size_t i = 0; n && i < coach_fm_node_len(n); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(n, i);
		if (seq_has(o, it))
			continue;
		if (add.len)
			coach_buf_puts(&add, ", ");
		node_text(&add, it);
	}
	for (size_t i = 0; o && i < coach_fm_node_len(o); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(o, i);
		if (seq_has(n, it))
			continue;
		if (rm.len)
			coach_buf_puts(&rm, ", ");
		node_text(&rm, it);
	}
	if (add.len)
		say(d, "%s added: %s", key, add.ptr);
	if (rm.len)
		say(d, "%s removed: %s", key, rm.ptr);
	if (add.len == 0 && rm.len == 0)
		say(d, "%s reordered", key);
	coach_buf_free(&add);
	coach_buf_free(&rm);
}

/* Sub-keys of a mapping (a goal's measure) that changed. */
static void
map_change(struct describe *d, const char *key,
	const struct coach_fm_node *o, const struct coach_fm_node *n)
{
	size_t said = d->lines->n;
	for (size_t i = 0; i < coach_fm_node_len(n); i++) {
		const char *k = coach_fm_node_key(n, i);
		const struct coach_fm_node *nv = coach_fm_node_item(n, i);
		const struct coach_fm_node *ov = coach_fm_node_lookup(o, k);
		char *sub = coach_xasprintf("%s %s", key, k);
		if (ov == NULL || !node_equal(ov, nv))
			scalar_change(d, sub, ov, nv);
		free(sub);
	}
	for (size_t i = 0; i < coach_fm_node_len(o); i++) {
		const char *k = coach_fm_node_key(o, i);
		char *sub = coach_xasprintf("%s %s", key, k);
		if (coach_fm_node_lookup(n, k) == NULL)
			scalar_change(d, sub, coach_fm_node_item(o, i), NULL);
		free(sub);
	}
	if (d->lines->n == said)
		say(d, "%s reordered", key);
}

static const char *
measure_str(const struct coach_fm *fm, const char *key)
{
	const struct coach_fm_node *m = coach_fm_get(fm, "measure");
	const struct coach_fm_node *v = m ? coach_fm_node_lookup(m, key) : NULL;
	return v && coach_fm_node_type(v) == COACH_FM_SCALAR ?
	    coach_fm_node_str(v) : NULL;
}

static int
measure_num(const struct coach_fm *fm, const char *key, double *out)
{
	const struct coach_fm_node *m = coach_fm_get(fm, "measure");
	const struct coach_fm_node *v = m ? coach_fm_node_lookup(m, key) : NULL;
	return v && coach_fm_node_number(v, out) == 0 && isfinite(*out) ?
	    0 : -1;
}

/* One new measurement: from the value before it, with how far along the
 * way from baseline to target it is. */
static void
say_measurement(struct describe *d, const char *prev,
	const struct coach_fm_node *item)
{
	const struct coach_fm_node *vn = coach_fm_node_lookup(item, "value");
	const struct coach_fm_node *dn = coach_fm_node_lookup(item, "date");
	char *v = vn ? value_text(vn) : coach_xstrdup("(no value)");
	const char *name = measure_str(d->nfm, "name");
	const char *target = measure_str(d->nfm, "target");
	double b, t, x;
	struct coach_buf extra = COACH_BUF_INIT;

	if (name && *name)
		coach_buf_puts(&extra, name);
	if (measure_num(d->nfm, "baseline", &b) == 0 &&
	    measure_num(d->nfm, "target", &t) == 0 && t != b && vn &&
	    coach_fm_node_number(vn, &x) == 0 && isfinite(x))
		coach_buf_printf(&extra, "%s%.0f%% of the way to %s",
		    extra.len ? "; " : "", 100.0 * (x - b) / (t - b), target);
	struct coach_buf line = COACH_BUF_INIT;
	if (prev)
		coach_buf_printf(&line, "measurement %s → %s", prev, v);
	else
		coach_buf_printf(&line, "measurement %s", v);
	if (extra.len)
		coach_buf_printf(&line, " (%s)", extra.ptr);
	if (dn && coach_fm_node_type(dn) == COACH_FM_SCALAR)
		coach_buf_printf(&line, " on %s", coach_fm_node_str(dn));
	say(d, "%s", line.ptr);
	coach_buf_free(&line);
	coach_buf_free(&extra);
	free(v);
}

/* Measurements added (each from the latest before it) and removed. */
static void
measurements_change(struct describe *d, const struct coach_fm_node *o,
	const struct coach_fm_node *n)
{
	const struct coach_fm_node *latest = NULL;
	char *prev = NULL;
	if (coach_goal_latest(d->ofm, NULL, &latest) == 0)
		prev = value_text(latest);
	else if (measure_str(d->ofm, "baseline"))
		prev = coach_xstrdup(measure_str(d->ofm, "baseline"));
	size_t said = d->lines->n;
	for (size_t i = 0; n && coach_fm_node_type(n) == COACH_FM_SEQ &&
	    i < coach_fm_node_len(n); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(n, i);
		if (seq_has(o, it))
			continue;
		say_measurement(d, prev, it);
		const struct coach_fm_node *vn = coach_fm_node_lookup(it,
		    "value");
		if (vn) {
			free(prev);
			prev = value_text(vn);
		}
	}
	for (size_t i = 0; o && coach_fm_node_type(o) == COACH_FM_SEQ &&
	    i < coach_fm_node_len(o); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(o, i);
		if (seq_has(n, it))
			continue;
		char *t = value_text(it);
		say(d, "measurement removed: %s", t);
		free(t);
	}
	if (d->lines->n == said)
		say(d, "measurements reordered");
	free(prev);
}

static void
key_change(struct describe *d, const char *key)
{
	const struct coach_fm_node *o = coach_fm_get(d->ofm, key);
	const struct coach_fm_node *n = coach_fm_get(d->nfm, key);
	enum coach_fm_type ot = o ? coach_fm_node_type(o) : COACH_FM_NULL;
	enum coach_fm_type nt = n ? coach_fm_node_type(n) : COACH_FM_NULL;

	if (o && n && node_equal(o, n))
		return;
	if (strcmp(key, "measurements") == 0 &&
	    (ot == COACH_FM_SEQ || nt == COACH_FM_SEQ))
		measurements_change(d, o, n);
	else if ((ot == COACH_FM_SEQ || !o) && (nt == COACH_FM_SEQ || !n) &&
	    (o || n) && (ot == COACH_FM_SEQ || nt == COACH_FM_SEQ))
		list_change(d, key, o, n);
	else if (ot == COACH_FM_MAP && nt == COACH_FM_MAP)
		map_change(d, key, o, n);
	else
		scalar_change(d, key, o, n);
}

static void
describe_modified(struct describe *d, const struct coach_record *old,
	const struct coach_record *new)
{
	for (size_t i = 0; i < coach_fm_count(d->nfm); i++)
		key_change(d, coach_fm_key_at(d->nfm, i));
	for (size_t i = 0; i < coach_fm_count(d->ofm); i++) {
		const char *k = coach_fm_key_at(d->ofm, i);
		if (coach_fm_get(d->nfm, k) == NULL)
			key_change(d, k);
	}
	if (strcmp(coach_record_body(old), coach_record_body(new)) != 0)
		say(d, "%s", d->kind == COACH_KIND_ENTRY ? "text edited" :
		    "notes edited");
}

/*
 * Whole records
 */

static size_t
list_len(const struct coach_fm *fm, const char *key)
{
	const struct coach_fm_node *n = coach_fm_get(fm, key);
	return n && coach_fm_node_type(n) == COACH_FM_SEQ ?
	    coach_fm_node_len(n) : 0;
}

static void
added_entry(struct coach_buf *b, const char *label, const char *path,
	const struct coach_record *rec, const struct coach_recdiff_opts *opts)
{
	const struct coach_fm *fm = coach_record_fm_const(rec);
	size_t ev = list_len(fm, "evidence");
	const char *date = coach_record_str(rec, "date");
	coach_buf_printf(b, "new %s", label);
	if (ev)
		coach_buf_printf(b, " with %zu evidence link%s", ev,
		    ev == 1 ? "" : "s");
	if (date)
		coach_buf_printf(b, ", dated %s", date);
	if (opts == NULL || opts->quote == NULL)
		return;
	if (!opts->quote(opts->arg, path, rec)) {
		coach_buf_puts(b, ": " COACH_CHANGE_PRIVATE);
		return;
	}
	char *line = first_line(opts->body ? opts->body(opts->arg, path, rec) :
	    coach_record_body(rec));
	if (line) {
		coach_buf_puts(b, ": ");
		quote(b, line);
	}
	free(line);
}

static void
added(enum coach_kind kind, const char *label, const char *path,
	const struct coach_record *rec, const struct coach_recdiff_opts *opts,
	struct coach_strlist *lines)
{
	struct coach_buf b = COACH_BUF_INIT;
	const struct coach_fm *fm = rec ? coach_record_fm_const(rec) : NULL;
	const char *title = fm ? coach_fm_str(fm, "title") : NULL;

	if (kind == COACH_KIND_ENTRY && rec) {
		added_entry(&b, label, path, rec, opts);
		coach_strlist_add_owned(lines, coach_buf_detach(&b));
		/* Where summaries are wanted, the evidence is named too. */
		const struct coach_fm_node *ev = coach_fm_get(fm, "evidence");
		if (opts && opts->quote && ev &&
		    coach_fm_node_type(ev) == COACH_FM_SEQ &&
		    coach_fm_node_len(ev) > 0) {
			struct coach_buf e = COACH_BUF_INIT;
			node_text(&e, ev);
			/* "[a, b]" without its brackets. */
			coach_strlist_add_owned(lines, coach_xasprintf(
			    "%s: evidence %.*s", label, (int)(e.len - 2),
			    e.ptr + 1));
			coach_buf_free(&e);
		}
		return;
	} else if (kind == COACH_KIND_GOAL && rec) {
		coach_buf_printf(&b, "new %s", label);
		if (title) {
			coach_buf_puts(&b, ": ");
			quote(&b, title);
		}
	} else if (kind == COACH_KIND_CYCLE && rec) {
		const char *goal = coach_fm_str(fm, "goal");
		const char *step = coach_fm_str(fm, "step");
		const char *phase = coach_fm_str(fm, "phase");
		coach_buf_printf(&b, "new %s", label);
		if (goal) {
			char *g = short_id(opts, goal);
			coach_buf_printf(&b, " on goal %s", g);
			free(g);
		}
		if (phase)
			coach_buf_printf(&b, ", phase %s", phase);
		if (step) {
			coach_buf_puts(&b, ": ");
			quote(&b, step);
		}
	} else if (kind == COACH_KIND_AGREEMENT && rec) {
		struct coach_strlist coaches = COACH_STRLIST_INIT;
		coach_agreement_coaches(rec, &coaches);
		coach_buf_puts(&b, "agreement started");
		for (size_t i = 0; i < coaches.n; i++)
			coach_buf_printf(&b, "%s%s", i ? " and " :
			    " with coach ", coaches.v[i]);
		coach_strlist_free(&coaches);
	} else {
		coach_buf_printf(&b, "new %s", label);
		if (title) {
			coach_buf_puts(&b, ": ");
			quote(&b, title);
		}
	}
	coach_strlist_add_owned(lines, coach_buf_detach(&b));
}

static void
removed(enum coach_kind kind, const char *label,
	const struct coach_record *rec, struct coach_strlist *lines)
{
	struct coach_buf b = COACH_BUF_INIT;
	const char *title = rec ? coach_record_str(rec, "title") : NULL;
	const char *date = rec && kind == COACH_KIND_ENTRY ?
	    coach_record_str(rec, "date") : NULL;
	coach_buf_printf(&b, "%s removed", label);
	if (date)
		coach_buf_printf(&b, " (dated %s)", date);
	if (title) {
		coach_buf_puts(&b, ": ");
		quote(&b, title);
	}
	coach_strlist_add_owned(lines, coach_buf_detach(&b));
}

void
coach_recdiff_describe(enum coach_kind kind, const char *id, const char *path,
	const struct coach_record *old, const struct coach_record *new,
	const struct coach_recdiff_opts *opts, struct coach_strlist *lines)
{
	char *label = make_label(kind, id, path, new ? new : old, opts);
	if (old == NULL)
		added(kind, label, path, new, opts, lines);
	else if (new == NULL)
		removed(kind, label, old, lines);
	else {
		struct describe d = { kind, label, coach_record_fm_const(old),
			coach_record_fm_const(new), lines };
		describe_modified(&d, old, new);
	}
	free(label);
}

/*
 * Sets of files
 */

static int
kind_rank(enum coach_kind k)
{
	switch (k) {
	case COACH_KIND_AGREEMENT: return 0;
	case COACH_KIND_GOAL: return 1;
	case COACH_KIND_CYCLE: return 2;
	case COACH_KIND_ENTRY: return 3;
	case COACH_KIND_EVIDENCE: return 4;
	default: return 5;
	}
}

static int
change_cmp(const void *pa, const void *pb)
{
	const struct coach_recdiff *a = pa, *b = pb;
	int ra = kind_rank(a->kind), rb = kind_rank(b->kind);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp(a->path, b->path);
}

static void
add_problem(struct coach_recdiffs *out, const char *path,
	struct coach_error *err)
{
	if (out->nproblems == out->problems_cap) {
		out->problems_cap = out->problems_cap ? out->problems_cap * 2 :
		    4;
		out->problems = coach_xrealloc(out->problems,
		    out->problems_cap * sizeof(*out->problems));
	}
	struct coach_recdiff_problem *p = &out->problems[out->nproblems++];
	p->path = coach_xstrdup(path);
	p->message = coach_xstrdup(coach_error_msg(err));
	coach_error_free(err);
}

static int
is_record(enum coach_kind k)
{
	return k != COACH_KIND_NONE && k != COACH_KIND_EVIDENCE &&
	    k != COACH_KIND_CONFIG;
}

/* Parses f when it is a record; -1 (a problem added) when it does not
 * parse, 0 otherwise with *rec NULL for files that are not records. */
static int
parse_version(const struct coach_file *f, enum coach_kind k,
	struct coach_record **rec, struct coach_recdiffs *out, int report)
{
	*rec = NULL;
	if (f == NULL || !is_record(k))
		return 0;
	if (f->data == NULL) {
		if (report)
			add_problem(out, f->path, coach_error_coded(
			    COACH_E_INVALID, "%s: too large to be a record",
			    f->path));
		return -1;
	}
	struct coach_error *err = coach_record_parse(rec, f->path, f->data,
	    f->len);
	if (err == NULL)
		return 0;
	if (report)
		add_problem(out, f->path, err);
	else
		coach_error_free(err);
	return -1;
}

/* One change from o to n (either NULL); left out when the new version is
 * a record that does not parse. */
static void
one_change(const struct coach_file *o, const struct coach_file *n,
	const struct coach_recdiff_opts *opts, struct coach_recdiffs *out)
{
	const char *path = n ? n->path : o->path;
	char *id = NULL;
	enum coach_kind k = coach_path_kind(path, NULL, &id);
	struct coach_record *orec = NULL, *nrec = NULL;

	if (parse_version(n, k, &nrec, out, 1) < 0)
		goto done;
	int old_broken = parse_version(o, k, &orec, out, 0) < 0;

	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 8;
		out->v = coach_xrealloc(out->v, out->cap * sizeof(*out->v));
	}
	struct coach_recdiff *c = &out->v[out->n++];
	memset(c, 0, sizeof(*c));
	c->what = !o ? COACH_CHANGE_ADDED : !n ? COACH_CHANGE_REMOVED :
	    strcmp(o->path, n->path) != 0 ? COACH_CHANGE_MOVED :
	    COACH_CHANGE_MODIFIED;
	c->kind = k;
	c->path = coach_xstrdup(path);
	c->old_path = c->what == COACH_CHANGE_MOVED ?
	    coach_xstrdup(o->path) : NULL;
	c->id = id;
	id = NULL;
	const struct coach_record *any = nrec ? nrec : orec;
	c->label = make_label(k, c->id, path, any, opts);
	if (k == COACH_KIND_ENTRY && any) {
		const char *date = coach_record_str(any, "date");
		const char *kind = coach_record_str(any, "kind");
		c->date = date ? coach_xstrdup(date) : NULL;
		c->entry_kind = kind ? coach_xstrdup(kind) : NULL;
	}
	if (c->what == COACH_CHANGE_MOVED)
		coach_strlist_add_owned(&c->lines, coach_xasprintf(
		    "%s: moved from %s to %s", c->label, base_name(o->path),
		    base_name(n->path)));
	if (o && n && old_broken && is_record(k))
		coach_strlist_add_owned(&c->lines, coach_xasprintf(
		    "%s: repaired (the version before did not parse)",
		    c->label));
	else if (o && n && is_record(k))
		coach_recdiff_describe(k, c->id, path, orec, nrec, opts,
		    &c->lines);
	else if (o && n)
		coach_strlist_add_owned(&c->lines, coach_xasprintf(
		    "%s changed", c->label));
	else if (n)
		added(k, c->label, path, nrec, opts, &c->lines);
	else
		removed(k, c->label, orec, &c->lines);
	if (c->lines.n == 0)
		coach_strlist_add_owned(&c->lines, coach_xasprintf(
		    "%s: layout edited (no change in meaning)", c->label));
done:
	free(id);
	coach_record_free(orec);
	coach_record_free(nrec);
}

/* The index in files (of the removed ones, rm) of a file with the same
 * kind and id as path, or -1. */
static long
find_same_id(const struct coach_files *old, const char *const *rm, size_t nrm,
	const char *path)
{
	char *id = NULL, *oid = NULL;
	long found = -1;
	enum coach_kind k = coach_path_kind(path, NULL, &id);
	if (id == NULL || !is_record(k))
		goto done;
	for (size_t i = 0; i < nrm && found < 0; i++) {
		if (rm[i] == NULL)
			continue;
		enum coach_kind ok = coach_path_kind(rm[i], NULL, &oid);
		if (ok == k && oid && strcmp(oid, id) == 0)
			found = (long)i;
		free(oid);
		oid = NULL;
	}
done:
	(void)old;
	free(id);
	return found;
}

void
coach_recdiffs_between(const struct coach_files *old,
	const struct coach_files *new, const struct coach_recdiff_opts *opts,
	struct coach_recdiffs *out)
{
	size_t first = out->n;
	const char **rm = coach_xcalloc(old->n + 1, sizeof(*rm));
	const struct coach_file **rmf = coach_xcalloc(old->n + 1,
	    sizeof(*rmf));
	size_t nrm = 0;

	for (size_t i = 0; i < old->n; i++)
		if (coach_files_find(new, old->v[i].path) == NULL) {
			rmf[nrm] = &old->v[i];
			rm[nrm++] = old->v[i].path;
		}
	for (size_t i = 0; i < new->n; i++) {
		const struct coach_file *n = &new->v[i];
		const struct coach_file *o = coach_files_find(old, n->path);
		if (o && strcmp(o->oid, n->oid) == 0)
			continue;
		if (o == NULL) {
			long k = find_same_id(old, rm, nrm, n->path);
			if (k >= 0) {
				o = rmf[k];
				rm[k] = NULL;
			}
		}
		one_change(o, n, opts, out);
	}
	for (size_t i = 0; i < nrm; i++)
		if (rm[i])
			one_change(rmf[i], NULL, opts, out);
	if (out->n - first > 1)
		qsort(out->v + first, out->n - first, sizeof(*out->v),
		    change_cmp);
	free(rm);
	free(rmf);
}
