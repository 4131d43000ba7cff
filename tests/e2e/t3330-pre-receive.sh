#!/bin/sh
test_description='pre-receive on a server: refuses stale commits, accepts fresh ones, new branches and deletions'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-gitint.sh"

# install_server_hook REPO: what README tells a server admin to do.
install_server_hook() {
	write_file "$1/hooks/pre-receive" <<-\HOOK &&
	#!/bin/sh
	exec git-spec-hook pre-receive
	HOOK
	chmod +x "$1/hooks/pre-receive"
}

test_expect_success 'setup: a client and an empty bare server with the hook' '
	setup_repo repo &&
	git init -q --bare server.git &&
	install_server_hook server.git &&
	cd repo &&
	git remote add origin ../server.git &&
	git push -q origin main &&
	test "$(git --git-dir=../server.git rev-parse main)" = "$(git rev-parse HEAD)"
'

test_expect_success 'a fresh push is accepted' '
	cd repo &&
	add_func pkg/fmt.py b &&
	commit_synced "add b" &&
	git push -q origin main &&
	test "$(git --git-dir=../server.git rev-parse main)" = "$(git rev-parse HEAD)"
'

test_expect_success 'a stale push is refused, naming the commit, the contract and the repair' '
	cd repo &&
	add_func pkg/fmt.py c &&
	git commit -q --no-verify -am "stale c" &&
	echo x >notes.txt && git add notes.txt && git commit -q -m notes &&
	test_must_fail git push --no-verify origin main 2>"$TRASH/err" &&
	test_grep "remote: git-spec: commit $(git rev-parse --short HEAD~1) (stale c) does not pass" "$TRASH/err" &&
	test_grep "remote:   commit $(git rev-parse --short HEAD~1): stale contract .$PUBLIC." "$TRASH/err" &&
	test_grep "remote:   git rebase --exec .git spec sync --staged && git commit --amend --no-edit. $(git rev-parse --short HEAD~2)" "$TRASH/err" &&
	test_grep "pre-receive hook declined" "$TRASH/err" &&
	test "$(git --git-dir=../server.git rev-parse main)" = "$(git rev-parse HEAD~2)"
'

test_expect_success 'nothing of the refused push reaches the server (quarantine)' '
	test_must_fail git --git-dir=server.git cat-file -e "$(git -C repo rev-parse HEAD)"
'

test_expect_success 'the repair the server names makes the push go through' '
	cd repo &&
	eval "$(sed -n "s/^remote:   \(git rebase --exec .*\)/\1/p" "$TRASH/err" | sed "s/ *$//")" 2>/dev/null &&
	git push -q --no-verify origin main
'

test_expect_success 'a new branch with fresh commits is accepted' '
	cd repo &&
	git checkout -q -b topic &&
	add_func pkg/fmt.py d &&
	commit_synced "add d" &&
	git push -q --no-verify origin topic &&
	test "$(git --git-dir=../server.git rev-parse topic)" = "$(git rev-parse HEAD)"
'

test_expect_success 'a new branch with a stale commit is refused' '
	cd repo &&
	git checkout -q -b topic2 &&
	add_func pkg/fmt.py e &&
	git commit -q --no-verify -am "stale e" &&
	test_must_fail git push --no-verify origin topic2 2>"$TRASH/err" &&
	test_grep "(stale e) does not pass" "$TRASH/err" &&
	test_must_fail git --git-dir=../server.git rev-parse -q --verify topic2
'

test_expect_success 'a deletion is accepted' '
	cd repo &&
	git push -q --no-verify origin :topic &&
	test_must_fail git --git-dir=../server.git rev-parse -q --verify topic
'

test_expect_success 'a first push of a stale tip to an empty server is refused, of a fresh one accepted' '
	git init -q --bare empty.git &&
	install_server_hook empty.git &&
	cd repo &&
	test_must_fail git push --no-verify ../empty.git topic2 2>"$TRASH/err" &&
	test_grep "(stale e) does not pass" "$TRASH/err" &&
	git push -q --no-verify ../empty.git main
'

test_expect_success 'a hand-written check of a new branch (old id 0000...) works' '
	cd server.git &&
	zero=0000000000000000000000000000000000000000 &&
	git spec check --range "$zero..main" 2>"$TRASH/err" &&
	test_grep "new branch" "$TRASH/err" &&
	test_must_fail git -C ../repo spec check -q --range "$zero..topic2" 2>"$TRASH/err" &&
	test_grep "stale" "$TRASH/err" &&
	git spec check --range "main..$zero" >"$TRASH/out" &&
	test_grep "nothing to check" "$TRASH/out"
'

test_done
