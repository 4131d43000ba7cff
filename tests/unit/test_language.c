/*
 * The language seam (language.h, docs/ARCHITECTURE.md): a toy language
 * that shares nothing with Python drives the packages scanner, the
 * engine and the contract writer. Nothing below the seam may know a
 * Python word for this to pass: a package is a directory holding
 * "pkg.toy", sources end in ".toy", a marker is written "#tag", and a
 * Python file in the same tree is not a source.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "helpers.h"
#include "gitspec/config.h"
#include "gitspec/source.h"
#include "gitspec/packages.h"
#include "gitspec/engine.h"
#include "gitspec/language.h"
#include "gitspec/apidiff.h"
#include "gitspec/spec.h"

struct toy_parser {
	int files;   /* how many files this parser extracted */
};

static int toy_is_source(const char *path, size_t len)
{
	return len > 4 && !memcmp(path + len - 4, ".toy", 4);
}

static size_t toy_marker_len(const char *path, size_t len)
{
	static const char m[] = "pkg.toy";
	size_t n = sizeof(m) - 1;

	if (len < n || memcmp(path + len - n, m, n) || (len > n && path[len - n - 1] != '/'))
		return 0;
	return n;
}

static int toy_parser_new(gs_parser **out)
{
	*out = (gs_parser *)gs_xcalloc(1, sizeof(struct toy_parser));
	return 0;
}

static void toy_parser_free(gs_parser *p)
{
	free(p);
}

static char *dup_word(const char *s, size_t len)
{
	return gs_xstrndup(s, len);
}

/*
 * One definition a line: "fn NAME" (a function, public unless NAME starts
 * with '-'), "#TAG" (a marker of the next definition), "export NAME", or
 * "bad" (a syntax error at that line).
 */
static int toy_extract(gs_module **out, gs_parser *parser, const char *path, const char *data,
		       size_t len)
{
	gs_module *mod = gs_xcalloc(1, sizeof(*mod));
	char **tags = NULL;
	size_t tags_nr = 0, pos = 0, line = 0;

	((struct toy_parser *)parser)->files++;
	mod->path = gs_xstrdup(path);
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;
		const char *l = data + pos;
		size_t n = end - pos;

		line++;
		if (n > 3 && !memcmp(l, "fn ", 3)) {
			gs_symbol *s;

			mod->symbols = gs_xrealloc(mod->symbols, (mod->symbols_nr + 1) * sizeof(*s));
			s = &mod->symbols[mod->symbols_nr++];
			memset(s, 0, sizeof(*s));
			s->kind = GS_SYM_FUNCTION;
			s->name = dup_word(l + 3, n - 3);
			s->parent = -1;
			s->public = l[3] != '-';
			s->has_params = 1;
			s->line = line;
			s->markers = tags;
			s->markers_nr = tags_nr;
			tags = NULL;
			tags_nr = 0;
		} else if (n > 1 && l[0] == '#') {
			tags = gs_xrealloc(tags, (tags_nr + 1) * sizeof(*tags));
			tags[tags_nr++] = dup_word(l + 1, n - 1);
		} else if (n > 7 && !memcmp(l, "export ", 7)) {
			mod->has_exports = 1;
			mod->exports = gs_xrealloc(mod->exports, (mod->exports_nr + 1) * sizeof(char *));
			mod->exports[mod->exports_nr++] = dup_word(l + 7, n - 7);
		} else if (n == 3 && !memcmp(l, "bad", 3)) {
			while (tags_nr)
				free(tags[--tags_nr]);
			free(tags);
			gs_module_free(mod);
			*out = NULL;
			return gs_error_set_at(GS_EINPUT, path, line, 1, "%s:%zu:1: toy syntax error",
					       path, line);
		}
		pos = end + 1;
	}
	while (tags_nr)
		free(tags[--tags_nr]);
	free(tags);
	*out = mod;
	return 0;
}

/* "a/b.toy" below the package: ".a.b"; the package's own file: nothing. */
static void toy_module_suffix(gs_buf *out, const char *rel)
{
	size_t i;

	if (!strcmp(rel, "pkg.toy"))
		return;
	gs_buf_putc(out, '.');
	i = out->size;
	gs_buf_put(out, rel, strlen(rel) - 4);
	for (; i < out->size; i++)
		if (out->ptr[i] == '/')
			out->ptr[i] = '.';
}

static int toy_module_public(const char *rel)
{
	return rel[0] != '-';
}

static const char *const toy_markers[] = { "pkg.toy", NULL };
static const char *const toy_tests[] = { "check-*.toy", NULL };

static const gs_language toy = {
	.id = "toy",
	.name = "Toy",
	.package_noun = "Toy package",
	.package_markers = toy_markers,
	.package_marker = "pkg.toy",
	.test_patterns = toy_tests,
	.is_source = toy_is_source,
	.marker_len = toy_marker_len,
	.parser_new = toy_parser_new,
	.parser_free = toy_parser_free,
	.extract = toy_extract,
	.marker_prefix = "#",
	.markers_key = "tags",
	.markers_changed = { "tags_changed", "Tags were changed" },
	.export_removed = { "export_removed", "Name was removed from the exports" },
	.module_suffix = toy_module_suffix,
	.module_public = toy_module_public,
};

#define CONTAINS(buf, s) do { if (!strstr((buf).ptr, (s))) \
	fail_msg("'%s' not in:\n%s", (s), (buf).ptr); } while (0)
#define LACKS(buf, s) do { if (strstr((buf).ptr, (s))) \
	fail_msg("'%s' unexpectedly in:\n%s", (s), (buf).ptr); } while (0)

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const gs_source_entry *)a)->path, ((const gs_source_entry *)b)->path);
}

static void test_packages(void **state)
{
	static const char *const paths[] = {
		"a/pkg.toy", "a/x.toy", "a/check-x.toy", "a/notes.txt", "a/b/pkg.toy", "a/b/y.toy",
		"c/__init__.py", "c/z.py", "pkg.toy", "d/xpkg.toy"
	};
	gs_source_entry v[GS_ARRAY_SIZE(paths)];
	gs_package_list list = GS_PACKAGE_LIST_INIT;
	const gs_source_entry **files = NULL;
	gs_buf b = GS_BUF_INIT;
	size_t i, nr = 0;

	(void)state;
	memset(v, 0, sizeof(v));
	for (i = 0; i < GS_ARRAY_SIZE(paths); i++) {
		v[i].path = (char *)paths[i];
		v[i].mode = 0100644;
	}
	qsort(v, GS_ARRAY_SIZE(v), sizeof(v[0]), cmp_entry);

	assert_int_equal(gs_packages_scan_entries(&list, v, GS_ARRAY_SIZE(v), NULL), 0);
	/* no Python package, no package at the root, no "xpkg.toy" */
	assert_int_equal(list.nr, 2);
	assert_string_equal(list.v[0].path, "a");
	assert_string_equal(list.v[0].module, "a");
	assert_int_equal(list.v[0].leaf, 0);
	assert_string_equal(list.v[1].path, "a/b");
	assert_string_equal(list.v[1].module, "a.b");

	/* the files of "a": its Toy sources, not its subpackage's nor the text */
	assert_int_equal(gs_package_files_entries(&files, &nr, v, GS_ARRAY_SIZE(v), &list,
						  &list.v[0], 0), 0);
	assert_int_equal(nr, 3);
	assert_string_equal(files[0]->path, "a/check-x.toy");
	assert_string_equal(files[1]->path, "a/pkg.toy");
	assert_string_equal(files[2]->path, "a/x.toy");
	free(files);

	assert_true(gs_language_is_source("a/x.toy"));
	assert_false(gs_language_is_source("c/z.py"));
	assert_true(gs_language_is_marker("a/b/pkg.toy"));
	assert_false(gs_language_is_marker("c/__init__.py"));
	gs_language_marker_path(&b, "a/b", 3);
	assert_string_equal(b.ptr, "a/b/pkg.toy");

	gs_buf_release(&b);
	gs_package_list_clear(&list);
}

static void test_engine(void **state)
{
	git_repository *repo = NULL;
	gs_source *src = NULL;
	gs_config cfg;
	gs_package_list pkgs = GS_PACKAGE_LIST_INIT;
	gs_engine *eng = NULL;
	gs_buf out = GS_BUF_INIT;

	(void)state;
	th_write_file("a/pkg.toy", "export f\nexport g\nexport f\nfn g\n");
	th_write_file("a/x.toy", "#hot\n#cold\nfn f\nfn -hidden\n");
	th_write_file("a/check-x.toy", "fn check_f\n");
	th_write_file("a/y.py", "def python(): pass\n");
	th_write_file("broken/pkg.toy", "fn ok\nbad\n");
	th_run("git add -A && git commit -qm toy");

	assert_int_equal(git_repository_open(&repo, "."), 0);
	assert_int_equal(gs_source_open_tree(&src, repo, "HEAD"), 0);
	gs_config_init(&cfg);
	/* the defaults come from the language */
	assert_int_equal(cfg.test_patterns.nr, 1);
	assert_string_equal(cfg.test_patterns.v[0], "check-*.toy");
	assert_int_equal(gs_packages_scan(&pkgs, src, &cfg), 0);
	assert_int_equal(pkgs.nr, 2);
	assert_int_equal(gs_engine_new(&eng, &cfg, NULL), 0);

	assert_int_equal(gs_engine_contract(&out, eng, src, &pkgs, gs_packages_find(&pkgs, "a"),
					    "a", 0, GS_VARIANT_PUBLIC, GS_FORMAT_MARKDOWN), 0);
	CONTAINS(out, "\n## Exports\n\n- `f`\n- `g`\n\n## `a/pkg.toy`\n");
	CONTAINS(out, "- `#hot #cold def f()`\n");
	LACKS(out, "hidden");
	LACKS(out, "check");
	LACKS(out, "python");

	gs_buf_clear(&out);
	assert_int_equal(gs_engine_contract(&out, eng, src, &pkgs, gs_packages_find(&pkgs, "a"),
					    "a", 0, GS_VARIANT_TESTS, GS_FORMAT_JSON), 0);
	CONTAINS(out, "\"path\": \"a/check-x.toy\"");
	CONTAINS(out, "\"tags\": []");

	gs_buf_clear(&out);
	assert_int_equal(gs_engine_contract(&out, eng, src, &pkgs, gs_packages_find(&pkgs, "a"),
					    "a", 0, GS_VARIANT_ALL, GS_FORMAT_JSON), 0);
	CONTAINS(out, "\"tags\": [\n            \"#hot\",\n            \"#cold\"\n          ]");

	gs_buf_clear(&out);
	assert_int_equal(gs_engine_contract(&out, eng, src, &pkgs, gs_packages_find(&pkgs, "broken"),
					    "broken", 0, GS_VARIANT_PUBLIC, GS_FORMAT_MARKDOWN),
			 GS_EINPUT);
	assert_non_null(strstr(gs_error_last(), "broken/pkg.toy:2:1: toy syntax error"));

	gs_buf_release(&out);
	gs_engine_free(eng);
	gs_package_list_clear(&pkgs);
	gs_config_release(&cfg);
	gs_source_free(src);
	git_repository_free(repo);
}

/* `git spec diff` kinds the language names. */
static void test_words(void **state)
{
	(void)state;
	assert_string_equal(gs_change_kind_name(GS_CHANGE_MARKERS_CHANGED), "tags_changed");
	assert_string_equal(gs_change_kind_message(GS_CHANGE_EXPORT_REMOVED),
			    "Name was removed from the exports");
	assert_ptr_equal(gs_language_find("toy"), NULL);
	assert_ptr_equal(gs_language_default(), &toy);
}

/* Specs: the sources of the language in use are read, others skipped. */
static void test_specs(void **state)
{
	static const char text[] =
		"---\nid: SPEC-001\nsources:\n"
		"- language: python\n  identifier: c\n"
		"  variants:\n  - name: public\n    path: c.md\n"
		"- language: toy\n  identifier: a\n"
		"  variants:\n  - name: public\n    path: a.md\n"
		"- identifier: a/b\n"
		"  variants:\n  - name: public\n    path: b.md\n---\n";
	gs_spec *spec = NULL;
	gs_buf out = GS_BUF_INIT;

	(void)state;
	assert_int_equal(gs_spec_parse(&spec, "specify/SPEC-001.md", text, strlen(text)), 0);
	assert_int_equal(spec->sources_nr, 2);
	assert_string_equal(spec->sources[0].identifier, "a");
	assert_string_equal(spec->sources[1].identifier, "a/b");
	assert_string_equal(spec->sources[1].language, "toy");
	gs_spec_free(spec);

	gs_spec_format(&out, "SPEC-002", "a", NULL, "A", "2026-11-30");
	assert_non_null(strstr(out.ptr, "- language: toy\n"));
	gs_buf_release(&out);
}

static int setup(void **state)
{
	(void)state;
	gs_language_use(&toy);
	return th_repo_setup("language");
}

static int teardown(void **state)
{
	(void)state;
	gs_language_use(NULL);
	return th_repo_teardown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packages),
		cmocka_unit_test(test_engine),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_specs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
