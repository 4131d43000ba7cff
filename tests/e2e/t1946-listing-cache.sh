#!/bin/sh
test_description='the work-tree walk rereads every directory whose entries changed'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

# forge DIR: put DIR's mtime back to what it was before the change just made.
forge() {
	touch -d "@$old" "$1"
}

test_expect_success 'setup: a package and a sub-package, contracts committed' '
	test_create_repo repo && exclude_scratch repo &&
	cd repo &&
	write_file pkg/__init__.py </dev/null &&
	printf "def aaaa(): pass\n" > pkg/mod.py &&
	write_file pkg/sub/__init__.py </dev/null &&
	printf "def bbbb(): pass\n" > pkg/sub/s.py &&
	write_spec SPEC-001 pkg &&
	write_spec SPEC-002 pkg/sub &&
	git spec sync -q &&
	git add -A && git commit -q -m all &&
	age_worktree &&
	git spec check -q && git spec check -q
'

test_expect_success 'the directories are read once, then only stat-ed' '
	cd repo &&
	# settled: changed (ctime) more than two seconds ago
	sleep 3 &&
	git spec check -q &&
	if command -v strace >/dev/null; then
		# LeakSanitizer cannot run under ptrace: off for this one run
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=openat -o ../st "$GIT_SPEC_BUILD/bin/git-spec" check -q &&
		test_grep "repo/.git/index" ../st &&
		! grep "repo/pkg" ../st &&
		! grep "repo/specify" ../st
	fi
'

test_expect_success 'a new file, its directory mtime forged' '
	cd repo &&
	old=$(stat -c %Y pkg) &&
	printf "def cccc(): pass\n" > pkg/new.py &&
	forge pkg &&
	# settled: only the ctime (which no one can forge) tells the change
	sleep 3 &&
	test_expect_code 1 git spec check >../out 2>&1 &&
	test_grep "stale contract .specify/tech/SPEC-001/contracts/public.md" ../out &&
	rm pkg/new.py && forge pkg &&
	git spec check -q
'

test_expect_success 'a deleted file, its directory mtime forged' '
	cd repo &&
	old=$(stat -c %Y pkg/sub) &&
	rm pkg/sub/s.py &&
	forge pkg/sub &&
	test_expect_code 1 git spec check >../out 2>&1 &&
	test_grep "stale contract .specify/tech/SPEC-002/contracts/public.md" ../out &&
	git checkout -q HEAD -- pkg/sub/s.py && age_worktree &&
	git spec check -q
'

test_expect_success 'a renamed file, its directory mtime forged' '
	cd repo &&
	old=$(stat -c %Y pkg) &&
	mv pkg/mod.py pkg/mod2.py &&
	forge pkg &&
	test_expect_code 1 git spec check >../out 2>&1 &&
	test_grep "stale contract .specify/tech/SPEC-001/contracts/public.md" ../out &&
	mv pkg/mod2.py pkg/mod.py && age_worktree &&
	git spec check -q
'

test_expect_success 'a directory replaced by a symbolic link to a copy of it' '
	cd repo &&
	old=$(stat -c %Y pkg) &&
	cp -R pkg/sub ../sub-copy &&
	rm -r pkg/sub && ln -s ../../sub-copy pkg/sub &&
	forge pkg && touch -h -d "@$old" pkg/sub &&
	test_expect_code 1 git spec check >../out 2>&1 &&
	rm pkg/sub && mv ../sub-copy pkg/sub && age_worktree &&
	git spec check -q
'

test_expect_success 'a new directory deep down, its parent mtime forged' '
	cd repo &&
	old=$(stat -c %Y specify/tech) &&
	write_spec SPEC-003 pkg &&
	forge specify/tech/SPEC-003 && forge specify/tech &&
	test_expect_code 1 git spec check >../out 2>&1 &&
	test_grep "missing contract .specify/tech/SPEC-003/contracts/public.md" ../out &&
	rm -r specify/tech/SPEC-003 && forge specify/tech &&
	git spec check -q
'

test_expect_success 'a directory changed within the last two seconds is read again' '
	cd repo &&
	printf "def eeee(): pass\n" > pkg/e.py &&
	test_expect_code 1 git spec check >../out 2>&1 &&
	rm pkg/e.py &&
	git spec check -q &&
	printf "def ffff(): pass\n" > pkg/f.py &&
	test_expect_code 1 git spec check >../out 2>&1 &&
	test_grep "stale contract .specify/tech/SPEC-001/contracts/public.md" ../out &&
	rm pkg/f.py && git spec check -q
'

test_expect_success 'with the cache off, the same answers' '
	cd repo &&
	GIT_SPEC_NO_CACHE=1 git spec check -q &&
	printf "def gggg(): pass\n" > pkg/g.py &&
	test_expect_code 1 env GIT_SPEC_NO_CACHE=1 git spec check -q &&
	rm pkg/g.py
'

test_done
