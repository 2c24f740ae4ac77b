/*
 * What the files of generator/git/ share and no other folder
 * uses.  Include after extern.h.
 */
#ifndef KBGEN_GIT_PRIVATE_H
#define KBGEN_GIT_PRIVATE_H

/* gitstream.c: libgit2's socket stream with time limits (KBGEN_GIT_TIMEOUT);
 * gs_init registers it.  Returns 0 on failure (reported). */

int		 gs_stream_register(void);

/*
 * The plain first paragraph of a README's text, as gs_inspect's
 * "readme" (new string, caller frees), or NULL.  For tests/fuzz.
 */
char		*gs_readme(const char *text, size_t n);

#endif /* !KBGEN_GIT_PRIVATE_H */
