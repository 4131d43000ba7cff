#ifndef GITSPEC_CMD_CONTEXT_H
#define GITSPEC_CMD_CONTEXT_H

/*
 * What the `git spec` commands share beyond the library's workspace
 * (include/gitspec/workspace.h): printing and the reading of their
 * command-line arguments.
 */

#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/workspace.h"

/* Specs that did not parse: print each as "PREFIX: MSG"; returns their number. */
size_t cmd_ctx_report_spec_errors(gs_workspace *ctx, const char *prefix);

/*
 * Initialise `ctx` (the caller releases it, also on error) and load the
 * work tree of the current repository, as the reading commands do; the
 * specs that did not parse are printed as warnings unless --quiet.
 */
int cmd_ctx_open_worktree(gs_workspace *ctx);

/*
 * GS_EINPUT naming `arg` when `rel` (its repository-relative path) is
 * neither in the loaded source nor on disk; 0 otherwise.
 */
int cmd_ctx_missing_path(gs_workspace *ctx, const char *rel, const char *arg);

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
int cmd_ctx_resolve_targets(gs_strvec *out, gs_workspace *ctx, int argc, const char **argv);

#endif
