/*
 * sync.c: "coach sync [REMOTE]": commits hand edits, fetches, merges
 * record by record and pushes (lib/sync.h), then says in one line what
 * happened.  Progress goes to stderr when it is a terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "../lib/publish.h"
#include "../lib/store.h"
#include "../lib/sync.h"

/* "1.2 MiB" */
static void
human_bytes(char *out, size_t n, double bytes)
{
	const char *units[] = { "B", "KiB", "MiB", "GiB" };
	int u = 0;
	while (bytes >= 1024 && u < 3) {
		bytes /= 1024;
		u++;
	}
	snprintf(out, n, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
}

struct progress {
	int shown;	/* a line is on the terminal */
	int pushing;	/* of the line shown */
	double last;	/* seconds at the last line drawn */
};

/* Straight to the terminal: the output sink (cmd/ui.c) would show the
 * carriage return and the erase-line sequence as '?'.  The text is
 * coach's own, digits and words only. */
static void
term_write(const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void
progress_end(struct progress *pr)
{
	if (pr->shown)
		term_write("\n");
	pr->shown = 0;
}

static void
show_progress(const struct coach_net_progress *p, void *arg)
{
	struct progress *pr = arg;
	char size[32], rate[32], line[160];

	if (pr->shown && pr->pushing != p->pushing)
		progress_end(pr);	/* the fetch's line stays */
	if (pr->shown && p->seconds - pr->last < 0.1 &&
	    !(p->total > 0 && p->objects >= p->total))
		return;	/* at most ten lines a second, and the last */
	pr->last = p->seconds;
	pr->shown = 1;
	pr->pushing = p->pushing;
	human_bytes(size, sizeof(size), (double)p->bytes);
	human_bytes(rate, sizeof(rate), p->seconds > 0 ?
	    (double)p->bytes / p->seconds : 0);
	snprintf(line, sizeof(line), "\r%s objects: %3u%% (%zu/%zu), %s | "
	    "%s/s\033[K", p->pushing ? "Sending" : "Receiving",
	    p->total ? (unsigned)(p->objects * 100 / p->total) : 0,
	    p->objects, p->total, size, rate);
	fflush(stderr);
	term_write(line);
}

/* "pulled 3 commits (5 files) from origin, merged, pushed 2 commits to
 * origin". */
static void
say_what_happened(const struct coach_sync_result *res)
{
	struct coach_buf b = COACH_BUF_INIT;

	if (res->hand_edits != NULL)
		coach_buf_printf(&b, "committed %s; ", res->hand_edits);
	if (res->pulled > 0)
		coach_buf_printf(&b, "pulled %zu commit%s (%zu file%s "
		    "changed) from %s%s", res->pulled,
		    res->pulled == 1 ? "" : "s", res->files,
		    res->files == 1 ? "" : "s", res->remote,
		    res->merged ? ", merged" : "");
	if (res->pushed > 0)
		coach_buf_printf(&b, "%spushed %zu commit%s to %s%s",
		    res->pulled > 0 ? ", " : "", res->pushed,
		    res->pushed == 1 ? "" : "s", res->remote,
		    res->first_push ? " (its first)" : "");
	if (res->pulled == 0 && res->pushed == 0)
		coach_buf_printf(&b, "up to date with %s", res->remote);
	if (res->retries > 0)
		coach_buf_printf(&b, " (tried %zu more time%s: others pushed "
		    "meanwhile)", res->retries, res->retries == 1 ? "" : "s");
	if (res->conflicts > 0)
		coach_buf_printf(&b, "; %zu conflicting value%s kept in the "
		    "records: see coach check", res->conflicts,
		    res->conflicts == 1 ? "" : "s");
	printf("%s\n", coach_buf_str(&b));
	coach_buf_free(&b);
}

/* "coach sync --publish [REMOTE]": the summary, to the trust's remote. */
static struct coach_error *
publish(struct coach_ctx *ctx, const char *remote,
	const struct coach_net_opts *o)
{
	struct coach_publish p;
	struct coach_error *err = coach_publish_push(ctx->repo,
	    remote ? remote : "trust", o, &p);
	if (err == NULL)
		printf("published %s to %s as summary/%s: %zu records%s\n",
		    p.committed ? "a new summary" : "the summary (unchanged)",
		    remote ? remote : "trust", p.school_id, p.kept,
		    p.full ? " in full (privacy: {trust: full})" :
		    ", front-matter only, private entries left out");
	free(p.school_id);
	return err;
}

static struct coach_error *
sync_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_sync_result res;
	struct progress pr = { 0, 0, 0 };
	struct coach_net_opts o = { 0, NULL, NULL };
	struct coach_error *err;

	if (isatty(STDERR_FILENO)) {
		o.progress = show_progress;
		o.progress_arg = &pr;
	}
	if (coach_opt_given(ctx, "publish")) {
		err = publish(ctx, argc > 1 ? argv[1] : NULL, &o);
		if (pr.shown)
			fputs("\r\033[K", stderr);
		return err;
	}
	/* A clone gets the merge driver on its first sync, so that a plain
	 * git pull in it merges records key by key too (see coach(5)). */
	char *program = coach_self_program();
	err = coach_store_merge_driver_setup(coach_repo_store(ctx->repo),
	    program);
	free(program);
	if (err != NULL)
		return err;
	err = coach_sync_run(ctx->repo, argc > 1 ? argv[1] : NULL, &o, &res);
	progress_end(&pr);
	for (size_t i = 0; i < res.notes.n; i++)
		fprintf(stderr, "note: %s\n", res.notes.v[i]);
	if (err == NULL)
		say_what_happened(&res);
	coach_sync_result_free(&res);
	return err;
}

static const struct coach_opt sync_opts[] = {
	{ "publish", 0, 0, NULL, "push only the summary for the trust "
	  "(REMOTE defaults to trust)" },
	{ 0 },
};

static const struct coach_form sync_forms[] = {
	{ .usage = "[REMOTE] [--publish]", .opts = sync_opts,
	  .min = 0, .max = 1, .need = "a REMOTE",
	  .extra = "sync takes at most one REMOTE", .exec = sync_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_sync = {
	.name = "sync",
	.summary = "commit hand edits, fetch, merge and push",
	.flags = COACH_CMD_REPO,
	.forms = sync_forms,
};
