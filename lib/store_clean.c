/*
 * store_clean.c: whether one folder of the work tree is clean, without
 * reading git's whole index into libgit2.
 *
 * libgit2's status parses every entry of the index into memory before it
 * looks at a pathspec: on a school of 100,000 records that is most of the
 * cost of "coach status COACHEE", which asks about one coachee's folder.
 * This answers "is everything under prefix the same in HEAD, the index
 * and the work tree?" from the index file mapped as it is (its checksum
 * verified, its entries stepped over without being copied), HEAD's
 * subtree for prefix and one lstat per file, as git does.  It answers
 * "clean" only when it is sure; anything it does not handle, and anything
 * that looks changed, is "not sure", and libgit2 then says what changed:
 * so what status shows is libgit2's answer either way.
 *
 * Not handled (libgit2 decides): index versions other than 2 (and
 * extended flags), required extensions (split or sparse index), entries
 * in conflict, modes other than a plain file, executable bits, links,
 * any file the index does not have (untracked or ignored: only libgit2
 * knows the ignore rules), and a file whose content differs.
 */
#include "store_priv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fmcache.h"

#define HEADER 12
#define TRAILER 20
#define FIXED 62
#define F_NAMEMASK 0x0fff
#define F_STAGE 0x3000
#define F_EXTENDED 0x4000

struct ix {
	const unsigned char *data;
	size_t size;
	struct stat st;
	/* The entries under prefix: offsets into data. */
	size_t *off;
	size_t n;
};

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int
checksum_ok(const struct ix *x)
{
	unsigned char sum[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	return EVP_Digest(x->data, x->size - TRAILER, sum, &n, EVP_sha1(),
		NULL) == 1 && n == 20 &&
		memcmp(sum, x->data + x->size - TRAILER, 20) == 0;
}

static const char *
entry_path(const unsigned char *e, size_t *len)
{
	unsigned flags = (unsigned)e[60] << 8 | e[61];
	const char *p = (const char *)e + FIXED;
	*len = (flags & F_NAMEMASK) == F_NAMEMASK ? strlen(p) :
		(flags & F_NAMEMASK);
	return p;
}

/* Called for each entry whose path starts with the prefix scanned for;
 * e points at the entry, path (not NUL-terminated) at its path. */
typedef void (*ix_fn)(void *arg, struct ix *x, size_t off, const char *path,
	size_t len);

/*
 * Steps over every entry (to find the extensions, and to check the
 * file's shape), calling fn for those whose path starts with prefix.  0
 * when the index is not one this file handles (fn may have been called).
 */
static int
ix_scan(struct ix *x, const char *prefix, ix_fn fn, void *arg)
{
	size_t plen = strlen(prefix), end = x->size - TRAILER, pos = HEADER;
	uint32_t count = get32(x->data + 8);
	if (count > end / FIXED)
		return 0;
	for (uint32_t i = 0; i < count; i++) {
		if (pos + FIXED + 1 > end)
			return 0;
		const unsigned char *e = x->data + pos;
		unsigned flags = (unsigned)e[60] << 8 | e[61];
		if (flags & F_EXTENDED)
			return 0;
		size_t n = flags & F_NAMEMASK;
		if (n == F_NAMEMASK) {
			const unsigned char *nul = memchr(e + FIXED, '\0',
				end - pos - FIXED);
			if (nul == NULL)
				return 0;
			n = (size_t)(nul - (e + FIXED));
		} else if (pos + FIXED + n >= end || e[FIXED + n] != '\0') {
			return 0;
		}
		if (n >= plen && memcmp(e + FIXED, prefix, plen) == 0) {
			if (flags & F_STAGE)
				return 0;
			fn(arg, x, pos, (const char *)e + FIXED, n);
		}
		pos += (FIXED + n + 8) & ~(size_t)7;
		if (pos > end)
			return 0;
	}
	while (pos < end) {
		const unsigned char *ext = x->data + pos;
		if (end - pos < 8 || get32(ext + 4) > end - pos - 8)
			return 0;
		if (ext[0] < 'A' || ext[0] > 'Z')
			return 0;	/* required: split or sparse index */
		pos += 8 + get32(ext + 4);
	}
	return 1;
}

/* Keeps the entry in x->off. */
static void
ix_keep(void *arg, struct ix *x, size_t off, const char *path, size_t len)
{
	(void)arg;
	(void)path;
	(void)len;
	x->off = coach_xrealloc(x->off, (x->n + 1) * sizeof(*x->off));
	x->off[x->n++] = off;
}

/*
 * The index file last verified: one whose stat data are the same is the
 * same file (git and coach replace the index by a rename, never write it
 * in place), so its checksum is not computed again: the trust git puts
 * in stat data.  Kept for this process, and in the git directory
 * (STAMP_FILE) for the next one.
 */
#define STAMP_FILE "coach-index.verified"

static char verified[160];

static void
stamp_of(char out[160], const struct ix *x)
{
	const struct stat *st = &x->st;
	int k = snprintf(out, 160, "%llu %llu %llu %lld.%09ld %lld.%09ld ",
		(unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
		(unsigned long long)st->st_size, (long long)st->st_mtim.tv_sec,
		st->st_mtim.tv_nsec, (long long)st->st_ctim.tv_sec,
		st->st_ctim.tv_nsec);
	for (int i = 0; i < 20 && k > 0 && k + 3 < 160; i++)
		k += snprintf(out + k, 160 - (size_t)k, "%02x",
			x->data[x->size - TRAILER + (size_t)i]);
}

static int
verify(const struct ix *x, const char *gitdir)
{
	char want[160], have[160];
	stamp_of(want, x);
	if (strcmp(verified, want) == 0)
		return 1;
	/* COACH_NO_CACHE: nothing kept in the git directory is trusted. */
	char *path = coach_fmcache_disabled() ? NULL :
		coach_path_join(gitdir, STAMP_FILE);
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	ssize_t n = fd == -1 ? -1 : read(fd, have, sizeof(have) - 1);
	if (fd != -1)
		close(fd);
	have[n > 0 ? n : 0] = '\0';
	int ok = strcmp(have, want) == 0 || checksum_ok(x);
	if (ok && path && strcmp(have, want) != 0)
		/* Only costs a checksum next time when it cannot be
		 * written. */
		coach_error_free(coach_write_atomic(path, want,
			strlen(want)));
	if (ok)
		memcpy(verified, want, sizeof(verified));
	free(path);
	return ok;
}

/* Maps the index at path; 0 when there is none or it is not one this
 * file handles. */
static int
ix_open(struct ix *x, const char *gitdir, const char *prefix, ix_fn fn,
	void *arg)
{
	char *path = coach_path_join(gitdir, "index");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ok = 0;
	memset(x, 0, sizeof(*x));
	if (fd == -1 || fstat(fd, &x->st) == -1 ||
	    x->st.st_size < HEADER + TRAILER)
		goto done;
	x->size = (size_t)x->st.st_size;
	void *p = mmap(NULL, x->size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		fd, 0);
	if (p == MAP_FAILED)
		goto done;
	x->data = p;
	ok = memcmp(x->data, "DIRC", 4) == 0 && get32(x->data + 4) == 2 &&
		verify(x, gitdir) && ix_scan(x, prefix, fn, arg);
done:
	if (fd != -1)
		close(fd);
	free(path);
	return ok;
}

static void
ix_close(struct ix *x)
{
	if (x->data != NULL)
		munmap((void *)x->data, x->size);
	free(x->off);
	memset(x, 0, sizeof(*x));
}

/* ------------------------------------------------------------------ */

struct walk_ctx {
	const struct ix *x;
	const char *prefix; /* with its trailing '/' */
	size_t next;        /* the index entry the next blob must be */
	int same;
};

/* Each blob of HEAD's subtree must be the next index entry, with the
 * same id and mode (both are in path order). */
static int
tree_cb(const char *root, const git_tree_entry *te, void *payload)
{
	struct walk_ctx *w = payload;
	size_t len;
	if (git_tree_entry_type(te) == GIT_OBJECT_TREE)
		return 0;
	if (w->next >= w->x->n) {
		w->same = 0;
		return -1;
	}
	const unsigned char *e = w->x->data + w->x->off[w->next++];
	const char *p = entry_path(e, &len);
	const char *name = git_tree_entry_name(te);
	size_t pl = strlen(w->prefix), rl = strlen(root), nl = strlen(name);
	if (git_tree_entry_filemode(te) != GIT_FILEMODE_BLOB ||
	    get32(e + 24) != 0100644 || len != pl + rl + nl ||
	    memcmp(p, w->prefix, pl) != 0 || memcmp(p + pl, root, rl) != 0 ||
	    memcmp(p + pl + rl, name, nl) != 0 ||
	    memcmp(e + 40, git_tree_entry_id(te)->id, 20) != 0) {
		w->same = 0;
		return -1;
	}
	return 0;
}

/* Whether HEAD's tree under prefix is what the index holds under it. */
static int
head_matches(git_repository *repo, const struct ix *x, const char *prefix)
{
	git_object *obj = NULL;
	git_tree_entry *te = NULL;
	git_tree *sub = NULL;
	struct walk_ctx w = { x, prefix, 0, 1 };
	char *dir = store_strip_slash(prefix);
	int same = 0, rc;

	if (git_revparse_single(&obj, repo, "HEAD^{tree}") < 0)
		goto done;
	rc = git_tree_entry_bypath(&te, (git_tree *)obj, dir);
	if (rc == GIT_ENOTFOUND) {
		same = x->n == 0;
		goto done;
	}
	if (rc < 0 || git_tree_entry_type(te) != GIT_OBJECT_TREE ||
	    git_tree_lookup(&sub, repo, git_tree_entry_id(te)) < 0)
		goto done;
	rc = git_tree_walk(sub, GIT_TREEWALK_PRE, tree_cb, &w);
	same = rc == 0 && w.same && w.next == x->n;
done:
	git_tree_free(sub);
	git_tree_entry_free(te);
	git_object_free(obj);
	free(dir);
	return same;
}

/* Whether the index entry e says what the file at relpath (whose lstat
 * is st) holds: by its stat data when they match and the entry is older
 * than the index (not racy), else by hashing the file as git would. */
static int
file_matches(git_repository *repo, const struct ix *x, const unsigned char *e,
	const char *relpath, const struct stat *st)
{
	const struct timespec *ix = &x->st.st_mtim;
	uint32_t ms = get32(e + 8), mns = get32(e + 12);
	int racy = ms > (uint32_t)ix->tv_sec || (ms == (uint32_t)ix->tv_sec &&
		mns >= (uint32_t)ix->tv_nsec);
	git_oid id;
	if (!S_ISREG(st->st_mode) || (st->st_mode & 0111) != 0)
		return 0;
	if (!racy && get32(e + 0) == (uint32_t)st->st_ctim.tv_sec &&
	    get32(e + 4) == (uint32_t)st->st_ctim.tv_nsec &&
	    ms == (uint32_t)st->st_mtim.tv_sec &&
	    mns == (uint32_t)st->st_mtim.tv_nsec &&
	    get32(e + 20) == (uint32_t)st->st_ino &&
	    get32(e + 36) == (uint32_t)st->st_size)
		return 1;
	return git_repository_hashfile(&id, repo, relpath, GIT_OBJECT_BLOB,
		relpath) == 0 && memcmp(id.id, e + 40, 20) == 0;
}

/* Adds the path of every file below the folder relpath ('/'-ended) of
 * the work tree to out; 0 when a folder cannot be read. */
static int
list_files(const char *root, const char *relpath, struct coach_strlist *out)
{
	char *abs = coach_path_join(root, relpath);
	DIR *d = opendir(abs);
	struct dirent *de;
	int ok = d != NULL;
	while (ok && (de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		struct stat st;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
			continue;
		char *p = coach_xasprintf("%s%s", relpath, n);
		int dir = de->d_type == DT_DIR;
		if (de->d_type == DT_UNKNOWN) {
			char *a = coach_path_join(root, p);
			dir = lstat(a, &st) == 0 && S_ISDIR(st.st_mode);
			free(a);
		}
		if (dir) {
			char *sub = coach_xasprintf("%s/", p);
			ok = list_files(root, sub, out);
			free(sub);
			free(p);
		} else {
			coach_strlist_add_owned(out, p);
		}
	}
	if (d != NULL)
		closedir(d);
	free(abs);
	return ok;
}

/* Whether each folder on the way to prefix is a folder, not a link. */
static int
folders_plain(const char *root, const char *prefix)
{
	char *p = coach_xstrdup(prefix);
	int ok = 1;
	for (char *slash = strchr(p, '/'); ok && slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		struct stat st;
		*slash = '\0';
		char *abs = coach_path_join(root, p);
		ok = lstat(abs, &st) == 0 && S_ISDIR(st.st_mode);
		free(abs);
		*slash = '/';
	}
	free(p);
	return ok;
}

/* Whether the work tree under prefix holds exactly the index's files,
 * each with the index's content. */
static int
worktree_matches(struct coach_store *s, const struct ix *x,
	const char *prefix)
{
	struct coach_strlist found = COACH_STRLIST_INIT;
	char *top = coach_path_join(s->root, prefix);
	struct stat st;
	int missing = lstat(top, &st) == -1 && errno == ENOENT;
	free(top);
	/* No such folder, and none in the index: nothing to say. */
	if (missing)
		return x->n == 0;
	int same = folders_plain(s->root, prefix) &&
		list_files(s->root, prefix, &found) && found.n == x->n;
	coach_strlist_sort(&found);
	for (size_t i = 0; same && i < x->n; i++) {
		const unsigned char *e = x->data + x->off[i];
		size_t len;
		const char *p = entry_path(e, &len);
		same = strlen(found.v[i]) == len &&
			memcmp(found.v[i], p, len) == 0;
		char *abs = same ? coach_path_join(s->root, found.v[i]) : NULL;
		same = same && lstat(abs, &st) == 0 &&
			file_matches(s->repo, x, e, found.v[i], &st);
		free(abs);
	}
	coach_strlist_free(&found);
	return same;
}

int
coach_store_folder_clean(struct coach_store *s, const char *prefix)
{
	struct ix x;
	size_t n = strlen(prefix);
	if (n == 0 || prefix[n - 1] != '/' || prefix[0] == '/' ||
	    git_repository_is_bare(s->repo))
		return 0;
	int clean = ix_open(&x, git_repository_path(s->repo), prefix,
		ix_keep, NULL) && head_matches(s->repo, &x, prefix) &&
		worktree_matches(s, &x, prefix);
	ix_close(&x);
	return clean;
}

struct paths_ctx {
	int (*keep)(void *arg, const char *path, size_t len);
	void *arg;
	struct coach_strlist *out;
};

static void
paths_add(void *arg, struct ix *x, size_t off, const char *path, size_t len)
{
	struct paths_ctx *c = arg;
	(void)x;
	(void)off;
	if (c->keep(c->arg, path, len))
		coach_strlist_add_owned(c->out, coach_xstrndup(path, len));
}

int
coach_store_index_paths(struct coach_store *s, const char *prefix,
	int (*keep)(void *arg, const char *path, size_t len), void *arg,
	struct coach_strlist *out)
{
	struct ix x;
	struct paths_ctx c = { keep, arg, out };
	size_t first = out->n;
	if (git_repository_is_bare(s->repo))
		return 0;
	int ok = ix_open(&x, git_repository_path(s->repo), prefix, paths_add,
		&c);
	ix_close(&x);
	/* Half a list is no list. */
	while (!ok && out->n > first)
		free(out->v[--out->n]);
	return ok;
}
