/*
 * store_txn.c: the writer's lock and the write transaction.
 *
 * A commit never scans the work tree: the new tree is HEAD's tree with the
 * staged paths replaced (git_tree_create_updated) and only those index
 * entries are rewritten, so its cost follows the size of the change and
 * not of the repository.
 */
#include "store_priv.h"

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
#include <dirent.h>

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
	char *name, *email;		/* the author */
	char *cname, *cemail;		/* the committer */
	coach_txn_check_fn check;	/* run before the branch moves */
	void *check_arg;
	struct coach_error *bad;	/* first refused path */
	struct staged *v;
	size_t n, cap;
	/* Open-addressing index of v by path: slot holds i + 1, 0 is empty.
	 * A big first commit stages 100k paths; a linear search for the
	 * path staged twice would make that quadratic. */
	size_t *slots;
	size_t nslots;	/* a power of two, at least 2 * n */
	/* git's index, read ahead from the start (for the first commit:
	 * store_index.c reads it again when it changed since). */
	struct store_index_pre *index_pre;
};

static struct coach_error *
locked_error(const char *lockfile)
{
	return coach_error_coded(COACH_E_LOCKED,
		"%s exists: another git process seems to be running in this "
		"repository; if none is, remove that file and try again",
		lockfile);
}

/* ------------------------------------------------------------------ */
/* The writer's lock */

/*
 * The first fsync of a write waits for everything the file system's
 * journal holds by then: with ext4's default data=ordered, the data of
 * every file written and renamed since its last commit, whoever wrote
 * it.  After a git commit in a big school (git's 11 MB index written
 * twice) that was 7 ms of a 40 ms coach log.  So a write first touches
 * coach.lock's times and fsyncs it in a thread of its own, which has the
 * journal commit what is pending while the change is made; the write's
 * own fsyncs then commit only what it wrote.  Nothing depends on it
 * succeeding.
 */
static void *
flush_run(void *arg)
{
	/* Never made here: a command that fails before it writes leaves
	 * nothing behind. */
	int fd = open(arg, O_RDWR | O_CLOEXEC);
	if (fd != -1) {
		(void)futimens(fd, NULL);
		(void)fsync(fd);
		close(fd);
	}
	free(arg);
	return NULL;
}

void
store_flush_ahead(struct coach_store *s)
{
	if (s->flush_on)
		return;
	char *path = coach_path_join(git_repository_commondir(s->repo),
		"coach.lock");
	if (pthread_create(&s->flush_th, NULL, flush_run, path) == 0)
		s->flush_on = 1;
	else
		free(path);
}

void
store_flush_join(struct coach_store *s)
{
	if (s->flush_on)
		pthread_join(s->flush_th, NULL);
	s->flush_on = 0;
}

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
			err = coach_error_coded(COACH_E_BUSY, "another coach "
				"command is writing to this repository; try "
				"again");
			goto done;
		}
		struct timespec pause = { 0, 5 * 1000 * 1000 };
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
	if ((err = coach_store_identity(s, &t->name, &t->email)) != NULL ||
	    (err = store_committer(s, &t->cname, &t->cemail)) != NULL)
		goto done;
	if ((err = take_lock(&t->lockfd, s)) != NULL)
		goto done;
	/* Holding the lock, no other coach writer is alive: what one left
	 * behind can be cleared. */
	if ((err = store_recover(s)) != NULL ||
	    (err = store_check_state(s)) != NULL)
		goto done;
	/* While the change is made, if it is not read already (what was
	 * read before the lock is used only while the index is still that
	 * file). */
	t->index_pre = s->index_early != NULL ? s->index_early :
	    store_index_prefetch(s->repo);
	s->index_early = NULL;
	store_flush_ahead(s);
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
	free(t->cname);
	free(t->cemail);
	coach_error_free(t->bad);
	store_index_prefetch_drop(t->index_pre);
	/* Closing the descriptor releases the flock. */
	if (t->lockfd != -1)
		close(t->lockfd);
	free(t);
}

/* ------------------------------------------------------------------ */
/* Writing the work tree */

struct coach_error *
store_fsync_dir(const char *dir)
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
			err = store_fsync_dir(dirty->v[i]);
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
		err = store_git_fail("writing the empty tree");
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
		err = store_git_fail("reading HEAD");
		goto done;
	}
	if (git_reference_type(ref) != GIT_REFERENCE_SYMBOLIC) {
		err = coach_error_coded(COACH_E_CONFLICT, "HEAD is detached: "
			"switch to a branch first (git switch main)");
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
		err = store_git_fail(h->branch);
		goto done;
	}
	git_oid_cpy(&h->oid, git_reference_target(resolved));
	if (git_commit_lookup(&h->commit, repo, &h->oid) < 0 ||
	    git_commit_tree(&h->tree, h->commit) < 0)
		err = store_git_fail("reading HEAD's commit");
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

/*
 * A big commit (more than BATCH_SYNC paths) writes its objects loose
 * with no fsync each, from batch_begin() to batch_end(), which makes
 * them durable at once: a first commit of 100k files would otherwise wait
 * for some 300k fsyncs.  batch_end() passes err on, or a failure to sync.
 */
static void
batch_begin(struct coach_txn *t)
{
	if (t->n > BATCH_SYNC)
		git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
}

static struct coach_error *
batch_end(struct coach_txn *t, struct coach_error *err)
{
	if (t->n <= BATCH_SYNC)
		return err;
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	if (err == NULL)
		err = sync_fs(git_repository_path(t->s->repo));
	return err;
}

/* Writes the staged blobs, filling in their ids.  Nothing outside the
 * object database is touched. */
static struct coach_error *
write_blobs(struct coach_txn *t, struct head *h)
{
	git_repository *repo = t->s->repo;
	struct coach_error *err = NULL;

	for (size_t i = 0; i < t->n && err == NULL; i++) {
		struct staged *e = &t->v[i];
		if (e->remove)
			continue;
		if ((err = check_fits(h->tree, e->path)) == NULL &&
		    git_blob_create_from_buffer(&e->blob, repo, e->data,
		    e->len) < 0)
			err = store_git_fail(e->path);
	}
	return err;
}

/* Writes the new tree: HEAD's tree with the staged paths changed, their
 * blobs written.  Nothing outside the object database is touched. */
static struct coach_error *
build_tree(git_oid *out, struct coach_txn *t, struct head *h)
{
	git_repository *repo = t->s->repo;
	git_tree_update *up = coach_xcalloc(t->n ? t->n : 1, sizeof(*up));
	struct coach_error *err = NULL;
	size_t nup = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct staged *e = &t->v[i];
		int present;
		git_filemode_t mode = tree_mode(h->tree, e->path, &present);
		if (e->remove) {
			if (!present)
				continue;	/* nothing to take out */
			up[nup].action = GIT_TREE_UPDATE_REMOVE;
		} else {
			up[nup].action = GIT_TREE_UPDATE_UPSERT;
			git_oid_cpy(&up[nup].id, &e->blob);
			up[nup].filemode = mode;
		}
		up[nup].path = e->path;
		nup++;
	}
	if (git_tree_create_updated(out, repo, h->tree, nup, up) < 0)
		err = store_git_fail("building the new tree");
	free(up);
	return err;
}

static struct coach_error *
make_commit(git_oid *out, struct coach_txn *t, struct head *h,
	const git_oid *tree_id, const char *message)
{
	git_repository *repo = t->s->repo;
	git_signature *sig = NULL, *csig = NULL;
	git_tree *tree = NULL;
	git_buf msg = GIT_BUF_INIT;
	struct coach_error *err = NULL;
	const git_commit *parents[1] = { h->commit };

	if (git_signature_now(&sig, t->name, t->email) < 0 ||
	    git_signature_now(&csig, t->cname, t->cemail) < 0) {
		err = coach_error_new(COACH_FAIL, "the author in git config "
			"is not usable (%s): %s", store_git_msg(), store_identity_help);
		goto done;
	}
	if (git_message_prettify(&msg, message, 0, '#') < 0 ||
	    msg.size == 0) {
		err = coach_error_new(COACH_FAIL, "empty commit message");
		goto done;
	}
	if (git_tree_lookup(&tree, repo, tree_id) < 0 ||
	    git_commit_create(out, repo, NULL, sig, csig, NULL, msg.ptr, tree,
	    h->unborn ? 0 : 1, parents) < 0)
		err = store_git_fail("writing the commit");
done:
	git_buf_dispose(&msg);
	git_tree_free(tree);
	git_signature_free(csig);
	git_signature_free(sig);
	return err;
}

static char *
git_file(git_repository *repo, const char *name, int common)
{
	return coach_path_join(common ? git_repository_commondir(repo) :
		git_repository_path(repo), name);
}

/* Whether the branch's moves go into its reflog (and HEAD's), as
 * core.logAllRefUpdates says: by default yes in a repository with a work
 * tree; with false, only into a reflog that exists already. */
static int
reflog_wanted(git_repository *repo, const char *logpath)
{
	git_config *cfg = NULL;
	git_config_entry *e = NULL;
	int want = !git_repository_is_bare(repo), b;
	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_entry(&e, cfg, "core.logAllRefUpdates") == 0 &&
	    e->value != NULL)
		want = strcasecmp(e->value, "always") == 0 ||
			(git_config_parse_bool(&b, e->value) == 0 && b);
	git_config_entry_free(e);
	git_config_free(cfg);
	return want || access(logpath, F_OK) == 0;
}

/* Appends one line to a reflog, as git writes it.  Not fsynced: a reflog
 * is the ref's history, not what the repository holds. */
static void
reflog_append(const char *logpath, const git_oid *old, const git_oid *new,
	struct coach_txn *t, const char *message)
{
	char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	long off = tm.tm_gmtoff / 60;
	char *dir = dir_of(logpath);
	char *line = coach_xasprintf("%s %s %s <%s> %lld %c%02ld%02ld\t%s\n",
		git_oid_tostr(a, sizeof(a), old), git_oid_tostr(b, sizeof(b), new),
		t->cname, t->cemail, (long long)now, off < 0 ? '-' : '+',
		labs(off) / 60, labs(off) % 60, message);
	coach_error_free(coach_mkdirs(dir));
	int fd = open(logpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		0666);
	if (fd != -1) {
		ssize_t w = write(fd, line, strlen(line));
		(void)w;	/* best effort, as said */
		close(fd);
	}
	free(line);
	free(dir);
}

/*
 * Moves the existing branch h->branch from h->oid to id under git's
 * lock (refs/heads/NAME.lock), failing if anyone else moved it: the new
 * value is written to the lock, fsynced, renamed over the ref, and the
 * folder fsynced; two fsyncs where libgit2 makes six (the ref, its
 * reflogs and their folders).
 */
static struct coach_error *
write_ref(struct coach_txn *t, struct head *h, const git_oid *id,
	const char *log)
{
	git_repository *repo = t->s->repo;
	char *ref = git_file(repo, h->branch, 1);
	char *lock = coach_xasprintf("%s.lock", ref);
	char *dir = dir_of(ref);
	char *blog = coach_xasprintf("logs/%s", h->branch);
	char *branchlog = git_file(repo, blog, 1);
	char *headlog = git_file(repo, "logs/HEAD", 0);
	char line[GIT_OID_HEXSZ + 2];
	struct coach_error *err = NULL;
	git_oid cur;
	int fd = -1, locked = 0;

	if ((err = coach_mkdirs(dir)) != NULL)
		goto done;
	fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd == -1) {
		err = errno == EEXIST ? locked_error(lock) :
			coach_error_errno("cannot create", lock);
		goto done;
	}
	locked = 1;
	store_die_at("ref-locked");
	/* Read again under the lock: git or another tool may have moved
	 * the branch since HEAD was read. */
	if (git_reference_name_to_id(&cur, repo, h->branch) < 0 ||
	    !git_oid_equal(&cur, &h->oid)) {
		err = coach_error_coded(COACH_E_CONFLICT, "%s was changed by "
			"another program while committing; try again",
			h->branch);
		goto done;
	}
	git_oid_tostr(line, sizeof(line), id);
	strcat(line, "\n");
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line) ||
	    fsync(fd) == -1) {
		err = coach_error_errno("cannot write", lock);
		goto done;
	}
	if (close(fd) == -1) {
		fd = -1;
		err = coach_error_errno("cannot write", lock);
		goto done;
	}
	fd = -1;
	if (reflog_wanted(repo, branchlog))
		reflog_append(branchlog, &h->oid, id, t, log);
	if (reflog_wanted(repo, headlog))
		reflog_append(headlog, &h->oid, id, t, log);
	if (rename(lock, ref) == -1) {
		err = coach_error_errno("cannot write", ref);
		goto done;
	}
	locked = 0;
	store_die_at("ref-moved");
	err = store_fsync_dir(dir);
done:
	if (fd != -1)
		close(fd);
	if (locked)
		unlink(lock);
	free(headlog);
	free(branchlog);
	free(blog);
	free(dir);
	free(lock);
	free(ref);
	return err;
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

	if (!h->unborn) {
		err = write_ref(t, h, id, log);
		free(log);
		return err;
	}
	/* The first commit: libgit2 makes the branch (and its reflog). */
	rc = git_reference_create(&ref, t->s->repo, h->branch, id, 0, log);
	if (rc == GIT_ELOCKED) {
		char *lock = coach_xasprintf("%s.lock", h->branch);
		char *lockpath = git_file(t->s->repo, lock, 1);
		err = locked_error(lockpath);
		free(lockpath);
		free(lock);
	} else if (rc == GIT_EEXISTS) {
		err = coach_error_coded(COACH_E_CONFLICT, "%s was changed by "
			"another program while committing; try again",
			h->branch);
	} else if (rc < 0) {
		err = store_git_fail(h->branch);
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
		err = store_git_fail(e->path);
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
	int journal;		/* the journal was written */
	struct store_index_pre *index_pre;	/* the index read ahead */
	struct store_index_job *index_job;	/* the index being written */
};

/*
 * Refuses, before any file is written, when git's index.lock is there:
 * the index's writer takes it once the files are written, and a lock
 * found only then would undo them.
 */
static struct coach_error *
check_index_lock(struct commit *c)
{
	char *lock = git_file(c->t->s->repo, "index.lock", 0);
	struct coach_error *err = NULL;
	if (access(lock, F_OK) == 0)
		err = locked_error(lock);
	free(lock);
	return err;
}

/*
 * The repository's index, read.  One that does not read (its checksum is
 * wrong: torn by a crash, since it is not fsynced) is derived data, made
 * again from tree (HEAD's); its entries then carry no stat data, so git
 * compares the files' contents once.
 */
static struct coach_error *
open_index(git_index **out, git_repository *repo, git_tree *tree)
{
	char *path;
	int gone;

	if (git_repository_index(out, repo) == 0 && git_index_read(*out, 0) == 0)
		return NULL;
	path = git_file(repo, "index", 0);
	gone = access(path, F_OK) == 0 && unlink(path) == 0;
	free(path);
	if (!gone)
		return store_git_fail("reading the index");
	if ((*out == NULL && git_repository_index(out, repo) < 0) ||
	    git_index_read_tree(*out, tree) < 0)
		return store_git_fail("making the index again");
	return NULL;
}

/* The staged paths' index entries, through libgit2: the whole index is
 * read and written. */
static struct coach_error *
update_index_libgit2(struct commit *c)
{
	struct coach_txn *t = c->t;
	git_repository *repo = t->s->repo;
	struct coach_error *err = NULL;
	int rc;

	if ((err = open_index(&c->idx, repo, c->h.tree)) != NULL)
		return err;
	for (size_t i = 0; i < t->n && err == NULL; i++) {
		struct staged *e = &t->v[i];
		int present;
		if (e->remove) {
			if (git_index_remove_bypath(c->idx, e->path) < 0)
				err = store_git_fail(e->path);
		} else {
			err = index_put(c->idx, t->s->root, e,
				tree_mode(c->h.tree, e->path, &present));
		}
	}
	if (err != NULL)
		return err;
	rc = git_index_write(c->idx);
	if (rc == GIT_ELOCKED) {
		char *lock = git_file(repo, "index.lock", 0);
		err = locked_error(lock);
		free(lock);
	} else if (rc < 0) {
		err = store_git_fail("writing the index");
	}
	return err;
}

/*
 * Starts rewriting only the staged paths' index entries, spliced into the
 * index file (store_index.c) by a thread while the commit is made; their
 * files must be written.  An index the splice leaves to libgit2 is
 * updated by index_end() instead.
 */
static struct coach_error *
index_start(struct commit *c)
{
	struct coach_txn *t = c->t;
	struct store_index_edit *v = coach_xcalloc(t->n ? t->n : 1,
		sizeof(*v));
	struct coach_error *err = NULL;

	for (size_t i = 0; i < t->n && err == NULL; i++) {
		struct staged *e = &t->v[i];
		int present;
		v[i].path = e->path;
		v[i].remove = e->remove;
		if (e->remove)
			continue;
		char *path = coach_path_join(t->s->root, e->path);
		if (stat(path, &v[i].st) == -1)
			err = coach_error_errno("cannot stat", path);
		free(path);
		git_oid_cpy(&v[i].id, &e->blob);
		v[i].mode = tree_mode(c->h.tree, e->path, &present);
	}
	if (err == NULL)
		err = store_index_start(t->s->repo, c->index_pre, v, t->n,
			&c->index_job);
	else
		store_index_prefetch_drop(c->index_pre);
	c->index_pre = NULL;
	free(v);
	return err;
}

/* Ends what index_start() began, once the branch has moved. */
static struct coach_error *
index_end(struct commit *c)
{
	struct store_index_job *job = c->index_job;
	struct coach_error *err;
	int done = 0;
	c->index_job = NULL;
	if (job != NULL && ((err = store_index_finish(job, &done)) != NULL ||
	    done))
		return err;
	return update_index_libgit2(c);
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

/* ------------------------------------------------------------------ */
/* The journal: what a commit in progress writes, so that the next writer
 * can undo the work of one that was killed half way. */

static char *
journal_path(git_repository *repo, const char *suffix)
{
	char *name = coach_xasprintf("coach-journal%s", suffix);
	char *p = git_file(repo, name, 0);
	free(name);
	return p;
}

/*
 * Writes one line per staged path, "<new blob id>\t<path>" or
 * "-\t<path>" for a removal, through a temporary file renamed into place:
 * the journal is either whole or absent.
 */
static struct coach_error *
journal_write(struct coach_txn *t)
{
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_strlist dirty = COACH_STRLIST_INIT;
	struct coach_error *err;
	char *path = journal_path(t->s->repo, "");
	char hex[GIT_OID_HEXSZ + 1];

	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].remove)
			coach_buf_puts(&b, "-");
		else
			coach_buf_puts(&b, git_oid_tostr(hex, sizeof(hex),
				&t->v[i].blob));
		coach_buf_printf(&b, "\t%s\n", t->v[i].path);
	}
	err = write_atomic(path, b.ptr, b.len, 0644, &dirty, 0);
	coach_strlist_free(&dirty);
	coach_buf_free(&b);
	free(path);
	return err;
}

static void
journal_remove(struct coach_txn *t)
{
	char *path = journal_path(t->s->repo, "");
	unlink(path);
	free(path);
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
	/* The index is read meanwhile, if it is not yet. */
	c->index_pre = t->index_pre != NULL ? t->index_pre :
		store_index_prefetch(t->s->repo);
	t->index_pre = NULL;
	/* A small commit's objects go into one pack (store_objects.c); a
	 * big one's are written loose and synced at once (batch_end). */
	if (t->n <= BATCH_SYNC && (err = store_objects_collect(t->s)) != NULL)
		return err;
	if ((err = read_head(&c->h, t->s->repo)) != NULL)
		return err;
	batch_begin(t);
	/*
	 * The files are written as soon as their blobs' ids are known (the
	 * journal names them), so that the new index, which holds the
	 * files' stat data, is written and checksummed by a thread while
	 * the tree and the commit are made and reach the disk.  Nothing
	 * anyone else reads has the commit until the branch moves.
	 */
	if ((err = write_blobs(t, &c->h)) == NULL &&
	    (err = check_index_lock(c)) == NULL &&
	    (err = journal_write(t)) == NULL) {
		c->journal = 1;
		if ((err = write_files(c)) == NULL &&
		    (err = index_start(c)) == NULL &&
		    (t->check == NULL || (err = t->check(t->check_arg)) == NULL)) {
			store_die_at("index-started");
			err = build_tree(&c->tree_id, t, &c->h);
		}
	}
	if ((err = batch_end(t, err)) != NULL ||
	    (err = make_commit(&c->commit_id, t, &c->h, &c->tree_id,
	    message)) != NULL ||
	    (err = store_objects_flush(t->s)) != NULL ||
	    (err = move_branch(t, &c->h, &c->commit_id, message)) != NULL)
		return err;
	c->moved = 1;
	if ((err = index_end(c)) != NULL)
		return err;
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].remove)
			prune_dirs(t->s->root, t->v[i].path);
	return NULL;
}

/* Empties what t has staged, keeping the lock. */
static void
unstage_all(struct coach_txn *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].path);
		free(t->v[i].data);
	}
	t->n = 0;
	if (t->slots != NULL)
		memset(t->slots, 0, t->nslots * sizeof(*t->slots));
	coach_error_free(t->bad);
	t->bad = NULL;
}

struct coach_error *
coach_txn_commit_step(struct coach_txn *t, const char *message,
	char *oid_out)
{
	struct coach_error *err;
	struct commit c;

	memset(&c, 0, sizeof(c));
	c.t = t;
	c.saved = coach_xcalloc(t->n ? t->n : 1, sizeof(*c.saved));
	err = commit_steps(&c, message);
	store_index_prefetch_drop(c.index_pre);	/* when it was not used */
	store_index_cancel(c.index_job);	/* when a later step failed */
	store_objects_drop(t->s);	/* when a step before the pack failed */
	if (err != NULL && c.moved)
		unmove_branch(t, &c.h, &c.commit_id);
	if (err != NULL && c.files_written)
		restore_files(&c);
	if (err != NULL && c.idx != NULL)
		git_index_read(c.idx, 1);	/* drop in-memory changes */
	if (c.journal)
		journal_remove(t);
	if (err == NULL && oid_out != NULL)
		git_oid_tostr(oid_out, GIT_OID_HEXSZ + 1, &c.commit_id);
	for (size_t i = 0; i < t->n; i++)
		coach_buf_free(&c.saved[i].content);
	free(c.saved);
	coach_strlist_free(&c.made);
	coach_strlist_free(&c.dirty);
	git_index_free(c.idx);
	head_free(&c.h);
	unstage_all(t);
	return err;
}

struct coach_error *
coach_txn_commit(struct coach_txn *t, const char *message, char *oid_out)
{
	struct coach_error *err = coach_txn_commit_step(t, message, oid_out);
	coach_txn_abort(t);
	return err;
}

void
coach_txn_set_check(struct coach_txn *t, coach_txn_check_fn fn, void *arg)
{
	t->check = fn;
	t->check_arg = arg;
}

/* ------------------------------------------------------------------ */
/* Before writing: what a killed writer left, and git's own operations */

/* Unlinks lock when it is not older than since: made by the writer that
 * died, not by a git command that was running before it. */
static void
clear_lock(const char *lock, const struct timespec *since)
{
	struct stat st;
	if (lstat(lock, &st) == -1)
		return;
	if (st.st_mtim.tv_sec > since->tv_sec ||
	    (st.st_mtim.tv_sec == since->tv_sec &&
	    st.st_mtim.tv_nsec >= since->tv_nsec))
		unlink(lock);
}

static void
clear_locks(git_repository *repo, const struct timespec *since)
{
	git_reference *head = NULL;
	char *p = git_file(repo, "index.lock", 0);
	clear_lock(p, since);
	free(p);
	if (git_reference_lookup(&head, repo, "HEAD") == 0 &&
	    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
		char *name = coach_xasprintf("%s.lock",
			git_reference_symbolic_target(head));
		p = git_file(repo, name, 1);
		clear_lock(p, since);
		free(p);
		free(name);
	}
	git_reference_free(head);
}

/* Removes the temporary files write_atomic() makes beside path. */
static void
clear_temps(const char *root, const char *rel)
{
	char *path = coach_path_join(root, rel);
	char *dir = dir_of(path);
	const char *base = strrchr(path, '/') + 1;
	char *prefix = coach_xasprintf(".%s.coach-", base);
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 ||
		    strlen(de->d_name) != strlen(prefix) + 6)
			continue;
		char *tmp = coach_path_join(dir, de->d_name);
		unlink(tmp);
		free(tmp);
	}
	if (d != NULL)
		closedir(d);
	free(prefix);
	free(dir);
	free(path);
}

/* Removes the temporary files of the packs commits write
 * (store_objects.c): only a writer holding the lock makes them. */
static void
clear_pack_temps(git_repository *repo)
{
	char *dir = coach_path_join(git_repository_commondir(repo),
		"objects/pack");
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, STORE_PACK_TEMP,
		    strlen(STORE_PACK_TEMP)) != 0)
			continue;
		char *p = coach_path_join(dir, de->d_name);
		unlink(p);
		free(p);
	}
	if (d != NULL)
		closedir(d);
	free(dir);
}

/* HEAD's blob at path; 0 when HEAD has none (or is unborn). */
static int
head_blob(git_oid *out, git_filemode_t *mode, git_tree *tree,
	const char *path)
{
	git_tree_entry *e = NULL;
	int found = tree != NULL && git_tree_entry_bypath(&e, tree, path) == 0 &&
		git_tree_entry_type(e) == GIT_OBJECT_BLOB;
	if (found) {
		git_oid_cpy(out, git_tree_entry_id(e));
		*mode = git_tree_entry_filemode(e);
	}
	git_tree_entry_free(e);
	return found;
}

/* The blob id of the work tree file; 0 when it is not a regular file. */
static int
work_blob(git_oid *out, const char *abspath)
{
	struct stat st;
	return lstat(abspath, &st) == 0 && S_ISREG(st.st_mode) &&
		git_odb_hashfile(out, abspath, GIT_OBJECT_BLOB) == 0;
}

/*
 * Puts one journalled path back as HEAD has it when the dead writer left
 * it half done: written with the new content (new: its blob) or removed
 * (new: NULL) while the branch did not move.  A file holding anything
 * else was changed since, by hand: it is left alone.
 */
static void
undo_path(git_repository *repo, git_tree *tree, const char *root,
	const char *rel, const git_oid *new)
{
	char *abs = coach_path_join(root, rel);
	git_oid have, head;
	git_filemode_t mode = GIT_FILEMODE_BLOB;
	int in_work = work_blob(&have, abs);
	int in_head = head_blob(&head, &mode, tree, rel);
	git_blob *blob = NULL;
	struct coach_strlist dirty = COACH_STRLIST_INIT;
	struct coach_strlist made = COACH_STRLIST_INIT;

	if (new != NULL && in_work && git_oid_equal(&have, new) &&
	    !(in_head && git_oid_equal(&head, new))) {
		if (!in_head) {
			unlink(abs);
			prune_dirs(root, rel);
			goto done;
		}
	} else if (!(new == NULL && !in_work && in_head)) {
		goto done;
	}
	if (git_blob_lookup(&blob, repo, &head) == 0 &&
	    make_parents(root, rel, &made, &dirty) == NULL)
		coach_error_free(write_atomic(abs, git_blob_rawcontent(blob),
			(size_t)git_blob_rawsize(blob),
			default_mode() | (mode == GIT_FILEMODE_BLOB_EXECUTABLE ?
			0111 : 0), &dirty, 1));
done:
	git_blob_free(blob);
	coach_strlist_free(&made);
	coach_strlist_free(&dirty);
	free(abs);
}

/* Makes path's index entry what HEAD has, so that git status does not
 * show the dead writer's half-updated index. */
static void
reindex_path(git_index *idx, git_tree *tree, const char *root,
	const char *rel)
{
	git_oid head, have;
	git_filemode_t mode = GIT_FILEMODE_BLOB;
	char *abs = coach_path_join(root, rel);
	if (!head_blob(&head, &mode, tree, rel)) {
		git_index_remove_bypath(idx, rel);
	} else if (work_blob(&have, abs) && git_oid_equal(&have, &head)) {
		git_index_add_bypath(idx, rel);
	} else {
		git_index_entry ie;
		memset(&ie, 0, sizeof(ie));
		ie.mode = mode;
		ie.id = head;
		ie.path = rel;
		git_index_add(idx, &ie);
	}
	free(abs);
}

/* Reads the journal into paths and news (NULL for removals). */
static void
journal_read(struct coach_buf *b, struct coach_strlist *paths,
	struct coach_strlist *ids)
{
	char *line = b->ptr;
	while (line != NULL && *line != '\0') {
		char *nl = strchr(line, '\n');
		char *tab = strchr(line, '\t');
		if (nl == NULL)
			break;	/* cut short: write_atomic makes this rare */
		*nl = '\0';
		if (tab != NULL && tab < nl) {
			*tab = '\0';
			coach_strlist_add(ids, line);
			coach_strlist_add(paths, tab + 1);
		}
		line = nl + 1;
	}
}

struct coach_error *
store_recover(struct coach_store *s)
{
	git_repository *repo = s->repo;
	char *path = journal_path(repo, "");
	char *gitdir = store_strip_slash(git_repository_path(repo));
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_strlist paths = COACH_STRLIST_INIT, ids = COACH_STRLIST_INIT;
	struct coach_error *err = NULL;
	struct head h;
	git_index *idx = NULL;
	struct stat st;

	memset(&h, 0, sizeof(h));
	/* A journal killed while it was being written, a pack killed
	 * before it was renamed into place. */
	clear_temps(gitdir, "coach-journal");
	clear_pack_temps(repo);
	if (lstat(path, &st) == -1)
		goto done;
	clear_locks(repo, &st.st_mtim);
	if ((err = coach_read_file(&b, path, SIZE_MAX)) != NULL)
		goto done;
	journal_read(&b, &paths, &ids);
	if ((err = read_head(&h, repo)) != NULL)
		goto done;
	for (size_t i = 0; i < paths.n; i++) {
		git_oid id;
		int is_write = strcmp(ids.v[i], "-") != 0;
		if (is_write && git_oid_fromstr(&id, ids.v[i]) < 0)
			continue;
		undo_path(repo, h.tree, s->root, paths.v[i],
			is_write ? &id : NULL);
		clear_temps(s->root, paths.v[i]);
	}
	if ((err = open_index(&idx, repo, h.tree)) != NULL)
		goto done;
	for (size_t i = 0; i < paths.n; i++)
		reindex_path(idx, h.tree, s->root, paths.v[i]);
	if (git_index_write(idx) < 0) {
		err = store_git_fail("writing the index");
		goto done;
	}
	unlink(path);
done:
	git_index_free(idx);
	head_free(&h);
	coach_strlist_free(&paths);
	coach_strlist_free(&ids);
	coach_buf_free(&b);
	free(gitdir);
	free(path);
	return err;
}

/* What git_repository_state() says is under way, and how to end it. */
static const char *
state_advice(int state)
{
	switch (state) {
	case GIT_REPOSITORY_STATE_MERGE:
		return "a merge is in progress: finish it (resolve the "
			"conflicts, git add, git commit) or abort it (git merge "
			"--abort)";
	case GIT_REPOSITORY_STATE_REVERT:
	case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
		return "a revert is in progress: finish it (git revert "
			"--continue) or abort it (git revert --abort)";
	case GIT_REPOSITORY_STATE_CHERRYPICK:
	case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
		return "a cherry-pick is in progress: finish it (git "
			"cherry-pick --continue) or abort it (git cherry-pick "
			"--abort)";
	case GIT_REPOSITORY_STATE_REBASE:
	case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE:
	case GIT_REPOSITORY_STATE_REBASE_MERGE:
		return "a rebase is in progress: finish it (git rebase "
			"--continue) or abort it (git rebase --abort)";
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX:
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE:
		return "git am or a rebase is in progress: finish it (git am "
			"--continue, git rebase --continue) or abort it (git am "
			"--abort, git rebase --abort)";
	default:
		return NULL;	/* none, or a bisect: commits are fine */
	}
}

struct coach_error *
store_check_state(struct coach_store *s)
{
	const char *advice = state_advice(git_repository_state(s->repo));
	if (advice == NULL)
		return NULL;
	return coach_error_coded(COACH_E_CONFLICT, "%s in %s; then try again",
		advice, s->root);
}
