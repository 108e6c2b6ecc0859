#!/usr/bin/env python3
"""Writes a git fast-import stream for a large coach repository.

    history_gen.py COACHEES RECORDS_PER_COACHEE COMMITS | git fast-import

The first commit holds coach.yml, one staff record and one agreement per
coachee, and their goals, cycles and entries (COACHEES x
RECORDS_PER_COACHEE records in all).  Each later commit changes one record
of a coachee picked at random (a measurement, a phase, a new entry), so
that a coachee's folder is touched by about COMMITS / COACHEES commits.
Coachee c0000 also gets a meeting about two thirds of the way through.
Dates are fixed and the random generator seeded: the same arguments give
the same repository.
"""
import random
import sys

out = sys.stdout.buffer
mark = 0


def blob(text):
    global mark
    mark += 1
    data = text.encode()
    out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)))
    out.write(data + b"\n")
    return mark


def commit(when, msg, files, first=False):
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer Bench Mark <bench@school.example> %d +0000\n" % when)
    m = msg.encode()
    out.write(b"data %d\n%s\n" % (len(m), m))
    if first:
        out.write(b"deleteall\n")
    for path, text in files:
        out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (
            path.encode(), len(text.encode()), text.encode()))


def goal(cid, gid, values):
    ms = "".join("  - {date: 2026-%02d-%02d, value: %d}\n" % (1 + i // 28, 1 + i % 28, v)
                 for i, v in enumerate(values))
    return ("---\nid: %s\ntitle: Goal %s of %s\nstatus: active\nopened: 2025-09-01\n"
            "measure: {name: pupils answering, baseline: 0, target: 100}\n"
            "measurements:\n%s---\n" % (gid, gid, cid, ms or "  []\n")).replace("measurements:\n  []\n", "measurements: []\n")


def cycle(gid, cyid, phase):
    return ("---\nid: %s\ngoal: %s\nstep: Wait five seconds\nphase: %s\n"
            "started: 2025-09-01\n---\n" % (cyid, gid, phase))


def entry(eid, date, kind):
    return ("---\nid: %s\ndate: %s\nkind: %s\nauthor: s0000\n---\n"
            "Notes of the %s.\n" % (eid, date, kind, kind))


rnd = random.Random(7)


def main():
    coachees, per, commits = (int(a) for a in sys.argv[1:4])
    t = 1735689600  # 2025-01-01
    files = [("coach.yml", "school: Bench School\n")]
    state = {}
    for c in range(coachees):
        cid = "c%04d" % c
        files.append(("staff/%s.md" % cid, "---\nname: Teacher %d\nemail: %s@school.example\n---\n" % (c, cid)))
        files.append(("coaching/%s/agreement.md" % cid,
                      "---\ncoachee: %s\ncoach: s0000\nstarted: 2025-09-01\ncadence: fortnightly\n---\n" % cid))
        goals = max(1, per // 20)
        cycles = max(1, per // 20)
        st = {"goals": [], "cycles": [], "entries": 0}
        for g in range(goals):
            gid = "g%06x%03x" % (rnd.getrandbits(24), c)
            st["goals"].append([gid, []])
            files.append(("coaching/%s/goals/%s.md" % (cid, gid), goal(cid, gid, [])))
        for y in range(cycles):
            cyid = "c%06x%03x" % (rnd.getrandbits(24), c)
            st["cycles"].append([cyid, st["goals"][0][0], 0])
            files.append(("coaching/%s/cycles/%s.md" % (cid, cyid), cycle(st["goals"][0][0], cyid, "plan")))
        for e in range(per - goals - cycles - 1):
            eid = "e%06x%03x" % (rnd.getrandbits(24), c)
            files.append(("coaching/%s/log/2025-10-%02d-%s.md" % (cid, 1 + e % 28, eid),
                          entry(eid, "2025-10-%02d" % (1 + e % 28), "note")))
        st["entries"] = per
        state[cid] = st
    commit(t, "the school", files, first=True)
    phases = ["plan", "model", "practise", "apply", "review"]
    for k in range(commits - 1):
        t += 600
        c = rnd.randrange(coachees)
        if k == (commits * 2) // 3:
            c = 0
        cid = "c%04d" % c
        st = state[cid]
        what = rnd.randrange(3)
        if k == (commits * 2) // 3:
            what = 3
        if what == 0:
            g = st["goals"][rnd.randrange(len(st["goals"]))]
            g[1].append(rnd.randrange(100))
            f = [("coaching/%s/goals/%s.md" % (cid, g[0]), goal(cid, g[0], g[1]))]
        elif what == 1:
            y = st["cycles"][rnd.randrange(len(st["cycles"]))]
            y[2] = (y[2] + 1) % len(phases)
            f = [("coaching/%s/cycles/%s.md" % (cid, y[0]), cycle(y[1], y[0], phases[y[2]]))]
        else:
            st["entries"] += 1
            eid = "e%06x%03x" % (rnd.getrandbits(24), c)
            kind = "meeting" if what == 3 else "observation"
            f = [("coaching/%s/log/2026-11-%02d-%s.md" % (cid, 1 + k % 20, eid),
                  entry(eid, "2026-11-%02d" % (1 + k % 20), kind))]
        commit(t, "change %d" % k, f)
    out.write(b"done\n")


main()
