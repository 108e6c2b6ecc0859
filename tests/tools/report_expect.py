#!/usr/bin/env python3
"""The figures of "coach report", computed independently of coach.

    report_expect.py DIR BY TODAY [SINCE|-] [UNTIL|-]
    report_expect.py --trust LIST BY TODAY [SINCE|-] [UNTIL|-]

Reads the records of the coach repository DIR with PyYAML and prints the
groups as JSON, in the shape of "coach report --format json" (without
"generated").  With --trust, LIST is a file of lines "NAME DIR", one per
school of a trust, and the figures are those of "coach report --trust":
the schools counted together, groups by school keyed by NAME, people as
"NAME/handle", the phases of every school each once.  A record that is a symbolic link, sits in a linked folder,
has no front-matter, or whose front-matter is not a YAML mapping or repeats
a key is left out, as coach(5) says.
"""
import datetime
import json
import math
import os
import statistics
import sys

import yaml

TRUST = sys.argv[1] == "--trust"
if TRUST:
    del sys.argv[1]
DIR, BY, TODAY = sys.argv[1], sys.argv[2], sys.argv[3]
SINCE = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] != "-" else None
UNTIL = sys.argv[5] if len(sys.argv) > 5 and sys.argv[5] != "-" else None
STATUSES = ["active", "achieved", "paused", "dropped"]
KINDS = ["meeting", "observation", "practice", "reflection", "evidence",
         "cpd", "note"]
OUTCOMES = ["met", "partly", "not-yet"]


# The C parser when PyYAML has it: the same documents, ten times faster.
class Strict(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


def no_dupes(loader, node, deep=False):
    keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
    if len(keys) != len(set(map(str, keys))):
        raise yaml.YAMLError("duplicate key")
    return loader.construct_mapping(node, deep)


Strict.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, no_dupes)
# Dates stay text, as coach reads them.
Strict.add_constructor("tag:yaml.org,2002:timestamp",
                       lambda l, n: l.construct_scalar(n))


def load(path):
    if os.path.islink(path):
        return None
    text = open(path, encoding="utf-8").read()
    lines = text.split("\n")
    if lines[0] != "---" or "---" not in lines[1:]:
        return None
    end = lines.index("---", 1)
    try:
        fm = yaml.load("\n".join(lines[1:end]), Loader=Strict)
    except yaml.YAMLError:
        return None
    return fm if isinstance(fm, dict) else None


def date(v):
    try:
        return datetime.date.fromisoformat(v) if isinstance(v, str) and \
            len(v) == 10 else None
    except ValueError:
        return None


def number(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v) if math.isfinite(v) else None


def text(v):
    return v if isinstance(v, str) else (
        str(v) if isinstance(v, (int, float)) and not isinstance(v, bool)
        else None)


def texts(v):
    if isinstance(v, list):
        out = [text(x) for x in v if not isinstance(x, (list, dict))]
    elif v is None or isinstance(v, dict):
        out = []
    else:
        out = [text(v)]
    seen = []
    for x in out:
        if x and x not in seen:
            seen.append(x)
    return seen


today = date(TODAY)
since, until = date(SINCE), date(UNTIL)
asof = until or today


def in_window(d):
    return not (since and d < since) and not (until and d > until)


def records(base, coachee, sub):
    d = os.path.join(base, "coaching", coachee, sub)
    if not os.path.isdir(d) or os.path.islink(d):
        return []
    out = []
    for name in sorted(os.listdir(d)):
        if name.endswith(".md"):
            fm = load(os.path.join(d, name))
            if fm is not None:
                out.append(fm)
    return out


def find(lst, i):
    for r in lst:
        if i is not None and text(r.get("id")) == text(i):
            return r
    return None


groups = {}


def group(key):
    if key not in groups:
        groups[key] = {
            "key": key,
            "goals": {s: 0 for s in STATUSES + ["other", "total"]},
            "cycles": {"phases": {p: 0 for p in phases + ["other"]},
                       "open": 0,
                       "completed": {o: 0 for o in
                                     ["total"] + OUTCOMES + ["none"]},
                       "overdue": 0, "days": []},
            "entries": {k: 0 for k in KINDS + ["other", "total"]},
            "meetings": 0, "cpd_hours": 0.0,
            "impact": {"measured": 0, "sum": 0.0},
        }
    return groups[key]


def progress(g):
    m = g.get("measure")
    if not isinstance(m, dict):
        return None
    base, target = number(m.get("baseline")), number(m.get("target"))
    ms = g.get("measurements")
    if base is None or target is None or base == target or \
            not isinstance(ms, list):
        return None
    best = None
    for it in ms:
        if not isinstance(it, dict):
            continue
        d, v = date(it.get("date")), number(it.get("value"))
        if d is None or v is None or not in_window(d):
            continue
        if best is None or d >= best[0]:
            best = (d, v)
    if best is None:
        return None
    return min(1.0, max(0.0, (best[1] - base) / (target - base)))


def count_school(DIR, NAME):
    config = yaml.safe_load(open(os.path.join(DIR, "coach.yml"))) or {}
    school = NAME or config.get("school") or "school"
    phases = config.get("cycle_phases") or [
        "plan", "model", "practise", "apply", "review"]
    staff = {}
    for name in (os.listdir(os.path.join(DIR, "staff"))
                 if os.path.isdir(os.path.join(DIR, "staff")) else []):
        fm = load(os.path.join(DIR, "staff", name))
        if fm is not None:
            staff[name[:-3]] = fm
    top = os.path.join(DIR, "coaching")
    coachees = sorted(n for n in (os.listdir(top) if os.path.isdir(top)
                                  else [])
                      if not os.path.islink(os.path.join(top, n)))
    agreements, goals, cycles, entries = {}, {}, {}, {}
    for c in coachees:
        p = os.path.join(DIR, "coaching", c, "agreement.md")
        if os.path.exists(p) and load(p) is not None:
            agreements[c] = load(p)
        goals[c] = records(DIR, c, "goals")
        cycles[c] = records(DIR, c, "cycles")
        entries[c] = records(DIR, c, "log")

    def keys(coachee, goal):
        st = staff.get(coachee, {})
        if BY == "school":
            k = [school]
        elif BY == "person":
            k = [coachee]
        elif BY == "coach":
            k = texts(agreements.get(coachee, {}).get("coach"))
        elif BY == "subject":
            k = texts(st.get("subjects"))
        elif BY == "phase":
            k = texts(st.get("phase"))
        elif BY == "priority":
            k = texts(goal.get("priority")) if goal else []
        else:
            k = texts(goal.get("strategies")) if goal else []
        if NAME and BY in ("person", "coach"):
            k = ["%s/%s" % (NAME, x) for x in k]
        return k or ["(none)"]

    if BY == "school":
        group(school)
    # By person and by coach, each relationship that has not ended has
    # its group, even without a goal or an entry.
    for c, ag in sorted(agreements.items()):
        st, ended = ag.get("status"), ag.get("ended")
        gone = st == "ended" if st is not None else ended not in (None, "")
        if BY in ("person", "coach") and not gone:
            for k in keys(c, None):
                group(k)
    for c in coachees:
        for g in goals[c]:
            opened, closed = date(g.get("opened")), date(g.get("closed"))
            if until and opened and opened > until:
                continue
            st = g.get("status")
            st = st if st in STATUSES else "other"
            if until and closed and closed > until:
                st = "active"
            p = progress(g)
            for k in keys(c, g):
                gr = group(k)
                gr["goals"][st] += 1
                gr["goals"]["total"] += 1
                if p is not None:
                    gr["impact"]["measured"] += 1
                    gr["impact"]["sum"] += p
        for cy in cycles[c]:
            started, closed = date(cy.get("started")), date(cy.get("closed"))
            if until and started and started > until:
                continue
            if since and closed and closed < since:
                continue
            cl = cy.get("closed")
            is_open = cl is None or cl == "" or (until and closed and
                                                 closed > until)
            goal = find(goals[c], cy.get("goal"))
            for k in keys(c, goal):
                cg = group(k)["cycles"]
                if is_open:
                    cg["open"] += 1
                    ph = cy.get("phase")
                    cg["phases"][ph if ph in phases and ph in all_phases else "other"] += 1
                    rv = date(cy.get("review"))
                    if rv and rv < asof:
                        cg["overdue"] += 1
                elif closed and in_window(closed):
                    cg["completed"]["total"] += 1
                    o = cy.get("outcome")
                    cg["completed"][o if o in OUTCOMES else "none"] += 1
                    if started and closed >= started:
                        cg["days"].append((closed - started).days)
        for e in entries[c]:
            d = date(e.get("date"))
            if d is None and (since or until):
                continue
            if d is not None and not in_window(d):
                continue
            kind = e.get("kind") if e.get("kind") in KINDS else "other"
            hours = 0.0
            if kind == "cpd":
                h = number(e.get("hours"))
                hours = h if h is not None and h >= 0 else 0.0
            gid = e.get("goal")
            if gid is None and e.get("cycle") is not None:
                cy = find(cycles[c], e.get("cycle"))
                gid = cy.get("goal") if cy else None
            goal = find(goals[c], gid)
            for k in keys(c, goal):
                gr = group(k)
                gr["entries"][kind] += 1
                gr["entries"]["total"] += 1
                gr["meetings"] += kind == "meeting"
                gr["cpd_hours"] += hours



schools = []
if TRUST:
    for line in open(DIR):
        if line.strip():
            name, d = line.split(None, 1)
            schools.append((d.strip(), name))
else:
    schools = [(DIR, None)]
all_phases = []
for d, _ in schools:
    c = yaml.safe_load(open(os.path.join(d, "coach.yml"))) or {}
    for p in c.get("cycle_phases") or [
            "plan", "model", "practise", "apply", "review"]:
        if p not in all_phases:
            all_phases.append(p)
phases = all_phases
for d, name in schools:
    count_school(d, name)

out = []
for key in sorted(groups, key=lambda k: (k == "(none)", k.encode())):
    g = groups[key]
    days = g["cycles"].pop("days")
    g["cycles"]["median_days"] = statistics.median(days) if days else None
    imp = g["impact"]
    imp["progress"] = imp["sum"] / imp["measured"] if imp["measured"] \
        else None
    del imp["sum"]
    out.append(g)
print(json.dumps({"by": BY, "groups": out}, indent=1))
