#!/usr/bin/env bats
# Dates on the command line: every date option, what it accepts and refuses.
# What happened (entries, measurements, goals opened or closed, cycles
# started or closed, agreements) cannot be after today; plans (due, review)
# can.  COACH_TODAY is 2026-11-26, a Thursday (helper.bash).
load helper

setup() {
	setup_scratch
	school_with_staff
}

# pydate EXPR: a date computed by Python from today, e.g. "t - D(3)".
pydate() {
	python3 -c "import datetime as d; t = d.date(2026, 11, 26); D = lambda n: d.timedelta(days=n); print($1)"
}

# refused TEXT -- COMMAND...: exit 1, a message with TEXT, no new commit.
refused() {
	local text=$1
	shift 2
	local before
	before=$(git rev-parse HEAD)
	run coach "$@"
	assert_status 1
	assert_output_has "$text"
	[ "$(git rev-parse HEAD)" = "$before" ] || fail "a commit was made: $(git log -1 --format=%s)"
}

entry_date() {
	local f
	f=$(git show --name-only --format= HEAD | grep '/log/')
	yaml "$f" date
}

@test "the weekday COACH_TODAY names is the one the tests assume" {
	[ "$(pydate 't.strftime("%A")')" = Thursday ]
}

@test "log --date: a day after today is refused, however it is written" {
	refused "2026-12-25 is in the future" -- log bob -m "Met" --date 2026-12-25
	refused "2026-11-27 is in the future" -- log bob -m "Met" --date tomorrow
	refused "is in the future" -- log bob -m "Met" --date "next monday"
	refused "is in the future" -- log bob -m "Met" --date "in 2 days"
}

@test "log --date: what teachers type" {
	coach log bob -m "Met" --date yesterday >/dev/null
	[ "$(entry_date)" = "\"$(pydate 't - D(1)')\"" ]
	coach log bob -m "Met" --date Monday >/dev/null
	[ "$(entry_date)" = "\"$(pydate 't - D(t.weekday())')\"" ]
	coach log bob -m "Met" --date thursday >/dev/null
	[ "$(entry_date)" = '"2026-11-26"' ]
	coach log bob -m "Met" --date "last thursday" >/dev/null
	[ "$(entry_date)" = "\"$(pydate 't - D(7)')\"" ]
	coach log bob -m "Met" --date "3 days ago" >/dev/null
	[ "$(entry_date)" = "\"$(pydate 't - D(3)')\"" ]
	coach log bob -m "Met" --date 2026-2-3 >/dev/null
	[ "$(entry_date)" = '"2026-02-03"' ]
	assert_repo_sound
}

@test "log --date: day and month in either order are refused with the ISO form" {
	refused "use 2026-11-20" -- log bob -m "Met" --date 20/11/2026
	refused "use 2026-11-20" -- log bob -m "Met" --date 11/20/2026
	refused "2026-04-03" -- log bob -m "Met" --date 3/4/2026
	refused "2026-03-04" -- log bob -m "Met" --date 3/4/2026
	refused "is not a date" -- log bob -m "Met" --date soon
}

@test "goal add --date: the day it opened, not after today" {
	id=$(coach goal add bob "Questions" --date "last monday")
	[ "$(yaml "coaching/bob/goals/$id.md" opened)" = "\"$(pydate 't - D(t.weekday())')\"" ]
	refused "is in the future" -- goal add bob "Later" --date tomorrow
	refused "is in the future" -- goal add bob "Later" --date 2026-11-27
	id=$(coach goal add bob "Default")
	[ "$(yaml "coaching/bob/goals/$id.md" opened)" = '"2026-11-26"' ]
	assert_repo_sound
}

@test "goal add --due: a plan may be in the future; a weekday is the next one" {
	id=$(coach goal add bob "Questions" --due friday)
	[ "$(yaml "coaching/bob/goals/$id.md" due)" = "\"$(pydate 't + D(1)')\"" ]
	id=$(coach goal add bob "Questions" --due "next thursday")
	[ "$(yaml "coaching/bob/goals/$id.md" due)" = "\"$(pydate 't + D(7)')\"" ]
	id=$(coach goal add bob "Questions" --due 2027-7-1)
	[ "$(yaml "coaching/bob/goals/$id.md" due)" = '"2027-07-01"' ]
	refused "use 2027-07-20" -- goal add bob "Q" --due 20.07.2027
}

@test "goal measure --date and goal status --date: not after today" {
	id=$(coach goal add bob "Questions" --measure "full answers" --baseline 1 --target 5 --date 2026-11-01)
	refused "is in the future" -- goal measure "$id" 3 --date tomorrow
	coach goal measure "$id" 3 --date tuesday >/dev/null
	[ "$(yaml "coaching/bob/goals/$id.md" measurements 0 date)" = "\"$(pydate 't - D(2)')\"" ]
	refused "is in the future" -- goal status "$id" achieved --date "next friday"
	coach goal status "$id" achieved --date "2 days ago" >/dev/null
	[ "$(yaml "coaching/bob/goals/$id.md" closed)" = "\"$(pydate 't - D(2)')\"" ]
}

@test "cycle start --date: the day it started, not after today; --review: a plan" {
	goal=$(coach goal add bob "Questions" --date 2026-11-01)
	id=$(coach cycle start "$goal" --step "Wait" --date "last friday" --review monday)
	[ "$(yaml "coaching/bob/cycles/$id.md" started)" = "\"$(pydate 't - D(6)')\"" ]
	[ "$(yaml "coaching/bob/cycles/$id.md" review)" = "\"$(pydate 't + D(4)')\"" ]
	refused "is in the future" -- cycle start "$goal" --step "Wait" --date tomorrow --force
	coach cycle close "$id" --outcome met --date yesterday >/dev/null
	[ "$(yaml "coaching/bob/cycles/$id.md" closed)" = "\"$(pydate 't - D(1)')\"" ]
	assert_repo_sound
}

@test "cycle close --date: not after today" {
	goal=$(coach goal add bob "Questions")
	id=$(coach cycle start "$goal" --step "Wait")
	refused "is in the future" -- cycle close "$id" --outcome met --date tomorrow
	refused "is before goal $goal was opened" -- cycle start "$goal" --step "Wait" --date yesterday --force
}

@test "agree --date: started or ended, not after today" {
	refused "is in the future" -- agree bob --coach ada --date 2026-12-01
	coach agree bob --coach ada --date "1 week ago" >/dev/null
	[ "$(yaml coaching/bob/agreement.md started)" = "\"$(pydate 't - D(7)')\"" ]
	refused "is in the future" -- agree bob --end --date tomorrow
	coach agree bob --end --date yesterday >/dev/null
	[ "$(yaml coaching/bob/agreement.md ended)" = "\"$(pydate 't - D(1)')\"" ]
}

@test "entries --since and --until take the same forms" {
	coach log bob -m "Old" --date 2026-11-02 >/dev/null
	coach log bob -m "New" --date 2026-11-24 >/dev/null
	run coach entries bob --since monday
	assert_status 0
	assert_output_has "New"
	assert_output_lacks "Old"
	run coach entries bob --until "last friday"
	assert_status 0
	assert_output_has "Old"
	assert_output_lacks "New"
	run coach entries bob --since 30/10/2026
	assert_status 1
	assert_output_has "use 2026-10-30"
}
