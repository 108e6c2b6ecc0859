/*
 * Unit tests for lib/store.c, judged with the real git command line
 * (git fsck --strict, git log, git status, git cat-file) in scratch
 * directories with their own HOME and git identity.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "store.h"
#include "util.h"

static char scratch[64];
static char home[128];

#define sh(status, ...) fx_capture((status), NULL, __VA_ARGS__)
#define sh_ok(...) fx_capture_ok(NULL, __VA_ARGS__)

static void
check_ok_(const char *file, int line, struct coach_error *err)
{
	if (err != NULL) {
		print_error("%s:%d: unexpected error: %s\n", file, line,
			coach_error_msg(err));
		coach_error_free(err);
		fail();
	}
}
#define check_ok(e) check_ok_(__FILE__, __LINE__, (e))

/* The error's message must contain each of the given strings. */
static void
check_fails_(const char *file, int line, struct coach_error *err, ...)
{
	if (err == NULL) {
		print_error("%s:%d: expected an error\n", file, line);
		fail();
	}
	va_list ap;
	va_start(ap, err);
	for (const char *want; (want = va_arg(ap, const char *)) != NULL;) {
		if (strstr(coach_error_msg(err), want) == NULL) {
			print_error("%s:%d: error \"%s\" lacks \"%s\"\n", file,
				line, coach_error_msg(err), want);
			coach_error_free(err);
			va_end(ap);
			fail();
		}
	}
	va_end(ap);
	assert_int_equal(coach_error_status(err), COACH_FAIL);
	coach_error_free(err);
}
#define check_fails(e, ...) check_fails_(__FILE__, __LINE__, (e), __VA_ARGS__, NULL)

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void
set_identity(const char *name, const char *email)
{
	char *cfg = coach_path_join(home, ".gitconfig");
	if (name == NULL) {
		unlink(cfg);
	} else {
		char *text = coach_xasprintf("[user]\n\tname = %s\n"
			"\temail = %s\n", name, email);
		write_text(cfg, text);
		free(text);
	}
	free(cfg);
}

static int
setup(void **state)
{
	(void)state;
	if (fx_scratch(scratch, sizeof(scratch), "store") != 0)
		return -1;
	snprintf(home, sizeof(home), "%s/home", scratch);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("COACH_LOCK_TIMEOUT");
	set_identity("Ada Lovelace", "ada@school.example");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return fx_remove(scratch);
}

/* The absolute path of name inside the scratch directory. */
static char *
at(const char *name)
{
	return coach_path_join(scratch, name);
}

static void
check_clean(const char *dir)
{
	char *out = sh_ok("git -C %s status --porcelain", dir);
	assert_string_equal(out, "");
	free(out);
}

static void
check_fsck(const char *dir)
{
	free(sh_ok("git -C %s fsck --strict 2>&1", dir));
}

static char *
head_of(const char *dir)
{
	int st;
	char *out = sh(&st, "git -C %s rev-parse -q --verify HEAD 2>/dev/null",
		dir);
	return out;
}

static void
commit_one(struct coach_store *s, const char *path, const char *text,
	const char *msg, char *oid)
{
	struct coach_txn *t;
	check_ok(coach_store_begin(&t, s));
	coach_txn_write(t, path, text, strlen(text));
	check_ok(coach_txn_commit(t, msg, oid));
}

/* A new repository at scratch/name with coach.yml committed. */
static struct coach_store *
new_repo(const char *name, char **dirout)
{
	char *dir = at(name);
	struct coach_store *s;
	check_ok(coach_store_init(&s, dir));
	commit_one(s, "coach.yml", "school: Test\n", "init: Test", NULL);
	*dirout = dir;
	return s;
}

/* ------------------------------------------------------------------ */

static void
test_init_first_commit(void **state)
{
	(void)state;
	char *dir = at("a/b/school");
	struct coach_store *s;
	char oid[41];

	check_ok(coach_store_init(&s, dir));
	char *real = realpath(dir, NULL);
	assert_string_equal(coach_store_root(s), real);
	assert_int_equal(coach_store_head_has(s, "coach.yml"), 0);
	commit_one(s, "coach.yml", "school: Test School\n",
		"init: Test School", oid);
	coach_store_close(s);

	char *log = sh_ok("git -C %s log --format=%%an%%n%%ae%%n%%s", dir);
	assert_string_equal(log,
		"Ada Lovelace\nada@school.example\ninit: Test School\n");
	char *head = sh_ok("git -C %s rev-parse HEAD", dir);
	assert_int_equal(strlen(oid), 40);
	assert_true(strncmp(head, oid, 40) == 0);
	char *branch = sh_ok("git -C %s symbolic-ref HEAD", dir);
	assert_string_equal(branch, "refs/heads/main\n");
	char *blob = sh_ok("git -C %s cat-file -p HEAD:coach.yml", dir);
	assert_string_equal(blob, "school: Test School\n");
	char *parents = sh_ok("git -C %s rev-list --parents HEAD", dir);
	assert_int_equal(strlen(parents), 41);	/* root commit: no parent */
	char *mode = sh_ok("git -C %s ls-tree HEAD coach.yml", dir);
	assert_true(strncmp(mode, "100644 blob ", 12) == 0);
	check_fsck(dir);
	check_clean(dir);

	/* A repository with commits is refused. */
	check_fails(coach_store_init(&s, dir), dir, "commits");
	assert_null(s);

	free(mode);
	free(parents);
	free(blob);
	free(branch);
	free(head);
	free(log);
	free(real);
	free(dir);
}

static void
test_init_over_empty_repo(void **state)
{
	(void)state;
	char *dir = at("empty");
	struct coach_store *s;
	free(sh_ok("git init -q -b master %s", dir));
	check_ok(coach_store_init(&s, dir));
	commit_one(s, "coach.yml", "x: 1\n", "init: x", NULL);
	coach_store_close(s);
	char *branch = sh_ok("git -C %s symbolic-ref HEAD", dir);
	assert_string_equal(branch, "refs/heads/main\n");
	check_fsck(dir);
	check_clean(dir);

	/* HEAD unborn, but commits on another branch: refused. */
	char *other = at("other");
	free(sh_ok("git init -q -b main %s && cd %s && git commit -q "
		"--allow-empty -m x && git checkout -q --orphan fresh", other,
		other));
	check_fails(coach_store_init(&s, other), "commits");
	free(other);

	/* A bare repository is refused too. */
	char *bare = at("bare.git");
	free(sh_ok("git init -q --bare %s", bare));
	check_fails(coach_store_init(&s, bare), "bare");
	free(bare);
	free(branch);
	free(dir);
}

static void
test_nested_and_remove(void **state)
{
	(void)state;
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	struct coach_txn *t;
	char oid[41];

	check_ok(coach_store_begin(&t, s));
	coach_txn_write(t, "coaching/alice/entries/e1.md", "one\n", 4);
	coach_txn_write(t, "coaching/bob/goals/g1.md", "two\n", 4);
	coach_txn_write(t, "coaching/bob/goals/g1.md", "two!\n", 5);
	assert_int_equal(coach_txn_count(t), 2);
	check_ok(coach_txn_commit(t, "log: two files\n\nwith a body", oid));
	check_fsck(dir);
	check_clean(dir);
	char *files = sh_ok("git -C %s ls-tree -r --name-only HEAD", dir);
	assert_string_equal(files, "coach.yml\ncoaching/alice/entries/e1.md\n"
		"coaching/bob/goals/g1.md\n");
	char *body = sh_ok("git -C %s cat-file -p HEAD:coaching/bob/goals/g1.md",
		dir);
	assert_string_equal(body, "two!\n");
	char *msg = sh_ok("git -C %s log -1 --format=%%B", dir);
	assert_string_equal(msg, "log: two files\n\nwith a body\n\n");
	char *count = sh_ok("git -C %s rev-list --count HEAD", dir);
	assert_string_equal(count, "2\n");
	assert_int_equal(coach_store_head_has(s, "coaching/bob/goals/g1.md"), 1);
	assert_int_equal(coach_store_head_has(s, "coaching/bob"), 0);
	assert_int_equal(coach_store_head_has(s, "nope.md"), 0);

	/* Removal takes the file and its emptied directories away. */
	check_ok(coach_store_begin(&t, s));
	coach_txn_remove(t, "coaching/bob/goals/g1.md");
	coach_txn_write(t, "coaching/alice/entries/e1.md", "one, edited\n", 12);
	check_ok(coach_txn_commit(t, "goal rm: bob g1", NULL));
	check_fsck(dir);
	check_clean(dir);
	char *files2 = sh_ok("git -C %s ls-tree -r --name-only HEAD", dir);
	assert_string_equal(files2, "coach.yml\ncoaching/alice/entries/e1.md\n");
	char *bob = coach_path_join(dir, "coaching/bob");
	struct stat st;
	assert_int_equal(stat(bob, &st), -1);
	assert_int_equal(coach_store_head_has(s, "coaching/bob/goals/g1.md"), 0);
	char *stat_out = sh_ok("git -C %s show --stat --format=%%s HEAD", dir);
	assert_non_null(strstr(stat_out, "goal rm: bob g1"));
	assert_non_null(strstr(stat_out, "2 files changed"));

	/* Nothing staged: refused, no commit. */
	char *before = head_of(dir);
	check_ok(coach_store_begin(&t, s));
	check_fails(coach_txn_commit(t, "empty", NULL), "nothing to commit");
	char *after = head_of(dir);
	assert_string_equal(before, after);

	coach_store_close(s);
	free(after);
	free(before);
	free(stat_out);
	free(bob);
	free(files2);
	free(count);
	free(msg);
	free(body);
	free(files);
	free(dir);
}

static void
test_identity_missing(void **state)
{
	(void)state;
	char *dir = at("school");
	struct coach_store *s;
	struct coach_txn *t = (struct coach_txn *)1;
	char *name = NULL, *email = NULL;

	set_identity(NULL, NULL);
	check_ok(coach_store_init(&s, dir));
	check_fails(coach_store_identity(s, &name, &email),
		"git config --global user.name \"Your Name\"",
		"git config --global user.email you@school.example");
	assert_null(name);
	assert_null(email);
	check_fails(coach_store_begin(&t, s),
		"user.name and user.email are not set",
		"git config --global user.name \"Your Name\"",
		"git config --global user.email you@school.example");
	assert_null(t);
	coach_store_close(s);
	char *ls = sh_ok("ls -A %s", dir);
	assert_string_equal(ls, ".git\n");
	int st;
	free(sh(&st, "git -C %s rev-parse -q --verify HEAD", dir));
	assert_int_not_equal(st, 0);

	/* Only the name set: still refused. */
	char *cfg = coach_path_join(home, ".gitconfig");
	write_text(cfg, "[user]\n\tname = Ada\n");
	check_ok(coach_store_open(&s, dir, NULL));
	check_fails(coach_store_begin(&t, s), "user.email is not set",
		"git config --global user.email you@school.example");
	coach_store_close(s);

	/* With both, the identity is read from config. */
	set_identity("Bea Smith", "bea@school.example");
	check_ok(coach_store_open(&s, dir, NULL));
	check_ok(coach_store_identity(s, &name, &email));
	assert_string_equal(name, "Bea Smith");
	assert_string_equal(email, "bea@school.example");
	coach_store_close(s);
	free(name);
	free(email);
	free(cfg);
	free(ls);
	free(dir);
}

/* Writes a change to an existing file, a new file in a new directory and
 * removes another, with git's lock file lock present: the commit must
 * fail naming the lock, leave every file as it was and HEAD unmoved. */
static void
check_stale_lock(const char *lockname)
{
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	struct coach_txn *t;
	commit_one(s, "notes/keep.md", "keep\n", "add keep", NULL);
	char *before = head_of(dir);
	char *lock = coach_xasprintf("%s/.git/%s", dir, lockname);
	write_text(lock, "");

	check_ok(coach_store_begin(&t, s));
	coach_txn_write(t, "coach.yml", "school: Changed\n", 16);
	coach_txn_write(t, "new/deeper/file.md", "new\n", 4);
	coach_txn_remove(t, "notes/keep.md");
	check_fails(coach_txn_commit(t, "should fail", NULL), lock, "remove");

	char *after = head_of(dir);
	assert_string_equal(before, after);
	char *yml = sh_ok("cat %s/coach.yml", dir);
	assert_string_equal(yml, "school: Test\n");
	char *keep = sh_ok("cat %s/notes/keep.md", dir);
	assert_string_equal(keep, "keep\n");
	char *ls = sh_ok("ls -A %s", dir);
	assert_string_equal(ls, ".git\ncoach.yml\nnotes\n");
	unlink(lock);
	check_clean(dir);
	check_fsck(dir);

	/* Once the lock is gone, the same change goes through. */
	check_ok(coach_store_begin(&t, s));
	coach_txn_write(t, "coach.yml", "school: Changed\n", 16);
	coach_txn_write(t, "new/deeper/file.md", "new\n", 4);
	coach_txn_remove(t, "notes/keep.md");
	check_ok(coach_txn_commit(t, "now it works", NULL));
	check_clean(dir);
	check_fsck(dir);
	char *files = sh_ok("git -C %s ls-tree -r --name-only HEAD", dir);
	assert_string_equal(files, "coach.yml\nnew/deeper/file.md\n");

	coach_store_close(s);
	free(files);
	free(ls);
	free(keep);
	free(yml);
	free(after);
	free(before);
	free(lock);
	free(dir);
}

static void
test_stale_index_lock(void **state)
{
	(void)state;
	check_stale_lock("index.lock");
}

static void
test_stale_ref_lock(void **state)
{
	(void)state;
	check_stale_lock("refs/heads/main.lock");
}

/* The ref lock on the very first commit: nothing stays behind. */
static void
test_stale_ref_lock_unborn(void **state)
{
	(void)state;
	char *dir = at("school");
	struct coach_store *s;
	struct coach_txn *t;
	check_ok(coach_store_init(&s, dir));
	char *lock = coach_xasprintf("%s/.git/refs/heads/main.lock", dir);
	write_text(lock, "");
	check_ok(coach_store_begin(&t, s));
	coach_txn_write(t, "coach.yml", "x\n", 2);
	coach_txn_write(t, "a/b.md", "x\n", 2);
	check_fails(coach_txn_commit(t, "first", NULL), "main.lock");
	char *ls = sh_ok("ls -A %s", dir);
	assert_string_equal(ls, ".git\n");
	int st;
	free(sh(&st, "git -C %s rev-parse -q --verify HEAD", dir));
	assert_int_not_equal(st, 0);
	unlink(lock);
	commit_one(s, "coach.yml", "x\n", "first", NULL);
	check_clean(dir);
	check_fsck(dir);
	coach_store_close(s);
	free(ls);
	free(lock);
	free(dir);
}

/*
 * The index write fails after the branch moved (a file size limit lets
 * the small files and objects through but not the index, whose entries
 * carry long paths): the branch must go back and the files too.
 */
static void
test_index_write_fails_late(void **state)
{
	(void)state;
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	char longdir[201];
	memset(longdir, 'd', 200);
	longdir[200] = '\0';
	struct coach_txn *t;
	check_ok(coach_store_begin(&t, s));
	for (int i = 0; i < 8; i++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/f%d.md", longdir, i);
		coach_txn_write(t, path, "x\n", 2);
	}
	check_ok(coach_txn_commit(t, "many long paths", NULL));
	coach_store_close(s);
	char *before = head_of(dir);
	char *index_before = sh_ok("sha1sum < %s/.git/index", dir);

	pid_t pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		/* Above the commit's pack index (1,072 bytes and 28 an
		 * object), below the index (eight entries of 200-byte
		 * paths). */
		struct rlimit rl = { 1600, 1600 };
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0 ||
		    coach_store_open(&s, dir, NULL) != NULL ||
		    coach_store_begin(&t, s) != NULL)
			_exit(2);
		coach_txn_write(t, "coach.yml", "school: Changed\n", 16);
		coach_txn_write(t, "brand/new.md", "new\n", 4);
		coach_txn_remove(t, "d/gone.md");
		struct coach_error *err = coach_txn_commit(t, "too big", NULL);
		int ok = err != NULL && strstr(coach_error_msg(err), "index");
		if (!ok)
			fprintf(stderr, "unexpected: %s\n", coach_error_msg(err));
		coach_error_free(err);
		coach_store_close(s);
		_exit(ok ? 0 : 1);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);

	char *after = head_of(dir);
	assert_string_equal(before, after);
	char *index_after = sh_ok("sha1sum < %s/.git/index", dir);
	assert_string_equal(index_before, index_after);
	char *yml = sh_ok("cat %s/coach.yml", dir);
	assert_string_equal(yml, "school: Test\n");
	char *ls = sh_ok("ls -A %s", dir);
	char *want = coach_xasprintf(".git\ncoach.yml\n%s\n", longdir);
	assert_string_equal(ls, want);
	check_clean(dir);
	check_fsck(dir);
	free(want);
	free(ls);
	free(yml);
	free(index_after);
	free(after);
	free(index_before);
	free(before);
	free(dir);
}

/* git's view of the index agrees with HEAD: nothing staged, nothing
 * changed, the TREE extension (git write-tree trusts it) gives HEAD's
 * tree, and the entries coach wrote carry the stat data git itself
 * records (an index rebuilt by git read-tree + update-index --refresh). */
static void
check_index(const char *dir, const char *paths)
{
	check_clean(dir);
	free(sh_ok("git -C %s diff --cached --quiet", dir));
	char *tree = sh_ok("git -C %s write-tree", dir);
	char *head = sh_ok("git -C %s rev-parse HEAD^{tree}", dir);
	assert_string_equal(tree, head);
	char *ours = sh_ok("git -C %s ls-files -s --debug %s", dir, paths);
	char *theirs = sh_ok("cd %s && export GIT_INDEX_FILE=.git/rebuilt && "
		"git read-tree HEAD && git update-index -q --refresh && "
		"git ls-files -s --debug %s && rm .git/rebuilt", dir, paths);
	assert_string_equal(ours, theirs);
	char *all = sh_ok("git -C %s ls-files -s | awk '{print $1, $2, $4}'",
		dir);
	char *tree_all = sh_ok("git -C %s ls-tree -r HEAD | "
		"awk '{print $1, $3, $4}'", dir);
	assert_string_equal(all, tree_all);
	check_fsck(dir);
	free(tree_all);
	free(all);
	free(theirs);
	free(ours);
	free(head);
	free(tree);
}

/* A commit rewrites only its entries of git's index (spliced in): with a
 * TREE extension git made, an untracked cache, an entry being replaced,
 * added before and after others, removed, and in a new directory. */
static void
test_index_splice(void **state)
{
	(void)state;
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	struct coach_txn *t;
	check_ok(coach_store_begin(&t, s));
	coach_txn_write(t, "a/x.md", "x\n", 2);
	coach_txn_write(t, "a/y.md", "y\n", 2);
	coach_txn_write(t, "b/z.md", "z\n", 2);
	coach_txn_write(t, "c/d/e.md", "e\n", 2);
	check_ok(coach_txn_commit(t, "four", NULL));
	/* git's own index: every TREE node valid, an untracked cache. */
	free(sh_ok("cd %s && git read-tree HEAD && git update-index -q "
		"--refresh && git update-index --untracked-cache && "
		"git status --porcelain >/dev/null", dir));
	char *ext = sh_ok("grep -c -a TREE %s/.git/index", dir);
	assert_string_equal(ext, "1\n");

	check_ok(coach_store_begin(&t, s));
	coach_txn_write(t, "a/x.md", "x changed\n", 10);
	coach_txn_write(t, "a/0.md", "first\n", 6);
	coach_txn_write(t, "a/z.md", "last\n", 5);
	coach_txn_remove(t, "b/z.md");
	coach_txn_write(t, "brand/new/dir.md", "new\n", 4);
	check_ok(coach_txn_commit(t, "five paths", NULL));
	check_index(dir, "a/x.md a/0.md a/z.md brand/new/dir.md");
	char *gone = sh_ok("git -C %s ls-files b", dir);
	assert_string_equal(gone, "");

	/* An index libgit2 handles instead (version 4), then back. */
	free(sh_ok("git -C %s update-index --index-version 4", dir));
	commit_one(s, "c/d/e.md", "e4\n", "v4", NULL);
	check_index(dir, "c/d/e.md");
	free(sh_ok("git -C %s update-index --index-version 2", dir));
	commit_one(s, "c/d/f.md", "f\n", "v2 again", NULL);
	check_index(dir, "c/d/f.md");

	/* An index with blocks of zeros, as a crash leaves one, is not
	 * spliced into: the index, derived data, is made again from HEAD. */
	free(sh_ok("cd %s && dd if=/dev/zero of=.git/index bs=1 seek=40 "
		"count=64 conv=notrunc 2>/dev/null", dir));
	check_ok(coach_store_begin(&t, s));
	coach_txn_write(t, "a/x.md", "again\n", 6);
	check_ok(coach_txn_commit(t, "bad index", NULL));
	check_index(dir, "a/x.md");
	check_clean(dir);
	coach_store_close(s);
	free(gone);
	free(ext);
	free(dir);
}

/* More paths than the per-file fsync threshold, some staged twice, in
 * an order that is not the path order; then the same size failing. */
static void
test_big_transaction(void **state)
{
	(void)state;
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	struct coach_txn *t;
	char path[64], text[64];
	check_ok(coach_store_begin(&t, s));
	for (int i = 299; i >= 0; i--) {
		snprintf(path, sizeof(path), "big/d%d/f%03d.md", i % 7, i);
		snprintf(text, sizeof(text), "first %d\n", i);
		coach_txn_write(t, path, text, strlen(text));
	}
	for (int i = 0; i < 300; i += 10) {
		snprintf(path, sizeof(path), "big/d%d/f%03d.md", i % 7, i);
		snprintf(text, sizeof(text), "second %d\n", i);
		coach_txn_write(t, path, text, strlen(text));
	}
	assert_int_equal(coach_txn_count(t), 300);
	check_ok(coach_txn_commit(t, "big", NULL));
	check_fsck(dir);
	check_clean(dir);
	char *n = sh_ok("git -C %s ls-tree -r --name-only HEAD big | wc -l", dir);
	assert_string_equal(n, "300\n");
	char *f10 = sh_ok("git -C %s cat-file -p HEAD:big/d3/f010.md", dir);
	assert_string_equal(f10, "second 10\n");
	char *f11 = sh_ok("git -C %s cat-file -p HEAD:big/d4/f011.md", dir);
	assert_string_equal(f11, "first 11\n");

	/* 300 changes and new directories, the branch locked: all undone. */
	char *before = head_of(dir);
	char *lock = coach_xasprintf("%s/.git/refs/heads/main.lock", dir);
	write_text(lock, "");
	check_ok(coach_store_begin(&t, s));
	for (int i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "big/d%d/f%03d.md", i % 7, i);
		coach_txn_write(t, path, "changed\n", 8);
		snprintf(path, sizeof(path), "other/e%d/g%03d.md", i % 5, i);
		coach_txn_write(t, path, "new\n", 4);
	}
	check_fails(coach_txn_commit(t, "locked", NULL), "main.lock");
	unlink(lock);
	char *after = head_of(dir);
	assert_string_equal(before, after);
	check_clean(dir);
	char *ls = sh_ok("ls -A %s", dir);
	assert_string_equal(ls, ".git\nbig\ncoach.yml\n");
	coach_store_close(s);
	free(ls);
	free(after);
	free(lock);
	free(before);
	free(f11);
	free(f10);
	free(n);
	free(dir);
}

static void
writer(const char *dir, int who, int n)
{
	struct coach_store *s;
	struct coach_error *err = coach_store_open(&s, dir, "coach.yml");
	int ok = err == NULL;
	coach_error_free(err);
	for (int i = 0; ok && i < n; i++) {
		struct coach_txn *t;
		char path[64], text[64], msg[64];
		snprintf(path, sizeof(path), "w%d/n%02d.md", who, i);
		snprintf(text, sizeof(text), "writer %d, commit %d\n", who, i);
		snprintf(msg, sizeof(msg), "writer %d: %d", who, i);
		err = coach_store_begin(&t, s);
		if (err == NULL) {
			coach_txn_write(t, path, text, strlen(text));
			coach_txn_write(t, "shared.md", text, strlen(text));
			err = coach_txn_commit(t, msg, NULL);
		}
		if (err != NULL) {
			fprintf(stderr, "writer %d: %s\n", who,
				coach_error_msg(err));
			ok = 0;
		}
		coach_error_free(err);
	}
	if (ok)
		coach_store_close(s);
	_exit(ok ? 0 : 1);
}

static void
test_concurrent_writers(void **state)
{
	(void)state;
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	coach_store_close(s);
	setenv("COACH_LOCK_TIMEOUT", "60", 1);
	pid_t pids[2];
	for (int w = 0; w < 2; w++) {
		pids[w] = fork();
		assert_true(pids[w] != -1);
		if (pids[w] == 0)
			writer(dir, w, 20);
	}
	for (int w = 0; w < 2; w++) {
		int st;
		assert_int_equal(waitpid(pids[w], &st, 0), pids[w]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	char *count = sh_ok("git -C %s rev-list --count HEAD", dir);
	assert_string_equal(count, "41\n");
	char *files = sh_ok("git -C %s ls-tree -r --name-only HEAD | grep -c '^w'",
		dir);
	assert_string_equal(files, "40\n");
	char *subjects = sh_ok("git -C %s log --format=%%s | grep -c '^writer'",
		dir);
	assert_string_equal(subjects, "40\n");
	/* Each commit has exactly one parent: a straight line, none lost. */
	char *merges = sh_ok("git -C %s rev-list --min-parents=2 --count HEAD",
		dir);
	assert_string_equal(merges, "0\n");
	check_fsck(dir);
	check_clean(dir);
	free(merges);
	free(subjects);
	free(files);
	free(count);
	free(dir);
}

/* A child that takes the writer's lock, says so on fd and then sleeps. */
static pid_t
lock_holder(const char *dir)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(p[0]);
		struct coach_store *s;
		struct coach_txn *t;
		if (coach_store_open(&s, dir, NULL) != NULL ||
		    coach_store_begin(&t, s) != NULL)
			_exit(1);
		coach_txn_write(t, "half.md", "x\n", 2);
		if (write(p[1], "1", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	char c;
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_lock_timeout(void **state)
{
	(void)state;
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	char *before = head_of(dir);
	pid_t pid = lock_holder(dir);
	struct coach_txn *t;

	setenv("COACH_LOCK_TIMEOUT", "0.5", 1);
	double t0 = now();
	struct coach_error *err = coach_store_begin(&t, s);
	double waited = now() - t0;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	check_fails(err, "another coach command is writing to this "
		"repository; try again");
	/* It did wait (a lower bound cannot flake on a slow machine). */
	assert_true(waited >= 0.45);

	char *after = head_of(dir);
	assert_string_equal(before, after);
	check_clean(dir);
	coach_store_close(s);
	free(after);
	free(before);
	free(dir);
}

static void
test_killed_holder(void **state)
{
	(void)state;
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	pid_t pid = lock_holder(dir);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	/* No wait at all: had the dead holder's lock stayed, this would
	 * fail at once. */
	setenv("COACH_LOCK_TIMEOUT", "0", 1);
	commit_one(s, "after.md", "after\n", "after the crash", NULL);
	char *count = sh_ok("git -C %s rev-list --count HEAD", dir);
	assert_string_equal(count, "2\n");
	check_clean(dir);
	check_fsck(dir);
	coach_store_close(s);
	free(count);
	free(dir);
}

static void
test_discovery(void **state)
{
	(void)state;
	char *dir;
	struct coach_store *s = new_repo("outer", &dir);
	coach_store_close(s);
	char *real = realpath(dir, NULL);
	/* A plain git repository (no coach.yml) inside the coach one. */
	char *inner = at("outer/sub/inner");
	free(sh_ok("git init -q %s && mkdir -p %s/deep/er %s/x/y", inner,
		inner, dir));
	char *inner_real = realpath(inner, NULL);
	char *deep = at("outer/sub/inner/deep/er");
	char *sub = at("outer/x/y");

	check_ok(coach_store_open(&s, sub, "coach.yml"));
	assert_string_equal(coach_store_root(s), real);
	coach_store_close(s);

	check_ok(coach_store_open(&s, deep, "coach.yml"));
	assert_string_equal(coach_store_root(s), real);
	coach_store_close(s);

	check_ok(coach_store_open(&s, deep, NULL));
	assert_string_equal(coach_store_root(s), inner_real);
	coach_store_close(s);

	/* No repository with the marker above: refused, naming the dir. */
	char *lone = at("lone/a");
	free(sh_ok("mkdir -p %s && git init -q %s/..", lone, lone));
	check_fails(coach_store_open(&s, lone, "coach.yml"), lone,
		"coach.yml");
	assert_null(s);
	check_fails(coach_store_open(&s, home, NULL), "not in a git");
	char *missing = at("no/such/dir");
	check_fails(coach_store_open(&s, missing, NULL), missing);

	/* coach_store_find: none found is not an error. */
	s = (struct coach_store *)1;
	check_ok(coach_store_find(&s, lone, "coach.yml"));
	assert_null(s);
	check_ok(coach_store_find(&s, sub, "coach.yml"));
	assert_non_null(s);
	assert_string_equal(coach_store_root(s), real);
	coach_store_close(s);

	/* GIT_CEILING_DIRECTORIES stops the search, as it does git's. */
	char *ceiling = coach_xasprintf("%s/x", real);
	setenv("GIT_CEILING_DIRECTORIES", ceiling, 1);
	check_fails(coach_store_open(&s, sub, "coach.yml"), "not in a coach");
	unsetenv("GIT_CEILING_DIRECTORIES");
	free(ceiling);

	/* Bare repositories are refused, by find too. */
	char *bare = at("bare.git");
	free(sh_ok("git init -q --bare %s", bare));
	check_fails(coach_store_open(&s, bare, NULL), "bare");
	check_fails(coach_store_find(&s, bare, NULL), "bare");
	assert_null(s);

	free(bare);
	free(missing);
	free(lone);
	free(sub);
	free(deep);
	free(inner_real);
	free(inner);
	free(real);
	free(dir);
}

static void
test_ownership(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();	/* only root can give a repository away */
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	coach_store_close(s);
	char *real = realpath(dir, NULL);
	free(sh_ok("chown -R 12345:12345 %s", dir));
	check_fails(coach_store_open(&s, dir, "coach.yml"),
		"belongs to another user",
		"git config --global --add safe.directory", real);
	check_fails(coach_store_find(&s, dir, "coach.yml"),
		"git config --global --add safe.directory", real);
	char *sub = coach_xasprintf("%s/deeper", dir);
	free(sh_ok("mkdir %s", sub));
	check_fails(coach_store_open(&s, sub, NULL),
		"git config --global --add safe.directory", real);
	free(sub);
	free(sh_ok("git config --global --add safe.directory %s", real));
	check_ok(coach_store_open(&s, dir, "coach.yml"));
	coach_store_close(s);
	free(real);
	free(dir);
}

static void
test_path_refusals(void **state)
{
	(void)state;
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	char *before = head_of(dir);
	const char *bad[] = { "/etc/passwd", "../escape.md", "a/../../b.md",
		".git/config", "a/.git/hooks/x", ".GIT/x", "a//b.md", "a/",
		"", ".", "./a.md", "a/./b.md", "..", "coaching/.git" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct coach_txn *t;
		check_ok(coach_store_begin(&t, s));
		coach_txn_write(t, "fine.md", "ok\n", 3);
		coach_txn_write(t, bad[i], "bad\n", 4);
		coach_txn_remove(t, bad[i]);
		assert_int_equal(coach_txn_count(t), 1);
		char *quoted = coach_xasprintf("'%s'", bad[i]);
		check_fails(coach_txn_commit(t, "bad", NULL), "refusing",
			quoted);
		free(quoted);
	}
	/* Nothing is written through a symbolic link, nor over one. */
	char *outside = at("outside");
	free(sh_ok("mkdir %s && ln -s %s %s/link && ln -s %s/x.md %s/x.md",
		outside, outside, dir, outside, dir));
	struct coach_txn *t;
	check_ok(coach_store_begin(&t, s));
	coach_txn_write(t, "link/evil.md", "evil\n", 5);
	check_fails(coach_txn_commit(t, "evil", NULL), "link",
		"symbolic link");
	check_ok(coach_store_begin(&t, s));
	coach_txn_write(t, "x.md", "evil\n", 5);
	check_fails(coach_txn_commit(t, "evil", NULL), "x.md",
		"not a regular file");
	char *out_ls = sh_ok("ls -A %s", outside);
	assert_string_equal(out_ls, "");
	free(sh_ok("rm %s/link %s/x.md", dir, dir));
	free(out_ls);
	free(outside);

	char *after = head_of(dir);
	assert_string_equal(before, after);
	char *ls = sh_ok("ls -A %s", dir);
	assert_string_equal(ls, ".git\ncoach.yml\n");
	struct stat st;
	assert_int_equal(stat("/tmp/escape.md", &st) == 0 &&
		st.st_mtime >= time(NULL) - 60, 0);
	check_clean(dir);
	check_fsck(dir);
	coach_store_close(s);
	free(ls);
	free(after);
	free(before);
	free(dir);
}

/* Stage something that cannot be committed; the commit must fail with
 * a message containing want, writing nothing. */
static void
check_commit_refused(struct coach_store *s, const char *dir,
	const char *path, const char *message, const char *want)
{
	char *before = head_of(dir);
	char *ls_before = sh_ok("cd %s && find . -path ./.git -prune -o "
		"-print | sort", dir);
	struct coach_txn *t;
	check_ok(coach_store_begin(&t, s));
	coach_txn_write(t, "fresh/new.md", "new\n", 4);
	coach_txn_write(t, path, "x\n", 2);
	check_fails(coach_txn_commit(t, message, NULL), want);
	char *after = head_of(dir);
	assert_string_equal(before, after);
	char *ls_after = sh_ok("cd %s && find . -path ./.git -prune -o "
		"-print | sort", dir);
	assert_string_equal(ls_before, ls_after);
	free(ls_after);
	free(after);
	free(ls_before);
	free(before);
}

static void
test_refused_commits(void **state)
{
	(void)state;
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	check_commit_refused(s, dir, "coach.yml/x.md", "file as a directory",
		"coach.yml is a file in the repository");
	commit_one(s, "sub/dir/a.md", "a\n", "sub", NULL);
	check_commit_refused(s, dir, "sub/dir", "directory as a file",
		"sub/dir: it is a directory in the repository");
	check_commit_refused(s, dir, "fresh", "both in one change",
		"cannot write both fresh and fresh/new.md");
	check_commit_refused(s, dir, "ok.md", " \n\n", "empty commit message");
	free(sh_ok("git -C %s checkout -q --detach", dir));
	check_commit_refused(s, dir, "ok.md", "detached", "HEAD is detached");
	free(sh_ok("git -C %s checkout -q main", dir));
	check_clean(dir);
	check_fsck(dir);
	coach_store_close(s);
	free(dir);
}

static void
expect_list(struct coach_strlist *l, const char **want, size_t n)
{
	for (size_t i = 0; i < l->n && i < n; i++)
		assert_string_equal(l->v[i], want[i]);
	assert_int_equal(l->n, n);
	coach_strlist_free(l);
	*l = (struct coach_strlist)COACH_STRLIST_INIT;
}

static void
test_changes(void **state)
{
	(void)state;
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	struct coach_txn *t;
	check_ok(coach_store_begin(&t, s));
	coach_txn_write(t, "coaching/alice/a.md", "a\n", 2);
	coach_txn_write(t, "coaching/alice/b.md", "b\n", 2);
	coach_txn_write(t, "coaching/alice/c.md", "c\n", 2);
	coach_txn_write(t, "coaching/bob/c.md", "c\n", 2);
	check_ok(coach_txn_commit(t, "setup", NULL));

	struct coach_strlist l = COACH_STRLIST_INIT;
	check_ok(coach_store_changes(s, "", &l));
	expect_list(&l, NULL, 0);

	free(sh_ok("cd %s && echo edited >> coaching/alice/a.md && "
		"rm coaching/alice/b.md && mkdir -p coaching/alice/new && "
		"echo n > coaching/alice/new/n.md && echo x > coaching/bob/c.md "
		"&& mkdir coaching/alice2 && echo y > coaching/alice2/y.md && "
		"echo z > top.md", dir));
	const char *alice[] = { "M coaching/alice/a.md",
		"D coaching/alice/b.md", "A coaching/alice/new/n.md" };
	check_ok(coach_store_changes(s, "coaching/alice/", &l));
	expect_list(&l, alice, 3);
	check_ok(coach_store_changes(s, "coaching/alice", &l));
	expect_list(&l, alice, 3);
	const char *bob[] = { "M coaching/bob/c.md" };
	check_ok(coach_store_changes(s, "coaching/bob/", &l));
	expect_list(&l, bob, 1);
	check_ok(coach_store_changes(s, "coaching/carol/", &l));
	expect_list(&l, NULL, 0);
	const char *all[] = { "M coaching/alice/a.md", "D coaching/alice/b.md",
		"A coaching/alice/new/n.md", "A coaching/alice2/y.md",
		"M coaching/bob/c.md", "A top.md" };
	check_ok(coach_store_changes(s, "", &l));
	expect_list(&l, all, 6);

	/* Staged by hand with git: still a change against HEAD. */
	free(sh_ok("cd %s && git add coaching/alice && git rm -q --cached "
		"coaching/alice/c.md", dir));
	const char *alice2[] = { "M coaching/alice/a.md",
		"D coaching/alice/b.md", "M coaching/alice/c.md",
		"A coaching/alice/new/n.md" };
	check_ok(coach_store_changes(s, "coaching/alice/", &l));
	expect_list(&l, alice2, 4);

	/* Ignored files are not changes. */
	free(sh_ok("cd %s && git reset -q && git checkout -q -- . && "
		"git clean -qfd && echo '*.tmp' > .git/info/exclude && "
		"echo t > coaching/bob/x.tmp", dir));
	check_ok(coach_store_changes(s, "", &l));
	expect_list(&l, NULL, 0);

	coach_store_close(s);
	free(dir);
}

static void
test_merge_driver_setup(void **state)
{
	(void)state;
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	check_ok(coach_store_merge_driver_setup(s, NULL));
	char *cli = sh_ok("git -C %s config --local merge.coach.driver", dir);
	assert_string_equal(cli, "coach merge-driver %O %A %B %P\n");
	free(cli);
	/* A path with a space and a quote is quoted for git's shell; a
	 * second setup replaces the first. */
	check_ok(coach_store_merge_driver_setup(s, "/opt/my coach/it's"));
	cli = sh_ok("git -C %s config --local merge.coach.driver", dir);
	assert_string_equal(cli, "'/opt/my coach/it'\\''s' merge-driver %O "
	    "%A %B %P\n");
	free(cli);
	cli = sh_ok("git -C %s config --local --get-all merge.coach.name | "
	    "wc -l", dir);
	assert_string_equal(cli, "1\n");
	free(cli);
	coach_store_close(s);
	free(dir);
}

static void
test_config(void **state)
{
	(void)state;
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	char *v = NULL;
	check_ok(coach_store_config_get(s, "coach.test", &v));
	assert_null(v);
	check_ok(coach_store_config_set(s, "coach.test", "hello world"));
	check_ok(coach_store_config_get(s, "coach.test", &v));
	assert_string_equal(v, "hello world");
	free(v);
	char *cli = sh_ok("git -C %s config --local coach.test", dir);
	assert_string_equal(cli, "hello world\n");
	free(cli);
	/* Changed behind our back: read afresh. */
	free(sh_ok("git -C %s config --local coach.test again", dir));
	check_ok(coach_store_config_get(s, "coach.test", &v));
	assert_string_equal(v, "again");
	free(v);
	check_ok(coach_store_config_get(s, "user.email", &v));
	assert_string_equal(v, "ada@school.example");
	free(v);
	coach_store_close(s);

	check_ok(coach_store_global_config_get("user.name", &v));
	assert_string_equal(v, "Ada Lovelace");
	free(v);
	check_ok(coach_store_global_config_get("coach.test", &v));
	assert_null(v);
	free(sh_ok("git config --global coach.dir /srv/school"));
	check_ok(coach_store_global_config_get("coach.dir", &v));
	assert_string_equal(v, "/srv/school");
	free(v);
	free(dir);
}

static void
test_ahead_behind(void **state)
{
	(void)state;
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	size_t ahead = 9, behind = 9;
	int up = 9;
	check_ok(coach_store_ahead_behind(s, &ahead, &behind, &up));
	assert_int_equal(ahead, 0);
	assert_int_equal(behind, 0);
	assert_int_equal(up, 0);

	char *remote = at("remote.git");
	char *other = at("other");
	/* Configured, but never fetched: no upstream to compare with yet. */
	free(sh_ok("git clone -q --bare %s %s && git -C %s remote add origin %s"
		" && git -C %s config branch.main.remote origin && git -C %s "
		"config branch.main.merge refs/heads/main", dir, remote, dir,
		remote, dir, dir));
	check_ok(coach_store_ahead_behind(s, &ahead, &behind, &up));
	assert_int_equal(up, 0);
	free(sh_ok("git -C %s fetch -q origin", dir));
	check_ok(coach_store_ahead_behind(s, &ahead, &behind, &up));
	assert_int_equal(up, 1);
	assert_int_equal(ahead, 0);
	assert_int_equal(behind, 0);

	commit_one(s, "one.md", "1\n", "one", NULL);
	commit_one(s, "two.md", "2\n", "two", NULL);
	free(sh_ok("git clone -q %s %s && cd %s && echo o > o.md && git add "
		"o.md && git commit -qm other && git push -q origin main && "
		"git -C %s fetch -q origin", remote, other, other, dir));
	check_ok(coach_store_ahead_behind(s, &ahead, &behind, &up));
	assert_int_equal(up, 1);
	assert_int_equal(ahead, 2);
	assert_int_equal(behind, 1);
	char *cli = sh_ok("git -C %s rev-list --left-right --count "
		"main...origin/main", dir);
	assert_string_equal(cli, "2\t1\n");

	/* A local branch as upstream (remote "."). */
	free(sh_ok("git -C %s branch -q base HEAD~1 && git -C %s branch -q -u "
		"base", dir, dir));
	check_ok(coach_store_ahead_behind(s, &ahead, &behind, &up));
	assert_int_equal(up, 1);
	assert_int_equal(ahead, 1);
	assert_int_equal(behind, 0);
	coach_store_close(s);
	free(cli);
	free(other);
	free(remote);
	free(dir);
}

/* Modes, untouched neighbours and a file replaced by hand-made content. */
static void
test_keeps_other_entries(void **state)
{
	(void)state;
	char *dir;
	struct coach_store *s = new_repo("school", &dir);
	free(sh_ok("cd %s && mkdir tools && printf '#!/bin/sh\\n' > tools/run "
		"&& chmod 755 tools/run && git add tools && git commit -qm tools",
		dir));
	/* Unrelated hand edits and new files stay uncommitted: the commit
	 * touches only its own paths. */
	free(sh_ok("cd %s && echo hand >> coach.yml && echo u > untracked.md",
		dir));
	commit_one(s, "tools/run", "#!/bin/sh\necho hi\n", "tools: edit",
		NULL);
	char *mode = sh_ok("git -C %s ls-tree HEAD tools/run", dir);
	assert_true(strncmp(mode, "100755 ", 7) == 0);
	char *st = sh_ok("git -C %s status --porcelain", dir);
	assert_string_equal(st, " M coach.yml\n?? untracked.md\n");
	struct stat sb;
	char *run = coach_path_join(dir, "tools/run");
	assert_int_equal(stat(run, &sb), 0);
	assert_true(sb.st_mode & S_IXUSR);
	check_fsck(dir);
	coach_store_close(s);
	free(run);
	free(st);
	free(mode);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_first_commit, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_init_over_empty_repo,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_and_remove, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_identity_missing, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_stale_index_lock, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_stale_ref_lock, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_stale_ref_lock_unborn,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_transaction, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_index_write_fails_late,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_writers, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_lock_timeout, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_killed_holder, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_discovery, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_ownership, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_refused_commits, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_path_refusals, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_splice, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_driver_setup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ahead_behind, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_keeps_other_entries, setup,
			teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
