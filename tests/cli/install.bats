#!/usr/bin/env bats
# meson install puts the binary, the manual and the completions in place,
# and "coach help" opens the installed manual.
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
