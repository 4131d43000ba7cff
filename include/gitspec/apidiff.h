#ifndef GITSPEC_APIDIFF_H
#define GITSPEC_APIDIFF_H

/*
 * The API change model (DESIGN.md 3.7): what changed between two states of
 * a package's models (model.h), each change classified breaking or
 * compatible. Definitions are keyed by (file, qualified name, occurrence
 * among same-named definitions of that file); a definition that left its
 * file and appears, with the same qualified name, in another file of the
 * same package has moved, and is compared with itself there, so that a
 * renamed or split file reports nothing but real API changes.
 *
 * The kinds, their JSON names and why each is breaking are documented in
 * man/git-spec-diff.1; the messages follow griffe's wording where griffe
 * has one.
 */

#include <stddef.h>
#include <git2.h>
#include "buf.h"
#include "strvec.h"
#include "model.h"
#include "source.h"
#include "config.h"
#include "packages.h"
#include "engine.h"
#include "cache.h"

typedef enum gs_change_kind {
	GS_CHANGE_OBJECT_REMOVED,
	GS_CHANGE_OBJECT_ADDED,
	GS_CHANGE_OBJECT_MADE_PRIVATE,
	GS_CHANGE_OBJECT_KIND_CHANGED,
	GS_CHANGE_ASYNC_CHANGED,
	GS_CHANGE_MODULE_REMOVED,
	GS_CHANGE_MODULE_ADDED,
	GS_CHANGE_OVERLOAD_REMOVED,
	GS_CHANGE_OVERLOAD_ADDED,
	GS_CHANGE_EXPORT_REMOVED,         /* the language names it (language.h) */
	GS_CHANGE_PARAMETER_REMOVED,
	GS_CHANGE_PARAMETER_RENAMED,
	GS_CHANGE_PARAMETER_MOVED,
	GS_CHANGE_PARAMETER_KIND_CHANGED,
	GS_CHANGE_PARAMETER_KIND_RELAXED,
	GS_CHANGE_PARAMETER_MADE_REQUIRED,
	GS_CHANGE_PARAMETER_ADDED_REQUIRED,
	GS_CHANGE_PARAMETER_ADDED_OPTIONAL,
	GS_CHANGE_PARAMETER_DEFAULT_CHANGED,
	GS_CHANGE_PARAMETER_DEFAULT_ADDED,
	GS_CHANGE_PARAMETER_ANNOTATION_CHANGED,
	GS_CHANGE_RETURN_CHANGED,
	GS_CHANGE_RETURN_ADDED,
	GS_CHANGE_ANNOTATION_CHANGED,
	GS_CHANGE_ANNOTATION_ADDED,
	GS_CHANGE_VALUE_CHANGED,
	GS_CHANGE_BASE_REMOVED,
	GS_CHANGE_BASE_ADDED,
	GS_CHANGE_CLASS_VARIABLE_MOVED,
	GS_CHANGE_TYPE_PARAMS_CHANGED,
	GS_CHANGE_MARKERS_CHANGED,        /* the language names it (language.h) */
	GS_CHANGE_DOCSTRING_CHANGED,
	GS_CHANGE_KIND_COUNT
} gs_change_kind;

/* The stable snake_case name ("parameter_removed", ...), as in JSON. */
const char *gs_change_kind_name(gs_change_kind kind);
/* Whether changes of this kind break callers (fixed per kind). */
int gs_change_kind_breaking(gs_change_kind kind);
/* The message, in griffe's words where griffe has some. */
const char *gs_change_kind_message(gs_change_kind kind);

typedef struct gs_change {
	gs_change_kind kind;
	int breaking;
	char *package;       /* package path */
	char *module;        /* its dotted module name (for API-Break trailers) */
	char *commit;        /* range policy only: the commit making it (hex), else NULL */
	char *path;          /* file: in the newer state, in the older for a removal */
	size_t line;         /* 1-based, same state as `path`; 0 when unknown */
	char *object;        /* "Class.method", "func(param)", or a module name */
	char *old_value;     /* what it was (NULL: nothing to show) */
	char *new_value;     /* what it is (NULL: nothing to show) */
} gs_change;

typedef struct gs_change_list {
	gs_change *v;
	size_t nr, alloc;
} gs_change_list;

#define GS_CHANGE_LIST_INIT { NULL, 0, 0 }

void gs_change_list_init(gs_change_list *list);
void gs_change_list_clear(gs_change_list *list);
/* Sort by package, path, line, object, kind, old, new (byte order). */
void gs_change_list_sort(gs_change_list *list);
/* The number of breaking changes. */
size_t gs_change_list_breaking(const gs_change_list *list);

/*
 * One file of a package in the two states: `old` NULL when it was added,
 * `new_` NULL when it was removed. Files identical in both states need not
 * be given: they cannot change anything.
 */
typedef struct gs_apidiff_file {
	const char *path;
	const gs_module *old;
	const gs_module *new_;
} gs_apidiff_file;

/*
 * Compare one package: `files` sorted by path, `module` its dotted module
 * name (module-level changes name the module). Appends to `out`.
 */
void gs_apidiff_package(gs_change_list *out, const char *package, const char *module,
			const gs_apidiff_file *files, size_t nr);

/*
 * One state of a repository to compare: a source and what is derived from
 * it. Filled by the caller (a command's context) or by
 * gs_apidiff_side_open_tree().
 */
struct gs_registry;
typedef struct gs_apidiff_side {
	gs_source *src;
	const gs_config *cfg;
	const gs_package_list *pkgs;
	const struct gs_registry *reg;  /* may be NULL: no spec covers anything */
	gs_engine *eng;
	/* owned when opened by gs_apidiff_side_open_tree */
	gs_source *own_src;
	gs_config *own_cfg;
	gs_package_list *own_pkgs;
	struct gs_registry *own_reg;
	gs_engine *own_eng;
} gs_apidiff_side;

/* Open the state of a commit's tree (`tree` NULL: the empty tree). */
int gs_apidiff_side_open_tree(gs_apidiff_side *out, git_repository *repo,
			      const git_tree *tree, gs_cache *cache);
void gs_apidiff_side_release(gs_apidiff_side *side);

typedef struct gs_apidiff_opts {
	int all;               /* every package, not only spec-covered ones */
	const gs_strvec *paths; /* repository-relative limits (files or
				 * directories), or NULL */
} gs_apidiff_opts;

/*
 * Compare two states, package by package: the packages covered by a spec
 * in either state (with their rollup), or every package of either state
 * with `all`. Only files whose blob differs are read. Appends to `out`,
 * sorted. GS_EINPUT (naming the file) when a file that must be read has a
 * syntax error.
 */
int gs_apidiff_sides(gs_change_list *out, gs_apidiff_side *old, gs_apidiff_side *new_,
		     const gs_apidiff_opts *opts);

/*
 * The policy spec.breakingChanges = refuse (DESIGN 3.7) over the commits
 * reachable from `to` and not from `from` (NULL: every ancestor of `to`),
 * oldest first. Each commit that is not a merge is compared with its first
 * parent (the empty tree for a root commit), the packages a spec covers in
 * either; a merge brings nothing of its own (the commits it merges are
 * judged one by one, or were already accepted). A breaking change is
 * allowed when the commit's message carries a trailer `API-Break: MODULE`
 * naming the change's module (several may be given, separated by commas or
 * spaces, or in several trailers) or `API-Break: *`; the others are
 * appended to `out`, each with `commit` set. The policy is the caller's to
 * decide (gs_config.refuse_breaking of the newer state).
 */
int gs_apidiff_refused_in_range(gs_change_list *out, git_repository *repo, const git_oid *from,
				const git_oid *to, gs_cache *cache);
/* The same for one commit (hooks that scope the commits themselves). */
int gs_apidiff_refused_in_commit(gs_change_list *out, git_repository *repo,
				 const git_commit *commit, gs_cache *cache);
/* Whether `message` has an API-Break trailer allowing breaking changes to `module`. */
int gs_apidiff_trailer_allows(const char *message, const char *module);

/*
 * Render `changes` as text: a heading per package, then one line per
 * change, `PATH:LINE: OBJECT: message[: OLD -> NEW] [breaking]`.
 */
void gs_change_list_format_text(gs_buf *out, const gs_change_list *changes);
/* One change's line without the newline (the shape above). */
void gs_change_format_line(gs_buf *out, const gs_change *c);
/*
 * One change as a JSON object: package, path, line, object, kind and
 * message; GS_CHANGE_JSON_COMMIT leads with its commit and module (the
 * changes a range refuses), GS_CHANGE_JSON_VALUES adds breaking, old and
 * new before the message (git spec diff).
 */
#define GS_CHANGE_JSON_COMMIT (1u << 0)
#define GS_CHANGE_JSON_VALUES (1u << 1)
void gs_change_put_json(gs_buf *out, const gs_change *c, unsigned fields);
/* `{"from", "to", "changes": [...]}`; `from`/`to` NULL are null. */
void gs_change_list_format_json(gs_buf *out, const gs_change_list *changes,
				const char *from, const char *to);
/*
 * Append `s` escaped for a GitHub workflow command: as data (%, CR, LF)
 * or, with `property`, as a property value (also ':' and ',').
 */
void gs_github_put(gs_buf *out, const char *s, int property);
/* GitHub workflow commands: ::error for breaking, ::notice for compatible. */
void gs_change_list_format_github(gs_buf *out, const gs_change_list *changes);

#endif
