#ifndef GITSPEC_WORKSPACE_H
#define GITSPEC_WORKSPACE_H

/*
 * What every user of the engine starts from (the commands, the hook, the
 * merge driver, install): a repository, one source of files (the work
 * tree, an index, a commit or tree), the configuration read from that
 * source, the cache, the packages, the registry and the contract engine.
 * Opened once per source; the parts after the configuration are loaded on
 * demand, so that a hook that finds nothing relevant reads nothing more.
 *
 * Two workspaces side by side (`git spec diff A..B`) share the repository
 * and the cache: gs_workspace_share() borrows them from an open one, which
 * must outlive it. Not thread-safe: one thread per workspace family.
 */

#include <git2.h>
#include "buf.h"
#include "strvec.h"
#include "cache.h"
#include "config.h"
#include "engine.h"
#include "packages.h"
#include "source.h"
#include "spec.h"

typedef enum gs_workspace_kind {
	GS_WORKSPACE_WORKTREE,  /* the work tree, with the configuration's ignore list */
	GS_WORKSPACE_INDEX,     /* an index file (the one git would use by default) */
	GS_WORKSPACE_REV        /* a commit or tree (a revision or a git_tree) */
} gs_workspace_kind;

typedef struct gs_workspace {
	git_repository *repo;
	const char *workdir;      /* with a trailing '/', or NULL (bare) */
	char *index_path;         /* $GIT_INDEX_FILE or the repository's index */
	gs_cache *cache;          /* may be NULL (disabled: everything still works) */

	gs_workspace_kind kind;
	gs_source *src;           /* NULL until a source is opened */
	int owns_src;             /* 0: borrowed (gs_workspace_open_source) */
	gs_config cfg;            /* valid when cfg_loaded */
	int cfg_loaded;
	gs_package_list pkgs;     /* valid when pkgs_loaded */
	int pkgs_loaded;
	gs_registry *reg;         /* NULL until loaded */
	gs_engine *eng;           /* NULL until loaded */

	int owns_repo;            /* repo and cache are released with the workspace */
} gs_workspace;

void gs_workspace_init(gs_workspace *ws);

/*
 * Open the repository git would use from the current directory and the
 * environment, and its cache (owned by the workspace).
 */
int gs_workspace_open_repo(gs_workspace *ws);

/*
 * Work on an open repository, borrowed; `cache` (borrowed) may be NULL.
 * The index is the one git would use ($GIT_INDEX_FILE).
 */
int gs_workspace_attach(gs_workspace *ws, git_repository *repo, gs_cache *cache);

/* Side by side: borrow the repository and cache of the open `other`. */
int gs_workspace_share(gs_workspace *ws, const gs_workspace *other);

/*
 * Open the source of `kind` (`rev`: for GS_WORKSPACE_REV the revision, for
 * GS_WORKSPACE_INDEX an index file or NULL for ws->index_path) and read
 * the configuration from it. GS_ERROR in a bare repository for the work
 * tree.
 */
int gs_workspace_open(gs_workspace *ws, gs_workspace_kind kind, const char *rev);
/* The same from a tree of the repository. */
int gs_workspace_open_tree(gs_workspace *ws, const git_tree *tree);
/* The same from a source opened by the caller, borrowed: it must outlive the workspace. */
int gs_workspace_open_source(gs_workspace *ws, gs_source *src);

/* The parts on demand; each loads once, those it needs first. */
int gs_workspace_load_packages(gs_workspace *ws);
int gs_workspace_load_registry(gs_workspace *ws);
int gs_workspace_load_engine(gs_workspace *ws);

/* gs_workspace_open then everything: packages, registry, engine. */
int gs_workspace_load(gs_workspace *ws, gs_workspace_kind kind, const char *rev);
int gs_workspace_load_tree(gs_workspace *ws, const git_tree *tree);

/* Release what was opened from the source (keeping repository and cache). */
void gs_workspace_unload(gs_workspace *ws);
void gs_workspace_release(gs_workspace *ws);

/* Require a work tree; GS_ERROR with a message in a bare repository. */
int gs_workspace_need_worktree(const gs_workspace *ws);

/*
 * The package a repository-relative path belongs to: the package at that
 * path, else the deepest package containing it; NULL for none.
 */
const gs_package *gs_workspace_package_for_path(const gs_workspace *ws, const char *path);

/* The ids of every spec covering the package at `pkg` (sorted, unique). */
void gs_workspace_specs_covering(gs_strvec *out, const gs_workspace *ws, const char *pkg);

/*
 * The module name of a spec source: as written in the spec, else the one
 * computed from the package layout. Caller frees.
 */
char *gs_workspace_source_module(const gs_workspace *ws, const gs_spec_source *s);

/* Turn a user-given path into a repository-relative one (a bare repository:
 * from its top); GS_EINPUT outside. */
int gs_workspace_relpath(gs_buf *out, const gs_workspace *ws, const char *user_path);

/* ---- contract-path safety (DESIGN.md 3.6) ------------------------------ */

typedef enum gs_path_unsafe {
	GS_PATH_SAFE = 0,
	GS_PATH_UNSAFE,           /* not a safe repository path at all */
	GS_PATH_IS_LINK,          /* the path itself is a symbolic link */
	GS_PATH_NOT_REGULAR,      /* a directory or submodule is there */
	GS_PATH_CROSSES_LINK,     /* a directory on the way is a link in the source */
	GS_PATH_CROSSES_DISK_LINK /* ... a link in the work tree on disk */
} gs_path_unsafe;

/*
 * Why writing a contract at `repo_path` (NULL: the spec's path did not
 * resolve) would be unsafe in this workspace; `disk` also looks at the
 * work tree on disk. GS_PATH_SAFE when it is not.
 */
gs_path_unsafe gs_workspace_contract_path_check(const gs_workspace *ws, const char *repo_path,
						int disk);
/* Whether `why` is about a symbolic link. */
int gs_path_unsafe_is_link(gs_path_unsafe why);

/* "SPEC: contract path 'PATH' is a symbolic link; refusing to write it" */
void gs_path_unsafe_describe(gs_buf *out, const gs_spec *spec, const gs_spec_variant *v,
			     gs_path_unsafe why);

/*
 * Contract paths of the registry (or of the listed package paths when
 * `packages` is not NULL) that would be written unsafely: one problem
 * ("SPEC: contract path ..." and the spec's path; GS_REGISTRY_LINK for a
 * link) appended to `problems`; returns their number. A link problem the
 * registry's validation already reported for the same spec (`reported`,
 * may be NULL) is counted but not repeated.
 */
size_t gs_workspace_unsafe_contracts(gs_registry_problems *problems, const gs_workspace *ws,
				     const gs_strvec *packages, int disk,
				     const gs_registry_problems *reported);

#endif
