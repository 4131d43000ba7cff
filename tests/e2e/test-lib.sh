# Shared functions for the end-to-end tests (in the manner of git's t/test-lib.sh).
#
# A test script sets test_description, sources this file, calls
# test_expect_success / test_expect_failure and ends with test_done. Each
# script runs in its own trash directory with HOME inside it, a fixed
# author, committer and dates, and the programs of the build under test on
# PATH (through wrappers, so GIT_SPEC_WRAPPER can run them under valgrind).

set -u
TEST_NAME=$(basename "$0" .sh)
TEST_SRC=$(cd "$(dirname "$0")/../.." && pwd)
: "${GIT_SPEC_BUILD:=$TEST_SRC/build}"
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/git-spec-$TEST_NAME.XXXXXX")
trap 'if [ "${test_failed:-0}" -eq 0 ] && [ -z "${GIT_SPEC_KEEP_TRASH:-}" ]; then rm -rf "$TRASH"; else echo "# trash kept: $TRASH"; fi' EXIT

export HOME="$TRASH/home"
mkdir -p "$HOME" "$TRASH/bin"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_COMMON_DIR GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT
unset XDG_CONFIG_HOME GIT_SPEC_NO_CACHE
export GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="A U Thor" GIT_AUTHOR_EMAIL="author@example.com"
export GIT_COMMITTER_NAME="C O Mitter" GIT_COMMITTER_EMAIL="committer@example.com"
export GIT_AUTHOR_DATE="2026-11-21T12:00:00Z" GIT_COMMITTER_DATE="2026-11-21T12:00:00Z"
export GIT_MERGE_AUTOEDIT=no EDITOR=: GIT_EDITOR=: PAGER=cat GIT_PAGER=cat
export LC_ALL=C TZ=UTC NO_COLOR=1
git config --global init.defaultBranch main
git config --global advice.detachedHead false
git config --global user.name "A U Thor"
git config --global user.email "author@example.com"

for prog in git-spec git-spec-hook git-spec-merge; do
	cat > "$TRASH/bin/$prog" <<WRAP
#!/bin/sh
exec ${GIT_SPEC_WRAPPER:-} "$GIT_SPEC_BUILD/bin/$prog" "\$@"
WRAP
	chmod +x "$TRASH/bin/$prog"
done
export PATH="$TRASH/bin:$PATH"
export GIT_SPEC_HOOKS_DIR="$TEST_SRC/hooks"
cd "$TRASH" || exit 1

test_count=0
test_failed=0
test_passed=0

test_expect_success() {
	test_count=$((test_count + 1))
	if (set -e; eval "$2") > "$TRASH/.out.$test_count" 2>&1; then
		test_passed=$((test_passed + 1))
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#	/' "$TRASH/.out.$test_count"
	fi
	rm -f "$TRASH/.out.$test_count"
	cd "$TRASH" || exit 1
}

test_done() {
	echo "# $TEST_NAME: $test_passed passed, $test_failed failed"
	[ "$test_failed" -eq 0 ]
	exit $?
}

# test_expect_code CODE cmd... : run cmd and require exit status CODE.
test_expect_code() {
	want=$1
	shift
	"$@"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "expected exit $want, got $got: $*" >&2
		return 1
	fi
	return 0
}

test_must_fail() {
	"$@"
	got=$?
	if [ "$got" -eq 0 ]; then
		echo "expected failure: $*" >&2
		return 1
	fi
	if [ "$got" -gt 128 ]; then
		echo "died of signal (exit $got): $*" >&2
		return 1
	fi
	return 0
}

test_cmp() {
	diff -u "$1" "$2"
}

test_grep() {
	if ! grep "$@"; then
		echo "grep failed: $*" >&2
		for last; do :; done
		[ -f "$last" ] && { echo "--- $last:" >&2; cat "$last" >&2; }
		return 1
	fi
}

# A fresh repository in directory $1 with one commit of an empty .gitignore.
test_create_repo() {
	git init -q "$1" &&
	(cd "$1" && : > .gitignore && git add .gitignore && git commit -q -m initial)
}

# write_file PATH <<EOF ... : write stdin to PATH, creating directories.
write_file() {
	mkdir -p "$(dirname "$1")" && cat > "$1"
}

# tick: advance the committer and author dates by one minute.
test_tick() {
	test_tick_n=$(( ${test_tick_n:-0} + 60 ))
	d=$(date -u -d "@$(( 1795262400 + test_tick_n ))" +%Y-%m-%dT%H:%M:%SZ)
	export GIT_AUTHOR_DATE="$d" GIT_COMMITTER_DATE="$d"
}
