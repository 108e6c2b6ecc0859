/*
 * history.c: "coach history", what changed, when and by whom, and
 * "coach diff", what changed between two points, both in words.
 *
 *     coach history [COACHEE|ID|PATH] [--since DATE] [--format text|json]
 *     coach diff [COACHEE] [--since DATE|REV|last-meeting] [--until REV]
 *                [--format text|json]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "changes.h"
#include "cmd.h"
#include "common.h"
#include "../lib/history.h"
#include "../lib/ids.h"
#include "../lib/store_walk.h"

struct history_args {
	const char *target;
	const char *since;
	const char *until;
	int json;
};

static struct coach_error *
parse_args(struct coach_ctx *ctx, int argc, char **argv,
	struct history_args *a, int with_until)
{
	const char *format = coach_opt_value(ctx, "format");
	struct coach_error *err;
	a->since = coach_opt_value(ctx, "since");
	if (with_until)
		a->until = coach_opt_value(ctx, "until");
	if (format && (err = coach_format_arg(ctx, format, &a->json)))
		return err;
	if (argc > 1)
		a->target = argv[1];
	return NULL;
}

/*
 * History
 */

static int
is_dir(const struct coach_repo *r, const char *rel)
{
	char *p = coach_repo_abspath(r, rel);
	struct stat st;
	int ok = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
	free(p);
	return ok;
}

/* A handle with a staff record or a coaching folder. */
static int
is_coachee(struct coach_repo *r, const char *arg)
{
	struct coach_error *err = coach_handle_check("handle", arg);
	if (err) {
		coach_error_free(err);
		return 0;
	}
	char *staff = coach_path_staff(arg);
	char *dir = coach_xasprintf("coaching/%s", arg);
	int ok = coach_repo_exists(r, staff) || is_dir(r, dir);
	free(staff);
	free(dir);
	return ok;
}

/* The folder a record's history is read in: its coachee's, so that a
 * move inside it is seen, else its own. */
static char *
folder_of(const char *path)
{
	char *coachee = NULL;
	coach_path_kind(path, &coachee, NULL);
	if (coachee) {
		char *p = coach_xasprintf("coaching/%s/", coachee);
		free(coachee);
		return p;
	}
	const char *slash = strrchr(path, '/');
	return slash ? coach_xstrndup(path, (size_t)(slash - path + 1)) :
	    coach_xstrdup("");
}

/* What history covers: a coachee's folder, or one record (*follow). */
static struct coach_error *
history_target(struct coach_repo *r, const char *arg, char **prefix,
	char **follow)
{
	char *who = NULL, *rel = NULL;
	struct coach_error *err;
	*prefix = *follow = NULL;
	if (arg == NULL) {
		if ((err = coach_repo_coachee(r, NULL, &who)))
			return err;
		*prefix = coach_xasprintf("coaching/%s/", who);
		free(who);
		return NULL;
	}
	/* Also a coaching folder whose staff record is gone. */
	if (is_coachee(r, arg)) {
		*prefix = coach_xasprintf("coaching/%s/", arg);
		return NULL;
	}
	if ((err = coach_repo_find(r, arg, &rel)) == NULL) {
		*prefix = folder_of(rel);
		*follow = rel;
		return NULL;
	}
	/* A record that is gone from the work tree still has a history. */
	const char *p = strncmp(arg, "./", 2) == 0 ? arg + 2 : arg;
	if (coach_path_kind(p, NULL, NULL) != COACH_KIND_NONE) {
		coach_error_free(err);
		*prefix = folder_of(p);
		*follow = coach_xstrdup(p);
		return NULL;
	}
	return coach_error_prefix(err, "history");
}

static void
when(char out[32], const struct coach_commit *c, int iso)
{
	time_t t = (time_t)(c->time + (long long)c->offset * 60);
	struct tm tm;
	gmtime_r(&t, &tm);
	if (!iso) {
		strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
		return;
	}
	int off = c->offset < 0 ? -c->offset : c->offset;
	char date[24];
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%.19s%c%02d:%02d", date, c->offset < 0 ? '-' :
	    '+', (off / 60) % 100, off % 60);
}

static void
history_text(const struct coach_ctx *ctx, const struct coach_history *h,
	const struct coach_people *people)
{
	struct coach_buf out = COACH_BUF_INIT;
	for (size_t i = 0; i < h->n; i++) {
		const struct coach_history_item *it = &h->v[i];
		const char *handle = coach_people_handle(people,
		    it->commit.author_email);
		char t[32];
		when(t, &it->commit, 0);
		coach_buf_printf(&out, "%s%.7s%s  %s  ", coach_sgr_yellow(ctx),
		    it->commit.oid, coach_sgr_reset(ctx), t);
		coach_term_line(&out, handle ? handle : it->commit.author_name);
		if (it->commit.parents > 1)
			coach_buf_puts(&out, "  (merge, bringing in:)");
		coach_buf_putc(&out, '\n');
		coach_changes_text(ctx, &out, &it->changes, "    ", 0);
	}
	if (h->n == 0)
		coach_buf_puts(&out, "no changes\n");
	coach_pager_start((struct coach_ctx *)ctx);
	coach_out(out.ptr, out.len);
	coach_buf_free(&out);
}

static void
history_json(const struct coach_history *h, const char *prefix,
	const char *follow, const struct coach_people *people)
{
	struct coach_buf out = COACH_BUF_INIT;
	struct coach_json j;
	coach_json_init(&j, &out, 1);
	coach_json_obj_begin(&j);
	coach_json_key(&j, "folder");
	coach_json_str(&j, prefix);
	coach_json_key(&j, "record");
	coach_json_str(&j, follow);
	coach_json_key(&j, "commits");
	coach_json_arr_begin(&j);
	for (size_t i = 0; i < h->n; i++) {
		const struct coach_commit *c = &h->v[i].commit;
		char t[32];
		when(t, c, 1);
		coach_json_obj_begin(&j);
		coach_json_key(&j, "commit");
		coach_json_str(&j, c->oid);
		coach_json_key(&j, "date");
		coach_json_str(&j, t);
		coach_json_key(&j, "author");
		coach_json_str(&j, c->author_name);
		coach_json_key(&j, "email");
		coach_json_str(&j, c->author_email);
		coach_json_key(&j, "handle");
		coach_json_str(&j, coach_people_handle(people,
		    c->author_email));
		coach_json_key(&j, "message");
		coach_json_str(&j, c->summary);
		coach_json_key(&j, "merge");
		coach_json_bool(&j, c->parents > 1);
		coach_json_key(&j, "changes");
		coach_changes_json(&j, &h->v[i].changes);
		coach_json_obj_end(&j);
	}
	coach_json_arr_end(&j);
	coach_json_key(&j, "problems");
	coach_json_arr_begin(&j);
	for (size_t i = 0; i < h->nproblems; i++) {
		coach_json_obj_begin(&j);
		coach_json_key(&j, "commit");
		coach_json_str(&j, h->problems[i].commit);
		coach_json_key(&j, "path");
		coach_json_str(&j, h->problems[i].path);
		coach_json_key(&j, "message");
		coach_json_str(&j, h->problems[i].message);
		coach_json_obj_end(&j);
	}
	coach_json_arr_end(&j);
	coach_json_obj_end(&j);
	coach_buf_putc(&out, '\n');
	coach_out(out.ptr, out.len);
	coach_buf_free(&out);
}

static struct coach_error *
history_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	struct history_args a = { 0 };
	struct coach_people people = { 0 };
	struct coach_history h = COACH_HISTORY_INIT;
	char *prefix = NULL, *follow = NULL;
	long long since = 0;
	coach_day day;
	struct coach_error *err = parse_args(ctx, argc, argv, &a, 0);
	if (err)
		return err;
	if (a.since && (err = coach_date_arg("--since", a.since, &day)))
		return err;
	if (a.since)
		since = coach_day_start(day);
	if ((err = history_target(ctx->repo, a.target, &prefix, &follow)))
		goto done;
	coach_people_load(ctx->repo, &people);
	/* A timeline says what happened, not what was written: entries'
	 * words are for diff and show.  Ids as the lists show them. */
	struct coach_recdiff_opts ids = { NULL, NULL, NULL,
		coach_id_abbrev_of, ctx->repo };
	if ((err = coach_history_read(coach_repo_store(ctx->repo), prefix,
	    follow, since, &ids, &h)))
		goto done;
	for (size_t i = 0; i < h.nproblems; i++) {
		struct coach_buf b = COACH_BUF_INIT;
		coach_term_safe(&b, h.problems[i].message);
		fprintf(stderr, "coach: warning: commit %.7s: %s (left out)\n",
		    h.problems[i].commit, coach_buf_str(&b));
		coach_buf_free(&b);
	}
	if (a.json)
		history_json(&h, prefix, follow, &people);
	else
		history_text(ctx, &h, &people);
done:
	coach_history_free(&h);
	coach_people_free(&people);
	free(prefix);
	free(follow);
	return err;
}

static const struct coach_opt history_opts[] = {
	{ "since", 0, COACH_OPT_VALUE, "DATE", "only commits made on or after "
	    "DATE" },
	{ "format", 0, COACH_OPT_VALUE, "text|json", "text for people "
	    "(default) or JSON for programs" },
	{ 0 },
};

static const struct coach_form history_forms[] = {
	{ .usage = "[COACHEE|ID|PATH] [--since DATE] [--format text|json]",
	  .opts = history_opts, .max = 1,
	  .extra = "too many arguments: history takes one COACHEE, ID or PATH",
	  .exec = history_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_history = {
	.name = "history",
	.summary = "what changed, when and by whom, from git history",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = history_forms,
};

/*
 * Diff
 */

struct diff_section {
	char *coachee;
	struct coach_span span;
	struct coach_recdiffs changes;
};

static void
sections_free(struct diff_section *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].coachee);
		coach_span_free(&s[i].span);
		coach_recdiffs_free(&s[i].changes);
	}
	free(s);
}

static void
diff_text(const struct coach_ctx *ctx, const struct diff_section *s,
	size_t n)
{
	struct coach_buf out = COACH_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			coach_buf_putc(&out, '\n');
		coach_buf_printf(&out, "%s", coach_sgr_bold(ctx));
		coach_term_line(&out, s[i].coachee);
		coach_buf_printf(&out, "%s: since %s, to %s\n",
		    coach_sgr_reset(ctx), s[i].span.from_label,
		    s[i].span.to_label);
		if (s[i].changes.n == 0)
			coach_buf_puts(&out, "    nothing changed\n");
		coach_changes_text(ctx, &out, &s[i].changes, "    ", 0);
	}
	coach_pager_start((struct coach_ctx *)ctx);
	coach_out(out.ptr, out.len);
	coach_buf_free(&out);
}

static void
diff_json(const struct diff_section *s, size_t n)
{
	struct coach_buf out = COACH_BUF_INIT;
	struct coach_json j;
	coach_json_init(&j, &out, 1);
	coach_json_obj_begin(&j);
	coach_json_key(&j, "coachees");
	coach_json_arr_begin(&j);
	for (size_t i = 0; i < n; i++) {
		coach_json_obj_begin(&j);
		coach_json_key(&j, "coachee");
		coach_json_str(&j, s[i].coachee);
		coach_json_key(&j, "from");
		coach_json_str(&j, s[i].span.has_from ? s[i].span.from : NULL);
		coach_json_key(&j, "from_label");
		coach_json_str(&j, s[i].span.from_label);
		coach_json_key(&j, "to");
		coach_json_str(&j, s[i].span.has_to ? s[i].span.to : NULL);
		coach_json_key(&j, "to_label");
		coach_json_str(&j, s[i].span.to_label);
		coach_json_key(&j, "changes");
		coach_changes_json(&j, &s[i].changes);
		coach_json_key(&j, "problems");
		coach_json_arr_begin(&j);
		for (size_t k = 0; k < s[i].changes.nproblems; k++)
			coach_json_str(&j, s[i].changes.problems[k].message);
		coach_json_arr_end(&j);
		coach_json_obj_end(&j);
	}
	coach_json_arr_end(&j);
	coach_json_obj_end(&j);
	coach_buf_putc(&out, '\n');
	coach_out(out.ptr, out.len);
	coach_buf_free(&out);
}

struct coach_error *
coach_diff_coachee(struct coach_repo *r, const char *coachee,
	const char *since, const char *until,
	const struct coach_recdiff_opts *opts, struct coach_span *span,
	struct coach_recdiffs *out)
{
	struct coach_error *err = coach_span_resolve(r, coachee, since, until,
	    span);
	if (err)
		return err;
	char *prefix = coach_xasprintf("coaching/%s/", coachee);
	err = coach_diff_read(coach_repo_store(r), prefix,
	    span->has_from ? span->from : NULL, span->has_to ? span->to : NULL,
	    opts, out);
	free(prefix);
	return err;
}

static struct coach_error *
diff_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	struct history_args a = { 0 };
	struct coach_people people = { 0 };
	struct coach_strlist who = COACH_STRLIST_INIT;
	struct diff_section *s = NULL;
	size_t n = 0;
	struct coach_error *err = parse_args(ctx, argc, argv, &a, 1);
	if (err)
		return err;
	if (a.target) {
		char *c = NULL;
		if ((err = coach_repo_coachee(ctx->repo, a.target, &c)))
			goto done;
		coach_strlist_add_owned(&who, c);
	} else if ((err = coach_my_coachees(ctx->repo, &who))) {
		goto done;
	}
	coach_people_load(ctx->repo, &people);
	s = coach_xcalloc(who.n + 1, sizeof(*s));
	for (; n < who.n; n++) {
		s[n].coachee = coach_xstrdup(who.v[n]);
		if ((err = coach_diff_coachee(ctx->repo, who.v[n], a.since,
		    a.until, &people.opts, &s[n].span, &s[n].changes))) {
			n++;
			goto done;
		}
		coach_changes_warn(&s[n].changes);
	}
	if (a.json)
		diff_json(s, n);
	else
		diff_text(ctx, s, n);
done:
	sections_free(s, n);
	coach_strlist_free(&who);
	coach_people_free(&people);
	return err;
}

static const struct coach_opt diff_opts[] = {
	{ "since", 0, COACH_OPT_VALUE, "DATE|REV|last-meeting", "where to "
	    "start (default: the latest meeting)" },
	{ "until", 0, COACH_OPT_VALUE, "REV", "where to end, instead of the "
	    "work tree" },
	{ "format", 0, COACH_OPT_VALUE, "text|json", "text for people "
	    "(default) or JSON for programs" },
	{ 0 },
};

static const struct coach_form diff_forms[] = {
	{ .usage = "[COACHEE] [--since DATE|REV|last-meeting] [--until REV] "
	    "[--format text|json]",
	  .opts = diff_opts, .max = 1,
	  .extra = "too many arguments: diff takes one COACHEE",
	  .exec = diff_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_diff = {
	.name = "diff",
	.summary = "what changed since the last meeting, in words",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = diff_forms,
};
