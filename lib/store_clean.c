/*
 * store_clean.c: whether one folder of the work tree is clean, without
 * reading git's whole index into libgit2.
 *
 * libgit2's status parses every entry of the index into memory before it
 * looks at a pathspec: on a school of 100,000 records that is most of the
 * cost of "coach status COACHEE", which asks about one coachee's folder.
 * This answers "is everything under prefix the same in HEAD, the index
 * and the work tree?" from the index file mapped as it is (store_ix in
 * store_index.c: its checksum verified, its entries stepped over without
 * being copied), HEAD's subtree for prefix and one lstat per file, as
 * git does.  It answers
 * "clean" only when it is sure; anything it does not handle, and anything
 * that looks changed, is "not sure", and libgit2 then says what changed:
 * so what status shows is libgit2's answer either way.
 *
 * When it is not clean, store_folder_check() gives libgit2 an index of
 * the folder's entries only, on a second handle of the repository, for
 * its status of that folder: the same answer without reading the whole
 * index.
 *
 * Not handled (libgit2 decides): what store_ix does not handle (index
 * versions other than 2, required extensions, entries in conflict),
 * modes other than a plain file, executable bits, links, any file the
 * index does not have (untracked or ignored: only libgit2
 * knows the ignore rules), and a file whose content differs.
 */
#include "store_priv.h"

#include <git2/sys/repository.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The index, and which of its entries are under the prefix asked
 * about: first to first + n - 1 (they sort together). */
struct ix {
	const struct store_ix *o;	/* the store's */
	uint32_t first, n;
};

/* Entry i under the prefix. */
static const unsigned char *
ix_entry(const struct ix *x, size_t i)
{
	return x->o->data + x->o->off[x->first + i];
}

static const char *
ix_path(const struct ix *x, size_t i, size_t *len)
{
	return store_ix_path(x->o, x->first + (uint32_t)i, len);
}

/* gitdir's index mapped, or NULL when there is none or it is not one
 * store_ix handles. */
static struct store_ix *
ix_map(const char *gitdir)
{
	struct store_ix *o = coach_xcalloc(1, sizeof(*o));
	if (!store_ix_open(o, gitdir))
		store_ix_drop(&o);
	return o;
}

/* s's index, mapped once while it is the same file: status asks about
 * it more than once.  What was mapped ahead is used only while the file
 * is still the one mapped. */
static const struct store_ix *
store_ix_of(struct coach_store *s)
{
	const char *gitdir = git_repository_path(s->repo);
	char *path = coach_path_join(gitdir, "index");
	struct stat st;
	struct store_ix *early = store_index_early_take(s);
	if (early != NULL) {
		store_ix_drop(&s->ix);
		s->ix = early;
	}
	int have = stat(path, &st) == 0;
	free(path);
	if (s->ix != NULL && have && store_same_file(&st, &s->ix->st))
		return s->ix;
	store_ix_drop(&s->ix);
	if (have)
		s->ix = ix_map(gitdir);
	return s->ix;
}

/* The index, and its entries under prefix; 0 when there is none or it
 * is not one store_ix handles. */
static int
ix_open(struct ix *x, struct coach_store *s, const char *prefix)
{
	size_t plen = strlen(prefix), len;
	x->first = x->n = 0;
	if ((x->o = store_ix_of(s)) == NULL)
		return 0;
	x->first = store_ix_lower_bound(x->o, prefix, plen);
	while (x->first + x->n < x->o->count) {
		const char *p = store_ix_path(x->o, x->first + x->n, &len);
		if (!store_ix_starts(p, len, prefix, plen))
			break;
		x->n++;
	}
	return 1;
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
	const unsigned char *e = ix_entry(w->x, w->next);
	const char *p = ix_path(w->x, w->next++, &len);
	const char *name = git_tree_entry_name(te);
	size_t pl = strlen(w->prefix), rl = strlen(root), nl = strlen(name);
	if (git_tree_entry_filemode(te) != GIT_FILEMODE_BLOB ||
	    store_get32(e + 24) != 0100644 || len != pl + rl + nl ||
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

	if (git_revparse_single(&obj, repo, "HEAD^{tree}") < 0) {
			goto done;
	}
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
	uint32_t ms = store_get32(e + 8), mns = store_get32(e + 12);
	int racy = store_ix_racy(e, x->o);
	git_oid id;
	if (!S_ISREG(st->st_mode) || (st->st_mode & 0111) != 0)
		return 0;
	if (!racy && store_get32(e + 0) == (uint32_t)st->st_ctim.tv_sec &&
	    store_get32(e + 4) == (uint32_t)st->st_ctim.tv_nsec &&
	    ms == (uint32_t)st->st_mtim.tv_sec &&
	    mns == (uint32_t)st->st_mtim.tv_nsec &&
	    store_get32(e + 20) == (uint32_t)st->st_ino &&
	    store_get32(e + 36) == (uint32_t)st->st_size)
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
		const unsigned char *e = ix_entry(x, i);
		size_t len;
		const char *p = ix_path(x, i, &len);
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

/* Whether the folder prefix is clean, told from x (mapped). */
static int
ix_clean(struct coach_store *s, const struct ix *x, const char *prefix)
{
	return head_matches(s->repo, x, prefix) &&
		worktree_matches(s, x, prefix);
}

/* Whether prefix names a folder of a work tree ("a/b/"). */
static int
folder_prefix(struct coach_store *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return n > 0 && prefix[n - 1] == '/' && prefix[0] != '/' &&
		!git_repository_is_bare(s->repo);
}

int
coach_store_folder_clean(struct coach_store *s, const char *prefix)
{
	struct ix x;
	memset(&x, 0, sizeof(x));
	return folder_prefix(s, prefix) && ix_open(&x, s, prefix) &&
		ix_clean(s, &x, prefix);
}

int
coach_store_index_paths(struct coach_store *s, const char *prefix,
	int (*keep)(void *arg, const char *path, size_t len), void *arg,
	struct coach_strlist *out)
{
	struct ix x;
	if (git_repository_is_bare(s->repo) ||
	    !ix_open(&x, s, prefix))
		return 0;
	for (size_t i = 0; i < x.n; i++) {
		size_t len;
		const char *p = ix_path(&x, i, &len);
		if (keep(arg, p, len))
			coach_strlist_add_owned(out, coach_xstrndup(p, len));
	}
	return 1;
}

size_t
coach_store_index_entries(struct coach_store *s)
{
	if (s->ix != NULL)
		return s->ix->count;
	char *path = coach_path_join(git_repository_path(s->repo), "index");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char head[12];
	size_t n = fd != -1 && pread(fd, head, sizeof(head), 0) ==
	    (ssize_t)sizeof(head) && memcmp(head, "DIRC", 4) == 0 ?
	    store_get32(head + 8) : 0;
	if (fd != -1)
		close(fd);
	free(path);
	return n;
}

/* Entry i under the prefix as libgit2's index entry (path: caller
 * frees); racily clean entries (not older than the index file) lose
 * their size, as git smudges them, so that their content is compared. */
static char *
ix_git_entry(const struct ix *x, size_t i, git_index_entry *e)
{
	const unsigned char *p = ix_entry(x, i);
	size_t len;
	const char *path = ix_path(x, i, &len);
	memset(e, 0, sizeof(*e));
	e->ctime.seconds = (int32_t)store_get32(p);
	e->ctime.nanoseconds = store_get32(p + 4);
	e->mtime.seconds = (int32_t)store_get32(p + 8);
	e->mtime.nanoseconds = store_get32(p + 12);
	e->dev = store_get32(p + 16);
	e->ino = store_get32(p + 20);
	e->mode = store_get32(p + 24);
	e->uid = store_get32(p + 28);
	e->gid = store_get32(p + 32);
	e->file_size = store_get32(p + 36);
	git_oid_fromraw(&e->id, p + 40);
	e->flags = (uint16_t)(((uint16_t)p[60] << 8 | p[61]) & 0x3000);
	const struct timespec *ixt = &x->o->st.st_mtim;
	if ((int64_t)e->mtime.seconds > (int64_t)ixt->tv_sec ||
	    ((int64_t)e->mtime.seconds == (int64_t)ixt->tv_sec &&
	    (long)e->mtime.nanoseconds >= ixt->tv_nsec))
		e->file_size = 0;
	char *owned = coach_xstrndup(path, len);
	e->path = owned;
	return owned;
}

/* A second handle on s's repository whose index holds x's entries
 * only; NULL when libgit2 cannot make one. */
static git_repository *
folder_repo(struct coach_store *s, const struct ix *x)
{
	git_index *idx = NULL;
	git_repository *r = NULL;
	int ok = 0;

	if (git_index_new(&idx) < 0 ||
	    git_repository_open(&r, git_repository_path(s->repo)) < 0)
		goto done;
	ok = 1;
	for (size_t i = 0; i < x->n && ok; i++) {
		git_index_entry e;
		char *path = ix_git_entry(x, i, &e);
		ok = git_index_add(idx, &e) == 0;
		free(path);
	}
	ok = ok && git_repository_set_index(r, idx) == 0;
done:
	git_index_free(idx);
	if (!ok) {
		git_repository_free(r);
		git_error_clear();
		return NULL;
	}
	return r;
}

int
store_folder_check(struct coach_store *s, const char *prefix,
	git_repository **folder)
{
	struct ix x;
	int clean = 0;

	*folder = NULL;
	memset(&x, 0, sizeof(x));
	if (!folder_prefix(s, prefix) ||
	    !ix_open(&x, s, prefix))
		goto done;
	clean = ix_clean(s, &x, prefix);
	if (!clean)
		*folder = folder_repo(s, &x);
done:
	return clean;
}
