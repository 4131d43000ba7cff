#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fnmatch.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/source.h"
#include "gitspec/spec.h"
#include "gitspec/config.h"
#include "gitspec/language.h"
#include "gitspec/pyproject.h"

/*
 * Configuration (DESIGN.md 3.5): defaults, then .gitspec.yaml from the
 * source being examined (so that a commit is judged by its own committed
 * configuration), then the clone's git config.
 *
 * A list given in .gitspec.yaml or in git config replaces the list below it
 * rather than adding to it, so that a default can be dropped; hidden
 * directories are skipped whatever the list says.
 */

#define CONFIG_FILE_MAX (1024 * 1024)

static const char *const default_ignore[] = { "node_modules", ".venv", "venv", "build", "dist" };

void gs_config_init(gs_config *cfg)
{
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->specs_dir = gs_xstrdup("specify/tech");
	gs_strvec_init(&cfg->roots);
	gs_strvec_init(&cfg->roots_from);
	gs_strvec_init(&cfg->ignore);
	gs_strvec_init(&cfg->test_patterns);
	for (i = 0; i < GS_ARRAY_SIZE(default_ignore); i++)
		gs_strvec_push(&cfg->ignore, default_ignore[i]);
	for (i = 0; gs_language_default()->test_patterns[i]; i++)
		gs_strvec_push(&cfg->test_patterns, gs_language_default()->test_patterns[i]);
	cfg->require_specs = 0;
	cfg->refuse_breaking = 0;
}

void gs_config_release(gs_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->specs_dir);
	cfg->specs_dir = NULL;
	gs_strvec_clear(&cfg->roots);
	gs_strvec_clear(&cfg->roots_from);
	cfg->roots_derived = 0;
	gs_strvec_clear(&cfg->ignore);
	gs_strvec_clear(&cfg->test_patterns);
}

/* Set the specs directory from `value` (trailing slashes dropped) if it is safe. */
static int set_specs_dir(gs_config *cfg, const char *value)
{
	size_t len = strlen(value);
	char *dir;

	while (len > 1 && value[len - 1] == '/')
		len--;
	dir = gs_xstrndup(value, len);
	if (gs_path_check_safe(dir) < 0) {
		free(dir);
		return GS_EINPUT;
	}
	free(cfg->specs_dir);
	cfg->specs_dir = dir;
	return 0;
}

static int file_error(const char *field, const char *fmt, ...) GS_PRINTF(2, 3);
static int file_error(const char *field, const char *fmt, ...)
{
	gs_buf msg = GS_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	gs_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	gs_error_set_at(GS_EINPUT, GS_CONFIG_FILE, 0, 0, "%s: %s: %s; fix the file or remove it",
			GS_CONFIG_FILE, field, msg.ptr);
	gs_buf_release(&msg);
	return GS_EINPUT;
}

/* One of the `names` keys of `map` (spellings of one setting); NULL when none. */
static int lookup(const gs_yaml_node **out, const char **used, const gs_yaml_node *map,
		  const char *const *names, size_t nr)
{
	size_t i;
	int dup;

	*out = NULL;
	*used = names[0];
	for (i = 0; i < nr; i++) {
		const gs_yaml_node *n = gs_yaml_get(map, names[i], &dup);

		if (dup)
			return file_error(names[i], "given twice");
		if (!n)
			continue;
		if (*out)
			return file_error(names[i], "also given as '%s'", *used);
		*out = n;
		*used = names[i];
	}
	return 0;
}

static int read_list(gs_strvec *out, const gs_yaml_node *map, const char *const *names, size_t nr)
{
	const gs_yaml_node *n;
	const char *field;
	size_t i;
	int error;

	if ((error = lookup(&n, &field, map, names, nr)) < 0 || !n)
		return error;
	if (gs_yaml_is_null(n)) {
		gs_strvec_clear(out);
		return 0;
	}
	if (n->type != GS_YAML_SEQUENCE)
		return file_error(field, "expected a list of strings");
	for (i = 0; i < n->nr; i++) {
		const gs_yaml_node *item = n->items[i];

		if (item->type != GS_YAML_SCALAR || gs_yaml_is_null(item))
			return file_error(field, "item %zu is not a string", i);
		if (memchr(item->value, '\0', item->len) || memchr(item->value, '\n', item->len))
			return file_error(field, "item %zu holds a NUL or line break", i);
	}
	gs_strvec_clear(out);
	for (i = 0; i < n->nr; i++)
		gs_strvec_push(out, n->items[i]->value);
	return 0;
}

/* spec.breakingChanges: "allow" or "refuse"; GS_EINPUT for anything else. */
static int parse_breaking(int *out, const char *value)
{
	if (value && !strcmp(value, "allow"))
		*out = 0;
	else if (value && !strcmp(value, "refuse"))
		*out = 1;
	else
		return GS_EINPUT;
	return 0;
}

static int config_parse_yaml(gs_config *cfg, const char *data, size_t len)
{
	static const char *const specs_names[] = { "specs", "specsDir", "specs_dir" };
	static const char *const roots_names[] = { "roots" };
	static const char *const ignore_names[] = { "ignore" };
	static const char *const tests_names[] = { "tests", "testPatterns", "test_patterns" };
	static const char *const require_names[] = { "requireSpecs", "require_specs" };
	static const char *const breaking_names[] = { "breakingChanges", "breaking_changes" };
	gs_yaml_node *root = NULL;
	const gs_yaml_node *n;
	const char *field;
	int error = 0;

	if (len > CONFIG_FILE_MAX) {
		error = file_error("file", "larger than 1 MiB");
		goto done;
	}
	if (gs_yaml_parse(&root, data, len, 0) < 0) {
		gs_buf msg = GS_BUF_INIT;

		gs_buf_sets(&msg, gs_error_last());
		error = file_error("YAML", "%s", msg.ptr);
		gs_buf_release(&msg);
		goto done;
	}
	if (!root)
		goto done; /* an empty file: the defaults */
	if (root->type != GS_YAML_MAPPING) {
		error = file_error("file", "expected a mapping of settings");
		goto done;
	}

	if ((error = lookup(&n, &field, root, specs_names, GS_ARRAY_SIZE(specs_names))) < 0)
		goto done;
	if (n && !gs_yaml_is_null(n)) {
		if (n->type != GS_YAML_SCALAR || memchr(n->value, '\0', n->len)) {
			error = file_error(field, "expected a directory path");
			goto done;
		}
		if (set_specs_dir(cfg, n->value) < 0) {
			gs_buf msg = GS_BUF_INIT;

			gs_buf_sets(&msg, gs_error_last());
			error = file_error(field, "%s", msg.ptr);
			gs_buf_release(&msg);
			goto done;
		}
	}
	if ((error = read_list(&cfg->roots, root, roots_names, 1)) < 0 ||
	    (error = read_list(&cfg->ignore, root, ignore_names, 1)) < 0 ||
	    (error = read_list(&cfg->test_patterns, root, tests_names, GS_ARRAY_SIZE(tests_names))) < 0)
		goto done;

	if ((error = lookup(&n, &field, root, require_names, GS_ARRAY_SIZE(require_names))) < 0)
		goto done;
	if (n && !gs_yaml_is_null(n) && gs_yaml_bool(&cfg->require_specs, n) < 0) {
		error = file_error(field, "expected true or false");
		goto done;
	}
	if ((error = lookup(&n, &field, root, breaking_names, GS_ARRAY_SIZE(breaking_names))) < 0)
		goto done;
	if (n && !gs_yaml_is_null(n) &&
	    (error = parse_breaking(&cfg->refuse_breaking, n->type == GS_YAML_SCALAR ? n->value : NULL)) < 0) {
		error = file_error(field, "expected allow or refuse");
		goto done;
	}
done:
	gs_yaml_free(root);
	return error;
}

/*
 * A multi-valued git config key: when it has values they replace `out`. An
 * empty value clears what came before it, as for git's own list settings.
 */
static int read_git_list(gs_strvec *out, git_config *gc, const char *key)
{
	git_config_iterator *it = NULL;
	git_config_entry *entry;
	gs_strvec values = GS_STRVEC_INIT;
	int error, seen = 0;

	error = git_config_multivar_iterator_new(&it, gc, key, NULL);
	if (error == GIT_ENOTFOUND) {
		error = 0;
		goto done;
	}
	if (error < 0) {
		error = gs_error_set_git("cannot read git config");
		goto done;
	}
	while ((error = git_config_next(&entry, it)) == 0) {
		seen = 1;
		if (!entry->value || !*entry->value)
			gs_strvec_clear(&values);
		else
			gs_strvec_push(&values, entry->value);
	}
	if (error != GIT_ITEROVER) {
		error = gs_error_set_git("cannot read git config");
		goto done;
	}
	error = 0;
	if (seen) {
		gs_strvec_clear(out);
		*out = values;
		gs_strvec_init(&values);
	}
done:
	git_config_iterator_free(it);
	gs_strvec_clear(&values);
	return error;
}

static int config_read_git(gs_config *cfg, git_repository *repo)
{
	git_config *gc = NULL;
	git_buf value = GIT_BUF_INIT;
	int error, b;

	if (git_repository_config_snapshot(&gc, repo) < 0) {
		error = gs_error_set_git("cannot read git config");
		goto done;
	}
	error = git_config_get_string_buf(&value, gc, "spec.specsDir");
	if (!error) {
		if (set_specs_dir(cfg, value.ptr) < 0) {
			gs_buf msg = GS_BUF_INIT;

			gs_buf_sets(&msg, gs_error_last());
			error = gs_error_set(GS_EINPUT, "git config spec.specsDir: %s; "
					     "fix it with `git config spec.specsDir DIR`", msg.ptr);
			gs_buf_release(&msg);
			goto done;
		}
	} else if (error != GIT_ENOTFOUND) {
		error = gs_error_set_git("cannot read git config spec.specsDir");
		goto done;
	}
	if ((error = read_git_list(&cfg->roots, gc, "spec.roots")) < 0 ||
	    (error = read_git_list(&cfg->ignore, gc, "spec.ignore")) < 0 ||
	    (error = read_git_list(&cfg->test_patterns, gc, "spec.testPatterns")) < 0)
		goto done;
	error = git_config_get_bool(&b, gc, "spec.requireSpecs");
	if (!error) {
		cfg->require_specs = b;
	} else if (error == GIT_ENOTFOUND) {
		error = 0;
	} else {
		error = gs_error_set(GS_EINPUT, "git config spec.requireSpecs: not a boolean; "
				     "fix it with `git config spec.requireSpecs true`");
		goto done;
	}
	git_buf_dispose(&value);
	error = git_config_get_string_buf(&value, gc, "spec.breakingChanges");
	if (!error) {
		if (parse_breaking(&cfg->refuse_breaking, value.ptr) < 0)
			error = gs_error_set(GS_EINPUT, "git config spec.breakingChanges: '%s' is not allow "
					     "or refuse", value.ptr);
	} else if (error == GIT_ENOTFOUND) {
		error = 0;
	} else {
		error = gs_error_set_git("cannot read git config spec.breakingChanges");
	}
done:
	git_buf_dispose(&value);
	git_config_free(gc);
	return error;
}

int gs_config_load(gs_config *cfg, git_repository *repo, gs_source *src)
{
	gs_buf data = GS_BUF_INIT;
	const gs_source_entry *e;
	int error = 0;

	if (src && (e = gs_source_lookup(src, GS_CONFIG_FILE)) && GS_MODE_IS_REGULAR(e->mode)) {
		if ((error = gs_source_read(&data, src, e)) < 0)
			goto done;
		if ((error = config_parse_yaml(cfg, data.ptr, data.size)) < 0)
			goto done;
	}
	if (repo && (error = config_read_git(cfg, repo)) < 0)
		goto done;
	/* No roots set: the ones the build backends name (DESIGN 3.5). */
	if (src && !cfg->roots.nr) {
		gs_strvec_clear(&cfg->roots_from);
		error = gs_pyproject_derive_roots(&cfg->roots, &cfg->roots_from, src, cfg);
		cfg->roots_derived = 1;
	}
done:
	gs_buf_release(&data);
	return error;
}

int gs_config_parse(gs_config *cfg, const char *data, size_t len)
{
	return config_parse_yaml(cfg, data, len);
}

int gs_config_is_test_file(const gs_config *cfg, const char *path)
{
	const char *base = strrchr(path, '/');
	char *py = NULL;
	size_t i, len;
	int found = 0;

	base = base ? base + 1 : path;
	/* A stub is a test file when its .py name would be (DESIGN 1). */
	len = strlen(base);
	if (len >= 4 && !strcmp(base + len - 4, ".pyi")) {
		py = gs_xstrndup(base, len - 1);
		base = py;
	}
	for (i = 0; i < cfg->test_patterns.nr && !found; i++)
		if (!fnmatch(cfg->test_patterns.v[i], base, 0))
			found = 1;
	free(py);
	return found;
}

int gs_config_is_ignored_dir(const gs_config *cfg, const char *path, const char *name)
{
	size_t i;

	if (name[0] == '.')
		return 1;
	for (i = 0; i < cfg->ignore.nr; i++) {
		const char *pat = cfg->ignore.v[i];

		/* a pattern with a slash names a path, as in .gitignore */
		if (strchr(pat, '/')) {
			if (path && !fnmatch(pat[0] == '/' ? pat + 1 : pat, path, FNM_PATHNAME))
				return 1;
		} else if (!fnmatch(pat, name, 0)) {
			return 1;
		}
	}
	return 0;
}
