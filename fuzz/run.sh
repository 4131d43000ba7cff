#!/bin/sh
# Bounded libFuzzer runs of every fuzz/fuzz_*.c target (`make fuzz`).
#
#   fuzz/run.sh [TARGET...]
#
# Builds the library with clang and -fsanitize=fuzzer-no-link,address,undefined
# into a separate build directory, links each target with -fsanitize=fuzzer,
# and runs it for FUZZ_SECONDS (default 60) on a copy of its seed corpus
# fuzz/seeds/TARGET (new inputs stay in the temporary copy, never in git).
# Prints executions and coverage per target. Crashes are minimised and kept
# under FUZZ_BUILD/artifacts/ (add them to tests/fuzz-regressions/TARGET/).
#
# Environment: FUZZ_SECONDS=60, FUZZ_BUILD=build-fuzz, FUZZ_JOBS=1 (parallel
# libFuzzer workers per target), FUZZ_KEEP_CORPUS=DIR (copy the grown
# corpora there).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
seconds=${FUZZ_SECONDS:-60}
fbuild=${FUZZ_BUILD:-build-fuzz}
jobs=${FUZZ_JOBS:-1}
export LC_ALL=C

command -v clang >/dev/null 2>&1 || { echo "fuzz: clang is needed (apt-get install clang)" >&2; exit 1; }

targets=${*:-$(ls fuzz/fuzz_*.c | sed 's|fuzz/\(.*\)\.c|\1|')}
work=$(mktemp -d "${TMPDIR:-/tmp}/git-spec-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$fbuild/artifacts"

echo "== building with clang into $fbuild"
make -s -j"$(nproc 2>/dev/null || echo 2)" BUILD="$fbuild" CC=clang OPTFLAGS="-O1 -g" \
	SANITIZE=fuzzer-no-link,address,undefined "$fbuild/libgitspec.a" || {
	echo "fuzz: cannot build the library" >&2
	exit 1
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
found=0 built=0
summary="$work/summary"
: > "$summary"
for t in $targets; do
	echo "== $t"
	if ! make -s BUILD="$fbuild" CC=clang OPTFLAGS="-O1 -g" \
		SANITIZE=fuzzer-no-link,address,undefined "$fbuild/fuzz/$t" > "$work/$t.build" 2>&1; then
		echo "   cannot build $t (a module it needs may not have landed):"
		sed 's/^/   /' "$work/$t.build" | head -n 8
		printf '%-16s %s\n' "$t" "not built" >> "$summary"
		continue
	fi
	built=$((built + 1))
	corpus="$work/corpus-$t"
	mkdir -p "$corpus"
	[ -d "fuzz/seeds/$t" ] && cp fuzz/seeds/$t/* "$corpus/" 2>/dev/null
	[ -d "tests/fuzz-regressions/$t" ] && cp tests/fuzz-regressions/$t/* "$corpus/" 2>/dev/null
	seeds=$(ls "$corpus" | wc -l)
	extra=
	[ -f "fuzz/$t.dict" ] && extra="-dict=fuzz/$t.dict"
	[ "$jobs" -gt 1 ] && extra="$extra -jobs=$jobs -workers=$jobs"
	"$fbuild/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
		-rss_limit_mb=2048 -max_len=65536 \
		-artifact_prefix="$fbuild/artifacts/$t-" $extra "$corpus" > "$work/$t.log" 2>&1
	rc=$?
	execs=$(grep -h 'stat::number_of_executed_units' "$work/$t.log" "$top"/fuzz-*.log 2>/dev/null | awk '{s+=$2} END {print s+0}')
	cov=$(grep -o 'cov: [0-9]*' "$work/$t.log" | tail -n 1 | awk '{print $2}')
	ft=$(grep -o 'ft: [0-9]*' "$work/$t.log" | tail -n 1 | awk '{print $2}')
	rm -f "$top"/fuzz-*.log
	size=$(ls "$corpus" | wc -l)
	status="ok"
	if [ "$rc" -ne 0 ]; then
		status="CRASH"
		found=$((found + 1))
		grep -E 'ERROR|SUMMARY|fuzz_[a-z]*:|runtime error' "$work/$t.log" | head -n 8 | sed 's/^/   /'
		for a in "$fbuild"/artifacts/$t-crash-* "$fbuild"/artifacts/$t-leak-* "$fbuild"/artifacts/$t-timeout-* "$fbuild"/artifacts/$t-oom-*; do
			[ -f "$a" ] || continue
			case "$a" in *.min) continue ;; esac
			"$fbuild/fuzz/$t" -minimize_crash=1 -runs=20000 -exact_artifact_path="$a.min" "$a" \
				> "$work/$t.min.log" 2>&1
			echo "   artifact: $a (minimised: $a.min)"
		done
	fi
	printf '%-16s %-6s execs %-10s cov %-6s ft %-6s corpus %s -> %s\n' "$t" "$status" \
		"$execs" "${cov:-?}" "${ft:-?}" "$seeds" "$size" >> "$summary"
	tail -n 3 "$work/$t.log" | sed 's/^/   /'
	if [ -n "${FUZZ_KEEP_CORPUS:-}" ]; then
		mkdir -p "$FUZZ_KEEP_CORPUS/$t" && cp "$corpus"/* "$FUZZ_KEEP_CORPUS/$t/"
	fi
done
echo
echo "== summary (${seconds}s per target)"
cat "$summary"
echo "fuzz: $built built, $found crashed"
[ "$found" -eq 0 ]
