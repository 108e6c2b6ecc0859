/*
 * frontmatter.c: YAML mappings read with libyaml's event API and rewritten
 * line by line.
 *
 * Parsing builds a node tree and, for each top-level key, remembers where
 * its lines are in the original text:
 *
 *     lead   [lead, start)    col-0 comment lines directly above the key
 *     value  [start, end)     the key's line to the end of its value's
 *                             line, then indented comment lines (and
 *                             blank lines among them)
 *     trail  [end, trail_end) blank lines and column-0 comments before
 *                             the next key's lead
 *
 * plus a head before the first key and a tail after the last value.
 * coach_fm_set() replaces only the value lines, coach_fm_remove() drops lead,
 * value and trail, coach_fm_append() adds lines after the value, and every
 * other byte is rendered as it was read.  So what follows new lines is only
 * blank lines, column-0 comments or the next key, none of which can be read
 * as part of a new block scalar (an indented comment after a blank line
 * would be).
 *
 * Values are written by our own emitter: libyaml's emitter does no type
 * resolution (PITFALLS.md).  A flow or indented root mapping, or a
 * top-level explicit key, cannot be edited line by line: once changed,
 * such a document is written out afresh (its comments are lost).
 */
#include "frontmatter.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct coach_fm_node {
	enum coach_fm_type type;
	char *str;              /* scalar text; "" for null and collections */
	int quoted;             /* written quoted or as a block */
	int line;               /* 0 for values set since parsing */
	/* In its document's arena (see below), so never freed alone: the
	 * node, its text and its keys; and its three arrays. */
	unsigned char pooled, arrays_pooled;
	size_t n, cap;
	struct coach_fm_node **items;
	char **keys;            /* mapping keys (NULL for sequences) */
	int *key_lines;         /* mapping keys' lines */
};

struct coach_fmv {
	struct coach_fm_node *node;
};

struct fm_entry {
	char *key;
	struct coach_fm_node *value;
	int key_line;           /* 0 for keys set since parsing */
	int orig;               /* the key has lines in the original text */
	size_t lead, start, end, trail_end;
	int dash_col;           /* column of '-' of a block sequence, or -1 */
	char *text;             /* replaces [start, end), or the new key's lines */
	struct coach_buf added; /* lines appended after [start, end) */
};

/*
 * A document's arena: what parsing makes (the document itself, its name
 * and text, its keys, and the nodes of its values with their text and
 * arrays) is cut from a few blocks freed with the document, not
 * allocated one by one.  Values set later are allocated as before and
 * freed alone; a parsed list that grows has its array moved out.
 */
struct fm_block {
	struct fm_block *next;
	size_t used, cap;
	unsigned char data[];   /* 8-aligned: three 8-byte fields before */
};

/* The first block's size: a record's document in one block under 1000
 * bytes, which malloc serves from its per-thread cache. */
#define FM_BLOCK_FIRST (1000 - sizeof(struct fm_block))
#define FM_BLOCK_MAX ((size_t)16 * 1024)
#define FM_BLOCK_ALIGN 8

struct coach_fm {
	struct fm_block *blocks; /* the arena; this document is in it */
	char *name;
	char *text;             /* the normalised original */
	size_t len;
	size_t head_end;        /* [0, head_end) comes before the first key */
	size_t tail_start;      /* [tail_start, len) comes after the last key */
	int editable;           /* line-based rewriting is possible */
	int bom;                /* the text started with a BOM */
	int dirty;
	struct fm_entry *e;
	size_t n, cap;
};

/* ---- the arena -------------------------------------------------------- */

/* size bytes from *blocks, aligned to FM_BLOCK_ALIGN when align. */
static void *
arena_alloc(struct fm_block **blocks, size_t size, int align)
{
	struct fm_block *b = *blocks, *nb;
	if (b) {
		size_t at = align ? (b->used + FM_BLOCK_ALIGN - 1) &
		    ~(size_t)(FM_BLOCK_ALIGN - 1) : b->used;
		if (at <= b->cap && size <= b->cap - at) {
			b->used = at + size;
			return b->data + at;
		}
	}
	size_t cap = b ? b->cap * 2 : FM_BLOCK_FIRST;
	if (cap > FM_BLOCK_MAX)
		cap = FM_BLOCK_MAX;
	if (size > cap / 2) {
		/* A large piece gets a block of its own, behind the head,
		 * whose room stays in use. */
		nb = coach_xmalloc(sizeof(*nb) + size);
		nb->cap = nb->used = size;
		nb->next = b ? b->next : NULL;
		if (b)
			b->next = nb;
		else
			*blocks = nb;
		return nb->data;
	}
	nb = coach_xmalloc(sizeof(*nb) + cap);
	nb->cap = cap;
	nb->used = size;
	nb->next = b;
	*blocks = nb;
	return nb->data;
}

static char *
arena_strndup(struct fm_block **blocks, const char *s, size_t n)
{
	char *d = arena_alloc(blocks, n + 1, 0);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static void
arena_free(struct fm_block *b)
{
	while (b) {
		struct fm_block *next = b->next;
		free(b);
		b = next;
	}
}

/* ---- nodes ---------------------------------------------------------- */

static struct coach_fm_node *
node_new(enum coach_fm_type type, const char *str)
{
	struct coach_fm_node *n = coach_xcalloc(1, sizeof(*n));
	n->type = type;
	n->str = coach_xstrdup(str ? str : "");
	return n;
}

/* A node of a document being parsed, in its arena; str is copied. */
static struct coach_fm_node *
node_pooled(struct fm_block **blocks, enum coach_fm_type type,
    const char *str, size_t len)
{
	struct coach_fm_node *n = arena_alloc(blocks, sizeof(*n), 1);
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->str = arena_strndup(blocks, str, len);
	n->pooled = n->arrays_pooled = 1;
	return n;
}

static void
node_free(struct coach_fm_node *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->n; i++) {
		node_free(n->items[i]);
		if (n->keys && !n->pooled)
			free(n->keys[i]);
	}
	if (!n->arrays_pooled) {
		free(n->items);
		free(n->keys);
		free(n->key_lines);
	}
	if (!n->pooled) {
		free(n->str);
		free(n);
	}
}

/* A copy of a[0..n) in size bytes, from blocks or (NULL) malloc. */
static void *
grow_copy(struct fm_block **blocks, const void *a, size_t n, size_t size)
{
	void *c = blocks ? arena_alloc(blocks, size, 1) : coach_xmalloc(size);
	if (n)
		memcpy(c, a, n);
	return c;
}

/* Makes room for one more item: in the arena while parsing (blocks),
 * else with malloc, out of the arena for a parsed node. */
static void
node_grow(struct coach_fm_node *n, struct fm_block **blocks)
{
	if (n->n < n->cap)
		return;
	/* Room for a record's keys at once. */
	size_t cap = n->cap ? n->cap * 2 : 8;
	if (blocks == NULL && !n->arrays_pooled) {
		n->items = coach_xrealloc(n->items, cap * sizeof(*n->items));
		if (n->type == COACH_FM_MAP) {
			n->keys = coach_xrealloc(n->keys,
			    cap * sizeof(*n->keys));
			n->key_lines = coach_xrealloc(n->key_lines,
			    cap * sizeof(*n->key_lines));
		}
	} else {
		n->items = grow_copy(blocks, n->items,
		    n->n * sizeof(*n->items), cap * sizeof(*n->items));
		if (n->type == COACH_FM_MAP) {
			n->keys = grow_copy(blocks, n->keys,
			    n->n * sizeof(*n->keys), cap * sizeof(*n->keys));
			n->key_lines = grow_copy(blocks, n->key_lines,
			    n->n * sizeof(*n->key_lines),
			    cap * sizeof(*n->key_lines));
		}
		n->arrays_pooled = blocks != NULL;
	}
	n->cap = cap;
}

static void
node_push(struct coach_fm_node *seq, struct coach_fm_node *item,
    struct fm_block **blocks)
{
	node_grow(seq, blocks);
	seq->items[seq->n++] = item;
}

/* Adds key (owned, or in the arena when blocks) with value to map,
 * after its other keys. */
static void
node_add_pair(struct coach_fm_node *map, char *key, int line,
    struct coach_fm_node *value, struct fm_block **blocks)
{
	node_grow(map, blocks);
	map->keys[map->n] = key;
	map->key_lines[map->n] = line;
	map->items[map->n++] = value;
}

/* Puts key (owned) with value into map, replacing an existing key. */
static void
node_put(struct coach_fm_node *map, char *key, int line,
    struct coach_fm_node *value)
{
	for (size_t i = 0; i < map->n; i++) {
		if (strcmp(map->keys[i], key) == 0) {
			free(key);
			node_free(map->items[i]);
			map->items[i] = value;
			return;
		}
	}
	node_add_pair(map, key, line, value, NULL);
}

static struct coach_fm_node *
node_copy(const struct coach_fm_node *n)
{
	struct coach_fm_node *c = node_new(n->type, n->str);
	c->quoted = n->quoted;
	c->line = n->line;
	for (size_t i = 0; i < n->n; i++) {
		if (n->type == COACH_FM_MAP)
			node_add_pair(c, coach_xstrdup(n->keys[i]),
			    n->key_lines[i], node_copy(n->items[i]), NULL);
		else
			node_push(c, node_copy(n->items[i]), NULL);
	}
	return c;
}

static void
node_clear_lines(struct coach_fm_node *n)
{
	n->line = 0;
	for (size_t i = 0; i < n->n; i++) {
		node_clear_lines(n->items[i]);
		if (n->key_lines)
			n->key_lines[i] = 0;
	}
}

/* ---- YAML typing of plain scalars ------------------------------------- */

static int
is_null_word(const char *s)
{
	if (*s == '\0')
		return 1;
	/* The first byte first: most values are no such word. */
	if (*s != '~' && *s != 'n' && *s != 'N')
		return 0;
	return strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static int
word_in(const char *s, const char *const *words)
{
	/* The first byte first: most values are no such word. */
	for (; *words; words++)
		if (s[0] == (*words)[0] && strcmp(s, *words) == 0)
			return 1;
	return 0;
}

static int
ascii_casecmp(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 1;
	return *a != *b;
}

/*
 * Whether any YAML 1.1 or 1.2 parser could read plain s as something other
 * than a string: null, a bool in any case, a number in any notation
 * (sexagesimal, octal, hex, binary, underscores, .inf, .nan), a date or
 * timestamp, or the 1.1 merge and value keys.  Errs towards yes: a string
 * that is only quoted without need does no harm.
 */
static int
plain_is_special(const char *s)
{
	static const char *const bools[] = { "y", "yes", "n", "no", "true",
		"false", "on", "off", NULL };
	if (is_null_word(s) || strcmp(s, "=") == 0 || strcmp(s, "<<") == 0)
		return 1;
	for (const char *const *w = bools; *w; w++)
		if (ascii_casecmp(s, *w) == 0)
			return 1;
	const char *t = s;
	if (*t == '+' || *t == '-')
		t++;
	if (*t == '.' && (ascii_casecmp(t, ".inf") == 0 ||
	    ascii_casecmp(t, ".nan") == 0))
		return 1;
	if (isdigit((unsigned char)*t) || (*t == '.' &&
	    isdigit((unsigned char)t[1]))) {
		/* Dates and timestamps: 2026-01-01, 2026-1-1 10:00:00Z. */
		if (isdigit((unsigned char)t[1]) && isdigit((unsigned char)t[2]) &&
		    isdigit((unsigned char)t[3]) && t[4] == '-')
			return 1;
		if (strspn(t, "0123456789abcdefABCDEFxXoO_.:+-") == strlen(t))
			return 1;
	}
	return 0;
}

static int
match_digits(const char **p)
{
	const char *s = *p;
	while (isdigit((unsigned char)**p))
		(*p)++;
	return *p > s;
}

/*
 * Numbers that YAML 1.1 (PyYAML) and the 1.2 core schema both read, as the
 * same value: decimal integers without leading zeros, 0x hex, floats with
 * a '.' and a signed exponent, .inf and .nan.
 */
static int
parse_number(const char *s, double *out)
{
	const char *p = s;
	if (ascii_casecmp(s, ".nan") == 0 && (strcmp(s, ".nan") == 0 ||
	    strcmp(s, ".NaN") == 0 || strcmp(s, ".NAN") == 0)) {
		*out = NAN;
		return 0;
	}
	int neg = 0;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 ||
	    strcmp(p, ".INF") == 0) {
		*out = neg ? -INFINITY : INFINITY;
		return 0;
	}
	if (p == s && p[0] == '0' && p[1] == 'x' && p[2] != '\0' &&
	    strspn(p + 2, "0123456789abcdefABCDEF") == strlen(p + 2)) {
		*out = (double)strtoull(p + 2, NULL, 16);
		return 0;
	}
	if (*p == '.') {
		/* PyYAML takes ".5" but not "-.5". */
		if (p != s)
			return -1;
		p++;
		if (!match_digits(&p))
			return -1;
	} else {
		const char *d = p;
		if (!match_digits(&p))
			return -1;
		if (*p != '.') {
			if (*p != '\0' || (*d == '0' && p - d > 1))
				return -1;
			*out = strtod(s, NULL);
			return 0;
		}
		p++;
		match_digits(&p);
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p != '+' && *p != '-')
			return -1;
		p++;
		if (!match_digits(&p))
			return -1;
	}
	if (*p != '\0')
		return -1;
	*out = strtod(s, NULL);
	return 0;
}

/* ---- the emitter ------------------------------------------------------ */

/*
 * Length of the UTF-8 character at s that must be escaped in a
 * double-quoted scalar, or 0 when it may be written as it is.  Escaped:
 * C0 and C1 controls, DEL, line and paragraph separators, BOM, U+FFFE/F
 * (PyYAML refuses to read them raw).
 */
static size_t
needs_escape(const unsigned char *s)
{
	if (*s < 0x20 || *s == 0x7f)
		return 1;
	if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
		return 2;
	if (s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9))
		return 3;
	if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 3;
	if (s[0] == 0xef && s[1] == 0xbf && (s[2] == 0xbe || s[2] == 0xbf))
		return 3;
	return 0;
}

/* Whether s has a character that only a double-quoted scalar can hold. */
static int
has_escapes(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p != '\n' && needs_escape(p))
			return 1;
	return 0;
}

/*
 * Whether s can be written as a plain scalar at all (in block context, not
 * at column 0), regardless of how it would be typed.
 */
static int
plain_syntax_ok(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || s[0] == ' ' || s[len - 1] == ' ' || s[len - 1] == ':')
		return 0;
	if (strchr(s, '\n') || strchr(s, '\t') || has_escapes(s))
		return 0;
	if (strncmp(s, "---", 3) == 0 || strncmp(s, "...", 3) == 0)
		return 0;
	if (strchr("-?:", s[0])) {
		if (s[1] == '\0' || s[1] == ' ')
			return 0;
	} else if (strchr(",[]{}#&*!|>'\"%@`", s[0])) {
		return 0;
	}
	return strstr(s, ": ") == NULL && strstr(s, " #") == NULL;
}

/* Whether every YAML parser reads plain s back as the string s. */
static int
plain_ok(const char *s)
{
	return plain_syntax_ok(s) && !strchr("-?:", s[0]) &&
	    !plain_is_special(s);
}

static void
put_double_quoted(struct coach_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	coach_buf_putc(b, '"');
	while (*s) {
		size_t n = needs_escape(s);
		if (n == 0) {
			if (*s == '"' || *s == '\\')
				coach_buf_putc(b, '\\');
			coach_buf_putc(b, (char)*s++);
			continue;
		}
		if (n == 1) {
			switch (*s) {
			case '\n': coach_buf_puts(b, "\\n"); break;
			case '\t': coach_buf_puts(b, "\\t"); break;
			case '\r': coach_buf_puts(b, "\\r"); break;
			default: coach_buf_printf(b, "\\x%02X", *s); break;
			}
		} else if (n == 2) {
			if (s[1] == 0x85)
				coach_buf_puts(b, "\\N");
			else
				coach_buf_printf(b, "\\x%02X", s[1]);
		} else {
			unsigned cp = ((s[0] & 0x0fu) << 12) |
			    ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
			coach_buf_printf(b, "\\u%04X", cp);
		}
		s += n;
	}
	coach_buf_putc(b, '"');
}

static char *utf8_clean(const char *s);

void
coach_yaml_scalar(struct coach_buf *out, const char *str)
{
	char *s = utf8_clean(str);
	if (plain_ok(s))
		coach_buf_puts(out, s);
	else
		put_double_quoted(out, s);
	free(s);
}

/*
 * Whether multi-line s reads back the same from a literal block scalar
 * with clip or strip chomping and survives hand editing: no characters that
 * need escapes, no tabs, no trailing spaces on any line, not only line
 * breaks, and at most one final line break (keep chomping would swallow
 * blank lines that follow in the file).
 */
static int
block_ok(const char *s)
{
	size_t len = strlen(s);
	if (!strchr(s, '\n') || strchr(s, '\t') || has_escapes(s))
		return 0;
	if (strspn(s, "\n") == len)
		return 0;
	if (len >= 2 && s[len - 1] == '\n' && s[len - 2] == '\n')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ' ' && (s[i + 1] == '\n' || s[i + 1] == '\0'))
			return 0;
	return 1;
}

static void
pad(struct coach_buf *b, int n)
{
	for (int i = 0; i < n; i++)
		coach_buf_putc(b, ' ');
}

/*
 * A literal block scalar whose lines are indented by indent; the parent
 * collection's indentation is always indent - 2, which is the indentation
 * indicator when the text starts with a space or a line break.
 */
static void
put_literal(struct coach_buf *b, const char *s, int indent)
{
	size_t len = strlen(s);
	coach_buf_putc(b, '|');
	if (s[0] == ' ' || s[0] == '\n')
		coach_buf_putc(b, '2');
	if (s[len - 1] != '\n')
		coach_buf_putc(b, '-');
	coach_buf_putc(b, '\n');
	const char *p = s;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n > 0) {
			pad(b, indent);
			coach_buf_add(b, p, n);
		}
		coach_buf_putc(b, '\n');
		p += n + (nl != NULL);
	}
}

/* A scalar value and its line break; block lines indented by indent. */
static void
put_scalar(struct coach_buf *b, const struct coach_fm_node *v, int indent)
{
	if (!v->quoted && plain_syntax_ok(v->str))
		coach_buf_puts(b, v->str);
	else if (plain_ok(v->str))
		coach_buf_puts(b, v->str);
	else if (block_ok(v->str)) {
		put_literal(b, v->str, indent);
		return;
	} else
		put_double_quoted(b, v->str);
	coach_buf_putc(b, '\n');
}

/* Implicit keys are limited to 1024 characters; longer ones use "? ". */
static void
put_key(struct coach_buf *b, const char *key, int indent)
{
	struct coach_buf k = COACH_BUF_INIT;
	coach_yaml_scalar(&k, key);
	if (k.len > 1000) {
		coach_buf_puts(b, "? ");
		coach_buf_add(b, k.ptr, k.len);
		coach_buf_putc(b, '\n');
		pad(b, indent);
	} else {
		coach_buf_add(b, k.ptr, k.len);
	}
	coach_buf_free(&k);
	coach_buf_putc(b, ':');
}

static void put_seq(struct coach_buf *, const struct coach_fm_node *, int, int);
static void put_map(struct coach_buf *, const struct coach_fm_node *, int, int);

/* What follows "key:" of a key at column indent. */
static void
put_after_key(struct coach_buf *b, const struct coach_fm_node *v, int indent)
{
	switch (v->type) {
	case COACH_FM_NULL:
		coach_buf_putc(b, '\n');
		break;
	case COACH_FM_SCALAR:
		coach_buf_putc(b, ' ');
		put_scalar(b, v, indent + 2);
		break;
	case COACH_FM_SEQ:
		if (v->n == 0) {
			coach_buf_puts(b, " []\n");
			break;
		}
		coach_buf_putc(b, '\n');
		put_seq(b, v, indent + 2, 0);
		break;
	case COACH_FM_MAP:
		if (v->n == 0) {
			coach_buf_puts(b, " {}\n");
			break;
		}
		coach_buf_putc(b, '\n');
		put_map(b, v, indent + 2, 0);
		break;
	}
}

/* What follows the "-" of a sequence item at column indent. */
static void
put_after_dash(struct coach_buf *b, const struct coach_fm_node *v, int indent)
{
	if (v->type == COACH_FM_SEQ && v->n > 0) {
		coach_buf_putc(b, ' ');
		put_seq(b, v, indent + 2, 1);
	} else if (v->type == COACH_FM_MAP && v->n > 0) {
		coach_buf_putc(b, ' ');
		put_map(b, v, indent + 2, 1);
	} else {
		put_after_key(b, v, indent);
	}
}

static void
put_seq(struct coach_buf *b, const struct coach_fm_node *v, int indent,
    int inline_first)
{
	for (size_t i = 0; i < v->n; i++) {
		if (i > 0 || !inline_first)
			pad(b, indent);
		coach_buf_putc(b, '-');
		put_after_dash(b, v->items[i], indent);
	}
}

static void
put_map(struct coach_buf *b, const struct coach_fm_node *v, int indent,
    int inline_first)
{
	for (size_t i = 0; i < v->n; i++) {
		if (i > 0 || !inline_first)
			pad(b, indent);
		put_key(b, v->keys[i], indent);
		put_after_key(b, v->items[i], indent);
	}
}

static char *
emit_entry(const char *key, const struct coach_fm_node *v)
{
	struct coach_buf b = COACH_BUF_INIT;
	put_key(&b, key, 0);
	put_after_key(&b, v, 0);
	return coach_buf_detach(&b);
}

/* ---- values to set ---------------------------------------------------- */

static struct coach_fmv *
fmv_wrap(struct coach_fm_node *n)
{
	struct coach_fmv *v = coach_xmalloc(sizeof(*v));
	v->node = n;
	return v;
}

static struct coach_fm_node *
fmv_take(struct coach_fmv *v)
{
	struct coach_fm_node *n = v->node;
	free(v);
	return n;
}

/* s with each invalid UTF-8 byte replaced by U+FFFD. */
static char *
utf8_clean(const char *s)
{
	size_t len = strlen(s);
	struct coach_buf b = COACH_BUF_INIT;
	coach_buf_add(&b, "", 0);
	while (len > 0) {
		size_t ok = coach_utf8_check(s, len);
		coach_buf_add(&b, s, ok);
		if (ok == len)
			break;
		coach_buf_puts(&b, "\xef\xbf\xbd");
		s += ok + 1;
		len -= ok + 1;
	}
	return coach_buf_detach(&b);
}

struct coach_fmv *
coach_fmv_str(const char *s)
{
	char *clean = utf8_clean(s);
	struct coach_fm_node *n = node_new(COACH_FM_SCALAR, clean);
	free(clean);
	n->quoted = !plain_ok(n->str);
	return fmv_wrap(n);
}

struct coach_fmv *
coach_fmv_plain(const char *s)
{
	char *clean = utf8_clean(s);
	struct coach_fm_node *n;
	if (is_null_word(clean)) {
		n = node_new(COACH_FM_NULL, "");
	} else {
		n = node_new(COACH_FM_SCALAR, clean);
		/* Text that cannot be plain is quoted rather than broken. */
		n->quoted = !plain_syntax_ok(clean);
	}
	free(clean);
	return fmv_wrap(n);
}

struct coach_fmv *
coach_fmv_bool(int b)
{
	return coach_fmv_plain(b ? "true" : "false");
}

/* Formats d so that YAML 1.1 and 1.2 parsers both read it as d. */
static void
format_number(char *s, size_t size, double d)
{
	if (isnan(d)) {
		snprintf(s, size, ".nan");
		return;
	}
	if (isinf(d)) {
		snprintf(s, size, d < 0 ? "-.inf" : ".inf");
		return;
	}
	if (d == floor(d) && fabs(d) < 1e17) {
		snprintf(s, size, "%.0f", d == 0 ? 0.0 : d);
		return;
	}
	char tmp[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* YAML 1.1 floats need a '.': 1e+20 -> 1.0e+20, 5 -> 5.0. */
	char *e = strchr(tmp, 'e');
	if (strchr(tmp, '.') == NULL) {
		if (e) {
			*e = '\0';
			snprintf(s, size, "%s.0e%s", tmp, e + 1);
		} else {
			snprintf(s, size, "%s.0", tmp);
		}
		return;
	}
	snprintf(s, size, "%s", tmp);
}

struct coach_fmv *
coach_fmv_number(double d)
{
	char s[48];
	format_number(s, sizeof(s), d);
	return coach_fmv_plain(s);
}

struct coach_fmv *
coach_fmv_seq(void)
{
	return fmv_wrap(node_new(COACH_FM_SEQ, ""));
}

struct coach_fmv *
coach_fmv_map(void)
{
	return fmv_wrap(node_new(COACH_FM_MAP, ""));
}

struct coach_fmv *
coach_fmv_from_node(const struct coach_fm_node *n)
{
	return fmv_wrap(node_copy(n));
}

void
coach_fmv_push(struct coach_fmv *seq, struct coach_fmv *item)
{
	if (seq->node->type != COACH_FM_SEQ) {
		coach_fmv_free(item);
		return;
	}
	node_push(seq->node, fmv_take(item), NULL);
}

void
coach_fmv_put(struct coach_fmv *map, const char *key, struct coach_fmv *value)
{
	if (map->node->type != COACH_FM_MAP) {
		coach_fmv_free(value);
		return;
	}
	node_put(map->node, utf8_clean(key), 0, fmv_take(value));
}

void
coach_fmv_free(struct coach_fmv *v)
{
	if (v == NULL)
		return;
	node_free(v->node);
	free(v);
}

/* ---- documents -------------------------------------------------------- */

/* An empty document named name, first in its own arena. */
static struct coach_fm *
fm_alloc(const char *name)
{
	struct fm_block *blocks = NULL;
	struct coach_fm *fm = arena_alloc(&blocks, sizeof(*fm), 1);
	memset(fm, 0, sizeof(*fm));
	fm->blocks = blocks;
	fm->name = arena_strndup(&fm->blocks, name, strlen(name));
	fm->text = arena_strndup(&fm->blocks, "", 0);
	fm->editable = 1;
	return fm;
}

struct coach_fm *
coach_fm_new(void)
{
	return fm_alloc("");
}

static void
entry_free(struct fm_entry *e)
{
	node_free(e->value);
	free(e->text);
	coach_buf_free(&e->added);
}

void
coach_fm_free(struct coach_fm *fm)
{
	if (fm == NULL)
		return;
	for (size_t i = 0; i < fm->n; i++)
		entry_free(&fm->e[i]);
	free(fm->e);
	/* The document itself is in its arena. */
	arena_free(fm->blocks);
}

#define FM_ENTRIES_FIRST 10

/* A new entry for key, which is in fm's arena. */
static struct fm_entry *
entry_add(struct coach_fm *fm, char *key)
{
	if (fm->n == fm->cap) {
		/* Room for a record's keys at first, in under 1 KiB: a
		 * larger block makes malloc gather every small block freed
		 * since, once per record read. */
		fm->cap = fm->cap ? fm->cap * 2 : FM_ENTRIES_FIRST;
		fm->e = coach_xrealloc(fm->e, fm->cap * sizeof(*fm->e));
	}
	struct fm_entry *e = &fm->e[fm->n++];
	memset(e, 0, sizeof(*e));
	e->key = key;
	e->dash_col = -1;
	return e;
}

/* Whether a and b are the same key.  A record's keys mostly differ in
 * their first byte: comparing it first spares most calls. */
static int
same_key(const char *a, const char *b)
{
	return a[0] == b[0] && strcmp(a, b) == 0;
}

static struct fm_entry *
entry_find(const struct coach_fm *fm, const char *key)
{
	for (size_t i = 0; i < fm->n; i++)
		if (same_key(fm->e[i].key, key))
			return &fm->e[i];
	return NULL;
}

size_t
coach_fm_count(const struct coach_fm *fm)
{
	return fm->n;
}

const char *
coach_fm_key_at(const struct coach_fm *fm, size_t i)
{
	return i < fm->n ? fm->e[i].key : NULL;
}

const struct coach_fm_node *
coach_fm_get(const struct coach_fm *fm, const char *key)
{
	struct fm_entry *e = entry_find(fm, key);
	return e ? e->value : NULL;
}

int
coach_fm_key_line(const struct coach_fm *fm, const char *key)
{
	struct fm_entry *e = entry_find(fm, key);
	return e ? e->key_line : 0;
}

const char *
coach_fm_str(const struct coach_fm *fm, const char *key)
{
	const struct coach_fm_node *n = coach_fm_get(fm, key);
	return n && n->type == COACH_FM_SCALAR ? n->str : NULL;
}

enum coach_fm_type
coach_fm_node_type(const struct coach_fm_node *n)
{
	return n->type;
}

const char *
coach_fm_node_str(const struct coach_fm_node *n)
{
	if (n->type == COACH_FM_SEQ || n->type == COACH_FM_MAP)
		return NULL;
	return n->str;
}

int
coach_fm_node_quoted(const struct coach_fm_node *n)
{
	return n->quoted;
}

int
coach_fm_node_line(const struct coach_fm_node *n)
{
	return n->line;
}

size_t
coach_fm_node_len(const struct coach_fm_node *n)
{
	return n->type == COACH_FM_SEQ || n->type == COACH_FM_MAP ? n->n : 0;
}

const struct coach_fm_node *
coach_fm_node_item(const struct coach_fm_node *n, size_t i)
{
	if ((n->type != COACH_FM_SEQ && n->type != COACH_FM_MAP) || i >= n->n)
		return NULL;
	return n->items[i];
}

const char *
coach_fm_node_key(const struct coach_fm_node *n, size_t i)
{
	if (n->type != COACH_FM_MAP || i >= n->n)
		return NULL;
	return n->keys[i];
}

const struct coach_fm_node *
coach_fm_node_lookup(const struct coach_fm_node *n, const char *key)
{
	if (n->type != COACH_FM_MAP)
		return NULL;
	for (size_t i = 0; i < n->n; i++)
		if (same_key(n->keys[i], key))
			return n->items[i];
	return NULL;
}

int
coach_fm_node_bool(const struct coach_fm_node *n, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes",
		"Yes", "YES", "on", "On", "ON", NULL };
	static const char *const no[] = { "false", "False", "FALSE", "no",
		"No", "NO", "off", "Off", "OFF", NULL };
	if (n->type != COACH_FM_SCALAR || n->quoted)
		return -1;
	if (word_in(n->str, yes))
		*out = 1;
	else if (word_in(n->str, no))
		*out = 0;
	else
		return -1;
	return 0;
}

int
coach_fm_node_number(const struct coach_fm_node *n, double *out)
{
	if (n->type != COACH_FM_SCALAR || n->quoted)
		return -1;
	return parse_number(n->str, out);
}

/*
 * The plain scalars that YAML 1.1 or the 1.2 core schema read as something
 * other than a string (beyond null and the bools): the patterns of their
 * int, float and timestamp types.  Unlike plain_is_special(), this is exact,
 * so that quoting a string that only looked like a number counts as no
 * change.
 */
static const char typed_re[] =
    "^([-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|"
    "[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+|"
    "[-+]?[0-9]+|0o[0-7]+|"
    "[-+]?[0-9][0-9_]*\\.[0-9_]*([eE][-+][0-9]+)?|"
    "\\.[0-9_]+([eE][-+][0-9]+)?|"
    "[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|"
    "[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|"
    "[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|"
    "[0-9]{4}-[0-9]{2}-[0-9]{2}|"
    "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
    "(\\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)$";

static regex_t typed_regex;
static int typed_compiled;

static void
typed_compile(void)
{
	typed_compiled = regcomp(&typed_regex, typed_re,
	    REG_EXTENDED | REG_NOSUB) == 0;
}

static int
plain_is_typed(const char *s)
{
	static const char *const words[] = { "y", "Y", "yes", "Yes", "YES",
		"n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
		"False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "<<",
		"=", NULL };
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	if (is_null_word(s) || word_in(s, words))
		return 1;
	/* Compiled once, whichever thread asks first. */
	pthread_once(&once, typed_compile);
	if (!typed_compiled)
		return plain_is_special(s);
	return regexec(&typed_regex, s, 0, NULL, 0) == 0;
}

/* Whether a scalar reads as a string, whatever the parser's schema. */
static int
is_text(const struct coach_fm_node *n)
{
	return n->quoted || !plain_is_typed(n->str);
}

int
coach_fm_node_equal(const struct coach_fm_node *a,
    const struct coach_fm_node *b)
{
	if (a->type != b->type || a->n != b->n)
		return 0;
	if (a->type == COACH_FM_SCALAR && (strcmp(a->str, b->str) != 0 ||
	    is_text(a) != is_text(b)))
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		if (a->type == COACH_FM_MAP && strcmp(a->keys[i], b->keys[i]))
			return 0;
		if (!coach_fm_node_equal(a->items[i], b->items[i]))
			return 0;
	}
	return 1;
}

int
coach_fm_equal(const struct coach_fm *a, const struct coach_fm *b,
    const char **differs)
{
	size_t n = a->n < b->n ? a->n : b->n;
	const char *key = NULL;
	for (size_t i = 0; i < n && key == NULL; i++)
		if (strcmp(a->e[i].key, b->e[i].key) != 0 ||
		    !coach_fm_node_equal(a->e[i].value, b->e[i].value))
			key = a->e[i].key;
	if (key == NULL && a->n != b->n)
		key = a->n > n ? a->e[n].key : b->e[n].key;
	if (differs)
		*differs = key;
	return key == NULL;
}

/* ---- changes ---------------------------------------------------------- */

void
coach_fm_set(struct coach_fm *fm, const char *key, struct coach_fmv *v)
{
	struct coach_fm_node *node = v ? fmv_take(v) :
	    node_new(COACH_FM_NULL, "");
	node_clear_lines(node);
	char *k = utf8_clean(key);
	struct fm_entry *e = entry_find(fm, k);
	if (e == NULL)
		e = entry_add(fm, arena_strndup(&fm->blocks, k, strlen(k)));
	node_free(e->value);
	e->value = node;
	e->key_line = 0;
	free(e->text);
	e->text = emit_entry(k, node);
	free(k);
	coach_buf_free(&e->added);
	e->dash_col = -1;
	fm->dirty = 1;
}

struct coach_error *
coach_fm_append(struct coach_fm *fm, const char *key, struct coach_fmv *item)
{
	struct fm_entry *e = entry_find(fm, key);
	if (e == NULL || e->value->type == COACH_FM_NULL) {
		struct coach_fmv *seq = coach_fmv_seq();
		coach_fmv_push(seq, item);
		coach_fm_set(fm, key, seq);
		return NULL;
	}
	if (e->value->type != COACH_FM_SEQ) {
		char *where = e->key_line > 0 ?
		    coach_xasprintf("%s:%d", fm->name, e->key_line) :
		    coach_xstrdup(*fm->name ? fm->name : "front-matter");
		struct coach_error *err = coach_error_new(COACH_FAIL,
		    "%s: %s is not a list, so nothing can be added to it; "
		    "make it a list (e.g. '%s: []') and try again",
		    where, key, key);
		free(where);
		coach_fmv_free(item);
		return err;
	}
	struct coach_fm_node *node = fmv_take(item);
	node_clear_lines(node);
	if (e->orig && e->text == NULL && e->dash_col >= 0 && fm->editable) {
		/* New lines after the last item; existing ones stay. */
		pad(&e->added, e->dash_col);
		coach_buf_putc(&e->added, '-');
		put_after_dash(&e->added, node, e->dash_col);
		node_push(e->value, node, NULL);
		fm->dirty = 1;
		return NULL;
	}
	struct coach_fmv *seq = coach_fmv_from_node(e->value);
	node_push(seq->node, node, NULL);
	coach_fm_set(fm, key, seq);
	return NULL;
}

void
coach_fm_remove(struct coach_fm *fm, const char *key)
{
	struct fm_entry *e = entry_find(fm, key);
	if (e == NULL)
		return;
	entry_free(e);
	size_t i = (size_t)(e - fm->e);
	memmove(e, e + 1, (fm->n - i - 1) * sizeof(*e));
	fm->n--;
	fm->dirty = 1;
}

enum kept {
	KEPT_AS_IS,
	KEPT_AFTER_CHANGE,      /* follows lines that were changed or added */
	KEPT_AFTER_REMOVAL,     /* follows the place of a removed last key */
};

/*
 * Appends text[0..len), original lines that are kept.  Lines of only
 * spaces and tabs at its start are written empty after a change or the
 * removal of the last key, since a new block scalar or list above them
 * would read them as part of itself (or fail on the tab), and are dropped
 * when a block scalar above would take in even empty lines.  They hold no
 * value.  Returns how the text after this must be kept: as is once a line
 * with something on it was written, since that ends any block above.
 */
static enum kept
put_kept(struct coach_buf *out, const char *text, size_t len, enum kept how)
{
	size_t off = 0;
	while (off < len) {
		size_t i = off;
		while (i < len && (text[i] == ' ' || text[i] == '\t'))
			i++;
		if (i == len || text[i] != '\n')
			break;
		if (how == KEPT_AFTER_CHANGE)
			coach_buf_putc(out, '\n');
		else if (how == KEPT_AS_IS)
			coach_buf_add(out, text + off, i + 1 - off);
		off = i + 1;
	}
	coach_buf_add(out, text + off, len - off);
	return off < len ? KEPT_AS_IS : how;
}

/*
 * Whether text has a block scalar header ("|", ">-", "|2+" at the end of a
 * line, perhaps before a comment): such a value takes in the blank lines
 * and the lines of spaces that follow it.  Errs towards yes.
 */
static int
has_block_scalar(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] != '|' && text[i] != '>')
			continue;
		size_t j = i + 1;
		while (j < len && strchr("+-123456789", text[j]) && text[j])
			j++;
		while (j < len && text[j] == ' ')
			j++;
		if (j == len || text[j] == '\n' || text[j] == '#')
			return 1;
	}
	return 0;
}

/* The text line by line: the original with changes applied. */
static void
render_lines(const struct coach_fm *fm, struct coach_buf *out)
{
	coach_buf_add(out, fm->text, fm->head_end);
	enum kept how = KEPT_AS_IS;
	int last_kept = 0, block = 0;
	for (size_t i = 0; i < fm->n; i++) {
		const struct fm_entry *e = &fm->e[i];
		if (!e->orig) {
			coach_buf_puts(out, e->text);
			how = KEPT_AFTER_CHANGE;
			continue;
		}
		how = put_kept(out, fm->text + e->lead, e->start - e->lead, how);
		if (e->text)
			coach_buf_puts(out, e->text);
		else
			coach_buf_add(out, fm->text + e->start, e->end - e->start);
		coach_buf_add(out, e->added.ptr, e->added.len);
		how = e->text || e->added.len ? KEPT_AFTER_CHANGE : KEPT_AS_IS;
		how = put_kept(out, fm->text + e->end, e->trail_end - e->end, how);
		last_kept = e->end == fm->tail_start;
		block = e->text == NULL && has_block_scalar(fm->text + e->start,
		    e->end - e->start);
	}
	if (!last_kept)
		how = block ? KEPT_AFTER_REMOVAL : KEPT_AFTER_CHANGE;
	put_kept(out, fm->text + fm->tail_start, fm->len - fm->tail_start, how);
}

/* Every key written out afresh, without comments. */
static void
render_fresh(const struct coach_fm *fm, struct coach_buf *out)
{
	for (size_t i = 0; i < fm->n; i++) {
		char *t = emit_entry(fm->e[i].key, fm->e[i].value);
		coach_buf_puts(out, t);
		free(t);
	}
}

#ifndef COACH_FM_FUZZ_STRICT
/* Whether text[0..len) reads back as fm. */
static int
reads_back(const struct coach_fm *fm, const char *text, size_t len)
{
	struct coach_fm *again = NULL;
	struct coach_error *err = coach_fm_parse(&again, fm->name, text, len,
	    2);
	int same = err == NULL && coach_fm_equal(fm, again, NULL);
	coach_error_free(err);
	coach_fm_free(again);
	return same;
}
#endif

/*
 * The BOM read at the start stays before a first line "---": without it, a
 * head line "<BOM>---" would become a record's closing "---".  It stays
 * before a second BOM too, which would otherwise be read as the first.
 * Elsewhere it goes, as it does from records.
 */
static void
put_bom(const struct coach_fm *fm, struct coach_buf *out, const char *text,
    size_t len)
{
	if (fm->bom && len >= 3 && (memcmp(text, "---", 3) == 0 ||
	    memcmp(text, "\xef\xbb\xbf", 3) == 0))
		coach_buf_puts(out, "\xef\xbb\xbf");
	coach_buf_add(out, text, len);
}

void
coach_fm_render(const struct coach_fm *fm, struct coach_buf *out)
{
	struct coach_buf b = COACH_BUF_INIT;
	coach_buf_add(out, "", 0);
	if (!fm->dirty) {
		put_bom(fm, out, fm->text, fm->len);
		return;
	}
	if (!fm->editable) {
		/* A flow, indented or null root: write it out afresh. */
		render_fresh(fm, out);
		return;
	}
	render_lines(fm, &b);
#ifndef COACH_FM_FUZZ_STRICT
	/*
	 * Kept lines can still change what new lines next to them mean in
	 * ways no rule here foresaw; rather than write a value that reads
	 * back differently, write the document afresh.  (The fuzzer builds
	 * without this, to find such cases.)
	 */
	if (!reads_back(fm, b.ptr, b.len)) {
		render_fresh(fm, out);
		coach_buf_free(&b);
		return;
	}
#endif
	put_bom(fm, out, b.ptr, b.len);
	coach_buf_free(&b);
}

/* ---- parsing ---------------------------------------------------------- */

struct frame {
	struct coach_fm_node *node;
	int flow;
	char *key;              /* a mapping's key awaiting its value */
	int key_line;
};

struct parse {
	struct coach_fm *fm;
	const char *text;       /* fm->text */
	size_t len;
	int first_line;
	uint32_t *cbyte;        /* character index -> byte offset */
	size_t nchars;
	struct frame stack[COACH_FM_MAX_DEPTH + 1];
	int sp;                 /* frames in use */
	struct coach_fm_node *root;
	int docs;
	int done;
	size_t content_end;     /* end of the current top-level value so far */
	size_t *key_off;        /* per entry: offset of the key */
	size_t *value_end;      /* per entry: end of its value */
	size_t offs_cap;        /* room in key_off and value_end */
	/* Their room at first, so that a record's document fits in the
	 * first block of its arena; then they are in the arena. */
	size_t key_off_first[FM_ENTRIES_FIRST];
	size_t value_end_first[FM_ENTRIES_FIRST];
};

static size_t
byte_at(const struct parse *p, const yaml_mark_t *m)
{
	size_t i = m->index < p->nchars ? m->index : p->nchars;
	/* No map: the text is ASCII, a character is a byte. */
	return p->cbyte ? p->cbyte[i] : i;
}

static int
line_of(const struct parse *p, const yaml_mark_t *m)
{
	return (int)m->line + p->first_line;
}

static struct coach_error *
perr(const struct parse *p, int line, const char *msg)
{
	return coach_error_new(COACH_FAIL, "%s:%d: %s", p->fm->name, line, msg);
}

static struct coach_error *
check_props(const struct parse *p, const yaml_event_t *ev,
    const yaml_char_t *anchor, const yaml_char_t *tag)
{
	int line = line_of(p, &ev->start_mark);
	struct coach_error *err = NULL;
	if (anchor)
		err = coach_error_new(COACH_FAIL, "%s:%d: anchor '&%s' is not "
		    "allowed; write the value out in full", p->fm->name, line,
		    (const char *)anchor);
	else if (tag) {
		/* Show the tag as written: libyaml expands "!!". */
		const char *t = (const char *)tag, *std = "tag:yaml.org,2002:";
		int is_std = strncmp(t, std, strlen(std)) == 0;
		err = coach_error_new(COACH_FAIL, "%s:%d: tag '%s%s' is not "
		    "allowed; remove it (quote the value if it is text)",
		    p->fm->name, line, is_std ? "!!" : "",
		    is_std ? t + strlen(std) : t);
	}
	return err;
}

struct key_ref {
	const char *key;
	size_t i;
};

static int
key_ref_cmp(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

#define DUP_PAIRWISE_MAX 16

static struct coach_error *
dup_error(const struct parse *p, const struct coach_fm_node *map, size_t dup,
    size_t first)
{
	return coach_error_new(COACH_FAIL, "%s:%d: duplicate key '%s' (first on "
	    "line %d); remove one of them", p->fm->name, map->key_lines[dup],
	    map->keys[dup], map->key_lines[first]);
}

/*
 * Reports the earliest second occurrence of a key in map.  Sorting keeps
 * this O(n log n): a flow mapping can have thousands of keys.
 */
static struct coach_error *
check_duplicates(const struct parse *p, const struct coach_fm_node *map)
{
	if (map->n < 2)
		return NULL;
	/* A record's few keys: pair by pair, with no copy or sort.  The
	 * earliest key seen before has one key before it alike. */
	if (map->n <= DUP_PAIRWISE_MAX) {
		for (size_t j = 1; j < map->n; j++)
			for (size_t i = 0; i < j; i++)
				if (same_key(map->keys[i], map->keys[j]))
					return dup_error(p, map, j, i);
		return NULL;
	}
	struct key_ref *r = coach_xmalloc(map->n * sizeof(*r));
	for (size_t i = 0; i < map->n; i++) {
		r[i].key = map->keys[i];
		r[i].i = i;
	}
	qsort(r, map->n, sizeof(*r), key_ref_cmp);
	size_t dup = SIZE_MAX, first = 0;
	for (size_t i = 1; i < map->n; i++) {
		if (strcmp(r[i].key, r[i - 1].key) == 0 && r[i].i < dup) {
			dup = r[i].i;
			first = r[i - 1].i;
		}
	}
	free(r);
	if (dup == SIZE_MAX)
		return NULL;
	return dup_error(p, map, dup, first);
}

static void
note_content(struct parse *p, const yaml_mark_t *end)
{
	size_t off = byte_at(p, end);
	if (off > p->content_end)
		p->content_end = off;
}

/* A top-level key: closes the previous entry and opens a new one. */
static void
top_key(struct parse *p, char *key, const yaml_event_t *ev)
{
	struct coach_fm *fm = p->fm;
	if (fm->n > 0)
		p->value_end[fm->n - 1] = p->content_end;
	struct fm_entry *e = entry_add(fm, key);
	e->key_line = line_of(p, &ev->start_mark);
	e->orig = 1;
	if (ev->start_mark.column != 0)
		fm->editable = 0;
	if (p->offs_cap < fm->cap && fm->cap <= FM_ENTRIES_FIRST) {
		p->key_off = p->key_off_first;
		p->value_end = p->value_end_first;
		p->offs_cap = FM_ENTRIES_FIRST;
	}
	if (p->offs_cap < fm->cap) {
		p->key_off = grow_copy(&fm->blocks, p->key_off,
		    p->offs_cap * sizeof(size_t), fm->cap * sizeof(size_t));
		p->value_end = grow_copy(&fm->blocks, p->value_end,
		    p->offs_cap * sizeof(size_t), fm->cap * sizeof(size_t));
		p->offs_cap = fm->cap;
	}
	p->key_off[fm->n - 1] = byte_at(p, &ev->start_mark);
	p->content_end = byte_at(p, &ev->end_mark);
}

/*
 * Hangs a finished value on the collection being built.  Keys are appended
 * without replacing earlier ones, so that duplicates can be found.
 */
static void
attach(struct parse *p, struct coach_fm_node *n)
{
	struct frame *f = &p->stack[p->sp - 1];
	if (f->node->type == COACH_FM_SEQ) {
		node_push(f->node, n, &p->fm->blocks);
		return;
	}
	node_add_pair(f->node, f->key, f->key_line, n, &p->fm->blocks);
	f->key = NULL;
}

static struct coach_error *
on_scalar(struct parse *p, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	int line = line_of(p, &ev->start_mark);
	struct coach_error *err = check_props(p, ev, ev->data.scalar.anchor,
	    ev->data.scalar.tag);
	if (err)
		return err;
	if (memchr(v, '\0', len))
		return perr(p, line, "text with a NUL character (\\0) is not "
		    "allowed; remove it");
	if (coach_utf8_check(v, len) != len)
		return perr(p, line, "escape sequence gives invalid Unicode; "
		    "remove it");
	int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	/* YAML 1.1 parsers merge '<<' keys and choke on '='. */
	if (plain && (strcmp(v, "<<") == 0 || strcmp(v, "=") == 0))
		return coach_error_new(COACH_FAIL, "%s:%d: a plain '%s' means "
		    "something special to some YAML parsers; quote it (\"%s\")%s",
		    p->fm->name, line, v, v, v[0] == '<' ?
		    " or write the merged keys out in full" : "");
	if (p->sp == 0) {
		/* An empty document; keys can't go after a written "null". */
		if (plain && is_null_word(v)) {
			if (len > 0)
				p->fm->editable = 0;
			return NULL;
		}
		return perr(p, line, "the front-matter is a single value, not "
		    "a mapping; write 'key: value' lines");
	}
	struct frame *f = &p->stack[p->sp - 1];
	if (f->node->type == COACH_FM_MAP && f->key == NULL) {
		/* One copy, for the entry and the root mapping alike. */
		char *key = arena_strndup(&p->fm->blocks, v, len);
		if (p->sp == 1)
			top_key(p, key, ev);
		note_content(p, &ev->end_mark);
		f->key = key;
		f->key_line = line;
		return NULL;
	}
	/* An empty value's marks may point at the next token. */
	if (!plain || len > 0)
		note_content(p, &ev->end_mark);
	int null = plain && is_null_word(v);
	struct coach_fm_node *n = node_pooled(&p->fm->blocks, null ?
	    COACH_FM_NULL : COACH_FM_SCALAR, v, null ? 0 : len);
	n->quoted = !plain;
	n->line = line;
	attach(p, n);
	return NULL;
}

static struct coach_error *
on_start(struct parse *p, const yaml_event_t *ev, int map)
{
	int line = line_of(p, &ev->start_mark);
	struct coach_error *err = map ?
	    check_props(p, ev, ev->data.mapping_start.anchor,
	        ev->data.mapping_start.tag) :
	    check_props(p, ev, ev->data.sequence_start.anchor,
	        ev->data.sequence_start.tag);
	if (err)
		return err;
	if (p->sp == COACH_FM_MAX_DEPTH)
		return coach_error_new(COACH_FAIL, "%s:%d: values are nested "
		    "more than %d deep; flatten them", p->fm->name, line,
		    COACH_FM_MAX_DEPTH);
	if (p->sp == 0 && !map)
		return perr(p, line, "the front-matter is a list, not a "
		    "mapping; write 'key: value' lines");
	int flow = map ?
	    ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE :
	    ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
	if (p->sp > 0) {
		struct frame *f = &p->stack[p->sp - 1];
		if (f->node->type == COACH_FM_MAP && f->key == NULL)
			return perr(p, line, "a key must be text, not a list "
			    "or mapping; quote it");
	}
	struct coach_fm_node *n = node_pooled(&p->fm->blocks, map ?
	    COACH_FM_MAP : COACH_FM_SEQ, "", 0);
	n->line = line;
	if (p->sp == 0) {
		p->root = n;
		if (flow)
			p->fm->editable = 0;
	} else {
		if (p->sp == 1 && !map && !flow)
			p->fm->e[p->fm->n - 1].dash_col =
			    (int)ev->start_mark.column;
		attach(p, n);
	}
	struct frame *f = &p->stack[p->sp++];
	f->node = n;
	f->flow = flow;
	f->key = NULL;
	return NULL;
}

static struct coach_error *
on_end(struct parse *p, const yaml_event_t *ev)
{
	struct frame *f = &p->stack[--p->sp];
	if (f->flow)
		note_content(p, &ev->end_mark);
	if (f->node->type == COACH_FM_MAP)
		return check_duplicates(p, f->node);
	return NULL;
}

static struct coach_error *
on_event(struct parse *p, const yaml_event_t *ev)
{
	int line = line_of(p, &ev->start_mark);
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (p->docs++ > 0)
			return perr(p, line, "a second YAML document ('---') "
			    "is not allowed; remove it");
		if (ev->data.document_start.version_directive ||
		    ev->data.document_start.tag_directives.start !=
		    ev->data.document_start.tag_directives.end)
			return perr(p, line, "YAML directives ('%...') are not "
			    "allowed; remove them");
		return NULL;
	case YAML_DOCUMENT_END_EVENT:
		if (!ev->data.document_end.implicit)
			return perr(p, line, "the document end marker '...' is "
			    "not supported; remove it");
		return NULL;
	case YAML_ALIAS_EVENT:
		return coach_error_new(COACH_FAIL, "%s:%d: alias '*%s' is not "
		    "allowed; write the value out in full", p->fm->name, line,
		    (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		return on_scalar(p, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(p, ev, 0);
	case YAML_MAPPING_START_EVENT:
		return on_start(p, ev, 1);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_end(p, ev);
	case YAML_STREAM_END_EVENT:
		p->done = 1;
		return NULL;
	default:
		return NULL;
	}
}

static struct coach_error *
yaml_failure(const struct parse *p, const yaml_parser_t *y)
{
	const char *problem = y->problem ? y->problem : "cannot parse YAML";
	int line = (int)y->problem_mark.line + p->first_line;
	if (y->error == YAML_READER_ERROR) {
		/* The reader reports a byte offset, not a mark. */
		size_t off = y->problem_offset < p->len ? y->problem_offset :
		    p->len;
		line = coach_line_of(p->text, off) + p->first_line - 1;
		return coach_error_new(COACH_FAIL, "%s:%d: %s (character "
		    "U+%04X); remove it, or write it as an escape in double "
		    "quotes", p->fm->name, line, problem,
		    (unsigned)(y->problem_value < 0 ? 0 : y->problem_value));
	}
	if (y->context)
		return coach_error_new(COACH_FAIL, "%s:%d: %s (%s on line %d); "
		    "check the indentation, the ':' after each key and the "
		    "quotes", p->fm->name, line, problem, y->context,
		    (int)y->context_mark.line + p->first_line);
	return coach_error_new(COACH_FAIL, "%s:%d: %s; check the indentation, "
	    "the ':' after each key and the quotes", p->fm->name, line,
	    problem);
}

/*
 * Checks the bytes before libyaml sees them and normalises line endings:
 * libyaml counts lone CR, NEL, LS and PS as line breaks, which would make
 * its lines differ from the file's.
 */
static struct coach_error *
normalise(struct coach_fm *fm, const char *text, size_t len, int first_line)
{
	size_t bad = coach_utf8_check(text, len);
	if (bad < len)
		return coach_error_new(COACH_FAIL, "%s:%d: %s; save the file as "
		    "UTF-8 text", fm->name, coach_line_of(text, bad) +
		    first_line - 1, text[bad] == '\0' ? "NUL byte" :
		    "invalid UTF-8");
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
		fm->bom = 1;
	}
	/* In the arena: never longer than the text and a final '\n'. */
	char *d = arena_alloc(&fm->blocks, len + 2, 0);
	size_t dl = 0;
	int line = first_line;
	size_t from = 0;
	for (size_t i = 0; i < len; i++) {
		const unsigned char *s = (const unsigned char *)text + i;
		const char *what = NULL;
		if (s[0] == '\n')
			line++;
		/* Only these bytes start something to drop or refuse; the
		 * rest is copied in runs. */
		if (s[0] != '\r' && s[0] != 0xc2 && s[0] != 0xe2)
			continue;
		if (s[0] == '\r' && i + 1 < len && s[1] == '\n') {
			memcpy(d + dl, text + from, i - from);
			dl += i - from;
			from = i + 1;
			continue;
		}
		if (s[0] == '\r')
			what = "a carriage return without a line feed";
		else if (s[0] == 0xc2 && s[1] == 0x85)
			what = "a next-line character (U+0085)";
		else if (s[0] == 0xe2 && s[1] == 0x80 &&
		    (s[2] == 0xa8 || s[2] == 0xa9))
			what = "a Unicode line or paragraph separator";
		if (what)
			return coach_error_new(COACH_FAIL, "%s:%d: %s is not "
			    "allowed in front-matter; use a plain line break or "
			    "write it as an escape in double quotes", fm->name,
			    line, what);
	}
	if (len > from)
		memcpy(d + dl, text + from, len - from);
	dl += len - from;
	if (dl > 0 && d[dl - 1] != '\n')
		d[dl++] = '\n';
	d[dl] = '\0';
	fm->len = dl;
	fm->text = d;
	return NULL;
}

static size_t
line_start(const char *t, size_t off)
{
	while (off > 0 && t[off - 1] != '\n')
		off--;
	return off;
}

/* The start of the line after the one holding byte off - 1. */
static size_t
line_after(const char *t, size_t len, size_t off)
{
	if (off == 0)
		return 0;
	const char *nl = memchr(t + off - 1, '\n', len - (off - 1));
	return nl ? (size_t)(nl - t) + 1 : len;
}

/* Walks up from off over col-0 comment lines, not above lower. */
static size_t
comments_above(const char *t, size_t off, size_t lower)
{
	while (off > lower) {
		size_t s = line_start(t, off - 1);
		if (s < lower || t[s] != '#')
			break;
		off = s;
	}
	return off;
}

/*
 * Whether the line at off is blank (1), an indented comment (2) or
 * something else (0).
 */
static int
blank_or_comment(const char *t, size_t len, size_t off)
{
	size_t i = off;
	while (i < len && (t[i] == ' ' || t[i] == '\t'))
		i++;
	if (i == len || t[i] == '\n')
		return 1;
	return i > off && t[i] == '#' ? 2 : 0;
}

/* The end of the indented comments (and blank lines among them) at off. */
static size_t
skip_indented_comments(const char *t, size_t len, size_t off)
{
	size_t end = off;
	int kind;
	while (off < len && (kind = blank_or_comment(t, len, off)) != 0) {
		off = line_after(t, len, off + 1);
		if (kind == 2)
			end = off;
	}
	return end;
}

/*
 * The end of the value of the key at key_off, given that the next key's
 * line (or the end of text) starts at limit: the end of its last line that
 * is neither blank nor a comment.  libyaml's marks miss empty items ("-"
 * alone) and empty values at the end of a value, but their lines belong to
 * it: new lines must go after them.
 */
static size_t
last_content(const char *t, size_t len, size_t key_off, size_t limit)
{
	size_t first = line_after(t, len, key_off + 1);
	while (limit > first) {
		size_t s = line_start(t, limit - 1);
		if (s < first || (t[s] != '#' && !blank_or_comment(t, len, s)))
			break;
		limit = s;
	}
	return limit > first ? limit - 1 : key_off;
}

/* Works out each top-level key's lines (see the top of this file). */
static void
compute_spans(struct parse *p)
{
	struct coach_fm *fm = p->fm;
	const char *t = fm->text;
	fm->head_end = fm->tail_start = fm->len;
	if (!fm->editable || fm->n == 0)
		return;
	size_t prev_end = 0;
	for (size_t i = 0; i < fm->n; i++) {
		struct fm_entry *e = &fm->e[i];
		size_t limit = i + 1 < fm->n ?
		    line_start(t, p->key_off[i + 1]) : fm->len;
		size_t last = last_content(t, fm->len, p->key_off[i], limit);
		if (last > p->value_end[i])
			p->value_end[i] = last;
		e->start = line_start(t, p->key_off[i]);
		if (e->start < prev_end || p->key_off[i] != e->start) {
			fm->editable = 0;
			return;
		}
		e->lead = comments_above(t, e->start, prev_end);
		e->end = skip_indented_comments(t, fm->len,
		    line_after(t, fm->len, p->value_end[i]));
		if (i > 0)
			fm->e[i - 1].trail_end = e->lead;
		prev_end = e->end;
	}
	fm->head_end = fm->e[0].lead;
	fm->e[fm->n - 1].trail_end = fm->e[fm->n - 1].end;
	fm->tail_start = fm->e[fm->n - 1].end;
}

static void
char_map(struct parse *p)
{
	const unsigned char *s = (const unsigned char *)p->text;
	p->cbyte = coach_xmalloc((p->len + 1) * sizeof(*p->cbyte));
	size_t n = 0;
	for (size_t i = 0; i < p->len; i++)
		if ((s[i] & 0xc0) != 0x80)
			p->cbyte[n++] = (uint32_t)i;
	p->cbyte[n] = (uint32_t)p->len;
	p->nchars = n;
}

static struct coach_error *
run_parser(struct parse *p)
{
	struct coach_error *err = NULL;
	yaml_parser_t y;
	if (!yaml_parser_initialize(&y))
		return coach_error_new(COACH_FAIL, "%s: out of memory",
		    p->fm->name);
	yaml_parser_set_input_string(&y, (const unsigned char *)p->text,
	    p->len);
	yaml_parser_set_encoding(&y, YAML_UTF8_ENCODING);
	while (!p->done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&y, &ev)) {
			err = yaml_failure(p, &y);
			break;
		}
		err = on_event(p, &ev);
		yaml_event_delete(&ev);
		if (err)
			break;
	}
	yaml_parser_delete(&y);
	return err;
}

/*
 * Plain front-matter.  What coach writes is mostly "key: value" lines of
 * plain one-line ASCII text; libyaml's set-up and buffers cost more than
 * reading such a document.  plain_scan() accepts only text every line of
 * which is a key at column 0 (a letter or '_', then letters, digits, '_'
 * and '-') and one of:
 * - ": " and a plain value that cannot mean anything else to YAML;
 * - ": " and a one-line list of such values, "[a, b]" with ", " between
 *   them;
 * - ": " and a one-line mapping of plain keys to such values or to
 *   single-quoted text without quotes in it, "{a: b, c: 'd'}";
 * - ":" alone, then lines "  - " and such a value or mapping (a goal's
 *   measurements);
 * run_plain() then hands on_event() the events libyaml would give for it,
 * marks included, so that what follows is the same code.  Anything else
 * (double quotes, other quotes, other block lists, block mappings,
 * nested lists or mappings, comments, blank lines, other indentation,
 * tabs, non-ASCII, ':' or '#' in a plain value, a value starting with an
 * indicator, an empty value, list or mapping) is left to libyaml.
 * tests/unit/test_frontmatter.c and the record fuzzer check that both
 * give the same documents and errors.
 */
#define PLAIN_MAX_LINES 64
#define PLAIN_MAX_KEY 128

enum plain_kind {
	PLAIN_SCALAR,           /* key: value */
	PLAIN_SEQ,              /* key: [a, b] */
	PLAIN_MAP,              /* key: {a: b, c: 'd'} */
	PLAIN_EMPTY,            /* key: (then items) */
	PLAIN_ITEM,             /* "  - value", or "  - {a: b}" */
	PLAIN_ITEM_MAP,
};

struct plain_line {
	enum plain_kind kind;
	size_t off, klen, voff, vlen; /* a flow value's vlen takes in its end */
};

static int
plain_key_byte(unsigned char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    (!first && ((c >= '0' && c <= '9') || c == '-'));
}

/* Whether c may be in a plain value: printable ASCII, not ':' or '#'
 * (a mapping or a comment), nor a flow indicator but ','. */
static int
plain_value_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && !strchr(":#[]{}", c);
}

/* The end of the plain scalar at i, which stops before a '\n' (or, in a
 * flow sequence, before a ',' or ']'); len when it is not plain. */
static size_t
plain_item(const unsigned char *s, size_t len, size_t i, int flow_end)
{
	size_t from = i;
	/* Not an indicator, nor a blank, first. */
	if (i >= len || strchr(" -?,!&*|>'\"%@`\n]", s[i]) != NULL)
		return len;
	while (i < len && s[i] != '\n' && plain_value_byte(s[i]) &&
	    s[i] != flow_end)
		i++;
	if (i == from || s[i - 1] == ' ')
		return len;
	return i;
}

/* The end of the plain key at i (a letter or '_', then letters, digits,
 * '_' and '-'), which must be followed by ':'; len when it is not one. */
static size_t
plain_key(const unsigned char *s, size_t len, size_t i)
{
	size_t from = i;
	if (i >= len || !plain_key_byte(s[i], 1))
		return len;
	while (i < len && plain_key_byte(s[i], 0))
		i++;
	if (i - from > PLAIN_MAX_KEY || i >= len || s[i] != ':')
		return len;
	return i;
}

/* The end of the single-quoted scalar at i ('text', printable ASCII
 * without a quote, not empty) in a flow mapping; len when not one. */
static size_t
plain_quoted(const unsigned char *s, size_t len, size_t i)
{
	size_t j = i + 1;
	while (j < len && s[j] >= 0x20 && s[j] < 0x7f && s[j] != '\'')
		j++;
	if (j >= len || s[j] != '\'' || j == i + 1)
		return len;
	return j + 1;
}

/* The end of the flow sequence ("[a, b]": items with ", " between them,
 * none empty) or flow mapping ("{a: b, c: 'd'}": plain keys, plain or
 * single-quoted values) at i; len when it is neither. */
static size_t
plain_flow(const unsigned char *s, size_t len, size_t i)
{
	int map = s[i] == '{';
	do {
		i += 1 + (s[i] == ',');
		if (map) {
			i = plain_key(s, len, i);
			if (i + 2 >= len || s[i + 1] != ' ')
				return len;
			i += 2;
			i = s[i] == '\'' ? plain_quoted(s, len, i) :
			    plain_item(s, len, i, ',');
		} else {
			i = plain_item(s, len, i, ',');
		}
	} while (i < len && s[i] == ',' && i + 1 < len && s[i + 1] == ' ');
	if (i >= len || s[i] != (map ? '}' : ']'))
		return len;
	return i + 1;
}

/* Whether the line at off is plain; fills l. */
static int
plain_line(const char *t, size_t len, size_t off, struct plain_line *l)
{
	const unsigned char *s = (const unsigned char *)t;
	size_t i = off;
	l->off = off;
	if (len - off > 4 && memcmp(s + off, "  - ", 4) == 0) {
		/* An item of the block list of the key before. */
		l->klen = 0;
		i += 4;
		l->kind = s[i] == '{' ? PLAIN_ITEM_MAP : PLAIN_ITEM;
	} else {
		i = plain_key(s, len, off);
		l->klen = i - off;
		if (i + 1 < len && s[i + 1] == '\n') {
			l->kind = PLAIN_EMPTY;
			l->voff = i + 1;
			l->vlen = 0;
			return 1;
		}
		if (i + 2 >= len || s[i + 1] != ' ')
			return 0;
		i += 2;
		l->kind = s[i] == '[' ? PLAIN_SEQ : s[i] == '{' ? PLAIN_MAP :
		    PLAIN_SCALAR;
	}
	l->voff = i;
	if (l->kind == PLAIN_SCALAR || l->kind == PLAIN_ITEM)
		i = plain_item(s, len, i, '\n');
	else
		i = plain_flow(s, len, i);
	if (i >= len || s[i] != '\n')
		return 0;
	l->vlen = i - l->voff;
	return 1;
}

/* The lines of text when it is plain front-matter (see above), else 0.
 * A key without a value must have items, and items such a key. */
static size_t
plain_scan(const char *t, size_t len, struct plain_line *v)
{
	size_t n = 0;
	for (size_t off = 0; off < len; n++) {
		if (n == PLAIN_MAX_LINES || !plain_line(t, len, off, &v[n]))
			return 0;
		enum plain_kind prev = n > 0 ? v[n - 1].kind : PLAIN_SCALAR;
		int item = v[n].kind == PLAIN_ITEM ||
		    v[n].kind == PLAIN_ITEM_MAP;
		int in_list = prev == PLAIN_EMPTY || prev == PLAIN_ITEM ||
		    prev == PLAIN_ITEM_MAP;
		if ((item && !in_list) || (!item && prev == PLAIN_EMPTY))
			return 0;
		off = v[n].voff + v[n].vlen + 1;
	}
	if (n > 0 && v[n - 1].kind == PLAIN_EMPTY)
		return 0;
	return n;
}

static void
plain_mark(yaml_mark_t *m, size_t at, size_t line, size_t line_off)
{
	m->index = at;
	m->line = line;
	m->column = at - line_off;
}

/* A scalar event for text t[from, from + n) on line (from 0): plain, or
 * single-quoted when it starts with a quote. */
static struct coach_error *
plain_scalar(struct parse *p, char *scratch, size_t from, size_t n,
    size_t line, size_t line_off)
{
	yaml_event_t ev;
	int quoted = p->text[from] == '\'';
	memset(&ev, 0, sizeof(ev));
	memcpy(scratch, p->text + from + quoted, n - 2 * (size_t)quoted);
	scratch[n - 2 * (size_t)quoted] = '\0';
	ev.type = YAML_SCALAR_EVENT;
	ev.data.scalar.value = (yaml_char_t *)scratch;
	ev.data.scalar.length = n - 2 * (size_t)quoted;
	ev.data.scalar.plain_implicit = !quoted;
	ev.data.scalar.quoted_implicit = quoted;
	ev.data.scalar.style = quoted ? YAML_SINGLE_QUOTED_SCALAR_STYLE :
	    YAML_PLAIN_SCALAR_STYLE;
	plain_mark(&ev.start_mark, from, line, line_off);
	plain_mark(&ev.end_mark, from + n, line, line_off);
	return on_event(p, &ev);
}

/* The end of the scalar at i in a flow sequence or mapping, which ends
 * before ',', ':', ']' or '}' unless it is quoted. */
static size_t
plain_flow_end(const char *t, size_t i)
{
	if (t[i] == '\'')
		return (size_t)(strchr(t + i + 1, '\'') - t) + 1;
	return i + strcspn(t + i, ",:]}");
}

/* The events of a flow sequence or mapping (see plain_flow()) at
 * l->voff. */
static struct coach_error *
plain_flow_events(struct parse *p, char *scratch, const struct plain_line *l,
    size_t line)
{
	yaml_event_t ev;
	size_t end = l->voff + l->vlen;
	int map = p->text[l->voff] == '{';
	memset(&ev, 0, sizeof(ev));
	ev.type = map ? YAML_MAPPING_START_EVENT : YAML_SEQUENCE_START_EVENT;
	/* The same place in both of the union's members. */
	if (map) {
		ev.data.mapping_start.implicit = 1;
		ev.data.mapping_start.style = YAML_FLOW_MAPPING_STYLE;
	} else {
		ev.data.sequence_start.implicit = 1;
		ev.data.sequence_start.style = YAML_FLOW_SEQUENCE_STYLE;
	}
	plain_mark(&ev.start_mark, l->voff, line, l->off);
	plain_mark(&ev.end_mark, l->voff + 1, line, l->off);
	struct coach_error *err = on_event(p, &ev);
	for (size_t i = l->voff + 1; err == NULL && i < end - 1;) {
		size_t stop = plain_flow_end(p->text, i);
		err = plain_scalar(p, scratch, i, stop - i, line, l->off);
		/* After a key, ": "; after a value or item, ", ". */
		i = stop + 2;
	}
	if (err)
		return err;
	memset(&ev, 0, sizeof(ev));
	ev.type = map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
	plain_mark(&ev.start_mark, end - 1, line, l->off);
	plain_mark(&ev.end_mark, end, line, l->off);
	return on_event(p, &ev);
}

/* The start or end of the block list of a key without a value: at the
 * first item's '-', or after the last item's line. */
static struct coach_error *
plain_block(struct parse *p, const struct plain_line *l, size_t line,
    int start)
{
	yaml_event_t ev;
	memset(&ev, 0, sizeof(ev));
	if (start) {
		ev.type = YAML_SEQUENCE_START_EVENT;
		ev.data.sequence_start.implicit = 1;
		ev.data.sequence_start.style = YAML_BLOCK_SEQUENCE_STYLE;
		plain_mark(&ev.start_mark, l->off + 2, line, l->off);
		ev.end_mark = ev.start_mark;
	} else {
		ev.type = YAML_SEQUENCE_END_EVENT;
		size_t at = l->voff + l->vlen + 1;
		plain_mark(&ev.start_mark, at, line + 1, at);
		ev.end_mark = ev.start_mark;
	}
	return on_event(p, &ev);
}

/* An event without data at the start of text. */
static struct coach_error *
plain_event(struct parse *p, yaml_event_type_t type)
{
	yaml_event_t ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	if (type == YAML_DOCUMENT_START_EVENT)
		ev.data.document_start.implicit = 1;
	else if (type == YAML_DOCUMENT_END_EVENT)
		ev.data.document_end.implicit = 1;
	else if (type == YAML_MAPPING_START_EVENT) {
		ev.data.mapping_start.implicit = 1;
		ev.data.mapping_start.style = YAML_BLOCK_MAPPING_STYLE;
	}
	return on_event(p, &ev);
}

/* Hands on_event() what libyaml would give for the n plain lines v. */
static struct coach_error *
run_plain(struct parse *p, const struct plain_line *v, size_t n)
{
	struct coach_error *err = NULL;
	/* Room for any line's text: a record's on the stack. */
	char small[256];
	char *scratch = p->len < sizeof(small) ? small :
	    arena_alloc(&p->fm->blocks, p->len + 1, 0);
	static const yaml_event_type_t head[] = { YAML_STREAM_START_EVENT,
		YAML_DOCUMENT_START_EVENT, YAML_MAPPING_START_EVENT };
	static const yaml_event_type_t tail[] = { YAML_MAPPING_END_EVENT,
		YAML_DOCUMENT_END_EVENT, YAML_STREAM_END_EVENT };
	p->nchars = p->len;
	for (size_t i = 0; err == NULL && i < 3; i++)
		err = plain_event(p, head[i]);
	for (size_t i = 0; err == NULL && i < n; i++) {
		enum plain_kind k = v[i].kind;
		int item = k == PLAIN_ITEM || k == PLAIN_ITEM_MAP;
		if (item && v[i - 1].kind == PLAIN_EMPTY)
			err = plain_block(p, &v[i], i, 1);
		else if (!item)
			err = plain_scalar(p, scratch, v[i].off, v[i].klen, i,
			    v[i].off);
		if (err == NULL && (k == PLAIN_SEQ || k == PLAIN_MAP ||
		    k == PLAIN_ITEM_MAP))
			err = plain_flow_events(p, scratch, &v[i], i);
		else if (err == NULL && k != PLAIN_EMPTY)
			err = plain_scalar(p, scratch, v[i].voff, v[i].vlen,
			    i, v[i].off);
		if (err == NULL && item && (i + 1 == n ||
		    (v[i + 1].kind != PLAIN_ITEM &&
		    v[i + 1].kind != PLAIN_ITEM_MAP)))
			err = plain_block(p, &v[i], i, 0);
	}
	for (size_t i = 0; err == NULL && i < 3; i++)
		err = plain_event(p, tail[i]);
	return err;
}

struct coach_error *
coach_fm_parse(struct coach_fm **out, const char *name, const char *text,
    size_t len, int first_line)
{
	return coach_fm_parse_as(out, name, text, len, first_line,
	    COACH_FM_ANY);
}

struct coach_error *
coach_fm_parse_as(struct coach_fm **out, const char *name, const char *text,
    size_t len, int first_line, enum coach_fm_reader how)
{
	struct plain_line lines[PLAIN_MAX_LINES];
	size_t nlines = 0;
	struct coach_error *err = NULL;
	struct parse p;
	memset(&p, 0, sizeof(p));
	*out = NULL;
	struct coach_fm *fm = fm_alloc(name ? name : "");
	if (len > COACH_FM_MAX_BYTES) {
		err = coach_error_new(COACH_FAIL, "%s:%d: the front-matter is "
		    "%zu bytes, more than the %d allowed; move long text into "
		    "the body", fm->name, first_line, len, COACH_FM_MAX_BYTES);
		goto done;
	}
	err = normalise(fm, text, len, first_line);
	if (err)
		goto done;
	p.fm = fm;
	p.text = fm->text;
	p.len = fm->len;
	p.first_line = first_line;
	if (how != COACH_FM_LIBYAML)
		nlines = plain_scan(p.text, p.len, lines);
	if (nlines == 0 && how == COACH_FM_PLAIN) {
		/* Not plain: neither a document nor an error. */
		coach_fm_free(fm);
		fm = NULL;
		goto done;
	}
	if (nlines > 0) {
		err = run_plain(&p, lines, nlines);
	} else {
		char_map(&p);
		err = run_parser(&p);
	}
	if (err)
		goto done;
	if (fm->n > 0)
		p.value_end[fm->n - 1] = p.content_end;
	compute_spans(&p);
done:
	/* Keys and offsets are in the arena. */
	if (p.root && !err) {
		/* The entries take over the root mapping's values. */
		for (size_t i = 0; i < p.root->n; i++)
			fm->e[i].value = p.root->items[i];
		p.root->n = 0;
	}
	node_free(p.root);
	free(p.cbyte);
	if (err) {
		coach_fm_free(fm);
		return err;
	}
	*out = fm;
	return NULL;
}

static void
describe_node(const struct coach_fm_node *n, int depth, struct coach_buf *b)
{
	coach_buf_printf(b, "%*s%d q%d l%d n%zu '%s'\n", depth * 2, "",
	    (int)n->type, n->quoted, n->line, n->n, n->str);
	for (size_t i = 0; i < n->n; i++) {
		if (n->keys)
			coach_buf_printf(b, "%*skey '%s' l%d\n", depth * 2 + 1,
			    "", n->keys[i], n->key_lines[i]);
		describe_node(n->items[i], depth + 1, b);
	}
}

/* Every detail of a parsed document: keys, values, lines and the spans
 * of its keys' lines. */
static void
describe(const struct coach_fm *fm, struct coach_buf *out)
{
	coach_buf_printf(out, "name '%s' len %zu head %zu tail %zu editable %d "
	    "bom %d dirty %d n %zu\ntext '%s'\n", fm->name, fm->len,
	    fm->head_end, fm->tail_start, fm->editable, fm->bom, fm->dirty,
	    fm->n, fm->text);
	for (size_t i = 0; i < fm->n; i++) {
		const struct fm_entry *e = &fm->e[i];
		coach_buf_printf(out, "entry '%s' l%d orig %d lead %zu start %zu "
		    "end %zu trail %zu dash %d text %s added %zu\n", e->key,
		    e->key_line, e->orig, e->lead, e->start, e->end,
		    e->trail_end, e->dash_col, e->text ? e->text : "-",
		    e->added.len);
		if (e->value)
			describe_node(e->value, 1, out);
	}
}

/* What parsing text the way how says gives: the error, or every detail
 * of the document; "" when the plain reader declines. */
static char *
outcome(const char *text, size_t len, enum coach_fm_reader how)
{
	struct coach_fm *fm = NULL;
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_error *err = coach_fm_parse_as(&fm, "f.md", text, len, 2,
	    how);
	coach_buf_add(&b, "", 0);
	if (err)
		coach_buf_printf(&b, "error %s", coach_error_msg(err));
	else if (fm)
		describe(fm, &b);
	coach_error_free(err);
	coach_fm_free(fm);
	return coach_buf_detach(&b);
}

int
coach_fm_plain_check(const char *text, size_t len, struct coach_buf *why)
{
	char *slow = outcome(text, len, COACH_FM_LIBYAML);
	char *fast = outcome(text, len, COACH_FM_PLAIN);
	int ret = *fast == '\0' ? 0 : strcmp(slow, fast) == 0 ? 1 : -1;
	if (ret < 0 && why)
		coach_buf_printf(why, "--- libyaml:\n%s\n--- plain:\n%s\n",
		    slow, fast);
	free(slow);
	free(fast);
	return ret;
}
