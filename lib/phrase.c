/*
 * phrase.c: Knuth-Morris-Pratt over folded text.
 */
#include "phrase.h"

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
	coach_buf_add(out, "", 0);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (blank(c)) {
			while (i + 1 < n && blank(s[i + 1]))
				i++;
			c = ' ';
		} else if (c >= 'A' && c <= 'Z') {
			c = (char)(c - 'A' + 'a');
		}
		coach_buf_putc(out, c);
	}
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
