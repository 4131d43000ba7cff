#ifndef GITSPEC_PLAN_H
#define GITSPEC_PLAN_H

/*
 * The plan shared by `sync`, `check`, the hook and the merge driver: for
 * every contract of every spec (or of the specs covering some packages),
 * the bytes git-spec derives from a source and whether the source already
 * holds exactly those bytes.
 */

#include <stddef.h>
#include <git2.h>
#include "buf.h"
#include "strvec.h"
#include "engine.h"
#include "spec.h"

typedef struct gs_plan_item {
	const gs_spec *spec;
	const gs_spec_source *source;
	const gs_spec_variant *variant;
	const char *package;     /* package path (= source->identifier) */
	const char *path;        /* contract path, repository-relative */
	gs_buf content;          /* derived contract (when !error) */
	git_oid oid;             /* blob id of content */
	int fresh;               /* the source holds exactly `content` at `path` */
	int missing;             /* the source has no file at `path` */
	int old_format;          /* stale, and what is at `path` is a contract in
				  * contract format 1 (its comment line names no
				  * format): reported once for all, not one by one */
	char *error;             /* "PATH:L:C: syntax error", ... or NULL */
} gs_plan_item;

typedef struct gs_plan {
	gs_plan_item *items;     /* ordered by spec id, source, variant */
	size_t nr, alloc;
	size_t stale_nr;         /* items neither fresh nor in error */
	size_t error_nr;         /* items in error */
} gs_plan;

#define GS_PLAN_INIT { NULL, 0, 0, 0, 0 }

/*
 * Derive the contracts of the specs in `reg` from `src`. With `packages`
 * (not NULL), only the contracts of specs covering one of those package
 * paths. Syntax errors are recorded per item, not returned; the return is
 * an error only for git/system failures.
 */
int gs_plan_build(gs_plan *out, gs_engine *eng, gs_source *src, const gs_registry *reg,
		  const gs_package_list *pkgs, const gs_strvec *packages);
void gs_plan_clear(gs_plan *plan);

/*
 * The one line that stands for every stale contract in contract format 1
 * (DESIGN 2.4), for `nr` > 0.
 */
void gs_plan_format1_message(gs_buf *out, size_t nr);

#endif
