/*
 * keys.c: the key file and the public keys of staff records (keys.h).
 */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record.h"

#define KEY_FILE_NAME "secret-key"
#define KEY_FILE_MAX 4096

struct coach_error *
coach_key_file(char **out)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	*out = NULL;
	/* The XDG spec: a relative XDG_CONFIG_HOME is to be ignored. */
	if (xdg && xdg[0] == '/')
		*out = coach_xasprintf("%s/coach/" KEY_FILE_NAME, xdg);
	else if (home && *home)
		*out = coach_xasprintf("%s/.config/coach/" KEY_FILE_NAME, home);
	else
		return coach_error_coded(COACH_E_NOTFOUND, "neither "
		    "XDG_CONFIG_HOME nor HOME is set, so coach has nowhere to "
		    "keep your key; set HOME");
	return NULL;
}

/* Like ssh: a secret key others can read, or change, is refused. */
static struct coach_error *
check_mode(const char *path, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return coach_error_coded(COACH_E_INVALID, "%s is not a regular "
		    "file; it should hold your secret key", path);
	if (st->st_uid != geteuid())
		return coach_error_coded(COACH_E_INVALID, "%s belongs to "
		    "another user; a secret key must be your own", path);
	if (st->st_mode & 077)
		return coach_error_coded(COACH_E_INVALID, "%s can be read or "
		    "changed by others (mode %04o), so coach will not use it: "
		    "your secret key must be private.  Make it so with: chmod "
		    "600 %s", path, (unsigned)(st->st_mode & 07777), path);
	return NULL;
}

struct coach_error *
coach_key_load(struct coach_seal_keypair *out)
{
	struct coach_buf b = COACH_BUF_INIT;
	unsigned char sk[COACH_SEAL_KEY_BYTES];
	char *path = NULL;
	int fd = -1;
	struct stat st;
	struct coach_error *err = coach_key_file(&path);
	if (err)
		goto done;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1 && (errno == ENOENT || errno == ENOTDIR)) {
		err = coach_error_coded(COACH_E_NOTFOUND, "you have no key on "
		    "this computer (%s); make one with 'coach key init', or "
		    "bring yours from another computer with 'coach key "
		    "import FILE'", path);
		goto done;
	}
	if (fd == -1 || fstat(fd, &st) == -1) {
		err = coach_error_errno("open", path);
		goto done;
	}
	if ((err = check_mode(path, &st)))
		goto done;
	char chunk[KEY_FILE_MAX];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	if (n < 0) {
		err = coach_error_errno("read", path);
		goto done;
	}
	coach_buf_add(&b, chunk, (size_t)n);
	coach_seal_wipe(chunk, sizeof(chunk));
	if ((err = coach_seal_recovery_decode(sk, coach_buf_str(&b), b.len))) {
		err = coach_error_prefix(err, "%s", path);
		goto done;
	}
	err = coach_seal_keypair_from_secret(out, sk);
done:
	coach_seal_wipe(sk, sizeof(sk));
	if (b.ptr)
		coach_seal_wipe(b.ptr, b.len);
	coach_buf_free(&b);
	if (fd != -1)
		close(fd);
	free(path);
	return err;
}

/* The folder of the key file, made private when coach makes it. */
static struct coach_error *
make_dir(const char *path)
{
	char *dir = coach_xstrdup(path);
	char *slash = strrchr(dir, '/');
	struct coach_error *err = NULL;
	*slash = '\0';
	char *parent = coach_xstrdup(dir);
	*strrchr(parent, '/') = '\0';
	if (*parent && (err = coach_mkdirs(parent)))
		goto done;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		err = coach_error_errno("mkdir", dir);
	/* A folder made before by someone else's umask is tightened. */
	else if (chmod(dir, 0700) == -1)
		err = coach_error_errno("chmod", dir);
done:
	free(parent);
	free(dir);
	return err;
}

static struct coach_error *
write_all(int fd, const char *data, size_t len, const char *path)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return coach_error_errno("write", path);
		data += n;
		len -= (size_t)n;
	}
	if (fsync(fd) == -1)
		return coach_error_errno("fsync", path);
	return NULL;
}

/* The text of the key file. */
static char *
key_text(const struct coach_seal_keypair *kp)
{
	char id[COACH_SEAL_KEY_ID_LEN + 1];
	char *code = coach_seal_recovery_encode(kp->sk);
	coach_seal_key_id(kp->pk, id);
	char *text = coach_xasprintf("# coach secret key %s, for sealed "
	    "private entries.\n# Keep it private: never share, commit or "
	    "email it.  Back it up with\n# 'coach key export'; restore it "
	    "with 'coach key import FILE'.\n%s", id, code);
	coach_seal_wipe(code, strlen(code));
	free(code);
	return text;
}

/*
 * A file for the key with no name yet (O_TMPFILE), so that a crash never
 * leaves a secret behind under a name; *tmp is NULL then.  Where the file
 * system cannot, a named file beside the key, removed after.
 */
static int
open_unnamed(const char *path, char **tmp)
{
	char *dir = coach_xstrdup(path);
	*strrchr(dir, '/') = '\0';
	*tmp = NULL;
#ifdef O_TMPFILE
	/* Naming it later goes through /proc/self/fd. */
	int fd = access("/proc/self/fd", X_OK) == 0 ?
	    open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600) : -1;
	free(dir);
	if (fd != -1)
		return fd;
#else
	free(dir);
#endif
	*tmp = coach_xasprintf("%s.new-%ld", path, (long)getpid());
	unlink(*tmp);
	return open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
}

/* Gives the written file its name; never over an existing one. */
static int
link_into_place(int fd, const char *tmp, const char *path)
{
	if (tmp)
		return link(tmp, path);
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
}

struct coach_error *
coach_key_save(const struct coach_seal_keypair *kp)
{
	char *path = NULL, *tmp = NULL, *text = NULL;
	int fd = -1;
	struct coach_error *err = coach_key_file(&path);
	if (err || (err = make_dir(path)))
		goto done;
	/* Written whole without a name, then linked into place: a link
	 * never replaces a file, so two at once cannot both win, and a
	 * crash leaves neither a half key nor a stray copy. */
	fd = open_unnamed(path, &tmp);
	if (fd == -1) {
		err = coach_error_errno("open", tmp ? tmp : path);
		goto done;
	}
	text = key_text(kp);
	if ((err = write_all(fd, text, strlen(text), tmp ? tmp : path)))
		goto done;
	if (link_into_place(fd, tmp, path) == -1) {
		err = errno == EEXIST ? coach_error_coded(COACH_E_CONFLICT,
		    "%s exists already: coach never replaces a secret key "
		    "(entries sealed to it would be lost); move it away "
		    "first if you really mean to", path) :
		    coach_error_errno("link", path);
		goto done;
	}
done:
	if (fd != -1)
		close(fd);
	if (tmp)
		unlink(tmp);
	if (text) {
		coach_seal_wipe(text, strlen(text));
		free(text);
	}
	free(tmp);
	free(path);
	return err;
}

struct coach_error *
coach_key_of(struct coach_repo *r, const char *handle,
	unsigned char pk[COACH_SEAL_KEY_BYTES], int *has)
{
	struct coach_record *rec = NULL;
	char *path = coach_path_staff(handle);
	*has = 0;
	struct coach_error *err = coach_repo_load(r, path, &rec);
	if (err)
		goto done;
	const char *v = coach_record_str(rec, COACH_KEY_FIELD);
	if (v == NULL || *v == '\0')
		goto done;
	if ((err = coach_seal_pk_decode(pk, v))) {
		err = coach_error_prefix(err, "%s: %s", path, COACH_KEY_FIELD);
		goto done;
	}
	*has = 1;
done:
	coach_record_free(rec);
	free(path);
	return err;
}
