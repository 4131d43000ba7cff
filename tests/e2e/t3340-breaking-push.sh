#!/bin/sh
test_description='spec.breakingChanges = refuse: pre-push and pre-receive refuse breaking changes without an API-Break trailer'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-gitint.sh"

test_expect_success 'setup: a client with the hooks, a bare server with pre-receive, the policy on' '
	setup_repo repo &&
	git init -q --bare server.git &&
	write_file server.git/hooks/pre-receive <<-\HOOK &&
	#!/bin/sh
	exec git-spec-hook pre-receive
	HOOK
	chmod +x server.git/hooks/pre-receive &&
	cd repo &&
	echo "breakingChanges: refuse" >.gitspec.yaml &&
	git add .gitspec.yaml && git commit -q -m policy &&
	git remote add origin ../server.git &&
	git push -q origin main
'

test_expect_success 'a compatible change is pushed' '
	cd repo &&
	add_func pkg/fmt.py b &&
	commit_synced "add b" &&
	git push -q origin main
'

test_expect_success 'pre-push refuses a breaking change without a trailer, naming it and the trailer' '
	cd repo &&
	sed -i "s/^def z(x):/def z(x, y):/" pkg/fmt.py &&
	commit_synced "z takes y" &&
	test_must_fail git push origin main 2>"$TRASH/err" &&
	test_grep "git-spec: push refused: breaking API changes" "$TRASH/err" &&
	test_grep "commit $(git rev-parse --short=12 HEAD) (z takes y) breaks the API of .pkg. without a trailer .API-Break: pkg.:" "$TRASH/err" &&
	test_grep "pkg/fmt.py:[0-9]*: z(y): Parameter was added as required \[breaking\]" "$TRASH/err" &&
	test "$(git --git-dir=../server.git rev-parse main)" = "$(git rev-parse HEAD~1)"
'

test_expect_success 'pre-receive refuses it too (the client hook bypassed)' '
	cd repo &&
	test_must_fail git push --no-verify origin main 2>"$TRASH/err" &&
	test_grep "remote: git-spec: push refused: breaking API changes" "$TRASH/err" &&
	test_grep "remote:   commit $(git rev-parse --short=12 HEAD) (z takes y) breaks the API of .pkg." "$TRASH/err" &&
	test_grep "pre-receive hook declined" "$TRASH/err" &&
	test "$(git --git-dir=../server.git rev-parse main)" = "$(git rev-parse HEAD~1)"
'

test_expect_success 'with the trailer, both accept it' '
	cd repo &&
	git commit -q --amend -m "z takes y" -m "API-Break: pkg" &&
	git push -q origin main &&
	test "$(git --git-dir=../server.git rev-parse main)" = "$(git rev-parse HEAD)"
'

test_expect_success 'API-Break: * accepts any package; a trailer for another module does not' '
	cd repo &&
	sed -i "s/^def z(x, y):/def z(y, x):/" pkg/fmt.py &&
	commit_synced "swap" &&
	git commit -q --amend -m "swap" -m "API-Break: other" &&
	test_must_fail git push --no-verify origin main 2>"$TRASH/err" &&
	test_grep "z(x): Positional parameter was moved" "$TRASH/err" &&
	git commit -q --amend -m "swap" -m "API-Break: *" &&
	git push -q origin main
'

test_expect_success 'allow (the default) lets breaking changes through' '
	cd repo &&
	echo "breakingChanges: allow" >.gitspec.yaml &&
	sed -i "s/^def z(y, x):/def z(x):/" pkg/fmt.py &&
	commit_synced "z back to x" &&
	git push -q origin main
'

test_done
