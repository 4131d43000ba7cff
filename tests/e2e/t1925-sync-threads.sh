#!/bin/sh
test_description='git spec sync on one thread and on several: the same output, exit status and files'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

# With several threads, contracts are derived on all of them and written
# while the later ones are still being derived (ADR 0026): what is written,
# printed and returned must not tell.

C=specify/tech

test_expect_success 'setup: 16 packages, a syntax error in a module of one, in the __init__.py of another' '
	git init -q repo &&
	cd repo &&
	for i in 00 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15; do
		mkdir -p p$i &&
		echo "__all__ = [\"f0\"]" >p$i/__init__.py &&
		for k in 0 1 2; do
			printf "def f%s(a: int = %s) -> int:\n    \"\"\"F.\"\"\"\n    return a\nclass K%s:\n    def m(self): pass\n" \
				$k $i $k >p$i/m$k.py || exit 1
		done &&
		echo "def test_f(): pass" >p$i/test_m.py &&
		write_spec SPEC-0$i p$i || exit 1
	done &&
	echo "def broken(:" >p04/m1.py &&
	echo "x = = 1" >p09/__init__.py &&
	git add -A && git commit -q -m packages
'

# sync_with N NAME: a sync from no contracts on N threads, its output,
# exit status and the contracts' hashes in NAME.*
sync_with() {
	find $C -path "*/contracts/*" -delete &&
	GIT_SPEC_THREADS=$1 git spec sync >$2.out 2>$2.err
	echo $? >$2.rc &&
	find $C -type f | LC_ALL=C sort | xargs sha1sum >$2.files
}

same_as() {
	for f in out err rc files; do
		test_cmp $1.$f $2.$f || return 1
	done
}

test_expect_success 'no cache: 1, 2 and 4 threads' '
	cd repo &&
	for t in 1 2 4; do
		rm -rf .git/gitspec &&
		sync_with $t t$t || exit 1
	done &&
	test "$(cat t1.rc)" = 3 &&
	test_grep "^error: p04/m1.py:1:" t1.err &&
	test_grep "^error: p09/__init__.py:1:" t1.err &&
	test_grep "2 packages not synced because of syntax errors" t1.err &&
	test_grep "^updated $C/SPEC-015/contracts/tests.md$" t1.out &&
	test_must_fail grep "SPEC-004/contracts/public" t1.out &&
	test $(wc -l <t1.out) = 42 &&
	same_as t1 t2 &&
	same_as t1 t4
'

test_expect_success 'from the cache: 1 and 2 threads, the same as without' '
	cd repo &&
	sync_with 2 c2 &&
	sync_with 1 c1 &&
	same_as t1 c2 &&
	same_as t1 c1
'

test_expect_success 'a contract that cannot be written stops sync at the same place' '
	cd repo &&
	for t in 1 2; do
		rm -rf .git/gitspec &&
		find $C -path "*/contracts/*" -delete &&
		mkdir -p $C/SPEC-007/contracts/all.md/x &&
		GIT_SPEC_THREADS=$t git spec sync >w$t.out 2>w$t.err
		echo $? >w$t.rc &&
		find $C -type f | LC_ALL=C sort | xargs sha1sum >w$t.files &&
		rm -r $C/SPEC-007/contracts/all.md || exit 1
	done &&
	cat w1.err &&
	test_grep "SPEC-007/contracts/all.md" w1.err &&
	test_grep "^updated $C/SPEC-007/contracts/public.md$" w1.out &&
	test_must_fail grep "SPEC-008" w1.out &&
	test_must_fail grep "SPEC-008/contracts" w1.files &&
	same_as w1 w2
'

test_done
