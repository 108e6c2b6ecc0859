/*
 * merge.h: one record merged three ways, key by key.
 *
 * coach_merge_record() merges ours and theirs against their common
 * ancestor base, for sync and for the git merge driver.  It is pure: it
 * reads and writes text only.  coach(5), section MERGING, is the user's
 * description; in short:
 *
 * - A record present on one side only is kept.  Added on both sides with
 *   the same text is one record.  Added on both sides with different texts:
 *   a goal, cycle or entry is an id collision (two different records with
 *   one id): ours is kept and theirs goes whole under conflicts, with a
 *   note; other records merge key by key as if the base were empty.
 * - Deleted on one side and changed on the other: the changed record is
 *   kept, with a conflicts item saying the other side removed it.  Deleted
 *   on one side and unchanged on the other: deleted (text NULL).
 * - Front-matter merges key by key against base: a key changed on one side
 *   takes that change; changed alike on both is fine.  Changed differently
 *   on both: lists merge as sets (items either side added, without the
 *   items either side removed; ours first, then theirs' new items; lists
 *   whose items all have a date, such as measurements, sorted by date),
 *   mappings merge key by key one level down, and anything else keeps
 *   ours and puts theirs under conflicts.  A key removed on one side and
 *   changed on the other keeps the change, with a conflicts item saying
 *   the other side removed it.
 * - The conflicts list itself merges as a set, so unresolved conflicts of
 *   either side stay, and one resolved on either side goes.
 * - Bodies merge line by line (diff3.h); overlapping changes keep both
 *   texts between markers in the body and add a conflicts item for the
 *   body.  A sealed body (one starting with COACH_MERGE_SEALED_BEGIN) is
 *   never merged line by line: when both sides changed it, ours stays the
 *   body and theirs goes whole under conflicts.
 * - Sides that do not parse (or a merge that would not read back) fall
 *   back to a line merge of the whole files, with markers where they
 *   conflict and a note; nothing of either side is dropped.
 *
 * Each conflicts item is a mapping: key (a front-matter key, "body" or
 * "record"), from ("ours" or "theirs": whose version is kept there rather
 * than in the record), and value (that version), removed: true (that side
 * removed the key or deleted the record) or markers: true (both texts are
 * in the body between markers).
 *
 * Paths ending in ".md" are records; other paths ending in ".yml" (coach.yml)
 * are YAML mappings without a body; any other path is merged as text.
 * The unchanged parts of ours are kept byte for byte (lib/frontmatter.h's
 * rewriter), except that a merged record is written with LF line endings
 * and without a BOM, as every record coach writes.
 */
#ifndef COACH_MERGE_H
#define COACH_MERGE_H

#include <stddef.h>

#include "error.h"

#define COACH_MERGE_SEALED_BEGIN "-----BEGIN COACH SEALED ENTRY-----"

struct coach_merge_result {
	/* The merged file, always produced (NUL-terminated), except that it
	 * is NULL (len 0) when the merge deletes the file: deleted on one
	 * side and unchanged on the other, or deleted on both. */
	char *text;
	size_t len;
	size_t conflicts;  /* values kept under conflicts: or body markers */
	char **notes;      /* one line each, for the user */
	size_t nnotes;
};

/*
 * Merges one file.  path (relative to the repository) says what kind of
 * file it is and names it in notes and errors; base, ours or theirs may be
 * NULL (the file is absent on that side).  Fills *out, which the caller
 * frees with coach_merge_result_free(), also on error.  Never fails on the
 * files' contents; an error (COACH_E_USAGE) only for a NULL path or out.
 */
struct coach_error *coach_merge_record(const char *path,
	const char *base, size_t base_len, const char *ours, size_t ours_len,
	const char *theirs, size_t theirs_len, struct coach_merge_result *out);

void coach_merge_result_free(struct coach_merge_result *r);

#endif
