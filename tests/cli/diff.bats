#!/usr/bin/env bats
# coach diff: what changed between two points, by meaning.
load helper
load history

setup() {
	setup_scratch
	coached_school
}

@test "diff starts at the commit that added the latest meeting and ends at the work tree" {
	"$COACH" log bob --kind meeting -m "We planned the pause." --date 2026-11-10 >/dev/null
	meeting=$(ls coaching/bob/log/*.md)
	"$COACH" goal measure "$GOAL" 19 --date 2026-11-20 >/dev/null
	"$COACH" cycle phase "$CYCLE" practise >/dev/null
	by_hand "bob: shorter" 's/^step: .*/step: Wait three seconds/' "$CYCLE_FILE"
	"$COACH" log bob --kind observation -m "Hands went up." \
		--evidence https://video.example/7 --date 2026-11-21 >/dev/null
	# A hand edit not committed.
	sed -i 's/^review: .*/review: 2026-12-08/' "$CYCLE_FILE"
	added=$(git log --diff-filter=A --format=%h -- "$meeting")
	run coach diff bob
	assert_status 0
	has_line "bob: since the meeting $(basename "$meeting" .md | cut -c12-18) of 2026-11-10 (commit $added), to the work tree"
	has_line "    goal ${GOAL:0:7}: measurement 10 → 19 (pupils answering; 64% of the way to 24) on 2026-11-20"
	has_line "    cycle ${CYCLE:0:7}: plan → practise (uncommitted)"
	has_line "    cycle ${CYCLE:0:7}: action step reworded: \"Wait five seconds\" → \"Wait three seconds\" (uncommitted)"
	has_line "    cycle ${CYCLE:0:7}: review moved 2026-12-01 → 2026-12-08 (uncommitted)"
	assert_output_has "new observation "
	assert_output_has ' with 1 evidence link, dated 2026-11-21: "Hands went up."'
	assert_output_has ": evidence https://video.example/7"
	# The meeting itself and what came before it are not news.
	assert_output_lacks "We planned the pause."
	assert_output_lacks "new goal"
	run coach diff bob --since last-meeting --format json
	assert_status 0
	[ "$(json 'j["coachees"][0]["from"]')" = "$(git rev-parse "$added")" ]
	[ "$(json 'j["coachees"][0]["to"]')" = None ]
	[ "$(json '[c["uncommitted"] for c in j["coachees"][0]["changes"]]')" = "[False, True, False]" ]
}

@test "diff --since a date starts at the last commit before that day" {
	echo "We meet on Tuesdays." >>coaching/bob/agreement.md
	git add -A
	dated 2026-10-01 "ways of working"
	sed -i 's/^focus: .*/focus: questions/' coaching/bob/agreement.md
	git add -A
	dated 2026-11-05 "focus"
	run coach diff bob --since 2026-11-01
	assert_status 0
	has_line "bob: since 2026-11-01 (commit $(git rev-parse --short=7 HEAD~1)), to the work tree"
	has_line '    agreement: focus reworded: "questioning" → "questions"'
	assert_output_lacks "notes edited"
	# Before the first commit: everything is new.
	run coach diff bob --since 2026-09-01
	has_line "bob: since 2026-09-01 (before the first commit), to the work tree"
	has_line "    agreement started with coach ada"
}

@test "diff --since and --until take revisions" {
	"$COACH" goal measure "$GOAL" 12 --date 2026-11-20 >/dev/null
	"$COACH" goal measure "$GOAL" 17 --date 2026-11-21 >/dev/null
	"$COACH" goal status "$GOAL" achieved >/dev/null
	run coach diff bob --since HEAD~2 --until HEAD~1
	assert_status 0
	has_line "bob: since HEAD~2 (commit $(git rev-parse --short=7 HEAD~2)), to HEAD~1 (commit $(git rev-parse --short=7 HEAD~1))"
	has_line "    goal ${GOAL:0:7}: measurement 12 → 17 (pupils answering; 50% of the way to 24) on 2026-11-21"
	assert_output_lacks "achieved"
	run coach diff bob --since "$(git rev-parse HEAD~1)"
	has_line "    goal ${GOAL:0:7}: status active → achieved"
	run coach diff bob --since no-such-thing
	assert_status 1
	assert_output_has "neither a date, a revision nor last-meeting"
	run coach diff bob --until no-such-thing
	assert_status 1
}

@test "private entries are only ever '(private)' to others, quoted to their author" {
	git config user.email bob@school.example
	"$COACH" log bob --kind reflection --private \
		-m "I felt the class was laughing at me." >/dev/null
	git config user.email ada@school.example
	for cmd in "diff bob" "diff bob --format json" "history bob" "agenda bob" \
		"agenda bob --format markdown" "agenda bob --format json"; do
		run coach $cmd
		assert_status 0
		assert_output_lacks "laughing"
	done
	run coach diff bob
	assert_output_has ": (private)"
	git config user.email bob@school.example
	run coach diff bob
	assert_output_has '"I felt the class was laughing at me."'
	# An agenda may be passed on: not even the author sees it quoted.
	run coach agenda bob --format markdown
	assert_output_lacks "laughing"
}

@test "diff without COACHEE covers everyone the user coaches, or the user" {
	"$COACH" agree cy --coach ada >/dev/null
	run coach diff
	assert_status 0
	has_line "bob: since the start (no meeting logged yet), to the work tree"
	has_line "cy: since the start (no meeting logged yet), to the work tree"
	has_line "    agreement started with coach ada"
	run coach diff --format json
	[ "$(json '[c["coachee"] for c in j["coachees"]]')" = "['bob', 'cy']" ]
	git config user.email cy@school.example
	run coach diff
	assert_status 0
	[ "${lines[0]}" = "cy: since the start (no meeting logged yet), to the work tree" ] || fail "$output"
	[ "$(printf '%s\n' "$output" | grep -c ': since ')" -eq 1 ] || fail "$output"
}

@test "diff and agenda without COACHEE read only the agreements that name the user" {
	command -v strace >/dev/null || skip "strace is not installed"
	# LeakSanitizer cannot run under ptrace: memory errors only, there.
	[ -z "${ASAN_OPTIONS:-}" ] || export ASAN_OPTIONS=${ASAN_OPTIONS//detect_leaks=1/detect_leaks=0}
	"$COACH" agree cy --coach ada --coach bob >/dev/null
	for i in 1 2 3 4 5 6; do
		"$COACH" staff add "t$i" --name "Teacher $i" >/dev/null
		"$COACH" agree "t$i" --coach bob >/dev/null
	done
	"$COACH" staff add t7 --name "Teacher 7" >/dev/null
	"$COACH" agree t7 --coach ada >/dev/null
	# Ended: no longer one of ada's.
	"$COACH" agree t7 --end >/dev/null
	grep -q '^ended: ' coaching/t7/agreement.md || fail "$(cat coaching/t7/agreement.md)"
	for cmd in diff agenda; do
		run coach $cmd --format json
		assert_status 0
		[ "$(json '[c["coachee"] for c in j["coachees"]]')" = "['bob', 'cy']" ] ||
			fail "$cmd: $output"
		# Once who coaches whom is known, only those agreements are read.
		strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" "$COACH" $cmd >/dev/null
		opened=$(grep -o 'coaching/[^/"]*/agreement.md' "$BATS_TEST_TMPDIR/trace" | sort -u | tr '\n' ' ')
		[ "$opened" = "coaching/bob/agreement.md coaching/cy/agreement.md " ] ||
			fail "$cmd opened: $opened"
	done
	# Without the cache every agreement is read: the check can fail.
	COACH_NO_CACHE=1 strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" "$COACH" agenda >/dev/null
	grep -q 'coaching/t5/agreement.md' "$BATS_TEST_TMPDIR/trace"
}

@test "diff reports a record that does not parse and goes on" {
	mkdir -p coaching/bob/log
	printf -- '---\nid: [broken\n---\n' >coaching/bob/log/2026-11-16-e0badbad.md
	run coach diff bob
	assert_status 0
	assert_output_has "coach: warning: coaching/bob/log/2026-11-16-e0badbad.md:"
	assert_output_has "new goal ${GOAL:0:7}"
}
