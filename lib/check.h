/*
 * check.h: validation of records, shared by "coach check", "coach edit" and
 * every command that writes.  Knows the schema of every record kind of
 * coach(5): required keys, types, enumerations, dates, ids matching file
 * names, references to other records, unresolved conflicts and grading
 * language.
 */
#ifndef COACH_CHECK_H
#define COACH_CHECK_H

#include <stddef.h>

#include "record.h"
#include "repo.h"

enum coach_severity {
	COACH_SEV_ERROR,
	COACH_SEV_WARNING,
};

struct coach_diag {
	char *path; /* repository path (control characters and bytes that
		     * are not UTF-8 shown as '?') */
	int line;   /* 1-based; 0 when the problem is the whole file */
	enum coach_severity severity;
	char *msg;
};

struct coach_diags {
	struct coach_diag *v;
	size_t n;
	size_t cap;
	size_t errors;
	size_t warnings;
};
#define COACH_DIAGS_INIT { NULL, 0, 0, 0, 0 }

void coach_diags_add(struct coach_diags *d, const char *path, int line,
	enum coach_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Sorts by path, then line. */
void coach_diags_sort(struct coach_diags *d);
void coach_diags_free(struct coach_diags *d);

/*
 * Checks one record (already parsed) found at relpath, including its
 * references into the repository.
 */
void coach_check_record(struct coach_repo *r, const char *relpath,
	const struct coach_record *rec, struct coach_diags *out);
/*
 * Checks the file at relpath (parse errors become diagnostics too).
 * text/len, when text is not NULL, is used instead of the file's content
 * (edit validates a draft before it is written).
 */
void coach_check_file(struct coach_repo *r, const char *relpath,
	const char *text, size_t len, struct coach_diags *out);
/* Checks coach.yml and every file in the work tree under staff/,
 * priorities/, framework/ and coaching/, plus duplicate ids. */
void coach_check_all(struct coach_repo *r, struct coach_diags *out);
/* Like coach_check_all(); *files, when not NULL, receives the number of
 * records (and coach.yml) checked. */
void coach_check_all_count(struct coach_repo *r, struct coach_diags *out,
	size_t *files);

#endif
