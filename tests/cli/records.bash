# Shared by log.bats, entries.bats, show.bats and edit.bats: records made
# by hand (as a teacher's editor or another tool would) and checks that a
# refused command changed nothing.

load helper
bats_require_minimum_version 1.5.0

# make_goal COACHEE ID [TITLE]: a committed goal record.
make_goal() {
	mkdir -p "coaching/$1/goals"
	cat >"coaching/$1/goals/$2.md" <<-END
	---
	id: $2
	title: ${3:-Sharper questioning}
	status: active
	opened: 2026-09-01
	---
	Pupils think before anyone answers.
	END
	git add "coaching/$1/goals/$2.md"
	git commit -qm "goal add: $1 $2"
}

# make_cycle COACHEE ID GOAL: a committed cycle record on GOAL.
make_cycle() {
	mkdir -p "coaching/$1/cycles"
	cat >"coaching/$1/cycles/$2.md" <<-END
	---
	id: $2
	goal: $3
	step: Pause three seconds, then cold call by name
	phase: practise
	started: 2026-10-01
	---
	END
	git add "coaching/$1/cycles/$2.md"
	git commit -qm "cycle start: $1 $2"
}

# snapshot; ...; assert_unchanged: no commit was made and the work tree
# (tracked and untracked files) is as it was.
snapshot() {
	HEAD0=$(git rev-parse HEAD)
	STATUS0=$(git status --porcelain --untracked-files=all)
}

assert_unchanged() {
	[ "$(git rev-parse HEAD)" = "$HEAD0" ] || fail "a commit was made: $(git log -1 --format=%s)"
	local st
	st=$(git status --porcelain --untracked-files=all)
	[ "$st" = "$STATUS0" ] || fail "the work tree changed:" "$st"
}

# entry_file ID: the path of entry ID's record.
entry_file() {
	local f
	for f in coaching/*/log/*-"$1".md; do
		[ -f "$f" ] && { printf '%s\n' "$f"; return 0; }
	done
	fail "no entry file for $1"
}

# assert_commit_files PATH...: the last commit changed exactly these paths.
assert_commit_files() {
	local want got
	want=$(printf '%s\n' "$@" | sort)
	got=$(git show --name-only --format= HEAD | sort)
	[ "$got" = "$want" ] || fail "last commit changed:" "$got" "expected:" "$want"
}

# make_entry COACHEE DATE ID KIND BODY [YAML-LINE...]: a committed entry
# written by hand.
make_entry() {
	local c=$1 d=$2 id=$3 k=$4 body=$5 f
	shift 5
	mkdir -p "coaching/$c/log"
	f=coaching/$c/log/$d-$id.md
	{
		printf -- '---\nid: %s\ndate: %s\nkind: %s\nauthor: ada\n' "$id" "$d" "$k"
		if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi
		printf -- '---\n'
		if [ -n "$body" ]; then printf '%s\n' "$body"; fi
	} >"$f"
	git add "$f"
	git commit -qm "log: $c $k $id"
}
