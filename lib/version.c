/* SPDX-License-Identifier: MIT */
#include "dyd.h"

#include <cjson/cJSON.h>
#include <libdeflate.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <yaml.h>
#include <zip.h>
#include <zlib.h>

static char versions[256];
static pthread_once_t versions_once = PTHREAD_ONCE_INIT;

static void versions_init(void)
{
	/* libdeflate has no run-time version: this is the header's, which
	 * the soname (libdeflate.so.0) keeps compatible. */
	snprintf(versions, sizeof(versions),
		 "cJSON %s, libyaml %s, libzip %s, libdeflate %s, zlib %s, %s",
		 cJSON_Version(), yaml_get_version_string(),
		 zip_libzip_version(), LIBDEFLATE_VERSION_STRING, zlibVersion(),
		 OpenSSL_version(OPENSSL_VERSION));
}

const char *dyd_library_versions(void)
{
	pthread_once(&versions_once, versions_init);
	return versions;
}
