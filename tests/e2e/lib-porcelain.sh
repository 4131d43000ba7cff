# Helpers shared by the porcelain tests (tests/e2e/t1*.sh). Source after
# test-lib.sh.

export SOURCE_DATE_EPOCH=1795262400   # 2026-11-21: the date `create` writes

# Scratch files the tests write at the top of a repository.
SCRATCH="before after err out expect actual out.json line1 changes stat staged unstaged
blob edited inode.before inode.after cli.before sorted st unmerged fp.json files
sections symbols.before symbols.after spec.before changed idx wt rev head all impl
api public tests paths index.before expect.sorted out.sorted left"

# exclude_scratch DIR: keep the tests' scratch files (SCRATCH, above) out of
# `git add -A` and `git status` in the repository at DIR.
exclude_scratch() {
	mkdir -p "$1/.git/info" &&
	for f in $SCRATCH; do echo "/$f"; done >>"$1/.git/info/exclude"
}

# age_worktree: every file and directory of the work tree a minute old, and
# git's stat data refreshed, so that the index and the listing cache vouch
# for them (t1946, t1947).
age_worktree() {
	t="@$(( $(date +%s) - 60 ))" &&
	find . -path ./.git -prune -o -print | xargs touch -h -d "$t" &&
	git update-index -q --refresh
}

# rewrite_forged PATH: PATH's content from stdin, written in place, its mtime
# put back to what it was: only the content tells the change (the stat and
# memo tests forge mtimes so).
rewrite_forged() {
	old=$(stat -c %Y "$1") &&
	cat >"$1" &&
	touch -d "@$old" "$1"
}

# example_repo DIR: share/example committed as a fresh repository in DIR.
example_repo() {
	cp -R "$TEST_SRC/share/example" "$1" &&
	(cd "$1" && git init -q && git add . && git commit -q -m "import the example") &&
	exclude_scratch "$1"
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
# which may legitimately change, and the tests' own scratch files at the
# top (listed in SCRATCH); for "nothing was written" checks.
snapshot() {
	(cd "${1:-.}" &&
	 prune="-path ./.git/objects -o -path ./.git/gitspec" &&
	 for f in $SCRATCH; do prune="$prune -o -path ./$f"; done &&
	 find . \( $prune \) -prune -o -type f -print0 |
		LC_ALL=C sort -z | xargs -0 -r sha1sum &&
	 find . \( $prune \) -prune -o -type l -print |
		LC_ALL=C sort | while read -r l; do echo "$l -> $(readlink "$l")"; done &&
	 find . \( $prune \) -prune -o -type d -print |
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
