/*
 * markdown.c: record bodies through cmark, the only module that includes
 * <cmark.h>.
 *
 * Every body goes through md_parse(), which refuses bodies over
 * COACH_MD_MAX_BYTES and defuses the one input shape on which cmark 0.30.2
 * is quadratic within that cap (see defuse_images()).  Text that reaches a
 * terminal is cleaned of control characters, so a record cannot send escape
 * sequences to the reader's terminal.
 */
#include "markdown.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

/*
 * cmark 0.30.2 walks back over every unmatched "![" each time a link
 * closes (CVE-2023-22486), so the work is about images x closing brackets:
 * 512 KiB of "![[]()" takes 37 s.  Measured at ~10 ns a step, this budget
 * keeps the worst case near 0.1 s.
 */
#define IMAGE_WORK_BUDGET 10000000ULL

/* Deeper quotes and lists still render, without further indentation, so
 * that prefixes cannot make the output quadratic in the input. */
#define MAX_INDENT_DEPTH 12

/* Paragraphs are never squeezed narrower than this. */
#define MIN_TEXT_WIDTH 20

static const char REPLACEMENT[] = "\xEF\xBF\xBD"; /* U+FFFD */

/*
 * When a body holds enough "![" and "]" to make cmark quadratic, every "!["
 * becomes "!\[" (images then show as text).  Only absurd bodies are
 * touched: fewer than 20 images never reach the budget.  The caller frees
 * the returned copy; NULL when the body is left as it is.
 */
static char *
defuse_images(const char *body, size_t len, size_t *outlen)
{
	unsigned long long images = 0, closers = 0;
	for (size_t i = 0; i < len; i++) {
		if (body[i] == ']')
			closers++;
		else if (body[i] == '!' && i + 1 < len && body[i + 1] == '[')
			images++;
	}
	if (images * closers <= IMAGE_WORK_BUDGET)
		return NULL;
	char *copy = coach_xmalloc(len + images + 1);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		copy[n++] = body[i];
		if (body[i] == '!' && i + 1 < len && body[i + 1] == '[')
			copy[n++] = '\\';
	}
	copy[n] = '\0';
	*outlen = n;
	return copy;
}

static cmark_node *
parse_capped(const char *body, size_t len)
{
	size_t n = len;
	char *defused = defuse_images(body ? body : "", len, &n);
	cmark_node *doc = cmark_parse_document(defused ? defused : body ? body : "",
	    n, CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8);
	free(defused);
	/* cmark's allocator aborts when memory runs out, as ours does. */
	if (doc == NULL)
		abort();
	return doc;
}

static struct coach_error *
md_parse(const char *body, size_t len, cmark_node **out)
{
	*out = NULL;
	if (len > COACH_MD_MAX_BYTES)
		return coach_error_new(COACH_FAIL, "the body is %zu KiB, more "
		    "than the %d KiB coach renders: shorten it, or move long "
		    "material into an evidence file and link it",
		    (len + 1023) / 1024, COACH_MD_MAX_BYTES / 1024);
	*out = parse_capped(body, len);
	return NULL;
}

struct coach_error *
coach_md_html(struct coach_buf *out, const char *body, size_t len)
{
	cmark_node *doc;
	struct coach_error *err = md_parse(body, len, &doc);
	if (err)
		return err;
	/* Without CMARK_OPT_UNSAFE: raw HTML is omitted and javascript:,
	 * vbscript:, file: and most data: links are emptied. */
	char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT);
	cmark_node_free(doc);
	if (html == NULL)
		abort();
	coach_buf_puts(out, html);
	free(html);
	return NULL;
}

/* ---- UTF-8 ------------------------------------------------------------ */

/* Decodes one character at s (n > 0 bytes); returns its length in bytes,
 * 1 with *cp = 0xFFFD for an invalid byte. */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2;
		c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3;
		c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4;
		c &= 0x07;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	if (len > n) {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*cp = c;
	return len;
}

/* Terminal columns of a character: 0 for combining marks and zero-width
 * characters, 2 for East Asian wide ones and emoji, else 1. */
static int
char_width(uint32_t c)
{
	if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
	    (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x200B && c <= 0x200F) ||
	    (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE00 && c <= 0xFE0F) ||
	    (c >= 0xFE20 && c <= 0xFE2F) || c == 0x2060 || c == 0xFEFF)
		return 0;
	if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
	    (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
	    (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
	    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
	    (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD))
		return 2;
	return 1;
}

/*
 * Appends text with every control character replaced: C0 (but tabs when
 * keep_tab; else tabs and line ends become spaces), DEL and C1.  What the
 * terminal receives is then only what this module chose to send.
 */
static void
put_clean(struct coach_buf *b, const char *text, size_t n, int keep_tab)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep = NULL;
		size_t skip = 1;
		if (s[i] == '\t' && keep_tab)
			continue;
		if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			rep = " ";
		else if (s[i] < 0x20 || s[i] == 0x7F)
			rep = REPLACEMENT;
		else if (s[i] == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 &&
		    s[i + 1] <= 0x9F) {
			rep = REPLACEMENT;
			skip = 2;
		}
		if (rep == NULL)
			continue;
		coach_buf_add(b, text + start, i - start);
		coach_buf_puts(b, rep);
		i += skip - 1;
		start = i + 1;
	}
	coach_buf_add(b, text + start, n - start);
}

/* ---- terminal rendering ------------------------------------------------ */

/*
 * Inline content is first collected into a buffer where styles are marked
 * by STYLE_ON/STYLE_OFF followed by the style's letter ('a' + style); the
 * wrapper turns them into SGR sequences and re-applies them after each line
 * break and prefix.  put_clean() guarantees text never contains them.
 */
#define STYLE_ON '\x01'
#define STYLE_OFF '\x02'

enum style { ST_BOLD, ST_ITALIC, ST_UNDERLINE, ST_CODE, ST_DIM, ST_COUNT };
static const char *const style_sgr[ST_COUNT] = { "1", "3", "4", "36", "2" };

enum frame_type { FR_QUOTE, FR_LIST, FR_ITEM };

struct frame {
	enum frame_type type;
	/* FR_ITEM: the marker ("- ", "3. ") printed on its first line. */
	char marker[24];
	int marker_width;
	int marker_pending;
	/* FR_LIST */
	int tight;
	int ordered;
	int number;
	char delim;
};

struct term {
	struct coach_buf *out;
	int width;
	int color;
	struct frame *frames;
	size_t nframes, capframes;
	/* Frames from this index on may hold a pending item marker; below
	 * it, beyond MAX_INDENT_DEPTH, line_start() has nothing to print. */
	size_t first_pending;
	int need_blank;
	struct coach_buf inl;
	int style[ST_COUNT]; /* nesting count of each style */
	int shown[ST_COUNT]; /* what the terminal was last told */
};

static void
style_mark(struct term *t, enum style st, int on)
{
	if (!t->color)
		return;
	coach_buf_putc(&t->inl, on ? STYLE_ON : STYLE_OFF);
	coach_buf_putc(&t->inl, (char)('a' + st));
}

/*
 * Brings the terminal to the active styles before visible text: reset,
 * then every active one.  Lazy, so that marks with no text between them
 * send nothing.
 */
static void
sync_styles(struct term *t)
{
	if (memcmp(t->shown, t->style, sizeof(t->style)) == 0)
		return;
	coach_buf_puts(t->out, "\x1b[0");
	for (int i = 0; i < ST_COUNT; i++)
		if (t->style[i] > 0)
			coach_buf_printf(t->out, ";%s", style_sgr[i]);
	coach_buf_putc(t->out, 'm');
	memcpy(t->shown, t->style, sizeof(t->style));
}

/* Before a line ends: back to plain, so prefixes and the next line start
 * clean (the active styles come back with the next text). */
static void
end_styles(struct term *t)
{
	static const int plain[ST_COUNT];
	if (memcmp(t->shown, plain, sizeof(plain)) != 0)
		coach_buf_puts(t->out, "\x1b[0m");
	memset(t->shown, 0, sizeof(t->shown));
}

static void
push_frame(struct term *t, const struct frame *f)
{
	if (t->nframes == t->capframes) {
		t->capframes = t->capframes ? 2 * t->capframes : 16;
		t->frames = coach_xrealloc(t->frames,
		    t->capframes * sizeof(*t->frames));
	}
	if (f->type == FR_ITEM && t->first_pending > t->nframes)
		t->first_pending = t->nframes;
	t->frames[t->nframes++] = *f;
}

static struct frame *
top_frame(struct term *t, enum frame_type type)
{
	if (t->nframes > 0 && t->frames[t->nframes - 1].type == type)
		return &t->frames[t->nframes - 1];
	return NULL;
}

/*
 * Writes the prefix of a new line: quote bars, list indentation and the
 * marker of an item whose first line this is.  A blank line keeps the
 * quote bars but not trailing spaces, and leaves markers pending.  Returns
 * the prefix's width in columns.
 */
static int
line_start(struct term *t, int blank)
{
	struct coach_buf pre = COACH_BUF_INIT;
	int width = 0, depth = 0;
	for (size_t i = 0; i < t->nframes; i++) {
		if (depth >= MAX_INDENT_DEPTH && i < t->first_pending) {
			i = t->first_pending - 1;
			continue;
		}
		struct frame *f = &t->frames[i];
		if (f->type == FR_LIST)
			continue;
		int indent = ++depth <= MAX_INDENT_DEPTH;
		if (f->type == FR_QUOTE && indent) {
			coach_buf_puts(&pre, t->color ? "\x1b[2m\xE2\x94\x82"
			    "\x1b[0m " : "> ");
			width += 2;
		} else if (f->type == FR_ITEM && f->marker_pending && !blank) {
			coach_buf_puts(&pre, f->marker);
			width += f->marker_width;
			f->marker_pending = 0;
		} else if (f->type == FR_ITEM && indent) {
			coach_buf_printf(&pre, "%*s", f->marker_width, "");
			width += f->marker_width;
		}
	}
	if (blank)
		while (pre.len > 0 && pre.ptr[pre.len - 1] == ' ')
			pre.ptr[--pre.len] = '\0';
	else
		t->first_pending = SIZE_MAX;
	coach_buf_add(t->out, pre.ptr ? pre.ptr : "", pre.len);
	coach_buf_free(&pre);
	return width;
}

/* Inside a tight list (and not in a quote within it) blocks are not
 * separated by blank lines. */
static int
in_tight_list(const struct term *t)
{
	for (size_t i = t->nframes; i-- > 0;) {
		if (t->frames[i].type == FR_QUOTE)
			return 0;
		if (t->frames[i].type == FR_LIST)
			return t->frames[i].tight;
	}
	return 0;
}

static void
begin_block(struct term *t)
{
	if (t->need_blank && !in_tight_list(t)) {
		line_start(t, 1);
		coach_buf_putc(t->out, '\n');
	}
	t->need_blank = 0;
}

/* Display width of inline text, skipping style marks. */
static int
text_width(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	int w = 0;
	size_t i = 0;
	while (i < n) {
		if (u[i] == STYLE_ON || u[i] == STYLE_OFF) {
			i += 2;
			continue;
		}
		uint32_t cp;
		i += utf8_decode(u + i, n - i, &cp);
		w += char_width(cp);
	}
	return w;
}

/* Copies a word to the output, turning style marks into SGR. */
static void
emit_word(struct term *t, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (s[i] == STYLE_ON || s[i] == STYLE_OFF) {
			int st = i + 1 < n ? s[i + 1] - 'a' : -1;
			if (st >= 0 && st < ST_COUNT)
				t->style[st] += s[i] == STYLE_ON ? 1 : -1;
			i += 2;
			continue;
		}
		size_t j = i;
		while (j < n && s[j] != STYLE_ON && s[j] != STYLE_OFF)
			j++;
		sync_styles(t);
		coach_buf_add(t->out, s + i, j - i);
		i = j;
	}
}

static int
new_line(struct term *t)
{
	end_styles(t);
	coach_buf_putc(t->out, '\n');
	return line_start(t, 0);
}

static int
text_room(const struct term *t, int prefix_width)
{
	if (t->width <= 0)
		return 0;
	int room = t->width - prefix_width;
	return room < MIN_TEXT_WIDTH ? MIN_TEXT_WIDTH : room;
}

/*
 * Lays out the collected inline text: words separated by single spaces,
 * lines broken before a word that would pass the width, '\n' kept as a
 * hard break.  Returns the width of the widest line.
 */
static int
flush_inline(struct term *t)
{
	const char *s = t->inl.ptr ? t->inl.ptr : "";
	size_t n = t->inl.len;
	int room = text_room(t, line_start(t, 0));
	int col = 0, widest = 0, space = 0;
	size_t i = 0;
	while (i < n) {
		if (s[i] == ' ') {
			space = 1;
			i++;
			continue;
		}
		if (s[i] == '\n') {
			room = text_room(t, new_line(t));
			col = space = 0;
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && s[j] != ' ' && s[j] != '\n')
			j += (s[j] == STYLE_ON || s[j] == STYLE_OFF) ? 2 : 1;
		if (j > n)
			j = n;
		int w = text_width(s + i, j - i);
		if (w > 0 && col > 0 && room > 0 && col + 1 + w > room) {
			room = text_room(t, new_line(t));
			col = space = 0;
		}
		if (w > 0 && col > 0 && space) {
			sync_styles(t);
			coach_buf_putc(t->out, ' ');
			col++;
		}
		emit_word(t, s + i, j - i);
		if (w > 0) {
			col += w;
			space = 0;
		}
		if (col > widest)
			widest = col;
		i = j;
	}
	memset(t->style, 0, sizeof(t->style));
	end_styles(t);
	coach_buf_putc(t->out, '\n');
	coach_buf_clear(&t->inl);
	return widest;
}

/* A line of n copies of a (possibly multi-byte) character. */
static void
put_rule(struct term *t, const char *ch, int n)
{
	for (int i = 0; i < n; i++)
		coach_buf_puts(t->out, ch);
}

/* Code and HTML blocks: each line as written, never wrapped. */
static void
put_literal_lines(struct term *t, const char *lit, const char *indent,
	int code_style)
{
	size_t n = strlen(lit);
	while (n > 0 && lit[n - 1] == '\n')
		n--;
	size_t i = 0;
	do {
		const char *nl = memchr(lit + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - lit) : n;
		line_start(t, 0);
		coach_buf_puts(t->out, indent);
		if (code_style && t->color)
			coach_buf_printf(t->out, "\x1b[%sm", style_sgr[ST_CODE]);
		put_clean(t->out, lit + i, end - i, 1);
		if (code_style && t->color)
			coach_buf_puts(t->out, "\x1b[0m");
		coach_buf_putc(t->out, '\n');
		i = end + 1;
	} while (i < n);
}

static int
is_html_comment(const char *lit)
{
	return lit && strncmp(lit, "<!--", 4) == 0;
}

static void
enter_item(struct term *t)
{
	struct frame *list = top_frame(t, FR_LIST);
	struct frame item = { .type = FR_ITEM, .marker_pending = 1 };
	if (list && list->ordered) {
		snprintf(item.marker, sizeof(item.marker), "%d%c ",
		    list->number, list->delim);
		if (list->number < 999999999)
			list->number++;
		item.marker_width = (int)strlen(item.marker);
	} else {
		snprintf(item.marker, sizeof(item.marker), "%s ",
		    t->color ? "\xE2\x80\xA2" : "-");
		item.marker_width = 2;
	}
	push_frame(t, &item);
}

static void
enter_list(struct term *t, cmark_node *node)
{
	struct frame list = { .type = FR_LIST };
	list.tight = cmark_node_get_list_tight(node);
	list.ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
	list.number = cmark_node_get_list_start(node);
	list.delim = cmark_node_get_list_delim(node) == CMARK_PAREN_DELIM ?
	    ')' : '.';
	push_frame(t, &list);
}

static void
exit_heading(struct term *t, cmark_node *node)
{
	int level = cmark_node_get_heading_level(node);
	if (t->color) {
		style_mark(t, ST_BOLD, 0);
		if (level == 1)
			style_mark(t, ST_UNDERLINE, 0);
	}
	int widest = flush_inline(t);
	if (!t->color && level <= 2 && widest > 0) {
		line_start(t, 0);
		put_rule(t, level == 1 ? "=" : "-", widest);
		coach_buf_putc(t->out, '\n');
	}
}

static void
enter_heading(struct term *t, cmark_node *node)
{
	int level = cmark_node_get_heading_level(node);
	coach_buf_clear(&t->inl);
	if (t->color) {
		if (level == 1)
			style_mark(t, ST_UNDERLINE, 1);
		style_mark(t, ST_BOLD, 1);
	} else if (level >= 3) {
		for (int i = 0; i < level; i++)
			coach_buf_putc(&t->inl, '#');
		coach_buf_putc(&t->inl, ' ');
	}
}

static int
is_autolink(cmark_node *link)
{
	cmark_node *c = cmark_node_first_child(link);
	const char *url = cmark_node_get_url(link);
	if (c == NULL || c != cmark_node_last_child(link) ||
	    cmark_node_get_type(c) != CMARK_NODE_TEXT || url == NULL)
		return 0;
	const char *text = cmark_node_get_literal(c);
	return strcmp(text, url) == 0 ||
	    (strncmp(url, "mailto:", 7) == 0 && strcmp(url + 7, text) == 0);
}

static void
link_target(struct term *t, const char *url)
{
	if (url == NULL || *url == '\0')
		return;
	coach_buf_putc(&t->inl, ' ');
	style_mark(t, ST_DIM, 1);
	coach_buf_putc(&t->inl, '<');
	put_clean(&t->inl, url, strlen(url), 0);
	coach_buf_putc(&t->inl, '>');
	style_mark(t, ST_DIM, 0);
}

static void
render_inline(struct term *t, cmark_node *node, cmark_event_type ev)
{
	int enter = ev == CMARK_EVENT_ENTER;
	const char *lit = cmark_node_get_literal(node);
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_TEXT:
		put_clean(&t->inl, lit, strlen(lit), 0);
		break;
	case CMARK_NODE_SOFTBREAK:
		coach_buf_putc(&t->inl, ' ');
		break;
	case CMARK_NODE_LINEBREAK:
		coach_buf_putc(&t->inl, '\n');
		break;
	case CMARK_NODE_CODE:
		if (t->color)
			style_mark(t, ST_CODE, 1);
		else
			coach_buf_putc(&t->inl, '`');
		put_clean(&t->inl, lit, strlen(lit), 0);
		if (t->color)
			style_mark(t, ST_CODE, 0);
		else
			coach_buf_putc(&t->inl, '`');
		break;
	case CMARK_NODE_HTML_INLINE:
		if (!is_html_comment(lit))
			put_clean(&t->inl, lit, strlen(lit), 0);
		break;
	case CMARK_NODE_EMPH:
		if (t->color)
			style_mark(t, ST_ITALIC, enter);
		else
			coach_buf_putc(&t->inl, '_');
		break;
	case CMARK_NODE_STRONG:
		if (t->color)
			style_mark(t, ST_BOLD, enter);
		else
			coach_buf_putc(&t->inl, '*');
		break;
	case CMARK_NODE_LINK:
		style_mark(t, ST_UNDERLINE, enter);
		if (!enter && !is_autolink(node))
			link_target(t, cmark_node_get_url(node));
		break;
	case CMARK_NODE_IMAGE:
		if (enter) {
			coach_buf_puts(&t->inl, cmark_node_first_child(node) ?
			    "[image: " : "[image");
		} else {
			coach_buf_putc(&t->inl, ']');
			link_target(t, cmark_node_get_url(node));
		}
		break;
	default:
		break;
	}
}

static void
render_block(struct term *t, cmark_node *node, cmark_event_type ev)
{
	int enter = ev == CMARK_EVENT_ENTER;
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_BLOCK_QUOTE:
		if (enter) {
			begin_block(t);
			push_frame(t, &(struct frame){ .type = FR_QUOTE });
		} else {
			t->nframes--;
			t->need_blank = 1;
		}
		break;
	case CMARK_NODE_LIST:
		if (enter) {
			begin_block(t);
			enter_list(t, node);
		} else {
			t->nframes--;
			t->need_blank = 1;
		}
		break;
	case CMARK_NODE_ITEM:
		if (enter) {
			begin_block(t);
			enter_item(t);
		} else {
			if (t->frames[t->nframes - 1].marker_pending) {
				line_start(t, 0);
				coach_buf_putc(t->out, '\n');
			}
			t->nframes--;
			t->need_blank = 1;
		}
		break;
	case CMARK_NODE_PARAGRAPH:
		if (enter) {
			begin_block(t);
			coach_buf_clear(&t->inl);
		} else {
			flush_inline(t);
			t->need_blank = 1;
		}
		break;
	case CMARK_NODE_HEADING:
		if (enter) {
			begin_block(t);
			enter_heading(t, node);
		} else {
			exit_heading(t, node);
			t->need_blank = 1;
		}
		break;
	case CMARK_NODE_CODE_BLOCK:
		begin_block(t);
		put_literal_lines(t, cmark_node_get_literal(node), "    ", 1);
		t->need_blank = 1;
		break;
	case CMARK_NODE_HTML_BLOCK:
		if (is_html_comment(cmark_node_get_literal(node)))
			break;
		begin_block(t);
		put_literal_lines(t, cmark_node_get_literal(node), "", 0);
		t->need_blank = 1;
		break;
	case CMARK_NODE_THEMATIC_BREAK: {
		begin_block(t);
		int room = text_room(t, line_start(t, 0));
		put_rule(t, t->color ? "\xE2\x94\x80" : "-",
		    room > 0 ? room : 40);
		coach_buf_putc(t->out, '\n');
		t->need_blank = 1;
		break;
	}
	default:
		break;
	}
}

struct coach_error *
coach_md_terminal(struct coach_buf *out, const char *body, size_t len,
	int width, int color)
{
	cmark_node *doc;
	struct coach_error *err = md_parse(body, len, &doc);
	if (err)
		return err;
	struct term t = { .out = out, .width = width, .color = color,
		.first_pending = SIZE_MAX };
	/* The iterator keeps the walk off the C stack: nesting in a body is
	 * bounded only by its size. */
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(node);
		if (type >= CMARK_NODE_FIRST_INLINE &&
		    type <= CMARK_NODE_LAST_INLINE)
			render_inline(&t, node, ev);
		else
			render_block(&t, node, ev);
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	coach_buf_free(&t.inl);
	free(t.frames);
	/* Keep out a C string even for an empty body. */
	coach_buf_add(out, "", 0);
	return NULL;
}

/* ---- first line ---------------------------------------------------------- */

/* The plain text under node: text and code literally, breaks as spaces,
 * raw HTML dropped; control characters and runs of spaces become one
 * space. */
static void
plain_text(struct coach_buf *b, cmark_node *node)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE: {
			const char *lit = cmark_node_get_literal(n);
			put_clean(b, lit, strlen(lit), 0);
			break;
		}
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			coach_buf_putc(b, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

/* Collapses runs of spaces (and the replacement of control characters
 * made by put_clean) into single spaces and trims both ends, in place. */
static void
squeeze_spaces(struct coach_buf *b)
{
	size_t o = 0;
	for (size_t i = 0; i < b->len; i++) {
		if (b->ptr[i] == ' ' && (o == 0 || b->ptr[o - 1] == ' '))
			continue;
		b->ptr[o++] = b->ptr[i];
	}
	while (o > 0 && b->ptr[o - 1] == ' ')
		o--;
	b->len = o;
	if (b->ptr)
		b->ptr[o] = '\0';
}

/*
 * Cuts s (valid UTF-8) to at most max characters, the last being "…" when
 * anything was cut.  Combining marks stay with the character before them,
 * so a cut never separates them.
 */
static void
cut_chars(struct coach_buf *b, size_t max)
{
	const unsigned char *s = (const unsigned char *)(b->ptr ? b->ptr : "");
	size_t chars = 0, i = 0, keep = 0;
	while (i < b->len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, b->len - i, &cp);
		if (char_width(cp) != 0 || i == 0) {
			if (chars + 1 == max)
				keep = i;
			chars++;
		}
		i += n;
	}
	if (chars <= max)
		return;
	b->len = max == 0 ? 0 : keep;
	while (b->len > 0 && b->ptr[b->len - 1] == ' ')
		b->len--;
	b->ptr[b->len] = '\0';
	if (max > 0)
		coach_buf_puts(b, "\xE2\x80\xA6");
}

char *
coach_md_first_line(const char *body, size_t len, size_t max_chars)
{
	/* A one-line summary does not need the whole of a body too large to
	 * render: the first block is near its start. */
	if (len > COACH_MD_MAX_BYTES)
		len = COACH_MD_MAX_BYTES;
	cmark_node *doc = parse_capped(body, len);
	struct coach_buf b = COACH_BUF_INIT;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(n);
		if (ev != CMARK_EVENT_ENTER || (type != CMARK_NODE_PARAGRAPH &&
		    type != CMARK_NODE_HEADING))
			continue;
		plain_text(&b, n);
		squeeze_spaces(&b);
		if (b.len > 0)
			break;
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	cut_chars(&b, max_chars);
	coach_buf_add(&b, "", 0);
	return coach_buf_detach(&b);
}
