/*
 * seal.h: sealed entry bodies, the one room of libsodium.
 *
 * A sealed body is encrypted with XChaCha20-Poly1305 (libsodium's
 * crypto_aead_xchacha20poly1305_ietf) under a random key made for that
 * body alone; the key is sealed to each reader's X25519 public key with
 * crypto_box_seal, so that each reader, and nobody else, can open it.
 * Nothing here is home-made: the constructions are libsodium's.
 *
 * The result is armoured as text, so that git diffs and merges stay text:
 *
 *     -----BEGIN COACH SEALED ENTRY-----
 *     Version: 1
 *     Entry: e3f9a1c0d2e4b
 *     Reader: alice 9f86d081884c7d65
 *     Reader: bob 2c26b46b68ffc68f
 *
 *     base64 lines of at most 76 characters
 *     -----END COACH SEALED ENTRY-----
 *
 * Each Reader line names a handle and the id of the key sealed to (the
 * first 8 bytes of BLAKE2b of the public key, in hex).  The base64 payload
 * holds, in the order of the Reader lines, each reader's sealed key (80
 * bytes), then the nonce (24 bytes), then the ciphertext with its tag.
 * The header lines (version, entry id, readers and key ids) are the
 * associated data: changing any of them, or moving the body to another
 * entry, makes opening fail.  The plain text is padded to a multiple of
 * COACH_SEAL_PAD bytes first, so that its length shows only roughly.
 *
 * Parsing never trusts its input: every length is checked, and a body of
 * any bytes gives either a parsed armour or an error (COACH_E_INVALID).
 */
#ifndef COACH_SEAL_H
#define COACH_SEAL_H

#include <stddef.h>

#include "error.h"
#include "util.h"

#define COACH_SEAL_BEGIN "-----BEGIN COACH SEALED ENTRY-----"
#define COACH_SEAL_END "-----END COACH SEALED ENTRY-----"
#define COACH_SEAL_KEY_BYTES 32     /* a public or a secret key */
#define COACH_SEAL_KEY_ID_LEN 16    /* hex digits of a key id */
#define COACH_SEAL_MAX_READERS 64
#define COACH_SEAL_PAD 256
#define COACH_SEAL_LINE 76          /* base64 characters a line */
/* The recovery code: 64 base32 characters in 16 groups of 4. */
#define COACH_SEAL_RECOVERY_MARK "COACH-SECRET-KEY-1"

/* A member of staff's key pair; sk is all zero when only pk is known. */
struct coach_seal_keypair {
	unsigned char pk[COACH_SEAL_KEY_BYTES];
	unsigned char sk[COACH_SEAL_KEY_BYTES];
};

/* A reader to seal to. */
struct coach_seal_reader {
	const char *handle;
	unsigned char pk[COACH_SEAL_KEY_BYTES];
};

/* Starts libsodium (once; cheap after the first call). */
struct coach_error *coach_seal_init(void);

/* A new random key pair. */
struct coach_error *coach_seal_keypair_new(struct coach_seal_keypair *out);
/* The pair of a secret key (its public half is computed). */
struct coach_error *coach_seal_keypair_from_secret(
	struct coach_seal_keypair *out,
	const unsigned char sk[COACH_SEAL_KEY_BYTES]);
/* Zeroes memory that held a secret, in a way the compiler keeps. */
void coach_seal_wipe(void *p, size_t len);

/* The key id of pk: COACH_SEAL_KEY_ID_LEN hex digits and a NUL. */
void coach_seal_key_id(const unsigned char pk[COACH_SEAL_KEY_BYTES],
	char out[COACH_SEAL_KEY_ID_LEN + 1]);

/* A public key as it is written in a staff record (base64), and back;
 * decoding refuses anything but exactly one key.  The caller frees. */
char *coach_seal_pk_encode(const unsigned char pk[COACH_SEAL_KEY_BYTES]);
struct coach_error *coach_seal_pk_decode(unsigned char pk[COACH_SEAL_KEY_BYTES],
	const char *text);

/*
 * The recovery code of a secret key: the line COACH_SEAL_RECOVERY_MARK,
 * then 64 characters of Crockford's base32 (the key and an 8-byte
 * checksum) in four lines of four groups of four, for a person to print,
 * copy or type.  Decoding reads the groups after the mark, ignoring case,
 * spaces and dashes and reading O as 0 and I or L as 1; a mistyped
 * character fails the checksum (COACH_E_INVALID).  The caller frees the
 * code (it holds the secret: coach_seal_wipe it first).
 */
char *coach_seal_recovery_encode(const unsigned char sk[COACH_SEAL_KEY_BYTES]);
struct coach_error *coach_seal_recovery_decode(
	unsigned char sk[COACH_SEAL_KEY_BYTES], const char *text, size_t len);

/* Whether body starts with the armour's first line (a sealed body). */
int coach_seal_is_armour(const char *body);

/*
 * Seals plain[0..len) for entry_id to the n readers (1 to
 * COACH_SEAL_MAX_READERS, distinct valid handles) and appends the armour,
 * ending in a newline, to out.
 */
struct coach_error *coach_seal_body(struct coach_buf *out,
	const char *entry_id, const struct coach_seal_reader *readers,
	size_t n, const char *plain, size_t len);

/* A parsed armour. */
struct coach_sealed;

struct coach_error *coach_sealed_parse(struct coach_sealed **out,
	const char *text, size_t len);
void coach_sealed_free(struct coach_sealed *s);
/* The entry id of its Entry line. */
const char *coach_sealed_entry(const struct coach_sealed *s);
size_t coach_sealed_nreaders(const struct coach_sealed *s);
const char *coach_sealed_reader(const struct coach_sealed *s, size_t i);
const char *coach_sealed_key_id(const struct coach_sealed *s, size_t i);
/* Index of handle's Reader line, or -1. */
int coach_sealed_find(const struct coach_sealed *s, const char *handle);

/*
 * Opens the body as reader i (coach_sealed_find) with kp.  *plain (NUL
 * terminated, *len bytes, caller frees after coach_seal_wipe) is the text
 * sealed.  Errors, code COACH_E_INVALID: kp is not the key the reader's
 * line names (a wrong key), or the body does not open with it (changed or
 * damaged since it was sealed).
 */
struct coach_error *coach_sealed_open(const struct coach_sealed *s, size_t i,
	const struct coach_seal_keypair *kp, char **plain, size_t *len);

#endif
