#!/bin/sh
test_description='spec.breakingChanges = refuse: check --range refuses breaking changes without an API-Break trailer'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

test_expect_success 'setup' '
	git init -q repo &&
	cd repo &&
	exclude_scratch . &&
	write_file lib/shop/__init__.py <<-\EOF &&
	EOF
	write_file lib/shop/pricing.py <<-\EOF &&
	def price(amount, currency="EUR"):
	    pass
	EOF
	write_spec SPEC-001 lib/shop &&
	git spec sync -q &&
	git add -A && git commit -q -m base &&
	git tag base
'

test_expect_success 'a compatible change passes under refuse' '
	cd repo &&
	echo "breakingChanges: refuse" >.gitspec.yaml &&
	write_file lib/shop/pricing.py <<-\EOF &&
	def price(amount, currency="EUR", tax=None):
	    pass
	EOF
	git spec sync -q && git add -A && git commit -q -m "optional tax" &&
	git spec check --range base..HEAD >out &&
	test_grep "every contract is fresh" out
'

test_expect_success 'a breaking change without a trailer is refused, naming it and the trailer' '
	cd repo &&
	write_file lib/shop/pricing.py <<-\EOF &&
	def price(amount, currency="USD", tax=None):
	    pass
	EOF
	git spec sync -q && git add -A && git commit -q -m "dollars" &&
	test_expect_code 1 git spec check --range base..HEAD 2>err &&
	test_grep "^error: commit [0-9a-f]\{12\} breaks the API of .shop. without a trailer .API-Break: shop.:$" err &&
	test_grep "^  lib/shop/pricing.py:1: price(currency): Parameter default was changed: \"EUR\" -> \"USD\" \[breaking\]$" err &&
	test_grep "base..HEAD: 1 breaking change without an API-Break trailer" err &&
	test_grep "^hint: " err
'

test_expect_success 'JSON lists the refused changes' '
	cd repo &&
	test_expect_code 1 git spec check --json --range base..HEAD >out.json &&
	test "$(json_get out.json "j[\"refused\"][0][\"commit\"]")" = "$(git rev-parse HEAD)" &&
	test "$(json_get out.json "j[\"refused\"][0][\"module\"]")" = shop &&
	test "$(json_get out.json "j[\"refused\"][0][\"kind\"]")" = parameter_default_changed
'

test_expect_success 'the trailer naming the module, or *, accepts the change' '
	cd repo &&
	git commit -q --amend -m "dollars" -m "API-Break: shop" &&
	git spec check --range base..HEAD >out &&
	test_grep "every contract is fresh" out &&
	git commit -q --amend -m "dollars" -m "api-break: *" &&
	git spec check --range base..HEAD &&
	git commit -q --amend -m "dollars" -m "API-Break: other.module" &&
	test_expect_code 1 git spec check --range base..HEAD 2>err &&
	test_grep "API-Break: shop" err
'

test_expect_success 'git config spec.breakingChanges overrides the file (allow lets it through); a bad value is bad input' '
	cd repo &&
	git config spec.breakingChanges allow &&
	git spec check --range base..HEAD &&
	git config spec.breakingChanges sometimes &&
	test_expect_code 3 git spec check --range base..HEAD 2>err &&
	test_grep "spec.breakingChanges" err &&
	git config --unset spec.breakingChanges
'

test_expect_success 'a merge brings nothing of its own; the merged commits are judged' '
	cd repo &&
	git commit -q --amend -m "dollars" -m "API-Break: shop" &&
	git checkout -q -b side base &&
	echo "breakingChanges: refuse" >.gitspec.yaml &&
	write_file lib/shop/pricing.py <<-\EOF &&
	def price(amount):
	    pass
	EOF
	git spec sync -q && git add -A && git commit -q -m "no currency" -m "API-Break: *" &&
	git checkout -q main &&
	git merge -q -X theirs --no-edit side &&
	git spec sync -q && git add -A && git commit -q --allow-empty -m sync &&
	git spec check --range base..HEAD
'

test_done
