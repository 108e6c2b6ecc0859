/*
 * ids.h: identifiers.
 *
 * Handles (staff) and priority/framework ids: [a-z0-9][a-z0-9._-]{0,39},
 * never "." or "..".  Goal, cycle and entry ids: a kind letter ('g', 'c',
 * 'e') and random lowercase hex digits: 12 (48 bits) for new ids, so that
 * two clones or two schools never make the same id offline; ids of 6 hex
 * digits written earlier stay valid (any length from 6 to 12 is).
 *
 * Output abbreviates an id as git abbreviates an object name: to the
 * shortest prefix of at least COACH_ID_ABBREV characters that no other id
 * of its kind shares.  Commands accept any unique prefix of at least
 * COACH_ID_MIN_PREFIX characters.
 */
#ifndef COACH_IDS_H
#define COACH_IDS_H

#include <stddef.h>

#include "error.h"

/* Hex digits of a new id, and the fewest an id may have. */
#define COACH_ID_HEX 12
#define COACH_ID_HEX_MIN 6
/* Longest id: the letter and COACH_ID_HEX digits (buffers take + 1). */
#define COACH_ID_LEN (1 + COACH_ID_HEX)
/* Shortest id shown: the letter and 6 hex digits, as ids were before. */
#define COACH_ID_ABBREV 7
#define COACH_ID_MIN_PREFIX 4

/* NULL when s is a valid handle; otherwise an error (COACH_FAIL) that
 * names what (e.g. "handle") and the rule. */
struct coach_error *coach_handle_check(const char *what, const char *s);

/* Whether s is a well-formed id of kind ('g', 'c', 'e'; 0 for any). */
int coach_id_valid(const char *s, char kind);

/* A new random id of kind, COACH_ID_HEX digits from getrandom(), into out
 * (COACH_ID_LEN + 1 bytes). */
void coach_id_new(char kind, char out[COACH_ID_LEN + 1]);

/*
 * How many characters of id to show so that it differs from both of its
 * neighbours in sorted order (prev and next, either may be NULL): at
 * least COACH_ID_ABBREV, at most strlen(id).
 */
size_t coach_id_abbrev_len(const char *id, const char *prev,
	const char *next);

#endif
