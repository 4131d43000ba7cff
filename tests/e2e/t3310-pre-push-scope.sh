#!/bin/sh
test_description='pre-push checks what the remote lacks, never the whole history (DESIGN 3.2, issue 11.6)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-gitint.sh"

# gen_history N STALE: N commits on main through git fast-import, each
# changing notes.txt; commit STALE adds a public function to pkg/fmt.py
# without its contract (as `--no-verify` would) and the next one takes it
# back out. A walk that reaches commit STALE refuses.
gen_history() {
	fmt_blob=$(git rev-parse HEAD:pkg/fmt.py) &&
	git show HEAD:pkg/fmt.py >"$TRASH/fmt.py" &&
	printf '\n\ndef stale_%s(value: int) -> int:\n    return value\n' "$2" >>"$TRASH/fmt.py" &&
	awk -v n="$1" -v stale="$2" -v blob="$fmt_blob" -v staleblob="$TRASH/fmt.py" '
	BEGIN {
		while ((getline l < staleblob) > 0) body = body l "\n"
		for (i = 1; i <= n; i++) {
			msg = "generated " i
			print "commit refs/heads/main"
			print "committer C O Mitter <committer@example.com> " (1790000000 + i) " +0000"
			print "data " length(msg); print msg
			if (i == 1) print "from refs/heads/main^0"
			note = "note " i "\n"
			print "M 100644 inline notes.txt"
			print "data " length(note); printf "%s", note
			if (i == stale) {
				print "M 100644 inline pkg/fmt.py"
				print "data " length(body); printf "%s", body
			}
			if (i == stale + 1)
				print "M 100644 " blob " pkg/fmt.py"
			print ""
		}
	}' | git fast-import --quiet &&
	git reset -q --hard main
}

test_expect_success 'setup: 2,000 commits, one of them stale long ago' '
	setup_repo repo &&
	git init -q --bare empty.git &&
	cd repo &&
	gen_history 2000 700 &&
	test "$(git rev-list --count HEAD)" = 2002 &&
	git spec check -q &&
	test_must_fail git spec check -q --rev HEAD~1300
'

test_expect_success 'a first push (no remote-tracking ref) checks the tip only, in bounded time' '
	cd repo &&
	git remote add origin ../empty.git &&
	start=$(date +%s) &&
	git push -q origin main 2>"$TRASH/err" &&
	end=$(date +%s) &&
	test $((end - start)) -lt 30 &&
	! test_grep stale "$TRASH/err" &&
	test "$(git --git-dir=../empty.git rev-parse main)" = "$(git rev-parse HEAD)"
'

test_expect_success 'a first push of a stale tip is refused' '
	git init -q --bare empty2.git &&
	cd repo &&
	git update-ref -d refs/remotes/origin/main &&
	git checkout -q -b stale-tip main~1300 &&
	test_must_fail git push ../empty2.git stale-tip 2>"$TRASH/err" &&
	test_grep "stale contract .$PUBLIC." "$TRASH/err" &&
	test_must_fail git --git-dir=../empty2.git rev-parse -q --verify stale-tip &&
	git checkout -q main &&
	git fetch -q origin
'

test_expect_success 'a new branch checks only commits no remote-tracking ref has' '
	cd repo &&
	git fetch -q origin &&
	git checkout -q -b topic main~1298 &&
	add_func pkg/fmt.py topic_fn &&
	commit_synced "topic fresh" &&
	git push -q origin topic &&
	test "$(git --git-dir=../empty.git rev-parse topic)" = "$(git rev-parse HEAD)"
'

test_expect_success 'a new branch with a stale new commit is refused, naming it' '
	cd repo &&
	git checkout -q -b topic2 topic &&
	add_func pkg/fmt.py topic2_fn &&
	git commit -q --no-verify -am "topic2 stale" &&
	test_must_fail git push origin topic2 2>"$TRASH/err" &&
	test_grep "commit [0-9a-f]* (topic2 stale)" "$TRASH/err" &&
	test_grep "git rebase --exec .git spec sync --staged && git commit --amend --no-edit. $(git rev-parse --short HEAD~1)" "$TRASH/err"
'

test_expect_success 'pushing to a URL (an unknown remote) uses every remote-tracking ref' '
	git init -q --bare url.git &&
	cd repo &&
	git push -q "file://$TRASH/url.git" topic &&
	test_must_fail git push "file://$TRASH/url.git" topic2 2>"$TRASH/err" &&
	test_grep "(topic2 stale)" "$TRASH/err"
'

test_expect_success 'a remote never fetched from falls back to the other remotes' '
	git init -q --bare mirror.git &&
	cd repo &&
	git remote add mirror ../mirror.git &&
	git push -q mirror topic &&
	test_must_fail git push mirror topic2 2>"$TRASH/err" &&
	test_grep "(topic2 stale)" "$TRASH/err"
'

test_expect_success 'an existing branch checks what that remote lacks' '
	cd repo &&
	git checkout -q main &&
	add_func pkg/fmt.py main_fn &&
	git commit -q --no-verify -am "main stale" &&
	echo y >>notes.txt && git commit -q -am "after" &&
	test_must_fail git push origin main 2>"$TRASH/err" &&
	test_grep "(main stale)" "$TRASH/err" &&
	! test_grep "generated" "$TRASH/err" &&
	git reset -q --hard HEAD~2 &&
	echo z >>notes.txt && git commit -q -am "fine" &&
	git push -q origin main
'

test_done
