#!/usr/bin/env bats
# Ids as agenda, status, diff and history show them: the shortest prefix
# of at least 7 characters that no other id of its kind starts with, as
# the lists show them; and every prefix shown is taken back by commands.
load helper

# put PATH LINE...: a record of those front-matter lines, by hand.
put() {
	local path=$1
	shift
	mkdir -p "$(dirname "$path")"
	{ echo ---; printf '%s\n' "$@"; echo ---; echo "Said at the time."; } >"$path"
}

# Two coachees whose goals, cycles and entries share 7 characters of
# their ids in pairs, across the two folders.
setup() {
	setup_scratch
	school_with_staff
	coach agree bob --coach ada >/dev/null
	coach agree cy --coach ada >/dev/null
	put coaching/bob/goals/g3f9a1c0d2e4b.md 'id: g3f9a1c0d2e4b' \
		'title: Long one' 'status: active' 'opened: 2026-11-01'
	put coaching/cy/goals/g3f9a1c9e8d7c.md 'id: g3f9a1c9e8d7c' \
		'title: Long two' 'status: active' 'opened: 2026-11-02'
	put coaching/bob/cycles/c5d5d5d0aaaaa.md 'id: c5d5d5d0aaaaa' \
		'goal: g3f9a1c0d2e4b' 'step: Wait three seconds' 'phase: plan' \
		'started: 2026-11-02'
	put coaching/cy/cycles/c5d5d5d1bbbbb.md 'id: c5d5d5d1bbbbb' \
		'goal: g3f9a1c9e8d7c' 'step: Cold call' 'phase: plan' \
		'started: 2026-11-03'
	put coaching/bob/log/2026-11-20-e7e7e7e0aaaaa.md 'id: e7e7e7e0aaaaa' \
		'date: 2026-11-20' 'kind: meeting' 'author: ada'
	put coaching/cy/log/2026-11-21-e7e7e7e1bbbbb.md 'id: e7e7e7e1bbbbb' \
		'date: 2026-11-21' 'kind: meeting' 'author: ada'
	git add -A
	git commit -qm "by hand"
}

# Every id-like word of the output.
ids_in() {
	grep -oE '\b[gce][0-9a-f]{7,12}\b' <<<"$1" | sort -u
}

# Each id shown is a prefix that show takes, and names the record whose
# full id starts with it.
assert_ids_taken() {
	local id
	for id in $(ids_in "$1"); do
		run coach show "$id" --raw
		[ "$status" -eq 0 ] || fail "show $id: $output"
		grep -q "^id: $id" <<<"$output" || fail "show $id shows: $output"
	done
}

@test "status shows each id as its shortest unique prefix, which commands take" {
	run coach status bob
	assert_status 0
	assert_output_has "  g3f9a1c0  Long one"
	assert_output_has "      cycle c5d5d5d0  plan: Wait three seconds"
	assert_output_has "Last meeting: 2026-11-20 (6 days ago)  e7e7e7e0  Said at the time."
	assert_output_has "Last entry:   2026-11-20 (6 days ago)  meeting  e7e7e7e0  Said at the time."
	[ "$(ids_in "$output" | tr '\n' ' ')" = "c5d5d5d0 e7e7e7e0 g3f9a1c0 " ] ||
		fail "ids: $(ids_in "$output")"
	assert_ids_taken "$output"
	# A new id, unlike any other, shows 7.
	new=$(coach goal add bob "Made now")
	run coach status bob
	assert_output_has "  ${new:0:7}  Made now"
	assert_output_lacks "${new:0:8}"
	assert_ids_taken "$output"
	# The coach's view too.
	run coach status
	assert_status 0
	# JSON keeps whole ids.
	run coach status bob --format json
	python3 -c 'import json,sys; d=json.load(sys.stdin); ids=[g["id"] for g in d["goals"]]; assert "g3f9a1c0d2e4b" in ids, ids; assert d["last_meeting"]["id"] == "e7e7e7e0aaaaa"' <<<"$output"
}

@test "an uncommitted id in the coachee's own folder counts" {
	put coaching/bob/goals/g3f9a1c0d2e4c.md 'id: g3f9a1c0d2e4c' \
		'title: Made by hand' 'status: active' 'opened: 2026-11-05'
	run coach status bob
	assert_status 0
	assert_output_has "  g3f9a1c0d2e4b  Long one"
	assert_output_has "  g3f9a1c0d2e4c  Made by hand"
	assert_ids_taken "$output"
}

@test "agenda shows unique prefixes, which commands take" {
	run coach agenda bob
	assert_status 0
	assert_output_has "  c5d5d5d0: Wait three seconds"
	assert_output_has "  g3f9a1c0 Long one:"
	assert_ids_taken "$output"
	run coach agenda bob --format markdown
	assert_output_has "- **c5d5d5d0**: Wait three seconds"
	assert_ids_taken "$output"
	run coach agenda bob --format json
	assert_output_has '"c5d5d5d0aaaaa"'
}

@test "diff and history show unique prefixes, which commands take" {
	run coach diff bob --since 2020-01-01
	assert_status 0
	assert_output_has "new goal g3f9a1c0: \"Long one\""
	assert_output_has "new cycle c5d5d5d0 on goal g3f9a1c0, phase plan"
	assert_output_has "new meeting e7e7e7e0, dated 2026-11-20"
	assert_ids_taken "$output"
	run coach history bob
	assert_status 0
	assert_output_has "new goal g3f9a1c0: \"Long one\""
	assert_output_has "new meeting e7e7e7e0, dated 2026-11-20"
	assert_ids_taken "$output"
	# Since the last meeting: the meeting is named by its prefix.
	coach log bob -m "Later" >/dev/null
	run coach diff bob
	assert_status 0
	assert_output_has "since the meeting e7e7e7e0 of 2026-11-20"
	assert_ids_taken "$output"
}
