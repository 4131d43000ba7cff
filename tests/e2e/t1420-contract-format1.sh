#!/bin/sh
test_description='contracts in contract format 1 are stale, reported once, and one sync rewrites them'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

C=specify/tech
FORMAT1='<!-- Derived from the package sources by git-spec. Do not edit: run `git spec sync`. -->'

# Turn every contract into what format 1 wrote: its comment line named no format.
to_format1() {
	for f in $C/*/contracts/*.md; do
		sed "3s|.*|$FORMAT1|" "$f" >"$f.tmp" && mv "$f.tmp" "$f" || return 1
	done
}

test_expect_success 'setup: two specs, contracts committed in format 1' '
	example_repo repo &&
	cd repo &&
	git spec create -q src/acme/pricing &&
	git spec create -q src/acme/orders &&
	grep -q "(contract format 2)" $C/SPEC-001/contracts/public.md &&
	to_format1 &&
	git add -A && git commit -q -m "specs, format 1" &&
	git tag format1
'

test_expect_success 'check: exit 1 and one line for all of them, not one each' '
	cd repo &&
	snapshot >before &&
	test_expect_code 1 git spec check >out 2>err &&
	test_grep "^stale: 6 contracts are in contract format 1; .git spec sync. rewrites them$" err &&
	test $(grep -c "^stale:" err) = 1 &&
	test_grep "^error: the work tree: 6 contracts are stale$" err &&
	snapshot >after &&
	test_cmp before after
'

test_expect_success 'check --json still lists each of them' '
	cd repo &&
	test_expect_code 1 git spec check --json >out.json &&
	test "$(json_get out.json "len(j[\"stale\"])")" = 6
'

test_expect_success 'a stale contract in format 2 is still named on its own' '
	cd repo &&
	git spec sync -q src/acme/orders &&
	echo "def newer() -> None: ..." >>src/acme/orders/models.py &&
	test_expect_code 1 git spec check 2>err &&
	test_grep "^stale: 3 contracts are in contract format 1; .git spec sync. rewrites them$" err &&
	test_grep "^stale: public contract .$C/SPEC-002/contracts/public.md. of package .src/acme/orders. (SPEC-002) is stale$" err &&
	test_must_fail grep "SPEC-001/contracts" err &&
	git reset -q --hard format1
'

test_expect_success 'the pre-commit hook says it once too' '
	cd repo &&
	echo "def newer() -> None: ..." >>src/acme/pricing/discounts.py &&
	echo "def newer() -> None: ..." >>src/acme/orders/models.py &&
	git add -A &&
	test_expect_code 1 git-spec-hook pre-commit 2>err &&
	test_grep "^  6 contracts are in contract format 1; .git spec sync. rewrites them$" err &&
	test_must_fail grep "stale contract" err &&
	test "$(tail -n 1 err)" = "fix: git spec sync --staged" &&
	git reset -q --hard format1
'

test_expect_success 'one git spec sync rewrites them all in format 2' '
	cd repo &&
	git spec sync >out 2>err &&
	test $(git diff --name-only | wc -l) = 6 &&
	for f in $C/*/contracts/*.md; do
		sed -n 3p "$f" | grep -q "(contract format 2)" || return 1
	done &&
	git spec check -q &&
	git add -A && git commit -q -m "format 2" &&
	git spec check -q --rev HEAD
'

test_expect_success 'sync --staged rewrites them from the index' '
	cd repo &&
	git reset -q --hard format1 &&
	git spec sync --staged -q &&
	git spec check -q --staged &&
	git-spec-hook pre-commit &&
	test $(git diff --cached --name-only | wc -l) = 6
'

test_done
