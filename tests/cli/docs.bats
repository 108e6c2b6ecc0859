#!/usr/bin/env bats
# The manual and the completions against the command table: every command
# "coach help" lists, every sub-command and every option of its usage lines
# must be documented and completed.  Also: scdoc accepts every page, and
# the completions read handles, ids and phases from the repository.
load helper

MAN="$TOP/man"
COMP="$TOP/completions"

setup() {
	setup_scratch
	# shellcheck source=../../completions/coach.bash
	source "$COMP/coach.bash"
}

# The commands of "coach help", one a line.
commands() {
	"$COACH" help | awk '/^commands:/ { f = 1; next } f && /^$/ { exit } f { print $1 }'
}

# The usage lines of a command, without "usage:" and "coach NAME" (they
# end at the blank line before the options).
usage_of() {
	COACH_NO_MAN=1 "$COACH" help "$1" | sed -n '/^usage:/,/^$/p' | sed '/^$/d' |
		sed -E "s/^(usage:)? *coach $1( |$)//"
}

# The options in a usage line (or lines), one a line.
options_in() {
	grep -oE -- '(^|[][ |])--?[A-Za-z][A-Za-z0-9-]*' | sed -E 's/^[][ |]//' | sort -u
}

# The sub-command a usage line starts with, if any.
verb_of() {
	awk '$1 ~ /^[a-z][a-z-]*$/ { print $1 }' <<<"$1"
}

# A man page's section, from its "# NAME" heading to the next one.
man_section() {
	awk -v h="# $2" '$0 == h { f = 1; next } f && /^# / { exit } f' "$1"
}

# complete_bash WORD...: what the bash completion offers for the command
# line (the last word is the one being completed), sorted, one a line.
complete_bash() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_coach
	if ((${#COMPREPLY[@]})); then
		printf '%s\n' "${COMPREPLY[@]}" | sort
	fi
}

# same_set EXPECTED ACTUAL: equal as sets of lines; shows both when not.
same_set() {
	local e a
	e=$(sort -u <<<"$1" | sed '/^$/d')
	a=$(sort -u <<<"$2" | sed '/^$/d')
	[ "$e" = "$a" ] || fail "expected:" "$e" "got:" "$a"
}

# A scratch coach repository with records to complete.
scratch_repo() {
	mkdir -p repo/staff repo/priorities repo/framework \
		repo/coaching/bob/goals repo/coaching/bob/cycles repo/coaching/bob/log \
		repo/coaching/cy/goals repo/coaching/cy/log repo/sub/deeper
	printf 'school: Test School\n' >repo/coach.yml
	touch repo/staff/ada.md repo/staff/bob.md repo/staff/cy.md \
		repo/priorities/reading.md repo/priorities/feedback.md \
		repo/framework/cold-call.md \
		repo/coaching/bob/goals/g3f9a1c.md repo/coaching/cy/goals/g0b1c2d.md \
		repo/coaching/bob/cycles/c81b0e2.md \
		repo/coaching/bob/log/2026-11-26-e5d2c77.md \
		repo/coaching/cy/log/2026-11-20-e0a0b0c.md
}

@test "coach help lists the commands of the table" {
	run commands
	assert_status 0
	[ "${#lines[@]}" -ge 14 ] || fail "too few commands: $output"
	for c in init log help; do
		[[ " ${lines[*]} " == *" $c "* ]] || fail "no $c in: $output"
	done
}

@test "coach(1) lists every command, and only commands, with its page" {
	local section listed c
	section=$(man_section "$MAN/coach.1.scd" COMMANDS)
	[ -n "$section" ] || fail "coach.1.scd has no COMMANDS section"
	listed=$(grep -E '^\*[a-z][a-z-]*\*$' <<<"$section" | tr -d '*')
	same_set "$(commands)" "$listed"
	for c in $(commands); do
		grep -qF "*coach-$c*(1)" <<<"$section" ||
			fail "coach.1.scd: COMMANDS does not refer to coach-$c(1)"
		grep -qF "*coach-$c*(1)" <<<"$(man_section "$MAN/coach.1.scd" "SEE ALSO")" ||
			fail "coach.1.scd: SEE ALSO lacks coach-$c(1)"
	done
}

@test "every command has its page with every section, and every page a command" {
	local c f s pages
	for c in $(commands); do
		f="$MAN/coach-$c.1.scd"
		[ -f "$f" ] || fail "no man/coach-$c.1.scd"
		[ "$(head -1 "$f")" = "coach-$c(1)" ] || fail "$f: first line is not coach-$c(1)"
		for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
			grep -qx "# $s" "$f" || fail "$f: no $s section"
		done
		grep -q "^coach-$c - " "$f" || fail "$f: NAME is not 'coach-$c - ...'"
	done
	pages=$(cd "$MAN" && ls coach-*.1.scd | sed -E 's/^coach-(.*)\.1\.scd$/\1/')
	same_set "$(commands)" "$pages"
}

@test "every sub-command and option of the usage lines is in the command's page" {
	local c line verb opt page synopsis options
	for c in $(commands); do
		page="$MAN/coach-$c.1.scd"
		synopsis=$(man_section "$page" SYNOPSIS)
		options=$(man_section "$page" OPTIONS)
		while IFS= read -r line; do
			verb=$(verb_of "$line")
			if [ -n "$verb" ]; then
				grep -qF "*coach $c $verb*" <<<"$synopsis" ||
					fail "$page: SYNOPSIS lacks *coach $c $verb*"
			fi
			for opt in $(options_in <<<"$line"); do
				grep -qF -- "*$opt*" <<<"$synopsis" ||
					fail "$page: SYNOPSIS lacks *$opt* (usage: coach $c $line)"
				# Defined in OPTIONS: "*--opt* ..." or "*-m* x, *--opt* x".
				grep -qE -- "^(\*-[^*]*\*[^,]*, )?\*$opt\*" <<<"$options" ||
					fail "$page: OPTIONS does not describe *$opt*"
			done
		done < <(usage_of "$c")
	done
}

# Every option of a (sub)command's usage lines has a line of help in
# "coach COMMAND [SUB] -h", and -h lists no option the usage lacks.
@test "each form's options in its -h are those of its usage lines" {
	local c verb verbs line uopts help hl short long o
	for c in $(commands); do
		verbs=$(usage_of "$c" | while IFS= read -r line; do
			echo "$(verb_of "$line")"; done | sort -u)
		while IFS= read -r verb; do
			uopts=$(usage_of "$c" | while IFS= read -r line; do
				[ "$(verb_of "$line")" = "$verb" ] && options_in <<<"$line"
			done | sort -u)
			help=$(COACH_NO_MAN=1 "$COACH" "$c" ${verb:+"$verb"} -h) ||
				fail "coach $c $verb -h failed"
			help=$(sed '1,/^$/d' <<<"$help" | grep -E '^ +-' | grep -v -- '--help' || true)
			while IFS= read -r hl; do
				[ -n "$hl" ] || continue
				short=$(grep -oE '^ *-[a-zA-Z],' <<<"$hl" | tr -d ' ,')
				long=$(grep -oE -- '--[a-z][a-z-]*' <<<"$hl" | head -1)
				grep -qx -- "$long" <<<"$uopts" ||
					{ [ -n "$short" ] && grep -qx -- "$short" <<<"$uopts"; } ||
					fail "coach $c $verb -h: $long is not in the usage line"
			done <<<"$help"
			for o in $uopts; do
				grep -qE -- "(^| )$o[ ,]" <<<"$help" ||
					fail "coach $c $verb -h does not explain $o"
			done
		done <<<"$verbs"
	done
}

@test "bash completion offers exactly the commands" {
	same_set "$(commands)" "$(complete_bash coach '')"
	same_set "$(commands)" "$(complete_bash coach --no-pager '')"
	same_set "$(commands)" "$(complete_bash coach -C /tmp '')"
	same_set "$(commands)" "$(complete_bash coach help '')"
}

@test "bash completion offers every sub-command and option of the usage lines" {
	local c line verb opt prefix words
	for c in $(commands); do
		while IFS= read -r line; do
			verb=$(verb_of "$line")
			words=(coach "$c")
			if [ -n "$verb" ]; then
				complete_bash coach "$c" '' | grep -qx -- "$verb" ||
					fail "bash: 'coach $c <TAB>' does not offer $verb"
				words+=("$verb")
			fi
			for opt in $(options_in <<<"$line"); do
				prefix=--
				[[ $opt == --* ]] || prefix=-
				complete_bash "${words[@]}" "$prefix" | grep -qx -- "$opt" ||
					fail "bash: '${words[*]} $prefix<TAB>' does not offer $opt" \
						"(usage: coach $c $line)"
			done
		done < <(usage_of "$c")
	done
}

@test "bash completion: global options and their values" {
	same_set "$(printf '%s\n' -C --no-pager --color --color= --version --help)" \
		"$(complete_bash coach -)"
	same_set "$(printf '%s\n' auto always never)" "$(complete_bash coach --color=)"
	same_set "always" "$(complete_bash coach --color = al)"
}

@test "bash completion: fixed values of options" {
	same_set "$(printf '%s\n' meeting observation practice reflection evidence cpd note)" \
		"$(complete_bash coach log --kind '')"
	same_set "observation" "$(complete_bash coach entries --kind=obs)"
	same_set "$(printf '%s\n' active achieved paused dropped any)" \
		"$(complete_bash coach goal list --status '')"
	same_set "$(printf '%s\n' active achieved paused dropped)" \
		"$(complete_bash coach goal status g3f9 '')"
	same_set "$(printf '%s\n' met partly not-yet)" \
		"$(complete_bash coach cycle close c81b --outcome '')"
	same_set "$(printf '%s\n' text json)" "$(complete_bash coach check --format '')"
	same_set "$(printf '%s\n' steplab impact gbf)" "$(complete_bash coach init --cycle '')"
	same_set "$(printf '%s\n' text json markdown)" "$(complete_bash coach agenda --format '')"
	same_set "last-meeting" "$(complete_bash coach diff --since last)"
	same_set "" "$(complete_bash coach diff --until '')"
	same_set "$(printf '%s\n' today yesterday tomorrow monday tuesday wednesday thursday friday)" "$(complete_bash coach log --date '')"
	# A value that is free text gets nothing, not the next option.
	same_set "" "$(complete_bash coach log -m '')"
}

@test "bash completion: coach staff show <TAB> gives the handles of staff/" {
	mkdir -p staff
	touch coach.yml staff/ada.md staff/bob.md
	same_set "$(printf '%s\n' ada bob)" "$(complete_bash coach staff show '')"
	same_set "bob" "$(complete_bash coach staff show b)"
}

@test "bash completion: values from the repository, from anywhere inside it" {
	scratch_repo
	cd repo/sub/deeper
	same_set "$(printf '%s\n' ada bob cy)" "$(complete_bash coach log '')"
	same_set "$(printf '%s\n' ada bob cy)" "$(complete_bash coach agree bob --coach '')"
	same_set "$(printf '%s\n' ada bob cy)" "$(complete_bash coach status '')"
	same_set "$(printf '%s\n' reading feedback)" \
		"$(complete_bash coach goal add bob Title --priority '')"
	same_set "cold-call" "$(complete_bash coach goal add Title --strategy '')"
	same_set "$(printf '%s\n' g3f9a1c g0b1c2d)" "$(complete_bash coach goal show '')"
	same_set "$(printf '%s\n' g3f9a1c g0b1c2d)" "$(complete_bash coach cycle start '')"
	same_set "$(printf '%s\n' g3f9a1c g0b1c2d)" "$(complete_bash coach log --goal '')"
	same_set "c81b0e2" "$(complete_bash coach cycle close '')"
	same_set "c81b0e2" "$(complete_bash coach log --cycle '')"
	same_set "$(printf '%s\n' g3f9a1c g0b1c2d c81b0e2 e5d2c77 e0a0b0c)" \
		"$(complete_bash coach show '')"
	same_set "e5d2c77" "$(complete_bash coach edit e5)"
	# The second argument of goal status is a status, not a goal.
	same_set "achieved" "$(complete_bash coach goal status g3f9 ach)"
	# Options and their values do not count as arguments.
	same_set "$(printf '%s\n' ada bob cy)" \
		"$(complete_bash coach log --kind meeting -m 'some text' --private '')"
	same_set "" "$(complete_bash coach log bob '')"
	# staff add --coach is a flag: the next word is not a coach's handle.
	same_set "" "$(complete_bash coach staff add dee --coach '')"
}

@test "bash completion: the repository of -C, \$COACH_DIR or git config coach.dir" {
	scratch_repo
	mkdir elsewhere
	cd elsewhere
	same_set "" "$(complete_bash coach staff show '')"
	same_set "$(printf '%s\n' ada bob cy)" "$(complete_bash coach -C ../repo staff show '')"
	same_set "$(printf '%s\n' ada bob cy)" "$(complete_bash coach -C../repo/sub staff show '')"
	COACH_DIR="$BATS_TEST_TMPDIR/repo" run complete_bash coach staff show ''
	same_set "$(printf '%s\n' ada bob cy)" "$output"
	git config --global coach.dir "$BATS_TEST_TMPDIR/repo"
	same_set "$(printf '%s\n' ada bob cy)" "$(complete_bash coach staff show '')"
}

@test "bash completion: cycle phases from coach.yml" {
	scratch_repo
	cd repo
	same_set "$(printf '%s\n' plan model practise apply review)" \
		"$(complete_bash coach cycle phase c81b '')"
	printf 'school: S\ncycle_model: impact\n' >coach.yml
	same_set "$(printf '%s\n' identify learn improve)" \
		"$(complete_bash coach cycle phase c81b '')"
	printf 'school: S\ncycle_model: "gbf"  # Get Better Faster\n' >coach.yml
	same_set "$(printf '%s\n' see-it name-it do-it)" \
		"$(complete_bash coach cycle phase c81b '')"
	printf 'school: S\ncycle_model: impact\ncycle_phases:\n  - notice   # first\n  - "try"\n- reflect\nprivacy:\n  trust: summary\n' >coach.yml
	same_set "$(printf '%s\n' notice try reflect)" \
		"$(complete_bash coach cycle phase c81b '')"
	printf 'school: S\ncycle_phases: [ look, "try", review ]\n' >coach.yml
	same_set "$(printf '%s\n' look try review)" \
		"$(complete_bash coach cycle phase c81b '')"
}

@test "bash completion is registered for coach with complete -F" {
	run complete -p coach
	assert_status 0
	[ "$output" = "complete -F _coach coach" ] || fail "$output"
}

@test "zsh completion lists exactly the commands" {
	local listed
	listed=$(awk '/local -a commands=\(/ { f = 1; next } f && /^ *\)/ { exit }
		f { sub(/^ *\047/, ""); sub(/:.*/, ""); print }' "$COMP/_coach")
	same_set "$(commands)" "$listed"
}

@test "zsh completion mentions every option of the usage lines" {
	local c opt
	for c in $(commands); do
		for opt in $(usage_of "$c" | options_in); do
			grep -qE -- "(^|[^a-z-])$opt([^a-z-]|\$)" "$COMP/_coach" ||
				fail "_coach: no $opt (coach $c)"
		done
	done
}

@test "zsh completion: syntax and values from the repository" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	zsh -n "$COMP/_coach" || fail "zsh -n _coach failed"
	scratch_repo
	cd repo/sub
	local z="$TOP/tests/tools/zcomp.zsh"
	run timeout 30 zsh -f "$z" "$COMP" "coach "
	same_set "$(commands)" "$(tr ' ' '\n' <<<"$output")"
	run timeout 30 zsh -f "$z" "$COMP" "coach staff show "
	same_set "$(printf '%s\n' ada bob cy)" "$(tr ' ' '\n' <<<"$output")"
	run timeout 30 zsh -f "$z" "$COMP" "coach log --kind "
	same_set "$(printf '%s\n' meeting observation practice reflection evidence cpd note)" \
		"$(tr ' ' '\n' <<<"$output")"
	run timeout 30 zsh -f "$z" "$COMP" "coach cycle phase c81b "
	same_set "$(printf '%s\n' plan model practise apply review)" "$(tr ' ' '\n' <<<"$output")"
}

@test "fish completion lists exactly the commands" {
	local listed
	listed=$(grep -E '^complete -c coach -n __coach_needs_command -a [a-z]' "$COMP/coach.fish" |
		awk '{ print $7 }')
	same_set "$(commands)" "$listed"
}

@test "fish completion: syntax, commands, options and values" {
	command -v fish >/dev/null || skip "fish is not installed"
	fish -n "$COMP/coach.fish" || fail "fish -n coach.fish failed"
	fishc() {
		fish -c "source '$COMP/coach.fish'; complete -C '$1'" | cut -f1
	}
	same_set "$(commands)" "$(fishc 'coach ')"
	local c line verb opt words prefix
	for c in $(commands); do
		while IFS= read -r line; do
			verb=$(verb_of "$line")
			words="coach $c"
			[ -n "$verb" ] && words+=" $verb"
			for opt in $(options_in <<<"$line"); do
				prefix=--
				[[ $opt == --* ]] || prefix=-
				fishc "$words $prefix" | grep -qx -- "$opt" ||
					fail "fish: '$words $prefix<TAB>' does not offer $opt"
			done
		done < <(usage_of "$c")
	done
	scratch_repo
	cd repo/sub
	same_set "$(printf '%s\n' ada bob cy)" "$(fishc 'coach staff show ')"
	same_set "$(printf '%s\n' g3f9a1c g0b1c2d)" "$(fishc 'coach goal status ')"
	same_set "c81b0e2" "$(fishc 'coach log --cycle ')"
	same_set "$(printf '%s\n' plan model practise apply review)" \
		"$(fishc 'coach cycle phase c81b ')"
}

@test "man/meson.build builds every page of man/" {
	local listed files
	listed=$(grep -oE "'[a-z0-9-]+\.[0-9]\.scd'" "$MAN/meson.build" | tr -d "'")
	files=$(cd "$MAN" && ls *.scd)
	same_set "$files" "$listed"
}

@test "scdoc accepts every page, and man renders it without warnings" {
	command -v scdoc >/dev/null || skip "scdoc is not installed"
	local f out
	for f in "$MAN"/*.scd; do
		out="$BATS_TEST_TMPDIR/$(basename "$f" .scd)"
		scdoc <"$f" >"$out" 2>"$out.err" || fail "scdoc refused $f:" "$(cat "$out.err")"
		[ ! -s "$out.err" ] || fail "scdoc warned about $f:" "$(cat "$out.err")"
		if command -v man >/dev/null; then
			MANWIDTH=80 man --warnings -l "$out" >"$out.txt" 2>"$out.err" ||
				fail "man -l failed on $f"
			[ ! -s "$out.err" ] || fail "man warned about $f:" "$(cat "$out.err")"
			grep -q "^NAME" "$out.txt" || fail "$f: rendered page has no NAME"
		fi
	done
}

@test "coach(5) and coach-check(1) give the default grading words" {
	local w words
	# The list as lib/repo.c has it.
	words=$(python3 -c '
import re, sys
s = open(sys.argv[1]).read()
body = s[s.index("judgement_words[] = {"):]
body = body[:body.index("NULL")]
print("\n".join(re.findall(r"\"([^\"]+)\"", body)))
' "$TOP/lib/repo.c")
	[ "$(printf '%s\n' "$words" | wc -l)" -ge 10 ] || fail "no list found: $words"
	while IFS= read -r w; do
		# Phrases may wrap in the page: compare with blanks joined.
		tr -s ' \t\n' ' ' <"$MAN/coach.5.scd" | grep -qw -- "$w" || fail "coach.5.scd lacks '$w'"
		tr -s ' \t\n' ' ' <"$MAN/coach-check.1.scd" | grep -qw -- "$w" || fail "coach-check.1.scd lacks '$w'"
	done <<<"$words"
	grep -q judgement_words "$MAN/coach.5.scd" || grep -qF 'judgement\_words' "$MAN/coach.5.scd" ||
		fail "coach.5.scd does not say how to replace the list"
}
