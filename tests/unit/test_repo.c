/*
 * Tests of lib/repo.c's reading of the layout (coach_path_kind): the one
 * place that says what kind of record a path is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "repo.h"

static void
is(const char *path, enum coach_kind want, const char *coachee,
    const char *id)
{
	char *c = NULL, *i = NULL;
	enum coach_kind k = coach_path_kind(path, &c, &i);
	int ok = k == want &&
	    ((coachee == NULL && c == NULL) ||
	    (coachee && c && strcmp(coachee, c) == 0)) &&
	    ((id == NULL && i == NULL) || (id && i && strcmp(id, i) == 0));
	if (!ok) {
		print_error("%s: got %s (%s, %s), want %s (%s, %s)\n", path,
		    coach_kind_name(k), c ? c : "NULL", i ? i : "NULL",
		    coach_kind_name(want), coachee ? coachee : "NULL",
		    id ? id : "NULL");
		free(c);
		free(i);
		fail();
	}
	free(c);
	free(i);
	/* Without the out-parameters, the same kind. */
	assert_int_equal(coach_path_kind(path, NULL, NULL), want);
}

static void
test_records(void **state)
{
	(void)state;
	is("coach.yml", COACH_KIND_CONFIG, NULL, NULL);
	is("staff/ada.md", COACH_KIND_STAFF, NULL, "ada");
	is("priorities/reading.md", COACH_KIND_PRIORITY, NULL, "reading");
	is("framework/cold-call.md", COACH_KIND_FRAMEWORK, NULL, "cold-call");
	is("coaching/bob/agreement.md", COACH_KIND_AGREEMENT, "bob", NULL);
	is("coaching/bob/goals/g111111.md", COACH_KIND_GOAL, "bob", "g111111");
	is("coaching/bob/cycles/c222222.md", COACH_KIND_CYCLE, "bob",
	    "c222222");
	is("coaching/bob/log/2026-11-20-e333333.md", COACH_KIND_ENTRY, "bob",
	    "e333333");
	/* Names that are not ids are still records of their folder: check
	 * says what is wrong with the name. */
	is("coaching/bob/goals/notes.md", COACH_KIND_GOAL, "bob", "notes");
	is("staff/Ada Smith.md", COACH_KIND_STAFF, NULL, "Ada Smith");
}

static void
test_entries(void **state)
{
	(void)state;
	/* No date, or not a date: an entry without an id. */
	is("coaching/bob/log/e333333.md", COACH_KIND_ENTRY, "bob", NULL);
	is("coaching/bob/log/2026-13-20-e333333.md", COACH_KIND_ENTRY, "bob",
	    NULL);
	is("coaching/bob/log/2026-11-20.md", COACH_KIND_ENTRY, "bob", NULL);
}

static void
test_evidence(void **state)
{
	(void)state;
	is("coaching/bob/evidence/plan.txt", COACH_KIND_EVIDENCE, "bob", NULL);
	is("coaching/bob/evidence/term1/photo.jpg", COACH_KIND_EVIDENCE, "bob",
	    NULL);
	is("coaching/bob/evidence/.hidden", COACH_KIND_EVIDENCE, "bob", NULL);
	is("coaching/bob/evidence/", COACH_KIND_NONE, NULL, NULL);
	is("coaching/bob/evidence", COACH_KIND_NONE, NULL, NULL);
}

static void
test_not_records(void **state)
{
	(void)state;
	static const char *const none[] = {
		/* wrong extensions */
		"staff/ada.txt", "staff/ada.md.bak", "staff/ada.MD", "staff/.md",
		"coaching/bob/goals/g111111.yml", "coaching/bob/agreement.txt",
		/* nested folders */
		"staff/old/ada.md", "priorities/2025/reading.md",
		"coaching/bob/goals/old/g111111.md",
		"coaching/bob/log/2026/2026-11-20-e333333.md",
		"coaching/bob/sub/agreement.md",
		/* dot-files and hidden folders */
		"staff/.ada.md", "coaching/bob/goals/.g111111.md",
		"coaching/bob/log/.2026-11-20-e333333.md.swp",
		"coaching/.bob/goals/g111111.md",
		/* unexpected files and folders */
		"README.md", "notes/ada.md", "coaching/bob/notes.md",
		"coaching/bob", "coaching/bob/", "coaching/agreement.md",
		"coaching//goals/g111111.md", "coaching/bob/goals", "staff",
		"staff/", "coach.yml/x", "./coach.yml", "",
	};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		is(none[i], COACH_KIND_NONE, NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_evidence),
		cmocka_unit_test(test_not_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
