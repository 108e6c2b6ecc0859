/*
 * common.c: what the commands share beyond cmd.h (see common.h).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "../lib/check.h"
#include "../lib/store.h"
#include "../lib/width.h"

/* ================ options and arguments ================ */

struct coach_error *
coach_text_arg_check(const struct coach_ctx *ctx, const char *what,
	const char *s, int multiline)
{
	size_t n = strlen(s);
	if (strspn(s, " \t\n") == n)
		return coach_usage(ctx, "%s needs a value that is not empty",
		    what);
	if (coach_utf8_check(s, n) != n)
		return coach_error_new(COACH_FAIL, "%s is not valid UTF-8; "
		    "write it in UTF-8", what);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t' || (c == '\n' && multiline))
			continue;
		if (c < 0x20 || c == 0x7f)
			return coach_error_new(COACH_FAIL, "%s contains a "
			    "control character (0x%02x); remove it", what, c);
	}
	return NULL;
}

struct coach_error *
coach_number_arg(const char *what, const char *s, char **norm, double *value)
{
	const char *p = s, *ip, *fp = NULL;
	size_t ni, nf = 0;
	int neg = 0;

	*norm = NULL;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	ip = p;
	while (isdigit((unsigned char)*p))
		p++;
	ni = (size_t)(p - ip);
	if (*p == '.') {
		fp = ++p;
		while (isdigit((unsigned char)*p))
			p++;
		nf = (size_t)(p - fp);
	}
	/* 15 significant digits stay exact in a double. */
	if (*p != '\0' || ni + nf == 0 || ni + nf > 15)
		return coach_error_new(COACH_FAIL, "%s: '%s' is not a number; "
		    "write digits with an optional sign and decimal point, "
		    "e.g. 12 or -3.5", what, s);
	/* Leading zeros would make "08" a string and "017" octal to some
	 * YAML readers. */
	while (ni > 1 && *ip == '0')
		ip++, ni--;
	struct coach_buf b = COACH_BUF_INIT;
	if (neg)
		coach_buf_putc(&b, '-');
	if (ni)
		coach_buf_add(&b, ip, ni);
	else
		coach_buf_putc(&b, '0');
	if (nf) {
		coach_buf_putc(&b, '.');
		coach_buf_add(&b, fp, nf);
	}
	*value = strtod(coach_buf_str(&b), NULL);
	if (*value == 0 && neg) {
		/* "-0" reads as 0 anyway; write it so. */
		char *t = coach_xstrdup(coach_buf_str(&b) + 1);
		coach_buf_free(&b);
		*norm = t;
		*value = 0;
		return NULL;
	}
	*norm = coach_buf_detach(&b);
	return NULL;
}

static struct coach_error *
date_arg(const char *what, const char *s, enum coach_date_use use,
	char out[11], coach_day *day)
{
	struct coach_error *err = coach_date_read(what, s, use,
	    coach_date_today(), day);
	if (err == NULL)
		coach_date_format(*day, out);
	return err;
}

struct coach_error *
coach_date_text_arg(const char *what, const char *s, char out[11],
	coach_day *day)
{
	return date_arg(what, s, COACH_DATE_PLAN, out, day);
}

struct coach_error *
coach_date_past_arg(const char *what, const char *s, char out[11],
	coach_day *day)
{
	return date_arg(what, s, COACH_DATE_PAST, out, day);
}

struct coach_error *
coach_entry_kind_check(const char *what, const char *kind)
{
	if (coach_str_in(coach_entry_kinds, kind))
		return NULL;
	const char *guess = coach_suggest(kind, coach_entry_kinds, SIZE_MAX);
	return coach_error_new(COACH_FAIL, "%s: '%s' is not a kind of entry; "
	    "%s%s%suse meeting, observation, practice, reflection, evidence, "
	    "cpd or note", what, kind, guess ? "did you mean '" : "",
	    guess ? guess : "", guess ? "'? Or " : "");
}

/* ================ text for the terminal ================ */

int
coach_is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

const char *
coach_dash(const char *s)
{
	return s && *s ? s : "-";
}

char *
coach_path_stem(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".md") == 0)
		n -= 3;
	return coach_xstrndup(base, n);
}

size_t
coach_text_width(const char *s)
{
	return coach_width(s, strlen(s));
}

char *
coach_text_cut(const char *s, size_t max)
{
	size_t len = strcspn(s, "\n");
	int more = s[len] == '\n' && !coach_is_blank(s + len, strlen(s + len));
	size_t width = coach_width(s, len), keep = len;
	if (max > 0 && (width > max || (more && width + 1 > max))) {
		/* What fits in max - 1 columns (with the marks that combine
		 * with its last character), then the ellipsis. */
		size_t used = 0, i = 0;
		while (i < len) {
			uint32_t cp;
			size_t k = coach_utf8_decode(s + i, len - i, &cp);
			size_t w = (size_t)coach_cp_width(cp);
			if (used + w > max - 1)
				break;
			used += w;
			i += k;
		}
		keep = i;
		more = 1;
	}
	struct coach_buf b = COACH_BUF_INIT;
	coach_buf_add(&b, s, keep);
	if (more)
		coach_buf_puts(&b, "…");
	coach_buf_putc(&b, '\0');
	char *res = coach_xstrdup(b.ptr);
	coach_buf_free(&b);
	return res;
}

void
coach_put_padded(const char *s, size_t width)
{
	fputs(s, stdout);
	for (size_t n = coach_text_width(s); n < width; n++)
		putchar(' ');
}

static void
term_clean(struct coach_buf *out, const char *s, char repl)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			coach_buf_putc(out, repl);
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			/* C1 controls (U+0080..U+009F) drive terminals
			 * too. */
			coach_buf_putc(out, repl);
			p++;
		} else {
			coach_buf_putc(out, (char)*p);
		}
	}
}

void
coach_term_safe(struct coach_buf *out, const char *s)
{
	term_clean(out, s, '?');
}

void
coach_term_line(struct coach_buf *out, const char *s)
{
	term_clean(out, s, ' ');
}

void
coach_table_add(struct coach_table *t, const char *s)
{
	struct coach_buf b = COACH_BUF_INIT;
	coach_term_line(&b, s ? s : "");
	coach_strlist_add_owned(&t->cells, b.ptr ? coach_buf_detach(&b) :
	    coach_xstrdup(""));
}

void
coach_table_print(const struct coach_ctx *ctx, const struct coach_table *t)
{
	size_t nc = t->ncols;
	size_t *w = coach_xcalloc(nc, sizeof(*w));
	for (size_t i = 0; i < t->cells.n; i++) {
		size_t cw = coach_text_width(t->cells.v[i]);
		if (cw > w[i % nc])
			w[i % nc] = cw;
	}
	for (size_t r = 0; r * nc < t->cells.n; r++) {
		char **row = t->cells.v + r * nc;
		size_t end = nc;
		/* Empty cells at the end of a row: no trailing blanks. */
		while (end > 1 && row[end - 1][0] == '\0')
			end--;
		if (r == 0)
			fputs(coach_sgr_bold(ctx), stdout);
		for (size_t c = 0; c < end; c++) {
			fputs(row[c], stdout);
			if (c + 1 < end)
				printf("%*s", (int)(w[c] -
				    coach_text_width(row[c]) + 2), "");
		}
		if (r == 0)
			fputs(coach_sgr_reset(ctx), stdout);
		putchar('\n');
	}
	free(w);
}

void
coach_table_free(struct coach_table *t)
{
	coach_strlist_free(&t->cells);
}

void
coach_list_empty(const char *fmt, ...)
{
	FILE *f = isatty(STDOUT_FILENO) ? stdout : stderr;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fflush(stdout);
	fprintf(f, "%s\n", line);
}

static int
row_cmp_coachee(const void *pa, const void *pb)
{
	const struct coach_loaded *a = *(const struct coach_loaded *const *)pa;
	const struct coach_loaded *b = *(const struct coach_loaded *const *)pb;
	int c = strcmp(a->coachee ? a->coachee : "",
	    b->coachee ? b->coachee : "");
	/* The rows' own order among one coachee's: where they point. */
	if (c == 0)
		c = (a > b) - (a < b);
	return c;
}

void
coach_rows_by_coachee(struct coach_loaded **rows, size_t n)
{
	if (n > 1)
		qsort(rows, n, sizeof(*rows), row_cmp_coachee);
}

/* ================ front-matter as JSON ================ */

void
coach_json_fm_node(struct coach_json *j, const struct coach_fm_node *n)
{
	int b;
	double d;
	if (n == NULL) {
		coach_json_null(j);
		return;
	}
	switch (coach_fm_node_type(n)) {
	case COACH_FM_NULL:
		coach_json_null(j);
		break;
	case COACH_FM_SCALAR:
		if (coach_fm_node_bool(n, &b) == 0)
			coach_json_bool(j, b);
		else if (coach_fm_node_number(n, &d) == 0)
			coach_json_num(j, d);
		else
			coach_json_str(j, coach_fm_node_str(n));
		break;
	case COACH_FM_SEQ:
		coach_json_arr_begin(j);
		for (size_t i = 0; i < coach_fm_node_len(n); i++)
			coach_json_fm_node(j, coach_fm_node_item(n, i));
		coach_json_arr_end(j);
		break;
	case COACH_FM_MAP:
		coach_json_obj_begin(j);
		for (size_t i = 0; i < coach_fm_node_len(n); i++) {
			coach_json_key(j, coach_fm_node_key(n, i));
			coach_json_fm_node(j, coach_fm_node_item(n, i));
		}
		coach_json_obj_end(j);
		break;
	}
}

void
coach_json_fm_key(struct coach_json *j, const struct coach_fm *fm,
	const char *key)
{
	coach_json_fm_node(j, coach_fm_get(fm, key));
}

void
coach_json_fm_members(struct coach_json *j, const struct coach_fm *fm,
	const char *const *skip)
{
	for (size_t i = 0; i < coach_fm_count(fm); i++) {
		const char *k = coach_fm_key_at(fm, i);
		if (skip && coach_str_in(skip, k))
			continue;
		coach_json_key(j, k);
		coach_json_fm_node(j, coach_fm_get(fm, k));
	}
}

void
coach_json_front_matter(struct coach_json *j, const struct coach_fm *fm)
{
	coach_json_obj_begin(j);
	coach_json_fm_members(j, fm, NULL);
	coach_json_obj_end(j);
}

void
coach_json_rows(struct coach_loaded *const *rows, size_t n,
	void (*row_json)(struct coach_json *j, const struct coach_loaded *row))
{
	struct coach_buf b = COACH_BUF_INIT;
	struct coach_json j;
	coach_json_init(&j, &b, 1);
	coach_json_arr_begin(&j);
	for (size_t i = 0; i < n; i++)
		row_json(&j, rows[i]);
	coach_json_arr_end(&j);
	coach_out(b.ptr, b.len);
	coach_buf_free(&b);
}

/* ================ records ================ */

struct coach_error *
coach_resolve_owned(struct coach_repo *r, const char *coachee,
	const char *option, const char *prefix, enum coach_kind kind,
	char **id, char **path)
{
	char *owner = NULL;
	struct coach_error *err = coach_repo_resolve_near(r, prefix, kind,
	    coachee, path);
	if (err)
		return coach_error_prefix(err, "%s", option);
	coach_path_kind(*path, &owner, id);
	if (owner == NULL || *id == NULL || strcmp(owner, coachee) != 0)
		err = coach_error_new(COACH_FAIL, "%s %s: that %s is %s's, "
		    "not %s's; give one of %s's %ss (see 'coach %s list %s')",
		    option, prefix, coach_kind_name(kind),
		    owner ? owner : "nobody", coachee, coachee,
		    coach_kind_name(kind), coach_kind_name(kind), coachee);
	free(owner);
	return err;
}

struct coach_error *
coach_load_all(struct coach_repo *r, enum coach_kind kind,
	const char *coachee, const char *sort_key,
	struct coach_loaded_list *out)
{
	struct coach_error *err = coach_load_records(r, kind, coachee,
	    sort_key, out);
	coach_warn_problems(&out->problems);
	return err;
}

void
coach_warn_problems(const struct coach_problems *p)
{
	if (p->n)
		fflush(stdout);
	for (size_t i = 0; i < p->n; i++) {
		struct coach_buf b = COACH_BUF_INIT;
		coach_term_safe(&b, p->v[i].message);
		fprintf(stderr, "coach: warning: %s (left out; see 'coach "
		    "check')\n", coach_buf_str(&b));
		coach_buf_free(&b);
	}
}

struct coach_error *
coach_broken_error(size_t n, const char *what)
{
	return coach_error_new(COACH_FAIL, "%zu %s record%s could not be read "
	    "(see above); fix %s, then check with coach check", n, what,
	    n == 1 ? "" : "s", n == 1 ? "it" : "them");
}

struct coach_error *
coach_write(struct coach_repo *r, coach_change_fn fn, void *arg)
{
	struct coach_strlist notes = COACH_STRLIST_INIT;
	struct coach_error *err = coach_change_run(r, fn, arg, &notes, NULL);
	fflush(stdout);
	for (size_t i = 0; i < notes.n; i++)
		fprintf(stderr, "coach: %s\n", notes.v[i]);
	coach_strlist_free(&notes);
	return err;
}

static char *
record_path(const void *arg, const char *id)
{
	const struct new_record *nr = arg;
	return nr->path_of(nr->coachee, id);
}

struct coach_error *
coach_new_record_apply(struct coach_change *ch, void *arg)
{
	struct new_record *nr = arg;
	char *path = NULL;
	struct coach_error *err = coach_change_new_path(ch, nr->kind,
	    record_path, nr, nr->id, &path);
	if (err)
		return err;
	coach_fm_set(coach_record_fm(nr->rec), "id", coach_fmv_str(nr->id));
	coach_change_save(ch, path, nr->rec);
	coach_change_message(ch, "%s: %s %s", nr->what, nr->coachee, nr->id);
	free(path);
	return NULL;
}

void
coach_warn_diag(const struct coach_diag *d)
{
	if (d->line > 0)
		fprintf(stderr, "coach: warning: %s:%d: %s\n", d->path,
		    d->line, d->msg);
	else
		fprintf(stderr, "coach: warning: %s: %s\n", d->path, d->msg);
}

/* ================ files ================ */

/* The git directory: root/.git, or where a ".git" file points (a linked
 * work tree or a submodule). */
static char *
git_dir(const struct coach_repo *r)
{
	const char *root = coach_repo_root(r);
	char *dotgit = coach_path_join(root, ".git");
	struct stat st;
	if (stat(dotgit, &st) == 0 && S_ISDIR(st.st_mode))
		return dotgit;
	struct coach_buf b = COACH_BUF_INIT;
	char *dir = NULL;
	if (coach_read_file(&b, dotgit, 4096) == NULL &&
	    strncmp(coach_buf_str(&b), "gitdir: ", 8) == 0) {
		char *p = b.ptr + 8;
		p[strcspn(p, "\r\n")] = '\0';
		dir = p[0] == '/' ? coach_xstrdup(p) : coach_path_join(root, p);
	}
	coach_buf_free(&b);
	if (dir == NULL)
		return dotgit;
	free(dotgit);
	return dir;
}

char *
coach_git_path(const struct coach_repo *r, const char *name)
{
	char *dir = git_dir(r);
	char *path = coach_path_join(dir, name);
	free(dir);
	return path;
}

struct coach_error *
coach_write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd == -1)
		return coach_error_errno("open", path);
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			struct coach_error *err = coach_error_errno("write",
			    path);
			close(fd);
			return err;
		}
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) == -1)
		return coach_error_errno("close", path);
	return NULL;
}

void
coach_text_normalise(struct coach_buf *b, int drop_bom)
{
	if (b->len == 0)
		return;
	size_t i = 0, o = 0;
	if (drop_bom && b->len >= 3 && memcmp(b->ptr, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < b->len; i++) {
		if (b->ptr[i] == '\r' && i + 1 < b->len && b->ptr[i + 1] == '\n')
			continue;
		b->ptr[o++] = b->ptr[i];
	}
	b->len = o;
	b->ptr[o] = '\0';
}

struct coach_error *
coach_staff_self(struct coach_repo *repo, const char *why, char **out)
{
	struct coach_error *err = coach_repo_current_user(repo, out);
	if (err || *out)
		return err;
	char *name = NULL, *email = NULL;
	err = coach_store_identity(coach_repo_store(repo), &name, &email);
	if (err == NULL)
		err = coach_error_new(COACH_FAIL, "no member of staff has your "
		    "git email (%s), so %s; add your staff record with: "
		    "coach staff add HANDLE --name \"%s\" --email %s", email,
		    why, name, email);
	free(name);
	free(email);
	return err;
}
