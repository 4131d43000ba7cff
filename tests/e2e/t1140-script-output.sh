#!/bin/sh
test_description='output for scripts and people: --json (only JSON, problems as objects), paths relative to here, quoted as git quotes them'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

# json_ok FILE: FILE holds exactly one valid JSON document.
json_ok() {
	python3 -m json.tool "$1" >/dev/null || { echo "not JSON: $1" >&2; cat "$1" >&2; return 1; }
}

# quiet_err FILE: FILE (standard error) is empty.
quiet_err() {
	test ! -s "$1" || { echo "standard error not empty:" >&2; cat "$1" >&2; return 1; }
}

# problem_keys FILE: the keys of the first error object of FILE's "errors".
problem_keys() {
	json_get "$1" "sorted(j[\"errors\"][0])"
}

KEYS='["code", "column", "line", "message", "path"]'
LATIN=$(printf "caf\351")
T=$TRASH   # scratch files, outside the repository

test_expect_success 'setup: a covered package with a space, a file with a non-UTF-8 byte' '
	example_repo repo && cd repo &&
	mkdir -p "src/with space" &&
	: >"src/with space/__init__.py" && echo "def g(): pass" >"src/with space/m.py" &&
	printf "def h():\n    pass\n" >"src/acme/cli/$LATIN.py" &&
	git spec create -q src/acme/cli && git spec create -q "src/with space" &&
	git add -A && git commit -q -m specs
'

test_expect_success 'create from a subdirectory: the printed paths exist from there' '
	cd repo/src/acme &&
	git spec create orders >$T/out &&
	sed -n "s/^created SPEC-003 for .src\/acme\/orders.: //p" $T/out >$T/spec &&
	test "$(cat $T/spec)" = "../../specify/tech/SPEC-003/SPEC-003.md" &&
	test -f "$(cat $T/spec)" &&
	awk "/^  (public|all|tests) /{print \$2}" $T/out >$T/contracts &&
	test "$(wc -l <$T/contracts)" = 3 &&
	while read -r c; do test -f "$c" || exit 1; done <$T/contracts &&
	git spec show "$(cat $T/spec)" >/dev/null &&
	git add -A ../.. && git commit -q -m SPEC-003
'

test_expect_success 'sync from a subdirectory: "updated PATH" pastes back' '
	cd repo/src/acme/cli &&
	echo "def extra(): pass" >>main.py &&
	git spec sync >$T/out &&
	test_grep "^updated \.\./\.\./\.\./specify/tech/SPEC-001/contracts/public\.md\$" $T/out &&
	sed -n "s/^updated //p" $T/out >$T/paths &&
	while read -r p; do test -f "$p" && git add "$p" || exit 1; done <$T/paths &&
	git spec sync --full-name >$T/out &&
	test_grep "contracts are up to date" $T/out &&
	echo "def more(): pass" >>main.py &&
	git spec sync --full-name >$T/out &&
	test_grep "^updated specify/tech/SPEC-001/contracts/public\.md\$" $T/out &&
	git add -A ../../.. && git commit -q -m more
'

test_expect_success 'check from a subdirectory: the stale contract and the file in error paste back' '
	cd repo/src/acme/cli &&
	echo "def stale(): pass" >>main.py &&
	test_expect_code 1 git spec check 2>$T/err &&
	sed -n "s/^stale contract .\([^ ]*\). (SPEC-001.*/\1/p" $T/err >$T/stale &&
	test "$(head -n 1 $T/stale)" = "../../../specify/tech/SPEC-001/contracts/public.md" &&
	while read -r p; do git diff --quiet -- "$p" || exit 1; done <$T/stale &&
	echo "def broken(:" >bad.py &&
	test_expect_code 3 git spec check 2>$T/err &&
	test_grep "^error: bad\.py:1:12: " $T/err &&
	test_expect_code 3 git spec check --full-name 2>$T/err &&
	test_grep "^error: src/acme/cli/bad\.py:1:12: " $T/err &&
	rm bad.py && git checkout main.py
'

test_expect_success 'show: files and contracts as git ls-files prints them here (core.quotePath)' '
	cd repo/src/acme/cli &&
	git spec show . >$T/out &&
	sed -n "/^files:/,/^contracts:/p" $T/out | sed -e "1d" -e "\$d" -e "s/^  //" >$T/files &&
	git ls-files . >$T/expect &&
	test_cmp $T/expect $T/files &&
	test_grep "^  \"caf\\\\351\.py\"\$" $T/out &&
	git config core.quotePath false &&
	git spec show . >$T/out &&
	git config --unset core.quotePath &&
	sed -n "/^files:/,/^contracts:/p" $T/out | sed -e "1d" -e "\$d" -e "s/^  //" >$T/files &&
	git -c core.quotePath=false ls-files . >$T/expect &&
	test_cmp $T/expect $T/files &&
	git -c core.quotePath=false spec show . >$T/out &&
	test_grep "^  $LATIN\.py\$" $T/out &&
	cd "../../with space" &&
	git spec show m.py >$T/out &&
	test_grep "^path: \.\./\.\./specify/tech/SPEC-002/SPEC-002\.md\$" $T/out &&
	test_grep "^  m\.py\$" $T/out &&
	git spec show "$(sed -n "s/^path: //p" $T/out)" >$T/again &&
	test_cmp $T/out $T/again &&
	git spec show --full-name m.py >$T/out &&
	test_grep "^  src/with space/m\.py\$" $T/out
'

test_expect_success 'list --for-path: the path it prints pastes back' '
	cd repo/src/acme/cli &&
	git spec list --for-path main.py >$T/out &&
	test_grep "^path: main\.py\$" $T/out &&
	test_grep "^spec: SPEC-001 \.\./\.\./\.\./specify/tech/SPEC-001/SPEC-001\.md\$" $T/out &&
	git spec list --for-path "$(sed -n "s/^spec: SPEC-001 //p" $T/out)" >$T/out2 &&
	test_grep "^spec: SPEC-001 " $T/out2 &&
	git spec list --full-name --for-path main.py >$T/out &&
	test_grep "^path: src/acme/cli/main\.py\$" $T/out &&
	git spec list --for-path "$LATIN.py" >$T/out &&
	test_grep "^path: \"caf\\\\351\.py\"\$" $T/out
'

test_expect_success '--json from a subdirectory: valid JSON, top-relative paths, empty stderr' '
	cd repo/src/acme/cli &&
	for cmd in "sync" "sync --staged" "validate" "check" "check --staged" "list" \
		   "list --for-path main.py" "show SPEC-001" "packages" "contract ." "diff" \
		   "diff --all HEAD"; do
		git spec $cmd --json >$T/out.json 2>$T/err || { echo "failed: $cmd" >&2; exit 1; }
		json_ok $T/out.json && quiet_err $T/err || { echo "in: $cmd" >&2; exit 1; }
	done &&
	git spec show --json SPEC-001 >$T/out.json &&
	test "$(json_get $T/out.json "j[\"path\"]")" = "specify/tech/SPEC-001/SPEC-001.md" &&
	test "$(json_get $T/out.json "j[\"packages\"][0][\"files\"][1]")" = "src/acme/cli/caf\\xE9.py" &&
	git spec list --for-path main.py --json >$T/out.json &&
	test "$(json_get $T/out.json "j[\"path\"]")" = "src/acme/cli/main.py"
'

test_expect_success 'sync --json: what was updated, and where' '
	cd repo/src/acme/cli &&
	echo "def json_sync(): pass" >>main.py &&
	git spec sync --json >$T/out.json 2>$T/err &&
	json_ok $T/out.json && quiet_err $T/err &&
	test "$(json_get $T/out.json "[u[\"path\"] for u in j[\"updated\"]]")" = \
		"[\"specify/tech/SPEC-001/contracts/public.md\", \"specify/tech/SPEC-001/contracts/all.md\"]" &&
	test "$(json_get $T/out.json "j[\"updated\"][0][\"worktree\"], j[\"updated\"][0][\"index\"]")" = "[true, false]" &&
	test "$(json_get $T/out.json "j[\"unchanged\"], j[\"errors\"]")" = "[7, []]" &&
	git add main.py && git checkout HEAD -- ../../../specify &&
	git spec sync --staged --json >$T/out.json 2>$T/err &&
	json_ok $T/out.json && quiet_err $T/err &&
	test "$(json_get $T/out.json "j[\"updated\"][0][\"worktree\"], j[\"updated\"][0][\"index\"]")" = "[true, true]" &&
	git commit -q -m json-sync
'

test_expect_success 'a syntax error in a staged file: JSON problems with a place, empty stderr, exit 3' '
	cd repo/src/acme/cli &&
	printf "x = 1\ndef broken(:\n" >bad.py && git add bad.py &&
	test_expect_code 3 git spec sync --staged --json >$T/out.json 2>$T/err &&
	json_ok $T/out.json && quiet_err $T/err &&
	test "$(problem_keys $T/out.json)" = "$KEYS" &&
	test "$(json_get $T/out.json "[j[\"errors\"][0][k] for k in (\"path\", \"line\", \"code\")]")" = \
		"[\"src/acme/cli/bad.py\", 2, \"source\"]" &&
	test "$(json_get $T/out.json "type(j[\"errors\"][0][\"column\"]).__name__")" = int &&
	test_expect_code 3 git spec check --staged --json >$T/out.json 2>$T/err &&
	json_ok $T/out.json && quiet_err $T/err &&
	test "$(problem_keys $T/out.json)" = "$KEYS" &&
	test "$(json_get $T/out.json "j[\"errors\"][0][\"line\"]")" = 2 &&
	git rm -q --cached bad.py && rm bad.py
'

test_expect_success 'an invalid spec: validate, sync, create and check --json report it, exit 3' '
	cd repo &&
	cp specify/tech/SPEC-002/SPEC-002.md $T/spec.before &&
	printf "no front matter\n" >specify/tech/SPEC-002/SPEC-002.md &&
	for cmd in "validate" "sync" "check" "create src/acme/pricing"; do
		(cd src && test_expect_code 3 git spec $cmd --json >$T/out.json 2>$T/err) &&
		json_ok $T/out.json && quiet_err $T/err &&
		test "$(problem_keys $T/out.json)" = "$KEYS" &&
		test "$(json_get $T/out.json "j[\"errors\"][0][\"path\"], j[\"errors\"][0][\"code\"]")" = \
			"[\"specify/tech/SPEC-002/SPEC-002.md\", \"spec\"]" || { echo "in: $cmd" >&2; exit 1; }
	done &&
	test "$(json_get $T/out.json "j[\"created\"]")" = "[]" &&
	git spec validate --json >$T/out.json 2>err; test $? = 3 &&
	test "$(json_get $T/out.json "j[\"valid\"]")" = false &&
	cp $T/spec.before specify/tech/SPEC-002/SPEC-002.md &&
	git spec validate --json >$T/out.json 2>$T/err &&
	quiet_err $T/err &&
	test "$(json_get $T/out.json "[j[\"valid\"], j[\"specs\"], j[\"packages\"]]")" = "[true, 3, 3]"
'

# place FILE: "[path, line, column, code]" of FILE's first error.
place() {
	json_get "$1" "[j[\"errors\"][0][k] for k in (\"path\", \"line\", \"column\", \"code\")]"
}

test_expect_success 'JSON errors in a spec give line and column as numbers' '
	cd repo &&
	S=specify/tech/SPEC-002/SPEC-002.md &&
	cp $S $T/spec.before &&
	printf -- "---\nid: SPEC-002\nname: \"a\" b\nsources: []\n---\n" >$S &&
	for cmd in "validate" "sync" "check" "create src/acme/pricing"; do
		(cd src && test_expect_code 3 git spec $cmd --json >$T/out.json 2>$T/err) &&
		quiet_err $T/err &&
		test "$(place $T/out.json)" = "[\"$S\", 3, 11, \"spec\"]" || { echo "in: $cmd" >&2; cat $T/out.json >&2; exit 1; }
	done &&
	printf -- "---\nid: SPEC-002\nsources:\n- identifier: src/acme/pricing\n  rollup: maybe\n  variants: []\n---\n" >$S &&
	for cmd in "validate" "sync" "check" "create src/acme/pricing"; do
		(cd src && test_expect_code 3 git spec $cmd --json >$T/out.json 2>$T/err) &&
		quiet_err $T/err &&
		test "$(place $T/out.json)" = "[\"$S\", 5, 11, \"spec\"]" || { echo "in: $cmd" >&2; cat $T/out.json >&2; exit 1; }
	done &&
	printf "no front matter\n" >$S &&
	test_expect_code 3 git spec validate --json >$T/out.json &&
	test "$(place $T/out.json)" = "[\"$S\", 1, 1, \"spec\"]" &&
	cp $T/spec.before $S &&
	git spec validate --json >$T/out.json &&
	test "$(json_get $T/out.json "j[\"valid\"]")" = true
'

test_expect_success 'JSON errors in .gitspec.yaml give line and column as numbers' '
	cd repo &&
	printf "# settings\nroots: [src\n" >.gitspec.yaml &&
	for cmd in "validate" "sync" "check" "create src/acme/pricing"; do
		test_expect_code 3 git spec $cmd --json >$T/out.json 2>$T/err &&
		quiet_err $T/err &&
		test "$(place $T/out.json)" = "[\".gitspec.yaml\", 3, 1, \"config\"]" || { echo "in: $cmd" >&2; cat $T/out.json $T/err >&2; exit 1; }
	done &&
	printf "# settings\nspecs: specify/tech\nroots: 5\n" >.gitspec.yaml &&
	test_expect_code 3 git spec validate --json >$T/out.json 2>$T/err &&
	test "$(place $T/out.json)" = "[\".gitspec.yaml\", 3, 8, \"config\"]" &&
	rm .gitspec.yaml
'

test_expect_success 'create --json: what was created; a refusal is a problem with its own code' '
	cd repo/src &&
	git spec create --json acme/pricing >$T/out.json 2>$T/err &&
	json_ok $T/out.json && quiet_err $T/err &&
	test "$(json_get $T/out.json "j[\"created\"][0][\"id\"], j[\"created\"][0][\"path\"]")" = \
		"[\"SPEC-004\", \"specify/tech/SPEC-004/SPEC-004.md\"]" &&
	test "$(json_get $T/out.json "[c[\"variant\"] for c in j[\"created\"][0][\"contracts\"]]")" = \
		"[\"public\", \"all\", \"tests\"]" &&
	test_expect_code 1 git spec create --json acme/pricing >$T/out.json 2>$T/err &&
	json_ok $T/out.json && quiet_err $T/err &&
	test "$(json_get $T/out.json "j[\"errors\"][0][\"code\"], j[\"errors\"][0][\"path\"]")" = \
		"[\"covered\", \"src/acme/pricing\"]" &&
	test_expect_code 3 git spec create --json acme/nothing >$T/out.json 2>$T/err &&
	json_ok $T/out.json && quiet_err $T/err &&
	test "$(json_get $T/out.json "j[\"errors\"][0][\"code\"]")" = not-a-package
'

test_expect_success 'stale contracts: check --json exits 1 with the answer only' '
	cd repo/src/acme/cli &&
	echo "def newer(): pass" >>main.py &&
	test_expect_code 1 git spec check --json >$T/out.json 2>$T/err &&
	json_ok $T/out.json && quiet_err $T/err &&
	test "$(json_get $T/out.json "[s[\"path\"] for s in j[\"stale\"]]")" = \
		"[\"specify/tech/SPEC-001/contracts/public.md\", \"specify/tech/SPEC-001/contracts/all.md\"]" &&
	git checkout main.py
'

test_expect_success 'a command that cannot run: one line on stderr, no JSON, the documented status' '
	mkdir -p notrepo && cd notrepo &&
	GIT_CEILING_DIRECTORIES="$TRASH" &&
	export GIT_CEILING_DIRECTORIES &&
	for cmd in sync validate check "create x"; do
		test_expect_code 128 git spec $cmd --json >$T/out 2>$T/err &&
		test ! -s $T/out && test "$(wc -l <$T/err)" = 1 && test_grep "^fatal: " $T/err || exit 1
	done &&
	cd ../repo &&
	test_expect_code 2 git spec validate --json extra >$T/out 2>$T/err &&
	test ! -s $T/out
'

test_done
