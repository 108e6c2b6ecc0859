/*
 * keys.h: where the keys of sealed entries live.
 *
 * A member of staff's secret key is a file on their own computer,
 * $XDG_CONFIG_HOME/coach/secret-key (~/.config/coach/secret-key when
 * XDG_CONFIG_HOME is not set): never in a repository.  The file is the
 * key's recovery code (seal.h) under a few comment lines, so that a copy
 * of it, or of 'coach key export', restores it.  Like ssh, coach refuses
 * a key file that anyone but its owner can read or write.
 *
 * The public half is in the member of staff's record, key COACH_KEY_FIELD
 * (base64), where every writer of a sealed entry finds it.
 */
#ifndef COACH_KEYS_H
#define COACH_KEYS_H

#include "error.h"
#include "repo.h"
#include "seal.h"

#define COACH_KEY_FIELD "public_key"

/* The key file's path; an error when neither XDG_CONFIG_HOME nor HOME is
 * set.  The caller frees *out. */
struct coach_error *coach_key_file(char **out);

/*
 * The key pair of the key file.  Errors: COACH_E_NOTFOUND when there is no
 * key file (saying how to make or import one); COACH_E_INVALID when its
 * mode lets others read or write it, it is not the user's, or it holds no
 * valid key.
 */
struct coach_error *coach_key_load(struct coach_seal_keypair *out);

/*
 * Writes kp as the key file (mode 0600, its folder 0700), all at once:
 * never a half-written key.  An existing key file is never replaced
 * (COACH_E_CONFLICT).
 */
struct coach_error *coach_key_save(const struct coach_seal_keypair *kp);

/*
 * The public key in handle's staff record: *has is 0 when the record has
 * none.  A value that is not a key is an error (COACH_E_INVALID) naming
 * the record.
 */
struct coach_error *coach_key_of(struct coach_repo *r, const char *handle,
	unsigned char pk[COACH_SEAL_KEY_BYTES], int *has);

#endif
