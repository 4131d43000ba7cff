/*
 * parse_only: the floor of contract generation, tree-sitter alone reading
 * and parsing every file once (DESIGN.md 4).
 *
 *   parse_only [-j THREADS] < LIST
 *
 * LIST holds one path per line. Prints "FILES BYTES ERRORS" (files whose
 * tree has an error). With -j the files are shared out between threads,
 * one parser each.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_python(void);

static char **paths;
static size_t paths_nr;
static atomic_size_t next_path;
static atomic_size_t total_bytes, total_errors;

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t alloc = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 65536 > alloc) {
			alloc = (n + 65536) * 2;
			buf = realloc(buf, alloc);
			if (!buf)
				abort();
		}
		got = fread(buf + n, 1, alloc - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return buf;
}

static void *worker(void *arg)
{
	TSParser *parser = ts_parser_new();
	size_t i, len;
	char *data;

	(void)arg;
	ts_parser_set_language(parser, tree_sitter_python());
	while ((i = atomic_fetch_add(&next_path, 1)) < paths_nr) {
		TSTree *tree;

		data = slurp(paths[i], &len);
		if (!data) {
			perror(paths[i]);
			exit(1);
		}
		tree = ts_parser_parse_string(parser, NULL, data, (uint32_t)len);
		if (ts_node_has_error(ts_tree_root_node(tree)))
			atomic_fetch_add(&total_errors, 1);
		atomic_fetch_add(&total_bytes, len);
		ts_tree_delete(tree);
		free(data);
	}
	ts_parser_delete(parser);
	return NULL;
}

int main(int argc, char **argv)
{
	char line[8192];
	size_t alloc = 0;
	int threads = 1, i;
	pthread_t *tids;

	if (argc == 3 && !strcmp(argv[1], "-j"))
		threads = atoi(argv[2]);
	else if (argc != 1) {
		fprintf(stderr, "usage: parse_only [-j THREADS] < LIST\n");
		return 2;
	}
	if (threads < 1)
		threads = 1;
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		if (paths_nr == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			paths = realloc(paths, alloc * sizeof(*paths));
			if (!paths)
				abort();
		}
		paths[paths_nr++] = strdup(line);
	}
	tids = calloc(threads, sizeof(*tids));
	for (i = 0; i < threads; i++)
		pthread_create(&tids[i], NULL, worker, NULL);
	for (i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	printf("%zu %zu %zu\n", paths_nr, (size_t)total_bytes, (size_t)total_errors);
	for (size_t k = 0; k < paths_nr; k++)
		free(paths[k]);
	free(paths);
	free(tids);
	return 0;
}
