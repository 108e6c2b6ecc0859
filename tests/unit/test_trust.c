/*
 * Unit tests for lib/trust.c: the workspace's trust.yml, pulling schools
 * in parallel (one failing), the pull lock, and loading what was pulled.
 * Judged with the git command line and by reading trust.yml back.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "trust.h"
#include "util.h"

static char scratch[64];

#define sh(...) fx_capture_ok(scratch, __VA_ARGS__)

static int
setup(void **state)
{
	(void)state;
	if (fx_scratch(scratch, sizeof(scratch), "trust") != 0)
		return -1;
	setenv("GIT_AUTHOR_NAME", "Tia", 1);
	setenv("GIT_AUTHOR_EMAIL", "tia@trust.example", 1);
	setenv("GIT_COMMITTER_NAME", "Tia", 1);
	setenv("GIT_COMMITTER_EMAIL", "tia@trust.example", 1);
	unsetenv("COACH_TRUST_JOBS");
	unsetenv("COACH_TRUST_TIMEOUT");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return fx_remove(scratch);
}

static struct coach_trust *
workspace(void)
{
	struct coach_trust *t = NULL;
	char *dir = coach_path_join(scratch, "tw");
	assert_null(coach_trust_init(dir, "Oak: Trust"));
	assert_null(coach_trust_open(&t, dir));
	free(dir);
	return t;
}

static void
expect_code(struct coach_error *err, enum coach_code code, const char *has)
{
	assert_non_null(err);
	assert_int_equal(coach_error_code(err), code);
	if (has && strstr(coach_error_msg(err), has) == NULL) {
		print_error("'%s' lacks '%s'\n", coach_error_msg(err), has);
		fail();
	}
	coach_error_free(err);
}

static void
test_add(void **state)
{
	(void)state;
	struct coach_trust *t = workspace();
	assert_string_equal(coach_trust_name(t), "Oak: Trust");
	assert_int_equal(coach_trust_count(t), 0);
	assert_null(coach_trust_add(t, "stmarys", "/srv/stmarys.git"));
	assert_null(coach_trust_add(t, "oak", "https://u@git.example/oak"));
	expect_code(coach_trust_add(t, "oak", "/x"), COACH_E_CONFLICT,
	    "already");
	expect_code(coach_trust_add(t, "x", "https://u:pw@h/x"),
	    COACH_E_INVALID, "password");
	expect_code(coach_trust_add(t, "Bad Name", "/x"), COACH_E_INVALID,
	    NULL);
	expect_code(coach_trust_add(t, "y", ""), COACH_E_INVALID, NULL);
	assert_int_equal(coach_trust_count(t), 2);
	coach_trust_close(t);
	/* What another reader of YAML sees, and the commits. */
	char *out = sh("python3 -c 'import yaml; d = yaml.safe_load("
	    "open(\"tw/trust.yml\")); print(d[\"trust\"]); "
	    "[print(s[\"name\"], s[\"url\"]) for s in d[\"schools\"]]'; "
	    "git -C tw log --format=%%s");
	assert_string_equal(out, "Oak: Trust\nstmarys /srv/stmarys.git\n"
	    "oak https://u@git.example/oak\ntrust add: oak\n"
	    "trust add: stmarys\ntrust init: Oak: Trust\n");
	free(out);
	/* Opened from a folder inside it. */
	char *sub = coach_path_join(scratch, "tw/schools");
	mkdir(sub, 0755);
	assert_null(coach_trust_open(&t, sub));
	assert_string_equal(coach_trust_school(t, 1)->name, "oak");
	assert_null(coach_trust_school(t, 2));
	struct coach_trust_status st;
	coach_trust_status_read(t, "oak", &st);
	assert_false(st.pulled);
	coach_trust_status_free(&st);
	coach_trust_close(t);
	free(sub);
	char *dir = coach_path_join(scratch, "tw");
	expect_code(coach_trust_init(dir, "x"), COACH_E_CONFLICT, "already");
	free(dir);
}

static void
test_pull_and_load(void **state)
{
	(void)state;
	struct coach_trust *t = workspace();
	struct coach_trust_status *st = NULL;
	struct coach_trust_pull_opts o = { 2, 30 };
	size_t failed = 9;
	/* A school's summary, as "sync --publish" leaves it. */
	free(sh("git init -q s && cd s && printf 'school: S\\n' >coach.yml && "
	    "mkdir -p coaching/bob/goals && printf -- '---\\nid: g1\\n"
	    "status: active\\nopened: 2026-09-01\\n---\\n' "
	    ">coaching/bob/goals/g1.md && printf -- '---\\nid: [\\n---\\n' "
	    ">coaching/bob/goals/g2.md && git add -A && git commit -qm s && "
	    "git push -q ../s.git HEAD:refs/heads/summary/sch 2>/dev/null || "
	    "{ git init -q --bare ../s.git && git push -q ../s.git "
	    "HEAD:refs/heads/summary/sch; }"));
	char *url = coach_path_join(scratch, "s.git");
	assert_null(coach_trust_add(t, "sch", url));
	assert_null(coach_trust_add(t, "gone", "/nonexistent/gone.git"));
	assert_null(coach_trust_pull(t, &o, &st, &failed));
	assert_int_equal(failed, 1);
	assert_true(st[0].ok);
	assert_false(st[1].ok);
	assert_non_null(strstr(st[1].message, "gone.git"));
	char *want = sh("git -C s.git rev-parse summary/sch");
	char *got = sh("git -C tw/schools/sch.git rev-parse refs/coach/pulled");
	assert_string_equal(got, want);
	assert_int_equal(strlen(st[0].oid), 40);
	assert_memory_equal(st[0].oid, want, 40);
	for (size_t i = 0; i < 2; i++)
		coach_trust_status_free(&st[i]);
	free(st);
	/* The status as a later reader sees it. */
	struct coach_trust_status s1;
	coach_trust_status_read(t, "gone", &s1);
	assert_true(s1.pulled);
	assert_false(s1.ok);
	assert_true(s1.time > 0);
	coach_trust_status_free(&s1);

	/* Loaded from the tree: one goal, the broken one a problem. */
	struct coach_report_school *sc = NULL;
	struct coach_problems pr = COACH_PROBLEMS_INIT;
	size_t n = 0;
	assert_null(coach_trust_load(t, &sc, &n, &pr));
	assert_int_equal(n, 1);
	assert_string_equal(sc[0].name, "sch");
	assert_int_equal(sc[0].goals.n, 1);
	assert_string_equal(sc[0].goals.v[0].coachee, "bob");
	assert_int_equal(sc[0].problems.n, 1);
	assert_string_equal(sc[0].problems.v[0].path,
	    "sch/coaching/bob/goals/g2.md");
	assert_string_equal(coach_fm_str(sc[0].config, "school"), "S");
	assert_int_equal(sc[0].phases.n, 5);
	assert_int_equal(pr.n, 1);
	assert_string_equal(pr.v[0].path, "gone");
	coach_report_school_free(&sc[0]);
	free(sc);
	coach_problems_free(&pr);

	/* While another pull holds the lock, a pull is refused. */
	char *lock = coach_path_join(scratch, "tw/schools/.pull.lock");
	int fd = open(lock, O_RDWR | O_CREAT, 0644);
	assert_true(fd >= 0 && flock(fd, LOCK_EX) == 0);
	st = NULL;
	expect_code(coach_trust_pull(t, &o, &st, &failed), COACH_E_LOCKED,
	    "another");
	free(st);
	close(fd);
	free(lock);
	free(want);
	free(got);
	free(url);
	coach_trust_close(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pull_and_load, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
