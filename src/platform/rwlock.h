/* Reader-writer locks behind opaque storage (many readers or one writer). */
#ifndef AW_PLATFORM_RWLOCK_H
#define AW_PLATFORM_RWLOCK_H

#include "airwasm/status.h"

typedef struct aw__rwlock {
    _Alignas(8) unsigned char opaque[64];
} aw__rwlock;

/* Writers are preferred, so a steady stream of readers cannot starve one. */
aw_status aw__rwlock_init(aw__rwlock *l);
void aw__rwlock_destroy(aw__rwlock *l);
void aw__rwlock_read_lock(aw__rwlock *l);
void aw__rwlock_read_unlock(aw__rwlock *l);
void aw__rwlock_write_lock(aw__rwlock *l);
void aw__rwlock_write_unlock(aw__rwlock *l);

#endif
