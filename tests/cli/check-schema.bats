#!/usr/bin/env bats
# coach check: required keys, types, enumerations and dates of every record
# kind, each reported at the line of the offending key.
load helper
load school_by_hand

setup() {
	setup_scratch
	school_by_hand
}

G=coaching/bob/goals/g111111.md
C=coaching/bob/cycles/c222222.md
E=coaching/bob/log/2026-11-20-e333333.md
A=coaching/bob/agreement.md

@test "the hand-made school is valid" {
	run coach check
	assert_status 0
	assert_problems 0
	assert_output_has "0 errors, 0 warnings in 9 files"
}

@test "a missing required key is reported at line 1 with what to add" {
	edit $G 's.replace("title: More pupils answer\n", "")'
	run coach check
	assert_status 1
	assert_line "$G:1: error: missing required key 'title': add a line 'title: ...' with text"
	assert_problems 1
	assert_output_has "coach: 1 error, 0 warnings in 9 files"
}

@test "an empty required key is reported at its line" {
	set_line $G 3 "title:"
	run coach check
	assert_status 1
	assert_line "$G:3: error: 'title' is empty: write text"
}

@test "each required key of each kind is required" {
	set_line staff/ada.md 2 "nom: Ada"
	set_line priorities/reading.md 2 "titel: x"
	set_line framework/cold-call.md 2 "titel: x"
	set_line $A 4 "start: 2026-09-01"
	set_line $C 4 "steps: x"
	set_line $E 4 "kinds: meeting"
	set_line coach.yml 1 "schol: x"
	run coach check
	assert_status 1
	assert_line "staff/ada.md:1: error: missing required key 'name': add a line 'name: ...' with text"
	assert_line "priorities/reading.md:1: error: missing required key 'title': add a line 'title: ...' with text"
	assert_line "framework/cold-call.md:1: error: missing required key 'title': add a line 'title: ...' with text"
	assert_line "$A:1: error: missing required key 'started': add a line 'started: ...' with a date YYYY-MM-DD"
	assert_line "$C:1: error: missing required key 'step': add a line 'step: ...' with text"
	assert_line "$E:1: error: missing required key 'kind': add a line 'kind: ...' with one of meeting, observation, practice, reflection, evidence, cpd, note"
	assert_line "coach.yml:1: error: missing required key 'school': add a line 'school: ...' with text"
	assert_problems 7
}

@test "enumerations: goal status, cycle outcome, entry kind, agreement and priority status" {
	set_line $G 4 "status: done"
	set_line $E 4 "kind: chat"
	set_line $A 7 "status: over"
	set_line priorities/reading.md 4 "status: dormant"
	edit $C 's.replace("review: 2026-11-20\n", "review: 2026-11-20\nclosed: 2026-11-21\noutcome: yes\n")'
	run coach check
	assert_status 1
	assert_line "$G:4: error: 'status' must be one of active, achieved, paused, dropped, not 'done'"
	assert_line "$E:4: error: 'kind' must be one of meeting, observation, practice, reflection, evidence, cpd, note, not 'chat'"
	assert_line "$A:7: error: 'status' must be one of active, ended, not 'over'"
	assert_line "priorities/reading.md:4: error: 'status' must be one of active, retired, not 'dormant'"
	assert_line "$C:9: error: 'outcome' must be one of met, partly, not-yet, not 'yes'"
	assert_problems 5
}

@test "dates must be real calendar dates, quoted or not" {
	set_line $G 5 "opened: 2026-02-30"
	set_line $A 4 "started: '2026-09-01'"
	set_line staff/ada.md 8 "joined: 1st September"
	set_line $C 7 "review: 2026-13-01"
	run coach check
	assert_status 1
	assert_line "$G:5: error: 'opened' must be a date YYYY-MM-DD, not '2026-02-30'"
	assert_line "staff/ada.md:8: error: 'joined' must be a date YYYY-MM-DD, not '1st September'"
	assert_line "$C:7: error: 'review' must be a date YYYY-MM-DD, not '2026-13-01'"
	assert_problems 3
}

@test "closed before opened or started is an error" {
	edit $G 's.replace("opened: 2026-09-10\n", "opened: 2026-09-10\nclosed: 2026-09-01\n")'
	edit $C 's.replace("review: 2026-11-20\n", "review: 2026-11-20\nclosed: 2026-10-01\noutcome: met\n")'
	run coach check
	assert_status 1
	assert_line "$G:6: error: 'closed' (2026-09-01) is before 'opened' (2026-09-10): correct one of the dates"
	assert_line "$C:8: error: 'closed' (2026-10-01) is before 'started' (2026-11-01): correct one of the dates"
	assert_problems 2
}

@test "a closed cycle needs an outcome" {
	edit $C 's.replace("review: 2026-11-20\n", "review: 2026-11-20\nclosed: 2026-11-22\n")'
	run coach check
	assert_status 1
	assert_line "$C:8: error: the cycle is closed but has no 'outcome': add 'outcome: met', 'partly' or 'not-yet'"
	assert_problems 1
}

@test "the cycle phase must be one of the school's phases" {
	set_line $C 5 "phase: identify"
	run coach check
	assert_status 1
	assert_line "$C:5: error: phase 'identify' is not a phase of the school's cycle: use one of plan, model, practise, apply, review (coach.yml's cycle_phases)"
	# The school's own cycle makes it valid, and practise invalid.
	printf 'school: Test School\ncycle_phases: [identify, learn, improve]\n' >coach.yml
	run coach check
	assert_status 0
	assert_problems 0
}

@test "booleans, numbers and lists are typed" {
	set_line staff/ada.md 7 "coach: maybe"
	set_line staff/ada.md 5 "subjects: maths"
	set_line $E 9 "hours: '1.5'"
	set_line $E 10 "private: [no]"
	set_line framework/cold-call.md 5 "  - {a: b}"
	run coach check
	assert_status 1
	assert_line "staff/ada.md:7: error: 'coach' must be true or false, not 'maybe'"
	assert_line "staff/ada.md:5: error: 'subjects' must be a list of text, not 'maths'"
	assert_line "$E:9: error: 'hours' must be a number, not the text '1.5': write it without quotes"
	assert_line "$E:10: error: 'private' must be true or false, not a list"
	assert_line "framework/cold-call.md:5: error: item 1 of 'criteria' must be text, not a mapping: write one '- text' per item"
	assert_problems 5
}

@test "hours must not be negative" {
	set_line $E 9 "hours: -2"
	run coach check
	assert_status 1
	assert_line "$E:9: error: 'hours' is -2: hours are the time spent, 0 or more"
	assert_problems 1
}

@test "the measure is a mapping with numeric baseline and target" {
	set_line $G 11 "  baseline: forty"
	edit $G 's.replace("  target: 80\n", "")'
	run coach check
	assert_status 1
	assert_line "$G:11: error: 'measure.baseline' must be a number, not 'forty'"
	assert_line "$G:8: error: 'measure' has no 'target': add 'target: N' (a number) under it"
	assert_problems 2
}

@test "a measure that is not a mapping" {
	set_line $G 8 "measure: 5"
	edit $G 's.replace("  name: pupils answering\n  unit: \x27%\x27\n  baseline: 40\n  target: 80\n", "")'
	run coach check
	assert_status 1
	assert_line "$G:8: error: 'measure' must be a mapping, not '5'"
	assert_problems 1
}

@test "measurements are a list of dates and numbers" {
	set_line $G 14 "  - {date: 2026-10-32, value: 50}"
	set_line $G 16 "    valeur: 60"
	run coach check
	assert_status 1
	assert_line "$G:14: error: 'measurements[1].date' must be a date YYYY-MM-DD, not '2026-10-32'"
	assert_line "$G:15: error: measurement 2 has no 'value': each measurement needs a date and a value"
	assert_problems 2
}

@test "coach.yml: year_start, cycle_model, privacy" {
	cat >coach.yml <<'EOF'
school: Test School
year_start: 09-31
cycle_model: kolb
privacy:
  trust: everything
  individual: sometimes
EOF
	run coach check
	assert_status 1
	assert_line "coach.yml:2: error: 'year_start' must be a day of the year MM-DD, not '09-31'"
	assert_line "coach.yml:3: error: 'cycle_model' must be one of steplab, impact, gbf, not 'kolb'"
	assert_line "coach.yml:5: error: 'privacy.trust' must be one of summary, full, not 'everything'"
	assert_line "coach.yml:6: error: 'privacy.individual' must be true or false, not 'sometimes'"
}

@test "unknown keys are allowed everywhere" {
	edit $G 's.replace("status: active\n", "status: active\ncolour: blue\nx-tool: {a: [1, 2]}\n")'
	printf 'school: Test School\nmascot: owl\n' >coach.yml
	run coach check
	assert_status 0
	assert_problems 0
}
