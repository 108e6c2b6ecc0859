#!/usr/bin/env bats
# coach report: every figure checked against report_expect.py, which reads
# the records with PyYAML and computes them on its own.
load helper
bats_require_minimum_version 1.5.0

TOOLS="$TOP/tests/tools"

# A generated school (tests/tools/report_school.py) in ./school.
generated_school() {
	new_school "Gen School"
	python3 "$TOOLS/report_school.py" . "$1"
}

# same_as_python BY [SINCE|-] [UNTIL|-]: coach's JSON figures are
# report_expect.py's, one by one.
same_as_python() {
	local by=$1 since=${2:--} until=${3:--} args=(--by "$1")
	[ "$since" = - ] || args+=(--since "$since")
	[ "$until" = - ] || args+=(--until "$until")
	python3 "$TOOLS/report_expect.py" . "$by" "$COACH_TODAY" "$since" \
		"$until" >"$BATS_TEST_TMPDIR/want.json"
	"$COACH" report "${args[@]}" --format json \
		>"$BATS_TEST_TMPDIR/got.json" 2>"$BATS_TEST_TMPDIR/err" ||
		fail "report ${args[*]} failed: $(cat "$BATS_TEST_TMPDIR/err")"
	python3 "$TOOLS/report_compare.py" "$BATS_TEST_TMPDIR/want.json" \
		<"$BATS_TEST_TMPDIR/got.json" || fail "report ${args[*]} differs"
}

@test "report: every figure of every grouping matches an independent computation" {
	for seed in 1 2; do
		cd "$BATS_TEST_TMPDIR" && rm -rf school
		generated_school "$seed"
		for by in school person coach subject phase priority strategy; do
			same_as_python "$by"
		done
	done
}

@test "report --since/--until: entries, measurements and cycles in the window, goals as of --until" {
	generated_school 3
	for by in school person subject priority; do
		same_as_python "$by" 2026-10-01 2026-10-31
		same_as_python "$by" - 2026-10-15
		same_as_python "$by" 2026-11-01 -
	done
	# The window changes the figures (so the checks above can fail).
	run coach report --format csv --until 2026-09-20
	a=$output
	run coach report --format csv
	[ "$a" != "$output" ] || fail "--until changed nothing"
}

@test "report: the generated school has every case the figures must get right" {
	generated_school 1
	python3 - <<'PY'
import glob, yaml, sys
def fm(p):
    t = open(p).read().split("---\n")
    try:
        return yaml.safe_load(t[1])
    except (yaml.YAMLError, IndexError):
        return None
goals = [fm(p) for p in glob.glob("coaching/*/goals/g[0-9a-f]*.md")]
ok = lambda g: isinstance(g, dict) and isinstance(g.get("measure"), dict)
m = [g for g in goals if ok(g)]
assert any(not ok(g) for g in goals), "no goal without a measure"
assert any(g["measure"]["target"] < g["measure"]["baseline"] for g in m), "no lower-is-better"
assert any(any(x["value"] < g["measure"]["baseline"] for x in g.get("measurements") or [])
           for g in m if g["measure"]["target"] > g["measure"]["baseline"]), "no value below baseline"
cycles = [fm(p) for p in glob.glob("coaching/*/cycles/*.md")]
assert any("review" not in c for c in cycles), "no cycle without review"
assert len(fm("staff/bob.md")["subjects"]) == 2
PY
}

@test "report: progress is clamped to [0, 1], and lower is better when the target is below the baseline" {
	school_with_staff
	coach agree bob --coach ada >/dev/null
	coach goal add bob "Fewer interruptions" --measure interruptions \
		--baseline 10 --target 4 --date 2026-09-10 >/dev/null
	coach goal add bob "More hands" --measure hands --baseline 10 \
		--target 20 --date 2026-09-10 >/dev/null
	coach goal add bob "No measure" --date 2026-09-10 >/dev/null
	g1=$(grep -l "Fewer" coaching/bob/goals/*.md); g1=$(basename "$g1" .md)
	g2=$(grep -l "More hands" coaching/bob/goals/*.md); g2=$(basename "$g2" .md)
	coach goal measure "$g1" 7 --date 2026-10-01 >/dev/null  # half way
	coach goal measure "$g2" 8 --date 2026-10-01 >/dev/null  # below baseline
	same_as_python school
	same_as_python person
	run python3 -c 'import json,sys; i=json.load(open(sys.argv[1]))["groups"][0]["impact"]; print(i["measured"], i["progress"])' "$BATS_TEST_TMPDIR/got.json"
	[ "$output" = "2 0.25" ] || fail "impact: $output"
}

@test "report: an empty school has one group with nothing in it, by person none" {
	new_school "Empty School"
	same_as_python school
	same_as_python person
	run coach report
	assert_status 0
	assert_output_has "Empty School"
	run coach report --by person
	assert_status 0
	run coach report --by person --format csv
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ] || fail "$output"
}

@test "report: hostile records are left out with one warning each, never counted twice" {
	generated_school 2
	run --separate-stderr coach report --format json
	assert_status 0
	for bad in coaching/bob/goals/gbad001.md coaching/bob/goals/gbad002.md \
		coaching/bob/log/2026-10-01-ebad003.md \
		coaching/cy/log/2026-10-02-ebad004.md \
		coaching/cy/goals/gl1nk00.md coaching/zed; do
		n=$(grep -c "warning: $bad" <<<"$stderr")
		[ "$n" -eq 1 ] || fail "$bad warned $n times" "$stderr"
	done
	# The linked folder and the linked goal add nothing.
	same_as_python person
	same_as_python school
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert "zed" not in [g["key"] for g in d["groups"]]' \
		<<<"$(coach report --by person --format json 2>/dev/null)"
}

@test "report: no format prints an entry's body, first line or a title" {
	generated_school 1
	for f in text json csv markdown; do
		for by in school person subject; do
			run coach report --by "$by" --format "$f"
			assert_status 0
			assert_output_lacks "CANARY"
		done
	done
	coach report --format json -o out.json
	[ -s out.json ] && ! grep -q CANARY out.json
	# Private entries count: the figures above include them.
	grep -l "private: true" coaching/*/log/*.md >/dev/null
}

@test "report --by person|coach is refused when coach.yml says privacy: {individual: false}" {
	generated_school 1
	sed -i 's/individual: true/individual: false/' coach.yml
	grep -q "individual: false" coach.yml
	for by in person coach; do
		run coach report --by "$by"
		assert_status 1
		assert_output_has "individual: false"
		assert_output_lacks "bob"
	done
	run coach report --by subject
	assert_status 0
}

@test "report --format csv: RFC 4180, one header row, one row per group, the JSON's figures" {
	generated_school 1
	sed -i 's/subjects: \[maths, science\]/subjects: [maths, "art, \\"design\\""]/' staff/bob.md
	coach report --by subject --format json >r.json
	coach report --by subject --format csv >r.csv
	python3 - <<'PY'
import csv, json
raw = open("r.csv", newline="").read()
assert raw.endswith("\r\n") and "\n" not in raw.replace("\r\n", "")
rows = list(csv.DictReader(open("r.csv", newline="")))
groups = json.load(open("r.json"))["groups"]
assert [r["key"] for r in rows] == [g["key"] for g in groups], rows
assert 'art, "design"' in [r["key"] for r in rows]
for r, g in zip(rows, groups):
    for s, n in g["goals"].items():
        assert int(r["goals_" + s]) == n, (s, r, g)
    for k, n in g["entries"].items():
        assert int(r["entries_" + k]) == n
    for p, n in g["cycles"]["phases"].items():
        assert int(r["cycles_" + p]) == n
    c = g["cycles"]
    assert int(r["cycles_open"]) == c["open"]
    assert int(r["cycles_completed"]) == c["completed"]["total"]
    assert int(r["outcome_not-yet"]) == c["completed"]["not-yet"]
    assert int(r["cycles_overdue"]) == c["overdue"]
    assert (r["median_cycle_days"] == "") == (c["median_days"] is None)
    if c["median_days"] is not None:
        assert abs(float(r["median_cycle_days"]) - c["median_days"]) < 0.06
    assert int(r["meetings"]) == g["meetings"]
    assert abs(float(r["cpd_hours"]) - g["cpd_hours"]) < 1e-6
    assert int(r["measured"]) == g["impact"]["measured"]
    if g["impact"]["measured"]:
        assert abs(float(r["progress"]) - g["impact"]["progress"]) < 0.001
PY
}

@test "report --format markdown and text: one row per group" {
	generated_school 1
	coach report --by subject --format json >r.json
	n=$(python3 -c 'import json; print(len(json.load(open("r.json"))["groups"]))')
	run --separate-stderr coach report --by subject --format markdown
	assert_status 0
	# The header, the delimiter row and a row per group.
	[ "$(grep -c '^| ' <<<"$output")" -eq $((n + 2)) ] || fail "$output"
	# cmark reads the table as a table.
	if command -v cmark-gfm >/dev/null; then
		cmark-gfm -e table <<<"$output" | grep -q "<table>"
	fi
	run --separate-stderr coach report --by subject
	assert_status 0
	[ "$(wc -l <<<"$output")" -eq $((n + 1)) ] || fail "$output"
	assert_output_has "science"
	run coach report --by coach
	assert_output_has "cadence"
}

@test "report: usage errors" {
	new_school
	run coach report --by class
	assert_status 2
	assert_output_has "--by must be one of school, person"
	run coach report --format pdf
	assert_status 2
	run coach report --since 2026-11-01 --until 2026-10-01
	assert_status 1
	assert_output_has "swap them"
	run coach report extra
	assert_status 2
}

# chromium [ARGS...]: headless Chromium with its profile in the test's
# directory; root needs --no-sandbox.
chromium_run() {
	local sandbox=()
	[ "$(id -u)" -ne 0 ] || sandbox=(--no-sandbox)
	timeout 60 chromium --headless "${sandbox[@]}" --disable-gpu \
		--hide-scrollbars --no-first-run --disable-extensions \
		--user-data-dir="$BATS_TEST_TMPDIR/chromium" "$@" 2>/dev/null
}

@test "report --format html: one page, no script, nothing fetched, no record's words" {
	generated_school 1
	coach report --by subject --format html -o page.html 2>/dev/null
	[ -s page.html ]
	! grep -qi "<script" page.html || fail "the page has a script"
	# The only URL is SVG's namespace; nothing is fetched.
	[ "$(grep -oE "(https?:)?//[^\"' )]*" page.html | sort -u)" = \
		"http://www.w3.org/2000/svg" ] || fail "$(grep -oE "https?://[^\"']*" page.html)"
	! grep -qiE "<(img|link|iframe|object|embed)\b|@import|url\(" page.html ||
		fail "the page loads something"
	! grep -q CANARY page.html || fail "a record's words are on the page"
	for id in goals cycles impact cpd; do
		grep -q "<svg class=\"chart\" id=\"$id\"" page.html || fail "no $id chart"
	done
	grep -q "@page{size:A4" page.html
	grep -q 'name="viewport"' page.html
	# Every group is on the page: one row of the goals chart each.
	n=$(coach report --by subject --format json 2>/dev/null |
		python3 -c 'import json,sys; print(len(json.load(sys.stdin)["groups"]))')
	[ "$(grep -c '</tr>' page.html)" -eq $((n + 1)) ]
}

@test "report --format html: headless Chromium draws every chart" {
	command -v chromium >/dev/null ||
		skip "chromium is not installed (tests/deps installs Debian's chromium package)"
	generated_school 1
	coach report --by subject --format html -o page.html 2>/dev/null
	! grep -qi "<script" page.html
	# A copy with a script that writes down the charts' sizes, read back
	# with --dump-dom; the page itself stays script-free.
	sed 's|</body>|<script>document.body.setAttribute("data-sizes", JSON.stringify([...document.querySelectorAll("svg.chart")].map(s => { const r = s.getBoundingClientRect(); return [s.id, r.width, r.height, [...s.querySelectorAll("rect")].filter(e => { const b = e.getBBox(); return b.width > 0 \&\& b.height > 0; }).length]; })));</script></body>|' \
		page.html >probe.html
	chromium_run --window-size=800,1200 --dump-dom "file://$PWD/probe.html" >dom.html
	python3 - <<'PY'
import html, json, re
dom = open("dom.html").read()
m = re.search(r'data-sizes="([^"]*)"', dom)
assert m, "chromium wrote no sizes"
sizes = {s[0]: s[1:] for s in json.loads(html.unescape(m.group(1)))}
assert sorted(sizes) == ["cpd", "cycles", "goals", "impact"], sizes
for name, (w, h, rects) in sizes.items():
    assert w > 300 and h > 20, (name, w, h)
    assert rects > 0, (name, "no bar drawn")
PY
	# A screenshot shows the charts' colours, on a desktop and on a phone.
	for size in 1000,1600 390,2400; do
		chromium_run --window-size=$size --screenshot="$PWD/shot.png" \
			"file://$PWD/page.html" >/dev/null
		[ -s shot.png ] || fail "no screenshot at $size"
		run python3 "$TOOLS/png_colours.py" shot.png '#3a9d5d' '#2b7bba'
		assert_status 0
		read -r _ distinct < <(sed -n 2p <<<"$output")
		[ "$distinct" -gt 20 ] || fail "blank screenshot: $output"
		for c in '#3a9d5d' '#2b7bba'; do
			px=$(awk -v c="$c" '$1 == c { print $2 }' <<<"$output")
			[ "$px" -gt 200 ] || fail "$c drawn on $px pixels at $size"
		done
	done
}
