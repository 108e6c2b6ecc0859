#!/usr/bin/env bats
# The front-matter cache in .git/coach-fm.cache never serves what the
# files no longer say: after each way the work tree can change, report and
# check print exactly what they print with the cache turned off
# (COACH_NO_CACHE=1), which reads every file.
load helper
bats_require_minimum_version 1.5.0

TOOLS="$TOP/tests/tools"

# A generated school with hostile records and links, committed.
school() {
	new_school "Cache School"
	python3 "$TOOLS/report_school.py" . 3
	git add -A && git commit -qm "the school"
}

cache_file() {
	echo "$(git rev-parse --absolute-git-dir)/coach-fm.cache"
}

# check's own cache.
check_cache() {
	echo "$(git rev-parse --absolute-git-dir)/coach-check.cache"
}

# What the commands print, cached (1) or not (0): every report grouping
# that reads staff, agreements, goals, cycles and entries, and check.
outputs() {
	# Uncached in one thread, cached in several.
	local env=(COACH_THREADS=${COACH_THREADS:-3})
	[ "$1" = 1 ] || env=(COACH_NO_CACHE=1 COACH_THREADS=1)
	for by in school person subject priority; do
		env "${env[@]}" "$COACH" report --by "$by" --format json 2>&1 |
			sed -E 's/"generated": "[^"]*"/"generated": ""/'
		echo "status ${PIPESTATUS[0]}"
	done
	local st=0
	env "${env[@]}" "$COACH" report --by coach --format csv 2>&1 || st=$?
	echo "csv status $st"
	st=0
	env "${env[@]}" "$COACH" check 2>&1 || st=$?
	echo "check status $st"
}

# The cached outputs equal the uncached ones; the cache was there to be
# used (warm) before, and is there after.
agree() {
	outputs 0 >"$BATS_TEST_TMPDIR/want"
	outputs 1 >"$BATS_TEST_TMPDIR/got"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got" ||
		fail "cached output differs from uncached ($*)"
	[ -s "$(cache_file)" ] || fail "no cache written"
	[ -s "$(check_cache)" ] || fail "no check cache written"
}

# Warms the cache: it exists and holds what the files say now.
warm() {
	outputs 1 >/dev/null
	[ -s "$(cache_file)" ] || fail "no cache written"
}

# replace FILE OLD NEW: the same number of bytes, written in place (same
# inode), with the mtime put back as it was: only ctime can tell.
replace() {
	python3 - "$@" <<'PY'
import os, sys
path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
assert len(old) == len(new)
st = os.stat(path)
data = open(path, "rb").read()
assert old in data, (path, old)
fd = os.open(path, os.O_WRONLY)
os.pwrite(fd, new, data.index(old))
os.close(fd)
os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
}

@test "cache: written in .git, never committed, and the same figures warm as cold" {
	school
	rm -f "$(cache_file)"
	outputs 0 >"$BATS_TEST_TMPDIR/want"
	outputs 1 >"$BATS_TEST_TMPDIR/cold"
	outputs 1 >"$BATS_TEST_TMPDIR/warm"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/cold"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/warm"
	[ -s "$(cache_file)" ]
	[ -z "$(git status --porcelain)" ] || fail "cache shows in git status"
	# The figures are not empty: the school is there to count.
	grep -q '"total": [1-9]' "$BATS_TEST_TMPDIR/want"
}

@test "cache: records read in several threads, batch after batch, give what one thread gives, hostile ones too" {
	school
	# More entries than a batch (1,024), broken ones among them.
	python3 - <<'PY'
import os
bob = sorted(os.listdir("coaching"))[0]
log = os.path.join("coaching", bob, "log")
os.makedirs(log, exist_ok=True)
for i in range(1300):
    path = os.path.join(log, "2026-10-%02d-e9%05x.md" % (1 + i % 28, i))
    with open(path, "w") as f:
        if i % 97 == 5:
            f.write("---\nkind: [meeting\n---\nbroken\n")
        elif i % 101 == 7:
            f.write("---\nkind: meeting\nkind: cpd\n---\nduplicate\n")
        else:
            f.write("---\nid: e9%05x\ndate: 2026-10-%02d\nkind: %s\n"
                    "hours: %d\n---\nA good lesson seen.\n"
                    % (i, 1 + i % 28, ["meeting", "cpd"][i % 2], i % 3))
os.symlink("/etc/hostname", os.path.join(log, "2026-10-01-e9fffff.md"))
PY
	outputs 0 >"$BATS_TEST_TMPDIR/want"
	grep -q "e900005" "$BATS_TEST_TMPDIR/want" || fail "no broken record reported"
	for n in 2 5; do
		rm -f "$(cache_file)" "$(check_cache)"
		COACH_THREADS=$n outputs 1 >"$BATS_TEST_TMPDIR/cold"
		COACH_THREADS=$n outputs 1 >"$BATS_TEST_TMPDIR/warm"
		diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/cold" || fail "$n threads, cold"
		diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/warm" || fail "$n threads, warm"
	done
}

@test "cache: a warm report counted from the cache alone finds what the files say: odd names, links, hidden and stray files" {
	school
	python3 - <<'PY'
import os
def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
# "a-b" sorts before "a/" as a path, after "a" as a name.
for who in ["a", "a-b", "a.b", "a0"]:
    c = "coaching/" + who
    write(c + "/agreement.md", "---\ncoach: ada\ncadence: weekly\n---\n")
    write(c + "/goals/g1.md", "---\nid: g1\nstatus: active\n---\n")
    write(c + "/cycles/c1.md", "---\nid: c1\ngoal: g1\nphase: plan\n---\n")
    for i, day in enumerate(["2026-10-01", "2026-10-01", "2026-10-02"]):
        write("%s/log/%s-e%s%d.md" % (c, day, who.replace("-", "").replace(".", ""), i),
              "---\ndate: %s\nkind: cpd\nhours: 0.%d\n---\n" % (day, 1 + i))
    write(c + "/log/2026-10-01-ebad.md", "---\nkind: [cpd\n---\n")
    write(c + "/log/.2026-10-01-ehidden.md", "---\nkind: cpd\n---\n")
    write(c + "/log/notes.txt", "not a record\n")
    write(c + "/log/nodate.md", "---\nkind: meeting\n---\n")
    os.makedirs(c + "/log/2026-10-03-edir.md", exist_ok=True)
    write(c + "/goals/.g2.md", "---\nid: g2\n---\n")
os.makedirs("coaching/.hidden/goals", exist_ok=True)
write("coaching/.hidden/goals/g9.md", "---\nid: g9\nstatus: active\n---\n")
os.symlink("a", "coaching/zz")
os.symlink("../a/goals", "coaching/a0/cycles2")
os.rename("coaching/a0/cycles", "coaching/a0/cycles.old")
os.symlink("cycles.old", "coaching/a0/cycles")
os.remove("coaching/a.b/agreement.md")
os.makedirs("coaching/a.b/agreement.md")
os.symlink("../a/agreement.md", "coaching/a-b/agreement2.md")
write("staff/readme.txt", "not a record\n")
write("staff/.hidden.md", "---\nname: Hidden\n---\n")
PY
	# Broken entries of one day with one mtime: the path decides.
	touch -d "2026-10-05 12:00:00" coaching/*/log/2026-10-01-ebad.md
	sleep 0.2
	outputs 0 >"$BATS_TEST_TMPDIR/want"
	grep -q "a-b/log/2026-10-01-ebad.md" "$BATS_TEST_TMPDIR/want" ||
		fail "no broken entry reported"
	rm -f "$(cache_file)"
	outputs 1 >"$BATS_TEST_TMPDIR/cold"
	# The files are older than the cache: the warm runs count from it.
	outputs 1 >"$BATS_TEST_TMPDIR/warm"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/cold" || fail "cold"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/warm" || fail "warm"
}

@test "cache: a hand edit of the same size in the same second is seen" {
	school
	warm
	# In place, same length, mtime restored: a goal's status, an
	# entry's kind, an agreement's cadence.
	g=$(grep -l "^status: active" coaching/bob/goals/*.md | head -1)
	replace "$g" "status: active" "status: paused"
	e=$(grep -l "^kind: meeting" coaching/*/log/*.md | head -1)
	replace "$e" "kind: meeting" "kind: MEETING"
	a=$(grep -l "^coach: \[ada" coaching/*/agreement.md | head -1)
	replace "$a" "coach: [ada" "coach: [cyy"
	agree "hand edit, same size, mtime restored"
	# And once more after the edit is older than the cache.
	sleep 1
	warm
	replace "$g" "status: paused" "status: active"
	agree "second hand edit"
}

@test "cache: an edit that breaks a record, and one that mends it" {
	school
	warm
	g=$(ls coaching/cy/goals/*.md | head -1)
	cp "$g" "$BATS_TEST_TMPDIR/good"
	printf -- '---\nid: [unclosed\n---\n' >"$g"
	agree "broken record"
	cp "$BATS_TEST_TMPDIR/good" "$g"
	agree "mended record"
	# A new file, a removed one, a new coachee folder.
	cp "$g" coaching/bob/goals/g0c0ffe.md
	rm "$(ls coaching/eve/log/*.md | head -1)"
	mkdir -p coaching/dee/log
	cp "$(ls coaching/cy/log/*.md | tail -1)" coaching/dee/log/
	agree "files added and removed"
}

@test "cache: git checkout of another commit, and back" {
	school
	first=$(git rev-parse HEAD)
	sed -i 's/^status: active/status: achieved/' coaching/*/goals/*.md
	sed -i 's/^kind: note/kind: meeting/' coaching/*/log/*.md
	rm -r coaching/eve
	git add -A && git commit -qm "a term later"
	warm
	git checkout -q "$first"
	agree "checkout of the first commit"
	git checkout -q main
	agree "checkout back"
}

@test "cache: a git merge" {
	school
	git checkout -qb side
	sed -i 's/^status: active/status: paused/' coaching/bob/goals/*.md
	git commit -qam "bob pauses"
	git checkout -q main
	sed -i 's/^cadence: .*/cadence: weekly/' coaching/*/agreement.md
	git commit -qam "weekly everywhere"
	warm
	git merge -q --no-edit side
	agree "after git merge"
}

@test "cache: git stash and git stash pop" {
	school
	sed -i 's/^status: active/status: dropped/' coaching/cy/goals/*.md
	printf -- '---\nid: e0dd001\ndate: 2026-10-09\nkind: cpd\nhours: 2\n---\n' \
		>coaching/cy/log/2026-10-09-e0dd001.md
	git add coaching/cy/log/2026-10-09-e0dd001.md
	warm
	git stash -q
	agree "after git stash"
	git stash pop -q
	agree "after git stash pop"
}

@test "cache: deleted, truncated, garbage, another version or unwritable" {
	school
	warm
	rm "$(cache_file)" "$(check_cache)"
	agree "deleted caches"
	for f in "$(cache_file)" "$(check_cache)"; do
		size=$(stat -c %s "$f")
		for cut in 0 1 17 64 $((size / 2)) $((size - 1)); do
			truncate -s "$cut" "$f"
			agree "$f truncated to $cut bytes"
		done
		head -c 20000 /dev/urandom >"$f"
		agree "garbage in $f"
		# The right header and garbage after it.
		{ head -c 64 "$f"; head -c 5000 /dev/zero | tr '\0' 'x'; } \
			>"$BATS_TEST_TMPDIR/c" && mv "$BATS_TEST_TMPDIR/c" "$f"
		agree "$f with a damaged body"
		# Another version of the format.
		printf '\x09' | dd of="$f" bs=1 seek=8 conv=notrunc 2>/dev/null
		agree "$f of another version"
		# A cache that cannot be written only costs time.
		rm "$f"
		mkdir "$f"
		outputs 0 >"$BATS_TEST_TMPDIR/want"
		outputs 1 >"$BATS_TEST_TMPDIR/got"
		diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
		rmdir "$f"
	done
}

@test "cache: COACH_NO_CACHE=1 neither reads nor writes it" {
	school
	rm -f "$(cache_file)" "$(check_cache)"
	COACH_NO_CACHE=1 "$COACH" report >/dev/null
	COACH_NO_CACHE=1 "$COACH" check >/dev/null || true
	[ ! -e "$(cache_file)" ]
	[ ! -e "$(check_cache)" ]
	# A cache that lies is not read either: with the cache, a
	# hand-made wrong one is dropped (its checksum), without it never
	# opened.
	warm
	printf 'COACHFM\0' >"$(cache_file)"
	COACH_NO_CACHE=1 "$COACH" report >/dev/null
	[ "$(stat -c %s "$(cache_file)")" -eq 8 ]
}

@test "cache: two processes at once, writers and readers, while a file changes" {
	school
	rounds=8
	[ -z "${COACH_TEST_SANITIZED:-}" ] || rounds=3
	g=$(grep -l "^status: active" coaching/cy/goals/*.md | head -1)
	COACH_NO_CACHE=1 "$COACH" report --by person --format json |
		sed -E 's/"generated": "[^"]*"/"generated": ""/' >"$BATS_TEST_TMPDIR/a"
	replace "$g" "status: active" "status: paused"
	COACH_NO_CACHE=1 "$COACH" report --by person --format json |
		sed -E 's/"generated": "[^"]*"/"generated": ""/' >"$BATS_TEST_TMPDIR/b"
	if cmp -s "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"; then
		fail "the edit changes nothing the report shows"
	fi
	rm -f "$(cache_file)" "$(check_cache)"
	# Readers and writers of the cache, while the goal flips between
	# the two states in place.
	for p in 1 2 3 4; do
		(
			for i in $(seq $rounds); do
				"$COACH" report --by person --format json |
					sed -E 's/"generated": "[^"]*"/"generated": ""/' \
					>"$BATS_TEST_TMPDIR/r.$p.$i"
				"$COACH" check >/dev/null 2>&1 || true
			done
		) &
	done
	for i in $(seq $((rounds * 2))); do
		replace "$g" "status: paused" "status: active"
		replace "$g" "status: active" "status: paused"
	done
	wait
	# Each report saw one state or the other, never a mixture.
	for f in "$BATS_TEST_TMPDIR"/r.*; do
		cmp -s "$f" "$BATS_TEST_TMPDIR/a" || cmp -s "$f" "$BATS_TEST_TMPDIR/b" ||
			fail "a report during the writes matches neither state: $f"
	done
	# And afterwards, whichever writer won, nothing stale is served.
	agree "after concurrent writers"
	replace "$g" "status: paused" "status: active"
	agree "after concurrent writers, and one more edit"
}

# The files and folders of the school (but .git), in $BATS_TEST_TMPDIR/paths:
# listed once, since listing a folder may stamp its access time.
list_paths() {
	find . -path ./.git -prune -o -print >"$BATS_TEST_TMPDIR/paths"
}

# The access times of the listed paths, as "path atime" lines.
atimes() {
	python3 - "$BATS_TEST_TMPDIR/paths" <<'PY'
import os, sys
for n in open(sys.argv[1]).read().split("\n")[:-1]:
    print(n, os.lstat(n).st_atime_ns)
PY
}

# Sets the access times of the listed paths three days before their
# modification times: a reading that stamps access times on this file
# system (relatime or strictatime) then moves them.
age_atimes() {
	python3 - "$BATS_TEST_TMPDIR/paths" <<'PY'
import os, sys
for n in open(sys.argv[1]).read().split("\n")[:-1]:
    st = os.lstat(n)
    os.utime(n, ns=(st.st_mtime_ns - 3 * 86400 * 10**9, st.st_mtime_ns),
             follow_symlinks=False)
PY
}

@test "cache: reading records leaves their access times alone (a fresh clone's first report writes no inode)" {
	school
	warm
	list_paths
	age_atimes
	atimes >"$BATS_TEST_TMPDIR/before"
	# The controls: a plain reading here moves access times.
	cat staff/*.md >/dev/null
	ls coaching >/dev/null
	atimes >"$BATS_TEST_TMPDIR/control"
	grep -q '^./coaching ' "$BATS_TEST_TMPDIR/before" || fail "no folder listed"
	if cmp -s "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/control"; then
		skip "this file system does not record access times"
	fi
	diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/control" |
		grep -q '^> ./coaching ' || fail "listing a folder left its access time"
	for cached in 0 1; do
		rm -f "$(cache_file)" "$(check_cache)"
		age_atimes
		atimes >"$BATS_TEST_TMPDIR/before"
		# Uncached; or with no cache, then with one.
		[ "$cached" = 1 ] && outputs 1 >/dev/null
		outputs "$cached" >/dev/null
		atimes >"$BATS_TEST_TMPDIR/after"
		diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after" ||
			fail "access times moved (cache $cached)"
	done
}

@test "cache: a reader of another user's work tree asks for untouched access times once, not for each file" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to run coach as another user"
	command -v strace >/dev/null || skip "strace is not installed"
	command -v setpriv >/dev/null || skip "setpriv is not installed"
	# LeakSanitizer does not run under ptrace.
	[ -z "${ASAN_OPTIONS:-}" ] || export ASAN_OPTIONS=${ASAN_OPTIONS//detect_leaks=1/detect_leaks=0}
	# Everything the other user needs, in a folder it can reach.
	local top
	top=$(mktemp -d /tmp/coach-noatime-XXXXXX)
	chmod 755 "$top"
	cp "$COACH" "$TOP/build/coach-core.so" "$top/"
	mkdir "$top/home"
	cd "$top"
	school
	printf '[safe]\n\tdirectory = %s\n' "$PWD" >"$top/home/.gitconfig"
	COACH_NO_CACHE=1 "$COACH" report --format json 2>&1 |
		sed -E 's/"generated": "[^"]*"/"generated": ""/' >"$top/want"
	local files
	files=$(find coaching staff -name '*.md' | wc -l)
	for cached in 0 1; do
		rm -f "$(cache_file)"
		strace -f -qq -o "$top/trace" -e trace=openat \
			env HOME="$top/home" COACH_NO_CACHE=$((1 - cached)) \
			COACH_CORE="$top/coach-core.so" setpriv --reuid=65534 \
			--regid=65534 --clear-groups "$top/coach" report --format json \
			>"$top/out" 2>&1 || true
		sed -i -E 's/"generated": "[^"]*"/"generated": ""/' "$top/out"
		local refused
		refused=$(grep -c "O_NOATIME.*EPERM" "$top/trace" || true)
		cmp -s "$top/want" "$top/out" || { diff -u "$top/want" "$top/out"; rm -rf "$top"; fail "another report (cache $cached)"; }
		grep -q "O_NOATIME" "$top/trace" || { rm -rf "$top"; fail "O_NOATIME never asked"; }
		[ "$refused" -le 1 ] || { rm -rf "$top"; fail "$refused openings refused O_NOATIME ($files records, cache $cached)"; }
	done
	rm -rf "$top"
}
