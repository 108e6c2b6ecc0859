#!/usr/bin/env bats
# coach cycle start|phase|close|list
load helper

setup() {
	setup_scratch
	school_with_staff
	goal=$("$COACH" goal add bob "Ask better questions")
}

hand_record() {
	local path=$1
	shift
	mkdir -p "$(dirname "$path")"
	{ echo ---; printf '%s\n' "$@"; echo ---; } >"$path"
	git add "$path"
	git commit -qm "hand: $path"
}

snapshot() {
	head_before=$(git rev-parse HEAD)
	status_before=$(git status --porcelain)
}

assert_untouched() {
	[ "$(git rev-parse HEAD)" = "$head_before" ] || fail "a commit was made: $(git log -1 --format=%s)"
	[ "$(git status --porcelain)" = "$status_before" ] || fail "the work tree changed:" "$(git status --porcelain)"
}

# refused STATUS TEXT -- COMMAND...: refused with STATUS, a "coach: "
# message containing TEXT, nothing written, no commit.
refused() {
	local want=$1 text=$2
	shift 3
	snapshot
	run coach "$@"
	assert_status "$want"
	assert_output_has "coach: "
	assert_output_has "$text"
	assert_untouched
}

last_subject() {
	git log -1 --format=%s
}

changed_lines() {
	git show --format= HEAD | grep -c '^[-+][^-+]'
}

cycle_file() {
	echo "coaching/${2:-bob}/cycles/$1.md"
}

start() {
	coach cycle start "$goal" --step "${1:-Wait three seconds after each question}" "${@:2}"
}

# ---- cycle start ----

@test "cycle start writes the cycle in the spec's order and prints its id" {
	before=$(commit_count)
	step='Use "cold call" — then: wait 3 seconds #pause, it'"'"'s 100% mine'
	run coach cycle start "${goal:0:5}" --step "$step" --review 2026-12-03
	assert_status 0
	[[ "$output" =~ ^c[0-9a-f]{12}$ ]] || fail "stdout is not just an id: $output"
	id=$output
	f=$(cycle_file "$id")
	[ "$(yaml "$f" id)" = "\"$id\"" ]
	[ "$(yaml "$f" goal)" = "\"$goal\"" ]
	want=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1], ensure_ascii=False))' "$step")
	[ "$(yaml "$f" step)" = "$want" ] || fail "step: $(yaml "$f" step)"
	[ "$(yaml "$f" phase)" = '"plan"' ]
	[ "$(yaml "$f" started)" = '"2026-11-26"' ]
	[ "$(yaml "$f" review)" = '"2026-12-03"' ]
	keys=$(yaml "$f" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)))')
	[ "$keys" = "id goal step phase started review" ] || fail "keys: $keys"
	[ "$(commit_count)" -eq $((before + 1)) ]
	[ "$(last_subject)" = "cycle start: bob $id" ]
	[ "$(git show --format= --name-only HEAD)" = "$f" ]
	assert_repo_sound
}

@test "cycle start keeps a multi-line step exactly" {
	step=$(printf 'Plan the questions.\n  Then wait.\n\nTrailing spaces  ')
	id=$(start "$step")
	want=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1], ensure_ascii=False))' "$step")
	[ "$(yaml "$(cycle_file "$id")" step)" = "$want" ] || fail "step: $(yaml "$(cycle_file "$id")" step)"
	assert_repo_sound
}

@test "cycle start uses the first of the school's own phases" {
	sed -i '/^cycle_phases:/,/^  - review/d' coach.yml
	printf 'cycle_phases: [see-it, name-it, do-it]\n' >>coach.yml
	grep -q '^cycle_phases: \[see' coach.yml && ! grep -q '^  - plan' coach.yml
	git commit -qam "our own cycle"
	id=$(start)
	[ "$(yaml "$(cycle_file "$id")" phase)" = '"see-it"' ]
	refused 1 "see-it, name-it or do-it" -- cycle phase "$id" practise
}

@test "cycle start on a terminal says what it did" {
	run script -qec "'$COACH' cycle start $goal --step 'Wait'" /dev/null
	assert_status 0
	[[ "$output" =~ cycle\ c[0-9a-f]{12}\ started\ on\ goal\ $goal\ for\ bob ]] || fail "$output"
}

@test "cycle start: one open cycle per goal unless --force" {
	first=$(start)
	refused 1 "already has an open cycle, $first" -- cycle start "$goal" --step "Another"
	assert_output_has "--force"
	run coach cycle start "$goal" --step "Another" --force
	assert_status 0
	[ "$(yaml "$(cycle_file "$output")" goal)" = "\"$goal\"" ]
	coach cycle close "$first" --outcome met >/dev/null
	other=$(coach goal add bob "Second goal")
	run coach cycle start "$other" --step "On another goal"
	assert_status 0
	assert_repo_sound
}

@test "cycle start refuses a goal that is not active" {
	coach goal status "$goal" paused >/dev/null
	refused 1 "goal $goal is paused" -- cycle start "$goal" --step "Wait"
	assert_output_has "coach goal status $goal active"
}

@test "cycle start refusals" {
	refused 2 "--step" -- cycle start "$goal"
	assert_output_has "usage: coach cycle"
	refused 1 "--step is empty" -- cycle start "$goal" --step "  "
	refused 1 "--review: '2026-02-30' is not a date" -- cycle start "$goal" --step "Wait" --review 2026-02-30
	refused 1 "in the past" -- cycle start "$goal" --step "Wait" --review 2026-11-01
	refused 1 "g0000" -- cycle start g0000 --step "Wait"
	refused 1 "g00" -- cycle start g00 --step "Wait"
	refused 2 "one GOAL-ID" -- cycle start --step "Wait"
	refused 2 "unknown option" -- cycle start "$goal" --step "Wait" --bogus
	refused 2 "'begin' is not a cycle subcommand" -- cycle begin "$goal"
}

# ---- cycle phase ----

@test "cycle phase moves the cycle on, changing only the phase line" {
	id=$(start)
	f=$(cycle_file "$id")
	run coach cycle phase "${id:0:4}" practise
	assert_status 0
	assert_output_has "plan → practise"
	[ "$(yaml "$f" phase)" = '"practise"' ]
	[ "$(last_subject)" = "cycle phase: bob $id practise" ]
	[ "$(changed_lines)" -eq 2 ] || fail "$(git show --format= HEAD)"
	assert_repo_sound
}

@test "cycle phase refusals" {
	id=$(start)
	refused 1 "'rehearse' is not a phase" -- cycle phase "$id" rehearse
	assert_output_has "plan, model, practise, apply or review"
	refused 1 "already in phase plan" -- cycle phase "$id" plan
	refused 1 "c000" -- cycle phase c0000 practise
	refused 2 "PHASE" -- cycle phase "$id"
	coach cycle close "$id" --outcome partly >/dev/null
	refused 1 "was closed" -- cycle phase "$id" review
	assert_output_has "coach cycle start $goal"
}

@test "cycle ids: ambiguous prefixes list the candidates" {
	hand_record coaching/bob/cycles/c1234aa.md 'id: c1234aa' "goal: $goal" 'step: A' 'phase: plan' 'started: 2026-11-01'
	hand_record coaching/bob/cycles/c1234bb.md 'id: c1234bb' "goal: $goal" 'step: B' 'phase: plan' 'started: 2026-11-02'
	refused 1 "c1234aa" -- cycle phase c1234 model
	assert_output_has "c1234bb"
	run coach cycle phase c1234b model
	assert_status 0
	[ "$(yaml coaching/bob/cycles/c1234bb.md phase)" = '"model"' ]
}

# ---- cycle close ----

@test "cycle close records outcome, closed date and what comes next" {
	id=$(start)
	f=$(cycle_file "$id")
	run coach cycle close "$id" --outcome not-yet -m "Try it with Year 9 too" --date 2026-11-26
	assert_status 0
	[ "$(yaml "$f" outcome)" = '"not-yet"' ]
	[ "$(yaml "$f" closed)" = '"2026-11-26"' ]
	[ "$(yaml "$f" next)" = '"Try it with Year 9 too"' ]
	[ "$(yaml "$f" step)" = '"Wait three seconds after each question"' ]
	[ "$(last_subject)" = "cycle close: bob $id not-yet" ]
	[ "$(git show --format= HEAD | grep -c '^-[^-]')" -eq 0 ] || fail "$(git show --format= HEAD)"
	assert_repo_sound
}

@test "cycle close refusals" {
	id=$(start)
	refused 2 "--outcome" -- cycle close "$id"
	refused 1 "'great' is not an outcome" -- cycle close "$id" --outcome great
	assert_output_has "met, partly or not-yet"
	refused 1 "-m is empty" -- cycle close "$id" --outcome met -m ""
	refused 1 "'2026-11-31' is not a date" -- cycle close "$id" --outcome met --date 2026-11-31
	refused 1 "before cycle $id started" -- cycle close "$id" --outcome met --date 2026-11-01
	refused 1 "in the future" -- cycle close "$id" --outcome met --date 2026-12-01
	coach cycle close "$id" --outcome met >/dev/null
	refused 1 "was closed on 2026-11-26" -- cycle close "$id" --outcome partly
}

# ---- cycle list ----

@test "cycle list shows the coachee's cycles, marks overdue reviews, --open" {
	a=$(abbrev start "Wait three seconds" --review 2026-12-01)
	b=$(abbrev start "Cold call by name" --force)
	coach cycle close "$b" --outcome met >/dev/null
	COACH_TODAY=2026-12-05 run coach cycle list bob
	assert_status 0
	[ "${#lines[@]}" -eq 3 ] || fail "$output"
	[[ "$output" =~ $a\ +${goal:0:7}\ +plan\ +2026-11-26\ +2026-12-01\ overdue\ +open\ +Wait\ three\ seconds ]] || fail "$output"
	[[ "$output" =~ $b\ +${goal:0:7}\ +plan\ +2026-11-26\ +-\ +met\ +Cold\ call\ by\ name ]] || fail "$output"
	run coach cycle list bob --open
	[ "${#lines[@]}" -eq 2 ] || fail "$output"
	assert_output_has "$a"
	run coach cycle list bob
	assert_output_lacks "overdue"
}

@test "cycle list defaults to the current user; --all covers everyone" {
	mine=$(coach goal add "My goal")
	c1=$(abbrev coach cycle start "$mine" --step "Model it")
	c2=$(abbrev start)
	run coach cycle
	assert_status 0
	assert_output_has "$c1"
	assert_output_lacks "$c2"
	run coach cycle list --all
	[ "${#lines[@]}" -eq 3 ] || fail "$output"
	[[ "$output" == *"ada "*"$c1"* ]] || fail "$output"
	[[ "$output" == *"bob "*"$c2"* ]] || fail "$output"
	refused 2 "leave out COACHEE" -- cycle list bob --all
	refused 1 "zed" -- cycle list zed
}

@test "cycle list cuts the step to the terminal" {
	start "$(printf '%0.sword ' {1..60})" >/dev/null
	run script -qec "stty cols 100; '$COACH' cycle list bob" /dev/null
	assert_status 0
	line=$(printf '%s\n' "$output" | grep word | tr -d '\r')
	[ "$(printf '%s' "$line" | wc -m)" -le 100 ] || fail "too wide: $line"
	assert_output_has "…"
	run coach cycle list bob
	assert_output_lacks "…"
}

@test "cycle list --format json parses" {
	a=$(start "Wait" --review 2026-12-01)
	COACH_TODAY=2026-12-05 run coach cycle list bob --format json
	assert_status 0
	echo "$output" | python3 -m json.tool >/dev/null || fail "not JSON: $output"
	echo "$output" | python3 -c '
import json, sys
c = json.load(sys.stdin)
assert len(c) == 1, c
c = c[0]
assert c["id"] == sys.argv[1] and c["goal"] == sys.argv[2] and c["coachee"] == "bob", c
assert c["phase"] == "plan" and c["review"] == "2026-12-01", c
assert c["open"] is True and c["overdue"] is True and c["outcome"] is None, c
' "$a" "$goal" || fail "$output"
}

@test "goal show lists the goal's cycles with phase and outcome" {
	a=$(abbrev start "First step")
	coach cycle close "$a" --outcome partly -m "Smaller step" >/dev/null
	b=$(abbrev start "Second step")
	coach cycle phase "$b" apply >/dev/null
	run coach goal show "$goal"
	assert_status 0
	assert_output_has "$a"
	assert_output_has "partly"
	assert_output_has "$b"
	assert_output_has "apply"
	assert_output_has "Second step"
}

@test "goal status achieved points at a cycle still open on the goal" {
	a=$(start)
	run coach goal status "$goal" achieved
	assert_status 0
	assert_output_has "cycle $a on this goal is still open"
	assert_output_has "coach cycle close $a"
	[ "$(yaml "$(cycle_file "$a")" phase)" = '"plan"' ]
	run yaml "$(cycle_file "$a")" closed
	[ "$status" -ne 0 ] || fail "the cycle was closed behind the user's back"
}
