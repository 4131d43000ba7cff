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
 */

#include <stddef.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#define GS_SHA1_SIZE 20

/* One call: 0, or -1 when libcrypto fails (out of memory). */
static inline int gs_sha1(unsigned char out[GS_SHA1_SIZE], const void *data, size_t len)
{
	return SHA1((const unsigned char *)data, len, out) ? 0 : -1;
}

/*
 * Incremental: init, any number of updates, then final, which releases
 * the context whatever happened before (a failure is remembered and
 * reported by final as -1). gs_sha1_abort() releases it without a result.
 */
typedef struct gs_sha1_ctx {
	EVP_MD_CTX *md;
	int failed;
} gs_sha1_ctx;

static inline void gs_sha1_init(gs_sha1_ctx *ctx)
{
	ctx->md = EVP_MD_CTX_new();
	ctx->failed = !ctx->md || !EVP_DigestInit_ex(ctx->md, EVP_sha1(), NULL);
}

static inline void gs_sha1_update(gs_sha1_ctx *ctx, const void *data, size_t len)
{
	if (!ctx->failed && !EVP_DigestUpdate(ctx->md, data, len))
		ctx->failed = 1;
}

static inline void gs_sha1_abort(gs_sha1_ctx *ctx)
{
	EVP_MD_CTX_free(ctx->md);
	ctx->md = NULL;
}

static inline int gs_sha1_final(unsigned char out[GS_SHA1_SIZE], gs_sha1_ctx *ctx)
{
	unsigned int n = 0;
	int ok = !ctx->failed && EVP_DigestFinal_ex(ctx->md, out, &n) && n == GS_SHA1_SIZE;

	gs_sha1_abort(ctx);
	return ok ? 0 : -1;
}

#endif
