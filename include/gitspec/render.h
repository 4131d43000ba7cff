#ifndef GITSPEC_RENDER_H
#define GITSPEC_RENDER_H

/*
 * Rendering of one contract (one variant of one package) to Markdown
 * (DESIGN.md 2.4) and JSON (2.5). Decisions DESIGN leaves open are in
 * docs/adr/0001-contract-extraction-decisions.md; reading a rendered
 * contract back for the structural merge is merge.h's job.
 */

#include <stddef.h>
#include "buf.h"
#include "model.h"

/* The contract format this program writes (DESIGN 2). */
#define GS_CONTRACT_FORMAT 2
/* Line 3 of every contract; it names the format (DESIGN 2.4). */
#define GS_CONTRACT_COMMENT \
	"<!-- Derived from the package sources by git-spec (contract format 2). " \
	"Do not edit: run `git spec sync`. -->"

typedef enum gs_variant {
	GS_VARIANT_PUBLIC,
	GS_VARIANT_ALL,
	GS_VARIANT_TESTS
} gs_variant;

#define GS_VARIANT_COUNT 3

/* "public", "all", "tests" */
const char *gs_variant_name(gs_variant v);
/* Accepts public/all/tests and spec-driver's api/implementation; -1 if unknown. */
int gs_variant_parse(const char *name);

/*
 * Does variant `v` render the file at `path` (`is_test_file` as decided by
 * the configured test patterns)? public/all: the non-test files,
 * the package's own file (its package marker) included; tests: the test
 * files.
 */
int gs_variant_selects(gs_variant v, const char *path, int is_test_file);

typedef struct gs_contract_view {
	const char *package;      /* repository-relative package path */
	const char *module;       /* dotted module name */
	gs_variant variant;
	const gs_module *init;    /* the package's own file (gs_package_init_file),
				   * or NULL: source of Exports */
	const gs_module **files;  /* the files the variant selects, in path order */
	size_t files_nr;
} gs_contract_view;

void gs_render_markdown(gs_buf *out, const gs_contract_view *view);
void gs_render_json(gs_buf *out, const gs_contract_view *view);

#endif
