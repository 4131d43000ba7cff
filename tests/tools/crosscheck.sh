#!/bin/sh
# Cross-check the C contracts against bench/astgen.py (written from
# DESIGN.md 2 independently of the C code).
#
#   tests/tools/crosscheck.sh BUILD [--django | DIR]
#
# DIR (default tests/tools/corpus) is copied into a temporary git
# repository; --django uses Debian's python3-django (installed, or fetched
# with apt-get download, cached under bench/out/, never committed). Every package
# and variant is compared twice: through `git-spec contract --json` and the
# Markdown (when the build's git-spec has the command), and through
# tests/tools/gs-render (the extractor and renderer alone, compiled here
# against BUILD's library with BUILD's flags). Extra arguments for
# crosscheck.py can be passed in CROSSCHECK_ARGS.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: crosscheck.sh BUILD [--django | DIR]}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
what=${2:-$top/tests/tools/corpus}
export LC_ALL=C GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

work=$(mktemp -d "${TMPDIR:-/tmp}/git-spec-crosscheck.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
mkdir -p "$HOME"

if [ "$what" = "--django" ] && [ -f /usr/lib/python3/dist-packages/django/__init__.py ]; then
	# The installed python3-django (scripts/install-deps.sh installs it).
	python3 "$top/bench/mkrepo.py" corpus /usr/lib/python3/dist-packages/django \
		django "$work/repo" >/dev/null || exit 1
elif [ "$what" = "--django" ]; then
	cache="$top/bench/out"
	mkdir -p "$cache"
	deb=$(ls "$cache"/python3-django_*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		(cd "$cache" && apt-get download python3-django >/dev/null 2>&1) ||
		(apt-get update -q >/dev/null 2>&1 && cd "$cache" && apt-get download python3-django >/dev/null 2>&1) || {
			echo "crosscheck: cannot fetch python3-django" >&2
			exit 1
		}
		deb=$(ls "$cache"/python3-django_*.deb | head -n 1)
	fi
	dpkg-deb -x "$deb" "$work/deb" || exit 1
	python3 "$top/bench/mkrepo.py" corpus "$work/deb/usr/lib/python3/dist-packages/django" \
		django "$work/repo" >/dev/null || exit 1
else
	mkdir -p "$work/repo"
	cp -R "$what/." "$work/repo/" || exit 1
	(cd "$work/repo" && git init -q && git add -A &&
	 git -c user.name=X -c user.email=x@example.com commit -q -m corpus) || exit 1
fi

# gs-render, built with the flags the build's objects were compiled with.
flags=$(cat "$build/FLAGS" 2>/dev/null) || { echo "crosscheck: $build/FLAGS missing; build first" >&2; exit 1; }
(cd "$top" && eval "$flags" -o '"$work/gs-render"' tests/tools/gs-render.c '"$build/libgitspec.a"' \
	$(pkg-config --libs libgit2 yaml-0.1 tree-sitter libcrypto) -lpthread) || {
	echo "crosscheck: cannot build gs-render" >&2
	exit 1
}

status=0
if [ "$what" = "--django" ]; then
	# Every package and variant of Django: the contracts `git spec sync`
	# writes (the same code path as users get) against astgen's.
	echo "== git spec sync vs astgen.py (Django)"
	python3 "$top/tests/tools/crosscheck.py" --synced "$build/bin/git-spec" ${CROSSCHECK_ARGS:-} \
		"$work/repo" || status=1
	exit $status
fi
echo "== extractor and renderer (gs-render) vs astgen.py"
python3 "$top/tests/tools/crosscheck.py" --render "$work/gs-render" --markdown ${CROSSCHECK_ARGS:-} \
	"$work/repo" || status=1
if [ -x "$build/bin/git-spec" ] &&
   ! (cd "$work/repo" && "$build/bin/git-spec" contract -h 2>&1 | grep -q "not implemented"); then
	echo "== git spec contract vs astgen.py"
	python3 "$top/tests/tools/crosscheck.py" --git-spec "$build/bin/git-spec" --markdown \
		${CROSSCHECK_ARGS:-} "$work/repo" || status=1
else
	echo "== git spec contract: not available in $build, skipped"
fi
exit $status
