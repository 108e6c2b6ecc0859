/*
 * store_bench: how the cost of one commit through lib/store.h grows with
 * the size of the repository.
 *
 *   store_bench [-k COMMITS] [-d DIR] N...
 *
 * For each N, creates a repository with N files (committed in one
 * transaction, 100 files a directory as coaching/<who>/entries/ would
 * be), then times COMMITS transactions that each change one existing file
 * and add one new one, three ways:
 *
 *   kept     through one open store: the commit itself;
 *   opened   opening the store for each commit, as every coach command
 *            does, which adds reading the whole index;
 *   no-index opened for each commit, with .git/index removed first, so
 *            the index read and written stays tiny: what the commit costs
 *            apart from git's index, which holds an entry per file.
 *
 * Checks with git status that the work tree is clean after the first two
 * ways, and rebuilds the index (git reset) after the third.  Prints the
 * median wall-clock and CPU time per commit and the ratio of each N's
 * medians to the first N's, all measured in the same run.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "util.h"

enum { KEPT, OPENED, NOINDEX, NWAYS };
static const char *const way_name[NWAYS] = { "kept", "opened", "no-index" };

struct result {
	long n;
	double setup;
	double wall[NWAYS], cpu[NWAYS];	/* medians, seconds */
};

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process (user + system): unlike the wall clock it
 * does not count waiting for the disk or for other processes, so it is
 * steadier on a busy machine. */
static double
cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(struct coach_error *err)
{
	if (err == NULL)
		return;
	fprintf(stderr, "store_bench: %s\n", coach_error_msg(err));
	exit(1);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double
median(double *v, int k)
{
	qsort(v, (size_t)k, sizeof(*v), cmp_double);
	return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

static char *
file_path(long i)
{
	return coach_xasprintf("coaching/p%04ld/entries/e%06ld.md", i / 100, i);
}

static const char body[] =
	"---\nid: e1234567\ndate: 2026-11-26\nkind: meeting\n---\n\n"
	"Notes from a coaching conversation.\n";

/* Runs a shell command, failing the benchmark when it fails. */
static void
run(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "store_bench: failed: %s\n", cmd);
		exit(1);
	}
}

/* One commit changing an existing file and adding a new one; with s NULL
 * the store is opened and closed around it.  Returns the wall-clock
 * time and puts the CPU time in *cpu. */
static double
one_commit(double *cpu, struct coach_store *s, const char *dir, long n,
	int j)
{
	char *old = file_path((long)j * 7919 % n);
	char *add = coach_xasprintf("coaching/new/entries/x%05d.md", j);
	char *text = coach_xasprintf("%schange %d\n", body, j);
	struct coach_store *own = NULL;
	struct coach_txn *t;
	double c0 = now(), p0 = cpu_now();
	if (s == NULL) {
		die(coach_store_open(&own, dir, NULL));
		s = own;
	}
	die(coach_store_begin(&t, s));
	coach_txn_write(t, old, text, strlen(text));
	coach_txn_write(t, add, text, strlen(text));
	die(coach_txn_commit(t, "bench: one change", NULL));
	coach_store_close(own);
	double took = now() - c0;
	*cpu = cpu_now() - p0;
	free(text);
	free(add);
	free(old);
	return took;
}

/* K commits one way; the medians go into r. */
static void
time_way(struct result *r, int way, struct coach_store *s, const char *dir,
	int k)
{
	double *wall = coach_xcalloc((size_t)k, sizeof(*wall));
	double *cpu = coach_xcalloc((size_t)k, sizeof(*cpu));
	char *index = coach_xasprintf("%s/.git/index", dir);
	for (int j = 0; j < k; j++) {
		if (way == NOINDEX)
			unlink(index);
		wall[j] = one_commit(&cpu[j], s, dir, r->n, way * k + j);
	}
	r->wall[way] = median(wall, k);
	r->cpu[way] = median(cpu, k);
	free(index);
	free(cpu);
	free(wall);
}

static void
bench_one(struct result *r, const char *base, long n, int k)
{
	char *dir = coach_xasprintf("%s/repo-%ld", base, n);
	struct coach_store *s;
	struct coach_txn *t;

	r->n = n;
	die(coach_store_init(&s, dir));
	double t0 = now();
	die(coach_store_begin(&t, s));
	for (long i = 0; i < n; i++) {
		char *p = file_path(i);
		coach_txn_write(t, p, body, sizeof(body) - 1);
		free(p);
	}
	die(coach_txn_commit(t, "bench: initial files", NULL));
	r->setup = now() - t0;

	time_way(r, KEPT, s, dir, k);
	coach_store_close(s);
	time_way(r, OPENED, NULL, dir, k);

	char *cmd = coach_xasprintf("test -z \"$(git -C %s status "
		"--porcelain)\"", dir);
	run(cmd);
	free(cmd);
	time_way(r, NOINDEX, NULL, dir, k);
	cmd = coach_xasprintf("git -C %s reset -q", dir);
	run(cmd);
	free(cmd);
	free(dir);
}

static void
usage(void)
{
	fprintf(stderr, "usage: store_bench [-k COMMITS] [-d DIR] N...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	int k = 50, c;
	const char *base = NULL;
	while ((c = getopt(argc, argv, "k:d:")) != -1) {
		if (c == 'k')
			k = atoi(optarg);
		else if (c == 'd')
			base = optarg;
		else
			usage();
	}
	if (optind == argc || k < 1)
		usage();
	char tmpl[] = "/tmp/store-bench-XXXXXX";
	if (base == NULL && (base = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	int nres = argc - optind;
	struct result *res = coach_xcalloc((size_t)nres, sizeof(*res));
	printf("median ms per commit, wall clock / CPU time\n");
	printf("%8s %8s", "files", "setup s");
	for (int w = 0; w < NWAYS; w++)
		printf(" | %-15s", way_name[w]);
	printf("\n");
	for (int i = 0; i < nres; i++) {
		struct result *r = &res[i];
		bench_one(r, base, atol(argv[optind + i]), k);
		printf("%8ld %8.2f", r->n, r->setup);
		for (int w = 0; w < NWAYS; w++)
			printf(" | %6.1f / %6.1f", r->wall[w] * 1e3,
				r->cpu[w] * 1e3);
		printf("\n");
		fflush(stdout);
	}
	for (int i = 1; i < nres; i++) {
		struct result *r = &res[i], *f = &res[0];
		printf("%ld vs %ld files, ratio of medians (wall / CPU):",
			r->n, f->n);
		for (int w = 0; w < NWAYS; w++)
			printf(" %s %.2f / %.2f%s", way_name[w],
				r->wall[w] / f->wall[w], r->cpu[w] / f->cpu[w],
				w + 1 < NWAYS ? ";" : "\n");
	}
	printf("(%d commits of 2 files each per size and way; repositories "
		"in %s)\n", k, base);
	free(res);
	return 0;
}
