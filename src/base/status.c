/* Names and texts of status codes and trap kinds, generated from their lists. */
#include "airwasm/status.h"

static const char *const status_names[] = {
#define NAME_(name, text) #name,
    AW_STATUS_LIST(NAME_)
#undef NAME_
};

static const char *const status_texts[] = {
#define TEXT_(name, text) text,
    AW_STATUS_LIST(TEXT_)
#undef TEXT_
};

static const char *const trap_names[] = {
#define NAME_(name, text) #name,
    AW_TRAP_LIST(NAME_)
#undef NAME_
};

static const char *const trap_texts[] = {
#define TEXT_(name, text) text,
    AW_TRAP_LIST(TEXT_)
#undef TEXT_
};

const char *aw_status_name(aw_status status) {
    if ((unsigned)status >= (unsigned)AW_STATUS_COUNT_) return "?";
    return status_names[status];
}

const char *aw_status_text(aw_status status) {
    if ((unsigned)status >= (unsigned)AW_STATUS_COUNT_) return "unknown status";
    return status_texts[status];
}

const char *aw_trap_name(aw_trap trap) {
    if ((unsigned)trap >= (unsigned)AW_TRAP_COUNT_) return "?";
    return trap_names[trap];
}

const char *aw_trap_text(aw_trap trap) {
    if ((unsigned)trap >= (unsigned)AW_TRAP_COUNT_) return "unknown trap";
    return trap_texts[trap];
}

const char *aw_version(void) {
    return AW_VERSION_STRING;
}
