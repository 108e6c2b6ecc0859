/*
 * merge_driver.c: "coach merge-driver BASE OURS THEIRS PATH", the merge
 * driver git runs for records (.gitattributes "merge=coach", set up by
 * init and the first sync: see coach(5), MERGING).  Not listed in help:
 * git runs it, people do not.
 *
 * git's contract: merge the three files, write the result over OURS, exit
 * 0 when the merge is clean and non-zero when the file is left conflicted.
 * A record whose conflicts went under its conflicts: key (and body
 * markers) is a valid, merged record, so that is exit 0: git commits the
 * merge and coach check reports the conflicts until coach resolve or edit
 * clears them, as after coach sync.  Only a file that could not be merged
 * as a record (it does not parse, and both sides changed the same lines)
 * is left with markers and exit 1, for git's usual conflict resolution.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "common.h"
#include "../lib/merge.h"
#include "../lib/record.h"

/* A file git hands over; an empty ancestor (git's for add/add) is none. */
static struct coach_error *
read_side(const char *path, struct coach_buf *out, int *present)
{
	struct coach_error *err = coach_read_file(out, path,
	    COACH_RECORD_MAX_BYTES * 4);
	*present = err == NULL && out->len > 0;
	return err;
}

static struct coach_error *
driver_exec(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_buf b = COACH_BUF_INIT, o = COACH_BUF_INIT,
	    t = COACH_BUF_INIT;
	struct coach_merge_result r = { 0 };
	struct coach_error *err;
	int hb, ho, ht;
	(void)ctx;
	(void)argc;
	const char *path = argv[4];
	if ((err = read_side(argv[1], &b, &hb)) ||
	    (err = read_side(argv[2], &o, &ho)) ||
	    (err = read_side(argv[3], &t, &ht)))
		goto done;
	/* git gives files for both sides: an empty one is an empty file. */
	if ((err = coach_merge_record(path, hb ? b.ptr : NULL, b.len,
	    o.ptr ? o.ptr : "", o.len, t.ptr ? t.ptr : "", t.len, &r)))
		goto done;
	if ((err = coach_write_file(argv[2], r.text ? r.text : "", r.len)))
		goto done;
	for (size_t i = 0; i < r.nnotes; i++)
		fprintf(stderr, "coach: %s\n", r.notes[i]);
	if (r.conflicts > 0 && !coach_merge_readable(path, r.text, r.len))
		err = coach_error_coded(COACH_E_CONFLICT, "%s: left with "
		    "<<<<<<< and >>>>>>> lines for you to merge by hand; then "
		    "git add it", path);
	else if (r.conflicts > 0)
		fprintf(stderr, "coach: %s: merged, with %zu conflict%s kept "
		    "in the record: see coach check, then coach resolve\n",
		    path, r.conflicts, r.conflicts == 1 ? "" : "s");
done:
	(void)ho;
	(void)ht;
	coach_merge_result_free(&r);
	coach_buf_free(&b);
	coach_buf_free(&o);
	coach_buf_free(&t);
	return err;
}

/* Whether "coach" from the PATH is this very program. */
static int
on_path(const char *self)
{
	const char *path = getenv("PATH");
	char *copy = coach_xstrdup(path ? path : ""), *save = NULL;
	int found = 0;
	for (char *dir = strtok_r(copy, ":", &save); dir && !found;
	    dir = strtok_r(NULL, ":", &save)) {
		char *cand = coach_path_join(*dir ? dir : ".", "coach");
		char *real = realpath(cand, NULL);
		if (access(cand, X_OK) == 0) {
			found = real && strcmp(real, self) == 0;
			free(cand);
			free(real);
			break; /* the first coach on the PATH is the one run */
		}
		free(cand);
		free(real);
	}
	free(copy);
	return found;
}

char *
coach_self_program(void)
{
	char *self = realpath("/proc/self/exe", NULL);
	if (self == NULL || on_path(self)) {
		free(self);
		return coach_xstrdup("coach");
	}
	return self;
}

static const struct coach_form driver_forms[] = {
	{ .usage = "BASE OURS THEIRS PATH", .min = 4, .max = 4,
	  .need = "git's %O %A %B %P", .extra = "git gives four files",
	  .exec = driver_exec },
	{ 0 },
};

const struct coach_cmd coach_cmd_merge_driver = {
	.name = "merge-driver",
	.summary = "merge one record for git (git runs it)",
	.flags = COACH_CMD_HIDDEN,
	.forms = driver_forms,
};
