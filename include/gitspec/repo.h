#ifndef GITSPEC_REPO_H
#define GITSPEC_REPO_H

/*
 * Opening the repository as git's own commands do: from the environment
 * (GIT_DIR, GIT_WORK_TREE, GIT_COMMON_DIR, ...) or by discovery from the
 * current directory.
 */

#include <git2.h>
#include "buf.h"

int gs_repo_open(git_repository **out);
/* The path of the current directory relative to the work tree ("" at the top). */
int gs_repo_prefix(gs_buf *out, git_repository *repo);
/* Turn a user-given path (relative to the cwd) into a repository-relative one. */
int gs_repo_relpath(gs_buf *out, git_repository *repo, const char *user_path);

#endif
