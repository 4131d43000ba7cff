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

/* Why a contract cannot be derived. */
typedef enum gs_plan_error {
	GS_PLAN_OK = 0,
	GS_PLAN_UNSAFE_PATH,     /* the spec's contract path is unsafe */
	GS_PLAN_NO_PACKAGE,      /* the spec's package does not exist */
	GS_PLAN_SOURCE           /* a source of the package cannot be read */
} gs_plan_error;

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
	gs_plan_error error_kind;
	char *error_path;        /* the file the error is about: a source, the spec */
	unsigned error_line, error_column; /* 1-based; 0 when not known */
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
/*
 * Called by gs_plan_build_ready, on its calling thread, whenever more items
 * are final: out->items[0...nr) are derived, compared and counted, and
 * will not change; the later ones are being derived on other threads.
 */
typedef void (*gs_plan_ready_fn)(gs_plan *plan, size_t nr, void *arg);
/*
 * gs_plan_build, calling `ready` (when not NULL) while it works, so that
 * the caller can use the first items (write the contracts) while the rest
 * are derived; not at all when the plan is built on one thread. The items
 * and the result are the same as gs_plan_build's. `ready` must not use
 * the engine or the cache.
 */
int gs_plan_build_ready(gs_plan *out, gs_engine *eng, gs_source *src, const gs_registry *reg,
			const gs_package_list *pkgs, const gs_strvec *packages,
			gs_plan_ready_fn ready, void *arg);
void gs_plan_clear(gs_plan *plan);

/*
 * The one line that stands for every stale contract in contract format 1
 * (DESIGN 2.4), for `nr` > 0.
 */
void gs_plan_format1_message(gs_buf *out, size_t nr);

#endif
