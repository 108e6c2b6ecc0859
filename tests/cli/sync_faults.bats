#!/usr/bin/env bats
# coach sync when things go wrong: a connection cut mid-fetch and
# mid-push (tests/tools/cutproxy.py in front of git daemon), a server that
# stops answering, a closed port, an address nobody answers, a full disk.
# Each time: exit 1, a message saying what to do, the repository sound
# (git fsck), every record written before still there, and the next sync
# succeeds.
load helper
load servers

setup() {
	setup_scratch
	school_with_staff
	SCHOOL=$BATS_TEST_TMPDIR/school
}

teardown() {
	stop_servers
	if [ -n "${SMALL_DISK:-}" ]; then
		cd /
		umount "$SMALL_DISK" 2>/dev/null || true
	fi
}

# random_file PATH KB: incompressible text.
random_file() {
	python3 -c 'import base64, os, sys; sys.stdout.write(base64.b64encode(os.urandom(int(sys.argv[1]) * 768)).decode())' \
		"$2" | fold -w 76 >"$1"
}

# The records of HEAD now, to compare with after a fault.
snapshot() {
	git ls-tree -r HEAD | sort >"$BATS_TEST_TMPDIR/before.tree"
	git rev-parse HEAD >"$BATS_TEST_TMPDIR/before.head"
}

# Nothing lost: HEAD holds every file it held, with the same content,
# and the work tree matches; git fsck is happy.
assert_kept() {
	git fsck --strict --no-progress >/dev/null 2>&1 || fail "git fsck failed"
	local missing
	missing=$(comm -23 "$BATS_TEST_TMPDIR/before.tree" <(git ls-tree -r HEAD | sort))
	[ -z "$missing" ] || fail "lost from HEAD:" "$missing"
	[ -z "$(git status --porcelain)" ] || fail "work tree not clean: $(git status --porcelain)"
}

# A school synced once with a hub behind git daemon, its remote through
# the fault proxy (options: cutproxy.py's).
school_behind_proxy() {
	start_git_daemon
	DAEMON_PORT=$PORT
	cd "$SCHOOL"
	coach remote add direct "git://127.0.0.1:$DAEMON_PORT/hub.git" >/dev/null
	coach sync direct >/dev/null
	start_proxy "$DAEMON_PORT" "$@"
	coach remote add origin "git://127.0.0.1:$PROXY_PORT/hub.git" >/dev/null
}

# Another laptop pushes a big file straight to the hub.
big_push_elsewhere() {
	git clone -q "git://127.0.0.1:$DAEMON_PORT/hub.git" "$BATS_TEST_TMPDIR/other"
	(
		cd "$BATS_TEST_TMPDIR/other"
		random_file big.txt "${1:-400}"
		git add big.txt
		git commit -qm "a big file"
		git push -q origin main
	)
}

@test "the connection cut mid-fetch: exit 1, nothing lost, the next sync succeeds" {
	school_behind_proxy --cut down 30000
	big_push_elsewhere
	coach priority add reading "Reading" >/dev/null
	snapshot
	run coach sync origin
	assert_status 1
	assert_output_has "fetching from git://127.0.0.1:$PROXY_PORT/hub.git"
	assert_output_has "try again"
	assert_kept
	[ "$(git rev-parse HEAD)" = "$(cat "$BATS_TEST_TMPDIR/before.head")" ] || fail "HEAD moved"
	run coach sync origin
	assert_status 0
	assert_output_has "merged, pushed 2 commits to origin"
	[ -f big.txt ] || fail "the big file did not come"
	assert_kept
	git -C "$SRV/hub.git" cat-file -e main:priorities/reading.md || fail "not pushed"
}

@test "the connection cut mid-push: exit 1, nothing lost, the next sync succeeds" {
	school_behind_proxy --cut up 30000
	random_file notes.txt 400
	coach priority add reading "Reading" >/dev/null
	hub_before=$(git -C "$SRV/hub.git" rev-parse main)
	run coach sync origin
	assert_status 1
	assert_output_has "pushing to git://127.0.0.1:$PROXY_PORT/hub.git"
	assert_output_has "try again"
	[ "$(git -C "$SRV/hub.git" rev-parse main)" = "$hub_before" ] || fail "the hub moved"
	# The hand edits were committed before the push and stay so.
	[ "$(git log -1 --format=%s)" = "hand edits to notes.txt" ] || fail "$(git log -1 --format=%s)"
	snapshot
	assert_kept
	run coach sync origin
	assert_status 0
	assert_output_has "pushed 2 commits to origin"
	assert_kept
	git -C "$SRV/hub.git" cat-file -e main:notes.txt || fail "notes.txt not pushed"
	git -C "$SRV/hub.git" fsck --strict --no-progress >/dev/null 2>&1 || fail "hub fsck"
}

@test "a server that stops answering is given up after the timeout" {
	school_behind_proxy --cut down 1000 --stall
	big_push_elsewhere 50
	snapshot
	COACH_NET_TIMEOUT=2 run timeout 60 "$COACH" sync origin
	assert_status 1
	assert_output_has "no answer for 2 seconds"
	assert_output_has "check the network"
	assert_kept
	run coach sync origin
	assert_status 0
}

@test "a closed port: exit 1 at once, saying what to check" {
	cd "$SCHOOL"
	coach remote add origin "git://127.0.0.1:$(free_port)/hub.git" >/dev/null
	snapshot
	run timeout 60 "$COACH" sync
	assert_status 1
	assert_output_has "check the URL (coach remote list), the network and that 127.0.0.1:"
	assert_kept
}

@test "an address nobody answers: the timeout bounds the wait" {
	[ -z "${COACH_TEST_SANITIZED:-}" ] || skip "slow under the sanitizers"
	cd "$SCHOOL"
	# 10.255.255.1 is not routed: packets vanish, or the kernel refuses.
	coach remote add origin "git://10.255.255.1:9418/hub.git" >/dev/null
	snapshot
	COACH_NET_TIMEOUT=2 run timeout 60 "$COACH" sync
	assert_status 1
	assert_output_has "10.255.255.1"
	assert_kept
}

@test "a full disk while fetching: exit 1, nothing lost, the next sync succeeds" {
	start_git_daemon
	DAEMON_PORT=$PORT
	cd "$SCHOOL"
	coach remote add origin "git://127.0.0.1:$DAEMON_PORT/hub.git" >/dev/null
	coach sync >/dev/null
	big_push_elsewhere 1500
	# The school on a small file system of its own when the system lets
	# us mount one; else a file size limit makes big writes fail.
	mkdir "$BATS_TEST_TMPDIR/disk"
	if mount -t tmpfs -o size=1m tmpfs "$BATS_TEST_TMPDIR/disk" 2>/dev/null; then
		SMALL_DISK=$BATS_TEST_TMPDIR/disk
		cp -a "$SCHOOL" "$SMALL_DISK/school"
		cd "$SMALL_DISK/school"
		coach priority add reading "Reading" >/dev/null
		snapshot
		run coach sync
	else
		coach priority add reading "Reading" >/dev/null
		snapshot
		run sh -c 'trap "" XFSZ; ulimit -f 600; exec "$0" sync' "$COACH"
	fi
	assert_status 1
	assert_output_has "disk is full"
	assert_output_has "free some space"
	assert_kept
	[ -z "${SMALL_DISK:-}" ] || mount -o remount,size=64m "$SMALL_DISK"
	run coach sync
	assert_status 0
	assert_output_has "merged, pushed 2 commits to origin"
	assert_kept
	[ -f big.txt ] || fail "the big file did not come"
}
