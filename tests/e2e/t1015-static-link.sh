#!/bin/sh
test_description='link: the libraries from their archives by default, LINK=shared on request; the programs load none of libgit2 shared objects'
. "$(dirname "$0")/test-lib.sh"

# docs/adr/0022. The hook's start-up was twice git's while it mapped the 21
# shared objects of libgit2 and the other libraries; linked from their
# archives, only the C library is left.

B="$GIT_SPEC_BUILD"
pkgs="libgit2 yaml-0.1 tree-sitter libcrypto"
# The shared objects a static build must not load: libgit2's, its
# dependencies', and the other libraries the Makefile links from archives.
banned='libgit2|libmbed|libssh2|libhttp_parser|libpcre2|libz\.|libyaml|libtree-sitter|libcrypto|libgssapi|libkrb5|libk5crypto|libcom_err|libkrb5support|libkeyutils|libresolv'

# The archives the Makefile would link, each "libX.a" or its full path.
archives() {
	for l in $(pkg-config --static --libs-only-l $pkgs); do
		case "$l" in -lc|-lm|-ldl|-lrt|-lpthread) continue ;; esac
		p=$(cc -print-file-name="lib${l#-l}.a")
		echo "$p"
	done
}
all_archives() {
	! archives | grep -v '^/' | grep -q .
}

# The link command make would run for the hook in an empty build directory.
link_line() {
	make -n V=1 -C "$TEST_SRC" BUILD="$TRASH/b" "$@" "$TRASH/b/bin/git-spec-hook" >make.out 2>&1 &&
	grep -e "-o $TRASH/b/bin/git-spec-hook " make.out >link.out
}

# A pkg-config whose static link needs one archive no machine has.
test_expect_success 'setup' '
	mkdir fakepc &&
	cat >fakepc/pkg-config <<-\SH &&
	#!/bin/sh
	out=$(pkg-config "$@") || exit
	case " $* " in *" --libs-only-l "*) out="$out -lgitspec-no-such-library" ;; esac
	echo "$out"
	SH
	chmod +x fakepc/pkg-config
'

# Whether the C library has an archive (docs/adr/0025).
libc_archive() {
	p=$(cc -print-file-name=libc.a) && test "${p#/}" != "$p"
}

if all_archives; then
	test_expect_success 'by default the programs link the archives, the refusals of GSS-API and SSH, and the wraps' '
		link_line &&
		test_grep -e "-Wl,-Bstatic -lgit2 .*-lcrypto  *$TRASH/b/libno-transport.a" link.out &&
		test_grep -e "-Wl,--wrap=mbedtls_x509_crt_parse_file" link.out &&
		test_grep -e "-Wl,--wrap=git_mbedtls_stream_global_init" link.out &&
		! grep -e "-lgssapi" link.out &&
		! grep -e "-lssh2" link.out
	'
	if libc_archive; then
		test_expect_success 'by default the programs link the C library from its archive too (a static PIE)' '
			link_line &&
			test_grep -e "-static-pie " link.out &&
			! grep -e "-Bdynamic" link.out &&
			link_line SANITIZE=address,undefined &&
			! grep -e "-static-pie" link.out &&
			test_grep -e "-Bdynamic" link.out &&
			link_line LIBC=shared &&
			! grep -e "-static-pie" link.out &&
			test_must_fail make -n -C "$TEST_SRC" BUILD="$TRASH/b" LIBC=sometimes 2>err &&
			test_grep "LIBC=sometimes" err
		'
	fi
else
	test_expect_success "by default the shared libraries, with a note, when archives are missing" '
		link_line &&
		test_grep "^note: no .*: linking the shared libraries (LINK=shared)" make.out &&
		! grep -e "-Bstatic" link.out
	'
fi

test_expect_success 'LINK=shared: the shared libraries, and no refusals' '
	link_line LINK=shared &&
	test_grep -e "-lgit2" link.out &&
	! grep -e "-Bstatic" link.out &&
	! grep -e "no-transport" link.out &&
	! grep -e "--wrap" link.out &&
	! grep -e "-static-pie" link.out &&
	! grep "^note:" make.out &&
	test_must_fail make -n -C "$TEST_SRC" BUILD="$TRASH/b" LINK=shared LIBC=static 2>err &&
	test_grep "LIBC=static needs the static link" err
'

test_expect_success 'a missing archive: the shared link and a one-line note; LINK=static refuses' '
	link_line PKG_CONFIG="$TRASH/fakepc/pkg-config" &&
	test_grep "^note: no libgitspec-no-such-library.a: linking the shared libraries (LINK=shared)" make.out &&
	test "$(grep -c "^note:" make.out)" = 1 &&
	! grep -e "-Bstatic" link.out &&
	test_must_fail make -n -C "$TEST_SRC" BUILD="$TRASH/b" LINK=static \
		PKG_CONFIG="$TRASH/fakepc/pkg-config" "$TRASH/b/bin/git-spec-hook" 2>err &&
	test_grep "LINK=static: no libgitspec-no-such-library.a" err &&
	test_must_fail make -n -C "$TEST_SRC" BUILD="$TRASH/b" LINK=sometimes 2>err &&
	test_grep "LINK=sometimes" err
'

test_expect_success 'the link mode is in FLAGS, so that changing it rebuilds' '
	make -s -C "$TEST_SRC" BUILD="$TRASH/f" "$TRASH/f/FLAGS" &&
	cp "$TRASH/f/FLAGS" default &&
	make -s -C "$TEST_SRC" BUILD="$TRASH/f" LINK=shared "$TRASH/f/FLAGS" &&
	! grep -e "-DGITSPEC_LINK_STATIC" "$TRASH/f/FLAGS" &&
	if all_archives; then
		test_grep -e "-DGITSPEC_LINK_STATIC" default
	fi
'

# The build under test: a static one loads no library of libgit2's and
# holds no libssh2 code (src/no-ssh.c stands in for it).
if grep -q -e "-DGITSPEC_LINK_STATIC" "$B/FLAGS"; then
	for prog in git-spec git-spec-hook git-spec-merge; do
		test_expect_success "$prog loads none of the archived libraries' shared objects" '
			readelf -d "$B/bin/'"$prog"'" >dyn &&
			! grep -E "NEEDED.*($banned)" dyn &&
			ldd "$B/bin/'"$prog"'" >ldd.out &&
			! grep -E "$banned" ldd.out &&
			nm "$B/bin/'"$prog"'" >syms &&
			! grep " T _libssh2_" syms &&
			"$B/bin/'"$prog"'" --version &&
			if grep -q -e "-DGITSPEC_LIBC_STATIC" "$B/FLAGS"; then
				# a static PIE: no program interpreter, nothing NEEDED at all
				readelf -l "$B/bin/'"$prog"'" >phdr &&
				! grep INTERP phdr &&
				! grep NEEDED dyn
			fi
		'
	done
elif all_archives; then
	echo "# skip: $B was built with LINK=shared; its programs load the shared libraries by request"
else
	echo "# skip: $B links the shared libraries: archives missing: $(archives | grep -v "^/" | tr "\n" " ")"
fi

# Whatever the link, the replacements of src/no-tls-certs.c take effect:
# git_libgit2_init() opens no CA bundle (docs/adr/0006; it only stats it).
if command -v strace >/dev/null 2>&1; then
	# (LeakSanitizer cannot run under ptrace: off for these two runs)
	test_expect_success 'the programs read no TLS certificate' '
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" && export ASAN_OPTIONS &&
		test_create_repo repo && cd repo &&
		strace -f -e trace=open,openat -o ../trace "$B/bin/git-spec-hook" pre-commit &&
		strace -f -e trace=open,openat -o ../trace2 "$B/bin/git-spec" check &&
		cd .. &&
		test_grep "\.git/index" trace &&
		! grep -E "ssl|certs" trace trace2
	'
else
	echo "# skip: strace is missing (scripts/install-deps.sh installs it)"
fi

test_done
