// SPDX-License-Identifier: GPL-2.0
/* sha256 digests ("sha256:HEX"), through OpenSSL's EVP interface. */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "image.h"

struct img_hash {
	EVP_MD_CTX *ctx;
};

struct img_hash *img_hash_new(void)
{
	struct img_hash *h = malloc(sizeof(*h));

	if (!h || !(h->ctx = EVP_MD_CTX_new()) ||
	    !EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL)) {
		img_err("cannot start a sha256 digest (out of memory?)");
		exit(1);
	}
	return h;
}

void img_hash_update(struct img_hash *h, const void *data, size_t len)
{
	EVP_DigestUpdate(h->ctx, data, len);
}

void img_hash_final(struct img_hash *h, char out[IMG_DIGEST_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	EVP_DigestFinal_ex(h->ctx, md, &n);
	EVP_MD_CTX_free(h->ctx);
	free(h);
	strcpy(out, "sha256:");
	for (i = 0; i < n; i++)
		sprintf(out + 7 + 2 * i, "%02x", md[i]);
}

void img_digest_buf(const void *data, size_t len, char out[IMG_DIGEST_LEN])
{
	struct img_hash *h = img_hash_new();

	img_hash_update(h, data, len);
	img_hash_final(h, out);
}

bool img_digest_valid(const char *digest)
{
	size_t i;

	if (!digest || strncmp(digest, "sha256:", 7) || strlen(digest) != 7 + 64)
		return false;
	for (i = 7; digest[i]; i++)
		if (!((digest[i] >= '0' && digest[i] <= '9') || (digest[i] >= 'a' && digest[i] <= 'f')))
			return false;
	return true;
}

const char *img_digest_hex(const char *digest)
{
	return digest + 7;
}
