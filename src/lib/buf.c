#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gitspec/buf.h"

char gs_buf__initbuf[1];

void gs_buf_init(gs_buf *buf, size_t hint)
{
	buf->ptr = gs_buf__initbuf;
	buf->size = 0;
	buf->asize = 0;
	if (hint)
		gs_buf_grow(buf, hint);
}

void gs_buf_release(gs_buf *buf)
{
	if (buf->asize)
		free(buf->ptr);
	gs_buf_init(buf, 0);
}

void gs_buf_grow(gs_buf *buf, size_t extra)
{
	size_t want = gs_st_add(gs_st_add(buf->size, extra), 1);
	size_t n;

	if (want <= buf->asize)
		return;
	n = buf->asize < 64 ? 64 : buf->asize;
	while (n < want)
		n = gs_st_mult(n, 2);
	if (!buf->asize) {
		buf->ptr = gs_xmalloc(n);
		buf->ptr[0] = '\0';
	} else {
		buf->ptr = gs_xrealloc(buf->ptr, n);
	}
	buf->asize = n;
}

void gs_buf_setlen(gs_buf *buf, size_t len)
{
	if (len > buf->size)
		gs_buf_grow(buf, len - buf->size);
	buf->size = len;
	if (buf->asize)
		buf->ptr[len] = '\0';
}

void gs_buf_clear(gs_buf *buf)
{
	gs_buf_setlen(buf, 0);
}

char *gs_buf_detach(gs_buf *buf, size_t *size_out)
{
	char *p;

	if (size_out)
		*size_out = buf->size;
	if (!buf->asize)
		p = gs_xstrdup("");
	else
		p = buf->ptr;
	gs_buf_init(buf, 0);
	return p;
}

void gs_buf_put(gs_buf *buf, const void *data, size_t len)
{
	if (!len)
		return;
	gs_buf_grow(buf, len);
	memmove(buf->ptr + buf->size, data, len);
	buf->size += len;
	buf->ptr[buf->size] = '\0';
}

void gs_buf_puts(gs_buf *buf, const char *s)
{
	gs_buf_put(buf, s, strlen(s));
}

void gs_buf_putc(gs_buf *buf, char c)
{
	gs_buf_grow(buf, 1);
	buf->ptr[buf->size++] = c;
	buf->ptr[buf->size] = '\0';
}

void gs_buf_vprintf(gs_buf *buf, const char *fmt, va_list ap)
{
	va_list cp;
	int len;

	va_copy(cp, ap);
	len = vsnprintf(buf->ptr + buf->size, buf->asize ? buf->asize - buf->size : 0, fmt, cp);
	va_end(cp);
	if (len < 0)
		return;
	if ((size_t)len >= (buf->asize ? buf->asize - buf->size : 0)) {
		gs_buf_grow(buf, (size_t)len);
		vsnprintf(buf->ptr + buf->size, buf->asize - buf->size, fmt, ap);
	}
	buf->size += (size_t)len;
}

void gs_buf_printf(gs_buf *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gs_buf_vprintf(buf, fmt, ap);
	va_end(ap);
}

void gs_buf_set(gs_buf *buf, const void *data, size_t len)
{
	gs_buf_clear(buf);
	gs_buf_put(buf, data, len);
}

void gs_buf_sets(gs_buf *buf, const char *s)
{
	gs_buf_set(buf, s, strlen(s));
}

void gs_buf_rtrim(gs_buf *buf)
{
	while (buf->size && (buf->ptr[buf->size - 1] == ' ' || buf->ptr[buf->size - 1] == '\t' ||
			     buf->ptr[buf->size - 1] == '\n' || buf->ptr[buf->size - 1] == '\r'))
		buf->size--;
	if (buf->asize)
		buf->ptr[buf->size] = '\0';
}

int gs_buf_equal(const gs_buf *a, const gs_buf *b)
{
	return a->size == b->size && !memcmp(a->ptr, b->ptr, a->size);
}

size_t gs_utf8_seq_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c;
	size_t len, i;
	unsigned int cp;

	if (!n)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

void gs_buf_put_json_string(gs_buf *buf, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0;

	gs_buf_putc(buf, '"');
	while (i < n) {
		unsigned char c = s[i];
		size_t len;

		switch (c) {
		case '"': gs_buf_puts(buf, "\\\""); i++; continue;
		case '\\': gs_buf_puts(buf, "\\\\"); i++; continue;
		case '\n': gs_buf_puts(buf, "\\n"); i++; continue;
		case '\r': gs_buf_puts(buf, "\\r"); i++; continue;
		case '\t': gs_buf_puts(buf, "\\t"); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			gs_buf_printf(buf, "\\u%04x", c);
			i++;
			continue;
		}
		len = gs_utf8_seq_len(str + i, n - i);
		if (!len) {
			gs_buf_printf(buf, "\\\\x%02X", c);
			i++;
			continue;
		}
		gs_buf_put(buf, s + i, len);
		i += len;
	}
	gs_buf_putc(buf, '"');
}

void gs_buf_put_json_string_or_null(gs_buf *buf, const char *s)
{
	if (s)
		gs_buf_put_json_string(buf, s);
	else
		gs_buf_puts(buf, "null");
}

void gs_buf_put_json_member(gs_buf *buf, const char *key, const char *value)
{
	gs_buf_puts(buf, ", ");
	gs_buf_put_json_string(buf, key);
	gs_buf_puts(buf, ": ");
	gs_buf_put_json_string_or_null(buf, value);
}

void gs_buf_put_u32le(gs_buf *buf, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8),
			       (unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	gs_buf_put(buf, b, 4);
}

void gs_put_be32(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 3; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

void gs_put_be64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

uint32_t gs_reader_u32le(gs_reader *r)
{
	uint32_t v;

	if (r->bad || r->end - r->p < 4) {
		r->bad = 1;
		return 0;
	}
	v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
		(uint32_t)r->p[3] << 24;
	r->p += 4;
	return v;
}
