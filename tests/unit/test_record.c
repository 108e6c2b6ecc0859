/*
 * Tests of lib/record.c: splitting records, byte-exact rendering, CRLF and
 * BOM, refusals with file and line, and loading from disk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "record.h"
#include "util.h"

static struct coach_record *
parse_ok(const char *data, size_t len)
{
	struct coach_record *r = NULL;
	struct coach_error *err = coach_record_parse(&r, "coaching/bob/log/x.md",
	    data, len);
	if (err) {
		print_error("unexpected error: %s\n", coach_error_msg(err));
		coach_error_free(err);
		fail();
	}
	return r;
}

static char *
render(const struct coach_record *r)
{
	struct coach_buf b = COACH_BUF_INIT;
	coach_record_render(r, &b);
	return coach_buf_detach(&b);
}

static void
expect_error(const char *data, size_t len, const char *prefix,
    const char *want)
{
	struct coach_record *r = NULL;
	struct coach_error *err = coach_record_parse(&r, "goals/g1.md", data,
	    len);
	if (err == NULL) {
		print_error("no error for: %.60s\n", data);
		coach_record_free(r);
		fail();
	}
	assert_null(r);
	const char *msg = coach_error_msg(err);
	if (strncmp(msg, prefix, strlen(prefix)) != 0 || !strstr(msg, want)) {
		print_error("want '%s...%s', got '%s'\n", prefix, want, msg);
		coach_error_free(err);
		fail();
	}
	coach_error_free(err);
}

static const char entry[] =
    "---\n"
    "# written by coach, then edited by hand\n"
    "id: e5d2c77\n"
    "date: 2026-03-02\n"
    "kind: meeting   # weekly\n"
    "author: alice\n"
    "goal: g3f9a1c\n"
    "evidence: [\"https://video.example/1?a=b#t\", photos/a.jpg]\n"
    "private: false\n"
    "x-unknown: {keep: 'me'}\n"
    "---\n"
    "# Meeting\n"
    "\n"
    "We practised *cold call*.\n"
    "---\n"
    "A thematic break above is part of the body.\n";

static void
test_round_trip(void **state)
{
	(void)state;
	struct coach_record *r = parse_ok(entry, strlen(entry));
	char *out = render(r);
	assert_string_equal(out, entry);
	free(out);
	assert_string_equal(coach_record_path(r), "coaching/bob/log/x.md");
	assert_string_equal(coach_record_str(r, "kind"), "meeting");
	assert_null(coach_record_str(r, "nope"));
	assert_int_equal(coach_fm_key_line(coach_record_fm(r), "id"), 3);
	assert_int_equal(coach_fm_key_line(coach_record_fm_const(r), "x-unknown"),
	    10);
	assert_string_equal(coach_record_body(r), "# Meeting\n\nWe practised "
	    "*cold call*.\n---\nA thematic break above is part of the body.\n");
	assert_int_equal(coach_record_body_line(r), 12);
	coach_record_free(r);
}

static void
test_crlf_bom(void **state)
{
	(void)state;
	/* The same record with a BOM and CRLF line endings. */
	struct coach_buf crlf = COACH_BUF_INIT;
	coach_buf_puts(&crlf, "\xef\xbb\xbf");
	for (const char *p = entry; *p; p++) {
		if (*p == '\n')
			coach_buf_putc(&crlf, '\r');
		coach_buf_putc(&crlf, *p);
	}
	struct coach_record *r = parse_ok(crlf.ptr, crlf.len);
	char *out = render(r);
	assert_string_equal(out, entry);
	free(out);
	assert_string_equal(coach_record_str(r, "author"), "alice");
	assert_int_equal(coach_record_body_line(r), 12);
	/* A change is written with LF, and only that line changes. */
	coach_fm_set(coach_record_fm(r), "author", coach_fmv_str("bob"));
	out = render(r);
	char *want = coach_xstrdup(entry);
	char *at = strstr(want, "author: alice");
	memcpy(at, "author: bob\n", 12);
	memmove(at + 12, at + 14, strlen(at + 14) + 1);
	assert_string_equal(out, want);
	free(want);
	free(out);
	coach_record_free(r);
	coach_buf_free(&crlf);
	/* Mixed endings and a lone CR in the body are kept as they are. */
	const char *mixed = "---\r\na: 1\n---\r\nbody\rstill\r\n";
	r = parse_ok(mixed, strlen(mixed));
	out = render(r);
	assert_string_equal(out, "---\na: 1\n---\nbody\rstill\n");
	free(out);
	coach_record_free(r);
}

static void
test_body_edges(void **state)
{
	(void)state;
	struct {
		const char *in, *body, *out;
		int body_line;
	} cases[] = {
		{ "---\n---\n", "", "---\n---\n", 3 },
		{ "---\n---", "", "---\n---\n", 3 },
		/* The body is read as it will be written. */
		{ "---\na: 1\n---\nno newline", "no newline\n",
		  "---\na: 1\n---\nno newline\n", 4 },
		{ "---\n\n# c\n---\n\n\n", "\n\n", "---\n\n# c\n---\n\n\n", 5 },
		{ "---\na: 1\n---\n---\n", "---\n", "---\na: 1\n---\n---\n", 4 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct coach_record *r = parse_ok(cases[i].in,
		    strlen(cases[i].in));
		assert_string_equal(coach_record_body(r), cases[i].body);
		assert_int_equal(coach_record_body_line(r), cases[i].body_line);
		char *out = render(r);
		assert_string_equal(out, cases[i].out ? cases[i].out :
		    cases[i].in);
		free(out);
		coach_record_free(r);
	}
}

static void
test_new_record(void **state)
{
	(void)state;
	struct coach_record *r = coach_record_new();
	assert_null(coach_record_path(r));
	assert_string_equal(coach_record_body(r), "");
	char *out = render(r);
	assert_string_equal(out, "---\n---\n");
	free(out);
	struct coach_fm *fm = coach_record_fm(r);
	coach_fm_set(fm, "id", coach_fmv_str("g3f9a1c"));
	coach_fm_set(fm, "title", coach_fmv_str("Use: wait time"));
	coach_fm_set(fm, "status", coach_fmv_str("active"));
	coach_fm_set(fm, "opened", coach_fmv_plain("2026-01-12"));
	struct coach_fmv *s = coach_fmv_seq();
	coach_fmv_push(s, coach_fmv_str("wait-time"));
	coach_fm_set(fm, "strategies", s);
	coach_record_set_body(r, "Why this goal.");
	out = render(r);
	assert_string_equal(out,
	    "---\n"
	    "id: g3f9a1c\n"
	    "title: \"Use: wait time\"\n"
	    "status: active\n"
	    "opened: 2026-01-12\n"
	    "strategies:\n"
	    "  - wait-time\n"
	    "---\n"
	    "Why this goal.\n");
	/* What was written parses back to the same. */
	struct coach_record *again = parse_ok(out, strlen(out));
	assert_string_equal(coach_record_str(again, "title"), "Use: wait time");
	assert_string_equal(coach_record_body(again), "Why this goal.\n");
	char *out2 = render(again);
	assert_string_equal(out2, out);
	free(out2);
	coach_record_free(again);
	free(out);
	coach_record_set_body(r, "");
	out = render(r);
	assert_non_null(strstr(out, "  - wait-time\n---\n"));
	assert_int_equal(out[strlen(out) - 1], '\n');
	free(out);
	coach_record_free(r);
}

static void
test_set_body_keeps_front_matter(void **state)
{
	(void)state;
	struct coach_record *r = parse_ok(entry, strlen(entry));
	coach_record_set_body(r, "New body\n");
	char *out = render(r);
	const char *end = strstr(entry + 4, "\n---\n") + 5;
	assert_int_equal(strncmp(out, entry, (size_t)(end - entry)), 0);
	assert_string_equal(out + (end - entry), "New body\n");
	free(out);
	coach_record_free(r);
}

static void
test_refusals(void **state)
{
	(void)state;
	expect_error("", 0, "goals/g1.md:1: ", "does not start with a line "
	    "'---'");
	expect_error("id: x\n", 6, "goals/g1.md:1: ", "does not start");
	expect_error("--- \nid: x\n---\n", 15, "goals/g1.md:1: ",
	    "does not start");
	expect_error("\n---\nid: x\n---\n", 15, "goals/g1.md:1: ",
	    "does not start");
	expect_error("---\nid: x\n", 10, "goals/g1.md:1: ", "no closing '---'");
	expect_error("---\nid: x\n--- \n", 15, "goals/g1.md:1: ",
	    "no closing '---'");
	expect_error("---", 3, "goals/g1.md:1: ", "no closing");
	/* Only a line that is exactly "---" closes; "--- " is YAML's. */
	const char *marker = "---\na: \"---\"\n--- \nb: 1\n---\n";
	expect_error(marker, strlen(marker), "goals/g1.md:3: ",
	    "second YAML document");
	const char *bad = "---\nid: x\n---\nbody \xff here\n";
	expect_error(bad, strlen(bad), "goals/g1.md:4: ", "invalid UTF-8");
	const char nul[] = "---\nid: x\n---\nline\nnul \0 here\n";
	expect_error(nul, sizeof(nul) - 1, "goals/g1.md:5: ", "NUL byte");
	const char *bad_fm = "---\nid: x\ntitle: [a,\n---\n";
	expect_error(bad_fm, strlen(bad_fm), "goals/g1.md:4: ", "");
	const char *dup = "---\nid: x\nmeasure:\n  name: a\n  name: b\n---\n";
	expect_error(dup, strlen(dup), "goals/g1.md:5: ", "duplicate key "
	    "'name' (first on line 4)");
	const char *list = "---\n- a\n---\n";
	expect_error(list, strlen(list), "goals/g1.md:2: ", "a list, not a "
	    "mapping");
	const char *scalar = "---\nhello\n---\n";
	expect_error(scalar, strlen(scalar), "goals/g1.md:2: ", "single value");
	const char *alias = "---\na: &x [1]\nb: *x\n---\n";
	expect_error(alias, strlen(alias), "goals/g1.md:2: ", "anchor");
	const char *tag = "---\na: 1\nb: !!python/object:os.system x\n---\n";
	expect_error(tag, strlen(tag), "goals/g1.md:3: ", "tag");
	/* Lines are counted in the original, CRLF and BOM or not. */
	const char *crlf = "\xef\xbb\xbf---\r\na: 1\r\na: 2\r\n---\r\n";
	expect_error(crlf, strlen(crlf), "goals/g1.md:3: ", "duplicate key");

	/* Too large: the front-matter, and the whole file. */
	size_t n = COACH_FM_MAX_BYTES + 100;
	char *big = coach_xmalloc(n + 20);
	memcpy(big, "---\na: ", 7);
	memset(big + 7, 'x', n);
	memcpy(big + 7 + n, "\n---\n", 6);
	expect_error(big, strlen(big), "goals/g1.md:2: ", "more than the "
	    "65536 allowed");
	free(big);
	n = COACH_RECORD_MAX_BYTES + 1;
	big = coach_xmalloc(n + 1);
	memcpy(big, "---\na: 1\n---\n", 13);
	memset(big + 13, 'x', n - 13);
	big[n] = '\0';
	expect_error(big, n, "goals/g1.md: ", "more than the 1048576 allowed");
	/* Just under the limit is fine. */
	struct coach_record *r = parse_ok(big, n - 1);
	assert_int_equal(strlen(coach_record_body(r)), n - 13);
	coach_record_free(r);
	free(big);
}

static void
test_load(void **state)
{
	(void)state;
	char dir[] = "/tmp/coach-rec-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = coach_path_join(dir, "g.md");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(entry, f);
	assert_int_equal(fclose(f), 0);

	struct coach_record *r = NULL;
	assert_null(coach_record_load(&r, path, "goals/g.md"));
	assert_string_equal(coach_record_path(r), "goals/g.md");
	char *out = render(r);
	assert_string_equal(out, entry);
	free(out);
	coach_record_free(r);
	assert_null(coach_record_load(&r, path, NULL));
	assert_string_equal(coach_record_path(r), path);
	coach_record_free(r);

	/* Errors name the display path. */
	f = fopen(path, "w");
	fputs("---\nid: x\nid: y\n---\n", f);
	fclose(f);
	struct coach_error *err = coach_record_load(&r, path, "goals/g.md");
	assert_non_null(err);
	assert_null(r);
	assert_string_equal(coach_error_msg(err), "goals/g.md:3: duplicate key "
	    "'id' (first on line 2); remove one of them");
	coach_error_free(err);

	char *missing = coach_path_join(dir, "missing.md");
	err = coach_record_load(&r, missing, "goals/missing.md");
	assert_non_null(err);
	assert_non_null(strstr(coach_error_msg(err), "goals/missing.md"));
	assert_null(strstr(coach_error_msg(err), dir));
	coach_error_free(err);
	free(missing);

	err = coach_record_load(&r, dir, "goals");
	assert_non_null(err);
	assert_non_null(strstr(coach_error_msg(err), "goals: not a regular "
	    "file"));
	coach_error_free(err);

	/* A file over the limit is refused without reading it all. */
	f = fopen(path, "w");
	assert_int_equal(ftruncate(fileno(f), COACH_RECORD_MAX_BYTES + 10), 0);
	fclose(f);
	err = coach_record_load(&r, path, "goals/g.md");
	assert_non_null(err);
	assert_non_null(strstr(coach_error_msg(err), "goals/g.md: the file is "));
	coach_error_free(err);

	unlink(path);
	rmdir(dir);
	free(path);
}

/* r rendered, parsed again, renders to the same text and reads back as r. */
static char *
assert_stable(const struct coach_record *r)
{
	char *out = render(r);
	struct coach_error *err = coach_record_verify(r, out, strlen(out));
	if (err) {
		print_error("%s\n%s\n", coach_error_msg(err), out);
		coach_error_free(err);
		fail();
	}
	struct coach_record *again = parse_ok(out, strlen(out));
	assert_string_equal(coach_record_body(again), coach_record_body(r));
	char *out2 = render(again);
	assert_string_equal(out2, out);
	free(out2);
	coach_record_free(again);
	return out;
}

/*
 * The front-matter of record text as PyYAML reads it (split as
 * tests/tools/fm.py does), printed as JSON with sorted keys.
 */
static char *
pyyaml_front_matter(const char *text)
{
	char path[] = "/tmp/coach-record-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	char *cmd = coach_xasprintf("python3 -c '"
	    "import sys, json, yaml\n"
	    "t = open(sys.argv[1], encoding=\"utf-8\").read()\n"
	    "t = t[1:] if t.startswith(\"\\ufeff\") else t\n"
	    "lines = t.replace(\"\\r\\n\", \"\\n\").split(\"\\n\")\n"
	    "end = lines.index(\"---\", 1)\n"
	    "fm = yaml.safe_load(\"\\n\".join(lines[1:end]))\n"
	    "print(json.dumps(fm, sort_keys=True, default=str))\n"
	    "' %s 2>&1", path);
	char *out = fx_capture(NULL, NULL, "%s", cmd);
	unlink(path);
	free(cmd);
	return out;
}

static void
test_bom_before_closing_fence(void **state)
{
	(void)state;
	/* "<BOM>---" is not a fence but a YAML document start. */
	const char *doc = "---\n\xef\xbb\xbf---\nid: g1\nstatus: active\n"
	    "---\nbody\n";
	struct coach_record *r = parse_ok(doc, strlen(doc));
	assert_string_equal(coach_record_str(r, "status"), "active");
	coach_fm_set(coach_record_fm(r), "status", coach_fmv_str("achieved"));
	coach_fm_set(coach_record_fm(r), "closed",
	    coach_fmv_plain("2026-03-01"));
	char *out = assert_stable(r);
	assert_string_equal(out, "---\n\xef\xbb\xbf---\nid: g1\n"
	    "status: achieved\nclosed: 2026-03-01\n---\nbody\n");
	struct coach_record *again = parse_ok(out, strlen(out));
	assert_string_equal(coach_record_str(again, "id"), "g1");
	assert_string_equal(coach_record_str(again, "status"), "achieved");
	assert_string_equal(coach_record_body(again), "body\n");
	coach_record_free(again);
	char *py = pyyaml_front_matter(out);
	assert_string_equal(py, "{\"closed\": \"2026-03-01\", \"id\": \"g1\", "
	    "\"status\": \"achieved\"}\n");
	free(py);
	free(out);
	coach_record_free(r);
}

static void
test_line_endings_read_back(void **state)
{
	(void)state;
	/* Bodies as read: each is what a rewrite writes and reads back. */
	struct {
		const char *body, *want;
	} cases[] = {
		{ "a\rb\n", "a\rb\n" },
		{ "a\r\r\nb\r\n", "a\nb\n" },
		{ "a\r\r\r\nb", "a\nb\n" },
		{ "end\r", "end\n" },
		{ "x\r\r", "x\n" },
		{ "\r", "\n" },
		{ "no newline", "no newline\n" },
		{ "\xef\xbb\xbfstarts with a BOM\n", "\xef\xbb\xbfstarts with a "
		  "BOM\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *doc = coach_xasprintf("---\r\na: 1\r\r\n---\r\n%s",
		    cases[i].body);
		struct coach_record *r = parse_ok(doc, strlen(doc));
		assert_string_equal(coach_record_body(r), cases[i].want);
		assert_string_equal(coach_record_str(r, "a"), "1");
		coach_fm_set(coach_record_fm(r), "b", coach_fmv_str("2"));
		free(assert_stable(r));
		coach_record_free(r);
		/* And the same text set as a body. */
		r = coach_record_new();
		coach_record_set_body(r, cases[i].body);
		assert_string_equal(coach_record_body(r), cases[i].want);
		free(assert_stable(r));
		coach_record_free(r);
		free(doc);
	}
	/* Invalid UTF-8 set as a body would make the file unreadable. */
	struct coach_record *r = coach_record_new();
	coach_record_set_body(r, "bad \xff byte");
	assert_string_equal(coach_record_body(r), "bad \xef\xbf\xbd byte\n");
	free(assert_stable(r));
	coach_record_free(r);
}

static void
test_verify(void **state)
{
	(void)state;
	struct coach_record *r = parse_ok(entry, strlen(entry));
	coach_fm_set(coach_record_fm(r), "kind", coach_fmv_str("observation"));
	char *out = render(r);
	assert_null(coach_record_verify(r, out, strlen(out)));
	/* Text that says something else is refused, naming the key. */
	char *at = strstr(out, "author: alice");
	at[8] = 'e';
	struct coach_error *err = coach_record_verify(r, out, strlen(out));
	assert_non_null(err);
	assert_int_equal(coach_error_code(err), COACH_E_INVALID);
	assert_non_null(strstr(coach_error_msg(err), "coaching/bob/log/x.md"));
	assert_non_null(strstr(coach_error_msg(err), "'author'"));
	coach_error_free(err);
	at[8] = 'a';
	/* And so are a changed body and text that does not parse. */
	err = coach_record_verify(r, out, strlen(out) - 2);
	assert_non_null(err);
	assert_non_null(strstr(coach_error_msg(err), "text would not read "
	    "back"));
	coach_error_free(err);
	err = coach_record_verify(r, "---\na: [\n---\n", 13);
	assert_non_null(err);
	assert_int_equal(coach_error_code(err), COACH_E_INVALID);
	coach_error_free(err);
	free(out);
	coach_record_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_crlf_bom),
		cmocka_unit_test(test_body_edges),
		cmocka_unit_test(test_new_record),
		cmocka_unit_test(test_set_body_keeps_front_matter),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_bom_before_closing_fence),
		cmocka_unit_test(test_line_endings_read_back),
		cmocka_unit_test(test_verify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
