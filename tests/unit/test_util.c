/* "Did you mean": the nearest word; and "~" in path settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const commands[] = { "init", "staff", "priority",
	"framework", "agree", "goal", "cycle", "log", "entries", "show",
	"edit", "status", "check", "help", NULL };

static void
test_suggest_slips(void **state)
{
	(void)state;
	/* An extra letter, a swap, a missing letter, a wrong letter. */
	assert_string_equal(coach_suggest("stafff", commands, SIZE_MAX),
	    "staff");
	assert_string_equal(coach_suggest("sohw", commands, SIZE_MAX), "show");
	assert_string_equal(coach_suggest("entres", commands, SIZE_MAX),
	    "entries");
	assert_string_equal(coach_suggest("gaol", commands, SIZE_MAX), "goal");
	static const char *const options[] = { "name", "email", "role",
		"subject", "phase", "coach" };
	assert_string_equal(coach_suggest("emial", options, 6), "email");
	static const char *const phases[] = { "plan", "model", "practise",
		"apply", "review" };
	assert_string_equal(coach_suggest("practice", phases, 5), "practise");
}

static void
test_suggest_case(void **state)
{
	(void)state;
	static const char *const handles[] = { "bob", "siobhan", "cy" };
	assert_string_equal(coach_suggest("Siobhan", handles, 3), "siobhan");
	assert_string_equal(coach_suggest("SIOBHAN", handles, 3), "siobhan");
}

static void
test_suggest_nothing_close(void **state)
{
	(void)state;
	assert_null(coach_suggest("zzzzzz", commands, SIZE_MAX));
	assert_null(coach_suggest("", commands, SIZE_MAX));
	/* Two slips in a short word are too many. */
	assert_null(coach_suggest("lgo", (const char *const[]){ "goal" }, 1));
	/* The word itself is no suggestion. */
	assert_null(coach_suggest("show", (const char *const[]){ "show" }, 1));
	/* n bounds the list even without a NULL. */
	assert_null(coach_suggest("stafff", commands, 1));
}

static void
test_expand_user(void **state)
{
	(void)state;
	setenv("HOME", "/home/ada", 1);
	char *p = coach_path_expand_user("~/school");
	assert_string_equal(p, "/home/ada/school");
	free(p);
	p = coach_path_expand_user("~");
	assert_string_equal(p, "/home/ada");
	free(p);
	p = coach_path_expand_user("/srv/~/school");
	assert_string_equal(p, "/srv/~/school");
	free(p);
	p = coach_path_expand_user("~nosuchuser-coach/x");
	assert_string_equal(p, "~nosuchuser-coach/x");
	free(p);
	p = coach_path_expand_user("~root/x");
	assert_true(strcmp(p, "~root/x") != 0 && strstr(p, "/x") != NULL);
	free(p);
}

static void
join_is(const char *a, const char *b, const char *want)
{
	char *p = coach_path_join(a, b);
	assert_string_equal(p, want);
	free(p);
}

static void
test_path_join(void **state)
{
	(void)state;
	join_is("coaching", "ada", "coaching/ada");
	join_is("coaching/", "ada", "coaching/ada");
	join_is("coaching//", "log/x.md", "coaching/log/x.md");
	join_is("", "ada", "ada");
	join_is("/", "tmp", "//tmp");
	join_is("/srv/school", "", "/srv/school/");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suggest_slips),
		cmocka_unit_test(test_suggest_case),
		cmocka_unit_test(test_suggest_nothing_close),
		cmocka_unit_test(test_expand_user),
		cmocka_unit_test(test_path_join),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
