/*
 * staff.c: coach staff add | list | show, the school's members of staff.
 *
 * A member of staff is staff/<handle>.md.  The email is how coach knows
 * who the current user is (git's user.email), so no two members of staff
 * may share one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "../lib/ids.h"
#include "../lib/schema.h"

/* One '@' with text on both sides, no white space or control characters. */
static struct coach_error *
email_check(const char *email)
{
	if (coach_schema_email_ok(email))
		return NULL;
	return coach_error_new(COACH_FAIL, "--email: '%s' is not an email "
	    "address; write it as name@domain, without spaces", email);
}

/*
 * *owner (malloc'd) is the handle of the member of staff whose email is
 * email, compared without regard to ASCII case as mail servers do; NULL
 * when there is none.
 */
static struct coach_error *
email_owner(struct coach_repo *repo, const char *email, char **owner)
{
	struct coach_strlist paths = COACH_STRLIST_INIT;
	struct coach_error *err;

	*owner = NULL;
	err = coach_repo_list(repo, COACH_KIND_STAFF, NULL, &paths);
	for (size_t i = 0; err == NULL && i < paths.n && *owner == NULL; i++) {
		struct coach_record *rec = NULL;
		err = coach_repo_load(repo, paths.v[i], &rec);
		if (err) {
			err = coach_error_prefix(err, "cannot check that the "
			    "email is unused; fix this record first");
			break;
		}
		const char *e = coach_record_str(rec, "email");
		if (e && strcasecmp(e, email) == 0)
			*owner = coach_path_stem(paths.v[i]);
		coach_record_free(rec);
	}
	coach_strlist_free(&paths);
	return err;
}

struct staff_args {
	const char *handle, *name, *email, *role, *phase;
	struct coach_strlist subjects;
	int coach;
};

static struct coach_error *
staff_add_parse(struct coach_ctx *ctx, int argc, char **argv,
    struct staff_args *a)
{
	const struct coach_strlist *subjects = coach_opt_values(ctx,
	    "subject");
	struct coach_error *err = NULL;

	a->name = coach_opt_value(ctx, "name");
	a->email = coach_opt_value(ctx, "email");
	a->role = coach_opt_value(ctx, "role");
	a->phase = coach_opt_value(ctx, "phase");
	a->coach = coach_opt_given(ctx, "coach") > 0;
	for (size_t i = 0; i < subjects->n; i++)
		if (!coach_strlist_has(&a->subjects, subjects->v[i]))
			coach_strlist_add(&a->subjects, subjects->v[i]);
	a->handle = argv[1];
	if (a->name == NULL)
		return coach_usage(ctx, "add needs --name NAME (the "
		    "person's full name)");
	if ((err = coach_handle_check("handle", a->handle)))
		return err;
	if ((err = coach_text_arg_check(ctx, "--name", a->name, 1)))
		return err;
	if (a->role && (err = coach_text_arg_check(ctx, "--role", a->role, 1)))
		return err;
	if (a->phase && (err = coach_text_arg_check(ctx, "--phase", a->phase, 1)))
		return err;
	for (size_t i = 0; i < a->subjects.n; i++)
		if ((err = coach_text_arg_check(ctx, "--subject", a->subjects.v[i], 0)))
			return err;
	if (a->email && (err = email_check(a->email)))
		return err;
	return NULL;
}

/* The new record, keys in the order of coach(5). */
static void
staff_render(const struct staff_args *a, struct coach_buf *out)
{
	struct coach_record *rec = coach_record_new();
	struct coach_fm *fm = coach_record_fm(rec);
	char today[11];

	coach_fm_set(fm, "name", coach_fmv_str(a->name));
	if (a->email)
		coach_fm_set(fm, "email", coach_fmv_str(a->email));
	if (a->role)
		coach_fm_set(fm, "role", coach_fmv_str(a->role));
	if (a->subjects.n > 0) {
		struct coach_fmv *seq = coach_fmv_seq();
		for (size_t i = 0; i < a->subjects.n; i++)
			coach_fmv_push(seq, coach_fmv_str(a->subjects.v[i]));
		coach_fm_set(fm, "subjects", seq);
	}
	if (a->phase)
		coach_fm_set(fm, "phase", coach_fmv_str(a->phase));
	coach_fm_set(fm, "coach", coach_fmv_bool(a->coach));
	coach_date_format(coach_date_today(), today);
	coach_fm_set(fm, "joined", coach_fmv_plain(today));
	coach_record_render(rec, out);
	coach_record_free(rec);
}

/* A member of staff added, checked under the writer's lock so that two
 * adds cannot race. */
struct staff_change {
	const struct staff_args *a;
	const char *path;
};

static struct coach_error *
add_apply(struct coach_change *ch, void *arg)
{
	struct staff_change *sc = arg;
	const struct staff_args *a = sc->a;
	struct coach_repo *r = coach_change_repo(ch);
	struct coach_buf text = COACH_BUF_INIT;
	struct coach_error *err = NULL;
	char *owner = NULL;

	if (coach_repo_exists(r, sc->path)) {
		err = coach_error_new(COACH_FAIL, "staff '%s' already exists; "
		    "edit %s or use coach edit %s", a->handle, sc->path,
		    sc->path);
		goto done;
	}
	if (a->email && (err = email_owner(r, a->email, &owner)))
		goto done;
	if (owner) {
		err = coach_error_new(COACH_FAIL, "--email: %s is already the "
		    "email of staff '%s' (staff/%s.md); each member of staff "
		    "needs their own, as it says who is using coach", a->email,
		    owner, owner);
		goto done;
	}
	staff_render(a, &text);
	coach_change_write(ch, sc->path, text.ptr, text.len);
	coach_change_message(ch, "staff add: %s", a->handle);
done:
	coach_buf_free(&text);
	free(owner);
	return err;
}

static struct coach_error *
staff_add(struct coach_ctx *ctx, int argc, char **argv)
{
	struct staff_args a = { .subjects = COACH_STRLIST_INIT };
	struct coach_buf text = COACH_BUF_INIT;
	char *path = NULL;
	struct coach_error *err;

	if ((err = staff_add_parse(ctx, argc, argv, &a)))
		goto done;
	path = coach_path_staff(a.handle);
	struct staff_change sc = { &a, path };
	err = coach_write(ctx->repo, add_apply, &sc);
	if (err == NULL) {
		coach_term_line(&text, a.name);
		printf("Added %s (%s) in %s\n", a.handle, coach_buf_str(&text),
		    path);
	}
done:
	coach_strlist_free(&a.subjects);
	coach_buf_free(&text);
	free(path);
	return err;
}

/* A scalar, or a list's scalars joined with ", ", as readable text. */
static void
value_text(struct coach_buf *out, const struct coach_fm_node *n)
{
	int b;
	if (n == NULL)
		return;
	switch (coach_fm_node_type(n)) {
	case COACH_FM_NULL:
		break;
	case COACH_FM_SCALAR:
		if (coach_fm_node_bool(n, &b) == 0)
			coach_buf_puts(out, b ? "yes" : "no");
		else
			coach_term_line(out, coach_fm_node_str(n));
		break;
	case COACH_FM_SEQ:
		for (size_t i = 0; i < coach_fm_node_len(n); i++) {
			if (i > 0)
				coach_buf_puts(out, ", ");
			value_text(out, coach_fm_node_item(n, i));
		}
		break;
	case COACH_FM_MAP:
		for (size_t i = 0; i < coach_fm_node_len(n); i++) {
			if (i > 0)
				coach_buf_puts(out, ", ");
			coach_term_line(out, coach_fm_node_key(n, i));
			coach_buf_puts(out, ": ");
			value_text(out, coach_fm_node_item(n, i));
		}
		break;
	}
}

/* handle first: the file name gives it. */
static const char *const staff_keys[] = {
	"handle", "name", "email", "role", "subjects", "phase", "coach",
	"joined", NULL,
};

/*
 * The members of a JSON object for a staff record: handle, the keys of
 * coach(5) (null when absent, [] for no subjects, false for not a coach),
 * then any other keys in the file's order.
 */
static void
staff_json_members(struct coach_json *j, const char *handle,
    const struct coach_record *rec)
{
	const struct coach_fm *fm = coach_record_fm_const(rec);
	coach_json_key(j, "handle");
	coach_json_str(j, handle);
	for (size_t i = 1; staff_keys[i]; i++) {
		const struct coach_fm_node *n = coach_fm_get(fm, staff_keys[i]);
		coach_json_key(j, staff_keys[i]);
		if (n)
			coach_json_fm_node(j, n);
		else if (strcmp(staff_keys[i], "subjects") == 0) {
			coach_json_arr_begin(j);
			coach_json_arr_end(j);
		} else if (strcmp(staff_keys[i], "coach") == 0)
			coach_json_bool(j, 0);
		else
			coach_json_null(j);
	}
	coach_json_fm_members(j, fm, staff_keys);
}

static struct coach_error *
list_parse(struct coach_ctx *ctx, int *json)
{
	const char *format = coach_opt_value(ctx, "format");
	return format ? coach_format_arg(ctx, format, json) : NULL;
}

static void
staff_list_text(struct coach_ctx *ctx, const struct coach_loaded_list *l)
{
	struct coach_table t = COACH_TABLE_INIT(6);
	struct coach_buf b = COACH_BUF_INIT;
	static const char *const head[] = { "HANDLE", "NAME", "ROLE",
		"SUBJECTS", "PHASE", "COACH" };
	static const char *const keys[] = { "name", "role", "subjects",
		"phase" };

	for (size_t i = 0; i < 6; i++)
		coach_table_add(&t, head[i]);
	for (size_t i = 0; i < l->n; i++) {
		const struct coach_fm *fm = coach_record_fm_const(l->v[i].rec);
		int is_coach = 0;
		coach_table_add(&t, l->v[i].id);
		for (size_t k = 0; k < 4; k++) {
			coach_buf_clear(&b);
			value_text(&b, coach_fm_get(fm, keys[k]));
			coach_table_add(&t, coach_buf_str(&b));
		}
		const struct coach_fm_node *cn = coach_fm_get(fm, "coach");
		if (cn && coach_fm_node_bool(cn, &is_coach) != 0)
			is_coach = 0;
		coach_table_add(&t, is_coach ? "yes" : "");
	}
	if (l->n > 0) {
		coach_pager_start(ctx);
		coach_table_print(ctx, &t);
	} else if (l->broken == 0) {
		coach_list_empty("No staff yet; add someone with: coach staff "
		    "add HANDLE --name NAME");
	}
	coach_buf_free(&b);
	coach_table_free(&t);
}

static struct coach_error *
staff_list(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_loaded_list l = { 0 };
	int json = 0;
	struct coach_error *err;

	if ((err = list_parse(ctx, &json)))
		return err;
	if ((err = coach_load_all(ctx->repo, COACH_KIND_STAFF, NULL, NULL,
	    &l)))
		return err;
	if (json) {
		struct coach_buf out = COACH_BUF_INIT;
		struct coach_json j;
		coach_json_init(&j, &out, 1);
		coach_json_arr_begin(&j);
		for (size_t i = 0; i < l.n; i++) {
			coach_json_obj_begin(&j);
			staff_json_members(&j, l.v[i].id, l.v[i].rec);
			coach_json_obj_end(&j);
		}
		coach_json_arr_end(&j);
		coach_out(out.ptr, out.len);
		coach_buf_free(&out);
	} else {
		staff_list_text(ctx, &l);
	}
	if (l.broken)
		err = coach_broken_error(l.broken, "staff");
	coach_loaded_list_free(&l);
	return err;
}

/*
 * Relationships: the active agreements in which handle is a coach, and
 * the one in which they are the coachee.
 */
struct relation {
	char *coachee;
	struct coach_strlist coaches;
	const char *started, *focus; /* owned by rec */
	struct coach_record *rec;
};

static void
relation_free(struct relation *r)
{
	free(r->coachee);
	coach_strlist_free(&r->coaches);
	coach_record_free(r->rec);
}

/* Active agreements where handle coaches (*coaching, *ncoaching) and the
 * one where handle is coached (*coached, coachee NULL when none). */
static struct coach_error *
relations(struct coach_repo *repo, const char *handle,
    struct relation **coaching, size_t *ncoaching, struct relation *coached)
{
	struct coach_loaded_list l = { 0 };
	struct coach_error *err;

	*coaching = NULL;
	*ncoaching = 0;
	memset(coached, 0, sizeof(*coached));
	if ((err = coach_load_all(repo, COACH_KIND_AGREEMENT, NULL, NULL, &l)))
		return err;
	*coaching = coach_xcalloc(l.n + 1, sizeof(**coaching));
	for (size_t i = 0; i < l.n; i++) {
		if (l.v[i].coachee == NULL || coach_agreement_ended(l.v[i].rec))
			continue;
		/* The relation takes the record and coachee from the list. */
		struct relation r = { .coaches = COACH_STRLIST_INIT };
		r.rec = l.v[i].rec;
		r.coachee = l.v[i].coachee;
		l.v[i].rec = NULL;
		l.v[i].coachee = NULL;
		coach_agreement_coaches(r.rec, &r.coaches);
		r.started = coach_record_str(r.rec, "started");
		r.focus = coach_record_str(r.rec, "focus");
		if (strcmp(r.coachee, handle) == 0) {
			relation_free(coached);
			*coached = r;
		} else if (coach_strlist_has(&r.coaches, handle)) {
			(*coaching)[(*ncoaching)++] = r;
		} else {
			relation_free(&r);
		}
	}
	coach_loaded_list_free(&l);
	return NULL;
}

static void
relations_free(struct relation *coaching, size_t n, struct relation *coached)
{
	for (size_t i = 0; i < n; i++)
		relation_free(&coaching[i]);
	free(coaching);
	relation_free(coached);
}

static void
join_handles(struct coach_buf *b, const struct coach_strlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (i > 0)
			coach_buf_puts(b, ", ");
		coach_term_line(b, l->v[i]);
	}
}

/* " (since DATE, focus: TEXT)" */
static void
relation_detail(struct coach_buf *b, const struct relation *r)
{
	if (r->started == NULL && r->focus == NULL)
		return;
	coach_buf_puts(b, " (");
	if (r->started) {
		coach_buf_puts(b, "since ");
		coach_term_line(b, r->started);
	}
	if (r->focus) {
		coach_buf_puts(b, r->started ? "; focus: " : "focus: ");
		coach_term_line(b, r->focus);
	}
	coach_buf_putc(b, ')');
}

static void
staff_show_text(struct coach_ctx *ctx, const char *handle,
    struct coach_record *rec, struct relation *coaching, size_t ncoaching,
    struct relation *coached)
{
	const struct coach_fm *fm = coach_record_fm_const(rec);
	struct coach_buf b = COACH_BUF_INIT;
	size_t w = strlen("coached by");

	for (size_t i = 0; i < coach_fm_count(fm); i++)
		if (coach_text_width(coach_fm_key_at(fm, i)) > w)
			w = coach_text_width(coach_fm_key_at(fm, i));
	coach_term_line(&b, coach_record_str(rec, "name") ?
	    coach_record_str(rec, "name") : handle);
	printf("%s%s%s (%s)\n", coach_sgr_bold(ctx), coach_buf_str(&b),
	    coach_sgr_reset(ctx), handle);
	for (size_t i = 0; i < coach_fm_count(fm); i++) {
		const char *k = coach_fm_key_at(fm, i);
		if (strcmp(k, "name") == 0)
			continue;
		coach_buf_clear(&b);
		coach_term_line(&b, k);
		printf("%s%*s  ", coach_buf_str(&b),
		    (int)(w - coach_text_width(coach_buf_str(&b))), "");
		coach_buf_clear(&b);
		value_text(&b, coach_fm_get(fm, k));
		printf("%s\n", coach_buf_str(&b));
	}
	putchar('\n');
	printf("%-*s  ", (int)w, "coaches");
	if (ncoaching == 0)
		printf("%sno one%s\n", coach_sgr_dim(ctx), coach_sgr_reset(ctx));
	for (size_t i = 0; i < ncoaching; i++) {
		coach_buf_clear(&b);
		coach_term_line(&b, coaching[i].coachee);
		relation_detail(&b, &coaching[i]);
		printf("%*s%s\n", i ? (int)w + 2 : 0, "", coach_buf_str(&b));
	}
	printf("%-*s  ", (int)w, "coached by");
	if (coached->coachee == NULL) {
		printf("%sno one%s (start with: coach agree %s --coach "
		    "HANDLE)\n", coach_sgr_dim(ctx), coach_sgr_reset(ctx),
		    handle);
	} else {
		coach_buf_clear(&b);
		join_handles(&b, &coached->coaches);
		relation_detail(&b, coached);
		printf("%s\n", coach_buf_str(&b));
	}
	if (*coach_record_body(rec)) {
		putchar('\n');
		fputs(coach_record_body(rec), stdout);
	}
	coach_buf_free(&b);
}

static void
staff_show_json(const char *handle, struct coach_record *rec,
    struct relation *coaching, size_t ncoaching, struct relation *coached)
{
	struct coach_buf out = COACH_BUF_INIT;
	struct coach_json j;

	coach_json_init(&j, &out, 1);
	coach_json_obj_begin(&j);
	staff_json_members(&j, handle, rec);
	coach_json_key(&j, "coaches");
	coach_json_arr_begin(&j);
	for (size_t i = 0; i < ncoaching; i++)
		coach_json_str(&j, coaching[i].coachee);
	coach_json_arr_end(&j);
	coach_json_key(&j, "coached_by");
	coach_json_arr_begin(&j);
	for (size_t i = 0; i < coached->coaches.n; i++)
		coach_json_str(&j, coached->coaches.v[i]);
	coach_json_arr_end(&j);
	coach_json_key(&j, "body");
	coach_json_str(&j, coach_record_body(rec));
	coach_json_obj_end(&j);
	coach_out(out.ptr, out.len);
	coach_buf_free(&out);
}

static struct coach_error *
staff_show(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_record *rec = NULL;
	struct relation *coaching = NULL, coached = { 0 };
	size_t ncoaching = 0;
	char *path = NULL;
	int json = 0;
	struct coach_error *err;

	if ((err = list_parse(ctx, &json)))
		return err;
	const char *handle = argv[1];
	if ((err = coach_handle_check("handle", handle)))
		return err;
	path = coach_path_staff(handle);
	if (!coach_repo_exists(ctx->repo, path)) {
		err = coach_error_new(COACH_FAIL, "no staff '%s' (no %s); see "
		    "coach staff list, or add them with coach staff add %s "
		    "--name NAME", handle, path, handle);
		goto done;
	}
	if ((err = coach_repo_load(ctx->repo, path, &rec)))
		goto done;
	if ((err = relations(ctx->repo, handle, &coaching, &ncoaching,
	    &coached)))
		goto done;
	if (json)
		staff_show_json(handle, rec, coaching, ncoaching, &coached);
	else
		staff_show_text(ctx, handle, rec, coaching, ncoaching,
		    &coached);
done:
	relations_free(coaching, ncoaching, &coached);
	coach_record_free(rec);
	free(path);
	return err;
}

static const struct coach_opt staff_add_opts[] = {
	{ "name", 0, COACH_OPT_VALUE, "NAME", "the person's full name "
	    "(required)" },
	{ "email", 0, COACH_OPT_VALUE, "E", "their email address" },
	{ "role", 0, COACH_OPT_VALUE, "R", "their role, e.g. 'Head of "
	    "science'" },
	{ "subject", 0, COACH_OPT_VALUE | COACH_OPT_REPEAT, "S", "a subject "
	    "they teach" },
	{ "phase", 0, COACH_OPT_VALUE, "P", "the phase they teach, e.g. "
	    "primary" },
	{ "coach", 0, 0, NULL, "they coach others" },
	{ 0 },
};

static const struct coach_opt staff_list_opts[] = {
	{ "format", 0, COACH_OPT_VALUE, "text|json", "text for people "
	    "(default) or JSON for programs" },
	{ 0 },
};

static const struct coach_form staff_forms[] = {
	{ .name = "add", .usage = "HANDLE --name NAME [--email E] [--role R] "
	    "[--subject S]... [--phase P] [--coach]",
	  .opts = staff_add_opts, .min = 1, .max = 1, .need = "a HANDLE",
	  .extra = "add takes one HANDLE; quote a name with spaces",
	  .exec = staff_add },
	{ .name = "list", .usage = "[--format json]", .opts = staff_list_opts,
	  .exec = staff_list },
	{ .name = "show", .usage = "HANDLE [--format json]",
	  .opts = staff_list_opts, .min = 1, .max = 1, .need = "one HANDLE",
	  .extra = "show takes one HANDLE", .exec = staff_show },
	{ 0 },
};

/* "coach staff [--format json]" lists, like "git remote". */
const struct coach_cmd coach_cmd_staff = {
	.name = "staff",
	.summary = "add, list and show the school's members of staff",
	.flags = COACH_CMD_REPO | COACH_CMD_LOCAL,
	.forms = staff_forms,
	.dflt = "list",
};
