/*
 * ids.h: identifiers.
 *
 * Handles (staff) and priority/framework ids: [a-z0-9][a-z0-9._-]{0,39},
 * never "." or "..".  Goal, cycle and entry ids: a kind letter ('g', 'c',
 * 'e') and 6 random lowercase hex digits.
 */
#ifndef COACH_IDS_H
#define COACH_IDS_H

#include <stddef.h>

#include "error.h"

#define COACH_ID_LEN 7
#define COACH_ID_MIN_PREFIX 4

/* NULL when s is a valid handle; otherwise an error (COACH_FAIL) that
 * names what (e.g. "handle") and the rule. */
struct coach_error *coach_handle_check(const char *what, const char *s);

/* Whether s is a well-formed id of kind ('g', 'c', 'e'; 0 for any). */
int coach_id_valid(const char *s, char kind);

/* A new random id of kind (from getrandom/urandom) into out (8 bytes). */
void coach_id_new(char kind, char out[COACH_ID_LEN + 1]);

#endif
