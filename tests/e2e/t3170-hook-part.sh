#!/bin/sh
test_description='the pre-commit hook reads only part of the index (ADR 0016): same verdicts'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-gitint.sh"

# The hook judges a commit of sources from the files at the top, the specs
# directory and each changed file's topmost enclosing package (or the
# sparse directory holding it). Every case below needs something of that
# part that lies away from the changed file itself: a rollup over
# subpackages and a plain subdirectory, a package below directories that
# are no packages (its module name), an uncovered leaf, and on a sparse
# index a subdirectory of the package outside the cone. A part that missed
# any of it would derive other contracts than `git spec sync` does.

ROLL_ALL=specify/tech/SPEC-001/contracts/all.md

# write_rollup_spec ID PACKAGE: like write_spec, with rollup: true.
write_rollup_spec() {
	write_spec "$1" "$2" &&
	sed 's/^  identifier: .*/&\n  rollup: true/' "specify/tech/$1/$1.md" >"$TRASH/.spec" &&
	mv "$TRASH/.spec" "specify/tech/$1/$1.md"
}

setup_part() {
	test_create_repo "$1" &&
	(
		cd "$1" &&
		git spec install -q &&
		write_file app/__init__.py </dev/null &&
		echo "def core(x: int) -> int: return x" >app/core.py &&
		write_file app/sub/__init__.py </dev/null &&
		write_file app/sub/deep.py <<-\PY &&
		def deep(x: int) -> int:
		    return x
		PY
		write_file app/data/helpers.py <<-\PY &&
		def helper(x: int) -> int:
		    return x
		PY
		write_rollup_spec SPEC-001 app &&
		write_file ns/lib/pkgx/__init__.py </dev/null &&
		echo "def m(x: int) -> int: return x" >ns/lib/pkgx/m.py &&
		write_spec SPEC-002 ns/lib/pkgx &&
		sed "s/^  module: .*/  module: pkgx/" specify/tech/SPEC-002/SPEC-002.md >spec.tmp &&
		mv spec.tmp specify/tech/SPEC-002/SPEC-002.md &&
		write_file tools/pyproject.toml <<-\TOML &&
		[tool.setuptools.packages.find]
		where = ["../lib2"]
		TOML
		write_file lib2/ns2/acme/__init__.py </dev/null &&
		echo "def a(x: int) -> int: return x" >lib2/ns2/acme/m.py &&
		write_spec SPEC-004 lib2/ns2/acme &&
		sed "/^  module: /d" specify/tech/SPEC-004/SPEC-004.md >spec.tmp &&
		mv spec.tmp specify/tech/SPEC-004/SPEC-004.md &&
		write_file other/__init__.py </dev/null &&
		echo "def o(x: int) -> int: return x" >other/o.py &&
		write_spec SPEC-003 other &&
		write_file lone/__init__.py </dev/null &&
		echo "def l(x: int) -> int: return x" >lone/l.py &&
		git spec sync -q &&
		git add -A &&
		git commit -q -m "packages and specs" &&
		git spec check
	)
}

test_expect_success 'setup' '
	setup_part repo &&
	grep -q "rollup: true" repo/specify/tech/SPEC-001/SPEC-001.md
'

# commit_case FILE FUNC CONTRACT: a new function in FILE is refused naming
# CONTRACT; once synced and committed (contracts changed too: the whole
# index is read), a change of FILE that leaves the contracts as they are is
# accepted, which needs the part to hold everything the contracts derive
# from.
commit_case() {
	add_func "$1" "$2" &&
	git add "$1" &&
	test_expect_code 1 git commit -q -m "$2" 2>err &&
	test_grep "stale contract .$3." err &&
	git spec sync --staged -q &&
	git commit -q -m "$2" &&
	echo "# touched" >>"$1" &&
	git add "$1" &&
	git commit -q -m "$2 touched" 2>err &&
	! test_grep "stale" err
}

test_expect_success 'a rollup over a subpackage and a plain subdirectory' '
	cd repo &&
	commit_case app/sub/deep.py deeper $ROLL_ALL &&
	commit_case app/data/helpers.py helped $ROLL_ALL
'

test_expect_success 'a package below directories that are no packages' '
	cd repo &&
	commit_case ns/lib/pkgx/m.py more specify/tech/SPEC-002/contracts/all.md &&
	git show HEAD:specify/tech/SPEC-002/contracts/all.md | test_grep "pkgx"
'

test_expect_success 'an uncovered leaf: a warning, or refused with spec.requireSpecs' '
	cd repo &&
	add_func lone/l.py l2 &&
	git add lone/l.py &&
	git commit -q -m lone 2>err &&
	test_grep "package .lone. is not covered" err &&
	add_func lone/l.py l3 &&
	git add lone/l.py &&
	git config spec.requireSpecs true &&
	test_expect_code 1 git commit -q -m lone2 2>err &&
	test_grep "package .lone. is not covered" err &&
	git config --unset spec.requireSpecs &&
	git reset -q --hard
'

test_expect_success 'a sparse index: the package read whole, its subdirectory outside the cone' '
	cd repo &&
	git sparse-checkout init --cone --sparse-index &&
	git sparse-checkout set app/sub specify/tech/SPEC-001 &&
	git ls-files --sparse -s | grep -q "^040000 .*	app/data/\$" &&
	! test -e app/data &&
	commit_case app/sub/deep.py sparse_deeper $ROLL_ALL &&
	git show HEAD:$ROLL_ALL | test_grep "helped" &&
	git sparse-checkout disable
'

# Without roots configured they come from every pyproject.toml, here one
# in a directory outside the cone that names the package'"'"'s parent.
test_expect_success 'a sparse index: import roots from a pyproject.toml outside the cone' '
	cd repo &&
	git spec packages >pk &&
	test_grep "ns2\.acme" pk &&
	git sparse-checkout init --cone --sparse-index &&
	git sparse-checkout set lib2/ns2/acme specify/tech/SPEC-004 &&
	git ls-files --sparse -s | grep -q "^040000 .*	tools/\$" &&
	commit_case lib2/ns2/acme/m.py more_acme specify/tech/SPEC-004/contracts/all.md &&
	git show HEAD:specify/tech/SPEC-004/contracts/all.md | test_grep "ns2\.acme" &&
	git sparse-checkout disable
'

test_expect_success 'a plain index: import roots from a pyproject.toml elsewhere' '
	cd repo &&
	! git ls-files --sparse -s | grep -q "^040000" &&
	commit_case lib2/ns2/acme/m.py plain_acme specify/tech/SPEC-004/contracts/all.md
'

test_done
