#!/bin/sh
# The main job of git-spec on the example repository: copy share/example
# into a temporary directory, make it a git repository, create a spec for
# every leaf package, see `git spec check` pass, change a source, see it
# fail naming the stale contract, `git spec sync`, see it pass again; then
# install the hooks and see a commit with a stale staged contract refused
# until `git spec sync --staged`.
#
# Uses the programs of the build in $GIT_SPEC_BUILD (default: build/), run
# through `git spec` from PATH. Prints each command it runs. Keeps the
# repository when GIT_SPEC_DEMO_KEEP is set.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${GIT_SPEC_BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
if [ ! -x "$build/bin/git-spec" ]; then
	echo "demo: $build/bin/git-spec is missing; run 'make' first" >&2
	exit 1
fi
PATH="$build/bin:$PATH"
export PATH

work=$(mktemp -d "${TMPDIR:-/tmp}/git-spec-demo.XXXXXX")
if [ -z "${GIT_SPEC_DEMO_KEEP:-}" ]; then
	trap 'rm -rf "$work"' EXIT
fi
repo=$work/acme-shop
cp -R "$top/share/example" "$repo"
cd "$repo"

# The demo's commits do not depend on who runs it.
export GIT_AUTHOR_NAME="Demo" GIT_AUTHOR_EMAIL="demo@example.com"
export GIT_COMMITTER_NAME="Demo" GIT_COMMITTER_EMAIL="demo@example.com"
export GIT_AUTHOR_DATE="2026-11-21T12:00:00Z" GIT_COMMITTER_DATE="2026-11-21T12:00:00Z"
export SOURCE_DATE_EPOCH=1795262400
export GIT_CONFIG_NOSYSTEM=1

# show CMD...: print the command as one would type it.
show() {
	printf '$'
	for a; do
		case $a in
		*[!A-Za-z0-9_./=:@+-]* | '') printf " '%s'" "$a" ;;
		*) printf ' %s' "$a" ;;
		esac
	done
	echo
}

run() {
	show "$@"
	"$@"
}

# Like run, for a command that is expected to fail: show its status.
run_fails() {
	show "$@"
	if "$@"; then
		echo "demo: expected '$*' to fail" >&2
		exit 1
	else
		echo "(exit status $?)"
	fi
}

echo "# the example repository, in $repo"
run git init -q -b main
run git add .
run git commit -q -m "acme-shop: initial import"
echo

echo "# the leaf packages"
run git spec packages
echo

echo "# one spec per leaf package"
for pkg in $(git spec packages --json | sed -n 's/.*{"path": "\([^"]*\)".*/\1/p'); do
	run git spec create "$pkg"
done
run git spec list
run git add specify
run git commit -q -m "Specs and contracts for every leaf package"
echo

echo "# the contracts are fresh"
run git spec check
echo
run git spec list --for-path src/acme/pricing/tests/test_rules.py
echo

echo "# a new public function makes a contract stale"
cat >> src/acme/pricing/rules.py <<'PY'


def cheapest(items: list[Priced]) -> Priced | None:
    """The cheapest item, if any."""
    return min(items, key=lambda i: i.price_cents, default=None)
PY
run_fails git spec check
echo

echo "# sync regenerates it; the diff holds only the new function"
run git spec sync
run git --no-pager diff --stat
run git --no-pager diff -- specify/tech
run git spec check
run git commit -q -a -m "pricing: cheapest()"
echo

echo "# the pre-commit hook refuses a commit whose staged contracts are stale"
run git spec install
run git add .gitattributes
cat >>src/acme/inventory/stock.py <<'PY'


def restock_all(stock: Stock, quantity: int = 10) -> None:
    """Top every SKU up by the same amount."""
PY
run git add src/acme/inventory/stock.py
run_fails git commit -q -m "inventory: restock_all()"
run git spec sync --staged
run git commit -q -m "inventory: restock_all()"
run git spec check --range HEAD~3..HEAD
run git status --short
