#!/usr/bin/env bats
# Text from a file never drives the terminal: whatever a record holds
# (ESC, CSI, OSC that sets the window title, BEL, C1 controls), coach's
# human output on stdout and stderr carries none of it.  With colour on,
# only coach's own SGR sequences remain.
load records

# The hostile text, as YAML double-quoted escapes: CSI clear screen, an
# OSC title ended by BEL, a bell, CSI as the C1 control U+009B, and a C1
# OSC (U+009D).
EVIL='\e[2J\e]0;owned\a bell\a csi\u009b31m osc\u009d0;t\u009c'

setup() {
	setup_scratch
	school_with_staff
	coach agree bob --coach ada >/dev/null
	cat >staff/bob.md <<-END
	---
	name: "Bob $EVIL Baker"
	role: "Teacher $EVIL"
	coach: false
	joined: 2026-11-01
	---
	END
	mkdir -p coaching/bob/goals coaching/bob/cycles coaching/bob/log
	cat >coaching/bob/goals/g0a0b0c.md <<-END
	---
	id: g0a0b0c
	title: "Questions $EVIL"
	status: active
	opened: 2026-11-01
	"key $EVIL": "value $EVIL"
	measure:
	  name: "hands $EVIL"
	  baseline: 1
	  target: 5
	---
	END
	# The body holds the raw bytes, as a hand edit could.
	printf 'Body \033]0;owned\007 \033[31mred\033[0m \302\233 \302\235 bell\007\n' \
		>>coaching/bob/goals/g0a0b0c.md
	cat >coaching/bob/cycles/c0a0b0c.md <<-END
	---
	id: c0a0b0c
	goal: g0a0b0c
	step: "Wait $EVIL"
	phase: "plan"
	started: 2026-11-02
	review: 2026-11-20
	---
	END
	cat >coaching/bob/log/2026-11-03-e0a0b0c.md <<-END
	---
	id: e0a0b0c
	date: 2026-11-03
	kind: meeting
	author: ada
	goal: g0a0b0c
	---
	END
	printf 'Met \033]0;owned\007 \033[2J \302\233 31m\n' >>coaching/bob/log/2026-11-03-e0a0b0c.md
	# A record that does not parse, quoting raw controls in its error.
	printf -- '---\nid: g0d0e0f\ntitle: \033]0;owned\007 \302\233x\nstatus: active\n---\n' \
		>coaching/bob/goals/g0d0e0f.md
	git add -A
	git commit -qm "hostile records"
}

# clean FILE [sgr]: the bytes hold no control character but newline and
# tab, no C1 control and no invalid UTF-8; with "sgr", plain SGR
# sequences (ESC [ digits m) are allowed and nothing else.
clean() {
	python3 - "$@" <<-'END'
	import re, sys
	data = open(sys.argv[1], 'rb').read()
	if len(sys.argv) > 2:
	    data = re.sub(rb'\x1b\[[0-9;]*m', b'', data)
	text = data.decode('utf-8')  # fails on invalid UTF-8
	bad = [hex(ord(c)) for c in text
	       if (ord(c) < 0x20 and c not in '\n\t') or 0x7f <= ord(c) <= 0x9f]
	if bad:
	    print('control characters:', sorted(set(bad)))
	    sys.exit(1)
	END
}

# each_output COLOR: runs every human output, stdout and stderr into
# out.N, with --color=COLOR.
each_output() {
	local n=0 args
	while IFS= read -r args; do
		n=$((n + 1))
		eval "\"\$COACH\" --no-pager --color=$1 $args" >"out.$n" 2>&1 || true
		echo "$args" >"cmd.$n"
		[ -s "out.$n" ] || fail "no output from: coach $args"
	done <<-'END'
	status bob
	goal list bob
	goal list --all
	goal show g0a0b0c
	cycle list bob
	cycle list --all
	staff list
	staff show bob
	entries bob
	show g0a0b0c
	show e0a0b0c
	show c0a0b0c
	show staff/bob.md
	show g0d0e0f
	check
	edit g0d0e0f
	goal measure g0d0e0f 3
	END
	echo "$n"
}

@test "no control character from a record reaches the terminal" {
	local n i
	n=$(each_output never)
	for i in $(seq "$n"); do
		clean "out.$i" || fail "coach $(cat "cmd.$i"):" "$(cat -v "out.$i")"
	done
	# The text itself is still shown, made visible.
	grep -q "Bob .\[2J.\]0;owned. bell. csi.31m" out.7 || fail "$(cat -v out.7)"
	grep -q "g0d0e0f" out.15 || fail "$(cat -v out.15)"
}

@test "with --color=always only coach's own SGR sequences remain" {
	local n i
	n=$(each_output always)
	grep -q $'\033\\[1m' out.7 || fail "no colour at all: $(cat -v out.7)"
	for i in $(seq "$n"); do
		clean "out.$i" sgr || fail "coach $(cat "cmd.$i"):" "$(cat -v "out.$i")"
	done
	# The record's own SGR is not one of them.
	! grep -q $'\033\\[31mred' out.10 || fail "$(cat -v out.10)"
}

@test "show --raw stays byte for byte to a pipe" {
	coach show --raw g0a0b0c >raw
	cmp raw coaching/bob/goals/g0a0b0c.md
	run coach show --raw --format json g0a0b0c
	assert_status 2
}

@test "--format json carries the text, escaped" {
	run coach goal show g0a0b0c --format json
	assert_status 0
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
want = "Questions \x1b[2J\x1b]0;owned\x07 bell\x07 csi\x9b31m osc\x9d0;t\x9c"
assert d["title"] == want, repr(d["title"])
assert all(not (0x7f <= ord(c) <= 0x9f or (ord(c) < 0x20 and c not in "\n\t"))
           for c in sys.argv[1]), "raw control in JSON text"
' "$output" || fail "$output"
}
