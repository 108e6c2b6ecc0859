/*
 * fuzz_seal.c: a libFuzzer target for the sealed-body armour parser and
 * the recovery-code reader (lib/seal.c).
 *
 * The input is a sealed body as it could be found in an entry's file,
 * written by anyone.  Parsing must give either an armour or an error, and
 * a parsed armour must hold what the parser promises: a valid entry id,
 * 1 to COACH_SEAL_MAX_READERS distinct readers with 16-hex-digit key ids.
 * Opening it with a fixed key must fail cleanly (the fuzzer cannot forge
 * the tag) unless it is one coach sealed with that key.  The same bytes
 * are read as a recovery code.  Then the input, as text, is sealed and
 * must open again to exactly itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seal.h"
#include "util.h"

static struct coach_seal_keypair kp;
static int ready;

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_seal: %s\n", what);
	abort();
}

static void
setup(void)
{
	unsigned char sk[COACH_SEAL_KEY_BYTES];
	memset(sk, 7, sizeof(sk));
	if (coach_seal_keypair_from_secret(&kp, sk) != NULL)
		die("no key");
	ready = 1;
}

static int
hex16(const char *s)
{
	if (strlen(s) != COACH_SEAL_KEY_ID_LEN)
		return 0;
	for (; *s; s++)
		if (!strchr("0123456789abcdef", *s))
			return 0;
	return 1;
}

static void
check_parsed(const struct coach_sealed *s)
{
	size_t n = coach_sealed_nreaders(s);
	if (n == 0 || n > COACH_SEAL_MAX_READERS || !*coach_sealed_entry(s))
		die("parsed armour without an entry or readers");
	for (size_t i = 0; i < n; i++) {
		if (!hex16(coach_sealed_key_id(s, i)))
			die("a key id that is not 16 hex digits");
		if (coach_sealed_find(s, coach_sealed_reader(s, i)) != (int)i)
			die("a reader named twice");
		char *plain = NULL;
		size_t len = 0;
		struct coach_error *err = coach_sealed_open(s, i, &kp,
		    &plain, &len);
		if (err == NULL && strlen(plain) != len)
			die("opened text of the wrong length");
		coach_error_free(err);
		free(plain);
	}
}

/* The input as text sealed to the fixed key opens as itself. */
static void
round_trip(const char *text, size_t len)
{
	struct coach_seal_reader r = { "fuzz", { 0 } };
	struct coach_buf out = COACH_BUF_INIT;
	struct coach_sealed *s = NULL;
	char *plain = NULL;
	size_t plen = 0;
	memcpy(r.pk, kp.pk, sizeof(r.pk));
	if (coach_seal_body(&out, "e0fuzz", &r, 1, text, len) != NULL)
		die("sealing failed");
	if (coach_sealed_parse(&s, out.ptr, out.len) != NULL)
		die("sealed text does not parse");
	if (coach_sealed_open(s, 0, &kp, &plain, &plen) != NULL)
		die("sealed text does not open");
	if (plen != len || memcmp(plain, text, len) != 0)
		die("sealed text opens as something else");
	free(plain);
	coach_sealed_free(s);
	coach_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ready)
		setup();
	char *text = coach_xstrndup((const char *)data, size);
	size_t len = strlen(text);
	struct coach_sealed *s = NULL;
	struct coach_error *err = coach_sealed_parse(&s, text, len);
	if (err == NULL)
		check_parsed(s);
	else if (s != NULL)
		die("an error and an armour");
	coach_error_free(err);
	coach_sealed_free(s);

	unsigned char sk[COACH_SEAL_KEY_BYTES];
	err = coach_seal_recovery_decode(sk, (const char *)data, size);
	coach_error_free(err);

	if (len < 512)
		round_trip(text, len);
	free(text);
	return 0;
}
