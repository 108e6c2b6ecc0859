/*
 * coached.c: whom a member of staff coaches (see coached.h).
 *
 * The cache is text, one record a line, fields split by tabs:
 *
 *     coach-coached 2 VERSION
 *     M  instance seq                      (the monitor's token, if any)
 *     D  stat of coaching/                 (when its listing is kept)
 *     N  type name                         (d folder, l link, o other)
 *     F  coachee stat E message            (an agreement that cannot be read)
 *     F  coachee stat A ended coach...     (what an agreement says)
 *     S  checksum of everything above
 *
 * where stat is inode, size, mtime s ns, ctime s ns and mode.  A name,
 * message or coach holding a tab or a newline is never kept: it is read
 * again each time.
 *
 * With the file-system monitor (monitor.h) running, the cache keeps its
 * token: an agreement whose coachee's folder the monitor says nothing
 * happened in since then is taken as it is kept, with no lstat, as
 * fmcache.c does with the folders it vouches for.  Anything that happened
 * in coaching/ itself or at the top of the work tree (a coachee's folder
 * made, removed, renamed or replaced) vouches for nothing.
 */
#include "coached.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fmcache.h"
#include "model.h"
#include "monitor.h"
#include "pool.h"
#include "statdata.h"
#include "store.h"

#ifndef COACH_VERSION
#define COACH_VERSION "unknown"
#endif

#define HEADER "coach-coached 2\t" COACH_VERSION "\n"
/* A cache larger than this is not one coach wrote. */
#define CACHE_MAX ((size_t)64 << 20)

/* What one agreement says, or why it cannot be read. */
struct said {
	char *name;     /* the coachee */
	struct coach_statdata st; /* of the file it was read from */
	int keep;       /* stable and not racy: may be stored */
	char *error;    /* NULL when it could be read */
	int ended;
	struct coach_strlist coaches;
};

struct cache {
	uint64_t inst, seq;        /* the monitor's token (0 0: none) */
	struct coach_statdata dir; /* of coaching/ when names is its listing */
	int has_dir;
	struct coach_strlist names; /* "T name", sorted by name */
	struct said *v;            /* sorted by name */
	size_t n, cap;
};

struct run {
	struct coach_repo *r;
	int dfd;        /* coaching/, for stat data at a short path */
	struct timespec start;
	struct cache old, now;
	int dirty;
	/* The monitor vouches for each coachee's folder but those in
	 * changed (names, sorted). */
	int vouch;
	struct coach_strlist changed;
};

static void
said_free(struct said *s)
{
	free(s->name);
	free(s->error);
	coach_strlist_free(&s->coaches);
	memset(s, 0, sizeof(*s));
}

static void
cache_free(struct cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		said_free(&c->v[i]);
	free(c->v);
	coach_strlist_free(&c->names);
	memset(c, 0, sizeof(*c));
}

/* ------------------------------------------------------------------ */
/* The cache file */

static int
keepable(const char *s)
{
	return s && strpbrk(s, "\t\n") == NULL;
}

static void
put_fst(struct coach_buf *b, const struct coach_statdata *f)
{
	coach_buf_printf(b, "%" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64
	    " %" PRId64 " %" PRId64 " %" PRIu64, f->ino, f->size, f->mt_s,
	    f->mt_ns, f->ct_s, f->ct_ns, f->mode);
}

/* Reads "N " from *p (the last without the space); 0 when it is not. */
static int
get_num(const char **p, uint64_t *out, int last)
{
	const char *s = *p;
	uint64_t v = 0;
	if (*s < '0' || *s > '9')
		return 0;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	if (last ? *s != '\0' : *s != ' ')
		return 0;
	*out = v;
	*p = last ? s : s + 1;
	return 1;
}

/* Stat data as put_fst() wrote them (sscanf costs too much here: this
 * runs once per coachee of the school). */
static int
get_fst(const char *s, struct coach_statdata *f)
{
	uint64_t v[7];
	for (int i = 0; i < 7; i++)
		if (!get_num(&s, &v[i], i == 6))
			return 0;
	f->ino = v[0];
	f->size = v[1];
	f->mt_s = (int64_t)v[2];
	f->mt_ns = (int64_t)v[3];
	f->ct_s = (int64_t)v[4];
	f->ct_ns = (int64_t)v[5];
	f->mode = v[6];
	return 1;
}

static int
said_keepable(const struct said *s)
{
	if (!s->keep || !keepable(s->name) || (s->error &&
	    !keepable(s->error)))
		return 0;
	for (size_t i = 0; i < s->coaches.n; i++)
		if (!keepable(s->coaches.v[i]))
			return 0;
	return 1;
}

static void
cache_text(const struct cache *c, struct coach_buf *b)
{
	coach_buf_puts(b, HEADER);
	if (c->inst != 0)
		coach_buf_printf(b, "M\t%" PRIu64 " %" PRIu64 "\n", c->inst,
		    c->seq);
	if (c->has_dir) {
		coach_buf_puts(b, "D\t");
		put_fst(b, &c->dir);
		coach_buf_putc(b, '\n');
		for (size_t i = 0; i < c->names.n; i++)
			coach_buf_printf(b, "N\t%c\t%s\n", c->names.v[i][0],
			    c->names.v[i] + 2);
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct said *s = &c->v[i];
		if (!said_keepable(s))
			continue;
		coach_buf_printf(b, "F\t%s\t", s->name);
		put_fst(b, &s->st);
		if (s->error) {
			coach_buf_printf(b, "\tE\t%s\n", s->error);
			continue;
		}
		coach_buf_printf(b, "\tA\t%d", s->ended);
		for (size_t k = 0; k < s->coaches.n; k++)
			coach_buf_printf(b, "\t%s", s->coaches.v[k]);
		coach_buf_putc(b, '\n');
	}
	uint64_t h = coach_fmcache_hash(b->ptr, b->len, 0);
	coach_buf_printf(b, "S\t%016" PRIx64 "\n", h);
}

/* The fields of line (tabs made NULs), at most max; their count. */
static size_t
fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	for (char *p = line; n < max; p++) {
		f[n++] = p;
		p = strchr(p, '\t');
		if (p == NULL)
			break;
		*p = '\0';
	}
	return n;
}

/* "T name" (a listing's line), made without printf: a school has
 * thousands. */
static char *
typed_name(char type, const char *name)
{
	size_t n = strlen(name);
	char *s = coach_xmalloc(n + 3);
	s[0] = type;
	s[1] = ' ';
	memcpy(s + 2, name, n + 1);
	return s;
}

/* One line of the cache into c; -1 when it is not one this file wrote. */
static int
cache_line(struct cache *c, char *line)
{
	char *f[64];
	size_t n = fields(line, f, 64);
	if (strcmp(f[0], "M") == 0 && n == 2 && c->inst == 0 &&
	    !c->has_dir && c->names.n == 0 && c->n == 0) {
		const char *p = f[1];
		return get_num(&p, &c->inst, 0) && get_num(&p, &c->seq, 1) &&
		    c->inst != 0 ? 0 : -1;
	}
	if (strcmp(f[0], "D") == 0 && n == 2 && !c->has_dir && c->n == 0) {
		c->has_dir = get_fst(f[1], &c->dir);
		return c->has_dir ? 0 : -1;
	}
	if (strcmp(f[0], "N") == 0 && n == 3 && c->has_dir && c->n == 0 &&
	    strlen(f[1]) == 1) {
		coach_strlist_add_owned(&c->names, typed_name(f[1][0], f[2]));
		return 0;
	}
	if (strcmp(f[0], "F") != 0 || n < 5 || n == 64)
		return -1;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		c->v = coach_xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	struct said *s = &c->v[c->n++];
	memset(s, 0, sizeof(*s));
	s->name = coach_xstrdup(f[1]);
	s->keep = 1;
	if (!get_fst(f[2], &s->st))
		return -1;
	if (strcmp(f[3], "E") == 0 && n == 5) {
		s->error = coach_xstrdup(f[4]);
		return 0;
	}
	if (strcmp(f[3], "A") != 0 || (strcmp(f[4], "0") != 0 &&
	    strcmp(f[4], "1") != 0))
		return -1;
	s->ended = f[4][0] == '1';
	for (size_t k = 5; k < n; k++)
		coach_strlist_add(&s->coaches, f[k]);
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct said *)a)->name,
	    ((const struct said *)b)->name);
}

/* Reads the cache at path into c; an unusable one leaves c empty. */
static void
cache_read(struct cache *c, const char *path)
{
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_error *err = coach_read_file(&b, path, CACHE_MAX);
	size_t hlen = strlen(HEADER);
	char *sum = NULL;
	int ok = err == NULL && b.len > hlen && b.ptr[b.len - 1] == '\n' &&
	    memcmp(b.ptr, HEADER, hlen) == 0;
	coach_error_free(err);
	if (ok) {
		/* The checksum line is the last one. */
		b.ptr[b.len - 1] = '\0';
		sum = strrchr(b.ptr, '\n');
		ok = sum != NULL && strncmp(sum + 1, "S\t", 2) == 0;
	}
	if (ok) {
		uint64_t want = coach_fmcache_hash(b.ptr, (size_t)(sum + 1 -
		    b.ptr), 0);
		char hex[17];
		snprintf(hex, sizeof(hex), "%016" PRIx64, want);
		ok = strcmp(sum + 3, hex) == 0;
		*sum = '\0';
	}
	if (ok) {
		/* Room for every line of each kind, so that nothing is
		 * copied to grow (cache_line() clears each entry it fills). */
		size_t files = 0, names = 0;
		for (const char *q = b.ptr + hlen - 1; q != NULL && q < sum;
		    q = strchr(q + 1, '\n')) {
			files += q[1] == 'F';
			names += q[1] == 'N';
		}
		c->cap = files + 1;
		c->v = coach_xmalloc(c->cap * sizeof(*c->v));
		c->names.cap = names + 1;
		c->names.v = coach_xmalloc(c->names.cap * sizeof(char *));
	}
	for (char *line = b.ptr + hlen; ok && line < sum; ) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		ok = cache_line(c, line) == 0;
		line = nl ? nl + 1 : sum;
	}
	for (size_t i = 1; ok && i < c->n; i++)
		ok = strcmp(c->v[i - 1].name, c->v[i].name) < 0;
	if (!ok)
		cache_free(c);
	coach_buf_free(&b);
}

static struct said *
cache_find(const struct cache *c, const char *name)
{
	struct said key = { .name = (char *)name };
	return c->n ? bsearch(&key, c->v, c->n, sizeof(*c->v), by_name) :
	    NULL;
}

/* ------------------------------------------------------------------ */
/* The work tree */

static char
type_of_mode(mode_t m)
{
	return S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : 'o';
}

/* The listing of coaching/ into u->now.names, as "T name" sorted by
 * name; kept when the folder did not change while it was read. */
static struct coach_error *
list_coaching(struct run *u, const char *abs,
    const struct coach_statdata *before)
{
	int fd = open(abs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd == -1 ? NULL : fdopendir(fd);
	if (d == NULL) {
		int e = errno;
		if (fd != -1)
			close(fd);
		errno = e;
		return e == ENOENT || e == ENOTDIR ? NULL :
		    coach_error_errno("open directory", "coaching");
	}
	struct dirent *de;
	int keep = 1;
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		char t = de->d_type == DT_DIR ? 'd' : de->d_type == DT_LNK ?
		    'l' : 'o';
		struct stat st;
		if (n[0] == '.')
			continue;
		if (de->d_type == DT_UNKNOWN)
			t = fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) == 0 ?
			    type_of_mode(st.st_mode) : 'o';
		keep &= keepable(n);
		coach_strlist_add_owned(&u->now.names, typed_name(t, n));
	}
	struct stat after;
	struct coach_statdata a;
	int same = fstat(fd, &after) == 0 && (coach_statdata_of(&a, &after),
	    coach_statdata_eq(&a, before));
	closedir(d);
	coach_strlist_sort(&u->now.names);
	u->now.has_dir = keep && same &&
	    !coach_statdata_racy(before, &u->start);
	u->now.dir = *before;
	u->dirty = 1;
	return NULL;
}

/* Sorting "T name" by name: the type letter and space come first. */
static int
by_listed_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 2, *(char *const *)b + 2);
}

/* What the agreement at path (whose stat data are st) says, read now. */
static void
read_agreement(struct run *u, struct said *s, const char *path,
    const char *rel)
{
	struct coach_record *rec = NULL;
	struct coach_error *err = coach_repo_load(u->r, path, &rec);
	struct stat after;
	struct coach_statdata a;
	if (err) {
		s->error = coach_xstrdup(coach_error_msg(err));
		coach_error_free(err);
	} else {
		s->ended = coach_agreement_ended(rec);
		coach_agreement_coaches(rec, &s->coaches);
		coach_record_free(rec);
	}
	s->keep = fstatat(u->dfd, rel, &after, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (coach_statdata_of(&a, &after),
	    coach_statdata_eq(&a, &s->st)) &&
	    !coach_statdata_racy(&s->st, &u->start);
	u->dirty = 1;
}

/* Each agreement's lstat, taken in a few threads: on a school of 3,000
 * coachees these are most of what status costs. */
struct agreement_stat {
	int ok;		/* its lstat is in the job's st[i] */
	int vouched;	/* by the monitor: not looked at */
	struct said *old;	/* the cache's entry of this name, if any */
};

struct stat_job {
	int dfd;
	const struct coach_strlist *paths; /* "coaching/NAME/agreement.md" */
	struct agreement_stat *v;
	struct stat *st;	/* not cleared: read only where ok */
};

#define STAT_RUN 64	/* agreements a pool item */

static void
stat_run(void *arg, size_t item)
{
	struct stat_job *j = arg;
	size_t end = (item + 1) * STAT_RUN;
	if (end > j->paths->n)
		end = j->paths->n;
	for (size_t i = item * STAT_RUN; i < end; i++)
		if (!j->v[i].vouched)
			j->v[i].ok = fstatat(j->dfd, j->paths->v[i] +
			    strlen("coaching/"), &j->st[i],
			    AT_SYMLINK_NOFOLLOW) == 0;
}

/* What old says, taken over into s (each name is looked up once). */
static void
take_over(struct said *s, struct said *old)
{
	free(s->name);
	s->name = old->name;
	old->name = NULL;
	s->keep = 1;
	s->error = old->error;
	old->error = NULL;
	s->ended = old->ended;
	s->coaches = old->coaches;
	memset(&old->coaches, 0, sizeof(old->coaches));
}

/* What coaching/name/agreement.md, whose lstat is as, says: from the
 * cache while its stat data hold (or the monitor vouches for it), else
 * read.  0, or -1 when there is no such regular file; *link is set when
 * it is a link. */
static int
agreement_of(struct run *u, const char *name, const char *path,
    const struct agreement_stat *as, const struct stat *stp, struct said *s,
    int *link)
{
	struct said *old = as->old;
	*link = 0;
	memset(s, 0, sizeof(*s));
	if (as->vouched) {
		s->st = old->st;
		take_over(s, old);
		return 0;
	}
	if (!as->ok)
		return -1;
	if (!S_ISREG(stp->st_mode)) {
		*link = S_ISLNK(stp->st_mode);
		return -1;
	}
	coach_statdata_of(&s->st, stp);
	if (old && coach_statdata_eq(&old->st, &s->st) &&
	    !coach_statdata_racy(&s->st, &u->start)) {
		take_over(s, old);
		return 0;
	}
	s->name = coach_xstrdup(name);
	char *rel = coach_xasprintf("%s/agreement.md", name);
	read_agreement(u, s, path, rel);
	free(rel);
	return 0;
}

/* The folders of coaching/, from the cache while the folder's stat data
 * hold. */
static struct coach_error *
coaching_names(struct run *u, struct coach_problems *links_out, int *none)
{
	char *abs = coach_repo_abspath(u->r, "coaching");
	struct stat st;
	struct coach_statdata now;
	struct coach_error *err = NULL;
	*none = 0;
	if (lstat(abs, &st) == 0 && S_ISLNK(st.st_mode)) {
		coach_problems_add_link(links_out, "coaching");
		*none = 1;
		goto done;
	}
	/* Anything else that is not a folder is none, as when listing it
	 * (list_coaching says why a folder cannot be listed). */
	if (lstat(abs, &st) != 0 || !S_ISDIR(st.st_mode)) {
		*none = 1;
		goto done;
	}
	coach_statdata_of(&now, &st);
	if (u->old.has_dir && coach_statdata_eq(&u->old.dir, &now) &&
	    !coach_statdata_racy(&now, &u->start)) {
		u->now.dir = now;
		u->now.has_dir = 1;
		for (size_t i = 0; i < u->old.names.n; i++)
			coach_strlist_add(&u->now.names, u->old.names.v[i]);
		goto done;
	}
	err = list_coaching(u, abs, &now);
done:
	free(abs);
	return err;
}

/* qsort(), but only when v is not in order already: the cache keeps its
 * lists in order, and qsort compares n log n times even then. */
static void
sort_if_not(void *v, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	for (size_t i = 1; i < n; i++)
		if (cmp((char *)v + (i - 1) * size, (char *)v + i * size) > 0) {
			qsort(v, n, size, cmp);
			return;
		}
}

/* The name of coaching/NAME/agreement.md, in buf. */
static const char *
coachee_of(const char *path, char *buf, size_t size)
{
	size_t n = strlen(path) - strlen("coaching/") - strlen("/agreement.md");
	if (n >= size)
		n = size - 1; /* not for a path as long as buf */
	memcpy(buf, path + strlen("coaching/"), n);
	buf[n] = '\0';
	return buf;
}

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Finds each agreement's entry in the cache (v[i] for paths->v[i]) and
 * marks those the monitor vouches for; how many are left to look at. */
static size_t
match_old(struct run *u, const struct coach_strlist *paths,
    struct agreement_stat *v)
{
	size_t left = paths->n;
	char buf[512];
	for (size_t i = 0; i < paths->n; i++) {
		if (strlen(paths->v[i]) >= sizeof(buf))
			continue;
		const char *name = coachee_of(paths->v[i], buf, sizeof(buf));
		struct said *old = v[i].old = cache_find(&u->old, name);
		if (u->vouch && old && old->keep && (u->changed.n == 0 ||
		    bsearch(&name, u->changed.v, u->changed.n,
		    sizeof(char *), by_str) == NULL)) {
			v[i].vouched = 1;
			left--;
		}
	}
	return left;
}

/* How large the work tree is, for whether to start the monitor: the
 * entries of git's index. */
static size_t
index_entries(void *arg)
{
	return coach_store_index_entries(coach_repo_store(arg));
}

/* What the monitor says happened since the cache's token: u->vouch, and
 * the token the cache is written with. */
static void
ask_monitor(struct run *u)
{
	struct coach_monitor_answer a;
	if (coach_repo_monitor_ask(u->r, u->old.inst, u->old.seq,
	    index_entries, u->r, &a) != 0) {
		u->dirty |= u->old.inst != 0;
		return;
	}
	u->now.inst = a.instance;
	u->now.seq = a.seq;
	u->vouch = !a.everything && u->old.inst == a.instance &&
	    a.seq >= u->old.seq;
	for (size_t i = 0; u->vouch && i < a.n; i++) {
		const char *d = a.dirs[i];
		if (strcmp(d, "") == 0 || strcmp(d, "coaching") == 0)
			u->vouch = 0;
		else if (strncmp(d, "coaching/", 9) == 0 &&
		    strchr(d + 9, '/') == NULL)
			coach_strlist_add(&u->changed, d + 9);
	}
	coach_strlist_sort(&u->changed);
	/* A new token is written when it says more than the old one. */
	if (u->old.inst != a.instance || a.everything || a.n > 0)
		u->dirty = 1;
	coach_monitor_answer_free(&a);
}

static struct coach_error *
walk(struct run *u, const char *handle, struct coach_strlist *out,
    struct coach_problems *problems)
{
	int none;
	struct coach_strlist links = COACH_STRLIST_INIT;
	struct coach_problems linkp = COACH_PROBLEMS_INIT;
	struct coach_error *err = coaching_names(u, &linkp, &none);
	coach_problems_move(problems, &linkp);
	if (err || none)
		return err;
	char *top = coach_repo_abspath(u->r, "coaching");
	u->dfd = open(top, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	free(top);
	if (u->dfd == -1)
		return NULL;	/* gone since: as if there were none */
	/* As coach_repo_list_checked() orders them: by path. */
	struct coach_strlist paths = COACH_STRLIST_INIT;
	sort_if_not(u->now.names.v, u->now.names.n, sizeof(char *),
	    by_listed_name);
	for (size_t i = 0; i < u->now.names.n; i++) {
		const char *n = u->now.names.v[i] + 2;
		if (u->now.names.v[i][0] == 'l')
			coach_strlist_add_owned(&links, coach_xasprintf(
			    "coaching/%s", n));
		else if (u->now.names.v[i][0] == 'd')
			coach_strlist_add_owned(&paths, coach_xasprintf(
			    "coaching/%s/agreement.md", n));
	}
	sort_if_not(paths.v, paths.n, sizeof(char *), by_str);
	struct stat_job sj = { u->dfd, &paths,
	    coach_xcalloc(paths.n + 1, sizeof(*sj.v)),
	    coach_xmalloc((paths.n + 1) * sizeof(*sj.st)) };
	size_t left = match_old(u, &paths, sj.v);
	if (left > STAT_RUN)
		coach_pool_run((paths.n + STAT_RUN - 1) / STAT_RUN,
		    coach_fmcache_threads(), stat_run, &sj);
	else if (left > 0)
		for (size_t i = 0; i * STAT_RUN < paths.n; i++)
			stat_run(&sj, i);
	/* Each entry is cleared when it is filled. */
	u->now.v = coach_xmalloc((paths.n + 1) * sizeof(*u->now.v));
	struct coach_problems errs = COACH_PROBLEMS_INIT;
	for (size_t i = 0; i < paths.n; i++) {
		const char *p = paths.v[i];
		char *name = coach_xstrndup(p + 9, strlen(p) - 9 -
		    strlen("/agreement.md"));
		struct said *s = &u->now.v[u->now.n];
		int link;
		if (agreement_of(u, name, p, &sj.v[i], &sj.st[i], s,
		    &link) == 0) {
			u->now.n++;
			if (s->error)
				coach_problems_add(&errs, p, "%s", s->error);
			else if (!s->ended && strcmp(name, handle) != 0 &&
			    coach_strlist_has(&s->coaches, handle))
				coach_strlist_add(out, name);
		} else if (link) {
			coach_strlist_add(&links, p);
		}
		free(name);
	}
	coach_strlist_sort(&links);
	for (size_t i = 0; i < links.n; i++)
		coach_problems_add_link(problems, links.v[i]);
	coach_problems_move(problems, &errs);
	sort_if_not(u->now.v, u->now.n, sizeof(*u->now.v), by_name);
	if (u->now.n != u->old.n)
		u->dirty = 1;
	free(sj.v);
	free(sj.st);
	coach_strlist_free(&paths);
	coach_strlist_free(&links);
	close(u->dfd);
	u->dfd = -1;
	return NULL;
}

struct coach_error *
coach_coached_by(struct coach_repo *r, const char *handle,
    struct coach_strlist *out, struct coach_problems *problems)
{
	struct run u;
	int cached = !coach_fmcache_disabled();
	char *path = coach_store_git_path(coach_repo_store(r),
	    COACH_COACHED_CACHE_FILE);
	memset(&u, 0, sizeof(u));
	u.r = r;
	u.dfd = -1;
	coach_statdata_start(&u.start);
	if (cached) {
		cache_read(&u.old, path);
		ask_monitor(&u);
	}
	struct coach_error *err = walk(&u, handle, out, problems);
	if (err == NULL && cached && u.dirty) {
		struct coach_buf b = COACH_BUF_INIT;
		cache_text(&u.now, &b);
		/* A cache that cannot be written is only a slower next
		 * time. */
		coach_error_free(coach_write_atomic(path, b.ptr, b.len));
		coach_buf_free(&b);
	}
	cache_free(&u.old);
	cache_free(&u.now);
	coach_strlist_free(&u.changed);
	free(path);
	return err;
}
