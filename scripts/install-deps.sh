#!/bin/sh
# Install what git-spec needs to build and test, when it is missing.
# Tools are checked by command and libraries with pkg-config, not by Debian
# package name: a machine may have them from elsewhere (npm, for instance,
# often comes with a nodejs package that conflicts with Debian's npm).
set -eu
missing=
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
need_lib() { pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"; }

need_cmd git git
need_cmd make make
need_cmd cc gcc
need_cmd clang clang
need_cmd pkg-config pkg-config
need_cmd npm npm
need_cmd python3 python3
need_cmd valgrind valgrind
need_cmd man man-db
# `make bench`: system calls per source file (bench/cold.sh)
need_cmd strace strace
# tests/e2e/t3110: the pre-commit framework, at the oldest release supported
need_cmd pre-commit pre-commit
# the griffe comparison of `git spec diff` (tests/e2e/t1960-diff-griffe.sh)
# and of the sensitivity suite (t5200, t5210)
need_cmd griffe python3-griffe
[ -f /usr/lib/python3/dist-packages/django/utils/text.py ] || missing="$missing python3-django"
# the sensitivity suite's second corpus (tests/e2e/t5210)
[ -f /usr/lib/python3/dist-packages/sympy/__init__.py ] || missing="$missing python3-sympy"
# make links these from their archives (docs/adr/0022); the -dev packages
# ship them: libgit2-dev depends on zlib1g-dev, libmbedtls-dev,
# libssh2-1-dev, libhttp-parser-dev and libpcre2-dev, whose archives its
# static link needs too (`pkg-config --static --libs libgit2`). Without
# them make links the shared libraries and says so.
need_lib libgit2 libgit2-dev
need_lib yaml-0.1 libyaml-dev
need_lib tree-sitter libtree-sitter-dev
# SHA-1 of the index checksum and of derived bytes (include/gitspec/sha1.h)
need_lib libcrypto libssl-dev
need_lib cmocka libcmocka-dev
# libFuzzer's runtime for `make fuzz` (clang -fsanitize=fuzzer)
[ -n "$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ] ||
	missing="$missing libclang-rt-dev"

[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "error: missing:$missing; install them as root: apt-get install$missing" >&2
		exit 1
	fi
else
	SUDO=
fi
echo "installing:$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
