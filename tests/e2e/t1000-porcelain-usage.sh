#!/bin/sh
test_description='git spec: dispatch, -h, usage errors and exit statuses'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

test_expect_success 'setup' '
	example_repo repo
'

test_expect_success 'no command is a usage error (2)' '
	test_expect_code 2 git spec 2>err &&
	test_grep "usage: git spec <command>" err
'

test_expect_success '-h prints the command list on stdout and exits 0' '
	git spec -h >out &&
	for c in init install uninstall packages create sync check list show contract validate; do
		test_grep "^   $c " out || exit 1
	done
'

test_expect_success 'an unknown command is a usage error' '
	test_expect_code 2 git spec frobnicate 2>err &&
	test_grep "not a git spec command" err
'

if command -v man >/dev/null 2>&1; then
test_expect_success 'git-spec --help opens git-spec(1) from the source tree' '
	MANPAGER=cat MANWIDTH=80 git-spec --help >out 2>err &&
	test_grep "git-spec - keep the API contracts of Python packages" out &&
	for c in init install uninstall packages create sync check list show contract validate; do
		test_grep "git spec $c" out || exit 1
	done &&
	test_grep "EXIT STATUS" out
'
fi

test_expect_success '--version' '
	git spec --version >out &&
	test_grep "^git-spec version " out
'

for cmd in packages create sync check list show contract validate; do
	test_expect_success "$cmd -h prints its usage and exits 0" "
		cd repo &&
		git spec $cmd -h >out 2>err &&
		test_grep \"^usage: git spec $cmd\" out &&
		test_grep -- \"-q, --quiet\" out &&
		test_must_fail test -s err
	"
	test_expect_success "$cmd: an unknown option is a usage error (2)" "
		cd repo &&
		test_expect_code 2 git spec $cmd --no-such-option 2>err &&
		test_grep \"unknown option .no-such-option.\" err &&
		test_grep \"^usage: git spec $cmd\" err
	"
done

test_expect_success 'an option missing its value is a usage error' '
	cd repo &&
	test_expect_code 2 git spec check --rev 2>err &&
	test_grep "requires a value" err &&
	test_expect_code 2 git spec contract src/acme/cli --variant 2>err
'

test_expect_success 'options take values as --opt=value and --opt value' '
	cd repo &&
	git spec contract --variant=all src/acme/cli >a &&
	git spec contract --variant all src/acme/cli >b &&
	test_cmp a b &&
	test_grep "all contract" a
'

test_expect_success 'conflicting sources are a usage error' '
	cd repo &&
	test_expect_code 2 git spec check --staged --rev HEAD 2>err &&
	test_grep "mutually exclusive" err &&
	test_expect_code 2 git spec check --rev HEAD --range HEAD~1..HEAD &&
	test_expect_code 2 git spec contract --staged --rev HEAD src/acme/cli
'

test_expect_success 'unexpected or missing arguments are usage errors' '
	cd repo &&
	test_expect_code 2 git spec check extra &&
	test_expect_code 2 git spec validate extra &&
	test_expect_code 2 git spec packages extra &&
	test_expect_code 2 git spec create 2>err &&
	test_grep "path of a package is required" err &&
	test_expect_code 2 git spec create --all a 2>err &&
	test_grep -e "--all takes no path" err &&
	test_expect_code 2 git spec create --name N a b &&
	test_expect_code 2 git spec show &&
	test_expect_code 2 git spec contract
'

test_expect_success 'an unknown variant is a usage error' '
	cd repo &&
	test_expect_code 2 git spec contract --variant private src/acme/cli 2>err &&
	test_grep "unknown variant .private." err
'

test_expect_success 'a non-range given to --range is a usage error' '
	cd repo &&
	test_expect_code 2 git spec check --range HEAD 2>err &&
	test_grep "not a range" err
'

test_expect_success 'outside a repository every command is a git error (128, fatal:)' '
	mkdir -p nowhere &&
	cd nowhere &&
	GIT_CEILING_DIRECTORIES="$TRASH" &&
	export GIT_CEILING_DIRECTORIES &&
	for cmd in packages "create x" sync check list "show SPEC-001" "contract x" validate; do
		test_expect_code 128 git spec $cmd 2>err || exit 1
		test_grep "^fatal: " err || exit 1
	done
'

test_expect_success 'a bad revision is a git error (128)' '
	cd repo &&
	test_expect_code 128 git spec check --rev no-such-rev 2>err &&
	test_grep "^fatal: " err
'

test_expect_success 'in a bare repository, work-tree commands fail with 128' '
	git clone -q --bare repo bare.git &&
	cd bare.git &&
	test_expect_code 128 git spec sync 2>err &&
	test_grep "work tree" err &&
	git spec check --rev HEAD >out &&
	test_grep "fresh" out
'

test_done
