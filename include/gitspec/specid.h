#ifndef GITSPEC_SPECID_H
#define GITSPEC_SPECID_H

/*
 * Spec ids that no branch uses (DESIGN.md 3.1 `create`, issue 11 item 7):
 * two branches that each create a spec must not both pick SPEC-003. The
 * ids in use are the names of the directories below the specs directory
 * in the work tree (the registry's `names`) and in the trees of every
 * local branch and remote-tracking branch, read through libgit2 without
 * reading a blob; branches whose specs directory is one tree are read
 * once. See docs/adr/0013-coverage.md.
 */

#include <git2.h>
#include "spec.h"
#include "strvec.h"

/* The number of "SPEC-NNN", or 0 when `s` is not of that form. */
unsigned long gs_spec_id_number(const char *s);

/*
 * The names below `specs_dir` in the trees of refs/heads/ and
 * refs/remotes/ (sorted, unique), appended to `out`. A ref that does not
 * resolve to a commit is skipped.
 */
int gs_spec_ids_on_branches(gs_strvec *out, git_repository *repo, const char *specs_dir);

/*
 * The next free id after every one of `reg` and of `taken` (may be NULL),
 * never below `floor` + 1; caller frees.
 */
char *gs_spec_next_free_id(const gs_registry *reg, const gs_strvec *taken, unsigned long floor);

#endif
