#!/usr/bin/env bats
# TLS is set up only for commands that may use the network: libgit2 reads
# the system's CA bundle at start-up, which a local command never needs.
load helper

setup() {
	setup_scratch
	school_with_staff
	command -v strace >/dev/null || skip "strace is not installed"
	[ -f /etc/ssl/certs/ca-certificates.crt ] || skip "no system CA bundle"
}

# opens_ca CMD...: whether coach CMD opens the CA bundle.
opens_ca() {
	strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" "$COACH" "$@" >/dev/null 2>&1 || true
	grep -q 'ca-certificates' "$BATS_TEST_TMPDIR/trace"
}

@test "local commands never load the CA certificates; network ones do" {
	goal=$(coach goal add bob "Ask better questions")
	for cmd in "status bob" "log bob -m Hello" "goal list bob" "check" \
		"entries bob" "--version" "help"; do
		# shellcheck disable=SC2086
		! opens_ca $cmd || fail "coach $cmd loaded the CA bundle"
	done
	# sync may connect: it sets up TLS as libgit2 always did.
	opens_ca sync || fail "coach sync did not set up TLS"
}
