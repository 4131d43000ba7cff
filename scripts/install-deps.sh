#!/bin/sh
# Install the Debian packages git-spec needs to build and test, when missing.
set -eu
pkgs="git make gcc clang pkg-config npm libgit2-dev libyaml-dev libtree-sitter-dev libcmocka-dev python3 valgrind"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "error: missing packages:$missing; install them as root: apt-get install$missing" >&2
		exit 1
	fi
else
	SUDO=
fi
echo "installing:$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
