#!/usr/bin/env bats
# $VISUAL and $EDITOR are shell text, as git takes them: an editor with
# arguments, or a path with spaces in quotes, opens the file.
load records

G=coaching/bob/goals/g1a2b3c.md

setup() {
	setup_scratch
	school_with_staff
	make_goal bob g1a2b3c
	mkdir -p "$HOME/bin" "$HOME/my editors"
	export PATH="$HOME/bin:$PATH"
}

# editor PATH: an editor script at PATH that keeps its arguments, one a
# line, in $HOME/args and pauses the goal in the file it is given last.
editor() {
	cat >"$1" <<-'END'
	#!/bin/sh
	printf '%s\n' "$@" >"$HOME/args"
	for f; do :; done
	sed -i 's/^status: active$/status: paused/' "$f"
	END
	chmod +x "$1"
}

@test "an editor with arguments gets them, then the file" {
	editor "$HOME/bin/ed-args"
	EDITOR='ed-args -u NONE' run coach edit g1a2b3c
	assert_status 0
	[ "$output" = "edited $G" ]
	[ "$(yaml "$G" status)" = '"paused"' ]
	[ "$(sed -n 1,2p "$HOME/args")" = $'-u\nNONE' ] || fail "args: $(cat "$HOME/args")"
	[[ "$(sed -n 3p "$HOME/args")" == */.git/COACH_EDIT-coaching_bob_goals_g1a2b3c.md ]] ||
		fail "file: $(cat "$HOME/args")"
	[ "$(wc -l <"$HOME/args")" -eq 3 ]
	[ "$(git log -1 --format=%s)" = "edit: $G" ]
	assert_repo_sound
}

@test "an editor path with spaces, in single or double quotes" {
	editor "$HOME/my editors/ed"
	EDITOR="'$HOME/my editors/ed' --wait" run coach edit g1a2b3c
	assert_status 0
	[ "$(yaml "$G" status)" = '"paused"' ]
	[ "$(head -1 "$HOME/args")" = "--wait" ] || fail "args: $(cat "$HOME/args")"
	git revert --no-edit HEAD >/dev/null
	VISUAL="\"$HOME/my editors/ed\"" EDITOR=false run coach edit g1a2b3c
	assert_status 0
	[ "$(yaml "$G" status)" = '"paused"' ]
	[ "$(wc -l <"$HOME/args")" -eq 1 ]
	assert_repo_sound
}

@test "log writes the entry through an editor given with a quoted path" {
	cat >"$HOME/my editors/write" <<-'END'
	#!/bin/sh
	{ printf 'Modelled the hinge question.\n'; cat "$1"; } >"$1.new"
	mv "$1.new" "$1"
	END
	chmod +x "$HOME/my editors/write"
	EDITOR="'$HOME/my editors/write'" run coach log bob --kind meeting
	assert_status 0
	f=$(entry_file "$output")
	[ "$(sed -n '/^---$/,/^---$/!p' "$f")" = "Modelled the hinge question." ]
	assert_repo_sound
}

@test "vim -u NONE as the editor" {
	command -v vim >/dev/null || skip "no vim on this machine"
	EDITOR="vim -u NONE -N -es '+%s/^status: active\$/status: paused/' +wq" \
		run coach edit g1a2b3c </dev/null
	assert_status 0
	[ "$output" = "edited $G" ]
	[ "$(yaml "$G" status)" = '"paused"' ]
	assert_repo_sound
}

@test "an editor that cannot be run: exit 1, nothing written" {
	snapshot
	EDITOR="'$HOME/my editors/missing' -f" run coach edit g1a2b3c
	assert_status 1
	assert_output_has "coach: $G is unchanged"
	assert_output_has "the editor ''$HOME/my editors/missing' -f' failed (exit status 127)"
	assert_unchanged
}
