#!/bin/sh
test_description='the check memo answers only when nothing a contract depends on changed'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

# memo_check: `git spec check -q` tracing where its verdict came from.
memo_check() {
	GIT_SPEC_TRACE=1 git spec check -q
}

# age PATH...: make files a minute old, then let git refresh its stat data,
# so that the index vouches for them (not racily clean).
age() {
	touch -d "@$(( $(date +%s) - 60 ))" "$@" &&
	git update-index -q --refresh
}

# restore PATH...: the committed content back, whatever the stat data says
# (git checkout trusts stat data that a forged mtime can fool).
restore() {
	for f; do git show "HEAD:$f" >"$f" || return 1; done
}

# seen_then_memo PATTERN PATH...: the check sees the change just made (it
# fails, saying PATTERN); once PATH... are restored and aged, the memo
# answers again.
seen_then_memo() {
	seen_pattern=$1 && shift &&
	test_expect_code 1 git spec check >../out 2>&1 &&
	test_grep "$seen_pattern" ../out &&
	restore "$@" && age "$@" &&
	memo_check 2>../err && test_grep "memo" ../err
}

test_expect_success 'setup: two packages, one covered, contracts committed' '
	test_create_repo repo && exclude_scratch repo &&
	cd repo &&
	write_file pkg/__init__.py </dev/null &&
	printf "def aaaa(): pass\n" > pkg/mod.py &&
	printf "def t(): pass\n" > pkg/test_mod.py &&
	write_file other/__init__.py </dev/null &&
	printf "def other(): pass\n" > other/o.py &&
	write_spec SPEC-001 pkg &&
	git spec sync -q &&
	git add -A && git commit -q -m all &&
	age $(git ls-files) &&
	git spec check -q 2>../err &&
	! grep memo ../err &&
	memo_check 2>../err &&
	test_grep "nothing changed since the last check (memo)" ../err
'

test_expect_success 'the same verdict, in every format' '
	cd repo &&
	memo_check >../out 2>../err && test_grep "memo" ../err &&
	GIT_SPEC_TRACE=1 git spec check >../out 2>../err &&
	test_grep "memo" ../err &&
	test_grep "^3 contracts are fresh in the work tree$" ../out &&
	GIT_SPEC_TRACE=1 git spec check --json >../out 2>../err &&
	test_grep "memo" ../err &&
	test "$(json_get ../out "j[\"fresh\"]")" = true
'

test_expect_success 'a changed source, same size, within the same second as the index' '
	cd repo &&
	printf "def bbbb(): pass\n" > pkg/mod.py &&
	git add pkg/mod.py &&
	printf "def cccc(): pass\n" > pkg/mod.py &&
	touch -d "@$(stat -c %Y .git/index)" pkg/mod.py &&
	seen_then_memo "stale contract .specify/tech/SPEC-001/contracts/public.md" pkg/mod.py
'

test_expect_success 'a changed source, same size, its old mtime forged' '
	cd repo &&
	printf "def dddd(): pass\n" | rewrite_forged pkg/mod.py &&
	seen_then_memo "stale contract" pkg/mod.py
'

test_expect_success 'a changed contract, same size, its old mtime forged' '
	cd repo &&
	c=specify/tech/SPEC-001/contracts/public.md &&
	sed "s/aaaa/zzzz/" $c >../edited && rewrite_forged $c <../edited &&
	seen_then_memo "stale contract .$c" $c
'

# A racily clean file (as old as the index) whose stat data are settled
# (two seconds old) is keyed by its stat data, not read: a change that
# leaves it settled must change the key all the same.
test_expect_success 'a changed racily clean file whose stat data are settled' '
	cd repo &&
	t=$(( $(date +%s) - 60 )) &&
	touch -d "@$t" $(git ls-files) &&
	git update-index -q --refresh &&
	touch -d "@$t" .git/index &&
	sleep 2 &&
	git spec check -q &&
	memo_check 2>../err && test_grep "memo" ../err &&
	printf "def eeee(): pass\n" >pkg/mod.py &&
	touch -d "@$t" pkg/mod.py &&
	sleep 2 &&
	test_expect_code 1 git spec check >../out 2>&1 &&
	test_grep "stale contract .specify/tech/SPEC-001/contracts/public.md" ../out &&
	# a fresh index vouches for the files again: their ids key the memo
	touch .git/index &&
	restore pkg/mod.py && age pkg/mod.py &&
	memo_check 2>../err && test_grep "memo" ../err
'

test_expect_success 'a deleted contract, a deleted source' '
	cd repo &&
	rm specify/tech/SPEC-001/contracts/tests.md &&
	seen_then_memo "missing contract" specify/tech/SPEC-001/contracts/tests.md &&
	rm pkg/mod.py &&
	seen_then_memo "stale contract" pkg/mod.py
'

test_expect_success 'a new untracked source' '
	cd repo &&
	printf "def new(): pass\n" > pkg/new.py &&
	test_expect_code 1 git spec check >../out 2>&1 &&
	test_grep "stale contract" ../out &&
	rm pkg/new.py &&
	memo_check 2>../err && test_grep "memo" ../err
'

test_expect_success 'a changed spec' '
	cd repo &&
	sed "s/path: contracts\/tests.md/path: contracts\/tests2.md/" \
		specify/tech/SPEC-001/SPEC-001.md >../edited &&
	cat ../edited >specify/tech/SPEC-001/SPEC-001.md &&
	seen_then_memo "missing contract .specify/tech/SPEC-001/contracts/tests2.md" \
		specify/tech/SPEC-001/SPEC-001.md
'

test_expect_success 'a changed configuration file' '
	cd repo &&
	printf "testPatterns: [\"nothing_*.py\"]\n" >.gitspec.yaml &&
	test_expect_code 1 git spec check >../out 2>&1 &&
	test_grep "stale contract" ../out &&
	rm .gitspec.yaml &&
	memo_check 2>../err && test_grep "memo" ../err
'

test_expect_success 'a changed git configuration' '
	cd repo &&
	git config spec.requireSpecs true &&
	test_expect_code 1 git spec check >../out 2>&1 &&
	test_grep "not covered by any spec" ../out &&
	git config --unset spec.requireSpecs &&
	memo_check 2>../err && test_grep "memo" ../err
'

test_expect_success 'fresh only after the end-of-line conversion: never memoized' '
	cd repo &&
	c=specify/tech/SPEC-001/contracts/all.md &&
	# attributes outside the work tree: no path of the source changes with them
	echo "*.md text eol=crlf" >.git/info/attributes &&
	sed "s/\$/\r/" $c >../edited && cat ../edited >$c &&
	git spec check -q &&
	memo_check 2>../err && ! grep memo ../err &&
	echo "*.md -text" >.git/info/attributes &&
	test_expect_code 1 git spec check >../out 2>&1 &&
	test_grep "stale contract .$c" ../out &&
	rm .git/info/attributes &&
	restore $c && age $c &&
	git spec check -q && memo_check 2>../err && test_grep "memo" ../err
'

test_expect_success 'without the cache, no memo' '
	cd repo &&
	git spec check -q &&
	GIT_SPEC_NO_CACHE=1 GIT_SPEC_TRACE=1 git spec check -q 2>../err &&
	! grep memo ../err
'

test_done
