/* "Did you mean": the nearest word; and "~" in path settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Where each bad byte or sequence is found, wherever it falls against
 * the eight-byte steps over ASCII. */
static void
test_utf8_check_every_offset(void **state)
{
	(void)state;
	static const struct {
		const char *seq;
		size_t len;
		int bad; /* 1: the check stops at the sequence */
	} cases[] = {
		{ "\0", 1, 1 }, { "\xff", 1, 1 }, { "\x80", 1, 1 },
		{ "\xc3\xa9", 2, 0 }, { "\xc0\x80", 2, 1 },
		{ "\xed\xa0\x80", 3, 1 }, { "\xe2\x82\xac", 3, 0 },
		{ "\xf0\x9f\x98\x80", 4, 0 }, { "\xf4\x90\x80\x80", 4, 1 },
		{ "\x7f", 1, 0 },
	};
	char buf[64];
	for (size_t c = 0; c < sizeof(cases) / sizeof(*cases); c++) {
		for (size_t at = 0; at + cases[c].len <= 40; at++) {
			memset(buf, 'a', sizeof(buf));
			memcpy(buf + at, cases[c].seq, cases[c].len);
			size_t want = cases[c].bad ? at : 40;
			assert_int_equal(coach_utf8_check(buf, 40), want);
			/* Cut short inside the sequence: bad there too. */
			if (cases[c].len > 1)
				assert_int_equal(coach_utf8_check(buf,
				    at + cases[c].len - 1), at);
		}
	}
	assert_int_equal(coach_utf8_check("", 0), 0);
}

static void
test_path_join_and_format(void **state)
{
	(void)state;
	char *p = coach_path_join("a/b//", "c.md");
	assert_string_equal(p, "a/b/c.md");
	free(p);
	p = coach_path_join("", "c.md");
	assert_string_equal(p, "c.md");
	free(p);
	char longer[600];
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	for (size_t n = 250; n < 262; n++) {
		p = coach_xasprintf("%.*s/%d", (int)n, longer, 7);
		assert_int_equal(strlen(p), n + 2);
		assert_memory_equal(p, longer, n);
		assert_string_equal(p + n, "/7");
		free(p);
	}
}

/* Neighbours opened from their folder's descriptor, strangers by path. */
static void
test_folder_of(void **state)
{
	(void)state;
	char dir[] = "/tmp/coach-folder-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char a[64], b[64], other[64];
	snprintf(a, sizeof(a), "%s/a.md", dir);
	snprintf(b, sizeof(b), "%s/b.md", dir);
	snprintf(other, sizeof(other), "%s/sub/c.md", dir);
	struct coach_folder f = COACH_FOLDER_INIT;
	const char *name;
	/* The first of a folder: by its whole path. */
	assert_int_equal(coach_folder_of(&f, a, &name), AT_FDCWD);
	assert_string_equal(name, a);
	/* The second: from the folder, by its last name. */
	int fd = coach_folder_of(&f, b, &name);
	assert_true(fd >= 0);
	assert_string_equal(name, "b.md");
	int w = openat(fd, "b.md", O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(w >= 0);
	close(w);
	assert_int_equal(access(b, F_OK), 0);
	assert_int_equal(coach_folder_of(&f, b, &name), fd);
	/* Another folder starts again; so does a bare name. */
	assert_int_equal(coach_folder_of(&f, other, &name), AT_FDCWD);
	assert_string_equal(name, other);
	assert_int_equal(coach_folder_of(&f, "x.md", &name), AT_FDCWD);
	assert_string_equal(name, "x.md");
	coach_folder_close(&f);
	coach_folder_close(&f);
	unlink(b);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suggest_slips),
		cmocka_unit_test(test_suggest_case),
		cmocka_unit_test(test_suggest_nothing_close),
		cmocka_unit_test(test_expand_user),
		cmocka_unit_test(test_utf8_check_every_offset),
		cmocka_unit_test(test_path_join_and_format),
		cmocka_unit_test(test_folder_of),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
