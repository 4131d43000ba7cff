#!/bin/sh
# Fetch the pinned tree-sitter-python grammar with npm, verify it against the
# checksum kept in deps/, and unpack it outside the tracked tree.
# usage: scripts/fetch-grammar.sh DESTDIR
set -eu
version=0.23.6
dest=${1:?usage: fetch-grammar.sh DESTDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
sumfile="$top/deps/tree-sitter-python.sha256"
tgz="tree-sitter-python-$version.tgz"

if [ -f "$dest/src/parser.c" ] && [ -f "$dest/.verified" ]; then
	exit 0
fi
command -v npm >/dev/null 2>&1 || {
	echo "error: npm is needed to fetch the tree-sitter-python grammar: apt-get install npm" >&2
	exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "${GIT_SPEC_GRAMMAR_TGZ:-}" ]; then
	cp "$GIT_SPEC_GRAMMAR_TGZ" "$tmp/$tgz"
else
	(cd "$tmp" && npm pack --silent "tree-sitter-python@$version" >/dev/null)
fi
(cd "$tmp" && sha256sum -c "$sumfile" >/dev/null) || {
	echo "error: checksum mismatch for $tgz (expected the one in deps/tree-sitter-python.sha256)" >&2
	exit 1
}
mkdir -p "$tmp/x"
tar -xzf "$tmp/$tgz" -C "$tmp/x"
grep -q '^#define LANGUAGE_VERSION 14$' "$tmp/x/package/src/parser.c" || {
	echo "error: $tgz does not have LANGUAGE_VERSION 14" >&2
	exit 1
}
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$tmp/x/package" "$dest"
touch "$dest/.verified"
