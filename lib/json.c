#include "json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void
coach_json_init(struct coach_json *j, struct coach_buf *out, int pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
	j->first[0] = 1;
}

static void
newline(struct coach_json *j)
{
	if (!j->pretty)
		return;
	coach_buf_putc(j->out, '\n');
	for (int i = 0; i < j->depth; i++)
		coach_buf_puts(j->out, "  ");
}

/* Before a value: a comma when needed, unless a key was just written. */

static void
value_prefix(struct coach_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		if (!j->first[j->depth])
			coach_buf_putc(j->out, ',');
		newline(j);
	}
	j->first[j->depth] = 0;
}

static void
open_(struct coach_json *j, char c)
{
	value_prefix(j);
	coach_buf_putc(j->out, c);
	if (j->depth < COACH_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = 1;
}

static void
close_(struct coach_json *j, char c)
{
	int empty = j->first[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (!empty)
		newline(j);
	coach_buf_putc(j->out, c);
	if (j->depth == 0 && j->pretty)
		coach_buf_putc(j->out, '\n');
}

void coach_json_obj_begin(struct coach_json *j) { open_(j, '{'); }
void coach_json_obj_end(struct coach_json *j) { close_(j, '}'); }
void coach_json_arr_begin(struct coach_json *j) { open_(j, '['); }
void coach_json_arr_end(struct coach_json *j) { close_(j, ']'); }

void
coach_json_key(struct coach_json *j, const char *key)
{
	value_prefix(j);
	coach_json_quote(j->out, key);
	coach_buf_puts(j->out, j->pretty ? ": " : ":");
	j->after_key = 1;
}

/*
 * One UTF-8 character at p, as it is, or escaped when it is a C1 control
 * (U+0080..U+009F), so that JSON holds no control characters even where
 * terminals would act on them; a byte that starts no valid character is
 * U+FFFD, as JSON must be UTF-8.  Returns the bytes used.
 */
static size_t
quote_utf8(struct coach_buf *out, const unsigned char *p)
{
	size_t len = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;
	if (strnlen((const char *)p, len) < len ||
	    coach_utf8_check((const char *)p, len) < len) {
		coach_buf_puts(out, "\\ufffd");
		return 1;
	}
	if (p[0] == 0xC2 && p[1] <= 0x9F)
		coach_buf_printf(out, "\\u%04x", p[1]);
	else
		coach_buf_add(out, p, len);
	return len;
}

void
coach_json_quote(struct coach_buf *out, const char *s)
{
	coach_buf_putc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': coach_buf_puts(out, "\\\""); break;
		case '\\': coach_buf_puts(out, "\\\\"); break;
		case '\n': coach_buf_puts(out, "\\n"); break;
		case '\r': coach_buf_puts(out, "\\r"); break;
		case '\t': coach_buf_puts(out, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				coach_buf_printf(out, "\\u%04x", *p);
			} else if (*p < 0x80) {
				coach_buf_putc(out, (char)*p);
			} else {
				p += quote_utf8(out, p) - 1;
			}
		}
	}
	coach_buf_putc(out, '"');
}

void
coach_json_str(struct coach_json *j, const char *s)
{
	value_prefix(j);
	if (s == NULL)
		coach_buf_puts(j->out, "null");
	else
		coach_json_quote(j->out, s);
}

void
coach_json_num(struct coach_json *j, double d)
{
	value_prefix(j);
	if (!isfinite(d))
		coach_buf_puts(j->out, "null");
	else if (d == (double)(long long)d && fabs(d) < 1e15)
		coach_buf_printf(j->out, "%lld", (long long)d);
	else
		coach_buf_printf(j->out, "%.10g", d);
}

void
coach_json_int(struct coach_json *j, long long i)
{
	value_prefix(j);
	coach_buf_printf(j->out, "%lld", i);
}

void
coach_json_bool(struct coach_json *j, int b)
{
	value_prefix(j);
	coach_buf_puts(j->out, b ? "true" : "false");
}

void
coach_json_null(struct coach_json *j)
{
	value_prefix(j);
	coach_buf_puts(j->out, "null");
}
