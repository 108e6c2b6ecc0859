/*
 * trust.c: a trust's workspace: its schools, pulling their summaries in
 * parallel, and reading them for reports (see trust.h).
 */
#include "trust.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "frontmatter.h"
#include "ids.h"
#include "record.h"
#include "repo.h"
#include "store.h"
#include "store_remote.h"
#include "store_trust.h"

struct coach_trust {
	struct coach_store *store;
	struct coach_fm *cfg;
	struct coach_trust_school *v;
	size_t n;
};

static const char pulled_ref[] = "refs/coach/pulled";
static const char summary_refs[] = "refs/summary/";
static const char fetch_spec[] = "+refs/heads/summary/*:refs/summary/*";
static const char gitignore[] =
	"# What the schools published, fetched by 'coach trust pull'.\n"
	"/schools/\n";

/*
 * trust.yml
 */

static struct coach_error *
read_config(const char *root, struct coach_fm **out)
{
	struct coach_buf b = COACH_BUF_INIT;
	char *path = coach_path_join(root, COACH_TRUST_FILE);
	struct coach_error *err = coach_read_file(&b, path,
	    COACH_FM_MAX_BYTES);
	if (err == NULL)
		err = coach_fm_parse(out, COACH_TRUST_FILE, coach_buf_str(&b),
		    b.len, 1);
	free(path);
	coach_buf_free(&b);
	return err;
}

static void
free_schools(struct coach_trust *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].name);
		free(t->v[i].url);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

/* The schools of t->cfg; a school without a valid name or a URL is an
 * error naming its line. */
static struct coach_error *
read_schools(struct coach_trust *t)
{
	const struct coach_fm_node *l = coach_fm_get(t->cfg, "schools");
	free_schools(t);
	if (l == NULL || coach_fm_node_type(l) == COACH_FM_NULL)
		return NULL;
	if (coach_fm_node_type(l) != COACH_FM_SEQ)
		return coach_error_coded(COACH_E_INVALID, "%s:%d: schools "
		    "must be a list of mappings with name and url",
		    COACH_TRUST_FILE, coach_fm_node_line(l));
	t->v = coach_xcalloc(coach_fm_node_len(l) + 1, sizeof(*t->v));
	for (size_t i = 0; i < coach_fm_node_len(l); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(l, i);
		const struct coach_fm_node *name = coach_fm_node_lookup(it,
		    "name"), *url = coach_fm_node_lookup(it, "url");
		struct coach_error *err;
		if (coach_fm_node_type(it) != COACH_FM_MAP || !name || !url ||
		    coach_fm_node_type(name) != COACH_FM_SCALAR ||
		    coach_fm_node_type(url) != COACH_FM_SCALAR ||
		    !*coach_fm_node_str(url))
			return coach_error_coded(COACH_E_INVALID, "%s:%d: each "
			    "school needs a name and a url", COACH_TRUST_FILE,
			    coach_fm_node_line(it));
		if ((err = coach_handle_check("school",
		    coach_fm_node_str(name))))
			return coach_error_prefix(err, "%s:%d",
			    COACH_TRUST_FILE, coach_fm_node_line(name));
		t->v[t->n].name = coach_xstrdup(coach_fm_node_str(name));
		t->v[t->n].url = coach_xstrdup(coach_fm_node_str(url));
		t->n++;
	}
	return NULL;
}

struct coach_error *
coach_trust_open(struct coach_trust **out, const char *dir)
{
	struct coach_trust *t = coach_xcalloc(1, sizeof(*t));
	struct coach_error *err;
	*out = NULL;
	if ((err = coach_store_find(&t->store, dir ? dir : ".",
	    COACH_TRUST_FILE)))
		goto fail;
	if (t->store == NULL) {
		err = coach_error_coded(COACH_E_NOTFOUND, "not in a trust "
		    "workspace (no %s here or above); make one with 'coach "
		    "trust init DIR --trust NAME'", COACH_TRUST_FILE);
		goto fail;
	}
	if ((err = read_config(coach_store_root(t->store), &t->cfg)) ||
	    (err = read_schools(t)))
		goto fail;
	*out = t;
	return NULL;
fail:
	coach_trust_close(t);
	return err;
}

void
coach_trust_close(struct coach_trust *t)
{
	if (t == NULL)
		return;
	free_schools(t);
	coach_fm_free(t->cfg);
	coach_store_close(t->store);
	free(t);
}

const char *
coach_trust_root(const struct coach_trust *t)
{
	return coach_store_root(t->store);
}

const char *
coach_trust_name(const struct coach_trust *t)
{
	const char *s = coach_fm_str(t->cfg, "trust");
	return s ? s : "";
}

size_t
coach_trust_count(const struct coach_trust *t)
{
	return t->n;
}

const struct coach_trust_school *
coach_trust_school(const struct coach_trust *t, size_t i)
{
	return i < t->n ? &t->v[i] : NULL;
}

struct coach_error *
coach_trust_init(const char *dir, const char *name)
{
	struct coach_store *s = NULL;
	struct coach_txn *txn = NULL;
	struct coach_buf text = COACH_BUF_INIT;
	struct coach_error *err;
	char *file = coach_path_join(dir, COACH_TRUST_FILE);
	if (access(file, F_OK) == 0) {
		err = coach_error_coded(COACH_E_CONFLICT, "%s is already a "
		    "trust workspace (it has %s)", dir, COACH_TRUST_FILE);
		goto done;
	}
	if ((err = coach_store_init(&s, dir)) ||
	    (err = coach_store_begin(&txn, s)))
		goto done;
	coach_buf_puts(&text, "trust: ");
	coach_yaml_scalar(&text, name);
	coach_buf_puts(&text, "\nschools:\n");
	coach_txn_write(txn, COACH_TRUST_FILE, text.ptr, text.len);
	coach_txn_write(txn, ".gitignore", gitignore, strlen(gitignore));
	coach_buf_clear(&text);
	coach_buf_printf(&text, "trust init: %s", name);
	err = coach_txn_commit(txn, coach_buf_str(&text), NULL);
done:
	coach_store_close(s);
	coach_buf_free(&text);
	free(file);
	return err;
}

/* Whether url carries a password ("https://user:secret@host/..."). */
static int
url_has_password(const char *url)
{
	const char *p = strstr(url, "://");
	if (p == NULL)
		return 0;
	p += 3;
	size_t auth = strcspn(p, "/@");
	return p[auth] == '@' && memchr(p, ':', auth) != NULL;
}

struct coach_error *
coach_trust_add(struct coach_trust *t, const char *school, const char *url)
{
	struct coach_txn *txn = NULL;
	struct coach_buf text = COACH_BUF_INIT;
	struct coach_error *err;
	if ((err = coach_handle_check("school", school)))
		return coach_error_set_code(err, COACH_E_INVALID);
	if (*url == '\0' || url_has_password(url))
		return coach_error_coded(COACH_E_INVALID, "%s: a URL with a "
		    "password would be committed in %s; give the URL "
		    "without it and the password as $COACH_TOKEN or in git's "
		    "credential store", *url ? "refused" : "empty URL",
		    COACH_TRUST_FILE);
	if ((err = coach_store_begin(&txn, t->store)))
		return err;
	/* Read again under the lock: another add may have come first. */
	coach_fm_free(t->cfg);
	t->cfg = NULL;
	if ((err = read_config(coach_trust_root(t), &t->cfg)) ||
	    (err = read_schools(t)))
		goto fail;
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, school) == 0) {
			err = coach_error_coded(COACH_E_CONFLICT, "%s is "
			    "already a school of this trust", school);
			goto fail;
		}
	struct coach_fmv *m = coach_fmv_map();
	coach_fmv_put(m, "name", coach_fmv_str(school));
	coach_fmv_put(m, "url", coach_fmv_str(url));
	if ((err = coach_fm_append(t->cfg, "schools", m)))
		goto fail;
	coach_fm_render(t->cfg, &text);
	coach_txn_write(txn, COACH_TRUST_FILE, text.ptr, text.len);
	coach_buf_clear(&text);
	coach_buf_printf(&text, "trust add: %s", school);
	err = coach_txn_commit(txn, coach_buf_str(&text), NULL);
	txn = NULL;
	if (err == NULL)
		err = read_schools(t);
fail:
	if (txn)
		coach_txn_abort(txn);
	coach_buf_free(&text);
	return err;
}

/*
 * The status of each school's last pull: "key: value" lines.
 */

static char *
school_path(const struct coach_trust *t, const char *school, const char *ext)
{
	return coach_xasprintf("%s/schools/%s%s", coach_trust_root(t), school,
	    ext);
}

void
coach_trust_status_free(struct coach_trust_status *st)
{
	free(st->message);
	memset(st, 0, sizeof(*st));
}

static void
status_write(const struct coach_trust *t, const char *school,
    const struct coach_trust_status *st)
{
	char *path = school_path(t, school, ".status");
	char *tmp = coach_xasprintf("%s.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (f == NULL)
		goto done;
	/* One line: a message never spans two. */
	fprintf(f, "time: %lld\nresult: %s\nseconds: %.3f\ncommit: %s\n"
	    "message: ", st->time, st->ok ? "ok" : "failed", st->seconds,
	    st->oid);
	for (const char *p = st->message ? st->message : ""; *p; p++)
		fputc(*p == '\n' || *p == '\r' ? ' ' : *p, f);
	fputc('\n', f);
	if (fclose(f) == 0)
		rename(tmp, path);
	else
		unlink(tmp);
done:
	free(tmp);
	free(path);
}

void
coach_trust_status_read(const struct coach_trust *t, const char *school,
    struct coach_trust_status *st)
{
	char *path = school_path(t, school, ".status");
	FILE *f = fopen(path, "r");
	char line[4096];
	memset(st, 0, sizeof(*st));
	free(path);
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "time: ", 6) == 0)
			st->time = atoll(line + 6), st->pulled = 1;
		else if (strncmp(line, "result: ", 8) == 0)
			st->ok = strcmp(line + 8, "ok") == 0;
		else if (strncmp(line, "seconds: ", 9) == 0)
			st->seconds = atof(line + 9);
		else if (strncmp(line, "commit: ", 8) == 0)
			snprintf(st->oid, sizeof(st->oid), "%.40s", line + 8);
		else if (strncmp(line, "message: ", 9) == 0 && !st->message)
			st->message = coach_xstrdup(line + 9);
	}
	fclose(f);
}

/*
 * Pulling
 */

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The summary of the school among those fetched: summary/NAME, else the
 * only one. */
static struct coach_error *
pick_summary(struct coach_store *s, const char *school, char **ref)
{
	struct coach_strlist refs = COACH_STRLIST_INIT;
	struct coach_error *err = coach_store_refs(s, summary_refs, &refs);
	char *mine = coach_xasprintf("%s%s", summary_refs, school);
	*ref = NULL;
	if (err)
		goto done;
	if (coach_strlist_has(&refs, mine)) {
		*ref = mine;
		mine = NULL;
	} else if (refs.n == 1) {
		*ref = coach_xstrdup(refs.v[0]);
	} else if (refs.n == 0) {
		err = coach_error_coded(COACH_E_NOTFOUND, "no summary there: "
		    "the school publishes one with 'coach sync --publish'");
	} else {
		struct coach_buf b = COACH_BUF_INIT;
		for (size_t i = 0; i < refs.n; i++)
			coach_buf_printf(&b, "%s%s", i ? ", " : "",
			    refs.v[i] + strlen(summary_refs));
		err = coach_error_coded(COACH_E_CONFLICT, "several summaries "
		    "there (%s) and none is %s: add the school under one "
		    "of those names", coach_buf_str(&b), school);
		coach_buf_free(&b);
	}
done:
	free(mine);
	coach_strlist_free(&refs);
	return err;
}

/* When the URL has no summary named after the school, every summary
 * there (pick_summary() then takes the only one).  A trust repository that
 * all schools publish to is so fetched one school's branch at a time. */
static struct coach_error *
fetch_others(struct coach_store *s, const struct coach_trust_school *sc,
    const char **all, const struct coach_net_opts *net)
{
	char oid[41];
	int found = 0;
	char *mine = coach_xasprintf("%s%s", summary_refs, sc->name);
	struct coach_error *err = coach_store_ref_get(s, mine, oid, &found);
	free(mine);
	if (err || found)
		return err;
	return coach_store_fetch(s, sc->url, all, 1, net);
}

/* Fetches one school into its bare repository and moves its pulled ref;
 * st says how it went. */
static void
pull_school(const struct coach_trust *t, const struct coach_trust_school *sc,
    unsigned timeout, struct coach_trust_status *st)
{
	struct coach_store *s = NULL;
	struct coach_error *err;
	struct coach_net_opts net = { 0 };
	char *mine = coach_xasprintf("+refs/heads/summary/%s:%s%s", sc->name,
	    summary_refs, sc->name);
	const char *specs[1] = { mine }, *all[1] = { fetch_spec };
	char *path = school_path(t, sc->name, ".git"), *ref = NULL;
	char old[41] = "";
	int had = 0;
	double start = now();

	/* The network's own timeout stops a transfer that stalls; the
	 * parent stops one that takes longer than timeout in all. */
	(void)timeout;
	if ((err = coach_store_open_bare(&s, path, 1)) ||
	    (err = coach_store_ref_get(s, pulled_ref, old, &had)) ||
	    (err = coach_store_fetch(s, sc->url, specs, 1, &net)) ||
	    (err = fetch_others(s, sc, all, &net)) ||
	    (err = pick_summary(s, sc->name, &ref)) ||
	    (err = coach_store_ref_get(s, ref, st->oid, &had)) ||
	    (err = coach_store_ref_set(s, pulled_ref, st->oid, "trust pull")))
		goto done;
	st->ok = 1;
	st->message = strcmp(old, st->oid) == 0 ?
	    coach_xstrdup("up to date") :
	    coach_xasprintf("new summary %.7s", st->oid);
done:
	if (err) {
		st->ok = 0;
		st->message = coach_xstrdup(coach_error_msg(err));
		coach_error_free(err);
	}
	st->seconds = now() - start;
	st->time = (long long)time(NULL);
	if (!st->ok && *st->oid == '\0' && *old)
		memcpy(st->oid, old, sizeof(old));
	coach_store_close(s);
	free(ref);
	free(path);
	free(mine);
}

struct child {
	pid_t pid;
	size_t school;
	double start;
	int killed;
};

/* The running children, reachable from here: a child _exits from inside
 * run_pool, where the compiler may keep the list only in a register it
 * reused, and a leak checker (valgrind) would call the list lost. */
static struct child *volatile pool;

/* Runs in the child: pulls and leaves the status file for the parent. */
static void __attribute__((noreturn))
child_main(const struct coach_trust *t, size_t i, unsigned timeout)
{
	struct coach_trust_status st;
	memset(&st, 0, sizeof(st));
	pull_school(t, &t->v[i], timeout, &st);
	status_write(t, t->v[i].name, &st);
	_exit(st.ok ? 0 : 1);
}

/* What the parent knows of a child that ended, into out. */
static void
reap(const struct coach_trust *t, const struct child *c, int wstatus,
    unsigned timeout, struct coach_trust_status *out)
{
	const char *name = t->v[c->school].name;
	coach_trust_status_read(t, name, out);
	/* A child that exits has written its status just before. */
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) <= 1 && out->pulled &&
	    !c->killed)
		return;
	/* Killed, crashed, or gone without a word: say so ourselves, and
	 * keep the last good summary's commit. */
	char oid[41];
	memcpy(oid, out->oid, sizeof(oid));
	coach_trust_status_free(out);
	out->pulled = 1;
	out->ok = 0;
	out->time = (long long)time(NULL);
	out->seconds = now() - c->start;
	memcpy(out->oid, oid, sizeof(oid));
	if (c->killed)
		out->message = coach_xasprintf("no answer within %u seconds: "
		    "stopped (is the URL right, and the host up?)", timeout);
	else if (WIFSIGNALED(wstatus))
		out->message = coach_xasprintf("the pull stopped on signal %d",
		    WTERMSIG(wstatus));
	else
		out->message = coach_xstrdup("the pull ended without saying "
		    "how it went");
	status_write(t, name, out);
}

static struct coach_error *
lock_pulls(const struct coach_trust *t, int *fd)
{
	char *path = school_path(t, "", ".pull.lock");
	struct coach_error *err = NULL;
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (*fd == -1)
		err = coach_error_errno("cannot open", path);
	else if (flock(*fd, LOCK_EX | LOCK_NB) == -1) {
		err = errno == EWOULDBLOCK ? coach_error_coded(COACH_E_LOCKED,
		    "another 'coach trust pull' is running in %s: wait for it "
		    "to end", coach_trust_root(t)) :
		    coach_error_errno("cannot lock", path);
		close(*fd);
		*fd = -1;
	}
	free(path);
	return err;
}

static int
start_child(const struct coach_trust *t, size_t i, unsigned timeout,
    struct child *c)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == -1)
		return -1;
	if (pid == 0)
		child_main(t, i, timeout);
	c->pid = pid;
	c->school = i;
	c->start = now();
	c->killed = 0;
	return 0;
}

/* Kills the children past their time. */
static void
kill_late(struct child *run, size_t nrun, unsigned timeout)
{
	double t = now();
	for (size_t k = 0; k < nrun; k++)
		if (!run[k].killed && t - run[k].start > (double)timeout) {
			kill(run[k].pid, SIGKILL);
			run[k].killed = 1;
		}
}

static struct coach_error *
run_pool(struct coach_trust *t, unsigned jobs, unsigned timeout,
    struct coach_trust_status *out, size_t *failed)
{
	struct child *run = coach_xcalloc(jobs, sizeof(*run));
	size_t next = 0, nrun = 0;
	pool = run;
	struct coach_error *err = NULL;
	while (next < t->n || nrun > 0) {
		while (nrun < jobs && next < t->n && err == NULL) {
			if (start_child(t, next, timeout, &run[nrun]) == -1) {
				err = coach_error_errno("cannot start a pull",
				    t->v[next].name);
				break;
			}
			next++;
			nrun++;
		}
		if (err && nrun == 0)
			break;
		int ws;
		pid_t pid = waitpid(-1, &ws, WNOHANG);
		if (pid <= 0) {
			kill_late(run, nrun, timeout);
			struct timespec nap = { 0, 20 * 1000 * 1000 };
			nanosleep(&nap, NULL);
			continue;
		}
		for (size_t k = 0; k < nrun; k++) {
			if (run[k].pid != pid)
				continue;
			reap(t, &run[k], ws, timeout, &out[run[k].school]);
			*failed += !out[run[k].school].ok;
			run[k] = run[--nrun];
			break;
		}
	}
	free(run);
	pool = NULL;
	return err;
}

static unsigned
env_or(const char *name, unsigned given, unsigned dflt)
{
	const char *e = getenv(name);
	if (given)
		return given;
	if (e && atoi(e) > 0)
		return (unsigned)atoi(e);
	return dflt;
}

struct coach_error *
coach_trust_pull(struct coach_trust *t,
    const struct coach_trust_pull_opts *opts,
    struct coach_trust_status **out, size_t *failed)
{
	struct coach_error *err;
	int fd = -1;
	unsigned jobs = env_or("COACH_TRUST_JOBS", opts->jobs,
	    COACH_TRUST_JOBS);
	unsigned timeout = env_or("COACH_TRUST_TIMEOUT", opts->timeout,
	    COACH_TRUST_TIMEOUT);
	char *dir = coach_path_join(coach_trust_root(t), "schools");
	*out = coach_xcalloc(t->n + 1, sizeof(**out));
	*failed = 0;
	err = coach_mkdirs(dir);
	free(dir); /* before any child is forked, which would not free it */
	if (err || (err = lock_pulls(t, &fd)))
		goto done;
	err = run_pool(t, jobs, timeout, *out, failed);
done:
	if (fd != -1)
		close(fd);
	return err;
}

/*
 * Reading the summaries
 */

static void
list_add(struct coach_loaded_list *l, struct coach_loaded *rec)
{
	/* Capacity doubles at each power of two. */
	if ((l->n & (l->n - 1)) == 0)
		l->v = coach_xrealloc(l->v, (l->n ? 2 * l->n : 1) *
		    sizeof(*l->v));
	l->v[l->n++] = *rec;
}

static struct coach_loaded_list *
list_of(struct coach_report_school *sc, enum coach_kind k)
{
	switch (k) {
	case COACH_KIND_STAFF: return &sc->staff;
	case COACH_KIND_AGREEMENT: return &sc->agreements;
	case COACH_KIND_GOAL: return &sc->goals;
	case COACH_KIND_CYCLE: return &sc->cycles;
	case COACH_KIND_ENTRY: return &sc->entries;
	default: return NULL;
	}
}

/* The file f of the school's summary into sc. */
static void
load_file(struct coach_report_school *sc, const struct coach_file *f)
{
	struct coach_loaded l;
	struct coach_error *err = NULL;
	memset(&l, 0, sizeof(l));
	enum coach_kind k = coach_path_kind(f->path, &l.coachee, &l.id);
	struct coach_loaded_list *list = list_of(sc, k);
	char *shown = coach_xasprintf("%s/%s", sc->name, f->path);
	if (k == COACH_KIND_CONFIG) {
		if (f->data == NULL || (err = coach_fm_parse(&sc->own_config,
		    shown, f->data, f->len, 1)))
			sc->own_config = NULL;
	} else if (list && f->data == NULL) {
		err = coach_error_coded(COACH_E_INVALID, "%s is over %d "
		    "bytes", shown, COACH_RECORD_MAX_BYTES);
	} else if (list && (err = coach_record_parse(&l.rec, shown, f->data,
	    f->len)) == NULL) {
		l.path = coach_xstrdup(f->path);
		list_add(list, &l);
		memset(&l, 0, sizeof(l));
	}
	if (err)
		coach_problems_add(&sc->problems, shown, "%s",
		    coach_error_msg(err));
	coach_error_free(err);
	coach_loaded_free(&l);
	free(shown);
}

/* One school's summary, as pulled last. */
static struct coach_error *
load_school(struct coach_trust *t, const char *name,
    struct coach_report_school *sc)
{
	struct coach_store *s = NULL;
	struct coach_files files = COACH_FILES_INIT;
	struct coach_error *err;
	char *path = school_path(t, name, ".git");
	char oid[41];
	memset(sc, 0, sizeof(*sc));
	sc->name = coach_xstrdup(name);
	if ((err = coach_store_open_bare(&s, path, 0)) ||
	    (err = coach_store_ref_files(s, pulled_ref, &files, oid)))
		goto done;
	for (size_t i = 0; i < files.n; i++)
		load_file(sc, &files.v[i]);
	if (sc->own_config == NULL)
		sc->own_config = coach_fm_new();
	sc->config = sc->own_config;
	coach_config_phases(sc->config, &sc->phases);
done:
	coach_files_free(&files);
	coach_store_close(s);
	free(path);
	return err;
}

struct coach_error *
coach_trust_load(struct coach_trust *t, struct coach_report_school **out,
    size_t *n, struct coach_problems *problems)
{
	*out = coach_xcalloc(t->n + 1, sizeof(**out));
	*n = 0;
	for (size_t i = 0; i < t->n; i++) {
		struct coach_error *err = load_school(t, t->v[i].name,
		    &(*out)[*n]);
		if (err && coach_error_code(err) == COACH_E_NOTFOUND) {
			coach_problems_add(problems, t->v[i].name, "%s: "
			    "nothing pulled yet; run 'coach trust pull'",
			    t->v[i].name);
		} else if (err) {
			coach_problems_add(problems, t->v[i].name, "%s: %s",
			    t->v[i].name, coach_error_msg(err));
		}
		if (err) {
			coach_report_school_free(&(*out)[*n]);
			coach_error_free(err);
			continue;
		}
		(*n)++;
	}
	return NULL;
}
