/*
 * privacy.h: what a reader may see of an entry.
 *
 * An entry with "private: true" keeps its text to two people: its author
 * and the coachee whose log it is in.  Everyone else - the coach, a
 * school leader, the trust - sees COACH_PRIVATE_TEXT in its place in every
 * output of coach (status, entries, show, reports); the front-matter
 * (date, kind, goal) stays visible, so that private work still counts.
 * Besides the author and the coachee, an entry's "readers" list (log
 * --to) names who else may read it.
 *
 * An entry's body may be sealed (seal.h): encrypted to its readers'
 * keys, so that the words are safe from anyone who only has the
 * repository.  coach_entry_body_for() is the one place that opens a
 * sealed body, with the reader's own key (keys.h); an unsealed private
 * entry is only hidden by what coach shows, and anyone who can read the
 * repository can read its file (coach(5) says so).
 *
 * Every command decides here, never on its own.
 */
#ifndef COACH_PRIVACY_H
#define COACH_PRIVACY_H

#include "record.h"
#include "repo.h"
#include "util.h"

#define COACH_PRIVATE_TEXT "(private)"
#define COACH_READERS_KEY "readers"

/* What a reader opened: their key, loaded once, and the texts. */
struct coach_unsealer;

/* Who reads: a member of staff's handle (NULL when coach does not know
 * who the user is), or the trust, which never sees private text. */
struct coach_reader {
	char *handle; /* owned */
	int trust;
	struct coach_unsealer *unseal; /* owned; made at the first sealed
					* body, freed by coach_reader_free */
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

/* Whether the entry's body is sealed (starts with the armour). */
int coach_entry_sealed(const struct coach_record *entry);

/*
 * The readers of a private entry in coachee's log: its author, the
 * coachee, then the handles of its "readers" list, each once, in that
 * order.  Appended to out.
 */
void coach_entry_readers(const struct coach_record *entry,
	const char *coachee, struct coach_strlist *out);

/*
 * Whether reader may see the text of entry, which is in coachee's log:
 * always for an entry that is not private; for a private one only when
 * reader is one of its readers (coach_entry_readers; never the trust).
 */
int coach_entry_readable(const struct coach_record *entry,
	const char *coachee, const struct coach_reader *reader);

/*
 * The entry's body as reader may see it: the body itself, the text of a
 * sealed body opened with the reader's key, or COACH_PRIVATE_TEXT.  A
 * sealed body a reader cannot open shows why instead, in brackets:
 * "(sealed: ...)" (no key on this computer, a wrong key, not sealed to
 * them, changed since it was sealed); never the armour itself.  Owned by
 * entry or reader (or static).
 */
const char *coach_entry_body_for(const struct coach_record *entry,
	const char *coachee, const struct coach_reader *reader);

/*
 * Opens entry's sealed body for reader: *plain (caller frees it after
 * coach_privacy_wipe) is the text.  An error says why not, in the words
 * coach_entry_body_for shows.
 */
struct coach_error *coach_entry_unseal(const struct coach_record *entry,
	const char *coachee, const struct coach_reader *reader, char **plain);

/*
 * Seals plain for the entry id to readers (handles), with the public keys
 * of their staff records, appending the armour to out.  A reader without
 * a key is an error (COACH_E_NOTFOUND) naming each.
 */
struct coach_error *coach_entry_seal(struct coach_repo *r, const char *id,
	const struct coach_strlist *readers, const char *plain,
	struct coach_buf *out);

/* Appends to missing the readers whose staff record has no key. */
struct coach_error *coach_readers_without_key(struct coach_repo *r,
	const struct coach_strlist *readers, struct coach_strlist *missing);

/* Zeroes and frees a text that was sealed. */
void coach_privacy_wipe(char *plain);

/*
 * Whether rec, the record at relpath, is a private entry whose text the
 * current user (coach_reader_current) may not see.  Records that are not
 * entries are never hidden.
 */
int coach_record_hidden_from_user(struct coach_repo *r, const char *relpath,
	const struct coach_record *rec);

#endif
