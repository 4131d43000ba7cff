#!/bin/sh
test_description='merge driver: contracts stay fresh through merge, pull, rebase, cherry-pick, revert, stash'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-gitint.sh"

# Two branches off the base commit of setup_repo:
#  feature: b() after a(), and an __all__ that leaves out the c() main adds
#  main:    c() at the end of the file
# Merged sources: public names a, b, z (c is not in __all__). A text or
# entry merge of the contracts would list c as public: only re-derivation
# gets it right.
setup_branches() {
	setup_repo "$1" && (
		cd "$1" &&
		git checkout -q -b feature &&
		insert_func pkg/fmt.py "return str(x)" b &&
		sed "1a\\
__all__ = [\"a\", \"b\", \"z\"]" pkg/fmt.py >pkg/fmt.py.new && mv pkg/fmt.py.new pkg/fmt.py &&
		commit_synced "feature: b and __all__" &&
		git checkout -q main &&
		test_tick &&
		add_func pkg/fmt.py c &&
		commit_synced "main: c"
	)
}

test_expect_success 'setup' '
	setup_branches repo &&
	cd repo &&
	git show feature:$PUBLIC | test_grep "def b(" &&
	git show main:$PUBLIC | test_grep "def c("
'

test_expect_success 'the contracts alone would conflict as text' '
	cd repo &&
	base=$(git merge-base main feature) &&
	git show $base:$PUBLIC >../O && git show main:$PUBLIC >../A && git show feature:$PUBLIC >../B &&
	test_must_fail git merge-file -p ../A ../O ../B >/dev/null
'

test_expect_success 'the driver run by hand as git merge would: re-derived, no object written' '
	cd repo &&
	base=$(git merge-base main feature) &&
	git show $base:$PUBLIC >../O && git show main:$PUBLIC >../A && git show feature:$PUBLIC >../B &&
	git count-objects >../before &&
	env "GITHEAD_$(git rev-parse feature)=feature" git-spec-merge ../O ../A ../B 7 $PUBLIC &&
	git count-objects >../after &&
	test_cmp ../before ../after &&
	test_grep "def b(" ../A && ! test_grep "def c(" ../A
'

test_expect_success 'git merge: no conflict, contracts re-derived and fresh' '
	cd repo &&
	git checkout -q -b m1 main &&
	git merge -q --no-edit feature 2>../err &&
	test "$(git rev-list --count --merges HEAD)" = 1 &&
	git spec check --rev HEAD &&
	git show HEAD:$PUBLIC >../pub &&
	test_grep "def b(" ../pub && ! test_grep "def c(" ../pub &&
	git show HEAD:$ALL | test_grep "def c(" &&
	git status --porcelain -uno >../st && ! test -s ../st
'

test_expect_success 'git pull (merge): fresh' '
	git clone -q repo down &&
	(cd down && git spec install -q && git checkout -q main) &&
	cd down &&
	git pull -q --no-rebase --no-edit origin feature &&
	git spec check --rev HEAD &&
	git show HEAD:$PUBLIC | test_grep "def b("
'

test_expect_success 'git pull --rebase: fresh' '
	cd down &&
	git reset -q --hard origin/main &&
	git pull -q --rebase origin feature &&
	git spec check --rev HEAD &&
	git spec check --range origin/feature..HEAD
'

test_expect_success 'git rebase (merge backend): every rewritten commit fresh' '
	cd repo &&
	git checkout -q -b r1 feature &&
	git rebase -q main &&
	git spec check --range main..HEAD &&
	git show HEAD:$PUBLIC >../pub &&
	test_grep "def b(" ../pub && ! test_grep "def c(" ../pub
'

test_expect_success 'git cherry-pick: the picked commit is found on its command line and re-derived' '
	cd repo &&
	git checkout -q -b cp1 main &&
	git cherry-pick feature >../out 2>&1 &&
	git spec check --rev HEAD &&
	git show HEAD:$PUBLIC >../pub &&
	test_grep "def b(" ../pub && ! test_grep "def c(" ../pub
'

test_expect_success 'git cherry-pick of a range and git revert: fresh' '
	cd repo &&
	git checkout -q -b cp2 main &&
	git cherry-pick main..feature >../out 2>&1 &&
	git spec check --rev HEAD &&
	test_tick &&
	git revert --no-edit HEAD~1 >../out 2>&1 &&
	git spec check --rev HEAD &&
	git show HEAD:$PUBLIC >../pub &&
	test_grep "def b(" ../pub && ! test_grep "def c(" ../pub
'

test_expect_success 'git merge-tree: a tree with merged contracts' '
	cd repo &&
	tree=$(git merge-tree --write-tree main feature) &&
	git cat-file -e "$tree:$PUBLIC"
'

test_expect_success 'setup simple branches (no __all__)' '
	setup_repo simple && cd simple &&
	git checkout -q -b feature &&
	insert_func pkg/fmt.py "return str(x)" b &&
	commit_synced "feature: b" &&
	git checkout -q main && test_tick &&
	add_func pkg/fmt.py c &&
	commit_synced "main: c"
'

test_expect_success 'git cherry-pick: structural merge, fresh' '
	cd simple &&
	git checkout -q -b cp main &&
	git cherry-pick feature >../out 2>&1 &&
	git spec check --rev HEAD &&
	git show HEAD:$PUBLIC >../pub &&
	test_grep "def b(" ../pub && test_grep "def c(" ../pub
'

test_expect_success 'git revert: structural merge, fresh' '
	cd simple &&
	git checkout -q -b rv main &&
	test_tick &&
	insert_func pkg/fmt.py "return str(x)" d &&
	commit_synced "d" &&
	git revert --no-edit HEAD~1 >../out 2>&1 &&
	git spec check --rev HEAD &&
	git show HEAD:$PUBLIC >../pub &&
	! test_grep "def c(" ../pub && test_grep "def d(" ../pub
'

test_expect_success 'git stash apply: merged contracts in the work tree are fresh' '
	cd simple &&
	git checkout -q -b st feature~1 &&
	insert_func pkg/fmt.py "return str(x)" e &&
	git spec sync -q &&
	git stash -q &&
	git checkout -q main &&
	git stash apply >../out 2>&1 &&
	git spec check &&
	test_grep "def e(" $PUBLIC && test_grep "def c(" $PUBLIC &&
	git reset -q --hard && git stash drop -q
'

test_expect_success 'setup a source conflict' '
	setup_repo conflict && cd conflict &&
	git checkout -q -b feature &&
	sed "s/def a(x: int) -> str:/def a(x: float) -> str:/" pkg/fmt.py >t && mv t pkg/fmt.py &&
	commit_synced "feature: a takes float" &&
	git checkout -q main && test_tick &&
	sed "s/def a(x: int) -> str:/def a(x: str) -> str:/" pkg/fmt.py >t && mv t pkg/fmt.py &&
	commit_synced "main: a takes str"
'

test_expect_success 'a source conflict makes the contract a reported conflict' '
	cd conflict &&
	test_must_fail git merge --no-edit feature >../out 2>../err &&
	cat ../out >>../err &&
	test_grep "source .pkg/fmt.py. conflicts" ../err &&
	test_grep "git spec sync --staged" ../err &&
	git ls-files -u >../unmerged &&
	test_grep "pkg/fmt.py" ../unmerged &&
	test_grep "$PUBLIC" ../unmerged &&
	test_grep "^<<<<<<<" $PUBLIC &&
	test_grep "x: float" $PUBLIC && test_grep "x: str" $PUBLIC
'

test_expect_success 'resolving the source, sync --staged and commit succeed' '
	cd conflict &&
	git show main:pkg/fmt.py | sed "s/def a(x: str) -> str:/def a(x: bytes) -> str:/" >pkg/fmt.py &&
	git add pkg/fmt.py &&
	git spec sync --staged &&
	git commit -q --no-edit &&
	git spec check --rev HEAD &&
	git show HEAD:$PUBLIC | test_grep "def a(x: bytes) -> str"
'

test_expect_success 'both sides changed the spec too: the whole-tree merge decides' '
	setup_repo specboth && cd specboth &&
	git checkout -q -b feature &&
	sed "s/^name: .*/name: feature name/" specify/tech/SPEC-001/SPEC-001.md >t &&
	mv t specify/tech/SPEC-001/SPEC-001.md &&
	insert_func pkg/fmt.py "return str(x)" b &&
	commit_synced "feature" &&
	git checkout -q main && test_tick &&
	sed "s/^name: .*/name: main name/" specify/tech/SPEC-001/SPEC-001.md >t &&
	mv t specify/tech/SPEC-001/SPEC-001.md &&
	add_func pkg/fmt.py c &&
	commit_synced "main" &&
	test_must_fail git merge --no-edit feature >../out 2>&1 &&
	test_grep "source .specify/tech/SPEC-001/SPEC-001.md. conflicts" ../out &&
	git ls-files -u | test_grep "$PUBLIC" &&
	git checkout --theirs specify/tech/SPEC-001/SPEC-001.md &&
	git add specify/tech/SPEC-001/SPEC-001.md &&
	git spec sync --staged -q &&
	git commit -q --no-edit &&
	git spec check --rev HEAD &&
	git show HEAD:$PUBLIC >../pub &&
	test_grep "def b(" ../pub && test_grep "def c(" ../pub
'

test_expect_success 'criss-cross history (several merge bases): fresh' '
	setup_repo criss && cd criss &&
	git checkout -q -b x &&
	insert_func pkg/fmt.py "return str(x)" b && commit_synced "x: b" &&
	git checkout -q main && test_tick &&
	add_func pkg/fmt.py c && commit_synced "main: c" &&
	git checkout -q -b y &&
	git merge -q --no-edit x && test_tick &&
	git checkout -q x &&
	git merge -q --no-edit main && test_tick &&
	test "$(git merge-base --all x y | wc -l)" = 2 &&
	insert_func pkg/fmt.py "Formatting helpers" d && commit_synced "x: d" &&
	git checkout -q y && test_tick &&
	add_func pkg/fmt.py e && commit_synced "y: e" &&
	git merge -q --no-edit x &&
	git spec check --rev HEAD &&
	git show HEAD:$ALL >../all &&
	for f in a b c d e z; do test_grep "def $f(" ../all || exit 1; done
'

test_done
