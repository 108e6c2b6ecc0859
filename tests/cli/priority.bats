#!/usr/bin/env bats
load helper

json_str() {
	python3 -c 'import json, sys; print(json.dumps(sys.argv[1], ensure_ascii=False))' "$1"
}

# refused STATUS TEXT ARGS...: coach ARGS exits with STATUS and a
# "coach: " message containing TEXT, and writes and commits nothing.
refused() {
	local want=$1 text=$2 head
	shift 2
	head=$(git rev-parse HEAD)
	run coach "$@"
	assert_status "$want"
	assert_output_has "coach: "
	assert_output_has "$text"
	[ "$(git rev-parse HEAD)" = "$head" ] || fail "a commit was made"
	[ -z "$(git status --porcelain --untracked-files=all)" ] ||
		fail "files were written:" "$(git status --porcelain --untracked-files=all)"
}

# set_year_start MM-DD: coach.yml's year_start, committed.
set_year_start() {
	python3 - "$1" <<'EOF'
import re, sys
t = open("coach.yml").read()
t, n = re.subn(r"(?m)^year_start:.*$", 'year_start: "%s"' % sys.argv[1], t)
if n == 0:
    t += 'year_start: "%s"\n' % sys.argv[1]
open("coach.yml", "w").write(t)
EOF
	git commit -qam "year_start"
}

@test "priority add writes title, the current school year and status" {
	new_school
	before=$(commit_count)
	run coach priority add reading "Reading for pleasure"
	assert_status 0
	[ "$(yaml priorities/reading.md)" = '{"title": "Reading for pleasure", "year": "2026-27", "status": "active"}' ]
	[ "$(commit_count)" -eq $((before + 1)) ]
	[ "$(git log -1 --format=%s)" = "priority add: reading" ]
	assert_repo_sound
}

@test "priority add: the school year turns on year_start" {
	new_school
	COACH_TODAY=2026-08-31 coach priority add a A >/dev/null
	COACH_TODAY=2026-09-01 coach priority add b B >/dev/null
	COACH_TODAY=2027-01-15 coach priority add c C >/dev/null
	[ "$(yaml priorities/a.md year)" = '"2025-26"' ]
	[ "$(yaml priorities/b.md year)" = '"2026-27"' ]
	[ "$(yaml priorities/c.md year)" = '"2026-27"' ]
	set_year_start 04-01
	COACH_TODAY=2026-03-31 coach priority add d D >/dev/null
	COACH_TODAY=2026-04-01 coach priority add e E >/dev/null
	COACH_TODAY=2099-12-31 coach priority add f F >/dev/null
	[ "$(yaml priorities/d.md year)" = '"2025-26"' ]
	[ "$(yaml priorities/e.md year)" = '"2026-27"' ]
	[ "$(yaml priorities/f.md year)" = '"2099-00"' ]
	assert_repo_sound
}

@test "priority add --year takes a school year" {
	new_school
	run coach priority add old "Old one" --year 2024-25
	assert_status 0
	[ "$(yaml priorities/old.md year)" = '"2024-25"' ]
	for y in 2026 2026-28 26-27 2026-2027 2026/27 x; do
		refused 1 "--year: '$y' is not a school year" priority add p P --year "$y"
	done
}

@test "priority add refuses a year_start that is not MM-DD, naming coach.yml" {
	new_school
	set_year_start 13-01
	refused 1 "coach.yml" priority add p P
	assert_output_has "year_start"
	run coach priority add p P --year 2026-27
	assert_status 0
}

@test "priority add refusals write nothing" {
	new_school
	coach priority add reading Reading >/dev/null
	refused 1 "priority 'reading' already exists; edit priorities/reading.md or use coach edit" \
		priority add reading Again
	for id in Reading "a b" ../x .x a/b; do
		refused 1 "invalid priority id" priority add "$id" T
	done
	refused 2 "ID and a TITLE" priority add only
	refused 2 "one ID and one TITLE" priority add a b c
	refused 2 "TITLE" priority add a ""
	refused 2 "unknown option '--yr'" priority add a A --yr 2026-27
	refused 2 "needs a value" priority add a A --year
	refused 1 "control character" priority add a $'A\033]0;x'
}

@test "priority add reads hostile titles back identically" {
	new_school
	i=0
	for v in "Oracy: \"talk\" #2" yes no null 1.5 2026-01-01 $'two\nlines' "Ünïcödé 😀" "-dash" "{a: b}"; do
		i=$((i + 1))
		run coach priority add "p$i" -- "$v"
		assert_status 0
		[ "$(yaml "priorities/p$i.md" title)" = "$(json_str "$v")" ] || fail "title $v"
	done
	assert_repo_sound
}

@test "priority list shows active priorities; --all adds retired ones" {
	new_school
	coach priority add reading "Reading for pleasure" >/dev/null
	coach priority add oracy Oracy --year 2025-26 >/dev/null
	coach priority retire oracy >/dev/null
	run coach priority list
	assert_status 0
	expected="ID       TITLE                 YEAR     STATUS
reading  Reading for pleasure  2026-27  active
(1 retired; see them with --all)"
	[ "$output" = "$expected" ] || fail "got:" "$output"
	run coach priority list --all
	expected="ID       TITLE                 YEAR     STATUS
oracy    Oracy                 2025-26  retired
reading  Reading for pleasure  2026-27  active"
	[ "$output" = "$expected" ] || fail "got:" "$output"
	run coach priority
	assert_output_has "reading  Reading for pleasure"
}

@test "priority list --format json" {
	new_school
	coach priority add reading "Reading" >/dev/null
	coach priority add oracy Oracy >/dev/null
	coach priority retire oracy >/dev/null
	run coach priority list --format json
	assert_status 0
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d == [{"id": "reading", "title": "Reading", "year": "2026-27", "status": "active"}], d
'
	run coach priority list --all --format json
	[ "$(echo "$output" | python3 -c 'import json,sys; print([p["id"] for p in json.load(sys.stdin)])')" = "['oracy', 'reading']" ]
}

@test "priority list with none says how to add one" {
	new_school
	run coach priority list
	assert_status 0
	assert_output_has "coach priority add"
	refused 2 "no arguments" priority list x
	refused 2 "--format" priority list --format csv
}

@test "priority retire changes only the status line" {
	new_school
	coach priority add reading Reading >/dev/null
	sed -i '2i # our own comment' priorities/reading.md
	git commit -qam "hand edit"
	run coach priority retire reading
	assert_status 0
	[ "$(yaml priorities/reading.md status)" = '"retired"' ]
	[ "$(git log -1 --format=%s)" = "priority retire: reading" ]
	[ "$(git diff --numstat HEAD~1 HEAD)" = "1	1	priorities/reading.md" ]
	grep -qx '# our own comment' priorities/reading.md
	refused 1 "already retired" priority retire reading
	refused 1 "no priority 'nope'" priority retire nope
	assert_repo_sound
}
