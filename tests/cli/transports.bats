#!/usr/bin/env bats
# coach sync over real servers started on 127.0.0.1 by each test: git
# daemon (git://), lighttpd running git http-backend with basic auth
# (http://), and a throwaway sshd with generated keys (ssh://), with the
# ~/.ssh key or the ssh-agent.  Judged with plain git against the same
# servers.
load helper
load servers

setup() {
	setup_scratch
	unset SSH_AUTH_SOCK COACH_TOKEN COACH_USER
	# libgit2 1.5.1's ssh transport leaks its known_hosts check (inside
	# libgit2 and libssh2): under the sanitizers, ssh tests look for
	# memory errors but not for leaks.
	if [[ $BATS_TEST_DESCRIPTION == ssh* && -n ${ASAN_OPTIONS:-} ]]; then
		export ASAN_OPTIONS=${ASAN_OPTIONS//detect_leaks=1/detect_leaks=0}
	fi
	school_with_staff
	SCHOOL=$BATS_TEST_TMPDIR/school
}

teardown() {
	stop_servers
}

# first push, fast-forward and a true merge through URL, with a plain git
# clone of the same URL as the other laptop.
round_trip() {
	local url=$1
	cd "$SCHOOL"
	coach remote add origin "$url" >/dev/null
	run coach sync
	assert_status 0
	assert_output_has "(its first)"
	[ "$(git -C "$SRV/hub.git" rev-parse main)" = "$(git rev-parse HEAD)" ] ||
		fail "the hub is not at HEAD"
	git clone -q "$url" "$BATS_TEST_TMPDIR/laptop" || fail "git clone $url failed"
	(cd "$BATS_TEST_TMPDIR/laptop" && coach priority add reading "Reading" >/dev/null &&
		coach sync >/dev/null) || fail "the laptop's sync failed"
	run coach sync
	assert_status 0
	assert_output_has "pulled 1 commit (1 file changed) from origin"
	assert_output_lacks "merged"
	coach priority add writing "Writing" >/dev/null
	(cd "$BATS_TEST_TMPDIR/laptop" && coach priority add maths "Maths" >/dev/null &&
		coach sync >/dev/null) || fail "the laptop's second sync failed"
	run coach sync
	assert_status 0
	assert_output_has "merged, pushed 2 commits to origin"
	[ "$(git rev-list --parents -1 HEAD | wc -w)" -eq 3 ] || fail "not a merge commit"
	for f in reading writing maths; do
		git -C "$SRV/hub.git" cat-file -e "main:priorities/$f.md" || fail "the hub lacks $f"
	done
	git -C "$SRV/hub.git" fsck --strict --no-progress >/dev/null 2>&1 || fail "hub fsck"
	assert_repo_sound
	(cd "$BATS_TEST_TMPDIR/laptop" && git pull -q --no-rebase --no-edit) ||
		fail "git pull on the laptop failed"
	[ -f "$BATS_TEST_TMPDIR/laptop/priorities/writing.md" ] || fail "git pull missed writing.md"
}

@test "git daemon (git://): first push, fast-forward, true merge" {
	start_git_daemon
	round_trip "git://127.0.0.1:$PORT/hub.git"
}

@test "git daemon: a push the server refuses is a failure, and nothing is lost" {
	start_git_daemon
	cd "$SCHOOL"
	coach remote add origin "git://127.0.0.1:$PORT/hub.git" >/dev/null
	coach sync >/dev/null
	printf '#!/bin/sh\necho "pushes are closed for the holidays" >&2\nexit 1\n' \
		>"$SRV/hub.git/hooks/pre-receive"
	chmod +x "$SRV/hub.git/hooks/pre-receive"
	before=$(git -C "$SRV/hub.git" rev-parse main)
	coach priority add reading "Reading" >/dev/null
	run coach sync
	assert_status 1
	assert_output_has "refused the push"
	assert_output_has "pre-receive hook declined"
	[ "$(git -C "$SRV/hub.git" rev-parse main)" = "$before" ] || fail "the hub moved"
	[ -f priorities/reading.md ] || fail "the local record is gone"
	assert_repo_sound
	rm "$SRV/hub.git/hooks/pre-receive"
	run coach sync
	assert_status 0
	assert_output_has "pushed 1 commit to origin"
}

@test "git daemon: two syncs at once both succeed, nothing lost" {
	start_git_daemon
	cd "$SCHOOL"
	coach remote add origin "git://127.0.0.1:$PORT/hub.git" >/dev/null
	coach sync >/dev/null
	git clone -q "git://127.0.0.1:$PORT/hub.git" ../one
	git clone -q "git://127.0.0.1:$PORT/hub.git" ../two
	(cd ../one && coach priority add one "One" >/dev/null)
	(cd ../two && coach priority add two "Two" >/dev/null)
	(cd ../one && coach sync >../one.out 2>&1; echo "status $?" >>../one.out) &
	local one=$!
	(cd ../two && coach sync >../two.out 2>&1; echo "status $?" >>../two.out) &
	wait $one $!
	grep -qx "status 0" ../one.out || fail "one: $(cat ../one.out)"
	grep -qx "status 0" ../two.out || fail "two: $(cat ../two.out)"
	git -C "$SRV/hub.git" cat-file -e main:priorities/one.md || fail "one's record lost"
	git -C "$SRV/hub.git" cat-file -e main:priorities/two.md || fail "two's record lost"
}

@test "http (lighttpd + git http-backend, basic auth): round trip, password never printed" {
	command -v lighttpd >/dev/null || skip "lighttpd is not installed (tests/deps)"
	start_lighttpd
	round_trip "http://ada:$HTTP_PASSWORD@127.0.0.1:$PORT/git/hub.git" 2>&1 | tee "$BATS_TEST_TMPDIR/all.out"
	[ "${PIPESTATUS[0]}" -eq 0 ] || fail "round trip failed"
	cd "$SCHOOL"
	run coach remote list
	assert_output_has "http://ada:***@127.0.0.1:$PORT/git/hub.git"
	assert_output_lacks "$HTTP_PASSWORD"
	! grep -q "$HTTP_PASSWORD" "$BATS_TEST_TMPDIR/all.out" || fail "the password was printed"
}

@test "http: a wrong password fails at once, says so, and is never printed" {
	command -v lighttpd >/dev/null || skip "lighttpd is not installed (tests/deps)"
	start_lighttpd
	cd "$SCHOOL"
	coach remote add origin "http://ada:wrong-Pw-42@127.0.0.1:$PORT/git/hub.git" >/dev/null
	before=$(git rev-parse HEAD)
	run coach sync
	assert_status 1
	assert_output_has "refused the user name and password in the remote's URL"
	assert_output_lacks "wrong-Pw-42"
	# Tried once, not again and again (each try is a 401 in the log).
	n=$(grep -c '" 401 ' "$SRV/access.log" || true)
	[ "$n" -le 3 ] || fail "$n refused requests: the password was tried again and again"
	[ "$(git rev-parse HEAD)" = "$before" ] || fail "HEAD moved"
	assert_repo_sound
	coach remote remove origin >/dev/null
	coach remote add origin "http://ada:$HTTP_PASSWORD@127.0.0.1:$PORT/git/hub.git" >/dev/null
	run coach sync
	assert_status 0
}

@test "http: COACH_TOKEN for a URL without a password, wrong token refused" {
	command -v lighttpd >/dev/null || skip "lighttpd is not installed (tests/deps)"
	start_lighttpd
	cd "$SCHOOL"
	coach remote add origin "http://127.0.0.1:$PORT/git/hub.git" >/dev/null
	run coach sync
	assert_status 1
	assert_output_has "set COACH_TOKEN"
	COACH_USER=ada COACH_TOKEN=not-it run coach sync
	assert_status 1
	assert_output_has "refused the password (from \$COACH_TOKEN)"
	assert_output_lacks "not-it"
	COACH_USER=ada COACH_TOKEN=$HTTP_PASSWORD run coach sync
	assert_status 0
	assert_output_has "pushed"
	assert_output_lacks "$HTTP_PASSWORD"
	git -C "$SRV/hub.git" rev-parse -q --verify main >/dev/null || fail "nothing pushed"
}

@test "http: a password from ~/.git-credentials" {
	command -v lighttpd >/dev/null || skip "lighttpd is not installed (tests/deps)"
	start_lighttpd
	printf 'http://ada:%s@127.0.0.1%%3a%s\nhttp://ada:%s@127.0.0.1:%s\n' x "$PORT" \
		"$HTTP_PASSWORD" "$PORT" >"$HOME/.git-credentials"
	cd "$SCHOOL"
	coach remote add origin "http://127.0.0.1:$PORT/git/hub.git" >/dev/null
	run coach sync
	assert_status 0
	assert_output_lacks "$HTTP_PASSWORD"
}

@test "http: a password from git's credential helper; refused ones are rejected, good ones approved" {
	command -v lighttpd >/dev/null || skip "lighttpd is not installed (tests/deps)"
	start_lighttpd
	# A helper that answers from a file and logs what git tells it.
	log=$BATS_TEST_TMPDIR/helper.log
	printf 'not-it\n' >"$BATS_TEST_TMPDIR/pw"
	git config --global credential.helper \
		"!f() { echo \"\$1\" >>'$log'; cat >>'$log'; if [ \"\$1\" = get ]; then echo username=ada; echo password=\$(cat '$BATS_TEST_TMPDIR/pw'); fi; }; f"
	cd "$SCHOOL"
	coach remote add origin "http://127.0.0.1:$PORT/git/hub.git" >/dev/null
	run coach sync
	assert_status 1
	assert_output_has "refused the password (from git's credential helper)"
	assert_output_lacks "not-it"
	grep -qx erase "$log" || fail "the refused password was not rejected: $(cat "$log")"
	grep -q "^password=not-it" "$log" || fail "reject did not name the password"
	: >"$log"
	printf '%s\n' "$HTTP_PASSWORD" >"$BATS_TEST_TMPDIR/pw"
	run coach sync
	assert_status 0
	assert_output_has "pushed"
	assert_output_lacks "$HTTP_PASSWORD"
	grep -qx store "$log" || fail "the password that worked was not approved: $(cat "$log")"
	grep -qx "host=127.0.0.1:$PORT" "$log" || fail "the helper was not told the host: $(cat "$log")"
	[ "$(git -C "$SRV/hub.git" rev-parse main)" = "$(git rev-parse HEAD)" ] || fail "the hub is not at HEAD"
	# A helper that hangs is given up after the timeout, and says so.
	git config --global credential.helper "!f() { sleep 60; }; f"
	coach priority add science "Science" >/dev/null
	COACH_NET_TIMEOUT=3 run coach sync
	assert_status 1
	assert_output_has "credential helper (credential.helper) gave no answer within 3 seconds"
}

@test "url.BASE.insteadOf and pushInsteadOf rewrite a remote's URL, as in git" {
	git init -q --bare "$BATS_TEST_TMPDIR/hub.git"
	git init -q --bare "$BATS_TEST_TMPDIR/pushhub.git"
	git config --global url."$BATS_TEST_TMPDIR/".insteadOf trust:
	cd "$SCHOOL"
	coach remote add origin trust:hub.git >/dev/null
	run coach sync
	assert_status 0
	[ "$(git -C "$BATS_TEST_TMPDIR/hub.git" rev-parse main)" = "$(git rev-parse HEAD)" ] ||
		fail "trust:hub.git was not rewritten to the hub"
	# The longest match wins; a push goes where pushInsteadOf says.
	git config --global url."$BATS_TEST_TMPDIR/push".pushInsteadOf trust:
	coach priority add science "Science" >/dev/null
	run coach sync
	assert_status 0
	[ "$(git -C "$BATS_TEST_TMPDIR/pushhub.git" rev-parse main)" = "$(git rev-parse HEAD)" ] ||
		fail "the push did not follow pushInsteadOf"
	git -C "$BATS_TEST_TMPDIR/hub.git" cat-file -e main:priorities/science.md 2>/dev/null &&
		fail "the push went to the insteadOf URL"
	git -C "$BATS_TEST_TMPDIR/pushhub.git" fsck --strict --no-progress >/dev/null 2>&1 || fail "fsck"
}

@test "https (self-signed certificate): refused until trusted, then a round trip" {
	[ -z "${COACH_TEST_SANITIZED:-}" ] || skip "slow under the sanitizers; http is tested there"
	command -v lighttpd >/dev/null && [ -f /usr/lib/lighttpd/mod_openssl.so ] ||
		skip "lighttpd-mod-openssl is not installed (tests/deps)"
	start_lighttpd tls
	cd "$SCHOOL"
	coach remote add origin "https://ada:$HTTP_PASSWORD@127.0.0.1:$PORT/git/hub.git" >/dev/null
	run coach sync
	assert_status 1
	assert_output_has "GIT_SSL_CAINFO"
	assert_output_lacks "$HTTP_PASSWORD"
	! git -C "$SRV/hub.git" rev-parse -q --verify main >/dev/null || fail "pushed to an untrusted server"
	coach remote remove origin >/dev/null
	export GIT_SSL_CAINFO=$SRV/ca.pem
	round_trip "https://ada:$HTTP_PASSWORD@127.0.0.1:$PORT/git/hub.git" 2>&1 | tee "$BATS_TEST_TMPDIR/all.out"
	[ "${PIPESTATUS[0]}" -eq 0 ] || fail "round trip failed"
	! grep -q "$HTTP_PASSWORD" "$BATS_TEST_TMPDIR/all.out" || fail "the password was printed"
}

@test "ssh with the key in ~/.ssh: round trip" {
	[ -z "${COACH_TEST_SANITIZED:-}" ] || skip "slow under the sanitizers; ssh is tested there through the agent"
	command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || skip "openssh-server is not installed"
	start_sshd
	# ssh finds ~ from the password file, not from $HOME.
	export GIT_SSH_COMMAND="ssh -o BatchMode=yes -o UserKnownHostsFile=$HOME/.ssh/known_hosts -i $HOME/.ssh/id_ed25519"
	round_trip "ssh://$SSH_USER@127.0.0.1:$PORT$SRV/hub.git"
}

@test "ssh through the ssh-agent, with no key in ~/.ssh" {
	command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || skip "openssh-server is not installed"
	start_sshd
	eval "$(ssh-agent -s -a "$BATS_TEST_TMPDIR/agent.sock")" >/dev/null
	remember "$SSH_AGENT_PID"
	ssh-add -q "$HOME/.ssh/id_ed25519" 2>/dev/null
	mv "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.pub" "$BATS_TEST_TMPDIR/"
	cd "$SCHOOL"
	coach remote add origin "ssh://$SSH_USER@127.0.0.1:$PORT$SRV/hub.git" >/dev/null
	run coach sync
	assert_status 0
	assert_output_has "(its first)"
	[ "$(git -C "$SRV/hub.git" rev-parse main)" = "$(git rev-parse HEAD)" ] || fail "not pushed"
}

@test "ssh: a key the server does not know fails at once, saying what to do" {
	command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || skip "openssh-server is not installed"
	start_sshd
	: >"$SRV/ssh/authorized_keys"
	cd "$SCHOOL"
	coach remote add origin "ssh://$SSH_USER@127.0.0.1:$PORT$SRV/hub.git" >/dev/null
	run timeout 60 "$COACH" sync
	assert_status 1
	assert_output_has "refused every key"
	assert_output_has "add your public key to the server"
	assert_repo_sound
}

@test "ssh: an unknown host key stops the sync" {
	command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || skip "openssh-server is not installed"
	start_sshd
	rm "$HOME/.ssh/known_hosts"
	cd "$SCHOOL"
	coach remote add origin "ssh://$SSH_USER@127.0.0.1:$PORT$SRV/hub.git" >/dev/null
	run coach sync
	assert_status 1
	assert_output_has "known_hosts"
	! git -C "$SRV/hub.git" rev-parse -q --verify main >/dev/null || fail "pushed to an unknown host"
}
