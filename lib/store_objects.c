/*
 * store_objects.c: the new objects of one commit written as one small
 * pack.
 *
 * libgit2 writes each object to a file of its own and, told to be
 * durable, fsyncs each file and its folder: a commit of one entry (a
 * blob, a tree per folder on its path, the commit) waits for a dozen
 * fsyncs.  While a transaction builds its commit, a backend placed ahead
 * of libgit2's own keeps the objects it writes in memory; they are then
 * written as one pack and its index (gitformat-pack(5)), each file
 * fsynced once, renamed into objects/pack in git's order (the pack first:
 * an index is never seen without its pack) and the folder fsynced once.
 * Only then does the branch move, so a kill or a power cut leaves at
 * worst a pack nothing refers to, never a branch naming a missing object.
 *
 * A pack per commit makes many small packs; store_pack.c merges them.
 */
#include "store_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2/sys/odb_backend.h>
#include <zlib.h>

/* Ahead of the loose (1) and packed (2) backends. */
#define COLLECT_PRIORITY 1000

struct mem_obj {
	git_oid id;
	git_object_t type;
	size_t len;
	unsigned char *data;
};

struct store_objects {
	git_odb_backend parent;		/* first: libgit2 casts to it */
	int on;				/* collecting */
	struct mem_obj *v;
	size_t n, cap;
};

void
store_die_at(const char *point)
{
	const char *at = getenv("COACH_TEST_DIE_AT");
	/* A test's stand-in for a power cut or a kill -9 at this point. */
	if (at != NULL && strcmp(at, point) == 0)
		kill(getpid(), SIGKILL);
}

/* ------------------------------------------------------------------ */
/* The backend */

static struct mem_obj *
find(struct store_objects *so, const git_oid *id)
{
	for (size_t i = 0; i < so->n; i++)
		if (git_oid_equal(&so->v[i].id, id))
			return &so->v[i];
	return NULL;
}

static int
be_read(void **data, size_t *len, git_object_t *type, git_odb_backend *be,
	const git_oid *id)
{
	struct mem_obj *o = find((struct store_objects *)be, id);
	if (o == NULL)
		return GIT_ENOTFOUND;
	*data = git_odb_backend_data_alloc(be, o->len ? o->len : 1);
	if (*data == NULL)
		return -1;
	memcpy(*data, o->data, o->len);
	*len = o->len;
	*type = o->type;
	return 0;
}

static int
be_read_header(size_t *len, git_object_t *type, git_odb_backend *be,
	const git_oid *id)
{
	struct mem_obj *o = find((struct store_objects *)be, id);
	if (o == NULL)
		return GIT_ENOTFOUND;
	*len = o->len;
	*type = o->type;
	return 0;
}

static int
be_exists(git_odb_backend *be, const git_oid *id)
{
	return find((struct store_objects *)be, id) != NULL;
}

static int
be_write(git_odb_backend *be, const git_oid *id, const void *data,
	size_t len, git_object_t type)
{
	struct store_objects *so = (struct store_objects *)be;
	if (!so->on)
		return GIT_PASSTHROUGH;	/* to the loose backend */
	if (find(so, id) != NULL)
		return 0;
	if (so->n == so->cap) {
		so->cap = so->cap ? so->cap * 2 : 16;
		so->v = coach_xrealloc(so->v, so->cap * sizeof(*so->v));
	}
	struct mem_obj *o = &so->v[so->n++];
	git_oid_cpy(&o->id, id);
	o->type = type;
	o->len = len;
	o->data = coach_xmalloc(len ? len : 1);
	memcpy(o->data, data, len);
	return 0;
}

/* Blobs come through a stream (git_blob_create_from_buffer): the bytes
 * are gathered, then written as above. */
struct mem_stream {
	git_odb_stream parent;		/* first: libgit2 casts to it */
	git_object_t type;
	struct coach_buf data;
};

static int
st_write(git_odb_stream *st, const char *p, size_t len)
{
	coach_buf_add(&((struct mem_stream *)st)->data, p, len);
	return 0;
}

static int
st_finalize(git_odb_stream *st, const git_oid *id)
{
	struct mem_stream *ms = (struct mem_stream *)st;
	return be_write(st->backend, id, ms->data.ptr ? ms->data.ptr : "",
		ms->data.len, ms->type);
}

static void
st_free(git_odb_stream *st)
{
	struct mem_stream *ms = (struct mem_stream *)st;
	coach_buf_free(&ms->data);
	free(ms);
}

static int
be_writestream(git_odb_stream **out, git_odb_backend *be,
	git_object_size_t size, git_object_t type)
{
	(void)size;
	if (!((struct store_objects *)be)->on)
		return GIT_PASSTHROUGH;	/* to the loose backend */
	struct mem_stream *ms = coach_xcalloc(1, sizeof(*ms));
	ms->parent.backend = be;
	ms->parent.mode = GIT_STREAM_WRONLY;
	ms->parent.write = st_write;
	ms->parent.finalize_write = st_finalize;
	ms->parent.free = st_free;
	ms->type = type;
	*out = &ms->parent;
	return 0;
}

static void
forget(struct store_objects *so)
{
	for (size_t i = 0; i < so->n; i++)
		free(so->v[i].data);
	so->n = 0;
}

static void
be_free(git_odb_backend *be)
{
	struct store_objects *so = (struct store_objects *)be;
	forget(so);
	free(so->v);
	free(so);
}

struct coach_error *
store_objects_collect(struct coach_store *s)
{
	git_odb *odb = NULL;
	struct coach_error *err = NULL;

	if (s->objects == NULL) {
		struct store_objects *so = coach_xcalloc(1, sizeof(*so));
		git_odb_init_backend(&so->parent, GIT_ODB_BACKEND_VERSION);
		so->parent.read = be_read;
		so->parent.read_header = be_read_header;
		so->parent.write = be_write;
		so->parent.writestream = be_writestream;
		so->parent.exists = be_exists;
		so->parent.free = be_free;
		if (git_repository_odb(&odb, s->repo) < 0 ||
		    git_odb_add_backend(odb, &so->parent,
		    COLLECT_PRIORITY) < 0) {
			free(so);
			err = store_git_fail("opening the object database");
			goto done;
		}
		s->objects = so;	/* the odb owns it now */
	}
	forget(s->objects);
	s->objects->on = 1;
done:
	git_odb_free(odb);
	return err;
}

void
store_objects_drop(struct coach_store *s)
{
	if (s->objects == NULL)
		return;
	s->objects->on = 0;
	forget(s->objects);
}

/* ------------------------------------------------------------------ */
/* The pack and its index */

static void
put32(struct coach_buf *b, uint32_t v)
{
	unsigned char p[4] = { (unsigned char)(v >> 24),
		(unsigned char)(v >> 16), (unsigned char)(v >> 8),
		(unsigned char)v };
	coach_buf_add(b, p, 4);
}

/* Objects bigger than this are stored, not compressed (pack_object). */
#define STORE_ONLY_ABOVE 16384

/* One object, whole (no delta): its type and size, then zlib's deflate
 * of its bytes. */
static struct coach_error *
pack_object(struct coach_buf *pack, const struct mem_obj *o)
{
	unsigned char h[16];
	size_t n = 0, len = o->len;
	unsigned c = (unsigned)o->type << 4 | (unsigned)(len & 15);
	for (len >>= 4; len != 0; len >>= 7) {
		h[n++] = (unsigned char)(c | 0x80);
		c = (unsigned)(len & 0x7f);
	}
	h[n++] = (unsigned char)c;
	coach_buf_add(pack, h, n);
	uLongf zlen = compressBound((uLong)o->len);
	unsigned char *z = coach_xmalloc(zlen);
	/* The fastest level, as git writes loose objects; a big object
	 * is stored as it is: in a big school it is the tree of every
	 * coachee's folder (some 100 KB of object ids, which deflate by a
	 * quarter at ten times the cost of storing them), and the packer
	 * compresses again when it merges. */
	int level = o->len > STORE_ONLY_ABOVE ? Z_NO_COMPRESSION :
		Z_BEST_SPEED;
	int rc = compress2(z, &zlen, o->data, (uLong)o->len, level);
	if (rc == Z_OK)
		coach_buf_add(pack, z, zlen);
	free(z);
	if (rc != Z_OK)
		return coach_error_new(COACH_E_IO, "cannot compress an object");
	return NULL;
}

static int
by_id(const void *a, const void *b)
{
	return git_oid_cmp(&((const struct mem_obj *)a)->id,
		&((const struct mem_obj *)b)->id);
}

/* The pack (objects sorted by id) and its version 2 index; sum is the
 * pack's checksum, which names both. */
static struct coach_error *
build(struct store_objects *so, struct coach_buf *pack, struct coach_buf *idx,
	unsigned char sum[20])
{
	struct coach_error *err = NULL;
	uint32_t *off = coach_xcalloc(so->n, sizeof(*off));
	uint32_t *crc = coach_xcalloc(so->n, sizeof(*crc));
	unsigned char isum[20];

	qsort(so->v, so->n, sizeof(*so->v), by_id);
	coach_buf_add(pack, "PACK", 4);
	put32(pack, 2);
	put32(pack, (uint32_t)so->n);
	for (size_t i = 0; i < so->n && err == NULL; i++) {
		off[i] = (uint32_t)pack->len;
		err = pack_object(pack, &so->v[i]);
		crc[i] = (uint32_t)crc32(0, (const Bytef *)pack->ptr + off[i],
			(uInt)(pack->len - off[i]));
	}
	if (err != NULL)
		goto done;
	if (pack->len >= 0x80000000u) {
		err = coach_error_new(COACH_E_IO, "a commit's objects are too "
			"big for one pack");
		goto done;
	}
	store_sha1(sum, pack->ptr, pack->len);
	coach_buf_add(pack, sum, 20);

	coach_buf_add(idx, "\377tOc", 4);
	put32(idx, 2);
	for (unsigned b = 0, i = 0; b < 256; b++) {
		while (i < so->n && so->v[i].id.id[0] <= b)
			i++;
		put32(idx, i);
	}
	for (size_t i = 0; i < so->n; i++)
		coach_buf_add(idx, so->v[i].id.id, 20);
	for (size_t i = 0; i < so->n; i++)
		put32(idx, crc[i]);
	for (size_t i = 0; i < so->n; i++)
		put32(idx, off[i]);
	coach_buf_add(idx, sum, 20);
	store_sha1(isum, idx->ptr, idx->len);
	coach_buf_add(idx, isum, 20);
done:
	free(crc);
	free(off);
	return err;
}

/* Writes data into a new temporary file in dir, fsynced and closed;
 * *tmp is its path. */
static struct coach_error *
write_temp(char **tmp, const char *dir, const char *stem,
	const struct coach_buf *data)
{
	struct coach_error *err = NULL;
	char *path = coach_xasprintf("%s/%sXXXXXX", dir, stem);
	int fd = mkstemp(path);

	*tmp = NULL;
	if (fd == -1) {
		err = coach_error_errno("cannot create", path);
		goto done;
	}
	for (size_t off = 0; off < data->len;) {
		ssize_t w = write(fd, data->ptr + off, data->len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = coach_error_errno("cannot write", path);
			goto done;
		}
		off += (size_t)w;
	}
	/* Read only, as git makes its packs. */
	if (fchmod(fd, 0444) == -1 || fsync(fd) == -1)
		err = coach_error_errno("cannot write", path);
done:
	if (fd != -1 && close(fd) == -1 && err == NULL)
		err = coach_error_errno("cannot write", path);
	if (err != NULL && fd != -1)
		unlink(path);
	if (err == NULL)
		*tmp = path;
	else
		free(path);
	return err;
}

struct coach_error *
store_objects_flush(struct coach_store *s)
{
	struct store_objects *so = s->objects;
	struct coach_buf pack = COACH_BUF_INIT, idx = COACH_BUF_INIT;
	struct coach_error *err = NULL;
	char *dir = coach_path_join(git_repository_commondir(s->repo),
		"objects/pack");
	char *tpack = NULL, *tidx = NULL, *fpack = NULL, *fidx = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	unsigned char sum[20];
	git_odb *odb = NULL;
	git_oid name;

	if (so == NULL || !so->on)
		goto done;
	so->on = 0;	/* whatever happens, nothing more is collected */
	if (so->n == 0)
		goto done;
	if ((err = build(so, &pack, &idx, sum)) != NULL)
		goto done;
	git_oid_fromraw(&name, sum);
	git_oid_tostr(hex, sizeof(hex), &name);
	fpack = coach_xasprintf("%s/pack-%s.pack", dir, hex);
	fidx = coach_xasprintf("%s/pack-%s.idx", dir, hex);
	if ((err = write_temp(&tpack, dir, STORE_PACK_TEMP "pack_", &pack)) != NULL ||
	    (err = write_temp(&tidx, dir, STORE_PACK_TEMP "idx_", &idx)) != NULL)
		goto done;
	store_die_at("pack-written");
	if (rename(tpack, fpack) == -1) {
		err = coach_error_errno("cannot write", fpack);
		goto done;
	}
	free(tpack);
	tpack = NULL;
	store_die_at("pack-renamed");
	if (rename(tidx, fidx) == -1) {
		err = coach_error_errno("cannot write", fidx);
		goto done;
	}
	free(tidx);
	tidx = NULL;
	if ((err = store_fsync_dir(dir)) != NULL)
		goto done;
	store_die_at("pack-durable");
	/* The packed backend finds the new pack before the copies in
	 * memory go. */
	if (git_repository_odb(&odb, s->repo) == 0)
		git_odb_refresh(odb);
done:
	/* Also on failure: an object still said to exist here would never
	 * be written again by a later commit. */
	if (so != NULL)
		forget(so);
	if (tpack != NULL)
		unlink(tpack);
	if (tidx != NULL)
		unlink(tidx);
	git_odb_free(odb);
	free(tpack);
	free(tidx);
	free(fpack);
	free(fidx);
	free(dir);
	coach_buf_free(&pack);
	coach_buf_free(&idx);
	return err;
}
