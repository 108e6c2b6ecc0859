#!/usr/bin/env bats
# Sealed private entries: keys (init, export, import, list, seal), log
# --private sealed to its readers, reading for readers and others, edits
# that leave no plain text behind, and the canary: a sealed entry's words
# appear nowhere in the repository, its history, its objects or a clone.
load helper
bats_require_minimum_version 1.5.0

UNSEAL="$TOP/tests/tools/unseal.py"

setup() {
	setup_scratch
	school_with_staff
	"$COACH" agree bob --coach ada >/dev/null
	export XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/run"
	mkdir -p "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	as ada
}

# as HANDLE: act as that member of staff, with their own key folder (a
# laptop of theirs).
as() {
	export GIT_AUTHOR_EMAIL="$1@school.example"
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/cfg-$1"
}

keyfile() {
	echo "$BATS_TEST_TMPDIR/cfg-$1/coach/secret-key"
}

# keys HANDLE...: each makes a key.
keys() {
	local h
	for h in "$@"; do
		as "$h"
		"$COACH" key init >/dev/null || fail "key init $h failed"
	done
	as ada
}

# The file of the entry with id $1.
entry_file() {
	ls coaching/*/log/*-"$1".md
}

# nowhere TEXT: TEXT is in no file of the work tree or .git, in no object
# and in no commit's diff.
nowhere() {
	! grep -rqF -- "$1" . || fail "$1 is in: $(grep -rlF -- "$1" .)"
	! git log -p --all | grep -qF -- "$1" || fail "$1 is in git log -p"
	! git cat-file --batch-all-objects --batch | grep -aqF -- "$1" || fail "$1 is in an object"
}

@test "key init: a private key file, the public key in the staff record in one commit, and a word on backups" {
	local before
	before=$(commit_count)
	run coach key init
	assert_status 0
	assert_output_has "made your key"
	assert_output_has "Back it up now"
	assert_output_has "coach key export -o"
	f=$(keyfile ada)
	[ "$(stat -c %a "$f")" = 600 ] || fail "key file mode $(stat -c %a "$f")"
	[ "$(stat -c %a "$(dirname "$f")")" = 700 ] || fail "key folder mode"
	[ "$(commit_count)" -eq $((before + 1)) ]
	[ "$(git log -1 --format=%s)" = "key init: ada" ]
	[ "$(git show --stat --format= HEAD | head -1 | awk '{print $1}')" = staff/ada.md ]
	pk=$(yaml staff/ada.md public_key)
	[ "$(printf '%s' "$pk" | python3 -c 'import base64,json,sys; print(len(base64.b64decode(json.load(sys.stdin))))')" = 32 ]
	# The secret is on this computer only: not in the repository.
	sk=$(sed -n '/COACH-SECRET-KEY-1/,$p' "$f" | tail -4 | tr -d '\n-')
	[ ${#sk} -eq 64 ]
	nowhere "$(sed -n '/COACH-SECRET-KEY-1/{n;p}' "$f")"
	assert_repo_sound

	# Again: no new key, no commit, the file unchanged.
	sum=$(sha256sum "$f")
	run coach key init
	assert_status 0
	assert_output_has "set up already"
	[ "$(commit_count)" -eq $((before + 1)) ]
	[ "$(sha256sum "$f")" = "$sum" ]
	run coach key list
	assert_status 0
	assert_output_has "(on this computer)"
	assert_output_has "1 of 3 have a key"
	[[ "$(echo "$output" | grep '^bob ')" == *" -" ]] || fail "$output"
	run coach check
	assert_status 0
}

@test "key init in a second school puts the same key in that staff record" {
	keys ada
	cd ..
	"$COACH" init other --school Other >/dev/null
	cd other
	"$COACH" staff add ada --name Ada --email ada@school.example >/dev/null
	run coach key init
	assert_status 0
	assert_output_has "already on this computer"
	[ "$(yaml staff/ada.md public_key)" = "$(yaml ../school/staff/ada.md public_key)" ]
}

@test "a secret key that others can read is refused, as ssh does" {
	keys ada bob
	id=$("$COACH" log bob --private -m "Words only we read.")
	chmod 644 "$(keyfile ada)"
	run coach show "$id"
	assert_status 0
	assert_output_has "(sealed: "
	assert_output_has "chmod 600"
	assert_output_lacks "Words only we read."
	run coach key export
	assert_status 1
	assert_output_has "chmod 600"
	chmod 600 "$(keyfile ada)"
	run coach show "$id"
	assert_output_has "Words only we read."
}

@test "a second laptop: export, import, read on both" {
	keys ada bob
	id=$("$COACH" log bob --private -m "Said on the first laptop.")
	as bob
	run coach key export -o "$BATS_TEST_TMPDIR/bob-key.txt"
	assert_status 0
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/bob-key.txt")" = 600 ]
	grep -q "^COACH-SECRET-KEY-1$" "$BATS_TEST_TMPDIR/bob-key.txt"
	grep -q "Whose:   bob" "$BATS_TEST_TMPDIR/bob-key.txt"
	# Never over an existing file.
	run coach key export -o "$BATS_TEST_TMPDIR/bob-key.txt"
	assert_status 1
	# The second laptop: another HOME and key folder.
	export HOME="$BATS_TEST_TMPDIR/laptop2" XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/laptop2/.config"
	mkdir -p "$HOME"
	git config --global user.name "Bob Baker"
	git config --global user.email bob@school.example
	unset GIT_AUTHOR_EMAIL
	run coach show "$id"
	assert_output_has "(sealed: you have no key on this computer"
	# A mistyped group is caught by the checksum.
	# (the second character of the first line of the code becomes another
	# letter: X, or Y when it is an X already)
	sed '/COACH-SECRET-KEY-1/{n;/^.[Xx]/{s/^\(.\)./\1Y/;b};s/^\(.\)./\1X/}' "$BATS_TEST_TMPDIR/bob-key.txt" >"$BATS_TEST_TMPDIR/typo.txt"
	! cmp -s "$BATS_TEST_TMPDIR/bob-key.txt" "$BATS_TEST_TMPDIR/typo.txt" || fail "the typo changed nothing"
	run coach key import "$BATS_TEST_TMPDIR/typo.txt"
	assert_status 1
	assert_output_has "checksum"
	[ ! -e "$XDG_CONFIG_HOME/coach/secret-key" ]
	run coach key import "$BATS_TEST_TMPDIR/bob-key.txt"
	assert_status 0
	assert_output_has "it matches staff/bob.md"
	[ "$(stat -c %a "$XDG_CONFIG_HOME/coach/secret-key")" = 600 ]
	run coach show "$id"
	assert_output_has "Said on the first laptop."
	# Both laptops read what either writes.
	id2=$("$COACH" log bob --private -m "Written on the second laptop.")
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/cfg-bob" GIT_AUTHOR_EMAIL=bob@school.example
	run coach show "$id2"
	assert_output_has "Written on the second laptop."
	# Independently of coach: libsodium opens it with the imported key.
	run python3 "$UNSEAL" "$BATS_TEST_TMPDIR/bob-key.txt" "$(entry_file "$id2")" bob
	assert_status 0
	[ "$output" = "Written on the second laptop." ] || fail "$output"
}

@test "import of someone else's key warns that it is not the staff record's" {
	keys ada bob
	cp "$(keyfile ada)" "$BATS_TEST_TMPDIR/ada.key"
	as bob
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/elsewhere"
	run coach key import "$BATS_TEST_TMPDIR/ada.key"
	assert_status 0
	assert_output_has "is not the one in staff/bob.md"
	# An existing, different key is never replaced.
	run coach key import "$BATS_TEST_TMPDIR/ada.key"
	assert_status 0
	assert_output_has "already"
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/cfg-bob"
	run coach key import "$BATS_TEST_TMPDIR/ada.key"
	assert_status 1
	assert_output_has "never replaces"
}

@test "log --private: sealed to author, coachee and --to; front-matter readable" {
	keys ada bob cy
	local before
	before=$(commit_count)
	run coach log bob --kind reflection --private --to cy -m "The silence felt long; a sealedword."
	assert_status 0
	id=$output
	f=$(entry_file "$id")
	[ "$(commit_count)" -eq $((before + 1)) ]
	! grep -q sealedword "$f" || fail "plain text in the file"
	[ "$(sed -n '/^---$/,/^---$/!p' "$f" | head -1)" = "-----BEGIN COACH SEALED ENTRY-----" ]
	[ "$(tail -1 "$f")" = "-----END COACH SEALED ENTRY-----" ]
	[ "$(yaml "$f" private)" = true ]
	[ "$(yaml "$f" kind)" = '"reflection"' ]
	[ "$(yaml "$f" readers)" = '["ada", "bob", "cy"]' ]
	grep -q "^Entry: $id\$" "$f"
	# Each reader opens it, independently of coach too.
	for h in ada bob cy; do
		run python3 "$UNSEAL" "$(keyfile "$h")" "$f" "$h"
		assert_status 0
		[ "$output" = "The silence felt long; a sealedword." ] || fail "$h: $output"
	done
	run coach check
	assert_status 0
	assert_repo_sound
}

@test "reading: readers see the words in entries, show, diff and history; others (private)" {
	keys ada bob cy
	"$COACH" log bob --kind meeting -m "Open words." >/dev/null
	id=$("$COACH" log bob --kind reflection --private -m "Only for us: sealedword.")
	for h in ada bob; do
		as "$h"
		run coach entries bob
		assert_output_has "(private) Only for us: sealedword."
		run coach entries bob --grep sealedword
		assert_output_has "${id:0:7}"
		run coach show "$id"
		assert_output_has "Only for us: sealedword."
		run coach show --format json "$id"
		assert_output_has "Only for us: sealedword."
		run coach diff bob --since 2026-01-01
		assert_output_has "sealedword"
		run coach history bob
		assert_status 0
	done
	as cy
	for args in "entries bob" "show $id" "show --raw $id" "show --format json $id" \
		"diff bob --since 2026-01-01" "history bob" "status bob" "agenda bob"; do
		run coach $args
		assert_status 0
		assert_output_lacks "sealedword"
		assert_output_lacks "BEGIN COACH SEALED"
	done
	run coach show "$id"
	assert_output_has "(private)"
	# The agenda can be shared: it never quotes a private entry.
	as ada
	run coach agenda bob
	assert_output_lacks "sealedword"
	# Reports never read bodies.
	run coach report --format json
	assert_output_lacks "sealedword"
}

@test "some readers without keys: refused unless --unsealed; nobody with keys: private as before" {
	keys ada
	local before
	before=$(commit_count)
	run coach log bob --private -m "Not for everyone."
	assert_status 1
	assert_output_has "bob has no key yet"
	assert_output_has "--unsealed"
	assert_output_has "nothing was logged"
	[ "$(commit_count)" -eq "$before" ]
	[ ! -d coaching/bob/log ] || [ -z "$(ls coaching/bob/log)" ]
	run coach log bob --private --unsealed -m "Not for everyone."
	assert_status 0
	grep -q "Not for everyone." "$(entry_file "$output")"
	# cy and bob have no keys, ada is not a reader: as coach always did.
	as cy
	run --separate-stderr coach log bob --private -m "Plain private."
	assert_status 0
	[ -z "$stderr" ] || fail "stderr: $stderr"
	grep -q "Plain private." "$(entry_file "$output")"
	# --to and --unsealed belong to --private.
	run coach log bob --to ada -m x
	assert_status 2
}

@test "clear messages: no key here, wrong key, not sealed to you, tampered, moved" {
	keys ada bob cy
	id=$("$COACH" log bob --private -m "Tamper target words.")
	id2=$("$COACH" log bob --private -m "Another entry.")
	f=$(entry_file "$id")
	# A wrong key: bob's key file replaced by another key.
	as bob
	mv "$(keyfile bob)" "$BATS_TEST_TMPDIR/bob.real"
	cp "$(keyfile cy)" "$(keyfile bob)"
	run coach show "$id"
	assert_output_has "(sealed: it was sealed to bob's key"
	assert_output_has "wrong key"
	assert_output_lacks "Tamper target"
	# No key at all.
	rm "$(keyfile bob)"
	run coach show "$id"
	assert_output_has "(sealed: you have no key on this computer"
	mv "$BATS_TEST_TMPDIR/bob.real" "$(keyfile bob)"
	run coach show "$id"
	assert_output_has "Tamper target words."
	# A reader added by hand: the entry was not sealed to them.
	as ada
	python3 - "$f" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read().replace("  - bob\n", "  - bob\n  - cy\n", 1)
open(p, "w").write(s)
EOF
	as cy
	run coach show "$id"
	assert_output_has "(sealed: it was not sealed to you"
	as ada
	run coach check
	assert_status 1
	assert_output_has "sealed to ada, bob, but the entry's readers are ada, bob, cy"
	git checkout -q -- "$f"
	# A tampered byte in the base64.
	python3 - "$f" <<'EOF'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
i = [k for k, l in enumerate(lines) if l.startswith("Reader: ")][-1] + 2
c = lines[i][10]
lines[i] = lines[i][:10] + ("A" if c != "A" else "B") + lines[i][11:]
open(p, "w").write("\n".join(lines))
EOF
	run coach show "$id"
	assert_output_has "(sealed: it does not open"
	assert_output_has "changed"
	assert_output_lacks "Tamper target"
	git checkout -q -- "$f"
	# A body moved from another entry.
	f2=$(entry_file "$id2")
	python3 - "$f" "$f2" <<'EOF'
import sys
a, b = sys.argv[1:3]
head = open(a).read().split("-----BEGIN", 1)[0]
body = "-----BEGIN" + open(b).read().split("-----BEGIN", 1)[1]
open(a, "w").write(head + body)
EOF
	run coach show "$id"
	assert_output_has "(sealed: this sealed text belongs to entry $id2"
	run coach check
	assert_status 1
	assert_output_has "belongs to entry $id2"
	git checkout -q -- "$f"
	# A reader removed from the list by a new seal: they see (private).
	as ada
	printf '#!/bin/sh\nsed -i "/^  - cy$/d" "$1"\n' >"$BATS_TEST_TMPDIR/drop-cy"
	chmod +x "$BATS_TEST_TMPDIR/drop-cy"
	id3=$("$COACH" log bob --private --to cy -m "Cy reads this for now.")
	as cy
	run coach show "$id3"
	assert_output_has "Cy reads this for now."
	as ada
	EDITOR="$BATS_TEST_TMPDIR/drop-cy" run coach edit "$id3"
	assert_status 0
	[ "$(yaml "$(entry_file "$id3")" readers)" = '["ada", "bob"]' ]
	as cy
	run coach show "$id3"
	assert_output_has "(private)"
	assert_output_lacks "Cy reads"
	run python3 "$UNSEAL" "$(keyfile cy)" "$(entry_file "$id3")" cy
	assert_status 1
}

@test "edit of a sealed entry: the draft is private, removed after, and the entry sealed again" {
	keys ada bob
	id=$("$COACH" log bob --private -m "First words.")
	f=$(entry_file "$id")
	old=$(cat "$f")
	cat >"$BATS_TEST_TMPDIR/ed" <<EOF
#!/bin/sh
stat -c '%a %n' "\$1" "\$(dirname "\$1")" >"$BATS_TEST_TMPDIR/draft-info"
case "\$1" in "$PWD"*) echo "draft inside the repository" >&2; exit 1 ;; esac
echo "editcanary added." >>"\$1"
EOF
	chmod +x "$BATS_TEST_TMPDIR/ed"
	EDITOR="$BATS_TEST_TMPDIR/ed" run coach edit "$id"
	assert_status 0
	read -r fmode fpath < <(head -1 "$BATS_TEST_TMPDIR/draft-info")
	read -r dmode dpath < <(tail -1 "$BATS_TEST_TMPDIR/draft-info")
	[ "$fmode" = 600 ] && [ "$dmode" = 700 ] || fail "modes: $(cat "$BATS_TEST_TMPDIR/draft-info")"
	[[ $fpath == "$XDG_RUNTIME_DIR"/* ]] || fail "draft at $fpath"
	[ ! -e "$fpath" ] && [ ! -e "$dpath" ] || fail "draft left behind"
	[ -z "$(ls -A "$XDG_RUNTIME_DIR")" ] || fail "runtime dir: $(ls -A "$XDG_RUNTIME_DIR")"
	nowhere editcanary
	nowhere "First words."
	run coach show "$id"
	assert_output_has "editcanary added."
	# A fresh key: every line of the payload changed.
	[ "$(cat "$f")" != "$old" ]
	[ "$(git log -1 --format=%s)" = "edit: $f" ]
	as bob
	run python3 "$UNSEAL" "$(keyfile bob)" "$f" bob
	assert_output_has "editcanary added."

	# A failed edit removes the draft too, and commits nothing.
	as ada
	before=$(commit_count)
	printf '#!/bin/sh\necho failcanary >>"$1"\nexit 3\n' >"$BATS_TEST_TMPDIR/ed-fail"
	chmod +x "$BATS_TEST_TMPDIR/ed-fail"
	EDITOR="$BATS_TEST_TMPDIR/ed-fail" run coach edit "$id"
	assert_status 1
	assert_output_has "removed"
	[ "$(commit_count)" -eq "$before" ]
	[ -z "$(ls -A "$XDG_RUNTIME_DIR")" ] || fail "runtime dir: $(ls -A "$XDG_RUNTIME_DIR")"
	nowhere failcanary
	# Killed with SIGTERM while the editor is open: the draft goes too.
	printf '#!/bin/sh\necho $$ >"%s/ed-pid"\necho termcanary >>"$1"\nexec sleep 30\n' \
		"$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/ed-slow"
	chmod +x "$BATS_TEST_TMPDIR/ed-slow"
	EDITOR="$BATS_TEST_TMPDIR/ed-slow" "$COACH" edit "$id" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 50); do
		grep -rqs termcanary "$XDG_RUNTIME_DIR" && break
		sleep 0.1
	done
	grep -rqs termcanary "$XDG_RUNTIME_DIR" || fail "the editor never started"
	kill -TERM "$pid"
	wait "$pid" || true
	kill "$(cat "$BATS_TEST_TMPDIR/ed-pid")" 2>/dev/null || true
	[ -z "$(ls -A "$XDG_RUNTIME_DIR")" ] || fail "runtime dir after SIGTERM: $(ls -A "$XDG_RUNTIME_DIR")"
	assert_repo_sound
}

@test "key seal: seals the private entries written before keys, and says history keeps them" {
	id=$("$COACH" log bob --private -m "Before keys: oldcanary.")
	open=$("$COACH" log bob -m "Not private.")
	keys ada bob
	local before
	before=$(commit_count)
	run coach key seal
	assert_status 0
	assert_output_has "sealed 1 private entry"
	assert_output_has "still in git history"
	assert_output_has "filter-repo"
	[ "$(commit_count)" -eq $((before + 1)) ]
	[ "$(git log -1 --format=%s)" = "key seal: 1 private entry" ]
	! grep -q oldcanary "$(entry_file "$id")"
	grep -q "Not private." "$(entry_file "$open")"
	! git grep -q oldcanary HEAD || fail "still in HEAD"
	# As it says: history keeps it.
	git log -p --all | grep -q oldcanary
	run coach show "$id"
	assert_output_has "Before keys: oldcanary."
	run python3 "$UNSEAL" "$(keyfile bob)" "$(entry_file "$id")" bob
	assert_output_has "oldcanary"
	# Nothing left to seal: no commit.
	run coach key seal
	assert_status 0
	assert_output_has "no private entry to seal"
	[ "$(commit_count)" -eq $((before + 1)) ]
	# An entry whose readers lack keys is listed, not sealed.
	as cy
	cid=$("$COACH" log cy --private -m "Cy alone.")
	as ada
	run coach key seal
	assert_output_has "not sealed: $(entry_file "$cid"): no key yet for cy"
	run coach check
	assert_status 0
	assert_repo_sound
}

# The canary: a sealed entry's words are nowhere but in its readers'
# hands.  The control, an unsealed private entry, shows each search finds
# what is there.
@test "canary: a sealed entry's words are nowhere in the repository, its objects, history or a clone" {
	keys ada bob
	canary="canary-$RANDOM-$RANDOM-sealed"
	control="control-$RANDOM-$RANDOM-plain"
	"$COACH" log bob --private --unsealed -m "Said aloud: $control" >/dev/null
	id=$("$COACH" log bob --private -m "Said in confidence: $canary")
	# Through the editor too, whose draft must not land in .git.
	printf '#!/bin/sh\necho "$1" >"%s/log-draft"\nsed -i "1s/^/Drafted: %s-ed\\n/" "$1"\n' "$BATS_TEST_TMPDIR" "$canary" >"$BATS_TEST_TMPDIR/ed"
	chmod +x "$BATS_TEST_TMPDIR/ed"
	EDITOR="$BATS_TEST_TMPDIR/ed" "$COACH" log bob --private >/dev/null
	[[ $(cat "$BATS_TEST_TMPDIR/log-draft") == "$XDG_RUNTIME_DIR"/* ]] ||
		fail "log drafted sealed text in $(cat "$BATS_TEST_TMPDIR/log-draft")"
	# And edited, which drafts and seals again.
	printf '#!/bin/sh\necho "Edited: %s-edit" >>"$1"\n' "$canary" >"$BATS_TEST_TMPDIR/ed2"
	chmod +x "$BATS_TEST_TMPDIR/ed2"
	EDITOR="$BATS_TEST_TMPDIR/ed2" "$COACH" edit "$id" >/dev/null
	"$COACH" show "$id" | grep -q "$canary-edit" || fail "the reader cannot read it"
	"$COACH" entries bob >/dev/null
	"$COACH" check >/dev/null
	git clone -q --no-local . "$BATS_TEST_TMPDIR/clone"
	search() {
		local what=$1 where=$2
		git -C "$where" grep -F -- "$what" $(git -C "$where" for-each-ref --format='%(refname)') >/dev/null && echo "git grep"
		git -C "$where" log -p --all | grep -qF -- "$what" && echo "git log -p --all"
		git -C "$where" cat-file --batch-all-objects --batch | grep -aqF -- "$what" && echo "an object"
		grep -rqF --exclude-dir=.git -- "$what" "$where" && echo "the work tree"
		grep -raqF -- "$what" "$where/.git" && echo ".git"
		[ -z "$(ls -A "$XDG_RUNTIME_DIR")" ] || echo "the runtime dir"
	}
	local found
	for where in . "$BATS_TEST_TMPDIR/clone"; do
		found=$(search "$canary" "$where")
		[ -z "$found" ] || fail "the canary is in $where: $found"
		# The control is found by every search of history and files.
		found=$(search "$control" "$where")
		for s in "git grep" "git log -p --all" "an object" "the work tree"; do
			[[ $found == *"$s"* ]] || fail "the control was not found by $s in $where: $found"
		done
	done
	# An unsealed canary is found in .git's objects when packed: the
	# search of .git itself can find what is there.
	git -C "$BATS_TEST_TMPDIR/clone" gc -q --no-prune 2>/dev/null || true
	printf '%s\n' "$control" >"$BATS_TEST_TMPDIR/clone/.git/probe"
	[[ $(search "$control" "$BATS_TEST_TMPDIR/clone") == *".git"* ]] || fail "grep of .git finds nothing"
	assert_repo_sound
}

# What the git host gets: a sync to a bare hub, and (once coach sync has
# it) the trust's published summary branch.
@test "canary: nowhere on the git host after sync, nor on the trust's published branch" {
	keys ada bob
	canary="canary-$RANDOM-$RANDOM-hub"
	control="control-$RANDOM-$RANDOM-hub"
	"$COACH" log bob --private --unsealed -m "Said aloud: $control" >/dev/null
	"$COACH" log bob --private -m "Said in confidence: $canary" >/dev/null
	git init -q --bare "$BATS_TEST_TMPDIR/hub.git"
	"$COACH" remote add origin "$BATS_TEST_TMPDIR/hub.git" >/dev/null
	run coach sync
	assert_status 0
	hub_search() {
		local hub=$1 what=$2
		git -C "$hub" grep -F -- "$what" $(git -C "$hub" for-each-ref --format='%(refname)') >/dev/null && echo "git grep"
		git -C "$hub" log -p --all | grep -qF -- "$what" && echo "git log -p --all"
		git -C "$hub" cat-file --batch-all-objects --batch | grep -aqF -- "$what" && echo "an object"
	}
	[ -z "$(hub_search "$BATS_TEST_TMPDIR/hub.git" "$canary")" ] || fail "the canary is on the hub"
	[ "$(hub_search "$BATS_TEST_TMPDIR/hub.git" "$control" | wc -l)" -eq 3 ] || fail "the control is not on the hub"
	if ! "$COACH" sync -h 2>&1 | grep -q -- --publish; then
		skip "coach sync has no --publish yet"
	fi
	git init -q --bare "$BATS_TEST_TMPDIR/trust.git"
	"$COACH" remote add trust "$BATS_TEST_TMPDIR/trust.git" >/dev/null
	run coach sync trust --publish
	[ "$status" -eq 0 ] || run coach sync --publish trust
	assert_status 0
	[ -n "$(git -C "$BATS_TEST_TMPDIR/trust.git" for-each-ref)" ] || fail "nothing was published"
	# Private entries are left out entirely: sealed or not.
	[ -z "$(hub_search "$BATS_TEST_TMPDIR/trust.git" "$canary")" ] || fail "the canary was published"
	[ -z "$(hub_search "$BATS_TEST_TMPDIR/trust.git" "$control")" ] || fail "a private entry was published"
	! git -C "$BATS_TEST_TMPDIR/trust.git" cat-file --batch-all-objects --batch | grep -aq "BEGIN COACH SEALED" ||
		fail "a sealed body was published"
}
