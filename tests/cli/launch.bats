#!/usr/bin/env bats
# The coach executable links only the C library: it answers --version
# itself and loads coach-core.so (the commands, libgit2 and the other
# libraries) for everything else, from beside itself, from where meson
# install puts it, or from $COACH_CORE.
load helper

setup() {
	setup_scratch
	CORE="$(dirname "$COACH")/coach-core.so"
	[ -f "$CORE" ] || skip "no coach-core.so beside $COACH"
	# A copy of the executable alone, as if its module had been lost.
	mkdir -p "$BATS_TEST_TMPDIR/alone/bin"
	cp "$COACH" "$BATS_TEST_TMPDIR/alone/bin/coach"
	ALONE="$BATS_TEST_TMPDIR/alone/bin/coach"
}

# loaded CMD...: the files the dynamic loader maps for coach CMD, one a line.
loaded() {
	LD_DEBUG=files "$COACH" "$@" 2>&1 >/dev/null |
		sed -n 's/^[[:space:]]*[0-9]*:[[:space:]]*file=\([^ ]*\) .*/\1/p' | sort -u
}

@test "--version maps only the C library; a command maps libgit2 through the module" {
	run loaded --version
	assert_output_has "libc.so"
	assert_output_lacks "coach-core.so"
	assert_output_lacks "libgit2"
	assert_output_lacks "libyaml"
	run loaded help
	assert_output_has "coach-core.so"
	assert_output_has "libgit2"
	# The executable itself needs no library but libc (and a sanitizer's
	# runtime in a sanitized build).
	needed=$(readelf -d "$COACH" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
		grep -v -e '^libc\.so' -e '^lib[a-z]*san\.so' -e '^libstdc++' \
			-e '^libm\.so' -e '^libgcc_s\.so' -e '^ld-linux' || true)
	[ -z "$needed" ] || fail "coach needs: $needed"
}

@test "without its module coach names the path it looked at and what to do, exit 1" {
	school_with_staff
	head=$(git rev-parse HEAD)
	run "$ALONE" staff add dee --name "Dee Dee" --email dee@school.example
	assert_status 1
	assert_output_has "coach: cannot load $BATS_TEST_TMPDIR/"
	assert_output_has "/coach/coach-core.so, which holds coach's commands: No such file or directory"
	assert_output_has "reinstall coach, or set COACH_CORE"
	[ "$(git rev-parse HEAD)" = "$head" ] || fail "a commit was made"
	[ ! -e staff/dee.md ] || fail "staff/dee.md was written"
	# --version needs no module.
	run "$ALONE" --version
	assert_status 0
	[[ "$output" =~ ^coach\ [0-9]+\.[0-9]+ ]] || fail "$output"
}

@test "a broken module: not a shared object, truncated, another library" {
	printf 'not a module\n' >"$BATS_TEST_TMPDIR/text.so"
	# Cut short after its headers, and by its last byte only: either
	# would load, and fault when a missing page is touched.
	head -c 4096 "$CORE" >"$BATS_TEST_TMPDIR/cut.so"
	head -c $(($(wc -c <"$CORE") - 1)) "$CORE" >"$BATS_TEST_TMPDIR/cut1.so"
	libz=$(ldconfig -p | sed -n 's/.*libz\.so\.1 (libc6,x86-64) => //p' | head -1)
	[ -n "$libz" ] || libz=$(ldd "$CORE" | sed -n 's/.*libz\.so\.1 => \([^ ]*\).*/\1/p')
	for m in "$BATS_TEST_TMPDIR/text.so" "$BATS_TEST_TMPDIR/cut.so" \
		"$BATS_TEST_TMPDIR/cut1.so" "$libz"; do
		COACH_CORE=$m run "$COACH" help
		assert_status 1
		assert_output_has "coach: cannot load $m, which holds coach's commands: "
		assert_output_has "set COACH_CORE to the path of its coach-core.so"
		assert_output_lacks "usage: coach"
	done
	for m in cut cut1; do
		COACH_CORE=$BATS_TEST_TMPDIR/$m.so run "$COACH" help
		assert_output_has "it is cut short"
	done
	COACH_CORE=$libz run "$COACH" help
	assert_output_has "it is not coach's coach-core.so"
}

@test "COACH_CORE names the module to load" {
	COACH_CORE=$CORE run "$ALONE" init school --school "Moved School"
	assert_status 0
	[ "$(git -C school log --format=%s | wc -l)" -ge 1 ] || fail "no commit"
	[ -f school/coach.yml ] || fail "no coach.yml"
	# A bare name is a file in the current directory, never a library
	# found on the loader's path.
	cp "$CORE" "$BATS_TEST_TMPDIR/alone/coach-core.so"
	cd "$BATS_TEST_TMPDIR/alone"
	COACH_CORE=coach-core.so run "$ALONE" help
	assert_status 0
	assert_output_has "usage: coach"
	COACH_CORE=libc.so.6 run "$ALONE" help
	assert_status 1
	assert_output_has "cannot load ./libc.so.6, which holds coach's commands: No such file or directory"
}

@test "exit statuses and global options are the module's, --version's the same" {
	run coach
	assert_status 2
	assert_output_has "usage: coach"
	run coach -C
	assert_status 2
	assert_output_has "option '-C' needs a directory"
	run coach --bogus --version
	assert_status 2
	assert_output_has "unknown option '--bogus'"
	# Global options before --version are read, not acted on, as before.
	run coach -C /nonexistent --no-pager --color=bad --version
	assert_status 0
	[[ "$output" =~ ^coach\ [0-9]+\.[0-9]+ ]] || fail "$output"
	run coach -C /nonexistent status bob
	assert_status 1
	# A line that cannot be written fails.
	run sh -c "'$COACH' --version >/dev/full"
	assert_status 1
	assert_output_has "coach: write error on standard output"
}
