# fish completion for coach(1)
#
# Commands, their sub-commands and options, and values read from the coach
# repository in use: handles, priority and framework ids, goal, cycle and
# entry ids, and the school's cycle phases.  The repository is found as
# coach finds it (from -C DIR or the current directory upwards, then
# $COACH_DIR, then git config coach.dir); values come from plain globbing,
# without running coach.

# The words after "coach" and its global options: the command, its
# arguments and options.  Prints the -C directory first, as "-C DIR" lines
# are consumed, when $argv[1] is "dir".
function __coach_words
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l dir
    while set -q tokens[1]
        switch $tokens[1]
            case -C
                set -e tokens[1]
                set dir $tokens[1]
            case '-C*'
                set dir (string sub -s 3 -- $tokens[1])
            case '-*'
            case '*'
                break
        end
        set -e tokens[1]
    end
    if test "$argv[1]" = dir
        set tokens $dir
    end
    # printf with no arguments would still print one empty line.
    if set -q tokens[1]
        printf '%s\n' $tokens
    end
end

function __coach_needs_command
    set -l w (__coach_words)
    test (count $w) -eq 0
end

# __coach_using CMD [VERB]: the command line is at CMD (and VERB).
function __coach_using
    set -l w (__coach_words)
    test "$w[1]" = $argv[1]; or return 1
    if set -q argv[2]
        test "$w[2]" = $argv[2]
    end
end

# __coach_needs_verb CMD: CMD is given, its sub-command not yet.
function __coach_needs_verb
    set -l w (__coach_words)
    test (count $w) -eq 1; and test "$w[1]" = $argv[1]
end

# Options followed by a value, for counting arguments.
function __coach_takes_value -a cmd opt
    switch $opt
        case --school --trust --cycle --name --email --role --subject \
            --phase --year --area --criterion --focus --cadence --date \
            --priority --strategy --measure --baseline --target --unit \
            --due --status --format --step --review --outcome -m \
            --message --kind --goal --evidence --hours -F --file --since \
            --until --grep --to
            return 0
        case --coach
            test $cmd = agree
            return
    end
    return 1
end

# __coach_arg N CMD [VERB]: the word being completed is CMD's N-th argument
# (from 0), after the sub-command when there is one.
function __coach_arg
    set -l n $argv[1]
    set -l w (__coach_words)
    test "$w[1]" = $argv[2]; or return 1
    set -e w[1]
    if set -q argv[3]
        test "$w[1]" = $argv[3]; or return 1
        set -e w[1]
    end
    set -l pos 0
    set -l skip 0
    for t in $w
        if test $skip -eq 1
            set skip 0
        else if string match -qr -- '^-.+=' $t
        else if string match -qr -- '^-.' $t
            __coach_takes_value $argv[2] $t; and set skip 1
        else
            set pos (math $pos + 1)
        end
    end
    test $pos -eq $n
end

function __coach_root
    set -l d (__coach_words dir)
    set -l given $d
    test -n "$d"; or set d $PWD
    string match -q '/*' -- $d; or set d $PWD/$d
    while true
        if test -f $d/coach.yml
            echo $d
            return 0
        end
        test -z "$d" -o "$d" = /; and break
        set d (path dirname -- $d 2>/dev/null; or dirname -- $d)
    end
    test -n "$given"; and return 1
    if test -n "$COACH_DIR" -a -f "$COACH_DIR/coach.yml"
        echo $COACH_DIR
        return 0
    end
    set d (git config --global --get coach.dir 2>/dev/null)
    set d (string replace -r '^~' -- $HOME $d)
    if test -n "$d" -a -f "$d/coach.yml"
        echo $d
        return 0
    end
    return 1
end

# __coach_names FILE...: base names, without .md, of the files given.
function __coach_names
    for f in $argv
        test -f $f; and string replace -r '\.md$' '' -- (basename -- $f)
    end
end

# Globs in variables do not expand in fish: each list has its own glob.
function __coach_handles
    set -l root (__coach_root); or return
    __coach_names $root/staff/*.md
end

function __coach_priorities
    set -l root (__coach_root); or return
    __coach_names $root/priorities/*.md
end

function __coach_strategies
    set -l root (__coach_root); or return
    __coach_names $root/framework/*.md
end

function __coach_goals
    set -l root (__coach_root); or return
    __coach_names $root/coaching/*/goals/*.md
end

function __coach_cycles
    set -l root (__coach_root); or return
    __coach_names $root/coaching/*/cycles/*.md
end

function __coach_entries
    set -l root (__coach_root); or return
    __coach_names $root/coaching/*/log/*.md | string replace -r '.*-' ''
end

# The school's cycle phases: coach.yml's cycle_phases (a block or flow
# list), else the phases of its cycle_model, else steplab's.
function __coach_phases
    set -l root (__coach_root)
    set -l phases
    set -l model
    set -l found 0
    set -l inlist 0
    if test -n "$root" -a -f "$root/coach.yml"
        for line in (string split \n -- (cat $root/coach.yml))
            if string match -q 'cycle_phases:*' -- $line
                set found 1
                set -l rest (string replace -r '^cycle_phases:\s*' '' -- $line)
                if string match -q '[*' -- $rest
                    set rest (string replace -r '^\[([^]]*)\].*' '$1' -- $rest)
                    for p in (string split , -- $rest)
                        set p (string trim -- (string replace -ra '["\']' '' -- $p))
                        test -n "$p"; and set -a phases $p
                    end
                    set inlist 0
                else
                    set inlist 1
                end
                continue
            end
            if test $inlist -eq 1
                if string match -qr '^\s*-' -- $line
                    set -l p (string replace -r '^\s*-\s*' '' -- $line)
                    set p (string replace -r '\s+#.*$' '' -- $p)
                    set -a phases (string trim -- (string replace -ra '["\']' '' -- $p))
                    continue
                else if string match -qr '^[^\s#]' -- $line
                    set inlist 0
                end
            end
            if string match -q 'cycle_model:*' -- $line
                set model (string replace -r '^cycle_model:' '' -- $line)
                set model (string replace -r '\s+#.*$' '' -- $model)
                set model (string trim -- (string replace -ra '["\']' '' -- $model))
            end
        end
    end
    if test $found -eq 0
        switch "$model"
            case impact
                set phases identify learn improve
            case gbf
                set phases see-it name-it do-it
            case '*'
                set phases plan model practise apply review
        end
    end
    printf '%s\n' $phases
end

set -l __coach_commands init staff priority framework agree goal cycle log entries show edit rm status history diff agenda report check remote sync trust key resolve monitor help
set -l __coach_kinds meeting observation practice reflection evidence cpd note
set -l __coach_dates 'today yesterday tomorrow monday tuesday wednesday thursday friday'

complete -c coach -f

# Global options.
complete -c coach -n __coach_needs_command -s C -x -a '(__fish_complete_directories (commandline -ct))' -d 'Run as if started in this directory'
complete -c coach -n __coach_needs_command -l no-pager -d 'Do not page output'
complete -c coach -n __coach_needs_command -l color -f -a 'auto always never' -d 'Use colour'
complete -c coach -n __coach_needs_command -l version -d 'Print the version'
complete -c coach -n __coach_needs_command -s h -l help -d 'List the commands'

# Commands.
complete -c coach -n __coach_needs_command -a init -d 'Create a coach repository for a school'
complete -c coach -n __coach_needs_command -a staff -d 'Add, list and show members of staff'
complete -c coach -n __coach_needs_command -a priority -d 'School development priorities'
complete -c coach -n __coach_needs_command -a framework -d 'The shared teaching framework'
complete -c coach -n __coach_needs_command -a agree -d 'Start or end a coaching relationship'
complete -c coach -n __coach_needs_command -a goal -d 'Goals a coachee owns, and their progress'
complete -c coach -n __coach_needs_command -a cycle -d 'Coaching cycles and action steps'
complete -c coach -n __coach_needs_command -a log -d "Write an entry in a coachee's log"
complete -c coach -n __coach_needs_command -a entries -d "List a coachee's entries"
complete -c coach -n __coach_needs_command -a show -d 'Show a record for reading'
complete -c coach -n __coach_needs_command -a edit -d 'Edit a record, checked on save'
complete -c coach -n __coach_needs_command -a rm -d 'Remove a record nothing refers to'
complete -c coach -n __coach_needs_command -a status -d 'A coaching relationship at a glance'
complete -c coach -n __coach_needs_command -a history -d 'What changed, when and by whom'
complete -c coach -n __coach_needs_command -a diff -d 'What changed since the last meeting'
complete -c coach -n __coach_needs_command -a agenda -d 'Prepare the next meeting'
complete -c coach -n __coach_needs_command -a report -d 'Goals, cycles and impact per group'
complete -c coach -n __coach_needs_command -a check -d 'Check every record'
complete -c coach -n __coach_needs_command -a remote -d 'The repositories sync talks to'
complete -c coach -n __coach_needs_command -a sync -d 'Commit hand edits, fetch, merge and push'
complete -c coach -n __coach_needs_command -a trust -d "A trust's workspace: pull every school's summary"
complete -c coach -n __coach_needs_command -a key -d 'Keys for sealed private entries'
complete -c coach -n __coach_needs_command -a resolve -d 'Settle a conflict a merge left in a record'
complete -c coach -n __coach_needs_command -a monitor -d 'The file-system monitor fast reads use'
complete -c coach -n __coach_needs_command -a help -d 'Show the manual of coach or of a command'

complete -c coach -n "not __coach_needs_command" -l help -d 'Show the manual'

# init
complete -c coach -n '__coach_using init' -l school -x -d "The school's name"
complete -c coach -n '__coach_using init' -l trust -x -d 'The trust'
complete -c coach -n '__coach_using init' -l cycle -x -a 'steplab impact gbf' -d 'Coaching cycle model'
complete -c coach -n '__coach_arg 0 init' -x -a '(__fish_complete_directories (commandline -ct))'

# staff
complete -c coach -n '__coach_needs_verb staff' -a add -d 'Add a member of staff'
complete -c coach -n '__coach_needs_verb staff' -a list -d 'List every member of staff'
complete -c coach -n '__coach_needs_verb staff' -a show -d 'Show one member of staff'
complete -c coach -n '__coach_using staff add' -l name -x -d 'Full name'
complete -c coach -n '__coach_using staff add' -l email -x -d 'Email, as in git config user.email'
complete -c coach -n '__coach_using staff add' -l role -x -d 'Role'
complete -c coach -n '__coach_using staff add' -l subject -x -d 'A subject they teach'
complete -c coach -n '__coach_using staff add' -l phase -x -a 'primary secondary' -d 'Phase'
complete -c coach -n '__coach_using staff add' -l coach -d 'Mark them as a coach'
complete -c coach -n '__coach_using staff list; or __coach_using staff show' -l format -x -a 'text json' -d 'Output format'
complete -c coach -n '__coach_arg 0 staff show' -a '(__coach_handles)' -d 'Member of staff'

# priority
complete -c coach -n '__coach_needs_verb priority' -a add -d 'Add a priority'
complete -c coach -n '__coach_needs_verb priority' -a list -d 'List the priorities'
complete -c coach -n '__coach_needs_verb priority' -a retire -d 'Retire a priority'
complete -c coach -n '__coach_using priority add' -l year -x -d 'School year, YYYY-YY'
complete -c coach -n '__coach_using priority list' -l all -d 'Retired priorities too'
complete -c coach -n '__coach_using priority list' -l format -x -a 'text json' -d 'Output format'
complete -c coach -n '__coach_arg 0 priority retire' -a '(__coach_priorities)' -d 'Priority'

# framework
complete -c coach -n '__coach_needs_verb framework' -a add -d 'Add a strategy'
complete -c coach -n '__coach_needs_verb framework' -a list -d 'List the strategies'
complete -c coach -n '__coach_needs_verb framework' -a import -d 'Import strategies from a folder or file'
complete -c coach -n '__coach_using framework add' -l area -x -d 'Area of the framework'
complete -c coach -n '__coach_using framework add' -l criterion -x -d 'A success criterion'
complete -c coach -n '__coach_using framework list' -l format -x -a 'text json' -d 'Output format'
complete -c coach -n '__coach_arg 0 framework import' -F

# agree
complete -c coach -n '__coach_using agree' -l coach -x -a '(__coach_handles)' -d 'A coach'
complete -c coach -n '__coach_using agree' -l focus -x -d 'What the coaching focuses on'
complete -c coach -n '__coach_using agree' -l cadence -x -d 'How often you meet'
complete -c coach -n '__coach_using agree' -l date -x -a $__coach_dates -d 'The day it starts or ends'
complete -c coach -n '__coach_using agree' -l end -d 'End the agreement'
complete -c coach -n '__coach_arg 0 agree' -a '(__coach_handles)' -d Coachee

# goal
complete -c coach -n '__coach_needs_verb goal' -a add -d 'Add a goal'
complete -c coach -n '__coach_needs_verb goal' -a list -d 'List goals'
complete -c coach -n '__coach_needs_verb goal' -a show -d 'Show a goal'
complete -c coach -n '__coach_needs_verb goal' -a status -d "Change a goal's status"
complete -c coach -n '__coach_needs_verb goal' -a measure -d 'Record a measurement'
complete -c coach -n '__coach_using goal add' -l priority -x -a '(__coach_priorities)' -d 'The priority it serves'
complete -c coach -n '__coach_using goal add' -l strategy -x -a '(__coach_strategies)' -d 'A framework strategy it uses'
complete -c coach -n '__coach_using goal add' -l measure -x -d 'What will be measured'
complete -c coach -n '__coach_using goal add' -l baseline -x -d 'Where the measure is now'
complete -c coach -n '__coach_using goal add' -l target -x -d 'Where it should get to'
complete -c coach -n '__coach_using goal add' -l unit -x -d 'Unit of the measure'
complete -c coach -n '__coach_using goal add' -l due -x -a $__coach_dates -d 'When it should be reached'
complete -c coach -n '__coach_using goal add' -l date -x -a $__coach_dates -d 'The day it was opened'
complete -c coach -n '__coach_arg 0 goal add' -a '(__coach_handles)' -d Coachee
complete -c coach -n '__coach_using goal list' -l all -d 'Every coachee'
complete -c coach -n '__coach_using goal list' -l status -x -a 'active achieved paused dropped any' -d 'Only this status'
complete -c coach -n '__coach_using goal list; or __coach_using goal show' -l format -x -a 'text json' -d 'Output format'
complete -c coach -n '__coach_arg 0 goal list' -a '(__coach_handles)' -d Coachee
complete -c coach -n '__coach_arg 0 goal show; or __coach_arg 0 goal status; or __coach_arg 0 goal measure' -a '(__coach_goals)' -d Goal
complete -c coach -n '__coach_arg 1 goal status' -a 'active achieved paused dropped' -d Status
complete -c coach -n '__coach_using goal status; or __coach_using goal measure' -l date -x -a $__coach_dates -d Date

# cycle
complete -c coach -n '__coach_needs_verb cycle' -a start -d 'Start a cycle on a goal'
complete -c coach -n '__coach_needs_verb cycle' -a phase -d 'Move a cycle to a phase'
complete -c coach -n '__coach_needs_verb cycle' -a close -d 'Close a cycle'
complete -c coach -n '__coach_needs_verb cycle' -a list -d 'List cycles'
complete -c coach -n '__coach_using cycle start' -l step -x -d 'The action step'
complete -c coach -n '__coach_using cycle start' -l review -x -a $__coach_dates -d 'Date of the review'
complete -c coach -n '__coach_using cycle start' -l force -d 'Even if the goal has an open cycle'
complete -c coach -n '__coach_using cycle start' -l date -x -a $__coach_dates -d 'The day it started'
complete -c coach -n '__coach_arg 0 cycle start' -a '(__coach_goals)' -d Goal
complete -c coach -n '__coach_arg 0 cycle phase; or __coach_arg 0 cycle close' -a '(__coach_cycles)' -d Cycle
complete -c coach -n '__coach_arg 1 cycle phase' -a '(__coach_phases)' -d Phase
complete -c coach -n '__coach_using cycle close' -l outcome -x -a 'met partly not-yet' -d 'How it went'
complete -c coach -n '__coach_using cycle close' -s m -l message -x -d 'What will be tried next'
complete -c coach -n '__coach_using cycle close' -l date -x -a $__coach_dates -d 'The day it closed'
complete -c coach -n '__coach_using cycle list' -l all -d 'Every coachee'
complete -c coach -n '__coach_using cycle list' -l open -d 'Only open cycles'
complete -c coach -n '__coach_using cycle list' -l format -x -a 'text json' -d 'Output format'
complete -c coach -n '__coach_arg 0 cycle list' -a '(__coach_handles)' -d Coachee

# log
complete -c coach -n '__coach_using log' -l kind -x -a "$__coach_kinds" -d 'Kind of entry'
complete -c coach -n '__coach_using log' -l goal -x -a '(__coach_goals)' -d 'The goal it is about'
complete -c coach -n '__coach_using log' -l cycle -x -a '(__coach_cycles)' -d 'The cycle it is about'
complete -c coach -n '__coach_using log' -l evidence -r -F -d 'A URL, a path in the repository or a file to copy'
complete -c coach -n '__coach_using log' -l hours -x -d 'Hours of CPD'
complete -c coach -n '__coach_using log' -l private -d 'Never leaves the school; sealed when its readers have keys'
complete -c coach -n '__coach_using log' -l to -x -a '(__coach_handles)' -d 'One more reader of a private entry'
complete -c coach -n '__coach_using log' -l unsealed -d 'Write a private entry unsealed'
complete -c coach -n '__coach_using log' -l date -x -a $__coach_dates -d 'The day it happened'
complete -c coach -n '__coach_using log' -s m -l message -x -d 'The text'
complete -c coach -n '__coach_using log' -s F -l file -r -F -d 'Read the text from a file, - for standard input'
complete -c coach -n '__coach_arg 0 log' -a '(__coach_handles)' -d Coachee

# entries
complete -c coach -n '__coach_using entries' -l kind -x -a "$__coach_kinds" -d 'Only this kind'
complete -c coach -n '__coach_using entries' -l goal -x -a '(__coach_goals)' -d 'Only about this goal'
complete -c coach -n '__coach_using entries' -l since -x -a $__coach_dates -d 'On or after'
complete -c coach -n '__coach_using entries' -l until -x -a $__coach_dates -d 'On or before'
complete -c coach -n '__coach_using entries' -l grep -x -d 'Only entries containing'
complete -c coach -n '__coach_using entries' -l format -x -a 'text json' -d 'Output format'
complete -c coach -n '__coach_arg 0 entries' -a '(__coach_handles)' -d Coachee

# show, edit
complete -c coach -n '__coach_using show' -l raw -d 'The file exactly'
complete -c coach -n '__coach_using show' -l html -d 'A self-contained HTML page'
complete -c coach -n '__coach_using show' -l format -x -a 'text json' -d 'Output format'
complete -c coach -n '__coach_arg 0 show; or __coach_arg 0 edit; or __coach_arg 0 rm' -F -a '(__coach_goals; __coach_cycles; __coach_entries)' -d Record
complete -c coach -n '__coach_using rm' -s f -l force -d 'Remove it though records refer to it'

# history, diff, agenda
complete -c coach -n '__coach_using history' -l since -x -a $__coach_dates -d 'Commits on or after'
complete -c coach -n '__coach_using history' -l format -x -a 'text json' -d 'Output format'
complete -c coach -n '__coach_arg 0 history' -F -a '(__coach_handles; __coach_goals; __coach_cycles; __coach_entries)' -d 'Coachee or record'
complete -c coach -n '__coach_using diff' -l since -x -a "last-meeting $__coach_dates" -d 'Where to start'
complete -c coach -n '__coach_using diff' -l until -x -d 'Where to end (a revision)'
complete -c coach -n '__coach_using diff' -l format -x -a 'text json' -d 'Output format'
complete -c coach -n '__coach_using agenda' -l format -x -a 'text json markdown' -d 'Output format'
complete -c coach -n '__coach_arg 0 diff; or __coach_arg 0 agenda' -a '(__coach_handles)' -d Coachee

# status, check, help
complete -c coach -n '__coach_using status' -l format -x -a 'text json' -d 'Output format'
complete -c coach -n '__coach_arg 0 status' -a '(__coach_handles)' -d Coachee
complete -c coach -n '__coach_using check' -l strict -d 'Fail on warnings too'
complete -c coach -n '__coach_using check' -l format -x -a 'text json' -d 'Output format'
complete -c coach -n '__coach_arg 0 help' -a "$__coach_commands" -d Command

# remote, sync
function __coach_remotes
    set -l root (__coach_root); or return
    test -f $root/.git/config; or return
    sed -n 's/^\[remote "\(.*\)"\]$/\1/p' $root/.git/config
end
complete -c coach -n '__coach_needs_verb remote' -a add -d 'Add a remote'
complete -c coach -n '__coach_needs_verb remote' -a list -d 'List the remotes'
complete -c coach -n '__coach_needs_verb remote' -a remove -d 'Remove a remote'
complete -c coach -n '__coach_arg 0 remote remove' -a '(__coach_remotes)' -d Remote
complete -c coach -n '__coach_arg 0 sync' -a '(__coach_remotes)' -d Remote
complete -c coach -n '__coach_using sync' -l publish -d 'Push only the summary for the trust'

# trust
complete -c coach -n '__coach_needs_verb monitor' -a start -d 'Start the monitor in the background'
complete -c coach -n '__coach_needs_verb monitor' -a stop -d 'Stop the monitor'
complete -c coach -n '__coach_needs_verb monitor' -a status -d 'Whether the monitor runs'
complete -c coach -n '__coach_needs_verb trust' -a init -d 'Make a trust workspace'
complete -c coach -n '__coach_needs_verb trust' -a add -d 'Add a school'
complete -c coach -n '__coach_needs_verb trust' -a list -d 'List the schools and their last pull'
complete -c coach -n '__coach_needs_verb trust' -a pull -d 'Pull every school'
complete -c coach -n '__coach_using trust init' -l trust -x -d "The trust's name"
complete -c coach -n '__coach_using trust list' -l format -x -a 'text json' -d 'Output format'
complete -c coach -n '__coach_using trust pull' -s j -l jobs -x -d 'Schools fetched at once'
complete -c coach -n '__coach_using trust pull' -l timeout -x -d 'Give up on a school after SECONDS'

# key
complete -c coach -n '__coach_needs_verb key' -a init -d 'Make your key pair'
complete -c coach -n '__coach_needs_verb key' -a export -d 'Write your recovery key'
complete -c coach -n '__coach_needs_verb key' -a import -d 'Restore a key from a recovery key'
complete -c coach -n '__coach_needs_verb key' -a list -d 'Who has a key'
complete -c coach -n '__coach_needs_verb key' -a seal -d 'Seal private entries written before keys'
complete -c coach -n '__coach_using key export' -s o -l output -r -F -d 'Write to a file'
complete -c coach -n '__coach_arg 0 key import' -F

# resolve
complete -c coach -n '__coach_arg 0 resolve' -a '(__coach_goals; __coach_cycles; __coach_entries)' -d Record
complete -c coach -n '__coach_using resolve' -l keep -d 'Keep the value the record has'
complete -c coach -n '__coach_using resolve' -l other -d 'Take the value kept under conflicts:'

# report
complete -c coach -n '__coach_using report' -l by -x -a 'school person coach subject phase priority strategy' -d 'Group by'
complete -c coach -n '__coach_using report' -l since -x -a $__coach_dates -d 'On or after'
complete -c coach -n '__coach_using report' -l until -x -a $__coach_dates -d 'On or before'
complete -c coach -n '__coach_using report' -l format -x -a 'text json csv markdown html' -d 'Output format'
complete -c coach -n '__coach_using report' -s o -l output -r -F -d 'Write to FILE'
complete -c coach -n '__coach_using report' -l trust -d 'Across the schools a trust workspace pulled'
