/*
 * ui.c: what commands share for the terminal: pager, colour, editor.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

static pid_t pager_pid = -1;

void
coach_pager_start(struct coach_ctx *ctx)
{
	if (ctx->no_pager || pager_pid != -1 || !isatty(STDOUT_FILENO))
		return;
	const char *pager = getenv("COACH_PAGER");
	if (pager == NULL)
		pager = getenv("PAGER");
	if (pager == NULL)
		pager = "less";
	if (*pager == '\0' || strcmp(pager, "cat") == 0)
		return;
	int fds[2];
	if (pipe(fds) == -1)
		return;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == -1) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		setenv("LESS", getenv("LESS") ? getenv("LESS") : "FRX", 1);
		execl("/bin/sh", "sh", "-c", pager, (char *)NULL);
		_exit(127);
	}
	dup2(fds[1], STDOUT_FILENO);
	close(fds[0]);
	close(fds[1]);
	signal(SIGPIPE, SIG_IGN);
	pager_pid = pid;
}

void coach_pager_finish(void);

void
coach_pager_finish(void)
{
	if (pager_pid == -1)
		return;
	fflush(stdout);
	fclose(stdout);
	close(STDOUT_FILENO);
	int status;
	while (waitpid(pager_pid, &status, 0) == -1 && errno == EINTR)
		;
	pager_pid = -1;
}

/* ================ the output sink ================ */

/*
 * Every byte coach writes to stdout and stderr passes through here, so
 * that text from a file (a record's values, keys and body, or a parser's
 * message quoting it) cannot drive the terminal: no escape sequences, no
 * window titles, no bells.  C0 controls but tab and newline, DEL, C1
 * controls (U+0080..U+009F, in UTF-8) and bytes that are not UTF-8 become
 * '?'.  Only coach's own colours pass: they start with ESC and a key
 * chosen at random when the sink is installed, which no file can know;
 * the sink writes them as plain SGR sequences.
 */

#define SGR_KEY_LEN 8
static char sgr_key[SGR_KEY_LEN + 1];

struct sink {
	int fd;
	int raw;                 /* pass bytes through unchanged */
	unsigned char pend[32];  /* an unfinished UTF-8 or escape sequence */
	size_t npend;
	size_t want;             /* UTF-8: the length of the sequence */
	struct coach_buf out;
};

static struct sink sink_out = { .fd = STDOUT_FILENO };
static struct sink sink_err = { .fd = STDERR_FILENO };

static void sink_byte(struct sink *s, unsigned char c);

/* An escape that is not coach's: '?' for it, then what followed it
 * read again as text. */
static void
escape_refused(struct sink *s)
{
	unsigned char again[sizeof(s->pend)];
	size_t n = s->npend - 1;
	memcpy(again, s->pend + 1, n);
	s->npend = 0;
	coach_buf_putc(&s->out, '?');
	for (size_t i = 0; i < n; i++)
		sink_byte(s, again[i]);
}

/* ESC, the key, '[', parameters, 'm': coach's own SGR sequence. */
static void
escape_byte(struct sink *s, unsigned char c)
{
	size_t at = s->npend; /* where c goes */
	int ok;
	if (at <= SGR_KEY_LEN)
		ok = sgr_key[0] && c == (unsigned char)sgr_key[at - 1];
	else if (at == SGR_KEY_LEN + 1)
		ok = c == '[';
	else
		ok = (c >= '0' && c <= '9') || c == ';' || c == 'm';
	if (!ok || at + 1 >= sizeof(s->pend)) {
		escape_refused(s);
		sink_byte(s, c);
		return;
	}
	s->pend[s->npend++] = c;
	/* A key may hold an 'm' too: the end comes after the '['. */
	if (at <= SGR_KEY_LEN + 1 || c != 'm')
		return;
	coach_buf_putc(&s->out, '\033');
	coach_buf_add(&s->out, s->pend + SGR_KEY_LEN + 1,
	    s->npend - SGR_KEY_LEN - 1);
	s->npend = 0;
}

/* The length of the UTF-8 sequence lead starts; 0 when it starts none. */
static size_t
utf8_len(unsigned char lead)
{
	if (lead >= 0xC2 && lead <= 0xDF)
		return 2;
	if (lead >= 0xE0 && lead <= 0xEF)
		return 3;
	if (lead >= 0xF0 && lead <= 0xF4)
		return 4;
	return 0;
}

/* Whether the sequence in pend (complete) is a character to show. */
static int
utf8_shown(const unsigned char *p, size_t n)
{
	if (n == 2)
		return !(p[0] == 0xC2 && p[1] <= 0x9F); /* C1 controls */
	if (n == 3)
		return !(p[0] == 0xE0 && p[1] < 0xA0) && /* overlong */
		    !(p[0] == 0xED && p[1] >= 0xA0);     /* surrogates */
	return !(p[0] == 0xF0 && p[1] < 0x90) && !(p[0] == 0xF4 &&
	    p[1] >= 0x90);
}

static void
sink_byte(struct sink *s, unsigned char c)
{
	if (s->npend && s->pend[0] == 0x1b) {
		escape_byte(s, c);
		return;
	}
	if (s->npend) {
		if ((c & 0xC0) != 0x80) {
			/* Cut short: the start was no character. */
			s->npend = 0;
			coach_buf_putc(&s->out, '?');
			sink_byte(s, c);
			return;
		}
		s->pend[s->npend++] = c;
		if (s->npend < s->want)
			return;
		if (utf8_shown(s->pend, s->npend))
			coach_buf_add(&s->out, s->pend, s->npend);
		else
			coach_buf_putc(&s->out, '?');
		s->npend = 0;
		return;
	}
	if (c == 0x1b) {
		s->pend[s->npend++] = c;
		return;
	}
	if (c >= 0x80) {
		s->want = utf8_len(c);
		if (s->want == 0)
			coach_buf_putc(&s->out, '?');
		else
			s->pend[s->npend++] = c;
		return;
	}
	if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
		c = '?';
	coach_buf_putc(&s->out, (char)c);
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static ssize_t
sink_write(void *cookie, const char *buf, size_t size)
{
	struct sink *s = cookie;
	if (s->raw)
		return write_all(s->fd, buf, size) ? -1 : (ssize_t)size;
	coach_buf_clear(&s->out);
	for (size_t i = 0; i < size; i++)
		sink_byte(s, (unsigned char)buf[i]);
	if (write_all(s->fd, s->out.ptr ? s->out.ptr : "", s->out.len))
		return -1;
	return (ssize_t)size;
}

static int
sink_close(void *cookie)
{
	struct sink *s = cookie;
	/* A sequence left unfinished at the end was never a character. */
	int r = 0;
	if (s->npend && !s->raw)
		r = write_all(s->fd, "?", 1);
	s->npend = 0;
	coach_buf_free(&s->out);
	return r;
}

static FILE *
sink_open(struct sink *s, int buffered)
{
	cookie_io_functions_t io = { .write = sink_write, .close = sink_close };
	FILE *f = fopencookie(s, "w", io);
	if (f && !buffered)
		setvbuf(f, NULL, _IONBF, 0);
	return f;
}

void
coach_sink_install(void)
{
	unsigned char r[SGR_KEY_LEN];
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		/* Unpredictable enough for text written before we ran. */
		unsigned long x = (unsigned long)getpid() ^
		    (unsigned long)time(NULL) ^ (unsigned long)(uintptr_t)r;
		for (size_t i = 0; i < sizeof(r); i++, x = x * 6364136223846793005UL + 1)
			r[i] = (unsigned char)(x >> 33);
	}
	for (size_t i = 0; i < SGR_KEY_LEN; i++)
		sgr_key[i] = (char)('a' + r[i] % 26);
	FILE *out = sink_open(&sink_out, 1), *err = sink_open(&sink_err, 0);
	if (out == NULL || err == NULL)
		return;
	stdout = out;
	stderr = err;
}

void
coach_sink_raw(int raw)
{
	fflush(stdout);
	sink_out.raw = raw;
}

/* ESC, the key and "[code": what the sink lets through as colour. */
static const char *
sgr(const struct coach_ctx *ctx, char *buf, size_t size, const char *code)
{
	if (!ctx->color)
		return "";
	if (buf[0] == '\0')
		snprintf(buf, size, "\033%s[%sm", sgr_key, code);
	return buf;
}

#define SGR(fn, code) \
	const char *fn(const struct coach_ctx *ctx) \
	{ static char b[32]; return sgr(ctx, b, sizeof(b), code); }
SGR(coach_sgr_bold, "1")
SGR(coach_sgr_dim, "2")
SGR(coach_sgr_red, "31")
SGR(coach_sgr_green, "32")
SGR(coach_sgr_yellow, "33")
SGR(coach_sgr_blue, "34")
SGR(coach_sgr_reset, "")

void
coach_sgr_own(struct coach_buf *b, size_t from)
{
	struct coach_buf o = COACH_BUF_INIT;
	if (sgr_key[0] == '\0' || b->len <= from)
		return;
	coach_buf_add(&o, b->ptr, from);
	for (size_t i = from; i < b->len; i++) {
		coach_buf_putc(&o, b->ptr[i]);
		if (b->ptr[i] != '\033' || i + 1 >= b->len ||
		    b->ptr[i + 1] != '[')
			continue;
		size_t j = i + 2;
		while (j < b->len && (isdigit((unsigned char)b->ptr[j]) ||
		    b->ptr[j] == ';'))
			j++;
		if (j < b->len && b->ptr[j] == 'm')
			coach_buf_puts(&o, sgr_key);
	}
	coach_buf_free(b);
	*b = o;
}

struct coach_error *
coach_format_arg(const struct coach_ctx *ctx, const char *value, int *json)
{
	if (strcmp(value, "text") == 0)
		*json = 0;
	else if (strcmp(value, "json") == 0)
		*json = 1;
	else
		return coach_usage(ctx, "--format takes text or json, not '%s'",
		    value);
	return NULL;
}

void
coach_out(const char *s, size_t len)
{
	fwrite(s, 1, len, stdout);
}

struct coach_error *
coach_run_editor(const char *path)
{
	const char *editor = getenv("VISUAL");
	if (editor == NULL || *editor == '\0')
		editor = getenv("EDITOR");
	if (editor == NULL || *editor == '\0')
		editor = "vi";
	/*
	 * Like git: the editor is shell text, the file its argument, so that
	 * "vim -u NONE" and "'/opt/my editor/ed' --wait" both work.  The
	 * editor is also $0, which the shell names in its own errors.
	 */
	char *script = coach_xasprintf("%s \"$@\"", editor);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == -1) {
		free(script);
		return coach_error_errno("fork", editor);
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", script, editor, path,
		    (char *)NULL);
		_exit(127);
	}
	free(script);
	int status;
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			return coach_error_errno("wait for", editor);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return coach_error_new(COACH_FAIL,
		    "the editor '%s' failed (exit status %d)", editor,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return NULL;
}

int
coach_term_width(void)
{
	const char *cols = getenv("COLUMNS");
	if (cols && *cols) {
		char *end;
		long n = strtol(cols, &end, 10);
		if (*end == '\0' && n >= 20 && n <= 1000)
			return (int)n;
	}
	struct winsize ws;
	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 0;
}
