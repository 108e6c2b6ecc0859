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
 *   one id): ours is kept, theirs' whole file goes into the body between
 *   markers after ours' body (in the body, so that it never reaches a
 *   summary without bodies), with a conflicts item and a note; other
 *   records merge key by key as if the base were empty.
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
 * removed the key or deleted the record) or markers: true (both texts, or
 * both records, are in the body between markers).
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
#include "record.h"
#include "util.h"

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

/*
 * Whether text[0..len) reads as what path is: a record for ".md", a YAML
 * mapping for ".yml"; 0 for other paths.  A merge whose conflicts all went
 * under conflicts: gives such a text; one left with markers outside a
 * record's body does not.
 */
int coach_merge_readable(const char *path, const char *text, size_t len);

/* How coach_merge_resolve() settles a key's conflicts. */
enum coach_resolve_how {
	COACH_RESOLVE_KEEP,  /* the record's value (or text) as it is */
	COACH_RESOLVE_SET,   /* the value given */
	COACH_RESOLVE_OTHER, /* the one value under conflicts: */
};

/*
 * Settles the conflicts of key in rec (a front-matter key, "body" or
 * "record"): sets the key as how says and removes its conflicts items (and
 * the conflicts key once it is empty).  value (for COACH_RESOLVE_SET) is
 * read as YAML, as if written after "key: " in the file ("achieved", "8",
 * "[a, b]"); text that does not read as YAML is a string.  Fails, changing
 * nothing, with COACH_E_NOTFOUND when key has no conflicts item,
 * COACH_E_CONFLICT when the body still has conflict markers (keep) or the
 * other side has several values (other), and COACH_E_USAGE when a value is
 * given for the body or the record (edit the text with coach edit).
 */
struct coach_error *coach_merge_resolve(struct coach_record *rec,
	const char *key, enum coach_resolve_how how, const char *value);

/*
 * For coach edit: when the record text[0..len) has conflicts items for its
 * body (or record) with markers: true and its body has no conflict markers
 * left,
 * *out receives the text without those items (and without the conflicts
 * key once it is empty) and 1 is returned; otherwise 0 (out untouched).
 */
int coach_merge_clear_body(const char *path, const char *text, size_t len,
	struct coach_buf *out);

#endif
