#!/bin/sh
# Run every end-to-end script tests/e2e/t*.sh against the programs of one
# build, two at a time; record counts in $GIT_SPEC_RESULTS.
set -u
build=${1:-build}
results=${GIT_SPEC_RESULTS:-/dev/null}
export GIT_SPEC_BUILD="$(cd "$build" && pwd)"
logdir="$build/e2e-logs"
rm -rf "$logdir"
mkdir -p "$logdir"
ls tests/e2e/t[0-9]*.sh 2>/dev/null | xargs -r -P "${GIT_SPEC_JOBS:-2}" -I{} sh -c '
	t={}; name=$(basename "$t" .sh)
	sh "$t" > "$0/$name.log" 2>&1; echo $? > "$0/$name.rc"' "$logdir"
for log in "$logdir"/*.log; do
	[ -f "$log" ] || continue
	name=$(basename "$log" .log)
	rc=$(cat "$logdir/$name.rc")
	pass=$(grep -c '^ok ' "$log")
	fail=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		fail=1
	fi
	if [ "$fail" -ne 0 ]; then
		sed "s|^|  $name: |" "$log" | tail -n 60
	fi
	echo "e2e $build/$name: $pass passed, $fail failed"
	echo "$pass $fail $build/$name" >> "$results"
done
