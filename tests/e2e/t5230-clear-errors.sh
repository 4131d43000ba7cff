#!/bin/sh
test_description='clear errors: SHA-256 repositories, bare repositories, a read-only git directory, non-UTF-8 package names'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"
. "$TEST_SRC/tests/e2e/lib-hardening.sh"

test_expect_success 'setup' '
	pkg_repo repo pkg &&
	git clone -q --bare repo bare.git
'

test_expect_success 'a SHA-256 repository is named as such, exit 128' '
	git init -q --object-format=sha256 sha256 &&
	cd sha256 &&
	run 128 git spec check 2>err &&
	test_grep "^fatal: SHA-256 repositories are not supported by libgit2 1\.[0-9]*$" err &&
	run 128 git-spec-hook pre-commit 2>err &&
	test_grep "SHA-256 repositories are not supported" err
'

test_expect_success 'bare repository: contract --rev HEAD PKG works like check --rev HEAD' '
	cd bare.git &&
	run 0 git spec check --rev HEAD &&
	run 0 git spec contract --rev HEAD pkg >out &&
	git show HEAD:specify/tech/SPEC-001/contracts/public.md >expect &&
	test_cmp expect out &&
	run 0 git spec contract --rev HEAD ./pkg/ >out &&
	test_cmp expect out &&
	run 3 git spec contract --rev HEAD ../pkg 2>err &&
	test_grep "outside the repository" err
'

test_expect_success 'create on a non-UTF-8 package name names the real problem' '
	cd repo &&
	d=$(printf "bad\377") &&
	mkdir "$d" && echo "x = 1" >"$d/__init__.py" &&
	run 3 git spec create "$d" 2>err &&
	test_grep "the package path is not valid UTF-8" err &&
	test_must_fail grep "SPEC-002" err &&
	test_must_fail test -e specify/tech/SPEC-002 &&
	rm -r "$d"
'

# As root, permissions do not stop writes: run as nobody when root.
test_expect_success 'a read-only git directory: a permission message, no lock hint' '
	if [ "$(id -u)" = 0 ]; then
		command -v su >/dev/null || { echo "# no su: skipped"; exit 0; }
		ro=$(mktemp -d /tmp/git-spec-ro.XXXXXX) && chmod 755 "$ro" &&
		cp -R repo "$ro/repo" && chown -R nobody "$ro" &&
		as() { su nobody -s /bin/sh -c "cd $ro/repo && HOME=$ro GIT_CONFIG_NOSYSTEM=1 $*"; }
	else
		ro=$TRASH && as() { (cd "$ro/repo" && eval "$*"); }
	fi &&
	as "echo \"# more\" >>pkg/mod.py && git add pkg/mod.py && chmod -R a-w .git" &&
	as "$GIT_SPEC_BUILD/bin/git-spec sync --staged" 2>err; rc=$?
	as "chmod -R u+w .git" &&
	cat err &&
	test "$rc" = 128 &&
	test_grep "index.lock.*Permission denied (you cannot write to the repository.s git directory)" err &&
	test_must_fail grep "another git process" err &&
	if [ "$(id -u)" = 0 ]; then rm -rf "$ro"; fi
'

test_done
