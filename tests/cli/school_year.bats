#!/usr/bin/env bats
# A whole school year of coaching, end to end, judged with git and PyYAML.
load helper

# Every record parses with PyYAML and has a mapping as front-matter.
all_records_parse() {
	python3 - <<'PY'
import glob, sys, yaml
bad = 0
for p in sorted(glob.glob("**/*.md", recursive=True)):
    text = open(p, encoding="utf-8").read()
    if not text.startswith("---\n"):
        print("no front-matter:", p); bad += 1; continue
    fm = text[4:].split("\n---\n", 1)[0]
    try:
        d = yaml.safe_load(fm)
    except Exception as e:
        print(p, e); bad += 1; continue
    if not isinstance(d, dict):
        print("not a mapping:", p); bad += 1
yaml.safe_load(open("coach.yml"))
sys.exit(1 if bad else 0)
PY
}

@test "a school year: staff, framework, agreements, goals, cycles, entries, evidence" {
	export COACH_TODAY=2026-09-03
	school_with_staff
	coach staff add dee --name "Dee Evans" --email dee@school.example --role "Head of science" --subject science --phase secondary --coach >/dev/null
	n0=$(commit_count)

	# The trust shares its framework; the school imports it.
	mkdir ../trust-framework
	printf -- '---\ntitle: Cold call\narea: questioning\ncriteria:\n  - Ask, pause, then name\n---\nEveryone thinks.\n' >../trust-framework/cold-call.md
	printf -- '---\ntitle: "Show-me boards"\narea: checking for understanding\n---\n' >../trust-framework/show-me.md
	run coach framework import ../trust-framework
	assert_status 0
	coach priority add feedback "Feedback that moves learning on" >/dev/null

	# Dee coaches Ada, who coaches Bob and Cy: coaching on coaching.
	coach agree ada --coach dee --focus "Coaching conversations" >/dev/null
	coach agree bob --coach ada --focus "Questioning" --cadence fortnightly >/dev/null
	coach agree cy --coach ada --coach dee --focus "Reading fluency" >/dev/null

	# Autumn: Bob's goal, measured and worked on in two cycles.
	goal=$(coach goal add bob "More pupils think hard about every question" --priority feedback \
		--strategy cold-call --measure "pupils answering" --unit "of 30" --baseline 6 --target 24)
	[[ "$goal" =~ ^g[0-9a-f]{12}$ ]]
	c1=$(coach cycle start "${goal:0:5}" --step "Pause three seconds, then cold call by name" --review 2026-09-17)
	coach log bob --kind meeting --goal "$goal" -m "We rehearsed the pause." >/dev/null
	for phase in model practise apply review; do
		coach cycle phase "$c1" "$phase" >/dev/null
	done
	export COACH_TODAY=2026-09-17
	printf 'pupil work, photographed\n' >../book-sample.txt
	coach log bob --kind observation --cycle "$c1" --evidence https://video.example/clip/42 \
		--evidence ../book-sample.txt -m "14 of 30 answered." >/dev/null
	coach goal measure "$goal" 14 >/dev/null
	coach cycle close "$c1" --outcome partly -m "Add show-me boards" >/dev/null
	c2=$(coach cycle start "$goal" --step "Boards up on three, every pupil")
	coach log bob --kind reflection --private -m "I felt nervous about the silence." >/dev/null
	coach log ada --kind cpd --hours 1.5 -m "Trust coaching training" >/dev/null

	# Spring: Bob's goal achieved; Cy's agreement ends and a new one starts.
	export COACH_TODAY=2027-03-10
	coach goal measure "$goal" 25 >/dev/null
	coach cycle close "$c2" --outcome met -m "Keep it going" >/dev/null
	coach goal status "$goal" achieved >/dev/null
	coach agree cy --end >/dev/null
	coach agree cy --coach dee --focus "Phonics" >/dev/null

	# One commit per command, each by the git user, and git agrees it is sound.
	[ "$(commit_count)" -eq $((n0 + 23)) ] || fail "commits: $(commit_count), expected $((n0 + 23))"
	[ -z "$(git log --format='%ae' | grep -v '^ada@school.example$')" ]
	assert_repo_sound
	all_records_parse

	# What was written, read back by an independent parser.
	g=coaching/bob/goals/$goal.md
	[ "$(yaml "$g" status)" = '"achieved"' ]
	[ "$(yaml "$g" closed)" = '"2027-03-10"' ]
	[ "$(yaml "$g" measurements)" = '[{"date": "2026-09-17", "value": 14}, {"date": "2027-03-10", "value": 25}]' ]
	[ "$(yaml coaching/bob/cycles/$c1.md outcome)" = '"partly"' ]
	[ "$(yaml coaching/bob/cycles/$c1.md next)" = '"Add show-me boards"' ]
	[ "$(yaml coaching/bob/cycles/$c2.md phase)" = '"plan"' ]
	[ -f coaching/bob/evidence/book-sample.txt ]
	cmp coaching/bob/evidence/book-sample.txt ../book-sample.txt
	[ "$(yaml coaching/cy/agreement.md coach)" = '"dee"' ]
	[ "$(yaml coaching/cy/agreement.md status)" = '"active"' ]
	[ "$(git log --format=%s -- coaching/cy/agreement.md | head -3 | tr '\n' '|')" = "agree: cy with dee|agree: cy ended|agree: cy with ada,dee|" ]
	[ "$(yaml framework/cold-call.md criteria)" = '["Ask, pause, then name"]' ]

	# The school's view: everything is valid and the journal reads back.
	run coach check
	assert_status 0
	run coach entries bob --format json
	assert_status 0
	[ "$(printf '%s' "$output" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -eq 3 ]
	run coach status bob
	assert_status 0
	assert_output_has "coached by ada"
	run coach goal list bob --status achieved
	assert_output_has "${goal:0:7}"
}

@test "a hand edit survives a command's rewrite of the same record" {
	school_with_staff
	goal=$(coach goal add bob "Better questions" --measure "hands up" --baseline 2 --target 10)
	f=coaching/bob/goals/$goal.md
	# The coach adds a comment and a key of the school's own, by hand.
	sed -i 's/^title: /# agreed at the September meeting\ntitle: /' "$f"
	awk 'NR==2{print "department_code: SCI-7"} {print}' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
	git commit -qam "hand edit"
	cp "$f" ../before.md
	coach goal measure "$goal" 4 >/dev/null
	coach goal status "$goal" paused >/dev/null
	# Only the status line changed and the measurement lines were added.
	diff ../before.md "$f" >../changes || true
	[ "$(grep -c '^<' ../changes)" -eq 1 ]
	grep -q '^< status: active' ../changes
	grep -q '^# agreed at the September meeting$' "$f"
	[ "$(yaml "$f" department_code)" = '"SCI-7"' ]
	run coach check
	assert_status 0
	assert_repo_sound
}

@test "two clones write at once and git merges their records without loss" {
	school_with_staff
	cd ..
	git clone -q school laptop
	(cd school && coach log bob --kind meeting -m "From the school" >/dev/null)
	(cd laptop && coach log bob --kind note -m "From the laptop" >/dev/null)
	cd school
	git pull -q --no-rebase --no-edit ../laptop main
	[ "$(ls coaching/bob/log | wc -l)" -eq 2 ]
	run coach entries bob
	assert_output_has "From the school"
	assert_output_has "From the laptop"
	assert_repo_sound
}
