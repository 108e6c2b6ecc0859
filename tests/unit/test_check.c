#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "check.h"
#include "repo.h"
#include "util.h"

static char dir[] = "/tmp/coach-test-check-XXXXXX";
static struct coach_repo *repo;

static void
write_file(const char *rel, const char *text)
{
	char *p = coach_path_join(dir, rel);
	char *slash = strrchr(p, '/');
	*slash = '\0';
	assert_null(coach_mkdirs(p));
	*slash = '/';
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static int
setup_repo(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	char *cmd = coach_xasprintf("git init -q '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	if (rc != 0)
		return -1;
	write_file("coach.yml", "school: Test\n");
	write_file("staff/ada.md", "---\nname: Ada\n---\n");
	write_file("coaching/ada/goals/g111111.md", "---\nid: g111111\n"
	    "title: t\nstatus: active\nopened: 2026-01-01\n---\n");
	struct coach_error *err = coach_repo_open_at(&repo, dir);
	if (err) {
		fprintf(stderr, "%s\n", coach_error_msg(err));
		coach_error_free(err);
		return -1;
	}
	return 0;
}

static int
teardown_repo(void **state)
{
	(void)state;
	coach_repo_free(repo);
	char *cmd = coach_xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static void
test_diags_sort(void **state)
{
	(void)state;
	struct coach_diags d = COACH_DIAGS_INIT;
	coach_diags_add(&d, "b.md", 3, COACH_SEV_WARNING, "w%d", 1);
	coach_diags_add(&d, "a.md", 10, COACH_SEV_ERROR, "e");
	coach_diags_add(&d, "a.md", 2, COACH_SEV_WARNING, "w");
	coach_diags_add(&d, "a.md", 2, COACH_SEV_ERROR, "e2");
	coach_diags_add(&d, "bad\n\xff.md", 0, COACH_SEV_ERROR, "x\ty");
	coach_diags_sort(&d);
	assert_int_equal(d.n, 5);
	assert_int_equal(d.errors, 3);
	assert_int_equal(d.warnings, 2);
	assert_string_equal(d.v[0].path, "a.md");
	assert_int_equal(d.v[0].line, 2);
	assert_int_equal(d.v[0].severity, COACH_SEV_ERROR);
	assert_int_equal(d.v[1].severity, COACH_SEV_WARNING);
	assert_int_equal(d.v[2].line, 10);
	assert_string_equal(d.v[3].path, "b.md");
	assert_string_equal(d.v[3].msg, "w1");
	/* Paths and messages are fit for one line of output and JSON. */
	assert_string_equal(d.v[4].path, "bad??.md");
	assert_string_equal(d.v[4].msg, "x?y");
	coach_diags_free(&d);
	assert_int_equal(d.n, 0);
}

static int
has(const struct coach_diags *d, int line, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].line == line && strstr(d->v[i].msg, needle))
			return 1;
	return 0;
}

/* A draft (edit's case) is checked from the given text, not the file. */
static void
test_check_draft(void **state)
{
	(void)state;
	struct coach_diags d = COACH_DIAGS_INIT;
	const char *ok = "---\nid: g111111\ntitle: t\nstatus: active\n"
	    "opened: 2026-01-01\n---\nbody\n";
	coach_check_file(repo, "coaching/ada/goals/g111111.md", ok,
	    strlen(ok), &d);
	assert_int_equal(d.n, 0);

	const char *bad = "---\nid: g111111\ntitle: t\nstatus: finished\n"
	    "opened: 2026-01-01\n---\nAn outstanding lesson.\n";
	coach_check_file(repo, "coaching/ada/goals/g111111.md", bad,
	    strlen(bad), &d);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.warnings, 1);
	assert_true(has(&d, 4, "'status' must be one of"));
	assert_true(has(&d, 7, "grading language 'outstanding lesson'"));
	coach_diags_free(&d);

	const char *yaml = "---\nid: g111111\ntitle: [t\n---\n";
	coach_check_file(repo, "coaching/ada/goals/g111111.md", yaml,
	    strlen(yaml), &d);
	assert_int_equal(d.errors, 1);
	assert_true(d.v[0].line >= 3);
	coach_diags_free(&d);
}

/* The file on disk is read when no text is given. */
static void
test_check_file(void **state)
{
	(void)state;
	struct coach_diags d = COACH_DIAGS_INIT;
	coach_check_file(repo, "coaching/ada/goals/g111111.md", NULL, 0, &d);
	assert_int_equal(d.n, 0);
	coach_check_file(repo, "coaching/ada/goals/g222222.md", NULL, 0, &d);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.v[0].line, 0);
	coach_diags_free(&d);
}

/* xorshift: the same "random" inputs on every run. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * Mutated records: flipped bytes, YAML punctuation, cut-offs.  check
 * must return (with or without problems) on every one; under ASan this
 * also proves it reads no byte it should not.
 */
static void
test_check_mutations(void **state)
{
	(void)state;
	static const char base[] = "---\nid: e123456\ndate: 2026-11-20\n"
	    "kind: meeting\nauthor: ada\ngoal: g111111\nevidence: [a, "
	    "'https://x']\nhours: 1.5\nprivate: false\nmeasure: {baseline: 1,"
	    " target: 2}\nconflicts:\n  kind: note\n---\nA good lesson.\n";
	static const char specials[] = "-:[]{}&*!|>'\"%@`#,?\n\t \\\0\xff\xc3";
	uint32_t seed = 2463534242u;
	char buf[sizeof(base) + 64];
	size_t total = 0;
	for (int round = 0; round < 3000; round++) {
		size_t len = sizeof(base) - 1;
		memcpy(buf, base, len);
		int edits = 1 + (int)(rnd(&seed) % 4);
		for (int k = 0; k < edits; k++) {
			size_t at = rnd(&seed) % len;
			switch (rnd(&seed) % 3) {
			case 0:
				buf[at] = specials[rnd(&seed) %
				    (sizeof(specials) - 1)];
				break;
			case 1:
				len = at;
				break;
			default:
				buf[at] = (char)(rnd(&seed) & 0xff);
				break;
			}
			if (len == 0)
				break;
		}
		struct coach_diags d = COACH_DIAGS_INIT;
		coach_check_file(repo,
		    "coaching/ada/log/2026-11-20-e123456.md", buf, len, &d);
		for (size_t i = 0; i < d.n; i++) {
			assert_non_null(d.v[i].msg);
			assert_true(d.v[i].line >= 0);
			assert_null(strchr(d.v[i].msg, '\n'));
		}
		total += d.n;
		coach_diags_free(&d);
	}
	assert_true(total > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diags_sort),
		cmocka_unit_test(test_check_draft),
		cmocka_unit_test(test_check_file),
		cmocka_unit_test(test_check_mutations),
	};
	return cmocka_run_group_tests(tests, setup_repo, teardown_repo);
}
