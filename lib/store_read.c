/*
 * store_read.c: reading the repository: the work tree's changes against
 * HEAD, the distance to the upstream, what HEAD holds.
 */
#include "store_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Reading */

/* Orders "X path" entries by path. */
static int
by_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 2, *(char *const *)b + 2);
}

static char
change_letter(unsigned st)
{
	int in_head = !(st & GIT_STATUS_INDEX_NEW) &&
		!((st & GIT_STATUS_WT_NEW) && !(st & GIT_STATUS_INDEX_DELETED));
	int in_wt = !(st & GIT_STATUS_WT_DELETED) &&
		!((st & GIT_STATUS_INDEX_DELETED) && !(st & GIT_STATUS_WT_NEW));
	if (in_head && in_wt)
		return 'M';
	if (in_head)
		return 'D';
	if (in_wt)
		return 'A';
	return 0;
}

struct coach_error *
coach_store_changes(struct coach_store *s, const char *prefix,
	struct coach_strlist *out)
{
	git_status_options opts;
	git_status_list *list = NULL;
	git_repository *folder = NULL;
	struct coach_error *err = NULL;
	char *spec = store_strip_slash(prefix);
	char *specs[1] = { spec };
	size_t first = out->n;

	/* Nothing changed in one folder: told without libgit2's status,
	 * which reads the whole index.  Something changed there: libgit2
	 * says what, from an index of that folder's entries only. */
	if (store_folder_check(s, prefix, &folder))
		goto done;
	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
		GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH |
		GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	/* A literal path: it matches itself and everything below it. */
	if (*spec != '\0' && strcmp(spec, "/") != 0) {
		opts.pathspec.strings = specs;
		opts.pathspec.count = 1;
	}
	if (folder != NULL)
		opts.flags |= GIT_STATUS_OPT_NO_REFRESH;
	if (git_status_list_new(&list, folder ? folder : s->repo, &opts) < 0) {
		err = store_git_fail("reading the work tree's status");
		goto done;
	}
	for (size_t i = 0; i < git_status_list_entrycount(list); i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->head_to_index != NULL ?
			e->head_to_index : e->index_to_workdir;
		char c = change_letter(e->status);
		if (c == 0 || d == NULL)
			continue;
		const char *p = d->new_file.path != NULL ? d->new_file.path :
			d->old_file.path;
		coach_strlist_add_owned(out, coach_xasprintf("%c %s", c, p));
	}
	if (out->n > first)
		qsort(out->v + first, out->n - first, sizeof(*out->v), by_path);
done:
	git_status_list_free(list);
	git_repository_free(folder);
	free(spec);
	return err;
}

/*
 * The name of the ref the remote-tracking branch for merge ("refs/heads/x"
 * on remote) is fetched into, from remote.<remote>.fetch; NULL when no
 * refspec maps it.
 */
static char *
tracking_ref(git_config *cfg, const char *remote, const char *merge)
{
	git_config_iterator *it = NULL;
	git_config_entry *ce;
	git_buf out = GIT_BUF_INIT;
	char *key = coach_xasprintf("remote.%s.fetch", remote);
	char *name = NULL;

	if (git_config_multivar_iterator_new(&it, cfg, key, NULL) < 0)
		goto done;
	while (name == NULL && git_config_next(&ce, it) == 0) {
		git_refspec *spec = NULL;
		if (git_refspec_parse(&spec, ce->value, 1) == 0 &&
		    git_refspec_src_matches(spec, merge) &&
		    git_refspec_transform(&out, spec, merge) == 0)
			name = coach_xstrdup(out.ptr);
		git_refspec_free(spec);
	}
done:
	git_buf_dispose(&out);
	git_config_iterator_free(it);
	free(key);
	return name;
}

/*
 * What git_branch_upstream() finds, from branch.<name>.remote and
 * branch.<name>.merge.  Done by hand because libgit2 1.5.1's
 * git_branch_upstream() goes through git_remote_lookup(), which leaks a
 * pcre2 match block (some 20 KiB) on every call.  *out is NULL when the
 * branch has no upstream.
 */
static struct coach_error *
upstream_name(char **out, git_repository *repo, const char *branch)
{
	git_config *cfg = NULL;
	struct coach_error *err = NULL;
	char *key = NULL, *remote = NULL, *merge = NULL;

	*out = NULL;
	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		err = store_git_fail("reading git config");
		goto done;
	}
	key = coach_xasprintf("branch.%s.remote", branch);
	if ((err = store_config_string(cfg, key, &remote)) != NULL)
		goto done;
	free(key);
	key = coach_xasprintf("branch.%s.merge", branch);
	if ((err = store_config_string(cfg, key, &merge)) != NULL)
		goto done;
	if (remote == NULL || merge == NULL || *remote == '\0')
		goto done;
	if (strcmp(remote, ".") == 0)
		*out = coach_xstrdup(merge);	/* a local branch */
	else
		*out = tracking_ref(cfg, remote, merge);
done:
	free(merge);
	free(remote);
	free(key);
	git_config_free(cfg);
	return err;
}

struct coach_error *
coach_store_ahead_behind(struct coach_store *s, size_t *ahead,
	size_t *behind, int *has_upstream)
{
	git_reference *head = NULL;
	git_oid up;
	struct coach_error *err = NULL;
	char *upname = NULL;
	int rc;

	*ahead = *behind = 0;
	*has_upstream = 0;
	rc = git_repository_head(&head, s->repo);
	if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND)
		goto done;
	if (rc < 0) {
		err = store_git_fail("reading HEAD");
		goto done;
	}
	if (!git_reference_is_branch(head))
		goto done;	/* detached: no upstream */
	err = upstream_name(&upname, s->repo,
		git_reference_name(head) + strlen("refs/heads/"));
	if (err != NULL || upname == NULL)
		goto done;
	/* Configured but not fetched yet: nothing to compare with. */
	if (git_reference_name_to_id(&up, s->repo, upname) < 0)
		goto done;
	if (git_graph_ahead_behind(ahead, behind, s->repo,
	    git_reference_target(head), &up) < 0) {
		err = store_git_fail("comparing with the upstream");
		goto done;
	}
	*has_upstream = 1;
done:
	free(upname);
	git_reference_free(head);
	return err;
}

int
coach_store_head_has(struct coach_store *s, const char *path)
{
	git_object *obj = NULL;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	int has = 0;

	if (git_revparse_single(&obj, s->repo, "HEAD^{tree}") < 0)
		goto done;
	tree = (git_tree *)obj;
	obj = NULL;
	if (git_tree_entry_bypath(&e, tree, path) < 0)
		goto done;
	has = git_tree_entry_type(e) == GIT_OBJECT_BLOB;
done:
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_object_free(obj);
	return has;
}

struct coach_error *
coach_store_file_state(struct coach_store *s, const char *path,
	enum coach_file_state *out)
{
	git_object *obj = NULL;
	git_tree_entry *e = NULL;
	git_oid have;
	char *abs = coach_path_join(s->root, path);
	struct coach_error *err = NULL;
	struct stat st;
	int in_head = 0, in_work;

	*out = COACH_FILE_SAME;
	if (git_revparse_single(&obj, s->repo, "HEAD^{tree}") == 0 &&
	    git_tree_entry_bypath(&e, (git_tree *)obj, path) == 0)
		in_head = git_tree_entry_type(e) == GIT_OBJECT_BLOB;
	in_work = lstat(abs, &st) == 0;
	if (!in_work && errno != ENOENT && errno != ENOTDIR) {
		err = coach_error_errno("cannot read", abs);
		goto done;
	}
	if (in_work && !in_head)
		*out = COACH_FILE_UNTRACKED;
	else if (!in_work && in_head)
		*out = COACH_FILE_DELETED;
	else if (in_work && (!S_ISREG(st.st_mode) ||
	    git_odb_hashfile(&have, abs, GIT_OBJECT_BLOB) < 0 ||
	    !git_oid_equal(&have, git_tree_entry_id(e))))
		*out = COACH_FILE_MODIFIED;
done:
	git_tree_entry_free(e);
	git_object_free(obj);
	free(abs);
	return err;
}

struct coach_error *
coach_store_head_dir(struct coach_store *s, const char *dir,
	char tree_id[41], struct coach_strlist *out)
{
	git_object *obj = NULL;
	git_tree_entry *e = NULL;
	git_tree *tree = NULL;
	struct coach_error *err = NULL;

	tree_id[0] = '\0';
	if (git_revparse_single(&obj, s->repo, "HEAD^{tree}") < 0 ||
	    git_tree_entry_bypath(&e, (git_tree *)obj, dir) < 0 ||
	    git_tree_entry_type(e) != GIT_OBJECT_TREE)
		goto done;	/* no commit yet, or no such folder */
	if (out == NULL) {
		/* The id alone: the folder's tree is not read. */
		git_oid_tostr(tree_id, 41, git_tree_entry_id(e));
		goto done;
	}
	if (git_tree_lookup(&tree, s->repo, git_tree_entry_id(e)) < 0) {
		err = store_git_fail(dir);
		goto done;
	}
	git_oid_tostr(tree_id, 41, git_tree_id(tree));
	for (size_t i = 0; i < git_tree_entrycount(tree); i++) {
		const git_tree_entry *f = git_tree_entry_byindex(tree, i);
		char hex[GIT_OID_HEXSZ + 1];
		if (git_tree_entry_type(f) != GIT_OBJECT_BLOB)
			continue;
		git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(f));
		coach_strlist_add_owned(out, coach_xasprintf("%s %s", hex,
			git_tree_entry_name(f)));
	}
done:
	git_tree_free(tree);
	git_tree_entry_free(e);
	git_object_free(obj);
	return err;
}

struct coach_error *
coach_store_blob(struct coach_store *s, const char *hex, size_t max,
	struct coach_buf *out)
{
	git_oid id;
	git_blob *blob = NULL;
	struct coach_error *err = NULL;
	if (git_oid_fromstr(&id, hex) < 0 ||
	    git_blob_lookup(&blob, s->repo, &id) < 0) {
		err = store_git_fail(hex);
		goto done;
	}
	if ((size_t)git_blob_rawsize(blob) > max) {
		err = coach_error_new(COACH_FAIL, "blob %s is larger than %zu "
			"bytes", hex, max);
		goto done;
	}
	coach_buf_add(out, git_blob_rawcontent(blob),
		(size_t)git_blob_rawsize(blob));
done:
	git_blob_free(blob);
	return err;
}
