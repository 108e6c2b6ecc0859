/*
 * change.c: every write as one call: lock, load, change, render, re-parse,
 * check, commit (see change.h).
 */
#include "change.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "store.h"

struct staged_file {
	char *path;
	struct coach_buf text;
	int remove;
	struct coach_buf old;	/* what the file held before */
	int had_old;
	/* The rendered record does not read back as the record it was
	 * rendered from (coach_record_verify); reported before writing. */
	struct coach_error *unfaithful;
};

struct coach_change {
	struct coach_repo *r;	/* NULL while coach init makes it */
	struct coach_store *s;
	struct coach_txn *t;
	struct staged_file *v;
	size_t n, cap;
	struct coach_strlist ids;	/* handed out by coach_change_new_id */
	char *message;
};

struct coach_repo *
coach_change_repo(struct coach_change *ch)
{
	return ch->r;
}

struct coach_error *
coach_change_load(struct coach_change *ch, const char *relpath,
	struct coach_record **out)
{
	return coach_repo_load(ch->r, relpath, out);
}

struct coach_error *
coach_change_read(struct coach_change *ch, const char *relpath,
	struct coach_buf *out, int *exists)
{
	char *abs = coach_path_join(coach_store_root(ch->s), relpath);
	struct stat st;
	*exists = lstat(abs, &st) == 0 && S_ISREG(st.st_mode);
	if (!*exists) {
		free(abs);
		return NULL;
	}
	/* Evidence is the biggest file a change writes. */
	struct coach_error *err = coach_read_file_as(out, abs, relpath,
		COACH_EVIDENCE_MAX_BYTES);
	free(abs);
	return err;
}

/* The entry for path, new and empty or the one staged before. */
static struct staged_file *
stage(struct coach_change *ch, const char *path)
{
	for (size_t i = 0; i < ch->n; i++)
		if (strcmp(ch->v[i].path, path) == 0) {
			coach_buf_free(&ch->v[i].text);
			coach_error_free(ch->v[i].unfaithful);
			ch->v[i].unfaithful = NULL;
			ch->v[i].remove = 0;
			return &ch->v[i];
		}
	if (ch->n == ch->cap) {
		ch->cap = ch->cap ? 2 * ch->cap : 8;
		ch->v = coach_xrealloc(ch->v, ch->cap * sizeof(*ch->v));
	}
	struct staged_file *f = &ch->v[ch->n++];
	memset(f, 0, sizeof(*f));
	f->path = coach_xstrdup(path);
	return f;
}

void
coach_change_save(struct coach_change *ch, const char *relpath,
	const struct coach_record *rec)
{
	struct staged_file *f = stage(ch, relpath);
	coach_record_render(rec, &f->text);
	f->unfaithful = coach_record_verify(rec, coach_buf_str(&f->text),
		f->text.len);
}

void
coach_change_write(struct coach_change *ch, const char *relpath,
	const void *data, size_t len)
{
	struct staged_file *f = stage(ch, relpath);
	coach_buf_add(&f->text, data, len);
}

void
coach_change_remove(struct coach_change *ch, const char *relpath)
{
	stage(ch, relpath)->remove = 1;
}

struct coach_error *
coach_change_new_id(struct coach_change *ch, char kind,
	char out[COACH_ID_LEN + 1])
{
	struct coach_error *err;
	do {
		if ((err = coach_repo_new_id(ch->r, kind, out)) != NULL)
			return err;
	} while (coach_strlist_has(&ch->ids, out));
	coach_strlist_add(&ch->ids, out);
	return NULL;
}

struct coach_error *
coach_change_new_path(struct coach_change *ch, char kind,
	char *(*path_of)(const void *arg, const char *id), const void *arg,
	char out[COACH_ID_LEN + 1], char **path)
{
	struct coach_error *err;
	*path = NULL;
	for (int tries = 0; tries < 16; tries++) {
		if ((err = coach_change_new_id(ch, kind, out)) != NULL)
			return err;
		*path = path_of(arg, out);
		if (!coach_repo_taken(ch->r, *path))
			return NULL;
		free(*path);
		*path = NULL;
	}
	return coach_error_new(COACH_FAIL, "could not find an unused %s id",
		coach_kind_name(kind == 'g' ? COACH_KIND_GOAL : kind == 'c' ?
		COACH_KIND_CYCLE : COACH_KIND_ENTRY));
}

void
coach_change_message(struct coach_change *ch, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	free(ch->message);
	ch->message = coach_xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	ch->message[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(ch->message, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	va_end(ap);
}

/* Whether check knows what path is: a record or coach.yml (not
 * evidence, which may be anything). */
static int
is_checked(const char *path)
{
	enum coach_kind k = coach_path_kind(path, NULL, NULL);
	return k != COACH_KIND_NONE && k != COACH_KIND_EVIDENCE;
}

/* Whether old has an error with the message of g. */
static int
known_error(const struct coach_diags *old, const struct coach_diag *g)
{
	for (size_t i = 0; old != NULL && i < old->n; i++)
		if (old->v[i].severity == COACH_SEV_ERROR &&
		    strcmp(old->v[i].msg, g->msg) == 0)
			return 1;
	return 0;
}

/* The errors among d that old does not have as "path:line: message"
 * lines; NULL when none. */
static char *
error_lines(const struct coach_diags *d, const struct coach_diags *old)
{
	struct coach_buf b = COACH_BUF_INIT;
	for (size_t i = 0; i < d->n; i++) {
		const struct coach_diag *g = &d->v[i];
		if (g->severity != COACH_SEV_ERROR || known_error(old, g))
			continue;
		if (g->line > 0)
			coach_buf_printf(&b, "\n  %s:%d: %s", g->path, g->line,
				g->msg);
		else
			coach_buf_printf(&b, "\n  %s: %s", g->path, g->msg);
	}
	return b.len > 0 ? coach_buf_detach(&b) : NULL;
}

/* What coach writes must read back, as the very values it meant to
 * write: a render that does not parse, or parses to other values, is a
 * bug, caught before anything is written. */
static struct coach_error *
reparse(struct coach_change *ch)
{
	for (size_t i = 0; i < ch->n; i++) {
		struct staged_file *f = &ch->v[i];
		struct coach_record *rec = NULL;
		if (f->unfaithful != NULL) {
			struct coach_error *err = f->unfaithful;
			f->unfaithful = NULL;
			return coach_error_prefix(err, "coach would write a "
				"record that does not read back as it should "
				"(nothing was written; please report this)");
		}
		if (f->remove || !is_checked(f->path) ||
		    strcmp(f->path, COACH_CONFIG_FILE) == 0)
			continue;
		struct coach_error *err = coach_record_parse(&rec, f->path,
			coach_buf_str(&f->text), f->text.len);
		coach_record_free(rec);
		if (err != NULL)
			return coach_error_set_code(coach_error_prefix(err,
				"coach would write a record it cannot read back "
				"(nothing was written; please report this)"),
				COACH_E_INVALID);
	}
	return NULL;
}

/*
 * Run by the store with the staged files in the work tree: each must pass
 * coach check.  Errors the file had before the change are the user's to
 * fix and do not stop it (ending the agreement of someone who has left);
 * a change never adds one.
 */
static struct coach_error *
validate(void *arg)
{
	struct coach_change *ch = arg;
	struct coach_buf lines = COACH_BUF_INIT;
	struct coach_error *err = NULL;
	for (size_t i = 0; ch->r != NULL && i < ch->n; i++) {
		struct staged_file *f = &ch->v[i];
		struct coach_diags d = COACH_DIAGS_INIT, old = COACH_DIAGS_INIT;
		if (f->remove || !is_checked(f->path))
			continue;
		coach_check_file(ch->r, f->path, coach_buf_str(&f->text),
			f->text.len, &d);
		if (d.errors > 0 && f->had_old)
			coach_check_file(ch->r, f->path, coach_buf_str(&f->old),
				f->old.len, &old);
		coach_diags_sort(&d);
		char *l = error_lines(&d, &old);
		if (l != NULL)
			coach_buf_puts(&lines, l);
		free(l);
		coach_diags_free(&old);
		coach_diags_free(&d);
	}
	if (lines.len > 0)
		err = coach_error_coded(COACH_E_INVALID, "refusing to write "
			"what coach check would refuse (nothing was "
			"written):%s", coach_buf_str(&lines));
	coach_buf_free(&lines);
	return err;
}

/*
 * A path the change writes that has uncommitted changes: committed first
 * on its own when it passes check, else refused.
 */
static struct coach_error *
commit_hand_edits(struct coach_change *ch, const char *path,
	struct coach_strlist *notes)
{
	struct coach_diags d = COACH_DIAGS_INIT;
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_error *err = NULL;
	char *lines = NULL, *msg = NULL;
	int exists;

	if (ch->r != NULL && is_checked(path)) {
		coach_check_file(ch->r, path, NULL, 0, &d);
		coach_diags_sort(&d);
		lines = error_lines(&d, NULL);
	}
	if (lines != NULL) {
		err = coach_error_coded(COACH_E_CONFLICT, "%s has uncommitted "
			"changes that coach check refuses:%s\nfix them (see "
			"coach check), or undo them (git restore %s, or remove "
			"the file if git does not know it), then try again",
			path, lines, path);
		goto done;
	}
	if ((err = coach_change_read(ch, path, &b, &exists)) != NULL)
		goto done;
	if (!exists) {
		err = coach_error_coded(COACH_E_CONFLICT, "%s has uncommitted "
			"changes that are not a regular file: move it away, or "
			"undo them with git restore %s", path, path);
		goto done;
	}
	msg = coach_xasprintf("hand edits to %s", path);
	coach_txn_write(ch->t, path, b.ptr, b.len);
	if ((err = coach_txn_commit_step(ch->t, msg, NULL)) != NULL)
		goto done;
	if (notes != NULL)
		coach_strlist_add_owned(notes, coach_xasprintf("%s had "
			"uncommitted changes: committed them first as \"%s\"",
			path, msg));
done:
	free(msg);
	free(lines);
	coach_buf_free(&b);
	coach_diags_free(&d);
	return err;
}

/* Whether f writes the bytes the work tree has already: a file the
 * command was told to commit as it is (log's --evidence of a new file). */
static int
writes_what_is_there(struct coach_change *ch, const struct staged_file *f)
{
	struct coach_buf b = COACH_BUF_INIT;
	int exists, same = 0;
	struct coach_error *err;
	if (f->remove)
		return 0;
	err = coach_change_read(ch, f->path, &b, &exists);
	same = err == NULL && exists && b.len == f->text.len &&
		(b.len == 0 || memcmp(b.ptr, f->text.ptr, b.len) == 0);
	coach_error_free(err);
	coach_buf_free(&b);
	return same;
}

static struct coach_error *
hand_edits(struct coach_change *ch, struct coach_strlist *notes)
{
	struct coach_store *s = ch->s;
	struct coach_error *err = NULL;
	for (size_t i = 0; i < ch->n && err == NULL; i++) {
		enum coach_file_state st;
		if ((err = coach_store_file_state(s, ch->v[i].path, &st)))
			break;
		if ((st == COACH_FILE_MODIFIED || st == COACH_FILE_UNTRACKED) &&
		    !writes_what_is_there(ch, &ch->v[i]))
			err = commit_hand_edits(ch, ch->v[i].path, notes);
	}
	return err;
}

static struct coach_error *
commit(struct coach_change *ch, struct coach_strlist *notes, char *oid_out)
{
	struct coach_error *err;
	if (ch->n == 0)
		return NULL;	/* nothing to change: no commit */
	if (ch->message == NULL)
		return coach_error_new(COACH_FAIL, "no commit message");
	if ((err = reparse(ch)) != NULL ||
	    (err = hand_edits(ch, notes)) != NULL)
		return err;
	for (size_t i = 0; i < ch->n; i++) {
		struct staged_file *f = &ch->v[i];
		if ((err = coach_change_read(ch, f->path, &f->old,
		    &f->had_old)) != NULL)
			return err;
		if (f->remove)
			coach_txn_remove(ch->t, f->path);
		else
			coach_txn_write(ch->t, f->path, f->text.ptr ?
				f->text.ptr : "", f->text.len);
	}
	coach_txn_set_check(ch->t, validate, ch);
	return coach_txn_commit_step(ch->t, ch->message, oid_out);
}

/* With t NULL, takes the lock and releases it; else runs in the caller's
 * transaction t, which stays the caller's. */
static struct coach_error *
run(struct coach_store *s, struct coach_repo *r, struct coach_txn *t,
	coach_change_fn fn, void *arg, struct coach_strlist *notes,
	char *oid_out)
{
	struct coach_change ch;
	struct coach_error *err;

	memset(&ch, 0, sizeof(ch));
	ch.r = r;
	ch.s = s;
	ch.t = t;
	if (t == NULL && (err = coach_store_begin(&ch.t, s)) != NULL)
		goto done;
	if ((err = fn(&ch, arg)) != NULL)
		goto done;
	err = commit(&ch, notes, oid_out);
done:
	if (t == NULL)
		coach_txn_abort(ch.t);
	else
		coach_txn_set_check(t, NULL, NULL);	/* ch is going */
	for (size_t i = 0; i < ch.n; i++) {
		free(ch.v[i].path);
		coach_buf_free(&ch.v[i].text);
		coach_buf_free(&ch.v[i].old);
		coach_error_free(ch.v[i].unfaithful);
	}
	free(ch.v);
	coach_strlist_free(&ch.ids);
	free(ch.message);
	return err;
}

struct coach_error *
coach_change_run(struct coach_repo *r, coach_change_fn fn, void *arg,
	struct coach_strlist *notes, char *oid_out)
{
	struct coach_error *err = run(coach_repo_store(r), r, NULL, fn, arg,
		notes, oid_out);
	/* The lock is released: packing never holds up another writer. */
	if (err == NULL)
		coach_store_autopack(coach_repo_store(r));
	return err;
}

struct coach_error *
coach_change_run_locked(struct coach_repo *r, struct coach_txn *t,
	coach_change_fn fn, void *arg, struct coach_strlist *notes,
	char *oid_out)
{
	return run(coach_repo_store(r), r, t, fn, arg, notes, oid_out);
}

struct coach_error *
coach_change_run_new(struct coach_store *s, coach_change_fn fn, void *arg)
{
	return run(s, NULL, NULL, fn, arg, NULL, NULL);
}
