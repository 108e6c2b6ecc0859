#!/usr/bin/env bats
# coach goal add|list|show|status|measure
load helper

setup() {
	setup_scratch
	school_with_staff
	hand_record priorities/reading.md 'title: Reading across the curriculum' 'status: active'
	hand_record framework/cold-call.md 'title: Cold calling' 'area: questioning'
	hand_record framework/wait-time.md 'title: Wait time'
}

# hand_record PATH LINE...: a record written and committed by hand, the
# way a user with an editor and git would.
hand_record() {
	local path=$1
	shift
	mkdir -p "$(dirname "$path")"
	{ echo ---; printf '%s\n' "$@"; echo ---; } >"$path"
	git add "$path"
	git commit -qm "hand: $path"
}

# Remember HEAD and the work tree; assert_untouched checks neither moved.
snapshot() {
	head_before=$(git rev-parse HEAD)
	status_before=$(git status --porcelain)
}

assert_untouched() {
	[ "$(git rev-parse HEAD)" = "$head_before" ] || fail "a commit was made: $(git log -1 --format=%s)"
	[ "$(git status --porcelain)" = "$status_before" ] || fail "the work tree changed:" "$(git status --porcelain)"
}

# refused STATUS TEXT -- COMMAND...: runs a coach command that must be
# refused with STATUS and a "coach: " message containing TEXT, without
# writing or committing anything.
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

# Lines the last commit added or removed (not the file headers).
changed_lines() {
	git show --format= HEAD | grep -c '^[-+][^-+]'
}

goal_file() {
	echo "coaching/${2:-bob}/goals/$1.md"
}

new_goal() {
	coach goal add bob "Ask better questions" --measure "pupils answering in full sentences" \
		--unit % --baseline 20 --target 80 "$@"
}

# ---- goal add ----

@test "goal add writes the goal with keys in the spec's order and commits it" {
	before=$(commit_count)
	run coach goal add bob "Ask better questions" --priority reading \
		--strategy cold-call --strategy wait-time --measure "pupils answering" \
		--unit % --baseline 20 --target 80 --due 2027-03-01
	assert_status 0
	[[ "$output" =~ ^g[0-9a-f]{12}$ ]] || fail "stdout is not just an id: $output"
	id=$output
	f=$(goal_file "$id")
	[ -f "$f" ] || fail "no $f"
	[ "$(yaml "$f" id)" = "\"$id\"" ]
	[ "$(yaml "$f" title)" = '"Ask better questions"' ]
	[ "$(yaml "$f" status)" = '"active"' ]
	[ "$(yaml "$f" opened)" = '"2026-11-26"' ]
	[ "$(yaml "$f" due)" = '"2027-03-01"' ]
	[ "$(yaml "$f" priority)" = '"reading"' ]
	[ "$(yaml "$f" strategies)" = '["cold-call", "wait-time"]' ]
	[ "$(yaml "$f" measure)" = '{"name": "pupils answering", "unit": "%", "baseline": 20, "target": 80}' ]
	keys=$(yaml "$f" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)))')
	[ "$keys" = "id title status opened due priority strategies measure" ] || fail "keys: $keys"
	[ "$(commit_count)" -eq $((before + 1)) ]
	[ "$(last_subject)" = "goal add: bob $id" ] || fail "$(last_subject)"
	[ "$(git show --format= --name-only HEAD)" = "$f" ]
	assert_repo_sound
}

@test "goal add with only a title is the current user's goal" {
	run coach goal add "Model worked examples"
	assert_status 0
	f=$(goal_file "$output" ada)
	[ "$(yaml "$f" title)" = '"Model worked examples"' ]
	keys=$(yaml "$f" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)))')
	[ "$keys" = "id title status opened" ] || fail "keys: $keys"
	[ "$(last_subject)" = "goal add: ada $output" ]
	assert_repo_sound
}

@test "goal add keeps a title that looks like YAML exactly" {
	for t in 'yes' '2026-01-01' 'Questions: "why?" # not a comment' "it's 100%" '- dash first'; do
		id=$(coach goal add bob -- "$t")
		got=$(yaml "$(goal_file "$id")" title)
		want=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1], ensure_ascii=False))' "$t")
		[ "$got" = "$want" ] || fail "title $t came back as $got"
	done
	assert_repo_sound
}

@test "goal add normalises numbers so every YAML reader agrees" {
	id=$(coach goal add bob "Reduce errors" --measure errors --baseline 08 --target +2.50)
	f=$(goal_file "$id")
	[ "$(yaml "$f" measure baseline)" = 8 ]
	[ "$(yaml "$f" measure target)" = 2.5 ]
	id=$(coach goal add bob "Go negative" --measure "score change" --baseline -3 --target 0.5)
	[ "$(yaml "$(goal_file "$id")" measure baseline)" = -3 ]
}

@test "goal add lists a repeated strategy once" {
	id=$(coach goal add bob "Cold call" --strategy cold-call --strategy cold-call)
	[ "$(yaml "$(goal_file "$id")" strategies)" = '["cold-call"]' ]
}

@test "goal add on a terminal says what it did" {
	run script -qec "'$COACH' goal add bob 'Ask better questions'" /dev/null
	assert_status 0
	[[ "$output" =~ goal\ g[0-9a-f]{12}\ added\ for\ bob ]] || fail "$output"
}

@test "goal add refuses an unknown coachee" {
	refused 1 "zed" -- goal add zed "A goal"
	assert_output_has "staff"
}

@test "goal add refuses an invalid handle" {
	refused 1 "../bob" -- goal add ../bob "A goal"
	refused 1 "Bob" -- goal add Bob "A goal"
}

@test "goal add refuses an unknown priority or strategy" {
	refused 1 "priority 'maths'" -- goal add bob "A goal" --priority maths
	assert_output_has "priorities/maths.md"
	assert_output_has "coach priority add"
	refused 1 "strategy 'nope'" -- goal add bob "A goal" --strategy cold-call --strategy nope
	assert_output_has "framework/nope.md"
	refused 1 "invalid" -- goal add bob "A goal" --priority ../coach
}

@test "goal add refuses an invalid due date" {
	refused 1 "--due: '2026-02-30' is not a date" -- goal add bob "A goal" --due 2026-02-30
	refused 1 "--due" -- goal add bob "A goal" --due tomorrowish
}

@test "goal add refuses a measure that is not numeric or goes nowhere" {
	refused 1 "--baseline: 'abc' is not a number" -- goal add bob "G" --measure m --baseline abc --target 3
	refused 1 "--target: '1e3' is not a number" -- goal add bob "G" --measure m --baseline 1 --target 1e3
	refused 1 "--target: '0x10'" -- goal add bob "G" --measure m --baseline 1 --target 0x10
	refused 1 "must differ" -- goal add bob "G" --measure m --baseline 5 --target 5.0
	refused 1 "--measure" -- goal add bob "G" --measure "" --baseline 1 --target 2
}

@test "goal add: measure options go together (usage errors)" {
	refused 2 "--measure needs --baseline" -- goal add bob "G" --measure m --baseline 1
	refused 2 "--measure NAME" -- goal add bob "G" --baseline 1 --target 2
	refused 2 "--measure NAME" -- goal add bob "G" --unit %
}

@test "goal add refuses an empty or multi-line title" {
	refused 1 "TITLE is empty" -- goal add bob "   "
	refused 1 "one line" -- goal add bob "$(printf 'two\nlines')"
}

@test "goal add usage errors: no title, too many arguments, unknown option" {
	refused 2 "needs a TITLE" -- goal add
	assert_output_has "usage: coach goal add"
	refused 2 "COACHEE and TITLE" -- goal add bob Ask better questions
	refused 2 "unknown option '--colour'" -- goal add bob "G" --colour red
	refused 2 "needs a value" -- goal add bob "G" --due
}

@test "goal add with a coachee but no title is a usage error" {
	refused 2 "needs a TITLE after the coachee 'bob'" -- goal add bob
}

@test "goal add without a git identity says how to set it and writes nothing" {
	git config --global --unset user.name
	refused 1 "user.name" -- goal add bob "A goal"
	assert_output_has "git config"
	[ ! -d coaching/bob/goals ] || [ -z "$(ls coaching/bob/goals)" ]
}

@test "goal list cuts titles to the terminal" {
	id=$(coach goal add bob "$(printf '%0.sthought ' {1..30})")
	run script -qec "stty cols 80; '$COACH' goal list bob" /dev/null
	assert_status 0
	line=$(printf '%s\n' "$output" | grep "$id" | tr -d '\r')
	[ "$(printf '%s' "$line" | wc -m)" -le 80 ] || fail "too wide: $line"
	assert_output_has "…"
	run coach goal list bob
	assert_output_lacks "…"
}

@test "goal with an unknown subcommand is a usage error" {
	refused 2 "'frob' is not a goal subcommand" -- goal frob
}

# ---- goal list ----

@test "goal list shows the current user's active goals by default" {
	mine=$(abbrev coach goal add "Model worked examples")
	done_=$(abbrev coach goal add "Old goal")
	coach goal status "$done_" achieved >/dev/null
	bobs=$(abbrev coach goal add bob "Bob's goal")
	run coach goal list
	assert_status 0
	assert_output_has "$mine"
	assert_output_has "Model worked examples"
	assert_output_lacks "$done_"
	assert_output_lacks "$bobs"
	# A header, then the one goal.
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" =~ ^ID\ +STATUS\ +TITLE\ +PROGRESS\ +DUE$ ]] || fail "${lines[0]}"
	[[ "${lines[1]}" =~ ^$mine\ +active\ +Model\ worked\ examples\ +-\ +-$ ]] || fail "${lines[1]}"
	# "coach goal" alone lists too.
	run coach goal
	assert_status 0
	assert_output_has "$mine"
}

@test "goal list COACHEE, --status and --all" {
	a=$(abbrev coach goal add bob "First" --due 2027-01-31)
	b=$(abbrev coach goal add bob "Second")
	coach goal status "$b" paused >/dev/null
	c=$(abbrev coach goal add cy "Cy's goal")
	run coach goal list bob
	assert_status 0
	assert_output_has "$a"
	assert_output_has "2027-01-31"
	assert_output_lacks "$b"
	run coach goal list bob --status paused
	assert_output_has "$b"
	assert_output_lacks "$a"
	run coach goal list bob --status any
	assert_output_has "$a"
	assert_output_has "$b"
	run coach goal list --all
	assert_status 0
	[ "${#lines[@]}" -eq 4 ] || fail "$output"
	assert_output_has "$c"
	[[ "$output" == *"cy "*"$c"* ]] || fail "no coachee column: $output"
	run coach goal list --all --status paused
	[ "${#lines[@]}" -eq 2 ] || fail "$output"
	assert_output_has "$b"
}

@test "goal list shows progress from baseline to target" {
	id=$(abbrev new_goal)
	coach goal measure "$id" 50 >/dev/null
	run coach goal list bob
	assert_status 0
	[[ "$output" =~ $id\ +active\ +Ask\ better\ questions\ +50%\ +- ]] || fail "$output"
}

@test "goal list --format json parses and carries progress" {
	id=$(new_goal --priority reading)
	coach goal measure "$id" 35 --date 2026-11-20 >/dev/null
	coach goal measure "$id" 50 >/dev/null
	run coach goal list bob --format json
	assert_status 0
	echo "$output" | python3 -m json.tool >/dev/null || fail "not JSON: $output"
	echo "$output" | python3 -c '
import json, sys
g = json.load(sys.stdin)
assert len(g) == 1, g
g = g[0]
assert g["id"] == sys.argv[1] and g["coachee"] == "bob", g
assert g["status"] == "active" and g["priority"] == "reading", g
assert g["measure"]["baseline"] == 20 and g["measure"]["target"] == 80, g
assert g["latest"] == {"date": "2026-11-26", "value": 50}, g
assert g["progress"] == 0.5, g
assert g["path"] == "coaching/bob/goals/%s.md" % sys.argv[1], g
' "$id" || fail "$output"
	run coach goal list cy --format json
	[ "$output" = "[]" ] || fail "$output"
}

@test "goal list copes with hand edits: odd measurements, a broken file" {
	hand_record coaching/bob/goals/g00000a.md 'id: g00000a' 'title: Hand made' 'status: active' \
		'opened: 2026-10-01' 'measure: {name: errors, baseline: 10, target: 0}' \
		'measurements:' '  - {date: 2026-10-05, value: 8}' '  - {date: 2026-10-09, value: lots}' \
		'  - {date: not-a-date, value: 1}' '  - {date: 2026-10-07, value: 5}'
	hand_record coaching/bob/goals/g00000b.md 'id: g00000b' 'title: [unclosed' 'status: active'
	run coach goal list bob
	assert_status 0
	[[ "$output" =~ g00000a\ +active\ +Hand\ made\ +50% ]] || fail "$output"
	assert_output_has "warning"
	assert_output_has "g00000b.md"
	assert_output_has "coach check"
	run coach goal show g00000a --format json
	assert_status 0
	echo "$output" | python3 -c '
import json, sys
g = json.load(sys.stdin)
assert g["latest"] == {"date": "2026-10-07", "value": 5}, g
assert g["progress"] == 0.5, g
assert g["measurements"][1]["value"] == "lots", g
'
}

@test "goal list refusals" {
	refused 1 "--status: 'done' is not a goal status" -- goal list --status done
	refused 2 "leave out COACHEE" -- goal list bob --all
	refused 1 "zed" -- goal list zed
	refused 2 "--format" -- goal list --format yaml
}

# ---- goal show ----

@test "goal show lays out every key, the measure history, cycles and the body" {
	id=$(new_goal --priority reading --strategy cold-call --due 2027-03-01)
	coach goal measure "$id" 35 --date 2026-11-20 >/dev/null
	f=$(goal_file "$id")
	printf 'Pupils will answer in full sentences.\n\n## Why\n\nVocabulary.\n' >>"$f"
	sed -i '2a mentor_note: keep it small' "$f"
	hand_record coaching/bob/cycles/c0000aa.md "id: c0000aa" "goal: $id" \
		'step: Wait three seconds after every question' 'phase: practise' 'started: 2026-11-21'
	git add -A && git commit -qm "hand edits"
	run coach goal show "$id"
	assert_status 0
	assert_output_has "$id"
	assert_output_has "Ask better questions"
	assert_output_has "bob"
	assert_output_has "active"
	assert_output_has "2026-11-26"
	assert_output_has "2027-03-01"
	assert_output_has "reading: Reading across the curriculum"
	assert_output_has "cold-call: Cold calling"
	assert_output_has "pupils answering in full sentences (%): 20 → 80"
	assert_output_has "2026-11-20  35"
	assert_output_has "25% of the way"
	assert_output_has "mentor_note"
	assert_output_has "keep it small"
	assert_output_has "c0000aa"
	assert_output_has "practise"
	assert_output_has "Wait three seconds after every question"
	assert_output_has "Pupils will answer in full sentences."
	assert_output_has "Vocabulary."
}

@test "goal show --format json parses and has cycles and body" {
	id=$(new_goal --strategy cold-call)
	f=$(goal_file "$id")
	printf 'The body.\n' >>"$f"
	git commit -qam "body"
	hand_record coaching/bob/cycles/c0000aa.md "id: c0000aa" "goal: $id" \
		'step: Cold call by name' 'phase: review' 'started: 2026-11-01' \
		'closed: 2026-11-20' 'outcome: met'
	hand_record coaching/bob/cycles/c0000bb.md "id: c0000bb" "goal: gffffff" \
		'step: Another goal' 'phase: plan' 'started: 2026-11-01'
	run coach goal show "$id" --format json
	assert_status 0
	echo "$output" | python3 -m json.tool >/dev/null || fail "not JSON: $output"
	echo "$output" | python3 -c '
import json, sys
g = json.load(sys.stdin)
assert g["id"] == sys.argv[1] and g["coachee"] == "bob", g
assert g["title"] == "Ask better questions" and g["opened"] == "2026-11-26", g
assert g["strategies"] == ["cold-call"], g
assert g["measure"]["unit"] == "%", g
assert g["progress"] is None and g["latest"] is None, g
assert [c["id"] for c in g["cycles"]] == ["c0000aa"], g
assert g["cycles"][0]["outcome"] == "met", g
assert g["body"] == "The body.\n", g
' "$id" || fail "$output"
}

@test "goal ids: a unique prefix of 4+ characters; ambiguous ones list candidates" {
	hand_record coaching/bob/goals/g1234aa.md 'id: g1234aa' 'title: First' 'status: active' 'opened: 2026-11-01'
	hand_record coaching/bob/goals/g1234bb.md 'id: g1234bb' 'title: Second' 'status: active' 'opened: 2026-11-02'
	run coach goal show g1234a
	assert_status 0
	assert_output_has "First"
	refused 1 "g1234aa" -- goal show g1234
	assert_output_has "g1234bb"
	refused 1 "g1234" -- goal status g1234 paused
	refused 1 "g12" -- goal show g12
	refused 1 "g999" -- goal show g9999
	run coach goal status g1234b paused
	assert_status 0
	[ "$(yaml coaching/bob/goals/g1234bb.md status)" = '"paused"' ]
	[ "$(last_subject)" = "goal status: bob g1234bb paused" ]
}

@test "ids of 12 hex digits: lists show a unique prefix of 7+, old ids stay valid" {
	hand_record coaching/bob/goals/g3f9a1c0d2e4b.md 'id: g3f9a1c0d2e4b' 'title: Long one' 'status: active' 'opened: 2026-11-01'
	hand_record coaching/bob/goals/g3f9a1c9e8d7c.md 'id: g3f9a1c9e8d7c' 'title: Long two' 'status: active' 'opened: 2026-11-02'
	hand_record coaching/bob/goals/gaa11bb.md 'id: gaa11bb' 'title: Old short' 'status: active' 'opened: 2026-11-03'
	new=$(coach goal add bob "Made now")
	[[ "$new" =~ ^g[0-9a-f]{12}$ ]] || fail "$new"
	run coach goal list bob
	assert_status 0
	# The two that share 7 characters need 8; the rest show 7.
	got=$(printf '%s\n' "${lines[@]:1}" | awk '{print $1}' | sort | tr '\n' ' ')
	want=$(printf '%s\n' g3f9a1c0 g3f9a1c9 gaa11bb "${new:0:7}" | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "ids shown: $got" "$output"
	# What a list shows is what commands take.
	run coach goal show g3f9a1c9
	assert_status 0
	assert_output_has "Long two"
	refused 1 "g3f9a1c0d2e4b" -- goal show g3f9a1c
	assert_output_has "g3f9a1c9e8d7c"
	run coach goal status gaa11bb paused
	assert_status 0
	run coach check
	assert_status 0
}

@test "goal show usage errors" {
	refused 2 "one goal ID" -- goal show
	refused 2 "--format" -- goal show g1234 --format xml
}

# ---- goal status ----

@test "goal status achieved sets closed and changes only those lines" {
	id=$(new_goal --due 2027-03-01)
	f=$(goal_file "$id")
	# A hand edit with a comment and an unknown key must survive.
	sed -i '2a # set with my coach\nmentor: ada' "$f"
	git commit -qam "hand edit"
	cp "$f" before.md
	run coach goal status "$id" achieved
	assert_status 0
	assert_output_has "active → achieved"
	[ "$(yaml "$f" status)" = '"achieved"' ]
	[ "$(yaml "$f" closed)" = '"2026-11-26"' ]
	[ "$(last_subject)" = "goal status: bob $id achieved" ]
	[ "$(changed_lines)" -eq 3 ] || fail "$(git show --format= HEAD)"
	grep -q '^# set with my coach$' "$f"
	[ "$(yaml "$f" mentor)" = '"ada"' ]
	diff <(grep -v -e '^status:' -e '^closed:' before.md) <(grep -v -e '^status:' -e '^closed:' "$f")
	rm before.md
	assert_repo_sound
}

@test "goal status --date, reopening removes closed" {
	id=$(new_goal)
	f=$(goal_file "$id")
	coach goal status "$id" dropped --date 2026-11-26 >/dev/null
	[ "$(yaml "$f" closed)" = '"2026-11-26"' ]
	run coach goal status "$id" active
	assert_status 0
	[ "$(yaml "$f" status)" = '"active"' ]
	run yaml "$f" closed
	[ "$status" -ne 0 ] || fail "closed is still there"
	[ "$(changed_lines)" -eq 3 ] || fail "$(git show --format= HEAD)"
	COACH_TODAY=2026-11-28 run coach goal status "$id" achieved --date yesterday
	assert_status 0
	[ "$(yaml "$f" closed)" = '"2026-11-27"' ]
	assert_repo_sound
}

@test "goal status refusals" {
	id=$(new_goal)
	refused 1 "'done' is not a goal status" -- goal status "$id" done
	refused 1 "already active" -- goal status "$id" active
	refused 2 "--date" -- goal status "$id" paused --date 2026-11-26
	refused 1 "'2026-13-01' is not a date" -- goal status "$id" achieved --date 2026-13-01
	refused 1 "before the goal was opened" -- goal status "$id" achieved --date 2026-01-01
	refused 1 "in the future" -- goal status "$id" achieved --date 2027-01-01
	refused 1 "gabc" -- goal status gabc1 achieved
	refused 2 "STATUS" -- goal status "$id"
}

# ---- goal measure ----

@test "goal measure appends a measurement without touching existing lines" {
	id=$(new_goal)
	f=$(goal_file "$id")
	run coach goal measure "$id" 35 --date 2026-11-20
	assert_status 0
	assert_output_has "25% of the way"
	[ "$(yaml "$f" measurements)" = '[{"date": "2026-11-20", "value": 35}]' ]
	[ "$(last_subject)" = "goal measure: bob $id 35" ]
	[ "$(git show --format= HEAD | grep -c '^-[^-]')" -eq 0 ] || fail "$(git show --format= HEAD)"
	run coach goal measure "${id:0:5}" 42.5
	assert_status 0
	[ "$(yaml "$f" measurements)" = '[{"date": "2026-11-20", "value": 35}, {"date": "2026-11-26", "value": 42.5}]' ]
	[ "$(git show --format= HEAD | grep -c '^-[^-]')" -eq 0 ] || fail "$(git show --format= HEAD)"
	[ "$(git show --format= HEAD | grep -c '^+[^+]')" -ge 1 ]
	[ "$(last_subject)" = "goal measure: bob $id 42.5" ]
	assert_repo_sound
}

@test "goal measure takes a negative value, with or without --" {
	id=$(coach goal add bob "Fewer errors" --measure "errors per page" --baseline 6 --target 1)
	run coach goal measure "$id" -2
	assert_status 0
	[ "$(yaml "$(goal_file "$id")" measurements 0 value)" = -2 ]
	run coach goal measure --date 2026-11-25 "$id" -- -2.5
	assert_status 0
	[ "$(yaml "$(goal_file "$id")" measurements 1 value)" = -2.5 ]
	# After "--" everything is an operand, even what looks like an option.
	refused 2 "unexpected argument '--date'" -- goal measure "$id" -- -2.5 --date 2026-11-25
}

@test "goal measure refuses a goal without a measure and says how to add one" {
	id=$(coach goal add bob "No measure")
	refused 1 "has no measure" -- goal measure "$id" 5
	assert_output_has "coach edit $id"
	assert_output_has "baseline:"
}

@test "goal measure refusals" {
	id=$(new_goal)
	refused 1 "VALUE: 'lots' is not a number" -- goal measure "$id" lots
	refused 1 "VALUE: '5%'" -- goal measure "$id" 5%
	refused 1 "--date: '2026-02-30' is not a date" -- goal measure "$id" 5 --date 2026-02-30
	refused 1 "--date: 2026-11-27 is in the future" -- goal measure "$id" 5 --date 2026-11-27
	refused 1 "gdead" -- goal measure gdead 5
	refused 2 "VALUE" -- goal measure "$id"
}
