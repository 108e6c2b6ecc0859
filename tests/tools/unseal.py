#!/usr/bin/env python3
"""Opens a sealed entry the way coach(5) describes it, without coach.

    unseal.py KEYFILE ENTRY.md HANDLE

KEYFILE is a recovery text or key file (the COACH-SECRET-KEY-1 code);
ENTRY.md a record whose body is a sealed body.  Prints the text sealed,
or exits 1 saying why not.  libsodium is called directly through ctypes,
so this checks the format coach(5) documents, not coach's own code.
"""
import base64
import ctypes
import ctypes.util
import hashlib
import sys

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def die(msg):
    sys.exit("unseal.py: " + msg)


def secret_key(path):
    text = open(path, encoding="utf-8").read()
    lines = text.split("\n")
    start = lines.index("COACH-SECRET-KEY-1") + 1
    code = "".join(lines[start:]).replace("-", "").replace(" ", "").upper()
    code = code.replace("O", "0").replace("I", "1").replace("L", "1")[:64]
    bits = "".join(format(ALPHABET.index(c), "05b") for c in code)
    raw = bytes(int(bits[i:i + 8], 2) for i in range(0, 320, 8))
    sk, check = raw[:32], raw[32:]
    digest = hashlib.blake2b(sk, digest_size=16, key=b"coach recovery code").digest()
    if digest[:8] != check:
        die("recovery code checksum does not match")
    return sk


def main():
    keyfile, entry, handle = sys.argv[1:4]
    sodium = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
    if sodium.sodium_init() < 0:
        die("libsodium did not start")
    sk = secret_key(keyfile)
    pk = ctypes.create_string_buffer(32)
    sodium.crypto_scalarmult_base(pk, sk)
    pk = pk.raw
    data = open(entry, encoding="utf-8").read()
    body = data.split("\n---\n", 1)[1]
    lines = body.split("\n")
    if lines[0] != "-----BEGIN COACH SEALED ENTRY-----":
        die("not a sealed body")
    blank = lines.index("")
    header = lines[1:blank]
    end = lines.index("-----END COACH SEALED ENTRY-----")
    b64 = lines[blank + 1:end]
    if any(len(x) > 76 for x in b64):
        die("a base64 line is longer than 76")
    payload = base64.b64decode("".join(b64))
    readers = [h.split(" ")[1:] for h in header if h.startswith("Reader: ")]
    names = [r[0] for r in readers]
    if handle not in names:
        die("not sealed to " + handle)
    i = names.index(handle)
    key_id = hashlib.blake2b(pk, digest_size=16).hexdigest()[:16]
    if readers[i][1] != key_id:
        die("sealed to key %s, this key is %s" % (readers[i][1], key_id))
    n = len(readers)
    slots = payload[:80 * n]
    nonce = payload[80 * n:80 * n + 24]
    c = payload[80 * n + 24:]
    key = ctypes.create_string_buffer(32)
    if sodium.crypto_box_seal_open(key, slots[80 * i:80 * i + 80],
                                   ctypes.c_ulonglong(80), pk, sk) != 0:
        die("the sealed key does not open")
    ad = ("coach sealed entry\n" + "".join(h + "\n" for h in header)).encode() + slots
    m = ctypes.create_string_buffer(len(c))
    mlen = ctypes.c_ulonglong(0)
    if sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
            m, ctypes.byref(mlen), None, c, ctypes.c_ulonglong(len(c)),
            ad, ctypes.c_ulonglong(len(ad)), nonce, key) != 0:
        die("the text does not open")
    padded = m.raw[:mlen.value]
    if len(padded) % 256 != 0:
        die("not padded to 256 bytes")
    text = padded.rstrip(b"\0")
    if not text.endswith(b"\x80"):
        die("bad padding")
    sys.stdout.write(text[:-1].decode("utf-8"))


main()
