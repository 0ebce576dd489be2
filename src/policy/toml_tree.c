/* The TOML document tree: nodes, table and array growth, lookups, getters, free. */
#include "toml_internal.h"

#include "base/alloc.h"
#include "base/strmap.h"

#include <stdio.h>
#include <string.h>

aw__toml_value *aw__toml_new_at(aw__toml_parser *p, aw__toml_type type, uint32_t line,
                                uint32_t column) {
    aw__toml_value *v = AW__NEW(aw__toml_value);
    if (!v) {
        aw__toml_no_memory(p);
        return NULL;
    }
    v->type = type;
    v->line = line;
    v->column = column;
    return v;
}

aw__toml_value *aw__toml_new(aw__toml_parser *p, aw__toml_type type, size_t pos) {
    uint32_t line, column;
    aw__toml_position(p, pos, &line, &column);
    return aw__toml_new_at(p, type, line, column);
}

/* Small tables are searched in order; from this size on a hash index keeps
 * documents with thousands of keys in one table linear to parse. */
#define INDEX_FROM 16

aw__toml_entry *aw__toml_find(aw__toml_value *table, const char *key, size_t key_len) {
    if (table->as.table.index) {
        void *slot = aw__strmap_get(table->as.table.index, key, key_len);
        return slot ? &table->as.table.entries[(uintptr_t)slot - 1] : NULL;
    }
    for (size_t i = 0; i < table->as.table.len; i++) {
        aw__toml_entry *e = &table->as.table.entries[i];
        if (e->key_len == key_len && memcmp(e->key, key, key_len) == 0) return e;
    }
    return NULL;
}

static void free_index(aw__toml_value *table) {
    if (!table->as.table.index) return;
    aw__strmap_free(table->as.table.index);
    AW__DELETE(table->as.table.index);
    table->as.table.index = NULL;
}

/* Adds entries [from, len) to the index, creating it when needed. */
static aw_status index_entries(aw__toml_value *table, size_t from) {
    if (!table->as.table.index) {
        table->as.table.index = AW__NEW(aw__strmap);
        if (!table->as.table.index) return AW_NO_MEMORY;
        from = 0;
    }
    for (size_t i = from; i < table->as.table.len; i++) {
        aw__toml_entry *e = &table->as.table.entries[i];
        if (aw__strmap_put(table->as.table.index, e->key, e->key_len, (void *)(uintptr_t)(i + 1),
                           NULL) != AW_OK) {
            free_index(table);
            return AW_NO_MEMORY;
        }
    }
    return AW_OK;
}

aw_status aw__toml_table_add(aw__toml_parser *p, aw__toml_value *table, char *key, size_t key_len,
                             uint32_t line, uint32_t column, aw__toml_value *value) {
    if (table->as.table.len == table->as.table.cap) {
        size_t cap = table->as.table.cap ? table->as.table.cap * 2 : 4;
        aw__toml_entry *grown = aw__realloc(
            table->as.table.entries, table->as.table.cap * sizeof *grown, cap * sizeof *grown);
        if (!grown) return aw__toml_no_memory(p);
        table->as.table.entries = grown;
        table->as.table.cap = cap;
    }
    aw__toml_entry *e = &table->as.table.entries[table->as.table.len++];
    e->key = key;
    e->key_len = key_len;
    e->value = value;
    e->line = line;
    e->column = column;
    if (table->as.table.index || table->as.table.len >= INDEX_FROM) {
        if (index_entries(table, table->as.table.len - 1) != AW_OK) {
            table->as.table.len--; /* the caller still owns key and value */
            return aw__toml_no_memory(p);
        }
    }
    return AW_OK;
}

aw_status aw__toml_array_push(aw__toml_parser *p, aw__toml_value *array, aw__toml_value *item) {
    if (array->as.array.len == array->as.array.cap) {
        size_t cap = array->as.array.cap ? array->as.array.cap * 2 : 4;
        aw__toml_value **grown = aw__realloc(
            array->as.array.items, array->as.array.cap * sizeof *grown, cap * sizeof *grown);
        if (!grown) return aw__toml_no_memory(p);
        array->as.array.items = grown;
        array->as.array.cap = cap;
    }
    array->as.array.items[array->as.array.len++] = item;
    return AW_OK;
}

void aw__toml_free(aw__toml_value *v) {
    if (!v) return;
    switch (v->type) {
        case AW__TOML_STRING:
            aw__free(v->as.string.bytes, v->as.string.len + 1);
            break;
        case AW__TOML_ARRAY:
            for (size_t i = 0; i < v->as.array.len; i++) aw__toml_free(v->as.array.items[i]);
            aw__free(v->as.array.items, v->as.array.cap * sizeof *v->as.array.items);
            break;
        case AW__TOML_TABLE:
            for (size_t i = 0; i < v->as.table.len; i++) {
                aw__toml_entry *e = &v->as.table.entries[i];
                aw__free(e->key, e->key_len + 1);
                aw__toml_free(e->value);
            }
            aw__free(v->as.table.entries, v->as.table.cap * sizeof *v->as.table.entries);
            free_index(v);
            break;
        default:
            break;
    }
    AW__DELETE(v);
}

const char *aw__toml_type_name(aw__toml_type type) {
    switch (type) {
        case AW__TOML_STRING:
            return "string";
        case AW__TOML_INTEGER:
            return "integer";
        case AW__TOML_FLOAT:
            return "float";
        case AW__TOML_BOOL:
            return "boolean";
        case AW__TOML_DATETIME:
            return "offset date-time";
        case AW__TOML_DATETIME_LOCAL:
            return "local date-time";
        case AW__TOML_DATE_LOCAL:
            return "local date";
        case AW__TOML_TIME_LOCAL:
            return "local time";
        case AW__TOML_ARRAY:
            return "array";
        case AW__TOML_TABLE:
            return "table";
    }
    return "?";
}

const aw__toml_entry *aw__toml_get_entry(const aw__toml_value *table, const char *key,
                                         size_t key_len) {
    if (!table || table->type != AW__TOML_TABLE) return NULL;
    return aw__toml_find((aw__toml_value *)table, key, key_len);
}

const aw__toml_value *aw__toml_get(const aw__toml_value *table, const char *key) {
    const aw__toml_entry *e = aw__toml_get_entry(table, key, strlen(key));
    return e ? e->value : NULL;
}

bool aw__toml_string(const aw__toml_value *v, const char **out, size_t *len) {
    if (!v || v->type != AW__TOML_STRING) return false;
    *out = v->as.string.bytes;
    if (len) *len = v->as.string.len;
    return true;
}

bool aw__toml_integer(const aw__toml_value *v, int64_t *out) {
    if (!v || v->type != AW__TOML_INTEGER) return false;
    *out = v->as.integer;
    return true;
}

bool aw__toml_float(const aw__toml_value *v, double *out) {
    if (!v) return false;
    if (v->type == AW__TOML_FLOAT)
        *out = v->as.floating;
    else if (v->type == AW__TOML_INTEGER)
        *out = (double)v->as.integer;
    else
        return false;
    return true;
}

bool aw__toml_bool(const aw__toml_value *v, bool *out) {
    if (!v || v->type != AW__TOML_BOOL) return false;
    *out = v->as.boolean;
    return true;
}

bool aw__toml_datetime_of(const aw__toml_value *v, aw__toml_datetime *out) {
    if (!v || v->type < AW__TOML_DATETIME || v->type > AW__TOML_TIME_LOCAL) return false;
    *out = v->as.datetime;
    return true;
}

size_t aw__toml_len(const aw__toml_value *v) {
    if (!v) return 0;
    if (v->type == AW__TOML_ARRAY) return v->as.array.len;
    if (v->type == AW__TOML_TABLE) return v->as.table.len;
    return 0;
}

const aw__toml_value *aw__toml_at(const aw__toml_value *array, size_t i) {
    if (!array || array->type != AW__TOML_ARRAY || i >= array->as.array.len) return NULL;
    return array->as.array.items[i];
}

const aw__toml_entry *aw__toml_entry_at(const aw__toml_value *table, size_t i) {
    if (!table || table->type != AW__TOML_TABLE || i >= table->as.table.len) return NULL;
    return &table->as.table.entries[i];
}

size_t aw__toml_datetime_format(const aw__toml_value *v, char *buf, size_t size) {
    if (!size) return 0;
    buf[0] = '\0';
    if (!v || v->type < AW__TOML_DATETIME || v->type > AW__TOML_TIME_LOCAL) return 0;
    const aw__toml_datetime *d = &v->as.datetime;
    size_t n = 0;
    int w;
#define AW_TOML_PUT(...)                                                                           \
    do {                                                                                           \
        w = snprintf(buf + n, size - n, __VA_ARGS__);                                              \
        if (w < 0 || (size_t)w >= size - n) return strlen(buf);                                    \
        n += (size_t)w;                                                                            \
    } while (0)
    if (v->type != AW__TOML_TIME_LOCAL)
        AW_TOML_PUT("%04d-%02u-%02u", (int)d->year, d->month, d->day);
    if (v->type == AW__TOML_DATE_LOCAL) return n;
    if (v->type != AW__TOML_TIME_LOCAL) AW_TOML_PUT("T");
    AW_TOML_PUT("%02u:%02u:%02u", d->hour, d->minute, d->second);
    if (d->fraction_digits) {
        /* Print exactly the digits that were written (up to 9). */
        uint32_t ns = d->nanosecond;
        for (unsigned i = d->fraction_digits; i < 9; i++) ns /= 10;
        AW_TOML_PUT(".%0*u", (int)d->fraction_digits, ns);
    }
    if (v->type == AW__TOML_DATETIME) {
        if (d->offset_minutes == 0)
            AW_TOML_PUT("Z");
        else {
            int off = d->offset_minutes < 0 ? -d->offset_minutes : d->offset_minutes;
            AW_TOML_PUT("%c%02d:%02d", d->offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
        }
    }
#undef AW_TOML_PUT
    return n;
}
