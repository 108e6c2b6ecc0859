#!/usr/bin/env bats
# Every command a message of coach tells the user to run exists.

load helper

# The "coach WORD" each C string of cmd/ and lib/ names, adjacent
# literals joined as the compiler joins them, one WORD a line.
hinted_commands() {
	python3 - "$TOP" <<'PY'
import glob, re, sys
top = sys.argv[1]
lit = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
words = set()
for path in glob.glob(top + "/cmd/*.c") + glob.glob(top + "/lib/*.c"):
    src = open(path, encoding="utf-8").read()
    # Drop comments, which talk about coach in prose.
    src = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
    joined, last = [], None
    for m in lit.finditer(src):
        gap = src[last:m.start()] if last is not None else "x"
        if joined and gap.strip() == "":
            joined[-1] += m.group(1)
        else:
            joined.append(m.group(1))
        last = m.end()
    for s in joined:
        # A hint quotes the command or puts it in brackets.
        for w in re.findall(r"['(`]coach ([a-z][a-z-]*)", s):
            words.add(w)
print("\n".join(sorted(words)))
PY
}

@test "every 'coach COMMAND' in a message is a command of the table" {
	run coach help
	assert_status 0
	local table
	table=$(printf '%s\n' "$output" | awk '/^commands:/ {on = 1; next} on && NF {print $1}')
	[ -n "$table" ] || fail "no command table in: $output"
	run hinted_commands
	assert_status 0
	[ "$(printf '%s\n' "$output" | wc -l)" -ge 10 ] || fail "too few hints found: $output"
	local w missing=
	for w in $output; do
		printf '%s\n' "$table" | grep -qx -- "$w" || missing="$missing $w"
	done
	[ -z "$missing" ] || fail "hints name commands that do not exist:$missing"
}

@test "status does not send users to a command that does not exist" {
	school_with_staff
	git init -q --bare ../central.git
	git remote add origin ../central.git
	git push -q -u origin main
	coach priority add reading "Reading" >/dev/null
	run coach status bob
	assert_status 0
	assert_output_has "Not synced: 1 commit to push (as of the last fetch); run 'coach sync'"
}
