#ifndef GITSPEC_CHECK_H
#define GITSPEC_CHECK_H

/*
 * The verdict on a source (DESIGN.md 3.1 `check`, 3.2 the hooks, 3.3 the
 * driver's advice): one structured report of every contract judged and
 * every problem found. `git spec check` (every mode) and git-spec-hook
 * produce it here and only print it; nothing reads a message back as
 * data: each problem carries a code, and the path, line and column it is
 * about.
 */

#include <stddef.h>
#include <git2.h>
#include "buf.h"
#include "strvec.h"
#include "render.h"
#include "workspace.h"
#include "apidiff.h"
#include "plan.h"
#include "spec.h"

typedef enum gs_check_state {
	GS_CHECK_FRESH,          /* the source holds exactly the derived contract */
	GS_CHECK_STALE,          /* it holds another one */
	GS_CHECK_MISSING,        /* it holds none */
	GS_CHECK_FORMAT1,        /* it holds the contract in format 1 (said once, not listed) */
	GS_CHECK_ERROR           /* cannot be derived (see the errors) */
} gs_check_state;

/* What a problem is; the class decides the exit status, never the text. */
typedef enum gs_problem_code {
	GS_PROBLEM_SPEC,         /* a spec file does not parse: bad input */
	GS_PROBLEM_REGISTRY,     /* the registry is invalid (ids, coverage, paths) */
	GS_PROBLEM_REGISTRY_LINK,/* ... a contract path passes through a link: bad input */
	GS_PROBLEM_UNSAFE_PATH,  /* a contract path cannot be written safely: bad input */
	GS_PROBLEM_PACKAGE,      /* a spec's package no longer exists (moved, deleted):
				  * the registry is invalid, not bad input (DESIGN 3.4) */
	GS_PROBLEM_SOURCE,       /* a source cannot be read (syntax, encoding): bad input */
	GS_PROBLEM_UNCOVERED,    /* a touched package no spec covers (spec.requireSpecs) */
	GS_PROBLEM_CONFIG,       /* the configuration cannot be read: bad input */
	GS_PROBLEM_ARGUMENT      /* a command-line path or id names nothing usable: bad input */
} gs_problem_code;

typedef struct gs_check_item {
	char *spec;              /* SPEC-001 */
	char *package;           /* the package path */
	gs_variant variant;
	char *path;              /* the contract path */
	gs_check_state state;
	char *content;           /* stale and missing: the derived contract, else NULL */
	size_t content_size;
} gs_check_item;

typedef struct gs_check_error {
	gs_problem_code code;
	char *path;              /* the file it is about ("" when none) */
	unsigned line, column;   /* 1-based; 0 when not known */
	char *message;           /* the whole sentence, path first */
} gs_check_error;

typedef struct gs_check_report {
	gs_check_item *items;
	size_t items_nr, items_alloc;
	gs_check_error *errors;  /* in the order found, each message once */
	size_t errors_nr, errors_alloc;
	gs_strvec warnings;      /* uncovered packages when not required */
	gs_strvec packages;      /* the packages whose contracts were derived */
	size_t fresh_nr, stale_nr; /* stale_nr counts stale, missing and format 1 */
	size_t format1_nr;       /* of stale_nr: in contract format 1 */
	const char *fix;         /* the one command that regenerates the contracts */
	/* a range or push: the first commit that does not pass */
	git_oid commit;
	int has_commit;
	char *subject;
	size_t commits;          /* commits judged */
	/* the API changes of the judged packages (gs_check_report_add_changes) */
	gs_change_list changes;
	/* a range under spec.breakingChanges = refuse: the changes it refuses */
	gs_change_list refused;
	/*
	 * Set by the caller before gs_check_workspace() judges every contract:
	 * the verdict may come from the check memo (ADR 0021), when the last
	 * such check found every contract fresh from exactly the same inputs.
	 * `items` is then empty; the counts and `packages` are as judged.
	 */
	int memo;
	int memo_hit;            /* the verdict came from the memo */
} gs_check_report;

void gs_check_report_init(gs_check_report *r);
void gs_check_report_clear(gs_check_report *r);
/* Whether the report fails (stale or missing contracts, or any error). */
int gs_check_report_failed(const gs_check_report *r);
/* Whether an error is bad input (a spec, a source, an unsafe path). */
int gs_check_report_bad_input(const gs_check_report *r);
/* Whether an error makes the registry invalid. */
int gs_check_report_invalid(const gs_check_report *r);
/* Whether `code` is bad input (exit 3) rather than a failed check (exit 1). */
int gs_problem_is_input(gs_problem_code code);
/* A stable name for `code` ("source", "spec", ...), as JSON gives it. */
const char *gs_problem_name(gs_problem_code code);
/* The problem a plan item's error is (sync and check judge it the same). */
gs_problem_code gs_problem_of_plan(gs_plan_error kind);
/* The problem a registry problem is. */
gs_problem_code gs_problem_of_registry(gs_registry_problem_kind kind);

/*
 * Judge the loaded workspace `ws`: every contract, or (`changed` not NULL:
 * the paths that differ from the parent, as the hooks see a change) only
 * the packages the change touches, at a cost that follows the change.
 * Fills `r`; returns 0, or a negative code for git/system failures.
 */
int gs_check_workspace(gs_check_report *r, gs_workspace *ws, const gs_strvec *changed);

/*
 * Every commit of the range `range` (A..B), oldest first, stopping at the
 * first that does not pass (r->commit). GS_EUSAGE when it is not a range.
 * When every commit passes and the newest configures spec.breakingChanges
 * = refuse, the breaking changes without an API-Break trailer go to
 * r->refused (the workspace is left open on the last commit judged).
 */
int gs_check_range(gs_check_report *r, gs_workspace *ws, const char *range);

/*
 * Record the last error (gs_error_last, where gs_error_last_path says) as
 * a problem of the configuration: what stops a source from being judged
 * at all.
 */
void gs_check_report_add_failure(gs_check_report *r);

/* Record one problem (path: top-relative, NULL or "" for none; line, column: 0 when not known). */
void gs_check_report_add_error(gs_check_report *r, gs_problem_code code, const char *path,
			       unsigned line, unsigned column, const char *message);

/*
 * The API changes of the packages whose contracts are stale or missing,
 * from `base` (NULL: the empty tree) to the workspace's source, into
 * r->changes: the text and GitHub printers show them under each stale
 * contract, once per package.
 */
int gs_check_report_add_changes(gs_check_report *r, gs_workspace *ws, const git_tree *base);

/* The unified diff turning what the source holds at `it`'s path into the derived contract. */
int gs_check_item_patch(gs_buf *out, const gs_check_item *it, gs_workspace *ws);

/* "stale contract 'PATH' (SPEC-001, package 'pkg', variant public)": the one wording. */
void gs_check_item_describe(gs_buf *out, const gs_check_item *it);
/* The report as text: "PREFIXerror: MESSAGE" per problem, "PREFIX<item>" per stale item. */
void gs_check_report_text(gs_buf *out, const gs_check_report *r, const char *prefix);
/*
 * The same, each path printed by `put` (the commands print them relative to
 * the current directory): a stale item's, and a problem's where its message
 * starts with it ("PATH: ...", "PATH:LINE:COLUMN: ...").
 */
typedef void (*gs_path_printer)(gs_buf *out, const char *path, void *data);
void gs_check_report_text_paths(gs_buf *out, const gs_check_report *r, const char *prefix,
				gs_path_printer put, void *data);
/* The report as GitHub workflow commands (`check --format=github`). */
void gs_check_report_github(gs_buf *out, const gs_check_report *r);
/* The report as `check --json` prints it (DESIGN.md 3.1); a range adds "refused" when any. */
void gs_check_report_json(gs_buf *out, const gs_check_report *r, int range);
/*
 * One problem as every --json output gives it: {"path", "line", "column",
 * "code", "message"}, the path top-relative or null, line and column null
 * when not known.
 */
void gs_problem_json(gs_buf *out, const char *path, unsigned line, unsigned column,
		     const char *code, const char *message);
/* `r`'s errors as a JSON array of gs_problem_json objects, "[]" for none. */
void gs_check_report_errors_json(gs_buf *out, const gs_check_report *r);

#endif
