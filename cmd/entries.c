/*
 * entries.c: "coach entries", a coachee's log newest first.
 *
 *     coach entries [COACHEE] [--kind K] [--goal ID] [--since DATE]
 *                   [--until DATE] [--grep TEXT] [--format json]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "common.h"
#include "../lib/date.h"
#include "../lib/ids.h"
#include "../lib/json.h"
#include "../lib/markdown.h"
#include "../lib/privacy.h"
#include "../lib/record.h"
#include "../lib/repo.h"

/* A kind is at most "observation" long. */
#define KIND_WIDTH 11
#define JSON_FIRST_LINE_MAX 200
/* A first line is a paragraph at most; this only bounds it. */
#define UNCUT_MAX 4096

struct entries_args {
	const char *coachee;
	const char *kind;
	const char *goal;
	const char *since;
	const char *until;
	const char *grep;
	int json;
};

struct filter {
	const char *coachee;
	const struct coach_reader *reader;
	const char *kind;
	char *goal;
	coach_day since;
	coach_day until;
	int has_since;
	int has_until;
	const char *grep;
};

struct row {
	char *path;
	struct coach_record *rec;
	const char *body; /* what the reader may see (lib/privacy.h) */
	int hidden;       /* private text the reader may not see */
	coach_day day;
	size_t order; /* position in the listing, which sorts by file name */
};

static struct coach_error *
parse_args(struct coach_ctx *ctx, int argc, char **argv,
	struct entries_args *a)
{
	const char *format = coach_opt_value(ctx, "format");
	struct coach_error *err;
	a->kind = coach_opt_value(ctx, "kind");
	a->goal = coach_opt_value(ctx, "goal");
	a->since = coach_opt_value(ctx, "since");
	a->until = coach_opt_value(ctx, "until");
	a->grep = coach_opt_value(ctx, "grep");
	if (format && (err = coach_format_arg(ctx, format, &a->json)))
		return err;
	if (argc > 1)
		a->coachee = argv[1];
	return NULL;
}

/* The filter, every argument checked; the goal must be the coachee's. */
static struct coach_error *
make_filter(struct coach_repo *repo, const struct entries_args *a,
	const char *coachee, struct filter *f)
{
	struct coach_error *err;
	f->kind = a->kind;
	f->grep = a->grep;
	f->has_since = a->since != NULL;
	f->has_until = a->until != NULL;
	if (a->kind && (err = coach_entry_kind_check("--kind", a->kind)))
		return err;
	if (a->since && (err = coach_date_arg("--since", a->since, &f->since)))
		return err;
	if (a->until && (err = coach_date_arg("--until", a->until, &f->until)))
		return err;
	if (a->since && a->until && f->since > f->until)
		return coach_error_new(COACH_FAIL, "--since %s is after "
		    "--until %s; swap them", a->since, a->until);
	if (a->goal == NULL)
		return NULL;
	char *path = NULL;
	err = coach_resolve_owned(repo, coachee, "--goal", a->goal,
	    COACH_KIND_GOAL, &f->goal, &path);
	free(path);
	return err;
}

/* The entry's date: its date key, else the date its file name starts
 * with (a hand-edited record may have lost it). */
static coach_day
entry_day(const struct coach_record *rec, const char *path)
{
	coach_day d = 0;
	const char *date = coach_record_str(rec, "date");
	if (date && coach_date_parse(date, &d) == 0)
		return d;
	const char *base = strrchr(path, '/');
	char buf[11];
	snprintf(buf, sizeof(buf), "%s", base ? base + 1 : path);
	if (coach_date_parse(buf, &d) == 0)
		return d;
	return 0;
}

static int
matches(const struct filter *f, const struct coach_record *rec, coach_day d,
	const char *body)
{
	const char *kind = coach_record_str(rec, "kind");
	const char *goal = coach_record_str(rec, "goal");
	if (f->kind && (kind == NULL || strcmp(kind, f->kind) != 0))
		return 0;
	if (f->goal && (goal == NULL || strcmp(goal, f->goal) != 0))
		return 0;
	if (f->has_since && d < f->since)
		return 0;
	if (f->has_until && d > f->until)
		return 0;
	/* Case folds ASCII only: strcasestr in the C locale.  Only text the
	 * reader may see is searched, or a search would give it away. */
	if (f->grep && strcasestr(body, f->grep) == NULL)
		return 0;
	return 1;
}

/* Newest first; on one day, the reverse of the listing's order. */
static int
row_cmp(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	if (a->day != b->day)
		return a->day > b->day ? -1 : 1;
	return a->order > b->order ? -1 : a->order < b->order;
}

/* The coachee's entries that pass the filter, sorted.  Records that do not
 * parse are left out with a warning (coach_load_all). */
static struct coach_error *
collect(struct coach_repo *repo, const char *coachee, const struct filter *f,
	struct row **rows, size_t *nrows)
{
	struct coach_loaded_list l = { 0 };
	struct coach_error *err = coach_load_all(repo, COACH_KIND_ENTRY,
	    coachee, NULL, &l);
	if (err)
		return err;
	*rows = coach_xcalloc(l.n ? l.n : 1, sizeof(**rows));
	*nrows = 0;
	for (size_t i = 0; i < l.n; i++) {
		coach_day d = entry_day(l.v[i].rec, l.v[i].path);
		const char *body = coach_entry_body_for(l.v[i].rec,
		    f->coachee, f->reader);
		if (!matches(f, l.v[i].rec, d, body))
			continue;
		/* The row takes the path and record from the list. */
		struct row *r = &(*rows)[(*nrows)++];
		r->path = l.v[i].path;
		r->rec = l.v[i].rec;
		r->body = body;
		r->hidden = !coach_entry_readable(r->rec, f->coachee,
		    f->reader);
		r->day = d;
		r->order = i;
		l.v[i].path = NULL;
		l.v[i].rec = NULL;
	}
	coach_loaded_list_free(&l);
	qsort(*rows, *nrows, sizeof(**rows), row_cmp);
	return NULL;
}

static const char *
str_or(const struct coach_record *rec, const char *key, const char *dflt)
{
	const char *s = coach_record_str(rec, key);
	return s ? s : dflt;
}

/* A CPD entry's hours, 0 when they are missing or not a number. */
static double
entry_hours(const struct coach_record *rec)
{
	const struct coach_fm_node *n = coach_fm_get(
	    coach_record_fm_const(rec), "hours");
	double d;
	return n && coach_fm_node_number(n, &d) == 0 && isfinite(d) && d >= 0 ?
	    d : 0;
}

/* With --kind cpd: each entry's hours after its id, and the total at the
 * end. */
static void
print_text(struct coach_ctx *ctx, const struct row *rows, size_t n, int cpd)
{
	struct coach_buf out = COACH_BUF_INIT;
	int cols = coach_term_width();
	double total = 0;
	for (size_t i = 0; i < n; i++) {
		const struct coach_record *rec = rows[i].rec;
		const char *body = rows[i].body;
		char date[11];
		int priv = coach_entry_private(rec);
		coach_date_format(rows[i].day, date);
		coach_buf_printf(&out, "%s  ", date);
		coach_buf_puts(&out, coach_sgr_blue(ctx));
		size_t start = out.len;
		coach_term_safe(&out, str_or(rec, "kind", "?"));
		size_t klen = coach_text_width(out.ptr + start);
		coach_buf_printf(&out, "%s%*s  %s", coach_sgr_reset(ctx),
		    klen < KIND_WIDTH ? (int)(KIND_WIDTH - klen) : 0, "",
		    coach_sgr_yellow(ctx));
		start = out.len;
		coach_term_safe(&out, coach_repo_abbrev(ctx->repo,
		    str_or(rec, "id", "?")));
		size_t used = 10 + 2 + (klen > KIND_WIDTH ? klen : KIND_WIDTH) +
		    2 + coach_text_width(out.ptr + start) + 2;
		coach_buf_printf(&out, "%s  ", coach_sgr_reset(ctx));
		if (cpd) {
			double h = entry_hours(rec);
			size_t before = out.len;
			total += h;
			coach_buf_printf(&out, "%6gh  ", h);
			used += out.len - before;
		}
		if (priv) {
			coach_buf_printf(&out, "%s" COACH_PRIVATE_TEXT "%s%s",
			    coach_sgr_red(ctx), coach_sgr_reset(ctx),
			    rows[i].hidden ? "" : " ");
			used += 10;
		}
		if (rows[i].hidden) {
			coach_buf_putc(&out, '\n');
			continue;
		}
		/* Not a terminal: whole first lines, for grep and friends. */
		size_t room = cols == 0 ? UNCUT_MAX :
		    (size_t)cols > used + 10 ? (size_t)cols - used : 10;
		char *first = coach_md_first_line(body, strlen(body), room);
		if (*first)
			coach_term_safe(&out, first);
		else
			coach_buf_printf(&out, "%s(no text)%s",
			    coach_sgr_dim(ctx), coach_sgr_reset(ctx));
		free(first);
		coach_buf_putc(&out, '\n');
	}
	if (cpd && n > 0)
		coach_buf_printf(&out, "Total: %g hours in %zu entr%s\n", total,
		    n, n == 1 ? "y" : "ies");
	coach_pager_start(ctx);
	coach_out(out.ptr ? out.ptr : "", out.len);
	coach_buf_free(&out);
}

/* The evidence key as a list of strings, whatever the hand wrote. */
static void
json_evidence(struct coach_json *j, const struct coach_record *rec)
{
	const struct coach_fm_node *n = coach_fm_get(
	    coach_record_fm_const(rec), "evidence");
	coach_json_arr_begin(j);
	if (n && coach_fm_node_type(n) == COACH_FM_SCALAR) {
		coach_json_str(j, coach_fm_node_str(n));
	} else if (n && coach_fm_node_type(n) == COACH_FM_SEQ) {
		for (size_t i = 0; i < coach_fm_node_len(n); i++) {
			const char *s = coach_fm_node_str(
			    coach_fm_node_item(n, i));
			if (s)
				coach_json_str(j, s);
		}
	}
	coach_json_arr_end(j);
}

static void
json_hours(struct coach_json *j, const struct coach_record *rec)
{
	const struct coach_fm_node *n = coach_fm_get(
	    coach_record_fm_const(rec), "hours");
	double d;
	if (n && coach_fm_node_number(n, &d) == 0)
		coach_json_num(j, d);
	else
		coach_json_null(j);
}

static void
print_json(const struct row *rows, size_t n)
{
	struct coach_buf out = COACH_BUF_INIT;
	struct coach_json j;
	coach_json_init(&j, &out, 1);
	coach_json_arr_begin(&j);
	for (size_t i = 0; i < n; i++) {
		const struct coach_record *rec = rows[i].rec;
		const char *body = rows[i].body;
		char date[11];
		coach_date_format(rows[i].day, date);
		coach_json_obj_begin(&j);
		coach_json_key(&j, "id");
		coach_json_str(&j, coach_record_str(rec, "id"));
		coach_json_key(&j, "date");
		coach_json_str(&j, date);
		coach_json_key(&j, "kind");
		coach_json_str(&j, coach_record_str(rec, "kind"));
		coach_json_key(&j, "author");
		coach_json_str(&j, coach_record_str(rec, "author"));
		coach_json_key(&j, "goal");
		coach_json_str(&j, coach_record_str(rec, "goal"));
		coach_json_key(&j, "cycle");
		coach_json_str(&j, coach_record_str(rec, "cycle"));
		coach_json_key(&j, "evidence");
		json_evidence(&j, rec);
		coach_json_key(&j, "hours");
		json_hours(&j, rec);
		coach_json_key(&j, "private");
		coach_json_bool(&j, coach_entry_private(rec));
		coach_json_key(&j, "path");
		coach_json_str(&j, rows[i].path);
		char *first = coach_md_first_line(body, strlen(body),
		    JSON_FIRST_LINE_MAX);
		coach_json_key(&j, "first_line");
		coach_json_str(&j, first);
		free(first);
		coach_json_key(&j, "body");
		coach_json_str(&j, body);
		coach_json_obj_end(&j);
	}
	coach_json_arr_end(&j);
	coach_buf_putc(&out, '\n');
	coach_out(out.ptr, out.len);
	coach_buf_free(&out);
}

static struct coach_error *
entries_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	struct entries_args a = { 0 };
	struct filter f = { 0 };
	struct coach_reader reader = { 0 };
	struct row *rows = NULL;
	size_t n = 0;
	char *coachee = NULL;

	struct coach_error *err = parse_args(ctx, argc, argv, &a);
	if (err)
		return err;
	if ((err = coach_repo_coachee_of(ctx->repo, a.coachee, "--goal",
	    a.goal, COACH_KIND_GOAL, &coachee)))
		goto done;
	if ((err = make_filter(ctx->repo, &a, coachee, &f)))
		goto done;
	coach_reader_current(ctx->repo, &reader);
	f.coachee = coachee;
	f.reader = &reader;
	if ((err = collect(ctx->repo, coachee, &f, &rows, &n)))
		goto done;
	if (a.json)
		print_json(rows, n);
	else if (n == 0 && (a.kind || a.goal || a.since || a.until || a.grep))
		coach_list_empty("no entries of %s's match; see them all with "
		    "'coach entries %s'", coachee, coachee);
	else if (n == 0)
		coach_list_empty("no entries for %s; write one with 'coach log "
		    "%s -m TEXT'", coachee, coachee);
	else
		print_text(ctx, rows, n,
		    a.kind && strcmp(a.kind, "cpd") == 0);
done:
	for (size_t i = 0; i < n; i++) {
		free(rows[i].path);
		coach_record_free(rows[i].rec);
	}
	free(rows);
	free(f.goal);
	free(coachee);
	coach_reader_free(&reader);
	return err;
}

static const struct coach_opt entries_opts[] = {
	{ "kind", 0, COACH_OPT_VALUE, "K", "only entries of this kind" },
	{ "goal", 0, COACH_OPT_VALUE, "ID", "only entries about this goal" },
	{ "since", 0, COACH_OPT_VALUE, "DATE", "only entries on or after "
	    "DATE" },
	{ "until", 0, COACH_OPT_VALUE, "DATE", "only entries on or before "
	    "DATE" },
	{ "grep", 0, COACH_OPT_VALUE, "TEXT", "only entries whose text "
	    "contains TEXT (any case)" },
	{ "format", 0, COACH_OPT_VALUE, "text|json", "text for people "
	    "(default) or JSON for programs" },
	{ 0 },
};

static const struct coach_form entries_forms[] = {
	{ .usage = "[COACHEE] [--kind K] [--goal ID] [--since DATE] "
	    "[--until DATE] [--grep TEXT] [--format json]",
	  .opts = entries_opts, .max = 1,
	  .extra = "too many arguments: entries takes one COACHEE",
	  .exec = entries_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_entries = {
	.name = "entries",
	.summary = "list a coachee's entries, newest first",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = entries_forms,
};
