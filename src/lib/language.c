/*
 * The list of languages and what is written once over any gs_language
 * (language.h). Nothing here knows a language: each fills its table in
 * its own module.
 */
#include <string.h>
#include "gitspec/language.h"
#include "gitspec/buf.h"
#include "gitspec/common.h"

/* One line per language; the first is the default. */
static const gs_language *const languages[] = { &gs_language_python };

/* The one in use: languages[0] unless gs_language_use() said otherwise. */
static const gs_language *current;

const gs_language *gs_language_default(void)
{
	return current ? current : languages[0];
}

void gs_language_use(const gs_language *lang)
{
	current = lang;
}

const gs_language *gs_language_find(const char *id)
{
	size_t i;

	for (i = 0; i < GS_ARRAY_SIZE(languages); i++)
		if (!strcmp(languages[i]->id, id))
			return languages[i];
	return NULL;
}

int gs_language_is_source(const char *path)
{
	return gs_language_default()->is_source(path, strlen(path));
}

int gs_language_is_marker(const char *path)
{
	return gs_language_default()->marker_len(path, strlen(path)) != 0;
}

void gs_language_marker_path(gs_buf *out, const char *dir, size_t dir_len)
{
	if (dir_len) {
		gs_buf_put(out, dir, dir_len);
		gs_buf_putc(out, '/');
	}
	gs_buf_puts(out, gs_language_default()->package_marker);
}
