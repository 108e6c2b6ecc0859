/*
 * monitor.c: the file-system monitor's daemon and its client (see
 * monitor.h).
 *
 * The protocol, over a stream socket, one question a connection:
 *     question  "query INSTANCE SEQ\n" | "status\n" | "stop\n"
 *     answer    "coach-monitor 1\0" ROOT "\0" then
 *               query:  "INSTANCE SEQ EVERYTHING N\0" and N paths, each
 *                       with a NUL
 *               status: "PID FOLDERS\0"
 *               stop:   "stopping\0"
 */
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef __linux__
#include <dirent.h>
#include <sys/inotify.h>
#include <sys/random.h>
#endif

#include "util.h"

#define MAGIC "coach-monitor 1"
/* How long a client waits for an answer, in milliseconds. */
#define CLIENT_WAIT_MS 1000
/* How long the daemon waits for its own cookie before giving up. */
#define BARRIER_WAIT_MS 2000
#define LOG_MAX 65536
#define IDLE_DEFAULT 3600
/* Made when a daemon could not run; a read does not start one again
 * within this many seconds of it. */
#define FAILED "coach-monitor.failed"
#define RETRY_AFTER 600

int
coach_monitor_since(uint64_t inst, uint64_t now, uint64_t instance,
    uint64_t seq)
{
	/* No token, another daemon's (or an earlier life's), or one from
	 * the future: nothing can be said of what happened since. */
	return instance == 0 || instance != inst || seq > now;
}

void
coach_monitor_answer_free(struct coach_monitor_answer *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->dirs[i]);
	free(a->dirs);
	memset(a, 0, sizeof(*a));
}

static long
now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The socket's address; -1 when the path does not fit in sun_path. */
static int
sock_addr(const char *gitdir, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	int n = snprintf(sa->sun_path, sizeof(sa->sun_path), "%s%s", gitdir,
	    COACH_MONITOR_SOCK);
	return n < 0 || (size_t)n >= sizeof(sa->sun_path) ? -1 : 0;
}

/* ---- the client ---- */

/* Connects to the daemon and sends req: the socket, or -1. */
static int
client_open(const char *gitdir, const char *req)
{
#ifdef __linux__
	struct sockaddr_un sa;
	struct ucred cr;
	socklen_t len = sizeof(cr);
	if (sock_addr(gitdir, &sa) != 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	/* Only a daemon of this user is believed. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0 ||
	    cr.uid != getuid() ||
	    send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	return fd;
#else
	(void)gitdir;
	(void)req;
	return -1;
#endif
}

/* Reads the whole answer (until the daemon closes) within the client's
 * time; -1 when it does not come. */
static int
client_read(int fd, struct coach_buf *b)
{
	long deadline = now_ms() + CLIENT_WAIT_MS;
	for (;;) {
		long left = deadline - now_ms();
		struct pollfd p = { fd, POLLIN, 0 };
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		char chunk[65536];
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (b->len + (size_t)n > ((size_t)256 << 20))
			return -1;
		coach_buf_add(b, chunk, (size_t)n);
	}
}

/* The next NUL-terminated field of b from *at, or NULL. */
static const char *
field(const struct coach_buf *b, size_t *at)
{
	if (*at >= b->len)
		return NULL;
	const char *s = b->ptr + *at;
	const char *e = memchr(s, '\0', b->len - *at);
	if (e == NULL)
		return NULL;
	*at += (size_t)(e - s) + 1;
	return s;
}

/* Asks req and checks the answer's head: the fields after it start at
 * *at.  -1 when there is no usable answer. */
static int
client_ask(const char *gitdir, const char *root, const char *req,
    struct coach_buf *b, size_t *at)
{
	int fd = client_open(gitdir, req);
	if (fd == -1)
		return -1;
	int rc = client_read(fd, b);
	close(fd);
	*at = 0;
	const char *magic = rc == 0 ? field(b, at) : NULL;
	const char *r = magic ? field(b, at) : NULL;
	/* The daemon of this work tree, speaking this protocol. */
	if (r == NULL || strcmp(magic, MAGIC) != 0 || strcmp(r, root) != 0)
		return -1;
	return 0;
}

int
coach_monitor_query(const char *gitdir, const char *root, uint64_t instance,
    uint64_t seq, struct coach_monitor_answer *a)
{
	struct coach_buf b = COACH_BUF_INIT;
	char req[80];
	size_t at, n = 0;
	int every = 0, rc = -1, used = 0;
	memset(a, 0, sizeof(*a));
	snprintf(req, sizeof(req), "query %" PRIu64 " %" PRIu64 "\n",
	    instance, seq);
	if (!coach_monitor_supported() || client_ask(gitdir, root, req, &b, &at))
		goto done;
	const char *h = field(&b, &at);
	if (h == NULL || sscanf(h, "%" SCNu64 " %" SCNu64 " %d %zu%n",
	    &a->instance, &a->seq, &every, &n, &used) != 4 ||
	    h[used] != '\0' || a->instance == 0 || (every != 0 && every != 1) ||
	    n > b.len)
		goto done;
	a->everything = every;
	a->dirs = coach_xcalloc(n + 1, sizeof(*a->dirs));
	for (; a->n < n; a->n++) {
		const char *p = field(&b, &at);
		if (p == NULL)
			goto done;
		a->dirs[a->n] = coach_xstrdup(p);
	}
	rc = at == b.len ? 0 : -1;
done:
	if (rc != 0)
		coach_monitor_answer_free(a);
	coach_buf_free(&b);
	return rc;
}

void
coach_monitor_get_status(const char *gitdir, const char *root,
    struct coach_monitor_status *st)
{
	struct coach_buf b = COACH_BUF_INIT;
	size_t at;
	long pid;
	memset(st, 0, sizeof(*st));
	if (coach_monitor_supported() &&
	    client_ask(gitdir, root, "status\n", &b, &at) == 0) {
		const char *h = field(&b, &at);
		if (h && sscanf(h, "%ld %zu", &pid, &st->dirs) == 2 && pid > 0) {
			st->running = 1;
			st->pid = (pid_t)pid;
		}
	}
	coach_buf_free(&b);
}

/* Whether no process holds the daemon's lock (it is gone). */
static int
lock_free(const char *gitdir)
{
	char *path = coach_xasprintf("%s%s", gitdir, COACH_MONITOR_LOCK);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int is_free = 1;
	free(path);
	if (fd == -1)
		return 1;
	if (flock(fd, LOCK_SH | LOCK_NB) != 0)
		is_free = 0;
	close(fd);
	return is_free;
}

struct coach_error *
coach_monitor_stop(const char *gitdir, const char *root, int *was_running)
{
	struct coach_buf b = COACH_BUF_INIT;
	size_t at;
	*was_running = 0;
	if (!coach_monitor_supported())
		return NULL;
	if (client_ask(gitdir, root, "stop\n", &b, &at) == 0)
		*was_running = 1;
	coach_buf_free(&b);
	/* Gone when its lock is free. */
	long deadline = now_ms() + 10000;
	while (!lock_free(gitdir)) {
		if (now_ms() > deadline)
			return coach_error_coded(COACH_E_BUSY, "the monitor did "
			    "not stop within 10 seconds; its pid is in "
			    "'coach monitor status'; see %s%s", gitdir,
			    COACH_MONITOR_LOG);
		usleep(10000);
	}
	return NULL;
}

#ifdef __linux__

int
coach_monitor_supported(void)
{
	return 1;
}

/* ---- the daemon ---- */

#define EVENTS (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | \
	IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | \
	IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)

struct mdir {
	char *rel;    /* "" for the root */
	uint64_t seq; /* of its last event */
	int dying;    /* deleted: its IN_IGNORED is expected */
};

struct daemon {
	char *root, *gitdir, *cookiedir;
	int ifd, lfd, logfd, lockfd;
	uint64_t instance, seq;
	struct mdir **bywd; /* by watch descriptor */
	size_t capwd, ndirs;
	int cookie_wd;
	unsigned long cookies;
	int rebuild; /* the map cannot be trusted: start again */
	int quit;    /* why: a message for the log, or "" */
	const char *why;
	long idle_ms, last;
};

static void
logmsg(struct daemon *m, const char *fmt, ...)
{
	char buf[1024];
	char when[32];
	time_t t = time(NULL);
	struct tm tm;
	va_list ap;
	if (m->logfd == -1)
		return;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	dprintf(m->logfd, "%s [%ld] %s\n", when, (long)getpid(), buf);
}

/* Marks that the daemon could not run: reads with coach.monitor set
 * do not start it again for a while (coach_monitor_spawn). */
static void
mark_failed(const char *gitdir)
{
	char *path = coach_xasprintf("%s%s", gitdir, FAILED);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd != -1)
		close(fd);
	free(path);
}

static void
daemon_fail(struct daemon *m, const char *why)
{
	if (!m->quit) {
		logmsg(m, "%s", why);
		mark_failed(m->gitdir);
	}
	m->quit = 1;
	m->why = why;
}

static char *
abs_of(const struct daemon *m, const char *rel)
{
	return *rel ? coach_xasprintf("%s/%s", m->root, rel) :
	    coach_xstrdup(m->root);
}

static void
drop_dirs(struct daemon *m)
{
	for (size_t i = 0; i < m->capwd; i++) {
		if (m->bywd[i]) {
			free(m->bywd[i]->rel);
			free(m->bywd[i]);
		}
	}
	free(m->bywd);
	m->bywd = NULL;
	m->capwd = m->ndirs = 0;
}

/* Watches the folder rel; mark: it is new, counted as changed. */
static void
watch_one(struct daemon *m, const char *rel, int mark,
    struct coach_strlist *todo)
{
	char *path = abs_of(m, rel);
	int wd = inotify_add_watch(m->ifd, path, EVENTS);
	if (wd < 0) {
		/* Gone meanwhile, or not a folder: its parent's events
		 * say so. */
		if (errno != ENOENT && errno != ENOTDIR) {
			logmsg(m, "cannot watch %s: %s%s", path,
			    strerror(errno), errno == ENOSPC ? " (raise "
			    "fs.inotify.max_user_watches)" : "");
			daemon_fail(m, errno == ENOSPC ? "too many folders "
			    "for inotify (raise fs.inotify.max_user_watches)" :
			    "cannot watch a folder");
		}
		free(path);
		return;
	}
	if ((size_t)wd >= m->capwd) {
		size_t cap = m->capwd ? m->capwd : 1024;
		while (cap <= (size_t)wd)
			cap *= 2;
		m->bywd = coach_xrealloc(m->bywd, cap * sizeof(*m->bywd));
		memset(m->bywd + m->capwd, 0, (cap - m->capwd) *
		    sizeof(*m->bywd));
		m->capwd = cap;
	}
	struct mdir *d = m->bywd[wd];
	if (d && strcmp(d->rel, rel) != 0) {
		/* One folder under two names: a move not seen. */
		m->rebuild = 1;
	} else if (d == NULL) {
		d = coach_xcalloc(1, sizeof(*d));
		d->rel = coach_xstrdup(rel);
		m->bywd[wd] = d;
		m->ndirs++;
	}
	if (mark && d)
		d->seq = ++m->seq;
	/* Its folders, found after the watch is on: one made later is an
	 * event of this watch. */
	DIR *dh = opendir(path);
	struct dirent *e;
	while (dh && (e = readdir(dh)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    (*rel == '\0' && strcmp(e->d_name, ".git") == 0))
			continue;
		int isdir = e->d_type == DT_DIR;
		if (e->d_type == DT_UNKNOWN) {
			struct stat st;
			isdir = fstatat(dirfd(dh), e->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
		}
		if (isdir)
			coach_strlist_add_owned(todo, *rel ? coach_xasprintf(
			    "%s/%s", rel, e->d_name) : coach_xstrdup(e->d_name));
	}
	if (dh)
		closedir(dh);
	free(path);
}

/* Watches rel and every folder under it. */
static void
watch_tree(struct daemon *m, const char *rel, int mark)
{
	struct coach_strlist todo = COACH_STRLIST_INIT;
	coach_strlist_add(&todo, rel);
	for (size_t i = 0; i < todo.n && !m->quit; i++)
		watch_one(m, todo.v[i], mark, &todo);
	coach_strlist_free(&todo);
}

/* A new life: a new queue, every folder watched again, a new instance
 * (older tokens get "everything"). */
static void
build(struct daemon *m)
{
	if (m->ifd != -1)
		close(m->ifd);
	drop_dirs(m);
	m->rebuild = 0;
	m->ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (m->ifd == -1) {
		logmsg(m, "inotify_init1: %s", strerror(errno));
		daemon_fail(m, "cannot use inotify");
		return;
	}
	do {
		if (getrandom(&m->instance, sizeof(m->instance), 0) !=
		    sizeof(m->instance))
			m->instance = (uint64_t)time(NULL) ^ (uint64_t)getpid();
	} while (m->instance == 0);
	m->seq = 1;
	m->cookie_wd = inotify_add_watch(m->ifd, m->cookiedir, IN_CREATE |
	    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW);
	if (m->cookie_wd < 0) {
		logmsg(m, "cannot watch %s: %s", m->cookiedir, strerror(errno));
		daemon_fail(m, "cannot watch its own folder in .git");
		return;
	}
	watch_tree(m, "", 0);
	if (m->bywd && m->capwd > 0 && !m->quit) {
		/* The root must be watched, or there is nothing to say. */
		int root_ok = 0;
		for (size_t i = 0; i < m->capwd; i++)
			if (m->bywd[i] && *m->bywd[i]->rel == '\0')
				root_ok = 1;
		if (!root_ok)
			daemon_fail(m, "cannot watch the work tree");
	} else if (!m->quit) {
		daemon_fail(m, "cannot watch the work tree");
	}
}

/* One event; *seen when it is the creation of the cookie named cookie. */
static void
handle(struct daemon *m, const struct inotify_event *ev, const char *cookie,
    int *seen)
{
	const char *name = ev->len ? ev->name : "";
	if (ev->mask & IN_Q_OVERFLOW) {
		logmsg(m, "event queue overflow: watching everything again");
		m->rebuild = 1;
		return;
	}
	if (ev->wd == m->cookie_wd) {
		if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED |
		    IN_UNMOUNT))
			daemon_fail(m, "its folder in .git went away");
		else if ((ev->mask & IN_CREATE) && cookie &&
		    strcmp(name, cookie) == 0)
			*seen = 1;
		return;
	}
	if (ev->wd < 0 || (size_t)ev->wd >= m->capwd || !m->bywd[ev->wd])
		return; /* a watch dropped already */
	struct mdir *d = m->bywd[ev->wd];
	if (ev->mask & IN_UNMOUNT) {
		daemon_fail(m, "a folder of the work tree was unmounted");
		return;
	}
	if (ev->mask & IN_IGNORED) {
		if (!d->dying) {
			logmsg(m, "watch of '%s' dropped: watching everything "
			    "again", d->rel);
			m->rebuild = 1;
			return;
		}
		free(d->rel);
		free(d);
		m->bywd[ev->wd] = NULL;
		m->ndirs--;
		return;
	}
	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
		if (*d->rel == '\0') {
			daemon_fail(m, "the work tree went away");
			return;
		}
		d->seq = ++m->seq;
		if (ev->mask & IN_MOVE_SELF)
			m->rebuild = 1;
		else
			d->dying = 1;
		return;
	}
	if (*d->rel == '\0' && strcmp(name, ".git") == 0)
		return; /* the git directory is not watched */
	d->seq = ++m->seq;
	if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_MOVED_FROM | IN_MOVED_TO))) {
		/* A folder renamed: its watches keep their old names. */
		m->rebuild = 1;
		return;
	}
	if ((ev->mask & IN_ISDIR) && (ev->mask & IN_CREATE)) {
		/* Watched at once with all under it (files and folders may
		 * be there already), each counted as changed. */
		char *rel = *d->rel ? coach_xasprintf("%s/%s", d->rel, name) :
		    coach_xstrdup(name);
		watch_tree(m, rel, 1);
		free(rel);
	}
}

/* Reads what events are queued; 1 when the cookie was among them. */
static int
drain(struct daemon *m, const char *cookie)
{
	char buf[65536] __attribute__((aligned(__alignof__(struct
	    inotify_event))));
	int seen = 0;
	for (;;) {
		ssize_t n = read(m->ifd, buf, sizeof(buf));
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno != EAGAIN)
				daemon_fail(m, "cannot read inotify events");
			return seen;
		}
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const void *)p;
			handle(m, ev, cookie, &seen);
			p += sizeof(*ev) + ev->len;
		}
		if (m->rebuild || m->quit)
			return seen;
	}
}

/*
 * The barrier: a cookie is made and the queue read until its event; then
 * every change that ended before this call has been read.  0, or -1 when
 * it did not come in time.  A lost map is rebuilt on the way (*rebuilt).
 */
static int
barrier(struct daemon *m, int *rebuilt)
{
	char name[64];
	for (int attempt = 0; attempt < 3 && !m->quit; attempt++) {
		snprintf(name, sizeof(name), "c%ld-%lu", (long)getpid(),
		    ++m->cookies);
		char *path = coach_xasprintf("%s/%s", m->cookiedir, name);
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		int seen = 0;
		if (fd == -1) {
			logmsg(m, "cannot create %s: %s", path, strerror(errno));
			free(path);
			return -1;
		}
		close(fd);
		long deadline = now_ms() + BARRIER_WAIT_MS;
		while (!seen && !m->quit && !m->rebuild) {
			long left = deadline - now_ms();
			struct pollfd p = { m->ifd, POLLIN, 0 };
			if (left <= 0)
				break;
			if (poll(&p, 1, (int)left) > 0)
				seen = drain(m, name);
		}
		unlink(path);
		free(path);
		if (m->rebuild) {
			build(m);
			*rebuilt = 1;
			continue;
		}
		if (seen)
			return 0;
		logmsg(m, "its own cookie was not seen within %d ms",
		    BARRIER_WAIT_MS);
		return -1;
	}
	return -1;
}

static void
send_all(int fd, const struct coach_buf *b)
{
	size_t off = 0;
	while (off < b->len) {
		ssize_t n = send(fd, b->ptr + off, b->len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

static void
put_field(struct coach_buf *b, const char *s)
{
	coach_buf_add(b, s, strlen(s) + 1);
}

static void
answer_query(struct daemon *m, struct coach_buf *b, uint64_t instance,
    uint64_t seq)
{
	int rebuilt = 0;
	if (barrier(m, &rebuilt) != 0) {
		b->len = 0; /* no answer: the client checks by stat */
		return;
	}
	int every = coach_monitor_since(m->instance, m->seq, instance, seq);
	size_t n = 0;
	for (size_t i = 0; !every && i < m->capwd; i++)
		if (m->bywd[i] && m->bywd[i]->seq > seq)
			n++;
	char *h = coach_xasprintf("%" PRIu64 " %" PRIu64 " %d %zu",
	    m->instance, m->seq, every, every ? (size_t)0 : n);
	put_field(b, h);
	free(h);
	for (size_t i = 0; !every && i < m->capwd; i++)
		if (m->bywd[i] && m->bywd[i]->seq > seq)
			put_field(b, m->bywd[i]->rel);
}

/* Reads one question from fd (within a second) and answers it. */
static void
serve(struct daemon *m, int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	char req[128];
	size_t got = 0;
	struct coach_buf b = COACH_BUF_INIT;
	uint64_t instance = 0, seq = 0;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0 ||
	    cr.uid != getuid())
		goto done;
	long deadline = now_ms() + CLIENT_WAIT_MS;
	while (got < sizeof(req) - 1 && !memchr(req, '\n', got)) {
		struct pollfd p = { fd, POLLIN, 0 };
		long left = deadline - now_ms();
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			goto done;
		ssize_t n = read(fd, req + got, sizeof(req) - 1 - got);
		if (n <= 0)
			goto done;
		got += (size_t)n;
	}
	req[got] = '\0';
	put_field(&b, MAGIC);
	put_field(&b, m->root);
	size_t head = b.len;
	if (sscanf(req, "query %" SCNu64 " %" SCNu64, &instance, &seq) == 2) {
		m->last = now_ms();
		answer_query(m, &b, instance, seq);
		if (b.len == 0)
			goto done;
	} else if (strcmp(req, "status\n") == 0) {
		char *h = coach_xasprintf("%ld %zu", (long)getpid(), m->ndirs);
		put_field(&b, h);
		free(h);
	} else if (strcmp(req, "stop\n") == 0) {
		put_field(&b, "stopping");
		m->quit = 1;
		m->why = "stopped";
		logmsg(m, "stopped");
	}
	if (b.len > head)
		send_all(fd, &b);
done:
	coach_buf_free(&b);
	close(fd);
}

static int
open_log(const char *gitdir)
{
	char *path = coach_xasprintf("%s%s", gitdir, COACH_MONITOR_LOG);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	struct stat st;
	/* Kept small: started again when it grew. */
	if (fd != -1 && fstat(fd, &st) == 0 && st.st_size > LOG_MAX)
		if (ftruncate(fd, 0) != 0)
			st.st_size = 0;
	free(path);
	return fd;
}

/* Removes the cookies a killed daemon left. */
static void
clean_cookies(const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *e;
	while (dh && (e = readdir(dh)) != NULL)
		if (e->d_name[0] == 'c')
			unlinkat(dirfd(dh), e->d_name, 0);
	if (dh)
		closedir(dh);
}

/* Tells the starter (fd, -1 for none) how it went. */
static void
tell(int *fd, const char *msg)
{
	if (*fd == -1)
		return;
	ssize_t n = write(*fd, msg, strlen(msg));
	(void)n;
	close(*fd);
	*fd = -1;
}

static long
idle_ms(void)
{
	const char *e = getenv("COACH_MONITOR_IDLE");
	long s = e && *e ? strtol(e, NULL, 10) : IDLE_DEFAULT;
	return (s > 0 ? s : IDLE_DEFAULT) * 1000;
}

/* The daemon's life, in the process made for it; never returns. */
static void
daemon_main(const char *gitdir, const char *root, int ready)
{
	struct daemon m = { 0 };
	struct sockaddr_un sa;
	m.ifd = m.lfd = m.lockfd = -1;
	m.root = coach_xstrdup(root);
	m.gitdir = coach_xstrdup(gitdir);
	m.cookiedir = coach_xasprintf("%s%s", gitdir, COACH_MONITOR_DIR);
	m.logfd = open_log(gitdir);
	m.idle_ms = idle_ms();
	signal(SIGPIPE, SIG_IGN);
	char *lock = coach_xasprintf("%s%s", gitdir, COACH_MONITOR_LOCK);
	m.lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(lock);
	if (m.lockfd == -1 || flock(m.lockfd, LOCK_EX | LOCK_NB) != 0) {
		/* Another one runs, or is starting. */
		tell(&ready, m.lockfd == -1 ? "error: cannot create its lock "
		    "file in .git" : "locked");
		_exit(0);
	}
	if (sock_addr(gitdir, &sa) != 0) {
		tell(&ready, "error: the path of the repository is too long "
		    "for a socket");
		_exit(0);
	}
	if (mkdir(m.cookiedir, 0700) != 0 && errno != EEXIST) {
		logmsg(&m, "cannot create %s: %s", m.cookiedir, strerror(errno));
		tell(&ready, "error: cannot create its folder in .git");
		_exit(0);
	}
	clean_cookies(m.cookiedir);
	build(&m);
	if (m.quit) {
		char *msg = coach_xasprintf("error: %s", m.why);
		tell(&ready, msg);
		free(msg);
		_exit(0);
	}
	/* The lock is ours: a socket left there is a dead daemon's. */
	unlink(sa.sun_path);
	m.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	mode_t old = umask(077);
	if (m.lfd == -1 || bind(m.lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(m.lfd, 64) != 0) {
		umask(old);
		logmsg(&m, "cannot listen on %s: %s", sa.sun_path,
		    strerror(errno));
		tell(&ready, "error: cannot listen on its socket in .git");
		_exit(0);
	}
	umask(old);
	logmsg(&m, "watching %zu folders of %s", m.ndirs, root);
	tell(&ready, "ok");
	m.last = now_ms();
	while (!m.quit) {
		struct pollfd p[2] = { { m.ifd, POLLIN, 0 }, { m.lfd, POLLIN, 0 } };
		long left = m.last + m.idle_ms - now_ms();
		if (left <= 0) {
			logmsg(&m, "idle: stopping");
			break;
		}
		if (poll(p, 2, left > 60000 ? 60000 : (int)left) < 0 &&
		    errno != EINTR)
			break;
		if (p[0].revents)
			drain(&m, NULL);
		if (m.rebuild && !m.quit)
			build(&m);
		if (p[1].revents && !m.quit) {
			int fd = accept4(m.lfd, NULL, NULL, SOCK_CLOEXEC);
			if (fd != -1)
				serve(&m, fd);
		}
		/* Gone without an event (e.g. the git directory). */
		if (access(m.gitdir, F_OK) != 0)
			daemon_fail(&m, "the git directory went away");
	}
	/* The socket is ours while the lock is. */
	unlink(sa.sun_path);
	_exit(0);
}

/* In a new process: detached from the caller's session, its standard
 * descriptors on /dev/null and every other one closed but keep (a
 * test's pipe held open would keep its reader waiting for as long as
 * the daemon lives). */
static void
detach(int keep)
{
	if (setsid() == -1)
		_exit(0);
	int null = open("/dev/null", O_RDWR);
	if (null != -1) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	struct rlimit rl;
	int max = getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 65536 ?
	    (int)rl.rlim_cur : 65536;
	for (int fd = 3; fd < max; fd++)
		if (fd != keep)
			close(fd);
	if (chdir("/") != 0)
		_exit(0);
}

/* Makes the daemon's process, with ready (the starter's end of a pipe,
 * or -1) open.  Returns in the caller with the pid of the first child,
 * or -1. */
static pid_t
daemonize(const char *gitdir, const char *root, int ready)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	if (fork() != 0)
		_exit(0);
	detach(ready);
	daemon_main(gitdir, root, ready);
	_exit(0);
}

void
coach_monitor_spawn(const char *gitdir, const char *root)
{
	struct sockaddr_un sa;
	struct stat st;
	if (sock_addr(gitdir, &sa) != 0)
		return;
	/* One that failed lately (too many folders for inotify, ...)
	 * would only fail again, at the cost of a walk per read. */
	char *failed = coach_xasprintf("%s%s", gitdir, FAILED);
	int recent = stat(failed, &st) == 0 &&
	    time(NULL) - st.st_mtime < RETRY_AFTER;
	free(failed);
	if (recent)
		return;
	/* "coach monitor start" run afresh, not this process forked: the
	 * daemon would keep all this one holds (the cache: tens of MB) for
	 * its life. */
	pid_t pid = fork();
	if (pid == 0) {
		if (fork() != 0)
			_exit(0);
		detach(-1);
		char *argv[] = { "coach", "-C", (char *)root, "monitor",
		    "start", NULL };
		execv("/proc/self/exe", argv);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

struct coach_error *
coach_monitor_start(const char *gitdir, const char *root, int *already)
{
	struct sockaddr_un sa;
	struct coach_monitor_status st;
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_error *err = NULL;
	int p[2];
	*already = 0;
	if (sock_addr(gitdir, &sa) != 0)
		return coach_error_coded(COACH_E_FAIL, "the monitor cannot run "
		    "here: the path of its socket (%s%s) is longer than a Unix "
		    "socket allows (%zu bytes); move the repository to a "
		    "shorter path", gitdir, COACH_MONITOR_SOCK,
		    sizeof(sa.sun_path) - 1);
	coach_monitor_get_status(gitdir, root, &st);
	if (st.running) {
		*already = 1;
		return NULL;
	}
	/* Asked by hand: tried again whatever happened lately. */
	char *failed = coach_xasprintf("%s%s", gitdir, FAILED);
	unlink(failed);
	free(failed);
	if (pipe2(p, O_CLOEXEC) != 0)
		return coach_error_errno("pipe", "for the monitor");
	pid_t pid = daemonize(gitdir, root, p[1]);
	close(p[1]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	/* Its word, or nothing when it died. */
	for (;;) {
		char chunk[256];
		ssize_t n = read(p[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		coach_buf_add(&b, chunk, (size_t)n);
	}
	close(p[0]);
	coach_buf_add(&b, "", 1);
	if (pid > 0 && strcmp(b.ptr, "ok") == 0)
		goto done;
	if (pid > 0 && strcmp(b.ptr, "locked") == 0) {
		/* Another one is starting: it answers soon. */
		long deadline = now_ms() + 30000;
		while (now_ms() < deadline) {
			coach_monitor_get_status(gitdir, root, &st);
			if (st.running) {
				*already = 1;
				goto done;
			}
			usleep(20000);
		}
	}
	err = coach_error_coded(COACH_E_FAIL, "the monitor did not start%s%s; "
	    "see %s%s", strncmp(b.ptr, "error: ", 7) == 0 ? ": " : "",
	    strncmp(b.ptr, "error: ", 7) == 0 ? b.ptr + 7 : "", gitdir,
	    COACH_MONITOR_LOG);
done:
	coach_buf_free(&b);
	return err;
}

#else /* !__linux__ */

int
coach_monitor_supported(void)
{
	return 0;
}

void
coach_monitor_spawn(const char *gitdir, const char *root)
{
	(void)gitdir;
	(void)root;
}

struct coach_error *
coach_monitor_start(const char *gitdir, const char *root, int *already)
{
	*already = 0;
	return coach_error_coded(COACH_E_FAIL, "the monitor needs Linux "
	    "(inotify); without it coach checks files by their stat data");
}

#endif
