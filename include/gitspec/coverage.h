#ifndef GITSPEC_COVERAGE_H
#define GITSPEC_COVERAGE_H

/*
 * Coverage (DESIGN.md 3.5, docs/adr/0013-coverage.md): every file of every
 * package is covered by a spec (the package's own, or a `rollup` spec
 * above it) or reported. A leaf package always needs a spec; a non-leaf
 * package needs one when it holds files of its own (DESIGN 1 "Files of a
 * package": its directory and non-package subdirectories) other than an
 * empty package marker, so that `django/utils` (modules beside its leaf
 * sub-packages) is reported while `django/contrib` (an empty package marker
 * above its apps) is not. A spec without `rollup` on a non-leaf package
 * covers exactly those own files; its sub-packages need their own specs.
 */

#include "packages.h"
#include "source.h"
#include "spec.h"
#include "strvec.h"

/* Whether `pkg` holds files a spec must cover (see above). */
int gs_package_needs_spec(const gs_source *src, const gs_package_list *list,
			  const gs_package *pkg);

/* Whether a spec covers the files of `pkg`: its own, or a rollup spec above it. */
int gs_package_covered(const gs_registry *reg, const gs_package *pkg);

/*
 * The packages of `list` that need a spec and have none, by path (sorted),
 * appended to `out`; with `only` (sorted package paths, may be NULL), only
 * those among them. Returns their number.
 */
size_t gs_coverage_uncovered(gs_strvec *out, const gs_source *src, const gs_package_list *list,
			     const gs_registry *reg, const gs_strvec *only);

/*
 * The command that covers the uncovered package `pkg` (a non-leaf one
 * needs --force-parent): "git spec create [--force-parent] PATH".
 */
void gs_coverage_fix(gs_buf *out, const gs_package *pkg);

#endif
