/* The front-matter cache: what it keeps, and that it never serves a
 * string for a file that changed, whatever happened to the cache file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fmcache.h"
#include "util.h"

struct fx {
	char top[64];
	char root[80];  /* the work tree */
	char file[96];  /* the cache, outside it as in .git/ */
};

static void
write_at(const struct fx *f, const char *rel, const char *text)
{
	char *p = coach_path_join(f->root, rel);
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(p);
}

/* Writes text over rel and puts its mtime back: with text of the old
 * size, only the ctime tells the change. */
static void
edit_keeping_mtime(const struct fx *f, const char *rel, const char *text)
{
	char *p = coach_path_join(f->root, rel);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	write_at(f, rel, text);
	struct timespec times[2] = { st.st_atim, st.st_mtim };
	assert_int_equal(utimensat(AT_FDCWD, p, times, 0), 0);
	free(p);
}

/* Past the clock tick files were written in: they are no longer racy. */
static void
tick(void)
{
	struct timespec ts = { 0, 30 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	strcpy(f->top, "/tmp/fmcache-test-XXXXXX");
	assert_non_null(mkdtemp(f->top));
	snprintf(f->root, sizeof(f->root), "%s/wt", f->top);
	snprintf(f->file, sizeof(f->file), "%s/cache", f->top);
	mkdir(f->root, 0755);
	char *d = coach_path_join(f->root, "staff");
	mkdir(d, 0755);
	free(d);
	write_at(f, "staff/ada.md", "---\nname: Ada\n---\n");
	write_at(f, "staff/bob.md", "---\nname: Bob\n---\n");
	tick();
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = coach_xasprintf("rm -rf '%s'", f->top);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f);
	return 0;
}

/* Gets ada's string from c (putting want when it is missing), saves and
 * frees c; returns 1 when it came from the cache. */
static int
serve_or_put(struct coach_fmcache *c, const char *want)
{
	const void *p;
	size_t len;
	int rc = coach_fmcache_get(c, "staff/ada.md", 0, &p, &len);
	assert_int_not_equal(rc, -1);
	if (rc == 1) {
		assert_int_equal(len, strlen(want));
		assert_memory_equal(p, want, len);
	} else {
		coach_fmcache_put(c, "staff/ada.md", 0, want, strlen(want));
	}
	assert_null(coach_fmcache_save(c));
	coach_fmcache_free(c);
	return rc;
}

/* ada's string through a cache opened with salt: 1 when it came from
 * the cache. */
static int
round_trip(const struct fx *f, uint64_t salt, const char *want)
{
	return serve_or_put(coach_fmcache_open(f->root, f->file, salt), want);
}

static void
test_kept_and_served(void **state)
{
	struct fx *f = *state;
	assert_int_equal(round_trip(f, 1, "Ada"), 0);
	assert_int_equal(round_trip(f, 1, "Ada"), 1);
	/* Another salt: another meaning, nothing served. */
	assert_int_equal(round_trip(f, 2, "Ada2"), 0);
	assert_int_equal(round_trip(f, 2, "Ada2"), 1);
}

/* Paths the listings cannot answer for are refused, never looked up:
 * empty names, "." and "..". */
static void
test_path_names(void **state)
{
	struct fx *f = *state;
	struct coach_fmcache *c = coach_fmcache_open(f->root, f->file, 1);
	static const char *const bad[] = { "/staff", "staff/", "staff//x",
		".", "..", "./staff", "staff/.", "staff/..", "staff/../staff",
		"staff/./x", "//", "/" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int e = 0;
		assert_null(coach_fmcache_dir(c, bad[i], &e));
		assert_int_equal(e, EINVAL);
		assert_int_equal(coach_fmcache_type(c, bad[i]),
		    COACH_FMT_UNKNOWN);
	}
	assert_non_null(coach_fmcache_dir(c, "", NULL));
	assert_non_null(coach_fmcache_dir(c, "staff", NULL));
	assert_int_equal(coach_fmcache_type(c, "staff/ada.md"),
	    COACH_FMT_FILE);
	assert_int_equal(coach_fmcache_type(c, "staff/...md"), COACH_FMT_NONE);
	assert_int_equal(coach_fmcache_type(c, "staff/.x"), COACH_FMT_NONE);
	coach_fmcache_free(c);
}

static void
test_listing(void **state)
{
	struct fx *f = *state;
	struct coach_fmcache *c = coach_fmcache_open(f->root, f->file, 1);
	int e = 0;
	const struct coach_fmdir *d = coach_fmcache_dir(c, "staff", &e);
	assert_non_null(d);
	assert_int_equal(coach_fmdir_count(d), 2);
	assert_string_equal(coach_fmdir_name(d, 0), "ada.md");
	assert_int_equal(coach_fmdir_type(d, 1), COACH_FMT_FILE);
	assert_int_equal(coach_fmcache_type(c, "staff"), COACH_FMT_DIR);
	assert_int_equal(coach_fmcache_type(c, "staff/nobody.md"),
	    COACH_FMT_NONE);
	assert_int_equal(coach_fmcache_type(c, "nothere/x.md"),
	    COACH_FMT_NONE);
	assert_int_equal(coach_fmcache_type(c, "staff/../staff/ada.md"),
	    COACH_FMT_UNKNOWN);
	assert_null(coach_fmcache_dir(c, "staff/ada.md", &e));
	assert_int_equal(e, ENOTDIR);
	coach_fmcache_put(c, "staff/ada.md", 0, "x", 1);
	assert_null(coach_fmcache_save(c));
	coach_fmcache_free(c);

	/* Unchanged: the listing is not read again. */
	tick();
	c = coach_fmcache_open(f->root, f->file, 1);
	struct coach_fmcache_stats st;
	assert_non_null(coach_fmcache_dir(c, "staff", &e));
	coach_fmcache_get_stats(c, &st);
	assert_int_equal(st.dirs_read, 0);
	coach_fmcache_free(c);

	/* A new file: read again, and seen. */
	write_at(f, "staff/cy.md", "---\nname: Cy\n---\n");
	c = coach_fmcache_open(f->root, f->file, 1);
	d = coach_fmcache_dir(c, "staff", &e);
	assert_int_equal(coach_fmdir_count(d), 3);
	coach_fmcache_get_stats(c, &st);
	assert_int_equal(st.dirs_read, 1);
	/* A link is a link, never followed. */
	char *ln = coach_path_join(f->root, "staff/link.md");
	assert_int_equal(symlink("ada.md", ln), 0);
	free(ln);
	coach_fmcache_free(c);
	c = coach_fmcache_open(f->root, f->file, 1);
	assert_int_equal(coach_fmcache_type(c, "staff/link.md"),
	    COACH_FMT_LINK);
	const void *p;
	size_t len;
	assert_int_equal(coach_fmcache_get(c, "staff/link.md", 0, &p, &len),
	    -1);
	coach_fmcache_free(c);
}

/* The same size and the same mtime, restored by hand: ctime tells. */
static void
test_edit_same_size_same_mtime(void **state)
{
	struct fx *f = *state;
	assert_int_equal(round_trip(f, 1, "Ada"), 0);
	edit_keeping_mtime(f, "staff/ada.md", "---\nname: Eve\n---\n");
	tick();
	assert_int_equal(round_trip(f, 1, "Eve"), 0);
	assert_int_equal(round_trip(f, 1, "Eve"), 1);
}

/* Written in the tick the reader started in: never trusted, so a second
 * write in that tick (same size, same mtime) cannot go unseen. */
static void
test_racy(void **state)
{
	struct fx *f = *state;
	struct coach_fmcache *c = coach_fmcache_open(f->root, f->file, 1);
	write_at(f, "staff/ada.md", "---\nname: Zed\n---\n");
	const void *p;
	size_t len;
	assert_int_equal(coach_fmcache_get(c, "staff/ada.md", 0, &p, &len),
	    0);
	coach_fmcache_put(c, "staff/ada.md", 0, "Zed", 3);
	assert_null(coach_fmcache_save(c));
	coach_fmcache_free(c);
	/* Untrusted: read again, then trusted once older than a reader. */
	tick();
	assert_int_equal(round_trip(f, 1, "Zed"), 0);
	assert_int_equal(round_trip(f, 1, "Zed"), 1);
}

/* A change between get and put: nothing stored. */
static void
test_changed_while_read(void **state)
{
	struct fx *f = *state;
	struct coach_fmcache *c = coach_fmcache_open(f->root, f->file, 1);
	const void *p;
	size_t len;
	assert_int_equal(coach_fmcache_get(c, "staff/bob.md", 0, &p, &len),
	    0);
	write_at(f, "staff/bob.md", "---\nname: Bobby\n---\n");
	coach_fmcache_put(c, "staff/bob.md", 0, "Bob", 3);
	assert_null(coach_fmcache_save(c));
	coach_fmcache_free(c);
	tick();
	c = coach_fmcache_open(f->root, f->file, 1);
	assert_int_equal(coach_fmcache_get(c, "staff/bob.md", 0, &p, &len),
	    0);
	coach_fmcache_free(c);
}

static void
damage(const struct fx *f, size_t len, int flip)
{
	struct coach_buf b = COACH_BUF_INIT;
	assert_null(coach_read_file(&b, f->file, 1 << 20));
	if (flip >= 0 && (size_t)flip < b.len)
		b.ptr[flip] ^= 0x20;
	FILE *fp = fopen(f->file, "w");
	fwrite(b.ptr, 1, len < b.len ? len : b.len, fp);
	fclose(fp);
	coach_buf_free(&b);
}

/* Truncated at every length, each byte changed, garbage: an empty
 * cache, never a wrong string, never a crash. */
static void
test_damaged(void **state)
{
	struct fx *f = *state;
	assert_int_equal(round_trip(f, 1, "Ada"), 0);
	struct coach_buf good = COACH_BUF_INIT;
	assert_null(coach_read_file(&good, f->file, 1 << 20));
	for (size_t n = 0; n < good.len; n++) {
		for (int flip = -1; flip < 1; flip++) {
			FILE *fp = fopen(f->file, "w");
			fwrite(good.ptr, 1, good.len, fp);
			fclose(fp);
			if (flip < 0)
				damage(f, n, -1);
			else
				damage(f, good.len, (int)n);
			struct coach_fmcache *c = coach_fmcache_open(f->root,
			    f->file, 1);
			const void *p;
			size_t len;
			assert_int_equal(coach_fmcache_get(c, "staff/ada.md",
			    0, &p, &len), 0);
			coach_fmcache_free(c);
			/* A listing asked first: the names the folder has. */
			c = coach_fmcache_open(f->root, f->file, 1);
			int e = 0;
			const struct coach_fmdir *d = coach_fmcache_dir(c,
			    "staff", &e);
			assert_non_null(d);
			assert_int_equal(coach_fmdir_count(d), 2);
			assert_string_equal(coach_fmdir_name(d, 0), "ada.md");
			assert_string_equal(coach_fmdir_name(d, 1), "bob.md");
			coach_fmcache_free(c);
		}
	}
	FILE *fp = fopen(f->file, "w");
	for (int i = 0; i < 4096; i++)
		fputc((i * 7919) & 0xff, fp);
	fclose(fp);
	assert_int_equal(round_trip(f, 1, "Ada"), 0);
	assert_int_equal(round_trip(f, 1, "Ada"), 1);
	coach_buf_free(&good);
}

/* What one run did not look at stays, and stays checked. */
static void
test_slots_and_unvisited(void **state)
{
	struct fx *f = *state;
	struct coach_fmcache *c = coach_fmcache_open(f->root, f->file, 1);
	const void *p;
	size_t len;
	coach_fmcache_get(c, "staff/ada.md", 0, &p, &len);
	coach_fmcache_put(c, "staff/ada.md", 0, "zero", 4);
	coach_fmcache_get(c, "staff/ada.md", 1, &p, &len);
	coach_fmcache_put(c, "staff/ada.md", 1, "one", 3);
	assert_null(coach_fmcache_save(c));
	coach_fmcache_free(c);
	tick();
	/* A run that looks at nothing keeps everything. */
	c = coach_fmcache_open(f->root, f->file, 1);
	coach_fmcache_put(c, "staff/nothere.md", 0, "x", 1);
	coach_fmcache_get(c, "staff/bob.md", 0, &p, &len);
	coach_fmcache_put(c, "staff/bob.md", 0, "bob", 3);
	assert_null(coach_fmcache_save(c));
	coach_fmcache_free(c);
	c = coach_fmcache_open(f->root, f->file, 1);
	assert_int_equal(coach_fmcache_get(c, "staff/ada.md", 1, &p, &len),
	    1);
	assert_memory_equal(p, "one", 3);
	assert_int_equal(coach_fmcache_get(c, "staff/ada.md", 0, &p, &len),
	    1);
	assert_memory_equal(p, "zero", 4);
	coach_fmcache_free(c);
	/* The file goes: so does what was kept of it. */
	char *path = coach_path_join(f->root, "staff/ada.md");
	unlink(path);
	free(path);
	c = coach_fmcache_open(f->root, f->file, 1);
	assert_int_equal(coach_fmcache_get(c, "staff/ada.md", 0, &p, &len),
	    -1);
	assert_int_equal(coach_fmcache_type(c, "staff/ada.md"),
	    COACH_FMT_NONE);
	coach_fmcache_free(c);
}

static void
test_hash(void **state)
{
	(void)state;
	assert_true(coach_fmcache_hash("abc", 3, 0) !=
	    coach_fmcache_hash("abd", 3, 0));
	assert_true(coach_fmcache_hash("abcdefghi", 9, 0) !=
	    coach_fmcache_hash("abcdefghi", 9, 1));
	assert_true(coach_fmcache_hash("", 0, 0) ==
	    coach_fmcache_hash("", 0, 0));
}

/* Fills the cache with a string for each of ada and bob. */
static void
fill(const struct fx *f)
{
	struct coach_fmcache *c = coach_fmcache_open(f->root, f->file, 1);
	const void *p;
	size_t len;
	if (coach_fmcache_get(c, "staff/ada.md", 0, &p, &len) == 0)
		coach_fmcache_put(c, "staff/ada.md", 0, "Ada", 3);
	if (coach_fmcache_get(c, "staff/bob.md", 0, &p, &len) == 0)
		coach_fmcache_put(c, "staff/bob.md", 0, "Bob", 3);
	assert_null(coach_fmcache_save(c));
	coach_fmcache_free(c);
	tick();
}

/* An open cache answers from the file as it was opened (names and
 * strings are used in place): another process writing a new cache over
 * it, or removing it, changes nothing of what it says, and its own save
 * then says what it saw. */
static void
test_rewritten_while_open(void **state)
{
	struct fx *f = *state;
	const void *ada, *p;
	size_t alen, len;
	int e = 0;
	fill(f);
	struct coach_fmcache *c = coach_fmcache_open(f->root, f->file, 1);
	assert_int_equal(coach_fmcache_get(c, "staff/ada.md", 0, &ada,
	    &alen), 1);
	const struct coach_fmdir *d = coach_fmcache_dir(c, "staff", &e);
	assert_non_null(d);
	/* Another writer keeps bob's new string. */
	write_at(f, "staff/bob.md", "---\nname: Bobby\n---\n");
	tick();
	struct coach_fmcache *o = coach_fmcache_open(f->root, f->file, 1);
	assert_int_equal(coach_fmcache_get(o, "staff/bob.md", 0, &p, &len),
	    0);
	assert_non_null(coach_fmcache_put(o, "staff/bob.md", 0, "Bobby", 5));
	assert_null(coach_fmcache_save(o));
	coach_fmcache_free(o);
	/* Then garbage renamed over it, then none. */
	char *tmp = coach_xasprintf("%s.other", f->file);
	FILE *fp = fopen(tmp, "w");
	for (int i = 0; i < 8192; i++)
		fputc(i & 0xff, fp);
	fclose(fp);
	assert_int_equal(rename(tmp, f->file), 0);
	assert_int_equal(unlink(f->file), 0);
	free(tmp);
	/* What c said holds, and it still knows what it knew. */
	assert_int_equal(alen, 3);
	assert_memory_equal(ada, "Ada", 3);
	assert_int_equal(coach_fmdir_count(d), 2);
	assert_string_equal(coach_fmdir_name(d, 0), "ada.md");
	assert_string_equal(coach_fmdir_name(d, 1), "bob.md");
	assert_int_equal(coach_fmcache_get(c, "staff/ada.md", 0, &p, &len),
	    1);
	assert_ptr_equal(p, ada);
	assert_int_equal(coach_fmcache_get(c, "staff/bob.md", 0, &p, &len),
	    0);
	assert_null(coach_fmcache_save(c));
	coach_fmcache_free(c);
	c = coach_fmcache_open(f->root, f->file, 1);
	assert_int_equal(coach_fmcache_get(c, "staff/ada.md", 0, &p, &len),
	    1);
	assert_memory_equal(p, "Ada", 3);
	assert_int_equal(coach_fmcache_get(c, "staff/bob.md", 0, &p, &len),
	    0);
	coach_fmcache_free(c);
}

/* A string changed in the cache file, its structure whole: only the
 * checksum tells.  Offline answers are given before the preload's
 * threads have checked it, and never held. */
static void
test_offline_damaged(void **state)
{
	struct fx *f = *state;
	const void *p;
	size_t len;
	fill(f);
	struct coach_buf b = COACH_BUF_INIT;
	assert_null(coach_read_file(&b, f->file, 1 << 20));
	char *bob = memmem(b.ptr, b.len, "Bob", 4);
	assert_non_null(bob);
	size_t at = (size_t)(bob - b.ptr), whole = b.len;
	coach_buf_free(&b);
	damage(f, whole, (int)at); /* "Bob" becomes "bob" */
	struct coach_fmcache *c = coach_fmcache_open(f->root, f->file, 1);
	coach_fmcache_preload_start(c);
	coach_fmcache_offline_begin(c);
	int rc = coach_fmcache_get(c, "staff/bob.md", 0, &p, &len);
	assert_true(rc == 0 || (rc == 1 && memcmp(p, "bob", 3) == 0));
	assert_int_equal(coach_fmcache_offline_end(c), 0);
	assert_int_equal(coach_fmcache_get(c, "staff/bob.md", 0, &p, &len),
	    0);
	coach_fmcache_free(c);
	/* Asked without the preload: never served at all. */
	c = coach_fmcache_open(f->root, f->file, 1);
	assert_int_equal(coach_fmcache_get(c, "staff/ada.md", 0, &p, &len),
	    0);
	coach_fmcache_free(c);
}

/* Looked at in threads before the questions: the same answers, a file
 * edited in place (same size and mtime) and a new folder seen, with no
 * stat of their own for what did not change. */
static void
test_preload(void **state)
{
	struct fx *f = *state;
	static const char *const threads[] = { "1", "2", "7" };
	for (size_t t = 0; t < 3; t++) {
		setenv("COACH_THREADS", threads[t], 1);
		fill(f);
		edit_keeping_mtime(f, "staff/bob.md", "---\nname: Bib\n---\n");
		tick();
		struct coach_fmcache *c = coach_fmcache_open(f->root, f->file,
		    1);
		coach_fmcache_preload(c);
		const void *s;
		size_t len;
		assert_int_equal(coach_fmcache_get(c, "staff/ada.md", 0, &s,
		    &len), 1);
		assert_memory_equal(s, "Ada", 3);
		assert_int_equal(coach_fmcache_get(c, "staff/bob.md", 0, &s,
		    &len), 0);
		coach_fmcache_free(c);
		write_at(f, "staff/bob.md", "---\nname: Bob\n---\n");
	}
	unsetenv("COACH_THREADS");
	/* A folder changed: listed again. */
	fill(f);
	write_at(f, "staff/cy.md", "---\nname: Cy\n---\n");
	struct coach_fmcache *c = coach_fmcache_open(f->root, f->file, 1);
	coach_fmcache_preload(c);
	int e = 0;
	const struct coach_fmdir *d = coach_fmcache_dir(c, "staff", &e);
	assert_non_null(d);
	assert_int_equal(coach_fmdir_count(d), 3);
	coach_fmcache_free(c);
}

/* Offline answers while the preload runs: what the cache kept, taken
 * back when the preload finds a file or folder used changed. */
static void
test_offline(void **state)
{
	struct fx *f = *state;
	static const char *const threads[] = { "1", "2", "7" };
	const void *p;
	size_t len;
	int e = 0;
	for (size_t t = 0; t < 3; t++) {
		setenv("COACH_THREADS", threads[t], 1);
		fill(f);
		/* Nothing changed: every answer holds. */
		struct coach_fmcache *c = coach_fmcache_open(f->root, f->file,
		    1);
		coach_fmcache_preload_start(c);
		coach_fmcache_offline_begin(c);
		assert_int_equal(coach_fmcache_get(c, "staff/bob.md", 0, &p,
		    &len), 1);
		assert_memory_equal(p, "Bob", 3);
		assert_int_equal(coach_fmdir_count(coach_fmcache_dir(c,
		    "staff", &e)), 2);
		assert_false(coach_fmcache_unsure(c));
		assert_int_equal(coach_fmcache_offline_end(c), 1);
		coach_fmcache_free(c);

		/* bob edited in place, same size and mtime: the offline
		 * answer is the old one, and is taken back. */
		edit_keeping_mtime(f, "staff/bob.md", "---\nname: Bib\n---\n");
		tick();
		c = coach_fmcache_open(f->root, f->file, 1);
		coach_fmcache_preload_start(c);
		coach_fmcache_offline_begin(c);
		/* Unless the preload saw the change first: then unsure. */
		int rc = coach_fmcache_get(c, "staff/bob.md", 0, &p, &len);
		assert_true(rc == 1 ? memcmp(p, "Bob", 3) == 0 :
		    coach_fmcache_unsure(c));
		assert_int_equal(coach_fmcache_offline_end(c), 0);
		assert_int_equal(coach_fmcache_get(c, "staff/ada.md", 0, &p,
		    &len), 1);
		assert_int_equal(coach_fmcache_get(c, "staff/bob.md", 0, &p,
		    &len), 0);
		coach_fmcache_free(c);
		write_at(f, "staff/bob.md", "---\nname: Bob\n---\n");
		tick();

		/* A file the cache has no string for: unsure at once. */
		fill(f);
		c = coach_fmcache_open(f->root, f->file, 1);
		coach_fmcache_preload_start(c);
		coach_fmcache_offline_begin(c);
		assert_int_equal(coach_fmcache_get(c, "staff/ada.md", 1, &p,
		    &len), 0);
		assert_true(coach_fmcache_unsure(c));
		assert_int_equal(coach_fmcache_offline_end(c), 0);
		assert_false(coach_fmcache_unsure(c));
		coach_fmcache_free(c);

		/* A new file: the folder's listing is taken back. */
		write_at(f, "staff/cy.md", "---\nname: Cy\n---\n");
		tick();
		c = coach_fmcache_open(f->root, f->file, 1);
		coach_fmcache_preload_start(c);
		coach_fmcache_offline_begin(c);
		const struct coach_fmdir *d = coach_fmcache_dir(c, "staff", &e);
		assert_true(d ? coach_fmdir_count(d) == 2 :
		    coach_fmcache_unsure(c));
		assert_int_equal(coach_fmcache_offline_end(c), 0);
		assert_int_equal(coach_fmdir_count(coach_fmcache_dir(c,
		    "staff", &e)), 3);
		coach_fmcache_free(c);
		char *path = coach_path_join(f->root, "staff/cy.md");
		unlink(path);
		free(path);
		tick();
	}
	unsetenv("COACH_THREADS");
}

/* lookup() asks nothing of a file with no string; put_stat() keeps the
 * string with the stat data given, and a file that changed since is
 * read again. */
static void
test_lookup_put_stat(void **state)
{
	struct fx *f = *state;
	struct coach_fmcache *c = coach_fmcache_open(f->root, f->file, 1);
	struct coach_fmcache_stats stats;
	const void *p;
	size_t len;
	assert_int_equal(coach_fmcache_lookup(c, "staff/ada.md", 0, &p, &len),
	    0);
	coach_fmcache_get_stats(c, &stats);
	assert_int_equal(stats.files, 0);
	char *path = coach_path_join(f->root, "staff/ada.md");
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_non_null(coach_fmcache_put_stat(c, "staff/ada.md", 0, "Ada",
	    3, &st));
	assert_null(coach_fmcache_save(c));
	coach_fmcache_free(c);
	c = coach_fmcache_open(f->root, f->file, 1);
	assert_int_equal(coach_fmcache_lookup(c, "staff/ada.md", 0, &p, &len),
	    1);
	assert_memory_equal(p, "Ada", 3);
	/* Kept with stat data the file no longer has: not served. */
	st.st_size += 1;
	assert_non_null(coach_fmcache_put_stat(c, "staff/ada.md", 0, "Old",
	    3, &st));
	assert_null(coach_fmcache_save(c));
	coach_fmcache_free(c);
	c = coach_fmcache_open(f->root, f->file, 1);
	assert_int_equal(coach_fmcache_lookup(c, "staff/ada.md", 0, &p, &len),
	    0);
	coach_fmcache_free(c);
	free(path);
}

/* The token of ada's cache file, opened afresh. */
static void
token_is(const struct fx *f, uint64_t inst, uint64_t seq)
{
	struct coach_fmcache *c = coach_fmcache_open(f->root, f->file, 1);
	uint64_t i, s;
	coach_fmcache_token(c, &i, &s);
	assert_int_equal(i, inst);
	assert_int_equal(s, seq);
	coach_fmcache_free(c);
}

/* ada's string after the monitor answered (everything, or the folders
 * named): 1 when it came from the cache. */
static int
with_monitor(const struct fx *f, uint64_t inst, uint64_t seq, int every,
    const char *named, const char *want)
{
	struct coach_fmcache *c = coach_fmcache_open(f->root, f->file, 1);
	char *dirs[1] = { (char *)named };
	coach_fmcache_monitor(c, inst, seq, every, dirs, named ? 1 : 0);
	return serve_or_put(c, want);
}

/* A folder the monitor vouches for is taken as kept without a stat (so
 * an edit the monitor did not report goes unseen: the test lies to it);
 * a folder it names is checked; the token is written only when every
 * folder not vouched for was checked in the run. */
static void
test_monitor_token(void **state)
{
	struct fx *f = *state;
	assert_int_equal(with_monitor(f, 7, 10, 1, NULL, "Ada"), 0);
	token_is(f, 7, 10);
	char *p = coach_path_join(f->root, "staff/ada.md");
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	write_at(f, "staff/ada.md", "---\nname: Eve\n---\n");
	struct timespec times[2] = { st.st_atim, st.st_mtim };
	assert_int_equal(utimensat(AT_FDCWD, p, times, 0), 0);
	free(p);
	tick();
	/* Not named: served as kept, no stat. */
	assert_int_equal(with_monitor(f, 7, 11, 0, NULL, "Ada"), 1);
	token_is(f, 7, 11);
	/* Named, but nothing in it looked at: the old token stays. */
	struct coach_fmcache *c = coach_fmcache_open(f->root, f->file, 1);
	char *dirs[1] = { "staff" };
	coach_fmcache_monitor(c, 7, 12, 0, dirs, 1);
	assert_null(coach_fmcache_save(c));
	coach_fmcache_free(c);
	token_is(f, 7, 11);
	/* Named: checked, and the edit seen. */
	assert_int_equal(with_monitor(f, 7, 12, 0, "staff", "Eve"), 0);
	token_is(f, 7, 12);
	assert_int_equal(with_monitor(f, 7, 12, 0, NULL, "Eve"), 1);
	/* Another life of the monitor: everything checked by stat. */
	assert_int_equal(with_monitor(f, 9, 1, 1, NULL, "Eve"), 1);
	token_is(f, 9, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kept_and_served, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_listing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_names, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_edit_same_size_same_mtime,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_racy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_while_read, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slots_and_unvisited, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rewritten_while_open,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_damaged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_preload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_put_stat, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_monitor_token, setup,
		    teardown),
		cmocka_unit_test(test_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
