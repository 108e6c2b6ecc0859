#!/usr/bin/env bats
# Options and operands as the command table states them: help after
# parsing, errors that name what was typed, one usage per subcommand,
# "did you mean", colour and where the repository is.
load records

setup() {
	setup_scratch
	school_with_staff
}

# run_err ARGS...: runs coach with stderr only in $output.
run_err() {
	run --separate-stderr coach "$@"
	output=$stderr
	lines=("${stderr_lines[@]}")
}

@test "log -m --help logs the text '--help'" {
	run coach log bob -m --help
	assert_status 0
	f=$(entry_file "$output")
	[ "$(python3 "$FM" --body "$f")" = "--help" ]
	run coach log bob --message=-h
	assert_status 0
	[ "$(python3 "$FM" --body "$(entry_file "$output")")" = "-h" ]
}

@test "-h shows the form's usage and each option with its line of help" {
	run coach goal add -h
	assert_status 0
	[ "${lines[0]}" = "usage: coach goal add [COACHEE] TITLE [--priority ID] [--strategy ID]... [--measure NAME --baseline N --target N [--unit U]] [--due DATE] [--date DATE]" ] ||
		fail "${lines[0]}"
	assert_output_lacks "coach goal list"
	re=$'\n''    --priority ID +the school priority it serves'$'\n'
	[[ "$output" =~ $re ]] || fail "$output"
	re=$'\n''    -h, --help +this help'
	[[ "$output" =~ $re ]] || fail "$output"
	run coach log -h
	assert_status 0
	re=$'\n''    -m, --message TEXT +the text'
	[[ "$output" =~ $re ]] || fail "$output"
	# Help is asked after the values are read: -h here is -m's value.
	run coach log -m -h bob
	assert_status 0
	[ "$(python3 "$FM" --body "$(entry_file "$output")")" = "-h" ]
	# -h outside a repository still helps.
	cd "$BATS_TEST_TMPDIR"
	run coach goal measure -h
	assert_status 0
	assert_output_has "usage: coach goal measure ID VALUE [--date DATE]"
	assert_output_has "--date DATE"
}

@test "coach COMMAND --help without man pages explains each option" {
	run coach staff --help
	assert_status 0
	assert_output_has "coach staff: add, list and show"
	[[ "$output" =~ "--name NAME"\ +"the person's full name (required)" ]] || fail "$output"
	[[ "$output" =~ "--subject S"\ +"a subject they teach (may be repeated)" ]] || fail "$output"
	run coach cycle close --help
	assert_status 0
	[[ "$output" =~ "-m, --message NEXT"\ +"what will be tried next" ]] || fail "$output"
}

@test "a usage error shows that subcommand's usage only" {
	run_err goal measure
	assert_status 2
	[ "${lines[0]}" = "coach: goal: measure needs a goal ID and a VALUE" ] || fail "$output"
	[ "${lines[1]}" = "usage: coach goal measure ID VALUE [--date DATE]" ] || fail "$output"
	[ "${#lines[@]}" -eq 2 ] || fail "$output"
	run_err cycle close c123 extra --outcome met
	assert_status 2
	assert_output_has "unexpected argument 'extra'"
	[ "${lines[1]}" = "usage: coach cycle close ID --outcome met|partly|not-yet [-m NEXT] [--date DATE]" ] ||
		fail "$output"
	[ "${#lines[@]}" -eq 2 ] || fail "$output"
}

@test "option errors name the option as it was typed" {
	run_err log bob --private=yes -m x
	assert_status 2
	[ "${lines[0]}" = "coach: log: option '--private' takes no value" ] || fail "$output"
	run_err log bob --priv=yes -m x
	assert_status 2
	assert_output_has "option '--priv' takes no value"
	run_err goal add bob Title --due
	assert_status 2
	assert_output_has "option '--due' needs a value"
	run_err log bob -x
	assert_status 2
	assert_output_has "unknown option '-x'"
	run_err entries --g x
	assert_status 2
	assert_output_has "option '--g' is ambiguous: it could be --goal, --grep"
	run_err log bob --date 2026-11-01 --date 2026-11-02 -m x
	assert_status 2
	assert_output_has "option '--date' is given twice"
}

@test "a negative number is an operand, not an option" {
	id=$(coach goal add bob "Questioning" --measure "Hands up" --baseline 0 --target 10)
	run coach goal measure "$id" -2
	assert_status 0
	[ "$(yaml "coaching/bob/goals/$id.md" measurements)" = '[{"date": "2026-11-26", "value": -2}]' ] ||
		fail "$(cat "coaching/bob/goals/$id.md")"
}

@test "did you mean: commands, subcommands, options, handles, phases, kinds" {
	run_err stafff list
	assert_status 2
	assert_output_has "'stafff' is not a coach command; did you mean 'staff'?"
	run_err help stafff
	assert_status 2
	assert_output_has "did you mean 'staff'?"
	run_err goal lsit
	assert_status 2
	assert_output_has "'lsit' is not a goal subcommand; did you mean 'list'?"
	run_err staff add dee --name Dee --emial dee@school.example
	assert_status 2
	assert_output_has "unknown option '--emial'; did you mean '--email'?"
	run_err --no-pagr status
	assert_status 2
	assert_output_has "unknown option '--no-pagr'; did you mean '--no-pager'?"
	run_err status Bob
	assert_status 1
	assert_output_has "no member of staff 'Bob'; did you mean 'bob'?"
	run_err log bbo -m x
	assert_status 1
	assert_output_has "did you mean 'bob'?"
	run_err log bob --kind meting -m x
	assert_status 1
	assert_output_has "did you mean 'meeting'?"
	make_goal bob g0a0b0c
	make_cycle bob c0a0b0c g0a0b0c
	run_err cycle phase c0a0b0c practice
	assert_status 1
	assert_output_has "'practice' is not a phase of this school's cycle; did you mean 'practise'?"
	# Nothing close: no guess.
	run_err zzzzzz
	assert_output_lacks "did you mean"
}

@test "NO_COLOR counts only when set to something; --color=always wins" {
	esc=$'\033['
	run env NO_COLOR= script -qec "$COACH --no-pager staff list" /dev/null
	[[ "$output" == *"$esc"* ]] || fail "empty NO_COLOR turned colour off: $output"
	run env NO_COLOR=1 script -qec "$COACH --no-pager staff list" /dev/null
	[[ "$output" != *"$esc"* ]] || fail "NO_COLOR=1 left colour on: $output"
	run env NO_COLOR=1 "$COACH" --color=always staff list
	[[ "$output" == *"${esc}1m"* ]] || fail "--color=always lost to NO_COLOR: $output"
	run env NO_COLOR=1 "$COACH" --color staff list
	[[ "$output" == *"${esc}1m"* ]] || fail "--color lost to NO_COLOR: $output"
}

@test "git config coach.dir '~/school' is read as git reads paths" {
	mv "$BATS_TEST_TMPDIR/school" "$HOME/school"
	mkdir "$BATS_TEST_TMPDIR/elsewhere"
	cd "$BATS_TEST_TMPDIR/elsewhere"
	git config --global coach.dir '~/school'
	run coach staff list
	assert_status 0
	assert_output_has "bob"
}
