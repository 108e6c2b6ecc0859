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

/*
 * What went wrong, for callers that must tell cases apart (retry when
 * locked or busy, report a conflict, treat not-found as "absent"): branch
 * on the code, never on the message.
 */
enum coach_code {
	COACH_E_FAIL = 1, /* anything else */
	COACH_E_USAGE,    /* the command line was wrong */
	COACH_E_NOTFOUND, /* no such record, file, id, handle or revision */
	COACH_E_INVALID,  /* a record or value breaks the format or schema */
	COACH_E_CONFLICT, /* two changes disagree (merge, unfinished git
			   * operation, uncommitted hand edits) */
	COACH_E_LOCKED,   /* a lock is held (another writer, a stale lock) */
	COACH_E_BUSY,     /* timed out waiting for something */
	COACH_E_IO,       /* the system failed: disk, permissions, network */
};

struct coach_error;

/* A new error with a printf-style message; its code is COACH_E_USAGE for
 * status COACH_USAGE, else COACH_E_FAIL. */
struct coach_error *coach_error_new(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A new error with a code; its status is COACH_USAGE for COACH_E_USAGE,
 * else COACH_FAIL. */
struct coach_error *coach_error_coded(enum coach_code code, const char *fmt,
	...) __attribute__((format(printf, 2, 3)));

/* "<op> <path>: <strerror(errno)>", status COACH_FAIL; code
 * COACH_E_NOTFOUND for ENOENT and ENOTDIR, else COACH_E_IO. */
struct coach_error *coach_error_errno(const char *op, const char *path);

/* Puts "<prefix>: " in front of err's message; returns err. */
struct coach_error *coach_error_prefix(struct coach_error *err,
	const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int coach_error_status(const struct coach_error *err);
/* The error's code; 0 for NULL (success). */
enum coach_code coach_error_code(const struct coach_error *err);
/* Sets err's code (keeping its status unless the code is COACH_E_USAGE);
 * returns err, NULL for NULL. */
struct coach_error *coach_error_set_code(struct coach_error *err,
	enum coach_code code);
const char *coach_error_msg(const struct coach_error *err);
void coach_error_free(struct coach_error *err);

#endif
