/*
 * The commands: main.c calls them with parsed options.  Include after
 * extern.h.
 */
#ifndef KBGEN_CMD_H
#define KBGEN_CMD_H

struct idx;
struct kb;

/* build.c: the commands, called by main.c with parsed options. */

struct opts {
	const char	*root;	/* -C: knowledge-base root */
	const char	*out;	/* -o: output folder, NULL for ROOT/site */
	const char	*templates;	/* --templates, NULL for the default */
	int		 drafts;	/* --drafts */
	int		 strict;	/* --strict */
	int		 force;	/* --force: rebuild even if unchanged */
	int		 jobs;	/* -j: threads, 0 for the number of CPUs */
	int		 quiet;	/* -q */
	int		 offline;	/* --offline: no network, inspect clones */
	const char	*runner;	/* --runner local|slurm, NULL: site.yaml */
	int		 changed;	/* --changed: only entries whose key changed */
	const char	*hackathon;	/* --hackathon SLUG */
	const char	*junit;	/* --junit FILE */
	const char	*json;	/* --json FILE (check), --json (status) */
	int		 prune;	/* check --prune: remove unused images */
	const char	*title;	/* new --title, may be NULL */
	int		 port;	/* serve --port, -1 for the default */
	const char	*bind;	/* serve --bind ADDR, NULL for 127.0.0.1 */
	struct clock	 now;	/* the command's now, see clock_read */
};

/* Each returns the exit status: 0 ok, 1 content errors, 2 usage. */
int		 cmd_build(const struct opts *);
int		 cmd_lint(const struct opts *);
int		 cmd_query(const struct opts *, int argc, char **argv);
void		 kb_attach_runs(struct idx *, struct kb *);

/* new.c: kbgen new, kbgen schema; init.c: kbgen init. */

int		 cmd_new(const struct opts *, int argc, char **argv);
int		 cmd_schema(const struct opts *, int argc, char **argv);
int		 cmd_init(const struct opts *, int argc, char **argv);

/* The schema files of the knowledge base at root, from its taxonomy,
 * into root/schemas (KIND.schema.json).  0 on failure (reported). */
int		 new_schemas(const char *root);
/* What a build did (build_site), for kbgen serve. */
struct build_stats {
	int		 published;	/* a new site was swapped in */
	size_t		 written;	/* files written */
	size_t		 kept;	/* files kept from the last build */
	size_t		 removed;	/* files of the last build dropped */
};

/*
 * cmd_build's build, with bs (may be NULL) filled in; the exit status
 * as cmd_build's.  o->out names the output folder.
 */
int		 build_site(const struct opts *, struct build_stats *);

/* The theme folder a build of these options reads; the caller frees it. */
char		*build_theme_dir(const struct opts *);

/* serve.c: kbgen serve. */

int		 cmd_serve(const struct opts *);

/*
 * The file a request's path (as sent: percent-encoded, no query) names
 * below the folder served: a new string, "" for the root, or NULL when
 * the path is refused (a bad escape, NUL, a control character, a
 * segment "." or ".." or starting with a dot).
 */
char		*serve_path(const char *);

/*
 * html[0..sz) with tag before its last "</body>" (or at the end): a
 * new string of *outsz bytes.
 */
char		*serve_inject(const char *, size_t, const char *, size_t *);

/*
 * Whether a request's Host header (NULL: none sent) may be answered by
 * a server bound to a loopback address: only a loopback name
 * (localhost, *.localhost, 127.x.y.z, [::1]), with or without a port.
 * Another name is a page elsewhere reaching this server through DNS
 * rebinding.
 */
int		 serve_host_ok(const char *);

/* sync.c: kbgen sync. */

int		 cmd_sync(const struct opts *, int argc, char **argv);

#endif /* !KBGEN_CMD_H */
