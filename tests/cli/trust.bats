#!/usr/bin/env bats
# coach trust: a workspace that pulls every school's summary in parallel,
# and report --trust across them.  Schools are generated bare repositories
# (tests/bench/trust_gen.py); figures are checked against
# tests/tools/report_expect.py reading the pulled trees as git archive
# exports them.

load helper

GEN="$TOP/tests/bench/trust_gen.py"
TOOLS="$TOP/tests/tools"

teardown() {
	if [ -n "${hang_pid:-}" ]; then kill "$hang_pid" 2>/dev/null || true; fi
	if [ -n "${lock_pid:-}" ]; then kill "$lock_pid" 2>/dev/null || true; fi
}

# N schools generated in ./gen, and a workspace ./tw listing them (written
# into trust.yml by hand, as a trust's administrator may).
trust_of() {
	python3 "$GEN" gen "$1" "${2:-1}"
	coach trust init tw --trust "Oak Trust" >/dev/null
	{
		echo "trust: Oak Trust"
		echo "schools:"
		while read -r name path; do
			printf '  - name: %s\n    url: %s\n' "$name" "$path"
		done <gen/list
	} >tw/trust.yml
	git -C tw commit -qam "schools"
}

# The trees each school last pulled, exported by git, listed for
# report_expect.py --trust.
export_pulled() {
	local g n
	rm -rf exp && mkdir exp
	for g in tw/schools/*.git; do
		n=$(basename "$g" .git)
		git -C "$g" rev-parse -q --verify refs/coach/pulled >/dev/null || continue
		mkdir "exp/$n"
		git -C "$g" archive refs/coach/pulled | tar -x -C "exp/$n"
		echo "$n $PWD/exp/$n"
	done >exp/list
}

same_as_python() {
	python3 "$TOOLS/report_expect.py" --trust exp/list "$1" "$COACH_TODAY" \
		>want.json || fail "report_expect.py failed"
	(cd tw && "$COACH" report --trust --by "$1" --format json 2>/dev/null) \
		>got.json || fail "report --trust --by $1 failed"
	run python3 "$TOOLS/report_compare.py" want.json <got.json
	[ "$status" -eq 0 ] || fail "--by $1 differs from Python:" "$output"
}

@test "trust init, add, list: a git repository whose commits are trust.yml's changes" {
	run coach trust init tw --trust "Oak Trust"
	assert_status 0
	git -C tw log --format=%s | grep -qx "trust init: Oak Trust"
	[ -z "$(git -C tw status --porcelain)" ]
	cd tw
	run coach trust list
	assert_status 0
	assert_output_has "No schools yet"
	run coach trust add stmarys /srv/git/stmarys.git
	assert_status 0
	assert_output_has "Added stmarys"
	run coach trust add stmarys /elsewhere.git
	assert_status 1
	assert_output_has "already a school"
	run coach trust add "St Marys" /x.git
	assert_status 1
	run coach trust add oak https://head:s3cret@git.example/oak.git
	assert_status 1
	assert_output_has "password"
	[[ "$output" != *s3cret* ]] || fail "the password was printed: $output"
	run coach trust add oak https://git.example/oak.git
	assert_status 0
	[ "$(git log --format=%s | head -2 | tr '\n' ' ')" = "trust add: oak trust add: stmarys " ]
	! grep -q s3cret trust.yml
	python3 -c '
import sys, yaml
d = yaml.safe_load(open("trust.yml"))
assert d["trust"] == "Oak Trust", d
assert [s["name"] for s in d["schools"]] == ["stmarys", "oak"], d
assert d["schools"][1]["url"] == "https://git.example/oak.git", d'
	run coach trust list --format json
	assert_status 0
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["trust"] == "Oak Trust"
assert [(s["name"], s["last_pull"], s["ok"]) for s in d["schools"]] == \
    [("stmarys", None, None), ("oak", None, None)], d'
	run coach trust list
	assert_output_has "never"
	# Outside a workspace.
	cd "$BATS_TEST_TMPDIR"
	run coach trust list
	assert_status 1
	assert_output_has "trust init"
}

@test "trust pull: 200 schools (40 under the sanitizers) in parallel, one broken URL reported while the others succeed; report --trust matches Python" {
	n=200
	[ -z "${COACH_TEST_SANITIZED:-}" ] || n=40
	trust_of "$n"
	cd tw
	coach trust add broken "$BATS_TEST_TMPDIR/nowhere.git" >/dev/null
	run coach trust pull
	assert_status 1
	assert_output_has "pulled $n of $((n + 1)) schools"
	[ "$(grep -c '^ok ' <<<"$output")" -eq "$n" ] || fail "$output"
	grep -q '^FAILED broken: .*nowhere.git' <<<"$output" || fail "$output"
	assert_output_has "1 school failed: broken"
	# Nothing checked out: the work tree is trust.yml and .gitignore.
	[ -z "$(git status --porcelain)" ]
	[ "$(git ls-files | tr '\n' ' ')" = ".gitignore trust.yml " ]
	# Each pulled ref is the school's branch.
	for s in s000 "s$(printf %03d $((n - 1)))"; do
		[ "$(git -C schools/$s.git rev-parse refs/coach/pulled)" = \
		  "$(git -C ../gen/$s.git rev-parse summary/$s)" ]
	done
	run coach trust list --format json
	echo "$output" | python3 -c '
import json, sys
d = {s["name"]: s for s in json.load(sys.stdin)["schools"]}
assert not d["broken"]["ok"] and "nowhere" in d["broken"]["message"], d["broken"]
ok = [s for s in d.values() if s["ok"]]
assert len(ok) == int(sys.argv[1]), len(ok)
assert all(s["message"].startswith("new summary") and s["last_pull"] for s in ok)' "$n"
	cd ..
	export_pulled
	[ "$(wc -l <exp/list)" -eq "$n" ]
	for by in school person coach subject phase priority strategy; do
		same_as_python "$by"
	done
	cd tw
	run coach report --trust --by school --format csv
	assert_status 0
	[ "$(grep -c '^s[0-9]' <<<"$output")" -eq "$n" ]
	assert_output_has "broken: nothing pulled yet"
	for f in text markdown html; do
		run coach report --trust --format "$f"
		assert_status 0
	done
	# Pulled again: nothing new, and the failure stays reported.
	run coach trust pull -j 3
	assert_status 1
	[ "$(grep -c 'up to date' <<<"$output")" -eq "$n" ] || fail "$output"
}

@test "trust pull: a second pull at once is refused; a failed pull keeps the last good summary" {
	trust_of 3
	cd tw
	coach trust pull >/dev/null
	python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(60)' schools/.pull.lock "$BATS_TEST_TMPDIR/held" &
	lock_pid=$!
	for _ in $(seq 100); do [ -e "$BATS_TEST_TMPDIR/held" ] && break; sleep 0.1; done
	run coach trust pull
	assert_status 1
	assert_output_has "another 'coach trust pull' is running"
	kill "$lock_pid"
	wait "$lock_pid" 2>/dev/null || true
	lock_pid=
	before=$(git -C schools/s001.git rev-parse refs/coach/pulled)
	mv ../gen/s001.git ../gen/moved.git
	run coach trust pull
	assert_status 1
	assert_output_has "1 school failed: s001"
	[ "$(git -C schools/s001.git rev-parse refs/coach/pulled)" = "$before" ]
	run coach report --trust --by school --format csv
	assert_status 0
	grep -q '^s001,' <<<"$output" || fail "s001 left out: $output"
	run coach trust list
	grep -q 's001 .*failed' <<<"$output" || fail "$output"
}

@test "trust pull: a school that does not answer is stopped at --timeout, the others go on" {
	trust_of 2
	# A server that accepts and never says a word.
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
open(sys.argv[2], "w").close()
held = []
while True:
    held.append(s.accept())' "$port" "$BATS_TEST_TMPDIR/listening" &
	hang_pid=$!
	for _ in $(seq 100); do [ -e "$BATS_TEST_TMPDIR/listening" ] && break; sleep 0.1; done
	cd tw
	coach trust add silent "git://127.0.0.1:$port/x.git" >/dev/null
	SECONDS=0
	run coach trust pull --timeout 2
	assert_status 1
	[ "$SECONDS" -lt 20 ] || fail "took $SECONDS s"
	assert_output_has "pulled 2 of 3 schools"
	grep -q '^FAILED silent: no answer within 2 seconds' <<<"$output" || fail "$output"
	run coach trust pull --timeout 0
	assert_status 2
}

@test "trust pull: the summary named after the school, else the only one; several others are refused" {
	trust_of 2
	# s000's repository also holds s001's summary: each takes its own.
	git -C gen/s000.git fetch -q ../s001.git summary/s001:summary/s001
	cd tw
	sed -i "s|url: .*s001.git|url: $BATS_TEST_TMPDIR/gen/s000.git|" trust.yml
	run coach trust pull
	assert_status 0
	[ "$(git -C schools/s001.git rev-parse refs/coach/pulled)" = \
	  "$(git -C ../gen/s000.git rev-parse summary/s001)" ]
	[ "$(git -C schools/s000.git rev-parse refs/coach/pulled)" = \
	  "$(git -C ../gen/s000.git rev-parse summary/s000)" ]
	# Each fetched its own branch only.
	[ "$(git -C schools/s000.git for-each-ref --format='%(refname)' refs/summary/)" = refs/summary/s000 ]
	[ "$(git -C schools/s001.git for-each-ref --format='%(refname)' refs/summary/)" = refs/summary/s001 ]
	coach trust add other "$BATS_TEST_TMPDIR/gen/s000.git" >/dev/null
	run coach trust pull
	assert_status 1
	assert_output_has "several summaries there (s000, s001)"
}
