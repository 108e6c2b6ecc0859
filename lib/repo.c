/* PLACEHOLDER: replaced by the real module. */
#include "repo.h"
#include <stdlib.h>

struct coach_error *
coach_repo_open(struct coach_repo **out, const char *dir)
{
	(void)dir;
	*out = NULL;
	return coach_error_new(COACH_FAIL, "no repository yet");
}

void
coach_repo_free(struct coach_repo *r)
{
	free(r);
}
