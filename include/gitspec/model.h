#ifndef GITSPEC_MODEL_H
#define GITSPEC_MODEL_H

/*
 * The model of one source file (DESIGN.md 2.1-2.3), as the language's
 * extractor produces it (language.h; python.c for Python), cached by
 * cache.c (serialised with gs_module_serialize) and rendered by the
 * contract format module. It names no language: the language's words
 * (what its markers and export list are called, how a symbol is written)
 * are in its gs_language table.
 *
 * Every string is valid UTF-8: bytes of the source that are not valid UTF-8
 * are stored as the four characters \xNN (uppercase hex), so that Markdown
 * and JSON render them the same way.
 */

#include <stddef.h>
#include "common.h"
#include "buf.h"

typedef enum gs_symbol_kind {
	GS_SYM_VARIABLE,
	GS_SYM_TYPE_ALIAS,
	GS_SYM_FUNCTION,
	GS_SYM_ASYNC_FUNCTION,
	GS_SYM_CLASS,
	GS_SYM_METHOD,
	GS_SYM_ASYNC_METHOD,
	GS_SYM_PROPERTY,
	GS_SYM_CLASSMETHOD,
	GS_SYM_STATICMETHOD,
	GS_SYM_ATTRIBUTE     /* an instance attribute set in the constructor */
} gs_symbol_kind;

/* "variable", "type_alias", "function", "async_function", ... (DESIGN 2.1) */
const char *gs_symbol_kind_name(gs_symbol_kind kind);
int gs_symbol_kind_is_callable(gs_symbol_kind kind);

typedef enum gs_param_kind {
	GS_PARAM_POSITIONAL_ONLY,
	GS_PARAM_POSITIONAL_OR_KEYWORD,
	GS_PARAM_VAR_POSITIONAL,
	GS_PARAM_KEYWORD_ONLY,
	GS_PARAM_VAR_KEYWORD
} gs_param_kind;

/* "positional_only", "positional_or_keyword", ... */
const char *gs_param_kind_name(gs_param_kind kind);

typedef struct gs_param {
	char *name;
	gs_param_kind kind;
	char *annotation;    /* normalised expression text, or NULL */
	char *default_value; /* normalised expression text, or NULL */
} gs_param;

typedef struct gs_symbol {
	gs_symbol_kind kind;
	char *name;          /* qualified: "Outer.Inner.method" */
	int parent;          /* index of the enclosing class in gs_module.symbols, or -1 */
	int public;          /* public under DESIGN 2.3 for this module */
	int is_async;        /* callables: declared with `async def` (a
			      * classmethod may be async too) */
	char **markers;      /* the expressions that mark the definition, source
			      * order, without the language's marker prefix
			      * (gs_language.marker_prefix) */
	size_t markers_nr;
	gs_param *params;    /* callables only (has_params) */
	size_t params_nr;
	int has_params;      /* 1 for callables (params may still be empty) */
	char *returns;       /* return annotation, or NULL */
	char **bases;        /* classes only (has_bases): "Base", "metaclass=ABCMeta" */
	size_t bases_nr;
	int has_bases;       /* 1 for classes */
	char *annotation;    /* variables, attributes: annotation, or NULL */
	char *value;         /* variables, attributes, type aliases: the whole
			      * normalised value (never shortened), or NULL */
	char *type_params;   /* PEP 695: normalised text between the brackets,
			      * or NULL when the definition has none */
	char *doc;           /* docstring summary, or NULL */
	size_t line;         /* 1-based line of the definition, for `git spec
			      * diff`; never rendered in a contract */
} gs_symbol;

typedef struct gs_module {
	char *path;          /* repository-relative path of the file */
	char *doc;           /* module docstring summary, or NULL */
	gs_symbol *symbols;  /* flat, in contract order (DESIGN 2.2): a class is
			      * directly followed by its members, its nested
			      * classes after its members */
	size_t symbols_nr;
	int has_exports;     /* the file declares its export list (DESIGN 2.3;
			      * what that is is the extractor's business) */
	char **exports;      /* its names, source order, may repeat */
	size_t exports_nr;
} gs_module;

void gs_module_free(gs_module *mod);
/* The name a member shows in Markdown: the part after the last '.'. */
const char *gs_symbol_own_name(const gs_symbol *sym);
void gs_symbol_release(gs_symbol *sym);

/*
 * A compact, versioned byte form of a module for the cache. The path is not
 * stored (the cache is keyed by blob id, and one blob may live at several
 * paths): deserialise sets it from `path`.
 */
void gs_module_serialize(gs_buf *out, const gs_module *mod);
/* GS_EINPUT when `data` is not a well-formed serialisation. */
int gs_module_deserialize(gs_module **out, const char *path, const char *data, size_t len);

/*
 * Append `len` bytes of `s`, writing every byte that is not part of a valid
 * UTF-8 sequence as the four characters \xNN (uppercase hex).
 */
void gs_utf8_put_escaped(gs_buf *out, const char *s, size_t len);

#endif
