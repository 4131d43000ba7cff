#!/bin/sh
test_description='git spec uninstall: a tracked .gitattributes survives; shims the pre-commit framework kept as HOOK.legacy go'
. "$(dirname "$0")/test-lib.sh"

command -v pre-commit >/dev/null 2>&1 || {
	echo "not ok - pre-commit is not installed (run scripts/install-deps.sh)"
	exit 1
}
# Offline: the configuration below uses only a local hook.
export http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9
export HTTP_PROXY=$http_proxy HTTPS_PROXY=$https_proxy GIT_ALLOW_PROTOCOL=file
export PRE_COMMIT_HOME="$TRASH/pre-commit-cache"
unset PRE_COMMIT_ALLOW_NO_CONFIG SKIP

test_expect_success 'a .gitattributes install created and the team committed is not deleted' '
	test_create_repo committed && cd committed &&
	git spec install -q &&
	git add .gitattributes && git commit -q --no-verify -m "share the attributes" &&
	git spec uninstall >out &&
	test -f .gitattributes &&
	test_must_fail git grep -q merge=gitspec -- .gitattributes &&
	git ls-files --error-unmatch .gitattributes >/dev/null &&
	test_grep "kept the file: git tracks it" out
'

test_expect_success 'a tracked .gitattributes with other content keeps exactly that content' '
	test_create_repo mixed && cd mixed &&
	git spec install -q &&
	printf "*.png binary\n" >>.gitattributes &&
	git add .gitattributes && git commit -q --no-verify -m attributes &&
	git spec uninstall -q &&
	printf "*.png binary\n" >expect &&
	test_cmp expect .gitattributes
'

test_expect_success 'an untracked .gitattributes install created is deleted again' '
	test_create_repo fresh && cd fresh &&
	git spec install -q &&
	git spec uninstall -q &&
	test ! -e .gitattributes
'

test_expect_success 'a user .gitattributes is restored byte for byte' '
	test_create_repo own && cd own &&
	printf "*.txt text\n*.bin -diff" >.gitattributes &&
	cp .gitattributes expect &&
	git add .gitattributes && git commit -q -m attributes &&
	git spec install -q && git spec uninstall -q &&
	test_cmp expect .gitattributes &&
	git diff --exit-code
'

test_expect_success 'after pre-commit install, uninstall removes the shims kept as HOOK.legacy' '
	test_create_repo framework && cd framework &&
	git spec install -q &&
	cat >.pre-commit-config.yaml <<-\YAML &&
	repos:
	- repo: local
	  hooks:
	  - id: nothing
	    name: nothing
	    entry: "true"
	    language: system
	    pass_filenames: false
	YAML
	git add .pre-commit-config.yaml &&
	git commit -q --no-verify -m "pre-commit configuration" &&
	pre-commit install -t pre-commit -t pre-push >/dev/null &&
	test -f .git/hooks/pre-commit.legacy &&
	test_grep "git-spec hook shim" .git/hooks/pre-commit.legacy &&
	git spec uninstall >out 2>err &&
	test ! -e .git/hooks/pre-commit.legacy &&
	test ! -e .git/hooks/pre-push.legacy &&
	test_grep "pre-commit.legacy" out &&
	test_must_fail grep -l "git-spec hook shim" .git/hooks/* &&
	test_grep "pre-commit" .git/hooks/pre-commit &&
	echo x >file && git add file && git commit -q -m "commit after uninstall"
'

test_expect_success 'a hook the user kept as HOOK.local goes back where the framework runs it' '
	test_create_repo chained && cd chained &&
	write_file .git/hooks/pre-commit <<-\HOOK &&
	#!/bin/sh
	echo user hook ran >&2
	HOOK
	chmod +x .git/hooks/pre-commit &&
	cp .git/hooks/pre-commit expect &&
	git spec install -q --force &&
	cp ../framework/.pre-commit-config.yaml . &&
	git add .pre-commit-config.yaml &&
	git commit -q --no-verify -m "pre-commit configuration" &&
	pre-commit install >/dev/null &&
	git spec uninstall >out &&
	test_cmp expect .git/hooks/pre-commit.legacy &&
	test ! -e .git/hooks/pre-commit.local &&
	echo x >file && git add file && git commit -q -m c 2>err &&
	test_grep "user hook ran" err
'

test_done
