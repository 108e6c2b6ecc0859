#!/usr/bin/env python3
"""Writes N small schools, as a trust pulls them, into DIR.

    trust_gen.py DIR N [SEED]

Each school is a bare repository DIR/sNNN.git holding one branch,
summary/sNNN, as "coach sync --publish" leaves it: coach.yml, staff,
priorities, framework, agreements, goals, cycles and entries, front-matter
only.  Schools differ in size, cycle phases and dates; a few records are
broken on purpose (a report leaves them out).  Each repository is written
here as git gc would leave it (one pack and its index, packed refs): no
process and a handful of files per school.  Prints DIR/list, lines
"sNNN PATH" for "coach trust add".
"""
import datetime
import os
import random
import hashlib
import struct
import sys
import zlib

DIR, N = sys.argv[1], int(sys.argv[2])
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else 1
START = datetime.date(2026, 9, 1)
KINDS = ["meeting", "observation", "practice", "reflection", "evidence",
         "cpd", "note"]
MODELS = [["plan", "model", "practise", "apply", "review"],
          ["identify", "learn", "improve"],
          ["see-it", "name-it", "do-it"]]
SUBJECTS = ["maths", "english", "science", "history", "art"]


def school(name, rnd):
    files = {}
    day = lambda lo=0, hi=86: START + datetime.timedelta(
        days=rnd.randint(lo, hi))
    used = set()

    def new_id(letter):
        while True:
            i = letter + "%06x" % rnd.getrandbits(24)
            if i not in used:
                used.add(i)
                return i

    def rec(path, fm):
        files[path] = "---\n" + fm + "---\n"

    phases = rnd.choice(MODELS)
    cfg = "school: School %s\nschool_id: %s\n" % (name, name)
    if phases is not MODELS[0] or rnd.random() < 0.5:
        cfg += "cycle_phases: [%s]\n" % ", ".join(phases)
    files["coach.yml"] = cfg
    for p in ["reading", "behaviour"]:
        rec("priorities/%s.md" % p, "title: Priority %s\n" % p)
    for s in ["hinge", "cold-call", "wait-time"]:
        rec("framework/%s.md" % s, "title: Strategy %s\n" % s)
    people = ["t%02d" % i for i in range(rnd.randint(3, 9))]
    for h in people:
        subj = rnd.sample(SUBJECTS, rnd.randint(0, 2))
        fm = "name: Teacher %s\n" % h
        if subj:
            fm += "subjects: [%s]\n" % ", ".join(subj)
        if rnd.random() < 0.8:
            fm += "phase: %s\n" % rnd.choice(["primary", "secondary"])
        rec("staff/%s.md" % h, fm)
    for h in people:
        base = "coaching/%s/" % h
        if rnd.random() < 0.8:
            fm = "coachee: %s\ncoach: %s\nstarted: %s\n" % (
                h, rnd.choice(people), day(0, 20))
            if rnd.random() < 0.7:
                fm += "cadence: %s\n" % rnd.choice(
                    ["weekly", "fortnightly", "every 3 weeks"])
            rec(base + "agreement.md", fm)
        goals = []
        for _ in range(rnd.randint(0, 3)):
            gid = new_id("g")
            goals.append(gid)
            opened = day(0, 60)
            st = rnd.choice(["active", "active", "achieved", "paused",
                             "dropped"])
            fm = "id: %s\ntitle: Goal %s\nstatus: %s\nopened: %s\n" % (
                gid, gid, st, opened)
            if st in ("achieved", "dropped"):
                fm += "closed: %s\n" % (opened + datetime.timedelta(
                    days=rnd.randint(1, 30)))
            if rnd.random() < 0.7:
                fm += "priority: %s\n" % rnd.choice(["reading", "behaviour"])
            fm += "strategies: [%s]\n" % ", ".join(rnd.sample(
                ["hinge", "cold-call", "wait-time"], rnd.randint(0, 2)))
            if rnd.random() < 0.6:
                b, t = rnd.randint(0, 50), rnd.randint(40, 100)
                fm += "measure: {name: m, baseline: %d, target: %d}\n" % (
                    b, t)
                fm += "measurements:\n" + "".join(
                    "  - {date: %s, value: %d}\n" % (day(), rnd.randint(
                        0, 100)) for _ in range(rnd.randint(0, 3)))
            rec(base + "goals/%s.md" % gid, fm)
        cycles = []
        for gid in goals:
            for _ in range(rnd.randint(0, 2)):
                cid = new_id("c")
                cycles.append(cid)
                started = day(0, 70)
                fm = "id: %s\ngoal: %s\nstep: Step\nphase: %s\n" \
                    "started: %s\n" % (cid, gid, rnd.choice(
                        phases + ["elsewhere"]), started)
                if rnd.random() < 0.6:
                    fm += "review: %s\n" % (started + datetime.timedelta(
                        days=rnd.randint(3, 40)))
                if rnd.random() < 0.4:
                    fm += "closed: %s\noutcome: %s\n" % (
                        started + datetime.timedelta(days=rnd.randint(
                            1, 20)), rnd.choice(["met", "partly",
                                                 "not-yet", "maybe"]))
                rec(base + "cycles/%s.md" % cid, fm)
        for _ in range(rnd.randint(0, 8)):
            eid = new_id("e")
            d = day()
            kind = rnd.choice(KINDS)
            fm = "id: %s\ndate: %s\nkind: %s\nauthor: %s\n" % (
                eid, d, kind, rnd.choice(people))
            if kind == "cpd":
                fm += "hours: %s\n" % rnd.choice([1, 1.5, 2, 3])
            if goals and rnd.random() < 0.5:
                fm += "goal: %s\n" % rnd.choice(goals)
            elif cycles and rnd.random() < 0.5:
                fm += "cycle: %s\n" % rnd.choice(cycles)
            rec(base + "log/%s-%s.md" % (d, eid), fm)
    if rnd.random() < 0.05:
        files["coaching/%s/goals/gbroken.md" % people[0]] = \
            "---\nid: [unclosed\n---\n"
    return files


class Pack:
    """Objects of one repository, written as one pack and its index (as
    after git gc), so that a school is a handful of files."""
    TYPES = {b"commit": 1, b"tree": 2, b"blob": 3}

    def __init__(self):
        self.objs = {}

    def add(self, kind, data):
        oid = hashlib.sha1(b"%s %d\0" % (kind, len(data)) + data).digest()
        self.objs.setdefault(oid, (kind, data))
        return oid.hex()

    def write(self, path):
        body, where = bytearray(), {}
        body += b"PACK" + struct.pack(">II", 2, len(self.objs))
        for oid, (kind, data) in self.objs.items():
            start = len(body)
            n = len(data)
            head = bytearray([(self.TYPES[kind] << 4) | (n & 15)])
            n >>= 4
            while n:
                head[-1] |= 0x80
                head.append(n & 0x7f)
                n >>= 7
            entry = bytes(head) + zlib.compress(data, 1)
            body += entry
            where[oid] = (start, zlib.crc32(entry))
        body += hashlib.sha1(body).digest()
        ids = sorted(where)
        idx = bytearray(b"\377tOc" + struct.pack(">I", 2))
        for b in range(256):
            idx += struct.pack(">I", sum(1 for o in ids if o[0] <= b))
        idx += b"".join(ids)
        idx += b"".join(struct.pack(">I", where[o][1]) for o in ids)
        idx += b"".join(struct.pack(">I", where[o][0]) for o in ids)
        idx += body[-20:]
        idx += hashlib.sha1(idx).digest()
        name = os.path.join(path, "objects", "pack",
                            "pack-" + body[-20:].hex())
        with open(name + ".pack", "wb") as out:
            out.write(body)
        with open(name + ".idx", "wb") as out:
            out.write(idx)


def tree(pack, files):
    """The tree of files ({"a/b": bytes}) added to pack; its id."""
    blobs, dirs = {}, {}
    for name, data in files.items():
        head, _, rest = name.partition("/")
        if rest:
            dirs.setdefault(head, {})[rest] = data
        else:
            blobs[head] = data
    entries = [(n, b"100644", pack.add(b"blob", d))
               for n, d in blobs.items()]
    entries += [(n + "/", b"40000", tree(pack, sub))
                for n, sub in dirs.items()]
    # Git orders a folder as if its name ended in "/".
    body = b"".join(b"%s %s\0%s" % (mode, n.rstrip("/").encode(),
                                       bytes.fromhex(oid))
                    for n, mode, oid in sorted(entries))
    return pack.add(b"tree", body)


def repository(path, name, files):
    """A bare repository at path whose branch summary/NAME holds files."""
    pack = Pack()
    t = tree(pack, {k: v.encode() for k, v in files.items()})
    who = b"Coach <summary@school.example> 1764460800 +0000"
    c = pack.add(b"commit", b"tree %s\nauthor %s\ncommitter %s\n\n"
                 b"summary: %s\n" % (t.encode(), who, who, name.encode()))
    for d in ["objects/pack", "refs/heads"]:
        os.makedirs(os.path.join(path, d))
    pack.write(path)
    for f, text in [("HEAD", "ref: refs/heads/summary/%s\n" % name),
                    ("config", "[core]\n\trepositoryformatversion = 0\n"
                     "\tbare = true\n"),
                    ("packed-refs", "%s refs/heads/summary/%s\n" % (c, name))]:
        with open(os.path.join(path, f), "w") as out:
            out.write(text)


os.makedirs(DIR, exist_ok=True)
rnd = random.Random(SEED)
with open(os.path.join(DIR, "list"), "w") as lst:
    for i in range(N):
        name = "s%03d" % i
        path = os.path.join(DIR, name + ".git")
        repository(path, name, school(name, rnd))
        lst.write("%s %s\n" % (name, os.path.abspath(path)))
