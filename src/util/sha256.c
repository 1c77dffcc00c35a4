/* Hashing helpers for token checks and ETags. */
#include "util/sha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>

void sha256(const void *data, size_t len, unsigned char out[SHA256_LEN])
{
	unsigned int n = SHA256_LEN;

	if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1)
		abort(); /* only a broken libcrypto fails here */
}

bool sha256_equal(const unsigned char a[SHA256_LEN], const unsigned char b[SHA256_LEN])
{
	return CRYPTO_memcmp(a, b, SHA256_LEN) == 0;
}

void hex_encode(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}
