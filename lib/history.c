/*
 * history.c: timelines and differences in words (see history.h).
 */
#include <stdlib.h>
#include <string.h>

#include "history.h"

void
coach_history_free(struct coach_history *h)
{
	for (size_t i = 0; i < h->n; i++) {
		coach_commit_free(&h->v[i].commit);
		coach_recdiffs_free(&h->v[i].changes);
	}
	for (size_t i = 0; i < h->nproblems; i++) {
		free(h->problems[i].path);
		free(h->problems[i].message);
	}
	free(h->v);
	free(h->problems);
	memset(h, 0, sizeof(*h));
}

struct reading {
	struct coach_history *out;
	const struct coach_recdiff_opts *opts;
	char *follow; /* the followed record's path at this point, or NULL */
};

static void
add_problem(struct coach_history *h, const char *commit,
	struct coach_recdiff_problem *p)
{
	if (h->nproblems == h->problems_cap) {
		h->problems_cap = h->problems_cap ? h->problems_cap * 2 : 4;
		h->problems = coach_xrealloc(h->problems,
		    h->problems_cap * sizeof(*h->problems));
	}
	struct coach_history_problem *x = &h->problems[h->nproblems++];
	memcpy(x->commit, commit, sizeof(x->commit));
	x->path = p->path;
	x->message = p->message;
	p->path = p->message = NULL;
}

/* Keeps only the followed record's change, and moves the followed path
 * back to where the record was before a move. */
static void
keep_followed(struct reading *rd, struct coach_recdiffs *c)
{
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++) {
		struct coach_recdiff *x = &c->v[i];
		if (strcmp(x->path, rd->follow) != 0) {
			coach_recdiff_free(x);
			continue;
		}
		if (x->what == COACH_CHANGE_MOVED && x->old_path) {
			free(rd->follow);
			rd->follow = coach_xstrdup(x->old_path);
		}
		c->v[k++] = *x;
	}
	c->n = k;
}

static struct coach_error *
read_one(void *arg, const struct coach_commit *commit,
	const struct coach_files *old, const struct coach_files *new,
	int *stop)
{
	struct reading *rd = arg;
	struct coach_history *h = rd->out;
	struct coach_recdiffs c = COACH_CHANGES_INIT;
	(void)stop;

	coach_recdiffs_between(old, new, rd->opts, &c);
	for (size_t i = 0; i < c.nproblems; i++)
		if (rd->follow == NULL ||
		    strcmp(c.problems[i].path, rd->follow) == 0)
			add_problem(h, commit->oid, &c.problems[i]);
	if (rd->follow)
		keep_followed(rd, &c);
	if (c.n == 0) {
		coach_recdiffs_free(&c);
		return NULL;
	}
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 16;
		h->v = coach_xrealloc(h->v, h->cap * sizeof(*h->v));
	}
	struct coach_history_item *it = &h->v[h->n++];
	it->commit = *commit;
	it->commit.author_name = coach_xstrdup(commit->author_name);
	it->commit.author_email = coach_xstrdup(commit->author_email);
	it->commit.summary = coach_xstrdup(commit->summary);
	it->changes = c;
	return NULL;
}

struct coach_error *
coach_history_read(struct coach_store *s, const char *prefix,
	const char *follow, long long since,
	const struct coach_recdiff_opts *opts, struct coach_history *out)
{
	struct reading rd = { out, opts, follow ? coach_xstrdup(follow) :
		NULL };
	struct coach_error *err = coach_store_walk(s, prefix, since, read_one,
	    &rd);
	free(rd.follow);
	return err;
}

/* Whether path (may be NULL) differs between HEAD and the work tree. */
static int
uncommitted(const struct coach_files *head, const struct coach_files *work,
	const char *path)
{
	if (path == NULL)
		return 0;
	const struct coach_file *h = coach_files_find(head, path);
	const struct coach_file *w = coach_files_find(work, path);
	if (h == NULL || w == NULL)
		return h != w;
	return strcmp(h->oid, w->oid) != 0;
}

/*
 * Marks the changes that include edits not yet committed: HEAD's files are
 * compared with the work tree's by content, which costs only the folder
 * (git's status would read the whole index of a large repository).
 */
static struct coach_error *
mark_uncommitted(struct coach_store *s, const char *prefix,
	const struct coach_files *work, struct coach_recdiffs *out, size_t first)
{
	struct coach_files head = COACH_FILES_INIT;
	char oid[41];
	struct coach_error *err = coach_store_rev(s, "HEAD", oid);
	if (err) {
		/* No commit yet: everything is uncommitted. */
		coach_error_free(err);
		err = NULL;
	} else if ((err = coach_store_files_at(s, oid, prefix, &head))) {
		goto done;
	}
	for (size_t i = first; i < out->n; i++)
		out->v[i].uncommitted = uncommitted(&head, work,
		    out->v[i].path) || uncommitted(&head, work,
		    out->v[i].old_path);
done:
	coach_files_free(&head);
	return err;
}

struct coach_error *
coach_diff_read(struct coach_store *s, const char *prefix, const char *from,
	const char *to, const struct coach_recdiff_opts *opts,
	struct coach_recdiffs *out)
{
	struct coach_files a = COACH_FILES_INIT, b = COACH_FILES_INIT;
	struct coach_error *err = NULL;
	size_t first = out->n;

	if ((from && (err = coach_store_files_at(s, from, prefix, &a))) ||
	    (err = coach_store_files_at(s, to, prefix, &b)))
		goto done;
	coach_recdiffs_between(&a, &b, opts, out);
	if (to == NULL && out->n > first)
		err = mark_uncommitted(s, prefix, &b, out, first);
done:
	coach_files_free(&a);
	coach_files_free(&b);
	return err;
}
