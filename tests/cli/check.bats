#!/usr/bin/env bats
# coach check: output format, order, exit statuses, --strict, --format
# json, parse errors, hand edits, and hostile files.
load helper
load school_by_hand

setup() {
	setup_scratch
	school_by_hand
}

G=coaching/bob/goals/g111111.md
E=coaching/bob/log/2026-11-20-e333333.md

@test "a clean school: exit 0, nothing on stdout, the summary on stderr" {
	run --separate-stderr coach check
	assert_status 0
	[ -z "$output" ] || fail "stdout: $output"
	[ "$stderr" = "0 errors, 0 warnings in 9 files" ] || fail "stderr: $stderr"
}

@test "problems are sorted by path then line, one per line" {
	set_line $G 5 "opened: soon"
	set_line $G 4 "status: done"
	set_line staff/ada.md 7 "coach: maybe"
	set_line $E 4 "kind: chat"
	run --separate-stderr coach check
	assert_status 1
	local expected
	expected="$G:4: error: 'status' must be one of active, achieved, paused, dropped, not 'done'
$G:5: error: 'opened' must be a date YYYY-MM-DD, not 'soon'
$E:4: error: 'kind' must be one of meeting, observation, practice, reflection, evidence, cpd, note, not 'chat'
staff/ada.md:7: error: 'coach' must be true or false, not 'maybe'"
	[ "$output" = "$expected" ] || fail "got:" "$output" "expected:" "$expected"
	[ "$stderr" = "coach: 4 errors, 0 warnings in 9 files" ] || fail "stderr: $stderr"
}

@test "hand edits and untracked files are checked, and check writes nothing" {
	set_line $G 4 "status: done"
	mkdir -p coaching/bob/cycles
	printf -- '---\nid: c777777\ngoal: g111111\n---\n' >coaching/bob/cycles/c777777.md
	local head before
	head=$(git rev-parse HEAD)
	before=$(git status --porcelain)
	run coach check
	assert_status 1
	assert_line "$G:4: error: 'status' must be one of active, achieved, paused, dropped, not 'done'"
	assert_line "coaching/bob/cycles/c777777.md:1: error: missing required key 'step': add a line 'step: ...' with text"
	assert_output_has "in 10 files"
	[ "$(git rev-parse HEAD)" = "$head" ] || fail "a commit was made"
	[ "$(git status --porcelain)" = "$before" ] || fail "the work tree changed"
}

@test "--format json: counts and problems, parsed by python" {
	set_line $G 4 "status: done"
	echo x >staff/notes.txt
	run --separate-stderr coach check --format json
	assert_status 1
	echo "$output" | python3 -m json.tool >/dev/null || fail "not JSON: $output"
	run python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["errors"] == 1, d
assert d["warnings"] == 1, d
assert d["files"] == 9, d
p = d["problems"]
assert len(p) == 2, p
assert p[0] == {"path": "coaching/bob/goals/g111111.md", "line": 4, "severity": "error",
    "message": "'"'"'status'"'"' must be one of active, achieved, paused, dropped, not '"'"'done'"'"'"}, p[0]
assert p[1]["path"] == "staff/notes.txt" and p[1]["line"] == 0 and p[1]["severity"] == "warning", p[1]
' "$output"
	assert_status 0
}

@test "--format json of a clean school" {
	run --separate-stderr coach check --format json
	assert_status 0
	run python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["errors"]==0 and d["warnings"]==0 and d["problems"]==[]' "$output"
	assert_status 0
}

@test "usage errors exit 2" {
	run coach check extra
	assert_status 2
	assert_output_has "coach: check: unexpected argument 'extra'"
	run coach check --format xml
	assert_status 2
	assert_output_has "--format takes text or json, not 'xml'"
	run coach check --bogus
	assert_status 2
	run coach check --format
	assert_status 2
}

@test "colour only when asked (or on a terminal)" {
	set_line $G 4 "status: done"
	NO_COLOR= run coach --color=always check
	assert_status 1
	[[ "$output" == *$'\033[31m'error* ]] || fail "no colour: $output"
	run coach check
	[[ "$output" != *$'\033['* ]] || fail "colour without a terminal"
}

@test "YAML syntax errors are reported with their line" {
	set_line $G 4 "status: [active"
	run coach check
	assert_status 1
	grep -qE "^$G:[45]: error: " <<<"$output" || fail "no parse error at line 4 or 5: $output"
	assert_problems 1
}

@test "a record without its closing --- line" {
	printf -- '---\nname: Bob Baker\n' >staff/bob.md
	run coach check
	assert_status 1
	grep -qE "^staff/bob.md(:[0-9]+)?: error: " <<<"$output" || fail "$output"
}

@test "a broken coach.yml is reported, not fatal" {
	printf 'school: [Test\n' >coach.yml
	run coach check
	assert_status 1
	grep -qE "^coach.yml(:[0-9]+)?: error: " <<<"$output" || fail "$output"
}

@test "CRLF line endings and a BOM are accepted" {
	printf '\xef\xbb\xbf---\r\nname: Cy Young\r\nemail: cy@school.example\r\n---\r\nHello.\r\n' >staff/cy.md
	run coach check
	assert_status 0
	assert_problems 0
}

# Writes every kind of file a record must never be, in places where
# records are expected.
hostile_files() {
	# binary, with NUL bytes
	head -c 4096 /dev/urandom >staff/binary.md
	printf -- '---\nname: x\x00y\n---\n' >staff/nul.md
	# invalid UTF-8
	printf -- '---\nname: \xff\xfe bad\n---\n' >staff/latin.md
	printf -- '---\nname: ok\n---\nbody \xc3\x28\n' >priorities/body-utf8.md
	# huge
	{ printf -- '---\ntitle: big\n---\n'; head -c 3000000 /dev/zero | tr '\0' 'a'; } >priorities/huge.md
	# one very long line of front-matter
	{ printf -- '---\ntitle: '; head -c 200000 /dev/zero | tr '\0' 'b'; printf '\n---\n'; } >priorities/long.md
	# links: out of the repository, to a folder, dangling, a linked coachee
	ln -s /etc/passwd staff/passwd.md
	ln -s /etc coaching/bob/goals/g000000.md
	ln -s nowhere framework/dangling.md
	ln -s /etc coaching/etc
	ln -s /etc/hostname coaching/bob/evidence/host.txt
	# a folder where a file is expected; a file where a folder is expected
	rm coaching/bob/agreement.md
	mkdir -p staff/folder.md coaching/bob/agreement.md
	rm -rf coaching/bob/log && echo x >coaching/bob/log
	# empty, only ---, --- twice, no closing ---
	: >framework/empty.md
	printf -- '---\n' >framework/dashes.md
	printf -- '---\n---\n' >framework/dashes2.md
	printf -- '---\ntitle: x\n' >framework/open.md
	# YAML that is not a mapping, aliases, deep nesting, tags
	printf -- '---\n- a\n- b\n---\n' >framework/list.md
	printf -- '---\na: &x [1, 2]\nb: *x\ntitle: t\n---\n' >framework/alias.md
	{ printf -- '---\ntitle: '; for i in $(seq 1 5000); do printf '['; done; printf '\n---\n'; } >framework/deep.md
	printf -- '---\ntitle: !!binary aGVsbG8=\n---\n' >framework/tag.md
	printf -- '---\ntitle: a\ntitle: b\n---\n' >framework/dup.md
	printf -- '---\n\ttitle: tab\n---\n' >framework/tab.md
	# a FIFO: opening it would block
	mkfifo framework/fifo.md
	# a coachee folder full of oddities
	mkdir -p 'coaching/Bad Name/goals' coaching/bob/cycles/sub
	printf -- '---\nid: g1\n---\n' >'coaching/Bad Name/goals/g1.md'
	printf 'a\nb\n' >"$(printf 'coaching/bob/goals/new\nline.md')"
	printf 'x' >"$(printf 'staff/\xff.md')"
}

@test "hostile files: check finishes, reports each one and exits 1" {
	hostile_files
	run timeout 60 "$COACH" check
	[ "$status" -eq 1 ] || fail "expected exit 1, got $status" "$output"
	for f in staff/binary.md staff/nul.md staff/latin.md priorities/body-utf8.md \
		priorities/huge.md staff/passwd.md coaching/bob/goals/g000000.md \
		framework/dangling.md coaching/etc coaching/bob/evidence/host.txt \
		staff/folder.md coaching/bob/agreement.md coaching/bob/log \
		framework/empty.md framework/dashes.md framework/dashes2.md \
		framework/open.md framework/list.md framework/alias.md \
		framework/deep.md framework/tag.md framework/dup.md framework/tab.md \
		framework/fifo.md "coaching/Bad Name" coaching/bob/cycles/sub \
		'coaching/bob/goals/new?line.md' 'staff/?.md'; do
		grep -qF "$f" <<<"$output" || fail "nothing reported for $f" "$output"
	done
	assert_line "staff/passwd.md: error: is a symbolic link: coach does not follow links (they can point outside the repository); replace it with the file itself"
	assert_line "framework/fifo.md: error: is not a regular file or folder: remove it"
	assert_line "coaching/bob/log: error: is a file where coach(5) has a folder: move it away"
	assert_line "staff/folder.md: error: is a folder where a record file is expected: move it away or replace it with the record"
	# Nothing from outside the repository leaks into the output.
	assert_output_lacks "root:"
	# --format json stays valid JSON whatever the file names hold.
	run --separate-stderr timeout 60 "$COACH" check --format json
	[ "$status" -eq 1 ] || fail "json: exit $status"
	echo "$output" | python3 -m json.tool >/dev/null || fail "not JSON"
}

# What check prints with COACH_THREADS=N (and the cache as it is), with
# the status, stdout and stderr apart.
check_with() {
	local st=0
	COACH_THREADS=$1 "$COACH" check --format "$2" >"$BATS_TEST_TMPDIR/out" \
		2>"$BATS_TEST_TMPDIR/err" || st=$?
	cat "$BATS_TEST_TMPDIR/out"
	echo "-- stderr"
	cat "$BATS_TEST_TMPDIR/err"
	echo "-- status $st"
}

@test "hostile files: several threads find the same as one, in the same order, cold and warm" {
	hostile_files
	# Enough records for each thread to have many, with grading words,
	# duplicate ids and emails, broken references.
	for i in $(seq 100 299); do
		printf -- '---\nid: g%06d\ntitle: A good lesson %d\nstatus: active\nopened: 2026-09-01\n---\nA good teacher, grade 1 lesson.\n' \
			"$i" "$i" >coaching/bob/goals/g$(printf %06d $i).md
		printf -- '---\nname: T %d\nemail: same@school.example\nrole: teacher\n---\n' "$i" >staff/t$i.md
	done
	cp coaching/bob/goals/g000100.md coaching/bob/goals/g000100x.md
	printf -- '---\nid: e999999\ndate: 2026-11-20\nkind: meeting\nauthor: nobody\ngoal: g123456\n---\nx\n' \
		>coaching/bob/cycles/2026-11-20-e999999.md
	local want
	for fmt in text json; do
		want=$(COACH_NO_CACHE=1 check_with 1 $fmt)
		grep -q "grading language" <<<"$want" || fail "no grading warning" "$want"
		grep -q "is also used by" <<<"$want" || fail "no duplicate" "$want"
		for n in 2 3 8; do
			[ "$(COACH_NO_CACHE=1 check_with $n $fmt)" = "$want" ] ||
				fail "$n threads, uncached, $fmt" "$(diff <(echo "$want") <(COACH_NO_CACHE=1 check_with $n $fmt))"
			rm -f .git/coach-check.cache
			[ "$(check_with $n $fmt)" = "$want" ] || fail "$n threads, cold, $fmt"
			[ "$(check_with $n $fmt)" = "$want" ] || fail "$n threads, warm, $fmt"
			[ "$(check_with 1 $fmt)" = "$want" ] || fail "1 thread after $n, warm, $fmt"
		done
	done
}

@test "records written by coach's own commands pass check" {
	cd "$BATS_TEST_TMPDIR"
	rm -rf school
	school_with_staff
	coach priority add reading "Every pupil reads" >/dev/null
	coach framework add cold-call "Cold call" --criterion "Ask, pause, name" >/dev/null
	coach agree bob --coach ada --focus questioning --cadence weekly >/dev/null
	local goal cycle
	goal=$(coach goal add bob "More pupils answer" --priority reading --strategy cold-call \
		--measure answering --baseline 5 --target 20 --due 2027-03-01)
	cycle=$(coach cycle start "$goal" --step "Pause, then name" --review 2026-12-01)
	echo "plan" >"$BATS_TEST_TMPDIR/plan.txt"
	coach log bob --kind meeting --goal "$goal" --cycle "$cycle" \
		--evidence "$BATS_TEST_TMPDIR/plan.txt" --evidence https://video.example/1 -m "We met." >/dev/null
	coach log bob --kind cpd --hours 1.5 -m "Course." >/dev/null
	coach goal measure "$goal" 9 >/dev/null
	coach cycle phase "$cycle" practise >/dev/null
	coach cycle close "$cycle" --outcome partly -m "Next: whiteboards" >/dev/null
	run --separate-stderr coach check
	assert_status 0
	[ -z "$output" ] || fail "problems: $output"
	[[ "$stderr" == "0 errors, 0 warnings in "*" files" ]] || fail "$stderr"
}
