# bash completion for coach(1)
#
# Commands, their sub-commands and options, and values read from the coach
# repository in use: handles, priority and framework ids, goal, cycle and
# entry ids, and the school's cycle phases.  The repository is found as
# coach finds it (from -C DIR or the current directory upwards, then
# $COACH_DIR, then git config coach.dir); values come from plain globbing,
# without running coach.

_coach_commands="init staff priority framework agree goal cycle log entries show edit rm status history diff agenda report check remote sync trust key resolve monitor help"
_coach_kinds="meeting observation practice reflection evidence cpd note"
_coach_statuses="active achieved paused dropped"
_coach_outcomes="met partly not-yet"
_coach_formats="text json"
_coach_models="steplab impact gbf"

# _coach_verbs COMMAND: the command's sub-commands (none for most).
_coach_verbs()
{
	case $1 in
	staff) echo "add list show" ;;
	priority) echo "add list retire" ;;
	framework) echo "add list import" ;;
	goal) echo "add list show status measure" ;;
	cycle) echo "start phase close list" ;;
	remote) echo "add list remove" ;;
	trust) echo "init add list pull" ;;
	key) echo "init export import list seal" ;;
	monitor) echo "start stop status" ;;
	esac
}

# _coach_options COMMAND VERB: the options of a command (or sub-command).
_coach_options()
{
	local o
	case $1/$2 in
	init/*) o="--school --trust --cycle" ;;
	staff/add) o="--name --email --role --subject --phase --coach" ;;
	staff/list | staff/show) o="--format" ;;
	priority/add) o="--year" ;;
	priority/list) o="--all --format" ;;
	framework/add) o="--area --criterion" ;;
	framework/list) o="--format" ;;
	agree/*) o="--coach --focus --cadence --date --end" ;;
	goal/add) o="--priority --strategy --measure --baseline --target --unit --due --date" ;;
	goal/list) o="--all --status --format" ;;
	goal/show) o="--format" ;;
	goal/status | goal/measure) o="--date" ;;
	cycle/start) o="--step --review --force --date" ;;
	cycle/close) o="--outcome -m --message --date" ;;
	cycle/list) o="--all --open --format" ;;
	log/*) o="--kind --goal --cycle --evidence --hours --private --to --unsealed --date -m --message -F --file" ;;
	entries/*) o="--kind --goal --since --until --grep --format" ;;
	show/*) o="--raw --html --format" ;;
	rm/*) o="--force" ;;
	status/*) o="--format" ;;
	history/*) o="--since --format" ;;
	diff/*) o="--since --until --format" ;;
	agenda/*) o="--format" ;;
	report/*) o="--by --since --until --format -o --output --trust" ;;
	sync/*) o="--publish" ;;
	trust/init) o="--trust" ;;
	trust/list) o="--format" ;;
	trust/pull) o="-j --jobs --timeout" ;;
	check/*) o="--strict --format" ;;
	key/export) o="-o --output" ;;
	resolve/*) o="--keep --other" ;;
	esac
	echo "$o --help"
}

# _coach_takes_value COMMAND OPTION: whether OPTION is followed by a value.
_coach_takes_value()
{
	case $2 in
	--school | --cycle | --name | --email | --role | --subject | \
	--phase | --year | --area | --criterion | --focus | --cadence | \
	--date | --priority | --strategy | --measure | --baseline | \
	--target | --unit | --due | --status | --format | --step | \
	--review | --outcome | -m | --message | --kind | --goal | \
	--evidence | --hours | -F | --file | --since | --until | --grep | \
	-j | --jobs | --timeout | --to)
		return 0 ;;
	--coach) [[ $1 == agree ]] ;;
	--trust) [[ $1 != report ]] ;;
	*) return 1 ;;
	esac
}

# _coach_root [DIR]: the repository's top folder, in _coach_top.
_coach_root()
{
	local d=${1:-$PWD}
	[[ $d == /* ]] || d=$PWD/$d
	_coach_top=
	while :; do
		if [[ -f $d/coach.yml ]]; then
			_coach_top=$d
			return 0
		fi
		[[ -z $d || $d == / ]] && break
		d=${d%/*}
		[[ -z $d ]] && d=/
	done
	[[ -n $1 ]] && return 1
	if [[ -n $COACH_DIR && -f $COACH_DIR/coach.yml ]]; then
		_coach_top=$COACH_DIR
		return 0
	fi
	d=$(git config --global --get coach.dir 2>/dev/null)
	d=${d/#\~/$HOME}
	if [[ -n $d && -f $d/coach.yml ]]; then
		_coach_top=$d
		return 0
	fi
	return 1
}

# _coach_names GLOB...: base names, without .md, of the files matching.
_coach_names()
{
	local f
	for f in "$@"; do
		[[ -f $f ]] || continue
		f=${f##*/}
		echo "${f%.md}"
	done
}

# _coach_values TYPE: the words a value of TYPE can be.
_coach_values()
{
	local t=$_coach_top f
	case $1 in
	handle) [[ -n $t ]] && _coach_names "$t"/staff/*.md ;;
	priority) [[ -n $t ]] && _coach_names "$t"/priorities/*.md ;;
	strategy) [[ -n $t ]] && _coach_names "$t"/framework/*.md ;;
	goal) [[ -n $t ]] && _coach_names "$t"/coaching/*/goals/*.md ;;
	cycle) [[ -n $t ]] && _coach_names "$t"/coaching/*/cycles/*.md ;;
	entry)
		[[ -n $t ]] || return
		for f in $(_coach_names "$t"/coaching/*/log/*.md); do
			echo "${f##*-}"
		done ;;
	record)
		_coach_values goal
		_coach_values cycle
		_coach_values entry ;;
	phase) _coach_phases ;;
	kind) echo "$_coach_kinds" ;;
	status) echo "$_coach_statuses" ;;
	status-any) echo "$_coach_statuses any" ;;
	outcome) echo "$_coach_outcomes" ;;
	format) echo "$_coach_formats" ;;
	format-md) echo "$_coach_formats markdown" ;;
	format-report) echo "$_coach_formats csv markdown html" ;;
	by) echo "school person coach subject phase priority strategy" ;;
	since-diff)
		_coach_values date
		echo last-meeting ;;
	handle-record)
		_coach_values handle
		_coach_values record ;;
	model) echo "$_coach_models" ;;
	date) echo "today yesterday tomorrow monday tuesday wednesday thursday friday" ;;
	color) echo "auto always never" ;;
	command) echo "$_coach_commands" ;;
	remote)
		[[ -n $t && -f $t/.git/config ]] &&
			sed -n 's/^\[remote "\(.*\)"\]$/\1/p' "$t/.git/config" ;;
	esac
}

# The school's cycle phases: coach.yml's cycle_phases (a block or flow
# list), else the phases of its cycle_model, else steplab's.
_coach_phases()
{
	local y=$_coach_top/coach.yml
	if [[ -z $_coach_top || ! -f $y ]]; then
		echo "plan model practise apply review"
		return
	fi
	awk -v q="'" '
	function clean(s) {
		sub(/[ \t]+#.*$/, "", s)
		gsub(/"/, "", s)
		gsub(q, "", s)
		gsub(/^[ \t]+|[ \t]+$/, "", s)
		return s
	}
	/^cycle_phases:/ {
		found = 1
		s = $0
		sub(/^cycle_phases:[ \t]*/, "", s)
		if (s ~ /^\[/) {
			gsub(/[][]/, "", s)
			n = split(s, a, ",")
			for (i = 1; i <= n; i++)
				if (clean(a[i]) != "")
					print clean(a[i])
		} else
			inlist = 1
		next
	}
	inlist && /^[ \t]*-/ {
		s = $0
		sub(/^[ \t]*-[ \t]*/, "", s)
		print clean(s)
		next
	}
	inlist && /^[^ \t#]/ { inlist = 0 }
	/^cycle_model:/ {
		s = $0
		sub(/^cycle_model:/, "", s)
		model = clean(s)
	}
	END {
		if (found)
			exit
		if (model == "impact")
			print "identify learn improve"
		else if (model == "gbf")
			print "see-it name-it do-it"
		else
			print "plan model practise apply review"
	}' "$y"
}

# _coach_reply TYPE: fills COMPREPLY with the values of TYPE matching $cur.
_coach_reply()
{
	local IFS=$' \t\n'
	case $1 in
	dir)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur")) ;;
	file)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	record)
		COMPREPLY=($(compgen -W "$(_coach_values record)" -- "$cur"))
		if ((${#COMPREPLY[@]} == 0)); then
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	"") COMPREPLY=() ;;
	*) COMPREPLY=($(compgen -W "$(_coach_values "$1")" -- "$cur")) ;;
	esac
}

# _coach_value_type COMMAND OPTION: what the option's value is.
_coach_value_type()
{
	case $2 in
	-C) echo dir ;;
	--color) echo color ;;
	--cycle) [[ $1 == init ]] && echo model || echo cycle ;;
	--coach | --to) echo handle ;;
	--priority) echo priority ;;
	--strategy) echo strategy ;;
	--goal) echo goal ;;
	--kind) echo kind ;;
	--status) [[ $1 == goal ]] && echo status-any || echo status ;;
	--outcome) echo outcome ;;
	--format)
		case $1 in
		agenda) echo format-md ;;
		report) echo format-report ;;
		*) echo format ;;
		esac ;;
	--by) echo by ;;
	-o | --output) echo file ;;
	--since) [[ $1 == diff ]] && echo since-diff || echo date ;;
	--until) [[ $1 == diff ]] || echo date ;;
	--date | --due | --review) echo date ;;
	--evidence | -F | --file) echo file ;;
	esac
}

# _coach_positional COMMAND VERB N: what the N-th argument (from 0) is.
_coach_positional()
{
	case $1/$2/$3 in
	init/*/0 | trust/init/0) echo dir ;;
	staff/show/0 | agree/*/0 | goal/add/0 | goal/list/0 | cycle/list/0 | \
	log/*/0 | entries/*/0 | status/*/0 | diff/*/0 | agenda/*/0) echo handle ;;
	history/*/0) echo handle-record ;;
	framework/import/0 | key/import/0) echo file ;;
	goal/show/0 | goal/status/0 | goal/measure/0 | cycle/start/0) echo goal ;;
	goal/status/1) echo status ;;
	cycle/phase/0 | cycle/close/0) echo cycle ;;
	cycle/phase/1) echo phase ;;
	show/*/0 | edit/*/0 | rm/*/0 | resolve/*/0) echo record ;;
	help/*/0) echo command ;;
	remote/remove/0 | sync/*/0) echo remote ;;
	esac
}

_coach()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= words=("${COMP_WORDS[@]}")
	local cword=$COMP_CWORD i=1 cmd= verb= cdir= npos=0 w
	((cword > 0)) && prev=${words[cword - 1]}
	COMPREPLY=()

	# "--opt=value" in one word, or split at "=" by COMP_WORDBREAKS.
	local eqopt=
	if [[ $cur == -*=* ]]; then
		eqopt=${cur%%=*}
		cur=${cur#*=}
	elif [[ $cur == = && $prev == -* ]]; then
		eqopt=$prev
		cur=
	elif [[ $prev == = ]] && ((cword >= 2)); then
		eqopt=${words[cword - 2]}
	fi

	# Global options, then the command.
	while ((i < cword)); do
		w=${words[i]}
		case $w in
		-C) cdir=${words[i + 1]}; ((i += 2)); continue ;;
		-C?*) cdir=${w#-C} ;;
		-*) ;;
		*) cmd=$w; break ;;
		esac
		((i++))
	done
	_coach_root "$cdir"

	if [[ -z $cmd ]]; then
		if [[ -n $eqopt ]]; then
			_coach_reply "$(_coach_value_type "" "$eqopt")"
		elif [[ $prev == -C ]]; then
			_coach_reply dir
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-C --no-pager --color --color= --version --help" -- "$cur"))
		else
			_coach_reply command
		fi
		return 0
	fi

	# The sub-command, for commands that have them.
	local verbs
	verbs=$(_coach_verbs "$cmd")
	((i++))
	if [[ -n $verbs ]]; then
		if ((i == cword)); then
			if [[ $cur == -* ]]; then
				COMPREPLY=($(compgen -W "--help" -- "$cur"))
			else
				COMPREPLY=($(compgen -W "$verbs" -- "$cur"))
			fi
			return 0
		fi
		verb=${words[i]}
		((i++))
	fi

	# Count the arguments before the word being completed, skipping
	# options and their values.
	while ((i < cword)); do
		w=${words[i]}
		if [[ $w == -- ]]; then
			:
		elif [[ $w == -*=* || ${words[i + 1]} == = ]]; then
			[[ ${words[i + 1]} == = ]] && ((i += 2))
		elif [[ $w == -?* ]]; then
			_coach_takes_value "$cmd" "$w" && ((i++))
		else
			((npos++))
		fi
		((i++))
	done

	if [[ -n $eqopt ]]; then
		_coach_reply "$(_coach_value_type "$cmd" "$eqopt")"
	elif [[ $prev == -* ]] && _coach_takes_value "$cmd" "$prev"; then
		_coach_reply "$(_coach_value_type "$cmd" "$prev")"
	elif [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_coach_options "$cmd" "$verb")" -- "$cur"))
	else
		_coach_reply "$(_coach_positional "$cmd" "$verb" "$npos")"
	fi
	return 0
}

complete -F _coach coach
