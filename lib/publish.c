/*
 * publish.c: what of a school reaches its trust (see publish.h).
 */
#include "publish.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "privacy.h"
#include "record.h"
#include "store_publish.h"
#include "store_remote.h"

/* The kinds whose records travel; evidence and unknown files never do. */
static int
travels(enum coach_kind k)
{
	switch (k) {
	case COACH_KIND_CONFIG:
	case COACH_KIND_STAFF:
	case COACH_KIND_PRIORITY:
	case COACH_KIND_FRAMEWORK:
	case COACH_KIND_AGREEMENT:
	case COACH_KIND_GOAL:
	case COACH_KIND_CYCLE:
	case COACH_KIND_ENTRY:
		return 1;
	default:
		return 0;
	}
}

/* Bytes of data before line `line` (1-based): the lines before it with
 * their endings. */
static size_t
offset_of_line(const char *data, size_t len, int line)
{
	size_t off = 0;
	for (int l = 1; l < line && off < len; l++) {
		const char *nl = memchr(data + off, '\n', len - off);
		if (nl == NULL)
			return len;
		off = (size_t)(nl - data) + 1;
	}
	return off;
}

void
coach_publish_strip(const char *path, const char *data, size_t len, int full,
    struct coach_buf *out, int *keep)
{
	struct coach_record *rec = NULL;
	enum coach_kind k = coach_path_kind(path, NULL, NULL);
	struct coach_error *err;

	*keep = 0;
	if (!travels(k))
		return;
	if (k == COACH_KIND_CONFIG) {
		coach_buf_add(out, data, len);
		*keep = 1;
		return;
	}
	/* A record that does not parse may be private: it stays home. */
	if ((err = coach_record_parse(&rec, path, data, len))) {
		coach_error_free(err);
		return;
	}
	if (full) {
		coach_buf_add(out, data, len);
		*keep = 1;
	} else if (k != COACH_KIND_ENTRY || !coach_entry_private(rec)) {
		coach_buf_add(out, data, offset_of_line(data, len,
		    coach_record_body_line(rec)));
		*keep = 1;
	}
	coach_record_free(rec);
}

int
coach_publish_full(const struct coach_repo *r)
{
	const struct coach_fm_node *p = coach_fm_get(coach_repo_config(r),
	    "privacy");
	const struct coach_fm_node *t;
	if (p == NULL || coach_fm_node_type(p) != COACH_FM_MAP ||
	    (t = coach_fm_node_lookup(p, "trust")) == NULL ||
	    coach_fm_node_type(t) != COACH_FM_SCALAR)
		return 0;
	return strcmp(coach_fm_node_str(t), "full") == 0;
}

static char *
slug(const char *name)
{
	struct coach_buf b = COACH_BUF_INIT;
	int dash = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (isalnum(*p) && *p < 0x80) {
			if (dash && b.len)
				coach_buf_putc(&b, '-');
			coach_buf_putc(&b, (char)tolower(*p));
			dash = 0;
		} else {
			dash = 1;
		}
	}
	if (b.len > 40)
		b.len = 40, b.ptr[40] = '\0';
	return coach_buf_detach(&b);
}

struct coach_error *
coach_publish_school_id(const struct coach_repo *r, char **out)
{
	const struct coach_fm *cfg = coach_repo_config(r);
	const char *id = coach_fm_str(cfg, "school_id");
	const char *name = coach_fm_str(cfg, "school");
	struct coach_error *err;
	*out = NULL;
	if (id && *id) {
		if ((err = coach_handle_check("school_id", id)))
			return coach_error_prefix(err, "coach.yml: ");
		*out = coach_xstrdup(id);
		return NULL;
	}
	char *s = slug(name ? name : "");
	if (*s == '\0' || (err = coach_handle_check("school_id", s))) {
		free(s);
		return coach_error_coded(COACH_E_INVALID, "coach.yml has no "
		    "school_id, and the school's name gives none: add a line "
		    "such as 'school_id: st-marys' to coach.yml");
	}
	*out = s;
	return NULL;
}

static int
wants(void *arg, const char *path)
{
	(void)arg;
	return travels(coach_path_kind(path, NULL, NULL));
}

static struct coach_error *
rewrite(void *arg, const char *path, const char *data, size_t len,
    struct coach_buf *out, int *keep)
{
	coach_publish_strip(path, data, len, *(const int *)arg, out, keep);
	return NULL;
}

struct coach_error *
coach_publish_build(struct coach_repo *r, struct coach_publish *out)
{
	struct coach_error *err;
	struct coach_rewrite_result res;
	memset(out, 0, sizeof(*out));
	out->full = coach_publish_full(r);
	struct coach_rewrite rw = { wants, rewrite, &out->full };
	if ((err = coach_publish_school_id(r, &out->school_id)))
		return err;
	char *msg = coach_xasprintf("summary: %s, %s\n", out->school_id,
	    out->full ? "records in full (privacy: {trust: full})" :
	    "front-matter only, private entries left out");
	err = coach_store_rewrite_head(coach_repo_store(r), COACH_SUMMARY_REF,
	    msg, &rw, &res);
	free(msg);
	if (err)
		return err;
	memcpy(out->oid, res.oid, sizeof(out->oid));
	out->committed = res.committed;
	out->kept = res.kept;
	out->left_out = res.left_out;
	return NULL;
}

static struct coach_error *
publish_once(struct coach_repo *r, const char *remote,
    const struct coach_net_opts *net, struct coach_publish *out)
{
	struct coach_store *s = coach_repo_store(r);
	struct coach_error *err;
	char *id = NULL, *fetch = NULL, *push = NULL;
	if ((err = coach_publish_school_id(r, &id)))
		return err;
	fetch = coach_xasprintf("+%s%s:%s", COACH_SUMMARY_PREFIX, id,
	    COACH_SUMMARY_REF);
	push = coach_xasprintf("%s:%s%s", COACH_SUMMARY_REF,
	    COACH_SUMMARY_PREFIX, id);
	const char *specs[1] = { fetch };
	/* The summary follows the trust's last one, or starts a history:
	 * never whatever the local branch was made to point at (one of the
	 * school's commits would carry its history along). */
	if ((err = coach_store_ref_delete(s, COACH_SUMMARY_REF)) ||
	    (err = coach_store_fetch(s, remote, specs, 1, net)) ||
	    (err = coach_publish_build(r, out)))
		goto done;
	err = coach_store_push(s, remote, push, net);
done:
	free(id);
	free(fetch);
	free(push);
	return err;
}

struct coach_error *
coach_publish_push(struct coach_repo *r, const char *remote,
    const struct coach_net_opts *net, struct coach_publish *out)
{
	struct coach_error *err = NULL;
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < COACH_PUBLISH_TRIES; i++) {
		coach_error_free(err);
		free(out->school_id);
		memset(out, 0, sizeof(*out));
		err = publish_once(r, remote, net, out);
		if (err == NULL || coach_error_code(err) != COACH_E_CONFLICT)
			break;
	}
	return err;
}
