#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "gitspec/common.h"
#include "gitspec/suggest.h"

static int same(char a, char b, int icase)
{
	if (icase)
		return tolower((unsigned char)a) == tolower((unsigned char)b);
	return a == b;
}

size_t gs_edit_distance(const char *a, const char *b, int icase)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, result;

	row = gs_xcalloc(lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + !same(a[i - 1], b[j - 1], icase);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	result = row[lb];
	free(row);
	return result;
}

size_t gs_suggest_distance(const char *word, const char *known, int icase)
{
	size_t n = strlen(word);

	if (n && (icase ? !strncasecmp(known, word, n) : !strncmp(known, word, n)))
		return 0;
	return gs_edit_distance(word, known, icase);
}

int gs_suggest_close(const char *word, size_t distance)
{
	return *word && distance <= 2 + strlen(word) / 4;
}

const char *gs_suggest(const char *word, const char *const *known, size_t nr, int icase)
{
	const char *best = NULL;
	size_t i, best_d = (size_t)-1;

	for (i = 0; i < nr; i++) {
		size_t d = gs_suggest_distance(word, known[i], icase);

		if (d < best_d) {
			best_d = d;
			best = known[i];
		}
	}
	return best && gs_suggest_close(word, best_d) ? best : NULL;
}
