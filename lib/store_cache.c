/*
 * store_cache.c: the index of HEAD's history (see store_cache.h).
 *
 * The file is text:
 *
 *     coach-history-cache 1
 *     <HEAD's id>
 *     <number of commits>
 *     <commit id> <name> <name>...      one line a commit, newest first
 *     sum <FNV-1a 64 of everything above, 16 hex digits>
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_cache.h"
#include "util.h"

#define MAGIC "coach-history-cache 1\n"
/* A cache this large is not one coach wrote. */
#define CACHE_MAX_BYTES (512 * 1024 * 1024)
/* libgit2's object cache while the index is built. */
#define INDEX_CACHE_BYTES (4 * 1024 * 1024)
/* "sum " and 16 hex digits and a newline. */
#define SUM_LEN 21

void
store_index_free(struct store_index *idx)
{
	for (size_t i = 0; i < idx->n; i++)
		free(idx->changed[i]);
	free(idx->oids);
	free(idx->changed);
	memset(idx, 0, sizeof(*idx));
}

char *
store_index_key(const char *p)
{
	if (*p == '\0')
		return NULL;
	if (strncmp(p, "coaching/", 9) == 0 && p[9] != '\0') {
		size_t n = strcspn(p + 9, "/");
		return coach_xstrndup(p, 9 + n);
	}
	return coach_xstrndup(p, strcspn(p, "/"));
}

int
store_index_touches(const struct store_index *idx, size_t i, const char *key)
{
	const char *c = idx->changed[i];
	size_t n = strlen(key);
	for (const char *s = strstr(c, key); s; s = strstr(s + 1, key))
		if (s[-1] == '\n' && s[n] == '\n')
			return 1;
	/* The whole coaching folder replaced by something else. */
	return strncmp(key, "coaching/", 9) == 0 && strstr(c, "\ncoaching\n");
}

/*
 * What a commit changed
 */

/* Adds a name, with the characters that would break a line or the
 * separator replaced: such a name is never a coachee's. */
static void
add_name(struct coach_buf *out, const char *dir, const char *name)
{
	coach_buf_puts(out, dir);
	for (const char *s = name; *s; s++)
		coach_buf_putc(out, *s == '\n' || *s == ' ' || *s == '\r' ?
		    '?' : *s);
	coach_buf_putc(out, '\n');
}

static int
is_tree(const git_tree_entry *e)
{
	return e && git_tree_entry_type(e) == GIT_OBJECT_TREE;
}

static struct coach_error *tree_changes(git_repository *repo,
	const git_tree *a, const git_tree *b, const char *dir,
	struct coach_buf *out);

/* The coaching folders that differ, one level down. */
static struct coach_error *
coaching_changes(git_repository *repo, const git_tree_entry *a,
	const git_tree_entry *b, struct coach_buf *out)
{
	git_tree *ta = NULL, *tb = NULL;
	struct coach_error *err = NULL;
	if ((a && git_tree_lookup(&ta, repo, git_tree_entry_id(a)) < 0) ||
	    (b && git_tree_lookup(&tb, repo, git_tree_entry_id(b)) < 0))
		err = coach_error_coded(COACH_E_IO, "reading a tree: %s",
		    git_error_last() ? git_error_last()->message : "?");
	else
		err = tree_changes(repo, ta, tb, "coaching/", out);
	git_tree_free(ta);
	git_tree_free(tb);
	return err;
}

static struct coach_error *
tree_changes(git_repository *repo, const git_tree *a, const git_tree *b,
	const char *dir, struct coach_buf *out)
{
	struct coach_error *err = NULL;
	int top = *dir == '\0';
	for (size_t i = 0; b && !err && i < git_tree_entrycount(b); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(b, i);
		const char *name = git_tree_entry_name(e);
		const git_tree_entry *o = a ? git_tree_entry_byname(a, name) :
		    NULL;
		if (o && git_oid_equal(git_tree_entry_id(o),
		    git_tree_entry_id(e)))
			continue;
		if (top && strcmp(name, "coaching") == 0 && is_tree(e) &&
		    (o == NULL || is_tree(o)))
			err = coaching_changes(repo, o, e, out);
		else
			add_name(out, dir, name);
	}
	for (size_t i = 0; a && !err && i < git_tree_entrycount(a); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(a, i);
		const char *name = git_tree_entry_name(e);
		if (b && git_tree_entry_byname(b, name))
			continue;
		if (top && strcmp(name, "coaching") == 0 && is_tree(e))
			err = coaching_changes(repo, e, NULL, out);
		else
			add_name(out, dir, name);
	}
	return err;
}

/* "\nname\nname\n": what the commit changed against its first parent. */
static struct coach_error *
commit_changes(git_repository *repo, const git_oid *oid, char **out)
{
	git_commit *c = NULL, *p = NULL;
	git_tree *t = NULL, *pt = NULL;
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_error *err = NULL;
	coach_buf_putc(&b, '\n');
	if (git_commit_lookup(&c, repo, oid) < 0 || git_commit_tree(&t, c) < 0 ||
	    (git_commit_parentcount(c) > 0 && (git_commit_parent(&p, c, 0) < 0 ||
	    git_commit_tree(&pt, p) < 0))) {
		err = coach_error_coded(COACH_E_IO, "reading a commit: %s",
		    git_error_last() ? git_error_last()->message : "?");
		goto done;
	}
	err = tree_changes(repo, pt, t, "", &b);
done:
	*out = err ? NULL : coach_buf_detach(&b);
	coach_buf_free(&b);
	git_tree_free(t);
	git_tree_free(pt);
	git_commit_free(p);
	git_commit_free(c);
	return err;
}

/*
 * The file
 */

static uint64_t
fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static char *
cache_path(git_repository *repo)
{
	return coach_xasprintf("%s%s", git_repository_path(repo),
	    COACH_HISTORY_CACHE_FILE);
}

static void
index_push(struct store_index *idx, size_t *cap, const git_oid *oid,
	char *changed)
{
	if (idx->n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		idx->oids = coach_xrealloc(idx->oids, *cap * sizeof(*idx->oids));
		idx->changed = coach_xrealloc(idx->changed,
		    *cap * sizeof(*idx->changed));
	}
	idx->oids[idx->n] = *oid;
	idx->changed[idx->n++] = changed;
}

/* One line "<id> <name>...": -1 when it is not one. */
static int
parse_line(const char *s, size_t n, struct store_index *idx, size_t *cap)
{
	git_oid oid;
	char hex[GIT_OID_HEXSZ + 1];
	if (n < GIT_OID_HEXSZ || (n > GIT_OID_HEXSZ && s[GIT_OID_HEXSZ] != ' '))
		return -1;
	memcpy(hex, s, GIT_OID_HEXSZ);
	hex[GIT_OID_HEXSZ] = '\0';
	if (git_oid_fromstr(&oid, hex) < 0)
		return -1;
	struct coach_buf b = COACH_BUF_INIT;
	coach_buf_putc(&b, '\n');
	for (size_t i = GIT_OID_HEXSZ + 1; i < n; i++)
		coach_buf_putc(&b, s[i] == ' ' ? '\n' : s[i]);
	if (n > GIT_OID_HEXSZ + 1)
		coach_buf_putc(&b, '\n');
	index_push(idx, cap, &oid, coach_buf_detach(&b));
	return 0;
}

/* The index as the file has it, and the HEAD it was made for; empty when
 * the file is missing or damaged. */
static void
index_read(git_repository *repo, struct store_index *idx, git_oid *head)
{
	struct coach_buf b = COACH_BUF_INIT;
	char *path = cache_path(repo);
	struct coach_error *err = coach_read_file(&b, path, CACHE_MAX_BYTES);
	size_t cap = 0, n = 0;
	memset(idx, 0, sizeof(*idx));
	if (err || b.len < sizeof(MAGIC) || memcmp(b.ptr, MAGIC,
	    sizeof(MAGIC) - 1) != 0)
		goto done;
	/* The checksum line closes the file. */
	const char *sum = b.len > SUM_LEN ? b.ptr + b.len - SUM_LEN : NULL;
	char want[SUM_LEN + 1];
	if (sum == NULL || strncmp(sum, "sum ", 4) != 0)
		goto done;
	snprintf(want, sizeof(want), "sum %016llx\n",
	    (unsigned long long)fnv1a(b.ptr, (size_t)(sum - b.ptr)));
	if (memcmp(sum, want, SUM_LEN) != 0)
		goto done;
	const char *s = b.ptr + sizeof(MAGIC) - 1;
	char hex[GIT_OID_HEXSZ + 1];
	if (sum - s < GIT_OID_HEXSZ + 1 || s[GIT_OID_HEXSZ] != '\n')
		goto done;
	memcpy(hex, s, GIT_OID_HEXSZ);
	hex[GIT_OID_HEXSZ] = '\0';
	if (git_oid_fromstr(head, hex) < 0)
		goto done;
	s += GIT_OID_HEXSZ + 1;
	n = strtoul(s, NULL, 10);
	s = strchr(s, '\n');
	while (s && ++s < sum) {
		const char *e = memchr(s, '\n', (size_t)(sum - s));
		if (e == NULL || parse_line(s, (size_t)(e - s), idx, &cap) < 0)
			break;
		s = e;
	}
done:
	if (idx->n != n || idx->n == 0)
		store_index_free(idx);
	coach_error_free(err);
	coach_buf_free(&b);
	free(path);
}

/* Writes the index for head; a failure is only a slower next time. */
static void
index_write(git_repository *repo, const struct store_index *idx,
	const git_oid *head)
{
	struct coach_buf b = COACH_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	char *path = cache_path(repo);
	char *tmp = coach_xasprintf("%s.%ld", path, (long)getpid());
	coach_buf_puts(&b, MAGIC);
	git_oid_tostr(hex, sizeof(hex), head);
	coach_buf_printf(&b, "%s\n%zu\n", hex, idx->n);
	for (size_t i = 0; i < idx->n; i++) {
		git_oid_tostr(hex, sizeof(hex), &idx->oids[i]);
		coach_buf_puts(&b, hex);
		if (idx->changed[i][1] != '\0')
			coach_buf_putc(&b, ' ');
		for (const char *s = idx->changed[i] + 1; *s; s++)
			coach_buf_putc(&b, *s == '\n' ? (s[1] ? ' ' : '\0') :
			    *s);
		/* The loop wrote a NUL for the last separator: drop it. */
		if (b.len && b.ptr[b.len - 1] == '\0')
			b.len--;
		coach_buf_putc(&b, '\n');
	}
	coach_buf_printf(&b, "sum %016llx\n",
	    (unsigned long long)fnv1a(b.ptr, b.len));
	FILE *f = fopen(tmp, "w");
	if (f == NULL)
		goto done;
	int ok = fwrite(b.ptr, 1, b.len, f) == b.len;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0)
		unlink(tmp);
done:
	coach_buf_free(&b);
	free(tmp);
	free(path);
}

/*
 * Bringing it up to date
 */

static int
oid_cmp(const void *a, const void *b)
{
	return git_oid_cmp(*(const git_oid *const *)a,
	    *(const git_oid *const *)b);
}

/* What old knows of oid, taken out of it (NULL when it knows nothing);
 * byoid is old's oids, sorted. */
static char *
take_known(struct store_index *old, const git_oid **byoid, const git_oid *oid)
{
	if (old->n == 0)
		return NULL;
	const git_oid **hit = bsearch(&oid, byoid, old->n, sizeof(*byoid),
	    oid_cmp);
	if (hit == NULL)
		return NULL;
	size_t i = (size_t)(*hit - old->oids);
	char *c = old->changed[i];
	old->changed[i] = NULL;
	return c;
}

/*
 * Appends to idx the commits from head, without those reachable from
 * hide (NULL: none), newest first, taking what old knows.
 */
static struct coach_error *
index_walk(git_repository *repo, const git_oid *head, const git_oid *hide,
	struct store_index *old, struct store_index *idx, size_t *cap)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	struct coach_error *err = NULL;
	const git_oid **byoid = coach_xcalloc(old->n + 1, sizeof(*byoid));
	for (size_t i = 0; i < old->n; i++)
		byoid[i] = &old->oids[i];
	qsort(byoid, old->n, sizeof(*byoid), oid_cmp);
	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_push(walk, head) < 0 ||
	    (hide && git_revwalk_hide(walk, hide) < 0)) {
		err = coach_error_coded(COACH_E_IO, "walking history: %s",
		    git_error_last() ? git_error_last()->message : "?");
		goto done;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	while (!err && git_revwalk_next(&oid, walk) == 0) {
		char *c = take_known(old, byoid, &oid);
		if (c == NULL)
			err = commit_changes(repo, &oid, &c);
		if (!err)
			index_push(idx, cap, &oid, c);
	}
done:
	free(byoid);
	git_revwalk_free(walk);
	return err;
}

struct coach_error *
store_index_get(git_repository *repo, struct store_index *out)
{
	struct store_index old = { 0 };
	git_oid head, old_head;
	struct coach_error *err = NULL;
	size_t cap = 0;
	memset(out, 0, sizeof(*out));
	if (git_reference_name_to_id(&head, repo, "HEAD") < 0)
		return NULL; /* no commits yet */
	index_read(repo, &old, &old_head);
	if (old.n && git_oid_equal(&head, &old_head)) {
		*out = old;
		return NULL;
	}
	/* Reading every commit once would fill libgit2's object cache
	 * (256 MiB by default) with trees never read again. */
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)INDEX_CACHE_BYTES);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)INDEX_CACHE_BYTES);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT,
	    (size_t)4 * INDEX_CACHE_BYTES);
	if (old.n && git_graph_descendant_of(repo, &head, &old_head) == 1) {
		/* HEAD moved forward: the new commits, then the old list. */
		if ((err = index_walk(repo, &head, &old_head, &old, out, &cap)))
			goto done;
		for (size_t i = 0; i < old.n; i++) {
			index_push(out, &cap, &old.oids[i], old.changed[i]);
			old.changed[i] = NULL;
		}
	} else if ((err = index_walk(repo, &head, NULL, &old, out, &cap))) {
		goto done;
	}
	index_write(repo, out, &head);
done:
	if (err)
		store_index_free(out);
	store_index_free(&old);
	return err;
}
