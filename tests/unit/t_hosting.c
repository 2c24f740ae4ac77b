/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for hosting.c's launch and archive links: Colab, Binder,
 * a JupyterHub through nbgitpuller and the source archive at a commit,
 * on GitHub, GitLab (with subgroups), Bitbucket, a self-hosted GitLab
 * (baltig.infn.it), an unknown host and URLs that are not https; a
 * ref that is no commit; paths with spaces, non-ASCII letters and the
 * characters of a query ('&', '#', '?', '='), which must reach the
 * link percent-encoded; repository URLs that try to bring their own
 * query; and the pin (hosting_pin) and buttons (hosting_launch) of a
 * use case from site.yaml's launch section.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "harness.h"

#define C1	"0123456789abcdef0123456789abcdef01234567"

/* Check a new string against want (NULL: no link), and free it. */
static void
eqf(char *got, const char *want, const char *name)
{
	if (want == NULL) {
		OK(got == NULL, name);
		if (got != NULL)
			printf("  got:  %s\n", got);
	} else
		EQS(got, want, name);
	free(got);
}

/* A use case with a repository {url, ref, subdir} and an example. */
static struct usecase *
uc_new(const char *url, const char *ref, const char *subdir,
    const char *example, const char *synced)
{
	struct usecase	*uc = xcalloc(1, sizeof(*uc));
	struct val	*r = val_map();

	val_set_str(r, "url", url);
	if (ref != NULL)
		val_set_str(r, "ref", ref);
	if (subdir != NULL)
		val_set_str(r, "subdir", subdir);
	uc->repository = r;
	uc->example = example;
	if (synced != NULL) {
		uc->prov = val_map();
		val_set_str(uc->prov, "commit", synced);
	}
	return uc;
}

static void
uc_free(struct usecase *uc)
{
	val_free((struct val *)uc->repository);
	val_free(uc->prov);
	free(uc);
}

/* The buttons of uc under site.yaml text, as "name=url name=url". */
static char *
buttons(const char *yaml, struct usecase *uc)
{
	struct kb	 kb;
	struct val	*l;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i;

	memset(&kb, 0, sizeof(kb));
	kb.site.tree = fm_yaml("site.yaml", yaml, strlen(yaml), 0);
	l = hosting_launch(&kb, uc);
	for (i = 0; i < l->kidsz; i++)
		buf_printf(&b, "%s%s:%s=%s", i ? " " : "",
		    val_get_str(l->kids[i], "name"),
		    val_get_str(l->kids[i], "label"),
		    val_get_str(l->kids[i], "url"));
	val_free(l);
	val_free(kb.site.tree);
	uc_free(uc);
	return buf_steal(&b);
}

int
main(void)
{
	const char *site = "launch: {colab: true, binder: {hub: "
	    "\"https://mybinder.org/\"}, jupyterhub: {hub: "
	    "\"https://hub.example.org\", label: AI_INFN platform}}\n";

	/* Colab: notebooks on github.com only. */
	eqf(hosting_colab_url("https://github.com/o/r.git", C1, "nb.ipynb"),
	    "https://colab.research.google.com/github/o/r/blob/" C1
	    "/nb.ipynb", "colab github");
	eqf(hosting_colab_url("https://github.com/o/r/", C1, "a b/é.ipynb"),
	    "https://colab.research.google.com/github/o/r/blob/" C1
	    "/a%20b/%C3%A9.ipynb", "colab space and unicode encoded");
	eqf(hosting_colab_url("https://github.com/o/r", C1,
	    "x&y=1#z?.ipynb"),
	    "https://colab.research.google.com/github/o/r/blob/" C1
	    "/x%26y%3D1%23z%3F.ipynb", "colab query characters encoded");
	eqf(hosting_colab_url("https://github.com/o/r", C1, "run.py"), NULL,
	    "colab: no script");
	eqf(hosting_colab_url("https://gitlab.com/o/r", C1, "nb.ipynb"), NULL,
	    "colab: no gitlab");
	eqf(hosting_colab_url("https://bitbucket.org/o/r", C1, "nb.ipynb"),
	    NULL, "colab: no bitbucket");
	eqf(hosting_colab_url("https://github.com/o/r", "main", "nb.ipynb"),
	    NULL, "colab: a branch is no commit");
	eqf(hosting_colab_url("https://github.com/o/r", "0123456789ab",
	    "nb.ipynb"), NULL, "colab: a short commit is no commit");
	eqf(hosting_colab_url("https://github.com/o/r", C1 "8", "nb.ipynb"),
	    NULL, "colab: 41 hex digits are no commit");
	eqf(hosting_colab_url("https://github.com/o/r", C1 "/x", "nb.ipynb"),
	    NULL, "colab: a commit with a tail is no commit");
	eqf(hosting_colab_url("https://github.com/o/r?x=1", C1, "nb.ipynb"),
	    NULL, "colab: a repository URL with a query");
	eqf(hosting_colab_url("https://github.com/o/r#x", C1, "nb.ipynb"),
	    NULL, "colab: a repository URL with a fragment");
	eqf(hosting_colab_url("http://github.com/o/r", C1, "nb.ipynb"), NULL,
	    "colab: not https");
	eqf(hosting_colab_url("https://github.com/o/r/tree/x", C1,
	    "nb.ipynb"), NULL, "colab: not owner/repo");
	eqf(hosting_colab_url("https://example.org/github.com/o/r", C1,
	    "nb.ipynb"), NULL, "colab: github.com in the path is no github");

	/* Binder: gh on github.com, gl on gitlab.com, nothing else. */
	eqf(hosting_binder_url("https://mybinder.org/", "https://github.com/"
	    "o/r.git", C1, "d/nb.ipynb"), "https://mybinder.org/v2/gh/o/r/"
	    C1 "?urlpath=lab%2Ftree%2Fd%2Fnb.ipynb", "binder github");
	eqf(hosting_binder_url("https://mybinder.org", "https://gitlab.com/"
	    "g/sub/r", C1, "nb.ipynb"), "https://mybinder.org/v2/gl/"
	    "g%2Fsub%2Fr/" C1 "?urlpath=lab%2Ftree%2Fnb.ipynb",
	    "binder gitlab subgroups");
	eqf(hosting_binder_url("https://mybinder.org", "https://github.com/"
	    "o/r", C1, "a&b=c#d?.ipynb"), "https://mybinder.org/v2/gh/o/r/"
	    C1 "?urlpath=lab%2Ftree%2Fa%26b%3Dc%23d%3F.ipynb",
	    "binder query characters encoded");
	eqf(hosting_binder_url("https://mybinder.org", "https://baltig.infn.it/"
	    "g/r", C1, "nb.ipynb"), NULL, "binder: no self-hosted gitlab");
	eqf(hosting_binder_url("https://mybinder.org", "https://bitbucket.org/"
	    "o/r", C1, "nb.ipynb"), NULL, "binder: no bitbucket");
	eqf(hosting_binder_url("https://mybinder.org", "https://git.example."
	    "org/o/r", C1, "nb.ipynb"), NULL, "binder: unknown host");
	eqf(hosting_binder_url("http://mybinder.org", "https://github.com/o/r",
	    C1, "nb.ipynb"), NULL, "binder: hub not https");
	eqf(hosting_binder_url("https://mybinder.org?x=", "https://github.com"
	    "/o/r", C1, "nb.ipynb"), NULL, "binder: hub with a query");
	eqf(hosting_binder_url("https://mybinder.org", "https://github.com/o/r",
	    "v1.0", "nb.ipynb"), NULL, "binder: a tag is no commit");
	eqf(hosting_binder_url("https://mybinder.org", "https://github.com/o/r",
	    C1, "run.py"), "https://mybinder.org/v2/gh/o/r/" C1
	    "?urlpath=lab%2Ftree%2Frun.py", "binder: a script opens too");

	/* nbgitpuller: any https git URL, every value encoded. */
	eqf(hosting_gitpuller_url("https://hub.example.org/", "https://github."
	    "com/o/r.git", "main", "d/nb.ipynb"), "https://hub.example.org/hub/"
	    "user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr.git"
	    "&branch=main&urlpath=lab%2Ftree%2Fr%2Fd%2Fnb.ipynb",
	    "gitpuller github");
	eqf(hosting_gitpuller_url("https://hub.example.org", "https://baltig."
	    "infn.it/g/sub/r.git", NULL, "nb.ipynb"), "https://hub.example."
	    "org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fbaltig.infn.it"
	    "%2Fg%2Fsub%2Fr.git&urlpath=lab%2Ftree%2Fr%2Fnb.ipynb",
	    "gitpuller self-hosted gitlab, no branch");
	eqf(hosting_gitpuller_url("https://hub.example.org", "https://git."
	    "example.org/r", "feat/x&y", "a b/ü&x=1#?.ipynb"),
	    "https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A"
	    "%2F%2Fgit.example.org%2Fr&branch=feat%2Fx%26y&urlpath=lab%2Ftree"
	    "%2Fr%2Fa%20b%2F%C3%BC%26x%3D1%23%3F.ipynb",
	    "gitpuller unknown host, branch and path encoded");
	eqf(hosting_gitpuller_url("https://hub.example.org", "https://github."
	    "com/o/r?branch=evil", NULL, "nb.ipynb"), NULL,
	    "gitpuller: repository URL with its own query");
	eqf(hosting_gitpuller_url("https://hub.example.org", "file:///srv/r",
	    NULL, "nb.ipynb"), NULL, "gitpuller: not https");
	eqf(hosting_gitpuller_url("https://user@hub.example.org",
	    "https://github.com/o/r", NULL, "nb.ipynb"), NULL,
	    "gitpuller: hub with a user");
	eqf(hosting_gitpuller_url("https://hub.example.org/\"><script>",
	    "https://github.com/o/r", NULL, "nb.ipynb"), NULL,
	    "gitpuller: hub with markup");

	/* The source archive at a commit. */
	eqf(hosting_archive_url("https://github.com/o/r.git", C1),
	    "https://github.com/o/r/archive/" C1 ".tar.gz", "archive github");
	eqf(hosting_archive_url("https://gitlab.com/g/sub/r", C1),
	    "https://gitlab.com/g/sub/r/-/archive/" C1 "/r-" C1 ".tar.gz",
	    "archive gitlab subgroups");
	eqf(hosting_archive_url("https://baltig.infn.it/g/r.git/", C1),
	    "https://baltig.infn.it/g/r/-/archive/" C1 "/r-" C1 ".tar.gz",
	    "archive self-hosted gitlab");
	eqf(hosting_archive_url("https://bitbucket.org/o/r", C1),
	    "https://bitbucket.org/o/r/get/" C1 ".tar.gz", "archive bitbucket");
	eqf(hosting_archive_url("https://git.example.org/o/r", C1), NULL,
	    "archive: unknown host");
	eqf(hosting_archive_url("https://github.com/o/r", "main"), NULL,
	    "archive: a branch is no commit");
	eqf(hosting_archive_url("https://github.com/o/r/../x", C1), NULL,
	    "archive: a path that climbs");
	eqf(hosting_archive_url("https://github.com/o/r?x=1", C1), NULL,
	    "archive: a repository URL with a query");
	eqf(hosting_archive_url("https://github.com/o", C1), NULL,
	    "archive: no repository");

	/* Links into the repository: the path encoded too. */
	eqf(hosting_url("https://github.com/o/r.git", C1, "a b/x#y?.ipynb"),
	    "https://github.com/o/r/blob/" C1 "/a%20b/x%23y%3F.ipynb",
	    "file link encoded");
	eqf(hosting_url("https://gitlab.com/g/s/r", C1, NULL),
	    "https://gitlab.com/g/s/r/-/commit/" C1, "commit link gitlab");
	eqf(hosting_url("https://example.org/gitlab/r", C1, NULL), NULL,
	    "gitlab in the path is no gitlab");
	{
		struct usecase *uc = uc_new("https://baltig.infn.it/g/r.git",
		    "feature/x", "sub", "n&b.ipynb", NULL);

		eqf(hosting_example_url(uc), "https://baltig.infn.it/g/r/-/"
		    "blob/feature/x/sub/n%26b.ipynb", "example link encoded");
		uc_free(uc);
	}

	/* The pin: the content's full commit, else the synced commit. */
	{
		struct usecase *uc;

		uc = uc_new("https://github.com/o/r", C1, NULL, "nb.ipynb",
		    NULL);
		EQS(hosting_pin(uc), C1, "pin: the ref, before any sync");
		uc_free(uc);
		uc = uc_new("https://github.com/o/r", "main", NULL,
		    "nb.ipynb", "fedcba9876543210fedcba9876543210fedcba98");
		EQS(hosting_pin(uc), "fedcba9876543210fedcba9876543210fedcba98",
		    "pin: the synced commit");
		uc_free(uc);
		uc = uc_new("https://github.com/o/r", "main", NULL,
		    "nb.ipynb", NULL);
		OK(hosting_pin(uc) == NULL, "pin: none for a branch unsynced");
		uc_free(uc);
	}

	/* The buttons of a use case. */
	eqf(buttons(site, uc_new("https://github.com/o/r.git", C1, "sub/",
	    "./nb.ipynb", NULL)),
	    "colab:Colab=https://colab.research.google.com/github/o/r/blob/"
	    C1 "/sub/nb.ipynb binder:Binder=https://mybinder.org/v2/gh/o/r/"
	    C1 "?urlpath=lab%2Ftree%2Fsub%2Fnb.ipynb jupyterhub:AI_INFN "
	    "platform=https://hub.example.org/hub/user-redirect/git-pull?repo="
	    "https%3A%2F%2Fgithub.com%2Fo%2Fr.git&urlpath=lab%2Ftree%2Fr%2Fsub"
	    "%2Fnb.ipynb", "buttons: github, pinned");
	eqf(buttons(site, uc_new("https://github.com/o/r", "main", NULL,
	    "nb.ipynb", NULL)), "", "buttons: none for an unpinned branch");
	eqf(buttons(site, uc_new("https://github.com/o/r", "main", NULL,
	    "nb.ipynb", C1)),
	    "colab:Colab=https://colab.research.google.com/github/o/r/blob/"
	    C1 "/nb.ipynb binder:Binder=https://mybinder.org/v2/gh/o/r/"
	    C1 "?urlpath=lab%2Ftree%2Fnb.ipynb jupyterhub:AI_INFN "
	    "platform=https://hub.example.org/hub/user-redirect/git-pull?repo="
	    "https%3A%2F%2Fgithub.com%2Fo%2Fr&branch=main&urlpath=lab%2Ftree"
	    "%2Fr%2Fnb.ipynb", "buttons: github, synced branch");
	eqf(buttons(site, uc_new("https://baltig.infn.it/g/r.git", C1, NULL,
	    "nb.ipynb", NULL)), "jupyterhub:AI_INFN platform=https://hub."
	    "example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2F"
	    "baltig.infn.it%2Fg%2Fr.git&urlpath=lab%2Ftree%2Fr%2Fnb.ipynb",
	    "buttons: self-hosted gitlab, jupyterhub only");
	eqf(buttons(site, uc_new("https://gitlab.com/g/s/r", C1, NULL,
	    "nb.ipynb", NULL)), "binder:Binder=https://mybinder.org/v2/gl/"
	    "g%2Fs%2Fr/" C1 "?urlpath=lab%2Ftree%2Fnb.ipynb jupyterhub:AI_INFN "
	    "platform=https://hub.example.org/hub/user-redirect/git-pull?repo="
	    "https%3A%2F%2Fgitlab.com%2Fg%2Fs%2Fr&urlpath=lab%2Ftree%2Fr%2F"
	    "nb.ipynb", "buttons: gitlab.com, binder and jupyterhub");
	eqf(buttons(site, uc_new("https://github.com/o/r", C1, "..",
	    "nb.ipynb", NULL)), "", "buttons: none for a subdir that climbs");
	eqf(buttons("launch: {colab: false, binder: true}\n",
	    uc_new("https://github.com/o/r", C1, NULL, "nb.ipynb", NULL)),
	    "binder:Binder=https://mybinder.org/v2/gh/o/r/" C1
	    "?urlpath=lab%2Ftree%2Fnb.ipynb", "buttons: binder true is "
	    "mybinder.org, colab false is none");
	eqf(buttons("title: x\n", uc_new("https://github.com/o/r", C1, NULL,
	    "nb.ipynb", NULL)), "", "buttons: none without a launch section");
	DONE();
}
