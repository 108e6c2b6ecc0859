/*
 * seal.c: sealed bodies with libsodium (see seal.h).
 */
#include "seal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define SEALED_KEY_BYTES (crypto_box_SEALBYTES + \
	crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define NAME_MAX_LEN 40
/* More than any record may hold (1 MB) once base64 and padding are in. */
#define ARMOUR_MAX_BYTES (2 * 1024 * 1024)
#define RECOVERY_CHARS 64
#define CHECK_BYTES 8

struct coach_sealed {
	char entry[NAME_MAX_LEN + 1];
	size_t n;
	char handle[COACH_SEAL_MAX_READERS][NAME_MAX_LEN + 1];
	char key_id[COACH_SEAL_MAX_READERS][COACH_SEAL_KEY_ID_LEN + 1];
	unsigned char *payload;
	size_t payload_len;
};

static struct coach_error *
invalid(const char *what)
{
	return coach_error_coded(COACH_E_INVALID, "the sealed body is not "
	    "valid armour: %s", what);
}

struct coach_error *
coach_seal_init(void)
{
	if (sodium_init() < 0)
		return coach_error_coded(COACH_E_FAIL, "libsodium could not "
		    "start (no source of random numbers?)");
	return NULL;
}

void
coach_seal_wipe(void *p, size_t len)
{
	if (p)
		sodium_memzero(p, len);
}

struct coach_error *
coach_seal_keypair_new(struct coach_seal_keypair *out)
{
	struct coach_error *err = coach_seal_init();
	if (err)
		return err;
	crypto_box_keypair(out->pk, out->sk);
	return NULL;
}

struct coach_error *
coach_seal_keypair_from_secret(struct coach_seal_keypair *out,
	const unsigned char sk[COACH_SEAL_KEY_BYTES])
{
	struct coach_error *err = coach_seal_init();
	if (err)
		return err;
	memcpy(out->sk, sk, COACH_SEAL_KEY_BYTES);
	if (crypto_scalarmult_base(out->pk, out->sk) != 0)
		return coach_error_coded(COACH_E_INVALID, "that secret key is "
		    "not a usable X25519 key");
	return NULL;
}

void
coach_seal_key_id(const unsigned char pk[COACH_SEAL_KEY_BYTES],
	char out[COACH_SEAL_KEY_ID_LEN + 1])
{
	unsigned char h[crypto_generichash_BYTES_MIN];
	crypto_generichash(h, sizeof(h), pk, COACH_SEAL_KEY_BYTES, NULL, 0);
	sodium_bin2hex(out, COACH_SEAL_KEY_ID_LEN + 1, h,
	    COACH_SEAL_KEY_ID_LEN / 2);
}

char *
coach_seal_pk_encode(const unsigned char pk[COACH_SEAL_KEY_BYTES])
{
	size_t n = sodium_base64_ENCODED_LEN(COACH_SEAL_KEY_BYTES,
	    sodium_base64_VARIANT_ORIGINAL);
	char *s = coach_xmalloc(n);
	sodium_bin2base64(s, n, pk, COACH_SEAL_KEY_BYTES,
	    sodium_base64_VARIANT_ORIGINAL);
	return s;
}

/* Decodes exactly want bytes of base64 text[0..len). */
static int
b64_exact(unsigned char *out, size_t want, const char *text, size_t len)
{
	size_t got = 0;
	const char *end = NULL;
	if (sodium_base642bin(out, want, text, len, NULL, &got, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	return got == want && end == text + len ? 0 : -1;
}

struct coach_error *
coach_seal_pk_decode(unsigned char pk[COACH_SEAL_KEY_BYTES], const char *text)
{
	if (text == NULL || b64_exact(pk, COACH_SEAL_KEY_BYTES, text,
	    strlen(text)) != 0)
		return coach_error_coded(COACH_E_INVALID, "'%.60s' is not a "
		    "public key (44 characters of base64, as 'coach key init' "
		    "writes)", text ? text : "");
	return NULL;
}

/*
 * Recovery codes
 */

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* A character's value in Crockford's base32, or -1. */
static int
b32_value(int c)
{
	if (c >= 'a' && c <= 'z')
		c -= 'a' - 'A';
	if (c == 'O')
		c = '0';
	if (c == 'I' || c == 'L')
		c = '1';
	const char *p = c ? strchr(crockford, c) : NULL;
	return p ? (int)(p - crockford) : -1;
}

static void
recovery_check(unsigned char out[CHECK_BYTES],
	const unsigned char sk[COACH_SEAL_KEY_BYTES])
{
	static const unsigned char label[] = "coach recovery code";
	unsigned char h[crypto_generichash_BYTES_MIN];
	crypto_generichash(h, sizeof(h), sk, COACH_SEAL_KEY_BYTES, label,
	    sizeof(label) - 1);
	memcpy(out, h, CHECK_BYTES);
}

char *
coach_seal_recovery_encode(const unsigned char sk[COACH_SEAL_KEY_BYTES])
{
	unsigned char bytes[COACH_SEAL_KEY_BYTES + CHECK_BYTES];
	struct coach_buf b = COACH_BUF_INIT;
	memcpy(bytes, sk, COACH_SEAL_KEY_BYTES);
	recovery_check(bytes + COACH_SEAL_KEY_BYTES, sk);
	coach_buf_puts(&b, COACH_SEAL_RECOVERY_MARK "\n");
	/* 40 bytes are 320 bits: 64 characters of 5 bits, no padding. */
	for (size_t i = 0; i < RECOVERY_CHARS; i++) {
		size_t bit = i * 5, byte = bit / 8, shift = bit % 8;
		unsigned v = (unsigned)bytes[byte] << 8;
		if (byte + 1 < sizeof(bytes))
			v |= bytes[byte + 1];
		v = (v >> (11 - shift)) & 31;
		coach_buf_putc(&b, crockford[v]);
		if (i % 16 == 15)
			coach_buf_putc(&b, '\n');
		else if (i % 4 == 3)
			coach_buf_putc(&b, '-');
	}
	sodium_memzero(bytes, sizeof(bytes));
	return coach_buf_detach(&b);
}

/* The characters after the mark line, as 5-bit values. */
static int
recovery_symbols(unsigned char sym[RECOVERY_CHARS], const char *text,
	size_t len)
{
	const char *mark = COACH_SEAL_RECOVERY_MARK;
	size_t ml = strlen(mark), i = 0, n = 0;
	/* The mark starts a line. */
	for (;; i++) {
		if (i + ml > len)
			return -1;
		if ((i == 0 || text[i - 1] == '\n') &&
		    memcmp(text + i, mark, ml) == 0)
			break;
	}
	for (i += ml; i < len; i++) {
		char c = text[i];
		if (c == ' ' || c == '-' || c == '\t' || c == '\r' ||
		    c == '\n')
			continue;
		int v = b32_value((unsigned char)c);
		if (v < 0 || n == RECOVERY_CHARS)
			break;
		sym[n++] = (unsigned char)v;
	}
	return n == RECOVERY_CHARS ? 0 : -1;
}

struct coach_error *
coach_seal_recovery_decode(unsigned char sk[COACH_SEAL_KEY_BYTES],
	const char *text, size_t len)
{
	unsigned char sym[RECOVERY_CHARS];
	unsigned char bytes[COACH_SEAL_KEY_BYTES + CHECK_BYTES] = { 0 };
	unsigned char check[CHECK_BYTES];
	struct coach_error *err = coach_seal_init();
	if (err)
		return err;
	if (recovery_symbols(sym, text, len) != 0)
		return coach_error_coded(COACH_E_INVALID, "no recovery code "
		    "found: it is the line %s followed by 16 groups of 4 "
		    "letters and digits, as 'coach key export' writes",
		    COACH_SEAL_RECOVERY_MARK);
	for (size_t i = 0; i < RECOVERY_CHARS; i++) {
		size_t bit = i * 5;
		for (size_t k = 0; k < 5; k++, bit++)
			if (sym[i] & (16 >> k))
				bytes[bit / 8] |= (unsigned char)(128 >> (bit % 8));
	}
	recovery_check(check, bytes);
	if (sodium_memcmp(check, bytes + COACH_SEAL_KEY_BYTES,
	    CHECK_BYTES) != 0)
		err = coach_error_coded(COACH_E_INVALID, "the recovery code "
		    "has a mistake (its checksum does not match): compare "
		    "each group with the printed or stored copy");
	else
		memcpy(sk, bytes, COACH_SEAL_KEY_BYTES);
	sodium_memzero(bytes, sizeof(bytes));
	sodium_memzero(sym, sizeof(sym));
	return err;
}

/*
 * Armour
 */

int
coach_seal_is_armour(const char *body)
{
	size_t n = strlen(COACH_SEAL_BEGIN);
	return body && strncmp(body, COACH_SEAL_BEGIN, n) == 0 &&
	    (body[n] == '\n' || body[n] == '\r' || body[n] == '\0');
}

/* A handle or id: [a-z0-9][a-z0-9._-]{0,39}. */
static int
name_ok(const char *s, size_t len)
{
	if (len == 0 || len > NAME_MAX_LEN)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (i > 0 && (c == '.' || c == '_' || c == '-'));
		if (!ok)
			return 0;
	}
	return 1;
}

/* The header lines as the armour writes them. */
static void
header_lines(struct coach_buf *out, const struct coach_sealed *s)
{
	coach_buf_printf(out, "Version: 1\nEntry: %s\n", s->entry);
	for (size_t i = 0; i < s->n; i++)
		coach_buf_printf(out, "Reader: %s %s\n", s->handle[i],
		    s->key_id[i]);
}

/* The associated data: the header lines and every reader's sealed key,
 * so that no part of the armour can change without the text failing to
 * open for every reader (not only for the one whose key changed). */
static void
associated(struct coach_buf *ad, const struct coach_sealed *s,
	const unsigned char *slots)
{
	coach_buf_puts(ad, "coach sealed entry\n");
	header_lines(ad, s);
	coach_buf_add(ad, slots, s->n * SEALED_KEY_BYTES);
}

static void
put_payload(struct coach_buf *out, const unsigned char *p, size_t len)
{
	size_t b64len = sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_ORIGINAL);
	char *b64 = coach_xmalloc(b64len);
	sodium_bin2base64(b64, b64len, p, len, sodium_base64_VARIANT_ORIGINAL);
	size_t n = strlen(b64);
	for (size_t i = 0; i < n; i += COACH_SEAL_LINE) {
		size_t k = n - i < COACH_SEAL_LINE ? n - i : COACH_SEAL_LINE;
		coach_buf_add(out, b64 + i, k);
		coach_buf_putc(out, '\n');
	}
	free(b64);
}

/* Fills s's header from the readers, checking them. */
static struct coach_error *
seal_header(struct coach_sealed *s, const char *entry_id,
	const struct coach_seal_reader *readers, size_t n)
{
	if (entry_id == NULL || !name_ok(entry_id, strlen(entry_id)))
		return coach_error_coded(COACH_E_INVALID, "cannot seal: '%s' "
		    "is not an entry id", entry_id ? entry_id : "");
	if (n == 0 || n > COACH_SEAL_MAX_READERS)
		return coach_error_coded(COACH_E_INVALID, "cannot seal to %zu "
		    "readers: give 1 to %d", n, COACH_SEAL_MAX_READERS);
	strcpy(s->entry, entry_id);
	for (size_t i = 0; i < n; i++) {
		const char *h = readers[i].handle;
		if (h == NULL || !name_ok(h, strlen(h)))
			return coach_error_coded(COACH_E_INVALID, "cannot "
			    "seal to '%s': not a handle", h ? h : "");
		for (size_t k = 0; k < i; k++)
			if (strcmp(s->handle[k], h) == 0)
				return coach_error_coded(COACH_E_INVALID,
				    "cannot seal: reader %s given twice", h);
		strcpy(s->handle[i], h);
		coach_seal_key_id(readers[i].pk, s->key_id[i]);
		s->n = i + 1;
	}
	return NULL;
}

struct coach_error *
coach_seal_body(struct coach_buf *out, const char *entry_id,
	const struct coach_seal_reader *readers, size_t n, const char *plain,
	size_t len)
{
	struct coach_sealed s;
	struct coach_buf ad = COACH_BUF_INIT;
	unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned char *padded = NULL, *payload = NULL;
	size_t padded_len = 0;
	struct coach_error *err;

	memset(&s, 0, sizeof(s));
	if ((err = coach_seal_init()) ||
	    (err = seal_header(&s, entry_id, readers, n)))
		return err;
	if (len > ARMOUR_MAX_BYTES / 2)
		return coach_error_coded(COACH_E_INVALID, "cannot seal %zu "
		    "bytes: more than an entry may hold", len);
	padded = coach_xmalloc(len + COACH_SEAL_PAD);
	memcpy(padded, plain, len);
	if (sodium_pad(&padded_len, padded, len, COACH_SEAL_PAD,
	    len + COACH_SEAL_PAD) != 0) {
		err = coach_error_coded(COACH_E_FAIL, "cannot pad the text");
		goto done;
	}
	size_t plen = n * SEALED_KEY_BYTES + NONCE_BYTES + padded_len +
	    TAG_BYTES;
	payload = coach_xmalloc(plen);
	crypto_aead_xchacha20poly1305_ietf_keygen(key);
	for (size_t i = 0; i < n; i++)
		crypto_box_seal(payload + i * SEALED_KEY_BYTES, key,
		    sizeof(key), readers[i].pk);
	unsigned char *nonce = payload + n * SEALED_KEY_BYTES;
	randombytes_buf(nonce, NONCE_BYTES);
	associated(&ad, &s, payload);
	unsigned long long clen = 0;
	crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + NONCE_BYTES,
	    &clen, padded, padded_len, (const unsigned char *)ad.ptr, ad.len,
	    NULL, nonce, key);
	coach_buf_puts(out, COACH_SEAL_BEGIN "\n");
	header_lines(out, &s);
	coach_buf_putc(out, '\n');
	put_payload(out, payload, plen);
	coach_buf_puts(out, COACH_SEAL_END "\n");
done:
	sodium_memzero(key, sizeof(key));
	if (padded)
		sodium_memzero(padded, len + COACH_SEAL_PAD);
	free(padded);
	free(payload);
	coach_buf_free(&ad);
	return err;
}

/* The next line of text[*pos..len) without its line ending. */
static int
next_line(const char *text, size_t len, size_t *pos, const char **line,
	size_t *n)
{
	if (*pos >= len)
		return 0;
	const char *p = text + *pos;
	const char *nl = memchr(p, '\n', len - *pos);
	size_t k = nl ? (size_t)(nl - p) : len - *pos;
	*pos += k + (nl != NULL);
	while (k > 0 && p[k - 1] == '\r')
		k--;
	*line = p;
	*n = k;
	return 1;
}

static int
line_is(const char *line, size_t n, const char *s)
{
	return n == strlen(s) && memcmp(line, s, n) == 0;
}

static int
starts(const char *line, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(line, prefix, k) == 0;
}

/* "Reader: HANDLE KEYID" into the next reader of s. */
static struct coach_error *
parse_reader(struct coach_sealed *s, const char *v, size_t n)
{
	const char *sp = memchr(v, ' ', n);
	if (sp == NULL || s->n == COACH_SEAL_MAX_READERS)
		return invalid("a Reader line is not 'Reader: HANDLE KEYID'");
	size_t hl = (size_t)(sp - v), il = n - hl - 1;
	if (!name_ok(v, hl) || il != COACH_SEAL_KEY_ID_LEN)
		return invalid("a Reader line is not 'Reader: HANDLE KEYID'");
	for (size_t i = 0; i < il; i++)
		if (!strchr("0123456789abcdef", sp[1 + i]) || sp[1 + i] == 0)
			return invalid("a key id is not 16 hex digits");
	memcpy(s->handle[s->n], v, hl);
	s->handle[s->n][hl] = '\0';
	memcpy(s->key_id[s->n], sp + 1, il);
	s->key_id[s->n][il] = '\0';
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->handle[i], s->handle[s->n]) == 0)
			return invalid("a reader is named twice");
	s->n++;
	return NULL;
}

/* The header lines, up to and including the blank line. */
static struct coach_error *
parse_header(struct coach_sealed *s, const char *text, size_t len,
	size_t *pos)
{
	const char *line;
	size_t n;
	if (!next_line(text, len, pos, &line, &n) ||
	    !line_is(line, n, COACH_SEAL_BEGIN))
		return invalid("it does not start with " COACH_SEAL_BEGIN);
	if (!next_line(text, len, pos, &line, &n) ||
	    !line_is(line, n, "Version: 1"))
		return invalid("its first header is not 'Version: 1' (was it "
		    "written by a newer coach?)");
	while (next_line(text, len, pos, &line, &n) && n > 0) {
		struct coach_error *err;
		if (starts(line, n, "Entry: ") && s->entry[0] == '\0') {
			if (!name_ok(line + 7, n - 7))
				return invalid("its Entry line names no id");
			memcpy(s->entry, line + 7, n - 7);
			s->entry[n - 7] = '\0';
		} else if (starts(line, n, "Reader: ")) {
			if ((err = parse_reader(s, line + 8, n - 8)))
				return err;
		} else {
			return invalid("it has a header line coach does not "
			    "know, or one twice");
		}
	}
	if (s->entry[0] == '\0' || s->n == 0)
		return invalid("it names no entry or no reader");
	return NULL;
}

static int
b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

/* The base64 lines up to the END line, decoded into s->payload. */
static struct coach_error *
parse_payload(struct coach_sealed *s, const char *text, size_t len,
	size_t *pos)
{
	struct coach_buf b64 = COACH_BUF_INIT;
	struct coach_error *err = NULL;
	const char *line;
	size_t n;
	int ended = 0;
	while (next_line(text, len, pos, &line, &n)) {
		if (line_is(line, n, COACH_SEAL_END)) {
			ended = 1;
			break;
		}
		if (n == 0 || n > COACH_SEAL_LINE) {
			err = invalid("a line of its base64 is empty or longer "
			    "than 76 characters");
			goto done;
		}
		for (size_t i = 0; i < n; i++)
			if (!b64_char(line[i])) {
				err = invalid("its base64 has a character "
				    "that base64 does not use");
				goto done;
			}
		coach_buf_add(&b64, line, n);
	}
	if (!ended) {
		err = invalid("it does not end with " COACH_SEAL_END
		    " (was it cut short?)");
		goto done;
	}
	size_t max = b64.len / 4 * 3 + 3;
	/* No base64 lines at all leave the buffer without memory. */
	const char *src = b64.ptr ? b64.ptr : "";
	s->payload = coach_xmalloc(max);
	const char *end = NULL;
	if (sodium_base642bin(s->payload, max, src, b64.len, NULL,
	    &s->payload_len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != src + b64.len)
		err = invalid("its base64 does not decode");
	else if (s->payload_len < s->n * SEALED_KEY_BYTES + NONCE_BYTES +
	    TAG_BYTES)
		err = invalid("it is too short for its readers (was it cut "
		    "short?)");
done:
	coach_buf_free(&b64);
	return err;
}

struct coach_error *
coach_sealed_parse(struct coach_sealed **out, const char *text, size_t len)
{
	struct coach_sealed *s = coach_xcalloc(1, sizeof(*s));
	struct coach_error *err = NULL;
	size_t pos = 0;
	const char *line;
	size_t n;

	*out = NULL;
	if (len > ARMOUR_MAX_BYTES) {
		err = invalid("it is larger than any entry may be");
		goto done;
	}
	if ((err = parse_header(s, text, len, &pos)) ||
	    (err = parse_payload(s, text, len, &pos)))
		goto done;
	while (next_line(text, len, &pos, &line, &n))
		for (size_t i = 0; i < n; i++)
			if (line[i] != ' ' && line[i] != '\t') {
				err = invalid("text follows its END line");
				goto done;
			}
	*out = s;
	s = NULL;
done:
	coach_sealed_free(s);
	return err;
}

void
coach_sealed_free(struct coach_sealed *s)
{
	if (s == NULL)
		return;
	free(s->payload);
	free(s);
}

const char *
coach_sealed_entry(const struct coach_sealed *s)
{
	return s->entry;
}

size_t
coach_sealed_nreaders(const struct coach_sealed *s)
{
	return s->n;
}

const char *
coach_sealed_reader(const struct coach_sealed *s, size_t i)
{
	return i < s->n ? s->handle[i] : NULL;
}

const char *
coach_sealed_key_id(const struct coach_sealed *s, size_t i)
{
	return i < s->n ? s->key_id[i] : NULL;
}

int
coach_sealed_find(const struct coach_sealed *s, const char *handle)
{
	for (size_t i = 0; handle && i < s->n; i++)
		if (strcmp(s->handle[i], handle) == 0)
			return (int)i;
	return -1;
}

struct coach_error *
coach_sealed_open(const struct coach_sealed *s, size_t i,
	const struct coach_seal_keypair *kp, char **plain, size_t *len)
{
	unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	struct coach_buf ad = COACH_BUF_INIT;
	struct coach_error *err;
	char id[COACH_SEAL_KEY_ID_LEN + 1];
	unsigned char *m = NULL;

	*plain = NULL;
	*len = 0;
	if ((err = coach_seal_init()))
		return err;
	if (i >= s->n)
		return coach_error_coded(COACH_E_INVALID, "no such reader");
	coach_seal_key_id(kp->pk, id);
	if (strcmp(id, s->key_id[i]) != 0)
		return coach_error_coded(COACH_E_INVALID, "it was sealed to "
		    "%s's key %s, and the key here is %s: a wrong key",
		    s->handle[i], s->key_id[i], id);
	const unsigned char *nonce = s->payload + s->n * SEALED_KEY_BYTES;
	const unsigned char *c = nonce + NONCE_BYTES;
	size_t clen = s->payload_len - (size_t)(c - s->payload);
	if (crypto_box_seal_open(key, s->payload + i * SEALED_KEY_BYTES,
	    SEALED_KEY_BYTES, kp->pk, kp->sk) != 0) {
		err = coach_error_coded(COACH_E_INVALID, "it does not open "
		    "with %s's key: it was changed or damaged after it was "
		    "sealed", s->handle[i]);
		goto done;
	}
	associated(&ad, s, s->payload);
	m = coach_xmalloc(clen + 1);
	unsigned long long mlen = 0;
	size_t unpadded = 0;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(m, &mlen, NULL, c,
	    clen, (const unsigned char *)ad.ptr, ad.len, nonce, key) != 0 ||
	    sodium_unpad(&unpadded, m, (size_t)mlen, COACH_SEAL_PAD) != 0) {
		err = coach_error_coded(COACH_E_INVALID, "it does not open: "
		    "its text or its header (entry, readers) was changed "
		    "after it was sealed, or it was moved from another entry");
		goto done;
	}
	m[unpadded] = '\0';
	*plain = (char *)m;
	*len = unpadded;
	m = NULL;
done:
	if (m) {
		sodium_memzero(m, clen + 1);
		free(m);
	}
	sodium_memzero(key, sizeof(key));
	coach_buf_free(&ad);
	return err;
}
