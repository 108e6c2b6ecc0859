/*
 * record.h: a coach record, a Markdown file with YAML front-matter.
 *
 *     ---
 *     key: value
 *     ---
 *     CommonMark body (may be empty)
 *
 * Reading accepts a UTF-8 BOM and CRLF line endings; writing always gives LF
 * and no BOM.  Line endings are read the way they are written: a CR (or a
 * run of CRs) before a LF is part of the line ending, a CR at the very end
 * of the file ends the last line, and a non-empty body ends in '\n'.  So a
 * record reads back exactly as it was before it was written.  Refused, with an error naming the file and line: invalid
 * UTF-8, NUL bytes, a missing opening or closing "---", front-matter that
 * is not a YAML mapping (or breaks the rules of frontmatter.h), and a file
 * over COACH_RECORD_MAX_BYTES.
 */
#ifndef COACH_RECORD_H
#define COACH_RECORD_H

#include <stddef.h>

#include "error.h"
#include "frontmatter.h"
#include "util.h"

#define COACH_RECORD_MAX_BYTES (1024 * 1024)

struct coach_record;

/* Parses data[0..len); path names the file in errors. */
struct coach_error *coach_record_parse(struct coach_record **out,
	const char *path, const char *data, size_t len);
/* Reads and parses the file at fspath; errors name display_path (the path
 * relative to the repository) or fspath when display_path is NULL. */
struct coach_error *coach_record_load(struct coach_record **out,
	const char *fspath, const char *display_path);
/* The same, with the file's stat data as coach_read_file_stat() gives
 * them. */
struct stat;
struct coach_error *coach_record_load_stat(struct coach_record **out,
	const char *fspath, const char *display_path, struct stat *read_st);
/* The same, for fspath relative to the folder open on dirfd. */
struct coach_error *coach_record_load_at(struct coach_record **out, int dirfd,
	const char *fspath, const char *display_path, struct stat *read_st);
/* A new, empty record (no keys, empty body). */
struct coach_record *coach_record_new(void);
void coach_record_free(struct coach_record *r);

/* The front-matter, owned by the record: read it and set keys on it. */
struct coach_fm *coach_record_fm(struct coach_record *r);
const struct coach_fm *coach_record_fm_const(const struct coach_record *r);
/* Shortcut for coach_fm_str(coach_record_fm(r), key). */
const char *coach_record_str(const struct coach_record *r, const char *key);

/* The body as written (after the closing "---" line), "" when empty. */
const char *coach_record_body(const struct coach_record *r);
/* Line number in the file of the body's first line. */
int coach_record_body_line(const struct coach_record *r);
/* Sets the body, with line endings and the final '\n' as they will read
 * back (see above); a CR inside a line is kept, invalid UTF-8 becomes
 * U+FFFD. */
void coach_record_set_body(struct coach_record *r, const char *body);

/* The file's path as given to parse/load, or NULL for new records. */
const char *coach_record_path(const struct coach_record *r);

/*
 * The file's text: "---\n", front-matter, "---\n", body.  Unchanged keys and
 * an unchanged body are byte for byte as read (after CRLF/BOM
 * normalisation).  A non-empty body always ends in '\n'.
 */
void coach_record_render(const struct coach_record *r, struct coach_buf *out);

/*
 * Checks that text[0..len), about to be written for r, reads back as r: it
 * parses, has the same keys in the same order with the same values (see
 * coach_fm_equal()) and the same body.  A writer calls this on what it
 * rendered before committing it; an error (code COACH_E_INVALID) names
 * r's path and the first key that would not read back as set.
 */
struct coach_error *coach_record_verify(const struct coach_record *r,
	const char *text, size_t len);

#endif
