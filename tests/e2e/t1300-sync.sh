#!/bin/sh
test_description='git spec sync: work tree, --staged under index.lock, paths, failures'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

C=specify/tech

test_expect_success 'setup: the example with a spec per leaf package, committed' '
	example_repo repo &&
	cd repo &&
	for p in cli inventory orders pricing; do
		git spec create -q src/acme/$p || exit 1
	done &&
	git add -A && git commit -q -m specs &&
	git spec check -q
'

test_expect_success 'sync with nothing stale writes nothing' '
	cd repo &&
	snapshot >before &&
	git spec sync >out &&
	test_grep "12 contracts are up to date" out &&
	snapshot >after &&
	test_cmp before after
'

test_expect_success 'sync rewrites exactly the stale contracts' '
	cd repo &&
	cat >>src/acme/orders/service.py <<-\PY &&

	def cancel_order(order) -> None:
	    """Cancel an order."""
	PY
	ls -i $C/SPEC-001/contracts/public.md >inode.before &&
	git spec sync >out &&
	cat >expect <<-EOF &&
	updated $C/SPEC-003/contracts/public.md
	updated $C/SPEC-003/contracts/all.md
	EOF
	sort expect >expect.sorted && sort out >out.sorted &&
	test_cmp expect.sorted out.sorted &&
	ls -i $C/SPEC-001/contracts/public.md >inode.after &&
	test_cmp inode.before inode.after &&
	git diff --stat -- specify >stat &&
	test_grep "2 files changed" stat &&
	git spec check -q
'

test_expect_success 'the sync diff of an added function has only added lines' '
	cd repo &&
	git diff -U0 -- $C/SPEC-003/contracts/all.md | grep "^[-+]" | grep -v "^+++ " | grep -v "^--- " >changes &&
	test_must_fail grep "^-" changes &&
	test_grep "^+- .def cancel_order(order) -> None." changes &&
	git add -A && git commit -q -m "cancel orders"
'

test_expect_success 'sync PATH only touches the specs covering PATH' '
	cd repo &&
	echo "def a() -> None: ..." >>src/acme/cli/main.py &&
	echo "def b() -> None: ..." >>src/acme/inventory/items.py &&
	git spec sync src/acme/cli/main.py >out &&
	test_grep "SPEC-001/contracts/public.md" out &&
	test_must_fail grep SPEC-002 out &&
	test_expect_code 1 git spec check -q 2>err &&
	test_grep "SPEC-002" err &&
	test_must_fail grep SPEC-001 err &&
	git spec sync SPEC-002 >out &&
	test_grep "SPEC-002/contracts/public.md" out &&
	git spec check -q &&
	git checkout -q -- . &&
	git spec sync -q
'

test_expect_success 'sync PATH accepts packages, spec files and contract files' '
	cd repo &&
	echo "def c() -> None: ..." >>src/acme/inventory/items.py &&
	git spec sync -q src/acme/inventory &&
	git spec check -q &&
	git checkout -q -- . &&
	git spec sync -q $C/SPEC-002/SPEC-002.md &&
	git spec check -q &&
	echo "def d() -> None: ..." >>src/acme/inventory/items.py &&
	git spec sync -q $C/SPEC-002/contracts/all.md &&
	git spec check -q &&
	git checkout -q -- . && git spec sync -q
'

test_expect_success 'sync PATH for something no spec covers fails with 3 and writes nothing' '
	cd repo &&
	write_file src/acme/reports/__init__.py </dev/null &&
	echo "def e() -> None: ..." >>src/acme/cli/main.py &&
	snapshot >before &&
	test_expect_code 3 git spec sync src/acme/reports 2>err &&
	test_grep "no spec covers package .src/acme/reports." err &&
	test_grep "^hint: create one with .git spec create src/acme/reports." err &&
	test_expect_code 3 git spec sync pyproject.toml 2>err &&
	test_grep "pyproject.toml" err &&
	snapshot >after &&
	test_cmp before after &&
	rm -r src/acme/reports && git checkout -q -- .
'

test_expect_success 'a syntax error: exit 3 naming path:line:col; that package is not written, others are' '
	cd repo &&
	echo "def broken(:" >>src/acme/cli/main.py &&
	echo "def f() -> None: ..." >>src/acme/inventory/items.py &&
	cp $C/SPEC-001/contracts/all.md cli.before &&
	test_expect_code 3 git spec sync >out 2>err &&
	test_grep "^error: src/acme/cli/main.py:[0-9]*:[0-9]*: syntax error" err &&
	test $(grep -c "syntax error$" err) = 1 &&
	test_grep "^error: 1 package not synced because of syntax errors$" err &&
	test_cmp cli.before $C/SPEC-001/contracts/all.md &&
	test_grep "SPEC-002/contracts/public.md" out &&
	git checkout -q -- . && git spec sync -q && git spec check -q
'

test_expect_success 'an invalid registry: exit 1 and nothing written' '
	cd repo &&
	write_spec SPEC-010 src/acme/cli other &&
	echo "def g() -> None: ..." >>src/acme/inventory/items.py &&
	snapshot >before &&
	test_expect_code 1 git spec sync >out 2>err &&
	test_grep "src/acme/cli" err &&
	test_grep "registry is invalid" err &&
	snapshot >after &&
	test_cmp before after &&
	rm -r $C/SPEC-010 && git checkout -q -- .
'

test_expect_success 'a spec that does not parse: exit 3 and nothing written' '
	cd repo &&
	mkdir -p $C/SPEC-011 &&
	printf -- "---\nid: SPEC-011\nsources:\n  - {identifier: [\n---\n" >$C/SPEC-011/SPEC-011.md &&
	echo "def h() -> None: ..." >>src/acme/inventory/items.py &&
	snapshot >before &&
	test_expect_code 3 git spec sync 2>err &&
	test_grep "$C/SPEC-011/SPEC-011.md" err &&
	snapshot >after &&
	test_cmp before after &&
	rm -r $C/SPEC-011 && git checkout -q -- .
'

test_expect_success 'sync --staged: derives from the index, updates index and work tree' '
	cd repo &&
	git spec check -q &&
	echo "def staged_fn() -> None: ..." >>src/acme/pricing/rules.py &&
	git add src/acme/pricing/rules.py &&
	git spec sync --staged >out &&
	test_grep "updated $C/SPEC-004/contracts/public.md (index and work tree)" out &&
	git spec check --staged -q &&
	git spec check -q &&
	git diff --cached --name-only >staged &&
	test_grep "$C/SPEC-004/contracts/public.md" staged &&
	git diff --name-only >unstaged &&
	test_must_fail test -s unstaged &&
	git show :$C/SPEC-004/contracts/public.md >blob &&
	test_cmp blob $C/SPEC-004/contracts/public.md &&
	test_grep staged_fn blob &&
	git commit -q -m "staged function" &&
	git spec check --rev HEAD -q
'

test_expect_success 'sync --staged judges partially staged work as it will be committed' '
	cd repo &&
	echo "def part_one() -> None: ..." >>src/acme/pricing/rules.py &&
	git add src/acme/pricing/rules.py &&
	echo "def part_two() -> None: ..." >>src/acme/pricing/rules.py &&
	git spec sync --staged -q &&
	git show :$C/SPEC-004/contracts/public.md >blob &&
	test_grep part_one blob &&
	test_must_fail grep part_two blob &&
	git spec check --staged -q &&
	test_expect_code 1 git spec check -q 2>/dev/null &&
	git spec sync -q && git add -A && git commit -q -m parts
'

test_expect_success 'sync --staged leaves a work-tree contract with unstaged edits alone' '
	cd repo &&
	echo "local note" >>$C/SPEC-004/contracts/all.md &&
	cp $C/SPEC-004/contracts/all.md edited &&
	echo "def more() -> None: ..." >>src/acme/pricing/rules.py &&
	git add src/acme/pricing/rules.py &&
	git spec sync --staged >out 2>err &&
	test_grep "unstaged changes" err &&
	test_grep "$C/SPEC-004/contracts/all.md (index)$" out &&
	test_cmp edited $C/SPEC-004/contracts/all.md &&
	git show :$C/SPEC-004/contracts/all.md >blob &&
	test_grep "def more" blob &&
	test_must_fail grep "local note" blob &&
	git spec check --staged -q &&
	git checkout -q -- $C && git commit -q -m more && git spec check -q
'

test_expect_success 'sync --staged with the index locked: exit 128, nothing touched, lock kept' '
	cd repo &&
	echo "def locked() -> None: ..." >>src/acme/pricing/rules.py &&
	git add src/acme/pricing/rules.py &&
	: >.git/index.lock &&
	snapshot >before &&
	test_expect_code 128 git spec sync --staged 2>err &&
	test_grep "index.lock" err &&
	test_grep "^hint: another git process" err &&
	snapshot >after &&
	test_cmp before after &&
	test -f .git/index.lock &&
	rm .git/index.lock &&
	git spec sync --staged -q &&
	test_must_fail test -e .git/index.lock &&
	git commit -q -m locked
'

test_expect_success 'sync --staged honours GIT_INDEX_FILE' '
	cd repo &&
	cp .git/index "$TRASH/alt-index" &&
	echo "def alt() -> None: ..." >>src/acme/cli/main.py &&
	GIT_INDEX_FILE="$TRASH/alt-index" git add src/acme/cli/main.py &&
	git diff --cached --quiet &&
	GIT_INDEX_FILE="$TRASH/alt-index" git spec sync --staged -q &&
	GIT_INDEX_FILE="$TRASH/alt-index" git spec check --staged -q &&
	git diff --cached --quiet &&
	GIT_INDEX_FILE="$TRASH/alt-index" git show :$C/SPEC-001/contracts/public.md >blob &&
	test_grep "def alt" blob &&
	git checkout -q -- . && git spec sync -q && git spec check -q
'

test_expect_success 'sync --staged resolves a conflicted contract by re-deriving it' '
	cd repo &&
	git checkout -q -b side &&
	sed -i "1a def p_side() -> None: ..." src/acme/orders/service.py &&
	git spec sync -q && git add -A && git commit -q -m side &&
	git checkout -q main &&
	echo "def p_main() -> None: ..." >>src/acme/orders/service.py &&
	git spec sync -q && git add -A && git commit -q -m main-side &&
	test_must_fail git merge -q side >/dev/null 2>&1 &&
	git ls-files -u >unmerged &&
	test_grep "$C/SPEC-003/contracts/public.md" unmerged &&
	test_must_fail grep "src/acme/orders/service.py" unmerged &&
	git spec sync --staged >out &&
	test_grep "$C/SPEC-003/contracts/public.md (index and work tree)" out &&
	git ls-files -u >unmerged &&
	test_must_fail test -s unmerged &&
	git show :$C/SPEC-003/contracts/all.md >blob &&
	test_grep p_side blob && test_grep p_main blob &&
	test_must_fail grep "<<<<<<<" $C/SPEC-003/contracts/all.md &&
	git spec check --staged -q &&
	git commit -q --no-edit &&
	git spec check -q
'

test_expect_success 'sync and sync --staged in a linked worktree use its own index' '
	cd repo &&
	git worktree add -q ../linked -b linked &&
	cd ../linked &&
	echo "def linked_fn() -> None: ..." >>src/acme/orders/models.py &&
	test_expect_code 1 git spec check -q 2>/dev/null &&
	git add src/acme/orders/models.py &&
	git spec sync --staged >out &&
	test_grep "$C/SPEC-003/contracts/public.md (index and work tree)" out &&
	git spec check --staged -q &&
	git spec check -q &&
	test_must_fail test -e "$(git rev-parse --git-dir)/index.lock" &&
	git commit -q -m linked &&
	cd ../repo &&
	git diff --cached --quiet &&
	git spec check -q &&
	git spec check --rev linked -q
'

test_expect_success 'sync --staged when nothing is stale leaves the index byte-identical' '
	cd repo &&
	cp .git/index index.before &&
	git spec sync --staged >out &&
	test_grep "up to date" out &&
	cmp index.before .git/index &&
	test_must_fail test -e .git/index.lock
'

test_done
