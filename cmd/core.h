/*
 * core.h: what coach-core.so, the module holding coach's commands, shows
 * the coach executable (cmd/launch.c) that loads it.
 */
#ifndef COACH_CORE_H
#define COACH_CORE_H

/* The module's one exported symbol, COACH_CORE_SYMBOL.  version comes
 * first and stays first: the executable compares it with its own before
 * it trusts the rest, so that the two halves of an interrupted upgrade
 * never run together. */
struct coach_core {
	const char *version;
	int (*main)(int argc, char **argv); /* coach's main(), returning
	                                     * the exit status */
};

#define COACH_CORE_SYMBOL "coach_core"
extern const struct coach_core coach_core;

#endif
