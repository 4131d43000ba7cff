#!/bin/sh
test_description='end-of-line conversion: a CRLF checkout is not stale, sync writes what git checks out'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"
. "$TEST_SRC/tests/e2e/lib-hardening.sh"

C=specify/tech/SPEC-001/contracts

test_must_be_empty_file() {
	test ! -s "$1" || { echo "$1 is not empty:" >&2; cat "$1" >&2; return 1; }
}

test_expect_success 'setup' '
	pkg_repo origin pkg
'

test_expect_success 'core.autocrlf=true: a fresh clone is fresh' '
	git -c core.autocrlf=true clone -q origin crlf &&
	cd crlf &&
	git config core.autocrlf true &&
	grep -q "$(printf "\r")\$" $C/public.md &&
	run 0 git spec check &&
	run 0 git spec check --staged &&
	run 0 git spec sync >"$TRASH/out" &&
	git status --porcelain >"$TRASH/st" && test_must_be_empty_file "$TRASH/st"
'

test_expect_success 'core.autocrlf=true: sync writes CRLF, git status stays clean, check agrees' '
	cd crlf &&
	echo "def more(x): pass" >>pkg/mod.py &&
	run 0 git spec sync &&
	grep -q "$(printf "\r")\$" $C/public.md &&
	test_must_fail grep -v "$(printf "\r")\$" $C/public.md &&
	run 0 git spec check &&
	git add -A &&
	run 0 git spec check --staged &&
	git diff --cached --stat >"$TRASH/st" && test_grep "public.md" "$TRASH/st" &&
	git commit -q -m more &&
	git status --porcelain >"$TRASH/st" && test_must_be_empty_file "$TRASH/st"
'

test_expect_success 'sync --staged on a CRLF checkout: the work-tree copy follows, no warning' '
	cd crlf &&
	echo "def again(y): pass" >>pkg/mod.py &&
	git add pkg/mod.py &&
	run 0 git spec sync --staged 2>"$TRASH/err" &&
	test_must_fail grep "unstaged changes" "$TRASH/err" &&
	grep -q "$(printf "\r")\$" $C/public.md &&
	git status --porcelain >"$TRASH/st" && grep -v "^M  " "$TRASH/st" >"$TRASH/other"; test_must_be_empty_file "$TRASH/other"
'

test_expect_success '.gitattributes eol=crlf for the contracts' '
	git clone -q origin attr &&
	cd attr &&
	echo "*.md text eol=crlf" >.gitattributes &&
	git add .gitattributes && git commit -q -m attr &&
	rm $C/*.md && git checkout -q -- $C &&
	grep -q "$(printf "\r")\$" $C/public.md &&
	run 0 git spec check &&
	echo "def third(z): pass" >>pkg/mod.py &&
	run 0 git spec sync &&
	grep -q "$(printf "\r")\$" $C/public.md &&
	git add -A && git commit -q -m third &&
	run 0 git spec check --rev HEAD &&
	git status --porcelain >"$TRASH/st" && test_must_be_empty_file "$TRASH/st"
'

test_done
