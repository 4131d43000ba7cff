#ifndef GITSPEC_REPO_H
#define GITSPEC_REPO_H

/*
 * Opening the repository as git's own commands do: from the environment
 * (GIT_DIR, GIT_WORK_TREE, GIT_COMMON_DIR, ...) or by discovery from the
 * current directory.
 *
 * GIT_INDEX_FILE is not handed to libgit2: libgit2 would parse that whole
 * index while opening the repository (70-100 ms on 100,000 files, more
 * than the pre-commit hook may spend). Code that needs the index git
 * would use asks gs_repo_index_path() and reads it with gs_index_open()
 * (or git_index_open() when it must write it). git_repository_index()
 * stays the repository's own index file.
 */

#include <git2.h>
#include "buf.h"
#include "strvec.h"

int gs_repo_open(git_repository **out);
/* The path of the current directory relative to the work tree ("" at the top). */
int gs_repo_prefix(gs_buf *out, git_repository *repo);
/*
 * Turn a user-given path (relative to the cwd, or absolute) into a
 * repository-relative one, normalised ("." and ".." resolved, no trailing
 * slash; "" for the top). GS_EUSAGE "'PATH' is outside repository" when it
 * is not below the work tree.
 */
int gs_repo_relpath(gs_buf *out, git_repository *repo, const char *user_path);
/*
 * The index file git would use: $GIT_INDEX_FILE when set, else the
 * repository's `index` (for a linked worktree, the one in its own git
 * directory). A relative $GIT_INDEX_FILE is relative to the top of the work
 * tree, as git resolves it (git exports absolute paths to hooks anyway).
 */
int gs_repo_index_path(gs_buf *out, git_repository *repo);
/*
 * The shallow boundary ($GIT_COMMON_DIR/shallow), appended to `out`: the
 * hex ids of the commits whose parents are missing, sorted and unique.
 * Nothing when the repository is not shallow or the file cannot be read.
 */
void gs_repo_shallow(gs_strvec *out, git_repository *repo);

#endif
