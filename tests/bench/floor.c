/*
 * floor.c: the least any reader of a coach school must do, as the floor
 * that report and check are measured against.
 *
 *     floor DIR
 *
 * Lists staff/, priorities/, framework/ and every coachee's folder under
 * coaching/ (agreement.md, goals/, cycles/, log/), reads each record file
 * once (open, read, close) and finds the line "---" that closes its
 * front-matter.  Prints the number of files, of front-matter lines and of
 * bytes read, so that the work cannot be optimised away.  Plain C and
 * POSIX only, with no library of the project.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long files, fm_lines, bytes;
static char buf[1 << 20];

/* Reads one file and counts its front-matter lines. */
static void
read_record(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd == -1)
		return;
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(buf) &&
	    (n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	close(fd);
	files++;
	bytes += len;
	if (len < 4 || memcmp(buf, "---\n", 4) != 0)
		return;
	for (size_t i = 4; i < len;) {
		char *nl = memchr(buf + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - buf) : len;
		if (end - i == 3 && memcmp(buf + i, "---", 3) == 0)
			return;
		fm_lines++;
		i = end + 1;
	}
}

/* Reads every NAME.md in dir. */
static void
read_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.' || n < 4 ||
		    strcmp(e->d_name + n - 3, ".md") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		read_record(path);
	}
	closedir(d);
}

int
main(int argc, char **argv)
{
	char path[4096];
	if (argc != 2) {
		fprintf(stderr, "usage: floor DIR\n");
		return 2;
	}
	static const char *const flat[] = { "staff", "priorities", "framework" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", argv[1], flat[i]);
		read_dir(path);
	}
	snprintf(path, sizeof(path), "%s/coaching", argv[1]);
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		static const char *const sub[] = { "goals", "cycles", "log" };
		snprintf(path, sizeof(path), "%s/coaching/%s/agreement.md",
		    argv[1], e->d_name);
		read_record(path);
		for (size_t i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%s/coaching/%s/%s",
			    argv[1], e->d_name, sub[i]);
			read_dir(path);
		}
	}
	if (d)
		closedir(d);
	printf("%lu files, %lu front-matter lines, %lu bytes\n", files,
	    fm_lines, bytes);
	return 0;
}
