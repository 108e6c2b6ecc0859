/*
 * privacy.c: the one place that decides who reads a private entry.
 */
#include "privacy.h"

#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "seal.h"

struct coach_unsealer {
	int loaded;                    /* the key was looked for */
	struct coach_seal_keypair kp;
	struct coach_error *key_err;   /* why there is no key */
	struct coach_strlist texts;    /* owned: what was shown */
};

void
coach_reader_current(struct coach_repo *r, struct coach_reader *out)
{
	out->handle = NULL;
	out->trust = 0;
	out->unseal = NULL;
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
coach_privacy_wipe(char *plain)
{
	if (plain) {
		coach_seal_wipe(plain, strlen(plain));
		free(plain);
	}
}

void
coach_reader_free(struct coach_reader *rd)
{
	struct coach_unsealer *u = rd->unseal;
	free(rd->handle);
	rd->handle = NULL;
	if (u) {
		for (size_t i = 0; i < u->texts.n; i++) {
			coach_seal_wipe(u->texts.v[i], strlen(u->texts.v[i]));
		}
		coach_strlist_free(&u->texts);
		coach_seal_wipe(&u->kp, sizeof(u->kp));
		coach_error_free(u->key_err);
		free(u);
		rd->unseal = NULL;
	}
}

int
coach_entry_private(const struct coach_record *entry)
{
	const struct coach_fm_node *n = coach_fm_get(
	    coach_record_fm_const(entry), "private");
	int b = 0;
	/* A sealed body is private whatever the front-matter says: only
	 * its readers could make sense of it. */
	if (coach_entry_sealed(entry))
		return 1;
	/* Anything but a clear false keeps the text private: a hand edit
	 * such as "private: yes please" must not publish it. */
	if (n == NULL || coach_fm_node_type(n) == COACH_FM_NULL)
		return 0;
	return coach_fm_node_bool(n, &b) != 0 || b;
}

int
coach_entry_sealed(const struct coach_record *entry)
{
	return coach_seal_is_armour(coach_record_body(entry));
}

static void
add_reader(struct coach_strlist *out, const char *h)
{
	if (h && *h && !coach_strlist_has(out, h))
		coach_strlist_add(out, h);
}

void
coach_entry_readers(const struct coach_record *entry, const char *coachee,
	struct coach_strlist *out)
{
	const struct coach_fm_node *n = coach_fm_get(
	    coach_record_fm_const(entry), COACH_READERS_KEY);
	add_reader(out, coach_record_str(entry, "author"));
	add_reader(out, coachee);
	/* A single handle written by hand counts as a list of one. */
	if (n && coach_fm_node_type(n) == COACH_FM_SCALAR)
		add_reader(out, coach_fm_node_str(n));
	for (size_t i = 0; n && i < coach_fm_node_len(n); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(n, i);
		if (coach_fm_node_type(it) == COACH_FM_SCALAR)
			add_reader(out, coach_fm_node_str(it));
	}
}

int
coach_entry_readable(const struct coach_record *entry, const char *coachee,
    const struct coach_reader *reader)
{
	if (!coach_entry_private(entry))
		return 1;
	if (reader == NULL || reader->trust || reader->handle == NULL)
		return 0;
	struct coach_strlist readers = COACH_STRLIST_INIT;
	coach_entry_readers(entry, coachee, &readers);
	int ok = *reader->handle && coach_strlist_has(&readers,
	    reader->handle);
	coach_strlist_free(&readers);
	return ok;
}

/* The reader's key, looked for once. */
static struct coach_unsealer *
unsealer(const struct coach_reader *reader)
{
	/* The reader is the caller's const view; what it opened is its
	 * cache, which reading may fill. */
	struct coach_reader *rd = (struct coach_reader *)reader;
	if (rd->unseal == NULL)
		rd->unseal = coach_xcalloc(1, sizeof(*rd->unseal));
	struct coach_unsealer *u = rd->unseal;
	if (!u->loaded) {
		u->loaded = 1;
		u->key_err = coach_key_load(&u->kp);
	}
	return u;
}

struct coach_error *
coach_entry_unseal(const struct coach_record *entry, const char *coachee,
	const struct coach_reader *reader, char **plain)
{
	struct coach_sealed *s = NULL;
	const char *body = coach_record_body(entry);
	const char *id = coach_record_str(entry, "id");
	struct coach_error *err;
	size_t len;

	*plain = NULL;
	if (!coach_entry_readable(entry, coachee, reader))
		return coach_error_coded(COACH_E_INVALID, "a private entry "
		    "of which you are not a reader");
	if ((err = coach_sealed_parse(&s, body, strlen(body))))
		return err;
	if (id == NULL || strcmp(coach_sealed_entry(s), id) != 0) {
		err = coach_error_coded(COACH_E_INVALID, "this sealed text "
		    "belongs to entry %s, not to this one: it was copied or "
		    "moved by hand", coach_sealed_entry(s));
		goto done;
	}
	int i = coach_sealed_find(s, reader->handle);
	if (i < 0) {
		err = coach_error_coded(COACH_E_INVALID, "it was not sealed "
		    "to you: you were added to its readers after it was "
		    "sealed, or removed when it was sealed again; its author "
		    "can seal it to you with 'coach edit %s'", id);
		goto done;
	}
	struct coach_unsealer *u = unsealer(reader);
	if (u->key_err) {
		err = coach_error_coded(coach_error_code(u->key_err), "%s",
		    coach_error_msg(u->key_err));
		goto done;
	}
	err = coach_sealed_open(s, (size_t)i, &u->kp, plain, &len);
done:
	coach_sealed_free(s);
	return err;
}

const char *
coach_entry_body_for(const struct coach_record *entry, const char *coachee,
    const struct coach_reader *reader)
{
	char *plain = NULL;
	if (!coach_entry_readable(entry, coachee, reader))
		return COACH_PRIVATE_TEXT;
	if (!coach_entry_sealed(entry))
		return coach_record_body(entry);
	struct coach_error *err = coach_entry_unseal(entry, coachee, reader,
	    &plain);
	struct coach_unsealer *u = unsealer(reader);
	if (err) {
		coach_strlist_add_owned(&u->texts, coach_xasprintf(
		    "(sealed: %s)\n", coach_error_msg(err)));
		coach_error_free(err);
	} else {
		coach_strlist_add_owned(&u->texts, plain);
	}
	return u->texts.v[u->texts.n - 1];
}

struct coach_error *
coach_readers_without_key(struct coach_repo *r,
	const struct coach_strlist *readers, struct coach_strlist *missing)
{
	for (size_t i = 0; i < readers->n; i++) {
		unsigned char pk[COACH_SEAL_KEY_BYTES];
		int has = 0;
		struct coach_error *err = coach_key_of(r, readers->v[i], pk,
		    &has);
		if (err && coach_error_code(err) != COACH_E_NOTFOUND)
			return err;
		coach_error_free(err);
		if (!has)
			coach_strlist_add(missing, readers->v[i]);
	}
	return NULL;
}

struct coach_error *
coach_entry_seal(struct coach_repo *r, const char *id,
	const struct coach_strlist *readers, const char *plain,
	struct coach_buf *out)
{
	struct coach_seal_reader *rs = coach_xcalloc(readers->n ?
	    readers->n : 1, sizeof(*rs));
	struct coach_strlist missing = COACH_STRLIST_INIT;
	struct coach_error *err = NULL;
	for (size_t i = 0; i < readers->n; i++) {
		int has = 0;
		rs[i].handle = readers->v[i];
		err = coach_key_of(r, readers->v[i], rs[i].pk, &has);
		if (err && coach_error_code(err) != COACH_E_NOTFOUND)
			goto done;
		coach_error_free(err);
		err = NULL;
		if (!has)
			coach_strlist_add(&missing, readers->v[i]);
	}
	if (missing.n) {
		struct coach_buf who = COACH_BUF_INIT;
		for (size_t i = 0; i < missing.n; i++)
			coach_buf_printf(&who, "%s%s", i ? ", " : "",
			    missing.v[i]);
		err = coach_error_coded(COACH_E_NOTFOUND, "cannot seal entry "
		    "%s: %s %s no key yet (each runs 'coach key init')", id,
		    coach_buf_str(&who), missing.n == 1 ? "has" : "have");
		coach_buf_free(&who);
		goto done;
	}
	err = coach_seal_body(out, id, rs, readers->n, plain, strlen(plain));
done:
	coach_strlist_free(&missing);
	free(rs);
	return err;
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
