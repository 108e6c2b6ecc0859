/*
 * fmcache.h: what was read from the work tree's record files, kept in the
 * git directory so that the next reader need not read them again.
 *
 * The cache knows folders and files by their repository paths.  For a
 * folder it keeps its listing (names and what each is: file, folder,
 * link); for a file, up to COACH_FMCACHE_SLOTS byte strings that callers
 * made from its content (the loader keeps the front-matter reports need,
 * check keeps what it found).  Nothing is kept of a file's body unless a
 * caller puts it there.
 *
 * Like git's index, every answer is checked against the file system
 * before it is used: a folder's listing only while the folder's stat data
 * (mtime and ctime to the nanosecond, inode, mode) are as they were when
 * it was read, a file's strings only while its stat data (the same, and
 * its size) are.  A file or folder whose mtime was not older than the
 * time its reader started is "racy": it may have changed within the same
 * clock tick, so it is read again next time, as git re-reads entries not
 * older than its index.  A listing or string is only stored when the stat
 * data were the same before and after reading.
 *
 * The file (COACH_FMCACHE_FILE in the git directory, never committed) is
 * written whole to a temporary file and renamed over the old one, so a
 * reader sees a whole cache or the previous one, and of two processes
 * writing at once one simply wins.  A cache that is missing, truncated,
 * damaged (a checksum covers it), of another version or made for another
 * coach.yml (salt) is ignored and rebuilt; failing to write one only costs
 * time.  Deleting it is always safe.  COACH_NO_CACHE=1 in the environment
 * turns it off (every answer then comes from the file system).
 *
 * An open cache maps the file and answers from it in place (names and
 * strings are not copied) until it is freed.  Since writers only ever
 * rename a new file over it, the file an open cache mapped stays as it
 * was whatever other processes do; like git's packs, it must never be
 * truncated or written in place while a coach reads it (a truncation
 * would make that reader fault).
 *
 * No git and no YAML here: paths are '/'-separated and relative to root.
 */
#ifndef COACH_FMCACHE_H
#define COACH_FMCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "error.h"

#define COACH_FMCACHE_FILE "coach-fm.cache"
#define COACH_FMCACHE_SLOTS 2

struct coach_fmcache;
struct coach_fmdir;

/* What a name is, as lstat() says: links are never followed. */
enum coach_fmtype {
	COACH_FMT_NONE,  /* not there */
	COACH_FMT_FILE,
	COACH_FMT_DIR,
	COACH_FMT_LINK,
	COACH_FMT_OTHER, /* a device, fifo or socket */
	COACH_FMT_UNKNOWN, /* a folder above cannot be listed: ask lstat() */
};

/*
 * Opens the cache of the work tree at root, stored at cachefile (an
 * absolute path), for salt (a hash of what the cached strings depend on
 * besides the files themselves).  Never fails: an unusable cache file is
 * an empty cache.  The caller frees it with coach_fmcache_free().
 */
struct coach_fmcache *coach_fmcache_open(const char *root,
	const char *cachefile, uint64_t salt);
/* Writes the cache when anything changed since it was opened. */
struct coach_error *coach_fmcache_save(struct coach_fmcache *c);
void coach_fmcache_free(struct coach_fmcache *c);

/* Whether COACH_NO_CACHE asks for no cache. */
int coach_fmcache_disabled(void);

/*
 * The folder reldir ("" for root), listed: NULL when it is not a folder
 * that can be opened (*err_no is then the errno: ENOENT, ENOTDIR, ELOOP
 * for a link, ...).  Owned by the cache.
 */
const struct coach_fmdir *coach_fmcache_dir(struct coach_fmcache *c,
	const char *reldir, int *err_no);
/* coach_fmcache_dir() of the folder name in the folder parent (one that
 * call gave), without looking parent up again. */
const struct coach_fmdir *coach_fmcache_subdir(struct coach_fmcache *c,
	const struct coach_fmdir *parent, const char *name, int *err_no);
/* A folder's path, as given to coach_fmcache_dir(). */
const char *coach_fmdir_path(const struct coach_fmdir *d);
/* Names of a folder, sorted bytewise, without "." and "..". */
size_t coach_fmdir_count(const struct coach_fmdir *d);
const char *coach_fmdir_name(const struct coach_fmdir *d, size_t i);
enum coach_fmtype coach_fmdir_type(const struct coach_fmdir *d, size_t i);
/* The index of name in d's listing, or (size_t)-1. */
size_t coach_fmdir_find(const struct coach_fmdir *d, const char *name);

/* What relpath is, from its folder's listing: COACH_FMT_NONE when a
 * folder above is missing or not a folder, COACH_FMT_UNKNOWN when one is
 * a link or cannot be read (lstat() would follow or fail). */
enum coach_fmtype coach_fmcache_type(struct coach_fmcache *c,
	const char *relpath);

/*
 * The stat data of the file relpath, as lstat gives them now (taken once
 * per cache and file).  Returns 0, or -1 with errno set.
 */
int coach_fmcache_stat(struct coach_fmcache *c, const char *relpath,
	struct stat *out);
/*
 * The same when the cache can answer without a stat of its own (the file
 * was looked at already in this run, or found as it was by the preload):
 * 0 and *out filled; 1 when only a stat would tell (the caller stats the
 * file itself, in a thread if it likes: nothing is kept of it); -1 when
 * the cache knows of no such file.
 */
int coach_fmcache_stat_known(struct coach_fmcache *c, const char *relpath,
	struct stat *out);

/*
 * The string of slot for the regular file relpath: 1 and *p, *len (owned
 * by the cache, valid until it is freed) when the file has not changed
 * since it was put; 0 when the caller must read the file and put the
 * string; -1 when relpath is not a regular file in its listing.
 */
int coach_fmcache_get(struct coach_fmcache *c, const char *relpath,
	int slot, const void **p, size_t *len);
/*
 * Stores the string for slot, made from the file relpath as it was when
 * coach_fmcache_get() said 0, and returns the cache's copy (valid until
 * the cache is freed).  Nothing is stored, and NULL returned, when the
 * file's stat data differ from then (it changed while it was read).
 */
const void *coach_fmcache_put(struct coach_fmcache *c, const char *relpath,
	int slot, const void *p, size_t len);

/*
 * Like coach_fmcache_get(), but when the file has no string for slot it
 * says 0 without looking at the file: the caller then reads it and
 * keeps what it made with coach_fmcache_put_stat(), never with
 * coach_fmcache_put().
 */
int coach_fmcache_lookup(struct coach_fmcache *c, const char *relpath,
	int slot, const void **p, size_t *len);
/*
 * coach_fmcache_lookup() of the i-th name of folder d, a file, found
 * without its path; when it says 1, *mtime is the file's mtime as the
 * string's stat data say.
 */
int coach_fmdir_lookup(struct coach_fmcache *c, const struct coach_fmdir *d,
	size_t i, int slot, const void **p, size_t *len,
	struct timespec *mtime);

/*
 * Like coach_fmcache_put(), for a string made from what was read through
 * a descriptor whose fstat() gave st both before and after the reading:
 * the string is kept with st, with no further look at the file.
 */
const void *coach_fmcache_put_stat(struct coach_fmcache *c,
	const char *relpath, int slot, const void *p, size_t len,
	const struct stat *st);

/*
 * Looks at every folder the cache file knew, and the files in each, in a
 * few threads at once (as git preloads its index), so that the answers
 * above need no stat of their own when nothing changed.  For readers of
 * the whole tree, before their first question.
 */
void coach_fmcache_preload(struct coach_fmcache *c);
/* The same in the background: returns at once; _wait() (or any call
 * below that waits) lends a hand with what is left and waits for the
 * end.  Meanwhile only the offline answers below may be asked for. */
void coach_fmcache_preload_start(struct coach_fmcache *c);
void coach_fmcache_preload_wait(struct coach_fmcache *c);

/*
 * Offline answers, for a reader that makes its result while the preload
 * runs: between _begin() and _end(), every answer above comes from the
 * cache alone, as it was kept, with no look at the file system; nothing
 * is put.  An answer the cache cannot give (a folder or file it does not
 * know, or one whose string it lacks or did not trust) makes the run
 * "unsure" (coach_fmcache_unsure()), and the reader may stop at once.
 * _end() waits for the preload and returns 1 when every answer given
 * held: each folder listed and file used had the stat data kept; the
 * result is then what the file system would have given.  Else 0: the
 * reader throws its result away and asks again, now of the file system
 * (only what the preload found changed is looked at again).
 */
void coach_fmcache_offline_begin(struct coach_fmcache *c);
int coach_fmcache_unsure(const struct coach_fmcache *c);
/* Whether c gives offline answers now. */
int coach_fmcache_offline(const struct coach_fmcache *c);
int coach_fmcache_offline_end(struct coach_fmcache *c);
/* How many threads to use: COACH_THREADS when set, else one per
 * processor, at most 4. */
int coach_fmcache_threads(void);

/*
 * The file-system monitor's token the cache was written with (0 0 for
 * none), and what the monitor answered since it, given before anything
 * else is asked of the cache: everything (nothing can be said), or the
 * folders dirs[0..n) in which anything happened.  A trusted folder it
 * did not name is then taken as kept, its files' stat data too, with no
 * stat at all.  The new token is written with the cache when this run
 * found as kept every trusted folder the monitor did not vouch for.
 */
void coach_fmcache_token(const struct coach_fmcache *c, uint64_t *instance,
	uint64_t *seq);
/* How many names the listings of the cache file hold: about how large
 * the part of the work tree its reader looks at is. */
size_t coach_fmcache_names(const struct coach_fmcache *c);
void coach_fmcache_monitor(struct coach_fmcache *c, uint64_t instance,
	uint64_t seq, int everything, char *const *dirs, size_t n);

/* Counts of this cache's use, for tests: folders and files looked at,
 * folders read and strings that had to be made. */
struct coach_fmcache_stats {
	size_t dirs, dirs_read, files, misses;
};
void coach_fmcache_get_stats(const struct coach_fmcache *c,
	struct coach_fmcache_stats *out);

/* A 64-bit hash of data (FNV-1a over 8-byte words), for salts. */
uint64_t coach_fmcache_hash(const void *data, size_t len, uint64_t seed);

#endif
