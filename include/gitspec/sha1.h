#ifndef GITSPEC_SHA1_H
#define GITSPEC_SHA1_H

/*
 * SHA-1 of raw bytes, for the index file's trailing checksum (libgit2 does
 * not export its hash of arbitrary data). Uses the x86 SHA extensions when
 * the processor has them, a portable implementation otherwise. Not
 * collision-detecting: it only checks that a file was written completely.
 */

#include <stddef.h>
#include <stdint.h>

typedef struct gs_sha1_ctx {
	uint32_t h[5];
	uint64_t len;
	unsigned char buf[64];
	size_t buflen;
} gs_sha1_ctx;

void gs_sha1_init(gs_sha1_ctx *ctx);
void gs_sha1_update(gs_sha1_ctx *ctx, const void *data, size_t len);
void gs_sha1_final(unsigned char out[20], gs_sha1_ctx *ctx);
void gs_sha1(unsigned char out[20], const void *data, size_t len);

/* For tests and measurements: 1 to use the SHA extensions when present (default), 0 not to. */
void gs_sha1_use_hw(int enable);
/* Whether the SHA extensions are used. */
int gs_sha1_hw(void);

#endif
