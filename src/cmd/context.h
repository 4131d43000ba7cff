#ifndef GITSPEC_CMD_CONTEXT_H
#define GITSPEC_CMD_CONTEXT_H

/*
 * What every `git spec` command starts from: the repository, one source
 * (the work tree, the index or a commit), the configuration read from that
 * source, the cache, the packages, the registry and the contract engine.
 */

#include <git2.h>
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/config.h"
#include "gitspec/source.h"
#include "gitspec/packages.h"
#include "gitspec/spec.h"
#include "gitspec/engine.h"
#include "gitspec/cache.h"

enum cmd_source_kind {
	CMD_SOURCE_WORKTREE,
	CMD_SOURCE_INDEX,
	CMD_SOURCE_REV
};

struct cmd_ctx {
	git_repository *repo;
	const char *workdir;      /* with a trailing '/', or NULL (bare) */
	char *index_path;         /* $GIT_INDEX_FILE or the repository's index */
	gs_cache *cache;          /* may be NULL (disabled) */

	enum cmd_source_kind kind;
	gs_source *src;
	gs_config cfg;
	int cfg_loaded;
	gs_package_list pkgs;
	gs_registry *reg;
	gs_engine *eng;
};

void cmd_ctx_init(struct cmd_ctx *ctx);
/* Open the repository and the cache. */
int cmd_ctx_open_repo(struct cmd_ctx *ctx);
/*
 * Load the source of `kind` (`rev` for CMD_SOURCE_REV; for
 * CMD_SOURCE_INDEX, the index file `rev`, or NULL for ctx->index_path),
 * then the configuration, packages, registry and engine from it.
 */
int cmd_ctx_load(struct cmd_ctx *ctx, enum cmd_source_kind kind, const char *rev);
/* The same from a tree of the repository. */
int cmd_ctx_load_tree(struct cmd_ctx *ctx, const git_tree *tree);
/* Release what cmd_ctx_load loaded (keeping the repository and cache). */
void cmd_ctx_unload(struct cmd_ctx *ctx);
void cmd_ctx_release(struct cmd_ctx *ctx);

/* Require a work tree; GS_ERROR with a message in a bare repository. */
int cmd_ctx_need_worktree(struct cmd_ctx *ctx);

/* Specs that did not parse: print each as "error: MSG"; returns their number. */
size_t cmd_ctx_report_spec_errors(struct cmd_ctx *ctx, const char *prefix);

/* The ids of every spec covering the package at `pkg` (sorted, unique). */
void cmd_ctx_specs_covering(gs_strvec *out, const struct cmd_ctx *ctx, const char *pkg);

/*
 * The module name of a spec source: as written in the spec, else the one
 * computed from the package layout. Caller frees.
 */
char *cmd_ctx_source_module(const struct cmd_ctx *ctx, const gs_spec_source *s);

/*
 * Contract paths of the registry (or of the listed package paths when
 * `packages` is not NULL) that would be written through a symbolic link,
 * in the source or (with `disk`) in the work tree (DESIGN.md 3.6): one "PATH: message" per
 * problem appended to `problems`; returns their number.
 */
size_t cmd_ctx_unsafe_contracts(gs_strvec *problems, struct cmd_ctx *ctx,
				const gs_strvec *packages, int disk);

/*
 * Whether the registry's own validation (`problems`) already reports the
 * link problem `unsafe` (a message of cmd_ctx_unsafe_contracts) for the
 * same spec, so that it need not be printed twice.
 */
int cmd_ctx_problem_reported(const gs_strvec *problems, const char *unsafe);

/* Turn a user-given path into a repository-relative one; GS_EINPUT outside. */
int cmd_ctx_relpath(gs_buf *out, struct cmd_ctx *ctx, const char *user_path);

/*
 * The package a repository-relative path belongs to: the package at that
 * path, else the deepest package containing it; NULL for none.
 */
const gs_package *cmd_ctx_package_for_path(const struct cmd_ctx *ctx, const char *path);

/*
 * GS_EINPUT naming `arg` when `rel` (its repository-relative path) is
 * neither in the loaded source nor on disk; 0 otherwise.
 */
int cmd_ctx_missing_path(struct cmd_ctx *ctx, const char *rel, const char *arg);

/*
 * GS_EINPUT naming `arg` when it has the shape of a spec id (SPEC-NNN) that
 * the caller did not find in the registry; 0 otherwise.
 */
int cmd_ctx_unknown_spec_id(const char *arg);

/*
 * Turn user-given paths (packages, files in packages, spec ids, spec files,
 * contract files) into the identifiers of the spec sources covering them.
 * GS_EINPUT (with a hint) for one that names nothing covered.
 */
int cmd_ctx_resolve_targets(gs_strvec *out, struct cmd_ctx *ctx, int argc, const char **argv);

/* Print "hint: ..." on standard error (unless quiet). */
void cmd_hint(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

#endif
