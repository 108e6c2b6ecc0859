/*
 * store_index.c: changing a few entries of git's index without reading
 * it into libgit2 and writing all of it back.
 *
 * The index (gitformat-index(5)) is a header, the entries sorted by path,
 * extensions and a SHA-1 of everything before it.  A commit of coach
 * changes a handful of paths, so the new index is the old file with those
 * entries replaced, inserted or taken out, the TREE extension's nodes on
 * their way invalidated (entry count -1, as git and libgit2 do when they
 * change a path), optional extensions that describe the old file (the
 * untracked cache, fsmonitor, offset tables) left out, and a new
 * checksum: the cost is copying the file once, not parsing every entry
 * into memory and sorting it again.
 *
 * The new index is written into index.lock, and checksummed, by a thread
 * of its own while the commit's objects are made and reach the disk
 * (store_index_start); the lock is renamed over the index once the
 * branch has moved (store_index_finish).
 *
 * Anything this does not know is left to libgit2 (no job): no index yet,
 * versions 3 and 4, entries in conflict (stage > 0), required extensions
 * (split index, sparse index), an index that is not whole, a path whose
 * directory or file collides with an entry.
 *
 * Racy git: an entry whose file changed within the same timestamp as the
 * old index was written looks clean by its stat data only while the index
 * is no newer than it.  Entries at least as new as the old index are
 * therefore "smudged" (their size set to 0) so that git compares their
 * content next time, as git does when it rewrites an index.
 */
/* OpenSSL 3 calls its SHA1_* functions deprecated; they are kept, and
 * are what avoids the EVP layer's start-up (see sha1_init). */
#define OPENSSL_API_COMPAT 0x10100000L

#include "store_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/falloc.h>
#include <pthread.h>
#include <sys/uio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "fmcache.h"

#define HEADER 12
#define TRAILER 20
/* ctime, mtime, dev, ino, mode, uid, gid, size, the object id, flags. */
#define FIXED 62
#define F_NAMEMASK 0x0fff
#define F_STAGE 0x3000
#define F_EXTENDED 0x4000

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* ------------------------------------------------------------------ */
/*
 * SHA-1, through OpenSSL's own SHA-1 functions (which use the CPU's SHA
 * instructions) rather than its EVP layer: the first EVP digest of a
 * process loads OpenSSL's configuration and providers, most of a
 * millisecond that a write would spend on every run.
 */

struct sha1 {
	SHA_CTX c;
};

static int
sha1_init(struct sha1 *h)
{
	return SHA1_Init(&h->c) == 1;
}

static void
sha1_add(struct sha1 *h, const void *p, size_t n)
{
	SHA1_Update(&h->c, p, n);
}

static void
sha1_end(struct sha1 *h, unsigned char out[20])
{
	SHA1_Final(out, &h->c);
}

/* Not OpenSSL's SHA1(), which goes through the EVP layer. */
void
store_sha1(unsigned char out[20], const void *p, size_t n)
{
	struct sha1 h;
	sha1_init(&h);
	sha1_add(&h, p, n);
	sha1_end(&h, out);
}

/* ------------------------------------------------------------------ */
/* Reading the index */

void
store_ix_free(struct store_ix *o)
{
	if (o->data != NULL)
		munmap(o->data, o->size);
	if (o->off_mapped)
		munmap(o->off, o->off_mapped);
	else
		free(o->off);
	free(o->racy);
	memset(o, 0, sizeof(*o));
}

void
store_ix_drop(struct store_ix **o)
{
	if (*o != NULL)
		store_ix_free(*o);
	free(*o);
	*o = NULL;
}

const char *
store_ix_path(const struct store_ix *o, uint32_t i, size_t *len)
{
	const unsigned char *e = o->data + o->off[i];
	unsigned flags = (unsigned)e[60] << 8 | e[61];
	const char *p = (const char *)e + FIXED;
	size_t n = flags & F_NAMEMASK;
	if (n == F_NAMEMASK)
		n = strlen(p);
	*len = n;
	return p;
}

static int
path_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	if (c != 0)
		return c;
	return an < bn ? -1 : an > bn;
}

/* Room for the offsets of o->count entries.  A large table is mapped
 * with its pages present: touching 900 kB of new memory one page at a
 * time costs several milliseconds on a virtual machine (see
 * cmd/launch.c), mapping it so about a tenth. */
static void
off_alloc(struct store_ix *o)
{
	size_t n = (o->count ? o->count : 1) * sizeof(*o->off);
	o->off_mapped = 0;
	if (n >= ((size_t)64 << 10)) {
		void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		    MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p != MAP_FAILED) {
			o->off = p;
			o->off_mapped = n;
			return;
		}
	}
	o->off = coach_xcalloc(o->count ? o->count : 1, sizeof(*o->off));
}

/*
 * Steps over every entry and extension; 0 when the index is not one this
 * file handles, or not whole.
 *
 * Its checksum is not computed: git itself checks it only in git fsck
 * (since git 2.13), and on an index of 100,000 entries it is the biggest
 * part of a write.  What a crash leaves of an index, which is never
 * fsynced, is a file cut short or blocks of zeros; the walk refuses both,
 * since every entry must have a mode git writes and a name, with no NUL
 * in it, that sorts after the one before, and the extensions must end
 * exactly at the checksum.  libgit2, which checks the checksum, then
 * reads the index, and makes it again from HEAD when it is damaged.
 */
static int
old_parse(struct store_ix *o)
{
	o->count = store_get32(o->data + 8);
	size_t end = o->size - TRAILER, pos = HEADER;
	const char *prev = NULL;
	size_t prev_n = 0, racy_cap = 0;
	if (o->count > end / FIXED)
		return 0;
	off_alloc(o);
	for (uint32_t i = 0; i < o->count; i++) {
		if (pos + FIXED + 1 > end)
			return 0;
		const unsigned char *e = o->data + pos;
		unsigned flags = (unsigned)e[60] << 8 | e[61];
		if (flags & (F_STAGE | F_EXTENDED))
			return 0;	/* a conflict, or not version 2 */
		uint32_t mode = store_get32(e + 24);
		if (mode != 0100644 && mode != 0100755 && mode != 0120000 &&
		    mode != 0160000)
			return 0;
		/* The name's length is in the flags unless it is long. */
		size_t n = flags & F_NAMEMASK;
		if (n == F_NAMEMASK || pos + FIXED + n >= end ||
		    e[FIXED + n] != '\0') {
			const unsigned char *nul = memchr(e + FIXED, '\0',
				end - pos - FIXED);
			if (nul == NULL)
				return 0;
			n = (size_t)(nul - (e + FIXED));
		}
		if ((flags & F_NAMEMASK) != F_NAMEMASK &&
		    n != (flags & F_NAMEMASK))
			return 0;
		const char *name = (const char *)e + FIXED;
		if (n == 0 || memchr(name, '\0', n) != NULL ||
		    (prev != NULL && path_cmp(prev, prev_n, name, n) >= 0))
			return 0;
		prev = name;
		prev_n = n;
		o->off[i] = pos;
		if (store_ix_racy(e, o) && store_get32(e + 36) != 0) {
			if (o->nracy == racy_cap) {
				racy_cap = racy_cap ? 2 * racy_cap : 16;
				o->racy = coach_xrealloc(o->racy,
					racy_cap * sizeof(*o->racy));
			}
			o->racy[o->nracy++] = i;
		}
		pos += (FIXED + n + 8) & ~(size_t)7;
		if (pos > end)
			return 0;
	}
	o->ext = pos;
	while (pos < end) {
		if (end - pos < 8)
			return 0;
		const unsigned char *x = o->data + pos;
		size_t len = store_get32(x + 4);
		if (len > end - pos - 8)
			return 0;
		if (x[0] < 'A' || x[0] > 'Z')
			return 0;	/* required: split or sparse index */
		if (memcmp(x, "TREE", 4) == 0) {
			o->tree_off = pos + 8;
			o->tree_len = len;
		} else if (memcmp(x, "REUC", 4) == 0 ||
		    memcmp(x, "NAME", 4) == 0) {
			if (o->nkeep == 8)
				return 0;
			o->keep_off[o->nkeep] = pos;
			o->keep_len[o->nkeep++] = 8 + len;
		}
		/* Others (UNTR, FSMN, EOIE, IEOT, ...) describe the old
		 * file or the old work tree: dropped, as libgit2 does. */
		pos += 8 + len;
	}
	return 1;
}

uint32_t
store_ix_lower_bound(const struct store_ix *o, const char *path, size_t n)
{
	uint32_t lo = 0, hi = o->count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		size_t len = 0;
		const char *p = store_ix_path(o, mid, &len);
		if (path_cmp(p, len, path, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
has_entry(const struct store_ix *o, const char *path, size_t n)
{
	uint32_t i = store_ix_lower_bound(o, path, n);
	size_t len = 0;
	if (i >= o->count)
		return 0;
	const char *p = store_ix_path(o, i, &len);
	return path_cmp(p, len, path, n) == 0;
}

int
store_ix_starts(const char *p, size_t len, const char *prefix, size_t n)
{
	return len >= n && memcmp(p, prefix, n) == 0;
}

/* Whether writing path would put a file where the index has a directory
 * or a directory where it has a file: libgit2 knows what to do then. */
static int
collides(const struct store_ix *o, const char *path)
{
	size_t n = strlen(path);
	for (const char *s = strchr(path, '/'); s != NULL;
	    s = strchr(s + 1, '/'))
		if (has_entry(o, path, (size_t)(s - path)))
			return 1;
	char *dir = coach_xasprintf("%s/", path);
	uint32_t i = store_ix_lower_bound(o, dir, n + 1);
	size_t len = 0;
	const char *p = i < o->count ? store_ix_path(o, i, &len) : NULL;
	int below = p != NULL && store_ix_starts(p, len, dir, n + 1);
	free(dir);
	return below;
}

/* ------------------------------------------------------------------ */
/* Writing the new index */

/*
 * The new index as a list of pieces: ranges of the old file (mapped, so
 * never copied in memory) and the few bytes made here, kept in one
 * growing buffer by offset until all are made.  It is then written with
 * writev while another thread computes its checksum: on an index of
 * 100,000 entries the SHA-1 and the kernel's copy into the page cache
 * each cost milliseconds, and they need not wait for each other.
 */
struct piece {
	const unsigned char *p;	/* NULL: made[off] */
	size_t off, n;
};

struct out {
	struct piece *v;
	size_t n, cap;
	struct coach_buf made;
};

static void
out_piece(struct out *w, const unsigned char *p, size_t off, size_t n)
{
	if (n == 0)
		return;
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->v = coach_xrealloc(w->v, w->cap * sizeof(*w->v));
	}
	w->v[w->n++] = (struct piece){ p, off, n };
}

/* Bytes that stay where they are until the index is written. */
static void
out_ref(struct out *w, const void *p, size_t n)
{
	out_piece(w, p, 0, n);
}

/* Bytes made here, copied. */
static void
out_add(struct out *w, const void *p, size_t n)
{
	out_piece(w, NULL, w->made.len, n);
	coach_buf_add(&w->made, p, n);
}

/* Every piece's address, once nothing more is made. */
static void
out_resolve(struct out *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].p == NULL)
			w->v[i].p = (const unsigned char *)w->made.ptr +
				w->v[i].off;
}

struct hash_job {
	const struct out *w;
	unsigned char sum[20];
	int ok;
};

static void *
hash_run(void *arg)
{
	struct hash_job *j = arg;
	struct sha1 h;
	j->ok = sha1_init(&h);
	if (!j->ok)
		return NULL;
	for (size_t i = 0; i < j->w->n; i++)
		sha1_add(&h, j->w->v[i].p, j->w->v[i].n);
	sha1_end(&h, j->sum);
	return NULL;
}

/* Writes all pieces to fd; 0 when a write fails. */
static int
out_write(int fd, const struct out *w)
{
	struct iovec iov[256];
	size_t i = 0, skip = 0;	/* bytes of piece i already written */
	while (i < w->n) {
		int k = 0;
		for (size_t j = i; j < w->n && k < 256; j++, k++) {
			size_t s = j == i ? skip : 0;
			iov[k].iov_base = (void *)(w->v[j].p + s);
			iov[k].iov_len = w->v[j].n - s;
		}
		ssize_t r = writev(fd, iov, k);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		size_t left = (size_t)r;
		while (i < w->n && left >= w->v[i].n - skip) {
			left -= w->v[i].n - skip;
			skip = 0;
			i++;
		}
		skip += left;
	}
	return 1;
}

/* Writes w and its checksum to fd: the checksum in a thread of its own
 * when one can be started. */
static int
out_finish(int fd, const struct out *w)
{
	struct hash_job j = { w, { 0 }, 0 };
	pthread_t th;
	int threaded = pthread_create(&th, NULL, hash_run, &j) == 0;
	int ok = out_write(fd, w);
	if (threaded)
		pthread_join(th, NULL);
	else
		hash_run(&j);
	return ok && j.ok && write(fd, j.sum, 20) == 20;
}

/* An entry for a file just written, from its stat data. */
static void
out_entry(struct out *w, const struct store_index_edit *e)
{
	unsigned char fixed[FIXED];
	size_t n = strlen(e->path);
	const struct stat *st = &e->st;
	put32(fixed + 0, (uint32_t)st->st_ctim.tv_sec);
	put32(fixed + 4, (uint32_t)st->st_ctim.tv_nsec);
	put32(fixed + 8, (uint32_t)st->st_mtim.tv_sec);
	put32(fixed + 12, (uint32_t)st->st_mtim.tv_nsec);
	put32(fixed + 16, (uint32_t)st->st_dev);
	put32(fixed + 20, (uint32_t)st->st_ino);
	put32(fixed + 24, e->mode);
	put32(fixed + 28, (uint32_t)st->st_uid);
	put32(fixed + 32, (uint32_t)st->st_gid);
	put32(fixed + 36, (uint32_t)st->st_size);
	memcpy(fixed + 40, e->id.id, 20);
	unsigned flags = n < F_NAMEMASK ? (unsigned)n : F_NAMEMASK;
	fixed[60] = (unsigned char)(flags >> 8);
	fixed[61] = (unsigned char)flags;
	out_add(w, fixed, FIXED);
	out_add(w, e->path, n);
	static const char zeros[8];
	out_add(w, zeros, ((FIXED + n + 8) & ~(size_t)7) - FIXED - n);
}

/* Entries [from, to) of the old index, smudging racy ones (found when
 * it was read). */
static void
out_old(struct out *w, const struct store_ix *o, uint32_t from, uint32_t to)
{
	size_t start = from < o->count ? o->off[from] : o->ext;
	size_t lo = 0, hi = o->nracy;
	while (lo < hi) {	/* the first racy entry from from on */
		size_t mid = lo + (hi - lo) / 2;
		if (o->racy[mid] < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < o->nracy && o->racy[k] < to; k++) {
		uint32_t i = o->racy[k];
		const unsigned char *e = o->data + o->off[i];
		size_t end = i + 1 < o->count ? o->off[i + 1] : o->ext;
		out_ref(w, o->data + start, o->off[i] - start);
		unsigned char copy[FIXED];
		memcpy(copy, e, FIXED);
		put32(copy + 36, 0);
		out_add(w, copy, FIXED);
		out_ref(w, e + FIXED, end - o->off[i] - FIXED);
		start = end;
	}
	size_t stop = to < o->count ? o->off[to] : o->ext;
	out_ref(w, o->data + start, stop - start);
}

/* Whether the TREE node at path (dir, no trailing '/'; "" for the root)
 * holds one of the edited paths. */
static int
tree_touched(const char *dir, size_t n, const struct store_index_edit *v,
	size_t nv)
{
	for (size_t i = 0; i < nv; i++)
		if (n == 0 || (strncmp(v[i].path, dir, n) == 0 &&
		    v[i].path[n] == '/'))
			return 1;
	return 0;
}

/* A TREE node's "<entries> <subtrees>" (entries -1 when invalid): what
 * sscanf("%ld %ld") reads, without its cost for some 10,000 nodes. */
static int
parse_counts(const char *p, long *count, long *subs)
{
	long v[2];
	for (int k = 0; k < 2; k++) {
		int neg = k == 0 && *p == '-';
		long n = 0;
		p += neg;
		if (*p < '0' || *p > '9')
			return 0;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (n > 100000000L)
				return 0;
			n = n * 10 + (*p - '0');
		}
		v[k] = neg ? -n : n;
		if (k == 0 && *p++ != ' ')
			return 0;
	}
	*count = v[0];
	*subs = v[1];
	return *p == '\0';
}

/*
 * Adds the TREE extension to w with the nodes above edited paths
 * invalidated: runs of the old extension by reference, and a new
 * "-1 SUBTREES" line for each node invalidated.  A node's path is made
 * only when its parent is invalidated (below an untouched node no path
 * was edited), so the 10,000 nodes of a big school cost little more than
 * finding their ends.  0 when the extension does not parse: w is then as
 * it was, and the extension left out, which is valid too (git rebuilds
 * it).
 */
static int
tree_add(struct out *w, const unsigned char *p, size_t len,
	const struct store_index_edit *v, size_t nv)
{
	/* Of each open node: its path's length (when touched), how many
	 * children it still expects, whether it is touched. */
	struct coach_buf path = COACH_BUF_INIT;
	size_t stack_len[64], stack_left[64], depth = 0;
	int stack_touched[64];
	size_t pieces = w->n, made = w->made.len, size = len;
	const unsigned char *end = p + len, *run = p;
	unsigned char xh[8] = "TREE";
	int ok = 1;

	out_add(w, xh, 8);	/* its length is set below */
	coach_buf_add(&path, "", 0);
	while (p < end && ok) {
		const unsigned char *nul = memchr(p, '\0', (size_t)(end - p));
		const unsigned char *nl = nul ? memchr(nul, '\n',
			(size_t)(end - nul)) : NULL;
		long count, subs;
		char line[48];
		if (nl == NULL || (size_t)(nl - nul) >= sizeof(line)) {
			ok = 0;
			break;
		}
		memcpy(line, nul + 1, (size_t)(nl - nul - 1));
		line[nl - nul - 1] = '\0';
		if (!parse_counts(line, &count, &subs) || depth == 64) {
			ok = 0;
			break;
		}
		while (depth > 0 && stack_left[depth - 1] == 0)
			depth--;
		int touched = 0;
		path.len = 0;
		if (depth == 0) {
			touched = nv > 0;	/* the root */
		} else if (stack_touched[depth - 1]) {
			/* This node's path: its parent's, then its name. */
			path.len = stack_len[depth - 1];
			if (path.len > 0)
				coach_buf_putc(&path, '/');
			coach_buf_add(&path, (const char *)p,
				(size_t)(nul - p));
			touched = tree_touched(coach_buf_str(&path), path.len,
				v, nv);
		}
		if (depth > 0)
			stack_left[depth - 1]--;
		const unsigned char *next = nl + 1;
		if (count >= 0) {
			if ((size_t)(end - next) < 20) {
				ok = 0;
				break;
			}
			next += 20;
		}
		if (touched && count >= 0) {
			char now[32];
			int k = snprintf(now, sizeof(now), "-1 %ld\n", subs);
			out_ref(w, run, (size_t)(nul + 1 - run));
			out_add(w, now, (size_t)k);
			size = size + (size_t)k - (size_t)(next - nul - 1);
			run = next;
		}
		stack_len[depth] = path.len;
		stack_left[depth] = (size_t)subs;
		stack_touched[depth] = touched;
		depth++;
		p = next;
	}
	coach_buf_free(&path);
	if (!ok || size > UINT32_MAX) {
		w->n = pieces;
		w->made.len = made;
		return 0;
	}
	out_ref(w, run, (size_t)(end - run));
	put32((unsigned char *)w->made.ptr + made + 4, (uint32_t)size);
	return 1;
}

static void
read_failed(struct coach_error **err, const char *gitdir)
{
	char *path = coach_path_join(gitdir, "index");
	*err = coach_error_errno("cannot read", path);
	free(path);
}

int
store_ix_read(struct store_ix *o, int fd, const char *gitdir,
	struct coach_error **err)
{
	memset(o, 0, sizeof(*o));
	*err = NULL;
	if (fstat(fd, &o->st) == -1) {
		read_failed(err, gitdir);
		return 0;
	}
	o->size = (size_t)o->st.st_size;
	if (o->size < HEADER + TRAILER)
		return 0;
	void *p = mmap(NULL, o->size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		fd, 0);
	if (p == MAP_FAILED) {
		read_failed(err, gitdir);
		o->data = NULL;
		return 0;
	}
	o->data = p;
	if (memcmp(o->data, "DIRC", 4) != 0 || store_get32(o->data + 4) != 2)
		return 0;
	return old_parse(o);
}

int
store_ix_open(struct store_ix *o, const char *gitdir)
{
	char *path = coach_path_join(gitdir, "index");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct coach_error *err = NULL;
	int ok = fd != -1 && store_ix_read(o, fd, gitdir, &err);
	if (fd == -1)
		memset(o, 0, sizeof(*o));
	if (fd != -1)
		close(fd);
	coach_error_free(err);
	free(path);
	return ok;
}

/* Writes the spliced index into the lock file fd. */
static struct coach_error *
write_new(int fd, const char *lock, const struct store_ix *o,
	const struct store_index_edit *v, size_t nv)
{
	struct out w = { NULL, 0, 0, COACH_BUF_INIT };
	struct coach_error *err = NULL;
	uint32_t *at = coach_xcalloc(nv ? nv : 1, sizeof(*at));
	int *found = coach_xcalloc(nv ? nv : 1, sizeof(*found));
	uint32_t count = o->count;
	unsigned char head[HEADER];

	for (size_t i = 0; i < nv; i++) {
		size_t n = strlen(v[i].path);
		at[i] = store_ix_lower_bound(o, v[i].path, n);
		size_t len = 0;
		const char *p = at[i] < o->count ? store_ix_path(o, at[i], &len) :
			NULL;
		found[i] = p != NULL && path_cmp(p, len, v[i].path, n) == 0;
		if (found[i] && v[i].remove)
			count--;
		else if (!found[i] && !v[i].remove)
			count++;
	}
	memcpy(head, "DIRC", 4);
	put32(head + 4, 2);
	put32(head + 8, count);
	out_add(&w, head, HEADER);
	uint32_t next = 0;
	for (size_t i = 0; i < nv; i++) {
		out_old(&w, o, next, at[i]);
		next = at[i] + (uint32_t)found[i];
		if (!v[i].remove)
			out_entry(&w, &v[i]);
	}
	out_old(&w, o, next, o->count);
	if (o->tree_len > 0)
		tree_add(&w, o->data + o->tree_off, o->tree_len, v, nv);
	for (size_t i = 0; i < o->nkeep; i++)
		out_ref(&w, o->data + o->keep_off[i], o->keep_len[i]);
	out_resolve(&w);
	if (!out_finish(fd, &w))
		err = coach_error_errno("cannot write", lock);
	coach_buf_free(&w.made);
	free(w.v);
	free(found);
	free(at);
	return err;
}

/* Whether the edits can be spliced into o: sorted, unique, no
 * directory/file collisions. */
static int
edits_fit(const struct store_ix *o, const struct store_index_edit *v,
	size_t nv)
{
	for (size_t i = 0; i < nv; i++) {
		if (i > 0 && strcmp(v[i - 1].path, v[i].path) >= 0)
			return 0;
		if (!v[i].remove && collides(o, v[i].path))
			return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/*
 * The index a write replaces is kept, by a second link, until the next
 * write, whose read ahead removes it in a thread of its own: the kernel
 * frees a big school's 11 MB index (its cache and its blocks) when its
 * last link and mapping go, some milliseconds when git has just written
 * it, and that is then paid beside the next commit rather than before
 * this command can end.
 */
#define OLD_INDEX "coach-index.old"

static void *
old_drop(void *arg)
{
	unlink(arg);
	free(arg);
	return NULL;
}

/* Keeps the index at path as old (OLD_INDEX) too; failing only costs the
 * time of freeing it when it is replaced. */
static void
old_keep(const char *path, const char *old)
{
	(void)link(path, old);
}

/* Removes gitdir's OLD_INDEX, in a thread when one can be started. */
static void
old_drop_start(const char *gitdir)
{
	char *path = coach_path_join(gitdir, OLD_INDEX);
	pthread_attr_t attr;
	pthread_t th;
	int started = 0;
	if (access(path, F_OK) != 0) {
		free(path);
		return;
	}
	if (pthread_attr_init(&attr) == 0) {
		started = pthread_attr_setdetachstate(&attr,
			PTHREAD_CREATE_DETACHED) == 0 &&
			pthread_create(&th, &attr, old_drop, path) == 0;
		pthread_attr_destroy(&attr);
	}
	if (!started)
		old_drop(path);
}

/* ------------------------------------------------------------------ */
/*
 * Reading the index ahead: a write maps and steps over the old index in
 * a thread of its own while it builds its objects and waits for them to
 * reach the disk, and the splice uses what it read when the index is
 * still that very file (the same device, inode, size and times) once
 * index.lock is held: git and libgit2 replace the index by a rename,
 * never write it in place.
 */
struct store_index_pre {
	pthread_t th;
	char *gitdir;
	struct store_ix o;
	int ok, joined;
	struct coach_error *err;
};

static void *
pre_run(void *arg)
{
	struct store_index_pre *p = arg;
	char *path = coach_path_join(p->gitdir, "index");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		memset(&p->o, 0, sizeof(p->o));
	else
		p->ok = store_ix_read(&p->o, fd, p->gitdir, &p->err);
	if (fd != -1)
		close(fd);
	free(path);
	return NULL;
}

void
coach_store_write_ahead(struct coach_store *s)
{
	if (s->index_early == NULL)
		s->index_early = store_index_prefetch(s->repo);
	store_flush_ahead(s);
}

/* Starts reading gitdir's index in a thread; a writer also removes the
 * index the last write replaced (OLD_INDEX). */
static struct store_index_pre *
pre_start(git_repository *repo, int writer)
{
	if (git_repository_is_bare(repo))
		return NULL;
	struct store_index_pre *p = coach_xcalloc(1, sizeof(*p));
	p->gitdir = coach_xstrdup(git_repository_path(repo));
	if (writer)
		old_drop_start(p->gitdir);
	if (pthread_create(&p->th, NULL, pre_run, p) != 0) {
		free(p->gitdir);
		free(p);
		return NULL;
	}
	return p;
}

struct store_index_pre *
store_index_prefetch(git_repository *repo)
{
	const char *env = getenv("COACH_INDEX_SPLICE");
	if (env != NULL && strcmp(env, "0") == 0)
		return NULL;
	return pre_start(repo, 1);
}


static void
pre_join(struct store_index_pre *p)
{
	if (!p->joined)
		pthread_join(p->th, NULL);
	p->joined = 1;
}

void
store_index_prefetch_drop(struct store_index_pre *p)
{
	if (p == NULL)
		return;
	pre_join(p);
	store_ix_free(&p->o);
	coach_error_free(p->err);
	free(p->gitdir);
	free(p);
}

void
coach_store_index_ahead(struct coach_store *s)
{
	if (s->index_early == NULL && s->ix == NULL)
		s->index_early = pre_start(s->repo, 0);
}

struct store_ix *
store_index_early_take(struct coach_store *s)
{
	struct store_index_pre *p = s->index_early;
	struct store_ix *o = NULL;
	if (p == NULL)
		return NULL;
	s->index_early = NULL;
	pre_join(p);
	if (p->ok) {
		o = coach_xcalloc(1, sizeof(*o));
		*o = p->o;
		memset(&p->o, 0, sizeof(p->o));
	}
	store_index_prefetch_drop(p);
	return o;
}

int
store_same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
		a->st_size == b->st_size &&
		a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
		a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
		a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
		a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* The index open on fd, from what pre read when it is still that file,
 * else read now. */
static int
index_read(struct store_ix *o, int fd, const char *gitdir,
	struct store_index_pre *pre, struct coach_error **err)
{
	struct stat st;
	if (pre != NULL)
		pre_join(pre);
	if (pre != NULL && pre->ok && fstat(fd, &st) == 0 &&
	    store_same_file(&st, &pre->o.st)) {
		*o = pre->o;
		memset(&pre->o, 0, sizeof(pre->o));
		*err = NULL;
		return 1;
	}
	return store_ix_read(o, fd, gitdir, err);
}

/*
 * A splice under way: index.lock held, the old index mapped, and the new
 * one being written into the lock by a thread of its own (job_run) while
 * the commit goes on; store_index_finish() waits for it and renames the
 * lock over the index.
 */
struct store_index_job {
	pthread_t th;
	char *gitdir, *path, *lock;
	char *old;		/* OLD_INDEX */
	int lockfd;
	int running;		/* th is to be joined */
	int spliced;		/* the new index is in the lock */
	struct store_index_pre *pre;	/* the index read ahead */
	struct store_ix o;
	struct store_index_edit *v;	/* paths owned */
	size_t nv;
	struct coach_error *err;	/* the thread's */
};

static void *
job_run(void *arg)
{
	struct store_index_job *j = arg;
	int fd = open(j->path, O_RDONLY | O_CLOEXEC);
	/* No index yet (libgit2 makes one), or one to leave to libgit2. */
	int ok = fd != -1 && index_read(&j->o, fd, j->gitdir, j->pre,
		&j->err) && edits_fit(&j->o, j->v, j->nv);
	if (fd != -1)
		close(fd);
	store_index_prefetch_drop(j->pre);
	j->pre = NULL;
	if (!ok)
		return NULL;
	/* Blocks allocated at once, not as the file is written out: then
	 * renaming it over the index does not make ext4 start writing out
	 * all of it there and then (auto_da_alloc).  Only a hint. */
	int trim = fallocate(j->lockfd, FALLOC_FL_KEEP_SIZE, 0,
		(off_t)j->o.size + 65536) == 0;
	if ((j->err = write_new(j->lockfd, j->lock, &j->o, j->v, j->nv)) != NULL)
		return NULL;
	/* What was allocated past the end goes. */
	off_t end = lseek(j->lockfd, 0, SEEK_CUR);
	if (trim && end > 0 && ftruncate(j->lockfd, end) == -1)
		j->err = coach_error_errno("cannot write", j->lock);
	j->spliced = j->err == NULL;
	return NULL;
}

static void
job_free(struct store_index_job *j)
{
	if (j->lockfd != -1)
		close(j->lockfd);
	store_index_prefetch_drop(j->pre);
	store_ix_free(&j->o);
	for (size_t i = 0; i < j->nv; i++)
		free((char *)j->v[i].path);
	free(j->v);
	coach_error_free(j->err);
	free(j->gitdir);
	free(j->old);
	free(j->path);
	free(j->lock);
	free(j);
}

struct coach_error *
store_index_start(git_repository *repo, struct store_index_pre *pre,
	const struct store_index_edit *v, size_t nv,
	struct store_index_job **out)
{
	const char *env = getenv("COACH_INDEX_SPLICE");
	const char *gitdir = git_repository_path(repo);
	struct store_index_job *j;
	struct coach_error *err = NULL;

	*out = NULL;
	if (env != NULL && strcmp(env, "0") == 0) {
		store_index_prefetch_drop(pre);
		return NULL;
	}
	j = coach_xcalloc(1, sizeof(*j));
	j->pre = pre;
	j->gitdir = coach_xstrdup(gitdir);
	j->path = coach_path_join(gitdir, "index");
	j->lock = coach_xasprintf("%s.lock", j->path);
	j->old = coach_path_join(gitdir, OLD_INDEX);
	j->lockfd = open(j->lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		0666);
	if (j->lockfd == -1) {
		if (errno == EEXIST)
			err = coach_error_coded(COACH_E_LOCKED, "%s exists: "
				"another git process seems to be running in "
				"this repository; if none is, remove that file "
				"and try again", j->lock);
		else
			err = coach_error_errno("cannot create", j->lock);
		job_free(j);
		return err;
	}
	j->v = coach_xcalloc(nv ? nv : 1, sizeof(*j->v));
	for (size_t i = 0; i < nv; i++) {
		j->v[i] = v[i];
		j->v[i].path = coach_xstrdup(v[i].path);
	}
	j->nv = nv;
	j->running = pthread_create(&j->th, NULL, job_run, j) == 0;
	if (!j->running)
		job_run(j);	/* no thread: written here and now */
	*out = j;
	return NULL;
}

/* Waits for j's thread, once. */
static void
job_join(struct store_index_job *j)
{
	if (j->running)
		pthread_join(j->th, NULL);
	j->running = 0;
}

struct coach_error *
store_index_finish(struct store_index_job *j, int *done)
{
	struct coach_error *err;

	job_join(j);
	err = j->err;
	j->err = NULL;
	*done = j->spliced;
	if (!j->spliced) {
		unlink(j->lock);
		job_free(j);
		return err;
	}
	if (err == NULL && close(j->lockfd) == -1)
		err = coach_error_errno("cannot write", j->lock);
	j->lockfd = -1;
	if (err == NULL)
		old_keep(j->path, j->old);
	if (err == NULL && rename(j->lock, j->path) == -1)
		err = coach_error_errno("cannot write", j->path);
	if (err != NULL)
		unlink(j->lock);
	job_free(j);
	return err;
}

void
store_index_cancel(struct store_index_job *j)
{
	if (j == NULL)
		return;
	job_join(j);
	unlink(j->lock);
	job_free(j);
}
