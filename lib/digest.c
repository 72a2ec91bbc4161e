/* SPDX-License-Identifier: MIT */
#include "digest.h"

#include <openssl/err.h>
#include <openssl/evp.h>

int sha256_hex(const void *data, size_t len, char out[SHA256_HEX_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL)) {
		/* Leave no error behind in this thread's OpenSSL queue. */
		ERR_clear_error();
		return -1;
	}
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * mdlen] = '\0';
	return 0;
}
