/*
 * cmd.h: the command table and what commands share.
 *
 * Each command (or close family of commands) lives in its own file and
 * exports one const struct coach_cmd written with designated initializers.
 * The table in main.c lists them all; it is the one source of --help text,
 * usage errors, "coach help" and the command lists checked against the
 * manual and the completions.
 */
#ifndef COACH_CMD_H
#define COACH_CMD_H

#include <stdio.h>

#include "../lib/error.h"
#include "../lib/repo.h"
#include "../lib/util.h"

enum {
	COACH_CMD_REPO = 1 << 0, /* main opens the repository before exec */
};

struct coach_ctx {
	const char *dir;         /* -C DIR, or NULL */
	int color;               /* colour on stdout */
	int no_pager;            /* --no-pager */
	struct coach_repo *repo; /* open when the command has COACH_CMD_REPO */
	const struct coach_cmd *cmd;
};

struct coach_cmd {
	const char *name;
	/* One usage line per form, without "coach NAME"; '\n'-separated. */
	const char *usage;
	const char *summary;
	unsigned flags;
	/*
	 * argv[0] is the command's name; parse options with getopt_long
	 * (set optind = 0 first).  A usage error is returned with status
	 * COACH_USAGE; main then prints the usage lines.
	 */
	struct coach_error *(*exec)(struct coach_ctx *ctx, int argc,
		char **argv);
};

/* The table, NULL-terminated. */
extern const struct coach_cmd *const coach_commands[];
const struct coach_cmd *coach_cmd_find(const char *name);

/* A usage error: "coach <cmd>: <message>" plus the command's usage. */
struct coach_error *coach_usage(const struct coach_ctx *ctx,
	const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sends stdout through $COACH_PAGER, $PAGER or less when stdout is a
 * terminal and --no-pager was not given.  main waits for it at exit. */
void coach_pager_start(struct coach_ctx *ctx);

/*
 * Text styles for terminal output; each returns "" when colour is off.
 */
const char *coach_sgr_bold(const struct coach_ctx *ctx);
const char *coach_sgr_dim(const struct coach_ctx *ctx);
const char *coach_sgr_red(const struct coach_ctx *ctx);
const char *coach_sgr_green(const struct coach_ctx *ctx);
const char *coach_sgr_yellow(const struct coach_ctx *ctx);
const char *coach_sgr_blue(const struct coach_ctx *ctx);
const char *coach_sgr_reset(const struct coach_ctx *ctx);

/* Parses "--format text|json" values: 0 text, 1 json; others: usage
 * error. */
struct coach_error *coach_format_arg(const struct coach_ctx *ctx,
	const char *value, int *json);

/*
 * Columns of the terminal: $COLUMNS when set, else the width of the
 * terminal on stdout, else 0 (not a terminal: do not cut lines).
 */
int coach_term_width(void);

/* Writes buf to stdout (the caller then checks nothing else). */
void coach_out(const char *s, size_t len);

/*
 * Opens $VISUAL, $EDITOR or vi on path and waits for it; an error when
 * the editor cannot be run or exits non-zero.
 */
struct coach_error *coach_run_editor(const char *path);

#endif
