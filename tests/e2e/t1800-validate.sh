#!/bin/sh
test_description='git spec validate: registry integrity'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

C=specify/tech

test_expect_success 'setup' '
	example_repo repo &&
	cd repo &&
	git spec create -q src/acme/pricing &&
	git spec create -q src/acme/orders &&
	git add -A && git commit -q -m specs
'

test_expect_success 'a valid registry' '
	cd repo &&
	git spec validate >out &&
	test_grep "^the registry is valid: 2 specs covering 2 packages$" out &&
	git spec validate -q >out &&
	test_must_fail test -s out
'

test_expect_success 'validate ignores stale contracts' '
	cd repo &&
	echo "def z() -> None: ..." >>src/acme/orders/models.py &&
	git spec validate -q &&
	git checkout -q -- .
'

test_expect_success 'duplicate ids: exit 1' '
	cd repo &&
	mkdir -p $C/SPEC-002-dup &&
	spec_text SPEC-002 src/acme/cli >$C/SPEC-002-dup/SPEC-002-dup.md &&
	test_expect_code 1 git spec validate 2>err &&
	test_grep "SPEC-002" err &&
	test_grep "registry is invalid" err &&
	rm -r $C/SPEC-002-dup
'

test_expect_success 'two specs covering one package: exit 1' '
	cd repo &&
	write_spec SPEC-020 src/acme/orders &&
	test_expect_code 1 git spec validate 2>err &&
	test_grep "src/acme/orders" err &&
	rm -r $C/SPEC-020
'

test_expect_success 'an identifier that is not a package: exit 1' '
	cd repo &&
	write_spec SPEC-021 src/acme &&
	test_expect_code 1 git spec validate 2>err &&
	test_grep "src/acme" err &&
	rm -r $C/SPEC-021
'

# Without __init__.py but below the root `src` with modules of its own, the
# directory would still be a namespace module (DESIGN 1) a spec can cover:
# it stops being one only when no module is left.
test_expect_success 'a package that stopped being one: exit 1' '
	cd repo &&
	rm src/acme/orders/*.py &&
	test_expect_code 1 git spec validate 2>err &&
	test_grep "src/acme/orders" err &&
	git checkout -q -- .
'

test_expect_success 'an unknown variant name: exit 3' '
	cd repo &&
	write_spec SPEC-022 src/acme/cli &&
	sed -i "s/name: tests/name: private/" $C/SPEC-022/SPEC-022.md &&
	test_expect_code 3 git spec validate 2>err &&
	test_grep "$C/SPEC-022/SPEC-022.md" err &&
	rm -r $C/SPEC-022
'

test_expect_success 'malformed YAML: exit 3 naming the file' '
	cd repo &&
	mkdir -p $C/SPEC-023 &&
	printf -- "---\nid: SPEC-023\nsources: {\n---\n" >$C/SPEC-023/SPEC-023.md &&
	test_expect_code 3 git spec validate 2>err &&
	test_grep "^error: $C/SPEC-023/SPEC-023.md" err &&
	printf -- "---\nid: SPEC-023\n" >$C/SPEC-023/SPEC-023.md &&
	test_expect_code 3 git spec validate 2>err &&
	test_grep "$C/SPEC-023/SPEC-023.md" err &&
	printf -- "no front matter at all\n" >$C/SPEC-023/SPEC-023.md &&
	test_expect_code 3 git spec validate 2>err &&
	test_grep "$C/SPEC-023/SPEC-023.md" err &&
	rm -r $C/SPEC-023
'

test_expect_success 'unsafe contract paths: exit 3' '
	cd repo &&
	for p in /tmp/evil ../../../../outside ../SPEC-001/../../x .git/hooks x/.git/y; do
		write_spec SPEC-024 src/acme/cli &&
		sed -i "s|path: contracts/public.md|path: $p/public.md|" $C/SPEC-024/SPEC-024.md &&
		test_expect_code 3 git spec validate 2>err || exit 1
		test_grep "$C/SPEC-024/SPEC-024.md" err || exit 1
	done &&
	rm -r $C/SPEC-024
'

test_expect_success 'a contract directory that is a symlink: exit 3' '
	cd repo &&
	write_spec SPEC-025 src/acme/cli &&
	mkdir -p ../elsewhere &&
	ln -s ../../../../elsewhere $C/SPEC-025/contracts &&
	test_expect_code 3 git spec validate 2>err &&
	test_grep "symbolic link" err &&
	rm -r $C/SPEC-025
'

test_done
