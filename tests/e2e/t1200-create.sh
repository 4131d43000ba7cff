#!/bin/sh
test_description='git spec create: spec and contracts for a package, and its guards'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

test_expect_success 'setup' '
	example_repo repo &&
	(
		cd repo &&
		write_file src/acme/shipping/__init__.py </dev/null &&
		write_file src/acme/shipping/rates.py <<-\PY &&
		def rate(weight: float) -> int:
		    return 1
		PY
		write_file src/acme/shipping/carriers/__init__.py </dev/null &&
		write_file src/acme/shipping/carriers/post.py <<-\PY &&
		class Post:
		    pass
		PY
		git add -A && git commit -q -m shipping
	)
'

test_expect_success 'create writes the spec and its three contracts' '
	cd repo &&
	git spec create src/acme/pricing >out 2>err &&
	test_grep "^created SPEC-001 for .src/acme/pricing.: specify/tech/SPEC-001/SPEC-001.md$" out &&
	test_grep "git add specify/tech/SPEC-001" err &&
	test -f specify/tech/SPEC-001/SPEC-001.md &&
	for v in public all tests; do
		test -f specify/tech/SPEC-001/contracts/$v.md || exit 1
	done &&
	test_grep "^id: SPEC-001$" specify/tech/SPEC-001/SPEC-001.md &&
	test_grep "identifier: src/acme/pricing$" specify/tech/SPEC-001/SPEC-001.md &&
	test_grep "module: acme.pricing$" specify/tech/SPEC-001/SPEC-001.md &&
	test_grep "2026-11-21" specify/tech/SPEC-001/SPEC-001.md
'

test_expect_success 'the contracts are exactly what contract prints' '
	cd repo &&
	for v in public all tests; do
		git spec contract --variant $v src/acme/pricing >expect &&
		test_cmp expect specify/tech/SPEC-001/contracts/$v.md || exit 1
	done &&
	head -n 1 specify/tech/SPEC-001/contracts/public.md >line1 &&
	printf "# \`acme.pricing\` \342\200\224 public contract\n" >expect &&
	test_cmp expect line1 &&
	test_grep "src/acme/pricing/tests/test_rules.py" specify/tech/SPEC-001/contracts/tests.md &&
	test_must_fail grep "test_rules" specify/tech/SPEC-001/contracts/public.md
'

test_expect_success 'create does not stage anything' '
	cd repo &&
	git diff --cached --quiet &&
	git status --porcelain -- specify src >out &&
	echo "?? specify/" >expect &&
	test_cmp expect out
'

test_expect_success 'create on a fresh spec passes check' '
	cd repo &&
	git spec check
'

test_expect_success 'ids are the next free SPEC-NNN; PATH is relative to the cwd' '
	cd repo/src/acme &&
	git spec create -q inventory >out &&
	test_must_fail test -s out &&
	cd ../.. &&
	test_grep "identifier: src/acme/inventory$" specify/tech/SPEC-002/SPEC-002.md
'

test_expect_success '--name sets the spec name' '
	cd repo &&
	git spec create --name "Order handling" src/acme/orders/ >out &&
	test_grep "SPEC-003" out &&
	test_grep "^name: .*Order handling" specify/tech/SPEC-003/SPEC-003.md
'

test_expect_success 'guard: a path that is not a package (exit 3, hint, nothing written)' '
	cd repo &&
	snapshot >before &&
	test_expect_code 3 git spec create src/acme/pricing/tests 2>err &&
	test_grep "src/acme/pricing/tests.* not a Python package" err &&
	test_grep "^hint: did you mean the package at .src/acme/pricing.?" err &&
	test_expect_code 3 git spec create src/acme 2>err &&
	test_grep "src/acme.* not a Python package" err &&
	test_grep "^hint: " err &&
	test_expect_code 3 git spec create src/acme/pricing/rules.py 2>err &&
	test_grep "did you mean the package at .src/acme/pricing.?" err &&
	test_expect_code 3 git spec create no/such/dir 2>err &&
	test_grep "no/such/dir" err &&
	snapshot >after &&
	test_cmp before after
'

test_expect_success 'guard: a path outside the repository (exit 3, nothing written)' '
	cd repo &&
	snapshot >before &&
	test_expect_code 3 git spec create "$TRASH" 2>err &&
	test_grep "outside the repository" err &&
	test_expect_code 3 git spec create ../.. 2>err &&
	test_grep "outside the repository" err &&
	snapshot >after &&
	test_cmp before after
'

test_expect_success 'guard: a package a spec already covers (exit 1, hint, nothing written)' '
	cd repo &&
	snapshot >before &&
	test_expect_code 1 git spec create src/acme/pricing 2>err &&
	test_grep "SPEC-001 already covers .src/acme/pricing." err &&
	test_grep "^hint: see .git spec show SPEC-001." err &&
	snapshot >after &&
	test_cmp before after
'

test_expect_success 'guard: a non-leaf package without --force-parent (exit 1, nothing written)' '
	cd repo &&
	snapshot >before &&
	test_expect_code 1 git spec create src/acme/shipping 2>err &&
	test_grep "src/acme/shipping. is not a leaf package (it contains carriers)" err &&
	test_grep "^hint: use --force-parent" err &&
	snapshot >after &&
	test_cmp before after
'

test_expect_success '--force-parent covers the parent package'"'"'s own files only' '
	cd repo &&
	git spec create --force-parent src/acme/shipping >out &&
	test_grep SPEC-004 out &&
	test_grep "src/acme/shipping/rates.py" specify/tech/SPEC-004/contracts/all.md &&
	test_must_fail grep "carriers" specify/tech/SPEC-004/contracts/all.md &&
	git spec create src/acme/shipping/carriers >out &&
	test_grep SPEC-005 out &&
	test_grep "carriers/post.py" specify/tech/SPEC-005/contracts/all.md
'

test_expect_success 'guard: a spec that does not parse stops create (exit 3, nothing written)' '
	cd repo &&
	mkdir -p specify/tech/SPEC-090 &&
	printf -- "---\nid: SPEC-090\nsources: [unclosed\n---\n" >specify/tech/SPEC-090/SPEC-090.md &&
	snapshot >before &&
	test_expect_code 3 git spec create src/acme/cli 2>err &&
	test_grep "specify/tech/SPEC-090/SPEC-090.md" err &&
	test_grep "^hint: fix the spec" err &&
	snapshot >after &&
	test_cmp before after &&
	rm -r specify/tech/SPEC-090
'

test_expect_success 'guard: a spec whose contract path escapes the repository (exit 3, nothing written)' '
	cd repo &&
	mkdir -p specify/tech/SPEC-091 &&
	spec_text SPEC-091 src/acme/orders ../../../../.. >specify/tech/SPEC-091/SPEC-091.md &&
	snapshot >before &&
	test_expect_code 3 git spec create src/acme/cli 2>err &&
	test_grep "specify/tech/SPEC-091/SPEC-091.md: .*leaves the repository" err &&
	test_grep "^hint: fix the spec" err &&
	snapshot >after &&
	test_cmp before after &&
	test_must_fail test -e ../public.md &&
	rm -r specify/tech/SPEC-091
'

test_expect_success 'guard: a specs directory reached through a symlink (exit 3, nothing written)' '
	test_create_repo linked && exclude_scratch linked &&
	cp -R repo/src linked/ &&
	mkdir outside &&
	cd linked &&
	ln -s ../outside specify &&
	git add -A && git commit -q -m "specs live elsewhere" &&
	snapshot >before &&
	test_expect_code 3 git spec create src/acme/cli 2>err &&
	test_grep "specify/tech/SPEC-001" err &&
	test_grep "symbolic link" err &&
	test_grep "^hint: the specs directory .specify/tech. must be a plain directory" err &&
	snapshot >after &&
	test_cmp before after &&
	test_must_fail test -e ../outside/tech
'

test_expect_success 'guard: a configured specs directory outside the repository (exit 3)' '
	test_create_repo escape && exclude_scratch escape &&
	cp -R repo/src escape/ &&
	cd escape &&
	printf "specs: ../outside2\n" >.gitspec.yaml &&
	git add -A && git commit -q -m "escape" &&
	snapshot >before &&
	test_expect_code 3 git spec create src/acme/cli 2>err &&
	test_grep "outside2" err &&
	snapshot >after &&
	test_cmp before after &&
	test_must_fail test -e ../outside2
'

test_expect_success 'a package with spaces in its path and file names' '
	test_create_repo spaced && exclude_scratch spaced &&
	cd spaced &&
	write_file "my lib/core pkg/__init__.py" </dev/null &&
	write_file "my lib/core pkg/a module.py" <<-\PY &&
	def hello(name: str) -> str:
	    """Say hello."""
	    return name
	PY
	git add -A && git commit -q -m spaced &&
	cd "my lib" &&
	git spec create "core pkg" >out &&
	test_grep "SPEC-001 for .my lib/core pkg." out &&
	cd .. &&
	test_grep "identifier: .*my lib/core pkg" specify/tech/SPEC-001/SPEC-001.md &&
	test_grep "my lib/core pkg/a module.py" specify/tech/SPEC-001/contracts/public.md &&
	test_grep "def hello(name: str) -> str" specify/tech/SPEC-001/contracts/public.md &&
	git spec check
'

test_expect_success 'spaces in the specs directory: create, sync --staged, check' '
	cd spaced &&
	printf "specs: \"my specs/tech\"\n" >.gitspec.yaml &&
	git add .gitspec.yaml && git commit -q -m "specs dir with a space" &&
	git spec create -q "my lib/core pkg" &&
	test -f "my specs/tech/SPEC-001/contracts/public.md" &&
	git add -A && git commit -q -m spec &&
	echo "def bye() -> None: ..." >>"my lib/core pkg/a module.py" &&
	git add -A &&
	git spec sync --staged >out &&
	test_grep "^updated my specs/tech/SPEC-001/contracts/public.md (index and work tree)$" out &&
	git spec check --staged -q &&
	git spec check -q &&
	git spec list --for-path "my lib/core pkg/a module.py" --json >fp.json &&
	test "$(json_get fp.json "j[\"spec_path\"]")" = "my specs/tech/SPEC-001/SPEC-001.md"
'

test_expect_success 'a syntax error in the package stops create (exit 3, nothing written)' '
	cd repo &&
	write_file src/acme/cli/broken.py <<-\PY &&
	def broken(:
	    pass
	PY
	snapshot >before &&
	test_expect_code 3 git spec create src/acme/cli 2>err &&
	test_grep "src/acme/cli/broken.py:1:[0-9]*: syntax error" err &&
	snapshot >after &&
	test_cmp before after &&
	rm src/acme/cli/broken.py
'

test_done
