/* Internals shared by the status page's renderers: escaping, formatting and their vocabulary. */
#ifndef VIGIL_WEB_STATUS_INT_H
#define VIGIL_WEB_STATUS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "web/status_view.h"

/* The renderers write to uncapped buffers, whose appends cannot fail. */
#define SP(expr) (void)!(expr)

#define STATUS_MS_DAY  86400000LL
#define STATUS_MS_HOUR 3600000LL

/*
 * Appends S (NULL: nothing) escaped for HTML text, a double-quoted HTML
 * attribute value, XML text or a double-quoted XML attribute value alike:
 * & < > " ' become references, bytes that are not valid UTF-8 and control
 * characters other than tab and newline become U+FFFD (carriage returns
 * are dropped), so the result is well-formed in both languages.
 */
void status_esc_html(struct buf *b, const char *s);
/* Appends S percent-encoded as one URL path segment (all but A-Z a-z 0-9 - . _ ~). */
void status_esc_url(struct buf *b, const char *s);
/* Appends S (NULL: nothing) with every byte that is not valid UTF-8 replaced by U+FFFD. */
void status_utf8_clean(struct buf *b, const char *s);
/*
 * Appends the origin ("https://host:port") of URL when it is an http(s) URL,
 * escaped as by status_esc_html; returns false (appending nothing) otherwise.
 */
bool status_url_origin(struct buf *b, const char *url);

/* A UTC calendar time, computed without the C library's time zone machinery. */
struct status_tm {
	int year, mon, mday, hour, min, sec, wday; /* mon 1-12, wday 0 Sunday */
};
void status_tm_of(int64_t ms, struct status_tm *tm);

#define STATUS_TIME_LEN 40
/* "2026-03-02" */
void status_fmt_date(int64_t ms, char *out, size_t size);
/* "2026-03-02T14:05:09.123Z" (RFC 3339, UTC; SIZE at least 25) */
void status_fmt_iso(int64_t ms, char *out, size_t size);
/* "2 Mar 2026" */
void status_fmt_day(int64_t ms, char *out, size_t size);
/* "2 Mar 2026, 14:05 UTC" */
void status_fmt_when(int64_t ms, char *out, size_t size);
/* "Mon, 02 Mar 2026 14:05:09 +0000" (RFC 822, for RSS) */
void status_fmt_rfc822(int64_t ms, char *out, size_t size);
/* "99.95%" (rounded down, so only 100 says 100%), "100%"; NULL for an unknown PCT (< 0). */
const char *status_fmt_pct(double pct, char *out, size_t size);
/* PCT in hundredths of a percent rounded down (10000 only for 100%), or -1 when unknown. */
long status_pct_hundredths(double pct);
/* "0.27 ms", "4.5 ms", "123 ms", "12.5 s"; NULL for an unknown MS (< 0). */
const char *status_fmt_ms(double ms, char *out, size_t size);
/* "2 h 5 min", "3 d 4 h", "45 s": a duration. */
void status_fmt_duration(int64_t ms, char *out, size_t size);
/* Appends V in decimal. */
void status_put_int(struct buf *b, int64_t v);

/* A day's bar class: 0 no data, 1 100%, 2 99% or more, 3 95% or more, 4 below. */
int status_day_class(double uptime);
/* The display label of an incident or update status ("Investigating"), NULL when unknown. */
const char *status_update_label(const char *status);
/* IMPACT when it is one of none minor major critical, else "none". */
const char *status_impact_word(const char *impact);

#endif
