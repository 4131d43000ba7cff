#!/bin/sh
test_description='arguments mean the same wherever the user stands; a moved package is a registry failure'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

test_expect_success 'setup' '
	example_repo repo &&
	cd repo &&
	git spec create -q src/acme/pricing &&
	git spec create -q src/acme/orders &&
	git add -A && git commit -q -m specs
'

test_expect_success 'show of an unknown id inside a covered package is an error naming it' '
	cd repo/src/acme/pricing &&
	test_expect_code 3 git spec show SPEC-009 >out 2>err &&
	test ! -s out &&
	test_grep "SPEC-009" err &&
	test_expect_code 3 git spec show --json SPEC-009 >out 2>err &&
	test_grep "SPEC-009" err
'

test_expect_success 'sync of an unknown id inside a covered package syncs nothing' '
	cd repo &&
	echo "def added(): pass" >>src/acme/pricing/rules.py &&
	git status --porcelain >before &&
	(cd src/acme/pricing && test_expect_code 3 git spec sync SPEC-009 >../../../out 2>../../../err) &&
	test_grep "SPEC-009" err &&
	git status --porcelain >after &&
	test_cmp before after &&
	git checkout -q src/acme/pricing/rules.py
'

test_expect_success 'a path that does not exist in a covered package names no spec' '
	cd repo/src/acme/pricing &&
	test_expect_code 3 git spec show nothere.py >out 2>err &&
	test ! -s out &&
	test_grep "nothere.py" err &&
	test_expect_code 3 git spec sync nothere.py 2>err &&
	test_grep "nothere.py" err &&
	git spec show rules.py >out &&
	test_grep "^id: SPEC-001$" out
'

test_expect_success 'a known id still works from any directory' '
	cd repo &&
	git spec show SPEC-002 >expect &&
	(cd src/acme/pricing && git spec show --full-name SPEC-002) >actual &&
	test_cmp expect actual &&
	(cd src/acme/pricing && git spec sync SPEC-002)
'

test_expect_success 'check after git mv of a covered package: registry failure, exit 1' '
	cd repo &&
	git mv src/acme/pricing src/acme/prices &&
	test_expect_code 1 git spec check 2>err &&
	test_grep "src/acme/pricing" err &&
	test_expect_code 1 git spec check --staged 2>err &&
	test_grep "src/acme/pricing" err &&
	test_expect_code 1 git spec validate 2>err
'

test_expect_success 'check --json after git mv: paths are paths, sentences are messages' '
	cd repo &&
	test_expect_code 1 git spec check --json >out.json &&
	python3 - out.json <<-\PY
	import json, os, sys
	j = json.load(open(sys.argv[1]))
	assert j["fresh"] is False, j
	assert j["errors"], j
	for e in j["errors"]:
	    p = e["path"]
	    assert p and " " not in p and "\x27" not in p, e
	    assert os.path.exists(p) or p.startswith("src/acme/pricing"), e
	    assert "src/acme/pricing" in e["message"], e
	PY
'

test_done
