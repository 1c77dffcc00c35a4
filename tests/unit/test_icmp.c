/* Unit tests of src/probe/icmp_packet.c: checksum, echo requests, classifying what sockets read. */
#include "testing.h"

#include <arpa/inet.h>
#include <stdbool.h>

#include "conf/conf.h"
#include "probe/icmp_packet.h"
#include "probe/probe.h"

static const uint8_t COOKIE[ICMP_COOKIE_LEN] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4 };
static const uint8_t OTHER[ICMP_COOKIE_LEN] = { 9, 9, 9, 9, 9, 9, 9, 9 };

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void set_checksum(uint8_t *icmp, size_t len)
{
	uint16_t sum;

	icmp[2] = icmp[3] = 0;
	sum = icmp_checksum(icmp, len);
	memcpy(icmp + 2, &sum, sizeof(sum));
}

/* Writes a 20-byte IPv4 header carrying ICMP from SRC to DST (no options). */
static void ip4_header(uint8_t *p, const char *src, const char *dst, size_t total)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = (uint8_t)(total >> 8);
	p[3] = (uint8_t)total;
	p[8] = 64;
	p[9] = 1; /* ICMP */
	inet_pton(AF_INET, src, p + 12);
	inet_pton(AF_INET, dst, p + 16);
}

static void ip6_header(uint8_t *p, const char *src, const char *dst, size_t payload)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	p[4] = (uint8_t)(payload >> 8);
	p[5] = (uint8_t)payload;
	p[6] = 58; /* ICMPv6 */
	p[7] = 64;
	inet_pton(AF_INET6, src, p + 8);
	inet_pton(AF_INET6, dst, p + 24);
}

/* Turns the echo request at P (LEN bytes) into its reply, as a host would. */
static void to_reply(uint8_t *p, size_t len, int family)
{
	p[0] = family == AF_INET6 ? ICMP_V6_ECHO_REPLY : ICMP_V4_ECHO_REPLY;
	if (family == AF_INET)
		set_checksum(p, len);
}

static void test_checksum(void **state)
{
	/* RFC 1071's example: the one's complement sum is 0xddf2 */
	const uint8_t words[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	const uint8_t odd[] = { 0x01, 0x02, 0x03 };
	uint16_t sum;

	(void)state;
	sum = icmp_checksum(words, sizeof(words));
	assert_int_equal(ntohs(sum), 0x220d);
	/* an odd length pads with a zero byte: 0x0102 + 0x0300 */
	assert_int_equal(ntohs(icmp_checksum(odd, sizeof(odd))), (uint16_t)~0x0402);
	/* nothing sums to zero, whose complement is all ones */
	assert_int_equal(icmp_checksum("", 0), 0xffff);
}

static void test_build_v4(void **state)
{
	uint8_t p[ICMP_ECHO_LEN];
	size_t n = icmp_echo_build(p, AF_INET, 0x1234, 0xfffe, COOKIE);
	uint16_t seq;

	(void)state;
	assert_int_equal(n, 64);
	assert_int_equal(p[0], 8);
	assert_int_equal(p[1], 0);
	assert_int_equal(rd16(p + 4), 0x1234);
	assert_int_equal(rd16(p + 6), 0xfffe);
	assert_memory_equal(p + 8, COOKIE, sizeof(COOKIE));
	assert_int_equal(p[63], 63);
	assert_int_equal(icmp_checksum(p, n), 0); /* the checksum is right */
	assert_int_equal(icmp_request_seq(p, n, AF_INET, &seq), 0);
	assert_int_equal(seq, 0xfffe);
	assert_int_equal(icmp_request_seq(p, 7, AF_INET, &seq), -1);
	assert_int_equal(icmp_request_seq(p, n, AF_INET6, &seq), -1); /* type 8 is not v6's */
}

static void test_build_v6(void **state)
{
	uint8_t p[ICMP_ECHO_LEN];
	uint16_t seq;

	(void)state;
	assert_int_equal(icmp_echo_build(p, AF_INET6, 7, 9, COOKIE), 64);
	assert_int_equal(p[0], 128);
	assert_int_equal(p[2] | p[3], 0); /* left to the kernel */
	assert_int_equal(icmp_request_seq(p, 64, AF_INET6, &seq), 0);
	assert_int_equal(seq, 9);
}

static void test_reply_datagram_v4(void **state)
{
	uint8_t p[ICMP_ECHO_LEN];
	struct icmp_parsed r;

	(void)state;
	icmp_echo_build(p, AF_INET, 0x4242, 17, COOKIE);
	to_reply(p, sizeof(p), AF_INET);
	assert_int_equal(icmp_parse(p, sizeof(p), AF_INET, false, COOKIE, &r), 0);
	assert_int_equal(r.kind, ICMP_KIND_REPLY);
	assert_int_equal(r.id, 0x4242);
	assert_int_equal(r.seq, 17);
	assert_true(r.cookie_ok);
	/* another run's reply: same shape, other cookie */
	assert_int_equal(icmp_parse(p, sizeof(p), AF_INET, false, OTHER, &r), 0);
	assert_int_equal(r.kind, ICMP_KIND_REPLY);
	assert_false(r.cookie_ok);
	/* a reply too short to hold a cookie */
	set_checksum(p, 12);
	assert_int_equal(icmp_parse(p, 12, AF_INET, false, COOKIE, &r), 0);
	assert_false(r.cookie_ok);
}

static void test_reply_raw_v4(void **state)
{
	uint8_t p[20 + ICMP_ECHO_LEN];
	struct icmp_parsed r;

	(void)state;
	ip4_header(p, "127.0.0.1", "127.0.0.1", sizeof(p));
	icmp_echo_build(p + 20, AF_INET, 99, 3, COOKIE);
	to_reply(p + 20, ICMP_ECHO_LEN, AF_INET);
	assert_int_equal(icmp_parse(p, sizeof(p), AF_INET, true, COOKIE, &r), 0);
	assert_int_equal(r.kind, ICMP_KIND_REPLY);
	assert_int_equal(r.id, 99);
	assert_int_equal(r.seq, 3);
	assert_true(r.cookie_ok);
	/* IP options: a 24-byte header is skipped too */
	{
		uint8_t q[24 + ICMP_ECHO_LEN];

		memcpy(q, p, 20);
		q[0] = 0x46;
		memset(q + 20, 1, 4); /* NOP options */
		memcpy(q + 24, p + 20, ICMP_ECHO_LEN);
		assert_int_equal(icmp_parse(q, sizeof(q), AF_INET, true, COOKIE, &r), 0);
		assert_int_equal(r.seq, 3);
		assert_true(r.cookie_ok);
	}
}

static void test_malformed(void **state)
{
	uint8_t p[20 + ICMP_ECHO_LEN];
	struct icmp_parsed r;

	(void)state;
	ip4_header(p, "127.0.0.1", "127.0.0.1", sizeof(p));
	icmp_echo_build(p + 20, AF_INET, 1, 1, COOKIE);
	to_reply(p + 20, ICMP_ECHO_LEN, AF_INET);
	/* a flipped bit: the checksum no longer holds */
	p[40] ^= 0x10;
	assert_int_equal(icmp_parse(p, sizeof(p), AF_INET, true, COOKIE, &r), -1);
	p[40] ^= 0x10;
	/* cut inside the ICMP header, or inside the IP header */
	assert_int_equal(icmp_parse(p, 27, AF_INET, true, COOKIE, &r), -1);
	assert_int_equal(icmp_parse(p, 19, AF_INET, true, COOKIE, &r), -1);
	assert_int_equal(icmp_parse(p, 0, AF_INET, true, COOKIE, &r), -1);
	/* an IHL pointing past the end, below the minimum, or not IPv4/ICMP */
	p[0] = 0x4f;
	assert_int_equal(icmp_parse(p, 40, AF_INET, true, COOKIE, &r), -1);
	p[0] = 0x44;
	assert_int_equal(icmp_parse(p, sizeof(p), AF_INET, true, COOKIE, &r), -1);
	p[0] = 0x45;
	p[9] = 6;
	assert_int_equal(icmp_parse(p, sizeof(p), AF_INET, true, COOKIE, &r), -1);
	p[9] = 1;
	assert_int_equal(icmp_parse(p, sizeof(p), AF_INET, true, COOKIE, &r), 0);
	assert_int_equal(icmp_parse(p + 20, 7, AF_INET6, false, COOKIE, &r), -1);
}

static void test_other_types(void **state)
{
	uint8_t p[ICMP_ECHO_LEN];
	struct icmp_parsed r;

	(void)state;
	/* our own request, looped back to a raw socket: not a reply */
	icmp_echo_build(p, AF_INET, 1, 1, COOKIE);
	assert_int_equal(icmp_parse(p, sizeof(p), AF_INET, false, COOKIE, &r), 0);
	assert_int_equal(r.kind, ICMP_KIND_OTHER);
	/* a redirect (type 5) is not an error about our request */
	p[0] = 5;
	set_checksum(p, sizeof(p));
	assert_int_equal(icmp_parse(p, sizeof(p), AF_INET, false, COOKIE, &r), 0);
	assert_int_equal(r.kind, ICMP_KIND_OTHER);
	/* an echo reply with a nonzero code is malformed, so ignored */
	p[0] = 0;
	p[1] = 1;
	set_checksum(p, sizeof(p));
	assert_int_equal(icmp_parse(p, sizeof(p), AF_INET, false, COOKIE, &r), 0);
	assert_int_equal(r.kind, ICMP_KIND_OTHER);
	/* neighbour solicitation (135) on a v6 socket */
	memset(p, 0, sizeof(p));
	p[0] = 135;
	assert_int_equal(icmp_parse(p, sizeof(p), AF_INET6, false, COOKIE, &r), 0);
	assert_int_equal(r.kind, ICMP_KIND_OTHER);
}

/* A raw IPv4 socket reads: IP(router -> us) ICMP 3/1 [IP(us -> DST) echo request]. */
static size_t unreach_v4(uint8_t *p, const char *dst, uint16_t id, uint16_t seq)
{
	size_t inner = 20 + ICMP_ECHO_LEN, total = 20 + 8 + inner;

	ip4_header(p, "192.0.2.1", "127.0.0.1", total);
	memset(p + 20, 0, 8);
	p[20] = 3;
	p[21] = 1;
	ip4_header(p + 28, "127.0.0.1", dst, inner);
	icmp_echo_build(p + 48, AF_INET, id, seq, COOKIE);
	set_checksum(p + 20, total - 20);
	return total;
}

static void test_error_v4(void **state)
{
	uint8_t p[256];
	size_t n = unreach_v4(p, "198.51.100.7", 0x0a0b, 513);
	struct icmp_parsed r;
	struct in_addr want;

	(void)state;
	assert_int_equal(icmp_parse(p, n, AF_INET, true, COOKIE, &r), 0);
	assert_int_equal(r.kind, ICMP_KIND_ERROR);
	assert_int_equal(r.type, 3);
	assert_int_equal(r.code, 1);
	assert_int_equal(r.id, 0x0a0b);
	assert_int_equal(r.seq, 513);
	assert_true(r.has_dst);
	assert_int_equal(r.dst_family, AF_INET);
	inet_pton(AF_INET, "198.51.100.7", &want);
	assert_memory_equal(&r.dst.v4, &want, sizeof(want));
	assert_string_equal(icmp_error_str(AF_INET, r.type, r.code),
	                    "destination host unreachable");
	/* RFC 792's minimum quote: the IP header and 8 bytes are enough */
	n = 20 + 8 + 20 + 8;
	set_checksum(p + 20, n - 20);
	assert_int_equal(icmp_parse(p, n, AF_INET, true, COOKIE, &r), 0);
	assert_int_equal(r.kind, ICMP_KIND_ERROR);
	assert_int_equal(r.seq, 513);
	/* quoting less than the echo header: an error, but not one we can place */
	n = 20 + 8 + 20 + 4;
	set_checksum(p + 20, n - 20);
	assert_int_equal(icmp_parse(p, n, AF_INET, true, COOKIE, &r), 0);
	assert_int_equal(r.kind, ICMP_KIND_OTHER);
	/* quoting a UDP datagram: someone else's */
	n = unreach_v4(p, "198.51.100.7", 1, 1);
	p[28 + 9] = 17;
	set_checksum(p + 20, n - 20);
	assert_int_equal(icmp_parse(p, n, AF_INET, true, COOKIE, &r), 0);
	assert_int_equal(r.kind, ICMP_KIND_OTHER);
}

static void test_reply_and_error_v6(void **state)
{
	uint8_t p[8 + 40 + ICMP_ECHO_LEN];
	struct icmp_parsed r;
	struct in6_addr want;

	(void)state;
	icmp_echo_build(p, AF_INET6, 5, 6, COOKIE);
	to_reply(p, ICMP_ECHO_LEN, AF_INET6);
	assert_int_equal(icmp_parse(p, ICMP_ECHO_LEN, AF_INET6, false, COOKIE, &r), 0);
	assert_int_equal(r.kind, ICMP_KIND_REPLY);
	assert_int_equal(r.id, 5);
	assert_int_equal(r.seq, 6);
	assert_true(r.cookie_ok);
	/* ICMPv6 1/3 (address unreachable) quoting our request to 2001:db8::9 */
	memset(p, 0, 8);
	p[0] = 1;
	p[1] = 3;
	ip6_header(p + 8, "::1", "2001:db8::9", ICMP_ECHO_LEN);
	icmp_echo_build(p + 48, AF_INET6, 5, 7, COOKIE);
	assert_int_equal(icmp_parse(p, sizeof(p), AF_INET6, false, COOKIE, &r), 0);
	assert_int_equal(r.kind, ICMP_KIND_ERROR);
	assert_int_equal(r.seq, 7);
	assert_int_equal(r.id, 5);
	assert_int_equal(r.dst_family, AF_INET6);
	inet_pton(AF_INET6, "2001:db8::9", &want);
	assert_memory_equal(&r.dst.v6, &want, sizeof(want));
	assert_string_equal(icmp_error_str(AF_INET6, 1, 3), "destination address unreachable");
	/* an extension header before ICMPv6: not placed */
	p[8 + 6] = 0;
	assert_int_equal(icmp_parse(p, sizeof(p), AF_INET6, false, COOKIE, &r), 0);
	assert_int_equal(r.kind, ICMP_KIND_OTHER);
	/* a quoted header cut short */
	p[8 + 6] = 58;
	assert_int_equal(icmp_parse(p, 8 + 39, AF_INET6, false, COOKIE, &r), 0);
	assert_int_equal(r.kind, ICMP_KIND_OTHER);
}

static void test_error_words(void **state)
{
	(void)state;
	assert_string_equal(icmp_error_str(AF_INET, 3, 0), "destination network unreachable");
	assert_string_equal(icmp_error_str(AF_INET, 3, 13),
	                    "communication administratively prohibited");
	assert_string_equal(icmp_error_str(AF_INET, 3, 200), "destination unreachable");
	assert_string_equal(icmp_error_str(AF_INET, 11, 0), "time to live exceeded in transit");
	assert_string_equal(icmp_error_str(AF_INET, 12, 0), "parameter problem");
	assert_string_equal(icmp_error_str(AF_INET6, 1, 0), "no route to destination");
	assert_string_equal(icmp_error_str(AF_INET6, 2, 0), "packet too big");
	assert_string_equal(icmp_error_str(AF_INET6, 3, 0), "hop limit exceeded in transit");
	assert_string_equal(icmp_error_str(AF_INET6, 1, 99), "destination unreachable");
}

/* ---- the probe type: keys and placeholders ------------------------------ */

static void expect_error(const char *monitor, const char *msg)
{
	struct conf_diag d = { 0 };
	char text[512];
	struct vigil_config *cfg;
	bool found = false;
	size_t i;

	snprintf(text, sizeof(text), "monitors:\n  - {name: P, type: icmp, %s}\n", monitor);
	cfg = conf_load_string("m.yaml", text, strlen(text), &d);
	for (i = 0; i < d.n; i++)
		found |= strstr(d.msgs[i], msg) != NULL;
	if (!found)
		for (i = 0; i < d.n; i++)
			print_message("got: %s\n", d.msgs[i]);
	conf_diag_free(&d);
	conf_unref(cfg);
	if (cfg != NULL || !found)
		fail_msg("expected an error with: %s", msg);
}

static void test_keys(void **state)
{
	const char *text = "monitors:\n  - {name: P, type: icmp, host: \"::1\", ip_version: 0}\n"
	                   "  - {name: Q, type: icmp, host: h, ip_version: 6, count: 100, "
	                   "spacing: 10ms}\n";
	struct conf_diag d = { 0 };
	struct vigil_config *cfg = conf_load_string("m.yaml", text, strlen(text), &d);
	char *dump;

	(void)state;
	assert_non_null(cfg);
	dump = conf_dump(cfg);
	assert_contains(dump, "count: 3\n    spacing: 200ms\n    ip_version: any\n");
	assert_contains(dump, "count: 100\n    spacing: 10ms\n    ip_version: 6\n");
	free(dump);
	conf_unref(cfg);
	expect_error("count: 2", "monitors[0]: missing required key \"host\"");
	expect_error("host: \"\"", "monitors[0].host: is empty");
	expect_error("host: h, count: 0", "monitors[0].count: 0 is out of range (1..100)");
	expect_error("host: h, count: 101", "monitors[0].count: 101 is out of range (1..100)");
	expect_error("host: h, spacing: 5ms", "monitors[0].spacing: 5ms is out of range");
	expect_error("host: h, ip_version: 5", "monitors[0].ip_version: \"5\" is not one of");
	expect_error("host: \"::1\", ip_version: 4",
	             "monitors[0].host: ::1 is an IPv6 address but ip_version is 4");
	expect_error("host: 127.0.0.1, ip_version: 6",
	             "monitors[0].host: 127.0.0.1 is an IPv4 address but ip_version is 6");
	expect_error("host: h, interval_ms: 5",
	             "monitors[0].interval_ms: unknown key, did you mean \"interval\"?");
}

static void test_placeholders(void **state)
{
	struct probe_result r;
	struct cond_value v;

	(void)state;
	probe_result_init(&r);
	/* no reply: no round-trip time to compare */
	assert_int_equal(probe_icmp.get(&r, "RTT", NULL, &v), -1);
	assert_int_equal(probe_icmp.get(&r, "PACKET_LOSS", NULL, &v), -1);
	probe_result_value(&r, "packet_loss", 100.0 / 3);
	probe_result_value(&r, "rtt_min_ms", 0.5);
	probe_result_value(&r, "rtt_avg_ms", 1.5);
	probe_result_value(&r, "rtt_max_ms", 2.5);
	assert_int_equal(probe_icmp.get(&r, "PACKET_LOSS", NULL, &v), 0);
	assert_true(v.type == COND_NUMBER && v.num > 33.3 && v.num < 33.4);
	assert_int_equal(probe_icmp.get(&r, "RTT", NULL, &v), 0);
	assert_true(v.type == COND_DURATION && v.num == 1.5);
	assert_int_equal(probe_icmp.get(&r, "RESPONSE_TIME", NULL, &v), 0);
	assert_true(v.type == COND_DURATION && v.num == 1.5);
	assert_int_equal(probe_icmp.get(&r, "RTT_MIN", NULL, &v), 0);
	assert_true(v.num == 0.5);
	assert_int_equal(probe_icmp.get(&r, "RTT_MAX", NULL, &v), 0);
	assert_true(v.num == 2.5);
	assert_int_equal(probe_icmp.get(&r, "CONNECTED", NULL, &v), 0);
	assert_true(v.type == COND_BOOL && v.num == 0);
	assert_int_equal(probe_icmp.get(&r, "STATUS", NULL, &v), -1);
	probe_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_build_v4),
		cmocka_unit_test(test_build_v6),
		cmocka_unit_test(test_reply_datagram_v4),
		cmocka_unit_test(test_reply_raw_v4),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_other_types),
		cmocka_unit_test(test_error_v4),
		cmocka_unit_test(test_reply_and_error_v6),
		cmocka_unit_test(test_error_words),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_placeholders),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
