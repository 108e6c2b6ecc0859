#!/usr/bin/env bats
# coach sync --publish: the summary a school sends its trust.  The canary
# test writes a unique string into every body, into private entries (their
# front-matter too), evidence, commit messages and history, publishes to a
# bare repository, and searches the trust's repository every way git can
# show it: git grep over every ref, git log -p --all, every object inflated
# (loose and packed), a fresh mirror clone, and the plain files.  The same
# search finds the string in the school's own repository, so that it can
# fail.

load helper

CANARY=QZX-canary-7f3e9b1d

setup() {
	setup_scratch
	git init -q --bare trust.git
}

# Every way the repository $1 can show the canary; prints where it was seen.
canary_in() {
	local repo=$1 refs
	refs=$(git -C "$repo" for-each-ref --format='%(refname)')
	if [ -n "$refs" ]; then
		# shellcheck disable=SC2086
		git -C "$repo" grep -I -l "$CANARY" $refs -- 2>/dev/null | sed 's/^/grep: /'
	fi
	git -C "$repo" log -p --all 2>/dev/null | grep -a -m1 "$CANARY" | sed 's/^/log: /'
	git -C "$repo" cat-file --batch-all-objects --batch 2>/dev/null |
		grep -a -c "$CANARY" | grep -v '^0$' | sed 's/^/objects: /'
	# Files that are not objects (config, refs, logs, packed-refs).
	grep -r -a -l "$CANARY" "$repo" --exclude-dir=objects 2>/dev/null |
		grep -v '/\.git/objects/' | sed 's/^/file: /'
}

# The school: bodies, private entries, evidence, history and commit
# messages all hold the canary.
canary_school() {
	school_with_staff
	printf '\n%s in ada staff body\n' "$CANARY" >>staff/ada.md
	coach agree bob --coach ada --focus "Questioning" >/dev/null
	printf '%s agreed ways of working\n' "$CANARY" >>coaching/bob/agreement.md
	goal=$(coach goal add bob "Better questions" --measure "hands up" --baseline 2 --target 10)
	printf '%s goal body\n' "$CANARY" >>"$(ls coaching/bob/goals/*.md)"
	cycle=$(coach cycle start "$goal" --step "Wait five seconds")
	printf '%s cycle body\n' "$CANARY" >>"$(ls coaching/bob/cycles/*.md)"
	git commit -qam "hand edits: $CANARY in a commit message"
	coach log bob --kind meeting --goal "$goal" -m "$CANARY meeting words" >/dev/null
	coach log bob --kind reflection --private -m "$CANARY private words" >/dev/null
	priv=$(grep -l "private: true" coaching/bob/log/*.md)
	# A private entry's front-matter: a title a person wrote by hand.
	sed -i "2i title: $CANARY private title" "$priv"
	printf '%s evidence\n' "$CANARY" >work.txt
	coach log bob --kind evidence --evidence "$PWD/work.txt" -m "Pupil work" >/dev/null
	rm work.txt
	# In history only: a body written, then rewritten.
	coach log cy --kind note -m "$CANARY soon rewritten" >/dev/null
	f=$(ls coaching/cy/log/*.md)
	sed -i "s/$CANARY soon rewritten/rewritten/" "$f"
	git commit -qam "hand edit"
	git commit -qa --allow-empty -m "x" >/dev/null
	coach remote add trust "$BATS_TEST_TMPDIR/trust.git" >/dev/null
}

@test "publish: no body, no private entry, no evidence, no history reaches the trust (canary)" {
	canary_school
	# The control: the school's own repository shows it every way.
	cd "$BATS_TEST_TMPDIR"
	seen=$(canary_in school/.git)
	for how in grep log objects; do
		grep -q "^$how: " <<<"$seen" || fail "control: not seen by $how:" "$seen"
	done
	git clone -q --mirror school school-mirror.git
	[ -n "$(canary_in school-mirror.git)" ] || fail "control: not in a mirror"
	cd school
	# A local summary branch made to point at the school's history is
	# not built on.
	git update-ref refs/coach/summary HEAD
	run coach sync --publish trust
	assert_status 0
	cd "$BATS_TEST_TMPDIR"
	git -C trust.git rev-parse -q --verify refs/heads/summary/test-school >/dev/null ||
		fail "no summary/test-school: $(git -C trust.git for-each-ref)"
	git -C trust.git fsck --strict --no-dangling
	leaked=$(canary_in trust.git)
	[ -z "$leaked" ] || fail "the canary reached the trust:" "$leaked"
	git clone -q --mirror trust.git trust-mirror.git
	leaked=$(canary_in trust-mirror.git)
	[ -z "$leaked" ] || fail "the canary reached a mirror of the trust:" "$leaked"
	# What did travel: the front-matter of every record that is not private.
	s=refs/heads/summary/test-school
	files=$(git -C trust.git ls-tree -r --name-only $s)
	grep -qx coach.yml <<<"$files"
	grep -q "^coaching/bob/goals/.*\.md$" <<<"$files"
	[ "$(grep -c '^coaching/bob/log/' <<<"$files")" -eq 2 ] || fail "$files"
	! grep -q evidence/ <<<"$files" || fail "$files"
	# Byte for byte the front-matter, to the closing line, and nothing after.
	python3 - trust.git "$s" school <<'PY'
import subprocess, sys
git, ref, school = sys.argv[1:]
names = subprocess.run(["git", "-C", git, "ls-tree", "-r", "--name-only", ref],
                       capture_output=True, text=True, check=True).stdout.split()
for n in names:
    got = subprocess.run(["git", "-C", git, "show", "%s:%s" % (ref, n)],
                         capture_output=True, check=True).stdout
    have = open("%s/%s" % (school, n), "rb").read()
    if n == "coach.yml":
        assert got == have, n
        continue
    lines = have.split(b"\n")
    end = lines.index(b"---", 1)
    assert got == b"\n".join(lines[:end + 1]) + b"\n", (n, got)
PY
	# Its own history: no commit of the school's is reachable.
	[ "$(git -C trust.git rev-list --count $s)" -eq 1 ]
	[ -z "$(git -C trust.git log --format=%P $s)" ]
}

@test "publish: again after changes, a fast-forward on the summary's own history; unchanged, nothing new" {
	school_with_staff
	coach remote add trust "$BATS_TEST_TMPDIR/trust.git" >/dev/null
	run coach sync --publish
	assert_status 0
	first=$(git -C ../trust.git rev-parse summary/test-school)
	run coach sync --publish trust
	assert_status 0
	[ "$(git -C ../trust.git rev-parse summary/test-school)" = "$first" ]
	coach log bob --kind meeting -m "$CANARY later" >/dev/null
	# From a second clone, which never published: it follows the first.
	cd "$BATS_TEST_TMPDIR"
	git clone -q school laptop
	cd laptop
	coach remote add trust "$BATS_TEST_TMPDIR/trust.git" >/dev/null
	run coach sync --publish trust
	assert_status 0
	[ "$(git -C ../trust.git rev-list --count summary/test-school)" -eq 2 ]
	[ "$(git -C ../trust.git rev-parse summary/test-school^)" = "$first" ]
	[ -z "$(canary_in ../trust.git)" ] || fail "leaked: $(canary_in ../trust.git)"
	# The work tree and index were not touched.
	[ -z "$(git status --porcelain)" ]
}

@test "publish: privacy {trust: full} sends the records whole, private entries included" {
	school_with_staff
	sed -i 's/^  trust: summary$/  trust: full/' coach.yml
	grep -q "^  trust: full$" coach.yml
	git commit -qam "full"
	coach log bob --kind reflection --private -m "$CANARY private words" >/dev/null
	coach remote add trust "$BATS_TEST_TMPDIR/trust.git" >/dev/null
	run coach sync --publish trust
	assert_status 0
	grep -q "^grep: " <<<"$(canary_in ../trust.git)" ||
		fail "full: the private entry did not travel"
}

@test "publish: a school without school_id whose name gives none is told what to add" {
	coach init school --school "!!!" >/dev/null
	cd school
	coach remote add trust "$BATS_TEST_TMPDIR/trust.git" >/dev/null
	run coach sync --publish trust
	assert_status 1
	assert_output_has "school_id"
	[ -z "$(git -C ../trust.git for-each-ref)" ]
}
