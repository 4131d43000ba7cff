#!/bin/sh
test_description='a file entry staged inside a sparse directory entry: read as the file, never a path twice'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-gitint.sh"

SPEC2=specify/tech/SPEC-002/SPEC-002.md
API2=specify/tech/SPEC-002/contracts/api.md

# setup_sparse DIR: SPEC-002 outside the cone, the last entry of a sparse
# index, as a sparse directory.
setup_sparse() {
	setup_pkg2 "$1" &&
	(
		cd "$1" &&
		git sparse-checkout init --cone --sparse-index &&
		git sparse-checkout set pkg pkg2 specify/tech/SPEC-001 &&
		git ls-files --sparse -s | tail -n 1 | grep -q "^040000 .*	specify/tech/SPEC-002/\$"
	)
}

test_expect_success 'setup: SPEC-002 the last entry of a sparse index, as a sparse directory' '
	setup_sparse r
'

# git 2.39 appends an entry that sorts last without expanding the sparse
# directory that holds it: the index then has both.
test_expect_success 'update-index --index-info stages a spec below the sparse directory' '
	cd r &&
	git show HEAD:$SPEC2 >spec2 &&
	sed "s|^  - name: tests|  - name: api\n    path: contracts/api.md\n  - name: tests|" spec2 >spec2.new &&
	test_grep "contracts/api.md" spec2.new &&
	blob=$(git hash-object -w spec2.new) &&
	echo $blob >blob &&
	printf "100644 %s\t%s\n" $blob $SPEC2 | git update-index --index-info &&
	git ls-files --sparse -s >ls &&
	test_grep "	$SPEC2\$" ls
'

test_expect_success 'check and the hook read the staged spec, not the tree'"'"'s' '
	cd r &&
	test_expect_code 1 git spec check --staged >out 2>&1 &&
	test_grep "$API2" out &&
	test_expect_code 1 git commit -q -m api 2>err &&
	test_grep "missing contract .$API2." err
'

test_expect_success 'sync --staged: the spec once, as staged; the commit'"'"'s tree sound' '
	cd r &&
	git spec sync --staged >out &&
	test_grep "$API2" out &&
	git ls-files -s -- $SPEC2 >one &&
	test "$(wc -l <one)" -eq 1 &&
	test_grep "$(cat blob)" one &&
	git ls-files -s >all &&
	test "$(cut -f2 all | sort | uniq -d)" = "" &&
	git spec check --staged &&
	git commit -q -m api &&
	git ls-tree -r HEAD >tree &&
	test "$(cut -f2 tree | sort | uniq -d)" = "" &&
	test_grep "$(cat blob)	$SPEC2\$" tree &&
	test_grep "	$API2\$" tree &&
	test_grep "	specify/tech/SPEC-002/contracts/public.md\$" tree &&
	# (git commit itself wrote a bad tree object, unreachable, when the hook refused)
	git clone -q --bare --no-local . ../copy.git &&
	git -C ../copy.git fsck --strict &&
	git spec check --rev HEAD
'

PUB2=specify/tech/SPEC-002/contracts/public.md

# A path that sorts between the directory's files: the expansion keeps order.
test_expect_success 'a contract staged below the sparse directory, between its files' '
	setup_sparse r2 &&
	cd r2 &&
	git show HEAD:$PUB2 >pub &&
	echo "# edited by hand" >>pub &&
	blob=$(git hash-object -w pub) &&
	printf "100644 %s\t%s\n" $blob $PUB2 | git update-index --index-info &&
	git ls-files --sparse -s | tail -n 1 | grep -q "	$PUB2\$" &&
	test_expect_code 1 git spec check >out 2>&1 &&
	test_grep "$PUB2" out &&
	test_expect_code 1 git spec check --staged >out 2>&1 &&
	test_grep "$PUB2" out &&
	test_expect_code 1 git commit -q -m edit 2>err &&
	test_grep "stale contract .$PUB2." err &&
	git spec sync --staged >out &&
	test_grep "updated $PUB2" out &&
	git ls-files -s >all &&
	test "$(cut -f2 all | sort | uniq -d)" = "" &&
	cut -f2 all >paths && LC_ALL=C sort paths >sorted && test_cmp sorted paths &&
	git ls-files -s -- $PUB2 >one &&
	test_grep "$(git rev-parse HEAD:$PUB2)" one &&
	git spec check --staged &&
	git commit -q --allow-empty -m "no change" &&
	git spec check --rev HEAD &&
	git ls-tree -r HEAD >tree &&
	test "$(cut -f2 tree | sort | uniq -d)" = "" &&
	git clone -q --bare --no-local . ../copy2.git &&
	git -C ../copy2.git fsck --strict &&
	git spec check --rev HEAD
'
test_done
