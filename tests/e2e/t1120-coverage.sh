#!/bin/sh
test_description='coverage: parent packages with modules of their own, requireSpecs, create --all'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

# A Django-like tree: django/utils holds modules beside its leaf package
# django/utils/translation; django/contrib holds only an empty
# __init__.py above its apps; django/__init__.py has code of its own.
test_expect_success 'setup: every leaf package has a spec' '
	test_create_repo repo && exclude_scratch repo &&
	(
		cd repo &&
		git spec install -q &&
		write_file django/__init__.py <<-\PY &&
		VERSION = (5, 0)


		def setup() -> None:
		    pass
		PY
		write_file django/utils/__init__.py </dev/null &&
		write_file django/utils/text.py <<-\PY &&
		def slugify(value: str) -> str:
		    return value
		PY
		write_file django/utils/_os.py <<-\PY &&
		def safe_join(base: str, *paths: str) -> str:
		    return base
		PY
		write_file django/utils/translation/__init__.py <<-\PY &&
		def gettext(message: str) -> str:
		    return message
		PY
		write_file django/contrib/__init__.py </dev/null &&
		write_file django/contrib/auth/__init__.py </dev/null &&
		write_file django/contrib/auth/models.py <<-\PY &&
		class User:
		    pass
		PY
		write_file django/contrib/admin/__init__.py </dev/null &&
		write_file django/contrib/admin/sites.py <<-\PY &&
		class AdminSite:
		    pass
		PY
		git add -A && git commit -q --no-verify -m django &&
		git spec create -q django/utils/translation django/contrib/auth django/contrib/admin &&
		git add -A && git commit -q -m "specs for the leaf packages"
	)
'

test_expect_success 'packages lists the parent packages with modules of their own as uncovered' '
	cd repo &&
	git spec packages >out &&
	cat >expect <<-\EOF &&
	django                    django                    -
	django/contrib/admin      django.contrib.admin      SPEC-003
	django/contrib/auth       django.contrib.auth       SPEC-002
	django/utils              django.utils              -
	django/utils/translation  django.utils.translation  SPEC-001
	EOF
	test_cmp expect out &&
	git spec packages --all >out &&
	test_grep "^parent  django/contrib  *django.contrib  *(none needed)$" out &&
	test_grep "^parent  django/utils  *django.utils  *-$" out &&
	git spec packages --json >out.json &&
	json_get out.json "[p[\"path\"] for p in j if p[\"uncovered\"]]" >actual &&
	echo "[\"django\", \"django/utils\"]" >expect &&
	test_cmp expect actual
'

test_expect_success 'without requireSpecs a commit touching django/utils is a warning' '
	cd repo &&
	echo "X = 1" >>django/utils/text.py &&
	git add django/utils/text.py &&
	git commit -q -m "text: X" 2>err &&
	test_grep "warning: package .django/utils. is not covered by any spec" err &&
	test_grep "git spec create --force-parent django/utils" err
'

test_expect_success 'requireSpecs refuses a commit touching an uncovered parent package' '
	cd repo &&
	git config spec.requireSpecs true &&
	echo "Y = 1" >>django/utils/_os.py &&
	git add django/utils/_os.py &&
	test_expect_code 1 git commit -q -m "os: Y" 2>err &&
	test_grep "package .django/utils. is not covered by any spec" err &&
	test_grep "run .git spec create --force-parent django/utils." err &&
	test "$(git log -1 --format=%s)" = "text: X"
'

test_expect_success 'requireSpecs: check --range refuses a commit made with --no-verify' '
	cd repo &&
	git commit -q --no-verify -m "os: Y" &&
	test_expect_code 1 git spec check --range HEAD~1..HEAD 2>err &&
	test_grep "package .django/utils. is not covered by any spec" err &&
	git reset -q --soft HEAD~1
'

test_expect_success 'requireSpecs: check fails naming every uncovered package and the fix' '
	cd repo &&
	test_expect_code 1 git spec check 2>err &&
	test_grep "package .django. is not covered by any spec" err &&
	test_grep "package .django/utils. is not covered by any spec" err &&
	test_must_fail grep "django/contrib.* not covered" err &&
	test_grep "2 packages are not covered by any spec" err &&
	test_grep "git spec create --all" err &&
	git spec check --json >out.json || test $? = 1 &&
	json_get out.json "[e[\"path\"] for e in j[\"errors\"]]" >actual &&
	echo "[\"django\", \"django/utils\"]" >expect &&
	test_cmp expect actual
'

test_expect_success 'an empty __init__.py of a parent package needs no spec; code in it does' '
	cd repo &&
	git reset -q &&
	git stash -q &&
	echo "default_app = 1" >django/contrib/__init__.py &&
	git add django/contrib/__init__.py &&
	test_expect_code 1 git commit -q -m "contrib: code" 2>err &&
	test_grep "package .django/contrib. is not covered by any spec" err &&
	git reset -q --hard &&
	git stash pop -q
'

test_expect_success 'create --force-parent covers the parent package: its own files only' '
	cd repo &&
	git spec create -q --force-parent django/utils &&
	c=specify/tech/SPEC-004/contracts/public.md &&
	test_grep "django/utils/text.py" $c &&
	test_grep "django/utils/_os.py" $c &&
	test_must_fail grep translation $c &&
	git add -A && git spec sync --staged -q &&
	git commit -q -m "os: Y, and a spec for django/utils" &&
	git spec packages --json >out.json &&
	json_get out.json "[p[\"path\"] for p in j if p[\"uncovered\"]]" >actual &&
	echo "[\"django\"]" >expect &&
	test_cmp expect actual
'

test_expect_success 'create --all covers what is left; then check passes under requireSpecs' '
	cd repo &&
	git spec create --all >out &&
	test_grep "^created SPEC-005 for .django.: specify/tech/SPEC-005/SPEC-005.md$" out &&
	test $(grep -c "^created" out) = 1 &&
	git add -A && git commit -q -m "spec for django" &&
	git spec check &&
	git spec create --all >out &&
	test_grep "every package that needs a spec has one" out
'

test_expect_success 'a rollup spec covers the packages below it' '
	test_create_repo rollup && exclude_scratch rollup &&
	cd rollup &&
	write_file app/__init__.py <<-\PY &&
	X = 1
	PY
	write_file app/sub/__init__.py <<-\PY &&
	Y = 1
	PY
	write_spec SPEC-001 app &&
	sed "s/^  identifier: app$/  identifier: app\n  rollup: true/" specify/tech/SPEC-001/SPEC-001.md >s &&
	mv s specify/tech/SPEC-001/SPEC-001.md &&
	git spec sync -q &&
	git config spec.requireSpecs true &&
	git spec check &&
	git spec packages --json >out.json &&
	json_get out.json "[(p[\"path\"], p[\"specs\"], p[\"uncovered\"]) for p in j]" >actual &&
	echo "[[\"app\", [\"SPEC-001\"], false], [\"app/sub\", [\"SPEC-001\"], false]]" >expect &&
	test_cmp expect actual
'

test_done
