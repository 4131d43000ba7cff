/*
 * The transports a static build refuses (src/no-gssapi.c, src/no-ssh.c,
 * src/no-tls-certs.c, docs/adr/0022): libgit2 asked to use them fails
 * cleanly, with an error, instead of crashing or hanging. Linked as the
 * programs are (the Makefile). Servers on the loopback address only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <git2.h>
#include <cmocka.h>

/* A listening socket on 127.0.0.1, its port in *port. */
static int listen_loopback(int *port)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	*port = ntohs(addr.sin_port);
	return fd;
}

/*
 * An HTTP server that asks every request for Kerberos ("Negotiate") and
 * nothing else, until the test shuts its socket down (libgit2 bounds its
 * own authentication replays, should a real Kerberos ticket answer).
 */
static void *negotiate_server(void *arg)
{
	int lfd = *(int *)arg;
	static const char reply[] = "HTTP/1.1 401 Unauthorized\r\n"
		"WWW-Authenticate: Negotiate\r\n"
		"Content-Length: 0\r\n"
		"Connection: close\r\n\r\n";
	for (;;) {
		char req[4096];
		size_t have = 0;
		ssize_t n;
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			break;
		while (have < sizeof(req) - 1 &&
		       (n = read(fd, req + have, sizeof(req) - 1 - have)) > 0) {
			have += (size_t)n;
			req[have] = '\0';
			if (strstr(req, "\r\n\r\n"))
				break;
		}
		if (write(fd, reply, sizeof(reply) - 1) < 0)
			break;
		close(fd);
	}
	return NULL;
}

/* The user's default (Kerberos) credentials, what Negotiate asks for. */
static int default_credentials(git_credential **out, const char *url, const char *user,
	unsigned int allowed_types, void *payload)
{
	(void)url;
	(void)user;
	(void)payload;
	if (allowed_types & GIT_CREDENTIAL_DEFAULT)
		return git_credential_default_new(out);
	return GIT_PASSTHROUGH;
}

static int connect_remote(const char *url)
{
	git_remote *remote = NULL;
	git_remote_callbacks callbacks;
	int error;

	assert_int_equal(git_remote_init_callbacks(&callbacks, GIT_REMOTE_CALLBACKS_VERSION), 0);
	callbacks.credentials = default_credentials;
	assert_int_equal(git_remote_create_detached(&remote, url), 0);
	error = git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, NULL, NULL);
	git_remote_free(remote);
	return error;
}

/*
 * Connect to SCHEME://127.0.0.1:PORT/repo.git, served by `serve` on a
 * thread of its own for as long as the attempt lasts; *e: libgit2's error.
 */
static int connect_served(const char *scheme, void *(*serve)(void *), const git_error **e)
{
	pthread_t server;
	char url[64];
	int port, lfd, error;

	lfd = listen_loopback(&port);
	assert_int_equal(pthread_create(&server, NULL, serve, &lfd), 0);
	snprintf(url, sizeof(url), "%s://127.0.0.1:%d/repo.git", scheme, port);
	error = connect_remote(url);
	*e = git_error_last();
	/* Let the server's accept() end. */
	shutdown(lfd, SHUT_RDWR);
	pthread_join(server, NULL);
	close(lfd);
	return error;
}

static void test_negotiate_fails_cleanly(void **state)
{
	const git_error *e;
	int error;

	(void)state;
	error = connect_served("http", negotiate_server, &e);
	assert_true(error < 0);
	assert_non_null(e);
	assert_non_null(e->message);
	/* (The real GSS-API: "negotiate failure: No credentials were supplied...") */
#ifdef GITSPEC_LINK_STATIC
	assert_non_null(strstr(e->message, "Kerberos (GSS-API) is not linked into git-spec"));
#endif
}

/* The kernel completes the TCP handshake; libgit2 then needs a session. */
static void test_ssh_fails_cleanly(void **state)
{
	char url[64];
	int port, lfd, error;
	const git_error *e;

	(void)state;
#ifndef GITSPEC_LINK_STATIC
	/* The real libssh2 would wait for a server banner that never comes. */
	skip();
#endif
	lfd = listen_loopback(&port);
	snprintf(url, sizeof(url), "ssh://git@127.0.0.1:%d/repo.git", port);
	error = connect_remote(url);
	e = git_error_last();
	close(lfd);
	assert_true(error < 0);
	assert_non_null(e);
	assert_non_null(strstr(e->message, "failed to initialize SSH session"));
}

/* A server that closes every connection at once, until the test shuts its socket down. */
static void *closing_server(void *arg)
{
	int lfd = *(int *)arg;

	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			break;
		close(fd);
	}
	return NULL;
}

/*
 * HTTPS: the static programs replace libgit2's TLS stream, whose set-up
 * git_libgit2_init() would otherwise run for nothing. Opening one fails
 * before any connection; so does giving libgit2 certificate locations.
 * (The real stream fails too here: the server closes the connection.)
 */
static void test_tls_fails_cleanly(void **state)
{
	const git_error *e;
	int error;

	(void)state;
	error = connect_served("https", closing_server, &e);
	assert_true(error < 0);
	assert_non_null(e);
	assert_non_null(e->message);
#ifdef GITSPEC_LINK_STATIC
	assert_non_null(strstr(e->message, "TLS is not linked into git-spec"));
	assert_true(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, "/nonexistent/ca.pem", NULL) < 0);
	e = git_error_last();
	assert_non_null(e);
	assert_non_null(strstr(e->message, "TLS is not linked into git-spec"));
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negotiate_fails_cleanly),
		cmocka_unit_test(test_ssh_fails_cleanly),
		cmocka_unit_test(test_tls_fails_cleanly),
	};
	int rc;

	git_libgit2_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return rc;
}
