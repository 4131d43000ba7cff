#!/bin/sh
# The test command: build, run the unit and end-to-end suites, then build
# again under AddressSanitizer + UndefinedBehaviorSanitizer and run both
# suites once more. Ends with one line "N passed, N failed".
#
#   tests/run.sh              plain + sanitizers
#   tests/run.sh --quick      plain build only
#   tests/run.sh --valgrind   plain build, every program under valgrind
set -u
cd "$(dirname "$0")/.."
mode=${1:-full}
jobs=$(nproc 2>/dev/null || echo 2)
results=$(mktemp)
trap 'rm -f "$results"' EXIT
export GIT_SPEC_RESULTS="$results"

# build DIR [SANITIZERS]; $LIBC, when set, is passed on (docs/adr/0025)
build() {
	echo "== build $1 ${2:-}"
	make -s -j"$jobs" BUILD="$1" ${2:+SANITIZE=$2} ${LIBC:+LIBC=$LIBC} DEVELOPER=1 all \
		$(ls tests/unit/test_*.c 2>/dev/null | sed "s|tests/unit/\(.*\)\.c|$1/tests/\1|") || {
		echo "build $1: FAILED"
		echo "0 1 build-$1" >> "$results"
		return 1
	}
}

suite() {
	tests/run-unit.sh "$1"
	tests/run-e2e.sh "$1"
}

case "$mode" in
--valgrind)
	# valgrind cannot follow malloc(3) in a program linked statically with the C library
	LIBC=shared build build && GIT_SPEC_WRAPPER="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99" suite build
	;;
--quick)
	build build && suite build
	;;
*)
	build build && suite build
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99
	export LSAN_OPTIONS=suppressions="$PWD/tests/lsan.supp":print_suppressions=0
	build build-asan address,undefined && suite build-asan
	;;
esac

passed=$(awk '{p+=$1} END {print p+0}' "$results")
failed=$(awk '{f+=$2} END {print f+0}' "$results")
if [ "$failed" -ne 0 ]; then
	echo "failures:"
	awk '$2 > 0 {print "  " $3}' "$results"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
