/*
 * store_remote.c: remotes in the config, fetch and push through libgit2,
 * with credentials, progress, a watchdog for stalled transfers and a
 * check of every ref the server was asked to update.
 */
#include "store_priv.h"
#include "store_remote.h"
#include "credential.h"

#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* URLs and secrets */

/* Where the password of url starts and its length, when it has one:
 * scheme://user:password@host/... */
static int
url_password(const char *url, size_t *off, size_t *len)
{
	const char *p = strstr(url, "://");
	if (p == NULL)
		return 0;
	p += 3;
	size_t auth = strcspn(p, "/?#");
	const char *at = NULL;
	for (const char *q = p; q < p + auth; q++)
		if (*q == '@')
			at = q;	/* the last '@' ends the user info */
	if (at == NULL)
		return 0;
	const char *colon = memchr(p, ':', (size_t)(at - p));
	if (colon == NULL)
		return 0;
	*off = (size_t)(colon + 1 - url);
	*len = (size_t)(at - colon - 1);
	return 1;
}

char *
coach_url_mask(const char *url)
{
	size_t off, len;
	if (!url_password(url, &off, &len))
		return coach_xstrdup(url);
	return coach_xasprintf("%.*s***%s", (int)off, url, url + off + len);
}

/* The user name in url's user info, or NULL; the caller frees it. */
static char *
url_user(const char *url)
{
	const char *p = strstr(url, "://");
	if (p == NULL)
		return NULL;
	p += 3;
	size_t auth = strcspn(p, "/?#");
	const char *at = NULL;
	for (const char *q = p; q < p + auth; q++)
		if (*q == '@')
			at = q;
	if (at == NULL)
		return NULL;
	return coach_xstrndup(p, strcspn(p, ":@"));
}

/* url's host, for messages; the caller frees it. */
static char *
url_host(const char *url)
{
	const char *p = strstr(url, "://");
	if (p == NULL) {
		/* user@host:path, or a path */
		const char *colon = strchr(url, ':');
		if (colon == NULL || strchr(url, '/') < colon)
			return coach_xstrdup("this computer");
		const char *at = memchr(url, '@', (size_t)(colon - url));
		p = at != NULL ? at + 1 : url;
		return coach_xstrndup(p, (size_t)(colon - p));
	}
	p += 3;
	size_t auth = strcspn(p, "/?#");
	const char *h = p;
	for (const char *q = p; q < p + auth; q++)
		if (*q == '@')
			h = q + 1;
	return coach_xstrndup(h, (size_t)(p + auth - h));
}

/* Replaces every copy of secret in s (owned) by "***"; returns s. */
static char *
scrub(char *s, const char *secret)
{
	if (secret == NULL || *secret == '\0')
		return s;
	size_t n = strlen(secret);
	char *hit;
	while ((hit = strstr(s, secret)) != NULL) {
		char *t = coach_xasprintf("%.*s***%s", (int)(hit - s), s,
			hit + n);
		free(s);
		s = t;
	}
	return s;
}

/* ------------------------------------------------------------------ */
/* Remotes in the config.
 *
 * Read and written with plain config calls rather than git_remote_lookup,
 * git_remote_create, git_remote_list and git_remote_delete: in libgit2
 * 1.5.1 those walk the config with a regular expression whose match data
 * leaks (some 20 KiB) for every entry that does not match.  For the same
 * reason remotes are made anonymous and without libgit2's url.*.insteadOf
 * rewriting (GIT_REMOTE_CREATE_SKIP_INSTEADOF): rewrite_url() does it. */

static int
name_ok(const char *name)
{
	int valid = 0;
	return git_remote_name_is_valid(&valid, name) == 0 && valid;
}

/* The repository's own config (.git/config), for writing. */
static struct coach_error *
local_config(git_config **out, struct coach_store *s)
{
	git_config *all = NULL;
	int rc = git_repository_config(&all, s->repo);
	if (rc == 0)
		rc = git_config_open_level(out, all, GIT_CONFIG_LEVEL_LOCAL);
	git_config_free(all);
	return rc < 0 ? store_git_fail("opening .git/config") : NULL;
}

/* remote.NAME.url, or NULL. */
static struct coach_error *
remote_url(struct coach_store *s, const char *name, char **out)
{
	git_config *cfg = NULL;
	struct coach_error *err;
	char *key = coach_xasprintf("remote.%s.url", name);
	*out = NULL;
	if (git_repository_config_snapshot(&cfg, s->repo) < 0)
		err = store_git_fail("reading git config");
	else
		err = store_config_string(cfg, key, out);
	git_config_free(cfg);
	free(key);
	return err;
}

/* url rewritten by the longest url.BASE.insteadOf (for a push,
 * url.BASE.pushInsteadOf first) that it starts with, as git does.  The
 * config is walked without a pattern (libgit2 1.5.1 leaks the match data
 * of a pattern-matching walk). */
static struct coach_error *
rewrite_url(struct coach_store *s, char **url, int pushing)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	char *best[2] = { NULL, NULL };	/* insteadOf, pushInsteadOf */
	size_t best_len[2] = { 0, 0 };
	static const char *const keys[2] = { ".insteadof", ".pushinsteadof" };

	if (git_repository_config_snapshot(&cfg, s->repo) < 0 ||
	    git_config_iterator_new(&it, cfg) < 0) {
		git_config_free(cfg);
		return store_git_fail("reading git config");
	}
	while (git_config_next(&e, it) == 0) {
		size_t nlen = strlen(e->name), vlen = strlen(e->value);
		if (strncmp(e->name, "url.", 4) != 0 || vlen == 0 ||
		    strncmp(*url, e->value, vlen) != 0)
			continue;
		for (int k = 0; k < 2; k++) {
			size_t klen = strlen(keys[k]);
			if (nlen > 4 + klen &&
			    strcasecmp(e->name + nlen - klen, keys[k]) == 0 &&
			    vlen > best_len[k]) {
				free(best[k]);
				best[k] = coach_xasprintf("%.*s%s",
					(int)(nlen - 4 - klen), e->name + 4,
					*url + vlen);
				best_len[k] = vlen;
			}
		}
	}
	int k = pushing && best[1] != NULL ? 1 : 0;
	if (best[k] != NULL) {
		free(*url);
		*url = best[k];
		best[k] = NULL;
	}
	free(best[0]);
	free(best[1]);
	git_config_iterator_free(it);
	git_config_free(cfg);
	return NULL;
}

/* Every value of remote.NAME.fetch. */
static struct coach_error *
remote_fetchspecs(struct coach_store *s, const char *name,
	struct coach_strlist *out)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	struct coach_error *err = NULL;
	char *key = coach_xasprintf("remote.%s.fetch", name);

	if (git_repository_config_snapshot(&cfg, s->repo) < 0 ||
	    git_config_multivar_iterator_new(&it, cfg, key, NULL) < 0) {
		err = store_git_fail("reading git config");
		goto done;
	}
	while (git_config_next(&e, it) == 0)
		coach_strlist_add(out, e->value);
done:
	git_config_iterator_free(it);
	git_config_free(cfg);
	free(key);
	return err;
}

struct coach_error *
coach_store_remote_add(struct coach_store *s, const char *name,
	const char *url)
{
	git_config *cfg = NULL;
	struct coach_error *err = NULL;
	char *old = NULL, *key = NULL, *spec = NULL;

	if (!name_ok(name))
		return coach_error_coded(COACH_E_INVALID, "'%s' is not a "
			"valid remote name: use letters, digits and '-'",
			name);
	if (*url == '\0')
		return coach_error_coded(COACH_E_INVALID, "the URL of remote "
			"'%s' is empty", name);
	if ((err = remote_url(s, name, &old)) != NULL)
		goto done;
	if (old != NULL) {
		char *shown = coach_url_mask(old);
		err = coach_error_coded(COACH_E_CONFLICT, "remote '%s' "
			"exists already (%s): remove it first with coach "
			"remote remove %s", name, shown, name);
		free(shown);
		goto done;
	}
	if ((err = local_config(&cfg, s)) != NULL)
		goto done;
	key = coach_xasprintf("remote.%s.url", name);
	spec = coach_xasprintf("+refs/heads/*:refs/remotes/%s/*", name);
	if (git_config_set_string(cfg, key, url) < 0) {
		err = store_git_fail("writing .git/config");
		goto done;
	}
	free(key);
	key = coach_xasprintf("remote.%s.fetch", name);
	if (git_config_set_multivar(cfg, key, "^$", spec) < 0)
		err = store_git_fail("writing .git/config");
done:
	free(spec);
	free(key);
	free(old);
	git_config_free(cfg);
	return err;
}

/* Removes every key of section prefix ("remote.origin."). */
static struct coach_error *
delete_section(git_config *cfg, const char *prefix)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	struct coach_strlist keys = COACH_STRLIST_INIT;
	struct coach_error *err = NULL;
	size_t n = strlen(prefix);

	if (git_config_iterator_new(&it, cfg) < 0)
		return store_git_fail("reading .git/config");
	while (git_config_next(&e, it) == 0)
		if (strncasecmp(e->name, prefix, n) == 0 &&
		    !coach_strlist_has(&keys, e->name))
			coach_strlist_add(&keys, e->name);
	git_config_iterator_free(it);
	for (size_t i = 0; i < keys.n && err == NULL; i++)
		/* ".*" matches every value: no entry fails the match. */
		if (git_config_delete_multivar(cfg, keys.v[i], ".*") < 0)
			err = store_git_fail("writing .git/config");
	coach_strlist_free(&keys);
	return err;
}

/* Deletes refs/remotes/NAME/... */
static struct coach_error *
delete_tracking(struct coach_store *s, const char *name)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	struct coach_error *err = NULL;
	char *glob = coach_xasprintf("refs/remotes/%s/*", name);

	if (git_reference_iterator_glob_new(&it, s->repo, glob) < 0) {
		err = store_git_fail("reading refs");
		goto done;
	}
	while (err == NULL && git_reference_next(&ref, it) == 0) {
		if (git_reference_delete(ref) < 0)
			err = store_git_fail(git_reference_name(ref));
		git_reference_free(ref);
	}
done:
	git_reference_iterator_free(it);
	free(glob);
	return err;
}

struct coach_error *
coach_store_remote_remove(struct coach_store *s, const char *name)
{
	git_config *cfg = NULL;
	struct coach_error *err = NULL;
	char *url = NULL, *prefix = NULL;

	if (name_ok(name) && (err = remote_url(s, name, &url)) != NULL)
		return err;
	if (url == NULL)
		return coach_error_coded(COACH_E_NOTFOUND, "no remote '%s' "
			"(coach remote list shows them)", name);
	prefix = coach_xasprintf("remote.%s.", name);
	if ((err = local_config(&cfg, s)) == NULL &&
	    (err = delete_section(cfg, prefix)) == NULL)
		err = delete_tracking(s, name);
	git_config_free(cfg);
	free(prefix);
	free(url);
	return err;
}

struct coach_error *
coach_store_remote_list(struct coach_store *s, struct coach_strlist *names,
	struct coach_strlist *urls)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	struct coach_strlist found = COACH_STRLIST_INIT;
	struct coach_error *err = NULL;

	if (git_repository_config_snapshot(&cfg, s->repo) < 0 ||
	    git_config_iterator_new(&it, cfg) < 0) {
		err = store_git_fail("reading git config");
		goto done;
	}
	while (git_config_next(&e, it) == 0) {
		size_t n = strlen(e->name);
		if (strncmp(e->name, "remote.", 7) != 0 || n < 12 ||
		    strcmp(e->name + n - 4, ".url") != 0)
			continue;
		/* "name\turl", sorted by name below; the last one wins. */
		char *nm = coach_xstrndup(e->name + 7, n - 11);
		for (size_t i = 0; i < found.n; i++)
			if (strncmp(found.v[i], nm, strlen(nm)) == 0 &&
			    found.v[i][strlen(nm)] == '\t')
				found.v[i][0] = '\0';
		coach_strlist_add_owned(&found, coach_xasprintf("%s\t%s", nm,
			e->value ? e->value : ""));
		free(nm);
	}
	coach_strlist_sort(&found);
	for (size_t i = 0; i < found.n; i++) {
		char *tab = strchr(found.v[i], '\t');
		if (tab == NULL)
			continue;
		coach_strlist_add_owned(names, coach_xstrndup(found.v[i],
			(size_t)(tab - found.v[i])));
		coach_strlist_add(urls, tab + 1);
	}
done:
	coach_strlist_free(&found);
	git_config_iterator_free(it);
	git_config_free(cfg);
	return err;
}

struct coach_error *
coach_store_ref_get(struct coach_store *s, const char *refname,
	char hex[41], int *found)
{
	git_oid oid;
	int rc = git_reference_name_to_id(&oid, s->repo, refname);
	*found = 0;
	hex[0] = '\0';
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC)
		return NULL;
	if (rc < 0)
		return store_git_fail(refname);
	git_oid_tostr(hex, GIT_OID_HEXSZ + 1, &oid);
	*found = 1;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* One network operation: its callbacks' state and the watchdog */

struct net {
	const struct coach_net_opts *o;
	char *name;		/* the remote's name; NULL for a URL */
	struct coach_strlist fetchspecs;	/* the remote's, from config */
	char *url;		/* as configured (may hold a password) */
	char *secret;		/* the URL's password, to scrub */
	char *host;		/* for messages */
	int pushing;
	double start;
	/* credentials tried */
	int ssh_next, pass_tries;
	struct coach_credential helped;	/* from git's credential helpers */
	char *why;		/* set by a callback that stopped the work */
	/* push: refs the server refused */
	struct coach_buf refused;
	int behind;		/* a ref was refused as not a fast-forward */
	int sys_errno;		/* errno right after the transfer */
	/* watchdog */
	unsigned timeout;
	_Atomic long long last_ms;
	atomic_int fired;
	atomic_int stop;
	atomic_int paused;	/* waiting on git's credential helper */
	pthread_t target, thread;
	int running;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* SIGPIPE as it was before the transfer: a server that closes the
	 * connection while coach writes must fail the write, not end coach. */
	struct sigaction old_pipe;
};

static long long
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
touch(struct net *n)
{
	atomic_store(&n->last_ms, now_ms());
}

static unsigned
timeout_seconds(const struct coach_net_opts *o)
{
	if (o != NULL && o->timeout > 0)
		return o->timeout;
	const char *v = getenv("COACH_NET_TIMEOUT");
	if (v != NULL && *v != '\0') {
		char *end;
		errno = 0;
		unsigned long t = strtoul(v, &end, 10);
		if (errno == 0 && *end == '\0' && t > 0 && t < 86400)
			return (unsigned)t;
	}
	return COACH_NET_TIMEOUT;
}

/* Does nothing: its only work is to make a blocked system call of the
 * transferring thread fail with EINTR (it is installed without
 * SA_RESTART). */
static void
on_alarm(int sig)
{
	(void)sig;
}

static void *
watchdog(void *arg)
{
	struct net *n = arg;
	pthread_mutex_lock(&n->mu);
	while (!atomic_load(&n->stop)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&n->cv, &n->mu, &ts);
		if (atomic_load(&n->stop))
			break;
		if (atomic_load(&n->paused))
			touch(n);	/* the helper has its own timeout */
		if (now_ms() - atomic_load(&n->last_ms) >
		    (long long)n->timeout * 1000) {
			atomic_store(&n->fired, 1);
			/* Again and again: the transfer may be back in a
			 * blocking call before it looks at the flag. */
			pthread_kill(n->target, SIGALRM);
		}
	}
	pthread_mutex_unlock(&n->mu);
	return NULL;
}

/* Installed once for the process and never taken back: transfers may run
 * in several threads at once (one watchdog each), and SIGALRM's default
 * would end the process. */
static void
install_alarm(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
}

static void
watchdog_start(struct net *n)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, install_alarm);
	pthread_mutex_init(&n->mu, NULL);
	pthread_cond_init(&n->cv, NULL);
	n->target = pthread_self();
	struct sigaction ign;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &n->old_pipe);
	atomic_store(&n->stop, 0);
	touch(n);
	n->running = pthread_create(&n->thread, NULL, watchdog, n) == 0;
}

static void
watchdog_stop(struct net *n)
{
	if (n->running) {
		pthread_mutex_lock(&n->mu);
		atomic_store(&n->stop, 1);
		pthread_cond_signal(&n->cv);
		pthread_mutex_unlock(&n->mu);
		pthread_join(n->thread, NULL);
		n->running = 0;
	}
	pthread_cond_destroy(&n->cv);
	pthread_mutex_destroy(&n->mu);
	sigaction(SIGPIPE, &n->old_pipe, NULL);
}

/* Called by every callback: progress was made; non-zero when the work
 * must stop. */
static int
alive(struct net *n)
{
	touch(n);
	return atomic_load(&n->fired) ? GIT_EUSER : 0;
}

static void
set_why(struct net *n, char *why)
{
	if (n->why == NULL)
		n->why = why;
	else
		free(why);
}

/* ------------------------------------------------------------------ */
/* Credentials */

static char *
home_file(const char *rel)
{
	const char *home = getenv("HOME");
	if (home == NULL || *home == '\0') {
		struct passwd *pw = getpwuid(getuid());
		home = pw != NULL ? pw->pw_dir : "/";
	}
	return coach_path_join(home, rel);
}

static const char *
local_user(void)
{
	const char *u = getenv("USER");
	if (u != NULL && *u != '\0')
		return u;
	struct passwd *pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_name : "git";
}

static int
file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static const char *const ssh_keys[] = {
	".ssh/id_ed25519", ".ssh/id_ecdsa", ".ssh/id_rsa",
};
#define NKEYS (sizeof(ssh_keys) / sizeof(ssh_keys[0]))

/* The next way to prove who we are over ssh: the agent, then each key
 * file there is; GIT_EUSER when all were refused. */
static int
ssh_cred(git_credential **out, struct net *n, const char *user)
{
	if (n->ssh_next == 0) {
		n->ssh_next++;
		const char *sock = getenv("SSH_AUTH_SOCK");
		if (sock != NULL && *sock != '\0')
			return git_credential_ssh_key_from_agent(out, user);
	}
	while (n->ssh_next >= 1 && (size_t)n->ssh_next <= NKEYS) {
		char *priv = home_file(ssh_keys[n->ssh_next - 1]);
		char *pub = coach_xasprintf("%s.pub", priv);
		int rc = 1;
		n->ssh_next++;
		if (file_exists(priv))
			rc = git_credential_ssh_key_new(out, user,
				file_exists(pub) ? pub : NULL, priv, NULL);
		free(pub);
		free(priv);
		if (rc <= 0)
			return rc;
	}
	set_why(n, coach_xasprintf("the ssh server %s refused every key "
		"coach offered (the ssh-agent's, then ~/.ssh/id_ed25519, "
		"id_ecdsa and id_rsa) for user %s: add your public key to "
		"the server, or load your key with ssh-add", n->host, user));
	return GIT_EUSER;
}

/* The password for host in ~/.git-credentials (git's "store" helper
 * keeps lines https://user:password@host); *user, *pass malloc'd. */
static int
stored_credential(const char *url, char **user, char **pass)
{
	struct coach_buf b = COACH_BUF_INIT;
	char *path = home_file(".git-credentials");
	char *host = url_host(url);
	const char *scheme_end = strstr(url, "://");
	int found = 0;
	struct coach_error *err = coach_read_file(&b, path, 1 << 20);

	if (err != NULL || scheme_end == NULL)
		goto done;
	for (char *line = b.ptr; line != NULL && *line != '\0' && !found;) {
		char *nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		char *lhost = url_host(line);
		size_t off, len;
		if (strncmp(line, url, (size_t)(scheme_end - url) + 3) == 0 &&
		    strcmp(lhost, host) == 0 && url_password(line, &off, &len)) {
			*user = url_user(line);
			*pass = coach_xstrndup(line + off, len);
			found = 1;
		}
		free(lhost);
		line = nl != NULL ? nl + 1 : NULL;
	}
done:
	coach_error_free(err);
	coach_buf_free(&b);
	free(host);
	free(path);
	return found;
}

/* Where the password tried came from, for messages. */
static const char *
pass_source(const struct net *n)
{
	const char *token = getenv("COACH_TOKEN");
	if (token != NULL && *token != '\0')
		return "$COACH_TOKEN";
	if (n->helped.pass != NULL)
		return "git's credential helper";
	return "~/.git-credentials";
}

/* git's credential helpers, with the watchdog held off meanwhile: a
 * helper waiting on its user is not a stalled network. */
static int
helper_cred(struct net *n)
{
	atomic_store(&n->paused, 1);
	int rc = coach_credential_fill(n->url, n->timeout, &n->helped);
	atomic_store(&n->paused, 0);
	touch(n);
	return rc;
}

/* A user name and password for http(s): the URL's were refused when we
 * are asked at all while the URL has one.  Then $COACH_TOKEN, git's
 * credential helpers, ~/.git-credentials. */
static int
pass_cred(git_credential **out, struct net *n, const char *from_url)
{
	size_t off, len;
	const char *token = getenv("COACH_TOKEN");
	char *user = NULL, *pass = NULL;
	int rc = GIT_EUSER, helper = 0;

	if (url_password(n->url, &off, &len)) {
		set_why(n, coach_xasprintf("%s refused the user name and "
			"password in the remote's URL: correct them with coach "
			"remote remove and coach remote add", n->host));
		goto done;
	}
	if (n->pass_tries++ > 0) {
		set_why(n, coach_xasprintf("%s refused the password (from "
			"%s): check it, and that the user may use this "
			"repository", n->host, pass_source(n)));
		if (n->helped.pass != NULL) {
			/* As git does: the helper forgets a refused one. */
			coach_credential_report(n->url, &n->helped, 0,
				n->timeout);
			coach_credential_clear(&n->helped);
		}
		goto done;
	}
	if (token != NULL && *token != '\0') {
		const char *u = from_url != NULL && *from_url != '\0' ?
			from_url : getenv("COACH_USER");
		user = coach_xstrdup(u != NULL && *u != '\0' ? u : "coach");
		pass = coach_xstrdup(token);
	} else if ((helper = helper_cred(n)) == 1) {
		user = coach_xstrdup(n->helped.user);
		pass = coach_xstrdup(n->helped.pass);
	} else if (helper == -1) {
		set_why(n, coach_xasprintf("git's credential helper "
			"(credential.helper) gave no answer within %u seconds: "
			"check that 'git credential fill' works, or set "
			"COACH_TOKEN", n->timeout));
		goto done;
	} else if (!stored_credential(n->url, &user, &pass)) {
		set_why(n, coach_xasprintf("%s asks for a password: set "
			"COACH_TOKEN to it (and COACH_USER to your user name "
			"unless the URL has it), or keep it with a git "
			"credential helper (git config credential.helper) or "
			"in ~/.git-credentials", n->host));
		goto done;
	}
	touch(n);
	rc = git_credential_userpass_plaintext_new(out, user, pass);
done:
	if (pass != NULL)
		explicit_bzero(pass, strlen(pass));
	free(pass);
	free(user);
	return rc;
}

/* After a transfer: a helper's password that worked is kept by a caching
 * helper, as git does. */
static void
pass_settle(struct net *n, int worked)
{
	if (n->helped.pass != NULL && worked)
		coach_credential_report(n->url, &n->helped, 1, n->timeout);
	coach_credential_clear(&n->helped);
}

static int
credentials(git_credential **out, const char *url, const char *from_url,
	unsigned int allowed, void *payload)
{
	struct net *n = payload;
	const char *user = from_url != NULL && *from_url != '\0' ? from_url :
		local_user();
	(void)url;
	if (alive(n))
		return GIT_EUSER;
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return ssh_cred(out, n, user);
	if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT)
		return pass_cred(out, n, from_url);
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user);
	set_why(n, coach_xasprintf("%s asks for a kind of credential coach "
		"cannot give", n->host));
	return GIT_EUSER;
}

/* libgit2 checks TLS certificates and ssh host keys (known_hosts)
 * itself; this only keeps the watchdog fed. */
static int
certificate(git_cert *cert, int valid, const char *host, void *payload)
{
	struct net *n = payload;
	(void)cert;
	(void)valid;
	(void)host;
	if (alive(n))
		return GIT_EUSER;
	return GIT_PASSTHROUGH;
}

/* ------------------------------------------------------------------ */
/* Progress */

static void
report(struct net *n, size_t objects, size_t total, size_t bytes)
{
	if (n->o == NULL || n->o->progress == NULL)
		return;
	struct coach_net_progress p = {
		.pushing = n->pushing, .objects = objects, .total = total,
		.bytes = bytes,
		.seconds = (double)(now_ms() - (long long)n->start) / 1000.0,
	};
	n->o->progress(&p, n->o->progress_arg);
}

static int
fetch_progress(const git_indexer_progress *st, void *payload)
{
	struct net *n = payload;
	if (alive(n))
		return GIT_EUSER;
	report(n, st->received_objects, st->total_objects,
		st->received_bytes);
	return 0;
}

static int
push_progress(unsigned int current, unsigned int total, size_t bytes,
	void *payload)
{
	struct net *n = payload;
	if (alive(n))
		return GIT_EUSER;
	report(n, current, total, bytes);
	return 0;
}

static int
pack_progress(int stage, uint32_t current, uint32_t total, void *payload)
{
	(void)stage;
	(void)current;
	(void)total;
	return alive(payload);
}

static int
sideband(const char *str, int len, void *payload)
{
	(void)str;
	(void)len;
	return alive(payload);
}

/* The server's answer for each ref: status NULL is success. */
static int
update_reference(const char *refname, const char *status, void *payload)
{
	struct net *n = payload;
	touch(n);
	if (status == NULL)
		return 0;
	if (strstr(status, "fetch first") != NULL ||
	    strstr(status, "non-fast-forward") != NULL ||
	    strstr(status, "failed to update ref") != NULL ||
	    strstr(status, "stale info") != NULL ||
	    strstr(status, "lock") != NULL)
		n->behind = 1;
	if (n->refused.len > 0)
		coach_buf_puts(&n->refused, "; ");
	coach_buf_printf(&n->refused, "%s: %s", refname, status);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Fetch and push */

/*
 * The certificate authorities https trusts: the system's, unless
 * GIT_SSL_CAINFO or git config http.sslCAInfo names a file of them, as
 * for git (a school's own authority, or a test's).
 */
static struct coach_error *
ssl_setup(struct coach_store *s)
{
	const char *env = getenv("GIT_SSL_CAINFO");
	char *file = NULL, *expanded = NULL;
	struct coach_error *err = NULL;

	if (env != NULL && *env != '\0')
		file = coach_xstrdup(env);
	else if ((err = coach_store_config_get(s, "http.sslCAInfo", &file)))
		return err;
	if (file == NULL)
		return NULL;
	expanded = coach_path_expand_user(file);
	if (git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, expanded,
	    NULL) < 0)
		err = coach_error_coded(COACH_E_IO, "cannot use the "
			"certificate authorities in %s (GIT_SSL_CAINFO or "
			"http.sslCAInfo): %s", expanded, store_git_msg());
	free(expanded);
	free(file);
	return err;
}

static struct coach_error *
net_open(struct net *n, git_remote **out, struct coach_store *s,
	const char *remote, const struct coach_net_opts *o, int pushing)
{
	git_remote_create_options co;
	struct coach_error *err;
	size_t off, len;

	memset(n, 0, sizeof(*n));
	n->o = o;
	n->timeout = timeout_seconds(o);
	n->start = (double)now_ms();
	if (name_ok(remote)) {
		if ((err = remote_url(s, remote, &n->url)) != NULL)
			return err;
		if (n->url == NULL)
			return coach_error_coded(COACH_E_NOTFOUND, "no remote "
				"'%s': add it with coach remote add %s URL "
				"(coach remote list shows the remotes)",
				remote, remote);
		n->name = coach_xstrdup(remote);
		if ((err = remote_fetchspecs(s, remote, &n->fetchspecs)))
			return err;
	} else {
		n->url = coach_xstrdup(remote);
	}
	n->pushing = pushing;
	if ((err = rewrite_url(s, &n->url, pushing)) != NULL)
		return err;
	if (url_password(n->url, &off, &len))
		n->secret = coach_xstrndup(n->url + off, len);
	n->host = url_host(n->url);
	if (strncmp(n->url, "https://", 8) == 0 &&
	    (err = ssl_setup(s)) != NULL)
		return err;
	git_remote_create_options_init(&co, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	co.repository = s->repo;
	co.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF |
		GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	if (git_remote_create_with_opts(out, n->url, &co) < 0) {
		char *shown = coach_url_mask(n->url);
		err = coach_error_coded(COACH_E_INVALID, "cannot use remote "
			"%s: %s", shown, scrub(coach_xstrdup(store_git_msg()),
			n->secret));
		free(shown);
		return err;
	}
	return NULL;
}

static void
net_free(struct net *n)
{
	if (n->secret != NULL)
		explicit_bzero(n->secret, strlen(n->secret));
	free(n->secret);
	coach_credential_clear(&n->helped);
	free(n->url);
	free(n->host);
	free(n->why);
	free(n->name);
	coach_strlist_free(&n->fetchspecs);
	coach_buf_free(&n->refused);
}

static void
net_callbacks(struct net *n, git_remote_callbacks *cb)
{
	git_remote_init_callbacks(cb, GIT_REMOTE_CALLBACKS_VERSION);
	cb->credentials = credentials;
	cb->certificate_check = certificate;
	cb->sideband_progress = sideband;
	cb->transfer_progress = fetch_progress;
	cb->pack_progress = pack_progress;
	cb->push_transfer_progress = push_progress;
	cb->push_update_reference = update_reference;
	cb->payload = n;
}

/* Whether the transfer failed for want of room to write: errno says so,
 * or libgit2's last error is the system's message for it (libgit2 keeps
 * no errno: later calls may have changed it). */
static int
disk_full(int e)
{
	static const int full[] = { ENOSPC, EDQUOT, EFBIG };
	const git_error *ge = git_error_last();
	for (size_t i = 0; i < sizeof(full) / sizeof(full[0]); i++) {
		if (e == full[i])
			return 1;
		if (ge != NULL && ge->klass == GIT_ERROR_OS &&
		    ge->message != NULL &&
		    strstr(ge->message, strerror(full[i])) != NULL)
			return 1;
	}
	return 0;
}

/* The failure of a transfer, in words the user can act on. */
static struct coach_error *
net_fail(struct net *n, const char *what, int rc)
{
	char *shown = coach_url_mask(n->url);
	char *msg = scrub(coach_xstrdup(store_git_msg()), n->secret);
	struct coach_error *err;

	if (atomic_load(&n->fired))
		err = coach_error_coded(COACH_E_BUSY, "%s %s: no answer for "
			"%u seconds; check the network and that %s is up, then "
			"try again", what, shown, n->timeout, n->host);
	else if (disk_full(n->sys_errno))
		err = coach_error_coded(COACH_E_IO, "%s %s: the disk is full "
			"(%s): free some space, then run coach sync again; "
			"nothing was lost", what, shown, msg);
	else if (n->why != NULL)
		err = coach_error_coded(COACH_E_FAIL, "%s %s: %s", what,
			shown, n->why);
	else if (rc == GIT_ENONFASTFORWARD)
		err = coach_error_coded(COACH_E_CONFLICT, "%s %s: the remote "
			"branch has commits this repository does not have yet "
			"(fetch and merge them first)", what, shown);
	else if (rc == GIT_ECERTIFICATE)
		err = coach_error_coded(COACH_E_FAIL, "%s %s: the server's "
			"identity could not be checked (%s); for ssh, add its "
			"host key to ~/.ssh/known_hosts (connect once with ssh, "
			"or ssh-keyscan); for https, its certificate authority "
			"to the system's, or name a file of them in "
			"GIT_SSL_CAINFO or git config http.sslCAInfo", what,
			shown, msg);
	else if (rc == GIT_EAUTH)
		err = coach_error_coded(COACH_E_FAIL, "%s %s: %s refused the "
			"credentials (%s): check the password or key",
			what, shown, n->host, msg);
	else
		err = coach_error_coded(COACH_E_IO, "%s %s: %s; check the URL "
			"(coach remote list), the network and that %s is up, "
			"then try again", what, shown, msg, n->host);
	free(msg);
	free(shown);
	return err;
}

static char *local_path(const char *url);

/* libgit2's transport for a path lists the remote's refs, then looks each
 * one up: a ref deleted in between (another sync's temporary push ref)
 * fails the whole transfer, with GIT_ENOTFOUND or only with a reference
 * error.  Such a transfer is tried again, a few times. */
static int
retry_local(struct net *n, int rc, int *attempt)
{
	const git_error *e = git_error_last();
	int lost_ref = rc == GIT_ENOTFOUND ||
	    (rc < 0 && e != NULL && e->klass == GIT_ERROR_REFERENCE);
	if (!lost_ref || atomic_load(&n->fired) || ++*attempt > 4)
		return 0;
	char *path = local_path(n->url);
	int local = path != NULL;
	free(path);
	if (!local)
		return 0;
	struct timespec ts = { 0, 20L * 1000 * 1000 * *attempt };
	nanosleep(&ts, NULL);
	git_error_clear();
	return 1;
}

static int
transfer_fetch(struct net *n, git_remote *r, const git_strarray *specs,
	const git_fetch_options *fo)
{
	int rc, attempt = 0;
	do {
		watchdog_start(n);
		rc = git_remote_fetch(r, specs, fo, "coach sync: fetch");
		n->sys_errno = errno;
		watchdog_stop(n);
	} while (retry_local(n, rc, &attempt));
	return rc;
}

static int
transfer_push(struct net *n, git_remote *r, const git_strarray *specs,
	const git_push_options *po)
{
	int rc, attempt = 0;
	do {
		watchdog_start(n);
		rc = git_remote_push(r, specs, po);
		n->sys_errno = errno;
		watchdog_stop(n);
	} while (retry_local(n, rc, &attempt));
	return rc;
}

/* After a fetch: the destination of each refspec whose source the remote
 * no longer has is deleted (git fetch --prune), so that a tracking ref
 * never claims the remote holds commits it lost (a hub made anew). */
static struct coach_error *
prune_missing(struct coach_store *s, git_remote *r, const git_strarray *specs)
{
	const git_remote_head **heads = NULL;
	size_t nheads = 0;
	struct coach_error *err = NULL;

	if (git_remote_ls(&heads, &nheads, r) < 0)
		return NULL;	/* nothing to go by: keep what is there */
	for (size_t i = 0; i < specs->count && err == NULL; i++) {
		git_refspec *rs = NULL;
		git_reference *ref = NULL;
		int there = 0;
		if (git_refspec_parse(&rs, specs->strings[i], 1) < 0 ||
		    strchr(git_refspec_src(rs), '*') != NULL) {
			git_refspec_free(rs);
			continue;
		}
		for (size_t h = 0; h < nheads && !there; h++)
			there = strcmp(heads[h]->name, git_refspec_src(rs)) == 0;
		if (!there && git_reference_lookup(&ref, s->repo,
		    git_refspec_dst(rs)) == 0 && git_reference_delete(ref) < 0)
			err = store_git_fail(git_refspec_dst(rs));
		git_reference_free(ref);
		git_refspec_free(rs);
	}
	return err;
}

struct coach_error *
coach_store_fetch(struct coach_store *s, const char *remote,
	const char *const *refspecs, size_t nrefspecs,
	const struct coach_net_opts *opts)
{
	git_remote *r = NULL;
	git_fetch_options fo;
	struct coach_error *err;
	struct net n;
	int rc;

	if ((err = net_open(&n, &r, s, remote, opts, 0)) != NULL)
		goto done;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	net_callbacks(&n, &fo.callbacks);
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	git_strarray specs = { (char **)refspecs, nrefspecs };
	if (nrefspecs == 0) {
		specs.strings = n.fetchspecs.v;
		specs.count = n.fetchspecs.n;
	}
	if (specs.count == 0) {
		err = coach_error_coded(COACH_E_USAGE, "fetching from %s: "
			"no refspec to fetch with", n.host);
		goto done;
	}
	rc = transfer_fetch(&n, r, &specs, &fo);
	if (rc < 0 || atomic_load(&n.fired))
		err = net_fail(&n, "fetching from", rc);
	else
		err = prune_missing(s, r, &specs);
done:
	git_remote_free(r);
	pass_settle(&n, err == NULL);
	net_free(&n);
	return err;
}

/* ------------------------------------------------------------------ */
/* Pushing to a path.  libgit2's local transport moves the remote's ref
 * without checking that it still points where it did (two pushes racing
 * would drop one's commits): the objects go under a temporary ref, then
 * the branch moves with a compare-and-swap, as git's receive-pack does. */

/* The repository path of a local URL, or NULL. */
static char *
local_path(const char *url)
{
	if (strncmp(url, "file://", 7) == 0)
		return coach_xstrdup(url + 7);
	if (strstr(url, "://") != NULL)
		return NULL;
	const char *colon = strchr(url, ':');
	const char *slash = strchr(url, '/');
	if (colon != NULL && (slash == NULL || colon < slash))
		return NULL;	/* user@host:path */
	return coach_xstrdup(url);
}

/* The remote-tracking ref a fetch of dst from n's remote updates, or
 * NULL. */
static char *
tracking_of(const struct net *n, const char *dst)
{
	for (size_t i = 0; i < n->fetchspecs.n; i++) {
		git_refspec *rs = NULL;
		git_buf out = GIT_BUF_INIT;
		char *name = NULL;
		if (git_refspec_parse(&rs, n->fetchspecs.v[i], 1) == 0 &&
		    git_refspec_src_matches(rs, dst) &&
		    git_refspec_transform(&out, rs, dst) == 0)
			name = coach_xstrdup(out.ptr);
		git_buf_dispose(&out);
		git_refspec_free(rs);
		if (name != NULL)
			return name;
	}
	return NULL;
}

/* After a push: the remote-tracking ref of dst, for a named remote. */
static struct coach_error *
track(struct coach_store *s, const struct net *n, const char *dst,
	const git_oid *new)
{
	git_reference *ref = NULL;
	struct coach_error *err = NULL;
	char *tracking = tracking_of(n, dst);
	if (tracking != NULL && git_reference_create(&ref, s->repo, tracking,
	    new, 1, "coach sync: push") < 0)
		err = store_git_fail(tracking);
	git_reference_free(ref);
	free(tracking);
	return err;
}

/* Moves dst in the repository at path from a commit that new contains
 * to new; COACH_E_CONFLICT when it holds commits we do not have. */
static struct coach_error *
swap_ref(struct coach_store *s, git_repository *rr, const char *dst,
	const git_oid *new, const char *shown)
{
	git_reference *ref = NULL;
	git_oid old;
	int rc = git_reference_name_to_id(&old, rr, dst);

	if (rc == GIT_ENOTFOUND)
		rc = git_reference_create(&ref, rr, dst, new, 0, "coach sync");
	else if (rc == 0 && git_oid_equal(&old, new))
		rc = 0;
	else if (rc == 0 && git_graph_descendant_of(s->repo, new, &old) != 1)
		rc = GIT_EMODIFIED;
	else if (rc == 0)
		rc = git_reference_create_matching(&ref, rr, dst, new, 1, &old,
			"coach sync");
	git_reference_free(ref);
	/* Locked: another push is moving it right now. */
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED)
		return coach_error_coded(COACH_E_CONFLICT, "%s refused the "
			"push (%s: fetch first): someone pushed meanwhile; "
			"fetch and merge, then push again", shown, dst);
	if (rc < 0)
		return coach_error_coded(COACH_E_IO, "pushing to %s: %s: %s",
			shown, dst, store_git_msg());
	return NULL;
}

static struct coach_error *
push_local(struct coach_store *s, git_remote *r, const char *path,
	const char *refspec, git_push_options *po, struct net *n)
{
	git_repository *rr = NULL;
	git_reference *tmp = NULL;
	git_oid new;
	struct coach_error *err = NULL;
	const char *colon = strchr(refspec, ':');
	char *src = coach_xstrndup(refspec, (size_t)(colon - refspec));
	char *dst = coach_xstrdup(colon + 1);
	char *tmpname = coach_xasprintf("refs/coach-push/%ld-%ld",
		(long)getpid(), (long)now_ms());
	char *spec = coach_xasprintf("+%s:%s", src, tmpname);
	char *shown = coach_url_mask(n->url);

	if (git_reference_name_to_id(&new, s->repo, src) < 0) {
		err = store_git_fail(src);
		goto done;
	}
	git_strarray specs = { &spec, 1 };
	int rc = transfer_push(n, r, &specs, po);
	if (rc < 0) {
		err = net_fail(n, "pushing to", rc);
		goto done;
	}
	if (git_repository_open_ext(&rr, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) < 0) {
		err = coach_error_coded(COACH_E_IO, "pushing to %s: %s", shown,
			store_git_msg());
		goto done;
	}
	err = swap_ref(s, rr, dst, &new, shown);
	if (git_reference_lookup(&tmp, rr, tmpname) == 0)
		git_reference_delete(tmp);
	/* A first push to a bare repository whose HEAD names a branch it
	 * does not have (git init names "master"): HEAD follows the pushed
	 * branch, so that a git clone of it checks the school out.  A
	 * server's HEAD cannot be moved over the network. */
	if (err == NULL && strncmp(dst, "refs/heads/", 11) == 0 &&
	    git_repository_head_unborn(rr) == 1)
		git_repository_set_head(rr, dst);
	if (err == NULL)
		err = track(s, n, dst, &new);
done:
	git_reference_free(tmp);
	git_repository_free(rr);
	free(shown);
	free(spec);
	free(tmpname);
	free(dst);
	free(src);
	return err;
}

/* After a push of refspec "[+]src:dst": the remote-tracking ref. */
static struct coach_error *
track_pushed(struct coach_store *s, const struct net *n,
	const char *refspec)
{
	const char *colon = strchr(refspec, ':');
	const char *src = refspec + (refspec[0] == '+');
	struct coach_error *err = NULL;
	git_oid oid;
	if (n->name == NULL || colon == NULL || colon == src)
		return NULL;
	char *srcname = coach_xstrndup(src, (size_t)(colon - src));
	if (git_reference_name_to_id(&oid, s->repo, srcname) == 0)
		err = track(s, n, colon + 1, &oid);
	free(srcname);
	return err;
}

struct coach_error *
coach_store_push(struct coach_store *s, const char *remote,
	const char *refspec, const struct coach_net_opts *opts)
{
	git_remote *r = NULL;
	git_push_options po;
	struct coach_error *err;
	struct net n;
	char *path = NULL;
	int rc;

	if ((err = net_open(&n, &r, s, remote, opts, 1)) != NULL)
		goto done;
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	net_callbacks(&n, &po.callbacks);
	path = local_path(n.url);
	if (path != NULL && refspec[0] != '+' && strchr(refspec, ':')) {
		err = push_local(s, r, path, refspec, &po, &n);
		goto done;
	}
	char *spec = (char *)refspec;
	git_strarray specs = { &spec, 1 };
	rc = transfer_push(&n, r, &specs, &po);
	if (rc < 0 || atomic_load(&n.fired)) {
		err = net_fail(&n, "pushing to", rc);
	} else if (n.refused.len > 0) {
		char *shown = coach_url_mask(n.url);
		char *why = scrub(coach_buf_detach(&n.refused), n.secret);
		if (n.behind)
			err = coach_error_coded(COACH_E_CONFLICT, "%s refused "
				"the push (%s): someone pushed meanwhile; "
				"fetch and merge, then push again", shown, why);
		else
			err = coach_error_coded(COACH_E_FAIL, "%s refused the "
				"push (%s): the remote branch did not change; ask "
				"whoever runs the server why (permissions, a protected "
				"branch, a hook), then try again", shown, why);
		free(why);
		free(shown);
	} else {
		err = track_pushed(s, &n, refspec);
	}
done:
	free(path);
	git_remote_free(r);
	pass_settle(&n, err == NULL);
	net_free(&n);
	return err;
}
