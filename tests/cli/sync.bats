#!/usr/bin/env bats
# coach remote and coach sync against a bare repository on a path: the
# first push, a fast-forward, a true merge, hand edits, a plain git user
# beside coach users, racing pushes, and what status says afterwards.
# Judged with git (log, rev-list --parents, fsck, ls-tree).
load helper

setup() {
	setup_scratch
	git init -q --bare hub.git
	HUB=$BATS_TEST_TMPDIR/hub.git
	school_with_staff
	cd "$BATS_TEST_TMPDIR/school"
}

# clone NAME: a plain git clone of the hub in ./NAME, beside the school.
clone() {
	git clone -q "$HUB" "$BATS_TEST_TMPDIR/$1"
}

# hub_has PATH: the hub's main has PATH.
hub_has() {
	git -C "$HUB" cat-file -e "main:$1" 2>/dev/null || fail "the hub's main lacks $1" \
		"$(git -C "$HUB" ls-tree -r --name-only main)"
}

@test "remote add, list, remove; a password is never shown" {
	run coach remote add origin "$HUB"
	assert_status 0
	[ "$(git config remote.origin.url)" = "$HUB" ] || fail "not in git config"
	run coach remote add origin "$HUB"
	assert_status 1
	assert_output_has "exists already"
	run coach remote add trust 'https://ada:s3cr3t-pw@git.example/school.git'
	assert_status 0
	assert_output_lacks "s3cr3t-pw"
	run coach remote list
	assert_status 0
	grep -Fxq "origin	$HUB" <<<"$output" || fail "got: $output"
	grep -Fxq "trust	https://ada:***@git.example/school.git" <<<"$output" || fail "got: $output"
	assert_output_lacks "s3cr3t-pw"
	run coach remote remove trust
	assert_status 0
	[ -z "$(git config remote.trust.url)" ] || fail "still in git config"
	run coach remote remove trust
	assert_status 1
	assert_output_has "no remote 'trust'"
	run coach remote add 'bad name' "$HUB"
	assert_status 1
	run coach remote add
	assert_status 2
}

@test "sync without a remote says how to add one" {
	run coach sync
	assert_status 1
	assert_output_has "coach remote add origin URL"
	run coach sync nowhere
	assert_status 1
	assert_output_has "no remote 'nowhere'"
	run coach sync "https://ada:pw-in-url@example.invalid/x.git"
	assert_status 1
	assert_output_has "takes a remote's name"
	assert_output_lacks "pw-in-url"
}

@test "the first push of a new repository, then nothing to do" {
	coach remote add origin "$HUB" >/dev/null
	run coach sync
	assert_status 0
	assert_output_has "pushed $(git rev-list --count HEAD) commits to origin (its first)"
	[ "$(git -C "$HUB" rev-parse main)" = "$(git rev-parse HEAD)" ] || fail "hub not at HEAD"
	[ "$(git config branch.main.remote)" = origin ] || fail "no upstream set"
	[ "$(git config branch.main.merge)" = refs/heads/main ] || fail "no upstream merge"
	git -C "$HUB" fsck --strict --no-progress >/dev/null 2>&1 || fail "hub fsck failed"
	run coach sync
	assert_status 0
	[ "$output" = "up to date with origin" ] || fail "got: $output"
	run coach status
	assert_output_has "Up to date with the central repository."
}

@test "hand edits are committed first, in their own commit" {
	coach remote add origin "$HUB" >/dev/null
	coach sync >/dev/null
	printf '# a note added by hand\n' >>coach.yml
	printf 'notes\n' >notes.txt
	run coach sync
	assert_status 0
	assert_output_has "committed hand edits to 2 files; pushed 1 commit to origin"
	[ "$(git log -1 --format=%s main)" = "hand edits to 2 files" ] || fail "$(git log -1 --format=%s)"
	hub_has notes.txt
	assert_repo_sound
}

@test "hand edits that coach check refuses stop the sync before anything is sent" {
	coach remote add origin "$HUB" >/dev/null
	coach sync >/dev/null
	before=$(git -C "$HUB" rev-parse main)
	printf -- '---\nname: [unclosed\n---\n' >staff/bob.md
	run coach sync
	assert_status 1
	assert_output_has "staff/bob.md"
	assert_output_has "nothing was synced"
	[ "$(git -C "$HUB" rev-parse main)" = "$before" ] || fail "something was pushed"
	[ "$(git rev-parse HEAD)" = "$before" ] || fail "something was committed"
}

@test "a fast-forward: what a clone pushed comes in without a merge commit" {
	coach remote add origin "$HUB" >/dev/null
	coach sync >/dev/null
	clone laptop
	(cd ../laptop && coach priority add reading "Reading" >/dev/null && coach sync >/dev/null)
	run coach sync
	assert_status 0
	assert_output_has "pulled 1 commit (1 file changed) from origin"
	assert_output_lacks "merged"
	[ "$(git rev-parse HEAD)" = "$(git -C ../laptop rev-parse HEAD)" ] || fail "not fast-forwarded"
	[ -f priorities/reading.md ] || fail "the file is not in the work tree"
	assert_repo_sound
}

@test "a true merge: one merge commit with both parents, both records kept" {
	coach remote add origin "$HUB" >/dev/null
	coach sync >/dev/null
	clone laptop
	(cd ../laptop && coach priority add reading "Reading" >/dev/null && coach sync >/dev/null)
	coach priority add writing "Writing" >/dev/null
	ours=$(git rev-parse HEAD)
	run coach sync
	assert_status 0
	assert_output_has "pulled 1 commit (1 file changed) from origin, merged, pushed 2 commits to origin"
	parents=$(git rev-list --parents -1 HEAD)
	[ "$(wc -w <<<"$parents")" -eq 3 ] || fail "not a merge commit: $parents"
	[[ $parents == *"$ours"* ]] || fail "our commit is not a parent"
	[[ $parents == *"$(git -C ../laptop rev-parse HEAD)"* ]] || fail "theirs is not a parent"
	[ "$(git log -1 --format=%s)" = "sync: merge origin/main" ] || fail "$(git log -1 --format=%s)"
	hub_has priorities/reading.md
	hub_has priorities/writing.md
	assert_repo_sound
	(cd ../laptop && coach sync >/dev/null)
	[ -f ../laptop/priorities/writing.md ] || fail "the laptop lacks writing.md"
}

@test "the same record changed on both sides: both values are kept" {
	coach remote add origin "$HUB" >/dev/null
	coach sync >/dev/null
	clone laptop
	(cd ../laptop && sed -i 's/^name: Bob Baker$/name: Robert Baker/' staff/bob.md &&
		git commit -qam "bob's name, laptop" && coach sync >/dev/null)
	sed -i 's/^name: Bob Baker$/name: Bobby Baker/' staff/bob.md
	git commit -qam "bob's name, here"
	run coach sync
	assert_status 0
	assert_output_has "merged"
	grep -q "Robert Baker" staff/bob.md || fail "theirs lost: $(cat staff/bob.md)"
	grep -q "Bobby Baker" staff/bob.md || fail "ours lost: $(cat staff/bob.md)"
	git fsck --strict --no-progress >/dev/null 2>&1 || fail "fsck"
	[ -z "$(git status --porcelain)" ] || fail "not clean: $(git status --porcelain)"
}

@test "a plain git clone and git pull user works beside coach users" {
	coach remote add origin "$HUB" >/dev/null
	coach sync >/dev/null
	clone plain
	(
		cd ../plain
		printf 'Agenda for Friday\n' >agenda.txt
		git add agenda.txt
		git commit -qm "agenda, by hand with git"
		git push -q origin main
	)
	coach priority add reading "Reading" >/dev/null
	run coach sync
	assert_status 0
	assert_output_has "merged, pushed 2 commits"
	[ -f agenda.txt ] || fail "the git user's file did not come in"
	(
		cd ../plain
		git pull -q --no-rebase --no-edit origin main
		[ -f priorities/reading.md ] || fail "git pull did not bring the coach user's record"
		printf 'More\n' >>agenda.txt
		git commit -qam "more agenda"
		git push -q origin main
	)
	run coach sync
	assert_status 0
	assert_output_has "pulled 1 commit (1 file changed) from origin"
	grep -q More agenda.txt || fail "second git push did not come in"
	assert_repo_sound
}

@test "the first sync in a clone sets up the merge driver" {
	coach remote add origin "$HUB" >/dev/null
	coach sync >/dev/null
	clone laptop
	cd ../laptop
	[ -z "$(git config merge.coach.driver)" ] || fail "a plain clone has the driver already"
	run coach sync
	assert_status 0
	grep -q ' merge-driver %O %A %B %P$' <<<"$(git config merge.coach.driver)" ||
		fail "merge.coach.driver: $(git config merge.coach.driver)"
	[ "$(git check-attr merge goals/x.md | sed 's/.*: //')" = coach ] ||
		fail "$(git check-attr merge goals/x.md)"
}

@test "two syncs at once against one hub: both succeed, nothing is lost" {
	coach remote add origin "$HUB" >/dev/null
	coach sync >/dev/null
	clone one
	clone two
	local n=3
	[ -n "${COACH_TEST_SANITIZED:-}" ] && n=1
	for round in $(seq 1 $n); do
		(cd ../one && coach priority add "one$round" "One $round" >/dev/null)
		(cd ../two && coach priority add "two$round" "Two $round" >/dev/null)
		(cd ../one && coach sync >../one.out 2>&1; echo "status $?" >>../one.out) &
		(cd ../two && coach sync >../two.out 2>&1; echo "status $?" >>../two.out) &
		wait
		grep -qx "status 0" ../one.out || fail "one: $(cat ../one.out)"
		grep -qx "status 0" ../two.out || fail "two: $(cat ../two.out)"
	done
	(cd ../one && coach sync >/dev/null)
	for round in $(seq 1 $n); do
		hub_has "priorities/one$round.md"
		hub_has "priorities/two$round.md"
	done
	git -C "$HUB" fsck --strict --no-progress >/dev/null 2>&1 || fail "hub fsck"
	[ -z "$(git -C "$HUB" for-each-ref refs/coach-push)" ] || fail "temporary refs left"
}

@test "a ref another sync deletes while this one reads the hub: the transfer is tried again" {
	command -v strace >/dev/null || skip "strace is not installed"
	# LeakSanitizer cannot run under ptrace: memory errors only, there.
	[ -z "${ASAN_OPTIONS:-}" ] || export ASAN_OPTIONS=${ASAN_OPTIONS//detect_leaks=1/detect_leaks=0}
	coach remote add origin "$HUB" >/dev/null
	coach sync >/dev/null
	# Another sync's temporary ref, seen by the listing; strace makes it
	# vanish at the Nth look at it, as when that sync deletes it.
	git -C "$HUB" update-ref refs/coach-push/1-2 main
	local tmp=$HUB/refs/coach-push/1-2 hit=0
	for nth in 1 2 3 4 5 6; do
		coach priority add "p$nth" "Priority $nth" >/dev/null
		run strace -f -qq -o "$BATS_TEST_TMPDIR/trace" -P "$tmp" \
			-e trace=openat,newfstatat \
			-e inject=openat,newfstatat:error=ENOENT:when=$nth "$COACH" sync
		assert_status 0
		grep -q INJECTED "$BATS_TEST_TMPDIR/trace" && hit=$((hit + 1))
		[ "$(git -C "$HUB" rev-parse main)" = "$(git rev-parse HEAD)" ] ||
			fail "look $nth: the hub's main is not this school's HEAD" "$output"
		hub_has "priorities/p$nth.md"
	done
	[ "$hit" -eq 6 ] || fail "the ref vanished only $hit times of 6"
	git -C "$HUB" fsck --strict --no-progress >/dev/null 2>&1 || fail "hub fsck"
}

@test "status counts commits to push and to pull as of the last fetch" {
	coach remote add origin "$HUB" >/dev/null
	coach sync >/dev/null
	clone laptop
	(cd ../laptop && coach priority add reading "Reading" >/dev/null &&
		coach priority add writing "Writing" >/dev/null && coach sync >/dev/null)
	coach priority add maths "Maths" >/dev/null
	run coach status
	assert_output_has "Not synced: 1 commit to push (as of the last fetch); run 'coach sync'"
	git fetch -q origin
	run coach status
	assert_output_has "Not synced: 1 commit to push, 2 commits to pull (as of the last fetch); run 'coach sync'"
	coach sync >/dev/null
	run coach status
	assert_output_has "Up to date with the central repository."
}

@test "sync holds the writer's lock" {
	coach remote add origin "$HUB" >/dev/null
	exec 9>.git/coach.lock
	flock 9
	COACH_LOCK_TIMEOUT=0.2 run coach sync
	exec 9>&-
	assert_status 1
	assert_output_has "another coach command is writing"
	[ -z "$(git -C "$HUB" for-each-ref)" ] || fail "pushed without the lock"
}

@test "progress on a terminal (objects, bytes, rate), nothing when not one" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	coach remote add origin "$HUB" >/dev/null
	coach sync >/dev/null
	clone laptop
	(cd ../laptop && python3 -c 'import base64, os; print(base64.b64encode(os.urandom(90000)).decode())' >big.txt &&
		git add big.txt && git commit -qm big && git push -q origin main)
	git clone -q "$HUB" ../second
	run script -qfec "$COACH sync" /dev/null
	assert_status 0
	assert_output_has "Receiving objects: 100% (3/3)"
	# The rate's unit depends on how fast the machine copied 120 KiB.
	[[ "$output" =~ [0-9]\ [KMG]iB/s ]] || fail "no rate in KiB/s, MiB/s or GiB/s" "output: $output"
	assert_output_has "pulled 1 commit"
	cd ../second
	(cd ../laptop && echo more >>big.txt && git commit -qam more && git push -q origin main)
	coach sync >../out.txt 2>../err.txt
	[ ! -s ../err.txt ] || fail "stderr not empty: $(cat ../err.txt)"
	! grep -q "objects" ../out.txt || fail "progress on a pipe: $(cat ../out.txt)"
}

@test "a remote with a history of its own is not merged" {
	coach remote add origin "$HUB" >/dev/null
	coach sync >/dev/null
	cd ..
	"$COACH" init other --school "Other School" >/dev/null
	cd other
	coach remote add origin "$HUB" >/dev/null
	before=$(git rev-parse HEAD)
	run coach sync
	assert_status 1
	assert_output_has "nothing in common"
	assert_output_has "git clone"
	[ "$(git rev-parse HEAD)" = "$before" ] || fail "HEAD moved"
	assert_repo_sound
}

@test "a hub whose HEAD names another branch: HEAD follows the first push, so a git clone checks the school out" {
	git init -q --bare -b master "$BATS_TEST_TMPDIR/other.git"
	coach remote add origin "$BATS_TEST_TMPDIR/other.git" >/dev/null
	run coach sync
	assert_status 0
	[ "$(git -C "$BATS_TEST_TMPDIR/other.git" symbolic-ref HEAD)" = refs/heads/main ] ||
		fail "the hub's HEAD is $(git -C "$BATS_TEST_TMPDIR/other.git" symbolic-ref HEAD)"
	git clone -q "$BATS_TEST_TMPDIR/other.git" "$BATS_TEST_TMPDIR/laptop"
	[ -f "$BATS_TEST_TMPDIR/laptop/coach.yml" ] || fail "the clone checked nothing out"
	# A hub that already has a HEAD branch keeps it.
	git -C "$BATS_TEST_TMPDIR/other.git" branch -q keep main
	git -C "$BATS_TEST_TMPDIR/other.git" symbolic-ref HEAD refs/heads/keep
	coach priority add science "Science" >/dev/null
	coach sync >/dev/null
	[ "$(git -C "$BATS_TEST_TMPDIR/other.git" symbolic-ref HEAD)" = refs/heads/keep ] || fail "HEAD was moved"
}

@test "a clone with nothing checked out says which branch holds the school and how to check it out" {
	coach remote add origin "$HUB" >/dev/null
	coach sync >/dev/null
	# As a server's hub made with plain git init --bare would be.
	git -C "$HUB" symbolic-ref HEAD refs/heads/master
	git clone -q "$HUB" "$BATS_TEST_TMPDIR/laptop" 2>/dev/null
	cd "$BATS_TEST_TMPDIR/laptop"
	run coach status
	assert_status 1
	assert_output_has "has nothing checked out"
	assert_output_has "origin/main holds the school"
	assert_output_has "git checkout main"
	git checkout -q main
	run coach status
	assert_status 0
}

@test "a hub made anew (emptied): sync pushes everything again instead of calling it up to date" {
	coach remote add origin "$HUB" >/dev/null
	coach sync >/dev/null
	rm -rf "$HUB"
	git init -q --bare "$HUB"
	run coach sync
	assert_status 0
	assert_output_has "pushed"
	assert_output_lacks "up to date"
	[ "$(git -C "$HUB" rev-parse main)" = "$(git rev-parse HEAD)" ] || fail "the hub is not at HEAD"
	git -C "$HUB" fsck --strict --no-progress >/dev/null 2>&1 || fail "hub fsck"
}
