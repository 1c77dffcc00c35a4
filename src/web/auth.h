/* Bearer-token authentication against auth.tokens, compared as SHA-256 digests. */
#ifndef VIGIL_WEB_AUTH_H
#define VIGIL_WEB_AUTH_H

#include "conf/conf.h"

enum auth_result {
	AUTH_OK,        /* allowed */
	AUTH_MISSING,   /* no credentials on a protected route: 401 */
	AUTH_INVALID,   /* malformed header or unknown token: 401 */
	AUTH_FORBIDDEN, /* valid token, role too low: 403 */
};

struct auth_identity {
	enum auth_role role; /* ROLE_PUBLIC when no valid token was given */
	const char *name;    /* the token's name (points into the config), or NULL */
};

/*
 * Decides whether a request with Authorization header AUTHZ (may be NULL)
 * may use a route that requires NEED under CFG. Fills WHO with the identity
 * found (even for public routes, so handlers can show more to viewers).
 * Every configured token is compared, in constant time, whatever matches.
 */
enum auth_result auth_check(const struct vigil_config *cfg, const char *authz, enum auth_role need,
                            struct auth_identity *who);

#endif
