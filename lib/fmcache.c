/*
 * fmcache.c: the cache of what was read from record files (see fmcache.h).
 *
 * The file, in the host's byte order (a marker says which):
 *
 *     header  "COACHFM\0", u32 version, u32 0x01020304, u64 salt,
 *             u64 number of folders, u64 body length, u64 checksum of body,
 *             u64 monitor instance, u64 monitor sequence
 *     body    per folder, parents before children:
 *               u32 path length, path, NUL, u8 trusted, stat, u32 names
 *               per name, sorted:
 *                 u32 name length, name, NUL, u8 type, u8 flags, stat,
 *                 per slot: u32 length, bytes, NUL
 *
 * where stat is seven 64-bit numbers: mtime s/ns, ctime s/ns, inode, size,
 * mode.  flags: 1 the stat is the file's as its strings were made, 2 they
 * can be trusted (the read was stable and not racy).
 *
 * Names, paths and strings are used in place in the mapped file (each
 * ends with its NUL there): loading copies nothing but the small fixed
 * parts.  The mapping lives as long as the cache.  A writer never changes
 * the file in place: it writes a new one and renames it over (see
 * coach_fmcache_save()), so the file a reader mapped stays as it was
 * whatever other processes do meanwhile.  What a run adds lives in the
 * arena.
 *
 * The monitor's token (0 0 for none) is one the file-system monitor gave
 * before the run that wrote the file looked at anything.  It vouches that
 * every trusted folder kept, its listing and its files' stat data, were
 * as the file says at some moment after that token: a later run told by
 * the monitor that nothing happened in such a folder since takes it as
 * it is kept, without a stat.
 */
#include "fmcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "pool.h"
#include "statdata.h"
#include "util.h"

#define MAGIC "COACHFM"
#define VERSION 4
#define ENDIAN 0x01020304u
#define HEADER_LEN (8 + 4 + 4 + 8 + 8 + 8 + 8 + 8 + 8)
/* A cache this large is not one coach wrote. */
#define CACHE_MAX_BYTES ((size_t)1 << 30)

enum { F_HAS_STAT = 1, F_TRUSTED = 2 };

#define FST_LEN (7 * 8)

/* A name of a folder's listing: 48 bytes, as there are 100,000 of them
 * and more to load at every start. */
struct child {
	const char *name;
	/* Its stat data, FST_LEN bytes laid out as struct coach_statdata:
	 * in the mapped file (unaligned) or the arena; NULL for none. */
	const unsigned char *st;
	union {
		/* A file's strings. */
		const void *slot[COACH_FMCACHE_SLOTS];
		/* A folder's own listing, once found (never written). */
		struct coach_fmdir *sub;
	};
	uint32_t len[COACH_FMCACHE_SLOTS];
	uint8_t type;
	uint8_t flags;
	uint8_t checked;  /* st was compared with the file in this run */
	uint8_t pre;      /* what coach_fmcache_preload() found: PRE_* */
};

enum { D_UNSEEN, D_VALID, D_GONE };
/* What a folder owns: its path, its listing, itself (else they belong to
 * the mapped file, the arena and the cache's block of loaded folders). */
enum { OWN_PATH = 1, OWN_V = 2, OWN_SELF = 4 };
/* Not looked at before; the same stat data as kept; other ones. */
enum { PRE_NONE, PRE_SAME, PRE_CHANGED };

struct coach_fmdir {
	const char *path;
	size_t len;       /* of path */
	uint64_t hash;    /* of path, as dir_find_n() computes it */
	uint8_t state;
	uint8_t trusted;
	uint8_t reach;    /* while saving */
	uint8_t pre;      /* what coach_fmcache_preload() found: PRE_* */
	uint8_t own;      /* OWN_* */
	uint8_t vouched;  /* the monitor saw nothing happen in it */
	int err_no;       /* D_GONE: why */
	struct coach_statdata st;
	struct child *v;
	size_t n;
	size_t hint;      /* the child found last */
	size_t hash_next; /* chain in the table, index + 1 */
	/* Where the folder was in the mapped file, for its checksum. */
	size_t rec_off, rec_len;
};

/* Strings made in a run: kept until the cache is freed, in chunks, so
 * that 100,000 small strings cost no more than their bytes. */
struct arena {
	char **chunks;
	size_t n;
	size_t used, cap; /* of the last chunk */
};

struct coach_fmcache {
	char *root;
	char *file;
	uint64_t salt;
	int rootfd;
	struct timespec start; /* racy: not older than this */
	struct coach_fmdir *last; /* the folder child_get() found last */
	void *map;
	size_t map_len;
	/* The folders read from the file, in its order, and the checksum
	 * their bytes must have: checked before the first answer. */
	struct coach_fmdir *block;
	size_t nblock;
	uint64_t sum, sum_from; /* sum_from: where the chain starts */
	int sum_todo;
	/* The preload's thread found it wrong; it was dropped for that. */
	int sum_wrong, dropped;
	struct coach_fmdir **dirs;
	size_t ndirs, capdirs;
	size_t *table;         /* heads of chains, index + 1 */
	size_t nbuckets;
	int dirty;
	const struct coach_fmdir *fd_dir; /* the folder fd is open on */
	int fd;
	struct coach_fmcache_stats stats;
	struct arena arena;
	/* The preload's threads, and the folders they look at. */
	struct coach_pool *pool;
	struct coach_fmdir **pre_dirs;
	atomic_int pre_changed; /* they found a change */
	/* Answers from the cache alone (see coach_fmcache_offline_begin):
	 * unsure when one could not be given. */
	int offline, unsure;
	/* The monitor's token the file was written with, what the monitor
	 * answered in this run (MON_*) and its new token. */
	uint64_t tok_inst, tok_seq;
	int mon;
	uint64_t new_inst, new_seq;
};

enum { MON_NONE, MON_SINCE, MON_EVERYTHING };

#define CHUNK_BYTES ((size_t)1 << 20)

/* A copy of p[0..len) and a NUL, owned by the arena. */
static char *
arena_copy(struct arena *a, const void *p, size_t len)
{
	if (a->n == 0 || a->cap - a->used < len + 1) {
		size_t cap = len + 1 > CHUNK_BYTES ? len + 1 : CHUNK_BYTES;
		a->chunks = coach_xrealloc(a->chunks,
		    (a->n + 1) * sizeof(*a->chunks));
		a->chunks[a->n++] = coach_xmalloc(cap);
		a->used = 0;
		a->cap = cap;
	}
	char *s = a->chunks[a->n - 1] + a->used;
	memcpy(s, p, len);
	s[len] = '\0';
	a->used += len + 1;
	return s;
}

/* n bytes, aligned for any struct, owned by the arena. */
static void *
arena_alloc(struct arena *a, size_t n)
{
	size_t pad = (8 - a->used % 8) % 8;
	if (a->n > 0 && a->cap - a->used >= pad + n) {
		void *p = a->chunks[a->n - 1] + a->used + pad;
		a->used += pad + n;
		return p;
	}
	/* A fresh chunk; malloc aligns it. */
	size_t cap = n > CHUNK_BYTES ? n : CHUNK_BYTES;
	a->chunks = coach_xrealloc(a->chunks, (a->n + 1) * sizeof(*a->chunks));
	a->chunks[a->n++] = coach_xmalloc(cap);
	a->used = n;
	a->cap = cap;
	return a->chunks[a->n - 1];
}

static void
arena_free(struct arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->chunks[i]);
	free(a->chunks);
	memset(a, 0, sizeof(*a));
}

int
coach_fmcache_disabled(void)
{
	const char *e = getenv("COACH_NO_CACHE");
	return e && *e && strcmp(e, "0") != 0;
}

uint64_t
coach_fmcache_hash(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	h ^= len;
	h *= 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 32);
}

/* The checksum of the cache's body, chained from h: four words at a
 * time in four lanes (they do not wait on each other's multiply), so
 * that checking 20 MB takes a few milliseconds. */
static uint64_t
checksum(const void *data, size_t len, uint64_t h)
{
	const unsigned char *p = data;
	uint64_t l[4] = { h, h ^ 0x9e3779b97f4a7c15ULL,
		h ^ 0xc2b2ae3d27d4eb4fULL, h ^ 0x165667b19e3779f9ULL };
	size_t i = 0;
	for (; i + 32 <= len; i += 32) {
		for (int k = 0; k < 4; k++) {
			uint64_t w;
			memcpy(&w, p + i + 8 * k, 8);
			l[k] = (l[k] ^ w) * 0x100000001b3ULL;
			l[k] ^= l[k] >> 29;
		}
	}
	uint64_t m = l[0] ^ (l[1] * 3) ^ (l[2] * 5) ^ (l[3] * 7);
	return coach_fmcache_hash(p + i, len - i, m ^ len);
}

/* ---- stat data ---- */

static enum coach_fmtype
type_of_mode(mode_t m)
{
	return S_ISREG(m) ? COACH_FMT_FILE : S_ISDIR(m) ? COACH_FMT_DIR :
	    S_ISLNK(m) ? COACH_FMT_LINK : COACH_FMT_OTHER;
}

/* ---- the table of folders ---- */

static void
table_grow(struct coach_fmcache *c)
{
	free(c->table);
	c->nbuckets = c->nbuckets ? c->nbuckets * 2 : 1024;
	c->table = coach_xcalloc(c->nbuckets, sizeof(*c->table));
	for (size_t i = 0; i < c->ndirs; i++) {
		size_t b = (size_t)c->dirs[i]->hash & (c->nbuckets - 1);
		c->dirs[i]->hash_next = c->table[b];
		c->table[b] = i + 1;
	}
}

/* The folder path[0..n). */
static struct coach_fmdir *
dir_find_n(const struct coach_fmcache *c, const char *path, size_t n)
{
	if (c->nbuckets == 0)
		return NULL;
	uint64_t h = coach_fmcache_hash(path, n, 0);
	size_t b = (size_t)h & (c->nbuckets - 1);
	for (size_t i = c->table[b]; i; i = c->dirs[i - 1]->hash_next) {
		const struct coach_fmdir *d = c->dirs[i - 1];
		if (d->hash == h && d->len == n && memcmp(d->path, path, n) == 0)
			return c->dirs[i - 1];
	}
	return NULL;
}

static struct coach_fmdir *
dir_find(const struct coach_fmcache *c, const char *path)
{
	return dir_find_n(c, path, strlen(path));
}

/* Puts d, whose path is set, in the table. */
static void
dir_insert(struct coach_fmcache *c, struct coach_fmdir *d)
{
	d->hash = coach_fmcache_hash(d->path, d->len, 0);
	if (c->ndirs == c->capdirs) {
		c->capdirs = c->capdirs ? c->capdirs * 2 : 256;
		c->dirs = coach_xrealloc(c->dirs, c->capdirs * sizeof(*c->dirs));
	}
	c->dirs[c->ndirs++] = d;
	if (c->ndirs * 2 > c->nbuckets) {
		table_grow(c);
	} else {
		size_t b = (size_t)d->hash & (c->nbuckets - 1);
		d->hash_next = c->table[b];
		c->table[b] = c->ndirs;
	}
}

static struct coach_fmdir *
dir_add(struct coach_fmcache *c, const char *path)
{
	struct coach_fmdir *d = coach_xcalloc(1, sizeof(*d));
	d->path = coach_xstrdup(path);
	d->len = strlen(path);
	d->own = OWN_PATH | OWN_V | OWN_SELF;
	dir_insert(c, d);
	return d;
}

static void
child_clear(struct child *ch)
{
	for (int s = 0; s < COACH_FMCACHE_SLOTS; s++) {
		ch->slot[s] = NULL;
		ch->len[s] = 0;
	}
}

/* Names and strings belong to the map or the arena; the listing to the
 * folder when it read it itself. */
static void
children_free(struct coach_fmdir *d)
{
	if (d->own & OWN_V)
		free(d->v);
	d->v = NULL;
	d->n = 0;
}

/* The stat data kept for ch. */
static struct coach_statdata
child_st(const struct child *ch)
{
	struct coach_statdata f;
	_Static_assert(sizeof(f) == FST_LEN, "stat data are 7 numbers");
	if (ch->st)
		memcpy(&f, ch->st, FST_LEN);
	else
		memset(&f, 0, sizeof(f));
	return f;
}

static int
child_st_eq(const struct child *ch, const struct coach_statdata *now)
{
	struct coach_statdata f = child_st(ch);
	return coach_statdata_eq(&f, now);
}

/* Keeps now as ch's stat data.  Only the thread asking does, and never
 * while the preload's threads read them (they only run beside offline
 * answers). */
static void
child_set_st(struct coach_fmcache *c, struct child *ch,
    const struct coach_statdata *now)
{
	unsigned char *p = arena_alloc(&c->arena, FST_LEN);
	memcpy(p, now, FST_LEN);
	ch->st = p;
}

/* ---- reading the file ---- */

struct rd {
	const unsigned char *p, *end;
	int bad;
};

static const void *
rd_take(struct rd *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	const void *q = r->p;
	r->p += n;
	return q;
}

static uint64_t
rd_num(struct rd *r, size_t n)
{
	const void *q = rd_take(r, n);
	uint64_t v = 0;
	uint32_t v32 = 0;
	uint8_t v8 = 0;
	if (q == NULL)
		return 0;
	if (n == 8)
		memcpy(&v, q, 8);
	else if (n == 4)
		memcpy(&v32, q, 4), v = v32;
	else
		memcpy(&v8, q, 1), v = v8;
	return v;
}

/* A string of n bytes and its NUL. */
static const char *
rd_str(struct rd *r, size_t n)
{
	const char *s = rd_take(r, n + 1);
	if (s && s[n] != '\0')
		r->bad = 1;
	return r->bad ? NULL : s;
}

static void
rd_fst(struct rd *r, struct coach_statdata *f)
{
	/* Seven 64-bit numbers in the host's order: the struct's own
	 * layout, so one copy reads them. */
	_Static_assert(sizeof(*f) == FST_LEN, "stat data are 7 numbers");
	const void *q = rd_take(r, FST_LEN);
	if (q)
		memcpy(f, q, FST_LEN);
	else
		memset(f, 0, sizeof(*f));
}

static int
rd_child(struct rd *r, struct child *ch)
{
	size_t n = (size_t)rd_num(r, 4);
	ch->name = rd_str(r, n);
	ch->type = (uint8_t)rd_num(r, 1);
	ch->flags = (uint8_t)rd_num(r, 1);
	ch->st = rd_take(r, FST_LEN);
	for (int s = 0; s < COACH_FMCACHE_SLOTS; s++) {
		size_t len = (size_t)rd_num(r, 4);
		const char *p = rd_str(r, len);
		ch->slot[s] = len ? p : NULL;
		ch->len[s] = (uint32_t)len;
	}
	ch->checked = 0;
	ch->pre = PRE_NONE;
	if (ch->type != COACH_FMT_FILE)
		child_clear(ch); /* only files have strings */
	if (ch->type > COACH_FMT_OTHER || ch->type == COACH_FMT_NONE ||
	    ch->name == NULL || *ch->name == '\0')
		r->bad = 1;
	return r->bad ? -1 : 0;
}

static struct child *child_find(struct coach_fmdir *d, const char *name);

/* The folders above the one read last, from the root down: the parent
 * of the next is mostly one of them, as folders come sorted. */
#define UP_MAX 32
struct up {
	struct coach_fmdir *v[UP_MAX];
	size_t n;
};

/* Links d, just read, from its parent's listing, so that going down
 * into it later needs no lookup by path (coach_fmcache_subdir()). */
static void
link_dir(struct coach_fmcache *c, struct coach_fmdir *d, struct up *up)
{
	const char *slash = strrchr(d->path, '/');
	size_t plen = slash ? (size_t)(slash - d->path) : 0;
	struct coach_fmdir *p = NULL;
	while (d->len > 0 && up->n > 0) {
		struct coach_fmdir *t = up->v[up->n - 1];
		if (t->len == plen && memcmp(t->path, d->path, plen) == 0) {
			p = t;
			break;
		}
		/* Above the parent, which was not read (or not here). */
		if (t->len == 0 || (t->len < plen && d->path[t->len] == '/' &&
		    memcmp(t->path, d->path, t->len) == 0))
			break;
		up->n--;
	}
	if (p == NULL && d->len > 0)
		p = dir_find_n(c, d->path, plen);
	struct child *ch = p ? child_find(p, slash ? slash + 1 : d->path) :
	    NULL;
	if (ch && ch->type == COACH_FMT_DIR)
		ch->sub = d;
	if (up->n < UP_MAX)
		up->v[up->n++] = d;
}

/* The next folder of the file, into the block (sized for every folder
 * the header counts). */
static int
rd_dir(struct coach_fmcache *c, struct rd *r, struct up *up)
{
	const unsigned char *start = r->p;
	size_t n = (size_t)rd_num(r, 4);
	const char *path = rd_str(r, n);
	uint8_t trusted = (uint8_t)rd_num(r, 1);
	struct coach_statdata st;
	rd_fst(r, &st);
	size_t names = (size_t)rd_num(r, 4);
	/* Each name takes at least this much of what is left; folders
	 * come sorted, each once (so no lookup is needed to say so). */
	if (r->bad || names > (size_t)(r->end - r->p) / (FST_LEN + 16) ||
	    (c->nblock > 0 && strcmp(c->block[c->nblock - 1].path, path) >= 0))
		return -1;
	struct coach_fmdir *d = &c->block[c->nblock++];
	d->path = path;
	d->len = n;
	d->trusted = trusted;
	d->st = st;
	d->v = arena_alloc(&c->arena, (names ? names : 1) * sizeof(*d->v));
	for (; d->n < names; d->n++) {
		if (rd_child(r, &d->v[d->n]) != 0 || (d->n > 0 &&
		    strcmp(d->v[d->n - 1].name, d->v[d->n].name) >= 0))
			return -1;
	}
	d->rec_off = (size_t)(start - (const unsigned char *)c->map);
	d->rec_len = (size_t)(r->p - start);
	dir_insert(c, d);
	link_dir(c, d, up);
	return 0;
}

static void
drop_all(struct coach_fmcache *c)
{
	c->last = NULL;
	for (size_t i = 0; i < c->ndirs; i++) {
		struct coach_fmdir *d = c->dirs[i];
		children_free(d);
		if (d->own & OWN_PATH)
			free((char *)d->path);
		if (d->own & OWN_SELF)
			free(d);
	}
	c->ndirs = 0;
	free(c->block);
	c->block = NULL;
	c->nblock = 0;
	c->sum_todo = 0;
	memset(c->table, 0, c->nbuckets * sizeof(*c->table));
	if (c->map)
		munmap(c->map, c->map_len);
	c->map = NULL;
	c->map_len = 0;
}

/* Where the body's checksum starts: the monitor's token is covered. */
static uint64_t
token_sum(const struct coach_fmcache *c)
{
	uint64_t t[2] = { c->tok_inst, c->tok_seq };
	return t[0] || t[1] ? coach_fmcache_hash(t, sizeof(t), 0) : 0;
}

/* Maps the file and reads what it knows; an unusable file knows
 * nothing.  Its checksum is left for settle(). */
static void
load(struct coach_fmcache *c)
{
	int fd = open(c->file, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd == -1)
		return;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size < HEADER_LEN || (size_t)st.st_size > CACHE_MAX_BYTES) {
		close(fd);
		return;
	}
	c->map_len = (size_t)st.st_size;
	c->map = mmap(NULL, c->map_len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (c->map == MAP_FAILED) {
		c->map = NULL;
		return;
	}
	struct rd r = { c->map, (const unsigned char *)c->map + c->map_len, 0 };
	const char *magic = rd_take(&r, 8);
	uint32_t version = (uint32_t)rd_num(&r, 4);
	uint32_t endian = (uint32_t)rd_num(&r, 4);
	uint64_t salt = rd_num(&r, 8);
	uint64_t ndirs = rd_num(&r, 8);
	uint64_t body = rd_num(&r, 8);
	c->sum = rd_num(&r, 8);
	c->tok_inst = rd_num(&r, 8);
	c->tok_seq = rd_num(&r, 8);
	c->sum_from = token_sum(c);
	/* Each folder takes at least its path's length and NUL, trusted,
	 * stat data and count. */
	if (memcmp(magic, MAGIC, 8) != 0 || version != VERSION ||
	    endian != ENDIAN || salt != c->salt ||
	    body != c->map_len - HEADER_LEN ||
	    ndirs > body / (4 + 1 + 1 + FST_LEN + 4)) {
		c->tok_inst = c->tok_seq = 0;
		drop_all(c);
		return;
	}
	/* The table at its size at once, not grown fold by fold. */
	while (c->nbuckets < 2 * ndirs)
		table_grow(c);
	c->block = coach_xcalloc(ndirs + 1, sizeof(*c->block));
	struct up up = { .n = 0 };
	for (uint64_t i = 0; i < ndirs; i++) {
		if (rd_dir(c, &r, &up) != 0) {
			drop_all(c);
			return;
		}
	}
	if (r.p != r.end) {
		drop_all(c);
		return;
	}
	c->sum_todo = 1;
}

/* Whether the loaded file's bytes have the checksum its header says
 * (load() checked its structure already). */
static int
sum_holds(const struct coach_fmcache *c)
{
	uint64_t h = c->sum_from;
	for (size_t i = 0; i < c->nblock; i++)
		h = checksum((const unsigned char *)c->map + c->block[i].rec_off,
		    c->block[i].rec_len, h);
	return h == c->sum;
}

/* Checks the loaded file's checksum once, before the first answer from
 * it; a damaged file is dropped whole.  While the preload runs, one of
 * its threads checks it: offline answers are only given back by
 * coach_fmcache_offline_end(), which waits for it; others wait now. */
static void
settle(struct coach_fmcache *c)
{
	if (!c->sum_todo)
		return;
	if (c->pool) {
		if (!c->offline)
			coach_fmcache_preload_wait(c);
		return;
	}
	c->sum_todo = 0;
	if (!sum_holds(c))
		drop_all(c);
}

struct coach_fmcache *
coach_fmcache_open(const char *root, const char *cachefile, uint64_t salt)
{
	struct coach_fmcache *c = coach_xcalloc(1, sizeof(*c));
	c->root = coach_xstrdup(root);
	c->file = coach_xstrdup(cachefile);
	c->salt = salt;
	c->fd = -1;
	c->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* The clock file times are taken from. */
	coach_statdata_start(&c->start);
	table_grow(c);
	load(c);
	return c;
}

void
coach_fmcache_free(struct coach_fmcache *c)
{
	if (c == NULL)
		return;
	coach_fmcache_preload_wait(c);
	drop_all(c);
	arena_free(&c->arena);
	if (c->fd != -1)
		close(c->fd);
	if (c->rootfd != -1)
		close(c->rootfd);
	free(c->dirs);
	free(c->table);
	free(c->root);
	free(c->file);
	free(c);
}

/* Whether relpath is one the listings can answer for: names joined by
 * single '/', none of them "." or "..". */
static int
path_ok(const char *relpath)
{
	if (*relpath == '\0')
		return 1;
	for (const char *s = relpath;;) {
		const char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);
		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		if (*e == '\0')
			return 1;
		s = e + 1;
	}
}

/* ---- folders ---- */

static int
child_cmp(const void *a, const void *b)
{
	return strcmp(((const struct child *)a)->name,
	    ((const struct child *)b)->name);
}

static struct child *
child_find(struct coach_fmdir *d, const char *name)
{
	/* Readers go through a folder in order: try the name after the
	 * last one found first. */
	size_t next = d->hint + 1;
	if (next < d->n && strcmp(d->v[next].name, name) == 0) {
		d->hint = next;
		return &d->v[next];
	}
	struct child key = { 0 };
	key.name = name;
	struct child *ch = d->n ? bsearch(&key, d->v, d->n, sizeof(*d->v),
	    child_cmp) : NULL;
	if (ch)
		d->hint = (size_t)(ch - d->v);
	return ch;
}

/* The parent folder's path and the last name of relpath. */
static char *
split(const char *relpath, const char **name)
{
	const char *slash = strrchr(relpath, '/');
	*name = slash ? slash + 1 : relpath;
	return coach_xstrndup(relpath, slash ? (size_t)(slash - relpath) : 0);
}

/* Reads the names of the folder open on fd into d, keeping what was
 * known of names that are still there. */
static int
read_names(struct coach_fmcache *c, struct coach_fmdir *d, int fd)
{
	DIR *dh = fdopendir(fd);
	struct dirent *e;
	size_t n = 0, cap = 16;
	struct child *v = coach_xcalloc(cap, sizeof(*v));
	if (dh == NULL) {
		close(fd);
		free(v);
		return -1;
	}
	while ((e = readdir(dh)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap *= 2;
			v = coach_xrealloc(v, cap * sizeof(*v));
		}
		struct child *ch = &v[n++];
		memset(ch, 0, sizeof(*ch));
		ch->name = arena_copy(&c->arena, e->d_name,
		    strlen(e->d_name));
		struct stat st;
		switch (e->d_type) {
		case DT_REG: ch->type = COACH_FMT_FILE; break;
		case DT_DIR: ch->type = COACH_FMT_DIR; break;
		case DT_LNK: ch->type = COACH_FMT_LINK; break;
		case DT_UNKNOWN:
			if (fstatat(dirfd(dh), e->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == 0) {
				ch->type = type_of_mode(st.st_mode);
				break;
			}
			n--; /* gone since */
			continue;
		default: ch->type = COACH_FMT_OTHER; break;
		}
	}
	closedir(dh);
	v = coach_xrealloc(v, (n ? n : 1) * sizeof(*v));
	qsort(v, n, sizeof(*v), child_cmp);
	/* What the old listing knew of a file that is still one. */
	for (size_t i = 0; i < n; i++) {
		struct child *old = child_find(d, v[i].name);
		if (old == NULL || old->type != v[i].type)
			continue;
		v[i] = *old;
	}
	children_free(d);
	d->v = v;
	d->n = n;
	d->own |= OWN_V;
	c->dirty = 1;
	c->stats.dirs_read++;
	return 0;
}

/* Brings d's listing up to date; the folder is open on fd (closed here). */
static void
refresh(struct coach_fmcache *c, struct coach_fmdir *d, int fd,
    const struct coach_statdata *before)
{
	struct stat st;
	if (d->trusted && coach_statdata_eq(&d->st, before)) {
		close(fd);
		d->state = D_VALID;
		return;
	}
	int fd2 = dup(fd);
	if (read_names(c, d, fd) != 0) {
		if (fd2 != -1)
			close(fd2);
		d->state = D_GONE;
		d->err_no = errno;
		return;
	}
	d->state = D_VALID;
	d->st = *before;
	/* Listed while it changed, or changed in this tick: read it again
	 * next time. */
	d->trusted = fd2 != -1 && fstat(fd2, &st) == 0;
	if (d->trusted) {
		struct coach_statdata after;
		coach_statdata_of(&after, &st);
		d->trusted = coach_statdata_eq(&after, before) &&
		    !coach_statdata_racy(before, &c->start);
	}
	if (fd2 != -1)
		close(fd2);
}

/* Whether d's listing, trusted, still holds by the folder's stat data. */
static int
listing_holds(struct coach_fmcache *c, struct coach_fmdir *d)
{
	struct stat st;
	struct coach_statdata now;
	if (!d->trusted)
		return 0;
	if (d->pre)
		return d->pre == PRE_SAME;
	if (fstatat(c->rootfd, *d->path ? d->path : ".", &st,
	    AT_SYMLINK_NOFOLLOW) != 0)
		return 0;
	coach_statdata_of(&now, &st);
	return coach_statdata_eq(&now, &d->st);
}

/* Whether the preload found anything changed already. */
static int
preload_changed(struct coach_fmcache *c)
{
	return atomic_load_explicit(&c->pre_changed, memory_order_relaxed);
}

/* Brings d (not seen yet in this run) up to date: a folder named name
 * in the folder p, already seen (NULL for the root). */
static struct coach_fmdir *
dir_get_in(struct coach_fmcache *c, struct coach_fmdir *d,
    struct coach_fmdir *p, const char *name)
{
	c->stats.dirs++;
	d->state = D_GONE;
	d->err_no = ENOENT;
	if (p) {
		/* Only through folders, never through a link. */
		struct child *ch = p->state == D_VALID ? child_find(p, name) :
		    NULL;
		if (ch == NULL || ch->type != COACH_FMT_DIR) {
			d->err_no = ch == NULL ? (p->state == D_VALID ? ENOENT :
			    p->err_no) : ch->type == COACH_FMT_LINK ? ELOOP :
			    ENOTDIR;
			return d;
		}
	}
	struct stat st;
	if (c->offline) {
		/* Taken as it was kept: the preload says afterwards whether
		 * it held. */
		if (d->trusted && !preload_changed(c))
			d->state = D_VALID;
		else
			c->unsure = 1;
		return d;
	}
	/* A listing that holds needs no open: its stat data say so. */
	if (listing_holds(c, d)) {
		d->state = D_VALID;
		return d;
	}
	int fd = coach_open_noatime(c->rootfd, *d->path ? d->path : ".",
	    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1) {
		d->err_no = errno;
		if (fd != -1)
			close(fd);
		return d;
	}
	struct coach_statdata before;
	coach_statdata_of(&before, &st);
	/* Kept open for the stat data of the folder's files. */
	int keep = dup(fd);
	refresh(c, d, fd, &before);
	if (keep != -1) {
		if (c->fd != -1)
			close(c->fd);
		c->fd = keep;
		c->fd_dir = d;
	}
	return d;
}

static struct coach_fmdir *
dir_get(struct coach_fmcache *c, const char *reldir)
{
	struct coach_fmdir *d = dir_find(c, reldir);
	if (d && d->state != D_UNSEEN)
		return d;
	if (d == NULL)
		d = dir_add(c, reldir);
	if (*reldir == '\0')
		return dir_get_in(c, d, NULL, NULL);
	const char *name;
	char *parent = split(reldir, &name);
	struct coach_fmdir *p = dir_get(c, parent);
	free(parent);
	return dir_get_in(c, d, p, name);
}

const struct coach_fmdir *
coach_fmcache_dir(struct coach_fmcache *c, const char *reldir, int *err_no)
{
	settle(c);
	if (*reldir && !path_ok(reldir)) {
		if (err_no)
			*err_no = EINVAL;
		return NULL;
	}
	struct coach_fmdir *d = dir_get(c, reldir);
	if (d->state == D_VALID)
		return d;
	if (err_no)
		*err_no = d->err_no;
	return NULL;
}

const struct coach_fmdir *
coach_fmcache_subdir(struct coach_fmcache *c, const struct coach_fmdir *parent,
    const char *name, int *err_no)
{
	/* The cache's own folder, handed back read-only. */
	struct coach_fmdir *p = (struct coach_fmdir *)parent;
	size_t n = strlen(name);
	char buf[256];
	if (n == 0 || strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		if (err_no)
			*err_no = EINVAL;
		return NULL;
	}
	/* Found through the listing when it was linked to it. */
	struct child *ch = p->state == D_VALID ? child_find(p, name) : NULL;
	struct coach_fmdir *d = ch && ch->type == COACH_FMT_DIR ? ch->sub :
	    NULL;
	char *path = NULL;
	size_t len = p->len ? p->len + 1 + n : n;
	if (d == NULL) {
		path = len < sizeof(buf) ? buf : coach_xmalloc(len + 1);
		if (p->len) {
			memcpy(path, p->path, p->len);
			path[p->len] = '/';
		}
		memcpy(path + len - n, name, n + 1);
		d = dir_find_n(c, path, len);
		if (d == NULL)
			d = dir_add(c, path);
		if (ch && ch->type == COACH_FMT_DIR)
			ch->sub = d;
	}
	if (d->state == D_UNSEEN)
		d = dir_get_in(c, d, p, name);
	if (path != buf)
		free(path);
	if (d->state == D_VALID)
		return d;
	if (err_no)
		*err_no = d->err_no;
	return NULL;
}

const char *
coach_fmdir_path(const struct coach_fmdir *d)
{
	return d->path;
}

size_t
coach_fmdir_count(const struct coach_fmdir *d)
{
	return d->n;
}

const char *
coach_fmdir_name(const struct coach_fmdir *d, size_t i)
{
	return d->v[i].name;
}

enum coach_fmtype
coach_fmdir_type(const struct coach_fmdir *d, size_t i)
{
	return (enum coach_fmtype)d->v[i].type;
}

size_t
coach_fmdir_find(const struct coach_fmdir *dir, const char *name)
{
	/* The cache's own folder, handed out read-only: only its hint
	 * moves. */
	struct coach_fmdir *d = (struct coach_fmdir *)dir;
	struct child *ch = child_find(d, name);
	return ch ? (size_t)(ch - d->v) : (size_t)-1;
}

/* The child relpath names in its listed folder, and the folder;
 * relpath passed path_ok(). */
static struct child *
child_in(struct coach_fmcache *c, const char *relpath,
    struct coach_fmdir **dir)
{
	*dir = NULL;
	settle(c);
	const char *slash = strrchr(relpath, '/');
	const char *name = slash ? slash + 1 : relpath;
	size_t plen = slash ? (size_t)(slash - relpath) : 0;
	struct coach_fmdir *d = c->last;
	/* Mostly the folder of the last call. */
	if (d == NULL || d->len != plen ||
	    memcmp(d->path, relpath, plen) != 0) {
		/* Found without a copy of the path when seen already. */
		d = dir_find_n(c, relpath, plen);
		if (d == NULL || d->state == D_UNSEEN) {
			char *parent = coach_xstrndup(relpath, plen);
			d = dir_get(c, parent);
			free(parent);
		}
		c->last = d;
	}
	*dir = d;
	return d && d->state == D_VALID ? child_find(d, name) : NULL;
}

/* child_in() of any relpath: NULL for one path_ok() refuses. */
static struct child *
child_get(struct coach_fmcache *c, const char *relpath,
    struct coach_fmdir **dir)
{
	*dir = NULL;
	return path_ok(relpath) ? child_in(c, relpath, dir) : NULL;
}

enum coach_fmtype
coach_fmcache_type(struct coach_fmcache *c, const char *relpath)
{
	struct coach_fmdir *d;
	if (*relpath == '\0')
		return COACH_FMT_DIR;
	if (!path_ok(relpath))
		return COACH_FMT_UNKNOWN;
	struct child *ch = child_in(c, relpath, &d);
	if (ch)
		return (enum coach_fmtype)ch->type;
	if (d == NULL || d->state == D_VALID || d->err_no == ENOENT ||
	    d->err_no == ENOTDIR)
		return COACH_FMT_NONE;
	return COACH_FMT_UNKNOWN;
}

/* ---- files ---- */

/* lstat of d/name, through an open descriptor on d. */
static int
stat_in(struct coach_fmcache *c, const struct coach_fmdir *d,
    const char *name, struct stat *st)
{
	if (c->fd_dir != d) {
		if (c->fd != -1)
			close(c->fd);
		c->fd = openat(c->rootfd, *d->path ? d->path : ".",
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		c->fd_dir = c->fd == -1 ? NULL : d;
		if (c->fd == -1)
			return -1;
	}
	return fstatat(c->fd, name, st, AT_SYMLINK_NOFOLLOW);
}

/* Compares ch with the file once per run; a changed file loses its
 * strings.  -1 (errno set) when it cannot be looked at. */
static int
check_child(struct coach_fmcache *c, struct coach_fmdir *d, struct child *ch)
{
	struct stat st;
	if (ch->checked)
		return 0;
	c->stats.files++;
	if (c->offline) {
		/* As kept; the preload says afterwards whether it held. */
		if (!(ch->flags & F_HAS_STAT) || preload_changed(c)) {
			c->unsure = 1;
			errno = ENOENT;
			return -1;
		}
		ch->checked = 1;
		return 0;
	}
	/* Looked at already, and as it was. */
	if (ch->pre == PRE_SAME) {
		ch->checked = 1;
		return 0;
	}
	if (stat_in(c, d, ch->name, &st) == -1)
		return -1;
	struct coach_statdata now;
	coach_statdata_of(&now, &st);
	ch->checked = 1;
	if ((ch->flags & F_HAS_STAT) && child_st_eq(ch, &now))
		return 0;
	child_clear(ch);
	child_set_st(c, ch, &now);
	ch->flags = F_HAS_STAT;
	c->dirty = 1;
	return 0;
}

static void stat_out(const struct child *ch, struct stat *out);

int
coach_fmcache_stat(struct coach_fmcache *c, const char *relpath,
    struct stat *out)
{
	struct coach_fmdir *d;
	struct child *ch = child_get(c, relpath, &d);
	if (ch == NULL) {
		errno = d && d->state == D_VALID ? ENOENT : d ? d->err_no :
		    ENOENT;
		return -1;
	}
	if (check_child(c, d, ch) != 0)
		return -1;
	stat_out(ch, out);
	return 0;
}

int
coach_fmcache_stat_known(struct coach_fmcache *c, const char *relpath,
    struct stat *out)
{
	struct coach_fmdir *d;
	struct child *ch = child_get(c, relpath, &d);
	if (ch == NULL)
		return -1;
	/* What check_child() would answer without a stat of its own. */
	if (!ch->checked && !c->offline && ch->pre != PRE_SAME)
		return 1;
	if (check_child(c, d, ch) != 0)
		return -1;
	stat_out(ch, out);
	return 0;
}

/* The stat data kept for ch, as stat() gives them. */
static void
stat_out(const struct child *ch, struct stat *out)
{
	struct coach_statdata f = child_st(ch);
	memset(out, 0, sizeof(*out));
	out->st_mtim.tv_sec = f.mt_s;
	out->st_mtim.tv_nsec = f.mt_ns;
	out->st_ctim.tv_sec = f.ct_s;
	out->st_ctim.tv_nsec = f.ct_ns;
	out->st_ino = (ino_t)f.ino;
	out->st_size = (off_t)f.size;
	out->st_mode = (mode_t)f.mode;
}

/* get() of the file ch of folder d. */
static int
get_child(struct coach_fmcache *c, struct coach_fmdir *d, struct child *ch,
    int slot, const void **p, size_t *len, int lazy)
{
	*p = NULL;
	*len = 0;
	if (ch == NULL || ch->type != COACH_FMT_FILE)
		return -1;
	/* Nothing to compare: the caller reads the file anyway, and
	 * coach_fmcache_put_stat() needs no stat from here. */
	if (lazy && !ch->checked && ch->slot[slot] == NULL) {
		c->stats.misses++;
		if (c->offline)
			c->unsure = 1;
		return 0;
	}
	if (check_child(c, d, ch) != 0 || !S_ISREG(child_st(ch).mode))
		return -1;
	if ((ch->flags & F_TRUSTED) && ch->slot[slot]) {
		*p = ch->slot[slot];
		*len = ch->len[slot];
		return 1;
	}
	c->stats.misses++;
	if (c->offline)
		c->unsure = 1;
	return 0;
}

static int
get(struct coach_fmcache *c, const char *relpath, int slot,
    const void **p, size_t *len, int lazy)
{
	struct coach_fmdir *d;
	struct child *ch = child_get(c, relpath, &d);
	return get_child(c, d, ch, slot, p, len, lazy);
}

int
coach_fmdir_lookup(struct coach_fmcache *c, const struct coach_fmdir *dir,
    size_t i, int slot, const void **p, size_t *len, struct timespec *mtime)
{
	/* The cache's own folder, handed out read-only. */
	struct coach_fmdir *d = (struct coach_fmdir *)dir;
	int rc = get_child(c, d, &d->v[i], slot, p, len, 1);
	if (rc == 1) {
		struct coach_statdata f = child_st(&d->v[i]);
		mtime->tv_sec = (time_t)f.mt_s;
		mtime->tv_nsec = (long)f.mt_ns;
	}
	return rc;
}

int
coach_fmcache_offline(const struct coach_fmcache *c)
{
	return c && c->offline;
}

int
coach_fmcache_get(struct coach_fmcache *c, const char *relpath, int slot,
    const void **p, size_t *len)
{
	return get(c, relpath, slot, p, len, 0);
}

int
coach_fmcache_lookup(struct coach_fmcache *c, const char *relpath, int slot,
    const void **p, size_t *len)
{
	return get(c, relpath, slot, p, len, 1);
}

const void *
coach_fmcache_put(struct coach_fmcache *c, const char *relpath, int slot,
    const void *p, size_t len)
{
	struct coach_fmdir *d;
	struct child *ch = child_get(c, relpath, &d);
	struct stat st;
	struct coach_statdata now;
	if (c->offline || ch == NULL || !ch->checked || len >= UINT32_MAX ||
	    stat_in(c, d, ch->name, &st) == -1)
		return NULL;
	coach_statdata_of(&now, &st);
	if (ch->type != COACH_FMT_FILE || !child_st_eq(ch, &now))
		return NULL; /* not a file, or it changed while it was read */
	if (!(ch->flags & F_TRUSTED))
		child_clear(ch); /* other slots were made from older reads */
	ch->slot[slot] = arena_copy(&c->arena, p, len);
	ch->len[slot] = (uint32_t)len;
	ch->flags = F_HAS_STAT |
	    (coach_statdata_racy(&now, &c->start) ? 0 : F_TRUSTED);
	c->dirty = 1;
	return ch->slot[slot];
}

const void *
coach_fmcache_put_stat(struct coach_fmcache *c, const char *relpath,
    int slot, const void *p, size_t len, const struct stat *st)
{
	struct coach_fmdir *d;
	struct child *ch = child_get(c, relpath, &d);
	struct coach_statdata now;
	if (c->offline || ch == NULL || ch->type != COACH_FMT_FILE ||
	    !S_ISREG(st->st_mode) ||
	    len >= UINT32_MAX)
		return NULL;
	coach_statdata_of(&now, st);
	/* Other slots were made from another version, or a racy one. */
	if (!(ch->flags & F_HAS_STAT) || !(ch->flags & F_TRUSTED) ||
	    !child_st_eq(ch, &now))
		child_clear(ch);
	child_set_st(c, ch, &now);
	ch->checked = 1;
	ch->slot[slot] = arena_copy(&c->arena, p, len);
	ch->len[slot] = (uint32_t)len;
	ch->flags = F_HAS_STAT |
	    (coach_statdata_racy(&now, &c->start) ? 0 : F_TRUSTED);
	c->dirty = 1;
	return ch->slot[slot];
}

/* ---- looking at many files at once ---- */

#define PRELOAD_THREADS_MAX 4

/* Compares folder i of the preload and the files of it, if it still
 * holds, with the stat data kept; writes only their "pre", and reads
 * nothing an offline reader writes meanwhile. */
static void
preload_dir(void *arg, size_t i)
{
	struct coach_fmcache *c = arg;
	struct coach_fmdir *d = c->pre_dirs[i];
	struct stat st;
	struct coach_statdata now;
	int changed = 0;
	d->pre = PRE_CHANGED;
	/* O_PATH: only for the stat data, so never really opened (cheaper
	 * for 10,000 folders); a link fails as it should. */
	int fd = openat(c->rootfd, *d->path ? d->path : ".",
	    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd != -1 && fstat(fd, &st) == 0) {
		coach_statdata_of(&now, &st);
		if (coach_statdata_eq(&now, &d->st))
			d->pre = PRE_SAME;
	}
	changed = d->pre != PRE_SAME;
	for (size_t k = 0; d->pre == PRE_SAME && k < d->n; k++) {
		struct child *ch = &d->v[k];
		if (ch->type != COACH_FMT_FILE || !(ch->flags & F_HAS_STAT))
			continue;
		ch->pre = PRE_CHANGED;
		if (fstatat(fd, ch->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			coach_statdata_of(&now, &st);
			if (child_st_eq(ch, &now))
				ch->pre = PRE_SAME;
		}
		changed |= ch->pre != PRE_SAME;
	}
	if (fd != -1)
		close(fd);
	if (changed)
		atomic_store_explicit(&c->pre_changed, 1,
		    memory_order_relaxed);
}

int
coach_fmcache_threads(void)
{
	const char *e = getenv("COACH_THREADS");
	long n = e && *e ? strtol(e, NULL, 10) : 0;
	if (n > 64)
		n = 64;
	if (n <= 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		if (n > PRELOAD_THREADS_MAX)
			n = PRELOAD_THREADS_MAX;
	}
	return n < 1 ? 1 : (int)n;
}

/* Item i of the preload: first the checksum when it is still to be
 * checked (settle()), then the folders. */
static void
preload_item(void *arg, size_t i)
{
	struct coach_fmcache *c = arg;
	if (c->sum_todo && i-- == 0) {
		c->sum_wrong = !sum_holds(c);
		return;
	}
	preload_dir(arg, i);
}

/* Starts threads threads on the folders not looked at yet whose
 * listings were trusted. */
static void
preload_start(struct coach_fmcache *c, int threads)
{
	size_t n = 0;
	if (c == NULL || c->pool || c->ndirs == 0)
		return;
	/* The threads' own list: c->dirs may grow meanwhile. */
	c->pre_dirs = coach_xcalloc(c->ndirs, sizeof(*c->pre_dirs));
	for (size_t i = 0; i < c->ndirs; i++)
		if (c->dirs[i]->state == D_UNSEEN && c->dirs[i]->trusted &&
		    !c->dirs[i]->vouched)
			c->pre_dirs[n++] = c->dirs[i];
	atomic_store(&c->pre_changed, 0);
	c->sum_wrong = 0;
	c->pool = coach_pool_start(n + (c->sum_todo != 0), threads,
	    preload_item, c);
}

void
coach_fmcache_preload_start(struct coach_fmcache *c)
{
	preload_start(c, coach_fmcache_threads());
}

void
coach_fmcache_preload_wait(struct coach_fmcache *c)
{
	if (c == NULL || c->pool == NULL)
		return;
	coach_pool_wait(c->pool);
	c->pool = NULL;
	free(c->pre_dirs);
	c->pre_dirs = NULL;
	if (c->sum_todo) {
		c->sum_todo = 0;
		if (c->sum_wrong) {
			drop_all(c);
			c->dropped = 1;
		}
	}
}

void
coach_fmcache_preload(struct coach_fmcache *c)
{
	/* This thread is one of them. */
	preload_start(c, coach_fmcache_threads() - 1);
	coach_fmcache_preload_wait(c);
}

void
coach_fmcache_offline_begin(struct coach_fmcache *c)
{
	c->offline = 1;
	c->unsure = 0;
}

int
coach_fmcache_unsure(const struct coach_fmcache *c)
{
	return c && c->offline && c->unsure;
}

int
coach_fmcache_offline_end(struct coach_fmcache *c)
{
	coach_fmcache_preload_wait(c);
	/* Answers from a damaged file never hold. */
	int held = !c->unsure && !c->dropped;
	c->dropped = 0;
	/* Every folder listed and file taken as kept was looked at by the
	 * preload, and had not changed. */
	for (size_t i = 0; held && i < c->ndirs; i++) {
		struct coach_fmdir *d = c->dirs[i];
		if (d->state == D_VALID && d->pre != PRE_SAME)
			held = 0;
		for (size_t k = 0; held && k < d->n; k++)
			if (d->v[k].checked && d->v[k].pre != PRE_SAME)
				held = 0;
	}
	c->offline = 0;
	c->unsure = 0;
	if (held)
		return 1;
	/* Asked again, of the file system this time. */
	for (size_t i = 0; i < c->ndirs; i++) {
		struct coach_fmdir *d = c->dirs[i];
		d->state = D_UNSEEN;
		for (size_t k = 0; k < d->n; k++)
			d->v[k].checked = 0;
	}
	c->last = NULL;
	memset(&c->stats, 0, sizeof(c->stats));
	return 0;
}

void
coach_fmcache_get_stats(const struct coach_fmcache *c,
    struct coach_fmcache_stats *out)
{
	*out = c->stats;
}

/* ---- writing the file ---- */

static void
put_num(struct coach_buf *b, uint64_t v, size_t n)
{
	uint32_t v32 = (uint32_t)v;
	uint8_t v8 = (uint8_t)v;
	if (n == 8)
		coach_buf_add(b, &v, 8);
	else if (n == 4)
		coach_buf_add(b, &v32, 4);
	else
		coach_buf_add(b, &v8, 1);
}

static void
put_str(struct coach_buf *b, const void *s, size_t n)
{
	put_num(b, n, 4);
	coach_buf_add(b, s, n);
	coach_buf_add(b, "", 1);
}

static void
put_fst(struct coach_buf *b, const struct coach_statdata *f)
{
	put_num(b, (uint64_t)f->mt_s, 8);
	put_num(b, (uint64_t)f->mt_ns, 8);
	put_num(b, (uint64_t)f->ct_s, 8);
	put_num(b, (uint64_t)f->ct_ns, 8);
	put_num(b, f->ino, 8);
	put_num(b, f->size, 8);
	put_num(b, f->mode, 8);
}

static void
put_dir(struct coach_buf *b, const struct coach_fmdir *d)
{
	put_str(b, d->path, strlen(d->path));
	put_num(b, d->trusted, 1);
	put_fst(b, &d->st);
	put_num(b, d->n, 4);
	for (size_t i = 0; i < d->n; i++) {
		const struct child *ch = &d->v[i];
		put_str(b, ch->name, strlen(ch->name));
		put_num(b, ch->type, 1);
		put_num(b, ch->flags, 1);
		struct coach_statdata f = child_st(ch);
		put_fst(b, &f);
		for (int s = 0; s < COACH_FMCACHE_SLOTS; s++)
			put_str(b, ch->slot[s] ? ch->slot[s] : "", ch->len[s]);
	}
}

static int
dir_ptr_cmp(const void *a, const void *b)
{
	return strcmp((*(struct coach_fmdir *const *)a)->path,
	    (*(struct coach_fmdir *const *)b)->path);
}

/* Whether d is still a folder reached from the root through folders. */
static int
reachable(struct coach_fmcache *c, struct coach_fmdir *d)
{
	if (d->state == D_GONE)
		return 0;
	if (*d->path == '\0')
		return 1;
	const char *name;
	char *parent = split(d->path, &name);
	struct coach_fmdir *p = dir_find(c, parent);
	free(parent);
	struct child *ch = p && p->reach ? child_find(p, name) : NULL;
	return ch && ch->type == COACH_FMT_DIR;
}

/* Whether what is kept of d (not vouched for by the monitor) was found
 * as it is on disk in this run, after the monitor's token was taken. */
static int
seen_now(const struct coach_fmdir *d)
{
	if (d->pre != PRE_SAME && d->state != D_VALID)
		return 0;
	for (size_t k = 0; k < d->n; k++) {
		const struct child *ch = &d->v[k];
		if (ch->type == COACH_FMT_FILE && (ch->flags & F_HAS_STAT) &&
		    !ch->checked && ch->pre != PRE_SAME)
			return 0;
	}
	return 1;
}

/*
 * The token to write (the folders are sorted): the new one when every
 * trusted folder to be kept is vouched for by the monitor or was found as
 * kept in this run; else the old one when the monitor could say what
 * changed since it (what this run did not look at is as it was then);
 * else none.
 */
static void
monitor_token(struct coach_fmcache *c)
{
	int all = 1;
	for (size_t i = 0; i < c->ndirs; i++) {
		struct coach_fmdir *d = c->dirs[i];
		d->reach = (uint8_t)reachable(c, d);
		if (all && d->reach && d->trusted && !d->vouched && !seen_now(d))
			all = 0;
	}
	uint64_t inst = all ? c->new_inst : c->mon == MON_SINCE ?
	    c->tok_inst : 0;
	uint64_t seq = all ? c->new_seq : c->mon == MON_SINCE ? c->tok_seq : 0;
	if (inst != c->tok_inst || seq != c->tok_seq) {
		c->tok_inst = inst;
		c->tok_seq = seq;
		c->dirty = 1;
	}
}

void
coach_fmcache_token(const struct coach_fmcache *c, uint64_t *instance,
    uint64_t *seq)
{
	*instance = c->tok_inst;
	*seq = c->tok_seq;
}

size_t
coach_fmcache_names(const struct coach_fmcache *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->ndirs; i++)
		n += c->dirs[i]->n;
	return n;
}

void
coach_fmcache_monitor(struct coach_fmcache *c, uint64_t instance,
    uint64_t seq, int everything, char *const *dirs, size_t n)
{
	/* Changes are only ever told since the token the file has, of the
	 * same life of the monitor. */
	if (c->tok_inst == 0 || instance != c->tok_inst || seq < c->tok_seq)
		everything = 1;
	c->mon = everything ? MON_EVERYTHING : MON_SINCE;
	c->new_inst = instance;
	c->new_seq = seq;
	if (everything)
		return;
	/* Every folder known so far (all read from the file) that is
	 * trusted and was not named is vouched for: as kept. */
	for (size_t i = 0; i < c->ndirs; i++)
		c->dirs[i]->vouched = c->dirs[i]->trusted &&
		    c->dirs[i]->state == D_UNSEEN;
	for (size_t i = 0; i < n; i++) {
		struct coach_fmdir *d = dir_find(c, dirs[i]);
		if (d)
			d->vouched = 0;
	}
	for (size_t i = 0; i < c->ndirs; i++) {
		struct coach_fmdir *d = c->dirs[i];
		if (!d->vouched)
			continue;
		d->pre = PRE_SAME;
		for (size_t k = 0; k < d->n; k++)
			if (d->v[k].type == COACH_FMT_FILE &&
			    (d->v[k].flags & F_HAS_STAT))
				d->v[k].pre = PRE_SAME;
	}
}

static int
write_all(int fd, const void *p, size_t len, off_t at)
{
	size_t off = 0;
	while (off < len) {
		ssize_t n = at < 0 ? write(fd, (const char *)p + off,
		    len - off) : pwrite(fd, (const char *)p + off, len - off,
		    at + (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* Writes the folders to fd after room for the header, then the header;
 * one folder at a time, so that the file is never all in memory. */
static int
write_body(struct coach_fmcache *c, int fd)
{
	struct coach_buf b = COACH_BUF_INIT;
	uint64_t n = 0, len = 0, h = token_sum(c);
	int rc = 0;
	static const char room[HEADER_LEN];
	coach_buf_add(&b, room, sizeof(room));
	for (size_t i = 0; rc == 0 && i < c->ndirs; i++) {
		struct coach_fmdir *d = c->dirs[i];
		d->reach = (uint8_t)reachable(c, d);
		if (!d->reach)
			continue;
		size_t start = b.len;
		put_dir(&b, d);
		h = checksum(b.ptr + start, b.len - start, h);
		len += b.len - start;
		n++;
		if (b.len > 65536) {
			rc = write_all(fd, b.ptr, b.len, -1);
			coach_buf_clear(&b);
		}
	}
	if (rc == 0)
		rc = write_all(fd, b.ptr ? b.ptr : "", b.len, -1);
	coach_buf_clear(&b);
	coach_buf_add(&b, MAGIC, 8);
	put_num(&b, VERSION, 4);
	put_num(&b, ENDIAN, 4);
	put_num(&b, c->salt, 8);
	put_num(&b, n, 8);
	put_num(&b, len, 8);
	put_num(&b, h, 8);
	put_num(&b, c->tok_inst, 8);
	put_num(&b, c->tok_seq, 8);
	if (rc == 0)
		rc = write_all(fd, b.ptr, b.len, 0);
	coach_buf_free(&b);
	return rc;
}

struct coach_error *
coach_fmcache_save(struct coach_fmcache *c)
{
	settle(c);
	int moved = c->mon != MON_NONE &&
	    (c->new_inst != c->tok_inst || c->new_seq != c->tok_seq);
	if (!c->dirty && !moved)
		return NULL;
	qsort(c->dirs, c->ndirs, sizeof(*c->dirs), dir_ptr_cmp);
	table_grow(c); /* the indexes moved */
	if (moved)
		monitor_token(c);
	if (!c->dirty)
		return NULL;
	/* Written whole to a file of its own, then renamed over the old:
	 * readers see the old cache or the new one, never a part. */
	char *tmp = coach_xasprintf("%s.%ld.tmp", c->file, (long)getpid());
	struct coach_error *err = NULL;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		err = coach_error_errno("create", tmp);
		goto done;
	}
	if (write_body(c, fd) != 0)
		err = coach_error_errno("write", tmp);
	if (close(fd) != 0 && err == NULL)
		err = coach_error_errno("write", tmp);
	if (err == NULL && rename(tmp, c->file) != 0)
		err = coach_error_errno("rename", tmp);
	if (err)
		unlink(tmp);
	else
		c->dirty = 0;
done:
	free(tmp);
	return err;
}
