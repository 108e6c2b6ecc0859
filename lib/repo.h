/*
 * repo.h: a coach repository, the layout of coach(5) on top of a store.
 *
 *     coach.yml
 *     staff/<handle>.md
 *     priorities/<id>.md
 *     framework/<id>.md
 *     coaching/<coachee>/agreement.md
 *     coaching/<coachee>/goals/<goal-id>.md
 *     coaching/<coachee>/cycles/<cycle-id>.md
 *     coaching/<coachee>/log/<date>-<entry-id>.md
 *     coaching/<coachee>/evidence/<file>
 *
 * Paths handed in and out are relative to the repository's root and
 * '/'-separated.  Records are read from the work tree, so hand edits are
 * seen.
 */
#ifndef COACH_REPO_H
#define COACH_REPO_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "frontmatter.h"
#include "ids.h"
#include "record.h"
#include "store.h"
#include "util.h"

#define COACH_CONFIG_FILE "coach.yml"
/* Largest evidence file copied into a repository (bigger: link it). */
#define COACH_EVIDENCE_MAX_BYTES (5 * 1024 * 1024)

enum coach_kind {
	COACH_KIND_NONE,
	COACH_KIND_CONFIG,
	COACH_KIND_STAFF,
	COACH_KIND_PRIORITY,
	COACH_KIND_FRAMEWORK,
	COACH_KIND_AGREEMENT,
	COACH_KIND_GOAL,
	COACH_KIND_CYCLE,
	COACH_KIND_ENTRY,
	COACH_KIND_EVIDENCE,
};

/* "staff", "priority", "framework", "agreement", "goal", "cycle", "entry",
 * ... as used in messages. */
const char *coach_kind_name(enum coach_kind k);

struct coach_repo;

/*
 * Opens the coach repository: dir (from -C) when not NULL, else the one
 * containing the current directory, else $COACH_DIR, else git's global
 * config coach.dir.  A coach repository is a git work tree whose root holds
 * coach.yml; coach.yml is parsed here and its errors reported.
 */
struct coach_error *coach_repo_open(struct coach_repo **out, const char *dir);
/* Opens the repository at root exactly (no search); used by init. */
struct coach_error *coach_repo_open_at(struct coach_repo **out,
	const char *root);
void coach_repo_free(struct coach_repo *r);

const char *coach_repo_root(const struct coach_repo *r);
struct coach_store *coach_repo_store(struct coach_repo *r);
/* coach.yml, parsed. */
const struct coach_fm *coach_repo_config(const struct coach_repo *r);
/* Absolute path of a repository path; the caller frees it. */
char *coach_repo_abspath(const struct coach_repo *r, const char *relpath);

/*
 * The cycle phases: coach.yml's cycle_phases when set, else the phases of
 * its cycle_model, else steplab's.  Owned by the repository.
 */
const struct coach_strlist *coach_repo_phases(const struct coach_repo *r);
/* The cycle phases coach.yml's settings cfg give, as above, added to
 * out. */
void coach_config_phases(const struct coach_fm *cfg, struct coach_strlist *out);
/* Longest phrase of judgement_words, and most phrases, that coach looks
 * for; check reports the ones past these. */
#define COACH_JUDGEMENT_MAX_LEN 200
#define COACH_JUDGEMENT_MAX_WORDS 200
/* Grading words that check warns about: coach.yml's judgement_words, else
 * the default list; within the limits above.  Owned by the repository. */
const struct coach_strlist *coach_repo_judgement_words(
	const struct coach_repo *r);
/* The default list (coach-check(1) documents it). */
const char *const *coach_default_judgement_words(void);
/* Phases of a named model ("steplab", "impact", "gbf"), NULL-terminated;
 * NULL for unknown models. */
const char *const *coach_cycle_model_phases(const char *model);

/*
 * The current user: the handle of the member of staff whose email equals
 * the author's email as git finds it (GIT_AUTHOR_EMAIL, author.email,
 * user.email, EMAIL).  *handle is NULL (and no error) when no staff record
 * matches; an error (COACH_E_INVALID) names the file when the only record
 * that holds the email cannot be read.  The caller frees *handle.
 */
struct coach_error *coach_repo_current_user(struct coach_repo *r,
	char **handle);
/*
 * The coachee a command works on: arg when not NULL (checked to be a valid
 * handle with a staff record), else the current user; an error says what
 * to do when there is neither.  The caller frees *out.
 */
struct coach_error *coach_repo_coachee(struct coach_repo *r, const char *arg,
	char **out);
/*
 * NULL when handle names a member of staff (a valid handle with a staff
 * record); else an error that says so, with "did you mean" for a near
 * handle ("Siobhan" for "siobhan").
 */
struct coach_error *coach_repo_staff_check(struct coach_repo *r,
	const char *handle);

/*
 * The coachee a command works on when it names a goal or cycle: arg when
 * not NULL (as coach_repo_coachee), else the owner of the goal or cycle
 * whose id starts with prefix (kind COACH_KIND_GOAL or _CYCLE; errors
 * begin with option), else the current user.  The caller frees *out.
 */
struct coach_error *coach_repo_coachee_of(struct coach_repo *r,
	const char *arg, const char *option, const char *prefix,
	enum coach_kind kind, char **out);

/*
 * A front-matter cache (fmcache.h) of this work tree, for a reader of
 * many records (report, check), in the git directory's file name (each
 * reader its own, so that each maps only what it needs: report keeps the
 * loader's packed front-matter in COACH_FMCACHE_FILE, check its findings
 * in COACH_CHECK_CACHE_FILE).  Between begin and end, listings, links,
 * the existence of files and the order of entries are answered from the
 * cache (checked against the file system as fmcache.h says), and
 * coach_repo_cache() gives the cache for strings kept per file.  end
 * writes it.  Without
 * begin, or with COACH_NO_CACHE set, every answer comes from the file
 * system as before.
 */
void coach_repo_cache_begin(struct coach_repo *r, const char *name);
/* The git directory, ending with '/'. */
char *coach_repo_gitdir(const struct coach_repo *r);
void coach_repo_cache_end(struct coach_repo *r);
#define COACH_CHECK_CACHE_FILE "coach-check.cache"
struct coach_fmcache *coach_repo_cache(struct coach_repo *r);

/*
 * Asks the file-system monitor (monitor.h) what changed since the token
 * (instance, seq) into *a: 0, or -1 when none answers.  Then, when one
 * is wanted, it is started in the background (this run checks by stat):
 * as coach.monitor says, and when that is not set, when names(arg), the
 * number of names (files and folders) the caller would otherwise look
 * at or an estimate of the work tree's, is COACH_MONITOR_AUTO_NAMES or
 * more.
 */
struct coach_monitor_answer;
int coach_repo_monitor_ask(struct coach_repo *r, uint64_t instance,
	uint64_t seq, size_t (*names)(void *arg), void *arg,
	struct coach_monitor_answer *a);

/* Paths of records; the caller frees them. */
char *coach_path_staff(const char *handle);
char *coach_path_priority(const char *id);
char *coach_path_framework(const char *id);
char *coach_path_agreement(const char *coachee);
char *coach_path_goal(const char *coachee, const char *id);
char *coach_path_cycle(const char *coachee, const char *id);
char *coach_path_entry(const char *coachee, const char *date, const char *id);
char *coach_path_evidence_dir(const char *coachee);

/*
 * What a path is: the one reading of the layout, for every command and
 * for check.  Its kind, and for coaching/ paths the coachee (*coachee,
 * malloc'd, when coachee is not NULL).  *id (malloc'd, when id is not
 * NULL) is what the file name says: the handle or id of staff, priority
 * and framework files, the stem of goals and cycles, for entries what
 * follows "YYYY-MM-DD-" (NULL when the name does not start with a date);
 * NULL otherwise.  The name is not validated as an id or handle here
 * (check says what is wrong with it).  Records are NAME.md directly in
 * their folder, NAME not starting with '.'; anything below
 * coaching/COACHEE/evidence/ is evidence.  Everything else, a coachee
 * folder starting with '.' included, is COACH_KIND_NONE.
 */
enum coach_kind coach_path_kind(const char *relpath, char **coachee,
	char **id);

/* Whether relpath exists in the work tree as a regular file. */
int coach_repo_exists(const struct coach_repo *r, const char *relpath);
/*
 * The first part of relpath, from the root down, that is a symbolic link
 * ("coaching/bob" for coaching/bob/goals/g1.md when coaching/bob is a
 * link), malloc'd; NULL when there is none.
 */
char *coach_repo_link_in(const struct coach_repo *r, const char *relpath);
/* Loads a record from the work tree; a record reached through a symbolic
 * link is refused (COACH_E_INVALID), so that nothing outside the
 * repository is read as one of its records. */
struct coach_error *coach_repo_load(struct coach_repo *r, const char *relpath,
	struct coach_record **out);

/*
 * Repository paths of the records of kind, sorted by path: for goals,
 * cycles, entries and agreements those of coachee (NULL: every coachee);
 * coachee is ignored for the school-wide kinds.  Entries sort by the date
 * their file names start with, then (entries of one day) by when their
 * files were written, then by name.
 */
struct coach_error *coach_repo_list(struct coach_repo *r, enum coach_kind k,
	const char *coachee, struct coach_strlist *out);
/*
 * The same; the records and folders that were left out because they are
 * symbolic links (coach never follows one: it can point outside the
 * repository) are added to skipped, sorted, when it is not NULL.
 */
struct coach_error *coach_repo_list_checked(struct coach_repo *r,
	enum coach_kind k, const char *coachee, struct coach_strlist *out,
	struct coach_strlist *skipped);
/*
 * coach_repo_list_checked() for readers that look at every file: when
 * order is not NULL it gets (the caller frees it), for each place of out
 * in the listing order, the place in out of the i-th file as the folders
 * were listed (a folder at a time), so that the files can be looked at
 * folder by folder; NULL when out is in that order already.
 */
struct coach_error *coach_repo_list_ordered(struct coach_repo *r,
	enum coach_kind k, const char *coachee, struct coach_strlist *out,
	struct coach_strlist *skipped, size_t **order);
/* Handles of coachees: the directories under coaching/, sorted (a
 * linked folder is none). */
struct coach_error *coach_repo_coachees(struct coach_repo *r,
	struct coach_strlist *out);

/*
 * Finds the goal, cycle or entry whose id starts with prefix (at least
 * COACH_ID_MIN_PREFIX characters).  kind is COACH_KIND_GOAL, _CYCLE,
 * _ENTRY or COACH_KIND_NONE for any of them.  Errors: prefix too short,
 * nothing found, or ambiguous (the message lists the candidates).  On
 * success *relpath (malloc'd) is the record's path and *kind_out, when not
 * NULL, its kind.
 */
struct coach_error *coach_repo_resolve(struct coach_repo *r,
	const char *prefix, enum coach_kind kind, char **relpath,
	enum coach_kind *kind_out);

/*
 * As coach_repo_resolve() for one kind, looking first in coachee's own
 * folder (coachee may be NULL): a whole id (COACH_ID_LEN characters, unique
 * by its 48 random bits) found there is taken without reading every other
 * coachee's folder, which keeps a write that names one (log --goal)
 * independent of the school's size.
 */
struct coach_error *coach_repo_resolve_near(struct coach_repo *r,
	const char *prefix, enum coach_kind kind, const char *coachee,
	char **relpath);

/*
 * A record argument as commands take it (show, edit): an id prefix, or a
 * path to a record (relative to the current directory or to the root).
 * *relpath is malloc'd.
 */
struct coach_error *coach_repo_find(struct coach_repo *r, const char *arg,
	char **relpath);

/*
 * id as output shows it: the shortest prefix of at least COACH_ID_ABBREV
 * characters that no other goal, cycle or entry id (of its kind, in the
 * work tree) starts with, as git abbreviates object names.  Ids of 7
 * characters or fewer, and anything that is not an id, come back as they
 * are.  The result is owned by the repository.
 */
const char *coach_repo_abbrev(struct coach_repo *r, const char *id);
/*
 * Makes coach_repo_abbrev() of ids (n of them: ids of records read from
 * the work tree) cost a read of git's index instead of a listing of every
 * coachee's folders: the ids that share their first COACH_ID_ABBREV
 * characters are taken from the index, with ids themselves.  An id made
 * by hand in another coachee's folder and not yet committed is then not
 * seen.  Without a usable index, nothing changes.
 */
void coach_repo_abbrev_prepare(struct coach_repo *r, const char *const *ids,
	size_t n);

/* A new random id of kind ('g', 'c', 'e'), COACH_ID_LEN characters (see
 * ids.h); nothing is scanned: the caller checks its path with
 * coach_repo_taken(). */
struct coach_error *coach_repo_new_id(struct coach_repo *r, char kind,
	char out[COACH_ID_LEN + 1]);
/* Whether relpath exists in the work tree (as anything) or in HEAD. */
int coach_repo_taken(struct coach_repo *r, const char *relpath);

#endif
