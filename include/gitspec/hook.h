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
	/* ranges (pre-push, pre-receive, post-rewrite): the first offending commit */
	git_oid bad_commit;
	int has_bad_commit;
	char *bad_subject;
	/* every offending commit: "<short id> (<subject>)", and their full ids */
	gs_strvec commits;
	gs_strvec bad_ids;
	size_t checked;        /* how many commits were judged */
	/*
	 * spec.breakingChanges = refuse (pre-push, pre-receive): per refused
	 * commit and module a line "commit ID (SUBJECT) breaks the API of
	 * 'MODULE' without a trailer 'API-Break: MODULE':", then one
	 * "  PATH:LINE: OBJECT: message [breaking]" line per change
	 */
	gs_strvec breaking;
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
 * parent package of a changed package marker, every package of a changed spec,
 * the package of a changed contract; with the spec sources covering them
 * (rollup). Sets *all when the configuration changed (everything is
 * touched). `leaves` (may be NULL) receives the touched packages whose own
 * files changed and that no spec covers, leaf or not, for the requireSpecs
 * check (gs_coverage_uncovered() keeps those that need a spec).
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

/*
 * The paths (files, symbolic links, submodules) that differ between two
 * trees, either NULL for the empty tree, sorted: `git diff-tree -r
 * --name-only --no-renames` without reading the subtrees both share.
 */
int gs_hook_tree_diff(gs_strvec *out, git_repository *repo, const git_tree *old_tree,
		      const git_tree *new_tree);

/* One commit against its first parent (the empty tree for a root commit). */
int gs_hook_check_commit(gs_hook_report *out, git_repository *repo, const git_commit *commit);

/* Every contract of the commit's tree (its parent unknown, or a first push). */
int gs_hook_check_tip(gs_hook_report *out, git_repository *repo, const git_commit *commit);

/*
 * The commits a push brings, as DESIGN 3.2 scopes them: a walk from the
 * pushed tip hiding what is known to be there already. When nothing at all
 * is known (no remote-tracking ref, an empty server repository) only the
 * tip is judged, whole (`tip_only`), never the whole history. Commits on
 * a shallow boundary (their parents missing) are judged whole.
 */
typedef struct gs_hook_scope {
	git_revwalk *walk;
	git_oid tip;
	size_t hidden;         /* commits hidden from the walk (refs known to be there) */
	git_oid *hide_ids;     /* those commits, for a walk that stops at a shallow boundary */
	size_t hide_alloc;
	int tip_only;
	gs_strvec shallow;     /* hex ids of the shallow boundary, sorted */
	size_t checked;
	gs_strvec walked;      /* hex ids of the commits gs_hook_check_scope judged, oldest first */
	/* the last commit checked and its tree, from which its child's is derived */
	gs_source *prev;
	git_oid prev_oid;
} gs_hook_scope;

void gs_hook_scope_init(gs_hook_scope *s);
void gs_hook_scope_clear(gs_hook_scope *s);
/*
 * pre-push: the commits of `tip` that no remote-tracking ref of `remote`
 * contains (and not `remote_oid`, the remote's current value, zero for a
 * new branch). A new branch, an unknown remote (a URL) or a remote with no
 * tracking ref: the commits no remote-tracking ref of any remote contains.
 */
int gs_hook_scope_push(gs_hook_scope *s, git_repository *repo, const char *remote,
		       const git_oid *tip, const git_oid *remote_oid);
/* pre-receive: the commits of `tip` that no ref of the repository contains. */
int gs_hook_scope_receive(gs_hook_scope *s, git_repository *repo, const git_oid *tip);
int gs_hook_scope_is_shallow(const gs_hook_scope *s, const git_oid *oid);
/*
 * Judge the commits of a scope oldest first, each against its first parent
 * (the pre-commit hook's cost), stopping at the first that refuses; its
 * findings go to `out`, each naming the commit.
 */
int gs_hook_check_scope(gs_hook_report *out, git_repository *repo, gs_hook_scope *s);

/*
 * pre-push: `input` holds git's lines "<local ref> <local sha> <remote ref>
 * <remote sha>"; `remote` is the remote's name (first hook argument).
 * Checks each pushed commit, oldest first, and stops at the first that
 * refuses (recorded in the report). GS_EINPUT on a malformed line.
 */
int gs_hook_pre_push(gs_hook_report *out, git_repository *repo, const char *remote,
		     const char *input, size_t len);

/*
 * pre-receive (a server's bare repository, objects in git's quarantine):
 * `input` holds "<old> <new> <ref>" lines; deletions are skipped. The first
 * refusing commit of each ref is recorded. GS_EINPUT on a malformed line.
 */
int gs_hook_pre_receive(gs_hook_report *out, git_repository *repo, const char *input, size_t len);

/* post-commit: HEAD against its first parent. */
int gs_hook_post_commit(gs_hook_report *out, git_repository *repo);

/*
 * post-rewrite: `input` holds "<old> <new> [extra]" lines; each new commit
 * is judged against its first parent, every refusing one recorded.
 */
int gs_hook_post_rewrite(gs_hook_report *out, git_repository *repo, const char *input, size_t len);

/*
 * The command that regenerates the contracts of every commit from
 * `first_bad` on: `git rebase --exec '<sync> && git commit --amend
 * --no-edit' <first_bad's parent>` (or --root).
 */
int gs_hook_rebase_repair(gs_buf *out, git_repository *repo, const git_oid *first_bad);

#endif
