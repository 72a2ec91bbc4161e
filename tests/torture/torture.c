/* SPDX-License-Identifier: MIT */
/*
 * Allocation-failure torture, after curl's: count the allocations of an
 * export and of a small batch, then run each again once per allocation,
 * making that one fail. Every run must end in success or a clean error:
 * no crash, no leak, no output file left half-made or temporary.
 *
 * The program replaces malloc and friends (ELF interposition), so the
 * allocations of cJSON, libyaml, libzip, zlib, libcrypto and the C
 * library itself are counted and failed too. Each run is a forked child,
 * so one failure cannot disturb the next.
 *
 * A batch runs a reader, a worker and the committer at once, so the
 * order in which their allocations come is not the same from run to run:
 * "the Nth allocation of the run" fell in another thread each time, and a
 * report could not be replayed. Allocations are therefore numbered per
 * thread, threads in the order they are created (0 is the main thread),
 * and a run fails allocation N of thread T: the same call every time.
 *
 * Both sign their bundles, with a key made and loaded before anything is
 * counted (unit.sign fails the allocations of key loading), and every
 * bundle left must verify against that key.
 *
 * Usage: torture export|batch TESTDATA_DIR [--step N | --only T:N]
 */
#define _GNU_SOURCE
#include "dyd.h"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <dirent.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);
extern void __libc_free(void *p);

#define THREADS_MAX 8 /* a batch with one worker has three */

/* Which allocation to fail: number fail_at (from 0) of thread
 * fail_thread; -1: none. */
static int fail_thread = -1;
static long fail_at = -1;
/* Where the failed allocation was made, for the report of a misdeed. */
static void *failed_frames[32];
static int failed_frame_count;
/* The failed allocation was made under libzip's zip_close(). */
static volatile bool failed_in_zip_close;
/* The failed allocation was libcrypto's own (its caller is in it). */
static volatile bool failed_in_libcrypto;
/* Allocations made by each thread of the run. */
static long counted[THREADS_MAX];
static volatile bool counting;
static int threads_created;
static __thread int thread_index; /* 0: the main thread */
static __thread long thread_allocations;
/* The thread is inside fail_now(): backtrace() may allocate. */
static __thread bool in_failure;

static bool fail_now(void)
{
	long n;

	if (!counting || in_failure)
		return false;
	n = thread_allocations++;
	__atomic_add_fetch(&counted[thread_index], 1, __ATOMIC_RELAXED);
	if (thread_index == fail_thread && n == fail_at) {
		void *frames[32];
		int k;
		Dl_info info;
		in_failure = true;
		n = backtrace(frames, 32);
		for (k = 0; k < (int)n; k++)
			if (dladdr(frames[k], &info) && info.dli_sname &&
			    strcmp(info.dli_sname, "zip_close") == 0)
				failed_in_zip_close = true;
		/* frames: fail_now, malloc, then whoever called malloc. */
		if (n > 2 && dladdr(frames[2], &info) && info.dli_fname &&
		    strstr(info.dli_fname, "libcrypto"))
			failed_in_libcrypto = true;
		if (getenv("TORTURE_TRACE")) /* where it was, for debugging */
			backtrace_symbols_fd(frames, n, 2);
		memcpy(failed_frames, frames, sizeof(frames));
		failed_frame_count = (int)n;
		in_failure = false;
		errno = ENOMEM;
		return true;
	}
	return false;
}

void *malloc(size_t size)
{
	return fail_now() ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	return fail_now() ? NULL : __libc_realloc(p, size);
}

void free(void *p)
{
	__libc_free(p);
}

void *memalign(size_t align, size_t size)
{
	return fail_now() ? NULL : __libc_memalign(align, size);
}

void *aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p = memalign(align, size);

	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

/* Threads are numbered in the order they are created: the batch creates
 * them one after another, so the numbers are the same in every run. */
struct thread_start {
	void *(*fn)(void *);
	void *arg;
	int index;
};

static void *thread_main(void *p)
{
	struct thread_start start = *(struct thread_start *)p;

	__libc_free(p);
	thread_index = start.index;
	return start.fn(start.arg);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
		   void *(*fn)(void *), void *arg)
{
	static int (*real)(pthread_t *, const pthread_attr_t *,
			   void *(*)(void *), void *);
	struct thread_start *start;
	int rc;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "pthread_create");
	/* The torture's own bookkeeping: neither counted nor failed, and
	 * freed by the thread, so the heap balances. */
	start = __libc_malloc(sizeof(*start));
	if (!real || !start) {
		__libc_free(start);
		return EAGAIN;
	}
	start->fn = fn;
	start->arg = arg;
	start->index =
	    __atomic_add_fetch(&threads_created, 1, __ATOMIC_RELAXED);
	if (start->index >= THREADS_MAX)
		start->index = THREADS_MAX - 1;
	rc = real(thread, attr, thread_main, start);
	if (rc)
		__libc_free(start);
	return rc;
}

static const char *testdata;
/* The key the runs sign with and the set holding its public half. */
static dyd_signing_key *sign_key;
static dyd_trust *trust;

static bool has_temporary(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	while (d && (e = readdir(d)))
		/* export's .NAME.tmp-XXXXXX, batch's .dyd-tmp directory */
		if (strstr(e->d_name, ".tmp-") || strstr(e->d_name, "-tmp"))
			found = true;
	if (d)
		closedir(d);
	return found;
}

static bool bundle_verifies(const char *path)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char *data = NULL;
	size_t len;
	bool ok;

	dyd_verify_options vopt = DYD_VERIFY_OPTIONS_INIT;
	dyd_verify_result result;

	/* Checked with allocations succeeding again, against the key. */
	vopt.trust = trust;
	ok = dyd_file_read(path, 64u << 20, &data, &len, &diags) == 0 &&
	     dyd_bundle_verify_ext(data, len, &vopt, &result, &diags) == 0 &&
	     result.signature == DYD_SIGNATURE_VALID;
	free(data);
	dyd_diags_release(&diags);
	return ok;
}

/* What `dyd status` and `dyd status --json` make of the record. */
static int run_status(const char *data, size_t len, const char *path,
		      const dyd_policy *policy, dyd_time as_of,
		      dyd_diags *diags)
{
	dyd_record *record = NULL;
	dyd_decision *decision = NULL;
	char *text = NULL, *json = NULL;
	int rc;

	rc = dyd_record_load(&record, data, len, path, policy, NULL, diags);
	if (!rc)
		rc = dyd_evaluate(&decision, record, policy, as_of, diags);
	if (!rc)
		rc = dyd_status_render(&text, decision, NULL);
	if (!rc && !(json = dyd_decision_to_json(decision)))
		rc = DYD_ENOMEM;
	free(json);
	free(text);
	dyd_decision_free(decision);
	dyd_record_free(record);
	return rc;
}

/* One export, as `dyd export` does it (dyd_export_record, signed), into
 * dir/out.zip; and the record's status. */
static int run_export(const char *dir)
{
	dyd_export_options eopt = DYD_EXPORT_OPTIONS_INIT;
	dyd_export_result result = {0};
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *policy = NULL;
	char path[4096], out[4096], *data = NULL;
	size_t len = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/records/hans-mueller.yaml", testdata);
	snprintf(out, sizeof(out), "%s/out.zip", dir);
	dyd_time_parse("2021-06-01", 10, true, &eopt.as_of);
	eopt.bundle.tz = "Europe/Berlin";
	eopt.bundle.sign_key = getenv("NOSIGN") ? NULL : sign_key;
	rc = dyd_policy_load_default(&policy, &diags);
	if (!rc)
		rc = dyd_file_read(path, DYD_MAX_INPUT_BYTES, &data, &len,
				   &diags);
	if (!rc)
		rc = run_status(data, len, path, policy, eopt.as_of, &diags);
	if (!rc)
		rc = dyd_export_record(&result, data, len, path, policy, &eopt,
				       &diags);
	if (!rc)
		rc = dyd_output_write(out, result.zip, result.zip_len, NULL,
				      &diags);
	dyd_export_result_release(&result);
	free(data);
	dyd_policy_free(policy);
	dyd_diags_release(&diags);
	return rc;
}

static char batch_input[4096];

/* Three records in one YAML stream, one of them twice. */
static int make_batch_input(void)
{
	static const char *const names[] = {
	    "dewi-lestari.yaml", "hans-mueller.yaml", "putri-maharani.yaml",
	    "dewi-lestari.yaml"};
	char path[4096], buf[65536];
	size_t i, n;
	FILE *out, *in;

	snprintf(batch_input, sizeof(batch_input), "/tmp/dyd-torture-%d.yaml",
		 (int)getpid());
	out = fopen(batch_input, "w");
	for (i = 0; out && i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/records/%s", testdata,
			 names[i]);
		in = fopen(path, "r");
		if (!in)
			break;
		fputs("---\n", out);
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, n, out);
		fclose(in);
	}
	return out && fclose(out) == 0 && i == 4 ? 0 : -1;
}

static int run_batch(const char *dir)
{
	dyd_batch_options bopt = DYD_BATCH_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_batch_progress summary;
	dyd_policy *policy = NULL;
	char input[4096], outdir[4096];
	const char *inputs[1] = {input};
	int rc;

	snprintf(input, sizeof(input), "%s", batch_input);
	snprintf(outdir, sizeof(outdir), "%s/out", dir);
	dyd_time_parse("2021-06-01", 10, true, &bopt.as_of);
	bopt.outdir = outdir;
	/* One worker, so that each thread's allocations come in the same
	 * order every time (the reader and the committer run beside it):
	 * a failure can be replayed with --only T:N. */
	bopt.jobs = 1;
	bopt.bundle.tz = "Asia/Jakarta";
	bopt.bundle.sign_key = sign_key;
	rc = dyd_policy_load_default(&policy, &diags);
	bopt.policy = policy;
	if (!rc)
		rc = dyd_batch_run(inputs, 1, &bopt, &summary, &diags);
	dyd_policy_free(policy);
	dyd_diags_release(&diags);
	return rc;
}

/* After a run: what must hold of dir, whatever the run's result. */
static const char *check_outputs(const char *mode, const char *dir, int rc)
{
	char path[4096];

	if (strcmp(mode, "export") == 0) {
		snprintf(path, sizeof(path), "%s/out.zip", dir);
		if (has_temporary(dir))
			return "a temporary file was left behind";
		if (rc == 0 && !bundle_verifies(path))
			return "success, but the bundle does not verify";
		if (rc != 0 && access(path, F_OK) == 0)
			return "failure, but a bundle was written";
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/out", dir);
	if (has_temporary(path))
		return "a temporary bundle was left behind";
	{
		DIR *d = opendir(path);
		struct dirent *e;
		char bundle[8192];
		while (d && (e = readdir(d))) {
			size_t n = strlen(e->d_name);
			if (n < 5 || strcmp(e->d_name + n - 4, ".zip") != 0)
				continue;
			snprintf(bundle, sizeof(bundle), "%s/%s", path,
				 e->d_name);
			if (!bundle_verifies(bundle)) {
				closedir(d);
				return "a bundle in OUTDIR does not verify";
			}
		}
		if (d)
			closedir(d);
	}
	return NULL;
}

static int (*run)(const char *dir);

/* The signing key and its trust, made once, before anything is counted;
 * the key files are removed at once, the key stays loaded. */
static int make_key(void)
{
	char dir[] = "/tmp/dyd-torture-key-XXXXXX", path[64], pub[80];
	int rc;

	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/key.pem", dir);
	snprintf(pub, sizeof(pub), "%s.pub", path);
	rc = dyd_key_generate(path, NULL, NULL, NULL);
	if (!rc)
		rc = dyd_signing_key_load(&sign_key, path, NULL);
	if (!rc)
		rc = dyd_trust_new(&trust);
	if (!rc)
		rc = dyd_trust_add_key(trust, sign_key);
	unlink(path);
	unlink(pub);
	rmdir(dir);
	return rc;
}

/* What a child tells: whether it behaved, the run's result, and how many
 * allocations each thread made. */
struct outcome {
	/* 0; -1 misbehaved; -2 lost memory inside zip_close(); -3 libcrypto
	 * kept what it made to get over its own failure */
	long status;
	long rc;
	long counts[THREADS_MAX];
};

/* Forks a run failing allocation `fail` of thread `thread` (-1: none). */
static struct outcome child(const char *mode, int thread, long fail)
{
	char dir[] = "/tmp/dyd-torture-XXXXXX";
	int pipefd[2], status;
	struct outcome out = {-1, 0, {0}};
	pid_t pid;

	if (!mkdtemp(dir) || pipe(pipefd) != 0)
		return out;
	pid = fork();
	if (pid == 0) {
		struct mallinfo2 before, after;
		const char *problem;
		close(pipefd[0]);
		threads_created = 0;
		thread_allocations = 0;
		memset(counted, 0, sizeof(counted));
		/* libcrypto keeps per-thread state (the error queue and
		 * the messages it allocated, random generators) from the
		 * first use until the thread ends; the main thread's is
		 * dropped before and after, as unit.sign_bundle does, so
		 * that what a failed signature left there is not a leak. */
		OPENSSL_thread_stop();
		before = mallinfo2();
		fail_thread = thread;
		fail_at = fail;
		counting = true;
		out.rc = run(dir);
		counting = false;
		OPENSSL_thread_stop();
		memcpy(out.counts, counted, sizeof(counted));
		out.status = 0;
		if (getenv("TORTURE_SELFTEST_LEAK"))
			(void)__libc_malloc(64); /* the check must see this */
		after = mallinfo2();
		problem = check_outputs(mode, dir, (int)out.rc);
		if (!problem && after.uordblks != before.uordblks)
			problem = failed_in_zip_close ? "known libzip leak"
						      : "memory leaked";
		if (problem && strcmp(problem, "known libzip leak") == 0) {
			/* libzip 1.7.3 loses the blocks of an in-memory
			 * archive when an allocation fails inside zip_close();
			 * counted apart, since dyd cannot free them. */
			out.status = -2;
			problem = NULL;
		}
		if (problem && strcmp(problem, "memory leaked") == 0 &&
		    out.rc == 0 && failed_in_libcrypto) {
			/* libcrypto 3.0 got over a failed allocation of its
			 * own (a fetch's name lookup, tried again another
			 * way) and the run succeeded, so dyd took no error
			 * path: what stays is libcrypto's method cache, made
			 * once (a second and third run add nothing). */
			out.status = -3;
			problem = NULL;
		}
		if (problem) {
			fprintf(stderr,
				"torture %s: allocation %d:%ld failed: %s "
				"(result %ld; replay with --only %d:%ld)\n",
				mode, thread, fail, problem, out.rc, thread,
				fail);
			if (failed_frame_count)
				backtrace_symbols_fd(failed_frames,
						     failed_frame_count, 2);
			out.status = -1;
		}
		if (write(pipefd[1], &out, sizeof(out)) != sizeof(out))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &out, sizeof(out)) != sizeof(out))
		out.status = -1;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* A crash: whatever the pipe said does not count. */
		fprintf(stderr,
			"torture %s: allocation %d:%ld failed: the run "
			"crashed (status %d)\n",
			mode, thread, fail, status);
		out.status = -1;
	}
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "torture: cannot remove %s\n", dir);
	}
	return out;
}

int main(int argc, char **argv)
{
	long total, i, step = 1, bad = 0, ran = 0, errors = 0, only = -1;
	long libzip_leaks = 0, libcrypto_kept = 0;
	int t, only_thread = -1;
	struct outcome counts;

	if (argc < 3 || (strcmp(argv[1], "export") && strcmp(argv[1], "batch")))
		return fprintf(stderr, "usage: torture export|batch TESTDATA "
				       "[--step N | --only T:N]\n"),
		       2;
	testdata = argv[2];
	/* mallinfo2() counts blocks parked in the thread caches as in use,
	 * and sees only the main arena: the leak check needs one arena and
	 * no caches. */
	if (!getenv("GLIBC_TUNABLES")) {
		/* As dyd does: the C library's zone cache stays put. */
		setenv("TZ", "UTC", 1);
		setenv("GLIBC_TUNABLES",
		       "glibc.malloc.tcache_count=0:glibc.malloc.arena_max=1:"
		       "glibc.pthread.stack_cache_size=0",
		       1);
		execv("/proc/self/exe", argv);
		return fprintf(stderr, "torture: cannot re-execute: %s\n",
			       strerror(errno)),
		       1;
	}
	if (strcmp(argv[1], "batch") == 0 && make_batch_input() != 0)
		return fprintf(stderr, "torture: cannot write the input\n"), 1;
	if (make_key() != 0)
		return fprintf(stderr, "torture: cannot make a key\n"), 1;
	if (argc == 5 && strcmp(argv[3], "--step") == 0)
		step = atol(argv[4]) > 0 ? atol(argv[4]) : 1;
	if (argc == 5 && strcmp(argv[3], "--only") == 0 &&
	    sscanf(argv[4], "%d:%ld", &only_thread, &only) != 2)
		return fprintf(stderr, "torture: --only THREAD:N\n"), 2;
	run = strcmp(argv[1], "export") == 0 ? run_export : run_batch;
	/* A first run in this process warms the caches that live as long as
	 * the process (translations, libcrypto's algorithm tables and its
	 * per-thread error queue), so the children's leak check sees only
	 * what the run itself allocates. */
	ERR_set_mark();
	ERR_clear_error();
	{
		/* backtrace() loads its unwinder on first use. */
		void *frames[4];
		backtrace(frames, 4);
	}
	{
		char dir[] = "/tmp/dyd-torture-XXXXXX", cmd[128];
		/* Twice: the second fills the caches the first one's threads
		 * left for reuse (glibc keeps exited threads' stacks, with
		 * their thread-local storage, for the next threads). */
		if (!mkdtemp(dir) || run(dir) != 0)
			return fprintf(stderr, "torture: the warm-up run "
					       "failed\n"),
			       1;
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0 ||
		    !mkdtemp(strcpy(dir, "/tmp/dyd-torture-XXXXXX")) ||
		    run(dir) != 0)
			return fprintf(stderr, "torture: the warm-up run "
					       "failed\n"),
			       1;
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			return 1;
	}
	counts = child(argv[1], -1, -1);
	for (t = 0, total = 0; t < THREADS_MAX; t++)
		total += counts.counts[t];
	if (counts.status != 0 || total <= 0 || counts.rc != 0) {
		fprintf(stderr, "torture: the counting run failed (rc %ld)\n",
			counts.rc);
		return 1;
	}
	for (t = 0; t < THREADS_MAX; t++) {
		for (i = 0; i < counts.counts[t]; i += step) {
			struct outcome r;
			if (only_thread >= 0 && (t != only_thread || i != only))
				continue;
			r = child(argv[1], t, i);
			if (r.status == -2)
				libzip_leaks++;
			else if (r.status == -3)
				libcrypto_kept++;
			else if (r.status < 0)
				bad++;
			else if (r.rc != 0)
				errors++;
			ran++;
		}
	}
	printf("torture %s: %ld allocations in", argv[1], total);
	for (t = 0; t < THREADS_MAX; t++)
		if (counts.counts[t])
			printf(" %s%ld (thread %d)", t ? "+ " : "",
			       counts.counts[t], t);
	printf(", %ld runs, %ld ended in a clean error, %ld misbehaved, %ld "
	       "lost memory inside libzip's zip_close(), %ld succeeded with "
	       "libcrypto's cache filled anew\n",
	       ran, errors, bad, libzip_leaks, libcrypto_kept);
	printf("%ld passed, %ld failed\n", ran - bad, bad);
	if (batch_input[0])
		unlink(batch_input);
	dyd_trust_free(trust);
	dyd_signing_key_free(sign_key);
	return bad ? 1 : 0;
}
