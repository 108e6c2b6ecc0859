#!/usr/bin/env bats
# Lists as tables: columns aligned by display width, headers, what an empty
# list says and where, and the order of --all.
load helper

# on_tty COMMAND...: runs coach on a terminal (script(1)), 200 columns.
on_tty() {
	local q
	q=$(printf "'%s' " "$@")
	run script -qec "stty cols 200; '$COACH' $q" /dev/null
	output=${output//$'\r'/}
}

# aligned: every cell of the table on stdin (a header and rows) starts at
# the display column of its header, as Python's unicodedata measures it:
# East Asian Wide and Fullwidth two columns, combining marks and format
# characters none.  Cells are the values in the JSON file $1, a list of
# lists in column order (an empty string for a cell left blank).
aligned() {
	python3 -c '
import json, sys, unicodedata

def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w

lines = sys.stdin.read().rstrip("\n").split("\n")
rows = json.load(open(sys.argv[1]))
head = lines[0]
starts, pos = [], 0
for word in head.split():
    i = head.index(word, pos)
    starts.append(width(head[:i]))
    pos = i + len(word)
assert len(lines) == len(rows) + 1, (lines, rows)
for line, cells in zip(lines[1:], rows):
    pos = 0
    for col, cell in enumerate(cells):
        if cell == "":
            continue
        i = line.index(cell, pos)
        got = width(line[:i])
        assert got == starts[col], "%r: %r starts at column %d, its header at %d" % (line, cell, got, starts[col])
        pos = i + len(cell)
' "$1"
}

@test "staff list aligns CJK, emoji and combining accents by display width" {
	new_school
	coach staff add hana --name "山田花子" --role "数学主任" --subject maths >/dev/null
	coach staff add ana --name "Ana 😀" --subject art >/dev/null
	coach staff add zoe --name $'Zoe\xcc\x88 Ban\xcc\x83o' --role "Head" --subject science >/dev/null
	coach staff add al --name "Al" --role "👩‍🏫 coach" --subject music >/dev/null
	run coach staff list
	assert_status 0
	cat >rows.json <<-'EOF'
	[["al", "Al", "👩‍🏫 coach", "music"],
	 ["ana", "Ana 😀", "", "art"],
	 ["hana", "山田花子", "数学主任", "maths"],
	 ["zoe", "Zoe\u0308 Ban\u0303o", "Head", "science"]]
	EOF
	printf '%s\n' "$output" | aligned rows.json || fail "$output"
}

@test "framework list aligns wide titles by display width" {
	new_school
	coach framework add cold-call "コールド・コール" --area "質問" --criterion a >/dev/null
	coach framework add model "Modelling 🧠" --area Questioning >/dev/null
	coach framework add wait "Wait time" --area $'Cafe\xcc\x81' >/dev/null
	run coach framework list
	assert_status 0
	cat >rows.json <<-'EOF'
	[["cold-call", "コールド・コール", "質問", "1"],
	 ["model", "Modelling 🧠", "Questioning", "0"],
	 ["wait", "Wait time", "Cafe\u0301", "0"]]
	EOF
	printf '%s\n' "$output" | aligned rows.json || fail "$output"
}

@test "goal list and cycle list have headers, and align wide titles" {
	school_with_staff
	g1=$(abbrev coach goal add bob "提问技巧" --date 2026-11-20)
	g2=$(abbrev coach goal add bob "Plain title")
	c1=$(abbrev coach cycle start "$g1" --step "等三秒 ⏳")
	run coach goal list bob
	assert_status 0
	cat >rows.json <<-EOF
	[["$g1", "active", "提问技巧", "-", "-"],
	 ["$g2", "active", "Plain title", "-", "-"]]
	EOF
	[[ "${lines[0]}" =~ ^ID\ +STATUS\ +TITLE\ +PROGRESS\ +DUE$ ]] || fail "$output"
	printf '%s\n' "$output" | aligned rows.json || fail "$output"
	run coach cycle list bob
	assert_status 0
	[[ "${lines[0]}" =~ ^ID\ +GOAL\ +PHASE\ +STARTED\ +REVIEW\ +OUTCOME\ +STEP$ ]] || fail "$output"
	cat >rows.json <<-EOF
	[["$c1", "$g1", "plan", "2026-11-26", "-", "open", "等三秒 ⏳"]]
	EOF
	printf '%s\n' "$output" | aligned rows.json || fail "$output"
}

@test "goal list --all and cycle list --all: by person, then by date" {
	school_with_staff
	# Ids are random: made in an order that no id order could give.
	c2=$(abbrev coach goal add cy "Cy later" --date 2026-11-20)
	b2=$(abbrev coach goal add bob "Bob later" --date 2026-11-10)
	a1=$(abbrev coach goal add "Ada's" --date 2026-11-25)
	c1=$(abbrev coach goal add cy "Cy earlier" --date 2026-10-01)
	b1=$(abbrev coach goal add bob "Bob earlier" --date 2026-09-01)
	run coach goal list --all
	assert_status 0
	[[ "${lines[0]}" =~ ^COACHEE\ +ID\ +STATUS ]] || fail "$output"
	got=$(printf '%s\n' "${lines[@]:1}" | awk '{print $2}' | tr '\n' ' ')
	[ "$got" = "$a1 $b1 $b2 $c1 $c2 " ] || fail "order: $got" "$output"
	cc2=$(abbrev coach cycle start "$c2" --step "x" --date 2026-11-21)
	cb2=$(abbrev coach cycle start "$b2" --step "x" --date 2026-11-12)
	cb1=$(abbrev coach cycle start "$b1" --step "x" --date 2026-11-11)
	cc1=$(abbrev coach cycle start "$c1" --step "x" --date 2026-11-02)
	run coach cycle list --all
	assert_status 0
	[[ "${lines[0]}" =~ ^COACHEE\ +ID\ +GOAL ]] || fail "$output"
	got=$(printf '%s\n' "${lines[@]:1}" | awk '{print $2}' | tr '\n' ' ')
	[ "$got" = "$cb1 $cb2 $cc1 $cc2 " ] || fail "order: $got" "$output"
}

@test "an empty list says so on a terminal, and how to add to it" {
	new_school
	on_tty staff list
	assert_output_has "No staff yet; add someone with: coach staff add"
	on_tty priority list
	assert_output_has "No priorities yet; add one with: coach priority add"
	on_tty framework list
	assert_output_has "No framework strategies yet"
	coach staff add ada --name Ada --email ada@school.example >/dev/null
	coach staff add zoe --name Zoe >/dev/null
	on_tty goal list zoe
	assert_output_has "no active goals for zoe; add one with 'coach goal add zoe TITLE'"
	on_tty goal list --all
	assert_output_has "no goals; add one with 'coach goal add COACHEE TITLE'"
	on_tty cycle list zoe
	assert_output_has "no cycles for zoe; start one with 'coach cycle start"
	on_tty entries zoe
	assert_output_has "no entries for zoe; write one with 'coach log zoe"
	coach log zoe -m "Met" >/dev/null
	on_tty entries zoe --kind cpd
	assert_output_has "no entries of zoe's match"
}

@test "an empty list gives a pipe no rows: the note goes to stderr, JSON stays []" {
	new_school
	out=$(coach staff list 2>err)
	[ -z "$out" ] && [ -s err ] || fail "staff list: '$out'"
	coach staff add zoe --name Zoe >/dev/null
	for cmd in "priority list" "framework list" "goal list zoe" "goal list --all" \
		"cycle list zoe" "entries zoe"; do
		# shellcheck disable=SC2086
		out=$(coach $cmd 2>err) || fail "$cmd failed"
		[ -z "$out" ] || fail "$cmd wrote to stdout: $out"
		[ -s err ] || fail "$cmd said nothing on stderr"
		# shellcheck disable=SC2086
		[ "$(coach $cmd --format json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin))')" = "[]" ] ||
			fail "$cmd --format json is not []"
	done
}
