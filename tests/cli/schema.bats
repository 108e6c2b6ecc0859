#!/usr/bin/env bats
# One schema: a value a command refuses to write is one coach check
# reports in a file written by hand, and a value check accepts is one the
# commands write.
load records
load school_by_hand

setup() {
	setup_scratch
	school_with_staff
}

# A goal of bob's written by hand with the given measure line.
hand_goal() {
	mkdir -p coaching/bob/goals
	printf -- '---\nid: g5a5a5a\ntitle: Hand goal\nstatus: active\nopened: 2026-10-01\nmeasure: %s\n---\n' "$1" \
		>coaching/bob/goals/g5a5a5a.md
}

@test "a target equal to the baseline: refused by goal add, reported by check" {
	run coach goal add bob "Answers" --measure answers --baseline 5 --target 5.0
	assert_status 1
	assert_output_has "must differ from the baseline"
	hand_goal "{name: answers, baseline: 5, target: 5.0}"
	run coach check
	assert_status 1
	assert_line "coaching/bob/goals/g5a5a5a.md:6: error: 'measure.target' is the baseline (5): the target is where the measure should get to, so it must differ from the baseline; set the target the goal aims for"
	# Different values: both accept.
	run coach goal add bob "Answers" --measure answers --baseline 5 --target 6
	assert_status 0
	hand_goal "{name: answers, baseline: 5, target: 6}"
	run coach check
	assert_status 0
}

@test "a priority's school year: the same rule for priority add and check" {
	local y
	mkdir -p priorities
	for y in 2026-28 2026-2027 26-27 2026/27; do
		run coach priority add p1 "Reading" --year "$y"
		assert_status 1
		printf -- '---\ntitle: Reading\nyear: %s\n---\n' "$y" >priorities/p2.md
		run coach check
		assert_status 1
		assert_line "priorities/p2.md:3: error: 'year' must be a school year YYYY-YY, e.g. 2026-27, not '$y'"
	done
	rm priorities/p2.md
	for y in 2026-27 2099-00; do
		run coach priority add "p$y" "Reading" --year "$y"
		assert_status 0
	done
	run coach check
	assert_status 0
}

@test "coach.yml's year_start: a day check accepts is one priority add can use" {
	printf 'school: Test School\nyear_start: 02-30\n' >coach.yml
	run coach check
	assert_status 1
	assert_line "coach.yml:2: error: 'year_start' must be a day of the year MM-DD, not '02-30'"
	run coach priority add p1 "Reading"
	assert_status 1
	assert_output_has "year_start"
	printf 'school: Test School\nyear_start: 02-29\n' >coach.yml
	run coach check
	assert_status 0
	run coach priority add p1 "Reading"
	assert_status 0
}

@test "evidence URLs: what log keeps as a link, check accepts; what it does not, check reports" {
	run coach log bob -m "Clip." --evidence "svn+ssh://host/clip"
	assert_status 0
	run coach check
	assert_status 0
	run coach log bob -m "Clip." --evidence "svn+ssh://"
	assert_status 1
	local f=coaching/bob/log/2026-11-26-e9f9f9f.md
	printf -- '---\nid: e9f9f9f\ndate: 2026-11-26\nkind: note\nevidence:\n  - "svn+ssh://"\n---\n' >$f
	run coach check
	assert_status 1
	assert_output_has "$f:6: error: evidence 'svn+ssh://' does not exist in the repository"
}

@test "an email address: what staff add refuses, check warns about" {
	local e
	mkdir -p staff
	for e in "a@b@school.example" "@school.example" "ada@" "ada smith@school.example"; do
		run coach staff add dee --name Dee --email "$e"
		assert_status 1
		printf -- '---\nname: Dee\nemail: "%s"\n---\n' "$e" >staff/dee.md
		run coach check
		assert_output_has "staff/dee.md:3: warning: email '$e' does not look like an email address"
		rm staff/dee.md
	done
	run coach staff add dee --name Dee --email "dee@school.example"
	assert_status 0
	run coach check
	assert_status 0
	assert_output_lacks "warning:"
}

@test "CPD hours: what log refuses, check reports" {
	run coach log bob --kind cpd --hours 1001 -m "A long course."
	assert_status 1
	mkdir -p coaching/bob/log
	local f=coaching/bob/log/2026-11-26-e8f8f8f.md
	printf -- '---\nid: e8f8f8f\ndate: 2026-11-26\nkind: cpd\nhours: 1001\n---\n' >$f
	run coach check
	assert_status 1
	assert_line "$f:5: error: 'hours' is 1001: more hours than one entry may count (1000); split the CPD into entries"
	run coach log bob --kind cpd --hours 1000 -m "A long course."
	assert_status 0
	printf -- '---\nid: e8f8f8f\ndate: 2026-11-26\nkind: cpd\nhours: 1000\n---\n' >$f
	run coach check
	assert_status 0
}
