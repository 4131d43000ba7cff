#!/bin/sh
test_description='large files parsed in pieces give the contracts of the whole-file parse'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-sensitivity.sh"

# ADR 0020: files of 256 KiB and more are parsed in pieces. The contracts
# of every package of Debian's python3-django and python3-sympy, with every
# file cut at every boundary (GIT_SPEC_TEST_PIECES=0), must be byte for
# byte those of the whole-file parse (a threshold no file reaches), and so
# must the problems sync reports (syntax errors and their positions).

whole=1000000000

for CORPUS in django sympy; do
	test_expect_success "set up: $CORPUS" '
		dir=$(corpus_dir '$CORPUS') && test -d "$dir" &&
		python3 "$TEST_SRC/bench/mkrepo.py" corpus "$dir" '$CORPUS' '$CORPUS' >/dev/null
	'
	test_expect_success "$CORPUS: every contract is the same whole and in pieces" '
		(
			cd '$CORPUS' &&
			GIT_SPEC_TEST_PIECES=$whole git spec sync -q >../'$CORPUS'.whole.out 2>&1;
			echo "exit $?" >>../'$CORPUS'.whole.out &&
			cp -R specify ../'$CORPUS'.whole &&
			rm -rf .git/gitspec specify/tech/*/contracts &&
			GIT_SPEC_TEST_PIECES=0 git spec sync -q >../'$CORPUS'.pieces.out 2>&1;
			echo "exit $?" >>../'$CORPUS'.pieces.out &&
			cp -R specify ../'$CORPUS'.pieces
		) &&
		test_cmp '$CORPUS'.whole.out '$CORPUS'.pieces.out &&
		diff -r '$CORPUS'.whole '$CORPUS'.pieces &&
		test $(find '$CORPUS'.pieces -name "*.md" -path "*contracts*" | wc -l) -gt 100
	'
	rm -rf "$CORPUS" "$CORPUS.whole" "$CORPUS.pieces"
done

test_done
