#!/bin/sh
test_description='pre-commit hook and commands on a split index (git update-index --split-index)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-gitint.sh"

test_expect_success 'setup: a split index' '
	setup_repo repo &&
	cd repo &&
	git update-index --split-index &&
	git config core.splitIndex true &&
	grep -q -a link .git/index &&
	ls .git/sharedindex.* >/dev/null &&
	git spec check
'

test_expect_success 'a stale staged contract is refused, a fresh one accepted' '
	cd repo &&
	add_func pkg/fmt.py b &&
	git add pkg/fmt.py &&
	grep -q -a link .git/index &&
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 git commit -q -m "add b" 2>err &&
	test_grep "stale contract .$PUBLIC." err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	git spec sync -q &&
	git add specify &&
	git commit -q -m "add b" &&
	test "$(git rev-parse HEAD~1)" = "$before" &&
	git show HEAD:$PUBLIC | test_grep "def b(value: int) -> int" &&
	git spec check --rev HEAD
'

test_expect_success 'git spec sync --staged on a split index' '
	cd repo &&
	add_func pkg/fmt.py b2 &&
	git add pkg/fmt.py &&
	git spec sync --staged -q &&
	git spec check --staged &&
	git commit -q -m "add b2" &&
	git show HEAD:$PUBLIC | test_grep "def b2(" &&
	grep -q -a link .git/index
'

test_expect_success 'git commit -a (index.lock, split too): stale refused, fresh accepted' '
	cd repo &&
	add_func pkg/fmt.py c &&
	test_expect_code 1 git commit -a -q -m "add c" 2>err &&
	test_grep "stale contract .$PUBLIC." err &&
	git spec sync -q &&
	git commit -a -q -m "add c" &&
	git show HEAD:$PUBLIC | test_grep "def c(" &&
	git spec check --rev HEAD
'

test_expect_success 'git commit PATH (next-index-*.lock, split too): stale refused, fresh accepted' '
	cd repo &&
	add_func pkg/fmt.py d &&
	echo unrelated >>other.txt && git add other.txt &&
	test_expect_code 1 git commit -q -m "add d" pkg/fmt.py 2>err &&
	test_grep "stale contract .$PUBLIC." err &&
	git spec sync -q &&
	git commit -q -m "add d" pkg/fmt.py specify &&
	git show HEAD:$PUBLIC | test_grep "def d(" &&
	git spec check --rev HEAD &&
	test "$(git diff --cached --name-only)" = other.txt &&
	git reset -q --hard
'

test_expect_success 'the index the hook saw was split' '
	cd repo &&
	write_file .git/hooks/pre-commit.save <<-\HOOK &&
	#!/bin/sh
	gd=$(git rev-parse --git-dir)
	grep -q -a link "$GIT_INDEX_FILE" && echo split >>"$gd/../saw"
	exec "$gd/hooks/pre-commit.orig" "$@"
	HOOK
	mv .git/hooks/pre-commit .git/hooks/pre-commit.orig &&
	mv .git/hooks/pre-commit.save .git/hooks/pre-commit &&
	chmod +x .git/hooks/pre-commit &&
	add_func pkg/fmt.py e &&
	git spec sync -q &&
	git commit -a -q -m "add e" &&
	add_func pkg/fmt.py f &&
	git spec sync -q &&
	git commit -q -m "add f" pkg/fmt.py specify &&
	test "$(wc -l <saw)" = 2 &&
	rm saw &&
	mv .git/hooks/pre-commit.orig .git/hooks/pre-commit
'

test_expect_success 'a split index whose shared index is gone is an error, not an empty index' '
	cd repo &&
	add_func pkg/fmt.py g &&
	git add pkg/fmt.py &&
	mkdir ../hide && mv .git/sharedindex.* ../hide/ &&
	test_must_fail git spec check --staged 2>err &&
	test_must_fail git-spec-hook pre-commit 2>>err &&
	mv ../hide/* .git/ &&
	test "$(grep -c "its shared index .*sharedindex.* is missing" err)" = 2 &&
	git reset -q --hard
'

test_done
