/*
 * edit.c: "coach edit ID|PATH", a record in $VISUAL/$EDITOR, validated
 * before it is committed.
 *
 * The record is copied to a draft in .git (never committed, never in the
 * work tree) and the editor opens the draft.  An invalid draft comes back
 * with the errors in "# coach:" lines above its opening "---" (where no
 * record can have text, so they are dropped again when it is read) until
 * it is valid, empty, or the editor fails.  Nothing the user wrote is
 * lost: the draft outlives every failure, and the next "coach edit" of
 * the record starts from it.
 *
 * A sealed entry is different: its words must not reach the disk in the
 * clear.  It is opened with the user's key, drafted in a private file
 * outside the repository (secret.h), sealed again with a fresh key on
 * save, and the draft is removed whatever happens.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "common.h"
#include "../lib/change.h"
#include "../lib/check.h"
#include "../lib/date.h"
#include "../lib/merge.h"
#include "../lib/privacy.h"
#include "../lib/record.h"
#include "../lib/repo.h"
#include "../lib/store.h"
#include "../lib/seal.h"
#include "secret.h"

/* Room for the error lines above a record of the largest size. */
#define DRAFT_MAX_BYTES (COACH_RECORD_MAX_BYTES + 256 * 1024)
#define ERROR_PREFIX "# coach: "

/* A file in .git named prefix and the record's path with '/' as '_':
 * the draft (COACH_EDIT-) and the lock of the edit (COACH_EDITING-). */
static char *
draft_path(const struct coach_repo *r, const char *prefix,
	const char *relpath)
{
	char *name = coach_xasprintf("%s%s", prefix, relpath);
	for (char *p = name; *p; p++)
		if (*p == '/')
			*p = '_';
	char *path = coach_git_path(r, name);
	free(name);
	return path;
}

/* Drops the lines above the record's opening "---": comments ('#') and
 * blank lines, which no record may have. */
static void
strip_comments(struct coach_buf *b)
{
	size_t i = 0;
	while (i < b->len) {
		const char *nl = memchr(b->ptr + i, '\n', b->len - i);
		size_t end = nl ? (size_t)(nl - b->ptr) + 1 : b->len;
		if (b->ptr[i] != '#' && !coach_is_blank(b->ptr + i, end - i))
			break;
		i = end;
	}
	memmove(b->ptr, b->ptr + i, b->len - i);
	b->len -= i;
	b->ptr[b->len] = '\0';
}

static int
same(const struct coach_buf *a, const struct coach_buf *b)
{
	return a->len == b->len && (a->len == 0 ||
	    memcmp(a->ptr, b->ptr, a->len) == 0);
}

/* The draft again, the errors on top; line numbers are the draft's own. */
static void
draft_with_errors(const struct coach_diags *d, const char *relpath,
	const struct coach_buf *text, struct coach_buf *out)
{
	int head = (int)d->errors + 3;
	coach_buf_clear(out);
	coach_buf_printf(out, ERROR_PREFIX "%s is not valid yet; fix it and "
	    "save, or save an empty file to give up.\n", relpath);
	for (size_t i = 0; i < d->n; i++) {
		const struct coach_diag *g = &d->v[i];
		if (g->severity != COACH_SEV_ERROR)
			continue;
		coach_buf_puts(out, ERROR_PREFIX);
		if (g->line > 0)
			coach_buf_printf(out, "line %d: ", g->line + head);
		for (const char *p = g->msg; *p; p++)
			coach_buf_putc(out, *p == '\n' ? ' ' : *p);
		coach_buf_putc(out, '\n');
	}
	coach_buf_puts(out, ERROR_PREFIX "(lines starting with '#' above "
	    "the first --- are dropped when you save)\n");
	coach_buf_puts(out, "#\n");
	coach_buf_add(out, text->ptr ? text->ptr : "", text->len);
}

static void
print_warnings(const struct coach_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].severity == COACH_SEV_WARNING)
			coach_warn_diag(&d->v[i]);
}

struct edit {
	struct coach_repo *repo;
	const char *relpath;
	char *draft;
	int sealed;             /* a sealed entry, opened */
	struct coach_buf disk;  /* the file as it is on disk */
	struct coach_buf orig;  /* the record as it is (opened) */
	struct coach_buf shown; /* what the editor was given */
	struct coach_buf saved; /* what it gave back */
};

/*
 * The first text for the editor: the record, or the draft an earlier edit
 * left behind (so that a failed edit can be taken up again).
 */
static struct coach_error *
first_draft(struct edit *ed)
{
	struct stat st;
	if (stat(ed->draft, &st) == -1)
		goto fresh;
	struct coach_buf old = COACH_BUF_INIT;
	if (coach_read_file(&old, ed->draft, DRAFT_MAX_BYTES) != NULL ||
	    coach_is_blank(coach_buf_str(&old), old.len)) {
		coach_buf_free(&old);
		goto fresh;
	}
	struct coach_buf rec = COACH_BUF_INIT;
	coach_buf_add(&rec, old.ptr, old.len);
	strip_comments(&rec);
	if (!same(&rec, &ed->orig))
		fprintf(stderr, "coach: going on from the draft an earlier "
		    "edit left in %s (delete it to start again from %s)\n",
		    ed->draft, ed->relpath);
	coach_buf_free(&rec);
	coach_buf_free(&ed->shown);
	ed->shown = old;
	return NULL;
fresh:
	coach_buf_clear(&ed->shown);
	coach_buf_add(&ed->shown, ed->orig.ptr ? ed->orig.ptr : "",
	    ed->orig.len);
	return NULL;
}

/* An empty save: give up, keeping the last non-empty draft on disk. */
static struct coach_error *
give_up(struct edit *ed)
{
	struct coach_buf last = COACH_BUF_INIT;
	coach_buf_add(&last, ed->shown.ptr ? ed->shown.ptr : "",
	    ed->shown.len);
	strip_comments(&last);
	int changed = !same(&last, &ed->orig);
	coach_buf_free(&last);
	if (!changed || ed->sealed) {
		unlink(ed->draft);
		return coach_error_new(COACH_FAIL, "aborting: the file was "
		    "saved empty; %s is unchanged", ed->relpath);
	}
	struct coach_error *err = coach_write_file(ed->draft, ed->shown.ptr,
	    ed->shown.len);
	if (err) {
		coach_error_free(err);
		return coach_error_new(COACH_FAIL, "aborting: the file was "
		    "saved empty; %s is unchanged", ed->relpath);
	}
	return coach_error_new(COACH_FAIL, "aborting: the file was saved "
	    "empty; %s is unchanged and your previous draft is kept in %s "
	    "('coach edit %s' goes on from it)", ed->relpath, ed->draft,
	    ed->relpath);
}

/*
 * Where the edited record goes: its path, or for an entry whose date was
 * changed, the path its new date gives (the file is renamed in the same
 * commit).  The caller frees it.
 */
static char *
target_path(const struct edit *ed)
{
	char *coachee = NULL, *id = NULL, *target = NULL;
	struct coach_record *rec = NULL;
	struct coach_error *err = NULL;
	/* A record that does not parse is check's to report. */
	if (coach_path_kind(ed->relpath, &coachee, &id) == COACH_KIND_ENTRY &&
	    id != NULL && (err = coach_record_parse(&rec, ed->relpath,
	    ed->saved.ptr, ed->saved.len)) == NULL) {
		const char *date = coach_record_str(rec, "date");
		coach_day day;
		char norm[11];
		if (date && coach_date_parse(date, &day) == 0) {
			coach_date_format(day, norm);
			target = coach_path_entry(coachee, norm, id);
		}
	}
	coach_error_free(err);
	coach_record_free(rec);
	free(coachee);
	free(id);
	return target ? target : coach_xstrdup(ed->relpath);
}

/* The edit, committed under the writer's lock. */
struct edit_change {
	struct edit *ed;
	const char *target;
};

/* What became of the draft after a failure, for its message. */
static char *
draft_fate(const struct edit *ed)
{
	if (ed->sealed)
		return coach_xstrdup("the draft of its sealed text was "
		    "removed, as it always is");
	return coach_xasprintf("your version is kept in %s ('coach edit %s' "
	    "goes on from it)", ed->draft, ed->relpath);
}

/*
 * The saved text of a sealed entry, sealed again: with a fresh key, to
 * the readers it names now.  Made private: false, it is written as it is
 * (the user chose to publish it).
 */
static struct coach_error *
seal_again(struct coach_change *ch, struct edit_change *ec)
{
	struct edit *ed = ec->ed;
	struct coach_record *rec = NULL;
	struct coach_strlist readers = COACH_STRLIST_INIT;
	struct coach_buf armour = COACH_BUF_INIT, text = COACH_BUF_INIT;
	char *coachee = NULL;
	struct coach_error *err = coach_record_parse(&rec, ec->target,
	    coach_buf_str(&ed->saved), ed->saved.len);
	if (err)
		goto done;
	if (!coach_entry_private(rec)) {
		coach_change_write(ch, ec->target, ed->saved.ptr,
		    ed->saved.len);
		goto done;
	}
	coach_path_kind(ec->target, &coachee, NULL);
	coach_entry_readers(rec, coachee, &readers);
	if ((err = coach_entry_seal(coach_change_repo(ch),
	    coach_record_str(rec, "id"), &readers, coach_record_body(rec),
	    &armour)))
		goto done;
	struct coach_fmv *list = coach_fmv_seq();
	for (size_t i = 0; i < readers.n; i++)
		coach_fmv_push(list, coach_fmv_str(readers.v[i]));
	coach_fm_set(coach_record_fm(rec), COACH_READERS_KEY, list);
	coach_record_set_body(rec, coach_buf_str(&armour));
	coach_record_render(rec, &text);
	coach_change_write(ch, ec->target, text.ptr, text.len);
done:
	coach_strlist_free(&readers);
	coach_buf_free(&armour);
	coach_buf_free(&text);
	coach_record_free(rec);
	free(coachee);
	return err;
}

static struct coach_error *
edit_apply(struct coach_change *ch, void *arg)
{
	struct edit_change *ec = arg;
	struct edit *ed = ec->ed;
	struct coach_buf now = COACH_BUF_INIT;
	struct coach_error *err;
	int exists, taken;

	/* A sync or another editor may have changed the record while the
	 * editor was open: committing over that would lose it. */
	if ((err = coach_change_read(ch, ed->relpath, &now, &exists)))
		return err;
	int moved = !exists || !same(&now, &ed->disk);
	coach_buf_free(&now);
	if (moved) {
		char *fate = draft_fate(ed);
		err = coach_error_coded(COACH_E_CONFLICT, "%s changed on disk "
		    "while you were editing it, so nothing was committed; "
		    "%s", ed->relpath, fate);
		free(fate);
		return err;
	}
	if (strcmp(ec->target, ed->relpath) != 0) {
		if ((err = coach_change_read(ch, ec->target, &now, &taken)))
			return err;
		coach_buf_free(&now);
		if (taken) {
			char *fate = draft_fate(ed);
			err = coach_error_coded(COACH_E_CONFLICT, "cannot "
			    "move %s to %s for its new date: that file exists; "
			    "%s", ed->relpath, ec->target, fate);
			free(fate);
			return err;
		}
		coach_change_remove(ch, ed->relpath);
		coach_change_message(ch, "edit: %s (now %s)", ed->relpath,
		    ec->target);
	} else {
		coach_change_message(ch, "edit: %s", ed->relpath);
	}
	if (ed->sealed)
		return seal_again(ch, ec);
	coach_change_write(ch, ec->target, ed->saved.ptr ? ed->saved.ptr : "",
	    ed->saved.len);
	return NULL;
}

/* Stops an editor that hands the draft back at once (VS Code without
 * --wait, EDITOR=true) from going round for ever. */
static struct coach_error *
untouched_error(const struct edit *ed, size_t errors)
{
	if (ed->sealed)
		return coach_error_coded(COACH_E_INVALID, "the editor gave "
		    "the draft back unchanged and %s still has %zu error%s, "
		    "so nothing was committed (%s).  If your editor returns "
		    "at once, make it wait (e.g. EDITOR='code --wait')",
		    ed->relpath, errors, errors == 1 ? "" : "s",
		    "the draft of its sealed text was removed");
	return coach_error_coded(COACH_E_INVALID, "the editor gave the draft "
	    "back unchanged and %s still has %zu error%s, so nothing was "
	    "committed; the draft, with the errors at its top, is kept in %s "
	    "('coach edit %s' goes on from it).  If your editor returns at "
	    "once, make it wait (e.g. EDITOR='code --wait')", ed->relpath,
	    errors, errors == 1 ? "" : "s", ed->draft, ed->relpath);
}

/*
 * One round: the editor on ed->shown, then what it saved.  *done is set
 * when the edit is over (committed, unchanged); otherwise ed->shown is the
 * next round's text.
 */
static struct coach_error *
edit_round(struct edit *ed, int *done)
{
	struct coach_diags d = COACH_DIAGS_INIT;
	struct coach_error *err = coach_write_file(ed->draft, ed->shown.ptr,
	    ed->shown.len);
	if (err)
		return err;
	if ((err = coach_run_editor(ed->draft))) {
		char *fate = draft_fate(ed);
		err = coach_error_prefix(err, "%s is unchanged; %s",
		    ed->relpath, fate);
		free(fate);
		return err;
	}
	if ((err = coach_read_file(&ed->saved, ed->draft, DRAFT_MAX_BYTES)))
		return coach_error_prefix(err, "%s is unchanged", ed->relpath);
	int untouched = same(&ed->saved, &ed->shown);
	strip_comments(&ed->saved);
	if (coach_is_blank(coach_buf_str(&ed->saved), ed->saved.len))
		return give_up(ed);
	if (same(&ed->saved, &ed->orig))
		goto unchanged;
	coach_text_normalise(&ed->saved, 1);
	/* Markers merged into one text settle the body's conflict. */
	struct coach_buf cleared = COACH_BUF_INIT;
	if (coach_merge_clear_body(ed->relpath, ed->saved.ptr, ed->saved.len,
	    &cleared)) {
		coach_buf_free(&ed->saved);
		ed->saved = cleared;
	}
	struct coach_buf norm = COACH_BUF_INIT;
	coach_buf_add(&norm, ed->orig.ptr ? ed->orig.ptr : "", ed->orig.len);
	coach_text_normalise(&norm, 1);
	int is_same = same(&ed->saved, &norm);
	coach_buf_free(&norm);
	if (is_same)
		goto unchanged;

	char *target = target_path(ed);
	coach_check_file(ed->repo, target, ed->saved.ptr, ed->saved.len, &d);
	if (d.errors > 0) {
		coach_diags_sort(&d);
		free(target);
		draft_with_errors(&d, ed->relpath, &ed->saved, &ed->shown);
		if (untouched) {
			size_t n = d.errors;
			coach_diags_free(&d);
			if ((err = coach_write_file(ed->draft, ed->shown.ptr,
			    ed->shown.len)))
				return err;
			return untouched_error(ed, n);
		}
		fprintf(stderr, "coach: %s has %zu error%s; back to the "
		    "editor\n", ed->relpath, d.errors, d.errors == 1 ? "" : "s");
		coach_diags_free(&d);
		return NULL;
	}
	struct edit_change ec = { ed, target };
	err = coach_write(ed->repo, edit_apply, &ec);
	if (err) {
		coach_diags_free(&d);
		free(target);
		if (coach_error_code(err) == COACH_E_CONFLICT)
			return err;
		char *fate = draft_fate(ed);
		err = coach_error_prefix(err, "%s is unchanged; %s",
		    ed->relpath, fate);
		free(fate);
		return err;
	}
	unlink(ed->draft);
	print_warnings(&d);
	coach_diags_free(&d);
	if (strcmp(target, ed->relpath) != 0)
		printf("edited %s (renamed to %s for its new date)\n",
		    ed->relpath, target);
	else
		printf("edited %s\n", ed->relpath);
	free(target);
	*done = 1;
	return NULL;
unchanged:
	unlink(ed->draft);
	printf("no changes\n");
	*done = 1;
	return NULL;
}

/*
 * One "coach edit" of a record at a time: a second one would share the
 * draft and remove it under the first.  The lock is the kernel's, so it
 * goes with a process that is killed; the editor does not inherit it.
 */
static struct coach_error *
lock_draft(const struct edit *ed, int *fd)
{
	char *path = draft_path(ed->repo, "COACH_EDITING-", ed->relpath);
	struct coach_error *err = NULL;
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd == -1)
		err = coach_error_errno("open", path);
	else if (flock(*fd, LOCK_EX | LOCK_NB) == -1)
		err = coach_error_coded(COACH_E_LOCKED, "%s is open in another "
		    "'coach edit' (its draft is %s); finish that edit first",
		    ed->relpath, ed->draft);
	free(path);
	return err;
}

/* A private entry opens only for those who may read it: the editor would
 * show everyone else its text. */
static struct coach_error *
check_readable(struct coach_repo *r, const char *relpath,
	const struct coach_buf *text)
{
	struct coach_record *rec = NULL;
	struct coach_error *err = NULL;
	/* A record that does not parse is opened as it is, to be mended. */
	struct coach_error *perr = coach_record_parse(&rec, relpath,
	    text->ptr ? text->ptr : "", text->len);
	if (perr == NULL && coach_record_hidden_from_user(r, relpath, rec))
		err = coach_error_new(COACH_FAIL, "%s is a private entry: only "
		    "its author and its coachee can read or edit its text",
		    relpath);
	coach_error_free(perr);
	coach_record_free(rec);
	return err;
}

/* A sealed entry is edited as its text: ed->orig becomes the record
 * with its body opened with the user's key. */
static struct coach_error *
open_sealed(struct edit *ed)
{
	struct coach_record *rec = NULL;
	struct coach_reader reader = { 0 };
	char *coachee = NULL, *plain = NULL;
	struct coach_error *err = NULL;
	if (coach_path_kind(ed->relpath, &coachee, NULL) != COACH_KIND_ENTRY ||
	    coach_record_parse(&rec, ed->relpath, coach_buf_str(&ed->orig),
	    ed->orig.len) != NULL || !coach_entry_sealed(rec))
		goto done;
	coach_reader_current(ed->repo, &reader);
	if ((err = coach_entry_unseal(rec, coachee, &reader, &plain))) {
		err = coach_error_prefix(err, "cannot open the sealed entry "
		    "%s", ed->relpath);
		goto done;
	}
	coach_record_set_body(rec, plain);
	coach_buf_clear(&ed->orig);
	coach_record_render(rec, &ed->orig);
	ed->sealed = 1;
done:
	coach_privacy_wipe(plain);
	coach_reader_free(&reader);
	coach_record_free(rec);
	free(coachee);
	return err;
}

static struct coach_error *
edit_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	struct edit ed = { .repo = ctx->repo };
	char *relpath = NULL, *abs = NULL;
	int done = 0, lockfd = -1;

	struct coach_error *err = coach_repo_find(ctx->repo, argv[1],
	    &relpath);
	if (err)
		goto out;
	ed.relpath = relpath;
	abs = coach_repo_abspath(ctx->repo, relpath);
	if ((err = coach_read_file(&ed.orig, abs, COACH_RECORD_MAX_BYTES)))
		goto out;
	if ((err = check_readable(ctx->repo, relpath, &ed.orig)))
		goto out;
	coach_buf_add(&ed.disk, ed.orig.ptr ? ed.orig.ptr : "", ed.orig.len);
	if ((err = open_sealed(&ed)))
		goto out;
	if (ed.sealed)
		err = coach_secret_draft_new("COACH_EDIT.md", &ed.draft);
	else
		ed.draft = draft_path(ctx->repo, "COACH_EDIT-", relpath);
	if (err || (err = lock_draft(&ed, &lockfd)))
		goto out;
	if ((err = first_draft(&ed)))
		goto out;
	while (!done && err == NULL)
		err = edit_round(&ed, &done);
out:
	if (ed.sealed)
		coach_secret_draft_remove();
	if (lockfd != -1)
		close(lockfd);
	coach_buf_free(&ed.disk);
	if (ed.orig.ptr)
		coach_seal_wipe(ed.orig.ptr, ed.orig.len);
	if (ed.shown.ptr)
		coach_seal_wipe(ed.shown.ptr, ed.shown.len);
	if (ed.saved.ptr)
		coach_seal_wipe(ed.saved.ptr, ed.saved.len);
	coach_buf_free(&ed.orig);
	coach_buf_free(&ed.shown);
	coach_buf_free(&ed.saved);
	free(ed.draft);
	free(relpath);
	free(abs);
	return err;
}

static const struct coach_form edit_forms[] = {
	{ .usage = "ID|PATH", .min = 1, .max = 1,
	  .need = "a record: give an id or a path",
	  .extra = "give one record", .exec = edit_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_edit = {
	.name = "edit",
	.summary = "edit a record in $VISUAL/$EDITOR, validated on save",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = edit_forms,
};
