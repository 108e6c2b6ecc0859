#!/usr/bin/env bats
load records

G=coaching/bob/goals/g1a2b3c.md

setup() {
	setup_scratch
	school_with_staff
	make_goal bob g1a2b3c
	# Editors made of small scripts; each call is counted in $HOME/calls
	# and the text it was given kept in $HOME/seen-N.
	mkdir -p "$HOME/bin"
	export PATH="$HOME/bin:$PATH"
}

# editor NAME <<SCRIPT: an editor script; the file is "$1", the call's
# number "$n".
editor() {
	{
		printf '#!/bin/sh\nset -e\n'
		printf 'n=$(($(cat "$HOME/calls" 2>/dev/null || echo 0) + 1)); echo $n >"$HOME/calls"\n'
		printf 'cp "$1" "$HOME/seen-$n"\n'
		cat
	} >"$HOME/bin/$1"
	chmod +x "$HOME/bin/$1"
}

calls() {
	cat "$HOME/calls" 2>/dev/null || echo 0
}

@test "edit commits the change the editor made, and only that line changes" {
	editor pause <<-'END'
	sed -i 's/^status: active$/status: paused/' "$1"
	END
	EDITOR=pause run --separate-stderr coach edit g1a2
	assert_status 0
	[ "$output" = "edited $G" ]
	[ "$(yaml "$G" status)" = '"paused"' ]
	[ "$(git log -1 --format=%s)" = "edit: $G" ]
	assert_commit_files "$G"
	[ "$(git diff HEAD~1 HEAD -- "$G" | grep -c '^[-+][^-+]')" -eq 2 ]
	cmp "$HOME/seen-1" <(git show HEAD~1:"$G")
	[ -z "$(ls .git/COACH_EDIT-* 2>/dev/null)" ] || fail "draft left behind"
	assert_repo_sound
}

@test "edit takes a path, from a subdirectory too" {
	editor rename <<-'END'
	sed -i 's/^name: .*/name: Robert Baker/' "$1"
	END
	cd coaching
	EDITOR=rename run coach edit ../staff/bob.md
	assert_status 0
	cd ..
	[ "$(yaml staff/bob.md name)" = '"Robert Baker"' ]
	[ "$(git log -1 --format=%s)" = "edit: staff/bob.md" ]
	assert_repo_sound
}

@test "edit with no change says so and commits nothing" {
	snapshot
	EDITOR=true run coach edit g1a2b3c
	assert_status 0
	[ "$output" = "no changes" ]
	assert_unchanged
	[ -z "$(ls .git/COACH_EDIT-* 2>/dev/null)" ] || fail "draft left behind"
}

@test "edit reopens an invalid record with the errors on top, then commits the fix" {
	editor fix <<-'END'
	case $n in
	1) sed -i '/^status:/d' "$1" ;;
	2) sed -i 's/^opened: .*/&\nstatus: achieved/' "$1" ;;
	*) exit 1 ;;
	esac
	END
	EDITOR=fix run --separate-stderr coach edit g1a2b3c
	assert_status 0
	[ "$(calls)" -eq 2 ]
	[[ "$stderr" == *"$G has 1 error"* ]] || fail "stderr: $stderr"
	head -1 "$HOME/seen-2" | grep -q '^# coach: '
	grep -q '^# coach: .*status' "$HOME/seen-2"
	grep -q '^---$' "$HOME/seen-2"
	! grep -q '^# coach' "$G" || fail "comments committed"
	[ "$(head -1 "$G")" = "---" ]
	[ "$(yaml "$G" status)" = '"achieved"' ]
	[ "$(git log -1 --format=%s)" = "edit: $G" ]
	[ "$(git rev-list --count HEAD)" -eq 6 ]
	assert_repo_sound
}

@test "edit's error lines name the line of the draft the editor shows" {
	editor mark <<-'END'
	case $n in
	1) sed -i 's/^status: active$/status: bogus/' "$1" ;;
	2) line=$(sed -n 's/^# coach: line \([0-9]*\):.*/\1/p' "$1" | head -1)
	   sed -n "${line}p" "$1" >"$HOME/pointed"
	   sed -i 's/^status: bogus$/status: active/' "$1" ;;
	esac
	END
	snapshot
	EDITOR=mark run --separate-stderr coach edit g1a2b3c
	assert_status 0
	[ "$output" = "no changes" ]
	[ "$(cat "$HOME/pointed")" = "status: bogus" ] || fail "pointed at: $(cat "$HOME/pointed")" "$(cat "$HOME/seen-2")"
	assert_unchanged
}

@test "edit reports a YAML error and keeps reopening until the record parses" {
	editor yaml <<-'END'
	case $n in
	1) sed -i 's/^title: .*/title: [unclosed/' "$1" ;;
	2) sed -i 's/^title: .*/title: "still: [open/' "$1" ;;
	3) sed -i 's/^title: .*/title: Closed at last/' "$1" ;;
	esac
	END
	EDITOR=yaml run coach edit g1a2b3c
	assert_status 0
	[ "$(calls)" -eq 3 ]
	grep -q "^# coach: " "$HOME/seen-2"
	grep -q "^# coach: " "$HOME/seen-3"
	[ "$(yaml "$G" title)" = '"Closed at last"' ]
	assert_repo_sound
}

@test "edit gives up on an empty save when nothing was changed" {
	editor empty <<-'END'
	: >"$1"
	END
	snapshot
	EDITOR=empty run coach edit g1a2b3c
	assert_status 1
	assert_output_has "coach: aborting: the file was saved empty; $G is unchanged"
	assert_unchanged
	[ -z "$(ls .git/COACH_EDIT-* 2>/dev/null)" ] || fail "draft left behind"
}

@test "edit keeps the last draft when the user gives up, and goes on from it next time" {
	editor giveup <<-'END'
	case $n in
	1) sed -i 's/^status: active$/status: bogus/; s/^title: .*/title: My new words/' "$1" ;;
	2) : >"$1" ;;
	3) sed -i 's/^status: bogus$/status: paused/' "$1" ;;
	esac
	END
	snapshot
	EDITOR=giveup run coach edit g1a2b3c
	assert_status 1
	assert_output_has "aborting"
	assert_output_has "$G is unchanged"
	assert_output_has ".git/COACH_EDIT-coaching_bob_goals_g1a2b3c.md"
	assert_unchanged
	grep -q '^title: My new words$' .git/COACH_EDIT-coaching_bob_goals_g1a2b3c.md
	EDITOR=giveup run --separate-stderr coach edit g1a2b3c
	assert_status 0
	[[ "$stderr" == *"going on from the draft"* ]] || fail "stderr: $stderr"
	[ "$(yaml "$G" title)" = '"My new words"' ]
	[ "$(yaml "$G" status)" = '"paused"' ]
	! grep -q '^# coach' "$G"
	[ ! -e .git/COACH_EDIT-coaching_bob_goals_g1a2b3c.md ]
	assert_repo_sound
}

@test "edit stops when the editor fails and keeps what it saved" {
	editor crash <<-'END'
	case $n in
	1) sed -i 's/^title: .*/title: Half done/' "$1"; exit 3 ;;
	2) sed -i 's/^status: active$/status: paused/' "$1" ;;
	esac
	END
	snapshot
	EDITOR=crash run coach edit g1a2b3c
	assert_status 1
	assert_output_has "exit status 3"
	assert_output_has "$G is unchanged"
	assert_output_has ".git/COACH_EDIT-coaching_bob_goals_g1a2b3c.md"
	assert_unchanged
	EDITOR=crash run coach edit g1a2b3c
	assert_status 0
	[ "$(yaml "$G" title)" = '"Half done"' ]
	[ "$(yaml "$G" status)" = '"paused"' ]
}

@test "edit keeps the draft when the commit fails" {
	editor nocommit <<-'END'
	sed -i 's/^status: active$/status: paused/' "$1"
	git config --global --unset user.name
	END
	snapshot
	EDITOR=nocommit run coach edit g1a2b3c
	assert_status 1
	assert_output_has "user.name"
	assert_output_has ".git/COACH_EDIT-coaching_bob_goals_g1a2b3c.md"
	grep -q '^status: paused$' .git/COACH_EDIT-coaching_bob_goals_g1a2b3c.md
	assert_unchanged
}

@test "edit commits despite warnings, and shows them" {
	editor grade <<-'END'
	printf 'It was an outstanding lesson.\n' >>"$1"
	END
	EDITOR=grade run --separate-stderr coach edit g1a2b3c
	assert_status 0
	[[ "$stderr" == *"warning"*"$G"* ]] || fail "stderr: $stderr"
	[ "$(git log -1 --format=%s)" = "edit: $G" ]
	grep -q outstanding "$G"
}

@test "edit writes LF line endings when the editor saved CRLF" {
	editor dos <<-'END'
	sed -i 's/^status: active$/status: paused/; s/$/\r/' "$1"
	END
	EDITOR=dos run coach edit g1a2b3c
	assert_status 0
	! grep -q $'\r' "$G" || fail "CR committed"
	[ "$(yaml "$G" status)" = '"paused"' ]
	assert_repo_sound
}

@test "edit of an entry refuses a kind outside coach(5) until fixed" {
	make_entry bob 2026-11-20 e000001 meeting "Talked."
	editor kind <<-'END'
	case $n in
	1) sed -i 's/^kind: meeting$/kind: chat/' "$1" ;;
	2) sed -i 's/^kind: chat$/kind: observation/' "$1" ;;
	esac
	END
	EDITOR=kind run coach edit e000001
	assert_status 0
	grep -q "^# coach: .*kind" "$HOME/seen-2"
	[ "$(yaml coaching/bob/log/2026-11-20-e000001.md kind)" = '"observation"' ]
}

@test "edit refuses an unknown id and a missing argument" {
	snapshot
	EDITOR=true run coach edit g999999
	assert_status 1
	assert_output_has "coach: no goal matches 'g999999'"
	EDITOR=true run coach edit
	assert_status 2
	assert_output_has "usage: coach edit"
	EDITOR=true run coach edit g1a2b3c staff/bob.md
	assert_status 2
	EDITOR=true run coach edit --force g1a2b3c
	assert_status 2
	assert_unchanged
}

@test "edit does not commit over a record changed on disk meanwhile, and keeps the draft" {
	editor race <<-'END'
	sed -i 's/^status: active$/status: paused/' "$1"
	sed -i 's/^title: .*/title: Changed elsewhere/' "$PWD/coaching/bob/goals/g1a2b3c.md"
	END
	HEAD0=$(git rev-parse HEAD)
	EDITOR=race run coach edit g1a2b3c
	assert_status 1
	assert_output_has "$G changed on disk while you were editing it"
	assert_output_has ".git/COACH_EDIT-coaching_bob_goals_g1a2b3c.md"
	[ "$(git rev-parse HEAD)" = "$HEAD0" ]
	[ "$(yaml "$G" title)" = '"Changed elsewhere"' ]
	grep -q '^status: paused$' .git/COACH_EDIT-coaching_bob_goals_g1a2b3c.md
}

@test "an editor that hands the draft back at once stops the edit, keeping the draft" {
	# The first call breaks the record; later calls return at once, as
	# VS Code without --wait does.
	editor quick <<-'END'
	[ "$n" -gt 1 ] && exit 0
	sed -i 's/^status: active$/status: finished/' "$1"
	END
	snapshot
	EDITOR=quick run timeout 20 "$COACH" edit g1a2
	assert_status 1
	[ "$(calls)" -eq 2 ] || fail "the editor ran $(calls) times"
	assert_output_has "gave the draft back unchanged"
	local draft=.git/COACH_EDIT-coaching_bob_goals_g1a2b3c.md
	assert_output_has "$draft"
	grep -q '^status: finished$' "$draft"
	grep -q '^# coach: ' "$draft"
	[ "$(yaml "$G" status)" = '"active"' ]
	assert_unchanged
}

@test "EDITOR=true on an invalid draft left by an earlier edit stops at once" {
	local draft=.git/COACH_EDIT-coaching_bob_goals_g1a2b3c.md
	sed 's/^status: active$/status: finished/' "$G" >"$draft"
	snapshot
	EDITOR=true run timeout 20 "$COACH" edit g1a2
	assert_status 1
	assert_output_has "gave the draft back unchanged"
	[ "$(grep -c 'back to the editor' <<<"$output")" -le 1 ]
	[ -f "$draft" ]
	assert_unchanged
}

@test "edit moves an entry to the file its new date names, in the same commit" {
	make_entry bob 2026-11-26 e0c0ffe note "Talked about questioning."
	editor redate <<-'END'
	sed -i 's/^date: 2026-11-26$/date: 2026-11-20/' "$1"
	END
	EDITOR=redate run coach edit e0c0ffe
	assert_status 0
	assert_output_has "coaching/bob/log/2026-11-20-e0c0ffe.md"
	[ ! -e coaching/bob/log/2026-11-26-e0c0ffe.md ]
	[ "$(yaml coaching/bob/log/2026-11-20-e0c0ffe.md date)" = '"2026-11-20"' ]
	[ "$(git show --name-status --no-renames --format= HEAD)" = "$(printf 'A\tcoaching/bob/log/2026-11-20-e0c0ffe.md\nD\tcoaching/bob/log/2026-11-26-e0c0ffe.md')" ]
	[ "$(git log -1 --format=%s)" = "edit: coaching/bob/log/2026-11-26-e0c0ffe.md (now coaching/bob/log/2026-11-20-e0c0ffe.md)" ]
	run coach check
	assert_status 0
	assert_repo_sound
}
