#!/bin/sh
test_description='hostile specs: contract paths that escape, reach into .git or go through symlinks'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

C=specify/tech

test_expect_success 'setup' '
	example_repo repo &&
	mkdir outside &&
	cd repo &&
	git spec create -q src/acme/pricing &&
	git add -A && git commit -q -m spec &&
	git tag base
'

# hostile NAME: with the work tree prepared by the caller (and committed),
# sync, sync --staged and check all exit 3 and write nothing, in the
# repository (work tree, index, hooks) or outside it.
hostile() {
	echo "def stale_now() -> None: ..." >>src/acme/pricing/rules.py &&
	git add src/acme/pricing/rules.py &&
	snapshot >"$TRASH/before" &&
	snapshot "$TRASH/outside" >"$TRASH/outside.before" &&
	ls -l .git/hooks >"$TRASH/hooks.before" &&
	test_expect_code 3 git spec sync 2>"$TRASH/err.sync" &&
	test_expect_code 3 git spec sync --staged 2>"$TRASH/err.staged" &&
	test_expect_code 3 git spec check 2>"$TRASH/err.check" &&
	test_expect_code 3 git spec check --staged 2>/dev/null &&
	test_expect_code 3 git spec check --rev HEAD 2>/dev/null &&
	test_expect_code 3 git spec validate 2>/dev/null &&
	snapshot >"$TRASH/after" &&
	snapshot "$TRASH/outside" >"$TRASH/outside.after" &&
	ls -l .git/hooks >"$TRASH/hooks.after" &&
	test_cmp "$TRASH/before" "$TRASH/after" &&
	test_cmp "$TRASH/outside.before" "$TRASH/outside.after" &&
	test_cmp "$TRASH/hooks.before" "$TRASH/hooks.after" &&
	test_must_fail test -e .git/index.lock &&
	test_grep "$C/SPEC-009" "$TRASH/err.sync" &&
	test_grep "$C/SPEC-009" "$TRASH/err.staged" &&
	test_grep "$C/SPEC-009" "$TRASH/err.check" &&
	test_grep "^hint: " "$TRASH/err.sync"
}

# hostile_path PATH: a spec SPEC-009 whose public contract path is PATH.
hostile_path() {
	write_spec SPEC-009 src/acme/cli &&
	sed -i "s|path: contracts/public.md|path: $1|" $C/SPEC-009/SPEC-009.md &&
	git add -A && git commit -q -m "hostile $1" &&
	hostile
}

test_expect_success 'an absolute contract path' '
	cd repo &&
	hostile_path "$TRASH/outside/public.md" &&
	git reset -q --hard base
'

test_expect_success 'a contract path with .. components' '
	cd repo &&
	hostile_path "../../../../outside/public.md" &&
	git reset -q --hard base &&
	hostile_path "contracts/../../../../../outside/public.md" &&
	git reset -q --hard base
'

test_expect_success 'a contract path through .git' '
	cd repo &&
	hostile_path "../../../.git/hooks/pre-commit" &&
	git reset -q --hard base &&
	hostile_path ".git/public.md" &&
	git reset -q --hard base
'

test_expect_success 'a committed symlink named contracts pointing at .git/hooks' '
	cd repo &&
	write_spec SPEC-009 src/acme/cli &&
	ln -s ../../../.git/hooks $C/SPEC-009/contracts &&
	git add -A && git commit -q -m "contracts into hooks" &&
	hostile &&
	test_grep "symbolic link" "$TRASH/err.sync" &&
	test_grep "symbolic link" "$TRASH/err.staged" &&
	test_grep "^hint: contract paths must stay inside the repository" "$TRASH/err.sync" &&
	test_must_fail test -e .git/hooks/public.md &&
	git reset -q --hard base
'

test_expect_success 'a committed symlink named contracts pointing outside' '
	cd repo &&
	write_spec SPEC-009 src/acme/cli &&
	ln -s "$TRASH/outside" $C/SPEC-009/contracts &&
	git add -A && git commit -q -m "contracts outside" &&
	hostile &&
	test_must_fail test -e "$TRASH/outside/public.md" &&
	git reset -q --hard base
'

test_expect_success 'a symlinked spec directory' '
	cd repo &&
	mkdir -p "$TRASH/outside/SPEC-009" &&
	spec_text SPEC-009 src/acme/cli >"$TRASH/outside/SPEC-009/SPEC-009.md" &&
	ln -s "$TRASH/outside/SPEC-009" $C/SPEC-009 &&
	git add -A && git commit -q -m "spec dir outside" &&
	echo "def stale_now() -> None: ..." >>src/acme/pricing/rules.py &&
	snapshot "$TRASH/outside" >"$TRASH/outside.before" &&
	git spec sync -q 2>"$TRASH/err" || : &&
	snapshot "$TRASH/outside" >"$TRASH/outside.after" &&
	test_cmp "$TRASH/outside.before" "$TRASH/outside.after" &&
	git reset -q --hard base
'

test_expect_success 'a contract that is itself a symlink' '
	cd repo &&
	write_spec SPEC-009 src/acme/cli &&
	mkdir -p $C/SPEC-009/contracts &&
	ln -s "$TRASH/outside/target.md" $C/SPEC-009/contracts/public.md &&
	git add -A && git commit -q -m "contract is a link" &&
	hostile &&
	test_must_fail test -e "$TRASH/outside/target.md" &&
	git reset -q --hard base
'

test_expect_success 'after all that, the repository still syncs' '
	cd repo &&
	git status --porcelain >"$TRASH/st" &&
	test_must_fail test -s "$TRASH/st" &&
	git spec check -q
'

test_done
