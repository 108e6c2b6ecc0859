/*
 * Tests of lib/seal.c and lib/keys.c: sealed bodies, recovery codes and
 * the key file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "keys.h"
#include "seal.h"

static const char text[] = "We tried cold calling; it went badly.\n"
	"Next: wait three seconds.\n";

/* Seals text for entry "e1234567" to alice and bob. */
static char *
seal_two(const struct coach_seal_keypair *a, const struct coach_seal_keypair *b)
{
	struct coach_seal_reader rs[2] = { { "alice", { 0 } },
		{ "bob", { 0 } } };
	struct coach_buf out = COACH_BUF_INIT;
	memcpy(rs[0].pk, a->pk, sizeof(a->pk));
	memcpy(rs[1].pk, b->pk, sizeof(b->pk));
	assert_null(coach_seal_body(&out, "e1234567", rs, 2, text,
	    strlen(text)));
	return coach_buf_detach(&out);
}

/* Opens armour as handle with kp: the text, or NULL with *msg set. */
static char *
open_as(const char *armour, const char *handle,
	const struct coach_seal_keypair *kp, char *msg, size_t msglen)
{
	struct coach_sealed *s = NULL;
	char *plain = NULL;
	size_t len = 0;
	struct coach_error *err = coach_sealed_parse(&s, armour,
	    strlen(armour));
	if (err == NULL) {
		int i = coach_sealed_find(s, handle);
		if (i < 0)
			err = coach_error_coded(COACH_E_INVALID, "not a reader");
		else
			err = coach_sealed_open(s, (size_t)i, kp, &plain, &len);
	}
	if (err) {
		snprintf(msg, msglen, "%s", coach_error_msg(err));
		assert_int_equal(coach_error_code(err), COACH_E_INVALID);
		coach_error_free(err);
	} else {
		assert_int_equal(len, strlen(plain));
	}
	coach_sealed_free(s);
	return plain;
}

static void
test_round_trip_two_readers(void **state)
{
	(void)state;
	struct coach_seal_keypair a, b, c;
	char msg[512];
	assert_null(coach_seal_keypair_new(&a));
	assert_null(coach_seal_keypair_new(&b));
	assert_null(coach_seal_keypair_new(&c));
	char *armour = seal_two(&a, &b);

	/* Text, with the armour's lines. */
	assert_true(coach_seal_is_armour(armour));
	assert_null(strstr(armour, "cold calling"));
	assert_non_null(strstr(armour, "\nVersion: 1\nEntry: e1234567\n"
	    "Reader: alice "));
	assert_non_null(strstr(armour, "\n" COACH_SEAL_END "\n"));
	for (char *p = armour; *p;) {
		size_t n = strcspn(p, "\n");
		assert_true(n <= 76);
		p += n + (p[n] == '\n');
	}

	char *pa = open_as(armour, "alice", &a, msg, sizeof(msg));
	char *pb = open_as(armour, "bob", &b, msg, sizeof(msg));
	assert_non_null(pa);
	assert_non_null(pb);
	assert_string_equal(pa, text);
	assert_string_equal(pb, text);
	/* A third person: not among the readers, and their key does not
	 * open a reader's slot either. */
	assert_null(open_as(armour, "cy", &c, msg, sizeof(msg)));
	assert_null(open_as(armour, "alice", &c, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "wrong key"));
	/* bob's key in alice's slot: wrong key too. */
	assert_null(open_as(armour, "alice", &b, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "wrong key"));

	/* Sealing twice gives different text (a fresh key and nonce). */
	char *again = seal_two(&a, &b);
	assert_string_not_equal(again, armour);
	free(again);
	free(pa);
	free(pb);
	free(armour);
}

/* Every byte of the payload and header matters. */
static void
test_tampering_detected(void **state)
{
	(void)state;
	struct coach_seal_keypair a, b;
	char msg[512];
	assert_null(coach_seal_keypair_new(&a));
	assert_null(coach_seal_keypair_new(&b));
	char *armour = seal_two(&a, &b);
	char *payload = strstr(armour, "\n\n") + 2;
	size_t n = strlen(payload) - strlen(COACH_SEAL_END) - 1;
	size_t tried = 0;
	/* Each base64 character changed, one at a time. */
	for (size_t i = 0; i < n; i++) {
		char c = payload[i];
		if (c == '\n' || c == '=')
			continue;
		payload[i] = c == 'A' ? 'B' : 'A';
		char *p = open_as(armour, "bob", &b, msg, sizeof(msg));
		payload[i] = c;
		assert_null(p);
		tried++;
	}
	assert_true(tried > 100);
	/* Moved to another entry: the header is bound. */
	char *moved = coach_xstrdup(armour);
	memcpy(strstr(moved, "Entry: e1234567") + 7, "e7654321", 8);
	assert_null(open_as(moved, "bob", &b, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "changed"));
	free(moved);
	/* A reader's line renamed: alice's key id under another name. */
	char *renamed = coach_xstrdup(armour);
	memcpy(strstr(renamed, "Reader: alice") + 8, "alicf", 5);
	assert_null(open_as(renamed, "alicf", &a, msg, sizeof(msg)));
	free(renamed);
	/* Untouched, it still opens. */
	char *p = open_as(armour, "bob", &b, msg, sizeof(msg));
	assert_string_equal(p, text);
	free(p);
	free(armour);
}

static void
expect_invalid(const char *armour, const char *why)
{
	struct coach_sealed *s = NULL;
	struct coach_error *err = coach_sealed_parse(&s, armour,
	    strlen(armour));
	if (err == NULL)
		fail_msg("parsed: %s", armour);
	assert_null(s);
	assert_int_equal(coach_error_code(err), COACH_E_INVALID);
	if (strstr(coach_error_msg(err), why) == NULL)
		fail_msg("expected '%s' in '%s'", why, coach_error_msg(err));
	coach_error_free(err);
}

static void
test_truncated_and_garbage(void **state)
{
	(void)state;
	struct coach_seal_keypair a, b;
	assert_null(coach_seal_keypair_new(&a));
	assert_null(coach_seal_keypair_new(&b));
	char *armour = seal_two(&a, &b);
	size_t len = strlen(armour);
	/* Cut anywhere: never parsed as whole, or never opened. */
	for (size_t cut = 0; cut < len - 1; cut += 7) {
		char *part = coach_xstrndup(armour, cut);
		struct coach_sealed *s = NULL;
		struct coach_error *err = coach_sealed_parse(&s, part, cut);
		assert_non_null(err);
		coach_error_free(err);
		free(part);
	}
	expect_invalid("", "does not start");
	expect_invalid("hello\n", "does not start");
	expect_invalid(COACH_SEAL_BEGIN "\nVersion: 2\n\nAAAA\n"
	    COACH_SEAL_END "\n", "Version: 1");
	expect_invalid(COACH_SEAL_BEGIN "\nVersion: 1\nEntry: e1\n\nAAAA\n"
	    COACH_SEAL_END "\n", "no reader");
	expect_invalid(COACH_SEAL_BEGIN "\nVersion: 1\nEntry: e1\nReader: "
	    "../x 0011223344556677\n\nAAAA\n" COACH_SEAL_END "\n", "Reader");
	expect_invalid(COACH_SEAL_BEGIN "\nVersion: 1\nEntry: e1\nReader: "
	    "a 0011223344556677\nReader: a 0011223344556677\n\nAAAA\n"
	    COACH_SEAL_END "\n", "twice");
	expect_invalid(COACH_SEAL_BEGIN "\nVersion: 1\nEntry: e1\nReader: "
	    "a 0011223344556677\n\nAA!A\n" COACH_SEAL_END "\n", "character");
	expect_invalid(COACH_SEAL_BEGIN "\nVersion: 1\nEntry: e1\nReader: "
	    "a 0011223344556677\n\nAAAA\n" COACH_SEAL_END "\n", "too short");
	expect_invalid(COACH_SEAL_BEGIN "\nVersion: 1\nEntry: e1\nReader: "
	    "a 0011223344556677\nFoo: bar\n\nAAAA\n" COACH_SEAL_END "\n",
	    "header");
	/* Text after the END line is not part of a sealed body. */
	char *trail = coach_xasprintf("%strailing words\n", armour);
	expect_invalid(trail, "follows");
	free(trail);
	/* CRLF line endings, as a checkout on Windows may give, parse. */
	struct coach_buf crlf = COACH_BUF_INIT;
	for (const char *p = armour; *p; p++) {
		if (*p == '\n')
			coach_buf_putc(&crlf, '\r');
		coach_buf_putc(&crlf, *p);
	}
	struct coach_sealed *s = NULL;
	assert_null(coach_sealed_parse(&s, crlf.ptr, crlf.len));
	assert_int_equal(coach_sealed_nreaders(s), 2);
	assert_string_equal(coach_sealed_reader(s, 1), "bob");
	assert_string_equal(coach_sealed_entry(s), "e1234567");
	char id[COACH_SEAL_KEY_ID_LEN + 1];
	coach_seal_key_id(b.pk, id);
	assert_string_equal(coach_sealed_key_id(s, 1), id);
	coach_sealed_free(s);
	coach_buf_free(&crlf);
	free(armour);
}

static void
test_refuses_bad_input_to_seal(void **state)
{
	(void)state;
	struct coach_seal_reader r = { "Alice", { 0 } };
	struct coach_buf out = COACH_BUF_INIT;
	struct coach_error *err = coach_seal_body(&out, "e1", &r, 1, "x", 1);
	assert_non_null(err); /* not a handle */
	coach_error_free(err);
	r.handle = "alice";
	err = coach_seal_body(&out, "e1", &r, 0, "x", 1);
	assert_non_null(err); /* no reader */
	coach_error_free(err);
	err = coach_seal_body(&out, "../e1", &r, 1, "x", 1);
	assert_non_null(err);
	coach_error_free(err);
	assert_int_equal(out.len, 0);
	coach_buf_free(&out);
}

static void
test_recovery_code(void **state)
{
	(void)state;
	struct coach_seal_keypair a, back;
	unsigned char sk[COACH_SEAL_KEY_BYTES];
	assert_null(coach_seal_keypair_new(&a));
	char *code = coach_seal_recovery_encode(a.sk);
	/* The mark, then four lines of four groups of four. */
	assert_int_equal(strncmp(code, COACH_SEAL_RECOVERY_MARK "\n",
	    strlen(COACH_SEAL_RECOVERY_MARK) + 1), 0);
	assert_int_equal(strlen(code), strlen(COACH_SEAL_RECOVERY_MARK) + 1 +
	    4 * 20);
	assert_null(coach_seal_recovery_decode(sk, code, strlen(code)));
	assert_memory_equal(sk, a.sk, sizeof(sk));
	assert_null(coach_seal_keypair_from_secret(&back, sk));
	assert_memory_equal(back.pk, a.pk, sizeof(a.pk));

	/* Typed back in lower case with O for 0: the same key. */
	char *typed = coach_xasprintf("some words before\n%s", code);
	for (char *p = typed + 18 + strlen(COACH_SEAL_RECOVERY_MARK); *p; p++) {
		if (*p == '0')
			*p = 'O';
		else if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	memset(sk, 0, sizeof(sk));
	assert_null(coach_seal_recovery_decode(sk, typed, strlen(typed)));
	assert_memory_equal(sk, a.sk, sizeof(sk));
	free(typed);

	/* One character wrong: the checksum says so. */
	char *p = code + strlen(COACH_SEAL_RECOVERY_MARK) + 1 + 5;
	*p = *p == 'Z' ? 'Y' : 'Z';
	struct coach_error *err = coach_seal_recovery_decode(sk, code,
	    strlen(code));
	assert_non_null(err);
	assert_non_null(strstr(coach_error_msg(err), "checksum"));
	coach_error_free(err);
	/* Cut short. */
	err = coach_seal_recovery_decode(sk, code, strlen(code) - 10);
	assert_non_null(err);
	coach_error_free(err);
	free(code);
}

static void
test_public_key_text(void **state)
{
	(void)state;
	struct coach_seal_keypair a;
	unsigned char pk[COACH_SEAL_KEY_BYTES];
	assert_null(coach_seal_keypair_new(&a));
	char *s = coach_seal_pk_encode(a.pk);
	assert_int_equal(strlen(s), 44);
	assert_null(coach_seal_pk_decode(pk, s));
	assert_memory_equal(pk, a.pk, sizeof(pk));
	s[43] = '\0';
	struct coach_error *err = coach_seal_pk_decode(pk, s);
	assert_non_null(err);
	coach_error_free(err);
	err = coach_seal_pk_decode(pk, "not a key");
	assert_non_null(err);
	coach_error_free(err);
	free(s);
}

/* The key file: written private, refused when others can read it, never
 * replaced. */
static void
test_key_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/coach-test-seal-XXXXXX";
	assert_non_null(mkdtemp(dir));
	setenv("XDG_CONFIG_HOME", dir, 1);
	struct coach_seal_keypair a, b, loaded;
	struct coach_error *err = coach_key_load(&loaded);
	assert_int_equal(coach_error_code(err), COACH_E_NOTFOUND);
	coach_error_free(err);
	assert_null(coach_seal_keypair_new(&a));
	assert_null(coach_key_save(&a));
	char *path = NULL;
	assert_null(coach_key_file(&path));
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *folder = coach_xasprintf("%s/coach", dir);
	assert_int_equal(stat(folder, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_null(coach_key_load(&loaded));
	assert_memory_equal(loaded.sk, a.sk, sizeof(a.sk));
	assert_memory_equal(loaded.pk, a.pk, sizeof(a.pk));
	/* Never replaced. */
	assert_null(coach_seal_keypair_new(&b));
	err = coach_key_save(&b);
	assert_int_equal(coach_error_code(err), COACH_E_CONFLICT);
	coach_error_free(err);
	assert_null(coach_key_load(&loaded));
	assert_memory_equal(loaded.sk, a.sk, sizeof(a.sk));
	/* Readable by the group: refused, saying how to fix it. */
	assert_int_equal(chmod(path, 0640), 0);
	err = coach_key_load(&loaded);
	assert_int_equal(coach_error_code(err), COACH_E_INVALID);
	assert_non_null(strstr(coach_error_msg(err), "chmod 600"));
	coach_error_free(err);
	assert_int_equal(chmod(path, 0604), 0);
	err = coach_key_load(&loaded);
	assert_non_null(err);
	coach_error_free(err);
	assert_int_equal(chmod(path, 0600), 0);
	assert_null(coach_key_load(&loaded));
	unlink(path);
	rmdir(folder);
	rmdir(dir);
	unsetenv("XDG_CONFIG_HOME");
	free(folder);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_two_readers),
		cmocka_unit_test(test_tampering_detected),
		cmocka_unit_test(test_truncated_and_garbage),
		cmocka_unit_test(test_refuses_bad_input_to_seal),
		cmocka_unit_test(test_recovery_code),
		cmocka_unit_test(test_public_key_text),
		cmocka_unit_test(test_key_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
