#!/bin/sh
test_description='share/demo.sh runs the main job on the example repository'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'the demo runs to the end' '
	mkdir "$TRASH/tmp" &&
	TMPDIR="$TRASH/tmp" GIT_SPEC_BUILD="$GIT_SPEC_BUILD" sh "$TEST_SRC/share/demo.sh" >out 2>err ||
	{ cat out err; exit 1; }
'

test_expect_success 'it prints each command it runs' '
	test_grep "^\$ git spec packages$" out &&
	test_grep "^\$ git spec create src/acme/pricing$" out &&
	test_grep "^\$ git spec check$" out &&
	test_grep "^\$ git spec sync$" out &&
	test_grep "^\$ git commit -q -m .acme-shop: initial import.$" out
'

test_expect_success 'it creates four specs, sees check fail on the stale contract, then pass' '
	test_grep "^created SPEC-004 for" out &&
	test $(grep -c "^(exit status 1)$" out) = 2 &&
	test_grep "stale contract .specify/tech/SPEC-004/contracts/public.md. (SPEC-004, package .src/acme/pricing., variant public)" err &&
	test_grep "^updated specify/tech/SPEC-004/contracts/public.md$" out &&
	test $(grep -c "contracts are fresh in the work tree" out) = 2
'

test_expect_success 'the contract diff it shows adds the new function only' '
	sed -n "/^\$ git --no-pager diff -- specify\/tech$/,/^\$ git spec check$/p" out >diff &&
	test_grep "^+- .def cheapest(items: list\[Priced\]) -> Priced | None.$" diff &&
	test_must_fail grep "^-[^-]" diff
'

test_expect_success 'the hook refuses the stale commit until sync --staged' '
	test_grep "^\$ git spec install$" out &&
	sed -n "/^\$ git commit -q -m .inventory: restock_all()./,\$p" out >tail &&
	test_grep "^(exit status 1)$" tail &&
	test_grep "stale contract .specify/tech/SPEC-002/contracts/public.md." err &&
	test_grep "^updated specify/tech/SPEC-002/contracts/public.md (index and work tree)$" tail &&
	test_grep "^3 commits checked: every contract is fresh$" tail &&
	test "$(tail -n 1 out)" = "\$ git status --short"
'

test_expect_success 'it leaves no temporary directory behind' '
	ls -A "$TRASH/tmp" >left &&
	test_must_fail test -s left
'

test_done
