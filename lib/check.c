/*
 * check.c: the schema of coach(5) and the walk over a work tree.
 *
 * Nothing here stops at the first problem: every problem becomes a
 * diagnostic naming the file, the line and what to do.  The walk reads the
 * work tree with readdir (so untracked files and hand edits are seen),
 * never follows a symbolic link and never opens anything but a regular
 * file of bounded size, so check finishes on any tree.
 */
#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "date.h"
#include "diff3.h"
#include "fmcache.h"
#include "ids.h"
#include "model.h"
#include "keys.h"
#include "phrase.h"
#include "pool.h"
#include "privacy.h"
#include "schema.h"
#include "seal.h"
#include "util.h"

/* Evidence folders deeper than this are not walked. */
#define EVIDENCE_MAX_DEPTH 8
/* Longest value quoted back in a message. */
#define SHOWN_MAX 40

/* ------------------------------------------------------------------ */
/* Diagnostics                                                          */

/*
 * A copy of s fit to print on one line and in JSON: control characters
 * and bytes that are not UTF-8 (file names can hold anything) become '?'.
 */
static char *
printable(const char *s)
{
	size_t len = strlen(s);
	char *p = coach_xstrdup(s);
	size_t i = 0;
	while (i < len) {
		size_t ok = coach_utf8_check(p + i, len - i);
		for (size_t k = i; k < i + ok; k++)
			if ((unsigned char)p[k] < 0x20 || p[k] == 0x7f)
				p[k] = '?';
		i += ok;
		if (i < len)
			p[i++] = '?';
	}
	return p;
}

static void diags_vadd(struct coach_diags *d, const char *path, int line,
	enum coach_severity sev, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

static void
diags_vadd(struct coach_diags *d, const char *path, int line,
    enum coach_severity sev, const char *fmt, va_list ap)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->v = coach_xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0) {
		fputs("coach: out of memory\n", stderr);
		abort();
	}
	struct coach_diag *g = &d->v[d->n++];
	g->path = printable(path);
	g->line = line < 0 ? 0 : line;
	g->severity = sev;
	g->msg = printable(msg);
	free(msg);
	if (sev == COACH_SEV_ERROR)
		d->errors++;
	else
		d->warnings++;
}

void
coach_diags_add(struct coach_diags *d, const char *path, int line,
    enum coach_severity sev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diags_vadd(d, path, line, sev, fmt, ap);
	va_end(ap);
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct coach_diag *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->severity != y->severity)
		return x->severity == COACH_SEV_ERROR ? -1 : 1;
	return strcmp(x->msg, y->msg);
}

void
coach_diags_sort(struct coach_diags *d)
{
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), diag_cmp);
}

void
coach_diags_free(struct coach_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].path);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = d->errors = d->warnings = 0;
}

/* ------------------------------------------------------------------ */
/* Where a path sits in coach(5)                                        */

struct where {
	enum coach_kind kind;
	char *coachee; /* coaching/ paths */
	char *stem;    /* file name without ".md" (entries: after DATE-) */
	char *date;    /* entries: the DATE of DATE-ID.md, when well formed */
};

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Classifies relpath by its place in the layout, as coach_path_kind reads
 * it; names are not validated here (check_names does it, to say what is
 * wrong with them). */
static void
classify(const char *relpath, struct where *w)
{
	char *id = NULL;
	memset(w, 0, sizeof(*w));
	w->kind = coach_path_kind(relpath, &w->coachee, &id);
	if (w->kind != COACH_KIND_ENTRY) {
		w->stem = id;
		return;
	}
	/* An entry's file name is DATE-ID.md; without a date, no id. */
	const char *base = strrchr(relpath, '/') + 1;
	w->stem = id ? id : coach_xstrdup("");
	if (id)
		w->date = coach_xstrndup(base, 10);
}

static void
where_free(struct where *w)
{
	free(w->coachee);
	free(w->stem);
	free(w->date);
}

/* ------------------------------------------------------------------ */
/* One record                                                           */

struct walk;

struct rc {
	struct coach_repo *r;
	const char *path;
	const struct coach_fm *fm;
	struct coach_diags *out;
	struct where where;
	int missing_line; /* line for "missing key": 1 for files read */
	struct walk *w;   /* the walk of check_all, or NULL */
	const char *body; /* the record's text */
};

static void dep_note(struct walk *w, const char *relpath, int exists);
/* What guards the cache while files are checked by several threads;
 * NULL when there is one. */
static pthread_mutex_t *walk_lock(struct walk *w);
static int memo_get(struct walk *w, const char *relpath, int *ok);
static void memo_put(struct walk *w, const char *relpath, int ok);

static void rc_diag(struct rc *c, enum coach_severity sev, int line,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
rc_diag(struct rc *c, enum coach_severity sev, int line, const char *fmt,
    ...)
{
	va_list ap;
	va_start(ap, fmt);
	diags_vadd(c->out, c->path, line, sev, fmt, ap);
	va_end(ap);
}
#define ERR(c, line, ...) rc_diag((c), COACH_SEV_ERROR, (line), __VA_ARGS__)
#define WARN(c, line, ...) rc_diag((c), COACH_SEV_WARNING, (line), __VA_ARGS__)

static int
key_line(const struct rc *c, const char *key)
{
	int l = coach_fm_key_line(c->fm, key);
	return l > 0 ? l : c->missing_line;
}

static int
node_line(const struct rc *c, const struct coach_fm_node *n, const char *key)
{
	int l = n ? coach_fm_node_line(n) : 0;
	return l > 0 ? l : key_line(c, key);
}

/* A value quoted back in a message: one line, at most SHOWN_MAX bytes,
 * cut on a character boundary. */
static const char *
shown(const char *s, char buf[SHOWN_MAX + 4])
{
	size_t n = 0;
	for (; s[n] && n < SHOWN_MAX; n++)
		buf[n] = (unsigned char)s[n] < 0x20 ? ' ' : s[n];
	if (s[n]) {
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

static const char *
type_name(const struct coach_fm_node *n)
{
	switch (coach_fm_node_type(n)) {
	case COACH_FM_SEQ:
		return "a list";
	case COACH_FM_MAP:
		return "a mapping";
	case COACH_FM_NULL:
		return "empty";
	default:
		return "text";
	}
}

enum ftype {
	F_TEXT,    /* any scalar */
	F_BOOL,
	F_NUMBER,
	F_DATE,
	F_MMDD,
	F_YEAR,    /* a school year YYYY-YY */
	F_LIST,    /* list of text */
	F_MAP,
	F_ENUM,
	F_HANDLE,  /* a handle or priority/framework id */
	F_HANDLES, /* a handle or a list of them */
	F_ID,      /* goal/cycle/entry id of kind idkind */
	F_ANY,
};

struct field {
	const char *key;
	enum ftype type;
	int required;
	const char *const *values; /* F_ENUM, NULL-terminated */
	char idkind;               /* F_ID */
};

static void
join_values(char *buf, size_t size, const char *const *values)
{
	buf[0] = '\0';
	for (size_t i = 0; values[i]; i++) {
		size_t l = strlen(buf);
		snprintf(buf + l, size - l, "%s%s", i ? ", " : "", values[i]);
	}
}

/* What a value of type f should be, for messages. */
static const char *
expected(const struct field *f, char *buf, size_t size)
{
	switch (f->type) {
	case F_TEXT:
		return "text";
	case F_BOOL:
		return "true or false";
	case F_NUMBER:
		return "a number";
	case F_DATE:
		return "a date YYYY-MM-DD";
	case F_MMDD:
		return "a day of the year MM-DD";
	case F_YEAR:
		return "a school year YYYY-YY, e.g. 2026-27";
	case F_LIST:
		return "a list of text";
	case F_MAP:
		return "a mapping";
	case F_ENUM: {
		char vals[256];
		join_values(vals, sizeof(vals), f->values);
		snprintf(buf, size, "one of %s", vals);
		return buf;
	}
	case F_HANDLE:
		return "a handle";
	case F_HANDLES:
		return "a staff handle or a list of them";
	case F_ID:
		snprintf(buf, size, "a %s id like %c3f9a1c",
		    f->idkind == 'g' ? "goal" : f->idkind == 'c' ? "cycle" :
		    "entry", f->idkind);
		return buf;
	case F_ANY:
		break;
	}
	return "a value";
}

static int
is_enum(const char *s, const char *const *values)
{
	for (size_t i = 0; values[i]; i++)
		if (strcmp(s, values[i]) == 0)
			return 1;
	return 0;
}

static int
handle_ok(const char *s)
{
	struct coach_error *e = coach_handle_check("handle", s);
	coach_error_free(e);
	return e == NULL;
}

#define HANDLE_RULE "1 to 40 characters from a-z, 0-9, '.', '_' and '-', " \
	"starting with a letter or digit"

/* Checks that the scalar n (named what) is a valid handle. */
static int
check_handle_value(struct rc *c, const char *what,
    const struct coach_fm_node *n, int line)
{
	char b[SHOWN_MAX + 4];
	const char *s = coach_fm_node_str(n);
	if (s == NULL) {
		ERR(c, line, "'%s' must be a handle, not %s", what,
		    type_name(n));
		return 0;
	}
	if (handle_ok(s))
		return 1;
	ERR(c, line, "'%s' is not a valid handle '%s': use " HANDLE_RULE,
	    what, shown(s, b));
	return 0;
}

/*
 * Checks value n of the key or item named what against f; line is where
 * it is.  Returns 1 when it is well formed.
 */
static int
check_value(struct rc *c, const char *what, const struct coach_fm_node *n,
    int line, const struct field *f)
{
	char b[SHOWN_MAX + 4], exp[300];
	enum coach_fm_type t = coach_fm_node_type(n);
	const char *s = coach_fm_node_str(n);
	double num;
	int bl;
	coach_day day;

	switch (f->type) {
	case F_ANY:
		return 1;
	case F_MAP:
		if (t == COACH_FM_MAP)
			return 1;
		break;
	case F_LIST:
		if (t != COACH_FM_SEQ)
			break;
		for (size_t i = 0; i < coach_fm_node_len(n); i++) {
			const struct coach_fm_node *it =
			    coach_fm_node_item(n, i);
			const char *v = coach_fm_node_str(it);
			if (v == NULL || *v == '\0') {
				ERR(c, node_line(c, it, f->key),
				    "item %zu of '%s' must be text, not %s: "
				    "write one '- text' per item", i + 1, what,
				    v ? "empty" : type_name(it));
				return 0;
			}
		}
		return 1;
	case F_HANDLES:
		if (t == COACH_FM_SEQ) {
			if (coach_fm_node_len(n) == 0) {
				ERR(c, line, "'%s' is an empty list: name at "
				    "least one member of staff", what);
				return 0;
			}
			int ok = 1;
			for (size_t i = 0; i < coach_fm_node_len(n); i++) {
				const struct coach_fm_node *it =
				    coach_fm_node_item(n, i);
				ok &= check_handle_value(c, what, it,
				    node_line(c, it, f->key));
			}
			return ok;
		}
		/* FALLTHROUGH */
	case F_HANDLE:
		if (t != COACH_FM_SCALAR)
			break;
		return check_handle_value(c, what, n, line);
	case F_TEXT:
		if (t != COACH_FM_SCALAR)
			break;
		if (f->required && *s == '\0') {
			ERR(c, line, "'%s' is empty: write %s", what,
			    expected(f, exp, sizeof(exp)));
			return 0;
		}
		return 1;
	case F_BOOL:
		if (coach_fm_node_bool(n, &bl) == 0)
			return 1;
		break;
	case F_NUMBER:
		if (coach_fm_node_number(n, &num) == 0 && isfinite(num))
			return 1;
		if (t == COACH_FM_SCALAR && coach_fm_node_quoted(n)) {
			ERR(c, line, "'%s' must be a number, not the text "
			    "'%s': write it without quotes", what, shown(s, b));
			return 0;
		}
		break;
	case F_DATE:
		if (t == COACH_FM_SCALAR && coach_date_parse(s, &day) == 0)
			return 1;
		break;
	case F_MMDD:
		if (t == COACH_FM_SCALAR &&
		    coach_schema_month_day(s, NULL, NULL) == 0)
			return 1;
		break;
	case F_YEAR:
		if (t == COACH_FM_SCALAR && coach_schema_school_year(s) == 0)
			return 1;
		break;
	case F_ENUM:
		if (t == COACH_FM_SCALAR && is_enum(s, f->values))
			return 1;
		break;
	case F_ID:
		if (t == COACH_FM_SCALAR && coach_id_valid(s, f->idkind))
			return 1;
		break;
	}
	if (t == COACH_FM_SCALAR)
		ERR(c, line, "'%s' must be %s, not '%s'", what,
		    expected(f, exp, sizeof(exp)), shown(s, b));
	else
		ERR(c, line, "'%s' must be %s, not %s", what,
		    expected(f, exp, sizeof(exp)), type_name(n));
	return 0;
}

/* Checks the top-level keys of a schema: presence and types. */
static void
check_fields(struct rc *c, const struct field *fields, size_t n)
{
	char exp[300];
	for (size_t i = 0; i < n; i++) {
		const struct field *f = &fields[i];
		const struct coach_fm_node *v = coach_fm_get(c->fm, f->key);
		if (v == NULL || coach_fm_node_type(v) == COACH_FM_NULL) {
			if (!f->required)
				continue;
			if (v == NULL)
				ERR(c, c->missing_line, "missing required key "
				    "'%s': add a line '%s: ...' with %s",
				    f->key, f->key,
				    expected(f, exp, sizeof(exp)));
			else
				ERR(c, key_line(c, f->key), "'%s' is empty: "
				    "write %s", f->key,
				    expected(f, exp, sizeof(exp)));
			continue;
		}
		check_value(c, f->key, v, node_line(c, v, f->key), f);
	}
}

/* The value of key when it is present and of type f (silently NULL
 * otherwise: check_fields reported it). */
static const char *
valid_str(struct rc *c, const char *key, enum ftype type, char idkind)
{
	const struct coach_fm_node *n = coach_fm_get(c->fm, key);
	const char *s = n ? coach_fm_node_str(n) : NULL;
	coach_day d;
	if (s == NULL || coach_fm_node_type(n) != COACH_FM_SCALAR)
		return NULL;
	switch (type) {
	case F_DATE:
		return coach_date_parse(s, &d) == 0 ? s : NULL;
	case F_HANDLE: {
		struct coach_error *e = coach_handle_check(key, s);
		coach_error_free(e);
		return e ? NULL : s;
	}
	case F_ID:
		return coach_id_valid(s, idkind) ? s : NULL;
	default:
		return s;
	}
}

static int
valid_date(struct rc *c, const char *key, coach_day *out)
{
	const char *s = valid_str(c, key, F_DATE, 0);
	return s && coach_date_parse(s, out) == 0;
}

/* Whether the repository path (freed here) exists as a file. */
static int
exists(struct rc *c, char *relpath)
{
	pthread_mutex_t *lock = c->w ? walk_lock(c->w) : NULL;
	int ok = 1;
	if (c->r && !memo_get(c->w, relpath, &ok)) {
		if (lock)
			pthread_mutex_lock(lock);
		ok = coach_repo_exists(c->r, relpath);
		if (lock)
			pthread_mutex_unlock(lock);
		memo_put(c->w, relpath, ok);
	}
	if (c->w)
		dep_note(c->w, relpath, ok);
	free(relpath);
	return ok;
}

static void
check_staff_ref(struct rc *c, const char *key, const char *handle, int line)
{
	if (!exists(c, coach_path_staff(handle)))
		ERR(c, line, "%s '%s' has no staff record staff/%s.md: add "
		    "them with 'coach staff add %s --name NAME' or correct "
		    "the handle", key, handle, handle, handle);
}

/* "closed" (later) must not come before "opened" (earlier). */
static void
check_order(struct rc *c, const char *earlier, const char *later)
{
	coach_day a, b;
	if (valid_date(c, earlier, &a) && valid_date(c, later, &b) && b < a)
		ERR(c, key_line(c, later), "'%s' (%s) is before '%s' (%s): "
		    "correct one of the dates", later,
		    coach_fm_str(c->fm, later), earlier,
		    coach_fm_str(c->fm, earlier));
}

/* A goal/cycle/entry whose id must equal the one its file name gives. */
static void
check_id_matches(struct rc *c, char kind)
{
	const char *id = valid_str(c, "id", F_ID, kind);
	const char *stem = c->where.stem;
	if (id == NULL || !coach_id_valid(stem, kind) || strcmp(id, stem) == 0)
		return;
	ERR(c, key_line(c, "id"), "id '%s' does not match the file name, "
	    "which names %s: set 'id: %s' or rename the file", id, stem,
	    stem);
}

/* ------------------------------------------------------------------ */
/* Schemas                                                              */

static const char *const priority_status[] = { "active", "retired", NULL };
static const char *const agreement_status[] = { "active", "ended", NULL };
static const char *const cycle_models[] = { "steplab", "impact", "gbf",
	NULL };
static const char *const trust_privacy[] = { "summary", "full", NULL };

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

/* judgement_words within what coach looks for (repo.h's limits). */
static void
check_judgement_words(struct rc *c)
{
	const struct coach_fm_node *jw = coach_fm_get(c->fm,
	    "judgement_words");
	if (jw == NULL || coach_fm_node_type(jw) != COACH_FM_SEQ)
		return;
	size_t n = coach_fm_node_len(jw);
	if (n > COACH_JUDGEMENT_MAX_WORDS)
		ERR(c, key_line(c, "judgement_words"), "'judgement_words' "
		    "lists %zu phrases, more than the %d coach looks for: "
		    "keep the ones that matter", n, COACH_JUDGEMENT_MAX_WORDS);
	for (size_t i = 0; i < n; i++) {
		const struct coach_fm_node *it = coach_fm_node_item(jw, i);
		const char *w = coach_fm_node_str(it);
		char b[SHOWN_MAX + 4];
		if (w && strlen(w) > COACH_JUDGEMENT_MAX_LEN)
			ERR(c, node_line(c, it, "judgement_words"), "phrase "
			    "%zu of 'judgement_words' ('%s') is %zu bytes, "
			    "more than the %d coach looks for: shorten it",
			    i + 1, shown(w, b), strlen(w),
			    COACH_JUDGEMENT_MAX_LEN);
	}
}

static void
check_config(struct rc *c)
{
	static const struct field f[] = {
		{ "school", F_TEXT, 1, NULL, 0 },
		{ "school_id", F_TEXT, 0, NULL, 0 },
		{ "trust", F_TEXT, 0, NULL, 0 },
		{ "year_start", F_MMDD, 0, NULL, 0 },
		{ "cycle_model", F_ENUM, 0, cycle_models, 0 },
		{ "cycle_phases", F_LIST, 0, NULL, 0 },
		{ "judgement_words", F_LIST, 0, NULL, 0 },
		{ "privacy", F_MAP, 0, NULL, 0 },
		{ "agenda_prompts", F_LIST, 0, NULL, 0 },
	};
	check_fields(c, f, NFIELDS(f));

	const struct coach_fm_node *ph = coach_fm_get(c->fm, "cycle_phases");
	if (ph && coach_fm_node_type(ph) == COACH_FM_SEQ) {
		size_t n = coach_fm_node_len(ph);
		if (n == 0)
			ERR(c, key_line(c, "cycle_phases"), "'cycle_phases' "
			    "is an empty list: list the phases of the "
			    "school's cycle, or remove it to use the "
			    "cycle_model's");
		for (size_t i = 0; i < n; i++) {
			const char *a = coach_fm_node_str(
			    coach_fm_node_item(ph, i));
			for (size_t k = 0; a && k < i; k++) {
				const char *b = coach_fm_node_str(
				    coach_fm_node_item(ph, k));
				if (b && strcmp(a, b) == 0) {
					char sb[SHOWN_MAX + 4];
					ERR(c, node_line(c,
					    coach_fm_node_item(ph, i),
					    "cycle_phases"), "phase '%s' is "
					    "listed twice in 'cycle_phases': "
					    "remove one", shown(a, sb));
					break;
				}
			}
		}
	}

	check_judgement_words(c);

	const struct coach_fm_node *pv = coach_fm_get(c->fm, "privacy");
	if (pv && coach_fm_node_type(pv) == COACH_FM_MAP) {
		static const struct field trust = { "privacy.trust", F_ENUM,
			0, trust_privacy, 0 };
		static const struct field individual = { "privacy.individual",
			F_BOOL, 0, NULL, 0 };
		const struct coach_fm_node *t = coach_fm_node_lookup(pv,
		    "trust");
		const struct coach_fm_node *i = coach_fm_node_lookup(pv,
		    "individual");
		if (t && coach_fm_node_type(t) != COACH_FM_NULL)
			check_value(c, trust.key, t,
			    node_line(c, t, "privacy"), &trust);
		if (i && coach_fm_node_type(i) != COACH_FM_NULL)
			check_value(c, individual.key, i,
			    node_line(c, i, "privacy"), &individual);
	}
}

static void
check_staff(struct rc *c)
{
	static const struct field f[] = {
		{ "name", F_TEXT, 1, NULL, 0 },
		{ "email", F_TEXT, 0, NULL, 0 },
		{ "role", F_TEXT, 0, NULL, 0 },
		{ "subjects", F_LIST, 0, NULL, 0 },
		{ "phase", F_TEXT, 0, NULL, 0 },
		{ "coach", F_BOOL, 0, NULL, 0 },
		{ "joined", F_DATE, 0, NULL, 0 },
		{ COACH_KEY_FIELD, F_TEXT, 0, NULL, 0 },
	};
	check_fields(c, f, NFIELDS(f));
	const char *pk = valid_str(c, COACH_KEY_FIELD, F_TEXT, 0);
	unsigned char key[COACH_SEAL_KEY_BYTES];
	struct coach_error *kerr = pk && *pk ? coach_seal_pk_decode(key, pk) :
	    NULL;
	if (kerr)
		ERR(c, key_line(c, COACH_KEY_FIELD), "%s: %s; put back the "
		    "value 'coach key init' wrote (git log -p shows it)",
		    COACH_KEY_FIELD, coach_error_msg(kerr));
	coach_error_free(kerr);
	const char *email = valid_str(c, "email", F_TEXT, 0);
	char b[SHOWN_MAX + 4];
	if (email && *email && !coach_schema_email_ok(email))
		WARN(c, key_line(c, "email"), "email '%s' does not look like "
		    "an email address: coach finds the current user by "
		    "git's user.email, so write the address they use with git",
		    shown(email, b));
}

static void
check_priority(struct rc *c)
{
	static const struct field f[] = {
		{ "title", F_TEXT, 1, NULL, 0 },
		{ "year", F_YEAR, 0, NULL, 0 },
		{ "status", F_ENUM, 0, priority_status, 0 },
	};
	check_fields(c, f, NFIELDS(f));
}

static void
check_framework(struct rc *c)
{
	static const struct field f[] = {
		{ "title", F_TEXT, 1, NULL, 0 },
		{ "area", F_TEXT, 0, NULL, 0 },
		{ "criteria", F_LIST, 0, NULL, 0 },
	};
	check_fields(c, f, NFIELDS(f));
}

static void
check_agreement(struct rc *c)
{
	static const struct field f[] = {
		{ "coachee", F_HANDLE, 1, NULL, 0 },
		{ "coach", F_HANDLES, 1, NULL, 0 },
		{ "started", F_DATE, 1, NULL, 0 },
		{ "cadence", F_TEXT, 0, NULL, 0 },
		{ "focus", F_TEXT, 0, NULL, 0 },
		{ "status", F_ENUM, 0, agreement_status, 0 },
		{ "ended", F_DATE, 0, NULL, 0 },
	};
	check_fields(c, f, NFIELDS(f));

	const char *coachee = valid_str(c, "coachee", F_HANDLE, 0);
	if (coachee && c->where.coachee &&
	    strcmp(coachee, c->where.coachee) != 0)
		ERR(c, key_line(c, "coachee"), "coachee '%s' is not the "
		    "folder's coachee '%s': an agreement lives in its "
		    "coachee's folder; set 'coachee: %s' or move the file",
		    coachee, c->where.coachee, c->where.coachee);
	else if (coachee)
		check_staff_ref(c, "coachee", coachee,
		    key_line(c, "coachee"));

	const struct coach_fm_node *co = coach_fm_get(c->fm, "coach");
	if (co && coach_fm_node_type(co) == COACH_FM_SCALAR) {
		const char *h = valid_str(c, "coach", F_HANDLE, 0);
		if (h)
			check_staff_ref(c, "coach", h, node_line(c, co,
			    "coach"));
	} else if (co && coach_fm_node_type(co) == COACH_FM_SEQ) {
		for (size_t i = 0; i < coach_fm_node_len(co); i++) {
			const struct coach_fm_node *it =
			    coach_fm_node_item(co, i);
			const char *h = coach_fm_node_str(it);
			struct coach_error *e = h ?
			    coach_handle_check("coach", h) : NULL;
			if (h && e == NULL)
				check_staff_ref(c, "coach", h,
				    node_line(c, it, "coach"));
			coach_error_free(e);
		}
	}

	check_order(c, "started", "ended");
	const char *status = valid_str(c, "status", F_TEXT, 0);
	if (status && strcmp(status, "ended") == 0 &&
	    coach_fm_get(c->fm, "ended") == NULL)
		WARN(c, key_line(c, "status"), "the agreement has ended but "
		    "has no 'ended' date: add 'ended: YYYY-MM-DD'");
}

/* A goal's measure: a mapping with a name and numeric baseline and
 * target. */
static void
check_measure(struct rc *c)
{
	static const struct field name = { "measure.name", F_TEXT, 1, NULL, 0 };
	static const struct field unit = { "measure.unit", F_TEXT, 0, NULL, 0 };
	static const struct field num = { "measure.*", F_NUMBER, 1, NULL, 0 };
	const struct coach_fm_node *m = coach_fm_get(c->fm, "measure");
	if (m == NULL || coach_fm_node_type(m) != COACH_FM_MAP)
		return;
	int kl = key_line(c, "measure");
	const struct coach_fm_node *v = coach_fm_node_lookup(m, "name");
	if (v == NULL || coach_fm_node_type(v) == COACH_FM_NULL)
		ERR(c, kl, "'measure' has no 'name': say what is measured, "
		    "e.g. 'name: pupils answering'");
	else
		check_value(c, name.key, v, node_line(c, v, "measure"), &name);
	v = coach_fm_node_lookup(m, "unit");
	if (v && coach_fm_node_type(v) != COACH_FM_NULL)
		check_value(c, unit.key, v, node_line(c, v, "measure"), &unit);
	static const char *const nums[] = { "baseline", "target" };
	int ok = 1;
	for (size_t i = 0; i < 2; i++) {
		char what[32];
		snprintf(what, sizeof(what), "measure.%s", nums[i]);
		v = coach_fm_node_lookup(m, nums[i]);
		if (v == NULL || coach_fm_node_type(v) == COACH_FM_NULL) {
			ERR(c, kl, "'measure' has no '%s': add '%s: N' (a "
			    "number) under it", nums[i], nums[i]);
			ok = 0;
		} else {
			ok &= check_value(c, what, v, node_line(c, v,
			    "measure"), &num);
		}
	}
	double base, target;
	const struct coach_fm_node *t = coach_fm_node_lookup(m, "target");
	const char *why = NULL;
	if (ok && coach_fm_node_number(coach_fm_node_lookup(m, "baseline"),
	    &base) == 0 && coach_fm_node_number(t, &target) == 0)
		why = coach_schema_measure_problem(base, target);
	if (why)
		ERR(c, node_line(c, t, "measure"), "'measure.target' is the "
		    "baseline (%g): %s; set the target the goal aims for",
		    target, why);
}

/* A goal's measurements: a list of mappings with a date and a number. */
static void
check_measurements(struct rc *c)
{
	static const struct field date = { "date", F_DATE, 1, NULL, 0 };
	static const struct field value = { "value", F_NUMBER, 1, NULL, 0 };
	const struct coach_fm_node *m = coach_fm_get(c->fm, "measurements");
	if (m == NULL || coach_fm_node_type(m) == COACH_FM_NULL)
		return;
	if (coach_fm_node_type(m) != COACH_FM_SEQ) {
		ERR(c, key_line(c, "measurements"), "'measurements' must be "
		    "a list of '- {date: YYYY-MM-DD, value: N}', not %s",
		    type_name(m));
		return;
	}
	if (coach_fm_get(c->fm, "measure") == NULL &&
	    coach_fm_node_len(m) > 0)
		WARN(c, key_line(c, "measurements"), "'measurements' without "
		    "a 'measure': add the measure (name, baseline, target) "
		    "so progress can be reported");
	for (size_t i = 0; i < coach_fm_node_len(m); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(m, i);
		int line = node_line(c, it, "measurements");
		char what[64];
		if (coach_fm_node_type(it) != COACH_FM_MAP) {
			ERR(c, line, "measurement %zu must be a mapping "
			    "'{date: YYYY-MM-DD, value: N}', not %s", i + 1,
			    type_name(it));
			continue;
		}
		const struct field *fs[] = { &date, &value };
		for (size_t k = 0; k < 2; k++) {
			const struct coach_fm_node *v = coach_fm_node_lookup(
			    it, fs[k]->key);
			snprintf(what, sizeof(what), "measurements[%zu].%s",
			    i + 1, fs[k]->key);
			if (v == NULL || coach_fm_node_type(v) ==
			    COACH_FM_NULL)
				ERR(c, line, "measurement %zu has no '%s': "
				    "each measurement needs a date and a "
				    "value", i + 1, fs[k]->key);
			else
				check_value(c, what, v, node_line(c, v,
				    "measurements"), fs[k]);
		}
	}
}

static void
check_goal(struct rc *c)
{
	static const struct field f[] = {
		{ "id", F_ID, 1, NULL, 'g' },
		{ "title", F_TEXT, 1, NULL, 0 },
		{ "status", F_ENUM, 1, coach_goal_statuses, 0 },
		{ "opened", F_DATE, 1, NULL, 0 },
		{ "due", F_DATE, 0, NULL, 0 },
		{ "closed", F_DATE, 0, NULL, 0 },
		{ "priority", F_HANDLE, 0, NULL, 0 },
		{ "strategies", F_LIST, 0, NULL, 0 },
		{ "measure", F_MAP, 0, NULL, 0 },
		{ "measurements", F_ANY, 0, NULL, 0 },
	};
	check_fields(c, f, NFIELDS(f));
	check_id_matches(c, 'g');
	check_order(c, "opened", "closed");

	const char *prio = valid_str(c, "priority", F_HANDLE, 0);
	if (prio && !exists(c, coach_path_priority(prio)))
		ERR(c, key_line(c, "priority"), "priority '%s' does not "
		    "exist (no priorities/%s.md): add it with 'coach "
		    "priority add %s TITLE' or correct the id", prio, prio,
		    prio);

	const struct coach_fm_node *st = coach_fm_get(c->fm, "strategies");
	if (st && coach_fm_node_type(st) == COACH_FM_SEQ) {
		for (size_t i = 0; i < coach_fm_node_len(st); i++) {
			const struct coach_fm_node *it =
			    coach_fm_node_item(st, i);
			const char *s = coach_fm_node_str(it);
			int line = node_line(c, it, "strategies");
			if (s == NULL || *s == '\0')
				continue;
			struct coach_error *e = coach_handle_check(
			    "strategy", s);
			if (e) {
				char b[SHOWN_MAX + 4];
				ERR(c, line, "strategy '%s' is not a "
				    "framework id: use the id of a file in "
				    "framework/", shown(s, b));
				coach_error_free(e);
			} else if (!exists(c, coach_path_framework(s))) {
				ERR(c, line, "strategy '%s' does not exist "
				    "(no framework/%s.md): add it with 'coach "
				    "framework add %s TITLE' or correct the "
				    "id", s, s, s);
			}
		}
	}
	check_measure(c);
	check_measurements(c);
}

static void
check_cycle(struct rc *c)
{
	static const struct field f[] = {
		{ "id", F_ID, 1, NULL, 'c' },
		{ "goal", F_ID, 1, NULL, 'g' },
		{ "step", F_TEXT, 1, NULL, 0 },
		{ "phase", F_TEXT, 1, NULL, 0 },
		{ "started", F_DATE, 1, NULL, 0 },
		{ "review", F_DATE, 0, NULL, 0 },
		{ "closed", F_DATE, 0, NULL, 0 },
		{ "outcome", F_ENUM, 0, coach_cycle_outcomes, 0 },
	};
	check_fields(c, f, NFIELDS(f));
	check_id_matches(c, 'c');
	check_order(c, "started", "closed");

	const char *phase = valid_str(c, "phase", F_TEXT, 0);
	const struct coach_strlist *phases = c->r ? coach_repo_phases(c->r) :
	    NULL;
	if (phase && *phase && phases && phases->n > 0 &&
	    !coach_strlist_has(phases, phase)) {
		struct coach_buf b = COACH_BUF_INIT;
		char sb[SHOWN_MAX + 4];
		for (size_t i = 0; i < phases->n; i++)
			coach_buf_printf(&b, "%s%s", i ? ", " : "",
			    phases->v[i]);
		ERR(c, key_line(c, "phase"), "phase '%s' is not a phase of "
		    "the school's cycle: use one of %s (coach.yml's "
		    "cycle_phases)", shown(phase, sb), coach_buf_str(&b));
		coach_buf_free(&b);
	}

	const char *goal = valid_str(c, "goal", F_ID, 'g');
	if (goal && c->where.coachee &&
	    !exists(c, coach_path_goal(c->where.coachee, goal)))
		ERR(c, key_line(c, "goal"), "goal '%s' does not exist (no "
		    "coaching/%s/goals/%s.md): a cycle works on a goal of "
		    "the same coachee; correct the id", goal,
		    c->where.coachee, goal);

	if (valid_str(c, "closed", F_DATE, 0) &&
	    coach_fm_get(c->fm, "outcome") == NULL)
		ERR(c, key_line(c, "closed"), "the cycle is closed but has "
		    "no 'outcome': add 'outcome: met', 'partly' or "
		    "'not-yet'");
}

/* An evidence reference: a URL (not checked) or a path inside the
 * repository that must exist. */
static void
check_evidence_ref(struct rc *c, const char *ref, int line)
{
	char b[SHOWN_MAX + 4];
	if (coach_schema_is_url(ref))
		return;
	int escapes = ref[0] == '/' || strcmp(ref, "..") == 0 ||
	    strncmp(ref, "../", 3) == 0 || strstr(ref, "/../") ||
	    ends_with(ref, "/..");
	if (escapes) {
		ERR(c, line, "evidence '%s' is outside the repository: link "
		    "a URL or copy the file in with 'coach log --evidence "
		    "FILE'", shown(ref, b));
		return;
	}
	if (!exists(c, coach_xstrdup(ref)))
		ERR(c, line, "evidence '%s' does not exist in the "
		    "repository: paths are relative to the repository's "
		    "root; add the file or correct the path", shown(ref, b));
}

static void
check_entry(struct rc *c)
{
	static const struct field f[] = {
		{ "id", F_ID, 1, NULL, 'e' },
		{ "date", F_DATE, 1, NULL, 0 },
		{ "kind", F_ENUM, 1, coach_entry_kinds, 0 },
		{ "author", F_HANDLE, 0, NULL, 0 },
		{ "goal", F_ID, 0, NULL, 'g' },
		{ "cycle", F_ID, 0, NULL, 'c' },
		{ "evidence", F_LIST, 0, NULL, 0 },
		{ "hours", F_NUMBER, 0, NULL, 0 },
		{ "private", F_BOOL, 0, NULL, 0 },
		{ COACH_READERS_KEY, F_LIST, 0, NULL, 0 },
	};
	check_fields(c, f, NFIELDS(f));
	check_id_matches(c, 'e');
	const struct coach_fm_node *rd = coach_fm_get(c->fm,
	    COACH_READERS_KEY);
	for (size_t i = 0; rd && i < coach_fm_node_len(rd); i++) {
		const char *h = coach_fm_node_str(coach_fm_node_item(rd, i));
		if (h && *h)
			check_staff_ref(c, COACH_READERS_KEY, h, node_line(c,
			    coach_fm_node_item(rd, i), COACH_READERS_KEY));
	}

	const char *date = valid_str(c, "date", F_DATE, 0);
	if (date && c->where.date && strcmp(date, c->where.date) != 0)
		ERR(c, key_line(c, "date"), "date %s does not match the file "
		    "name, which starts with %s: set 'date: %s' or rename "
		    "the file", date, c->where.date, c->where.date);

	const char *author = valid_str(c, "author", F_HANDLE, 0);
	if (author)
		check_staff_ref(c, "author", author, key_line(c, "author"));

	const char *coachee = c->where.coachee;
	const char *goal = valid_str(c, "goal", F_ID, 'g');
	if (goal && coachee && !exists(c, coach_path_goal(coachee, goal)))
		ERR(c, key_line(c, "goal"), "goal '%s' does not exist (no "
		    "coaching/%s/goals/%s.md): an entry refers to a goal of "
		    "its own coachee; correct the id", goal, coachee, goal);
	const char *cycle = valid_str(c, "cycle", F_ID, 'c');
	if (cycle && coachee && !exists(c, coach_path_cycle(coachee, cycle)))
		ERR(c, key_line(c, "cycle"), "cycle '%s' does not exist (no "
		    "coaching/%s/cycles/%s.md): an entry refers to a cycle "
		    "of its own coachee; correct the id", cycle, coachee,
		    cycle);

	const struct coach_fm_node *ev = coach_fm_get(c->fm, "evidence");
	if (ev && coach_fm_node_type(ev) == COACH_FM_SEQ) {
		for (size_t i = 0; i < coach_fm_node_len(ev); i++) {
			const struct coach_fm_node *it =
			    coach_fm_node_item(ev, i);
			const char *s = coach_fm_node_str(it);
			if (s && *s)
				check_evidence_ref(c, s,
				    node_line(c, it, "evidence"));
		}
	}

	const struct coach_fm_node *h = coach_fm_get(c->fm, "hours");
	double hours;
	const char *why = NULL;
	if (h && coach_fm_node_number(h, &hours) == 0)
		why = coach_schema_hours_problem(hours);
	if (why)
		ERR(c, key_line(c, "hours"), "'hours' is %g: %s", hours, why);
}

/* ------------------------------------------------------------------ */
/* File names, conflicts, grading language                              */

/* Reports file names that the layout cannot use; 0 when they are bad. */
static int
check_names(struct rc *c)
{
	const struct where *w = &c->where;
	char b[SHOWN_MAX + 4];
	switch (w->kind) {
	case COACH_KIND_STAFF:
	case COACH_KIND_PRIORITY:
	case COACH_KIND_FRAMEWORK:
		if (handle_ok(w->stem))
			return 1;
		ERR(c, 0, "file name '%s.md' does not give a valid %s: use "
		    HANDLE_RULE ", then .md; rename the file",
		    shown(w->stem, b), w->kind == COACH_KIND_STAFF ? "handle" :
		    w->kind == COACH_KIND_PRIORITY ? "priority id" :
		    "framework id");
		return 0;
	case COACH_KIND_GOAL:
	case COACH_KIND_CYCLE:
		if (coach_id_valid(w->stem, w->kind == COACH_KIND_GOAL ?
		    'g' : 'c'))
			return 1;
		ERR(c, 0, "file name '%s.md' is not a %s id: %s files are "
		    "named ID.md (e.g. %s.md); rename it", shown(w->stem, b),
		    coach_kind_name(w->kind), coach_kind_name(w->kind),
		    w->kind == COACH_KIND_GOAL ? "g3f9a1c" : "c81b0e2");
		return 0;
	case COACH_KIND_ENTRY:
		if (w->date && coach_id_valid(w->stem, 'e'))
			return 1;
		ERR(c, 0, "file name is not DATE-ID.md: entries are named "
		    "by their date and id (e.g. 2026-11-20-e5d2c77.md); "
		    "rename it");
		return 0;
	default:
		return 1;
	}
}

static void
conflict_names(struct coach_buf *b, const struct coach_fm_node *n)
{
	size_t len = coach_fm_node_len(n);
	for (size_t i = 0; i < len && i < 8; i++) {
		const char *name = NULL;
		if (coach_fm_node_type(n) == COACH_FM_MAP) {
			name = coach_fm_node_key(n, i);
		} else {
			const struct coach_fm_node *it =
			    coach_fm_node_item(n, i);
			name = coach_fm_node_str(it);
			if (name == NULL && coach_fm_node_type(it) ==
			    COACH_FM_MAP) {
				const struct coach_fm_node *k =
				    coach_fm_node_lookup(it, "key");
				name = k ? coach_fm_node_str(k) : NULL;
				if (name == NULL)
					name = coach_fm_node_key(it, 0);
			}
		}
		char s[SHOWN_MAX + 4];
		coach_buf_printf(b, "%s%s", b->len ? ", " : "",
		    name ? shown(name, s) : "?");
	}
	if (len > 8)
		coach_buf_puts(b, ", ...");
}

/* How to name the record in advice: its id, else its path. */
static const char *
resolve_name(const struct rc *c)
{
	switch (c->where.kind) {
	case COACH_KIND_GOAL:
	case COACH_KIND_CYCLE:
	case COACH_KIND_ENTRY:
	case COACH_KIND_STAFF:
	case COACH_KIND_PRIORITY:
	case COACH_KIND_FRAMEWORK:
		if (c->where.stem && *c->where.stem)
			return c->where.stem;
		break;
	default:
		break;
	}
	return c->path;
}

static const char *
item_str(const struct coach_fm_node *item, const char *key)
{
	const struct coach_fm_node *v = coach_fm_node_lookup(item, key);
	return v && coach_fm_node_type(v) == COACH_FM_SCALAR ?
	    coach_fm_node_str(v) : NULL;
}

/* One conflicts item as a merge writes it (coach(5), MERGING): what
 * happened and the command that settles it.  0 when item is not one. */
static int
conflict_item(struct rc *c, const struct coach_fm_node *item)
{
	const char *key, *from, *id = resolve_name(c);
	char k[SHOWN_MAX + 4], v[SHOWN_MAX + 4];
	if (coach_fm_node_type(item) != COACH_FM_MAP ||
	    (key = item_str(item, "key")) == NULL ||
	    (from = item_str(item, "from")) == NULL)
		return 0;
	const struct coach_fm_node *val = coach_fm_node_lookup(item, "value");
	const char *other = strcmp(from, "ours") == 0 ? "this side" :
	    "the other side";
	int line = coach_fm_node_line(item);
	const char *markers = item_str(item, "markers");
	if (strcmp(key, "record") == 0 && markers &&
	    strcmp(markers, "true") == 0 && c->body &&
	    coach_diff3_has_markers(c->body, strlen(c->body), NULL))
		ERR(c, line, "unresolved conflict: another record was created "
		    "with this id; it is in the text between <<<<<<< and "
		    ">>>>>>> lines: create it again under a new id, then take "
		    "it out with 'coach edit %s'", id);
	else if (strcmp(key, "record") == 0 && markers &&
	    strcmp(markers, "true") == 0)
		ERR(c, line, "unresolved conflict: another record was created "
		    "with this id; once it is created again under a new id, "
		    "'coach resolve %s record --keep' settles it", id);
	else if (strcmp(key, "record") == 0)
		ERR(c, line, "unresolved conflict: %s deleted this record and "
		    "it was changed here; keep it with 'coach resolve %s "
		    "record --keep', or remove it with 'coach rm %s'",
		    strcmp(from, "ours") == 0 ? "one side" : "the other side",
		    id, id);
	else if (strcmp(key, "body") == 0 && val == NULL &&
	    c->body && coach_diff3_has_markers(c->body, strlen(c->body), NULL))
		; /* check_markers() reports it at the markers */
	else if (strcmp(key, "body") == 0 && val == NULL)
		ERR(c, line, "unresolved conflict in the text, though no "
		    "<<<<<<< and >>>>>>> lines are left: 'coach resolve %s "
		    "body --keep' settles it", id);
	else if (strcmp(key, "body") == 0)
		ERR(c, line, "unresolved conflict in the text: %s's version is "
		    "kept under conflicts:; 'coach resolve %s body --keep' "
		    "keeps this one, or 'coach edit %s'", other, id, id);
	else if (val == NULL)
		ERR(c, line, "unresolved conflict: %s removed %s and the other "
		    "changed it; 'coach resolve %s %s --keep' keeps the value "
		    "it has, 'coach resolve %s %s VALUE' sets one", other,
		    shown(key, k), id, k, id, k);
	else
		ERR(c, line, "unresolved conflict: both sides changed %s; "
		    "%s's value%s%s is kept under conflicts:; 'coach resolve "
		    "%s %s VALUE' sets the one to keep (--keep keeps the "
		    "record's, --other takes this one)", shown(key, k), other,
		    coach_fm_node_type(val) == COACH_FM_SCALAR ? " " : "",
		    coach_fm_node_type(val) == COACH_FM_SCALAR ?
		    shown(coach_fm_node_str(val), v) : "", id, k);
	return 1;
}

static void
check_conflicts(struct rc *c)
{
	const struct coach_fm_node *n = coach_fm_get(c->fm, "conflicts");
	size_t known = 0;
	if (n == NULL)
		return;
	for (size_t i = 0; coach_fm_node_type(n) == COACH_FM_SEQ &&
	    i < coach_fm_node_len(n); i++)
		known += (size_t)conflict_item(c, coach_fm_node_item(n, i));
	if (known > 0 && known == coach_fm_node_len(n))
		return;
	/* Written by hand or by another tool: say what to do in general. */
	struct coach_buf b = COACH_BUF_INIT;
	conflict_names(&b, n);
	ERR(c, key_line(c, "conflicts"), "unresolved conflict: two edits "
	    "set different values%s%s; keep the value you want in each key "
	    "and delete the 'conflicts:' key", b.len ? " of " : "",
	    coach_buf_str(&b));
	coach_buf_free(&b);
}

/* Conflict markers left in the text, by a merge or by hand. */
static void
check_markers(struct rc *c, const char *body, int body_line)
{
	int line = 0;
	if (!coach_diff3_has_markers(body, strlen(body), &line))
		return;
	ERR(c, body_line + line - 1, "conflict markers in the text: two "
	    "versions are kept between <<<<<<< and >>>>>>> lines; edit them "
	    "into one with 'coach edit %s'", resolve_name(c));
}

static char
lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/*
 * Grading language.  The words are found together in one pass over the
 * folded text (lib/phrase.h), so that a text costs its length once,
 * whatever the number of words or their length.
 */
struct grading {
	struct rc *c;
	const struct coach_strlist *words;
	const struct coach_phrases *set;
	/* The front-matter as rendered, folded, and where its lines start,
	 * to find the line of a word in a value; made when a value first
	 * holds a word. */
	int rendered;
	struct coach_buf fm;
	size_t *start;
	size_t nlines;
	int first; /* the line number of the rendered text's first line */
	struct coach_buf fold; /* scratch */
};

static void
grading_warn(struct rc *c, int line, const char *word)
{
	char b[SHOWN_MAX + 4];
	WARN(c, line, "grading language '%s': coaching records describe "
	    "what was seen and what to try next, not a judgement; reword it",
	    shown(word, b));
}

/* Folds text into b and lists where its lines start. */
static void
fold_lines(const char *text, size_t len, struct coach_buf *b,
    size_t **start, size_t *n)
{
	coach_phrase_fold(text, len, b);
	size_t cap = 16;
	*n = 0;
	*start = coach_xmalloc(cap * sizeof(**start));
	(*start)[(*n)++] = 0;
	for (size_t i = 0; i + 1 < b->len; i++) {
		if (b->ptr[i] != '\n')
			continue;
		if (*n == cap) {
			cap *= 2;
			*start = coach_xrealloc(*start, cap * sizeof(**start));
		}
		(*start)[(*n)++] = i + 1;
	}
}

static void
render_fm(struct grading *g)
{
	if (g->rendered)
		return;
	struct coach_buf text = COACH_BUF_INIT;
	coach_fm_render(g->c->fm, &text);
	fold_lines(coach_buf_str(&text), text.len, &g->fm, &g->start,
	    &g->nlines);
	coach_buf_free(&text);
	g->rendered = 1;
}

/* The line of the rendered front-matter where phrase w appears, among
 * the span lines from line from on; from when it is not there. */
static int
locate(struct grading *g, int from, size_t span, size_t w)
{
	render_fm(g);
	long a = (long)from - g->first;
	if (a < 0 || (size_t)a >= g->nlines)
		return from;
	size_t b = (size_t)a + span + 1;
	size_t lo = g->start[a], hi = b < g->nlines ? g->start[b] : g->fm.len;
	struct coach_phrase *p = coach_phrase_new(g->words->v[w]);
	struct coach_phrase_scan scan = COACH_PHRASE_SCAN_INIT;
	long at = p ? coach_phrase_next(p, g->fm.ptr + lo, hi - lo, &scan) :
	    -1;
	coach_phrase_free(p);
	if (at < 0)
		return from;
	int line = from;
	for (size_t i = lo; i < lo + (size_t)at; i++)
		line += g->fm.ptr[i] == '\n';
	return line;
}

static void
grade_node(struct grading *g, const struct coach_fm_node *n, int depth,
    const char *key)
{
	enum coach_fm_type t = coach_fm_node_type(n);
	if (t == COACH_FM_SCALAR) {
		const char *s = coach_fm_node_str(n);
		size_t len = strlen(s), span = 1;
		struct coach_phrase_hit *hits = NULL;
		if (!coach_phrases_may_hold(g->set, s, len))
			return;
		coach_buf_clear(&g->fold);
		coach_phrase_fold(s, len, &g->fold);
		size_t nhits = coach_phrases_find(g->set, g->fold.ptr,
		    g->fold.len, &hits);
		for (size_t i = 0; nhits && i < len; i++)
			span += s[i] == '\n';
		/* Once per word, in the list's order. */
		for (size_t i = 0; i < nhits; i++) {
			size_t w = hits[i].phrase;
			if (i > 0 && hits[i - 1].phrase == w)
				continue;
			grading_warn(g->c, locate(g, node_line(g->c, n, key),
			    span, w), g->words->v[w]);
		}
		free(hits);
		return;
	}
	if (depth > COACH_FM_MAX_DEPTH + 1)
		return;
	for (size_t i = 0; i < coach_fm_node_len(n); i++)
		grade_node(g, coach_fm_node_item(n, i), depth + 1, key);
}

/* Warns once for each line of the body where a phrase appears. */
static void
grade_body(struct grading *g, const char *body, int body_line)
{
	struct coach_phrase_hit *hits = NULL;
	size_t len = strlen(body);
	if (!coach_phrases_may_hold(g->set, body, len))
		return;
	coach_buf_clear(&g->fold);
	coach_phrase_fold(body, len, &g->fold);
	const char *f = g->fold.ptr;
	size_t nhits = coach_phrases_find(g->set, f, g->fold.len, &hits);
	for (size_t i = 0, counted = 0; i < nhits; i++) {
		size_t w = hits[i].phrase;
		int last = 0, line = body_line;
		if (i > 0 && hits[i - 1].phrase == w)
			continue;
		counted = 0;
		for (size_t k = i; k < nhits && hits[k].phrase == w; k++) {
			for (; counted < hits[k].start; counted++)
				line += f[counted] == '\n';
			if (line != last)
				grading_warn(g->c, line, g->words->v[w]);
			last = line;
		}
	}
	free(hits);
}

/* The phrases of the repository's words, made once per walk. */
static const struct coach_phrases *walk_phrases(struct walk *w,
	const struct coach_strlist *words);

/* Warns about grading language in front-matter values and the body. */
static void
check_grading(struct rc *c, const char *body, int body_line)
{
	const struct coach_strlist *words = c->r ?
	    coach_repo_judgement_words(c->r) : NULL;
	if (words == NULL || words->n == 0)
		return;
	struct coach_phrases *own = NULL;
	struct grading g = { c, words, NULL, 0, COACH_BUF_INIT, NULL, 0,
		c->where.kind == COACH_KIND_CONFIG ? 1 : 2, COACH_BUF_INIT };
	g.set = c->w ? walk_phrases(c->w, words) : NULL;
	if (g.set == NULL)
		g.set = own = coach_phrases_new((const char *const *)words->v,
		    words->n);
	for (size_t i = 0; i < coach_fm_count(c->fm); i++) {
		const char *key = coach_fm_key_at(c->fm, i);
		/* coach.yml lists the words themselves. */
		if (c->where.kind == COACH_KIND_CONFIG &&
		    strcmp(key, "judgement_words") == 0)
			continue;
		const struct coach_fm_node *n = coach_fm_get(c->fm, key);
		if (n)
			grade_node(&g, n, 0, key);
	}
	if (body && *body)
		grade_body(&g, body, body_line);
	coach_phrases_free(own);
	free(g.start);
	coach_buf_free(&g.fm);
	coach_buf_free(&g.fold);
}

/* ------------------------------------------------------------------ */
/* Entry points for one record or file                                  */

static void
check_schema(struct rc *c)
{
	switch (c->where.kind) {
	case COACH_KIND_CONFIG:
		check_config(c);
		break;
	case COACH_KIND_STAFF:
		check_staff(c);
		break;
	case COACH_KIND_PRIORITY:
		check_priority(c);
		break;
	case COACH_KIND_FRAMEWORK:
		check_framework(c);
		break;
	case COACH_KIND_AGREEMENT:
		check_agreement(c);
		break;
	case COACH_KIND_GOAL:
		check_goal(c);
		break;
	case COACH_KIND_CYCLE:
		check_cycle(c);
		break;
	case COACH_KIND_ENTRY:
		check_entry(c);
		break;
	default:
		break;
	}
	check_conflicts(c);
}

/* The readers, one line: "ada, bob". */
static char *
names_of(const struct coach_strlist *l)
{
	struct coach_buf b = COACH_BUF_INIT;
	coach_buf_puts(&b, "");
	for (size_t i = 0; i < l->n; i++)
		coach_buf_printf(&b, "%s%s", i ? ", " : "", l->v[i]);
	return coach_buf_detach(&b);
}

/*
 * A sealed body: well-formed armour, sealed for this entry and to the
 * readers its front-matter names.  Whether it opens only a reader's key
 * can tell, so that is not check's to say.
 */
static void
check_sealed(struct rc *c, const struct coach_record *rec)
{
	const char *body = coach_record_body(rec);
	int line = coach_record_body_line(rec);
	struct coach_sealed *s = NULL;
	struct coach_strlist want = COACH_STRLIST_INIT, have = COACH_STRLIST_INIT;
	if (!coach_seal_is_armour(body))
		return;
	struct coach_error *err = coach_sealed_parse(&s, body, strlen(body));
	if (err) {
		ERR(c, line, "%s; put back the text as it was sealed (git log "
		    "-p shows it)", coach_error_msg(err));
		coach_error_free(err);
		return;
	}
	const char *id = coach_fm_str(c->fm, "id");
	if (id && strcmp(id, coach_sealed_entry(s)) != 0)
		ERR(c, line, "the sealed body belongs to entry %s, not to %s: "
		    "it was copied or moved by hand, and will not open here; "
		    "put back this entry's own text", coach_sealed_entry(s), id);
	coach_entry_readers(rec, c->where.coachee, &want);
	for (size_t i = 0; i < coach_sealed_nreaders(s); i++)
		coach_strlist_add(&have, coach_sealed_reader(s, i));
	coach_strlist_sort(&want);
	coach_strlist_sort(&have);
	char *w = names_of(&want), *h = names_of(&have);
	if (strcmp(w, h) != 0)
		ERR(c, key_line(c, COACH_READERS_KEY) ? key_line(c,
		    COACH_READERS_KEY) : line, "the body is sealed to %s, but "
		    "the entry's readers are %s: a reader named in %s is "
		    "changed only by sealing it again, with 'coach edit %s' "
		    "(by a reader)", h, w, COACH_READERS_KEY, id ? id : c->path);
	if (!coach_entry_private(rec))
		WARN(c, key_line(c, "private"), "the body is sealed but the "
		    "entry is not marked 'private: true'; coach treats it as "
		    "private: add the key");
	free(w);
	free(h);
	coach_strlist_free(&want);
	coach_strlist_free(&have);
	coach_sealed_free(s);
}

static void
check_record(struct coach_repo *r, const char *relpath,
    const struct coach_record *rec, struct coach_diags *out, struct walk *w)
{
	struct rc c = { r, relpath, coach_record_fm_const(rec), out,
		{ 0 }, coach_record_path(rec) ? 1 : 0, w };
	c.body = coach_record_body(rec);
	classify(relpath, &c.where);
	if (c.where.kind == COACH_KIND_NONE ||
	    c.where.kind == COACH_KIND_EVIDENCE) {
		WARN(&c, 0, "not a record of coach(5): records are staff/, "
		    "priorities/, framework/ and coaching/COACHEE/ files "
		    "ending in .md");
	} else {
		check_names(&c);
		check_schema(&c);
	}
	check_markers(&c, coach_record_body(rec),
	    coach_record_body_line(rec));
	if (c.where.kind == COACH_KIND_ENTRY)
		check_sealed(&c, rec);
	check_grading(&c, coach_record_body(rec),
	    coach_record_body_line(rec));
	where_free(&c.where);
}

void
coach_check_record(struct coach_repo *r, const char *relpath,
    const struct coach_record *rec, struct coach_diags *out)
{
	check_record(r, relpath, rec, out, NULL);
}

/* Turns a parse error into a diagnostic, taking the line from the message
 * ("PATH:LINE: ..." or "... line N ..."). */
static void
parse_diag(struct coach_diags *out, const char *relpath, const char *msg)
{
	int line = 0;
	const char *m = msg;
	size_t pl = strlen(relpath);
	if (strncmp(m, relpath, pl) == 0 && m[pl] == ':') {
		m += pl + 1;
		if (*m >= '0' && *m <= '9') {
			line = (int)strtol(m, (char **)&m, 10);
			if (*m == ':') {
				m++;
				/* a column after the line */
				const char *q = m;
				while (*q >= '0' && *q <= '9')
					q++;
				if (q > m && *q == ':')
					m = q + 1;
			}
		}
		while (*m == ' ')
			m++;
	}
	if (line == 0) {
		const char *l = strstr(msg, "line ");
		if (l && l[5] >= '0' && l[5] <= '9')
			line = (int)strtol(l + 5, NULL, 10);
	}
	coach_diags_add(out, relpath, line, COACH_SEV_ERROR, "%s", m);
}

/* Reads the regular file open on fd, of size bytes by its stat data st,
 * into buf: 1 when it read size bytes and st still holds (the end of
 * the file, found with no read of it), 0 when it read to the end; -1
 * when it grew past max, -2 on a read error. */
static int
read_fd(int fd, const struct stat *st, size_t max, struct coach_buf *buf)
{
	size_t size = (size_t)st->st_size;
	coach_buf_clear(buf);
	coach_buf_add(buf, "", 0);
	for (;;) {
		/* Room for the whole file at once, and one byte more to see
		 * its end. */
		size_t want = size + 1 > buf->len ? size + 1 - buf->len : 65536;
		if (buf->cap - buf->len < want + 1) {
			size_t len = buf->len;
			coach_buf_add(buf, NULL, 0);
			buf->ptr = coach_xrealloc(buf->ptr, len + want + 1);
			buf->cap = len + want + 1;
		}
		ssize_t n = read(fd, buf->ptr + buf->len, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -2;
		if (n == 0)
			return 0;
		buf->len += (size_t)n;
		buf->ptr[buf->len] = '\0';
		if (buf->len > max)
			return -1;
		if (buf->len == size && coach_fd_unchanged(fd, st))
			return 1;
	}
}

/*
 * The quick way to read a file the walk listed as a regular file: open
 * it (never through a link) and look at what was opened.  -1 when it is
 * anything but a readable regular file within max, for read_safely() to
 * say why.  *st is the file's stat data when it did not change while it
 * was read, else st->st_mode is 0.
 */
static int
read_listed(struct coach_repo *r, const char *relpath,
    struct coach_folder *folder, size_t max, struct coach_buf *buf,
    struct stat *st)
{
	char *abs = coach_repo_abspath(r, relpath);
	const char *name = abs;
	int dirfd = folder ? coach_folder_of(folder, abs, &name) : AT_FDCWD;
	int fd = coach_open_noatime(dirfd, name, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	int ret = -1;
	free(abs);
	if (fd == -1)
		return -1;
	int rc = -1;
	if (fstat(fd, st) == 0 && S_ISREG(st->st_mode) &&
	    (unsigned long long)st->st_size <= max &&
	    (rc = read_fd(fd, st, max, buf)) >= 0) {
		ret = 0;
		if (rc == 0 && !coach_fd_unchanged(fd, st))
			st->st_mode = 0;
	}
	close(fd);
	return ret;
}

/*
 * Reads relpath from the work tree without following links or opening
 * anything but a regular file of at most max bytes.  Reports why not and
 * returns -1 when it cannot.
 */
static int
read_safely(struct coach_repo *r, const char *relpath, size_t max,
    struct coach_buf *buf, struct coach_diags *out, struct stat *read_st)
{
	char *abs = coach_repo_abspath(r, relpath);
	struct stat st;
	int fd = -1, ret = -1;
	if (lstat(abs, &st) == -1) {
		coach_diags_add(out, relpath, 0, COACH_SEV_ERROR,
		    "cannot read: %s", strerror(errno));
		goto done;
	}
	if (S_ISLNK(st.st_mode)) {
		coach_diags_add(out, relpath, 0, COACH_SEV_ERROR, "is a "
		    "symbolic link: coach does not follow links (they can "
		    "point outside the repository); replace it with the file "
		    "itself");
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		coach_diags_add(out, relpath, 0, COACH_SEV_ERROR, "is a "
		    "folder where a record file is expected: move it away "
		    "or replace it with the record");
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		coach_diags_add(out, relpath, 0, COACH_SEV_ERROR, "is not a "
		    "regular file: remove it");
		goto done;
	}
	if ((unsigned long long)st.st_size > max) {
		coach_diags_add(out, relpath, 0, COACH_SEV_ERROR, "file is "
		    "%lld bytes, more than the %zu a record may have: move "
		    "long material into evidence/ or link it",
		    (long long)st.st_size, max);
		goto done;
	}
	fd = coach_open_noatime(AT_FDCWD, abs, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		coach_diags_add(out, relpath, 0, COACH_SEV_ERROR,
		    "cannot read: %s", fd == -1 ? strerror(errno) :
		    "it changed while being checked");
		goto done;
	}
	int rc = read_fd(fd, &st, max, buf);
	if (rc == -2) {
		coach_diags_add(out, relpath, 0, COACH_SEV_ERROR,
		    "cannot read: %s", strerror(errno));
		goto done;
	}
	if (rc == -1) {
		coach_diags_add(out, relpath, 0, COACH_SEV_ERROR,
		    "file is more than the %zu bytes a record may "
		    "have: move long material into evidence/", max);
		goto done;
	}
	ret = 0;
	if (read_st && (rc == 1 || coach_fd_unchanged(fd, &st)))
		*read_st = st;
done:
	if (fd != -1)
		close(fd);
	free(abs);
	return ret;
}

static void
check_config_text(struct coach_repo *r, const char *relpath,
    const char *text, size_t len, struct coach_diags *out)
{
	size_t bad = coach_utf8_check(text, len);
	if (bad < len) {
		coach_diags_add(out, relpath, coach_line_of(text, bad),
		    COACH_SEV_ERROR, "invalid UTF-8 or a NUL byte: save the "
		    "file as UTF-8 text");
		return;
	}
	struct coach_fm *fm = NULL;
	struct coach_error *e = coach_fm_parse(&fm, relpath, text, len, 1);
	if (e) {
		parse_diag(out, relpath, coach_error_msg(e));
		coach_error_free(e);
		return;
	}
	struct rc c = { r, relpath, fm, out, { 0 }, 1, NULL };
	classify(relpath, &c.where);
	check_schema(&c);
	check_grading(&c, NULL, 0);
	where_free(&c.where);
	coach_fm_free(fm);
}

/* What the walk remembers across files: ids and emails, for duplicates. */
struct seen {
	char *key;
	char *path;
	int line;
};

struct seenlist {
	struct seen *v;
	size_t n, cap;
};

/*
 * What a thread checking files found of the paths they refer to, so that
 * it asks the cache (under the walk's lock) once per path: the cache
 * lists a folder once per run, so its answer for a path never changes.
 */
struct memo_slot {
	uint64_t h; /* 0: empty */
	char *path;
	int ok;
};

struct memo {
	struct memo_slot *v;
	size_t n, cap;
};

struct walk {
	struct coach_repo *r;
	struct coach_diags *out;
	size_t files;
	struct seenlist ids;
	struct seenlist emails;
	struct coach_fmcache *cache; /* NULL: every file is read */
	struct coach_buf deps;       /* the file's references, as found */
	struct coach_phrases *phrases; /* of judgement_words, made once */
	/* Files to check apart from the walk, in threads (see run_jobs). */
	struct job *jobs;
	size_t njobs;
	int threads;
	pthread_mutex_t *lock; /* while threads run */
	struct memo *memos; /* the walk's: one per thread of the pool */
	struct memo *memo;  /* a job's: its thread's; else NULL */
	struct coach_folder *folder; /* a job's: where its run opens files */
	int listed;            /* the file is one the walk listed as a file */
	struct stat read_st;   /* of the file as read; st_mode 0: unknown */
};

static pthread_mutex_t *
walk_lock(struct walk *w)
{
	return w->lock;
}

static struct memo_slot *
memo_at(struct memo *m, uint64_t h, const char *relpath)
{
	size_t i = (size_t)h & (m->cap - 1);
	while (m->v[i].h && (m->v[i].h != h || strcmp(m->v[i].path,
	    relpath) != 0))
		i = (i + 1) & (m->cap - 1);
	return &m->v[i];
}

static uint64_t
memo_hash(const char *relpath)
{
	uint64_t h = coach_fmcache_hash(relpath, strlen(relpath), 0);
	return h ? h : 1;
}

static int
memo_get(struct walk *w, const char *relpath, int *ok)
{
	struct memo *m = w ? w->memo : NULL;
	if (m == NULL || m->n == 0)
		return 0;
	const struct memo_slot *s = memo_at(m, memo_hash(relpath), relpath);
	if (s->h == 0)
		return 0;
	*ok = s->ok;
	return 1;
}

static void
memo_put(struct walk *w, const char *relpath, int ok)
{
	struct memo *m = w ? w->memo : NULL;
	if (m == NULL)
		return;
	if (2 * (m->n + 1) > m->cap) {
		struct memo old = *m;
		m->cap = old.cap ? 2 * old.cap : 256;
		m->v = coach_xcalloc(m->cap, sizeof(*m->v));
		for (size_t i = 0; i < old.cap; i++)
			if (old.v[i].h)
				*memo_at(m, old.v[i].h, old.v[i].path) =
				    old.v[i];
		free(old.v);
	}
	uint64_t h = memo_hash(relpath);
	struct memo_slot *s = memo_at(m, h, relpath);
	if (s->h)
		return;
	s->h = h;
	s->path = coach_xstrdup(relpath);
	s->ok = ok;
	m->n++;
}

static void
memo_free(struct memo *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->v[i].path);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static const struct coach_phrases *
walk_phrases(struct walk *w, const struct coach_strlist *words)
{
	if (w->phrases == NULL)
		w->phrases = coach_phrases_new((const char *const *)words->v,
		    words->n);
	return w->phrases;
}

/* Keeps what a reference of the file being checked was found to be: its
 * findings hold only while every reference still is. */
static void
dep_note(struct walk *w, const char *relpath, int exists)
{
	if (w->cache == NULL)
		return;
	coach_buf_putc(&w->deps, exists ? 'Y' : 'N');
	coach_buf_add(&w->deps, relpath, strlen(relpath) + 1);
}

static void
seen_add(struct seenlist *l, const char *key, const char *path, int line)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = coach_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].key = coach_xstrdup(key);
	l->v[l->n].path = coach_xstrdup(path);
	l->v[l->n].line = line;
	l->n++;
}

static void
seen_free(struct seenlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].path);
	}
	free(l->v);
}

/* Remembers what check_all compares across files. */
static void
remember(struct walk *w, const char *relpath, const struct coach_record *rec)
{
	struct where wh;
	classify(relpath, &wh);
	char kind = wh.kind == COACH_KIND_GOAL ? 'g' :
	    wh.kind == COACH_KIND_CYCLE ? 'c' :
	    wh.kind == COACH_KIND_ENTRY ? 'e' : 0;
	if (kind && coach_id_valid(wh.stem, kind))
		seen_add(&w->ids, wh.stem, relpath, 0);
	if (wh.kind == COACH_KIND_STAFF && rec) {
		const struct coach_fm *fm = coach_record_fm_const(rec);
		const char *email = coach_fm_str(fm, "email");
		if (email && *email) {
			char *low = coach_xstrdup(email);
			for (char *p = low; *p; p++)
				*p = lower(*p);
			seen_add(&w->emails, low, relpath,
			    coach_fm_key_line(fm, "email"));
			free(low);
		}
	}
	where_free(&wh);
}

static void
check_text(struct coach_repo *r, const char *relpath, const char *text,
    size_t len, struct coach_diags *out, struct walk *w)
{
	if (strcmp(relpath, COACH_CONFIG_FILE) == 0) {
		check_config_text(r, relpath, text, len, out);
		return;
	}
	struct coach_record *rec = NULL;
	struct coach_error *e = coach_record_parse(&rec, relpath, text, len);
	if (e) {
		parse_diag(out, relpath, coach_error_msg(e));
		coach_error_free(e);
		/* A bad file name is worth knowing even when the content
		 * cannot be read. */
		struct rc c = { r, relpath, NULL, out, { 0 }, 1, w };
		classify(relpath, &c.where);
		check_names(&c);
		where_free(&c.where);
		if (w)
			remember(w, relpath, NULL);
		return;
	}
	check_record(r, relpath, rec, out, w);
	if (w)
		remember(w, relpath, rec);
	coach_record_free(rec);
}

static void
check_path(struct coach_repo *r, const char *relpath, const char *text,
    size_t len, struct coach_diags *out, struct walk *w)
{
	if (text) {
		check_text(r, relpath, text, len, out, w);
		return;
	}
	struct coach_buf buf = COACH_BUF_INIT;
	struct stat st;
	if (w)
		w->read_st.st_mode = 0;
	if (w && w->listed && read_listed(r, relpath, w->folder,
	    COACH_RECORD_MAX_BYTES, &buf, &st) == 0) {
		w->read_st = st;
		check_text(r, relpath, coach_buf_str(&buf), buf.len, out, w);
	} else if (read_safely(r, relpath, COACH_RECORD_MAX_BYTES, &buf,
	    out, w ? &w->read_st : NULL) == 0)
		check_text(r, relpath, coach_buf_str(&buf), buf.len, out, w);
	else if (w)
		remember(w, relpath, NULL);
	coach_buf_free(&buf);
}

void
coach_check_file(struct coach_repo *r, const char *relpath,
    const char *text, size_t len, struct coach_diags *out)
{
	check_path(r, relpath, text, len, out, NULL);
}

/* ------------------------------------------------------------------ */
/* The walk over the work tree                                          */

enum etype { E_NONE, E_FILE, E_DIR, E_OTHER };

/* What relpath is, without following links; links and special files
 * are reported here. */
/* entry_type() from the cache's listings; -1 when they cannot say. */
static int
entry_type_cached(struct walk *w, const char *relpath, off_t *size,
    enum etype *t)
{
	struct stat st;
	switch (coach_fmcache_type(w->cache, relpath)) {
	case COACH_FMT_NONE:
		*t = E_NONE;
		return 0;
	case COACH_FMT_FILE:
		if (size && coach_fmcache_stat(w->cache, relpath, &st) != 0)
			return -1;
		if (size)
			*size = st.st_size;
		*t = E_FILE;
		return 0;
	case COACH_FMT_DIR:
		*t = E_DIR;
		return 0;
	default:
		return -1;
	}
}

static enum etype
entry_type(struct walk *w, const char *relpath, off_t *size)
{
	enum etype cached;
	if (w->cache && entry_type_cached(w, relpath, size, &cached) == 0)
		return cached;
	char *abs = coach_repo_abspath(w->r, relpath);
	struct stat st;
	enum etype t = E_OTHER;
	if (lstat(abs, &st) == -1) {
		if (errno == ENOENT)
			t = E_NONE;
		else
			coach_diags_add(w->out, relpath, 0, COACH_SEV_ERROR,
			    "cannot read: %s", strerror(errno));
	} else if (S_ISLNK(st.st_mode)) {
		coach_diags_add(w->out, relpath, 0, COACH_SEV_ERROR, "is a "
		    "symbolic link: coach does not follow links (they can "
		    "point outside the repository); replace it with the file "
		    "itself");
	} else if (S_ISREG(st.st_mode)) {
		t = E_FILE;
		if (size)
			*size = st.st_size;
	} else if (S_ISDIR(st.st_mode)) {
		t = E_DIR;
	} else {
		coach_diags_add(w->out, relpath, 0, COACH_SEV_ERROR, "is not "
		    "a regular file or folder: remove it");
	}
	free(abs);
	return t;
}

/* The names in folder relpath (not "." and ".."), sorted; -1 when it
 * cannot be read (reported). */
static int
list_dir(struct walk *w, const char *relpath, struct coach_strlist *names)
{
	if (w->cache) {
		int e = 0;
		const struct coach_fmdir *d = coach_fmcache_dir(w->cache,
		    relpath, &e);
		if (d == NULL) {
			coach_diags_add(w->out, relpath, 0, COACH_SEV_ERROR,
			    "cannot read the folder: %s", strerror(e));
			return -1;
		}
		/* Sorted already, as coach_strlist_sort() sorts. */
		for (size_t i = 0; i < coach_fmdir_count(d); i++)
			coach_strlist_add(names, coach_fmdir_name(d, i));
		return 0;
	}
	char *abs = coach_repo_abspath(w->r, relpath);
	int fd = coach_open_noatime(AT_FDCWD, abs, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd == -1 ? NULL : fdopendir(fd);
	if (d == NULL) {
		coach_diags_add(w->out, relpath, 0, COACH_SEV_ERROR,
		    "cannot read the folder: %s", strerror(errno));
		if (fd != -1)
			close(fd);
		free(abs);
		return -1;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		coach_strlist_add(names, e->d_name);
	}
	closedir(d);
	free(abs);
	coach_strlist_sort(names);
	return 0;
}

/*
 * What check found in a file, kept in its cache and valid while
 * the file and its references are as they were: a sequence of
 * NUL-terminated items
 *     Y<path> / N<path>      a reference that exists / does not
 *     E<line> <message>      an error (W: a warning)
 *     M<line> <email>        the email of a staff record, for duplicates
 * after a first item "v1".
 */
#define CHECK_SLOT 0

static void
keep_findings(struct walk *w, const char *relpath, size_t d0, size_t e0)
{
	struct coach_buf b = COACH_BUF_INIT;
	coach_buf_add(&b, "v1", 3); /* never empty */
	coach_buf_add(&b, w->deps.ptr ? w->deps.ptr : "", w->deps.len);
	for (size_t i = d0; i < w->out->n; i++) {
		const struct coach_diag *g = &w->out->v[i];
		coach_buf_printf(&b, "%c%d %s", g->severity ==
		    COACH_SEV_ERROR ? 'E' : 'W', g->line, g->msg);
		coach_buf_add(&b, "", 1);
	}
	for (size_t i = e0; i < w->emails.n; i++) {
		coach_buf_printf(&b, "M%d %s", w->emails.v[i].line,
		    w->emails.v[i].key);
		coach_buf_add(&b, "", 1);
	}
	if (w->read_st.st_mode)
		coach_fmcache_put_stat(w->cache, relpath, CHECK_SLOT,
		    b.ptr ? b.ptr : "", b.len, &w->read_st);
	else
		coach_fmcache_put(w->cache, relpath, CHECK_SLOT,
		    b.ptr ? b.ptr : "", b.len);
	coach_buf_free(&b);
}

/* Whether every reference in the findings p is as it was. */
static int
findings_hold(struct walk *w, const char *p, const char *end)
{
	for (; p < end; p += strlen(p) + 1)
		if ((*p == 'Y' || *p == 'N') &&
		    coach_repo_exists(w->r, p + 1) != (*p == 'Y'))
			return 0;
	return 1;
}

/* Adds the kept findings of relpath; 0 when there are none to use. */
static int
replay_findings(struct walk *w, const char *relpath)
{
	const void *data;
	size_t len;
	if (coach_fmcache_lookup(w->cache, relpath, CHECK_SLOT, &data,
	    &len) != 1)
		return 0;
	const char *p = data, *end = p + len;
	/* Every item ends in a NUL; the cache adds one after the last. */
	if (!findings_hold(w, p, end))
		return 0;
	for (; p < end; p += strlen(p) + 1) {
		char *rest;
		long line = strtol(p + 1, &rest, 10);
		if (*p != 'E' && *p != 'W' && *p != 'M')
			continue;
		rest += *rest == ' ';
		if (*p == 'M')
			seen_add(&w->emails, rest, relpath, (int)line);
		else
			coach_diags_add(w->out, relpath, (int)line, *p == 'E' ?
			    COACH_SEV_ERROR : COACH_SEV_WARNING, "%s", rest);
	}
	remember(w, relpath, NULL);
	return 1;
}

static void defer_file(struct walk *w, const char *relpath, int listed);
static void run_jobs(struct walk *w);

/* Checks the file relpath, or replays what was found in it before;
 * listed when the walk listed it as a regular file. */
static void
walk_file(struct walk *w, const char *relpath, int listed)
{
	w->files++;
	if (w->cache && replay_findings(w, relpath))
		return;
	if (w->jobs) {
		defer_file(w, relpath, listed);
		return;
	}
	size_t d0 = w->out->n, e0 = w->emails.n;
	coach_buf_clear(&w->deps);
	w->listed = listed;
	check_path(w->r, relpath, NULL, 0, w->out, w);
	if (w->cache)
		keep_findings(w, relpath, d0, e0);
}

/*
 * Files to check, checked by a few threads apart from the walk.  Each
 * file's findings go to its own job; the jobs are then added to the
 * walk's one by one in the walk's order, as if it had checked them
 * itself, so that what check prints and keeps in its cache is the same
 * whatever the number of threads.  Only the cache is shared (through
 * coach_repo_exists(), under the walk's lock, once per path and thread:
 * see struct memo).
 *
 * The walk does not go on while the threads check a batch: on two
 * processors, walking and checking at once measured slower (the walk's
 * listings then compete with the threads for the same cores).
 */
#define JOB_BATCH 1024
/* Jobs a thread takes at once: neighbours, mostly of one folder. */
#define JOB_RUN 16
/* Fewer files than this are not worth a thread. */
#define JOB_THREAD_MIN 64
#define JOB_THREADS_MAX 4

struct job {
	char *path;
	int listed;
	struct stat read_st;
	struct coach_diags out;
	struct seenlist ids, emails;
	struct coach_buf deps;
};

/* How many threads check files: COACH_THREADS when set (1: none), else
 * one per processor, at most JOB_THREADS_MAX. */
static int
job_threads(void)
{
	const char *e = getenv("COACH_THREADS");
	long n = e && *e ? strtol(e, NULL, 10) : 0;
	if (n <= 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		if (n > JOB_THREADS_MAX)
			n = JOB_THREADS_MAX;
		return n < 1 ? 1 : -(int)n; /* negative: by default */
	}
	return n > 64 ? 64 : (int)n;
}

static void
defer_file(struct walk *w, const char *relpath, int listed)
{
	struct job *j = &w->jobs[w->njobs++];
	memset(j, 0, sizeof(*j));
	j->path = coach_xstrdup(relpath);
	j->listed = listed;
	if (w->njobs == JOB_BATCH)
		run_jobs(w);
}

static void
run_job(struct walk *w, struct job *j, struct coach_folder *folder)
{
	/* One memo per thread of the pool, kept from batch to batch. */
	struct memo *memo = w->cache ? &w->memos[coach_pool_worker()] : NULL;
	struct walk jw = { .r = w->r, .out = &j->out, .cache = w->cache,
		.phrases = w->phrases, .lock = w->lock, .listed = j->listed,
		.memo = memo, .folder = folder };
	check_path(w->r, j->path, NULL, 0, &j->out, &jw);
	j->read_st = jw.read_st;
	j->ids = jw.ids;
	j->emails = jw.emails;
	j->deps = jw.deps;
}

/* The i-th run of JOB_RUN jobs. */
static void
pool_work(void *arg, size_t i)
{
	struct walk *w = arg;
	struct coach_folder f = COACH_FOLDER_INIT;
	for (size_t k = i * JOB_RUN; k < (i + 1) * JOB_RUN && k < w->njobs;
	    k++)
		run_job(w, &w->jobs[k], &f);
	coach_folder_close(&f);
}

/* Moves the members of from (emptied) to the end of to. */
static void
seen_move(struct seenlist *to, struct seenlist *from)
{
	if (to->cap - to->n < from->n) {
		while (to->cap - to->n < from->n)
			to->cap = to->cap ? to->cap * 2 : 32;
		to->v = coach_xrealloc(to->v, to->cap * sizeof(*to->v));
	}
	if (from->n)
		memcpy(to->v + to->n, from->v, from->n * sizeof(*from->v));
	to->n += from->n;
	free(from->v);
	memset(from, 0, sizeof(*from));
}

/* Adds what job j found to the walk, as walk_file() would have. */
static void
merge_job(struct walk *w, struct job *j)
{
	size_t d0 = w->out->n, e0 = w->emails.n;
	for (size_t i = 0; i < j->out.n; i++) {
		struct coach_diags *d = w->out;
		if (d->n == d->cap) {
			d->cap = d->cap ? d->cap * 2 : 16;
			d->v = coach_xrealloc(d->v, d->cap * sizeof(*d->v));
		}
		d->v[d->n++] = j->out.v[i];
	}
	w->out->errors += j->out.errors;
	w->out->warnings += j->out.warnings;
	free(j->out.v);
	seen_move(&w->ids, &j->ids);
	seen_move(&w->emails, &j->emails);
	if (w->cache) {
		struct coach_buf keep = w->deps;
		w->deps = j->deps;
		w->read_st = j->read_st;
		keep_findings(w, j->path, d0, e0);
		j->deps = w->deps;
		w->deps = keep;
	}
	coach_buf_free(&j->deps);
	free(j->path);
}

static void
run_jobs(struct walk *w)
{
	int n = w->threads < 0 ? (w->njobs >= JOB_THREAD_MIN ?
	    -w->threads : 1) : w->threads;
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	if (n > 1)
		w->lock = &lock;
	coach_pool_run((w->njobs + JOB_RUN - 1) / JOB_RUN, n, pool_work, w);
	w->lock = NULL;
	pthread_mutex_destroy(&lock);
	for (size_t i = 0; i < w->njobs; i++)
		merge_job(w, &w->jobs[i]);
	w->njobs = 0;
}

/* A folder of records (staff/, goals/, log/...): NAME.md files only. */
static void
walk_records(struct walk *w, const char *dir)
{
	struct coach_strlist names = COACH_STRLIST_INIT;
	if (list_dir(w, dir, &names) == -1)
		goto done;
	for (size_t i = 0; i < names.n; i++) {
		const char *name = names.v[i];
		/* Editors' and git's own hidden files are not records. */
		if (name[0] == '.')
			continue;
		char *rel = coach_path_join(dir, name);
		enum etype t = entry_type(w, rel, NULL);
		if (t == E_FILE && ends_with(name, ".md"))
			walk_file(w, rel, 1);
		else if (t == E_DIR && ends_with(name, ".md"))
			coach_diags_add(w->out, rel, 0, COACH_SEV_ERROR, "is "
			    "a folder where a record file is expected: move "
			    "it away or replace it with the record");
		else if (t == E_DIR)
			coach_diags_add(w->out, rel, 0, COACH_SEV_WARNING,
			    "unexpected folder: %s/ holds only NAME.md "
			    "records; move it out of the repository", dir);
		else if (t == E_FILE)
			coach_diags_add(w->out, rel, 0, COACH_SEV_WARNING,
			    "unexpected file: %s/ holds only NAME.md records "
			    "(evidence belongs in coaching/COACHEE/evidence/)"
			    "; move it", dir);
		free(rel);
	}
done:
	coach_strlist_free(&names);
}

/* Evidence folders: any files, but no links, special files or huge
 * files. */
static void
walk_evidence(struct walk *w, const char *dir, int depth)
{
	struct coach_strlist names = COACH_STRLIST_INIT;
	if (depth > EVIDENCE_MAX_DEPTH) {
		coach_diags_add(w->out, dir, 0, COACH_SEV_WARNING, "evidence "
		    "folders are nested more than %d deep: coach does not "
		    "look further; flatten them", EVIDENCE_MAX_DEPTH);
		return;
	}
	if (list_dir(w, dir, &names) == -1)
		goto done;
	for (size_t i = 0; i < names.n; i++) {
		char *rel = coach_path_join(dir, names.v[i]);
		off_t size = 0;
		enum etype t = entry_type(w, rel, &size);
		if (t == E_DIR)
			walk_evidence(w, rel, depth + 1);
		else if (t == E_FILE && size > COACH_EVIDENCE_MAX_BYTES)
			coach_diags_add(w->out, rel, 0, COACH_SEV_WARNING,
			    "evidence file is %lld bytes, more than the %d "
			    "coach copies in: put it on the school's video "
			    "or file platform and link it",
			    (long long)size, COACH_EVIDENCE_MAX_BYTES);
		free(rel);
	}
done:
	coach_strlist_free(&names);
}

/* A folder that must be one when present. */
static int
want_dir(struct walk *w, const char *relpath)
{
	enum etype t = entry_type(w, relpath, NULL);
	if (t == E_FILE)
		coach_diags_add(w->out, relpath, 0, COACH_SEV_ERROR, "is a "
		    "file where coach(5) has a folder: move it away");
	return t == E_DIR;
}

static void
walk_coachee(struct walk *w, const char *name)
{
	char *dir = coach_path_join("coaching", name);
	char b[SHOWN_MAX + 4];
	if (!handle_ok(name)) {
		coach_diags_add(w->out, dir, 0, COACH_SEV_ERROR, "folder name "
		    "'%s' is not a valid handle: name the folder after the "
		    "coachee's handle (" HANDLE_RULE ")", shown(name, b));
	} else {
		char *staff = coach_path_staff(name);
		if (!coach_repo_exists(w->r, staff))
			coach_diags_add(w->out, dir, 0, COACH_SEV_ERROR,
			    "coachee '%s' has no staff record %s: add them "
			    "with 'coach staff add %s --name NAME' or rename "
			    "the folder", name, staff, name);
		free(staff);
	}

	struct coach_strlist names = COACH_STRLIST_INIT;
	if (list_dir(w, dir, &names) == -1)
		goto done;
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];
		if (n[0] == '.')
			continue;
		char *rel = coach_path_join(dir, n);
		if (strcmp(n, "agreement.md") == 0) {
			walk_file(w, rel, 0);
		} else if (strcmp(n, "goals") == 0 ||
		    strcmp(n, "cycles") == 0 || strcmp(n, "log") == 0) {
			if (want_dir(w, rel))
				walk_records(w, rel);
		} else if (strcmp(n, "evidence") == 0) {
			if (want_dir(w, rel))
				walk_evidence(w, rel, 1);
		} else if (entry_type(w, rel, NULL) != E_OTHER) {
			coach_diags_add(w->out, rel, 0, COACH_SEV_WARNING,
			    "unexpected %s: a coachee's folder holds "
			    "agreement.md, goals/, cycles/, log/ and "
			    "evidence/; move it", ends_with(n, ".md") ?
			    "record" : "entry");
		}
		free(rel);
	}
done:
	coach_strlist_free(&names);
	free(dir);
}

static void
walk_coaching(struct walk *w)
{
	if (!want_dir(w, "coaching"))
		return;
	struct coach_strlist names = COACH_STRLIST_INIT;
	if (list_dir(w, "coaching", &names) == 0) {
		for (size_t i = 0; i < names.n; i++) {
			const char *n = names.v[i];
			if (n[0] == '.')
				continue;
			char *rel = coach_path_join("coaching", n);
			enum etype t = entry_type(w, rel, NULL);
			if (t == E_DIR)
				walk_coachee(w, n);
			else if (t == E_FILE)
				coach_diags_add(w->out, rel, 0,
				    COACH_SEV_WARNING, "unexpected file: "
				    "coaching/ holds one folder per coachee; "
				    "move it");
			free(rel);
		}
	}
	coach_strlist_free(&names);
}

static int
seen_cmp(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : strcmp(x->path, y->path);
}

struct hcount {
	uint64_t h; /* 0: empty */
	size_t n;
};

static uint64_t
key_hash(const char *key)
{
	uint64_t h = coach_fmcache_hash(key, strlen(key), 0);
	return h ? h : 1;
}

static struct hcount *
hcount_at(struct hcount *t, size_t cap, uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);
	while (t[i].h && t[i].h != h)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

/* Moves to the front of l the members whose key's hash another member
 * shares, and returns how many: only they can have a duplicate (unequal
 * keys of one hash only add a few to compare), so that a school of
 * 100,000 unique ids is not sorted to find none. */
static size_t
front_shared(struct seenlist *l)
{
	size_t cap = 64, k = 0;
	while (cap < 2 * l->n)
		cap *= 2;
	struct hcount *t = coach_xcalloc(cap, sizeof(*t));
	uint64_t *h = coach_xcalloc(l->n + 1, sizeof(*h));
	for (size_t i = 0; i < l->n; i++) {
		h[i] = key_hash(l->v[i].key);
		struct hcount *c = hcount_at(t, cap, h[i]);
		c->h = h[i];
		c->n++;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (hcount_at(t, cap, h[i])->n < 2)
			continue;
		struct seen s = l->v[k];
		l->v[k++] = l->v[i];
		l->v[i] = s;
	}
	free(h);
	free(t);
	return k;
}

/* Reports every member of a group of equal keys, naming another. */
static void
report_duplicates(struct walk *w, struct seenlist *l, const char *what,
    const char *advice)
{
	size_t n = front_shared(l);
	if (n > 1)
		qsort(l->v, n, sizeof(*l->v), seen_cmp);
	char b[SHOWN_MAX + 4];
	for (size_t i = 0; i < n; i++) {
		const struct seen *s = &l->v[i];
		const struct seen *other =
		    i > 0 && strcmp(l->v[i - 1].key, s->key) == 0 ?
		    &l->v[i - 1] :
		    i + 1 < n && strcmp(l->v[i + 1].key, s->key) == 0 ?
		    &l->v[i + 1] : NULL;
		if (other)
			coach_diags_add(w->out, s->path, s->line,
			    COACH_SEV_ERROR, "%s '%s' is also used by %s: %s",
			    what, shown(s->key, b), other->path, advice);
	}
}

void
coach_check_all_count(struct coach_repo *r, struct coach_diags *out,
    size_t *files)
{
	struct walk w = { .r = r, .out = out };
	coach_repo_cache_begin(r, COACH_CHECK_CACHE_FILE);
	w.cache = coach_repo_cache(r);
	coach_fmcache_preload(w.cache);
	/* Made before any thread needs them. */
	const struct coach_strlist *words = coach_repo_judgement_words(r);
	if (words->n)
		walk_phrases(&w, words);
	w.threads = job_threads();
	w.jobs = coach_xcalloc(JOB_BATCH, sizeof(*w.jobs));
	w.memos = coach_xcalloc(COACH_POOL_MAX + 1, sizeof(*w.memos));
	walk_file(&w, COACH_CONFIG_FILE, 0);
	static const char *const flat[] = { "staff", "priorities",
		"framework" };
	for (size_t i = 0; i < 3; i++)
		if (want_dir(&w, flat[i]))
			walk_records(&w, flat[i]);
	walk_coaching(&w);
	run_jobs(&w);
	free(w.jobs);
	w.jobs = NULL;
	for (int i = 0; i <= COACH_POOL_MAX; i++)
		memo_free(&w.memos[i]);
	free(w.memos);
	report_duplicates(&w, &w.ids, "id", "ids must be unique across the "
	    "repository; give one of the records a new id (and update what "
	    "refers to it)");
	report_duplicates(&w, &w.emails, "email", "coach finds the current "
	    "user by email, so each member of staff needs their own");
	seen_free(&w.ids);
	seen_free(&w.emails);
	coach_buf_free(&w.deps);
	coach_phrases_free(w.phrases);
	coach_repo_cache_end(r);
	coach_diags_sort(out);
	if (files)
		*files = w.files;
}

void
coach_check_all(struct coach_repo *r, struct coach_diags *out)
{
	coach_check_all_count(r, out, NULL);
}
