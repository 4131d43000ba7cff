#include <stdio.h>
#include <stdarg.h>
#include <string.h>
#include <errno.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "cmd.h"

int cmd_quiet;
static gs_buf pending_hint = GS_BUF_INIT;

void cmd_set_hint(const char *fmt, ...)
{
	va_list ap;

	gs_buf_clear(&pending_hint);
	va_start(ap, fmt);
	gs_buf_vprintf(&pending_hint, fmt, ap);
	va_end(ap);
}

int cmd_report(int code)
{
	if (code != GS_OK) {
		fprintf(stderr, "error: %s\n", gs_error_last());
		if (pending_hint.size && !cmd_quiet)
			fprintf(stderr, "hint: %s\n", pending_hint.ptr);
	}
	gs_buf_release(&pending_hint);
	return gs_exit_status(code);
}

void cmd_warning(const char *fmt, ...)
{
	va_list ap;

	if (cmd_quiet)
		return;
	fputs("warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cmd_write_stdout(const gs_buf *buf)
{
	if (buf->size && fwrite(buf->ptr, 1, buf->size, stdout) != buf->size)
		return gs_error_set(GS_ERROR, "cannot write to standard output: %s", strerror(errno));
	if (fflush(stdout))
		return gs_error_set(GS_ERROR, "cannot write to standard output: %s", strerror(errno));
	return 0;
}

void cmd_json_string_or_null(gs_buf *out, const char *s)
{
	if (s)
		gs_buf_put_json_string(out, s);
	else
		gs_buf_puts(out, "null");
}

void cmd_json_strvec(gs_buf *out, const gs_strvec *sv)
{
	size_t i;

	gs_buf_putc(out, '[');
	for (i = 0; i < sv->nr; i++) {
		if (i)
			gs_buf_puts(out, ", ");
		gs_buf_put_json_string(out, sv->v[i]);
	}
	gs_buf_putc(out, ']');
}
