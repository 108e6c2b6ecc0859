/*
 * recordcmd.h: what the record commands (log, entries, show, edit) share.
 *
 * Defined in the command files that use them most (log.c, show.c,
 * edit.c); candidates for cmd/ui.c once the table's owner takes them.
 */
#ifndef COACH_RECORDCMD_H
#define COACH_RECORDCMD_H

#include <stddef.h>

#include "cmd.h"

/* The kinds of entry of coach(5), NULL-terminated (log.c). */
extern const char *const coach_entry_kinds[];
/* NULL when kind is one of them; else an error naming what (e.g.
 * "--kind") and listing the kinds (log.c). */
struct coach_error *coach_entry_kind_check(const char *what,
	const char *kind);

/*
 * The path of name inside the repository's git directory (.git/name),
 * where drafts live so that they are never committed.  The caller frees
 * it (edit.c).
 */
char *coach_git_path(const struct coach_repo *r, const char *name);
/* Writes data to path, replacing it (edit.c). */
struct coach_error *coach_write_file(const char *path, const char *data,
	size_t len);
/* Turns CRLF line endings into LF and drops a leading UTF-8 BOM, in
 * place (edit.c). */
void coach_text_normalise(struct coach_buf *b);

/* Appends s to out with control characters (ESC, ...) shown as '?', so
 * that a record's values cannot drive the terminal (show.c). */
void coach_term_safe(struct coach_buf *out, const char *s);

#endif
