# Helpers shared by the hardening tests (tests/e2e/t5*.sh). Source after
# test-lib.sh and lib-porcelain.sh.

# run CODE CMD...: run CMD under `timeout 60`; it must exit with CODE. A
# hang (124) and a death by signal (> 128) are named as such.
run() {
	run_want=$1
	shift
	timeout 60 "$@"
	run_got=$?
	if [ "$run_got" -ne "$run_want" ]; then
		case "$run_got" in
		124) echo "HANG (killed after 60 s): $*" >&2 ;;
		12[5-9]|1[3-9][0-9]|2[0-9][0-9]) echo "CRASH (exit $run_got): $*" >&2 ;;
		*) echo "expected exit $run_want, got $run_got: $*" >&2 ;;
		esac
		return 1
	fi
	return 0
}

# run_either CMD...: CMD must exit 0 or 3 (bad input), within 60 s; the
# status is left in $run_got.
run_either() {
	timeout 60 "$@"
	run_got=$?
	case "$run_got" in
	0|3) return 0 ;;
	124) echo "HANG (killed after 60 s): $*" >&2 ;;
	*) echo "expected exit 0 or 3, got $run_got: $*" >&2 ;;
	esac
	return 1
}

# hook_works: whether git-spec-hook is implemented in the build under test.
hook_works() {
	! git-spec-hook pre-commit </dev/null 2>&1 | grep -q "not implemented"
}

# valid_utf8 FILE: FILE is valid UTF-8 (python3 reads it strictly).
valid_utf8() {
	python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$1"
}

# pkg_repo DIR PKG: a repository in DIR with the package PKG (one module),
# a spec covering it and its contracts, all committed.
pkg_repo() {
	git init -q "$1" &&
	(
		cd "$1" &&
		# no background gc racing the trash directory's removal
		git config gc.auto 0 && git config maintenance.auto false &&
		mkdir -p "$2" &&
		echo '"""The package."""' >"$2/__init__.py" &&
		printf 'def ok(a: int) -> int:\n    """Fine."""\n    return a\n' >"$2/mod.py" &&
		git add -A && git commit -q -m "package" &&
		git spec create -q "$2" &&
		git add -A && git commit -q -m "spec"
	)
}
