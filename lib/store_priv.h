/*
 * store_priv.h: what lib/store*.c share, and nobody else: the handle's
 * insides.  Only lib/store*.c include it.
 */
#ifndef COACH_STORE_PRIV_H
#define COACH_STORE_PRIV_H

#include <git2.h>

#include "store.h"

struct coach_store {
	git_repository *repo;
	char *root;	/* work tree, no trailing '/' */
};

#endif
