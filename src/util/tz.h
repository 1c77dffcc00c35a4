/* IANA time zones read from TZif files (RFC 8536): UTC offsets and wall time conversions. */
#ifndef VIGIL_UTIL_TZ_H
#define VIGIL_UTIL_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TZ_DIR      "/usr/share/zoneinfo" /* Debian's tzdata */
#define TZ_NAME_MAX 128                   /* bytes of a zone name, with its NUL */
#define TZ_ABBR_MAX 16                    /* bytes of an abbreviation ("CEST"), with its NUL */
#define TZ_FILE_MAX (256 * 1024)          /* larger TZif files are refused */

/*
 * A loaded zone: immutable, so one zone may be read by any number of threads
 * at once. Times are Unix seconds; "local" times are wall-clock seconds
 * counted from 1970-01-01T00:00 of the zone's calendar (a wall time read as
 * if it were UTC), so 2026-03-29T02:30 local is days_from_civil * 86400 +
 * 2.5 h.
 */
struct tz;

/* What a wall time is in a zone. */
enum tz_local {
	TZ_LOCAL_ONE,  /* it exists once: out[0] */
	TZ_LOCAL_GAP,  /* skipped by a change forwards: out[0] is the first instant after the gap */
	TZ_LOCAL_TWICE /* repeated by a change backwards: out[0] the first, out[1] the second */
};

/*
 * True when NAME may name a zone file: 1 to TZ_NAME_MAX - 1 bytes of
 * [A-Za-z0-9_+-/], no leading or trailing '/', no empty component ("a//b").
 * No '.' is allowed at all, so ".." cannot climb out of the directory.
 */
bool tz_name_valid(const char *name);

/*
 * Loads zone NAME ("Europe/Paris") from DIR (NULL: TZ_DIR). "UTC" and
 * "Etc/UTC" are built in and need no file. On success *OUT is a new zone
 * the caller frees with tz_free and 0 is returned; otherwise -1 with the
 * reason in ERR (an invalid name, an unknown zone, a file that is not a
 * valid TZif). Blocking file I/O.
 */
int tz_load(const char *dir, const char *name, struct tz **out, char *err, size_t errlen)
        __attribute__((warn_unused_result));

/*
 * Decodes the TZif file DATA of LEN bytes (versions 1 to 4; the 64-bit data
 * and the footer's POSIX TZ string of version 2 and later) as zone NAME.
 * Returns 0 with *OUT set (the caller frees it), or -1 with the reason in
 * ERR. Files with leap-second records ("right/" zones) are refused.
 */
int tz_parse(const char *name, const void *data, size_t len, struct tz **out, char *err,
             size_t errlen) __attribute__((warn_unused_result));

/* Frees Z; NULL is a no-op. */
void tz_free(struct tz *z);

/* The name Z was loaded as. */
const char *tz_name(const struct tz *z);

/*
 * The offset from UTC in seconds (east positive: +3600 for CET) at instant
 * T, and its abbreviation written into ABBR (TZ_ABBR_MAX bytes) unless NULL.
 */
int32_t tz_offset(const struct tz *z, int64_t t, char *abbr);

/*
 * Converts wall time LOCAL in Z to instants: see enum tz_local for what
 * OUT holds. A wall time in a gap ("02:30" the day clocks go from 02:00 to
 * 03:00) gives the instant the gap ends (03:00 of the new offset); one in an
 * overlap gives both instants, earliest first.
 */
enum tz_local tz_local_to_utc(const struct tz *z, int64_t local, int64_t out[2]);

/* Proleptic Gregorian calendar: days since 1970-01-01 of Y-M-D, and back. */
int64_t tz_days_from_civil(int64_t y, int m, int d);
void tz_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
/* Days in month M (1-12) of year Y. */
int tz_days_in_month(int64_t y, int m);

#endif
