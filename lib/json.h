/*
 * json.h: a small JSON writer for --format json.
 *
 * Calls build a document in a buffer; commas and nesting are tracked so
 * callers only say what comes next.  Strings are escaped (control
 * characters, quotes, backslash; UTF-8 passed through).
 */
#ifndef COACH_JSON_H
#define COACH_JSON_H

#include <stddef.h>

#include "util.h"

#define COACH_JSON_MAX_DEPTH 32

struct coach_json {
	struct coach_buf *out;
	int depth;
	int first[COACH_JSON_MAX_DEPTH]; /* nothing written yet at this depth */
	int pretty;                      /* indent with two spaces */
	int after_key;                   /* a key was just written */
};

void coach_json_init(struct coach_json *j, struct coach_buf *out, int pretty);
void coach_json_obj_begin(struct coach_json *j);
void coach_json_obj_end(struct coach_json *j);
void coach_json_arr_begin(struct coach_json *j);
void coach_json_arr_end(struct coach_json *j);
/* The key of the next member of an object. */
void coach_json_key(struct coach_json *j, const char *key);
void coach_json_str(struct coach_json *j, const char *s); /* NULL: null */
void coach_json_num(struct coach_json *j, double d);
void coach_json_int(struct coach_json *j, long long i);
void coach_json_bool(struct coach_json *j, int b);
void coach_json_null(struct coach_json *j);

/* Appends s as a JSON string literal to out. */
void coach_json_quote(struct coach_buf *out, const char *s);

#endif
