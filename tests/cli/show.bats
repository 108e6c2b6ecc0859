#!/usr/bin/env bats
load records

setup() {
	setup_scratch
	school_with_staff
	mkdir -p coaching/bob/goals
	cat >coaching/bob/goals/g1a2b3c.md <<-'END'
	---
	id: g1a2b3c
	title: More pupils think hard
	status: active
	opened: 2026-09-01
	strategies: [cold-call, mini-whiteboards]
	measure: {name: pupils answering, unit: of 30, baseline: 6, target: 24}
	measurements:
	  - {date: 2026-10-01, value: 9}
	  - {date: 2026-11-01, value: 14}
	---
	# Why

	Only *six* pupils answer; the rest wait.
	END
	git add . && git commit -qm "goal add: bob g1a2b3c"
	make_entry bob 2026-11-24 e000002 cpd "CPD day." "hours: 1.5" "private: true" \
		"evidence:" "  - https://v.example/1"
}

@test "show prints a header, the keys aligned and the body" {
	run --separate-stderr coach show g1a2
	assert_status 0
	expected="goal g1a2b3c  More pupils think hard
path          coaching/bob/goals/g1a2b3c.md
id            g1a2b3c
title         More pupils think hard
status        active
opened        2026-09-01
strategies    cold-call, mini-whiteboards
measure       name: pupils answering, unit: of 30, baseline: 6, target: 24
measurements  date: 2026-10-01, value: 9
              date: 2026-11-01, value: 14
"
	[ "${output:0:${#expected}}" = "$expected" ] || fail "got:" "$output" "expected:" "$expected"
	assert_output_has "Why"
	assert_output_has "six"
	assert_output_lacks "*six*"
	[ -z "$stderr" ] || fail "stderr: $stderr"
}

@test "show of an entry lists its evidence, hours and privacy" {
	run coach show e000002
	assert_status 0
	assert_output_has "entry e000002"
	assert_output_has $'\nevidence  https://v.example/1\n'
	assert_output_has $'\nhours     1.5\n'
	assert_output_has $'\nprivate   true\n'
	assert_output_has "CPD day."
}

@test "show takes a path relative to the current directory or to the root" {
	run coach show coaching/bob/goals/g1a2b3c.md
	assert_status 0
	assert_output_has "goal g1a2b3c"
	cd coaching/bob
	run coach show goals/g1a2b3c.md
	assert_status 0
	assert_output_has "goal g1a2b3c"
	run coach show staff/bob.md
	assert_status 0
	[ "$(echo "$output" | head -1)" = "staff bob  Bob Baker" ]
}

@test "show --raw prints the file exactly" {
	printf '\nextra line with trailing space \n' >>coaching/bob/goals/g1a2b3c.md
	coach show --raw g1a2b3c >out
	cmp out coaching/bob/goals/g1a2b3c.md
}

@test "show --format json gives path, kind, typed front-matter and body" {
	run --separate-stderr coach show g1a2b3c --format json
	assert_status 0
	python3 - "$output" <<-'END'
	import json, sys
	v = json.loads(sys.argv[1])
	assert list(v) == ["path", "kind", "front_matter", "body"], list(v)
	assert v["path"] == "coaching/bob/goals/g1a2b3c.md"
	assert v["kind"] == "goal"
	fm = v["front_matter"]
	assert list(fm) == ["id", "title", "status", "opened", "strategies", "measure", "measurements"], list(fm)
	assert fm["opened"] == "2026-09-01"
	assert fm["strategies"] == ["cold-call", "mini-whiteboards"]
	assert fm["measure"] == {"name": "pupils answering", "unit": "of 30", "baseline": 6, "target": 24}, fm["measure"]
	assert fm["measurements"][1] == {"date": "2026-11-01", "value": 14}
	assert v["body"] == "# Why\n\nOnly *six* pupils answer; the rest wait.\n", repr(v["body"])
	END
	run coach show e000002 --format json
	assert_status 0
	python3 - "$output" <<-'END'
	import json, sys
	fm = json.loads(sys.argv[1])["front_matter"]
	assert fm["hours"] == 1.5 and fm["private"] is True, fm
	assert fm["id"] == "e000002" and fm["kind"] == "cpd"
	END
}

@test "show --html is one safe, self-contained page" {
	cat >coaching/bob/goals/g1a2b3c.md <<-'END'
	---
	id: g1a2b3c
	title: '<b>Bold & "quoted"</b>'
	status: active
	opened: 2026-09-01
	note: <img src=x onerror=alert(1)>
	---
	Text <script>alert(1)</script> and [a link](javascript:alert(1)).

	<iframe src="https://evil.example"></iframe>
	END
	run --separate-stderr coach show --html g1a2b3c
	assert_status 0
	assert_output_has "<!DOCTYPE html>"
	assert_output_has '<title>goal g1a2b3c: &lt;b&gt;Bold &amp; &quot;quoted&quot;&lt;/b&gt;</title>'
	assert_output_has '<dt>note</dt><dd>&lt;img src=x onerror=alert(1)&gt;</dd>'
	assert_output_lacks "<script"
	assert_output_lacks "javascript:"
	assert_output_lacks "<iframe"
	assert_output_lacks "<img"
	assert_output_lacks "<b>"
	assert_output_lacks "<link"
	! grep -qiE '<[^>]*(src|href)=["'"'"']?[a-z]+:' <<<"$output" || fail "a tag loads something"
	python3 - "$output" <<-'END'
	import sys
	from html.parser import HTMLParser
	class P(HTMLParser):
	    def __init__(self):
	        super().__init__()
	        self.stack = []
	    def handle_starttag(self, tag, attrs):
	        if tag not in ("meta", "br", "hr", "img", "input", "link"):
	            self.stack.append(tag)
	    def handle_endtag(self, tag):
	        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
	        self.stack.pop()
	p = P()
	p.feed(sys.argv[1])
	p.close()
	assert p.stack == [], p.stack
	END
}

@test "show keeps control characters in values off the terminal" {
	cat >coaching/bob/goals/g1a2b3c.md <<-'END'
	---
	id: g1a2b3c
	title: "Evil \e]0;owned\a\e[2J title"
	status: active
	opened: 2026-09-01
	---
	END
	run coach show g1a2b3c
	assert_status 0
	[[ "$output" != *$'\e'* ]] || fail "escape reached the output"
	[[ "$output" != *$'\a'* ]] || fail "bell reached the output"
	assert_output_has "Evil ?]0;owned"
}

@test "show goes through the pager on a terminal, not with --no-pager" {
	run script -qec "COACH_PAGER='sed s/^/paged:/' '$COACH' show g1a2b3c" /dev/null
	assert_status 0
	assert_output_has "paged:goal g1a2b3c"
	run script -qec "COACH_PAGER='sed s/^/paged:/' '$COACH' --no-pager show g1a2b3c" /dev/null
	assert_status 0
	assert_output_lacks "paged:"
	assert_output_has "goal g1a2b3c"
}

@test "show colours only when asked" {
	unset NO_COLOR
	run coach --color=always show g1a2b3c
	assert_status 0
	assert_output_has $'\e[1mgoal g1a2b3c'
	run coach --color=never show g1a2b3c
	assert_status 0
	[[ "$output" != *$'\e'* ]] || fail "colour with --color=never"
}

@test "show refuses an unknown, short or ambiguous id" {
	make_entry bob 2026-11-25 e000003 note "x"
	run coach show g999999
	assert_status 1
	assert_output_has "coach: no goal matches 'g999999'"
	run coach show e00
	assert_status 1
	run coach show e000
	assert_status 1
	assert_output_has "ambiguous"
	assert_output_has "e000002"
	assert_output_has "e000003"
}

@test "show refuses a path outside the repository or missing" {
	echo x >../outside.md
	run coach show ../outside.md
	assert_status 1
	assert_output_has "outside the coach repository"
	run coach show coaching/bob/goals/nope.md
	assert_status 1
	assert_output_has "nope.md"
}

@test "show names the file of a record that does not parse" {
	printf -- '---\ntitle: [unclosed\n---\n' >coaching/bob/goals/g0000aa.md
	run coach show g0000aa
	assert_status 1
	assert_output_has "coaching/bob/goals/g0000aa.md"
	run coach show --raw g0000aa
	assert_status 0
}

@test "show usage errors exit 2" {
	run coach show
	assert_status 2
	assert_output_has "usage: coach show"
	run coach show --raw --html g1a2b3c
	assert_status 2
	run coach show g1a2b3c e000002
	assert_status 2
	run coach show g1a2b3c --format xml
	assert_status 2
	run coach show --format
	assert_status 2
}

@test "show coach.yml lists the school's settings" {
	run coach show coach.yml
	assert_status 0
	[ "$(echo "$output" | head -1)" = "settings coach.yml  Test School" ]
	assert_output_has $'\nschool'
	run coach show coach.yml --format json
	assert_status 0
	[ "$(python3 -c 'import json,sys; v=json.loads(sys.argv[1]); print(v["kind"], v["front_matter"]["school"], repr(v["body"]))' "$output")" = "settings Test School ''" ]
}

@test "show refuses an evidence file but --raw prints it" {
	mkdir -p coaching/bob/evidence
	printf 'scan\n' >coaching/bob/evidence/scan.txt
	run coach show coaching/bob/evidence/scan.txt
	assert_status 1
	assert_output_has "coach: coaching/bob/evidence/scan.txt is not a record"
	assert_output_has "--raw"
	run coach show --raw coaching/bob/evidence/scan.txt
	assert_status 0
	[ "$output" = scan ]
}
