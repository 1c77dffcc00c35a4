/* UTF-8 validation in place (RFC 3629 table 3-7 well-formed sequences). */
#include "util/utf8.h"

/* Length of the well-formed sequence at S, or 0 when it is not one. */
static int sequence_len(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80
		               ? 4
		               : 0;
	}
	return 0;
}

bool utf8_scrub(char *s)
{
	unsigned char *p = (unsigned char *)s;
	bool changed = false;

	while (*p != '\0') {
		int n = sequence_len(p);

		if (n == 0 || (n == 1 && ((*p < 0x20 && *p != '\t') || *p == 0x7f))) {
			*p++ = '?';
			changed = true;
			continue;
		}
		p += n;
	}
	return changed;
}
