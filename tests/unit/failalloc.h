/* SPDX-License-Identifier: MIT */
/* Allocation failure on demand, for the out-of-memory paths of a unit
 * test: the test is linked with -Wl,--wrap=malloc,--wrap=calloc,
 * --wrap=realloc (tests/unit/CMakeLists.txt), so the library's own calls
 * come here. fail_after(n) lets n more allocations succeed and fails the
 * next one; fail_never() turns it off. Allocations made inside other
 * shared libraries (libc's strdup, cJSON) are not seen. */
#ifndef DYD_TEST_FAILALLOC_H
#define DYD_TEST_FAILALLOC_H

#include <stddef.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

static long failalloc_countdown = -1;

static inline void fail_after(long n)
{
	failalloc_countdown = n;
}

static inline void fail_never(void)
{
	failalloc_countdown = -1;
}

static inline int failalloc_now(void)
{
	if (failalloc_countdown < 0)
		return 0;
	return failalloc_countdown-- == 0;
}

void *__wrap_malloc(size_t size)
{
	return failalloc_now() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return failalloc_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return failalloc_now() ? NULL : __real_realloc(p, size);
}

#endif
