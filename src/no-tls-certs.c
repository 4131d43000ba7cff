/*
 * git-spec never talks to a network: its programs read the repository,
 * the index and the object database, nothing else. Yet libgit2 1.5 built
 * with mbedTLS (Debian's libgit2-1.5) parses the whole system CA bundle
 * inside git_libgit2_init(), unconditionally and with no option to skip it:
 * about 54 million instructions, 5-10 ms, paid on every commit by the
 * pre-commit hook and by every merge driver run (docs/adr/0006).
 *
 * This definition, linked into the three programs only (never into the
 * library), takes the place of mbedTLS's for the process: the dynamic
 * linker resolves libgit2's call to the executable's symbol first. With an
 * empty CA chain any TLS connection would fail to verify, which is the
 * right failure for programs that must not open one. A libgit2 built on
 * OpenSSL never calls it; then it is simply unused.
 *
 * Linked from the archives (the default, docs/adr/0022), the libraries'
 * own definitions are in the executable too, in members it needs for other
 * functions: two definitions of one name. There the mbedTLS functions below
 * are named __wrap_NAME and the Makefile links with -Wl,--wrap=NAME, which
 * sends every call from the archives to NAME here.
 */

#ifdef GITSPEC_LINK_STATIC
# define REPLACE(name) __wrap_##name
#else
# define REPLACE(name) name
#endif

struct mbedtls_x509_crt;

int REPLACE(mbedtls_x509_crt_parse_file)(struct mbedtls_x509_crt *chain, const char *path);

int REPLACE(mbedtls_x509_crt_parse_file)(struct mbedtls_x509_crt *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

/*
 * The same for libssh2: libgit2 1.5 calls libssh2_init() inside
 * git_libgit2_init(), which initialises OpenSSL for it (loading its
 * built-in engines): about a million instructions on every run, for an SSH
 * transport git-spec never opens. Its programs count on that: an unchanged
 * `git spec check` costs little more than starting the program
 * (docs/adr/0021). libssh2_exit() does nothing when this one ran, as
 * libssh2 counts its own initialisations. A static build links no libssh2
 * at all: src/no-ssh.c takes its place.
 */
#ifndef GITSPEC_LINK_STATIC
int libssh2_init(int flags);

int libssh2_init(int flags)
{
	(void)flags;
	return 0;
}
#endif

/*
 * And for mbedTLS's HAVEGE entropy source, which libgit2's TLS set-up
 * (git_libgit2_init(), again) seeds by running its generator over a
 * 32 KiB table: about 1.1 million instructions. A zeroed state is what
 * mbedtls_entropy_init() hands it; left so, the source yields zeros until
 * a TLS connection would draw 4 KiB from it (it never does here), while
 * the entropy pool still takes the system's random bytes (getrandom).
 * Only where the header exists (mbedTLS 2; version 3 dropped HAVEGE).
 */
#if defined(__has_include)
# if __has_include(<mbedtls/havege.h>)
#  include <string.h>
#  include <mbedtls/havege.h>

void REPLACE(mbedtls_havege_init)(mbedtls_havege_state *hs);

void REPLACE(mbedtls_havege_init)(mbedtls_havege_state *hs)
{
	memset(hs, 0, sizeof(*hs));
}
# endif
#endif

/*
 * In the static link, libgit2's whole TLS stream is replaced (with
 * -Wl,--wrap as above, so that the archive's member is not linked at
 * all). git_libgit2_init() calls git_mbedtls_stream_global_init(), which
 * sets up an mbedTLS client configuration, its entropy pool and its
 * random generator, seeded there and then: about 20 fresh pages and
 * 0.2 million instructions, 8% of an unchanged `git spec check`'s page
 * faults, for a connection never made. Here it does nothing, and opening
 * a TLS stream, or giving libgit2 certificate locations, fails at once
 * with an error instead (an https:// fetch stops there). These functions
 * are libgit2's internals (src/libgit2/streams/mbedtls.h, the same in
 * 1.1 to 1.9), hence the prototypes written out here.
 */
#ifdef GITSPEC_LINK_STATIC
# include <git2.h>
# include <git2/sys/stream.h>

static const char tls_refused[] = "TLS is not linked into git-spec";

int __wrap_git_mbedtls_stream_global_init(void);
int __wrap_git_mbedtls_stream_new(git_stream **out, const char *host, const char *port);
int __wrap_git_mbedtls_stream_wrap(git_stream **out, git_stream *in, const char *host);
int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path);

int __wrap_git_mbedtls_stream_global_init(void)
{
	return 0;
}

int __wrap_git_mbedtls_stream_new(git_stream **out, const char *host, const char *port)
{
	(void)host;
	(void)port;
	*out = NULL;
	git_error_set_str(GIT_ERROR_SSL, tls_refused);
	return -1;
}

int __wrap_git_mbedtls_stream_wrap(git_stream **out, git_stream *in, const char *host)
{
	(void)in;
	(void)host;
	*out = NULL;
	git_error_set_str(GIT_ERROR_SSL, tls_refused);
	return -1;
}

int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path)
{
	(void)file;
	(void)path;
	git_error_set_str(GIT_ERROR_SSL, tls_refused);
	return -1;
}
#endif
