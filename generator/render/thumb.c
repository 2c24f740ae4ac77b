/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Thumbnails of examples, the only libvips (and so glib) user.  From
 * the kept outputs of a use case's last passing run (model/outputs.c)
 * it picks the image to show: in an executed notebook the image output
 * of a cell tagged "thumbnail", else the first image output; for a
 * script's outputs the first image file.  It scales that image to fit
 * 400x280 (and 800x560 for srcset's 2x) without enlarging it, centres
 * it on a neutral background (letterboxing, as Sphinx-Gallery does)
 * and encodes it as WebP.  Only PNG, JPEG, WebP and SVG loaders may
 * run: the bytes are the example's, untrusted; every other libvips
 * loader is blocked, and images over THUMB_MAX_PIXELS are refused.
 * libvips is opened (dlopen) only when an image must be drawn: linked,
 * its sixty libraries would double the start of every kbgen, and the
 * build with nothing to do must stay fast.  The notebook's base64 is
 * decoded here.
 *
 * Work is cached under ROOT/.kbgen/thumbs/ (THUMB_DIR): the thumbnails
 * by the SHA-256 of the image and their size, the choice of image by
 * the notebook's ref, with the warnings it gave, so a rebuild neither
 * parses notebooks nor encodes images again, and says the same
 * warnings.  An image that does not decode is remembered too.
 * The neutral thumbnail (an SVG tile with a technology's name) is text
 * made here; which files go where in the site is render.c's and
 * model/url.c's business, and the failing mark is the templates'.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vips/vips.h>

#include "extern.h"
#include "base/base.h"
#include "model/model.h"
#include "render/private.h"

/* The cache folder below the knowledge base; v2 names this file's way
 * of drawing (v1 flattened alpha after scaling and encoded with
 * libwebp's default effort), so that a new way never shows old
 * thumbnails. */
#define THUMB_DIR	".kbgen/thumbs/v2"

/*
 * libwebp's effort (its "method", 0-6; libvips's default is 4).
 * Encoding is most of a cold build of examples with images: at 4 a
 * use case's two thumbnails took about 36 ms of CPU to encode, at 2
 * about 17 ms, for 4% more bytes at the same quality (PSNR within 0.1
 * dB on tests/bench/gennb.py's plots; make bench).
 */
#define WEBP_EFFORT	2

/* A notebook bigger than this is not searched for an image. */
#define NOTEBOOK_MAX	((size_t)256 * 1024 * 1024)

/* An image file bigger than this is not read. */
#define IMAGE_MAX	((size_t)64 * 1024 * 1024)

/* Width times height beyond which an image is refused (a bomb). */
#define THUMB_MAX_PIXELS	(100.0 * 1000 * 1000)

/* Width times height up to which a PNG with alpha is flattened whole
 * in memory (3 bytes a pixel) before scaling; a bigger one streams. */
#define FLAT_MAX_PIXELS	(16.0 * 1000 * 1000)

/* The letterbox's background, a light neutral grey. */
#define BG_R	242
#define BG_G	242
#define BG_B	242

/* The libvips to open, and the functions used of it (and of glib,
 * found through it). */
#define VIPS_LIB	"libvips.so.42"

#define FN(f)	__typeof__(f) *f
static struct {
	FN(vips_init);
	FN(vips_error_buffer);
	FN(vips_error_clear);
	FN(vips_concurrency_set);
	FN(vips_cache_set_max);
	FN(vips_operation_block_set);
	FN(vips_image_new_from_buffer);
	FN(vips_image_get_width);
	FN(vips_image_get_height);
	FN(vips_array_double_newv);
	FN(vips_area_unref);
	FN(vips_thumbnail_buffer);
	FN(vips_thumbnail_image);
	FN(vips_image_copy_memory);
	FN(vips_image_get_string);
	FN(vips_colourspace);
	FN(vips_image_hasalpha);
	FN(vips_flatten);
	FN(vips_gravity);
	FN(vips_cast_uchar);
	FN(vips_webpsave_buffer);
	FN(g_object_ref);
	FN(g_object_unref);
	FN(g_free);
	FN(g_log_set_handler);
} V;
#undef FN

/* Drop an image reference and clear the pointer. */
#define UNREF(x) do {							\
	if ((x) != NULL)						\
		(V.g_object_unref)(x);					\
	(x) = NULL;							\
} while (0)

static pthread_once_t	 vips_once = PTHREAD_ONCE_INIT;
static int		 vips_ok;

/* libvips says why a PNG or JPEG does not decode in warnings, not in
 * its error buffer: the last one of this thread, for the message. */
static _Thread_local char lastwarn[256];

/* glib's log handler for libvips: keep the message, print nothing. */
static void
keep_warning(const gchar *domain, GLogLevelFlags level, const gchar *msg,
    gpointer arg)
{
	(void)domain;
	(void)level;
	(void)arg;
	snprintf(lastwarn, sizeof(lastwarn), "%s", msg);
}

/*
 * Open libvips and start it, once: one thread per image (the build
 * runs images in parallel already), no operation cache (each image is
 * seen once), and every loader blocked but the four formats examples
 * draw.  A libvips that cannot be opened is said once, as a warning:
 * the examples then get the neutral thumbnail.
 */
static void
start_vips(void)
{
	static const char *const allowed[] = { "VipsForeignLoadPngBuffer",
	    "VipsForeignLoadSpngBuffer", "VipsForeignLoadJpegBuffer",
	    "VipsForeignLoadWebpBuffer", "VipsForeignLoadSvgBuffer" };
	static const char *const names[] = { "vips_init",
	    "vips_error_buffer", "vips_error_clear", "vips_concurrency_set",
	    "vips_cache_set_max", "vips_operation_block_set",
	    "vips_image_new_from_buffer", "vips_image_get_width",
	    "vips_image_get_height", "vips_array_double_newv",
	    "vips_area_unref", "vips_thumbnail_buffer", "vips_thumbnail_image",
	    "vips_image_copy_memory", "vips_image_get_string",
	    "vips_colourspace",
	    "vips_image_hasalpha", "vips_flatten", "vips_gravity",
	    "vips_cast_uchar", "vips_webpsave_buffer", "g_object_ref",
	    "g_object_unref", "g_free", "g_log_set_handler" };
	void	*h, *f, **slot = (void **)&V;
	size_t	 i;

	_Static_assert(sizeof(V) == sizeof(names) / sizeof(names[0]) *
	    sizeof(void *), "a name for every function of V");
	if ((h = dlopen(VIPS_LIB, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		diag_warn(NULL, 0, 0, "thumbnails: %s (install libvips42): "
		    "examples get the neutral thumbnail", dlerror());
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((f = dlsym(h, names[i])) == NULL) {
			diag_warn(NULL, 0, 0, "thumbnails: %s: no %s: examples "
			    "get the neutral thumbnail", VIPS_LIB, names[i]);
			return;
		}
		memcpy(&slot[i], &f, sizeof(f));
	}
	if (V.vips_init("kbgen") != 0) {
		diag_warn(NULL, 0, 0, "thumbnails: libvips: %s",
		    V.vips_error_buffer());
		V.vips_error_clear();
		return;
	}
	V.g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE |
	    G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG, keep_warning, NULL);
	V.vips_concurrency_set(1);
	V.vips_cache_set_max(0);
	V.vips_operation_block_set("VipsForeignLoad", TRUE);
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		V.vips_operation_block_set(allowed[i], FALSE);
	vips_ok = 1;
}

/* libvips's last message, one line, as a new string; clears it. */
static char *
vips_msg(void)
{
	char	*s, *p;

	s = xstrdup(*V.vips_error_buffer() ? V.vips_error_buffer() :
	    lastwarn[0] != '\0' ? lastwarn : "not an image kbgen reads");
	V.vips_error_clear();
	lastwarn[0] = '\0';
	for (p = s; *p != '\0'; p++)
		if (*p == '\n')
			*p = *(p + 1) == '\0' ? '\0' : ' ';
	return s;
}

/*
 * A PNG with an alpha channel (matplotlib's, always) of at most
 * FLAT_MAX_PIXELS flattened on the letterbox's background, decoded
 * into memory as 8-bit sRGB, in *flat (new); 0 when in is not such an
 * image, or on failure (*fail set; libvips's message stays for
 * vips_msg).  Flattening before scaling gives the same picture as
 * after (compositing on one colour commutes with resampling; they
 * differ by rounding, a mean squared error under 1 on the plots of
 * tests/bench/gennb.py) at about half the cost (libvips scales an
 * image with alpha premultiplied, in floating point), and once for
 * both sizes of a thumbnail.  A PNG has no shrink-on-load to lose;
 * JPEG, WebP and SVG do, and keep vips_thumbnail_buffer.
 */
static int
flat_png(VipsImage *in, VipsArrayDouble *bg, VipsImage **flat, int *fail)
{
	VipsImage	*c = NULL, *f = NULL, *u = NULL;
	const char	*loader = NULL;

	*flat = NULL;
	*fail = 0;
	if (!V.vips_image_hasalpha(in) ||
	    (double)V.vips_image_get_width(in) *
	    (double)V.vips_image_get_height(in) > FLAT_MAX_PIXELS ||
	    V.vips_image_get_string(in, "vips-loader", &loader) != 0 ||
	    loader == NULL || strncmp(loader, "pngload", 7) != 0) {
		V.vips_error_clear();
		return 0;
	}
	if (V.vips_colourspace(in, &c, VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
	    V.vips_flatten(c, &f, "background", bg, NULL) != 0 ||
	    V.vips_cast_uchar(f, &u, NULL) != 0 ||
	    (*flat = V.vips_image_copy_memory(u)) == NULL)
		*fail = 1;
	UNREF(u);
	UNREF(f);
	UNREF(c);
	return *flat != NULL;
}

/*
 * One size of a thumbnail: the image (flat, or else the bytes img) fit
 * inside w x h, letterboxed, as WebP in *out.  Returns 0 on failure,
 * libvips's message left for vips_msg.
 */
static int
encode_one(const void *img, size_t sz, VipsImage *flat, VipsArrayDouble *bg,
    int w, int h, char **out, size_t *outsz)
{
	VipsImage	*t = NULL, *c = NULL, *f = NULL, *g = NULL;
	void		*buf = NULL;
	size_t		 len = 0;
	int		 rc = 0;

	/* Fit inside w x h, never enlarged (a small plot stays sharp). */
	if (flat != NULL) {
		if (V.vips_thumbnail_image(flat, &t, w, "height", h, "size",
		    VIPS_SIZE_DOWN, NULL) != 0)
			goto out;
	} else if (V.vips_thumbnail_buffer((void *)img, sz, &t, w, "height",
	    h, "size", VIPS_SIZE_DOWN, NULL) != 0)
		goto out;
	if (V.vips_colourspace(t, &c, VIPS_INTERPRETATION_sRGB, NULL) != 0)
		goto out;
	if (V.vips_image_hasalpha(c)) {
		if (V.vips_flatten(c, &f, "background", bg, NULL) != 0)
			goto out;
	} else {
		f = c;
		(V.g_object_ref)(f);
	}
	if (V.vips_gravity(f, &g, VIPS_COMPASS_DIRECTION_CENTRE, w, h,
	    "extend", VIPS_EXTEND_BACKGROUND, "background", bg, NULL) != 0)
		goto out;
	UNREF(f);
	if (V.vips_cast_uchar(g, &f, NULL) != 0 ||
	    V.vips_webpsave_buffer(f, &buf, &len, "Q", 82, "strip", TRUE,
	    "effort", WEBP_EFFORT, NULL) != 0)
		goto out;
	*out = xmalloc(len > 0 ? len : 1);
	memcpy(*out, buf, len);
	*outsz = len;
	rc = 1;
out:
	(V.g_free)(buf);
	UNREF(g);
	UNREF(f);
	UNREF(c);
	UNREF(t);
	return rc;
}

/*
 * thumb_encode for n sizes at once, out[i] and outsz[i] for size[i]
 * (width, height): a PNG with alpha is decoded and flattened once for
 * all of them.  On failure no out[i] is left.
 */
static int
encode_sizes(const void *img, size_t sz, size_t n, const int (*size)[2],
    char **out, size_t *outsz, char **err)
{
	VipsImage	*in = NULL, *flat = NULL;
	VipsArrayDouble	*bg = NULL;
	size_t		 i;
	int		 rc = 0, fail;

	for (i = 0; i < n; i++) {
		out[i] = NULL;
		outsz[i] = 0;
	}
	*err = NULL;
	pthread_once(&vips_once, start_vips);
	lastwarn[0] = '\0';
	if (!vips_ok) {
		*err = xstrdup("libvips did not start");
		return 0;
	}
	/* The header first: the size is known before any pixel is. */
	if ((in = V.vips_image_new_from_buffer(img, sz, "", NULL)) == NULL)
		goto fail;
	if ((double)V.vips_image_get_width(in) *
	    (double)V.vips_image_get_height(in) > THUMB_MAX_PIXELS) {
		*err = xasprintf("%dx%d pixels is too big",
		    V.vips_image_get_width(in), V.vips_image_get_height(in));
		goto out;
	}
	bg = V.vips_array_double_newv(3, (double)BG_R, (double)BG_G,
	    (double)BG_B);
	if (!flat_png(in, bg, &flat, &fail) && fail)
		goto fail;
	for (i = 0; i < n; i++)
		if (!encode_one(img, sz, flat, bg, size[i][0], size[i][1],
		    &out[i], &outsz[i]))
			goto fail;
	rc = 1;
	goto out;
fail:
	*err = vips_msg();
	for (i = 0; i < n; i++) {
		free(out[i]);
		out[i] = NULL;
		outsz[i] = 0;
	}
out:
	if (bg != NULL)
		V.vips_area_unref(VIPS_AREA(bg));
	UNREF(flat);
	UNREF(in);
	return rc;
}

/*
 * See render/private.h.
 */
int
thumb_encode(const void *img, size_t sz, int w, int h, char **out,
    size_t *outsz, char **err)
{
	const int	 size[1][2] = { { w, h } };

	return encode_sizes(img, sz, 1, size, out, outsz, err);
}

/*
 * Read the cache file name of root's cache folder: 1 with *data (new,
 * NUL-terminated), 0 when absent or unreadable (said to no one: the
 * work is done again).
 */
static int
cache_get(const char *root, const char *name, char **data, size_t *sz)
{
	char	*p;
	int	 rc;

	p = xasprintf("%s/" THUMB_DIR "/%s", root, name);
	rc = file_read_cached(p, IMAGE_MAX, data, sz);
	free(p);
	return rc;
}

/*
 * Write the cache file name, atomically (several threads may write the
 * same one: each through its own temporary file).  A cache that cannot
 * be written costs time only: nothing is reported.
 */
static void
cache_put(const char *root, const char *name, const char *data, size_t sz)
{
	char	*dir, *p;

	dir = xasprintf("%s/" THUMB_DIR, root);
	p = xasprintf("%s/%s", dir, name);
	if (mkdirs(dir))
		(void)file_replace(p, data, sz, 1);
	free(p);
	free(dir);
}

/* The sizes of a use case's thumbnail: 1x, then srcset's 2x. */
static const int thumb_sizes[2][2] = { { THUMB_W, THUMB_H },
    { 2 * THUMB_W, 2 * THUMB_H } };

/*
 * See render/private.h.  Cached as HEX-WxH.webp, or HEX.bad holding
 * the reason when the image does not decode.
 */
int
thumb_cached(const char *root, const char *hex, const void *img, size_t sz,
    struct thumb_res *res, char **err)
{
	char	*name[2], *bad;
	size_t	 badsz, s;
	int	 rc = 1;

	memset(res, 0, sizeof(*res));
	*err = NULL;
	for (s = 0; s < 2; s++) {
		name[s] = xasprintf("%s-%dx%d.webp", hex, thumb_sizes[s][0],
		    thumb_sizes[s][1]);
		if (rc && !cache_get(root, name[s], &res->img[s],
		    &res->imgsz[s]))
			rc = 0;
	}
	bad = xasprintf("%s.bad", hex);
	if (rc)
		goto out;
	thumb_res_free(res);
	if (cache_get(root, bad, err, &badsz))
		goto out;
	if (img == NULL) {
		/* Not cached and no bytes given: the caller reads them. */
		rc = -1;
		goto out;
	}
	/* Both sizes from one decoding. */
	if ((rc = encode_sizes(img, sz, 2, thumb_sizes, res->img,
	    res->imgsz, err)))
		for (s = 0; s < 2; s++)
			cache_put(root, name[s], res->img[s], res->imgsz[s]);
	else if (vips_ok)
		/* The image's fault, not a libvips that did not start. */
		cache_put(root, bad, *err, strlen(*err));
out:
	free(bad);
	free(name[0]);
	free(name[1]);
	return rc;
}

/* The MIME types of images, in the order a cell's output is chosen. */
static const char *const img_types[] = { "image/png", "image/jpeg",
    "image/webp", "image/svg+xml" };

/*
 * The text of a notebook's multiline string (a string or a list of
 * strings) into b.
 */
static void
nb_text(const struct val *v, struct buf *b)
{
	size_t	 i;

	if (v == NULL)
		return;
	if (v->type == VAL_STR && v->str != NULL)
		buf_put(b, v->str, v->strsz);
	else if (v->type == VAL_LIST)
		for (i = 0; i < v->kidsz; i++)
			if (v->kids[i]->type == VAL_STR && v->kids[i]->str)
				buf_put(b, v->kids[i]->str, v->kids[i]->strsz);
}

/*
 * The first image among the outputs of cell, as new bytes in *img (an
 * SVG's text as it is, the others decoded from base64); 0 when the
 * cell shows none.
 */
static int
cell_image(const struct val *cell, char **img, size_t *imgsz)
{
	const struct val *outs, *data;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i, k;

	outs = val_get(cell, "outputs");
	for (i = 0; outs != NULL && outs->type == VAL_LIST && i < outs->kidsz;
	    i++) {
		data = val_get(outs->kids[i], "data");
		if (data == NULL || data->type != VAL_MAP)
			continue;
		for (k = 0; k < sizeof(img_types) / sizeof(img_types[0]); k++) {
			if (val_get(data, img_types[k]) == NULL)
				continue;
			nb_text(val_get(data, img_types[k]), &b);
			/* An SVG is text; invalid base64 is an image that
			 * does not decode (no bytes), said as such. */
			if (k == 3) {
				*imgsz = b.sz;
				*img = buf_steal(&b);
			} else if ((*img = base64_decode(b.data, b.sz,
			    imgsz)) == NULL) {
				*img = xstrdup("");
				*imgsz = 0;
			}
			buf_free(&b);
			return 1;
		}
	}
	return 0;
}

/* Whether cell carries the tag "thumbnail" in its metadata. */
static int
cell_tagged(const struct val *cell)
{
	const struct val *tags;
	size_t		 i;

	tags = val_get(val_get(cell, "metadata"), "tags");
	for (i = 0; tags != NULL && tags->type == VAL_LIST && i < tags->kidsz;
	    i++)
		if (tags->kids[i]->str != NULL &&
		    strcmp(tags->kids[i]->str, "thumbnail") == 0)
			return 1;
	return 0;
}

/*
 * See render/private.h.
 */
int
thumb_pick(const char *nb, size_t nbsz, char **img, size_t *imgsz,
    struct buf *warn)
{
	struct val	*doc;
	const struct val *cells, *cell, *ec;
	char		*first = NULL, *ti;
	size_t		 firstsz = 0, tisz, i;
	int		 rc = 0;

	*img = NULL;
	*imgsz = 0;
	if ((doc = json_parse(nb, nbsz)) == NULL || doc->type != VAL_MAP) {
		buf_puts(warn, "the executed notebook is not JSON\n");
		goto out;
	}
	cells = val_get(doc, "cells");
	for (i = 0; cells != NULL && cells->type == VAL_LIST &&
	    i < cells->kidsz; i++) {
		cell = cells->kids[i];
		if (cell_tagged(cell)) {
			if (cell_image(cell, &ti, &tisz)) {
				free(first);
				*img = ti;
				*imgsz = tisz;
				rc = 1;
				goto out;
			}
			ec = val_get(cell, "execution_count");
			if (ec != NULL && ec->type == VAL_NUM && ec->str)
				buf_printf(warn, "cell %zu (In [%s]) is tagged "
				    "thumbnail but shows no image\n", i + 1,
				    ec->str);
			else
				buf_printf(warn, "cell %zu is tagged thumbnail "
				    "but shows no image\n", i + 1);
		} else if (first == NULL)
			(void)cell_image(cell, &first, &firstsz);
	}
	if (first != NULL) {
		*img = first;
		*imgsz = firstsz;
		rc = 1;
	}
out:
	val_free(doc);
	return rc;
}

/*
 * Say the warnings of text (one a line) against uc.
 */
static void
say(const struct usecase *uc, const char *text)
{
	const char	*p, *nl;
	size_t		 len;

	for (p = text; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len > 0)
			diag_warn(uc->e.path, 0, 0, "use case %s: thumbnail: "
			    "%.*s", uc->e.slug, (int)len, p);
		if (nl == NULL)
			break;
	}
}

/*
 * The image of a notebook: *hex (its SHA-256) and, when the notebook
 * had to be read, its bytes.  The choice is cached as pick-NBHEX:
 * "HEX" or "-" (none) on the first line, the warnings after.
 * Returns 0 when the notebook shows no image.  With force the
 * notebook is read whatever the cache says, and its warnings are not
 * said again.
 */
static int
notebook_image(const char *root, const struct usecase *uc, const char *ref,
    int force, char hex[SHA256_HEX_LEN + 1], char **img, size_t *imgsz)
{
	struct buf	 b = { NULL, 0, 0 }, w = { NULL, 0, 0 };
	char		*name, *text = NULL, *nb = NULL, *nl;
	size_t		 sz;
	int		 rc = 0;

	*img = NULL;
	*imgsz = 0;
	name = xasprintf("pick-%s", ref + 7);
	if (!force && cache_get(root, name, &text, &sz)) {
		if ((nl = strchr(text, '\n')) != NULL) {
			*nl = '\0';
			say(uc, nl + 1);
		}
		if (strlen(text) == SHA256_HEX_LEN) {
			memcpy(hex, text, SHA256_HEX_LEN + 1);
			rc = 1;
		}
		goto out;
	}
	if (!outputs_read(root, ref, NOTEBOOK_MAX, &nb, &sz)) {
		diag_warn(uc->e.path, 0, 0, "use case %s: thumbnail: the "
		    "executed notebook %s cannot be read", uc->e.slug, ref);
		goto out;
	}
	if ((rc = thumb_pick(nb, sz, img, imgsz, &w)))
		sha256_hex(*img, *imgsz, hex);
	buf_printf(&b, "%s\n", rc ? hex : "-");
	if (w.sz > 0)
		buf_put(&b, w.data, w.sz);
	cache_put(root, name, buf_cstr(&b), b.sz);
	/* Read again for its bytes only: the warnings were said. */
	if (!force)
		say(uc, buf_cstr(&w));
out:
	buf_free(&b);
	buf_free(&w);
	free(nb);
	free(text);
	free(name);
	return rc;
}

/*
 * See render/private.h.
 */
int
thumb_usecase(const char *root, const struct usecase *uc,
    struct thumb_res *res)
{
	const struct val *m, *nbv, *ims, *im;
	const char	*kind, *ref = NULL, *type;
	char		 hex[SHA256_HEX_LEN + 1];
	char		*img = NULL, *err = NULL;
	size_t		 imgsz = 0, i;
	int		 c, nb = 0;

	memset(res, 0, sizeof(*res));
	m = val_get(uc->outputs, "passing");
	if (m == NULL || m->type != VAL_MAP)
		return 0;
	kind = val_get_str(m, "kind");
	nbv = val_get(m, "notebook");
	if (kind != NULL && strcmp(kind, "notebook") == 0 && nbv != NULL &&
	    nbv->type == VAL_MAP) {
		ref = val_get_str(nbv, "ref");
		if (!outputs_ref_valid(ref) ||
		    !notebook_image(root, uc, ref, 0, hex, &img, &imgsz))
			return 0;
		nb = 1;
	} else {
		ims = val_get(m, "images");
		for (i = 0; ims != NULL && ims->type == VAL_LIST &&
		    i < ims->kidsz; i++) {
			im = ims->kids[i];
			type = val_get_str(im, "type");
			ref = val_get_str(im, "ref");
			if (type != NULL && strncmp(type, "image/", 6) == 0 &&
			    outputs_ref_valid(ref))
				break;
		}
		if (ims == NULL || ims->type != VAL_LIST || i == ims->kidsz)
			return 0;
		memcpy(hex, ref + 7, SHA256_HEX_LEN + 1);
	}
	c = thumb_cached(root, hex, img, imgsz, res, &err);
	if (c == -1) {
		/* Not cached: the image's bytes. */
		if (nb)
			(void)notebook_image(root, uc, ref, 1, hex, &img, &imgsz);
		else if (!outputs_read(root, ref, IMAGE_MAX, &img, &imgsz)) {
			err = xasprintf("the image %s cannot be read", ref);
			c = 0;
		}
		if (c == -1 && img != NULL)
			c = thumb_cached(root, hex, img, imgsz, res, &err);
	}
	if (c != 1) {
		diag_warn(uc->e.path, 0, 0, "use case %s: thumbnail: the image "
		    "does not decode: %s", uc->e.slug, err != NULL ? err :
		    "not found");
		thumb_res_free(res);
		free(err);
		free(img);
		return 0;
	}
	free(img);
	return 1;
}

/*
 * See render/private.h.
 */
void
thumb_res_free(struct thumb_res *res)
{
	free(res->img[0]);
	free(res->img[1]);
	memset(res, 0, sizeof(*res));
}

/*
 * See render/private.h.  The name is escaped for XML; the font shrinks
 * with long names so that they fit the tile.
 */
char *
thumb_tile(const char *name)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*p;
	size_t		 n = 0, size;

	for (p = name; *p != '\0'; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			n++;
	size = n > 0 ? 620 / n : 32;
	if (size > 32)
		size = 32;
	if (size < 10)
		size = 10;
	buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#e8ebef\"/>"
	    "<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" "
	    "font-size=\"%zu\" text-anchor=\"middle\" "
	    "dominant-baseline=\"middle\" fill=\"#4a5360\">", THUMB_W,
	    THUMB_H, THUMB_W, THUMB_H, THUMB_W, THUMB_H, THUMB_W / 2,
	    THUMB_H / 2, size);
	for (p = name; *p != '\0'; p++)
		switch (*p) {
		case '&':
			buf_puts(&b, "&amp;");
			break;
		case '<':
			buf_puts(&b, "&lt;");
			break;
		case '>':
			buf_puts(&b, "&gt;");
			break;
		case '"':
			buf_puts(&b, "&quot;");
			break;
		default:
			buf_putc(&b, *p);
		}
	buf_puts(&b, "</text></svg>\n");
	return buf_steal(&b);
}
