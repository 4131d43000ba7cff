#!/bin/sh
test_description='shallow clones: ranges and pushes stop at the shallow boundary'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"
. "$TEST_SRC/tests/e2e/lib-hardening.sh"

C=specify/tech/SPEC-001/contracts

test_expect_success 'setup: five fresh commits, a shallow clone of depth 2' '
	pkg_repo deep pkg &&
	(
		cd deep &&
		for i in 1 2 3 4 5; do
			echo "def g$i(): pass" >>pkg/mod.py &&
			git spec sync -q && git add -A && git commit -q -m "g$i" || exit 1
		done
	) &&
	git init -q --bare remote.git &&
	git -C remote.git config receive.shallowUpdate true &&
	git clone -q --depth 2 "file://$TRASH/deep" shallow &&
	test -f shallow/.git/shallow
'

test_expect_success 'check --range across the whole shallow history: no missing object' '
	cd shallow &&
	echo "def local(): pass" >>pkg/mod.py &&
	git spec sync -q && git add -A && git commit -q -m local &&
	run 0 git spec check --range HEAD~2..HEAD 2>err &&
	run 0 git spec check --range origin/HEAD..HEAD &&
	boundary=$(cat .git/shallow) &&
	run 0 git spec check --range $boundary..HEAD
'

test_expect_success 'check --range finds a stale commit on the shallow boundary' '
	cd shallow &&
	git checkout -q -b stale "$(cat .git/shallow)" &&
	echo "def unsynced(): pass" >>pkg/mod.py &&
	git commit -q -a -m "stale" &&
	run 1 git spec check --range HEAD~1..HEAD >out &&
	git checkout -q master 2>/dev/null || git checkout -q main
'

test_expect_success 'pre-push from a shallow clone: checked, not refused for a missing object' '
	cd shallow &&
	git spec install &&
	git remote add r "$TRASH/remote.git" &&
	run 0 git push -q r HEAD:main 2>err &&
	cat err &&
	test_must_fail grep "object not found" err &&
	git checkout -q stale &&
	test_must_fail git push -q r HEAD:stale 2>err &&
	test_grep "stale" err &&
	test_must_fail grep "object not found" err
'

test_done
