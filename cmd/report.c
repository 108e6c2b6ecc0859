/*
 * report.c: "coach report", goals, cycles and impact per group, as text,
 * Markdown, CSV or JSON.  The figures come from lib/report.c; this file
 * only lays them out.  No entry's body or title is ever printed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/date.h"
#include "../lib/json.h"
#include "../lib/model.h"
#include "../lib/report.h"
#include "../lib/trust.h"
#include "common.h"
#include "report_html.h"

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV, FMT_MARKDOWN, FMT_HTML };

struct report_args {
	const char *by, *since, *until, *format, *output;
};

static const char *const formats[] = {
	"text", "json", "csv", "markdown", "html", NULL,
};

static void
read_args(struct coach_ctx *ctx, struct report_args *a)
{
	a->by = coach_opt_value(ctx, "by");
	a->since = coach_opt_value(ctx, "since");
	a->until = coach_opt_value(ctx, "until");
	a->format = coach_opt_value(ctx, "format");
	a->output = coach_opt_value(ctx, "output");
}

static int
lookup(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

static void
join(struct coach_buf *b, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		coach_buf_printf(b, "%s%s", i ? ", " : "", list[i]);
}

static struct coach_error *
read_opts(struct coach_ctx *ctx, const struct report_args *a,
	struct coach_report_opts *o, int *fmt)
{
	struct coach_error *err;
	struct coach_buf b = COACH_BUF_INIT;
	int i;
	memset(o, 0, sizeof(*o));
	o->today = coach_date_today();
	if (a->by && (i = lookup(coach_report_bys, a->by)) < 0) {
		join(&b, coach_report_bys);
		err = coach_usage(ctx, "--by must be one of %s, not '%s'",
		    coach_buf_str(&b), a->by);
		coach_buf_free(&b);
		return err;
	}
	o->by = a->by ? (enum coach_report_by)i : COACH_BY_SCHOOL;
	if (a->format && (*fmt = lookup(formats, a->format)) < 0) {
		join(&b, formats);
		err = coach_usage(ctx, "--format must be one of %s, not '%s'",
		    coach_buf_str(&b), a->format);
		coach_buf_free(&b);
		return err;
	}
	if (a->since && (err = coach_date_arg("--since", a->since, &o->since)))
		return err;
	if (a->until && (err = coach_date_arg("--until", a->until, &o->until)))
		return err;
	o->has_since = a->since != NULL;
	o->has_until = a->until != NULL;
	if (o->has_since && o->has_until && o->since > o->until)
		return coach_error_coded(COACH_E_INVALID, "--since %s is after "
		    "--until %s; swap them", a->since, a->until);
	return NULL;
}

/*
 * Figures as text
 */

/* The columns of CSV, text and Markdown, and each group's value. */
static size_t
columns(const struct coach_report *rep, const struct coach_report_group *g,
	struct coach_strlist *out)
{
	char n[32];
	size_t start = out->n;
#define COL(name, ...) do { \
	if (g == NULL) { \
		coach_strlist_add(out, name); \
	} else { \
		snprintf(n, sizeof(n), __VA_ARGS__); \
		coach_strlist_add(out, n); \
	} \
} while (0)
	for (size_t i = 0; coach_goal_statuses[i]; i++) {
		char name[48];
		snprintf(name, sizeof(name), "goals_%s", coach_goal_statuses[i]);
		COL(name, "%zu", g ? g->goals[i] : 0);
	}
	COL("goals_other", "%zu", g ? g->goals[COACH_REPORT_NSTATUS - 1] : 0);
	COL("goals_total", "%zu", g ? g->goals_total : 0);
	for (size_t i = 0; i < rep->nphases; i++) {
		char name[96];
		snprintf(name, sizeof(name), "cycles_%s", rep->phases[i]);
		COL(name, "%zu", g ? g->phases[i] : 0);
	}
	COL("cycles_open", "%zu", g ? g->cycles_open : 0);
	COL("cycles_completed", "%zu", g ? g->completed : 0);
	for (size_t i = 0; i < COACH_REPORT_NOUTCOME; i++) {
		char name[48];
		snprintf(name, sizeof(name), "outcome_%s",
		    coach_report_outcomes[i]);
		COL(name, "%zu", g ? g->outcomes[i] : 0);
	}
	COL("cycles_overdue", "%zu", g ? g->overdue : 0);
	if (g && !g->has_median)
		coach_strlist_add(out, "");
	else
		COL("median_cycle_days", "%.1f", g ? g->median_days : 0);
	for (size_t i = 0; coach_entry_kinds[i]; i++) {
		char name[48];
		snprintf(name, sizeof(name), "entries_%s", coach_entry_kinds[i]);
		COL(name, "%zu", g ? g->entries[i] : 0);
	}
	COL("entries_other", "%zu", g ? g->entries[COACH_REPORT_NKIND - 1] : 0);
	COL("entries_total", "%zu", g ? g->entries_total : 0);
	COL("meetings", "%zu", g ? g->meetings : 0);
	COL("cpd_hours", "%g", g ? g->cpd_hours : 0);
	COL("measured", "%zu", g ? g->measured : 0);
	if (g && !g->measured)
		coach_strlist_add(out, "");
	else
		COL("progress", "%.3f", g ? g->progress : 0);
#undef COL
	return out->n - start;
}

static void
csv_field(struct coach_buf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		coach_buf_puts(b, s);
		return;
	}
	coach_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			coach_buf_putc(b, '"');
		coach_buf_putc(b, *s);
	}
	coach_buf_putc(b, '"');
}

static void
csv_row(struct coach_buf *b, const char *key, const struct coach_strlist *c)
{
	csv_field(b, key);
	for (size_t i = 0; i < c->n; i++) {
		coach_buf_putc(b, ',');
		csv_field(b, c->v[i]);
	}
	coach_buf_puts(b, "\r\n");
}

static void
render_csv(const struct coach_report *rep, struct coach_buf *b)
{
	struct coach_strlist c = COACH_STRLIST_INIT;
	columns(rep, NULL, &c);
	csv_row(b, "key", &c);
	coach_strlist_free(&c);
	for (size_t i = 0; i < rep->ngroups; i++) {
		columns(rep, &rep->groups[i], &c);
		csv_row(b, rep->groups[i].key, &c);
		coach_strlist_free(&c);
	}
}

static void
md_cell(struct coach_buf *b, const char *s)
{
	coach_buf_puts(b, " ");
	for (; *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' ||
		    *s == '`' || *s == '<' || *s == '[')
			coach_buf_putc(b, '\\');
		coach_buf_putc(b, (*s == '\n' || *s == '\r') ? ' ' : *s);
	}
	coach_buf_puts(b, " |");
}

static void
render_markdown(const struct coach_report *rep, struct coach_buf *b)
{
	struct coach_strlist c = COACH_STRLIST_INIT;
	size_t n = columns(rep, NULL, &c);
	coach_buf_printf(b, "# Coaching report by %s\n\n|",
	    coach_report_bys[rep->by]);
	md_cell(b, coach_report_bys[rep->by]);
	for (size_t i = 0; i < n; i++)
		md_cell(b, c.v[i]);
	coach_buf_puts(b, "\n|");
	for (size_t i = 0; i <= n; i++)
		coach_buf_puts(b, i ? " ---: |" : " --- |");
	coach_buf_putc(b, '\n');
	coach_strlist_free(&c);
	for (size_t i = 0; i < rep->ngroups; i++) {
		coach_buf_putc(b, '|');
		md_cell(b, rep->groups[i].key);
		columns(rep, &rep->groups[i], &c);
		for (size_t k = 0; k < c.n; k++)
			md_cell(b, c.v[k]);
		coach_buf_putc(b, '\n');
		coach_strlist_free(&c);
	}
}

/*
 * JSON
 */

static void
json_rels(struct coach_json *j, const struct coach_report_group *g)
{
	char d[11];
	coach_json_key(j, "relationships");
	coach_json_arr_begin(j);
	for (size_t i = 0; i < g->nrels; i++) {
		const struct coach_report_rel *r = &g->rels[i];
		coach_json_obj_begin(j);
		coach_json_key(j, "coachee");
		coach_json_str(j, r->coachee);
		coach_json_key(j, "coaches");
		coach_json_str(j, r->coaches);
		coach_json_key(j, "cadence");
		coach_json_str(j, r->cadence);
		coach_json_key(j, "cadence_days");
		if (r->cadence_days >= 0)
			coach_json_int(j, r->cadence_days);
		else
			coach_json_null(j);
		coach_json_key(j, "last_met");
		if (r->has_met) {
			coach_date_format(r->last_met, d);
			coach_json_str(j, d);
		} else {
			coach_json_null(j);
		}
		coach_json_key(j, "days_since");
		if (r->has_met)
			coach_json_int(j, r->days);
		else
			coach_json_null(j);
		coach_json_key(j, "late");
		coach_json_bool(j, r->late);
		coach_json_obj_end(j);
	}
	coach_json_arr_end(j);
}

static void
json_counts(struct coach_json *j, const char *key, const char *const *names,
	const size_t *v, size_t total)
{
	coach_json_key(j, key);
	coach_json_obj_begin(j);
	size_t i = 0;
	for (; names[i]; i++) {
		coach_json_key(j, names[i]);
		coach_json_int(j, (long long)v[i]);
	}
	coach_json_key(j, "other");
	coach_json_int(j, (long long)v[i]);
	coach_json_key(j, "total");
	coach_json_int(j, (long long)total);
	coach_json_obj_end(j);
}

static void
json_cycles(struct coach_json *j, const struct coach_report *rep,
	const struct coach_report_group *g)
{
	coach_json_key(j, "cycles");
	coach_json_obj_begin(j);
	coach_json_key(j, "phases");
	coach_json_obj_begin(j);
	for (size_t i = 0; i < rep->nphases; i++) {
		coach_json_key(j, rep->phases[i]);
		coach_json_int(j, (long long)g->phases[i]);
	}
	coach_json_obj_end(j);
	coach_json_key(j, "open");
	coach_json_int(j, (long long)g->cycles_open);
	coach_json_key(j, "completed");
	coach_json_obj_begin(j);
	coach_json_key(j, "total");
	coach_json_int(j, (long long)g->completed);
	for (size_t i = 0; i < COACH_REPORT_NOUTCOME; i++) {
		coach_json_key(j, coach_report_outcomes[i]);
		coach_json_int(j, (long long)g->outcomes[i]);
	}
	coach_json_obj_end(j);
	coach_json_key(j, "overdue");
	coach_json_int(j, (long long)g->overdue);
	coach_json_key(j, "median_days");
	if (g->has_median)
		coach_json_num(j, g->median_days);
	else
		coach_json_null(j);
	coach_json_obj_end(j);
}

static void
json_group(struct coach_json *j, const struct coach_report *rep,
	const struct coach_report_group *g)
{
	coach_json_obj_begin(j);
	coach_json_key(j, "key");
	coach_json_str(j, g->key);
	json_counts(j, "goals", coach_goal_statuses, g->goals, g->goals_total);
	json_cycles(j, rep, g);
	json_counts(j, "entries", coach_entry_kinds, g->entries,
	    g->entries_total);
	coach_json_key(j, "meetings");
	coach_json_int(j, (long long)g->meetings);
	coach_json_key(j, "cpd_hours");
	coach_json_num(j, g->cpd_hours);
	coach_json_key(j, "impact");
	coach_json_obj_begin(j);
	coach_json_key(j, "measured");
	coach_json_int(j, (long long)g->measured);
	coach_json_key(j, "progress");
	if (g->measured)
		coach_json_num(j, g->progress);
	else
		coach_json_null(j);
	coach_json_obj_end(j);
	if (rep->by == COACH_BY_PERSON || rep->by == COACH_BY_COACH)
		json_rels(j, g);
	coach_json_obj_end(j);
}

static void
json_day(struct coach_json *j, const char *key, int has, coach_day d)
{
	char s[11];
	coach_json_key(j, key);
	if (!has) {
		coach_json_null(j);
		return;
	}
	coach_date_format(d, s);
	coach_json_str(j, s);
}

/* A trust's report: its name and the schools counted. */
struct trust_info {
	const char *name;
	struct coach_report_school *schools;
	size_t n;
};

static void
render_json(const struct coach_report *rep, const struct coach_report_opts *o,
	const struct trust_info *ti, struct coach_buf *b)
{
	struct coach_json j;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	coach_json_init(&j, b, 1);
	coach_json_obj_begin(&j);
	coach_json_key(&j, "generated");
	coach_json_str(&j, now);
	coach_json_key(&j, "by");
	coach_json_str(&j, coach_report_bys[rep->by]);
	json_day(&j, "since", o->has_since, o->since);
	json_day(&j, "until", o->has_until, o->until);
	if (ti) {
		coach_json_key(&j, "trust");
		coach_json_str(&j, ti->name);
		coach_json_key(&j, "schools");
		coach_json_arr_begin(&j);
		for (size_t i = 0; i < ti->n; i++)
			coach_json_str(&j, ti->schools[i].name);
		coach_json_arr_end(&j);
	}
	coach_json_key(&j, "groups");
	coach_json_arr_begin(&j);
	for (size_t i = 0; i < rep->ngroups; i++)
		json_group(&j, rep, &rep->groups[i]);
	coach_json_arr_end(&j);
	coach_json_key(&j, "left_out");
	coach_json_arr_begin(&j);
	for (size_t i = 0; i < rep->problems.n; i++)
		coach_json_str(&j, rep->problems.v[i].path);
	coach_json_arr_end(&j);
	coach_json_obj_end(&j);
	coach_buf_putc(b, '\n');
}

/*
 * Text
 */

static void
bar(struct coach_buf *b, double p, int width)
{
	int full = (int)lround(coach_report_clamp(p) * width);
	for (int i = 0; i < width; i++)
		coach_buf_puts(b, i < full ? "\u2588" : "\u2591");
}

static void
pad(struct coach_buf *b, const char *s, size_t w, int right)
{
	size_t n = coach_text_width(s);
	if (right)
		for (; n < w; n++)
			coach_buf_putc(b, ' ');
	coach_buf_puts(b, s);
	if (!right)
		for (; n < w; n++)
			coach_buf_putc(b, ' ');
}

static void
text_rels(struct coach_buf *b, const struct coach_report_group *g)
{
	for (size_t i = 0; i < g->nrels; i++) {
		const struct coach_report_rel *r = &g->rels[i];
		struct coach_buf line = COACH_BUF_INIT;
		coach_buf_printf(&line, "  %s (coach %s): ", r->coachee,
		    *r->coaches ? r->coaches : "none");
		if (r->has_met)
			coach_buf_printf(&line, "last met %ld days ago",
			    r->days);
		else
			coach_buf_puts(&line, "never met");
		coach_buf_printf(&line, ", cadence %s%s",
		    r->cadence ? r->cadence : "not agreed",
		    r->late ? " - overdue" : "");
		coach_term_line(b, coach_buf_str(&line));
		coach_buf_putc(b, '\n');
		coach_buf_free(&line);
	}
}

/* The columns text shows, a selection of the CSV's. */
static const char *const text_cols[] = {
	"goals_total", "goals_active", "goals_achieved", "cycles_open",
	"cycles_completed", "cycles_overdue", "median_cycle_days",
	"meetings", "cpd_hours", "measured", "progress", NULL,
};
static const char *const text_heads[] = {
	"GOALS", "ACTIVE", "ACHIEVED", "OPEN", "DONE", "OVERDUE", "MEDIAN",
	"MEETINGS", "CPD", "MEASURED", "PROGRESS", NULL,
};

static void
render_text(const struct coach_report *rep, int bars, struct coach_buf *b)
{
	struct coach_strlist names = COACH_STRLIST_INIT;
	size_t n = columns(rep, NULL, &names), nt = 0;
	size_t idx[16], w[17];
	struct coach_buf key = COACH_BUF_INIT;
	for (; text_cols[nt]; nt++) {
		idx[nt] = 0;
		for (size_t i = 0; i < n; i++)
			if (strcmp(names.v[i], text_cols[nt]) == 0)
				idx[nt] = i;
		w[nt + 1] = strlen(text_heads[nt]);
	}
	w[0] = strlen(coach_report_bys[rep->by]);
	struct coach_strlist *rows = coach_xcalloc(rep->ngroups + 1,
	    sizeof(*rows));
	for (size_t g = 0; g < rep->ngroups; g++) {
		coach_buf_clear(&key);
		coach_term_safe(&key, rep->groups[g].key);
		coach_strlist_add(&rows[g], coach_buf_str(&key));
		columns(rep, &rep->groups[g], &names);
		for (size_t c = 0; c < nt; c++)
			coach_strlist_add(&rows[g], names.v[n + idx[c]]);
		while (names.n > n) /* drop this group's values */
			free(names.v[--names.n]);
		for (size_t c = 0; c <= nt; c++) {
			size_t cw = coach_text_width(rows[g].v[c]);
			if (cw > w[c])
				w[c] = cw;
		}
	}
	char head[32];
	snprintf(head, sizeof(head), "%s", coach_report_bys[rep->by]);
	for (char *p = head; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	pad(b, head, w[0], 0);
	for (size_t c = 0; c < nt; c++) {
		coach_buf_puts(b, "  ");
		pad(b, text_heads[c], w[c + 1], 1);
	}
	coach_buf_putc(b, '\n');
	for (size_t g = 0; g < rep->ngroups; g++) {
		pad(b, rows[g].v[0], w[0], 0);
		for (size_t c = 0; c < nt; c++) {
			coach_buf_puts(b, "  ");
			pad(b, rows[g].v[c + 1], w[c + 1], 1);
		}
		if (bars && rep->groups[g].measured) {
			coach_buf_puts(b, "  ");
			bar(b, rep->groups[g].progress, 10);
		}
		coach_buf_putc(b, '\n');
		text_rels(b, &rep->groups[g]);
		coach_strlist_free(&rows[g]);
	}
	if (rep->ngroups == 0)
		coach_buf_puts(b, "(no records)\n");
	free(rows);
	coach_buf_free(&key);
	coach_strlist_free(&names);
}

static struct coach_error *
people_refused(enum coach_report_by by, const char *school)
{
	return coach_error_coded(COACH_E_INVALID, "report --by %s lists "
	    "people by name, and %s%scoach.yml says 'privacy: {individual: "
	    "false}': report by subject, phase, priority, strategy or school "
	    "instead", coach_report_bys[by], school ? school : "",
	    school ? "'s " : "");
}

/* The report across the schools a trust workspace pulled. */
static struct coach_error *
build_trust(struct coach_ctx *ctx, const struct coach_report_opts *o,
	struct coach_report *rep, struct trust_info *ti,
	struct coach_trust **t)
{
	struct coach_problems missing = COACH_PROBLEMS_INIT;
	struct coach_report_school *sc = NULL;
	struct coach_error *err;
	size_t n = 0;
	if ((err = coach_trust_open(t, ctx->dir)) ||
	    (err = coach_trust_load(*t, &sc, &n, &missing)))
		goto done;
	for (size_t i = 0; i < n && (o->by == COACH_BY_PERSON ||
	    o->by == COACH_BY_COACH); i++)
		if (!coach_report_config_individual(sc[i].config)) {
			err = people_refused(o->by, sc[i].name);
			goto done;
		}
	coach_report_build_trust(sc, n, o, rep);
	coach_problems_move(&rep->problems, &missing);
	ti->name = coach_trust_name(*t);
	ti->schools = sc;
	ti->n = n;
	sc = NULL;
	n = 0;
done:
	for (size_t i = 0; i < n; i++)
		coach_report_school_free(&sc[i]);
	free(sc);
	coach_problems_free(&missing);
	return err;
}

static struct coach_error *
report_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	struct report_args a = { 0 };
	struct coach_report_opts o;
	struct coach_report rep;
	struct coach_buf out = COACH_BUF_INIT;
	struct coach_error *err;
	struct coach_trust *t = NULL;
	struct trust_info ti = { 0 };
	int fmt = FMT_TEXT, trust = coach_opt_given(ctx, "trust");
	memset(&rep, 0, sizeof(rep));
	(void)argc;
	(void)argv;
	read_args(ctx, &a);
	if ((err = read_opts(ctx, &a, &o, &fmt)))
		return err;
	if (trust) {
		if ((err = build_trust(ctx, &o, &rep, &ti, &t)))
			goto done;
	} else {
		if ((err = coach_repo_open(&ctx->repo, ctx->dir)))
			return err;
		if ((o.by == COACH_BY_PERSON || o.by == COACH_BY_COACH) &&
		    !coach_report_individual_allowed(ctx->repo))
			return people_refused(o.by, NULL);
		if ((err = coach_report_build(ctx->repo, &o, &rep)))
			goto done;
	}
	coach_warn_problems(&rep.problems);
	switch (fmt) {
	case FMT_JSON: render_json(&rep, &o, trust ? &ti : NULL, &out); break;
	case FMT_CSV: render_csv(&rep, &out); break;
	case FMT_MARKDOWN: render_markdown(&rep, &out); break;
	case FMT_HTML: coach_report_html(&rep, &o, &out); break;
	default:
		render_text(&rep, a.output == NULL && isatty(1), &out);
		break;
	}
	if (a.output)
		err = coach_write_file(a.output, out.ptr ? out.ptr : "",
		    out.len);
	else {
		/* CSV's lines end in CR LF, which the terminal sink would
		 * show as '?': to a pipe the bytes go as they are. */
		int raw = fmt == FMT_CSV && !isatty(1);
		if (raw)
			coach_sink_raw(1);
		coach_out(out.ptr ? out.ptr : "", out.len);
		if (raw)
			coach_sink_raw(0);
	}
done:
	for (size_t i = 0; i < ti.n; i++)
		coach_report_school_free(&ti.schools[i]);
	free(ti.schools);
	coach_trust_close(t);
	coach_buf_free(&out);
	coach_report_free(&rep);
	return err;
}

static const struct coach_opt report_opts[] = {
	{ "by", 0, COACH_OPT_VALUE,
	  "person|coach|subject|phase|priority|strategy|school",
	  "the groups (default school)" },
	{ "since", 0, COACH_OPT_VALUE, "DATE", "count what happened on or "
	    "after DATE" },
	{ "until", 0, COACH_OPT_VALUE, "DATE", "count what happened on or "
	    "before DATE; goals as they stood then" },
	{ "format", 0, COACH_OPT_VALUE, "text|json|csv|markdown|html",
	  "the format (default text)" },
	{ "output", 'o', COACH_OPT_VALUE, "FILE", "write to FILE" },
	{ "trust", 0, 0, NULL, "across every school a trust workspace "
	  "pulled (coach trust pull)" },
	{ 0 },
};

static const struct coach_form report_forms[] = {
	{ .usage = "[--by person|coach|subject|phase|priority|strategy|school] "
	    "[--since DATE] [--until DATE] "
	    "[--format text|json|csv|markdown|html] [-o FILE] [--trust]",
	  .opts = report_opts, .max = 0,
	  .extra = "report takes options only",
	  .exec = report_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_report = {
	.name = "report",
	.summary = "goals, cycles and impact per group, without anyone's words",
	/* The repository is opened by report itself: --trust reads a
	 * trust's workspace instead. */
	.flags = COACH_CMD_LOCAL,
	.forms = report_forms,
};
