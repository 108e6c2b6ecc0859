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
