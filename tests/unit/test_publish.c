/*
 * Unit tests for lib/publish.c and lib/store_publish.c: what of a record
 * travels to the trust, and the summary branch's own history, judged with
 * the git command line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "publish.h"
#include "repo.h"
#include "util.h"

static char scratch[64];

#define sh(...) fx_capture_ok(scratch, __VA_ARGS__)

static void
put(const char *path, const char *text)
{
	char *abs = coach_path_join(scratch, path);
	char *dir = coach_xstrdup(abs);
	*strrchr(dir, '/') = '\0';
	assert_null(coach_mkdirs(dir));
	FILE *f = fopen(abs, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(dir);
	free(abs);
}

static int
setup(void **state)
{
	(void)state;
	if (fx_scratch(scratch, sizeof(scratch), "publish") != 0)
		return -1;
	setenv("GIT_AUTHOR_NAME", "Ada", 1);
	setenv("GIT_AUTHOR_EMAIL", "ada@school.example", 1);
	setenv("GIT_COMMITTER_NAME", "Ada", 1);
	setenv("GIT_COMMITTER_EMAIL", "ada@school.example", 1);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return fx_remove(scratch);
}

/* What path with text becomes; NULL when it is left out. */
static char *
strip(const char *path, const char *text, int full)
{
	struct coach_buf b = COACH_BUF_INIT;
	int keep = -1;
	coach_publish_strip(path, text, strlen(text), full, &b, &keep);
	assert_true(keep == 0 || keep == 1);
	if (!keep) {
		assert_int_equal(b.len, 0);
		coach_buf_free(&b);
		return NULL;
	}
	coach_buf_puts(&b, "");
	return coach_buf_detach(&b);
}

#define assert_strip(path, text, full, want) do { \
	char *got_ = strip(path, text, full); \
	assert_non_null(got_); \
	assert_string_equal(got_, want); \
	free(got_); \
} while (0)

static void
test_body_dropped(void **state)
{
	(void)state;
	const char *goal = "---\nid: g1a2b3c\ntitle: Questioning\n"
	    "status: active  # kept as written\n---\nSECRET body\n\nmore\n";
	assert_strip("coaching/bob/goals/g1a2b3c.md", goal, 0,
	    "---\nid: g1a2b3c\ntitle: Questioning\n"
	    "status: active  # kept as written\n---\n");
	/* CRLF and a BOM stay as they were, up to the closing line. */
	assert_strip("staff/bob.md", "\xef\xbb\xbf---\r\nname: Bob\r\n---\r\n"
	    "SECRET\r\n", 0, "\xef\xbb\xbf---\r\nname: Bob\r\n---\r\n");
	/* No body, no newline after the closing line. */
	assert_strip("priorities/reading.md", "---\ntitle: Reading\n---", 0,
	    "---\ntitle: Reading\n---");
	assert_strip("coaching/bob/log/2026-09-01-e1a2b3c.md", "---\n"
	    "id: e1a2b3c\ndate: 2026-09-01\nkind: meeting\nprivate: false\n"
	    "---\nSECRET\n", 0, "---\nid: e1a2b3c\ndate: 2026-09-01\n"
	    "kind: meeting\nprivate: false\n---\n");
	assert_strip("coaching/bob/agreement.md", "---\ncoachee: bob\ncoach: "
	    "ada\nstarted: 2026-09-01\n---\nSECRET ways of working\n", 0,
	    "---\ncoachee: bob\ncoach: ada\nstarted: 2026-09-01\n---\n");
	assert_strip("coach.yml", "school: St Mary's\n", 0,
	    "school: St Mary's\n");
}

static void
test_left_out(void **state)
{
	(void)state;
	const char *log = "coaching/bob/log/2026-09-01-e1a2b3c.md";
	assert_null(strip(log, "---\nid: e1a2b3c\nkind: note\nprivate: true\n"
	    "---\nSECRET\n", 0));
	/* Anything but a clear false is private. */
	assert_null(strip(log, "---\nid: e1a2b3c\nprivate: yes please\n---\n"
	    "SECRET\n", 0));
	assert_null(strip(log, "---\nid: e1a2b3c\nprivate: [1]\n---\n", 0));
	/* A record that does not parse may be private. */
	assert_null(strip(log, "---\nid: [unclosed\nprivate: true\n---\n"
	    "SECRET\n", 0));
	assert_null(strip(log, "---\nid: e1\nSECRET without a closing line\n",
	    0));
	assert_null(strip("coaching/bob/evidence/work.md", "---\nid: x\n"
	    "---\nSECRET\n", 0));
	assert_null(strip("notes/SECRET.md", "---\ntitle: x\n---\n", 0));
	assert_null(strip("README.md", "SECRET\n", 1));
	assert_null(strip("coaching/bob/evidence/photo.jpg", "SECRET", 1));
}

static void
test_full(void **state)
{
	(void)state;
	const char *priv = "---\nid: e1a2b3c\nprivate: true\n---\nwords\n";
	assert_strip("coaching/bob/log/2026-09-01-e1a2b3c.md", priv, 1, priv);
	assert_strip("coaching/bob/goals/g1.md", "---\nid: g1\n---\nbody\n",
	    1, "---\nid: g1\n---\nbody\n");
	/* Still never a record that does not parse. */
	assert_null(strip("coaching/bob/goals/g1.md", "---\nid: [\n---\n", 1));
}

static struct coach_repo *
school(void)
{
	struct coach_repo *r = NULL;
	put("coach.yml", "school: St Mary's C of E\n");
	put("staff/bob.md", "---\nname: Bob\n---\nSECRET staff\n");
	put("coaching/bob/goals/g1a2b3c.md", "---\nid: g1a2b3c\n"
	    "title: Goal\nstatus: active\nopened: 2026-09-01\n---\nSECRET 1\n");
	put("coaching/bob/log/2026-09-02-e1a2b3c.md", "---\nid: e1a2b3c\n"
	    "date: 2026-09-02\nkind: note\nprivate: true\n---\nSECRET 2\n");
	put("coaching/bob/evidence/a.txt", "SECRET 3\n");
	put("notes.txt", "SECRET 4\n");
	free(sh("git init -q -b main . && ln -s staff/bob.md link.md && "
	    "git add -A && git commit -q -m 'first SECRET commit'"));
	assert_null(coach_repo_open_at(&r, scratch));
	return r;
}

static void
test_build(void **state)
{
	(void)state;
	struct coach_repo *r = school();
	struct coach_publish p;
	char *out;

	assert_null(coach_publish_build(r, &p));
	assert_true(p.committed);
	assert_string_equal(p.school_id, "st-mary-s-c-of-e");
	assert_int_equal(p.kept, 3);
	assert_int_equal(p.left_out, 4);
	out = sh("git ls-tree -r --name-only refs/coach/summary");
	assert_string_equal(out, "coach.yml\ncoaching/bob/goals/g1a2b3c.md\n"
	    "staff/bob.md\n");
	free(out);
	out = sh("git show refs/coach/summary:staff/bob.md");
	assert_string_equal(out, "---\nname: Bob\n---\n");
	free(out);
	/* Its own history: one commit, no parent, nothing of main's. */
	out = sh("git rev-list --count refs/coach/summary; git log --format=%%P"
	    " refs/coach/summary; git rev-list refs/coach/summary | "
	    "grep -c -f - /dev/null; git merge-base --is-ancestor main "
	    "refs/coach/summary || echo apart");
	assert_string_equal(out, "1\n\n0\napart\n");
	free(out);
	char first[41];
	memcpy(first, p.oid, sizeof(first));
	free(p.school_id);

	/* Unchanged: no new commit. */
	assert_null(coach_publish_build(r, &p));
	assert_false(p.committed);
	assert_string_equal(p.oid, first);
	free(p.school_id);

	/* A change: one more commit whose parent is the last summary. */
	put("coach.yml", "school: St Mary's\nschool_id: stmarys\n");
	free(sh("git commit -qam 'second'"));
	coach_repo_free(r);
	assert_null(coach_repo_open_at(&r, scratch));
	assert_null(coach_publish_build(r, &p));
	assert_true(p.committed);
	assert_string_equal(p.school_id, "stmarys");
	out = sh("git log --format=%%P -1 refs/coach/summary");
	char *want = coach_xasprintf("%s\n", first);
	assert_string_equal(out, want);
	free(want);
	free(out);
	free(p.school_id);
	/* Work tree and index untouched. */
	out = sh("git status --porcelain; git grep -c SECRET "
	    "refs/coach/summary || echo none; git fsck --strict 2>&1 | "
	    "grep -v '^Checking' || true");
	assert_string_equal(out, "none\n");
	free(out);
	coach_repo_free(r);
}

static void
test_school_id(void **state)
{
	(void)state;
	struct coach_repo *r = NULL;
	char *id = NULL;
	put("coach.yml", "school: \"!!!\"\n");
	free(sh("git init -q -b main . && git add -A && git commit -qm x"));
	assert_null(coach_repo_open_at(&r, scratch));
	struct coach_error *err = coach_publish_school_id(r, &id);
	assert_non_null(err);
	assert_int_equal(coach_error_code(err), COACH_E_INVALID);
	assert_non_null(strstr(coach_error_msg(err), "school_id"));
	coach_error_free(err);
	coach_repo_free(r);
	put("coach.yml", "school: x\nschool_id: ../up\n");
	assert_null(coach_repo_open_at(&r, scratch));
	err = coach_publish_school_id(r, &id);
	assert_non_null(err);
	assert_null(id);
	coach_error_free(err);
	coach_repo_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body_dropped),
		cmocka_unit_test(test_left_out),
		cmocka_unit_test(test_full),
		cmocka_unit_test_setup_teardown(test_build, setup, teardown),
		cmocka_unit_test_setup_teardown(test_school_id, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
