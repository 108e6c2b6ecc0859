#!/usr/bin/env bats
load helper

@test "no command is a usage error" {
	run coach
	assert_status 2
	assert_output_has "usage: coach"
}

@test "unknown command is a usage error naming it" {
	run coach frobnicate
	assert_status 2
	assert_output_has "coach: 'frobnicate' is not a coach command"
}

@test "unknown global option is a usage error" {
	run coach --bogus
	assert_status 2
}

@test "--version prints the version" {
	run coach --version
	assert_status 0
	[[ "$output" =~ ^coach\ [0-9]+\.[0-9]+ ]] || fail "$output"
}

@test "help lists every command of the table" {
	run coach help
	assert_status 0
	for c in init staff priority framework agree goal cycle log entries show edit status check help; do
		assert_output_has "   $c "
	done
}

@test "help COMMAND falls back to usage text without man" {
	run coach help log
	assert_status 0
	assert_output_has "usage: coach log"
}

@test "COMMAND --help shows that command's help" {
	run coach show --help
	assert_status 0
	assert_output_has "usage: coach show"
}

@test "help of an unknown command is a usage error" {
	run coach help nothing
	assert_status 2
}

@test "--color takes only auto, always, never" {
	run coach --color=sometimes help
	assert_status 2
	assert_output_has "--color"
}
