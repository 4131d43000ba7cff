#ifndef GITSPEC_REVWALK_H
#define GITSPEC_REVWALK_H

/*
 * The commits of a range, oldest first, in a shallow clone too. libgit2 1.5
 * knows nothing of $GIT_DIR/shallow: its walk asks for the missing parents
 * of a grafted commit and fails with "object not found". As git does, the
 * walk here stops at the shallow boundary: a shallow commit is listed (it is
 * checked against its own tree) and its parents are never looked for, on
 * the pushed side and on the hidden side alike.
 */

#include <stddef.h>
#include <git2.h>

/*
 * The commits reachable from `push` but not from `hide`, parents before
 * children, into `*out` (`*nr` of them; free() it). Outside a shallow
 * clone this is libgit2's walk (GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE).
 */
int gs_revwalk_list(git_oid **out, size_t *nr, git_repository *repo,
		    const git_oid *push, size_t push_nr, const git_oid *hide, size_t hide_nr);

#endif
