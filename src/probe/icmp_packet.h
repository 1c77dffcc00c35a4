/*
 * ICMP echo packets for the icmp probe: building echo requests, the Internet
 * checksum, and classifying what an ICMP socket reads (echo replies, errors
 * quoting one of our requests, anything else). Pure functions over bytes, so
 * they are tested without sockets.
 */
#ifndef VIGIL_PROBE_ICMP_PACKET_H
#define VIGIL_PROBE_ICMP_PACKET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ICMP_HEADER_LEN  8  /* type, code, checksum, id, sequence */
#define ICMP_COOKIE_LEN  8  /* random bytes of one run, first in every payload */
#define ICMP_PAYLOAD_LEN 56 /* ping's default: cookie, then a fixed pattern */
#define ICMP_ECHO_LEN    (ICMP_HEADER_LEN + ICMP_PAYLOAD_LEN)

/* Message types of ICMPv4 (RFC 792) and ICMPv6 (RFC 4443) the probe knows. */
enum {
	ICMP_V4_ECHO_REPLY = 0,
	ICMP_V4_DEST_UNREACH = 3,
	ICMP_V4_ECHO_REQUEST = 8,
	ICMP_V4_TIME_EXCEEDED = 11,
	ICMP_V4_PARAM_PROBLEM = 12,
	ICMP_V6_DEST_UNREACH = 1,
	ICMP_V6_PACKET_TOO_BIG = 2,
	ICMP_V6_TIME_EXCEEDED = 3,
	ICMP_V6_PARAM_PROBLEM = 4,
	ICMP_V6_ECHO_REQUEST = 128,
	ICMP_V6_ECHO_REPLY = 129,
};

enum icmp_kind {
	ICMP_KIND_OTHER, /* not for us: another type, or an error about another packet */
	ICMP_KIND_REPLY, /* an echo reply */
	ICMP_KIND_ERROR, /* an error message quoting an echo request */
};

/* What one packet read from an ICMP socket is. */
struct icmp_parsed {
	enum icmp_kind kind;
	uint8_t type, code; /* of the packet itself */
	uint16_t id, seq;   /* reply: its own; error: of the echo request quoted */
	bool cookie_ok;     /* reply: the payload starts with the run's cookie */
	bool has_dst;       /* error: the quoted IP header gave the request's destination */
	int dst_family;     /* AF_INET or AF_INET6 when has_dst */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} dst;
};

/* The Internet checksum (RFC 1071) of LEN bytes at DATA, in network byte order. */
uint16_t icmp_checksum(const void *data, size_t len);

/*
 * Writes an echo request for FAMILY (AF_INET or AF_INET6) with ID, SEQ and
 * a payload starting with COOKIE into OUT (at least ICMP_ECHO_LEN bytes).
 * IPv4 requests carry their checksum; for IPv6 the kernel computes it (it
 * covers a pseudo-header only the kernel knows). Returns the length.
 */
size_t icmp_echo_build(uint8_t *out, int family, uint16_t id, uint16_t seq,
                       const uint8_t cookie[ICMP_COOKIE_LEN]);

/*
 * Classifies LEN bytes read from an ICMP socket of FAMILY. IP_HEADER: the
 * bytes start with an IPv4 header (raw IPv4 sockets). COOKIE: the run's
 * cookie, checked in echo replies. Returns 0 with *OUT filled, or -1 when
 * the bytes are malformed (too short, a bad IPv4 checksum or header length).
 */
int icmp_parse(const uint8_t *pkt, size_t len, int family, bool ip_header,
               const uint8_t cookie[ICMP_COOKIE_LEN], struct icmp_parsed *out);

/*
 * Reads the sequence number of an echo request of FAMILY at DATA (what the
 * error queue of a datagram ICMP socket returns with an error). Returns 0,
 * or -1 when it is not an echo request.
 */
int icmp_request_seq(const uint8_t *data, size_t len, int family, uint16_t *seq);

/* The meaning of ICMP error TYPE/CODE of FAMILY, e.g. "destination host unreachable". */
const char *icmp_error_str(int family, uint8_t type, uint8_t code);

#endif
