#!/bin/sh
test_description='bash completion, driven through git completion script: options, values, helpers hidden'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

GIT_COMPLETION=/usr/share/bash-completion/completions/git
if ! test -f "$GIT_COMPLETION"; then
	echo "not ok - git's bash completion is not installed ($GIT_COMPLETION)"
	exit 1
fi

# complete WORDS...: what git's completion offers for the last word, one a
# line; the words are split at '=' as bash splits them (COMP_WORDBREAKS).
complete_git() {
	bash -c '
		. "$1"
		. "$2"
		shift 2
		line="$*"
		words=()
		for w in "$@"; do
			case "$w" in
			--*=*) words+=("${w%%=*}" "=" "${w#*=}") ;;
			*) words+=("$w") ;;
			esac
		done
		COMP_WORDS=("${words[@]}"); COMP_CWORD=$((${#words[@]} - 1))
		[ "${words[COMP_CWORD]}" = "=" ] && { COMP_WORDS+=(""); COMP_CWORD=$((COMP_CWORD + 1)); }
		COMP_LINE="$line"; COMP_POINT=${#COMP_LINE}
		__git_wrap__git_main
		printf "%s\n" "${COMPREPLY[@]}"
	' complete "$GIT_COMPLETION" "$TEST_SRC/share/bash-completion/completions/git-spec" "$@"
}

test_expect_success 'setup' '
	example_repo repo && cd repo &&
	git spec create -q src/acme/cli &&
	git add -A && git commit -q -m "SPEC-001" &&
	git branch feature
'

test_expect_success 'every option of every subcommand, as its -h lists it' '
	cd repo &&
	git spec -h | awk "/^   [a-z]/ { print \$1 }" >cmds &&
	test "$(wc -l <cmds)" -ge 11 &&
	while read -r cmd; do
		git spec $cmd -h | sed -n "s/^    \(-., \)\{0,1\}\(--[a-z-]*\)\( <.*\)\{0,1\} .*/\2\3/p" |
			grep -v "^--help" | sed "s/ <.*/=/" >want &&
		test -s want &&
		complete_git git spec $cmd -- >got &&
		while read -r opt; do
			grep -qx -e "$opt" -e "$opt " got || { echo "$cmd: $opt not offered"; cat got; exit 1; }
		done <want || exit 1
	done <cmds
'

test_expect_success 'no option a command does not take (validate --staged)' '
	cd repo &&
	! complete_git git spec validate -- | grep -e "--staged" &&
	complete_git git spec validate -- | grep -e "--json"
'

test_expect_success 'revisions for --rev and --range, in both forms' '
	cd repo &&
	complete_git git spec check --rev=fea >got && test_grep -x "feature " got &&
	complete_git git spec check --rev fea >got && test_grep -x "feature " got &&
	complete_git git spec check --range=main..fe >got && test_grep -x "main..feature " got &&
	complete_git git spec contract --rev=ma >got && test_grep -x "main " got
'

test_expect_success 'git spec config: the command, its options and revisions for --rev' '
	cd repo &&
	complete_git git spec conf >got && test_grep -x "config " got &&
	complete_git git spec config -- >got &&
	test_grep -x -e "--json " got && test_grep -x -e "--staged " got && test_grep -x -e "--rev=" got &&
	complete_git git spec config --rev=fea >got && test_grep -x "feature " got
'

test_expect_success 'paths for --for-path' '
	cd repo &&
	complete_git git spec list --for-path=src/acme/pri >got &&
	test_grep "^src/acme/pricing" got &&
	complete_git git spec list --for-path src/acme/pri >got &&
	test_grep "^src/acme/pricing" got
'

test_expect_success 'packages for create (uncovered only) and contract, spec IDs for show' '
	cd repo &&
	complete_git git spec create src/acme/ >got &&
	test_grep -x "src/acme/pricing " got && ! test_grep "src/acme/cli" got &&
	complete_git git spec contract src/acme/ >got &&
	test_grep -x "src/acme/cli " got && test_grep -x "src/acme/pricing " got &&
	complete_git git spec show S >got &&
	test_grep -x "SPEC-001 " got
'

test_expect_success 'renumber: spec ids for the spec to move, nothing for the new id' '
	cd repo &&
	complete_git git spec renumber S >got &&
	test_grep -x "SPEC-001 " got &&
	complete_git git spec renumber SPEC-001 S >got &&
	! grep . got
'

test_expect_success 'create: parent packages with modules of their own are offered too' '
	cd repo &&
	write_file src/acme/pricing/rates/__init__.py </dev/null &&
	complete_git git spec create src/acme/ >got &&
	test_grep -x "src/acme/pricing " got &&
	test_grep -x "src/acme/pricing/rates " got &&
	rm -r src/acme/pricing/rates
'

test_expect_success 'packages relative to the current directory' '
	cd repo/src/acme &&
	complete_git git spec contract "" >got &&
	test_grep -x "cli " got && test_grep -x "pricing " got
'

test_expect_success 'git <TAB>: the helper programs hidden once install --global has run' '
	cd repo &&
	complete_git git spe >got &&
	test_grep -x "spec " got && test_grep -x "spec-hook " got &&
	git spec install --global -q &&
	test "$(git config --global completion.commands)" = "-spec-hook -spec-merge" &&
	complete_git git spe >got &&
	test_grep -x "spec " got &&
	! test_grep "spec-hook\|spec-merge" got &&
	git spec uninstall --global -q &&
	test_must_fail git config --global completion.commands
'

test_expect_success 'install --global keeps a completion.commands the user set' '
	cp "$HOME/.gitconfig" before &&
	git config --global completion.commands "-frotz" &&
	git spec install --global >out &&
	test_grep "completion.commands is already set" out &&
	test "$(git config --global completion.commands)" = "-frotz" &&
	git spec uninstall --global -q &&
	test "$(git config --global completion.commands)" = "-frotz" &&
	git config --global --unset completion.commands &&
	{ git config --global --remove-section completion 2>/dev/null || :; } &&
	test_cmp before "$HOME/.gitconfig"
'

test_done
