/*
 * Tests of lib/frontmatter.c: parsing, line-preserving rewrites, hostile
 * input, and the emitter, judged by our own parser and by PyYAML.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "fixture.h"
#include "frontmatter.h"
#include "util.h"

/* ---- helpers ---------------------------------------------------------- */

static struct coach_fm *
parse_ok(const char *text)
{
	struct coach_fm *fm = NULL;
	struct coach_error *err = coach_fm_parse(&fm, "t.md", text,
	    strlen(text), 2);
	if (err) {
		print_error("unexpected error: %s\n", coach_error_msg(err));
		coach_error_free(err);
		fail();
	}
	return fm;
}

static char *
render(const struct coach_fm *fm)
{
	struct coach_buf b = COACH_BUF_INIT;
	coach_fm_render(fm, &b);
	return coach_buf_detach(&b);
}

/* Parses text, expects an error naming "t.md:LINE:" and containing want. */
static void
expect_error_len(const char *text, size_t len, int line, const char *want)
{
	struct coach_fm *fm = NULL;
	struct coach_error *err = coach_fm_parse(&fm, "t.md", text, len, 2);
	if (err == NULL) {
		print_error("no error for: %.60s\n", text);
		coach_fm_free(fm);
		fail();
	}
	assert_null(fm);
	char prefix[32];
	snprintf(prefix, sizeof(prefix), "t.md:%d: ", line);
	const char *msg = coach_error_msg(err);
	if (strncmp(msg, prefix, strlen(prefix)) != 0 || !strstr(msg, want)) {
		print_error("want '%s...%s', got '%s'\n", prefix, want, msg);
		coach_error_free(err);
		fail();
	}
	assert_int_equal(coach_error_status(err), COACH_FAIL);
	coach_error_free(err);
}

static void
expect_error(const char *text, int line, const char *want)
{
	expect_error_len(text, strlen(text), line, want);
}

struct lines {
	char **v;
	size_t n;
};

static struct lines
split(const char *s)
{
	struct lines l = { NULL, 0 };
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		l.v = coach_xrealloc(l.v, (l.n + 1) * sizeof(*l.v));
		l.v[l.n++] = coach_xstrndup(s, n);
		s += n + (nl != NULL);
	}
	return l;
}

static void
lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/*
 * Compares old and new line by line: the lines they share at the start
 * and at the end, so that old[pre .. n_old - post) was replaced by
 * new[pre .. n_new - post).
 */
struct change {
	size_t pre, removed, added;
	struct lines a, b;
};

static struct change
compare(const char *old, const char *new)
{
	struct change c;
	c.a = split(old);
	c.b = split(new);
	size_t min = c.a.n < c.b.n ? c.a.n : c.b.n;
	size_t pre = 0, post = 0;
	while (pre < min && strcmp(c.a.v[pre], c.b.v[pre]) == 0)
		pre++;
	while (post < min - pre &&
	    strcmp(c.a.v[c.a.n - 1 - post], c.b.v[c.b.n - 1 - post]) == 0)
		post++;
	c.pre = pre;
	c.removed = c.a.n - pre - post;
	c.added = c.b.n - pre - post;
	return c;
}

static void
change_free(struct change *c)
{
	lines_free(&c->a);
	lines_free(&c->b);
}

/* Deep equality of two parsed values (type, text and structure). */
static int
node_equal(const struct coach_fm_node *a, const struct coach_fm_node *b)
{
	if (coach_fm_node_type(a) != coach_fm_node_type(b))
		return 0;
	switch (coach_fm_node_type(a)) {
	case COACH_FM_NULL:
		return 1;
	case COACH_FM_SCALAR:
		return strcmp(coach_fm_node_str(a), coach_fm_node_str(b)) == 0;
	case COACH_FM_SEQ:
	case COACH_FM_MAP:
		if (coach_fm_node_len(a) != coach_fm_node_len(b))
			return 0;
		for (size_t i = 0; i < coach_fm_node_len(a); i++) {
			if (coach_fm_node_type(a) == COACH_FM_MAP &&
			    strcmp(coach_fm_node_key(a, i),
			    coach_fm_node_key(b, i)) != 0)
				return 0;
			if (!node_equal(coach_fm_node_item(a, i),
			    coach_fm_node_item(b, i)))
				return 0;
		}
		return 1;
	}
	return 0;
}

/* Every key of a other than skip has an equal value in b. */
static void
assert_same_except(const struct coach_fm *a, const struct coach_fm *b,
    const char *skip)
{
	for (size_t i = 0; i < coach_fm_count(a); i++) {
		const char *k = coach_fm_key_at(a, i);
		if (skip && strcmp(k, skip) == 0)
			continue;
		const struct coach_fm_node *nb = coach_fm_get(b, k);
		if (nb == NULL || !node_equal(coach_fm_get(a, k), nb)) {
			print_error("key %s differs\n", k);
			fail();
		}
	}
}

static void
write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(data, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/*
 * Checks a YAML document with PyYAML.  Each line of expect is
 * "PATH\tWANT": PATH is '/'-separated hex-encoded keys (or "#N" list
 * indexes) and WANT is "s:HEX" (a str with these UTF-8 bytes), "f:NUM" (an
 * int or float equal to NUM), "d:DATE" (a date), "l:N" (a list of N items), "b:0"/"b:1" or "z"
 * (None).  Returns PyYAML's
 * complaints, or NULL when all hold.
 */
static const char pycheck[] =
"import sys, yaml, math, datetime\n"
"doc = yaml.safe_load(open(sys.argv[1], encoding='utf-8').read())\n"
"bad = 0\n"
"for line in open(sys.argv[2], encoding='utf-8'):\n"
"    path, want = line.rstrip('\\n').split('\\t')\n"
"    v = doc\n"
"    try:\n"
"        for p in path.split('/'):\n"
"            v = v[int(p[1:])] if p.startswith('#') else v[bytes.fromhex(p).decode()]\n"
"    except Exception as e:\n"
"        print('missing', path, repr(e)); bad += 1; continue\n"
"    if want.startswith('s:'):\n"
"        ok = isinstance(v, str) and v.encode() == bytes.fromhex(want[2:])\n"
"    elif want.startswith('f:'):\n"
"        w = float(want[2:])\n"
"        ok = type(v) in (int, float) and (v == w or (math.isnan(w) and math.isnan(v)))\n"
"    elif want.startswith('d:'):\n"
"        ok = type(v) is datetime.date and v.isoformat() == want[2:]\n"
"    elif want.startswith('l:'):\n"
"        ok = isinstance(v, list) and len(v) == int(want[2:])\n"
"    elif want.startswith('b:'):\n"
"        ok = v is (want == 'b:1')\n"
"    else:\n"
"        ok = v is None\n"
"    if not ok:\n"
"        print('mismatch', path, want, repr(v)); bad += 1\n"
"print('checked' if bad == 0 else 'failed')\n";

static char *
pyyaml_check(const char *doc, const char *expect)
{
	char dir[] = "/tmp/coach-fm-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *docp = coach_path_join(dir, "doc.yml");
	char *expp = coach_path_join(dir, "expect.txt");
	char *pyp = coach_path_join(dir, "check.py");
	write_file(docp, doc);
	write_file(expp, expect);
	write_file(pyp, pycheck);
	char *cmd = coach_xasprintf("python3 %s %s %s 2>&1", pyp, docp, expp);
	int status;
	char *printed = fx_capture(&status, NULL, "%s", cmd);
	unlink(docp);
	unlink(expp);
	unlink(pyp);
	rmdir(dir);
	free(docp);
	free(expp);
	free(pyp);
	free(cmd);
	if (status == 0 && strcmp(printed, "checked\n") == 0) {
		free(printed);
		return NULL;
	}
	return printed;
}

static void
put_hex(struct coach_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		coach_buf_printf(b, "%02x", *p);
}

/* ---- parsing and round trips ------------------------------------------ */

/* A goal written by hand: comments, odd quoting, unknown keys, flows. */
static const char goal[] =
    "# Goal record, edited by hand\n"
    "id: g3f9a1c\n"
    "title: 'Improve questioning: \"cold call\" in Y9'\n"
    "status: active   # reviewed in March\n"
    "opened: 2026-01-12\n"
    "due:\n"
    "\n"
    "# the school priority this serves\n"
    "priority: p-reading\n"
    "strategies: [cold-call, wait-time]\n"
    "measure:\n"
    "  name: \"% pupils answering\"\n"
    "  unit: percent\n"
    "  baseline: 40\n"
    "  target: 80\n"
    "measurements:\n"
    "- date: 2026-01-20\n"
    "  value: 45\n"
    "- {date: 2026-02-03, value: 52}\n"
    "  # next one after half term\n"
    "x-custom-tool: {keep: me, n: [1, 2]}\n"
    "notes: >\n"
    "  folded text\n"
    "  continues here\n"
    "\n"
    "  new para\n"
    "poem: |2-\n"
    "   indented first line\n"
    "  second\n"
    "summary: a long plain\n"
    "  scalar over two lines\n"
    "quoted: \"two\n"
    "  lines\"\n"
    "\"odd key\": 'it''s'\n"
    "empty_list: []\n"
    "empty_map: {}\n"
    "tabs:\t\"x\"\n"
    "\n"
    "# trailing comment\n"
    "# - kept at the end\n";

static void
test_round_trip(void **state)
{
	(void)state;
	struct coach_fm *fm = parse_ok(goal);
	char *out = render(fm);
	assert_string_equal(out, goal);
	free(out);

	assert_int_equal(coach_fm_count(fm), 18);
	assert_string_equal(coach_fm_key_at(fm, 0), "id");
	assert_string_equal(coach_fm_key_at(fm, 14), "odd key");
	assert_string_equal(coach_fm_str(fm, "title"),
	    "Improve questioning: \"cold call\" in Y9");
	assert_string_equal(coach_fm_str(fm, "status"), "active");
	assert_null(coach_fm_str(fm, "due"));
	assert_int_equal(coach_fm_node_type(coach_fm_get(fm, "due")),
	    COACH_FM_NULL);
	assert_string_equal(coach_fm_node_str(coach_fm_get(fm, "due")), "");
	assert_null(coach_fm_get(fm, "nope"));
	assert_string_equal(coach_fm_str(fm, "notes"),
	    "folded text continues here\nnew para\n");
	assert_string_equal(coach_fm_str(fm, "poem"),
	    " indented first line\nsecond");
	assert_string_equal(coach_fm_str(fm, "summary"),
	    "a long plain scalar over two lines");
	assert_string_equal(coach_fm_str(fm, "quoted"), "two lines");
	assert_string_equal(coach_fm_str(fm, "odd key"), "it's");
	assert_string_equal(coach_fm_str(fm, "tabs"), "x");

	/* Lines are the file's: the text starts on line 2. */
	assert_int_equal(coach_fm_key_line(fm, "id"), 3);
	assert_int_equal(coach_fm_key_line(fm, "priority"), 10);
	assert_int_equal(coach_fm_node_line(coach_fm_get(fm, "priority")), 10);

	const struct coach_fm_node *m = coach_fm_get(fm, "measurements");
	assert_int_equal(coach_fm_node_type(m), COACH_FM_SEQ);
	assert_int_equal(coach_fm_node_len(m), 2);
	const struct coach_fm_node *m1 = coach_fm_node_item(m, 1);
	assert_int_equal(coach_fm_node_type(m1), COACH_FM_MAP);
	assert_string_equal(coach_fm_node_key(m1, 0), "date");
	assert_string_equal(coach_fm_node_str(coach_fm_node_lookup(m1,
	    "value")), "52");
	assert_int_equal(coach_fm_node_line(coach_fm_node_item(m, 0)), 18);
	assert_null(coach_fm_node_item(m, 2));
	assert_null(coach_fm_node_key(m, 0));
	assert_null(coach_fm_node_lookup(m, "date"));
	assert_null(coach_fm_node_str(m));

	const struct coach_fm_node *measure = coach_fm_get(fm, "measure");
	double d;
	assert_int_equal(coach_fm_node_number(coach_fm_node_lookup(measure,
	    "baseline"), &d), 0);
	assert_true(d == 40);
	assert_int_equal(coach_fm_node_quoted(coach_fm_node_lookup(measure,
	    "name")), 1);
	assert_int_equal(coach_fm_node_quoted(coach_fm_node_lookup(measure,
	    "unit")), 0);
	assert_int_equal(coach_fm_node_quoted(coach_fm_get(fm, "notes")), 1);
	assert_int_equal(coach_fm_node_len(coach_fm_get(fm, "empty_list")), 0);
	assert_int_equal(coach_fm_node_type(coach_fm_get(fm, "empty_map")),
	    COACH_FM_MAP);
	coach_fm_free(fm);
}

static void
test_round_trip_variants(void **state)
{
	(void)state;
	const char *docs[] = {
		"",
		"# only a comment\n",
		"\n\n",
		"a: 1\n",
		"a: 1 # c\n# after\n",
		"? explicit\n: key\nb: 2\n",
		"{a: 1, b: [x, y]}\n",
		"  indented: root\n  b: 2\n",
		"a:\n  - x\n  -   y\n  - - nested\n    - list\n",
		"k: |+\n  keep\n\nnext: 1\n",
		"k: >-\n  folded\n  strip\nz: ~\n",
		"k: \"\\u00e9\\t\\x41 \\U0001F600\"\n",
		"key with spaces: v\n'single': \"double\"\n",
		"a: 1\n\n\n\nb: 2\n\n\n",
		"---\n# coach.yml\nschool: Hill\n",
		"a: \"<<\"\n\"=\": '='\n",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++) {
		struct coach_fm *fm = parse_ok(docs[i]);
		char *out = render(fm);
		assert_string_equal(out, docs[i]);
		free(out);
		coach_fm_free(fm);
	}
}

static void
test_normalise(void **state)
{
	(void)state;
	/* CRLF and a BOM are read; LF and no BOM are written. */
	const char *crlf = "\xef\xbb\xbf" "a: 1\r\nb: |\r\n  x\r\n  y\r\n";
	struct coach_fm *fm = parse_ok(crlf);
	assert_string_equal(coach_fm_str(fm, "b"), "x\ny\n");
	char *out = render(fm);
	assert_string_equal(out, "a: 1\nb: |\n  x\n  y\n");
	free(out);
	coach_fm_free(fm);
	/* A missing final line break is added. */
	fm = parse_ok("a: 1");
	out = render(fm);
	assert_string_equal(out, "a: 1\n");
	free(out);
	coach_fm_free(fm);
}

static void
test_empty_document(void **state)
{
	(void)state;
	const char *docs[] = { "", "# c\n", "---\n", "~\n", "null\n" };
	for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++) {
		struct coach_fm *fm = parse_ok(docs[i]);
		assert_int_equal(coach_fm_count(fm), 0);
		coach_fm_free(fm);
	}
	/* Keys set on a comment-only document come after the comment. */
	struct coach_fm *fm = parse_ok("# keep\n");
	coach_fm_set(fm, "a", coach_fmv_str("x"));
	char *out = render(fm);
	assert_string_equal(out, "# keep\na: x\n");
	free(out);
	coach_fm_free(fm);

	fm = coach_fm_new();
	out = render(fm);
	assert_string_equal(out, "");
	free(out);
	coach_fm_set(fm, "id", coach_fmv_str("g1"));
	coach_fm_set(fm, "tags", coach_fmv_seq());
	coach_fm_set(fm, "m", coach_fmv_map());
	coach_fm_set(fm, "id", coach_fmv_str("g2"));
	out = render(fm);
	assert_string_equal(out, "id: g2\ntags: []\nm: {}\n");
	free(out);
	assert_int_equal(coach_fm_key_line(fm, "id"), 0);
	coach_fm_free(fm);
}

/* ---- rewriting -------------------------------------------------------- */

static void
test_set_changes_one_line(void **state)
{
	(void)state;
	struct {
		const char *key, *value, *line;
	} cases[] = {
		{ "status", "achieved", "status: achieved" },
		{ "title", "New: title", "title: \"New: title\"" },
		{ "due", "2026-06-01", "due: \"2026-06-01\"" },
		{ "priority", "p-maths", "priority: p-maths" },
		{ "id", "yes", "id: \"yes\"" },
		{ "tabs", "", "tabs: \"\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct coach_fm *fm = parse_ok(goal);
		coach_fm_set(fm, cases[i].key, coach_fmv_str(cases[i].value));
		/* The document's tree follows the change. */
		assert_string_equal(coach_fm_str(fm, cases[i].key),
		    cases[i].value);
		assert_int_equal(coach_fm_node_line(coach_fm_get(fm,
		    cases[i].key)), 0);
		char *out = render(fm);
		struct change c = compare(goal, out);
		assert_int_equal(c.a.n, c.b.n);
		assert_int_equal(c.removed, 1);
		assert_int_equal(c.added, 1);
		assert_string_equal(c.b.v[c.pre], cases[i].line);
		/* Every other key reads back the same. */
		struct coach_fm *again = parse_ok(out);
		assert_same_except(fm, again, NULL);
		struct coach_fm *orig = parse_ok(goal);
		assert_same_except(orig, again, cases[i].key);
		coach_fm_free(orig);
		coach_fm_free(again);
		change_free(&c);
		free(out);
		coach_fm_free(fm);
	}
}

static void
test_set_multiline_keys(void **state)
{
	(void)state;
	/* Replacing a key of several lines replaces exactly those lines. */
	const char *keys[] = { "measure", "measurements", "notes", "poem",
		"summary", "quoted", "strategies" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		struct coach_fm *orig = parse_ok(goal);
		struct coach_fm *fm = parse_ok(goal);
		coach_fm_set(fm, keys[i], coach_fmv_plain("1"));
		char *out = render(fm);
		struct change c = compare(goal, out);
		assert_int_equal(c.added, 1);
		char *want = coach_xasprintf("%s: 1", keys[i]);
		assert_string_equal(c.b.v[c.pre], want);
		/* What was removed is that key's own lines. */
		assert_int_equal(strncmp(c.a.v[c.pre], keys[i],
		    strlen(keys[i])), 0);
		for (size_t k = 1; k < c.removed; k++)
			assert_true(c.a.v[c.pre + k][0] == ' ' ||
			    c.a.v[c.pre + k][0] == '-' ||
			    c.a.v[c.pre + k][0] == '\0');
		struct coach_fm *again = parse_ok(out);
		assert_same_except(orig, again, keys[i]);
		double d;
		assert_int_equal(coach_fm_node_number(coach_fm_get(again,
		    keys[i]), &d), 0);
		free(want);
		change_free(&c);
		free(out);
		coach_fm_free(again);
		coach_fm_free(fm);
		coach_fm_free(orig);
	}
}

static void
test_set_new_keys_in_order(void **state)
{
	(void)state;
	struct coach_fm *fm = parse_ok(goal);
	coach_fm_set(fm, "closed", coach_fmv_plain("2026-07-01"));
	coach_fm_set(fm, "author", coach_fmv_str("alice"));
	char *out = render(fm);
	struct change c = compare(goal, out);
	assert_int_equal(c.removed, 0);
	assert_int_equal(c.added, 2);
	assert_string_equal(c.b.v[c.pre], "closed: 2026-07-01");
	assert_string_equal(c.b.v[c.pre + 1], "author: alice");
	/* Trailing comments stay at the end. */
	assert_string_equal(c.b.v[c.b.n - 1], "# - kept at the end");
	assert_string_equal(coach_fm_key_at(fm, 18), "closed");
	assert_string_equal(coach_fm_key_at(fm, 19), "author");
	assert_null(coach_fm_key_at(fm, 20));
	change_free(&c);
	free(out);
	coach_fm_free(fm);
}

static void
test_remove(void **state)
{
	(void)state;
	/* Removing a key removes its lines and keeps the comment above the
	 * next key. */
	struct coach_fm *fm = parse_ok(goal);
	coach_fm_remove(fm, "due");
	coach_fm_remove(fm, "absent");
	assert_null(coach_fm_get(fm, "due"));
	assert_int_equal(coach_fm_count(fm), 17);
	char *out = render(fm);
	struct change c = compare(goal, out);
	assert_int_equal(c.added, 0);
	assert_int_equal(c.removed, 2);
	assert_string_equal(c.a.v[c.pre], "due:");
	assert_string_equal(c.a.v[c.pre + 1], "");
	assert_non_null(strstr(out, "opened: 2026-01-12\n"
	    "# the school priority this serves\npriority: p-reading\n"));
	change_free(&c);
	free(out);

	/* The comment directly above a removed key goes with it. */
	coach_fm_remove(fm, "priority");
	out = render(fm);
	c = compare(goal, out);
	assert_null(strstr(out, "the school priority"));
	assert_int_equal(c.added, 0);
	assert_int_equal(c.removed, 4);
	change_free(&c);
	free(out);

	/* A multi-line value; the comment after the last item goes too. */
	coach_fm_remove(fm, "measurements");
	coach_fm_remove(fm, "tabs");
	out = render(fm);
	assert_null(strstr(out, "date"));
	assert_null(strstr(out, "half term"));
	assert_non_null(strstr(out, "empty_map: {}\n\n# trailing comment\n"
	    "# - kept at the end\n"));
	struct coach_fm *again = parse_ok(out);
	assert_same_except(fm, again, NULL);
	assert_int_equal(coach_fm_count(again), 14);
	coach_fm_free(again);
	free(out);
	coach_fm_free(fm);

	/* The first key, with the comment above it. */
	fm = parse_ok("# about a\na: 1\n# about b\nb: 2\n");
	coach_fm_remove(fm, "a");
	out = render(fm);
	assert_string_equal(out, "# about b\nb: 2\n");
	free(out);
	coach_fm_remove(fm, "b");
	out = render(fm);
	assert_string_equal(out, "");
	free(out);
	coach_fm_free(fm);
}

static void
test_comment_ownership(void **state)
{
	(void)state;
	const char *doc =
	    "a: |\n"
	    "  text\n"
	    "  # inside the text\n"
	    "# about b\n"
	    "b: 1\n"
	    "c:\n"
	    "  - x\n"
	    "  # indented: about c's items\n"
	    "# about d\n"
	    "d: 2\n";
	struct coach_fm *fm = parse_ok(doc);
	assert_string_equal(coach_fm_str(fm, "a"), "text\n# inside the text\n");
	coach_fm_set(fm, "a", coach_fmv_str("new"));
	coach_fm_set(fm, "c", coach_fmv_str("y"));
	char *out = render(fm);
	assert_string_equal(out,
	    "a: new\n"
	    "# about b\n"
	    "b: 1\n"
	    "c: \"y\"\n"
	    "# about d\n"
	    "d: 2\n");
	free(out);
	coach_fm_remove(fm, "b");
	coach_fm_remove(fm, "d");
	out = render(fm);
	assert_string_equal(out, "a: new\nc: \"y\"\n");
	free(out);
	coach_fm_free(fm);

	/*
	 * An indented comment after a blank line would become part of a
	 * block scalar written before it: it goes with the value.
	 */
	const char *doc2 = "a:\n  - x\n\n  # later\n\n# about b\nb:\n  - y\n"
	    "  # more\n";
	fm = parse_ok(doc2);
	assert_null(coach_fm_append(fm, "a", coach_fmv_str("p\nq\n")));
	assert_null(coach_fm_append(fm, "b", coach_fmv_str("r\ns")));
	out = render(fm);
	assert_string_equal(out, "a:\n  - x\n\n  # later\n  - |\n    p\n    q\n"
	    "\n# about b\nb:\n  - y\n  # more\n  - |-\n    r\n    s\n");
	struct coach_fm *again = parse_ok(out);
	assert_same_except(fm, again, NULL);
	coach_fm_free(again);
	free(out);
	coach_fm_set(fm, "a", coach_fmv_str("p\nq"));
	out = render(fm);
	assert_string_equal(out, "a: |-\n  p\n  q\n\n# about b\nb:\n  - y\n"
	    "  # more\n  - |-\n    r\n    s\n");
	again = parse_ok(out);
	assert_same_except(fm, again, NULL);
	coach_fm_free(again);
	free(out);
	coach_fm_free(fm);
}

static void
test_append(void **state)
{
	(void)state;
	struct coach_fm *fm = parse_ok(goal);
	struct coach_fmv *m = coach_fmv_map();
	coach_fmv_put(m, "date", coach_fmv_plain("2026-03-01"));
	coach_fmv_put(m, "value", coach_fmv_number(61));
	assert_null(coach_fm_append(fm, "measurements", m));
	char *out = render(fm);
	/* Only lines added, right after the last item. */
	struct change c = compare(goal, out);
	assert_int_equal(c.removed, 0);
	assert_int_equal(c.added, 2);
	/* After the comments that follow the last item. */
	assert_string_equal(c.a.v[c.pre - 2], "- {date: 2026-02-03, value: 52}");
	assert_string_equal(c.a.v[c.pre - 1], "  # next one after half term");
	assert_string_equal(c.b.v[c.pre], "- date: 2026-03-01");
	assert_string_equal(c.b.v[c.pre + 1], "  value: 61");
	const struct coach_fm_node *ms = coach_fm_get(fm, "measurements");
	assert_int_equal(coach_fm_node_len(ms), 3);
	struct coach_fm *again = parse_ok(out);
	assert_true(node_equal(ms, coach_fm_get(again, "measurements")));
	assert_same_except(fm, again, NULL);
	coach_fm_free(again);
	change_free(&c);

	/* Again: still only additions. */
	assert_null(coach_fm_append(fm, "measurements",
	    coach_fmv_str("loose")));
	char *out2 = render(fm);
	c = compare(out, out2);
	assert_int_equal(c.removed, 0);
	assert_int_equal(c.added, 1);
	assert_string_equal(c.b.v[c.pre], "- loose");
	change_free(&c);
	free(out2);
	free(out);

	/* A flow sequence is rewritten as a block sequence. */
	assert_null(coach_fm_append(fm, "strategies", coach_fmv_str("modelling")));
	/* A null value becomes a list. */
	assert_null(coach_fm_append(fm, "due", coach_fmv_str("x")));
	/* An absent key is created. */
	assert_null(coach_fm_append(fm, "evidence", coach_fmv_str("a.jpg")));
	/* An empty flow list. */
	assert_null(coach_fm_append(fm, "empty_list", coach_fmv_str("first")));
	out = render(fm);
	assert_non_null(strstr(out, "strategies:\n  - cold-call\n"
	    "  - wait-time\n  - modelling\nmeasure:\n"));
	assert_non_null(strstr(out, "due:\n  - x\n\n# the school"));
	assert_non_null(strstr(out, "empty_list:\n  - first\nempty_map"));
	assert_non_null(strstr(out, "evidence:\n  - a.jpg\n\n# trailing"));
	again = parse_ok(out);
	assert_same_except(fm, again, NULL);
	assert_int_equal(coach_fm_node_len(coach_fm_get(again, "strategies")),
	    3);
	coach_fm_free(again);
	free(out);

	/* Something that is not a list is refused, naming file and line. */
	struct coach_error *err = coach_fm_append(fm, "status",
	    coach_fmv_str("x"));
	assert_non_null(err);
	assert_non_null(strstr(coach_error_msg(err), "t.md:5: status is not "
	    "a list"));
	coach_error_free(err);
	err = coach_fm_append(fm, "measure", coach_fmv_str("x"));
	assert_non_null(err);
	coach_error_free(err);
	coach_fm_free(fm);
}

static void
test_append_indentation(void **state)
{
	(void)state;
	/* Items keep the indentation of the existing ones. */
	const char *doc = "a:\n    - x: 1\n      t: |\n        text\nb: 2\n";
	struct coach_fm *fm = parse_ok(doc);
	struct coach_fmv *m = coach_fmv_map();
	coach_fmv_put(m, "x", coach_fmv_plain("2"));
	coach_fmv_put(m, "t", coach_fmv_str(" two\nlines"));
	assert_null(coach_fm_append(fm, "a", m));
	char *out = render(fm);
	assert_string_equal(out, "a:\n    - x: 1\n      t: |\n        text\n"
	    "    - x: 2\n      t: |2-\n         two\n        lines\nb: 2\n");
	struct coach_fm *again = parse_ok(out);
	assert_same_except(fm, again, NULL);
	const struct coach_fm_node *y = coach_fm_node_lookup(
	    coach_fm_node_item(coach_fm_get(again, "a"), 1), "t");
	assert_string_equal(coach_fm_node_str(y), " two\nlines");
	coach_fm_free(again);
	free(out);
	coach_fm_free(fm);
}

static void
test_not_line_editable(void **state)
{
	(void)state;
	/* A flow or indented root, or an explicit key, is written afresh. */
	const char *docs[] = {
		"{a: 1, b: [x, y]}\n",
		"  a: 1\n  b: [x, y]\n",
		"? a\n: 1\nb: [x, y]\n",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++) {
		struct coach_fm *fm = parse_ok(docs[i]);
		coach_fm_set(fm, "c", coach_fmv_str("z"));
		assert_null(coach_fm_append(fm, "b", coach_fmv_str("w")));
		char *out = render(fm);
		assert_string_equal(out, "a: 1\nb:\n  - x\n  - y\n  - w\nc: z\n");
		free(out);
		coach_fm_free(fm);
	}
}

static void
test_fmv_from_node(void **state)
{
	(void)state;
	struct coach_fm *fm = parse_ok(goal);
	struct coach_fm *copy = coach_fm_new();
	for (size_t i = 0; i < coach_fm_count(fm); i++) {
		const char *k = coach_fm_key_at(fm, i);
		coach_fm_set(copy, k, coach_fmv_from_node(coach_fm_get(fm, k)));
	}
	char *out = render(copy);
	struct coach_fm *again = parse_ok(out);
	assert_same_except(fm, again, NULL);
	assert_same_except(again, fm, NULL);
	/* Types survive: a quoted number stays text, a plain one a number. */
	double d;
	assert_int_equal(coach_fm_node_number(coach_fm_node_lookup(
	    coach_fm_get(again, "measure"), "baseline"), &d), 0);
	coach_fm_free(again);
	free(out);
	coach_fm_free(copy);
	coach_fm_free(fm);
}

/* ---- hostile input ---------------------------------------------------- */

static void
test_hostile(void **state)
{
	(void)state;
	expect_error("a: &x 1\nb: *x\n", 2, "anchor '&x'");
	expect_error("a: *x\n", 2, "alias '*x'");
	expect_error("a: 1\nb: !!python/object:os.system x\n", 3,
	    "tag '!!python/object:os.system'");
	expect_error("a: !!str 1\n", 2, "tag '!!str'");
	expect_error("a: ! x\n", 2, "tag");
	expect_error("a: !custom {b: 1}\n", 2, "tag '!custom'");
	expect_error("a: 1\nb: 2\na: 3\n", 4, "duplicate key 'a' (first on "
	    "line 2)");
	expect_error("m:\n  x: 1\n  y:\n    z: 1\n    z: 2\n", 6,
	    "duplicate key 'z'");
	expect_error("m: [{x: 1, x: 2}]\n", 2, "duplicate key 'x'");
	/* The earliest second key is named, with its first one: among a
	 * record's few keys (compared pair by pair) as among many
	 * (sorted). */
	expect_error("a: 1\nb: 2\nb: 3\na: 4\nb: 5\n", 4,
	    "duplicate key 'b' (first on line 3)");
	expect_error("k0: 0\nk1: 1\nk2: 2\nk3: 3\nk4: 4\nk5: 5\nk6: 6\n"
	    "k7: 7\nk8: 8\nk9: 9\nk10: 0\nk11: 1\nk12: 2\nk13: 3\n"
	    "k14: 4\nk15: 5\nk16: 6\nk17: 7\nk18: 8\nk19: 9\nk5: 5\n"
	    "k3: 3\nk5: 5\n", 22, "duplicate key 'k5' (first on line 7)");
	expect_error("- a\n- b\n", 2, "a list, not a mapping");
	expect_error("just text\n", 2, "single value, not a mapping");
	expect_error("\"quoted\"\n", 2, "single value");
	expect_error("a: 1\n---\nb: 2\n", 3, "second YAML document");
	expect_error("a: 1\n...\n", 3, "'...'");
	expect_error("%YAML 1.1\n---\na: 1\n", 2, "directives");
	expect_error("a: b: c\n", 2, "check the indentation");
	expect_error("a:\n  - x\n - y\n", 4, "check the indentation");
	expect_error("a: \"unterminated\n", 3, "");
	expect_error("[a]: 1\n", 2, "a key must be text");
	expect_error("? {a: 1}\n: 1\n", 2, "a key must be text");
	expect_error("a: \"x\\0y\"\n", 2, "NUL");
	expect_error("a: 1\nb: \xff\n", 3, "invalid UTF-8");
	expect_error("a: 1\nb: \xc3\n", 3, "invalid UTF-8");
	expect_error("a: 1\nb: \xed\xa0\x80\n", 3, "invalid UTF-8");
	expect_error_len("a: 1\nb: x\0y\n", 11, 3, "NUL byte");
	expect_error("a: 1\rb: 2\n", 2, "carriage return");
	expect_error("a: 1\nb: x\xe2\x80\xa8y\n", 3, "line or paragraph");
	expect_error("a: 1\nb: x\xc2\x85y\n", 3, "U+0085");
	expect_error("a: \"\\x01\"\nb: \x01\n", 3, "control characters are "
	    "not allowed (character U+0001)");
	expect_error("a: 1\nb: x\x7f\n", 3, "U+007F");
	expect_error("a: {x: 1}\nb:\n  <<: {y: 2}\n", 4, "plain '<<'");
	expect_error("a: =\n", 2, "plain '='");
	/* Depth: 8 levels are fine, 9 are not. */
	struct coach_fm *fm = parse_ok("a: [[[[[[[1]]]]]]]\n");
	coach_fm_free(fm);
	expect_error("a: [[[[[[[[1]]]]]]]]\n", 2, "nested more than 8 deep");
	expect_error("a:\n b:\n  c:\n   d:\n    e:\n     f:\n      g:\n"
	    "       h:\n        i: 1\n", 10, "nested more than 8 deep");
}

static void
test_billion_laughs(void **state)
{
	(void)state;
	struct coach_buf b = COACH_BUF_INIT;
	coach_buf_puts(&b, "lol: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\","
	    "\"lol\",\"lol\",\"lol\",\"lol\"]\n");
	for (char c = 'b'; c <= 'j'; c++) {
		coach_buf_printf(&b, "%c: &%c [", c, c);
		for (int i = 0; i < 9; i++)
			coach_buf_printf(&b, "%s*%c", i ? "," : "", c - 1);
		coach_buf_puts(&b, "]\n");
	}
	expect_error(coach_buf_str(&b), 2, "anchor '&a'");
	/* Without the anchor, the first alias is what is refused. */
	char *noanchor = coach_xstrdup(coach_buf_str(&b));
	memcpy(strstr(noanchor, "&a"), "  ", 2);
	expect_error(noanchor, 3, "anchor '&b'");
	free(noanchor);
	coach_buf_free(&b);
}

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_deep_nesting_is_fast(void **state)
{
	(void)state;
	/* 10k-deep flow nesting: refused after 9 levels, not parsed in full. */
	const char *opens[] = { "[", "{a: " };
	const char *closes[] = { "]", "}" };
	for (int k = 0; k < 2; k++) {
		struct coach_buf b = COACH_BUF_INIT;
		coach_buf_puts(&b, "a: 1\nx: ");
		for (int i = 0; i < 10000; i++)
			coach_buf_puts(&b, opens[k]);
		for (int i = 0; i < 10000; i++)
			coach_buf_puts(&b, closes[k]);
		coach_buf_puts(&b, "\n");
		if (b.len > COACH_FM_MAX_BYTES)
			b.len = COACH_FM_MAX_BYTES - 1;
		double t0 = now();
		expect_error_len(b.ptr, b.len, 3, "nested more than 8 deep");
		double dt = now() - t0;
		print_message("# 10000-deep %s nesting refused in %.4f s\n",
		    opens[k], dt);
		coach_buf_free(&b);
	}
	/* Deep block nesting too. */
	struct coach_buf b = COACH_BUF_INIT;
	for (int i = 0; i < 300; i++) {
		for (int s = 0; s < i; s++)
			coach_buf_putc(&b, ' ');
		coach_buf_puts(&b, "k:\n");
	}
	expect_error(coach_buf_str(&b), 10, "nested more than 8 deep");
	coach_buf_free(&b);
}

static void
test_too_large(void **state)
{
	(void)state;
	size_t n = COACH_FM_MAX_BYTES + 1;
	char *big = coach_xmalloc(n + 1);
	memcpy(big, "a: ", 3);
	memset(big + 3, 'x', n - 4);
	big[n - 1] = '\n';
	big[n] = '\0';
	expect_error(big, 2, "more than the 65536 allowed");
	/* Exactly at the limit is fine. */
	big[n - 2] = '\n';
	big[n - 1] = '\0';
	struct coach_fm *fm = parse_ok(big);
	assert_int_equal(strlen(coach_fm_str(fm, "a")), n - 5);
	coach_fm_free(fm);
	free(big);
	/* Many keys in one flow mapping: duplicate search stays fast. */
	struct coach_buf b = COACH_BUF_INIT;
	coach_buf_puts(&b, "m: {");
	for (int i = 0; i < 6000; i++)
		coach_buf_printf(&b, "k%d: 1, ", i);
	coach_buf_puts(&b, "k17: 2}\n");
	expect_error(coach_buf_str(&b), 2, "duplicate key 'k17'");
	coach_buf_free(&b);
}

/* ---- typing ----------------------------------------------------------- */

static void
test_typing(void **state)
{
	(void)state;
	struct {
		const char *yaml;
		int is_bool, b, is_num;
		double d;
	} cases[] = {
		{ "true", 1, 1, 0, 0 }, { "True", 1, 1, 0, 0 },
		{ "FALSE", 1, 0, 0, 0 }, { "yes", 1, 1, 0, 0 },
		{ "No", 1, 0, 0, 0 }, { "on", 1, 1, 0, 0 }, { "OFF", 1, 0, 0, 0 },
		{ "tRue", 0, 0, 0, 0 }, { "\"true\"", 0, 0, 0, 0 },
		{ "'yes'", 0, 0, 0, 0 }, { "y", 0, 0, 0, 0 },
		{ "0", 0, 0, 1, 0 }, { "42", 0, 0, 1, 42 },
		{ "-7", 0, 0, 1, -7 }, { "+3", 0, 0, 1, 3 },
		{ "2.5", 0, 0, 1, 2.5 }, { "-0.25", 0, 0, 1, -0.25 },
		{ "1.", 0, 0, 1, 1 }, { ".5", 0, 0, 1, 0.5 },
		{ "1.5e+3", 0, 0, 1, 1500 }, { "1.0e-2", 0, 0, 1, 0.01 },
		{ "0x1F", 0, 0, 1, 31 }, { ".inf", 0, 0, 1, 1.0 / 0.0 },
		{ "-.Inf", 0, 0, 1, -1.0 / 0.0 },
		/* Read differently by YAML 1.1 and 1.2, or not numbers. */
		{ "010", 0, 0, 0, 0 }, { "1e3", 0, 0, 0, 0 },
		{ "1.5e3", 0, 0, 0, 0 }, { "-.5", 0, 0, 0, 0 },
		{ "0o17", 0, 0, 0, 0 }, { "1_000", 0, 0, 0, 0 },
		{ "1:20", 0, 0, 0, 0 }, { "2026-01-01", 0, 0, 0, 0 },
		{ "\"42\"", 0, 0, 0, 0 }, { "'2.5'", 0, 0, 0, 0 },
		{ "abc", 0, 0, 0, 0 }, { "4 2", 0, 0, 0, 0 },
		{ "0x", 0, 0, 0, 0 }, { "1.2.3", 0, 0, 0, 0 },
		{ "", 0, 0, 0, 0 }, { "~", 0, 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *doc = coach_xasprintf("v: %s\n", cases[i].yaml);
		struct coach_fm *fm = parse_ok(doc);
		const struct coach_fm_node *n = coach_fm_get(fm, "v");
		int b = -1;
		double d = -1;
		int rb = coach_fm_node_bool(n, &b);
		int rn = coach_fm_node_number(n, &d);
		if (rb != (cases[i].is_bool ? 0 : -1) ||
		    rn != (cases[i].is_num ? 0 : -1) ||
		    (cases[i].is_bool && b != cases[i].b) ||
		    (cases[i].is_num && d != cases[i].d)) {
			print_error("%s: bool %d (%d) number %d (%g)\n",
			    cases[i].yaml, rb, b, rn, d);
			fail();
		}
		coach_fm_free(fm);
		free(doc);
	}
	struct coach_fm *fm = parse_ok("v: .nan\nl: [1]\n");
	double d = 0;
	assert_int_equal(coach_fm_node_number(coach_fm_get(fm, "v"), &d), 0);
	assert_true(d != d);
	int b;
	assert_int_equal(coach_fm_node_bool(coach_fm_get(fm, "l"), &b), -1);
	assert_int_equal(coach_fm_node_number(coach_fm_get(fm, "l"), &d), -1);
	coach_fm_free(fm);
}

/* ---- the emitter ------------------------------------------------------ */

static const char *const hostile[] = {
	"plain", "two words", "a:b", "http://example.com/a#b", "C:\\path",
	"50%", "a,b", "it's", "say \"hi\"", "a: b", "a:", "key:", ": x", ":x",
	"x #y", "x#y", "#x", "#", "\"x\"", "'x'", "-", "- x", "-x", "--", "---",
	"--- x", "...", "... x", "?", "? x", "?x", "*x", "&x", "!x", "!", "%x",
	"@x", "`x", "|", "|x", ">", ">x", "[a]", "]", "{a: 1}", "}", ",",
	"=", "<<", "yes", "Yes", "YES", "yEs", "no", "No", "on", "ON", "off",
	"Off", "y", "Y", "n", "N", "true", "True", "false", "FALSE", "null",
	"Null", "NULL", "nUll", "~", "1e3", "1E3", "1.5e-3", "0x1F", "0X1f",
	"007", "010", "0o17", "0b101", "1_000", "+1", "-1", "+.5", "3.14",
	"1.", ".5", "1:20", "190:20:30.15", "-1:20", "2026-01-01",
	"2026-1-1", "2026-01-01 10:00:00", "2026-01-01T10:00:00Z", ".inf",
	"-.inf", "+.INF", ".nan", ".NaN", ".NAN", "", " ", "  ", " lead",
	"trail ", " both ", "\t", "\ttab", "tab\t", "x\ty", "line1\nline2",
	"line1\nline2\n", "line1\nline2\n\n", "line1\nline2\n\n\n",
	"trailing \nspaces", "x\n \ny", "\nstarts with break",
	" indented\nfirst", "  \n", "\n", "\n\n", "a\n\n\nb", "x\r\ny", "\r",
	"emoji \xf0\x9f\x98\x80 here", "\xf0\x9f\x98\x80", "CJK \xe6\xbc\xa2\xe5\xad\x97",
	"\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d RTL", "\xe2\x80\x8f" "rlm",
	"ctl\x01x", "del\x7f", "bell\a", "esc\x1b[0m", "\xc2\x85nel",
	"ls\xe2\x80\xa8ps\xe2\x80\xa9", "bom\xef\xbb\xbf", "nonchar\xef\xbf\xbe",
	"\xc2\xa0nbsp", "\\", "\"", "'", "\\n", "a\\\"b", "multi\n- dash\n# hash",
	"#!/bin/sh\necho hi\n", "---\nnot a marker\n", "key: value\nother: 1",
	"  two\n  indented\n", "end with colon:\nx:",
};
#define NHOSTILE (sizeof(hostile) / sizeof(*hostile))

static void
test_emit_scalar_quoting(void **state)
{
	(void)state;
	struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "plain" }, { "two words", "two words" },
		{ "yes", "\"yes\"" }, { "", "\"\"" }, { "1e3", "\"1e3\"" },
		{ "2026-01-01", "\"2026-01-01\"" }, { "a: b", "\"a: b\"" },
		{ "-x", "\"-x\"" }, { "x\ny", "\"x\\ny\"" },
		{ "tab\there", "\"tab\\there\"" }, { "\"q\\", "\"\\\"q\\\\\"" }, { "q\"\\", "q\"\\" },
		{ "\x01", "\"\\x01\"" }, { "\xc2\x85", "\"\\N\"" },
		{ "\xc2\x9f", "\"\\x9F\"" }, { "\xe2\x80\xa8", "\"\\u2028\"" },
		{ "\xef\xbb\xbf", "\"\\uFEFF\"" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
		{ "e\xf0\x9f\x98\x80\n", "\"e\xf0\x9f\x98\x80\\n\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct coach_buf b = COACH_BUF_INIT;
		coach_yaml_scalar(&b, cases[i].in);
		assert_string_equal(coach_buf_str(&b), cases[i].out);
		coach_buf_free(&b);
	}
}

static void
test_emit_blocks(void **state)
{
	(void)state;
	struct {
		const char *in, *out;
	} cases[] = {
		{ "a\nb", "k: |-\n  a\n  b\n" },
		{ "a\nb\n", "k: |\n  a\n  b\n" },
		{ " a\nb\n", "k: |2\n   a\n  b\n" },
		{ "\na\n\nb", "k: |2-\n\n  a\n\n  b\n" },
		{ "a\nb\n\n", "k: \"a\\nb\\n\\n\"\n" },
		{ "a \nb", "k: \"a \\nb\"\n" },
		{ "a\n\tb", "k: \"a\\n\\tb\"\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct coach_fm *fm = coach_fm_new();
		coach_fm_set(fm, "k", coach_fmv_str(cases[i].in));
		char *out = render(fm);
		assert_string_equal(out, cases[i].out);
		free(out);
		coach_fm_free(fm);
	}
	/* Nested values: block sequences and mappings, 2-space indent. */
	struct coach_fm *fm = coach_fm_new();
	struct coach_fmv *ms = coach_fmv_seq();
	struct coach_fmv *m = coach_fmv_map();
	coach_fmv_put(m, "date", coach_fmv_plain("2026-01-01"));
	coach_fmv_put(m, "value", coach_fmv_number(3));
	coach_fmv_put(m, "note", coach_fmv_str("two\nlines"));
	coach_fmv_push(ms, m);
	struct coach_fmv *inner = coach_fmv_seq();
	coach_fmv_push(inner, coach_fmv_str("a"));
	coach_fmv_push(inner, coach_fmv_seq());
	coach_fmv_push(ms, inner);
	coach_fmv_push(ms, coach_fmv_plain(""));
	coach_fmv_push(ms, coach_fmv_map());
	coach_fm_set(fm, "measurements", ms);
	struct coach_fmv *measure = coach_fmv_map();
	coach_fmv_put(measure, "name", coach_fmv_str("reading age"));
	coach_fmv_put(measure, "baseline", coach_fmv_number(7.5));
	coach_fmv_put(measure, "tags", coach_fmv_seq());
	coach_fmv_put(measure, "done", coach_fmv_bool(0));
	coach_fmv_put(measure, "baseline", coach_fmv_number(8));
	coach_fm_set(fm, "measure", measure);
	char *out = render(fm);
	assert_string_equal(out,
	    "measurements:\n"
	    "  - date: 2026-01-01\n"
	    "    value: 3\n"
	    "    note: |-\n"
	    "      two\n"
	    "      lines\n"
	    "  - - a\n"
	    "    - []\n"
	    "  -\n"
	    "  - {}\n"
	    "measure:\n"
	    "  name: reading age\n"
	    "  baseline: 8\n"
	    "  tags: []\n"
	    "  done: false\n");
	struct coach_fm *again = parse_ok(out);
	assert_same_except(fm, again, NULL);
	assert_same_except(again, fm, NULL);
	coach_fm_free(again);
	free(out);
	coach_fm_free(fm);
}

static void
test_emit_plain_and_numbers(void **state)
{
	(void)state;
	struct {
		double d;
		const char *out;
	} nums[] = {
		{ 3, "3" }, { -42, "-42" }, { 0, "0" }, { -0.0, "0" },
		{ 2.5, "2.5" }, { 0.1, "0.1" }, { 1.0 / 3, "0.3333333333333333" },
		{ 1e20, "1.0e+20" }, { 1.5e-7, "1.5e-07" },
		{ 123456789012, "123456789012" }, { 1.0 / 0.0, ".inf" },
		{ -1.0 / 0.0, "-.inf" }, { 0.0 / 0.0, ".nan" },
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(*nums); i++) {
		struct coach_fm *fm = coach_fm_new();
		coach_fm_set(fm, "v", coach_fmv_number(nums[i].d));
		char *out = render(fm);
		char *want = coach_xasprintf("v: %s\n", nums[i].out);
		assert_string_equal(out, want);
		struct coach_fm *again = parse_ok(out);
		double d;
		assert_int_equal(coach_fm_node_number(coach_fm_get(again, "v"),
		    &d), 0);
		assert_true(d == nums[i].d || (d != d && nums[i].d != nums[i].d));
		assert_int_equal(coach_fm_node_number(coach_fm_get(fm, "v"),
		    &d), 0);
		coach_fm_free(again);
		free(want);
		free(out);
		coach_fm_free(fm);
	}
	/* Plain text that cannot be plain is quoted rather than broken. */
	struct coach_fm *fm = coach_fm_new();
	coach_fm_set(fm, "a", coach_fmv_plain("x\nevil: 1"));
	coach_fm_set(fm, "b", coach_fmv_plain("2026-01-01"));
	coach_fm_set(fm, "c", coach_fmv_plain("~"));
	coach_fm_set(fm, "d", coach_fmv_bool(1));
	char *out = render(fm);
	assert_string_equal(out, "a: |-\n  x\n  evil: 1\nb: 2026-01-01\nc:\n"
	    "d: true\n");
	assert_int_equal(coach_fm_node_type(coach_fm_get(fm, "c")),
	    COACH_FM_NULL);
	int b;
	assert_int_equal(coach_fm_node_bool(coach_fm_get(fm, "d"), &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(coach_fm_node_quoted(coach_fm_get(fm, "a")), 1);
	free(out);
	/* Invalid UTF-8 handed to the emitter becomes U+FFFD. */
	coach_fm_set(fm, "e", coach_fmv_str("bad\xff\xfe" "end"));
	assert_string_equal(coach_fm_str(fm, "e"),
	    "bad\xef\xbf\xbd\xef\xbf\xbd" "end");
	coach_fm_set(fm, "k\xc3", coach_fmv_str("v"));
	assert_string_equal(coach_fm_key_at(fm, 5), "k\xef\xbf\xbd");
	struct coach_buf sb = COACH_BUF_INIT;
	coach_yaml_scalar(&sb, "x\xe2\x80");
	assert_string_equal(coach_buf_str(&sb), "x\xef\xbf\xbd\xef\xbf\xbd");
	coach_buf_free(&sb);
	out = render(fm);
	assert_int_equal(coach_utf8_check(out, strlen(out)), strlen(out));
	free(out);
	coach_fm_free(fm);
}

/* Builds a document of all hostile strings, as values, list items, nested
 * mapping values and keys, with the expectations for PyYAML. */
static struct coach_fm *
hostile_document(struct coach_buf *expect)
{
	struct coach_fm *fm = coach_fm_new();
	struct coach_fmv *seq = coach_fmv_seq();
	struct coach_fmv *maps = coach_fmv_seq();
	for (size_t i = 0; i < NHOSTILE; i++) {
		char key[16];
		snprintf(key, sizeof(key), "k%zu", i);
		coach_fm_set(fm, key, coach_fmv_str(hostile[i]));
		coach_fmv_push(seq, coach_fmv_str(hostile[i]));
		struct coach_fmv *m = coach_fmv_map();
		coach_fmv_put(m, hostile[i], coach_fmv_str(hostile[i]));
		coach_fmv_put(m, "_index", coach_fmv_number((double)i));
		coach_fmv_push(maps, m);

		put_hex(expect, key);
		coach_buf_puts(expect, "\ts:");
		put_hex(expect, hostile[i]);
		coach_buf_puts(expect, "\n");
		put_hex(expect, "list");
		coach_buf_printf(expect, "/#%zu\ts:", i);
		put_hex(expect, hostile[i]);
		coach_buf_puts(expect, "\n");
		put_hex(expect, "maps");
		coach_buf_printf(expect, "/#%zu/", i);
		put_hex(expect, hostile[i]);
		coach_buf_puts(expect, "\ts:");
		put_hex(expect, hostile[i]);
		coach_buf_puts(expect, "\n");
		put_hex(expect, "maps");
		coach_buf_printf(expect, "/#%zu/", i);
		put_hex(expect, "_index");
		coach_buf_printf(expect, "\tf:%zu\n", i);
	}
	coach_fm_set(fm, "list", seq);
	coach_fm_set(fm, "maps", maps);
	return fm;
}

static void
test_emit_reads_back(void **state)
{
	(void)state;
	struct coach_buf expect = COACH_BUF_INIT;
	struct coach_fm *fm = hostile_document(&expect);
	char *out = render(fm);
	/* Our own parser reads every string back. */
	struct coach_fm *again = parse_ok(out);
	const struct coach_fm_node *list = coach_fm_get(again, "list");
	const struct coach_fm_node *maps = coach_fm_get(again, "maps");
	for (size_t i = 0; i < NHOSTILE; i++) {
		char key[16];
		snprintf(key, sizeof(key), "k%zu", i);
		const struct coach_fm_node *v = coach_fm_get(again, key);
		const struct coach_fm_node *m = coach_fm_node_item(maps, i);
		const struct coach_fm_node *mv = coach_fm_node_lookup(m,
		    hostile[i]);
		if (coach_fm_node_type(v) != COACH_FM_SCALAR ||
		    strcmp(coach_fm_node_str(v), hostile[i]) != 0 ||
		    strcmp(coach_fm_node_str(coach_fm_node_item(list, i)),
		    hostile[i]) != 0 || mv == NULL ||
		    strcmp(coach_fm_node_str(mv), hostile[i]) != 0) {
			print_error("string %zu '%s' did not read back\n", i,
			    hostile[i]);
			fail();
		}
		/* A string is never typed as a bool or number. */
		int b;
		double d;
		assert_int_equal(coach_fm_node_bool(v, &b), -1);
		assert_int_equal(coach_fm_node_number(v, &d), -1);
	}
	assert_same_except(fm, again, NULL);
	coach_fm_free(again);
	/* And so does PyYAML (YAML 1.1). */
	char *complaint = pyyaml_check(out, coach_buf_str(&expect));
	if (complaint) {
		print_error("PyYAML:\n%s\ndocument:\n%s\n", complaint, out);
		free(complaint);
		fail();
	}
	free(out);
	coach_buf_free(&expect);
	coach_fm_free(fm);
}

static void
test_emit_keys(void **state)
{
	(void)state;
	struct coach_fm *fm = coach_fm_new();
	struct coach_buf expect = COACH_BUF_INIT;
	for (size_t i = 0; i < NHOSTILE; i++) {
		char val[16];
		snprintf(val, sizeof(val), "v%zu", i);
		coach_fm_set(fm, hostile[i], coach_fmv_str(val));
		put_hex(&expect, hostile[i]);
		coach_buf_puts(&expect, "\ts:");
		put_hex(&expect, val);
		coach_buf_puts(&expect, "\n");
	}
	/* Implicit keys stop at 1024 characters; longer ones still work. */
	char *longkey = coach_xmalloc(1501);
	memset(longkey, 'k', 1500);
	longkey[1500] = '\0';
	coach_fm_set(fm, longkey, coach_fmv_str("long"));
	put_hex(&expect, longkey);
	coach_buf_puts(&expect, "\ts:");
	put_hex(&expect, "long");
	coach_buf_puts(&expect, "\n");
	/* Also nested, where the first key shares the line of its '-'. */
	struct coach_fmv *seq = coach_fmv_seq();
	struct coach_fmv *m = coach_fmv_map();
	coach_fmv_put(m, longkey, coach_fmv_str("deep"));
	coach_fmv_put(m, "yes", coach_fmv_str("no"));
	coach_fmv_push(seq, m);
	coach_fm_set(fm, "nested", seq);
	put_hex(&expect, "nested");
	coach_buf_puts(&expect, "/#0/");
	put_hex(&expect, longkey);
	coach_buf_puts(&expect, "\ts:");
	put_hex(&expect, "deep");
	coach_buf_puts(&expect, "\n");
	put_hex(&expect, "nested");
	coach_buf_puts(&expect, "/#0/");
	put_hex(&expect, "yes");
	coach_buf_puts(&expect, "\ts:");
	put_hex(&expect, "no");
	coach_buf_puts(&expect, "\n");
	char *out = render(fm);
	struct coach_fm *again = parse_ok(out);
	assert_int_equal(coach_fm_count(again), NHOSTILE + 2);
	for (size_t i = 0; i < NHOSTILE; i++)
		assert_string_equal(coach_fm_key_at(again, i), hostile[i]);
	assert_string_equal(coach_fm_str(again, longkey), "long");
	assert_same_except(fm, again, NULL);
	coach_fm_free(again);
	char *complaint = pyyaml_check(out, coach_buf_str(&expect));
	if (complaint) {
		print_error("PyYAML:\n%s\n", complaint);
		free(complaint);
		fail();
	}
	free(longkey);
	free(out);
	coach_buf_free(&expect);
	coach_fm_free(fm);
}

static void
test_pyyaml_reads_edits(void **state)
{
	(void)state;
	/* An edited hand-written document means the same to PyYAML. */
	struct coach_fm *fm = parse_ok(goal);
	coach_fm_set(fm, "status", coach_fmv_str("no"));
	coach_fm_set(fm, "due", coach_fmv_plain("2026-06-01"));
	struct coach_fmv *m = coach_fmv_map();
	coach_fmv_put(m, "date", coach_fmv_plain("2026-03-01"));
	coach_fmv_put(m, "value", coach_fmv_number(61.5));
	assert_null(coach_fm_append(fm, "measurements", m));
	assert_null(coach_fm_append(fm, "strategies", coach_fmv_str("on")));
	/* A block scalar in an item of a sequence at column 0. */
	assert_null(coach_fm_append(fm, "measurements",
	    coach_fmv_str("  spaced\nnote\n")));
	coach_fm_set(fm, "hours", coach_fmv_number(1.5));
	coach_fm_set(fm, "private", coach_fmv_bool(1));
	coach_fm_remove(fm, "poem");
	/* PyYAML refuses a tab after "key:". */
	coach_fm_remove(fm, "tabs");
	char *out = render(fm);
	struct coach_buf e = COACH_BUF_INIT;
	struct {
		const char *path[3], *want;
	} checks[] = {
		{ { "status" }, "s:no" }, { { "hours" }, "f:1.5" },
		{ { "private" }, "b:1" }, { { "strategies", "#2" }, "s:on" },
		{ { "measurements", "#2", "value" }, "f:61.5" },
		{ { "measurements", "#1", "value" }, "f:52" },
		{ { "measurements", "#3" }, "s:  spaced\nnote\n" },
		{ { "measure", "baseline" }, "f:40" },
		{ { "title" }, "s:Improve questioning: \"cold call\" in Y9" },
		{ { "notes" }, "s:folded text continues here\nnew para\n" },
		{ { "empty_list" }, "l:0" },
		{ { "due" }, "d:2026-06-01" },
		{ { "opened" }, "d:2026-01-12" },
	};
	for (size_t i = 0; i < sizeof(checks) / sizeof(*checks); i++) {
		for (int k = 0; k < 3 && checks[i].path[k]; k++) {
			if (k > 0)
				coach_buf_putc(&e, '/');
			if (checks[i].path[k][0] == '#')
				coach_buf_puts(&e, checks[i].path[k]);
			else
				put_hex(&e, checks[i].path[k]);
		}
		const char *w = checks[i].want;
		if (w == NULL)
			coach_buf_puts(&e, "\tz\n");
		else if (w[0] == 's') {
			coach_buf_puts(&e, "\ts:");
			put_hex(&e, w + 2);
			coach_buf_putc(&e, '\n');
		} else
			coach_buf_printf(&e, "\t%s\n", w);
	}
	char *complaint = pyyaml_check(out, coach_buf_str(&e));
	if (complaint) {
		print_error("PyYAML:\n%s\ndocument:\n%s\n", complaint, out);
		fail();
	}
	/* The checker can fail: an empty list is not null. */
	coach_buf_puts(&e, "656d7074795f6c697374\tz\n");
	complaint = pyyaml_check(out, coach_buf_str(&e));
	assert_non_null(complaint);
	assert_string_equal(complaint, "mismatch 656d7074795f6c697374 z []\n"
	    "failed\n");
	free(complaint);
	free(out);
	coach_buf_free(&e);
	coach_fm_free(fm);
}

/* ---- rewrites next to unusual lines ----------------------------------- */

/* Checks out with PyYAML: each of checks is "path\tWANT" as pyyaml_check
 * takes it, with paths written plainly ("a/#0/b") and s: values as text. */
static void
assert_pyyaml(const char *doc, const char *const *checks)
{
	struct coach_buf e = COACH_BUF_INIT;
	for (; *checks; checks++) {
		const char *tab = strchr(*checks, '\t');
		char *path = coach_xstrndup(*checks, (size_t)(tab - *checks));
		char *save = NULL;
		int first = 1;
		for (char *part = strtok_r(path, "/", &save); part;
		    part = strtok_r(NULL, "/", &save), first = 0) {
			if (!first)
				coach_buf_putc(&e, '/');
			if (part[0] == '#')
				coach_buf_puts(&e, part);
			else
				put_hex(&e, part);
		}
		free(path);
		if (strncmp(tab + 1, "s:", 2) == 0) {
			coach_buf_puts(&e, "\ts:");
			put_hex(&e, tab + 3);
			coach_buf_putc(&e, '\n');
		} else {
			coach_buf_printf(&e, "%s\n", tab);
		}
	}
	char *complaint = pyyaml_check(doc, coach_buf_str(&e));
	if (complaint) {
		print_error("PyYAML:\n%s\ndocument:\n%s\n", complaint, doc);
		free(complaint);
		fail();
	}
	coach_buf_free(&e);
}

/* Renders fm, checks the text, and that it reads back as fm. */
static void
assert_renders(const struct coach_fm *fm, const char *want)
{
	char *out = render(fm);
	if (strcmp(out, want) != 0) {
		print_error("want:\n%s\ngot:\n%s\n", want, out);
		fail();
	}
	struct coach_fm *again = parse_ok(out);
	const char *differs = NULL;
	if (!coach_fm_equal(fm, again, &differs)) {
		print_error("key %s reads back differently from:\n%s\n",
		    differs, out);
		fail();
	}
	coach_fm_free(again);
	free(out);
}

static void
test_empty_items(void **state)
{
	(void)state;
	/* Lists whose last item is empty, at the top and nested. */
	const char *doc =
	    "id: g1\n"
	    "measurements:\n"
	    "- date: 2026-01-10\n"
	    "  value: 30\n"
	    "  notes:\n"
	    "  -\n"
	    "-\n"
	    "closed:\n"
	    "-\n"
	    "status: active\n";
	struct coach_fm *fm = parse_ok(doc);
	struct coach_fmv *m = coach_fmv_map();
	coach_fmv_put(m, "date", coach_fmv_plain("2026-03-01"));
	coach_fmv_put(m, "value", coach_fmv_number(61));
	assert_null(coach_fm_append(fm, "measurements", m));
	coach_fm_set(fm, "closed", coach_fmv_plain("2026-03-02"));
	const char *want =
	    "id: g1\n"
	    "measurements:\n"
	    "- date: 2026-01-10\n"
	    "  value: 30\n"
	    "  notes:\n"
	    "  -\n"
	    "-\n"
	    "- date: 2026-03-01\n"
	    "  value: 61\n"
	    "closed: 2026-03-02\n"
	    "status: active\n";
	assert_renders(fm, want);
	const char *const checks[] = {
		"measurements\tl:3", "measurements/#0/notes\tl:1",
		"measurements/#0/notes/#0\tz", "measurements/#1\tz",
		"measurements/#2/value\tf:61", "closed\td:2026-03-02",
		"status\ts:active", NULL,
	};
	assert_pyyaml(want, checks);
	coach_fm_free(fm);

	/* The same with the list indented, a comment and a blank line. */
	fm = parse_ok("a:\n  - x\n  -\n  # c\n\nb: 1\n");
	assert_null(coach_fm_append(fm, "a", coach_fmv_str("y")));
	assert_renders(fm, "a:\n  - x\n  -\n  # c\n  - \"y\"\n\nb: 1\n");
	coach_fm_free(fm);
}

static void
test_blank_lines_after_change(void **state)
{
	(void)state;
	/* Lines of only spaces are not taken into new values. */
	const char *doc =
	    "notes: short\n"
	    "    \n"
	    "status: active\n"
	    "  \n"
	    "list:\n"
	    "  - a\n"
	    "     \n";
	struct coach_fm *fm = parse_ok(doc);
	coach_fm_set(fm, "notes", coach_fmv_str("two\nlines\n"));
	assert_null(coach_fm_append(fm, "list", coach_fmv_str("p\nq")));
	coach_fm_set(fm, "extra", coach_fmv_str("x\ny"));
	const char *want =
	    "notes: |\n"
	    "  two\n"
	    "  lines\n"
	    "\n"
	    "status: active\n"
	    "  \n"
	    "list:\n"
	    "  - a\n"
	    "  - |-\n"
	    "    p\n"
	    "    q\n"
	    "extra: |-\n"
	    "  x\n"
	    "  y\n"
	    "\n";
	assert_renders(fm, want);
	assert_string_equal(coach_fm_str(fm, "notes"), "two\nlines\n");
	const char *const checks[] = {
		"notes\ts:two\nlines\n", "status\ts:active", "list/#1\ts:p\nq",
		"extra\ts:x\ny", NULL,
	};
	assert_pyyaml(want, checks);
	coach_fm_free(fm);

	/* Blank lines do not end a block: spaces after them count too. */
	fm = parse_ok("a: 1\n   \nb: 2\n   \n");
	coach_fm_set(fm, "a", coach_fmv_str("x\ny\n"));
	coach_fm_remove(fm, "b");
	assert_renders(fm, "a: |\n  x\n  y\n\n\n");
	coach_fm_free(fm);

	/* A line of spaces after a new block list. */
	fm = parse_ok("a: 1\n   \nb: 2\n");
	struct coach_fmv *seq = coach_fmv_seq();
	coach_fmv_push(seq, coach_fmv_str("l1\nl2"));
	coach_fm_set(fm, "a", seq);
	assert_renders(fm, "a:\n  - |-\n    l1\n    l2\n\nb: 2\n");
	coach_fm_free(fm);
}

static void
test_doc_start_and_null(void **state)
{
	(void)state;
	/* A BOM before "---" stays, so that "---" is never a line alone. */
	struct coach_fm *fm = parse_ok("\xef\xbb\xbf---\nid: g1\n");
	coach_fm_set(fm, "status", coach_fmv_str("active"));
	assert_renders(fm, "\xef\xbb\xbf---\nid: g1\nstatus: active\n");
	coach_fm_remove(fm, "id");
	coach_fm_remove(fm, "status");
	assert_renders(fm, "\xef\xbb\xbf---\n");
	coach_fm_free(fm);
	/* Nor does a BOM before a second one go: that one would be read as
	 * the first, and go at the next rewrite. */
	fm = parse_ok("\xef\xbb\xbf\xef\xbb\xbf\nid: g1\n");
	char *once = render(fm);
	assert_string_equal(once, "\xef\xbb\xbf\xef\xbb\xbf\nid: g1\n");
	free(once);
	coach_fm_free(fm);
	/* Elsewhere a BOM is not written. */
	fm = parse_ok("\xef\xbb\xbfid: g1\n");
	coach_fm_set(fm, "status", coach_fmv_str("active"));
	assert_renders(fm, "id: g1\nstatus: active\n");
	coach_fm_free(fm);
	/* "--- " variants keep their line. */
	fm = parse_ok("--- # doc\nid: g1\n");
	coach_fm_set(fm, "id", coach_fmv_str("g2"));
	assert_renders(fm, "--- # doc\nid: g2\n");
	coach_fm_free(fm);
	/* A document that is a written null takes keys. */
	const char *nulls[] = { "null\n", "~\n", "--- ~\n", "Null # c\n" };
	for (size_t i = 0; i < sizeof(nulls) / sizeof(*nulls); i++) {
		fm = parse_ok(nulls[i]);
		assert_int_equal(coach_fm_count(fm), 0);
		coach_fm_set(fm, "id", coach_fmv_str("g1"));
		assert_renders(fm, "id: g1\n");
		coach_fm_free(fm);
	}
}

static void
test_remove_next_to_keep_block(void **state)
{
	(void)state;
	/* A "|+" block takes in the blank lines after it. */
	struct coach_fm *fm = parse_ok("a: |+\n  x\n\nb: 1\n\n\n# end\n");
	assert_string_equal(coach_fm_str(fm, "a"), "x\n\n");
	coach_fm_remove(fm, "b");
	assert_renders(fm, "a: |+\n  x\n\n# end\n");
	const char *const checks[] = { "a\ts:x\n\n", NULL };
	char *out = render(fm);
	assert_pyyaml(out, checks);
	free(out);
	coach_fm_free(fm);
	/* Any block scalar takes in a line of more spaces than its indent. */
	fm = parse_ok("a: |\n  x\nb: 1\n   \n");
	coach_fm_remove(fm, "b");
	assert_renders(fm, "a: |\n  x\n");
	coach_fm_free(fm);
	/* A line of spaces and a tab is no line to start a document with. */
	fm = parse_ok("# lead\nid: s\n \t \n");
	coach_fm_remove(fm, "id");
	assert_renders(fm, "\n");
	coach_fm_free(fm);
	/* Without one, blank lines stay. */
	fm = parse_ok("a: x\nb: 1\n\n# end\n");
	coach_fm_remove(fm, "b");
	assert_renders(fm, "a: x\n\n# end\n");
	coach_fm_free(fm);
}

static void
test_equal(void **state)
{
	(void)state;
	struct coach_fm *a = parse_ok("a: abc\nb: 1\nc: [x, {y: 2026-1-2x}]\n");
	struct {
		const char *doc, *differs;
	} cases[] = {
		{ "a: 'abc'\nb: 1\nc:\n  - \"x\"\n  - y: '2026-1-2x'\n", NULL },
		{ "a: abc\nb: '1'\nc: [x, {y: 2026-1-2x}]\n", "b" },
		{ "a: abc\nb: 1.0\nc: [x, {y: 2026-1-2x}]\n", "b" },
		{ "b: 1\na: abc\nc: [x, {y: 2026-1-2x}]\n", "a" },
		{ "a: abc\nb: 1\nc: [x, {y: 2026-1-2}]\n", "c" },
		{ "a: abc\nb: 1\nc: [x, {y: 2026-1-2x}, z]\n", "c" },
		{ "a: abc\nb: 1\nc: [x, {y: 2026-1-2x}]\nd: 1\n", "d" },
		{ "a: abc\nb: 1\n", "c" },
		{ "a: abc\nb: 1\nc: [x, {\"y\": \"2026-1-2x\", z: }]\n", "c" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct coach_fm *b = parse_ok(cases[i].doc);
		const char *differs = "unset";
		int same = coach_fm_equal(a, b, &differs);
		assert_int_equal(same, cases[i].differs == NULL);
		if (cases[i].differs)
			assert_string_equal(differs, cases[i].differs);
		else
			assert_null(differs);
		coach_fm_free(b);
	}
	/* Typed plain scalars against quoted ones. */
	const char *typed[] = { "yes", "~", "0o17", "0b101", "1_000", "1:30",
		"-.inf", ".NaN", "2026-01-02", "2026-1-2 10:00:00Z", "<<" };
	for (size_t i = 0; i < sizeof(typed) / sizeof(*typed); i++) {
		char *plain = coach_xasprintf("k: %s\n", typed[i]);
		char *quoted = coach_xasprintf("k: '%s'\n", typed[i]);
		struct coach_fm *x = NULL, *y = parse_ok(quoted);
		struct coach_error *err = coach_fm_parse(&x, "t.md", plain,
		    strlen(plain), 2);
		if (err == NULL)
			assert_int_equal(coach_fm_equal(x, y, NULL), 0);
		coach_error_free(err);
		coach_fm_free(x);
		coach_fm_free(y);
		free(plain);
		free(quoted);
	}
	coach_fm_free(a);
}

/* ---- plain front-matter against libyaml -------------------------------- */

/* The plain reader gives what libyaml gives for text; counts the texts
 * it read in *plain. */
static void
same_both_ways(const char *text, size_t len, size_t *plain)
{
	struct coach_buf why = COACH_BUF_INIT;
	int r = coach_fm_plain_check(text, len, &why);
	if (r < 0) {
		print_error("input:\n%.*s\n%s", (int)len, text, why.ptr);
		fail();
	}
	*plain += r == 1;
	coach_buf_free(&why);
}

/* The front-matter of a record file (between its "---" lines), or the
 * whole of any other file; both when they differ. */
static void
same_for_file(const char *data, size_t len, size_t *plain)
{
	same_both_ways(data, len, plain);
	if (len < 4 || memcmp(data, "---\n", 4) != 0)
		return;
	const char *end = strstr(data + 4, "\n---\n");
	if (end)
		same_both_ways(data + 4, (size_t)(end + 1 - (data + 4)), plain);
}

/* Every file under dir (records, coach.yml, fuzz seeds). */
static void
same_for_tree(const char *dir, size_t *files, size_t *plain)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *path = coach_xasprintf("%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			same_for_tree(path, files, plain);
		} else if (S_ISREG(st.st_mode)) {
			struct coach_buf b = COACH_BUF_INIT;
			struct coach_error *err = coach_read_file(&b, path,
			    1 << 20);
			assert_null(err);
			same_for_file(b.ptr ? b.ptr : "", b.len, plain);
			coach_buf_free(&b);
			(*files)++;
		}
		free(path);
	}
	closedir(d);
}

/* The fuzz seeds (hostile and odd files), and the tree named by
 * COACH_FM_CORPUS when set (a generated school, say). */
static void
test_plain_same_on_corpora(void **state)
{
	(void)state;
	size_t files = 0, plain = 0;
	same_for_tree(COACH_TEST_SOURCE_ROOT "/tests/fuzz/corpus", &files,
	    &plain);
	assert_true(files >= 20);
	const char *extra = getenv("COACH_FM_CORPUS");
	if (extra && *extra) {
		size_t before = files;
		same_for_tree(extra, &files, &plain);
		fprintf(stderr, "# %zu files of %s, %zu texts read plain\n",
		    files - before, extra, plain);
	}
}

static uint64_t fuzz_seed = 0x9e3779b97f4a7c15u;

static size_t
fuzz_pick(size_t n)
{
	fuzz_seed ^= fuzz_seed << 13;
	fuzz_seed ^= fuzz_seed >> 7;
	fuzz_seed ^= fuzz_seed << 17;
	return (size_t)(fuzz_seed % n);
}

/* One random change to b: a byte or a piece of YAML inserted, replaced
 * or removed, or a line repeated. */
static void
mutate(struct coach_buf *b)
{
	static const char bytes[] = " :#-'\"[]{},&*!|>%@`?~\\\t\n\r.=<_aZ09";
	static const char *const pieces[] = { ": ", "- ", " #", "\n  ", "\n",
		"[a, b]", "{a: 1}", "&a ", "*a", "!!str ", "~", "null", "<<",
		"=", "\t", "\xc3\xa9", "---\n", "...\n", "? ", "|\n  x\n",
		">-\n  y\n", "%YAML 1.1\n", "'q'", "\"d\"", "x: y\n", "id: e1\n",
		"\xef\xbb\xbf", "k:\n", "\n\n", "a:b", "  ", "\xe2\x80\xa8",
		"k: -1\n", "k: .5\n", "k: 1:2\n", "K-_9: v\n", "\r\n",
		"  - {a: 1}\n", "  - x\n", "'%'", "{a: 'b', c: d}", ", " };
	size_t at = b->len ? fuzz_pick(b->len + 1) : 0;
	struct coach_buf out = COACH_BUF_INIT;
	coach_buf_add(&out, b->ptr, at);
	switch (fuzz_pick(5)) {
	case 0:
		coach_buf_putc(&out, bytes[fuzz_pick(sizeof(bytes) - 1)]);
		break;
	case 1:
		coach_buf_puts(&out, pieces[fuzz_pick(sizeof(pieces) /
		    sizeof(*pieces))]);
		break;
	case 2: /* replace a byte */
		coach_buf_putc(&out, bytes[fuzz_pick(sizeof(bytes) - 1)]);
		at += at < b->len;
		break;
	case 3: /* remove a byte */
		at += at < b->len;
		break;
	default: { /* repeat the line at 'at' */
		size_t s = at, e = at;
		while (s > 0 && b->ptr[s - 1] != '\n')
			s--;
		while (e < b->len && b->ptr[e] != '\n')
			e++;
		coach_buf_add(&out, b->ptr + s, e - s);
		coach_buf_putc(&out, '\n');
		break;
	}
	}
	coach_buf_add(&out, b->ptr + at, b->len - at);
	coach_buf_free(b);
	*b = out;
}

/* Front-matter as coach writes it, changed at random a few times each:
 * most changes leave it plain or only just not. */
static void
test_plain_same_fuzzed(void **state)
{
	(void)state;
	static const char *const seeds[] = {
		"id: e19049a\ndate: 2026-01-09\nkind: evidence\nauthor: t0143\n"
		    "cycle: cae5d29\n",
		"id: g1\ntitle: The began right, the the.\nstatus: active\n"
		    "opened: 2025-10-13\nstrategies: [a, b]\nmeasurements:\n"
		    "  - {date: 2025-10-20, value: 56}\n",
		"coachee: t1567\ncoach: [t0156]\nstarted: 2025-09-07\n"
		    "cadence: every 3 weeks\nstatus: active\n",
		"handle: t0001\nname: Ann O'Neil\nemail: ann@school.example\n"
		    "subjects:\n- maths\n- art\nphase: secondary\n",
		"a: 1\nb: true\nc: ~\nd: 2.5e3\ne: yes\nf: x y  z\n",
		"id: g2\nmeasure: {name: pupils on task, unit: '%', "
		    "baseline: 24, target: 65}\nmeasurements:\n"
		    "  - {date: 2025-10-20, value: 56}\n  - x\nnext: 1\n",
	};
	size_t rounds = getenv("COACH_TEST_SANITIZED") ? 3000 : 20000;
	size_t plain = 0;
	for (size_t i = 0; i < rounds; i++) {
		struct coach_buf b = COACH_BUF_INIT;
		coach_buf_puts(&b, seeds[fuzz_pick(sizeof(seeds) /
		    sizeof(*seeds))]);
		for (size_t k = 1 + fuzz_pick(3); k > 0; k--)
			mutate(&b);
		same_both_ways(b.ptr, b.len, &plain);
		coach_buf_free(&b);
	}
	/* Both sides of the line were tried. */
	assert_true(plain > rounds / 10);
	assert_true(plain < rounds - rounds / 10);
}

/* What the plain reader takes, and what it leaves to libyaml. */
static void
test_plain_takes_only_plain(void **state)
{
	(void)state;
	static const char *const taken[] = {
		"id: e1\ndate: 2026-01-09\nkind: note\n",
		"title: It's a test, with commas. And \"quotes\" inside\n",
		"a: ~\nb: null\nc: yes\nd: 1.5\n",
		"dup: 1\ndup: 2\n",  /* the same error, from the same code */
		"k: <<\n",
		"a: [1]\ncoach: [t0156, t0253]\nb: [c d, e.f, ~]\n",
		"a: {b: 1}\n", "a: {b: 1, b: 2}\n", "a: {b: 'q', c: ~}\n",
		"measure: {name: pupils on task, unit: '%', baseline: 24, "
		    "target: 65}\nmeasurements:\n  - {date: 2025-10-20, "
		    "value: 56}\n  - {date: 2025-10-27, value: 66}\nb: c\n",
		"a:\n  - x\n  - {b: 'c # d'}\n  - y z\n",
	};
	static const char *const left[] = {
		"", "# c\na: 1\n", "a: 1\n\nb: 2\n", "a: 'q'\n", "a: \"q\"\n",
		"a: {b: c:d}\n", "a: {b: ''}\n", "a: {b: 'c''d'}\n",
		"a: {b:c}\n", "a: {'b': 1}\n", "a: {b: 'c}\n", "a: {b}\n",
		"a: {b: {c: 1}}\n", "a: {b: 1,c: 2}\n", "a: {}\n",
		"a: {b: caf\xc3\xa9}\n", "a: {b: 'c'd}\n", "a:\n- x\n",
		"a:\n   - x\n", "a:\n  -x\n", "a:\nb: 1\n", "  - x\n",
		"a: 1\n  - x\n", "a: [b]\n  - x\n", "a:\n  - x\n\n  - y\n",
		"a:\n  - x\n    y\n", "a:\n  - x\n  b: 1\n",
		"a:\n  - 'q'\n", "a:\n  - [b]\n", "a:\n  - \n",
		"a:\n  - {b: 1, c: [d]}\n", "a: []\n", "a: [b,c]\n", "a: [b ,c]\n",
		"a: [ b]\n", "a: [b, [c]]\n", "a: [b]x\n", "a: [b, ]\n",
		"a: [b:c]\n", "a: [b, 'd']\n", "a: [b,\n  c]\n", "a: [-b]\n", "a:\n- 1\n", "a:\n  b: 1\n",
		"a: b # c\n", "a: b:c\n", "a: -1\n", "a:  b\n", "a: b \n",
		"a: \tb\n", "a\t: b\n", " a: b\n", "a: caf\xc3\xa9\n",
		"a: &x b\n", "a: *x\n", "a: !t b\n", "a: |\n  b\n", "a: >\n  b\n",
		"a: b\n  c\n", "? a\n: b\n", "---\na: b\n", "a: b\n...\n",
		"%YAML 1.1\n---\na: b\n", "1a: b\n", "a b: c\n", "a:\n",
		"a: @b\n", "a: `b\n", "a: %b\n",
	};
	for (size_t i = 0; i < sizeof(taken) / sizeof(*taken); i++) {
		int r = coach_fm_plain_check(taken[i], strlen(taken[i]), NULL);
		if (r != 1)
			print_error("not taken alike: %s\n", taken[i]);
		assert_int_equal(r, 1);
	}
	for (size_t i = 0; i < sizeof(left) / sizeof(*left); i++) {
		int r = coach_fm_plain_check(left[i], strlen(left[i]), NULL);
		if (r != 0)
			print_error("taken: %s\n", left[i]);
		assert_int_equal(r, 0);
	}
}

/* The value of key k in test_arena_sizes(): its length varies from none
 * (a null) to hundreds of bytes. */
static void
arena_value(struct coach_buf *b, int k)
{
	size_t len = (size_t)(k * 37 % 300);
	coach_buf_clear(b);
	coach_buf_printf(b, "v%d", k);
	for (size_t i = 0; i < len; i++)
		coach_buf_putc(b, (char)('a' + (k + i) % 26));
}

/* Checks that the list at key holds items prefix0, prefix1, ... n. */
static void
assert_list(const struct coach_fm *fm, const char *key, const char *prefix,
    size_t n)
{
	const struct coach_fm_node *l = coach_fm_get(fm, key);
	assert_non_null(l);
	assert_int_equal(coach_fm_node_type(l), COACH_FM_SEQ);
	assert_int_equal(coach_fm_node_len(l), n);
	for (size_t i = 0; i < n; i++) {
		char want[32];
		snprintf(want, sizeof(want), "%s%zu", prefix, i);
		assert_string_equal(coach_fm_node_str(coach_fm_node_item(l, i)),
		    want);
	}
}

/*
 * A document is parsed into an arena of blocks: documents far larger
 * than the first block (hundreds of keys, long and huge values, long
 * lists, a large flow mapping), read by the plain reader and by libyaml,
 * read back value by value as the test wrote them; then parsed lists
 * grow (their arrays move out of the arena), keys come and go, and the
 * document renders to text that reads back the same.
 */
static void
test_arena_sizes(void **state)
{
	(void)state;
	for (int round = 0; round < 2; round++) {
		struct coach_buf t = COACH_BUF_INIT, v = COACH_BUF_INIT;
		enum { FLOW = 100, BLOCK = 64, MAP = 40 };
		/* The plain reader takes up to 64 lines. */
		int keys = round == 0 ? 60 : 150;
		for (int k = 0; k < keys; k++) {
			arena_value(&v, k);
			coach_buf_printf(&t, "k%03d: %s\n", k, v.ptr);
		}
		coach_buf_puts(&t, "big: ");
		for (size_t i = 0; i < 20000; i++)
			coach_buf_putc(&t, (char)('a' + i % 26));
		coach_buf_puts(&t, "\nflow: [");
		for (size_t i = 0; i < FLOW; i++)
			coach_buf_printf(&t, "%sf%zu", i ? ", " : "", i);
		coach_buf_puts(&t, "]\n");
		if (round == 1) {
			/* Not plain: libyaml reads it all. */
			coach_buf_puts(&t, "block:\n");
			for (size_t i = 0; i < BLOCK; i++)
				coach_buf_printf(&t, "  - b%zu\n", i);
			coach_buf_puts(&t, "map: {");
			for (size_t i = 0; i < MAP; i++)
				coach_buf_printf(&t, "%sm%zu: %zu", i ? ", " : "",
				    i, i * 3);
			coach_buf_puts(&t, "}\n");
		}
		assert_int_equal(coach_fm_plain_check(t.ptr, t.len, NULL),
		    round == 0 ? 1 : 0);
		struct coach_fm *fm = parse_ok(t.ptr);
		assert_int_equal(coach_fm_count(fm),
		    (size_t)keys + 2 + 2 * (size_t)round);
		for (int k = 0; k < keys; k++) {
			char key[16];
			snprintf(key, sizeof(key), "k%03d", k);
			arena_value(&v, k);
			assert_string_equal(coach_fm_key_at(fm, (size_t)k), key);
			assert_string_equal(coach_fm_str(fm, key), v.ptr);
			assert_int_equal(coach_fm_key_line(fm, key), k + 2);
		}
		const char *big = coach_fm_str(fm, "big");
		assert_non_null(big);
		assert_int_equal(strlen(big), 20000);
		assert_int_equal(big[19999], 'a' + 19999 % 26);
		assert_list(fm, "flow", "f", FLOW);
		if (round == 1) {
			assert_list(fm, "block", "b", BLOCK);
			const struct coach_fm_node *m = coach_fm_get(fm, "map");
			assert_int_equal(coach_fm_node_len(m), MAP);
			for (size_t i = 0; i < MAP; i++) {
				char key[16], want[16];
				snprintf(key, sizeof(key), "m%zu", i);
				snprintf(want, sizeof(want), "%zu", i * 3);
				assert_string_equal(coach_fm_node_key(m, i), key);
				assert_string_equal(coach_fm_node_str(
				    coach_fm_node_lookup(m, key)), want);
			}
			/* A parsed block list grows line by line, out of
			 * the arena once its room there is used. */
			for (size_t i = BLOCK; i < BLOCK + 40; i++) {
				char item[16];
				snprintf(item, sizeof(item), "b%zu", i);
				assert_null(coach_fm_append(fm, "block",
				    coach_fmv_str(item)));
				assert_list(fm, "block", "b", i + 1);
			}
		}
		/* A copy of a parsed list outlives its document. */
		struct coach_fmv *copy = coach_fmv_from_node(coach_fm_get(fm,
		    "flow"));
		assert_null(coach_fm_append(fm, "flow", coach_fmv_str("f100")));
		assert_list(fm, "flow", "f", FLOW + 1);
		/* Keys set and removed after parsing. */
		for (int k = 0; k < 60; k++) {
			char key[16];
			snprintf(key, sizeof(key), "new%d", k);
			coach_fm_set(fm, key, coach_fmv_str(key));
			if (k % 2)
				coach_fm_remove(fm, key);
		}
		coach_fm_remove(fm, "k000");
		coach_fm_set(fm, "k001", coach_fmv_str("changed"));
		char *out = render(fm);
		struct coach_fm *again = parse_ok(out);
		assert_true(coach_fm_equal(fm, again, NULL));
		assert_string_equal(coach_fm_str(again, "new58"), "new58");
		assert_null(coach_fm_get(again, "new59"));
		assert_string_equal(coach_fm_str(again, "k001"), "changed");
		coach_fm_free(again);
		free(out);
		coach_fm_free(fm);
		struct coach_fm *other = coach_fm_new();
		coach_fm_set(other, "flow", copy);
		assert_list(other, "flow", "f", FLOW);
		coach_fm_free(other);
		coach_buf_free(&t);
		coach_buf_free(&v);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_variants),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_empty_document),
		cmocka_unit_test(test_set_changes_one_line),
		cmocka_unit_test(test_set_multiline_keys),
		cmocka_unit_test(test_set_new_keys_in_order),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_comment_ownership),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_append_indentation),
		cmocka_unit_test(test_not_line_editable),
		cmocka_unit_test(test_fmv_from_node),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_deep_nesting_is_fast),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_typing),
		cmocka_unit_test(test_emit_scalar_quoting),
		cmocka_unit_test(test_emit_blocks),
		cmocka_unit_test(test_emit_plain_and_numbers),
		cmocka_unit_test(test_emit_reads_back),
		cmocka_unit_test(test_emit_keys),
		cmocka_unit_test(test_pyyaml_reads_edits),
		cmocka_unit_test(test_empty_items),
		cmocka_unit_test(test_blank_lines_after_change),
		cmocka_unit_test(test_doc_start_and_null),
		cmocka_unit_test(test_remove_next_to_keep_block),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_plain_takes_only_plain),
		cmocka_unit_test(test_arena_sizes),
		cmocka_unit_test(test_plain_same_on_corpora),
		cmocka_unit_test(test_plain_same_fuzzed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
