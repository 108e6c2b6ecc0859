#!/usr/bin/env python3
"""Prints lib/width.c's tables from Python's Unicode database.

    python3 tests/tools/widths.py > /tmp/t && (replace the tables in lib/width.c)

Zero columns: combining and enclosing marks (Mn, Me), format characters
(Cf: zero-width joiner, directional marks...) but the soft hyphen, and the
Hangul medial vowels and final consonants that join the syllable before.
Two columns: East Asian Wide and Fullwidth, which covers emoji shown as
pictures (unassigned code points: one, but in the CJK planes 2 and 3).
"""
import sys
import unicodedata


def ranges(pred):
    out, start = [], None
    for cp in range(0x110000):
        if pred(cp):
            if start is None:
                start = cp
        elif start is not None:
            out.append((start, cp - 1))
            start = None
    if start is not None:
        out.append((start, 0x10FFFF))
    return out


def zero(cp):
    if cp == 0xAD:
        return False
    if 0x1160 <= cp <= 0x11FF:
        return True
    return unicodedata.category(chr(cp)) in ("Mn", "Me", "Cf")


def wide(cp):
    # Unassigned code points are one column, but for the planes that
    # Unicode keeps for CJK ideographs.
    if unicodedata.category(chr(cp)) == "Cn" and not 0x20000 <= cp <= 0x3FFFD:
        return False
    return unicodedata.east_asian_width(chr(cp)) in ("W", "F")


def table(name, rs):
    print("static const struct range %s[] = {" % name)
    line = "\t"
    for a, b in rs:
        item = "{ 0x%04X, 0x%04X }," % (a, b)
        if len(line.expandtabs(8)) + len(item) + 1 > 78:
            print(line.rstrip())
            line = "\t"
        line += item + " "
    print(line.rstrip())
    print("};")


print("/* Unicode %s, from tests/tools/widths.py. */" % unicodedata.unidata_version)
table("zero_width", ranges(zero))
print()
table("double_width", ranges(wide))
sys.exit(0)
