#!/usr/bin/env bats
load records

setup() {
	setup_scratch
	school_with_staff
	make_goal bob g1a2b3c
	make_entry bob 2026-11-20 e000001 meeting "Planning: cold call with a three-second pause." "goal: g1a2b3c"
	make_entry bob 2026-11-24 e000002 observation $'Drop-in: **14** pupils answered.\n\nSecond paragraph.' \
		"evidence:" "  - https://v.example/1" "  - coaching/bob/evidence/a.jpg"
	make_entry bob 2026-11-22 e000003 reflection "" "private: true"
	make_entry cy 2026-11-23 e0000c1 meeting "Cy's meeting."
}

@test "entries lists the coachee's entries newest first, one line each" {
	run --separate-stderr coach entries bob
	assert_status 0
	expected="2026-11-24  observation  e000002  Drop-in: 14 pupils answered.
2026-11-22  reflection   e000003  (private) (no text)
2026-11-20  meeting      e000001  Planning: cold call with a three-second pause."
	[ "$output" = "$expected" ] || fail "got:" "$output" "expected:" "$expected"
	[ -z "$stderr" ] || fail "stderr: $stderr"
}

@test "entries defaults to the current user" {
	make_entry ada 2026-11-01 e0000a1 cpd "Trust CPD day." "hours: 2"
	run coach entries
	assert_status 0
	[ "$output" = "2026-11-01  cpd          e0000a1  Trust CPD day." ]
}

@test "entries of a coachee with no entries prints nothing on stdout" {
	run --separate-stderr coach entries ada
	assert_status 0
	[ -z "$output" ]
	[[ "$stderr" == "no entries for ada; write one with 'coach log ada -m TEXT'" ]] || fail "$stderr"
}

@test "entries filters by kind" {
	run coach entries bob --kind observation
	assert_status 0
	[ "$output" = "2026-11-24  observation  e000002  Drop-in: 14 pupils answered." ]
}

@test "entries filters by goal prefix" {
	run coach entries bob --goal g1a2
	assert_status 0
	[ "$output" = "2026-11-20  meeting      e000001  Planning: cold call with a three-second pause." ]
}

@test "entries filters by date, both ends included" {
	run coach entries bob --since 2026-11-22
	assert_status 0
	[ "$(echo "$output" | cut -c1-10 | tr '\n' ' ')" = "2026-11-24 2026-11-22 " ]
	run coach entries bob --until 2026-11-22
	assert_status 0
	[ "$(echo "$output" | cut -c1-10 | tr '\n' ' ')" = "2026-11-22 2026-11-20 " ]
	run coach entries bob --since 2026-11-21 --until 2026-11-23
	assert_status 0
	[ "$(echo "$output" | cut -c1-10 | tr '\n' ' ')" = "2026-11-22 " ]
	run --separate-stderr coach entries bob --since yesterday
	assert_status 0
	[ -z "$output" ]
}

@test "entries --grep searches the bodies, ignoring case" {
	run coach entries bob --grep "COLD CALL"
	assert_status 0
	[ "$output" = "2026-11-20  meeting      e000001  Planning: cold call with a three-second pause." ]
	run coach entries bob --grep "second paragraph"
	assert_status 0
	[[ "$output" == "2026-11-24  observation  e000002"* ]] || fail "$output"
	run --separate-stderr coach entries bob --grep nowhere
	assert_status 0
	[ -z "$output" ]
	[[ "$stderr" == "no entries of bob's match"* ]] || fail "$stderr"
}

@test "entries --format json gives every field, bodies included" {
	run --separate-stderr coach entries bob --format json
	assert_status 0
	python3 - "$output" <<-'END'
	import json, sys
	v = json.loads(sys.argv[1])
	assert [e["id"] for e in v] == ["e000002", "e000003", "e000001"], v
	keys = ["id", "date", "kind", "author", "goal", "cycle", "evidence",
	        "hours", "private", "path", "first_line", "body"]
	for e in v:
	    assert list(e) == keys, list(e)
	o, r, m = v
	assert o["evidence"] == ["https://v.example/1", "coaching/bob/evidence/a.jpg"]
	assert o["body"] == "Drop-in: **14** pupils answered.\n\nSecond paragraph.\n", repr(o["body"])
	assert o["first_line"] == "Drop-in: 14 pupils answered.", o["first_line"]
	assert o["path"] == "coaching/bob/log/2026-11-24-e000002.md"
	assert o["private"] is False and r["private"] is True
	assert r["body"] == "" and r["first_line"] == ""
	assert m["goal"] == "g1a2b3c" and o["goal"] is None and m["cycle"] is None
	assert m["date"] == "2026-11-20" and m["author"] == "ada" and m["kind"] == "meeting"
	assert m["hours"] is None
	END
}

@test "entries --format json of no entries is an empty array" {
	run coach entries ada --format json
	assert_status 0
	[ "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]))' "$output")" = "[]" ]
}

@test "entries json gives CPD hours as a number" {
	make_entry ada 2026-11-01 e0000a1 cpd "Day." "hours: 2.5"
	run coach entries --format json
	assert_status 0
	[ "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])[0]["hours"])' "$output")" = 2.5 ]
}

@test "entries cuts long first lines to the terminal's width" {
	long=$(printf 'word %.0s' $(seq 1 60))
	make_entry ada 2026-11-02 e0000a2 note "$long"
	COLUMNS=60 run coach entries
	assert_status 0
	python3 - "$output" <<-'END'
	import sys
	line = sys.argv[1]
	assert len(line) <= 60, (len(line), line)
	assert line.endswith("…"), line
	assert line.startswith("2026-11-02  note         e0000a2  word word"), line
	END
}

@test "entries leaves out a broken record with a warning and lists the rest" {
	printf 'no front matter\n' >coaching/bob/log/2026-11-23-e0000ff.md
	run --separate-stderr coach entries bob
	assert_status 0
	[ "$(echo "$output" | wc -l)" -eq 3 ]
	[[ "$stderr" == *"coach: warning: "*"coaching/bob/log/2026-11-23-e0000ff.md"* ]] || fail "stderr: $stderr"
}

@test "entries sees hand edits not yet committed" {
	sed -i 's/^kind: meeting$/kind: practice/' coaching/bob/log/2026-11-20-e000001.md
	run coach entries bob --kind practice
	assert_status 0
	[[ "$output" == "2026-11-20  practice     e000001"* ]] || fail "$output"
}

@test "entries keeps control characters in a body off the terminal" {
	make_entry ada 2026-11-03 e0000a3 note $'Bell \e]0;owned\a here'
	run coach entries
	assert_status 0
	[[ "$output" != *$'\e'* ]] || fail "escape reached the output"
}

@test "entries refuses an unknown coachee" {
	run coach entries dan
	assert_status 1
	assert_output_has "coach: no member of staff 'dan'"
}

@test "entries refuses a bad kind, a bad date and a reversed range" {
	run coach entries bob --kind lesson
	assert_status 1
	assert_output_has "coach: --kind: 'lesson' is not a kind of entry"
	run coach entries bob --since 2026-13-01
	assert_status 1
	assert_output_has "coach: --since: '2026-13-01' is not a date"
	run coach entries bob --until never
	assert_status 1
	assert_output_has "coach: --until: 'never' is not a date"
	run coach entries bob --since 2026-11-24 --until 2026-11-20
	assert_status 1
	assert_output_has "after --until"
}

@test "entries refuses a goal of another coachee" {
	make_goal cy g7e7e7e
	run coach entries bob --goal g7e7
	assert_status 1
	assert_output_has "coach: --goal g7e7: that goal is cy's, not bob's"
}

@test "entries usage errors exit 2" {
	run coach entries bob --format xml
	assert_status 2
	assert_output_has "--format takes text or json"
	run coach entries bob cy
	assert_status 2
	run coach entries --since
	assert_status 2
	run coach entries --nope
	assert_status 2
	assert_output_has "usage: coach entries"
}

@test "entries lists what log writes" {
	id=$(abbrev coach log cy --kind observation -m "Phonics *drop-in*.")
	run coach entries cy
	assert_status 0
	[ "$(echo "$output" | head -1)" = "2026-11-26  observation  $id  Phonics drop-in." ]
}

@test "entries of one day come newest first, in the order they were written" {
	school_with_staff
	for i in 1 2 3 4; do
		coach log bob -m "entry $i" >/dev/null
	done
	run coach entries bob
	assert_status 0
	[ "$(printf '%s\n' "$output" | awk '{print $NF}' | tr '\n' ' ')" = "4 3 2 1 " ] || fail "$output"
	run coach status bob
	assert_output_has "entry 4"
	assert_output_lacks "entry 1"
}

@test "entries --goal without a coachee takes the goal's owner from its id" {
	run --separate-stderr coach entries --goal g1a2b3c
	assert_status 0
	[ "$output" = "2026-11-20  meeting      e000001  Planning: cold call with a three-second pause." ] ||
		fail "got: $output"
	run coach entries --goal g9999
	assert_status 1
	assert_output_has "--goal"
}

@test "entries --kind cpd: each entry's hours and the total, as in the files" {
	coach log bob --kind cpd --hours 1.5 -m "Workshop on retrieval" --date 2026-11-02 >/dev/null
	coach log bob --kind cpd --hours 2.25 -m "Reading group" --private --date 2026-11-03 >/dev/null
	coach log bob --kind cpd -m "No hours given" --date 2026-11-04 >/dev/null
	coach log bob --kind meeting -m "Not CPD" --date 2026-11-05 >/dev/null
	run coach entries bob --kind cpd
	assert_status 0
	want=$(python3 -c '
import glob, sys, yaml
t = 0.0
for p in glob.glob("coaching/bob/log/*.md"):
    fm = yaml.safe_load(open(p).read().split("---\n")[1])
    if fm["kind"] == "cpd":
        t += float(fm.get("hours") or 0)
print("%g" % t)')
	assert_output_has "Total: $want hours in 3 entries"
	assert_output_has "1.5h"
	assert_output_has "2.25h"
	assert_output_has "0h"
	assert_output_lacks "Not CPD"
	# Other kinds show no hours and no total.
	run coach entries bob
	assert_output_lacks "Total:"
}
