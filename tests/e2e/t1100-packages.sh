#!/bin/sh
test_description='git spec packages: leaf packages, --all, --json, layouts'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

test_expect_success 'setup: the example and a repository of many layouts' '
	example_repo example &&
	test_create_repo layouts && exclude_scratch layouts &&
	(
		cd layouts &&
		write_file rootpkg/__init__.py </dev/null &&
		write_file rootpkg/mod.py <<-\PY &&
		X = 1
		PY
		write_file rootpkg/sub/__init__.py </dev/null &&
		write_file rootpkg/sub/leaf.py </dev/null &&
		write_file rootpkg/plain/helper.py </dev/null &&
		write_file apps/web/src/webapp/__init__.py </dev/null &&
		write_file apps/web/pyproject.toml </dev/null &&
		write_file "odd dir/spaced pkg/__init__.py" </dev/null &&
		write_file deep/a/b/c/d/e/f/g/h/i/j/__init__.py </dev/null &&
		d=deep && for p in a b c d e f g h i; do d=$d/$p; : >$d/__init__.py; done &&
		write_file .venv/lib/site/__init__.py </dev/null &&
		write_file build/lib/pkg/__init__.py </dev/null &&
		write_file node_modules/x/__init__.py </dev/null &&
		write_file .hidden/pkg/__init__.py </dev/null &&
		write_file notpkg/module.py </dev/null &&
		git add -A && git commit -q -m layouts
	)
'

test_expect_success 'the example: four leaf packages, modules below the src root' '
	cd example &&
	git spec packages >out &&
	cat >expect <<-\EOF &&
	src/acme/cli        acme.cli        -
	src/acme/inventory  acme.inventory  -
	src/acme/orders     acme.orders     -
	src/acme/pricing    acme.pricing    -
	EOF
	test_cmp expect out
'

test_expect_success 'the namespace directory and a plain tests/ directory are not packages' '
	cd example &&
	git spec packages --all >out &&
	test_must_fail grep "src/acme " out &&
	test_must_fail grep "tests" out
'

test_expect_success 'packages --json: path, module, leaf, specs, uncovered' '
	cd example &&
	git spec packages --json >out.json &&
	test "$(json_get out.json "len(j)")" = 4 &&
	json_get out.json "j[3]" >actual &&
	cat >expect <<-\EOF &&
	{"path": "src/acme/pricing", "module": "acme.pricing", "leaf": true, "namespace": false, "specs": [], "uncovered": true}
	EOF
	test_cmp expect actual
'

test_expect_success 'covering specs are listed once a spec exists' '
	cd example &&
	git spec create -q src/acme/orders &&
	git spec packages >out &&
	test_grep "^src/acme/orders     acme.orders     SPEC-001$" out &&
	git spec packages --json >out.json &&
	json_get out.json "[p[\"specs\"] for p in j]" >actual &&
	echo "[[], [], [\"SPEC-001\"], []]" >expect &&
	test_cmp expect actual
'

test_expect_success 'layouts: by default the packages that need a spec; ignored and hidden directories skipped' '
	cd layouts &&
	git spec packages >out &&
	awk "{print \$1}" out >paths &&
	cat >expect <<-\EOF &&
	apps/web/src/webapp
	deep/a/b/c/d/e/f/g/h/i/j
	odd
	rootpkg
	rootpkg/sub
	EOF
	test_cmp expect paths &&
	test_grep "^odd dir/spaced pkg " out &&
	test_must_fail grep -e venv -e build -e node_modules -e hidden -e notpkg out
'

test_expect_success 'layouts: --all marks leaves and parents' '
	cd layouts &&
	git spec packages --all >out &&
	test_grep "^parent  rootpkg " out &&
	test_grep "^leaf    rootpkg/sub " out &&
	test_grep "^parent  deep/a " out &&
	test_grep "^leaf    deep/a/b/c/d/e/f/g/h/i/j " out &&
	test $(grep -c "^parent" out) = 10 &&
	test $(grep -c "^leaf" out) = 4 &&
	git spec packages --all --json >out.json &&
	test "$(json_get out.json "[p[\"leaf\"] for p in j if p[\"path\"] == \"rootpkg\"]")" = "[false]" &&
	test "$(json_get out.json "len(j)")" = 14
'

test_expect_success 'layouts: module names follow the chain of packages' '
	cd layouts &&
	git spec packages --all --json >out.json &&
	test "$(json_get out.json "[p[\"module\"] for p in j if p[\"path\"] == \"rootpkg/sub\"][0]")" = rootpkg.sub &&
	test "$(json_get out.json "[p[\"module\"] for p in j if p[\"path\"].endswith(\"/j\")][0]")" = a.b.c.d.e.f.g.h.i.j &&
	test "$(json_get out.json "[p[\"module\"] for p in j if p[\"path\"].endswith(\"webapp\")][0]")" = webapp
'

test_expect_success 'packages --json on a repository without packages is an empty list' '
	test_create_repo empty &&
	cd empty &&
	git spec packages --json >out &&
	echo "[]" >expect &&
	test_cmp expect out &&
	git spec packages >out &&
	test_must_fail test -s out
'

test_expect_success 'untracked packages in the work tree are listed' '
	cd example &&
	write_file src/acme/reports/__init__.py </dev/null &&
	git spec packages >out &&
	test_grep "^src/acme/reports " out &&
	rm -r src/acme/reports
'

test_done
