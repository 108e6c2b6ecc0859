/*
 * markdown.h: record bodies (CommonMark).  The only module that uses cmark.
 * Bodies over COACH_MD_MAX_BYTES are refused before they reach the parser
 * (cmark 0.30.2 is quadratic on some crafted input).
 */
#ifndef COACH_MARKDOWN_H
#define COACH_MARKDOWN_H

#include <stddef.h>

#include "error.h"
#include "util.h"

#define COACH_MD_MAX_BYTES (512 * 1024)

/* Safe HTML (raw HTML omitted, unsafe links emptied) appended to out. */
struct coach_error *coach_md_html(struct coach_buf *out, const char *body,
	size_t len);

/*
 * Text for a terminal appended to out: headings, emphasis, lists, quotes,
 * code and links laid out readably, wrapped at width columns (0: no
 * wrapping); with color set, ANSI styles (bold headings, etc.).
 */
struct coach_error *coach_md_terminal(struct coach_buf *out, const char *body,
	size_t len, int width, int color);

/*
 * The plain text of the body's first block (heading or paragraph), on one
 * line, markup removed, cut to at most max_chars characters (UTF-8 aware,
 * "…" when cut); "" for an empty body.  The caller frees the result.
 */
char *coach_md_first_line(const char *body, size_t len, size_t max_chars);

#endif
