/*
 * sync.c: coach sync: hand edits, fetch, merge, push, under one lock.
 */
#include "sync.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "change.h"

void
coach_sync_result_free(struct coach_sync_result *res)
{
	free(res->remote);
	free(res->branch);
	free(res->hand_edits);
	coach_strlist_free(&res->notes);
	memset(res, 0, sizeof(*res));
}

struct coach_error *
coach_sync_default_remote(struct coach_store *s, char **out)
{
	struct coach_strlist names = COACH_STRLIST_INIT;
	struct coach_strlist urls = COACH_STRLIST_INIT;
	struct coach_error *err;

	*out = NULL;
	if ((err = coach_store_remote_list(s, &names, &urls)) != NULL)
		goto done;
	if (names.n == 1)
		*out = coach_xstrdup(names.v[0]);
	else if (coach_strlist_has(&names, "origin"))
		*out = coach_xstrdup("origin");
	else if (names.n == 0)
		err = coach_error_coded(COACH_E_NOTFOUND, "no remote to sync "
			"with: add the school's repository first with coach "
			"remote add origin URL");
	else
		err = coach_error_coded(COACH_E_USAGE, "there are %zu remotes "
			"and none is called origin: name the one to sync with "
			"(coach sync NAME; coach remote list shows them)",
			names.n);
done:
	coach_strlist_free(&names);
	coach_strlist_free(&urls);
	return err;
}

/* sync works with a remote's name: its remote-tracking refs and the
 * branch's upstream name it. */
static struct coach_error *
check_remote(struct coach_store *s, const char *remote)
{
	struct coach_strlist names = COACH_STRLIST_INIT;
	struct coach_strlist urls = COACH_STRLIST_INIT;
	struct coach_error *err = coach_store_remote_list(s, &names, &urls);
	if (err == NULL && !coach_strlist_has(&names, remote)) {
		char *shown = coach_url_mask(remote);
		err = coach_error_coded(COACH_E_NOTFOUND, "no remote '%s': "
			"coach sync takes a remote's name; add one with coach "
			"remote add NAME URL (coach remote list shows them)",
			shown);
		free(shown);
	}
	coach_strlist_free(&names);
	coach_strlist_free(&urls);
	return err;
}

/* ------------------------------------------------------------------ */
/* Hand edits: every uncommitted change in the work tree, in one commit */

static struct coach_error *
stage_hand_edits(struct coach_change *ch, void *arg)
{
	const struct coach_strlist *changes = arg;
	struct coach_error *err = NULL;

	for (size_t i = 0; i < changes->n && err == NULL; i++) {
		const char *c = changes->v[i];
		const char *path = c + 2;
		if (c[0] == 'D') {
			coach_change_remove(ch, path);
			continue;
		}
		struct coach_buf b = COACH_BUF_INIT;
		int exists;
		err = coach_change_read(ch, path, &b, &exists);
		if (err == NULL && exists)
			coach_change_write(ch, path, b.ptr ? b.ptr : "", b.len);
		coach_buf_free(&b);
	}
	if (changes->n == 1)
		coach_change_message(ch, "hand edits to %s",
			changes->v[0] + 2);
	else
		coach_change_message(ch, "hand edits to %zu files",
			changes->n);
	return err;
}

static struct coach_error *
commit_hand_edits(struct coach_repo *r, struct coach_txn *t,
	struct coach_sync_result *out)
{
	struct coach_strlist changes = COACH_STRLIST_INIT;
	struct coach_error *err;
	char oid[41];

	err = coach_store_changes(coach_repo_store(r), "", &changes);
	if (err != NULL || changes.n == 0)
		goto done;
	err = coach_change_run_locked(r, t, stage_hand_edits, &changes,
		&out->notes, oid);
	if (err != NULL) {
		err = coach_error_prefix(err, "the files edited by hand were "
			"not committed, so nothing was synced");
		goto done;
	}
	out->hand_edits = changes.n == 1 ?
		coach_xasprintf("hand edits to %s", changes.v[0] + 2) :
		coach_xasprintf("hand edits to %zu files", changes.n);
done:
	coach_strlist_free(&changes);
	return err;
}

/* ------------------------------------------------------------------ */
/* Fetch, merge, push */

static struct coach_error *
fetch_and_merge(struct coach_store *s, struct coach_sync_result *out,
	const struct coach_net_opts *opts, const char *tracking)
{
	struct coach_integrate in;
	struct coach_error *err;
	char *spec = coach_xasprintf("+refs/heads/%s:%s", out->branch,
		tracking);
	char *label = coach_xasprintf("%s/%s", out->remote, out->branch);
	const char *specs[1] = { spec };

	memset(&in, 0, sizeof(in));
	if ((err = coach_store_fetch(s, out->remote, specs, 1, opts)) != NULL)
		goto done;
	if ((err = coach_store_integrate(s, tracking, label, &in)) != NULL)
		goto done;
	out->pulled += in.commits;
	out->files += in.files;
	out->conflicts += in.conflicts;
	if (in.how == COACH_SYNC_MERGED)
		out->merged = 1;
	for (size_t i = 0; i < in.notes.n; i++)
		coach_strlist_add(&out->notes, in.notes.v[i]);
done:
	coach_strlist_free(&in.notes);
	free(label);
	free(spec);
	return err;
}

/* A pause before trying again, longer each time and different for each
 * process, so that two clones racing do not collide again in step. */
static void
back_off(size_t attempt)
{
	unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);
	long ms = 50L * (long)(attempt + 1) + (long)(rand_r(&seed) % 200);
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static struct coach_error *
push_loop(struct coach_store *s, struct coach_sync_result *out,
	const struct coach_net_opts *opts, const char *tracking)
{
	struct coach_error *err = NULL;
	char *local = coach_xasprintf("refs/heads/%s", out->branch);
	char *spec = coach_xasprintf("%s:%s", local, local);
	char hex[41];
	int found;

	for (size_t attempt = 0;; attempt++) {
		size_t ahead, behind;
		if ((err = fetch_and_merge(s, out, opts, tracking)) != NULL ||
		    (err = coach_store_count_ahead(s, local, tracking, &ahead,
		    &behind)) != NULL ||
		    (err = coach_store_ref_get(s, tracking, hex, &found)))
			break;
		if (ahead == 0)
			break;	/* nothing of ours is missing there */
		err = coach_store_push(s, out->remote, spec, opts);
		if (err == NULL) {
			out->pushed = ahead;
			out->first_push = !found;
			break;
		}
		if (coach_error_code(err) != COACH_E_CONFLICT)
			break;
		out->retries++;
		if (attempt + 1 >= COACH_SYNC_TRIES) {
			err = coach_error_prefix(err, "gave up after %d tries "
				"(others keep pushing); run coach sync again",
				COACH_SYNC_TRIES);
			break;
		}
		coach_error_free(err);
		err = NULL;
		back_off(attempt);
	}
	free(spec);
	free(local);
	return err;
}

/* branch.NAME.remote and .merge, unless the branch has an upstream. */
static struct coach_error *
set_upstream(struct coach_store *s, const struct coach_sync_result *out)
{
	char *key = coach_xasprintf("branch.%s.remote", out->branch);
	char *val = NULL, *merge = NULL;
	struct coach_error *err = coach_store_config_get(s, key, &val);
	if (err == NULL && val == NULL) {
		err = coach_store_config_set(s, key, out->remote);
		free(key);
		key = coach_xasprintf("branch.%s.merge", out->branch);
		merge = coach_xasprintf("refs/heads/%s", out->branch);
		if (err == NULL)
			err = coach_store_config_set(s, key, merge);
	}
	free(merge);
	free(val);
	free(key);
	return err;
}

struct coach_error *
coach_sync_run(struct coach_repo *r, const char *remote,
	const struct coach_net_opts *opts, struct coach_sync_result *out)
{
	struct coach_store *s = coach_repo_store(r);
	struct coach_txn *t = NULL;
	struct coach_error *err;
	char *tracking = NULL;

	memset(out, 0, sizeof(*out));
	if (remote != NULL) {
		if ((err = check_remote(s, remote)) != NULL)
			goto done;
		out->remote = coach_xstrdup(remote);
	} else if ((err = coach_sync_default_remote(s, &out->remote)) != NULL)
		goto done;
	if ((err = coach_store_begin(&t, s)) != NULL ||
	    (err = coach_store_head_branch(s, &out->branch)) != NULL ||
	    (err = commit_hand_edits(r, t, out)) != NULL)
		goto done;
	tracking = coach_xasprintf("refs/remotes/%s/%s", out->remote,
		out->branch);
	if ((err = push_loop(s, out, opts, tracking)) != NULL)
		goto done;
	err = set_upstream(s, out);
done:
	coach_txn_abort(t);
	free(tracking);
	return err;
}
