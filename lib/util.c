#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
oom(void)
{
	fputs("coach: out of memory\n", stderr);
	abort();
}

void *
coach_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
coach_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
coach_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

char *
coach_xstrdup(const char *s)
{
	return coach_xstrndup(s, strlen(s));
}

char *
coach_xstrndup(const char *s, size_t n)
{
	char *p = coach_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
coach_xasprintf(const char *fmt, ...)
{
	/* Formatted once when it fits here, as paths and ids do. */
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n >= 0 && (size_t)n < sizeof(small)) {
		va_end(ap);
		return coach_xstrndup(small, (size_t)n);
	}
	char *s = coach_xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	vsnprintf(s, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	va_end(ap);
	return s;
}

static void
buf_grow(struct coach_buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->ptr = coach_xrealloc(b->ptr, cap);
	b->cap = cap;
}

void
coach_buf_reserve(struct coach_buf *b, size_t extra)
{
	buf_grow(b, extra);
	b->ptr[b->len] = '\0';
}

void
coach_buf_add(struct coach_buf *b, const void *data, size_t len)
{
	buf_grow(b, len);
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void
coach_buf_puts(struct coach_buf *b, const char *s)
{
	coach_buf_add(b, s, strlen(s));
}

void
coach_buf_putc(struct coach_buf *b, char c)
{
	coach_buf_add(b, &c, 1);
}

void
coach_buf_printf(struct coach_buf *b, const char *fmt, ...)
{
	va_list ap, cp;
	va_start(ap, fmt);
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n > 0) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
		b->len += (size_t)n;
	}
	va_end(ap);
}

void
coach_buf_clear(struct coach_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

const char *
coach_buf_str(struct coach_buf *b)
{
	return b->ptr ? b->ptr : "";
}

char *
coach_buf_detach(struct coach_buf *b)
{
	char *s = b->ptr ? b->ptr : coach_xstrdup("");
	b->ptr = NULL;
	b->len = b->cap = 0;
	return s;
}

void
coach_buf_free(struct coach_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

void
coach_strlist_add_owned(struct coach_strlist *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = coach_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = s;
}

void
coach_strlist_add(struct coach_strlist *l, const char *s)
{
	coach_strlist_add_owned(l, coach_xstrdup(s));
}

int
coach_strlist_has(const struct coach_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
coach_strlist_sort(struct coach_strlist *l)
{
	/* Lists made from sorted listings are mostly sorted already. */
	size_t i = 1;
	while (i < l->n && strcmp(l->v[i - 1], l->v[i]) <= 0)
		i++;
	if (i < l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_str);
}

void
coach_strlist_free(struct coach_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

struct coach_error *
coach_read_file(struct coach_buf *out, const char *path, size_t max)
{
	return coach_read_file_as(out, path, path, max);
}

struct coach_error *
coach_read_file_as(struct coach_buf *out, const char *path,
    const char *display, size_t max)
{
	return coach_read_file_stat(out, path, display, max, NULL);
}

int
coach_fd_unchanged(int fd, const struct stat *st)
{
	struct stat now;
	return fstat(fd, &now) == 0 && now.st_ino == st->st_ino &&
	    now.st_size == st->st_size &&
	    now.st_mtim.tv_sec == st->st_mtim.tv_sec &&
	    now.st_mtim.tv_nsec == st->st_mtim.tv_nsec &&
	    now.st_ctim.tv_sec == st->st_ctim.tv_sec &&
	    now.st_ctim.tv_nsec == st->st_ctim.tv_nsec;
}

struct coach_error *
coach_read_file_stat(struct coach_buf *out, const char *path,
    const char *display, size_t max, struct stat *read_st)
{
	return coach_read_file_at(out, AT_FDCWD, path, display, max, read_st);
}

void
coach_folder_close(struct coach_folder *f)
{
	if (f->fd != -1)
		close(f->fd);
	free(f->path);
	f->path = NULL;
	f->fd = -1;
}

int
coach_folder_of(struct coach_folder *f, const char *abs, const char **name)
{
	const char *slash = strrchr(abs, '/');
	*name = abs;
	if (slash == NULL || slash == abs)
		return AT_FDCWD;
	size_t n = (size_t)(slash - abs);
	if (f->path == NULL || strlen(f->path) != n ||
	    memcmp(f->path, abs, n) != 0) {
		coach_folder_close(f);
		f->path = coach_xstrndup(abs, n);
		return AT_FDCWD;
	}
	/* As open(abs) would go through it: links and all. */
	if (f->fd == -1)
		f->fd = open(f->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (f->fd == -1)
		return AT_FDCWD;
	*name = slash + 1;
	return f->fd;
}

int
coach_open_noatime(int dirfd, const char *path, int flags)
{
	/* Reading need not stamp the access time: the first reading of a
	 * fresh clone's files would otherwise write every inode.  Only the
	 * file's owner may ask that, so others open as usual; once refused,
	 * never asked again in this process (the files of a work tree have
	 * one owner), so that a shared checkout's reader does not pay a
	 * failed open for each of its files. */
	static atomic_int refused;
	int fd = -1;
	if (!atomic_load_explicit(&refused, memory_order_relaxed)) {
		fd = openat(dirfd, path, flags | O_NOATIME);
		if (fd != -1 || errno != EPERM)
			return fd;
		atomic_store_explicit(&refused, 1, memory_order_relaxed);
	}
	return openat(dirfd, path, flags);
}

struct coach_error *
coach_read_file_at(struct coach_buf *out, int dirfd, const char *path,
    const char *display, size_t max, struct stat *read_st)
{
	struct coach_error *err = NULL;
	if (read_st)
		read_st->st_mode = 0;
	int fd = coach_open_noatime(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return coach_error_errno("open", display);
	struct stat st;
	if (fstat(fd, &st) == -1) {
		err = coach_error_errno("stat", display);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		err = coach_error_new(COACH_FAIL, "%s: not a regular file",
		    display);
		goto done;
	}
	if ((size_t)st.st_size > max) {
		err = coach_error_new(COACH_FAIL,
		    "%s: the file is %lld bytes, more than the %zu allowed",
		    display, (long long)st.st_size, max);
		goto done;
	}
	coach_buf_clear(out);
	/* Room for the whole file and one byte more, read in place. */
	coach_buf_reserve(out, (size_t)st.st_size + 1);
	int whole = 0;
	for (;;) {
		if (out->cap - out->len < 2)
			coach_buf_reserve(out, out->cap);
		ssize_t n = read(fd, out->ptr + out->len,
		    out->cap - out->len - 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err = coach_error_errno("read", display);
			goto done;
		}
		if (n == 0)
			break;
		/* The file may have grown since fstat. */
		if (out->len + (size_t)n > max) {
			err = coach_error_new(COACH_FAIL,
			    "%s: the file is more than the %zu bytes allowed",
			    display, max);
			goto done;
		}
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
		/* All that fstat saw, and the stat data unchanged since: the
		 * end of the file, with no read to find it. */
		if (read_st && out->len == (size_t)st.st_size &&
		    coach_fd_unchanged(fd, &st)) {
			whole = 1;
			*read_st = st;
			break;
		}
	}
	if (read_st && !whole && coach_fd_unchanged(fd, &st))
		*read_st = st;
done:
	if (close(fd) == -1 && err == NULL)
		err = coach_error_errno("close", display);
	return err;
}

size_t
coach_utf8_check(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		/* Eight bytes at a time while they are ASCII without NUL:
		 * most text is. */
		while (len - i >= 8) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if ((w | ((w - 0x0101010101010101u) & ~w)) &
			    0x8080808080808080u)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		unsigned c = s[i];
		size_t n;
		unsigned min;
		if (c == 0)
			return i;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1; min = 0x80; c &= 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2; min = 0x800; c &= 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3; min = 0x10000; c &= 0x07;
		} else {
			return i;
		}
		if (i + n >= len)
			return i;
		unsigned cp = c;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

int
coach_line_of(const char *s, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off && s[i]; i++)
		if (s[i] == '\n')
			line++;
	return line;
}

struct coach_error *
coach_mkdirs(const char *dir)
{
	char *p = coach_xstrdup(dir);
	struct coach_error *err = NULL;
	for (char *q = p + 1;; q++) {
		if (*q != '/' && *q != '\0')
			continue;
		char saved = *q;
		*q = '\0';
		if (mkdir(p, 0777) == -1 && errno != EEXIST) {
			err = coach_error_errno("mkdir", p);
			break;
		}
		*q = saved;
		if (saved == '\0')
			break;
	}
	free(p);
	return err;
}

char *
coach_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	if (la == 0)
		return coach_xstrdup(b);
	size_t lb = strlen(b);
	char *p = coach_xmalloc(la + 1 + lb + 1);
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

static unsigned char
fold(char c)
{
	return (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/*
 * Damerau–Levenshtein distance (optimal string alignment) of a and b,
 * ASCII letters folded to lower case; stops early at limit + 1.
 */
static size_t
edit_distance(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b);
	if ((la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	/* Three rows: two back (for transpositions), one back, this one. */
	size_t *row = coach_xcalloc(3 * (lb + 1), sizeof(*row));
	size_t *pp = row, *p = row + lb + 1, *c = row + 2 * (lb + 1);
	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		c[0] = i;
		size_t best = c[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = fold(a[i - 1]) != fold(b[j - 1]);
			size_t d = p[j - 1] + cost;
			if (p[j] + 1 < d)
				d = p[j] + 1;
			if (c[j - 1] + 1 < d)
				d = c[j - 1] + 1;
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
			    fold(a[i - 2]) == fold(b[j - 1]) && pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			c[j] = d;
			if (d < best)
				best = d;
		}
		if (best > limit) {
			free(row);
			return limit + 1;
		}
		size_t *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	size_t d = p[lb];
	free(row);
	return d;
}

const char *
coach_suggest(const char *typed, const char *const *words, size_t n)
{
	size_t len = strlen(typed);
	/* One slip in a short word, two in a longer one: further than that
	 * a guess is more often wrong than helpful. */
	size_t limit = len < 6 ? 1 : 2;
	const char *best = NULL;
	size_t best_d = limit + 1;
	if (len == 0)
		return NULL;
	for (size_t i = 0; i < n && words[i]; i++) {
		if (strcmp(words[i], typed) == 0)
			continue;
		size_t d = edit_distance(typed, words[i], limit);
		if (d < best_d) {
			best_d = d;
			best = words[i];
		}
	}
	return best;
}

char *
coach_path_expand_user(const char *path)
{
	if (path[0] != '~')
		return coach_xstrdup(path);
	size_t n = strcspn(path + 1, "/");
	const char *home = NULL;
	if (n == 0) {
		home = getenv("HOME");
	} else {
		char *user = coach_xstrndup(path + 1, n);
		struct passwd *pw = getpwnam(user);
		free(user);
		home = pw ? pw->pw_dir : NULL;
	}
	if (home == NULL || *home == '\0')
		return coach_xstrdup(path);
	return coach_xasprintf("%s%s", home, path + 1 + n);
}

struct coach_error *
coach_write_atomic(const char *path, const void *data, size_t len)
{
	struct coach_error *err = NULL;
	char *tmp = coach_xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd == -1) {
		err = coach_error_errno("cannot create", tmp);
		goto done;
	}
	for (size_t off = 0; off < len && err == NULL;) {
		ssize_t w = write(fd, (const char *)data + off, len - off);
		if (w == -1 && errno != EINTR)
			err = coach_error_errno("cannot write", tmp);
		else if (w > 0)
			off += (size_t)w;
	}
	if (close(fd) == -1 && err == NULL)
		err = coach_error_errno("cannot write", tmp);
	if (err == NULL && rename(tmp, path) == -1)
		err = coach_error_errno("cannot write", path);
	if (err != NULL)
		unlink(tmp);
done:
	free(tmp);
	return err;
}
