#ifndef GITSPEC_INSTALL_H
#define GITSPEC_INSTALL_H

/*
 * `git spec install` / `uninstall` (DESIGN.md 3.1): the hook shims, the
 * merge driver's configuration and the `merge=gitspec` attribute block.
 * uninstall removes exactly what install added, so that a round trip leaves
 * the hooks directory, the configuration and .gitattributes byte-identical.
 *
 * What belongs to git-spec is recognised by markers, not by a state file:
 * a shim holds the line GS_SHIM_MARKER, the attribute block lies between
 * GS_ATTR_BEGIN and GS_ATTR_END lines.
 */

#include <git2.h>
#include "buf.h"
#include "strvec.h"

#define GS_SHIM_MARKER "# git-spec hook shim: "
#define GS_ATTR_BEGIN "# git-spec begin"
#define GS_ATTR_END "# git-spec end"
#define GS_MERGE_DRIVER_NAME "git-spec contract re-derivation"
#define GS_MERGE_DRIVER_CMD "git-spec-merge %O %A %B %L %P"
/* completion.commands, set by install --global: the helpers out of `git <TAB>`. */
#define GS_COMPLETION_HIDE "-spec-hook -spec-merge"

/* The hooks git-spec installs, NULL-terminated. */
extern const char *const gs_install_hooks[];

typedef struct gs_install_opts {
	int global;          /* merge driver configuration in the global config */
	int force;           /* keep a foreign hook as HOOK.local instead of refusing */
	int driver_only;     /* the merge driver and its attributes, no hooks */
} gs_install_opts;

#define GS_INSTALL_OPTS_INIT { 0, 0, 0 }

/*
 * The text of the shim for hook `name`: from $GIT_SPEC_HOOKS_DIR, else
 * ../share/git-spec/hooks next to the running executable, else the copy
 * compiled in (identical to the repository's hooks/ files).
 */
int gs_install_shim(gs_buf *out, const char *name);
/* The compiled-in shim text (exposed so tests can compare it with hooks/). */
void gs_install_builtin_shim(gs_buf *out, const char *name);
/* Whether `data` is a shim written by git-spec. */
int gs_install_is_shim(const char *data, size_t len);

/*
 * The hooks directory git runs hooks from: core.hooksPath (relative to the
 * top of the work tree, as git resolves it) or the common git directory's
 * hooks/ (shared by linked worktrees).
 */
int gs_install_hooks_dir(gs_buf *out, git_repository *repo);

/*
 * Add the marked block holding `patterns` (each "PATTERN merge=gitspec") to
 * the text of a .gitattributes (`exists` 0 when there is no file): an
 * existing block is replaced. The block records whether it created the file
 * or added a final newline, so that removal restores the original bytes.
 */
void gs_attributes_add(gs_buf *out, const char *data, size_t len, int exists,
		       const gs_strvec *patterns);
/*
 * Remove the block. Sets *delete_file when install had created the file.
 * Returns 0, or GS_ENOTFOUND when there is no block.
 */
int gs_attributes_remove(gs_buf *out, int *delete_file, const char *data, size_t len);

/*
 * Remove the header of `[section "subsection"]` from a git config text when
 * the section has no entries left (git config --unset leaves it behind).
 */
void gs_config_text_drop_empty_section(gs_buf *out, const char *data, size_t len,
				       const char *section, const char *subsection);

/*
 * Install into `repo` (NULL only with opts->global: configuration only).
 * One line per action taken is appended to `log`. GS_ECHECK when a foreign
 * hook is in the way without opts->force (nothing is changed then).
 */
/* The default .gitspec.yaml (the defaults of gs_config_init, written out). */
void gs_install_default_config(gs_buf *out);
/* Write the default .gitspec.yaml at the top of the work tree unless present. */
int gs_install_init_config(git_repository *repo, gs_strvec *log);

int gs_install(git_repository *repo, const gs_install_opts *opts, gs_strvec *log);
int gs_uninstall(git_repository *repo, const gs_install_opts *opts, gs_strvec *log);

#endif
