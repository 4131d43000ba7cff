#!/bin/sh
test_description='merge driver: a rename on one side and an edit on the other merge cleanly, contracts fresh'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-gitint.sh"

# Base: pkg (SPEC-001) with fmt.py and tag.py, pkg2 (SPEC-002) with other.py.
#  ren:    git mv pkg/tag.py pkg/tagging.py          (within the package)
#  move:   git mv pkg/tag.py pkg2/tag.py             (to another package)
#  edit:   tagged() added to pkg/tag.py, helper() to pkg2/other.py
# Every branch commits its contracts synced, so both sides change the
# contracts of SPEC-001 (and of SPEC-002 for move/edit) and git runs the
# driver on them. git merges the sources cleanly (rename detection), so
# the contracts must come out re-derived from that merge.
test_expect_success 'setup' '
	setup_repo repo &&
	cd repo &&
	write_file pkg/tag.py <<-PY &&
	"""Tags."""


	def tag(value: str) -> str:
	    """Tag a value."""
	    return value
	PY
	write_file pkg2/__init__.py </dev/null &&
	write_file pkg2/other.py <<-PY &&
	def other(x: int) -> int:
	    return x
	PY
	write_spec SPEC-002 pkg2 &&
	git add -A && git spec sync -q && commit_synced "tag.py and pkg2" &&
	git spec check &&
	git checkout -q -b ren &&
	git mv pkg/tag.py pkg/tagging.py &&
	commit_synced "ren: tag.py is tagging.py" &&
	git checkout -q -b move main &&
	git mv pkg/tag.py pkg2/tag.py &&
	commit_synced "move: tag.py goes to pkg2" &&
	git checkout -q -b edit main &&
	add_func pkg/tag.py tagged &&
	add_func pkg2/other.py helper &&
	commit_synced "edit: tagged and helper" &&
	git diff --quiet main ren -- pkg/tag.py pkg/tagging.py ||
		git diff --name-status main ren | test_grep "^R" &&
	! git diff --quiet main ren -- specify/tech/SPEC-001/contracts &&
	! git diff --quiet main edit -- specify/tech/SPEC-001/contracts &&
	! git diff --quiet main move -- specify/tech/SPEC-002/contracts &&
	! git diff --quiet main edit -- specify/tech/SPEC-002/contracts
'

# clean_up: leave a failed merge or rebase behind (each test starts clean).
clean_up() {
	git merge --abort 2>/dev/null
	git rebase --abort 2>/dev/null
	git reset -q --hard
}

# merged_fresh WHERE FILE: no conflict, no unmerged path, contracts fresh,
# and the function added on the edit side is in FILE and its contract.
merged_fresh() {
	git ls-files -u >../unmerged && ! test -s ../unmerged &&
	git status --porcelain -uno >../st && ! test -s ../st &&
	git spec check &&
	git spec check --rev HEAD &&
	grep "def tagged(" "$1" &&
	! test -e pkg/tag.py &&
	git show HEAD:$2 | test_grep "tagged"
}

test_expect_success 'git merge: rename within a package against an edit' '
	cd repo &&
	clean_up &&
	git checkout -q -b m-ren ren &&
	git merge -q --no-edit edit 2>../err &&
	! test_grep conflict ../err &&
	merged_fresh pkg/tagging.py $ALL
'

test_expect_success 'git merge: edit against a rename within a package' '
	cd repo &&
	clean_up &&
	git checkout -q -b m-ren2 edit &&
	git merge -q --no-edit ren 2>../err &&
	! test_grep conflict ../err &&
	merged_fresh pkg/tagging.py $ALL
'

test_expect_success 'git rebase: edit onto a rename within a package' '
	cd repo &&
	clean_up &&
	git checkout -q -b r-ren edit &&
	git rebase -q ren 2>../err &&
	! test_grep conflict ../err &&
	merged_fresh pkg/tagging.py $ALL &&
	git spec check --range ren..HEAD
'

test_expect_success 'git rebase: rename within a package onto an edit' '
	cd repo &&
	clean_up &&
	git checkout -q -b r-ren2 ren &&
	git rebase -q edit 2>../err &&
	! test_grep conflict ../err &&
	merged_fresh pkg/tagging.py $ALL &&
	git spec check --range edit..HEAD
'

test_expect_success 'git merge: move to another package against an edit' '
	cd repo &&
	clean_up &&
	git checkout -q -b m-move move &&
	git merge -q --no-edit edit 2>../err &&
	! test_grep conflict ../err &&
	merged_fresh pkg2/tag.py specify/tech/SPEC-002/contracts/all.md &&
	git show HEAD:specify/tech/SPEC-002/contracts/all.md | test_grep "helper" &&
	! git show HEAD:$ALL | test_grep "tag"
'

test_expect_success 'git merge: edit against a move to another package' '
	cd repo &&
	clean_up &&
	git checkout -q -b m-move2 edit &&
	git merge -q --no-edit move 2>../err &&
	! test_grep conflict ../err &&
	merged_fresh pkg2/tag.py specify/tech/SPEC-002/contracts/all.md
'

test_expect_success 'git rebase: edit onto a move to another package' '
	cd repo &&
	clean_up &&
	git checkout -q -b r-move edit &&
	git rebase -q move 2>../err &&
	! test_grep conflict ../err &&
	merged_fresh pkg2/tag.py specify/tech/SPEC-002/contracts/all.md &&
	git spec check --range move..HEAD
'

test_expect_success 'git rebase: move to another package onto an edit' '
	cd repo &&
	clean_up &&
	git checkout -q -b r-move2 move &&
	git rebase -q edit 2>../err &&
	! test_grep conflict ../err &&
	merged_fresh pkg2/tag.py specify/tech/SPEC-002/contracts/all.md &&
	git spec check --range edit..HEAD
'

# When the editing side leaves pkg2's contracts alone, git takes them from
# the moving side without calling the driver: no conflict, but the merge
# commit is refused with the repair (pre-merge-commit), as for any
# one-sided stale contract.
test_expect_success 'git merge: a move against an edit of the moved file only' '
	cd repo &&
	clean_up &&
	git checkout -q -b edit-only main &&
	add_func pkg/tag.py only &&
	commit_synced "edit-only: only" &&
	git checkout -q -b m-only move &&
	test_must_fail git merge --no-edit edit-only 2>../err &&
	test_grep "git spec sync --staged" ../err &&
	! test_grep CONFLICT ../err &&
	git ls-files -u >../unmerged && ! test -s ../unmerged &&
	git spec sync --staged -q &&
	git commit -q --no-edit &&
	git spec check --rev HEAD &&
	git show HEAD:specify/tech/SPEC-002/contracts/all.md | test_grep "only"
'

# merge.renames=false: merge-ort (every strategy of git 2.39) ignores it
# and still follows the rename; so does the driver.
test_expect_success 'merge.renames=false changes nothing, as in merge-ort' '
	cd repo &&
	clean_up &&
	git checkout -q -b m-norename ren &&
	git -c merge.renames=false -c diff.renames=false merge -q --no-edit edit 2>../err &&
	! test_grep conflict ../err &&
	merged_fresh pkg/tagging.py $ALL
'

test_done
