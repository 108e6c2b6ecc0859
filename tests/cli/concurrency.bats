#!/usr/bin/env bats
# Writers at the same time: every write that reports success is in the
# files and in history, and git agrees the repository is sound.
load helper

setup() {
	setup_scratch
	school_with_staff
	export COACH_LOCK_TIMEOUT=300
	goal=$("$COACH" goal add bob "Ask better questions" --measure "pupils answering" \
		--baseline 0 --target 100)
	cycle=$("$COACH" cycle start "$goal" --step "Wait three seconds")
	gfile=coaching/bob/goals/$goal.md
	OUT=$BATS_TEST_TMPDIR/out
	mkdir -p "$OUT"
}

# Fewer rounds under the sanitizers, which make every run slower.
rounds() {
	if [ -n "${COACH_TEST_SANITIZED:-}" ]; then echo "$2"; else echo "$1"; fi
}

# worker W N: N mixed writes; each success is a line in results.W.
worker() {
	local w=$1 n=$2 i out phases=(plan model practise apply review)
	for ((i = 0; i < n; i++)); do
		case $((i % 4)) in
		0)	out=$("$COACH" log bob -m "worker $w write $i" 2>>"$OUT/errors.$w") &&
				echo "log $out worker $w write $i" ;;
		1)	out=$("$COACH" goal measure "$goal" $((w * 1000 + i)) 2>>"$OUT/errors.$w") &&
				echo "measure $((w * 1000 + i))" ;;
		2)	local s=paused
			[ $(((w + i / 4) % 2)) -eq 0 ] || s=active
			out=$("$COACH" goal status "$goal" $s 2>>"$OUT/errors.$w") && echo "status $s" ;;
		3)	local p=${phases[$(((w + i) % 5))]}
			out=$("$COACH" cycle phase "$cycle" $p 2>>"$OUT/errors.$w") && echo "phase $p" ;;
		esac
	done >"$OUT/results.$w"
}

@test "8 writers x 25 mixed writes: every success is in the files and in history" {
	local workers n
	workers=$(rounds 8 4)
	n=$(rounds 25 8)
	for ((w = 0; w < workers; w++)); do worker "$w" "$n" & done
	wait
	cat "$OUT"/results.* >"$OUT/all"
	cat "$OUT"/errors.* >"$OUT/errs"
	# The only refusals are "already": another writer got there first.
	if grep -v "is already" "$OUT/errs" | grep -q .; then fail "unexpected errors:" "$(cat "$OUT/errs")"; fi
	[ "$(grep -c '^log ' "$OUT/all")" -eq $((workers * ((n + 3) / 4))) ] || fail "a log failed"
	[ "$(grep -c '^measure ' "$OUT/all")" -eq $((workers * ((n + 2) / 4))) ] || fail "a measure failed"

	# Measurements: exactly the values that succeeded, each once.
	grep '^measure ' "$OUT/all" | cut -d' ' -f2 | sort -n >"$OUT/want"
	python3 -c '
import json, sys
m = json.loads(sys.argv[1]) or []
print("\n".join(str(x["value"]) for x in m))' "$(yaml "$gfile" measurements)" | sort -n >"$OUT/have"
	diff -u "$OUT/want" "$OUT/have" || fail "measurements lost or duplicated"

	# Entries: each success is a file whose body says what was written.
	while read -r _ id text; do
		f=$(ls coaching/bob/log/*-"$id".md) || fail "entry $id missing"
		[ "$(python3 "$FM" --body "$f")" = "$text" ] || fail "entry $id: wrong body"
	done < <(grep '^log ' "$OUT/all")

	# History: one commit per success, of each kind.
	[ "$(git log --format=%s --grep="^goal measure: bob $goal " | wc -l)" -eq "$(grep -c '^measure ' "$OUT/all")" ]
	[ "$(git log --format=%s --grep='^log: bob note ' | wc -l)" -eq "$(grep -c '^log ' "$OUT/all")" ]
	[ "$(git log --format=%s --grep="^goal status: bob $goal " | wc -l)" -eq "$(grep -c '^status ' "$OUT/all")" ]
	[ "$(git log --format=%s --grep="^cycle phase: bob $cycle " | wc -l)" -eq "$(grep -c '^phase ' "$OUT/all")" ]
	# The last status and phase written are the ones in the files.
	if grep -q '^status ' "$OUT/all"; then
		[ "$(yaml "$gfile" status)" = "\"$(git log -1 --format=%s --grep='^goal status: ' | awk '{print $5}')\"" ]
	fi
	if grep -q '^phase ' "$OUT/all"; then
		[ "$(yaml coaching/bob/cycles/$cycle.md phase)" = "\"$(git log -1 --format=%s --grep='^cycle phase: ' | awk '{print $5}')\"" ]
	fi
	assert_repo_sound
}

# race CMD [-- CMD]...: runs the coach commands at the same time; $ok is
# how many succeeded, $errs what the others said.  Each success is one
# commit, and git finds the repository sound.
race() {
	local i=0 a pids=() args=() before
	rm -f "$OUT"/race.*
	before=$(commit_count)
	for a in "$@" --; do
		if [ "$a" = -- ]; then
			"$COACH" "${args[@]}" >"$OUT/race.out.$i" 2>"$OUT/race.err.$i" &
			pids+=($!)
			i=$((i + 1))
			args=()
		else
			args+=("$a")
		fi
	done
	ok=0
	for a in "${pids[@]}"; do
		if wait "$a"; then ok=$((ok + 1)); fi
	done
	errs=$(cat "$OUT"/race.err.*)
	[ "$(commit_count)" -eq $((before + ok)) ] || fail "$ok successes but $(($(commit_count) - before)) commits"
	assert_repo_sound
}

# Exactly one of the commands won; the other said why not.
one_won() {
	[ "$ok" -eq 1 ] || fail "$ok succeeded, expected one" "$errs"
	[[ "$errs" == *"$1"* ]] || fail "expected the loser to say: $1" "$errs"
}

@test "every write path, two at once: nothing lost, or a clear refusal" {
	race staff add t1 --name "T One" -- staff add t2 --name "T Two"
	[ "$ok" -eq 2 ] && [ -f staff/t1.md ] && [ -f staff/t2.md ]
	race staff add t3 --name "T Three" -- staff add t3 --name "T Three"
	one_won "already exists"

	race priority add p1 "One" -- priority add p2 "Two"
	[ "$ok" -eq 2 ] && [ -f priorities/p1.md ] && [ -f priorities/p2.md ]
	race priority retire p1 -- priority retire p1
	one_won "already retired"
	race priority retire p2 -- priority add p3 "Three"
	[ "$ok" -eq 2 ] && [ "$(yaml priorities/p2.md status)" = '"retired"' ] && [ -f priorities/p3.md ]

	race framework add f1 "One" -- framework add f2 "Two"
	[ "$ok" -eq 2 ] && [ -f framework/f1.md ] && [ -f framework/f2.md ]
	printf -- '---\ntitle: Cold call\n---\n' >"$OUT/cold-call.md"
	printf -- '---\ntitle: Wait time\n---\n' >"$OUT/wait-time.md"
	race framework import "$OUT/cold-call.md" -- framework import "$OUT/wait-time.md"
	[ "$ok" -eq 2 ] && [ -f framework/cold-call.md ] && [ -f framework/wait-time.md ]

	race agree bob --coach ada -- agree cy --coach ada
	[ "$ok" -eq 2 ] && [ -f coaching/bob/agreement.md ] && [ -f coaching/cy/agreement.md ]
	race agree bob --end -- agree bob --end
	one_won "already ended"
	race agree bob --coach ada -- agree bob --coach cy
	one_won "already has an active agreement"

	race goal add bob "One" -- goal add bob "Two" -- goal add cy "Three"
	[ "$ok" -eq 3 ] && [ "$(ls coaching/bob/goals | wc -l)" -eq 3 ] && [ "$(ls coaching/cy/goals | wc -l)" -eq 1 ]
	local g1 g2
	g1=$(cat "$OUT/race.out.0") g2=$(cat "$OUT/race.out.1")
	race goal status "$g1" paused -- goal status "$g1" paused
	one_won "already paused"
	race goal measure "$goal" 1 -- goal measure "$goal" 2
	[ "$ok" -eq 2 ] && [ "$(yaml "$gfile" measurements | python3 -c 'import json,sys; print(sorted(m["value"] for m in json.load(sys.stdin)))')" = "[1, 2]" ]

	race cycle start "$g2" --step "A" -- cycle start "$g2" --step "B"
	one_won "already has an open cycle"
	local c2
	c2=$(cat "$OUT"/race.out.*)
	race cycle phase "$c2" model -- cycle phase "$cycle" apply
	[ "$ok" -eq 2 ]
	race cycle close "$c2" --outcome met -- cycle close "$c2" --outcome partly
	one_won "was closed"

	# Two entries with evidence of the same name: each keeps its own copy.
	printf 'first\n' >"$OUT/a.txt"
	mkdir -p "$OUT/other"
	printf 'second\n' >"$OUT/other/a.txt"
	race log bob -m "One" --evidence "$OUT/a.txt" -- log bob -m "Two" --evidence "$OUT/other/a.txt"
	[ "$ok" -eq 2 ]
	local e1 e2 v1 v2
	e1=$(ls coaching/bob/log/*-"$(cat "$OUT/race.out.0")".md) e2=$(ls coaching/bob/log/*-"$(cat "$OUT/race.out.1")".md)
	v1=$(yaml "$e1" evidence 0 | tr -d '"') v2=$(yaml "$e2" evidence 0 | tr -d '"')
	[ "$v1" != "$v2" ] || fail "both entries point at $v1"
	[ "$(cat "$v1")" = first ] && [ "$(cat "$v2")" = second ]

	# Two editors of one goal: one commits, the other is refused before
	# its editor opens, since they would share one draft.
	mkdir -p "$HOME/bin"
	printf '#!/bin/sh\nsleep 1\nsed -i "s/^title: .*/title: $TITLE/" "$1"\n' >"$HOME/bin/slow"
	chmod +x "$HOME/bin/slow"
	export EDITOR="$HOME/bin/slow"
	TITLE=First "$COACH" edit "$g1" >"$OUT/e1" 2>&1 & local p1=$!
	TITLE=Second "$COACH" edit "$g1" >"$OUT/e2" 2>&1 & local p2=$!
	local n=0
	wait $p1 && n=$((n + 1))
	wait $p2 && n=$((n + 1))
	[ "$n" -eq 1 ] || fail "$n edits succeeded" "$(cat "$OUT/e1" "$OUT/e2")"
	cat "$OUT/e1" "$OUT/e2" | grep -q "is open in another 'coach edit'" ||
		fail "no refusal" "$(cat "$OUT/e1" "$OUT/e2")"
	grep -Eq '^title: (First|Second)$' "coaching/bob/goals/$g1.md"
	assert_repo_sound

	local eid
	eid=$(basename "$e1" .md)
	eid=${eid:11}
	race rm "$eid" -- rm "$eid"
	one_won "coach: "
	[ ! -e "$e1" ]
	# Removing a goal while an entry is logged on it: one of the two is
	# refused, and nothing refers to nothing.
	local g4
	g4=$(coach goal add bob "Four")
	race rm "$g4" -- log bob --goal "$g4" -m "On goal four"
	one_won "coach: "
	run coach check
	assert_status 0
}

# conflicted FILE: commits conflicts items for status, due and title in
# FILE, as a merge of two clones would leave them.
conflicted() {
	python3 - "$1" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
head, rest = s.split("\n---\n", 1)
head += ("\nconflicts:\n"
         "  - {key: status, from: theirs, value: paused}\n"
         "  - {key: due, from: theirs, removed: true}\n"
         "  - {key: title, from: theirs, value: Ask fewer questions}")
open(p, "w").write(head + "\n---\n" + rest)
PY
	git commit -qam "merge with conflicts"
}

@test "two resolves of one record at once: both settle their key, or one is told it is settled" {
	conflicted "$gfile"
	race resolve "$goal" status paused -- resolve "$goal" title --other
	[ "$ok" -eq 2 ] || fail "$ok resolves succeeded" "$errs"
	[ "$(yaml "$gfile" status)" = '"paused"' ]
	[ "$(yaml "$gfile" title)" = '"Ask fewer questions"' ]
	[ "$(yaml "$gfile" conflicts)" = '[{"key": "due", "from": "theirs", "removed": true}]' ]
	race resolve "$goal" due --keep -- resolve "$goal" due --keep
	one_won "has no conflict for due"
	yaml "$gfile" | python3 -c 'import json, sys; sys.exit("conflicts" in json.load(sys.stdin))'
	[ "$(git log --format=%s | grep -c "^resolve: $gfile ")" -eq 3 ]
	run coach check
	assert_status 0
}

# as_keyed HANDLE: act as HANDLE, with their own key folder.
as_keyed() {
	export GIT_AUTHOR_EMAIL="$1@school.example"
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/cfg-$1"
}

@test "sealed write paths at once: key init, log --private and key seal lose nothing" {
	local i n pids=() before
	n=$(rounds 4 2)
	# Two "key init" of one user at once: one key, one commit, both fine.
	as_keyed ada
	before=$(commit_count)
	for i in 1 2 3; do
		"$COACH" key init >"$OUT/init.$i" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || fail "a key init failed: $(cat "$OUT"/init.*)"; done
	[ "$(commit_count)" -eq $((before + 1)) ] || fail "$(($(commit_count) - before)) commits"
	[ "$(git log --format=%s | grep -cx 'key init: ada')" -eq 1 ]
	run coach key list
	assert_output_has "(on this computer)"
	as_keyed bob
	"$COACH" key init >/dev/null
	as_keyed ada
	# A private entry from before keys, for key seal to seal.
	old=$(GIT_AUTHOR_EMAIL=ada@school.example "$COACH" log bob --private --unsealed -m "old words")
	args=()
	for ((i = 0; i < n; i++)); do
		args+=(log bob --private -m "sealed words $i" --)
	done
	race "${args[@]}" key seal
	[ "$ok" -eq $((n + 1)) ] || fail "$ok of $((n + 1)) succeeded: $errs"
	for ((i = 0; i < n; i++)); do
		id=$(cat "$OUT"/race.out.$i)
		f=$(ls coaching/bob/log/*-"$id".md)
		! grep -q "sealed words" "$f" || fail "$f is not sealed"
		[ "$("$COACH" show "$id" | tail -1)" = "sealed words $i" ] || fail "$id does not open"
	done
	! grep -q "old words" coaching/bob/log/*-"$old".md || fail "key seal lost"
	run coach entries bob
	assert_output_lacks "(sealed:"
	run coach check
	assert_status 0
}
