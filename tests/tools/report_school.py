#!/usr/bin/env python3
"""Writes a generated school into DIR (an existing coach repository).

    report_school.py DIR SEED

Records are written as files, as a hand edit would, with every case that
"coach report" must count right: a person in two subjects, goals without a
measure, a measurement below the baseline, a target below the baseline
(lower is better), cycles without a review date, private entries, and
hostile records (broken YAML, duplicate keys, symbolic links, values of the
wrong type).  Every body and title holds the word CANARY so that a test can
check no report prints one.
"""
import datetime
import os
import random
import sys

DIR, SEED = sys.argv[1], int(sys.argv[2])
rnd = random.Random(SEED)
START = datetime.date(2026, 9, 1)
PHASES = ["plan", "model", "practise", "apply", "review"]
KINDS = ["meeting", "observation", "practice", "reflection", "evidence",
         "cpd", "note"]
used = set()


def day(lo=0, hi=86):
    return START + datetime.timedelta(days=rnd.randint(lo, hi))


def new_id(letter):
    while True:
        i = letter + "%06x" % rnd.getrandbits(24)
        if i not in used:
            used.add(i)
            return i


def write(path, fm, body=""):
    full = os.path.join(DIR, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write("---\n" + fm + "---\n" + body)


def staff(handle, subjects, phase):
    fm = "name: %s\n" % handle.title()
    if subjects is not None:
        fm += "subjects: [%s]\n" % ", ".join(subjects)
    if phase:
        fm += "phase: %s\n" % phase
    write("staff/%s.md" % handle, fm)


for p in ["reading", "behaviour"]:
    write("priorities/%s.md" % p, "title: CANARY priority %s\n" % p)
for s in ["hinge", "cold-call", "wait-time"]:
    write("framework/%s.md" % s, "title: CANARY strategy %s\n" % s)

staff("ada", ["maths"], "secondary")
staff("bob", ["maths", "science"], "secondary")  # two subjects
staff("cy", ["english"], "primary")
staff("dee", None, None)                          # no subject, no phase
staff("eve", ["science", "science"], "primary")   # a subject twice
people = ["bob", "cy", "dee", "eve", "fin"]       # fin has no staff record
cadences = ["weekly", "fortnightly", "every 3 weeks", "when we can", None]


def goal(who, measure):
    gid = new_id("g")
    opened = day(0, 60)
    st = rnd.choice(["active", "active", "achieved", "paused", "dropped"])
    fm = "id: %s\ntitle: CANARY goal title %s\nstatus: %s\nopened: %s\n" % (
        gid, gid, st, opened)
    if st in ("achieved", "dropped"):
        fm += "closed: %s\n" % (opened + datetime.timedelta(
            days=rnd.randint(1, 30)))
    if rnd.random() < 0.7:
        fm += "priority: %s\n" % rnd.choice(["reading", "behaviour"])
    if rnd.random() < 0.7:
        fm += "strategies: [%s]\n" % ", ".join(
            rnd.sample(["hinge", "cold-call", "wait-time"], rnd.randint(1, 2)))
    if measure:
        base = rnd.randint(0, 50)
        target = base + rnd.choice([-1, 1]) * rnd.randint(5, 30)
        fm += "measure: {name: hands, baseline: %d, target: %d}\n" % (
            base, target)
        ms = []
        for _ in range(rnd.randint(0, 4)):
            # Values from below the baseline to past the target.
            v = base + (target - base) * rnd.uniform(-0.5, 1.5)
            ms.append("  - {date: %s, value: %.1f}\n" % (day(10, 86), v))
        if ms:
            fm += "measurements:\n" + "".join(ms)
    write("coaching/%s/goals/%s.md" % (who, gid), fm,
          "CANARY goal body %s\n" % gid)
    return gid, opened


def cycle(who, gid, opened):
    cid = new_id("c")
    started = opened + datetime.timedelta(days=rnd.randint(0, 20))
    fm = "id: %s\ngoal: %s\nstep: CANARY step\nphase: %s\nstarted: %s\n" % (
        cid, gid, rnd.choice(PHASES + ["huddle"]), started)
    if rnd.random() < 0.7:  # cycles without a review date too
        fm += "review: %s\n" % (started + datetime.timedelta(
            days=rnd.randint(3, 40)))
    if rnd.random() < 0.5:
        fm += "closed: %s\n" % (started + datetime.timedelta(
            days=rnd.randint(2, 40)))
        fm += "outcome: %s\n" % rnd.choice(
            ["met", "partly", "not-yet", "great"])
    write("coaching/%s/cycles/%s.md" % (who, cid), fm, "CANARY cycle body\n")


def entry(who, gids, priv):
    eid = new_id("e")
    d = day()
    kind = rnd.choice(KINDS + ["chat"])
    fm = "id: %s\ndate: %s\nkind: %s\nauthor: ada\n" % (eid, d, kind)
    if gids and rnd.random() < 0.6:
        fm += "goal: %s\n" % rnd.choice(gids)
    if kind == "cpd" or rnd.random() < 0.1:
        fm += "hours: %s\n" % rnd.choice(["1.5", "2", "0.25", "3"])
    if priv:
        fm += "private: true\n"
    write("coaching/%s/log/%s-%s.md" % (who, d, eid), fm,
          "CANARY first line %s\n\nCANARY body text\n" % eid)


for who in people:
    coaches = rnd.sample(["ada", "cy"], rnd.randint(1, 2))
    cad = rnd.choice(cadences)
    fm = "coachee: %s\ncoach: [%s]\nstarted: 2026-09-01\n" % (
        who, ", ".join(coaches))
    if cad:
        fm += "cadence: %s\n" % cad
    write("coaching/%s/agreement.md" % who, fm, "CANARY agreement\n")
    gids = []
    for _ in range(rnd.randint(1, 4)):
        gid, opened = goal(who, rnd.random() < 0.7)
        gids.append(gid)
        for _ in range(rnd.randint(0, 3)):
            cycle(who, gid, opened)
    for _ in range(rnd.randint(3, 12)):
        entry(who, gids, rnd.random() < 0.3)

# The cases that must always be there, whatever the seed.
write("coaching/bob/goals/gb10000.md",
      "id: gb10000\ntitle: CANARY below\nstatus: active\nopened: 2026-09-02\n"
      "priority: reading\nmeasure: {name: hands, baseline: 10, target: 20}\n"
      "measurements:\n  - {date: 2026-10-01, value: 12}\n"
      "  - {date: 2026-10-20, value: 7}\n")
write("coaching/cy/goals/glow000.md",
      "id: glow000\ntitle: CANARY lower\nstatus: active\nopened: 2026-09-02\n"
      "strategies: [hinge]\nmeasure: {name: shouts, baseline: 10, target: 4}\n"
      "measurements:\n  - {date: 2026-10-05, value: 7}\n")
write("coaching/cy/cycles/cnorev0.md",
      "id: cnorev0\ngoal: glow000\nstep: CANARY\nphase: apply\n"
      "started: 2026-10-06\n")

# Hostile records: each is left out with a warning, never counted twice.
write("coaching/bob/goals/gbad001.md",
      "id: gbad001\ntitle: [unclosed\nstatus: active\n")
write("coaching/bob/goals/gbad002.md",
      "id: gbad002\ntitle: x\nstatus: active\nstatus: achieved\nopened: 2026-09-02\n")
write("coaching/bob/log/2026-10-01-ebad003.md",
      "- just\n- a list\n")
with open(os.path.join(DIR, "coaching/cy/log/2026-10-02-ebad004.md"), "w") as f:
    f.write("no front-matter at all CANARY\n")
# A linked record and a linked coachee folder would count a record twice.
g = sorted(os.listdir(os.path.join(DIR, "coaching/bob/goals")))[0]
os.symlink("../../bob/goals/" + g,
           os.path.join(DIR, "coaching/cy/goals/" + "gl1nk00.md"))
os.symlink("bob", os.path.join(DIR, "coaching/zed"))
# Values of the wrong type are read as not there.
write("coaching/eve/goals/gweird1.md",
      "id: gweird1\ntitle: CANARY weird\nstatus: [active]\nopened: someday\n"
      "measure: {name: x, baseline: ten, target: .inf}\n"
      "measurements: {date: 2026-10-01}\nstrategies: {a: b}\n")
write("coaching/eve/log/2026-10-03-eweird2.md",
      "id: eweird2\ndate: 2026-10-03\nkind: cpd\nhours: -4\n")
write("coaching/eve/log/2026-10-04-eweird3.md",
      "id: eweird3\ndate: 2026-10-04\nkind: cpd\nhours: lots\n")
