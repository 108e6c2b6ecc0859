/*
 * secret.h: where the plain text of a sealed entry may be while a command
 * works on it.
 *
 * Only in one file, mode 0600, in a folder of its own (mode 0700) under
 * $XDG_RUNTIME_DIR (a tmpfs only the user can read, emptied at logout),
 * else under /tmp: never in the repository or its .git, where a draft of
 * an ordinary record lives.  The file and its folder are removed when the
 * command ends, whether it succeeded or failed, and also when it is ended
 * by SIGINT, SIGTERM or SIGHUP.  One at a time per process.
 */
#ifndef COACH_SECRET_H
#define COACH_SECRET_H

#include <stddef.h>

#include "../lib/error.h"

/*
 * Makes the folder and an empty file named name in it; *path (the
 * caller frees it) is the file's path.
 */
struct coach_error *coach_secret_draft_new(const char *name, char **path);
/* Removes the file and its folder (nothing when there are none). */
void coach_secret_draft_remove(void);

#endif
