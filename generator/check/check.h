/*
 * What later stages use of generator/check/ (running
 * examples).  Include after extern.h.
 */
#ifndef KBGEN_CHECK_CHECK_H
#define KBGEN_CHECK_CHECK_H

struct opts;
struct tmpl_set;

/* check.c: kbgen check. */

int		 cmd_check(const struct opts *, int argc, char **argv);

/* report.c: a check's results in the terminal, JUnit, JSON; kbgen status. */

/* One example's result in a check. */
struct report_item {
	const char	*slug;	/* use case, borrowed */
	const struct val *rec;	/* result record, borrowed */
	int		 cached;	/* reused, not run */
	int		 skip;	/* not run: why in rec's message */
};
int		 cmd_status(const struct opts *, int argc, char **argv);

/* runners.c: run a job folder on a runner. */

struct sandbox;

struct run_req {
	const char	*slug;	/* for names and messages */
	const char	*jobdir;	/* absolute host job folder: job.json,
					   result.json, runner.log, work/ */
	const char	*driver;	/* absolute path of runners/driver.py */
	const char	*python;	/* the driver's interpreter, as the
					   sandbox sees it */
	const char	*bwrap;	/* bubblewrap, absolute path */
	long		 timeout;	/* seconds, the driver's own limit */
	long long	 memory;	/* bytes, 0 none */
	long long	 fsize;	/* largest file the job may write */
	long		 nproc;	/* processes of the job */
	int		 gpu;	/* GPUs to ask for (Slurm) */
	int		 sandbox;	/* run inside bubblewrap */
	const struct sandbox *sb;	/* what the sandbox holds; its env
					   is the job's whole environment */
	const struct val *slurm;	/* site.yaml runners.slurm, may be NULL */
	const struct tmpl_set *tmpls;	/* holds "slurm" (the batch script) */
};

/* cgroup.c: a job's process and memory limits. */

struct jobcg;

/* sandbox.c: the bubblewrap command line of a job. */

struct args {
	char		**v;	/* owned strings, NULL-terminated */
	size_t		 n;
	size_t		 cap;
};

struct sbx_bind {
	const char	*src;	/* host path, borrowed */
	const char	*dst;	/* path inside the sandbox, borrowed */
	int		 rw;	/* writable (else read-only) */
};

struct sandbox {
	const char	*root;	/* unpacked image, NULL: host system folders */
	const char	*work;	/* host folder bound read-write at /job */
	const char	*driver;	/* host driver.py, may be NULL */
	const char	*jobfile;	/* host job.json, may be NULL */
	const char	*venv;	/* host venv folder, at /run/kbgen/env */
	int		 venv_rw;	/* writable (while it is built) */
	const struct sbx_bind *binds;	/* declared data and the like */
	size_t		 bindsz;
	const char *const *gpus;	/* host device nodes granted */
	size_t		 gpusz;
	int		 network;	/* share the host's network */
	const char *const *env;	/* NAME=VALUE, the whole environment */
	const char	*path;	/* PATH before ours, NULL: the usual */
	size_t		 envsz;
};

/* envs.c: environments, requirements, GPUs of the local runner. */

struct jobenv {
	char		*name;	/* environment name, NULL: the host */
	char		*image;	/* its reference, NULL for the host */
	char		*digest;	/* "sha256:…", NULL for the host */
	char		*root;	/* unpacked root, NULL: host folders */
	char		*kernel;	/* its kernel, may be NULL */
	char		*packages;	/* hash of its full package list */
	char		*error;	/* why it cannot be used, else NULL */
	struct args	 env;	/* the image's own NAME=VALUE (OCI config) */
};

struct gpupool;

/* data.c: declared data, fetched once into a content-addressed cache. */

struct data_item {
	const char	*url;	/* borrowed; http or https */
	const char	*sha256;	/* borrowed; 64 hex digits */
	const char	*path;	/* borrowed; where the job sees it (unused
				   here), may be NULL */
};

#endif /* !KBGEN_CHECK_CHECK_H */
