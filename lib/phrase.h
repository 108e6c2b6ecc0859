/*
 * phrase.h: finding words and phrases in text in linear time.
 *
 * What coach check uses to find grading language: a phrase matches whole
 * words, ignoring ASCII case, and a blank in it matches any run of blanks
 * (spaces, tabs, carriage returns) on one line.  Text is folded once
 * (coach_phrase_fold) and each phrase is then found with
 * Knuth-Morris-Pratt, so that a search costs the length of the text plus
 * that of the phrase, whatever either holds.
 */
#ifndef COACH_PHRASE_H
#define COACH_PHRASE_H

#include <stddef.h>

#include "util.h"

struct coach_phrase;

/* A phrase ready to be found; NULL when it is only blanks.  Free it with
 * coach_phrase_free(). */
struct coach_phrase *coach_phrase_new(const char *phrase);
void coach_phrase_free(struct coach_phrase *p);

/*
 * Appends s[0..n) to out folded: ASCII letters in lower case, each run of
 * blanks as one space; newlines kept, so a match never spans two lines
 * and lines can be counted in the folded text.
 */
void coach_phrase_fold(const char *s, size_t n, struct coach_buf *out);

/* Where a search stands; start with COACH_PHRASE_SCAN_INIT. */
struct coach_phrase_scan {
	size_t i; /* next byte of the text */
	size_t j; /* bytes of the phrase matched so far */
};
#define COACH_PHRASE_SCAN_INIT { 0, 0 }

/*
 * The offset in folded text t[0..n) of p's next whole-word occurrence
 * after the scan's position, or -1 when there is none.  Called again with
 * the same scan, it goes on after the last one.
 */
long coach_phrase_next(const struct coach_phrase *p, const char *t,
	size_t n, struct coach_phrase_scan *scan);

/*
 * Many phrases found in one pass (Aho-Corasick): what check uses for its
 * list of words, so that a text costs its length once, not once per
 * phrase.  A set too large for its table falls back to one pass per
 * phrase; the occurrences found are the same.
 */
struct coach_phrases;

/* The set of phrases[0..n); blank phrases are never found.  Free it
 * with coach_phrases_free(). */
struct coach_phrases *coach_phrases_new(const char *const *phrases,
	size_t n);
void coach_phrases_free(struct coach_phrases *s);

/* An occurrence: which phrase, and its offset in the folded text. */
struct coach_phrase_hit {
	size_t phrase;
	size_t start;
};

/*
 * Every whole-word occurrence of every phrase of s in folded text
 * t[0..n), as coach_phrase_next() finds them, sorted by phrase, then
 * offset.  Returns how many; *hits (which the caller frees) holds them.
 */
size_t coach_phrases_find(const struct coach_phrases *s, const char *t,
	size_t n, struct coach_phrase_hit **hits);

/*
 * Whether text t[0..n), before folding, may hold a phrase of s: 0 only
 * when coach_phrases_find() would find none in its folded text.  Cheaper
 * than folding and finding, for the text that holds none.
 */
int coach_phrases_may_hold(const struct coach_phrases *s, const char *t,
	size_t n);

#endif
