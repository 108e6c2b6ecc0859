#!/usr/bin/env bats
# The demo school of the README (tests/demo) runs to the end and shows
# what it sets out to: a term of coaching, two laptops writing at once and
# merged, a sealed note only its readers open, and the trust's report.
load helper

@test "tests/demo: a term, two laptops, a sealed note and the trust, all as promised" {
	[ -z "${COACH_TEST_SANITIZED:-}" ] || skip "the same commands run under the sanitizers in their own tests"
	run env COACH="$COACH" DEMO_HOME="$BATS_TEST_TMPDIR/home" bash "$TOP/tests/demo" "$BATS_TEST_TMPDIR/demo/harbour-school"
	assert_status 0
	school=$BATS_TEST_TMPDIR/demo/harbour-school
	assert_output_has "0 errors, 0 warnings"
	assert_output_has "merged, pushed"
	assert_output_has "published a new summary to trust"
	assert_output_has "pulled 1 of 1 schools"
	# Bob's laptop opens the note sealed to him; on disk it is sealed.
	assert_output_has "(private) Bob said the Year 9 group is hard work"
	! grep -rqF "Year 9 group" "$school/coaching" || fail "the sealed note is in the clear on disk"
	grep -rqF "BEGIN COACH SEALED ENTRY" "$school/coaching" || fail "no sealed entry on disk"
	# Both laptops' writes are in the hub, in one merge.
	git -C "$BATS_TEST_TMPDIR/demo/hub.git" log --format=%s main | grep -q "sync: merge" || fail "no merge in the hub"
	git -C "$BATS_TEST_TMPDIR/demo/hub.git" fsck --strict --no-progress >/dev/null 2>&1 || fail "hub fsck"
	git -C "$school" status --porcelain | grep -q . && fail "the school has uncommitted changes"
	# The trust's copy holds no body of any record.
	! git -C "$BATS_TEST_TMPDIR/demo/trust-hub.git" log -p --all | grep -qF "Mini whiteboards first thing" ||
		fail "an entry's words reached the trust"
	# The report at the trust agrees with the school's own measure: 6 -> 19 of 24.
	assert_output_has "harbour      1       1"
	assert_output_has "0.722"
}
