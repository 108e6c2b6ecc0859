#!/bin/zsh -f
# zcomp.zsh FPATH-DIR 'COMMAND LINE': prints, on one line, the completions
# an interactive zsh offers for COMMAND LINE with the completion functions
# of FPATH-DIR (for tests of completions/_coach).  It drives a zsh in a
# pseudo-terminal and records every match given to compadd.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT=; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'zstyle ":completion:*" insert-tab false'
zpty -w z '__cap_end() { print -r -- "<<END>>"; compstate[insert]=; compstate[list]=; }'
zpty -w z 'comppostfuncs=(__cap_end)'
zpty -w z 'compadd() { local -a __h; builtin compadd -O __h "$@"; (( $#__h )) && print -rl -- "<<"${^__h}">>"; builtin compadd "$@"; }'
zpty -w z "bindkey '^I' complete-word"
zpty -w z "print -r -- '<<READY>>'"
# The echo of the command, then its output.
zpty -r z line '*<<READY>>*'
zpty -r z line '*<<READY>>*'
sleep 0.2
while zpty -r -t z line; do :; done
zpty -n -w z "$2"$'\t'
local out=
integer i=0
while (( i++ < 500 )); do
	zpty -r z line || break
	out+=$line
	[[ $out == *'<<END>>'* ]] && break
done
zpty -d z
print -r -- "${out//$'\r'/}" | grep -o '<<[^<>]*>>' | sed 's/^<<//; s/>>$//' |
	grep -vx END | sort -u | tr '\n' ' '
echo
