#!/bin/sh
test_description='make: builds without cmocka, honours prefix and the usual flags, installs into DESTDIR; fetch-grammar offline'
. "$(dirname "$0")/test-lib.sh"

B="$GIT_SPEC_BUILD"
# make in the source tree, never rebuilding the build under test: its
# programs and flags are taken as they are (-o), whatever flags built them.
mk() {
	make -s -C "$TEST_SRC" BUILD="$B" -o "$B/FLAGS" -o "$B/bin/git-spec" \
		-o "$B/bin/git-spec-hook" -o "$B/bin/git-spec-merge" "$@"
}

# A pkg-config that knows everything but cmocka, as on a machine without
# libcmocka-dev.
test_expect_success 'setup' '
	mkdir nocmocka &&
	cat >nocmocka/pkg-config <<-\SH &&
	#!/bin/sh
	for a in "$@"; do [ "$a" = cmocka ] && exit 1; done
	exec pkg-config "$@"
	SH
	chmod +x nocmocka/pkg-config
'

test_expect_success 'without cmocka: the programs build, the unit tests say what is missing' '
	make -s -C "$TEST_SRC" BUILD="$TRASH/b" PKG_CONFIG="$TRASH/nocmocka/pkg-config" deps-check &&
	test_must_fail make -s -C "$TEST_SRC" BUILD="$TRASH/b" \
		PKG_CONFIG="$TRASH/nocmocka/pkg-config" "$TRASH/b/tests/test_buf" 2>err &&
	test_grep "libcmocka-dev" err &&
	! test -e "$TRASH/b/src" &&
	test_must_fail make -s -C "$TEST_SRC" BUILD="$TRASH/b" \
		PKG_CONFIG="$TRASH/nocmocka/pkg-config" unit 2>err &&
	test_grep "libcmocka-dev" err
'

test_expect_success 'CPPFLAGS, CFLAGS and LDFLAGS reach the compiler and the linker' '
	make -n V=1 -C "$TEST_SRC" BUILD="$TRASH/b" CPPFLAGS=-DECO_CPP CFLAGS=-DECO_CFLAGS \
		LDFLAGS=-Wl,--eco-ldflags "$TRASH/b/src/lib/buf.o" "$TRASH/b/grammar/parser.o" \
		"$TRASH/b/bin/git-spec" >out &&
	grep -e " -DECO_CPP -DECO_CFLAGS .*-o $TRASH/b/src/lib/buf.o" out &&
	grep -e " -DECO_CPP -DECO_CFLAGS .*-o $TRASH/b/grammar/parser.o" out &&
	grep -e " -Wl,--eco-ldflags -o $TRASH/b/bin/git-spec " out
'

installed_ok() {
	for p in git-spec git-spec-hook git-spec-merge; do
		test -x "$1/bin/$p" || return 1
	done &&
	test -f "$1/share/man/man1/git-spec.1" &&
	test -f "$1/share/bash-completion/completions/git-spec" &&
	test -x "$1/share/git-spec/hooks/pre-commit"
}

test_expect_success 'make install prefix=... DESTDIR=... (git spelling), and the programs run' '
	mk install prefix=/opt/gs DESTDIR="$TRASH/dest" &&
	installed_ok "$TRASH/dest/opt/gs" &&
	! test -e "$TRASH/dest/usr" &&
	"$TRASH/dest/opt/gs/bin/git-spec" --version >out && test_grep "^git-spec version " out &&
	"$TRASH/dest/opt/gs/bin/git-spec-hook" --version >out && test_grep "^git-spec-hook version " out &&
	"$TRASH/dest/opt/gs/bin/git-spec-merge" --version >out && test_grep "^git-spec-merge version " out &&
	test_create_repo repo && cd repo &&
	PATH="$TRASH/dest/opt/gs/bin:$PATH" git spec install -q &&
	PATH="$TRASH/dest/opt/gs/bin:$PATH" git spec check --staged
'

test_expect_success 'make install PREFIX=... and uninstall' '
	mk install PREFIX=/usr/x DESTDIR="$TRASH/dest2" &&
	installed_ok "$TRASH/dest2/usr/x" &&
	mk uninstall PREFIX=/usr/x DESTDIR="$TRASH/dest2" &&
	! test -e "$TRASH/dest2/usr/x/bin/git-spec"
'

test_expect_success 'fetch-grammar without network: a clear message within seconds, naming the escape hatch' '
	start=$(date +%s) &&
	test_must_fail env npm_config_registry=http://127.0.0.1:9/ \
		"$TEST_SRC/scripts/fetch-grammar.sh" "$TRASH/grammar" 2>err &&
	test $(( $(date +%s) - start )) -lt 30 &&
	test_grep "^error: npm could not fetch tree-sitter-python@" err &&
	test_grep "GIT_SPEC_GRAMMAR_TGZ=" err &&
	! test -e "$TRASH/grammar" &&
	test_grep "GIT_SPEC_GRAMMAR_TGZ" "$TEST_SRC/README.md"
'

test_expect_success 'fetch-grammar: GIT_SPEC_GRAMMAR_TGZ is checked like a download' '
	echo "not a tarball" >bogus.tgz &&
	test_must_fail env GIT_SPEC_GRAMMAR_TGZ="$TRASH/bogus.tgz" \
		"$TEST_SRC/scripts/fetch-grammar.sh" "$TRASH/grammar" 2>err &&
	test_grep "checksum mismatch" err && ! test -e "$TRASH/grammar"
'

test_done
