/*
 * fmpack.h: front-matter values packed into one byte string, read in
 * place without parsing YAML again or allocating.
 *
 * The loader packs the keys a reader needs of a parsed record and keeps
 * the string in the front-matter cache (fmcache.h); reports then read
 * the values from it as they would from the parsed document: types,
 * scalar texts, and numbers and bools typed as coach_fm_node_number() and
 * coach_fm_node_bool() typed them.
 *
 * Every accessor checks bounds: a damaged string reads as missing values,
 * never outside the string.
 */
#ifndef COACH_FMPACK_H
#define COACH_FMPACK_H

#include <stddef.h>

#include "frontmatter.h"
#include "util.h"

/* A packed value: a pointer into its string and what is left of it. */
struct coach_fmp {
	const unsigned char *p;
	size_t len;
};

/* Packs the top-level keys of fm named in keys (NULL-terminated; NULL for
 * every key), in document order, as a mapping. */
void coach_fmp_pack(const struct coach_fm *fm, const char *const *keys,
	struct coach_buf *out);
/* The mapping of a packed string; 0, or -1 when it is not one. */
int coach_fmp_root(struct coach_fmp *out, const void *data, size_t len);

/* Values; a missing one (n->p == NULL) has type COACH_FM_NULL and no
 * text. */
int coach_fmp_found(const struct coach_fmp *n);
enum coach_fm_type coach_fmp_type(const struct coach_fmp *n);
/* Scalar text ("" for null); NULL for collections and missing values. */
const char *coach_fmp_str(const struct coach_fmp *n);
size_t coach_fmp_len(const struct coach_fmp *n);
/* The i-th item of a sequence or value of a mapping. */
struct coach_fmp coach_fmp_item(const struct coach_fmp *n, size_t i);
/* A mapping's value for key. */
struct coach_fmp coach_fmp_get(const struct coach_fmp *map, const char *key);
/* coach_fmp_get() of each of keys[0..n) (n at most 8) into out[0..n),
 * in one walk through the mapping. */
void coach_fmp_get_many(const struct coach_fmp *map, const char *const *keys,
	size_t n, struct coach_fmp *out);
/* The scalar text at key, as coach_fm_str(). */
const char *coach_fmp_keystr(const struct coach_fmp *map, const char *key);
int coach_fmp_number(const struct coach_fmp *n, double *out);
int coach_fmp_bool(const struct coach_fmp *n, int *out);

#endif
