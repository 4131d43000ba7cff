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
#include "buf.h"

struct gs_source;

/* Where a setting comes from (git spec config); git's scopes plus two. */
typedef enum gs_config_scope {
	GS_CONFIG_SCOPE_DEFAULT = 0,
	GS_CONFIG_SCOPE_GITSPEC,  /* .gitspec.yaml */
	GS_CONFIG_SCOPE_SYSTEM,
	GS_CONFIG_SCOPE_GLOBAL,   /* ~/.gitconfig or $XDG_CONFIG_HOME/git/config */
	GS_CONFIG_SCOPE_LOCAL,    /* the repository's config */
	GS_CONFIG_SCOPE_COMMAND   /* git -c, GIT_CONFIG_PARAMETERS, GIT_CONFIG_COUNT */
} gs_config_scope;

typedef struct gs_config_origin {
	gs_config_scope scope;
	int level;        /* git_config_level_t of a git config origin; 0 otherwise */
	unsigned line;    /* .gitspec.yaml: 1-based line; 0 otherwise */
} gs_config_origin;

/* The settings, in the order `git spec config` lists them. */
enum gs_config_setting {
	GS_CONFIG_SPECS_DIR,
	GS_CONFIG_ROOTS,
	GS_CONFIG_IGNORE,
	GS_CONFIG_TESTS,
	GS_CONFIG_REQUIRE_SPECS,
	GS_CONFIG_BREAKING,
	GS_CONFIG_SETTINGS_NR
};

typedef struct gs_config_setting_info {
	const char *key;   /* git config name (spec.specsDir) */
	const char *name;  /* .gitspec.yaml name (specs) */
	int list;          /* multi-valued */
} gs_config_setting_info;

/* The description of setting `s` (enum gs_config_setting). */
const gs_config_setting_info *gs_config_setting(int s);

/* A new setting that a check's verdict depends on must join the check memo's key (check.c). */
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
	/*
	 * Where each setting was last set; for a list, `items` holds one
	 * origin per value (the values of git config lists may come from
	 * several files).
	 */
	struct {
		gs_config_origin whole;
		gs_config_origin *items;
		size_t nr, alloc;
	} origin[GS_CONFIG_SETTINGS_NR];
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
/*
 * A warning about the configuration (an unknown key), for the program to
 * show: `path` is ".gitspec.yaml", a git config file or "" for the
 * command line; `line`/`column` are 1-based, 0 when not known.
 */
typedef struct gs_config_warning {
	const char *path;
	unsigned line, column;
	const char *code;     /* "unknown-key" */
	const char *message;  /* "unknown key 'x' in .gitspec.yaml:3; did you mean 'y'?" */
} gs_config_warning;

typedef void (*gs_config_warning_fn)(const gs_config_warning *w, void *payload);
/*
 * Where gs_config_load sends its warnings (none by default: dropped).
 * Each distinct warning is sent once per process, however many times the
 * configuration is loaded (the hook loads it once per commit). Not
 * thread-safe: load the configuration from one thread.
 */
void gs_config_set_warning_fn(gs_config_warning_fn fn, void *payload);
/* Forget the warnings already sent (tests; and frees their memory). */
void gs_config_warnings_reset(void);

/*
 * The file an origin names, as git's --show-origin prints it: the
 * repository's config relative to the top of the work tree when inside it
 * (".git/config"), the others absolute; ".gitspec.yaml"; "" for the
 * defaults and the command line.
 */
void gs_config_origin_path(gs_buf *out, git_repository *repo, const gs_config_origin *o);
/* git's scope name: "default", "gitspec", "system", "global", "local", "command". */
const char *gs_config_scope_name(gs_config_scope scope);

/*
 * git's command-line configuration (config_params.c): `git -c K=V` and
 * `--config-env` (GIT_CONFIG_PARAMETERS) and GIT_CONFIG_COUNT with
 * GIT_CONFIG_KEY_<n>/GIT_CONFIG_VALUE_<n>, which libgit2 1.5 does not read.
 */
typedef struct gs_config_param {
	char *key;    /* canonical: section and variable name in lower case */
	char *value;  /* NULL for a key given without '=' (boolean true) */
} gs_config_param;
typedef struct gs_config_params {
	gs_config_param *v;
	size_t nr, alloc;
} gs_config_params;
#define GS_CONFIG_PARAMS_INIT { NULL, 0, 0 }
void gs_config_params_clear(gs_config_params *p);
/* git_config_parse_key: `key` with section and variable name lower-cased; GS_ERROR if invalid. */
int gs_config_canonical_key(char **out, const char *key);
/* Append the items of a GIT_CONFIG_PARAMETERS value; GS_ERROR "bogus format ..." as git says. */
int gs_config_params_parse(gs_config_params *out, const char *text);
/* Append GIT_CONFIG_COUNT's pairs, then GIT_CONFIG_PARAMETERS's, as git reads them. */
int gs_config_params_from_env(gs_config_params *out);
/*
 * Put the command-line configuration above every level of `repo`'s
 * configuration (read-only, GIT_CONFIG_LEVEL_APP), so that every later
 * read sees it; nothing when there is none. gs_repo_open calls it.
 */
int gs_config_params_apply(git_repository *repo);

/* Whether the base name of `path` matches a test pattern. */
int gs_config_is_test_file(const gs_config *cfg, const char *path);
/* Whether a directory with base name `name` (at repo path `path`) is skipped. */
int gs_config_is_ignored_dir(const gs_config *cfg, const char *path, const char *name);

#endif
