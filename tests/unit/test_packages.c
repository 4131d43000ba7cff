#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <git2.h>
#include <cmocka.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/config.h"
#include "gitspec/packages.h"

/*
 * Entries are written "path" (a 100644 blob), "X:path" (100755),
 * "L:path" (a symlink) or "G:path" (a gitlink), in any order: they are
 * sorted with strcmp as every source is.
 */
struct tree {
	gs_source_entry *v;
	size_t nr;
	gs_package_list list;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const gs_source_entry *)a)->path, ((const gs_source_entry *)b)->path);
}

static void tree_build(struct tree *t, const char *const *specs, size_t n)
{
	size_t i;

	free(t->v);
	t->v = gs_xcalloc(n ? n : 1, sizeof(*t->v));
	t->nr = n;
	for (i = 0; i < n; i++) {
		const char *s = specs[i];

		t->v[i].mode = GS_MODE_FILE;
		if (s[0] && s[1] == ':') {
			t->v[i].mode = s[0] == 'X' ? GS_MODE_EXEC : s[0] == 'L' ? GS_MODE_LINK : GS_MODE_GITLINK;
			s += 2;
		}
		t->v[i].path = s;
	}
	qsort(t->v, n, sizeof(*t->v), cmp_entry);
	gs_package_list_clear(&t->list);
}

static void tree_release(struct tree *t)
{
	free(t->v);
	t->v = NULL;
	gs_package_list_clear(&t->list);
}

/* "path=module" per package, leaves marked with '*', joined by ' '. */
static char *describe(const gs_package_list *list)
{
	gs_buf b = GS_BUF_INIT;
	size_t i;

	for (i = 0; i < list->nr; i++)
		gs_buf_printf(&b, "%s%s=%s%s", i ? " " : "", list->v[i].path, list->v[i].module,
			      list->v[i].leaf ? "*" : "");
	return gs_buf_detach(&b, NULL);
}

static void scan_and_check(struct tree *t, const char *const *specs, size_t n,
			   const gs_config *cfg, const char *expect)
{
	char *got;

	tree_build(t, specs, n);
	assert_int_equal(gs_packages_scan_entries(&t->list, t->v, t->nr, cfg), 0);
	got = describe(&t->list);
	assert_string_equal(got, expect);
	free(got);
}

static void check_files(struct tree *t, const char *pkg, int rollup, const char *expect)
{
	const gs_source_entry **v = NULL;
	const gs_package *p = gs_packages_find(&t->list, pkg);
	gs_buf b = GS_BUF_INIT;
	size_t nr = 0, i;

	assert_non_null(p);
	assert_int_equal(gs_package_files_entries(&v, &nr, t->v, t->nr, &t->list, p, rollup), 0);
	for (i = 0; i < nr; i++)
		gs_buf_printf(&b, "%s%s", i ? " " : "", v[i]->path);
	assert_string_equal(b.ptr, expect);
	free(v);
	gs_buf_release(&b);
}

static void check_module(struct tree *t, const gs_config *cfg, const char *path, const char *expect)
{
	char *m = gs_module_name(&t->list, cfg, path);

	assert_string_equal(m, expect);
	free(m);
}

static const char *path_of(const gs_package *p)
{
	return p ? p->path : "(null)";
}

/* A configuration built by hand: only the fields this module reads. */
static void cfg_init(gs_config *cfg, const char *roots, const char *ignore)
{
	char *s, *tok, *save = NULL;

	memset(cfg, 0, sizeof(*cfg));
	gs_strvec_init(&cfg->roots);
	gs_strvec_init(&cfg->ignore);
	gs_strvec_init(&cfg->test_patterns);
	s = gs_xstrdup(roots);
	for (tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		gs_strvec_push(&cfg->roots, tok);
	free(s);
	s = gs_xstrdup(ignore);
	for (tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		gs_strvec_push(&cfg->ignore, tok);
	free(s);
}

static void cfg_release(gs_config *cfg)
{
	gs_strvec_clear(&cfg->roots);
	gs_strvec_clear(&cfg->ignore);
	gs_strvec_clear(&cfg->test_patterns);
}

#define DEFAULT_IGNORE "node_modules .venv venv build dist"

static void test_root_packages(void **state)
{
	static const char *const e[] = {
		"__init__.py", "setup.py", "README.md",
		"pkg/__init__.py", "pkg/a.py", "pkg/b.txt", "pkg/z.py",
		"pkg/sub/__init__.py", "pkg/sub/b.py", "pkg/sub/deeper/c.py",
		"pkg/data/c.py", "pkg/data/more/d.py", "pkg/data/readme.txt",
		"other/x.py",
	};
	struct tree t = { 0 };
	gs_config cfg;

	(void)state;
	t.list = (gs_package_list)GS_PACKAGE_LIST_INIT;
	cfg_init(&cfg, "", DEFAULT_IGNORE);
	/* The root's own __init__.py never makes a package. */
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), &cfg, "pkg=pkg pkg/sub=pkg.sub*");
	check_files(&t, "pkg", 0, "pkg/__init__.py pkg/a.py pkg/data/c.py pkg/data/more/d.py pkg/z.py");
	check_files(&t, "pkg", 1,
		    "pkg/__init__.py pkg/a.py pkg/data/c.py pkg/data/more/d.py "
		    "pkg/sub/__init__.py pkg/sub/b.py pkg/sub/deeper/c.py pkg/z.py");
	check_files(&t, "pkg/sub", 0, "pkg/sub/__init__.py pkg/sub/b.py pkg/sub/deeper/c.py");

	assert_string_equal(path_of(gs_packages_find(&t.list, "pkg")), "pkg");
	assert_string_equal(path_of(gs_packages_find(&t.list, "pkg/sub/")), "pkg/sub");
	assert_null(gs_packages_find(&t.list, "pkg/data"));
	assert_null(gs_packages_find(&t.list, "pk"));
	assert_null(gs_packages_find(&t.list, ""));

	assert_string_equal(path_of(gs_packages_for_file(&t.list, "pkg/a.py")), "pkg");
	assert_string_equal(path_of(gs_packages_for_file(&t.list, "pkg/data/more/d.py")), "pkg");
	assert_string_equal(path_of(gs_packages_for_file(&t.list, "pkg/sub/deeper/c.py")), "pkg/sub");
	assert_string_equal(path_of(gs_packages_for_file(&t.list, "pkg/sub/__init__.py")), "pkg/sub");
	assert_null(gs_packages_for_file(&t.list, "other/x.py"));
	assert_null(gs_packages_for_file(&t.list, "setup.py"));
	assert_null(gs_packages_for_file(&t.list, "pkg"));
	assert_null(gs_packages_for_file(&t.list, "pkgx/a.py"));

	assert_string_equal(path_of(gs_packages_nearest(&t.list, "pkg/data")), "pkg");
	assert_string_equal(path_of(gs_packages_nearest(&t.list, "pkg/sub/")), "pkg/sub");
	assert_string_equal(path_of(gs_packages_nearest(&t.list, "pkg/sub/deeper/x")), "pkg/sub");
	assert_string_equal(path_of(gs_packages_nearest(&t.list, "")), "pkg");
	assert_null(gs_packages_nearest(&t.list, "other"));

	check_module(&t, &cfg, "pkg/sub", "pkg.sub");
	/* Any directory: the chain of packages above it, then its own name. */
	check_module(&t, &cfg, "pkg/data", "pkg.data");
	check_module(&t, &cfg, "lonely", "lonely");
	cfg_release(&cfg);
	tree_release(&t);
}

static void test_modes(void **state)
{
	static const char *const e[] = {
		"L:linked/__init__.py", "linked/a.py",
		"X:exec/__init__.py", "exec/a.py", "L:exec/link.py", "G:exec/sub", "X:exec/run.py",
		"exec/notpy.pyc", "exec/.py", "exec/x.pyi",
		"G:gitlinked/__init__.py",
		"dir/__init__.py/oops.py",
	};
	struct tree t = { 0 };

	(void)state;
	t.list = (gs_package_list)GS_PACKAGE_LIST_INIT;
	/* Without a configuration: the defaults. */
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), NULL, "exec=exec*");
	check_files(&t, "exec", 0, "exec/.py exec/__init__.py exec/a.py exec/run.py exec/x.pyi");
	tree_release(&t);
}

/* DESIGN 1: __init__.pyi marks a package too; stubs are files of it. */
static void test_stub_packages(void **state)
{
	static const char *const e[] = {
		"both/__init__.py", "both/__init__.pyi", "both/m.py", "both/m.pyi",
		"stub/__init__.pyi", "stub/inner/__init__.pyi", "stub/s.pyi",
	};
	struct tree t = { 0 };

	(void)state;
	t.list = (gs_package_list)GS_PACKAGE_LIST_INIT;
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), NULL, "both=both* stub=stub stub/inner=stub.inner*");
	check_files(&t, "both", 0, "both/__init__.py both/__init__.pyi both/m.py both/m.pyi");
	check_files(&t, "stub", 0, "stub/__init__.pyi stub/s.pyi");
	tree_release(&t);
}

static void test_ignored(void **state)
{
	static const char *const e[] = {
		"node_modules/x/__init__.py", ".hidden/p/__init__.py", ".venv/lib/site/__init__.py",
		"build/lib/p/__init__.py", "src/build/__init__.py", "src/dist/x/__init__.py",
		"gen_api/__init__.py", "vendor/third/p/__init__.py", "vendor/own/__init__.py",
		"app/__init__.py", "app/a.py", "app/.cache/x.py", "app/node_modules/y.py",
		"app/generated/z.py", "app/ok/w.py", "app/.hidden_pkg/__init__.py",
		"app/.hidden_pkg/h.py",
	};
	struct tree t = { 0 };
	gs_config cfg;

	(void)state;
	t.list = (gs_package_list)GS_PACKAGE_LIST_INIT;
	cfg_init(&cfg, "", DEFAULT_IGNORE " gen* /vendor/third");
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), &cfg, "app=app* vendor/own=own*");
	check_files(&t, "app", 0, "app/__init__.py app/a.py app/ok/w.py");
	check_files(&t, "app", 1, "app/__init__.py app/a.py app/ok/w.py");
	cfg_release(&cfg);

	/* Ignoring nothing but what is hidden. */
	cfg_init(&cfg, "", "");
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), &cfg,
		       "app=app* build/lib/p=p* gen_api=gen_api* node_modules/x=x* src/build=build* "
		       "src/dist/x=x* vendor/own=own* vendor/third/p=p*");
	check_files(&t, "app", 0,
		    "app/__init__.py app/a.py app/generated/z.py app/node_modules/y.py app/ok/w.py");
	cfg_release(&cfg);
	tree_release(&t);
}

static void test_sort_order(void **state)
{
	static const char *const e[] = {
		"a-b/__init__.py", "a/__init__.py", "a/c/__init__.py", "a.b/__init__.py",
		"a/z.py", "a/c/y.py", "a/c-d/x.py", "a/B/__init__.py", "a-b/q.py",
	};
	struct tree t = { 0 };

	(void)state;
	t.list = (gs_package_list)GS_PACKAGE_LIST_INIT;
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), NULL,
		       "a=a a-b=a-b* a.b=a.b* a/B=a.B* a/c=a.c*");
	check_files(&t, "a", 0, "a/__init__.py a/c-d/x.py a/z.py");
	check_files(&t, "a-b", 0, "a-b/__init__.py a-b/q.py");
	assert_string_equal(path_of(gs_packages_for_file(&t.list, "a/c-d/x.py")), "a");
	assert_string_equal(path_of(gs_packages_nearest(&t.list, "a-b/zz")), "a-b");
	tree_release(&t);
}

static void test_src_layout(void **state)
{
	static const char *const e[] = {
		"pyproject.toml", "src/_pytest/__init__.py", "src/_pytest/config/__init__.py",
		"src/_pytest/config/argparsing.py", "src/pytest/__init__.py",
		"django/__init__.py", "django/contrib/__init__.py",
		"django/contrib/messages/__init__.py", "django/contrib/messages/api.py",
	};
	struct tree t = { 0 };
	gs_config cfg;

	(void)state;
	t.list = (gs_package_list)GS_PACKAGE_LIST_INIT;
	cfg_init(&cfg, "", DEFAULT_IGNORE);
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), &cfg,
		       "django=django django/contrib=django.contrib "
		       "django/contrib/messages=django.contrib.messages* "
		       "src/_pytest=_pytest src/_pytest/config=_pytest.config* src/pytest=pytest*");
	cfg_release(&cfg);
	cfg_init(&cfg, "src", DEFAULT_IGNORE);
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), &cfg,
		       "django=django django/contrib=django.contrib "
		       "django/contrib/messages=django.contrib.messages* "
		       "src/_pytest=_pytest src/_pytest/config=_pytest.config* src/pytest=pytest*");
	assert_string_equal(path_of(gs_packages_nearest(&t.list, "src")), "src/_pytest");
	cfg_release(&cfg);
	tree_release(&t);
}

static void test_monorepo(void **state)
{
	static const char *const e[] = {
		"apps/web/pyproject.toml", "apps/web/webapp/__init__.py",
		"apps/web/webapp/views/__init__.py", "apps/web/webapp/views/home.py",
		"apps/api/pyproject.toml", "apps/api/src/api/__init__.py",
		"apps/api/src/api/routes/__init__.py",
		"libs/core/pyproject.toml", "libs/core/corelib/__init__.py",
		"libs/core/tests/__init__.py", "libs/core/tests/test_core.py",
		"application/pkg/__init__.py",
	};
	struct tree t = { 0 };
	gs_config cfg;

	(void)state;
	t.list = (gs_package_list)GS_PACKAGE_LIST_INIT;
	cfg_init(&cfg, "", DEFAULT_IGNORE);
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), &cfg,
		       "application/pkg=pkg* apps/api/src/api=api apps/api/src/api/routes=api.routes* "
		       "apps/web/webapp=webapp apps/web/webapp/views=webapp.views* "
		       "libs/core/corelib=corelib* libs/core/tests=tests*");
	/* Most nearby package below: the shallowest, then the first. */
	assert_string_equal(path_of(gs_packages_nearest(&t.list, "apps")), "apps/web/webapp");
	assert_string_equal(path_of(gs_packages_nearest(&t.list, "libs/")), "libs/core/corelib");
	assert_null(gs_packages_nearest(&t.list, "app"));
	cfg_release(&cfg);

	/* Roots match whole components: "app*" is not "application/..."'s root. */
	cfg_init(&cfg, "apps/*/src ./libs/*/ app", DEFAULT_IGNORE);
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), &cfg,
		       "application/pkg=pkg* apps/api/src/api=api apps/api/src/api/routes=api.routes* "
		       "apps/web/webapp=webapp apps/web/webapp/views=webapp.views* "
		       "libs/core/corelib=corelib* libs/core/tests=tests*");
	cfg_release(&cfg);

	/* A root "apps" makes the names include the project directory. */
	cfg_init(&cfg, "apps", DEFAULT_IGNORE);
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), &cfg,
		       "application/pkg=pkg* apps/api/src/api=api.src.api "
		       "apps/api/src/api/routes=api.src.api.routes* "
		       "apps/web/webapp=web.webapp apps/web/webapp/views=web.webapp.views* "
		       "libs/core/corelib=corelib* libs/core/tests=tests*");
	cfg_release(&cfg);
	tree_release(&t);
}

static void test_namespace_packages(void **state)
{
	static const char *const e[] = {
		"src/spectral/core/__init__.py", "src/spectral/core/engine.py",
		"src/spectral/worlds/__init__.py", "src/spectral/worlds/mars/__init__.py",
		"src/spectral/README.md", "src/spectral/loose.py",
	};
	struct tree t = { 0 };
	gs_config cfg;

	(void)state;
	t.list = (gs_package_list)GS_PACKAGE_LIST_INIT;
	cfg_init(&cfg, "src", DEFAULT_IGNORE);
	/* src/spectral holds a module of its own: a namespace module (DESIGN 1) */
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), &cfg,
		       "src/spectral=spectral src/spectral/core=spectral.core* "
		       "src/spectral/worlds=spectral.worlds "
		       "src/spectral/worlds/mars=spectral.worlds.mars*");
	assert_string_equal(path_of(gs_packages_for_file(&t.list, "src/spectral/loose.py")),
			    "src/spectral");
	assert_true(gs_packages_find(&t.list, "src/spectral")->namespace);
	assert_false(gs_packages_find(&t.list, "src/spectral/core")->namespace);
	check_files(&t, "src/spectral", 0, "src/spectral/loose.py");
	check_files(&t, "src/spectral", 1, "src/spectral/core/__init__.py src/spectral/core/engine.py "
		    "src/spectral/loose.py src/spectral/worlds/__init__.py "
		    "src/spectral/worlds/mars/__init__.py");
	assert_string_equal(path_of(gs_packages_nearest(&t.list, "src/spectral")), "src/spectral");
	cfg_release(&cfg);

	/* Without roots a namespace directory does not chain. */
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), NULL,
		       "src/spectral/core=core* src/spectral/worlds=worlds "
		       "src/spectral/worlds/mars=worlds.mars*");

	/* The deepest root wins; "." is the repository root. */
	cfg_init(&cfg, ". src", DEFAULT_IGNORE);
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), &cfg,
		       "src/spectral=spectral src/spectral/core=spectral.core* "
		       "src/spectral/worlds=spectral.worlds "
		       "src/spectral/worlds/mars=spectral.worlds.mars*");
	cfg_release(&cfg);
	cfg_init(&cfg, "src/spectral/worlds .", DEFAULT_IGNORE);
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), &cfg,
		       "src/spectral=src.spectral src/spectral/core=src.spectral.core* "
		       "src/spectral/worlds=src.spectral.worlds "
		       "src/spectral/worlds/mars=mars*");
	cfg_release(&cfg);
	tree_release(&t);
}

/* An OpenTelemetry-style monorepo: a src root per project, PEP 420 namespaces. */
static void test_globstar_roots(void **state)
{
	static const char *const e[] = {
		"instrumentation/flask/src/opentelemetry/instrumentation/flask/__init__.py",
		"instrumentation/flask/src/opentelemetry/instrumentation/flask/version.py",
		"instrumentation/aio-pika/src/opentelemetry/instrumentation/aio_pika/__init__.py",
		"instrumentation/aio-pika/tests/test_x.py",
		"core/src/opentelemetry/instrumentation/instrumentor.py",
		"core/src/opentelemetry/instrumentation/auto/__init__.py",
		"core/src/top.py",
		"deep/a/src/b/src/pkg/__init__.py",
		"instrumentation/flask/node_modules/src/x/__init__.py",
	};
	const char *const otel =
		"core/src/opentelemetry/instrumentation=opentelemetry.instrumentation "
		"core/src/opentelemetry/instrumentation/auto=opentelemetry.instrumentation.auto* "
		"deep/a/src/b/src/pkg=pkg* "
		"instrumentation/aio-pika/src/opentelemetry/instrumentation/aio_pika="
		"opentelemetry.instrumentation.aio_pika* "
		"instrumentation/flask/src/opentelemetry/instrumentation/flask="
		"opentelemetry.instrumentation.flask*";
	struct tree t = { 0 };
	gs_config cfg;

	(void)state;
	t.list = (gs_package_list)GS_PACKAGE_LIST_INIT;
	/* "**" matches any number of components, none included; the deepest root wins. */
	cfg_init(&cfg, "**/src", DEFAULT_IGNORE);
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), &cfg, otel);
	check_module(&t, &cfg, "src/x", "x");
	check_module(&t, &cfg, "deep/a/src/b", "b");
	cfg_release(&cfg);
	cfg_init(&cfg, "instrumentation/*/src core/src deep/**/src", DEFAULT_IGNORE);
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), &cfg, otel);
	cfg_release(&cfg);
	cfg_init(&cfg, "**", DEFAULT_IGNORE);
	check_module(&t, &cfg, "a/b/c", "c");
	cfg_release(&cfg);
	/* literal roots with escaped glob characters (as derived roots are written) */
	cfg_init(&cfg, "we\\[ird]/src", DEFAULT_IGNORE);
	check_module(&t, &cfg, "we[ird]/src/ns/p", "ns.p");
	check_module(&t, &cfg, "wei/src/ns/p", "p");
	cfg_release(&cfg);
	/* a namespace module's files are its direct files */
	cfg_init(&cfg, "**/src", DEFAULT_IGNORE);
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), &cfg, otel);
	check_files(&t, "core/src/opentelemetry/instrumentation", 0,
		    "core/src/opentelemetry/instrumentation/instrumentor.py");
	cfg_release(&cfg);
	tree_release(&t);
}

static void test_ten_deep(void **state)
{
	const char *e[32];
	gs_buf paths[32];
	gs_buf dir = GS_BUF_INIT, expect = GS_BUF_INIT, mod = GS_BUF_INIT;
	struct tree t = { 0 };
	size_t n = 0, i;

	(void)state;
	t.list = (gs_package_list)GS_PACKAGE_LIST_INIT;
	for (i = 0; i < 10; i++) {
		gs_buf_printf(&dir, "%sd%zu", i ? "/" : "", i);
		gs_buf_printf(&mod, "%sd%zu", i ? "." : "", i);
		gs_buf_init(&paths[n], 0);
		gs_buf_printf(&paths[n], "%s/__init__.py", dir.ptr);
		e[n] = paths[n].ptr;
		n++;
		gs_buf_init(&paths[n], 0);
		gs_buf_printf(&paths[n], "%s/m%zu.py", dir.ptr, i);
		e[n] = paths[n].ptr;
		n++;
		gs_buf_printf(&expect, "%s%s=%s%s", i ? " " : "", dir.ptr, mod.ptr, i == 9 ? "*" : "");
	}
	scan_and_check(&t, e, n, NULL, expect.ptr);
	check_files(&t, "d0/d1/d2/d3/d4", 0, "d0/d1/d2/d3/d4/__init__.py d0/d1/d2/d3/d4/m4.py");
	check_files(&t, "d0/d1/d2/d3/d4/d5/d6/d7/d8", 1,
		    "d0/d1/d2/d3/d4/d5/d6/d7/d8/__init__.py d0/d1/d2/d3/d4/d5/d6/d7/d8/d9/__init__.py "
		    "d0/d1/d2/d3/d4/d5/d6/d7/d8/d9/m9.py d0/d1/d2/d3/d4/d5/d6/d7/d8/m8.py");
	assert_string_equal(path_of(gs_packages_for_file(&t.list, "d0/d1/d2/d3/d4/d5/d6/d7/d8/d9/x/y.py")),
			    "d0/d1/d2/d3/d4/d5/d6/d7/d8/d9");

	/* Ten deep with gaps: only d3 and d9 are packages; d9 does not chain to d3. */
	scan_and_check(&t, (const char *const[]){ "d0/d1/d2/d3/__init__.py",
			       "d0/d1/d2/d3/d4/d5/d6/d7/d8/d9/__init__.py" }, 2, NULL,
		       "d0/d1/d2/d3=d3 d0/d1/d2/d3/d4/d5/d6/d7/d8/d9=d9*");
	for (i = 0; i < n; i++)
		gs_buf_release(&paths[i]);
	gs_buf_release(&dir);
	gs_buf_release(&expect);
	gs_buf_release(&mod);
	tree_release(&t);
}

static void test_test_packages(void **state)
{
	static const char *const e[] = {
		"tests/__init__.py", "tests/conftest.py", "tests/unit/__init__.py",
		"tests/unit/test_x.py", "pkg/__init__.py", "pkg/core.py", "pkg/tests/__init__.py",
		"pkg/tests/test_core.py", "pkg/test_inline.py",
	};
	struct tree t = { 0 };

	(void)state;
	t.list = (gs_package_list)GS_PACKAGE_LIST_INIT;
	scan_and_check(&t, e, GS_ARRAY_SIZE(e), NULL,
		       "pkg=pkg pkg/tests=pkg.tests* tests=tests tests/unit=tests.unit*");
	check_files(&t, "pkg", 0, "pkg/__init__.py pkg/core.py pkg/test_inline.py");
	check_files(&t, "tests", 0, "tests/__init__.py tests/conftest.py");
	tree_release(&t);
}

static void test_empty(void **state)
{
	struct tree t = { 0 };

	(void)state;
	t.list = (gs_package_list)GS_PACKAGE_LIST_INIT;
	scan_and_check(&t, NULL, 0, NULL, "");
	assert_null(gs_packages_find(&t.list, "x"));
	assert_null(gs_packages_for_file(&t.list, "x/y.py"));
	assert_null(gs_packages_nearest(&t.list, ""));
	tree_release(&t);
	gs_package_list_clear(NULL);
}

static char *describe_files(const gs_source_entry **v, size_t nr)
{
	gs_buf b = GS_BUF_INIT;
	size_t i;

	for (i = 0; i < nr; i++)
		gs_buf_printf(&b, "%s%s", i ? " " : "", v[i]->path);
	return gs_buf_detach(&b, NULL);
}

/*
 * The same rules through real sources: a commit's tree, the index and the
 * work tree of a repository built with git, holding a symlinked
 * __init__.py, a symlinked module, a submodule and tracked files in
 * ignored directories.
 */
static void test_sources(void **state)
{
	char root[] = "/tmp/gs-packages-XXXXXX";
	gs_buf cmd = GS_BUF_INIT;
	git_repository *repo = NULL;
	gs_source *src = NULL;
	gs_package_list list = GS_PACKAGE_LIST_INIT;
	const gs_source_entry **files = NULL;
	size_t nr = 0;
	gs_config cfg;
	char *got;
	int kind;

	(void)state;
	assert_non_null(mkdtemp(root));
	gs_buf_printf(&cmd,
		"cd '%s' && git init -q . && "
		"mkdir -p pkg/sub pkg/data pkg/.hidden linked node_modules/m src/build && "
		"touch pkg/__init__.py pkg/a.py pkg/sub/__init__.py pkg/sub/b.py pkg/data/c.py "
		"pkg/.hidden/h.py linked/x.py node_modules/m/__init__.py src/build/__init__.py && "
		"ln -s ../pkg/__init__.py linked/__init__.py && ln -s a.py pkg/link.py && "
		"git add -A && "
		"git update-index --add --cacheinfo 160000,1234567890123456789012345678901234567890,pkg/gl && "
		"GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@x GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@x "
		"GIT_AUTHOR_DATE='2005-04-07 22:13:13 +0000' GIT_COMMITTER_DATE='2005-04-07 22:13:13 +0000' "
		"git commit -q -m init", root);
	assert_int_equal(system(cmd.ptr), 0);
	assert_int_equal(git_repository_open(&repo, root), 0);
	cfg_init(&cfg, "", DEFAULT_IGNORE);

	for (kind = 0; kind < 3; kind++) {
		if (kind == 0)
			assert_int_equal(gs_source_open_tree(&src, repo, "HEAD"), 0);
		else if (kind == 1)
			assert_int_equal(gs_source_open_index(&src, repo, NULL), 0);
		else
			assert_int_equal(gs_source_open_worktree(&src, repo, &cfg.ignore), 0);
		assert_int_equal(gs_packages_scan(&list, src, &cfg), 0);
		got = describe(&list);
		assert_string_equal(got, "pkg=pkg pkg/sub=pkg.sub*");
		free(got);

		assert_int_equal(gs_package_files(&files, &nr, src, &list, &list.v[0], 0), 0);
		got = describe_files(files, nr);
		assert_string_equal(got, "pkg/__init__.py pkg/a.py pkg/data/c.py");
		free(got);
		free(files);
		assert_int_equal(gs_package_files(&files, &nr, src, &list, &list.v[0], 1), 0);
		got = describe_files(files, nr);
		assert_string_equal(got, "pkg/__init__.py pkg/a.py pkg/data/c.py pkg/sub/__init__.py pkg/sub/b.py");
		free(got);
		free(files);
		gs_source_free(src);
		src = NULL;
	}

	gs_package_list_clear(&list);
	cfg_release(&cfg);
	git_repository_free(repo);
	gs_buf_clear(&cmd);
	gs_buf_printf(&cmd, "rm -rf '%s'", root);
	assert_int_equal(system(cmd.ptr), 0);
	gs_buf_release(&cmd);
}

/*
 * The hook's case: 100,000 entries in 2,000 packages. A smoke bound only
 * (sanitizers and valgrind are slow); the number is printed for the record.
 */
static void test_scan_speed(void **state)
{
	gs_source_entry *v = gs_xcalloc(100000, sizeof(*v));
	gs_strvec paths = GS_STRVEC_INIT;
	gs_package_list list = GS_PACKAGE_LIST_INIT;
	struct timespec a, b;
	gs_config cfg;
	size_t i, j, n = 0;
	double ms;

	(void)state;
	for (i = 0; i < 40; i++)
		for (j = 0; j < 50; j++) {
			size_t k;

			gs_strvec_pushf(&paths, "proj%02zu/src/lib%02zu/__init__.py", i, j);
			for (k = 0; k < 48; k++)
				gs_strvec_pushf(&paths, "proj%02zu/src/lib%02zu/module_%02zu.py", i, j, k);
			gs_strvec_pushf(&paths, "proj%02zu/src/lib%02zu/README.md", i, j);
		}
	gs_strvec_sort_uniq(&paths);
	assert_int_equal(paths.nr, 100000);
	for (i = 0; i < paths.nr; i++) {
		v[n].path = paths.v[i];
		v[n++].mode = GS_MODE_FILE;
	}
	cfg_init(&cfg, "proj*/src", DEFAULT_IGNORE);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(gs_packages_scan_entries(&list, v, n, &cfg), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	assert_int_equal(list.nr, 2000);
	assert_string_equal(list.v[0].module, "lib00");
	if (getenv("GIT_SPEC_VERBOSE"))
		print_message("scan of 100000 entries, 2000 packages: %.2f ms\n", ms);
	assert_true(ms < 500);
	gs_package_list_clear(&list);
	cfg_release(&cfg);
	gs_strvec_clear(&paths);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_packages),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_stub_packages),
		cmocka_unit_test(test_ignored),
		cmocka_unit_test(test_sort_order),
		cmocka_unit_test(test_src_layout),
		cmocka_unit_test(test_monorepo),
		cmocka_unit_test(test_namespace_packages),
		cmocka_unit_test(test_globstar_roots),
		cmocka_unit_test(test_ten_deep),
		cmocka_unit_test(test_test_packages),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_scan_speed),
	};
	int rc;

	git_libgit2_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return rc;
}
