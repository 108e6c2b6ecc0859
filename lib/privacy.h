/*
 * privacy.h: what a reader may see of an entry.
 *
 * An entry with "private: true" keeps its text to two people: its author
 * and the coachee whose log it is in.  Everyone else - the coach, a
 * school leader, the trust - sees COACH_PRIVATE_TEXT in its place in every
 * output of coach (status, entries, show, reports); the front-matter
 * (date, kind, goal) stays visible, so that private work still counts.
 * This is what coach shows, not access control: anyone who can read the
 * repository can read the file itself (coach(5) says so).
 *
 * Every command decides here, never on its own.
 */
#ifndef COACH_PRIVACY_H
#define COACH_PRIVACY_H

#include "record.h"
#include "repo.h"

#define COACH_PRIVATE_TEXT "(private)"

/* Who reads: a member of staff's handle (NULL when coach does not know
 * who the user is), or the trust, which never sees private text. */
struct coach_reader {
	char *handle; /* owned */
	int trust;
};

/*
 * The current user (coach_repo_current_user) as a reader.  When coach
 * cannot tell who that is, the reader is nobody in particular, who sees
 * no private text.
 */
void coach_reader_current(struct coach_repo *r, struct coach_reader *out);
void coach_reader_free(struct coach_reader *rd);

/* Whether the entry is marked private ("private: true"). */
int coach_entry_private(const struct coach_record *entry);

/*
 * Whether reader may see the text of entry, which is in coachee's log:
 * always for an entry that is not private; for a private one only when
 * reader is its author or coachee (and not the trust).
 */
int coach_entry_readable(const struct coach_record *entry,
	const char *coachee, const struct coach_reader *reader);

/* The entry's body as reader may see it: the body itself, or
 * COACH_PRIVATE_TEXT.  Owned by entry (or static). */
const char *coach_entry_body_for(const struct coach_record *entry,
	const char *coachee, const struct coach_reader *reader);

/*
 * Whether rec, the record at relpath, is a private entry whose text the
 * current user (coach_reader_current) may not see.  Records that are not
 * entries are never hidden.
 */
int coach_record_hidden_from_user(struct coach_repo *r, const char *relpath,
	const struct coach_record *rec);

#endif
