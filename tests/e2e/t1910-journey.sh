#!/bin/sh
test_description='the main user journeys: create, stale after a change, sync, refactor within a package'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

F=supekku/scripts/lib/formatters
S=specify/tech/SPEC-001

test_expect_success 'setup: a package like spec-driver'"'"'s formatters' '
	test_create_repo repo && exclude_scratch repo &&
	cd repo &&
	for d in supekku supekku/scripts supekku/scripts/lib; do
		write_file $d/__init__.py </dev/null || exit 1
	done &&
	write_file $F/__init__.py <<-\PY &&
	"""Output formatters."""
	from .change_formatters import ChangeFormatter, format_change
	__all__ = ["ChangeFormatter", "format_change", "format_decision", "DecisionTable"]
	PY
	write_file $F/change_formatters.py <<-\PY &&
	"""Formatters for change records."""
	from abc import ABCMeta
	from dataclasses import dataclass

	DEFAULT_WIDTH: int = 80


	def format_change(change, *, verbose: bool = False) -> str:
	    """Render one change as text."""
	    return str(change)


	@dataclass(frozen=True)
	class ChangeFormatter(metaclass=ABCMeta):
	    """Renders changes."""

	    width: int = DEFAULT_WIDTH

	    @property
	    def name(self) -> str:
	        return "change"
	PY
	write_file $F/decision_formatters.py <<-\PY &&
	"""Formatters for decisions."""


	def format_decision(decision, width: int = 80) -> str:
	    """Render one decision."""
	    return str(decision)


	def _pad(text: str, width: int) -> str:
	    return text.ljust(width)


	class DecisionTable:
	    """A table of decisions."""

	    def render(self, rows: list) -> str:
	        """Render the rows."""
	        return "\n".join(rows)
	PY
	write_file $F/test_change_formatters.py <<-\PY &&
	from .change_formatters import format_change


	def test_format_change():
	    assert format_change("x") == "x"
	PY
	git add -A && git commit -q -m "formatters"
'

test_expect_success 'journey 1: create a spec for the leaf package' '
	cd repo &&
	git spec packages >out &&
	test_grep "^$F  supekku.scripts.lib.formatters  -$" out &&
	git spec create $F >out &&
	test_grep "created SPEC-001 for .$F." out &&
	test_grep "identifier: $F$" $S/SPEC-001.md &&
	test_grep "module: supekku.scripts.lib.formatters$" $S/SPEC-001.md &&
	git spec check &&
	git add specify && git commit -q -m "SPEC-001" &&
	grep "^## " $S/contracts/all.md >sections &&
	cat >expect <<-EOF &&
	## Exports
	## \`$F/__init__.py\`
	## \`$F/change_formatters.py\`
	## \`$F/decision_formatters.py\`
	EOF
	test_cmp expect sections &&
	grep "^## " $S/contracts/tests.md >sections &&
	echo "## \`$F/test_change_formatters.py\`" >expect &&
	test_cmp expect sections
'

test_expect_success 'journey 2: any file of the package resolves to its spec' '
	cd repo &&
	git spec list --for-path $F/change_formatters.py >out &&
	test_grep "^package: $F$" out &&
	test_grep "^spec: SPEC-001 $S/SPEC-001.md$" out
'

test_expect_success 'adding a function makes check exit 1 naming the stale contract' '
	cd repo &&
	cat >>$F/change_formatters.py <<-\PY &&


	def format_changes(changes: list, *, verbose: bool = False) -> str:
	    """Render several changes."""
	    return "\n".join(format_change(c, verbose=verbose) for c in changes)
	PY
	test_expect_code 1 git spec check >out 2>err &&
	test_grep "$S/contracts/public.md" err &&
	test_grep "$S/contracts/all.md" err &&
	test_grep "package .$F." err &&
	test_grep "git spec sync" err &&
	test_must_fail grep "tests.md" err
'

test_expect_success 'sync: the contract diff consists only of added lines' '
	cd repo &&
	git spec sync >out &&
	test_grep "updated $S/contracts/public.md" out &&
	git spec check -q &&
	git diff --stat -- specify >stat &&
	test_grep "2 files changed, [0-9]* insertions*(+)$" stat &&
	for v in public all; do
		git diff -U0 -- $S/contracts/$v.md | sed -n "/^@@/,\$p" | grep "^[-+]" >changes &&
		test_must_fail grep "^-" changes &&
		test_grep "^+- .def format_changes(changes: list, \*, verbose: bool = False) -> str.$" changes &&
		test_grep "^+  Render several changes.$" changes || exit 1
	done &&
	git add -A && git commit -q -m "format_changes"
'

test_expect_success 'journey 3: split a module into a subdirectory without __init__.py' '
	cd repo &&
	cp $S/SPEC-001.md spec.before &&
	grep "^- \|^  \|^#### " $S/contracts/all.md | sort >symbols.before &&
	mkdir $F/decision &&
	write_file $F/decision/base.py <<-\PY &&
	"""Formatters for decisions."""


	def format_decision(decision, width: int = 80) -> str:
	    """Render one decision."""
	    return str(decision)


	def _pad(text: str, width: int) -> str:
	    return text.ljust(width)
	PY
	write_file $F/decision/table.py <<-\PY &&
	"""Formatters for decisions."""


	class DecisionTable:
	    """A table of decisions."""

	    def render(self, rows: list) -> str:
	        """Render the rows."""
	        return "\n".join(rows)
	PY
	git rm -q $F/decision_formatters.py &&
	test_expect_code 1 git spec check 2>err &&
	test_grep "$S/contracts/all.md" err &&
	git spec sync -q &&
	git spec check -q &&
	grep "^## " $S/contracts/all.md >sections &&
	cat >expect <<-EOF &&
	## Exports
	## \`$F/__init__.py\`
	## \`$F/change_formatters.py\`
	## \`$F/decision/base.py\`
	## \`$F/decision/table.py\`
	EOF
	test_cmp expect sections &&
	grep "^- \|^  \|^#### " $S/contracts/all.md | sort >symbols.after &&
	test_cmp symbols.before symbols.after &&
	test_cmp spec.before $S/SPEC-001.md &&
	git add -A &&
	git diff --cached --name-only >changed &&
	test_must_fail grep "SPEC-001.md" changed &&
	git diff --cached --stat -- specify >stat &&
	test_grep "contracts/all.md" stat &&
	git commit -q -m "split decision formatters"
'

test_expect_success 'the package is still one leaf package with one spec' '
	cd repo &&
	git spec packages >out &&
	test $(wc -l <out) = 1 &&
	git spec list --for-path $F/decision/table.py --json >fp.json &&
	test "$(json_get fp.json "j[\"package\"]")" = $F &&
	test "$(json_get fp.json "j[\"spec\"]")" = SPEC-001 &&
	git spec check --rev HEAD -q &&
	git spec check --range HEAD~3..HEAD -q
'

test_done
