/*
 * trust.c: "coach trust init|add|list|pull", a trust's workspace that
 * pulls the summary every school publishes ("coach report --trust"
 * reports across them; lib/trust.h has the layout).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/json.h"
#include "../lib/store_remote.h"
#include "../lib/trust.h"
#include "common.h"

static struct coach_error *
open_trust(struct coach_ctx *ctx, struct coach_trust **t)
{
	return coach_trust_open(t, ctx->dir);
}

static struct coach_error *
trust_init(struct coach_ctx *ctx, int argc, char **argv)
{
	const char *name = coach_opt_value(ctx, "trust");
	struct coach_error *err;
	(void)argc;
	if (name == NULL || *name == '\0')
		return coach_usage(ctx, "--trust NAME is required");
	char *dir = ctx->dir && argv[1][0] != '/' ?
	    coach_path_join(ctx->dir, argv[1]) : coach_xstrdup(argv[1]);
	if ((err = coach_trust_init(dir, name)) == NULL)
		printf("Initialised a trust workspace for %s in %s\n"
		    "Add each school with: coach trust add SCHOOL URL\n", name,
		    dir);
	free(dir);
	return err;
}

static struct coach_error *
trust_add(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_trust *t = NULL;
	struct coach_error *err;
	(void)argc;
	if ((err = open_trust(ctx, &t)) == NULL &&
	    (err = coach_trust_add(t, argv[1], argv[2])) == NULL) {
		char *url = coach_url_mask(argv[2]);
		printf("Added %s (%s); fetch it with: coach trust pull\n",
		    argv[1], url);
		free(url);
	}
	coach_trust_close(t);
	return err;
}

static void
when(long long t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
list_json(struct coach_trust *t, struct coach_buf *out)
{
	struct coach_json j;
	char d[32];
	coach_json_init(&j, out, 1);
	coach_json_obj_begin(&j);
	coach_json_key(&j, "trust");
	coach_json_str(&j, coach_trust_name(t));
	coach_json_key(&j, "schools");
	coach_json_arr_begin(&j);
	for (size_t i = 0; i < coach_trust_count(t); i++) {
		const struct coach_trust_school *sc = coach_trust_school(t, i);
		struct coach_trust_status st;
		char *url = coach_url_mask(sc->url);
		coach_trust_status_read(t, sc->name, &st);
		coach_json_obj_begin(&j);
		coach_json_key(&j, "name");
		coach_json_str(&j, sc->name);
		coach_json_key(&j, "url");
		coach_json_str(&j, url);
		coach_json_key(&j, "last_pull");
		when(st.time, d);
		coach_json_str(&j, st.pulled ? d : NULL);
		coach_json_key(&j, "ok");
		if (st.pulled)
			coach_json_bool(&j, st.ok);
		else
			coach_json_null(&j);
		coach_json_key(&j, "summary");
		coach_json_str(&j, *st.oid ? st.oid : NULL);
		coach_json_key(&j, "message");
		coach_json_str(&j, st.message);
		coach_json_obj_end(&j);
		coach_trust_status_free(&st);
		free(url);
	}
	coach_json_arr_end(&j);
	coach_json_obj_end(&j);
	coach_buf_putc(out, '\n');
}

static void
list_text(struct coach_ctx *ctx, struct coach_trust *t)
{
	struct coach_table tab = COACH_TABLE_INIT(5);
	char d[32];
	const char *heads[] = { "SCHOOL", "URL", "LAST PULL", "RESULT",
		"MESSAGE" };
	for (size_t i = 0; i < 5; i++)
		coach_table_add(&tab, heads[i]);
	for (size_t i = 0; i < coach_trust_count(t); i++) {
		const struct coach_trust_school *sc = coach_trust_school(t, i);
		struct coach_trust_status st;
		char *url = coach_url_mask(sc->url);
		coach_trust_status_read(t, sc->name, &st);
		when(st.time, d);
		coach_table_add(&tab, sc->name);
		coach_table_add(&tab, url);
		coach_table_add(&tab, st.pulled ? d : "never");
		coach_table_add(&tab, !st.pulled ? "-" : st.ok ? "ok" :
		    "failed");
		coach_table_add(&tab, st.message);
		coach_trust_status_free(&st);
		free(url);
	}
	coach_pager_start(ctx);
	coach_table_print(ctx, &tab);
	coach_table_free(&tab);
}

static struct coach_error *
trust_list(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_trust *t = NULL;
	struct coach_error *err;
	int json = 0;
	(void)argc;
	(void)argv;
	const char *format = coach_opt_value(ctx, "format");
	if ((format && (err = coach_format_arg(ctx, format, &json))) ||
	    (err = open_trust(ctx, &t)))
		goto done;
	if (coach_trust_count(t) == 0 && !json) {
		coach_list_empty("No schools yet; add one with: coach trust "
		    "add SCHOOL URL");
	} else if (json) {
		struct coach_buf out = COACH_BUF_INIT;
		list_json(t, &out);
		coach_out(out.ptr, out.len);
		coach_buf_free(&out);
	} else {
		list_text(ctx, t);
	}
done:
	coach_trust_close(t);
	return err;
}

static struct coach_error *
number_opt(struct coach_ctx *ctx, const char *name, unsigned *out)
{
	const char *v = coach_opt_value(ctx, name);
	char *end;
	*out = 0;
	if (v == NULL)
		return NULL;
	long n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < 1 || n > 100000)
		return coach_usage(ctx, "--%s takes a whole number from 1, not "
		    "'%s'", name, v);
	*out = (unsigned)n;
	return NULL;
}

static struct coach_error *
trust_pull(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_trust *t = NULL;
	struct coach_trust_status *st = NULL;
	struct coach_trust_pull_opts o = { 0 };
	struct coach_buf failed_names = COACH_BUF_INIT;
	struct coach_error *err;
	size_t failed = 0, n = 0;
	(void)argc;
	(void)argv;
	if ((err = number_opt(ctx, "jobs", &o.jobs)) ||
	    (err = number_opt(ctx, "timeout", &o.timeout)) ||
	    (err = open_trust(ctx, &t)))
		goto done;
	n = coach_trust_count(t);
	if (n == 0) {
		err = coach_error_coded(COACH_E_NOTFOUND, "the trust has no "
		    "schools yet; add one with: coach trust add SCHOOL URL");
		goto done;
	}
	if ((err = coach_trust_pull(t, &o, &st, &failed)))
		goto done;
	for (size_t i = 0; i < n; i++) {
		const char *name = coach_trust_school(t, i)->name;
		struct coach_buf line = COACH_BUF_INIT;
		coach_buf_printf(&line, "%-6s %s: %s (%.1f s)",
		    st[i].ok ? "ok" : "FAILED", name,
		    st[i].message ? st[i].message : "", st[i].seconds);
		printf("%s\n", coach_buf_str(&line));
		coach_buf_free(&line);
		if (!st[i].ok)
			coach_buf_printf(&failed_names, "%s%s",
			    failed_names.len ? ", " : "", name);
	}
	printf("pulled %zu of %zu schools\n", n - failed, n);
	if (failed)
		err = coach_error_coded(COACH_E_FAIL, "%zu school%s failed: %s "
		    "(see above; the last good summary of each is kept)",
		    failed, failed == 1 ? "" : "s",
		    coach_buf_str(&failed_names));
done:
	for (size_t i = 0; st && i < n; i++)
		coach_trust_status_free(&st[i]);
	free(st);
	coach_buf_free(&failed_names);
	coach_trust_close(t);
	return err;
}

static const struct coach_opt init_opts[] = {
	{ "trust", 0, COACH_OPT_VALUE, "NAME", "the trust's name (required)" },
	{ 0 },
};

static const struct coach_opt list_opts[] = {
	{ "format", 0, COACH_OPT_VALUE, "text|json", "text for people "
	    "(default) or JSON for programs" },
	{ 0 },
};

static const struct coach_opt pull_opts[] = {
	{ "jobs", 'j', COACH_OPT_VALUE, "N", "schools fetched at once "
	    "(default 8)" },
	{ "timeout", 0, COACH_OPT_VALUE, "SECONDS", "give up on a school "
	    "after SECONDS (default 120)" },
	{ 0 },
};

static const struct coach_form trust_forms[] = {
	{ .name = "init", .usage = "DIR --trust NAME", .opts = init_opts,
	  .min = 1, .max = 1, .need = "a DIR",
	  .extra = "init takes one DIR", .exec = trust_init },
	{ .name = "add", .usage = "SCHOOL URL", .min = 2, .max = 2,
	  .need = "a SCHOOL and its URL",
	  .extra = "add takes one SCHOOL and one URL", .exec = trust_add },
	{ .name = "list", .usage = "[--format json]", .opts = list_opts,
	  .exec = trust_list },
	{ .name = "pull", .usage = "[-j N] [--timeout SECONDS]",
	  .opts = pull_opts, .exec = trust_pull },
	{ 0 },
};

const struct coach_cmd coach_cmd_trust = {
	.name = "trust",
	.summary = "a trust's workspace: pull every school's summary",
	.forms = trust_forms,
	.dflt = "list",
};
