#!/bin/sh
test_description='spec ids across branches: create avoids ids other branches use, renumber fixes a collision'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

# A shared repository with two packages and no spec; clones install the
# hooks and the driver.
test_expect_success 'setup' '
	test_create_repo up &&
	(
		cd up &&
		write_file a/__init__.py </dev/null &&
		write_file a/m.py <<-\PY &&
		def fa() -> None:
		    pass
		PY
		write_file b/__init__.py </dev/null &&
		write_file b/m.py <<-\PY &&
		def fb() -> None:
		    pass
		PY
		write_file c/__init__.py <<-\PY &&
		def fc() -> None:
		    pass
		PY
		git add -A && git commit -q -m base
	) &&
	for c in one two; do
		git clone -q up $c && exclude_scratch $c && (cd $c && git spec install -q) || exit 1
	done
'

test_expect_success 'no collision when the other branch is local' '
	cd one &&
	git checkout -q -b spec-a &&
	git spec create -q a && git add -A && git commit -q -m "spec a" &&
	git checkout -q main &&
	git spec create b >out &&
	test_grep "^created SPEC-002 for .b." out &&
	git add -A && git commit -q -m "spec b" &&
	git merge -q --no-edit spec-a &&
	git spec check &&
	git spec list >out &&
	test $(wc -l <out) = 2
'

test_expect_success 'no collision when the other branch is a remote-tracking branch' '
	(cd one && git push -q origin main:shared) &&
	cd two &&
	git fetch -q &&
	git spec create c >out &&
	test_grep "^created SPEC-003 for .c." out &&
	git add -A && git commit -q -m "spec c" &&
	git merge -q --no-edit origin/shared &&
	git spec check &&
	test "$(git spec list | wc -l)" = 3
'

# Clones that track only main cannot see each other's new branch: the
# collision of issue 11 happens.
test_expect_success 'a collision that happened: the driver says to renumber' '
	for c in three four; do
		git clone -q --single-branch -b main up $c && exclude_scratch $c &&
		(cd $c && git spec install -q) || exit 1
	done &&
	(cd three && git spec create -q a && git add -A && git commit -q -m "spec a" &&
	 git push -q origin main:three) &&
	cd four &&
	git spec create -q b && git add -A && git commit -q -m "spec b" &&
	git fetch -q origin three:refs/remotes/origin/three &&
	test_must_fail git merge --no-edit origin/three >out 2>err &&
	test_grep "SPEC-001 was created on both sides, for .b. here and for .a. on theirs" err &&
	test_grep "git spec renumber SPEC-001" err &&
	test_must_fail grep "resolve the conflicting sources" err &&
	git merge --abort
'

test_expect_success 'renumber moves the spec; then the merge completes' '
	cd four &&
	git spec renumber SPEC-001 >out 2>err &&
	test_grep "^renumbered SPEC-001 to SPEC-002: specify/tech/SPEC-002/SPEC-002.md$" out &&
	test_grep "git add -A specify/tech/SPEC-001 specify/tech/SPEC-002" err &&
	! test -e specify/tech/SPEC-001 &&
	test_grep "^id: SPEC-002$" specify/tech/SPEC-002/SPEC-002.md &&
	test_grep "^# SPEC-002: b Specification$" specify/tech/SPEC-002/SPEC-002.md &&
	test_grep "identifier: b$" specify/tech/SPEC-002/SPEC-002.md &&
	git spec check &&
	git add -A specify/tech/SPEC-001 specify/tech/SPEC-002 &&
	git commit -q -m "renumber SPEC-001 to SPEC-002" &&
	git merge -q --no-edit origin/three &&
	git spec check &&
	git spec validate &&
	git spec list >out &&
	test_grep "^SPEC-001  *a " out &&
	test_grep "^SPEC-002  *b " out
'

test_expect_success 'renumber to a chosen id; guards (unknown, taken, bad id) write nothing' '
	cd four &&
	snapshot >before &&
	test_expect_code 3 git spec renumber SPEC-009 SPEC-010 2>err &&
	test_grep "no spec has the id .SPEC-009." err &&
	test_expect_code 1 git spec renumber SPEC-002 SPEC-001 2>err &&
	test_grep "SPEC-001 is taken" err &&
	test_grep "hint: SPEC-003 is free" err &&
	test_expect_code 3 git spec renumber SPEC-002 ../x 2>err &&
	test_grep "not a spec id" err &&
	test_expect_code 2 git spec renumber 2>err &&
	snapshot >after &&
	test_cmp before after &&
	git spec renumber -q SPEC-002 SPEC-042 &&
	test -f specify/tech/SPEC-042/contracts/public.md &&
	git spec check
'

test_expect_success 'an id taken only on a remote-tracking branch is refused' '
	cd four &&
	(cd ../three && git spec create -q c && git add -A && git commit -q -m "spec c" &&
	 git push -q origin main:three) &&
	git fetch -q origin three:refs/remotes/origin/three &&
	test_expect_code 1 git spec renumber SPEC-042 SPEC-002 2>err &&
	test_grep "SPEC-002 is taken" err
'

test_done
