#!/usr/bin/env bats
load helper

# json_str TEXT: TEXT as a JSON string, the way fm.py prints a value.
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

@test "staff add writes every key in order and makes one commit" {
	new_school
	before=$(commit_count)
	run coach staff add ada --name "Ada Lovelace" --email ada@school.example \
		--role "Assistant head" --subject maths --subject physics \
		--phase secondary --coach
	assert_status 0
	[ "$(yaml staff/ada.md)" = '{"name": "Ada Lovelace", "email": "ada@school.example", "role": "Assistant head", "subjects": ["maths", "physics"], "phase": "secondary", "coach": true, "joined": "2026-11-26"}' ]
	[ "$(commit_count)" -eq $((before + 1)) ]
	[ "$(git log -1 --format=%s)" = "staff add: ada" ]
	[ "$(git show --name-only --format= HEAD)" = "staff/ada.md" ]
	[ "$(python3 "$FM" --body staff/ada.md)" = "" ]
	assert_repo_sound
}

@test "staff add with only a name: no empty keys, coach false" {
	new_school
	run coach staff add bob --name "Bob Baker"
	assert_status 0
	[ "$(yaml staff/bob.md)" = '{"name": "Bob Baker", "coach": false, "joined": "2026-11-26"}' ]
	assert_repo_sound
}

@test "staff add reads hostile names, roles and subjects back identically" {
	new_school
	values=(
		"O'Brien: \"the\" #1"
		"yes" "no" "null" "~" "123" "0x1F" "2026-01-01" "1e3"
		$'line one\nline two' $'trailing newline\n' "Zoë Ñandú 李 😀"
		"  padded  " "[a, b]" "{x: y}" "&anchor" "*alias" "!tag"
		"%percent" "@at" "\`tick" "| pipe" "> gt" "- dash" "? q"
		"a: b" "# not a comment" "tab	inside" '\back\slash'
	)
	i=0
	for v in "${values[@]}"; do
		i=$((i + 1))
		run coach staff add "h$i" --name "$v" --role "$v" --subject "${v//$'\n'/ }" --phase "$v"
		assert_status 0
		want=$(json_str "$v")
		[ "$(yaml "staff/h$i.md" name)" = "$want" ] || fail "name $v: $(yaml "staff/h$i.md" name)"
		[ "$(yaml "staff/h$i.md" role)" = "$want" ] || fail "role $v"
		[ "$(yaml "staff/h$i.md" phase)" = "$want" ] || fail "phase $v"
		[ "$(yaml "staff/h$i.md" subjects 0)" = "$(json_str "${v//$'\n'/ }")" ] || fail "subject $v"
	done
	coach staff list --format json | python3 -c '
import json, sys
names = [s["name"] for s in json.load(sys.stdin)]
assert len(names) == '"$i"', names
'
	run coach staff add dash --name=-x --role=--y
	assert_status 0
	[ "$(yaml staff/dash.md name)" = '"-x"' ]
	[ "$(yaml staff/dash.md role)" = '"--y"' ]
	assert_repo_sound
}

@test "staff add refuses invalid handles" {
	new_school
	for h in .. a/b ../x Bob "has space" .hidden "$(printf 'x%.0s' {1..41})"; do
		refused 1 "invalid handle" staff add "$h" --name X
	done
	refused 1 "invalid handle" staff add --name X -- -bob
	refused 1 "invalid handle" staff add "" --name X
}

@test "staff add refuses an existing handle and says what to do" {
	school_with_staff
	before=$(cat staff/bob.md)
	refused 1 "staff 'bob' already exists; edit staff/bob.md or use coach edit" \
		staff add bob --name "Another Bob"
	[ "$(cat staff/bob.md)" = "$before" ]
}

@test "staff add refuses malformed emails" {
	new_school
	for e in bob @school.example bob@ "a@b@c" "bob @school.example" "bob@school .example" $'bob@x\n'; do
		refused 1 "--email" staff add bob --name Bob --email "$e"
	done
	[ ! -e staff/bob.md ]
}

@test "staff add refuses an email another member of staff has" {
	school_with_staff
	refused 1 "already the email of staff 'bob'" staff add dan --name Dan --email bob@school.example
	refused 1 "staff 'bob'" staff add dan --name Dan --email BOB@School.Example
}

@test "staff add with an email cannot check a broken record and says so" {
	school_with_staff
	printf -- '---\nname: [unclosed\n---\n' > staff/zed.md
	git add staff/zed.md && git commit -qm "broken by hand"
	refused 1 "staff/zed.md" staff add dan --name Dan --email dan@school.example
	assert_output_has "fix this record first"
	run coach staff add dan --name Dan
	assert_status 0
}

@test "staff add usage mistakes exit 2 and write nothing" {
	new_school
	refused 2 "--name" staff add bob
	refused 2 "--name" staff add bob --name ""
	refused 2 "--name" staff add bob --name "   "
	refused 2 "needs a value" staff add bob --name
	refused 2 "unknown option '--nmae'" staff add bob --nmae Bob
	refused 2 "unknown option '-x'" staff add bob -x --name Bob
	refused 2 "HANDLE" staff add --name Bob
	refused 2 "one HANDLE" staff add bob Baker --name Bob
	refused 2 "unknown subcommand 'remove'" staff remove bob
	run coach staff add bob
	assert_output_has "usage: coach staff add HANDLE --name NAME"
	# Only the usage of the subcommand that was given.
	assert_output_lacks "coach staff show"
}

@test "staff add refuses control characters and invalid UTF-8" {
	new_school
	refused 1 "control character" staff add bob --name $'Bob\033[31m'
	refused 1 "UTF-8" staff add bob --name $'Bob\xff'
	refused 1 "control character" staff add bob --name Bob --subject $'a\nb'
}

@test "staff list shows an aligned table" {
	school_with_staff
	run coach staff list
	assert_status 0
	expected="HANDLE  NAME          ROLE            SUBJECTS  PHASE      COACH
ada     Ada Lovelace  Assistant head  maths     secondary  yes
bob     Bob Baker                     science   secondary
cy      Cy Young                      english   primary"
	[ "$output" = "$expected" ] || fail "got:" "$output"
	run coach staff
	[ "$output" = "$expected" ] || fail "coach staff alone should list"
}

@test "staff list aligns by characters and keeps one line per person" {
	new_school
	coach staff add zoe --name "Zoë Ñandú" --subject maths --subject art >/dev/null
	coach staff add al --name $'Al\nBert' --role "Head" >/dev/null
	run coach staff list
	assert_status 0
	expected="HANDLE  NAME       ROLE  SUBJECTS    PHASE  COACH
al      Al Bert    Head
zoe     Zoë Ñandú        maths, art"
	[ "$output" = "$expected" ] || fail "got:" "$output"
}

@test "staff list --format json gives every key" {
	school_with_staff
	printf -- '---\nname: Dee\nextra: [1, 2]\n---\n' > staff/dee.md
	run coach staff list --format json
	assert_status 0
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [s["handle"] for s in d] == ["ada", "bob", "cy", "dee"], d
assert d[0] == {"handle": "ada", "name": "Ada Lovelace", "email": "ada@school.example",
    "role": "Assistant head", "subjects": ["maths"], "phase": "secondary",
    "coach": True, "joined": "2026-11-26"}, d[0]
assert d[1]["role"] is None and d[1]["coach"] is False, d[1]
assert d[3]["extra"] == [1, 2] and d[3]["subjects"] == [], d[3]
'
}

@test "staff list with no staff says how to add someone" {
	new_school
	run coach staff list
	assert_status 0
	assert_output_has "coach staff add"
	run coach staff list --format json
	assert_status 0
	[ "$(echo "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin))')" = "[]" ]
}

@test "staff list reports a broken record, lists the rest and fails" {
	school_with_staff
	printf -- '---\nname: [unclosed\n---\n' > staff/zed.md
	run coach staff list
	assert_status 1
	assert_output_has "staff/zed.md"
	assert_output_has "Bob Baker"
	assert_output_has "coach check"
}

@test "staff list --format takes text or json only" {
	school_with_staff
	refused 2 "--format" staff list --format yaml
	refused 2 "no arguments" staff list bob
}

@test "staff show gives the record and who coaches whom" {
	school_with_staff
	coach agree bob --coach ada --focus "questioning" >/dev/null
	coach agree ada --coach cy >/dev/null
	run coach staff show ada
	assert_status 0
	assert_output_has "Ada Lovelace (ada)"
	assert_output_has "ada@school.example"
	assert_output_has "Assistant head"
	[[ "$output" =~ coaches\ +bob\ \(since\ 2026-11-26\;\ focus:\ questioning\) ]] || fail "$output"
	[[ "$output" =~ coached\ by\ +cy ]] || fail "$output"
	run coach staff show bob
	[[ "$output" =~ coaches\ +no\ one ]] || fail "$output"
	[[ "$output" =~ coached\ by\ +ada ]] || fail "$output"
}

@test "staff show --format json lists the relationships, active ones only" {
	school_with_staff
	coach agree bob --coach ada >/dev/null
	coach agree cy --coach ada --coach bob >/dev/null
	coach agree ada --coach cy >/dev/null
	coach agree bob --end >/dev/null
	run coach staff show ada --format json
	assert_status 0
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["handle"] == "ada" and d["name"] == "Ada Lovelace", d
assert d["coaches"] == ["cy"], d["coaches"]
assert d["coached_by"] == ["cy"], d["coached_by"]
assert d["coach"] is True and d["subjects"] == ["maths"], d
'
	run coach staff show bob --format json
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["coaches"] == ["cy"] and d["coached_by"] == [], d
'
}

@test "staff show refuses unknown and invalid handles" {
	school_with_staff
	refused 1 "no staff 'zed'" staff show zed
	refused 1 "invalid handle" staff show ../coach
	refused 2 "one HANDLE" staff show
	refused 2 "one HANDLE" staff show ada bob
}
