/*
 * width.h: the columns text takes on a terminal.
 *
 * Like wcwidth(3), but the same whatever the locale (coach must align a
 * table of CJK names under LANG=C, as in a cron job or a CI log), and from
 * one Unicode version: combining marks and zero-width characters take no
 * column, East Asian Wide and Fullwidth characters (CJK, emoji shown as
 * pictures) take two, and everything else one.  A sequence is the sum of
 * its code points, as wcswidth(3) counts.
 */
#ifndef COACH_WIDTH_H
#define COACH_WIDTH_H

#include <stddef.h>
#include <stdint.h>

/* Columns code point cp takes: 0, 1 or 2. */
int coach_cp_width(uint32_t cp);

/*
 * Decodes the code point at s[0..len) into *cp and returns its length in
 * bytes (at least 1 when len > 0).  A byte that does not start valid UTF-8
 * is taken alone, as U+FFFD.
 */
size_t coach_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Columns the first len bytes of s take. */
size_t coach_width(const char *s, size_t len);

#endif
