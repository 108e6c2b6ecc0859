/*
 * store.c: the git repository behind a coach repository, on libgit2.
 *
 * The only module that includes <git2.h>.  A commit never scans the work
 * tree: the new tree is HEAD's tree with the staged paths replaced
 * (git_tree_create_updated) and only those index entries are rewritten, so
 * its cost follows the size of the change and not of the repository.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

struct coach_store {
	git_repository *repo;
	char *root;	/* work tree, no trailing '/' */
};

/* One staged path. */
struct staged {
	char *path;
	char *data;	/* NULL for a removal */
	size_t len;
	int remove;
	git_oid blob;	/* filled by the commit */
};

/* What a path held before the commit wrote it, to put it back. */
struct saved {
	int existed;
	mode_t mode;
	struct coach_buf content;
	int touched;	/* the work tree file was changed */
};

struct coach_txn {
	struct coach_store *s;
	int lockfd;
	char *name, *email;
	struct coach_error *bad;	/* first refused path */
	struct staged *v;
	size_t n, cap;
	/* Open-addressing index of v by path: slot holds i + 1, 0 is empty.
	 * A big first commit stages 100k paths; a linear search for the
	 * path staged twice would make that quadratic. */
	size_t *slots;
	size_t nslots;	/* a power of two, at least 2 * n */
};

/*
 * libgit2 is initialised once per open handle (it counts references) and
 * told to fsync what it writes into .git.  The global and XDG config paths
 * are re-read from $HOME each time because libgit2 caches them, and
 * GIT_CONFIG_NOSYSTEM is honoured as git does.
 */
static void
lib_init(void)
{
	git_libgit2_init();
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, NULL);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, NULL);
	const char *nosys = getenv("GIT_CONFIG_NOSYSTEM");
	if (nosys != NULL && *nosys != '\0' && strcmp(nosys, "0") != 0 &&
	    strcasecmp(nosys, "false") != 0)
		git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH,
			GIT_CONFIG_LEVEL_SYSTEM, "");
	else
		git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH,
			GIT_CONFIG_LEVEL_SYSTEM, NULL);
}

static const char *
git_msg(void)
{
	const git_error *e = git_error_last();
	return e != NULL && e->message != NULL ? e->message : "unknown error";
}

/* An error from the last libgit2 call: "<what>: <libgit2's message>". */
static struct coach_error *
git_fail(const char *what)
{
	return coach_error_new(COACH_FAIL, "%s: %s", what, git_msg());
}

static struct coach_error *
locked_error(const char *lockfile)
{
	return coach_error_new(COACH_FAIL,
		"%s exists: another git process seems to be running in this "
		"repository; if none is, remove that file and try again",
		lockfile);
}

static const char identity_help[] =
	"tell git who you are first:\n"
	"  git config --global user.name \"Your Name\"\n"
	"  git config --global user.email you@school.example";

/* ------------------------------------------------------------------ */
/* Opening */

static char *
strip_slash(const char *p)
{
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	return coach_xstrndup(p, n);
}

static struct coach_store *
store_new(git_repository *repo)
{
	struct coach_store *s = coach_xcalloc(1, sizeof(*s));
	s->repo = repo;
	s->root = strip_slash(git_repository_workdir(repo));
	return s;
}

/*
 * libgit2 1.5.1 reports a repository owned by someone else as -3 "config
 * value 'safe.directory' was not found" (later versions as GIT_EOWNER).
 */
static int
is_ownership_error(int rc)
{
	if (rc == GIT_EOWNER)
		return 1;
	return rc == GIT_ENOTFOUND && strstr(git_msg(), "safe.directory");
}

static struct coach_error *
ownership_error(const char *dir)
{
	char *d = strip_slash(dir);
	struct coach_error *err = coach_error_new(COACH_FAIL,
		"the repository at %s belongs to another user; if you trust "
		"it, run: git config --global --add safe.directory %s", d, d);
	free(d);
	return err;
}

/* Whether the repository has any branch, tag or other ref: commits. */
static int
has_refs(git_repository *repo)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	int any = git_repository_head_unborn(repo) != 1;
	if (!any && git_reference_iterator_new(&it, repo) == 0 &&
	    git_reference_next(&ref, it) == 0)
		any = 1;
	git_reference_free(ref);
	git_reference_iterator_free(it);
	return any;
}

struct coach_error *
coach_store_init(struct coach_store **out, const char *dir)
{
	struct coach_error *err = NULL;
	git_repository *repo = NULL;
	int rc;

	*out = NULL;
	lib_init();
	rc = git_repository_open_ext(&repo, dir, GIT_REPOSITORY_OPEN_NO_SEARCH,
		NULL);
	if (rc == 0) {
		if (git_repository_is_bare(repo)) {
			err = coach_error_new(COACH_FAIL,
				"%s is a bare git repository: choose another "
				"directory", dir);
			goto done;
		}
		if (has_refs(repo)) {
			err = coach_error_new(COACH_FAIL,
				"%s already holds a git repository with "
				"commits: choose a new or empty directory", dir);
			goto done;
		}
		/* An empty repository: its first commit goes on main. */
		if (git_repository_set_head(repo, "refs/heads/main") < 0) {
			err = git_fail(dir);
			goto done;
		}
	} else if (is_ownership_error(rc)) {
		err = ownership_error(dir);
		goto done;
	} else {
		git_repository_init_options opts;
		git_repository_init_options_init(&opts,
			GIT_REPOSITORY_INIT_OPTIONS_VERSION);
		opts.flags = GIT_REPOSITORY_INIT_MKPATH |
			GIT_REPOSITORY_INIT_MKDIR;
		opts.initial_head = "main";
		if (git_repository_init_ext(&repo, dir, &opts) < 0) {
			err = git_fail(dir);
			goto done;
		}
	}
	*out = store_new(repo);
	repo = NULL;
done:
	git_repository_free(repo);
	if (err != NULL)
		git_libgit2_shutdown();
	return err;
}

/* The parent directory of the absolute path dir, or NULL at "/". */
static char *
parent_dir(const char *dir)
{
	char *p = strip_slash(dir);
	char *slash = strrchr(p, '/');
	if (slash == NULL || (slash == p && p[1] == '\0')) {
		free(p);
		return NULL;
	}
	if (slash == p)
		slash[1] = '\0';
	else
		*slash = '\0';
	return p;
}

static int
has_marker(const char *workdir, const char *marker)
{
	char *p = coach_path_join(workdir, marker);
	struct stat st;
	int ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return ok;
}

/*
 * Opens the repository whose work tree holds start (searching upwards);
 * *repo is NULL when there is none.
 */
static struct coach_error *
open_one(git_repository **repo, const char *start)
{
	git_buf found = GIT_BUF_INIT;
	struct coach_error *err = NULL;
	int rc;

	*repo = NULL;
	/* GIT_CEILING_DIRECTORIES stops the search where it stops git's. */
	rc = git_repository_discover(&found, start, 0,
		getenv("GIT_CEILING_DIRECTORIES"));
	if (rc == GIT_ENOTFOUND)
		goto done;
	if (rc < 0) {
		err = is_ownership_error(rc) ? ownership_error(start) :
			git_fail(start);
		goto done;
	}
	rc = git_repository_open_ext(repo, found.ptr,
		GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (rc < 0) {
		*repo = NULL;
		if (is_ownership_error(rc)) {
			/* found is ".../.git/": the owner is its work tree. */
			char *wt = parent_dir(found.ptr);
			err = ownership_error(wt != NULL ? wt : found.ptr);
			free(wt);
		} else
			err = git_fail(found.ptr);
		goto done;
	}
	if (git_repository_is_bare(*repo)) {
		err = coach_error_new(COACH_FAIL,
			"%s is a bare git repository, with no files to work "
			"on: run coach in a clone of it", found.ptr);
		git_repository_free(*repo);
		*repo = NULL;
	}
done:
	git_buf_dispose(&found);
	return err;
}

struct coach_error *
coach_store_find(struct coach_store **out, const char *start_dir,
	const char *marker)
{
	struct coach_error *err = NULL;
	git_repository *repo = NULL;
	char *dir = NULL;

	*out = NULL;
	lib_init();
	dir = realpath(start_dir, NULL);
	if (dir == NULL) {
		err = coach_error_errno("cannot open", start_dir);
		goto done;
	}
	while (dir != NULL) {
		if ((err = open_one(&repo, dir)) != NULL)
			goto done;
		if (repo == NULL)
			break;
		const char *wd = git_repository_workdir(repo);
		if (marker == NULL || has_marker(wd, marker))
			break;
		/* A repository without the marker: look further up. */
		char *up = parent_dir(wd);
		git_repository_free(repo);
		repo = NULL;
		/* A work tree set elsewhere (core.worktree) could send the
		 * search back down: only ever go up. */
		if (up != NULL && strlen(up) >= strlen(dir)) {
			free(up);
			up = NULL;
		}
		free(dir);
		dir = up;
	}
	if (repo != NULL) {
		*out = store_new(repo);
		repo = NULL;
	}
done:
	git_repository_free(repo);
	free(dir);
	if (*out == NULL)
		git_libgit2_shutdown();
	return err;
}

struct coach_error *
coach_store_open(struct coach_store **out, const char *start_dir,
	const char *marker)
{
	struct coach_error *err = coach_store_find(out, start_dir, marker);
	if (err != NULL || *out != NULL)
		return err;
	if (marker != NULL)
		return coach_error_new(COACH_FAIL, "%s is not in a coach "
			"repository (no git repository with %s above it)",
			start_dir, marker);
	return coach_error_new(COACH_FAIL, "%s is not in a git repository",
		start_dir);
}

void
coach_store_close(struct coach_store *s)
{
	if (s == NULL)
		return;
	git_repository_free(s->repo);
	free(s->root);
	free(s);
	git_libgit2_shutdown();
}

const char *
coach_store_root(const struct coach_store *s)
{
	return s->root;
}

/* ------------------------------------------------------------------ */
/* Config */

/* Says which of user.name and user.email is missing, and how to set
 * them. */
static struct coach_error *
identity_error(struct coach_store *s)
{
	char *why = coach_xstrdup(git_msg());
	char *name = NULL, *email = NULL;
	const char *missing;
	coach_error_free(coach_store_config_get(s, "user.name", &name));
	coach_error_free(coach_store_config_get(s, "user.email", &email));
	if ((name == NULL || *name == '\0') && (email == NULL || *email == '\0'))
		missing = "user.name and user.email are not set";
	else if (name == NULL || *name == '\0')
		missing = "user.name is not set";
	else if (email == NULL || *email == '\0')
		missing = "user.email is not set";
	else
		missing = why;	/* set, but unusable */
	struct coach_error *err = coach_error_new(COACH_FAIL,
		"git does not know who you are (%s); %s", missing,
		identity_help);
	free(email);
	free(name);
	free(why);
	return err;
}

struct coach_error *
coach_store_identity(struct coach_store *s, char **name, char **email)
{
	git_signature *sig = NULL;
	struct coach_error *err = NULL;

	*name = *email = NULL;
	/* Fails (-3) when user.name or user.email is unset. */
	if (git_signature_default(&sig, s->repo) < 0) {
		err = identity_error(s);
		goto done;
	}
	*name = coach_xstrdup(sig->name);
	*email = coach_xstrdup(sig->email);
done:
	git_signature_free(sig);
	return err;
}

/* *out is NULL when key is unset. */
static struct coach_error *
config_string(git_config *cfg, const char *key, char **out)
{
	git_buf b = GIT_BUF_INIT;
	struct coach_error *err = NULL;
	int rc;

	*out = NULL;
	rc = git_config_get_string_buf(&b, cfg, key);
	if (rc == GIT_ENOTFOUND)
		goto done;
	if (rc < 0) {
		err = git_fail(key);
		goto done;
	}
	*out = coach_xstrdup(b.ptr);
done:
	git_buf_dispose(&b);
	return err;
}

struct coach_error *
coach_store_config_get(struct coach_store *s, const char *key, char **out)
{
	git_config *cfg = NULL;
	struct coach_error *err = NULL;

	*out = NULL;
	if (git_repository_config_snapshot(&cfg, s->repo) < 0) {
		err = git_fail("reading git config");
		goto done;
	}
	err = config_string(cfg, key, out);
done:
	git_config_free(cfg);
	return err;
}

struct coach_error *
coach_store_config_set(struct coach_store *s, const char *key,
	const char *value)
{
	git_config *cfg = NULL, *local = NULL;
	struct coach_error *err = NULL;

	if (git_repository_config(&cfg, s->repo) < 0 ||
	    git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL) < 0) {
		err = git_fail("opening .git/config");
		goto done;
	}
	if (git_config_set_string(local, key, value) < 0) {
		err = git_fail(key);
		goto done;
	}
done:
	git_config_free(local);
	git_config_free(cfg);
	return err;
}

struct coach_error *
coach_store_global_config_get(const char *key, char **out)
{
	git_config *cfg = NULL, *snap = NULL;
	struct coach_error *err = NULL;

	*out = NULL;
	lib_init();
	if (git_config_open_default(&cfg) < 0 ||
	    git_config_snapshot(&snap, cfg) < 0) {
		err = git_fail("reading git config");
		goto done;
	}
	err = config_string(snap, key, out);
done:
	git_config_free(snap);
	git_config_free(cfg);
	git_libgit2_shutdown();
	return err;
}

/* ------------------------------------------------------------------ */
/* The writer's lock */

static double
lock_wait_seconds(void)
{
	const char *v = getenv("COACH_LOCK_TIMEOUT");
	if (v != NULL && *v != '\0') {
		char *end;
		errno = 0;
		double d = strtod(v, &end);
		if (errno == 0 && *end == '\0' && d >= 0 && d < 86400)
			return d;
	}
	return COACH_STORE_LOCK_WAIT;
}

static double
now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * flock() on .git/coach.lock: the kernel drops it when its holder dies, so
 * a crashed writer never blocks the next one.
 */
static struct coach_error *
take_lock(int *fdout, struct coach_store *s)
{
	struct coach_error *err = NULL;
	char *path = coach_path_join(git_repository_commondir(s->repo),
		"coach.lock");
	double deadline = now_seconds() + lock_wait_seconds();
	int fd;

	*fdout = -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd == -1) {
		err = coach_error_errno("cannot open", path);
		goto done;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			err = coach_error_errno("cannot lock", path);
			goto done;
		}
		if (now_seconds() >= deadline) {
			err = coach_error_new(COACH_FAIL, "another coach command "
				"is writing to this repository; try again");
			goto done;
		}
		struct timespec pause = { 0, 20 * 1000 * 1000 };
		nanosleep(&pause, NULL);
	}
	*fdout = fd;
	fd = -1;
done:
	if (fd != -1)
		close(fd);
	free(path);
	return err;
}

/* ------------------------------------------------------------------ */
/* Staging */

/* NULL when path may be written: relative, '/'-separated, no empty, "."
 * or ".." component and nothing inside .git. */
static struct coach_error *
check_path(const char *path)
{
	const char *why = NULL;
	if (*path == '\0')
		why = "it is empty";
	else if (*path == '/')
		why = "it must be relative to the repository's root";
	for (const char *c = path; why == NULL && *c != '\0';) {
		size_t n = strcspn(c, "/");
		if (n == 0)
			why = "it has an empty component";
		else if ((n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			why = "it has a '.' or '..' component";
		else if (n == 4 && strncasecmp(c, ".git", 4) == 0)
			why = "it is inside .git";
		c += n;
		if (*c == '/') {
			c++;
			if (*c == '\0')
				why = "it ends with '/'";
		}
	}
	if (why == NULL)
		return NULL;
	return coach_error_new(COACH_FAIL, "refusing to write '%s': %s",
		path, why);
}

struct coach_error *
coach_store_begin(struct coach_txn **out, struct coach_store *s)
{
	struct coach_error *err = NULL;
	struct coach_txn *t = coach_xcalloc(1, sizeof(*t));

	*out = NULL;
	t->s = s;
	t->lockfd = -1;
	if ((err = coach_store_identity(s, &t->name, &t->email)) != NULL)
		goto done;
	if ((err = take_lock(&t->lockfd, s)) != NULL)
		goto done;
	*out = t;
	t = NULL;
done:
	if (t != NULL)
		coach_txn_abort(t);
	return err;
}

static size_t
path_hash(const char *p)
{
	size_t h = 14695981039346656037u;	/* FNV-1a */
	for (; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	return h;
}

/* The slot for path: the one holding it, or the empty one it would go
 * in. */
static size_t *
slot_of(struct coach_txn *t, const char *path)
{
	size_t mask = t->nslots - 1;
	for (size_t i = path_hash(path) & mask;; i = (i + 1) & mask)
		if (t->slots[i] == 0 ||
		    strcmp(t->v[t->slots[i] - 1].path, path) == 0)
			return &t->slots[i];
}

static void
grow_slots(struct coach_txn *t)
{
	free(t->slots);
	t->nslots = t->nslots ? t->nslots * 2 : 16;
	t->slots = coach_xcalloc(t->nslots, sizeof(*t->slots));
	for (size_t i = 0; i < t->n; i++)
		*slot_of(t, t->v[i].path) = i + 1;
}

static struct staged *
stage(struct coach_txn *t, const char *path)
{
	struct coach_error *bad = check_path(path);
	if (bad != NULL) {
		if (t->bad == NULL)
			t->bad = bad;
		else
			coach_error_free(bad);
		return NULL;
	}
	if (2 * (t->n + 1) > t->nslots)
		grow_slots(t);
	size_t *slot = slot_of(t, path);
	if (*slot != 0) {
		/* A path staged twice keeps its last change. */
		struct staged *e = &t->v[*slot - 1];
		free(e->data);
		e->data = NULL;
		return e;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->v = coach_xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	struct staged *e = &t->v[t->n++];
	memset(e, 0, sizeof(*e));
	e->path = coach_xstrdup(path);
	*slot = t->n;
	return e;
}

void
coach_txn_write(struct coach_txn *t, const char *path, const void *data,
	size_t len)
{
	struct staged *e = stage(t, path);
	if (e == NULL)
		return;
	e->remove = 0;
	e->data = coach_xmalloc(len + 1);
	if (len > 0)
		memcpy(e->data, data, len);
	e->len = len;
}

void
coach_txn_remove(struct coach_txn *t, const char *path)
{
	struct staged *e = stage(t, path);
	if (e == NULL)
		return;
	e->remove = 1;
	e->len = 0;
}

size_t
coach_txn_count(const struct coach_txn *t)
{
	return t->n;
}

void
coach_txn_abort(struct coach_txn *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].path);
		free(t->v[i].data);
	}
	free(t->v);
	free(t->slots);
	free(t->name);
	free(t->email);
	coach_error_free(t->bad);
	/* Closing the descriptor releases the flock. */
	if (t->lockfd != -1)
		close(t->lockfd);
	free(t);
}

/* ------------------------------------------------------------------ */
/* Writing the work tree */

static struct coach_error *
fsync_dir(const char *dir)
{
	struct coach_error *err = NULL;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return coach_error_errno("cannot open", dir);
	if (fsync(fd) == -1)
		err = coach_error_errno("cannot fsync", dir);
	close(fd);
	return err;
}

/*
 * Above this many paths a commit syncs the file system once (syncfs)
 * instead of fsyncing every file, object and directory: a first commit of
 * 100k files would otherwise wait for some 300k fsyncs.  Either way
 * everything is on disk before the branch moves.
 */
#define BATCH_SYNC 64

static struct coach_error *
sync_fs(const char *dir)
{
	struct coach_error *err = NULL;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return coach_error_errno("cannot open", dir);
	if (syncfs(fd) == -1)
		err = coach_error_errno("cannot sync", dir);
	close(fd);
	return err;
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash == NULL ? coach_xstrdup(".") :
		coach_xstrndup(path, (size_t)(slash - path));
}

/* Notes that path's directory changed (an entry added, replaced or
 * removed); sync_dirs() fsyncs each such directory once. */
static void
dirty_dir(struct coach_strlist *dirty, const char *path)
{
	char *dir = dir_of(path);
	if (dirty->n > 0 && strcmp(dirty->v[dirty->n - 1], dir) == 0)
		free(dir);
	else
		coach_strlist_add_owned(dirty, dir);
}

static struct coach_error *
sync_dirs(struct coach_strlist *dirty)
{
	struct coach_error *err = NULL;
	coach_strlist_sort(dirty);
	for (size_t i = 0; i < dirty->n && err == NULL; i++)
		if (i == 0 || strcmp(dirty->v[i], dirty->v[i - 1]) != 0)
			err = fsync_dir(dirty->v[i]);
	return err;
}

/*
 * Creates the missing directories on the way to the file rel below root,
 * adding each one created to made (outermost first) and its parent to
 * dirty.
 */
static struct coach_error *
make_parents(const char *root, const char *rel, struct coach_strlist *made,
	struct coach_strlist *dirty)
{
	struct coach_error *err = NULL;
	char *full = coach_path_join(root, rel);
	size_t off = strlen(root) + 1;

	for (char *q = full + off; (q = strchr(q, '/')) != NULL; q++) {
		struct stat st;
		*q = '\0';
		if (mkdir(full, 0777) == 0) {
			coach_strlist_add(made, full);
			dirty_dir(dirty, full);
		} else if (errno != EEXIST) {
			err = coach_error_errno("cannot create directory", full);
		} else if (lstat(full, &st) == -1) {
			err = coach_error_errno("cannot read", full);
		} else if (!S_ISDIR(st.st_mode)) {
			/* Never write through a symbolic link, as git does
			 * not: it could point outside the work tree. */
			err = coach_error_new(COACH_FAIL, "cannot write %s: %s "
				"is not a directory (%s); move it away and try "
				"again", rel, full, S_ISLNK(st.st_mode) ?
				"a symbolic link" : "a file");
		}
		*q = '/';
		if (err != NULL)
			break;
	}
	free(full);
	return err;
}

static mode_t
default_mode(void)
{
	mode_t mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

/* Writes data to path through a temporary file in the same directory
 * (fsynced when sync is set) renamed over it. */
static struct coach_error *
write_atomic(const char *path, const void *data, size_t len, mode_t mode,
	struct coach_strlist *dirty, int sync)
{
	struct coach_error *err = NULL;
	char *dir = dir_of(path);
	const char *base = strrchr(path, '/');
	char *tmp = coach_xasprintf("%s/.%s.coach-XXXXXX", dir,
		base != NULL ? base + 1 : path);
	int fd = mkstemp(tmp);

	if (fd == -1) {
		err = coach_error_errno("cannot create", tmp);
		goto done;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, (const char *)data + off, len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1) {
			err = coach_error_errno("cannot write", tmp);
			goto done;
		}
		off += (size_t)w;
	}
	if (fchmod(fd, mode) == -1 || (sync && fsync(fd) == -1)) {
		err = coach_error_errno("cannot write", tmp);
		goto done;
	}
	if (close(fd) == -1) {
		fd = -1;
		err = coach_error_errno("cannot write", tmp);
		goto done;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		err = coach_error_errno("cannot write", path);
		goto done;
	}
	dirty_dir(dirty, path);
done:
	if (fd != -1)
		close(fd);
	if (err != NULL)
		unlink(tmp);
	free(tmp);
	free(dir);
	return err;
}

static struct coach_error *
remove_file(const char *path, struct coach_strlist *dirty)
{
	if (unlink(path) == -1) {
		if (errno == ENOENT)
			return NULL;
		return coach_error_errno("cannot remove", path);
	}
	dirty_dir(dirty, path);
	return NULL;
}

/* Remembers what path holds now, so that a failed commit can put it back. */
static struct coach_error *
save_file(struct saved *sv, const char *path)
{
	struct stat st;
	if (lstat(path, &st) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return NULL;
		return coach_error_errno("cannot read", path);
	}
	if (!S_ISREG(st.st_mode))
		return coach_error_new(COACH_FAIL, "cannot write %s: it is not "
			"a regular file; move it away and try again", path);
	sv->existed = 1;
	sv->mode = st.st_mode & 07777;
	return coach_read_file(&sv->content, path, SIZE_MAX);
}

static void
restore_file(struct saved *sv, const char *root, const char *rel,
	struct coach_strlist *dirty)
{
	char *path = coach_path_join(root, rel);
	struct coach_error *err;
	if (sv->existed) {
		struct coach_strlist made = COACH_STRLIST_INIT;
		err = make_parents(root, rel, &made, dirty);
		if (err == NULL)
			err = write_atomic(path, sv->content.ptr,
				sv->content.len, sv->mode, dirty, 1);
		coach_strlist_free(&made);
	} else {
		err = remove_file(path, dirty);
	}
	/* Best effort: the commit's own error is what gets reported. */
	coach_error_free(err);
	free(path);
}

/* Removes the now-empty directories between the file rel and root (as
 * git rm does). */
static void
prune_dirs(const char *root, const char *rel)
{
	char *path = coach_path_join(root, rel);
	size_t rootlen = strlen(root);
	char *slash;
	while ((slash = strrchr(path, '/')) != NULL &&
	    (size_t)(slash - path) > rootlen) {
		*slash = '\0';
		if (rmdir(path) == -1)
			break;
	}
	free(path);
}

/* ------------------------------------------------------------------ */
/* Committing */

/* The state of the branch HEAD points at. */
struct head {
	char *branch;		/* e.g. "refs/heads/main" */
	int unborn;
	git_oid oid;		/* valid unless unborn */
	git_commit *commit;
	git_tree *tree;		/* HEAD's tree, or the empty tree */
};

static void
head_free(struct head *h)
{
	free(h->branch);
	git_commit_free(h->commit);
	git_tree_free(h->tree);
}

static struct coach_error *
empty_tree(git_tree **out, git_repository *repo)
{
	git_treebuilder *tb = NULL;
	git_oid oid;
	struct coach_error *err = NULL;
	if (git_treebuilder_new(&tb, repo, NULL) < 0 ||
	    git_treebuilder_write(&oid, tb) < 0 ||
	    git_tree_lookup(out, repo, &oid) < 0)
		err = git_fail("writing the empty tree");
	git_treebuilder_free(tb);
	return err;
}

static struct coach_error *
read_head(struct head *h, git_repository *repo)
{
	git_reference *ref = NULL, *resolved = NULL;
	struct coach_error *err = NULL;
	int rc;

	memset(h, 0, sizeof(*h));
	if (git_reference_lookup(&ref, repo, "HEAD") < 0) {
		err = git_fail("reading HEAD");
		goto done;
	}
	if (git_reference_type(ref) != GIT_REFERENCE_SYMBOLIC) {
		err = coach_error_new(COACH_FAIL, "HEAD is detached: switch "
			"to a branch first (git switch main)");
		goto done;
	}
	h->branch = coach_xstrdup(git_reference_symbolic_target(ref));
	rc = git_reference_lookup(&resolved, repo, h->branch);
	if (rc == GIT_ENOTFOUND) {
		h->unborn = 1;
		err = empty_tree(&h->tree, repo);
		goto done;
	}
	if (rc < 0 || git_reference_type(resolved) != GIT_REFERENCE_DIRECT) {
		err = git_fail(h->branch);
		goto done;
	}
	git_oid_cpy(&h->oid, git_reference_target(resolved));
	if (git_commit_lookup(&h->commit, repo, &h->oid) < 0 ||
	    git_commit_tree(&h->tree, h->commit) < 0)
		err = git_fail("reading HEAD's commit");
done:
	git_reference_free(resolved);
	git_reference_free(ref);
	return err;
}

/* The mode path keeps in tree: executable stays executable. */
static git_filemode_t
tree_mode(git_tree *tree, const char *path, int *present)
{
	git_tree_entry *e = NULL;
	git_filemode_t mode = GIT_FILEMODE_BLOB;
	*present = 0;
	if (git_tree_entry_bypath(&e, tree, path) == 0) {
		*present = 1;
		if (git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB_EXECUTABLE)
			mode = GIT_FILEMODE_BLOB_EXECUTABLE;
		git_tree_entry_free(e);
	}
	return mode;
}

/*
 * Refuses to write path where HEAD's tree has a file on the way to it
 * or a directory at it: git_tree_create_updated() only says "D/F
 * conflict".
 */
static struct coach_error *
check_fits(git_tree *tree, const char *path)
{
	struct coach_error *err = NULL;
	char *p = coach_xstrdup(path);
	for (char *q = p;; q++) {
		char saved = *q;
		if (saved != '/' && saved != '\0')
			continue;
		*q = '\0';
		git_tree_entry *e = NULL;
		if (git_tree_entry_bypath(&e, tree, p) < 0) {
			*q = saved;
			break;	/* the rest is new */
		}
		int is_tree = git_tree_entry_type(e) == GIT_OBJECT_TREE;
		git_tree_entry_free(e);
		if (saved == '/' && !is_tree)
			err = coach_error_new(COACH_FAIL, "cannot write %s: %s "
				"is a file in the repository", path, p);
		else if (saved == '\0' && is_tree)
			err = coach_error_new(COACH_FAIL, "cannot write %s: it "
				"is a directory in the repository", path);
		*q = saved;
		if (err != NULL || saved == '\0')
			break;
	}
	free(p);
	return err;
}

/* Refuses a change that writes both a file and something below it. */
static struct coach_error *
check_staged_fit(struct coach_txn *t)
{
	struct coach_error *err = NULL;
	for (size_t i = 0; i < t->n && err == NULL; i++) {
		char *p = coach_xstrdup(t->v[i].path);
		for (char *q = strchr(p, '/'); q != NULL && err == NULL;
		    q = strchr(q + 1, '/')) {
			*q = '\0';
			size_t *slot = slot_of(t, p);
			if (*slot != 0 && !t->v[*slot - 1].remove)
				err = coach_error_new(COACH_FAIL, "cannot write "
					"both %s and %s", p, t->v[i].path);
			*q = '/';
		}
		free(p);
	}
	return err;
}

/* Writes the blobs and the new tree: HEAD's tree with the staged paths
 * changed.  Nothing outside the object database is touched. */
static struct coach_error *
build_tree(git_oid *out, struct coach_txn *t, struct head *h)
{
	git_repository *repo = t->s->repo;
	git_tree_update *up = coach_xcalloc(t->n, sizeof(*up));
	struct coach_error *err = NULL;
	size_t nup = 0;
	int batch = t->n > BATCH_SYNC;

	if (batch)
		git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);

	for (size_t i = 0; i < t->n; i++) {
		struct staged *e = &t->v[i];
		int present;
		git_filemode_t mode = tree_mode(h->tree, e->path, &present);
		if (e->remove) {
			if (!present)
				continue;	/* nothing to take out */
			up[nup].action = GIT_TREE_UPDATE_REMOVE;
		} else {
			if ((err = check_fits(h->tree, e->path)) != NULL)
				goto done;
			if (git_blob_create_from_buffer(&e->blob, repo,
			    e->data, e->len) < 0) {
				err = git_fail(e->path);
				goto done;
			}
			up[nup].action = GIT_TREE_UPDATE_UPSERT;
			git_oid_cpy(&up[nup].id, &e->blob);
			up[nup].filemode = mode;
		}
		up[nup].path = e->path;
		nup++;
	}
	if (git_tree_create_updated(out, repo, h->tree, nup, up) < 0)
		err = git_fail("building the new tree");
done:
	if (batch) {
		git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
		if (err == NULL)
			err = sync_fs(git_repository_path(repo));
	}
	free(up);
	return err;
}

static struct coach_error *
make_commit(git_oid *out, struct coach_txn *t, struct head *h,
	const git_oid *tree_id, const char *message)
{
	git_repository *repo = t->s->repo;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_buf msg = GIT_BUF_INIT;
	struct coach_error *err = NULL;
	const git_commit *parents[1] = { h->commit };

	if (git_signature_now(&sig, t->name, t->email) < 0) {
		err = coach_error_new(COACH_FAIL, "the author in git config "
			"is not usable (%s): %s", git_msg(), identity_help);
		goto done;
	}
	if (git_message_prettify(&msg, message, 0, '#') < 0 ||
	    msg.size == 0) {
		err = coach_error_new(COACH_FAIL, "empty commit message");
		goto done;
	}
	if (git_tree_lookup(&tree, repo, tree_id) < 0 ||
	    git_commit_create(out, repo, NULL, sig, sig, NULL, msg.ptr, tree,
	    h->unborn ? 0 : 1, parents) < 0)
		err = git_fail("writing the commit");
done:
	git_buf_dispose(&msg);
	git_tree_free(tree);
	git_signature_free(sig);
	return err;
}

static char *
git_file(git_repository *repo, const char *name, int common)
{
	return coach_path_join(common ? git_repository_commondir(repo) :
		git_repository_path(repo), name);
}

/* Moves the branch from the old HEAD to id, failing if anyone else moved
 * it in between. */
static struct coach_error *
move_branch(struct coach_txn *t, struct head *h, const git_oid *id,
	const char *message)
{
	git_reference *ref = NULL;
	struct coach_error *err = NULL;
	char *log = coach_xasprintf("commit%s: %.*s",
		h->unborn ? " (initial)" : "", (int)strcspn(message, "\n"),
		message);
	int rc;

	if (h->unborn)
		rc = git_reference_create(&ref, t->s->repo, h->branch, id, 0,
			log);
	else
		rc = git_reference_create_matching(&ref, t->s->repo,
			h->branch, id, 1, &h->oid, log);
	if (rc == GIT_ELOCKED) {
		char *lock = coach_xasprintf("%s.lock", h->branch);
		char *lockpath = git_file(t->s->repo, lock, 1);
		err = locked_error(lockpath);
		free(lockpath);
		free(lock);
	} else if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS) {
		err = coach_error_new(COACH_FAIL, "%s was changed by another "
			"program while committing; try again", h->branch);
	} else if (rc < 0) {
		err = git_fail(h->branch);
	}
	git_reference_free(ref);
	free(log);
	return err;
}

/* Puts the branch back where it was after a later step failed. */
static void
unmove_branch(struct coach_txn *t, struct head *h, const git_oid *id)
{
	git_reference *ref = NULL;
	if (h->unborn) {
		if (git_reference_lookup(&ref, t->s->repo, h->branch) == 0)
			git_reference_delete(ref);
	} else {
		git_reference_create_matching(&ref, t->s->repo, h->branch,
			&h->oid, 1, id, "coach: undo a failed commit");
	}
	git_reference_free(ref);
}

/* Index entry for a file just written, with its stat data so git does not
 * need to re-read it. */
static struct coach_error *
index_put(git_index *idx, const char *root, struct staged *e,
	git_filemode_t mode)
{
	char *path = coach_path_join(root, e->path);
	struct stat st;
	git_index_entry ie;
	struct coach_error *err = NULL;

	if (stat(path, &st) == -1) {
		err = coach_error_errno("cannot stat", path);
		goto done;
	}
	memset(&ie, 0, sizeof(ie));
	ie.ctime.seconds = (int32_t)st.st_ctim.tv_sec;
	ie.ctime.nanoseconds = (uint32_t)st.st_ctim.tv_nsec;
	ie.mtime.seconds = (int32_t)st.st_mtim.tv_sec;
	ie.mtime.nanoseconds = (uint32_t)st.st_mtim.tv_nsec;
	ie.dev = (uint32_t)st.st_dev;
	ie.ino = (uint32_t)st.st_ino;
	ie.mode = mode;
	ie.uid = (uint32_t)st.st_uid;
	ie.gid = (uint32_t)st.st_gid;
	ie.file_size = (uint32_t)st.st_size;
	ie.id = e->blob;
	ie.path = e->path;
	git_index_conflict_remove(idx, e->path);
	if (git_index_add(idx, &ie) < 0)
		err = git_fail(e->path);
done:
	free(path);
	return err;
}

/* Everything one commit touches, for the steps and the rollback. */
struct commit {
	struct coach_txn *t;
	struct head h;
	git_index *idx;
	git_oid tree_id, commit_id;
	struct saved *saved;		/* per staged path */
	struct coach_strlist made;	/* directories created */
	struct coach_strlist dirty;	/* directories to fsync */
	int files_written, moved;
};

/*
 * Loads the index before any file is written, refusing when git's
 * index.lock is there: the index is written after the branch moved, and
 * a lock found only then would leave the commit half done.
 */
static struct coach_error *
load_index(struct commit *c)
{
	git_repository *repo = c->t->s->repo;
	char *lock = git_file(repo, "index.lock", 0);
	struct coach_error *err = NULL;

	if (access(lock, F_OK) == 0) {
		err = locked_error(lock);
		goto done;
	}
	if (git_repository_index(&c->idx, repo) < 0 ||
	    git_index_read(c->idx, 0) < 0)
		err = git_fail("reading the index");
done:
	free(lock);
	return err;
}

/* Rewrites only the staged paths' index entries. */
static struct coach_error *
update_index(struct commit *c)
{
	struct coach_txn *t = c->t;
	struct coach_error *err = NULL;
	int rc;

	for (size_t i = 0; i < t->n && err == NULL; i++) {
		struct staged *e = &t->v[i];
		int present;
		if (e->remove) {
			if (git_index_remove_bypath(c->idx, e->path) < 0)
				err = git_fail(e->path);
		} else {
			err = index_put(c->idx, t->s->root, e,
				tree_mode(c->h.tree, e->path, &present));
		}
	}
	if (err != NULL)
		return err;
	rc = git_index_write(c->idx);
	if (rc == GIT_ELOCKED) {
		char *lock = git_file(t->s->repo, "index.lock", 0);
		err = locked_error(lock);
		free(lock);
	} else if (rc < 0) {
		err = git_fail("writing the index");
	}
	return err;
}

/* Writes the staged files, remembering in saved[] what was there, and
 * makes the changed directories durable. */
static struct coach_error *
write_files(struct commit *c)
{
	struct coach_txn *t = c->t;
	const char *root = t->s->root;
	mode_t mode = default_mode();
	struct coach_error *err = NULL;
	int batch = t->n > BATCH_SYNC;
	char *ready = NULL;	/* the last directory known to exist */

	c->files_written = 1;
	for (size_t i = 0; i < t->n && err == NULL; i++) {
		struct staged *e = &t->v[i];
		struct saved *sv = &c->saved[i];
		char *path = coach_path_join(root, e->path);
		char *dir = dir_of(path);
		int known = ready != NULL && strcmp(ready, dir) == 0;
		err = save_file(sv, path);
		if (err == NULL) {
			sv->touched = 1;
			if (e->remove)
				err = remove_file(path, &c->dirty);
			else if (known || (err = make_parents(root, e->path,
			    &c->made, &c->dirty)) == NULL)
				err = write_atomic(path, e->data, e->len,
					sv->existed ? sv->mode : mode,
					&c->dirty, !batch);
		}
		if (err == NULL && !e->remove) {
			free(ready);
			ready = dir;
			dir = NULL;
		}
		free(dir);
		free(path);
	}
	free(ready);
	if (err == NULL)
		err = batch ? sync_fs(root) : sync_dirs(&c->dirty);
	return err;
}

/* Puts every touched file back and removes the directories made. */
static void
restore_files(struct commit *c)
{
	struct coach_txn *t = c->t;
	struct coach_strlist dirty = COACH_STRLIST_INIT;
	for (size_t i = t->n; i-- > 0;)
		if (c->saved[i].touched)
			restore_file(&c->saved[i], t->s->root, t->v[i].path,
				&dirty);
	/* Innermost first; rmdir fails on anything not empty. */
	for (size_t i = c->made.n; i-- > 0;)
		if (rmdir(c->made.v[i]) == 0)
			dirty_dir(&dirty, c->made.v[i]);
	coach_error_free(sync_dirs(&dirty));
	coach_strlist_free(&dirty);
}

static int
staged_cmp(const void *a, const void *b)
{
	return strcmp(((const struct staged *)a)->path,
		((const struct staged *)b)->path);
}

static struct coach_error *
commit_steps(struct commit *c, const char *message)
{
	struct coach_txn *t = c->t;
	struct coach_error *err;

	if (t->bad != NULL) {
		err = t->bad;
		t->bad = NULL;
		return err;
	}
	if (t->n == 0)
		return coach_error_new(COACH_FAIL, "nothing to commit");
	if ((err = check_staged_fit(t)) != NULL)
		return err;
	/* In path order the new index entries append rather than insert. */
	qsort(t->v, t->n, sizeof(*t->v), staged_cmp);
	/* Objects first: they change nothing anyone can see. */
	if ((err = read_head(&c->h, t->s->repo)) != NULL ||
	    (err = build_tree(&c->tree_id, t, &c->h)) != NULL ||
	    (err = make_commit(&c->commit_id, t, &c->h, &c->tree_id,
	    message)) != NULL ||
	    (err = load_index(c)) != NULL ||
	    (err = write_files(c)) != NULL ||
	    (err = move_branch(t, &c->h, &c->commit_id, message)) != NULL)
		return err;
	c->moved = 1;
	if ((err = update_index(c)) != NULL)
		return err;
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].remove)
			prune_dirs(t->s->root, t->v[i].path);
	return NULL;
}

struct coach_error *
coach_txn_commit(struct coach_txn *t, const char *message, char *oid_out)
{
	struct coach_error *err;
	struct commit c;

	memset(&c, 0, sizeof(c));
	c.t = t;
	c.saved = coach_xcalloc(t->n ? t->n : 1, sizeof(*c.saved));
	err = commit_steps(&c, message);
	if (err != NULL && c.moved)
		unmove_branch(t, &c.h, &c.commit_id);
	if (err != NULL && c.files_written)
		restore_files(&c);
	if (err != NULL && c.idx != NULL)
		git_index_read(c.idx, 1);	/* drop in-memory changes */
	if (err == NULL && oid_out != NULL)
		git_oid_tostr(oid_out, GIT_OID_HEXSZ + 1, &c.commit_id);
	for (size_t i = 0; i < t->n; i++)
		coach_buf_free(&c.saved[i].content);
	free(c.saved);
	coach_strlist_free(&c.made);
	coach_strlist_free(&c.dirty);
	git_index_free(c.idx);
	head_free(&c.h);
	coach_txn_abort(t);
	return err;
}

/* ------------------------------------------------------------------ */
/* Reading */

/* Orders "X path" entries by path. */
static int
by_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 2, *(char *const *)b + 2);
}

static char
change_letter(unsigned st)
{
	int in_head = !(st & GIT_STATUS_INDEX_NEW) &&
		!((st & GIT_STATUS_WT_NEW) && !(st & GIT_STATUS_INDEX_DELETED));
	int in_wt = !(st & GIT_STATUS_WT_DELETED) &&
		!((st & GIT_STATUS_INDEX_DELETED) && !(st & GIT_STATUS_WT_NEW));
	if (in_head && in_wt)
		return 'M';
	if (in_head)
		return 'D';
	if (in_wt)
		return 'A';
	return 0;
}

struct coach_error *
coach_store_changes(struct coach_store *s, const char *prefix,
	struct coach_strlist *out)
{
	git_status_options opts;
	git_status_list *list = NULL;
	struct coach_error *err = NULL;
	char *spec = strip_slash(prefix);
	char *specs[1] = { spec };
	size_t first = out->n;

	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
		GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH |
		GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	/* A literal path: it matches itself and everything below it. */
	if (*spec != '\0' && strcmp(spec, "/") != 0) {
		opts.pathspec.strings = specs;
		opts.pathspec.count = 1;
	}
	if (git_status_list_new(&list, s->repo, &opts) < 0) {
		err = git_fail("reading the work tree's status");
		goto done;
	}
	for (size_t i = 0; i < git_status_list_entrycount(list); i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->head_to_index != NULL ?
			e->head_to_index : e->index_to_workdir;
		char c = change_letter(e->status);
		if (c == 0 || d == NULL)
			continue;
		const char *p = d->new_file.path != NULL ? d->new_file.path :
			d->old_file.path;
		coach_strlist_add_owned(out, coach_xasprintf("%c %s", c, p));
	}
	if (out->n > first)
		qsort(out->v + first, out->n - first, sizeof(*out->v), by_path);
done:
	git_status_list_free(list);
	free(spec);
	return err;
}

/*
 * The name of the ref the remote-tracking branch for merge ("refs/heads/x"
 * on remote) is fetched into, from remote.<remote>.fetch; NULL when no
 * refspec maps it.
 */
static char *
tracking_ref(git_config *cfg, const char *remote, const char *merge)
{
	git_config_iterator *it = NULL;
	git_config_entry *ce;
	git_buf out = GIT_BUF_INIT;
	char *key = coach_xasprintf("remote.%s.fetch", remote);
	char *name = NULL;

	if (git_config_multivar_iterator_new(&it, cfg, key, NULL) < 0)
		goto done;
	while (name == NULL && git_config_next(&ce, it) == 0) {
		git_refspec *spec = NULL;
		if (git_refspec_parse(&spec, ce->value, 1) == 0 &&
		    git_refspec_src_matches(spec, merge) &&
		    git_refspec_transform(&out, spec, merge) == 0)
			name = coach_xstrdup(out.ptr);
		git_refspec_free(spec);
	}
done:
	git_buf_dispose(&out);
	git_config_iterator_free(it);
	free(key);
	return name;
}

/*
 * What git_branch_upstream() finds, from branch.<name>.remote and
 * branch.<name>.merge.  Done by hand because libgit2 1.5.1's
 * git_branch_upstream() goes through git_remote_lookup(), which leaks a
 * pcre2 match block (some 20 KiB) on every call.  *out is NULL when the
 * branch has no upstream.
 */
static struct coach_error *
upstream_name(char **out, git_repository *repo, const char *branch)
{
	git_config *cfg = NULL;
	struct coach_error *err = NULL;
	char *key = NULL, *remote = NULL, *merge = NULL;

	*out = NULL;
	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		err = git_fail("reading git config");
		goto done;
	}
	key = coach_xasprintf("branch.%s.remote", branch);
	if ((err = config_string(cfg, key, &remote)) != NULL)
		goto done;
	free(key);
	key = coach_xasprintf("branch.%s.merge", branch);
	if ((err = config_string(cfg, key, &merge)) != NULL)
		goto done;
	if (remote == NULL || merge == NULL || *remote == '\0')
		goto done;
	if (strcmp(remote, ".") == 0)
		*out = coach_xstrdup(merge);	/* a local branch */
	else
		*out = tracking_ref(cfg, remote, merge);
done:
	free(merge);
	free(remote);
	free(key);
	git_config_free(cfg);
	return err;
}

struct coach_error *
coach_store_ahead_behind(struct coach_store *s, size_t *ahead,
	size_t *behind, int *has_upstream)
{
	git_reference *head = NULL;
	git_oid up;
	struct coach_error *err = NULL;
	char *upname = NULL;
	int rc;

	*ahead = *behind = 0;
	*has_upstream = 0;
	rc = git_repository_head(&head, s->repo);
	if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND)
		goto done;
	if (rc < 0) {
		err = git_fail("reading HEAD");
		goto done;
	}
	if (!git_reference_is_branch(head))
		goto done;	/* detached: no upstream */
	err = upstream_name(&upname, s->repo,
		git_reference_name(head) + strlen("refs/heads/"));
	if (err != NULL || upname == NULL)
		goto done;
	/* Configured but not fetched yet: nothing to compare with. */
	if (git_reference_name_to_id(&up, s->repo, upname) < 0)
		goto done;
	if (git_graph_ahead_behind(ahead, behind, s->repo,
	    git_reference_target(head), &up) < 0) {
		err = git_fail("comparing with the upstream");
		goto done;
	}
	*has_upstream = 1;
done:
	free(upname);
	git_reference_free(head);
	return err;
}

int
coach_store_head_has(struct coach_store *s, const char *path)
{
	git_object *obj = NULL;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	int has = 0;

	if (git_revparse_single(&obj, s->repo, "HEAD^{tree}") < 0)
		goto done;
	tree = (git_tree *)obj;
	obj = NULL;
	if (git_tree_entry_bypath(&e, tree, path) < 0)
		goto done;
	has = git_tree_entry_type(e) == GIT_OBJECT_BLOB;
done:
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_object_free(obj);
	return has;
}
