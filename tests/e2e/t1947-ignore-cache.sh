#!/bin/sh
test_description='the cached ignore verdicts of untracked files follow every ignore file and setting'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

# The one untracked source, pkg/gen/g.py (no __init__.py: a module of pkg),
# makes SPEC-001's contracts stale exactly when git does not ignore it. Its
# directory's listing and its parents' do not change in most steps below:
# only the ignore files and settings do, so a cached verdict that missed
# one of them would answer wrong.

# same_size FILE TEXT: FILE's content replaced by TEXT (of the same length),
# its mtime (to the nanosecond) put back: only the ctime tells the change.
same_size() {
	old=$(stat -c %.9Y "$1") &&
	printf "%s\n" "$2" >"$1" &&
	touch -d "@$old" "$1"
}

# settle: let two seconds pass, so that the walk keeps (and trusts) what it
# finds: what was just changed is no longer racy.
settle() {
	sleep 3
}

# agree: git spec check sees pkg/gen/g.py exactly when git does not ignore
# it (stale contracts then, fresh ones when ignored); run three times: the
# first may read the changed state afresh and keep it, the second and
# third answer from what was kept; and once with the cache off.
agree() {
	if git check-ignore -q pkg/gen/g.py; then code=0; else code=1; fi &&
	# git status says the same as check-ignore
	if [ $code = 0 ]; then
		git status --porcelain --ignored | grep "^!! pkg/gen/"
	else
		git status --porcelain | grep "^?? pkg/gen/"
	fi &&
	test_expect_code $code git spec check -q 2>/dev/null &&
	test_expect_code $code git spec check -q 2>/dev/null &&
	test_expect_code $code git spec check -q 2>/dev/null &&
	test_expect_code $code env GIT_SPEC_NO_CACHE=1 git spec check -q 2>/dev/null &&
	echo "agreed: $code"
}

test_expect_success 'setup: a package, its contracts, an untracked module' '
	test_create_repo repo && exclude_scratch repo &&
	cd repo &&
	write_file pkg/__init__.py </dev/null &&
	printf "def aaaa(): pass\n" > pkg/mod.py &&
	write_spec SPEC-001 pkg &&
	git spec sync -q &&
	printf "# no rule\n" >.gitignore &&
	git add -A && git commit -q -m all &&
	mkdir pkg/gen && printf "def gggg(): pass\n" >pkg/gen/g.py &&
	age_worktree && settle &&
	agree >../out && test_grep "agreed: 1" ../out
'

test_expect_success 'the top .gitignore edited in place, same size, mtime forged' '
	cd repo &&
	same_size .gitignore "g.py     " && settle &&
	agree >../out && test_grep "agreed: 0" ../out &&
	same_size .gitignore "# no rule" && settle &&
	agree >../out && test_grep "agreed: 1" ../out
'

test_expect_success 'a new .gitignore in a parent, its directory mtime forged' '
	cd repo &&
	old=$(stat -c %.9Y pkg) &&
	printf "g.py\n" >pkg/.gitignore && touch -d "@$old" pkg && settle &&
	agree >../out && test_grep "agreed: 0" ../out &&
	rm pkg/.gitignore && touch -d "@$old" pkg && settle &&
	agree >../out && test_grep "agreed: 1" ../out
'

test_expect_success 'a .gitignore that ignores what a directory holds' '
	cd repo &&
	printf "gen/*\n" >pkg/.gitignore && settle &&
	agree >../out && test_grep "agreed: 0" ../out &&
	rm pkg/.gitignore && settle &&
	agree >../out && test_grep "agreed: 1" ../out
'

test_expect_success '$GIT_DIR/info/exclude edited' '
	cd repo &&
	cp .git/info/exclude ../exclude.orig &&
	echo "/pkg/gen/" >>.git/info/exclude && settle &&
	agree >../out && test_grep "agreed: 0" ../out &&
	cp ../exclude.orig .git/info/exclude && settle &&
	agree >../out && test_grep "agreed: 1" ../out &&
	echo "/pkg/gen/h.py" >>.git/info/exclude && settle &&
	agree >../out && test_grep "agreed: 1" ../out &&
	same_size .git/info/exclude "$(sed "\$s/h.py/g.py/" .git/info/exclude)" && settle &&
	agree >../out && test_grep "agreed: 0" ../out &&
	cp ../exclude.orig .git/info/exclude && settle &&
	agree >../out && test_grep "agreed: 1" ../out
'

test_expect_success 'the global excludes file at its default place appears, changes, goes' '
	cd repo &&
	mkdir -p "$HOME/.config/git" &&
	printf "g.py\n" >"$HOME/.config/git/ignore" && settle &&
	agree >../out && test_grep "agreed: 0" ../out &&
	same_size "$HOME/.config/git/ignore" "h.py" && settle &&
	agree >../out && test_grep "agreed: 1" ../out &&
	same_size "$HOME/.config/git/ignore" "g.py" && settle &&
	agree >../out && test_grep "agreed: 0" ../out &&
	rm "$HOME/.config/git/ignore" && settle &&
	agree >../out && test_grep "agreed: 1" ../out
'

test_expect_success 'core.excludesFile set, its file edited, unset' '
	cd repo &&
	printf "gen/\n" >../global-ignore &&
	git config core.excludesFile "$TRASH/global-ignore" && settle &&
	agree >../out && test_grep "agreed: 0" ../out &&
	same_size ../global-ignore "hen/" && settle &&
	agree >../out && test_grep "agreed: 1" ../out &&
	same_size ../global-ignore "gen/" && settle &&
	agree >../out && test_grep "agreed: 0" ../out &&
	git config --global core.excludesFile "~/other-ignore" &&
	git config --unset core.excludesFile && settle &&
	agree >../out && test_grep "agreed: 1" ../out &&
	printf "g.py\n" >"$HOME/other-ignore" && settle &&
	agree >../out && test_grep "agreed: 0" ../out &&
	git config --global --unset core.excludesFile && settle &&
	agree >../out && test_grep "agreed: 1" ../out
'

test_expect_success 'core.ignoreCase changes how a rule matches' '
	cd repo &&
	git config core.ignoreCase false &&
	same_size .gitignore "G.PY     " && settle &&
	agree >../out && test_grep "agreed: 1" ../out &&
	git config core.ignoreCase true && settle &&
	agree >../out && test_grep "agreed: 0" ../out &&
	git config core.ignoreCase false && settle &&
	agree >../out && test_grep "agreed: 1" ../out &&
	same_size .gitignore "# no rule" && git config --unset core.ignoreCase && settle &&
	agree >../out && test_grep "agreed: 1" ../out
'

test_expect_success 'edits within the same second as the checks' '
	cd repo &&
	printf "g.py\n" >pkg/gen/.gitignore &&
	agree >../out && test_grep "agreed: 0" ../out &&
	same_size pkg/gen/.gitignore "h.py" &&
	agree >../out && test_grep "agreed: 1" ../out &&
	same_size pkg/gen/.gitignore "g.py" &&
	agree >../out && test_grep "agreed: 0" ../out &&
	settle &&
	agree >../out && test_grep "agreed: 0" ../out &&
	same_size pkg/gen/.gitignore "h.py" &&
	agree >../out && test_grep "agreed: 1" ../out &&
	rm pkg/gen/.gitignore &&
	agree >../out && test_grep "agreed: 1" ../out
'

# same_as_uncached: the check answers as it does with the cache off, twice.
same_as_uncached() {
	c0=0 c1=0 c2=0
	GIT_SPEC_NO_CACHE=1 git spec check -q 2>/dev/null || c0=$?
	git spec check -q 2>/dev/null || c1=$?
	git spec check -q 2>/dev/null || c2=$?
	echo "uncached $c0, cached $c1 $c2" &&
	test $c0 = $c1 && test $c0 = $c2
}

test_expect_success 'a .gitignore that is a symbolic link: its target edited' '
	cd repo &&
	printf "g.py\n" >../linked-ignore &&
	ln -s ../../../linked-ignore pkg/gen/.gitignore && settle &&
	same_as_uncached &&
	same_size ../linked-ignore "h.py" && settle &&
	same_as_uncached &&
	same_size ../linked-ignore "g.py" && settle &&
	same_as_uncached &&
	rm pkg/gen/.gitignore && settle &&
	agree >../out && test_grep "agreed: 1" ../out
'

# The ignore files' stat data come with the listings (a .gitignore is an
# entry like any other): an unchanged walk asks nothing else per entry.
test_expect_success 'many untracked files: about one stat per entry and per directory' '
	cd repo &&
	rm -r pkg/gen &&
	for d in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		mkdir -p notes/n$d/deep &&
		for f in a b c; do echo "$d$f" >notes/n$d/$f.txt; done &&
		echo "$d" >notes/n$d/deep/x.txt || return 1
	done &&
	printf "*.log\n" >notes/.gitignore &&
	age_worktree && settle &&
	git spec check -q && git spec check -q &&
	if command -v strace >/dev/null; then
		entries=$(find . -path ./.git -prune -o -print | wc -l) &&
		dirs=$(find . -path ./.git -prune -o -type d -print | wc -l) &&
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=stat,lstat,newfstatat,statx -o ../st "$GIT_SPEC_BUILD/bin/git-spec" check -q &&
		# the stats of the work tree: relative to a directory, or below
		# it by absolute path; not those of .git, the configuration, fstat
		stats=$({ grep -v "\"\"," ../st | grep -v "\"/" &&
			grep "\"$PWD/" ../st | grep -v "\"$PWD/.git[/\"]"; } | grep -c stat) &&
		echo "entries $entries, directories $dirs, stats $stats" &&
		test "$stats" -le $(( entries + dirs + 4 )) &&
		! grep "ENOENT" ../st | grep "/notes/.*\\.gitignore"
	fi
'

test_done
