/*
 * What the files of generator/model/ share and no other folder
 * uses.  Include after extern.h.
 */
#ifndef KBGEN_MODEL_PRIVATE_H
#define KBGEN_MODEL_PRIVATE_H

struct fld;
struct site;
struct taxonomy;
struct term;

/* schema.c: check a YAML mapping against a table of known keys. */

int		 schema_check(const char *path, const struct val *map,
		    const struct fld *flds, const char *what);
const char	*schema_suggest(const char *word, const char *const *cands,
		    size_t candsz);

/* The up to max candidates nearest to word, all at one distance. */
size_t		 schema_nearest(const char *word,
		    const char *const *cands, size_t candsz,
		    const char **out, size_t max);

/*
 * As schema_check, for the map at place (dotted keys; "" the top, a
 * list's items at the list's key) in the tree of tables root: a key
 * known elsewhere in the tree is an error naming where it belongs.
 */
int		 schema_check_at(const char *path, const struct val *map,
		    const struct fld *root, const char *place,
		    const char *what);

/*
 * The table of place (dotted keys as schema_check_at's, "" for root
 * itself; a name under a mapping of names is skipped) in the tree of
 * root, or NULL.
 */
const struct fld *schema_table_at(const struct fld *root, const char *place);

/*
 * Checks of one value after schema_check: absent (NULL, null) is fine,
 * a non-scalar was reported there and gives 0 silently; else 1, or 0
 * with an error at v's position naming key.
 */
int		 schema_enum(const char *path, const struct val *v,
		    const char *key, const char *const *set, size_t n);
int		 schema_range(const char *path, const struct val *v,
		    const char *key, long long lo, long long hi,
		    long long *out);
int		 schema_size(const char *path, const struct val *v,
		    const char *key);
int		 schema_http_url(const char *path, const struct val *v,
		    const char *key);
int		 schema_email(const char *path, const struct val *v,
		    const char *key);
int		 schema_orcid(const char *path, const struct val *v,
		    const char *key);
int		 time_valid(const char *);

/* taxonomy.c, config.c, content.c: the in-memory model. */

struct term	*tax_find_any(const struct taxonomy *, const char *);

int		 site_config_load(struct site *, const char *path, int use);
void		 site_config_free(struct site *);

/*
 * Whether v (a value of the file path; NULL or not a scalar: yes) names
 * an environment of the site configuration tree's environments; an
 * unknown one is reported with the nearest name.
 */
int		 site_env_check(const struct val *tree, const char *path,
		    const struct val *v);

/* Kernel names: [A-Za-z0-9._-]+. */
int		 kernel_name_valid(const char *);

/* As kernel_name_valid, reporting a bad "kernel" value v of path. */
int		 site_kernel_check(const char *path, const struct val *v);

/* url.c: the URL layout; every path of the site, below its root. */

/* Is slug a top-level name the site's own pages use ("people", ...)? */
int		 url_reserved(const char *slug);

/* ical.c: the only libical user.  RFC 5545 calendars. */

/* Is tz a time zone libical knows ("UTC" or an IANA name)? */
int		 ical_zone_valid(const char *tz);

/* model/imageref.c: image references parsed, no file or network access. */

/*
 * Syntax of an image reference, without touching files or network:
 * docker://[HOST[:PORT]/]NAME[:TAG][@sha256:HEX], oci:DIR[:TAG],
 * oci-archive:PATH[:REF], docker-archive:PATH[:REF], rootfs:PATH.
 * Returns 1, or 0 with *err a new one-line message (caller frees).
 */
int		 image_ref_check(const char *ref, char **err);

#endif /* !KBGEN_MODEL_PRIVATE_H */
