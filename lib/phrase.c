/*
 * phrase.c: Knuth-Morris-Pratt over folded text.
 */
#include "phrase.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct coach_phrase {
	char *text;   /* folded, without leading or trailing blanks */
	size_t len;
	size_t *fail; /* fail[k]: longest proper border of text[0..k] */
};

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int
word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

void
coach_phrase_fold(const char *s, size_t n, struct coach_buf *out)
{
	/* Room for the text first: the folded text is never longer, and
	 * is written in one pass. */
	size_t at = out->len;
	coach_buf_reserve(out, n);
	char *d = out->ptr + at;
	const char *src = s, *end = s + n;
	while (src < end) {
		char c = *src++;
		if (blank(c)) {
			while (src < end && blank(*src))
				src++;
			c = ' ';
		} else if (c >= 'A' && c <= 'Z') {
			c = (char)(c - 'A' + 'a');
		}
		*d++ = c;
	}
	out->len = (size_t)(d - out->ptr);
	out->ptr[out->len] = '\0';
}

struct coach_phrase *
coach_phrase_new(const char *phrase)
{
	struct coach_buf b = COACH_BUF_INIT;
	/* A newline in a phrase is a blank like the others. */
	for (const char *p = phrase; *p; p++)
		coach_buf_putc(&b, *p == '\n' ? ' ' : *p);
	struct coach_buf f = COACH_BUF_INIT;
	coach_phrase_fold(coach_buf_str(&b), b.len, &f);
	coach_buf_free(&b);
	size_t start = 0, end = f.len;
	while (start < end && f.ptr[start] == ' ')
		start++;
	while (end > start && f.ptr[end - 1] == ' ')
		end--;
	if (start == end) {
		coach_buf_free(&f);
		return NULL;
	}
	struct coach_phrase *p = coach_xcalloc(1, sizeof(*p));
	p->len = end - start;
	p->text = coach_xstrndup(f.ptr + start, p->len);
	coach_buf_free(&f);
	p->fail = coach_xcalloc(p->len, sizeof(*p->fail));
	for (size_t k = 1, b2 = 0; k < p->len; k++) {
		while (b2 > 0 && p->text[k] != p->text[b2])
			b2 = p->fail[b2 - 1];
		if (p->text[k] == p->text[b2])
			b2++;
		p->fail[k] = b2;
	}
	return p;
}

void
coach_phrase_free(struct coach_phrase *p)
{
	if (p == NULL)
		return;
	free(p->text);
	free(p->fail);
	free(p);
}

/* Whether the match t[start..start+len) stands as whole words: no word
 * character runs into it from either side. */
static int
whole(const struct coach_phrase *p, const char *t, size_t n, size_t start)
{
	size_t end = start + p->len;
	if (start > 0 && word_byte((unsigned char)t[start - 1]) &&
	    word_byte((unsigned char)p->text[0]))
		return 0;
	if (end < n && word_byte((unsigned char)t[end]) &&
	    word_byte((unsigned char)p->text[p->len - 1]))
		return 0;
	return 1;
}

long
coach_phrase_next(const struct coach_phrase *p, const char *t, size_t n,
    struct coach_phrase_scan *scan)
{
	size_t j = scan->j;
	for (size_t i = scan->i; i < n; i++) {
		while (j > 0 && t[i] != p->text[j])
			j = p->fail[j - 1];
		if (t[i] == p->text[j])
			j++;
		if (j < p->len)
			continue;
		size_t start = i + 1 - p->len;
		j = p->fail[j - 1];
		if (whole(p, t, n, start)) {
			scan->i = i + 1;
			scan->j = j;
			return (long)start;
		}
	}
	scan->i = n;
	scan->j = j;
	return -1;
}

/*
 * The set: a trie of the folded phrases made into an automaton over byte
 * classes (the bytes the phrases use, and one class for every other
 * byte), so that each byte of the text costs one table look-up.
 */
#define SET_MAX_CELLS ((size_t)1 << 22)

struct coach_phrases {
	size_t n;
	struct coach_phrase **p;  /* per phrase; NULL: blank */
	uint8_t cls[256];         /* byte -> class; 0: no phrase has it */
	size_t nclass;
	size_t nstates;
	uint8_t raw[256];         /* byte of unfolded text -> class */
	uint32_t *next;           /* [state * nclass + class] */
	uint32_t *word;           /* state -> first phrase ending there + 1 */
	uint32_t *dict;           /* state -> nearest suffix state with words */
	uint32_t *word_next;      /* phrase -> next phrase of the same text + 1 */
	uint8_t *out;             /* state -> whether a phrase ends there */
	uint8_t *after_blank;     /* state -> whether it is entered by ' ' */
	uint32_t *hold;           /* next[] for may_hold (see set_raw()) */
};

/* Builds the trie's states and the words that end in each; 0, or -1
 * when the table would be too large. */
static int
set_trie(struct coach_phrases *s)
{
	size_t total = 1;
	for (size_t w = 0; w < s->n; w++) {
		if (s->p[w] == NULL)
			continue;
		total += s->p[w]->len;
		for (size_t k = 0; k < s->p[w]->len; k++) {
			unsigned char ch = (unsigned char)s->p[w]->text[k];
			if (s->cls[ch] == 0)
				s->cls[ch] = (uint8_t)s->nclass++;
		}
	}
	if (total > UINT32_MAX / 2 || total * s->nclass > SET_MAX_CELLS)
		return -1;
	s->next = coach_xcalloc(total * s->nclass, sizeof(*s->next));
	s->word = coach_xcalloc(total, sizeof(*s->word));
	s->dict = coach_xcalloc(total, sizeof(*s->dict));
	s->word_next = coach_xcalloc(s->n, sizeof(*s->word_next));
	s->after_blank = coach_xcalloc(total, 1);
	s->nstates = 1;
	/* Added last first, so that each state's chain is in phrase order. */
	for (size_t w = s->n; w-- > 0;) {
		size_t st = 0;
		if (s->p[w] == NULL)
			continue;
		for (size_t k = 0; k < s->p[w]->len; k++) {
			uint32_t *to = &s->next[st * s->nclass +
			    s->cls[(unsigned char)s->p[w]->text[k]]];
			if (*to == 0)
				*to = (uint32_t)s->nstates++;
			st = *to;
			s->after_blank[st] = s->p[w]->text[k] == ' ';
		}
		s->word_next[w] = s->word[st];
		s->word[st] = (uint32_t)w + 1;
	}
	return 0;
}

/* Completes the trie into an automaton, breadth first: a missing edge
 * goes where the longest proper suffix's edge goes. */
static void
set_links(struct coach_phrases *s)
{
	uint32_t *queue = coach_xcalloc(s->nstates, sizeof(*queue));
	uint32_t *fail = coach_xcalloc(s->nstates, sizeof(*fail));
	size_t head = 0, tail = 0;
	for (size_t c = 0; c < s->nclass; c++)
		if (s->next[c])
			queue[tail++] = s->next[c]; /* fail = 0 */
	while (head < tail) {
		uint32_t st = queue[head++];
		uint32_t f = fail[st];
		s->dict[st] = s->word[f] ? f : s->dict[f];
		for (size_t c = 0; c < s->nclass; c++) {
			uint32_t *to = &s->next[st * s->nclass + c];
			uint32_t via = s->next[f * s->nclass + c];
			if (*to == 0) {
				*to = via;
				continue;
			}
			fail[*to] = via;
			queue[tail++] = *to;
		}
	}
	free(queue);
	free(fail);
}

/*
 * For coach_phrases_may_hold(): classes of bytes before folding, whether
 * a phrase ends in each state, and a blank after a blank staying where
 * it is, as folding makes a run of blanks one space.  Folded text never
 * has two blanks in a row, so coach_phrases_find() never takes those
 * edges.
 */
#define HOLD_OUT ((uint32_t)1 << 31)

static void
set_raw(struct coach_phrases *s)
{
	for (size_t c = 0; c < 256; c++)
		s->raw[c] = s->cls[c >= 'A' && c <= 'Z' ? c - 'A' + 'a' :
		    blank((char)c) ? ' ' : c];
	s->out = coach_xcalloc(s->nstates, 1);
	for (size_t st = 0; st < s->nstates; st++) {
		s->out[st] = s->word[st] || s->dict[st];
		if (s->after_blank[st])
			s->next[st * s->nclass + s->cls[' ']] = (uint32_t)st;
	}
	/* The same edges with the row of the state they go to, not its
	 * number (no multiplication between two look-ups), and whether a
	 * phrase ends there in the top bit; set_trie() keeps the cells
	 * under 2^31. */
	size_t cells = s->nstates * s->nclass;
	s->hold = coach_xcalloc(cells, sizeof(*s->hold));
	for (size_t i = 0; i < cells; i++)
		s->hold[i] = s->next[i] * (uint32_t)s->nclass |
		    (s->out[s->next[i]] ? HOLD_OUT : 0);
}

struct coach_phrases *
coach_phrases_new(const char *const *phrases, size_t n)
{
	struct coach_phrases *s = coach_xcalloc(1, sizeof(*s));
	s->n = n;
	s->p = coach_xcalloc(n ? n : 1, sizeof(*s->p));
	for (size_t w = 0; w < n; w++)
		s->p[w] = coach_phrase_new(phrases[w]);
	s->nclass = 1;
	if (set_trie(s) == 0) {
		set_links(s);
		set_raw(s);
		return s;
	}
	/* Too large for a table: one pass per phrase instead. */
	free(s->next);
	free(s->word);
	free(s->dict);
	free(s->word_next);
	free(s->after_blank);
	s->next = s->word = s->dict = s->word_next = NULL;
	s->after_blank = NULL;
	return s;
}

void
coach_phrases_free(struct coach_phrases *s)
{
	if (s == NULL)
		return;
	for (size_t w = 0; w < s->n; w++)
		coach_phrase_free(s->p[w]);
	free(s->p);
	free(s->next);
	free(s->word);
	free(s->dict);
	free(s->word_next);
	free(s->out);
	free(s->after_blank);
	free(s->hold);
	free(s);
}

static void
hit_add(struct coach_phrase_hit **hits, size_t *n, size_t *cap, size_t w,
    size_t start)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*hits = coach_xrealloc(*hits, *cap * sizeof(**hits));
	}
	(*hits)[*n].phrase = w;
	(*hits)[*n].start = start;
	(*n)++;
}

static int
hit_cmp(const void *a, const void *b)
{
	const struct coach_phrase_hit *x = a, *y = b;
	if (x->phrase != y->phrase)
		return x->phrase < y->phrase ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

size_t
coach_phrases_find(const struct coach_phrases *s, const char *t, size_t n,
    struct coach_phrase_hit **hits)
{
	size_t nhits = 0, cap = 0;
	*hits = NULL;
	if (s->next == NULL) {
		for (size_t w = 0; w < s->n; w++) {
			struct coach_phrase_scan scan = COACH_PHRASE_SCAN_INIT;
			long at;
			while (s->p[w] && (at = coach_phrase_next(s->p[w], t, n,
			    &scan)) >= 0)
				hit_add(hits, &nhits, &cap, w, (size_t)at);
		}
		return nhits;
	}
	const uint32_t *next = s->next;
	size_t nclass = s->nclass;
	uint32_t st = 0;
	for (size_t i = 0; i < n; i++) {
		st = next[st * nclass + s->cls[(unsigned char)t[i]]];
		for (uint32_t o = s->word[st] ? st : s->dict[st]; o;
		    o = s->dict[o]) {
			for (uint32_t w = s->word[o]; w; w = s->word_next[w - 1]) {
				size_t start = i + 1 - s->p[w - 1]->len;
				if (whole(s->p[w - 1], t, n, start))
					hit_add(hits, &nhits, &cap, w - 1,
					    start);
			}
		}
	}
	if (nhits > 1)
		qsort(*hits, nhits, sizeof(**hits), hit_cmp);
	return nhits;
}

/*
 * The automaton run over the text as it is, folding on the way (see
 * set_raw()): the states are those coach_phrases_find() goes through on
 * the folded text.
 *
 * Each byte's state depends on the one before, a chain of look-ups that
 * waits on memory at every byte; so a long text is cut in HOLD_CHAINS
 * parts run side by side, each from the start state.  A part's state is
 * then the longest suffix of its own text that begins a phrase, which is
 * a suffix of the true state's (the state after all the text before it):
 * where a part's state ends a phrase, the true one does too, so a part
 * never answers 1 wrongly.  Where the true state is the start state, so
 * is the part's, and from there on the part is true.  So the text is
 * covered by following the first part on into the next until its state
 * is the start state, then going on with the part that read that byte
 * from the end of its own text, and so on.
 */
#define HOLD_CHAINS 4
#define HOLD_MIN 64    /* shorter texts: one chain */

/* Runs the automaton from state *v over t[*i..n), or, when to_start,
 * only until it is in the start state; 1 as soon as a phrase ends. */
static int
hold_run(const uint32_t *hold, const uint8_t *raw, const unsigned char *t,
    size_t *i, size_t n, uint32_t *v, int to_start)
{
	uint32_t st = *v;
	size_t k = *i;
	for (; k < n; k++) {
		if (to_start && st == 0)
			break;
		st = hold[st + raw[t[k]]];
		if (st & HOLD_OUT)
			return 1;
	}
	*i = k;
	*v = st;
	return 0;
}

int
coach_phrases_may_hold(const struct coach_phrases *s, const char *text,
    size_t n)
{
	if (s->next == NULL)
		return 1;
	const uint32_t *hold = s->hold;
	const uint8_t *raw = s->raw;
	const unsigned char *t = (const unsigned char *)text;
	size_t i = 0;
	uint32_t v[HOLD_CHAINS] = { 0 };
	if (n < HOLD_MIN)
		return hold_run(hold, raw, t, &i, n, &v[0], 0);
	size_t q = n / HOLD_CHAINS;
	const unsigned char *t1 = t + q, *t2 = t + 2 * q, *t3 = t + 3 * q;
	uint32_t a = 0, b = 0, c = 0, d = 0;
	for (size_t k = 0; k < q; k++) {
		a = hold[a + raw[t[k]]];
		b = hold[b + raw[t1[k]]];
		c = hold[c + raw[t2[k]]];
		d = hold[d + raw[t3[k]]];
		if ((a | b | c | d) & HOLD_OUT)
			return 1;
	}
	/* The last part takes the bytes left over. */
	i = HOLD_CHAINS * q;
	if (hold_run(hold, raw, t, &i, n, &d, 0))
		return 1;
	v[0] = a;
	v[1] = b;
	v[2] = c;
	v[3] = d;
	/* v[j] is true at the end of part j; follow it on. */
	for (size_t j = 0; j + 1 < HOLD_CHAINS;) {
		uint32_t st = v[j];
		i = (j + 1) * q;
		if (hold_run(hold, raw, t, &i, n, &st, 1))
			return 1;
		if (i >= n)
			return 0;
		/* The start state before byte i: so is the state of the
		 * part that reads byte i, which is true from there. */
		size_t part = i / q;
		if (part >= HOLD_CHAINS - 1)
			return 0;
		j = part;
	}
	return 0;
}
