/*
 * Tests of lib/phrase.c: whole words, case, runs of blanks, lines, every
 * occurrence in order, and phrases that overlap themselves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "phrase.h"

/* Offsets of every occurrence of phrase in text, as "3,17"; "" for none. */
static char *
all(const char *phrase, const char *text)
{
	struct coach_phrase *p = coach_phrase_new(phrase);
	struct coach_buf f = COACH_BUF_INIT, out = COACH_BUF_INIT;
	struct coach_phrase_scan scan = COACH_PHRASE_SCAN_INIT;
	long at;
	assert_non_null(p);
	coach_phrase_fold(text, strlen(text), &f);
	while ((at = coach_phrase_next(p, f.ptr, f.len, &scan)) >= 0)
		coach_buf_printf(&out, "%s%ld", out.len ? "," : "", at);
	coach_buf_free(&f);
	coach_phrase_free(p);
	return coach_buf_detach(&out);
}

static void
check(const char *phrase, const char *text, const char *want)
{
	char *got = all(phrase, text);
	if (strcmp(got, want) != 0) {
		print_error("'%s' in '%s': got '%s', want '%s'\n", phrase,
		    text, got, want);
		free(got);
		fail();
	}
	free(got);
}

static void
test_words(void **state)
{
	(void)state;
	check("good lesson", "A Good Lesson.", "2");
	check("good lesson", "a goodlesson", "");
	check("good lesson", "a good lessons", "");
	check("good lesson", "not good\nlesson", "");
	check("good lesson", "good \t  lesson, good lesson", "0,13");
	check("  good   lesson ", "so good lesson", "3");
	check("grade 1", "grade 12, grade 1", "10");
	check("inadequate", "inadequately inadequate", "13");
	/* Bytes past ASCII are word characters: no match inside a word. */
	check("good", "\xc3\xa9good good", "7");
}

static void
test_overlaps(void **state)
{
	(void)state;
	/* Each occurrence, overlapping ones too, is found once. */
	check("a a", "a a a", "0,2");
	check("ab ab", "ab ab ab ab", "0,3,6");
	check("aab", "aaab aab", "5");
}

static void
test_blank(void **state)
{
	(void)state;
	assert_null(coach_phrase_new(""));
	assert_null(coach_phrase_new(" \t "));
}

/* A phrase that almost matches everywhere: linear time finishes this at
 * once, quadratic time would take minutes. */
static void
test_long(void **state)
{
	(void)state;
	size_t n = 4 * 1024 * 1024, m = 20000;
	char *text = malloc(n + 1), *phrase = malloc(m + 2);
	assert_non_null(text);
	assert_non_null(phrase);
	memset(text, 'a', n);
	text[n] = '\0';
	memset(phrase, 'a', m);
	phrase[m] = 'b';
	phrase[m + 1] = '\0';
	check(phrase, text, "");
	text[n - 1] = 'b';
	text[n - 2 - m] = ' ';
	char want[32];
	snprintf(want, sizeof(want), "%zu", n - 1 - m);
	check(phrase, text, want);
	free(text);
	free(phrase);
}

/* The occurrences of every phrase, one phrase at a time, as "w:at;". */
static char *
one_by_one(const char *const *phrases, size_t n, const char *folded,
    size_t len)
{
	struct coach_buf out = COACH_BUF_INIT;
	coach_buf_add(&out, "", 0);
	for (size_t w = 0; w < n; w++) {
		struct coach_phrase *p = coach_phrase_new(phrases[w]);
		struct coach_phrase_scan scan = COACH_PHRASE_SCAN_INIT;
		long at;
		while (p && (at = coach_phrase_next(p, folded, len,
		    &scan)) >= 0)
			coach_buf_printf(&out, "%zu:%ld;", w, at);
		coach_phrase_free(p);
	}
	return coach_buf_detach(&out);
}

/* The same, from the set in one pass. */
static char *
together(const char *const *phrases, size_t n, const char *folded,
    size_t len)
{
	struct coach_phrases *s = coach_phrases_new(phrases, n);
	struct coach_phrase_hit *hits = NULL;
	struct coach_buf out = COACH_BUF_INIT;
	coach_buf_add(&out, "", 0);
	size_t nhits = coach_phrases_find(s, folded, len, &hits);
	for (size_t i = 0; i < nhits; i++)
		coach_buf_printf(&out, "%zu:%zu;", hits[i].phrase,
		    hits[i].start);
	free(hits);
	coach_phrases_free(s);
	return coach_buf_detach(&out);
}

static void
same_hits(const char *const *phrases, size_t n, const char *text)
{
	struct coach_buf f = COACH_BUF_INIT;
	coach_phrase_fold(text, strlen(text), &f);
	char *want = one_by_one(phrases, n, f.ptr, f.len);
	char *got = together(phrases, n, f.ptr, f.len);
	if (strcmp(got, want) != 0) {
		print_error("in '%s': got '%s', want '%s'\n", text, got,
		    want);
		fail();
	}
	free(want);
	free(got);
	coach_buf_free(&f);
}

static void
test_set(void **state)
{
	(void)state;
	/* Shared prefixes and suffixes, a phrase inside another, the same
	 * phrase twice, a blank one. */
	static const char *const words[] = { "good lesson", "lesson",
		"good", "Good  Lesson", "  ", "grade 1", "1 lesson", "a a",
		"son", "graded good" };
	size_t n = sizeof(words) / sizeof(*words);
	same_hits(words, n, "A good lesson; a GOOD\tlesson\ngood lessons");
	same_hits(words, n, "grade 1 lesson, graded good lesson, a a a a");
	same_hits(words, n, "");
	/* Random phrases and texts over a few letters, where matches
	 * overlap and nest everywhere. */
	srand(7);
	for (int round = 0; round < 300; round++) {
		char pool[12][8], text[200];
		const char *ptrs[12];
		size_t np = 1 + (size_t)rand() % 12;
		for (size_t w = 0; w < np; w++) {
			size_t len = 1 + (size_t)rand() % 6;
			for (size_t k = 0; k < len; k++)
				pool[w][k] = "ab A\t"[rand() % 5];
			pool[w][len] = '\0';
			ptrs[w] = pool[w];
		}
		size_t tl = (size_t)rand() % (sizeof(text) - 1);
		for (size_t k = 0; k < tl; k++)
			text[k] = "aAb \n.\xc3"[rand() % 7];
		text[tl] = '\0';
		same_hits(ptrs, np, text);
	}
}

/* A set too large for its table finds the same, one phrase at a time. */
static void
test_set_large(void **state)
{
	(void)state;
	enum { N = 200, LEN = 200 };
	static char pool[N][LEN + 1];
	const char *ptrs[N];
	for (size_t w = 0; w < N; w++) {
		for (size_t k = 0; k < LEN; k++)
			pool[w][k] = (char)(0x80 + (w * 7 + k * 13) % 128);
		/* Each phrase its own. */
		pool[w][0] = (char)(0x80 + w % 128);
		pool[w][1] = (char)(0x80 + w / 128);
		ptrs[w] = pool[w];
	}
	char text[3 * LEN + 8];
	snprintf(text, sizeof(text), "x %s y %s", pool[3], pool[150]);
	same_hits(ptrs, N, text);
	char *got = NULL;
	struct coach_buf f = COACH_BUF_INIT;
	coach_phrase_fold(text, strlen(text), &f);
	got = together(ptrs, N, f.ptr, f.len);
	assert_string_equal(got, "3:2;150:205;");
	free(got);
	coach_buf_free(&f);
}

/* may_hold() says 0 only of text where nothing is found, and says it
 * of most text without the phrases' letters. */
static void
test_may_hold(void **state)
{
	(void)state;
	srand(11);
	size_t none = 0, rounds = 2000;
	for (size_t round = 0; round < rounds; round++) {
		char pool[6][8], text[120];
		const char *ptrs[6];
		size_t np = 1 + (size_t)rand() % 6;
		for (size_t w = 0; w < np; w++) {
			size_t len = 1 + (size_t)rand() % 5;
			for (size_t k = 0; k < len; k++)
				pool[w][k] = "abc A\t"[rand() % 6];
			pool[w][len] = '\0';
			ptrs[w] = pool[w];
		}
		size_t tl = (size_t)rand() % (sizeof(text) - 1);
		for (size_t k = 0; k < tl; k++)
			text[k] = "aAbBxyz \t\r\n.\xc3"[rand() % 13];
		text[tl] = '\0';
		struct coach_phrases *set = coach_phrases_new(ptrs, np);
		struct coach_buf f = COACH_BUF_INIT;
		struct coach_phrase_hit *hits = NULL;
		coach_phrase_fold(text, tl, &f);
		size_t found = coach_phrases_find(set, f.ptr, f.len, &hits);
		int may = coach_phrases_may_hold(set, text, tl);
		if (found > 0 && !may) {
			print_error("'%s' holds one of %zu phrases ('%s'...)\n",
			    text, np, ptrs[0]);
			fail();
		}
		none += !may;
		free(hits);
		coach_buf_free(&f);
		coach_phrases_free(set);
	}
	assert_true(none > rounds / 20);
	static const char *const words[] = { "good lesson", "poor" };
	struct coach_phrases *set = coach_phrases_new(words, 2);
	assert_int_equal(coach_phrases_may_hold(set, "A GOOD \t\r Lesson", 16), 1);
	assert_int_equal(coach_phrases_may_hold(set, "a good\nlesson", 13), 0);
	assert_int_equal(coach_phrases_may_hold(set, "Pupils settled", 14), 0);
	coach_phrases_free(set);
}

/* Whether folded phrase (trimmed) is in folded text at all, whole words
 * or not: what may_hold() answers, found the plain way. */
static int
naive_holds(const char *const *phrases, size_t np, const char *text,
    size_t tl)
{
	struct coach_buf f = COACH_BUF_INIT;
	int found = 0;
	coach_phrase_fold(text, tl, &f);
	for (size_t w = 0; w < np && !found; w++) {
		struct coach_buf pf = COACH_BUF_INIT;
		coach_phrase_fold(phrases[w], strlen(phrases[w]), &pf);
		size_t a = 0, b = pf.len;
		while (a < b && pf.ptr[a] == ' ')
			a++;
		while (b > a && pf.ptr[b - 1] == ' ')
			b--;
		for (size_t i = 0; b > a && i + (b - a) <= f.len && !found; i++)
			found = memcmp(f.ptr + i, pf.ptr + a, b - a) == 0;
		coach_buf_free(&pf);
	}
	coach_buf_free(&f);
	return found;
}

/* Copies phrase into text at off, in random case, with random runs of
 * blanks for its blanks; returns the end. */
static size_t
plant(char *text, size_t cap, size_t off, const char *phrase)
{
	for (const char *p = phrase; *p && off < cap; p++) {
		if (*p == ' ') {
			size_t run = 1 + (size_t)rand() % 3;
			for (size_t r = 0; r < run && off < cap; r++)
				text[off++] = " \t\r"[rand() % 3];
		} else {
			text[off++] = rand() % 2 && *p >= 'a' && *p <= 'z' ?
			    (char)(*p - 'a' + 'A') : *p;
		}
	}
	return off;
}

/* Long texts, which may_hold() reads in parts side by side: the same
 * answer as a plain search, with phrases at every place, across the
 * parts' ends, in text that keeps the automaton away from its start. */
static void
test_may_hold_parts(void **state)
{
	(void)state;
	srand(12);
	size_t yes = 0, no = 0;
	for (size_t round = 0; round < 3000; round++) {
		char pool[4][12], text[900];
		const char *ptrs[4];
		size_t np = 1 + (size_t)rand() % 4;
		for (size_t w = 0; w < np; w++) {
			size_t len = 2 + (size_t)rand() % 8;
			for (size_t k = 0; k < len; k++)
				pool[w][k] = "abab c"[rand() % 6];
			pool[w][len] = '\0';
			ptrs[w] = pool[w];
		}
		size_t tl = (size_t)rand() % (sizeof(text) - 1);
		/* Text made of the phrases' own letters, or of their
		 * prefixes, so that states run long. */
		const char *alpha = round % 2 ? "aAbB \t\r\nc.x" : "aabbAB ";
		for (size_t k = 0; k < tl; k++)
			text[k] = alpha[(size_t)rand() % strlen(alpha)];
		if (round % 3 == 0 && tl > 0)
			plant(text, tl, (size_t)rand() % tl,
			    ptrs[(size_t)rand() % np]);
		text[tl] = '\0';
		struct coach_phrases *set = coach_phrases_new(ptrs, np);
		int may = coach_phrases_may_hold(set, text, tl);
		int want = naive_holds(ptrs, np, text, tl);
		if (may != want) {
			print_error("'%s' (%zu bytes): may_hold %d, a plain "
			    "search %d ('%s' first of %zu)\n", text, tl, may,
			    want, ptrs[0], np);
			fail();
		}
		yes += want;
		no += !want;
		coach_phrases_free(set);
	}
	/* Both answers were asked for often. */
	assert_true(yes > 300 && no > 300);
	/* One phrase at every offset of texts of many lengths. */
	static const char *const words[] = { "good lesson", "go on",
		"grade 1 lesson" };
	struct coach_phrases *set = coach_phrases_new(words, 3);
	for (size_t tl = 60; tl < 300; tl += 37) {
		for (size_t w = 0; w < 3; w++) {
			for (size_t off = 0; off + strlen(words[w]) <= tl;
			    off++) {
				char text[400];
				for (size_t k = 0; k < tl; k++)
					text[k] = "good lesso"[k % 10];
				size_t end = plant(text, sizeof(text), off,
				    words[w]);
				size_t n = end > tl ? end : tl;
				int may = coach_phrases_may_hold(set, text, n);
				if (!may || !naive_holds(words, 3, text, n)) {
					print_error("'%.*s': may_hold %d\n",
					    (int)n, text, may);
					fail();
				}
			}
		}
	}
	coach_phrases_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_blank),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_set_large),
		cmocka_unit_test(test_may_hold),
		cmocka_unit_test(test_may_hold_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
