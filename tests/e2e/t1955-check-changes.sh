#!/bin/sh
test_description='git spec check names the API changes under each stale contract; --diff shows the contract diff'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

P=specify/tech/SPEC-001/contracts

test_expect_success 'setup' '
	git init -q repo &&
	cd repo &&
	exclude_scratch . &&
	write_file shop/__init__.py </dev/null &&
	write_file shop/pricing.py <<-\EOF &&
	def price(amount, currency="EUR"):
	    pass
	EOF
	write_spec SPEC-001 shop &&
	git spec sync -q &&
	git add -A && git commit -q -m base
'

test_expect_success 'the work tree: the changes since HEAD, once per package' '
	cd repo &&
	write_file shop/pricing.py <<-\EOF &&
	def price(amount, currency="USD", *, tax):
	    pass
	EOF
	test_expect_code 1 git spec check 2>err &&
	cat >expect <<-EOF &&
	stale: public contract '"'"'$P/public.md'"'"' of package '"'"'shop'"'"' (SPEC-001) is stale
	  shop/pricing.py:1: price(currency): Parameter default was changed: "EUR" -> "USD" [breaking]
	  shop/pricing.py:1: price(tax): Parameter was added as required [breaking]
	stale: all contract '"'"'$P/all.md'"'"' of package '"'"'shop'"'"' (SPEC-001) is stale
	EOF
	grep -v "^error:\|^hint:" err >actual &&
	test_cmp expect actual
'

test_expect_success '--diff prints the unified diff of each stale contract on standard output' '
	cd repo &&
	test_expect_code 1 git spec check --diff >out 2>err &&
	test_grep "^diff --git a/$P/public.md b/$P/public.md$" out &&
	test_grep "^-- \`def price(amount, currency=\"EUR\")\`$" out &&
	test_grep "^+- \`def price(amount, currency=\"USD\", \*, tax)\`$" out &&
	test_grep "^diff --git a/$P/all.md" out &&
	# the patch turns the contracts on disk into the derived ones
	git apply out &&
	git spec check &&
	git checkout -q -- $P
'

test_expect_success '--format=github: the stale contracts and the changes as workflow commands' '
	cd repo &&
	test_expect_code 1 git spec check --format=github >out 2>err &&
	test_grep "^::error file=$P/public.md,line=1,title=Stale contract::public contract .$P/public.md. of package .shop. (SPEC-001) is stale; run .git spec sync.$" out &&
	test_grep "^::error file=shop/pricing.py,line=1,title=Breaking API change::price(tax): Parameter was added as required$" out &&
	test "$(grep -c "^::error file=$P/" out)" = 2 &&
	test_expect_code 2 git spec check --format=yaml
'

test_expect_success 'the index, --rev (against its parent) and --range' '
	cd repo &&
	git add shop/pricing.py &&
	test_expect_code 1 git spec check --staged 2>err &&
	test_grep "^  shop/pricing.py:1: price(tax): Parameter was added as required \[breaking\]$" err &&
	git commit -q --no-verify -m "stale tax" &&
	test_expect_code 1 git spec check --rev HEAD 2>err &&
	test_grep "^  shop/pricing.py:1: price(tax)" err &&
	test_expect_code 1 git spec check --range HEAD~1..HEAD 2>err &&
	test_grep "^  shop/pricing.py:1: price(tax)" err
'

test_expect_success 'a missing contract is named; its package changes were shown under the first' '
	cd repo &&
	rm $P/tests.md &&
	test_expect_code 1 git spec check 2>err &&
	test_grep "^stale: tests contract .$P/tests.md. of package .shop. (SPEC-001) is missing$" err &&
	test "$(grep -c "^  shop/pricing.py" err)" = 0 &&
	git checkout -q -- $P
'

test_expect_success 'JSON stays as it was' '
	cd repo &&
	test_expect_code 1 git spec check --json --diff >out.json &&
	test "$(json_get out.json "sorted(j)")" = "[\"errors\", \"fresh\", \"stale\"]"
'

test_done
