/* IP addresses and networks (CIDR), IPv4 and IPv6, for allow lists and the SSRF guard. */
#ifndef VIGIL_UTIL_CIDR_H
#define VIGIL_UTIL_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;

/* An address in IPv6 form: IPv4 as ::ffff:a.b.c.d (so one comparison covers both). */
struct ip_addr {
	uint8_t b[16];
};

struct cidr {
	struct ip_addr net;
	int bits; /* prefix length over the 128 bits (IPv4 /8 is 96 + 8) */
};

/*
 * Parses an IPv4 or IPv6 address in its canonical text form only (no
 * "127.1", no "0x7f.0.0.1": those are what resolvers accept, not what an
 * allow list should). Returns 0 or -1.
 */
int ip_parse(const char *text, struct ip_addr *out);
/* From a socket address (AF_INET or AF_INET6); -1 for other families. */
int ip_from_sockaddr(const struct sockaddr *sa, struct ip_addr *out);
/* Writes the address as text (IPv4-mapped ones as a.b.c.d). */
void ip_format(const struct ip_addr *a, char *out, size_t size);
bool ip_is_v4(const struct ip_addr *a);

/* Parses "10.0.0.0/8", "fd00::/8" or a single address. Returns 0 or -1 with ERR. */
int cidr_parse(const char *text, struct cidr *out, char *err, size_t errlen);
bool cidr_contains(const struct cidr *c, const struct ip_addr *a);
/* Whether A is in any of the N networks of LIST. */
bool cidr_list_contains(const struct cidr *list, size_t n, const struct ip_addr *a);

/*
 * Whether A is an address a monitor made through the API must not reach by
 * default: loopback, unspecified, link-local (169.254.0.0/16 holds cloud
 * metadata), private (RFC 1918, fc00::/7), shared (100.64.0.0/10),
 * multicast, broadcast, reserved, and the IPv6 forms that embed IPv4 ones
 * (NAT64 and 6to4 of those ranges). Fills WHY with the range's name.
 */
bool ip_is_internal(const struct ip_addr *a, const char **why);

#endif
