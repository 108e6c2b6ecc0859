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
	assert_line "$E:14: warning: grading language 'outstanding lesson': coaching records describe what was seen and what to try next, not a judgement; reword it"
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

@test "grade 1 lesson is a phrase; grade 12 lesson is not" {
	printf '\nIt was a grade 1 lesson.\nYear grade 12 lesson pupils.\n' >>staff/bob.md
	run coach check
	assert_line "staff/bob.md:10: warning: grading language 'grade 1 lesson': coaching records describe what was seen and what to try next, not a judgement; reword it"
	assert_problems 1
}

@test "the default list catches judgements of lessons and teachers, not pupils' grades" {
	cat >>$E <<'EOF'

Pupils handed in outstanding homework.
Three pupils moved from grade 4 to grade 5 in the mock.
Outstanding work on fractions; satisfactory progress in year 9.
Pupils were graded as 6 in the test; the class failing to revise.
It was an outstanding lesson.
The department requires improvement.
Feedback was inadequate.
A good lesson.
It was a grade 1 lesson.
She was graded as good.
EOF
	run coach check
	assert_status 0
	local w n=17
	for w in "outstanding lesson" "requires improvement" inadequate "good lesson" "grade 1 lesson" "graded as good"; do
		n=$((n + 1))
		assert_line "$E:$n: warning: grading language '$w': coaching records describe what was seen and what to try next, not a judgement; reword it"
	done
	assert_problems 6
}

@test "matching is linear: long phrases against a long body finish; over-long phrases are reported" {
	# Quadratic matching would compare each of these 200-byte phrases at
	# each of a million places: hours.  timeout only guards the run.
	python3 - <<'PY'
words = ["a" * 198 + "b%c" % (65 + i % 26) for i in range(150)]
# The front-matter cap (64 KiB) leaves room for a 30 KB phrase.
words.append("a" * 30000 + "b")
with open("coach.yml", "w") as f:
    f.write("school: Test School\njudgement_words:\n")
    for w in words:
        f.write("  - " + w + "\n")
with open("coaching/bob/log/2026-11-20-e333333.md", "a") as f:
    f.write("\n" + "a" * (1024 * 1024 - 2000) + "\n")
PY
	run timeout 20 "$COACH" check
	[ "$status" -ne 124 ] || fail "check did not finish in 20 s"
	assert_status 1
	assert_line "coach.yml:153: error: phrase 151 of 'judgement_words' ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...') is 30001 bytes, more than the 200 coach looks for: shorten it"
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
