#include "repo.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "date.h"
#include "fmcache.h"
#include "ids.h"
#include "monitor.h"
#include "pool.h"

struct coach_repo {
	struct coach_store *store;
	struct coach_fm *config;
	struct coach_strlist phases;
	struct coach_strlist judgement;
	uint64_t config_hash;  /* of coach.yml's bytes */
	struct coach_fmcache *cache; /* while a reader uses it */
	/* Goal, cycle and entry ids, sorted, read when first abbreviated. */
	struct coach_strlist ids[3];
	int ids_loaded[3];
	struct coach_strlist abbrevs;	/* what coach_repo_abbrev returned */
	/* From coach_repo_abbrev_prepare(): by kind, the first
	 * COACH_ID_ABBREV characters of the ids prepared (sorted), and every
	 * id known to start so (sorted). */
	struct coach_strlist near_p7[3], near[3];
	/* By kind, a bit for each pair of characters after the kind's
	 * letter that a prepared id has: most of the school's 100,000 ids
	 * are told apart from them without a search. */
	uint64_t *near_bits[3];
	struct dir_memo *dirs;	/* folders found not to be links */
};

/*
 * The folders a handle found to be folders, not links
 * (coach_repo_link_in()): one lstat each a run, instead of one for every
 * record under them (status looks at hundreds).  A folder replaced by a
 * link while a command runs is not seen, as it was not between the
 * lstat and the open before.  A set of relative paths; readers look
 * from threads, so it has a lock.
 */
struct dir_memo {
	pthread_mutex_t mu;
	char **slot;	/* open addressing, NULL empty */
	size_t cap, n;
};

static size_t
memo_slot(const struct dir_memo *m, const char *rel)
{
	size_t i = (size_t)coach_fmcache_hash(rel, strlen(rel), 0) &
	    (m->cap - 1);
	while (m->slot[i] != NULL && strcmp(m->slot[i], rel) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static int
memo_has(struct dir_memo *m, const char *rel)
{
	pthread_mutex_lock(&m->mu);
	int has = m->cap > 0 && m->slot[memo_slot(m, rel)] != NULL;
	pthread_mutex_unlock(&m->mu);
	return has;
}

static void
memo_add(struct dir_memo *m, const char *rel)
{
	pthread_mutex_lock(&m->mu);
	if (2 * (m->n + 1) > m->cap) {
		struct dir_memo old = *m;
		m->cap = m->cap ? 2 * m->cap : 64;
		m->slot = coach_xcalloc(m->cap, sizeof(*m->slot));
		for (size_t i = 0; i < old.cap; i++)
			if (old.slot[i] != NULL)
				m->slot[memo_slot(m, old.slot[i])] = old.slot[i];
		free(old.slot);
	}
	size_t i = memo_slot(m, rel);
	if (m->slot[i] == NULL) {
		m->slot[i] = coach_xstrdup(rel);
		m->n++;
	}
	pthread_mutex_unlock(&m->mu);
}

static void
memo_free(struct dir_memo *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->slot[i]);
	free(m->slot);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

/* The bit of near_bits[k] for id s (at least 3 characters). */
static size_t
near_bit(const char *s)
{
	return (size_t)(unsigned char)s[1] << 8 | (unsigned char)s[2];
}

static const char *const steplab[] = { "plan", "model", "practise", "apply",
	"review", NULL };
static const char *const impact[] = { "identify", "learn", "improve", NULL };
static const char *const gbf[] = { "see-it", "name-it", "do-it", NULL };

/*
 * Judgements of lessons and teachers, the words of inspection grades.
 * Not the words alone: "outstanding homework" and "from grade 4 to grade
 * 5" (pupils' grades) are what coaching records rightly say.
 */
static const char *const judgement_words[] = {
	"outstanding lesson", "outstanding teaching", "outstanding teacher",
	"requires improvement", "inadequate",
	"good lesson", "good teaching", "good teacher",
	"satisfactory lesson", "satisfactory teaching",
	"weak lesson", "weak teaching", "poor lesson", "poor teaching",
	"failing lesson", "failing teacher",
	"grade 1 lesson", "grade 2 lesson", "grade 3 lesson", "grade 4 lesson",
	"grade 1 teaching", "grade 2 teaching", "grade 3 teaching",
	"grade 4 teaching",
	"graded as outstanding", "graded as good", "graded as satisfactory",
	"graded outstanding", "graded good",
	NULL };

const char *const *
coach_cycle_model_phases(const char *model)
{
	if (strcmp(model, "steplab") == 0)
		return steplab;
	if (strcmp(model, "impact") == 0)
		return impact;
	if (strcmp(model, "gbf") == 0)
		return gbf;
	return NULL;
}

const char *const *
coach_default_judgement_words(void)
{
	return judgement_words;
}

const char *
coach_kind_name(enum coach_kind k)
{
	switch (k) {
	case COACH_KIND_CONFIG: return "settings";
	case COACH_KIND_STAFF: return "staff";
	case COACH_KIND_PRIORITY: return "priority";
	case COACH_KIND_FRAMEWORK: return "framework";
	case COACH_KIND_AGREEMENT: return "agreement";
	case COACH_KIND_GOAL: return "goal";
	case COACH_KIND_CYCLE: return "cycle";
	case COACH_KIND_ENTRY: return "entry";
	case COACH_KIND_EVIDENCE: return "evidence";
	case COACH_KIND_NONE: break;
	}
	return "file";
}

/* Fills a list from a sequence of scalars in the config; 0 when the key is
 * absent or not such a sequence. */
static int
config_list(const struct coach_fm *fm, const char *key,
    struct coach_strlist *out)
{
	const struct coach_fm_node *n = coach_fm_get(fm, key);
	if (n == NULL || coach_fm_node_type(n) != COACH_FM_SEQ ||
	    coach_fm_node_len(n) == 0)
		return 0;
	for (size_t i = 0; i < coach_fm_node_len(n); i++) {
		const char *s = coach_fm_node_str(coach_fm_node_item(n, i));
		if (s == NULL || *s == '\0') {
			coach_strlist_free(out);
			return 0;
		}
		coach_strlist_add(out, s);
	}
	return 1;
}

static void
add_all(struct coach_strlist *l, const char *const *v)
{
	for (; *v; v++)
		coach_strlist_add(l, *v);
}

void
coach_config_phases(const struct coach_fm *cfg, struct coach_strlist *out)
{
	if (!config_list(cfg, "cycle_phases", out)) {
		const char *model = coach_fm_str(cfg, "cycle_model");
		const char *const *p = model ? coach_cycle_model_phases(model)
		    : NULL;
		add_all(out, p ? p : steplab);
	}
}

/*
 * coach.yml is read leniently: a broken one still opens (with defaults),
 * so that "coach check" can report what is wrong with it.
 */
static void
load_config(struct coach_repo *r)
{
	struct coach_buf buf = COACH_BUF_INIT;
	char *path = coach_repo_abspath(r, COACH_CONFIG_FILE);
	struct coach_error *err = coach_read_file(&buf, path,
	    COACH_FM_MAX_BYTES);
	if (err == NULL)
		r->config_hash = coach_fmcache_hash(buf.ptr ? buf.ptr : "",
		    buf.len, 1);
	if (err == NULL)
		err = coach_fm_parse(&r->config, COACH_CONFIG_FILE,
		    coach_buf_str(&buf), buf.len, 1);
	if (err) {
		coach_error_free(err);
		r->config = coach_fm_new();
	}
	free(path);
	coach_buf_free(&buf);

	coach_config_phases(r->config, &r->phases);
	if (!config_list(r->config, "judgement_words", &r->judgement))
		add_all(&r->judgement, judgement_words);
	/* Past the caps (check reports them), phrases are not looked for:
	 * each costs a pass over every record. */
	size_t kept = 0;
	for (size_t i = 0; i < r->judgement.n; i++) {
		if (kept < COACH_JUDGEMENT_MAX_WORDS &&
		    strlen(r->judgement.v[i]) <= COACH_JUDGEMENT_MAX_LEN)
			r->judgement.v[kept++] = r->judgement.v[i];
		else
			free(r->judgement.v[i]);
	}
	r->judgement.n = kept;
}

static struct coach_error *
open_store(struct coach_repo **out, struct coach_store *s)
{
	struct coach_repo *r = coach_xcalloc(1, sizeof(*r));
	r->store = s;
	r->dirs = coach_xcalloc(1, sizeof(*r->dirs));
	pthread_mutex_init(&r->dirs->mu, NULL);
	load_config(r);
	*out = r;
	return NULL;
}

struct coach_error *
coach_repo_open_at(struct coach_repo **out, const char *root)
{
	struct coach_store *s;
	struct coach_error *err = coach_store_open(&s, root, COACH_CONFIG_FILE);
	if (err)
		return err;
	return open_store(out, s);
}

static int
is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

struct coach_error *
coach_repo_open(struct coach_repo **out, const char *dir)
{
	struct coach_store *s = NULL;
	struct coach_error *err;

	*out = NULL;
	if (dir) {
		if (!is_dir(dir))
			return coach_error_new(COACH_FAIL,
			    "%s: no such directory", dir);
		err = coach_store_open(&s, dir, COACH_CONFIG_FILE);
		if (err)
			return coach_error_prefix(err, "-C %s", dir);
		return open_store(out, s);
	}
	/* Errors the user must act on (a repository owned by someone else,
	 * a bare one) stop the search; "none here" goes on. */
	if ((err = coach_store_find(&s, ".", COACH_CONFIG_FILE)))
		return err;
	if (s)
		return open_store(out, s);

	const char *env = getenv("COACH_DIR");
	if (env && *env) {
		err = coach_store_open(&s, env, COACH_CONFIG_FILE);
		if (err)
			return coach_error_prefix(err, "COACH_DIR=%s", env);
		return open_store(out, s);
	}
	char *cfg = NULL;
	err = coach_store_global_config_get("coach.dir", &cfg);
	if (err == NULL && cfg && *cfg) {
		/* A path setting: "~/school" as git reads it. */
		char *path = coach_path_expand_user(cfg);
		err = coach_store_open(&s, path, COACH_CONFIG_FILE);
		free(path);
		if (err)
			err = coach_error_prefix(err, "git config coach.dir (%s)",
			    cfg);
		free(cfg);
		return err ? err : open_store(out, s);
	}
	free(cfg);
	coach_error_free(err);
	return coach_error_new(COACH_FAIL,
	    "not in a coach repository (or any parent directory); create one "
	    "with 'coach init', or point COACH_DIR or 'git config --global "
	    "coach.dir' at your school's repository");
}

void
coach_repo_free(struct coach_repo *r)
{
	if (r == NULL)
		return;
	coach_fmcache_free(r->cache);
	coach_store_close(r->store);
	coach_fm_free(r->config);
	coach_strlist_free(&r->phases);
	coach_strlist_free(&r->judgement);
	for (int i = 0; i < 3; i++) {
		coach_strlist_free(&r->ids[i]);
		coach_strlist_free(&r->near_p7[i]);
		coach_strlist_free(&r->near[i]);
		free(r->near_bits[i]);
	}
	coach_strlist_free(&r->abbrevs);
	memo_free(r->dirs);
	free(r);
}

const char *
coach_repo_root(const struct coach_repo *r)
{
	return coach_store_root(r->store);
}

struct coach_store *
coach_repo_store(struct coach_repo *r)
{
	return r->store;
}

const struct coach_fm *
coach_repo_config(const struct coach_repo *r)
{
	return r->config;
}

char *
coach_repo_abspath(const struct coach_repo *r, const char *relpath)
{
	return coach_path_join(coach_repo_root(r), relpath);
}

const struct coach_strlist *
coach_repo_phases(const struct coach_repo *r)
{
	return &r->phases;
}

const struct coach_strlist *
coach_repo_judgement_words(const struct coach_repo *r)
{
	return &r->judgement;
}

/* ---- the front-matter cache ---- */

#ifndef COACH_VERSION
#define COACH_VERSION "unknown"
#endif

char *
coach_repo_gitdir(const struct coach_repo *r)
{
	return coach_store_git_path(r->store, "");
}

/* Whether a read starts the monitor when none answers: as coach.monitor
 * says, and when it is not set, for a work tree of names or more names
 * (files and folders). */
static int
monitor_wanted(struct coach_repo *r, size_t names)
{
	char *on = NULL;
	int want;
	coach_error_free(coach_store_config_get(r->store, "coach.monitor",
	    &on));
	if (on)
		want = strcasecmp(on, "true") == 0 ||
		    strcasecmp(on, "yes") == 0 || strcasecmp(on, "on") == 0 ||
		    strcmp(on, "1") == 0;
	else
		want = names >= COACH_MONITOR_AUTO_NAMES;
	free(on);
	return want;
}

int
coach_repo_monitor_ask(struct coach_repo *r, uint64_t instance,
    uint64_t seq, size_t (*names)(void *arg), void *arg,
    struct coach_monitor_answer *a)
{
	char *gitdir = coach_repo_gitdir(r);
	int rc = coach_monitor_query(gitdir, coach_repo_root(r), instance,
	    seq, a);
	if (rc != 0 && coach_monitor_supported() &&
	    monitor_wanted(r, names(arg)))
		coach_monitor_spawn(gitdir, coach_repo_root(r));
	free(gitdir);
	return rc;
}

static size_t
cache_names(void *arg)
{
	return coach_fmcache_names(arg);
}

/* Tells the cache what the file-system monitor saw since its token,
 * before anything is looked at. */
static void
cache_monitor(struct coach_repo *r)
{
	struct coach_monitor_answer a;
	uint64_t inst, seq;
	coach_fmcache_token(r->cache, &inst, &seq);
	if (coach_repo_monitor_ask(r, inst, seq, cache_names, r->cache,
	    &a) == 0) {
		coach_fmcache_monitor(r->cache, a.instance, a.seq,
		    a.everything, a.dirs, a.n);
		coach_monitor_answer_free(&a);
	}
}

void
coach_repo_cache_begin(struct coach_repo *r, const char *name)
{
	if (r->cache || coach_fmcache_disabled())
		return;
	char *file = coach_store_git_path(r->store, name);
	/* What cached strings depend on besides the files: coach.yml (check
	 * reads its phases and words) and this version of coach. */
	uint64_t salt = coach_fmcache_hash(COACH_VERSION,
	    strlen(COACH_VERSION), r->config_hash);
	r->cache = coach_fmcache_open(coach_repo_root(r), file, salt);
	free(file);
	cache_monitor(r);
}

void
coach_repo_cache_end(struct coach_repo *r)
{
	if (r->cache == NULL)
		return;
	/* A cache that cannot be written is only a slower next time. */
	coach_error_free(coach_fmcache_save(r->cache));
	coach_fmcache_free(r->cache);
	r->cache = NULL;
}

struct coach_fmcache *
coach_repo_cache(struct coach_repo *r)
{
	return r->cache;
}

/* ---- paths ---- */

char *coach_path_staff(const char *h) { return coach_xasprintf("staff/%s.md", h); }
char *coach_path_priority(const char *id) { return coach_xasprintf("priorities/%s.md", id); }
char *coach_path_framework(const char *id) { return coach_xasprintf("framework/%s.md", id); }
char *coach_path_agreement(const char *c) { return coach_xasprintf("coaching/%s/agreement.md", c); }
char *coach_path_goal(const char *c, const char *id) { return coach_xasprintf("coaching/%s/goals/%s.md", c, id); }
char *coach_path_cycle(const char *c, const char *id) { return coach_xasprintf("coaching/%s/cycles/%s.md", c, id); }
char *coach_path_evidence_dir(const char *c) { return coach_xasprintf("coaching/%s/evidence", c); }

char *
coach_path_entry(const char *coachee, const char *date, const char *id)
{
	return coach_xasprintf("coaching/%s/log/%s-%s.md", coachee, date, id);
}

/*
 * The stem of name when it is a record's file name: it ends in ".md", has
 * something before it, no other '/', and does not start with '.' (editors'
 * and git's hidden files are not records).  Else NULL.
 */
static char *
md_stem(const char *name)
{
	size_t n = strlen(name);
	if (n <= 3 || strcmp(name + n - 3, ".md") != 0 || strchr(name, '/') ||
	    name[0] == '.')
		return NULL;
	return coach_xstrndup(name, n - 3);
}

/* The id part of an entry file stem "YYYY-MM-DD-eXXXXXX": what follows a
 * date and a '-'; NULL when the stem does not start so. */
static const char *
entry_id_of_stem(const char *stem)
{
	char date[11];
	coach_day d;
	if (strlen(stem) <= 11 || stem[10] != '-')
		return NULL;
	memcpy(date, stem, 10);
	date[10] = '\0';
	return coach_date_parse(date, &d) == 0 ? stem + 11 : NULL;
}

enum coach_kind
coach_path_kind(const char *p, char **coachee, char **id)
{
	enum coach_kind k = COACH_KIND_NONE;
	char *stem = NULL;
	const char *idpart = NULL;

	if (coachee)
		*coachee = NULL;
	if (id)
		*id = NULL;
	if (strcmp(p, COACH_CONFIG_FILE) == 0)
		return COACH_KIND_CONFIG;
	if (strncmp(p, "staff/", 6) == 0 && (stem = md_stem(p + 6)))
		k = COACH_KIND_STAFF;
	else if (strncmp(p, "priorities/", 11) == 0 && (stem = md_stem(p + 11)))
		k = COACH_KIND_PRIORITY;
	else if (strncmp(p, "framework/", 10) == 0 && (stem = md_stem(p + 10)))
		k = COACH_KIND_FRAMEWORK;
	if (k != COACH_KIND_NONE) {
		if (id)
			*id = stem;
		else
			free(stem);
		return k;
	}
	if (strncmp(p, "coaching/", 9) != 0)
		return COACH_KIND_NONE;
	const char *c = p + 9;
	const char *slash = strchr(c, '/');
	if (slash == NULL || slash == c || *c == '.')
		return COACH_KIND_NONE;
	const char *rest = slash + 1;
	if (strcmp(rest, "agreement.md") == 0)
		k = COACH_KIND_AGREEMENT;
	else if (strncmp(rest, "goals/", 6) == 0 && (stem = md_stem(rest + 6)))
		k = COACH_KIND_GOAL, idpart = stem;
	else if (strncmp(rest, "cycles/", 7) == 0 && (stem = md_stem(rest + 7)))
		k = COACH_KIND_CYCLE, idpart = stem;
	else if (strncmp(rest, "log/", 4) == 0 && (stem = md_stem(rest + 4)))
		k = COACH_KIND_ENTRY, idpart = id ? entry_id_of_stem(stem) :
		    NULL;
	else if (strncmp(rest, "evidence/", 9) == 0 && rest[9] != '\0')
		k = COACH_KIND_EVIDENCE;
	if (k == COACH_KIND_NONE)
		return k;
	if (coachee)
		*coachee = coach_xstrndup(c, (size_t)(slash - c));
	if (id && idpart)
		*id = coach_xstrdup(idpart);
	free(stem);
	return k;
}

int
coach_repo_exists(const struct coach_repo *r, const char *relpath)
{
	enum coach_fmtype t = r->cache ? coach_fmcache_type(r->cache,
	    relpath) : COACH_FMT_UNKNOWN;
	if (t != COACH_FMT_UNKNOWN)
		return t == COACH_FMT_FILE;
	char *p = coach_repo_abspath(r, relpath);
	struct stat st;
	int ok = lstat(p, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return ok;
}

char *
coach_repo_link_in(const struct coach_repo *r, const char *relpath)
{
	char *part = coach_xstrdup(relpath);
	for (char *slash = part;; slash++) {
		slash = strchr(slash, '/');
		if (slash)
			*slash = '\0';
		enum coach_fmtype t = r->cache ? coach_fmcache_type(r->cache,
		    part) : COACH_FMT_UNKNOWN;
		struct stat st;
		int rc = 0;
		if (t == COACH_FMT_UNKNOWN && slash != NULL &&
		    memo_has(r->dirs, part))
			t = COACH_FMT_DIR;
		if (t == COACH_FMT_UNKNOWN) {
			char *abs = coach_repo_abspath(r, part);
			rc = lstat(abs, &st);
			free(abs);
			t = rc == 0 ? (S_ISLNK(st.st_mode) ? COACH_FMT_LINK :
			    COACH_FMT_OTHER) : COACH_FMT_NONE;
			if (rc == 0 && S_ISDIR(st.st_mode) && slash != NULL)
				memo_add(r->dirs, part);
		}
		if (t == COACH_FMT_LINK)
			return part;
		rc = t == COACH_FMT_NONE ? -1 : 0;
		/* Nothing there: nothing further down to follow either. */
		if (rc != 0 || slash == NULL)
			break;
		*slash = '/';
	}
	free(part);
	return NULL;
}

struct coach_error *
coach_repo_load(struct coach_repo *r, const char *relpath,
    struct coach_record **out)
{
	*out = NULL;
	char *link = coach_repo_link_in(r, relpath);
	if (link) {
		struct coach_error *err = coach_error_coded(COACH_E_INVALID,
		    "%s: %s is a symbolic link: coach does not follow links "
		    "(they can point outside the repository); replace it with "
		    "the folder or file itself", relpath, link);
		free(link);
		return err;
	}
	char *p = coach_repo_abspath(r, relpath);
	struct coach_error *err = coach_record_load(out, p, relpath);
	free(p);
	return err;
}

/* ---- listing ---- */

/* Adds path to skipped (when not NULL and not there yet). */
static void
skip(struct coach_strlist *skipped, const char *path)
{
	if (skipped && !coach_strlist_has(skipped, path))
		coach_strlist_add(skipped, path);
}

/* list_dir() from the cache's listing of dir. */
static struct coach_error *
list_cached(struct coach_repo *r, const char *dir, int want_dirs,
    struct coach_strlist *out, struct coach_strlist *skipped)
{
	int e = 0;
	const struct coach_fmdir *d = coach_fmcache_dir(r->cache, dir, &e);
	if (d == NULL) {
		errno = e;
		return e == ENOENT || e == ENOTDIR ? NULL :
		    coach_error_errno("open directory", dir);
	}
	for (size_t i = 0; i < coach_fmdir_count(d); i++) {
		const char *n = coach_fmdir_name(d, i);
		enum coach_fmtype t = coach_fmdir_type(d, i);
		size_t len = strlen(n);
		int md = len > 3 && strcmp(n + len - 3, ".md") == 0;
		if (n[0] == '.' || (!want_dirs && !md))
			continue;
		if (t == COACH_FMT_LINK) {
			char *rel = coach_xasprintf("%s/%s", dir, n);
			skip(skipped, rel);
			free(rel);
		}
		if (t != (want_dirs ? COACH_FMT_DIR : COACH_FMT_FILE))
			continue;
		if (want_dirs) {
			coach_strlist_add(out, n);
			continue;
		}
		/* Not printf: this runs once per record of the school. */
		size_t dl = strlen(dir);
		char *p = coach_xmalloc(dl + 1 + len + 1);
		memcpy(p, dir, dl);
		p[dl] = '/';
		memcpy(p + dl + 1, n, len + 1);
		coach_strlist_add_owned(out, p);
	}
	return NULL;
}

/*
 * Adds "<dir>/<name>" for each regular file ending in .md in the
 * repository directory dir (want_dirs: the name of each folder).  A
 * missing directory is an empty list.  Links are never followed: a linked
 * dir (or a folder above it), and linked entries that would have been
 * listed, go to skipped.
 */
static struct coach_error *
list_dir(struct coach_repo *r, const char *dir, int want_dirs,
    struct coach_strlist *out, struct coach_strlist *skipped)
{
	char *link = coach_repo_link_in(r, dir);
	if (link) {
		skip(skipped, link);
		free(link);
		return NULL;
	}
	if (r->cache)
		return list_cached(r, dir, want_dirs, out, skipped);
	char *abs = coach_repo_abspath(r, dir);
	int fd = coach_open_noatime(AT_FDCWD, abs, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd == -1 ? NULL : fdopendir(fd);
	struct coach_error *err = NULL;
	if (d == NULL) {
		if (errno != ENOENT && errno != ENOTDIR)
			err = coach_error_errno("open directory", dir);
		if (fd != -1)
			close(fd);
		free(abs);
		return err;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		size_t len = strlen(n);
		int md = len > 3 && strcmp(n + len - 3, ".md") == 0;
		if (n[0] == '.' || (!want_dirs && !md))
			continue;
		char *full = coach_path_join(abs, n);
		struct stat st;
		int got = lstat(full, &st) == 0;
		free(full);
		char *rel = coach_xasprintf("%s/%s", dir, n);
		if (got && S_ISLNK(st.st_mode))
			skip(skipped, rel);
		if (!got || !(want_dirs ? S_ISDIR(st.st_mode) :
		    S_ISREG(st.st_mode))) {
			free(rel);
			continue;
		}
		if (want_dirs) {
			coach_strlist_add(out, n);
			free(rel);
		} else {
			coach_strlist_add_owned(out, rel);
		}
	}
	closedir(d);
	free(abs);
	return NULL;
}

static struct coach_error *
coachees(struct coach_repo *r, struct coach_strlist *out,
    struct coach_strlist *skipped)
{
	struct coach_error *err = list_dir(r, "coaching", 1, out, skipped);
	coach_strlist_sort(out);
	return err;
}

struct coach_error *
coach_repo_coachees(struct coach_repo *r, struct coach_strlist *out)
{
	return coachees(r, out, NULL);
}

static const char *
coaching_sub(enum coach_kind k)
{
	switch (k) {
	case COACH_KIND_GOAL: return "goals";
	case COACH_KIND_CYCLE: return "cycles";
	case COACH_KIND_ENTRY: return "log";
	default: return NULL;
	}
}

struct entry_key {
	const char *path;
	const char *date; /* the file name's leading YYYY-MM-DD */
	uint64_t day;     /* its first 8 bytes, to compare at once */
	uint32_t day2;    /* and the next 2, so that no strncmp is needed */
	struct timespec written;
	size_t listed;    /* its place in the listing */
};

static int
entry_key_cmp(const void *pa, const void *pb)
{
	const struct entry_key *a = pa, *b = pb;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	if (a->day2 != b->day2)
		return a->day2 < b->day2 ? -1 : 1;
	if (a->written.tv_sec != b->written.tv_sec)
		return a->written.tv_sec < b->written.tv_sec ? -1 : 1;
	if (a->written.tv_nsec != b->written.tv_nsec)
		return a->written.tv_nsec < b->written.tv_nsec ? -1 : 1;
	return strcmp(a->path, b->path);
}

/* Fewer entries than this to stat are stat'ed by this thread alone. */
#define STAT_THREAD_MIN 1024

struct stat_job {
	const struct coach_repo *r;
	struct entry_key *keys;
	const size_t *todo;
};

/* The written time of entry todo[i], from its own stat. */
static void
stat_key(void *arg, size_t i)
{
	struct stat_job *job = arg;
	struct entry_key *k = &job->keys[job->todo[i]];
	char *abs = coach_repo_abspath(job->r, k->path);
	struct stat st;
	if (stat(abs, &st) == 0)
		k->written = st.st_mtim;
	free(abs);
}

/*
 * Entries carry a date but no time, so entries of one day are put in the
 * order their files were written (the order coach log wrote them in this
 * clone), then by name: "the last entry" is then the one written last.
 */
static void
sort_entries(struct coach_repo *r, struct coach_strlist *l, size_t **order)
{
	if (l->n < 2)
		return;
	struct entry_key *keys = coach_xcalloc(l->n, sizeof(*keys));
	size_t *todo = coach_xcalloc(l->n, sizeof(*todo)), ntodo = 0;
	for (size_t i = 0; i < l->n; i++) {
		const char *base = strrchr(l->v[i], '/');
		keys[i].path = l->v[i];
		keys[i].listed = i;
		keys[i].date = base ? base + 1 : l->v[i];
		/* Big-endian, so that numbers order as the bytes do (and
		 * as strncmp(date, 10) does: nothing counts after a NUL). */
		size_t k = 0;
		for (; k < 8 && keys[i].date[k]; k++)
			keys[i].day |= (uint64_t)(unsigned char)keys[i].date[k]
			    << (56 - 8 * k);
		for (; k >= 8 && k < 10 && keys[i].date[k]; k++)
			keys[i].day2 |= (uint32_t)(unsigned char)
			    keys[i].date[k] << (8 * (9 - k));
		struct stat st;
		int known = r->cache ? coach_fmcache_stat_known(r->cache,
		    l->v[i], &st) : 1;
		if (known == 0)
			keys[i].written = st.st_mtim;
		if (known == 1)
			todo[ntodo++] = i;
	}
	/* The files the cache has not looked at yet (all of them, the
	 * first time): stat'ed in threads. */
	struct stat_job job = { r, keys, todo };
	coach_pool_run(ntodo, ntodo >= STAT_THREAD_MIN ||
	    getenv("COACH_THREADS") ? coach_fmcache_threads() : 1, stat_key,
	    &job);
	free(todo);
	qsort(keys, l->n, sizeof(*keys), entry_key_cmp);
	char **v = coach_xcalloc(l->n, sizeof(*v));
	for (size_t i = 0; i < l->n; i++)
		v[i] = (char *)keys[i].path;
	memcpy(l->v, v, l->n * sizeof(*v));
	if (order) {
		*order = coach_xcalloc(l->n, sizeof(**order));
		for (size_t i = 0; i < l->n; i++)
			(*order)[keys[i].listed] = i;
	}
	free(v);
	free(keys);
}

struct coach_error *
coach_repo_list_checked(struct coach_repo *r, enum coach_kind k,
    const char *coachee, struct coach_strlist *out,
    struct coach_strlist *skipped)
{
	return coach_repo_list_ordered(r, k, coachee, out, skipped, NULL);
}

struct coach_error *
coach_repo_list_ordered(struct coach_repo *r, enum coach_kind k,
    const char *coachee, struct coach_strlist *out,
    struct coach_strlist *skipped, size_t **order)
{
	struct coach_error *err = NULL;
	if (order)
		*order = NULL;
	switch (k) {
	case COACH_KIND_STAFF:
		err = list_dir(r, "staff", 0, out, skipped);
		break;
	case COACH_KIND_PRIORITY:
		err = list_dir(r, "priorities", 0, out, skipped);
		break;
	case COACH_KIND_FRAMEWORK:
		err = list_dir(r, "framework", 0, out, skipped);
		break;
	case COACH_KIND_AGREEMENT:
	case COACH_KIND_GOAL:
	case COACH_KIND_CYCLE:
	case COACH_KIND_ENTRY: {
		struct coach_strlist who = COACH_STRLIST_INIT;
		if (coachee)
			coach_strlist_add(&who, coachee);
		else
			err = coachees(r, &who, skipped);
		for (size_t i = 0; err == NULL && i < who.n; i++) {
			if (k == COACH_KIND_AGREEMENT) {
				char *p = coach_path_agreement(who.v[i]);
				char *link = coach_repo_link_in(r, p);
				if (link)
					skip(skipped, link);
				else if (coach_repo_exists(r, p))
					coach_strlist_add(out, p);
				free(link);
				free(p);
				continue;
			}
			char *dir = coach_xasprintf("coaching/%s/%s", who.v[i],
			    coaching_sub(k));
			err = list_dir(r, dir, 0, out, skipped);
			free(dir);
		}
		coach_strlist_free(&who);
		break;
	}
	default:
		return coach_error_new(COACH_FAIL, "cannot list %s records",
		    coach_kind_name(k));
	}
	if (k == COACH_KIND_ENTRY)
		sort_entries(r, out, order);
	else
		coach_strlist_sort(out);
	if (skipped)
		coach_strlist_sort(skipped);
	return err;
}

struct coach_error *
coach_repo_list(struct coach_repo *r, enum coach_kind k, const char *coachee,
    struct coach_strlist *out)
{
	return coach_repo_list_checked(r, k, coachee, out, NULL);
}

/* ---- ids ---- */

static enum coach_kind
kind_of_letter(char c)
{
	switch (c) {
	case 'g': return COACH_KIND_GOAL;
	case 'c': return COACH_KIND_CYCLE;
	case 'e': return COACH_KIND_ENTRY;
	default: return COACH_KIND_NONE;
	}
}

/* The id a listed path names (goal/cycle stem, entry id part). */
static const char *
id_of_path(const char *path, enum coach_kind k, char **stem_out)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	char *stem = md_stem(base);
	*stem_out = stem;
	if (stem == NULL)
		return NULL;
	return k == COACH_KIND_ENTRY ? entry_id_of_stem(stem) : stem;
}

static int
coach_handle_check_ok(const char *s)
{
	struct coach_error *err = coach_handle_check("handle", s);
	int ok = err == NULL;
	coach_error_free(err);
	return ok;
}

/* Whether the directory entry may be a directory (d_type, when the file
 * system gives it). */
static int
maybe_dir(const struct dirent *de)
{
	return de->d_type == DT_DIR || de->d_type == DT_UNKNOWN;
}

/* The names in dir (absolute) that do not start with '.', or none. */
static void
read_names(const char *dir, int dirs, struct coach_strlist *out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || (dirs && !maybe_dir(de)))
			continue;
		coach_strlist_add(out, de->d_name);
	}
	if (d != NULL)
		closedir(d);
}

/*
 * The paths of kind k's files under coaching/, from the directories alone:
 * no record is opened or stat'ed, so finding an id costs a read of each
 * coachee's folder and not a look at every record.  The caller checks
 * the few paths it keeps (coach_repo_exists, coach_repo_link_in).
 */
static void
scan_kind(struct coach_repo *r, enum coach_kind k, struct coach_strlist *out)
{
	struct coach_strlist who = COACH_STRLIST_INIT;
	char *top = coach_repo_abspath(r, "coaching");
	read_names(top, 1, &who);
	for (size_t i = 0; i < who.n; i++) {
		struct coach_strlist names = COACH_STRLIST_INIT;
		char *rel = coach_xasprintf("coaching/%s/%s", who.v[i],
		    coaching_sub(k));
		char *abs = coach_repo_abspath(r, rel);
		read_names(abs, 0, &names);
		for (size_t j = 0; j < names.n; j++)
			coach_strlist_add_owned(out, coach_xasprintf("%s/%s",
			    rel, names.v[j]));
		coach_strlist_free(&names);
		free(abs);
		free(rel);
	}
	coach_strlist_free(&who);
	free(top);
}

/* Whether relpath is a record list_dir() would list: a regular file
 * reached without a symbolic link. */
static int
listable(struct coach_repo *r, const char *relpath)
{
	char *link = coach_repo_link_in(r, relpath);
	int ok = link == NULL && coach_repo_exists(r, relpath);
	free(link);
	return ok;
}

/* Paths whose id starts with prefix, for one kind. */
static struct coach_error *
matches(struct coach_repo *r, const char *prefix, enum coach_kind k,
    struct coach_strlist *out)
{
	struct coach_strlist all = COACH_STRLIST_INIT;
	size_t n = strlen(prefix);
	scan_kind(r, k, &all);
	for (size_t i = 0; i < all.n; i++) {
		char *stem;
		const char *id = id_of_path(all.v[i], k, &stem);
		if (id && strncmp(id, prefix, n) == 0 && listable(r, all.v[i]))
			coach_strlist_add(out, all.v[i]);
		free(stem);
	}
	coach_strlist_sort(out);
	coach_strlist_free(&all);
	return NULL;
}

/* Whether l (sorted) has the first n bytes of s (l's strings are n
 * long). */
static int
has_prefix_of(const struct coach_strlist *l, const char *s, size_t n)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(l->v[mid], s, n);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Every id of kind k in the work tree, sorted, read once. */
static const struct coach_strlist *
all_ids(struct coach_repo *r, enum coach_kind k)
{
	struct coach_strlist *ids = &r->ids[k - COACH_KIND_GOAL];
	if (r->ids_loaded[k - COACH_KIND_GOAL])
		return ids;
	struct coach_strlist paths = COACH_STRLIST_INIT;
	scan_kind(r, k, &paths);
	for (size_t i = 0; i < paths.n; i++) {
		char *stem;
		const char *pid = id_of_path(paths.v[i], k, &stem);
		if (pid != NULL)
			coach_strlist_add(ids, pid);
		free(stem);
	}
	coach_strlist_free(&paths);
	coach_strlist_sort(ids);
	r->ids_loaded[k - COACH_KIND_GOAL] = 1;
	return ids;
}

const char *
coach_repo_abbrev(struct coach_repo *r, const char *id)
{
	enum coach_kind k = id ? kind_of_letter(id[0]) : COACH_KIND_NONE;
	if (k == COACH_KIND_NONE || strlen(id) <= COACH_ID_ABBREV)
		return id;
	/* Ids that differ within their first COACH_ID_ABBREV characters
	 * never make an abbreviation longer: those that do not are enough,
	 * when coach_repo_abbrev_prepare() found them. */
	const struct coach_strlist *ids = &r->near[k - COACH_KIND_GOAL];
	if (!has_prefix_of(&r->near_p7[k - COACH_KIND_GOAL], id,
	    COACH_ID_ABBREV))
		ids = all_ids(r, k);
	/* Its neighbours in sorted order, itself left out. */
	size_t lo = 0, hi = ids->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ids->v[mid], id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	const char *prev = lo > 0 ? ids->v[lo - 1] : NULL;
	size_t after = lo < ids->n && strcmp(ids->v[lo], id) == 0 ? lo + 1 : lo;
	const char *next = after < ids->n ? ids->v[after] : NULL;
	size_t len = coach_id_abbrev_len(id, prev, next);
	coach_strlist_add_owned(&r->abbrevs, coach_xstrndup(id, len));
	return r->abbrevs.v[r->abbrevs.n - 1];
}

/* Keeps an index path "coaching/C/goals|cycles|log/NAME.md" whose id
 * starts as one of the prepared ids of its kind. */
static int
keep_near(void *arg, const char *path, size_t len)
{
	struct coach_repo *r = arg;
	const char *end = path + len, *c = path + strlen("coaching/");
	const char *slash = memchr(c, '/', (size_t)(end - c));
	const char *sub = slash ? slash + 1 : end;
	const char *name = memchr(sub, '/', (size_t)(end - sub));
	if (name == NULL || len < 3 || memcmp(end - 3, ".md", 3) != 0)
		return 0;
	size_t sl = (size_t)(name - sub);
	name++;
	enum coach_kind k = sl == 5 && memcmp(sub, "goals", 5) == 0 ?
	    COACH_KIND_GOAL : sl == 6 && memcmp(sub, "cycles", 6) == 0 ?
	    COACH_KIND_CYCLE : sl == 3 && memcmp(sub, "log", 3) == 0 ?
	    COACH_KIND_ENTRY : COACH_KIND_NONE;
	size_t skip = k == COACH_KIND_ENTRY ? 11 : 0; /* YYYY-MM-DD- */
	if (k == COACH_KIND_NONE ||
	    (size_t)(end - name) < skip + COACH_ID_ABBREV + 3)
		return 0;
	name += skip;
	const uint64_t *bits = r->near_bits[k - COACH_KIND_GOAL];
	size_t b = near_bit(name);
	return bits != NULL && (bits[b / 64] >> (b % 64) & 1) &&
	    has_prefix_of(&r->near_p7[k - COACH_KIND_GOAL], name,
	    COACH_ID_ABBREV);
}

void
coach_repo_abbrev_prepare(struct coach_repo *r, const char *const *ids,
    size_t n)
{
	struct coach_strlist paths = COACH_STRLIST_INIT;
	int any = 0;
	for (size_t i = 0; i < n; i++) {
		enum coach_kind k = ids[i] ? kind_of_letter(ids[i][0]) :
		    COACH_KIND_NONE;
		if (k == COACH_KIND_NONE || strlen(ids[i]) <= COACH_ID_ABBREV)
			continue;
		coach_strlist_add_owned(&r->near_p7[k - COACH_KIND_GOAL],
		    coach_xstrndup(ids[i], COACH_ID_ABBREV));
		uint64_t **bits = &r->near_bits[k - COACH_KIND_GOAL];
		if (*bits == NULL)
			*bits = coach_xcalloc(65536 / 64, sizeof(**bits));
		size_t b = near_bit(ids[i]);
		(*bits)[b / 64] |= (uint64_t)1 << (b % 64);
		any = 1;
	}
	for (int k = 0; k < 3; k++)
		coach_strlist_sort(&r->near_p7[k]);
	if (!any)
		return;
	if (!coach_store_index_paths(r->store, "coaching/", keep_near, r,
	    &paths)) {
		/* Not from the index, then: from the work tree. */
		for (int k = 0; k < 3; k++)
			coach_strlist_free(&r->near_p7[k]);
		return;
	}
	for (size_t i = 0; i < paths.n; i++) {
		char *id = NULL;
		enum coach_kind k = coach_path_kind(paths.v[i], NULL, &id);
		if (id && k >= COACH_KIND_GOAL && k <= COACH_KIND_ENTRY)
			coach_strlist_add_owned(&r->near[k - COACH_KIND_GOAL],
			    id);
		else
			free(id);
	}
	/* The ids given are in the work tree, whether or not in the index. */
	for (size_t i = 0; i < n; i++) {
		enum coach_kind k = ids[i] ? kind_of_letter(ids[i][0]) :
		    COACH_KIND_NONE;
		if (k != COACH_KIND_NONE)
			coach_strlist_add(&r->near[k - COACH_KIND_GOAL], ids[i]);
	}
	for (int k = 0; k < 3; k++) {
		struct coach_strlist *l = &r->near[k];
		coach_strlist_sort(l);
		size_t w = 0;
		for (size_t i = 0; i < l->n; i++) {
			if (w > 0 && strcmp(l->v[w - 1], l->v[i]) == 0)
				free(l->v[i]);
			else
				l->v[w++] = l->v[i];
		}
		l->n = w;
	}
	coach_strlist_free(&paths);
}

struct coach_error *
coach_repo_resolve(struct coach_repo *r, const char *prefix,
    enum coach_kind kind, char **relpath, enum coach_kind *kind_out)
{
	const char *what = kind == COACH_KIND_NONE ? "id" :
	    kind == COACH_KIND_GOAL ? "goal id" :
	    kind == COACH_KIND_CYCLE ? "cycle id" : "entry id";
	size_t n = strlen(prefix);
	enum coach_kind k = n ? kind_of_letter(prefix[0]) : COACH_KIND_NONE;
	int hex = 1;
	for (size_t i = 1; i < n; i++)
		hex &= isxdigit((unsigned char)prefix[i]) &&
		    !isupper((unsigned char)prefix[i]);

	*relpath = NULL;
	if (k == COACH_KIND_NONE || !hex || n > COACH_ID_LEN)
		return coach_error_new(COACH_FAIL,
		    "'%s' is not a %s: ids are a letter (g goal, c cycle, e "
		    "entry) and hex digits, e.g. g3f9a1c", prefix, what);
	if (kind != COACH_KIND_NONE && k != kind)
		return coach_error_new(COACH_FAIL, "'%s' is a %s id, not a %s",
		    prefix, coach_kind_name(k), what);
	if (n < COACH_ID_MIN_PREFIX)
		return coach_error_new(COACH_FAIL,
		    "'%s' is too short: give at least %d characters of the %s",
		    prefix, COACH_ID_MIN_PREFIX, what);

	struct coach_strlist found = COACH_STRLIST_INIT;
	struct coach_error *err = matches(r, prefix, k, &found);
	if (err == NULL && found.n == 0)
		err = coach_error_new(COACH_FAIL, "no %s matches '%s'",
		    coach_kind_name(k), prefix);
	if (err == NULL && found.n > 1) {
		struct coach_buf b = COACH_BUF_INIT;
		coach_buf_printf(&b, "'%s' is ambiguous; it matches:", prefix);
		for (size_t i = 0; i < found.n; i++) {
			char *stem;
			const char *id = id_of_path(found.v[i], k, &stem);
			coach_buf_printf(&b, "\n  %s  %s", id ? id : "?",
			    found.v[i]);
			free(stem);
		}
		err = coach_error_new(COACH_FAIL, "%s", coach_buf_str(&b));
		coach_buf_free(&b);
	}
	if (err == NULL) {
		*relpath = coach_xstrdup(found.v[0]);
		if (kind_out)
			*kind_out = k;
	}
	coach_strlist_free(&found);
	return err;
}

struct coach_error *
coach_repo_resolve_near(struct coach_repo *r, const char *prefix,
    enum coach_kind kind, const char *coachee, char **relpath)
{
	*relpath = NULL;
	if (coachee != NULL && strlen(prefix) == COACH_ID_LEN &&
	    coaching_sub(kind) != NULL && kind_of_letter(prefix[0]) == kind &&
	    coach_handle_check_ok(coachee)) {
		struct coach_strlist names = COACH_STRLIST_INIT;
		char *rel = coach_xasprintf("coaching/%s/%s", coachee,
		    coaching_sub(kind));
		char *abs = coach_repo_abspath(r, rel);
		read_names(abs, 0, &names);
		for (size_t i = 0; i < names.n && *relpath == NULL; i++) {
			char *path = coach_xasprintf("%s/%s", rel, names.v[i]);
			char *stem;
			const char *id = id_of_path(path, kind, &stem);
			if (id != NULL && strcmp(id, prefix) == 0 &&
			    listable(r, path))
				*relpath = path;
			else
				free(path);
			free(stem);
		}
		coach_strlist_free(&names);
		free(abs);
		free(rel);
		if (*relpath != NULL)
			return NULL;
	}
	return coach_repo_resolve(r, prefix, kind, relpath, NULL);
}

struct coach_error *
coach_repo_new_id(struct coach_repo *r, char kind, char out[COACH_ID_LEN + 1])
{
	/* 48 random bits: among a million ids the odds that a new one
	 * repeats any of them are below 1 in 10^8, so nothing is scanned;
	 * the writer refuses a path that is taken (coach_repo_taken). */
	(void)r;
	coach_id_new(kind, out);
	return NULL;
}

int
coach_repo_taken(struct coach_repo *r, const char *relpath)
{
	struct stat st;
	char *abs = coach_repo_abspath(r, relpath);
	int taken = lstat(abs, &st) == 0 ||
	    coach_store_head_has(r->store, relpath);
	free(abs);
	return taken;
}

/* Whether arg has the shape of an id prefix (g/c/e then hex). */
static int
looks_like_id(const char *arg)
{
	size_t n = strlen(arg);
	if (n < 2 || n > COACH_ID_LEN || kind_of_letter(arg[0]) == COACH_KIND_NONE)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!isxdigit((unsigned char)arg[i]) || isupper((unsigned char)arg[i]))
			return 0;
	return 1;
}

struct coach_error *
coach_repo_find(struct coach_repo *r, const char *arg, char **relpath)
{
	*relpath = NULL;
	if (looks_like_id(arg) && access(arg, F_OK) != 0)
		return coach_repo_resolve(r, arg, COACH_KIND_NONE, relpath, NULL);

	char real[PATH_MAX], rootreal[PATH_MAX];
	if (realpath(arg, real) == NULL) {
		/* Not a file here: perhaps a path from the root. */
		char *p = coach_repo_abspath(r, arg);
		char *ok = realpath(p, real);
		free(p);
		if (ok == NULL)
			return coach_error_new(COACH_FAIL,
			    "'%s' is neither a record id nor a file in the "
			    "repository", arg);
	}
	if (realpath(coach_repo_root(r), rootreal) == NULL)
		return coach_error_errno("resolve", coach_repo_root(r));
	size_t n = strlen(rootreal);
	if (strncmp(real, rootreal, n) != 0 || real[n] != '/')
		return coach_error_new(COACH_FAIL,
		    "%s: outside the coach repository %s", arg, rootreal);
	struct stat st;
	if (stat(real, &st) != 0 || !S_ISREG(st.st_mode))
		return coach_error_new(COACH_FAIL, "%s: not a file", arg);
	*relpath = coach_xstrdup(real + n + 1);
	return NULL;
}

/* ---- who ---- */

/* Whether the file at relpath holds email (any case): a staff record
 * that does not parse may still be the user's own. */
static int
mentions(struct coach_repo *r, const char *relpath, const char *email)
{
	struct coach_buf b = COACH_BUF_INIT;
	char *abs = coach_repo_abspath(r, relpath);
	struct coach_error *err = coach_read_file(&b, abs,
	    COACH_RECORD_MAX_BYTES);
	int found = err == NULL && *email && strcasestr(coach_buf_str(&b),
	    email) != NULL;
	coach_error_free(err);
	coach_buf_free(&b);
	free(abs);
	return found;
}

/*
 * Who has which email, from HEAD's staff/ folder, kept in the git
 * directory so that finding the current user reads one tree object
 * instead of every staff record.  Lines, in the tree's order:
 *
 *     coach-staff-emails 1 <staff tree id>
 *     <blob id> <file name> <email, or nothing>
 *
 * When staff/ changed, only the files whose blob changed are read again.
 * It is a hint: the record it names is read from the work tree and must
 * still hold the email (see coach_repo_current_user).
 */
#define STAFF_CACHE "coach-staff-emails"
#define STAFF_CACHE_HEAD "coach-staff-emails 1 "

/* The email of a staff record's text; "" when it has none (or one that
 * cannot be a line of the cache). */
static char *
email_of_text(const char *name, const char *text, size_t len)
{
	struct coach_record *rec = NULL;
	char *path = coach_xasprintf("staff/%s", name);
	struct coach_error *err = coach_record_parse(&rec, path, text, len);
	const char *e = err == NULL ? coach_record_str(rec, "email") : NULL;
	char *out = coach_xstrdup(e != NULL && strpbrk(e, "\n\r\t ") == NULL ?
	    e : "");
	coach_error_free(err);
	coach_record_free(rec);
	free(path);
	return out;
}

/* The cache's lines after its header, when it is for tree. */
static void
staff_cache_read(struct coach_repo *r, const char *tree, struct coach_buf *b,
    int *fresh)
{
	char *path = coach_store_git_path(r->store, STAFF_CACHE);
	struct coach_error *err = coach_read_file(b, path, 64u << 20);
	const char *p = coach_buf_str(b);
	size_t hl = strlen(STAFF_CACHE_HEAD);
	*fresh = err == NULL && strncmp(p, STAFF_CACHE_HEAD, hl) == 0 &&
	    strncmp(p + hl, tree, 40) == 0 && p[hl + 40] == '\n';
	if (err != NULL)
		coach_buf_free(b);
	coach_error_free(err);
	free(path);
}

/* Splits "blob name email" in place; 0 when the line is not that. */
static int
staff_line(char *line, char **blob, char **name, char **email)
{
	char *sp1 = strchr(line, ' ');
	char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (sp1 == NULL || sp2 == NULL || sp1 - line != 40)
		return 0;
	*sp1 = *sp2 = '\0';
	*blob = line;
	*name = sp1 + 1;
	*email = sp2 + 1;
	return 1;
}

/* Rebuilds the cache for HEAD's staff/ (files: "BLOB NAME") into b,
 * reusing the emails of unchanged blobs from old (a cache of another
 * tree, or empty), and writes it for the next command. */
static void
staff_cache_build(struct coach_repo *r, const char *tree,
    const struct coach_strlist *files, struct coach_buf *old,
    struct coach_buf *b)
{
	struct coach_strlist prev = COACH_STRLIST_INIT;
	struct coach_strlist out = COACH_STRLIST_INIT;
	char *line = old->ptr ? strchr(old->ptr, '\n') : NULL;
	while (line != NULL && *++line != '\0') {
		char *nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		coach_strlist_add(&prev, line);
		line = nl;
	}
	size_t j = 0;
	for (size_t i = 0; i < files->n; i++) {
		const char *f = files->v[i], *name = f + 41;
		char *email = NULL;
		/* Both lists are in the tree's order: walk them together. */
		for (; j < prev.n; j++) {
			char *copy = coach_xstrdup(prev.v[j]), *pb, *pn, *pe;
			int ok = staff_line(copy, &pb, &pn, &pe);
			int c = ok ? strcmp(pn, name) : -1;
			if (ok && c == 0 && strncmp(pb, f, 40) == 0)
				email = coach_xstrdup(pe);
			free(copy);
			if (c >= 0)
				break;
		}
		if (email == NULL) {
			struct coach_buf blob = COACH_BUF_INIT;
			char hex[41];
			memcpy(hex, f, 40);
			hex[40] = '\0';
			struct coach_error *err = coach_store_blob(r->store,
			    hex, COACH_RECORD_MAX_BYTES, &blob);
			email = err ? coach_xstrdup("") : email_of_text(name,
			    coach_buf_str(&blob), blob.len);
			coach_error_free(err);
			coach_buf_free(&blob);
		}
		coach_strlist_add_owned(&out, coach_xasprintf("%.40s %s %s", f,
		    name, email));
		free(email);
	}
	coach_buf_printf(b, "%s%s\n", STAFF_CACHE_HEAD, tree);
	for (size_t i = 0; i < out.n; i++)
		coach_buf_printf(b, "%s\n", out.v[i]);
	char *path = coach_store_git_path(r->store, STAFF_CACHE);
	/* Best effort: without it the next command builds it again. */
	coach_error_free(coach_write_atomic(path, b->ptr, b->len));
	free(path);
	coach_strlist_free(&out);
	coach_strlist_free(&prev);
}

/* The cache for HEAD's staff/ into text: its first line, then a line
 * "blob name email" a record.  Empty when there is no staff/. */
static struct coach_error *
staff_emails(struct coach_repo *r, struct coach_buf *text)
{
	struct coach_strlist files = COACH_STRLIST_INIT;
	struct coach_buf b = COACH_BUF_INIT;
	char tree[41];
	int fresh = 0;
	/* The folder's id first: its list is read only when the cache
	 * is not of that folder. */
	struct coach_error *err = coach_store_head_dir(r->store, "staff", tree,
	    NULL);
	if (err != NULL || tree[0] == '\0')
		goto done;
	staff_cache_read(r, tree, &b, &fresh);
	if (fresh) {
		*text = b;
		memset(&b, 0, sizeof(b));
		goto done;
	}
	err = coach_store_head_dir(r->store, "staff", tree, &files);
	if (err == NULL && tree[0] != '\0')
		staff_cache_build(r, tree, &files, &b, text);
done:
	coach_buf_free(&b);
	coach_strlist_free(&files);
	return err;
}

/*
 * What the cache of HEAD's staff/ says of email: the handle of the first
 * record it gives the email, checked against the work tree (the record
 * must be there and still hold it), or NULL.  With NULL, *absent says
 * that no staff record can hold the email: staff/ in the work tree is
 * HEAD's (coach_store_folder_clean()), the cache gives nobody the email,
 * and no record it has no email for (one that does not parse, or has
 * none) mentions it.  Neither: the caller reads every staff record.
 */
static char *
user_from_cache(struct coach_repo *r, const char *email, int *absent)
{
	struct coach_buf text = COACH_BUF_INIT;
	struct coach_strlist unknown = COACH_STRLIST_INIT;
	char *handle = NULL;
	int seen = 0;	/* a line gives the email, or cannot be read */
	*absent = 0;
	struct coach_error *err = staff_emails(r, &text);
	/* The lines after the first, split in place. */
	char *next = err == NULL && text.ptr ? strchr(text.ptr, '\n') : NULL;
	if (next == NULL)
		goto done;
	while (*++next != '\0') {
		char *line = next, *blob, *name, *e;
		if ((next = strchr(line, '\n')) == NULL)
			break;
		*next = '\0';
		if (!staff_line(line, &blob, &name, &e)) {
			seen = 1;
			continue;
		}
		if (*e == '\0')
			coach_strlist_add_owned(&unknown, coach_xasprintf(
			    "staff/%s", name));
		if (strcasecmp(e, email) != 0)
			continue;
		seen = 1;
		size_t n = strlen(name);
		if (n <= 3 || strcmp(name + n - 3, ".md") != 0)
			continue;
		char *path = coach_xasprintf("staff/%s", name);
		struct coach_record *rec = NULL;
		char *link = coach_repo_link_in(r, path);
		struct coach_error *lerr = link ? NULL :
		    coach_repo_load(r, path, &rec);
		free(link);
		const char *now = rec ? coach_record_str(rec, "email") : NULL;
		if (lerr == NULL && now != NULL && strcasecmp(now, email) == 0)
			handle = coach_xstrndup(name, n - 3);
		coach_error_free(lerr);
		coach_record_free(rec);
		free(path);
		/* The first record with the email decides, as a full scan
		 * would: when it no longer holds it, let the scan say. */
		goto done;
	}
	*absent = !seen && strpbrk(email, " \t\r\n") == NULL &&
	    coach_store_folder_clean(r->store, "staff/");
	for (size_t i = 0; *absent && i < unknown.n; i++)
		*absent = !mentions(r, unknown.v[i], email);
done:
	coach_error_free(err);
	coach_strlist_free(&unknown);
	coach_buf_free(&text);
	return handle;
}

struct coach_error *
coach_repo_current_user(struct coach_repo *r, char **handle)
{
	char *email = NULL;
	struct coach_strlist staff = COACH_STRLIST_INIT;
	struct coach_error *err = NULL, *broken = NULL;

	*handle = NULL;
	/* Who git would say wrote a commit: GIT_AUTHOR_EMAIL first. */
	email = coach_store_author_email(r->store);
	if (email == NULL)
		goto done;
	int absent = 0;
	if (*email != '\0' && ((*handle = user_from_cache(r, email,
	    &absent)) != NULL || absent))
		goto done;
	err = coach_repo_list(r, COACH_KIND_STAFF, NULL, &staff);
	for (size_t i = 0; err == NULL && i < staff.n; i++) {
		struct coach_record *rec;
		struct coach_error *lerr = coach_repo_load(r, staff.v[i], &rec);
		if (lerr) {
			/* check reports broken records; the user's own is
			 * said here, where it stops coach knowing them. */
			if (broken == NULL && mentions(r, staff.v[i], email))
				broken = lerr;
			else
				coach_error_free(lerr);
			continue;
		}
		const char *e = coach_record_str(rec, "email");
		if (e && strcasecmp(e, email) == 0 && *handle == NULL) {
			char *id;
			coach_path_kind(staff.v[i], NULL, &id);
			*handle = id;
		}
		coach_record_free(rec);
	}
	if (err == NULL && *handle == NULL && broken) {
		err = coach_error_coded(COACH_E_INVALID, "your staff record "
		    "cannot be read, so coach does not know who you are (%s): "
		    "%s; fix the file (see 'coach check')", email,
		    coach_error_msg(broken));
	}
done:
	coach_error_free(broken);
	coach_strlist_free(&staff);
	free(email);
	return err;
}

static int
handle_ok(const char *s)
{
	struct coach_error *err = coach_handle_check("handle", s);
	int ok = err == NULL;
	coach_error_free(err);
	return ok;
}

/* The handles of staff/, sorted. */
static void
staff_handles(struct coach_repo *r, struct coach_strlist *out)
{
	struct coach_strlist paths = COACH_STRLIST_INIT;
	struct coach_error *err = coach_repo_list(r, COACH_KIND_STAFF, NULL,
	    &paths);
	coach_error_free(err);
	for (size_t i = 0; i < paths.n; i++) {
		const char *base = strrchr(paths.v[i], '/');
		base = base ? base + 1 : paths.v[i];
		size_t n = strlen(base);
		if (n > 3 && strcmp(base + n - 3, ".md") == 0)
			coach_strlist_add_owned(out, coach_xstrndup(base,
			    n - 3));
	}
	coach_strlist_free(&paths);
}

/* "no member of staff 'Siobhan'; did you mean 'siobhan'? ..." */
static struct coach_error *
unknown_staff(struct coach_repo *r, const char *arg)
{
	struct coach_strlist handles = COACH_STRLIST_INIT;
	staff_handles(r, &handles);
	const char *guess = coach_suggest(arg, (const char *const *)handles.v,
	    handles.n);
	struct coach_error *err;
	if (guess)
		err = coach_error_coded(COACH_E_NOTFOUND, "no member of staff "
		    "'%s'; did you mean '%s'? (see 'coach staff list')", arg,
		    guess);
	else if (handle_ok(arg))
		err = coach_error_coded(COACH_E_NOTFOUND, "no member of staff "
		    "'%s'; see 'coach staff list', or add them with 'coach "
		    "staff add %s --name NAME'", arg, arg);
	else
		err = coach_handle_check("handle", arg);
	coach_strlist_free(&handles);
	return err;
}

struct coach_error *
coach_repo_staff_check(struct coach_repo *r, const char *handle)
{
	char *p = coach_path_staff(handle);
	int ok = handle_ok(handle) && coach_repo_exists(r, p);
	free(p);
	return ok ? NULL : unknown_staff(r, handle);
}

struct coach_error *
coach_repo_coachee(struct coach_repo *r, const char *arg, char **out)
{
	struct coach_error *err;
	*out = NULL;
	if (arg) {
		if ((err = coach_repo_staff_check(r, arg)))
			return err;
		*out = coach_xstrdup(arg);
		return NULL;
	}
	if ((err = coach_repo_current_user(r, out)))
		return err;
	if (*out)
		return NULL;
	char *email = NULL;
	email = coach_store_author_email(r->store);
	err = coach_error_new(COACH_FAIL,
	    "no member of staff has your email (%s, from git's author "
	    "identity): name the coachee, or add yourself with 'coach staff "
	    "add HANDLE --name NAME --email %s'",
	    email ? email : "unset", email ? email : "EMAIL");
	free(email);
	return err;
}

struct coach_error *
coach_repo_coachee_of(struct coach_repo *r, const char *arg,
    const char *option, const char *prefix, enum coach_kind kind, char **out)
{
	*out = NULL;
	if (arg || prefix == NULL)
		return coach_repo_coachee(r, arg, out);
	char *path = NULL;
	struct coach_error *err = coach_repo_resolve(r, prefix, kind, &path,
	    NULL);
	if (err == NULL)
		coach_path_kind(path, out, NULL);
	free(path);
	if (err)
		return coach_error_prefix(err, "%s", option);
	return *out ? NULL : coach_repo_coachee(r, NULL, out);
}
