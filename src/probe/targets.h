/*
 * The SSRF guard: where a monitor made through the API may connect. Checked
 * on the address actually connected to, at every connection (redirects
 * included), so numeric forms of IPv4, IPv4-mapped IPv6 and names that
 * resolve inside are all judged by the address they end up at.
 */
#ifndef VIGIL_PROBE_TARGETS_H
#define VIGIL_PROBE_TARGETS_H

#include <stdbool.h>
#include <stddef.h>

struct conf_targets;
struct sockaddr;

/*
 * Whether a connection to SA (for host name HOST, may be NULL) is allowed
 * under T. When refused, WHY gets the reason in words.
 */
bool targets_allow(const struct conf_targets *t, const char *host, const struct sockaddr *sa,
                   char *why, size_t size);

#endif
