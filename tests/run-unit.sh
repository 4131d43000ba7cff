#!/bin/sh
# Run every cmocka unit test binary of one build; record counts in $GIT_SPEC_RESULTS.
set -u
build=${1:-build}
results=${GIT_SPEC_RESULTS:-/dev/null}
export CMOCKA_MESSAGE_OUTPUT=TAP
export GIT_SPEC_TEST_DATA="$(pwd)/tests"
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	out=$(${GIT_SPEC_WRAPPER:-} "$t" 2>&1)
	rc=$?
	pass=$(printf '%s\n' "$out" | grep -c '^ok ')
	fail=$(printf '%s\n' "$out" | grep -c '^not ok ')
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		fail=1
	fi
	if [ "$fail" -ne 0 ]; then
		printf '%s\n' "$out" | grep -v '^ok ' | sed "s|^|  $name: |"
	fi
	echo "unit $build/$name: $pass passed, $fail failed"
	echo "$pass $fail $build/$name" >> "$results"
done
