#!/usr/bin/env bats
# coach rm
load records

setup() {
	setup_scratch
	school_with_staff
	goal=$("$COACH" goal add bob "Ask better questions")
}

@test "rm removes an entry in one commit" {
	e=$(coach log bob -m "Logged for the wrong person")
	f=$(entry_file "$e")
	run coach rm "${e:0:5}"
	assert_status 0
	[ "$output" = "removed $f" ]
	[ ! -e "$f" ]
	[ "$(git log -1 --format=%s)" = "rm: $f" ]
	assert_commit_files "$f"
	git show HEAD~1:"$f" | grep -q 'Logged for the wrong person'
	assert_repo_sound
}

@test "rm refuses a goal that a cycle and an entry refer to, unless --force" {
	c=$(coach cycle start "$goal" --step "Pause")
	e=$(coach log bob --goal "$goal" -m "On the goal")
	snapshot
	run coach rm "$goal"
	assert_status 1
	assert_output_has "coaching/bob/goals/$goal.md is still referred to by 2 records"
	assert_output_has "coaching/bob/cycles/$c.md"
	assert_output_has "$(entry_file "$e")"
	assert_output_has "--force"
	assert_unchanged
	run coach rm --force "$goal"
	assert_status 0
	[ ! -e "coaching/bob/goals/$goal.md" ]
	run coach check
	assert_status 1
	assert_repo_sound
}

@test "rm refuses staff with an agreement or records, and a priority a goal names" {
	coach agree bob --coach ada >/dev/null
	coach priority add feedback "Feedback" >/dev/null
	coach goal add cy "Read aloud" --priority feedback >/dev/null
	snapshot
	run coach rm staff/ada.md
	assert_status 1
	assert_output_has "coaching/bob/agreement.md"
	run coach rm staff/bob.md
	assert_status 1
	assert_output_has "coaching/bob/goals/$goal.md"
	run coach rm priorities/feedback.md
	assert_status 1
	assert_output_has "coaching/cy/goals/"
	assert_unchanged
}

@test "rm removes a record nothing refers to by path" {
	coach priority add homework "Homework" >/dev/null
	run coach rm priorities/homework.md
	assert_status 0
	[ ! -e priorities/homework.md ]
	assert_repo_sound
}

@test "rm refusals: not a record, no such record, usage" {
	snapshot
	run coach rm coach.yml
	assert_status 1
	assert_output_has "not a record"
	run coach rm gdeadbeef
	assert_status 1
	run coach rm
	assert_status 2
	run coach rm a b
	assert_status 2
	run coach rm --bogus "$goal"
	assert_status 2
	assert_unchanged
}

@test "rm of a hand-edited record keeps the hand edit in history" {
	sed -i 's/^title: .*/title: Changed by hand/' "coaching/bob/goals/$goal.md"
	run coach rm "$goal"
	assert_status 0
	[ "$(git log -1 --format=%s HEAD~1)" = "hand edits to coaching/bob/goals/$goal.md" ]
	git show HEAD~1:"coaching/bob/goals/$goal.md" | grep -q '^title: Changed by hand$'
	assert_repo_sound
}
