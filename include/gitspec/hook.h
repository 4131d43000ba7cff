#ifndef GITSPEC_HOOK_H
#define GITSPEC_HOOK_H

/*
 * The checks behind git-spec-hook (DESIGN.md 3.2): pre-commit and
 * pre-merge-commit judge the index git is about to commit (never the work
 * tree); pre-push judges every commit being pushed. Only the packages the
 * change touches are derived, so the cost follows the size of the change.
 */

#include <stddef.h>
#include <git2.h>
#include "strvec.h"
#include "source.h"
#include "packages.h"
#include "spec.h"
#include "config.h"

#define GS_HOOK_FIX "git spec sync --staged"

typedef struct gs_hook_report {
	/* "stale contract 'PATH' (SPEC-001, package 'pkg', variant public)" */
	gs_strvec stale;
	/* stale contracts in contract format 1: said once, not listed */
	size_t format1_nr;
	/* syntax errors, registry problems, uncovered packages when required */
	gs_strvec errors;
	/* uncovered packages when not required */
	gs_strvec warnings;
	/* the packages whose contracts were derived */
	gs_strvec packages;
	int input_error;       /* an error is bad input (syntax, YAML): exit 3 */
	/* pre-push: the first offending commit */
	git_oid bad_commit;
	int has_bad_commit;
	char *bad_subject;
} gs_hook_report;

void gs_hook_report_init(gs_hook_report *r);
void gs_hook_report_clear(gs_hook_report *r);
/* Whether the report refuses (stale contracts or errors). */
int gs_hook_report_refuses(const gs_hook_report *r);
/* The exit status: 0 accept, 1 refuse, 3 bad input. */
int gs_hook_report_status(const gs_hook_report *r);

/*
 * The packages touched by `changed` (repository paths that differ between
 * the parent and `src`): packages of changed sources, the package and the
 * parent package of a changed __init__.py, every package of a changed spec,
 * the package of a changed contract; with the spec sources covering them
 * (rollup). Sets *all when the configuration changed (everything is
 * touched). `leaves` (may be NULL) receives the touched leaf packages, for
 * the requireSpecs check.
 */
void gs_hook_touched(gs_strvec *out, gs_strvec *leaves, int *all, const gs_strvec *changed,
		     const gs_package_list *pkgs, const gs_registry *reg, const gs_config *cfg);

/*
 * Judge `src` given the paths that changed against its parent. Fills the
 * report; returns 0, or a negative code for git/system failures (and
 * GS_EINPUT for a bad .gitspec.yaml).
 */
int gs_hook_check_source(gs_hook_report *out, git_repository *repo, gs_source *src,
			 const gs_strvec *changed);

/* pre-commit / pre-merge-commit: the index named by GIT_INDEX_FILE against HEAD. */
int gs_hook_check_index(gs_hook_report *out, git_repository *repo, const char *index_path);

/* One commit against its first parent (the empty tree for a root commit). */
int gs_hook_check_commit(gs_hook_report *out, git_repository *repo, const git_commit *commit);

/*
 * pre-push: `input` holds git's lines "<local ref> <local sha> <remote ref>
 * <remote sha>"; `remote` is the remote's name (first hook argument).
 * Checks each pushed commit, oldest first, and stops at the first that
 * refuses (recorded in the report). GS_EINPUT on a malformed line.
 */
int gs_hook_pre_push(gs_hook_report *out, git_repository *repo, const char *remote,
		     const char *input, size_t len);

#endif
