/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * kbgen's command line: global options, the subcommand, and the exit
 * status (0 success, 1 content or run errors, 2 usage errors).  The
 * commands themselves live in build.c.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "check/check.h"
#include "import/import.h"
#include "cmd.h"

static const char usage_text[] =
"usage: kbgen [-C DIR] COMMAND [OPTIONS] [ARGS]\n"
"\n"
"Build a searchable knowledge-base site of runnable machine-learning use\n"
"cases from a folder of Markdown and YAML (DIR/content).\n"
"\n"
"Commands:\n"
"  build [-o OUT] [--drafts] [--force] [-j N]\n"
"                      check the content and publish the site to OUT\n"
"                      (default DIR/site), atomically and incrementally\n"
"  lint [--strict] [--links] [--force]\n"
"                      check the content only; --strict makes warnings errors;\n"
"                      --links checks every external link too (cached in\n"
"                      DIR/.kbgen for site.yaml links.max_age, default 1d;\n"
"                      --force rechecks), broken ones fail with --strict\n"
"  query DIM=TERM...   list the use cases carrying every term, from the index\n"
"                      (DIM: technology, field, tool; aliases accepted), e.g.\n"
"                      kbgen query technology=CNN field=\"High Energy Physics\"\n"
"  sync [SLUG...] [--jobs N] [--offline] [--strict]\n"
"                      clone or fetch the use cases' repositories into\n"
"                      DIR/.kbgen/repos and pin each ref to a commit;\n"
"                      KBGEN_GIT_TOKEN is sent as the password for https\n"
"  check [SLUG...] [--runner local|slurm] [--jobs N] [--force] [--changed]\n"
"        [--hackathon SLUG] [--junit FILE] [--json FILE] [--strict]\n"
"                      re-execute the examples at their pinned commits, in\n"
"                      their environments, and record the results; exit 1\n"
"                      on a regression, with --strict when any example does\n"
"                      not pass\n"
"  check --prune       remove unpacked images and requirement environments\n"
"                      that no running check uses, then exit\n"
"  status [--json]     the last result of every example: status, reason,\n"
"                      date, runner, GPUs, seconds, message\n"
"  import indico URL [--hackathon SLUG]\n"
"                      add or update seminars (DIR/content/seminars) from an\n"
"                      Indico export (/export/categ/ID.json, /export/event/\n"
"                      ID.json or an event page); with --hackathon, the event's\n"
"                      timetable becomes the programme of that hackathon;\n"
"                      KBGEN_INDICO_TOKEN is sent as a bearer token\n"
"  new usecase|person|hackathon|seminar|page SLUG [--title TITLE]\n"
"                      write DIR/content/KIND/SLUG from a scaffold\n"
"                      (templates/new/), never over an existing file\n"
"  init NEWDIR         a new knowledge base that builds at once, with CI\n"
"                      recipes for GitLab and GitHub and editor schemas\n"
"  schema [KIND] [-o OUTDIR]\n"
"                      the JSON Schema of the content files (KIND: usecase,\n"
"                      person, hackathon, page, seminars, site, taxonomy);\n"
"                      -o writes OUTDIR/KIND.schema.json for each\n"
"  serve [--port N] [--bind ADDR] [--drafts]\n"
"                      build into a private folder (not DIR/site) and\n"
"                      serve it on http://127.0.0.1:1414/ (--port 0: any\n"
"                      free port); rebuild when content/ or the theme\n"
"                      changes, reload open pages, show errors over them\n"
"\n"
"Options:\n"
"  -C DIR              the knowledge base's root (default: .)\n"
"  -o OUT              output folder for build (default: DIR/site)\n"
"  --templates DIR     the theme (default: DIR/templates, else the installed one)\n"
"  --drafts            include entries marked draft: true\n"
"  --force             rebuild even when no input changed\n"
"  -j, --jobs N        at once: build threads (default: the number of CPUs),\n"
"                      sync fetches (default: 4), check examples (default:\n"
"                      site.yaml runners.RUNNER.jobs, else 2)\n"
"  --offline           sync: do not fetch, describe what is collected\n"
"  --port N            serve: the port (default 1414; 0: any free port)\n"
"  --bind ADDR         serve: the address (default 127.0.0.1)\n"
"  -q, --quiet         print errors only\n"
"  -h, --help          this help\n"
"  -V, --version       print the version\n"
"\n"
"Exit status: 0 success, 1 content errors, 2 usage errors.\n"
"See kbgen(1) for commands and kbgen(5) for the content format.\n";

/*
 * The commands and the options each accepts (getopt codes of the
 * table in main); -C, -q, -h and -V go with every command.
 */
static const struct cmd {
	const char	*name;
	const char	*opts;	/* option codes that apply */
	int		 args;	/* takes arguments */
} cmds[] = {
	{ "build", "oDFjTS", 0 },
	{ "lint", "SLFj", 0 },
	{ "query", "", 1 },
	{ "sync", "jOS", 1 },
	{ "check", "RjFGHJNSP", 1 },
	{ "status", "N", 0 },
	{ "import", "H", 1 },
	{ "new", "ET", 1 },
	{ "init", "T", 1 },
	{ "schema", "o", 1 },
	{ "serve", "pBDjT", 0 },
	{ "help", "", 0 },
};

static int
usage(const char *msg)
{
	if (msg != NULL)
		fprintf(stderr, "kbgen: %s\n", msg);
	fputs("usage: kbgen [-C DIR] build|lint|query|sync|check|status|"
	    "import|new|init|schema|serve "
	    "[OPTIONS]; "
	    "kbgen --help for more\n", stderr);
	return 2;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "drafts", no_argument, NULL, 'D' },
		{ "force", no_argument, NULL, 'F' },
		{ "strict", no_argument, NULL, 'S' },
		{ "templates", required_argument, NULL, 'T' },
		{ "offline", no_argument, NULL, 'O' },
		{ "runner", required_argument, NULL, 'R' },
		{ "changed", no_argument, NULL, 'G' },
		{ "hackathon", required_argument, NULL, 'H' },
		{ "junit", required_argument, NULL, 'J' },
		{ "json", required_argument, NULL, 'N' },
		{ "links", no_argument, NULL, 'L' },
		{ "prune", no_argument, NULL, 'P' },
		{ "title", required_argument, NULL, 'E' },
		{ "port", required_argument, NULL, 'p' },
		{ "bind", required_argument, NULL, 'B' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts	 o;
	const struct cmd *cp = NULL;
	const char	*cmd = NULL, *seen[128];
	char		*end, name[64];
	int		 c, i, j, li, nargs = 0, links = 0, nseen = 0;
	int		 when[128], first;
	size_t		 k;
	char		**args;

	/*
	 * A file size limit (ulimit -f) must fail the write with EFBIG,
	 * reported, rather than kill kbgen halfway through a build.
	 */
	signal(SIGXFSZ, SIG_IGN);
	memset(&o, 0, sizeof(o));
	memset(seen, 0, sizeof(seen));
	o.root = ".";
	o.port = -1;
	args = calloc((size_t)argc + 1, sizeof(char *));
	if (args == NULL)
		return 1;
	/*
	 * Options may come before or after the command, as with git;
	 * "+" keeps getopt from permuting so "--" and DIM=TERM stay.
	 */
	while (optind < argc) {
		/* "kbgen status --json" takes no file: the table goes out. */
		if (cmd != NULL && strcmp(cmd, "status") == 0 &&
		    strcmp(argv[optind], "--json") == 0) {
			o.json = "-";
			optind++;
			continue;
		}
		li = -1;
		if ((c = getopt_long(argc, argv, "+C:o:j:qhV", longopts,
		    &li)) == -1) {
			if (cmd == NULL)
				cmd = argv[optind];
			else
				args[nargs++] = argv[optind];
			optind++;
			continue;
		}
		/* Which spelling was given, for "unexpected option". */
		if (c > 0 && c < 128 && seen[c] == NULL) {
			seen[c] = li >= 0 ? longopts[li].name : c == 'o' ?
			    "o" : c == 'j' ? "j" : "";
			when[c] = nseen++;
		}
		switch (c) {
		case 'C':
			o.root = optarg;
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'j':
			o.jobs = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o.jobs < 1) {
				free(args);
				return usage("-j needs a positive number");
			}
			break;
		case 'D':
			o.drafts = 1;
			break;
		case 'F':
			o.force = 1;
			break;
		case 'L':
			links = 1;
			break;
		case 'P':
			o.prune = 1;
			break;
		case 'p':
			o.port = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || *optarg == '\0' || o.port < 0 ||
			    o.port > 65535) {
				free(args);
				return usage("--port needs a number from 0 "
				    "(any free port) to 65535");
			}
			break;
		case 'B':
			o.bind = optarg;
			break;
		case 'S':
			o.strict = 1;
			break;
		case 'O':
			o.offline = 1;
			break;
		case 'R':
			o.runner = optarg;
			break;
		case 'G':
			o.changed = 1;
			break;
		case 'H':
			o.hackathon = optarg;
			break;
		case 'J':
			o.junit = optarg;
			break;
		case 'N':
			o.json = optarg;
			break;
		case 'T':
			o.templates = optarg;
			break;
		case 'E':
			o.title = optarg;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			free(args);
			return 0;
		case 'V':
			printf("kbgen %s\n", KBGEN_VERSION);
			free(args);
			return 0;
		default:
			free(args);
			return usage(NULL);
		}
	}
	if (cmd == NULL) {
		free(args);
		return usage("no command given");
	}
	for (k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++)
		if (strcmp(cmd, cmds[k].name) == 0)
			cp = &cmds[k];
	if (cp == NULL) {
		fprintf(stderr, "kbgen: unknown command \"%s\"\n", cmd);
		free(args);
		return usage(NULL);
	}

	/*
	 * Options and arguments that do not belong to the command are
	 * errors, not ignored: "lint --runner slurm" must not pass.
	 */
	for (first = 0, c = 1; c < 128; c++)
		if (seen[c] != NULL && strchr("CqhV", c) == NULL &&
		    strchr(cp->opts, c) == NULL &&
		    (first == 0 || when[c] < when[first]))
			first = c;
	if (first != 0) {
		snprintf(name, sizeof(name), "%s%s",
		    strlen(seen[first]) == 1 ? "-" : "--", seen[first]);
		fprintf(stderr, "kbgen: %s: unexpected option %s\n",
		    cmd, name);
		free(args);
		return usage(NULL);
	}
	if (!cp->args && nargs > 0) {
		fprintf(stderr, "kbgen: %s: unexpected argument \"%s\"\n",
		    cmd, args[0]);
		free(args);
		return usage(NULL);
	}
	/* The one "now" of the command: see clock_read. */
	clock_read(&o.now);
	if (strcmp(cmd, "build") == 0)
		i = cmd_build(&o);
	else if (strcmp(cmd, "lint") == 0) {
		i = cmd_lint(&o);
		/* Links are checked even when the content has errors. */
		if (links && i != 2 && (j = cmd_links(&o)) > i)
			i = j;
	} else if (strcmp(cmd, "import") == 0)
		i = cmd_import(&o, nargs, args);
	else if (strcmp(cmd, "query") == 0)
		i = cmd_query(&o, nargs, args);
	else if (strcmp(cmd, "sync") == 0)
		i = cmd_sync(&o, nargs, args);
	else if (strcmp(cmd, "check") == 0)
		i = cmd_check(&o, nargs, args);
	else if (strcmp(cmd, "status") == 0)
		i = cmd_status(&o, nargs, args);
	else if (strcmp(cmd, "new") == 0)
		i = cmd_new(&o, nargs, args);
	else if (strcmp(cmd, "init") == 0)
		i = cmd_init(&o, nargs, args);
	else if (strcmp(cmd, "schema") == 0)
		i = cmd_schema(&o, nargs, args);
	else if (strcmp(cmd, "serve") == 0)
		i = cmd_serve(&o);
	else {
		fputs(usage_text, stdout);
		i = 0;
	}
	free(args);
	return i;
}
