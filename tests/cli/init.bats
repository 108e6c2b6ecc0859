#!/usr/bin/env bats
load helper

@test "init creates a repository on main with coach.yml in one commit" {
	run coach init school --school "St Mary's: \"Juniors\" #1"
	assert_status 0
	assert_output_has "Initialised a coach repository"
	cd school
	[ "$(git symbolic-ref HEAD)" = refs/heads/main ]
	[ "$(commit_count)" -eq 1 ]
	[ "$(git log -1 --format=%s)" = "init: St Mary's: \"Juniors\" #1" ]
	[ "$(git log -1 --format='%an <%ae>')" = "Ada Lovelace <ada@school.example>" ]
	[ "$(yaml --yaml coach.yml school)" = '"St Mary'"'"'s: \"Juniors\" #1"' ]
	[ "$(yaml --yaml coach.yml cycle_phases)" = '["plan", "model", "practise", "apply", "review"]' ]
	[ "$(yaml --yaml coach.yml privacy)" = '{"trust": "summary", "individual": true}' ]
	assert_repo_sound
}

@test "init --cycle chooses the model's phases" {
	run coach init s --school X --trust "North Trust" --cycle gbf
	assert_status 0
	[ "$(yaml --yaml s/coach.yml cycle_phases)" = '["see-it", "name-it", "do-it"]' ]
	[ "$(yaml --yaml s/coach.yml trust)" = '"North Trust"' ]
	[ "$(yaml --yaml s/coach.yml cycle_model)" = '"gbf"' ]
}

@test "init in the current directory" {
	mkdir here && cd here
	run coach init --school X
	assert_status 0
	[ -f coach.yml ]
	[ "$(commit_count)" -eq 1 ]
}

@test "init refuses an existing coach repository and changes nothing" {
	coach init s --school X >/dev/null
	before=$(git -C s rev-parse HEAD)
	cp s/coach.yml before.yml
	run coach init s --school Y
	assert_status 1
	assert_output_has "already a coach repository"
	[ "$(git -C s rev-parse HEAD)" = "$before" ]
	cmp s/coach.yml before.yml
}

@test "init refuses an unknown cycle model as a usage error" {
	run coach init s --school X --cycle spiral
	assert_status 2
	assert_output_has "steplab, impact or gbf"
	[ ! -e s ]
}

@test "init needs --school" {
	run coach init s
	assert_status 2
	assert_output_has "--school"
	[ ! -e s ]
}

@test "init without a git identity says how to set it and creates nothing" {
	rm "$HOME/.gitconfig"
	run coach init s --school X
	assert_status 1
	assert_output_has 'git config --global user.name'
	assert_output_has 'git config --global user.email'
	[ ! -e s ]
}

@test "commands outside a repository say how to find one" {
	run coach status
	assert_status 1
	assert_output_has "not in a coach repository"
}

@test "COACH_DIR and git config coach.dir find the repository from anywhere" {
	coach init s --school X >/dev/null
	mkdir elsewhere && cd elsewhere
	COACH_DIR="$BATS_TEST_TMPDIR/s" run coach check
	assert_status 0
	git config --global coach.dir "$BATS_TEST_TMPDIR/s"
	run coach check
	assert_status 0
}

@test "-C runs in another directory" {
	coach init s --school X >/dev/null
	run coach -C s check
	assert_status 0
	run coach -C nowhere check
	assert_status 1
	assert_output_has "nowhere"
}
