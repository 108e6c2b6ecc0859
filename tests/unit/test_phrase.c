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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_blank),
		cmocka_unit_test(test_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
