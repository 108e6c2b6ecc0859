/*
 * report_html.c: the report as one page a head teacher can read on a
 * phone or print on A4.  Charts are inline SVG with a viewBox, so they
 * scale to the page; there is no script, font or image to fetch.  Like
 * every format it prints only figures and the groups' keys.
 */
#include "report_html.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/model.h"

#define W 420      /* the charts' viewBox width */
#define LABEL 120  /* room for the group's key on the left */
#define ROW 26     /* one bar's height with its gap */

static const char *const status_colours[] = {
	"#2b7bba", "#3a9d5d", "#e0a526", "#b0b0b0", "#7d5ba6",
};
static const char *const phase_colours[] = {
	"#8ecae6", "#219ebc", "#126782", "#023047", "#ffb703", "#fb8500",
	"#8d99ae", "#6a994e", "#bc4749", "#a98467",
};

static void
esc(struct coach_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': coach_buf_puts(b, "&amp;"); break;
		case '<': coach_buf_puts(b, "&lt;"); break;
		case '>': coach_buf_puts(b, "&gt;"); break;
		case '"': coach_buf_puts(b, "&quot;"); break;
		case '\'': coach_buf_puts(b, "&#39;"); break;
		default:
			if ((unsigned char)*s < 0x20)
				coach_buf_putc(b, ' ');
			else
				coach_buf_putc(b, *s);
		}
	}
}

static const char css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
	"margin:0 auto;max-width:60rem;padding:1rem;color:#222;"
	"line-height:1.4}"
	"h1{font-size:1.5rem;margin:0 0 .25rem}"
	"h2{font-size:1.15rem;margin:1.5rem 0 .5rem}"
	"p.meta{color:#555;margin:0 0 1rem}"
	"section{break-inside:avoid;page-break-inside:avoid}"
	"svg.chart{width:100%;max-width:36rem;height:auto;display:block}"
	"svg text{font-size:14px;fill:#222}"
	".legend span{display:inline-block;margin-right:1rem;"
	"font-size:.85rem}"
	".legend i{display:inline-block;width:.8rem;height:.8rem;"
	"margin-right:.3rem;vertical-align:middle}"
	".scroll{overflow-x:auto}"
	"table{border-collapse:collapse;font-size:.85rem}"
	"th,td{border:1px solid #ccc;padding:.2rem .4rem;text-align:right}"
	"th:first-child,td:first-child{text-align:left}"
	"@media print{body{max-width:none;padding:0}"
	".scroll{overflow:visible}table{font-size:.7rem}}"
	"@page{size:A4;margin:15mm}";

static void
legend(struct coach_buf *b, const char *const *names, size_t n,
	const char *const *colours, size_t ncolours)
{
	coach_buf_puts(b, "<p class=\"legend\">");
	for (size_t i = 0; i < n; i++) {
		coach_buf_printf(b, "<span><i style=\"background:%s\"></i>",
		    colours[i % ncolours]);
		esc(b, names[i]);
		coach_buf_puts(b, "</span>");
	}
	coach_buf_puts(b, "</p>\n");
}

static void
svg_begin(struct coach_buf *b, const char *id, const char *title, size_t rows)
{
	size_t h = rows * ROW + 10;
	coach_buf_printf(b, "<svg class=\"chart\" id=\"%s\" role=\"img\" "
	    "viewBox=\"0 0 %d %zu\" width=\"%d\" height=\"%zu\" "
	    "xmlns=\"http://www.w3.org/2000/svg\"><title>%s</title>\n",
	    id, W, h, W, h, title);
}

static void
row_label(struct coach_buf *b, size_t row, const char *key)
{
	coach_buf_printf(b, "<text x=\"0\" y=\"%zu\">", row * ROW + 18);
	/* Long keys are cut so that they stay left of the bars. */
	char cut[16];
	snprintf(cut, sizeof(cut), "%s", key);
	esc(b, cut);
	if (strlen(key) >= sizeof(cut))
		coach_buf_puts(b, "\u2026");
	coach_buf_puts(b, "</text>\n");
}

/* A stacked bar of counts v[0..n) scaled so that max fills the width. */
static void
stacked(struct coach_buf *b, size_t row, const size_t *v, size_t n,
	size_t max, const char *const *colours, size_t ncolours,
	const char *const *names)
{
	double x = LABEL, span = W - LABEL - 40;
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		total += v[i];
		if (v[i] == 0 || max == 0)
			continue;
		double w = span * (double)v[i] / (double)max;
		coach_buf_printf(b, "<rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" "
		    "height=\"%d\" fill=\"%s\"><title>", x, row * ROW + 4, w,
		    ROW - 8, colours[i % ncolours]);
		esc(b, names[i]);
		coach_buf_printf(b, ": %zu</title></rect>\n", v[i]);
		x += w;
	}
	coach_buf_printf(b, "<text x=\"%.1f\" y=\"%zu\">%zu</text>\n", x + 4,
	    row * ROW + 18, total);
}

static void
chart_goals(struct coach_buf *b, const struct coach_report *rep)
{
	static const char *const names[] = {
		"active", "achieved", "paused", "dropped", "other",
	};
	size_t max = 0;
	for (size_t g = 0; g < rep->ngroups; g++)
		if (rep->groups[g].goals_total > max)
			max = rep->groups[g].goals_total;
	coach_buf_puts(b, "<section><h2>Goals by status</h2>\n");
	legend(b, names, 5, status_colours, 5);
	svg_begin(b, "goals", "Goals by status", rep->ngroups);
	for (size_t g = 0; g < rep->ngroups; g++) {
		row_label(b, g, rep->groups[g].key);
		stacked(b, g, rep->groups[g].goals, COACH_REPORT_NSTATUS, max,
		    status_colours, 5, names);
	}
	coach_buf_puts(b, "</svg></section>\n");
}

/* Open cycles by phase, then the completed ones, per group. */
static void
chart_cycles(struct coach_buf *b, const struct coach_report *rep)
{
	size_t n = rep->nphases + 1, max = 0;
	size_t ncol = sizeof(phase_colours) / sizeof(*phase_colours);
	const char **names = coach_xcalloc(n, sizeof(*names));
	size_t *v = coach_xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < rep->nphases; i++)
		names[i] = rep->phases[i];
	names[n - 1] = "completed";
	for (size_t g = 0; g < rep->ngroups; g++) {
		size_t t = rep->groups[g].cycles_open + rep->groups[g].completed;
		if (t > max)
			max = t;
	}
	coach_buf_puts(b, "<section><h2>Cycle progression</h2>\n"
	    "<p>Open cycles by phase, then cycles completed.</p>\n");
	legend(b, names, n, phase_colours, ncol);
	svg_begin(b, "cycles", "Cycle progression", rep->ngroups);
	for (size_t g = 0; g < rep->ngroups; g++) {
		const struct coach_report_group *gr = &rep->groups[g];
		memcpy(v, gr->phases, rep->nphases * sizeof(*v));
		v[n - 1] = gr->completed;
		row_label(b, g, gr->key);
		stacked(b, g, v, n, max, phase_colours, ncol, names);
	}
	coach_buf_puts(b, "</svg></section>\n");
	free(v);
	free(names);
}

static void
chart_impact(struct coach_buf *b, const struct coach_report *rep)
{
	double span = W - LABEL - 60;
	coach_buf_puts(b, "<section><h2>Impact</h2>\n<p>Mean progress of "
	    "measured goals from baseline to target.</p>\n");
	svg_begin(b, "impact", "Impact", rep->ngroups);
	for (size_t g = 0; g < rep->ngroups; g++) {
		const struct coach_report_group *gr = &rep->groups[g];
		size_t y = g * ROW + 4;
		row_label(b, g, gr->key);
		coach_buf_printf(b, "<rect x=\"%d\" y=\"%zu\" width=\"%.1f\" "
		    "height=\"%d\" fill=\"#e6e6e6\"/>\n", LABEL, y, span,
		    ROW - 8);
		if (gr->measured == 0) {
			coach_buf_printf(b, "<text x=\"%d\" y=\"%zu\">no "
			    "measured goal</text>\n", LABEL + 6, y + 14);
			continue;
		}
		double p = coach_report_clamp(gr->progress);
		coach_buf_printf(b, "<rect class=\"bar\" x=\"%d\" y=\"%zu\" "
		    "width=\"%.1f\" height=\"%d\" fill=\"#3a9d5d\"><title>"
		    "%zu measured</title></rect>\n", LABEL, y,
		    fmax(span * p, 1), ROW - 8, gr->measured);
		coach_buf_printf(b, "<text x=\"%.1f\" y=\"%zu\">%.0f%%</text>\n",
		    LABEL + span + 4, y + 14, p * 100);
	}
	coach_buf_puts(b, "</svg></section>\n");
}

static void
chart_cpd(struct coach_buf *b, const struct coach_report *rep)
{
	double max = 0, span = W - LABEL - 60;
	for (size_t g = 0; g < rep->ngroups; g++)
		max = fmax(max, rep->groups[g].cpd_hours);
	coach_buf_puts(b, "<section><h2>CPD hours</h2>\n");
	svg_begin(b, "cpd", "CPD hours", rep->ngroups);
	for (size_t g = 0; g < rep->ngroups; g++) {
		const struct coach_report_group *gr = &rep->groups[g];
		double w = max > 0 ? span * gr->cpd_hours / max : 0;
		row_label(b, g, gr->key);
		if (w > 0)
			coach_buf_printf(b, "<rect x=\"%d\" y=\"%zu\" "
			    "width=\"%.1f\" height=\"%d\" fill=\"#2b7bba\"/>\n",
			    LABEL, g * ROW + 4, w, ROW - 8);
		coach_buf_printf(b, "<text x=\"%.1f\" y=\"%zu\">%g</text>\n",
		    LABEL + w + 4, g * ROW + 18, gr->cpd_hours);
	}
	coach_buf_puts(b, "</svg></section>\n");
}

static void
figures(struct coach_buf *b, const struct coach_report *rep)
{
	coach_buf_puts(b, "<section><h2>Figures</h2><div class=\"scroll\">"
	    "<table><thead><tr><th>");
	esc(b, coach_report_bys[rep->by]);
	coach_buf_puts(b, "</th><th>Goals</th><th>Active</th><th>Achieved"
	    "</th><th>Open cycles</th><th>Completed</th><th>Overdue</th>"
	    "<th>Median days</th><th>Meetings</th><th>CPD hours</th>"
	    "<th>Measured</th><th>Progress</th></tr></thead><tbody>\n");
	for (size_t g = 0; g < rep->ngroups; g++) {
		const struct coach_report_group *gr = &rep->groups[g];
		coach_buf_puts(b, "<tr><td>");
		esc(b, gr->key);
		coach_buf_printf(b, "</td><td>%zu</td><td>%zu</td><td>%zu</td>"
		    "<td>%zu</td><td>%zu</td><td>%zu</td>", gr->goals_total,
		    gr->goals[0], gr->goals[1], gr->cycles_open, gr->completed,
		    gr->overdue);
		if (gr->has_median)
			coach_buf_printf(b, "<td>%.1f</td>", gr->median_days);
		else
			coach_buf_puts(b, "<td></td>");
		coach_buf_printf(b, "<td>%zu</td><td>%g</td><td>%zu</td>",
		    gr->meetings, gr->cpd_hours, gr->measured);
		if (gr->measured)
			coach_buf_printf(b, "<td>%.0f%%</td></tr>\n",
			    gr->progress * 100);
		else
			coach_buf_puts(b, "<td></td></tr>\n");
	}
	coach_buf_puts(b, "</tbody></table></div></section>\n");
}

void
coach_report_html(const struct coach_report *rep,
	const struct coach_report_opts *o, struct coach_buf *b)
{
	char d[11];
	coach_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<title>Coaching report by %s</title>\n<style>%s</style>"
	    "</head>\n<body>\n<h1>Coaching report by %s</h1>\n"
	    "<p class=\"meta\">", coach_report_bys[rep->by], css,
	    coach_report_bys[rep->by]);
	coach_date_format(o->has_until ? o->until : o->today, d);
	if (o->has_since) {
		char s[11];
		coach_date_format(o->since, s);
		coach_buf_printf(b, "From %s to %s", s, d);
	} else {
		coach_buf_printf(b, "As of %s", d);
	}
	coach_buf_printf(b, "; %zu group%s.</p>\n", rep->ngroups,
	    rep->ngroups == 1 ? "" : "s");
	if (rep->ngroups == 0) {
		coach_buf_puts(b, "<p>No records.</p>\n</body></html>\n");
		return;
	}
	chart_goals(b, rep);
	chart_cycles(b, rep);
	chart_impact(b, rep);
	chart_cpd(b, rep);
	figures(b, rep);
	coach_buf_puts(b, "</body></html>\n");
}
