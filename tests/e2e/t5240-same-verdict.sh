#!/bin/sh
test_description='the ignore setting gives the same verdict for the work tree, the index and a commit'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"
. "$TEST_SRC/tests/e2e/lib-hardening.sh"

test_expect_success 'setup' '
	pkg_repo repo pkg &&
	cd repo &&
	mkdir -p vendor/lib && echo "def v(): pass" >vendor/lib/__init__.py &&
	git add -A && git commit -q -m vendor && git tag base
'

# verdicts: the exit status of check on the work tree, the index and HEAD.
verdicts() {
	a=0 b=0 c=0
	git spec check >/dev/null 2>&1 || a=$?
	git spec check --staged >/dev/null 2>&1 || b=$?
	git spec check --rev HEAD >/dev/null 2>&1 || c=$?
	echo "$a $b $c"
}

for pat in "*" "pkg" "p*" "vendor" "specify" "tech"; do
	test_expect_success "ignore: [\"$pat\"]: one verdict for every source" '
		cd repo &&
		git reset -q --hard base &&
		printf "ignore: [\"%s\"]\n" "$pat" >.gitspec.yaml &&
		git add .gitspec.yaml && git commit -q -m "ignore $pat" &&
		v=$(verdicts) && echo "# verdicts (work tree, index, HEAD): $v" &&
		set -- $v && test "$1" = "$2" && test "$2" = "$3"
	'
done

test_done
