#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <cmocka.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/spec.h"

#define SPEC_PATH "specify/tech/SPEC-001/SPEC-001.md"

static const char good_spec[] =
	"---\n"
	"id: SPEC-045\n"
	"slug: supekku-scripts-lib-formatters\n"
	"name: supekku/scripts/lib/formatters Specification\n"
	"created: '2026-11-21'\n"
	"updated: '2026-11-21'\n"
	"status: draft\n"
	"kind: spec\n"
	"extra:\n"
	"  nested: [1, 2, {a: b}]\n"
	"sources:\n"
	"- language: python\n"
	"  identifier: supekku/scripts/lib/formatters/\n"
	"  module: supekku.scripts.lib.formatters\n"
	"  unknown_key: kept\n"
	"  variants:\n"
	"  - name: public\n"
	"    path: contracts/public.md\n"
	"  - name: all\n"
	"    path: ./contracts/all.md\n"
	"  - name: tests\n"
	"    path: contracts/tests.md\n"
	"---\n"
	"\n"
	"# Body\n"
	"---\n";

static void test_parse_good(void **state)
{
	gs_spec *spec = NULL;

	(void)state;
	assert_int_equal(gs_spec_parse(&spec, SPEC_PATH, good_spec, strlen(good_spec)), 0);
	assert_string_equal(spec->id, "SPEC-045");
	assert_string_equal(spec->path, SPEC_PATH);
	assert_string_equal(spec->dir, "specify/tech/SPEC-001");
	assert_string_equal(spec->name, "supekku/scripts/lib/formatters Specification");
	assert_string_equal(spec->slug, "supekku-scripts-lib-formatters");
	assert_string_equal(spec->status, "draft");
	assert_int_equal(spec->sources_nr, 1);
	assert_string_equal(spec->sources[0].language, "python");
	assert_string_equal(spec->sources[0].identifier, "supekku/scripts/lib/formatters");
	assert_string_equal(spec->sources[0].module, "supekku.scripts.lib.formatters");
	assert_int_equal(spec->sources[0].rollup, 0);
	assert_int_equal(spec->sources[0].variants_nr, 3);
	assert_int_equal(spec->sources[0].variants[0].variant, GS_VARIANT_PUBLIC);
	assert_string_equal(spec->sources[0].variants[0].repo_path,
			    "specify/tech/SPEC-001/contracts/public.md");
	assert_int_equal(spec->sources[0].variants[1].variant, GS_VARIANT_ALL);
	assert_string_equal(spec->sources[0].variants[1].path, "./contracts/all.md");
	assert_string_equal(spec->sources[0].variants[1].repo_path,
			    "specify/tech/SPEC-001/contracts/all.md");
	assert_int_equal(spec->sources[0].variants[2].variant, GS_VARIANT_TESTS);
	gs_spec_free(spec);
}

static void test_parse_crlf_and_dots(void **state)
{
	const char *text = "---\r\nid: SPEC-002\r\nsources:\r\n- identifier: pkg\r\n  rollup: true\r\n"
		"  variants:\r\n  - {name: api, path: a.md}\r\n  - {name: implementation, path: b.md}\r\n...\r\nbody\r\n";
	gs_spec *spec = NULL;

	(void)state;
	assert_int_equal(gs_spec_parse(&spec, "SPEC-002.md", text, strlen(text)), 0);
	assert_string_equal(spec->dir, "");
	assert_int_equal(spec->sources[0].rollup, 1);
	assert_string_equal(spec->sources[0].language, "python");
	assert_int_equal(spec->sources[0].variants[0].variant, GS_VARIANT_PUBLIC);
	assert_string_equal(spec->sources[0].variants[0].name, "api");
	assert_int_equal(spec->sources[0].variants[1].variant, GS_VARIANT_ALL);
	assert_string_equal(spec->sources[0].variants[1].repo_path, "b.md");
	gs_spec_free(spec);
}

static void test_other_languages_skipped(void **state)
{
	const char *text = "---\nid: SPEC-003\nsources:\n- language: go\n  identifier: cmd/x\n"
		"- identifier: pkg\n  variants: []\n---\n";
	gs_spec *spec = NULL;

	(void)state;
	assert_int_equal(gs_spec_parse(&spec, SPEC_PATH, text, strlen(text)), 0);
	assert_int_equal(spec->sources_nr, 1);
	assert_string_equal(spec->sources[0].identifier, "pkg");
	gs_spec_free(spec);
}

/* Parse `text`, expect GS_EINPUT and a message containing `needle`. */
static void expect_bad(const char *text, size_t len, const char *needle)
{
	gs_spec *spec = (gs_spec *)0x1;
	int rc;

	gs_error_clear();
	rc = gs_spec_parse(&spec, SPEC_PATH, text, len);
	if (rc != GS_EINPUT || !strstr(gs_error_last(), needle))
		fail_msg("rc %d, message '%s', expected '%s'", rc, gs_error_last(), needle);
	assert_null(spec);
}

#define BAD(text, needle) expect_bad(text, strlen(text), needle)

#define VARIANT_SPEC(path) \
	"---\nid: SPEC-001\nsources:\n- identifier: pkg\n  variants:\n" \
	"  - name: public\n    path: contracts/public.md\n" \
	"  - name: all\n    path: " path "\n---\n"

static void test_unsafe_paths(void **state)
{
	(void)state;
	BAD(VARIANT_SPEC("'../x'"), SPEC_PATH ": sources[0].variants[1].path: '../x' leaves the repository");
	BAD(VARIANT_SPEC("a/../../b.md"), "leaves the repository");
	BAD(VARIANT_SPEC("/etc/passwd"), "sources[0].variants[1].path: '/etc/passwd' is an absolute path");
	BAD(VARIANT_SPEC(".git/hooks/pre-commit"), "'.git' component");
	BAD(VARIANT_SPEC(".GIT/config"), "'.git' component");
	BAD(VARIANT_SPEC("x/.Git/y"), "'.git' component");
	BAD(VARIANT_SPEC("a//b.md"), "empty path component");
	BAD(VARIANT_SPEC("contracts/"), "sources[0].variants[1].path: 'contracts/' names a directory");
	BAD(VARIANT_SPEC("."), "sources[0].variants[1].path: '.' has a '.' component");
	BAD(VARIANT_SPEC("''"), "sources[0].variants[1].path: empty path");
	BAD(VARIANT_SPEC("\"a\\nb.md\""), "line break");
	BAD(VARIANT_SPEC("\"a\\0b.md\""), "NUL");
	BAD("---\nid: SPEC-001\nsources:\n- identifier: ../pkg\n  variants: []\n---\n",
	    "sources[0].identifier: '../pkg' leaves the repository");
	BAD("---\nid: SPEC-001\nsources:\n- identifier: /abs\n  variants: []\n---\n",
	    "sources[0].identifier: '/abs' is an absolute path");
}

static void test_path_check_safe(void **state)
{
	(void)state;
	assert_int_equal(gs_path_check_safe("a/b/c.md"), 0);
	assert_int_equal(gs_path_check_safe("a/.gitx/c.md"), 0);
	assert_int_equal(gs_path_check_safe("..a/b"), 0);
	assert_int_equal(gs_path_check_safe(""), GS_EINPUT);
	assert_int_equal(gs_path_check_safe("a/"), GS_EINPUT);
	assert_int_equal(gs_path_check_safe("./a"), GS_EINPUT);
	assert_int_equal(gs_path_check_safe("a/.."), GS_EINPUT);
	assert_int_equal(gs_path_check_safe(".git"), GS_EINPUT);
	assert_int_equal(gs_path_check_safe("a/.GiT"), GS_EINPUT);
	assert_int_equal(gs_path_check_safe("a\rb"), GS_EINPUT);
}

static void test_front_matter_shape(void **state)
{
	(void)state;
	BAD("id: SPEC-001\n", "front matter: missing");
	BAD("", "front matter: missing");
	BAD("--- \nid: x\n", "not closed");
	BAD("---\nid: SPEC-001\nsources: []\n", "front matter: not closed");
	BAD("----\nid: x\n---\n", "front matter: missing");
	BAD("---\n---\n", "front matter: expected a mapping");
	BAD("---\n- a\n- b\n---\n", "front matter: expected a mapping of fields, found a list");
	BAD("---\nid: SPEC-001\nsources:\n\t- identifier: pkg\n---\n", "front matter: line 4 column");
	BAD("---\nid: [SPEC-001\n---\n", "front matter: line");
	BAD("---\nid: a\n--- x\nid: b\n---\n", "more than one YAML document");
}

static void test_aliases_refused(void **state)
{
	(void)state;
	BAD("---\nid: &a SPEC-001\nname: *a\nsources: []\n---\n", "anchors are not allowed");
	BAD("---\nid: SPEC-001\nsources: []\nx: *a\n---\n", "front matter: line 4");
	/* the classic billion laughs, refused at its first anchor */
	BAD("---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	    "id: SPEC-001\nsources: []\n---\n", "anchors are not allowed");
	BAD("---\nid: SPEC-001\nsources: [*x]\n---\n", "front matter");
}

static void test_huge_inputs(void **state)
{
	gs_buf b = GS_BUF_INIT;
	size_t i;

	(void)state;
	/* a scalar over 64 KiB */
	gs_buf_puts(&b, "---\nid: SPEC-001\nsources: []\nname: ");
	for (i = 0; i < 70000; i++)
		gs_buf_putc(&b, 'x');
	gs_buf_puts(&b, "\n---\n");
	expect_bad(b.ptr, b.size, "scalar longer than 64 KiB");

	/* front matter over 1 MiB, never closed quickly */
	gs_buf_clear(&b);
	gs_buf_puts(&b, "---\nid: SPEC-001\nsources: []\n");
	for (i = 0; i < 40000; i++)
		gs_buf_puts(&b, "k: 0123456789012345678901234567890\n");
	gs_buf_puts(&b, "---\n");
	expect_bad(b.ptr, b.size, "front matter: larger than 1 MiB");

	/* deep nesting */
	gs_buf_clear(&b);
	gs_buf_puts(&b, "---\nid: SPEC-001\nsources: []\nx: ");
	for (i = 0; i < 200; i++)
		gs_buf_putc(&b, '[');
	for (i = 0; i < 200; i++)
		gs_buf_putc(&b, ']');
	gs_buf_puts(&b, "\n---\n");
	expect_bad(b.ptr, b.size, "nested deeper than 64 levels");
	gs_buf_release(&b);
}

static void test_wrong_types(void **state)
{
	(void)state;
	BAD("---\nsources: []\n---\n", SPEC_PATH ": id: missing");
	BAD("---\nid: ~\nsources: []\n---\n", "id: missing");
	BAD("---\nid: [a]\nsources: []\n---\n", "id: expected a string, found a list");
	BAD("---\nid: SPEC-001\n---\n", "sources: missing");
	BAD("---\nid: SPEC-001\nsources: {a: b}\n---\n", "sources: expected a list, found a mapping");
	BAD("---\nid: SPEC-001\nsources: [pkg]\n---\n", "sources[0]: expected a mapping, found a scalar");
	BAD("---\nid: SPEC-001\nsources:\n- identifier: pkg\n---\n", "sources[0].variants: missing");
	BAD("---\nid: SPEC-001\nsources:\n- variants: []\n---\n", "sources[0].identifier: missing");
	BAD("---\nid: SPEC-001\nsources:\n- identifier: {a: 1}\n  variants: []\n---\n",
	    "sources[0].identifier: expected a string, found a mapping");
	BAD("---\nid: SPEC-001\nsources:\n- identifier: pkg\n  variants: x\n---\n",
	    "sources[0].variants: expected a list, found a scalar");
	BAD("---\nid: SPEC-001\nsources:\n- identifier: pkg\n  rollup: 'true'\n  variants: []\n---\n",
	    "sources[0].rollup: expected true or false");
	BAD("---\nid: SPEC-001\nsources:\n- identifier: pkg\n  variants:\n  - name: public\n---\n",
	    "sources[0].variants[0].path: missing");
	BAD("---\nid: SPEC-001\nsources:\n- identifier: pkg\n  variants:\n  - [public]\n---\n",
	    "sources[0].variants[0]: expected a mapping");
	BAD("---\nid: SPEC-001\nid: SPEC-002\nsources: []\n---\n", "id: given twice");
}

/* Parse `text`, expect GS_EINPUT placed at SPEC_PATH:line:column, as data. */
static void expect_place(const char *text, unsigned line, unsigned column)
{
	gs_spec *spec = NULL;
	unsigned l = 0, c = 0;
	const char *path;

	gs_error_clear();
	assert_int_equal(gs_spec_parse(&spec, SPEC_PATH, text, strlen(text)), GS_EINPUT);
	path = gs_error_last_path(&l, &c);
	if (strcmp(path, SPEC_PATH) || l != line || c != column)
		fail_msg("'%s' %u:%u, expected %u:%u for: %s", path, l, c, line, column,
			 gs_error_last());
	assert_null(spec);
}

static void test_error_places(void **state)
{
	(void)state;
	/* YAML syntax: libyaml's problem mark, in lines of the file */
	expect_place("---\nid: SPEC-001\nname: \"a\" b\nsources: []\n---\n", 3, 11);
	expect_place("---\nid: [\n---\n", 3, 1);
	/* a bad value: the value itself */
	expect_place("---\nid: SPEC-001\nstatus: [x]\nsources: []\n---\n", 3, 9);
	expect_place("---\nid: SPEC-001\nsources:\n- identifier: pkg\n  rollup: maybe\n"
		     "  variants: []\n---\n", 5, 11);
	expect_place("---\nid: SPEC-001\nsources:\n- identifier: pkg\n  variants:\n"
		     "  - {name: nope, path: a.md}\n---\n", 6, 12);
	/* a missing field: the mapping that lacks it */
	expect_place("---\nid: SPEC-001\nsources:\n- identifier: pkg\n---\n", 4, 3);
	/* no front matter: the file's start */
	expect_place("no front matter\n", 1, 1);
}

/* A field given twice, a list missing: the whole message, and its place. */
static void test_fields_twice_lists_missing(void **state)
{
	(void)state;
	BAD("---\nid: SPEC-001\nsources: []\nsources: []\n---\n",
	    SPEC_PATH ": sources: given twice; keep one");
	BAD("---\nid: SPEC-001\nsources:\n- identifier: pkg\n  rollup: true\n  rollup: false\n"
	    "  variants: []\n---\n", SPEC_PATH ": sources[0].rollup: given twice; keep one");
	BAD("---\nid: SPEC-001\nsources:\n- identifier: pkg\n  variants: []\n  variants: []\n---\n",
	    SPEC_PATH ": sources[0].variants: given twice; keep one");
	BAD("---\nid: SPEC-001\nsources: ~\n---\n",
	    SPEC_PATH ": sources: missing; list the packages this spec covers");
	BAD("---\nid: SPEC-001\nsources:\n- identifier: pkg\n  variants: ~\n---\n",
	    SPEC_PATH ": sources[0].variants: missing; list the variants (public, all, tests) "
	    "and their contract paths");
	expect_place("---\nid: SPEC-001\nsources: []\nsources: []\n---\n", 3, 10);
	expect_place("---\nid: SPEC-001\nsources:\n- identifier: pkg\n  rollup: true\n"
		     "  rollup: false\n  variants: []\n---\n", 5, 11);
	expect_place("---\nid: SPEC-001\n---\n", 2, 1);
	expect_place("---\nid: SPEC-001\nsources: ~\n---\n", 3, 10);
	expect_place("---\nid: SPEC-001\nsources:\n- identifier: pkg\n  variants: x\n---\n", 5, 13);
}

static void test_unknown_variant(void **state)
{
	(void)state;
	BAD("---\nid: SPEC-001\nsources:\n- identifier: pkg\n  variants:\n"
	    "  - name: public\n    path: a.md\n  - name: private\n    path: b.md\n---\n",
	    SPEC_PATH ": sources[0].variants[1].name: unknown variant 'private'");
}

static void roundtrip(const char *package, const char *module, const char *name)
{
	gs_buf text = GS_BUF_INIT;
	gs_spec *spec = NULL;

	gs_spec_format(&text, "SPEC-007", package, module, name, "2026-11-21");
	if (gs_spec_parse(&spec, "specify/tech/SPEC-007/SPEC-007.md", text.ptr, text.size) < 0)
		fail_msg("%s\n%s", gs_error_last(), text.ptr);
	assert_string_equal(spec->id, "SPEC-007");
	assert_int_equal(spec->sources_nr, 1);
	assert_string_equal(spec->sources[0].identifier, package);
	if (module)
		assert_string_equal(spec->sources[0].module, module);
	else
		assert_null(spec->sources[0].module);
	if (name)
		assert_string_equal(spec->name, name);
	assert_int_equal(spec->sources[0].variants_nr, 3);
	assert_string_equal(spec->sources[0].variants[2].repo_path,
			    "specify/tech/SPEC-007/contracts/tests.md");
	gs_spec_free(spec);
	gs_buf_release(&text);
}

static void test_format_roundtrip(void **state)
{
	gs_buf text = GS_BUF_INIT;

	(void)state;
	gs_spec_format(&text, "SPEC-045", "supekku/scripts/lib/formatters",
		       "supekku.scripts.lib.formatters", NULL, "2026-11-21");
	assert_non_null(strstr(text.ptr, "---\nid: SPEC-045\nslug: supekku-scripts-lib-formatters\n"
			       "name: supekku/scripts/lib/formatters Specification\n"
			       "created: '2026-11-21'\nupdated: '2026-11-21'\nstatus: draft\n"
			       "kind: spec\nsources:\n- language: python\n"
			       "  identifier: supekku/scripts/lib/formatters\n"
			       "  module: supekku.scripts.lib.formatters\n  variants:\n"
			       "  - name: public\n    path: contracts/public.md\n"));
	gs_buf_release(&text);

	roundtrip("pkg", "pkg", NULL);
	roundtrip("my pkg/with space", "with space", NULL);
	roundtrip("it's/\"quoted\"", NULL, "a: b # c");
	roundtrip("true", "null", "- dash");
	roundtrip("123", "1.5", "'quoted'");
	roundtrip("p\xc3\xa9kg/caf\xc3\xa9", NULL, "tab\there");
	roundtrip("a/b#c/d: e", NULL, "%percent @at `tick`");

	/* a line break in the name cannot survive in one line: it becomes a space */
	{
		gs_spec *spec = NULL;

		gs_buf_clear(&text);
		gs_spec_format(&text, "SPEC-008", "pkg", NULL, "two\nlines\r", "2026-11-21");
		assert_int_equal(gs_spec_parse(&spec, "SPEC-008.md", text.ptr, text.size), 0);
		assert_string_equal(spec->name, "two lines ");
		gs_spec_free(spec);
		gs_buf_release(&text);
	}
}

static void test_serialize_roundtrip(void **state)
{
	gs_spec *spec = NULL, *back = NULL;
	gs_buf ser = GS_BUF_INIT;

	(void)state;
	assert_int_equal(gs_spec_parse(&spec, SPEC_PATH, good_spec, strlen(good_spec)), 0);
	gs_spec_serialize(&ser, spec);
	/* a different path: repository paths are resolved again */
	assert_int_equal(gs_spec_deserialize(&back, "x/SPEC-9/SPEC-9.md", ser.ptr, ser.size), 0);
	assert_string_equal(back->id, spec->id);
	assert_string_equal(back->name, spec->name);
	assert_string_equal(back->sources[0].identifier, spec->sources[0].identifier);
	assert_string_equal(back->sources[0].module, spec->sources[0].module);
	assert_int_equal(back->sources[0].variants_nr, 3);
	assert_int_equal(back->sources[0].variants[1].variant, GS_VARIANT_ALL);
	assert_string_equal(back->sources[0].variants[1].repo_path, "x/SPEC-9/contracts/all.md");
	gs_spec_free(back);
	/* every truncation is refused, never crashes */
	for (size_t n = 0; n < ser.size; n++) {
		back = NULL;
		assert_int_equal(gs_spec_deserialize(&back, SPEC_PATH, ser.ptr, n), GS_EINPUT);
		assert_null(back);
	}
	gs_buf_release(&ser);
	gs_spec_free(spec);
}

static void test_yaml_helpers(void **state)
{
	gs_yaml_node *root = NULL;
	int b = -1, dup;

	(void)state;
	assert_int_equal(gs_yaml_parse(&root, "", 0, 0), 0);
	assert_null(root);
	assert_int_equal(gs_yaml_parse(&root, "a: yes\nb: 'yes'\nc: ~\n", 21, 0), 0);
	assert_int_equal(gs_yaml_bool(&b, gs_yaml_get(root, "a", &dup)), 0);
	assert_int_equal(b, 1);
	assert_int_equal(gs_yaml_bool(&b, gs_yaml_get(root, "b", &dup)), -1);
	assert_true(gs_yaml_is_null(gs_yaml_get(root, "c", &dup)));
	assert_true(gs_yaml_is_null(gs_yaml_get(root, "zz", &dup)));
	gs_yaml_free(root);
}

/*
 * Deterministic mutations of a good spec (flipped, inserted and deleted
 * bytes, YAML punctuation): every result either parses into a spec whose
 * contract paths are safe, or is refused with GS_EINPUT naming the file.
 * Under ASan/UBSan this is also a memory-safety check.
 */
static void test_mutations(void **state)
{
	static const char punct[] = "-:[]{}&*!|>'\"%@`#,?\t\n\r\\./ \0";
	uint32_t seed = 12345;
	size_t len = strlen(good_spec), round, k;
	char *buf = malloc(len + 64);

	(void)state;
	for (round = 0; round < 3000; round++) {
		size_t n = len, edits = 1 + round % 4;
		gs_spec *spec = NULL;
		int rc;

		memcpy(buf, good_spec, len);
		for (k = 0; k < edits; k++) {
			size_t at;

			seed = seed * 1103515245u + 12345u;
			at = (seed >> 8) % n;
			switch ((seed >> 4) % 3) {
			case 0:
				buf[at] = punct[(seed >> 16) % (sizeof(punct) - 1)];
				break;
			case 1:
				if (n < len + 60) {
					memmove(buf + at + 1, buf + at, n - at);
					buf[at] = punct[(seed >> 16) % (sizeof(punct) - 1)];
					n++;
				}
				break;
			default:
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
				break;
			}
		}
		rc = gs_spec_parse(&spec, SPEC_PATH, buf, n);
		if (rc == 0) {
			size_t i, j;

			for (i = 0; i < spec->sources_nr; i++) {
				assert_int_equal(gs_path_check_safe(spec->sources[i].identifier), 0);
				for (j = 0; j < spec->sources[i].variants_nr; j++)
					assert_int_equal(gs_path_check_safe(spec->sources[i].variants[j].repo_path), 0);
			}
			gs_spec_free(spec);
		} else {
			assert_int_equal(rc, GS_EINPUT);
			assert_null(spec);
			assert_true(!strncmp(gs_error_last(), SPEC_PATH ": ", strlen(SPEC_PATH) + 2));
		}
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_crlf_and_dots),
		cmocka_unit_test(test_other_languages_skipped),
		cmocka_unit_test(test_unsafe_paths),
		cmocka_unit_test(test_path_check_safe),
		cmocka_unit_test(test_front_matter_shape),
		cmocka_unit_test(test_aliases_refused),
		cmocka_unit_test(test_huge_inputs),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_error_places),
		cmocka_unit_test(test_fields_twice_lists_missing),
		cmocka_unit_test(test_unknown_variant),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_serialize_roundtrip),
		cmocka_unit_test(test_yaml_helpers),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
