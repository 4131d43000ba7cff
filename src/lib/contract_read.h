#ifndef GITSPEC_CONTRACT_READ_H
#define GITSPEC_CONTRACT_READ_H

/*
 * Internal to the library: the keyed model of a parsed contract, shared by
 * its reader/writer (contract_read.c) and the structural merge (merge.c).
 * The public side (gs_contract_parse, gs_contract_render) is in
 * include/gitspec/merge.h.
 */

#include <stddef.h>
#include "gitspec/buf.h"
#include "gitspec/merge.h"

/*
 * Kinds double as the rank of an entry among its siblings: inside a file
 * section come the module docstring (the section itself), variables, type
 * aliases, functions and then classes, each class followed by its members
 * (variables, then callables).
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
