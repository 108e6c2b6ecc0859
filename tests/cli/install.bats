#!/usr/bin/env bats
# meson install puts the binary, its module, the manual and the
# completions in place, the installed coach works, and "coach help" opens
# the installed manual.
load helper

setup() {
	setup_scratch
	BUILD=$(dirname "$COACH")
	[ -f "$BUILD/build.ninja" ] || skip "no meson build directory next to $COACH"
	DEST="$BATS_TEST_TMPDIR/dest"
	meson install -C "$BUILD" --destdir "$DEST" >/dev/null 2>&1 || fail "meson install failed"
	PREFIX=$(meson introspect "$BUILD" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
	ROOT="$DEST$PREFIX"
}

@test "install: binary, every man page, three completions" {
	[ -x "$ROOT/bin/coach" ]
	"$ROOT/bin/coach" --version
	for c in $(coach help | awk '/^commands:/{on=1; next} on && /^   [a-z]/ {print $1}'); do
		[ -f "$ROOT/share/man/man1/coach-$c.1" ] || fail "no coach-$c.1"
	done
	[ -f "$ROOT/share/man/man1/coach.1" ]
	[ -f "$ROOT/share/man/man5/coach.5" ]
	[ -f "$ROOT/share/bash-completion/completions/coach" ]
	[ -f "$ROOT/share/zsh/site-functions/_coach" ]
	[ -f "$ROOT/share/fish/vendor_completions.d/coach.fish" ]
}

@test "install: the installed coach loads its installed module and runs commands" {
	core=$(find "$DEST" -name coach-core.so)
	[ "$(printf '%s\n' "$core" | grep -c .)" -eq 1 ] || fail "coach-core.so installed: $core"
	[[ "$core" == "$ROOT/"*/coach/coach-core.so ]] || fail "coach-core.so at $core"
	run "$ROOT/bin/coach" --version
	assert_status 0
	[[ "$output" =~ ^coach\ [0-9]+\.[0-9]+ ]] || fail "$output"
	"$ROOT/bin/coach" init school --school "Installed School" >/dev/null
	cd school
	"$ROOT/bin/coach" staff add ada --name "Ada Lovelace" --email ada@school.example \
		--role "Assistant head" --coach >/dev/null
	"$ROOT/bin/coach" staff add bob --name "Bob Baker" --email bob@school.example >/dev/null
	"$ROOT/bin/coach" agree bob --coach ada >/dev/null
	"$ROOT/bin/coach" log bob -m "Installed and working" >/dev/null
	[ "$(commit_count)" -ge 5 ] || fail "commits: $(commit_count)"
	assert_repo_sound
	grep -rq "Installed and working" coaching/bob/log || fail "no entry written"
	# The module mapped is the installed one, not the build folder's.
	LD_DEBUG=files "$ROOT/bin/coach" status bob 2>"$BATS_TEST_TMPDIR/ld" >/dev/null
	grep -q "file=$core " "$BATS_TEST_TMPDIR/ld" || fail "$(grep coach-core "$BATS_TEST_TMPDIR/ld")"
	! grep -q "file=$BUILD/coach-core.so " "$BATS_TEST_TMPDIR/ld" || fail "loaded the build's module"
}

@test "help COMMAND and COMMAND --help open the installed manual page" {
	command -v man >/dev/null || skip "man is not installed"
	unset COACH_NO_MAN
	export MANPATH="$ROOT/share/man" MANPAGER=cat PAGER=cat MANWIDTH=80
	run "$ROOT/bin/coach" help log
	assert_status 0
	assert_output_has "coach-log - "
	run "$ROOT/bin/coach" goal --help
	assert_status 0
	assert_output_has "coach-goal - "
}
