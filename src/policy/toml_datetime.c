/* TOML dates and times (RFC 3339 profile): offset and local date-times,
 * local dates, local times, with calendar range checks. */
#include "toml_internal.h"

static bool digit_at(const aw__toml_parser *p, size_t ahead) {
    int c = aw__toml_peek(p, ahead);
    return c >= '0' && c <= '9';
}

bool aw__toml_at_datetime(const aw__toml_parser *p) {
    if (digit_at(p, 0) && digit_at(p, 1) && aw__toml_peek(p, 2) == ':') return true;
    return digit_at(p, 0) && digit_at(p, 1) && digit_at(p, 2) && digit_at(p, 3) &&
           aw__toml_peek(p, 4) == '-';
}

/* Reads exactly n digits; false when fewer are there. */
static bool read_digits(aw__toml_parser *p, int n, uint32_t *out) {
    uint32_t v = 0;
    for (int i = 0; i < n; i++) {
        if (!digit_at(p, (size_t)i)) return false;
        v = v * 10 + (uint32_t)(p->text[p->pos + (size_t)i] - '0');
    }
    p->pos += (size_t)n;
    *out = v;
    return true;
}

static bool is_leap(uint32_t year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static uint32_t days_in_month(uint32_t year, uint32_t month) {
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

static aw_status parse_date(aw__toml_parser *p, size_t start, aw__toml_datetime *d) {
    uint32_t year, month, day;
    if (!read_digits(p, 4, &year) || aw__toml_peek(p, 0) != '-')
        return aw__toml_fail(p, start, "malformed date (expected YYYY-MM-DD)");
    p->pos++;
    if (!read_digits(p, 2, &month) || aw__toml_peek(p, 0) != '-')
        return aw__toml_fail(p, start, "malformed date (expected YYYY-MM-DD)");
    p->pos++;
    if (!read_digits(p, 2, &day))
        return aw__toml_fail(p, start, "malformed date (expected YYYY-MM-DD)");
    if (month < 1 || month > 12)
        return aw__toml_fail(p, start, "month %02u is out of range (01-12)", month);
    if (day < 1 || day > days_in_month(year, month))
        return aw__toml_fail(p, start, "day %02u does not exist in %04u-%02u", day, year, month);
    d->year = (int32_t)year;
    d->month = (uint8_t)month;
    d->day = (uint8_t)day;
    return AW_OK;
}

static aw_status parse_time(aw__toml_parser *p, size_t start, aw__toml_datetime *d) {
    uint32_t hour, minute, second;
    if (!read_digits(p, 2, &hour) || aw__toml_peek(p, 0) != ':')
        return aw__toml_fail(p, start, "malformed time (expected HH:MM:SS)");
    p->pos++;
    if (!read_digits(p, 2, &minute) || aw__toml_peek(p, 0) != ':')
        return aw__toml_fail(p, start, "malformed time (expected HH:MM:SS; seconds are required)");
    p->pos++;
    if (!read_digits(p, 2, &second))
        return aw__toml_fail(p, start, "malformed time (expected HH:MM:SS)");
    if (hour > 23) return aw__toml_fail(p, start, "hour %02u is out of range (00-23)", hour);
    if (minute > 59) return aw__toml_fail(p, start, "minute %02u is out of range (00-59)", minute);
    /* 60 is allowed for leap seconds, as in RFC 3339. */
    if (second > 60) return aw__toml_fail(p, start, "second %02u is out of range (00-60)", second);
    d->hour = (uint8_t)hour;
    d->minute = (uint8_t)minute;
    d->second = (uint8_t)second;
    if (aw__toml_peek(p, 0) == '.') {
        p->pos++;
        if (!digit_at(p, 0))
            return aw__toml_fail(p, p->pos, "expected digits after the '.' of the seconds");
        uint32_t ns = 0;
        uint8_t kept = 0;
        /* Digits past nanoseconds are read and dropped (truncation). */
        while (digit_at(p, 0)) {
            if (kept < 9) {
                ns = ns * 10 + (uint32_t)(p->text[p->pos] - '0');
                kept++;
            }
            p->pos++;
        }
        d->fraction_digits = kept;
        for (uint8_t i = kept; i < 9; i++) ns *= 10;
        d->nanosecond = ns;
    }
    return AW_OK;
}

static aw_status parse_offset(aw__toml_parser *p, aw__toml_datetime *d) {
    int c = aw__toml_peek(p, 0);
    if (c == 'Z' || c == 'z') {
        p->pos++;
        d->offset_minutes = 0;
        return AW_OK;
    }
    size_t at = p->pos;
    p->pos++;
    uint32_t hours, minutes;
    if (!read_digits(p, 2, &hours) || aw__toml_peek(p, 0) != ':')
        return aw__toml_fail(p, at, "malformed time offset (expected +HH:MM, -HH:MM or Z)");
    p->pos++;
    if (!read_digits(p, 2, &minutes))
        return aw__toml_fail(p, at, "malformed time offset (expected +HH:MM, -HH:MM or Z)");
    if (hours > 23 || minutes > 59)
        return aw__toml_fail(p, at, "time offset %c%02u:%02u is out of range", c, hours, minutes);
    int total = (int)(hours * 60 + minutes);
    d->offset_minutes = (int16_t)(c == '-' ? -total : total);
    return AW_OK;
}

aw_status aw__toml_parse_datetime(aw__toml_parser *p, aw__toml_value **out) {
    size_t start = p->pos;
    aw__toml_datetime d = {0};
    aw__toml_type type;
    aw_status s;
    if (aw__toml_peek(p, 2) == ':') {
        s = parse_time(p, start, &d);
        if (s != AW_OK) return s;
        type = AW__TOML_TIME_LOCAL;
    } else {
        s = parse_date(p, start, &d);
        if (s != AW_OK) return s;
        type = AW__TOML_DATE_LOCAL;
        int c = aw__toml_peek(p, 0);
        /* A space separates date and time only when a time follows; else
         * the space ends the value (a date followed by a comment, say). */
        if (c == 'T' || c == 't' || (c == ' ' && digit_at(p, 1))) {
            p->pos++;
            s = parse_time(p, start, &d);
            if (s != AW_OK) return s;
            type = AW__TOML_DATETIME_LOCAL;
            c = aw__toml_peek(p, 0);
            if (c == 'Z' || c == 'z' || c == '+' || c == '-') {
                s = parse_offset(p, &d);
                if (s != AW_OK) return s;
                type = AW__TOML_DATETIME;
            }
        }
    }
    if (!aw__toml_at_value_end(p)) {
        char buf[16];
        return aw__toml_fail(p, p->pos, "invalid character %s after a date or time",
                             aw__toml_describe(p, p->pos, buf));
    }
    aw__toml_value *v = aw__toml_new(p, type, start);
    if (!v) return AW_NO_MEMORY;
    v->as.datetime = d;
    *out = v;
    return AW_OK;
}
