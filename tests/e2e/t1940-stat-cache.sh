#!/bin/sh
test_description='the stat cache never vouches for a changed work-tree file'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

test_expect_success 'setup: a package whose files the index cannot vouch for' '
	test_create_repo repo && exclude_scratch repo &&
	cd repo &&
	write_file pkg/__init__.py </dev/null &&
	printf "def aaaa(): pass\n" > pkg/mod.py &&
	git add pkg && git commit -q -m pkg &&
	git spec create pkg >/dev/null 2>&1 &&
	git add -A && git commit -q -m spec &&
	# untracked by the index stat data: modified in the work tree, old enough to be remembered
	printf "def bbbb(): pass\n" > pkg/mod.py &&
	touch -d "@$(( $(date +%s) - 60 ))" pkg/mod.py &&
	sleep 2 &&
	test_expect_code 1 git spec check >../out 2>&1 &&
	git spec sync -q &&
	git spec check -q &&
	test -s .git/gitspec/cache/pack
'

test_expect_success 'same size, same forged mtime, new content: the change is seen' '
	cd repo &&
	printf "def cccc(): pass\n" | rewrite_forged pkg/mod.py &&
	test "$(stat -c %s pkg/mod.py)" = 17 &&
	test_expect_code 1 git spec check >../out 2>&1 &&
	test_grep "specify/tech/SPEC-001/contracts/public.md" ../out &&
	git spec sync -q &&
	test_grep "cccc" specify/tech/SPEC-001/contracts/public.md
'

test_expect_success 'with the cache off, the same answers' '
	cd repo &&
	GIT_SPEC_NO_CACHE=1 git spec check -q
'

test_done
