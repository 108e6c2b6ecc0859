/*
 * store_walk.c: history, files at a commit and in the work tree (see
 * store_walk.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "record.h"
#include "store_cache.h"
#include "store_priv.h"
#include "store_walk.h"

static struct coach_error *
walk_fail(const char *what)
{
	const git_error *e = git_error_last();
	return coach_error_coded(COACH_E_IO, "%s: %s", what,
	    e && e->message ? e->message : "unknown libgit2 error");
}

void
coach_commit_free(struct coach_commit *c)
{
	free(c->author_name);
	free(c->author_email);
	free(c->summary);
	memset(c, 0, sizeof(*c));
}

static void
commit_fill(struct coach_commit *out, const git_commit *c)
{
	const git_signature *a = git_commit_author(c);
	const char *msg = git_commit_message(c);
	size_t n = msg ? strcspn(msg, "\n") : 0;
	memset(out, 0, sizeof(*out));
	git_oid_tostr(out->oid, sizeof(out->oid), git_commit_id(c));
	out->author_name = coach_xstrdup(a && a->name ? a->name : "");
	out->author_email = coach_xstrdup(a && a->email ? a->email : "");
	out->time = a ? (long long)a->when.time : 0;
	out->offset = a ? a->when.offset : 0;
	out->summary = coach_xstrndup(msg ? msg : "", n);
	out->parents = git_commit_parentcount(c);
}

/* The prefix as a tree path: no trailing '/'; "" for the root. */
static char *
tree_path(const char *prefix)
{
	size_t n = strlen(prefix);
	while (n > 0 && prefix[n - 1] == '/')
		n--;
	return coach_xstrndup(prefix, n);
}

static int
is_record_path(const char *path)
{
	size_t n = strlen(path);
	return n > 3 && strcmp(path + n - 3, ".md") == 0;
}

/* Adds the blob at oid as path, with its bytes when it is a record. */
static struct coach_error *
add_blob(git_repository *repo, const git_oid *oid, const char *path,
	struct coach_files *out)
{
	char hex[41];
	git_blob *blob = NULL;
	git_oid_tostr(hex, sizeof(hex), oid);
	if (!is_record_path(path)) {
		coach_files_add(out, path, hex, NULL, 0);
		return NULL;
	}
	if (git_blob_lookup(&blob, repo, oid) < 0)
		return walk_fail(path);
	git_object_size_t size = git_blob_rawsize(blob);
	if (size <= COACH_RECORD_MAX_BYTES)
		coach_files_add(out, path, hex, git_blob_rawcontent(blob),
		    (size_t)size);
	else
		coach_files_add(out, path, hex, NULL, 0);
	git_blob_free(blob);
	return NULL;
}

/* What the tree has at path: *obj is its tree or blob, NULL when
 * absent. */
static struct coach_error *
object_at(git_repository *repo, git_tree *tree, const char *path,
	git_object **obj)
{
	git_tree_entry *e = NULL;
	*obj = NULL;
	if (tree == NULL)
		return NULL;
	if (*path == '\0')
		return git_object_dup(obj, (git_object *)tree) < 0 ?
		    walk_fail("reading a tree") : NULL;
	int rc = git_tree_entry_bypath(&e, tree, path);
	if (rc == GIT_ENOTFOUND)
		return NULL;
	if (rc < 0)
		return walk_fail(path);
	rc = git_tree_entry_to_object(obj, repo, e);
	git_tree_entry_free(e);
	return rc < 0 ? walk_fail(path) : NULL;
}

static char *
join(const char *dir, const char *rel)
{
	return *dir ? coach_xasprintf("%s/%s", dir, rel) : coach_xstrdup(rel);
}

/* The files that differ between two trees (either NULL) under dir. */
static struct coach_error *
diff_trees(git_repository *repo, git_tree *a, git_tree *b, const char *dir,
	struct coach_files *old, struct coach_files *new)
{
	git_diff *diff = NULL;
	struct coach_error *err = NULL;
	if (git_diff_tree_to_tree(&diff, repo, a, b, NULL) < 0)
		return walk_fail("comparing trees");
	for (size_t i = 0; i < git_diff_num_deltas(diff) && !err; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if (d->status != GIT_DELTA_ADDED) {
			char *p = join(dir, d->old_file.path);
			err = add_blob(repo, &d->old_file.id, p, old);
			free(p);
		}
		if (d->status != GIT_DELTA_DELETED && !err) {
			char *p = join(dir, d->new_file.path);
			err = add_blob(repo, &d->new_file.id, p, new);
			free(p);
		}
	}
	git_diff_free(diff);
	return err;
}

static git_tree *
as_tree(git_object *o)
{
	return o && git_object_type(o) == GIT_OBJECT_TREE ? (git_tree *)o :
	    NULL;
}

static struct coach_error *
changed_files(git_repository *repo, git_tree *ta, git_tree *tb,
	const char *path, struct coach_files *old, struct coach_files *new)
{
	git_object *a = NULL, *b = NULL;
	struct coach_error *err;
	if ((err = object_at(repo, ta, path, &a)) ||
	    (err = object_at(repo, tb, path, &b)))
		goto done;
	/* The folder (or file) is the same object: nothing under it
	 * changed, which is what makes a long history cheap to walk. */
	if ((a == NULL && b == NULL) || (a && b &&
	    git_oid_equal(git_object_id(a), git_object_id(b))))
		goto done;
	if (as_tree(a) || as_tree(b))
		err = diff_trees(repo, as_tree(a), as_tree(b), path, old, new);
	if (!err && a && !as_tree(a))
		err = add_blob(repo, git_object_id(a), path, old);
	if (!err && b && !as_tree(b))
		err = add_blob(repo, git_object_id(b), path, new);
	if (!err) {
		coach_files_sort(old);
		coach_files_sort(new);
	}
done:
	git_object_free(a);
	git_object_free(b);
	return err;
}

/* One commit of the walk: fn when it changes something under path. */
static struct coach_error *
walk_one(git_repository *repo, const git_oid *oid, const char *path,
	long long since, coach_walk_fn fn, void *arg, int *stop)
{
	git_commit *c = NULL, *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	struct coach_files old = COACH_FILES_INIT, new = COACH_FILES_INIT;
	struct coach_commit info = { 0 };
	struct coach_error *err = NULL;

	if (git_commit_lookup(&c, repo, oid) < 0) {
		err = walk_fail("reading a commit");
		goto done;
	}
	if (since && git_commit_author(c)->when.time < since)
		goto done;
	if (git_commit_tree(&tree, c) < 0 || (git_commit_parentcount(c) > 0 &&
	    (git_commit_parent(&parent, c, 0) < 0 ||
	    git_commit_tree(&ptree, parent) < 0))) {
		err = walk_fail("reading a commit's tree");
		goto done;
	}
	if ((err = changed_files(repo, ptree, tree, path, &old, &new)))
		goto done;
	if (old.n == 0 && new.n == 0)
		goto done;
	commit_fill(&info, c);
	err = fn(arg, &info, &old, &new, stop);
done:
	coach_commit_free(&info);
	coach_files_free(&old);
	coach_files_free(&new);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	git_commit_free(c);
	return err;
}

/* The walk through the index of history: only the commits that may
 * have changed the folder are read. */
static struct coach_error *
walk_indexed(struct coach_store *s, const char *path, long long since,
	coach_walk_fn fn, void *arg)
{
	struct store_index idx;
	struct coach_error *err = store_index_get(s->repo, &idx);
	char *key = store_index_key(path);
	int stop = 0;
	for (size_t i = 0; !err && !stop && i < idx.n; i++)
		if (key == NULL || store_index_touches(&idx, i, key))
			err = walk_one(s->repo, &idx.oids[i], path, since, fn,
			    arg, &stop);
	free(key);
	store_index_free(&idx);
	return err;
}

/* The same walk reading every commit, when the index is turned off. */
static struct coach_error *
walk_all(struct coach_store *s, const char *path, long long since,
	coach_walk_fn fn, void *arg)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	struct coach_error *err = NULL;
	int stop = 0, rc;

	if (git_revwalk_new(&walk, s->repo) < 0) {
		err = walk_fail("walking history");
		goto done;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	rc = git_revwalk_push_head(walk);
	if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND)
		goto done;
	if (rc < 0) {
		err = walk_fail("walking history from HEAD");
		goto done;
	}
	while (!err && !stop && (rc = git_revwalk_next(&oid, walk)) == 0)
		err = walk_one(s->repo, &oid, path, since, fn, arg, &stop);
	if (!err && !stop && rc != GIT_ITEROVER)
		err = walk_fail("walking history");
done:
	git_revwalk_free(walk);
	return err;
}

struct coach_error *
coach_store_walk(struct coach_store *s, const char *prefix, long long since,
	coach_walk_fn fn, void *arg)
{
	char *path = tree_path(prefix);
	const char *off = getenv("COACH_HISTORY_CACHE");
	struct coach_error *err = off && strcmp(off, "0") == 0 ?
	    walk_all(s, path, since, fn, arg) :
	    walk_indexed(s, path, since, fn, arg);
	free(path);
	return err;
}

struct coach_error *
coach_store_rev(struct coach_store *s, const char *rev, char oid[41])
{
	git_object *obj = NULL;
	git_object *peeled = NULL;
	struct coach_error *err = NULL;
	if (git_revparse_single(&obj, s->repo, rev) < 0 ||
	    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		err = coach_error_coded(COACH_E_NOTFOUND, "'%s' names no "
		    "commit of this repository; give a commit id, a branch "
		    "or a revision such as HEAD~3 (see 'git log')", rev);
		goto done;
	}
	git_oid_tostr(oid, 41, git_object_id(peeled));
done:
	git_object_free(peeled);
	git_object_free(obj);
	return err;
}

struct coach_error *
coach_store_rev_before(struct coach_store *s, long long before,
	char oid[41], int *found)
{
	git_commit *c = NULL, *next = NULL;
	git_reference *head = NULL;
	struct coach_error *err = NULL;
	*found = 0;
	int rc = git_repository_head(&head, s->repo);
	if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND)
		return NULL;
	if (rc < 0 || git_commit_lookup(&c, s->repo,
	    git_reference_target(head)) < 0) {
		err = walk_fail("reading HEAD");
		goto done;
	}
	while (c && (long long)git_commit_time(c) >= before) {
		if (git_commit_parentcount(c) == 0) {
			git_commit_free(c);
			c = NULL;
			break;
		}
		if (git_commit_parent(&next, c, 0) < 0) {
			err = walk_fail("reading a commit");
			goto done;
		}
		git_commit_free(c);
		c = next;
		next = NULL;
	}
	if (c) {
		git_oid_tostr(oid, 41, git_commit_id(c));
		*found = 1;
	}
done:
	git_commit_free(c);
	git_reference_free(head);
	return err;
}

struct coach_error *
coach_store_commit_info(struct coach_store *s, const char *oid,
	struct coach_commit *out)
{
	git_oid id;
	git_commit *c = NULL;
	memset(out, 0, sizeof(*out));
	if (git_oid_fromstr(&id, oid) < 0 || git_commit_lookup(&c, s->repo,
	    &id) < 0)
		return coach_error_coded(COACH_E_NOTFOUND, "no commit %s",
		    oid);
	commit_fill(out, c);
	git_commit_free(c);
	return NULL;
}

struct tree_collect {
	git_repository *repo;
	const char *dir;
	struct coach_files *out;
	struct coach_error *err;
};

static int
collect_blob(const char *root, const git_tree_entry *e, void *payload)
{
	struct tree_collect *tc = payload;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	char *rel = coach_xasprintf("%s%s", root, git_tree_entry_name(e));
	char *p = join(tc->dir, rel);
	tc->err = add_blob(tc->repo, git_tree_entry_id(e), p, tc->out);
	free(p);
	free(rel);
	return tc->err ? -1 : 0;
}

static struct coach_error *
files_at_commit(struct coach_store *s, const char *oid, const char *dir,
	struct coach_files *out)
{
	git_oid id;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_object *obj = NULL;
	struct coach_error *err = NULL;
	if (git_oid_fromstr(&id, oid) < 0 || git_commit_lookup(&c, s->repo,
	    &id) < 0 || git_commit_tree(&tree, c) < 0) {
		err = walk_fail(oid);
		goto done;
	}
	if ((err = object_at(s->repo, tree, dir, &obj)) || as_tree(obj) ==
	    NULL)
		goto done;
	struct tree_collect tc = { s->repo, dir, out, NULL };
	if (git_tree_walk(as_tree(obj), GIT_TREEWALK_PRE, collect_blob,
	    &tc) < 0)
		err = tc.err ? tc.err : walk_fail(dir);
done:
	git_object_free(obj);
	git_tree_free(tree);
	git_commit_free(c);
	return err;
}

/* A work tree file: its blob id, and its bytes when it is a record. */
static struct coach_error *
add_work_file(struct coach_store *s, const char *rel, const char *abs,
	off_t size, struct coach_files *out)
{
	git_oid id;
	char hex[41];
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_error *err = NULL;
	if (is_record_path(rel) && size <= COACH_RECORD_MAX_BYTES) {
		if ((err = coach_read_file_as(&b, abs, rel,
		    COACH_RECORD_MAX_BYTES)))
			goto done;
		if (git_odb_hash(&id, b.ptr ? b.ptr : "", b.len,
		    GIT_OBJECT_BLOB) < 0) {
			err = walk_fail(rel);
			goto done;
		}
		git_oid_tostr(hex, sizeof(hex), &id);
		coach_files_add(out, rel, hex, b.ptr ? b.ptr : "", b.len);
	} else {
		if (git_odb_hashfile(&id, abs, GIT_OBJECT_BLOB) < 0) {
			err = walk_fail(rel);
			goto done;
		}
		git_oid_tostr(hex, sizeof(hex), &id);
		coach_files_add(out, rel, hex, NULL, 0);
	}
done:
	coach_buf_free(&b);
	return err;
}

/* Regular files under rel (a folder), recursively; symbolic links and
 * ignored files are left out, as git leaves them out of a commit. */
static struct coach_error *
files_in_dir(struct coach_store *s, const char *rel, struct coach_files *out)
{
	char *abs = coach_xasprintf("%s/%s", s->root, rel);
	DIR *d = opendir(abs);
	struct dirent *de;
	struct coach_error *err = NULL;
	if (d == NULL) {
		if (errno != ENOENT && errno != ENOTDIR)
			err = coach_error_errno("opendir", rel);
		goto done;
	}
	while (!err && (de = readdir(d)) != NULL) {
		struct stat st;
		int ignored = 0;
		if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, ".git") == 0))
			continue;
		char *r = coach_xasprintf("%s/%s", rel, de->d_name);
		char *a = coach_xasprintf("%s/%s", abs, de->d_name);
		if (lstat(a, &st) == 0 &&
		    git_ignore_path_is_ignored(&ignored, s->repo, r) == 0 &&
		    !ignored) {
			if (S_ISDIR(st.st_mode))
				err = files_in_dir(s, r, out);
			else if (S_ISREG(st.st_mode))
				err = add_work_file(s, r, a, st.st_size, out);
		}
		free(r);
		free(a);
	}
	closedir(d);
done:
	free(abs);
	return err;
}

struct coach_error *
coach_store_files_at(struct coach_store *s, const char *oid,
	const char *prefix, struct coach_files *out)
{
	char *dir = tree_path(prefix);
	struct coach_error *err = oid ? files_at_commit(s, oid, dir, out) :
	    files_in_dir(s, dir, out);
	if (!err)
		coach_files_sort(out);
	free(dir);
	return err;
}

struct added_by {
	const char *path;
	char *oid;
	int *found;
};

static struct coach_error *
added_by_one(void *arg, const struct coach_commit *c,
	const struct coach_files *old, const struct coach_files *new,
	int *stop)
{
	struct added_by *a = arg;
	if (coach_files_find(new, a->path) && !coach_files_find(old, a->path)) {
		memcpy(a->oid, c->oid, 41);
		*a->found = 1;
		*stop = 1;
	}
	return NULL;
}

struct coach_error *
coach_store_added_by(struct coach_store *s, const char *path, char oid[41],
	int *found)
{
	struct added_by a = { path, oid, found };
	*found = 0;
	return coach_store_walk(s, path, 0, added_by_one, &a);
}
