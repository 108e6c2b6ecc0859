/*
 * test_store_clean.c: telling that one folder is clean without libgit2's
 * status, judged against git status itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "store.h"
#include "store_priv.h"
#include "util.h"

static char scratch[64];
static char *dir;

#define run(...) free(fx_capture_ok(dir, __VA_ARGS__))

static int
setup(void **state)
{
	(void)state;
	if (fx_scratch(scratch, sizeof(scratch), "clean") != 0)
		return -1;
	dir = coach_path_join(scratch, "school");
	mkdir(dir, 0700);
	int st;
	free(fx_capture(&st, dir, "git init -q -b main && git config user.name A && "
		"git config user.email a@x && mkdir -p coaching/al/goals "
		"coaching/al/log coaching/bo && echo a > coaching/al/agreement.md "
		"&& echo g > coaching/al/goals/g1.md && echo e > "
		"coaching/al/log/e1.md && echo b > coaching/bo/agreement.md && "
		"git add -A && git commit -qm one"));
	return st == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	free(dir);
	return fx_remove(scratch);
}

/* coach_store_folder_clean() of prefix, checked against git: it may only
 * say clean when git status has nothing under prefix. */
static int
clean(const char *prefix)
{
	struct coach_store *s;
	int st;
	assert_null(coach_store_open(&s, dir, NULL));
	int c = coach_store_folder_clean(s, prefix);
	coach_store_close(s);
	char *out = fx_capture(&st, dir, "git status --porcelain --untracked-files=all "
		"-- '%s' 2>/dev/null", prefix);
	assert_int_equal(st, 0);
	if (c && *out)
		fail_msg("said clean, git status says:\n%s", out);
	free(out);
	return c;
}

/* coach_store_folder_clean() of prefix alone (git status would fail on
 * a damaged index). */
static int
said_clean(const char *prefix)
{
	struct coach_store *s;
	assert_null(coach_store_open(&s, dir, NULL));
	int c = coach_store_folder_clean(s, prefix);
	coach_store_close(s);
	return c;
}

static void
test_clean_after_commit(void **state)
{
	(void)state;
	assert_int_equal(clean("coaching/al/"), 1);
	assert_int_equal(clean("coaching/bo/"), 1);
	/* Not in HEAD, the index or the work tree: nothing changed. */
	assert_int_equal(clean("coaching/cy/"), 1);
	/* A change elsewhere is not this folder's. */
	run("echo more >> coaching/bo/agreement.md && echo n > top.md");
	assert_int_equal(clean("coaching/al/"), 1);
	assert_int_equal(clean("coaching/bo/"), 0);
	/* Touched, same content: its stat data differ, its content not. */
	run("touch -d '2030-01-01' coaching/al/goals/g1.md");
	assert_int_equal(clean("coaching/al/"), 1);
}

static void
test_changes_are_not_clean(void **state)
{
	(void)state;
	/* Same size, same mtime: the content says it changed. */
	run("f=coaching/al/goals/g1.md; m=$(stat -c %%y $f); echo h > $f; "
	    "touch -d \"$m\" $f");
	assert_int_equal(clean("coaching/al/"), 0);
	run("git checkout -q -- . && rm coaching/al/log/e1.md");
	assert_int_equal(clean("coaching/al/"), 0);
	run("git checkout -q -- . && echo u > coaching/al/log/e2.md");
	assert_int_equal(clean("coaching/al/"), 0);
	/* Only libgit2 knows the ignore rules: not sure, so not clean. */
	run("rm coaching/al/log/e2.md && echo '*.tmp' > .git/info/exclude "
	    "&& echo t > coaching/al/x.tmp");
	assert_int_equal(clean("coaching/al/"), 0);
	run("rm coaching/al/x.tmp && chmod +x coaching/al/agreement.md");
	assert_int_equal(clean("coaching/al/"), 0);
	/* Staged, then the work tree put back: HEAD and the index differ. */
	run("chmod -x coaching/al/agreement.md && echo s >> "
	    "coaching/al/agreement.md && git add coaching/al && "
	    "git checkout HEAD -- coaching/al/agreement.md && git add "
	    "coaching/al/agreement.md && echo s >> coaching/al/agreement.md && "
	    "git add coaching/al && git show HEAD:coaching/al/agreement.md > "
	    "coaching/al/agreement.md");
	assert_int_equal(clean("coaching/al/"), 0);
	run("git reset -q --hard && mkdir coaching/al/empty");
	/* An empty folder is nothing to git. */
	assert_int_equal(clean("coaching/al/"), 1);
	/* A folder the index has, gone from the work tree. */
	run("rmdir coaching/al/empty && mv coaching/al al");
	assert_int_equal(clean("coaching/al/"), 0);
	run("mv al coaching/al && mkdir coaching/cy && echo c > "
	    "coaching/cy/agreement.md");
	assert_int_equal(clean("coaching/cy/"), 0);
}

static void
test_index_it_does_not_handle(void **state)
{
	(void)state;
	run("git update-index --index-version 4");
	assert_int_equal(clean("coaching/al/"), 0);
	run("git update-index --index-version 2");
	assert_int_equal(clean("coaching/al/"), 1);
	/* What a crash leaves of an index: blocks of zeros. */
	run("dd if=/dev/zero of=.git/index bs=1 seek=100 count=200 "
	    "conv=notrunc 2>/dev/null");
	assert_int_equal(said_clean("coaching/al/"), 0);
	run("rm .git/index && git reset -q");
	assert_int_equal(clean("coaching/al/"), 1);
	/* A folder on the way that is a link is left to libgit2. */
	run("mv coaching/al al && ln -s ../al coaching/al");
	assert_int_equal(clean("coaching/al/"), 0);
}

/* An index that is not whole is not believed: its checksum is not
 * computed (git reads an index so too), but its shape is checked. */
static void
test_index_not_whole(void **state)
{
	(void)state;
	assert_int_equal(clean("coaching/al/"), 1);
	run("cp .git/index good && truncate -s -30 .git/index");
	assert_int_equal(said_clean("coaching/al/"), 0);
	/* Entries out of order: the second entry's name made to sort
	 * first. */
	run("cp good .git/index && printf 'A' | dd of=.git/index bs=1 "
	    "seek=$((12 + 88 + 62)) conv=notrunc 2>/dev/null");
	assert_int_equal(said_clean("coaching/al/"), 0);
	run("mv good .git/index");
	assert_int_equal(clean("coaching/al/"), 1);
	/* Nothing kept beside the index. */
	char *out = fx_capture_ok(dir, "ls .git | grep -c '^coach-index' || true");
	assert_string_equal(out, "0\n");
	free(out);
}

/* store_ix_open() of the index made by the Python rewrite of entries
 * (e: a list of [stat data and id, flags, name]), with a checksum
 * that holds. */
static int
ix_with(const char *rewrite)
{
	run("python3 -c '\n"
	    "import hashlib, struct\n"
	    "d = open(\"good\", \"rb\").read()\n"
	    "n = struct.unpack(\">I\", d[8:12])[0]\n"
	    "pos, e = 12, []\n"
	    "for i in range(n):\n"
	    "    l = struct.unpack(\">H\", d[pos + 60:pos + 62])[0] & 0xfff\n"
	    "    e.append([d[pos:pos + 60], d[pos + 60:pos + 62], d[pos + 62:pos + 62 + l]])\n"
	    "    pos += (62 + l + 8) & ~7\n"
	    "%s\n"
	    "out = d[:12]\n"
	    "for fixed, flags, name in e:\n"
	    "    out += fixed + flags + name + bytes(((62 + len(name) + 8) & ~7) - 62 - len(name))\n"
	    "out += d[pos:-20]\n"
	    "open(\".git/index\", \"wb\").write(out + hashlib.sha1(out).digest())\n'",
	    rewrite);
	struct store_ix o;
	char *gitdir = coach_path_join(dir, ".git");
	int ok = store_ix_open(&o, gitdir);
	store_ix_free(&o);
	free(gitdir);
	return ok;
}

/* What git would not have written is refused, whatever its checksum. */
static void
test_index_shape(void **state)
{
	(void)state;
	run("cp .git/index good");
	assert_int_equal(ix_with("pass"), 1);
	/* Two entries out of order. */
	assert_int_equal(ix_with("e[1], e[2] = e[2], e[1]"), 0);
	/* The same name twice. */
	assert_int_equal(ix_with("e[1][2] = e[0][2]"), 0);
	/* A name with a NUL in it, its length kept. */
	assert_int_equal(ix_with("e[0][2] = e[0][2][:3] + bytes(1) + "
	    "e[0][2][4:]"), 0);
	/* A mode git never writes (zeros). */
	assert_int_equal(ix_with("e[0][0] = e[0][0][:24] + bytes(4) + "
	    "e[0][0][28:]"), 0);
	/* An empty name. */
	assert_int_equal(ix_with("e[0][1] = bytes(2); e[0][2] = b\"\""), 0);
	run("mv good .git/index");
	assert_int_equal(clean("coaching/al/"), 1);
}

/* One handle asked again after git replaced the index reads the new
 * index, not the one it mapped before. */
static void
test_index_replaced_meanwhile(void **state)
{
	(void)state;
	struct coach_store *s;
	assert_null(coach_store_open(&s, dir, NULL));
	assert_int_equal(coach_store_folder_clean(s, "coaching/al/"), 1);
	/* Staged: the index no longer matches HEAD. */
	run("echo more >> coaching/al/agreement.md && git add coaching/al");
	assert_int_equal(coach_store_folder_clean(s, "coaching/al/"), 0);
	run("git commit -qm more");
	assert_int_equal(coach_store_folder_clean(s, "coaching/al/"), 1);
	coach_store_close(s);
}

/* The paths coach_store_changes() gives for coaching/al/, sorted, one a
 * line, against those git status gives (no rename detection). */
static void
same_changes_as_git(const char *what)
{
	struct coach_store *s;
	struct coach_strlist l = COACH_STRLIST_INIT;
	struct coach_buf got = COACH_BUF_INIT;
	int st;
	assert_null(coach_store_open(&s, dir, NULL));
	assert_null(coach_store_changes(s, "coaching/al/", &l));
	coach_store_close(s);
	for (size_t i = 0; i < l.n; i++)
		coach_buf_printf(&got, "%s\n", l.v[i] + 2);
	char *want = fx_capture(&st, dir, "git -c status.renames=false status "
		"--porcelain --untracked-files=all -- coaching/al | cut -c4- | "
		"sort -u");
	assert_int_equal(st, 0);
	if (strcmp(coach_buf_str(&got), want) != 0)
		fail_msg("%s: coach says\n%sgit says\n%s", what,
			coach_buf_str(&got), want);
	free(want);
	coach_buf_free(&got);
	coach_strlist_free(&l);
}

static void
test_changes_said_as_git_says(void **state)
{
	(void)state;
	same_changes_as_git("committed");
	/* Written in the same instant as the index: racily clean, so the
	 * content is what tells. */
	run("f=coaching/al/goals/g1.md; echo x > $f && git add $f && "
	    "git commit -qm x && echo y > $f && touch -r .git/index $f");
	same_changes_as_git("racy");
	run("git checkout -q -- . && f=coaching/al/goals/g1.md; "
	    "m=$(stat -c %%y $f); echo h > $f; touch -d \"$m\" $f");
	same_changes_as_git("same size and mtime");
	run("git checkout -q -- . && rm coaching/al/log/e1.md && echo u > "
	    "coaching/al/log/e2.md && echo '*.tmp' > .git/info/exclude && "
	    "echo t > coaching/al/x.tmp");
	same_changes_as_git("removed, new, ignored");
	run("git checkout -q -- . && rm -f coaching/al/log/e2.md && echo s >> "
	    "coaching/al/agreement.md && git add coaching/al/agreement.md && "
	    "git rm -q --cached coaching/al/goals/g1.md");
	same_changes_as_git("staged");
	run("git reset -q && git checkout -q -- . && mkdir -p coaching/al/new/deep "
	    "&& echo d > coaching/al/new/deep/f.md && echo o > coaching/bo/o.md");
	same_changes_as_git("a new folder, and a change elsewhere");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean_after_commit, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_changes_are_not_clean,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_it_does_not_handle,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_said_as_git_says,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_not_whole,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_shape,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_replaced_meanwhile,
			setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
