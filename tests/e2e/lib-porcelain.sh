# Helpers shared by the porcelain tests (tests/e2e/t1*.sh). Source after
# test-lib.sh.

export SOURCE_DATE_EPOCH=1795262400   # 2026-11-21: the date `create` writes

# example_repo DIR: share/example committed as a fresh repository in DIR.
example_repo() {
	cp -R "$TEST_SRC/share/example" "$1" &&
	(cd "$1" && git init -q && git add . && git commit -q -m "import the example")
}

# spec_text ID PKG [CONTRACT_DIR] [EXTRA_SOURCE_LINES]: a spec's text as
# spec-driver writes it, all three variants under CONTRACT_DIR (default
# "contracts").
spec_text() {
	cat <<SPEC
---
id: $1
slug: $(echo "$2" | tr '/' '-')
name: $2 Specification
created: '2026-11-21'
updated: '2026-11-21'
status: draft
kind: spec
sources:
- language: python
  identifier: $2
  variants:
  - name: public
    path: ${3:-contracts}/public.md
  - name: all
    path: ${3:-contracts}/all.md
  - name: tests
    path: ${3:-contracts}/tests.md
---

# $1

Hand written.
SPEC
}

# write_spec ID PKG [CONTRACT_DIR]: write specify/tech/ID/ID.md.
write_spec() {
	mkdir -p "specify/tech/$1" &&
	spec_text "$@" > "specify/tech/$1/$1.md"
}

# snapshot [DIR]: every file, symlink and directory below DIR (default .)
# with its content hash, except git's object store and git-spec's cache,
# which may legitimately change; for "nothing was written" checks.
snapshot() {
	(cd "${1:-.}" &&
	 find . \( -path ./.git/objects -o -path ./.git/gitspec \) -prune -o -type f -print0 |
		LC_ALL=C sort -z | xargs -0 -r sha1sum &&
	 find . \( -path ./.git/objects -o -path ./.git/gitspec \) -prune -o -type l -print |
		LC_ALL=C sort | while read -r l; do echo "$l -> $(readlink "$l")"; done &&
	 find . \( -path ./.git/objects -o -path ./.git/gitspec \) -prune -o -type d -print |
		LC_ALL=C sort)
}

# json_get FILE EXPR: evaluate a Python expression over the parsed JSON `j`
# and print the result (strings as they are, anything else as JSON). The
# tests use python3 only to read JSON; a file that is not JSON fails.
json_get() {
	python3 -c 'import json,sys
j = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v))' "$1" "$2"
}
