/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Site configuration: content/site.yaml.  Every key has a default, so
 * a missing file is fine.  Sections used by other commands (check,
 * environments, runners, open_in, launch) are checked here, values and names
 * included, so that kbgen lint reports them before any job runs; they
 * are read where used.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extern.h"
#include "model/model.h"
#include "model/private.h"

/* outputs: how runs' outputs are kept (check/keep.c) and shown
 * (render/notebook.c). */
static const char *const html_modes[] = { "frame", "text", NULL };

static const struct fld outputs_flds[] = {
	{ "html", FLD_STR, 0, NULL, html_modes, 0 },
	{ "max_text", FLD_STR, 0, NULL, NULL, 0 },
	{ "max_image", FLD_STR, 0, NULL, NULL, 0 },
	{ "max_notebook", FLD_STR, 0, NULL, NULL, 0 },
	{ "max_total", FLD_STR, 0, NULL, NULL, 0 },
	{ "rtol", FLD_STR, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

static const struct fld sync_flds[] = {
	{ "allow_local", FLD_BOOL, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

static const struct fld check_flds[] = {
	{ "max_age", FLD_DURATION, 0, NULL, NULL, 0 },
	{ "keep_jobs", FLD_INT, 0, NULL, NULL, 0 },
	{ "prune_after", FLD_DURATION, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

/* environments: NAME: {image, kernel}. */
static const struct fld env_flds[] = {
	{ "image", FLD_STR, 1, NULL, NULL, 0 },
	{ "kernel", FLD_STR, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

static const struct fld data_cache_flds[] = {
	{ "max_size", FLD_STR, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

/* memory and max_file per runner: what check.c read before runners.memory. */
static const char *const runner_names[] = { "local", "slurm", NULL };
static const char *const sandboxes[] = { "bwrap", "none", NULL };

static const struct fld local_flds[] = {
	{ "sandbox", FLD_STR, 0, NULL, sandboxes, 0 },
	{ "jobs", FLD_STR, 0, NULL, NULL, 0 },
	{ "gpus", FLD_ANY, 0, NULL, NULL, 0 },
	{ "memory", FLD_STR, 0, NULL, NULL, 0 },
	{ "max_file", FLD_STR, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

static const struct fld slurm_flds[] = {
	{ "partition", FLD_STR, 0, NULL, NULL, 0 },
	{ "account", FLD_STR, 0, NULL, NULL, 0 },
	{ "gres", FLD_STR, 0, NULL, NULL, 0 },
	{ "workdir", FLD_STR, 0, NULL, NULL, 0 },
	{ "extra_args", FLD_STRS, 0, NULL, NULL, 0 },
	{ "jobs", FLD_STR, 0, NULL, NULL, 0 },
	{ "memory", FLD_STR, 0, NULL, NULL, 0 },
	{ "max_file", FLD_STR, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};


/* links: kbgen lint --links (read in links.c). */
static const struct fld links_flds[] = {
	{ "max_age", FLD_DURATION, 0, NULL, NULL, 0 },
	{ "timeout", FLD_DURATION, 0, NULL, NULL, 0 },
	{ "per_host", FLD_INT, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

/* runners: read by check.c and runners.c. */
static const struct fld runners_flds[] = {
	{ "default", FLD_STR, 0, NULL, runner_names, 0 },
	{ "environment", FLD_STR, 0, NULL, NULL, 0 },
	{ "pip_index", FLD_STR, 0, NULL, NULL, 0 },
	{ "memory", FLD_STR, 0, NULL, NULL, 0 },
	{ "data_cache", FLD_MAP, 0, data_cache_flds, NULL, 0 },
	{ "local", FLD_MAP, 0, local_flds, NULL, 0 },
	{ "slurm", FLD_MAP, 0, slurm_flds, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

/*
 * launch: the buttons (read in model/hosting.c).  Each is true, false
 * or a mapping of the keys its table allows; the hub of a JupyterHub
 * is required.  check_launch reads these, not schema_check: unknown
 * keys are errors there, not warnings, since a misspelt button or hub
 * would silently vanish from every page.
 */
static const struct fld colab_flds[] = {
	{ "label", FLD_STR, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

static const struct fld hub_flds[] = {
	{ "label", FLD_STR, 0, NULL, NULL, 0 },
	{ "hub", FLD_STR, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

static const struct fld launch_flds[] = {
	{ "colab", FLD_ANY, 0, colab_flds, NULL, 0 },
	{ "binder", FLD_ANY, 0, hub_flds, NULL, 0 },
	{ "jupyterhub", FLD_ANY, 0, hub_flds, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

/* site.yaml, with its sections nested (launch is check_launch's). */
static const struct fld site_flds[] = {
	{ "title", FLD_STR, 0, NULL, NULL, 0 },
	{ "description", FLD_STR, 0, NULL, NULL, 0 },
	{ "base_url", FLD_STR, 0, NULL, NULL, 0 },
	{ "language", FLD_STR, 0, NULL, NULL, 0 },
	{ "timezone", FLD_STR, 0, NULL, NULL, 0 },
	{ "edit_url", FLD_STR, 0, NULL, NULL, 0 },
	{ "contact", FLD_STR, 0, NULL, NULL, 0 },
	{ "unsafe_html", FLD_BOOL, 0, NULL, NULL, 0 },
	{ "open_in", FLD_LIST, 0, NULL, NULL, 0 },
	{ "launch", FLD_MAP, 0, launch_flds, NULL, 0 },
	{ "check", FLD_MAP, 0, check_flds, NULL, 0 },
	{ "environments", FLD_MAP, 0, env_flds, NULL, 1 },
	{ "runners", FLD_MAP, 0, runners_flds, NULL, 0 },
	{ "search", FLD_MAP, 0, NULL, NULL, 0 },
	{ "links", FLD_MAP, 0, links_flds, NULL, 0 },
	{ "sync", FLD_MAP, 0, sync_flds, NULL, 0 },
	{ "max_file_size", FLD_STR, 0, NULL, NULL, 0 },
	{ "outputs", FLD_MAP, 0, outputs_flds, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

/* See model/model.h. */
const struct fld_root site_table = { "site configuration",
    "content/site.yaml", site_flds };

/* outputs: a size key into *dst; 0 when it is no size (reported). */
static int
outputs_size(const char *path, const struct val *o, const char *key,
    size_t *dst)
{
	const struct val *v = val_get(o, key);
	long long	 n;

	if (!schema_size(path, v, key))
		return 0;
	if (v != NULL && v->str != NULL && size_parse(v->str, &n))
		*dst = (size_t)n;
	return 1;
}

/*
 * outputs.rtol: the relative tolerance within which two runs' numbers
 * are the same (model/outdiff.c), a number from 0 to 1, into *dst.
 */
static int
outputs_rtol(const char *path, const struct val *v, double *dst)
{
	char	*end;
	double	 d;

	if (v == NULL)
		return 1;
	if (v->str != NULL) {
		d = strtod(v->str, &end);
		if (end != v->str && *end == '\0' && d >= 0 && d <= 1) {
			*dst = d;
			return 1;
		}
	}
	diag_err(path, v->line, v->col, "outputs.rtol must be a number "
	    "from 0 to 1 (a relative tolerance, e.g. 0.001), not \"%s\"",
	    v->str != NULL ? v->str : "a list or map");
	return 0;
}

/* The outputs section: sizes, and html: frame (the default) or text. */
static int
check_outputs(const char *path, const struct val *o, struct site *s)
{
	const struct val *v;
	int		 ok;

	ok = schema_check_at(path, o, site_flds, "outputs",
	    "outputs section");
	ok = outputs_size(path, o, "max_text", &s->out_max_text) && ok;
	ok = outputs_size(path, o, "max_image", &s->out_max_image) && ok;
	ok = outputs_size(path, o, "max_notebook", &s->out_max_notebook) &&
	    ok;
	ok = schema_size(path, val_get(o, "max_total"), "max_total") && ok;
	ok = outputs_rtol(path, val_get(o, "rtol"), &s->out_rtol) && ok;
	/* schema_check_at reported any other word. */
	if ((v = val_get(o, "html")) != NULL && v->str != NULL &&
	    strcmp(v->str, "text") == 0)
		s->out_html_text = 1;
	return ok;
}

/* A hub: an https URL with a host and no query, fragment or blanks. */
static int
check_hub(const char *path, const struct val *v)
{
	const char	*s = v->str, *p;

	if (s == NULL) {
		diag_err(path, v->line, v->col, "\"hub\" must be an https:// "
		    "URL, not %s", v->type == VAL_MAP ? "a mapping" :
		    "a list");
		return 0;
	}
	if (strncmp(s, "https://", 8) != 0 || s[8] == '\0' || s[8] == '/')
		goto bad;
	for (p = s + 8; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("?#\\\"'<>`{}|^@", *p) != NULL)
			goto bad;
	return 1;
bad:
	diag_err(path, v->line, v->col, "\"hub\" must be an https:// URL "
	    "without query, fragment or user (https://hub.example.org), "
	    "not \"%s\"", s);
	return 0;
}

/* The keys of a table, at most max, into out; returns how many. */
static size_t
keys_of(const struct fld *t, const char **out, size_t max)
{
	size_t	 n;

	for (n = 0; n < max && t[n].key != NULL; n++)
		out[n] = t[n].key;
	return n;
}

/* Is key one of the n keys? */
static int
known_key(const char *const *keys, size_t n, const char *key)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return 1;
	return 0;
}

static int
check_launch(const char *path, const struct val *l)
{
	const struct val *b, *v;
	const char	*sug, *names[8], *keys[8];
	size_t		 i, j, k, n, nk;
	int		 ok = 1, on, hub;

	n = keys_of(launch_flds, names, 8);
	for (i = 0; i < l->kidsz; i++) {
		b = l->kids[i];
		for (k = 0; k < n; k++)
			if (strcmp(b->key, names[k]) == 0)
				break;
		if (k == n) {
			sug = schema_suggest(b->key, names, n);
			diag_err(path, b->kline, b->kcol, "unknown launch "
			    "button \"%s\"%s%s%s (known: colab, binder, "
			    "jupyterhub)", b->key, sug ? "; did you mean \"" :
			    "", sug ? sug : "", sug ? "\"?" : "");
			ok = 0;
			continue;
		}
		/* A JupyterHub's button is nothing without its hub. */
		hub = strcmp(b->key, "jupyterhub") == 0;
		if (b->type == VAL_NULL)
			continue;
		if (b->type != VAL_MAP) {
			if (!bool_value(b, &on)) {
				diag_err(path, b->line, b->col, "launch "
				    "button \"%s\" must be true, false or a "
				    "mapping such as {label: %s}", b->key,
				    b->key);
				ok = 0;
			} else if (on && hub) {
				diag_err(path, b->line, b->col, "launch "
				    "button \"jupyterhub\" needs a hub: "
				    "{hub: https://hub.example.org}");
				ok = 0;
			}
			continue;
		}
		nk = keys_of(launch_flds[k].sub, keys, 8);
		for (j = 0; j < b->kidsz; j++) {
			v = b->kids[j];
			if (!known_key(keys, nk, v->key)) {
				sug = schema_suggest(v->key, keys, nk);
				diag_err(path, v->kline, v->kcol, "unknown key "
				    "\"%s\" in launch button \"%s\"%s%s%s",
				    v->key, b->key, sug ? "; did you mean \"" :
				    "", sug ? sug : "", sug ? "\"?" : "");
				ok = 0;
				continue;
			}
			if (strcmp(v->key, "hub") == 0) {
				if (!check_hub(path, v))
					ok = 0;
			} else if (v->str == NULL) {
				diag_err(path, v->line, v->col, "\"label\" "
				    "must be a single value");
				ok = 0;
			}
		}
		if (hub && val_get(b, "hub") == NULL) {
			diag_err(path, b->line, b->col, "launch button "
			    "\"jupyterhub\" needs a hub: {hub: "
			    "https://hub.example.org}");
			ok = 0;
		}
	}
	return ok;
}

/*
 * Environment names: [a-z0-9][a-z0-9_.-]*, for folder and cache names.
 */
static int
env_name_valid(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return 0;
	for (s++; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_' || *s == '.' || *s == '-'))
			return 0;
	return 1;
}

/*
 * See model/private.h.
 */
int
kernel_name_valid(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		    *s == '-'))
			return 0;
	return 1;
}

/*
 * See model/private.h.
 */
int
site_kernel_check(const char *path, const struct val *v)
{
	if (v == NULL || v->str == NULL || kernel_name_valid(v->str))
		return 1;
	diag_err(path, v->line, v->col, "\"kernel\" must be a kernel name "
	    "(letters, digits, '.', '_' and '-'), not \"%s\"", v->str);
	return 0;
}

/*
 * environments: each name well formed, each entry a map with a
 * well-formed image reference.
 */
static int
check_environments(const char *path, const struct val *envs)
{
	const struct val *e, *img;
	char		*what, *err;
	size_t		 i;
	int		 ok = 1;

	for (i = 0; i < envs->kidsz; i++) {
		e = envs->kids[i];
		if (!env_name_valid(e->key)) {
			diag_err(path, e->kline, e->kcol, "environment name "
			    "\"%s\" must match [a-z0-9][a-z0-9_.-]* "
			    "(lower-case letters, digits, '_', '.' and '-')",
			    e->key);
			ok = 0;
		}
		if (e->type != VAL_MAP) {
			diag_err(path, e->line ? e->line : e->kline,
			    e->line ? e->col : e->kcol, "environment \"%s\" "
			    "must be a mapping such as {image: \"docker://"
			    "REF\"}, not %s", e->key, e->type == VAL_LIST ?
			    "a list" : e->type == VAL_NULL ? "nothing" :
			    "a single value");
			ok = 0;
			continue;
		}
		what = xasprintf("environment \"%s\"", e->key);
		if (!schema_check_at(path, e, site_flds, "environments.NAME",
		    what))
			ok = 0;
		free(what);
		if ((img = val_get(e, "image")) != NULL && img->str != NULL &&
		    img->strsz > 0 && !image_ref_check(img->str, &err)) {
			diag_err(path, img->line, img->col, "%s", err);
			free(err);
			ok = 0;
		}
		if (!site_kernel_check(path, val_get(e, "kernel")))
			ok = 0;
	}
	return ok;
}

/*
 * runners.local.gpus: auto, a number of GPUs, or a list of device
 * indices (N of /dev/nvidiaN) and absolute device paths (a site that
 * keeps its nodes elsewhere), each once.
 */
static int
check_gpus(const char *path, const struct val *v)
{
	const struct val *it;
	long long	 n, seen[64];
	size_t		 i, j;
	int		 ok = 1;

	if (v == NULL || v->type == VAL_NULL)
		return 1;
	if (v->type != VAL_LIST) {
		if (v->str != NULL && strcmp(v->str, "auto") == 0)
			return 1;
		if (v->str != NULL && (v->str[0] < '0' || v->str[0] > '9')) {
			diag_err(path, v->line, v->col, "\"gpus\" must be "
			    "auto, a number of GPUs from 0 to 64 or a list of "
			    "GPU indices, not \"%s\"", v->str);
			return 0;
		}
		if (v->str == NULL) {
			diag_err(path, v->line, v->col, "\"gpus\" must be "
			    "auto, a number of GPUs from 0 to 64 or a list of "
			    "GPU indices, not a mapping");
			return 0;
		}
		return schema_range(path, v, "gpus", 0, 64, NULL);
	}
	if (v->kidsz > 64) {
		diag_err(path, v->line, v->col, "\"gpus\" lists %zu GPUs; "
		    "at most 64", v->kidsz);
		return 0;
	}
	for (i = 0; i < v->kidsz; i++) {
		it = v->kids[i];
		seen[i] = -1;
		if (it->str == NULL) {
			diag_err(path, it->line, it->col, "a GPU must be an "
			    "index from 0 to 63 or a device path");
			ok = 0;
			continue;
		}
		if (it->str[0] == '/') {
			for (j = 0; j < i; j++)
				if (v->kids[j]->str != NULL &&
				    strcmp(v->kids[j]->str, it->str) == 0) {
					diag_err(path, it->line, it->col, "GPU "
					    "%s is listed twice", it->str);
					ok = 0;
					break;
				}
			continue;
		}
		if (!schema_range(path, it, "gpus", 0, 63, &n)) {
			ok = 0;
			continue;
		}
		for (j = 0; j < i; j++)
			if (seen[j] == n) {
				diag_err(path, it->line, it->col, "GPU index "
				    "%lld is listed twice", n);
				ok = 0;
				break;
			}
		seen[i] = n;
	}
	return ok;
}

/* A runner's own memory and max_file, both sizes; both reported. */
static int
sizes(const char *path, const struct val *r)
{
	int	 ok;

	ok = schema_size(path, val_get(r, "memory"), "memory");
	return schema_size(path, val_get(r, "max_file"), "max_file") && ok;
}

/*
 * runners: every key, value and name the runners will use.
 */
static int
check_runners(const char *path, const struct val *tree,
    const struct val *r)
{
	const struct val *v;
	int		 ok = 1;

	if (!schema_check_at(path, r, site_flds, "runners",
	    "runners section"))
		ok = 0;
	if (!site_env_check(tree, path, val_get(r, "environment")))
		ok = 0;
	if (!schema_http_url(path, val_get(r, "pip_index"), "pip_index"))
		ok = 0;
	if (!schema_size(path, val_get(r, "memory"), "memory"))
		ok = 0;
	if ((v = val_get(r, "data_cache")) != NULL && v->type == VAL_MAP) {
		if (!schema_check_at(path, v, site_flds, "runners.data_cache",
		    "data_cache section"))
			ok = 0;
		if (!schema_size(path, val_get(v, "max_size"), "max_size"))
			ok = 0;
	}
	if ((v = val_get(r, "local")) != NULL && v->type == VAL_MAP) {
		if (!schema_check_at(path, v, site_flds, "runners.local",
		    "runners.local section"))
			ok = 0;
		if (!schema_range(path, val_get(v, "jobs"), "jobs", 1, 256,
		    NULL))
			ok = 0;
		if (!check_gpus(path, val_get(v, "gpus")))
			ok = 0;
		if (!sizes(path, v))
			ok = 0;
	}
	if ((v = val_get(r, "slurm")) != NULL && v->type == VAL_MAP) {
		if (!schema_check_at(path, v, site_flds, "runners.slurm",
		    "runners.slurm section"))
			ok = 0;
		if (!schema_range(path, val_get(v, "jobs"), "jobs", 1, 256,
		    NULL))
			ok = 0;
		if (!sizes(path, v))
			ok = 0;
	}
	return ok;
}

/*
 * See model/private.h.
 */
int
site_env_check(const struct val *tree, const char *path,
    const struct val *v)
{
	const struct val *envs;
	const char	**names, *sug;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i;

	if (v == NULL || v->str == NULL)
		return 1;
	envs = val_get(tree, "environments");
	if (envs == NULL || envs->type != VAL_MAP || envs->kidsz == 0) {
		diag_err(path, v->line, v->col, "unknown environment \"%s\": "
		    "site.yaml defines no environments", v->str);
		return 0;
	}
	if (val_get(envs, v->str) != NULL)
		return 1;
	names = xcalloc(envs->kidsz, sizeof(*names));
	for (i = 0; i < envs->kidsz; i++) {
		names[i] = envs->kids[i]->key;
		buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
	}
	if ((sug = schema_suggest(v->str, names, envs->kidsz)) != NULL)
		diag_err(path, v->line, v->col, "unknown environment \"%s\"; "
		    "did you mean \"%s\"?", v->str, sug);
	else
		diag_err(path, v->line, v->col, "unknown environment \"%s\" "
		    "(site.yaml defines %s)", v->str, buf_cstr(&b));
	buf_free(&b);
	free(names);
	return 0;
}

/*
 * contact: where to reach the initiative when a person gives no
 * address of their own: a mailing list's e-mail address or an http(s)
 * page.  Anything else is an error, and no contact.
 */
static int
check_contact(const char *path, const struct val *v, struct site *s)
{
	if (v == NULL || v->type == VAL_NULL)
		return 1;
	if (v->str == NULL)
		return 0;
	if (email_valid(v->str)) {
		s->contact = v->str;
		s->contact_email = 1;
		return 1;
	}
	if (strncasecmp(v->str, "http://", 7) == 0 ||
	    strncasecmp(v->str, "https://", 8) == 0) {
		if (!schema_http_url(path, v, "contact"))
			return 0;
		s->contact = v->str;
		return 1;
	}
	diag_err(path, v->line, v->col, "\"contact\" must be an e-mail "
	    "address (a mailing list) or an http:// or https:// page, not "
	    "\"%s\"", v->str);
	return 0;
}

/*
 * Load site.yaml at path into s (zeroed by the caller); with use 0
 * (a file refused by the caller) only the defaults.  Returns 0 on
 * errors (reported); s always ends up with usable defaults.
 */
int
site_config_load(struct site *s, const char *path, int use)
{
	char		*text = NULL;
	size_t		 sz;
	const struct val *v;
	struct stat	 st;
	long long	 n;
	int		 ok = 1;

	s->path = xstrdup(path);
	s->title = "Knowledge Base";
	s->description = NULL;
	s->language = "en";
	s->timezone = "UTC";
	s->max_file = MAX_FILE_SIZE;
	s->out_max_text = 1024 * 1024;
	s->out_max_image = 5 * 1024 * 1024;
	s->out_max_notebook = 64 * 1024 * 1024;
	s->out_rtol = 0.001;
	/* No fopen to probe: it would wait on a FIFO. */
	if (!use || (stat(path, &st) == -1 && errno == ENOENT))
		return 1;
	if (!file_read_input(path, MAX_FILE_SIZE, &text, &sz))
		return 0;
	s->tree = fm_yaml(path, text, sz, 0);
	free(text);
	if (s->tree == NULL)
		return 0;
	if (s->tree->type == VAL_NULL)
		return 1;
	if (!schema_check(path, s->tree, site_flds, "site configuration"))
		ok = 0;
	if (s->tree->type != VAL_MAP)
		return 0;
	if ((v = val_get(s->tree, "check")) != NULL && v->type == VAL_MAP &&
	    !schema_check_at(path, v, site_flds, "check", "check section"))
		ok = 0;
	if ((v = val_get(s->tree, "launch")) != NULL && v->type == VAL_MAP &&
	    !check_launch(path, v))
		ok = 0;
	if ((v = val_get(s->tree, "links")) != NULL && v->type == VAL_MAP &&
	    !schema_check_at(path, v, site_flds, "links", "links section"))
		ok = 0;
	if ((v = val_get(s->tree, "sync")) != NULL && v->type == VAL_MAP) {
		if (!schema_check_at(path, v, site_flds, "sync",
		    "sync section"))
			ok = 0;
		if ((v = val_get(v, "allow_local")) != NULL)
			(void)bool_value(v, &s->allow_local);
	}
	if ((v = val_get(s->tree, "outputs")) != NULL && v->type == VAL_MAP &&
	    !check_outputs(path, v, s))
		ok = 0;
	v = val_get(s->tree, "max_file_size");
	if (!schema_size(path, v, "max_file_size"))
		ok = 0;
	else if (v != NULL && v->str != NULL && size_parse(v->str, &n))
		s->max_file = (size_t)n;
	if ((v = val_get(s->tree, "environments")) != NULL &&
	    v->type == VAL_MAP && !check_environments(path, v))
		ok = 0;
	if ((v = val_get(s->tree, "runners")) != NULL && v->type == VAL_MAP &&
	    !check_runners(path, s->tree, v))
		ok = 0;
	if (val_get_str(s->tree, "title") != NULL)
		s->title = val_get_str(s->tree, "title");
	s->description = val_get_str(s->tree, "description");
	s->base_url = val_get_str(s->tree, "base_url");
	if (val_get_str(s->tree, "language") != NULL)
		s->language = val_get_str(s->tree, "language");
	if (val_get_str(s->tree, "timezone") != NULL)
		s->timezone = val_get_str(s->tree, "timezone");
	s->edit_url = val_get_str(s->tree, "edit_url");
	if (!check_contact(path, val_get(s->tree, "contact"), s))
		ok = 0;
	if ((v = val_get(s->tree, "unsafe_html")) != NULL)
		(void)bool_value(v, &s->unsafe_html);
	return ok;
}

void
site_config_free(struct site *s)
{
	val_free(s->tree);
	free(s->path);
}
