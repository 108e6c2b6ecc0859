/*
 * diff3.c: a line-based three-way text merge (see diff3.h).
 *
 * Each side is matched against base with a longest common subsequence of
 * lines; then base is walked: a base line matched in both sides at the
 * current positions is stable and copied, and everything up to the next
 * base line matched in both sides is one chunk, taken from the side that
 * changed it, or a conflict when both did.  This is the classic diff3
 * (Khanna, Kuper and Pierce, "A formal investigation of diff3").
 */
#include "diff3.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct line {
	const char *p;
	size_t len;   /* with its '\n' when it has one */
	uint64_t hash;
};

struct text {
	struct line *v;
	size_t n;
};

static uint64_t
hash_bytes(const char *p, size_t len)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ull;
	}
	return h;
}

static void
split_lines(struct text *t, const char *s, size_t len)
{
	size_t cap = 0;
	t->v = NULL;
	t->n = 0;
	for (size_t off = 0; off < len;) {
		const char *nl = memchr(s + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - s) + 1 : len;
		if (t->n == cap) {
			cap = cap ? 2 * cap : 64;
			t->v = coach_xrealloc(t->v, cap * sizeof(*t->v));
		}
		t->v[t->n].p = s + off;
		t->v[t->n].len = end - off;
		t->v[t->n].hash = hash_bytes(s + off, end - off);
		t->n++;
		off = end;
	}
}

static int
line_eq(const struct line *a, const struct line *b)
{
	return a->hash == b->hash && a->len == b->len &&
	    memcmp(a->p, b->p, a->len) == 0;
}

/*
 * match[i] = the line of side matched with base line i, or SIZE_MAX.  The
 * common head and tail are matched directly; the middle by dynamic
 * programming when it is small enough, else left unmatched.
 */
static void
lcs_match(const struct text *base, const struct text *side, size_t *match)
{
	size_t nb = base->n, ns = side->n, head = 0, tail = 0;
	for (size_t i = 0; i < nb; i++)
		match[i] = SIZE_MAX;
	while (head < nb && head < ns && line_eq(&base->v[head],
	    &side->v[head])) {
		match[head] = head;
		head++;
	}
	while (tail < nb - head && tail < ns - head &&
	    line_eq(&base->v[nb - 1 - tail], &side->v[ns - 1 - tail])) {
		match[nb - 1 - tail] = ns - 1 - tail;
		tail++;
	}
	size_t n = nb - head - tail, m = ns - head - tail;
	if (n == 0 || m == 0 || n + 1 > COACH_DIFF3_MAX_CELLS / (m + 1))
		return;
	/* len[i][j]: LCS of base[head+i..] and side[head+j..]. */
	uint32_t *len = coach_xcalloc((n + 1) * (m + 1), sizeof(*len));
#define L(i, j) len[(i) * (m + 1) + (j)]
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			L(i, j) = line_eq(&base->v[head + i], &side->v[head + j]) ?
			    L(i + 1, j + 1) + 1 : (L(i + 1, j) >= L(i, j + 1) ?
			    L(i + 1, j) : L(i, j + 1));
	for (size_t i = 0, j = 0; i < n && j < m;) {
		if (line_eq(&base->v[head + i], &side->v[head + j])) {
			match[head + i] = head + j;
			i++;
			j++;
		} else if (L(i + 1, j) >= L(i, j + 1)) {
			i++;
		} else {
			j++;
		}
	}
#undef L
	free(len);
}

static void
put_lines(struct coach_buf *out, const struct text *t, size_t from,
    size_t to)
{
	for (size_t i = from; i < to; i++)
		coach_buf_add(out, t->v[i].p, t->v[i].len);
}

static int
same_lines(const struct text *a, size_t af, size_t at, const struct text *b,
    size_t bf, size_t bt)
{
	if (at - af != bt - bf)
		return 0;
	for (size_t i = 0; i < at - af; i++)
		if (!line_eq(&a->v[af + i], &b->v[bf + i]))
			return 0;
	return 1;
}

static void
put_marker(struct coach_buf *out, const char *marker)
{
	if (out->len > 0 && out->ptr[out->len - 1] != '\n')
		coach_buf_putc(out, '\n');
	coach_buf_puts(out, marker);
	coach_buf_putc(out, '\n');
}

struct walk {
	struct text b, o, t;
	size_t *mo, *mt;  /* base line → ours line, base line → theirs line */
};

/* Writes the chunk base[lb..le), ours[ob..oe), theirs[tb..te); returns 1
 * for a conflict. */
static int
put_chunk(struct coach_buf *out, const struct walk *w, size_t lb, size_t le,
    size_t ob, size_t oe, size_t tb, size_t te)
{
	if (same_lines(&w->b, lb, le, &w->o, ob, oe)) {
		put_lines(out, &w->t, tb, te);
		return 0;
	}
	if (same_lines(&w->b, lb, le, &w->t, tb, te) ||
	    same_lines(&w->o, ob, oe, &w->t, tb, te)) {
		put_lines(out, &w->o, ob, oe);
		return 0;
	}
	put_marker(out, COACH_DIFF3_OURS_START);
	put_lines(out, &w->o, ob, oe);
	put_marker(out, COACH_DIFF3_SEPARATOR);
	put_lines(out, &w->t, tb, te);
	put_marker(out, COACH_DIFF3_THEIRS_END);
	return 1;
}

static size_t
walk(struct coach_buf *out, const struct walk *w)
{
	size_t l = 0, o = 0, t = 0, conflicts = 0;
	while (l < w->b.n || o < w->o.n || t < w->t.n) {
		if (l < w->b.n && w->mo[l] == o && w->mt[l] == t) {
			put_lines(out, &w->o, o, o + 1);
			l++, o++, t++;
			continue;
		}
		size_t next = l;
		while (next < w->b.n && (w->mo[next] == SIZE_MAX ||
		    w->mt[next] == SIZE_MAX))
			next++;
		size_t oe = next < w->b.n ? w->mo[next] : w->o.n;
		size_t te = next < w->b.n ? w->mt[next] : w->t.n;
		conflicts += (size_t)put_chunk(out, w, l, next, o, oe, t, te);
		l = next, o = oe, t = te;
	}
	return conflicts;
}

size_t
coach_diff3(struct coach_buf *out, const char *base, size_t base_len,
    const char *ours, size_t ours_len, const char *theirs, size_t theirs_len)
{
	struct walk w;
	coach_buf_add(out, "", 0);
	split_lines(&w.b, base, base_len);
	split_lines(&w.o, ours, ours_len);
	split_lines(&w.t, theirs, theirs_len);
	w.mo = coach_xcalloc(w.b.n + 1, sizeof(size_t));
	w.mt = coach_xcalloc(w.b.n + 1, sizeof(size_t));
	lcs_match(&w.b, &w.o, w.mo);
	lcs_match(&w.b, &w.t, w.mt);
	size_t conflicts = walk(out, &w);
	free(w.mo);
	free(w.mt);
	free(w.b.v);
	free(w.o.v);
	free(w.t.v);
	return conflicts;
}

/* Whether the line at s[off..] is exactly marker (then '\n', CR LF or the
 * end). */
static int
line_is(const char *s, size_t len, size_t off, const char *marker)
{
	size_t n = strlen(marker);
	if (len - off < n || memcmp(s + off, marker, n) != 0)
		return 0;
	off += n;
	if (off < len && s[off] == '\r')
		off++;
	return off == len || s[off] == '\n';
}

int
coach_diff3_has_markers(const char *text, size_t len, int *line)
{
	static const char *const order[] = { COACH_DIFF3_OURS_START,
		COACH_DIFF3_SEPARATOR, COACH_DIFF3_THEIRS_END };
	size_t want = 0;
	int first = 0, n = 1;
	for (size_t off = 0; off < len && want < 3; n++) {
		if (line_is(text, len, off, order[want])) {
			if (want == 0)
				first = n;
			want++;
		}
		const char *nl = memchr(text + off, '\n', len - off);
		off = nl ? (size_t)(nl - text) + 1 : len;
	}
	if (want == 3 && line)
		*line = first;
	return want == 3;
}
