#!/usr/bin/env bats
# What every write does before it commits: refuse during git's unfinished
# operations, commit hand edits first (or refuse them), and commit as the
# identity git would use.
load helper

setup() {
	setup_scratch
	school_with_staff
	goal=$("$COACH" goal add bob "Ask better questions" --measure "pupils answering" \
		--baseline 0 --target 100)
	gfile=coaching/bob/goals/$goal.md
	# git's own line merge, not coach's driver (which merges records key
	# by key), so that these operations stop with a conflict.
	git config --remove-section merge.coach
}

# Two branches that change bob's name differently: "other" and main.
diverge() {
	git checkout -qb other
	sed -i 's/^name: .*/name: Robert Baker/' staff/bob.md
	git commit -qam "other: Robert"
	git checkout -q main
	sed -i 's/^name: .*/name: Bobby Baker/' staff/bob.md
	git commit -qam "main: Bobby"
}

# refused_during WHAT ABORT: coach refuses to write, names the operation
# and how to abort it, and commits nothing.
refused_during() {
	local before
	before=$(git rev-parse HEAD)
	run coach goal measure "$goal" 10
	assert_status 1
	assert_output_has "$1 is in progress"
	assert_output_has "$2"
	[ "$(git rev-parse HEAD)" = "$before" ] || fail "coach committed during the $1"
	[ -z "$(git log --all --format=%s | grep '^goal measure')" ] || fail "a goal measure commit exists"
}

@test "no write during an unfinished merge; after git merge --abort it works" {
	diverge
	run git merge other
	[ "$status" -ne 0 ]
	[ -f .git/MERGE_HEAD ]
	refused_during "a merge" "git merge --abort"
	git merge --abort
	run coach goal measure "$goal" 10
	assert_status 0
	assert_repo_sound
}

@test "no write during an unfinished rebase" {
	diverge
	git checkout -q other
	run git rebase main
	[ "$status" -ne 0 ]
	[ -d .git/rebase-merge ] || [ -d .git/rebase-apply ]
	refused_during "a rebase" "git rebase --abort"
	git rebase --abort
	git checkout -q main
	run coach goal measure "$goal" 10
	assert_status 0
}

@test "no write during an unfinished cherry-pick" {
	diverge
	run git cherry-pick other
	[ "$status" -ne 0 ]
	[ -f .git/CHERRY_PICK_HEAD ]
	refused_during "a cherry-pick" "git cherry-pick --abort"
	git cherry-pick --abort
	run coach goal measure "$goal" 10
	assert_status 0
}

@test "no write during an unfinished revert" {
	sed -i 's/^name: .*/name: Bobby Baker/' staff/bob.md
	git commit -qam "Bobby"
	sed -i 's/^name: .*/name: Bob B/' staff/bob.md
	git commit -qam "Bob B"
	run git revert --no-edit HEAD~1
	[ "$status" -ne 0 ]
	[ -f .git/REVERT_HEAD ]
	refused_during "a revert" "git revert --abort"
	git revert --abort
	run coach goal measure "$goal" 10
	assert_status 0
}

@test "agree over a hand-edited agreement commits the hand edit first, on its own" {
	coach agree bob --coach cy >/dev/null
	coach agree bob --end >/dev/null
	local a=coaching/bob/agreement.md
	printf '\nWe meet on Tuesdays, written by hand.\n' >>"$a"
	run --separate-stderr coach agree bob --coach ada
	assert_status 0
	[[ "$stderr" == *"$a had uncommitted changes: committed them first as \"hand edits to $a\""* ]] ||
		fail "stderr: $stderr"
	[ "$(git log -2 --format=%s)" = "agree: bob with ada
hand edits to $a" ]
	# The hand edit is its own commit and is still there after agree.
	git show HEAD~1 -- "$a" | grep -q '^+We meet on Tuesdays, written by hand.$'
	grep -q '^We meet on Tuesdays, written by hand.$' "$a"
	[ "$(yaml "$a" coach)" = '"ada"' ]
	! git show HEAD -- "$a" | grep -q 'Tuesdays'
	assert_repo_sound
}

@test "goal measure over a hand-edited goal: the hand edit is not absorbed into its commit" {
	sed -i 's/^title: .*/title: Ask questions that make pupils think/' "$gfile"
	run --separate-stderr coach goal measure "$goal" 40
	assert_status 0
	[[ "$stderr" == *"committed them first as \"hand edits to $gfile\""* ]] || fail "stderr: $stderr"
	[ "$(git log -1 --format=%s HEAD~1)" = "hand edits to $gfile" ]
	git show HEAD~1 | grep -q '^+title: Ask questions that make pupils think$'
	! git show HEAD | grep -q '^[-+]title' || fail "the measure commit holds the title change"
	[ "$(yaml "$gfile" title)" = '"Ask questions that make pupils think"' ]
	[ "$(yaml "$gfile" measurements 0 value)" = 40 ]
	assert_repo_sound
}

@test "a hand edit that check refuses stops the write, and is kept" {
	sed -i 's/^status: active$/status: finished/' "$gfile"
	local before
	before=$(git rev-parse HEAD)
	run coach goal measure "$goal" 40
	assert_status 1
	assert_output_has "$gfile has uncommitted changes that coach check refuses"
	assert_output_has "git restore $gfile"
	[ "$(git rev-parse HEAD)" = "$before" ]
	grep -q '^status: finished$' "$gfile"
}

@test "an untracked record that a command changes is committed first as it is" {
	mkdir -p priorities
	printf -- '---\ntitle: Reading for pleasure\nyear: 2026-27\nstatus: active\n---\n' >priorities/reading.md
	run --separate-stderr coach priority retire reading
	assert_status 0
	[ "$(git log -2 --format=%s)" = "priority retire: reading
hand edits to priorities/reading.md" ]
	[ "$(git show HEAD~1:priorities/reading.md)" = "$(printf -- '---\ntitle: Reading for pleasure\nyear: 2026-27\nstatus: active\n---')" ]
	assert_repo_sound
}

@test "identity from GIT_AUTHOR_* and GIT_COMMITTER_* with no git config" {
	git config --global --unset user.name
	git config --global --unset user.email
	run coach goal measure "$goal" 5
	assert_status 1
	assert_output_has "GIT_AUTHOR_NAME"
	export GIT_AUTHOR_NAME="Bob Baker" GIT_AUTHOR_EMAIL=bob@school.example
	export GIT_COMMITTER_NAME="Cy Young" GIT_COMMITTER_EMAIL=cy@school.example
	# The current user is the author git would name: bob.
	run coach goal add "Use mini whiteboards"
	assert_status 0
	[ -f "coaching/bob/goals/$output.md" ] || fail "goal not bob's: $output"
	[ "$(git log -1 --format='%an <%ae>|%cn <%ce>')" = "Bob Baker <bob@school.example>|Cy Young <cy@school.example>" ]
	run coach log -m "Tried it"
	assert_status 0
	[ "$(yaml coaching/bob/log/*-"$output".md author)" = '"bob"' ]
	assert_repo_sound
}

@test "GIT_AUTHOR_EMAIL is who you are, over git config" {
	GIT_AUTHOR_EMAIL=cy@school.example run coach goal add "Read aloud daily"
	assert_status 0
	[ -f "coaching/cy/goals/$output.md" ] || fail "goal not cy's: $output"
	[ "$(git log -1 --format='%an <%ae>|%cn <%ce>')" = "Ada Lovelace <cy@school.example>|Ada Lovelace <ada@school.example>" ]
}

@test "a lock that git left is reported and kept; one a killed coach left is cleared" {
	touch .git/index.lock
	run coach goal measure "$goal" 10
	assert_status 1
	assert_output_has ".git/index.lock exists"
	[ -f .git/index.lock ] || fail "coach removed git's lock"
	rm .git/index.lock

	# What a writer killed between moving the branch and writing the
	# index leaves: its journal, then the locks it took.
	printf '%s\t%s\n' "$(git rev-parse HEAD:"$gfile")" "$gfile" >.git/coach-journal
	sleep 0.01
	cp .git/index .git/index.lock
	echo "$(git rev-parse HEAD)" >.git/refs/heads/main.lock
	run coach goal measure "$goal" 10
	assert_status 0
	[ ! -e .git/index.lock ] && [ ! -e .git/refs/heads/main.lock ] && [ ! -e .git/coach-journal ]
	assert_repo_sound
}

@test "a file a killed writer wrote without moving the branch is put back" {
	local before
	before=$(cat "$gfile")
	sed -i 's/^title: .*/title: Half written/' "$gfile"
	# The journal names the content the dead writer wrote.
	printf '%s\t%s\n' "$(git hash-object "$gfile")" "$gfile" >.git/coach-journal
	run coach goal measure "$goal" 10
	assert_status 0
	! grep -q 'Half written' "$gfile" || fail "the half-done write was kept"
	! git log -p | grep -q 'Half written' || fail "the half-done write was committed"
	[ "$(git log -1 --format=%s HEAD~1)" != "hand edits to $gfile" ]
	assert_repo_sound
}
