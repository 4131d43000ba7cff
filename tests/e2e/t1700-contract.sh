#!/bin/sh
test_description='git spec contract: one contract from the work tree, the index or a commit'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

test_expect_success 'setup' '
	example_repo repo
'

test_expect_success 'the public contract of a package (the default variant)' '
	cd repo &&
	git spec contract src/acme/inventory >out &&
	printf "# \`acme.inventory\` \342\200\224 public contract\n" >expect &&
	head -n 1 out >actual &&
	test_cmp expect actual &&
	test_grep "^## Exports$" out &&
	test_grep "^## .src/acme/inventory/items.py.$" out &&
	test_grep "def parse_sku(text: str) -> Sku" out &&
	test_must_fail grep "_audit" out &&
	test "$(tail -c 1 out | od -An -c | tr -d " ")" = "\\n"
'

test_expect_success '--variant all and tests; the spec-driver names api and implementation' '
	cd repo &&
	git spec contract --variant all src/acme/inventory >all &&
	test_grep "_audit" all &&
	git spec contract --variant implementation src/acme/inventory >impl &&
	test_cmp all impl &&
	git spec contract --variant api src/acme/inventory >api &&
	git spec contract src/acme/inventory >public &&
	test_cmp public api &&
	git spec contract --variant tests src/acme/pricing >tests &&
	test_grep "test_rules.py" tests &&
	test_grep "conftest.py" tests &&
	test_must_fail grep "discounts.py" tests
'

test_expect_success 'a package with no file in a variant still gets the heading' '
	cd repo &&
	git spec contract --variant tests src/acme/cli >out &&
	test $(wc -l <out) = 3
'

test_expect_success 'PKG is relative to the current directory' '
	cd repo &&
	git spec contract src/acme/orders >expect &&
	cd src/acme &&
	git spec contract orders >actual &&
	test_cmp ../../expect actual &&
	cd orders &&
	git spec contract . >actual &&
	test_cmp ../../../expect actual
'

test_expect_success '--staged and --rev read the index and a commit, not the work tree' '
	cd repo &&
	git spec contract src/acme/orders >head &&
	echo "def added() -> int: ..." >>src/acme/orders/service.py &&
	git spec contract src/acme/orders >wt &&
	test_grep "def added() -> int" wt &&
	git spec contract --staged src/acme/orders >idx &&
	test_cmp head idx &&
	git add src/acme/orders/service.py &&
	git spec contract --staged src/acme/orders >idx &&
	test_cmp wt idx &&
	git spec contract --rev HEAD src/acme/orders >rev &&
	test_cmp head rev &&
	git commit -q -m added &&
	git spec contract --rev HEAD~1 src/acme/orders >rev &&
	test_cmp head rev
'

test_expect_success '--json prints the model' '
	cd repo &&
	git spec contract --json src/acme/inventory >out.json &&
	test "$(json_get out.json "j[\"package\"]")" = src/acme/inventory &&
	test "$(json_get out.json "j[\"module\"]")" = acme.inventory &&
	test "$(json_get out.json "j[\"variant\"]")" = public &&
	test "$(json_get out.json "sorted(j[\"exports\"])")" = "[\"Item\", \"OutOfStock\", \"Sku\", \"Stock\"]" &&
	test "$(json_get out.json "[f[\"path\"] for f in j[\"files\"]]")" = "[\"src/acme/inventory/__init__.py\", \"src/acme/inventory/items.py\", \"src/acme/inventory/stock.py\"]"
'

test_expect_success 'not a package: exit 3 with a hint' '
	cd repo &&
	test_expect_code 3 git spec contract src/acme/pricing/tests 2>err &&
	test_grep "src/acme/pricing/tests. is not a package" err &&
	test_grep "^hint: did you mean the package at .src/acme/pricing.?" err
'

test_expect_success 'a path outside the repository: exit 3' '
	cd repo &&
	test_expect_code 3 git spec contract "$TRASH" 2>err &&
	test_grep "outside the repository" err
'

test_expect_success 'a syntax error: exit 3 naming path:line:col, nothing on stdout' '
	cd repo &&
	printf "x = (\n" >>src/acme/cli/main.py &&
	test_expect_code 3 git spec contract src/acme/cli >out 2>err &&
	test_grep "src/acme/cli/main.py:[0-9]*:[0-9]*: syntax error" err &&
	test_must_fail test -s out &&
	git checkout -q -- .
'

test_expect_success 'the module name comes from the covering spec' '
	cd repo &&
	git spec create -q src/acme/cli &&
	sed -i "s/module: acme.cli/module: acme.commandline/" specify/tech/SPEC-001/SPEC-001.md &&
	git spec contract src/acme/cli >out &&
	test_grep "acme.commandline" out
'

test_done
