/* Token checks: hash the presented token once, compare with every digest. */
#include "web/auth.h"

#include <string.h>
#include <strings.h>

#include "util/sha256.h"

/* Finds the token in "Bearer <token>"; NULL if the header is not of that form. */
static const char *bearer_token(const char *authz)
{
	if (strncasecmp(authz, "Bearer", 6) != 0 || (authz[6] != ' ' && authz[6] != '\t'))
		return NULL;
	authz += 6;
	while (*authz == ' ' || *authz == '\t')
		authz++;
	return *authz ? authz : NULL;
}

/* Returns the token whose digest matches, scanning all of them every time. */
static const struct conf_token *find_token(const struct vigil_config *cfg, const char *token)
{
	const struct conf_token *tokens = cfg->auth.tokens.v, *found = NULL;
	unsigned char digest[SHA256_LEN];
	size_t len = strlen(token), i;

	while (len > 0 && (token[len - 1] == ' ' || token[len - 1] == '\t'))
		len--;
	sha256(token, len, digest);
	for (i = 0; i < cfg->auth.tokens.n; i++)
		if (sha256_equal(digest, tokens[i].digest) && found == NULL)
			found = &tokens[i];
	return found;
}

enum auth_result auth_check(const struct vigil_config *cfg, const char *authz, enum auth_role need,
                            struct auth_identity *who)
{
	const struct conf_token *t = NULL;
	const char *token;

	who->role = ROLE_PUBLIC;
	who->name = NULL;
	if (authz != NULL && (token = bearer_token(authz)) != NULL)
		t = find_token(cfg, token);
	if (t != NULL) {
		who->role = (enum auth_role)t->role;
		who->name = t->name;
	}
	if (need == ROLE_PUBLIC)
		return AUTH_OK;
	if (authz == NULL)
		return AUTH_MISSING;
	if (t == NULL)
		return AUTH_INVALID;
	return who->role >= need ? AUTH_OK : AUTH_FORBIDDEN;
}
