#!/bin/sh
test_description='contracts are byte-identical across locales, umasks and repeated runs'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

C=specify/tech

# Locales beyond C and C.UTF-8 whose collation and case rules differ
# (German, Turkish dotted/dotless i), compiled into the trash directory so
# that the test does not depend on what the machine has installed.
other_locales=
mkdir -p "$TRASH/locales"
for l in de_DE tr_TR; do
	if localedef -i $l -f UTF-8 "$TRASH/locales/$l.UTF-8" >/dev/null 2>&1; then
		other_locales="$other_locales $l.UTF-8"
	fi
done
other_locales="$other_locales $(locale -a 2>/dev/null | grep -v -i -e "^c$" -e "^c\.utf-*8$" -e "^posix$" | head -n 2)"
export LOCPATH="$TRASH/locales"

test_expect_success 'setup: the example plus names that sort differently by locale' '
	example_repo repo &&
	cd repo &&
	write_file src/acme/mixed/__init__.py </dev/null &&
	write_file src/acme/mixed/Zeta.py <<-\PY &&
	def Beta(): ...
	def alpha(): ...
	def _under(): ...
	def Élan(): ...
	class a: ...
	class B: ...
	PY
	write_file src/acme/mixed/alpha.py <<-\PY &&
	x = 1
	X = 2
	_y = 3
	PY
	write_file src/acme/mixed/_private.py <<-\PY &&
	def f(): ...
	PY
	write_file "src/acme/mixed/b c.py" <<-\PY &&
	def g(): ...
	PY
	write_file src/acme/mixed/ä.py <<-\PY &&
	def h(): ...
	PY
	write_file src/acme/mixed/sub/B.py </dev/null &&
	write_file src/acme/mixed/sub/a.py </dev/null &&
	git add -A && git commit -q -m mixed &&
	for p in cli inventory orders pricing mixed; do
		git spec create -q src/acme/$p || exit 1
	done &&
	git add -A && git commit -q -m specs &&
	find specify -type f | LC_ALL=C sort | xargs sha1sum >"$TRASH/reference"
'

# regenerate: delete every contract, sync, and print their hashes.
regenerate() {
	find specify -name "*.md" -path "*/contracts/*" -delete &&
	git spec sync -q &&
	find specify -type f | LC_ALL=C sort | xargs sha1sum
}

test_expect_success 'files are ordered bytewise' '
	cd repo &&
	grep "^## " $C/SPEC-005/contracts/all.md >sections &&
	printf "## \`%s\`\n" src/acme/mixed/Zeta.py src/acme/mixed/__init__.py \
		src/acme/mixed/_private.py src/acme/mixed/alpha.py \
		"src/acme/mixed/b c.py" src/acme/mixed/sub/B.py src/acme/mixed/sub/a.py \
		src/acme/mixed/ä.py >expect &&
	test_cmp expect sections
'

test_expect_success 'repeated runs are byte-identical' '
	cd repo &&
	for i in 1 2 3; do
		regenerate >run.$i || exit 1
		test_cmp "$TRASH/reference" run.$i || exit 1
	done
'

test_expect_success 'C, C.UTF-8 and other locales give the same bytes' '
	cd repo &&
	if test -d "$LOCPATH/de_DE.UTF-8"; then
		printf "a\nB\n" | LC_ALL=de_DE.UTF-8 sort >sorted &&
		printf "a\nB\n" >expect &&
		test_cmp expect sorted
	fi &&
	for l in C C.UTF-8 $other_locales; do
		LC_ALL=$l LANG=$l regenerate >run.$l 2>/dev/null || exit 1
		test_cmp "$TRASH/reference" run.$l || exit 1
	done &&
	LC_ALL= LANG=tr_TR.UTF-8 LC_COLLATE=de_DE.UTF-8 regenerate >run.mixed 2>/dev/null &&
	test_cmp "$TRASH/reference" run.mixed
'

test_expect_success 'any umask gives the same bytes' '
	cd repo &&
	for u in 000 022 027 077; do
		(umask $u && regenerate) >run.$u || exit 1
		test_cmp "$TRASH/reference" run.$u || exit 1
	done
'

test_expect_success 'the same tree in another clone gives the same bytes' '
	git clone -q repo clone &&
	cd clone &&
	regenerate >run.clone &&
	test_cmp "$TRASH/reference" run.clone
'

test_expect_success 'without the cache, the same bytes' '
	cd repo &&
	GIT_SPEC_NO_CACHE=1 regenerate >run.nocache &&
	test_cmp "$TRASH/reference" run.nocache &&
	rm -rf .git/gitspec &&
	regenerate >run.cold &&
	test_cmp "$TRASH/reference" run.cold
'

test_expect_success 'work tree, index and commit give the same bytes' '
	cd repo &&
	for v in public all tests; do
		git spec contract --variant $v src/acme/mixed >wt &&
		git spec contract --staged --variant $v src/acme/mixed >idx &&
		git spec contract --rev HEAD --variant $v src/acme/mixed >rev &&
		test_cmp wt idx && test_cmp wt rev &&
		test_cmp wt $C/SPEC-005/contracts/$v.md || exit 1
	done
'

test_expect_success 'file modes and mtimes do not matter' '
	cd repo &&
	chmod +x src/acme/mixed/alpha.py &&
	touch -d "2001-01-01" src/acme/mixed/Zeta.py &&
	regenerate >run.modes &&
	test_cmp "$TRASH/reference" run.modes &&
	git checkout -q -- .
'

test_done
