/*
 * recdiff.h: what changed between two versions of a coach repository's
 * files, by meaning rather than by line.
 *
 * Two sets of files (a folder at two commits, or at a commit and in the
 * work tree) are compared path by path.  A record in both is compared key
 * by key and described in words: "status active → achieved",
 * "measurement 14 → 19 (pupils answering; 65% of the way to 24)",
 * "practise → apply", "action step reworded".  A record only in one set
 * was added or removed; a record removed at one path and added at another
 * with the same id (an entry whose date was corrected) was moved, and
 * keeps its identity.  Records are parsed with coach_record_parse(), the
 * parser that reads the work tree; one that does not parse becomes a
 * problem and is left out.
 *
 * Pure: nothing here reads files, prints or fails.
 */
#ifndef COACH_RECDIFF_H
#define COACH_RECDIFF_H

#include <stddef.h>

#include "record.h"
#include "repo.h"
#include "util.h"

/* One file as a version holds it. */
struct coach_file {
	char *path; /* repository path */
	char oid[41]; /* git's blob id of its content */
	/* The content of a record (a .md file); NULL for other files. */
	char *data;
	size_t len;
};

/* A set of files, sorted by path once coach_files_sort() ran. */
struct coach_files {
	struct coach_file *v;
	size_t n;
	size_t cap;
};
#define COACH_FILES_INIT { NULL, 0, 0 }

/* Adds a file; data (may be NULL) is copied. */
void coach_files_add(struct coach_files *f, const char *path,
	const char *oid, const char *data, size_t len);
void coach_files_sort(struct coach_files *f);
/* The file at path in a sorted set, or NULL. */
const struct coach_file *coach_files_find(const struct coach_files *f,
	const char *path);
void coach_files_free(struct coach_files *f);

/* What happened to a record or file. */
enum coach_change_what {
	COACH_CHANGE_ADDED = 'A',
	COACH_CHANGE_REMOVED = 'D',
	COACH_CHANGE_MODIFIED = 'M',
	COACH_CHANGE_MOVED = 'R',
};

struct coach_recdiff {
	enum coach_change_what what;
	enum coach_kind kind;
	char *path;     /* the new path; the old one when removed */
	char *old_path; /* when moved, else NULL */
	char *id;       /* the record's id or handle; NULL if none */
	char *label;    /* "goal g3f9a1c", "meeting e5d2c77", "agreement" */
	char *date;     /* an entry's date, NULL for other records */
	char *entry_kind; /* an entry's kind, NULL for other records */
	int uncommitted;  /* set by callers: includes hand edits not committed */
	struct coach_strlist lines; /* in words, each a whole sentence */
};

/* A record left out because a version of it does not parse. */
struct coach_recdiff_problem {
	char *path;
	char *message; /* names the path and line */
};

struct coach_recdiffs {
	struct coach_recdiff *v;
	size_t n;
	size_t cap;
	struct coach_recdiff_problem *problems;
	size_t nproblems;
	size_t problems_cap;
};
#define COACH_CHANGES_INIT { NULL, 0, 0, NULL, 0, 0 }

/* Frees what one change holds. */
void coach_recdiff_free(struct coach_recdiff *c);
void coach_recdiffs_free(struct coach_recdiffs *c);

/*
 * How a new entry is summarised: the callback returns 1 to quote its first
 * line, 0 to show COACH_CHANGE_PRIVATE in its place, for the entry at path
 * (whose coachee the path names).  NULL quote: no text at all, only the
 * entry's kind, id, date and evidence.  body, when not NULL, gives the
 * text quoted (a sealed body opened for the reader); else the body is
 * quoted as it is.
 */
struct coach_recdiff_opts {
	int (*quote)(void *arg, const char *path,
		const struct coach_record *entry);
	void *arg;
	const char *(*body)(void *arg, const char *path,
		const struct coach_record *entry);
	/* How a goal, cycle or entry id is shown (a unique prefix, owned
	 * by abbrev_arg); NULL: its first 7 characters. */
	const char *(*abbrev)(void *abbrev_arg, const char *id);
	void *abbrev_arg;
};
#define COACH_CHANGE_PRIVATE "(private)"

/*
 * Compares old and new (each sorted; files of either may be missing) and
 * appends to out a change for every path whose content differs, in the
 * order agreement, goals, cycles, entries, evidence, other files, each by
 * path.  A record whose versions differ only in layout (comments, quoting)
 * gets the line "layout edited (no change in meaning)".
 */
void coach_recdiffs_between(const struct coach_files *old,
	const struct coach_files *new, const struct coach_recdiff_opts *opts,
	struct coach_recdiffs *out);

/*
 * Describes in words how a record of kind changed from old to new (either
 * NULL: added or removed), appending whole sentences to lines.  id and
 * path name it (path for evidence and files without an id).  Exposed for
 * the tests and for callers that hold parsed records.
 */
void coach_recdiff_describe(enum coach_kind kind, const char *id,
	const char *path, const struct coach_record *old,
	const struct coach_record *new, const struct coach_recdiff_opts *opts,
	struct coach_strlist *lines);

#endif
