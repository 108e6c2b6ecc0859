/*
 * check.c: "coach check", validate every record of the work tree.
 */
#include <stdio.h>

#include "../lib/check.h"
#include "../lib/json.h"
#include "common.h"

static void
print_text(struct coach_ctx *ctx, const struct coach_diags *d)
{
	struct coach_buf b = COACH_BUF_INIT;
	for (size_t i = 0; i < d->n; i++) {
		const struct coach_diag *g = &d->v[i];
		int err = g->severity == COACH_SEV_ERROR;
		coach_buf_printf(&b, "%s%s", coach_sgr_bold(ctx), g->path);
		if (g->line > 0)
			coach_buf_printf(&b, ":%d", g->line);
		coach_buf_printf(&b, ":%s %s%s%s: %s\n", coach_sgr_reset(ctx),
		    err ? coach_sgr_red(ctx) : coach_sgr_yellow(ctx),
		    err ? "error" : "warning", coach_sgr_reset(ctx), g->msg);
	}
	coach_out(coach_buf_str(&b), b.len);
	coach_buf_free(&b);
}

static void
print_json(const struct coach_diags *d, size_t files)
{
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_json j;
	coach_json_init(&j, &b, 1);
	coach_json_obj_begin(&j);
	coach_json_key(&j, "errors");
	coach_json_int(&j, (long long)d->errors);
	coach_json_key(&j, "warnings");
	coach_json_int(&j, (long long)d->warnings);
	coach_json_key(&j, "files");
	coach_json_int(&j, (long long)files);
	coach_json_key(&j, "problems");
	coach_json_arr_begin(&j);
	for (size_t i = 0; i < d->n; i++) {
		const struct coach_diag *g = &d->v[i];
		coach_json_obj_begin(&j);
		coach_json_key(&j, "path");
		coach_json_str(&j, g->path);
		coach_json_key(&j, "line");
		coach_json_int(&j, g->line);
		coach_json_key(&j, "severity");
		coach_json_str(&j, g->severity == COACH_SEV_ERROR ? "error" :
		    "warning");
		coach_json_key(&j, "message");
		coach_json_str(&j, g->msg);
		coach_json_obj_end(&j);
	}
	coach_json_arr_end(&j);
	coach_json_obj_end(&j);
	coach_out(coach_buf_str(&b), b.len);
	coach_buf_free(&b);
}

static struct coach_error *
check_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	int strict = coach_opt_given(ctx, "strict"), json = 0;
	struct coach_error *err = NULL;
	const char *format = coach_opt_value(ctx, "format");
	if (format && (err = coach_format_arg(ctx, format, &json)))
		return err;

	struct coach_diags d = COACH_DIAGS_INIT;
	size_t files = 0;
	coach_check_all_count(ctx->repo, &d, &files);
	coach_diags_sort(&d);
	if (json)
		print_json(&d, files);
	else
		print_text(ctx, &d);

	char summary[160];
	snprintf(summary, sizeof(summary), "%zu error%s, %zu warning%s in %zu "
	    "file%s", d.errors, d.errors == 1 ? "" : "s", d.warnings,
	    d.warnings == 1 ? "" : "s", files, files == 1 ? "" : "s");
	int failed = d.errors > 0 || (strict && d.warnings > 0);
	if (failed)
		/* main prints it as the last line, "coach: N errors, ...". */
		err = coach_error_new(COACH_FAIL, "%s%s", summary,
		    d.errors == 0 ? " (warnings fail with --strict)" : "");
	else {
		fflush(stdout);
		fprintf(stderr, "%s\n", summary);
	}
	coach_diags_free(&d);
	return err;
}

static const struct coach_opt check_opts[] = {
	{ "strict", 0, 0, NULL, "fail on warnings too" },
	{ "format", 0, COACH_OPT_VALUE, "text|json", "how to print the "
	    "problems (default text)" },
	{ 0 },
};

static const struct coach_form check_forms[] = {
	{ .usage = "[--strict] [--format text|json]", .opts = check_opts,
	  .max = 0, .exec = check_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_check = {
	.name = "check",
	.summary = "validate every record: file:line: problem",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = check_forms,
};
