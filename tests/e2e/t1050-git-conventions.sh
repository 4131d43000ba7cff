#!/bin/sh
test_description='git conventions: -h, --help opens the manual, abbreviated options, did you mean, --version, fatal:, install --global/--driver-only'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

ALL_CMDS="init install uninstall packages create sync check list show contract validate"

# A man that says what it was asked to show (and the LESS it was given).
test_expect_success 'setup' '
	example_repo repo &&
	mkdir fakeman &&
	cat >fakeman/man <<-\SH &&
	#!/bin/sh
	echo "man $*"
	echo "LESS=${LESS:-}"
	SH
	chmod +x fakeman/man
'

for cmd in $ALL_CMDS; do
	test_expect_success "$cmd -h: the usage on stdout, exit 0; --help opens the manual" "
		cd repo &&
		git spec $cmd -h >out 2>err &&
		test_grep \"^usage: git spec $cmd\" out && ! test -s err &&
		test_grep -- \"--help  *open the manual page\" out &&
		PATH=\"\$TRASH/fakeman:\$PATH\" git spec $cmd --help >out &&
		test_grep \"^man -l .*/man/git-spec.1\$\" out &&
		test_grep \"^LESS=+/^       $cmd\$\" out
	"
done

test_expect_success '--help anywhere among the options, and git spec help CMD' '
	cd repo &&
	PATH="$TRASH/fakeman:$PATH" git spec check --staged --help >out &&
	test_grep "^man -l .*/man/git-spec.1\$" out &&
	PATH="$TRASH/fakeman:$PATH" LESS=-R git spec help sync >out &&
	test_grep "^LESS=-R +/^       sync\$" out &&
	PATH="$TRASH/fakeman:$PATH" git spec help >out &&
	test_grep "^LESS=\$" out &&
	test_expect_code 2 git spec help chek 2>err &&
	test_grep "^	check\$" err
'

test_expect_success 'a command with its own page (git-spec-CMD.1) opens that page' '
	if test -f "$TEST_SRC/man/git-spec-diff.1"; then
		(cd repo && PATH="$TRASH/fakeman:$PATH" git spec diff --help >../out) &&
		test_grep "^man -l .*/man/git-spec-diff.1\$" out
	fi &&
	mkdir -p inst/bin inst/share/man/man1 &&
	cp "$GIT_SPEC_BUILD/bin/git-spec" inst/bin/ &&
	cp "$TEST_SRC/man/git-spec.1" inst/share/man/man1/ &&
	printf ".TH GIT-SPEC-CHECK 1\n.SH NAME\ngit-spec-check \\\\- test page\n" \
		>inst/share/man/man1/git-spec-check.1 &&
	cd repo &&
	PATH="$TRASH/fakeman:$PATH" "$TRASH/inst/bin/git-spec" check --help >out &&
	test_grep "^man -l $TRASH/inst/bin/../share/man/man1/git-spec-check.1\$" out &&
	PATH="$TRASH/fakeman:$PATH" "$TRASH/inst/bin/git-spec" sync --help >out &&
	test_grep "^man -l $TRASH/inst/bin/../share/man/man1/git-spec.1\$" out &&
	MANPAGER=cat MANWIDTH=80 "$TRASH/inst/bin/git-spec" check --help >out &&
	test_grep "git-spec-check - test page" out
'

if command -v man >/dev/null 2>&1; then
test_expect_success 'with the real man: check --help shows git-spec(1)' '
	cd repo &&
	MANPAGER=cat MANWIDTH=80 git spec check --help >out 2>err &&
	test_grep "git-spec - keep the API contracts of Python packages" out &&
	man -w "$TEST_SRC/man/git-spec.1" >/dev/null
'
fi

test_expect_success 'unambiguous abbreviations of long options, as git accepts them' '
	cd repo &&
	git spec packages --js >abbrev &&
	git spec packages --json >full &&
	test_cmp full abbrev &&
	git spec contract --var=all src/acme/cli >a &&
	git spec contract --variant all src/acme/cli >b &&
	test_cmp a b &&
	git spec check --ra=HEAD..HEAD &&
	test_expect_code 2 git spec check --r HEAD 2>err &&
	test_grep "^error: ambiguous option: r (could be --rev or --range)" err &&
	test_expect_code 2 git spec check --stagedx 2>err &&
	test_grep "unknown option .stagedx." err
'

test_expect_success 'booleans: --no-NAME and bundled short options' '
	cd repo &&
	git spec check --quiet --no-quiet --json >out &&
	test -s out &&
	test_create_repo bundled && cd bundled &&
	git spec install -qf && test -x .git/hooks/pre-commit
'

test_expect_success 'a mistyped command: did you mean' '
	test_expect_code 2 git spec chek 2>err &&
	test_grep "^git spec: .chek. is not a git spec command. See .git spec -h.\.\$" err &&
	test_grep "^The most similar command is\$" err &&
	test_grep "^	check\$" err &&
	test_expect_code 2 git spec lis 2>err &&
	test_grep "^	list\$" err &&
	test_expect_code 2 git spec frobnicate 2>err &&
	! test_grep "most similar" err
'

test_expect_success '--version on all three programs' '
	git spec --version >out && test_grep "^git-spec version [0-9]" out &&
	git-spec-hook --version >out && test_grep "^git-spec-hook version [0-9]" out &&
	git-spec-merge --version >out && test_grep "^git-spec-merge version [0-9]" out
'

test_expect_success 'fatal: before exit 128, error: otherwise' '
	mkdir norepo &&
	(cd norepo && GIT_CEILING_DIRECTORIES="$TRASH" test_expect_code 128 git spec check 2>../err) &&
	test_grep "^fatal: " err && ! test_grep "^error: " err &&
	(cd norepo && GIT_CEILING_DIRECTORIES="$TRASH" test_expect_code 128 git-spec-hook pre-commit 2>../err) &&
	test_grep "^git-spec-hook: fatal: " err &&
	cd repo &&
	test_expect_code 3 git spec show SPEC-999 2>err &&
	test_grep "^error: " err && ! test_grep "^fatal: " err
'

test_expect_success 'install --global inside a repository touches no repository' '
	test_create_repo g && cd g &&
	cp "$HOME/.gitconfig" ../global-before &&
	cp .git/config ../local-before &&
	git spec install --global -q &&
	test "$(git config --global merge.gitspec.driver)" = "git-spec-merge %O %A %B %L %P" &&
	! test -e .git/hooks/pre-commit && ! test -e .gitattributes &&
	test_cmp ../local-before .git/config &&
	git spec uninstall --global -q &&
	test_cmp ../global-before "$HOME/.gitconfig" &&
	test_expect_code 2 git spec install --global --driver-only 2>err &&
	test_grep "global configures no repository" err
'

test_expect_success 'install --driver-only: the merge driver and its attributes, no hooks' '
	test_create_repo d && cd d &&
	git spec install --driver-only -q &&
	test "$(git config merge.gitspec.driver)" = "git-spec-merge %O %A %B %L %P" &&
	test_grep "merge=gitspec" .gitattributes &&
	for h in pre-commit pre-merge-commit pre-push; do
		! test -e .git/hooks/$h || exit 1
	done &&
	git spec uninstall -q &&
	! test -e .gitattributes &&
	test_must_fail git config merge.gitspec.driver
'

test_done
