/* Unit tests of src/probe/dns.c's keys and src/probe/dns_answer.c: parsing, text, expect. */
#include "testing.h"

#include <stdbool.h>

#include "conf/conf.h"
#include "conf/monitors.h"
#include "probe/dns_answer.h"
#include "probe/probe.h"
#include "util/buf.h"

/* ---- a small builder of DNS response messages ---- */

struct pkt {
	unsigned char b[4096];
	size_t n;
};

static void put8(struct pkt *p, unsigned v)
{
	assert_true(p->n < sizeof(p->b));
	p->b[p->n++] = (unsigned char)v;
}

static void put16(struct pkt *p, unsigned v)
{
	put8(p, v >> 8 & 0xff);
	put8(p, v & 0xff);
}

static void put32(struct pkt *p, unsigned long v)
{
	put16(p, (unsigned)(v >> 16 & 0xffff));
	put16(p, (unsigned)(v & 0xffff));
}

static void put_bytes(struct pkt *p, const void *data, size_t len)
{
	assert_true(p->n + len <= sizeof(p->b));
	memcpy(p->b + p->n, data, len);
	p->n += len;
}

/* NAME in labels, uncompressed, with the root label. */
static void put_name(struct pkt *p, const char *name)
{
	const char *dot;
	size_t len;

	while (*name) {
		dot = strchr(name, '.');
		len = dot ? (size_t)(dot - name) : strlen(name);
		put8(p, (unsigned)len);
		put_bytes(p, name, len);
		name += len + (dot != NULL);
	}
	put8(p, 0);
}

/* A response header (QR set) and one question for QNAME of QTYPE; AN answers announced. */
static void begin(struct pkt *p, int rcode, bool tc, unsigned an, const char *qname, unsigned qtype)
{
	p->n = 0;
	put16(p, 0x1234);
	put8(p, 0x81 | (tc ? 0x02 : 0));
	put8(p, 0x80 | (unsigned)rcode);
	put16(p, 1);
	put16(p, an);
	put16(p, 0);
	put16(p, 0);
	put_name(p, qname);
	put16(p, qtype);
	put16(p, 1);
}

/* The fixed part of an answer owned by the question's name (a pointer to offset 12). */
static void rr_head(struct pkt *p, unsigned type, unsigned rdlen)
{
	put16(p, 0xc00c);
	put16(p, type);
	put16(p, 1);
	put32(p, 60);
	put16(p, rdlen);
}

static void rr_a(struct pkt *p, unsigned char a, unsigned char b, unsigned char c, unsigned char d)
{
	const unsigned char ip[4] = { a, b, c, d };

	rr_head(p, 1, 4);
	put_bytes(p, ip, 4);
}

static void rr_name(struct pkt *p, unsigned type, const char *name)
{
	struct pkt tmp = { .n = 0 };

	put_name(&tmp, name);
	rr_head(p, type, (unsigned)tmp.n);
	put_bytes(p, tmp.b, tmp.n);
}

static int parse(const struct pkt *p, enum dns_record type, struct dns_answer *a, char *err)
{
	return dns_answer_parse(p->b, p->n, type, a, err, 128);
}

/* ---- parsing and text ---- */

static void test_parse_a(void **state)
{
	struct pkt p;
	struct dns_answer a;
	struct buf body;
	char err[128], list[128];

	(void)state;
	begin(&p, 0, false, 3, "www.example.test", 1);
	rr_name(&p, 5, "target.example.test"); /* a CNAME before the addresses: not counted */
	rr_a(&p, 192, 0, 2, 1);
	rr_a(&p, 192, 0, 2, 2);
	assert_int_equal(parse(&p, DNS_REC_A, &a, err), 0);
	assert_int_equal(a.rcode, DNS_RCODE_NOERROR);
	assert_false(a.truncated);
	assert_int_equal(a.total, 2);
	assert_int_equal(a.n, 2);
	assert_string_equal(a.rr[0].text, "192.0.2.1");
	buf_init(&body, PROBE_BODY_KEEP);
	dns_answer_format(&a, &body);
	assert_string_equal(body.data, "192.0.2.1\n192.0.2.2");
	buf_free(&body);
	dns_answer_list(&a, list, sizeof(list));
	assert_string_equal(list, "192.0.2.1, 192.0.2.2");
	dns_answer_free(&a);
}

static void test_parse_aaaa(void **state)
{
	static const unsigned char ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
	struct pkt p;
	struct dns_answer a;
	char err[128];

	(void)state;
	begin(&p, 0, false, 1, "www.example.test", 28);
	rr_head(&p, 28, 16);
	put_bytes(&p, ip6, 16);
	assert_int_equal(parse(&p, DNS_REC_AAAA, &a, err), 0);
	assert_int_equal(a.total, 1);
	assert_string_equal(a.rr[0].text, "2001:db8::10");
	dns_answer_free(&a);
}

static void test_parse_names(void **state)
{
	struct pkt p;
	struct dns_answer a;
	char err[128];

	(void)state;
	/* CNAME whose target is compressed: "www" + a pointer to "example.test" in the question */
	begin(&p, 0, false, 1, "alias.example.test", 5);
	rr_head(&p, 5, 6);
	put8(&p, 3);
	put_bytes(&p, "www", 3);
	put16(&p, 0xc000 | 18); /* 12 + len("\x05alias") */
	assert_int_equal(parse(&p, DNS_REC_CNAME, &a, err), 0);
	assert_string_equal(a.rr[0].text, "www.example.test");
	dns_answer_free(&a);

	begin(&p, 0, false, 2, "example.test", 2);
	rr_name(&p, 2, "ns1.example.test");
	rr_name(&p, 2, "ns2.example.test");
	assert_int_equal(parse(&p, DNS_REC_NS, &a, err), 0);
	assert_int_equal(a.total, 2);
	assert_string_equal(a.rr[1].value, "ns2.example.test");
	dns_answer_free(&a);

	begin(&p, 0, false, 1, "example.test", 15);
	rr_head(&p, 15, 2 + 19); /* "\x04mail\x07example\x04test\0" */
	put16(&p, 10);
	put_name(&p, "mail.example.test");
	assert_int_equal(parse(&p, DNS_REC_MX, &a, err), 0);
	assert_string_equal(a.rr[0].text, "10 mail.example.test");
	assert_string_equal(a.rr[0].value, "mail.example.test");
	assert_int_equal(a.rr[0].pref, 10);
	dns_answer_free(&a);

	begin(&p, 0, false, 1, "example.test", 6);
	rr_head(&p, 6, 6 + 13 + 20); /* "ns1" and "hostmaster" + pointers, 5 numbers */
	put8(&p, 3);
	put_bytes(&p, "ns1", 3);
	put16(&p, 0xc00c);
	put8(&p, 10);
	put_bytes(&p, "hostmaster", 10);
	put16(&p, 0xc00c);
	put32(&p, 2024010101UL);
	put32(&p, 3600);
	put32(&p, 600);
	put32(&p, 86400);
	put32(&p, 60);
	assert_int_equal(parse(&p, DNS_REC_SOA, &a, err), 0);
	assert_string_equal(
	        a.rr[0].text,
	        "ns1.example.test hostmaster.example.test 2024010101 3600 600 86400 60");
	assert_string_equal(a.rr[0].value, "ns1.example.test");
	dns_answer_free(&a);
}

static void test_parse_txt(void **state)
{
	struct pkt p;
	struct dns_answer a;
	char err[128];

	(void)state;
	begin(&p, 0, false, 2, "example.test", 16);
	rr_head(&p, 16, 8);
	put8(&p, 3);
	put_bytes(&p, "abc", 3);
	put8(&p, 3);
	put_bytes(&p, "def", 3);
	rr_head(&p, 16, 4); /* a line break inside: shown escaped, compared raw */
	put8(&p, 3);
	put_bytes(&p, "a\nb", 3);
	assert_int_equal(parse(&p, DNS_REC_TXT, &a, err), 0);
	assert_string_equal(a.rr[0].value, "abcdef");
	assert_string_equal(a.rr[1].text, "a\\010b");
	assert_string_equal(a.rr[1].value, "a\nb");
	dns_answer_free(&a);
}

static void test_rcode_and_flags(void **state)
{
	struct pkt p;
	struct dns_answer a;
	char err[128], rc[16];

	(void)state;
	begin(&p, 3, false, 0, "nope.example.test", 1);
	assert_int_equal(parse(&p, DNS_REC_A, &a, err), 0);
	assert_int_equal(a.rcode, DNS_RCODE_NXDOMAIN);
	assert_int_equal(a.total, 0);
	dns_answer_free(&a);
	begin(&p, 0, true, 0, "tc.example.test", 1);
	assert_int_equal(parse(&p, DNS_REC_A, &a, err), 0);
	assert_true(a.truncated);
	dns_answer_free(&a);
	assert_string_equal(dns_rcode_str(0, rc, sizeof(rc)), "NOERROR");
	assert_string_equal(dns_rcode_str(2, rc, sizeof(rc)), "SERVFAIL");
	assert_string_equal(dns_rcode_str(3, rc, sizeof(rc)), "NXDOMAIN");
	assert_string_equal(dns_rcode_str(5, rc, sizeof(rc)), "REFUSED");
	assert_string_equal(dns_rcode_str(14, rc, sizeof(rc)), "RCODE14");
	assert_int_equal(dns_record_qtype(DNS_REC_AAAA), 28);
	assert_int_equal(dns_record_qtype(DNS_REC_SOA), 6);
	assert_string_equal(dns_record_names[DNS_REC_MX], "MX");
}

static void expect_malformed(const struct pkt *p, enum dns_record type, const char *why)
{
	struct dns_answer a;
	char err[128] = "";

	assert_int_equal(parse(p, type, &a, err), -1);
	assert_contains(err, why);
	dns_answer_free(&a);
}

static void test_malformed(void **state)
{
	struct pkt p;

	(void)state;
	p.n = 5;
	memset(p.b, 0, 5);
	expect_malformed(&p, DNS_REC_A, "shorter than a DNS header");
	begin(&p, 0, false, 0, "x.test", 1);
	p.b[2] &= 0x7f; /* a query, not a response */
	expect_malformed(&p, DNS_REC_A, "not a response");
	begin(&p, 0, false, 1, "x.test", 1);
	rr_head(&p, 1, 40); /* rdlength past the end */
	put32(&p, 0);
	expect_malformed(&p, DNS_REC_A, "answer record 1 is malformed");
	begin(&p, 0, false, 1, "x.test", 1);
	rr_head(&p, 1, 5); /* an address of 5 bytes */
	put_bytes(&p, "12345", 5);
	expect_malformed(&p, DNS_REC_A, "answer record 1");
	begin(&p, 0, false, 1, "x.test", 16);
	rr_head(&p, 16, 3); /* a TXT string longer than its record */
	put8(&p, 9);
	put_bytes(&p, "ab", 2);
	expect_malformed(&p, DNS_REC_TXT, "answer record 1");
	begin(&p, 0, false, 1, "x.test", 5);
	rr_head(&p, 5, 2); /* a name pointing at itself */
	put16(&p, 0xc000 | (unsigned)p.n);
	expect_malformed(&p, DNS_REC_CNAME, "answer record 1");
	begin(&p, 0, false, 1, "x.test", 6);
	rr_name(&p, 6, "ns.x.test"); /* an SOA without its numbers */
	expect_malformed(&p, DNS_REC_SOA, "answer record 1");
	begin(&p, 0, false, 2, "x.test", 1);
	rr_a(&p, 1, 2, 3, 4); /* two announced, one sent */
	expect_malformed(&p, DNS_REC_A, "answer record 2");
	p.n = 14; /* the question cut */
	p.b[7] = 0;
	expect_malformed(&p, DNS_REC_A, "question 1");
}

static void test_many_answers(void **state)
{
	struct pkt p;
	struct dns_answer a;
	char err[128], list[64];
	unsigned i;

	(void)state;
	begin(&p, 0, false, 70, "many.test", 1);
	for (i = 0; i < 70; i++)
		rr_a(&p, 10, 0, 0, (unsigned char)i);
	assert_int_equal(parse(&p, DNS_REC_A, &a, err), 0);
	assert_int_equal(a.total, 70);
	assert_int_equal(a.n, DNS_ANSWERS_MAX);
	dns_answer_list(&a, list, sizeof(list));
	assert_true(strlen(list) < sizeof(list));
	assert_contains(list, "10.0.0.0, 10.0.0.1, ");
	assert_int_equal(strcmp(list + strlen(list) - 3, "..."), 0);
	dns_answer_list(&a, list, 4);
	assert_string_equal(list, "...");
	dns_answer_free(&a);
}

/* ---- expect ---- */

static bool match(enum dns_record t, const char *value, int pref, const char *want)
{
	char copy[128];
	struct dns_rr rr = { copy, copy, pref };

	snprintf(copy, sizeof(copy), "%s", value);
	return dns_rr_matches(t, &rr, want);
}

static void test_matching(void **state)
{
	(void)state;
	assert_true(match(DNS_REC_A, "192.0.2.1", -1, "192.0.2.1"));
	assert_false(match(DNS_REC_A, "192.0.2.1", -1, "192.0.2.10"));
	assert_true(match(DNS_REC_AAAA, "2001:db8::10", -1, "2001:0db8:0:0::0010"));
	assert_true(match(DNS_REC_CNAME, "www.example.test", -1, "WWW.Example.Test."));
	assert_false(match(DNS_REC_CNAME, "www.example.test", -1, "www.example.tes"));
	assert_true(match(DNS_REC_NS, ".", -1, "."));
	assert_false(match(DNS_REC_NS, ".", -1, ""));
	assert_true(match(DNS_REC_MX, "mail.example.test", 10, "mail.example.test"));
	assert_true(match(DNS_REC_MX, "mail.example.test", 10, "10 mail.example.test."));
	assert_false(match(DNS_REC_MX, "mail.example.test", 10, "20 mail.example.test"));
	assert_true(match(DNS_REC_MX, "1mx.example.test", 5, "1mx.example.test"));
	assert_true(match(DNS_REC_TXT, "v=spf1 -all", -1, "v=spf1 -all"));
	assert_false(match(DNS_REC_TXT, "v=spf1 -all", -1, "V=SPF1 -ALL"));
	assert_true(match(DNS_REC_SOA, "ns1.example.test", -1, "ns1.example.test."));
}

static void test_missing(void **state)
{
	struct pkt p;
	struct dns_answer a;
	char err[128];
	char *want_ok[] = { "192.0.2.2", "192.0.2.1" }, *want_bad[] = { "192.0.2.1", "192.0.2.9" };

	(void)state;
	begin(&p, 0, false, 2, "www.example.test", 1);
	rr_a(&p, 192, 0, 2, 1);
	rr_a(&p, 192, 0, 2, 2);
	assert_int_equal(parse(&p, DNS_REC_A, &a, err), 0);
	assert_null(dns_answer_missing(&a, DNS_REC_A, want_ok, 2));
	assert_string_equal(dns_answer_missing(&a, DNS_REC_A, want_bad, 2), "192.0.2.9");
	dns_answer_free(&a);
}

static void test_expect_check(void **state)
{
	char err[128];

	(void)state;
	assert_int_equal(dns_expect_check(DNS_REC_A, "192.0.2.1", err, sizeof(err)), 0);
	assert_int_equal(dns_expect_check(DNS_REC_A, "www.example.test", err, sizeof(err)), -1);
	assert_contains(err, "is not an IPv4 address (record A)");
	assert_int_equal(dns_expect_check(DNS_REC_AAAA, "192.0.2.1", err, sizeof(err)), -1);
	assert_contains(err, "not an IPv6 address");
	assert_int_equal(dns_expect_check(DNS_REC_MX, "10 mx.example.test", err, sizeof(err)), 0);
	assert_int_equal(dns_expect_check(DNS_REC_MX, "mx example", err, sizeof(err)), -1);
	assert_contains(err, "\"preference name\"");
	assert_int_equal(dns_expect_check(DNS_REC_NS, "", err, sizeof(err)), -1);
	assert_int_equal(dns_expect_check(DNS_REC_TXT, "any text at all", err, sizeof(err)), 0);
}

/* ---- config ---- */

static char *dns_config(const char *keys)
{
	static char text[1024];

	snprintf(text, sizeof(text), "monitors:\n  - name: d\n    type: dns\n%s", keys);
	return text;
}

/* Loads KEYS; returns 1 when it loads, else 0 with every message in ERRS. */
static int load(const char *keys, char *errs, size_t size)
{
	struct conf_diag d = { 0 };
	const char *text = dns_config(keys);
	struct vigil_config *cfg = conf_load_string("m.yaml", text, strlen(text), &d);
	size_t i, used = 0;
	int ok = cfg != NULL;

	errs[0] = '\0';
	for (i = 0; i < d.n && used < size; i++)
		used += (size_t)snprintf(errs + used, size - used, "%s\n", d.msgs[i]);
	conf_diag_free(&d);
	conf_unref(cfg);
	return ok;
}

static void expect_error(const char *keys, const char *msg)
{
	char errs[2048];

	if (load(keys, errs, sizeof(errs)))
		fail_msg("loaded without error: %s", keys);
	assert_contains(errs, msg);
}

static void expect_loads(const char *keys)
{
	char errs[2048];

	if (!load(keys, errs, sizeof(errs)))
		fail_msg("%s: %s", keys, errs);
}

static void test_config_ok(void **state)
{
	(void)state;
	expect_loads("    query: www.example.test\n");
	expect_loads("    query: www.example.test.\n    record: AAAA\n    server: 192.0.2.53\n");
	expect_loads("    query: example.test\n    record: MX\n    server: \"192.0.2.53:5353\"\n"
	             "    expect: [\"10 mail.example.test\", backup.example.test]\n");
	expect_loads("    query: _dmarc.example.test\n    record: TXT\n    server: \"[::1]:53\"\n"
	             "    expect: \"v=DMARC1; p=none\"\n");
	expect_loads("    query: .\n    record: NS\n    server: \"2001:db8::53\"\n");
	expect_loads("    query: example.test\n    record: SOA\n    server: \"[2001:db8::53]\"\n"
	             "    conditions: [\"[DNS_RCODE] == NOERROR\", \"[BODY] == pat(*ns1*)\","
	             " \"[RESPONSE_TIME] < 1s\"]\n");
	expect_loads("    query: www.example.test\n    conditions: [\"[IP] == 192.0.2.1\"]\n");
}

static void test_config_errors(void **state)
{
	(void)state;
	expect_error("    record: A\n", "monitors[0]: missing required key \"query\"");
	expect_error("    query: \"\"\n", "monitors[0].query: is empty");
	expect_error("    query: a..example.test\n",
	             "monitors[0].query: \"a..example.test\" has an "
	             "empty label");
	expect_error("    query: .example.test\n", "has an empty label");
	expect_error("    query: \"a b.test\"\n", "contains a space or control character");
	expect_error(
	        "    query: "
	        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test\n",
	        "has a label longer than 63 characters");
	expect_error("    query: x.test\n    record: PTR\n",
	             "monitors[0].record: \"PTR\" is not one of A, AAAA, CNAME, MX, TXT, NS, SOA");
	expect_error("    query: x.test\n    record: mx\n", "\"mx\" is not one of A, AAAA");
	expect_error("    query: x.test\n    server: \"192.0.2.53:99999\"\n",
	             "monitors[0].server: the port \"99999\" is not a number from 1 to 65535");
	expect_error("    query: x.test\n    server: \"192.0.2.53:\"\n", "the port \"\" is not");
	expect_error("    query: x.test\n    server: \"192.0.2.53:53x\"\n", "the port \"53x\"");
	expect_error("    query: x.test\n    server: ns1.example.test\n",
	             "monitors[0].server: \"ns1.example.test\" is not an IP address");
	expect_error("    query: x.test\n    server: \"[::1\"\n",
	             "monitors[0].server: \"[::1\" is malformed: expected \"[address]:port\"");
	expect_error("    query: x.test\n    server: \"[::1]x\"\n", "is malformed");
	expect_error("    query: x.test\n    server: \"[nope]:53\"\n",
	             "\"nope\" is not an IP address");
	expect_error("    query: x.test\n    server: \"300.1.1.1\"\n", "is not an IP address");
	expect_error("    query: x.test\n    expect: [www.example.test]\n",
	             "monitors[0].expect: \"www.example.test\" is not an IPv4 address (record A)");
	expect_error("    query: x.test\n    record: AAAA\n    expect: [192.0.2.1]\n",
	             "not an IPv6 address (record AAAA)");
	expect_error("    query: x.test\n    record: MX\n    expect: [\"\"]\n",
	             "monitors[0].expect: \"\" is not a domain name");
	expect_error("    query: x.test\n    conditions: [\"[STATUS] == 200\"]\n",
	             "unknown placeholder [STATUS]");
	expect_error("    query: x.test\n    port: 53\n", "monitors[0].port: unknown key");
}

/* ---- the default verdict ---- */

static void test_judge(void **state)
{
	struct monitor_conf mon = { 0 };
	struct probe_result r;

	(void)state;
	probe_result_init(&r);
	probe_result_set(&r, PROBE_OK, "NOERROR but no A records for x (NODATA)");
	probe_result_value(&r, "answers", 0);
	probe_dns.judge(&mon, &r);
	assert_int_equal(r.outcome, PROBE_UNEXPECTED_RESPONSE);
	assert_contains(r.message, "NODATA");
	probe_result_set(&r, PROBE_OK, "2 A records");
	probe_result_value(&r, "answers", 2);
	probe_dns.judge(&mon, &r);
	assert_int_equal(r.outcome, PROBE_OK);
	mon.ncond = 1; /* conditions decide what no answer means */
	probe_result_set(&r, PROBE_OK, "no records");
	probe_result_value(&r, "answers", 0);
	probe_dns.judge(&mon, &r);
	assert_int_equal(r.outcome, PROBE_OK);
	probe_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_a),         cmocka_unit_test(test_parse_aaaa),
		cmocka_unit_test(test_parse_names),     cmocka_unit_test(test_parse_txt),
		cmocka_unit_test(test_rcode_and_flags), cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_many_answers),    cmocka_unit_test(test_matching),
		cmocka_unit_test(test_missing),         cmocka_unit_test(test_expect_check),
		cmocka_unit_test(test_config_ok),       cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_judge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
