#!/bin/sh
test_description='resource bounds: size and nesting limits, the driver reads bounded regular files, out of memory exits cleanly, a FIFO in the cache is a miss'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"
. "$TEST_SRC/tests/e2e/lib-hardening.sh"

C=specify/tech/SPEC-001/contracts

# AddressSanitizer reserves terabytes of address space and aborts under
# `ulimit -v`; its own allocator reports exhaustion its own way. In a
# sanitized build the size checks run without the limit and the
# out-of-memory tests are left to the plain build.
if nm "$GIT_SPEC_BUILD/bin/git-spec" 2>/dev/null | grep -q __asan_init; then
	sanitized=1
else
	sanitized=0
fi
vlimit() {
	[ "$sanitized" = 1 ] || ulimit -v "$1"
}

# test_line_count OP N FILE
test_line_count() {
	test "$(wc -l <"$3")" "$1" "$2" || { echo "$3 has $(wc -l <"$3") lines, want $1 $2:" >&2; cat "$3" >&2; return 1; }
}

test_expect_success 'setup' '
	pkg_repo repo pkg &&
	cd repo &&
	git spec check &&
	git tag base
'

# 17,000 nested blocks crashed tree-sitter (144 MB); CPython itself refuses
# more than 100 levels of indentation. Brackets are bounded at 10,000. The
# check runs before parsing, so a file of any depth is refused in linear time.
test_expect_success 'nesting past 100 levels of indentation: exit 3 before parsing' '
	cd repo &&
	python3 -c "
d = 3000
print(\"\n\".join(\"\t\" * i + \"if x:\" for i in range(d)) + \"\n\" + \"\t\" * d + \"pass\")" >pkg/deep.py &&
	run 3 git spec contract pkg 2>err &&
	test_grep "^error: pkg/deep.py:102: nesting too deep (more than 100 levels of indentation)" err &&
	run 3 git spec check 2>err &&
	test_grep "pkg/deep.py:102: nesting too deep" err &&
	python3 -c "
d = 100
print(\"\n\".join(\" \" * i + \"if x:\" for i in range(d)) + \"\n\" + \" \" * d + \"pass\")" >pkg/deep.py &&
	run 0 git spec contract pkg >/dev/null &&
	rm pkg/deep.py
'

test_expect_success 'nesting past 10000 brackets: exit 3; brackets in strings and comments do not count' '
	cd repo &&
	python3 -c "print(\"x = \" + \"(\" * 10001 + \"1\" + \")\" * 10001)" >pkg/deep.py &&
	run 3 git spec contract pkg 2>err &&
	test_grep "pkg/deep.py:1: nesting too deep (more than 10000 nested brackets)" err &&
	python3 -c "
print(\"x = \" + \"(\" * 10000 + \"1\" + \")\" * 10000)
print(\"s = \\\"\" + \"(\" * 10300 + \"\\\"  # \" + \"[\" * 10300)
print(\"t = \\\"\\\"\\\"\" + \"{\" * 10300 + \"\n\" + \"\".join(\" \" * i + \"y\n\" for i in range(150)) + \"\\\"\\\"\\\"\")
print(\"def ok(a): pass\")" >pkg/deep.py &&
	run 0 git spec contract pkg >out &&
	test_grep "def ok(a)" out &&
	rm pkg/deep.py
'

# A 50 MB module took 108 s and 4 GB; now it is refused before parsing, in
# little memory.
test_expect_success 'a 50 MB module: exit 3 with its size and the limit, fast, in bounded memory' '
	cd repo &&
	python3 -c "
import sys
sys.stdout.write(\"def f(a, b=1):\n    pass\n\" * 2000000)" >pkg/huge.py &&
	(vlimit 1000000; run 3 git-spec contract pkg 2>err) &&
	test_grep "^error: pkg/huge.py: file too large for a contract (45.8 MiB; limit 8 MiB)$" err &&
	(vlimit 1000000; run 3 git-spec sync 2>err) &&
	test_grep "pkg/huge.py: file too large for a contract" err &&
	git diff --exit-code &&
	git add pkg/huge.py &&
	(vlimit 1000000; run 3 git-spec check --staged 2>err) &&
	test_grep "pkg/huge.py: file too large for a contract" err &&
	git rm -q --cached pkg/huge.py && rm pkg/huge.py
'

# Each program under `ulimit -v`: out of memory is one "fatal:" line and
# 128 (git-spec, git-spec-hook) or 1 (git-spec-merge), never an abort and
# never tree-sitter's own "failed to allocate" with exit 1.
test_expect_success 'out of memory in git-spec and git-spec-hook: one fatal line, exit 128' '
	test "$sanitized" = 1 || {
	cd repo &&
	python3 -c "
import sys
sys.stdout.write(\"def f(a, b=1):\n    pass\n\" * 250000)" >pkg/big.py &&
	(ulimit -v 150000; run 128 git-spec contract pkg >/dev/null 2>err) &&
	cat err &&
	test_line_count = 1 err &&
	test_grep "^fatal: out of memory (allocating [0-9]* bytes)$" err &&
	git add pkg/big.py &&
	(ulimit -v 150000; run 128 git-spec-hook pre-commit 2>err) &&
	test_grep "^fatal: out of memory" err &&
	test_line_count = 1 err &&
	git rm -q --cached pkg/big.py && rm pkg/big.py
	}
'

test_expect_success 'driver: /dev/zero, a FIFO, a directory are a conflict, ours kept, at once' '
	cd repo &&
	cp $C/public.md ours && cp ours A &&
	mkfifo fifo && mkdir adir &&
	for bad in /dev/zero fifo adir; do
		run 1 git-spec-merge $bad A $C/public.md 7 $C/public.md 2>err &&
		test_grep "kept our version" err &&
		cmp A ours &&
		run 1 git-spec-merge $C/public.md A $bad 7 $C/public.md 2>err &&
		cmp A ours || return 1
	done &&
	run 1 git-spec-merge $C/public.md fifo $C/public.md 7 $C/public.md 2>err &&
	test_grep "cannot read our version" err &&
	rm fifo && rmdir adir
'

test_expect_success 'driver: an input larger than a contract can be is a conflict, not read' '
	cd repo &&
	cp $C/public.md A &&
	truncate -s 3G huge &&
	(vlimit 400000; run 1 git-spec-merge $C/public.md A huge 7 $C/public.md 2>err) &&
	test_grep "larger than a contract can be (limit 64 MiB)" err &&
	cmp A $C/public.md &&
	(vlimit 400000; run 1 git-spec-merge huge A $C/public.md 7 $C/public.md 2>err) &&
	cmp A $C/public.md &&
	truncate -s 3G A2 &&
	(vlimit 400000; run 1 git-spec-merge $C/public.md A2 $C/public.md 7 $C/public.md 2>err) &&
	test_grep "cannot read our version" err &&
	test "$(stat -c %s A2)" = 3221225472 &&
	rm -f huge A2
'

test_expect_success 'driver under ulimit -v: out of memory is exit 1, never above 128' '
	test "$sanitized" = 1 || {
	cd repo &&
	python3 -c "
import sys
sys.stdout.write(\"## \`f\`\n\n\" + \"- entry \" * 6000000 + \"\n\")" >big &&
	cp big A &&
	for v in 60000 120000 250000; do
		(ulimit -v $v; git-spec-merge $C/public.md A $C/public.md 7 $C/public.md 2>err); rc=$? &&
		echo "ulimit -v $v: exit $rc" &&
		test "$rc" -ge 0 && test "$rc" -le 1 || return 1
		if [ "$rc" = 1 ] && grep "out of memory" err; then test_line_count = 1 err || return 1; fi
		cp big A
	done &&
	rm -f big A
	}
'

test_expect_success 'driver killed by a signal: exit 1 and no temporary file left' '
	cd repo &&
	python3 -c "
import sys
sys.stdout.write(\"## \`f\`\n\n\" + \"- entry\n\" * 3000000)" >big &&
	for sig in TERM INT HUP; do
		cp big A &&
		{ git-spec-merge $C/public.md A big 7 $C/public.md 2>err & pid=$!; } &&
		# the wrapper in bin/ execs the driver: wait for that (a loaded
		# machine can take longer than any fixed sleep), then a moment
		i=0 &&
		while [ "${i}" -lt 200 ] &&
		      ! readlink /proc/$pid/exe 2>/dev/null | grep -q "/git-spec-merge\$"; do
			sleep 0.05; i=$((i + 1))
		done &&
		sleep 0.2 && kill -$sig $pid; wait $pid; rc=$?
		echo "SIG$sig: exit $rc" &&
		test "$rc" -le 1 || return 1
	done &&
	! ls -a .git | grep gitspec-tmp &&
	! git status --porcelain | grep "^??.*tmp" &&
	rm -f big A
'

# A FIFO in the cache hung `git commit` and `git spec check` for ever.
test_expect_success 'a FIFO or a directory in place of a cache entry is a miss' '
	cd repo &&
	git reset -q --hard base && git clean -q -fdx &&
	git spec check &&
	n=0 &&
	for f in $(find .git/gitspec/cache -type f); do
		rm "$f" &&
		if [ $((n % 2)) = 0 ]; then mkfifo "$f"; else mkdir "$f"; fi
		n=$((n + 1))
	done &&
	test "$n" -gt 0 &&
	run 0 git spec check &&
	run 0 git spec check --staged &&
	run 0 git spec contract pkg >/dev/null &&
	git spec install &&
	echo "# more" >>pkg/mod.py && git add pkg/mod.py &&
	run 0 git commit -q -m "through the hook" &&
	git spec uninstall
'

test_done
