#!/bin/sh
test_description='git spec create: several packages and --all in one run, all or nothing'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

test_expect_success 'setup' '
	example_repo repo
'

test_expect_success 'several paths: one spec each, ids in the order given, one hint' '
	cd repo &&
	git spec create src/acme/pricing src/acme/cli/ src/acme/pricing >out 2>err &&
	test_grep "^created SPEC-001 for .src/acme/pricing.: specify/tech/SPEC-001/SPEC-001.md$" out &&
	test_grep "^created SPEC-002 for .src/acme/cli.: specify/tech/SPEC-002/SPEC-002.md$" out &&
	test $(grep -c "^created" out) = 2 &&
	test $(grep -c "^hint: stage them" err) = 1 &&
	test_grep "git add specify/tech" err &&
	test_grep "identifier: src/acme/cli$" specify/tech/SPEC-002/SPEC-002.md &&
	git spec check
'

test_expect_success 'one bad path among several: nothing is written (exit 3)' '
	cd repo &&
	snapshot >before &&
	test_expect_code 3 git spec create src/acme/orders src/acme/nowhere 2>err &&
	test_grep "src/acme/nowhere" err &&
	snapshot >after &&
	test_cmp before after
'

test_expect_success 'one covered package among several: nothing is written (exit 1)' '
	cd repo &&
	snapshot >before &&
	test_expect_code 1 git spec create src/acme/orders src/acme/pricing 2>err &&
	test_grep "SPEC-001 already covers .src/acme/pricing." err &&
	snapshot >after &&
	test_cmp before after
'

test_expect_success 'a write that fails half-way removes what the run wrote' '
	cd repo &&
	mkdir -p specify/tech &&
	echo "in the way" >specify/tech/SPEC-004 &&
	snapshot >before &&
	test_must_fail git spec create src/acme/orders src/acme/inventory 2>err &&
	snapshot >after &&
	test_cmp before after &&
	test_path_is_missing() { ! test -e "$1"; } &&
	test_path_is_missing specify/tech/SPEC-003 &&
	rm specify/tech/SPEC-004
'

test_expect_success 'usage: --name with several packages, --all with a path, nothing at all' '
	cd repo &&
	test_expect_code 2 git spec create --name N src/acme/orders src/acme/inventory 2>err &&
	test_grep "one package" err &&
	test_expect_code 2 git spec create --all src/acme/orders 2>err &&
	test_grep "\-\-all takes no path" err &&
	test_expect_code 2 git spec create 2>err
'

test_expect_success '--all: every package that needs a spec, parents included, in one run' '
	cd repo &&
	write_file src/acme/orders/returns/__init__.py <<-\PY &&
	def refund() -> None:
	    pass
	PY
	git spec create --all >out &&
	cat >expect <<-\EOF &&
	created SPEC-003 for '"'"'src/acme/inventory'"'"': specify/tech/SPEC-003/SPEC-003.md
	created SPEC-004 for '"'"'src/acme/orders'"'"': specify/tech/SPEC-004/SPEC-004.md
	created SPEC-005 for '"'"'src/acme/orders/returns'"'"': specify/tech/SPEC-005/SPEC-005.md
	EOF
	grep "^created" out >actual &&
	test_cmp expect actual &&
	test_must_fail grep returns specify/tech/SPEC-004/contracts/all.md &&
	git spec check &&
	git spec packages --json >out.json &&
	test "$(json_get out.json "[p for p in j if p[\"uncovered\"]]")" = "[]" &&
	git spec create --all >out &&
	test_grep "every package that needs a spec has one" out
'

test_done
