/*
 * changes.c: what history, diff and agenda share (see changes.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "changes.h"
#include "common.h"
#include "../lib/coached.h"
#include "../lib/history.h"
#include "../lib/store_walk.h"

/* The privacy rule decides whose words a reader sees quoted. */
static int
readable(void *arg, const char *path, const struct coach_record *entry)
{
	const struct coach_people *p = arg;
	char *coachee = NULL;
	coach_path_kind(path, &coachee, NULL);
	int ok = coach_entry_readable(entry, coachee, &p->reader);
	free(coachee);
	return ok;
}

/* The text quoted: a sealed body opened with the reader's key. */
static const char *
body_for(void *arg, const char *path, const struct coach_record *entry)
{
	const struct coach_people *p = arg;
	char *coachee = NULL;
	coach_path_kind(path, &coachee, NULL);
	const char *body = coach_entry_body_for(entry, coachee, &p->reader);
	free(coachee);
	return body;
}

const char *
coach_id_abbrev_of(void *repo, const char *id)
{
	return coach_repo_abbrev(repo, id);
}

void
coach_people_load(struct coach_repo *r, struct coach_people *p)
{
	struct coach_strlist staff = COACH_STRLIST_INIT;
	struct coach_error *err;
	memset(p, 0, sizeof(*p));
	p->opts.quote = readable;
	p->opts.body = body_for;
	p->opts.arg = p;
	p->opts.abbrev = coach_id_abbrev_of;
	p->opts.abbrev_arg = r;
	coach_reader_current(r, &p->reader);
	if ((err = coach_repo_list(r, COACH_KIND_STAFF, NULL, &staff))) {
		coach_error_free(err);
		return;
	}
	for (size_t i = 0; i < staff.n; i++) {
		struct coach_record *rec = NULL;
		char *handle = NULL;
		/* A staff record that does not parse only costs its handle
		 * in history; check reports it. */
		if ((err = coach_repo_load(r, staff.v[i], &rec))) {
			coach_error_free(err);
			continue;
		}
		const char *email = coach_record_str(rec, "email");
		coach_path_kind(staff.v[i], NULL, &handle);
		if (email && *email && handle) {
			coach_strlist_add(&p->emails, email);
			coach_strlist_add_owned(&p->handles, handle);
			handle = NULL;
		}
		free(handle);
		coach_record_free(rec);
	}
	coach_strlist_free(&staff);
}

const char *
coach_people_handle(const struct coach_people *p, const char *email)
{
	for (size_t i = 0; email && i < p->emails.n; i++)
		if (strcasecmp(p->emails.v[i], email) == 0)
			return p->handles.v[i];
	return NULL;
}

void
coach_people_free(struct coach_people *p)
{
	coach_strlist_free(&p->emails);
	coach_strlist_free(&p->handles);
	coach_reader_free(&p->reader);
	memset(p, 0, sizeof(*p));
}

long long
coach_day_start(coach_day d)
{
	char s[11];
	struct tm tm = { 0 };
	coach_date_format(d, s);
	if (sscanf(s, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	return (long long)mktime(&tm);
}

void
coach_span_free(struct coach_span *s)
{
	free(s->from_label);
	free(s->to_label);
	memset(s, 0, sizeof(*s));
}

struct coach_error *
coach_last_meeting(struct coach_repo *r, const char *coachee, char **path,
	char **date)
{
	struct coach_strlist paths = COACH_STRLIST_INIT;
	struct coach_error *err;
	*path = *date = NULL;
	if ((err = coach_repo_list(r, COACH_KIND_ENTRY, coachee, &paths)))
		return err;
	/* Entries sort by date: the first meeting from the end. */
	for (size_t i = paths.n; i-- > 0 && *path == NULL;) {
		struct coach_record *rec = NULL;
		if ((err = coach_repo_load(r, paths.v[i], &rec))) {
			coach_error_free(err);
			err = NULL;
			continue;
		}
		const char *kind = coach_record_str(rec, "kind");
		if (kind && strcmp(kind, "meeting") == 0) {
			const char *d = coach_record_str(rec, "date");
			*path = coach_xstrdup(paths.v[i]);
			*date = coach_xstrdup(d ? d : "?");
		}
		coach_record_free(rec);
	}
	coach_strlist_free(&paths);
	return NULL;
}

static void
short_commit(char out[8], const char *oid)
{
	memcpy(out, oid, 7);
	out[7] = '\0';
}

static struct coach_error *
since_last_meeting(struct coach_repo *r, const char *coachee,
	struct coach_span *out)
{
	char *path = NULL, *date = NULL, *id = NULL;
	struct coach_error *err;
	if ((err = coach_last_meeting(r, coachee, &path, &date)))
		return err;
	if (path == NULL) {
		out->from_label = coach_xstrdup("the start (no meeting logged "
		    "yet)");
		return NULL;
	}
	coach_path_kind(path, NULL, &id);
	err = coach_store_added_by(coach_repo_store(r), path, out->from,
	    &out->has_from);
	if (err == NULL && out->has_from) {
		char c[8];
		short_commit(c, out->from);
		out->from_label = coach_xasprintf("the meeting %s of %s "
		    "(commit %s)", id ? coach_repo_abbrev(r, id) : "", date, c);
	} else if (err == NULL) {
		/* Logged but not committed yet: everything since is in the
		 * work tree, on top of HEAD. */
		struct coach_error *e = coach_store_rev(coach_repo_store(r),
		    "HEAD", out->from);
		out->has_from = e == NULL;
		coach_error_free(e);
		out->from_label = coach_xasprintf("the meeting %s of %s "
		    "(not committed yet)", id ? coach_repo_abbrev(r, id) : "",
		    date);
	}
	free(id);
	free(path);
	free(date);
	return err;
}

static struct coach_error *
since_date(struct coach_repo *r, coach_day day, struct coach_span *out)
{
	char d[11];
	coach_date_format(day, d);
	struct coach_error *err = coach_store_rev_before(coach_repo_store(r),
	    coach_day_start(day), out->from, &out->has_from);
	if (err)
		return err;
	if (out->has_from) {
		char c[8];
		short_commit(c, out->from);
		out->from_label = coach_xasprintf("%s (commit %s)", d, c);
	} else {
		out->from_label = coach_xasprintf("%s (before the first "
		    "commit)", d);
	}
	return NULL;
}

struct coach_error *
coach_span_resolve(struct coach_repo *r, const char *coachee,
	const char *since, const char *until, struct coach_span *out)
{
	struct coach_store *s = coach_repo_store(r);
	struct coach_error *err = NULL;
	coach_day day;
	memset(out, 0, sizeof(*out));

	if (since == NULL || strcmp(since, "last-meeting") == 0)
		err = since_last_meeting(r, coachee, out);
	else if ((err = coach_date_arg("--since", since, &day)) == NULL)
		err = since_date(r, day, out);
	else {
		struct coach_error *date_err = err;
		err = coach_store_rev(s, since, out->from);
		if (err) {
			coach_error_free(err);
			err = coach_error_coded(COACH_E_NOTFOUND, "--since "
			    "'%s' is neither a date, a revision nor "
			    "last-meeting (%s)", since,
			    coach_error_msg(date_err));
		} else {
			char c[8];
			short_commit(c, out->from);
			out->has_from = 1;
			out->from_label = coach_xasprintf("%s (commit %s)",
			    since, c);
		}
		coach_error_free(date_err);
	}
	if (err)
		return err;
	if (until == NULL) {
		out->to_label = coach_xstrdup("the work tree");
		return NULL;
	}
	if ((err = coach_store_rev(s, until, out->to)))
		return coach_error_prefix(err, "--until");
	char c[8];
	short_commit(c, out->to);
	out->has_to = 1;
	out->to_label = coach_xasprintf("%s (commit %s)", until, c);
	return NULL;
}

struct coach_error *
coach_my_coachees(struct coach_repo *r, struct coach_strlist *out)
{
	char *me = NULL;
	struct coach_problems skipped = COACH_PROBLEMS_INIT;
	struct coach_error *err;
	if ((err = coach_repo_coachee(r, NULL, &me)))
		return err;
	/* An agreement that cannot be read names nobody here; check and
	 * status say what is wrong with it. */
	err = coach_coached_by(r, me, out, &skipped);
	if (err == NULL && out->n == 0)
		coach_strlist_add(out, me);
	coach_problems_free(&skipped);
	free(me);
	return err;
}

void
coach_changes_text(const struct coach_ctx *ctx, struct coach_buf *out,
	const struct coach_recdiffs *c, const char *indent, size_t max)
{
	size_t shown = 0, total = 0;
	for (size_t i = 0; i < c->n; i++)
		total += c->v[i].lines.n;
	for (size_t i = 0; i < c->n; i++) {
		const struct coach_recdiff *x = &c->v[i];
		for (size_t k = 0; k < x->lines.n; k++) {
			if (max && shown == max)
				goto more;
			coach_buf_puts(out, indent);
			coach_term_safe(out, x->lines.v[k]);
			if (x->uncommitted)
				coach_buf_printf(out, " %s(uncommitted)%s",
				    coach_sgr_yellow(ctx),
				    coach_sgr_reset(ctx));
			coach_buf_putc(out, '\n');
			shown++;
		}
	}
	return;
more:
	coach_buf_printf(out, "%s… and %zu more\n", indent, total - shown);
}

static const char *
what_name(enum coach_change_what w)
{
	switch (w) {
	case COACH_CHANGE_ADDED: return "added";
	case COACH_CHANGE_REMOVED: return "removed";
	case COACH_CHANGE_MOVED: return "moved";
	default: return "modified";
	}
}

void
coach_changes_json(struct coach_json *j, const struct coach_recdiffs *c)
{
	coach_json_arr_begin(j);
	for (size_t i = 0; i < c->n; i++) {
		const struct coach_recdiff *x = &c->v[i];
		coach_json_obj_begin(j);
		coach_json_key(j, "change");
		coach_json_str(j, what_name(x->what));
		coach_json_key(j, "record");
		coach_json_str(j, coach_kind_name(x->kind));
		coach_json_key(j, "id");
		coach_json_str(j, x->id);
		coach_json_key(j, "path");
		coach_json_str(j, x->path);
		coach_json_key(j, "old_path");
		coach_json_str(j, x->old_path);
		coach_json_key(j, "kind");
		coach_json_str(j, x->entry_kind);
		coach_json_key(j, "date");
		coach_json_str(j, x->date);
		coach_json_key(j, "uncommitted");
		coach_json_bool(j, x->uncommitted);
		coach_json_key(j, "text");
		coach_json_arr_begin(j);
		for (size_t k = 0; k < x->lines.n; k++)
			coach_json_str(j, x->lines.v[k]);
		coach_json_arr_end(j);
		coach_json_obj_end(j);
	}
	coach_json_arr_end(j);
}

void
coach_changes_warn(const struct coach_recdiffs *c)
{
	for (size_t i = 0; i < c->nproblems; i++) {
		struct coach_buf b = COACH_BUF_INIT;
		coach_term_safe(&b, c->problems[i].message);
		fflush(stdout);
		fprintf(stderr, "coach: warning: %s (left out; see 'coach "
		    "check')\n", coach_buf_str(&b));
		coach_buf_free(&b);
	}
}
