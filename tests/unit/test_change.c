/*
 * test_change.c: lib/change.c, the one call every write goes through:
 * what check refuses is never committed, hand edits get their own commit,
 * a change that stages nothing commits nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "change.h"
#include "record.h"
#include "repo.h"
#include "store.h"
#include "util.h"

static char dir[64];

static void
put(const char *rel, const char *text)
{
	char *p = coach_path_join(dir, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

/* The first line a shell command prints. */
static char *
first_line(const char *cmd)
{
	char *full = coach_xasprintf("cd %s && %s", dir, cmd);
	FILE *f = popen(full, "r");
	char line[512] = "";
	assert_non_null(f);
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	pclose(f);
	free(full);
	line[strcspn(line, "\n")] = '\0';
	return coach_xstrdup(line);
}

static struct coach_error *
stage_config(struct coach_change *ch, void *arg)
{
	(void)arg;
	static const char cfg[] = "school: Test School\ncycle_model: steplab\n";
	static const char bob[] = "---\nname: Bob Baker\n---\n";
	coach_change_write(ch, "coach.yml", cfg, strlen(cfg));
	coach_change_write(ch, "staff/bob.md", bob, strlen(bob));
	coach_change_message(ch, "init");
	return NULL;
}

static int
setup(void **state)
{
	struct coach_store *s;
	(void)state;
	strcpy(dir, "/tmp/coach-change-XXXXXX");
	assert_non_null(mkdtemp(dir));
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("HOME", dir, 1);
	setenv("GIT_AUTHOR_NAME", "Ada", 1);
	setenv("GIT_AUTHOR_EMAIL", "ada@school.example", 1);
	setenv("GIT_COMMITTER_NAME", "Ada", 1);
	setenv("GIT_COMMITTER_EMAIL", "ada@school.example", 1);
	assert_null(coach_store_init(&s, dir));
	assert_null(coach_change_run_new(s, stage_config, NULL));
	coach_store_close(s);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	char *cmd = coach_xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

static struct coach_error *
stage_text(struct coach_change *ch, void *arg)
{
	const char *const *pt = arg;
	coach_change_write(ch, pt[0], pt[1], strlen(pt[1]));
	coach_change_message(ch, "write %s", pt[0]);
	return NULL;
}

static void
test_check_refuses(void **state)
{
	struct coach_repo *r;
	(void)state;
	char *head = first_line("git rev-parse HEAD");
	assert_null(coach_repo_open_at(&r, dir));
	const char *pt[] = { "coaching/bob/goals/g1234567.md",
		"---\nid: g1234567\ntitle: T\nstatus: finished\n"
		"opened: 2026-01-05\n---\n" };
	struct coach_error *err = coach_change_run(r, stage_text, (void *)pt,
	    NULL, NULL);
	assert_non_null(err);
	assert_int_equal(coach_error_code(err), COACH_E_INVALID);
	/* File and line of what check refused. */
	assert_non_null(strstr(coach_error_msg(err),
	    "coaching/bob/goals/g1234567.md:4:"));
	coach_error_free(err);
	char *after = first_line("git rev-parse HEAD");
	assert_string_equal(head, after);
	assert_false(coach_repo_exists(r, pt[0]));
	char *st = first_line("git status --porcelain");
	assert_string_equal(st, "");
	free(st);
	free(after);
	free(head);
	coach_repo_free(r);
}

static struct coach_error *
rename_bob(struct coach_change *ch, void *arg)
{
	struct coach_record *rec;
	struct coach_error *err;
	(void)arg;
	if ((err = coach_change_load(ch, "staff/bob.md", &rec)))
		return err;
	coach_fm_set(coach_record_fm(rec), "role", coach_fmv_str("Teacher"));
	coach_change_save(ch, "staff/bob.md", rec);
	coach_change_message(ch, "role");
	coach_record_free(rec);
	return NULL;
}

static void
test_hand_edits_first(void **state)
{
	struct coach_repo *r;
	struct coach_strlist notes = COACH_STRLIST_INIT;
	(void)state;
	put("staff/bob.md", "---\nname: Robert Baker\n---\n");
	assert_null(coach_repo_open_at(&r, dir));
	assert_null(coach_change_run(r, rename_bob, NULL, &notes, NULL));
	assert_int_equal(notes.n, 1);
	assert_non_null(strstr(notes.v[0], "hand edits to staff/bob.md"));
	char *subj = first_line("git log -1 --format=%s HEAD~1");
	assert_string_equal(subj, "hand edits to staff/bob.md");
	char *name = first_line("git show HEAD~1:staff/bob.md | grep ^name");
	assert_string_equal(name, "name: Robert Baker");
	char *role = first_line("git show HEAD:staff/bob.md | grep ^role");
	assert_string_equal(role, "role: Teacher");
	free(role);
	free(name);
	free(subj);
	coach_strlist_free(&notes);
	coach_repo_free(r);
}

static struct coach_error *
stage_nothing(struct coach_change *ch, void *arg)
{
	(void)ch;
	(void)arg;
	return NULL;
}

static void
test_nothing_staged(void **state)
{
	struct coach_repo *r;
	(void)state;
	char *head = first_line("git rev-parse HEAD");
	assert_null(coach_repo_open_at(&r, dir));
	assert_null(coach_change_run(r, stage_nothing, NULL, NULL, NULL));
	char *after = first_line("git rev-parse HEAD");
	assert_string_equal(head, after);
	free(after);
	free(head);
	coach_repo_free(r);
}

static struct coach_error *
two_ids(struct coach_change *ch, void *arg)
{
	char (*ids)[COACH_ID_LEN + 1] = arg;
	struct coach_error *err;
	for (int i = 0; i < 2; i++)
		if ((err = coach_change_new_id(ch, 'g', ids[i])))
			return err;
	return NULL;
}

static void
test_new_ids_differ(void **state)
{
	struct coach_repo *r;
	char ids[2][COACH_ID_LEN + 1];
	(void)state;
	assert_null(coach_repo_open_at(&r, dir));
	for (int i = 0; i < 20; i++) {
		assert_null(coach_change_run(r, two_ids, ids, NULL, NULL));
		assert_string_not_equal(ids[0], ids[1]);
		assert_int_equal(ids[0][0], 'g');
	}
	coach_repo_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_check_refuses, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hand_edits_first, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nothing_staged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_new_ids_differ, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
