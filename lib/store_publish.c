/*
 * store_publish.c: rewriting HEAD's tree onto a branch of its own (see
 * store_publish.h).
 */
#include "store_publish.h"
#include "store_priv.h"

#include <stdlib.h>
#include <string.h>

struct walk {
	git_repository *repo;
	const struct coach_rewrite *rw;
	struct coach_rewrite_result *res;
	struct coach_buf bytes;
};

static struct coach_error *rewrite_tree(struct walk *w, const git_tree *tree,
	const char *prefix, git_oid *out, int *empty);

/* Adds the rewritten blob at path to tb, or leaves it out. */
static struct coach_error *
rewrite_blob(struct walk *w, const git_tree_entry *e, const char *path,
    git_treebuilder *tb)
{
	struct coach_error *err = NULL;
	git_blob *blob = NULL;
	git_oid oid;
	int keep = 0;

	if (!w->rw->wants(w->rw->arg, path))
		goto done;
	if (git_blob_lookup(&blob, w->repo, git_tree_entry_id(e)) < 0) {
		err = store_git_fail(path);
		goto done;
	}
	coach_buf_clear(&w->bytes);
	if ((err = w->rw->rewrite(w->rw->arg, path, git_blob_rawcontent(blob),
	    (size_t)git_blob_rawsize(blob), &w->bytes, &keep)) || !keep)
		goto done;
	if (git_blob_create_from_buffer(&oid, w->repo,
	    w->bytes.ptr ? w->bytes.ptr : "", w->bytes.len) < 0 ||
	    git_treebuilder_insert(NULL, tb, git_tree_entry_name(e), &oid,
	    GIT_FILEMODE_BLOB) < 0) {
		err = store_git_fail(path);
		goto done;
	}
done:
	if (err == NULL) {
		if (keep)
			w->res->kept++;
		else
			w->res->left_out++;
	}
	git_blob_free(blob);
	return err;
}

static struct coach_error *
rewrite_entry(struct walk *w, const git_tree_entry *e, const char *prefix,
    git_treebuilder *tb)
{
	struct coach_error *err = NULL;
	git_tree *sub = NULL;
	git_oid oid;
	int empty = 1;
	char *path = coach_xasprintf("%s%s", prefix, git_tree_entry_name(e));
	git_filemode_t mode = git_tree_entry_filemode(e);

	if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
		err = rewrite_blob(w, e, path, tb);
		goto done;
	}
	if (mode != GIT_FILEMODE_TREE) {
		w->res->left_out++; /* links and submodules never travel */
		goto done;
	}
	char *sub_prefix = coach_xasprintf("%s/", path);
	if (git_tree_lookup(&sub, w->repo, git_tree_entry_id(e)) < 0)
		err = store_git_fail(path);
	else
		err = rewrite_tree(w, sub, sub_prefix, &oid, &empty);
	free(sub_prefix);
	if (err == NULL && !empty && git_treebuilder_insert(NULL, tb,
	    git_tree_entry_name(e), &oid, GIT_FILEMODE_TREE) < 0)
		err = store_git_fail(path);
done:
	git_tree_free(sub);
	free(path);
	return err;
}

/* The rewritten tree in *out; *empty when nothing under it travels (git
 * keeps no empty folders). */
static struct coach_error *
rewrite_tree(struct walk *w, const git_tree *tree, const char *prefix,
    git_oid *out, int *empty)
{
	struct coach_error *err = NULL;
	git_treebuilder *tb = NULL;

	if (git_treebuilder_new(&tb, w->repo, NULL) < 0) {
		err = store_git_fail("building a tree");
		goto done;
	}
	for (size_t i = 0; i < git_tree_entrycount(tree); i++)
		if ((err = rewrite_entry(w, git_tree_entry_byindex(tree, i),
		    prefix, tb)))
			goto done;
	/* An empty folder is left out without writing its tree, so that
	 * no dangling object is left behind (the root is always written). */
	*empty = git_treebuilder_entrycount(tb) == 0;
	if (*empty && *prefix)
		goto done;
	if (git_treebuilder_write(out, tb) < 0)
		err = store_git_fail("writing a tree");
done:
	git_treebuilder_free(tb);
	return err;
}

struct coach_error *
coach_store_ref_delete(struct coach_store *s, const char *ref)
{
	git_reference *r = NULL;
	int rc = git_reference_lookup(&r, s->repo, ref);
	if (rc == GIT_ENOTFOUND)
		return NULL;
	if (rc < 0 || git_reference_delete(r) < 0) {
		git_reference_free(r);
		return store_git_fail(ref);
	}
	git_reference_free(r);
	return NULL;
}

/* The commit at ref, or NULL when there is none. */
static struct coach_error *
ref_commit(git_repository *repo, const char *ref, git_commit **out)
{
	git_oid id;
	int rc = git_reference_name_to_id(&id, repo, ref);
	*out = NULL;
	if (rc == GIT_ENOTFOUND)
		return NULL;
	if (rc < 0 || git_commit_lookup(out, repo, &id) < 0)
		return coach_error_coded(COACH_E_IO, "%s does not name a "
		    "commit (%s): remove it with 'git update-ref -d %s'",
		    ref, store_git_msg(), ref);
	return NULL;
}

static struct coach_error *
commit_on(struct coach_store *s, const char *ref, const char *message,
    const git_oid *tree_id, git_commit *parent, git_oid *out)
{
	struct coach_error *err = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_reference *r = NULL;
	char *name = NULL, *email = NULL;
	const git_commit *parents[1] = { parent };

	if ((err = store_committer(s, &name, &email)))
		goto done;
	if (git_signature_now(&sig, name, email) < 0 ||
	    git_tree_lookup(&tree, s->repo, tree_id) < 0 ||
	    git_commit_create(out, s->repo, NULL, sig, sig, NULL, message,
	    tree, parent ? 1 : 0, parents) < 0) {
		err = store_git_fail("committing the summary");
		goto done;
	}
	/* Only from the commit we read: a second publisher meanwhile
	 * must not be overwritten. */
	int rc = parent ? git_reference_create_matching(&r, s->repo, ref, out,
	    1, git_commit_id(parent), message) :
	    git_reference_create(&r, s->repo, ref, out, 0, message);
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED)
		err = coach_error_coded(COACH_E_CONFLICT, "%s moved while "
		    "the summary was built: run the command again", ref);
	else if (rc < 0)
		err = store_git_fail(ref);
done:
	git_reference_free(r);
	git_tree_free(tree);
	git_signature_free(sig);
	free(name);
	free(email);
	return err;
}

struct coach_error *
coach_store_rewrite_head(struct coach_store *s, const char *ref,
    const char *message, const struct coach_rewrite *rw,
    struct coach_rewrite_result *out)
{
	struct coach_error *err = NULL;
	struct walk w = { s->repo, rw, out, COACH_BUF_INIT };
	git_commit *head = NULL, *prev = NULL;
	git_tree *tree = NULL;
	git_oid tree_id, commit_id;
	int empty;

	memset(out, 0, sizeof(*out));
	git_oid oid;
	if (git_reference_name_to_id(&oid, s->repo, "HEAD") < 0 ||
	    git_commit_lookup(&head, s->repo, &oid) < 0) {
		err = coach_error_coded(COACH_E_NOTFOUND, "the repository has "
		    "no commit yet: there is nothing to publish");
		goto done;
	}
	if ((err = ref_commit(s->repo, ref, &prev)))
		goto done;
	if (git_commit_tree(&tree, head) < 0) {
		err = store_git_fail("reading HEAD's tree");
		goto done;
	}
	if ((err = rewrite_tree(&w, tree, "", &tree_id, &empty)))
		goto done;
	if (prev && git_oid_equal(git_commit_tree_id(prev), &tree_id)) {
		git_oid_tostr(out->oid, sizeof(out->oid), git_commit_id(prev));
		goto done;
	}
	if ((err = commit_on(s, ref, message, &tree_id, prev, &commit_id)))
		goto done;
	git_oid_tostr(out->oid, sizeof(out->oid), &commit_id);
	out->committed = 1;
done:
	coach_buf_free(&w.bytes);
	git_tree_free(tree);
	git_commit_free(prev);
	git_commit_free(head);
	return err;
}
