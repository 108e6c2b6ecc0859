/*
 * Tests of lib/privacy.c: who may read a private entry's text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "privacy.h"

static struct coach_record *
entry(const char *private_line)
{
	char text[256];
	snprintf(text, sizeof(text), "---\nid: e111111\ndate: 2026-11-20\n"
	    "kind: reflection\nauthor: ada\n%s---\nWords.\n", private_line);
	struct coach_record *r = NULL;
	struct coach_error *err = coach_record_parse(&r, "x.md", text,
	    strlen(text));
	assert_null(err);
	return r;
}

static int
readable(const struct coach_record *e, const char *who, int trust)
{
	struct coach_reader rd = { who ? strdup(who) : NULL, trust };
	int ok = coach_entry_readable(e, "bob", &rd);
	coach_reader_free(&rd);
	return ok;
}

static void
test_rules(void **state)
{
	(void)state;
	struct coach_record *open = entry(""), *no = entry("private: false\n");
	struct coach_record *priv = entry("private: true\n");
	struct coach_record *odd = entry("private: \"yes\"\n");
	/* Not private: everyone. */
	assert_true(readable(open, "cy", 0));
	assert_true(readable(no, NULL, 0));
	assert_false(coach_entry_private(no));
	/* Private: the author (ada) and the coachee (bob) only. */
	assert_true(readable(priv, "ada", 0));
	assert_true(readable(priv, "bob", 0));
	assert_false(readable(priv, "cy", 0));
	assert_false(readable(priv, NULL, 0));
	assert_false(readable(priv, "bob", 1)); /* the trust never */
	assert_false(coach_entry_readable(priv, "bob", NULL));
	/* A value that is not a clear false keeps it private. */
	assert_true(coach_entry_private(odd));
	assert_false(readable(odd, "cy", 0));
	struct coach_reader cy = { strdup("cy"), 0 };
	assert_string_equal(coach_entry_body_for(priv, "bob", &cy),
	    COACH_PRIVATE_TEXT);
	assert_string_equal(coach_entry_body_for(open, "bob", &cy),
	    "Words.\n");
	coach_reader_free(&cy);
	coach_record_free(open);
	coach_record_free(no);
	coach_record_free(priv);
	coach_record_free(odd);
}

static struct coach_record *
parse(const char *text)
{
	struct coach_record *r = NULL;
	assert_null(coach_record_parse(&r, "x.md", text, strlen(text)));
	return r;
}

/* The readers list adds readers; a sealed body is private whatever the
 * front-matter says, and is never shown as armour. */
static void
test_readers_and_sealed(void **state)
{
	(void)state;
	struct coach_record *e = parse("---\nid: e111111\nauthor: ada\n"
	    "private: true\nreaders:\n  - ada\n  - bob\n  - lead\n---\n"
	    "Words.\n");
	struct coach_strlist l = COACH_STRLIST_INIT;
	coach_entry_readers(e, "bob", &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], "ada");
	assert_string_equal(l.v[1], "bob");
	assert_string_equal(l.v[2], "lead");
	coach_strlist_free(&l);
	assert_true(readable(e, "lead", 0));
	assert_false(readable(e, "cy", 0));
	assert_false(readable(e, "lead", 1));
	coach_record_free(e);

	struct coach_record *s = parse("---\nid: e111111\nauthor: ada\n"
	    "private: false\n---\n-----BEGIN COACH SEALED ENTRY-----\n"
	    "Version: 1\nEntry: e111111\nReader: ada 0011223344556677\n\n"
	    "AAAA\n-----END COACH SEALED ENTRY-----\n");
	assert_true(coach_entry_sealed(s));
	assert_true(coach_entry_private(s));
	assert_false(readable(s, "cy", 0));
	struct coach_reader cy = { strdup("cy"), 0, NULL };
	assert_string_equal(coach_entry_body_for(s, "bob", &cy),
	    COACH_PRIVATE_TEXT);
	coach_reader_free(&cy);
	/* A reader sees why it does not open, never the armour. */
	setenv("XDG_CONFIG_HOME", "/nonexistent-coach-test", 1);
	struct coach_reader ada = { strdup("ada"), 0, NULL };
	const char *b = coach_entry_body_for(s, "bob", &ada);
	assert_non_null(strstr(b, "(sealed: "));
	assert_null(strstr(b, "BEGIN COACH"));
	coach_reader_free(&ada);
	unsetenv("XDG_CONFIG_HOME");
	coach_record_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_readers_and_sealed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
