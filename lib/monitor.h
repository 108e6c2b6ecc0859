/*
 * monitor.h: a file-system monitor for the work tree (Linux inotify), as
 * git's core.fsmonitor: a daemon that tells readers which folders changed
 * since a token, so that nothing else needs a stat.
 *
 * One daemon per repository, started in the background.  It holds a lock
 * on GITDIR/coach-monitor.lock for its life, answers on the Unix socket
 * GITDIR/coach-monitor.sock (only its own user), logs its errors to
 * GITDIR/coach-monitor.log and makes its cookies in GITDIR/coach-monitor.d.
 * It watches every folder of the work tree but .git.
 *
 * A token is (instance, sequence).  The daemon numbers the events it
 * reads; each watched folder keeps the number of its last event.  Asked
 * "since T", it first makes a cookie file and waits until its own event
 * queue shows it (inotify queues one watcher's events in the order they
 * happened), so that every change that ended before the question is
 * counted; then it answers the folders with events after T and a new
 * token.  A token of another instance (the daemon restarted, or lost
 * track: a queue overflow, a folder moved) gets "everything".
 *
 * The client never waits long and never trusts an answer it cannot
 * check: no daemon, a dead one, a slow one, another user's, or garbage
 * all mean "no monitor", and the caller checks by stat as without one.
 *
 * No printing, no exit: errors are values.
 */
#ifndef COACH_MONITOR_H
#define COACH_MONITOR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

#define COACH_MONITOR_SOCK "coach-monitor.sock"
#define COACH_MONITOR_LOCK "coach-monitor.lock"
#define COACH_MONITOR_LOG "coach-monitor.log"
#define COACH_MONITOR_DIR "coach-monitor.d"

/* What a query answers. */
struct coach_monitor_answer {
	uint64_t instance, seq; /* the new token */
	int everything;         /* nothing can be said since the old one */
	char **dirs;            /* else the folders changed since ("" root) */
	size_t n;
};

struct coach_monitor_status {
	int running;
	pid_t pid;
	size_t dirs; /* folders watched */
};

/* From this many names (files and folders) in a cache's listings, a
 * school of about 18,000 records, a read starts the monitor unless
 * coach.monitor says false, as git's scalar turns on its file-system
 * monitor for large repositories. */
#define COACH_MONITOR_AUTO_NAMES 20000

/* Whether this system has a monitor at all (Linux). */
int coach_monitor_supported(void);

/*
 * Asks the daemon of the repository whose git directory is gitdir (ending
 * with '/') and work tree root what changed since (instance, seq); 0 for
 * either means "no token yet" (the answer is then everything).  Returns 0
 * with *a filled, or -1 when there is no usable monitor (no error: the
 * caller checks by stat).  Waits at most about a second.
 */
int coach_monitor_query(const char *gitdir, const char *root,
	uint64_t instance, uint64_t seq, struct coach_monitor_answer *a);
void coach_monitor_answer_free(struct coach_monitor_answer *a);

/*
 * Starts the daemon in the background and waits until it answers;
 * *already is set when one was running.  An error when it cannot run
 * (another system, a path too long for a socket, too many folders for
 * inotify: the message says what to do).
 */
struct coach_error *coach_monitor_start(const char *gitdir, const char *root,
	int *already);
/* Starts it without waiting; nothing is said of how it went. */
void coach_monitor_spawn(const char *gitdir, const char *root);
/* Stops it and waits until it is gone; *was_running says whether one ran. */
struct coach_error *coach_monitor_stop(const char *gitdir, const char *root,
	int *was_running);
void coach_monitor_get_status(const char *gitdir, const char *root,
	struct coach_monitor_status *st);

/* Whether a daemon of instance inst whose last event is now must answer
 * "everything" to a query since (instance, seq): 1, else 0 (it answers
 * the folders whose last event is after seq). */
int coach_monitor_since(uint64_t inst, uint64_t now, uint64_t instance,
	uint64_t seq);

#endif
