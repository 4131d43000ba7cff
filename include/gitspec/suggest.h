#ifndef GITSPEC_SUGGEST_H
#define GITSPEC_SUGGEST_H

/*
 * "Did you mean ...?": the nearest of a set of known words to a mistyped
 * one (git's help.c does much the same for commands).
 */

#include <stddef.h>

/* Levenshtein distance between `a` and `b`, bytes compared as `icase` says. */
size_t gs_edit_distance(const char *a, const char *b, int icase);
/*
 * How far `word` is from `known`: 0 when `word` is a prefix of it (a word
 * cut short), else the edit distance.
 */
size_t gs_suggest_distance(const char *word, const char *known, int icase);
/* Whether a distance is small enough for `word` to be a typo (git's rule of thumb). */
int gs_suggest_close(const char *word, size_t distance);
/*
 * The nearest of the `nr` words in `known` to `word` when it is close
 * enough, else NULL; the first of several equally near ones.
 */
const char *gs_suggest(const char *word, const char *const *known, size_t nr, int icase);

#endif
