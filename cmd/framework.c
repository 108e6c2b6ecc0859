/*
 * framework.c: coach framework add | list | import, the strategies of the
 * school's shared teaching framework (framework/<id>.md).
 *
 * import takes a folder of strategies (a trust's, say) or one file and
 * brings the repository up to date with it in one commit, changing only
 * the keys that differ so that git shows what the trust changed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "../lib/ids.h"

/*
 * framework add
 */

/* A new strategy, checked and written under the writer's lock. */
struct add_change {
	const char *id;
	const char *path;
	const struct coach_record *rec;
};

static struct coach_error *
add_apply(struct coach_change *ch, void *arg)
{
	struct add_change *ac = arg;
	if (coach_repo_exists(coach_change_repo(ch), ac->path))
		return coach_error_new(COACH_FAIL, "framework strategy '%s' "
		    "already exists; edit %s or use coach edit %s", ac->id,
		    ac->path, ac->path);
	coach_change_save(ch, ac->path, ac->rec);
	coach_change_message(ch, "framework add: %s", ac->id);
	return NULL;
}

static struct coach_error *
framework_add(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_strlist criteria = COACH_STRLIST_INIT;
	struct coach_record *rec = NULL;
	const char *area = NULL;
	char *path = NULL;
	struct coach_error *err = NULL;
	const struct coach_strlist *given = coach_opt_values(ctx,
	    "criterion");

	area = coach_opt_value(ctx, "area");
	for (size_t i = 0; i < given->n; i++)
		if (!coach_strlist_has(&criteria, given->v[i]))
			coach_strlist_add(&criteria, given->v[i]);
	const char *id = argv[1], *title = argv[2];
	if ((err = coach_handle_check("framework id", id)) ||
	    (err = coach_text_arg_check(ctx, "TITLE", title, 1)) ||
	    (area && (err = coach_text_arg_check(ctx, "--area", area,
	    1))))
		goto done;
	for (size_t i = 0; i < criteria.n; i++)
		if ((err = coach_text_arg_check(ctx, "--criterion",
		    criteria.v[i], 1)))
			goto done;

	path = coach_path_framework(id);
	rec = coach_record_new();
	struct coach_fm *fm = coach_record_fm(rec);
	coach_fm_set(fm, "title", coach_fmv_str(title));
	if (area)
		coach_fm_set(fm, "area", coach_fmv_str(area));
	if (criteria.n > 0) {
		struct coach_fmv *seq = coach_fmv_seq();
		for (size_t i = 0; i < criteria.n; i++)
			coach_fmv_push(seq, coach_fmv_str(criteria.v[i]));
		coach_fm_set(fm, "criteria", seq);
	}
	struct add_change ac = { id, path, rec };
	err = coach_write(ctx->repo, add_apply, &ac);
	if (err == NULL)
		printf("Added framework strategy %s in %s\n", id, path);
done:
	coach_strlist_free(&criteria);
	coach_record_free(rec);
	free(path);
	return err;
}

/*
 * framework list
 */

/* id first: the file name gives it. */
static const char *const framework_keys[] = { "id", "title", "area",
	"criteria", NULL };

static void
framework_json(struct coach_json *j, const char *id,
    const struct coach_record *rec)
{
	const struct coach_fm *fm = coach_record_fm_const(rec);
	coach_json_obj_begin(j);
	coach_json_key(j, "id");
	coach_json_str(j, id);
	for (size_t i = 1; framework_keys[i]; i++) {
		const struct coach_fm_node *n = coach_fm_get(fm,
		    framework_keys[i]);
		coach_json_key(j, framework_keys[i]);
		if (n)
			coach_json_fm_node(j, n);
		else if (strcmp(framework_keys[i], "criteria") == 0) {
			coach_json_arr_begin(j);
			coach_json_arr_end(j);
		} else
			coach_json_null(j);
	}
	coach_json_fm_members(j, fm, framework_keys);
	coach_json_obj_end(j);
}

static struct coach_error *
framework_list(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_loaded_list l = { 0 };
	struct coach_table t = COACH_TABLE_INIT(4);
	struct coach_buf out = COACH_BUF_INIT;
	struct coach_json j;
	int json = 0;
	const char *format = coach_opt_value(ctx, "format");
	struct coach_error *err;

	if (format && (err = coach_format_arg(ctx, format, &json)))
		return err;
	if ((err = coach_load_all(ctx->repo, COACH_KIND_FRAMEWORK, NULL, NULL,
	    &l)))
		return err;

	coach_json_init(&j, &out, 1);
	coach_json_arr_begin(&j);
	coach_table_add(&t, "ID");
	coach_table_add(&t, "TITLE");
	coach_table_add(&t, "AREA");
	coach_table_add(&t, "CRITERIA");
	for (size_t i = 0; i < l.n; i++) {
		const struct coach_record *rec = l.v[i].rec;
		if (json) {
			framework_json(&j, l.v[i].id, rec);
			continue;
		}
		const struct coach_fm_node *cr = coach_fm_get(
		    coach_record_fm_const(rec), "criteria");
		char n[32];
		snprintf(n, sizeof(n), "%zu", cr ? coach_fm_node_len(cr) : 0);
		coach_table_add(&t, l.v[i].id);
		coach_table_add(&t, coach_record_str(rec, "title"));
		coach_table_add(&t, coach_record_str(rec, "area"));
		coach_table_add(&t, n);
	}
	coach_json_arr_end(&j);

	if (json) {
		coach_out(out.ptr, out.len);
	} else if (l.n > 0) {
		coach_pager_start(ctx);
		coach_table_print(ctx, &t);
	} else if (l.broken == 0) {
		coach_list_empty("No framework strategies yet; add one with: "
		    "coach framework add ID TITLE, or import a folder with: "
		    "coach framework import PATH");
	}
	if (l.broken)
		err = coach_broken_error(l.broken, "framework");
	coach_buf_free(&out);
	coach_table_free(&t);
	coach_loaded_list_free(&l);
	return err;
}

/*
 * framework import
 */

struct source {
	char *id;
	char *name; /* the file as named in messages */
	struct coach_record *rec;
};

static void
sources_free(struct source *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(src[i].id);
		free(src[i].name);
		coach_record_free(src[i].rec);
	}
	free(src);
}

static int
is_md_name(const char *name)
{
	size_t n = strlen(name);
	return n > 3 && name[0] != '.' && strcmp(name + n - 3, ".md") == 0;
}

/* The .md files PATH names: itself, or those directly inside it (no
 * hidden files, no subfolders), sorted. */
static struct coach_error *
source_files(const char *path, struct coach_strlist *out)
{
	struct stat st;
	if (stat(path, &st) == -1)
		return coach_error_new(COACH_FAIL, "%s: %s; give a folder of "
		    "strategies or one strategy's .md file", path,
		    strerror(errno));
	if (S_ISREG(st.st_mode)) {
		size_t n = strlen(path);
		if (n < 3 || strcmp(path + n - 3, ".md") != 0)
			return coach_error_new(COACH_FAIL, "%s: not a .md "
			    "file; give a folder of strategies or one "
			    "strategy's .md file", path);
		coach_strlist_add(out, path);
		return NULL;
	}
	if (!S_ISDIR(st.st_mode))
		return coach_error_new(COACH_FAIL, "%s: not a file or a "
		    "folder; give a folder of strategies or one strategy's "
		    ".md file", path);
	DIR *d = opendir(path);
	if (d == NULL)
		return coach_error_errno("framework import: cannot read", path);
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (!is_md_name(de->d_name))
			continue;
		char *p = coach_path_join(path, de->d_name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			coach_strlist_add_owned(out, p);
		else
			free(p);
	}
	int failed = errno != 0;
	closedir(d);
	if (failed)
		return coach_error_errno("framework import: cannot read", path);
	coach_strlist_sort(out);
	if (out->n == 0)
		return coach_error_new(COACH_FAIL, "%s: no .md files in this "
		    "folder; each strategy is a file <id>.md", path);
	return NULL;
}

/* What a strategy must be: a title, an area that is text, criteria that
 * are a list of text. */
static struct coach_error *
source_check(const struct source *s)
{
	const struct coach_fm *fm = coach_record_fm_const(s->rec);
	const struct coach_fm_node *n = coach_fm_get(fm, "title");
	const char *title = n ? coach_fm_node_str(n) : NULL;
	if (n == NULL || coach_fm_node_type(n) != COACH_FM_SCALAR ||
	    title == NULL || *title == '\0')
		return coach_error_new(COACH_FAIL, "%s: a strategy needs a "
		    "title; add a line 'title: ...' to its front-matter",
		    s->name);
	n = coach_fm_get(fm, "area");
	if (n && coach_fm_node_type(n) != COACH_FM_SCALAR &&
	    coach_fm_node_type(n) != COACH_FM_NULL)
		return coach_error_new(COACH_FAIL, "%s:%d: area must be text",
		    s->name, coach_fm_key_line(fm, "area"));
	n = coach_fm_get(fm, "criteria");
	if (n == NULL || coach_fm_node_type(n) == COACH_FM_NULL)
		return NULL;
	int ok = coach_fm_node_type(n) == COACH_FM_SEQ;
	for (size_t i = 0; ok && i < coach_fm_node_len(n); i++)
		ok = coach_fm_node_type(coach_fm_node_item(n, i)) ==
		    COACH_FM_SCALAR;
	if (!ok)
		return coach_error_new(COACH_FAIL, "%s:%d: criteria must be a "
		    "list of success criteria, one '- ...' line each",
		    s->name, coach_fm_key_line(fm, "criteria"));
	return NULL;
}

/*
 * Why file is not a strategy, or NULL when it may be one: a strategy, as
 * every record, starts with front-matter.  A folder from the trust also
 * holds a README.md or notes, which are skipped.
 */
static const char *
not_a_strategy(const char *file)
{
	char head[8] = { 0 };
	FILE *f = fopen(file, "rb");
	if (f == NULL)
		return NULL; /* loading it says why */
	if (fread(head, 1, sizeof(head) - 1, f) == 0)
		head[0] = '\0';
	fclose(f);
	const char *p = strncmp(head, "\xef\xbb\xbf", 3) == 0 ? head + 3 :
	    head;
	if (strncmp(p, "---\n", 4) != 0 && strncmp(p, "---\r\n", 5) != 0)
		return "not a strategy (no front-matter: a strategy starts "
		    "with a '---' line)";
	return NULL;
}

/* Reads and checks every file before anything is written; a file that is
 * not a strategy is skipped with a note (only when PATH is a folder). */
static struct coach_error *
sources_load(const char *path, struct source **out, size_t *nout)
{
	struct coach_strlist files = COACH_STRLIST_INIT;
	struct source *src = NULL;
	size_t n = 0;
	struct coach_error *err;
	struct stat st;

	if ((err = source_files(path, &files)))
		goto done;
	int folder = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	src = coach_xcalloc(files.n, sizeof(*src));
	for (size_t i = 0; i < files.n; i++) {
		const char *why = folder ? not_a_strategy(files.v[i]) : NULL;
		if (why) {
			fflush(stdout);
			fprintf(stderr, "coach: note: skipped %s: %s\n",
			    files.v[i], why);
			continue;
		}
		struct source *s = &src[n++];
		s->name = coach_xstrdup(files.v[i]);
		s->id = coach_path_stem(files.v[i]);
		if ((err = coach_handle_check("framework id", s->id))) {
			err = coach_error_prefix(err, "%s: the file name "
			    "gives the strategy's id; rename the file",
			    s->name);
			goto done;
		}
		if ((err = coach_record_load(&s->rec, files.v[i],
		    files.v[i])) || (err = source_check(s)))
			goto done;
	}
	if (n == 0)
		err = coach_error_new(COACH_FAIL, "%s: no strategies in this "
		    "folder; each strategy is a file <id>.md that starts "
		    "with front-matter", path);
done:
	coach_strlist_free(&files);
	if (err) {
		sources_free(src, n);
		src = NULL;
		n = 0;
	}
	*out = src;
	*nout = n;
	return err;
}

/* A scalar's type as YAML reads it: quoted text is always a string. */
static int
scalar_class(const struct coach_fm_node *n)
{
	int b;
	double d;
	if (coach_fm_node_bool(n, &b) == 0)
		return 1;
	if (coach_fm_node_number(n, &d) == 0)
		return 2;
	return 0;
}

/* Whether two values read the same (mapping keys in the same order). */
static int
node_equal(const struct coach_fm_node *a, const struct coach_fm_node *b)
{
	enum coach_fm_type t = coach_fm_node_type(a);
	if (t != coach_fm_node_type(b))
		return 0;
	switch (t) {
	case COACH_FM_NULL:
		return 1;
	case COACH_FM_SCALAR:
		return strcmp(coach_fm_node_str(a), coach_fm_node_str(b)) ==
		    0 && scalar_class(a) == scalar_class(b);
	case COACH_FM_SEQ:
	case COACH_FM_MAP:
		if (coach_fm_node_len(a) != coach_fm_node_len(b))
			return 0;
		for (size_t i = 0; i < coach_fm_node_len(a); i++) {
			if (t == COACH_FM_MAP && strcmp(coach_fm_node_key(a,
			    i), coach_fm_node_key(b, i)) != 0)
				return 0;
			if (!node_equal(coach_fm_node_item(a, i),
			    coach_fm_node_item(b, i)))
				return 0;
		}
		return 1;
	}
	return 0;
}

static int
seq_has(const struct coach_fm_node *seq, const struct coach_fm_node *item)
{
	for (size_t i = 0; i < coach_fm_node_len(seq); i++)
		if (node_equal(coach_fm_node_item(seq, i), item))
			return 1;
	return 0;
}

/*
 * The school's criteria with the trust's new ones after them, or NULL when
 * the trust has none the school lacks.  A criterion the school added
 * itself is never dropped; *added counts the trust's new ones.
 */
static struct coach_fmv *
criteria_merged(const struct coach_fm_node *ours,
    const struct coach_fm_node *theirs, size_t *added)
{
	*added = 0;
	for (size_t i = 0; i < coach_fm_node_len(theirs); i++)
		*added += !seq_has(ours, coach_fm_node_item(theirs, i));
	if (*added == 0)
		return NULL;
	struct coach_fmv *v = coach_fmv_seq();
	for (size_t i = 0; i < coach_fm_node_len(ours); i++)
		coach_fmv_push(v, coach_fmv_from_node(coach_fm_node_item(ours,
		    i)));
	for (size_t i = 0; i < coach_fm_node_len(theirs); i++) {
		const struct coach_fm_node *it = coach_fm_node_item(theirs, i);
		/* Once, also when the trust lists it twice. */
		int dup = seq_has(ours, it);
		for (size_t k = 0; !dup && k < i; k++)
			dup = node_equal(coach_fm_node_item(theirs, k), it);
		if (!dup)
			coach_fmv_push(v, coach_fmv_from_node(it));
	}
	return v;
}

/*
 * Brings rec up to date with src: keys whose values differ are set, the
 * body is replaced when it differs; keys src does not have stay (they are
 * the school's own), and so do the school's own criteria, the trust's new
 * ones added after them.  *changed lists what changed, e.g. "title,
 * criteria +2, body".
 */
static void
update_from(struct coach_record *rec, const struct coach_record *src,
    struct coach_buf *changed)
{
	struct coach_fm *fm = coach_record_fm(rec);
	const struct coach_fm *sfm = coach_record_fm_const(src);
	for (size_t i = 0; i < coach_fm_count(sfm); i++) {
		const char *k = coach_fm_key_at(sfm, i);
		const struct coach_fm_node *old = coach_fm_get(fm, k);
		const struct coach_fm_node *new = coach_fm_get(sfm, k);
		size_t added = 0;
		if (old && node_equal(old, new))
			continue;
		/* The trust listing none takes none of the school's away. */
		if (strcmp(k, "criteria") == 0 && old &&
		    coach_fm_node_type(old) == COACH_FM_SEQ &&
		    coach_fm_node_type(new) != COACH_FM_SEQ)
			continue;
		if (strcmp(k, "criteria") == 0 && old &&
		    coach_fm_node_type(old) == COACH_FM_SEQ &&
		    coach_fm_node_type(new) == COACH_FM_SEQ) {
			struct coach_fmv *v = criteria_merged(old, new, &added);
			if (v == NULL)
				continue;
			coach_fm_set(fm, k, v);
		} else {
			coach_fm_set(fm, k, coach_fmv_from_node(new));
		}
		coach_buf_puts(changed, changed->len ? ", " : "");
		coach_buf_puts(changed, k);
		if (added)
			coach_buf_printf(changed, " +%zu", added);
	}
	if (strcmp(coach_record_body(rec), coach_record_body(src)) != 0) {
		coach_record_set_body(rec, coach_record_body(src));
		coach_buf_puts(changed, changed->len ? ", " : "");
		coach_buf_puts(changed, "body");
	}
}

/*
 * Stages one source: a new record as the source reads (normalised), or the
 * existing one updated.  *what is 'A' (added), 'M' (updated) or 0 (already
 * the same); *detail the changed keys.
 */
static struct coach_error *
import_one(struct coach_change *ch, const struct source *s, char *what,
    struct coach_buf *detail)
{
	struct coach_buf before = COACH_BUF_INIT, after = COACH_BUF_INIT;
	struct coach_record *rec = NULL;
	char *path = coach_path_framework(s->id);
	struct coach_error *err = NULL;

	*what = 0;
	coach_buf_clear(detail);
	if (!coach_repo_exists(coach_change_repo(ch), path)) {
		coach_change_save(ch, path, s->rec);
		*what = 'A';
		goto done;
	}
	if ((err = coach_change_load(ch, path, &rec))) {
		err = coach_error_prefix(err, "cannot update it from %s; fix "
		    "it first", s->name);
		goto done;
	}
	coach_record_render(rec, &before);
	update_from(rec, s->rec, detail);
	coach_record_render(rec, &after);
	/* A value written differently but read the same is no change. */
	if (before.len != after.len || memcmp(before.ptr, after.ptr,
	    before.len) != 0) {
		coach_change_write(ch, path, after.ptr, after.len);
		*what = 'M';
	}
done:
	coach_record_free(rec);
	coach_buf_free(&before);
	coach_buf_free(&after);
	free(path);
	return err;
}

/* Every source staged under the writer's lock. */
struct import_change {
	const struct source *src;
	size_t n;
	size_t added, updated;
	struct coach_buf *report, *detail;
	char *msg;
};

static struct coach_error *
import_apply(struct coach_change *ch, void *arg)
{
	struct import_change *ic = arg;
	struct coach_error *err;
	for (size_t i = 0; i < ic->n; i++) {
		char what;
		if ((err = import_one(ch, &ic->src[i], &what, ic->detail)))
			return err;
		if (what == 0) {
			coach_buf_printf(ic->report, "unchanged framework/%s.md\n",
			    ic->src[i].id);
			continue;
		}
		if (what == 'A')
			ic->added++;
		else
			ic->updated++;
		coach_buf_printf(ic->report, "%s framework/%s.md%s%s%s\n",
		    what == 'A' ? "added    " : "updated  ", ic->src[i].id,
		    ic->detail->len ? " (" : "", coach_buf_str(ic->detail),
		    ic->detail->len ? ")" : "");
	}
	ic->msg = coach_xasprintf("framework import: %zu added, %zu updated",
	    ic->added, ic->updated);
	coach_change_message(ch, "%s", ic->msg);
	return NULL;
}

static struct coach_error *
framework_import(struct coach_ctx *ctx, int argc, char **argv)
{
	struct source *src = NULL;
	size_t n = 0;
	struct coach_buf report = COACH_BUF_INIT, detail = COACH_BUF_INIT;
	char *msg = NULL, *path;
	struct coach_error *err;

	/* Like git -C: a relative PATH is taken from that directory. */
	if (ctx->dir && argv[1][0] != '/')
		path = coach_path_join(ctx->dir, argv[1]);
	else
		path = coach_xstrdup(argv[1]);
	err = sources_load(path, &src, &n);
	free(path);
	if (err)
		return err;
	struct import_change ic = { src, n, 0, 0, &report, &detail, NULL };
	if ((err = coach_write(ctx->repo, import_apply, &ic)))
		goto done;
	msg = ic.msg;
	if (ic.added + ic.updated == 0) {
		printf("framework import: nothing to change; %zu "
		    "strateg%s already up to date\n", n, n == 1 ? "y is" :
		    "ies are");
		goto done;
	}
	fputs(coach_buf_str(&report), stdout);
	printf("%s\n", msg);
done:
	sources_free(src, n);
	coach_buf_free(&report);
	coach_buf_free(&detail);
	free(msg);
	return err;
}

static const struct coach_opt framework_add_opts[] = {
	{ "area", 0, COACH_OPT_VALUE, "A", "the area of the framework it "
	    "belongs to" },
	{ "criterion", 0, COACH_OPT_VALUE | COACH_OPT_REPEAT, "TEXT", "one "
	    "success criterion, in order" },
	{ 0 },
};

static const struct coach_opt framework_list_opts[] = {
	{ "format", 0, COACH_OPT_VALUE, "text|json", "text for people "
	    "(default) or JSON for programs" },
	{ 0 },
};

static const struct coach_form framework_forms[] = {
	{ .name = "add", .usage = "ID TITLE [--area A] [--criterion TEXT]...",
	  .opts = framework_add_opts, .min = 2, .max = 2,
	  .need = "an ID and a TITLE",
	  .extra = "add takes one ID and one TITLE; quote a title with spaces",
	  .exec = framework_add },
	{ .name = "list", .usage = "[--format json]",
	  .opts = framework_list_opts, .exec = framework_list },
	{ .name = "import", .usage = "PATH", .min = 1, .max = 1,
	  .need = "one PATH: a folder of <id>.md files or one .md file",
	  .exec = framework_import },
	{ 0 },
};

/* "coach framework [--format json]" lists. */
const struct coach_cmd coach_cmd_framework = {
	.name = "framework",
	.summary = "the shared teaching framework: add, list and import "
	    "strategies",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = framework_forms,
	.dflt = "list",
};
