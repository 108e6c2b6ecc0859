/*
 * store.c: opening the git repository behind a coach repository, its
 * configuration and the identity commits are made with, on libgit2.
 * The write transaction is in store_txn.c, reading history in
 * store_read.c; store_priv.h is what they share.
 */
#include "store_priv.h"

#include <dlfcn.h>
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

/*
 * TLS only when a connection needs it.  libgit2 1.5 built with mbedTLS
 * (Debian's) parses the system's whole CA bundle in git_libgit2_init()
 * (streams/mbedtls.c), some 3 ms of every command, although only a fetch
 * or a push over https uses it, and it has no option to skip that.  coach
 * therefore defines the mbedTLS function that does the parsing: libgit2's
 * call finds coach's definition first (coach-core.so exports it, and is
 * first in the lookup order of the libraries it loads: cmd/core.map).
 * Once a command said it needs no network (coach_store_tls_lazy) the call
 * loads nothing; otherwise, and always for commands that did not say so,
 * it hands over to mbedTLS's own (dlsym RTLD_NEXT), so behaviour is
 * unchanged.  A libgit2 built with OpenSSL never calls it.
 */
static int tls_lazy;

void
coach_store_tls_lazy(void)
{
	tls_lazy = 1;
}

int mbedtls_x509_crt_parse_file(void *chain, const char *path);
int mbedtls_x509_crt_parse_path(void *chain, const char *path);

typedef int (*parse_fn)(void *, const char *);

static int
parse_real(const char *name, void *chain, const char *path)
{
	parse_fn real = (parse_fn)(uintptr_t)dlsym(RTLD_NEXT, name);
	return real != NULL ? real(chain, path) : -1;
}

int
mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	if (tls_lazy)
		return 0;
	return parse_real("mbedtls_x509_crt_parse_file", chain, path);
}

int
mbedtls_x509_crt_parse_path(void *chain, const char *path)
{
	if (tls_lazy)
		return 0;
	return parse_real("mbedtls_x509_crt_parse_path", chain, path);
}

/*
 * libgit2 is initialised once per open handle (it counts references) and
 * told to fsync what it writes into .git.  The global and XDG config paths
 * are re-read from $HOME each time because libgit2 caches them, and
 * GIT_CONFIG_NOSYSTEM is honoured as git does.
 */
void
store_lib_init(void)
{
	git_libgit2_init();
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	/* Trees up to 1 MiB stay parsed in libgit2's object cache (4 KiB by
	 * default): a write looks up the folders on its path several times,
	 * and a folder of 3,000 coachees, stored as a delta, costs an
	 * inflate of its whole chain each time it is read again. */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE,
		(size_t)1 << 20);
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

const char *
store_git_msg(void)
{
	const git_error *e = git_error_last();
	return e != NULL && e->message != NULL ? e->message : "unknown error";
}

struct coach_error *
store_git_fail(const char *what)
{
	return coach_error_coded(COACH_E_IO, "%s: %s", what, store_git_msg());
}

const char store_identity_help[] =
	"tell git who you are first:\n"
	"  git config --global user.name \"Your Name\"\n"
	"  git config --global user.email you@school.example";

/* ------------------------------------------------------------------ */
/* Opening */

char *
store_strip_slash(const char *p)
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
	s->root = store_strip_slash(git_repository_workdir(repo));
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
	return rc == GIT_ENOTFOUND && strstr(store_git_msg(), "safe.directory");
}

static struct coach_error *
ownership_error(const char *dir)
{
	char *d = store_strip_slash(dir);
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
	store_lib_init();
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
			err = store_git_fail(dir);
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
			err = store_git_fail(dir);
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
	char *p = store_strip_slash(dir);
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

/* A clone with nothing checked out: its HEAD names a branch that does
 * not exist (the remote's HEAD did, as a bare repository made with git
 * init names "master" while the school pushed "main"), yet a
 * remote-tracking branch holds a coach repository.  Its name, or NULL. */
static char *
unborn_clone_branch(git_repository *repo, const char *marker)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	char *found = NULL;

	if (git_repository_head_unborn(repo) != 1 ||
	    git_reference_iterator_glob_new(&it, repo, "refs/remotes/*") < 0)
		return NULL;
	while (found == NULL && git_reference_next(&ref, it) == 0) {
		git_object *tree = NULL;
		git_tree_entry *e = NULL;
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT &&
		    git_reference_peel(&tree, ref, GIT_OBJECT_TREE) == 0 &&
		    git_tree_entry_bypath(&e, (git_tree *)tree, marker) == 0)
			found = coach_xstrdup(git_reference_shorthand(ref));
		git_tree_entry_free(e);
		git_object_free(tree);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	return found;
}

static struct coach_error *
unborn_clone_error(const char *workdir, const char *branch)
{
	const char *slash = strchr(branch, '/');
	size_t len = strlen(workdir);
	while (len > 1 && workdir[len - 1] == '/')
		len--;
	return coach_error_new(COACH_FAIL, "%.*s has nothing checked out: the "
		"remote's HEAD names a branch it does not have, but %s holds "
		"the school; run 'git checkout %s' there (and have whoever "
		"runs the remote point its HEAD at that branch)", (int)len,
		workdir, branch, slash != NULL ? slash + 1 : branch);
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
			store_git_fail(start);
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
			err = store_git_fail(found.ptr);
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
	store_lib_init();
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
		char *branch = unborn_clone_branch(repo, marker);
		if (branch != NULL) {
			err = unborn_clone_error(wd, branch);
			free(branch);
			goto done;
		}
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
	store_index_prefetch_drop(s->index_early);
	store_flush_join(s);
	git_repository_free(s->repo);
	store_ix_drop(&s->ix);
	free(s->root);
	free(s);
	git_libgit2_shutdown();
}

const char *
coach_store_root(const struct coach_store *s)
{
	return s->root;
}

char *
coach_store_git_path(const struct coach_store *s, const char *name)
{
	return coach_xasprintf("%s%s", git_repository_path(s->repo), name);
}

/* ------------------------------------------------------------------ */
/* Config */

/*
 * One part of an identity as git finds it: the environment (e.g.
 * GIT_AUTHOR_NAME), then the role's own key (author.name), then user.name;
 * for an email, $EMAIL last.  NULL when none is set or all are empty.
 */
static char *
ident_part(git_config *cfg, const char *role, const char *part)
{
	char *env = coach_xasprintf("GIT_%s_%s", role, part);
	char *key = coach_xasprintf("%s.%s", role, part);
	char *user = coach_xasprintf("user.%s", part);
	const char *v = getenv(env);
	char *out = v != NULL && *v != '\0' ? coach_xstrdup(v) : NULL;

	for (char *k = key; *k != '\0'; k++)
		*k = (char)(*k >= 'A' && *k <= 'Z' ? *k - 'A' + 'a' : *k);
	if (out == NULL && cfg != NULL)
		coach_error_free(store_config_string(cfg, key, &out));
	if ((out == NULL || *out == '\0') && cfg != NULL) {
		free(out);
		coach_error_free(store_config_string(cfg, user, &out));
	}
	if ((out == NULL || *out == '\0') && strcmp(part, "EMAIL") == 0) {
		free(out);
		v = getenv("EMAIL");
		out = v != NULL && *v != '\0' ? coach_xstrdup(v) : NULL;
	}
	if (out != NULL && *out == '\0') {
		free(out);
		out = NULL;
	}
	free(user);
	free(key);
	free(env);
	return out;
}

/* Says which of the name and email is missing, and how to set them. */
static struct coach_error *
identity_error(const char *role, const char *name, const char *email)
{
	const char *missing;
	if (name == NULL && email == NULL)
		missing = "user.name and user.email are not set";
	else if (name == NULL)
		missing = "user.name is not set";
	else
		missing = "user.email is not set";
	return coach_error_new(COACH_FAIL, "git does not know who you are "
		"(%s, nor GIT_%s_NAME and GIT_%s_EMAIL); %s", missing, role,
		role, store_identity_help);
}

/* The identity of role ("AUTHOR" or "COMMITTER") as git finds it. */
static struct coach_error *
identity(struct coach_store *s, const char *role, char **name,
	char **email)
{
	git_config *cfg = NULL;
	git_signature *sig = NULL;
	struct coach_error *err = NULL;

	*name = *email = NULL;
	if (git_repository_config_snapshot(&cfg, s->repo) < 0) {
		err = store_git_fail("reading git config");
		goto done;
	}
	*name = ident_part(cfg, role, "NAME");
	*email = ident_part(cfg, role, "EMAIL");
	if (*name == NULL || *email == NULL) {
		err = identity_error(role, *name, *email);
		goto done;
	}
	/* libgit2 refuses names made only of what it would trim, or with
	 * angle brackets. */
	if (git_signature_now(&sig, *name, *email) < 0)
		err = coach_error_new(COACH_FAIL, "git's %s identity \"%s <%s>\" "
			"is not usable (%s); %s", role[0] == 'A' ? "author" :
			"committer", *name, *email, store_git_msg(),
			store_identity_help);
done:
	if (err != NULL) {
		free(*name);
		free(*email);
		*name = *email = NULL;
	}
	git_signature_free(sig);
	git_config_free(cfg);
	return err;
}

struct coach_error *
coach_store_identity(struct coach_store *s, char **name, char **email)
{
	return identity(s, "AUTHOR", name, email);
}

struct coach_error *
store_committer(struct coach_store *s, char **name, char **email)
{
	return identity(s, "COMMITTER", name, email);
}

char *
coach_store_author_email(struct coach_store *s)
{
	git_config *cfg = NULL;
	char *email;
	if (git_repository_config_snapshot(&cfg, s->repo) < 0)
		cfg = NULL;
	email = ident_part(cfg, "AUTHOR", "EMAIL");
	git_config_free(cfg);
	return email;
}

/* *out is NULL when key is unset. */
struct coach_error *
store_config_string(git_config *cfg, const char *key, char **out)
{
	git_buf b = GIT_BUF_INIT;
	struct coach_error *err = NULL;
	int rc;

	*out = NULL;
	rc = git_config_get_string_buf(&b, cfg, key);
	if (rc == GIT_ENOTFOUND)
		goto done;
	if (rc < 0) {
		err = store_git_fail(key);
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
		err = store_git_fail("reading git config");
		goto done;
	}
	err = store_config_string(cfg, key, out);
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
		err = store_git_fail("opening .git/config");
		goto done;
	}
	if (git_config_set_string(local, key, value) < 0) {
		err = store_git_fail(key);
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
	store_lib_init();
	if (git_config_open_default(&cfg) < 0 ||
	    git_config_snapshot(&snap, cfg) < 0) {
		err = store_git_fail("reading git config");
		goto done;
	}
	err = store_config_string(snap, key, out);
done:
	git_config_free(snap);
	git_config_free(cfg);
	git_libgit2_shutdown();
	return err;
}

