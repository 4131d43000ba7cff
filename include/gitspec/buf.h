#ifndef GITSPEC_BUF_H
#define GITSPEC_BUF_H

/*
 * A growable byte buffer, always NUL-terminated (git's strbuf).
 *
 * `ptr` is never NULL: an empty buffer points at a shared empty string, so a
 * buffer initialised with GS_BUF_INIT can be printed without a check.
 * gs_buf_detach() hands the allocation to the caller (who frees it) and leaves
 * the buffer empty and reusable.
 */

#include <stddef.h>
#include <stdint.h>
#include "common.h"

typedef struct gs_buf {
	char *ptr;
	size_t size;  /* bytes used, not counting the NUL */
	size_t asize; /* bytes allocated; 0 while ptr is the shared empty string */
} gs_buf;

extern char gs_buf__initbuf[];
#define GS_BUF_INIT { gs_buf__initbuf, 0, 0 }

void gs_buf_init(gs_buf *buf, size_t hint);
void gs_buf_release(gs_buf *buf);
void gs_buf_grow(gs_buf *buf, size_t extra);
void gs_buf_setlen(gs_buf *buf, size_t len);
void gs_buf_clear(gs_buf *buf);
char *gs_buf_detach(gs_buf *buf, size_t *size_out);

void gs_buf_put(gs_buf *buf, const void *data, size_t len);
void gs_buf_puts(gs_buf *buf, const char *s);
void gs_buf_putc(gs_buf *buf, char c);
void gs_buf_printf(gs_buf *buf, const char *fmt, ...) GS_PRINTF(2, 3);
void gs_buf_vprintf(gs_buf *buf, const char *fmt, va_list ap);
void gs_buf_set(gs_buf *buf, const void *data, size_t len);
void gs_buf_sets(gs_buf *buf, const char *s);
/* Remove trailing ASCII white space. */
void gs_buf_rtrim(gs_buf *buf);
int gs_buf_equal(const gs_buf *a, const gs_buf *b);

/*
 * Append `s` as a JSON string literal, quotes included. Control characters,
 * quotes and backslashes are escaped; bytes that are not valid UTF-8 are
 * written as the text \\xNN (escaped for JSON) so that the output is always
 * valid UTF-8.
 */
void gs_buf_put_json_string(gs_buf *buf, const char *s);
/* gs_buf_put_json_string, or null when `s` is NULL. */
void gs_buf_put_json_string_or_null(gs_buf *buf, const char *s);
/* `, "KEY": VALUE`, VALUE as gs_buf_put_json_string_or_null writes it. */
void gs_buf_put_json_member(gs_buf *buf, const char *key, const char *value);

/*
 * Fixed-width little-endian integers for the cache's byte formats: written
 * with gs_buf_put_u32le, read back with a gs_reader, which turns `bad` on
 * (and returns 0) instead of reading past `end`.
 */
void gs_buf_put_u32le(gs_buf *buf, uint32_t v);

typedef struct gs_reader {
	const unsigned char *p, *end;
	int bad;
} gs_reader;

uint32_t gs_reader_u32le(gs_reader *r);

/* Fixed-width big-endian integers into `p` (the cache's pack and idx, keys). */
void gs_put_be32(unsigned char *p, uint32_t v);
void gs_put_be64(unsigned char *p, uint64_t v);

/* Length of the valid UTF-8 sequence at `s` (at most `n` bytes), or 0. */
size_t gs_utf8_seq_len(const char *s, size_t n);

#endif
