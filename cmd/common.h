/*
 * common.h: what the commands share beyond cmd.h.
 *
 * Checks of arguments, text for the terminal, aligned tables,
 * front-matter as JSON, loading and saving records and files in .git
 * (options and subcommands are parsed from the table: cmd.h).  What a record means (a goal's progress, an
 * agreement's coaches, the values coach(5) allows) is lib/model.h's.
 *
 * Ownership: a returned char * is the caller's to free(); a returned
 * struct coach_error * is the caller's to return or coach_error_free();
 * lists and tables are emptied with their own _free function.
 */
#ifndef COACH_COMMON_H
#define COACH_COMMON_H

#include <stddef.h>

#include "cmd.h"
#include "../lib/change.h"
#include "../lib/date.h"
#include "../lib/json.h"
#include "../lib/load.h"
#include "../lib/model.h"

struct coach_diag;

/*
 * Options and arguments
 */

/*
 * Text given on the command line for YAML and terminals: valid UTF-8 with
 * no control characters but tab and, when multiline, newline.  Empty or
 * white-space-only text is a usage error (leave the option out instead).
 */
struct coach_error *coach_text_arg_check(const struct coach_ctx *ctx,
	const char *what, const char *s, int multiline);

/*
 * A decimal number from the command line ("12", "-3.5", "+4", "07").
 * *norm (malloc'd) is its canonical YAML text, read back as the same number
 * by every YAML parser; *value its value.  Exponents, hex, inf and nan are
 * refused with an error naming what.
 */
struct coach_error *coach_number_arg(const char *what, const char *s,
	char **norm, double *value);

/*
 * A date argument in any form coach_date_read() takes, formatted
 * YYYY-MM-DD into out.  coach_date_text_arg is for a day planned (due,
 * review): a weekday is the next one.  coach_date_past_arg is for the day
 * something happened (an entry, a measurement, a goal opened or closed, a
 * cycle started or closed, an agreement started or ended): a weekday is the
 * latest one, and a day after today is refused.
 */
struct coach_error *coach_date_text_arg(const char *what, const char *s,
	char out[11], coach_day *day);
struct coach_error *coach_date_past_arg(const char *what, const char *s,
	char out[11], coach_day *day);

/* NULL when kind is one of coach_entry_kinds; else an error naming what
 * (e.g. "--kind") and listing the kinds. */
struct coach_error *coach_entry_kind_check(const char *what,
	const char *kind);

/*
 * Text for the terminal
 */

/* Whether s[0..len) is only white space (or empty). */
int coach_is_blank(const char *s, size_t len);
/* s, or "-" when it is NULL or empty; for columns and fields. */
const char *coach_dash(const char *s);
/* How git should run this coach (for its merge driver): "coach" when
 * that is the first coach on the PATH, else this program's full path.
 * The caller frees it. */
char *coach_self_program(void);

/* The current user's handle into *out: they must have a staff record;
 * else an error that says why (`why`, e.g. "an entry cannot say who
 * wrote it") and how to add the record. */
struct coach_error *coach_staff_self(struct coach_repo *repo,
    const char *why, char **out);
/* The file name of path without ".md": the id, handle or "agreement" the
 * file names.  The caller frees it. */
char *coach_path_stem(const char *path);

/* The columns s takes on a terminal (lib/width.h): CJK and emoji two,
 * combining marks and zero-width joiners none. */
size_t coach_text_width(const char *s);
/*
 * The first line of s cut to at most max columns (0: no limit), with "…"
 * where something was cut (also when s has more lines).  The caller frees
 * the result.
 */
char *coach_text_cut(const char *s, size_t max);
/* Writes s to stdout, then spaces up to width columns. */
void coach_put_padded(const char *s, size_t width);

/*
 * Append s to out with control characters (C0, DEL, C1) replaced, for
 * layout: a value shown on one line stays on one line.  coach_term_safe
 * shows each as '?' (where text is shown as it is), coach_term_line as a
 * space (one line of a table, where a newline or tab was only spacing).
 * Keeping the terminal safe is not their job but the output sink's
 * (cmd.h, coach_sink_install), which every byte passes.
 */
void coach_term_safe(struct coach_buf *out, const char *s);
void coach_term_line(struct coach_buf *out, const char *s);

struct coach_loaded;

/* Rows of cells printed in aligned columns, the first row a header. */
struct coach_table {
	size_t ncols;
	struct coach_strlist cells; /* row after row */
};
#define COACH_TABLE_INIT(ncols) { (ncols), COACH_STRLIST_INIT }

/* Adds the next cell (NULL: empty), made safe with coach_term_line. */
void coach_table_add(struct coach_table *t, const char *s);
/* Writes the table to stdout: columns two spaces apart, the header bold,
 * no blanks after a row's last cell. */
void coach_table_print(const struct coach_ctx *ctx,
	const struct coach_table *t);
void coach_table_free(struct coach_table *t);

/*
 * Says that a list has nothing to show, and how to add to it (one line,
 * printf-style).  On a terminal it is written to stdout; otherwise to
 * stderr, so that a script reading the rows gets none.
 */
void coach_list_empty(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * Sorts rows by coachee, keeping the order rows already have among one
 * coachee's (rows point into one array, in that array's order).
 */
void coach_rows_by_coachee(struct coach_loaded **rows, size_t n);

/*
 * Front-matter as JSON
 */

/* A front-matter value as JSON: plain scalars typed as YAML reads them
 * (null, bool, number), everything else a string; NULL is null. */
void coach_json_fm_node(struct coach_json *j, const struct coach_fm_node *n);
/* The same for a top-level key; null when it is absent. */
void coach_json_fm_key(struct coach_json *j, const struct coach_fm *fm,
	const char *key);
/* Each top-level key of fm that is not in skip (NULL-terminated; NULL for
 * none) as a member of the object being written, in the file's order. */
void coach_json_fm_members(struct coach_json *j, const struct coach_fm *fm,
	const char *const *skip);
/* The whole front-matter as a JSON object. */
void coach_json_front_matter(struct coach_json *j, const struct coach_fm *fm);

/*
 * Records
 */

/* Writes rows to stdout as a JSON array, each row's value written by
 * row_json. */
void coach_json_rows(struct coach_loaded *const *rows, size_t n,
	void (*row_json)(struct coach_json *j, const struct coach_loaded *row));

/*
 * Resolves an id prefix given to option (e.g. "--goal") to a goal or cycle
 * of coachee's: *id is its full id and *path its record.  The caller
 * frees both, also after an error (when they may be NULL).
 */
struct coach_error *coach_resolve_owned(struct coach_repo *r,
	const char *coachee, const char *option, const char *prefix,
	enum coach_kind kind, char **id, char **path);

/*
 * coach_load_records() (lib/load.h), with each record left out reported
 * on stderr as a warning pointing at coach check.  The caller frees out
 * with coach_loaded_list_free().
 */
struct coach_error *coach_load_all(struct coach_repo *r, enum coach_kind kind,
	const char *coachee, const char *sort_key,
	struct coach_loaded_list *out);
/* Writes each problem to stderr as "coach: warning: ... (left out; see
 * 'coach check')". */
void coach_warn_problems(const struct coach_problems *p);

/* The error of a command that listed what it could after n records of
 * what ("staff", "priority", ...) did not parse. */
struct coach_error *coach_broken_error(size_t n, const char *what);

/*
 * Runs fn as one change (lib/change.h: lock, load, change, check, commit)
 * and tells stderr what the user must know besides (hand edits committed
 * first).  Every command that writes goes through here.
 */
struct coach_error *coach_write(struct coach_repo *r, coach_change_fn fn,
	void *arg);

/* A new goal or cycle, whose id is allocated under the writer's lock. */
struct new_record {
	struct coach_record *rec; /* complete but for "id", set here */
	char kind;                /* 'g' or 'c' */
	const char *coachee;
	char *(*path_of)(const char *coachee, const char *id);
	const char *what;         /* starts the commit message: "goal add" */
	char *id;                 /* receives the id (COACH_ID_LEN + 1) */
};
/* The coach_change_fn for a new_record. */
struct coach_error *coach_new_record_apply(struct coach_change *ch,
	void *arg);

/* Writes one of lib/check.h's diagnostics to stderr as a warning,
 * "coach: warning: path:line: message". */
void coach_warn_diag(const struct coach_diag *d);

/*
 * Files
 */

/*
 * The path of name inside the repository's git directory (.git/name, or
 * where a .git file points), where drafts live so that they are never
 * committed.  The caller frees it.
 */
char *coach_git_path(const struct coach_repo *r, const char *name);
/* Writes data to path, replacing it. */
struct coach_error *coach_write_file(const char *path, const char *data,
	size_t len);
/* Turns CRLF line endings into LF and, when drop_bom (text read from a
 * file), drops a leading UTF-8 BOM, in place. */
void coach_text_normalise(struct coach_buf *b, int drop_bom);

#endif
