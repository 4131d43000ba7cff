#!/bin/sh
test_description='every hint works where the user stands: each is run as printed'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-gitint.sh"

# run_line PREFIX FILE: run, with sh, the command after PREFIX on the last
# line of FILE that has it (stripping the quotes around a quoted command).
run_line() {
	cmd=$(sed -n "s/^$1//p" "$2" | tail -n 1) &&
	cmd=$(printf "%s" "$cmd" | sed "s/^.*with '\(.*\)'\$/\1/; s/^.*: \(git .*\)\$/\1/; s/^run '\(.*\)' to .*/\1/") &&
	echo "running: $cmd" &&
	test -n "$cmd" &&
	eval "$cmd"
}

test_expect_success 'setup' '
	setup_repo repo
'

test_expect_success 'git commit -a refused: the printed fix, then git commit -a again, succeeds' '
	cd repo &&
	add_func pkg/fmt.py b &&
	test_expect_code 1 git commit -a -q -m "add b" 2>err &&
	test_grep "^hint: .git commit -a. commits the work tree: run .git spec sync., then .git commit -a. again" err &&
	test "$(tail -n 1 err)" = "fix: git spec sync" &&
	run_line "fix: " err &&
	git commit -a -q -m "add b" &&
	git spec check --rev HEAD
'

test_expect_success 'a stale HEAD: the hint amends it' '
	cd repo &&
	add_func pkg/fmt.py c && git add pkg/fmt.py &&
	git commit -q --no-verify -m "stale c" &&
	test_expect_code 1 git spec check --rev HEAD 2>err &&
	test_grep "^hint: run .git spec sync --staged && git commit --amend --no-edit. to regenerate them" err &&
	run_line "hint: " err &&
	test "$(git log -1 --format=%s)" = "stale c" &&
	git spec check --rev HEAD
'

test_expect_success 'a stale older commit: the hint rewrites from it on' '
	cd repo &&
	add_func pkg/fmt.py d && git add pkg/fmt.py &&
	git commit -q --no-verify -m "stale d" &&
	echo more >notes.txt && git add notes.txt && git commit -q -m notes &&
	test_expect_code 1 git spec check --rev HEAD~1 2>err &&
	test_grep "^hint: run .git rebase --exec" err &&
	run_line "hint: " err &&
	git spec check --range HEAD~2..HEAD
'

test_expect_success 'check --json: a failed check is JSON only, no prose on stderr' '
	cd repo &&
	add_func pkg/fmt.py e && git add pkg/fmt.py &&
	test_expect_code 1 git spec check --staged --json >out 2>err &&
	! test -s err &&
	test_grep "\"stale\"" out &&
	git reset -q --hard
'

test_expect_success 'create from a subdirectory: the git add works there' '
	cd repo &&
	mkdir -p lib/two && : >lib/two/__init__.py && echo "def f(): pass" >lib/two/m.py &&
	git add lib && git commit -q --no-verify -m two &&
	cd lib &&
	git spec create two 2>err &&
	test_grep "^hint: stage them with .git add ../specify/tech/SPEC-002." err &&
	run_line "hint: " err &&
	git diff --cached --name-only >staged &&
	test_grep "specify/tech/SPEC-002/SPEC-002.md" staged &&
	git commit -q -m SPEC-002 &&
	git spec check --rev HEAD
'

test_expect_success 'init says to commit .gitspec.yaml and .gitattributes, and how' '
	test_create_repo fresh && mkdir fresh/sub && cd fresh/sub &&
	git spec init >out 2>err &&
	test_grep "^hint: commit the configuration and the attributes for everyone: git add ../.gitspec.yaml ../.gitattributes" err &&
	run_line "hint: " err &&
	git ls-files ../.gitspec.yaml ../.gitattributes >files &&
	test "$(wc -l <files)" = 2
'

test_expect_success 'the hook says a staged syntax error once' '
	cd repo &&
	printf "\ndef broken(:\n" >>pkg/fmt.py && git add pkg/fmt.py &&
	test_must_fail git commit -q -m broken 2>err &&
	test "$(grep -c "syntax error" err)" = 1 &&
	git reset -q --hard
'

test_expect_success 'conflict markers name the branches as git does (HEAD, the merged branch)' '
	cd repo &&
	git checkout -q -b topic && test_tick &&
	sed "s/def a(x: int) -> str:/def a(x: float) -> str:/" pkg/fmt.py >t && mv t pkg/fmt.py &&
	commit_synced "topic: a takes float" &&
	git checkout -q main && test_tick &&
	sed "s/def a(x: int) -> str:/def a(x: bytes) -> str:/" pkg/fmt.py >t && mv t pkg/fmt.py &&
	commit_synced "main: a takes bytes" &&
	test_must_fail git merge --no-edit topic >../out 2>&1 &&
	test_grep "^<<<<<<< HEAD" $PUBLIC &&
	test_grep "^>>>>>>> topic" $PUBLIC &&
	git merge --abort
'

test_done
