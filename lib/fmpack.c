/*
 * fmpack.c: packed front-matter values (see fmpack.h).
 *
 * A value is a header of 8 bytes, u8 type, u8 flags, u16 count of items,
 * u32 size of the whole value, then:
 *     scalar, null  its text and a NUL, then a double when flags has NUM
 *     sequence      count values
 *     mapping       count pairs: u32 key length, key, NUL, value
 * in the host's byte order.
 */
#include "fmpack.h"

#include <stdint.h>
#include <string.h>

enum { QUOTED = 1, NUM = 2, BOOL = 4, BOOL_TRUE = 8 };
#define HDR 8
/* Front-matter is at most COACH_FM_MAX_BYTES, so no collection has
 * more items than a u16 counts. */
#define MAX_ITEMS 65535

static void
put_u32(struct coach_buf *b, size_t at, uint32_t v)
{
	memcpy(b->ptr + at, &v, 4);
}

static void
put_u16(struct coach_buf *b, size_t at, uint16_t v)
{
	memcpy(b->ptr + at, &v, 2);
}

static void pack_node(const struct coach_fm_node *n, struct coach_buf *out);

/* Starts a value of type with count; returns where its header is. */
static size_t
begin(struct coach_buf *out, enum coach_fm_type type, int flags,
    size_t count)
{
	size_t at = out->len;
	unsigned char h[HDR] = { (unsigned char)type, (unsigned char)flags };
	coach_buf_add(out, h, HDR);
	put_u16(out, at + 2, (uint16_t)(count > MAX_ITEMS ? MAX_ITEMS : count));
	return at;
}

static void
end(struct coach_buf *out, size_t at)
{
	put_u32(out, at + 4, (uint32_t)(out->len - at));
}

static void
pack_key(const char *k, struct coach_buf *out)
{
	uint32_t n = (uint32_t)strlen(k);
	coach_buf_add(out, &n, 4);
	coach_buf_add(out, k, n + 1);
}

static void
pack_node(const struct coach_fm_node *n, struct coach_buf *out)
{
	enum coach_fm_type t = coach_fm_node_type(n);
	size_t at;
	if (t == COACH_FM_SEQ || t == COACH_FM_MAP) {
		size_t cnt = coach_fm_node_len(n);
		if (cnt > MAX_ITEMS)
			cnt = MAX_ITEMS;
		at = begin(out, t, 0, cnt);
		for (size_t i = 0; i < cnt; i++) {
			if (t == COACH_FM_MAP)
				pack_key(coach_fm_node_key(n, i), out);
			pack_node(coach_fm_node_item(n, i), out);
		}
		end(out, at);
		return;
	}
	const char *s = coach_fm_node_str(n);
	double d;
	int b, flags = coach_fm_node_quoted(n) ? QUOTED : 0;
	int num = coach_fm_node_number(n, &d) == 0;
	if (num)
		flags |= NUM;
	if (coach_fm_node_bool(n, &b) == 0)
		flags |= BOOL | (b ? BOOL_TRUE : 0);
	at = begin(out, t, flags, 0);
	coach_buf_add(out, s, strlen(s) + 1);
	if (num)
		coach_buf_add(out, &d, sizeof(d));
	end(out, at);
}

static int
wanted(const char *key, const char *const *keys)
{
	if (keys == NULL)
		return 1;
	for (; *keys; keys++)
		if (strcmp(*keys, key) == 0)
			return 1;
	return 0;
}

void
coach_fmp_pack(const struct coach_fm *fm, const char *const *keys,
    struct coach_buf *out)
{
	size_t cnt = 0;
	for (size_t i = 0; i < coach_fm_count(fm); i++)
		cnt += (size_t)wanted(coach_fm_key_at(fm, i), keys);
	size_t at = begin(out, COACH_FM_MAP, 0, cnt);
	for (size_t i = 0; i < coach_fm_count(fm); i++) {
		const char *k = coach_fm_key_at(fm, i);
		if (!wanted(k, keys))
			continue;
		pack_key(k, out);
		pack_node(coach_fm_get(fm, k), out);
	}
	end(out, at);
}

/* ---- reading ---- */

static uint32_t
u32_at(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint16_t
u16_at(const unsigned char *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

/* The length of a scalar's text: what the header and NUL (and number)
 * leave of its size. */
static size_t
text_len(const unsigned char *p, size_t size)
{
	return size - HDR - 1 - ((p[1] & NUM) ? 8 : 0);
}

/* The value at p within len bytes, checked; p NULL when it is not one. */
static struct coach_fmp
at(const unsigned char *p, size_t len)
{
	struct coach_fmp n = { NULL, 0 };
	if (p == NULL || len < HDR || p[0] > COACH_FM_MAP)
		return n;
	uint32_t size = u32_at(p + 4);
	if (size < HDR || size > len)
		return n;
	n.p = p;
	n.len = size;
	if (p[0] <= COACH_FM_SCALAR) {
		size_t need = HDR + 1 + ((p[1] & NUM) ? 8 : 0);
		if (need > size || p[HDR + text_len(p, size)] != '\0')
			n.p = NULL;
	}
	return n;
}

int
coach_fmp_root(struct coach_fmp *out, const void *data, size_t len)
{
	*out = at(data, len);
	return out->p && out->p[0] == COACH_FM_MAP ? 0 : -1;
}

int
coach_fmp_found(const struct coach_fmp *n)
{
	return n->p != NULL;
}

enum coach_fm_type
coach_fmp_type(const struct coach_fmp *n)
{
	return n->p ? (enum coach_fm_type)n->p[0] : COACH_FM_NULL;
}

const char *
coach_fmp_str(const struct coach_fmp *n)
{
	if (n->p == NULL || n->p[0] > COACH_FM_SCALAR)
		return NULL;
	return (const char *)n->p + HDR;
}

size_t
coach_fmp_len(const struct coach_fmp *n)
{
	if (n->p == NULL || n->p[0] < COACH_FM_SEQ)
		return 0;
	return u16_at(n->p + 2);
}

/* Walks to the i-th item of a collection; *key gets a mapping's key. */
static struct coach_fmp
nth(const struct coach_fmp *n, size_t i, const char *key)
{
	struct coach_fmp none = { NULL, 0 };
	size_t cnt = coach_fmp_len(n), off = HDR;
	size_t keylen = key ? strlen(key) : 0;
	int map = n->p && n->p[0] == COACH_FM_MAP;
	for (size_t k = 0; k < cnt && off < n->len; k++) {
		const char *kname = NULL;
		size_t klen = 0;
		if (map) {
			if (n->len - off < 5)
				return none;
			uint32_t kl = u32_at(n->p + off);
			if (kl >= n->len - off - 4 || n->p[off + 4 + kl] != '\0')
				return none;
			kname = (const char *)n->p + off + 4;
			klen = kl;
			off += 4 + (size_t)kl + 1;
		}
		struct coach_fmp v = at(n->p + off, n->len - off);
		if (v.p == NULL)
			return none;
		/* Lengths first: most keys differ in theirs. */
		if (key ? klen == keylen && memcmp(kname, key, klen) == 0 :
		    k == i)
			return v;
		off += v.len;
	}
	return none;
}

struct coach_fmp
coach_fmp_item(const struct coach_fmp *n, size_t i)
{
	return nth(n, i, NULL);
}

struct coach_fmp
coach_fmp_get(const struct coach_fmp *map, const char *key)
{
	struct coach_fmp none = { NULL, 0 };
	if (map->p == NULL || map->p[0] != COACH_FM_MAP)
		return none;
	return nth(map, 0, key);
}

void
coach_fmp_get_many(const struct coach_fmp *map, const char *const *keys,
    size_t n, struct coach_fmp *out)
{
	size_t len[8], found = 0;
	memset(out, 0, n * sizeof(*out));
	if (map->p == NULL || map->p[0] != COACH_FM_MAP || n > 8)
		return;
	for (size_t k = 0; k < n; k++)
		len[k] = strlen(keys[k]);
	/* nth()'s walk, once for every key. */
	size_t cnt = coach_fmp_len(map), off = HDR;
	for (size_t i = 0; i < cnt && off < map->len && found < n; i++) {
		if (map->len - off < 5)
			return;
		uint32_t kl = u32_at(map->p + off);
		if (kl >= map->len - off - 4 || map->p[off + 4 + kl] != '\0')
			return;
		const char *kname = (const char *)map->p + off + 4;
		off += 4 + (size_t)kl + 1;
		struct coach_fmp v = at(map->p + off, map->len - off);
		if (v.p == NULL)
			return;
		/* The first of equal keys, as nth() finds it. */
		for (size_t k = 0; k < n; k++) {
			if (out[k].p == NULL && len[k] == kl &&
			    memcmp(kname, keys[k], kl) == 0) {
				out[k] = v;
				found++;
			}
		}
		off += v.len;
	}
}

const char *
coach_fmp_keystr(const struct coach_fmp *map, const char *key)
{
	struct coach_fmp v = coach_fmp_get(map, key);
	return v.p && v.p[0] == COACH_FM_SCALAR ? coach_fmp_str(&v) : NULL;
}

int
coach_fmp_number(const struct coach_fmp *n, double *out)
{
	if (n->p == NULL || n->p[0] != COACH_FM_SCALAR || !(n->p[1] & NUM))
		return -1;
	memcpy(out, n->p + HDR + text_len(n->p, n->len) + 1, sizeof(*out));
	return 0;
}

int
coach_fmp_bool(const struct coach_fmp *n, int *out)
{
	if (n->p == NULL || n->p[0] != COACH_FM_SCALAR || !(n->p[1] & BOOL))
		return -1;
	*out = (n->p[1] & BOOL_TRUE) != 0;
	return 0;
}
