#!/usr/bin/env bats
# Writers killed with kill -9 at random moments: the repository stays
# sound, every write that reported success is kept, and the next write
# works without anyone deleting a lock.
load helper

setup() {
	setup_scratch
	school_with_staff
	export COACH_LOCK_TIMEOUT=60
	goal=$("$COACH" goal add bob "Ask better questions" --measure "pupils answering" \
		--baseline 0 --target 100)
	cycle=$("$COACH" cycle start "$goal" --step "Wait three seconds")
	gfile=coaching/bob/goals/$goal.md
	OUT=$BATS_TEST_TMPDIR/out
	mkdir -p "$OUT"
}

rounds() {
	if [ -n "${COACH_TEST_SANITIZED:-}" ]; then echo "$2"; else echo "$1"; fi
}

# Milliseconds within which a kill may come: 100, or twice what one write
# takes here (calibrate sets it), so that on a slow or loaded machine, or
# under the sanitizers, kills still fall before, during and after writes.
SPAN=100

# calibrate: times one write and sets SPAN from it.
calibrate() {
	local t0 t1 ms
	t0=$(date +%s%N)
	"$COACH" goal measure "$goal" 0 >/dev/null 2>&1 || fail "a write failed"
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	[ $((2 * ms)) -le "$SPAN" ] || SPAN=$((2 * ms))
}

# killed CMD...: runs coach CMD in the background and kills it with -9
# after 0 to SPAN ms; succeeds when coach finished first and succeeded,
# with its stdout in $OUT/stdout.
killed() {
	"$COACH" "$@" >"$OUT/stdout" 2>>"$OUT/errors" &
	local pid=$! d=$((RANDOM % SPAN))
	sleep "$((d / 1000)).$(printf %03d $((d % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# conflicted FILE: commits conflicts items for status and title in FILE
# (again, after a resolve took them away), as a merge would leave them.
conflicted() {
	python3 - "$1" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
head, rest = s.split("\n---\n", 1)
head = head.split("\nconflicts:")[0]  # the last key: resolve keeps it so
lines = [l if not l.startswith("status:") else "status: active"
         for l in head.split("\n")]
lines += ["conflicts:",
          "  - {key: status, from: theirs, value: paused}",
          "  - {key: title, from: theirs, value: Under fire}"]
open(p, "w").write("\n".join(lines) + "\n---\n" + rest)
PY
	git diff --quiet || git commit -qam "merge with conflicts" >/dev/null
}

# Nothing a killed writer made is left to block the next one.
assert_no_leftovers() {
	local left
	# A packer still merging in the background has its files open.
	[ ! -e .git/coach-pack.lock ] || flock .git/coach-pack.lock true
	left=$(find .git -name '*.lock' ! -name coach.lock ! -name coach-pack.lock; find . -name '.*.coach-*'
		find .git -maxdepth 1 -name 'coach-journal*')
	[ -z "$left" ] || fail "left behind:" "$left"
}

@test "200 writers killed at random: fsck is clean, every success is kept, the next write works" {
	local n i phases=(plan model practise apply review)
	n=$(rounds 200 40)
	calibrate
	for ((i = 0; i < n; i++)); do
		case $((i % 4)) in
		0)	killed log bob -m "write $i" && echo "log $(cat "$OUT/stdout") write $i" ;;
		1)	killed goal measure "$goal" "$i" && echo "measure $i" ;;
		2)	killed goal status "$goal" "$([ $((i % 8)) -eq 2 ] && echo paused || echo active)" &&
				echo "status" ;;
		3)	killed cycle phase "$cycle" "${phases[$((i % 5))]}" && echo "phase" ;;
		esac
	done >"$OUT/ok"
	grep -q . "$OUT/ok" || fail "no write finished before its kill: nothing was tested"

	# The next write works, with no lock to delete by hand.
	run coach goal measure "$goal" 12345
	assert_status 0
	assert_no_leftovers
	assert_repo_sound

	# Every success is in the file and in history.
	local m
	m=$(yaml "$gfile" measurements)
	while read -r _ v; do
		python3 -c 'import json,sys; sys.exit(0 if any(x["value"] == int(sys.argv[2]) for x in json.loads(sys.argv[1])) else 1)' "$m" "$v" ||
			fail "measurement $v reported written but missing"
		git log --format=%s | grep -qx "goal measure: bob $goal $v" || fail "no commit for measurement $v"
	done < <(grep '^measure ' "$OUT/ok")
	while read -r _ id text; do
		f=$(ls coaching/bob/log/*-"$id".md) || fail "entry $id missing"
		[ "$(python3 "$FM" --body "$f")" = "$text" ] || fail "entry $id: wrong body"
	done < <(grep '^log ' "$OUT/ok")
	[ "$(git log --format=%s | grep -c '^goal status: ')" -ge "$(grep -c '^status' "$OUT/ok")" ]
	[ "$(git log --format=%s | grep -c '^cycle phase: ')" -ge "$(grep -c '^phase' "$OUT/ok")" ]
	# What the files say is what the last commit says.
	[ -z "$(git status --porcelain)" ]
}

@test "every write path survives kill -9: sound repository, next write works" {
	local tries i
	tries=$(rounds 5 2)
	calibrate
	printf -- '---\ntitle: Wait time\n---\n' >"$OUT/wait-time.md"
	mkdir -p "$HOME/bin"
	printf '#!/bin/sh\nsed -i "s/^title: .*/title: Edited/" "$1"\n' >"$HOME/bin/ed-title"
	chmod +x "$HOME/bin/ed-title"
	export EDITOR="$HOME/bin/ed-title"
	g2=$("$COACH" goal add bob "Resolved under fire")
	g2file=coaching/bob/goals/$g2.md
	conflicted "$g2file"
	for ((i = 0; i < tries; i++)); do
		killed staff add "t$i" --name "Teacher $i" || true
		killed priority add "p$i" "Priority $i" || true
		killed priority retire "p$i" || true
		killed framework add "f$i" "Strategy $i" || true
		killed framework import "$OUT/wait-time.md" || true
		killed agree bob --coach ada || true
		killed agree bob --end || true
		killed goal add bob "Goal $i" || true
		killed goal status "$goal" paused || true
		killed goal status "$goal" active || true
		killed goal measure "$goal" "$i" || true
		killed cycle start "$goal" --step "Step $i" --force || true
		killed cycle phase "$cycle" model || true
		killed cycle close "$(ls coaching/bob/cycles 2>/dev/null | tail -1 | sed 's/\.md$//')" --outcome met || true
		killed log bob -m "entry $i" || true
		killed edit "$gfile" || true
		killed rm "$(ls coaching/bob/log 2>/dev/null | head -1 | sed 's/^....-..-..-//; s/\.md$//')" || true
		killed resolve "$g2" status paused || true
		killed resolve "$g2" title --keep || true
		# The next writer clears what the killed ones left.
		run coach goal measure "$goal" "$((100 + i))"
		assert_status 0
		assert_no_leftovers
		assert_repo_sound
		# A resolve either happened in full or not at all.
		if [ "$(yaml "$g2file" status)" = '"paused"' ]; then
			git log -1 --format=%s -- "$g2file" | grep -q "^resolve: $g2file " ||
				fail "status changed without its commit"
		fi
		conflicted "$g2file"
	done
	run coach goal measure "$goal" 777
	assert_status 0
	run coach staff add zed --name "Zed"
	assert_status 0
	assert_repo_sound
}

@test "sealed write paths survive kill -9: key init, log --private, key seal" {
	local tries i
	tries=$(rounds 5 2)
	calibrate
	export GIT_AUTHOR_EMAIL=bob@school.example XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/cfg-bob"
	"$COACH" key init >/dev/null
	export GIT_AUTHOR_EMAIL=ada@school.example XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/cfg-ada"
	"$COACH" key init >/dev/null
	for ((i = 0; i < tries; i++)); do
		# A new member of staff each round, whose key init is killed.
		"$COACH" staff add "k$i" --name "Key $i" --email "k$i@school.example" >/dev/null
		GIT_AUTHOR_EMAIL="k$i@school.example" XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/cfg-k$i" \
			killed key init || true
		killed log bob --private -m "sealed $i" || true
		"$COACH" log bob --private --unsealed -m "plain $i" >/dev/null
		killed key seal || true
		# The next writes work, and key init finishes what was killed.
		GIT_AUTHOR_EMAIL="k$i@school.example" XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/cfg-k$i" \
			run coach key init
		assert_status 0
		GIT_AUTHOR_EMAIL="k$i@school.example" XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/cfg-k$i" \
			run coach key list
		assert_output_has "(on this computer)"
		# No copy of a secret key under another name.
		[ "$(ls -A "$BATS_TEST_TMPDIR/cfg-k$i/coach")" = secret-key ] ||
			fail "key folder: $(ls -A "$BATS_TEST_TMPDIR/cfg-k$i/coach")"
		run coach goal measure "$goal" "$((200 + i))"
		assert_status 0
		assert_no_leftovers
		assert_repo_sound
	done
	run coach key seal
	assert_status 0
	# Every private entry is sealed and opens for its reader.
	for f in coaching/bob/log/*.md; do
		! grep -qE "^(sealed|plain) [0-9]" "$f" || fail "$f is not sealed"
	done
	run coach entries bob
	assert_output_lacks "(sealed:"
	run coach check
	assert_status 0
}
