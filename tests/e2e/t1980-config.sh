#!/bin/sh
test_description='configuration: git -c spec.*, GIT_CONFIG_COUNT, git spec config origins and --json, unknown keys, core.quotePath'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

test_expect_success 'setup' '
	example_repo repo && cd repo &&
	git spec install -q &&
	git spec create -q src/acme/cli &&
	git add -A && git commit -q -m "SPEC-001"
'

test_expect_success 'git spec config: every setting with its origin, as git config --show-origin --list' '
	cd repo &&
	git config spec.ignore build &&
	git config --add spec.ignore "lib/*/gen" &&
	git config --global spec.breakingChanges refuse &&
	git spec config >out 2>err &&
	printf "%s\t%s\n" >expect \
		"file:.gitspec.yaml:2" "spec.specsDir=specify/tech" \
		"file:.gitspec.yaml:4" "spec.roots=src" \
		"file:.git/config" "spec.ignore=build" \
		"file:.git/config" "spec.ignore=lib/*/gen" \
		"default" "spec.testPatterns=test_*.py" \
		"default" "spec.testPatterns=*_test.py" \
		"default" "spec.testPatterns=conftest.py" \
		"default" "spec.requireSpecs=false" \
		"file:$HOME/.gitconfig" "spec.breakingChanges=refuse" &&
	test_cmp expect out &&
	test_must_fail test -s err &&
	(cd src/acme && git spec config) >out2 &&
	test_cmp expect out2 &&
	git config --global --unset spec.breakingChanges &&
	git config --unset-all spec.ignore
'

test_expect_success 'git -c spec.X=V overrides .gitspec.yaml and every git config file' '
	cd repo &&
	git -c spec.roots=src/acme -c spec.requireSpecs spec config >out &&
	test_grep "^command line:	spec.roots=src/acme\$" out &&
	test_grep "^command line:	spec.requireSpecs=true\$" out &&
	test "$(grep -c spec.roots out)" -eq 1 &&
	git -c spec.roots=src/acme spec packages >pkgs &&
	test_grep "^src/acme/cli  *cli  *SPEC-001\$" pkgs &&
	git config --global spec.requireSpecs false &&
	git -c spec.requireSpecs=true spec config >out &&
	test_grep "^command line:	spec.requireSpecs=true\$" out &&
	git config --global --unset spec.requireSpecs
'

test_expect_success 'a list collects the values of every level, as git does; an empty value clears' '
	cd repo &&
	git config --global spec.roots elsewhere &&
	git config spec.roots lib &&
	git -c spec.roots=src/acme spec config >out &&
	grep spec.roots out >roots &&
	printf "%s\t%s\n" >expect \
		"file:$HOME/.gitconfig" "spec.roots=elsewhere" \
		"file:.git/config" "spec.roots=lib" \
		"command line:" "spec.roots=src/acme" &&
	test_cmp expect roots &&
	git -c spec.roots= -c spec.roots=src/acme spec config >out &&
	grep spec.roots out >roots &&
	printf "command line:\tspec.roots=src/acme\n" >expect &&
	test_cmp expect roots &&
	# cleared everywhere, roots are read from pyproject.toml (ADR 0012)
	git -c spec.roots= spec config >out &&
	test_grep "^file:pyproject.toml	spec.roots=src\$" out &&
	git -c spec.roots= spec config --json >out.json &&
	test "$(json_get out.json "j[\"settings\"][1][\"items\"][0][\"scope\"]")" = pyproject &&
	git config --global --unset spec.roots &&
	git config --unset spec.roots
'

test_expect_success 'GIT_CONFIG_COUNT and GIT_CONFIG_KEY_n/VALUE_n: above the files, below git -c' '
	cd repo &&
	git config spec.specsDir from-file &&
	GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=spec.roots GIT_CONFIG_VALUE_0=src/acme \
		GIT_CONFIG_KEY_1=Spec.SpecsDir GIT_CONFIG_VALUE_1=specify/tech \
		git spec packages >pkgs &&
	test_grep "^src/acme/cli  *cli  *SPEC-001\$" pkgs &&
	GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=spec.roots GIT_CONFIG_VALUE_0=src/acme \
		git -c spec.roots=src spec config >out &&
	test_grep "^command line:	spec.roots=src\$" out &&
	test_grep "^file:.git/config	spec.specsDir=from-file\$" out &&
	git config --unset spec.specsDir
'

test_expect_success 'a bogus GIT_CONFIG_PARAMETERS or GIT_CONFIG_COUNT is fatal, as for git' '
	cd repo &&
	test_expect_code 128 env GIT_CONFIG_PARAMETERS="spec.roots=src" git spec config >out 2>err &&
	test_grep "bogus format in GIT_CONFIG_PARAMETERS" err &&
	test_expect_code 128 env GIT_CONFIG_PARAMETERS="spec.roots=src" git-spec config >out 2>err &&
	test_grep "^fatal: bogus format in GIT_CONFIG_PARAMETERS; unable to parse command-line config\$" err &&
	test_expect_code 128 env GIT_CONFIG_COUNT=1 git-spec packages 2>err &&
	test_grep "^fatal: missing config key GIT_CONFIG_KEY_0" err &&
	test_expect_code 128 env GIT_CONFIG_PARAMETERS="'\''spec.'\''='\''x'\''" git-spec packages 2>err &&
	test_grep "^fatal: key does not contain variable name: spec." err
'

test_expect_success 'git -c reaches the hooks: spec.requireSpecs for one commit' '
	cd repo &&
	echo "x = 1" >>src/acme/orders/models.py &&
	test_must_fail git -c spec.requireSpecs=true commit -q -am "uncovered" 2>err &&
	test_grep "not covered by any spec (spec.requireSpecs is set)" err &&
	git commit -q -am "uncovered, allowed" 2>err &&
	test_grep "^warning: package .src/acme/orders. is not covered" err
'

test_expect_success 'git -c core.quotePath=false: paths printed verbatim' '
	cd repo &&
	mkdir -p "src/acme/café" && : >"src/acme/café/__init__.py" &&
	git spec packages >quoted &&
	test_grep "^\"src/acme/caf\\\\303\\\\251\"  " quoted &&
	git -c core.quotePath=false spec packages >verbatim &&
	test_grep "^src/acme/café  " verbatim &&
	GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.quotepath GIT_CONFIG_VALUE_0=off \
		git spec packages >verbatim2 &&
	test_cmp verbatim verbatim2 &&
	(cd src/acme && git -c core.quotePath=false spec packages) >here &&
	test_grep "^café  " here &&
	rm -r "src/acme/café"
'

test_expect_success 'an unknown key in .gitspec.yaml: a warning naming the nearest key, once per run' '
	cd repo &&
	cp .gitspec.yaml saved.yaml &&
	printf "requireSpec: true\n" >>.gitspec.yaml &&
	git spec packages >out 2>err &&
	echo "warning: unknown key '\''requireSpec'\'' in .gitspec.yaml:5; did you mean '\''requireSpecs'\''?" >expect &&
	test_cmp expect err &&
	printf "colour: blue\n" >>.gitspec.yaml &&
	git spec config >out 2>err &&
	test_grep "^warning: unknown key .colour. in .gitspec.yaml:6\$" err &&
	test "$(wc -l <err)" -eq 2 &&
	git add .gitspec.yaml saved.yaml && git commit -q -m "typo 1" 2>commit.err &&
	test "$(grep -c "unknown key .requireSpec." commit.err)" -eq 1 &&
	test_tick && echo "# 2" >>.gitspec.yaml && git commit -q -am "typo 2" 2>/dev/null &&
	git spec check --range HEAD~2..HEAD >out 2>err &&
	test "$(grep -c "unknown key .requireSpec." err)" -eq 1 &&
	git spec packages -q >out 2>err &&
	test_must_fail test -s err
'

test_expect_success 'an unknown spec.* git key: warned with its file or the command line' '
	cd repo &&
	cp saved.yaml .gitspec.yaml &&
	git config spec.rots src &&
	git -c spec.requirespec=1 -c spec.zzzzzzzzzz=1 spec packages >out 2>err &&
	test_grep "^warning: unknown key .spec.rots. in .git/config; did you mean .spec.roots.?\$" err &&
	test_grep "^warning: unknown key .spec.requirespec. in the command line (git -c); did you mean .spec.requireSpecs.?\$" err &&
	test_grep "^warning: unknown key .spec.zzzzzzzzzz. in the command line (git -c)\$" err &&
	git config --unset spec.rots
'

test_expect_success 'git spec config --json: settings with origins, warnings in the JSON, nothing on stderr' '
	cd repo &&
	printf "requireSpec: true\n" >>.gitspec.yaml &&
	git -c spec.breakingChanges=refuse spec config --json >out.json 2>err &&
	test_must_fail test -s err &&
	test "$(json_get out.json "j[\"settings\"][1][\"key\"]")" = spec.roots &&
	test "$(json_get out.json "j[\"settings\"][1][\"value\"]")" = "[\"src\"]" &&
	test "$(json_get out.json "j[\"settings\"][1][\"scope\"]")" = gitspec &&
	test "$(json_get out.json "j[\"settings\"][1][\"line\"]")" = 3 &&
	test "$(json_get out.json "j[\"settings\"][1][\"items\"][0][\"line\"]")" = 4 &&
	test "$(json_get out.json "j[\"settings\"][1][\"items\"][0][\"path\"]")" = .gitspec.yaml &&
	test "$(json_get out.json "j[\"settings\"][4][\"value\"]")" = false &&
	test "$(json_get out.json "j[\"settings\"][5][\"scope\"]")" = command &&
	test "$(json_get out.json "j[\"settings\"][5][\"origin\"]")" = "command line:" &&
	test "$(json_get out.json "j[\"warnings\"][0][\"code\"]")" = unknown-key &&
	test "$(json_get out.json "j[\"warnings\"][0][\"line\"]")" = 5 &&
	test "$(json_get out.json "j[\"warnings\"][0][\"path\"]")" = .gitspec.yaml &&
	test_grep "did you mean" out.json &&
	git spec packages --json >p.json 2>err &&
	test_must_fail test -s err &&
	cp saved.yaml .gitspec.yaml
'

test_expect_success 'roots read from pyproject.toml name that file' '
	cd repo &&
	sed "/^roots:/,/^  - src/d" saved.yaml >.gitspec.yaml &&
	git spec config >out &&
	test_grep "^file:pyproject.toml	spec.roots=src\$" out &&
	git spec config --json >out.json &&
	test "$(json_get out.json "j[\"settings\"][1][\"items\"][0][\"scope\"]")" = pyproject &&
	test "$(json_get out.json "j[\"settings\"][1][\"items\"][0][\"path\"]")" = pyproject.toml &&
	cp saved.yaml .gitspec.yaml
'

test_expect_success 'git spec config --staged and --rev read that .gitspec.yaml' '
	cd repo &&
	printf "specs: docs/specs\n" >.gitspec.yaml &&
	git spec config | test_grep "^file:.gitspec.yaml:1	spec.specsDir=docs/specs\$" &&
	git spec config --staged | test_grep "^file:.gitspec.yaml:2	spec.specsDir=specify/tech\$" &&
	git spec config --rev HEAD~1 | test_grep "spec.specsDir=specify/tech\$" &&
	git checkout -q .gitspec.yaml &&
	test_expect_code 2 git spec config --staged --rev HEAD 2>err &&
	test_expect_code 2 git spec config extra 2>err
'

test_expect_success 'a bad value of .gitspec.yaml or of a spec.* key is bad input' '
	cd repo &&
	test_expect_code 3 git -c spec.breakingChanges=maybe spec config 2>err &&
	test_grep "spec.breakingChanges: .maybe. is not allow or refuse" err &&
	test_expect_code 3 git -c spec.specsDir spec config 2>err &&
	test_grep "spec.specsDir: missing value" err
'

test_expect_success 'git spec config --help opens git-spec-config(1)' '
	mkdir -p fakeman &&
	printf "#!/bin/sh\necho \"man \$*\"\n" >fakeman/man && chmod +x fakeman/man &&
	cd repo &&
	PATH="$TRASH/fakeman:$PATH" git spec config --help >out &&
	test_grep "^man -l .*/man/git-spec-config.1\$" out &&
	mandoc -Tlint "$TEST_SRC/man/git-spec-config.1"
'

test_done
