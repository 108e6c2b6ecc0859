#!/usr/bin/env bats
# coach check: grading language (warnings, at the line of the word) and
# unresolved merge conflicts (errors).
load helper
load school_by_hand

setup() {
	setup_scratch
	school_by_hand
}

G=coaching/bob/goals/g111111.md
E=coaching/bob/log/2026-11-20-e333333.md

@test "grading words in a body are warned about at their line" {
	cat >>$E <<'EOF'

It was an Outstanding lesson.
Nothing to grade here: outstandingly calm.
Not a GOOD
lesson across lines, but a good   lesson on one.
EOF
	run coach check
	assert_status 0
	assert_line "$E:14: warning: grading language 'outstanding': coaching records describe what was seen and what to try next, not a judgement; reword it"
	assert_line "$E:17: warning: grading language 'good lesson': coaching records describe what was seen and what to try next, not a judgement; reword it"
	assert_problems 2
	run coach check --strict
	assert_status 1
}

@test "grading words in front-matter values, with the line of the value" {
	set_line $G 3 "title: Move from Requires  Improvement"
	edit $G 's.replace("status: active\n", "status: active\nnotes: |\n  first line\n  this was inadequate\n")'
	run coach check
	assert_status 0
	assert_line "$G:3: warning: grading language 'requires improvement': coaching records describe what was seen and what to try next, not a judgement; reword it"
	assert_line "$G:7: warning: grading language 'inadequate': coaching records describe what was seen and what to try next, not a judgement; reword it"
	assert_problems 2
}

@test "grade 1 is a phrase; grade 12 is not" {
	printf '\nIt was grade 1.\nYear grade 12 pupils.\n' >>staff/bob.md
	run coach check
	assert_line "staff/bob.md:10: warning: grading language 'grade 1': coaching records describe what was seen and what to try next, not a judgement; reword it"
	assert_problems 1
}

@test "coach.yml's judgement_words replace the default list and are not warned about themselves" {
	printf 'school: Test School\njudgement_words: [sloppy, "well below"]\n' >coach.yml
	printf '\nAn outstanding start, a bit sloppy, WELL BELOW target.\n' >>staff/bob.md
	run coach check
	assert_status 0
	assert_line "staff/bob.md:10: warning: grading language 'sloppy': coaching records describe what was seen and what to try next, not a judgement; reword it"
	assert_line "staff/bob.md:10: warning: grading language 'well below': coaching records describe what was seen and what to try next, not a judgement; reword it"
	assert_problems 2
}

@test "an unresolved conflict is an error at the conflicts key" {
	cat >>$G.new <<'EOF'
---
id: g111111
title: More pupils answer
status: active
opened: 2026-09-10
conflicts:
  status: achieved
  title: Every pupil answers
---
EOF
	mv $G.new $G
	run coach check
	assert_status 1
	assert_line "$G:6: error: unresolved conflict: two edits set different values of status, title; keep the value you want in each key and delete the 'conflicts:' key"
	assert_problems 1
}
