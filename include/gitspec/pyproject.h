#ifndef GITSPEC_PYPROJECT_H
#define GITSPEC_PYPROJECT_H

/*
 * Import roots read from pyproject.toml (DESIGN.md 3.5 "Import roots
 * without configuration"; docs/adr/0012-import-roots-from-pyproject.md).
 *
 * Keys read, each relative to the file's directory:
 *   [tool.setuptools.packages.find] where = [DIR, ...]
 *   [tool.setuptools] package-dir = {"" = DIR, "a.b" = "DIR/a/b"}
 *   [tool.hatch.build.targets.wheel] (or [tool.hatch.build])
 *       packages = ["DIR/pkg", ...]   sources = [DIR, ...] or {DIR = "", "DIR/pkg" = "pkg"}
 *   [tool.poetry] packages = [{include = "pkg", from = DIR}, ...]
 *   [tool.pdm.build] package-dir = DIR   (also [tool.pdm] package-dir)
 *   [tool.uv.build-backend] module-root = DIR
 *   [tool.maturin] python-source = DIR
 * and, whatever the backend (flit and uv find `src/` by themselves), a
 * `src/` directory beside the file that holds Python files.
 */

#include <stddef.h>
#include "strvec.h"
#include "config.h"

struct gs_source;

/*
 * The roots named by one pyproject.toml whose directory is `dir` ("" at
 * the top), repository-relative and normalised ("" for the top itself),
 * sorted and unique, appended to `out`. Paths that leave the repository
 * are dropped. GS_EINPUT naming `path`, line and column when the file is
 * not valid TOML.
 */
int gs_pyproject_roots(gs_strvec *out, const char *dir, const char *path,
		       const char *data, size_t len);

/*
 * The roots of every regular pyproject.toml of `src` outside the ignored
 * directories of `cfg`, and every `src/` directory beside one that holds
 * Python files: into `roots` as root patterns ("." for the top; glob
 * characters escaped), sorted and unique, and into `origins` (parallel)
 * the first pyproject.toml naming each.
 */
/* Whether `path` is a pyproject.toml (at the top or in a directory). */
int gs_pyproject_is_file(const char *path);

int gs_pyproject_derive_roots(gs_strvec *roots, gs_strvec *origins, struct gs_source *src,
			      const gs_config *cfg);

#endif
