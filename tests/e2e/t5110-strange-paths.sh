#!/bin/sh
test_description='strange paths, symlinks, submodules and case-only renames'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"
. "$TEST_SRC/tests/e2e/lib-hardening.sh"

C=specify/tech/SPEC-001/contracts

test_expect_success 'setup' '
	pkg_repo repo pkg &&
	mkdir -p outside/dir &&
	echo "def SECRET_LEAK(): pass" >outside/secret.py &&
	echo "def DIR_LEAK(): pass" >outside/dir/x.py &&
	mkfifo outside/fifo &&
	cd repo &&
	git tag base
'

# Every file name git can store: the contract names each file as DESIGN 2.4
# says (invalid UTF-8 as \xNN, a backtick by a longer fence), JSON keeps
# them exactly, and sync/check/hook work on them.
# fresh: back to the tagged state, whatever a failed test left behind.
fresh() {
	git reset -q --hard base && git clean -q -ffdx && rm -rf .git/modules
}

test_expect_success 'file names with spaces, quotes, newlines, bad bytes, dashes' '
	cd repo && fresh &&
	for n in "a b.py" "it'\''s.py" "\"quoted\".py" "-rf.py" "--help.py" "back\`tick.py" \
		 "tab	here.py" "ünï.py"; do
		printf "def f():\n    pass\n" >"pkg/$n" || return 1
	done &&
	printf "def g(): pass\n" >"$(printf "pkg/new\nline.py")" &&
	printf "def h(): pass\n" >"$(printf "pkg/\377byte.py")" &&
	git add -A &&
	run 0 git spec contract pkg --variant all >out &&
	valid_utf8 out &&
	test_grep -F "## \`pkg/a b.py\`" out &&
	test_grep -F "## \`pkg/it'\''s.py\`" out &&
	test_grep -F "## \`pkg/\"quoted\".py\`" out &&
	test_grep -F "## \`pkg/-rf.py\`" out &&
	test_grep -F "## \`pkg/--help.py\`" out &&
	test_grep -F "## \`\` pkg/back\`tick.py \`\`" out &&
	test_grep -F "## \`pkg/\\xFFbyte.py\`" out &&
	test_grep -F "## \`pkg/ünï.py\`" out &&
	test_grep -F "## \`pkg/new\\x0Aline.py\`" out &&
	test_grep -F "## \`pkg/tab\\x09here.py\`" out &&
	run 0 git spec contract pkg --variant all --json >out.json &&
	json_get out.json "sorted(f[\"path\"] for f in j[\"files\"])" >paths &&
	cat >expect <<-\EOF &&
	["pkg/\"quoted\".py", "pkg/--help.py", "pkg/-rf.py", "pkg/\\xFFbyte.py", "pkg/__init__.py", "pkg/a b.py", "pkg/back`tick.py", "pkg/it'\''s.py", "pkg/mod.py", "pkg/new\nline.py", "pkg/tab\there.py", "pkg/\u00fcn\u00ef.py"]
	EOF
	test_cmp expect paths &&
	run 0 git spec sync --staged &&
	run 0 git spec check --staged &&
	run 0 git spec check &&
	git commit -q -m "strange names" &&
	run 0 git spec check --rev HEAD &&
	if hook_works; then
		echo "def later(): pass" >>"pkg/-rf.py" && git add "pkg/-rf.py" &&
		run 1 git-spec-hook pre-commit 2>err &&
		test_grep "git spec sync --staged" err &&
		run 0 git spec sync --staged &&
		run 0 git-spec-hook pre-commit
	fi &&
	git reset -q --hard base && git clean -q -fdx
'

test_expect_success 'package directories with a space, a quote and a leading dash' '
	cd repo && fresh &&
	for d in "my pkg" "it'\''s" "-dash"; do
		mkdir -p -- "$d" && echo "def in_$(echo "$d" | tr -dc a-z)(): pass" >"$d/m.py" &&
		echo >"$d/__init__.py" || return 1
	done &&
	git add -A && git commit -q -m dirs &&
	run 0 git spec create -q "my pkg" &&
	run 0 git spec create -q "it'\''s" &&
	run 0 git spec create -q -- "-dash" &&
	run 0 git spec check &&
	git add -A && git commit -q -m specs &&
	run 0 git spec check --rev HEAD &&
	run 0 git spec contract "./-dash" >out &&
	test_grep "def in_dash()" out &&
	run 0 git spec list --json >list.json &&
	json_get list.json "sorted(p for s in j for p in s[\"packages\"])" >pkgs &&
	echo "[\"-dash\", \"it'\''s\", \"my pkg\", \"pkg\"]" >expect &&
	test_cmp expect pkgs &&
	git reset -q --hard base && git clean -q -fdx
'

test_expect_success 'a package directory whose name is not UTF-8' '
	cd repo && fresh &&
	d=$(printf "\377pkg") &&
	mkdir "$d" && echo "def odd(): pass" >"$d/m.py" && echo >"$d/__init__.py" &&
	git add -A && git commit -q -m odd &&
	run_either git spec create -q "$d" 2>err &&
	if [ "$run_got" = 3 ]; then
		test -s err && test -z "$(git status --porcelain specify)"
	else
		run 0 git spec check && git add -A && run 0 git spec check --staged
	fi &&
	git reset -q --hard base && git clean -q -fdx
'

# Symlinks are never read (DESIGN 1): a link to a FIFO would hang a reader,
# links out of the repository would leak what they point at.
test_expect_success 'symlinked .py files and directories are never read' '
	cd repo && fresh &&
	ln -s ../../outside/secret.py pkg/evil.py &&
	ln -s ../../outside/fifo pkg/fifo.py &&
	ln -s ../../outside/dir pkg/linkdir &&
	ln -s mod.py pkg/alias.py &&
	mkdir lnk && ln -s ../pkg/__init__.py lnk/__init__.py && echo "def in_lnk(): pass" >lnk/m.py &&
	git add -A && git commit -q -m links &&
	mkfifo pkg/pipe.py &&
	for src in "" --staged "--rev HEAD"; do
		run 0 git spec contract pkg --variant all $src >out || return 1
		test_must_fail grep -E "LEAK|evil|fifo|linkdir|alias|pipe" out || return 1
	done &&
	run 0 git spec sync &&
	run 0 git spec check &&
	run 0 git spec check --staged &&
	run 0 git spec packages --json >pk.json &&
	json_get pk.json "[p[\"path\"] for p in j]" >pk &&
	echo "[\"pkg\"]" >expect && test_cmp expect pk &&
	rm pkg/pipe.py &&
	git reset -q --hard base && git clean -q -fdx
'

test_expect_success 'a submodule inside a package is not read' '
	(cd repo && fresh) &&
	git init -q sub &&
	(cd sub && mkdir inner && echo >inner/__init__.py && echo "def SUB_LEAK(): pass" >inner/leak.py &&
	 echo "def SUB_TOP(): pass" >top.py && echo >__init__.py &&
	 git add -A && git commit -q -m sub) &&
	cd repo &&
	git -c protocol.file.allow=always submodule -q add "$TRASH/sub" pkg/vendored &&
	git commit -q -m submodule &&
	test "$(git ls-files -s pkg/vendored | cut -c1-6)" = 160000 &&
	test -f pkg/vendored/inner/leak.py &&
	for src in "" --staged "--rev HEAD"; do
		run 0 git spec contract pkg --variant all $src >out || return 1
		test_must_fail grep -E "SUB_|vendored" out || return 1
	done &&
	run 0 git spec packages --json >pk.json &&
	json_get pk.json "[p[\"path\"] for p in j]" >pk &&
	echo "[\"pkg\"]" >expect && test_cmp expect pk &&
	run 0 git spec check &&
	run 0 git spec check --rev HEAD &&
	git reset -q --hard base && git clean -q -ffdx && rm -rf .git/modules
'

test_expect_success 'case-only renames of a file and of a package' '
	cd repo && fresh &&
	printf "def helper():\n    pass\n" >pkg/Helper.py &&
	mkdir Other && echo >Other/__init__.py && echo "def other(): pass" >Other/m.py &&
	git add -A && git commit -q -m helper &&
	run 0 git spec create -q Other &&
	run 0 git spec sync &&
	git add -A && git commit -q -m "synced" &&
	git mv pkg/Helper.py pkg/helper.py &&
	run 1 git spec check --staged >out 2>&1 &&
	test_grep "SPEC-001" out &&
	run 0 git spec sync --staged &&
	test_grep -F "## \`pkg/helper.py\`" $C/public.md &&
	test_must_fail grep -F "pkg/Helper.py" $C/public.md &&
	run 0 git spec check --staged &&
	git commit -q -m "rename file" &&
	git mv Other other &&
	sed -i "s|identifier: Other|identifier: other|; s|module: Other|module: other|" \
		specify/tech/SPEC-002/SPEC-002.md &&
	git add -A &&
	run 0 git spec sync --staged &&
	test_grep "# \`other\` — public contract" specify/tech/SPEC-002/contracts/public.md &&
	run 0 git spec check --staged &&
	git commit -q -m "rename package" &&
	run 0 git spec check --rev HEAD &&
	git reset -q --hard base && git clean -q -fdx
'

test_expect_success 'a spec left on a package renamed by case only is reported, not a crash' '
	cd repo && fresh &&
	mkdir Third && echo >Third/__init__.py && git add -A && git commit -q -m third &&
	run 0 git spec create -q Third && git add -A && git commit -q -m spec3 &&
	git mv Third third && git commit -q -m "rename only" &&
	timeout 60 git spec validate >out 2>&1; rc=$? &&
	test "$rc" -ge 1 && test "$rc" -le 3 &&
	test_grep "Third" out &&
	git reset -q --hard base && git clean -q -fdx
'

test_done
