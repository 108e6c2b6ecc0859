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

# A trust's folder of strategies, outside the school's repository.
trust_folder() {
	mkdir -p "$BATS_TEST_TMPDIR/trust"
	cat > "$BATS_TEST_TMPDIR/trust/cold-call.md" <<'EOF'
---
title: Cold call
area: Questioning
criteria:
  - Ask the question before naming the pupil
  - Wait time of three seconds
---
Everyone thinks; anyone may be asked.
EOF
	cat > "$BATS_TEST_TMPDIR/trust/modelling.md" <<'EOF'
---
title: Modelling
area: Explanation
criteria: [I do, We do, You do]
---
EOF
	echo "not a strategy" > "$BATS_TEST_TMPDIR/trust/README.txt"
	mkdir -p "$BATS_TEST_TMPDIR/trust/sub"
	printf -- '---\ntitle: Nested\n---\n' > "$BATS_TEST_TMPDIR/trust/sub/nested.md"
	printf -- '---\ntitle: Hidden\n---\n' > "$BATS_TEST_TMPDIR/trust/.hidden.md"
}

@test "framework add writes title, area and criteria in order" {
	new_school
	before=$(commit_count)
	run coach framework add cold-call "Cold call" --area Questioning \
		--criterion "Question first, then name" --criterion "Wait time"
	assert_status 0
	[ "$(yaml framework/cold-call.md)" = '{"title": "Cold call", "area": "Questioning", "criteria": ["Question first, then name", "Wait time"]}' ]
	[ "$(commit_count)" -eq $((before + 1)) ]
	[ "$(git log -1 --format=%s)" = "framework add: cold-call" ]
	assert_repo_sound
}

@test "framework add reads hostile text back identically" {
	new_school
	i=0
	for v in "Think: pair; share #1" "yes" "no" "~" "3.14" $'a\nb' "Ñ 😀" "'quoted'" '"double"'; do
		i=$((i + 1))
		run coach framework add "s$i" --area "$v" --criterion "$v" -- "$v"
		assert_status 0
		want=$(json_str "$v")
		[ "$(yaml "framework/s$i.md" title)" = "$want" ] || fail "title $v"
		[ "$(yaml "framework/s$i.md" area)" = "$want" ] || fail "area $v"
		[ "$(yaml "framework/s$i.md" criteria 0)" = "$want" ] || fail "criterion $v"
	done
	assert_repo_sound
}

@test "framework add refusals write nothing" {
	new_school
	coach framework add cold-call "Cold call" >/dev/null
	refused 1 "framework strategy 'cold-call' already exists; edit framework/cold-call.md" \
		framework add cold-call Again
	refused 1 "invalid framework id" framework add "Cold Call" T
	refused 1 "invalid framework id" framework add ../x T
	refused 2 "ID and a TITLE" framework add x
	refused 2 "TITLE" framework add x ""
	refused 2 "--criterion" framework add x X --criterion ""
	refused 2 "unknown option '--criteria'" framework add x X --criteria a
}

@test "framework list shows a table and json" {
	new_school
	coach framework add cold-call "Cold call" --area Questioning --criterion a --criterion b >/dev/null
	coach framework add modelling Modelling >/dev/null
	run coach framework list
	assert_status 0
	expected="ID         TITLE      AREA         CRITERIA
cold-call  Cold call  Questioning  2
modelling  Modelling               0"
	[ "$output" = "$expected" ] || fail "got:" "$output"
	run coach framework list --format json
	assert_status 0
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d == [
    {"id": "cold-call", "title": "Cold call", "area": "Questioning", "criteria": ["a", "b"]},
    {"id": "modelling", "title": "Modelling", "area": None, "criteria": []},
], d
'
}

@test "framework list with none says how to add or import" {
	new_school
	run coach framework list
	assert_status 0
	assert_output_has "coach framework import"
}

@test "framework import adds a folder's strategies in one commit" {
	new_school
	trust_folder
	before=$(commit_count)
	run coach framework import "$BATS_TEST_TMPDIR/trust"
	assert_status 0
	assert_output_has "framework import: 2 added, 0 updated"
	[ "$(commit_count)" -eq $((before + 1)) ]
	[ "$(git log -1 --format=%s)" = "framework import: 2 added, 0 updated" ]
	[ "$(git show --name-only --format= HEAD | sort | tr '\n' ' ')" = "framework/cold-call.md framework/modelling.md " ]
	cmp framework/cold-call.md "$BATS_TEST_TMPDIR/trust/cold-call.md"
	cmp framework/modelling.md "$BATS_TEST_TMPDIR/trust/modelling.md"
	[ ! -e framework/nested.md ] && [ ! -e framework/.hidden.md ] && [ ! -e framework/README.md ]
	assert_repo_sound
}

@test "framework import of the same folder again changes nothing and commits nothing" {
	new_school
	trust_folder
	coach framework import "$BATS_TEST_TMPDIR/trust" >/dev/null
	head=$(git rev-parse HEAD)
	run coach framework import "$BATS_TEST_TMPDIR/trust"
	assert_status 0
	assert_output_has "nothing to change"
	[ "$(git rev-parse HEAD)" = "$head" ]
	assert_repo_sound
}

@test "framework import updates only the keys that differ and keeps the school's own" {
	new_school
	trust_folder
	coach framework import "$BATS_TEST_TMPDIR/trust" >/dev/null
	# The school adds its own key and a comment by hand.
	sed -i '2i # our note' framework/cold-call.md
	sed -i 's/^area: Questioning$/area: Questioning\nowner: ada/' framework/cold-call.md
	git commit -qam "hand edit"
	# The trust renames one strategy, rewrites the other's body and adds one.
	sed -i 's/^title: Cold call$/title: Cold calling/' "$BATS_TEST_TMPDIR/trust/cold-call.md"
	printf -- '---\ntitle: Modelling\narea: Explanation\ncriteria: [I do, We do, You do]\n---\nNew guidance.\n' \
		> "$BATS_TEST_TMPDIR/trust/modelling.md"
	printf -- '---\ntitle: Retrieval\n---\n' > "$BATS_TEST_TMPDIR/trust/retrieval.md"
	before=$(commit_count)
	run coach framework import "$BATS_TEST_TMPDIR/trust"
	assert_status 0
	assert_output_has "framework/cold-call.md (title)"
	assert_output_has "framework/modelling.md (body)"
	[ "$(commit_count)" -eq $((before + 1)) ]
	[ "$(git log -1 --format=%s)" = "framework import: 1 added, 2 updated" ]
	diff -u <(printf '1\t1\tframework/cold-call.md\n1\t0\tframework/modelling.md\n3\t0\tframework/retrieval.md\n') \
		<(git diff --numstat HEAD~1 HEAD)
	[ "$(yaml framework/cold-call.md title)" = '"Cold calling"' ]
	[ "$(yaml framework/cold-call.md owner)" = '"ada"' ]
	grep -qx '# our note' framework/cold-call.md
	[ "$(python3 "$FM" --body framework/modelling.md)" = "New guidance." ]
	assert_repo_sound
}

@test "framework import treats a value written differently but read the same as unchanged" {
	new_school
	trust_folder
	coach framework import "$BATS_TEST_TMPDIR/trust" >/dev/null
	printf -- '---\ntitle: "Modelling"\narea: '"'"'Explanation'"'"'\ncriteria:\n  - I do\n  - We do\n  - You do\n---\n' \
		> "$BATS_TEST_TMPDIR/trust/modelling.md"
	head=$(git rev-parse HEAD)
	run coach framework import "$BATS_TEST_TMPDIR/trust"
	assert_status 0
	assert_output_has "nothing to change"
	[ "$(git rev-parse HEAD)" = "$head" ]
	# But a quoted "yes" is not the boolean yes.
	mkdir "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	printf -- '---\ntitle: Modelling\narea: yes\n---\n' > "$BATS_TEST_TMPDIR/a/modelling.md"
	printf -- '---\ntitle: Modelling\narea: "yes"\n---\n' > "$BATS_TEST_TMPDIR/b/modelling.md"
	coach framework import "$BATS_TEST_TMPDIR/a" >/dev/null
	[ "$(yaml framework/modelling.md area)" = true ]
	run coach framework import "$BATS_TEST_TMPDIR/b"
	assert_status 0
	assert_output_has "0 added, 1 updated"
	[ "$(yaml framework/modelling.md area)" = '"yes"' ]
	assert_repo_sound
}

@test "framework import of a single file; CRLF and a BOM are normalised" {
	new_school
	printf '\xef\xbb\xbf---\r\ntitle: Think pair share\r\ncriteria:\r\n  - Think alone\r\n---\r\nBody line\r\n' \
		> "$BATS_TEST_TMPDIR/think.md"
	run coach framework import "$BATS_TEST_TMPDIR/think.md"
	assert_status 0
	[ "$(git log -1 --format=%s)" = "framework import: 1 added, 0 updated" ]
	[ "$(yaml framework/think.md title)" = '"Think pair share"' ]
	! grep -q $'\r' framework/think.md
	[ "$(head -c 3 framework/think.md)" = "---" ]
	head=$(git rev-parse HEAD)
	run coach framework import "$BATS_TEST_TMPDIR/think.md"
	assert_output_has "nothing to change"
	[ "$(git rev-parse HEAD)" = "$head" ]
	assert_repo_sound
}

@test "framework import validates every file before writing any" {
	new_school
	trust_folder
	printf -- '---\narea: No title\n---\n' > "$BATS_TEST_TMPDIR/trust/zz-untitled.md"
	refused 1 "zz-untitled.md: a strategy needs a title" framework import "$BATS_TEST_TMPDIR/trust"
	rm "$BATS_TEST_TMPDIR/trust/zz-untitled.md"

	printf -- '---\ntitle: [unclosed\n---\n' > "$BATS_TEST_TMPDIR/trust/zz-broken.md"
	refused 1 "zz-broken.md" framework import "$BATS_TEST_TMPDIR/trust"
	rm "$BATS_TEST_TMPDIR/trust/zz-broken.md"

	printf -- '---\ntitle: T\ncriteria: just one\n---\n' > "$BATS_TEST_TMPDIR/trust/zz-criteria.md"
	refused 1 "zz-criteria.md:3: criteria must be a list" framework import "$BATS_TEST_TMPDIR/trust"
	rm "$BATS_TEST_TMPDIR/trust/zz-criteria.md"

	printf -- '---\ntitle: T\n---\n' > "$BATS_TEST_TMPDIR/trust/Bad Name.md"
	refused 1 "Bad Name.md: the file name gives the strategy's id" framework import "$BATS_TEST_TMPDIR/trust"
	rm "$BATS_TEST_TMPDIR/trust/Bad Name.md"

	[ ! -e framework ]
	run coach framework import "$BATS_TEST_TMPDIR/trust"
	assert_status 0
}

@test "framework import refuses an existing record it cannot read" {
	new_school
	trust_folder
	mkdir framework
	printf -- '---\ntitle: [broken\n---\n' > framework/modelling.md
	git add framework && git commit -qm "broken by hand"
	refused 1 "framework/modelling.md" framework import "$BATS_TEST_TMPDIR/trust"
	[ ! -e framework/cold-call.md ]
}

@test "framework import refuses paths that are not strategies" {
	new_school
	mkdir "$BATS_TEST_TMPDIR/empty"
	refused 1 "no .md files" framework import "$BATS_TEST_TMPDIR/empty"
	echo x > "$BATS_TEST_TMPDIR/notes.txt"
	refused 1 "not a .md file" framework import "$BATS_TEST_TMPDIR/notes.txt"
	refused 1 "$BATS_TEST_TMPDIR/missing" framework import "$BATS_TEST_TMPDIR/missing"
	refused 2 "PATH" framework import
	refused 2 "PATH" framework import a b
}

@test "framework import with -C takes a relative PATH from that directory, like git" {
	new_school
	trust_folder
	cd "$BATS_TEST_TMPDIR"
	mkdir school/incoming
	cp trust/modelling.md school/incoming/
	run coach -C school framework import incoming
	assert_status 0
	[ -f school/framework/modelling.md ]
}

@test "framework import skips a README.md and notes that are not strategies, with a note" {
	new_school
	trust_folder
	printf '# Trust framework\n\nHow to use these strategies.\n' > "$BATS_TEST_TMPDIR/trust/README.md"
	printf 'Draft ideas, not ready.\n' > "$BATS_TEST_TMPDIR/trust/ideas.md"
	run coach framework import "$BATS_TEST_TMPDIR/trust"
	assert_status 0
	assert_output_has "coach: note: skipped $BATS_TEST_TMPDIR/trust/README.md: not a strategy"
	assert_output_has "coach: note: skipped $BATS_TEST_TMPDIR/trust/ideas.md: not a strategy"
	assert_output_has "framework import: 2 added, 0 updated"
	[ "$(git show --name-only --format= HEAD | sort | tr '\n' ' ')" = "framework/cold-call.md framework/modelling.md " ]
	# A folder of nothing but notes has no strategies to import.
	mkdir "$BATS_TEST_TMPDIR/notes"
	cp "$BATS_TEST_TMPDIR/trust/README.md" "$BATS_TEST_TMPDIR/notes/"
	refused 1 "no strategies in this folder" framework import "$BATS_TEST_TMPDIR/notes"
	assert_repo_sound
}

@test "framework import points at the line of a YAML error" {
	new_school
	trust_folder
	printf -- '---\ntitle: Retrieval\narea: Memory\ncriteria:\n  - Low stakes\n  - [unclosed\n---\n' \
		> "$BATS_TEST_TMPDIR/trust/retrieval.md"
	# Which line PyYAML blames, counted from the file's first line.
	want=$(python3 -c '
import sys, yaml
text = open(sys.argv[1]).read().split("---\n")[1]
try:
    yaml.safe_load(text)
except yaml.YAMLError as e:
    print(e.problem_mark.line + 2)
' "$BATS_TEST_TMPDIR/trust/retrieval.md")
	[ -n "$want" ]
	refused 1 "retrieval.md:" framework import "$BATS_TEST_TMPDIR/trust"
	[[ "$output" =~ retrieval\.md:([0-9]+): ]] || fail "no file:line in: $output"
	line=${BASH_REMATCH[1]}
	# libyaml and PyYAML may blame the list item or the line after it.
	[ "$line" -ge 6 ] && [ "$line" -le "$want" ] || fail "line $line, PyYAML says $want: $output"
	[ ! -e framework ]
}

@test "framework import keeps criteria the school added and adds the trust's new ones" {
	new_school
	trust_folder
	coach framework import "$BATS_TEST_TMPDIR/trust" >/dev/null
	# The school adds a criterion of its own to each.
	coach_add_criterion() {
		python3 - "$1" "$2" <<-'EOF'
		import sys
		path, item = sys.argv[1], sys.argv[2]
		text = open(path).read()
		head, rest = text.split("criteria:", 1)
		if rest.startswith(" ["):
		    items = rest[2:rest.index("]")].split(", ")
		    rest = "\n" + "".join("  - %s\n" % i for i in items) + rest[rest.index("]") + 2:]
		lines = rest.split("\n")
		n = 1
		while lines[n].startswith("  - "):
		    n += 1
		lines.insert(n, "  - " + item)
		open(path, "w").write(head + "criteria:" + "\n".join(lines))
		EOF
	}
	coach_add_criterion framework/cold-call.md "Praise the attempt"
	coach_add_criterion framework/modelling.md "Check for understanding"
	[ "$(yaml framework/modelling.md criteria)" = '["I do", "We do", "You do", "Check for understanding"]' ]
	git commit -qam "our own criteria"
	# The trust adds one criterion to cold-call and retitles modelling.
	sed -i 's/^  - Wait time of three seconds$/  - Wait time of three seconds\n  - Use mini whiteboards/' "$BATS_TEST_TMPDIR/trust/cold-call.md"
	sed -i 's/^title: Modelling$/title: Modelling well/' "$BATS_TEST_TMPDIR/trust/modelling.md"
	printf -- '---\ntitle: Retrieval\n---\n' > "$BATS_TEST_TMPDIR/trust/retrieval.md"
	run coach framework import "$BATS_TEST_TMPDIR/trust"
	assert_status 0
	assert_output_has "updated   framework/cold-call.md (criteria +1)"
	assert_output_has "updated   framework/modelling.md (title)"
	assert_output_has "added     framework/retrieval.md"
	assert_output_has "framework import: 1 added, 2 updated"
	[ "$(yaml framework/cold-call.md criteria)" = '["Ask the question before naming the pupil", "Wait time of three seconds", "Praise the attempt", "Use mini whiteboards"]' ]
	[ "$(yaml framework/modelling.md criteria)" = '["I do", "We do", "You do", "Check for understanding"]' ]
	[ "$(yaml framework/modelling.md title)" = '"Modelling well"' ]
	# A trust file with no criteria takes none away; a third import
	# reports each strategy unchanged.
	printf -- '---\ntitle: Modelling well\narea: Explanation\n---\n' > "$BATS_TEST_TMPDIR/trust/modelling.md"
	printf -- '---\ntitle: Retrieval\narea: Memory\n---\n' > "$BATS_TEST_TMPDIR/trust/retrieval.md"
	run coach framework import "$BATS_TEST_TMPDIR/trust"
	assert_status 0
	assert_output_has "unchanged framework/cold-call.md"
	assert_output_has "unchanged framework/modelling.md"
	assert_output_has "updated   framework/retrieval.md (area)"
	[ "$(yaml framework/modelling.md criteria)" = '["I do", "We do", "You do", "Check for understanding"]' ]
	assert_repo_sound
}
