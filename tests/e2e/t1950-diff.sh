#!/bin/sh
test_description='git spec diff: API changes between commits, the index and the work tree'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

test_expect_success 'setup: two packages, one covered by a spec' '
	git init -q repo &&
	cd repo &&
	exclude_scratch . &&
	write_file lib/shop/__init__.py <<-\EOF &&
	"""Shop."""
	__all__ = ["price", "Cart"]
	EOF
	write_file lib/shop/pricing.py <<-\EOF &&
	def price(amount, currency="EUR", *, rounding=2):
	    """Price."""

	def helper(x):
	    pass

	class Cart(Base, Mixin):
	    def add(self, item, qty=1):
	        pass
	EOF
	write_file lib/other/__init__.py <<-\EOF &&
	def other(a):
	    pass
	EOF
	write_spec SPEC-001 lib/shop &&
	git add -A && git commit -q -m one &&
	git tag v1
'

test_expect_success 'nothing staged: nothing to report' '
	cd repo &&
	git spec diff >out &&
	test_must_fail test -s out
'

test_expect_success 'index against HEAD (the default), grouped by package' '
	cd repo &&
	write_file lib/shop/pricing.py <<-\EOF &&
	def price(amount, currency="USD", *, rounding=2, tax):
	    """Price."""

	def helper(x):
	    pass

	class Cart(Base):
	    def add(self, item, qty=1):
	        pass

	    def remove(self, item):
	        pass
	EOF
	git add lib/shop/pricing.py &&
	git spec diff >out &&
	cat >expect <<-\EOF &&
	package lib/shop: 3 breaking, 1 compatible
	lib/shop/pricing.py:1: price(currency): Parameter default was changed: "EUR" -> "USD" [breaking]
	lib/shop/pricing.py:1: price(tax): Parameter was added as required [breaking]
	lib/shop/pricing.py:7: Cart: Base class was removed: Mixin [breaking]
	lib/shop/pricing.py:11: Cart.remove: Public object was added [compatible]
	EOF
	test_cmp expect out &&
	git spec diff --staged >out2 &&
	test_cmp expect out2
'

test_expect_success 'the other package only with --all' '
	cd repo &&
	write_file lib/other/__init__.py <<-\EOF &&
	def other(a, b):
	    pass
	EOF
	git add lib/other &&
	git spec diff >out &&
	test_must_fail grep -q lib/other out &&
	git spec diff --all >out &&
	test_grep "^package lib/other: 1 breaking, 0 compatible$" out &&
	test_grep "^lib/other/__init__.py:1: other(b): Parameter was added as required \[breaking\]$" out
'

test_expect_success '--exit-code: 1 for a breaking change, 0 otherwise' '
	cd repo &&
	test_expect_code 1 git spec diff --exit-code >out &&
	git commit -q -m two &&
	test_expect_code 0 git spec diff --exit-code >out &&
	test_must_fail test -s out
'

test_expect_success 'A..B between commits, without touching the work tree' '
	cd repo &&
	snapshot >before &&
	git spec diff v1..HEAD >out &&
	snapshot >after &&
	test_cmp before after &&
	test_grep "price(tax): Parameter was added as required" out &&
	git spec diff v1..HEAD --all >out &&
	test_grep "other(b)" out &&
	git spec diff HEAD..v1 >back &&
	test_grep "price(tax): Parameter was removed \[breaking\]" back &&
	test_grep "Cart.remove: Public object was removed \[breaking\]" back
'

test_expect_success 'REV against the work tree' '
	cd repo &&
	write_file lib/shop/pricing.py <<-\EOF &&
	async def price(amount, currency="USD", *, rounding=2, tax):
	    """Price."""

	def helper(x):
	    pass

	class Cart(Base):
	    def add(self, item, qty=1):
	        pass

	    def remove(self, item):
	        pass
	EOF
	git spec diff HEAD >out &&
	cat >expect <<-\EOF &&
	package lib/shop: 1 breaking, 0 compatible
	lib/shop/pricing.py:1: price: Callable changed between def and async def: def -> async def [breaking]
	EOF
	test_cmp expect out &&
	git spec diff >staged &&
	test_must_fail test -s staged &&
	git checkout -q -- lib/shop/pricing.py
'

test_expect_success 'JSON' '
	cd repo &&
	git spec diff --json v1..HEAD >out.json &&
	test "$(json_get out.json "j[\"from\"]")" = "$(git rev-parse v1)" &&
	test "$(json_get out.json "j[\"to\"]")" = "$(git rev-parse HEAD)" &&
	test "$(json_get out.json "len(j[\"changes\"])")" = 4 &&
	test "$(json_get out.json "j[\"changes\"][1][\"kind\"]")" = parameter_added_required &&
	test "$(json_get out.json "j[\"changes\"][1][\"object\"]")" = "price(tax)" &&
	test "$(json_get out.json "j[\"changes\"][1][\"breaking\"]")" = true &&
	test "$(json_get out.json "j[\"changes\"][0][\"old\"]")" = "\"EUR\"" &&
	test "$(json_get out.json "j[\"changes\"][3][\"breaking\"]")" = false &&
	test "$(json_get out.json "sorted(j[\"changes\"][0])")" = "[\"breaking\", \"kind\", \"line\", \"message\", \"new\", \"object\", \"old\", \"package\", \"path\"]"
'

test_expect_success '--format=github: errors for breaking, notices for compatible' '
	cd repo &&
	git spec diff --format=github v1..HEAD >out &&
	test_grep "^::error file=lib/shop/pricing.py,line=1,title=Breaking API change::price(tax): Parameter was added as required$" out &&
	test_grep "^::notice file=lib/shop/pricing.py,line=11,title=API change::Cart.remove: Public object was added$" out &&
	test "$(grep -c "^::error" out)" = 3
'

test_expect_success 'PATH limits the report' '
	cd repo &&
	git spec diff --all v1..HEAD -- lib/other >out &&
	test_grep "^package lib/other" out &&
	test_must_fail grep -q lib/shop out &&
	git spec diff --all v1..HEAD -- lib/shop/pricing.py >out &&
	test_must_fail grep -q lib/other out &&
	test_grep "price(tax)" out &&
	git spec diff --all v1..HEAD -- lib/shop/__init__.py >out &&
	test_must_fail test -s out
'

test_expect_success 'a renamed file reports nothing; a split reports only real changes' '
	cd repo &&
	git mv lib/shop/pricing.py lib/shop/prices.py &&
	git spec diff >out &&
	test_must_fail test -s out &&
	git commit -q -m rename &&
	write_file lib/shop/cart.py <<-\EOF &&
	class Cart(Base):
	    def add(self, item, qty=1):
	        pass

	    def remove(self, item):
	        pass
	EOF
	write_file lib/shop/prices.py <<-\EOF &&
	def price(amount, currency="USD", *, rounding=2, tax):
	    """Price."""
	EOF
	git add -A &&
	git spec diff >out &&
	cat >expect <<-\EOF &&
	package lib/shop: 1 breaking, 0 compatible
	lib/shop/prices.py:4: helper: Public object was removed [breaking]
	EOF
	test_cmp expect out
'

test_expect_success '--help opens git-spec-diff(1); -h prints the usage' '
	cd repo &&
	MANPAGER=cat PAGER=cat MANWIDTH=80 git spec diff --help >out &&
	test_grep "git-spec-diff - report API changes" out &&
	test_grep "parameter_added_required" out &&
	git spec diff -h >out &&
	test_grep "^usage: git spec diff" out
'

test_expect_success 'usage errors' '
	cd repo &&
	test_expect_code 2 git spec diff --json --format=github &&
	test_expect_code 2 git spec diff --format=yaml &&
	test_expect_code 2 git spec diff --staged HEAD &&
	test_expect_code 2 git spec diff HEAD v1 &&
	test_expect_code 3 git spec diff nosuchrev
'

test_expect_success 'a syntax error in a changed file is bad input' '
	cd repo &&
	echo "def broken(:" >lib/shop/prices.py &&
	git add lib/shop/prices.py &&
	test_expect_code 3 git spec diff 2>err &&
	test_grep "lib/shop/prices.py" err &&
	git reset -q --hard
'

test_expect_success 'unborn HEAD: everything staged is added' '
	git init -q fresh &&
	cd fresh &&
	write_file p/__init__.py <<-\EOF &&
	def f(): pass
	EOF
	git add -A &&
	git spec diff --all >out &&
	test_grep "^p/__init__.py:1: p: Public object was added \[compatible\]$" out
'

test_done
