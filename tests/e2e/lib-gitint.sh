# Shared setup for the git-integration tests (t3*): a repository with one
# package covered by one spec, its contracts fresh, hooks and driver
# installed. Sourced after test-lib.sh.

# write_spec ID PACKAGE: a spec with the three variants at the default paths.
write_spec() {
	write_file "specify/tech/$1/$1.md" <<-SPEC
	---
	id: $1
	slug: $(echo "$2" | tr / -)
	name: $2 Specification
	created: '2026-11-21'
	updated: '2026-11-21'
	status: draft
	kind: spec
	sources:
	- language: python
	  identifier: $2
	  module: $(echo "$2" | tr / .)
	  variants:
	  - name: public
	    path: contracts/public.md
	  - name: all
	    path: contracts/all.md
	  - name: tests
	    path: contracts/tests.md
	---

	# $2
	SPEC
}

# setup_repo DIR: the repository described above, at DIR.
setup_repo() {
	test_create_repo "$1" &&
	(
		cd "$1" &&
		git spec install -q &&
		write_file pkg/__init__.py </dev/null &&
		write_file pkg/fmt.py <<-PY &&
		"""Formatting helpers."""


		def a(x: int) -> str:
		    """Format a."""
		    return str(x)


		def z(x):
		    return x
		PY
		write_spec SPEC-001 pkg &&
		git spec sync -q &&
		git add -A &&
		git commit -q -m "pkg with its spec"
	)
}

# setup_pkg2 DIR: setup_repo DIR, and a second package, pkg2, covered by
# SPEC-002, its contracts fresh and committed (the sparse-checkout tests
# leave it outside the cone).
setup_pkg2() {
	setup_repo "$1" &&
	(
		cd "$1" &&
		write_file pkg2/__init__.py </dev/null &&
		write_file pkg2/mod.py <<-\PY &&
		def one(x: int) -> int:
		    return x
		PY
		write_spec SPEC-002 pkg2 &&
		git spec sync -q &&
		git add -A &&
		git commit -q -m pkg2
	)
}

# add_func FILE NAME [BODY]: append a top-level function.
add_func() {
	printf '\n\ndef %s(value: int) -> int:\n    return %s\n' "$2" "${3:-value}" >>"$1"
}

PUBLIC=specify/tech/SPEC-001/contracts/public.md
ALL=specify/tech/SPEC-001/contracts/all.md

# insert_func FILE AFTER NAME: insert a function after the first line
# matching the fixed string AFTER (so that two branches can change one
# file in places far enough apart to merge cleanly).
insert_func() {
	printf '\n\ndef %s(value: int) -> int:\n    return value\n' "$3" >"$TRASH/.insert" &&
	awk -v pat="$2" -v f="$TRASH/.insert" '
		{ print }
		!done && index($0, pat) { while ((getline l < f) > 0) print l; done = 1 }
	' "$1" >"$1.new" && mv "$1.new" "$1"
}

# commit_synced MSG: stage everything, regenerate the staged contracts, commit.
commit_synced() {
	git add -A && git spec sync --staged -q && git commit -q -m "$1"
}
