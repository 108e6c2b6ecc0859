/*
 * launch.c: the coach executable.  It links only the C library, answers
 * --version itself, and loads the rest of coach (coach-core.so: cmd/ and
 * lib/, with libgit2 and the other libraries) for everything else.
 *
 * Mapping and relocating libgit2 and the twenty libraries behind it costs
 * the dynamic loader about three times what all of git --version costs;
 * a program that only prints its version should not pay it.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

#ifndef COACH_VERSION
#define COACH_VERSION "unknown"
#endif
/* The module's path from the installed executable's folder (set by
 * meson from bindir and libdir), and the same path installed, for when
 * /proc/self/exe cannot be read. */
#ifndef COACH_CORE_REL
#define COACH_CORE_REL "coach-core.so"
#endif
#ifndef COACH_CORE_ABS
#define COACH_CORE_ABS COACH_CORE_REL
#endif
#define CORE_NAME "coach-core.so"

#define FAIL 1

/* Prints the version as cmd/main.c would, including its check that the
 * line was written. */
static int
print_version(void)
{
	int status = 0;
	printf("coach %s\n", COACH_VERSION);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE) {
			fprintf(stderr, "coach: write error on standard "
			    "output: %s\n", strerror(errno));
			status = FAIL;
		}
	}
	return status;
}

/* Whether the command line asks only for the version: global options
 * up to --version, read exactly as main.c reads them, so that what
 * it would do with any other line is left to it. */
static int
wants_version(int argc, char **argv)
{
	for (int i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--version") == 0)
			return 1;
		if (strcmp(a, "-C") == 0) {
			if (++i == argc)
				return 0;
		} else if (strncmp(a, "-C", 2) != 0 &&
		    strcmp(a, "--no-pager") != 0 &&
		    strncmp(a, "--color=", 8) != 0 &&
		    strcmp(a, "--color") != 0) {
			return 0;
		}
	}
	return 0;
}

/* dir + "/" + rel into buf, each leading "../" of rel taking the last
 * folder off dir, so that messages show a plain path. */
static int
join(char *buf, size_t size, const char *dir, const char *rel)
{
	size_t n = strlen(dir);
	while (strncmp(rel, "../", 3) == 0) {
		while (n > 0 && dir[n - 1] != '/')
			n--;
		if (n > 0)
			n--; /* the slash */
		rel += 3;
	}
	int w = snprintf(buf, size, "%.*s/%s", (int)n, dir, rel);
	return w < 0 || (size_t)w >= size ? -1 : 0;
}

/*
 * Where the module is: $COACH_CORE when set; else beside the executable
 * (the build folder), else where meson install puts it relative to the
 * executable (so that an installed tree may be moved, or installed with
 * --destdir).  The path to name when none is there is the installed one.
 */
static void
find_core(char *buf, size_t size)
{
	const char *env = getenv("COACH_CORE");
	if (env && *env) {
		/* A bare name is a file here, as for open(), never one that
		 * dlopen() would look for in the library path. */
		snprintf(buf, size, "%s%s", strchr(env, '/') ? "" : "./", env);
		return;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0 || (size_t)n >= sizeof(exe) - 1) {
		snprintf(buf, size, "%s", COACH_CORE_ABS);
		return;
	}
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash == NULL) {
		snprintf(buf, size, "%s", COACH_CORE_ABS);
		return;
	}
	*slash = '\0';
	if (join(buf, size, exe, CORE_NAME) == 0 && access(buf, F_OK) == 0)
		return;
	if (COACH_CORE_REL[0] == '/')
		snprintf(buf, size, "%s", COACH_CORE_REL);
	else if (join(buf, size, exe, COACH_CORE_REL) != 0)
		snprintf(buf, size, "%s", COACH_CORE_ABS);
}

/* Says the module at path could not be used and why (dlerror()'s text
 * starts with the path, said once already), and what to do. */
static int
core_failed(const char *path, const char *why)
{
	size_t n = strlen(path);
	if (strncmp(why, path, n) == 0 && strncmp(why + n, ": ", 2) == 0)
		why += n + 2;
	fprintf(stderr, "coach: cannot load %s, which holds coach's "
	    "commands: %s; reinstall coach, or set COACH_CORE to the path of "
	    "its " CORE_NAME "\n", path, why);
	return FAIL;
}

/*
 * Why the module at path is shorter than its own headers say, or NULL if
 * it is not, or is no ELF file at all (dlopen says so).  A truncated copy
 * (a full disk, an interrupted install) would load, and die of SIGBUS
 * when a missing page is first touched, perhaps halfway through a write.
 * ELF puts the section headers last, so those must fit as well.
 */
static const char *
core_truncated(const char *path)
{
	static char why[160];
	const char *ret = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return strerror(errno);
	struct stat st;
	ElfW(Ehdr) eh;
	if (fstat(fd, &st) == -1 ||
	    pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_phentsize != sizeof(ElfW(Phdr)))
		goto done;
	uint64_t size = (uint64_t)st.st_size;
	uint64_t need = eh.e_shoff + (uint64_t)eh.e_shnum * eh.e_shentsize;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		ElfW(Phdr) ph;
		off_t at = (off_t)(eh.e_phoff + (uint64_t)i * sizeof(ph));
		if (pread(fd, &ph, sizeof(ph), at) != (ssize_t)sizeof(ph)) {
			need = size + 1;
			break;
		}
		if (ph.p_type == PT_LOAD && ph.p_offset + ph.p_filesz > need)
			need = ph.p_offset + ph.p_filesz;
	}
	if (need > size) {
		snprintf(why, sizeof(why), "it is cut short (%llu bytes, "
		    "at least %llu expected)", (unsigned long long)size,
		    (unsigned long long)need);
		ret = why;
	}
done:
	close(fd);
	return ret;
}

/*
 * The heap made ready before anything else runs: malloc grows it in
 * steps of HEAP_READY (and takes blocks of up to that size from it,
 * not from mmap), and the first step's pages are made present in one
 * call.  On the virtual machines schools and trusts rent, the first
 * touch of each page costs about 12 us (a fault that leaves the guest),
 * against about 0.6 us a page made present at once: a status on a
 * school of 100,000 records touched 800 new pages, 10 ms of its 50.
 * Where malloc does not take memory from brk (sanitizers, valgrind),
 * or the kernel is older than Linux 5.14, nothing is made present.
 */
#define HEAP_READY (4 << 20)

static void
heap_ready(void)
{
#if defined(M_TOP_PAD) && defined(MADV_POPULATE_WRITE)
	mallopt(M_TOP_PAD, HEAP_READY);
	mallopt(M_MMAP_THRESHOLD, HEAP_READY);
	char *lo = sbrk(0);
	/* volatile: a malloc whose block is never used may be left out. */
	void *volatile step = malloc(HEAP_READY / 2);
	char *hi = sbrk(0);
	free(step);
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)lo + page - 1) & ~(page - 1);
	if (lo != (char *)-1 && hi != (char *)-1 && (uintptr_t)hi > a)
		(void)madvise((void *)a, (uintptr_t)hi - a,
		    MADV_POPULATE_WRITE);
#endif
}

int
main(int argc, char **argv)
{
	if (wants_version(argc, argv))
		return print_version();

	heap_ready();
	char path[PATH_MAX];
	find_core(path, sizeof(path));
	const char *why = core_truncated(path);
	if (why != NULL)
		return core_failed(path, why);
	/* Functions bound lazily, as they were when the libraries were
	 * linked to the executable: binding all of libgit2's and libcrypto's
	 * at once cost about 0.5 ms a command (the build links the module
	 * with --no-undefined, so none of its own is missing).
	 * Never closed: sanitizers and valgrind name its functions in the
	 * reports they make at exit. */
	void *core = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	if (core == NULL)
		return core_failed(path, dlerror());
	const struct coach_core *c = dlsym(core, COACH_CORE_SYMBOL);
	if (c == NULL || c->version == NULL || c->main == NULL)
		return core_failed(path, "it is not coach's " CORE_NAME);
	if (strcmp(c->version, COACH_VERSION) != 0) {
		char what[128];
		snprintf(what, sizeof(what), "it is version %.40s, this coach "
		    "is " COACH_VERSION, c->version);
		return core_failed(path, what);
	}
	return c->main(argc, argv);
}
