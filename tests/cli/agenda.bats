#!/usr/bin/env bats
# coach agenda: the next meeting's page.
load helper
load history

setup() {
	setup_scratch
	coached_school
}

@test "agenda of a coachee with an overdue review, past the cadence" {
	"$COACH" log bob --kind meeting -m "We planned the pause." --date 2026-11-10 >/dev/null
	"$COACH" goal measure "$GOAL" 17 --date 2026-11-20 >/dev/null
	"$COACH" log bob --kind observation -m "Hands went up." \
		--evidence https://video.example/7 --date 2026-11-21 >/dev/null
	export COACH_TODAY=2026-12-05
	run coach agenda bob
	assert_status 0
	has_line "Agenda for bob"
	has_line "  Focus: questioning"
	has_line "  Cadence: fortnightly; last meeting 2026-11-10, 25 days ago: 11 days past the cadence of 14 days"
	has_line "  ${CYCLE:0:7}: Wait five seconds (plan, review 2026-12-01, overdue)"
	has_line "  ${GOAL:0:7} More pupils answer: 10 → 17 → 24 pupils answering (50% of the way)"
	has_line "  goal ${GOAL:0:7}: measurement 10 → 17 (pupils answering; 50% of the way to 24) on 2026-11-20"
	has_line "  https://video.example/7 (observation $(ls coaching/bob/log/ | grep 2026-11-21 | cut -c12-18), 2026-11-21)"
	has_line "  What was hard?"
	run coach agenda bob --format json
	assert_status 0
	[ "$(json 'j["coachees"][0]["open_cycles"][0]["overdue"]')" = True ]
	[ "$(json 'j["coachees"][0]["meeting_overdue"]')" = True ]
	[ "$(json 'j["coachees"][0]["days_since_last_meeting"]')" = 25 ]
	[ "$(json 'j["coachees"][0]["active_goals"][0]["latest"]')" = 17 ]
	[ "$(json 'j["coachees"][0]["evidence"]')" = "['https://video.example/7']" ]
	# Not yet overdue the day before the review.
	COACH_TODAY=2026-11-30 run coach agenda bob --format json
	[ "$(json 'j["coachees"][0]["open_cycles"][0]["overdue"]')" = False ]
}

@test "agenda of a coachee with no meeting yet" {
	run coach agenda bob
	assert_status 0
	has_line "  Cadence: fortnightly; no meeting logged yet"
	assert_output_has "new goal ${GOAL:0:7}"
	run coach agenda bob --format json
	[ "$(json 'j["coachees"][0]["last_meeting"]')" = None ]
	[ "$(json 'j["coachees"][0]["days_since_last_meeting"]')" = None ]
	# Without COACHEE: those ada coaches.
	run coach agenda --format json
	[ "$(json '[c["coachee"] for c in j["coachees"]]')" = "['bob']" ]
}

@test "the markdown agenda pipes into a meeting note; coach.yml replaces the prompts" {
	"$COACH" cycle close "$CYCLE" --outcome partly -m "Try cold call with a pause" >/dev/null
	cat >>coach.yml <<'YML'
agenda_prompts:
  - What did the pupils do differently?
  - What is the next bite-sized step?
YML
	git commit -q -am "our prompts"
	run coach agenda bob --format markdown
	assert_status 0
	has_line "# Meeting with bob"
	has_line "## What did the pupils do differently?"
	assert_output_lacks "What was hard?"
	has_line "> ${CYCLE:0:7} closed 2026-11-26: Try cold call with a pause"
	before=$(commit_count)
	coach agenda bob --format markdown | coach log bob --kind meeting -F - >/dev/null
	[ "$(commit_count)" -eq $((before + 1)) ]
	note=$(git show --name-only --format= HEAD)
	[ "$(yaml "$note" kind)" = '"meeting"' ]
	git show HEAD:"$note" | grep -qx "## What is the next bite-sized step?"
	# The body is CommonMark with the sections as headings.
	git show HEAD:"$note" | sed '1,/^---$/d' | cmark | grep -q "<h2>What did the pupils do differently?</h2>"
	assert_repo_sound
	# That meeting is now the last one: nothing changed since.
	run coach agenda bob
	has_line "  nothing changed"
}

@test "agenda refuses a format it does not know" {
	run coach agenda bob --format html
	assert_status 2
	run coach agenda nobody
	assert_status 1
}
