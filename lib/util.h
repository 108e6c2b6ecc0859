/*
 * util.h: memory, growable strings and string lists, whole-file reads,
 * UTF-8 checks.
 *
 * Allocation failure aborts the process (as git does): every other failure
 * is returned as an error.
 */
#ifndef COACH_UTIL_H
#define COACH_UTIL_H

#include <stddef.h>

#include "error.h"

void *coach_xmalloc(size_t n);
void *coach_xcalloc(size_t n, size_t size);
void *coach_xrealloc(void *p, size_t n);
char *coach_xstrdup(const char *s);
char *coach_xstrndup(const char *s, size_t n);
/* A newly allocated printf-formatted string; the caller frees it. */
char *coach_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated once anything is added. */
struct coach_buf {
	char *ptr;
	size_t len;
	size_t cap;
};
#define COACH_BUF_INIT { NULL, 0, 0 }

void coach_buf_add(struct coach_buf *b, const void *data, size_t len);
/* Room for extra more bytes after len (and a NUL), allocated now. */
void coach_buf_reserve(struct coach_buf *b, size_t extra);
void coach_buf_puts(struct coach_buf *b, const char *s);
void coach_buf_putc(struct coach_buf *b, char c);
void coach_buf_printf(struct coach_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Empties b, keeping its memory. */
void coach_buf_clear(struct coach_buf *b);
/* The contents as a C string ("" when empty); still owned by b. */
const char *coach_buf_str(struct coach_buf *b);
/* Hands the string to the caller (who frees it) and empties b. */
char *coach_buf_detach(struct coach_buf *b);
void coach_buf_free(struct coach_buf *b);

/* A list of owned strings. */
struct coach_strlist {
	char **v;
	size_t n;
	size_t cap;
};
#define COACH_STRLIST_INIT { NULL, 0, 0 }

void coach_strlist_add(struct coach_strlist *l, const char *s);
/* Takes ownership of s. */
void coach_strlist_add_owned(struct coach_strlist *l, char *s);
int coach_strlist_has(const struct coach_strlist *l, const char *s);
void coach_strlist_sort(struct coach_strlist *l);
void coach_strlist_free(struct coach_strlist *l);

/*
 * Reads a whole file into out (NUL-terminated).  Files larger than max
 * bytes are refused with an error naming the path and the limit.
 */
struct coach_error *coach_read_file(struct coach_buf *out, const char *path,
	size_t max);
/* The same, with display naming the file in errors (e.g. a path relative
 * to the repository). */
struct coach_error *coach_read_file_as(struct coach_buf *out, const char *path,
	const char *display, size_t max);
/* The same, with the file's stat data in *read_st when they were the same
 * before and after the reading (else read_st->st_mode is 0). */
struct stat;
struct coach_error *coach_read_file_stat(struct coach_buf *out,
	const char *path, const char *display, size_t max,
	struct stat *read_st);
/* The same, for path relative to the folder open on dirfd (AT_FDCWD:
 * the working directory). */
struct coach_error *coach_read_file_at(struct coach_buf *out, int dirfd,
	const char *path, const char *display, size_t max,
	struct stat *read_st);
/* openat() that leaves the access time alone when the file is the
 * user's own (O_NOATIME), as it is when not.  The first file found to
 * be another user's turns O_NOATIME off for the rest of the process. */
int coach_open_noatime(int dirfd, const char *path, int flags);
/* Whether the file open on fd still has the stat data st (inode, size,
 * mtime and ctime to the nanosecond): nothing wrote it since. */
int coach_fd_unchanged(int fd, const struct stat *st);

/*
 * The folder a reader of many files in turn last opened one in, so that
 * neighbours are opened from its descriptor (one name to look up) rather
 * than by their whole path.
 */
struct coach_folder {
	char *path;
	int fd;
};
#define COACH_FOLDER_INIT { NULL, -1 }
/* Where to open the absolute path abs from: the descriptor of its folder
 * and in *name its last name, or AT_FDCWD and abs itself (the first time
 * a folder comes: only a second file in it is worth opening it). */
int coach_folder_of(struct coach_folder *f, const char *abs,
	const char **name);
void coach_folder_close(struct coach_folder *f);

/* Writes a whole file through a temporary file beside it renamed over it
 * (not fsynced: for caches, which may be lost but never seen half
 * written). */
struct coach_error *coach_write_atomic(const char *path, const void *data,
	size_t len);

/*
 * Returns the byte offset of the first invalid UTF-8 sequence (or NUL byte)
 * in s[0..len), or len when all of it is valid.
 */
size_t coach_utf8_check(const char *s, size_t len);

/* 1-based line number of byte offset off in s. */
int coach_line_of(const char *s, size_t off);

/* Creates dir and its missing parents (mode 0777 & ~umask). */
struct coach_error *coach_mkdirs(const char *dir);

/*
 * The word of words[0..n) closest to typed, for "did you mean ...?": the
 * fewest insertions, deletions, substitutions or swaps of neighbours,
 * upper and lower case counting as the same (so "Siobhan" finds
 * "siobhan").  One slip is allowed in a word under 6 characters, two in a
 * longer one; NULL when no word is that close (words equal to typed
 * do not count).
 * words may end with NULL before n: pass SIZE_MAX for a NULL-terminated
 * list.  The result points into words.
 */
const char *coach_suggest(const char *typed, const char *const *words,
	size_t n);

/*
 * path with a leading "~" or "~user" replaced by that home directory, as
 * git reads path settings ("~/school"); path itself when it has none or
 * the home is unknown.  The caller frees the result.
 */
char *coach_path_expand_user(const char *path);

/* Joins a and b with one '/'; the caller frees the result. */
char *coach_path_join(const char *a, const char *b);

#endif
