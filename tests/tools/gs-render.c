/*
 * gs-render: render one contract straight from files on disk through the
 * library's extractor and renderer, bypassing package discovery and the
 * git sources. Used by crosscheck.sh to compare the C extractor with
 * bench/astgen.py file by file, with astgen choosing the files.
 *
 *   gs-render [--json] VARIANT MODULE PACKAGE INIT|- FILE...
 *
 * Paths are repository-relative and read from the current directory.
 * Exit 3 with "path:line:col: syntax error" when a file does not parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/python.h"
#include "gitspec/contract.h"

static int read_all(gs_buf *out, const char *path)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		gs_buf_put(out, chunk, n);
	fclose(f);
	return 0;
}

static int extract(gs_module **out, gs_python *py, const char *path)
{
	gs_buf data = GS_BUF_INIT;
	int error;

	if (read_all(&data, path) < 0) {
		fprintf(stderr, "gs-render: cannot read '%s'\n", path);
		gs_buf_release(&data);
		return 128;
	}
	error = gs_python_extract(out, py, path, data.ptr, data.size);
	gs_buf_release(&data);
	if (error < 0) {
		fprintf(stderr, "%s\n", gs_error_last());
		return gs_exit_status(error);
	}
	return 0;
}

int main(int argc, char **argv)
{
	gs_python *py = NULL;
	gs_contract_view view;
	gs_module *init = NULL;
	gs_module **files = NULL;
	gs_buf out = GS_BUF_INIT;
	int json = 0, status = 0, v, i, nr = 0;

	if (argc > 1 && !strcmp(argv[1], "--json")) {
		json = 1;
		argc--;
		argv++;
	}
	if (argc < 5 || (v = gs_variant_parse(argv[1])) < 0) {
		fprintf(stderr, "usage: gs-render [--json] VARIANT MODULE PACKAGE INIT|- FILE...\n");
		return 2;
	}
	if (gs_python_new(&py) < 0) {
		fprintf(stderr, "%s\n", gs_error_last());
		return 128;
	}
	if (strcmp(argv[4], "-") && (status = extract(&init, py, argv[4])))
		goto done;
	files = calloc(argc, sizeof(*files));
	for (i = 5; i < argc; i++) {
		if ((status = extract(&files[nr], py, argv[i])))
			goto done;
		nr++;
	}
	memset(&view, 0, sizeof(view));
	view.package = argv[3];
	view.module = argv[2];
	view.variant = (gs_variant)v;
	view.init = init;
	view.files = (const gs_module **)files;
	view.files_nr = nr;
	if (json)
		gs_render_json(&out, &view);
	else
		gs_render_markdown(&out, &view);
	fwrite(out.ptr, 1, out.size, stdout);
done:
	for (i = 0; i < nr; i++)
		gs_module_free(files[i]);
	free(files);
	gs_module_free(init);
	gs_python_free(py);
	gs_buf_release(&out);
	return status;
}
