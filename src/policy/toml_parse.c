/* TOML document structure: the text check, keys, table headers, key/value
 * lines, arrays, inline tables and the redefinition rules.
 *
 * The parser is recursive descent straight over the bytes. Every table
 * remembers how it came to exist (aw__toml_origin); the rules of TOML 1.0
 * section "Table" then become checks on that origin:
 *   - [a.b] may pass through any table except an inline one, and through the
 *     last element of an array of tables; it may define a table only if that
 *     table does not exist yet or was created implicitly by another header.
 *   - dotted keys may pass through tables they created themselves (or that a
 *     header created implicitly), never through a table defined by a header,
 *     an inline table or any array.
 *   - [[a]] appends only to an array it created.
 *   - an inline table and everything in it is closed once its '}' is read. */
#include "toml_internal.h"

#include "base/alloc.h"
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct key_part {
    char *name; /* owned until moved into the tree (then still readable) */
    size_t len;
    bool moved;
    size_t pos;
    uint32_t line, column;
} key_part;

typedef struct key_path {
    key_part *parts;
    size_t len, cap;
} key_path;

static aw_status parse_value(aw__toml_parser *p, uint32_t depth, aw__toml_value **out);

/* "n" when the type's name starts with a vowel, so messages read "an array". */
static const char *article(aw__toml_type type) {
    const char *name = aw__toml_type_name(type);
    return strchr("aeiou", name[0]) ? "n" : "";
}

void aw__toml_position(aw__toml_parser *p, size_t pos, uint32_t *line, uint32_t *column) {
    if (pos < p->cache_pos) { /* only error paths go backwards */
        p->cache_pos = 0;
        p->cache_line = 1;
        p->cache_column = 1;
    }
    if (pos > p->len) pos = p->len;
    for (size_t i = p->cache_pos; i < pos; i++) {
        unsigned char b = (unsigned char)p->text[i];
        if (b == '\n') {
            p->cache_line++;
            p->cache_column = 1;
        } else if ((b & 0xC0) != 0x80) {
            p->cache_column++;
        }
    }
    p->cache_pos = pos;
    *line = p->cache_line;
    *column = p->cache_column;
}

aw_status aw__toml_fail(aw__toml_parser *p, size_t pos, const char *fmt, ...) {
    if (!p->err) return AW_PARSE_ERROR;
    char message[AW_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    uint32_t line, column;
    aw__toml_position(p, pos, &line, &column);
    aw__error_at_line(p->err, AW_PARSE_ERROR, line, column, "%s", message);
    p->err->offset = pos;
    return AW_PARSE_ERROR;
}

aw_status aw__toml_no_memory(aw__toml_parser *p) {
    return aw__error_set(p->err, AW_NO_MEMORY, "out of memory while parsing TOML");
}

const char *aw__toml_describe(const aw__toml_parser *p, size_t pos, char buf[16]) {
    if (pos >= p->len) return "the end of the file";
    unsigned char c = (unsigned char)p->text[pos];
    if (c == '\n' || c == '\r') return "the end of the line";
    if (c >= 0x80) return "a non-ASCII character";
    snprintf(buf, 16, "'%c'", c);
    return buf;
}

/* Checks the whole text once: valid UTF-8 (no overlongs, surrogates or
 * values past U+10FFFF) and no control characters except tab, LF and the CR
 * of a CRLF. Everything after may rely on this. */
static aw_status check_text(aw__toml_parser *p) {
    const unsigned char *t = (const unsigned char *)p->text;
    size_t i = p->pos;
    while (i < p->len) {
        unsigned char c = t[i];
        if (c < 0x80) {
            if (c == '\r' && !(i + 1 < p->len && t[i + 1] == '\n'))
                return aw__toml_fail(p, i, "a carriage return must be followed by a line feed");
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
                return aw__toml_fail(p, i,
                                     "control character U+%04X is not allowed here (write "
                                     "it as an escape in a basic string)",
                                     c);
            i++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if ((c & 0xE0) == 0xC0) {
            n = 2, cp = c & 0x1Fu, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 3, cp = c & 0x0Fu, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            n = 4, cp = c & 0x07u, min = 0x10000;
        } else {
            return aw__toml_fail(p, i, "invalid UTF-8 (byte 0x%02X cannot start a character)", c);
        }
        if (i + n > p->len) return aw__toml_fail(p, i, "invalid UTF-8 (truncated character)");
        for (size_t k = 1; k < n; k++) {
            if ((t[i + k] & 0xC0) != 0x80)
                return aw__toml_fail(p, i, "invalid UTF-8 (bad continuation byte)");
            cp = cp << 6 | (t[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return aw__toml_fail(p, i,
                                 "invalid UTF-8 (overlong form, surrogate or value past "
                                 "U+10FFFF)");
        i += n;
    }
    return AW_OK;
}

static void skip_spaces(aw__toml_parser *p) {
    while (p->pos < p->len && (p->text[p->pos] == ' ' || p->text[p->pos] == '\t')) p->pos++;
}

static void skip_comment(aw__toml_parser *p) {
    if (aw__toml_peek(p, 0) != '#') return;
    while (p->pos < p->len && p->text[p->pos] != '\n' && p->text[p->pos] != '\r') p->pos++;
}

/* Whitespace, newlines and comments, as allowed between array elements. */
static void skip_blank(aw__toml_parser *p) {
    for (;;) {
        skip_spaces(p);
        skip_comment(p);
        int c = aw__toml_peek(p, 0);
        if (c == '\n')
            p->pos++;
        else if (c == '\r')
            p->pos += 2; /* CRLF, checked up front */
        else
            return;
    }
}

/* After a key/value pair or a header: spaces, a comment, then a newline or EOF. */
static aw_status end_of_line(aw__toml_parser *p, const char *after) {
    skip_spaces(p);
    skip_comment(p);
    int c = aw__toml_peek(p, 0);
    if (c < 0) return AW_OK;
    if (c == '\n') {
        p->pos++;
        return AW_OK;
    }
    if (c == '\r') {
        p->pos += 2;
        return AW_OK;
    }
    char buf[16];
    return aw__toml_fail(p, p->pos, "expected the end of the line after %s, found %s", after,
                         aw__toml_describe(p, p->pos, buf));
}

static bool is_bare_key_char(int c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

static void free_key(key_path *k) {
    for (size_t i = 0; i < k->len; i++)
        if (!k->parts[i].moved) aw__free(k->parts[i].name, k->parts[i].len + 1);
    aw__free(k->parts, k->cap * sizeof *k->parts);
    k->parts = NULL;
    k->len = k->cap = 0;
}

/* Writes the first count parts of k as a.b."c d" into buf. */
static const char *key_text(const key_path *k, size_t count, char *buf, size_t size) {
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count && n + 1 < size; i++) {
        const key_part *part = &k->parts[i];
        bool bare = part->len > 0;
        for (size_t j = 0; j < part->len; j++) bare = bare && is_bare_key_char(part->name[j]);
        int w = snprintf(buf + n, size - n, "%s%s%.*s%s", i ? "." : "", bare ? "" : "\"",
                         (int)(part->len > 64 ? 64 : part->len), part->name, bare ? "" : "\"");
        if (w < 0) break;
        n += (size_t)w;
        if (n >= size) n = size - 1;
    }
    return buf;
}

static aw_status parse_simple_key(aw__toml_parser *p, key_part *part) {
    part->pos = p->pos;
    aw__toml_position(p, p->pos, &part->line, &part->column);
    int c = aw__toml_peek(p, 0);
    if (c == '"' || c == '\'') return aw__toml_parse_string(p, false, &part->name, &part->len);
    size_t start = p->pos;
    while (p->pos < p->len && is_bare_key_char((unsigned char)p->text[p->pos])) p->pos++;
    if (p->pos == start) {
        char buf[16];
        return aw__toml_fail(p, start, "expected a key, found %s",
                             aw__toml_describe(p, start, buf));
    }
    part->name = aw__strndup(p->text + start, p->pos - start);
    if (!part->name) return aw__toml_no_memory(p);
    part->len = p->pos - start;
    return AW_OK;
}

/* key = simple-key *( ws '.' ws simple-key ); whitespace around dots allowed. */
static aw_status parse_key(aw__toml_parser *p, key_path *k) {
    for (;;) {
        if (k->len == AW__TOML_MAX_DEPTH)
            return aw__toml_fail(p, p->pos, "key has more than %d parts", AW__TOML_MAX_DEPTH);
        if (k->len == k->cap) {
            size_t cap = k->cap ? k->cap * 2 : 4;
            key_part *grown = aw__realloc(k->parts, k->cap * sizeof *grown, cap * sizeof *grown);
            if (!grown) return aw__toml_no_memory(p);
            k->parts = grown;
            k->cap = cap;
        }
        key_part *part = &k->parts[k->len];
        memset(part, 0, sizeof *part);
        aw_status s = parse_simple_key(p, part);
        if (s != AW_OK) return s;
        k->len++;
        skip_spaces(p);
        if (aw__toml_peek(p, 0) != '.') return AW_OK;
        p->pos++;
        skip_spaces(p);
    }
}

static aw__toml_value *new_table(aw__toml_parser *p, aw__toml_origin origin, uint32_t line,
                                 uint32_t column) {
    aw__toml_value *t = aw__toml_new_at(p, AW__TOML_TABLE, line, column);
    if (t) t->as.table.origin = origin;
    return t;
}

/* Adds a child table named by part to parent, moving the name into the tree. */
static aw_status add_table(aw__toml_parser *p, aw__toml_value *parent, key_part *part,
                           aw__toml_origin origin, aw__toml_value **out) {
    aw__toml_value *t = new_table(p, origin, part->line, part->column);
    if (!t) return AW_NO_MEMORY;
    aw_status s = aw__toml_table_add(p, parent, part->name, part->len, part->line, part->column, t);
    if (s != AW_OK) {
        aw__toml_free(t);
        return s;
    }
    part->moved = true;
    *out = t;
    return AW_OK;
}

/* Closes an inline table for good: it and every table inside it. */
static void freeze(aw__toml_value *v) {
    if (v->type == AW__TOML_TABLE) {
        v->as.table.origin = AW__TOML_INLINE;
        for (size_t i = 0; i < v->as.table.len; i++) freeze(v->as.table.entries[i].value);
    } else if (v->type == AW__TOML_ARRAY) {
        for (size_t i = 0; i < v->as.array.len; i++) freeze(v->as.array.items[i]);
    }
}

/* key = value into table (at tree depth `depth`). */
static aw_status parse_keyval(aw__toml_parser *p, aw__toml_value *table, uint32_t depth) {
    key_path k = {0};
    aw__toml_value *value = NULL;
    char name[160];
    aw_status s = parse_key(p, &k);
    if (s != AW_OK) goto fail;
    if (aw__toml_peek(p, 0) != '=') {
        char buf[16];
        s = aw__toml_fail(p, p->pos, "expected '=' after the key '%s', found %s",
                          key_text(&k, k.len, name, sizeof name),
                          aw__toml_describe(p, p->pos, buf));
        goto fail;
    }
    p->pos++;
    skip_spaces(p);
    if (depth + k.len > AW__TOML_MAX_DEPTH) {
        s = aw__toml_fail(p, k.parts[0].pos, "tables nested deeper than %d levels",
                          AW__TOML_MAX_DEPTH);
        goto fail;
    }
    s = parse_value(p, depth + (uint32_t)k.len, &value);
    if (s != AW_OK) goto fail;
    aw__toml_value *t = table;
    for (size_t i = 0; i + 1 < k.len; i++) {
        key_part *part = &k.parts[i];
        aw__toml_entry *e = aw__toml_find(t, part->name, part->len);
        if (!e) {
            s = add_table(p, t, part, AW__TOML_DOTTED, &t);
            if (s != AW_OK) goto fail;
            continue;
        }
        aw__toml_value *v = e->value;
        if (v->type != AW__TOML_TABLE) {
            s = aw__toml_fail(p, part->pos, "key '%s' is already a%s %s, not a table",
                              key_text(&k, i + 1, name, sizeof name), article(v->type),
                              aw__toml_type_name(v->type));
            goto fail;
        }
        if (v->as.table.origin == AW__TOML_INLINE) {
            s = aw__toml_fail(p, part->pos, "inline table '%s' cannot be extended",
                              key_text(&k, i + 1, name, sizeof name));
            goto fail;
        }
        if (v->as.table.origin == AW__TOML_HEADER) {
            s = aw__toml_fail(p, part->pos,
                              "table '%s' was defined by a [header] at line %u; "
                              "dotted keys cannot add to it",
                              key_text(&k, i + 1, name, sizeof name), v->line);
            goto fail;
        }
        t = v;
    }
    key_part *last = &k.parts[k.len - 1];
    const aw__toml_entry *dup = aw__toml_find(t, last->name, last->len);
    if (dup) {
        s = aw__toml_fail(p, last->pos, "key '%s' is defined twice (first at line %u)",
                          key_text(&k, k.len, name, sizeof name), dup->line);
        goto fail;
    }
    s = aw__toml_table_add(p, t, last->name, last->len, last->line, last->column, value);
    if (s != AW_OK) goto fail;
    last->moved = true;
    free_key(&k);
    return AW_OK;
fail:
    aw__toml_free(value);
    free_key(&k);
    return s;
}

static aw_status parse_array(aw__toml_parser *p, uint32_t depth, aw__toml_value **out) {
    aw__toml_value *array = aw__toml_new(p, AW__TOML_ARRAY, p->pos);
    if (!array) return AW_NO_MEMORY;
    array->as.array.closed = true;
    p->pos++;
    aw_status s;
    for (;;) {
        skip_blank(p);
        if (aw__toml_peek(p, 0) == ']') break;
        aw__toml_value *item = NULL;
        s = parse_value(p, depth + 1, &item);
        if (s != AW_OK) goto fail;
        s = aw__toml_array_push(p, array, item);
        if (s != AW_OK) {
            aw__toml_free(item);
            goto fail;
        }
        skip_blank(p);
        int c = aw__toml_peek(p, 0);
        if (c == ',') {
            p->pos++;
            continue;
        }
        if (c == ']') break;
        char buf[16];
        s = aw__toml_fail(p, p->pos, "expected ',' or ']' in an array, found %s",
                          aw__toml_describe(p, p->pos, buf));
        goto fail;
    }
    p->pos++;
    *out = array;
    return AW_OK;
fail:
    aw__toml_free(array);
    return s;
}

static aw_status parse_inline_table(aw__toml_parser *p, uint32_t depth, aw__toml_value **out) {
    /* Built with the dotted-key rules, closed (frozen) at the '}'. */
    uint32_t line, column;
    aw__toml_position(p, p->pos, &line, &column);
    aw__toml_value *table = new_table(p, AW__TOML_DOTTED, line, column);
    if (!table) return AW_NO_MEMORY;
    p->pos++;
    skip_spaces(p);
    aw_status s;
    if (aw__toml_peek(p, 0) != '}') {
        for (;;) {
            skip_spaces(p);
            s = parse_keyval(p, table, depth);
            if (s != AW_OK) goto fail;
            skip_spaces(p);
            int c = aw__toml_peek(p, 0);
            if (c == '}') break;
            if (c == ',') {
                p->pos++;
                skip_spaces(p);
                if (aw__toml_peek(p, 0) == '}') {
                    s = aw__toml_fail(p, p->pos - 1,
                                      "a trailing comma is not allowed in an "
                                      "inline table");
                    goto fail;
                }
                continue;
            }
            char buf[16];
            s = aw__toml_fail(p, p->pos, "expected ',' or '}' in an inline table, found %s%s",
                              aw__toml_describe(p, p->pos, buf),
                              c == '\n' || c == '\r' ? " (an inline table must fit on one line)"
                                                     : "");
            goto fail;
        }
    }
    p->pos++;
    freeze(table);
    *out = table;
    return AW_OK;
fail:
    aw__toml_free(table);
    return s;
}

static aw_status parse_bool(aw__toml_parser *p, aw__toml_value **out) {
    size_t start = p->pos;
    bool value = p->text[p->pos] == 't';
    const char *word = value ? "true" : "false";
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->text + p->pos, word, n) != 0)
        return aw__toml_fail(p, start, "expected a value (booleans are lower-case true and false)");
    p->pos += n;
    if (!aw__toml_at_value_end(p)) {
        char buf[16];
        return aw__toml_fail(p, p->pos, "invalid character %s after %s",
                             aw__toml_describe(p, p->pos, buf), word);
    }
    aw__toml_value *v = aw__toml_new(p, AW__TOML_BOOL, start);
    if (!v) return AW_NO_MEMORY;
    v->as.boolean = value;
    *out = v;
    return AW_OK;
}

static aw_status parse_value(aw__toml_parser *p, uint32_t depth, aw__toml_value **out) {
    if (depth > AW__TOML_MAX_DEPTH)
        return aw__toml_fail(p, p->pos, "values nested deeper than %d levels", AW__TOML_MAX_DEPTH);
    int c = aw__toml_peek(p, 0);
    switch (c) {
        case '"':
        case '\'': {
            size_t start = p->pos;
            char *bytes;
            size_t len;
            aw_status s = aw__toml_parse_string(p, true, &bytes, &len);
            if (s != AW_OK) return s;
            aw__toml_value *v = aw__toml_new(p, AW__TOML_STRING, start);
            if (!v) {
                aw__free(bytes, len + 1);
                return AW_NO_MEMORY;
            }
            v->as.string.bytes = bytes;
            v->as.string.len = len;
            *out = v;
            return AW_OK;
        }
        case 't':
        case 'f':
            return parse_bool(p, out);
        case '[':
            return parse_array(p, depth, out);
        case '{':
            return parse_inline_table(p, depth, out);
        case '+':
        case '-':
        case 'i':
        case 'n':
            return aw__toml_parse_number(p, out);
        default:
            break;
    }
    if (c >= '0' && c <= '9')
        return aw__toml_at_datetime(p) ? aw__toml_parse_datetime(p, out)
                                       : aw__toml_parse_number(p, out);
    char buf[16];
    return aw__toml_fail(p, p->pos, "expected a value, found %s",
                         aw__toml_describe(p, p->pos, buf));
}

/* [a.b.c] or [[a.b.c]]: makes *current the table that following keys fill. */
static aw_status parse_header(aw__toml_parser *p, aw__toml_value *root, aw__toml_value **current,
                              uint32_t *current_depth) {
    size_t start = p->pos;
    uint32_t line, column;
    aw__toml_position(p, start, &line, &column);
    bool array = aw__toml_peek(p, 1) == '[';
    p->pos += array ? 2 : 1;
    skip_spaces(p);
    key_path k = {0};
    char name[160];
    aw_status s = parse_key(p, &k);
    if (s != AW_OK) goto fail;
    if (aw__toml_peek(p, 0) != ']' || (array && aw__toml_peek(p, 1) != ']')) {
        char buf[16];
        s = aw__toml_fail(p, p->pos, "expected '%s' to close the table header, found %s",
                          array ? "]]" : "]", aw__toml_describe(p, p->pos, buf));
        goto fail;
    }
    p->pos += array ? 2 : 1;
    aw__toml_value *t = root;
    uint32_t depth = 0;
    for (size_t i = 0; i + 1 < k.len; i++) {
        key_part *part = &k.parts[i];
        aw__toml_entry *e = aw__toml_find(t, part->name, part->len);
        depth++;
        if (!e) {
            s = add_table(p, t, part, AW__TOML_IMPLICIT, &t);
            if (s != AW_OK) goto fail;
            continue;
        }
        aw__toml_value *v = e->value;
        if (v->type == AW__TOML_ARRAY && v->as.array.of_tables) {
            t = v->as.array.items[v->as.array.len - 1];
            depth++;
        } else if (v->type != AW__TOML_TABLE) {
            s = aw__toml_fail(p, part->pos, "key '%s' is already a%s %s, not a table",
                              key_text(&k, i + 1, name, sizeof name), article(v->type),
                              aw__toml_type_name(v->type));
            goto fail;
        } else if (v->as.table.origin == AW__TOML_INLINE) {
            s = aw__toml_fail(p, part->pos, "inline table '%s' cannot be extended",
                              key_text(&k, i + 1, name, sizeof name));
            goto fail;
        } else {
            t = v;
        }
    }
    if (depth + 2 > AW__TOML_MAX_DEPTH) {
        s = aw__toml_fail(p, start, "tables nested deeper than %d levels", AW__TOML_MAX_DEPTH);
        goto fail;
    }
    key_part *last = &k.parts[k.len - 1];
    const char *full = key_text(&k, k.len, name, sizeof name);
    aw__toml_entry *e = aw__toml_find(t, last->name, last->len);
    if (array) {
        aw__toml_value *list;
        if (!e) {
            list = aw__toml_new_at(p, AW__TOML_ARRAY, line, column);
            if (!list) {
                s = AW_NO_MEMORY;
                goto fail;
            }
            list->as.array.of_tables = true;
            s = aw__toml_table_add(p, t, last->name, last->len, last->line, last->column, list);
            if (s != AW_OK) {
                aw__toml_free(list);
                goto fail;
            }
            last->moved = true;
        } else if (e->value->type == AW__TOML_ARRAY && e->value->as.array.of_tables) {
            list = e->value;
        } else {
            s = aw__toml_fail(p, last->pos,
                              "cannot define array of tables [[%s]]: '%s' is "
                              "already a%s %s (line %u)",
                              full, full, article(e->value->type),
                              aw__toml_type_name(e->value->type), e->line);
            goto fail;
        }
        aw__toml_value *element = new_table(p, AW__TOML_HEADER, line, column);
        if (!element) {
            s = AW_NO_MEMORY;
            goto fail;
        }
        s = aw__toml_array_push(p, list, element);
        if (s != AW_OK) {
            aw__toml_free(element);
            goto fail;
        }
        *current = element;
        *current_depth = depth + 2;
    } else {
        if (!e) {
            s = add_table(p, t, last, AW__TOML_HEADER, current);
            if (s != AW_OK) goto fail;
            (*current)->line = line;
            (*current)->column = column;
        } else if (e->value->type == AW__TOML_TABLE &&
                   e->value->as.table.origin == AW__TOML_IMPLICIT) {
            e->value->as.table.origin = AW__TOML_HEADER;
            e->value->line = line;
            e->value->column = column;
            *current = e->value;
        } else if (e->value->type == AW__TOML_TABLE) {
            s = aw__toml_fail(p, start, "table [%s] is defined twice (first at line %u%s)", full,
                              e->value->line,
                              e->value->as.table.origin == AW__TOML_DOTTED   ? " by dotted keys"
                              : e->value->as.table.origin == AW__TOML_INLINE ? " as an inline table"
                                                                             : "");
            goto fail;
        } else {
            s = aw__toml_fail(p, start,
                              "cannot define table [%s]: '%s' is already a%s %s (line "
                              "%u)",
                              full, full, article(e->value->type),
                              aw__toml_type_name(e->value->type), e->line);
            goto fail;
        }
        *current_depth = depth + 1;
    }
    free_key(&k);
    return end_of_line(p, "a table header");
fail:
    free_key(&k);
    return s;
}

static aw_status parse_document(aw__toml_parser *p, aw__toml_value *root) {
    aw__toml_value *current = root;
    uint32_t depth = 0;
    for (;;) {
        skip_spaces(p);
        int c = aw__toml_peek(p, 0);
        if (c < 0) return AW_OK;
        aw_status s;
        if (c == '#' || c == '\n' || c == '\r') {
            s = end_of_line(p, "a comment");
        } else if (c == '[') {
            s = parse_header(p, root, &current, &depth);
        } else {
            s = parse_keyval(p, current, depth);
            if (s == AW_OK) s = end_of_line(p, "a value");
        }
        if (s != AW_OK) return s;
    }
}

aw_status aw__toml_parse(const char *text, size_t len, aw__toml_value **root, aw_error *err) {
    *root = NULL;
    aw__toml_parser p = {.text = text, .len = len, .err = err, .cache_line = 1, .cache_column = 1};
    /* A UTF-8 byte order mark at the very start is skipped. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) p.pos = p.cache_pos = 3;
    aw_status s = check_text(&p);
    if (s != AW_OK) return s;
    aw__toml_value *doc = new_table(&p, AW__TOML_ROOT, 1, 1);
    if (!doc) return AW_NO_MEMORY;
    s = parse_document(&p, doc);
    aw__buf_free(&p.scratch);
    if (s != AW_OK) {
        aw__toml_free(doc);
        return s;
    }
    *root = doc;
    return AW_OK;
}
