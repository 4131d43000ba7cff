#ifndef GITSPEC_CONTRACT_H
#define GITSPEC_CONTRACT_H

/*
 * The contract format (DESIGN.md 2): one module that writes a contract
 * (one variant of one package) as Markdown (2.4, contract_write.c) and
 * JSON (2.5, contract_json.c), and reads Markdown back into keyed entries
 * for the structural merge (contract_read.c). The headings are named once
 * here, for the writer and the reader. The words of the language (marker
 * prefix, JSON key of markers) come from its gs_language (language.h).
 * Decisions DESIGN leaves open are in
 * docs/adr/0001-contract-extraction-decisions.md.
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

/*
 * The sections of a file section, in contract order, and their "### "
 * headings; the contract's own "## Exports" section comes before the files.
 */
typedef enum gs_contract_section {
	GS_SECTION_VARIABLES,
	GS_SECTION_TYPE_ALIASES,
	GS_SECTION_FUNCTIONS,
	GS_SECTION_CLASSES,
	GS_SECTION_COUNT
} gs_contract_section;

#define GS_CONTRACT_EXPORTS_TITLE "Exports"
/* "Variables", "Type aliases", "Functions", "Classes" */
const char *gs_contract_section_title(gs_contract_section s);

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

/* ---- reading a contract back (the structural merge) -------------------- */

typedef struct gs_contract gs_contract;

/*
 * Parse a rendered Markdown contract. GS_EINPUT when the text is not
 * exactly what the renderer produces (parsing then rendering must give the
 * same bytes), so that the structural merge never rewrites what it does not
 * understand.
 */
int gs_contract_parse(gs_contract **out, const char *data, size_t len);
void gs_contract_free(gs_contract *c);
void gs_contract_render(gs_buf *out, const gs_contract *c);
/* Number of entries (header, exports, file sections, symbols, classes). */
size_t gs_contract_entry_count(const gs_contract *c);

#endif
