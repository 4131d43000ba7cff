#!/bin/sh
# Fetch a pinned tree-sitter grammar with npm, verify it against the
# checksum kept in deps/, and unpack it outside the tracked tree.
# usage: scripts/fetch-grammar.sh DESTDIR [python|toml]
#
#   python  tree-sitter-python, the language of the sources (the default)
#   toml    @tree-sitter-grammars/tree-sitter-toml, for pyproject.toml
#           (import roots, docs/adr/0012-import-roots-from-pyproject.md)
#
# Without network: download the package's .tgz elsewhere (`npm pack
# NAME@VERSION`, or from the npm registry's web site) and name it in
# GIT_SPEC_GRAMMAR_TGZ (python) or GIT_SPEC_TOML_GRAMMAR_TGZ (toml); it is
# checked the same way.
set -eu
dest=${1:?usage: fetch-grammar.sh DESTDIR [python|toml]}
grammar=${2:-python}
top=$(cd "$(dirname "$0")/.." && pwd)
case $grammar in
python)
	package=tree-sitter-python
	version=0.23.6
	tgz="tree-sitter-python-$version.tgz"
	local_tgz=${GIT_SPEC_GRAMMAR_TGZ:-}
	tgz_var=GIT_SPEC_GRAMMAR_TGZ
	;;
toml)
	package=@tree-sitter-grammars/tree-sitter-toml
	version=0.7.0
	tgz="tree-sitter-grammars-tree-sitter-toml-$version.tgz"
	local_tgz=${GIT_SPEC_TOML_GRAMMAR_TGZ:-}
	tgz_var=GIT_SPEC_TOML_GRAMMAR_TGZ
	;;
*)
	echo "error: unknown grammar '$grammar' (python or toml)" >&2
	exit 2
	;;
esac
sumfile="$top/deps/tree-sitter-$grammar.sha256"

if [ -f "$dest/src/parser.c" ] && [ -f "$dest/.verified" ]; then
	exit 0
fi
command -v npm >/dev/null 2>&1 || {
	echo "error: npm is needed to fetch the $package grammar: apt-get install npm" >&2
	exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
offline_hint() {
	echo "hint: without network, fetch $tgz elsewhere (npm pack $package@$version)" >&2
	echo "hint: and run: $tgz_var=/path/to/$tgz make" >&2
}
if [ -n "$local_tgz" ]; then
	cp "$local_tgz" "$tmp/$tgz" || {
		echo "error: cannot read $tgz_var=$local_tgz" >&2
		exit 1
	}
else
	# npm's defaults retry for over a minute without a word when there is
	# no network: fail within seconds instead (the environment overrides).
	: "${npm_config_fetch_retries:=1}" "${npm_config_fetch_retry_mintimeout:=1000}"
	: "${npm_config_fetch_retry_maxtimeout:=2000}" "${npm_config_fetch_timeout:=15000}"
	export npm_config_fetch_retries npm_config_fetch_retry_mintimeout
	export npm_config_fetch_retry_maxtimeout npm_config_fetch_timeout
	echo "fetching $package@$version with npm" >&2
	(cd "$tmp" && npm pack --silent "$package@$version" >/dev/null 2>"$tmp/npm.err") || {
		echo "error: npm could not fetch $package@$version (no network?):" >&2
		sed -n '1,5s/^/  /p' "$tmp/npm.err" >&2
		offline_hint
		exit 1
	}
fi
(cd "$tmp" && sha256sum -c "$sumfile" >/dev/null) || {
	echo "error: checksum mismatch for $tgz (expected the one in deps/tree-sitter-$grammar.sha256)" >&2
	[ -z "$local_tgz" ] || echo "hint: is $local_tgz $package $version?" >&2
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
