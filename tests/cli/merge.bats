#!/usr/bin/env bats
# Records merged by plain git through coach's merge driver: two clones
# edit the same goal, "git pull" merges key by key, conflicts go under
# conflicts: (read back with PyYAML), check reports them and resolve or
# edit settles them.  Judged with git, git fsck and PyYAML.
load helper

setup() {
	setup_scratch
	school_with_staff
	goal=$("$COACH" goal add bob "Ask better questions" --measure "pupils answering" \
		--baseline 0 --target 100)
	gfile=coaching/bob/goals/$goal.md
	git clone -q --bare . "$BATS_TEST_TMPDIR/hub.git"
	git remote add origin "$BATS_TEST_TMPDIR/hub.git"
	git fetch -q origin
	git branch -q -u origin/main
	A=$PWD
	B=$BATS_TEST_TMPDIR/laptop
	git clone -q "$BATS_TEST_TMPDIR/hub.git" "$B"
	# A plain clone has the attributes; the driver is each clone's own
	# setting (coach sync sets it; here it is set by hand, as git users do).
	git -C "$B" config merge.coach.driver "'$COACH' merge-driver %O %A %B %P"
}

# lacks_key FILE KEY: PyYAML finds no KEY in FILE's front-matter.
lacks_key() {
	yaml "$1" | python3 -c 'import json, sys; sys.exit(sys.argv[1] in json.load(sys.stdin))' "$2" ||
		fail "$1 still has $2:" "$(cat "$1")"
}

# in_b CMD...: runs coach in the second clone.
in_b() {
	(cd "$B" && "$COACH" "$@")
}

# push_b MESSAGE: commits what the second clone changed and pushes it.
push_b() {
	git -C "$B" commit -qam "$1" 2>/dev/null || true
	git -C "$B" push -q origin main
}

# pull: git pull into the first clone (a true merge).
pull() {
	git pull -q --no-rebase --no-edit origin main
}

@test "init names coach as git's merge driver for records" {
	[ "$(git check-attr merge -- "$gfile" | sed 's/.*: //')" = coach ]
	[ "$(git check-attr merge -- coach.yml | sed 's/.*: //')" = coach ]
	[ "$(git check-attr merge -- coaching/bob/evidence/a.png | sed 's/.*: //')" = unspecified ]
	[[ "$(git config merge.coach.driver)" == *"merge-driver %O %A %B %P" ]]
	[ -n "$(git config merge.coach.name)" ]
	git ls-files --error-unmatch .gitattributes >/dev/null
	# Run by git, not by people: not in the list of commands.
	run coach help
	assert_output_lacks merge-driver
}

@test "git pull merges different keys of one goal, both sides' measurements and bodies" {
	in_b goal measure "$goal" 20 --date 2026-11-10 >/dev/null
	in_b goal status "$goal" paused >/dev/null
	printf 'Their first line.\n\nShared.\n' >>"$B/$gfile"
	push_b "their edits"
	"$COACH" goal measure "$goal" 35 --date 2026-11-20 >/dev/null
	python3 - "$gfile" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read().replace("title: Ask better questions", "title: Ask sharper questions")
open(p, "w").write(s)
EOF
	git commit -qam "our title"
	run pull
	assert_status 0
	[ "$(git rev-list --parents -1 HEAD | wc -w)" -eq 3 ]
	[ "$(yaml "$gfile" title)" = '"Ask sharper questions"' ]
	[ "$(yaml "$gfile" status)" = '"paused"' ]
	[ "$(yaml "$gfile" measurements)" = '[{"date": "2026-11-10", "value": 20}, {"date": "2026-11-20", "value": 35}]' ]
	lacks_key "$gfile" conflicts
	python3 "$FM" --body "$gfile" | grep -q 'Their first line.'
	run coach check
	assert_status 0
	assert_repo_sound
}

@test "the same key changed on both sides: ours kept, theirs under conflicts:, check, resolve" {
	in_b goal status "$goal" paused >/dev/null
	push_b "paused"
	"$COACH" goal status "$goal" dropped >/dev/null
	run pull
	assert_status 0
	assert_output_has "both sides changed status"
	[ "$(yaml "$gfile" status)" = '"dropped"' ]
	[ "$(yaml "$gfile" conflicts)" = '[{"key": "status", "from": "theirs", "value": "paused"}]' ]
	assert_repo_sound
	run coach check
	assert_status 1
	assert_output_has "$gfile:"
	assert_output_has "unresolved conflict: both sides changed status; the other side's value paused is kept under conflicts:; 'coach resolve $goal status VALUE'"
	run coach resolve "$goal" status --other
	assert_status 0
	assert_output_has "resolved status of $gfile"
	[ "$(yaml "$gfile" status)" = '"paused"' ]
	lacks_key "$gfile" conflicts
	run coach check
	assert_status 0
	[ "$(git log -1 --format=%s)" = "resolve: $gfile status" ]
	assert_repo_sound
}

@test "overlapping body edits: both texts between markers in the body, never in the front-matter" {
	printf 'We agreed to wait.\n' >>"$gfile"
	git commit -qam "body"
	git push -q origin main
	git -C "$B" pull -q
	python3 - "$B/$gfile" "$gfile" <<'EOF'
import sys
for p, new in ((sys.argv[1], "We agreed to wait three seconds."), (sys.argv[2], "We agreed to wait five seconds.")):
    s = open(p).read().replace("We agreed to wait.", new)
    open(p, "w").write(s)
EOF
	push_b "three"
	git commit -qam "five"
	run pull
	assert_status 0
	yaml "$gfile" >/dev/null
	[ "$(yaml "$gfile" conflicts)" = '[{"key": "body", "from": "theirs", "markers": true}]' ]
	python3 "$FM" --body "$gfile" >"$BATS_TEST_TMPDIR/body"
	grep -qx '<<<<<<< ours' "$BATS_TEST_TMPDIR/body"
	grep -qx 'We agreed to wait five seconds.' "$BATS_TEST_TMPDIR/body"
	grep -qx 'We agreed to wait three seconds.' "$BATS_TEST_TMPDIR/body"
	assert_repo_sound
	run coach check
	assert_status 1
	assert_output_has "conflict markers in the text"
	# --keep is refused while the markers are there.
	run coach resolve "$goal" body --keep
	assert_status 1
	assert_output_has "still has both versions"
	# An edit that merges the two texts settles it.
	mkdir -p "$HOME/bin"
	cat >"$HOME/bin/fix" <<'EOF'
#!/bin/sh
sed -i -e '/^<<<<<<< ours$/d' -e '/^=======$/d' -e '/^>>>>>>> theirs$/d' -e '/five seconds/d' "$1"
EOF
	chmod +x "$HOME/bin/fix"
	EDITOR="$HOME/bin/fix" run coach edit "$goal"
	assert_status 0
	lacks_key "$gfile" conflicts
	run coach check
	assert_status 0
	assert_repo_sound
}

@test "a record deleted on one side and changed on the other is kept and reported" {
	in_b goal status "$goal" paused >/dev/null
	push_b "paused"
	git rm -q "$gfile"
	git commit -qm "removed"
	run pull
	# git decides modify/delete itself, without the driver: the file is
	# left conflicted for git's usual resolution, and nothing is lost.
	assert_status 1
	[ -f "$gfile" ]
	[ "$(yaml "$gfile" status)" = '"paused"' ]
	git merge --abort
}

@test "a side that does not parse falls back to a text merge, exit 1 with markers, nothing lost" {
	in_b goal status "$goal" paused >/dev/null
	push_b "paused"
	sed -i 's/^status: active$/status: [active/' "$gfile"
	git commit -qam "broken by hand"
	run pull
	assert_status 1
	assert_output_has "merged as text"
	grep -q '^status: \[active' "$gfile"
	grep -q '^status: paused' "$gfile"
	grep -qx '<<<<<<< ours' "$gfile"
	[ -n "$(git diff --name-only --diff-filter=U)" ]
	git merge --abort
	assert_repo_sound
}

@test "coach.yml merges key by key too" {
	(cd "$B" && sed -i 's/^year_start: .*/year_start: 09-05/' coach.yml)
	push_b "year start"
	sed -i 's/^school: .*/school: Renamed School/' coach.yml
	git commit -qam "renamed"
	run pull
	assert_status 0
	[ "$(python3 "$FM" --yaml coach.yml school)" = '"Renamed School"' ]
	[ "$(python3 "$FM" --yaml coach.yml year_start)" = '"09-05"' ]
	assert_repo_sound
	# The same key on both sides: a conflict in coach.yml, resolved too.
	(cd "$B" && git pull -q && sed -i 's/^school: .*/school: Their Name/' coach.yml)
	push_b "their name"
	sed -i 's/^school: .*/school: Our Name/' coach.yml
	git commit -qam "our name"
	run pull
	assert_status 0
	[ "$(python3 "$FM" --yaml coach.yml conflicts)" = '[{"key": "school", "from": "theirs", "value": "Their Name"}]' ]
	run coach check
	assert_status 1
	assert_output_has "coach.yml:"
	run coach resolve coach.yml school --other
	assert_status 0
	[ "$(python3 "$FM" --yaml coach.yml school)" = '"Their Name"' ]
	python3 "$FM" --yaml coach.yml | python3 -c 'import json, sys; sys.exit("conflicts" in json.load(sys.stdin))'
	run coach check
	assert_status 0
	assert_repo_sound
}

# conflicted FILE: commits conflicts items for status, due and title in
# FILE, as a merge would leave them.
conflicted() {
	python3 - "$1" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
head, rest = s.split("\n---\n", 1)
head += ("\nconflicts:\n"
         "  - {key: status, from: theirs, value: paused}\n"
         "  - {key: due, from: theirs, removed: true}\n"
         "  - {key: title, from: theirs, value: Ask fewer questions}")
open(p, "w").write(head + "\n---\n" + rest)
EOF
	git commit -qam "merge with conflicts"
}

@test "resolve: VALUE, --keep, --other, and what it refuses" {
	conflicted "$gfile"
	run coach check
	assert_status 1
	[ "$(grep -c 'unresolved conflict' <<<"$output")" -eq 3 ]
	run coach resolve "$goal" status
	assert_status 2
	run coach resolve "$goal" status achieved --keep
	assert_status 2
	run coach resolve "$goal" phase --keep
	assert_status 1
	assert_output_has "has no conflict for phase; it has conflicts for: status, due, title"
	run coach resolve "$goal" body --keep
	assert_status 1
	run coach resolve "$goal" status achieved
	assert_status 0
	[ "$(yaml "$gfile" status)" = '"achieved"' ]
	[ "$(yaml "$gfile" conflicts)" = '[{"key": "due", "from": "theirs", "removed": true}, {"key": "title", "from": "theirs", "value": "Ask fewer questions"}]' ]
	run coach resolve "$goal" due --keep
	assert_status 0
	run coach resolve "${goal:0:5}" title --other
	assert_status 0
	[ "$(yaml "$gfile" title)" = '"Ask fewer questions"' ]
	lacks_key "$gfile" conflicts
	# A value is read as YAML, and check refuses what the schema refuses.
	conflicted "$gfile"
	run coach resolve "$goal" status "not-a-status"
	assert_status 1
	assert_output_has "nothing was written"
	run coach resolve "$goal" title "[a, b]"
	assert_status 1
	run coach check
	assert_status 1
	[ "$(git log --format=%s | grep -c '^resolve: ')" -eq 3 ]
	assert_repo_sound
}

@test "two records created with one id: reported, theirs kept whole in the text, never merged" {
	local f=coaching/bob/goals/g0a1b2c.md
	printf -- '---\nid: g0a1b2c\ntitle: Ours\nstatus: active\nopened: 2026-11-20\n---\nOur words.\n' >"$B/$f.tmp"
	mv "$B/$f.tmp" "$BATS_TEST_TMPDIR/theirs.md"
	mkdir -p "$B/coaching/bob/goals"
	sed -e 's/title: Ours/title: Theirs/' -e 's/Our words/Their words/' \
		"$BATS_TEST_TMPDIR/theirs.md" >"$B/$f"
	git -C "$B" add "$f"
	push_b "their goal"
	cp "$BATS_TEST_TMPDIR/theirs.md" "$f"
	git add "$f"
	git commit -qm "our goal"
	run pull
	assert_status 0
	assert_output_has "id collision"
	[ "$(yaml "$f" title)" = '"Ours"' ]
	[ "$(yaml "$f" conflicts)" = '[{"key": "record", "from": "theirs", "markers": true}]' ]
	python3 "$FM" --body "$f" >"$BATS_TEST_TMPDIR/body"
	grep -qx 'Our words.' "$BATS_TEST_TMPDIR/body"
	grep -qx 'title: Theirs' "$BATS_TEST_TMPDIR/body"
	grep -qx 'Their words.' "$BATS_TEST_TMPDIR/body"
	assert_repo_sound
	run coach check
	assert_status 1
	assert_output_has "another record was created with this id"
	# Taken out of the text by an edit, the conflict is settled.
	mkdir -p "$HOME/bin"
	cat >"$HOME/bin/fix" <<'SH'
#!/bin/sh
python3 - "$1" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
a = s.index("<<<<<<< ours\n")
b = s.index("=======\n")
e = s.index(">>>>>>> theirs\n") + len(">>>>>>> theirs\n")
open(p, "w").write(s[:a] + s[a + len("<<<<<<< ours\n"):b] + s[e:])
PY
SH
	chmod +x "$HOME/bin/fix"
	EDITOR="$HOME/bin/fix" run coach edit g0a1b2c
	assert_status 0
	lacks_key "$f" conflicts
	[ "$(python3 "$FM" --body "$f")" = "Our words." ]
	run coach check
	assert_status 0
}
