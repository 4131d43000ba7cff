#ifndef GITSPEC_BANNED_H
#define GITSPEC_BANNED_H

/*
 * Functions that are too easy to misuse (unbounded copies, hidden state).
 * Included last by every translation unit of the project through the
 * compiler's -include flag, so that a use fails to compile (git's banned.h).
 */

#define GS_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) GS_BANNED(strcpy)
#undef strcat
#define strcat(x, y) GS_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) GS_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) GS_BANNED(strncat)
#undef strtok
#define strtok(x, y) GS_BANNED(strtok)
#undef sprintf
#define sprintf(...) GS_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) GS_BANNED(vsprintf)
#undef gets
#define gets(x) GS_BANNED(gets)

#endif
