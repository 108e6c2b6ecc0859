/*
 * record.c: splitting a record into front-matter and body, and putting it
 * back together.  The bytes are normalised once (BOM dropped, CRLF made
 * LF); from then on an unchanged record renders to exactly those bytes.
 */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct coach_record {
	char *path;             /* NULL for new records */
	struct coach_fm *fm;
	char *body;
	int body_line;
};

struct coach_record *
coach_record_new(void)
{
	struct coach_record *r = coach_xcalloc(1, sizeof(*r));
	r->fm = coach_fm_new();
	r->body = coach_xstrdup("");
	r->body_line = 3;
	return r;
}

void
coach_record_free(struct coach_record *r)
{
	if (r == NULL)
		return;
	coach_fm_free(r->fm);
	free(r->body);
	free(r->path);
	free(r);
}

/*
 * Appends text[0..len) to out with line endings as a record keeps them: CRs
 * before a LF dropped (CRLF, and the CR CR LF some tools write, are one line
 * break), and CRs at the end of the text made one LF.  The result maps to
 * itself, so that what is written reads back the same.
 */
static void
put_line_endings(struct coach_buf *out, const char *text, size_t len)
{
	size_t from = 0, i = 0;
	/* Most text has no CR: one copy. */
	const char *cr = memchr(text, '\r', len);
	if (cr == NULL) {
		coach_buf_add(out, text, len);
		return;
	}
	i = (size_t)(cr - text);
	coach_buf_add(out, "", 0);
	while (i < len) {
		if (text[i] != '\r') {
			i++;
			continue;
		}
		size_t run = i;
		while (i < len && text[i] == '\r')
			i++;
		if (i < len && text[i] != '\n')
			continue; /* a CR inside a line */
		coach_buf_add(out, text + from, run - from);
		if (i == len)
			coach_buf_putc(out, '\n');
		from = i;
	}
	coach_buf_add(out, text + from, len - from);
}

/* Checks the encoding, drops a BOM and normalises line endings. */
static struct coach_error *
normalise(struct coach_buf *out, const char *path, const char *data,
    size_t len, const char **text, size_t *text_len)
{
	size_t bad = coach_utf8_check(data, len);
	if (bad < len)
		return coach_error_new(COACH_FAIL, "%s:%d: %s at byte %zu; save "
		    "the file as UTF-8 text", path, coach_line_of(data, bad),
		    data[bad] == '\0' ? "NUL byte" : "invalid UTF-8", bad);
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	/* Without a CR there is nothing to change: no copy. */
	if (len == 0 || memchr(data, '\r', len) == NULL) {
		*text = len ? data : "";
		*text_len = len;
		return NULL;
	}
	put_line_endings(out, data, len);
	*text = out->ptr;
	*text_len = out->len;
	return NULL;
}

/* A body as it reads back once written: see put_line_endings(). */
static char *
body_as_written(const char *body, size_t len)
{
	struct coach_buf b = COACH_BUF_INIT, clean = COACH_BUF_INIT;
	/* Invalid UTF-8 would make the file unreadable: U+FFFD instead. */
	coach_buf_add(&clean, "", 0);
	while (len > 0) {
		size_t ok = coach_utf8_check(body, len);
		coach_buf_add(&clean, body, ok);
		if (ok == len)
			break;
		coach_buf_puts(&clean, "\xef\xbf\xbd");
		body += ok + 1;
		len -= ok + 1;
	}
	put_line_endings(&b, clean.ptr, clean.len);
	coach_buf_free(&clean);
	if (b.len > 0 && b.ptr[b.len - 1] != '\n')
		coach_buf_putc(&b, '\n');
	return coach_buf_detach(&b);
}

/* body_as_written() of a body already checked and normalised, as
 * coach_record_parse() has it: only the final '\n' can be missing. */
static char *
body_as_read(const char *body, size_t len)
{
	int nl = len > 0 && body[len - 1] != '\n';
	char *s = coach_xmalloc(len + nl + 1);
	memcpy(s, body, len);
	if (nl)
		s[len++] = '\n';
	s[len] = '\0';
	return s;
}

/* The end of the line starting at off (its '\n', or the end of text). */
static size_t
line_end(const char *t, size_t len, size_t off)
{
	const char *nl = memchr(t + off, '\n', len - off);
	return nl ? (size_t)(nl - t) : len;
}

static int
is_fence(const char *t, size_t len, size_t off)
{
	return line_end(t, len, off) - off == 3 && memcmp(t + off, "---", 3) == 0;
}

struct coach_error *
coach_record_parse(struct coach_record **out, const char *path,
    const char *data, size_t len)
{
	struct coach_error *err = NULL;
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_record *r = NULL;
	*out = NULL;
	if (path == NULL)
		path = "record";
	if (len > COACH_RECORD_MAX_BYTES) {
		err = coach_error_new(COACH_FAIL, "%s: the file is %zu bytes, "
		    "more than the %d allowed; keep large files as evidence "
		    "and link them", path, len, COACH_RECORD_MAX_BYTES);
		goto done;
	}
	const char *t = NULL;
	size_t tlen = 0;
	err = normalise(&b, path, data, len, &t, &tlen);
	if (err)
		goto done;
	if (!is_fence(t, tlen, 0)) {
		err = coach_error_new(COACH_FAIL, "%s:1: the file does not start "
		    "with a line '---'; a record is a line '---', 'key: value' "
		    "lines, a line '---', then the text", path);
		goto done;
	}
	size_t fm_start = line_end(t, tlen, 0) + 1, off = fm_start;
	int line = 2;
	while (off < tlen && !is_fence(t, tlen, off)) {
		off = line_end(t, tlen, off) + 1;
		line++;
	}
	if (off >= tlen) {
		err = coach_error_new(COACH_FAIL, "%s:1: the front-matter that "
		    "starts here has no closing '---' line; add a line '---' "
		    "after the last 'key: value' line", path);
		goto done;
	}
	r = coach_xcalloc(1, sizeof(*r));
	r->path = coach_xstrdup(path);
	err = coach_fm_parse(&r->fm, path, t + fm_start, off - fm_start, 2);
	if (err)
		goto done;
	size_t body = line_end(t, tlen, off);
	body = body < tlen ? body + 1 : tlen;
	r->body = body_as_read(t + body, tlen - body);
	r->body_line = line + 1;
done:
	coach_buf_free(&b);
	if (err) {
		coach_record_free(r);
		return err;
	}
	*out = r;
	return NULL;
}

struct coach_error *
coach_record_load(struct coach_record **out, const char *fspath,
    const char *display_path)
{
	return coach_record_load_stat(out, fspath, display_path, NULL);
}

struct coach_error *
coach_record_load_stat(struct coach_record **out, const char *fspath,
    const char *display_path, struct stat *read_st)
{
	return coach_record_load_at(out, AT_FDCWD, fspath, display_path,
	    read_st);
}

struct coach_error *
coach_record_load_at(struct coach_record **out, int dirfd, const char *fspath,
    const char *display_path, struct stat *read_st)
{
	const char *name = display_path ? display_path : fspath;
	struct coach_buf b = COACH_BUF_INIT;
	*out = NULL;
	struct coach_error *err = coach_read_file_at(&b, dirfd, fspath, name,
	    COACH_RECORD_MAX_BYTES, read_st);
	if (err == NULL)
		err = coach_record_parse(out, name, b.ptr, b.len);
	coach_buf_free(&b);
	return err;
}

struct coach_fm *
coach_record_fm(struct coach_record *r)
{
	return r->fm;
}

const struct coach_fm *
coach_record_fm_const(const struct coach_record *r)
{
	return r->fm;
}

const char *
coach_record_str(const struct coach_record *r, const char *key)
{
	return coach_fm_str(r->fm, key);
}

const char *
coach_record_body(const struct coach_record *r)
{
	return r->body;
}

int
coach_record_body_line(const struct coach_record *r)
{
	return r->body_line;
}

void
coach_record_set_body(struct coach_record *r, const char *body)
{
	char *copy = body ? body_as_written(body, strlen(body)) :
	    coach_xstrdup("");
	free(r->body);
	r->body = copy;
}

const char *
coach_record_path(const struct coach_record *r)
{
	return r->path;
}

void
coach_record_render(const struct coach_record *r, struct coach_buf *out)
{
	coach_buf_puts(out, "---\n");
	coach_fm_render(r->fm, out);
	coach_buf_puts(out, "---\n");
	coach_buf_puts(out, r->body);
}

struct coach_error *
coach_record_verify(const struct coach_record *r, const char *text,
    size_t len)
{
	const char *path = r->path ? r->path : "record";
	struct coach_record *again = NULL;
	struct coach_error *err = coach_record_parse(&again, path, text, len);
	if (err) {
		err = coach_error_prefix(err, "%s: the text written for it "
		    "does not read back; nothing was written", path);
		return coach_error_set_code(err, COACH_E_INVALID);
	}
	const char *key = NULL;
	if (!coach_fm_equal(r->fm, again->fm, &key))
		err = coach_error_coded(COACH_E_INVALID, "%s: the key '%s' "
		    "would not read back as it was set; nothing was written",
		    path, key);
	else if (strcmp(r->body, again->body) != 0)
		err = coach_error_coded(COACH_E_INVALID, "%s: the text would "
		    "not read back as it was set; nothing was written", path);
	coach_record_free(again);
	return err;
}
