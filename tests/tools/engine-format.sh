#!/bin/sh
# Print the contract format (1, 2, ...) that the git-spec of BUILD writes,
# read from the comment line of a contract of a one-file package.
#
#   tests/tools/engine-format.sh BUILD
#
# Tests of a newer format skip themselves against an older engine with it.
set -u
build=${1:?usage: engine-format.sh BUILD}
case "$build" in /*) ;; *) build="$PWD/$build" ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/git-spec-format.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work" GIT_CONFIG_NOSYSTEM=1 LC_ALL=C
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
mkdir -p "$work/repo/p" && cd "$work/repo" && git init -q &&
echo 'x = 1' > p/__init__.py && git add p/__init__.py || exit 128
"$build/bin/git-spec" contract p >out 2>&1 || { cat out >&2; exit 128; }
n=$(sed -n 's/.*(contract format \([0-9][0-9]*\)).*/\1/p' out | head -n 1)
echo "${n:-1}"
