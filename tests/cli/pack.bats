#!/usr/bin/env bats
# A commit of coach writes its objects as one small pack; loose objects
# are packed once they pass a threshold and small packs merged once they
# pass a count, as git gc --auto does; packing never loses an object,
# even when killed.
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

packs() {
	git count-objects -v | awk '/^packs:/ {print $2}'
}

# make_loose N: N new loose objects (blobs, written by git), their ids
# appended to $BATS_TEST_TMPDIR/made.
make_loose() {
	local dir=$BATS_TEST_TMPDIR/blobs i
	mkdir -p "$dir"
	for ((i = 0; i < $1; i++)); do
		echo "blob $RANDOM $i $1 $(date +%N)" >"$dir/$i"
	done
	ls "$dir" | sed "s|^|$dir/|" | git hash-object -w --stdin-paths >>"$BATS_TEST_TMPDIR/made"
	rm -rf "$dir"
}

# Every object of every commit can be read, and so can every object
# make_loose made; git fsck --strict agrees.
all_readable() {
	git fsck --strict --no-progress >/dev/null 2>&1 || fail "git fsck --strict failed"
	local missing
	missing=$({ git rev-list --objects --all | cut -d' ' -f1
		cat "$BATS_TEST_TMPDIR/made" 2>/dev/null; } |
		git cat-file --batch-check | grep -c missing || true)
	[ "$missing" -eq 0 ] || fail "$missing objects missing"
	[ -z "$(git status --porcelain)" ] || fail "work tree not clean"
}

@test "a commit writes one pack, not loose objects" {
	git config coach.autopack 0
	before=$(loose)
	p=$(packs)
	coach log bob -m "One entry" >/dev/null
	[ "$(loose)" -eq "$before" ] || fail "loose objects written: $(git count-objects -v)"
	[ "$(packs)" -eq $((p + 1)) ] || fail "not one new pack: $(git count-objects -v)"
	git verify-pack "$(ls -t .git/objects/pack/*.idx | head -1)" || fail "git verify-pack refuses it"
	# The blob, a tree per folder on its path, the commit.
	git cat-file -e "HEAD:coaching/bob/log"
	all_readable
}

@test "past coach.autopack loose objects go into a pack" {
	export COACH_AUTOPACK_DETACH=0
	git config coach.autopack 40
	make_loose 30
	coach log bob -m "Entry 1" >/dev/null
	[ "$(loose)" -ge 30 ] || fail "packed below the threshold"
	make_loose 20
	coach log bob -m "Entry 2" >/dev/null
	[ "$(loose)" -eq 0 ] || fail "loose objects left: $(git count-objects -v)"
	all_readable
	[ "$(git ls-files coaching/bob/log | wc -l)" -eq 2 ]
}

@test "packing happens in the background and the command does not wait" {
	export COACH_AUTOPACK=20
	make_loose 30
	coach log bob -m "Entry" >/dev/null
	for _ in $(seq 600); do
		[ "$(loose)" -eq 0 ] && break
		sleep 0.1
	done
	[ "$(loose)" -eq 0 ] || fail "loose objects left after 60 s"
	# Wait for the packer to let go of its lock before checking.
	flock .git/coach-pack.lock true
	all_readable
}

@test "coach.autopack 0 never packs; a held pack lock skips packing" {
	export COACH_AUTOPACK_DETACH=0
	git config coach.autopack 0
	git config coach.autopacklimit 2
	make_loose 10
	for i in $(seq 4); do coach log bob -m "Entry $i" >/dev/null; done
	[ "$(loose)" -ge 10 ] || fail "packed with coach.autopack 0"
	[ "$(packs)" -ge 4 ] || fail "merged with coach.autopack 0"
	git config coach.autopack 5
	flock .git/coach-pack.lock "$COACH" log bob -m "Locked out" >/dev/null
	[ "$(loose)" -ge 10 ] || fail "packed while another packer held the lock"
	coach log bob -m "Free" >/dev/null
	[ "$(loose)" -eq 0 ] || fail "not packed once the lock was free"
	all_readable
}

@test "past coach.autopacklimit packs are merged into one, as git gc does" {
	export COACH_AUTOPACK_DETACH=0
	git config coach.autopacklimit 0
	for i in $(seq 6); do coach log bob -m "Entry $i" >/dev/null; done
	[ "$(packs)" -ge 6 ] || fail "a pack a commit: $(git count-objects -v)"
	git config coach.autopacklimit 4
	coach log bob -m "Merge now" >/dev/null
	[ "$(packs)" -eq 1 ] || fail "not merged into one: $(git count-objects -v)"
	[ "$(loose)" -eq 0 ]
	# With deltas: git's own pack of the same objects is not much smaller.
	mine=$(du -sk .git/objects/pack | cut -f1)
	git clone -q --bare --no-local . "$BATS_TEST_TMPDIR/gc.git"
	git -C "$BATS_TEST_TMPDIR/gc.git" gc -q --aggressive
	theirs=$(du -sk "$BATS_TEST_TMPDIR/gc.git/objects/pack" | cut -f1)
	[ "$mine" -le $((2 * theirs + 8)) ] || fail "packed without deltas: $mine KiB, git $theirs KiB"
	for i in $(seq 6); do grep -rqx "Entry $i" coaching/bob/log || fail "entry $i lost"; done
	all_readable
}

@test "merged packs keep the versions of a folder as deltas of each other, as git gc does" {
	export COACH_AUTOPACK_DETACH=0
	git config coach.autopacklimit 0
	local i n=60
	[ -n "${COACH_TEST_SANITIZED:-}" ] && n=30
	for i in $(seq 10); do
		coach staff add "t$i" --name "Teacher $i" >/dev/null
		coach agree "t$i" --coach ada >/dev/null
	done
	# Each entry makes new versions of coaching/, of the coachee's folder
	# and of its log/: the versions of coaching/ all have the same size.
	for i in $(seq $n); do coach log "t$((i % 10 + 1))" -m "Entry $i" >/dev/null; done
	git config coach.autopacklimit 4
	coach log bob -m "Merge now" >/dev/null
	[ "$(packs)" -eq 1 ] || fail "not merged into one: $(git count-objects -v)"
	mine=$(stat -c %s .git/objects/pack/pack-*.pack)
	git clone -q --bare --no-local . "$BATS_TEST_TMPDIR/gc.git"
	git -C "$BATS_TEST_TMPDIR/gc.git" repack -q -a -d -f
	theirs=$(stat -c %s "$BATS_TEST_TMPDIR"/gc.git/objects/pack/pack-*.pack)
	[ "$mine" -le $((theirs * 5 / 4)) ] ||
		fail "coach's pack is $mine bytes, git's of the same objects $theirs"
	all_readable
}

@test "packs written while packs merge are merged too before the packer stops" {
	git config coach.autopacklimit 0
	local i gate=$BATS_TEST_TMPDIR/gate
	for i in $(seq 6); do coach log bob -m "Entry $i" >/dev/null; done
	git config coach.autopacklimit 4
	touch "$gate"
	COACH_AUTOPACK_DETACH=0 COACH_TEST_PAUSE_AT=repack-listed \
		COACH_TEST_PAUSE_FILE=$gate "$COACH" log bob -m "Merge now" >/dev/null &
	local merger=$!
	for i in $(seq 300); do [ -e "$gate.reached" ] && break; sleep 0.1; done
	[ -e "$gate.reached" ] || { rm -f "$gate"; fail "the packer never started"; }
	# While it merges what it listed, others write, each a pack.
	for i in $(seq 6); do COACH_AUTOPACK=0 coach log bob -m "Meanwhile $i" >/dev/null; done
	[ "$(packs)" -ge 12 ] || fail "a pack a commit: $(git count-objects -v)"
	rm "$gate"
	wait $merger
	[ "$(packs)" -le 4 ] || fail "left unmerged: $(git count-objects -v)"
	for i in $(seq 6); do
		grep -rqx "Entry $i" coaching/bob/log || fail "entry $i lost"
		grep -rqx "Meanwhile $i" coaching/bob/log || fail "meanwhile $i lost"
	done
	all_readable
}

@test "past coach.autopackfull objects the small packs are merged, the big one stays" {
	export COACH_AUTOPACK_DETACH=0 COACH_AUTOPACK_FULL=0
	git config coach.autopacklimit 0
	# One big pack, as git gc leaves it.
	for i in $(seq 30); do coach log cy -m "Old $i" >/dev/null; done
	git repack -adq
	big=$(ls .git/objects/pack/*.pack)
	[ "$(packs)" -eq 1 ]
	for i in $(seq 6); do coach log bob -m "Entry $i" >/dev/null; done
	[ "$(packs)" -eq 7 ] || fail "a pack a commit: $(git count-objects -v)"
	git config coach.autopacklimit 4
	coach log bob -m "Merge now" >/dev/null
	[ "$(packs)" -eq 2 ] || fail "small packs not merged into one: $(git count-objects -v)"
	[ -e "$big" ] || fail "the big pack was rewritten: the small ones are merged first"
	all_readable
	for i in $(seq 6); do grep -rqx "Entry $i" coaching/bob/log || fail "entry $i lost"; done
	# Once the small packs outgrow the big one, everything goes into one.
	for i in $(seq 60); do coach log bob -m "More $i" >/dev/null; done
	[ ! -e "$big" ] || fail "never merged into one pack"
	[ "$(packs)" -le 4 ] || fail "too many packs: $(git count-objects -v)"
	[ "$(loose)" -eq 0 ]
	all_readable
}

@test "a merge killed with kill -9 at any moment loses nothing" {
	export COACH_AUTOPACK_DETACH=0
	rounds=12
	[ -z "${COACH_TEST_SANITIZED:-}" ] || rounds=4
	git config coach.autopacklimit 0
	for i in $(seq 12); do coach log bob -m "Entry $i" >/dev/null; done
	make_loose 20
	# At the two points that matter, then anywhere.
	git config coach.autopack 10
	git config coach.autopacklimit 3
	for point in repack-written repack-removing; do
		COACH_TEST_DIE_AT=$point "$COACH" log bob -m "Dies at $point" >/dev/null 2>&1 &&
			fail "did not die at $point"
		all_readable
		grep -rqx "Dies at $point" coaching/bob/log || fail "the commit before the merge is lost"
	done
	for r in $(seq "$rounds"); do
		"$COACH" log bob -m "Round $r" >/dev/null 2>&1 &
		pid=$!
		sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		git fsck --strict --no-progress >/dev/null 2>&1 || fail "fsck failed after round $r"
		missing=$({ git rev-list --objects --all | cut -d' ' -f1
			cat "$BATS_TEST_TMPDIR/made"; } |
			git cat-file --batch-check | grep -c missing || true)
		[ "$missing" -eq 0 ] || fail "round $r: $missing objects missing"
	done
	coach log bob -m "After the kills" >/dev/null
	[ "$(loose)" -eq 0 ] || fail "loose objects left: $(git count-objects -v)"
	[ "$(packs)" -le 3 ] || fail "packs not merged: $(git count-objects -v)"
	all_readable
}

@test "writers go on while packs merge in the background: nothing is lost" {
	git config coach.autopacklimit 2
	n=30
	[ -z "${COACH_TEST_SANITIZED:-}" ] || n=10
	for i in $(seq "$n"); do coach log bob -m "Busy $i" >/dev/null; done
	flock .git/coach-pack.lock true
	for i in $(seq "$n"); do grep -rqx "Busy $i" coaching/bob/log || fail "entry $i lost"; done
	[ "$(ls coaching/bob/log | wc -l)" -eq "$n" ]
	all_readable
}

@test "a commit killed around its pack and its ref leaves the old state or the new" {
	for point in index-started pack-written pack-renamed pack-durable ref-locked ref-moved; do
		head=$(git rev-parse HEAD)
		COACH_TEST_DIE_AT=$point "$COACH" log bob -m "At $point" >/dev/null 2>&1 &&
			fail "did not die at $point"
		# No branch names a missing object; the next write clears the rest.
		git fsck --strict --no-progress >/dev/null 2>&1 || fail "fsck failed at $point"
		run coach log bob -m "After $point"
		assert_status 0
		assert_repo_sound
		if [ "$point" = ref-moved ]; then
			git grep -q -e "^At $point\$" HEAD -- coaching/bob/log || fail "the moved branch was undone"
		else
			[ "$(git rev-parse HEAD~1)" = "$head" ] || fail "$point: the dead commit is on the branch"
		fi
		[ -z "$(find .git -name '*.lock' ! -name coach.lock ! -name coach-pack.lock)" ] ||
			fail "a lock left at $point"
		[ -z "$(find .git/objects/pack -name 'tmp_*')" ] || fail "a temporary pack left at $point"
	done
	# Every entry in history has its file, and no other file is there.
	[ "$(ls coaching/bob/log | wc -l)" -eq "$(git ls-files coaching/bob/log | wc -l)" ]
}

@test "an index torn by a crash is made again" {
	coach log bob -m "Before" >/dev/null
	size=$(stat -c %s .git/index)
	truncate -s $((size / 2)) .git/index
	run coach log bob -m "After"
	assert_status 0
	git fsck --no-progress >/dev/null 2>&1 || fail "git fsck failed"
	[ -z "$(git status --porcelain)" ] || fail "not clean: $(git status --porcelain)"
	[ "$(git ls-files | wc -l)" -eq "$(git ls-tree -r HEAD | wc -l)" ]
}
