/*
 * store_bench: how the cost of one commit through lib/store.h grows with
 * the size of the repository.
 *
 *   store_bench [-k COMMITS] [-d DIR] N...
 *
 * For each N, creates a repository with N files (committed in one
 * transaction, 100 files a directory as coaching/<who>/entries/ would
 * be), then times COMMITS transactions that each change one existing file
 * and add one new one, twice: through one open store (the cost of the
 * commit itself) and opening the store afresh for each commit, as every
 * coach command does (which adds reading the index).  Prints one line per
 * N and the ratio of each N's median commit time to the first N's,
 * measured in the same run.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "util.h"

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

static char *
file_path(long i)
{
	return coach_xasprintf("coaching/p%04ld/entries/e%06ld.md", i / 100, i);
}

static const char body[] =
	"---\nid: e1234567\ndate: 2026-11-26\nkind: meeting\n---\n\n"
	"Notes from a coaching conversation.\n";

struct stats {
	double median, mean, min, max;
};

struct result {
	long n;
	double setup;
	struct stats kept, fresh, kept_cpu, fresh_cpu;
};

static void
summarise(struct stats *st, double *times, int k)
{
	double sum = 0;
	for (int j = 0; j < k; j++)
		sum += times[j];
	qsort(times, (size_t)k, sizeof(*times), cmp_double);
	st->mean = sum / k;
	st->median = k % 2 ? times[k / 2] :
		(times[k / 2 - 1] + times[k / 2]) / 2;
	st->min = times[0];
	st->max = times[k - 1];
}

/* One commit changing an existing file and adding a new one; with s NULL
 * the store is opened and closed around it. */
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

static void
bench_one(struct result *r, const char *base, long n, int k)
{
	char *dir = coach_xasprintf("%s/repo-%ld", base, n);
	struct coach_store *s;
	struct coach_txn *t;
	double *times = coach_xcalloc((size_t)k, sizeof(*times));
	double *cpu = coach_xcalloc((size_t)k, sizeof(*cpu));

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

	for (int j = 0; j < k; j++)
		times[j] = one_commit(&cpu[j], s, dir, n, j);
	summarise(&r->kept, times, k);
	summarise(&r->kept_cpu, cpu, k);
	coach_store_close(s);
	for (int j = 0; j < k; j++)
		times[j] = one_commit(&cpu[j], NULL, dir, n, k + j);
	summarise(&r->fresh, times, k);
	summarise(&r->fresh_cpu, cpu, k);
	r->n = n;
	free(cpu);
	free(times);
	free(dir);
}

int
main(int argc, char **argv)
{
	int k = 50, c;
	const char *base = NULL;
	while ((c = getopt(argc, argv, "k:d:")) != -1) {
		switch (c) {
		case 'k': k = atoi(optarg); break;
		case 'd': base = optarg; break;
		default:
			fprintf(stderr, "usage: store_bench [-k COMMITS] [-d DIR] N...\n");
			return 2;
		}
	}
	if (optind == argc || k < 1) {
		fprintf(stderr, "usage: store_bench [-k COMMITS] [-d DIR] N...\n");
		return 2;
	}
	char tmpl[] = "/tmp/store-bench-XXXXXX";
	if (base == NULL && (base = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	int nres = argc - optind;
	struct result *res = coach_xcalloc((size_t)nres, sizeof(*res));
	printf("median ms per commit (wall clock / CPU time); min-max of the "
		"wall clock\n");
	printf("%8s %9s | %-27s | %-27s\n", "files", "setup s",
		"store kept open", "store opened each time");
	for (int i = 0; i < nres; i++) {
		struct result *r = &res[i];
		bench_one(r, base, atol(argv[optind + i]), k);
		printf("%8ld %9.2f | %6.1f / %5.1f %6.1f-%-6.1f | %6.1f / %5.1f "
			"%6.1f-%-6.1f\n", r->n, r->setup, r->kept.median * 1e3,
			r->kept_cpu.median * 1e3, r->kept.min * 1e3,
			r->kept.max * 1e3, r->fresh.median * 1e3,
			r->fresh_cpu.median * 1e3, r->fresh.min * 1e3,
			r->fresh.max * 1e3);
		fflush(stdout);
	}
	for (int i = 1; i < nres; i++) {
		struct result *r = &res[i], *f = &res[0];
		printf("%ld vs %ld files, ratio of medians: kept open %.2fx "
			"wall, %.2fx CPU; opened each time %.2fx wall, %.2fx "
			"CPU\n", r->n, f->n, r->kept.median / f->kept.median,
			r->kept_cpu.median / f->kept_cpu.median,
			r->fresh.median / f->fresh.median,
			r->fresh_cpu.median / f->fresh_cpu.median);
	}
	printf("(%d commits of 2 files each per size and way; repositories "
		"in %s)\n", k, base);
	free(res);
	return 0;
}
