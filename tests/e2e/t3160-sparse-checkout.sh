#!/bin/sh
test_description='cone sparse checkouts, with and without the sparse index: hook, check, sync'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-gitint.sh"

PUB2=specify/tech/SPEC-002/contracts/public.md
ALL2=specify/tech/SPEC-002/contracts/all.md

# setup_sparse DIR [--sparse-index]: two covered packages, pkg2's contracts
# stale in HEAD, and a cone checkout of pkg and SPEC-001 only.
setup_sparse() {
	setup_pkg2 "$1" &&
	(
		cd "$1" &&
		add_func pkg2/mod.py two &&
		git commit -q --no-verify -a -m "pkg2: stale contracts" &&
		git sparse-checkout init --cone $2 &&
		git sparse-checkout set pkg specify/tech/SPEC-001 &&
		! test -e pkg2 && ! test -e specify/tech/SPEC-002
	)
}

for mode in full sparse; do
	if test $mode = sparse; then flag=--sparse-index; else flag=--no-sparse-index; fi

	test_expect_success "$mode index: setup" '
		setup_sparse $mode $flag &&
		cd $mode &&
		if test $mode = sparse; then
			git ls-files --sparse -s | grep -q "^040000 .*	pkg2/\$"
		else
			! git ls-files --sparse -s | grep -q "^040000"
		fi
	'

	test_expect_success "$mode index: check reads packages not checked out from the index" '
		cd $mode &&
		test_expect_code 1 git spec check >out 2>&1 &&
		test_grep "$PUB2" out &&
		! test_grep "SPEC-001/contracts" out &&
		test_expect_code 1 git spec check --staged >out2 2>&1 &&
		test_grep "$PUB2" out2 &&
		git spec packages >pk &&
		test_grep "^pkg2" pk
	'

	test_expect_success "$mode index: the hook refuses a stale commit, accepts a fresh one" '
		cd $mode &&
		add_func pkg/fmt.py b &&
		git add pkg/fmt.py &&
		test_expect_code 1 git commit -q -m "add b" 2>err &&
		test_grep "stale contract .$PUBLIC." err &&
		! test_grep "SPEC-002" err &&
		git spec sync -q pkg &&
		git add specify &&
		git commit -q -m "add b" &&
		git show HEAD:$PUBLIC | test_grep "def b(" &&
		test_expect_code 1 git spec check --rev HEAD >out &&
		! test_grep "SPEC-001" out
	'

	test_expect_success "$mode index: sync updates a contract outside the cone in the index only" '
		cd $mode &&
		git spec sync >out &&
		test_grep "updated $PUB2 (index only: outside the sparse checkout)" out &&
		! test -e pkg2 && ! test -e specify/tech/SPEC-002 &&
		git ls-files -t -- $PUB2 $ALL2 >lst &&
		test "$(cut -c1 lst | sort -u)" = S &&
		git spec check &&
		git spec check --staged &&
		git diff --cached --name-only >staged &&
		test_grep "^$PUB2\$" staged &&
		git commit -q -m "sync pkg2" &&
		git spec check --rev HEAD &&
		git show HEAD:$PUB2 | test_grep "def two(" &&
		git status --porcelain -uno >st && ! test -s st
	'

	test_expect_success "$mode index: a change outside the cone, staged by hand, is judged" '
		cd $mode &&
		blob=$(printf "def one(x: int) -> int:\n    return x\n\n\ndef three(y):\n    return y\n" | git hash-object -w --stdin) &&
		printf "100644 %s\tpkg2/mod.py\n" $blob | git update-index --index-info &&
		git update-index --skip-worktree pkg2/mod.py &&
		test_expect_code 1 git commit -q -m three 2>err &&
		test_grep "stale contract .$PUB2." err &&
		git spec sync --staged >out &&
		test_grep "updated $PUB2 (index only: outside the sparse checkout)" out &&
		! test -e specify/tech/SPEC-002 &&
		git commit -q -m three &&
		git show HEAD:$PUB2 | test_grep "def three(" &&
		git spec check --rev HEAD
	'

	test_expect_success "$mode index: a spec changed where it is not checked out is judged anew" '
		cd $mode &&
		git spec check --staged &&
		SPEC2=specify/tech/SPEC-002/SPEC-002.md &&
		git sparse-checkout disable &&
		sed "s|^  - name: tests|  - name: api\n    path: contracts/api.md\n  - name: tests|" $SPEC2 >spec2.new &&
		test_grep "contracts/api.md" spec2.new &&
		mv spec2.new $SPEC2 &&
		git commit -q --no-verify -m "SPEC-002: a variant" $SPEC2 &&
		git sparse-checkout init --cone $flag &&
		git sparse-checkout set pkg pkg2 specify/tech/SPEC-001 &&
		! test -e specify/tech/SPEC-002 &&
		if test $mode = sparse; then
			git ls-files --sparse | grep -qx specify/tech/SPEC-002/
		fi &&
		add_func pkg2/mod.py four &&
		git add pkg2/mod.py &&
		test_expect_code 1 git commit -q -m four 2>err &&
		test_grep "missing contract .specify/tech/SPEC-002/contracts/api.md." err &&
		git spec sync --staged >out &&
		git commit -q -m four &&
		git spec check --rev HEAD &&
		git sparse-checkout set pkg specify/tech/SPEC-001 &&
		! test -e pkg2 && ! test -e specify/tech/SPEC-002
	'

	test_expect_success "$mode index: git commit -a and git commit PATH" '
		cd $mode &&
		add_func pkg/fmt.py c &&
		test_expect_code 1 git commit -a -q -m c 2>err &&
		test_grep "stale contract .$PUBLIC." err &&
		git spec sync -q &&
		git commit -a -q -m c &&
		add_func pkg/fmt.py d &&
		test_expect_code 1 git commit -q -m d pkg/fmt.py 2>err &&
		test_grep "stale contract .$PUBLIC." err &&
		git spec sync -q &&
		git commit -q -m d pkg/fmt.py specify/tech/SPEC-001 &&
		git spec check --rev HEAD &&
		! test -e pkg2
	'
done

test_done
