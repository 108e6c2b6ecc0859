/*
 * load.h: reading records of one kind, whatever state the work tree is in.
 *
 * Every command that lists or summarises records (status, entries, goal
 * list, reports) loads them here, so that all of them skip the same things
 * and say the same about them: a record that does not parse, that cannot
 * be read, or that sits behind a symbolic link is left out and becomes a
 * problem in the list, which the caller prints or puts in JSON.  One bad
 * hand edit then never hides the rest, and never goes unmentioned.
 */
#ifndef COACH_LOAD_H
#define COACH_LOAD_H

#include <stddef.h>

#include "fmpack.h"
#include "record.h"
#include "repo.h"

/* A record and what its path says. */
struct coach_loaded {
	char *path;
	char *coachee; /* NULL for school-wide records */
	/* From the file name: the id, the handle of staff; NULL for an
	 * agreement or an entry whose file name holds no id. */
	char *id;
	struct coach_record *rec;
};

/* A record left out, and why. */
struct coach_problem {
	char *path;    /* the repository path of the record or folder */
	char *message; /* the whole message, naming path (and the line) */
};

struct coach_problems {
	struct coach_problem *v;
	size_t n;
	size_t cap;
};
#define COACH_PROBLEMS_INIT { NULL, 0, 0 }

/* Adds a problem; message is printf-style. */
void coach_problems_add(struct coach_problems *p, const char *path,
	const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Adds the problem of a symbolic link at path, which was skipped. */
void coach_problems_add_link(struct coach_problems *p, const char *path);
/* Moves every problem of from to the end of to, emptying from. */
void coach_problems_move(struct coach_problems *to,
	struct coach_problems *from);
void coach_problems_free(struct coach_problems *p);

struct coach_loaded_list {
	struct coach_loaded *v;
	size_t n;
	size_t broken; /* records left out: problems.n */
	struct coach_problems problems;
};

/* Frees what l holds and empties it. */
void coach_loaded_free(struct coach_loaded *l);

/*
 * Loads every record of kind: for coaching records those of coachee (NULL:
 * every coachee).  Sorted by the text at sort_key (a date) then id, or in
 * the repository's order (coach_repo_list) when sort_key is NULL.  What
 * cannot be loaded goes to out->problems.  Returns an error only when the
 * repository cannot be listed at all.  The caller frees out with
 * coach_loaded_list_free(), also after an error.
 */
struct coach_error *coach_load_records(struct coach_repo *r,
	enum coach_kind kind, const char *coachee, const char *sort_key,
	struct coach_loaded_list *out);
void coach_loaded_list_free(struct coach_loaded_list *l);

/* A record's front-matter as reports read it: the keys reports use,
 * packed (fmpack.h); never its body. */
struct coach_packed {
	const char *coachee; /* as struct coach_loaded; owned by the list */
	char *id;            /* as struct coach_loaded; NULL for entries */
	struct coach_fmp fm; /* into the cache or into own */
	void *own;
};

struct coach_packed_list {
	struct coach_packed *v;
	size_t n;
	struct coach_problems problems;
	struct coach_strlist coachees;
};

/*
 * Like coach_load_records() with sort_key NULL, for readers of the whole
 * school: when the repository's cache is on (coach_repo_cache_begin()),
 * a record that has not changed since it was packed is not read again.
 * The caller frees out with coach_packed_list_free(), also after an
 * error, and before ending the cache.
 */
struct coach_error *coach_load_packed(struct coach_repo *r,
	enum coach_kind kind, struct coach_packed_list *out);
void coach_packed_list_free(struct coach_packed_list *l);
/* The records of in (of kind kind, read some other way: from a tree a
 * trust fetched) packed into out as coach_load_packed() packs them; in's
 * problems are not copied. */
void coach_packed_from_loaded(const struct coach_loaded_list *in,
	enum coach_kind kind, struct coach_packed_list *out);

/*
 * Loads the one record at path (an agreement, a staff record) into *out
 * when it is there.  Returns 1 when it was loaded, 0 when there is no
 * such file, -1 when there is one that cannot be loaded (the reason is
 * added to problems).  The caller empties *out with coach_loaded_free().
 */
int coach_load_one(struct coach_repo *r, const char *path,
	struct coach_loaded *out, struct coach_problems *problems);

/*
 * Resolves an id prefix of kind (COACH_KIND_GOAL or _CYCLE) and loads the
 * record into *out, which the caller empties with coach_loaded_free()
 * (also after an error).
 */
struct coach_error *coach_load_by_id(struct coach_repo *r, const char *prefix,
	enum coach_kind kind, struct coach_loaded *out);

#endif
