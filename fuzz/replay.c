/*
 * A main() for the fuzz targets without libFuzzer: runs the target once on
 * each file named on the command line (or every file of each directory).
 * Lets the normal and sanitizer builds replay seeds and regression inputs
 * (tests/e2e/t5900-fuzz-regressions.sh).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, alloc = 0, got;

	if (!f) {
		perror(path);
		return 1;
	}
	do {
		if (alloc - len < 65536) {
			alloc = alloc * 2 + 65536;
			buf = realloc(buf, alloc);
			if (!buf)
				abort();
		}
		got = fread(buf + len, 1, alloc - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int i, status = 0, count = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *de;
			char **names = NULL;
			size_t nr = 0, k;
			if (!d)
				return 1;
			while ((de = readdir(d))) {
				char *p;
				if (de->d_name[0] == '.')
					continue;
				p = malloc(strlen(argv[i]) + strlen(de->d_name) + 2);
				if (!p)
					abort();
				snprintf(p, strlen(argv[i]) + strlen(de->d_name) + 2, "%s/%s",
					 argv[i], de->d_name);
				names = realloc(names, (nr + 1) * sizeof(*names));
				if (!names)
					abort();
				names[nr++] = p;
			}
			closedir(d);
			qsort(names, nr, sizeof(*names), cmp);
			for (k = 0; k < nr; k++) {
				status |= run_file(names[k]);
				count++;
				free(names[k]);
			}
			free(names);
		} else {
			status |= run_file(argv[i]);
			count++;
		}
	}
	printf("replayed %d inputs\n", count);
	return status;
}
