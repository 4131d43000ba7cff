#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/config.h"
#include "gitspec/source.h"
#include "gitspec/suggest.h"

static char tmpdir[] = "/tmp/gitspec-config-XXXXXX";

static int run(const char *fmt, ...) GS_PRINTF(1, 2);
static int run(const char *fmt, ...)
{
	gs_buf cmd = GS_BUF_INIT;
	va_list ap;
	int rc;

	gs_buf_printf(&cmd, "cd '%s' && (", tmpdir);
	va_start(ap, fmt);
	gs_buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	gs_buf_puts(&cmd, ") >/dev/null 2>&1");
	rc = system(cmd.ptr);
	gs_buf_release(&cmd);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("HOME", tmpdir, 1);
	unsetenv("XDG_CONFIG_HOME");
	/* after HOME: libgit2 finds the global configuration from it once */
	git_libgit2_init();
	return run("git init -q repo && cd repo && git config user.name T && "
		   "git config user.email t@example.com");
}

static int teardown(void **state)
{
	gs_buf cmd = GS_BUF_INIT;

	(void)state;
	gs_buf_printf(&cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd.ptr) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	gs_buf_release(&cmd);
	git_libgit2_shutdown();
	return 0;
}

static void test_defaults(void **state)
{
	gs_config cfg;

	(void)state;
	gs_config_init(&cfg);
	assert_string_equal(cfg.specs_dir, "specify/tech");
	assert_int_equal(cfg.roots.nr, 0);
	assert_int_equal(cfg.require_specs, 0);
	assert_true(gs_config_is_test_file(&cfg, "pkg/tests/test_x.py"));
	assert_true(gs_config_is_test_file(&cfg, "pkg/x_test.py"));
	assert_true(gs_config_is_test_file(&cfg, "conftest.py"));
	assert_false(gs_config_is_test_file(&cfg, "pkg/testing.py"));
	assert_false(gs_config_is_test_file(&cfg, "test_dir/x.py"));
	assert_true(gs_config_is_ignored_dir(&cfg, "a/.hidden", ".hidden"));
	assert_true(gs_config_is_ignored_dir(&cfg, "node_modules", "node_modules"));
	assert_true(gs_config_is_ignored_dir(&cfg, "x/.venv", ".venv"));
	assert_true(gs_config_is_ignored_dir(&cfg, "x/venv", "venv"));
	assert_true(gs_config_is_ignored_dir(&cfg, "build", "build"));
	assert_true(gs_config_is_ignored_dir(&cfg, "a/dist", "dist"));
	assert_false(gs_config_is_ignored_dir(&cfg, "src", "src"));
	assert_false(gs_config_is_ignored_dir(&cfg, "a/builder", "builder"));
	gs_config_release(&cfg);
	gs_config_release(NULL);
}

static void test_parse_good(void **state)
{
	const char *text =
		"# comment\n"
		"specs: docs/specs/\n"
		"roots: [src, 'apps/*/src']\n"
		"ignore:\n  - vendor\n  - third_party/*\n"
		"tests: [check_*.py]\n"
		"requireSpecs: yes\n"
		"breakingChanges: refuse\n"
		"future: {unknown: key}\n";
	gs_config cfg;

	(void)state;
	gs_config_init(&cfg);
	assert_int_equal(gs_config_parse(&cfg, text, strlen(text)), 0);
	assert_string_equal(cfg.specs_dir, "docs/specs");
	assert_int_equal(cfg.roots.nr, 2);
	assert_string_equal(cfg.roots.v[1], "apps/*/src");
	assert_int_equal(cfg.ignore.nr, 2);
	assert_int_equal(cfg.require_specs, 1);
	assert_int_equal(cfg.refuse_breaking, 1);
	assert_true(gs_config_is_test_file(&cfg, "a/check_x.py"));
	assert_false(gs_config_is_test_file(&cfg, "a/test_x.py"));
	/* the list replaced the defaults, hidden directories stay skipped */
	assert_false(gs_config_is_ignored_dir(&cfg, "build", "build"));
	assert_true(gs_config_is_ignored_dir(&cfg, "x/vendor", "vendor"));
	assert_true(gs_config_is_ignored_dir(&cfg, "third_party/lib", "lib"));
	assert_false(gs_config_is_ignored_dir(&cfg, "other/lib", "lib"));
	assert_true(gs_config_is_ignored_dir(&cfg, ".tox", ".tox"));
	gs_config_release(&cfg);

	/* an empty file and a null list */
	gs_config_init(&cfg);
	assert_int_equal(gs_config_parse(&cfg, "", 0), 0);
	assert_int_equal(gs_config_parse(&cfg, "ignore: ~\n", 10), 0);
	assert_int_equal(cfg.ignore.nr, 0);
	assert_string_equal(cfg.specs_dir, "specify/tech");
	assert_int_equal(cfg.refuse_breaking, 0);
	assert_int_equal(gs_config_parse(&cfg, "breakingChanges: allow\n", 23), 0);
	assert_int_equal(cfg.refuse_breaking, 0);
	gs_config_release(&cfg);
}

static void expect_bad(const char *text, const char *needle)
{
	gs_config cfg;
	int rc;

	gs_config_init(&cfg);
	gs_error_clear();
	rc = gs_config_parse(&cfg, text, strlen(text));
	if (rc != GS_EINPUT || !strstr(gs_error_last(), needle) ||
	    !strstr(gs_error_last(), "; fix the file or remove it"))
		fail_msg("rc %d, message '%s', expected '%s'", rc, gs_error_last(), needle);
	gs_config_release(&cfg);
}

static void test_parse_bad(void **state)
{
	(void)state;
	expect_bad("- a\n", ".gitspec.yaml: file: expected a mapping");
	expect_bad("specs: [a]\n", ".gitspec.yaml: specs: expected a directory path");
	expect_bad("specs: ../x\n", ".gitspec.yaml: specs: '../x' leaves the repository");
	expect_bad("specs: .git/x\n", "'.git' component");
	expect_bad("specs: /abs\n", "absolute");
	expect_bad("roots: src\n", ".gitspec.yaml: roots: expected a list of strings");
	expect_bad("ignore: [[a]]\n", ".gitspec.yaml: ignore: item 0 is not a string");
	expect_bad("tests: {a: b}\n", ".gitspec.yaml: tests: expected a list");
	expect_bad("requireSpecs: maybe\n", ".gitspec.yaml: requireSpecs: expected true or false");
	expect_bad("requireSpecs: 'true'\n", "requireSpecs: expected true or false");
	expect_bad("breakingChanges: never\n", ".gitspec.yaml: breakingChanges: expected allow or refuse");
	expect_bad("breakingChanges: [refuse]\n", "breakingChanges: expected allow or refuse");
	expect_bad("specs: a\nspecsDir: b\n", "also given as 'specs'");
	expect_bad("roots: [a]\nroots: [b]\n", "roots: given twice");
	/* tabs, aliases and anchors */
	expect_bad("roots:\n\t- src\n", ".gitspec.yaml: YAML: line 2 column 1");
	expect_bad("roots: &r [src]\nignore: *r\n", "anchors are not allowed");
	expect_bad("roots: [*r]\n", "aliases are not allowed");
	expect_bad("roots: [src\n", ".gitspec.yaml: YAML: line");
}

/* The source borrows the repository: close both, open both again (fresh config). */
static void reopen(git_repository **repo, gs_source **src, const char *path)
{
	gs_source_free(*src);
	git_repository_free(*repo);
	*src = NULL;
	assert_int_equal(git_repository_open(repo, path), 0);
	assert_int_equal(gs_source_open_tree(src, *repo, "HEAD"), 0);
}

static void test_load_from_source_and_git_config(void **state)
{
	git_repository *repo = NULL;
	gs_source *src = NULL;
	gs_config cfg;
	gs_buf path = GS_BUF_INIT;

	(void)state;
	assert_int_equal(run("cd repo && printf 'specs: from/file\\nroots: [src]\\n"
			     "requireSpecs: true\\ntests: [t_*.py]\\n' > .gitspec.yaml && "
			     "git add .gitspec.yaml && git commit -qm c"), 0);
	gs_buf_printf(&path, "%s/repo", tmpdir);
	assert_int_equal(git_repository_open(&repo, path.ptr), 0);
	assert_int_equal(gs_source_open_tree(&src, repo, "HEAD"), 0);

	gs_config_init(&cfg);
	assert_int_equal(gs_config_load(&cfg, repo, src), 0);
	assert_string_equal(cfg.specs_dir, "from/file");
	assert_int_equal(cfg.roots.nr, 1);
	assert_int_equal(cfg.require_specs, 1);
	gs_config_release(&cfg);

	/* git config overrides the file; a multivar replaces the list */
	assert_int_equal(run("cd repo && git config spec.specsDir from/git && "
			     "git config --add spec.roots lib && git config --add spec.roots apps/x && "
			     "git config spec.requireSpecs false && "
			     "git config --add spec.testPatterns '' && "
			     "git config --add spec.testPatterns 'check_*.py'"), 0);
	reopen(&repo, &src, path.ptr);
	gs_config_init(&cfg);
	assert_int_equal(gs_config_load(&cfg, repo, src), 0);
	assert_string_equal(cfg.specs_dir, "from/git");
	assert_int_equal(cfg.roots.nr, 2);
	assert_string_equal(cfg.roots.v[0], "lib");
	assert_string_equal(cfg.roots.v[1], "apps/x");
	assert_int_equal(cfg.require_specs, 0);
	assert_int_equal(cfg.test_patterns.nr, 1);
	assert_string_equal(cfg.test_patterns.v[0], "check_*.py");
	gs_config_release(&cfg);

	/* bad git config values */
	assert_int_equal(run("cd repo && git config spec.requireSpecs maybe"), 0);
	reopen(&repo, &src, path.ptr);
	gs_config_init(&cfg);
	assert_int_equal(gs_config_load(&cfg, repo, src), GS_EINPUT);
	assert_non_null(strstr(gs_error_last(), "spec.requireSpecs"));
	gs_config_release(&cfg);
	assert_int_equal(run("cd repo && git config spec.requireSpecs true && "
			     "git config spec.specsDir ../out"), 0);
	reopen(&repo, &src, path.ptr);
	gs_config_init(&cfg);
	assert_int_equal(gs_config_load(&cfg, repo, src), GS_EINPUT);
	assert_non_null(strstr(gs_error_last(), "spec.specsDir: '../out' leaves the repository"));
	gs_config_release(&cfg);
	assert_int_equal(run("cd repo && git config --unset spec.specsDir"), 0);
	gs_source_free(src);
	src = NULL;

	/* a bad file in the source is bad input */
	assert_int_equal(run("cd repo && printf 'roots: src\\n' > .gitspec.yaml && "
			     "git commit -qam bad"), 0);
	assert_int_equal(gs_source_open_tree(&src, repo, "HEAD"), 0);
	gs_config_init(&cfg);
	assert_int_equal(gs_config_load(&cfg, NULL, src), GS_EINPUT);
	assert_string_equal(gs_error_last(),
			    ".gitspec.yaml: roots: expected a list of strings; fix the file or remove it");
	gs_config_release(&cfg);
	gs_source_free(src);
	src = NULL;

	/* a symlink named .gitspec.yaml is not read */
	assert_int_equal(run("cd repo && git rm -q .gitspec.yaml && "
			     "ln -s /etc/passwd .gitspec.yaml && git add .gitspec.yaml && "
			     "git commit -qm link"), 0);
	assert_int_equal(gs_source_open_tree(&src, repo, "HEAD"), 0);
	gs_config_init(&cfg);
	assert_int_equal(gs_config_load(&cfg, NULL, src), 0);
	assert_string_equal(cfg.specs_dir, "specify/tech");
	gs_config_release(&cfg);

	gs_source_free(src);
	git_repository_free(repo);
	gs_buf_release(&path);
}

/* The warnings sent, one "path:line:column: message" a line. */
static void collect(const gs_config_warning *w, void *payload)
{
	gs_buf_printf((gs_buf *)payload, "%s:%u:%u: %s [%s]\n", w->path, w->line, w->column, w->message, w->code);
}

static void test_unknown_keys(void **state)
{
	const char *text = "specs: docs\nrequireSpec: true\nroot: [src]\ncolour: blue\nbreaking: refuse\n";
	gs_buf got = GS_BUF_INIT;
	gs_config cfg;

	(void)state;
	gs_config_warnings_reset();
	gs_config_set_warning_fn(collect, &got);
	gs_config_init(&cfg);
	assert_int_equal(gs_config_parse(&cfg, text, strlen(text)), 0);
	assert_string_equal(got.ptr,
		".gitspec.yaml:2:1: unknown key 'requireSpec' in .gitspec.yaml:2; did you mean 'requireSpecs'? [unknown-key]\n"
		".gitspec.yaml:3:1: unknown key 'root' in .gitspec.yaml:3; did you mean 'roots'? [unknown-key]\n"
		".gitspec.yaml:4:1: unknown key 'colour' in .gitspec.yaml:4 [unknown-key]\n"
		".gitspec.yaml:5:1: unknown key 'breaking' in .gitspec.yaml:5; did you mean 'breakingChanges'? [unknown-key]\n");
	/* once per run */
	gs_buf_clear(&got);
	assert_int_equal(gs_config_parse(&cfg, text, strlen(text)), 0);
	assert_int_equal(got.size, 0);
	gs_config_warnings_reset();
	assert_int_equal(gs_config_parse(&cfg, text, strlen(text)), 0);
	assert_non_null(strstr(got.ptr, "'requireSpec'"));
	/* the other spellings are known; a file with an error warns of nothing */
	gs_buf_clear(&got);
	gs_config_warnings_reset();
	assert_int_equal(gs_config_parse(&cfg, "specsDir: a\ntest_patterns: []\n", 30), 0);
	assert_int_equal(got.size, 0);
	assert_int_equal(gs_config_parse(&cfg, "colour: x\nroots: x\n", 19), GS_EINPUT);
	assert_int_equal(got.size, 0);
	gs_config_release(&cfg);
	gs_config_set_warning_fn(NULL, NULL);
	gs_config_warnings_reset();
	gs_buf_release(&got);
}

static void test_suggest(void **state)
{
	static const char *const known[] = { "roots", "ignore", "requireSpecs" };

	(void)state;
	assert_int_equal(gs_edit_distance("kitten", "sitting", 0), 3);
	assert_int_equal(gs_edit_distance("ROOTS", "roots", 1), 0);
	assert_int_equal(gs_edit_distance("ROOTS", "roots", 0), 5);
	assert_string_equal(gs_suggest("requirespecs", known, 3, 1), "requireSpecs");
	assert_string_equal(gs_suggest("ign", known, 3, 0), "ignore");
	assert_null(gs_suggest("colour", known, 3, 0));
	assert_null(gs_suggest("", known, 3, 0));
}

static void test_origins(void **state)
{
	const char *text = "# c\nspecs: docs\nroots:\n  - src\n  - lib\nrequireSpecs: true\n";
	git_repository *repo = NULL;
	gs_source *src = NULL;
	gs_buf path = GS_BUF_INIT, got = GS_BUF_INIT, file = GS_BUF_INIT;
	gs_config cfg;

	(void)state;
	gs_config_init(&cfg);
	assert_int_equal(cfg.origin[GS_CONFIG_SPECS_DIR].whole.scope, GS_CONFIG_SCOPE_DEFAULT);
	assert_int_equal(gs_config_parse(&cfg, text, strlen(text)), 0);
	assert_int_equal(cfg.origin[GS_CONFIG_SPECS_DIR].whole.scope, GS_CONFIG_SCOPE_GITSPEC);
	assert_int_equal(cfg.origin[GS_CONFIG_SPECS_DIR].whole.line, 2);
	assert_int_equal(cfg.origin[GS_CONFIG_ROOTS].whole.line, 3);
	assert_int_equal(cfg.origin[GS_CONFIG_ROOTS].nr, 2);
	assert_int_equal(cfg.origin[GS_CONFIG_ROOTS].items[1].line, 5);
	assert_int_equal(cfg.origin[GS_CONFIG_REQUIRE_SPECS].whole.line, 6);
	assert_int_equal(cfg.origin[GS_CONFIG_IGNORE].whole.scope, GS_CONFIG_SCOPE_DEFAULT);
	gs_config_release(&cfg);

	/* git config: each value of a list with its level; unknown keys with their file */
	run("cd repo && git config --unset-all spec.roots; git config --global --unset-all spec.roots");
	assert_int_equal(run("cd repo && git config --global spec.roots g && git config spec.roots l && "
			     "git config spec.rots x && git config --global spec.Other.key y"), 0);
	gs_buf_printf(&path, "%s/repo", tmpdir);
	assert_int_equal(git_repository_open(&repo, path.ptr), 0);
	assert_int_equal(gs_source_open_tree(&src, repo, "HEAD"), 0);
	gs_config_warnings_reset();
	gs_config_set_warning_fn(collect, &got);
	gs_config_init(&cfg);
	assert_int_equal(gs_config_load(&cfg, repo, src), 0);
	assert_int_equal(cfg.roots.nr, 2);
	assert_int_equal(cfg.origin[GS_CONFIG_ROOTS].items[0].scope, GS_CONFIG_SCOPE_GLOBAL);
	assert_int_equal(cfg.origin[GS_CONFIG_ROOTS].items[1].scope, GS_CONFIG_SCOPE_LOCAL);
	assert_int_equal(cfg.origin[GS_CONFIG_ROOTS].whole.scope, GS_CONFIG_SCOPE_LOCAL);
	gs_config_origin_path(&file, repo, &cfg.origin[GS_CONFIG_ROOTS].items[1]);
	assert_string_equal(file.ptr, ".git/config");
	gs_config_origin_path(&file, repo, &cfg.origin[GS_CONFIG_ROOTS].items[0]);
	assert_non_null(strstr(file.ptr, "/.gitconfig"));
	assert_true(file.ptr[0] == '/');
	gs_config_origin_path(&file, repo, &cfg.origin[GS_CONFIG_SPECS_DIR].whole);
	assert_string_equal(file.ptr, "");
	assert_non_null(strstr(got.ptr, ".git/config:0:0: unknown key 'spec.rots' in .git/config; "
			       "did you mean 'spec.roots'? [unknown-key]\n"));
	assert_non_null(strstr(got.ptr, "unknown key 'spec.Other.key' in /"));
	assert_string_equal(gs_config_scope_name(GS_CONFIG_SCOPE_COMMAND), "command");
	gs_config_release(&cfg);
	assert_int_equal(run("cd repo && git config --global --unset-all spec.roots && git config --unset-all spec.roots && "
			     "git config --unset spec.rots && git config --global --remove-section spec.Other"), 0);
	gs_config_set_warning_fn(NULL, NULL);
	gs_config_warnings_reset();
	gs_source_free(src);
	git_repository_free(repo);
	gs_buf_release(&path);
	gs_buf_release(&got);
	gs_buf_release(&file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_load_from_source_and_git_config),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_origins),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
