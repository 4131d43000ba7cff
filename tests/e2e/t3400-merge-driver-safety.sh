#!/bin/sh
test_description='merge driver safety: odd inputs end in a correct contract or a conflict holding both sides'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-gitint.sh"

# run_driver O A B [P]: run git-spec-merge like git does; prints the status.
run_driver() {
	set +e
	git-spec-merge "$1" "$2" "$3" 7 "${4:-$PUBLIC}" 2>driver.err
	echo $?
	set -e
}

test_expect_success 'setup' '
	setup_repo repo &&
	cd repo &&
	git show HEAD:$PUBLIC >base.md &&
	add_func pkg/fmt.py b && git spec sync -q && cp $PUBLIC ours.md &&
	git checkout -q -- . &&
	add_func pkg/fmt.py c && git spec sync -q && cp $PUBLIC theirs.md &&
	git checkout -q -- .
'

test_expect_success 'well-formed contracts merge entry by entry outside a merge' '
	cd repo &&
	cp ours.md A &&
	test "$(run_driver base.md A theirs.md)" = 0 &&
	test_grep "def b(" A && test_grep "def c(" A
'

test_expect_success 'missing base: a conflict, ours and theirs kept' '
	cd repo &&
	cp ours.md A &&
	status=$(run_driver no-such-file A theirs.md) &&
	test "$status" -ge 1 && test "$status" -le 128 &&
	test_grep "def b(" A && test_grep "def c(" A
'

test_expect_success 'empty inputs never crash' '
	cd repo &&
	: >E && cp ours.md A &&
	status=$(run_driver E A E) &&
	test "$status" -le 128 &&
	test_grep "def b(" A &&
	: >A &&
	status=$(run_driver E A theirs.md) &&
	test "$status" -le 128 &&
	test_grep "def c(" A
'

test_expect_success 'binary input keeps ours and reports a conflict' '
	cd repo &&
	cp ours.md A &&
	printf "\000\001\002" >bin &&
	test "$(run_driver base.md A bin)" = 1 &&
	cmp A ours.md
'

test_expect_success 'truncated and conflict-marked inputs fall back to a text conflict' '
	cd repo &&
	head -c 100 theirs.md >trunc &&
	cp ours.md A &&
	test "$(run_driver base.md A trunc)" = 1 &&
	test_grep "def b(" A &&
	printf "<<<<<<< x\nfoo\n=======\nbar\n>>>>>>> y\n" >marked &&
	cp marked A &&
	test "$(run_driver base.md A theirs.md)" = 1 &&
	test_grep "foo" A && test_grep "def c(" A
'

test_expect_success 'an unknown path and no repository still merge' '
	cd repo &&
	cp ours.md A &&
	test "$(run_driver base.md A theirs.md not/a/contract.md)" = 0 &&
	mkdir -p ../norepo && cp base.md ours.md theirs.md ../norepo/ &&
	cd ../norepo &&
	cp ours.md A &&
	test "$(GIT_CEILING_DIRECTORIES=$TRASH run_driver base.md A theirs.md)" = 0 &&
	test_grep "def c(" A
'

test_expect_success 'bad arguments: usage, exit 2' '
	test_expect_code 2 git-spec-merge only-one
'

test_expect_success 'through git merge: hand-edited contracts on both sides are re-derived' '
	cd repo &&
	git checkout -q -b left &&
	echo "left edit" >>$PUBLIC && git commit -q --no-verify -am left &&
	git checkout -q main &&
	git checkout -q -b right &&
	echo "right edit" >>$PUBLIC && git commit -q --no-verify -am right &&
	git merge --no-edit left &&
	! test_grep "left edit" $PUBLIC && ! test_grep "right edit" $PUBLIC &&
	git spec check --rev HEAD
'

test_expect_success 'through git cherry-pick: hand-edited contracts are re-derived' '
	cd repo &&
	git checkout -q -b right2 right~1 &&
	echo "right edit" >>$PUBLIC && git commit -q --no-verify -am right2 &&
	git checkout -q -b right3 &&
	git cherry-pick left >../out 2>&1 &&
	! test_grep "left edit" $PUBLIC && ! test_grep "right edit" $PUBLIC &&
	git spec check --rev HEAD
'

test_expect_success 'through git cherry-pick -n (not identifiable): a conflict with both sides' '
	cd repo &&
	git checkout -q right2 &&
	test_must_fail git cherry-pick -n left >../out 2>&1 &&
	test_grep "left edit" $PUBLIC && test_grep "right edit" $PUBLIC &&
	test_grep "^<<<<<<<" $PUBLIC &&
	git ls-files -u | test_grep "$PUBLIC" &&
	git reset -q --hard
'

test_expect_success 'through git: a contract deleted on one side and edited on the other' '
	cd repo &&
	git checkout -q -b del main &&
	git rm -q $PUBLIC && git commit -q --no-verify -m del &&
	test_must_fail git merge --no-edit right2 >../out 2>&1 &&
	git ls-files -u | test_grep "$PUBLIC" &&
	git merge --abort
'

test_done
