/*
 * frontmatter.h: YAML mappings that can be read and rewritten line by line.
 * This is the only module that uses libyaml.
 *
 * coach_fm_parse() reads a YAML document whose root is a mapping (a record's
 * front-matter, or coach.yml) and keeps the original text.  Reading is
 * through the node accessors.  Changing a top-level key with coach_fm_set()
 * or coach_fm_remove() replaces only that key's lines: coach_fm_render()
 * gives back the original text byte for byte except for the keys that were
 * changed (so comments, quoting, key order and unknown keys survive) and
 * new keys appended at the end in the order they were set.
 *
 * Hostile input is refused with an error naming the file and line:
 * anchors and aliases, duplicate keys (at any depth), nesting deeper than
 * COACH_FM_MAX_DEPTH, more than COACH_FM_MAX_BYTES of text, a root that is
 * not a mapping, tags, and anything libyaml cannot parse.  Also refused:
 * invalid UTF-8, NUL, control characters, a lone CR, U+0085/U+2028/U+2029
 * line breaks, keys that are not text, a plain '<<' or '=', directives,
 * a second document and the '...' end marker.
 *
 * A comment line at column 0 directly above a key belongs to that key (it
 * goes when the key is removed and stays when it is set); indented comment
 * lines after a value belong to the value; other comments stay where they
 * are, and trailing ones stay at the end.  A document whose root mapping is
 * a flow mapping, is indented, or has an explicit "? key" (or that is a
 * written null, such as "~") is written out afresh (without its comments)
 * once it is changed.
 *
 * A rewrite changes only the values it means to change: a value's lines
 * run to its last line that is neither blank nor a comment (so an empty
 * last item "-" stays with its list), lines of only spaces after new lines
 * are written empty, and a BOM before a first line "---" stays.  Before
 * coach_fm_render() gives a changed document, it parses what it wrote; if
 * that would not read back as the document (coach_fm_equal()), it writes
 * the document out afresh instead.
 *
 * Nodes belong to their document: coach_fm_set(), coach_fm_append() and
 * coach_fm_remove() of a key free (or may move) the nodes under it.
 */
#ifndef COACH_FRONTMATTER_H
#define COACH_FRONTMATTER_H

#include <stddef.h>

#include "error.h"
#include "util.h"

#define COACH_FM_MAX_BYTES (64 * 1024)
#define COACH_FM_MAX_DEPTH 8

enum coach_fm_type {
	COACH_FM_NULL,   /* empty value, ~, null (plain) */
	COACH_FM_SCALAR,
	COACH_FM_SEQ,
	COACH_FM_MAP,
};

struct coach_fm;      /* a parsed mapping document */
struct coach_fm_node; /* a value inside it; owned by its document */
struct coach_fmv;     /* a value being built, to be set into a document */

/*
 * Parses text[0..len).  name is the file name used in errors; first_line is
 * the line number of text's first line in that file (2 for a record's
 * front-matter after its opening "---", 1 for coach.yml), so that lines in
 * errors and from coach_fm_node_line() are the file's own.  Empty text (or
 * only comments) is an empty mapping.  On success the caller frees *out with
 * coach_fm_free().
 */
struct coach_error *coach_fm_parse(struct coach_fm **out, const char *name,
	const char *text, size_t len, int first_line);

/*
 * How coach_fm_parse_as() reads.  COACH_FM_ANY is coach_fm_parse(): the
 * plain "key: value" lines coach itself writes without libyaml, anything
 * else with it.  COACH_FM_LIBYAML always uses libyaml; COACH_FM_PLAIN never
 * does, and gives neither a document nor an error (*out NULL, NULL
 * returned) when the text is not plain enough.  Both ways give the same
 * documents and errors: coach_fm_plain_check() compares them.
 */
enum coach_fm_reader { COACH_FM_ANY, COACH_FM_LIBYAML, COACH_FM_PLAIN };
struct coach_error *coach_fm_parse_as(struct coach_fm **out, const char *name,
	const char *text, size_t len, int first_line, enum coach_fm_reader how);
/*
 * For tests and the fuzzer: 1 when the plain reader reads text and gives
 * what libyaml gives (the same error, or a document the same in every
 * detail: keys, values, lines, the spans of its keys' lines), 0 when it
 * leaves text to libyaml, -1 when they differ (why, unless NULL, then
 * gets both).
 */
int coach_fm_plain_check(const char *text, size_t len, struct coach_buf *why);

/* An empty document, for new records. */
struct coach_fm *coach_fm_new(void);
void coach_fm_free(struct coach_fm *fm);

/* Top-level keys in document order (including keys set since parsing). */
size_t coach_fm_count(const struct coach_fm *fm);
const char *coach_fm_key_at(const struct coach_fm *fm, size_t i);
/* The value of a key, or NULL when the key is absent. */
const struct coach_fm_node *coach_fm_get(const struct coach_fm *fm,
	const char *key);
/* Line of key in the file, or 0 when absent or set since parsing. */
int coach_fm_key_line(const struct coach_fm *fm, const char *key);
/*
 * Shortcut: the scalar value of key, or NULL when the key is absent, null
 * or not a scalar.
 */
const char *coach_fm_str(const struct coach_fm *fm, const char *key);

enum coach_fm_type coach_fm_node_type(const struct coach_fm_node *n);
/* Scalar text ("" for null); NULL for sequences and mappings. */
const char *coach_fm_node_str(const struct coach_fm_node *n);
/* Whether a scalar was written quoted or as a block ('...', "...", |, >). */
int coach_fm_node_quoted(const struct coach_fm_node *n);
/* Line of the value in the file (0 for values set since parsing). */
int coach_fm_node_line(const struct coach_fm_node *n);
/* Number of items of a sequence or pairs of a mapping; 0 otherwise. */
size_t coach_fm_node_len(const struct coach_fm_node *n);
/* The i-th item of a sequence or value of a mapping. */
const struct coach_fm_node *coach_fm_node_item(const struct coach_fm_node *n,
	size_t i);
/* The i-th key of a mapping (NULL for other types). */
const char *coach_fm_node_key(const struct coach_fm_node *n, size_t i);
/* A mapping's value for key, or NULL. */
const struct coach_fm_node *coach_fm_node_lookup(const struct coach_fm_node *n,
	const char *key);
/*
 * YAML 1.1/1.2 core typing of plain scalars, as other parsers would read
 * them.  Each returns 0 and sets *out when the node is of that type (a
 * quoted scalar is never a bool or number), -1 otherwise.
 */
int coach_fm_node_bool(const struct coach_fm_node *n, int *out);
int coach_fm_node_number(const struct coach_fm_node *n, double *out);

/*
 * Whether a and b mean the same to a YAML reader: the same type, the same
 * text, the same keys in the same order, and scalars typed alike (a quoted
 * "true" is text, a plain true is not; quoting that changes nothing, such
 * as "abc" against abc, does not count).
 */
int coach_fm_node_equal(const struct coach_fm_node *a,
	const struct coach_fm_node *b);
/*
 * Whether a and b hold the same top-level keys in the same order with equal
 * values.  When they differ and differs is not NULL, *differs is the first
 * key (of a, or of b when a has no more keys) that does not match; it
 * points into a or b.
 */
int coach_fm_equal(const struct coach_fm *a, const struct coach_fm *b,
	const char **differs);

/*
 * Values to set.  Every constructor returns a new value; coach_fm_set(),
 * coach_fmv_push() and coach_fmv_put() take ownership of the value passed.
 * Strings are emitted so that every YAML parser reads them back as the same
 * string (quoted when they would otherwise read as a bool, number, null or
 * date, or when they hold special characters; multi-line text as a literal
 * block).  coach_fmv_plain() writes its text unquoted, for numbers, bools
 * and dates the caller has already validated.
 */
struct coach_fmv *coach_fmv_str(const char *s);
struct coach_fmv *coach_fmv_plain(const char *s);
struct coach_fmv *coach_fmv_bool(int b);
struct coach_fmv *coach_fmv_number(double d);
struct coach_fmv *coach_fmv_seq(void);
struct coach_fmv *coach_fmv_map(void);
/* A deep copy of a parsed node, e.g. to append to an existing list. */
struct coach_fmv *coach_fmv_from_node(const struct coach_fm_node *n);
void coach_fmv_push(struct coach_fmv *seq, struct coach_fmv *item);
void coach_fmv_put(struct coach_fmv *map, const char *key,
	struct coach_fmv *value);
void coach_fmv_free(struct coach_fmv *v);

/*
 * Sets top-level key to v (ownership passes to fm).  An existing key keeps
 * its place and only its own lines change; a new key goes at the end.
 */
void coach_fm_set(struct coach_fm *fm, const char *key, struct coach_fmv *v);
/*
 * Appends item to the sequence at key, adding lines after the sequence's
 * last item so that existing lines do not change; creates the key when
 * absent.  Fails (status COACH_FAIL) when the key holds something other than
 * a sequence or null.
 */
struct coach_error *coach_fm_append(struct coach_fm *fm, const char *key,
	struct coach_fmv *item);
/* Removes key and its lines; nothing happens when it is absent. */
void coach_fm_remove(struct coach_fm *fm, const char *key);

/* The document's text: the original with changes applied.  Ends in '\n'
 * unless empty. */
void coach_fm_render(const struct coach_fm *fm, struct coach_buf *out);

/* Appends s to out as a YAML scalar that reads back as the string s. */
void coach_yaml_scalar(struct coach_buf *out, const char *s);

#endif
