#!/bin/sh
test_description='pre-push hook: every pushed commit must have fresh contracts'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-gitint.sh"

test_expect_success 'setup' '
	setup_repo repo &&
	git init -q --bare remote.git &&
	cd repo &&
	git remote add origin ../remote.git &&
	git push -q origin main
'

test_expect_success 'a fresh commit is pushed' '
	cd repo &&
	add_func pkg/fmt.py b &&
	commit_synced "add b" &&
	git push -q origin main &&
	test "$(git rev-parse origin/main)" = "$(git rev-parse HEAD)"
'

test_expect_success 'a --no-verify stale commit is refused, naming it' '
	cd repo &&
	add_func pkg/fmt.py c &&
	git add pkg/fmt.py &&
	git commit -q --no-verify -m "stale c" &&
	test_tick &&
	echo x >README && git add README && git commit -q -m readme &&
	test_must_fail git push origin main 2>err &&
	test_grep "commit $(git rev-parse --short=7 HEAD~1)[0-9a-f]* (stale c)" err &&
	test_grep "stale contract .$PUBLIC." err &&
	test_grep "git spec sync --staged" err &&
	test "$(git rev-parse origin/main)" = "$(git rev-parse HEAD~2)" &&
	test "$(git --git-dir=../remote.git rev-parse main)" = "$(git rev-parse HEAD~2)"
'

test_expect_success 'a new branch with a stale commit is refused too' '
	cd repo &&
	git checkout -q -b topic &&
	test_must_fail git push origin topic 2>err &&
	test_grep "(stale c)" err &&
	test_must_fail git --git-dir=../remote.git rev-parse -q --verify topic
'

test_expect_success 'the suggested rebase fixes every commit, then the push goes through' '
	cd repo &&
	git checkout -q main && git branch -D topic >/dev/null &&
	git rebase -q --exec "git spec sync --staged && git commit -q --amend --no-edit --no-verify" origin/main &&
	git spec check --range origin/main..HEAD &&
	git push -q origin main
'

test_expect_success 'a new branch with only fresh commits is pushed' '
	cd repo &&
	git checkout -q -b topic2 &&
	add_func pkg/fmt.py d &&
	commit_synced "add d" &&
	git push -q origin topic2
'

test_expect_success 'deleting a branch is not checked' '
	cd repo &&
	git push -q origin :topic2
'

test_expect_success 'git-spec-hook pre-push rejects malformed input' '
	cd repo &&
	echo "garbage" | test_expect_code 3 git-spec-hook pre-push origin ../remote.git
'

test_done
