#ifndef GITSPEC_EOL_H
#define GITSPEC_EOL_H

/*
 * End-of-line conversion as git applies it between the object database and
 * the work tree (core.autocrlf, core.eol, .gitattributes text and eol;
 * libgit2's built-in filters only, no external filter driver). A contract
 * is derived with LF line ends, which is what the index and commits hold;
 * in the work tree it is compared and written as git would check it out.
 */

#include <stddef.h>
#include <git2.h>
#include "buf.h"

/*
 * Convert `data`, the content of `path` (repository-relative), into `out`:
 * as git checks it out (`to_worktree`) or as git adds it (otherwise). When
 * no filter applies, `out` is a copy of `data`.
 */
int gs_eol_convert(gs_buf *out, git_repository *repo, const char *path, const char *data,
		   size_t len, int to_worktree);

#endif
