#ifndef GITSPEC_TOML_H
#define GITSPEC_TOML_H

/*
 * A small TOML reader on the tree-sitter TOML grammar (npm
 * @tree-sitter-grammars/tree-sitter-toml, pinned in deps/): enough of a
 * document to read pyproject.toml's build settings. Strings are decoded
 * (escapes, literal and multi-line forms); arrays, tables, inline tables
 * and arrays of tables are kept; numbers, booleans and dates are kept as
 * GS_TOML_OTHER with their text. A document that does not parse, or that
 * defines a key twice, is GS_EINPUT naming the file, line and column.
 */

#include <stddef.h>

typedef enum gs_toml_type {
	GS_TOML_STRING,
	GS_TOML_ARRAY,
	GS_TOML_TABLE,
	GS_TOML_OTHER
} gs_toml_type;

typedef struct gs_toml_value {
	gs_toml_type type;
	char *str;                     /* STRING: the decoded text; OTHER: the source text */
	size_t len;
	struct gs_toml_value **items;  /* ARRAY: the items; TABLE: the values */
	char **keys;                   /* TABLE: the keys, in the order given */
	size_t nr, alloc;
	unsigned line;                 /* 1-based line where the value starts */
	int defined;                   /* TABLE: given a header or a body (not only implied) */
} gs_toml_value;

/*
 * Parse `data` (the text of the file `path`, used in messages) into a root
 * table `*out` (the caller's, gs_toml_free()).
 */
int gs_toml_parse(gs_toml_value **out, const char *path, const char *data, size_t len);
void gs_toml_free(gs_toml_value *v);

/*
 * The value at the dotted key `dotted` below table `t` (keys holding a '.'
 * cannot be named this way), or NULL when there is none or `t` is not a
 * table.
 */
const gs_toml_value *gs_toml_get(const gs_toml_value *t, const char *dotted);

#endif
