#!/bin/sh
test_description='git spec list and list --for-path'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

C=specify/tech

test_expect_success 'setup: nested packages, a non-package subdirectory, specs' '
	example_repo repo &&
	cd repo &&
	write_file src/acme/shipping/__init__.py </dev/null &&
	write_file src/acme/shipping/rates.py </dev/null &&
	write_file src/acme/shipping/carriers/__init__.py </dev/null &&
	write_file src/acme/shipping/carriers/post.py </dev/null &&
	write_file src/acme/shipping/carriers/data/tables/zones.py </dev/null &&
	write_file "src/acme/shipping/carriers/data/with space.py" </dev/null &&
	write_file src/acme/loose.py </dev/null &&
	git add -A && git commit -q -m shipping &&
	git spec create -q src/acme/pricing &&
	git spec create -q src/acme/shipping/carriers &&
	git spec create -q --force-parent src/acme/shipping &&
	git add -A && git commit -q -m specs
'

test_expect_success 'list: one line per spec' '
	cd repo &&
	git spec list >out &&
	cat >expect <<-EOF &&
	SPEC-001  src/acme/pricing            $C/SPEC-001/SPEC-001.md
	SPEC-002  src/acme/shipping/carriers  $C/SPEC-002/SPEC-002.md
	SPEC-003  src/acme/shipping           $C/SPEC-003/SPEC-003.md
	EOF
	test_cmp expect out
'

test_expect_success 'list --json exports the registry' '
	cd repo &&
	git spec list --json >out.json &&
	test "$(json_get out.json "[s[\"id\"] for s in j]")" = "[\"SPEC-001\", \"SPEC-002\", \"SPEC-003\"]" &&
	json_get out.json "j[0]" >actual &&
	cat >expect <<-EOF &&
	{"id": "SPEC-001", "path": "$C/SPEC-001/SPEC-001.md", "packages": ["src/acme/pricing"], "contracts": [{"package": "src/acme/pricing", "variant": "public", "path": "$C/SPEC-001/contracts/public.md"}, {"package": "src/acme/pricing", "variant": "all", "path": "$C/SPEC-001/contracts/all.md"}, {"package": "src/acme/pricing", "variant": "tests", "path": "$C/SPEC-001/contracts/tests.md"}]}
	EOF
	test_cmp expect actual
'

# for_path FILE PACKAGE SPEC: --for-path FILE resolves to PACKAGE and SPEC.
for_path() {
	git spec list --for-path "$1" --json >fp.json &&
	test "$(json_get fp.json "j[\"package\"]")" = "$2" &&
	test "$(json_get fp.json "j[\"spec\"]")" = "$3"
}

test_expect_success '--for-path resolves files at several depths' '
	cd repo &&
	for_path src/acme/pricing/rules.py src/acme/pricing SPEC-001 &&
	for_path src/acme/pricing/__init__.py src/acme/pricing SPEC-001 &&
	for_path src/acme/pricing src/acme/pricing SPEC-001 &&
	for_path src/acme/shipping/rates.py src/acme/shipping SPEC-003 &&
	for_path src/acme/shipping/carriers/post.py src/acme/shipping/carriers SPEC-002
'

test_expect_success '--for-path: a file in a non-package subdirectory belongs to the package above' '
	cd repo &&
	for_path src/acme/pricing/tests/test_rules.py src/acme/pricing SPEC-001 &&
	for_path src/acme/pricing/tests src/acme/pricing SPEC-001 &&
	for_path src/acme/shipping/carriers/data/tables/zones.py src/acme/shipping/carriers SPEC-002 &&
	for_path "src/acme/shipping/carriers/data/with space.py" src/acme/shipping/carriers SPEC-002
'

test_expect_success '--for-path: a file that does not exist yet resolves by its path' '
	cd repo &&
	for_path src/acme/pricing/new/deeper/module.py src/acme/pricing SPEC-001
'

test_expect_success '--for-path is relative to the current directory' '
	cd repo/src/acme/pricing/tests &&
	for_path test_rules.py src/acme/pricing SPEC-001 &&
	for_path ../../shipping/carriers/post.py src/acme/shipping/carriers SPEC-002 &&
	test "$(json_get fp.json "j[\"path\"]")" = src/acme/shipping/carriers/post.py
'

test_expect_success '--for-path text output' '
	cd repo &&
	git spec list --for-path src/acme/pricing/tests/test_rules.py >out &&
	cat >expect <<-EOF &&
	path: src/acme/pricing/tests/test_rules.py
	package: src/acme/pricing
	module: acme.pricing
	spec: SPEC-001 $C/SPEC-001/SPEC-001.md
	EOF
	test_cmp expect out
'

test_expect_success '--for-path: a package without a spec (exit 1 in text, nulls in JSON)' '
	cd repo &&
	test_expect_code 1 git spec list --for-path src/acme/orders/models.py >out 2>err &&
	test_grep "^package: src/acme/orders$" out &&
	test_grep "^spec: -$" out &&
	test_grep "no spec covers package .src/acme/orders." err &&
	test_grep "^hint: create one with .git spec create src/acme/orders." err &&
	for_path src/acme/orders/models.py src/acme/orders null
'

test_expect_success '--for-path: a file in no package (exit 1 in text, nulls in JSON)' '
	cd repo &&
	test_expect_code 1 git spec list --for-path tools/loose.py >out 2>err &&
	test_grep "in no package" err &&
	for_path tools/loose.py null null &&
	for_path pyproject.toml null null
'

test_expect_success '--for-path: a spec or contract file resolves to its spec' '
	cd repo &&
	git spec list --for-path $C/SPEC-002/contracts/all.md --json >fp.json &&
	test "$(json_get fp.json "j[\"spec\"]")" = SPEC-002 &&
	git spec list --for-path $C/SPEC-003/SPEC-003.md --json >fp.json &&
	test "$(json_get fp.json "j[\"spec\"]")" = SPEC-003
'

test_expect_success 'list on a repository without specs' '
	test_create_repo empty &&
	cd empty &&
	git spec list >out &&
	test_must_fail test -s out &&
	git spec list --json >out &&
	echo "[]" >expect &&
	test_cmp expect out
'

test_expect_success 'list warns about a spec that does not parse and lists the others' '
	cd repo &&
	mkdir -p $C/SPEC-050 &&
	printf -- "---\nid: [SPEC-050\n---\n" >$C/SPEC-050/SPEC-050.md &&
	git spec list >out 2>err &&
	test_grep "^warning: $C/SPEC-050/SPEC-050.md" err &&
	test $(wc -l <out) = 3 &&
	git spec list -q >out 2>err &&
	test_must_fail test -s err &&
	rm -r $C/SPEC-050
'

test_done
