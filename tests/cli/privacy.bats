#!/usr/bin/env bats
# Private entries: their text is shown only to their author and to the
# coachee, in every command; everyone else sees "(private)".
load records
load school_by_hand

# bob's private reflection, written by bob; ada coaches bob; cy is neither.
setup() {
	setup_scratch
	school_with_staff
	mkdir -p coaching/bob/log
	P=coaching/bob/log/2026-11-25-e00000b.md
	printf -- '---\nid: e00000b\ndate: 2026-11-25\nkind: reflection\nauthor: bob\nprivate: true\n---\nI felt the lesson went badly; secretword.\n' >$P
	make_entry bob 2026-11-24 e00000a meeting "Open words."
	git add $P
	git commit -qm "log: bob reflection e00000b"
	"$COACH" agree bob --coach ada >/dev/null
}

as() {
	git config user.email "$1@school.example"
}

# The private text appears nowhere in what the current user is shown.
assert_hidden() {
	local out
	run coach entries bob
	assert_status 0
	assert_line "2026-11-25  reflection   e00000b  (private)"
	run --separate-stderr coach entries bob --grep secretword
	assert_status 0
	[ -z "$output" ] || fail "grep found hidden text: $output"
	[[ "$stderr" != *secretword* ]] || fail "grep found hidden text: $stderr"
	for args in "entries bob --format json" "show e00000b" "show --raw e00000b" \
		"show --format json e00000b" "show --html e00000b" "status bob" \
		"status bob --format json" "show $P"; do
		run coach $args
		assert_status 0
		assert_output_lacks "secretword"
	done
	run coach show --raw e00000b
	expected=$'---\nid: e00000b\ndate: 2026-11-25\nkind: reflection\nauthor: bob\nprivate: true\n---\n(private)'
	[ "$output" = "$expected" ] || fail "got:" "$output"
	run coach show --format json e00000b
	run python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["body"] == "(private)", d' "$output"
	assert_status 0
	run coach entries bob --format json
	run python3 -c '
import json, sys
[p] = [e for e in json.loads(sys.argv[1]) if e["id"] == "e00000b"]
assert p["private"] is True and p["body"] == "(private)" and p["first_line"] == "(private)", p
' "$output"
	assert_status 0
}

assert_shown() {
	run coach entries bob
	assert_line "2026-11-25  reflection   e00000b  (private) I felt the lesson went badly; secretword."
	run coach entries bob --grep secretword
	assert_output_has "e00000b"
	for args in "show e00000b" "show --raw e00000b" "show --format json e00000b" \
		"entries bob --format json"; do
		run coach $args
		assert_status 0
		assert_output_has "secretword"
	done
}

@test "the coach (not the author) sees (private), in entries, show, show --raw and status" {
	as ada
	assert_hidden
	run coach status bob
	assert_line "Last entry:   2026-11-25 (yesterday)  reflection  e00000b  (private)"
}

@test "someone else entirely sees (private)" {
	as cy
	assert_hidden
}

@test "who coach does not know sees (private)" {
	git config user.email nobody@else.example
	run coach entries bob
	assert_line "2026-11-25  reflection   e00000b  (private)"
	run coach show --raw e00000b
	assert_output_lacks "secretword"
}

@test "an email no staff record holds is known absent without reading every record; an uncommitted or broken record with it still counts" {
	command -v strace >/dev/null || skip "strace is not installed"
	[ -z "${ASAN_OPTIONS:-}" ] || export ASAN_OPTIONS=${ASAN_OPTIONS//detect_leaks=1/detect_leaks=0}
	for i in 1 2 3 4 5 6; do "$COACH" staff add "s$i" --name "Staff $i" --email "s$i@school.example" >/dev/null; done
	git config user.email nobody@else.example
	coach entries bob >/dev/null
	# Records are read with O_NOATIME (a file git's index holds as racy
	# is hashed to compare its content, which is not reading a record).
	strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" "$COACH" entries bob >/dev/null
	n=$(grep -cE 'staff/[a-z0-9]+[.]md", O_RDONLY[|]O_NOATIME' "$BATS_TEST_TMPDIR/trace" || true)
	[ "$n" -eq 0 ] || fail "$n staff records read: $(grep 'staff/' "$BATS_TEST_TMPDIR/trace")"
	run coach entries bob
	assert_line "2026-11-25  reflection   e00000b  (private)"
	# A record made by hand, not committed: found, and the text shown.
	printf -- '---\nname: Bob Again\nemail: nobody@else.example\n---\n' >staff/zz.md
	run coach status
	assert_status 0
	assert_output_has "zz (Bob Again)"
	rm staff/zz.md
	# A record the cache has no email for that mentions it: read, and
	# when it does not parse, coach says so.
	printf -- '---\nname: [Broken\nemail: nobody@else.example\n---\n' >staff/s3.md
	git commit -qam "s3 broken"
	run coach status
	assert_status 1
	assert_output_has "your staff record cannot be read"
	# One with no email at all, committed: still known absent.
	printf -- '---\nname: Staff 3\n---\n' >staff/s3.md
	git commit -qam "s3 without email"
	strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" "$COACH" entries bob >/dev/null
	n=$(grep -cE 'staff/[a-z0-9]+[.]md", O_RDONLY[|]O_NOATIME' "$BATS_TEST_TMPDIR/trace" || true)
	[ "$n" -le 1 ] || fail "$n staff records read: $(grep 'staff/' "$BATS_TEST_TMPDIR/trace")"
}

@test "the coachee, who wrote it, sees the text" {
	as bob
	assert_shown
	run coach status
	assert_output_has "(private)  I felt the lesson went badly; secretword."
}

@test "the author sees their private entry in someone else's log; the coachee too" {
	printf -- '---\nid: e00000c\ndate: 2026-11-26\nkind: observation\nauthor: ada\nprivate: true\n---\nAda notes: hushword.\n' \
		>coaching/bob/log/2026-11-26-e00000c.md
	as ada
	run coach show e00000c
	assert_output_has "hushword"
	as bob
	run coach show e00000c
	assert_output_has "hushword"
	as cy
	run coach show e00000c
	assert_output_lacks "hushword"
	assert_output_has "(private)"
}

@test "an unreadable private value keeps the text private" {
	sed -i 's/^private: true$/private: "yes"/' $P
	as ada
	run coach entries bob
	assert_line "2026-11-25  reflection   e00000b  (private)"
}

@test "coach(5) says what private means and that the file itself is readable" {
	run grep -c "anyone who can read the repository" "$TOP/man/coach.5.scd"
	assert_status 0
}

@test "edit opens a private entry only for its author and its coachee" {
	mkdir -p "$HOME/bin"
	printf '#!/bin/sh\ncp "$1" "$HOME/seen"\n' >"$HOME/bin/peek"
	chmod +x "$HOME/bin/peek"
	export EDITOR="$HOME/bin/peek"
	for who in ada cy; do
		as $who
		rm -f "$HOME/seen"
		run coach edit e00000b
		assert_status 1
		assert_output_has "is a private entry"
		[ ! -e "$HOME/seen" ] || fail "the editor was opened for $who"
		assert_output_lacks "secretword"
	done
	[ -z "$(git status --porcelain)" ] || fail "edit left changes"
	as bob
	run coach edit e00000b
	assert_status 0
	grep -q secretword "$HOME/seen" || fail "bob's editor did not get the text"
}
