/*
 * store_merge.c: coach as git's merge driver for records (see store.h).
 * Only the repository's own config is touched: the attributes that name
 * the driver are committed in .gitattributes, so that every clone has
 * them, while the command git runs is each clone's own setting.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* s quoted for the shell git runs the driver with (its path may have
 * spaces). */
static char *
shell_quote(const char *s)
{
	struct coach_buf b = COACH_BUF_INIT;
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789/._-+") == strlen(s) && *s)
		return coach_xstrdup(s);
	coach_buf_putc(&b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			coach_buf_puts(&b, "'\\''");
		else
			coach_buf_putc(&b, *s);
	}
	coach_buf_putc(&b, '\'');
	return coach_buf_detach(&b);
}

struct coach_error *
coach_store_merge_driver_setup(struct coach_store *s, const char *program)
{
	char *prog = shell_quote(program && *program ? program : "coach");
	char *driver = coach_xasprintf("%s merge-driver %%O %%A %%B %%P", prog);
	struct coach_error *err = coach_store_config_set(s, "merge.coach.name",
	    "coach records, merged key by key (see coach(5))");
	if (err == NULL)
		err = coach_store_config_set(s, "merge.coach.driver", driver);
	free(driver);
	free(prog);
	return err;
}
