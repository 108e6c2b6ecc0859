/*
 * agree.c: coach agree, which starts or ends a coaching relationship
 * (coaching/<coachee>/agreement.md).
 *
 * A coachee has one agreement file.  Starting a new relationship after
 * one has ended rewrites that file (the old agreement stays in git's
 * history); ending one changes only its status and ended lines.  Any
 * member of staff may coach, and coaches may themselves be coached.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "../lib/ids.h"

struct agree_args {
	const char *coachee, *focus, *cadence;
	struct coach_strlist coaches;
	char date[11];
	int end;
};

static struct coach_error *
agree_parse(struct coach_ctx *ctx, int argc, char **argv,
    struct agree_args *a)
{
	const struct coach_strlist *coaches = coach_opt_values(ctx, "coach");
	const char *date = coach_opt_value(ctx, "date");
	struct coach_error *err;
	coach_day day;

	for (size_t i = 0; i < coaches->n; i++)
		if (!coach_strlist_has(&a->coaches, coaches->v[i]))
			coach_strlist_add(&a->coaches, coaches->v[i]);
	a->focus = coach_opt_value(ctx, "focus");
	a->cadence = coach_opt_value(ctx, "cadence");
	a->end = coach_opt_given(ctx, "end") > 0;
	a->coachee = argv[1];
	if (a->end && (a->coaches.n || a->focus || a->cadence))
		return coach_usage(ctx, "--end ends the agreement and takes "
		    "only --date; start a new one afterwards with --coach");
	if (!a->end && a->coaches.n == 0)
		return coach_usage(ctx, "give --coach HANDLE to start "
		    "an agreement, or --end to end one");
	/* Ending an agreement of someone whose staff record is gone works;
	 * a handle mistyped is said with what was meant. */
	if ((err = coach_handle_check("coachee handle", a->coachee))) {
		coach_error_free(err);
		return coach_repo_staff_check(ctx->repo, a->coachee);
	}
	for (size_t i = 0; i < a->coaches.n; i++) {
		if ((err = coach_repo_staff_check(ctx->repo, a->coaches.v[i])))
			return coach_error_prefix(err, "--coach");
		if (strcmp(a->coaches.v[i], a->coachee) == 0)
			return coach_error_new(COACH_FAIL, "--coach %s: %s "
			    "cannot coach themself; name another member of "
			    "staff", a->coachee, a->coachee);
	}
	if ((a->focus && (err = coach_text_arg_check(ctx, "--focus",
	    a->focus, 1))) || (a->cadence && (err = coach_text_arg_check(ctx,
	    "--cadence", a->cadence, 1))))
		return err;
	return coach_date_past_arg("--date", date ? date : "today", a->date,
	    &day);
}


/* The agreement's coaches as text, "ada" or "ada, cy". */
static void
coaches_text(struct coach_buf *b, const struct coach_record *rec)
{
	struct coach_strlist l = COACH_STRLIST_INIT;
	coach_agreement_coaches(rec, &l);
	for (size_t i = 0; i < l.n; i++)
		coach_buf_printf(b, "%s%s", i ? ", " : "", l.v[i]);
	if (l.n == 0)
		coach_buf_puts(b, "no coach");
	coach_strlist_free(&l);
}

/* Whether node already reads as the string s, so setting it again would
 * only churn the line. */
static int
same_str(const struct coach_fm_node *n, const char *s)
{
	int b;
	double d;
	if (n == NULL || coach_fm_node_type(n) != COACH_FM_SCALAR ||
	    strcmp(coach_fm_node_str(n), s) != 0)
		return 0;
	return coach_fm_node_quoted(n) || (coach_fm_node_bool(n, &b) != 0 &&
	    coach_fm_node_number(n, &d) != 0);
}

static int
same_coaches(const struct coach_fm_node *n, const struct coach_strlist *l)
{
	if (l->n == 1)
		return same_str(n, l->v[0]);
	if (n == NULL || coach_fm_node_type(n) != COACH_FM_SEQ ||
	    coach_fm_node_len(n) != l->n)
		return 0;
	for (size_t i = 0; i < l->n; i++)
		if (!same_str(coach_fm_node_item(n, i), l->v[i]))
			return 0;
	return 1;
}

static void
set_str(struct coach_fm *fm, const char *key, const char *value)
{
	if (!same_str(coach_fm_get(fm, key), value))
		coach_fm_set(fm, key, coach_fmv_str(value));
}

/* The keys of an active agreement between a's coachee and coaches, on a
 * new record or over an ended one. */
static void
agreement_fill(struct coach_record *rec, const struct agree_args *a)
{
	struct coach_fm *fm = coach_record_fm(rec);

	set_str(fm, "coachee", a->coachee);
	if (!same_coaches(coach_fm_get(fm, "coach"), &a->coaches)) {
		if (a->coaches.n == 1) {
			coach_fm_set(fm, "coach", coach_fmv_str(a->coaches.v[0]));
		} else {
			struct coach_fmv *seq = coach_fmv_seq();
			for (size_t i = 0; i < a->coaches.n; i++)
				coach_fmv_push(seq,
				    coach_fmv_str(a->coaches.v[i]));
			coach_fm_set(fm, "coach", seq);
		}
	}
	if (!same_str(coach_fm_get(fm, "started"), a->date))
		coach_fm_set(fm, "started", coach_fmv_plain(a->date));
	/* What the ended agreement said does not carry over. */
	if (a->cadence)
		set_str(fm, "cadence", a->cadence);
	else
		coach_fm_remove(fm, "cadence");
	if (a->focus)
		set_str(fm, "focus", a->focus);
	else
		coach_fm_remove(fm, "focus");
	set_str(fm, "status", "active");
	coach_fm_remove(fm, "ended");
}

static struct coach_error *
agree_start(struct coach_ctx *ctx, struct coach_change *ch,
    const struct agree_args *a, const char *path)
{
	struct coach_record *rec = NULL;
	struct coach_buf who = COACH_BUF_INIT;
	struct coach_error *err = NULL;

	for (size_t i = 0; i < a->coaches.n; i++)
		if ((err = coach_repo_staff_check(ctx->repo,
		    a->coaches.v[i]))) {
			err = coach_error_prefix(err, "--coach");
			goto done;
		}
	if (coach_repo_exists(ctx->repo, path)) {
		if ((err = coach_repo_load(ctx->repo, path, &rec)))
			goto done;
		if (!coach_agreement_ended(rec)) {
			const char *since = coach_record_str(rec, "started");
			coaches_text(&who, rec);
			err = coach_error_new(COACH_FAIL, "%s: %s already has "
			    "an active agreement with %s%s%s; end it first "
			    "with coach agree %s --end", path, a->coachee,
			    coach_buf_str(&who), since ? " since " : "",
			    since ? since : "", a->coachee);
			goto done;
		}
	} else {
		rec = coach_record_new();
	}
	agreement_fill(rec, a);
	coach_change_save(ch, path, rec);
done:
	coach_record_free(rec);
	coach_buf_free(&who);
	return err;
}

static struct coach_error *
agree_end(struct coach_ctx *ctx, struct coach_change *ch,
    const struct agree_args *a, const char *path)
{
	struct coach_record *rec = NULL;
	struct coach_error *err = NULL;
	coach_day started, ended;

	if (!coach_repo_exists(ctx->repo, path)) {
		err = coach_error_new(COACH_FAIL, "%s has no coaching "
		    "agreement to end (no %s); start one with coach agree %s "
		    "--coach HANDLE", a->coachee, path, a->coachee);
		goto done;
	}
	if ((err = coach_repo_load(ctx->repo, path, &rec)))
		goto done;
	if (coach_agreement_ended(rec)) {
		const char *when = coach_record_str(rec, "ended");
		err = coach_error_new(COACH_FAIL, "%s: %s's agreement has "
		    "already ended%s%s; start a new one with coach agree %s "
		    "--coach HANDLE", path, a->coachee, when ? " on " : "",
		    when ? when : "", a->coachee);
		goto done;
	}
	const char *since = coach_record_str(rec, "started");
	if (since && coach_date_parse(since, &started) == 0 &&
	    coach_date_parse(a->date, &ended) == 0 && ended < started) {
		err = coach_error_new(COACH_FAIL, "--date %s is before the "
		    "agreement started (%s, in %s); give a later --date",
		    a->date, since, path);
		goto done;
	}
	struct coach_fm *fm = coach_record_fm(rec);
	set_str(fm, "status", "ended");
	coach_fm_set(fm, "ended", coach_fmv_plain(a->date));
	coach_change_save(ch, path, rec);
done:
	coach_record_free(rec);
	return err;
}

/* What agree_apply needs, under the writer's lock. */
struct agree_change {
	struct coach_ctx *ctx;
	const struct agree_args *a;
	const char *path;
};

static struct coach_error *
agree_apply(struct coach_change *ch, void *arg)
{
	struct agree_change *ac = arg;
	const struct agree_args *a = ac->a;
	struct coach_buf msg = COACH_BUF_INIT;
	struct coach_error *err;

	/* Ending needs only the agreement: the coachee may have left. */
	if (!a->end && (err = coach_repo_staff_check(ac->ctx->repo,
	    a->coachee)))
		return err;
	if (a->end)
		err = agree_end(ac->ctx, ch, a, ac->path);
	else
		err = agree_start(ac->ctx, ch, a, ac->path);
	if (err)
		return err;
	coach_buf_printf(&msg, "agree: %s ", a->coachee);
	if (a->end)
		coach_buf_puts(&msg, "ended");
	for (size_t i = 0; i < a->coaches.n; i++)
		coach_buf_printf(&msg, "%s%s", i ? "," : "with ",
		    a->coaches.v[i]);
	coach_change_message(ch, "%s", coach_buf_str(&msg));
	coach_buf_free(&msg);
	return NULL;
}

static struct coach_error *
agree_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	struct agree_args a = { .coaches = COACH_STRLIST_INIT };
	char *path = NULL;
	struct coach_error *err;

	if ((err = agree_parse(ctx, argc, argv, &a)))
		goto done;
	path = coach_path_agreement(a.coachee);
	/* Checked under the writer's lock, so two agreements cannot race. */
	struct agree_change ac = { ctx, &a, path };
	if ((err = coach_write(ctx->repo, agree_apply, &ac)))
		goto done;
	if (a.end) {
		printf("Ended %s's coaching agreement on %s (%s)\n", a.coachee,
		    a.date, path);
	} else {
		printf("%s is coached by ", a.coachee);
		for (size_t i = 0; i < a.coaches.n; i++)
			printf("%s%s", i ? (i + 1 == a.coaches.n ? " and " :
			    ", ") : "", a.coaches.v[i]);
		printf(" from %s (%s)\n", a.date, path);
	}
done:
	coach_strlist_free(&a.coaches);
	free(path);
	return err;
}

static const struct coach_opt agree_opts[] = {
	{ "coach", 0, COACH_OPT_VALUE | COACH_OPT_REPEAT, "HANDLE", "a coach "
	    "of the coachee's" },
	{ "focus", 0, COACH_OPT_VALUE, "TEXT", "what the coaching is about" },
	{ "cadence", 0, COACH_OPT_VALUE, "TEXT", "how often you meet, e.g. "
	    "'fortnightly'" },
	{ "date", 0, COACH_OPT_VALUE, "DATE", "the day it starts or ends "
	    "(default today)" },
	{ "end", 0, 0, NULL, "end the agreement" },
	{ 0 },
};

static const struct coach_form agree_forms[] = {
	{ .usage = "COACHEE --coach HANDLE [--coach HANDLE]... "
	    "[--focus TEXT] [--cadence TEXT] [--date DATE]\n"
	    "COACHEE --end [--date DATE]",
	  .opts = agree_opts, .min = 1, .max = 1,
	  .need = "the COACHEE's handle", .extra = "give one COACHEE only",
	  .exec = agree_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_agree = {
	.name = "agree",
	.summary = "start or end a coaching relationship (its agreement)",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = agree_forms,
};
