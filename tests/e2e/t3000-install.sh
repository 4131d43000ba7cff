#!/bin/sh
test_description='git spec install / uninstall / init: hooks, merge driver, attributes'
. "$(dirname "$0")/test-lib.sh"

# A snapshot of what install may touch: config, attributes, every hook file.
snapshot() {
	{
		echo "== config"; cat .git/config
		echo "== attributes"; if [ -f .gitattributes ]; then cat .gitattributes; else echo "(none)"; fi
		echo "== hooks"
		for f in $(ls -A "${1:-.git/hooks}" | LC_ALL=C sort); do
			echo "-- $f $(stat -c %a "${1:-.git/hooks}/$f")"; cat "${1:-.git/hooks}/$f"
		done
	}
}

test_expect_success 'install puts shims, driver config and attributes in place' '
	test_create_repo inst && cd inst &&
	git spec install >out &&
	for h in pre-commit pre-merge-commit pre-push; do
		test -x .git/hooks/$h &&
		cmp .git/hooks/$h "$GIT_SPEC_HOOKS_DIR/$h" || exit 1
	done &&
	test "$(git config merge.gitspec.driver)" = "git-spec-merge %O %A %B %L %P" &&
	test "$(git config merge.gitspec.name)" = "git-spec contract re-derivation" &&
	test_grep "^specify/tech/\*\*/contracts/\*.md merge=gitspec$" .gitattributes &&
	test "$(git check-attr merge specify/tech/SPEC-001/contracts/public.md)" = \
		"specify/tech/SPEC-001/contracts/public.md: merge: gitspec" &&
	test "$(git check-attr merge pkg/mod.py)" = "pkg/mod.py: merge: unspecified"
'

test_expect_success 'install twice is the same as once' '
	cd inst &&
	snapshot >../once &&
	git spec install -q &&
	snapshot >../twice &&
	test_cmp ../once ../twice
'

test_expect_success 'uninstall restores config, attributes and hooks byte for byte' '
	test_create_repo rt && cd rt &&
	printf "*.png binary\n" >.gitattributes &&
	snapshot >../before &&
	git spec install &&
	snapshot >../during &&
	! cmp -s ../before ../during &&
	git spec uninstall &&
	snapshot >../after &&
	test_cmp ../before ../after
'

test_expect_success 'uninstall deletes the .gitattributes install created' '
	test_create_repo rt2 && cd rt2 &&
	snapshot >../before2 &&
	git spec install -q && test -f .gitattributes &&
	git spec uninstall -q &&
	! test -e .gitattributes &&
	snapshot >../after2 &&
	test_cmp ../before2 ../after2
'

test_expect_success 'attributes without a final newline survive the round trip' '
	test_create_repo rt3 && cd rt3 &&
	printf "*.png binary" >.gitattributes &&
	cp .gitattributes ../attr3 &&
	git spec install -q && git spec uninstall -q &&
	cmp ../attr3 .gitattributes
'

test_expect_success 'a symlinked .gitattributes or a bad .gitspec.yaml: refused, nothing written' '
	test_create_repo unsafe && cd unsafe &&
	echo "*.png binary" >../elsewhere && ln -s ../elsewhere .gitattributes &&
	snapshot >../ubefore &&
	test_expect_code 3 git spec install 2>err &&
	test_grep "gitattributes" err &&
	snapshot >../uafter &&
	test_cmp ../ubefore ../uafter &&
	test "$(cat ../elsewhere)" = "*.png binary" &&
	rm .gitattributes &&
	printf "specs: [unclosed\n" >.gitspec.yaml && git add .gitspec.yaml &&
	snapshot >../ubefore &&
	test_expect_code 3 git spec install 2>err &&
	snapshot >../uafter &&
	test_cmp ../ubefore ../uafter
'

test_expect_success 'a contract path outside the glob gets its own attribute line' '
	test_create_repo custom && cd custom &&
	write_file lib/__init__.py </dev/null &&
	write_file specify/tech/SPEC-001/SPEC-001.md <<-\EOF &&
	---
	id: SPEC-001
	slug: lib
	name: lib
	created: '"'"'2026-11-21'"'"'
	updated: '"'"'2026-11-21'"'"'
	status: draft
	kind: spec
	sources:
	- language: python
	  identifier: lib
	  variants:
	  - name: public
	    path: api/public.md
	  - name: all
	    path: contracts/all.md
	---
	EOF
	git add -A &&
	git spec install -q &&
	test_grep "^specify/tech/SPEC-001/api/public.md merge=gitspec$" .gitattributes &&
	! test_grep "contracts/all.md merge" .gitattributes &&
	test "$(git check-attr merge specify/tech/SPEC-001/api/public.md)" = \
		"specify/tech/SPEC-001/api/public.md: merge: gitspec"
'

test_expect_success 'a foreign hook is refused without --force' '
	test_create_repo foreign && cd foreign &&
	printf "#!/bin/sh\necho foreign-ran >>\"\$(git rev-parse --git-dir)/../foreign.log\"\nexit 0\n" >.git/hooks/pre-commit &&
	chmod +x .git/hooks/pre-commit &&
	cp .git/hooks/pre-commit ../foreign-hook &&
	snapshot >../fbefore &&
	test_expect_code 1 git spec install 2>err &&
	test_grep "hook .pre-commit. exists and was not written by git-spec; use --force" err &&
	snapshot >../fafter &&
	test_cmp ../fbefore ../fafter
'

test_expect_success 'install --force keeps it as pre-commit.local and chains it' '
	cd foreign &&
	git spec install --force >out &&
	cmp ../foreign-hook .git/hooks/pre-commit.local &&
	cmp "$GIT_SPEC_HOOKS_DIR/pre-commit" .git/hooks/pre-commit &&
	echo x >file && git add file && git commit -q -m file &&
	test "$(cat foreign.log)" = foreign-ran
'

test_expect_success 'a failing chained hook refuses the commit' '
	cd foreign &&
	printf "#!/bin/sh\necho no >&2\nexit 1\n" >.git/hooks/pre-commit.local &&
	echo y >file && git add file &&
	test_must_fail git commit -q -m refused 2>err &&
	test_grep "^no$" err &&
	cp ../foreign-hook .git/hooks/pre-commit.local
'

test_expect_success 'uninstall restores the foreign hook' '
	cd foreign &&
	git spec uninstall -q &&
	snapshot >../fafter2 &&
	test_cmp ../fbefore ../fafter2
'

test_expect_success 'the shim says what to do when git-spec-hook is missing' '
	test_create_repo missing && cd missing &&
	git spec install -q &&
	echo x >file && git add file &&
	! PATH=/usr/bin:/bin command -v git-spec-hook &&
	test_must_fail env PATH=/usr/bin:/bin git commit -q -m x 2>err &&
	test_grep "git-spec-hook not found on PATH; install git-spec (make install) or run .git spec uninstall." err
'

test_expect_success 'core.hooksPath is honoured (relative to the work tree top)' '
	test_create_repo hp && cd hp &&
	git config core.hooksPath .githooks &&
	mkdir sub && (cd sub && git spec install -q) &&
	test -x .githooks/pre-commit &&
	! test -e .git/hooks/pre-commit &&
	git spec uninstall -q &&
	! test -e .githooks/pre-commit
'

test_expect_success 'a linked worktree shares the common hooks and config' '
	test_create_repo main-wt && cd main-wt &&
	git worktree add -q ../linked-wt &&
	cd ../linked-wt &&
	git spec install -q &&
	test -x ../main-wt/.git/hooks/pre-commit &&
	test "$(git -C ../main-wt config merge.gitspec.driver)" = "git-spec-merge %O %A %B %L %P" &&
	test_grep "merge=gitspec" .gitattributes &&
	git spec uninstall -q &&
	! test -e ../main-wt/.git/hooks/pre-commit &&
	test_must_fail git -C ../main-wt config merge.gitspec.driver
'

test_expect_success 'install --global configures the driver globally' '
	cp "$HOME/.gitconfig" global-before &&
	(cd / && git spec install --global -q) &&
	test "$(git config --global merge.gitspec.driver)" = "git-spec-merge %O %A %B %L %P" &&
	(cd / && git spec uninstall --global -q) &&
	cmp global-before "$HOME/.gitconfig"
'

test_expect_success 'init writes the default configuration, then installs' '
	test_create_repo ini && cd ini &&
	git spec init >out &&
	test_grep "^specs: .specify/tech.$" .gitspec.yaml &&
	test -x .git/hooks/pre-commit &&
	echo "specs: custom" >.gitspec.yaml &&
	git spec init -q &&
	test "$(cat .gitspec.yaml)" = "specs: custom"
'

test_expect_success 'the default configuration is read back as the defaults' '
	cd ini && rm .gitspec.yaml && git spec init -q &&
	git add .gitspec.yaml && git commit -q -m config &&
	git spec validate
'

test_expect_success 'a custom specs directory gets its own attribute glob' '
	cd ini &&
	printf "specs: docs/specs\n" >.gitspec.yaml && git add .gitspec.yaml &&
	git spec install -q &&
	test_grep "^docs/specs/\*\*/contracts/\*.md merge=gitspec$" .gitattributes
'

# complete WORDS...: what git's bash completion offers for the last word.
complete_git() {
	bash -c '
		. /usr/share/bash-completion/completions/git
		. "$0"
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		__git_wrap__git_main
		printf "%s\n" "${COMPREPLY[@]}"
	' "$TEST_SRC/share/bash-completion/completions/git-spec" "$@"
}

test_expect_success 'bash completion: git spec subcommands and options' '
	if ! test -f /usr/share/bash-completion/completions/git; then
		echo "# skipped: no git completion installed"; exit 0
	fi
	test_create_repo compl && cd compl &&
	test "$(complete_git git spec sy)" = "sync " &&
	complete_git git spec "" >../words &&
	for w in init install uninstall packages create sync check list show contract validate; do
		test_grep "^$w \$" ../words || exit 1
	done &&
	complete_git git spec install --g >../words &&
	test_grep "^--global \$" ../words &&
	complete_git git spec check --r >../words &&
	test_grep "^--rev=\$" ../words && test_grep "^--range=\$" ../words &&
	test "$(complete_git git spec contract --variant al)" = "all " &&
	! complete_git git spec zz | test_grep .
'

test_done
