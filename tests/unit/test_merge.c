/*
 * Tests of lib/merge.c: records merged three ways key by key, bodies line by
 * line, sealed bodies kept whole, deletions, additions, id collisions and
 * inputs that do not parse.  Results are read back with the record parser
 * and compared key by key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diff3.h"
#include "merge.h"
#include "record.h"

#define GOAL "coaching/bob/goals/g3f9a1c0d2e4b.md"

struct merged {
	struct coach_merge_result r;
	struct coach_record *rec; /* NULL when the text does not parse */
};

static void
merge(struct merged *m, const char *path, const char *base,
	const char *ours, const char *theirs)
{
	struct coach_error *err = coach_merge_record(path, base,
	    base ? strlen(base) : 0, ours, ours ? strlen(ours) : 0, theirs,
	    theirs ? strlen(theirs) : 0, &m->r);
	assert_null(err);
	m->rec = NULL;
	if (m->r.text && strstr(path, ".md")) {
		err = coach_record_parse(&m->rec, path, m->r.text, m->r.len);
		coach_error_free(err);
	}
}

static void
merged_free(struct merged *m)
{
	coach_merge_result_free(&m->r);
	coach_record_free(m->rec);
}

static const char *
str(struct merged *m, const char *key)
{
	assert_non_null(m->rec);
	return coach_record_str(m->rec, key);
}

/* The i-th conflicts item's field, or NULL. */
static const char *
conflict(struct merged *m, size_t i, const char *field)
{
	assert_non_null(m->rec);
	const struct coach_fm_node *c = coach_fm_get(
	    coach_record_fm_const(m->rec), "conflicts");
	if (c == NULL || i >= coach_fm_node_len(c))
		return NULL;
	const struct coach_fm_node *v = coach_fm_node_lookup(
	    coach_fm_node_item(c, i), field);
	return v ? coach_fm_node_str(v) : NULL;
}

static size_t
nconflicts(struct merged *m)
{
	const struct coach_fm_node *c = coach_fm_get(
	    coach_record_fm_const(m->rec), "conflicts");
	return c ? coach_fm_node_len(c) : 0;
}

#define HEAD "---\nid: g3f9a1c0d2e4b\ntitle: More pupils answer\n"

static void
test_one_side_each(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, HEAD "status: active\ndue: 2026-07-01\n---\nText\n",
	    HEAD "status: achieved\ndue: 2026-07-01\n---\nText\n",
	    HEAD "status: active\ndue: 2026-08-01\n---\nText\n");
	assert_string_equal(m.r.text,
	    HEAD "status: achieved\ndue: 2026-08-01\n---\nText\n");
	assert_int_equal(m.r.conflicts, 0);
	merged_free(&m);
}

static void
test_same_change_both(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, HEAD "status: active\n---\n",
	    HEAD "status: achieved\n# ours\n---\n",
	    HEAD "status: achieved\n---\n");
	assert_int_equal(m.r.conflicts, 0);
	assert_string_equal(str(&m, "status"), "achieved");
	assert_non_null(strstr(m.r.text, "# ours"));
	merged_free(&m);
}

static void
test_same_key_differently(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, HEAD "status: active\n---\n",
	    HEAD "status: achieved\n---\n", HEAD "status: paused\n---\n");
	assert_int_equal(m.r.conflicts, 1);
	assert_string_equal(str(&m, "status"), "achieved");
	assert_string_equal(conflict(&m, 0, "key"), "status");
	assert_string_equal(conflict(&m, 0, "from"), "theirs");
	assert_string_equal(conflict(&m, 0, "value"), "paused");
	assert_int_equal(m.r.nnotes, 1);
	assert_non_null(strstr(m.r.notes[0], GOAL));
	assert_non_null(strstr(m.r.notes[0], "status"));
	merged_free(&m);
}

static void
test_comments_kept(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, HEAD "# why\nstatus: active\ndue: 2026-07-01 # soon\n"
	    "---\n", HEAD "# why\nstatus: active\ndue: 2026-07-01 # soon\n"
	    "extra: 1 # ours\n---\n", HEAD "status: paused\n"
	    "due: 2026-07-01\n---\n");
	/* Comments are ours' (the one above status stays with it). */
	assert_string_equal(m.r.text, HEAD "# why\nstatus: paused\n"
	    "due: 2026-07-01 # soon\nextra: 1 # ours\n---\n");
	merged_free(&m);
}

#define MS(x) HEAD "measurements:\n" x "---\n"

static void
test_measurements_as_set(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, MS("- {date: 2026-01-10, value: 3}\n"),
	    MS("- {date: 2026-01-10, value: 3}\n- date: 2026-03-01\n"
	    "  value: 7\n"),
	    MS("- {date: 2026-01-10, value: 3}\n- {date: 2026-02-01, value: 5}\n"
	    "- {date: 2026-03-01, value: 7}\n"));
	assert_int_equal(m.r.conflicts, 0);
	const struct coach_fm_node *l = coach_fm_get(
	    coach_record_fm_const(m.rec), "measurements");
	assert_int_equal(coach_fm_node_len(l), 3);
	const char *want[] = { "2026-01-10", "2026-02-01", "2026-03-01" };
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(coach_fm_node_str(coach_fm_node_lookup(
		    coach_fm_node_item(l, i), "date")), want[i]);
	merged_free(&m);
}

static void
test_measurement_appended_keeps_lines(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, MS("- {date: 2026-01-10, value: 3} # first\n"),
	    MS("- {date: 2026-01-10, value: 3} # first\n"
	    "- {date: 2026-02-10, value: 4}\n"),
	    MS("- {date: 2026-01-10, value: 3}\n- {date: 2026-03-10, value: 6}\n"));
	assert_int_equal(m.r.conflicts, 0);
	assert_non_null(strstr(m.r.text, "- {date: 2026-01-10, value: 3} # first\n"
	    "- {date: 2026-02-10, value: 4}\n"));
	assert_non_null(strstr(m.r.text, "2026-03-10"));
	merged_free(&m);
}

static void
test_list_removal_and_addition(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, HEAD "strategies: [a, b, c]\n---\n",
	    HEAD "strategies: [a, c, d]\n---\n",
	    HEAD "strategies: [a, b, c, e]\n---\n");
	assert_int_equal(m.r.conflicts, 0);
	const struct coach_fm_node *l = coach_fm_get(
	    coach_record_fm_const(m.rec), "strategies");
	const char *want[] = { "a", "c", "d", "e" };
	assert_int_equal(coach_fm_node_len(l), 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(coach_fm_node_str(coach_fm_node_item(l, i)),
		    want[i]);
	merged_free(&m);
}

static void
test_mapping_merged_by_key(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, HEAD "measure: {name: hands, baseline: 3, target: 8}\n---\n",
	    HEAD "measure: {name: hands, baseline: 3, target: 9}\n---\n",
	    HEAD "measure: {name: hands, baseline: 3, target: 8, unit: pupils}\n"
	    "---\n");
	assert_int_equal(m.r.conflicts, 0);
	const struct coach_fm_node *ms = coach_fm_get(
	    coach_record_fm_const(m.rec), "measure");
	assert_string_equal(coach_fm_node_str(coach_fm_node_lookup(ms,
	    "target")), "9");
	assert_string_equal(coach_fm_node_str(coach_fm_node_lookup(ms,
	    "unit")), "pupils");
	merged_free(&m);
	/* The same sub-key changed differently: a conflict for measure. */
	merge(&m, GOAL, HEAD "measure: {target: 8}\n---\n",
	    HEAD "measure: {target: 9}\n---\n",
	    HEAD "measure: {target: 10}\n---\n");
	assert_int_equal(m.r.conflicts, 1);
	assert_string_equal(conflict(&m, 0, "key"), "measure");
	merged_free(&m);
}

static void
test_key_removed_one_side(void **state)
{
	(void)state;
	struct merged m;
	/* Removed on one side, unchanged on the other: removed. */
	merge(&m, GOAL, HEAD "due: 2026-07-01\nstatus: active\n---\n",
	    HEAD "status: active\n---\n",
	    HEAD "due: 2026-07-01\nstatus: paused\n---\n");
	assert_null(str(&m, "due"));
	assert_string_equal(str(&m, "status"), "paused");
	assert_int_equal(m.r.conflicts, 0);
	merged_free(&m);
	/* Removed on ours, changed on theirs: theirs kept, reported. */
	merge(&m, GOAL, HEAD "due: 2026-07-01\n---\n", HEAD "---\n",
	    HEAD "due: 2026-09-01\n---\n");
	assert_string_equal(str(&m, "due"), "2026-09-01");
	assert_int_equal(m.r.conflicts, 1);
	assert_string_equal(conflict(&m, 0, "key"), "due");
	assert_string_equal(conflict(&m, 0, "from"), "ours");
	assert_string_equal(conflict(&m, 0, "removed"), "true");
	merged_free(&m);
	/* Changed on ours, removed on theirs: ours kept, reported. */
	merge(&m, GOAL, HEAD "due: 2026-07-01\n---\n",
	    HEAD "due: 2026-09-01\n---\n", HEAD "---\n");
	assert_string_equal(str(&m, "due"), "2026-09-01");
	assert_string_equal(conflict(&m, 0, "from"), "theirs");
	assert_string_equal(conflict(&m, 0, "removed"), "true");
	merged_free(&m);
}

static void
test_body_merge(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, HEAD "---\none\ntwo\nthree\nfour\nfive\n",
	    HEAD "---\nONE\ntwo\nthree\nfour\nfive\n",
	    HEAD "---\none\ntwo\nthree\nfour\nFIVE\n");
	assert_int_equal(m.r.conflicts, 0);
	assert_string_equal(coach_record_body(m.rec),
	    "ONE\ntwo\nthree\nfour\nFIVE\n");
	merged_free(&m);
}

static void
test_body_conflict(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, HEAD "status: active\n---\nwe met\n",
	    HEAD "status: active\n---\nwe met on monday\n",
	    HEAD "status: active\n---\nwe met on tuesday\n");
	assert_int_equal(m.r.conflicts, 1);
	assert_string_equal(coach_record_body(m.rec),
	    "<<<<<<< ours\nwe met on monday\n=======\nwe met on tuesday\n"
	    ">>>>>>> theirs\n");
	assert_string_equal(conflict(&m, 0, "key"), "body");
	assert_string_equal(conflict(&m, 0, "markers"), "true");
	/* The markers are in the body only: the front-matter parses. */
	assert_string_equal(str(&m, "status"), "active");
	merged_free(&m);
}

#define ARMOUR(x) COACH_MERGE_SEALED_BEGIN "\n" x "\n" \
	"-----END COACH SEALED ENTRY-----\n"

static void
test_sealed_body(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, HEAD "---\n" ARMOUR("AAAA\nBBBB\nCCCC"),
	    HEAD "---\n" ARMOUR("AAAA\nBBBX\nCCCC"),
	    HEAD "---\n" ARMOUR("AAAA\nBBBB\nCCCY"));
	assert_int_equal(m.r.conflicts, 1);
	assert_string_equal(coach_record_body(m.rec),
	    ARMOUR("AAAA\nBBBX\nCCCC"));
	assert_string_equal(conflict(&m, 0, "key"), "body");
	assert_string_equal(conflict(&m, 0, "value"),
	    ARMOUR("AAAA\nBBBB\nCCCY"));
	merged_free(&m);
	/* One side changed it: that side's armour, whole. */
	merge(&m, GOAL, HEAD "---\n" ARMOUR("AAAA"), HEAD "---\n" ARMOUR("AAAA"),
	    HEAD "---\n" ARMOUR("BBBB"));
	assert_int_equal(m.r.conflicts, 0);
	assert_string_equal(coach_record_body(m.rec), ARMOUR("BBBB"));
	merged_free(&m);
}

static void
test_deleted_and_changed(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, HEAD "status: active\n---\n", NULL,
	    HEAD "status: paused\n---\n");
	assert_non_null(m.r.text);
	assert_string_equal(str(&m, "status"), "paused");
	assert_int_equal(m.r.conflicts, 1);
	assert_string_equal(conflict(&m, 0, "key"), "record");
	assert_string_equal(conflict(&m, 0, "from"), "ours");
	assert_string_equal(conflict(&m, 0, "removed"), "true");
	assert_int_equal(m.r.nnotes, 1);
	merged_free(&m);
	/* Deleted on one side, unchanged on the other: deleted. */
	merge(&m, GOAL, HEAD "---\n", HEAD "---\n", NULL);
	assert_null(m.r.text);
	assert_int_equal(m.r.conflicts, 0);
	merged_free(&m);
	merge(&m, GOAL, HEAD "---\n", NULL, NULL);
	assert_null(m.r.text);
	merged_free(&m);
}

static void
test_added(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, NULL, NULL, HEAD "---\n");
	assert_string_equal(m.r.text, HEAD "---\n");
	merged_free(&m);
	merge(&m, GOAL, NULL, HEAD "---\nsame\n", HEAD "---\nsame\n");
	assert_string_equal(m.r.text, HEAD "---\nsame\n");
	assert_int_equal(m.r.conflicts, 0);
	merged_free(&m);
}

static void
test_id_collision(void **state)
{
	(void)state;
	struct merged m;
	const char *theirs = HEAD "status: paused\n---\nTheir goal\n";
	merge(&m, GOAL, NULL, HEAD "status: active\n---\nOur goal\n", theirs);
	assert_int_equal(m.r.conflicts, 1);
	assert_string_equal(str(&m, "status"), "active");
	assert_string_equal(coach_record_body(m.rec), "Our goal\n");
	assert_string_equal(conflict(&m, 0, "key"), "record");
	assert_string_equal(conflict(&m, 0, "value"), theirs);
	assert_non_null(strstr(m.r.notes[0], "collision"));
	merged_free(&m);
	/* Staff added on both sides: merged key by key. */
	merge(&m, "staff/ada.md", NULL, "---\nname: Ada\nrole: teacher\n---\n",
	    "---\nname: Ada\nphase: primary\n---\n");
	assert_int_equal(m.r.conflicts, 0);
	assert_string_equal(str(&m, "role"), "teacher");
	assert_string_equal(str(&m, "phase"), "primary");
	merged_free(&m);
}

static void
test_conflicts_list_merges(void **state)
{
	(void)state;
	struct merged m;
	/* Ours resolved the old conflict; theirs added a new one. */
	merge(&m, GOAL, HEAD "due: a\nconflicts:\n"
	    "- {key: due, from: theirs, value: x}\n---\n",
	    HEAD "due: b\n---\n",
	    HEAD "due: a\nconflicts:\n- {key: due, from: theirs, value: x}\n"
	    "- {key: title2, from: theirs, value: u}\n---\n");
	assert_int_equal(m.r.conflicts, 0);
	assert_int_equal(nconflicts(&m), 1);
	assert_string_equal(conflict(&m, 0, "key"), "title2");
	assert_string_equal(str(&m, "due"), "b");
	merged_free(&m);
	/* A second conflict on a record that has one already. */
	merge(&m, GOAL, HEAD "status: active\nconflicts:\n- key: due\n"
	    "  from: theirs\n  value: x\n---\n",
	    HEAD "status: achieved\nconflicts:\n- key: due\n  from: theirs\n"
	    "  value: x\n---\n",
	    HEAD "status: paused\nconflicts:\n- key: due\n  from: theirs\n"
	    "  value: x\n---\n");
	assert_int_equal(m.r.conflicts, 1);
	assert_int_equal(nconflicts(&m), 2);
	assert_string_equal(conflict(&m, 0, "key"), "due");
	assert_string_equal(conflict(&m, 1, "key"), "status");
	/* The old item's lines stay as they were. */
	assert_non_null(strstr(m.r.text, "conflicts:\n- key: due\n  from: "
	    "theirs\n  value: x\n-"));
	merged_free(&m);
	/* Resolved on one side, untouched on the other: gone. */
	merge(&m, GOAL, HEAD "status: a\nconflicts:\n- {key: s, from: theirs, "
	    "value: b}\n---\n", HEAD "status: a\n---\n",
	    HEAD "status: a\nconflicts:\n- {key: s, from: theirs, "
	    "value: b}\n---\n");
	assert_null(coach_fm_get(coach_record_fm_const(m.rec), "conflicts"));
	merged_free(&m);
}

static void
test_crlf_bom(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, "\xef\xbb\xbf---\r\nid: g1\r\nstatus: active\r\n---\r\n"
	    "text\r\n",
	    "\xef\xbb\xbf---\r\nid: g1\r\nstatus: achieved\r\n---\r\ntext\r\n",
	    "---\nid: g1\nstatus: active\n---\ntext\nmore\n");
	assert_int_equal(m.r.conflicts, 0);
	assert_string_equal(m.r.text,
	    "---\nid: g1\nstatus: achieved\n---\ntext\nmore\n");
	merged_free(&m);
}

static void
test_missing_final_newline_and_empty_bodies(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, HEAD "---\n", HEAD "---\nours", HEAD "---\n");
	assert_string_equal(m.r.text, HEAD "---\nours");
	merged_free(&m);
	merge(&m, GOAL, HEAD "---\nline", HEAD "---\nline\nours\n",
	    HEAD "status: x\n---\nline");
	assert_int_equal(m.r.conflicts, 0);
	assert_string_equal(coach_record_body(m.rec), "line\nours\n");
	assert_string_equal(str(&m, "status"), "x");
	merged_free(&m);
	/* Both sides emptied or filled an empty body differently. */
	merge(&m, GOAL, HEAD "---\n", HEAD "---\na\n", HEAD "---\nb\n");
	assert_int_equal(m.r.conflicts, 1);
	assert_string_equal(coach_record_body(m.rec),
	    "<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n");
	merged_free(&m);
}

static void
test_unparseable_side(void **state)
{
	(void)state;
	struct merged m;
	const char *base = HEAD "status: active\n---\nbody\n";
	const char *bad = HEAD "status: [active\n---\nbody\n";
	merge(&m, GOAL, base, bad, HEAD "status: paused\n---\nbody\n");
	assert_true(m.r.conflicts >= 1);
	assert_non_null(strstr(m.r.text, "status: [active"));
	assert_non_null(strstr(m.r.text, "status: paused"));
	assert_true(m.r.nnotes >= 1);
	merged_free(&m);
	/* Unparseable and untouched by the other side: kept as it is. */
	merge(&m, GOAL, base, bad, base);
	assert_string_equal(m.r.text, bad);
	merged_free(&m);
	/* Binary junk, NUL bytes, no front-matter at all: never a crash. */
	struct coach_merge_result r;
	const char junk[] = "\0\xff\xfe---\n\0";
	assert_null(coach_merge_record(GOAL, base, strlen(base), junk,
	    sizeof(junk), "x", 1, &r));
	assert_non_null(r.text);
	assert_true(r.conflicts >= 1);
	coach_merge_result_free(&r);
	/* An unreadable base: merged as if both sides had added it. */
	merge(&m, GOAL, "junk", HEAD "a: 1\n---\n", HEAD "b: 2\n---\n");
	assert_string_equal(str(&m, "a"), "1");
	assert_string_equal(str(&m, "b"), "2");
	merged_free(&m);
}

static void
test_key_order_theirs_added(void **state)
{
	(void)state;
	struct merged m;
	merge(&m, GOAL, HEAD "---\n", HEAD "a: 1\n---\n", HEAD "b: 2\nc: 3\n---\n");
	assert_string_equal(m.r.text, HEAD "a: 1\nb: 2\nc: 3\n---\n");
	merged_free(&m);
}

static void
test_coach_yml(void **state)
{
	(void)state;
	struct coach_merge_result r;
	const char *b = "school: A\nyear_start: 09-01\n";
	const char *o = "school: B\nyear_start: 09-01\n";
	const char *t = "school: A\nyear_start: 09-05\n";
	assert_null(coach_merge_record("coach.yml", b, strlen(b), o, strlen(o),
	    t, strlen(t), &r));
	assert_string_equal(r.text, "school: B\nyear_start: 09-05\n");
	coach_merge_result_free(&r);
}

static void
test_usage(void **state)
{
	(void)state;
	struct coach_merge_result r;
	struct coach_error *err = coach_merge_record(NULL, NULL, 0, NULL, 0,
	    NULL, 0, &r);
	assert_int_equal(coach_error_code(err), COACH_E_USAGE);
	coach_error_free(err);
}

/* ---- diff3 ---------------------------------------------------------- */

static char *
d3(const char *b, const char *o, const char *t, size_t *n)
{
	struct coach_buf out = COACH_BUF_INIT;
	*n = coach_diff3(&out, b, strlen(b), o, strlen(o), t, strlen(t));
	return coach_buf_detach(&out);
}

static void
test_diff3(void **state)
{
	(void)state;
	size_t n;
	char *s = d3("a\nb\nc\nd\ne\n", "a\nB\nc\nd\ne\n", "a\nb\nc\nd\nE\nf\n",
	    &n);
	assert_string_equal(s, "a\nB\nc\nd\nE\nf\n");
	assert_int_equal(n, 0);
	free(s);
	s = d3("a\nb\nc\n", "a\nx\nc\n", "a\ny\nc\n", &n);
	assert_string_equal(s, "a\n<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n"
	    "c\n");
	assert_int_equal(n, 1);
	int line = 0;
	assert_true(coach_diff3_has_markers(s, strlen(s), &line));
	assert_int_equal(line, 2);
	free(s);
	/* No final newline on one side. */
	s = d3("a\n", "a\nb", "c\na\n", &n);
	assert_string_equal(s, "c\na\nb");
	free(s);
	s = d3("", "x", "y", &n);
	assert_string_equal(s, "<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n");
	free(s);
	/* Deletion on one side, insertion elsewhere on the other. */
	s = d3("1\n2\n3\n4\n5\n6\n", "1\n3\n4\n5\n6\n", "1\n2\n3\n4\n5\n5b\n6\n",
	    &n);
	assert_string_equal(s, "1\n3\n4\n5\n5b\n6\n");
	assert_int_equal(n, 0);
	free(s);
	assert_false(coach_diff3_has_markers("a\n=======\n", 10, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_side_each),
		cmocka_unit_test(test_same_change_both),
		cmocka_unit_test(test_same_key_differently),
		cmocka_unit_test(test_comments_kept),
		cmocka_unit_test(test_measurements_as_set),
		cmocka_unit_test(test_measurement_appended_keeps_lines),
		cmocka_unit_test(test_list_removal_and_addition),
		cmocka_unit_test(test_mapping_merged_by_key),
		cmocka_unit_test(test_key_removed_one_side),
		cmocka_unit_test(test_body_merge),
		cmocka_unit_test(test_body_conflict),
		cmocka_unit_test(test_sealed_body),
		cmocka_unit_test(test_deleted_and_changed),
		cmocka_unit_test(test_added),
		cmocka_unit_test(test_id_collision),
		cmocka_unit_test(test_conflicts_list_merges),
		cmocka_unit_test(test_crlf_bom),
		cmocka_unit_test(test_missing_final_newline_and_empty_bodies),
		cmocka_unit_test(test_unparseable_side),
		cmocka_unit_test(test_key_order_theirs_added),
		cmocka_unit_test(test_coach_yml),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_diff3),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
