# A small, valid school written by hand (no coach command involved), for
# the check and status tests.  Line numbers of the records are fixed: the
# tests name them.
#
#   staff/ada.md, staff/bob.md          ada (git user, coach) coaches bob
#   priorities/reading.md, framework/cold-call.md
#   coaching/bob/agreement.md
#   coaching/bob/goals/g111111.md       measure 40 -> 60 -> 80 (50%)
#   coaching/bob/cycles/c222222.md      open, phase practise, review 2026-11-20
#   coaching/bob/log/2026-11-20-e333333.md  a meeting
#   coaching/bob/evidence/plan.txt

bats_require_minimum_version 1.5.0

# put FILE: writes stdin to FILE, creating its folder.
put() {
	mkdir -p "$(dirname "$1")"
	cat >"$1"
}

school_by_hand() {
	mkdir school
	cd school
	git init -q
	put coach.yml <<'EOF'
school: Test School
cycle_model: steplab
EOF
	put staff/ada.md <<'EOF'
---
name: Ada Lovelace
email: ada@school.example
role: Assistant head
subjects: [maths]
phase: secondary
coach: true
joined: 2020-09-01
---
EOF
	put staff/bob.md <<'EOF'
---
name: Bob Baker
email: bob@school.example
subjects:
  - science
coach: false
---
Bob teaches science.
EOF
	put priorities/reading.md <<'EOF'
---
title: Reading across the curriculum
year: 2026-27
status: active
---
EOF
	put framework/cold-call.md <<'EOF'
---
title: Cold call
area: questioning
criteria:
  - ask, pause, name
---
EOF
	put coaching/bob/agreement.md <<'EOF'
---
coachee: bob
coach: ada
started: 2026-09-01
cadence: fortnightly
focus: questioning
status: active
---
We meet on Tuesdays.
EOF
	put coaching/bob/goals/g111111.md <<'EOF'
---
id: g111111
title: More pupils answer
status: active
opened: 2026-09-10
priority: reading
strategies: [cold-call]
measure:
  name: pupils answering
  unit: '%'
  baseline: 40
  target: 80
measurements:
  - {date: 2026-10-01, value: 50}
  - date: 2026-11-01
    value: 60
---
Every pupil thinks before anyone answers.
EOF
	put coaching/bob/cycles/c222222.md <<'EOF'
---
id: c222222
goal: g111111
step: Pause three seconds after each question
phase: practise
started: 2026-11-01
review: 2026-11-20
---
EOF
	put coaching/bob/log/2026-11-20-e333333.md <<'EOF'
---
id: e333333
date: 2026-11-20
kind: meeting
author: ada
goal: g111111
cycle: c222222
evidence: [coaching/bob/evidence/plan.txt, 'https://video.example/1']
hours: 1
private: false
---
We rehearsed the pause with the class.
EOF
	put coaching/bob/evidence/plan.txt <<'EOF'
Lesson plan.
EOF
	git add -A
	git commit -qm "school by hand"
}

# edit FILE PYTHON: rewrites FILE with a Python expression over its text s.
edit() {
	python3 - "$1" "$2" <<'EOF'
import sys
path, expr = sys.argv[1], sys.argv[2]
s = open(path, encoding="utf-8").read()
s = eval(expr)
open(path, "w", encoding="utf-8").write(s)
EOF
}

# set_line FILE N TEXT: replaces line N of FILE with TEXT.
set_line() {
	python3 - "$@" <<'EOF'
import sys
path, n, text = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(path, encoding="utf-8").read().split("\n")
lines[n - 1] = text
open(path, "w", encoding="utf-8").write("\n".join(lines))
EOF
}

# assert_line TEXT: one whole line of the output is TEXT.
assert_line() {
	local l
	while IFS= read -r l; do
		[ "$l" = "$1" ] && return 0
	done <<<"$output"
	fail "expected a line: $1" "output: $output"
}

# assert_problems N: coach check's output has exactly N problem lines.
assert_problems() {
	local n
	n=$(grep -cE '^[^ ]+(:[0-9]+)?: (error|warning): ' <<<"$output" || true)
	[ "$n" -eq "$1" ] || fail "expected $1 problem lines, got $n" "output: $output"
}
