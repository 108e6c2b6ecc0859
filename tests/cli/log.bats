#!/usr/bin/env bats
load records

setup() {
	setup_scratch
	school_with_staff
}

@test "log -m writes an entry with its keys in order, in one commit" {
	run coach log bob --kind meeting -m "Planned the next step together."
	assert_status 0
	[[ "$output" =~ ^e[0-9a-f]{12}$ ]] || fail "not an id: $output"
	id=$output
	f=coaching/bob/log/2026-11-26-$id.md
	[ -f "$f" ]
	[ "$(yaml "$f")" = "{\"id\": \"$id\", \"date\": \"2026-11-26\", \"kind\": \"meeting\", \"author\": \"ada\"}" ]
	[ "$(python3 "$FM" --body "$f")" = "Planned the next step together." ]
	[ "$(git log -1 --format=%s)" = "log: bob meeting $id" ]
	[ "$(git log -1 --format='%an <%ae>')" = "Ada Lovelace <ada@school.example>" ]
	assert_commit_files "$f"
	assert_repo_sound
}

@test "log defaults to the current user as coachee and to kind note" {
	run coach log -m "Read Rosenshine's principles again."
	assert_status 0
	f=$(entry_file "$output")
	[[ "$f" == coaching/ada/log/* ]] || fail "$f"
	[ "$(yaml "$f" kind)" = '"note"' ]
	[ "$(yaml "$f" author)" = '"ada"' ]
	[ "$(git log -1 --format=%s)" = "log: ada note $output" ]
}

@test "log takes every kind of coach(5)" {
	for k in meeting observation practice reflection evidence cpd note; do
		run coach log bob --kind "$k" -m "A $k."
		assert_status 0
		[ "$(yaml "$(entry_file "$output")" kind)" = "\"$k\"" ]
	done
	[ "$(commit_count)" -eq 11 ]
}

@test "log refuses an unknown kind, naming it and the kinds" {
	snapshot
	run coach log bob --kind lesson -m x
	assert_status 1
	assert_output_has "coach: --kind: 'lesson' is not a kind of entry"
	assert_output_has "meeting, observation"
	assert_unchanged
}

@test "log refuses an unknown coachee" {
	snapshot
	run coach log dan -m x
	assert_status 1
	assert_output_has "coach: "
	assert_output_has "dan"
	assert_output_has "coach staff add dan"
	assert_unchanged
}

@test "log refuses a coachee that is not a handle" {
	snapshot
	run coach log ../bob -m x
	assert_status 1
	assert_output_has "../bob"
	assert_unchanged
}

@test "log --date takes a date, today and yesterday" {
	run coach log bob --date yesterday -m x
	assert_status 0
	f=coaching/bob/log/2026-11-25-$output.md
	[ "$(yaml "$f" date)" = '"2026-11-25"' ]
	run coach log bob --date 2026-02-28 -m x
	assert_status 0
	[ -f "coaching/bob/log/2026-02-28-$output.md" ]
}

@test "log refuses a bad date" {
	snapshot
	for d in 2026-02-30 26-11-01 someday ""; do
		run coach log bob --date "$d" -m x
		assert_status 1
		assert_output_has "coach: --date: '$d' is not a date"
	done
	run coach log bob --date tomorrow -m x
	assert_status 1
	assert_output_has "coach: --date: 2026-11-27 is in the future"
	assert_unchanged
}

@test "log --goal takes an id prefix of the coachee's goal" {
	make_goal bob g1a2b3c
	run coach log bob --goal g1a2 -m x
	assert_status 0
	[ "$(yaml "$(entry_file "$output")" goal)" = '"g1a2b3c"' ]
	assert_repo_sound
}

@test "log refuses a goal of another coachee" {
	make_goal cy g1a2b3c
	snapshot
	run coach log bob --goal g1a2b3c -m x
	assert_status 1
	assert_output_has "coach: --goal g1a2b3c: that goal is cy's, not bob's"
	assert_unchanged
}

@test "log refuses an unknown or too short goal id" {
	make_goal bob g1a2b3c
	snapshot
	run coach log bob --goal g99 -m x
	assert_status 1
	assert_output_has "coach: --goal: 'g99' is too short"
	run coach log bob --goal g9999 -m x
	assert_status 1
	assert_output_has "coach: --goal: no goal matches 'g9999'"
	run coach log bob --goal c1a2b3c -m x
	assert_status 1
	assert_output_has "--goal"
	assert_unchanged
}

@test "log --cycle sets the goal from the cycle" {
	make_goal bob g1a2b3c
	make_cycle bob c0ffee1 g1a2b3c
	run coach log bob --kind observation --cycle c0ff -m "Drop-in."
	assert_status 0
	f=$(entry_file "$output")
	[ "$(yaml "$f" goal)" = '"g1a2b3c"' ]
	[ "$(yaml "$f" cycle)" = '"c0ffee1"' ]
	[ "$(yaml "$f" | python3 -c 'import json,sys; print(list(json.load(sys.stdin)))')" = "['id', 'date', 'kind', 'author', 'goal', 'cycle']" ]
}

@test "log refuses a cycle on another goal than --goal" {
	make_goal bob g1a2b3c
	make_goal bob g4d5e6f "Another goal"
	make_cycle bob c0ffee1 g1a2b3c
	snapshot
	run coach log bob --goal g4d5 --cycle c0ff -m x
	assert_status 1
	assert_output_has "coach: --cycle c0ff: that cycle is on goal g1a2b3c, not on --goal g4d5e6f"
	assert_unchanged
}

@test "log --goal or --cycle without a coachee writes in the owner's log" {
	make_goal bob g1a2b3c
	make_cycle bob c0ffee1 g1a2b3c
	run coach log --cycle c0ff --kind observation -m "Drop-in."
	assert_status 0
	f=$(entry_file "$output")
	[[ "$f" == coaching/bob/log/* ]] || fail "$f"
	[ "$(yaml "$f" cycle)" = '"c0ffee1"' ]
	[ "$(yaml "$f" author)" = '"ada"' ]
	run coach log --goal g1a2 -m "Planning."
	assert_status 0
	f=$(entry_file "$output")
	[[ "$f" == coaching/bob/log/* ]] || fail "$f"
	run coach log --goal g9999 -m "x"
	assert_status 1
	assert_output_has "coach: --goal"
}

@test "log refuses a cycle of another coachee" {
	make_goal cy g1a2b3c
	make_cycle cy c0ffee1 g1a2b3c
	snapshot
	run coach log bob --cycle c0ffee1 -m x
	assert_status 1
	assert_output_has "coach: --cycle c0ffee1: that cycle is cy's, not bob's"
	assert_unchanged
}

@test "log --hours records CPD hours as a number" {
	run coach log --kind cpd --hours 1.5 -m "Trust CPD day: retrieval practice."
	assert_status 0
	f=$(entry_file "$output")
	[ "$(yaml "$f" hours)" = 1.5 ]
	[ "$(yaml "$f" | python3 -c 'import json,sys; print(list(json.load(sys.stdin)))')" = "['id', 'date', 'kind', 'author', 'hours']" ]
	run coach log --kind cpd --hours 3 -m "Reading group."
	assert_status 0
	[ "$(yaml "$(entry_file "$output")" hours)" = 3 ]
}

@test "log refuses negative, non-numeric and huge hours" {
	snapshot
	for h in -1 abc 1e3 0x10 1. .5 "" 5000 nan inf; do
		run coach log --kind cpd --hours "$h" -m x
		assert_status 1
		assert_output_has "coach: --hours: '$h' is not a number of hours"
	done
	assert_unchanged
}

@test "log refuses hours on an entry that is not CPD" {
	snapshot
	run coach log bob --kind meeting --hours 1 -m x
	assert_status 1
	assert_output_has "coach: --hours"
	assert_output_has "--kind cpd"
	assert_unchanged
}

@test "log --private marks the entry private; without it there is no key" {
	run coach log bob --private -m "Hard lesson; trying something new."
	assert_status 0
	[ "$(yaml "$(entry_file "$output")" private)" = true ]
	run coach log bob -m "Open."
	assert_status 0
	run yaml "$(entry_file "$output")" private
	assert_status 1
}

@test "log --evidence keeps a URL as written" {
	url='https://video.school.example/v/abc?t=42&x=1#frag'
	run coach log bob --kind observation --evidence "$url" -m "Clip."
	assert_status 0
	f=$(entry_file "$output")
	[ "$(yaml "$f" evidence)" = "[\"$url\"]" ]
	assert_commit_files "$f"
}

@test "log --evidence keeps a committed repository path, from a subdirectory too" {
	mkdir -p coaching/bob/evidence
	echo notes >coaching/bob/evidence/notes.txt
	git add coaching/bob/evidence/notes.txt && git commit -qm "notes"
	run coach log bob --evidence coaching/bob/evidence/notes.txt -m x
	assert_status 0
	f=$(entry_file "$output")
	[ "$(yaml "$f" evidence)" = '["coaching/bob/evidence/notes.txt"]' ]
	assert_commit_files "$f"
	cd coaching/bob
	run coach log bob --evidence evidence/notes.txt -m y
	assert_status 0
	cd ../..
	[ "$(yaml "$(entry_file "$output")" evidence)" = '["coaching/bob/evidence/notes.txt"]' ]
	assert_repo_sound
}

@test "log --evidence commits a repository file that is not committed yet, with the entry" {
	mkdir -p coaching/bob/evidence
	echo "pupil work" >coaching/bob/evidence/work.txt
	run coach log bob --evidence coaching/bob/evidence/work.txt -m x
	assert_status 0
	f=$(entry_file "$output")
	assert_commit_files "$f" coaching/bob/evidence/work.txt
	assert_repo_sound
}

@test "log --evidence copies a file from outside the repository in the same commit" {
	printf 'photo\0bytes\377' >"$BATS_TEST_TMPDIR/work sample.jpg"
	run coach log bob --kind evidence --evidence "$BATS_TEST_TMPDIR/work sample.jpg" -m "Year 8 books."
	assert_status 0
	f=$(entry_file "$output")
	[ "$(yaml "$f" evidence)" = '["coaching/bob/evidence/work sample.jpg"]' ]
	cmp "$BATS_TEST_TMPDIR/work sample.jpg" "coaching/bob/evidence/work sample.jpg"
	assert_commit_files "$f" "coaching/bob/evidence/work sample.jpg"
	[ "$(git log -1 --format=%s)" = "log: bob evidence $output" ]
	assert_repo_sound
}

@test "log --evidence renames a copy whose name is taken: -1, -2" {
	mkdir -p ../out/a ../out/b ../out/c
	echo one >../out/a/photo.jpg
	echo two >../out/b/photo.jpg
	echo three >../out/c/photo.jpg
	run coach log bob --evidence ../out/a/photo.jpg -m x
	assert_status 0
	run coach log bob --evidence ../out/b/photo.jpg --evidence ../out/c/photo.jpg -m y
	assert_status 0
	f=$(entry_file "$output")
	[ "$(yaml "$f" evidence)" = '["coaching/bob/evidence/photo-1.jpg", "coaching/bob/evidence/photo-2.jpg"]' ]
	[ "$(cat coaching/bob/evidence/photo.jpg)" = one ]
	[ "$(cat coaching/bob/evidence/photo-1.jpg)" = two ]
	[ "$(cat coaching/bob/evidence/photo-2.jpg)" = three ]
	assert_repo_sound
}

@test "log --evidence mixes URLs, repository paths and copies in the order given" {
	echo x >../sheet.pdf
	echo y >coach-notes.md
	git add coach-notes.md && git commit -qm notes
	run coach log bob --evidence https://v.example/1 --evidence ../sheet.pdf --evidence coach-notes.md -m x
	assert_status 0
	[ "$(yaml "$(entry_file "$output")" evidence)" = '["https://v.example/1", "coaching/bob/evidence/sheet.pdf", "coach-notes.md"]' ]
}

@test "log --evidence refuses a committed symbolic link to a file outside" {
	echo "secret outside" >"$BATS_TEST_TMPDIR/outside.txt"
	mkdir -p coaching/bob/evidence
	ln -s "$BATS_TEST_TMPDIR/outside.txt" coaching/bob/evidence/clip.mp4
	git add coaching/bob/evidence/clip.mp4 && git commit -qm "a link"
	snapshot
	run coach log bob --evidence coaching/bob/evidence/clip.mp4 -m x
	assert_status 1
	assert_output_has "coach: --evidence coaching/bob/evidence/clip.mp4: coaching/bob/evidence/clip.mp4 is a symbolic link"
	assert_unchanged
	# From a subdirectory, and given as an absolute path, too.
	cd coaching/bob
	run coach log bob --evidence evidence/clip.mp4 -m x
	assert_status 1
	assert_output_has "symbolic link"
	run coach log bob --evidence "$PWD/evidence/clip.mp4" -m x
	assert_status 1
	assert_output_has "symbolic link"
	cd ../..
	assert_unchanged
	! git grep -q "secret outside" $(git rev-list --all) || fail "the outside file was committed"
}

@test "log --evidence refuses a path through a symbolically linked folder" {
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
	echo "secret outside" >"$BATS_TEST_TMPDIR/elsewhere/clip.mp4"
	mkdir -p coaching/bob
	ln -s "$BATS_TEST_TMPDIR/elsewhere" coaching/bob/evidence
	git add coaching/bob/evidence && git commit -qm "a linked folder"
	snapshot
	run coach log bob --evidence coaching/bob/evidence/clip.mp4 -m x
	assert_status 1
	assert_output_has "coaching/bob/evidence is a symbolic link"
	run coach log bob --evidence coaching/bob/evidence/../evidence/clip.mp4 -m x
	assert_status 1
	assert_output_has "coaching/bob/evidence is a symbolic link"
	assert_unchanged
	! git grep -q "secret outside" $(git rev-list --all) || fail "the outside file was committed"
}

@test "log --evidence does not copy a file into a symbolically linked evidence folder" {
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere" coaching/bob
	ln -s "$BATS_TEST_TMPDIR/elsewhere" coaching/bob/evidence
	git add coaching/bob/evidence && git commit -qm "a linked folder"
	echo "photo" >"$BATS_TEST_TMPDIR/photo.jpg"
	snapshot
	run coach log bob --evidence "$BATS_TEST_TMPDIR/photo.jpg" -m x
	assert_status 1
	assert_output_has "coaching/bob/evidence is a symbolic link"
	assert_unchanged
	[ -z "$(ls "$BATS_TEST_TMPDIR/elsewhere")" ] || fail "written through the link"
}

@test "log --evidence follows links outside the repository, to the file they name" {
	echo "clip" >"$BATS_TEST_TMPDIR/real.mp4"
	mkdir ../links
	ln -s "$BATS_TEST_TMPDIR/real.mp4" ../links/clip.mp4
	ln -s "$PWD" ../links/school
	run coach log bob --evidence ../links/clip.mp4 -m x
	assert_status 0
	[ "$(yaml "$(entry_file "$output")" evidence)" = '["coaching/bob/evidence/clip.mp4"]' ]
	# The repository reached through a link outside it: its paths count.
	mkdir -p coaching/bob/evidence
	echo notes >coaching/bob/evidence/notes.txt
	git add coaching/bob/evidence/notes.txt && git commit -qm "notes"
	run coach log bob --evidence ../links/school/coaching/bob/evidence/notes.txt -m y
	assert_status 0
	[ "$(yaml "$(entry_file "$output")" evidence)" = '["coaching/bob/evidence/notes.txt"]' ]
	assert_repo_sound
}

@test "log refuses evidence that does not exist" {
	snapshot
	run coach log bob --evidence no/such/file.jpg -m x
	assert_status 1
	assert_output_has "coach: --evidence no/such/file.jpg: no such file"
	assert_output_has "URL"
	assert_unchanged
}

@test "log refuses evidence over the size limit with the advice to link it" {
	truncate -s $((5 * 1024 * 1024 + 1)) ../lesson.mp4
	snapshot
	run coach log bob --evidence ../lesson.mp4 -m x
	assert_status 1
	assert_output_has "coach: --evidence ../lesson.mp4: 5242881 bytes is more than the 5 MB"
	assert_output_has "video platform"
	assert_output_has "link"
	assert_unchanged
	[ ! -e coaching/bob/evidence ]
}

@test "log takes evidence of exactly the size limit" {
	truncate -s $((5 * 1024 * 1024)) ../big.bin
	run coach log bob --evidence ../big.bin -m x
	assert_status 0
	cmp ../big.bin coaching/bob/evidence/big.bin
	assert_repo_sound
}

@test "log refuses evidence that is not a regular file" {
	mkdir ../folder
	snapshot
	run coach log bob --evidence ../folder -m x
	assert_status 1
	assert_output_has "coach: --evidence ../folder: not a regular file"
	run coach log bob --evidence /dev/null -m x
	assert_status 1
	assert_output_has "coach: --evidence /dev/null: not a regular file"
	run coach log bob --evidence .git/config -m x
	assert_status 1
	assert_output_has "inside .git"
	assert_unchanged
}

@test "log refuses the whole entry when one of several evidence refs is bad" {
	echo x >../ok.txt
	snapshot
	run coach log bob --evidence ../ok.txt --evidence ../missing.txt -m x
	assert_status 1
	assert_output_has "../missing.txt"
	assert_unchanged
}

@test "log -F reads the text from a file, exactly" {
	printf '# Meeting\n\n- one\n- two\n\nLast line.\n' >../notes.md
	run coach log bob -F ../notes.md
	assert_status 0
	python3 "$FM" --body "$(entry_file "$output")" >body
	cmp ../notes.md body
}

@test "log -F - reads the text from standard input" {
	run coach log bob -F - <<<"From a pipe."
	assert_status 0
	[ "$(python3 "$FM" --body "$(entry_file "$output")")" = "From a pipe." ]
}

@test "log refuses -F of a missing file, naming it" {
	snapshot
	run coach log bob -F ../nope.txt
	assert_status 1
	assert_output_has "coach: -F"
	assert_output_has "../nope.txt"
	assert_unchanged
}

@test "log refuses text that is not UTF-8 or holds NUL, naming the source and line" {
	printf 'fine\nbad \377 byte\n' >../latin1.txt
	printf 'a\0b\n' >../nul.txt
	snapshot
	run coach log bob -F ../latin1.txt
	assert_status 1
	assert_output_has "coach: -F ../latin1.txt: line 2: not UTF-8 text"
	run coach log bob -F ../nul.txt
	assert_status 1
	assert_output_has "coach: -F ../nul.txt: line 1: not UTF-8"
	run coach log bob -m $'caf\xe9'
	assert_status 1
	assert_output_has "coach: -m: line 1: not UTF-8 text"
	run coach log bob -F - <../latin1.txt
	assert_status 1
	assert_output_has "standard input"
	assert_unchanged
}

@test "log refuses an empty -m" {
	snapshot
	run coach log bob -m "   "
	assert_status 1
	assert_output_has "coach: -m: the text is empty"
	assert_unchanged
}

@test "log refuses text over the body limit from standard input" {
	snapshot
	run bash -c "head -c 600000 /dev/zero | tr '\\0' a | '$COACH' log bob -F -"
	assert_status 1
	assert_output_has "-F -"
	assert_unchanged
}

@test "log keeps hostile -m text exactly as the body" {
	for text in $'---\nkind: meeting\n---\nafter' $'# A heading\n\n## Another' \
	    $'Ünïcödé ✓ 😀 — “quotes”' $'key: value\n- item' $'  indented\n\ttab' \
	    $'...\n---' $'line\n\n\n\nafter blank lines'; do
		run coach log bob -m "$text"
		assert_status 0
		f=$(entry_file "$output")
		[ "$(python3 "$FM" --body "$f")" = "$text" ] || fail "body differs for: $text" "$(cat "$f")"
		[ "$(yaml "$f" kind)" = '"note"' ]
	done
	assert_repo_sound
}

@test "log writes CRLF text with LF line endings" {
	run coach log bob -m $'one\r\ntwo\r\n'
	assert_status 0
	f=$(entry_file "$output")
	! grep -q $'\r' "$f" || fail "CR in $f"
	[ "$(python3 "$FM" --body "$f")" = $'one\ntwo' ]
}

@test "log joins several -m as paragraphs" {
	run coach log bob -m "First." -m "Second."
	assert_status 0
	[ "$(python3 "$FM" --body "$(entry_file "$output")")" = $'First.\n\nSecond.' ]
}

@test "log usage errors exit 2" {
	snapshot
	run coach log bob -m x -F ../f
	assert_status 2
	assert_output_has "usage: coach log"
	run coach log bob cy -m x
	assert_status 2
	assert_output_has "too many arguments"
	run coach log --bogus -m x
	assert_status 2
	assert_output_has "unknown option '--bogus'"
	run coach log -m
	assert_status 2
	assert_output_has "needs a value"
	assert_unchanged
}

@test "log refuses a user without a staff record, saying how to add one" {
	git config --global user.email dan@school.example
	git config --global user.name "Dan Day"
	snapshot
	run coach log bob -m x
	assert_status 1
	assert_output_has "dan@school.example"
	assert_output_has "coach staff add HANDLE --name \"Dan Day\" --email dan@school.example"
	assert_unchanged
}

@test "log without -m opens the editor on a template, like git commit" {
	cat >../editor <<-'END'
	#!/bin/sh
	cp "$1" "$HOME/template"
	printf '# Heading kept\n\nWhat we agreed.\n%s' "$(cat "$1")" >"$1"
	END
	chmod +x ../editor
	make_goal bob g1a2b3c "Cold call"
	EDITOR=$PWD/../editor run coach log bob --kind meeting --goal g1a2
	assert_status 0
	f=$(entry_file "$output")
	[ "$(python3 "$FM" --body "$f")" = $'# Heading kept\n\nWhat we agreed.' ]
	t=$HOME/template
	[ "$(head -1 "$t")" = "" ]
	grep -q '^# coachee: bob$' "$t"
	grep -q '^# kind:    meeting$' "$t"
	grep -q '^# goal:    g1a2b3c Cold call$' "$t"
	grep -q 'abort' "$t"
	[ ! -e .git/COACH_ENTRY_EDITMSG ]
	assert_repo_sound
}

@test "log takes VISUAL before EDITOR, and an editor command with arguments" {
	cat >../ed <<-'END'
	#!/bin/sh
	printf '%s\n' "$1" >"$2"
	END
	chmod +x ../ed
	VISUAL="$PWD/../ed from-visual" EDITOR=false run coach log bob
	assert_status 0
	[ "$(python3 "$FM" --body "$(entry_file "$output")")" = "from-visual" ]
}

@test "log strips the template's comments even when the scissors line is deleted" {
	cat >../editor <<-'END'
	#!/bin/sh
	grep -v -- '>8' "$1" >"$1.new"
	printf 'Text.\n' >>"$1.new"
	mv "$1.new" "$1"
	END
	chmod +x ../editor
	EDITOR=$PWD/../editor run coach log bob
	assert_status 0
	[ "$(python3 "$FM" --body "$(entry_file "$output")")" = "Text." ]
}

@test "log aborts on an empty editor message and writes nothing" {
	snapshot
	EDITOR=true run coach log bob --kind meeting
	assert_status 1
	assert_output_has "coach: aborting: empty entry"
	assert_unchanged
	cat >../editor <<-'END'
	#!/bin/sh
	printf '   \n\n' >"$1"
	END
	chmod +x ../editor
	EDITOR=$PWD/../editor run coach log bob
	assert_status 1
	assert_output_has "aborting: empty entry"
	assert_unchanged
}

@test "log stops when the editor fails, keeping the text" {
	snapshot
	run coach log bob
	assert_status 1
	assert_output_has "the editor 'false' failed"
	assert_output_has ".git/COACH_ENTRY_EDITMSG"
	assert_unchanged
}

@test "log keeps the editor's text when the commit fails, and says where" {
	cat >../editor <<-'END'
	#!/bin/sh
	printf 'Precious words.\n' >"$1"
	git config --global --unset user.name
	END
	chmod +x ../editor
	snapshot
	EDITOR=$PWD/../editor run coach log bob
	assert_status 1
	assert_output_has ".git/COACH_ENTRY_EDITMSG"
	assert_output_has "user.name"
	grep -q '^Precious words.$' .git/COACH_ENTRY_EDITMSG
	assert_unchanged
}

@test "log checks every argument before it opens the editor" {
	cat >../editor <<-'END'
	#!/bin/sh
	touch "$HOME/editor-ran"
	END
	chmod +x ../editor
	EDITOR=$PWD/../editor run coach log bob --kind nope
	assert_status 1
	[ ! -e "$HOME/editor-ran" ]
	EDITOR=$PWD/../editor run coach log bob --evidence ../missing
	assert_status 1
	[ ! -e "$HOME/editor-ran" ]
}

@test "log works from outside the repository through COACH_DIR" {
	export COACH_DIR=$PWD
	cd ..
	echo "scan" >scan.png
	run coach log bob --evidence scan.png -m "From home."
	assert_status 0
	cd "$COACH_DIR"
	[ "$(yaml "$(entry_file "$output")" evidence)" = '["coaching/bob/evidence/scan.png"]' ]
	assert_repo_sound
}

@test "log ids are unique across many entries" {
	for i in $(seq 1 20); do
		coach log bob -m "Entry $i" >>ids
	done
	[ "$(sort -u ids | wc -l)" -eq 20 ]
	[ "$(ls coaching/bob/log | wc -l)" -eq 20 ]
}

@test "log on a terminal says what it logged" {
	command -v script >/dev/null || skip "no script(1)"
	run script -qec "'$COACH' log bob --kind meeting -m x" /dev/null
	assert_status 0
	[[ "$output" =~ logged\ meeting\ e[0-9a-f]{12}\ for\ bob ]] || fail "$output"
}

@test "log warns about grading language but writes the entry" {
	run --separate-stderr coach log bob --kind observation -m "An outstanding lesson."
	assert_status 0
	[[ "$output" =~ ^e[0-9a-f]{12}$ ]] || fail "stdout: $output"
	f=$(entry_file "$output")
	[[ "$stderr" == "coach: warning: $f:"*"outstanding"* ]] || fail "stderr: $stderr"
	assert_repo_sound
}

@test "log writes nothing on stderr for a clean entry" {
	make_goal bob g1a2b3c
	make_cycle bob c0ffee1 g1a2b3c
	echo x >../pic.jpg
	run --separate-stderr coach log bob --kind observation --cycle c0ff --evidence ../pic.jpg \
		--evidence https://v.example/1 --private -m "Pupils waited three seconds."
	assert_status 0
	[ -z "$stderr" ] || fail "stderr: $stderr"
	run coach check
	assert_status 0
}
