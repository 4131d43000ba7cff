#ifndef GITSPEC_SPEC_H
#define GITSPEC_SPEC_H

/*
 * Specs (Markdown with YAML front matter) and the registry computed from
 * them (DESIGN.md 1 "Spec", 3.4, 3.6).
 *
 * A spec file is SPECS_DIR/NAME/NAME.md (default specify/tech/SPEC-001/SPEC-001.md).
 */

#include <stddef.h>
#include "buf.h"
#include "strvec.h"
#include "contract.h"
#include "source.h"
#include "config.h"
#include "packages.h"

typedef struct gs_spec_variant {
	gs_variant variant;
	char *name;       /* as written: "public", "api", ... */
	char *path;       /* as written, relative to the spec's directory */
	char *repo_path;  /* normalised repository-relative path, NULL when unsafe */
} gs_spec_variant;

typedef struct gs_spec_source {
	char *language;
	char *identifier; /* package path, repository-relative, no trailing '/' */
	char *module;     /* as written, or NULL */
	int rollup;
	gs_spec_variant *variants;
	size_t variants_nr;
} gs_spec_source;

typedef struct gs_spec {
	char *id;         /* "SPEC-045" */
	char *path;       /* the spec file, repository-relative */
	char *dir;        /* its directory */
	char *name;
	char *slug;
	char *status;
	gs_spec_source *sources;
	size_t sources_nr;
} gs_spec;

/*
 * Parse the front matter of the spec at repository path `path`. GS_EINPUT
 * with "PATH: FIELD: problem" when the front matter is missing, is not
 * closed, is not valid YAML, uses aliases, has a field of the wrong type, or
 * names an unknown variant. Contract paths are resolved against the spec's
 * directory; an unsafe one (absolute, '..', '.git' component) is GS_EINPUT.
 */
int gs_spec_parse(gs_spec **out, const char *path, const char *data, size_t len);
void gs_spec_free(gs_spec *spec);
/*
 * A compact byte form of a parsed spec for the cache. Only what is written
 * in the file is stored; repository paths are resolved again from `path` by
 * gs_spec_deserialize (one blob may live at several paths).
 */
void gs_spec_serialize(gs_buf *out, const gs_spec *spec);
/* GS_EINPUT when `data` is not a well-formed serialisation or is unsafe. */
int gs_spec_deserialize(gs_spec **out, const char *path, const char *data, size_t len);
/*
 * Whether a serialisation names a source whose identifier is in `ids`
 * (sorted, strcmp), read without allocating; 1 too when the bytes are not
 * a well-formed serialisation (gs_spec_deserialize() then says so).
 */
int gs_spec_serialized_covers(const char *data, size_t len, const gs_strvec *ids);
/* A fresh spec file's text for a package (create). */
void gs_spec_format(gs_buf *out, const char *id, const char *package, const char *module,
		    const char *name, const char *date);

/*
 * Validate a repository-relative path for writing (DESIGN 3.6): refuses an
 * empty or absolute path, and any component that is empty, ".", ".." or
 * ".git" (in any case), and newline or carriage return characters. 0 or
 * GS_EINPUT with "'PATH' leaves the repository" (and the like).
 */
int gs_path_check_safe(const char *path);

/*
 * A small YAML document tree built from libyaml's event API, shared by the
 * spec parser and the configuration loader. Anchors and aliases are refused
 * (no alias bombs), as are more than one document, nesting deeper than 64,
 * more than 100000 nodes and scalars longer than 64 KiB.
 */
typedef enum gs_yaml_type { GS_YAML_SCALAR, GS_YAML_SEQUENCE, GS_YAML_MAPPING } gs_yaml_type;

typedef struct gs_yaml_node {
	gs_yaml_type type;
	char *value;        /* scalars: NUL-terminated (may hold NULs) */
	size_t len;
	int plain;          /* scalars: unquoted, so null/true/false apply */
	struct gs_yaml_node **items; /* sequences: items; mappings: key, value, ... */
	size_t nr, alloc;
	size_t line, column; /* 1-based, in the parsed text (plus line_offset) */
} gs_yaml_node;

/*
 * Parse `data`. *out is NULL for an empty document. On error returns
 * GS_EINPUT with "line L column C: problem" recorded, and L and C
 * beside it (gs_error_last_path, with no path: the caller names the file).
 */
int gs_yaml_parse(gs_yaml_node **out, const char *data, size_t len, size_t line_offset);
void gs_yaml_free(gs_yaml_node *node);
/* Whether a scalar is a YAML null (~, null, empty, when plain). */
int gs_yaml_is_null(const gs_yaml_node *node);
/* A plain true/false/yes/no/on/off scalar: 0 and *out set; else -1. */
int gs_yaml_bool(int *out, const gs_yaml_node *node);
/* The value of `key` in a mapping; NULL when absent. *dup set when it appears twice. */
const gs_yaml_node *gs_yaml_get(const gs_yaml_node *map, const char *key, int *dup);

typedef struct gs_registry_entry {
	const gs_spec *spec;
	const gs_spec_source *source;
} gs_registry_entry;

typedef struct gs_registry {
	gs_spec **specs;   /* sorted by id, then path */
	size_t specs_nr, specs_alloc;
	gs_strvec errors;  /* "PATH: message" for specs that did not parse */
	gs_strvec error_paths; /* the PATH of each of `errors` */
	/*
	 * The place in PATH of each of `errors` (1-based; 0 when not known),
	 * so that --json gives it as data and nobody parses the message.
	 */
	struct gs_registry_place {
		unsigned line, column;
	} *error_places;
	size_t error_places_alloc;
	gs_strvec names;   /* base names of every directory below the specs
			    * directory (taken ids, even when their spec does
			    * not parse), sorted */
	/* lookup tables built by gs_registry_load */
	gs_registry_entry *by_package;  /* sorted by identifier, then spec order */
	size_t by_package_nr;
	struct gs_registry_contract *by_contract; /* sorted by repo_path */
	size_t by_contract_nr;
} gs_registry;

typedef struct gs_registry_contract {
	const char *path;  /* repo_path of the variant */
	gs_registry_entry entry;
	const gs_spec_variant *variant;
} gs_registry_contract;

/*
 * Load every spec of `src` under cfg->specs_dir. A spec that does not parse
 * is recorded in `errors` and skipped (callers decide if that is fatal).
 * Uses the cache (when not NULL) keyed by the spec blobs' ids.
 */
struct gs_cache;
int gs_registry_load(gs_registry **out, gs_source *src, const gs_config *cfg, struct gs_cache *cache);
/*
 * The same with only the specs having a source whose identifier is in
 * `ids` (sorted, strcmp) when they come from the cache (all of them
 * otherwise), and every spec error: for a verdict on packages whose
 * spec sources can only be those (the pre-commit hook, ADR 0016), without
 * deserializing thousands of specs. `names` is complete, except when
 * the specs come from the form keyed by the specs directory's tree (an
 * index that names that tree, ADR 0018), where it is empty.
 */
int gs_registry_load_covering(gs_registry **out, gs_source *src, const gs_config *cfg,
			      struct gs_cache *cache, const gs_strvec *ids);
/*
 * The same from the cache alone, with no source: the registry of the specs
 * directory's tree that the index `idx` stages (a valid cache-tree entry or
 * a sparse directory entry names it), as a covering load of an index
 * source has stored it (ADR 0018). `names` is left empty. GS_ENOTFOUND
 * when the index names no such tree or the cache does not hold it whole:
 * the caller then loads it from a source that holds the specs directory.
 */
struct gs_index;
int gs_registry_load_covering_cached(gs_registry **out, const struct gs_index *idx,
				     git_repository *repo, const gs_config *cfg,
				     struct gs_cache *cache, const gs_strvec *ids);
void gs_registry_free(gs_registry *reg);

/*
 * Registry integrity (DESIGN 3.4, 3.6): every identifier a package, no
 * package covered twice, unique ids, known variants, safe contract paths
 * (no symlink on the way, no collision with a source file). Appends one
 * "PATH: message" line per problem to `problems`; returns the number.
 */
size_t gs_registry_validate(const gs_registry *reg, const gs_source *src,
			    const gs_package_list *pkgs, gs_strvec *problems);

/* The same problems with what they are about, so that no caller reads a message. */
typedef enum gs_registry_problem_kind {
	GS_REGISTRY_INVALID,     /* ids, coverage, variants, contract paths */
	GS_REGISTRY_LINK,        /* a contract path passes through a link or submodule */
	GS_REGISTRY_NO_PACKAGE   /* a source's identifier names no package (moved, deleted) */
} gs_registry_problem_kind;

typedef struct gs_registry_problem {
	gs_registry_problem_kind kind;
	char *spec_path;         /* the spec it is about */
	char *message;           /* "SPEC_PATH: field: ..." as gs_registry_validate gives it */
} gs_registry_problem;

typedef struct gs_registry_problems {
	gs_registry_problem *v;
	size_t nr, alloc;
} gs_registry_problems;

#define GS_REGISTRY_PROBLEMS_INIT { NULL, 0, 0 }

/* Appends the problems (sorted by message, each once) to `problems`; returns their number. */
size_t gs_registry_check(gs_registry_problems *problems, const gs_registry *reg,
			 const gs_source *src, const gs_package_list *pkgs);
void gs_registry_problems_clear(gs_registry_problems *p);

/*
 * The spec source covering the package at `pkg_path`: its own, or (rollup)
 * the nearest ancestor's. Returns 0 and fills `out`, or GS_ENOTFOUND.
 */
int gs_registry_find_package(gs_registry_entry *out, const gs_registry *reg, const char *pkg_path);
const gs_spec *gs_registry_find_id(const gs_registry *reg, const char *id);
/* The spec source whose variant writes the contract at `contract_path`. */
int gs_registry_find_contract(gs_registry_entry *out, const gs_spec_variant **variant,
			      const gs_registry *reg, const char *contract_path);
/* The next free SPEC-NNN id; caller frees. */
char *gs_registry_next_id(const gs_registry *reg);

#endif
