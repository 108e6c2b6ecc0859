/*
 * fuzz_record.c: a libFuzzer target for the record rewriter.
 *
 * The input is a record file.  Read as front-matter, it must give the same
 * document or error with libyaml as with the plain reader whenever that
 * reads it (lib/frontmatter.c).  When lib/record.c accepts it, one change a
 * command can make is applied to it: set an existing key, set a new key,
 * remove a key, append an item to a list (an existing key, or
 * "measurements"), set the body, or set a key to a copy of another's value.  The rendered text must parse again and
 * read back as exactly the changed record (coach_record_verify()): the same
 * keys in the same order with the same values, so that only the changed key
 * differs from the original, and the same body.  Unchanged, a record must
 * read back as itself and render to text that renders to itself.
 *
 * The change, the key, the kind of value and the body's variant are picked
 * from a hash of the input, so that the fuzzer's mutations reach them all.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "record.h"
#include "util.h"

static const char *const op_names[] = { "set", "set new key", "remove",
	"append", "append to measurements", "set body",
	"set to a copy of another key's value" };
#define NOPS 7
static int op = -1;

static void
die(const char *what, const char *key, const struct coach_buf *text)
{
	fprintf(stderr, "fuzz_record: %s after %s (key %s)\n--- rendered:\n"
	    "%.*s\n---\n", what, op < 0 ? "parsing" : op_names[op],
	    key ? key : "-", text ? (int)text->len : 0,
	    text && text->ptr ? text->ptr : "");
	abort();
}

static struct coach_record *
parse(const char *data, size_t len)
{
	struct coach_record *r = NULL;
	struct coach_error *err = coach_record_parse(&r, "f.md", data, len);
	coach_error_free(err);
	return r;
}

/* Renders r and checks that the text reads back as r. */
static void
check_reads_back(const struct coach_record *r, const char *what,
    struct coach_buf *text)
{
	coach_buf_clear(text);
	coach_record_render(r, text);
	struct coach_error *err = coach_record_verify(r, text->ptr, text->len);
	if (err) {
		fprintf(stderr, "%s\n", coach_error_msg(err));
		die("the rendered text does not read back", what, text);
	}
}

/* A value of kind k; s is text taken from the input. */
static struct coach_fmv *
value(unsigned k, const char *s)
{
	struct coach_fmv *v, *m;
	switch (k % 12) {
	case 0: return coach_fmv_str(s);
	case 1: return coach_fmv_str("two\nlines\n");
	case 2: return coach_fmv_str("  indented\nand not\n");
	case 3: return coach_fmv_plain("2026-03-01");
	case 4: return coach_fmv_number(61.5);
	case 5: return coach_fmv_bool(1);
	case 6: return coach_fmv_plain("");
	case 7:
		v = coach_fmv_seq();
		coach_fmv_push(v, coach_fmv_str(s));
		coach_fmv_push(v, coach_fmv_str("last\nline"));
		return v;
	case 8:
		v = coach_fmv_map();
		coach_fmv_put(v, "date", coach_fmv_plain("2026-03-01"));
		coach_fmv_put(v, "note", coach_fmv_str(s));
		return v;
	case 9: return coach_fmv_seq();
	case 10: return coach_fmv_map();
	default:
		v = coach_fmv_seq();
		m = coach_fmv_map();
		coach_fmv_put(m, s, coach_fmv_str("x\n"));
		coach_fmv_push(v, m);
		return v;
	}
}

/* FNV-1a, to pick keys and variants. */
static uint32_t
hash(const uint8_t *d, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 16777619u;
	return h;
}

/* Applies change op to r and checks the result. */
static void
one_change(struct coach_record *r, uint32_t h, const char *s,
    struct coach_buf *text)
{
	struct coach_fm *fm = coach_record_fm(r);
	size_t n = coach_fm_count(fm);
	char *key = n ? coach_xstrdup(coach_fm_key_at(fm, h % n)) :
	    coach_xstrdup("k");
	struct coach_error *err;
	switch (op) {
	case 0:
		coach_fm_set(fm, key, value(h >> 8, s));
		break;
	case 1:
		coach_fm_set(fm, "new_key", value(h >> 12, s));
		break;
	case 2:
		coach_fm_remove(fm, key);
		break;
	case 3:
		err = coach_fm_append(fm, key, value(h >> 16, s));
		coach_error_free(err);
		break;
	case 4:
		err = coach_fm_append(fm, "measurements", value(h >> 20, s));
		coach_error_free(err);
		break;
	case 5:
		coach_record_set_body(r, (h >> 4) % 2 ? s : "a\r\r\nb\rc\r");
		break;
	default:
		if (n > 0)
			coach_fm_set(fm, coach_fm_key_at(fm, (h >> 8) % n),
			    coach_fmv_from_node(coach_fm_get(fm, key)));
		break;
	}
	check_reads_back(r, key, text);
	free(key);
}

/* The input read as front-matter: the plain reader gives what libyaml
 * gives whenever it reads it. */
static void
same_both_ways(const char *text, size_t len)
{
	struct coach_buf why = COACH_BUF_INIT;
	if (coach_fm_plain_check(text, len, &why) < 0)
		die("the plain reader differs from libyaml", NULL, &why);
	coach_buf_free(&why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	same_both_ways(d, size);
	if (size > 4 && memcmp(d, "---\n", 4) == 0) {
		const char *end = memmem(d + 4, size - 4, "\n---\n", 5);
		if (end)
			same_both_ways(d + 4, (size_t)(end + 1 - (d + 4)));
	}
	struct coach_record *r = parse(d, size);
	if (r == NULL)
		return 0;
	struct coach_buf text = COACH_BUF_INIT, again = COACH_BUF_INIT;
	op = -1;
	/* Unchanged: renders to text that renders to itself. */
	check_reads_back(r, "(none)", &text);
	struct coach_record *r2 = parse(text.ptr, text.len);
	coach_record_render(r2, &again);
	if (again.len != text.len || memcmp(again.ptr, text.ptr, text.len))
		die("an unchanged record renders differently", NULL, &again);
	coach_record_free(r2);
	/* Text for values: the body's first 200 bytes. */
	const char *body = coach_record_body(r);
	char *s = coach_xstrndup(body, strlen(body) < 200 ? strlen(body) : 200);
	uint32_t h = hash(data, size);
	op = (int)(h % NOPS);
	one_change(r, h / NOPS, s, &text);
	op = -1;
	coach_record_free(r);
	free(s);
	coach_buf_free(&text);
	coach_buf_free(&again);
	return 0;
}
