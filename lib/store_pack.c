/*
 * store_pack.c: keeping objects packed, as git gc --auto does.
 *
 * A commit of coach writes its objects as one small pack
 * (store_objects.c); other writers (a merge, a big first commit) write
 * them loose.  After a command, once the writer's lock is released, the
 * loose objects are counted (one of the 256 folders, times 256, as git gc
 * --auto estimates) and so are the packs.  Past either threshold a
 * detached child writes one new pack (git_packbuilder, with deltas) of
 * every loose object and of the objects of the packs it merges, then
 * removes the loose copies (as git prune-packed does) and the merged
 * packs.
 *
 * Which packs are merged: all of them into one, as git gc does, while
 * they hold at most coach.autopackfull objects (COACH_AUTOPACK_FULL,
 * default 25,000: some seconds and 60 MiB for libgit2's packbuilder,
 * which computes every delta again); beyond, the small ones,
 * geometrically (as git repack --geometric=2): sorted by size, the
 * biggest packs that each hold at least twice as many objects as all
 * smaller ones together stay, every other pack is merged.  So in a big
 * school a pack per commit is merged with its neighbours in runs of
 * cheap merges, the packs stay few (about the logarithm of the number of
 * objects) and a full repack happens whenever the new objects outgrow
 * the oldest pack, not every few dozen commits: for 100,000 objects it
 * takes minutes.  One pack clones and fetches as fast as after git gc;
 * a handful, some tenths slower.
 *
 * Nothing is ever removed before the new pack and its index are complete
 * and fsynced, and every object to be removed is first looked up in the
 * new pack itself; a packer killed half way leaves only a temporary file
 * (or a pack whose objects are also elsewhere), every object is still
 * where it was.  A writer adding objects meanwhile adds loose objects or
 * a new pack, which this run does not touch.
 *
 * Objects go into the builder newest first, as history reaches them, and
 * named by their paths (insert_by_history), so that libgit2 finds deltas
 * between the versions of one folder.  Packs that writers add while a
 * merge runs are merged in another round before the packer stops.
 *
 * It runs in a detached child so that the command does not wait for it;
 * a lock (flock on .git/coach-pack.lock) keeps two from running at once.
 * Settings: coach.autopack (git config) or COACH_AUTOPACK in the
 * environment, the loose threshold (default 6700, as gc.auto; 0 turns
 * packing off); coach.autopacklimit or COACH_AUTOPACK_LIMIT, the number of
 * packs past which they are merged (default 16; 0 never merges);
 * coach.autopackfull or COACH_AUTOPACK_FULL (above); COACH_AUTOPACK_DETACH=0
 * packs in the foreground.
 */
#include "store_priv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define AUTOPACK_DEFAULT 6700
#define PACK_LIMIT_DEFAULT 16
#define FULL_DEFAULT 25000

/* A number from the environment variable env or else the git config key,
 * or def. */
static long
setting(struct coach_store *s, const char *env, const char *key, long def)
{
	const char *e = getenv(env);
	char *v = NULL;
	long n = def;
	if (e != NULL && *e != '\0') {
		v = coach_xstrdup(e);
	} else {
		struct coach_error *err = coach_store_config_get(s, key, &v);
		coach_error_free(err);
	}
	if (v != NULL) {
		char *end;
		errno = 0;
		long x = strtol(v, &end, 10);
		if (errno == 0 && end != v && *end == '\0')
			n = x;
	}
	free(v);
	return n;
}

static int
is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

/* Appends the hex ids of the loose objects in objects/xx (xx: dir). */
static size_t
loose_in(const char *objdir, const char *xx, struct coach_strlist *out)
{
	char *dir = coach_path_join(objdir, xx);
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != GIT_OID_HEXSZ - 2 ||
		    !is_hex(de->d_name, GIT_OID_HEXSZ - 2))
			continue;
		n++;
		if (out != NULL)
			coach_strlist_add_owned(out, coach_xasprintf("%s%s", xx,
				de->d_name));
	}
	if (d != NULL)
		closedir(d);
	free(dir);
	return n;
}

/* An estimate of the number of loose objects: git's (one folder of 256)
 * for thresholds where it means something, an exact count below. */
static size_t
loose_estimate(const char *objdir, long threshold)
{
	if (threshold >= 256 * 10)
		return loose_in(objdir, "17", NULL) * 256;
	size_t n = 0;
	for (int i = 0; i < 256; i++) {
		char xx[3];
		snprintf(xx, sizeof(xx), "%02x", i);
		n += loose_in(objdir, xx, NULL);
	}
	return n;
}

/* Removes objects/xxyyyy... for each id. */
static void
prune_packed(const char *objdir, const struct coach_strlist *ids)
{
	for (size_t i = 0; i < ids->n; i++) {
		char *p = coach_xasprintf("%s/%.2s/%s", objdir, ids->v[i],
			ids->v[i] + 2);
		unlink(p);
		free(p);
	}
	/* Empty folders stay: a writer may be about to rename an object
	 * into one, and removing it under them fails their commit. */
}

/* ------------------------------------------------------------------ */
/* The packs */

struct pack {
	char *stem;		/* objects/pack/pack-<hex>, without extension */
	uint32_t count;		/* objects in it */
};

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
exists_with(const char *stem, const char *ext)
{
	char *p = coach_xasprintf("%s%s", stem, ext);
	int yes = access(p, F_OK) == 0;
	free(p);
	return yes;
}

/* The number of objects an index (version 1 or 2) lists; 0 when it does
 * not read. */
static uint32_t
idx_count(const char *idx)
{
	unsigned char h[8 + 256 * 4];
	int fd = open(idx, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd == -1 ? -1 : pread(fd, h, sizeof(h), 0);
	if (fd != -1)
		close(fd);
	if (n != (ssize_t)sizeof(h))
		return 0;
	const unsigned char *last = memcmp(h, "\377tOc", 4) == 0 ?
		h + 8 + 255 * 4 : h + 255 * 4;
	return (uint32_t)last[0] << 24 | (uint32_t)last[1] << 16 |
		(uint32_t)last[2] << 8 | last[3];
}

/* Appends the object ids an index lists to ids; 0 when it does not read. */
static int
idx_ids(const char *idx, git_oid **ids, size_t *n, size_t *cap)
{
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_error *err = coach_read_file(&b, idx, SIZE_MAX);
	int ok = 0;
	if (err != NULL) {
		coach_error_free(err);
		return 0;
	}
	uint32_t count = idx_count(idx);
	int v2 = b.len >= 8 && memcmp(b.ptr, "\377tOc", 4) == 0;
	size_t base = v2 ? 8 + 256 * 4 : 256 * 4;
	size_t step = v2 ? 20 : 24, skip = v2 ? 0 : 4;
	if (b.len < base + (size_t)count * step)
		goto done;
	if (*n + count > *cap) {
		*cap = (*n + count) * 2;
		*ids = coach_xrealloc(*ids, *cap * sizeof(**ids));
	}
	for (uint32_t i = 0; i < count; i++)
		git_oid_fromraw(&(*ids)[(*n)++], (const unsigned char *)b.ptr +
			base + (size_t)i * step + skip);
	ok = 1;
done:
	coach_buf_free(&b);
	return ok;
}

static void
packs_free(struct pack *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].stem);
	free(v);
}

/* The packs in packdir that may be merged: an index and its pack, and no
 * .keep or .promisor beside them (those are git's to keep). */
static struct pack *
list_packs(const char *packdir, size_t *np)
{
	struct pack *v = NULL;
	size_t n = 0, cap = 0;
	DIR *d = opendir(packdir);
	struct dirent *de;
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "pack-", 5) != 0 ||
		    !has_suffix(de->d_name, ".idx"))
			continue;
		char *stem = coach_xasprintf("%s/%.*s", packdir,
			(int)(strlen(de->d_name) - 4), de->d_name);
		char *idx = coach_xasprintf("%s.idx", stem);
		uint32_t count = idx_count(idx);
		free(idx);
		if (count == 0 || !exists_with(stem, ".pack") ||
		    exists_with(stem, ".keep") || exists_with(stem, ".promisor")) {
			free(stem);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = coach_xrealloc(v, cap * sizeof(*v));
		}
		v[n].stem = stem;
		v[n++].count = count;
	}
	if (d != NULL)
		closedir(d);
	*np = n;
	return v;
}

/* The number of pack indexes in packdir: cheap enough for every
 * command. */
static size_t
count_packs(const char *packdir)
{
	DIR *d = opendir(packdir);
	struct dirent *de;
	size_t n = 0;
	while (d != NULL && (de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "pack-", 5) == 0 &&
		    has_suffix(de->d_name, ".idx"))
			n++;
	if (d != NULL)
		closedir(d);
	return n;
}

static int
by_count(const void *a, const void *b)
{
	uint32_t x = ((const struct pack *)a)->count;
	uint32_t y = ((const struct pack *)b)->count;
	return x < y ? -1 : x > y;
}

/*
 * Sorts v by size and returns how many of the smallest to merge: the
 * biggest packs each holding at least twice as many objects as all
 * smaller ones together stay.
 */
static size_t
to_merge(struct pack *v, size_t n)
{
	uint64_t below = 0;
	size_t keep_from = n;
	qsort(v, n, sizeof(*v), by_count);
	for (size_t i = 0; i < n; i++)
		below += v[i].count;
	for (size_t j = n; j-- > 0;) {
		below -= v[j].count;
		if ((uint64_t)v[j].count < 2 * below)
			break;
		keep_from = j;
	}
	return keep_from;
}

/* Removes a merged pack: its index first, so that no reader finds it
 * any more, then the pack and what git may keep beside it. */
static void
remove_pack(const char *stem)
{
	static const char *const ext[] = { ".idx", ".pack", ".rev", ".bitmap",
		".mtimes" };
	for (size_t i = 0; i < sizeof(ext) / sizeof(*ext); i++) {
		char *p = coach_xasprintf("%s%s", stem, ext[i]);
		unlink(p);
		free(p);
	}
}

/* Whether every id is in the pack just written (its index path). */
static struct coach_error *
check_new_pack(const char *idx, const git_oid *ids, size_t n)
{
	git_odb *odb = NULL;
	git_odb_backend *be = NULL;
	struct coach_error *err = NULL;
	if (git_odb_new(&odb) < 0 || git_odb_backend_one_pack(&be, idx) < 0 ||
	    git_odb_add_backend(odb, be, 1) < 0) {
		err = store_git_fail(idx);
		git_odb_free(odb);
		return err;
	}
	for (size_t i = 0; i < n && err == NULL; i++)
		if (git_odb_exists(odb, &ids[i]) != 1) {
			char hex[GIT_OID_HEXSZ + 1];
			err = coach_error_new(COACH_E_IO, "object %s is not in "
				"the pack just written (%s)", git_oid_tostr(hex,
				sizeof(hex), &ids[i]), idx);
		}
	git_odb_free(odb);
	return err;
}

/* A test's way to act while a packer is at point: with COACH_TEST_PAUSE_AT
 * naming it, the packer makes COACH_TEST_PAUSE_FILE.reached and waits
 * while COACH_TEST_PAUSE_FILE is there (a minute at most). */
static void
pause_at(const char *point)
{
	const char *at = getenv("COACH_TEST_PAUSE_AT");
	const char *file = getenv("COACH_TEST_PAUSE_FILE");
	if (at == NULL || file == NULL || strcmp(at, point) != 0)
		return;
	char *reached = coach_xasprintf("%s.reached", file);
	int fd = open(reached, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	if (fd != -1)
		close(fd);
	struct timespec ts = { 0, 10L * 1000 * 1000 };
	for (int i = 0; i < 6000 && access(file, F_OK) == 0; i++)
		nanosleep(&ts, NULL);
	free(reached);
}

/* ------------------------------------------------------------------ */
/* What goes into a pack, in which order */

/* The objects to pack, sorted, and whether each is in the builder yet. */
struct pick {
	git_oid *ids;
	unsigned char *in;
	size_t n;
};

static int
oid_order(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

/* The place of id among the objects to pack and not in the builder yet,
 * or -1. */
static long
pick_find(const struct pick *p, const git_oid *id)
{
	const git_oid *hit = bsearch(id, p->ids, p->n, sizeof(*p->ids),
		oid_order);
	if (hit == NULL || p->in[hit - p->ids])
		return -1;
	return (long)(hit - p->ids);
}

static int
pick_insert(git_packbuilder *pb, struct pick *p, long i, const char *name)
{
	p->in[i] = 1;
	return git_packbuilder_insert(pb, &p->ids[i], name);
}

/* Inserts what of tree's entries is to be packed, each named by its path
 * (path holds the tree's), and below them; a tree that cannot be read is
 * left to be inserted by id. */
static int
insert_below(git_repository *repo, git_packbuilder *pb, struct pick *p,
	const git_oid *tree_id, struct coach_buf *path, int depth)
{
	git_tree *t = NULL;
	int rc = 0;
	if (depth > 64 || git_tree_lookup(&t, repo, tree_id) < 0)
		return 0;
	for (size_t k = 0; k < git_tree_entrycount(t) && rc == 0; k++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, k);
		long i = pick_find(p, git_tree_entry_id(e));
		if (i < 0)
			continue;
		size_t len = path->len;
		if (len > 0)
			coach_buf_putc(path, '/');
		coach_buf_puts(path, git_tree_entry_name(e));
		rc = pick_insert(pb, p, i, coach_buf_str(path));
		if (rc == 0 && git_tree_entry_type(e) == GIT_OBJECT_TREE)
			rc = insert_below(repo, pb, p, git_tree_entry_id(e),
				path, depth + 1);
		path->len = len;
	}
	git_tree_free(t);
	return rc;
}

/*
 * Inserts ids (n of them; sorted here) into pb: first, newest first, each
 * commit among them that a ref reaches, with the trees and blobs among
 * them below it, named by their paths; then the rest.  libgit2 looks for
 * deltas among objects sorted by type, the hash of their name and their
 * size, then in the order they came: so the versions of one file or
 * folder meet, newest first, as with git pack-objects --revs.  Inserted
 * in the order of their ids instead, the many versions of a folder of
 * the same size met at random and were mostly stored whole.
 */
static int
insert_by_history(git_repository *repo, git_packbuilder *pb, git_oid *ids,
	size_t n)
{
	struct pick p = { ids, coach_xcalloc(n ? n : 1, 1), n };
	struct coach_buf path = COACH_BUF_INIT;
	git_revwalk *w = NULL;
	git_oid c;
	int rc = 0;
	size_t misses = 0;

	qsort(ids, n, sizeof(*ids), oid_order);
	if (git_revwalk_new(&w, repo) == 0) {
		git_revwalk_sorting(w, GIT_SORT_TIME);
		git_revwalk_push_glob(w, "refs/*");
		git_revwalk_push_head(w);
		git_error_clear();
	}
	/* The objects to pack are mostly the newest: the walk stops long
	 * after the last of them was met. */
	while (w != NULL && rc == 0 && git_revwalk_next(&c, w) == 0 &&
	    misses < 2000) {
		git_commit *commit = NULL;
		long i = pick_find(&p, &c);
		if (i < 0) {
			misses++;
			continue;
		}
		misses = 0;
		rc = pick_insert(pb, &p, i, NULL);
		if (rc == 0 && git_commit_lookup(&commit, repo, &c) == 0) {
			long t = pick_find(&p, git_commit_tree_id(commit));
			if (t >= 0 && (rc = pick_insert(pb, &p, t, NULL)) == 0) {
				path.len = 0;
				rc = insert_below(repo, pb, &p,
					git_commit_tree_id(commit), &path, 0);
			}
		}
		git_commit_free(commit);
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		if (!p.in[i])
			rc = pick_insert(pb, &p, (long)i, NULL);
	git_revwalk_free(w);
	coach_buf_free(&path);
	free(p.in);
	return rc;
}

/*
 * Writes every loose object and the objects of the packs to merge (the
 * smallest nmerge of v; none unless there are more than limit packs)
 * into one new pack, then removes the loose copies and the merged
 * packs.
 */
static struct coach_error *
repack(git_repository *repo, long limit, long full)
{
	char *objdir = coach_path_join(git_repository_commondir(repo),
		"objects");
	char *packdir = coach_path_join(objdir, "pack");
	struct coach_strlist loose = COACH_STRLIST_INIT;
	git_packbuilder *pb = NULL;
	struct coach_error *err = NULL;
	git_oid *ids = NULL;
	size_t n = 0, cap = 0, npacks = 0, nmerge = 0;
	struct pack *packs = NULL;
	char *idx = NULL;

	for (int i = 0; i < 256; i++) {
		char xx[3];
		snprintf(xx, sizeof(xx), "%02x", i);
		loose_in(objdir, xx, &loose);
	}
	packs = list_packs(packdir, &npacks);
	pause_at("repack-listed");
	uint64_t total = loose.n;
	for (size_t i = 0; i < npacks; i++)
		total += packs[i].count;
	if (limit > 0 && npacks > (size_t)limit)
		nmerge = total <= (uint64_t)(full > 0 ? full : 0) ? npacks :
			to_merge(packs, npacks);
	if (nmerge == 1 && loose.n == 0)
		nmerge = 0;	/* one pack alone stays as it is */
	if (loose.n == 0 && nmerge == 0)
		goto done;
	for (size_t i = 0; i < loose.n; i++) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			ids = coach_xrealloc(ids, cap * sizeof(*ids));
		}
		if (git_oid_fromstr(&ids[n], loose.v[i]) == 0)
			n++;
	}
	for (size_t i = 0; i < nmerge; i++) {
		char *p = coach_xasprintf("%s.idx", packs[i].stem);
		int ok = idx_ids(p, &ids, &n, &cap);
		free(p);
		if (!ok) {
			err = coach_error_new(COACH_E_IO, "cannot read %s.idx",
				packs[i].stem);
			goto done;
		}
	}
	if (git_packbuilder_new(&pb, repo) < 0) {
		err = store_git_fail("packing objects");
		goto done;
	}
	if (insert_by_history(repo, pb, ids, n) < 0) {
		err = store_git_fail("packing objects");
		goto done;
	}
	/* The pack and its index are in place and fsynced (with
	 * GIT_OPT_ENABLE_FSYNC_GITDIR) before anything goes. */
	if (git_packbuilder_write(pb, packdir, 0, NULL, NULL) < 0) {
		err = store_git_fail("writing a pack");
		goto done;
	}
	store_die_at("repack-written");
	idx = coach_xasprintf("%s/pack-%s.idx", packdir,
		git_packbuilder_name(pb));
	if ((err = check_new_pack(idx, ids, n)) != NULL)
		goto done;
	prune_packed(objdir, &loose);
	for (size_t i = 0; i < nmerge; i++) {
		/* The new pack may be named as one merged (the same objects):
		 * it stays. */
		char *p = coach_xasprintf("%s.idx", packs[i].stem);
		if (strcmp(p, idx) != 0)
			remove_pack(packs[i].stem);
		free(p);
		if (i == 0)
			store_die_at("repack-removing");
	}
done:
	git_packbuilder_free(pb);
	packs_free(packs, npacks);
	coach_strlist_free(&loose);
	free(ids);
	free(idx);
	free(packdir);
	free(objdir);
	return err;
}

/* Packs under the pack lock; nothing when another process holds it. */
static struct coach_error *
pack_locked(git_repository *repo, long limit, long full)
{
	char *path = coach_path_join(git_repository_commondir(repo),
		"coach-pack.lock");
	struct coach_error *err = NULL;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd == -1) {
		err = coach_error_errno("cannot open", path);
	} else if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		/* Writers go on while packs merge, and each adds a pack:
		 * those a long merge left behind are merged before the lock
		 * goes, for a few rounds at most, rather than at some later
		 * command. */
		char *packdir = coach_path_join(git_repository_commondir(repo),
			"objects/pack");
		for (int round = 0; round < 3 && err == NULL; round++) {
			err = repack(repo, limit, full);
			if (limit <= 0 || count_packs(packdir) <= (size_t)limit)
				break;
		}
		free(packdir);
	}
	if (fd != -1)
		close(fd);	/* releases the flock */
	free(path);
	return err;
}

struct coach_error *
coach_store_pack(struct coach_store *s)
{
	return pack_locked(s->repo, setting(s, "COACH_AUTOPACK_LIMIT",
		"coach.autopacklimit", PACK_LIMIT_DEFAULT), setting(s,
		"COACH_AUTOPACK_FULL", "coach.autopackfull", FULL_DEFAULT));
}

/* In a grandchild of the command, detached from its terminal and its
 * output, so that the command returns at once. */
static void
pack_detached(git_repository *repo, long limit, long full)
{
	pid_t pid = fork();
	if (pid == -1)
		return;
	if (pid > 0) {
		waitpid(pid, NULL, 0);
		return;
	}
	if (setsid() == -1 || fork() != 0)
		_exit(0);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null != -1) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	/* Nothing of the command's stays open (a pipe a caller reads to
	 * its end, the writer's lock): the repository is opened again. */
	char *gitdir = coach_xstrdup(git_repository_path(repo));
	close_range(3, ~0U, 0);
	git_repository *fresh = NULL;
	struct coach_error *err = NULL;
	if (git_repository_open_bare(&fresh, gitdir) == 0)
		err = pack_locked(fresh, limit, full);
	_exit(fresh != NULL && err == NULL ? 0 : 1);
}

void
coach_store_autopack(struct coach_store *s)
{
	long threshold = setting(s, "COACH_AUTOPACK", "coach.autopack",
		AUTOPACK_DEFAULT);
	long limit = setting(s, "COACH_AUTOPACK_LIMIT", "coach.autopacklimit",
		PACK_LIMIT_DEFAULT);
	long full = setting(s, "COACH_AUTOPACK_FULL", "coach.autopackfull",
		FULL_DEFAULT);
	const char *detach = getenv("COACH_AUTOPACK_DETACH");
	if (threshold <= 0)
		return;
	char *objdir = coach_path_join(git_repository_commondir(s->repo),
		"objects");
	char *packdir = coach_path_join(objdir, "pack");
	size_t loose = loose_estimate(objdir, threshold);
	size_t packs = limit > 0 ? count_packs(packdir) : 0;
	free(packdir);
	free(objdir);
	if (loose <= (size_t)threshold && (limit <= 0 || packs <= (size_t)limit))
		return;
	if (detach != NULL && strcmp(detach, "0") == 0)
		coach_error_free(pack_locked(s->repo, limit, full));
	else
		pack_detached(s->repo, limit, full);
}
