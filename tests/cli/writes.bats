#!/usr/bin/env bats
# Every command that writes says what it did: on a terminal a sentence;
# to a pipe the same sentence, except that the commands that make a record
# with a new id print only the id, for scripts.
load helper

# says TEXT -- COMMAND...: on a terminal, COMMAND succeeds, makes one
# commit and prints a line containing TEXT.
says() {
	local text=$1 before q
	shift 2
	before=$(commit_count)
	q=$(printf "'%s' " "$@")
	run script -qec "'$COACH' $q" /dev/null
	output=${output//$'\r'/}
	assert_status 0
	[ "$(commit_count)" -eq $((before + 1)) ] || fail "$* made no commit"
	assert_output_has "$text"
}

@test "every write says what it did on a terminal" {
	run script -qec "'$COACH' init school --school 'Test School'" /dev/null
	assert_output_has "Initialised a coach repository"
	cd school
	says "Added ada" -- staff add ada --name "Ada Lovelace" --email ada@school.example --coach
	says "Added bob" -- staff add bob --name "Bob Baker"
	says "Added priority reading" -- priority add reading "Reading"
	says "Retired priority reading" -- priority retire reading
	says "Added framework strategy wait" -- framework add wait "Wait time"
	mkdir ../trust
	printf -- '---\ntitle: Cold call\n---\n' >../trust/cold-call.md
	says "1 added" -- framework import ../trust
	says "bob is coached by ada" -- agree bob --coach ada
	says "goal g" -- goal add bob "Questions" --measure answers --baseline 1 --target 5
	goal=$(ls coaching/bob/goals | sed 's/\.md$//')
	says "goal $goal: 3 on 2026-11-26" -- goal measure "$goal" 3
	says "cycle c" -- cycle start "$goal" --step "Wait"
	cycle=$(ls coaching/bob/cycles | sed 's/\.md$//')
	says "cycle $cycle: plan → model" -- cycle phase "$cycle" model
	says "cycle $cycle closed" -- cycle close "$cycle" --outcome met
	says "goal $goal: active → achieved" -- goal status "$goal" achieved
	says "logged note e" -- log bob -m "Met"
	entry=$(ls coaching/bob/log/*.md)
	EDITOR="sed -i s/Met/Talked/" says "edited $entry" -- edit "$entry"
	says "Ended bob's coaching agreement" -- agree bob --end
	assert_repo_sound
}

@test "to a pipe, a write prints the new id or the same sentence" {
	school_with_staff
	out=$(coach goal add bob "Questions")
	[[ "$out" =~ ^g[0-9a-f]{12}$ ]] || fail "goal add: $out"
	out=$(coach cycle start "$out" --step "Wait")
	[[ "$out" =~ ^c[0-9a-f]{12}$ ]] || fail "cycle start: $out"
	out=$(coach log bob -m "Met")
	[[ "$out" =~ ^e[0-9a-f]{12}$ ]] || fail "log: $out"
	coach priority add reading "Reading" >/dev/null
	out=$(coach priority retire reading)
	[ "$out" = "Retired priority reading (priorities/reading.md)" ] || fail "priority retire: '$out'"
}
