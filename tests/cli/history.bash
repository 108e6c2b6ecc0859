# Shared by history.bats, diff.bats and agenda.bats: a relationship built
# partly with coach and partly with plain git, judged with plain git.
#
#   ada (the git user, a coach) coaches bob; cy is coached by no one.
#   $GOAL  bob's goal "More pupils answer", pupils answering 10 -> 24
#   $CYCLE bob's cycle on it, "Wait five seconds", review 2026-12-01

bats_require_minimum_version 1.5.0

coached_school() {
	school_with_staff
	"$COACH" agree bob --coach ada --focus questioning \
		--cadence fortnightly >/dev/null
	GOAL=$("$COACH" goal add bob "More pupils answer" \
		--measure "pupils answering" --baseline 10 --target 24)
	CYCLE=$("$COACH" cycle start "$GOAL" --step "Wait five seconds" \
		--review 2026-12-01)
	GOAL_FILE=coaching/bob/goals/$GOAL.md
	CYCLE_FILE=coaching/bob/cycles/$CYCLE.md
}

# as HANDLE COMMAND...: runs a command as bob or cy (git's user.email).
as() {
	local who=$1
	shift
	git -c user.email="$who@school.example" -c user.name="$who" "$@"
}

# by_hand MESSAGE SED-EXPRESSION FILE: a hand edit committed with plain
# git, by bob.
by_hand() {
	sed -i "$2" "$3"
	git add -A
	git -c user.name="Bob Baker" -c user.email=bob@school.example \
		commit -q -m "$1"
}

# dated DATE MESSAGE: commits what is staged with plain git on DATE.
dated() {
	GIT_AUTHOR_DATE="$1T10:00:00" GIT_COMMITTER_DATE="$1T10:00:00" \
		git commit -q -m "$2"
}

# json EXPR: evaluates EXPR in python3 with the last output parsed as j.
json() {
	printf '%s' "$output" | python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"
}

# has_line TEXT: the last "run" printed exactly that line.
has_line() {
	local l
	while IFS= read -r l; do
		[ "$l" = "$1" ] && return 0
	done <<<"$output"
	fail "expected a line: $1" "output: $output"
}
