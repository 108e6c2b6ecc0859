#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct coach_error {
	int status;
	enum coach_code code;
	char *msg;
};

static char *
vformat(const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	char *s = coach_xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

struct coach_error *
coach_error_new(int status, const char *fmt, ...)
{
	struct coach_error *err = coach_xmalloc(sizeof(*err));
	va_list ap;
	va_start(ap, fmt);
	err->msg = vformat(fmt, ap);
	va_end(ap);
	err->status = status;
	err->code = status == COACH_USAGE ? COACH_E_USAGE : COACH_E_FAIL;
	return err;
}

struct coach_error *
coach_error_coded(enum coach_code code, const char *fmt, ...)
{
	struct coach_error *err = coach_xmalloc(sizeof(*err));
	va_list ap;
	va_start(ap, fmt);
	err->msg = vformat(fmt, ap);
	va_end(ap);
	err->code = code;
	err->status = code == COACH_E_USAGE ? COACH_USAGE : COACH_FAIL;
	return err;
}

struct coach_error *
coach_error_errno(const char *op, const char *path)
{
	int e = errno;
	return coach_error_coded(e == ENOENT || e == ENOTDIR ?
	    COACH_E_NOTFOUND : COACH_E_IO, "%s %s: %s", op, path,
	    strerror(e));
}

struct coach_error *
coach_error_prefix(struct coach_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *pre = vformat(fmt, ap);
	va_end(ap);
	size_t n = strlen(pre) + strlen(err->msg) + 3;
	char *msg = coach_xmalloc(n);
	snprintf(msg, n, "%s: %s", pre, err->msg);
	free(pre);
	free(err->msg);
	err->msg = msg;
	return err;
}

int
coach_error_status(const struct coach_error *err)
{
	return err ? err->status : COACH_OK;
}

enum coach_code
coach_error_code(const struct coach_error *err)
{
	return err ? err->code : (enum coach_code)0;
}

struct coach_error *
coach_error_set_code(struct coach_error *err, enum coach_code code)
{
	if (err == NULL)
		return NULL;
	err->code = code;
	if (code == COACH_E_USAGE)
		err->status = COACH_USAGE;
	return err;
}

const char *
coach_error_msg(const struct coach_error *err)
{
	return err ? err->msg : "";
}

void
coach_error_free(struct coach_error *err)
{
	if (err == NULL)
		return;
	free(err->msg);
	free(err);
}
