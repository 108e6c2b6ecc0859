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

@test "an index git replaces while coach writes is read again, not the one read ahead" {
	command -v strace >/dev/null || skip "strace is not installed"
	# LeakSanitizer cannot run under ptrace: memory errors only, there.
	[ -z "${ASAN_OPTIONS:-}" ] || export ASAN_OPTIONS=${ASAN_OPTIONS//detect_leaks=1/detect_leaks=0}
	coach log bob -m "First." >/dev/null
	echo "extra" >extra.txt
	# coach stops for a while at its first rename (its objects' pack,
	# once it has read the index ahead); meanwhile git stages a file,
	# which replaces the index.
	strace -f -qq -o "$BATS_TEST_TMPDIR/trace" -e trace=rename \
		-e inject=rename:delay_enter=4000000:when=1 \
		"$COACH" log bob -m "Meanwhile." >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local pid=$! i
	for i in $(seq 200); do
		compgen -G ".git/objects/pack/tmp_coach_pack_*" >/dev/null && break
		sleep 0.1
	done
	compgen -G ".git/objects/pack/tmp_coach_pack_*" >/dev/null ||
		fail "coach never reached its pack"
	git add extra.txt
	wait "$pid" || fail "coach log failed:" "$(cat "$BATS_TEST_TMPDIR/out")"
	grep -q DELAYED "$BATS_TEST_TMPDIR/trace" || fail "no delay was injected"
	[ "$(git diff --cached --name-only)" = "extra.txt" ] ||
		fail "the staged file was lost:" "$(git diff --cached --name-only)"
	git commit -qm "extra"
	index_matches_git extra.txt
}
