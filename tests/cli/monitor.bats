#!/usr/bin/env bats
# coach monitor: with the file-system monitor running, reads print exactly
# what they print with no cache at all (COACH_NO_CACHE=1), after every way
# the work tree can change; and the monitor is really used (strace counts
# the stats).
load helper
bats_require_minimum_version 1.5.0

TOOLS="$TOP/tests/tools"

setup() {
	setup_scratch
	# Short idle time: a daemon a failed test left goes away by itself.
	export COACH_MONITOR_IDLE=120
}

# Every daemon whose lock lies under this test's folder: stopped, then
# killed by pid when it does not go.
teardown() {
	local lock pid
	for lock in $(find "$BATS_TEST_TMPDIR" -name coach-monitor.lock 2>/dev/null); do
		timeout 10 "$COACH" -C "$(dirname "$(dirname "$lock")")" monitor stop >/dev/null 2>&1 || true
	done
	for pid in $(holders ""); do
		kill -9 "$pid" 2>/dev/null || true
	done
}

# holders REPO: the pids holding REPO's monitor lock open ("" for any
# under this test's folder), from /proc.
holders() {
	local pat="$BATS_TEST_TMPDIR/*/coach-monitor.lock"
	[ -z "$1" ] || pat=$(cd "$1" && git rev-parse --absolute-git-dir)/coach-monitor.lock
	find /proc/[0-9]*/fd -maxdepth 1 -lname "$pat" 2>/dev/null | cut -d/ -f3 | sort -u
}

# Whether pid runs (a zombie no reaper took does not).
alive() {
	[ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat"
}

# A generated school with hostile records, committed, older than now.
school() {
	new_school "Monitor School"
	python3 "$TOOLS/report_school.py" . 3
	git add -A && git commit -qm "the school"
	sleep 0.05
}

# note_to_cpd_in_place FILE: a note made a cpd entry by writing over the
# file in place (same inode, same size), as some editors save.
note_to_cpd_in_place() {
	python3 - "$1" <<'PY'
import os, sys
p = sys.argv[1]
d = open(p, "rb").read().replace(b"kind: note", b"kind: cpd ", 1)
fd = os.open(p, os.O_WRONLY)
os.pwrite(fd, d, 0)
os.close(fd)
PY
}

start() {
	run "$COACH" monitor start
	assert_status 0
	assert_output_has "monitor"
}

# What reads print: reports by school and by person, check, and the
# status of each coach (whom they coach).
outputs() {
	local by st h
	for by in school person; do
		env "$@" "$COACH" report --by "$by" --format json 2>&1 |
			sed -E 's/"generated": "[^"]*"/"generated": ""/'
		echo "status ${PIPESTATUS[0]}"
	done
	st=0
	env "$@" "$COACH" check 2>&1 || st=$?
	echo "check status $st"
	for h in ada cy; do
		st=0
		env "$@" "$COACH" status "$h" 2>&1 || st=$?
		echo "status $h $st"
	done
}

# CPD entries as PyYAML finds them in the files (links left out, as
# coach leaves them out).
cpd_files() {
	python3 - <<'PY'
import glob, os, yaml
n = 0
for f in glob.glob("coaching/*/log/*.md"):
    if os.path.islink(os.path.dirname(os.path.dirname(f))) or os.path.islink(f):
        continue
    t = open(f, encoding="utf-8", errors="replace").read()
    if not t.startswith("---\n") or "\n---\n" not in t[3:]:
        continue
    try:
        fm = yaml.safe_load(t[4:t.index("\n---\n", 3)])
    except yaml.YAMLError:
        continue
    if isinstance(fm, dict) and fm.get("kind") == "cpd":
        n += 1
print(n)
PY
}

cpd_report() {
	"$COACH" report --format json 2>/dev/null | python3 -c \
		'import json, sys; print(json.load(sys.stdin)["groups"][0]["entries"]["cpd"])'
}

# The reads agree with no cache, twice (the second from what the first
# wrote), with PyYAML's count, and the monitor still answers.
agree() {
	outputs COACH_NO_CACHE=1 >"$BATS_TEST_TMPDIR/want"
	outputs >"$BATS_TEST_TMPDIR/got"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got" ||
		fail "with the monitor, output differs from no cache ($*)"
	outputs >"$BATS_TEST_TMPDIR/got2"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got2" ||
		fail "second read differs ($*)"
	local a b
	a=$(cpd_files)
	b=$(cpd_report)
	[ "$a" = "$b" ] || fail "report counts $b cpd entries, the files hold $a ($*)"
	if [ "${1:-}" != nomon ]; then
		run "$COACH" monitor status
		assert_output_has "monitor running"
	fi
}

# The cache warm, with a token of the running monitor.
warm() {
	outputs >/dev/null
	sleep 0.02
	outputs >/dev/null
}

# Stats of record files (*.md) a warm report makes, per strace.
md_stats() {
	strace -f -qq -e trace=newfstatat,statx,stat,lstat -o "$BATS_TEST_TMPDIR/trace" \
		"$COACH" report --format json >/dev/null 2>&1
	grep -c '\.md"' "$BATS_TEST_TMPDIR/trace" || true
}

@test "monitor: start, status, start again, stop" {
	school
	run "$COACH" monitor status
	assert_output_has "monitor not running"
	start
	assert_output_has "monitor started"
	run "$COACH" monitor status
	assert_output_has "monitor running (pid"
	pid=$(echo "$output" | sed -E 's/.*pid ([0-9]+).*/\1/')
	[ "$(holders .)" = "$pid" ] || fail "the lock is not held by pid $pid: $(holders .)"
	run "$COACH" monitor start
	assert_status 0
	assert_output_has "already running (pid $pid)"
	run "$COACH" monitor stop
	assert_status 0
	assert_output_has "monitor stopped"
	! alive "$pid" || fail "pid $pid still there"
	[ -z "$(holders .)" ] || fail "lock still held"
	[ ! -e .git/coach-monitor.sock ] || fail "socket left behind"
	run "$COACH" monitor stop
	assert_output_has "monitor not running"
	git status --porcelain | grep -q . && fail "work tree not clean" || true
}

@test "monitor: a warm report stats no record file; without it, about one each" {
	command -v strace >/dev/null || skip "strace is not installed"
	school
	n=$(find coaching staff -name '*.md' -type f | wc -l)
	start
	warm
	with=$(md_stats)
	"$COACH" monitor stop >/dev/null
	warm
	without=$(md_stats)
	echo "files $n, with the monitor $with stats, without $without" >&2
	[ "$without" -ge $((n * 8 / 10)) ] || fail "without the monitor only $without stats for $n files"
	[ "$with" -le $((n / 10)) ] || fail "with the monitor $with stats for $n files"
}

@test "monitor: edits in place, appended and of the same size with the mtime put back" {
	school
	f=coaching/bob/log/2026-09-30-eappend.md
	printf -- '---\nid: eappend\ndate: 2026-09-30\nkind: cpd\nauthor: ada\nhours: 2\n' >"$f"
	sleep 0.05
	start
	warm
	agree "unfinished record"
	printf -- '---\nNow finished.\n' >>"$f"
	agree "appended"
	e=$(grep -l "^kind: note" coaching/dee/log/*.md | head -1)
	cp -p "$e" "$BATS_TEST_TMPDIR/ref"
	warm
	note_to_cpd_in_place "$e"
	touch -r "$BATS_TEST_TMPDIR/ref" "$e"
	agree "same size, mtime put back"
}

@test "monitor: a new folder made with its files at once, a deleted record" {
	school
	start
	warm
	mkdir -p coaching/dee/log/../goals/x/y coaching/gus/log
	cp staff/dee.md staff/gus.md
	for i in 1 2 3; do
		printf -- '---\nid: egus00%s\ndate: 2026-10-0%s\nkind: cpd\nauthor: ada\nhours: 1\n---\nx\n' "$i" "$i" \
			>coaching/gus/log/2026-10-0$i-egus00$i.md
	done
	agree "new folders"
	warm
	rm "$(grep -l '^kind: cpd' coaching/dee/log/*.md | head -1)"
	agree "deleted record"
}

@test "monitor: a folder renamed with mv, and back" {
	school
	start
	warm
	mv coaching/dee coaching/dee2
	agree "renamed"
	warm
	mv coaching/dee2 coaching/dee
	mv coaching/fin/log coaching/fin/log.old
	agree "renamed back, another renamed"
}

@test "monitor: git checkout of another commit, git stash and stash pop" {
	school
	printf -- '---\nid: enew001\ndate: 2026-10-01\nkind: cpd\nauthor: ada\nhours: 1\n---\nx\n' \
		>coaching/bob/log/2026-10-01-enew001.md
	rm -r coaching/eve
	git add -A && git commit -qm second
	sleep 0.05
	start
	warm
	git checkout -q HEAD~1
	agree "checkout of the first commit"
	warm
	git checkout -q main
	agree "checkout back"
	warm
	e=$(grep -l "^kind: note" coaching/bob/log/*.md | head -1)
	sed -i 's/^kind: note/kind: cpd/' "$e"
	agree "edited"
	warm
	git stash -q
	agree "stashed"
	warm
	git stash pop -q
	agree "popped"
}

# The names under "Coaching:" in status HANDLE, one line (env first).
coached_of() {
	env "${@:2}" "$COACH" status "$1" | sed -n '/^Coaching:/,/^$/p' |
		awk 'NR > 1 && NF { printf "%s ", $1 }'
}

# coached_is HANDLE WANT WHAT: whom HANDLE coaches is WANT, with the
# monitor and with no cache at all.
coached_is() {
	local got none
	got=$(coached_of "$1")
	none=$(coached_of "$1" COACH_NO_CACHE=1)
	[ "$none" = "$2" ] || fail "$3: with no cache, $1 coaches '$none', not '$2'"
	[ "$got" = "$2" ] || fail "$3: with the monitor, $1 coaches '$got', not '$2'"
}

agreement_for() {
	mkdir -p "coaching/$1"
	printf -- '---\ncoachee: %s\ncoach: [%s]\nstarted: 2026-09-01\n---\n' "$1" "$2" \
		>"coaching/$1/agreement.md"
}

@test "monitor: status finds whom a coach coaches with no lstat of an unchanged agreement" {
	command -v strace >/dev/null || skip "strace is not installed"
	[ -z "${ASAN_OPTIONS:-}" ] || export ASAN_OPTIONS=${ASAN_OPTIONS//detect_leaks=1/detect_leaks=0}
	school
	for i in 1 2 3 4 5 6 7 8; do agreement_for "t$i" cy; done
	git add -A && git commit -qm more
	start
	want=$(coached_of ada COACH_NO_CACHE=1)
	coached_of ada >/dev/null
	sleep 0.02
	[ "$(coached_of ada)" = "$want" ] || fail "warm: $(coached_of ada), not $want"
	grep -q "^M	[1-9]" .git/coach-coached.cache || fail "no token kept: $(head -3 .git/coach-coached.cache)"
	strace -f -qq -e trace=newfstatat,statx,stat,lstat -o "$BATS_TEST_TMPDIR/trace" \
		"$COACH" status ada >/dev/null
	n=$(grep -cE '"(coaching/)?t[0-9]/agreement[.]md"' "$BATS_TEST_TMPDIR/trace" || true)
	[ "$n" -eq 0 ] || fail "$n agreements looked at: $(grep agreement.md "$BATS_TEST_TMPDIR/trace")"
	# Without the monitor, each is looked at: the count can fail.
	"$COACH" monitor stop >/dev/null
	coached_of ada >/dev/null
	strace -f -qq -e trace=newfstatat,statx,stat,lstat -o "$BATS_TEST_TMPDIR/trace" \
		"$COACH" status ada >/dev/null
	n=$(grep -cE '"(coaching/)?t[0-9]/agreement[.]md"' "$BATS_TEST_TMPDIR/trace" || true)
	[ "$n" -ge 8 ] || fail "without the monitor only $n agreements looked at"
}

@test "monitor: whom a coach coaches, after agreements edited, added, ended, removed and renamed" {
	school
	for i in 1 3 4; do agreement_for "t$i" cy; done
	agreement_for t2 bob
	git add -A && git commit -qm more
	start
	base=$(coached_of ada COACH_NO_CACHE=1)
	coached_of ada >/dev/null
	coached_of ada >/dev/null
	coached_is ada "$base" "warm"
	# Edited in place: same inode, same size, the mtime put back.
	f=coaching/t2/agreement.md
	cp -p $f "$BATS_TEST_TMPDIR/ref"
	python3 - $f <<'PY'
import os, sys
p = sys.argv[1]
d = open(p, "rb").read().replace(b"coach: [bob]", b"coach: [ada]", 1)
fd = os.open(p, os.O_WRONLY)
os.pwrite(fd, d, 0)
os.close(fd)
PY
	touch -r "$BATS_TEST_TMPDIR/ref" $f
	coached_is ada "$(echo "$base t2 " | tr ' ' '\n' | grep . | sort | tr '\n' ' ')" "edited in place"
	coached_is bob "$(coached_of bob COACH_NO_CACHE=1)" "edited in place, bob"
	# A coachee added, an agreement ended, one removed, one renamed.
	agreement_for t5 ada
	coached_is ada "$(echo "$base t2 t5 " | tr ' ' '\n' | grep . | sort | tr '\n' ' ')" "added"
	sed -i 's/^started:.*/&\nstatus: ended/' coaching/t2/agreement.md
	coached_is ada "$(echo "$base t5 " | tr ' ' '\n' | grep . | sort | tr '\n' ' ')" "ended"
	rm -r coaching/t5
	coached_is ada "$base" "removed"
	agreement_for t6 ada
	coached_of ada >/dev/null
	mv coaching/t6 coaching/t7
	sed -i 's/^coachee: t6/coachee: t7/' coaching/t7/agreement.md
	coached_is ada "$(echo "$base t7 " | tr ' ' '\n' | grep . | sort | tr '\n' ' ')" "renamed"
	# An agreement made a link, a coachee's folder made a link.
	ln -sf ../t1/agreement.md coaching/t7/agreement.md.new && mv coaching/t7/agreement.md.new coaching/t7/agreement.md
	coached_is ada "$base" "agreement made a link"
	run "$COACH" monitor status
	assert_output_has "monitor running"
}

@test "monitor: killed with kill -9, read, started again over its stale socket and lock" {
	school
	start
	warm
	pid=$(holders .)
	[ -n "$pid" ] || fail "no daemon"
	kill -9 "$pid"
	while alive "$pid"; do sleep 0.01; done
	[ -S .git/coach-monitor.sock ] || fail "expected a stale socket"
	sed -i 's/^kind: note/kind: cpd/' "$(grep -l '^kind: note' coaching/bob/log/*.md | head -1)"
	agree nomon "dead daemon"
	start
	assert_output_has "monitor started"
	warm
	sed -i 's/^kind: note/kind: cpd/' "$(grep -l '^kind: note' coaching/dee/log/*.md | head -1)"
	agree "restarted"
}

@test "monitor: two reads at once, two starts at once" {
	school
	"$COACH" monitor start >"$BATS_TEST_TMPDIR/s1" 2>&1 &
	a=$!
	"$COACH" monitor start >"$BATS_TEST_TMPDIR/s2" 2>&1 &
	b=$!
	wait "$a" || fail "first start failed: $(cat "$BATS_TEST_TMPDIR/s1")"
	wait "$b" || fail "second start failed: $(cat "$BATS_TEST_TMPDIR/s2")"
	[ "$(holders . | wc -l)" -eq 1 ] || fail "daemons: $(holders .)"
	cat "$BATS_TEST_TMPDIR/s1" "$BATS_TEST_TMPDIR/s2" | grep -q "monitor started" || fail "none started"
	warm
	sed -i 's/^kind: note/kind: cpd/' "$(grep -l '^kind: note' coaching/bob/log/*.md | head -1)"
	outputs COACH_NO_CACHE=1 >"$BATS_TEST_TMPDIR/want"
	outputs >"$BATS_TEST_TMPDIR/r1" &
	a=$!
	outputs >"$BATS_TEST_TMPDIR/r2" &
	b=$!
	wait "$a" "$b"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/r1" || fail "first read"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/r2" || fail "second read"
	agree "after both"
}

# A read starts the monitor in the background: it runs within 5 s, and
# the cache is then warm with its token.
started_by_a_read() {
	"$COACH" report --format json >/dev/null
	for _ in $(seq 100); do
		[ -n "$(holders .)" ] && break
		sleep 0.05
	done
	run "$COACH" monitor status
	assert_output_has "monitor running"
	warm
}

@test "monitor: coach.monitor starts it from a read; idle, it stops" {
	school
	git config coach.monitor true
	started_by_a_read
	sed -i 's/^kind: note/kind: cpd/' "$(grep -l '^kind: note' coaching/bob/log/*.md | head -1)"
	agree "started by a read"
	"$COACH" monitor stop >/dev/null
	git config --unset coach.monitor
	COACH_MONITOR_IDLE=1 "$COACH" monitor start >/dev/null
	pid=$(holders .)
	[ -n "$pid" ] || fail "no daemon"
	for _ in $(seq 60); do
		alive "$pid" || break
		sleep 0.1
	done
	! alive "$pid" || fail "still running after its idle time: $pid $(cat /proc/$pid/stat) $(tail -5 .git/coach-monitor.log)"
}

# many_entries N: N more log entries of bob's, written as files.
many_entries() {
	python3 - "$1" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    with open("coaching/bob/log/2026-10-01-e%06d.md" % (500000 + i), "w") as f:
        f.write("---\nid: e%06d\ndate: 2026-10-01\nkind: note\nauthor: bob\n---\nA note.\n" % (500000 + i))
PY
}

@test "monitor: a large work tree starts it from a read, unless coach.monitor is false" {
	school
	# A small school: reads never start it.
	"$COACH" report --format json >/dev/null
	"$COACH" report --format json >/dev/null
	sleep 0.3
	[ -z "$(holders .)" ] || fail "a daemon runs for a small school"
	# 20,000 names and more: the first read that finds them in its
	# cache starts it; the one before it had no cache to count.
	many_entries 20000
	git config coach.monitor false
	"$COACH" report --format json >/dev/null
	"$COACH" report --format json >/dev/null
	sleep 0.3
	[ -z "$(holders .)" ] || fail "a daemon runs with coach.monitor false"
	git config --unset coach.monitor
	started_by_a_read
	sed -i 's/^kind: note/kind: cpd/' coaching/bob/log/2026-10-01-e500007.md
	agree "started by a read of a large work tree"
}

@test "monitor: a repository path too long for a socket" {
	long=$BATS_TEST_TMPDIR/$(printf 'a%.0s' $(seq 60))/$(printf 'b%.0s' $(seq 60))
	mkdir -p "$long"
	cd "$long"
	school
	run "$COACH" monitor start
	assert_status 1
	assert_output_has "longer than a Unix socket allows"
	[ -z "$(holders .)" ] || fail "a daemon runs"
	git config coach.monitor true
	agree nomon "no monitor"
}

@test "monitor: one that cannot watch fails to start, and reads do not try again at once" {
	school
	# Its own folder in .git cannot be made: a file is in the way.
	echo x >.git/coach-monitor.d
	run "$COACH" monitor start
	assert_status 1
	assert_output_has "did not start: cannot watch its own folder in .git"
	grep -q "cannot watch" .git/coach-monitor.log || fail "nothing logged"
	[ -e .git/coach-monitor.failed ] || fail "no mark of the failure"
	git config coach.monitor true
	agree nomon "no monitor"
	[ -z "$(holders .)" ] || fail "a daemon runs"
	rm .git/coach-monitor.d
	start
	assert_output_has "monitor started"
	[ ! -e .git/coach-monitor.failed ] || fail "the mark stayed"
	warm
	agree "started by hand after the failure"
}

@test "monitor: a read right after each of many writes in place sees it" {
	school
	start
	warm
	files=$(grep -l "^kind: note" coaching/*/log/*.md | head -8)
	for f in $files; do
		# In place (same inode), then read at once.
		note_to_cpd_in_place "$f"
		a=$(cpd_report)
		b=$(cpd_files)
		[ "$a" = "$b" ] || fail "after writing $f: report counts $a, the files hold $b"
	done
	run "$COACH" monitor status
	assert_output_has "monitor running"
}
