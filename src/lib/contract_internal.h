#ifndef GITSPEC_CONTRACT_INTERNAL_H
#define GITSPEC_CONTRACT_INTERNAL_H

/*
 * Internal to the contract format module (contract_write.c,
 * contract_json.c, contract_read.c) and the structural merge (merge.c):
 * what the writers share, and the keyed model of a parsed contract. The
 * public side is include/gitspec/contract.h.
 */

#include <stddef.h>
#include "gitspec/buf.h"
#include "gitspec/contract.h"

/* ---- the writers -------------------------------------------------------- */

/* Whether the view shows `sym` (the public variant shows public symbols). */
int gs_contract_shown(const gs_contract_view *view, const gs_symbol *sym);
/*
 * The sorted, unique names of the export list of the package's own file
 * (none for the tests variant); free() the array, not the names.
 */
char **gs_contract_sorted_exports(const gs_contract_view *view, size_t *nr_out);

/* ---- the keyed model of a parsed contract ------------------------------- */

/*
 * Kinds double as the rank of an entry among its siblings: inside a file
 * section come the module docstring (the section itself), variables, type
 * aliases, functions and then classes, each class followed by its members
 * (variables, then instance attributes, then callables).
 *
 * Contract format 2 lists a class's variables in source order (their order
 * is API), so there they are one entry, named "", holding every variable
 * line of the class: the structural merge takes the block one side changed
 * and calls a change on both sides a conflict. Format 1 sorted them and
 * keeps one entry per variable.
 */
enum entry_kind {
	E_HEADER,
	E_EXPORT,
	E_FILE,
	E_VAR,
	E_TYPE,
	E_FUNC,
	E_CLASS,
	E_MVAR,
	E_MATTR,
	E_MCALL
};

typedef struct entry {
	enum entry_kind kind;
	char *file;       /* file section path ("" for header and exports) */
	char *cls;        /* qualified class name (classes and members), else "" */
	char *name;       /* own name (the export, the symbol, the member) */
	int occ;          /* n-th entry with the same key (overloads) */
	char *text;       /* the rendered lines of the entry */
	int side;         /* merge: 0 base, 1 ours, 2 theirs */
} entry;

struct gs_contract {
	entry *v;
	size_t nr, alloc;
	int format;       /* the contract format its comment line names (1: none) */
};

/* Contract order (DESIGN 2.2), which is also the identity of an entry. */
int gs_contract_entry_cmp(const entry *a, const entry *b);
/* Contract order, then side: for qsort over the entries of three contracts. */
int gs_contract_entry_sort_cmp(const void *a, const void *b);
/* Rank of a kind inside a file section; 4 for classes and their members. */
int gs_contract_section_rank(enum entry_kind k);
/* Render `nr` entries already in contract order. */
void gs_contract_render_entries(gs_buf *out, entry **v, size_t nr);

#endif
