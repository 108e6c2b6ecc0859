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
	char *body = coach_xasprintf("<<<<<<< ours\nOur goal\n=======\n%s"
	    ">>>>>>> theirs\n", theirs);
	assert_string_equal(coach_record_body(m.rec), body);
	free(body);
	assert_string_equal(conflict(&m, 0, "key"), "record");
	assert_string_equal(conflict(&m, 0, "markers"), "true");
	assert_null(conflict(&m, 0, "value"));
	assert_non_null(strstr(m.r.notes[0], "collision"));
	/* Once the text is one record again, edit's clearing drops it. */
	struct coach_buf out = COACH_BUF_INIT;
	const char *t = HEAD "status: active\nconflicts:\n- {key: record, "
	    "from: theirs, markers: true}\n---\nOur goal\n";
	assert_int_equal(coach_merge_clear_body(GOAL, t, strlen(t), &out), 1);
	assert_string_equal(out.ptr, HEAD "status: active\n---\nOur goal\n");
	coach_buf_free(&out);
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
test_readable(void **state)
{
	(void)state;
	assert_true(coach_merge_readable(GOAL, HEAD "---\n", strlen(HEAD) + 4));
	assert_false(coach_merge_readable(GOAL, "a: [\n", 5));
	assert_true(coach_merge_readable("coach.yml", "a: 1\n", 5));
	assert_false(coach_merge_readable("coach.yml", "<<<<<<< ours\n"
	    "a: 1\n=======\na: 2\n>>>>>>> theirs\n", 43));
	assert_false(coach_merge_readable("notes.txt", "a", 1));
	assert_false(coach_merge_readable(GOAL, NULL, 0));
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


/* ---- resolving ------------------------------------------------------ */

static struct coach_record *
parsed(const char *text)
{
	struct coach_record *r = NULL;
	struct coach_error *err = coach_record_parse(&r, GOAL, text,
	    strlen(text));
	assert_null(err);
	return r;
}

static char *
rendered(struct coach_record *r)
{
	struct coach_buf b = COACH_BUF_INIT;
	coach_record_render(r, &b);
	return coach_buf_detach(&b);
}

#define CONFLICTED HEAD "status: active\nconflicts:\n" \
	"  - {key: status, from: theirs, value: paused}\n" \
	"  - {key: due, from: ours, removed: true}\n" \
	"  - {key: body, from: theirs, markers: true}\n---\nline\n"

static void
test_resolve(void **state)
{
	(void)state;
	struct coach_record *r = parsed(CONFLICTED);
	assert_null(coach_merge_resolve(r, "status", COACH_RESOLVE_SET,
	    "achieved"));
	char *s = rendered(r);
	assert_string_equal(s, HEAD "status: achieved\nconflicts:\n"
	    "  - key: due\n    from: ours\n    removed: true\n"
	    "  - key: body\n    from: theirs\n    markers: true\n---\nline\n");
	free(s);
	/* --other of a removal removes the key. */
	coach_fm_set(coach_record_fm(r), "due", coach_fmv_plain("2026-07-01"));
	assert_null(coach_merge_resolve(r, "due", COACH_RESOLVE_OTHER, NULL));
	assert_null(coach_record_str(r, "due"));
	/* The body has no markers: keep settles it, and the key goes. */
	assert_null(coach_merge_resolve(r, "body", COACH_RESOLVE_KEEP, NULL));
	assert_null(coach_fm_get(coach_record_fm(r), "conflicts"));
	/* No conflict left for status. */
	struct coach_error *err = coach_merge_resolve(r, "status",
	    COACH_RESOLVE_KEEP, NULL);
	assert_int_equal(coach_error_code(err), COACH_E_NOTFOUND);
	coach_error_free(err);
	coach_record_free(r);
}

static void
test_resolve_refusals(void **state)
{
	(void)state;
	struct coach_record *r = parsed(HEAD "conflicts:\n"
	    "- {key: body, from: theirs, markers: true}\n"
	    "- {key: t, from: theirs, value: a}\n- {key: t, from: theirs, "
	    "value: b}\n---\n<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n");
	char *before = rendered(r);
	struct coach_error *err = coach_merge_resolve(r, "body",
	    COACH_RESOLVE_KEEP, NULL);
	assert_int_equal(coach_error_code(err), COACH_E_CONFLICT);
	assert_non_null(strstr(coach_error_msg(err), GOAL ":9:"));
	coach_error_free(err);
	err = coach_merge_resolve(r, "body", COACH_RESOLVE_SET, "x");
	assert_int_equal(coach_error_code(err), COACH_E_USAGE);
	coach_error_free(err);
	err = coach_merge_resolve(r, "t", COACH_RESOLVE_OTHER, NULL);
	assert_int_equal(coach_error_code(err), COACH_E_CONFLICT);
	coach_error_free(err);
	char *after = rendered(r);
	assert_string_equal(before, after); /* nothing changed */
	free(before);
	free(after);
	/* Values are YAML: a list, a number, text that is not YAML. */
	assert_null(coach_merge_resolve(r, "t", COACH_RESOLVE_SET, "[a, b]"));
	assert_int_equal(coach_fm_node_type(coach_fm_get(coach_record_fm(r),
	    "t")), COACH_FM_SEQ);
	coach_record_free(r);
	r = parsed(HEAD "conflicts: [{key: t, from: theirs, value: 1}]\n---\n");
	assert_null(coach_merge_resolve(r, "t", COACH_RESOLVE_SET, "a: b: c"));
	assert_string_equal(coach_record_str(r, "t"), "a: b: c");
	coach_record_free(r);
}

static void
test_clear_body(void **state)
{
	(void)state;
	struct coach_buf out = COACH_BUF_INIT;
	const char *with = HEAD "conflicts:\n- {key: body, from: theirs, "
	    "markers: true}\n- {key: s, from: theirs, value: x}\n---\n";
	char *t = coach_xasprintf("%s<<<<<<< ours\na\n=======\nb\n"
	    ">>>>>>> theirs\n", with);
	assert_int_equal(coach_merge_clear_body(GOAL, t, strlen(t), &out), 0);
	free(t);
	t = coach_xasprintf("%sa and b\n", with);
	assert_int_equal(coach_merge_clear_body(GOAL, t, strlen(t), &out), 1);
	assert_string_equal(out.ptr, HEAD "conflicts:\n  - key: s\n"
	    "    from: theirs\n    value: x\n---\na and b\n");
	free(t);
	coach_buf_free(&out);
}

/* ---- the property: nothing written on either side is lost ------------ */

#define PKEYS 5
#define PMAX 64

/* One side of the property test: a goal as a few scalar keys, a list of
 * measurements, a list of strategies and the body's lines. */
struct pside {
	int present;
	char keys[PKEYS][16]; /* "" when the key is absent */
	char ms[PMAX][40];
	size_t nms;
	char strat[PMAX][16];
	size_t nstrat;
	char body[PMAX][24];
	size_t nbody;
	int crlf;
};

static uint64_t prng;

static unsigned
rnd(unsigned n)
{
	prng ^= prng << 13;
	prng ^= prng >> 7;
	prng ^= prng << 17;
	return (unsigned)(prng % n);
}

static unsigned token_n;

/* A value nobody else writes: the side's letter and a counter. */
static void
token(char *out, size_t size, char side)
{
	snprintf(out, size, "%c%05u", side, ++token_n);
}

static void
pside_random_base(struct pside *s)
{
	memset(s, 0, sizeof(*s));
	s->present = 1;
	for (int k = 0; k < PKEYS; k++)
		if (rnd(4))
			token(s->keys[k], sizeof(s->keys[k]), 'b');
	for (unsigned i = rnd(4); i > 0; i--)
		snprintf(s->ms[s->nms++], 40, "{date: 2026-%02u-%02u, value: %u}",
		    1 + rnd(12), 1 + rnd(28), 10000 + ++token_n);
	for (unsigned i = rnd(3); i > 0; i--)
		token(s->strat[s->nstrat++], 16, 'b');
	for (unsigned i = rnd(8); i > 0; i--)
		token(s->body[s->nbody++], 24, 'b');
}

static void
remove_at(char *v, size_t width, size_t *n, size_t i)
{
	memmove(v + i * width, v + (i + 1) * width, (*n - i - 1) * width);
	(*n)--;
}

/* One random edit by side c ('o' or 't'). */
static void
pside_edit(struct pside *s, char c)
{
	unsigned k = rnd(PKEYS);
	switch (rnd(8)) {
	case 0:
	case 1:
		token(s->keys[k], sizeof(s->keys[k]), c);
		break;
	case 2:
		s->keys[k][0] = '\0';
		break;
	case 3:
		if (s->nms < PMAX)
			snprintf(s->ms[s->nms++], 40, "{date: 2026-%02u-%02u, "
			    "value: %c%u}", 1 + rnd(12), 1 + rnd(28), c,
			    ++token_n);
		break;
	case 4:
		if (s->nstrat < PMAX)
			token(s->strat[s->nstrat++], 16, c);
		break;
	case 5:
		if (s->nbody > 0)
			token(s->body[rnd((unsigned)s->nbody)], 24, c);
		break;
	case 6:
		if (s->nbody < PMAX) {
			size_t at = rnd((unsigned)s->nbody + 1);
			memmove(s->body[at + 1], s->body[at],
			    (s->nbody - at) * sizeof(s->body[0]));
			s->nbody++;
			token(s->body[at], 24, c);
		}
		break;
	default:
		if (s->nbody > 0)
			remove_at(&s->body[0][0], sizeof(s->body[0]),
			    &s->nbody, rnd((unsigned)s->nbody));
		break;
	}
}

static char *
pside_text(const struct pside *s)
{
	struct coach_buf b = COACH_BUF_INIT;
	const char *nl = s->crlf ? "\r\n" : "\n";
	if (!s->present)
		return NULL;
	coach_buf_printf(&b, "---%sid: g3f9a1c0d2e4b%s", nl, nl);
	for (int k = 0; k < PKEYS; k++)
		if (s->keys[k][0])
			coach_buf_printf(&b, "k%d: %s%s", k, s->keys[k], nl);
	if (s->nms)
		coach_buf_printf(&b, "measurements:%s", nl);
	for (size_t i = 0; i < s->nms; i++)
		coach_buf_printf(&b, "  - %s%s", s->ms[i], nl);
	if (s->nstrat)
		coach_buf_printf(&b, "strategies:%s", nl);
	for (size_t i = 0; i < s->nstrat; i++)
		coach_buf_printf(&b, "  - %s%s", s->strat[i], nl);
	coach_buf_printf(&b, "---%s", nl);
	for (size_t i = 0; i < s->nbody; i++)
		coach_buf_printf(&b, "%s%s", s->body[i], nl);
	return coach_buf_detach(&b);
}

/* Every token side c wrote that its version still has is in the result. */
static void
assert_kept(const char *result, const char *side_text, char c,
    unsigned round)
{
	for (const char *p = side_text; p && (p = strchr(p, c)); p++) {
		if (p[1] < '0' || p[1] > '9' || (p > side_text &&
		    ((p[-1] >= 'a' && p[-1] <= 'z') || p[-1] == '-')))
			continue;
		char tok[16];
		size_t n = strspn(p + 1, "0123456789");
		snprintf(tok, sizeof(tok), "%.*s", (int)(n + 1), p);
		if (result == NULL || strstr(result, tok) == NULL) {
			print_error("round %u: %s written by %c is lost\n"
			    "side:\n%s\nresult:\n%s\n", round, tok, c,
			    side_text, result ? result : "(deleted)");
			fail();
		}
	}
}

static void
property_round(unsigned round)
{
	struct pside b, o, t;
	pside_random_base(&b);
	o = b;
	t = b;
	int no_base = rnd(10) == 0;
	for (unsigned i = rnd(6); i > 0; i--)
		pside_edit(&o, 'o');
	for (unsigned i = rnd(6); i > 0; i--)
		pside_edit(&t, 't');
	if (rnd(12) == 0)
		o.present = 0;
	else if (rnd(12) == 0)
		t.present = 0;
	o.crlf = rnd(8) == 0;
	char *bt = no_base ? NULL : pside_text(&b), *ot = pside_text(&o),
	    *tt = pside_text(&t);
	/* Now and then a side that a hand edit broke: merged as text, and
	 * still nothing is lost. */
	int broken = 0;
	char *victim = rnd(2) ? ot : tt;
	if (rnd(8) == 0 && victim && *victim) {
		static const char junk[] = "[{:\xff\r'\"\t";
		victim[rnd((unsigned)strlen(victim))] =
		    junk[rnd(sizeof(junk) - 1)];
		broken = 1;
	}
	struct coach_merge_result r;
	assert_null(coach_merge_record(GOAL, bt, bt ? strlen(bt) : 0, ot,
	    ot ? strlen(ot) : 0, tt, tt ? strlen(tt) : 0, &r));
	assert_kept(r.text, ot, 'o', round);
	assert_kept(r.text, tt, 't', round);
	if (r.text && !broken) {
		/* Both sides parse, so the result is a record. */
		struct coach_record *rec = NULL;
		struct coach_error *err = coach_record_parse(&rec, GOAL,
		    r.text, r.len);
		if (err)
			print_error("round %u: %s\n%s\n", round,
			    coach_error_msg(err), r.text);
		assert_null(err);
		assert_int_equal(r.conflicts > 0, coach_fm_get(
		    coach_record_fm(rec), "conflicts") != NULL);
		coach_record_free(rec);
	}
	coach_merge_result_free(&r);
	free(bt);
	free(ot);
	free(tt);
}

static void
test_property_nothing_lost(void **state)
{
	(void)state;
	const char *env = getenv("COACH_MERGE_ROUNDS");
	unsigned rounds = env ? (unsigned)atoi(env) :
	    getenv("COACH_TEST_SANITIZED") ? 300 : 1000;
	prng = 0x9e3779b97f4a7c15ull;
	for (unsigned i = 0; i < rounds; i++)
		property_round(i);
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
		cmocka_unit_test(test_readable),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_diff3),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_resolve_refusals),
		cmocka_unit_test(test_clear_body),
		cmocka_unit_test(test_property_nothing_lost),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
