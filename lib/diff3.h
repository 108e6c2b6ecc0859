/*
 * diff3.h: a line-based three-way text merge, as diff3 and git do it.
 *
 * ours and theirs are each compared line by line with base (a longest
 * common subsequence of lines, after the common first and last lines are
 * set aside).  A stretch of base that only one side changed takes that
 * side's lines; one that both sides changed alike takes them once; one that
 * both changed differently (or where both changed neighbouring lines) is a
 * conflict, written as
 *
 *     <<<<<<< ours
 *     our lines
 *     =======
 *     their lines
 *     >>>>>>> theirs
 *
 * Lines end at '\n' and compare byte for byte (a CR is part of a line); the
 * last line may lack its '\n', and one is added before a marker that
 * follows it.  Bytes are never interpreted, so any input (NUL bytes,
 * invalid UTF-8) merges without harm.  Very long texts that differ in
 * many places (more than COACH_DIFF3_MAX_CELLS line pairs to compare in
 * one side's changed middle) treat that middle as changed as a whole, so
 * the cost stays bounded; the result is then a conflict rather than a
 * wrong merge.
 */
#ifndef COACH_DIFF3_H
#define COACH_DIFF3_H

#include <stddef.h>

#include "util.h"

#define COACH_DIFF3_MAX_CELLS (4u * 1024 * 1024)

#define COACH_DIFF3_OURS_START "<<<<<<< ours"
#define COACH_DIFF3_SEPARATOR "======="
#define COACH_DIFF3_THEIRS_END ">>>>>>> theirs"

/*
 * Appends the merge of ours and theirs against base to out and returns the
 * number of conflicts written with markers (0 for a clean merge).  Any of
 * the texts may be empty (len 0; the pointer may then be NULL).
 */
size_t coach_diff3(struct coach_buf *out, const char *base, size_t base_len,
	const char *ours, size_t ours_len, const char *theirs,
	size_t theirs_len);

/*
 * Whether text holds a conflict written by coach_diff3(): a line
 * "<<<<<<< ours", later a line "=======", later a line ">>>>>>> theirs".
 * *line (when not NULL) receives the 1-based line of the first marker.
 */
int coach_diff3_has_markers(const char *text, size_t len, int *line);

#endif
