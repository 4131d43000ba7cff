#!/bin/sh
test_description='post-commit and post-rewrite: a clean pick that makes a contract stale is reported at once, with the repair (issue 11.5)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-gitint.sh"

# Branch B adds __all__ (its contracts unchanged); branch A adds a public
# function at the end of the file and syncs. Replayed onto B, A's function
# is no longer public, yet git takes A's contract as it is (only A changed
# it) without running any driver.
test_expect_success 'setup: the two branches of issue 11.5' '
	setup_repo repo &&
	cd repo &&
	git checkout -q -b B &&
	sed -i "1a __all__ = [\"a\", \"z\"]" pkg/fmt.py &&
	commit_synced "B: __all__" &&
	git diff --quiet main B -- specify &&
	git checkout -q -b A main &&
	add_func pkg/fmt.py b &&
	commit_synced "A: add b" &&
	git spec check -q
'

test_expect_success 'a clean rebase that leaves HEAD stale warns once, with the rebase line' '
	cd repo &&
	git checkout -q -b A1 A &&
	git rebase B >"$TRASH/out" 2>"$TRASH/err" &&
	test_must_fail git spec check -q --rev HEAD &&
	test_grep "warning: git-spec: commit $(git rev-parse --short HEAD) (A: add b) has stale contracts" "$TRASH/err" &&
	test_grep "stale contract .$PUBLIC." "$TRASH/err" &&
	test "$(grep -c "has stale contracts" "$TRASH/err")" = 1 &&
	test_grep "^repair: git rebase --exec .git spec sync --staged && git commit --amend --no-edit. $(git rev-parse --short B)$" "$TRASH/err"
'

test_expect_success 'running the suggested rebase line repairs the history, silently' '
	cd repo &&
	repair=$(sed -n "s/^repair: //p" "$TRASH/err") &&
	eval "$repair" >"$TRASH/out" 2>"$TRASH/err2" &&
	git spec check -q --range B..HEAD &&
	git spec check -q &&
	! test_grep "has stale contracts" "$TRASH/err2"
'

test_expect_success 'a rebase of several commits names the first stale one' '
	cd repo &&
	git checkout -q -b A2 A &&
	echo x >notes.txt && git add notes.txt && git commit -q -m "A: notes" &&
	add_func pkg/fmt.py c &&
	commit_synced "A: add c" &&
	git tag A2-orig &&
	git rebase -q B 2>"$TRASH/err" &&
	test_grep "commit $(git rev-parse --short HEAD~2) (A: add b) has stale" "$TRASH/err" &&
	test_grep "commit $(git rev-parse --short HEAD) (A: add c) has stale" "$TRASH/err" &&
	test_grep "^repair: git rebase --exec .* $(git rev-parse --short B)$" "$TRASH/err" &&
	eval "$(sed -n "s/^repair: //p" "$TRASH/err")" 2>/dev/null &&
	git spec check -q --range B..HEAD
'

test_expect_success 'a clean cherry-pick that leaves HEAD stale warns with the amend line' '
	cd repo &&
	git checkout -q -b C B &&
	git cherry-pick A >"$TRASH/out" 2>"$TRASH/err" &&
	test_must_fail git spec check -q --rev HEAD &&
	test_grep "commit $(git rev-parse --short HEAD) (A: add b) has stale contracts" "$TRASH/err" &&
	test_grep "^repair: git spec sync --staged && git commit --amend --no-edit$" "$TRASH/err" &&
	git spec sync --staged -q && git commit -q --amend --no-edit 2>"$TRASH/err2" &&
	git spec check -q --rev HEAD &&
	! test_grep "has stale" "$TRASH/err2"
'

test_expect_success 'a cherry-pick of several commits gives the line for the whole sequence' '
	cd repo &&
	git checkout -q -b D B &&
	git cherry-pick A2-orig~2 A2-orig~1 >"$TRASH/out" 2>"$TRASH/err" &&
	test_grep "commit $(git rev-parse --short HEAD~1) (A: add b) has stale" "$TRASH/err" &&
	test_grep "once the sequence is done: git rebase --exec .* $(git rev-parse --short B)$" "$TRASH/err" &&
	eval "$(sed -n "s/^repair, once the sequence is done: //p" "$TRASH/err")" 2>/dev/null &&
	git spec check -q --range B..HEAD
'

test_expect_success 'commit --no-verify and commit --amend warn once' '
	cd repo &&
	git checkout -q -b E main &&
	add_func pkg/fmt.py e &&
	git commit -q --no-verify -am "E stale" 2>"$TRASH/err" &&
	test "$(grep -c "has stale contracts" "$TRASH/err")" = 1 &&
	git commit -q --no-verify --amend -m "E stale again" 2>"$TRASH/err" &&
	test "$(grep -c "has stale contracts" "$TRASH/err")" = 1 &&
	test_grep "(E stale again)" "$TRASH/err"
'

test_expect_success 'post-commit judges the commit, not what is still staged' '
	cd repo &&
	git checkout -q -b G main &&
	add_func pkg/fmt.py staged_only &&
	git add pkg/fmt.py &&
	echo "# a comment" >>pkg/__init__.py && git add pkg/__init__.py &&
	git commit -q -m "comment only" pkg/__init__.py 2>"$TRASH/err" &&
	! test_grep "has stale" "$TRASH/err" &&
	git spec check -q --rev HEAD &&
	git reset -q --hard
'

test_expect_success 'a revert that leaves HEAD stale warns too' '
	cd repo &&
	git checkout -q -b F C &&
	git revert --no-edit B >"$TRASH/out" 2>"$TRASH/err" &&
	test_must_fail git spec check -q --rev HEAD &&
	test_grep "commit $(git rev-parse --short HEAD) (Revert .*) has stale contracts" "$TRASH/err" &&
	test_grep "^repair: git spec sync --staged && git commit --amend --no-edit$" "$TRASH/err"
'

test_expect_success 'the hooks exit 0 whatever they find' '
	cd repo &&
	git checkout -q E &&
	git-spec-hook post-commit 2>"$TRASH/err" &&
	test_grep "has stale" "$TRASH/err" &&
	echo "$(git rev-parse HEAD~1) $(git rev-parse HEAD)" | git-spec-hook post-rewrite rebase 2>"$TRASH/err" &&
	test_grep "has stale" "$TRASH/err" &&
	echo garbage | git-spec-hook post-rewrite rebase 2>"$TRASH/err" &&
	test_grep "warning" "$TRASH/err"
'

test_expect_success 'install puts post-commit and post-rewrite in place, uninstall removes them' '
	test_create_repo inst && cd inst &&
	git spec install -q &&
	for h in post-commit post-rewrite; do
		test -x .git/hooks/$h && cmp .git/hooks/$h "$GIT_SPEC_HOOKS_DIR/$h" || exit 1
	done &&
	git spec uninstall -q &&
	! test -e .git/hooks/post-commit && ! test -e .git/hooks/post-rewrite
'

test_expect_success 'a foreign post-rewrite hook is chained and gets the same input' '
	test_create_repo chain && cd chain &&
	write_file .git/hooks/post-rewrite <<-\HOOK &&
	#!/bin/sh
	cat >"$(git rev-parse --git-dir)/foreign-input"
	exit 1
	HOOK
	chmod +x .git/hooks/post-rewrite &&
	git spec install -q --force &&
	test -x .git/hooks/post-rewrite.local &&
	echo one >f && git add f && git commit -q -m one &&
	git commit -q --amend -m "one again" &&
	test -s .git/foreign-input &&
	git spec uninstall -q &&
	grep -q foreign-input .git/hooks/post-rewrite
'

test_done
