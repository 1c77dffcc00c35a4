/* IP addresses and networks. */
#include "util/cidr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const uint8_t v4_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

bool ip_is_v4(const struct ip_addr *a)
{
	return memcmp(a->b, v4_prefix, sizeof(v4_prefix)) == 0;
}

static void from_v4(const void *in4, struct ip_addr *out)
{
	memcpy(out->b, v4_prefix, sizeof(v4_prefix));
	memcpy(out->b + 12, in4, 4);
}

int ip_parse(const char *text, struct ip_addr *out)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (text == NULL)
		return -1;
	/* inet_pton takes only the dotted-quad form for IPv4, unlike inet_aton */
	if (inet_pton(AF_INET, text, &a4) == 1) {
		from_v4(&a4, out);
		return 0;
	}
	if (inet_pton(AF_INET6, text, &a6) == 1) {
		memcpy(out->b, &a6, 16);
		return 0;
	}
	return -1;
}

int ip_from_sockaddr(const struct sockaddr *sa, struct ip_addr *out)
{
	if (sa->sa_family == AF_INET) {
		from_v4(&((const struct sockaddr_in *)(const void *)sa)->sin_addr, out);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(out->b, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

void ip_format(const struct ip_addr *a, char *out, size_t size)
{
	if (ip_is_v4(a))
		inet_ntop(AF_INET, a->b + 12, out, (socklen_t)size);
	else
		inet_ntop(AF_INET6, a->b, out, (socklen_t)size);
}

int cidr_parse(const char *text, struct cidr *out, char *err, size_t errlen)
{
	char addr[64];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	long bits;
	char *end;
	int i;

	if (len == 0 || len >= sizeof(addr)) {
		snprintf(err, errlen, "\"%s\" is not an address or network", text);
		return -1;
	}
	memcpy(addr, text, len);
	addr[len] = '\0';
	if (ip_parse(addr, &out->net) < 0) {
		snprintf(err, errlen, "\"%s\" is not an IP address (like 10.0.0.0/8 or fd00::/8)",
		         addr);
		return -1;
	}
	out->bits = 128;
	if (slash != NULL) {
		bits = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || bits < 0 ||
		    bits > (ip_is_v4(&out->net) ? 32 : 128)) {
			snprintf(err, errlen, "\"%s\": the prefix length must be 0..%d", text,
			         ip_is_v4(&out->net) ? 32 : 128);
			return -1;
		}
		out->bits = (int)bits + (ip_is_v4(&out->net) ? 96 : 0);
	}
	for (i = out->bits; i < 128; i++) /* clear host bits */
		out->net.b[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
	return 0;
}

bool cidr_contains(const struct cidr *c, const struct ip_addr *a)
{
	int full = c->bits / 8, rest = c->bits % 8;

	if (memcmp(c->net.b, a->b, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((c->net.b[full] ^ a->b[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

bool cidr_list_contains(const struct cidr *list, size_t n, const struct ip_addr *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cidr_contains(&list[i], a))
			return true;
	return false;
}

static const struct {
	const char *net, *why;
} internal[] = {
	{ "0.0.0.0/8", "this network (0.0.0.0/8)" },
	{ "10.0.0.0/8", "private (10.0.0.0/8)" },
	{ "100.64.0.0/10", "shared address space (100.64.0.0/10)" },
	{ "127.0.0.0/8", "loopback (127.0.0.0/8)" },
	{ "169.254.0.0/16", "link-local (169.254.0.0/16, cloud metadata)" },
	{ "172.16.0.0/12", "private (172.16.0.0/12)" },
	{ "192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24)" },
	{ "192.168.0.0/16", "private (192.168.0.0/16)" },
	{ "198.18.0.0/15", "benchmarking (198.18.0.0/15)" },
	{ "224.0.0.0/4", "multicast (224.0.0.0/4)" },
	{ "240.0.0.0/4", "reserved (240.0.0.0/4)" },
	{ "::/128", "unspecified (::)" },
	{ "::1/128", "loopback (::1)" },
	{ "fc00::/7", "unique local (fc00::/7)" },
	{ "fe80::/10", "link-local (fe80::/10)" },
	{ "ff00::/8", "multicast (ff00::/8)" },
};

static bool in_table(const struct ip_addr *a, const char **why)
{
	char err[64];
	size_t i;

	for (i = 0; i < sizeof(internal) / sizeof(internal[0]); i++) {
		struct cidr c;

		if (cidr_parse(internal[i].net, &c, err, sizeof(err)) == 0 &&
		    cidr_contains(&c, a)) {
			*why = internal[i].why;
			return true;
		}
	}
	return false;
}

bool ip_is_internal(const struct ip_addr *a, const char **why)
{
	static const uint8_t nat64[12] = { 0x00, 0x64, 0xff, 0x9b }; /* 64:ff9b::/96 */
	struct ip_addr inner;

	*why = "";
	if (in_table(a, why))
		return true;
	if (ip_is_v4(a) && a->b[12] == 255 && a->b[13] == 255 && a->b[14] == 255 &&
	    a->b[15] == 255) {
		*why = "broadcast (255.255.255.255)";
		return true;
	}
	/* IPv6 forms that carry an IPv4 address: judge the address inside */
	if (memcmp(a->b, nat64, sizeof(nat64)) == 0 ||
	    (a->b[0] == 0 && memcmp(a->b, "\0\0\0\0\0\0\0\0\0\0\0\0", 12) == 0 &&
	     !(a->b[12] == 0 && a->b[13] == 0 && a->b[14] == 0 && a->b[15] <= 1))) {
		from_v4(a->b + 12, &inner); /* NAT64 64:ff9b::a.b.c.d, IPv4-compatible ::a.b.c.d */
		return in_table(&inner, why);
	}
	if (a->b[0] == 0x20 && a->b[1] == 0x02) { /* 6to4 2002:a.b.c.d::/48 */
		from_v4(a->b + 2, &inner);
		return in_table(&inner, why);
	}
	return false;
}
