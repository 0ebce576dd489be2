/* Shared definitions of the public API: export marker and version. */
#ifndef AIRWASM_COMMON_H
#define AIRWASM_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(AW_BUILDING_LIBRARY)
#define AW_API __attribute__((visibility("default")))
#else
#define AW_API
#endif

#define AW_VERSION_MAJOR 0
#define AW_VERSION_MINOR 1
#define AW_VERSION_PATCH 0

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version as "MAJOR.MINOR.PATCH"; static storage. */
AW_API const char *aw_version(void);

#ifdef __cplusplus
}
#endif

#endif
