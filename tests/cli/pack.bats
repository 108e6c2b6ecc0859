#!/usr/bin/env bats
# Objects are packed once loose ones pass a threshold, as git gc --auto
# does; packing never loses an object, even when killed.
load helper

setup() {
	setup_scratch
	school_with_staff
}

loose() {
	git count-objects -v | awk '/^count:/ {print $2}'
}

in_pack() {
	git count-objects -v | awk '/^in-pack:/ {print $2}'
}

# Every object of every commit can be read, and git fsck --strict agrees.
all_readable() {
	git fsck --strict --no-progress >/dev/null 2>&1 || fail "git fsck --strict failed"
	local missing
	missing=$(git rev-list --objects --all | cut -d' ' -f1 |
		git cat-file --batch-check | grep -c missing || true)
	[ "$missing" -eq 0 ] || fail "$missing objects missing"
	[ -z "$(git status --porcelain)" ] || fail "work tree not clean"
}

@test "past coach.autopack loose objects go into a pack" {
	export COACH_AUTOPACK_DETACH=0
	limit=$(($(loose) + 25))
	git config coach.autopack "$limit"
	for i in $(seq 3); do coach log bob -m "Entry $i" >/dev/null; done
	[ "$(in_pack)" -eq 0 ] || fail "packed below the threshold"
	before=$(loose)
	for i in $(seq 9); do coach log bob -m "More $i" >/dev/null; done
	[ "$(in_pack)" -gt "$before" ] || fail "nothing was packed: $(git count-objects -v)"
	[ "$(loose)" -le "$limit" ] || fail "loose objects left: $(loose), over $limit"
	all_readable
	# Every commit still reads, entry by entry.
	[ "$(git log --format=%s | grep -c '^log: bob')" -eq 12 ]
	git log -p >/dev/null
}

@test "packing happens in the background and the command does not wait" {
	export COACH_AUTOPACK=20
	for i in $(seq 8); do coach log bob -m "Entry $i" >/dev/null; done
	for _ in $(seq 600); do
		[ "$(in_pack)" -gt 0 ] && [ ! -e .git/objects/pack/*.lock ] && break
		sleep 0.1
	done
	[ "$(in_pack)" -gt 0 ] || fail "no pack after 60 s"
	# Wait for the packer to let go of its lock before checking.
	flock .git/coach-pack.lock true
	all_readable
}

@test "coach.autopack 0 never packs; a held pack lock skips packing" {
	export COACH_AUTOPACK_DETACH=0
	git config coach.autopack 0
	for i in $(seq 4); do coach log bob -m "Entry $i" >/dev/null; done
	[ "$(in_pack)" -eq 0 ] || fail "packed with coach.autopack 0"
	git config coach.autopack 5
	flock .git/coach-pack.lock "$COACH" log bob -m "Locked out" >/dev/null
	[ "$(in_pack)" -eq 0 ] || fail "packed while another packer held the lock"
	coach log bob -m "Free" >/dev/null
	[ "$(in_pack)" -gt 0 ] || fail "not packed once the lock was free"
	all_readable
}

@test "a pack killed with kill -9 at any moment loses nothing" {
	export COACH_AUTOPACK_DETACH=0
	rounds=12
	[ -z "${COACH_TEST_SANITIZED:-}" ] || rounds=4
	git config coach.autopack 0
	for i in $(seq 30); do coach log bob -m "Entry $i" >/dev/null; done
	git config coach.autopack 10
	for r in $(seq "$rounds"); do
		"$COACH" log bob -m "Round $r" >/dev/null 2>&1 &
		pid=$!
		sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		git fsck --strict --no-progress >/dev/null 2>&1 || fail "fsck failed after round $r"
		# Objects still loose or in a finished pack: never gone.
		missing=$(git rev-list --objects --all | cut -d' ' -f1 |
			git cat-file --batch-check | grep -c missing || true)
		[ "$missing" -eq 0 ] || fail "round $r: $missing objects missing"
	done
	coach log bob -m "After the kills" >/dev/null
	[ "$(in_pack)" -gt 0 ] || fail "nothing was packed"
	all_readable
}
