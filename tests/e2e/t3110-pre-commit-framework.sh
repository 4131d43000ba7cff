#!/bin/sh
test_description='the pre-commit framework runs git-spec from .pre-commit-hooks.yaml, offline, beside git spec install'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-gitint.sh"

# Debian 12's pre-commit (3.0.4) is the oldest release the manifest supports;
# scripts/install-deps.sh installs it.
command -v pre-commit >/dev/null 2>&1 || {
	echo "not ok - pre-commit is not installed (run scripts/install-deps.sh)"
	exit 1
}

# Offline: any attempt to reach the network fails at once, and git may clone
# only from the file system.
export http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9
export HTTP_PROXY=$http_proxy HTTPS_PROXY=$https_proxy GIT_ALLOW_PROTOCOL=file
export PRE_COMMIT_HOME="$TRASH/pre-commit-cache"
unset PRE_COMMIT_ALLOW_NO_CONFIG SKIP

# stale_commit: a change whose contracts are not regenerated, staged.
stale_change() {
	add_func pkg/fmt.py "$1" && git add pkg/fmt.py
}

# use_framework REV: a committed .pre-commit-config.yaml naming both hooks.
use_framework() {
	cat >.pre-commit-config.yaml <<-YAML &&
	default_install_hook_types: [pre-commit, pre-merge-commit, pre-push]
	repos:
	- repo: $TRASH/hookrepo
	  rev: $1
	  hooks:
	  - id: git-spec
	  - id: git-spec-pre-push
	YAML
	git add .pre-commit-config.yaml &&
	git commit -q --no-verify -m "pre-commit configuration"
}

test_expect_success 'setup: a clone of this repository with the manifest under test' '
	if git -C "$TEST_SRC" rev-parse --git-dir >/dev/null 2>&1; then
		git clone -q --no-hardlinks "$TEST_SRC" hookrepo
	else
		test_create_repo hookrepo
	fi &&
	mkdir -p hookrepo/share/pre-commit &&
	cp "$TEST_SRC/.pre-commit-hooks.yaml" hookrepo/ &&
	cp "$TEST_SRC/share/pre-commit/pre-push" hookrepo/share/pre-commit/ &&
	(
		cd hookrepo &&
		git add -f .pre-commit-hooks.yaml share/pre-commit/pre-push &&
		git update-index --chmod=+x share/pre-commit/pre-push &&
		{ git diff --cached --quiet || git commit -q --no-verify -m "manifest under test"; } &&
		git rev-parse HEAD >../hookrev
	) &&
	test_grep "^minimum_pre_commit_version\|  minimum_pre_commit_version: .3.0.0." hookrepo/.pre-commit-hooks.yaml &&
	setup_repo repo && git -C repo spec uninstall -q
'

test_expect_success 'try-repo: a stale staged contract is refused, a fresh one passes' '
	cd repo &&
	stale_change b &&
	test_expect_code 1 pre-commit try-repo ../hookrepo git-spec --ref "$(cat ../hookrev)" >out 2>&1 &&
	test_grep "git-spec contracts are fresh\.*Failed" out &&
	test_grep "stale contract .$PUBLIC." out &&
	test_grep "fix: git spec sync --staged" out &&
	git spec sync --staged -q &&
	pre-commit try-repo ../hookrepo git-spec --ref "$(cat ../hookrev)" >out 2>&1 &&
	test_grep "git-spec contracts are fresh\.*Passed" out &&
	git commit -q --no-verify -m "add b"
'

test_expect_success 'try-repo at the push stage: a range with a stale commit is refused' '
	cd repo &&
	base=$(git rev-parse HEAD) &&
	stale_change c && git commit -q --no-verify -m "stale c" &&
	test_expect_code 1 pre-commit try-repo ../hookrepo git-spec-pre-push --ref "$(cat ../hookrev)" \
		--hook-stage push --from-ref "$base" --to-ref HEAD >out 2>&1 &&
	test_grep "does not pass the contract check" out &&
	git spec sync --staged -q && git commit -q --no-verify --amend --no-edit &&
	pre-commit try-repo ../hookrepo git-spec-pre-push --ref "$(cat ../hookrev)" \
		--hook-stage push --from-ref "$base" --to-ref HEAD >out 2>&1 &&
	test_grep "every pushed commit\.*Passed" out
'

# check_coexistence: commits and pushes through whatever hooks are installed.
check_coexistence() {
	git init -q --bare ../remote-$1.git &&
	git remote add origin ../remote-$1.git &&
	git push -q origin HEAD:main &&
	stale_change "$1_stale" &&
	test_expect_code 1 git commit -q -m stale >err 2>&1 &&
	test_grep "stale contract .$PUBLIC." err &&
	test "$(git rev-parse HEAD)" = "$(git rev-parse origin/main)" &&
	git spec sync --staged -q &&
	git commit -q -m fresh &&
	git push -q origin HEAD:main >err 2>&1 &&
	stale_change "$1_pushed" && git commit -q --no-verify -m "stale, not verified" &&
	test_expect_code 1 git push -q origin HEAD:main >err 2>&1 &&
	test_grep "does not pass the contract check" err &&
	git spec sync --staged -q && git commit -q --amend --no-edit &&
	git push -q origin HEAD:main
}

test_expect_success 'pre-commit install, then git spec install: both hooks run' '
	cp -R repo first && cd first &&
	use_framework "$(cat ../hookrev)" &&
	pre-commit install >/dev/null &&
	git spec install --force -q &&
	test_grep "git-spec hook shim" .git/hooks/pre-commit &&
	test_grep "pre-commit" .git/hooks/pre-commit.local &&
	test_grep "git-spec hook shim" .git/hooks/pre-push &&
	check_coexistence first &&
	test_grep "git-spec contracts are fresh" err
'

test_expect_success 'git spec install, then pre-commit install: both hooks run' '
	cp -R repo second && cd second &&
	use_framework "$(cat ../hookrev)" &&
	git spec install --force -q &&
	pre-commit install >/dev/null &&
	test_grep "git-spec hook shim" .git/hooks/pre-commit.legacy &&
	! test_grep "git-spec hook shim" .git/hooks/pre-commit &&
	check_coexistence second
'

test_expect_success 'pre-commit alone (no git spec install) refuses a stale commit' '
	cp -R repo alone && cd alone &&
	use_framework "$(cat ../hookrev)" &&
	pre-commit install >/dev/null &&
	! test -e .git/hooks/pre-commit.legacy &&
	check_coexistence alone
'

test_done
