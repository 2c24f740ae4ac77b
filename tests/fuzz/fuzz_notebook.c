/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * libFuzzer target: an executed notebook to HTML (nb_render,
 * render/notebook.c), with frames and with outputs: {html: text},
 * under small limits so that cutting is reached: streams, ANSI
 * sequences, base64 images, SVG, paths of the build machine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "render/private.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{
	struct nb_opts	 o;
	struct nb_out	 out;
	int		 t;

	for (t = 0; t < 2; t++) {
		memset(&o, 0, sizeof(o));
		o.workdir = "src/sub";
		o.img_prefix = "outputs/";
		o.max_text = t ? 64 : 4096;
		o.max_image = t ? 16 : 4096;
		o.max_notebook = 1 << 20;
		o.html_text = t;
		o.failed_index = t ? 1 : -1;
		(void)nb_render((const char *)data, sz, &o, &out);
		nb_out_free(&out);
	}
	return 0;
}
