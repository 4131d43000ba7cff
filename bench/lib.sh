# Shared by bench/run.sh and bench/cold.sh (sourced, not run): the
# environment, the helpers, the temporary directory and the measurement.
# The caller sets top, build, bin, runs and warm first; bench_init NAME
# then sets work (removed on exit unless BENCH_KEEP is set), measure,
# parse_only and stat_only.

export LC_ALL=C TZ=UTC NO_COLOR=1 GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_SPEC_NO_CACHE

note() { printf '%s\n' "$*" >&2; }

bench_cleanup() {
	if [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$work"; else echo "kept: $work"; fi
}

# bench_init NAME: build the helpers, make $work and a HOME with a git
# identity and no background gc or maintenance racing the measurements.
bench_init() {
	make -s -C "$top" BUILD="$build" bench-progs || { echo "bench: cannot build the helpers" >&2; exit 1; }
	measure="$build/bench/measure"
	parse_only="$build/bench/parse_only"
	stat_only="$build/bench/stat_only"
	work=$(mktemp -d "${TMPDIR:-/tmp}/git-spec-$1.XXXXXX")
	export HOME="$work/home"
	mkdir -p "$HOME" "$work/res"
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	git config --global user.name Bench
	git config --global user.email bench@example.com
	git config --global init.defaultBranch main
	git config --global gc.auto 0
	git config --global maintenance.auto false
}

# bench DIR "NAME..." CMD... [:: CMD...]...: measure the commands in DIR in
# interleaved rounds; results in $work/res/NAME as "MEDIAN_MS MIN_MS MAX_MS
# MAXRSS_KIB RUNS", no file for a command that failed. With bench_prep
# set, that shell command runs in DIR before every run, untimed.
bench() {
	dir=$1 names=$2
	shift 2
	note "  $names"
	if [ -n "${bench_prep:-}" ]; then
		(cd "$dir" && "$measure" -n "$runs" -w "$warm" -p "$bench_prep" -- "$@")
	else
		(cd "$dir" && "$measure" -n "$runs" -w "$warm" -- "$@")
	fi >"$work/res/out" 2>"$work/res/err"
	k=1
	# (not `name`: the callers loop over corpora with it)
	for bench_res in $names; do
		line=$(sed -n "${k}p" "$work/res/out")
		case "$line" in
		""|-*) note "  $bench_res FAILED: $(tail -n 3 "$work/res/err")"; rm -f "$work/res/$bench_res" ;;
		*) echo "$line" >"$work/res/$bench_res" ;;
		esac
		k=$((k + 1))
	done
}

# field NAME N: field N of a result (1 median, 4 max RSS), or "" when missing.
field() { [ -f "$work/res/$1" ] && awk -v n="$2" '{print $n}' "$work/res/$1"; }
# ratio A B: A / B with two decimals, "" when either is missing.
ratio() {
	a=$(field "$1" 1) b=$(field "$2" 1)
	[ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}'
}
mib() { r=$(field "$1" 4); [ -n "$r" ] && awk -v k="$r" 'BEGIN {printf "%.1f", k / 1024}'; }

# check LABEL VALUE OP GOAL UNIT: one verdict line, counted in pass/fail;
# VALUE "" is a failure.
pass=0 fail=0
check() {
	if [ -z "$2" ]; then
		printf '%-52s %10s %10s  %s\n' "$1" "n/a" "$3 $4$5" "FAIL"
		fail=$((fail + 1))
		return
	fi
	if awk -v v="$2" -v g="$4" -v op="$3" 'BEGIN { exit !((op == "<=" && v <= g) || (op == ">=" && v >= g) || (op == "<" && v < g)) }'; then
		verdict=PASS pass=$((pass + 1))
	else
		verdict=FAIL fail=$((fail + 1))
	fi
	printf '%-52s %10s %10s  %s\n' "$1" "$2$5" "$3 $4$5" "$verdict"
}
