/*
 * coached.h: whom a member of staff coaches, without reading every
 * agreement of the school.
 *
 * The answer depends on every coaching/<coachee>/agreement.md, so each is
 * looked at, but only its stat data: what each agreement says (ended or
 * not, its coaches, or why it cannot be read) is kept in a small cache in
 * the git directory (COACH_COACHED_CACHE_FILE, never committed), with the
 * stat data of the file it was read from, and the listing of coaching/
 * with that folder's stat data.  As with git's index, an entry is used
 * only while the file's stat data (inode, size, mtime and ctime to the
 * nanosecond) are the same, and is only stored when they were the same
 * before and after reading and older than the start of the run (racy
 * otherwise).  A missing, damaged or other version's cache is rebuilt;
 * failing to write it only costs time; COACH_NO_CACHE=1 turns it off.
 */
#ifndef COACH_COACHED_H
#define COACH_COACHED_H

#include "load.h"
#include "repo.h"

#define COACH_COACHED_CACHE_FILE "coach-coached.cache"

/*
 * Adds to out, sorted, each coachee other than handle whose agreement is
 * active and names handle as a coach.  Agreements (and coachee folders)
 * that cannot be read are added to problems as coach_load_records() says
 * them, in the same order.  Returns an error only when coaching/ cannot
 * be listed.
 */
struct coach_error *coach_coached_by(struct coach_repo *r, const char *handle,
	struct coach_strlist *out, struct coach_problems *problems);

#endif
