#ifndef GITSPEC_SHA1_H
#define GITSPEC_SHA1_H

/*
 * SHA-1 of raw bytes through OpenSSL's libcrypto (issue 8): the index
 * file's trailing checksum, blob ids of derived contracts and cache keys
 * (libgit2 does not export its hash of arbitrary data). libcrypto is
 * loaded anyway (libgit2 depends on it through libssh2) and uses the x86
 * SHA extensions where the processor has them. Not collision-detecting:
 * it only checks that a file was written completely, or names bytes we
 * derived ourselves.
 *
 * The low-level SHA1_* interface, deprecated in OpenSSL 3 but kept by it:
 * the EVP interface (and SHA1(), built on it) loads the providers and
 * reads openssl.cnf on first use, 6 M instructions and milliseconds of
 * start-up for the hook's one hash (ADR 0002).
 */

#include <stddef.h>
#include <stdio.h>
#ifndef OPENSSL_SUPPRESS_DEPRECATED
# define OPENSSL_SUPPRESS_DEPRECATED
#endif
#include <openssl/sha.h>

#define GS_SHA1_SIZE 20

typedef struct gs_sha1_ctx {
	SHA_CTX sha;
	int failed;
} gs_sha1_ctx;

static inline void gs_sha1_init(gs_sha1_ctx *ctx)
{
	ctx->failed = !SHA1_Init(&ctx->sha);
}

static inline void gs_sha1_update(gs_sha1_ctx *ctx, const void *data, size_t len)
{
	if (!ctx->failed && !SHA1_Update(&ctx->sha, data, len))
		ctx->failed = 1;
}

/* 0, or -1 when libcrypto failed at any step. */
static inline int gs_sha1_final(unsigned char out[GS_SHA1_SIZE], gs_sha1_ctx *ctx)
{
	return !ctx->failed && SHA1_Final(out, &ctx->sha) ? 0 : -1;
}

/* For a hash abandoned before its end (nothing to release: kept for symmetry). */
static inline void gs_sha1_abort(gs_sha1_ctx *ctx)
{
	ctx->failed = 1;
}

/* One call: 0, or -1 when libcrypto fails. */
static inline int gs_sha1(unsigned char out[GS_SHA1_SIZE], const void *data, size_t len)
{
	gs_sha1_ctx ctx;

	gs_sha1_init(&ctx);
	gs_sha1_update(&ctx, data, len);
	return gs_sha1_final(out, &ctx);
}

/*
 * The git blob id of `data` ("blob LEN\0" then the bytes), as
 * git_odb_hash(..., GIT_OBJECT_BLOB) computes it but through libcrypto:
 * libgit2 hashes with its collision-detecting SHA-1, several times slower,
 * which the hook paid on every registry key and a cold sync on every
 * work-tree file. The same 20 bytes for any input git itself accepts.
 * 0, or -1 when libcrypto fails.
 */
static inline int gs_sha1_blob(unsigned char out[GS_SHA1_SIZE], const void *data, size_t len)
{
	char hdr[32];
	/* "blob LEN" and its NUL, as git writes an object header */
	size_t n = (size_t)snprintf(hdr, sizeof(hdr), "blob %zu", len) + 1;
	gs_sha1_ctx ctx;

	gs_sha1_init(&ctx);
	gs_sha1_update(&ctx, hdr, n);
	gs_sha1_update(&ctx, data, len);
	return gs_sha1_final(out, &ctx);
}

#endif
