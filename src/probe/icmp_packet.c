/* ICMP echo packets: build requests, checksum, classify what a socket reads. */
#include "probe/icmp_packet.h"

#include <string.h>
#include <sys/socket.h>

#define IP4_MIN_HEADER 20
#define IP6_HEADER     40
#define IP_PROTO_ICMP  1
#define IP_PROTO_ICMP6 58

uint16_t icmp_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len == 1)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t icmp_echo_build(uint8_t *out, int family, uint16_t id, uint16_t seq,
                       const uint8_t cookie[ICMP_COOKIE_LEN])
{
	uint16_t sum;
	size_t i;

	memset(out, 0, ICMP_ECHO_LEN);
	out[0] = family == AF_INET6 ? ICMP_V6_ECHO_REQUEST : ICMP_V4_ECHO_REQUEST;
	put16(out + 4, id);
	put16(out + 6, seq);
	memcpy(out + ICMP_HEADER_LEN, cookie, ICMP_COOKIE_LEN);
	for (i = ICMP_HEADER_LEN + ICMP_COOKIE_LEN; i < ICMP_ECHO_LEN; i++)
		out[i] = (uint8_t)i; /* ping's pattern: the byte's offset */
	if (family != AF_INET6) {
		sum = icmp_checksum(out, ICMP_ECHO_LEN);
		memcpy(out + 2, &sum, sizeof(sum));
	}
	return ICMP_ECHO_LEN;
}

int icmp_request_seq(const uint8_t *data, size_t len, int family, uint16_t *seq)
{
	uint8_t want = family == AF_INET6 ? ICMP_V6_ECHO_REQUEST : ICMP_V4_ECHO_REQUEST;

	if (len < ICMP_HEADER_LEN || data[0] != want || data[1] != 0)
		return -1;
	*seq = get16(data + 6);
	return 0;
}

/* Length of the IPv4 header at P (LEN bytes) carrying ICMP, or 0 when it is not one. */
static size_t ip4_header(const uint8_t *p, size_t len)
{
	size_t ihl;

	if (len < IP4_MIN_HEADER || p[0] >> 4 != 4 || p[9] != IP_PROTO_ICMP)
		return 0;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	return ihl >= IP4_MIN_HEADER && ihl <= len ? ihl : 0;
}

static bool is_error(int family, uint8_t type)
{
	if (family == AF_INET6)
		return type >= ICMP_V6_DEST_UNREACH && type <= ICMP_V6_PARAM_PROBLEM;
	return type == ICMP_V4_DEST_UNREACH || type == ICMP_V4_TIME_EXCEEDED ||
	       type == ICMP_V4_PARAM_PROBLEM;
}

/* Reads the echo request quoted after the error header at Q (LEN bytes) into OUT. */
static void parse_quoted(const uint8_t *q, size_t len, int family, struct icmp_parsed *out)
{
	size_t hl;

	if (family == AF_INET6) {
		if (len < IP6_HEADER || q[0] >> 4 != 6 || q[6] != IP_PROTO_ICMP6)
			return;
		memcpy(&out->dst.v6, q + 24, sizeof(out->dst.v6));
		hl = IP6_HEADER;
	} else {
		if ((hl = ip4_header(q, len)) == 0)
			return;
		memcpy(&out->dst.v4, q + 16, sizeof(out->dst.v4));
	}
	if (icmp_request_seq(q + hl, len - hl, family, &out->seq) < 0)
		return;
	out->id = get16(q + hl + 4);
	out->has_dst = true;
	out->dst_family = family;
	out->kind = ICMP_KIND_ERROR;
}

int icmp_parse(const uint8_t *pkt, size_t len, int family, bool ip_header,
               const uint8_t cookie[ICMP_COOKIE_LEN], struct icmp_parsed *out)
{
	uint8_t reply = family == AF_INET6 ? ICMP_V6_ECHO_REPLY : ICMP_V4_ECHO_REPLY;
	size_t hl = 0;

	memset(out, 0, sizeof(*out));
	if (ip_header && family == AF_INET && (hl = ip4_header(pkt, len)) == 0)
		return -1;
	pkt += hl;
	len -= hl;
	if (len < ICMP_HEADER_LEN)
		return -1;
	/* the kernel checks ICMPv6 checksums (pseudo-header) before we read them */
	if (family == AF_INET && icmp_checksum(pkt, len) != 0)
		return -1;
	out->type = pkt[0];
	out->code = pkt[1];
	if (out->type == reply && out->code == 0) {
		out->kind = ICMP_KIND_REPLY;
		out->id = get16(pkt + 4);
		out->seq = get16(pkt + 6);
		out->cookie_ok = len >= ICMP_HEADER_LEN + ICMP_COOKIE_LEN &&
		                 memcmp(pkt + ICMP_HEADER_LEN, cookie, ICMP_COOKIE_LEN) == 0;
	} else if (is_error(family, out->type)) {
		parse_quoted(pkt + ICMP_HEADER_LEN, len - ICMP_HEADER_LEN, family, out);
	}
	return 0;
}

static const char *unreach4(uint8_t code)
{
	static const char *const words[] = {
		"destination network unreachable",
		"destination host unreachable",
		"destination protocol unreachable",
		"destination port unreachable",
		"fragmentation needed",
		"source route failed",
		"destination network unknown",
		"destination host unknown",
		"source host isolated",
		"destination network administratively prohibited",
		"destination host administratively prohibited",
		"destination network unreachable for the type of service",
		"destination host unreachable for the type of service",
		"communication administratively prohibited",
		"host precedence violation",
		"precedence cutoff in effect",
	};

	return code < sizeof(words) / sizeof(words[0]) ? words[code] : "destination unreachable";
}

static const char *unreach6(uint8_t code)
{
	static const char *const words[] = {
		"no route to destination",
		"communication administratively prohibited",
		"beyond the scope of the source address",
		"destination address unreachable",
		"destination port unreachable",
		"source address failed ingress/egress policy",
		"reject route to destination",
	};

	return code < sizeof(words) / sizeof(words[0]) ? words[code] : "destination unreachable";
}

const char *icmp_error_str(int family, uint8_t type, uint8_t code)
{
	if (family == AF_INET6) {
		switch (type) {
		case ICMP_V6_DEST_UNREACH:
			return unreach6(code);
		case ICMP_V6_PACKET_TOO_BIG:
			return "packet too big";
		case ICMP_V6_TIME_EXCEEDED:
			return code == 0 ? "hop limit exceeded in transit"
			                 : "fragment reassembly time exceeded";
		case ICMP_V6_PARAM_PROBLEM:
			return "parameter problem";
		default:
			return "ICMPv6 error";
		}
	}
	switch (type) {
	case ICMP_V4_DEST_UNREACH:
		return unreach4(code);
	case ICMP_V4_TIME_EXCEEDED:
		return code == 0 ? "time to live exceeded in transit"
		                 : "fragment reassembly time exceeded";
	case ICMP_V4_PARAM_PROBLEM:
		return "parameter problem";
	default:
		return "ICMP error";
	}
}
