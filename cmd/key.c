/*
 * key.c: "coach key init | export | import | list | seal", the keys of
 * sealed private entries (lib/keys.h, lib/seal.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "common.h"
#include "../lib/keys.h"
#include "../lib/privacy.h"
#include "../lib/seal.h"
#include "../lib/store.h"

#define RECOVERY_MAX_BYTES 65536


static void
key_id(const struct coach_seal_keypair *kp, char id[COACH_SEAL_KEY_ID_LEN + 1])
{
	coach_seal_key_id(kp->pk, id);
}

/*
 * key init
 */

struct init_change {
	const char *handle;
	const struct coach_seal_keypair *kp;
	int already; /* the record had this key */
};

static struct coach_error *
init_apply(struct coach_change *ch, void *arg)
{
	struct init_change *ic = arg;
	struct coach_record *rec = NULL;
	char *path = coach_path_staff(ic->handle);
	char *pk = coach_seal_pk_encode(ic->kp->pk);
	struct coach_error *err = coach_change_load(ch, path, &rec);
	if (err)
		goto done;
	const char *have = coach_record_str(rec, COACH_KEY_FIELD);
	if (have && strcmp(have, pk) == 0) {
		ic->already = 1;
		goto done;
	}
	if (have && *have) {
		unsigned char old[COACH_SEAL_KEY_BYTES];
		char oid[COACH_SEAL_KEY_ID_LEN + 1] = "?", nid[COACH_SEAL_KEY_ID_LEN + 1];
		if (coach_seal_pk_decode(old, have) == NULL)
			coach_seal_key_id(old, oid);
		key_id(ic->kp, nid);
		err = coach_error_coded(COACH_E_CONFLICT, "%s already has "
		    "another public key (%s), and your key on this computer "
		    "is %s.  Bring the key you made before with 'coach key "
		    "import FILE'; if it is lost for good, remove %s from %s "
		    "with 'coach edit %s' and run 'coach key init' again "
		    "(entries sealed to the lost key stay unreadable to you)",
		    path, oid, nid, COACH_KEY_FIELD, path, path);
		goto done;
	}
	coach_fm_set(coach_record_fm(rec), COACH_KEY_FIELD, coach_fmv_str(pk));
	coach_change_save(ch, path, rec);
	coach_change_message(ch, "key init: %s", ic->handle);
done:
	coach_record_free(rec);
	free(path);
	free(pk);
	return err;
}

/* The key on this computer, made when there is none. */
static struct coach_error *
own_key(struct coach_seal_keypair *kp, int *made)
{
	*made = 0;
	struct coach_error *err = coach_key_load(kp);
	if (err == NULL || coach_error_code(err) != COACH_E_NOTFOUND)
		return err;
	coach_error_free(err);
	if ((err = coach_seal_keypair_new(kp)))
		return err;
	err = coach_key_save(kp);
	if (err && coach_error_code(err) == COACH_E_CONFLICT) {
		/* Another "key init" made one first: use it. */
		coach_error_free(err);
		return coach_key_load(kp);
	}
	*made = err == NULL;
	return err;
}

static struct coach_error *
key_init(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_seal_keypair kp;
	char *handle = NULL, *file = NULL;
	char id[COACH_SEAL_KEY_ID_LEN + 1];
	int made = 0;
	struct coach_error *err = coach_staff_self(ctx->repo,
	    "coach cannot tell whose key this is", &handle);
	if (err || (err = coach_key_file(&file)) ||
	    (err = own_key(&kp, &made)))
		goto done;
	struct init_change ic = { handle, &kp, 0 };
	if ((err = coach_write(ctx->repo, init_apply, &ic)))
		goto done;
	key_id(&kp, id);
	if (made)
		printf("made your key %s: the secret key is in %s (only you "
		    "can read it), its public half in staff/%s.md\n", id, file,
		    handle);
	else if (!ic.already)
		printf("your key %s, already on this computer (%s), is now "
		    "in staff/%s.md\n", id, file, handle);
	else
		printf("your key %s is set up already: %s and staff/%s.md\n",
		    id, file, handle);
	if (made)
		printf("\nBack it up now.  If this computer is lost and there "
		    "is no copy, nobody can\nopen the entries sealed to you "
		    "again.  Write a recovery file and keep it\nsafe (printed "
		    "in a locked drawer, or in a password manager):\n\n"
		    "    coach key export -o coach-key-%s.txt\n\n"
		    "On another computer, 'coach key import coach-key-%s.txt' "
		    "restores it.\n", handle, handle);
done:
	coach_seal_wipe(&kp, sizeof(kp));
	free(handle);
	free(file);
	return err;
}

/*
 * key export
 */

static char *
recovery_text(struct coach_repo *repo, const char *handle,
	const struct coach_seal_keypair *kp)
{
	char id[COACH_SEAL_KEY_ID_LEN + 1], today[11];
	char *code = coach_seal_recovery_encode(kp->sk);
	key_id(kp, id);
	coach_date_format(coach_date_today(), today);
	char *text = coach_xasprintf("coach recovery key\n\n"
	    "Whose:   %s\nKey id:  %s\nWritten: %s\n\n"
	    "Anyone holding this can read every entry sealed to %s.  Keep it "
	    "like a\npassport: printed in a locked drawer, or in a password "
	    "manager.  Never\ncommit it, email it or leave it in a shared "
	    "folder.\n\nTo restore it on another computer:  coach key import "
	    "FILE\n(or type the code below into a file and import that).\n\n"
	    "%s", handle ? handle : "(unknown)", id, today,
	    handle ? handle : "you", code);
	coach_seal_wipe(code, strlen(code));
	free(code);
	(void)repo;
	return text;
}

/* Writes text to path, mode 0600, never over an existing file. */
static struct coach_error *
write_private(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1)
		return errno == EEXIST ? coach_error_coded(COACH_E_CONFLICT,
		    "%s exists already; give another file name", path) :
		    coach_error_errno("open", path);
	size_t len = strlen(text);
	struct coach_error *err = NULL;
	while (len > 0) {
		ssize_t n = write(fd, text, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err = coach_error_errno("write", path);
			break;
		}
		text += n;
		len -= (size_t)n;
	}
	if (close(fd) == -1 && err == NULL)
		err = coach_error_errno("close", path);
	if (err)
		unlink(path);
	return err;
}

static struct coach_error *
key_export(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_seal_keypair kp;
	char *handle = NULL, *text = NULL;
	const char *out = coach_opt_value(ctx, "output");
	struct coach_error *err = coach_key_load(&kp);
	if (err)
		goto done;
	/* Whose it is only labels the text: no staff record is needed. */
	struct coach_error *e = coach_repo_current_user(ctx->repo, &handle);
	coach_error_free(e);
	text = recovery_text(ctx->repo, handle, &kp);
	if (out && strcmp(out, "-") != 0) {
		if ((err = write_private(out, text)) == NULL)
			fprintf(stderr, "coach: wrote your recovery key to %s "
			    "(mode 0600); print it or store it safely, then "
			    "delete that file\n", out);
	} else {
		if (isatty(STDOUT_FILENO))
			fprintf(stderr, "coach: this is your secret key: "
			    "anyone who sees it can read your sealed "
			    "entries\n");
		fputs(text, stdout);
	}
done:
	if (text) {
		coach_seal_wipe(text, strlen(text));
		free(text);
	}
	coach_seal_wipe(&kp, sizeof(kp));
	free(handle);
	return err;
}

/*
 * key import
 */

static struct coach_error *
read_recovery(const char *file, struct coach_buf *b)
{
	if (strcmp(file, "-") != 0)
		return coach_read_file(b, file, RECOVERY_MAX_BYTES);
	coach_buf_add(b, "", 0);
	for (;;) {
		char chunk[4096];
		ssize_t n = read(STDIN_FILENO, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return coach_error_errno("read", "standard input");
		if (n == 0)
			return NULL;
		if (b->len + (size_t)n > RECOVERY_MAX_BYTES)
			return coach_error_new(COACH_FAIL, "standard input is "
			    "larger than a recovery key");
		coach_buf_add(b, chunk, (size_t)n);
	}
}

/* Warns when kp is not the key of the user's staff record. */
static void
compare_with_record(struct coach_repo *repo,
	const struct coach_seal_keypair *kp)
{
	char *handle = NULL;
	unsigned char pk[COACH_SEAL_KEY_BYTES];
	char id[COACH_SEAL_KEY_ID_LEN + 1], rid[COACH_SEAL_KEY_ID_LEN + 1];
	int has = 0;
	struct coach_error *err = coach_repo_current_user(repo, &handle);
	key_id(kp, id);
	if (err == NULL && handle)
		err = coach_key_of(repo, handle, pk, &has);
	if (err)
		fprintf(stderr, "coach: warning: %s\n", coach_error_msg(err));
	else if (handle == NULL)
		fprintf(stderr, "coach: warning: no member of staff has your "
		    "git email, so coach cannot check that key %s is yours\n",
		    id);
	else if (!has)
		fprintf(stderr, "coach: warning: staff/%s.md has no public key "
		    "yet; run 'coach key init' to put this key's there\n",
		    handle);
	else if (coach_seal_key_id(pk, rid), strcmp(rid, id) != 0)
		fprintf(stderr, "coach: warning: this key (%s) is not the one "
		    "in staff/%s.md (%s): entries sealed to %s will not open "
		    "with it.  Is it the right recovery key?\n", id, handle,
		    rid, handle);
	else
		printf("it matches staff/%s.md: entries sealed to %s open on "
		    "this computer now\n", handle, handle);
	coach_error_free(err);
	free(handle);
}

static struct coach_error *
key_import(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_buf b = COACH_BUF_INIT;
	unsigned char sk[COACH_SEAL_KEY_BYTES];
	struct coach_seal_keypair kp, have;
	char id[COACH_SEAL_KEY_ID_LEN + 1];
	char *file = NULL;
	struct coach_error *err = read_recovery(argv[1], &b);
	if (err)
		goto done;
	if ((err = coach_seal_recovery_decode(sk, coach_buf_str(&b), b.len)) ||
	    (err = coach_seal_keypair_from_secret(&kp, sk))) {
		err = coach_error_prefix(err, "%s", argv[1]);
		goto done;
	}
	key_id(&kp, id);
	if ((err = coach_key_file(&file)))
		goto done;
	err = coach_key_save(&kp);
	if (err && coach_error_code(err) == COACH_E_CONFLICT &&
	    coach_key_load(&have) == NULL &&
	    memcmp(have.pk, kp.pk, sizeof(kp.pk)) == 0) {
		/* The same key: nothing to do, and nothing wrong. */
		coach_error_free(err);
		err = NULL;
		printf("key %s is on this computer already (%s)\n", id, file);
	} else if (err) {
		goto done;
	} else {
		printf("imported key %s into %s (mode 0600)\n", id, file);
	}
	compare_with_record(ctx->repo, &kp);
done:
	if (b.ptr)
		coach_seal_wipe(b.ptr, b.len);
	coach_buf_free(&b);
	coach_seal_wipe(sk, sizeof(sk));
	coach_seal_wipe(&kp, sizeof(kp));
	coach_seal_wipe(&have, sizeof(have));
	free(file);
	return err;
}

/*
 * key list
 */

static struct coach_error *
key_list(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_loaded_list l = { 0 };
	struct coach_table t = COACH_TABLE_INIT(3);
	struct coach_seal_keypair mine;
	char mine_id[COACH_SEAL_KEY_ID_LEN + 1] = "";
	size_t with = 0;
	struct coach_error *err = coach_load_all(ctx->repo, COACH_KIND_STAFF,
	    NULL, NULL, &l);
	if (err)
		return err;
	struct coach_error *e = coach_key_load(&mine);
	if (e == NULL)
		key_id(&mine, mine_id);
	coach_error_free(e);
	coach_seal_wipe(&mine, sizeof(mine));
	coach_table_add(&t, "HANDLE");
	coach_table_add(&t, "NAME");
	coach_table_add(&t, "KEY");
	for (size_t i = 0; i < l.n; i++) {
		const char *v = coach_record_str(l.v[i].rec, COACH_KEY_FIELD);
		unsigned char pk[COACH_SEAL_KEY_BYTES];
		char id[COACH_SEAL_KEY_ID_LEN + 1];
		char *cell;
		if (v == NULL || *v == '\0')
			cell = coach_xstrdup("-");
		else if (coach_seal_pk_decode(pk, v) != NULL)
			cell = coach_xstrdup("(not a key: see coach check)");
		else {
			coach_seal_key_id(pk, id);
			cell = coach_xasprintf("%s%s", id, strcmp(id, mine_id) ?
			    "" : " (on this computer)");
			with++;
		}
		coach_table_add(&t, l.v[i].id);
		coach_table_add(&t, coach_record_str(l.v[i].rec, "name"));
		coach_table_add(&t, cell);
		free(cell);
	}
	/* A string "(not a key" counts apart from the keys: fine. */
	if (l.n) {
		coach_pager_start(ctx);
		coach_table_print(ctx, &t);
		printf("\n%zu of %zu have a key\n", with, l.n);
	} else if (l.broken == 0) {
		coach_list_empty("No staff yet; add someone with: coach staff "
		    "add HANDLE --name NAME");
	}
	if (l.broken)
		err = coach_broken_error(l.broken, "staff");
	coach_table_free(&t);
	coach_loaded_list_free(&l);
	return err;
}

/*
 * key seal
 */

struct seal_change {
	struct coach_strlist sealed;  /* ids */
	struct coach_strlist skipped; /* "id: why" */
};

/* Seals one private entry whose readers all have keys. */
static struct coach_error *
seal_one(struct coach_change *ch, struct seal_change *sc, const char *path)
{
	struct coach_repo *repo = coach_change_repo(ch);
	struct coach_record *rec = NULL;
	struct coach_strlist readers = COACH_STRLIST_INIT;
	struct coach_strlist missing = COACH_STRLIST_INIT;
	struct coach_buf armour = COACH_BUF_INIT;
	char *coachee = NULL;
	struct coach_error *err = coach_change_load(ch, path, &rec);
	if (err) {
		/* check reports a record that does not parse. */
		coach_strlist_add_owned(&sc->skipped, coach_xasprintf("%s: %s",
		    path, coach_error_msg(err)));
		coach_error_free(err);
		err = NULL;
		goto done;
	}
	if (!coach_entry_private(rec) || coach_entry_sealed(rec))
		goto done;
	const char *id = coach_record_str(rec, "id");
	coach_path_kind(path, &coachee, NULL);
	coach_entry_readers(rec, coachee, &readers);
	if ((err = coach_readers_without_key(repo, &readers, &missing)))
		goto done;
	if (id == NULL || *id == '\0' || missing.n) {
		struct coach_buf who = COACH_BUF_INIT;
		for (size_t i = 0; i < missing.n; i++)
			coach_buf_printf(&who, "%s%s", i ? ", " : "",
			    missing.v[i]);
		coach_strlist_add_owned(&sc->skipped, id && *id ?
		    coach_xasprintf("%s: no key yet for %s", path,
		    coach_buf_str(&who)) : coach_xasprintf("%s: it has no "
		    "id", path));
		coach_buf_free(&who);
		goto done;
	}
	if ((err = coach_entry_seal(repo, id, &readers,
	    coach_record_body(rec), &armour)))
		goto done;
	struct coach_fmv *list = coach_fmv_seq();
	for (size_t i = 0; i < readers.n; i++)
		coach_fmv_push(list, coach_fmv_str(readers.v[i]));
	coach_fm_set(coach_record_fm(rec), COACH_READERS_KEY, list);
	coach_record_set_body(rec, coach_buf_str(&armour));
	coach_change_save(ch, path, rec);
	coach_strlist_add(&sc->sealed, id);
done:
	coach_strlist_free(&readers);
	coach_strlist_free(&missing);
	coach_buf_free(&armour);
	coach_record_free(rec);
	free(coachee);
	return err;
}

static struct coach_error *
seal_apply(struct coach_change *ch, void *arg)
{
	struct seal_change *sc = arg;
	struct coach_strlist paths = COACH_STRLIST_INIT;
	struct coach_error *err = coach_repo_list(coach_change_repo(ch),
	    COACH_KIND_ENTRY, NULL, &paths);
	/* Run again after a refusal, nothing is counted twice. */
	coach_strlist_free(&sc->sealed);
	coach_strlist_free(&sc->skipped);
	for (size_t i = 0; err == NULL && i < paths.n; i++)
		err = seal_one(ch, sc, paths.v[i]);
	if (err == NULL && sc->sealed.n)
		coach_change_message(ch, "key seal: %zu private entr%s",
		    sc->sealed.n, sc->sealed.n == 1 ? "y" : "ies");
	coach_strlist_free(&paths);
	return err;
}

static struct coach_error *
key_seal(struct coach_ctx *ctx, int argc, char **argv)
{
	struct seal_change sc = { COACH_STRLIST_INIT, COACH_STRLIST_INIT };
	struct coach_error *err = coach_write(ctx->repo, seal_apply, &sc);
	if (err)
		goto done;
	for (size_t i = 0; i < sc.skipped.n; i++)
		fprintf(stderr, "coach: not sealed: %s\n", sc.skipped.v[i]);
	if (sc.sealed.n == 0) {
		printf("no private entry to seal%s\n", sc.skipped.n ?
		    " whose readers all have keys" : "");
		goto done;
	}
	printf("sealed %zu private entr%s in one commit\n", sc.sealed.n,
	    sc.sealed.n == 1 ? "y" : "ies");
	printf("\nTheir old plain text is still in git history: in every "
	    "earlier commit, in\nevery clone made before now, and on the "
	    "school's git host.  Sealing cannot\nreach those copies.  A "
	    "school that must remove them rewrites its history\n(git "
	    "filter-repo or BFG) and has every clone replaced: see "
	    "SECURITY in\ncoach-key(1).\n");
done:
	coach_strlist_free(&sc.sealed);
	coach_strlist_free(&sc.skipped);
	return err;
}

static const struct coach_opt export_opts[] = {
	{ "output", 'o', COACH_OPT_VALUE, "FILE", "write it to FILE (mode "
	    "0600, never over a file) instead of standard output" },
	{ 0 },
};

static const struct coach_form key_forms[] = {
	{ .name = "init", .usage = "", .exec = key_init },
	{ .name = "export", .usage = "[-o FILE]", .opts = export_opts,
	  .exec = key_export },
	{ .name = "import", .usage = "FILE", .min = 1, .max = 1,
	  .need = "a FILE: the recovery key 'coach key export' wrote (- for "
	    "standard input)", .exec = key_import },
	{ .name = "list", .usage = "", .exec = key_list },
	{ .name = "seal", .usage = "", .exec = key_seal },
	{ 0 },
};

const struct coach_cmd coach_cmd_key = {
	.name = "key",
	.summary = "keys for sealed private entries: init, export, import, "
	    "list, seal",
	.flags = COACH_CMD_REPO,
	.forms = key_forms,
	.dflt = "list",
	.noun = "key",
};
