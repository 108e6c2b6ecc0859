#!/usr/bin/env bats
load helper

json_str() {
	python3 -c 'import json, sys; print(json.dumps(sys.argv[1], ensure_ascii=False))' "$1"
}

# refused STATUS TEXT ARGS...: coach ARGS exits with STATUS and a
# "coach: " message containing TEXT, and writes and commits nothing.
refused() {
	local want=$1 text=$2 head
	shift 2
	head=$(git rev-parse HEAD)
	run coach "$@"
	assert_status "$want"
	assert_output_has "coach: "
	assert_output_has "$text"
	[ "$(git rev-parse HEAD)" = "$head" ] || fail "a commit was made"
	[ -z "$(git status --porcelain --untracked-files=all)" ] ||
		fail "files were written:" "$(git status --porcelain --untracked-files=all)"
}

@test "agree writes the agreement with one coach as a handle, in one commit" {
	school_with_staff
	before=$(commit_count)
	run coach agree bob --coach ada
	assert_status 0
	assert_output_has "bob is coached by ada"
	[ "$(yaml coaching/bob/agreement.md)" = '{"coachee": "bob", "coach": "ada", "started": "2026-11-26", "status": "active"}' ]
	[ "$(python3 "$FM" --body coaching/bob/agreement.md)" = "" ]
	[ "$(commit_count)" -eq $((before + 1)) ]
	[ "$(git log -1 --format=%s)" = "agree: bob with ada" ]
	[ "$(git show --name-only --format= HEAD)" = "coaching/bob/agreement.md" ]
	assert_repo_sound
}

@test "agree with several coaches, focus, cadence and a date" {
	school_with_staff
	run coach agree bob --coach ada --coach cy --focus "Questioning: wait time" \
		--cadence "fortnightly, 20 minutes" --date 2026-09-10
	assert_status 0
	[ "$(yaml coaching/bob/agreement.md)" = '{"coachee": "bob", "coach": ["ada", "cy"], "started": "2026-09-10", "cadence": "fortnightly, 20 minutes", "focus": "Questioning: wait time", "status": "active"}' ]
	[ "$(git log -1 --format=%s)" = "agree: bob with ada,cy" ]
	run coach agree cy --coach ada --date yesterday
	[ "$(yaml coaching/cy/agreement.md started)" = '"2026-11-25"' ]
	assert_repo_sound
}

@test "agree reads hostile focus and cadence back identically" {
	school_with_staff
	values=("yes" "no" "null" "~" "42" "2026-01-01" "a: b # c" "'single' \"double\""
		$'first line\nsecond line' "Über 😀" "-leading" "[x]" "&a *b" "|" ">")
	for v in "${values[@]}"; do
		coach agree bob --end >/dev/null 2>&1 || true
		run coach agree bob --coach ada --focus "$v" --cadence "$v"
		assert_status 0
		[ "$(yaml coaching/bob/agreement.md focus)" = "$(json_str "$v")" ] || fail "focus $v"
		[ "$(yaml coaching/bob/agreement.md cadence)" = "$(json_str "$v")" ] || fail "cadence $v"
	done
	run coach agree cy --coach ada --focus=-x
	assert_status 0
	[ "$(yaml coaching/cy/agreement.md focus)" = '"-x"' ]
	assert_repo_sound
}

@test "agree refuses unknown staff, self-coaching and bad input" {
	school_with_staff
	refused 1 "no member of staff 'zed'" agree zed --coach ada
	assert_output_has "coach staff add zed"
	refused 1 "--coach: no member of staff 'zed'" agree bob --coach zed
	refused 1 "--coach: no member of staff 'zed'" agree bob --coach ada --coach zed
	refused 1 "bob cannot coach themself" agree bob --coach bob
	refused 1 "bob cannot coach themself" agree bob --coach ada --coach bob
	refused 1 "no member of staff 'Bob'; did you mean 'bob'?" agree Bob --coach ada
	refused 1 "--coach: no member of staff 'Ada'; did you mean 'ada'?" agree bob --coach Ada
	refused 1 "invalid handle '../bob'" agree ../bob --coach ada
	refused 1 "--coach: invalid handle '../ada'" agree bob --coach ../ada
	refused 1 "--date: '2026-02-30' is not a date" agree bob --coach ada --date 2026-02-30
	refused 1 "control character" agree bob --coach ada --focus $'x\001y'
	[ ! -e coaching ]
}

@test "agree usage mistakes exit 2" {
	school_with_staff
	refused 2 "--coach HANDLE" agree bob
	refused 2 "COACHEE" agree --coach ada
	refused 2 "one COACHEE" agree bob cy --coach ada
	refused 2 "takes only --date" agree bob --end --coach ada
	refused 2 "takes only --date" agree bob --end --focus x
	refused 2 "unknown option '--coaches'" agree bob --coaches ada
	refused 2 "needs a value" agree bob --coach
	refused 2 "--focus" agree bob --coach ada --focus ""
	run coach agree bob
	assert_output_has "usage: coach agree COACHEE --coach HANDLE"
	assert_output_has "COACHEE --end [--date DATE]"
}

@test "agree refuses a second active agreement and says to end it first" {
	school_with_staff
	coach agree bob --coach ada --date 2026-09-01 >/dev/null
	before=$(cat coaching/bob/agreement.md)
	refused 1 "bob already has an active agreement with ada since 2026-09-01; end it first with coach agree bob --end" \
		agree bob --coach cy
	assert_output_has "coaching/bob/agreement.md"
	[ "$(cat coaching/bob/agreement.md)" = "$before" ]
}

@test "agree --end changes only the status and adds ended" {
	school_with_staff
	coach agree bob --coach ada --focus "Questioning" --date 2026-09-01 >/dev/null
	printf '\nWe meet on Tuesdays.\n' >> coaching/bob/agreement.md
	git commit -qam "ways of working"
	before=$(commit_count)
	run coach agree bob --end
	assert_status 0
	[ "$(yaml coaching/bob/agreement.md status)" = '"ended"' ]
	[ "$(yaml coaching/bob/agreement.md ended)" = '"2026-11-26"' ]
	[ "$(yaml coaching/bob/agreement.md focus)" = '"Questioning"' ]
	[ "$(commit_count)" -eq $((before + 1)) ]
	[ "$(git log -1 --format=%s)" = "agree: bob ended" ]
	[ "$(git diff --numstat HEAD~1 HEAD)" = "2	1	coaching/bob/agreement.md" ]
	grep -qx 'We meet on Tuesdays.' coaching/bob/agreement.md
	assert_repo_sound
}

@test "agree --end refusals" {
	school_with_staff
	refused 1 "bob has no coaching agreement to end" agree bob --end
	coach agree bob --coach ada --date 2026-09-01 >/dev/null
	refused 1 "before the agreement started (2026-09-01" agree bob --end --date 2026-08-31
	coach agree bob --end --date 2026-10-01 >/dev/null
	[ "$(yaml coaching/bob/agreement.md ended)" = '"2026-10-01"' ]
	refused 1 "already ended on 2026-10-01" agree bob --end
	refused 1 "zed has no coaching agreement to end" agree zed --end
}

@test "agree --end works after the coachee's staff record was removed" {
	school_with_staff
	coach agree bob --coach ada >/dev/null
	git rm -q staff/bob.md && git commit -qm "bob left"
	run coach agree bob --end
	assert_status 0
	[ "$(yaml coaching/bob/agreement.md status)" = '"ended"' ]
	assert_repo_sound
}

@test "agree after an ended agreement starts a new one in the same file" {
	school_with_staff
	coach agree bob --coach ada --cadence weekly --focus "Questioning" --date 2026-09-01 >/dev/null
	sed -i 's/^status: active$/status: active\nroom: B12/' coaching/bob/agreement.md
	git commit -qam "hand edit"
	coach agree bob --end --date 2026-10-01 >/dev/null
	before=$(commit_count)
	run coach agree bob --coach cy --coach ada --focus "Behaviour routines"
	assert_status 0
	[ "$(yaml coaching/bob/agreement.md)" = '{"coachee": "bob", "coach": ["cy", "ada"], "started": "2026-11-26", "focus": "Behaviour routines", "status": "active", "room": "B12"}' ]
	[ "$(commit_count)" -eq $((before + 1)) ]
	[ "$(git log -1 --format=%s)" = "agree: bob with cy,ada" ]
	# The old agreement is in history.
	[ "$(git show HEAD~1:coaching/bob/agreement.md | grep -c '^ended: 2026-10-01')" -eq 1 ]
	assert_repo_sound
}

@test "coaching-on-coaching: a coach is also a coachee" {
	school_with_staff
	coach agree bob --coach ada >/dev/null
	run coach agree ada --coach cy --focus "Coaching conversations"
	assert_status 0
	[ "$(yaml coaching/ada/agreement.md coach)" = '"cy"' ]
	[ "$(yaml coaching/bob/agreement.md coach)" = '"ada"' ]
	run coach agree cy --coach bob
	assert_status 0
	run coach staff show ada --format json
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["coaches"] == ["bob"] and d["coached_by"] == ["cy"], d
'
	[ "$(commit_count)" -eq 7 ]
	assert_repo_sound
}
