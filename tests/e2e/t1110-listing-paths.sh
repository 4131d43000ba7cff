#!/bin/sh
test_description='listings: paths relative to here (--full-name: to the top), quoted as git quotes them, -z'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

test_expect_success 'setup: packages with a space and a non-ASCII byte in their paths' '
	example_repo repo && cd repo &&
	mkdir -p "src/with space" "src/caf$(printf "\303\251")" &&
	: >"src/with space/__init__.py" && echo "def f(): pass" >"src/with space/m.py" &&
	: >"src/caf$(printf "\303\251")/__init__.py" &&
	git add -A && git commit -q -m odd
'

test_expect_success 'text: quoted as git quotes (core.quotePath), unquoted when it is off' '
	cd repo &&
	git spec packages >out &&
	test_grep "^\"src/caf\\\\303\\\\251\" " out &&
	test_grep "^src/with space " out &&
	git ls-files "src/caf*/__init__.py" >git-says &&
	test_grep "^\"src/caf\\\\303\\\\251/__init__.py\"\$" git-says &&
	git config core.quotePath false &&
	git spec packages >out &&
	git config --unset core.quotePath &&
	test_grep "^src/caf$(printf "\303\251") " out
'

test_expect_success 'paths relative to the current directory, as git status prints them' '
	cd repo/src/acme &&
	git spec packages >out &&
	test_grep "^cli " out && test_grep "^\.\./with space " out &&
	git spec packages --full-name >out &&
	test_grep "^src/acme/cli " out &&
	git spec contract "$(git spec packages | awk "/^cli /{print \$1}")" >contract &&
	test -s contract
'

test_expect_success '-z: NUL-terminated records, path verbatim and last' '
	cd repo/src &&
	git spec packages -z >out &&
	tr "\0" "\n" <out >lines &&
	test_grep "^acme\.cli	-	acme/cli\$" lines &&
	test_grep "	with space\$" lines &&
	test "$(tr -cd "\0" <out | wc -c)" = "$(wc -l <lines)" &&
	git spec packages --all -z | tr "\0" "\n" >all &&
	test_grep "^leaf	acme\.cli	-	acme/cli\$" all &&
	test_expect_code 2 git spec packages -z --json
'

test_expect_success 'list: the spec file relative to here, -z, --full-name' '
	cd repo &&
	git spec create -q src/acme/cli && git add -A && git commit -q -m SPEC-001 &&
	cd src &&
	git spec list >out &&
	test_grep "^SPEC-001  src/acme/cli  \.\./specify/tech/SPEC-001/SPEC-001.md\$" out &&
	git spec list --full-name >out &&
	test_grep "  specify/tech/SPEC-001/SPEC-001.md\$" out &&
	git spec list -z | tr "\0" "\n" >out &&
	test_grep "^SPEC-001	src/acme/cli	\.\./specify/tech/SPEC-001/SPEC-001.md\$" out &&
	test_expect_code 2 git spec list -z --json
'

test_done
