#!/usr/bin/env python3
"""Writes a large coach(5) school into a new git repository.

    school_gen.py DIR [--teachers N] [--entries N] [--seed S]

DIR must not exist.  The school has N teachers (default 3000), each with a
staff record, a coaching agreement, two to four goals (most with a measure
and a few measurements), a cycle or two per goal and about --entries
(default 27) dated log entries with a short body.  With the defaults that
is about 110,000 records.  Every record is valid, so that "coach check"
has the whole tree to read and nothing to say.  The files are written
straight to disk and committed once with plain git (git add -A), which
takes seconds, not the hours one coach command per record would.  The
same arguments give the same files.
"""
import argparse
import datetime
import os
import random
import subprocess
import sys

SUBJECTS = ["maths", "english", "science", "history", "geography", "art",
            "music", "pe", "computing", "french", "spanish", "drama", "re"]
PHASES = ["plan", "model", "practise", "apply", "review"]
KINDS = ["meeting", "meeting", "meeting", "observation", "practice",
         "reflection", "evidence", "cpd", "note"]
PRIORITIES = ["reading", "behaviour", "attendance", "oracy", "send",
              "feedback"]
STRATEGIES = ["cold-call", "wait-time", "hinge-questions", "show-me",
              "turn-and-talk", "worked-examples", "retrieval-practice",
              "exit-tickets", "modelling", "no-opt-out", "checking",
              "routines"]
WORDS = ("pupils answered the hinge question quickly and most chose the "
         "right option so we moved on and practised the routine again with "
         "the back row who needed another go at the transition before the "
         "task began the class settled faster than last week").split()
START = datetime.date(2025, 9, 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--teachers", type=int, default=3000)
    ap.add_argument("--entries", type=int, default=27)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if os.path.exists(a.dir):
        sys.exit("school_gen.py: %s exists" % a.dir)
    rnd = random.Random(a.seed)
    used = set()
    made = set()
    count = 0

    def new_id(letter):
        while True:
            i = letter + "%06x" % rnd.getrandbits(24)
            if i not in used:
                used.add(i)
                return i

    def day(lo, hi):
        return START + datetime.timedelta(days=rnd.randint(lo, hi))

    def write(path, fm, body=""):
        nonlocal count
        full = os.path.join(a.dir, path)
        d = os.path.dirname(full)
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)
        with open(full, "w") as f:
            f.write("---\n" + fm + "---\n" + body)
        count += 1

    def body(n):
        return " ".join(rnd.choice(WORDS) for _ in range(n)).capitalize() \
            + ".\n"

    os.makedirs(a.dir)
    subprocess.run(["git", "init", "-q", "-b", "main", a.dir], check=True)
    with open(os.path.join(a.dir, "coach.yml"), "w") as f:
        f.write("school: Bench Academy\nschool_id: bench\n"
                "year_start: 09-01\ncycle_model: steplab\n")
    for p in PRIORITIES:
        write("priorities/%s.md" % p, "title: Priority %s\nyear: 2025-26\n"
              "status: active\n" % p, body(40))
    for s in STRATEGIES:
        write("framework/%s.md" % s, "title: Strategy %s\narea: teaching\n"
              "criteria:\n  - %s\n  - %s\n" % (s, body(6).strip(),
                                               body(6).strip()), body(60))
    teachers = ["t%04d" % i for i in range(a.teachers)]
    coaches = teachers[: max(1, a.teachers // 10)]
    for t in teachers:
        subj = rnd.sample(SUBJECTS, rnd.choice([1, 1, 1, 2]))
        write("staff/%s.md" % t, "name: Teacher %s\nemail: %s@bench.example"
              "\nrole: teacher\nsubjects: [%s]\nphase: %s\ncoach: %s\n"
              "joined: %s\n" % (t[1:], t, ", ".join(subj),
                                rnd.choice(["primary", "secondary"]),
                                "true" if t in coaches else "false",
                                day(-2000, 0)))
    for t in teachers:
        cs = rnd.sample(coaches, rnd.choice([1, 1, 2]))
        write("coaching/%s/agreement.md" % t,
              "coachee: %s\ncoach: [%s]\nstarted: %s\ncadence: %s\n"
              "focus: %s\nstatus: active\n" % (
                  t, ", ".join(cs), day(0, 20),
                  rnd.choice(["weekly", "fortnightly", "every 3 weeks"]),
                  rnd.choice(WORDS)), body(50))
        gids, cids = [], []
        for _ in range(rnd.randint(2, 4)):
            gid = new_id("g")
            gids.append(gid)
            opened = day(0, 120)
            st = rnd.choice(["active", "active", "active", "achieved",
                             "paused"])
            fm = ("id: %s\ntitle: %s\nstatus: %s\nopened: %s\n"
                  "priority: %s\nstrategies: [%s]\n" % (
                      gid, body(5).strip(), st, opened,
                      rnd.choice(PRIORITIES),
                      ", ".join(rnd.sample(STRATEGIES, 2))))
            if st == "achieved":
                fm += "closed: %s\n" % (opened + datetime.timedelta(
                    days=rnd.randint(20, 60)))
            if rnd.random() < 0.8:
                base = rnd.randint(0, 40)
                target = base + rnd.randint(10, 50)
                fm += ("measure: {name: pupils on task, unit: '%%', "
                       "baseline: %d, target: %d}\nmeasurements:\n" % (
                           base, target))
                for k in range(rnd.randint(1, 5)):
                    fm += "  - {date: %s, value: %d}\n" % (
                        opened + datetime.timedelta(days=7 * (k + 1)),
                        base + rnd.randint(-5, target - base + 5))
            write("coaching/%s/goals/%s.md" % (t, gid), fm, body(30))
            for _ in range(rnd.randint(1, 2)):
                cid = new_id("c")
                cids.append(cid)
                started = opened + datetime.timedelta(
                    days=rnd.randint(0, 20))
                fm = ("id: %s\ngoal: %s\nstep: %s\nphase: %s\n"
                      "started: %s\nreview: %s\n" % (
                          cid, gid, body(8).strip(), rnd.choice(PHASES),
                          started, started + datetime.timedelta(days=14)))
                if rnd.random() < 0.5:
                    fm += "closed: %s\noutcome: %s\n" % (
                        started + datetime.timedelta(
                            days=rnd.randint(7, 40)),
                        rnd.choice(["met", "partly", "not-yet"]))
                write("coaching/%s/cycles/%s.md" % (t, cid), fm, body(20))
        for _ in range(max(0, a.entries + rnd.randint(-5, 5))):
            eid = new_id("e")
            d = day(0, 300)
            kind = rnd.choice(KINDS)
            fm = "id: %s\ndate: %s\nkind: %s\nauthor: %s\n" % (
                eid, d, kind, rnd.choice(cs))
            if rnd.random() < 0.6:
                fm += "goal: %s\n" % rnd.choice(gids)
            elif rnd.random() < 0.5:
                fm += "cycle: %s\n" % rnd.choice(cids)
            if kind == "cpd":
                fm += "hours: %s\n" % rnd.choice(["1", "1.5", "2", "3"])
            if rnd.random() < 0.1:
                fm += "private: true\n"
            write("coaching/%s/log/%s-%s.md" % (t, d, eid), fm,
                  "# %s\n\n%s\n%s" % (body(6).strip(), body(40),
                                      body(rnd.randint(20, 120))))
    env = dict(os.environ, GIT_AUTHOR_NAME="Bench Mark",
               GIT_AUTHOR_EMAIL="bench@bench.example",
               GIT_COMMITTER_NAME="Bench Mark",
               GIT_COMMITTER_EMAIL="bench@bench.example",
               GIT_AUTHOR_DATE="2026-07-20T12:00:00Z",
               GIT_COMMITTER_DATE="2026-07-20T12:00:00Z")
    subprocess.run(["git", "-C", a.dir, "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", a.dir, "-c", "gc.auto=0", "commit", "-q", "-m",
                    "A generated school"], check=True, env=env)
    print("%s: %d teachers, %d records" % (a.dir, a.teachers, count))


if __name__ == "__main__":
    main()
