/*
 * store_trust.c: a trust's bare repositories, and files read from a
 * tree (see store_trust.h).
 */
#include "store_trust.h"
#include "store_priv.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "record.h"

struct coach_error *
coach_store_open_bare(struct coach_store **out, const char *path, int create)
{
	git_repository *repo = NULL;
	struct stat st;
	*out = NULL;
	store_lib_init();
	int missing = stat(path, &st) == -1;
	if (missing && !create) {
		git_libgit2_shutdown();
		return coach_error_coded(COACH_E_NOTFOUND, "%s: no such "
		    "repository", path);
	}
	int rc = missing ? git_repository_init(&repo, path, 1) :
	    git_repository_open_bare(&repo, path);
	if (rc < 0) {
		struct coach_error *err = store_git_fail(path);
		git_libgit2_shutdown();
		return err;
	}
	struct coach_store *s = coach_xcalloc(1, sizeof(*s));
	s->repo = repo;
	s->root = store_strip_slash(path);
	*out = s;
	return NULL;
}

struct coach_error *
coach_store_refs(struct coach_store *s, const char *prefix,
    struct coach_strlist *out)
{
	git_reference_iterator *it = NULL;
	git_reference *r = NULL;
	char *glob = coach_xasprintf("%s*", prefix);
	struct coach_error *err = NULL;
	int rc;
	if (git_reference_iterator_glob_new(&it, s->repo, glob) < 0) {
		err = store_git_fail(prefix);
		goto done;
	}
	while ((rc = git_reference_next(&r, it)) == 0) {
		coach_strlist_add(out, git_reference_name(r));
		git_reference_free(r);
	}
	if (rc != GIT_ITEROVER)
		err = store_git_fail(prefix);
	coach_strlist_sort(out);
done:
	git_reference_iterator_free(it);
	free(glob);
	return err;
}

struct coach_error *
coach_store_ref_set(struct coach_store *s, const char *ref, const char *oid,
    const char *why)
{
	git_oid id;
	git_reference *r = NULL;
	if (git_oid_fromstr(&id, oid) < 0 ||
	    git_reference_create(&r, s->repo, ref, &id, 1, why) < 0)
		return store_git_fail(ref);
	git_reference_free(r);
	return NULL;
}

struct collect {
	git_repository *repo;
	struct coach_files *out;
	struct coach_error *err;
};

static int
collect(const char *root, const git_tree_entry *e, void *payload)
{
	struct collect *c = payload;
	git_filemode_t mode = git_tree_entry_filemode(e);
	git_blob *blob = NULL;
	char hex[41];
	if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)
		return 0;
	char *path = coach_xasprintf("%s%s", root, git_tree_entry_name(e));
	git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(e));
	if (git_blob_lookup(&blob, c->repo, git_tree_entry_id(e)) < 0) {
		c->err = store_git_fail(path);
	} else if (git_blob_rawsize(blob) > COACH_RECORD_MAX_BYTES) {
		coach_files_add(c->out, path, hex, NULL, 0);
	} else {
		coach_files_add(c->out, path, hex, git_blob_rawcontent(blob),
		    (size_t)git_blob_rawsize(blob));
	}
	git_blob_free(blob);
	free(path);
	return c->err ? -1 : 0;
}

struct coach_error *
coach_store_ref_files(struct coach_store *s, const char *ref,
    struct coach_files *out, char oid[41])
{
	git_oid id;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	struct coach_error *err = NULL;
	struct collect c = { s->repo, out, NULL };
	int rc = git_reference_name_to_id(&id, s->repo, ref);
	if (rc == GIT_ENOTFOUND) {
		err = coach_error_coded(COACH_E_NOTFOUND, "%s: no %s", s->root,
		    ref);
		goto done;
	}
	if (rc < 0 || git_commit_lookup(&commit, s->repo, &id) < 0 ||
	    git_commit_tree(&tree, commit) < 0) {
		err = store_git_fail(ref);
		goto done;
	}
	git_oid_tostr(oid, 41, &id);
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, collect, &c) < 0)
		err = c.err ? c.err : store_git_fail(ref);
	coach_files_sort(out);
done:
	git_tree_free(tree);
	git_commit_free(commit);
	return err;
}
