/*
 * libFuzzer target: the index reader (gs_index_open on a file holding the
 * input), then every lookup on what it accepted: entries must be sorted
 * and findable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gs_index *idx = NULL;
	git_oid oid;
	FILE *f;
	size_t i, n, b, e;

	if (!*path) {
		snprintf(path, sizeof(path), "/tmp/fuzz-index-%ld", (long)getpid());
		git_libgit2_init();
	}
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	if (gs_index_open(&idx, path) == 0) {
		n = gs_index_entrycount(idx);
		for (i = 0; i < n; i++) {
			const gs_index_entry *ent = gs_index_get(idx, i);
			if (!ent || strlen(ent->path) != ent->path_len)
				abort();
			if (i > 0) {
				const gs_index_entry *prev = gs_index_get(idx, i - 1);
				int c = strcmp(prev->path, ent->path);
				if (c > 0 || (c == 0 && prev->stage > ent->stage)) {
					fprintf(stderr, "fuzz_index: entries out of order: '%s' '%s'\n",
						prev->path, ent->path);
					abort();
				}
			}
			if (ent->stage == 0 && (!gs_index_find(idx, ent->path) ||
						strcmp(gs_index_find(idx, ent->path)->path, ent->path))) {
				fprintf(stderr, "fuzz_index: cannot find '%s'\n", ent->path);
				abort();
			}
			gs_index_prefix_range(idx, ent->path, &b, &e);
			if (b > i || e <= i)
				abort();
		}
		(void)gs_index_cache_tree_oid(&oid, idx, "");
		(void)gs_index_cache_tree_oid(&oid, idx, "pkg");
		gs_index_prefix_range(idx, "pkg/", &b, &e);
		if (b > e || e > n)
			abort();
	}
	/*
	 * The lazy reader (the hook's): it refuses the file, or reports a
	 * problem once every entry was read, exactly when the full one does.
	 */
	{
		gs_index *lazy = NULL;
		int full_ok = idx != NULL, lazy_ok = 0;

		if (gs_index_parse_lazy(&lazy, data, size, "fuzz") == 0) {
			n = gs_index_entrycount(lazy);
			for (i = 0; i < n; i++) {
				const gs_index_entry *ent = gs_index_get(lazy, i);
				size_t len;

				if (!ent || gs_index_path_at(lazy, i, &len) != ent->path || len != ent->path_len)
					abort();
			}
			lazy_ok = gs_index_error(lazy) == 0;
		}
		/* (in memory a split index is refused; from a file it needs its shared index) */
		if (lazy_ok != full_ok && !(full_ok && gs_index_is_split(idx))) {
			fprintf(stderr, "fuzz_index: the lazy reader %s what the full one %s\n",
				lazy_ok ? "accepts" : "refuses", full_ok ? "accepts" : "refuses");
			abort();
		}
		gs_index_free(lazy);
	}
	gs_index_free(idx);
	gs_error_clear();
	return 0;
}
