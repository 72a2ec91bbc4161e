/* SPDX-License-Identifier: MIT */
#include "zipmem.h"

#include <pthread.h>

static pthread_once_t first_open = PTHREAD_ONCE_INIT;

/* An archive created in an empty buffer and discarded: it sets both of
 * libzip's statics. Failing (out of memory) leaves them as they were, to
 * be set by a later open, which is then as unsafe as without this. */
static void open_one_archive(void)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (src) {
		za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
		if (za)
			zip_discard(za);
		else
			zip_source_free(src);
	}
	zip_error_fini(&ze);
}

zip_t *zip_open_memory(zip_source_t *src, int flags, zip_error_t *error)
{
	pthread_once(&first_open, open_one_archive);
	return zip_open_from_source(src, flags, error);
}
