/*
 * merge_stub.c: a stand-in for the record merge until lib/merge.c lands:
 * keeps ours, appends theirs between markers.
 */
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "util.h"

struct coach_error *
coach_merge_record(const char *path, const char *base, size_t base_len,
	const char *ours, size_t ours_len, const char *theirs,
	size_t theirs_len, struct coach_merge_result *out)
{
	struct coach_buf b = COACH_BUF_INIT;
	(void)path;
	(void)base;
	(void)base_len;
	memset(out, 0, sizeof(*out));
	if (ours == NULL && theirs == NULL)
		return NULL;
	if (ours != NULL)
		coach_buf_add(&b, ours, ours_len);
	if (theirs != NULL && ours != NULL) {
		coach_buf_puts(&b, "\n<<<<<<< theirs\n");
		out->conflicts = 1;
	}
	if (theirs != NULL)
		coach_buf_add(&b, theirs, theirs_len);
	if (theirs != NULL && ours != NULL)
		coach_buf_puts(&b, "\n>>>>>>> theirs\n");
	out->len = b.len;
	out->text = coach_buf_detach(&b);
	return NULL;
}

void
coach_merge_result_free(struct coach_merge_result *r)
{
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r->text);
	memset(r, 0, sizeof(*r));
}
