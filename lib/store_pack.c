/*
 * store_pack.c: keeping objects packed, as git gc --auto does.
 *
 * libgit2 writes every object loose, so years of one commit per entry
 * would leave hundreds of thousands of files in .git/objects, which git
 * reads, clones and fetches slowly.  After a commit, once the writer's
 * lock is released, the loose objects are counted (one of the 256
 * folders, times 256, as git gc --auto estimates) and past a threshold
 * they are written into one new pack (git_packbuilder, with deltas), then
 * the loose copies of the objects now in it are removed, as git
 * prune-packed does.  Nothing is ever removed before the pack and its
 * index are complete, so a pack killed half way leaves only its temporary
 * file: every object is still loose.
 *
 * It runs in a detached child so that the command does not wait for it;
 * a lock (flock on .git/coach-pack.lock) keeps two from running at once.
 * Settings: coach.autopack (git config) or COACH_AUTOPACK in the
 * environment, the threshold (default 6700, as gc.auto; 0 turns packing
 * off); COACH_AUTOPACK_DETACH=0 packs in the foreground.
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
#include <unistd.h>

#define AUTOPACK_DEFAULT 6700

static long
autopack_threshold(struct coach_store *s)
{
	const char *env = getenv("COACH_AUTOPACK");
	char *v = NULL;
	long n = AUTOPACK_DEFAULT;
	if (env != NULL && *env != '\0') {
		v = coach_xstrdup(env);
	} else {
		struct coach_error *err = coach_store_config_get(s,
			"coach.autopack", &v);
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

/* Packs every loose object of repo into one new pack and removes the
 * loose copies. */
static struct coach_error *
pack_loose(git_repository *repo)
{
	char *objdir = coach_path_join(git_repository_commondir(repo),
		"objects");
	char *packdir = coach_path_join(objdir, "pack");
	struct coach_strlist ids = COACH_STRLIST_INIT;
	git_packbuilder *pb = NULL;
	struct coach_error *err = NULL;
	git_odb *odb = NULL;

	for (int i = 0; i < 256; i++) {
		char xx[3];
		snprintf(xx, sizeof(xx), "%02x", i);
		loose_in(objdir, xx, &ids);
	}
	if (ids.n == 0)
		goto done;
	if (git_repository_odb(&odb, repo) < 0 ||
	    git_packbuilder_new(&pb, repo) < 0) {
		err = store_git_fail("packing objects");
		goto done;
	}
	for (size_t i = 0; i < ids.n; i++) {
		git_oid oid;
		if (git_oid_fromstr(&oid, ids.v[i]) < 0 ||
		    git_packbuilder_insert(pb, &oid, NULL) < 0) {
			err = store_git_fail(ids.v[i]);
			goto done;
		}
	}
	/* The pack and its index are in place (and fsynced, with
	 * GIT_OPT_ENABLE_FSYNC_GITDIR) before a loose object goes. */
	if (git_packbuilder_write(pb, packdir, 0, NULL, NULL) < 0) {
		err = store_git_fail("writing a pack");
		goto done;
	}
	git_odb_refresh(odb);
	for (size_t i = 0; i < ids.n; i++) {
		git_oid oid;
		git_oid_fromstr(&oid, ids.v[i]);
		/* Checked again, now that the pack is there: a loose copy
		 * goes only when the object can be read without it. */
		if (git_odb_exists(odb, &oid) != 1) {
			err = coach_error_new(COACH_E_IO, "object %s is "
				"missing after packing", ids.v[i]);
			goto done;
		}
	}
	prune_packed(objdir, &ids);
done:
	git_packbuilder_free(pb);
	git_odb_free(odb);
	coach_strlist_free(&ids);
	free(packdir);
	free(objdir);
	return err;
}

/* Packs under the pack lock; nothing when another process holds it. */
static struct coach_error *
pack_locked(git_repository *repo)
{
	char *path = coach_path_join(git_repository_commondir(repo),
		"coach-pack.lock");
	struct coach_error *err = NULL;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd == -1) {
		err = coach_error_errno("cannot open", path);
	} else if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		err = pack_loose(repo);
	}
	if (fd != -1)
		close(fd);	/* releases the flock */
	free(path);
	return err;
}

struct coach_error *
coach_store_pack(struct coach_store *s)
{
	return pack_locked(s->repo);
}

/* In a grandchild of the command, detached from its terminal and its
 * output, so that the command returns at once. */
static void
pack_detached(git_repository *repo)
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
		err = pack_locked(fresh);
	_exit(fresh != NULL && err == NULL ? 0 : 1);
}

void
coach_store_autopack(struct coach_store *s)
{
	long threshold = autopack_threshold(s);
	const char *detach = getenv("COACH_AUTOPACK_DETACH");
	if (threshold <= 0)
		return;
	char *objdir = coach_path_join(git_repository_commondir(s->repo),
		"objects");
	size_t loose = loose_estimate(objdir, threshold);
	free(objdir);
	if (loose <= (size_t)threshold)
		return;
	if (detach != NULL && strcmp(detach, "0") == 0)
		coach_error_free(pack_locked(s->repo));
	else
		pack_detached(s->repo);
}
