#!/usr/bin/env bats
# coach history: what changed, when and by whom, in words, from git.
load helper
load history

setup() {
	setup_scratch
	coached_school
}

@test "history mixes coach's commits and plain git hand edits, newest first, judged by git log" {
	"$COACH" goal measure "$GOAL" 14 --date 2026-11-20 >/dev/null
	"$COACH" cycle phase "$CYCLE" practise >/dev/null
	by_hand "bob: reached it" 's/^status: active/status: achieved/' "$GOAL_FILE"
	git -c user.name="Visitor" -c user.email=v@elsewhere.example \
		commit -q --allow-empty -m "nothing of bob's"
	run coach history bob
	assert_status 0
	[ "${lines[1]}" = "    goal ${GOAL:0:7}: status active → achieved" ] || fail "$output"
	[[ "${lines[0]}" == "$(git rev-parse --short=7 HEAD~1)  "*"  bob" ]] || fail "${lines[0]}"
	has_line "    cycle ${CYCLE:0:7}: plan → practise"
	has_line "    goal ${GOAL:0:7}: measurement 10 → 14 (pupils answering; 29% of the way to 24) on 2026-11-20"
	has_line "    new cycle ${CYCLE:0:7} on goal ${GOAL:0:7}, phase plan: \"Wait five seconds\""
	has_line "    new goal ${GOAL:0:7}: \"More pupils answer\""
	has_line "    agreement started with coach ada"
	# The same commits as git's own path-limited log, in its order.
	run coach history bob --format json
	assert_status 0
	[ "$(json '"\n".join(c["commit"] for c in j["commits"])')" = \
	  "$(git log --format=%H -- coaching/bob/)" ] || fail "not git's list"
	[ "$(json 'j["commits"][0]["handle"]')" = bob ]
	[ "$(json 'j["commits"][-1]["handle"]')" = ada ]
}

@test "a revert appears like any other change" {
	by_hand "bob: reached it" 's/^status: active/status: achieved/' "$GOAL_FILE"
	git revert --no-edit HEAD >/dev/null
	run coach history bob --format json
	assert_status 0
	[ "$(json 'j["commits"][0]["commit"]')" = "$(git rev-parse HEAD)" ]
	[ "$(json 'j["commits"][0]["changes"][0]["text"][0]')" = \
	  "goal ${GOAL:0:7}: status achieved → active" ]
	[ "$(json 'j["commits"][1]["changes"][0]["text"][0]')" = \
	  "goal ${GOAL:0:7}: status active → achieved" ]
}

@test "an entry whose date was corrected with git mv keeps its history" {
	id=$("$COACH" log bob --kind observation -m "Saw the pause" \
		--evidence https://video.example/1 --evidence https://video.example/2 \
		--date 2026-11-14)
	old=$(ls coaching/bob/log/2026-11-14-*.md)
	new=${old/2026-11-14/2026-11-13}
	git mv "$old" "$new"
	sed -i 's/^date: 2026-11-14/date: 2026-11-13/' "$new"
	git commit -q -am "bob: the observation was on the 13th"
	# git itself sees a rename.
	git show --stat -M HEAD | grep -q '=>' || fail "git sees no rename"
	for arg in "$id" "$new"; do
		run coach history "$arg"
		assert_status 0
		has_line "    observation ${id:0:7}: moved from ${old##*/} to ${new##*/}"
		has_line "    observation ${id:0:7}: date 2026-11-14 → 2026-11-13"
		has_line "    new observation ${id:0:7} with 2 evidence links, dated 2026-11-14"
		[ "${#lines[@]}" -eq 5 ] || fail "only the entry's two commits: $output"
	done
}

@test "a merge commit is shown once, with what it brought in" {
	git checkout -q -b side
	by_hand "bob: a smaller step" 's/^step: .*/step: Wait eight seconds/' "$CYCLE_FILE"
	git checkout -q main
	"$COACH" goal measure "$GOAL" 12 --date 2026-11-20 >/dev/null
	git merge -q --no-ff --no-edit side
	[ "$(git rev-list --parents -n1 HEAD | wc -w)" -eq 3 ] || fail "no merge"
	run coach history bob --format json
	assert_status 0
	[ "$(json 'sum(1 for c in j["commits"] if c["merge"])')" -eq 1 ]
	[ "$(json '[c["commit"] for c in j["commits"] if c["merge"]][0]')" = "$(git rev-parse HEAD)" ]
	[ "$(json '[c["changes"][0]["text"][0] for c in j["commits"] if c["merge"]][0]')" = \
	  "cycle ${CYCLE:0:7}: action step reworded: \"Wait five seconds\" → \"Wait eight seconds\"" ]
	run coach history bob
	[[ "${lines[0]}" == *"(merge, bringing in:)" ]] || fail "${lines[0]}"
}

@test "a record invalid at some commit is reported with the commit and path, and skipped" {
	mkdir -p coaching/bob/log
	printf -- '---\nid: [broken\n---\n' >coaching/bob/log/2026-11-16-e0badbad.md
	git add -A
	git commit -q -m "broken by hand"
	broken=$(git rev-parse --short=7 HEAD)
	git rm -q coaching/bob/log/2026-11-16-e0badbad.md
	git commit -q -m "gone"
	"$COACH" goal measure "$GOAL" 12 --date 2026-11-20 >/dev/null
	run coach history bob
	assert_status 0
	assert_output_has "coach: warning: commit $broken: coaching/bob/log/2026-11-16-e0badbad.md:"
	assert_output_has "measurement 10 → 12"
	assert_output_has "entry e0badba removed"
	run --separate-stderr coach history bob --format json
	assert_status 0
	[ "$(json 'j["problems"][0]["path"]')" = coaching/bob/log/2026-11-16-e0badbad.md ]
	[ "$(json 'j["problems"][0]["commit"]')" = "$(git rev-parse HEAD~2)" ]
}

@test "history --since leaves out older commits" {
	echo "Meets on Tuesdays." >>coaching/bob/agreement.md
	git add -A
	dated 2026-10-01 "old hand edit"
	by_hand "newer" 's/^focus: .*/focus: questions/' coaching/bob/agreement.md
	# The coach commits above are dated now, after 2026-11-20.
	run coach history bob --since 2026-11-20
	assert_status 0
	assert_output_has 'agreement: focus reworded: "questioning" → "questions"'
	assert_output_lacks "notes edited"
	run coach history bob
	assert_output_has "agreement: notes edited"
}

@test "history of a coachee, a record id and a path; errors" {
	run coach history
	assert_status 0
	assert_output_has "no changes"
	run coach history "${GOAL:0:5}"
	assert_status 0
	assert_output_has "new goal"
	assert_output_lacks "agreement"
	run coach history nobody-here
	assert_status 1
	run coach history bob --until HEAD
	assert_status 2
	run coach history bob --since someday
	assert_status 1
	assert_output_has "--since"
}

@test "history in a repository with plain git history of a removed coachee" {
	git rm -q -r coaching/bob
	git commit -q -m "bob left"
	run coach history coaching/bob/goals/$GOAL.md
	assert_status 0
	assert_output_has "goal ${GOAL:0:7} removed: \"More pupils answer\""
}

# history's commits, one id a line, against git's own path-limited log.
same_as_git_log() {
	run coach history bob --format json
	assert_status 0
	local mine
	mine=$(json '"\n".join(c["commit"] for c in j["commits"])')
	[ "$mine" = "$(git log --format=%H -- coaching/bob/)" ] ||
		fail "history: $mine" "git log: $(git log --format=%H -- coaching/bob/)"
	run coach history bob
	local cached=$output
	COACH_HISTORY_CACHE=0 run coach history bob
	[ "$cached" = "$output" ] || fail "with the cache: $cached" "without: $output"
}

@test "the history cache in .git never serves stale answers, and is rebuilt when damaged" {
	cache=.git/coach-history.cache
	same_as_git_log
	[ -f "$cache" ] || fail "no cache"
	assert_repo_sound
	# New commits, by coach and by plain git.
	"$COACH" goal measure "$GOAL" 12 --date 2026-11-20 >/dev/null
	by_hand "bob: reached it" 's/^status: active/status: achieved/' "$GOAL_FILE"
	same_as_git_log
	# History rewritten under it: reset, amend.
	git reset -q --hard HEAD~1
	same_as_git_log
	sed -i 's/^title: .*/title: Every pupil answers/' "$GOAL_FILE"
	git commit -q --amend -am "amended"
	same_as_git_log
	# Damaged: a byte changed, cut short, emptied, not ours at all.
	sed -i 's#coaching/bob#coaching/bxb#' "$cache"
	same_as_git_log
	head -c 100 "$cache" >"$cache.cut" && mv "$cache.cut" "$cache"
	same_as_git_log
	: >"$cache"
	same_as_git_log
	printf 'junk\n' >"$cache"
	same_as_git_log
	grep -q '^coach-history-cache 1$' "$cache" || fail "not rebuilt"
	# A cache that cannot be written only costs time.
	rm -f "$cache"
	mkdir "$cache"
	same_as_git_log
	rmdir "$cache"
	assert_repo_sound
}
