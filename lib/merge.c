/*
 * merge.c: one record merged three ways, key by key (see merge.h).
 *
 * The result starts as a second parse of ours, so that every key and line
 * of ours that the merge does not change stays as it is; keys are then set,
 * appended to or removed through the front-matter rewriter.  New conflicts
 * items are collected in a scratch document (so that they are nodes that
 * compare with the items already in the record) and added last.
 */
#include "merge.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff3.h"
#include "frontmatter.h"
#include "record.h"
#include "repo.h"
#include "util.h"

#define CONFLICTS "conflicts"

/* One version of the file, parsed. */
struct side {
	struct coach_record *rec; /* a record (.md) */
	struct coach_fm *fm;      /* its front-matter, or coach.yml's mapping */
	const char *body;         /* "" without a record */
};

struct merger {
	const char *path;
	int is_record;             /* a .md record, else a YAML mapping */
	struct coach_fm *scratch;  /* "items": the new conflicts items */
	size_t conflicts;
	struct coach_strlist notes;
};

enum file_kind { FILE_TEXT, FILE_RECORD, FILE_YAML };

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static enum file_kind
file_kind(const char *path)
{
	if (ends_with(path, ".md"))
		return FILE_RECORD;
	if (ends_with(path, ".yml") || ends_with(path, ".yaml"))
		return FILE_YAML;
	return FILE_TEXT;
}

static void
side_free(struct side *s)
{
	if (s->rec)
		coach_record_free(s->rec);
	else
		coach_fm_free(s->fm);
	memset(s, 0, sizeof(*s));
}

static struct coach_error *
side_parse(struct side *s, const struct merger *m, const char *text,
    size_t len)
{
	struct coach_error *err;
	memset(s, 0, sizeof(*s));
	s->body = "";
	if (m->is_record) {
		err = coach_record_parse(&s->rec, m->path, text, len);
		if (err == NULL) {
			s->fm = coach_record_fm(s->rec);
			s->body = coach_record_body(s->rec);
		}
		return err;
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (coach_utf8_check(text, len) < len)
		return coach_error_coded(COACH_E_INVALID, "%s: not UTF-8 text",
		    m->path);
	return coach_fm_parse(&s->fm, m->path, text, len, 1);
}

/* side_parse() for callers that only need to know whether it parses. */
static int
side_parses(struct side *s, const struct merger *m, const char *text,
    size_t len)
{
	struct coach_error *err = side_parse(s, m, text, len);
	coach_error_free(err);
	return err == NULL;
}

static void
side_render(const struct side *s, struct coach_buf *out)
{
	coach_buf_add(out, "", 0);
	if (s->rec)
		coach_record_render(s->rec, out);
	else
		coach_fm_render(s->fm, out);
}

static int
node_eq(const struct coach_fm_node *a, const struct coach_fm_node *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return coach_fm_node_equal(a, b);
}

/* A note for the user: the path, ": ", then the printf-style text. */
static void __attribute__((format(printf, 2, 3)))
note(struct merger *m, const char *fmt, ...)
{
	struct coach_buf b = COACH_BUF_INIT;
	va_list ap;
	coach_buf_printf(&b, "%s: ", m->path);
	va_start(ap, fmt);
	char *text = NULL;
	if (vasprintf(&text, fmt, ap) < 0)
		abort();
	va_end(ap);
	coach_buf_puts(&b, text);
	free(text);
	coach_strlist_add_owned(&m->notes, coach_buf_detach(&b));
}

/*
 * Records a conflicts item: key, from (the side whose version goes here),
 * and value (a copy), or removed: true when value is NULL and removed is
 * set, or markers: true for a body kept with markers.
 */
static void
add_conflict(struct merger *m, const char *key, const char *from,
    struct coach_fmv *value, const char *flag)
{
	struct coach_fmv *item = coach_fmv_map();
	coach_fmv_put(item, "key", coach_fmv_str(key));
	coach_fmv_put(item, "from", coach_fmv_str(from));
	if (value)
		coach_fmv_put(item, "value", value);
	else
		coach_fmv_put(item, flag, coach_fmv_bool(1));
	/* Appending to a fresh document cannot fail. */
	coach_error_free(coach_fm_append(m->scratch, "items", item));
	m->conflicts++;
}

/* ---- lists and mappings ------------------------------------------------ */

struct nodes {
	const struct coach_fm_node **v;
	size_t n, cap;
};

static void
nodes_add(struct nodes *l, const struct coach_fm_node *n)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = coach_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = n;
}

static int
seq_has(const struct coach_fm_node *seq, const struct coach_fm_node *item)
{
	if (seq == NULL || coach_fm_node_type(seq) != COACH_FM_SEQ)
		return 0;
	for (size_t i = 0; i < coach_fm_node_len(seq); i++)
		if (coach_fm_node_equal(coach_fm_node_item(seq, i), item))
			return 1;
	return 0;
}

static int
nodes_has(const struct nodes *l, const struct coach_fm_node *item)
{
	for (size_t i = 0; i < l->n; i++)
		if (coach_fm_node_equal(l->v[i], item))
			return 1;
	return 0;
}

static int
is_seq(const struct coach_fm_node *n)
{
	return n && coach_fm_node_type(n) == COACH_FM_SEQ;
}

/* A list's "no list yet": absent, null or a list. */
static int
seq_or_none(const struct coach_fm_node *n)
{
	return n == NULL || (coach_fm_node_type(n) != COACH_FM_SCALAR &&
	    coach_fm_node_type(n) != COACH_FM_MAP);
}

/* The item's date, when it is a mapping with a scalar date. */
static const char *
item_date(const struct coach_fm_node *n)
{
	const struct coach_fm_node *d = coach_fm_node_type(n) == COACH_FM_MAP ?
	    coach_fm_node_lookup(n, "date") : NULL;
	return d && coach_fm_node_type(d) == COACH_FM_SCALAR ?
	    coach_fm_node_str(d) : NULL;
}

/* Stable insertion sort by date, when every item has one (lists are
 * short, and a stable sort keeps ours before theirs on a tie). */
static void
sort_by_date(struct nodes *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (item_date(l->v[i]) == NULL)
			return;
	for (size_t i = 1; i < l->n; i++) {
		const struct coach_fm_node *x = l->v[i];
		size_t j = i;
		while (j > 0 && strcmp(item_date(l->v[j - 1]), item_date(x)) > 0) {
			l->v[j] = l->v[j - 1];
			j--;
		}
		l->v[j] = x;
	}
}

/*
 * The three-way set merge of lists: ours' items that theirs did not
 * remove, then theirs' items that ours neither has nor removed.
 */
static void
set_merge(struct nodes *out, const struct coach_fm_node *b,
    const struct coach_fm_node *o, const struct coach_fm_node *t)
{
	for (size_t i = 0; is_seq(o) && i < coach_fm_node_len(o); i++) {
		const struct coach_fm_node *x = coach_fm_node_item(o, i);
		if (!(seq_has(b, x) && !seq_has(t, x)))
			nodes_add(out, x);
	}
	for (size_t i = 0; is_seq(t) && i < coach_fm_node_len(t); i++) {
		const struct coach_fm_node *x = coach_fm_node_item(t, i);
		if (!seq_has(o, x) && !seq_has(b, x) && !nodes_has(out, x))
			nodes_add(out, x);
	}
}

/*
 * Sets key of res to the list l, appending to ours' list o when l only
 * adds items after o's (so o's lines stay as they are); removes the key
 * when l is empty and drop_empty is set.
 */
static void
put_list(struct coach_fm *res, const char *key,
    const struct coach_fm_node *o, const struct nodes *l, int drop_empty)
{
	size_t keep = is_seq(o) ? coach_fm_node_len(o) : 0;
	int prefix = is_seq(o) && l->n >= keep;
	for (size_t i = 0; prefix && i < keep; i++)
		prefix = l->v[i] == coach_fm_node_item(o, i);
	if (l->n == 0 && drop_empty) {
		coach_fm_remove(res, key);
		return;
	}
	if (prefix) {
		for (size_t i = keep; i < l->n; i++)
			coach_error_free(coach_fm_append(res, key,
			    coach_fmv_from_node(l->v[i])));
		return;
	}
	struct coach_fmv *seq = coach_fmv_seq();
	for (size_t i = 0; i < l->n; i++)
		coach_fmv_push(seq, coach_fmv_from_node(l->v[i]));
	coach_fm_set(res, key, seq);
}

/* The value of a mapping's key, or NULL when n is not a mapping. */
static const struct coach_fm_node *
map_get(const struct coach_fm_node *n, const char *key)
{
	return n && coach_fm_node_type(n) == COACH_FM_MAP ?
	    coach_fm_node_lookup(n, key) : NULL;
}

/* One key of a mapping merged three ways; NULL in *out means absent.
 * Returns -1 when both sides changed it differently. */
static int
merge_value(const struct coach_fm_node *b, const struct coach_fm_node *o,
    const struct coach_fm_node *t, const struct coach_fm_node **out)
{
	if (node_eq(o, t) || node_eq(b, t))
		*out = o;
	else if (node_eq(b, o))
		*out = t;
	else
		return -1;
	return 0;
}

/*
 * Mappings (a goal's measure) merged key by key one level down: ours' keys
 * in order, then theirs' new ones.  NULL when a key conflicts.
 */
static struct coach_fmv *
map_merge(const struct coach_fm_node *b, const struct coach_fm_node *o,
    const struct coach_fm_node *t)
{
	struct coach_fmv *map = coach_fmv_map();
	const struct coach_fm_node *sides[2] = { o, t };
	for (int s = 0; s < 2; s++) {
		for (size_t i = 0; i < coach_fm_node_len(sides[s]); i++) {
			const char *k = coach_fm_node_key(sides[s], i);
			const struct coach_fm_node *v;
			if (s == 1 && map_get(o, k))
				continue;
			if (merge_value(map_get(b, k), map_get(o, k),
			    map_get(t, k), &v) != 0) {
				coach_fmv_free(map);
				return NULL;
			}
			if (v)
				coach_fmv_put(map, k, coach_fmv_from_node(v));
		}
	}
	return map;
}

static int
is_map(const struct coach_fm_node *n)
{
	return n && coach_fm_node_type(n) == COACH_FM_MAP;
}

/* ---- keys, body, conflicts ------------------------------------------- */

/* Both sides changed key differently (o and t not both absent). */
static void
merge_both_changed(struct merger *m, struct coach_fm *res, const char *key,
    const struct coach_fm_node *b, const struct coach_fm_node *o,
    const struct coach_fm_node *t)
{
	if (o == NULL) {
		/* Removed on our side, changed on theirs: the change stays. */
		coach_fm_set(res, key, coach_fmv_from_node(t));
		add_conflict(m, key, "ours", NULL, "removed");
		note(m, "%s was removed on our side and changed on theirs; "
		    "their value is kept", key);
		return;
	}
	if (t == NULL) {
		add_conflict(m, key, "theirs", NULL, "removed");
		note(m, "%s was changed on our side and removed on theirs; "
		    "our value is kept", key);
		return;
	}
	if (is_seq(o) && is_seq(t) && seq_or_none(b)) {
		struct nodes l = { NULL, 0, 0 };
		set_merge(&l, b, o, t);
		sort_by_date(&l);
		put_list(res, key, o, &l, 0);
		free(l.v);
		return;
	}
	if (is_map(o) && is_map(t) && (b == NULL || is_map(b))) {
		struct coach_fmv *v = map_merge(b, o, t);
		if (v) {
			coach_fm_set(res, key, v);
			return;
		}
	}
	add_conflict(m, key, "theirs", coach_fmv_from_node(t), NULL);
	note(m, "both sides changed %s; ours is kept and theirs is under "
	    "conflicts:", key);
}

static void
merge_key(struct merger *m, struct coach_fm *res, const char *key,
    const struct side *b, const struct side *o, const struct side *t)
{
	const struct coach_fm_node *bn = b ? coach_fm_get(b->fm, key) : NULL;
	const struct coach_fm_node *on = coach_fm_get(o->fm, key);
	const struct coach_fm_node *tn = coach_fm_get(t->fm, key);
	if (node_eq(on, tn) || node_eq(bn, tn))
		return;
	if (node_eq(bn, on)) {
		if (tn == NULL)
			coach_fm_remove(res, key);
		else
			coach_fm_set(res, key, coach_fmv_from_node(tn));
		return;
	}
	merge_both_changed(m, res, key, bn, on, tn);
}

static int
sealed(const char *body)
{
	return strncmp(body, COACH_MERGE_SEALED_BEGIN,
	    strlen(COACH_MERGE_SEALED_BEGIN)) == 0;
}

static void
merge_body(struct merger *m, struct side *res, const char *b, const char *o,
    const char *t)
{
	if (strcmp(o, t) == 0 || strcmp(b, t) == 0)
		return;
	if (strcmp(b, o) == 0) {
		coach_record_set_body(res->rec, t);
		return;
	}
	if (sealed(b) || sealed(o) || sealed(t)) {
		/* Armour is never merged line by line: both stay whole. */
		add_conflict(m, "body", "theirs", coach_fmv_str(t), NULL);
		note(m, "both sides changed the sealed text; ours is kept and "
		    "theirs is under conflicts:");
		return;
	}
	struct coach_buf out = COACH_BUF_INIT;
	size_t n = coach_diff3(&out, b, strlen(b), o, strlen(o), t, strlen(t));
	coach_record_set_body(res->rec, coach_buf_str(&out));
	coach_buf_free(&out);
	if (n > 0) {
		add_conflict(m, "body", "theirs", NULL, "markers");
		m->conflicts += n - 1;
		note(m, "both sides changed the same lines of the text; both "
		    "are kept between <<<<<<< and >>>>>>> lines");
	}
}

/* The conflicts list: both sides' items merged as a set, then new ones. */
static void
merge_conflicts(struct merger *m, struct coach_fm *res, const struct side *b,
    const struct side *o, const struct side *t)
{
	const struct coach_fm_node *bn = b ? coach_fm_get(b->fm, CONFLICTS) :
	    NULL;
	const struct coach_fm_node *on = coach_fm_get(o->fm, CONFLICTS);
	const struct coach_fm_node *tn = coach_fm_get(t->fm, CONFLICTS);
	const struct coach_fm_node *added = coach_fm_get(m->scratch, "items");
	const struct coach_fm_node *kept = NULL;
	struct nodes l = { NULL, 0, 0 };
	if (merge_value(bn, on, tn, &kept) != 0) {
		if (seq_or_none(bn) && seq_or_none(on) && seq_or_none(tn))
			set_merge(&l, bn, on, tn);
		else
			kept = on ? on : tn;
	}
	for (size_t i = 0; is_seq(kept) && i < coach_fm_node_len(kept); i++)
		nodes_add(&l, coach_fm_node_item(kept, i));
	if (kept && !is_seq(kept) && coach_fm_node_type(kept) != COACH_FM_NULL)
		nodes_add(&l, kept); /* a hand-written odd value stays */
	for (size_t i = 0; added && i < coach_fm_node_len(added); i++)
		if (!nodes_has(&l, coach_fm_node_item(added, i)))
			nodes_add(&l, coach_fm_node_item(added, i));
	if (l.n > 0 || on)
		put_list(res, CONFLICTS, on, &l, 1);
	free(l.v);
}

static void
merge_sides(struct merger *m, struct side *res, const struct side *b,
    const struct side *o, const struct side *t)
{
	const struct side *sides[2] = { o, t };
	for (int s = 0; s < 2; s++) {
		for (size_t i = 0; i < coach_fm_count(sides[s]->fm); i++) {
			const char *k = coach_fm_key_at(sides[s]->fm, i);
			if (strcmp(k, CONFLICTS) == 0 ||
			    (s == 1 && coach_fm_get(o->fm, k)))
				continue;
			merge_key(m, res->fm, k, b, o, t);
		}
	}
	if (res->rec)
		merge_body(m, res, b ? b->body : "", o->body, t->body);
	merge_conflicts(m, res->fm, b, o, t);
}

/* ---- whole files ------------------------------------------------------- */

static void
result_set(struct coach_merge_result *out, const char *text, size_t len)
{
	free(out->text);
	out->text = coach_xmalloc(len + 1);
	if (len)
		memcpy(out->text, text, len);
	out->text[len] = '\0';
	out->len = len;
}

/* A line merge of the whole files, when they cannot merge as records. */
static void
merge_as_text(struct merger *m, struct coach_merge_result *out,
    const char *base, size_t base_len, const char *ours, size_t ours_len,
    const char *theirs, size_t theirs_len, const char *why)
{
	struct coach_buf b = COACH_BUF_INIT;
	size_t n = coach_diff3(&b, base, base ? base_len : 0, ours,
	    ours ? ours_len : 0, theirs, theirs ? theirs_len : 0);
	result_set(out, b.ptr, b.len);
	coach_buf_free(&b);
	m->conflicts += n;
	if (n > 0)
		note(m, "%s%smerged as text; both sides' lines are kept between "
		    "<<<<<<< and >>>>>>> lines: edit the file", why ? why : "",
		    why ? "; " : "");
	else if (why)
		note(m, "%s; merged as text, line by line", why);
}

/* Renders res into out, unless it would not read back (too large, say). */
static int
result_render(struct merger *m, struct coach_merge_result *out,
    const struct side *res)
{
	struct coach_buf b = COACH_BUF_INIT;
	struct side again;
	side_render(res, &b);
	struct coach_error *err = side_parse(&again, m, b.ptr, b.len);
	if (err == NULL) {
		result_set(out, b.ptr, b.len);
		side_free(&again);
	}
	coach_error_free(err);
	coach_buf_free(&b);
	return err ? -1 : 0;
}

/* Both sides present and different: key by key, or as text. */
static void
merge_three(struct merger *m, struct coach_merge_result *out,
    const char *base, size_t base_len, const char *ours, size_t ours_len,
    const char *theirs, size_t theirs_len)
{
	struct side b, o, t, res;
	struct coach_error *err = NULL;
	int have_base = 0, parsed = 0;
	memset(&o, 0, sizeof(o));
	memset(&t, 0, sizeof(t));
	memset(&res, 0, sizeof(res));
	if ((err = side_parse(&o, m, ours, ours_len)) ||
	    (err = side_parse(&t, m, theirs, theirs_len)) ||
	    (err = side_parse(&res, m, ours, ours_len)))
		goto done;
	parsed = 1;
	if (base) {
		struct coach_error *berr = side_parse(&b, m, base, base_len);
		have_base = berr == NULL;
		if (berr)
			note(m, "the common version does not read as a record; "
			    "merged as if both sides had added it");
		coach_error_free(berr);
	}
	merge_sides(m, &res, have_base ? &b : NULL, &o, &t);
	if (result_render(m, out, &res) != 0) {
		/* What was said of keys no longer holds. */
		m->conflicts = 0;
		coach_strlist_free(&m->notes);
		merge_as_text(m, out, base, base_len, ours, ours_len, theirs,
		    theirs_len, "the merged record would not read back");
	}
done:
	if (!parsed)
		merge_as_text(m, out, base, base_len, ours, ours_len, theirs,
		    theirs_len, coach_error_msg(err));
	coach_error_free(err);
	if (have_base)
		side_free(&b);
	side_free(&o);
	side_free(&t);
	side_free(&res);
}

/*
 * The record at path was deleted on one side (gone_side) and changed on the
 * other: kept, with a conflicts item saying who removed it.
 */
static void
merge_deleted(struct merger *m, struct coach_merge_result *out,
    const char *kept, size_t kept_len, const char *gone_side)
{
	struct side res;
	result_set(out, kept, kept_len);
	if (file_kind(m->path) != FILE_TEXT &&
	    side_parses(&res, m, kept, kept_len)) {
		add_conflict(m, "record", gone_side, NULL, "removed");
		merge_conflicts(m, res.fm, &res, &res, &res);
		if (result_render(m, out, &res) != 0)
			result_set(out, kept, kept_len);
		side_free(&res);
	} else {
		m->conflicts++;
	}
	note(m, "deleted on %s side and changed on the other; the changed "
	    "version is kept: remove it with coach rm if it should go",
	    strcmp(gone_side, "ours") == 0 ? "our" : "their");
}

static int
is_id_record(const char *path)
{
	enum coach_kind k = coach_path_kind(path, NULL, NULL);
	return k == COACH_KIND_GOAL || k == COACH_KIND_CYCLE ||
	    k == COACH_KIND_ENTRY;
}

/* Both texts whole between markers: ours' body, theirs' whole file. */
static char *
both_whole(const char *ours_body, const char *theirs, size_t theirs_len)
{
	struct coach_buf b = COACH_BUF_INIT;
	coach_buf_puts(&b, COACH_DIFF3_OURS_START "\n");
	coach_buf_puts(&b, ours_body);
	if (b.ptr[b.len - 1] != '\n')
		coach_buf_putc(&b, '\n');
	coach_buf_puts(&b, COACH_DIFF3_SEPARATOR "\n");
	coach_buf_add(&b, theirs, theirs_len);
	if (b.ptr[b.len - 1] != '\n')
		coach_buf_putc(&b, '\n');
	coach_buf_puts(&b, COACH_DIFF3_THEIRS_END "\n");
	return coach_buf_detach(&b);
}

/*
 * Added on both sides with different texts.  A goal, cycle or entry is two
 * records with one id: ours stays, and theirs goes whole into the body
 * between markers (not under conflicts:, so that its text stays in the
 * body, which summaries for the trust leave out).
 */
static void
merge_added(struct merger *m, struct coach_merge_result *out,
    const char *ours, size_t ours_len, const char *theirs, size_t theirs_len)
{
	struct side res;
	if (!m->is_record || !is_id_record(m->path)) {
		merge_three(m, out, NULL, 0, ours, ours_len, theirs, theirs_len);
		return;
	}
	if (memchr(theirs, '\0', theirs_len) == NULL &&
	    coach_utf8_check(theirs, theirs_len) == theirs_len &&
	    side_parses(&res, m, ours, ours_len)) {
		char *body = both_whole(res.body, theirs, theirs_len);
		coach_record_set_body(res.rec, body);
		free(body);
		add_conflict(m, "record", "theirs", NULL, "markers");
		merge_conflicts(m, res.fm, NULL, &res, &res);
		int bad = result_render(m, out, &res);
		side_free(&res);
		if (bad == 0) {
			note(m, "two different records were created with this "
			    "id (an id collision); ours is kept, and theirs is "
			    "in its text between <<<<<<< and >>>>>>> lines: "
			    "create it again under a new id");
			return;
		}
		m->conflicts = 0;
	}
	merge_as_text(m, out, NULL, 0, ours, ours_len, theirs, theirs_len,
	    "two different records were created with this id (an id "
	    "collision)");
}

static int
same(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static void
merge_file(struct merger *m, struct coach_merge_result *out,
    const char *base, size_t base_len, const char *ours, size_t ours_len,
    const char *theirs, size_t theirs_len)
{
	if (ours == NULL && theirs == NULL)
		return; /* deleted on both sides */
	if (ours == NULL || theirs == NULL) {
		const char *kept = ours ? ours : theirs;
		size_t kept_len = ours ? ours_len : theirs_len;
		if (base == NULL)
			result_set(out, kept, kept_len);
		else if (!same(base, base_len, kept, kept_len))
			merge_deleted(m, out, kept, kept_len,
			    ours ? "theirs" : "ours");
		return;
	}
	if (same(ours, ours_len, theirs, theirs_len) ||
	    (base && same(base, base_len, theirs, theirs_len)))
		result_set(out, ours, ours_len);
	else if (base && same(base, base_len, ours, ours_len))
		result_set(out, theirs, theirs_len);
	else if (file_kind(m->path) == FILE_TEXT)
		merge_as_text(m, out, base, base_len, ours, ours_len, theirs,
		    theirs_len, NULL);
	else if (base == NULL)
		merge_added(m, out, ours, ours_len, theirs, theirs_len);
	else
		merge_three(m, out, base, base_len, ours, ours_len, theirs,
		    theirs_len);
}

struct coach_error *
coach_merge_record(const char *path, const char *base, size_t base_len,
    const char *ours, size_t ours_len, const char *theirs, size_t theirs_len,
    struct coach_merge_result *out)
{
	if (out)
		memset(out, 0, sizeof(*out));
	if (path == NULL || out == NULL)
		return coach_error_coded(COACH_E_USAGE, "coach_merge_record: "
		    "a path and a result are required");
	struct merger m = { path, file_kind(path) == FILE_RECORD,
		coach_fm_new(), 0, COACH_STRLIST_INIT };
	merge_file(&m, out, base, base_len, ours, ours_len, theirs,
	    theirs_len);
	out->conflicts = m.conflicts;
	out->notes = m.notes.v;
	out->nnotes = m.notes.n;
	coach_fm_free(m.scratch);
	return NULL;
}

int
coach_merge_readable(const char *path, const char *text, size_t len)
{
	struct merger m = { path, file_kind(path) == FILE_RECORD, NULL, 0,
		COACH_STRLIST_INIT };
	struct side s;
	if (text == NULL || file_kind(path) == FILE_TEXT)
		return 0;
	struct coach_error *err = side_parse(&s, &m, text, len);
	if (err == NULL)
		side_free(&s);
	coach_error_free(err);
	return err == NULL;
}

void
coach_merge_result_free(struct coach_merge_result *r)
{
	if (r == NULL)
		return;
	free(r->text);
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	memset(r, 0, sizeof(*r));
}

/* ---- settling conflicts ------------------------------------------------ */

static int
item_is(const struct coach_fm_node *item, const char *key)
{
	const struct coach_fm_node *k = coach_fm_node_type(item) ==
	    COACH_FM_MAP ? coach_fm_node_lookup(item, "key") : NULL;
	return k && coach_fm_node_type(k) == COACH_FM_SCALAR &&
	    strcmp(coach_fm_node_str(k), key) == 0;
}

static int
item_flag(const struct coach_fm_node *item, const char *flag)
{
	const struct coach_fm_node *f = coach_fm_node_lookup(item, flag);
	int b = 0;
	return f && coach_fm_node_bool(f, &b) == 0 && b;
}

/* Removes the conflicts items of key (only those with markers: true when
 * markers_only); the conflicts key goes once it is empty. */
static void
drop_items(struct coach_fm *fm, const char *key, int markers_only)
{
	const struct coach_fm_node *c = coach_fm_get(fm, CONFLICTS);
	struct coach_fmv *seq;
	size_t left = 0;
	if (c == NULL)
		return;
	seq = coach_fmv_seq();
	for (size_t i = 0; i < coach_fm_node_len(c); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(c, i);
		if (item_is(it, key) && (!markers_only ||
		    item_flag(it, "markers")))
			continue;
		coach_fmv_push(seq, coach_fmv_from_node(it));
		left++;
	}
	if (left == 0) {
		coach_fmv_free(seq);
		coach_fm_remove(fm, CONFLICTS);
	} else {
		coach_fm_set(fm, CONFLICTS, seq);
	}
}

/* value read as YAML after "key: ", else as a string. */
static struct coach_fmv *
yaml_value(const char *value)
{
	char *doc = coach_xasprintf("v: %s\n", value);
	struct coach_fm *fm = NULL;
	struct coach_fmv *v = NULL;
	struct coach_error *err = strchr(value, '\n') ? NULL :
	    coach_fm_parse(&fm, "value", doc, strlen(doc), 1);
	if (err == NULL && fm && coach_fm_count(fm) == 1 &&
	    coach_fm_get(fm, "v"))
		v = coach_fmv_from_node(coach_fm_get(fm, "v"));
	coach_error_free(err);
	coach_fm_free(fm);
	free(doc);
	return v ? v : coach_fmv_str(value);
}

/* The one version under conflicts: for key (value, or removed: *gone). */
static struct coach_error *
other_value(const char *path, const struct coach_fm_node *c, const char *key,
    const struct coach_fm_node **value, int *gone)
{
	size_t n = 0;
	*value = NULL;
	*gone = 0;
	for (size_t i = 0; i < coach_fm_node_len(c); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(c, i);
		if (!item_is(it, key))
			continue;
		n++;
		*value = coach_fm_node_lookup(it, "value");
		*gone = *value == NULL && item_flag(it, "removed");
	}
	if (n != 1 || (*value == NULL && !*gone))
		return coach_error_coded(COACH_E_CONFLICT, "%s: %s has %s "
		    "under conflicts:, not one value; give the value to keep",
		    path, key, n > 1 ? "several versions" : "no value");
	return NULL;
}

struct coach_error *
coach_merge_resolve(struct coach_record *rec, const char *key,
    enum coach_resolve_how how, const char *value)
{
	struct coach_fm *fm = coach_record_fm(rec);
	const char *path = coach_record_path(rec) ? coach_record_path(rec) :
	    "record";
	const struct coach_fm_node *c = coach_fm_get(fm, CONFLICTS), *other;
	struct coach_buf keys = COACH_BUF_INIT;
	int found = 0, gone, line = 0;
	struct coach_error *err = NULL;

	for (size_t i = 0; is_seq(c) && i < coach_fm_node_len(c); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(c, i);
		const struct coach_fm_node *k = coach_fm_node_type(it) ==
		    COACH_FM_MAP ? coach_fm_node_lookup(it, "key") : NULL;
		found |= item_is(it, key);
		if (k && coach_fm_node_type(k) == COACH_FM_SCALAR)
			coach_buf_printf(&keys, "%s%s", keys.len ? ", " : "",
			    coach_fm_node_str(k));
	}
	if (!found) {
		err = coach_error_coded(COACH_E_NOTFOUND, "%s has no conflict "
		    "for %s%s%s", path, key, keys.len ? "; it has conflicts "
		    "for: " : "", coach_buf_str(&keys));
		goto done;
	}
	int whole = strcmp(key, "body") == 0 || strcmp(key, "record") == 0;
	if (whole && how == COACH_RESOLVE_SET) {
		err = coach_error_coded(COACH_E_USAGE, "%s: the %s is not set "
		    "with a value: keep it with --keep, or change it with "
		    "coach edit", path, key);
		goto done;
	}
	if (how == COACH_RESOLVE_OTHER && strcmp(key, "record") == 0) {
		err = coach_error_coded(COACH_E_USAGE, "%s: the other record "
		    "under conflicts: is a record of its own: create it anew, "
		    "then resolve with --keep", path);
		goto done;
	}
	if (how == COACH_RESOLVE_OTHER &&
	    (err = other_value(path, c, key, &other, &gone)))
		goto done;
	const char *body = coach_record_body(rec);
	if (whole && how == COACH_RESOLVE_KEEP &&
	    coach_diff3_has_markers(body, strlen(body), &line)) {
		err = coach_error_coded(COACH_E_CONFLICT, "%s:%d: the text still "
		    "has both versions between <<<<<<< and >>>>>>> lines; edit "
		    "them into one with coach edit first", path,
		    coach_record_body_line(rec) + line - 1);
		goto done;
	}
	if (how == COACH_RESOLVE_OTHER && strcmp(key, "body") == 0)
		coach_record_set_body(rec, coach_fm_node_str(other) ?
		    coach_fm_node_str(other) : "");
	else if (how == COACH_RESOLVE_OTHER && gone)
		coach_fm_remove(fm, key);
	else if (how == COACH_RESOLVE_OTHER)
		coach_fm_set(fm, key, coach_fmv_from_node(other));
	else if (how == COACH_RESOLVE_SET)
		coach_fm_set(fm, key, yaml_value(value ? value : ""));
	drop_items(fm, key, 0);
done:
	coach_buf_free(&keys);
	return err;
}

int
coach_merge_clear_body(const char *path, const char *text, size_t len,
    struct coach_buf *out)
{
	struct coach_record *rec = NULL;
	struct coach_error *err = coach_record_parse(&rec, path, text, len);
	int changed = 0;
	if (err == NULL) {
		const char *body = coach_record_body(rec);
		const struct coach_fm_node *c = coach_fm_get(
		    coach_record_fm(rec), CONFLICTS);
		for (size_t i = 0; is_seq(c) && i < coach_fm_node_len(c); i++) {
			const struct coach_fm_node *it = coach_fm_node_item(c,
			    i);
			changed |= (item_is(it, "body") ||
			    item_is(it, "record")) && item_flag(it, "markers");
		}
		changed = changed && !coach_diff3_has_markers(body,
		    strlen(body), NULL);
	}
	if (changed) {
		drop_items(coach_record_fm(rec), "body", 1);
		drop_items(coach_record_fm(rec), "record", 1);
		coach_buf_clear(out);
		coach_record_render(rec, out);
	}
	coach_error_free(err);
	coach_record_free(rec);
	return changed;
}
