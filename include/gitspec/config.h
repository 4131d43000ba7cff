#ifndef GITSPEC_CONFIG_H
#define GITSPEC_CONFIG_H

/*
 * Configuration (DESIGN.md 3.5): the committed .gitspec.yaml at the root of
 * the source, overridden per clone by git config keys spec.*.
 *
 * .gitspec.yaml                 git config
 *   specs: specify/tech           spec.specsDir
 *   roots: [src, apps/NAME/src]   spec.roots (multi-valued)
 *   ignore: [build, dist, ...]    spec.ignore (multi-valued)
 *   tests: [GLOB, ...]            spec.testPatterns (multi-valued; the language's by default)
 *   requireSpecs: false           spec.requireSpecs
 *   breakingChanges: allow        spec.breakingChanges (allow | refuse)
 */

#include <git2.h>
#include "strvec.h"

struct gs_source;

typedef struct gs_config {
	char *specs_dir;         /* repository-relative, no trailing '/' */
	gs_strvec roots;         /* import roots, glob patterns allowed */
	/*
	 * roots_derived: `roots` was not set (absent, null or an empty list,
	 * in the file and in git config), so it holds the roots read from
	 * the source's pyproject.toml files; roots_from names, for each, the
	 * pyproject.toml it came from (gs_pyproject_derive_roots()).
	 */
	int roots_derived;
	gs_strvec roots_from;
	gs_strvec ignore;        /* directory names/patterns skipped when scanning */
	gs_strvec test_patterns; /* basename globs of test files */
	int require_specs;
	int refuse_breaking;     /* breakingChanges = refuse (DESIGN 3.7) */
} gs_config;

#define GS_CONFIG_FILE ".gitspec.yaml"

void gs_config_init(gs_config *cfg);        /* the defaults */
void gs_config_release(gs_config *cfg);
/*
 * Load .gitspec.yaml from `src` (when present) over the defaults, then the
 * git configuration of `repo` (when not NULL) over that. GS_EINPUT with
 * ".gitspec.yaml: FIELD: problem" on bad YAML or a bad value. When no
 * roots are set and `src` is given, they are read from the pyproject.toml
 * files of `src` (GS_EINPUT naming the file and line of one that is not
 * valid TOML).
 */
int gs_config_load(gs_config *cfg, git_repository *repo, struct gs_source *src);
/*
 * Parse the text of a .gitspec.yaml over `cfg` (what gs_config_load does
 * with the file it finds). Keys: specs (or specsDir), roots, ignore, tests
 * (or testPatterns), requireSpecs; unknown keys are ignored. A list given
 * replaces the one below it.
 */
int gs_config_parse(gs_config *cfg, const char *data, size_t len);
/* Whether the base name of `path` matches a test pattern. */
int gs_config_is_test_file(const gs_config *cfg, const char *path);
/* Whether a directory with base name `name` (at repo path `path`) is skipped. */
int gs_config_is_ignored_dir(const gs_config *cfg, const char *path, const char *name);

#endif
