#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fnmatch.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/source.h"
#include "gitspec/spec.h"
#include "gitspec/config.h"
#include "gitspec/language.h"
#include "gitspec/suggest.h"
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

static const gs_config_setting_info settings[GS_CONFIG_SETTINGS_NR] = {
	[GS_CONFIG_SPECS_DIR] = { "spec.specsDir", "specs", 0 },
	[GS_CONFIG_ROOTS] = { "spec.roots", "roots", 1 },
	[GS_CONFIG_IGNORE] = { "spec.ignore", "ignore", 1 },
	[GS_CONFIG_TESTS] = { "spec.testPatterns", "tests", 1 },
	[GS_CONFIG_REQUIRE_SPECS] = { "spec.requireSpecs", "requireSpecs", 0 },
	[GS_CONFIG_BREAKING] = { "spec.breakingChanges", "breakingChanges", 0 },
};

/* Every spelling .gitspec.yaml accepts, the preferred one of each setting first. */
static const char *const yaml_names[] = {
	"specs", "roots", "ignore", "tests", "requireSpecs", "breakingChanges",
	"specsDir", "specs_dir", "testPatterns", "test_patterns", "require_specs", "breaking_changes",
};

const gs_config_setting_info *gs_config_setting(int s)
{
	return s >= 0 && s < GS_CONFIG_SETTINGS_NR ? &settings[s] : NULL;
}

const char *gs_config_scope_name(gs_config_scope scope)
{
	static const char *const names[] = { "default", "gitspec", "system", "global", "local", "command" };

	return (size_t)scope < GS_ARRAY_SIZE(names) ? names[scope] : "unknown";
}

/* A scalar setting (or a list as a whole, with no per-value origins) set at `o`. */
static void set_origin(gs_config *cfg, int s, gs_config_origin o)
{
	cfg->origin[s].whole = o;
	cfg->origin[s].nr = 0;
}

static void push_item_origin(gs_config *cfg, int s, gs_config_origin o)
{
	GS_ALLOC_GROW(cfg->origin[s].items, cfg->origin[s].nr + 1, cfg->origin[s].alloc);
	cfg->origin[s].items[cfg->origin[s].nr++] = o;
}

/* ---- warnings ----------------------------------------------------------- */

static gs_config_warning_fn warning_fn;
static void *warning_payload;
static gs_strvec warnings_sent = GS_STRVEC_INIT;

void gs_config_set_warning_fn(gs_config_warning_fn fn, void *payload)
{
	warning_fn = fn;
	warning_payload = payload;
}

void gs_config_warnings_reset(void)
{
	gs_strvec_clear(&warnings_sent);
}

static void warn(const char *path, unsigned line, unsigned column, const char *code,
		 const char *fmt, ...) GS_PRINTF(5, 6);
static void warn(const char *path, unsigned line, unsigned column, const char *code,
		 const char *fmt, ...)
{
	gs_buf msg = GS_BUF_INIT;
	gs_config_warning w;
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	gs_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	/* once per run: the hook and diff load the configuration of several commits */
	for (i = 0; i < warnings_sent.nr; i++)
		if (!strcmp(warnings_sent.v[i], msg.ptr))
			goto done;
	gs_strvec_push(&warnings_sent, msg.ptr);
	if (!warning_fn)
		goto done;
	w.path = path;
	w.line = line;
	w.column = column;
	w.code = code;
	w.message = msg.ptr;
	warning_fn(&w, warning_payload);
done:
	gs_buf_release(&msg);
}

/* "unknown key 'K' in WHERE[; did you mean 'N'?]", N the nearest of `known`. */
static void warn_unknown(const char *key, const char *where, const char *path, unsigned line,
			 unsigned column, const char *const *known, size_t nr, int icase)
{
	const char *near = gs_suggest(key, known, nr, icase);

	if (near)
		warn(path, line, column, "unknown-key", "unknown key '%s' in %s; did you mean '%s'?",
		     key, where, near);
	else
		warn(path, line, column, "unknown-key", "unknown key '%s' in %s", key, where);
}

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
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < GS_CONFIG_SETTINGS_NR; i++) {
		free(cfg->origin[i].items);
		cfg->origin[i].items = NULL;
		cfg->origin[i].nr = cfg->origin[i].alloc = 0;
	}
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

/* An error in the file, placed at node `at` (NULL: the file as a whole). */
static int file_error(const gs_yaml_node *at, const char *field, const char *fmt, ...) GS_PRINTF(3, 4);
static int file_error(const gs_yaml_node *at, const char *field, const char *fmt, ...)
{
	gs_buf msg = GS_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	gs_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	gs_error_set_at(GS_EINPUT, GS_CONFIG_FILE, at ? (unsigned)at->line : 0,
			at ? (unsigned)at->column : 0, "%s: %s: %s; fix the file or remove it",
			GS_CONFIG_FILE, field, msg.ptr);
	gs_buf_release(&msg);
	return GS_EINPUT;
}

/* The key node of `key` in `map`, for its line. */
static const gs_yaml_node *key_node(const gs_yaml_node *map, const char *key)
{
	size_t i, klen = strlen(key);

	for (i = 0; i + 1 < map->nr; i += 2) {
		const gs_yaml_node *k = map->items[i];

		if (k->type == GS_YAML_SCALAR && k->len == klen && !memcmp(k->value, key, klen))
			return k;
	}
	return NULL;
}

static gs_config_origin yaml_origin(const gs_yaml_node *n)
{
	gs_config_origin o = { GS_CONFIG_SCOPE_GITSPEC, 0, n ? (unsigned)n->line : 0 };

	return o;
}

/*
 * One of the `names` keys of `map` (spellings of one setting); NULL when
 * none. *key is its key node.
 */
static int lookup(const gs_yaml_node **out, const gs_yaml_node **key, const char **used,
		  const gs_yaml_node *map, const char *const *names, size_t nr)
{
	size_t i;
	int dup;

	*out = NULL;
	*key = NULL;
	*used = names[0];
	for (i = 0; i < nr; i++) {
		const gs_yaml_node *n = gs_yaml_get(map, names[i], &dup);

		if (dup)
			return file_error(n, names[i], "given twice");
		if (!n)
			continue;
		if (*out)
			return file_error(n, names[i], "also given as '%s'", *used);
		*out = n;
		*key = key_node(map, names[i]);
		*used = names[i];
	}
	return 0;
}

static int read_list(gs_config *cfg, int s, const gs_yaml_node *map, const char *const *names, size_t nr)
{
	gs_strvec *out = s == GS_CONFIG_ROOTS ? &cfg->roots :
			 s == GS_CONFIG_IGNORE ? &cfg->ignore : &cfg->test_patterns;
	const gs_yaml_node *n, *key;
	const char *field;
	size_t i;
	int error;

	if ((error = lookup(&n, &key, &field, map, names, nr)) < 0 || !n)
		return error;
	if (gs_yaml_is_null(n)) {
		gs_strvec_clear(out);
		set_origin(cfg, s, yaml_origin(key));
		return 0;
	}
	if (n->type != GS_YAML_SEQUENCE)
		return file_error(n, field, "expected a list of strings");
	for (i = 0; i < n->nr; i++) {
		const gs_yaml_node *item = n->items[i];

		if (item->type != GS_YAML_SCALAR || gs_yaml_is_null(item))
			return file_error(item, field, "item %zu is not a string", i);
		if (memchr(item->value, '\0', item->len) || memchr(item->value, '\n', item->len))
			return file_error(item, field, "item %zu holds a NUL or line break", i);
	}
	gs_strvec_clear(out);
	set_origin(cfg, s, yaml_origin(key));
	for (i = 0; i < n->nr; i++) {
		gs_strvec_push(out, n->items[i]->value);
		push_item_origin(cfg, s, yaml_origin(n->items[i]));
	}
	return 0;
}

/* Warn about each key of the file that names no setting. */
static void yaml_unknown_keys(const gs_yaml_node *root)
{
	size_t i, j;

	for (i = 0; i + 1 < root->nr; i += 2) {
		const gs_yaml_node *k = root->items[i];
		gs_buf where = GS_BUF_INIT;
		int known = 0;

		if (k->type != GS_YAML_SCALAR || memchr(k->value, '\0', k->len))
			continue;
		for (j = 0; j < GS_ARRAY_SIZE(yaml_names) && !known; j++)
			known = !strcmp(k->value, yaml_names[j]);
		if (known)
			continue;
		gs_buf_printf(&where, "%s:%zu", GS_CONFIG_FILE, k->line);
		warn_unknown(k->value, where.ptr, GS_CONFIG_FILE, (unsigned)k->line, (unsigned)k->column,
			     yaml_names, GS_ARRAY_SIZE(yaml_names), 0);
		gs_buf_release(&where);
	}
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
	const gs_yaml_node *n, *key;
	const char *field;
	int error = 0;

	if (len > CONFIG_FILE_MAX) {
		error = file_error(NULL, "file", "larger than 1 MiB");
		goto done;
	}
	if (gs_yaml_parse(&root, data, len, 0) < 0) {
		gs_buf msg = GS_BUF_INIT;

		unsigned line, column;

		gs_buf_sets(&msg, gs_error_last());
		gs_error_last_path(&line, &column);
		error = gs_error_set_at(GS_EINPUT, GS_CONFIG_FILE, line, column,
					"%s: YAML: %s; fix the file or remove it", GS_CONFIG_FILE, msg.ptr);
		gs_buf_release(&msg);
		goto done;
	}
	if (!root)
		goto done; /* an empty file: the defaults */
	if (root->type != GS_YAML_MAPPING) {
		error = file_error(root, "file", "expected a mapping of settings");
		goto done;
	}

	if ((error = lookup(&n, &key, &field, root, specs_names, GS_ARRAY_SIZE(specs_names))) < 0)
		goto done;
	if (n && !gs_yaml_is_null(n)) {
		if (n->type != GS_YAML_SCALAR || memchr(n->value, '\0', n->len)) {
			error = file_error(n, field, "expected a directory path");
			goto done;
		}
		if (set_specs_dir(cfg, n->value) < 0) {
			gs_buf msg = GS_BUF_INIT;

			gs_buf_sets(&msg, gs_error_last());
			error = file_error(n, field, "%s", msg.ptr);
			gs_buf_release(&msg);
			goto done;
		}
		set_origin(cfg, GS_CONFIG_SPECS_DIR, yaml_origin(key));
	}
	if ((error = read_list(cfg, GS_CONFIG_ROOTS, root, roots_names, 1)) < 0 ||
	    (error = read_list(cfg, GS_CONFIG_IGNORE, root, ignore_names, 1)) < 0 ||
	    (error = read_list(cfg, GS_CONFIG_TESTS, root, tests_names, GS_ARRAY_SIZE(tests_names))) < 0)
		goto done;

	if ((error = lookup(&n, &key, &field, root, require_names, GS_ARRAY_SIZE(require_names))) < 0)
		goto done;
	if (n && !gs_yaml_is_null(n) && gs_yaml_bool(&cfg->require_specs, n) < 0) {
		error = file_error(n, field, "expected true or false");
		goto done;
	}
	if (n && !gs_yaml_is_null(n))
		set_origin(cfg, GS_CONFIG_REQUIRE_SPECS, yaml_origin(key));
	if ((error = lookup(&n, &key, &field, root, breaking_names, GS_ARRAY_SIZE(breaking_names))) < 0)
		goto done;
	if (n && !gs_yaml_is_null(n) &&
	    (error = parse_breaking(&cfg->refuse_breaking, n->type == GS_YAML_SCALAR ? n->value : NULL)) < 0) {
		error = file_error(n, field, "expected allow or refuse");
		goto done;
	}
	if (n && !gs_yaml_is_null(n))
		set_origin(cfg, GS_CONFIG_BREAKING, yaml_origin(key));
	/* only a file that is otherwise valid: an error is worth more than a warning */
	yaml_unknown_keys(root);
done:
	gs_yaml_free(root);
	return error;
}

static gs_config_origin git_origin(const git_config_entry *e)
{
	gs_config_origin o = { GS_CONFIG_SCOPE_LOCAL, (int)e->level, 0 };

	switch (e->level) {
	case GIT_CONFIG_LEVEL_PROGRAMDATA:
	case GIT_CONFIG_LEVEL_SYSTEM:
		o.scope = GS_CONFIG_SCOPE_SYSTEM;
		break;
	case GIT_CONFIG_LEVEL_XDG:
	case GIT_CONFIG_LEVEL_GLOBAL:
		o.scope = GS_CONFIG_SCOPE_GLOBAL;
		break;
	case GIT_CONFIG_LEVEL_APP:
		o.scope = GS_CONFIG_SCOPE_COMMAND;
		break;
	default:
		break;
	}
	return o;
}

void gs_config_origin_path(gs_buf *out, git_repository *repo, const gs_config_origin *o)
{
	git_buf path = GIT_BUF_INIT;
	int found = -1;

	gs_buf_clear(out);
	switch (o->scope) {
	case GS_CONFIG_SCOPE_GITSPEC:
		gs_buf_puts(out, GS_CONFIG_FILE);
		goto done;
	case GS_CONFIG_SCOPE_DEFAULT:
	case GS_CONFIG_SCOPE_COMMAND:
		goto done;
	default:
		break;
	}
	switch (o->level) {
	case GIT_CONFIG_LEVEL_PROGRAMDATA:
		found = git_config_find_programdata(&path);
		break;
	case GIT_CONFIG_LEVEL_SYSTEM:
		found = git_config_find_system(&path);
		break;
	case GIT_CONFIG_LEVEL_XDG:
		found = git_config_find_xdg(&path);
		break;
	case GIT_CONFIG_LEVEL_GLOBAL:
		found = git_config_find_global(&path);
		break;
	case GIT_CONFIG_LEVEL_LOCAL:
		if (repo)
			found = git_repository_item_path(&path, repo, GIT_REPOSITORY_ITEM_CONFIG);
		break;
	default:
		break;
	}
	git_error_clear();
	if (found < 0 || !path.ptr)
		goto done;
	/* the repository's own file as git shows it from the top: .git/config */
	if (repo && git_repository_workdir(repo) &&
	    !strncmp(path.ptr, git_repository_workdir(repo), strlen(git_repository_workdir(repo))))
		gs_buf_puts(out, path.ptr + strlen(git_repository_workdir(repo)));
	else
		gs_buf_puts(out, path.ptr);
done:
	git_buf_dispose(&path);
}

/* How a warning names where a git config entry is: its file, or the command line. */
static void git_where(gs_buf *out, git_repository *repo, const gs_config_origin *o)
{
	gs_config_origin_path(out, repo, o);
	if (!out->size)
		gs_buf_puts(out, o->scope == GS_CONFIG_SCOPE_COMMAND ? "the command line (git -c)" : "git config");
}

static int git_read_error(void)
{
	return gs_error_set_git("cannot read git config");
}

/*
 * A multi-valued git config key: when it has values they replace the list
 * (values from every level, lowest first, as git reads them). An empty
 * value clears what came before it, as for git's own list settings.
 */
static int read_git_list(gs_config *cfg, int s, git_config *gc)
{
	gs_strvec *out = s == GS_CONFIG_ROOTS ? &cfg->roots :
			 s == GS_CONFIG_IGNORE ? &cfg->ignore : &cfg->test_patterns;
	git_config_iterator *it = NULL;
	git_config_entry *entry;
	gs_strvec values = GS_STRVEC_INIT;
	gs_config_origin *origins = NULL, last = { GS_CONFIG_SCOPE_DEFAULT, 0, 0 };
	size_t nr = 0, alloc = 0, i;
	int error, seen = 0;

	error = git_config_multivar_iterator_new(&it, gc, settings[s].key, NULL);
	if (error == GIT_ENOTFOUND) {
		error = 0;
		goto done;
	}
	if (error < 0) {
		error = git_read_error();
		goto done;
	}
	while ((error = git_config_next(&entry, it)) == 0) {
		seen = 1;
		last = git_origin(entry);
		if (!entry->value || !*entry->value) {
			gs_strvec_clear(&values);
			nr = 0;
		} else {
			gs_strvec_push(&values, entry->value);
			GS_ALLOC_GROW(origins, nr + 1, alloc);
			origins[nr++] = last;
		}
	}
	if (error != GIT_ITEROVER) {
		error = git_read_error();
		goto done;
	}
	error = 0;
	if (seen) {
		gs_strvec_clear(out);
		*out = values;
		gs_strvec_init(&values);
		set_origin(cfg, s, last);
		for (i = 0; i < nr; i++)
			push_item_origin(cfg, s, origins[i]);
	}
done:
	free(origins);
	git_config_iterator_free(it);
	gs_strvec_clear(&values);
	return error;
}

/*
 * The entry of a single-valued key (the last one given, of the highest
 * level); *out NULL when there is none. A key given without '=' (git -c
 * spec.requireSpecs) has no value: only booleans take that.
 */
static int git_entry(git_config_entry **out, git_config *gc, int s)
{
	int error = git_config_get_entry(out, gc, settings[s].key);

	if (error == GIT_ENOTFOUND) {
		*out = NULL;
		return 0;
	}
	if (error < 0)
		return git_read_error();
	return 0;
}

/* Warn about each spec.* key of git config that names no setting. */
static int git_unknown_keys(git_config *gc, git_repository *repo)
{
	const char *known[GS_CONFIG_SETTINGS_NR];
	git_config_iterator *it = NULL;
	git_config_entry *entry;
	gs_buf where = GS_BUF_INIT;
	size_t i;
	int error;

	for (i = 0; i < GS_CONFIG_SETTINGS_NR; i++)
		known[i] = settings[i].key;
	/*
	 * Every entry, filtered here: libgit2 1.5's regex iterator
	 * (git_config_iterator_glob_new) leaks PCRE2 match data per entry.
	 */
	if (git_config_iterator_new(&it, gc) < 0) {
		error = git_read_error();
		goto done;
	}
	while ((error = git_config_next(&entry, it)) == 0) {
		gs_config_origin o;
		int found = 0;

		if (strncasecmp(entry->name, "spec.", 5))
			continue;
		o = git_origin(entry);

		for (i = 0; i < GS_CONFIG_SETTINGS_NR && !found; i++)
			found = !strcasecmp(entry->name, known[i]);
		if (found)
			continue;
		git_where(&where, repo, &o);
		warn_unknown(entry->name, where.ptr, o.scope == GS_CONFIG_SCOPE_COMMAND ? "" : where.ptr,
			     0, 0, known, GS_CONFIG_SETTINGS_NR, 1);
	}
	error = error == GIT_ITEROVER ? 0 : git_read_error();
done:
	git_config_iterator_free(it);
	gs_buf_release(&where);
	return error;
}

static int config_read_git(gs_config *cfg, git_repository *repo)
{
	git_config *gc = NULL;
	git_config_entry *e = NULL;
	int error, b;

	if (git_repository_config_snapshot(&gc, repo) < 0) {
		error = gs_error_set_git("cannot read git config");
		goto done;
	}
	if ((error = git_entry(&e, gc, GS_CONFIG_SPECS_DIR)) < 0)
		goto done;
	if (e) {
		if (!e->value) {
			error = gs_error_set(GS_EINPUT, "git config spec.specsDir: missing value; "
					     "fix it with `git config spec.specsDir DIR`");
			goto done;
		}
		if (set_specs_dir(cfg, e->value) < 0) {
			gs_buf msg = GS_BUF_INIT;

			gs_buf_sets(&msg, gs_error_last());
			error = gs_error_set(GS_EINPUT, "git config spec.specsDir: %s; "
					     "fix it with `git config spec.specsDir DIR`", msg.ptr);
			gs_buf_release(&msg);
			goto done;
		}
		set_origin(cfg, GS_CONFIG_SPECS_DIR, git_origin(e));
	}
	if ((error = read_git_list(cfg, GS_CONFIG_ROOTS, gc)) < 0 ||
	    (error = read_git_list(cfg, GS_CONFIG_IGNORE, gc)) < 0 ||
	    (error = read_git_list(cfg, GS_CONFIG_TESTS, gc)) < 0)
		goto done;
	git_config_entry_free(e);
	if ((error = git_entry(&e, gc, GS_CONFIG_REQUIRE_SPECS)) < 0)
		goto done;
	if (e) {
		/* a key without a value is true, as git has it */
		if (e->value && git_config_parse_bool(&b, e->value) < 0) {
			git_error_clear();
			error = gs_error_set(GS_EINPUT, "git config spec.requireSpecs: not a boolean; "
					     "fix it with `git config spec.requireSpecs true`");
			goto done;
		}
		cfg->require_specs = e->value ? b : 1;
		set_origin(cfg, GS_CONFIG_REQUIRE_SPECS, git_origin(e));
	}
	git_config_entry_free(e);
	if ((error = git_entry(&e, gc, GS_CONFIG_BREAKING)) < 0)
		goto done;
	if (e) {
		if (parse_breaking(&cfg->refuse_breaking, e->value) < 0) {
			error = gs_error_set(GS_EINPUT, "git config spec.breakingChanges: '%s' is not allow "
					     "or refuse", e->value ? e->value : "");
			goto done;
		}
		set_origin(cfg, GS_CONFIG_BREAKING, git_origin(e));
	}
	error = git_unknown_keys(gc, repo);
done:
	git_config_entry_free(e);
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
