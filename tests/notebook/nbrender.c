/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * A test tool, not a test: render an executed notebook with
 * render/notebook.c as a use-case page would, so that the golden and
 * browser tests (tests/notebook.test.sh) see its HTML without a run
 * store.  Usage:
 *
 *	nbrender [-t] [-w workdir] [-T max_text] [-I max_image]
 *	    [-N max_notebook] [-f failed_index] FILE.ipynb OUTDIR
 *
 * writes OUTDIR/notebook.html (the fragment), the image files beside
 * it and prints the warnings on stderr, "warning: " each.  -t is
 * outputs: {html: text}.  Exits 0 when rendered, 1 when not.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "render/private.h"

int
main(int argc, char *argv[])
{
	struct nb_opts	 o;
	struct nb_out	 out;
	char		*text = NULL, *p;
	size_t		 sz, i;
	int		 c, rc = 1;

	memset(&o, 0, sizeof(o));
	o.max_text = NB_MAX_TEXT;
	o.max_image = NB_MAX_IMAGE;
	o.max_notebook = NB_MAX_NOTEBOOK;
	o.failed_index = -1;
	o.path = "notebook";
	while ((c = getopt(argc, argv, "f:I:N:tT:w:")) != -1)
		switch (c) {
		case 'f':
			o.failed_index = atol(optarg);
			break;
		case 'I':
			o.max_image = strtoul(optarg, NULL, 10);
			break;
		case 'N':
			o.max_notebook = strtoul(optarg, NULL, 10);
			break;
		case 't':
			o.html_text = 1;
			break;
		case 'T':
			o.max_text = strtoul(optarg, NULL, 10);
			break;
		case 'w':
			o.workdir = optarg;
			break;
		default:
			goto usage;
		}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		goto usage;
	if (!file_read(argv[0], &text, &sz))
		return 1;
	if (!mkdirs(argv[1]))
		return 1;
	if (nb_render(text, sz, &o, &out)) {
		p = path_join(argv[1], "notebook.html");
		rc = file_write(p, out.html, out.htmlsz) ? 0 : 1;
		free(p);
		for (i = 0; i < out.imgsz; i++) {
			p = path_join(argv[1], out.imgs[i].name);
			if (!file_write(p, out.imgs[i].data,
			    out.imgs[i].datasz))
				rc = 1;
			free(p);
		}
	}
	for (i = 0; i < out.warnsz; i++)
		fprintf(stderr, "warning: %s\n", out.warns[i]);
	nb_out_free(&out);
	free(text);
	return rc;
usage:
	fputs("usage: nbrender [-t] [-w workdir] [-T max_text] "
	    "[-I max_image] [-N max_notebook] [-f failed_index] "
	    "FILE.ipynb OUTDIR\n", stderr);
	return 2;
}
