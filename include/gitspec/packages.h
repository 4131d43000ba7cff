#ifndef GITSPEC_PACKAGES_H
#define GITSPEC_PACKAGES_H

/*
 * Packages, leaf packages, files of a package and module names
 * (DESIGN.md 1).
 */

#include <stddef.h>
#include "source.h"
#include "config.h"
#include "strvec.h"

typedef struct gs_package {
	char *path;      /* repository-relative directory, no trailing '/' */
	char *module;    /* dotted import name */
	int leaf;        /* no package anywhere below */
} gs_package;

typedef struct gs_package_list {
	gs_package *v;   /* sorted by path */
	size_t nr, alloc;
} gs_package_list;

#define GS_PACKAGE_LIST_INIT { NULL, 0, 0 }

/*
 * Every package of `src`: directories holding a regular `__init__.py`,
 * outside ignored directories. The repository root itself is never a
 * package.
 */
int gs_packages_scan(gs_package_list *out, const gs_source *src, const gs_config *cfg);
void gs_package_list_clear(gs_package_list *list);

const gs_package *gs_packages_find(const gs_package_list *list, const char *path);
/* The deepest package whose directory contains `file` (at any depth), or NULL. */
const gs_package *gs_packages_for_file(const gs_package_list *list, const char *file);
/* The nearest package at or above / below `path`, for "did you mean" hints. */
const gs_package *gs_packages_nearest(const gs_package_list *list, const char *path);

/*
 * The entries of the `*.py` regular files of `pkg`: in its directory and
 * subdirectories, except at or below a subdirectory that is itself a
 * package (unless `rollup`). Sorted by path. Entries point into `src`.
 */
int gs_package_files(const gs_source_entry ***out, size_t *out_nr, const gs_source *src,
		     const gs_package_list *list, const gs_package *pkg, int rollup);

/* The module name of the package at `path` (DESIGN 1 "Module name"); caller frees. */
char *gs_module_name(const gs_package_list *list, const gs_config *cfg, const char *path);

#endif
