/*
 * credential.h: git's credential helpers, through `git credential`.
 *
 * A password an http(s) server asks for may be kept by whatever helper
 * the user set up for git (credential.helper: store, cache, libsecret, a
 * password manager, a "!command").  Rather than knowing each, coach asks
 * git itself: `git credential fill` with the URL, and afterwards `git
 * credential approve` (the password worked: a caching helper keeps it) or
 * `git credential reject` (it was refused: the helper forgets it), as git
 * does around its own transfers.
 *
 * Never prompts: git runs with GIT_TERMINAL_PROMPT=0 and its stderr
 * thrown away.  No git on PATH, no helper, a helper that fails or one that
 * takes longer than the timeout all come to the same: no credential.
 * Secrets are wiped from memory when freed.
 */
#ifndef COACH_CREDENTIAL_H
#define COACH_CREDENTIAL_H

/* A user name and password. */
struct coach_credential {
	char *user;
	char *pass;
};

/* Asks git's helpers for url's credential (url without a password; its
 * user name, if any, is passed on).  1 and *out filled when a helper gave
 * a password; -1 when git gave no answer within timeout seconds (it is
 * killed, with whatever it started); 0 otherwise. */
int coach_credential_fill(const char *url, unsigned timeout,
	struct coach_credential *out);

/* Tells git's helpers whether c worked for url (approve) or was refused
 * (reject).  Best effort: failures are ignored. */
void coach_credential_report(const char *url, const struct coach_credential *c,
	int worked, unsigned timeout);

/* Wipes and frees c's strings; c may be all NULL. */
void coach_credential_clear(struct coach_credential *c);

#endif
