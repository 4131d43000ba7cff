#include <stdint.h>
#include <string.h>
#include <tree_sitter/api.h>
#include "gitspec/common.h"
#include "gitspec/python_limits.h"

int gs_python_check_size(const char *path, size_t len)
{
	if (len <= GS_PYTHON_MAX_FILE)
		return 0;
	return gs_error_set(GS_EINPUT, "%s: file too large for a contract (%.1f MiB; limit %zu MiB)",
			    path, (double)len / (1024.0 * 1024.0), GS_PYTHON_MAX_FILE >> 20);
}

static int too_deep(const char *path, size_t line, const char *what)
{
	return gs_error_set(GS_EINPUT, "%s:%zu: nesting too deep (more than %d %s)", path, line,
			    what[0] == 'l' ? GS_PYTHON_MAX_INDENT : GS_PYTHON_MAX_BRACKETS, what);
}

/*
 * The bytes the scan below stops at, on a line and inside a string
 * quoted with ' or ": everything else is skipped in a tight loop (the
 * scan reads every byte of every file, about 1.5% of a cold sync's
 * instructions when it looked at each byte in turn).
 */
static const unsigned char stop_line[256] = {
	['\n'] = 1, ['#'] = 1, ['\\'] = 1, ['('] = 1, ['['] = 1, ['{'] = 1,
	[')'] = 1, [']'] = 1, ['}'] = 1, ['\''] = 1, ['"'] = 1,
};
static const unsigned char stop_single[256] = { ['\n'] = 1, ['\\'] = 1, ['\''] = 1 };
static const unsigned char stop_double[256] = { ['\n'] = 1, ['\\'] = 1, ['"'] = 1 };

int gs_python_check_nesting(const char *path, const char *src, size_t len)
{
	size_t indents[GS_PYTHON_MAX_INDENT + 1];
	size_t depth = 0, brackets = 0, line = 1, i = 0, col;
	int continued = 0;

	indents[0] = 0;
	while (i < len) {
		/* At the start of a physical line. */
		if (!brackets && !continued) {
			col = 0;
			while (i < len && (src[i] == ' ' || src[i] == '\t' || src[i] == '\f')) {
				/* Tabs to the next multiple of 8, as CPython's tokenizer. */
				col = src[i] == '\t' ? (col / 8 + 1) * 8 : src[i] == '\f' ? 0 : col + 1;
				i++;
			}
			if (i < len && src[i] != '\n' && src[i] != '\r' && src[i] != '#') {
				while (col < indents[depth])
					depth--;
				if (col > indents[depth]) {
					if (depth == GS_PYTHON_MAX_INDENT)
						return too_deep(path, line, "levels of indentation");
					indents[++depth] = col;
				}
			}
		}
		continued = 0;
		/* The rest of the line, through its end (strings may span lines). */
		while (i < len && src[i] != '\n') {
			char c;

			while (i < len && !stop_line[(unsigned char)src[i]])
				i++;
			if (i == len || src[i] == '\n')
				break;
			c = src[i];
			if (c == '#') {
				const char *nl = memchr(src + i, '\n', len - i);

				i = nl ? (size_t)(nl - src) : len;
				break;
			}
			if (c == '\\' && i + 1 < len && src[i + 1] == '\n') {
				continued = 1;
				i++;
				break;
			}
			if (c == '(' || c == '[' || c == '{') {
				if (++brackets > GS_PYTHON_MAX_BRACKETS)
					return too_deep(path, line, "nested brackets");
			} else if (c == ')' || c == ']' || c == '}') {
				if (brackets)
					brackets--;
			} else if (c == '\'' || c == '"') {
				int triple = i + 2 < len && src[i + 1] == c && src[i + 2] == c;
				const unsigned char *stop = c == '"' ? stop_double : stop_single;

				i += triple ? 3 : 1;
				while (i < len) {
					while (i < len && !stop[(unsigned char)src[i]])
						i++;
					if (i == len)
						break;
					if (src[i] == '\\' && i + 1 < len) {
						if (src[i + 1] == '\n')
							line++;
						i += 2;
						continue;
					}
					if (src[i] == '\n') {
						if (!triple)
							break;
						line++;
					}
					if (src[i] == c &&
					    (!triple || (i + 2 < len && src[i + 1] == c && src[i + 2] == c))) {
						i += triple ? 3 : 1;
						break;
					}
					i++;
				}
				continue;
			}
			i++;
		}
		if (i < len && src[i] == '\n') {
			i++;
			line++;
		}
	}
	return 0;
}

void gs_python_set_allocator(void)
{
	ts_set_allocator(gs_xmalloc, gs_xcalloc, gs_xrealloc, free);
}
