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

/*
 * Many conversions in one repository (sync writing hundreds of contracts):
 * libgit2 looks up the attributes of every path afresh, stat'ing each
 * .gitattributes along it (about twenty system calls a path). A session
 * first asks whether any attribute or setting can apply at all: no
 * core.autocrlf, no attributes file (system, global, info/attributes) and
 * no .gitattributes among `src`'s files or in the index. Then every
 * conversion is a copy; else each is gs_eol_convert(). `src` (borrowed) is
 * the source the paths belong to.
 */
struct gs_source;
typedef struct gs_eol_session gs_eol_session;
void gs_eol_session_init(gs_eol_session **out, git_repository *repo, const struct gs_source *src);
int gs_eol_convert_in(gs_buf *out, gs_eol_session *s, const char *path, const char *data,
		      size_t len, int to_worktree);
void gs_eol_session_free(gs_eol_session *s);

#endif
