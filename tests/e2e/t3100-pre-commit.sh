#!/bin/sh
test_description='pre-commit hook: judges the staged index, never the work tree'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-gitint.sh"

test_expect_success 'setup' '
	setup_repo repo &&
	cd repo && git spec check --rev HEAD
'

test_expect_success 'a stale staged contract is refused, naming it and the fix' '
	cd repo &&
	add_func pkg/fmt.py b &&
	git add pkg/fmt.py &&
	test_expect_code 1 git commit -q -m "add b" 2>err &&
	test_grep "stale contract .$PUBLIC. (SPEC-001, package .pkg., variant public)" err &&
	test_grep "stale contract .$ALL. (SPEC-001, package .pkg., variant all)" err &&
	! test_grep "variant tests" err &&
	test "$(tail -n 1 err)" = "fix: git spec sync --staged" &&
	test "$(git rev-list --count HEAD)" = 2
'

test_expect_success 'git spec sync --staged makes it acceptable' '
	cd repo &&
	git spec sync --staged &&
	git commit -q -m "add b" &&
	test "$(git rev-list --count HEAD)" = 3 &&
	git show HEAD:$PUBLIC | test_grep "def b(value: int) -> int" &&
	git spec check --rev HEAD
'

test_expect_success 'partial staging: contract fixed only in the work tree is refused' '
	cd repo &&
	add_func pkg/fmt.py c &&
	git add pkg/fmt.py &&
	git spec sync -q &&
	git diff --quiet -- pkg/fmt.py &&
	! git diff --quiet -- $PUBLIC &&
	test_expect_code 1 git commit -q -m "add c" 2>err &&
	test_grep "stale contract .$PUBLIC." err
'

test_expect_success 'partial staging: fresh index with unrelated unstaged edits is accepted' '
	cd repo &&
	git add $PUBLIC $ALL &&
	printf "\ndef broken(:\n" >>pkg/fmt.py &&
	echo "scratch" >notes.txt &&
	git commit -q -m "add c" &&
	test_grep "def broken" pkg/fmt.py &&
	git spec check --rev HEAD &&
	git checkout -- pkg/fmt.py && rm notes.txt
'

test_expect_success 'a syntax error in a staged file of a covered package is refused' '
	cd repo &&
	printf "\ndef broken(:\n    pass\n" >>pkg/fmt.py &&
	git add pkg/fmt.py &&
	test_must_fail git commit -q -m broken 2>err &&
	test_grep "pkg/fmt.py:[0-9]*:[0-9]*: syntax error" err &&
	git reset -q --hard
'

test_expect_success 'git commit -a: stale is refused, fresh is accepted' '
	cd repo &&
	add_func pkg/fmt.py d &&
	test_expect_code 1 git commit -a -q -m "add d" 2>err &&
	test_grep "stale contract .$PUBLIC." err &&
	test_grep "hint: .git commit -a. commits the work tree: run .git spec sync." err &&
	test "$(tail -n 1 err)" = "fix: git spec sync" &&
	git diff --cached --quiet &&
	git spec sync -q &&
	git commit -a -q -m "add d" &&
	git status --porcelain -uno >../status && ! test -s ../status &&
	git show HEAD:$PUBLIC | test_grep "def d(" &&
	git spec check --rev HEAD
'

test_expect_success 'git commit PATH: stale is refused, fresh is accepted' '
	cd repo &&
	add_func pkg/fmt.py e &&
	echo unrelated >>other.txt && git add other.txt &&
	test_expect_code 1 git commit -q -m "add e" pkg/fmt.py 2>err &&
	test_grep "stale contract .$PUBLIC." err &&
	test_grep "hint: .git commit PATH.... commits those paths" err &&
	git spec sync -q &&
	git commit -q -m "add e" pkg/fmt.py specify &&
	git show HEAD:$PUBLIC | test_grep "def e(" &&
	git spec check --rev HEAD &&
	! git show --stat HEAD | test_grep other.txt &&
	test "$(git diff --cached --name-only)" = other.txt &&
	git diff --quiet &&
	git reset -q --hard
'

test_expect_success 'git commit -a from a subdirectory' '
	cd repo/pkg &&
	add_func fmt.py sub1 &&
	test_expect_code 1 git commit -a -q -m sub1 2>../../err &&
	test_grep "stale contract .$PUBLIC." ../../err &&
	git spec sync -q &&
	git commit -a -q -m sub1 &&
	git spec check --rev HEAD
'

test_expect_success 'a commit touching no package is accepted' '
	cd repo &&
	echo readme >README && git add README &&
	git commit -q -m readme
'

test_expect_success 'a hand-edited contract is refused' '
	cd repo &&
	echo "- extra" >>$PUBLIC && git add $PUBLIC &&
	test_expect_code 1 git commit -q -m edit 2>err &&
	test_grep "stale contract .$PUBLIC." err &&
	git reset -q --hard
'

test_expect_success 'a changed spec checks its package' '
	cd repo &&
	git rm -q --cached $ALL &&
	test_expect_code 1 git commit -q -m "drop all" 2>err &&
	test_grep "contract .$ALL." err &&
	git reset -q --hard
'

test_expect_success 'a leaf package without a spec is a warning, or refused with spec.requireSpecs' '
	cd repo &&
	write_file other/__init__.py </dev/null &&
	echo "def f(): pass" >other/mod.py &&
	git add other &&
	git commit -q -m other 2>err &&
	test_grep "warning: package .other. is not covered by any spec" err &&
	echo "def g(): pass" >>other/mod.py && git add other &&
	git config spec.requireSpecs true &&
	test_expect_code 1 git commit -q -m other2 2>err &&
	test_grep "package .other. is not covered by any spec" err &&
	git config --unset spec.requireSpecs &&
	git reset -q --hard
'

test_expect_success 'two specs covering one package are refused' '
	cd repo &&
	write_spec SPEC-002 pkg &&
	git add specify &&
	test_must_fail git commit -q -m dup 2>err &&
	test_grep "SPEC-00[12]" err &&
	git reset -q --hard && git clean -q -fd
'

test_expect_success 'removing a covered package is refused (its spec names no package)' '
	cd repo &&
	git rm -q -r pkg &&
	test_expect_code 1 git commit -q -m "drop pkg" 2>err &&
	test_grep "sources\[0\]\.identifier: .pkg. does not exist" err &&
	git reset -q --hard
'

test_expect_success 'as the pre-commit framework runs it: stashed work tree, clean environment' '
	cd repo &&
	test_grep "entry: git-spec-hook pre-commit" "$TEST_SRC/.pre-commit-hooks.yaml" &&
	test_grep "pass_filenames: false" "$TEST_SRC/.pre-commit-hooks.yaml" &&
	test_grep "always_run: true" "$TEST_SRC/.pre-commit-hooks.yaml" &&
	test_grep "language: system" "$TEST_SRC/.pre-commit-hooks.yaml" &&
	add_func pkg/fmt.py g && git add pkg/fmt.py &&
	printf "\ndef broken(:\n" >>pkg/fmt.py &&
	cp pkg/fmt.py ../unstaged.py &&
	git checkout -- pkg/fmt.py &&
	test_expect_code 1 env -i PATH="$PATH" HOME="$HOME" git spec check --staged &&
	git spec sync --staged -q &&
	env -i PATH="$PATH" HOME="$HOME" git spec check --staged &&
	cp ../unstaged.py pkg/fmt.py &&
	test_grep "def broken" pkg/fmt.py &&
	git reset -q --hard
'

test_expect_success 'in a linked worktree: its own index is judged' '
	cd repo &&
	git worktree add -q ../linked HEAD &&
	cd ../linked &&
	add_func pkg/fmt.py w1 && git add pkg/fmt.py &&
	test_expect_code 1 git commit -q -m w1 2>../err &&
	test_grep "stale contract .$PUBLIC." ../err &&
	git spec sync --staged -q &&
	git commit -q -m w1 &&
	git spec check --rev HEAD &&
	cd ../repo && git diff --quiet HEAD
'

test_expect_success 'with core.hooksPath: the hooks run from there' '
	test_create_repo hooked && cd hooked &&
	git config core.hooksPath .githooks &&
	git spec install -q &&
	test -x .githooks/pre-commit &&
	write_file lib/__init__.py </dev/null &&
	echo "def f(x): return x" >lib/core.py &&
	write_spec SPEC-001 lib &&
	git add lib specify &&
	test_expect_code 1 git commit -q -m lib 2>../err &&
	test_grep "contract .specify/tech/SPEC-001/contracts/public.md." ../err &&
	git spec sync --staged -q && git commit -q -m lib
'

test_expect_success 'a new package in a new repository (unborn branch)' '
	test_create_repo unborn && cd unborn &&
	git checkout -q --orphan fresh && git rm -q -rf . &&
	git spec install -q &&
	write_file lib/__init__.py </dev/null &&
	echo "def f(x): return x" >lib/core.py &&
	write_spec SPEC-001 lib &&
	git add -A &&
	test_expect_code 1 git commit -q -m lib 2>err &&
	test_grep "contract .specify/tech/SPEC-001/contracts/public.md." err &&
	git spec sync --staged &&
	git commit -q -m lib &&
	git spec check --rev HEAD
'

test_expect_success 'pre-merge-commit refuses a merge whose contracts are stale' '
	cd repo &&
	git checkout -q -b side &&
	add_func pkg/fmt.py f && git add pkg/fmt.py &&
	git commit -q --no-verify -m "stale f" &&
	git checkout -q main &&
	echo main >main.txt && git add main.txt && git commit -q -m main &&
	test_must_fail git merge -q --no-edit side 2>err &&
	test_grep "stale contract .$PUBLIC." err &&
	test_grep "fix: git spec sync --staged" err &&
	git rev-parse -q --verify MERGE_HEAD &&
	git spec sync --staged &&
	git commit -q --no-edit &&
	test "$(git rev-list --count --merges HEAD)" = 1 &&
	git spec check --rev HEAD
'

test_done
