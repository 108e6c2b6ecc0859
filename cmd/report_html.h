/*
 * report_html.h: "coach report --format html", one self-contained page.
 */
#ifndef COACH_REPORT_HTML_H
#define COACH_REPORT_HTML_H

#include "../lib/report.h"
#include "../lib/util.h"

/* Appends the page: inline CSS and SVG, nothing fetched, no script. */
void coach_report_html(const struct coach_report *rep,
	const struct coach_report_opts *o, struct coach_buf *out);

#endif
