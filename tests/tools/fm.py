#!/usr/bin/env python3
"""Reads coach records with an independent parser (PyYAML, cmark).

    fm.py FILE            the front-matter as JSON (exit 1 if not a mapping)
    fm.py FILE KEY...     the value at KEY (nested keys, list indexes) as JSON
    fm.py --body FILE     the body, exactly
    fm.py --yaml FILE     a plain YAML file (coach.yml) as JSON

Dates come back as strings "YYYY-MM-DD" so tests can compare them.
"""
import datetime
import json
import sys

import yaml


def load(path, plain=False):
    with open(path, "rb") as f:
        data = f.read().decode("utf-8")
    if data.startswith("\ufeff"):
        data = data[1:]
    data = data.replace("\r\n", "\n")
    if plain:
        return yaml.safe_load(data), ""
    lines = data.split("\n")
    if lines[0] != "---":
        sys.exit("%s: no opening ---" % path)
    try:
        end = lines.index("---", 1)
    except ValueError:
        sys.exit("%s: no closing ---" % path)
    fm = yaml.safe_load("\n".join(lines[1:end]))
    if fm is None:
        fm = {}
    if not isinstance(fm, dict):
        sys.exit("%s: front-matter is not a mapping" % path)
    return fm, "\n".join(lines[end + 1:])


def default(o):
    if isinstance(o, (datetime.date, datetime.datetime)):
        return o.isoformat()
    raise TypeError(repr(o))


def main(argv):
    if argv[:1] == ["--body"]:
        sys.stdout.write(load(argv[1])[1])
        return 0
    plain = argv[:1] == ["--yaml"]
    if plain:
        argv = argv[1:]
    value, _ = load(argv[0], plain)
    for key in argv[1:]:
        if isinstance(value, list):
            value = value[int(key)]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            sys.exit("no key %s" % key)
    print(json.dumps(value, default=default, ensure_ascii=False, sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
