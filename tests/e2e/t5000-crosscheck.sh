#!/bin/sh
test_description='contracts agree with the independent ast-based generator'
. "$(dirname "$0")/test-lib.sh"

# bench/astgen.py derives contracts from DESIGN.md 2 with Python's ast
# module; the C extractor and renderer must give the same JSON and Markdown
# for every package and variant of tests/tools/corpus (kinds, parameters,
# expression text, docstrings, encodings, __all__, ordering, syntax errors).
# Both list every assignment of a repeated name (DESIGN 2.2).

test_expect_success 'corpus: C contracts equal astgen contracts' '
	"$TEST_SRC/tests/tools/crosscheck.sh" "$GIT_SPEC_BUILD" >out 2>&1 || { cat out; false; } &&
	grep "crosscheck: [1-9][0-9]* passed, 0 failed" out
'

test_expect_success 'the cross-check notices a difference' '
	mkdir mutant && cp -R "$TEST_SRC/tests/tools/corpus/kitchen" mutant/ &&
	cat >fake-render <<-\EOS &&
	#!/bin/sh
	echo "{\"package\": \"x\"}"
	EOS
	chmod +x fake-render &&
	test_expect_code 1 python3 "$TEST_SRC/tests/tools/crosscheck.py" --render "$PWD/fake-render" mutant kitchen/sink >out &&
	grep "MISMATCH kitchen/sink \[public\]" out &&
	grep "crosscheck: 0 passed, 3 failed" out
'

test_done
