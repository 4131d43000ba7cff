#!/bin/sh
test_description='contracts change with every API change of real sympy code, and only then'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-sensitivity.sh"

# DESIGN 2.1: a contract changes whenever the API of its package changes,
# and only then. tests/tools/sensitivity.py applies each kind of API change
# and of non-API edit to real files of Debian's python3-sympy (and inside
# __init__.py), with griffe as an independent judge of breakages.
CORPUS=sympy
run_sensitivity

test_done
