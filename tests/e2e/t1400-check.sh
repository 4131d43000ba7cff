#!/bin/sh
test_description='git spec check: work tree, --staged, --rev, --range, --json; writes nothing'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

C=specify/tech

test_expect_success 'setup' '
	example_repo repo &&
	cd repo &&
	git spec create -q src/acme/pricing &&
	git spec create -q src/acme/orders &&
	git add -A && git commit -q -m specs &&
	git tag specs
'

test_expect_success 'fresh: exit 0 and a summary; -q prints nothing' '
	cd repo &&
	git spec check >out 2>err &&
	test_grep "^6 contracts are fresh in the work tree$" out &&
	test_must_fail test -s err &&
	git spec check -q >out 2>err &&
	test_must_fail test -s out &&
	test_must_fail test -s err
'

test_expect_success 'fresh --json' '
	cd repo &&
	git spec check --json >out.json &&
	json_get out.json "j" >actual &&
	echo "{\"fresh\": true, \"stale\": [], \"errors\": []}" >expect &&
	test_cmp expect actual
'

test_expect_success 'stale: exit 1 naming each contract, its package and the fix; nothing written' '
	cd repo &&
	echo "def newer() -> None: ..." >>src/acme/pricing/discounts.py &&
	snapshot >before &&
	test_expect_code 1 git spec check >out 2>err &&
	test_grep "^stale contract .$C/SPEC-001/contracts/public.md. (SPEC-001, package .src/acme/pricing., variant public)$" err &&
	test_grep "^stale contract .$C/SPEC-001/contracts/all.md. (SPEC-001, package .src/acme/pricing., variant all)$" err &&
	test_must_fail grep "tests.md" err &&
	test_must_fail grep "SPEC-002" err &&
	test_grep "^error: the work tree: 2 contracts are stale$" err &&
	test_grep "^hint: run .git spec sync. to regenerate them$" err &&
	snapshot >after &&
	test_cmp before after
'

test_expect_success 'stale --json: spec, package, variant, path, fix' '
	cd repo &&
	test_expect_code 1 git spec check --json >out.json &&
	test "$(json_get out.json "j[\"fresh\"]")" = false &&
	json_get out.json "j[\"stale\"][0]" >actual &&
	cat >expect <<-EOF &&
	{"spec": "SPEC-001", "package": "src/acme/pricing", "variant": "public", "path": "$C/SPEC-001/contracts/public.md", "fix": "git spec sync", "missing": false}
	EOF
	test_cmp expect actual &&
	test "$(json_get out.json "len(j[\"stale\"])")" = 2 &&
	test "$(json_get out.json "j[\"errors\"]")" = "[]"
'

test_expect_success 'the staged side is judged separately: --staged is fresh until the source is staged' '
	cd repo &&
	git spec check --staged >out &&
	test_grep "fresh in the index" out &&
	git add src/acme/pricing/discounts.py &&
	test_expect_code 1 git spec check --staged 2>err &&
	test_grep "^error: the index: 2 contracts are stale" err &&
	test_grep "^hint: run .git spec sync --staged." err &&
	test_expect_code 1 git spec check --staged --json >out.json &&
	test "$(json_get out.json "j[\"stale\"][0][\"fix\"]")" = "git spec sync --staged"
'

test_expect_success 'check --staged ignores the work tree' '
	cd repo &&
	git spec sync -q &&
	git spec check -q &&
	test_expect_code 1 git spec check -q --staged 2>/dev/null &&
	git add -A &&
	git spec check -q --staged &&
	git commit -q -m newer
'

test_expect_success 'a deleted contract is reported as missing' '
	cd repo &&
	rm $C/SPEC-002/contracts/tests.md &&
	test_expect_code 1 git spec check 2>err &&
	test_grep "missing contract .$C/SPEC-002/contracts/tests.md. (SPEC-002, package .src/acme/orders., variant tests)" err &&
	test_expect_code 1 git spec check --json >out.json &&
	test "$(json_get out.json "j[\"stale\"][0][\"missing\"]")" = true &&
	git checkout -q -- $C
'

test_expect_success 'check --rev judges a commit' '
	cd repo &&
	git spec check --rev HEAD >out &&
	test_grep "fresh in HEAD" out &&
	echo "def unsynced() -> None: ..." >>src/acme/orders/models.py &&
	git commit -q -a --no-verify -m "forgot to sync" &&
	test_expect_code 1 git spec check --rev HEAD 2>err &&
	test_grep "SPEC-002/contracts/public.md" err &&
	git spec check --rev HEAD~1 -q &&
	git spec check --rev specs -q
'

test_expect_success 'check --range names the first offending commit' '
	cd repo &&
	echo "def later() -> None: ..." >>src/acme/pricing/rules.py &&
	git commit -q -a -m "also unsynced" &&
	test_expect_code 1 git spec check --range specs..HEAD 2>err &&
	bad=$(git rev-parse --short=12 HEAD~1) &&
	test_grep "^error: commit $bad (forgot to sync): 1 contract is stale\|^error: commit $bad (forgot to sync): [0-9] contracts are stale" err &&
	test_must_fail grep "also unsynced" err &&
	test_expect_code 1 git spec check --range specs..HEAD --json >out.json &&
	test "$(json_get out.json "j[\"commit\"]")" = "$(git rev-parse HEAD~1)" &&
	git spec check --range specs..HEAD~2 >out &&
	test_grep "commits\? checked: every contract is fresh" out
'

test_expect_success 'check --range passes once the history is fixed' '
	cd repo &&
	git reset -q --hard HEAD~2 &&
	echo "def fixed() -> None: ..." >>src/acme/orders/models.py &&
	git spec sync -q && git commit -q -a -m fixed &&
	echo "def fixed2() -> None: ..." >>src/acme/orders/models.py &&
	git spec sync -q && git commit -q -a -m fixed2 &&
	git spec check --range specs..HEAD >out &&
	test_grep "^[0-9]* commits checked: every contract is fresh$" out &&
	git spec check --range specs..HEAD --json >out.json &&
	test "$(json_get out.json "j[\"fresh\"]")" = true &&
	test "$(json_get out.json "j[\"commit\"]")" = null
'

test_expect_success 'a syntax error: exit 3, path:line:col in text and JSON' '
	cd repo &&
	printf "class Broken(\n" >>src/acme/orders/models.py &&
	test_expect_code 3 git spec check 2>err &&
	test_grep "^error: src/acme/orders/models.py:[0-9]*:[0-9]*: syntax error$" err &&
	test $(grep -c "syntax error" err) = 1 &&
	test_expect_code 3 git spec check --json >out.json &&
	test "$(json_get out.json "j[\"errors\"][0][\"path\"]")" = src/acme/orders/models.py &&
	test "$(json_get out.json "len(j[\"errors\"])")" = 1 &&
	git checkout -q -- .
'

test_expect_success 'duplicate ids: exit 1' '
	cd repo &&
	mkdir -p $C/SPEC-001-copy &&
	spec_text SPEC-001 src/acme/cli >$C/SPEC-001-copy/SPEC-001-copy.md &&
	test_expect_code 1 git spec check 2>err &&
	test_grep "SPEC-001" err &&
	test_expect_code 1 git spec check --json >out.json &&
	test "$(json_get out.json "j[\"fresh\"]")" = false &&
	test "$(json_get out.json "len(j[\"errors\"]) > 0")" = true &&
	rm -r $C/SPEC-001-copy
'

test_expect_success 'malformed YAML: exit 3 naming the spec' '
	cd repo &&
	mkdir -p $C/SPEC-077 &&
	printf -- "---\nid: SPEC-077\n  bad: indentation: here\n---\n" >$C/SPEC-077/SPEC-077.md &&
	test_expect_code 3 git spec check 2>err &&
	test_grep "$C/SPEC-077/SPEC-077.md" err &&
	test_expect_code 3 git spec check --json >out.json &&
	test "$(json_get out.json "j[\"errors\"][0][\"path\"]")" = "$C/SPEC-077/SPEC-077.md" &&
	rm -r $C/SPEC-077
'

test_expect_success 'a bad .gitspec.yaml: exit 3, and still JSON with --json' '
	cd repo &&
	cp .gitspec.yaml gitspec.saved &&
	printf "roots: [src\n" >.gitspec.yaml &&
	test_expect_code 3 git spec check 2>err &&
	test_grep "^error: .gitspec.yaml" err &&
	test_expect_code 3 git spec check --json >out.json 2>err &&
	test "$(json_get out.json "j[\"errors\"][0][\"path\"]")" = .gitspec.yaml &&
	test "$(json_get out.json "j[\"fresh\"]")" = false &&
	mv gitspec.saved .gitspec.yaml
'

test_expect_success 'check never writes: not even the index' '
	cd repo &&
	echo "def x() -> None: ..." >>src/acme/orders/models.py &&
	git add -A &&
	snapshot >before &&
	test_expect_code 1 git spec check --staged 2>/dev/null &&
	test_expect_code 1 git spec check 2>/dev/null &&
	snapshot >after &&
	test_cmp before after &&
	git reset -q --hard
'

test_done
