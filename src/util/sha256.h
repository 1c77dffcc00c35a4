/* SHA-256 and constant-time comparison (OpenSSL's libcrypto underneath). */
#ifndef VIGIL_UTIL_SHA256_H
#define VIGIL_UTIL_SHA256_H

#include <stdbool.h>
#include <stddef.h>

#define SHA256_LEN 32

void sha256(const void *data, size_t len, unsigned char out[SHA256_LEN]);
/* Compares two digests in time independent of their contents. */
bool sha256_equal(const unsigned char a[SHA256_LEN], const unsigned char b[SHA256_LEN]);
/* Writes the lowercase hex of LEN bytes into OUT (2 * LEN + 1 bytes). */
void hex_encode(const unsigned char *in, size_t len, char *out);

#endif
