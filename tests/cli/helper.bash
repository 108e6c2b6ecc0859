# Shared by the CLI tests (bats).  Each test runs in its own scratch
# directory with its own HOME and git identity; on failure bats keeps
# BATS_TEST_TMPDIR when run with --no-tempdir-cleanup.

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
: "${COACH:=$TOP/build/coach}"
FM="$TOP/tests/tools/fm.py"

setup_scratch() {
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
	export GIT_CONFIG_NOSYSTEM=1
	git config --global user.name "Ada Lovelace"
	git config --global user.email "ada@school.example"
	git config --global init.defaultBranch main
	export COACH_NO_MAN=1 NO_COLOR=1 COACH_TODAY=2026-11-26
	export EDITOR=false VISUAL=
	unset COACH_DIR PAGER COACH_PAGER
	# Debian's python3, which has python3-yaml (tests/deps), before any
	# other in PATH: a version manager's shim costs half a second a call.
	if [ -x /usr/bin/python3 ] && [ -n "${BATS_RUN_TMPDIR:-}" ]; then
		mkdir -p "$BATS_RUN_TMPDIR/python"
		ln -sfn /usr/bin/python3 "$BATS_RUN_TMPDIR/python/python3"
		export PATH="$BATS_RUN_TMPDIR/python:$PATH"
	fi
	cd "$BATS_TEST_TMPDIR"
}

setup() {
	setup_scratch
}

# The binary under test; "run coach ..." captures status and output.
coach() {
	"$COACH" "$@"
}

# A new school repository in ./school, current directory inside it.
new_school() {
	"$COACH" init school --school "${1:-Test School}" >/dev/null
	cd school
}

# A school with staff: ada (the git user, a coach), bob and cy (teachers).
school_with_staff() {
	new_school
	"$COACH" staff add ada --name "Ada Lovelace" --email ada@school.example \
		--role "Assistant head" --subject maths --phase secondary --coach >/dev/null
	"$COACH" staff add bob --name "Bob Baker" --email bob@school.example \
		--subject science --phase secondary >/dev/null
	"$COACH" staff add cy --name "Cy Young" --email cy@school.example \
		--subject english --phase primary >/dev/null
}

fail() {
	printf '%s\n' "$@" >&2
	return 1
}

# assert_status N: the last "run" exited with N.
assert_status() {
	[ "$status" -eq "$1" ] || fail "expected exit status $1, got $status" "output: $output"
}

# assert_output_has TEXT: the last "run" output contains TEXT.
assert_output_has() {
	[[ "$output" == *"$1"* ]] || fail "expected output to contain: $1" "output: $output"
}

assert_output_lacks() {
	[[ "$output" != *"$1"* ]] || fail "expected output not to contain: $1" "output: $output"
}

# A packer merging packs in the background (started by a write, detached)
# holds .git/coach-pack.lock while it works; wait for it to finish.
wait_packer() {
	local lock
	lock="$(git rev-parse --git-common-dir 2>/dev/null)/coach-pack.lock"
	[ ! -e "$lock" ] || flock "$lock" true
}

# git agrees the repository is sound and the work tree clean.  git fsck
# may find a pack gone that a packer merging in the background removed
# under it (and the packer may not have taken its lock yet when the write
# returns): a failure is believed only when it stays once the packer is
# done.
assert_repo_sound() {
	local try
	for try in 1 2 3; do
		wait_packer
		git fsck --strict --no-progress >/dev/null 2>&1 && break
		[ "$try" -lt 3 ] || fail "git fsck --strict failed" "$(git fsck --strict --no-progress 2>&1 | head -5)"
		sleep 1
	done
	local st
	st=$(git status --porcelain)
	[ -z "$st" ] || fail "work tree not clean:" "$st"
}

# Number of commits on HEAD.
commit_count() {
	git rev-list --count HEAD
}

# yaml FILE [KEY...]: a value from FILE's front-matter, read by PyYAML, as JSON.
yaml() {
	python3 "$FM" "$@"
}

# abbrev CMD...: the id CMD prints, abbreviated as human output shows
# it (7 characters while that is unique, as in these small schools).
abbrev() {
	local id
	id=$("$@") || return
	printf '%s\n' "${id:0:7}"
}
