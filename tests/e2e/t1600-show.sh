#!/bin/sh
test_description='git spec show: metadata, packages, files and contracts of a spec'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

C=specify/tech

test_expect_success 'setup' '
	example_repo repo &&
	cd repo &&
	git spec create -q --name "Pricing rules" src/acme/pricing &&
	git add -A && git commit -q -m spec
'

test_expect_success 'show SPEC-ID' '
	cd repo &&
	git spec show SPEC-001 >out &&
	cat >expect <<-EOF &&
	id: SPEC-001
	path: $C/SPEC-001/SPEC-001.md
	name: Pricing rules
	EOF
	head -n 3 out >actual &&
	test_cmp expect actual &&
	test_grep "^status: draft$" out &&
	test_grep "^package: src/acme/pricing$" out &&
	test_grep "^module: acme.pricing$" out &&
	sed -n "/^files:/,/^contracts:/p" out >files &&
	cat >expect <<-\EOF &&
	files:
	  src/acme/pricing/__init__.py
	  src/acme/pricing/discounts.py
	  src/acme/pricing/rules.py
	  src/acme/pricing/tests/conftest.py
	  src/acme/pricing/tests/test_rules.py
	contracts:
	EOF
	test_cmp expect files &&
	test_grep "^  public  $C/SPEC-001/contracts/public.md$" out &&
	test_grep "^  all     $C/SPEC-001/contracts/all.md$" out &&
	test_grep "^  tests   $C/SPEC-001/contracts/tests.md$" out
'

test_expect_success 'show accepts the spec file, its directory, the package and any file in it' '
	cd repo &&
	git spec show SPEC-001 >expect &&
	for p in $C/SPEC-001/SPEC-001.md $C/SPEC-001 src/acme/pricing src/acme/pricing/rules.py \
		 src/acme/pricing/tests/test_rules.py $C/SPEC-001/contracts/all.md; do
		git spec show $p >actual && test_cmp expect actual || exit 1
	done &&
	cd src/acme/pricing/tests &&
	git spec show --full-name conftest.py >actual &&
	test_cmp ../../../../expect actual &&
	git spec show conftest.py >actual &&
	test_grep "^path: \.\./\.\./\.\./\.\./specify/tech/SPEC-001/SPEC-001\.md\$" actual &&
	test_grep "^  conftest\.py\$" actual
'

test_expect_success 'show --json' '
	cd repo &&
	git spec show --json SPEC-001 >out.json &&
	test "$(json_get out.json "j[\"id\"]")" = SPEC-001 &&
	test "$(json_get out.json "j[\"name\"]")" = "Pricing rules" &&
	test "$(json_get out.json "j[\"packages\"][0][\"path\"]")" = src/acme/pricing &&
	test "$(json_get out.json "len(j[\"packages\"][0][\"files\"])")" = 5 &&
	test "$(json_get out.json "[c[\"variant\"] for c in j[\"packages\"][0][\"contracts\"]]")" = "[\"public\", \"all\", \"tests\"]"
'

test_expect_success 'show: an unknown id or an uncovered path is bad input (3)' '
	cd repo &&
	test_expect_code 3 git spec show SPEC-999 2>err &&
	test_grep "SPEC-999" err &&
	test_expect_code 3 git spec show src/acme/orders 2>err &&
	test_grep "no spec covers package .src/acme/orders." err &&
	test_grep "^hint: create one with" err
'

test_expect_success 'show a spec whose package disappeared' '
	cd repo &&
	git rm -q -r src/acme/pricing &&
	git spec show SPEC-001 >out &&
	test_grep "^package: src/acme/pricing (not a package)$" out &&
	git reset -q --hard
'

test_done
