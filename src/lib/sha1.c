#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
# include <cpuid.h>
# include <immintrin.h>
# define GS_SHA1_X86 1
#endif
#include "gitspec/common.h"
#include "gitspec/sha1.h"

/*
 * SHA-1 (FIPS 180-4). The index of a repository with 100,000 files is about
 * 10 MB, so the speed of this function is most of the cost of verifying
 * its checksum; docs/adr/0002-index-reader.md has the numbers.
 */

typedef void (*compress_fn)(uint32_t h[5], const unsigned char *data, size_t blocks);

static inline uint32_t rol32(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static inline uint32_t get_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/*
 * The portable compression, unrolled with a 16-word rolling schedule (the
 * shape of git's block-sha1): about three times faster than a loop with
 * the round function chosen per round.
 */
#define W(i) w[(i) & 15]
#define SCHED(i) (W(i) = rol32(W((i) + 13) ^ W((i) + 8) ^ W((i) + 2) ^ W(i), 1))
#define ROUND(i, a, b, c, d, e, f, k, x) do { \
	uint32_t t_ = (x); \
	e += t_ + rol32(a, 5) + (f) + (k); \
	b = rol32(b, 30); \
} while (0)
#define F1(b, c, d) (((c ^ d) & b) ^ d)
#define F2(b, c, d) (b ^ c ^ d)
#define F3(b, c, d) ((b & c) + (d & (b ^ c)))
#define R0(i, a, b, c, d, e) ROUND(i, a, b, c, d, e, F1(b, c, d), 0x5a827999, W(i) = get_be32(data + 4 * (i)))
#define R1(i, a, b, c, d, e) ROUND(i, a, b, c, d, e, F1(b, c, d), 0x5a827999, SCHED(i))
#define R2(i, a, b, c, d, e) ROUND(i, a, b, c, d, e, F2(b, c, d), 0x6ed9eba1, SCHED(i))
#define R3(i, a, b, c, d, e) ROUND(i, a, b, c, d, e, F3(b, c, d), 0x8f1bbcdc, SCHED(i))
#define R4(i, a, b, c, d, e) ROUND(i, a, b, c, d, e, F2(b, c, d), 0xca62c1d6, SCHED(i))
#define FIVE(R, i) do { \
	R((i), a, b, c, d, e); \
	R((i) + 1, e, a, b, c, d); \
	R((i) + 2, d, e, a, b, c); \
	R((i) + 3, c, d, e, a, b); \
	R((i) + 4, b, c, d, e, a); \
} while (0)

static void compress_portable(uint32_t h[5], const unsigned char *data, size_t blocks)
{
	uint32_t w[16];

	while (blocks--) {
		uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

		FIVE(R0, 0);
		FIVE(R0, 5);
		FIVE(R0, 10);
		R0(15, a, b, c, d, e);
		R1(16, e, a, b, c, d);
		R1(17, d, e, a, b, c);
		R1(18, c, d, e, a, b);
		R1(19, b, c, d, e, a);
		FIVE(R2, 20);
		FIVE(R2, 25);
		FIVE(R2, 30);
		FIVE(R2, 35);
		FIVE(R3, 40);
		FIVE(R3, 45);
		FIVE(R3, 50);
		FIVE(R3, 55);
		FIVE(R4, 60);
		FIVE(R4, 65);
		FIVE(R4, 70);
		FIVE(R4, 75);
		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
		h[4] += e;
		data += 64;
	}
}

#ifdef GS_SHA1_X86
/*
 * Four rounds with the SHA extensions. Group g (0-19) consumes message
 * register M[g % 4] and, on the side, advances the message schedule of the
 * groups to come (Intel's published sequence, written as one macro).
 */
#define GS_SHA1_GROUP(g, Ein, Eout, f) do { \
	Ein = _mm_sha1nexte_epu32(Ein, M[(g) & 3]); \
	Eout = abcd; \
	M[((g) + 1) & 3] = _mm_sha1msg2_epu32(M[((g) + 1) & 3], M[(g) & 3]); \
	abcd = _mm_sha1rnds4_epu32(abcd, Ein, f); \
	M[((g) + 3) & 3] = _mm_sha1msg1_epu32(M[((g) + 3) & 3], M[(g) & 3]); \
	M[((g) + 2) & 3] = _mm_xor_si128(M[((g) + 2) & 3], M[(g) & 3]); \
} while (0)

__attribute__((target("sha,ssse3,sse4.1")))
static void compress_x86(uint32_t h[5], const unsigned char *data, size_t blocks)
{
	const __m128i mask = _mm_set_epi64x(0x0001020304050607ULL, 0x08090a0b0c0d0e0fULL);
	__m128i abcd, e0, e1, abcd_save, e0_save, M[4];

	abcd = _mm_loadu_si128((const __m128i *)h);
	abcd = _mm_shuffle_epi32(abcd, 0x1b);
	e0 = _mm_set_epi32((int)h[4], 0, 0, 0);
	M[0] = M[1] = M[2] = M[3] = _mm_setzero_si128();

	while (blocks--) {
		abcd_save = abcd;
		e0_save = e0;

		M[0] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 0)), mask);
		e0 = _mm_add_epi32(e0, M[0]);
		e1 = abcd;
		abcd = _mm_sha1rnds4_epu32(abcd, e0, 0);

		M[1] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16)), mask);
		GS_SHA1_GROUP(1, e1, e0, 0);
		M[2] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 32)), mask);
		GS_SHA1_GROUP(2, e0, e1, 0);
		M[3] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 48)), mask);
		GS_SHA1_GROUP(3, e1, e0, 0);
		GS_SHA1_GROUP(4, e0, e1, 0);
		GS_SHA1_GROUP(5, e1, e0, 1);
		GS_SHA1_GROUP(6, e0, e1, 1);
		GS_SHA1_GROUP(7, e1, e0, 1);
		GS_SHA1_GROUP(8, e0, e1, 1);
		GS_SHA1_GROUP(9, e1, e0, 1);
		GS_SHA1_GROUP(10, e0, e1, 2);
		GS_SHA1_GROUP(11, e1, e0, 2);
		GS_SHA1_GROUP(12, e0, e1, 2);
		GS_SHA1_GROUP(13, e1, e0, 2);
		GS_SHA1_GROUP(14, e0, e1, 2);
		GS_SHA1_GROUP(15, e1, e0, 3);
		GS_SHA1_GROUP(16, e0, e1, 3);
		GS_SHA1_GROUP(17, e1, e0, 3);
		GS_SHA1_GROUP(18, e0, e1, 3);
		GS_SHA1_GROUP(19, e1, e0, 3);

		e0 = _mm_sha1nexte_epu32(e0, e0_save);
		abcd = _mm_add_epi32(abcd, abcd_save);
		data += 64;
	}

	abcd = _mm_shuffle_epi32(abcd, 0x1b);
	_mm_storeu_si128((__m128i *)h, abcd);
	h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}

static int cpu_has_sha(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	if (!(c & (1u << 9)) || !(c & (1u << 19)))  /* SSSE3, SSE4.1 */
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b >> 29) & 1;
}
#endif

static int use_hw = -1;

void gs_sha1_use_hw(int enable)
{
	use_hw = enable ? -1 : 0;
}

int gs_sha1_hw(void)
{
#ifdef GS_SHA1_X86
	if (use_hw < 0)
		use_hw = cpu_has_sha() ? 1 : 0;
	return use_hw;
#else
	return 0;
#endif
}

static void compress(uint32_t h[5], const unsigned char *data, size_t blocks)
{
#ifdef GS_SHA1_X86
	if (gs_sha1_hw()) {
		compress_x86(h, data, blocks);
		return;
	}
#endif
	compress_portable(h, data, blocks);
}

void gs_sha1_init(gs_sha1_ctx *ctx)
{
	ctx->h[0] = 0x67452301;
	ctx->h[1] = 0xefcdab89;
	ctx->h[2] = 0x98badcfe;
	ctx->h[3] = 0x10325476;
	ctx->h[4] = 0xc3d2e1f0;
	ctx->len = 0;
	ctx->buflen = 0;
}

void gs_sha1_update(gs_sha1_ctx *ctx, const void *data, size_t len)
{
	const unsigned char *p = data;

	ctx->len += len;
	if (ctx->buflen) {
		size_t n = 64 - ctx->buflen;

		if (n > len)
			n = len;
		memcpy(ctx->buf + ctx->buflen, p, n);
		ctx->buflen += n;
		p += n;
		len -= n;
		if (ctx->buflen < 64)
			return;
		compress(ctx->h, ctx->buf, 1);
		ctx->buflen = 0;
	}
	if (len >= 64) {
		compress(ctx->h, p, len / 64);
		p += len & ~(size_t)63;
		len &= 63;
	}
	if (len) {
		memcpy(ctx->buf, p, len);
		ctx->buflen = len;
	}
}

void gs_sha1_final(unsigned char out[20], gs_sha1_ctx *ctx)
{
	uint64_t bits = ctx->len * 8;
	unsigned char pad[72];
	size_t padlen = (ctx->buflen < 56 ? 56 : 120) - ctx->buflen;
	int i;

	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (i = 0; i < 8; i++)
		pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
	gs_sha1_update(ctx, pad, padlen + 8);
	for (i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(ctx->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(ctx->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(ctx->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)ctx->h[i];
	}
}

void gs_sha1(unsigned char out[20], const void *data, size_t len)
{
	gs_sha1_ctx ctx;

	gs_sha1_init(&ctx);
	gs_sha1_update(&ctx, data, len);
	gs_sha1_final(out, &ctx);
}
