/*
 * log.c: "coach log", writing a dated entry into a coachee's log.
 *
 *     coach log [COACHEE] [--kind K] [--goal ID] [--cycle ID]
 *               [--evidence REF]... [--hours N] [--private] [--date DATE]
 *               [-m TEXT | -F FILE | -F -]
 *
 * Everything on the command line is checked before the editor opens, so
 * that nobody writes an entry only to have it refused.  The entry and any
 * evidence copied into the repository go into one commit.
 *
 * A private entry whose readers (author, coachee, --to) all have keys is
 * sealed (lib/privacy.h): its body is encrypted to them, and its text,
 * when it comes from the editor, is drafted outside the repository
 * (secret.h).  When some readers have keys and others not, the entry is
 * refused unless --unsealed says to write it readable by anyone with the
 * repository: a user who set up keys must never find, later, that their
 * words were written in the clear without being asked.  When none of
 * them has a key, sealing is not in use for these people and the entry
 * is written private as it always was (coach(5)).
 */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "common.h"
#include "../lib/check.h"
#include "../lib/date.h"
#include "../lib/ids.h"
#include "../lib/markdown.h"
#include "../lib/privacy.h"
#include "../lib/record.h"
#include "../lib/repo.h"
#include "../lib/schema.h"
#include "../lib/seal.h"
#include "../lib/store.h"
#include "secret.h"

#define DRAFT_NAME "COACH_ENTRY_EDITMSG"
#define SCISSORS "# ------------------------ >8 ------------------------"
/* A message is a body: the cap of what coach renders. */
#define MESSAGE_MAX_BYTES COACH_MD_MAX_BYTES

/* What the command line asked for. */
struct log_args {
	const char *coachee;
	const char *kind;
	const char *goal;
	const char *cycle;
	struct coach_strlist evidence;
	const char *hours;
	int private;
	const char *date;
	struct coach_strlist messages; /* each -m, joined by blank lines */
	const char *file;              /* -F */
	struct coach_strlist to;       /* --to: more readers */
	int unsealed;
};

/* A file to commit with the entry (evidence). */
struct copy {
	char *path;
	struct coach_buf data;
	/* A file from outside the repository: its name, from which the
	 * path is chosen again under the writer's lock, and its place in
	 * the evidence list.  NULL for a file of the work tree. */
	char *name;
	size_t evidence_index;
};

/* The entry being written, checked. */
struct log_entry {
	char *author;
	char *coachee;
	const char *kind;
	char date[11];
	char *goal;
	char *cycle;
	struct coach_strlist evidence; /* values for the evidence key */
	struct copy *copies;
	size_t ncopies;
	double hours;
	int has_hours;
	int private;
	struct coach_strlist readers; /* of a private entry */
	int seal;                     /* write the body sealed */
	struct coach_buf body;
};

static void
log_entry_free(struct log_entry *e)
{
	free(e->author);
	free(e->coachee);
	free(e->goal);
	free(e->cycle);
	coach_strlist_free(&e->evidence);
	for (size_t i = 0; i < e->ncopies; i++) {
		free(e->copies[i].path);
		free(e->copies[i].name);
		coach_buf_free(&e->copies[i].data);
	}
	free(e->copies);
	coach_strlist_free(&e->readers);
	if (e->body.ptr)
		coach_seal_wipe(e->body.ptr, e->body.len);
	coach_buf_free(&e->body);
}

static struct coach_error *
parse_args(struct coach_ctx *ctx, int argc, char **argv, struct log_args *a)
{
	const struct coach_strlist *ev = coach_opt_values(ctx, "evidence");
	const struct coach_strlist *ms = coach_opt_values(ctx, "message");
	const struct coach_strlist *to = coach_opt_values(ctx, "to");
	a->kind = coach_opt_value(ctx, "kind");
	a->goal = coach_opt_value(ctx, "goal");
	a->cycle = coach_opt_value(ctx, "cycle");
	a->hours = coach_opt_value(ctx, "hours");
	a->private = coach_opt_given(ctx, "private") > 0;
	a->date = coach_opt_value(ctx, "date");
	a->file = coach_opt_value(ctx, "file");
	for (size_t i = 0; i < ev->n; i++)
		coach_strlist_add(&a->evidence, ev->v[i]);
	for (size_t i = 0; i < ms->n; i++)
		coach_strlist_add(&a->messages, ms->v[i]);
	for (size_t i = 0; i < to->n; i++)
		coach_strlist_add(&a->to, to->v[i]);
	a->unsealed = coach_opt_given(ctx, "unsealed") > 0;
	if ((a->to.n || a->unsealed) && !a->private)
		return coach_usage(ctx, "--to and --unsealed are for a private "
		    "entry: add --private");
	if (argc > 1)
		a->coachee = argv[1];
	if (a->file && a->messages.n)
		return coach_usage(ctx, "give the text with -m or -F, not both");
	return NULL;
}

/* Digits with an optional fraction, so that every YAML reader sees a
 * number (no signs, exponents or octal-looking forms reach the file). */
static struct coach_error *
parse_hours(const char *s, double *out)
{
	const char *p = s;
	size_t whole = 0, frac = 0;
	while (isdigit((unsigned char)*p))
		p++, whole++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			frac++;
	if (*p != '\0' || whole == 0 || (p[-1] == '.' && frac == 0) ||
	    whole > 4 || frac > 2 ||
	    coach_schema_hours_problem(strtod(s, NULL)))
		return coach_error_new(COACH_FAIL, "--hours: '%s' is not a "
		    "number of hours; write a number from 0 to %d, e.g. 1.5",
		    s, COACH_HOURS_MAX);
	*out = strtod(s, NULL);
	return NULL;
}


/* --goal and --cycle: both must be the coachee's, and agree. */
static struct coach_error *
resolve_goal_cycle(struct coach_repo *repo, const struct log_args *a,
	struct log_entry *e)
{
	struct coach_error *err = NULL;
	char *goal_path = NULL, *cycle_path = NULL;
	struct coach_record *cycle = NULL;

	if (a->goal) {
		err = coach_resolve_owned(repo, e->coachee, "--goal", a->goal,
		    COACH_KIND_GOAL, &e->goal, &goal_path);
		if (err)
			goto done;
	}
	if (a->cycle == NULL)
		goto done;
	err = coach_resolve_owned(repo, e->coachee, "--cycle", a->cycle,
	    COACH_KIND_CYCLE, &e->cycle, &cycle_path);
	if (err)
		goto done;
	err = coach_repo_load(repo, cycle_path, &cycle);
	if (err)
		goto done;
	const char *on = coach_record_str(cycle, "goal");
	if (on == NULL || *on == '\0') {
		err = coach_error_new(COACH_FAIL, "--cycle %s: %s names no "
		    "goal; give --goal too, or fix the cycle with 'coach "
		    "edit %s'", a->cycle, cycle_path, e->cycle);
	} else if (e->goal && strcmp(on, e->goal) != 0) {
		err = coach_error_new(COACH_FAIL, "--cycle %s: that cycle is "
		    "on goal %s, not on --goal %s; leave out --goal or give "
		    "a cycle of that goal", a->cycle, on, e->goal);
	} else if (e->goal == NULL) {
		e->goal = coach_xstrdup(on);
	}
done:
	coach_record_free(cycle);
	free(goal_path);
	free(cycle_path);
	return err;
}

static int
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static int
is_staged(const struct log_entry *e, const char *path)
{
	for (size_t i = 0; i < e->ncopies; i++)
		if (strcmp(e->copies[i].path, path) == 0)
			return 1;
	return 0;
}

/* Whether path is taken: in the work tree (as anything), in HEAD, or by
 * another file of this entry. */
static int
path_taken(struct coach_repo *repo, const struct log_entry *e,
	const char *path)
{
	struct stat st;
	char *abs = coach_repo_abspath(repo, path);
	int taken = lstat(abs, &st) == 0 ||
	    coach_store_head_has(coach_repo_store(repo), path) ||
	    is_staged(e, path);
	free(abs);
	return taken;
}

/* coaching/COACHEE/evidence/NAME, or NAME-1.EXT, NAME-2.EXT ... when
 * taken. */
static char *
evidence_dest(struct coach_repo *repo, const struct log_entry *e,
	const char *base)
{
	char *dir = coach_path_evidence_dir(e->coachee);
	const char *dot = strrchr(base, '.');
	if (dot == base)
		dot = NULL;
	size_t stem = dot ? (size_t)(dot - base) : strlen(base);
	char *path = coach_path_join(dir, base);
	for (int n = 1; path_taken(repo, e, path); n++) {
		free(path);
		char *name = coach_xasprintf("%.*s-%d%s", (int)stem, base, n,
		    dot ? dot : "");
		path = coach_path_join(dir, name);
		free(name);
	}
	free(dir);
	return path;
}

static struct copy *
add_copy(struct log_entry *e, char *path)
{
	e->copies = coach_xrealloc(e->copies,
	    (e->ncopies + 1) * sizeof(*e->copies));
	struct copy *c = &e->copies[e->ncopies++];
	memset(c, 0, sizeof(*c));
	c->path = path;
	return c;
}

/* Reads a regular file of at most the evidence limit for the commit. */
static struct coach_error *
read_evidence(const char *ref, const char *abs, const struct stat *st,
	struct coach_buf *out)
{
	if (!S_ISREG(st->st_mode))
		return coach_error_new(COACH_FAIL, "--evidence %s: not a "
		    "regular file; give a file, a URL or a path in the "
		    "repository", ref);
	if (st->st_size > COACH_EVIDENCE_MAX_BYTES)
		return coach_error_new(COACH_FAIL, "--evidence %s: %lld "
		    "bytes is more than the %d MB coach keeps in the "
		    "repository; put it on the school's video platform or "
		    "shared drive and give its link (a URL) instead", ref,
		    (long long)st->st_size,
		    COACH_EVIDENCE_MAX_BYTES / (1024 * 1024));
	struct coach_error *err = coach_read_file(out, abs,
	    COACH_EVIDENCE_MAX_BYTES);
	return err ? coach_error_prefix(err, "--evidence %s", ref) : NULL;
}

/* The evidence file's name in the repository: its own, with control
 * characters replaced. */
static struct coach_error *
evidence_name(const char *ref, char **out)
{
	char *copy = coach_xstrdup(ref);
	char *base = coach_xstrdup(basename(copy));
	free(copy);
	for (char *p = base; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '_';
	if (coach_utf8_check(base, strlen(base)) != strlen(base) ||
	    *base == '\0' || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0) {
		free(base);
		return coach_error_new(COACH_FAIL, "--evidence %s: the file's "
		    "name is not valid UTF-8; rename it and try again", ref);
	}
	*out = base;
	return NULL;
}

/* Whether dir (dir[0..n), physical) is root or inside it. */
static int
in_root(const char *dir, size_t n, const char *root)
{
	size_t nr = strlen(root);
	return n >= nr && strncmp(dir, root, nr) == 0 &&
	    (n == nr || dir[nr] == '/');
}

/* Sets b to its first n bytes. */
static void
buf_cut(struct coach_buf *b, size_t n)
{
	b->len = n;
	if (b->ptr)
		b->ptr[n] = '\0';
}

/*
 * The physical path of the absolute path, resolved a component at a time
 * as the kernel would, except that a symbolic link inside the repository
 * (root, a physical path) is never followed: a committed link can point
 * anywhere on the computer.  Then *link is set to the link's path.  NULL
 * with *link NULL: there is no such file.
 */
static char *
walk_path(const char *path, const char *root, char **link)
{
	struct coach_buf cur = COACH_BUF_INIT;
	char *rest = coach_xstrdup(path), *res = NULL;
	const char *p = rest;
	int hops = 0;

	*link = NULL;
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0') {
			res = coach_xstrdup(cur.len ? cur.ptr : "/");
			break;
		}
		size_t n = strcspn(p, "/"), keep = cur.len;
		if (n == 1 && p[0] == '.') {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			/* cur has no links in it: its parent is lexical. */
			char *slash = cur.len ? strrchr(cur.ptr, '/') : NULL;
			buf_cut(&cur, slash ? (size_t)(slash - cur.ptr) : 0);
			p += n;
			continue;
		}
		coach_buf_putc(&cur, '/');
		coach_buf_add(&cur, p, n);
		p += n;
		struct stat st;
		if (lstat(cur.ptr, &st) == -1)
			break;
		if (!S_ISLNK(st.st_mode))
			continue;
		if (in_root(cur.ptr, keep, root)) {
			*link = coach_xstrdup(cur.ptr);
			break;
		}
		/* A link outside the repository is the user's own: follow
		 * it, checking where it leads. */
		char target[4096];
		ssize_t t = readlink(cur.ptr, target, sizeof(target) - 1);
		if (t <= 0 || ++hops > 40)
			break;
		target[t] = '\0';
		char *next = coach_xasprintf("%s/%s", target, p);
		free(rest);
		p = rest = next;
		buf_cut(&cur, target[0] == '/' ? 0 : keep);
	}
	free(rest);
	coach_buf_free(&cur);
	return res;
}

/* The physical path of ref, relative to the current directory, else to
 * the repository's root (see walk_path()). */
static char *
find_local(const char *root, const char *ref, char **link)
{
	char *cwd = getcwd(NULL, 0);
	char *start = ref[0] == '/' || cwd == NULL ? coach_xstrdup(ref) :
	    coach_path_join(cwd, ref);
	char *abs = walk_path(start, root, link);
	free(start);
	if (abs == NULL && *link == NULL && ref[0] != '/') {
		start = coach_path_join(root, ref);
		abs = walk_path(start, root, link);
		free(start);
	}
	free(cwd);
	return abs;
}

/*
 * One --evidence: a URL as written; a path in the repository, checked
 * (and committed with the entry when HEAD does not have it yet); a file
 * outside it, copied into the coachee's evidence folder.
 */
static struct coach_error *
add_evidence(struct coach_repo *repo, struct log_entry *e, const char *ref)
{
	struct coach_error *err = NULL;
	char *abs = NULL, *root = NULL, *name = NULL, *link = NULL;
	struct stat st;

	if (*ref == '\0' || has_control(ref) ||
	    coach_utf8_check(ref, strlen(ref)) != strlen(ref))
		return coach_error_new(COACH_FAIL, "--evidence '%s': give a "
		    "URL, a path in the repository or a file to copy", ref);
	if (coach_schema_is_url(ref)) {
		coach_strlist_add(&e->evidence, ref);
		return NULL;
	}
	root = realpath(coach_repo_root(repo), NULL);
	if (root == NULL) {
		err = coach_error_errno("realpath", coach_repo_root(repo));
		goto done;
	}
	size_t n = strlen(root);
	abs = find_local(root, ref, &link);
	if (link) {
		err = coach_error_coded(COACH_E_INVALID, "--evidence %s: %s is "
		    "a symbolic link in the repository, and coach never "
		    "follows one (it could point at any file on this "
		    "computer); give the file itself", ref, link[n] == '/' ?
		    link + n + 1 : link);
		goto done;
	}
	if (abs == NULL || lstat(abs, &st) == -1) {
		err = coach_error_new(COACH_FAIL, "--evidence %s: no such "
		    "file; give a URL (e.g. the video's link on the school's "
		    "platform), a path in the repository or a file to copy",
		    ref);
		goto done;
	}
	if (strncmp(abs, root, n) == 0 && abs[n] == '/') {
		const char *rel = abs + n + 1;
		if (strcmp(rel, ".git") == 0 || strncmp(rel, ".git/", 5) == 0) {
			err = coach_error_new(COACH_FAIL, "--evidence %s: is "
			    "inside .git; give a file of the work tree", ref);
			goto done;
		}
		if (S_ISREG(st.st_mode) &&
		    coach_store_head_has(coach_repo_store(repo), rel)) {
			coach_strlist_add(&e->evidence, rel);
			goto done;
		}
		/* Not committed yet: it goes into the entry's commit, so
		 * that the entry never points at a file only one laptop
		 * has. */
		struct coach_buf data = COACH_BUF_INIT;
		err = read_evidence(ref, abs, &st, &data);
		if (err == NULL && !is_staged(e, rel))
			add_copy(e, coach_xstrdup(rel))->data = data;
		else
			coach_buf_free(&data);
		if (err == NULL)
			coach_strlist_add(&e->evidence, rel);
		goto done;
	}
	/* The copy must not be written through a link either. */
	char *dir = coach_path_evidence_dir(e->coachee);
	char *dir_abs = coach_path_join(root, dir);
	char *found = walk_path(dir_abs, root, &link);
	free(found);
	free(dir_abs);
	free(dir);
	if (link) {
		err = coach_error_coded(COACH_E_INVALID, "--evidence %s: %s is "
		    "a symbolic link in the repository, and coach never "
		    "writes through one; make it a folder", ref, link[n] == '/' ?
		    link + n + 1 : link);
		goto done;
	}
	struct coach_buf data = COACH_BUF_INIT;
	err = read_evidence(ref, abs, &st, &data);
	if (err == NULL)
		err = evidence_name(ref, &name);
	if (err) {
		coach_buf_free(&data);
		goto done;
	}
	struct copy *c = add_copy(e, evidence_dest(repo, e, name));
	c->data = data;
	c->name = coach_xstrdup(name);
	c->evidence_index = e->evidence.n;
	coach_strlist_add(&e->evidence, c->path);
done:
	free(abs);
	free(root);
	free(name);
	free(link);
	return err;
}

static struct coach_error *
read_stdin(struct coach_buf *out)
{
	coach_buf_clear(out);
	coach_buf_add(out, "", 0);
	for (;;) {
		char chunk[65536];
		ssize_t n = read(STDIN_FILENO, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return coach_error_errno("read", "standard input");
		if (n == 0)
			return NULL;
		if (out->len + (size_t)n > MESSAGE_MAX_BYTES)
			return coach_error_new(COACH_FAIL, "-F -: the text on "
			    "standard input is more than the %d bytes an "
			    "entry may hold", MESSAGE_MAX_BYTES);
		coach_buf_add(out, chunk, (size_t)n);
	}
}

/* Text for a body: valid UTF-8 without NUL, LF line endings; a BOM goes
 * only from a file (in -m it is text). */
static struct coach_error *
check_text(const char *what, struct coach_buf *b, int from_file)
{
	size_t off = coach_utf8_check(b->ptr ? b->ptr : "", b->len);
	if (off != b->len)
		return coach_error_new(COACH_FAIL, "%s: line %d: not UTF-8 "
		    "text (invalid bytes or a NUL); save it as UTF-8", what,
		    coach_line_of(b->ptr, off));
	coach_text_normalise(b, from_file);
	return NULL;
}

/* The body from -m (each one a paragraph) or -F. */
static struct coach_error *
message_from_args(const struct log_args *a, struct coach_buf *body)
{
	struct coach_error *err = NULL;
	char *what = NULL;
	if (a->file && strcmp(a->file, "-") == 0) {
		what = coach_xstrdup("-F - (standard input)");
		err = read_stdin(body);
	} else if (a->file) {
		what = coach_xasprintf("-F %s", a->file);
		err = coach_read_file(body, a->file, MESSAGE_MAX_BYTES);
		if (err)
			err = coach_error_prefix(err, "-F");
	} else {
		what = coach_xstrdup("-m");
		for (size_t i = 0; i < a->messages.n; i++) {
			if (i > 0)
				coach_buf_puts(body, "\n\n");
			coach_buf_puts(body, a->messages.v[i]);
		}
	}
	if (err == NULL)
		err = check_text(what, body, a->file != NULL);
	if (err == NULL && coach_is_blank(coach_buf_str(body), body->len))
		err = coach_error_new(COACH_FAIL, "%s: the text is empty; "
		    "write what happened (nothing was logged)", what);
	free(what);
	return err;
}

/* The comment lines of the editor's template, below the scissors. */
static void
template_comments(struct coach_repo *repo, const struct log_entry *e,
	struct coach_strlist *out)
{
	coach_strlist_add(out, SCISSORS);
	coach_strlist_add(out, "# Write the entry above the scissors line; "
	    "everything from it down");
	coach_strlist_add(out, "# is left out.  Markdown works, '#' "
	    "headings too.  To abort, leave the");
	coach_strlist_add(out, "# entry empty (or quit the editor with an "
	    "error, e.g. :cq in vi).");
	coach_strlist_add(out, "#");
	coach_strlist_add_owned(out, coach_xasprintf("# coachee: %s",
	    e->coachee));
	coach_strlist_add_owned(out, coach_xasprintf("# kind:    %s%s",
	    e->kind, e->private ? " (private)" : ""));
	coach_strlist_add_owned(out, coach_xasprintf("# date:    %s",
	    e->date));
	coach_strlist_add_owned(out, coach_xasprintf("# author:  %s",
	    e->author));
	if (e->goal) {
		char *path = NULL, *line;
		struct coach_record *g = NULL;
		const char *title = NULL;
		if (coach_repo_resolve(repo, e->goal, COACH_KIND_GOAL, &path,
		    NULL) == NULL && coach_repo_load(repo, path, &g) == NULL)
			title = coach_record_str(g, "title");
		if (title && !has_control(title))
			line = coach_xasprintf("# goal:    %s %s", e->goal,
			    title);
		else
			line = coach_xasprintf("# goal:    %s", e->goal);
		coach_strlist_add_owned(out, line);
		coach_record_free(g);
		free(path);
	}
	if (e->cycle)
		coach_strlist_add_owned(out, coach_xasprintf("# cycle:   %s",
		    e->cycle));
	for (size_t i = 0; i < e->evidence.n; i++)
		coach_strlist_add_owned(out, coach_xasprintf("# evidence: %s",
		    e->evidence.v[i]));
}

/*
 * The editor's text, cleaned like git's "scissors" mode: everything from
 * the scissors line down is dropped (so Markdown '#' headings above it
 * survive); when the user deleted the scissors, the template's own comment
 * lines are dropped instead.  Leading and trailing blank lines go.
 */
static void
clean_message(const struct coach_strlist *comments, struct coach_buf *text)
{
	struct coach_buf out = COACH_BUF_INIT;
	const char *p = coach_buf_str(text);
	int scissors = strstr(p, "\n" SCISSORS "\n") != NULL ||
	    strncmp(p, SCISSORS "\n", strlen(SCISSORS) + 1) == 0;
	size_t blank_run = 0;
	int started = 0;
	coach_buf_add(&out, "", 0);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = coach_xstrndup(p, n);
		p += n + (nl != NULL);
		if (strcmp(line, SCISSORS) == 0) {
			free(line);
			break;
		}
		if (!scissors && coach_strlist_has(comments, line)) {
			free(line);
			continue;
		}
		if (coach_is_blank(line, n)) {
			blank_run += started;
		} else {
			for (; blank_run > 0; blank_run--)
				coach_buf_putc(&out, '\n');
			coach_buf_puts(&out, line);
			coach_buf_putc(&out, '\n');
			started = 1;
		}
		free(line);
	}
	coach_buf_free(text);
	*text = out;
}

/* Opens the editor on the template in .git and reads the entry back. */
static struct coach_error *
message_from_editor(struct coach_repo *repo, const struct log_entry *e,
	const char *draft, struct coach_buf *body)
{
	struct coach_strlist comments = COACH_STRLIST_INIT;
	struct coach_buf tmpl = COACH_BUF_INIT;
	template_comments(repo, e, &comments);
	coach_buf_puts(&tmpl, "\n");
	for (size_t i = 0; i < comments.n; i++) {
		coach_buf_puts(&tmpl, comments.v[i]);
		coach_buf_putc(&tmpl, '\n');
	}
	struct coach_error *err = coach_write_file(draft, tmpl.ptr, tmpl.len);
	if (err == NULL) {
		err = coach_run_editor(draft);
		if (err && e->seal)
			err = coach_error_prefix(err, "nothing was logged (your "
			    "text was to be sealed, so no copy of it was kept)");
		else if (err)
			err = coach_error_prefix(err, "nothing was logged "
			    "(your text is in %s)", draft);
	}
	if (err == NULL)
		err = coach_read_file(body, draft, MESSAGE_MAX_BYTES);
	if (err == NULL) {
		err = check_text(draft, body, 1);
		if (err)
			err = coach_error_prefix(err, "nothing was logged");
	}
	if (err == NULL) {
		clean_message(&comments, body);
		if (body->len == 0)
			err = coach_error_new(COACH_FAIL,
			    "aborting: empty entry (nothing was logged)");
	}
	coach_strlist_free(&comments);
	coach_buf_free(&tmpl);
	return err;
}

/* The record, keys in the order of coach(5)'s table; body is the text
 * as written (sealed or not). */
static void
render_entry(const struct log_entry *e, const char *id, const char *body,
	struct coach_buf *out)
{
	struct coach_record *rec = coach_record_new();
	struct coach_fm *fm = coach_record_fm(rec);
	coach_fm_set(fm, "id", coach_fmv_str(id));
	coach_fm_set(fm, "date", coach_fmv_plain(e->date));
	coach_fm_set(fm, "kind", coach_fmv_str(e->kind));
	coach_fm_set(fm, "author", coach_fmv_str(e->author));
	if (e->goal)
		coach_fm_set(fm, "goal", coach_fmv_str(e->goal));
	if (e->cycle)
		coach_fm_set(fm, "cycle", coach_fmv_str(e->cycle));
	if (e->evidence.n) {
		struct coach_fmv *seq = coach_fmv_seq();
		for (size_t i = 0; i < e->evidence.n; i++)
			coach_fmv_push(seq, coach_fmv_str(e->evidence.v[i]));
		coach_fm_set(fm, "evidence", seq);
	}
	if (e->has_hours)
		coach_fm_set(fm, "hours", coach_fmv_number(e->hours));
	if (e->private)
		coach_fm_set(fm, "private", coach_fmv_bool(1));
	/* Who may read it is part of a sealed entry's public face; an
	 * unsealed one names readers only when --to added some. */
	if (e->private && (e->seal || e->readers.n > 2)) {
		struct coach_fmv *seq = coach_fmv_seq();
		for (size_t i = 0; i < e->readers.n; i++)
			coach_fmv_push(seq, coach_fmv_str(e->readers.v[i]));
		coach_fm_set(fm, COACH_READERS_KEY, seq);
	}
	coach_record_set_body(rec, body);
	coach_record_render(rec, out);
	coach_record_free(rec);
}

/* The entry and the evidence it brings, under the writer's lock. */
struct log_change {
	struct log_entry *e;
	char id[COACH_ID_LEN + 1];
	char *path;
};

/* Chooses again, under the lock, the names of copies from outside the
 * repository: another writer may have taken one since. */
static void
rename_copies(struct coach_repo *repo, struct log_entry *e)
{
	for (size_t i = 0; i < e->ncopies; i++)
		if (e->copies[i].name) {
			free(e->copies[i].path);
			e->copies[i].path = coach_xstrdup("");
		}
	for (size_t i = 0; i < e->ncopies; i++) {
		struct copy *c = &e->copies[i];
		if (c->name == NULL)
			continue;
		char *dest = evidence_dest(repo, e, c->name);
		free(c->path);
		c->path = dest;
		free(e->evidence.v[c->evidence_index]);
		e->evidence.v[c->evidence_index] = coach_xstrdup(dest);
	}
}

static char *
entry_path(const void *arg, const char *id)
{
	const struct log_entry *e = arg;
	return coach_path_entry(e->coachee, e->date, id);
}

static struct coach_error *
log_apply(struct coach_change *ch, void *arg)
{
	struct log_change *lc = arg;
	struct log_entry *e = lc->e;
	struct coach_error *err;
	struct coach_buf text = COACH_BUF_INIT, armour = COACH_BUF_INIT;
	const char *body = e->body.ptr ? e->body.ptr : "";

	rename_copies(coach_change_repo(ch), e);
	if ((err = coach_change_new_path(ch, 'e', entry_path, e, lc->id,
	    &lc->path)))
		return err;
	/* The id is bound into the seal, so it is sealed here, under the
	 * lock, once the id is known. */
	if (e->seal) {
		if ((err = coach_entry_seal(coach_change_repo(ch), lc->id,
		    &e->readers, body, &armour)))
			return err;
		body = coach_buf_str(&armour);
	}
	for (size_t i = 0; i < e->ncopies; i++)
		coach_change_write(ch, e->copies[i].path,
		    e->copies[i].data.ptr ? e->copies[i].data.ptr : "",
		    e->copies[i].data.len);
	render_entry(e, lc->id, body, &text);
	coach_change_write(ch, lc->path, text.ptr, text.len);
	coach_change_message(ch, "log: %s %s %s", e->coachee, e->kind,
	    lc->id);
	coach_buf_free(&text);
	coach_buf_free(&armour);
	return NULL;
}

/* After the commit: what check says about the new entry (grading
 * language, say) as warnings; the entry is written either way. */
static void
report_diags(struct coach_repo *repo, const char *path)
{
	struct coach_diags d = COACH_DIAGS_INIT;
	coach_check_file(repo, path, NULL, 0, &d);
	for (size_t i = 0; i < d.n; i++)
		coach_warn_diag(&d.v[i]);
	coach_diags_free(&d);
}

static char *
joined(const struct coach_strlist *l)
{
	struct coach_buf b = COACH_BUF_INIT;
	coach_buf_puts(&b, "");
	for (size_t i = 0; i < l->n; i++)
		coach_buf_printf(&b, "%s%s", i ? ", " : "", l->v[i]);
	return coach_buf_detach(&b);
}

/* The readers of a private entry, and whether it is sealed (see the top
 * of this file). */
static struct coach_error *
choose_readers(struct coach_repo *repo, const struct log_args *a,
	struct log_entry *e)
{
	struct coach_strlist missing = COACH_STRLIST_INIT;
	struct coach_error *err;
	coach_strlist_add(&e->readers, e->author);
	if (!coach_strlist_has(&e->readers, e->coachee))
		coach_strlist_add(&e->readers, e->coachee);
	for (size_t i = 0; i < a->to.n; i++) {
		if ((err = coach_repo_staff_check(repo, a->to.v[i])))
			return coach_error_prefix(err, "--to");
		if (!coach_strlist_has(&e->readers, a->to.v[i]))
			coach_strlist_add(&e->readers, a->to.v[i]);
	}
	if ((err = coach_readers_without_key(repo, &e->readers, &missing)))
		return err;
	if (a->unsealed || missing.n == e->readers.n) {
		e->seal = 0;
	} else if (missing.n == 0) {
		e->seal = 1;
	} else {
		char *who = joined(&missing);
		err = coach_error_coded(COACH_E_NOTFOUND, "cannot seal this "
		    "private entry: %s %s no key yet, so %s could not read it.  "
		    "Ask %s to run 'coach key init' and log it then, or give "
		    "--unsealed to write it private but readable by anyone "
		    "with the repository (nothing was logged)", who,
		    missing.n == 1 ? "has" : "have", missing.n == 1 ? "they" :
		    "they", who);
		free(who);
	}
	coach_strlist_free(&missing);
	return err;
}

/* Everything the command line says, checked, into e. */
static struct coach_error *
prepare(struct coach_repo *repo, const struct log_args *a,
	struct log_entry *e)
{
	struct coach_error *err;
	coach_day day;

	e->kind = a->kind ? a->kind : "note";
	e->private = a->private;
	if ((err = coach_entry_kind_check("--kind", e->kind)))
		return err;
	if ((err = coach_date_past_arg("--date", a->date ? a->date : "today",
	    e->date, &day)))
		return err;
	if (a->hours) {
		if ((err = parse_hours(a->hours, &e->hours)))
			return err;
		if (strcmp(e->kind, "cpd") != 0)
			return coach_error_new(COACH_FAIL, "--hours: hours "
			    "are counted for CPD; add --kind cpd");
		e->has_hours = 1;
	}
	if ((err = coach_staff_self(repo, "an entry cannot say who wrote it",
	    &e->author)))
		return err;
	/* Without a coachee, a goal or cycle says whose log it is. */
	if ((err = coach_repo_coachee_of(repo, a->coachee, a->goal ? "--goal" :
	    "--cycle", a->goal ? a->goal : a->cycle, a->goal ?
	    COACH_KIND_GOAL : COACH_KIND_CYCLE, &e->coachee)))
		return err;
	if ((err = resolve_goal_cycle(repo, a, e)))
		return err;
	for (size_t i = 0; i < a->evidence.n; i++)
		if ((err = add_evidence(repo, e, a->evidence.v[i])))
			return err;
	return e->private ? choose_readers(repo, a, e) : NULL;
}

static struct coach_error *
log_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	struct log_args a = { 0 };
	struct log_entry e = { 0 };
	struct coach_repo *repo = ctx->repo;
	char *draft = NULL, *path = NULL;
	char id[COACH_ID_LEN + 1];
	int from_editor = 0;

	struct coach_error *err = parse_args(ctx, argc, argv, &a);
	/* With the words given, the entry is written next: git's index is
	 * read meanwhile (on a big school it is most of a write). */
	if (err == NULL && (a.file || a.messages.n))
		coach_store_write_ahead(coach_repo_store(repo));
	if (err == NULL)
		err = prepare(repo, &a, &e);
	if (err)
		goto done;
	if (a.file || a.messages.n) {
		err = message_from_args(&a, &e.body);
	} else if (e.seal) {
		/* Words to be sealed are never written where git could
		 * take them in. */
		from_editor = 2;
		err = coach_secret_draft_new(DRAFT_NAME, &draft);
		if (err == NULL)
			err = message_from_editor(repo, &e, draft, &e.body);
	} else {
		from_editor = 1;
		draft = coach_git_path(repo, DRAFT_NAME);
		err = message_from_editor(repo, &e, draft, &e.body);
	}
	if (err)
		goto done;
	struct log_change lc = { &e, { 0 }, NULL };
	err = coach_write(repo, log_apply, &lc);
	path = lc.path;
	memcpy(id, lc.id, sizeof(id));
	if (err) {
		if (from_editor == 1)
			err = coach_error_prefix(err, "nothing was logged; "
			    "your text is kept in %s", draft);
		else if (from_editor == 2)
			err = coach_error_prefix(err, "nothing was logged (your "
			    "text was to be sealed, so no copy of it was kept)");
		goto done;
	}
	if (from_editor == 1)
		unlink(draft);
	if (isatty(STDOUT_FILENO))
		printf("logged %s %s for %s\n", e.kind, id, e.coachee);
	else
		printf("%s\n", id);
	report_diags(repo, path);
done:
	if (from_editor == 2)
		coach_secret_draft_remove();
	coach_strlist_free(&a.evidence);
	coach_strlist_free(&a.messages);
	coach_strlist_free(&a.to);
	log_entry_free(&e);
	free(draft);
	free(path);
	return err;
}

static const struct coach_opt log_opts[] = {
	{ "kind", 0, COACH_OPT_VALUE, "K", "what it is: meeting, "
	    "observation, practice, reflection, evidence, cpd or note "
	    "(default note)" },
	{ "goal", 0, COACH_OPT_VALUE, "ID", "the goal the entry is about" },
	{ "cycle", 0, COACH_OPT_VALUE, "ID", "the cycle the entry is about" },
	{ "evidence", 0, COACH_OPT_VALUE | COACH_OPT_REPEAT, "REF", "a URL, "
	    "a path in the repository or a file to copy" },
	{ "hours", 0, COACH_OPT_VALUE, "N", "hours of CPD, such as 1.5 (with "
	    "--kind cpd)" },
	{ "private", 0, 0, NULL, "mark the entry private; sealed when its "
	    "readers have keys (see coach-key(1))" },
	{ "to", 0, COACH_OPT_VALUE | COACH_OPT_REPEAT, "HANDLE", "with "
	    "--private: one more reader besides the author and the coachee" },
	{ "unsealed", 0, 0, NULL, "with --private: write it unsealed even "
	    "though some of its readers have keys" },
	{ "date", 0, COACH_OPT_VALUE, "DATE", "the day it happened (default "
	    "today)" },
	{ "message", 'm', COACH_OPT_VALUE | COACH_OPT_REPEAT, "TEXT", "the "
	    "text; several -m are separate paragraphs" },
	{ "file", 'F', COACH_OPT_VALUE, "FILE", "the text from FILE, or from "
	    "standard input for -" },
	{ 0 },
};

static const struct coach_form log_forms[] = {
	{ .usage = "[COACHEE] [--kind K] [--goal ID] [--cycle ID] "
	    "[--evidence REF]... [--hours N] [--private [--to HANDLE]... "
	    "[--unsealed]] [--date DATE] [-m TEXT | -F FILE | -F -]",
	  .opts = log_opts, .max = 1,
	  .extra = "too many arguments: log takes one COACHEE; quote a "
	    "message of several words",
	  .exec = log_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_log = {
	.name = "log",
	.summary = "write an entry in a coachee's log",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = log_forms,
};
