/*
 * stat_only: the floor of an unchanged `git spec check` (issue 13), one
 * lstat of every path it must look at and nothing else: a check that
 * found nothing changed has still had to see each tracked file's stat
 * data (a file edited in place changes no directory) and each
 * directory's (a file added or removed changes only its directory).
 *
 *   stat_only LIST
 *
 * LIST holds one path per line, relative to the current directory: the
 * tracked files and every directory of the work tree. Prints "PATHS
 * MISSING".
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct stat st;
	char *buf, *p, *nl;
	size_t n = 0, missing = 0;
	FILE *f;
	long len;

	if (argc != 2) {
		fprintf(stderr, "usage: stat_only LIST\n");
		return 2;
	}
	if (!(f = fopen(argv[1], "rb")) || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(buf = malloc((size_t)len + 1)) ||
	    fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "stat_only: cannot read '%s'\n", argv[1]);
		return 2;
	}
	fclose(f);
	buf[len] = '\0';
	for (p = buf; p && *p; p = nl) {
		if ((nl = strchr(p, '\n')))
			*nl++ = '\0';
		if (!*p)
			continue;
		n++;
		if (lstat(p, &st))
			missing++;
	}
	printf("%zu %zu\n", n, missing);
	free(buf);
	return 0;
}
