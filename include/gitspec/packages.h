#ifndef GITSPEC_PACKAGES_H
#define GITSPEC_PACKAGES_H

/*
 * Packages, leaf packages, files of a package and module names
 * (DESIGN.md 1).
 *
 * Ignored directories: a directory whose base name starts with '.' is always
 * ignored; so is one whose base name matches a pattern of cfg->ignore
 * without '/', or whose repository path matches a pattern with '/'
 * (fnmatch, FNM_PATHNAME; a leading '/' anchors nothing more), exactly as
 * gs_config_is_ignored_dir(). Without a configuration the defaults of
 * DESIGN 3.5 apply (node_modules, .venv, venv, build, dist). Nothing at or
 * below an ignored directory is a package or a file of a package, whatever
 * the source, so that the work tree (which skips those directories) and
 * the index agree.
 */

#include <stddef.h>
#include "source.h"
#include "config.h"
#include "strvec.h"

typedef struct gs_package {
	char *path;      /* repository-relative directory, no trailing '/' */
	char *module;    /* dotted import name */
	int leaf;        /* no package anywhere below */
	/*
	 * A namespace module (DESIGN 1): a directory without a package
	 * marker strictly below an import root, outside every package, that
	 * holds source files directly; its files are those direct files.
	 */
	int namespace;
} gs_package;

typedef struct gs_package_list {
	gs_package *v;   /* sorted by path */
	size_t nr, alloc;
	gs_strvec ignore; /* the ignore patterns of the scan (for gs_package_files) */
} gs_package_list;

#define GS_PACKAGE_LIST_INIT { NULL, 0, 0, GS_STRVEC_INIT }

/*
 * Every package of `src`: directories holding a regular file (mode 100644
 * or 100755; a symlink does not count) that is a package marker of the
 * language (language.h), outside ignored directories, and every namespace
 * module (gs_package.namespace) below the import roots. The repository root
 * itself is never a package. `out` must
 * be initialised; what it held is released. `cfg` may be NULL (defaults).
 * One pass over the source's entries plus O(p log p) in the packages.
 */
int gs_packages_scan(gs_package_list *out, const gs_source *src, const gs_config *cfg);
/* The same over a plain array of entries sorted by path (strcmp). */
int gs_packages_scan_entries(gs_package_list *out, const gs_source_entry *entries, size_t nr,
			     const gs_config *cfg);
void gs_package_list_clear(gs_package_list *list);

/* The package at `path` exactly (binary search), or NULL. */
const gs_package *gs_packages_find(const gs_package_list *list, const char *path);
/*
 * The deepest package whose directory strictly contains `file` (at any
 * depth: a file in a non-package subdirectory of a package belongs to that
 * package), or NULL.
 */
const gs_package *gs_packages_for_file(const gs_package_list *list, const char *file);
/*
 * For "did you mean" hints: the package at `path` or the deepest one above
 * it; else the shallowest package below it (the first by path among equals);
 * else NULL. A trailing '/' on `path` is ignored.
 */
const gs_package *gs_packages_nearest(const gs_package_list *list, const char *path);

/*
 * The file that marks `pkg` as a package and holds its Exports (DESIGN 1):
 * the first of the language's package markers it holds (Python: the
 * module before the stub); only regular blobs. NULL when none exists.
 */
const gs_source_entry *gs_package_init_file(const gs_source *src, const gs_package *pkg);

/*
 * The entries of the `*.py` and `*.pyi` regular files of `pkg`: in its directory and
 * subdirectories, except at or below a subdirectory that is itself a
 * package (unless `rollup`) or is ignored; of a namespace module without
 * `rollup`, only the files directly in its directory. Symlinks and gitlinks are never
 * included. Sorted by path. Entries point into `src`; the array is the
 * caller's to free() (NULL when there are none).
 */
int gs_package_files(const gs_source_entry ***out, size_t *out_nr, const gs_source *src,
		     const gs_package_list *list, const gs_package *pkg, int rollup);
/* The same over a plain array of entries sorted by path (strcmp). */
int gs_package_files_entries(const gs_source_entry ***out, size_t *out_nr,
			     const gs_source_entry *entries, size_t nr,
			     const gs_package_list *list, const gs_package *pkg, int rollup);

/*
 * The module name of the package at `path` (DESIGN 1 "Module name"); caller
 * frees. With import roots (cfg->roots: glob patterns matched against whole
 * leading path components, so that "apps/" "*" "/src" matches apps/web/src
 * but not apps/web/lib/src; a "**" component matches any number of
 * components, so that "**" "/src" matches src and a/b/src; "." is the
 * repository root), the path below the
 * deepest root strictly containing `path`, '/' replaced by '.'. Otherwise
 * the chain of package directories of `list` ending at `path` (walking up
 * while the parent directory is a package).
 */
char *gs_module_name(const gs_package_list *list, const gs_config *cfg, const char *path);

#endif
