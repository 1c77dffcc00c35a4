/* DNS answers as text: bounded parsing of response messages, record text, expect matching. */
#include "probe/dns_answer.h"

#include <ares.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/xmalloc.h"

#define HEADER_LEN 12
#define RR_FIXED   10 /* type, class, ttl, rdlength after the owner name */
#define CLASS_IN   1
#define TXT_MAX    4096 /* bytes of one TXT record kept */

const char *const dns_record_names[] = { "A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", NULL };

static const int qtypes[DNS_REC_COUNT] = { 1, 28, 5, 15, 16, 2, 6 };

static const char *const rcode_names[] = {
	"NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE",
};

int dns_record_qtype(enum dns_record t)
{
	return t < DNS_REC_COUNT ? qtypes[t] : 0;
}

const char *dns_rcode_str(int rcode, char *buf, size_t size)
{
	if (rcode >= 0 && (size_t)rcode < sizeof(rcode_names) / sizeof(rcode_names[0]))
		return rcode_names[rcode];
	snprintf(buf, size, "RCODE%d", rcode);
	return buf;
}

static unsigned get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Reads the (possibly compressed) name at P of MSG: c-ares bounds every
 * label and pointer. Sets *USED to its length at P. Returns the name
 * without a trailing dot ("" for the root; caller frees), or NULL.
 */
static char *read_name(const unsigned char *p, const unsigned char *msg, size_t len, size_t *used)
{
	char *s = NULL, *copy;
	long enclen = 0;

	if (len > INT32_MAX || ares_expand_name(p, msg, (int)len, &s, &enclen) != ARES_SUCCESS)
		return NULL;
	copy = xstrdup(s);
	ares_free_string(s);
	*used = (size_t)enclen;
	return copy;
}

/* A name as shown: the root is ".". */
static char *show_name(char *name)
{
	if (*name != '\0')
		return name;
	free(name);
	return xstrdup(".");
}

/* TXT: the character-strings concatenated; control bytes shown as \DDD. */
static int txt_record(const unsigned char *rd, size_t rdlen, struct dns_rr *rr)
{
	struct buf raw, shown;
	size_t i = 0, j, n;
	unsigned char c;

	for (i = 0; i < rdlen; i += 1 + n) { /* check the lengths before reading any */
		n = rd[i];
		if (n > rdlen - i - 1)
			return -1;
	}
	buf_init(&raw, TXT_MAX);
	buf_init(&shown, TXT_MAX * 4);
	for (i = 0; i < rdlen; i += n) {
		n = rd[i++];
		for (j = 0; j < n; j++) {
			c = rd[i + j];
			/* a NUL would end the text; past the cap the text is cut */
			if (c == '\0' || buf_putc(&raw, (char)c) < 0)
				continue;
			if (c < 0x20 || c == 0x7f)
				(void)!buf_printf(&shown, "\\%03u", c);
			else
				(void)!buf_putc(&shown, (char)c);
		}
	}
	rr->value = buf_steal(&raw);
	rr->text = buf_steal(&shown);
	return 0;
}

static int addr_record(int af, const unsigned char *rd, size_t rdlen, struct dns_rr *rr)
{
	char text[INET6_ADDRSTRLEN];

	if (rdlen != (af == AF_INET ? 4u : 16u) || inet_ntop(af, rd, text, sizeof(text)) == NULL)
		return -1;
	rr->text = xstrdup(text);
	rr->value = xstrdup(text);
	return 0;
}

static int name_record(const unsigned char *rd, size_t rdlen, const unsigned char *msg, size_t len,
                       struct dns_rr *rr)
{
	size_t used;
	char *name = read_name(rd, msg, len, &used);

	if (name == NULL || used > rdlen) {
		free(name);
		return -1;
	}
	rr->value = show_name(name);
	rr->text = xstrdup(rr->value);
	return 0;
}

static int mx_record(const unsigned char *rd, size_t rdlen, const unsigned char *msg, size_t len,
                     struct dns_rr *rr)
{
	size_t used;
	char *name;

	if (rdlen < 3)
		return -1;
	name = read_name(rd + 2, msg, len, &used);
	if (name == NULL || used > rdlen - 2) {
		free(name);
		return -1;
	}
	rr->pref = (int)get16(rd);
	rr->value = show_name(name);
	rr->text = xasprintf("%d %s", rr->pref, rr->value);
	return 0;
}

static int soa_record(const unsigned char *rd, size_t rdlen, const unsigned char *msg, size_t len,
                      struct dns_rr *rr)
{
	size_t u1 = 0, u2 = 0;
	char *mname = read_name(rd, msg, len, &u1), *rname = NULL;
	const unsigned char *n;

	if (mname != NULL && u1 < rdlen)
		rname = read_name(rd + u1, msg, len, &u2);
	if (rname == NULL || u2 > rdlen - u1 || rdlen - u1 - u2 != 20) {
		free(mname);
		free(rname);
		return -1;
	}
	n = rd + u1 + u2;
	rr->value = show_name(mname);
	rname = show_name(rname);
	rr->text = xasprintf("%s %s %lu %lu %lu %lu %lu", rr->value, rname, (unsigned long)get32(n),
	                     (unsigned long)get32(n + 4), (unsigned long)get32(n + 8),
	                     (unsigned long)get32(n + 12), (unsigned long)get32(n + 16));
	free(rname);
	return 0;
}

/* Fills RR from the RDLEN bytes of record data at RD (inside MSG). */
static int rr_read(enum dns_record type, const unsigned char *rd, size_t rdlen,
                   const unsigned char *msg, size_t len, struct dns_rr *rr)
{
	rr->pref = -1;
	switch (type) {
	case DNS_REC_A:
		return addr_record(AF_INET, rd, rdlen, rr);
	case DNS_REC_AAAA:
		return addr_record(AF_INET6, rd, rdlen, rr);
	case DNS_REC_CNAME:
	case DNS_REC_NS:
		return name_record(rd, rdlen, msg, len, rr);
	case DNS_REC_MX:
		return mx_record(rd, rdlen, msg, len, rr);
	case DNS_REC_TXT:
		return txt_record(rd, rdlen, rr);
	case DNS_REC_SOA:
		return soa_record(rd, rdlen, msg, len, rr);
	default:
		return -1;
	}
}

/* Skips the owner name at *POS; returns 0, or -1 when it runs out of the message. */
static int skip_name(const unsigned char *msg, size_t len, size_t *pos)
{
	size_t used;
	char *name = read_name(msg + *pos, msg, len, &used);

	if (name == NULL)
		return -1;
	free(name);
	*pos += used;
	return 0;
}

/* Reads one record of the answer section at *POS; keeps it when of TYPE. */
static int answer_read(const unsigned char *msg, size_t len, size_t *pos, enum dns_record type,
                       struct dns_answer *out)
{
	const unsigned char *p;
	size_t rdlen;

	if (skip_name(msg, len, pos) < 0 || len - *pos < RR_FIXED)
		return -1;
	p = msg + *pos;
	rdlen = get16(p + 8);
	*pos += RR_FIXED;
	if (rdlen > len - *pos)
		return -1;
	*pos += rdlen;
	if ((int)get16(p) != dns_record_qtype(type) || get16(p + 2) != CLASS_IN)
		return 0;
	out->total++;
	if (out->n == DNS_ANSWERS_MAX)
		return 0;
	if (rr_read(type, p + RR_FIXED, rdlen, msg, len, &out->rr[out->n]) < 0)
		return -1;
	out->n++;
	return 0;
}

int dns_answer_parse(const unsigned char *msg, size_t len, enum dns_record type,
                     struct dns_answer *out, char *err, size_t errlen)
{
	size_t pos = HEADER_LEN, i, qd, an;

	memset(out, 0, sizeof(*out));
	if (len < HEADER_LEN) {
		snprintf(err, errlen, "%zu bytes, shorter than a DNS header", len);
		return -1;
	}
	if (!(msg[2] & 0x80)) {
		snprintf(err, errlen, "the message is not a response (QR bit clear)");
		return -1;
	}
	out->truncated = (msg[2] & 0x02) != 0;
	out->rcode = msg[3] & 0x0f;
	qd = get16(msg + 4);
	an = get16(msg + 6);
	for (i = 0; i < qd; i++) {
		if (skip_name(msg, len, &pos) < 0 || len - pos < 4) {
			snprintf(err, errlen, "question %zu runs past the end of the message",
			         i + 1);
			return -1;
		}
		pos += 4;
	}
	for (i = 0; i < an; i++) {
		if (answer_read(msg, len, &pos, type, out) < 0) {
			snprintf(err, errlen, "answer record %zu is malformed", i + 1);
			return -1;
		}
	}
	return 0;
}

void dns_answer_free(struct dns_answer *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->rr[i].text);
		free(a->rr[i].value);
	}
	a->n = 0;
}

/* Equal names: without case, ignoring one trailing dot on either ("." is the root). */
static bool name_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > 1 && a[la - 1] == '.')
		la--;
	if (lb > 1 && b[lb - 1] == '.')
		lb--;
	if ((la == 1 && *a == '.') != (lb == 1 && *b == '.'))
		return false;
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* Splits "10 mail.example.com" into 10 and the name; returns 0, or -1 when not that form. */
static int mx_split(const char *want, int *pref, const char **name)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*want))
		return -1;
	v = strtol(want, &end, 10);
	if (end == want || !isspace((unsigned char)*end) || v < 0 || v > 65535)
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	if (*end == '\0')
		return -1;
	*pref = (int)v;
	*name = end;
	return 0;
}

static bool addr_eq(int af, const char *a, const char *b)
{
	unsigned char x[16], y[16];

	return inet_pton(af, a, x) == 1 && inet_pton(af, b, y) == 1 &&
	       memcmp(x, y, af == AF_INET ? 4 : 16) == 0;
}

bool dns_rr_matches(enum dns_record type, const struct dns_rr *rr, const char *want)
{
	const char *name;
	int pref;

	switch (type) {
	case DNS_REC_A:
		return addr_eq(AF_INET, rr->value, want);
	case DNS_REC_AAAA:
		return addr_eq(AF_INET6, rr->value, want);
	case DNS_REC_TXT:
		return strcmp(rr->value, want) == 0;
	case DNS_REC_MX:
		if (mx_split(want, &pref, &name) == 0)
			return pref == rr->pref && name_eq(rr->value, name);
		return name_eq(rr->value, want);
	default:
		return name_eq(rr->value, want);
	}
}

/* Whether S looks like a domain name: no spaces or control characters. */
static bool name_like(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

int dns_expect_check(enum dns_record type, const char *want, char *err, size_t errlen)
{
	unsigned char a[16];
	const char *name = want;
	int pref;

	if (type == DNS_REC_TXT)
		return 0;
	if (type == DNS_REC_A || type == DNS_REC_AAAA) {
		if (inet_pton(type == DNS_REC_A ? AF_INET : AF_INET6, want, a) == 1)
			return 0;
		snprintf(err, errlen, "\"%s\" is not an %s address (record %s)", want,
		         type == DNS_REC_A ? "IPv4" : "IPv6", dns_record_names[type]);
		return -1;
	}
	if (type == DNS_REC_MX)
		(void)mx_split(want, &pref, &name);
	if (*name != '\0' && name_like(name))
		return 0;
	snprintf(err, errlen, "\"%s\" is not a domain name%s", want,
	         type == DNS_REC_MX ? " or \"preference name\" (record MX)" : "");
	return -1;
}

const char *dns_answer_missing(const struct dns_answer *a, enum dns_record type,
                               char *const *expect, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < a->n && !dns_rr_matches(type, &a->rr[j], expect[i]); j++)
			;
		if (j == a->n)
			return expect[i];
	}
	return NULL;
}

void dns_answer_format(const struct dns_answer *a, struct buf *out)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (buf_printf(out, "%s%s", i ? "\n" : "", a->rr[i].text) < 0)
			return;
}

/* Appends TEXT at *USED of OUT when it fits in SIZE - RESERVE; returns whether it did. */
static bool list_add(char *out, size_t size, size_t *used, const char *text, size_t reserve)
{
	size_t len = strlen(text);

	if (*used + len + reserve >= size)
		return false;
	memcpy(out + *used, text, len + 1);
	*used += len;
	return true;
}

void dns_answer_list(const struct dns_answer *a, char *out, size_t size)
{
	static const char more[] = "...";
	size_t i, used = 0;
	bool last;

	if (size == 0)
		return;
	*out = '\0';
	for (i = 0; i < a->n; i++) {
		last = i + 1 == a->total;
		if ((i > 0 && !list_add(out, size, &used, ", ", 0)) ||
		    !list_add(out, size, &used, a->rr[i].text, last ? 0 : sizeof(more))) {
			(void)list_add(out, size, &used, more, 0);
			return;
		}
	}
	if (a->total > a->n)
		(void)list_add(out, size, &used, i ? ", ..." : more, 0);
}
