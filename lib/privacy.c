/*
 * privacy.c: the one place that decides who reads a private entry.
 */
#include "privacy.h"

#include <stdlib.h>
#include <string.h>

void
coach_reader_current(struct coach_repo *r, struct coach_reader *out)
{
	out->handle = NULL;
	out->trust = 0;
	/* A broken staff record or git config is said by the commands that
	 * need a user; here it only means nobody in particular reads. */
	struct coach_error *err = coach_repo_current_user(r, &out->handle);
	if (err) {
		free(out->handle);
		out->handle = NULL;
	}
	coach_error_free(err);
}

void
coach_reader_free(struct coach_reader *rd)
{
	free(rd->handle);
	rd->handle = NULL;
}

int
coach_entry_private(const struct coach_record *entry)
{
	const struct coach_fm_node *n = coach_fm_get(
	    coach_record_fm_const(entry), "private");
	int b = 0;
	/* Anything but a clear false keeps the text private: a hand edit
	 * such as "private: yes please" must not publish it. */
	if (n == NULL || coach_fm_node_type(n) == COACH_FM_NULL)
		return 0;
	return coach_fm_node_bool(n, &b) != 0 || b;
}

static int
same(const char *a, const char *b)
{
	return a && b && *a && strcmp(a, b) == 0;
}

int
coach_entry_readable(const struct coach_record *entry, const char *coachee,
    const struct coach_reader *reader)
{
	if (!coach_entry_private(entry))
		return 1;
	if (reader == NULL || reader->trust || reader->handle == NULL)
		return 0;
	return same(reader->handle, coachee) ||
	    same(reader->handle, coach_record_str(entry, "author"));
}

const char *
coach_entry_body_for(const struct coach_record *entry, const char *coachee,
    const struct coach_reader *reader)
{
	return coach_entry_readable(entry, coachee, reader) ?
	    coach_record_body(entry) : COACH_PRIVATE_TEXT;
}

int
coach_record_hidden_from_user(struct coach_repo *r, const char *relpath,
	const struct coach_record *rec)
{
	char *coachee = NULL;
	int hidden = 0;
	if (coach_path_kind(relpath, &coachee, NULL) == COACH_KIND_ENTRY &&
	    coach_entry_private(rec)) {
		struct coach_reader reader;
		coach_reader_current(r, &reader);
		hidden = !coach_entry_readable(rec, coachee, &reader);
		coach_reader_free(&reader);
	}
	free(coachee);
	return hidden;
}
