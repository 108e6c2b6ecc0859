/*
 * store_sync.c: bringing fetched commits into the current branch: a
 * fast-forward, or one merge commit with both parents in which files
 * changed on both sides are merged record by record (lib/merge.h).
 *
 * The work tree and index follow with a safe checkout whose baseline is
 * the old HEAD, before the branch moves: a checkout that fails leaves the
 * branch where it was, and a process killed between the checkout and the
 * move leaves the merged files as uncommitted edits, which the next sync
 * commits and merges again (the same changes on both sides merge
 * cleanly), so nothing is lost.
 */
#include "store_priv.h"
#include "store_remote.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"

struct coach_error *
coach_store_head_branch(struct coach_store *s, char **out)
{
	git_reference *ref = NULL;
	struct coach_error *err = NULL;

	*out = NULL;
	if (git_reference_lookup(&ref, s->repo, "HEAD") < 0)
		return store_git_fail("reading HEAD");
	if (git_reference_type(ref) != GIT_REFERENCE_SYMBOLIC ||
	    strncmp(git_reference_symbolic_target(ref), "refs/heads/", 11))
		err = coach_error_coded(COACH_E_CONFLICT, "HEAD is detached: "
			"switch to a branch first (git switch main)");
	else
		*out = coach_xstrdup(git_reference_symbolic_target(ref) + 11);
	git_reference_free(ref);
	return err;
}

struct coach_error *
coach_store_count_ahead(struct coach_store *s, const char *local,
	const char *remote, size_t *ahead, size_t *behind)
{
	git_oid a, b;
	*ahead = *behind = 0;
	if (git_reference_name_to_id(&a, s->repo, local) < 0)
		return NULL;
	if (git_reference_name_to_id(&b, s->repo, remote) < 0) {
		/* Nothing there: every commit of ours is ahead. */
		git_revwalk *w = NULL;
		git_oid o;
		if (git_revwalk_new(&w, s->repo) < 0 ||
		    git_revwalk_push(w, &a) < 0) {
			git_revwalk_free(w);
			return store_git_fail("counting commits");
		}
		while (git_revwalk_next(&o, w) == 0)
			(*ahead)++;
		git_revwalk_free(w);
		return NULL;
	}
	if (git_graph_ahead_behind(ahead, behind, s->repo, &a, &b) < 0)
		return store_git_fail("counting commits");
	return NULL;
}

/* The blob of e as a string; NULL for no entry. */
static struct coach_error *
entry_text(git_repository *repo, const git_index_entry *e, git_blob **out)
{
	*out = NULL;
	if (e == NULL)
		return NULL;
	if (git_blob_lookup(out, repo, &e->id) < 0)
		return store_git_fail(e->path);
	return NULL;
}

/* One conflicted path, resolved with coach_merge_record(). */
static struct coach_error *
resolve_one(git_repository *repo, git_index *idx, const git_index_entry *anc,
	const git_index_entry *ours, const git_index_entry *theirs,
	struct coach_integrate *out)
{
	const git_index_entry *any = ours ? ours : theirs ? theirs : anc;
	/* The entries go with git_index_conflict_remove(): keep what is
	 * needed after it. */
	char *path = coach_xstrdup(any->path);
	uint32_t mode = any->mode;
	git_blob *b[3] = { NULL, NULL, NULL };
	struct coach_merge_result res;
	struct coach_error *err = NULL;
	git_index_entry ie;

	memset(&res, 0, sizeof(res));
	if ((err = entry_text(repo, anc, &b[0])) != NULL ||
	    (err = entry_text(repo, ours, &b[1])) != NULL ||
	    (err = entry_text(repo, theirs, &b[2])) != NULL)
		goto done;
#define TXT(i) (b[i] ? (const char *)git_blob_rawcontent(b[i]) : NULL), \
	(b[i] ? (size_t)git_blob_rawsize(b[i]) : 0)
	err = coach_merge_record(path, TXT(0), TXT(1), TXT(2), &res);
#undef TXT
	if (err != NULL)
		goto done;
	out->conflicts += res.conflicts;
	for (size_t i = 0; i < res.nnotes; i++)
		coach_strlist_add(&out->notes, res.notes[i]);
	if (git_index_conflict_remove(idx, path) < 0) {
		err = store_git_fail(path);
		goto done;
	}
	if (res.text == NULL)
		goto done;	/* the merge removes the file */
	memset(&ie, 0, sizeof(ie));
	ie.mode = mode;
	ie.path = path;
	if (git_blob_create_from_buffer(&ie.id, repo, res.text, res.len) < 0 ||
	    git_index_add(idx, &ie) < 0)
		err = store_git_fail(path);
done:
	coach_merge_result_free(&res);
	for (int i = 0; i < 3; i++)
		git_blob_free(b[i]);
	free(path);
	return err;
}

/* Resolves every conflict of idx.  The conflicts are listed first:
 * resolving changes the index under an iterator. */
static struct coach_error *
resolve_all(git_repository *repo, git_index *idx,
	struct coach_integrate *out)
{
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *a, *o, *t;
	struct coach_strlist paths = COACH_STRLIST_INIT;
	struct coach_error *err = NULL;

	if (git_index_conflict_iterator_new(&it, idx) < 0)
		return store_git_fail("reading the merge's conflicts");
	while (git_index_conflict_next(&a, &o, &t, it) == 0)
		coach_strlist_add(&paths, (o ? o : t ? t : a)->path);
	git_index_conflict_iterator_free(it);
	for (size_t i = 0; i < paths.n && err == NULL; i++) {
		if (git_index_conflict_get(&a, &o, &t, idx, paths.v[i]) < 0) {
			err = store_git_fail(paths.v[i]);
			break;
		}
		err = resolve_one(repo, idx, a, o, t, out);
	}
	coach_strlist_free(&paths);
	return err;
}

/* The merge commit of ours and theirs; *tree_out its tree. */
static struct coach_error *
merge_commit(git_oid *out, git_tree **tree_out, struct coach_store *s,
	git_commit *ours, git_commit *theirs, const char *label,
	struct coach_integrate *res)
{
	git_repository *repo = s->repo;
	git_merge_options mo;
	git_index *idx = NULL;
	git_oid tree_id;
	git_signature *author = NULL, *committer = NULL;
	char *name = NULL, *email = NULL, *cname = NULL, *cemail = NULL;
	char *msg = NULL;
	struct coach_error *err = NULL;

	git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
	if (git_merge_commits(&idx, repo, ours, theirs, &mo) < 0) {
		err = store_git_fail("merging");
		goto done;
	}
	if ((err = resolve_all(repo, idx, res)) != NULL)
		goto done;
	if (git_index_write_tree_to(&tree_id, idx, repo) < 0 ||
	    git_tree_lookup(tree_out, repo, &tree_id) < 0) {
		err = store_git_fail("writing the merged tree");
		goto done;
	}
	if ((err = coach_store_identity(s, &name, &email)) != NULL ||
	    (err = store_committer(s, &cname, &cemail)) != NULL)
		goto done;
	if (git_signature_now(&author, name, email) < 0 ||
	    git_signature_now(&committer, cname, cemail) < 0) {
		err = store_git_fail("the author in git config");
		goto done;
	}
	msg = coach_xasprintf("sync: merge %s%s\n", label, res->conflicts ?
		" (with conflicts kept in the records: see coach check)" : "");
	const git_commit *parents[2] = { ours, theirs };
	if (git_commit_create(out, repo, NULL, author, committer, NULL, msg,
	    *tree_out, 2, parents) < 0)
		err = store_git_fail("writing the merge commit");
done:
	free(msg);
	free(name);
	free(email);
	free(cname);
	free(cemail);
	git_signature_free(author);
	git_signature_free(committer);
	git_index_free(idx);
	return err;
}

/* Files that differ between two trees. */
static size_t
changed_files(git_repository *repo, git_tree *a, git_tree *b)
{
	git_diff *d = NULL;
	size_t n = 0;
	if (git_diff_tree_to_tree(&d, repo, a, b, NULL) == 0)
		n = git_diff_num_deltas(d);
	git_diff_free(d);
	return n;
}

/* Work tree and index from old to new, then the branch to target. */
static struct coach_error *
move_to(struct coach_store *s, const char *branch, git_commit *old,
	git_tree *old_tree, git_tree *new_tree, const git_oid *target,
	const char *log)
{
	git_checkout_options co;
	git_reference *ref = NULL;
	int rc;

	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	co.baseline = old_tree;
	rc = git_checkout_tree(s->repo, (git_object *)new_tree, &co);
	if (rc == GIT_ECONFLICT)
		return coach_error_coded(COACH_E_CONFLICT, "files changed "
			"while syncing (%s): run coach sync again",
			store_git_msg());
	if (rc < 0)
		return store_git_fail("writing the merged files");
	rc = git_reference_create_matching(&ref, s->repo, branch, target, 1,
		git_commit_id(old), log);
	git_reference_free(ref);
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS)
		return coach_error_coded(COACH_E_CONFLICT, "%s was changed by "
			"another program while syncing; run coach sync again",
			branch);
	if (rc < 0)
		return store_git_fail(branch);
	return NULL;
}

struct coach_error *
coach_store_integrate(struct coach_store *s, const char *refname,
	const char *label, struct coach_integrate *out)
{
	git_repository *repo = s->repo;
	git_oid ours_id, theirs_id, merged;
	git_commit *ours = NULL, *theirs = NULL;
	git_tree *ours_tree = NULL, *new_tree = NULL;
	struct coach_error *err = NULL;
	char *branch = NULL, *bref = NULL, *log = NULL;
	size_t ahead, behind;

	memset(out, 0, sizeof(*out));
	if (git_reference_name_to_id(&theirs_id, repo, refname) < 0)
		goto done;	/* nothing fetched: an empty remote */
	if ((err = coach_store_head_branch(s, &branch)) != NULL)
		goto done;
	bref = coach_xasprintf("refs/heads/%s", branch);
	if (git_reference_name_to_id(&ours_id, repo, bref) < 0 ||
	    git_commit_lookup(&ours, repo, &ours_id) < 0 ||
	    git_commit_lookup(&theirs, repo, &theirs_id) < 0 ||
	    git_commit_tree(&ours_tree, ours) < 0 ||
	    git_graph_ahead_behind(&ahead, &behind, repo, &ours_id,
	    &theirs_id) < 0) {
		err = store_git_fail("reading the commits to merge");
		goto done;
	}
	out->commits = behind;
	if (behind == 0)
		goto done;	/* theirs is in ours already */
	if (ahead == 0) {
		out->how = COACH_SYNC_FAST_FORWARD;
		if (git_commit_tree(&new_tree, theirs) < 0) {
			err = store_git_fail("reading the fetched commit");
			goto done;
		}
		git_oid_cpy(&merged, &theirs_id);
		log = coach_xasprintf("coach sync: fast-forward to %s", label);
	} else if (git_merge_base(&merged, repo, &ours_id, &theirs_id) ==
	    GIT_ENOTFOUND) {
		err = coach_error_coded(COACH_E_CONFLICT, "%s has a history of "
			"its own, with nothing in common with this repository's "
			"(two repositories made with coach init?): nothing was "
			"merged; to work on the remote's records, clone it (git "
			"clone URL) and add yours again there", label);
		goto done;
	} else {
		out->how = COACH_SYNC_MERGED;
		if ((err = merge_commit(&merged, &new_tree, s, ours, theirs,
		    label, out)) != NULL)
			goto done;
		log = coach_xasprintf("coach sync: merge %s", label);
	}
	out->files = changed_files(repo, ours_tree, new_tree);
	err = move_to(s, bref, ours, ours_tree, new_tree, &merged, log);
done:
	if (err != NULL)
		out->how = COACH_SYNC_NOTHING;
	free(log);
	free(bref);
	free(branch);
	git_tree_free(new_tree);
	git_tree_free(ours_tree);
	git_commit_free(theirs);
	git_commit_free(ours);
	return err;
}
