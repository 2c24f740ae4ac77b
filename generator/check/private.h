/*
 * What the files of generator/check/ share and no other folder
 * uses.  Include after extern.h.
 */
#ifndef KBGEN_CHECK_PRIVATE_H
#define KBGEN_CHECK_PRIVATE_H

struct args;
struct data_item;
struct gpupool;
struct jobcg;
struct jobenv;
struct report_item;
struct run_req;
struct sandbox;

/* report.c: a check's results in the terminal, JUnit, JSON; kbgen status. */

/*
 * Print on stderr what failed in rec, under name: status (reason):
 * message, the failing cell as In [N] with its traceback, the
 * warnings, the kernel and why, the environment.
 */
void		 report_failure(const char *name, const struct val *rec);

/*
 * Write the items as a JUnit file at path: a <failure> (fail, timeout)
 * or an <error> (anything else, and no-code) whose type is the reason,
 * warnings in <system-out>.  Returns 0 on failure (reported).
 */
int		 report_junit(const char *path, const char *runner,
		    const struct report_item *, size_t);

/* Write the items' records, with "cached", as a JSON list at path. */
int		 report_json(const char *path, const struct report_item *,
		    size_t);

/* kbgen check --strict: 1 when every item passed, else 0 after naming
 * each that did not on stderr. */
int		 report_strict(const struct report_item *, size_t);

/* runners.c: run a job folder on a runner. */

/*
 * Run a prepared job folder and return its result (a new map as in
 * runners/README.md): what the driver sent on the result channel (a
 * pipe locally, a file outside the work folder on Slurm: never what
 * the job wrote), or written by the runner when the job was killed
 * (timeout, memory), stopped (interrupted) or could not run.  Output
 * is kept in JOB/runner.log (last 1 MiB).
 */
struct val	*runner_local(const struct run_req *);
struct val	*runner_slurm(const struct run_req *);

/* From a signal handler: make every runner stop its jobs. */
void		 runner_interrupt(void);
int		 runner_interrupted(void);

/* cgroup.c: a job's process and memory limits. */

struct jobcg	*jobcg_new(long, long long);
int		 jobcg_has_pids(const struct jobcg *);
int		 jobcg_has_memory(const struct jobcg *);
void		 jobcg_enter(const struct jobcg *);
long long	 jobcg_peak(const struct jobcg *);
long long	 jobcg_oom_kills(const struct jobcg *);
void		 jobcg_free(struct jobcg *);

/* sandbox.c: the bubblewrap command line of a job. */

void		 args_add(struct args *, const char *);
void		 args_free(struct args *);
char		*args_shell(const struct args *);

void		 sandbox_args(const struct sandbox *, struct args *);
char		*sandbox_gpu_name(const char *);

/* envs.c: environments, requirements, GPUs of the local runner. */

int		 env_resolve(struct jobenv *, const struct val *,
		    const char *, const char *, const char *);
void		 env_clear(struct jobenv *);
int		 env_requirements(const char *, const char *, const char *,
		    const char *, char **, char **);
int		 env_venv(const struct jobenv *, const char *, const char *,
		    const char *, const char *, char **, char **, int *,
		    char **);
size_t		 env_prune(const char *, long);
char		*env_build_log(const char *);
struct gpupool	*gpupool_new(const struct val *);
size_t		 gpupool_size(const struct gpupool *);
int		 gpupool_take(struct gpupool *, size_t, size_t *);
void		 gpupool_give(struct gpupool *, size_t, const size_t *);
const char	*gpupool_dev(const struct gpupool *, size_t);
void		 gpupool_free(struct gpupool *);

/* data.c: declared data, fetched once into a content-addressed cache. */

/*
 * Make the file of item available at CACHE/data/sha256/HEX and set
 * *file to that path (new string, caller frees).  A file already there
 * costs no download: *fetched is 0 and its modification time is set to
 * now (the cache's least-recently-used order).  Otherwise it is
 * downloaded (at most 2 downloads to one host at a time in the process,
 * retried on 5xx and no answer, a stall limit, at most max_file bytes,
 * 0: no cap) beside its place, its sha256 checked, and renamed into
 * place; *fetched is its size.  Several threads or processes fetching
 * the same file download it once (a lock per file).  Returns 1; or 0
 * with *err a new one-line message (caller frees), nothing left in the
 * cache: a sha256 that is not 64 hex digits, a download that failed,
 * "sha256 mismatch for URL: expected HEX, got HEX".  Prints nothing.
 */
int		 data_fetch(const char *cache, const struct data_item *item,
		    long long max_file, char **file, long long *fetched,
		    char **err);

/*
 * Remove files of CACHE/data/sha256, least recently used first, until
 * their sizes add up to at most max_size bytes, sparing keep[0..nkeep)
 * (the files of the job about to run: each a sha256 in hex or a path
 * data_fetch gave), files in use by a fetch, and files used since the
 * scan.  Also removes what failed or killed downloads left.  Returns 1,
 * or 0 when the cache could not be read (reported).
 */
int		 data_evict(const char *cache, long long max_size,
		    const char *const *keep, size_t nkeep);

/* image.c: environment images, resolved to digests and unpacked once. */

/*
 * Resolve ref to a digest and unpack it once under CACHE/images/
 * (relative paths in ref are relative to kbroot).  On success *digest
 * ("sha256:HEX") and *rootfs (absolute path of the root folder) are new
 * strings; a rootfs: folder is used in place.  On failure returns 0
 * with *err a new message carrying the tool's own; the cache is left
 * as it was.  Thread- and process-safe.
 */
int		 image_prepare(const char *cache, const char *kbroot,
		    const char *ref, char **digest, char **rootfs, char **err);

/*
 * Keep a prepared image from being pruned while a job uses it: returns
 * a descriptor for image_release, or -1 when digest is not unpacked
 * in the cache (a rootfs: folder, or pruned since).
 */
int		 image_hold(const char *cache, const char *digest);
void		 image_release(int);

/*
 * Remove unpacked images unused for max_age_secs (0: all) and not held
 * or being unpacked; *removed counts them.  Returns 0 when something
 * could not be removed (reported), else 1.
 */
int		 image_prune(const char *cache, long max_age_secs,
		    size_t *removed);

/*
 * Hash (64 hex, new string) of the installed packages of the root
 * folder rootfs ("/" for the host): dpkg status and the names of the
 * Python *.dist-info and *.egg-info entries; the 2 variant adds a venv
 * (may be NULL).  NULL when the dpkg status cannot be read.
 */
char		*image_packages_hash(const char *rootfs);
char		*image_packages_hash2(const char *rootfs, const char *venv);

/* keep.c: what a run leaves for the site, kept in CACHE/outputs. */

struct idx;

/* Bytes of a ref "sha256:HEX" with its NUL. */
#define KEEP_REF_SIZE	(7 + 64 + 1)

/* What a run may keep (site.yaml outputs:). */
struct keep_limits {
	long long	 max_image;	/* bytes of one image, default 5M */
	long long	 max_total;	/* bytes of one run's files, 50M */
	size_t		 max_files;	/* images of one run, 64 */
};

/*
 * Store data (sz bytes) once as CACHE/outputs/sha256/AB/HEX, written
 * beside its place and renamed in; ref gets "sha256:HEX".  Returns 1,
 * or 0 on failure (reported).
 */
int		 keep_blob(const char *cache, const void *data, size_t sz,
		    char ref[KEEP_REF_SIZE]);

/* The image type of data by its first bytes ("image/png", ...: PNG,
 * JPEG, WebP, SVG), NULL for anything else. */
const char	*keep_image_type(const char *data, size_t sz);

/*
 * Keep what the finished run rec (its driver's result merged) left in
 * jobdir/work: output.ipynb when the driver says a notebook ran,
 * output.log, and the images under output/ within lim, then its
 * manifest (model/model.h).  Problems are warnings, appended to warn
 * one a line, naming the use case and file.  Returns the manifest's ref (new string), or
 * NULL when nothing could be kept.  Call between keep_begin and
 * keep_end, then keep_record.
 */
char		*keep_run(const char *cache, const char *jobdir,
		    const struct val *rec, const struct keep_limits *lim,
		    struct buf *warn);

/*
 * Make ref the use case's "last" kept manifest and, when the run
 * passed, its "passing" one (the one before becomes
 * "previous_passing").  Returns 0 on failure (reported).
 */
int		 keep_record(struct idx *, const char *slug, const char *ref,
		    int passed);

/* Hold off kbgen check --prune while a run's outputs are kept: a
 * descriptor (or -1) for keep_end. */
int		 keep_begin(const char *cache);
void		 keep_end(int);

/*
 * Remove the blobs that no kept manifest of any use case reaches
 * (the manifests themselves, their notebooks, logs and images), and
 * what dead writers left; *files and *bytes say how much.  Returns 0
 * on failure (reported).
 */
int		 keep_prune(struct idx *, const char *cache, size_t *files,
		    long long *bytes);

#endif /* !KBGEN_CHECK_PRIVATE_H */
