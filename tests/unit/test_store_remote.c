/*
 * Unit tests for lib/store_remote.c and lib/store_sync.c: URL masking,
 * remotes in the config, fetch and push over a path into given refspecs,
 * refusals, and bringing fetched commits in.  Judged with git.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "store.h"
#include "store_remote.h"
#include "util.h"

static char scratch[64];

#define sh(status, ...) fx_capture((status), NULL, __VA_ARGS__)
#define sh_ok(...) free(fx_capture_ok(NULL, __VA_ARGS__))

static void
check_ok(struct coach_error *err)
{
	if (err != NULL) {
		print_error("unexpected error: %s\n", coach_error_msg(err));
		coach_error_free(err);
		fail();
	}
}

static int
setup(void **state)
{
	(void)state;
	if (fx_scratch(scratch, sizeof(scratch), "remote") != 0)
		return -1;
	sh_ok("git config --global user.name Ada && git config --global "
		"user.email ada@x && git config --global init.defaultBranch "
		"main");
	sh_ok("git init -q --bare %s/hub.git", scratch);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return fx_remove(scratch);
}

/* A new store in scratch/name with one commit writing file. */
static struct coach_store *
new_store(const char *name, const char *file)
{
	struct coach_store *s;
	struct coach_txn *t;
	char *dir = coach_path_join(scratch, name);
	check_ok(coach_store_init(&s, dir));
	check_ok(coach_store_begin(&t, s));
	coach_txn_write(t, file, "x\n", 2);
	check_ok(coach_txn_commit(t, "add a file", NULL));
	free(dir);
	return s;
}

static void
commit_file(struct coach_store *s, const char *file)
{
	struct coach_txn *t;
	check_ok(coach_store_begin(&t, s));
	coach_txn_write(t, file, file, strlen(file));
	check_ok(coach_txn_commit(t, file, NULL));
}

static void
test_mask(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "https://ada:pw@host/x.git", "https://ada:***@host/x.git" },
		{ "https://ada@host/x.git", "https://ada@host/x.git" },
		{ "https://a:p@ss@host:8080/x", "https://a:***@host:8080/x" },
		{ "ssh://git@host:22/x.git", "ssh://git@host:22/x.git" },
		{ "git@host:school.git", "git@host:school.git" },
		{ "/srv/x.git", "/srv/x.git" },
		{ "http://h/x?u=a:b@c", "http://h/x?u=a:b@c" },
		{ "https://:tok@host/", "https://:***@host/" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *m = coach_url_mask(cases[i][0]);
		assert_string_equal(m, cases[i][1]);
		free(m);
	}
}

static void
test_remotes(void **state)
{
	(void)state;
	struct coach_store *s = new_store("a", "f");
	struct coach_strlist names = COACH_STRLIST_INIT, urls = COACH_STRLIST_INIT;
	struct coach_error *err;
	int st;

	check_ok(coach_store_remote_add(s, "zeta", "/z.git"));
	check_ok(coach_store_remote_add(s, "alpha", "https://u:p@h/a.git"));
	err = coach_store_remote_add(s, "alpha", "/other");
	assert_int_equal(coach_error_code(err), COACH_E_CONFLICT);
	assert_null(strstr(coach_error_msg(err), ":p@"));
	coach_error_free(err);
	err = coach_store_remote_add(s, "no good", "/x");
	assert_int_equal(coach_error_code(err), COACH_E_INVALID);
	coach_error_free(err);
	check_ok(coach_store_remote_list(s, &names, &urls));
	assert_int_equal(names.n, 2);
	assert_string_equal(names.v[0], "alpha");
	assert_string_equal(urls.v[1], "/z.git");
	char *out = sh(&st, "git -C %s/a config remote.zeta.fetch", scratch);
	assert_string_equal(out, "+refs/heads/*:refs/remotes/zeta/*\n");
	free(out);
	check_ok(coach_store_remote_remove(s, "zeta"));
	err = coach_store_remote_remove(s, "zeta");
	assert_int_equal(coach_error_code(err), COACH_E_NOTFOUND);
	coach_error_free(err);
	coach_strlist_free(&names);
	coach_strlist_free(&urls);
	coach_store_close(s);
}

/* Push and fetch over a path, by name and by URL, into given refs. */
static void
test_fetch_push(void **state)
{
	(void)state;
	struct coach_store *a = new_store("a", "f");
	struct coach_store *b = new_store("b", "g");
	char *hub = coach_path_join(scratch, "hub.git");
	char hex[41], hub_hex[41];
	int found, st;

	check_ok(coach_store_remote_add(a, "origin", hub));
	check_ok(coach_store_push(a, "origin", "refs/heads/main:refs/heads/main",
		NULL));
	char *out = sh(&st, "git -C %s rev-parse main", hub);
	assert_int_equal(st, 0);
	memcpy(hub_hex, out, 40);
	hub_hex[40] = '\0';
	free(out);
	check_ok(coach_store_ref_get(a, "refs/heads/main", hex, &found));
	assert_true(found);
	assert_string_equal(hex, hub_hex);
	/* The remote-tracking ref follows the push. */
	check_ok(coach_store_ref_get(a, "refs/remotes/origin/main", hex,
		&found));
	assert_true(found);
	assert_string_equal(hex, hub_hex);

	/* b fetches by URL into a ref of its choosing. */
	const char *spec[] = { "+refs/heads/main:refs/schools/a/main" };
	check_ok(coach_store_fetch(b, hub, spec, 1, NULL));
	check_ok(coach_store_ref_get(b, "refs/schools/a/main", hex, &found));
	assert_true(found);
	assert_string_equal(hex, hub_hex);

	/* b's unrelated main is not a fast-forward: refused, by code. */
	struct coach_error *err = coach_store_push(b, hub,
		"refs/heads/main:refs/heads/main", NULL);
	assert_int_equal(coach_error_code(err), COACH_E_CONFLICT);
	coach_error_free(err);
	out = sh(&st, "git -C %s rev-parse main", hub);
	assert_int_equal(strncmp(out, hub_hex, 40), 0);
	free(out);

	err = coach_store_fetch(b, "nosuch", NULL, 0, NULL);
	assert_int_equal(coach_error_code(err), COACH_E_NOTFOUND);
	coach_error_free(err);
	err = coach_store_fetch(b, "/nonexistent/path.git", NULL, 0, NULL);
	assert_non_null(err);
	coach_error_free(err);
	sh_ok("git -C %s fsck --strict --no-progress 2>&1", hub);
	free(hub);
	coach_store_close(a);
	coach_store_close(b);
}

/* Fast-forward, then a true merge with both parents. */
static void
test_integrate(void **state)
{
	(void)state;
	struct coach_store *a = new_store("a", "f");
	char *hub = coach_path_join(scratch, "hub.git");
	struct coach_integrate in;
	int st;

	check_ok(coach_store_remote_add(a, "origin", hub));
	check_ok(coach_store_push(a, "origin", "refs/heads/main:refs/heads/main",
		NULL));
	sh_ok("git clone -q %s %s/b && cd %s/b && echo y >g && git add g && "
		"git commit -qm g && git push -q origin main", hub, scratch,
		scratch);
	check_ok(coach_store_fetch(a, "origin", NULL, 0, NULL));
	check_ok(coach_store_integrate(a, "refs/remotes/origin/main",
		"origin/main", &in));
	assert_int_equal(in.how, COACH_SYNC_FAST_FORWARD);
	assert_int_equal(in.commits, 1);
	coach_strlist_free(&in.notes);
	char *out = sh(&st, "cd %s/a && git status --porcelain && cat g",
		scratch);
	assert_string_equal(out, "y\n");
	free(out);

	commit_file(a, "ours");
	sh_ok("cd %s/b && echo z >h && git add h && git commit -qm h && "
		"git push -q origin main", scratch);
	check_ok(coach_store_fetch(a, "origin", NULL, 0, NULL));
	check_ok(coach_store_integrate(a, "refs/remotes/origin/main",
		"origin/main", &in));
	assert_int_equal(in.how, COACH_SYNC_MERGED);
	coach_strlist_free(&in.notes);
	out = sh(&st, "cd %s/a && git rev-list --parents -1 HEAD | wc -w && "
		"git status --porcelain && cat h ours && git fsck --strict "
		"--no-progress --no-dangling 2>&1", scratch);
	assert_string_equal(out, "3\nz\nours");
	free(out);
	/* Nothing new: nothing done. */
	check_ok(coach_store_integrate(a, "refs/remotes/origin/main",
		"origin/main", &in));
	assert_int_equal(in.how, COACH_SYNC_NOTHING);
	coach_strlist_free(&in.notes);
	free(hub);
	coach_store_close(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask),
		cmocka_unit_test_setup_teardown(test_remotes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_push, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_integrate, setup,
			teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
