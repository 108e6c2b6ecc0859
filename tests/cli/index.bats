#!/usr/bin/env bats
# Git's index after coach writes: what plain git sees is exactly what git
# itself would have written (coach splices only the entries it changes).
load helper

setup() {
	setup_scratch
	school_with_staff
}

# index_matches_git PATH...: nothing staged or changed, git write-tree
# (which trusts the index's TREE extension) gives HEAD's tree, every
# entry is HEAD's, and the entries of PATHs carry the stat data of an
# index git rebuilds itself (read-tree + update-index --refresh).
index_matches_git() {
	assert_repo_sound
	git diff --cached --quiet || fail "staged changes:" "$(git diff --cached --stat)"
	[ "$(git write-tree)" = "$(git rev-parse 'HEAD^{tree}')" ] ||
		fail "the index's tree is not HEAD's"
	diff <(git ls-files -s | awk '{print $1, $2, $4}') \
		<(git ls-tree -r HEAD | awk '{print $1, $3, $4}') ||
		fail "index entries differ from HEAD"
	local ours theirs
	ours=$(git ls-files -s --debug -- "$@")
	theirs=$(GIT_INDEX_FILE=.git/rebuilt sh -c \
		'git read-tree HEAD && git update-index -q --refresh && git ls-files -s --debug -- "$@"' \
		sh "$@")
	rm -f .git/rebuilt
	[ "$ours" = "$theirs" ] || fail "index entries differ from git's:" \
		"$(diff <(echo "$ours") <(echo "$theirs"))"
}

@test "after every kind of write the index is what git would write" {
	# git's own index first: every TREE node valid, an untracked cache.
	git read-tree HEAD
	git update-index -q --refresh
	git update-index --untracked-cache
	git status --porcelain >/dev/null
	goal=$(coach goal add bob "Ask better questions" --measure "pupils" \
		--baseline 0 --target 100)
	index_matches_git "coaching/bob/goals/$goal.md"
	cycle=$(coach cycle start "$goal" --step "Wait three seconds")
	index_matches_git "coaching/bob/cycles/$cycle.md"
	entry=$(coach log bob --kind meeting --goal "$goal" -m "We met.")
	index_matches_git coaching/bob/log/*"$entry.md"
	coach goal measure "$goal" 40 >/dev/null
	index_matches_git "coaching/bob/goals/$goal.md"
	coach staff add dee --name "Dee Dee" --email dee@school.example >/dev/null
	index_matches_git staff/dee.md
	coach rm "$entry" >/dev/null
	index_matches_git coaching/bob
	[ -z "$(git ls-files coaching/bob/log)" ] || fail "the removed entry is still in the index"
	# The index a write replaced is kept until the next write, which
	# removes it (and keeps the one it replaces).
	cp .git/index "$BATS_TEST_TMPDIR/before"
	coach log bob -m "One more." >/dev/null
	cmp -s .git/coach-index.old "$BATS_TEST_TMPDIR/before" ||
		fail "coach-index.old is not the index before the write"
	[ "$(stat -c %h .git/coach-index.old)" = 1 ] || fail "coach-index.old is still the index"
	[ "$(ls .git | grep -c '^coach-index')" = 1 ] || fail "more than one old index:" "$(ls .git)"
	# git's own commands go on working from coach's index.
	echo "# notes" >notes.md
	git add notes.md
	git commit -qm "a plain git commit"
	coach log bob -m "After git." >/dev/null
	index_matches_git notes.md
}

@test "an index coach does not splice (version 4) stays correct" {
	git update-index --index-version 4
	goal=$(coach goal add bob "Ask better questions")
	index_matches_git "coaching/bob/goals/$goal.md"
	git update-index --index-version 2
	coach log bob -m "Back to version 2." >/dev/null
	index_matches_git coaching/bob
}

@test "a hand-staged change elsewhere is kept in the index" {
	echo "extra" >extra.txt
	git add extra.txt
	coach log bob -m "Meanwhile." >/dev/null
	[ "$(git diff --cached --name-only)" = "extra.txt" ] ||
		fail "the staged file was lost:" "$(git diff --cached --name-only)"
	git commit -qm "extra"
	index_matches_git extra.txt
}

# paused_log TEXT: runs coach log bob -m TEXT in the background, held
# for 4 s at its first rename (its journal's: once it has read the index
# ahead and looked for index.lock, before it takes the lock), and
# returns once it is there; $pid is coach's.
paused_log() {
	strace -f -qq -o "$BATS_TEST_TMPDIR/trace" -e trace=rename \
		-e inject=rename:delay_enter=4000000:when=1 \
		"$COACH" log bob -m "$1" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	local i
	for i in $(seq 200); do
		compgen -G ".git/.coach-journal.coach-*" >/dev/null && break
		sleep 0.1
	done
	compgen -G ".git/.coach-journal.coach-*" >/dev/null ||
		fail "coach never reached its journal"
}

@test "an index git replaces while coach writes is read again, not the one read ahead" {
	command -v strace >/dev/null || skip "strace is not installed"
	# LeakSanitizer cannot run under ptrace: memory errors only, there.
	[ -z "${ASAN_OPTIONS:-}" ] || export ASAN_OPTIONS=${ASAN_OPTIONS//detect_leaks=1/detect_leaks=0}
	coach log bob -m "First." >/dev/null
	echo "extra" >extra.txt
	# While coach is held, git stages a file, which replaces the index.
	local pid
	paused_log "Meanwhile."
	[ ! -e .git/index.lock ] || fail "index.lock is taken before the journal"
	git add extra.txt
	wait "$pid" || fail "coach log failed:" "$(cat "$BATS_TEST_TMPDIR/out")"
	grep -q DELAYED "$BATS_TEST_TMPDIR/trace" || fail "no delay was injected"
	[ "$(git diff --cached --name-only)" = "extra.txt" ] ||
		fail "the staged file was lost:" "$(git diff --cached --name-only)"
	git commit -qm "extra"
	index_matches_git extra.txt
}

@test "an index git replaces while coach waits for its lock is read again, not the one read before it" {
	coach log bob -m "First." >/dev/null
	echo "extra" >extra.txt
	# Another writer holds the lock: coach log reads the index ahead and
	# waits; meanwhile git stages a file, which replaces the index.
	exec {lockfd}>.git/coach.lock
	flock "$lockfd"
	COACH_LOCK_TIMEOUT=30 "$COACH" log bob -m "Waited." >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local pid=$!
	sleep 1
	kill -0 "$pid" 2>/dev/null || fail "coach did not wait for the lock:" "$(cat "$BATS_TEST_TMPDIR/out")"
	git add extra.txt
	flock -u "$lockfd"
	exec {lockfd}>&-
	wait "$pid" || fail "coach log failed:" "$(cat "$BATS_TEST_TMPDIR/out")"
	[ "$(git diff --cached --name-only)" = "extra.txt" ] ||
		fail "the staged file was lost:" "$(git diff --cached --name-only)"
	git log -1 --format=%s | grep -q "log" || fail "no commit: $(git log -1 --format=%s)"
	git commit -qm "extra"
	index_matches_git extra.txt
}

@test "git taking index.lock while coach writes stops coach before its commit, and nothing is written" {
	command -v strace >/dev/null || skip "strace is not installed"
	[ -z "${ASAN_OPTIONS:-}" ] || export ASAN_OPTIONS=${ASAN_OPTIONS//detect_leaks=1/detect_leaks=0}
	coach log bob -m "First." >/dev/null
	local head entries
	head=$(git rev-parse HEAD)
	entries=$(ls coaching/bob/log | wc -l)
	# While coach is held, a git command takes the lock.
	local pid
	paused_log "Meanwhile."
	cp .git/index .git/index.lock
	wait "$pid" && fail "coach wrote while git held index.lock"
	grep -q "index.lock exists" "$BATS_TEST_TMPDIR/out" ||
		fail "no word of the lock:" "$(cat "$BATS_TEST_TMPDIR/out")"
	[ -e .git/index.lock ] || fail "coach removed git's lock"
	rm .git/index.lock
	[ "$(git rev-parse HEAD)" = "$head" ] || fail "the branch moved"
	[ "$(ls coaching/bob/log | wc -l)" -eq "$entries" ] || fail "the entry's file was left"
	[ -z "$(git status --porcelain)" ] || fail "not clean:" "$(git status --porcelain)"
	coach log bob -m "After." >/dev/null
	index_matches_git coaching/bob
}

@test "an entry as new as the index is smudged when coach rewrites it, so git still sees a change made in that instant" {
	# git compares only size and mtime: only the smudge makes it look
	# at the content.
	git config core.checkStat minimal
	echo "one" >racy.md
	echo "calm" >calm.md
	git add racy.md calm.md
	git commit -qm "two files"
	touch -d "2020-01-01" calm.md
	git update-index -q --refresh
	# The index written in the instant the file was, then the file
	# changed within that instant: same size, same mtime.
	local m
	m=$(stat -c %y racy.md)
	touch -d "$m" .git/index
	echo "two" >racy.md
	touch -d "$m" racy.md
	coach log bob -m "Meanwhile." >/dev/null
	[ "$(git ls-files --debug racy.md | awk '/size:/ {print $2}')" = 0 ] ||
		fail "the racy entry kept its size:" "$(git ls-files --debug racy.md)"
	[ "$(git ls-files --debug calm.md | awk '/size:/ {print $2}')" = 5 ] ||
		fail "an older entry was smudged:" "$(git ls-files --debug calm.md)"
	git status --porcelain | grep -q "racy.md" ||
		fail "git no longer sees the change to racy.md"
}
