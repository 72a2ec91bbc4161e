/* SPDX-License-Identifier: MIT */
#ifndef DYD_DIGEST_H
#define DYD_DIGEST_H

#include <stddef.h>

#define SHA256_HEX_SIZE 65

/* Lower-case hex SHA-256 of data (libcrypto). Returns 0, or -1 when
 * libcrypto fails (out of memory). */
int sha256_hex(const void *data, size_t len, char out[SHA256_HEX_SIZE]);

#endif
