/* SPDX-License-Identifier: MIT */
/* Threads that create their first in-memory ZIPs at the same moment must
 * all succeed. libzip 1.7 (Debian 12) races on its first open (see
 * zipmem.h); dyd batch hit it as "cannot start the ZIP: Read-only
 * archive" on the first record. The race needs a fresh process, so each
 * round forks one; the window is short, so there are many rounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zipmem.h"

#define THREADS 4
#define ROUNDS 1000

static pthread_barrier_t start_line;

static void *create_archive(void *failed)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za = NULL;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	pthread_barrier_wait(&start_line);
	if (src)
		za = zip_open_memory(src, ZIP_TRUNCATE, &ze);
	if (za)
		zip_discard(za);
	else {
		zip_source_free(src);
		*(int *)failed = 1;
	}
	zip_error_fini(&ze);
	return NULL;
}

/* A fresh process whose threads open their first archives together;
 * exits 1 if any failed. */
static void one_round(void)
{
	pthread_t t[THREADS];
	int failed[THREADS] = {0}, i, any = 0;

	pthread_barrier_init(&start_line, NULL, THREADS);
	for (i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, create_archive, &failed[i]))
			_exit(2);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		any |= failed[i];
	}
	_exit(any);
}

static void first_opens_in_parallel_all_succeed(void **state)
{
	int round, failures = 0, status;

	(void)state;
	for (round = 0; round < ROUNDS; round++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			one_round();
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 2);
		failures += WEXITSTATUS(status);
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(first_opens_in_parallel_all_succeed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
