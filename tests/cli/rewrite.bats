#!/usr/bin/env bats
# Rewriting hand-made records: each command changes only the values it
# means to change, and what it commits reads back (PyYAML, git show).
load helper

setup() {
	setup_scratch
	school_with_staff
	C=$BATS_TEST_TMPDIR/committed.md
}

# hand_file PATH FORMAT: a file written with printf's escapes, committed.
hand_file() {
	mkdir -p "$(dirname "$1")"
	printf -- "$2" >"$1"
	git add "$1"
	git commit -qm "hand: $1"
}

# committed PATH: the file as the last commit has it, in $C.
committed() {
	git show "HEAD:$1" >"$C"
}

goal_head='---\nid: g00000a\ntitle: Hand made\nstatus: active\nopened: 2026-10-01\nmeasure:\n  name: errors\n  baseline: 10\n  target: 0\n'

# Lists whose last item is empty: a measurement's notes, and a last key.
empty_items='measurements:\n- date: 2026-10-05\n  value: 8\n  notes:\n  -\nnotes:\n- first\n-\n'

@test "goal measure after lists whose last item is empty" {
	f=coaching/bob/goals/g00000a.md
	hand_file $f "${goal_head}${empty_items}---\nBody.\n"
	coach check >/dev/null
	run coach goal measure g00000a 5 --date 2026-10-07
	assert_status 0
	committed $f
	[ "$(yaml "$C" measurements)" = '[{"date": "2026-10-05", "value": 8, "notes": [null]}, {"date": "2026-10-07", "value": 5}]' ] ||
		fail "$(cat "$C")"
	[ "$(yaml "$C" notes)" = '["first", null]' ]
	[ "$(python3 "$FM" --body "$C")" = "Body." ]
	run coach goal list bob
	assert_status 0
	assert_output_has g00000a
	coach check >/dev/null
	assert_repo_sound
}

@test "goal status after a last key whose last item is empty" {
	f=coaching/bob/goals/g00000a.md
	hand_file $f "${goal_head}${empty_items}---\n"
	run coach goal status g00000a achieved --date 2026-10-20
	assert_status 0
	committed $f
	[ "$(yaml "$C" status)" = '"achieved"' ] || fail "$(cat "$C")"
	[ "$(yaml "$C" closed)" = '"2026-10-20"' ]
	[ "$(yaml "$C" notes)" = '["first", null]' ]
	run coach goal status g00000a active
	assert_status 0
	committed $f
	[ "$(yaml "$C" | python3 -c 'import json,sys; print(sorted(json.load(sys.stdin)))')" = \
		"['id', 'measure', 'measurements', 'notes', 'opened', 'status', 'title']" ] || fail "$(cat "$C")"
	[ "$(yaml "$C" notes)" = '["first", null]' ]
	coach check >/dev/null
	assert_repo_sound
}

@test "a BOM before a '---' in the front-matter keeps every key" {
	f=coaching/bob/goals/g00000a.md
	hand_file $f "---\n\xef\xbb\xbf${goal_head}---\nBody.\n"
	coach check >/dev/null
	run coach goal measure g00000a 5 --date 2026-10-07
	assert_status 0
	committed $f
	[ "$(yaml "$C" title)" = '"Hand made"' ] || fail "$(cat "$C")"
	[ "$(yaml "$C" measurements)" = '[{"date": "2026-10-07", "value": 5}]' ]
	[ "$(python3 "$FM" --body "$C")" = "Body." ]
	run coach goal list bob
	assert_output_has g00000a
	assert_repo_sound
}

@test "log -m keeps a leading U+FEFF and writes line endings that read back" {
	run coach log bob -m $'\xef\xbb\xbfstarts with a BOM'
	assert_status 0
	f=$(ls coaching/bob/log/*-"$output".md)
	committed "$f"
	python3 - "$C" <<'PY'
import sys
t = open(sys.argv[1], encoding="utf-8").read()
assert t.endswith("---\n\ufeffstarts with a BOM\n"), repr(t)
PY
	run coach log bob -m $'one\r\r\ntwo\rthree\r'
	assert_status 0
	f=$(ls coaching/bob/log/*-"$output".md)
	committed "$f"
	python3 - "$C" <<'PY'
import sys
t = open(sys.argv[1], "rb").read()
assert t.endswith(b"---\none\ntwo\rthree\n"), repr(t)
PY
	coach check >/dev/null
	assert_repo_sound
}
