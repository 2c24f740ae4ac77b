/*
 * What later stages use of generator/import/ (importers and the link
 * checker).  Include after extern.h.
 */
#ifndef KBGEN_IMPORT_IMPORT_H
#define KBGEN_IMPORT_IMPORT_H

/* indico.c: kbgen import indico. */

struct opts;

int		 cmd_import(const struct opts *, int argc, char **argv);

/* links.c: kbgen lint --links. */

/* Check every external link of the content; exit status as cmd_lint. */
int		 cmd_links(const struct opts *);

#endif /* !KBGEN_IMPORT_IMPORT_H */
