/*
 * Tests of lib/recdiff.c: two versions of a record compared key by key and
 * described in words; sets of files compared path by path, with records
 * moved to a new path paired by id, layout-only edits, and versions that
 * do not parse reported as problems.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "recdiff.h"

static struct coach_record *
rec(const char *text)
{
	struct coach_record *r = NULL;
	struct coach_error *err = coach_record_parse(&r, "x.md", text,
	    strlen(text));
	if (err) {
		print_error("unexpected error: %s\n", coach_error_msg(err));
		coach_error_free(err);
		fail();
	}
	return r;
}

/* The lines describing old → new, joined with '\n'. */
static char *
describe(enum coach_kind kind, const char *id, const char *old,
	const char *new, const struct coach_recdiff_opts *opts)
{
	struct coach_record *o = old ? rec(old) : NULL;
	struct coach_record *n = new ? rec(new) : NULL;
	struct coach_strlist lines = COACH_STRLIST_INIT;
	struct coach_buf b = COACH_BUF_INIT;
	coach_recdiff_describe(kind, id, "coaching/bob/x.md", o, n, opts,
	    &lines);
	for (size_t i = 0; i < lines.n; i++)
		coach_buf_printf(&b, "%s%s", i ? "\n" : "", lines.v[i]);
	coach_strlist_free(&lines);
	coach_record_free(o);
	coach_record_free(n);
	return coach_buf_detach(&b);
}

#define GOAL_HEAD "---\nid: g3f9a1c0d2e4b\ntitle: More pupils answer\n"

static void
test_goal_status(void **state)
{
	(void)state;
	char *s = describe(COACH_KIND_GOAL, "g3f9a1c0d2e4b",
	    GOAL_HEAD "status: active\n---\n",
	    GOAL_HEAD "status: achieved\nclosed: 2026-03-02\n---\n", NULL);
	assert_string_equal(s, "goal g3f9a1c: status active → achieved\n"
	    "goal g3f9a1c: closed 2026-03-02");
	free(s);
}

static void
test_measurement(void **state)
{
	(void)state;
	const char *base = GOAL_HEAD "status: active\n"
	    "measure: {name: pupils answering, baseline: 10, target: 24}\n"
	    "measurements:\n  - {date: 2026-02-01, value: 14}\n";
	char *old = coach_xasprintf("%s---\n", base);
	char *new = coach_xasprintf("%s  - {date: 2026-03-01, value: 19}\n"
	    "---\n", base);
	char *s = describe(COACH_KIND_GOAL, "g3f9a1c0d2e4b", old, new, NULL);
	/* (19 - 10) / (24 - 10) = 64.3% */
	assert_string_equal(s, "goal g3f9a1c: measurement 14 → 19 (pupils "
	    "answering; 64% of the way to 24) on 2026-03-01");
	free(s);
	free(old);
	free(new);
}

static void
test_first_measurement_from_baseline(void **state)
{
	(void)state;
	char *s = describe(COACH_KIND_GOAL, "g3f9a1c",
	    GOAL_HEAD "measure: {name: n, baseline: 4, target: 8}\n---\n",
	    GOAL_HEAD "measure: {name: n, baseline: 4, target: 8}\n"
	    "measurements: [{date: 2026-03-01, value: 6}]\n---\n", NULL);
	assert_string_equal(s, "goal g3f9a1c: measurement 4 → 6 (n; 50% of "
	    "the way to 8) on 2026-03-01");
	free(s);
}

static void
test_cycle(void **state)
{
	(void)state;
	char *s = describe(COACH_KIND_CYCLE, "c81b0e2aa",
	    "---\nid: c81b0e2aa\nphase: practise\nstep: Wait five seconds\n"
	    "review: 2026-03-01\n---\n",
	    "---\nid: c81b0e2aa\nphase: apply\nstep: Wait eight seconds\n"
	    "review: 2026-03-08\n---\n", NULL);
	assert_string_equal(s, "cycle c81b0e2: practise → apply\n"
	    "cycle c81b0e2: action step reworded: \"Wait five seconds\" → "
	    "\"Wait eight seconds\"\n"
	    "cycle c81b0e2: review moved 2026-03-01 → 2026-03-08");
	free(s);
}

static void
test_lists_and_removed_keys(void **state)
{
	(void)state;
	char *s = describe(COACH_KIND_ENTRY, "e5d2c77",
	    "---\nid: e5d2c77\nkind: note\nevidence: [a.jpg, b.jpg]\n"
	    "hours: 2\n---\nSame\n",
	    "---\nid: e5d2c77\nkind: note\nevidence: [b.jpg, c.jpg]\n"
	    "---\nChanged\n", NULL);
	assert_string_equal(s, "note e5d2c77: evidence added: c.jpg\n"
	    "note e5d2c77: evidence removed: a.jpg\n"
	    "note e5d2c77: hours removed (was 2)\n"
	    "note e5d2c77: text edited");
	free(s);
}

static int
quote_unless_private(void *arg, const char *path,
	const struct coach_record *entry)
{
	(void)arg;
	(void)path;
	const char *p = coach_record_str(entry, "private");
	return !(p && strcmp(p, "true") == 0);
}

static void
test_new_entry(void **state)
{
	(void)state;
	struct coach_recdiff_opts opts = { quote_unless_private, NULL };
	const char *obs = "---\nid: e5d2c77\ndate: 2026-03-02\n"
	    "kind: observation\nevidence: [a.jpg, https://v.example/1]\n"
	    "---\n\n# Questioning\nMore hands up.\n";
	char *s = describe(COACH_KIND_ENTRY, "e5d2c77", NULL, obs, NULL);
	assert_string_equal(s, "new observation e5d2c77 with 2 evidence "
	    "links, dated 2026-03-02");
	free(s);
	s = describe(COACH_KIND_ENTRY, "e5d2c77", NULL, obs, &opts);
	assert_string_equal(s, "new observation e5d2c77 with 2 evidence "
	    "links, dated 2026-03-02: \"Questioning\"\n"
	    "observation e5d2c77: evidence a.jpg, https://v.example/1");
	free(s);
	s = describe(COACH_KIND_ENTRY, "e5d2c77", NULL,
	    "---\nid: e5d2c77\ndate: 2026-03-02\nkind: reflection\n"
	    "private: true\n---\nA secret worry\n", &opts);
	assert_string_equal(s, "new reflection e5d2c77, dated 2026-03-02: "
	    "(private)");
	free(s);
}

static void
add(struct coach_files *f, const char *path, const char *oid,
	const char *data)
{
	coach_files_add(f, path, oid, data, data ? strlen(data) : 0);
}

static void
test_moved_entry(void **state)
{
	(void)state;
	struct coach_files a = COACH_FILES_INIT, b = COACH_FILES_INIT;
	struct coach_recdiffs c = COACH_CHANGES_INIT;
	add(&a, "coaching/bob/log/2026-03-01-e5d2c77.md", "1",
	    "---\nid: e5d2c77\ndate: 2026-03-01\nkind: meeting\n---\n");
	add(&b, "coaching/bob/log/2026-03-02-e5d2c77.md", "2",
	    "---\nid: e5d2c77\ndate: 2026-03-02\nkind: meeting\n---\n");
	coach_recdiffs_between(&a, &b, NULL, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0].what, COACH_CHANGE_MOVED);
	assert_string_equal(c.v[0].old_path,
	    "coaching/bob/log/2026-03-01-e5d2c77.md");
	assert_int_equal(c.v[0].lines.n, 2);
	assert_string_equal(c.v[0].lines.v[0], "meeting e5d2c77: moved from "
	    "2026-03-01-e5d2c77.md to 2026-03-02-e5d2c77.md");
	assert_string_equal(c.v[0].lines.v[1],
	    "meeting e5d2c77: date 2026-03-01 → 2026-03-02");
	coach_recdiffs_free(&c);
	coach_files_free(&a);
	coach_files_free(&b);
}

static void
test_sets(void **state)
{
	(void)state;
	struct coach_files a = COACH_FILES_INIT, b = COACH_FILES_INIT;
	struct coach_recdiffs c = COACH_CHANGES_INIT;
	const char *goal = "---\nid: g1234567\ntitle: T\nstatus: active\n---\n";
	add(&a, "coaching/bob/goals/g1234567.md", "1", goal);
	add(&a, "coaching/bob/cycles/c1234567.md", "2",
	    "---\nid: c1234567\n---\n");
	add(&a, "coaching/bob/evidence/old.jpg", "3", NULL);
	add(&b, "coaching/bob/goals/g1234567.md", "4",
	    "---\nid: g1234567\ntitle: 'T'   # a comment\nstatus: active\n"
	    "---\n");
	add(&b, "coaching/bob/evidence/new.jpg", "5", NULL);
	add(&b, "coaching/bob/log/2026-03-02-e7777777.md", "6",
	    "---\nid: [unclosed\n---\n");
	coach_files_sort(&a);
	coach_files_sort(&b);
	coach_recdiffs_between(&a, &b, NULL, &c);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.v[0].lines.v[0], "goal g123456: layout edited "
	    "(no change in meaning)");
	assert_string_equal(c.v[1].lines.v[0], "cycle c123456 removed");
	assert_int_equal(c.v[2].what, COACH_CHANGE_ADDED);
	assert_string_equal(c.v[2].lines.v[0], "new evidence file new.jpg");
	assert_string_equal(c.v[3].lines.v[0], "evidence file old.jpg removed");
	/* The entry that does not parse is a problem, not a change. */
	assert_int_equal(c.nproblems, 1);
	assert_string_equal(c.problems[0].path,
	    "coaching/bob/log/2026-03-02-e7777777.md");
	assert_non_null(strstr(c.problems[0].message,
	    "coaching/bob/log/2026-03-02-e7777777.md"));
	coach_recdiffs_free(&c);
	coach_files_free(&a);
	coach_files_free(&b);
}

static void
test_unchanged_files_are_skipped(void **state)
{
	(void)state;
	struct coach_files a = COACH_FILES_INIT, b = COACH_FILES_INIT;
	struct coach_recdiffs c = COACH_CHANGES_INIT;
	add(&a, "coaching/bob/agreement.md", "1", "---\ncoach: ada\n---\n");
	add(&b, "coaching/bob/agreement.md", "1", "---\ncoach: ada\n---\n");
	coach_recdiffs_between(&a, &b, NULL, &c);
	assert_int_equal(c.n, 0);
	coach_recdiffs_free(&c);
	coach_files_free(&a);
	coach_files_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_goal_status),
		cmocka_unit_test(test_measurement),
		cmocka_unit_test(test_first_measurement_from_baseline),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_lists_and_removed_keys),
		cmocka_unit_test(test_new_entry),
		cmocka_unit_test(test_moved_entry),
		cmocka_unit_test(test_sets),
		cmocka_unit_test(test_unchanged_files_are_skipped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
