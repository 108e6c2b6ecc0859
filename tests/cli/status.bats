#!/usr/bin/env bats
# coach status: the relationship at a glance.
load helper
load school_by_hand

setup() {
	setup_scratch
	school_by_hand
}

G=coaching/bob/goals/g111111.md
C=coaching/bob/cycles/c222222.md

@test "status COACHEE: agreement, goal progress, open cycle, last meeting" {
	run coach status bob
	assert_status 0
	assert_line "bob (Bob Baker)"
	assert_line "Agreement: coached by ada since 2026-09-01, fortnightly"
	assert_line "  focus: questioning"
	assert_line "Active goals:"
	assert_line "  g111111  More pupils answer"
	assert_line "      pupils answering: 40 → 60 → 80 % (2026-11-01)  [#####-----] 50%"
	assert_line "      cycle c222222  practise: Pause three seconds after each question"
	assert_line "        review 2026-11-20, 6 days overdue"
	assert_line "Last meeting: 2026-11-20 (6 days ago)  e333333  We rehearsed the pause with the class."
	assert_line "Last entry:   2026-11-20 (6 days ago)  meeting  e333333  We rehearsed the pause with the class."
	# Clean tree, no upstream: no such sections.
	assert_output_lacks "Hand edits"
	assert_output_lacks "synced"
}

@test "status without COACHEE is the current user's, then the coachees they coach" {
	run coach status
	assert_status 0
	assert_line "ada (Ada Lovelace)"
	assert_line "Agreement: no coaching agreement; start one with 'coach agree ada --coach HANDLE'"
	assert_line "Active goals: none; add one with 'coach goal add ada TITLE'"
	assert_line "Last meeting: none logged; log one with 'coach log ada --kind meeting'"
	assert_line "Coaching:"
	assert_line "  bob          1 active goal, 1 open cycle (1 review overdue), last met 2026-11-20 (6 days ago)"
	# Own part first.
	[[ "$output" == "ada (Ada Lovelace)"*"Coaching:"*"bob"* ]] || fail "$output"
}

@test "an ended agreement is not an active one, nor listed under Coaching" {
	set_line coaching/bob/agreement.md 7 "status: ended"
	edit coaching/bob/agreement.md 's.replace("status: ended\n", "status: ended\nended: 2026-11-01\n")'
	run coach status bob
	assert_status 0
	assert_line "Agreement: no coaching agreement (the last one ended 2026-11-01); start one with 'coach agree bob --coach HANDLE'"
	run coach status
	assert_output_lacks "Coaching:"
}

@test "a goal without measurements, a review not yet due, a closed cycle" {
	edit $G 's[:s.index("measurements:")] + "---\n"'
	set_line $C 7 "review: 2026-12-01"
	mkdir -p coaching/bob/cycles
	printf -- '---\nid: c333333\ngoal: g111111\nstep: Old step\nphase: review\nstarted: 2026-09-20\nclosed: 2026-10-20\noutcome: met\n---\n' >coaching/bob/cycles/c333333.md
	run coach status bob
	assert_status 0
	assert_line "      pupils answering: baseline 40 %, target 80 %, no measurement yet (record one with 'coach goal measure g111111 VALUE')"
	assert_line "        review 2026-12-01 (in 5 days)"
	assert_output_lacks "cycle c333333"
	assert_output_lacks "Old step"
}

@test "only active goals are shown; a goal without a cycle says how to start one" {
	edit $G 's.replace("status: active", "status: achieved")'
	edit $C 's.replace("review:", "closed: 2026-11-21\noutcome: met\nreview:")'
	mkdir -p coaching/bob/goals
	printf -- '---\nid: g222222\ntitle: Sharper feedback\nstatus: active\nopened: 2026-10-01\n---\n' >coaching/bob/goals/g222222.md
	run coach status bob
	assert_status 0
	assert_line "  g222222  Sharper feedback"
	assert_line "      no open cycle; start one with 'coach cycle start g222222 --step TEXT'"
	assert_output_lacks "More pupils answer"
}

@test "an open cycle on an achieved or dropped goal stays in view until it is closed" {
	for st in achieved dropped; do
		edit $G "s.replace('status: active', 'status: $st').replace('status: achieved', 'status: $st')"
		run coach status bob
		assert_status 0
		assert_line "Active goals: none; add one with 'coach goal add bob TITLE'"
		assert_line "Open cycles on goals that are not active:"
		assert_line "  g111111  More pupils answer ($st)"
		assert_line "      cycle c222222  practise: Pause three seconds after each question"
		assert_line "        close it with 'coach cycle close c222222 --outcome met|partly|not-yet'"
		# The coach's overview counts it too.
		run coach status
		assert_line "  bob          0 active goals, 1 open cycle (1 review overdue), last met 2026-11-20 (6 days ago)"
	done
	run coach status bob --format json
	run python3 -c '
import json, sys
d = json.loads(sys.argv[1])
[g] = d["goals"]
assert g["status"] == "dropped" and g["open_cycles"][0]["id"] == "c222222", g
' "$output"
	assert_status 0
	# Closed, it goes.
	edit $C 's.replace("review:", "closed: 2026-11-21\noutcome: partly\nreview:")'
	run coach status bob
	assert_output_lacks "cycle c222222"
	assert_output_lacks "not active"
}

@test "a goal file that cannot be read is named where the goals are, not 'none'" {
	printf -- '---\nid: g111111\ntitle: [broken\n---\n' >$G
	run coach status bob
	assert_status 0
	assert_output_lacks "Active goals: none;"
	assert_line "Active goals: none that could be read"
	assert_output_has "  warning: a goal could not be read: coaching/bob/goals/g111111.md:"
	# The cycle on it is still shown.
	assert_output_has "cycle c222222"
	run coach status bob --format json
	run python3 -c '
import json, sys
d = json.loads(sys.argv[1])
[p] = d["problems"]
assert p["path"] == "coaching/bob/goals/g111111.md" and p["kind"] == "goal", p
assert p["message"].startswith("coaching/bob/goals/g111111.md:"), p
' "$output"
	assert_status 0
}

@test "a symbolic link to a folder outside the repository is skipped and reported" {
	mkdir -p ../outside/goals
	printf -- '---\nid: g999999\ntitle: Secret from outside\nstatus: active\nopened: 2026-10-01\n---\n' >../outside/goals/g999999.md
	rm -rf coaching/bob/goals
	ln -s "$PWD/../outside/goals" coaching/bob/goals
	run coach status bob
	assert_status 0
	assert_output_lacks "Secret from outside"
	assert_output_has "coaching/bob/goals: is a symbolic link"
	# A linked coachee folder too.
	mkdir -p ../outside/cy/goals
	cp ../outside/goals/g999999.md ../outside/cy/goals/
	ln -s "$PWD/../outside/cy" coaching/cy
	printf -- '---\nname: Cy Young\n---\n' >staff/cy.md
	run coach status cy
	assert_status 0
	assert_output_lacks "Secret from outside"
	assert_output_has "coaching/cy: is a symbolic link"
	run coach entries cy
	assert_output_has "coaching/cy: is a symbolic link"
	run coach show g999999
	assert_status 1
}

@test "each folder is checked for a link once a run, not once for every record under it" {
	command -v strace >/dev/null || skip "strace is not installed"
	[ -z "${ASAN_OPTIONS:-}" ] || export ASAN_OPTIONS=${ASAN_OPTIONS//detect_leaks=1/detect_leaks=0}
	mkdir -p coaching/bob/log
	for i in 1 2 3 4 5 6 7 8; do
		printf -- '---\nid: e10000%s\ndate: 2026-10-1%s\nkind: note\nauthor: ada\n---\nNote %s.\n' \
			"$i" "$i" "$i" >"coaching/bob/log/2026-10-1$i-e10000$i.md"
	done
	git add -A && git commit -qm more
	strace -f -e trace=newfstatat,lstat,stat -o "$BATS_TEST_TMPDIR/trace" "$COACH" status bob >/dev/null
	n=$(grep -c '/coaching/bob", ' "$BATS_TEST_TMPDIR/trace" || true)
	[ "$n" -le 3 ] || fail "coaching/bob looked at $n times"
	n=$(grep -c '/coaching/bob/log", ' "$BATS_TEST_TMPDIR/trace" || true)
	[ "$n" -le 3 ] || fail "coaching/bob/log looked at $n times"
	# A link is still found, in every run.
	mkdir -p ../outside/log
	cp coaching/bob/log/*e100001.md ../outside/log/
	mv coaching/bob/log coaching/bob/log.real
	ln -s "$PWD/../outside/log" coaching/bob/log
	run coach status bob
	assert_output_has "coaching/bob/log: is a symbolic link"
}

@test "hand edits not yet committed are listed like git status -s" {
	set_line $G 3 "title: More pupils answer, and explain"
	printf -- '---\nid: e444444\ndate: 2026-11-25\nkind: reflection\n---\nTried it.\n' >coaching/bob/log/2026-11-25-e444444.md
	rm coaching/bob/evidence/plan.txt
	echo elsewhere >staff/other.txt
	run coach status bob
	assert_status 0
	assert_line "Hand edits not committed:"
	assert_line "  M $G"
	assert_line "  A coaching/bob/log/2026-11-25-e444444.md"
	assert_line "  D coaching/bob/evidence/plan.txt"
	assert_output_lacks "staff/other.txt"
	# The new entry is the last one, read from the work tree.
	assert_line "Last entry:   2026-11-25 (yesterday)  reflection  e444444  Tried it."
}

@test "an edit git's index takes for clean by its stat data is listed, as git's racy rule says" {
	# The title changes, its size not; then the index is made to hold the
	# edited file's stat data with the old content's id, and to be no
	# older than the file: stat data alone would call it clean.
	sed -i 's/^title: More pupils answer$/title: More pupils ANSWER/' $G
	python3 - $G <<'EOF'
import hashlib, os, struct, sys
path = sys.argv[1].encode()
data = bytearray(open(".git/index", "rb").read())
assert data[:4] == b"DIRC" and struct.unpack(">I", data[4:8])[0] == 2
count, off, found = struct.unpack(">I", data[8:12])[0], 12, False
for _ in range(count):
    flags = struct.unpack(">H", data[off + 60:off + 62])[0]
    name = bytes(data[off + 62:off + 62 + (flags & 0xfff)])
    if name == path:
        st = os.lstat(path)
        data[off:off + 40] = struct.pack(">10I",
            st.st_ctime_ns // 10**9 & 0xffffffff, st.st_ctime_ns % 10**9,
            st.st_mtime_ns // 10**9 & 0xffffffff, st.st_mtime_ns % 10**9,
            st.st_dev & 0xffffffff, st.st_ino & 0xffffffff, st.st_mode,
            st.st_uid, st.st_gid, st.st_size)
        found = True
    off += (62 + (flags & 0xfff) + 8) & ~7
assert found
data[-20:] = hashlib.sha1(bytes(data[:-20])).digest()
open(".git/index", "wb").write(data)
st = os.lstat(path)
os.utime(".git/index", ns=(st.st_mtime_ns, st.st_mtime_ns))
EOF
	run coach status bob
	assert_status 0
	assert_line "Hand edits not committed:"
	assert_line "  M $G"
	run git --no-optional-locks status --porcelain
	assert_line " M $G"
}

@test "commits not pushed or pulled, when there is an upstream" {
	cd ..
	git clone -q school clone
	cd clone
	run coach status bob
	assert_status 0
	assert_line "Up to date with the central repository."
	set_line $C 5 "phase: apply"
	git commit -qam "cycle phase"
	(cd ../school && git commit -q --allow-empty -m "elsewhere" && git commit -q --allow-empty -m "again")
	git fetch -q
	run coach status bob
	assert_status 0
	assert_line "Not synced: 1 commit to push, 2 commits to pull (as of the last fetch); run 'coach sync'"
}

@test "--format json: every part, parsed by python" {
	set_line $G 3 "title: More pupils answer, and explain"
	run --separate-stderr coach status bob --format json
	assert_status 0
	echo "$output" | python3 -m json.tool >/dev/null || fail "not JSON: $output"
	run python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["coachee"] == "bob" and d["name"] == "Bob Baker", d
a = d["agreement"]
assert a["coach"] == ["ada"] and a["started"] == "2026-09-01" and a["active"] is True, a
assert a["cadence"] == "fortnightly" and a["focus"] == "questioning", a
[g] = d["goals"]
assert g["id"] == "g111111" and g["status"] == "active", g
m = g["measure"]
assert m["baseline"] == 40 and m["target"] == 80 and m["latest"] == 60, m
assert m["latest_date"] == "2026-11-01" and abs(m["progress"] - 0.5) < 1e-9, m
[c] = g["open_cycles"]
assert c == {"id": "c222222", "phase": "practise", "step": "Pause three seconds after each question",
    "review": "2026-11-20", "overdue": True}, c
lm = d["last_meeting"]
assert lm["id"] == "e333333" and lm["date"] == "2026-11-20" and lm["days_ago"] == 6, lm
assert d["last_entry"]["kind"] == "meeting", d
assert d["changes"] == [{"status": "M", "path": "coaching/bob/goals/g111111.md"}], d["changes"]
assert d["sync"] is None, d
assert d["coaching"] == [], d
' "$output"
	assert_status 0
}

@test "--format json of a coach lists their coachees" {
	run --separate-stderr coach status --format json
	assert_status 0
	run python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["coachee"] == "ada" and d["agreement"] is None and d["goals"] == [], d
[c] = d["coaching"]
assert c["coachee"] == "bob" and c["active_goals"] == 1 and c["open_cycles"] == 1, c
assert c["overdue_reviews"] == 1 and c["last_meeting"]["date"] == "2026-11-20", c
' "$output"
	assert_status 0
}

@test "a broken record does not stop status; it says to run check" {
	printf -- '---\nid: g999999\ntitle: [broken\n---\n' >coaching/bob/goals/g999999.md
	run coach status bob
	assert_status 0
	assert_line "  g111111  More pupils answer"
	assert_output_has "coaching/bob/goals/g999999.md"
	assert_output_has "(run 'coach check')"
}

@test "refusals: unknown coachee, bad handle, unknown user, usage" {
	local head
	head=$(git rev-parse HEAD)
	run coach status zed
	assert_status 1
	assert_output_has "coach: no member of staff 'zed'"
	run coach status ../etc
	assert_status 1
	assert_output_has "'../etc'"
	run coach status bob cy
	assert_status 2
	run coach status --format yaml
	assert_status 2
	git config --global user.email nobody@school.example
	run coach status
	assert_status 1
	assert_output_has "no member of staff has your email (nobody@school.example"
	[ "$(git rev-parse HEAD)" = "$head" ] || fail "a commit was made"
	[ -z "$(git status --porcelain)" ] || fail "the work tree changed"
}

@test "a private entry is marked, its words not shown" {
	printf -- '---\nid: e555555\ndate: 2026-11-25\nkind: reflection\nprivate: true\n---\nI felt it went badly.\n' \
		>coaching/bob/log/2026-11-25-e555555.md
	run coach status bob
	assert_status 0
	assert_line "Last entry:   2026-11-25 (yesterday)  reflection  e555555  (private)"
	assert_output_lacks "went badly"
	run --separate-stderr coach status bob --format json
	run python3 -c '
import json, sys
e = json.loads(sys.argv[1])["last_entry"]
assert e["id"] == "e555555" and e["private"] is True and e["summary"] is None, e
' "$output"
	assert_status 0
}

@test "a broken staff record of your own is named, not 'add yourself'" {
	printf -- '---\nname: [Ada\nemail: ada@school.example\n---\n' >staff/ada.md
	run coach status
	assert_status 1
	assert_output_has "your staff record cannot be read"
	assert_output_has "staff/ada.md:"
	assert_output_lacks "staff add"
	# Someone else's broken record does not stop you.
	git checkout -q staff/ada.md 2>/dev/null || git show HEAD:staff/ada.md >staff/ada.md
	printf -- '---\nname: [Bob\n---\n' >staff/bob.md
	run coach status
	assert_status 0
}

# coaching/HANDLE/agreement.md naming COACHES (a YAML flow list), and the
# staff record, as a hand edit.
agreement_for() {
	put "staff/$1.md" <<EOT
---
name: Teacher $1
---
EOT
	put "coaching/$1/agreement.md" <<EOT
---
coachee: $1
coach: [$2]
started: 2026-09-01
---
EOT
}

# The names under "Coaching:" in status HANDLE, one line.
coached_of() {
	"$COACH" status "$1" | sed -n '/^Coaching:/,/^$/p' |
		awk 'NR > 1 && NF { printf "%s ", $1 }'
}

@test "status reads only the agreements that name the person, once their answers are kept" {
	command -v strace >/dev/null || skip "strace is not installed"
	# LeakSanitizer cannot run under ptrace: memory errors only, there.
	[ -z "${ASAN_OPTIONS:-}" ] || export ASAN_OPTIONS=${ASAN_OPTIONS//detect_leaks=1/detect_leaks=0}
	for i in 1 2 3 4 5 6 7 8; do agreement_for "t$i" cy; done
	agreement_for cy "ada, bob"
	agreement_for t9 "bob, ada"
	git add -A && git commit -qm more
	[ "$(coached_of ada)" = "bob cy t9 " ] || fail "$(coached_of ada)"
	strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" "$COACH" status ada >/dev/null
	# The agreements of whom it coaches (ada has none), nobody else's.
	opened=$(grep -o 'coaching/[^/"]*/agreement.md' "$BATS_TEST_TMPDIR/trace" | sort -u | tr '\n' ' ')
	[ "$opened" = "coaching/bob/agreement.md coaching/cy/agreement.md coaching/t9/agreement.md " ] ||
		fail "opened: $opened"
	# Without the cache every agreement is read: the check can fail.
	COACH_NO_CACHE=1 strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" "$COACH" status ada >/dev/null
	grep -q 'coaching/t5/agreement.md' "$BATS_TEST_TMPDIR/trace"
}

@test "the kept answers of who coaches whom are never stale" {
	agreement_for cy "ada"
	agreement_for dee "bob, ada"
	git add -A && git commit -qm more
	[ "$(coached_of ada)" = "bob cy dee " ] || fail "first: $(coached_of ada)"
	[ -s .git/coach-coached.cache ]
	[ -z "$(git status --porcelain)" ] || fail "the cache shows in git status"
	# A hand edit, even one that keeps the size and the mtime.
	f=coaching/cy/agreement.md
	m=$(stat -c %y $f)
	sed -i 's/coach: \[ada\]/coach: [bob]/' $f
	touch -d "$m" $f
	[ "$(coached_of ada)" = "bob dee " ] || fail "after edit: $(coached_of ada)"
	[ "$(coached_of bob)" = "cy dee " ] || fail "bob: $(coached_of bob)"
	# An ended agreement, a broken one (said each time), one removed.
	sed -i 's/^started:.*/&\nstatus: ended/' coaching/dee/agreement.md
	[ "$(coached_of ada)" = "bob " ] || fail "ended: $(coached_of ada)"
	printf -- '---\ncoachee: dee\ncoach: [ada\n---\n' >coaching/dee/agreement.md
	for i in 1 2; do
		run coach status ada
		assert_output_has "warning: coaching/dee/agreement.md"
	done
	rm -r coaching/dee
	[ "$(coached_of ada)" = "bob " ] || fail "removed: $(coached_of ada)"
	# git checkout of another commit, and back; git stash.
	git checkout -q -- . && git commit -qam "cy to bob" --allow-empty
	git checkout -q HEAD~2
	[ "$(coached_of ada)" = "bob " ] || fail "old commit: $(coached_of ada)"
	git checkout -q -
	[ "$(coached_of ada)" = "bob cy dee " ] || fail "back: $(coached_of ada)"
	sed -i 's/coach: \[ada\]/coach: [bob]/' coaching/cy/agreement.md
	[ "$(coached_of ada)" = "bob dee " ] || fail "edited: $(coached_of ada)"
	git stash -q
	[ "$(coached_of ada)" = "bob cy dee " ] || fail "stashed: $(coached_of ada)"
	git stash pop -q
	[ "$(coached_of ada)" = "bob dee " ] || fail "popped: $(coached_of ada)"
	# A damaged, truncated or missing cache is rebuilt.
	echo garbage >.git/coach-coached.cache
	[ "$(coached_of ada)" = "bob dee " ] || fail "garbage: $(coached_of ada)"
	truncate -s 200 .git/coach-coached.cache
	[ "$(coached_of ada)" = "bob dee " ] || fail "truncated: $(coached_of ada)"
	sed -i 's/\tada$/\tbob/' .git/coach-coached.cache
	[ "$(coached_of ada)" = "bob dee " ] || fail "edited cache: $(coached_of ada)"
	rm .git/coach-coached.cache
	[ "$(coached_of ada)" = "bob dee " ] || fail "missing: $(coached_of ada)"
	# Two at once, while the agreements change.
	for i in 1 2 3 4 5; do
		coached_of ada >"$BATS_TEST_TMPDIR/a$i" &
		coached_of ada >"$BATS_TEST_TMPDIR/b$i" &
		wait
		[ "$(cat "$BATS_TEST_TMPDIR/a$i")" = "bob dee " ] || fail "a$i"
		[ "$(cat "$BATS_TEST_TMPDIR/b$i")" = "bob dee " ] || fail "b$i"
	done
}

@test "a symbolic link for an agreement or a coachee's folder is reported every time" {
	agreement_for cy "ada"
	mv coaching/cy "$BATS_TEST_TMPDIR/cy"
	ln -s "$BATS_TEST_TMPDIR/cy" coaching/cy
	mkdir -p coaching/dee
	ln -s ../bob/agreement.md coaching/dee/agreement.md
	for i in 1 2; do
		run coach status ada
		assert_status 0
		assert_output_has "warning: coaching/cy: is a symbolic link"
		assert_output_has "warning: coaching/dee/agreement.md: is a symbolic link"
		assert_output_lacks "  cy "
	done
}

@test "status shows an id long enough to tell it from another coachee's that starts the same" {
	# bob's new goal and a goal elsewhere in the school (not shown here)
	# share their first seven characters: only git's index says so.
	sed -e 's/^id: g111111$/id: g2222229/' -e 's/^title: .*/title: Fewer hands up/' \
		"$G" >coaching/bob/goals/g2222229.md
	mkdir -p coaching/zed/goals
	sed -e 's/^id: g111111$/id: g2222228/' "$G" >coaching/zed/goals/g2222228.md
	git add coaching
	git commit -qm "two goals whose ids start the same"
	run coach status bob
	assert_status 0
	assert_line "  g111111  More pupils answer"
	assert_line "  g2222229  Fewer hands up"
}
