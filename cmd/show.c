/*
 * show.c: "coach show ID|PATH", a record rendered for reading.
 *
 *     text    a header (kind, id, title), the keys aligned, the body laid
 *             out for the terminal; through the pager
 *     --raw   the file exactly
 *     --html  one self-contained HTML page
 *     --format json   {path, kind, front_matter, body}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "common.h"
#include "../lib/json.h"
#include "../lib/markdown.h"
#include "../lib/privacy.h"
#include "../lib/record.h"
#include "../lib/repo.h"

/* A value on one line: lists "a, b", mappings "k: v, k: v", nested ones
 * in brackets. */
static void
inline_value(struct coach_buf *out, const struct coach_fm_node *n, int nested)
{
	size_t len = coach_fm_node_len(n);
	switch (coach_fm_node_type(n)) {
	case COACH_FM_NULL:
		break;
	case COACH_FM_SCALAR:
		coach_buf_puts(out, coach_fm_node_str(n));
		break;
	case COACH_FM_SEQ:
		coach_buf_puts(out, nested ? "[" : "");
		for (size_t i = 0; i < len; i++) {
			coach_buf_puts(out, i ? ", " : "");
			inline_value(out, coach_fm_node_item(n, i), 1);
		}
		coach_buf_puts(out, nested ? "]" : "");
		break;
	case COACH_FM_MAP:
		coach_buf_puts(out, nested ? "{" : "");
		for (size_t i = 0; i < len; i++) {
			coach_buf_printf(out, "%s%s: ", i ? ", " : "",
			    coach_fm_node_key(n, i));
			inline_value(out, coach_fm_node_item(n, i), 1);
		}
		coach_buf_puts(out, nested ? "}" : "");
		break;
	}
}

/* Whether a list holds lists or mappings (e.g. measurements), which read
 * better one item a line. */
static int
is_deep_seq(const struct coach_fm_node *n)
{
	if (coach_fm_node_type(n) != COACH_FM_SEQ)
		return 0;
	for (size_t i = 0; i < coach_fm_node_len(n); i++)
		if (coach_fm_node_type(coach_fm_node_item(n, i)) >= COACH_FM_SEQ)
			return 1;
	return 0;
}

/* The lines of a value as text, for the terminal or HTML. */
static void
value_lines(const struct coach_fm_node *n, struct coach_strlist *lines)
{
	struct coach_buf b = COACH_BUF_INIT;
	if (is_deep_seq(n)) {
		for (size_t i = 0; i < coach_fm_node_len(n); i++) {
			coach_buf_clear(&b);
			inline_value(&b, coach_fm_node_item(n, i), 0);
			coach_strlist_add(lines, coach_buf_str(&b));
		}
		coach_buf_free(&b);
		return;
	}
	inline_value(&b, n, 0);
	/* A multi-line scalar (a literal block) keeps its lines. */
	const char *p = coach_buf_str(&b);
	do {
		size_t len = strcspn(p, "\n");
		coach_strlist_add_owned(lines, coach_xstrndup(p, len));
		p += len + (p[len] == '\n');
	} while (*p);
	coach_buf_free(&b);
}

/* What is shown: a record's front-matter and body, or coach.yml (a
 * mapping without a body). */
struct shown {
	const char *relpath;
	const struct coach_fm *fm;
	const char *body;
};

/* "goal g3f9a1c" and the record's title, name or step. */
static void
record_heading(const struct shown *sh, const char **kind, char **ident,
	const char **title)
{
	const char *relpath = sh->relpath;
	*kind = coach_kind_name(coach_path_kind(relpath, NULL, NULL));
	const char *id = coach_fm_str(sh->fm, "id");
	if (id && *id) {
		*ident = coach_xstrdup(id);
	} else {
		*ident = coach_path_stem(relpath);
	}
	*title = coach_fm_str(sh->fm, "title");
	if (*title == NULL)
		*title = coach_fm_str(sh->fm, "name");
	if (*title == NULL)
		*title = coach_fm_str(sh->fm, "step");
	if (*title == NULL)
		*title = coach_fm_str(sh->fm, "school");
}

static struct coach_error *
show_text(struct coach_ctx *ctx, const struct shown *sh)
{
	const struct coach_fm *fm = sh->fm;
	const char *relpath = sh->relpath;
	struct coach_buf out = COACH_BUF_INIT;
	const char *kind, *title;
	char *ident;
	size_t width = strlen("path");
	int cols = coach_term_width() ? coach_term_width() : 80;

	record_heading(sh, &kind, &ident, &title);
	coach_buf_printf(&out, "%s%s ", coach_sgr_bold(ctx), kind);
	coach_term_safe(&out, ident);
	if (title && *title) {
		coach_buf_puts(&out, "  ");
		coach_term_safe(&out, title);
	}
	coach_buf_printf(&out, "%s\n", coach_sgr_reset(ctx));
	for (size_t i = 0; i < coach_fm_count(fm); i++)
		if (strlen(coach_fm_key_at(fm, i)) > width)
			width = strlen(coach_fm_key_at(fm, i));
	coach_buf_printf(&out, "%s%-*s%s  %s\n", coach_sgr_dim(ctx), (int)width,
	    "path", coach_sgr_reset(ctx), relpath);
	for (size_t i = 0; i < coach_fm_count(fm); i++) {
		const char *key = coach_fm_key_at(fm, i);
		struct coach_strlist lines = COACH_STRLIST_INIT;
		value_lines(coach_fm_get(fm, key), &lines);
		coach_buf_puts(&out, coach_sgr_dim(ctx));
		coach_term_safe(&out, key);
		coach_buf_printf(&out, "%s%*s  ", coach_sgr_reset(ctx),
		    (int)(width - strlen(key)), "");
		for (size_t k = 0; k < lines.n; k++) {
			if (k > 0)
				coach_buf_printf(&out, "%*s  ", (int)width, "");
			coach_term_safe(&out, lines.v[k]);
			coach_buf_putc(&out, '\n');
		}
		coach_strlist_free(&lines);
	}
	free(ident);

	const char *body = sh->body;
	struct coach_error *err = NULL;
	if (*body) {
		coach_buf_putc(&out, '\n');
		size_t from = out.len;
		err = coach_md_terminal(&out, body, strlen(body), cols,
		    ctx->color);
		coach_sgr_own(&out, from);
		if (err)
			err = coach_error_prefix(err, "%s (see it as written "
			    "with 'coach show --raw %s')", relpath, relpath);
	}
	if (err == NULL) {
		coach_pager_start(ctx);
		coach_out(out.ptr ? out.ptr : "", out.len);
	}
	coach_buf_free(&out);
	return err;
}

static void
html_escape(struct coach_buf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': coach_buf_puts(out, "&amp;"); break;
		case '<': coach_buf_puts(out, "&lt;"); break;
		case '>': coach_buf_puts(out, "&gt;"); break;
		case '"': coach_buf_puts(out, "&quot;"); break;
		case '\'': coach_buf_puts(out, "&#39;"); break;
		default: coach_buf_putc(out, *s); break;
		}
	}
}

static const char html_style[] =
	"body{font-family:system-ui,sans-serif;max-width:44em;margin:2em "
	"auto;padding:0 1em;line-height:1.5;color:#222;background:#fff}"
	"h1{font-size:1.4em}"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;"
	"border-bottom:1px solid #ddd;padding-bottom:1em}"
	"dt{color:#666}dd{margin:0}"
	"pre{background:#f6f6f6;padding:.5em;overflow-x:auto}";

static struct coach_error *
show_html(const struct shown *sh)
{
	const struct coach_fm *fm = sh->fm;
	const char *relpath = sh->relpath;
	struct coach_buf out = COACH_BUF_INIT, title = COACH_BUF_INIT;
	const char *kind, *name;
	char *ident;

	record_heading(sh, &kind, &ident, &name);
	coach_buf_printf(&title, "%s %s", kind, ident);
	if (name && *name)
		coach_buf_printf(&title, ": %s", name);
	free(ident);
	coach_buf_puts(&out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	html_escape(&out, coach_buf_str(&title));
	coach_buf_printf(&out, "</title>\n<style>%s</style>\n</head>\n<body>\n"
	    "<article>\n<h1>", html_style);
	html_escape(&out, coach_buf_str(&title));
	coach_buf_puts(&out, "</h1>\n<dl>\n<dt>path</dt><dd>");
	html_escape(&out, relpath);
	coach_buf_puts(&out, "</dd>\n");
	for (size_t i = 0; i < coach_fm_count(fm); i++) {
		const char *key = coach_fm_key_at(fm, i);
		struct coach_strlist lines = COACH_STRLIST_INIT;
		value_lines(coach_fm_get(fm, key), &lines);
		coach_buf_puts(&out, "<dt>");
		html_escape(&out, key);
		coach_buf_puts(&out, "</dt><dd>");
		for (size_t k = 0; k < lines.n; k++) {
			coach_buf_puts(&out, k ? "<br>\n" : "");
			html_escape(&out, lines.v[k]);
		}
		coach_buf_puts(&out, "</dd>\n");
		coach_strlist_free(&lines);
	}
	coach_buf_puts(&out, "</dl>\n");
	struct coach_error *err = coach_md_html(&out, sh->body,
	    strlen(sh->body));
	if (err == NULL) {
		coach_buf_puts(&out, "</article>\n</body>\n</html>\n");
		coach_out(out.ptr, out.len);
	} else {
		err = coach_error_prefix(err, "%s", relpath);
	}
	coach_buf_free(&out);
	coach_buf_free(&title);
	return err;
}

static void
show_json(const struct shown *sh)
{
	struct coach_buf out = COACH_BUF_INIT;
	struct coach_json j;
	coach_json_init(&j, &out, 1);
	coach_json_obj_begin(&j);
	coach_json_key(&j, "path");
	coach_json_str(&j, sh->relpath);
	coach_json_key(&j, "kind");
	coach_json_str(&j, coach_kind_name(coach_path_kind(sh->relpath, NULL,
	    NULL)));
	coach_json_key(&j, "front_matter");
	coach_json_front_matter(&j, sh->fm);
	coach_json_key(&j, "body");
	coach_json_str(&j, sh->body);
	coach_json_obj_end(&j);
	coach_buf_putc(&out, '\n');
	coach_out(out.ptr, out.len);
	coach_buf_free(&out);
}

/* Drops what follows the front-matter's closing line (body_line is the
 * line the body starts on). */
static void
cut_body(struct coach_buf *b, int body_line)
{
	size_t i = 0;
	for (int line = 1; line < body_line && i < b->len; i++)
		line += b->ptr[i] == '\n';
	b->len = i;
	b->ptr[i] = '\0';
}

/* The file exactly; a private entry the user may not read keeps its
 * front-matter and shows COACH_PRIVATE_TEXT for its body. */
static struct coach_error *
show_raw(struct coach_repo *repo, const char *relpath)
{
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_record *rec = NULL;
	char *abs = coach_repo_abspath(repo, relpath);
	struct coach_error *err = coach_read_file(&b, abs,
	    COACH_RECORD_MAX_BYTES);
	if (err)
		goto done;
	/* A file that does not parse has no private key coach can read. */
	struct coach_error *perr = coach_record_parse(&rec, relpath,
	    coach_buf_str(&b), b.len);
	if (perr == NULL && coach_record_hidden_from_user(repo, relpath, rec)) {
		cut_body(&b, coach_record_body_line(rec));
		coach_buf_puts(&b, COACH_PRIVATE_TEXT "\n");
	}
	coach_error_free(perr);
	/* Byte for byte to a pipe; a terminal gets it made safe. */
	if (!isatty(STDOUT_FILENO))
		coach_sink_raw(1);
	coach_out(b.ptr ? b.ptr : "", b.len);
	coach_sink_raw(0);
done:
	coach_record_free(rec);
	coach_buf_free(&b);
	free(abs);
	return err;
}

enum show_mode { SHOW_TEXT, SHOW_RAW, SHOW_HTML, SHOW_JSON };

static struct coach_error *
parse_args(struct coach_ctx *ctx, enum show_mode *mode)
{
	int json = 0, modes = 0;
	struct coach_error *err;
	const char *format = coach_opt_value(ctx, "format");
	if (coach_opt_given(ctx, "raw")) {
		*mode = SHOW_RAW;
		modes++;
	}
	if (coach_opt_given(ctx, "html")) {
		*mode = SHOW_HTML;
		modes++;
	}
	if (format && (err = coach_format_arg(ctx, format, &json)))
		return err;
	if (json) {
		*mode = SHOW_JSON;
		modes++;
	}
	if (modes > 1)
		return coach_usage(ctx, "give one of --raw, --html and "
		    "--format json");
	return NULL;
}

/* coach.yml: a plain YAML mapping, parsed strictly here so that its
 * errors show (the repository reads it leniently). */
static struct coach_error *
load_config(struct coach_repo *repo, struct coach_fm **out)
{
	struct coach_buf b = COACH_BUF_INIT;
	char *abs = coach_repo_abspath(repo, COACH_CONFIG_FILE);
	struct coach_error *err = coach_read_file(&b, abs, COACH_FM_MAX_BYTES);
	if (err == NULL)
		err = coach_fm_parse(out, COACH_CONFIG_FILE, coach_buf_str(&b),
		    b.len, 1);
	coach_buf_free(&b);
	free(abs);
	return err;
}

static struct coach_error *
show_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	enum show_mode mode = SHOW_TEXT;
	struct coach_record *rec = NULL;
	struct coach_fm *config = NULL;
	struct shown sh = { .body = "" };
	struct coach_reader reader = { 0 };
	char *relpath = NULL, *coachee = NULL;

	struct coach_error *err = parse_args(ctx, &mode);
	if (err)
		return err;
	err = coach_repo_find(ctx->repo, argv[1], &relpath);
	if (err)
		goto done;
	sh.relpath = relpath;
	if (mode == SHOW_RAW) {
		err = show_raw(ctx->repo, relpath);
		goto done;
	}
	enum coach_kind kind = coach_path_kind(relpath, NULL, NULL);
	size_t n = strlen(relpath);
	if (kind == COACH_KIND_EVIDENCE || (kind == COACH_KIND_NONE &&
	    (n < 3 || strcmp(relpath + n - 3, ".md") != 0))) {
		err = coach_error_new(COACH_FAIL, "%s is not a record of "
		    "coach(5); open it with its own program, or print it with "
		    "'coach show --raw %s'", relpath, relpath);
		goto done;
	}
	if (kind == COACH_KIND_CONFIG) {
		if ((err = load_config(ctx->repo, &config)))
			goto done;
		sh.fm = config;
	} else {
		if ((err = coach_repo_load(ctx->repo, relpath, &rec)))
			goto done;
		sh.fm = coach_record_fm_const(rec);
		sh.body = coach_record_body(rec);
		/* An entry's text as the privacy rule lets the user see it,
		 * opened with their key when it is sealed. */
		if (kind == COACH_KIND_ENTRY) {
			coach_reader_current(ctx->repo, &reader);
			coach_path_kind(relpath, &coachee, NULL);
			sh.body = coach_entry_body_for(rec, coachee, &reader);
		}
	}
	if (mode == SHOW_JSON)
		show_json(&sh);
	else if (mode == SHOW_HTML)
		err = show_html(&sh);
	else
		err = show_text(ctx, &sh);
done:
	coach_record_free(rec);
	coach_fm_free(config);
	coach_reader_free(&reader);
	free(coachee);
	free(relpath);
	return err;
}

static const struct coach_opt show_opts[] = {
	{ "raw", 0, 0, NULL, "the file as it is, byte for byte" },
	{ "html", 0, 0, NULL, "one self-contained HTML page, to save or "
	    "print" },
	{ "format", 0, COACH_OPT_VALUE, "text|json", "text for people "
	    "(default) or JSON for programs" },
	{ 0 },
};

static const struct coach_form show_forms[] = {
	{ .usage = "ID|PATH [--raw | --html | --format json]",
	  .opts = show_opts, .min = 1, .max = 1,
	  .need = "a record: give an id or a path",
	  .extra = "give one record", .exec = show_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_show = {
	.name = "show",
	.summary = "show a record for reading",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = show_forms,
};
