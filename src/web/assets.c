/* Files compiled into the binary (src/web/assets/), served with an ETag of their bytes. */
#include <stdint.h>
#include <stdio.h>

#include "util/embed.h"
#include "web/web_int.h"

extern const struct embed_file vigil_web_assets[];

/* A strong ETag of F's bytes (FNV-1a, 64 bits): it changes with the binary's assets. */
static void file_etag(const struct embed_file *f, char *out, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < f->size; i++)
		h = (h ^ f->data[i]) * 0x100000001b3ULL;
	snprintf(out, size, "\"%016llx\"", (unsigned long long)h);
}

bool web_reply_asset(struct web_request *req, struct web_reply *rep, const char *name,
                     const char *type, const char *cache_control)
{
	const struct embed_file *f = embed_find(vigil_web_assets, name);
	char etag[sizeof(rep->etag)];

	if (f == NULL)
		return false;
	file_etag(f, etag, sizeof(etag));
	if (!reply_not_modified(req, rep, etag))
		reply_borrowed(rep, 200, type, (const char *)f->data, f->size, etag);
	rep->cache_control = cache_control;
	return true;
}
