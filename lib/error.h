/*
 * error.h: errors are values.
 *
 * A function that can fail returns a struct coach_error *; NULL means
 * success.  The caller owns a returned error and disposes of it with
 * coach_error_free().  Messages name the file, the line where there is one,
 * and what to do; main prints them as "coach: <message>".
 */
#ifndef COACH_ERROR_H
#define COACH_ERROR_H

/* Exit statuses, which are also the status an error carries. */
enum coach_status {
	COACH_OK = 0,
	COACH_FAIL = 1,  /* the command failed (bad input, I/O, validation) */
	COACH_USAGE = 2, /* the command line was wrong */
};

struct coach_error;

/* A new error with a printf-style message. */
struct coach_error *coach_error_new(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "<op> <path>: <strerror(errno)>", status COACH_FAIL. */
struct coach_error *coach_error_errno(const char *op, const char *path);

/* Puts "<prefix>: " in front of err's message; returns err. */
struct coach_error *coach_error_prefix(struct coach_error *err,
	const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int coach_error_status(const struct coach_error *err);
const char *coach_error_msg(const struct coach_error *err);
void coach_error_free(struct coach_error *err);

#endif
