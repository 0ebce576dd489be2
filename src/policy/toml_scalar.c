/* TOML scalars: the four string forms with their escapes, integers and floats.
 *
 * The whole input has already been checked for valid UTF-8 and for control
 * characters (only tab, LF and CRLF remain), so string scanning only has to
 * care about quotes, escapes and where newlines are allowed. */
#include "toml_internal.h"

#include "base/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool aw__toml_at_value_end(const aw__toml_parser *p) {
    int c = aw__toml_peek(p, 0);
    return c < 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ']' ||
           c == '}' || c == '#';
}

static int hex_value(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static aw_status append_utf8(aw__toml_parser *p, uint32_t cp) {
    uint8_t b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t)(0xC0 | (cp >> 6));
        b[1] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xE0 | (cp >> 12));
        b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (uint8_t)(0xF0 | (cp >> 18));
        b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return aw__buf_append(&p->scratch, b, n) == AW_OK ? AW_OK : aw__toml_no_memory(p);
}

static aw_status append_byte(aw__toml_parser *p, int c) {
    return aw__buf_append_byte(&p->scratch, (uint8_t)c) == AW_OK ? AW_OK : aw__toml_no_memory(p);
}

/* At p->pos on the backslash of a basic string. In a multi-line string a
 * backslash at the end of a line swallows the newline and the whitespace
 * and newlines after it. */
static aw_status parse_escape(aw__toml_parser *p, bool multiline) {
    size_t at = p->pos;
    int c = aw__toml_peek(p, 1);
    p->pos += 2;
    switch (c) {
        case 'b':
            return append_byte(p, '\b');
        case 't':
            return append_byte(p, '\t');
        case 'n':
            return append_byte(p, '\n');
        case 'f':
            return append_byte(p, '\f');
        case 'r':
            return append_byte(p, '\r');
        case '"':
            return append_byte(p, '"');
        case '\\':
            return append_byte(p, '\\');
        case 'u':
        case 'U': {
            int digits = c == 'u' ? 4 : 8;
            uint32_t cp = 0;
            for (int i = 0; i < digits; i++) {
                int h = hex_value(aw__toml_peek(p, 0));
                if (h < 0)
                    return aw__toml_fail(p, at, "\\%c escape needs %d hex digits", c, digits);
                cp = cp << 4 | (uint32_t)h;
                p->pos++;
            }
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return aw__toml_fail(p, at, "\\%c%0*X is not a Unicode scalar value", c, digits,
                                     cp);
            return append_utf8(p, cp);
        }
        default:
            break;
    }
    if (multiline) {
        /* Line-ending backslash: only spaces or tabs may sit between it and
         * the newline. */
        size_t q = at + 1;
        while (q < p->len && (p->text[q] == ' ' || p->text[q] == '\t')) q++;
        if (q < p->len && (p->text[q] == '\n' || p->text[q] == '\r')) {
            while (q < p->len && (p->text[q] == ' ' || p->text[q] == '\t' || p->text[q] == '\n' ||
                                  p->text[q] == '\r'))
                q++;
            p->pos = q;
            return AW_OK;
        }
    }
    char what[16];
    return aw__toml_fail(p, at, "invalid escape sequence: backslash followed by %s",
                         aw__toml_describe(p, at + 1, what));
}

static aw_status scan_single_line(aw__toml_parser *p, char quote, size_t start) {
    for (;;) {
        int c = aw__toml_peek(p, 0);
        if (c < 0 || c == '\n' || c == '\r')
            return aw__toml_fail(p, start,
                                 "unterminated string (a newline or the end of the "
                                 "file came before the closing %c)",
                                 quote);
        if (c == quote) {
            p->pos++;
            return AW_OK;
        }
        if (c == '\\' && quote == '"') {
            aw_status s = parse_escape(p, false);
            if (s != AW_OK) return s;
            continue;
        }
        aw_status s = append_byte(p, c);
        if (s != AW_OK) return s;
        p->pos++;
    }
}

static aw_status scan_multi_line(aw__toml_parser *p, char quote, size_t start) {
    /* A newline right after the opening delimiter is not part of the string. */
    if (aw__toml_peek(p, 0) == '\n')
        p->pos++;
    else if (aw__toml_peek(p, 0) == '\r' && aw__toml_peek(p, 1) == '\n')
        p->pos += 2;
    for (;;) {
        int c = aw__toml_peek(p, 0);
        if (c < 0)
            return aw__toml_fail(p, start, "unterminated multi-line string (no closing %c%c%c)",
                                 quote, quote, quote);
        if (c == quote && aw__toml_peek(p, 1) == quote && aw__toml_peek(p, 2) == quote) {
            /* Up to two quotes may stand right before the closing three. */
            size_t run = 3;
            while (aw__toml_peek(p, run) == quote) run++;
            if (run > 5)
                return aw__toml_fail(p, p->pos,
                                     "too many quotes at the end of a multi-line "
                                     "string (at most 5 in a row)");
            for (size_t i = 3; i < run; i++) {
                aw_status s = append_byte(p, quote);
                if (s != AW_OK) return s;
            }
            p->pos += run;
            return AW_OK;
        }
        if (c == '\\' && quote == '"') {
            aw_status s = parse_escape(p, true);
            if (s != AW_OK) return s;
            continue;
        }
        if (c == '\r') { /* always CRLF here (checked up front); stored as LF */
            p->pos++;
            continue;
        }
        aw_status s = append_byte(p, c);
        if (s != AW_OK) return s;
        p->pos++;
    }
}

aw_status aw__toml_parse_string(aw__toml_parser *p, bool allow_multiline, char **out, size_t *len) {
    size_t start = p->pos;
    char quote = p->text[p->pos];
    bool multiline = aw__toml_peek(p, 1) == quote && aw__toml_peek(p, 2) == quote;
    p->scratch.len = 0;
    aw_status s;
    if (multiline) {
        if (!allow_multiline)
            return aw__toml_fail(p, start, "a multi-line string cannot be used as a key");
        p->pos += 3;
        s = scan_multi_line(p, quote, start);
    } else {
        p->pos++;
        s = scan_single_line(p, quote, start);
    }
    if (s != AW_OK) return s;
    char *copy = aw__malloc(p->scratch.len + 1);
    if (!copy) return aw__toml_no_memory(p);
    if (p->scratch.len) memcpy(copy, p->scratch.data, p->scratch.len);
    copy[p->scratch.len] = '\0';
    *out = copy;
    *len = p->scratch.len;
    return AW_OK;
}

static bool is_digit_in(int c, int base) {
    if (base == 16) return hex_value(c) >= 0;
    return c >= '0' && c < '0' + base;
}

/* Copies a run of base-`base` digits with single underscores between them
 * into the scratch buffer. At least one digit is required. */
static aw_status scan_digits(aw__toml_parser *p, int base, const char *what) {
    if (!is_digit_in(aw__toml_peek(p, 0), base)) {
        char buf[16];
        return aw__toml_fail(p, p->pos, "expected a digit in %s, found %s", what,
                             aw__toml_describe(p, p->pos, buf));
    }
    for (;;) {
        int c = aw__toml_peek(p, 0);
        if (is_digit_in(c, base)) {
            aw_status s = append_byte(p, c);
            if (s != AW_OK) return s;
            p->pos++;
        } else if (c == '_') {
            if (!is_digit_in(aw__toml_peek(p, 1), base))
                return aw__toml_fail(p, p->pos, "an underscore in %s must stand between digits",
                                     what);
            p->pos++;
        } else {
            return AW_OK;
        }
    }
}

static aw_status finish_number(aw__toml_parser *p, size_t start) {
    if (aw__toml_at_value_end(p)) return AW_OK;
    char buf[16];
    (void)start;
    return aw__toml_fail(p, p->pos, "invalid character %s in a number",
                         aw__toml_describe(p, p->pos, buf));
}

static aw_status make_integer(aw__toml_parser *p, size_t start, int64_t value,
                              aw__toml_value **out) {
    aw__toml_value *v = aw__toml_new(p, AW__TOML_INTEGER, start);
    if (!v) return AW_NO_MEMORY;
    v->as.integer = value;
    *out = v;
    return AW_OK;
}

static aw_status parse_prefixed(aw__toml_parser *p, size_t start, aw__toml_value **out) {
    int letter = aw__toml_peek(p, 1);
    int base = letter == 'x' ? 16 : letter == 'o' ? 8 : 2;
    const char *what = base == 16  ? "a hexadecimal integer"
                       : base == 8 ? "an octal integer"
                                   : "a binary integer";
    p->pos += 2;
    p->scratch.len = 0;
    aw_status s = scan_digits(p, base, what);
    if (s != AW_OK) return s;
    s = finish_number(p, start);
    if (s != AW_OK) return s;
    uint64_t value = 0;
    for (size_t i = 0; i < p->scratch.len; i++) {
        uint64_t d = (uint64_t)hex_value(p->scratch.data[i]);
        if (value > ((uint64_t)INT64_MAX - d) / (uint64_t)base)
            return aw__toml_fail(p, start, "%s does not fit in 64 bits (signed)", what);
        value = value * (uint64_t)base + d;
    }
    return make_integer(p, start, (int64_t)value, out);
}

aw_status aw__toml_parse_number(aw__toml_parser *p, aw__toml_value **out) {
    size_t start = p->pos;
    int c = aw__toml_peek(p, 0);
    bool negative = c == '-';
    bool signed_ = c == '+' || c == '-';
    if (!signed_ && c == '0') {
        int n = aw__toml_peek(p, 1);
        if (n == 'x' || n == 'o' || n == 'b') return parse_prefixed(p, start, out);
    }
    p->scratch.len = 0;
    if (signed_) {
        if (append_byte(p, c) != AW_OK) return AW_NO_MEMORY;
        p->pos++;
        int n = aw__toml_peek(p, 1);
        if (aw__toml_peek(p, 0) == '0' && (n == 'x' || n == 'o' || n == 'b'))
            return aw__toml_fail(p, start, "a hexadecimal, octal or binary integer takes no sign");
    }
    if (p->pos + 3 <= p->len &&
        (memcmp(p->text + p->pos, "inf", 3) == 0 || memcmp(p->text + p->pos, "nan", 3) == 0)) {
        bool nan = p->text[p->pos] == 'n';
        p->pos += 3;
        aw_status s = finish_number(p, start);
        if (s != AW_OK) return s;
        aw__toml_value *v = aw__toml_new(p, AW__TOML_FLOAT, start);
        if (!v) return AW_NO_MEMORY;
        double magnitude = nan ? (double)NAN : (double)INFINITY;
        v->as.floating = negative ? -magnitude : magnitude;
        *out = v;
        return AW_OK;
    }
    size_t int_start = p->pos;
    aw_status s = scan_digits(p, 10, "a number");
    if (s != AW_OK) return s;
    if (p->text[int_start] == '0' && p->pos - int_start > 1)
        return aw__toml_fail(p, int_start, "leading zeros are not allowed in a number");
    bool is_float = false;
    if (aw__toml_peek(p, 0) == '.') {
        is_float = true;
        if (append_byte(p, '.') != AW_OK) return AW_NO_MEMORY;
        p->pos++;
        s = scan_digits(p, 10, "the fraction of a float");
        if (s != AW_OK) return s;
    }
    c = aw__toml_peek(p, 0);
    if (c == 'e' || c == 'E') {
        is_float = true;
        if (append_byte(p, 'e') != AW_OK) return AW_NO_MEMORY;
        p->pos++;
        c = aw__toml_peek(p, 0);
        if (c == '+' || c == '-') {
            if (append_byte(p, c) != AW_OK) return AW_NO_MEMORY;
            p->pos++;
        }
        s = scan_digits(p, 10, "the exponent of a float");
        if (s != AW_OK) return s;
    }
    s = finish_number(p, start);
    if (s != AW_OK) return s;
    if (append_byte(p, '\0') != AW_OK) return AW_NO_MEMORY;
    const char *digits = (const char *)p->scratch.data;
    if (is_float) {
        aw__toml_value *v = aw__toml_new(p, AW__TOML_FLOAT, start);
        if (!v) return AW_NO_MEMORY;
        /* strtod reads '.' as the decimal point in the "C" locale, which
         * airwasm never changes. Out-of-range values become +-inf or 0. */
        v->as.floating = strtod(digits, NULL);
        *out = v;
        return AW_OK;
    }
    /* Accumulate the magnitude; INT64_MIN is reachable only when negative. */
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t value = 0;
    for (const char *d = digits + (signed_ ? 1 : 0); *d; d++) {
        uint64_t digit = (uint64_t)(*d - '0');
        if (value > (limit - digit) / 10)
            return aw__toml_fail(p, start, "integer does not fit in 64 bits (signed)");
        value = value * 10 + digit;
    }
    int64_t result = negative ? (int64_t)(0 - value) : (int64_t)value;
    return make_integer(p, start, result, out);
}
