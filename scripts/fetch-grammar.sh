#!/bin/sh
# Fetch the pinned tree-sitter-python grammar with npm, verify it against the
# checksum kept in deps/, and unpack it outside the tracked tree.
# usage: scripts/fetch-grammar.sh DESTDIR
#
# Without network: download tree-sitter-python-<version>.tgz elsewhere
# (`npm pack tree-sitter-python@<version>`, or from the npm registry's web
# site) and name it in GIT_SPEC_GRAMMAR_TGZ; it is checked the same way.
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
offline_hint() {
	echo "hint: without network, fetch $tgz elsewhere (npm pack tree-sitter-python@$version)" >&2
	echo "hint: and run: GIT_SPEC_GRAMMAR_TGZ=/path/to/$tgz make" >&2
}
if [ -n "${GIT_SPEC_GRAMMAR_TGZ:-}" ]; then
	cp "$GIT_SPEC_GRAMMAR_TGZ" "$tmp/$tgz" || {
		echo "error: cannot read GIT_SPEC_GRAMMAR_TGZ=$GIT_SPEC_GRAMMAR_TGZ" >&2
		exit 1
	}
else
	# npm's defaults retry for over a minute without a word when there is
	# no network: fail within seconds instead (the environment overrides).
	: "${npm_config_fetch_retries:=1}" "${npm_config_fetch_retry_mintimeout:=1000}"
	: "${npm_config_fetch_retry_maxtimeout:=2000}" "${npm_config_fetch_timeout:=15000}"
	export npm_config_fetch_retries npm_config_fetch_retry_mintimeout
	export npm_config_fetch_retry_maxtimeout npm_config_fetch_timeout
	echo "fetching tree-sitter-python@$version with npm" >&2
	(cd "$tmp" && npm pack --silent "tree-sitter-python@$version" >/dev/null 2>"$tmp/npm.err") || {
		echo "error: npm could not fetch tree-sitter-python@$version (no network?):" >&2
		sed -n '1,5s/^/  /p' "$tmp/npm.err" >&2
		offline_hint
		exit 1
	}
fi
(cd "$tmp" && sha256sum -c "$sumfile" >/dev/null) || {
	echo "error: checksum mismatch for $tgz (expected the one in deps/tree-sitter-python.sha256)" >&2
	[ -z "${GIT_SPEC_GRAMMAR_TGZ:-}" ] || echo "hint: is $GIT_SPEC_GRAMMAR_TGZ tree-sitter-python $version?" >&2
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
