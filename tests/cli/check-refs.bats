#!/usr/bin/env bats
# coach check: ids and file names, references between records, duplicate
# ids, coachees without staff records, unexpected files.
load helper
load school_by_hand

setup() {
	setup_scratch
	school_by_hand
}

G=coaching/bob/goals/g111111.md
C=coaching/bob/cycles/c222222.md
E=coaching/bob/log/2026-11-20-e333333.md
A=coaching/bob/agreement.md

@test "a goal id that does not match its file name" {
	set_line $G 2 "id: g999999"
	run coach check
	assert_status 1
	assert_line "$G:2: error: id 'g999999' does not match the file name, which names g111111: set 'id: g111111' or rename the file"
	assert_problems 1
}

@test "ids must be well formed" {
	set_line $C 2 "id: C222222"
	set_line $E 6 "goal: goal-one"
	run coach check
	assert_status 1
	assert_line "$C:2: error: 'id' must be a cycle id like c3f9a1c, not 'C222222'"
	assert_line "$E:6: error: 'goal' must be a goal id like g3f9a1c, not 'goal-one'"
	assert_problems 2
}

@test "file names that do not name an id, a date or a handle" {
	git mv $G coaching/bob/goals/first-goal.md
	git mv $E coaching/bob/log/meeting-e333333.md
	git mv staff/bob.md staff/Bob.md
	run coach check
	assert_status 1
	assert_line "coaching/bob/goals/first-goal.md: error: file name 'first-goal.md' is not a goal id: goal files are named ID.md (e.g. g3f9a1c.md); rename it"
	assert_line "coaching/bob/log/meeting-e333333.md: error: file name is not DATE-ID.md: entries are named by their date and id (e.g. 2026-11-20-e5d2c77.md); rename it"
	assert_line "staff/Bob.md: error: file name 'Bob.md' does not give a valid handle: use 1 to 40 characters from a-z, 0-9, '.', '_' and '-', starting with a letter or digit, then .md; rename the file"
}

@test "an entry's date must be the date of its file name" {
	set_line $E 3 "date: 2026-11-21"
	run coach check
	assert_status 1
	assert_line "$E:3: error: date 2026-11-21 does not match the file name, which starts with 2026-11-20: set 'date: 2026-11-20' or rename the file"
	assert_problems 1
}

@test "the agreement's coachee is its folder and its coaches are staff" {
	set_line $A 2 "coachee: ada"
	set_line $A 3 "coach: [ada, zoe]"
	run coach check
	assert_status 1
	assert_line "$A:2: error: coachee 'ada' is not the folder's coachee 'bob': an agreement lives in its coachee's folder; set 'coachee: bob' or move the file"
	assert_line "$A:3: error: coach 'zoe' has no staff record staff/zoe.md: add them with 'coach staff add zoe --name NAME' or correct the handle"
	assert_problems 2
}

@test "an agreement's coach written as a block list, one bad" {
	edit $A 's.replace("coach: ada\n", "coach:\n  - ada\n  - Zoe Z\n")'
	run coach check
	assert_status 1
	assert_line "$A:5: error: 'coach' is not a valid handle 'Zoe Z': use 1 to 40 characters from a-z, 0-9, '.', '_' and '-', starting with a letter or digit"
	assert_problems 1
}

@test "a goal's priority and strategies must exist" {
	set_line $G 6 "priority: maths"
	set_line $G 7 "strategies: [cold-call, think-pair-share]"
	run coach check
	assert_status 1
	assert_line "$G:6: error: priority 'maths' does not exist (no priorities/maths.md): add it with 'coach priority add maths TITLE' or correct the id"
	assert_line "$G:7: error: strategy 'think-pair-share' does not exist (no framework/think-pair-share.md): add it with 'coach framework add think-pair-share TITLE' or correct the id"
	assert_problems 2
}

@test "a cycle's goal must be a goal of the same coachee" {
	mkdir -p coaching/ada/goals
	sed 's/g111111/g444444/' $G >coaching/ada/goals/g444444.md
	set_line $C 3 "goal: g444444"
	run coach check
	assert_status 1
	assert_line "$C:3: error: goal 'g444444' does not exist (no coaching/bob/goals/g444444.md): a cycle works on a goal of the same coachee; correct the id"
	assert_problems 1
}

@test "an entry's author, goal, cycle and evidence must exist; URLs are not checked" {
	set_line $E 5 "author: zoe"
	set_line $E 6 "goal: g555555"
	set_line $E 7 "cycle: c555555"
	set_line $E 8 "evidence: [coaching/bob/evidence/missing.jpg, ../outside.txt, /etc/passwd, 'https://nowhere.example/x']"
	run coach check
	assert_status 1
	assert_line "$E:5: error: author 'zoe' has no staff record staff/zoe.md: add them with 'coach staff add zoe --name NAME' or correct the handle"
	assert_line "$E:6: error: goal 'g555555' does not exist (no coaching/bob/goals/g555555.md): an entry refers to a goal of its own coachee; correct the id"
	assert_line "$E:7: error: cycle 'c555555' does not exist (no coaching/bob/cycles/c555555.md): an entry refers to a cycle of its own coachee; correct the id"
	assert_line "$E:8: error: evidence 'coaching/bob/evidence/missing.jpg' does not exist in the repository: paths are relative to the repository's root; add the file or correct the path"
	assert_line "$E:8: error: evidence '../outside.txt' is outside the repository: link a URL or copy the file in with 'coach log --evidence FILE'"
	assert_line "$E:8: error: evidence '/etc/passwd' is outside the repository: link a URL or copy the file in with 'coach log --evidence FILE'"
	assert_problems 6
}

@test "duplicate ids across the repository" {
	mkdir -p coaching/ada/goals
	sed 's/^priority: .*//' $G >coaching/ada/goals/g111111.md
	run coach check
	assert_status 1
	assert_line "coaching/ada/goals/g111111.md: error: id 'g111111' is also used by $G: ids must be unique across the repository; give one of the records a new id (and update what refers to it)"
	assert_line "$G: error: id 'g111111' is also used by coaching/ada/goals/g111111.md: ids must be unique across the repository; give one of the records a new id (and update what refers to it)"
	assert_problems 2
}

@test "a coachee folder without a staff record" {
	mkdir -p coaching/zed/goals
	sed 's/g111111/g666666/' $G >coaching/zed/goals/g666666.md
	run coach check
	assert_status 1
	assert_line "coaching/zed: error: coachee 'zed' has no staff record staff/zed.md: add them with 'coach staff add zed --name NAME' or rename the folder"
	assert_problems 1
}

@test "two members of staff with one email" {
	set_line staff/bob.md 3 "email: ADA@school.example"
	run coach check
	assert_status 1
	assert_line "staff/bob.md:3: error: email 'ada@school.example' is also used by staff/ada.md: coach finds the current user by email, so each member of staff needs their own"
}

@test "unexpected files are warnings; --strict fails on them" {
	echo notes >staff/notes.txt
	echo x >coaching/bob/todo.md
	mkdir -p framework/old
	echo x >coaching/README
	run coach check
	assert_status 0
	assert_line "staff/notes.txt: warning: unexpected file: staff/ holds only NAME.md records (evidence belongs in coaching/COACHEE/evidence/); move it"
	assert_line "coaching/bob/todo.md: warning: unexpected record: a coachee's folder holds agreement.md, goals/, cycles/, log/ and evidence/; move it"
	assert_line "framework/old: warning: unexpected folder: framework/ holds only NAME.md records; move it out of the repository"
	assert_line "coaching/README: warning: unexpected file: coaching/ holds one folder per coachee; move it"
	assert_problems 4
	assert_output_has "0 errors, 4 warnings in 9 files"
	run coach check --strict
	assert_status 1
	assert_output_has "coach: 0 errors, 4 warnings in 9 files (warnings fail with --strict)"
}

@test "hidden files (editor swap files, .gitkeep) are not reported" {
	touch coaching/bob/goals/.g111111.md.swp staff/.gitkeep
	run coach check
	assert_status 0
	assert_problems 0
}

@test "an agreement needs at least one coach" {
	set_line $A 3 "coach: []"
	run coach check
	assert_status 1
	assert_line "$A:3: error: 'coach' is an empty list: name at least one member of staff"
	assert_problems 1
}
