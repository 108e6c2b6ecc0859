/*
 * load.c: records of one kind, with what had to be left out.
 */
#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fmcache.h"
#include "pool.h"

static const char link_advice[] = "is a symbolic link: coach does not "
	"follow links (they can point outside the repository), so it was "
	"skipped; replace it with the folder or file itself";

void
coach_problems_add(struct coach_problems *p, const char *path,
    const char *fmt, ...)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->v = coach_xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg == NULL) {
		fputs("coach: out of memory\n", stderr);
		abort();
	}
	p->v[p->n].path = coach_xstrdup(path);
	p->v[p->n].message = msg;
	p->n++;
}

void
coach_problems_add_link(struct coach_problems *p, const char *path)
{
	coach_problems_add(p, path, "%s: %s", path, link_advice);
}

void
coach_problems_move(struct coach_problems *to, struct coach_problems *from)
{
	for (size_t i = 0; i < from->n; i++) {
		coach_problems_add(to, from->v[i].path, "%s",
		    from->v[i].message);
	}
	coach_problems_free(from);
}

void
coach_problems_free(struct coach_problems *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].path);
		free(p->v[i].message);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

void
coach_loaded_free(struct coach_loaded *l)
{
	free(l->path);
	free(l->coachee);
	free(l->id);
	coach_record_free(l->rec);
	memset(l, 0, sizeof(*l));
}

/* The file name without ".md". */
static char *
stem_of(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".md") == 0)
		n -= 3;
	return coach_xstrndup(base, n);
}

/* What path says into l: coachee and id (see struct coach_loaded). */
static enum coach_kind
names(struct coach_loaded *l, const char *path)
{
	enum coach_kind k = coach_path_kind(path, &l->coachee, &l->id);
	if (l->id == NULL && l->coachee == NULL && k != COACH_KIND_NONE)
		l->id = stem_of(path);
	return k;
}

static int
before(const struct coach_loaded *a, const struct coach_loaded *b,
    const char *key)
{
	const char *da = coach_record_str(a->rec, key);
	const char *db = coach_record_str(b->rec, key);
	int c = strcmp(da ? da : "", db ? db : "");
	return c < 0 || (c == 0 && strcmp(a->id ? a->id : "",
	    b->id ? b->id : "") < 0);
}

/* Loads path into l; a failure becomes a problem. */
static int
load_into(struct coach_repo *r, const char *path, struct coach_loaded *l,
    struct coach_problems *problems)
{
	struct coach_error *err = coach_repo_load(r, path, &l->rec);
	if (err == NULL) {
		l->path = coach_xstrdup(path);
		return 0;
	}
	coach_problems_add(problems, path, "%s", coach_error_msg(err));
	coach_error_free(err);
	return -1;
}

struct coach_error *
coach_load_records(struct coach_repo *r, enum coach_kind kind,
    const char *coachee, const char *sort_key, struct coach_loaded_list *out)
{
	struct coach_strlist paths = COACH_STRLIST_INIT;
	struct coach_strlist links = COACH_STRLIST_INIT;
	memset(out, 0, sizeof(*out));
	struct coach_error *err = coach_repo_list_checked(r, kind, coachee,
	    &paths, &links);
	for (size_t i = 0; i < links.n; i++)
		coach_problems_add(&out->problems, links.v[i], "%s: %s",
		    links.v[i], link_advice);
	out->v = coach_xcalloc(paths.n + 1, sizeof(*out->v));
	for (size_t i = 0; err == NULL && i < paths.n; i++) {
		struct coach_loaded l = { 0 };
		if (names(&l, paths.v[i]) != kind ||
		    load_into(r, paths.v[i], &l, &out->problems) != 0) {
			coach_loaded_free(&l);
			continue;
		}
		/* Insertion sort: lists are one coachee's or one school's. */
		size_t j = out->n++;
		for (; sort_key && j > 0 && before(&l, &out->v[j - 1],
		    sort_key); j--)
			out->v[j] = out->v[j - 1];
		out->v[j] = l;
	}
	out->broken = out->problems.n;
	coach_strlist_free(&paths);
	coach_strlist_free(&links);
	return err;
}

void
coach_loaded_list_free(struct coach_loaded_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		coach_loaded_free(&l->v[i]);
	free(l->v);
	coach_problems_free(&l->problems);
	memset(l, 0, sizeof(*l));
}

int
coach_load_one(struct coach_repo *r, const char *path,
    struct coach_loaded *out, struct coach_problems *problems)
{
	memset(out, 0, sizeof(*out));
	char *link = coach_repo_link_in(r, path);
	if (link) {
		coach_problems_add(problems, link, "%s: %s", link,
		    link_advice);
		free(link);
		return -1;
	}
	if (!coach_repo_exists(r, path))
		return 0;
	names(out, path);
	return load_into(r, path, out, problems) == 0 ? 1 : -1;
}

struct coach_error *
coach_load_by_id(struct coach_repo *r, const char *prefix,
    enum coach_kind kind, struct coach_loaded *out)
{
	struct coach_error *err;
	memset(out, 0, sizeof(*out));
	if ((err = coach_repo_resolve(r, prefix, kind, &out->path, NULL)))
		return err;
	if (names(out, out->path) != kind || out->coachee == NULL)
		return coach_error_new(COACH_FAIL, "%s is not a %s record",
		    out->path, coach_kind_name(kind));
	return coach_repo_load(r, out->path, &out->rec);
}

/*
 * Packed front-matter
 */

/* The keys reports read, by kind (see lib/report.c). */
static const char *const *
packed_keys(enum coach_kind kind)
{
	static const char *const staff[] = { "subjects", "phase", NULL };
	static const char *const agreement[] = { "coach", "cadence",
		"status", "ended", NULL };
	static const char *const goal[] = { "id", "status", "opened",
		"closed", "priority", "strategies", "measure", "measurements",
		NULL };
	static const char *const cycle[] = { "id", "goal", "started",
		"closed", "review", "phase", "outcome", NULL };
	static const char *const entry[] = { "goal", "cycle", "date", "kind",
		"hours", NULL };
	static const char *const none[] = { NULL };
	switch (kind) {
	case COACH_KIND_STAFF: return staff;
	case COACH_KIND_AGREEMENT: return agreement;
	case COACH_KIND_GOAL: return goal;
	case COACH_KIND_CYCLE: return cycle;
	case COACH_KIND_ENTRY: return entry;
	default: return none;
	}
}

static void
packed_free(struct coach_packed *l)
{
	free(l->id);
	free(l->own);
	memset(l, 0, sizeof(*l));
}

/* The list's copy of coachee: records come a coachee at a time, so one
 * copy serves them all. */
static const char *
intern(struct coach_packed_list *out, char *coachee)
{
	if (coachee == NULL)
		return NULL;
	struct coach_strlist *c = &out->coachees;
	if (c->n == 0 || strcmp(c->v[c->n - 1], coachee) != 0)
		coach_strlist_add(c, coachee);
	free(coachee);
	return c->v[c->n - 1];
}

/* What the cache keeps for a record: 'P' and the packed front-matter,
 * or 'E' and the message of why it cannot be loaded. */
static void
pack_loaded(struct coach_error *err, const struct coach_record *rec,
    enum coach_kind kind, struct coach_buf *b)
{
	if (err) {
		coach_buf_putc(b, 'E');
		coach_buf_puts(b, coach_error_msg(err));
		return;
	}
	coach_buf_putc(b, 'P');
	coach_fmp_pack(coach_record_fm_const(rec), packed_keys(kind), b);
}

/* Fills l from the packed string p (owned by the cache, or own); -1 and
 * a problem when it says the record cannot be loaded. */
static int
unpack(struct coach_packed *l, const char *path, const char *p, size_t len,
    struct coach_problems *problems)
{
	if (len > 0 && p[0] == 'P' &&
	    coach_fmp_root(&l->fm, p + 1, len - 1) == 0)
		return 0;
	if (len > 0 && p[0] == 'E')
		coach_problems_add(problems, path, "%.*s", (int)(len - 1),
		    p + 1);
	else
		coach_problems_add(problems, path, "%s: cannot be read",
		    path);
	return -1;
}

/*
 * Records not in the cache are read and packed apart, in a few threads
 * when there are many, a batch at a time; the batch is then taken in
 * the listing's order, so that the list, its problems and the cache are
 * the same whatever the number of threads.  Threads only read files and
 * parse them: the cache and the repository are used before and after.
 */
#define PACK_BATCH 1024
#define PACK_THREAD_MIN 64

struct pack_job {
	const char *path;    /* the listing's */
	char *abs;           /* NULL: packed already (a link) */
	struct coach_buf b;  /* what the cache keeps */
	struct stat st;      /* of the file as read; st_mode 0: unknown */
	const void *p;       /* from the cache; NULL: b */
	size_t len;
	int of_kind;         /* 0: not a record of the kind, left out */
	struct coach_packed pk;
};

struct pack_pool {
	struct pack_job *v;
	size_t n;
	enum coach_kind kind;
};

/* The folder of a run's last record, open once a second record of it
 * comes (records mostly come a folder at a time, but entries come by
 * date): a name opened in it costs the kernel one step, not the whole
 * path's. */
static void
pack_one(struct pack_job *j, enum coach_kind kind, struct coach_folder *f,
    struct coach_buf *scratch)
{
	struct coach_record *rec = NULL;
	const char *name;
	int dirfd = coach_folder_of(f, j->abs, &name);
	struct coach_error *err = coach_record_load_at(&rec, dirfd, name,
	    j->path, &j->st, scratch);
	pack_loaded(err, rec, kind, &j->b);
	coach_error_free(err);
	coach_record_free(rec);
}

/* Jobs a thread takes at once: neighbours, mostly of one folder. */
#define PACK_RUN 16

/* The i-th run of PACK_RUN jobs. */
static void
pack_work(void *arg, size_t i)
{
	struct pack_pool *p = arg;
	struct coach_folder f = COACH_FOLDER_INIT;
	struct coach_buf scratch = COACH_BUF_INIT;
	for (size_t k = i * PACK_RUN; k < (i + 1) * PACK_RUN && k < p->n; k++)
		if (p->v[k].of_kind && p->v[k].p == NULL && p->v[k].abs)
			pack_one(&p->v[k], p->kind, &f, &scratch);
	coach_folder_close(&f);
	coach_buf_free(&scratch);
}

/* Starts packing the jobs that need reading, in threads when they are
 * many; this thread joins in at coach_pool_wait().  NULL: none need it. */
static struct coach_pool *
pack_start(struct pack_pool *pool, struct pack_job *v, size_t n, size_t todo,
    enum coach_kind kind)
{
	if (todo == 0)
		return NULL;
	pool->v = v;
	pool->n = n;
	pool->kind = kind;
	int threads = todo >= PACK_THREAD_MIN || getenv("COACH_THREADS") ?
	    coach_fmcache_threads() : 1;
	return coach_pool_start((n + PACK_RUN - 1) / PACK_RUN, threads - 1,
	    pack_work, pool);
}

/* Takes a batch in order: keeps what was read in the cache, fills the
 * list. */
static void
finish_batch(struct coach_repo *r, struct pack_job *v, size_t n,
    struct coach_packed_list *out)
{
	struct coach_fmcache *c = coach_repo_cache(r);
	for (size_t i = 0; i < n; i++) {
		struct pack_job *j = &v[i];
		struct coach_packed *l = &j->pk;
		free(j->abs);
		if (!j->of_kind)
			continue;
		if (j->p == NULL) {
			j->len = j->b.len;
			j->p = c && j->st.st_mode ? coach_fmcache_put_stat(c,
			    j->path, 0, j->b.ptr, j->b.len, &j->st) : NULL;
			if (j->p)
				coach_buf_free(&j->b);
			else
				j->p = l->own = coach_buf_detach(&j->b);
		}
		if (unpack(l, j->path, j->p, j->len, &out->problems) != 0) {
			packed_free(l);
			continue;
		}
		out->v[out->n++] = *l;
	}
}

/* What the cache said of a path: coach_fmcache_lookup()'s answer. */
struct hit {
	const void *p;
	size_t len;
	int rc;
};

/* The cache's answers for paths, asked folder by folder (the i-th
 * listed is paths->v[order[i]]): entries come sorted by date, a folder
 * after another, and asking in that order would look each folder up
 * again, far from the last one in memory. */
static struct hit *
look_up_listed(struct coach_fmcache *c, const struct coach_strlist *paths,
    const size_t *order)
{
	struct hit *h = coach_xcalloc(paths->n + 1, sizeof(*h));
	for (size_t i = 0; i < paths->n; i++) {
		struct hit *x = &h[order[i]];
		x->rc = coach_fmcache_lookup(c, paths->v[order[i]], 0, &x->p,
		    &x->len);
	}
	return h;
}

/* Starts the job for path: from the cache when it holds the record,
 * else to be read (counted in *todo); hit is what the cache said of it
 * already, or NULL. */
static void
start_job(struct coach_repo *r, const char *path, enum coach_kind kind,
    const struct hit *hit, struct coach_packed_list *out,
    struct pack_job *j, size_t *todo)
{
	struct coach_fmcache *c = coach_repo_cache(r);
	struct coach_loaded names_of = { 0 };
	memset(j, 0, sizeof(*j));
	j->path = path;
	/* Reports know entries by coachee, never by id. */
	if ((kind == COACH_KIND_ENTRY ? coach_path_kind(path,
	    &names_of.coachee, NULL) : names(&names_of, path)) != kind) {
		coach_loaded_free(&names_of);
		return;
	}
	j->of_kind = 1;
	j->pk.coachee = intern(out, names_of.coachee);
	j->pk.id = names_of.id;
	if (hit && hit->rc == 1) {
		j->p = hit->p;
		j->len = hit->len;
		return;
	}
	if (!hit && c && coach_fmcache_lookup(c, path, 0, &j->p, &j->len) == 1)
		return;
	j->p = NULL;
	if (coach_fmcache_unsure(c)) {
		/* Offline, what the cache lacks is not read: the list is
		 * made again (fmcache.h). */
		free(j->pk.id);
		j->pk.id = NULL;
		j->of_kind = 0;
		return;
	}
	/* The cache's listing of each folder down to path told its links
	 * already, and listed only files: no need to ask again. */
	char *link = c ? NULL : coach_repo_link_in(r, path);
	if (link) {
		/* Refused here, with the loader's own words. */
		struct coach_record *rec = NULL;
		struct coach_error *err = coach_repo_load(r, path, &rec);
		pack_loaded(err, rec, kind, &j->b);
		coach_error_free(err);
		coach_record_free(rec);
		free(link);
		return;
	}
	j->abs = coach_repo_abspath(r, path);
	(*todo)++;
}

/*
 * Offline (fmcache.h), the records are found in the cache's listings
 * alone, folder by folder, as coach_repo_list_ordered() and the code
 * above find them by their paths: the same records in the same order,
 * the same problems, with no path looked up for each.
 */

/* A record found in a listing. */
struct found {
	size_t path;         /* its offset in the walk's paths */
	const char *coachee; /* the list's copy */
	const void *p;       /* the cache's string */
	uint32_t len;
	uint32_t idlen;      /* the id is the file name's first idlen bytes */
	/* The string's front-matter, found while the walk is near it in
	 * the cache (entries are then sorted, far from their neighbours);
	 * fm.p NULL when it holds none: unpack() then says why. */
	struct coach_fmp fm;
};

/* f's front-matter, when its string holds one. */
static void
found_fm(struct found *f)
{
	const char *p = f->p;
	if (f->len == 0 || p[0] != 'P' ||
	    coach_fmp_root(&f->fm, p + 1, f->len - 1) != 0)
		f->fm.p = NULL;
}

/* An entry's key as sort_entries() orders them (entry_key_cmp()), apart
 * from the records: small, so that sorting it moves little. */
struct entry_key {
	uint64_t day;  /* the name's first 8 bytes, big-endian */
	int64_t sec;   /* mtime */
	uint32_t nsec;
	uint32_t day2; /* the next 2 */
	uint32_t i;    /* the record's place in the walk */
};

struct walk {
	struct coach_fmcache *c;
	enum coach_kind kind;
	struct coach_buf paths;
	struct found *v;
	struct entry_key *keys; /* entries: v[i]'s is keys[i] until sorted */
	size_t n, cap;
	struct coach_strlist links;
	const char *base; /* paths.ptr once the walk is done */
};

/* Room for one more record; NULL when there are too many to count. */
static struct found *
walk_add(struct walk *w)
{
	if (w->n >= UINT32_MAX)
		return NULL;
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 1024;
		w->v = coach_xrealloc(w->v, w->cap * sizeof(*w->v));
		if (w->kind == COACH_KIND_ENTRY)
			w->keys = coach_xrealloc(w->keys,
			    w->cap * sizeof(*w->keys));
	}
	memset(&w->v[w->n], 0, sizeof(*w->v));
	return &w->v[w->n++];
}

static void
walk_link(struct walk *w, const char *dir, const char *name)
{
	char *p = name ? coach_xasprintf("%s/%s", dir, name) :
	    coach_xstrdup(dir);
	if (!coach_strlist_has(&w->links, p))
		coach_strlist_add(&w->links, p);
	free(p);
}

/* Whether a folder the cache could not give (coach_fmcache_dir() said
 * e) is one that lists nothing; at is its path.  ELOOP: a link (the
 * folder above is not: it was listed), skipped with a problem. */
static int
walk_missing(struct walk *w, const char *at, int e)
{
	if (e == ELOOP)
		walk_link(w, at, NULL);
	return e == ENOENT || e == ENOTDIR || e == ELOOP ? 0 : -1;
}

/* The records of kind in the listing d (list_cached()'s names). */
static int
walk_files(struct walk *w, const struct coach_fmdir *d, const char *coachee)
{
	const char *dir = coach_fmdir_path(d);
	size_t dl = strlen(dir);
	for (size_t i = 0; i < coach_fmdir_count(d); i++) {
		const char *n = coach_fmdir_name(d, i);
		size_t len = strlen(n);
		enum coach_fmtype t = coach_fmdir_type(d, i);
		if (n[0] == '.' || len <= 3 || memcmp(n + len - 3, ".md", 3))
			continue;
		if (t == COACH_FMT_LINK)
			walk_link(w, dir, n);
		if (t != COACH_FMT_FILE)
			continue;
		struct found *f = walk_add(w);
		const void *p;
		size_t plen;
		struct timespec written;
		if (f == NULL || coach_fmdir_lookup(w->c, d, i, 0, &p, &plen,
		    &written) != 1 || plen >= UINT32_MAX)
			return -1;
		f->path = w->paths.len;
		coach_buf_add(&w->paths, dir, dl);
		coach_buf_add(&w->paths, "/", 1);
		coach_buf_add(&w->paths, n, len + 1);
		f->coachee = coachee;
		f->p = p;
		f->len = (uint32_t)plen;
		found_fm(f);
		if (w->kind != COACH_KIND_ENTRY) {
			f->idlen = (uint32_t)(len - 3);
			continue;
		}
		/* sort_entries()'s key: the date's bytes, big-endian, so
		 * that numbers order as they do. */
		struct entry_key *k = &w->keys[w->n - 1];
		memset(k, 0, sizeof(*k));
		k->i = (uint32_t)(w->n - 1);
		k->sec = (int64_t)written.tv_sec;
		k->nsec = (uint32_t)written.tv_nsec;
		size_t b = 0;
		for (; b < 8 && n[b]; b++)
			k->day |= (uint64_t)(unsigned char)n[b] << (56 - 8 * b);
		for (; b >= 8 && b < 10 && n[b]; b++)
			k->day2 |= (uint32_t)(unsigned char)n[b] <<
			    (8 * (9 - b));
	}
	return 0;
}

/* A coachee's agreement in its folder dx (NULL when
 * coach_fmcache_subdir() said e), as coach_repo_list_ordered() finds
 * it. */
static int
walk_agreement(struct walk *w, const struct coach_fmdir *dx, int e,
    const char *coachee)
{
	static const char name[] = "agreement.md";
	if (dx == NULL)
		return e == ENOENT || e == ENOTDIR ? 0 : -1;
	size_t i = coach_fmdir_find(dx, name);
	enum coach_fmtype t = i == (size_t)-1 ? COACH_FMT_NONE :
	    coach_fmdir_type(dx, i);
	if (t == COACH_FMT_LINK)
		walk_link(w, coach_fmdir_path(dx), name);
	if (t != COACH_FMT_FILE)
		return 0;
	struct found *f = walk_add(w);
	const void *p;
	size_t plen = 0;
	struct timespec written;
	if (f == NULL || coach_fmdir_lookup(w->c, dx, i, 0, &p, &plen,
	    &written) != 1 || plen >= UINT32_MAX)
		return -1;
	f->path = w->paths.len;
	coach_buf_puts(&w->paths, coach_fmdir_path(dx));
	coach_buf_add(&w->paths, "/", 1);
	coach_buf_add(&w->paths, name, sizeof(name));
	f->coachee = coachee;
	f->p = p;
	f->len = (uint32_t)plen;
	found_fm(f);
	return 0;
}

/* Every coachee's records of kind, each coachee's name kept in names. */
static int
walk_coaching(struct walk *w, struct coach_strlist *names)
{
	int e = 0;
	enum coach_fmtype t = coach_fmcache_type(w->c, "coaching");
	if (t == COACH_FMT_LINK) {
		walk_link(w, "coaching", NULL);
		return 0;
	}
	const struct coach_fmdir *d = coach_fmcache_dir(w->c, "coaching", &e);
	if (d == NULL)
		return e == ENOENT || e == ENOTDIR ? 0 : -1;
	for (size_t i = 0; i < coach_fmdir_count(d); i++) {
		const char *n = coach_fmdir_name(d, i);
		t = coach_fmdir_type(d, i);
		if (n[0] == '.')
			continue;
		if (t == COACH_FMT_LINK)
			walk_link(w, "coaching", n);
		if (t != COACH_FMT_DIR)
			continue;
		coach_strlist_add(names, n);
		const char *who = names->v[names->n - 1];
		const struct coach_fmdir *dx = coach_fmcache_subdir(w->c, d,
		    who, &e);
		if (w->kind == COACH_KIND_AGREEMENT) {
			if (walk_agreement(w, dx, e, who) != 0)
				return -1;
			continue;
		}
		const char *sub = w->kind == COACH_KIND_GOAL ? "goals" :
		    w->kind == COACH_KIND_CYCLE ? "cycles" : "log";
		const struct coach_fmdir *ds = dx ? coach_fmcache_subdir(w->c,
		    dx, sub, &e) : NULL;
		int rc = ds ? walk_files(w, ds, who) : 0;
		if (ds == NULL) {
			char *at = coach_xasprintf("coaching/%s/%s", who, sub);
			rc = walk_missing(w, at, e);
			free(at);
		}
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int
found_path_cmp(const void *pa, const void *pb, void *base)
{
	const struct found *a = pa, *b = pb;
	return strcmp((const char *)base + a->path,
	    (const char *)base + b->path);
}

/* entry_key_cmp() of repo.c. */
static int
entry_key_cmp(const void *pa, const void *pb, void *arg)
{
	const struct entry_key *a = pa, *b = pb;
	const struct walk *w = arg;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	if (a->day2 != b->day2)
		return a->day2 < b->day2 ? -1 : 1;
	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	if (a->nsec != b->nsec)
		return a->nsec < b->nsec ? -1 : 1;
	return strcmp(w->base + w->v[a->i].path, w->base + w->v[b->i].path);
}

/* The walk's records in the listing's order (coach_strlist_sort() or
 * sort_entries()): entries by their keys, whose i then says which
 * record comes where; the rest by path. */
static void
walk_sort(struct walk *w)
{
	size_t i = 1;
	if (w->kind == COACH_KIND_ENTRY) {
		while (i < w->n && entry_key_cmp(&w->keys[i - 1], &w->keys[i],
		    w) <= 0)
			i++;
		if (i < w->n)
			qsort_r(w->keys, w->n, sizeof(*w->keys), entry_key_cmp,
			    w);
		return;
	}
	void *base = (void *)w->base;
	while (i < w->n && found_path_cmp(&w->v[i - 1], &w->v[i], base) <= 0)
		i++;
	if (i < w->n)
		qsort_r(w->v, w->n, sizeof(*w->v), found_path_cmp, base);
}

/* coach_load_packed() offline: -1 when the cache cannot say. */
static int
load_walked(struct coach_fmcache *c, enum coach_kind kind,
    struct coach_packed_list *out)
{
	struct walk w;
	int rc;
	memset(&w, 0, sizeof(w));
	w.c = c;
	w.kind = kind;
	if (kind == COACH_KIND_STAFF) {
		int e = 0;
		const struct coach_fmdir *d = coach_fmcache_dir(c, "staff", &e);
		rc = d ? walk_files(&w, d, NULL) : walk_missing(&w, "staff", e);
	} else {
		rc = walk_coaching(&w, &out->coachees);
	}
	if (rc != 0 || coach_fmcache_unsure(c))
		goto done;
	w.base = w.paths.ptr;
	walk_sort(&w);
	coach_strlist_sort(&w.links);
	for (size_t i = 0; i < w.links.n; i++)
		coach_problems_add(&out->problems, w.links.v[i], "%s: %s",
		    w.links.v[i], link_advice);
	out->v = coach_xcalloc(w.n + 1, sizeof(*out->v));
	for (size_t i = 0; i < w.n; i++) {
		const struct found *f = &w.v[w.keys ? w.keys[i].i : i];
		const char *path = w.base + f->path;
		struct coach_packed *l = &out->v[out->n];
		l->coachee = f->coachee;
		if (f->idlen)
			l->id = coach_xstrndup(strrchr(path, '/') + 1,
			    f->idlen);
		l->fm = f->fm;
		if (f->fm.p == NULL &&
		    unpack(l, path, f->p, f->len, &out->problems) != 0) {
			packed_free(l);
			continue;
		}
		out->n++;
	}
done:
	coach_buf_free(&w.paths);
	coach_strlist_free(&w.links);
	free(w.keys);
	free(w.v);
	return rc != 0 || coach_fmcache_unsure(c) ? -1 : 0;
}

struct coach_error *
coach_load_packed(struct coach_repo *r, enum coach_kind kind,
    struct coach_packed_list *out)
{
	struct coach_strlist paths = COACH_STRLIST_INIT;
	struct coach_strlist links = COACH_STRLIST_INIT;
	struct coach_fmcache *c = coach_repo_cache(r);
	size_t *order = NULL;
	memset(out, 0, sizeof(*out));
	if (coach_fmcache_offline(c))
		return load_walked(c, kind, out) == 0 ? NULL :
		    coach_error_new(COACH_FAIL, "the front-matter cache "
		    "cannot say what the records hold: read them");
	struct coach_error *err = coach_repo_list_ordered(r, kind, NULL,
	    &paths, &links, c ? &order : NULL);
	struct hit *hits = order && err == NULL ?
	    look_up_listed(c, &paths, order) : NULL;
	for (size_t i = 0; i < links.n; i++)
		coach_problems_add(&out->problems, links.v[i], "%s: %s",
		    links.v[i], link_advice);
	out->v = coach_xcalloc(paths.n + 1, sizeof(*out->v));
	/* While other threads read a batch, this one starts the next and
	 * then takes the one before: a batch fills the places after the
	 * list's last one. */
	struct pack_job *jobs[2] = { coach_xcalloc(PACK_BATCH, sizeof(**jobs)),
		coach_xcalloc(PACK_BATCH, sizeof(**jobs)) };
	struct pack_pool pools[2];
	struct coach_pool *reading = NULL;
	size_t i = 0, before = 0;
	for (int cur = 0;; cur = !cur) {
		size_t n = 0, todo = 0;
		int more = err == NULL && !coach_fmcache_unsure(c);
		for (; more && n < PACK_BATCH && i < paths.n; i++, n++)
			start_job(r, paths.v[i], kind, hits ? &hits[i] : NULL,
			    out, &jobs[cur][n], &todo);
		coach_pool_wait(reading);
		reading = pack_start(&pools[cur], jobs[cur], n, todo, kind);
		if (before)
			finish_batch(r, jobs[!cur], before, out);
		before = n;
		if (n == 0)
			break;
	}
	free(jobs[0]);
	free(jobs[1]);
	free(hits);
	free(order);
	coach_strlist_free(&paths);
	coach_strlist_free(&links);
	return err;
}

void
coach_packed_from_loaded(const struct coach_loaded_list *in,
    enum coach_kind kind, struct coach_packed_list *out)
{
	memset(out, 0, sizeof(*out));
	out->v = coach_xcalloc(in->n + 1, sizeof(*out->v));
	for (size_t i = 0; i < in->n; i++) {
		const struct coach_loaded *from = &in->v[i];
		struct coach_packed *l = &out->v[out->n];
		struct coach_buf b = COACH_BUF_INIT;
		if (from->rec == NULL)
			continue;
		coach_fmp_pack(coach_record_fm_const(from->rec),
		    packed_keys(kind), &b);
		size_t len = b.len;
		l->own = coach_buf_detach(&b);
		if (coach_fmp_root(&l->fm, l->own, len) != 0) {
			packed_free(l);
			continue;
		}
		l->coachee = intern(out, from->coachee ?
		    coach_xstrdup(from->coachee) : NULL);
		if (kind != COACH_KIND_ENTRY && from->id)
			l->id = coach_xstrdup(from->id);
		out->n++;
	}
}

void
coach_packed_list_free(struct coach_packed_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		packed_free(&l->v[i]);
	free(l->v);
	coach_strlist_free(&l->coachees);
	coach_problems_free(&l->problems);
	memset(l, 0, sizeof(*l));
}
