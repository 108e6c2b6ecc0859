/*
 * priority.c: coach priority add | list | retire, the school development
 * priorities that goals link to (priorities/<id>.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../lib/date.h"
#include "../lib/ids.h"
#include "../lib/json.h"

/* Turns getopt_long's complaint (opterr is off) into a usage error. */
static struct coach_error *
bad_option(const struct coach_ctx *ctx, int c, char **argv)
{
	const char *arg = argv[optind - 1];
	if (c == ':')
		return coach_usage(ctx, "option '%s' needs a value", arg);
	if (optopt != 0)
		return coach_usage(ctx, "unknown option '-%c'", optopt);
	return coach_usage(ctx, "unknown option '%s'", arg);
}

/*
 * Text given on the command line goes into YAML and onto terminals: it
 * must be UTF-8 and hold no control characters but tab and newline.
 * Empty text is a usage mistake.
 */
static struct coach_error *
text_check(const struct coach_ctx *ctx, const char *what, const char *s)
{
	size_t n = strlen(s), i;
	for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'); i++)
		;
	if (i == n)
		return coach_usage(ctx, "%s needs a value that is not empty",
		    what);
	if (coach_utf8_check(s, n) != n)
		return coach_error_new(COACH_FAIL, "%s is not valid UTF-8; "
		    "write it in UTF-8", what);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			return coach_error_new(COACH_FAIL, "%s contains a "
			    "control character (0x%02x); remove it", what, c);
	}
	return NULL;
}

/* s as one line for a terminal: control characters (C0, DEL, C1) become
 * spaces so a hand-edited record cannot move the cursor or recolour. */
static void
put_clean(struct coach_buf *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			coach_buf_putc(out, ' ');
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			coach_buf_putc(out, ' ');
			p++;
		} else
			coach_buf_putc(out, (char)*p);
	}
}

/* Columns a string takes: one per code point (no wide characters). */
static size_t
text_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* A node as JSON, typed as YAML's core schema reads it. */
static void
node_json(struct coach_json *j, const struct coach_fm_node *n)
{
	int b;
	double d;
	switch (coach_fm_node_type(n)) {
	case COACH_FM_NULL:
		coach_json_null(j);
		break;
	case COACH_FM_SCALAR:
		if (coach_fm_node_bool(n, &b) == 0)
			coach_json_bool(j, b);
		else if (coach_fm_node_number(n, &d) == 0)
			coach_json_num(j, d);
		else
			coach_json_str(j, coach_fm_node_str(n));
		break;
	case COACH_FM_SEQ:
		coach_json_arr_begin(j);
		for (size_t i = 0; i < coach_fm_node_len(n); i++)
			node_json(j, coach_fm_node_item(n, i));
		coach_json_arr_end(j);
		break;
	case COACH_FM_MAP:
		coach_json_obj_begin(j);
		for (size_t i = 0; i < coach_fm_node_len(n); i++) {
			coach_json_key(j, coach_fm_node_key(n, i));
			node_json(j, coach_fm_node_item(n, i));
		}
		coach_json_obj_end(j);
		break;
	}
}

/* Rows of cells printed in aligned columns, the first row a header. */
struct table {
	size_t ncols;
	struct coach_strlist cells;
};

static void
table_add(struct table *t, const char *s)
{
	struct coach_buf b = COACH_BUF_INIT;
	put_clean(&b, s ? s : "");
	coach_strlist_add_owned(&t->cells, b.ptr ? coach_buf_detach(&b) :
	    coach_xstrdup(""));
}

static void
table_print(const struct coach_ctx *ctx, const struct table *t)
{
	size_t nc = t->ncols;
	size_t *w = coach_xcalloc(nc, sizeof(*w));
	for (size_t i = 0; i < t->cells.n; i++) {
		size_t cw = text_width(t->cells.v[i]);
		if (cw > w[i % nc])
			w[i % nc] = cw;
	}
	for (size_t r = 0; r * nc < t->cells.n; r++) {
		char **row = t->cells.v + r * nc;
		size_t end = nc;
		/* Empty cells at the end of a row: no trailing blanks. */
		while (end > 1 && row[end - 1][0] == '\0')
			end--;
		if (r == 0)
			fputs(coach_sgr_bold(ctx), stdout);
		for (size_t c = 0; c < end; c++) {
			fputs(row[c], stdout);
			if (c + 1 < end)
				printf("%*s", (int)(w[c] - text_width(row[c]) +
				    2), "");
		}
		if (r == 0)
			fputs(coach_sgr_reset(ctx), stdout);
		putchar('\n');
	}
	free(w);
}

/* The id a priorities/<id>.md path names (malloc'd). */
static char *
id_of(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".md") == 0)
		n -= 3;
	return coach_xstrndup(base, n);
}

/* "MM-DD" as month and day; -1 when it is not a day of the year. */
static int
parse_month_day(const char *s, int *m, int *d)
{
	char date[16];
	coach_day day;
	if (s == NULL || strlen(s) != 5)
		return -1;
	/* 2000 is a leap year, so 02-29 is allowed. */
	snprintf(date, sizeof(date), "2000-%s", s);
	if (coach_date_parse(date, &day) != 0)
		return -1;
	*m = (s[0] - '0') * 10 + (s[1] - '0');
	*d = (s[3] - '0') * 10 + (s[4] - '0');
	return 0;
}

/*
 * The school year today falls in, e.g. "2026-27": it starts on coach.yml's
 * year_start (MM-DD, default 09-01).
 */
static struct coach_error *
current_school_year(struct coach_repo *repo, char *out, size_t size)
{
	const struct coach_fm *cfg = coach_repo_config(repo);
	const struct coach_fm_node *n = cfg ? coach_fm_get(cfg, "year_start") :
	    NULL;
	int sm = 9, sd = 1;
	char today[11];

	if (n && coach_fm_node_type(n) != COACH_FM_NULL &&
	    parse_month_day(coach_fm_node_str(n), &sm, &sd) != 0)
		return coach_error_new(COACH_FAIL, "%s:%d: year_start is not "
		    "a day of the year as MM-DD (e.g. 09-01); fix %s or give "
		    "--year", COACH_CONFIG_FILE, coach_fm_key_line(cfg,
		    "year_start"), COACH_CONFIG_FILE);
	coach_date_format(coach_date_today(), today);
	long y = strtol(today, NULL, 10);
	int m = (today[5] - '0') * 10 + (today[6] - '0');
	int d = (today[8] - '0') * 10 + (today[9] - '0');
	if (m < sm || (m == sm && d < sd))
		y--;
	snprintf(out, size, "%ld-%02ld", y, (y + 1) % 100);
	return NULL;
}

/* "YYYY-YY", the second year following the first (2026-27, 2099-00). */
static struct coach_error *
year_check(const char *s)
{
	int ok = strlen(s) == 7 && s[4] == '-';
	for (int i = 0; ok && i < 7; i++)
		ok = i == 4 || (s[i] >= '0' && s[i] <= '9');
	if (ok) {
		long y = strtol(s, NULL, 10);
		ok = strtol(s + 5, NULL, 10) == (y + 1) % 100;
	}
	if (ok)
		return NULL;
	return coach_error_new(COACH_FAIL, "--year: '%s' is not a school "
	    "year; write it as YYYY-YY, e.g. 2026-27", s);
}

static struct coach_error *
priority_add(struct coach_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "year", required_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 },
	};
	struct coach_record *rec = NULL;
	struct coach_buf text = COACH_BUF_INIT;
	struct coach_txn *txn = NULL;
	const char *year = NULL;
	char *path = NULL, *msg = NULL, yearbuf[32];
	struct coach_error *err = NULL;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'y')
			return bad_option(ctx, c, argv);
		year = optarg;
	}
	if (argc - optind != 2)
		return coach_usage(ctx, argc - optind < 2 ? "add needs "
		    "an ID and a TITLE" : "add takes one ID and one "
		    "TITLE; quote a title with spaces");
	const char *id = argv[optind], *title = argv[optind + 1];
	if ((err = coach_handle_check("priority id", id)) ||
	    (err = text_check(ctx, "TITLE", title)))
		return err;
	if (year)
		err = year_check(year);
	else
		err = current_school_year(ctx->repo, yearbuf, sizeof(yearbuf));
	if (err)
		return err;

	path = coach_path_priority(id);
	if ((err = coach_store_begin(&txn, coach_repo_store(ctx->repo))))
		goto done;
	if (coach_repo_exists(ctx->repo, path)) {
		err = coach_error_new(COACH_FAIL, "priority '%s' already "
		    "exists; edit %s or use coach edit %s", id, path, path);
		goto done;
	}
	rec = coach_record_new();
	struct coach_fm *fm = coach_record_fm(rec);
	coach_fm_set(fm, "title", coach_fmv_str(title));
	coach_fm_set(fm, "year", coach_fmv_str(year ? year : yearbuf));
	coach_fm_set(fm, "status", coach_fmv_str("active"));
	coach_record_render(rec, &text);
	coach_txn_write(txn, path, text.ptr, text.len);
	msg = coach_xasprintf("priority add: %s", id);
	err = coach_txn_commit(txn, msg, NULL);
	txn = NULL;
	if (err == NULL)
		printf("Added priority %s (%s) in %s\n", id,
		    year ? year : yearbuf, path);
done:
	if (txn)
		coach_txn_abort(txn);
	coach_record_free(rec);
	coach_buf_free(&text);
	free(path);
	free(msg);
	return err;
}

static int
is_retired(const struct coach_record *rec)
{
	const char *status = coach_record_str(rec, "status");
	return status && strcmp(status, "retired") == 0;
}

static struct coach_error *
priority_retire(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_record *rec = NULL;
	struct coach_buf text = COACH_BUF_INIT;
	struct coach_txn *txn = NULL;
	char *path = NULL, *msg = NULL;
	struct coach_error *err;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", NULL, NULL)) != -1)
		return bad_option(ctx, c, argv);
	if (argc - optind != 1)
		return coach_usage(ctx, "retire needs one ID");
	const char *id = argv[optind];
	if ((err = coach_handle_check("priority id", id)))
		return err;
	path = coach_path_priority(id);
	if ((err = coach_store_begin(&txn, coach_repo_store(ctx->repo))))
		goto done;
	if (!coach_repo_exists(ctx->repo, path)) {
		err = coach_error_new(COACH_FAIL, "no priority '%s' (no %s); "
		    "see coach priority list --all", id, path);
		goto done;
	}
	if ((err = coach_repo_load(ctx->repo, path, &rec)))
		goto done;
	if (is_retired(rec)) {
		err = coach_error_new(COACH_FAIL, "priority '%s' is already "
		    "retired", id);
		goto done;
	}
	coach_fm_set(coach_record_fm(rec), "status", coach_fmv_str("retired"));
	coach_record_render(rec, &text);
	coach_txn_write(txn, path, text.ptr, text.len);
	msg = coach_xasprintf("priority retire: %s", id);
	err = coach_txn_commit(txn, msg, NULL);
	txn = NULL;
done:
	if (txn)
		coach_txn_abort(txn);
	coach_record_free(rec);
	coach_buf_free(&text);
	free(path);
	free(msg);
	return err;
}

static const char *const priority_keys[] = { "title", "year", "status",
	NULL };

static void
priority_json(struct coach_json *j, const char *id,
    const struct coach_record *rec)
{
	const struct coach_fm *fm = coach_record_fm_const(rec);
	coach_json_obj_begin(j);
	coach_json_key(j, "id");
	coach_json_str(j, id);
	for (size_t i = 0; priority_keys[i]; i++) {
		const struct coach_fm_node *n = coach_fm_get(fm,
		    priority_keys[i]);
		coach_json_key(j, priority_keys[i]);
		if (n)
			node_json(j, n);
		else if (strcmp(priority_keys[i], "status") == 0)
			coach_json_str(j, "active");
		else
			coach_json_null(j);
	}
	for (size_t i = 0; i < coach_fm_count(fm); i++) {
		const char *k = coach_fm_key_at(fm, i);
		int known = strcmp(k, "id") == 0;
		for (size_t s = 0; priority_keys[s] && !known; s++)
			known = strcmp(k, priority_keys[s]) == 0;
		if (!known) {
			coach_json_key(j, k);
			node_json(j, coach_fm_get(fm, k));
		}
	}
	coach_json_obj_end(j);
}

static struct coach_error *
priority_list(struct coach_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct coach_strlist paths = COACH_STRLIST_INIT;
	struct table t = { .ncols = 4, .cells = COACH_STRLIST_INIT };
	struct coach_buf out = COACH_BUF_INIT;
	struct coach_json j;
	size_t broken = 0, hidden = 0, rows = 0;
	int json = 0, all = 0, c;
	struct coach_error *err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'a')
			all = 1;
		else if (c != 'f')
			return bad_option(ctx, c, argv);
		else if ((err = coach_format_arg(ctx, optarg, &json)))
			return err;
	}
	if (optind < argc)
		return coach_usage(ctx, "list takes no arguments, "
		    "not '%s'", argv[optind]);
	if ((err = coach_repo_list(ctx->repo, COACH_KIND_PRIORITY, NULL,
	    &paths)))
		return err;

	coach_json_init(&j, &out, 1);
	coach_json_arr_begin(&j);
	table_add(&t, "ID");
	table_add(&t, "TITLE");
	table_add(&t, "YEAR");
	table_add(&t, "STATUS");
	for (size_t i = 0; i < paths.n; i++) {
		struct coach_record *rec = NULL;
		struct coach_error *e = coach_repo_load(ctx->repo, paths.v[i],
		    &rec);
		if (e) {
			fflush(stdout);
			fprintf(stderr, "coach: warning: %s\n",
			    coach_error_msg(e));
			coach_error_free(e);
			broken++;
			continue;
		}
		char *id = id_of(paths.v[i]);
		if (!all && is_retired(rec)) {
			hidden++;
		} else if (json) {
			priority_json(&j, id, rec);
		} else {
			const char *st = coach_record_str(rec, "status");
			table_add(&t, id);
			table_add(&t, coach_record_str(rec, "title"));
			table_add(&t, coach_record_str(rec, "year"));
			table_add(&t, st ? st : "active");
			rows++;
		}
		free(id);
		coach_record_free(rec);
	}
	coach_json_arr_end(&j);

	if (json) {
		coach_out(out.ptr, out.len);
	} else if (rows > 0) {
		coach_pager_start(ctx);
		table_print(ctx, &t);
	} else if (hidden == 0 && broken == 0) {
		printf("No priorities yet; add one with: coach priority add "
		    "ID TITLE\n");
	}
	if (!json && hidden > 0)
		printf("%s(%zu retired; see them with --all)%s\n",
		    coach_sgr_dim(ctx), hidden, coach_sgr_reset(ctx));
	if (broken)
		err = coach_error_new(COACH_FAIL, "%zu priority record%s could "
		    "not be read (see above); fix %s, then check with coach "
		    "check", broken, broken == 1 ? "" : "s",
		    broken == 1 ? "it" : "them");
	coach_buf_free(&out);
	coach_strlist_free(&t.cells);
	coach_strlist_free(&paths);
	return err;
}

static struct coach_error *
priority_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	/* "coach priority [--all] [--format json]" lists. */
	if (argc < 2 || argv[1][0] == '-')
		return priority_list(ctx, argc, argv);
	if (strcmp(argv[1], "add") == 0)
		return priority_add(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return priority_list(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "retire") == 0)
		return priority_retire(ctx, argc - 1, argv + 1);
	return coach_usage(ctx, "unknown subcommand '%s'; use add, list or "
	    "retire", argv[1]);
}

const struct coach_cmd coach_cmd_priority = {
	.name = "priority",
	.usage = "add ID TITLE [--year YYYY-YY]\n"
	    "list [--all] [--format json]\n"
	    "retire ID",
	.summary = "school development priorities: add, list, retire",
	.flags = COACH_CMD_REPO,
	.exec = priority_exec,
};
