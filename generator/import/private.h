/*
 * What the files of generator/import/ share and no other folder
 * uses.  Include after extern.h.
 */
#ifndef KBGEN_IMPORT_PRIVATE_H
#define KBGEN_IMPORT_PRIVATE_H

/* html.c: Indico's HTML descriptions to safe Markdown. */

/*
 * Turn an HTML fragment into Markdown text (new string, caller frees):
 * paragraphs, line breaks, lists, emphasis and http(s)/mailto links are
 * kept; scripts, styles and every other tag are dropped, entities
 * decoded, and '<' escaped so that no raw HTML survives.
 */
char		*html_to_md(const char *html);

/* indico.c: kbgen import indico. */

/*
 * Read an Indico export (JSON text body[0..sz), fetched from url) into
 * a new list of seminars and programme sessions without writing
 * anything (for tests/fuzz).  Caller frees with val_free; NULL when
 * body is not an export.
 */
struct val	*indico_read(const char *url, const char *body, size_t sz);

#endif /* !KBGEN_IMPORT_PRIVATE_H */
