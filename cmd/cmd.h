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
	/* Never uses the network: git's TLS set-up is skipped
	 * (coach_store_tls_lazy).  Commands without it get it, as before. */
	COACH_CMD_LOCAL = 1 << 1,
	COACH_CMD_HIDDEN = 1 << 2, /* run by git, not listed in help */
};

enum {
	COACH_OPT_VALUE = 1 << 0,  /* takes a value: --name VALUE, --name=VALUE */
	COACH_OPT_REPEAT = 1 << 1, /* may be given more than once */
};

/* One option of a (sub)command.  -h and --help are every form's. */
struct coach_opt {
	const char *name; /* the long name, without "--" */
	char letter;      /* the short form, or 0 */
	unsigned flags;   /* COACH_OPT_* */
	const char *value; /* the value's name in help ("TEXT"), if any */
	const char *help;  /* one line for -h and --help */
};

struct coach_ctx;

/*
 * One form of a command: the command itself, or one of its subcommands.
 * The dispatcher parses argv against opts before exec, checks the number
 * of operands against min and max, and hands exec the operands only:
 * argv[0] is the (sub)command's name and argv[1..argc) its operands, in
 * order.  exec reads the options with coach_opt_value() and friends.
 */
struct coach_form {
	const char *name;  /* the subcommand, or NULL for the command */
	/* Its usage lines, after "coach CMD [SUB] "; '\n'-separated. */
	const char *usage;
	const struct coach_opt *opts; /* ends with a NULL name; may be NULL */
	int min, max;      /* operands; max -1 for no limit */
	const char *need;  /* what the operands are: "needs a TITLE" */
	const char *extra; /* advice after "unexpected argument 'X'" */
	struct coach_error *(*exec)(struct coach_ctx *ctx, int argc,
	    char **argv);
};

/* The options of the form being run, filled in by the dispatcher. */
struct coach_args {
	const struct coach_form *form;
	struct coach_strlist *values; /* per option: each value, in order */
	int *given;                   /* per option: how often it was given */
	int help;                     /* 1: -h, 2: --help */
};

struct coach_ctx {
	const char *dir;         /* -C DIR, or NULL */
	int color;               /* colour on stdout */
	int no_pager;            /* --no-pager */
	struct coach_repo *repo; /* open when the command has COACH_CMD_REPO */
	const struct coach_cmd *cmd;
	const struct coach_form *form; /* the form being run, once known */
	struct coach_args args;
};

struct coach_cmd {
	const char *name;
	const char *summary;
	unsigned flags;
	/* Its forms, ending with a NULL exec: one with a NULL name for a
	 * command without subcommands, else one per subcommand. */
	const struct coach_form *forms;
	/* The subcommand run when none is named ("coach goal --all"). */
	const char *dflt;
	/* "'x' is not a NOUN subcommand"; NULL: "unknown subcommand 'x'". */
	const char *noun;
};

/* The table, NULL-terminated. */
extern const struct coach_cmd *const coach_commands[];
const struct coach_cmd *coach_cmd_find(const char *name);

/* A usage error: "coach <cmd>: <message>" plus the form's usage. */
struct coach_error *coach_usage(const struct coach_ctx *ctx,
	const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Parses argv (argv[0] the command's name) into ctx->form and ctx->args
 * and runs the form: the dispatcher main calls.  Help asked for with -h
 * or --help is shown here once the options are parsed, so that "-m --help"
 * stays a value.
 */
struct coach_error *coach_cmd_run(struct coach_ctx *ctx, int argc,
	char **argv);
void coach_args_free(struct coach_args *a);
/* The manual page of cmd (coach-NAME(1)), or its help from the table
 * when man or the page is missing. */
void coach_cmd_manual(const struct coach_cmd *cmd);

/*
 * The options exec reads.  name is a long name of the form's table (an
 * unknown name aborts: it is a bug).  coach_opt_value: the last value
 * given, or NULL; coach_opt_given: how often it was given;
 * coach_opt_values: every value, in order.
 */
const char *coach_opt_value(const struct coach_ctx *ctx, const char *name);
int coach_opt_given(const struct coach_ctx *ctx, const char *name);
const struct coach_strlist *coach_opt_values(const struct coach_ctx *ctx,
	const char *name);

/* Usage lines of cmd (only form's, when form is not NULL) to f. */
void coach_print_usage(FILE *f, const struct coach_cmd *cmd,
	const struct coach_form *form);
/* The usage lines and then each option with its line of help, as
 * git's -h: of form, or of every form of cmd when form is NULL. */
void coach_print_help(FILE *f, const struct coach_cmd *cmd,
	const struct coach_form *form);

/* Sends stdout through $COACH_PAGER, $PAGER or less when stdout is a
 * terminal and --no-pager was not given.  main waits for it at exit. */
void coach_pager_start(struct coach_ctx *ctx);

/*
 * Wraps stdout and stderr so that every byte written through them passes
 * one filter: control characters (C0 but tab and newline, DEL, C1) and
 * bytes that are not UTF-8 are shown as '?', and only the colours the
 * coach_sgr_* functions return reach the terminal.  main calls it first.
 */
void coach_sink_install(void);
/* raw 1: stdout passes bytes unchanged until called with 0 (show --raw
 * to a pipe, which must stay byte for byte). */
void coach_sink_raw(int raw);

/*
 * Text styles for terminal output; each returns "" when colour is off.
 * They are the only escape sequences the output sink lets through.
 */
const char *coach_sgr_bold(const struct coach_ctx *ctx);
const char *coach_sgr_dim(const struct coach_ctx *ctx);
const char *coach_sgr_red(const struct coach_ctx *ctx);
const char *coach_sgr_green(const struct coach_ctx *ctx);
const char *coach_sgr_yellow(const struct coach_ctx *ctx);
const char *coach_sgr_blue(const struct coach_ctx *ctx);
const char *coach_sgr_reset(const struct coach_ctx *ctx);
/* Lets the plain SGR sequences ("ESC [ digits m") of b from offset from
 * through the sink as coach's own: for text lib/markdown.c styled, which
 * cleans every control character out of the text it styles. */
void coach_sgr_own(struct coach_buf *b, size_t from);

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
