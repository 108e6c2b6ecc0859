#!/usr/bin/env python3
"""Compares "coach report --format json" (stdin) with report_expect.py's
figures (the file EXPECTED), number by number; prints what differs.

    report_compare.py EXPECTED < report.json
"""
import json
import math
import sys

got = json.load(sys.stdin)
want = json.load(open(sys.argv[1]))
bad = []


def same(path, a, b):
    if isinstance(b, dict):
        if not isinstance(a, dict):
            bad.append("%s: got %r, want %r" % (path, a, b))
            return
        for k in b:
            same(path + "." + k, a.get(k, "<missing>"), b[k])
    elif isinstance(b, float) or isinstance(a, float):
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool)
                   for x in (a, b)) or \
                not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
            bad.append("%s: got %r, want %r" % (path, a, b))
    elif a != b:
        bad.append("%s: got %r, want %r" % (path, a, b))


if got.get("by") != want["by"]:
    bad.append("by: got %r, want %r" % (got.get("by"), want["by"]))
gk = [g["key"] for g in got["groups"]]
wk = [g["key"] for g in want["groups"]]
if gk != wk:
    bad.append("groups: got %r, want %r" % (gk, wk))
for g, w in zip(got["groups"], want["groups"]):
    same(w["key"], g, w)
if "generated" not in got:
    bad.append("no generated")
print("\n".join(bad))
sys.exit(1 if bad else 0)
