/*
 * DNS answers as text: the record types the dns probe asks for, a bounded
 * parser of response messages (any bytes from the network), the text each
 * record is shown as, and how `expect` values are compared with records.
 */
#ifndef VIGIL_PROBE_DNS_ANSWER_H
#define VIGIL_PROBE_DNS_ANSWER_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

enum dns_record {
	DNS_REC_A,
	DNS_REC_AAAA,
	DNS_REC_CNAME,
	DNS_REC_MX,
	DNS_REC_TXT,
	DNS_REC_NS,
	DNS_REC_SOA,
	DNS_REC_COUNT
};

/* "A", "AAAA", ... indexed by enum dns_record, NULL-terminated (the `record` key). */
extern const char *const dns_record_names[];

/* The wire type of T: A 1, NS 2, CNAME 5, SOA 6, MX 15, TXT 16, AAAA 28. */
int dns_record_qtype(enum dns_record t);

/*
 * The name of response code RCODE ("NOERROR", "NXDOMAIN", "SERVFAIL", ...);
 * codes without a name are written as "RCODE<n>" into BUF, which is returned.
 */
const char *dns_rcode_str(int rcode, char *buf, size_t size);

/* Response codes the probe treats specially. */
#define DNS_RCODE_NOERROR  0
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3

#define DNS_ANSWERS_MAX 64 /* records of one answer kept (all are counted) */

/* One record of the asked type. */
struct dns_rr {
	char *text;  /* as shown: "10 mail.example.com" (owned) */
	char *value; /* as compared with expect: address, name, MX exchange, TXT text, SOA mname */
	int pref;    /* MX preference; -1 for other types */
};

struct dns_answer {
	int rcode;
	bool truncated; /* TC bit */
	size_t total;   /* records of the asked type in the answer section */
	size_t n;       /* of them kept in rr */
	struct dns_rr rr[DNS_ANSWERS_MAX];
};

/*
 * Parses the response message MSG (LEN bytes, untrusted) to a query for
 * records of type TYPE into OUT (which the caller frees with
 * dns_answer_free, also after a failure). Returns 0, or -1 with the reason
 * in ERR when the message is malformed.
 */
int dns_answer_parse(const unsigned char *msg, size_t len, enum dns_record type,
                     struct dns_answer *out, char *err, size_t errlen);
void dns_answer_free(struct dns_answer *a);

/*
 * Checks that WANT can be an `expect` value for TYPE (an IPv4 address for A,
 * an IPv6 address for AAAA, "name" or "preference name" for MX, a name for
 * CNAME, NS and SOA, any text for TXT). Returns 0, or -1 with a reason in ERR.
 */
int dns_expect_check(enum dns_record type, const char *want, char *err, size_t errlen);

/*
 * Whether record RR of TYPE is WANT: addresses compare as addresses, names
 * without case and trailing dot, MX by exchange (and preference when WANT
 * is "10 mail.example.com"), SOA by its primary name server, TXT exactly.
 */
bool dns_rr_matches(enum dns_record type, const struct dns_rr *rr, const char *want);

/* The first of the N strings EXPECT that no kept record of A matches, or NULL. */
const char *dns_answer_missing(const struct dns_answer *a, enum dns_record type,
                               char *const *expect, size_t n);

/* Appends the records' text to OUT, one per line; stops quietly at OUT's cap. */
void dns_answer_format(const struct dns_answer *a, struct buf *out);

/*
 * Writes the records' text into OUT as "a, b, c", ending with ", ..." when
 * it does not fit (OUT is always terminated).
 */
void dns_answer_list(const struct dns_answer *a, char *out, size_t size);

#endif
